--
-- What the daily run needs in one pass: the PSI from raw scores (against
-- NumPy, test/data/psi_scores_reference.py), a GPD fit whose threshold is
-- a quantile of the group's own losses (against the two-step query), and
-- the backtest of a rolling VaR in one query level.  (uses evt_losses from
-- 07_evt and returns from 01_fixtures)
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
