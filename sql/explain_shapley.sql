--
-- Exact interventional Shapley values (risk.shapley, risk.shapley_table)
-- against a brute-force enumeration in NumPy
-- (test/data/explain_shapley_reference.py: itertools over the coalitions,
-- factorial weights, the forward pass from the explicit weights) of six
-- networks (relu, tanh, logistic; one to three hidden layers; 3 to 10
-- features; with and without standardization) and three logistic
-- regressions; then additivity, the logistic closed form against the
-- enumeration, a feature without weight, symmetric features, parallel =
-- serial, and bad input.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set models_csv :abs_srcdir '/test/data/explain_shapley_models.csv'
\set logit_csv :abs_srcdir '/test/data/explain_shapley_logit.csv'
\set rows_csv :abs_srcdir '/test/data/explain_shapley_rows.csv'
\set expected_csv :abs_srcdir '/test/data/explain_shapley_expected.csv'

CREATE TABLE shap_models (model_id int, activation text, layers int[], weights float8[],
                          biases float8[], mean float8[], scale float8[]);
COPY shap_models FROM :'models_csv' (FORMAT csv, HEADER);
CREATE TABLE shap_logit_coef (model_id int, intercept boolean, coefficients float8[]);
COPY shap_logit_coef FROM :'logit_csv' (FORMAT csv, HEADER);
CREATE TABLE shap_rows (model_id int, role text, row_id int, x float8[]);
COPY shap_rows FROM :'rows_csv' (FORMAT csv, HEADER);
CREATE TABLE shap_expected (model_id int, row_id int, scale text, base float8, prediction float8,
                            contributions float8[]);
COPY shap_expected FROM :'expected_csv' (FORMAT csv, HEADER);

CREATE TABLE shap_nets AS
SELECT model_id, activation, layers,
       risk.mlp_from_arrays(layers, weights, biases, activation, mean, scale) AS model
FROM shap_models;
CREATE TABLE shap_logits AS
SELECT model_id, ROW(coefficients, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, intercept,
                     0)::risk.logit_model AS model
FROM shap_logit_coef;
CREATE TABLE shap_bg AS
SELECT model_id, array_agg(x ORDER BY row_id) AS background
FROM shap_rows WHERE role = 'background' GROUP BY model_id;

-- max relative difference of two arrays (absolute below 1e-3)
CREATE FUNCTION shap_diff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE
RETURN (SELECT max(abs(u - v) / greatest(abs(v), 1e-3)) FROM unnest(a, b) t(u, v));
CREATE FUNCTION shap_sum(a float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE
RETURN (SELECT sum(u) FROM unnest(a) t(u));

-- every row of every model and scale in one query: the prepared model and
-- background change from row to row
CREATE TABLE shap_got AS
SELECT e.model_id, e.row_id, e.scale,
       CASE WHEN n.model IS NOT NULL THEN risk.shapley(n.model, r.x, b.background, e.scale)
            ELSE risk.shapley(l.model, r.x, b.background, e.scale) END AS s
FROM shap_expected e
JOIN shap_rows r ON r.model_id = e.model_id AND r.role = 'applicant' AND r.row_id = e.row_id
JOIN shap_bg b ON b.model_id = e.model_id
LEFT JOIN shap_nets n ON n.model_id = e.model_id
LEFT JOIN shap_logits l ON l.model_id = e.model_id;

-- against the brute force: contributions, base and prediction within 1e-12
SELECT g.model_id, coalesce(n.activation, 'logit') AS activation, n.layers, g.scale,
       count(*) AS applicants,
       cardinality(min(e.contributions)) AS features,
       max(shap_diff((g.s).contributions, e.contributions)) < 1e-12 AS same_contributions,
       max(relerr((g.s).base, e.base)) < 1e-12 AS same_base,
       max(relerr((g.s).prediction, e.prediction)) < 1e-12 AS same_prediction,
       max(abs(shap_sum((g.s).contributions) - ((g.s).prediction - (g.s).base))) < 1e-12 AS adds_up
FROM shap_got g JOIN shap_expected e USING (model_id, row_id, scale)
LEFT JOIN shap_nets n USING (model_id)
GROUP BY 1, 2, 3, 4 ORDER BY 1, 4;
-- the prediction on the probability scale is the model's PD
SELECT max(relerr((g.s).prediction, risk.mlp_predict(n.model, r.x))) < 1e-13 AS prediction_is_pd,
       max(relerr((g.s).base, (SELECT avg(risk.mlp_predict(n.model, b.x)) FROM shap_rows b
                                 WHERE b.model_id = g.model_id AND b.role = 'background'))) < 1e-13
           AS base_is_mean_pd
FROM shap_got g JOIN shap_nets n USING (model_id)
JOIN shap_rows r ON r.model_id = g.model_id AND r.role = 'applicant' AND r.row_id = g.row_id
WHERE g.scale = 'probability';
SELECT max(relerr((g.s).prediction, risk.logit_log_odds(l.model, r.x))) < 1e-13 AS logit_prediction,
       max(relerr((g.s).base, (SELECT avg(risk.logit_log_odds(l.model, b.x)) FROM shap_rows b
                                 WHERE b.model_id = g.model_id AND b.role = 'background'))) < 1e-13
           AS logit_base
FROM shap_got g JOIN shap_logits l USING (model_id)
JOIN shap_rows r ON r.model_id = g.model_id AND r.role = 'applicant' AND r.row_id = g.row_id
WHERE g.scale = 'log_odds';

-- the default scales: probability for a network, log-odds for a logistic model
SELECT (risk.shapley(n.model, r.x, b.background)).contributions
           = (risk.shapley(n.model, r.x, b.background, 'probability')).contributions AS mlp_default,
       (risk.shapley(l.model, r2.x, b2.background)).contributions
           = (risk.shapley(l.model, r2.x, b2.background, 'log_odds')).contributions AS logit_default
FROM shap_nets n, shap_rows r, shap_bg b, shap_logits l, shap_rows r2, shap_bg b2
WHERE n.model_id = 1 AND r.model_id = 1 AND r.role = 'applicant' AND r.row_id = 1 AND b.model_id = 1
  AND l.model_id = 101 AND r2.model_id = 101 AND r2.role = 'applicant' AND r2.row_id = 1
  AND b2.model_id = 101;

-- a logistic model is a network without hidden layer: its closed form on
-- the log-odds scale = the enumeration of that network, and on the
-- probability scale the same enumeration
CREATE TABLE shap_as_net AS
SELECT model_id, risk.mlp_from_arrays(ARRAY[cardinality(coefficients) - intercept::int, 1],
                                      coefficients[1 + intercept::int:],
                                      ARRAY[CASE WHEN intercept THEN coefficients[1] ELSE 0 END],
                                      'relu') AS model
FROM shap_logit_coef;
SELECT l.model_id,
       max(shap_diff((risk.shapley(l.model, r.x, b.background, 'log_odds')).contributions,
                     (risk.shapley(n.model, r.x, b.background, 'log_odds')).contributions)) < 1e-13
           AS closed_form_is_enumeration,
       max(shap_diff((risk.shapley(l.model, r.x, b.background, 'probability')).contributions,
                     (risk.shapley(n.model, r.x, b.background, 'probability')).contributions)) = 0
           AS probability_same_engine
FROM shap_logits l JOIN shap_as_net n USING (model_id) JOIN shap_bg b USING (model_id)
JOIN shap_rows r ON r.model_id = l.model_id AND r.role = 'applicant'
GROUP BY 1 ORDER BY 1;
-- the probability values are not the log-odds values rescaled: the ratios differ by feature
SELECT g.model_id, g.row_id,
       round((max(p / o) - min(p / o))::numeric, 3) AS spread_of_ratios
FROM shap_got g JOIN shap_got h USING (model_id, row_id),
     unnest((g.s).contributions, (h.s).contributions) t(p, o)
WHERE g.scale = 'probability' AND h.scale = 'log_odds' AND g.model_id = 101 AND g.row_id = 1
GROUP BY 1, 2;

-- a feature without weight contributes 0; features the network treats
-- alike, with equal values, contribute alike
CREATE TABLE shap_axioms AS
SELECT risk.mlp_from_arrays('{4,3,1}',
           '{0.5,-1.2,0.3, 0,0,0, 0.8,0.1,-0.7, 0.8,0.1,-0.7,  1.1,-0.9,0.6}',
           '{0.1,-0.2,0.05, -0.3}', 'tanh') AS model,
       '{1.5,9,0.7,0.7}'::float8[] AS x,
       '{{0,1,0,0},{-1,2,0.5,0.5},{2,-3,-1,-1},{0.3,0,2,2},{1,1,1,1}}'::float8[] AS background;
SELECT abs(s.contributions[2]) < 1e-15 AS dummy_zero,
       abs(s.contributions[3] - s.contributions[4]) < 1e-15 AS symmetric,
       s.contributions[1] <> 0 AS others_not_zero
FROM shap_axioms a, risk.shapley(a.model, a.x, a.background) s;

-- a small case by hand (docs/explain.md): f = sigmoid(x1 + 2 x2), x = (1, 1),
-- one background row (0, 0): v({}) = sigmoid(0) = 0.5, v({1}) = sigmoid(1),
-- v({2}) = sigmoid(2), v({1,2}) = sigmoid(3);
-- phi_1 = (v({1}) - v({}) + v({1,2}) - v({2})) / 2
SELECT round(s.base::numeric, 12) AS base, round(s.prediction::numeric, 12) AS prediction,
       round(s.contributions[1]::numeric, 12) AS phi1, round(s.contributions[2]::numeric, 12) AS phi2,
       abs(s.contributions[1] - (1 / (1 + exp(-1.0)) - 0.5 + 1 / (1 + exp(-3.0)) - 1 / (1 + exp(-2.0))) / 2)
           < 1e-15 AS phi1_by_hand
FROM risk.shapley(ROW('{0,1,2}'::float8[], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, 0)::risk.logit_model,
                  '{1,1}', '{{0,0}}', 'probability') s;

-- as rows for a BI tool, with names
SELECT t.feature, t.name, round(t.contribution::numeric, 12) AS contribution, t.rank
FROM shap_got g, risk.shapley_table(g.s, '{age,income,utilization,tenure,delinquencies,inquiries}') t
WHERE g.model_id = 2 AND g.row_id = 1 AND g.scale = 'probability' AND t.rank <= 3 ORDER BY t.rank;
SELECT count(*) AS rows, sum(contribution) = shap_sum((g.s).contributions) AS same_sum,
       count(name) AS named, array_agg(rank ORDER BY abs(contribution) DESC) AS ranks
FROM shap_got g, risk.shapley_table(g.s) t
WHERE g.model_id = 4 AND g.row_id = 2 AND g.scale = 'log_odds' GROUP BY g.s;
SELECT count(*) AS no_rows FROM risk.shapley_table(NULL);

-- parallel = serial: a table of applicants scored in workers
CREATE TABLE shap_applicants AS
SELECT i, ARRAY(SELECT sin(i * 7.1 + j) * 3 + cos(j * i) FROM generate_series(1, 10) j) AS x
FROM generate_series(1, 400) i;
ANALYZE shap_applicants;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET force_parallel_mode = on;
EXPLAIN (COSTS OFF, VERBOSE)
SELECT a.i, risk.shapley((SELECT model FROM shap_nets WHERE model_id = 4), a.x,
                         (SELECT background FROM shap_bg WHERE model_id = 4)) AS s
FROM shap_applicants a;
CREATE TABLE shap_par AS
SELECT a.i, risk.shapley((SELECT model FROM shap_nets WHERE model_id = 4), a.x,
                         (SELECT background FROM shap_bg WHERE model_id = 4)) AS s
FROM shap_applicants a;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE shap_ser AS
SELECT a.i, risk.shapley((SELECT model FROM shap_nets WHERE model_id = 4), a.x,
                         (SELECT background FROM shap_bg WHERE model_id = 4)) AS s
FROM shap_applicants a;
RESET max_parallel_workers_per_gather;
SELECT count(*) AS applicants, bool_and(p.s::text = s.s::text) AS parallel_equals_serial,
       max(abs(shap_sum((s.s).contributions) - ((s.s).prediction - (s.s).base))) < 1e-9 AS adds_up
FROM shap_par p JOIN shap_ser s USING (i);

-- bad input: each an ERROR with its SQLSTATE and the offending value
SELECT try(q) FROM (VALUES
  ($$SELECT risk.shapley(model, '{1,2}', '{{1,2,3}}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{{1,2}}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{1,2,3}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{{{1,2,3}}}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,NULL,3}', '{{1,2,3}}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{{1,2,3},{4,NULL,6}}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,NaN,3}', '{{1,2,3}}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{{1,2,3},{4,5,-Infinity}}') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{{1,2,3}}', 'percent') FROM shap_nets WHERE model_id = 1$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{{1,2,3}}', 'logodds') FROM shap_logits WHERE model_id = 102$$),
  ($$SELECT risk.shapley(model, '{1,2,3,4}', '{{1,2,3}}') FROM shap_logits WHERE model_id = 102$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{{1,2}}') FROM shap_logits WHERE model_id = 102$$),
  ($$SELECT risk.shapley(model, '{1,2,3}', '{{1,NaN,3}}', 'probability') FROM shap_logits WHERE model_id = 102$$),
  ($$SELECT risk.shapley(ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, 0)::risk.logit_model, '{1}', '{{1}}')$$),
  ($$SELECT risk.shapley(ROW('{1}'::float8[], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, 0)::risk.logit_model, '{}', '{{1}}')$$),
  ($$SELECT * FROM risk.shapley_table(ROW(0, 1, '{0.5,0.5}')::risk.shapley_values, '{a,b,c}')$$)
) t(q);
-- 15 features: beyond the enumeration (a network; a logistic model on the
-- probability scale); a logistic model on the log-odds scale needs none
SELECT try($$SELECT risk.shapley(risk.mlp_from_arrays('{15,1}', array_fill(0.1::float8, ARRAY[15]), '{0}'),
                                 array_fill(1::float8, ARRAY[15]), array_fill(0::float8, ARRAY[2, 15]))$$) AS mlp_15;
SELECT try($$SELECT risk.shapley(ROW(array_fill(0.1::float8, ARRAY[16]), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, 0)::risk.logit_model,
                                 array_fill(1::float8, ARRAY[15]), array_fill(0::float8, ARRAY[2, 15]), 'probability')$$) AS logit_15;
SELECT round(shap_sum(s.contributions)::numeric, 12) AS logit_15_log_odds
FROM risk.shapley(ROW(array_fill(0.1::float8, ARRAY[16]), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, 0)::risk.logit_model,
                  array_fill(1::float8, ARRAY[15]), array_fill(0::float8, ARRAY[2, 15])) s;
-- a background changed in place between calls (a PL/pgSQL variable) is
-- prepared anew: the base follows it
CREATE FUNCTION shap_loop(m risk.mlp, x float8[]) RETURNS SETOF float8 LANGUAGE plpgsql AS $$
DECLARE
    bg float8[] := '{{0,0,0},{1,1,1}}';
BEGIN
    FOR i IN 1..3 LOOP
        bg[1][1] := i;
        RETURN NEXT (risk.shapley(m, x, bg)).base;
    END LOOP;
END $$;
SELECT array_agg(round(b::numeric, 12)) = array_agg(round((risk.shapley(n.model, '{0,0,0}',
                                          ARRAY[ARRAY[i, 0, 0], ARRAY[1, 1, 1]]::float8[])).base::numeric, 12))
           AS follows_the_background,
       count(DISTINCT b) AS distinct_bases
FROM shap_nets n, LATERAL (SELECT row_number() OVER () AS i, b FROM shap_loop(n.model, '{0,0,0}') b) t
WHERE n.model_id = 1;

-- a long enumeration answers a cancel (14 features x 20,000 background rows)
SET statement_timeout = '300ms';
SELECT risk.shapley(risk.mlp_from_arrays('{14,8,1}', array_fill(0.1::float8, ARRAY[120]), array_fill(0::float8, ARRAY[9])),
                    array_fill(1::float8, ARRAY[14]), array_fill(0.5::float8, ARRAY[20000, 14]));
RESET statement_timeout;
SELECT round((risk.shapley(model, '{1,2,3}', '{{1,2,3}}')).base::numeric, 12) AS after_cancel
FROM shap_nets WHERE model_id = 1;

-- NULL in, NULL out
SELECT risk.shapley(model, NULL, '{{1,2,3}}') IS NULL AS strict FROM shap_nets WHERE model_id = 1;
