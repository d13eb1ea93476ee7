--
-- Logistic regression against statsmodels (Logit, Newton) and scikit-learn
-- (LogisticRegression with an L2 penalty): test/data/logit_reference.py
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set loans_csv :abs_srcdir '/test/data/logit_loans.csv'
\set expected_csv :abs_srcdir '/test/data/logit_expected.csv'
CREATE TABLE logit_loans (id int, segment text, bad boolean, x1 float8, x2 float8, x3 float8, x4 float8,
                          x5 float8, x6 float8, x7 float8, x8 float8, x9 float8, x10 float8);
COPY logit_loans FROM :'loans_csv' (FORMAT csv, HEADER);
CREATE TABLE logit_expected (segment text, model text, measure text, index int, value float8);
COPY logit_expected FROM :'expected_csv' (FORMAT csv, HEADER);
CREATE VIEW logit_x AS
SELECT id, segment, bad, ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10] AS x FROM logit_loans;

CREATE TEMP TABLE models AS
SELECT coalesce(segment, 'all') AS segment, risk.logit_fit(bad, x) AS m
FROM logit_x GROUP BY ROLLUP (segment);

WITH ours AS (
    SELECT segment, 'coef' AS measure, i AS index, (m).coefficients[i] AS value FROM models, generate_subscripts((m).coefficients, 1) i
    UNION ALL SELECT segment, 'se', i, (m).std_errors[i] FROM models, generate_subscripts((m).std_errors, 1) i
    UNION ALL SELECT segment, 'z', i, (m).z[i] FROM models, generate_subscripts((m).z, 1) i
    UNION ALL SELECT segment, 'p', i, (m).p_values[i] FROM models, generate_subscripts((m).p_values, 1) i
    UNION ALL SELECT segment, 'loglik', 1, (m).loglik FROM models
    UNION ALL SELECT segment, 'aic', 1, (m).aic FROM models
    UNION ALL SELECT segment, 'n', 1, (m).n FROM models
)
SELECT e.measure, count(*) AS compared, count(o.value) AS matched,
       bool_and(relerr(o.value, e.value) < 1e-8) AS within_1e_8
FROM logit_expected e JOIN ours o USING (segment, measure, index)
WHERE e.model = 'mle'
GROUP BY e.measure ORDER BY e.measure;

SELECT segment, (m).n, (m).iterations, (m).converged, round((m).coefficients[2]::numeric, 6) AS beta_x1,
       round((m).aic::numeric, 3) AS aic
FROM models ORDER BY segment;

-- L2 penalty against scikit-learn (C = 1/l2)
SELECT count(*) AS compared,
       bool_and(relerr((f).coefficients[e.index], e.value) < 1e-6) AS matches_sklearn
FROM (SELECT risk.logit_fit(bad, x, true, 5.0) AS f FROM logit_x) s, logit_expected e
WHERE e.model = 'l2';

-- prediction: PD and log-odds from the fitted model
SELECT round(risk.logit_predict(m, ARRAY[0,0,0,0,0,0,0,0,0,0]::float8[])::numeric, 6) AS pd_at_zero,
       round((1 / (1 + exp(-(m).coefficients[1])))::numeric, 6) AS from_intercept,
       risk.logit_log_odds(m, ARRAY[1,0,0,0,0,0,0,0,0,0]::float8[]) - (m).coefficients[1]
           - (m).coefficients[2] AS log_odds_check
FROM models WHERE segment = 'all';
-- the predicted PDs discriminate: AUC of the in-sample PD
SELECT round(risk.auc(risk.logit_predict(m, x), bad)::numeric, 4) AS in_sample_auc
FROM logit_x, models WHERE models.segment = 'all';

-- parallel partial buffers give the serial fit
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TEMP TABLE loans_x AS SELECT * FROM logit_x;
ANALYZE loans_x;
SELECT bool_and(relerr(a, b) < 1e-10) AS parallel_equals_serial
FROM (SELECT unnest((risk.logit_fit(bad, x)).coefficients) a, unnest((SELECT (m).coefficients FROM models WHERE segment = 'all')) b
      FROM loans_x) s;
RESET ALL;

-- without intercept
SELECT array_length((risk.logit_fit(bad, x, false, 0)).coefficients, 1) AS coefficients FROM logit_x;

-- bad input
SELECT try('SELECT risk.logit_fit(bad, ARRAY[x1, x1]) FROM logit_loans');
SELECT try('SELECT risk.logit_fit(bad, ARRAY[x1, 2 * x1 + 1]) FROM logit_loans');
SELECT try('SELECT risk.logit_fit(x1 > 0, ARRAY[x1]) FROM logit_loans');
SELECT try('SELECT risk.logit_fit(bad, ARRAY[x1]) FROM logit_loans WHERE NOT bad');
-- one class: no finite intercept even with a penalty; without intercept a penalty gives a finite fit
SELECT try('SELECT risk.logit_fit(bad, ARRAY[x1]::float8[], true, 1.0) FROM logit_loans WHERE NOT bad');
SELECT (risk.logit_fit(bad, ARRAY[x1]::float8[], false, 1.0)).converged AS penalized_without_intercept FROM logit_loans WHERE NOT bad;
SELECT try('SELECT risk.logit_fit(bad, CASE WHEN id = 3 THEN ARRAY[x1] ELSE ARRAY[x1, x2] END) FROM logit_loans');
SELECT try('SELECT risk.logit_fit(bad, ARRAY[x1, ''NaN'']) FROM logit_loans');
SELECT try('SELECT risk.logit_fit(bad, ARRAY[x1, NULL]) FROM logit_loans');
SELECT try('SELECT risk.logit_fit(bad, ARRAY[x1], true, -1) FROM logit_loans');
SELECT try('SELECT risk.logit_fit(bad, ARRAY[x1]) FROM logit_loans WHERE id <= 2');
SELECT try($$SELECT risk.logit_predict(m, ARRAY[1,2]::float8[]) FROM models WHERE segment = 'all'$$);
SELECT risk.logit_fit(bad, ARRAY[x1]) IS NULL AS empty_null FROM logit_loans WHERE false;
-- NULL labels and NULL feature arrays are skipped
SELECT (risk.logit_fit(b, x)).n FROM (SELECT CASE WHEN id % 10 = 0 THEN NULL ELSE bad END AS b,
                                             CASE WHEN id % 7 = 0 THEN NULL ELSE x END AS x FROM logit_x) s;

-- The multi-pass fit of a table equals the in-memory fit
SELECT (t).iterations, (t).converged,
       (SELECT bool_and(relerr(a, b) < 1e-10) FROM unnest((t).coefficients, (m).coefficients) u(a, b)) AS coefficients_equal,
       (SELECT bool_and(relerr(a, b) < 1e-10) FROM unnest((t).std_errors, (m).std_errors) u(a, b)) AS std_errors_equal,
       relerr((t).loglik, (m).loglik) < 1e-12 AS loglik_equal, (t).n = (m).n AS n_equal
FROM (SELECT risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1','x2','x3','x4','x5','x6','x7','x8','x9','x10']) AS t) a,
     models WHERE models.segment = 'all';
-- with a penalty, and without intercept, the same as logit_fit
SELECT (SELECT bool_and(relerr(a, b) < 1e-10)
        FROM unnest((risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1','x2'], false, 2.0)).coefficients,
                    (SELECT (risk.logit_fit(bad, ARRAY[x1, x2], false, 2.0)).coefficients FROM logit_loans)) u(a, b)) AS penalized_equal;
-- each pass runs in parallel when the planner chooses
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT risk.logit_step(bad, ARRAY[x1, x2], '{0,0,0}', true) FROM logit_loans;
SELECT (SELECT bool_and(relerr(a, b) < 1e-10) FROM unnest((t).coefficients, (m).coefficients) u(a, b)) AS parallel_equal
FROM (SELECT risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1','x2','x3','x4','x5','x6','x7','x8','x9','x10']) AS t) a,
     models WHERE models.segment = 'all';
RESET ALL;

-- names are quoted identifiers: odd names work, hostile ones are just names
CREATE TABLE "odd table" ("default?" boolean, "x; DROP TABLE logit_loans; --" float8, "Mixed Case" float8);
INSERT INTO "odd table" SELECT bad, x1, x2 FROM logit_loans;
SELECT round(((risk.logit_fit_table('"odd table"', 'default?', ARRAY['x; DROP TABLE logit_loans; --', 'Mixed Case'])).coefficients[2])::numeric, 6) AS beta_x1;
SELECT count(*) AS logit_loans_still_there FROM logit_loans;
SELECT try($$SELECT risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1', 'no_such_column'])$$);
SELECT try($$SELECT risk.logit_fit_table('no_such_table', 'bad', ARRAY['x1'])$$);
SELECT try($$SELECT risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1', 'x1'])$$);
SELECT try($$SELECT risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1'], true, 0, 0)$$);
SELECT try($$SELECT risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1'], true, -1)$$);
SELECT try($$SELECT risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1'], NULL)$$);
-- a beta that changes from row to row is read on every row, not cached
SELECT (risk.logit_step(bad, ARRAY[x1], ARRAY[0, CASE WHEN id % 2 = 0 THEN 0.5 ELSE -0.5 END]::float8[], true))[3]
     = (SELECT sum(CASE WHEN bad THEN eta ELSE 0 END - ln(1 + exp(eta)))
        FROM (SELECT bad, x1 * CASE WHEN id % 2 = 0 THEN 0.5 ELSE -0.5 END AS eta FROM logit_loans) t)
       OR abs((risk.logit_step(bad, ARRAY[x1], ARRAY[0, CASE WHEN id % 2 = 0 THEN 0.5 ELSE -0.5 END]::float8[], true))[3]
              - (SELECT sum(CASE WHEN bad THEN eta ELSE 0 END - ln(1 + exp(eta)))
                 FROM (SELECT bad, x1 * CASE WHEN id % 2 = 0 THEN 0.5 ELSE -0.5 END AS eta FROM logit_loans) t)) < 1e-8
       AS varying_beta_read_per_row
FROM logit_loans;
-- it runs with the caller's privileges: a role that cannot read the table cannot fit it
CREATE ROLE risk_no_read;
SELECT risk.grant_analyst('risk_no_read');
SET ROLE risk_no_read;
SELECT try($$SELECT risk.logit_fit_table('logit_loans', 'bad', ARRAY['x1'])$$);
RESET ROLE;
DROP OWNED BY risk_no_read;
DROP ROLE risk_no_read;
