--
-- What the daily run needs in one pass: the PSI from raw scores (against
-- NumPy, test/data/psi_scores_reference.py), a GPD fit whose threshold is
-- a quantile of the group's own losses (against the two-step query), and
-- the backtest of a rolling VaR in one query level.  (uses evt_losses from
-- evt and returns from fixtures)
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set scores_csv :abs_srcdir '/test/data/psi_scores.csv'
\set psi_csv :abs_srcdir '/test/data/psi_scores_expected.csv'
CREATE TABLE psi_scores_data (sample text, current boolean, score float8) WITH (parallel_workers = 2);
COPY psi_scores_data FROM :'scores_csv' (FORMAT csv, HEADER);
CREATE TABLE psi_scores_expected (sample text, buckets text, psi float8);
COPY psi_scores_expected FROM :'psi_csv' (FORMAT csv, HEADER);

-- ---------------------------------------------------------------------
-- risk.psi_scores against NumPy
-- ---------------------------------------------------------------------
CREATE TEMP TABLE psi_ours AS
SELECT sample, 'buckets 10' AS buckets, (risk.psi_scores(score, current)).psi FROM psi_scores_data GROUP BY sample
UNION ALL
SELECT sample, 'buckets ' || b, (risk.psi_scores(score, current, b)).psi
FROM psi_scores_data, unnest(ARRAY[5, 20]) b GROUP BY sample, b
UNION ALL
SELECT sample, 'breakpoints 550,600,650', (risk.psi_scores(score, current, '{550,600,650}'::float8[])).psi
FROM psi_scores_data WHERE sample = 'normal' GROUP BY sample;
SELECT e.sample, e.buckets, round(o.psi::numeric, 6) AS psi, relerr(o.psi, e.psi) < 1e-12 AS matches_numpy
FROM psi_scores_expected e LEFT JOIN psi_ours o USING (sample, buckets) ORDER BY 1, 2;
-- the same as risk.psi of the counts, bucketed in SQL
WITH edges AS (
    SELECT percentile_cont(ARRAY[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9]) WITHIN GROUP (ORDER BY score) AS e
    FROM psi_scores_data WHERE sample = 'normal' AND NOT current),
counts AS (
    SELECT current, array_agg(n ORDER BY b) AS c
    FROM (SELECT current, width_bucket(score, (SELECT e FROM edges)) AS b, count(*)::float8 AS n
          FROM psi_scores_data WHERE sample = 'normal' GROUP BY 1, 2) s GROUP BY current)
SELECT relerr((risk.psi((SELECT c FROM counts WHERE NOT current), (SELECT c FROM counts WHERE current))).psi,
              (SELECT psi FROM psi_ours WHERE sample = 'normal' AND buckets = 'buckets 10')) < 1e-12 AS same_as_psi_of_counts;
-- parallel plans
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT sample, (risk.psi_scores(score, current)).psi = (SELECT psi FROM psi_ours o WHERE o.sample = d.sample AND buckets = 'buckets 10')
       AS parallel_equals_serial
FROM psi_scores_data d GROUP BY sample ORDER BY sample;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- NULLs, empty samples, bad input
SELECT risk.psi_scores(score, current) IS NULL AS one_sample_is_null FROM psi_scores_data WHERE current;
SELECT risk.psi_scores(x, c) IS NULL AS empty_is_null FROM (SELECT 1.0::float8, true WHERE false) v(x, c);
SELECT (risk.psi_scores(score, current)).psi = (SELECT psi FROM psi_ours WHERE sample = 'normal' AND buckets = 'buckets 10')
       AS nulls_skipped
FROM (SELECT score, current FROM psi_scores_data WHERE sample = 'normal' UNION ALL SELECT NULL, true UNION ALL SELECT 1, NULL) s;
SELECT try('SELECT risk.psi_scores(score, current, 1) FROM psi_scores_data');
SELECT try('SELECT risk.psi_scores(score, current, ''{600,550}''::float8[]) FROM psi_scores_data');
SELECT try('SELECT risk.psi_scores(score, current, ''{550,NULL}''::float8[]) FROM psi_scores_data');
SELECT try('SELECT risk.psi_scores(score, current, ''{1e6}''::float8[]) FROM psi_scores_data');
SELECT try('SELECT risk.psi_scores(x, c) FROM (VALUES (1.0, false), (''NaN''::float8, true)) v(x, c)');
SELECT try('SELECT risk.psi_scores(x, c) FROM (VALUES (1.0, false), (1.0, false), (2.0, true)) v(x, c)');
SELECT try('SELECT risk.psi_scores(score, 2) FROM psi_scores_data');
SELECT try('SELECT risk.psi_scores(score, current, CASE WHEN score > 600 THEN 5 ELSE 10 END) FROM psi_scores_data');

-- ---------------------------------------------------------------------
-- risk.gpd_fit_quantile: the threshold found in the same pass.  The fits
-- agree within 1e-9: the likelihood sums the excesses in the order the
-- rows came, which GROUP BY and parallel plans change.
-- ---------------------------------------------------------------------
CREATE FUNCTION same_gpd(a risk.gpd_model, b risk.gpd_model) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN a.threshold = b.threshold AND a.n = b.n AND a.n_exceed = b.n_exceed AND a.method = b.method
       AND (a.xi IS NOT DISTINCT FROM b.xi OR relerr(a.xi, b.xi) < 1e-9)
       AND (a.beta IS NOT DISTINCT FROM b.beta OR relerr(a.beta, b.beta) < 1e-9)
       AND (a.loglik IS NOT DISTINCT FROM b.loglik OR relerr(a.loglik, b.loglik) < 1e-9);
CREATE TEMP TABLE gq AS
SELECT dataset, q, risk.gpd_fit_quantile(loss, q) AS m,
       percentile_cont(q) WITHIN GROUP (ORDER BY loss) AS u
FROM evt_losses, unnest(ARRAY[0.9, 0.95]) q GROUP BY dataset, q;
SELECT dataset, q, relerr((m).threshold, u) < 1e-15 AS threshold_is_percentile_cont,
       same_gpd(m, (SELECT risk.gpd_fit(loss, (g.m).threshold) FROM evt_losses e WHERE e.dataset = g.dataset))
       AS same_fit_as_two_steps,
       (m).n_exceed
FROM gq g ORDER BY 1, 2;
SELECT same_gpd(risk.gpd_fit_quantile(loss, 0.9, 'pwm'),
                (SELECT risk.gpd_fit(loss, (SELECT (m).threshold FROM gq WHERE dataset = 'heavy' AND q = 0.9), 'pwm')
                 FROM evt_losses WHERE dataset = 'heavy')) AS pwm_same
FROM evt_losses WHERE dataset = 'heavy';
-- in parallel
CREATE TABLE gq_big WITH (parallel_workers = 2) AS SELECT g % 3 AS k, loss FROM evt_losses, generate_series(1, 20) g;
CREATE TEMP TABLE gq_serial AS SELECT k, risk.gpd_fit_quantile(loss, 0.95) AS m FROM gq_big GROUP BY k;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT k, same_gpd(risk.gpd_fit_quantile(loss, 0.95), (SELECT m FROM gq_serial s WHERE s.k = a.k))
       AS parallel_equals_serial
FROM gq_big a GROUP BY k ORDER BY k;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT try('SELECT risk.gpd_fit_quantile(loss, 1) FROM evt_losses');
SELECT try('SELECT risk.gpd_fit_quantile(loss, 0.9999) FROM evt_losses WHERE id < 50');
SELECT try('SELECT risk.gpd_fit_quantile(loss, CASE WHEN id = 3 THEN 0.9 ELSE 0.95 END) FROM evt_losses');
SELECT risk.gpd_fit_quantile(x, 0.9) IS NULL AS empty_is_null FROM (SELECT 1.0::float8 WHERE false) v(x);

-- ---------------------------------------------------------------------
-- The backtest of a rolling VaR with one window level: the frame that
-- ends the row before gives each day the VaR set the evening before
-- ---------------------------------------------------------------------
WITH one_level AS (
    SELECT portfolio, day, r,
           risk.var_historical(r, 0.99) OVER (PARTITION BY portfolio ORDER BY day
                                              ROWS BETWEEN 250 PRECEDING AND 1 PRECEDING) AS var_prev,
           count(r) OVER (PARTITION BY portfolio ORDER BY day ROWS BETWEEN 250 PRECEDING AND 1 PRECEDING) AS n_prev
    FROM returns),
two_levels AS (
    SELECT portfolio, day, lag(v) OVER (PARTITION BY portfolio ORDER BY day) AS var_prev
    FROM (SELECT portfolio, day, risk.var_historical(r, 0.99) OVER (PARTITION BY portfolio ORDER BY day
                                                                    ROWS 249 PRECEDING) AS v
          FROM returns) s)
SELECT count(*) AS days, count(*) FILTER (WHERE o.var_prev IS NOT DISTINCT FROM t.var_prev) AS same_var
FROM one_level o JOIN two_levels t USING (portfolio, day);
SELECT portfolio, count(*) AS days, count(*) FILTER (WHERE risk.var_exception(r, var_prev)) AS exceptions,
       (risk.kupiec_pof(count(*), count(*) FILTER (WHERE risk.var_exception(r, var_prev)), 0.99)).p_value > 0.01 AS kupiec_passes
FROM (SELECT portfolio, day, r,
             risk.var_historical(r, 0.99) OVER (PARTITION BY portfolio ORDER BY day
                                                ROWS BETWEEN 250 PRECEDING AND 1 PRECEDING) AS var_prev,
             count(r) OVER (PARTITION BY portfolio ORDER BY day ROWS BETWEEN 250 PRECEDING AND 1 PRECEDING) AS n_prev
      FROM returns) s
WHERE n_prev = 250
GROUP BY portfolio ORDER BY portfolio;

-- ---------------------------------------------------------------------
-- Parallel workers sort the scores of their partial states, the leader
-- merges the sorted runs: the answers are the serial ones, exactly, for
-- every aggregate whose values come with a 0/1 flag (the transition
-- functions of score/PD pairs, WOE binning and PSI; the list is checked
-- against the catalog), with many ties, a missing characteristic, and
-- partial states large enough for the radix sorts (tens of thousands
-- of values a worker and flag), with and without the leader taking part.
-- ---------------------------------------------------------------------
SELECT setseed(0.31);
CREATE TABLE flagged_rows WITH (parallel_workers = 2) AS
SELECT g % 3 AS grp, s AS score, (s + 0.5) / 101 AS pd, random() < (s + 0.5) / 101 AS bad,
       CASE WHEN g % 97 = 0 THEN NULL ELSE round(s / 7) END AS x, g % 5 = 0 AS current
FROM (SELECT g, floor(random() * 100) AS s FROM generate_series(1, 300000) g) r;
ANALYZE flagged_rows;
SELECT string_agg(DISTINCT a.aggfnoid::regproc::text, ', ' ORDER BY a.aggfnoid::regproc::text) AS flagged_aggregates
FROM pg_aggregate a
WHERE a.aggtransfn::regproc::text IN ('risk_internal._score_pairs_accum', 'risk_internal._pd_pairs_accum', 'risk_internal._woe_accum',
                                      'risk_internal._psi_scores_accum', 'risk_internal._psi_scores_edges_accum');
CREATE TEMP VIEW flagged_answers AS
SELECT grp::text, risk.auc(score, bad)::text AS auc, risk.auc(score, bad::int)::text AS auc_int,
       risk.gini(score, bad)::text AS gini, risk.gini(score, bad::int)::text AS gini_int,
       risk.ks(score, bad)::text AS ks, risk.ks(score, bad::int)::text AS ks_int,
       risk.hosmer_lemeshow(pd, bad)::text AS hl, risk.hosmer_lemeshow(pd, bad::int, 20)::text AS hl_int,
       risk.woe_bins(x, bad)::text AS woe, risk.woe_bins(x, bad::int, 4, 0.1)::text AS woe_int,
       risk.psi_scores(score, current)::text AS psi, risk.psi_scores(score, current, 20)::text AS psi_20,
       risk.psi_scores(score, current, '{20,50,70}'::float8[])::text AS psi_edges
FROM flagged_rows GROUP BY grp
UNION ALL
SELECT 'all', risk.auc(score, bad)::text, risk.auc(score, bad::int)::text,
       risk.gini(score, bad)::text, risk.gini(score, bad::int)::text,
       risk.ks(score, bad)::text, risk.ks(score, bad::int)::text,
       risk.hosmer_lemeshow(pd, bad)::text, risk.hosmer_lemeshow(pd, bad::int, 20)::text,
       risk.woe_bins(x, bad)::text, risk.woe_bins(x, bad::int, 4, 0.1)::text,
       risk.psi_scores(score, current)::text, risk.psi_scores(score, current, 20)::text,
       risk.psi_scores(score, current, '{20,50,70}'::float8[])::text
FROM flagged_rows;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE flagged_serial AS SELECT * FROM flagged_answers;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) CREATE TEMP TABLE flagged_parallel AS SELECT * FROM flagged_answers;
CREATE TEMP TABLE flagged_parallel AS SELECT * FROM flagged_answers;
SET parallel_leader_participation = off;
CREATE TEMP TABLE flagged_workers_only AS SELECT * FROM flagged_answers;
RESET ALL;
SELECT (SELECT count(*) FROM flagged_serial) AS groups,
       (SELECT count(*) FROM flagged_serial s NATURAL JOIN flagged_parallel) AS parallel_same,
       (SELECT count(*) FROM flagged_serial s NATURAL JOIN flagged_workers_only) AS workers_only_same;
SELECT grp, round(auc::numeric, 6) AS auc, round(ks::numeric, 6) AS ks FROM flagged_serial ORDER BY grp;
-- a final function sorts the state's values in place: a window whose
-- frame head stays put, which adds rows to the state after each final,
-- still gives the AUC, KS and Hosmer-Lemeshow of each frame
WITH r AS (SELECT (row_number() OVER (ORDER BY score, pd, bad, x) * 7919) % 300 AS k, score, pd, bad
           FROM (SELECT * FROM flagged_rows LIMIT 300) s),
     running AS (SELECT k, risk.auc(score, bad) OVER w AS auc, risk.ks(score, bad) OVER w AS ks,
                        risk.hosmer_lemeshow(pd, bad) OVER w AS hl
                 FROM r WINDOW w AS (ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND 30 FOLLOWING))
SELECT count(*) AS frames,
       count(*) FILTER (WHERE running.auc = p.auc AND running.ks = p.ks AND running.hl = p.hl) AS same_as_alone
FROM running
CROSS JOIN LATERAL (SELECT risk.auc(score, bad) AS auc, risk.ks(score, bad) AS ks,
                           risk.hosmer_lemeshow(pd, bad) AS hl
                    FROM r r2 WHERE r2.k <= running.k + 30) p;

-- risk.logit_fit keeps its plan serial even where parallel query costs
-- nothing: its fit runs in the leader whatever the plan (the partial
-- states would only carry the rows there), and its deserialize function
-- is costed so; AUC on the same rows splits into partial states
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT risk.logit_fit(bad, ARRAY[score, pd]) FROM flagged_rows;
EXPLAIN (COSTS OFF) SELECT risk.logit_fit(bad::int, ARRAY[score, pd], true, 0.5) FROM flagged_rows GROUP BY grp;
EXPLAIN (COSTS OFF) SELECT risk.auc(score, bad) FROM flagged_rows GROUP BY grp;
RESET ALL;

-- each GARCH transition signature has its own C entry point, which needs
-- no call expression to tell a confidence level from a distribution
SELECT p.oid::regprocedure AS transition, p.prosrc AS c_function
FROM pg_proc p WHERE p.proname = '_garch_accum' ORDER BY 1::text;
