--
-- Credit validation metrics against scikit-learn and SciPy
-- (test/data/credit_validation_reference.py)
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set loans_csv :abs_srcdir '/test/data/credit_loans.csv'
\set expected_csv :abs_srcdir '/test/data/credit_validation_expected.csv'
\set psi_csv :abs_srcdir '/test/data/credit_psi_counts.csv'
\set grade_csv :abs_srcdir '/test/data/credit_grade_tests.csv'
CREATE TABLE loans (id int, segment text, pd float8, score float8, bad boolean);
COPY loans FROM :'loans_csv' (FORMAT csv, HEADER);
CREATE TABLE val_expected (segment text, measure text, value float8);
COPY val_expected FROM :'expected_csv' (FORMAT csv, HEADER);
CREATE TABLE psi_counts (bucket int, dev float8, cur float8, cur_shifted float8);
COPY psi_counts FROM :'psi_csv' (FORMAT csv, HEADER);
CREATE TABLE grade_tests (n bigint, defaults bigint, pd float8, jeffreys float8, binomial float8);
COPY grade_tests FROM :'grade_csv' (FORMAT csv, HEADER);

CREATE TEMP TABLE val_ours AS
SELECT segment, m.measure, m.value
FROM (SELECT coalesce(segment, 'all') AS segment, count(*) AS n, count(*) FILTER (WHERE bad) AS bads,
             risk.auc(score, bad), risk.gini(score, bad), risk.ks(score, bad), risk.brier(pd, bad),
             risk.hosmer_lemeshow(pd, bad) AS hl10, risk.hosmer_lemeshow(pd, bad, 5) AS hl5
      FROM loans GROUP BY ROLLUP (segment)) s
CROSS JOIN LATERAL (VALUES ('n', n::float8), ('bads', bads::float8), ('auc', auc), ('gini', gini),
    ('ks', ks), ('brier', brier),
    ('hl_stat_10', (hl10).statistic), ('hl_df_10', (hl10).df), ('hl_p_10', (hl10).p_value),
    ('hl_stat_5', (hl5).statistic), ('hl_df_5', (hl5).df), ('hl_p_5', (hl5).p_value)) m(measure, value);

SELECT e.measure, count(*) AS compared, count(o.value) AS matched,
       bool_and(relerr(o.value, e.value) < 1e-12) AS within_1e_12
FROM val_expected e JOIN val_ours o USING (segment, measure)
GROUP BY e.measure ORDER BY e.measure;

SELECT segment, round(value::numeric, 4) AS auc FROM val_ours WHERE measure = 'auc' ORDER BY segment;

-- PSI: development vs current halves, and a current distribution shifted on purpose
SELECT relerr((risk.psi(array_agg(dev ORDER BY bucket), array_agg(cur ORDER BY bucket))).psi,
              (SELECT value FROM val_expected WHERE measure = 'psi_halves')) < 1e-12 AS halves_match,
       (risk.psi(array_agg(dev ORDER BY bucket), array_agg(cur ORDER BY bucket))).band AS halves_band,
       relerr((risk.psi(array_agg(dev ORDER BY bucket), array_agg(cur_shifted ORDER BY bucket))).psi,
              (SELECT value FROM val_expected WHERE measure = 'psi_shifted')) < 1e-12 AS shifted_match,
       (risk.psi(array_agg(dev ORDER BY bucket), array_agg(cur_shifted ORDER BY bucket))).band AS shifted_band
FROM psi_counts;

-- per-grade calibration tests
SELECT n, defaults, pd, relerr(risk.jeffreys_test(n, defaults, pd), jeffreys) < 1e-12 AS jeffreys,
       relerr(risk.binomial_test(n, defaults, pd), binomial) < 1e-12 AS binomial
FROM grade_tests ORDER BY n, defaults;

-- parallel partial states give the serial answer
CREATE TABLE loans_big AS SELECT l.* FROM loans l, generate_series(1, 20);
ANALYZE loans_big;
CREATE TEMP TABLE val_serial AS
SELECT segment, risk.auc(score, bad) AS auc, risk.ks(score, bad) AS ks, risk.brier(pd, bad) AS brier,
       risk.hosmer_lemeshow(pd, bad) AS hl
FROM loans_big GROUP BY segment;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT segment, risk.auc(score, bad) FROM loans_big GROUP BY segment;
SELECT bool_and(p.auc = s.auc AND p.ks = s.ks AND relerr(p.brier, s.brier) < 1e-13
                AND (p.hl).statistic = (s.hl).statistic) AS parallel_equals_serial
FROM val_serial s
JOIN (SELECT segment, risk.auc(score, bad) AS auc, risk.ks(score, bad) AS ks, risk.brier(pd, bad) AS brier,
             risk.hosmer_lemeshow(pd, bad) AS hl
      FROM loans_big GROUP BY segment) p USING (segment);
RESET ALL;

-- a 20-fold copy has the same AUC and KS
SELECT (SELECT risk.auc(score, bad) FROM loans_big) = (SELECT risk.auc(score, bad) FROM loans) AS auc_invariant;

-- bad input; all-good and all-bad groups have no AUC: NULL
SELECT risk.auc(score, bad) IS NULL AS all_good_null, risk.ks(score, bad) IS NULL AS ks_null
FROM loans WHERE NOT bad;
SELECT risk.auc(score, bad) IS NULL AS empty_null, risk.brier(pd, bad) IS NULL AS brier_null FROM loans WHERE false;
SELECT try('SELECT risk.auc(s, b) FROM (VALUES (0.1, true), (''NaN''::float8, false)) v(s, b)');
SELECT try('SELECT risk.brier(p, b) FROM (VALUES (1.5, true)) v(p, b)');
SELECT try('SELECT risk.hosmer_lemeshow(p, b) FROM (VALUES (-0.1, true)) v(p, b)');
SELECT try('SELECT risk.hosmer_lemeshow(pd, bad, 2) FROM loans');
SELECT try('SELECT risk.hosmer_lemeshow(pd, bad) FROM loans WHERE id <= 5');
SELECT try('SELECT risk.jeffreys_test(100, 101, 0.01)');
SELECT try('SELECT risk.binomial_test(0, 0, 0.01)');
SELECT try('SELECT risk.jeffreys_test(100, 3, 0)');
SELECT try($$SELECT risk.psi('{1,2,3}', '{1,2}')$$);
SELECT try($$SELECT risk.psi('{1,0,3}', '{1,2,3}')$$);
SELECT try($$SELECT risk.psi('{1,Infinity,3}', '{1,2,3}')$$);
SELECT try('SELECT risk.brier(p, b) FROM (VALUES (''NaN''::float8, true)) v(p, b)');
-- NULL labels are skipped
SELECT risk.auc(s, b) FROM (VALUES (0.9, true), (0.1, false), (0.5, NULL), (0.2, false)) v(s, b);
