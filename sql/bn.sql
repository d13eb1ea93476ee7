--
-- Bayesian networks: the ASIA network (Lauritzen and Spiegelhalter 1988)
-- and six seeded random networks against exact enumeration of the joint
-- distribution (test/data/bn_reference.py), a 50-node and a 60-node network
-- against dlib's join tree (test/data/bn_dlib_reference.sh): marginals, posteriors, do(),
-- joints, sensitivities, learnt CPTs; then scenarios, the driver ranking,
-- the text form, Graphviz, parallel and incremental learning, bad input.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set asia_csv :abs_srcdir '/test/data/bn_asia_nodes.csv'
\set asia_q_csv :abs_srcdir '/test/data/bn_asia_queries.csv'
\set asia_s_csv :abs_srcdir '/test/data/bn_asia_sensitivity.csv'
\set rand_csv :abs_srcdir '/test/data/bn_random_nodes.csv'
\set rand_q_csv :abs_srcdir '/test/data/bn_random_queries.csv'
\set events_csv :abs_srcdir '/test/data/bn_events.csv'
\set learnt_csv :abs_srcdir '/test/data/bn_learnt.csv'
\set large_csv :abs_srcdir '/test/data/bn_large_nodes.csv'
\set large_q_csv :abs_srcdir '/test/data/bn_large_queries.csv'

CREATE TABLE bn_asia_nodes (node text, states text[], parents text[], cpt float8[]);
COPY bn_asia_nodes FROM :'asia_csv' (FORMAT csv, HEADER);
ALTER TABLE bn_asia_nodes ADD COLUMN ord serial;
CREATE TABLE bn_queries (net_id int DEFAULT 0, query_id int, kind text, target text, evidence text,
                         intervention text, state text, probability float8, p_evidence float8);
COPY bn_queries (query_id, kind, target, evidence, intervention, state, probability, p_evidence)
    FROM :'asia_q_csv' (FORMAT csv, HEADER);
COPY bn_queries FROM :'rand_q_csv' (FORMAT csv, HEADER);
CREATE TABLE bn_random_nodes (net_id int, node text, states text[], parents text[], cpt float8[]);
COPY bn_random_nodes FROM :'rand_csv' (FORMAT csv, HEADER);
COPY bn_random_nodes FROM :'large_csv' (FORMAT csv, HEADER);
COPY bn_queries FROM :'large_q_csv' (FORMAT csv, HEADER);
ALTER TABLE bn_random_nodes ADD COLUMN ord serial;
CREATE TABLE bn_sens (target text, target_state text, evidence text, node text, row int, state text,
                      derivative float8);
COPY bn_sens FROM :'asia_s_csv' (FORMAT csv, HEADER);
CREATE TABLE bn_events (asia text, tub text, smoke text, lung text, bronc text, either text,
                        xray text, dysp text);
COPY bn_events FROM :'events_csv' (FORMAT csv, HEADER);
ALTER TABLE bn_events ADD COLUMN id serial;
CREATE TABLE bn_learnt (estimator text, node text, row int, state text, count float8, estimate float8);
COPY bn_learnt FROM :'learnt_csv' (FORMAT csv, HEADER);

-- 'a=x;b=y' as the JSON object the functions take
CREATE FUNCTION pg_temp.settings(s text) RETURNS jsonb LANGUAGE sql IMMUTABLE
    RETURN (SELECT jsonb_object_agg(split_part(kv, '=', 1), split_part(kv, '=', 2))
            FROM unnest(string_to_array(s, ';')) kv);

-- ---------------------------------------------------------------------
-- A network as a value
-- ---------------------------------------------------------------------
CREATE TABLE nets (net_id int PRIMARY KEY, network risk.bn);
INSERT INTO nets
SELECT 0, risk.bn_define(node, states, parents, cpt ORDER BY ord) FROM bn_asia_nodes;
INSERT INTO nets
SELECT net_id, risk.bn_define(node, states, parents, cpt ORDER BY ord)
FROM bn_random_nodes GROUP BY net_id;

SELECT n.* FROM nets, risk.bn_nodes(network) n WHERE net_id = 0;
SELECT e.* FROM nets, risk.bn_edges(network) e WHERE net_id = 0 ORDER BY 2, 1;
SELECT net_id, count(*) AS nodes FROM nets, risk.bn_nodes(network) GROUP BY 1 ORDER BY 1;
-- the CPT cells come back as defined
SELECT c.* FROM nets, risk.bn_cpt(network) c WHERE net_id = 0 AND c.node = 'dysp';
SELECT bool_and(c.cpt = n.cpt) AS cpts_as_defined
FROM bn_asia_nodes n, LATERAL (SELECT array_agg(probability) AS cpt
                              FROM nets, risk.bn_cpt(network) x WHERE net_id = 0 AND x.node = n.node) c;
-- the text form is JSON and reads back to the same value
SELECT (network::text)::jsonb -> 'nodes' -> 1 AS tub FROM nets WHERE net_id = 0;
SELECT bool_and(network::text::risk.bn::text = network::text) AS text_round_trip FROM nets;
CREATE TABLE stored (network risk.bn);
INSERT INTO stored SELECT network FROM nets WHERE net_id = 0;
SELECT risk.bn_probability(network, 'dysp', 'yes') FROM stored;

-- ---------------------------------------------------------------------
-- Exact inference against enumeration
-- ---------------------------------------------------------------------
-- single targets: marginals, posteriors, do()
WITH q AS (
    SELECT b.*, r.probability AS got
    FROM bn_queries b JOIN nets USING (net_id),
         LATERAL risk.bn_query(network, b.target, pg_temp.settings(b.evidence),
                               pg_temp.settings(b.intervention)) r
    WHERE b.kind <> 'joint' AND b.probability IS NOT NULL AND r.state = b.state
)
SELECT CASE WHEN net_id = 0 THEN 'asia' WHEN net_id > 100 THEN 'dlib join tree' ELSE 'enumeration' END AS reference, kind, count(*) AS cells,
       max(abs(got - probability)) < 1e-12 AS exact
FROM q GROUP BY 1, 2 ORDER BY 1, 2;
-- every reference cell was compared
SELECT count(*) AS not_compared
FROM bn_queries b JOIN nets USING (net_id)
WHERE b.kind <> 'joint' AND b.probability IS NOT NULL
  AND NOT EXISTS (SELECT FROM risk.bn_query(network, b.target, pg_temp.settings(b.evidence),
                                            pg_temp.settings(b.intervention)) r WHERE r.state = b.state);
-- P(evidence) and P(evidence | do)
SELECT net_id = 0 AS asia, count(*) AS queries,
       max(abs(risk.bn_evidence_probability(network, pg_temp.settings(evidence),
                                            pg_temp.settings(intervention)) - p_evidence)) < 1e-12 AS exact
FROM (SELECT DISTINCT net_id, query_id, evidence, intervention, p_evidence FROM bn_queries
      WHERE evidence IS NOT NULL AND p_evidence IS NOT NULL) b JOIN nets USING (net_id)
GROUP BY 1 ORDER BY 1;
-- joints of two targets
SELECT b.net_id = 0 AS asia, count(*) AS cells, max(abs(r.probability - b.probability)) < 1e-12 AS exact
FROM bn_queries b JOIN nets USING (net_id),
     LATERAL risk.bn_joint(network, string_to_array(b.target, ','), pg_temp.settings(b.evidence),
                           pg_temp.settings(b.intervention)) r
WHERE b.kind = 'joint' AND b.probability IS NOT NULL AND r.states = string_to_array(b.state, ',')
GROUP BY 1 ORDER BY 1;
-- the published marginal, and a do() that differs from conditioning
SELECT round(risk.bn_probability(network, 'dysp', 'yes')::numeric, 7) AS p_dysp,
       round(risk.bn_probability(network, 'bronc', 'yes', '{"dysp": "yes"}')::numeric, 6) AS bronc_given_dysp,
       round(risk.bn_probability(network, 'bronc', 'yes', NULL, '{"dysp": "yes"}')::numeric, 6) AS bronc_do_dysp,
       risk.bn_map(network, 'lung', '{"xray": "yes", "dysp": "yes"}') AS map_lung
FROM nets WHERE net_id = 0;
-- an observed target is certain
SELECT q.* FROM nets, risk.bn_query(network, 'smoke', '{"smoke": "no"}') q WHERE net_id = 0;
-- impossible evidence: P(e) = 0, and a posterior given it is an error
SELECT risk.bn_evidence_probability(network, '{"tub": "yes", "either": "no"}') FROM nets WHERE net_id = 0;
SELECT risk.bn_probability(network, 'dysp', 'yes', '{"tub": "yes", "either": "no"}') FROM nets WHERE net_id = 0;

-- ---------------------------------------------------------------------
-- Sensitivities against the exact derivative
-- ---------------------------------------------------------------------
SELECT s.evidence IS NOT NULL AS with_evidence, count(*) AS parameters,
       max(abs(x.derivative - s.derivative)) < 1e-10 AS exact
FROM bn_sens s, nets,
     LATERAL (SELECT d.*, row_number() OVER (PARTITION BY d.node ORDER BY o) - 1 AS cell
              FROM risk.bn_sensitivity(network, s.target, s.target_state, pg_temp.settings(s.evidence))
                   WITH ORDINALITY d(node, parent_states, node_state, parameter, derivative, o)) x
WHERE net_id = 0 AND x.node = s.node AND x.cell = s.row * 2 + array_position('{yes,no}', s.state) - 1
GROUP BY 1 ORDER BY 1;
-- the largest derivatives of P(dysp = yes | smoke = yes)
SELECT node, parent_states, node_state, parameter, round(derivative::numeric, 6) AS derivative
FROM nets, risk.bn_sensitivity(network, 'dysp', 'yes', '{"smoke": "yes"}')
WHERE net_id = 0 ORDER BY abs(derivative) DESC, node, node_state LIMIT 6;

-- ---------------------------------------------------------------------
-- Scenarios and drivers
-- ---------------------------------------------------------------------
-- smoking half as likely: the network changes, and the change in P(dysp)
SELECT c.* FROM nets, risk.bn_cpt(risk.bn_scale(network, 'smoke', 'yes', 0.5)) c
WHERE net_id = 0 AND c.node = 'smoke';
SELECT round(baseline_probability::numeric, 7) AS baseline, round(scenario_probability::numeric, 7) AS scenario,
       round(change::numeric, 7) AS change
FROM nets, risk.bn_compare(network, risk.bn_scale(network, 'smoke', 'yes', 0.5), 'dysp', 'yes')
WHERE net_id = 0;
-- the same by exact arithmetic: P(dysp) is linear in P(smoke = yes)
SELECT abs(risk.bn_probability(risk.bn_scale(network, 'smoke', 'yes', 0.5), 'dysp', 'yes')
           - (0.75 * risk.bn_probability(network, 'dysp', 'yes', '{"smoke": "no"}')
              + 0.25 * risk.bn_probability(network, 'dysp', 'yes', '{"smoke": "yes"}'))) < 1e-15 AS linear
FROM nets WHERE net_id = 0;
-- a replaced CPT
SELECT round(risk.bn_probability(risk.bn_set_cpt(network, 'asia', '{0.5, 0.5}'), 'tub', 'yes')::numeric, 6) AS p_tub
FROM nets WHERE net_id = 0;
-- which driver, reduced, cuts P(dysp = yes) most: one query
SELECT d.node, d.node_state, d.scenario, round(d.probability::numeric, 6) AS probability,
       round(d.change::numeric, 6) AS change
FROM nets, risk.bn_drivers(network, 'dysp', 'yes') d
WHERE net_id = 0 ORDER BY d.change, d.node, d.scenario LIMIT 8;

-- ---------------------------------------------------------------------
-- Graphviz
-- ---------------------------------------------------------------------
SELECT risk.bn_dot(network, '{"xray": "yes"}') FROM nets WHERE net_id = 0;
SELECT risk.bn_dot(network, marginals => false) ~ '"either" -> "xray";' AS has_edge FROM nets WHERE net_id = 0;

-- ---------------------------------------------------------------------
-- Learning the CPTs from events
-- ---------------------------------------------------------------------
CREATE TABLE structure AS
SELECT risk.bn_define(node, states, parents, NULL ORDER BY ord) AS network FROM bn_asia_nodes;
CREATE TABLE learnt AS
SELECT e.est, CASE e.est WHEN 'ml' THEN risk.bn_fit(s.network, ARRAY[asia, tub, smoke, lung, bronc, either, xray, dysp])
                         ELSE risk.bn_fit(s.network, ARRAY[asia, tub, smoke, lung, bronc, either, xray, dysp],
                                          e.est, CASE e.est WHEN 'bdeu' THEN 10 ELSE 1 END) END AS network
FROM structure s, bn_events, (VALUES ('ml'), ('bdeu'), ('k2')) e(est)
GROUP BY e.est;
-- every estimate and count against the reference
SELECT l.estimator, count(*) AS cells,
       max(abs(x.probability - l.estimate)) < 1e-12 AS estimates, bool_and(x.count = l.count) AS counts
FROM bn_learnt l JOIN learnt n ON n.est = l.estimator,
     LATERAL (SELECT c.*, row_number() OVER (PARTITION BY c.node ORDER BY o) - 1 AS cell
              FROM risk.bn_cpt(n.network)
                   WITH ORDINALITY c(node, parent_states, state, probability, count, o)) x
WHERE x.node = l.node AND x.cell = l.row * 2 + array_position('{yes,no}', l.state) - 1
GROUP BY 1 ORDER BY 1;
-- a family skips an event only where the event misses one of its values
SELECT node, sum(count) AS events_counted FROM learnt, risk.bn_cpt(network)
WHERE est = 'ml' GROUP BY node ORDER BY node;
-- incremental: a learnt network plus new events is the fit on all events
SELECT (SELECT risk.bn_fit(f.network, ARRAY[asia, tub, smoke, lung, bronc, either, xray, dysp], 'bdeu', 10)
        FROM bn_events WHERE id > 1000)::text
       = (SELECT network FROM learnt WHERE est = 'bdeu')::text AS incremental_equals_full
FROM (SELECT risk.bn_fit(network, ARRAY[asia, tub, smoke, lung, bronc, either, xray, dysp], 'bdeu', 10) AS network
      FROM structure, bn_events WHERE id <= 1000 GROUP BY network::text) f;
-- parallel equals serial (counts add exactly): partial states in the
-- workers, combined (and serialized) in the leader
SELECT network AS structure_text FROM structure \gset
CREATE TABLE many_events AS SELECT e.* FROM bn_events e, generate_series(1, 40);
ANALYZE many_events;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT risk.bn_fit(:'structure_text'::risk.bn, ARRAY[asia, tub, smoke, lung, bronc, either, xray, dysp], 'k2', 1)
FROM many_events;
CREATE TABLE par AS
SELECT risk.bn_fit(:'structure_text'::risk.bn, ARRAY[asia, tub, smoke, lung, bronc, either, xray, dysp], 'k2', 1)
       AS network
FROM many_events;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT network::text FROM par)
       = (SELECT risk.bn_fit(s.network, ARRAY[asia, tub, smoke, lung, bronc, either, xray, dysp], 'k2', 1)::text
          FROM structure s, many_events) AS parallel_equals_serial;
RESET max_parallel_workers_per_gather;
-- pseudo-counts per parent configuration
SELECT round(probability::numeric, 6) AS p, count
FROM risk.bn_cpt((SELECT risk.bn_fit(risk.bn_set_prior(s.network, 'asia', '{5, 95}'),
                                     ARRAY[asia, tub, smoke, lung, bronc, either, xray, dysp], 'prior', 1)
                  FROM structure s, bn_events)) WHERE node = 'asia';
-- no event: NULL
SELECT risk.bn_fit(network, NULL::text[]) IS NULL AS no_event FROM structure;

-- ---------------------------------------------------------------------
-- Bad input: an error naming what is wrong
-- ---------------------------------------------------------------------
SELECT try($$SELECT risk.bn_define(n, s, p, NULL) FROM (VALUES ('a', '{x,y}'::text[], '{b}'::text[]),
                                                          ('b', '{x,y}', '{a}')) v(n, s, p)$$);
SELECT try($$SELECT risk.bn_define(n, s, p, NULL) FROM (VALUES ('a', '{x,y}'::text[], '{c}'::text[])) v(n, s, p)$$);
SELECT try($$SELECT risk.bn_define(n, s, NULL, c) FROM (VALUES ('a', '{x,y}'::text[], '{0.5,0.6}'::float8[])) v(n, s, c)$$);
SELECT try($$SELECT risk.bn_define(n, s, NULL, c) FROM (VALUES ('a', '{x,y}'::text[], '{1.5,-0.5}'::float8[])) v(n, s, c)$$);
SELECT try($$SELECT risk.bn_define(n, s, NULL, c) FROM (VALUES ('a', '{x,y}'::text[], '{1}'::float8[])) v(n, s, c)$$);
SELECT try($$SELECT risk.bn_define(n, s, NULL, NULL) FROM (VALUES ('a', '{x,x}'::text[])) v(n, s)$$);
SELECT try($$SELECT risk.bn_define(n, s, NULL, NULL) FROM (VALUES ('a', '{x}'::text[]), ('a', '{y}')) v(n, s)$$);
SELECT try($$SELECT risk.bn_define(n, s, '{a}', NULL) FROM (VALUES ('a', '{x,y}'::text[])) v(n, s)$$);
SELECT try($$SELECT risk.bn_define(NULL, '{x}', NULL, NULL)$$);
SELECT try($$SELECT '{"nodes": 3}'::risk.bn$$);
SELECT try($$SELECT '[1, 2]'::risk.bn$$);
SELECT try($$SELECT '{"nodes": [{"name": "a", "states": ["x", "y"], "cpt": [0.2, 0.7]}]}'::risk.bn$$);
SELECT try($$SELECT '{"nodes": [], "estimator": "magic"}'::risk.bn$$);
SELECT try($$SELECT risk.bn_query(network, 'cancer') FROM nets WHERE net_id = 0$$);
SELECT try($$SELECT risk.bn_query(network, 'dysp', '{"smoke": "sometimes"}') FROM nets WHERE net_id = 0$$);
SELECT try($$SELECT risk.bn_query(network, 'dysp', '{"smoke": 1}') FROM nets WHERE net_id = 0$$);
SELECT try($$SELECT risk.bn_query(network, 'dysp', '["smoke"]') FROM nets WHERE net_id = 0$$);
SELECT try($$SELECT risk.bn_scale(network, 'asia', 'yes', 200) FROM nets WHERE net_id = 0$$);
SELECT try($$SELECT risk.bn_scale(network, 'asia', 'yes', -1) FROM nets WHERE net_id = 0$$);
SELECT try($$SELECT risk.bn_set_cpt(network, 'tub', '{0.5, 0.5}') FROM nets WHERE net_id = 0$$);
SELECT try($$SELECT risk.bn_joint(network, '{asia, asia}') FROM nets WHERE net_id = 0$$);
SELECT try($$SELECT risk.bn_compare(a.network, b.network, 'dysp', 'yes') FROM nets a, nets b
             WHERE a.net_id = 0 AND b.net_id = 1$$);
SELECT try($$SELECT risk.bn_fit(network, '{yes}') FROM structure$$);
SELECT try($$SELECT risk.bn_fit(network, '{yes,no,yes,no,maybe,no,no,no}') FROM structure$$);
SELECT try($$SELECT risk.bn_fit(network, '{yes,no,yes,no,no,no,no,no}', 'magic', 1) FROM structure$$);
SELECT try($$SELECT risk.bn_fit(network, '{yes,no,yes,no,no,no,no,no}', 'bdeu', 0) FROM structure$$);
SELECT try($$SELECT risk.bn_fit(network, '{yes,no,yes,no,no,no,no,no}', 'prior', 1) FROM structure$$);
SELECT try($$SELECT risk.bn_fit(network, e, est, 1) FROM structure,
             (VALUES ('{yes,no,yes,no,no,no,no,no}'::text[], 'ml'), ('{yes,no,yes,no,no,no,no,no}', 'k2')) v(e, est)$$);
SELECT try($$SELECT risk.bn_set_prior(network, 'asia', '{-1, 1}') FROM structure$$);
