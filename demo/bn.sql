-- Operational-risk drivers as a Bayesian network (docs/bn.md).
--
-- A loss-event table is generated from a known network of drivers (control
-- weakness, internal and external fraud, system and process failures,
-- client/product practices) and a large-loss indicator; the network's
-- structure is given, its CPTs are learnt from the events and compared with
-- the true ones, and the structure the events suggest is compared with the
-- drawn one; then the scenario questions of the analyst, each one query.
\pset footer off

SELECT setseed(0.42);
CREATE TABLE op_events AS
WITH u AS (
    SELECT g, random() AS u1, random() AS u2, random() AS u3, random() AS u4,
           random() AS u5, random() AS u6, random() AS u7
    FROM generate_series(1, 50000) g),
roots AS (
    SELECT *, u1 < 0.2 AS cw, u3 < 0.08 AS ef, u4 < 0.10 AS sf, u6 < 0.07 AS cp FROM u),
mid AS (
    SELECT *, u2 < CASE WHEN cw THEN 0.15 ELSE 0.03 END AS inf,
           u5 < CASE WHEN cw AND sf THEN 0.5 WHEN cw OR sf THEN 0.2 ELSE 0.05 END AS pf
    FROM roots)
SELECT g AS id,
       CASE WHEN cw THEN 'yes' ELSE 'no' END AS control_weakness,
       CASE WHEN inf THEN 'yes' ELSE 'no' END AS internal_fraud,
       CASE WHEN ef THEN 'yes' ELSE 'no' END AS external_fraud,
       CASE WHEN sf THEN 'yes' ELSE 'no' END AS system_failure,
       CASE WHEN pf THEN 'yes' ELSE 'no' END AS process_failure,
       CASE WHEN cp THEN 'yes' ELSE 'no' END AS client_practices,
       CASE WHEN u7 < 1 / (1 + exp(-(-4 + 2.2 * inf::int + 1.2 * ef::int + 1.6 * pf::int + 1.4 * cp::int)))
            THEN 'yes' ELSE 'no' END AS large_loss
FROM mid;

-- the structure, as the analysts draw it
CREATE TABLE op_structure (ord int, node text, parents text[]);
INSERT INTO op_structure VALUES
    (1, 'control_weakness', '{}'), (2, 'internal_fraud', '{control_weakness}'),
    (3, 'external_fraud', '{}'), (4, 'system_failure', '{}'),
    (5, 'process_failure', '{control_weakness,system_failure}'), (6, 'client_practices', '{}'),
    (7, 'large_loss', '{internal_fraud,external_fraud,process_failure,client_practices}');

CREATE TABLE op_network AS
SELECT risk.bn_fit(s.network, ARRAY[control_weakness, internal_fraud, external_fraud, system_failure,
                                    process_failure, client_practices, large_loss], 'bdeu', 1) AS network
FROM (SELECT risk.bn_define(node, '{yes,no}', parents, NULL ORDER BY ord) AS network FROM op_structure) s,
     op_events;

\echo
\echo 'Learnt from 50,000 loss events: P(driver = yes) against the generating model'
SELECT q.node, round(q.learnt::numeric, 4) AS learnt, t.truth
FROM (SELECT n.node, risk.bn_probability(network, n.node, 'yes') AS learnt
      FROM op_network, risk.bn_nodes(network) n) q
JOIN (VALUES ('control_weakness', 0.2), ('internal_fraud', 0.054), ('external_fraud', 0.08),
             ('system_failure', 0.1), ('client_practices', 0.07)) t(node, truth) USING (node)
ORDER BY q.node;

\echo
\echo 'The structure the events suggest (hill climbing on BIC, from no edge) against the drawing:'
\echo 'a learnt edge is a dependence in the data, to be judged, not a cause'
WITH learnt AS (
    SELECT e.parent, e.child
    FROM risk.bn_edges((
        SELECT risk.bn_learn(s.network, ARRAY[control_weakness, internal_fraud, external_fraud, system_failure,
                                              process_failure, client_practices, large_loss])
        FROM (SELECT risk.bn_define(node, '{yes,no}', NULL, NULL ORDER BY ord) AS network FROM op_structure) s,
             op_events)) e),
drawn AS (SELECT unnest(parents) AS parent, node AS child FROM op_structure)
SELECT coalesce(d.parent, l.parent) || ' -> ' || coalesce(d.child, l.child) AS edge,
       CASE WHEN l.parent IS NULL THEN 'drawn, not learnt'
            WHEN d.parent IS NULL THEN 'learnt, not drawn'
            WHEN l.parent = d.parent THEN 'drawn and learnt'
            ELSE 'drawn, learnt reversed' END AS comparison
FROM drawn d
FULL JOIN learnt l ON least(l.parent, l.child) = least(d.parent, d.child)
                   AND greatest(l.parent, l.child) = greatest(d.parent, d.child)
ORDER BY 2, 1;

\echo
\echo 'Scenario questions about a large loss'
SELECT 'baseline' AS question, round(risk.bn_probability(network, 'large_loss', 'yes')::numeric, 4) AS p_large_loss
FROM op_network
UNION ALL
SELECT 'internal fraud half as likely',
       round(risk.bn_probability(risk.bn_scale(network, 'internal_fraud', 'yes', 0.5), 'large_loss', 'yes')::numeric, 4)
FROM op_network
UNION ALL
SELECT 'given a system failure was reported',
       round(risk.bn_probability(network, 'large_loss', 'yes', '{"system_failure": "yes"}')::numeric, 4)
FROM op_network
UNION ALL
SELECT 'if controls were fixed: do(control_weakness = no)',
       round(risk.bn_probability(network, 'large_loss', 'yes', NULL, '{"control_weakness": "no"}')::numeric, 4)
FROM op_network;

\echo
\echo 'Which driver, halved, cuts the probability of a large loss most'
SELECT d.node, round(d.probability::numeric, 4) AS p_large_loss, round(d.change::numeric, 4) AS change
FROM op_network, risk.bn_drivers(network, 'large_loss', 'yes') d
WHERE d.node_state = 'yes' AND d.scenario LIKE 'scale%'
ORDER BY d.change;

\echo
\echo 'A large loss was booked: what most likely caused it'
SELECT n.node, round(risk.bn_probability(network, n.node, 'yes')::numeric, 4) AS prior,
       round(risk.bn_probability(network, n.node, 'yes', '{"large_loss": "yes"}')::numeric, 4) AS posterior
FROM op_network, risk.bn_nodes(network) n WHERE n.node <> 'large_loss'
ORDER BY 3 DESC;
