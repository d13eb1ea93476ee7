--
-- Multilayer-perceptron PD models against scikit-learn 1.2.1's
-- MLPClassifier (test/data/mlp_reference.py, which checks it against an
-- independent NumPy implementation): predictions of six models trained by
-- scikit-learn and built here from their weights, L-BFGS from the same
-- start as scikit-learn's; then training here: deterministic, parallel =
-- serial, weights, early stopping, the text form, and bad input.  The
-- loss and gradient against scikit-learn's are in test/unit/test_mlp.c.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set data_csv :abs_srcdir '/test/data/mlp_data.csv'
\set models_csv :abs_srcdir '/test/data/mlp_models.csv'
\set pred_csv :abs_srcdir '/test/data/mlp_predictions.csv'
\set lbfgs_csv :abs_srcdir '/test/data/mlp_lbfgs.csv'
\set conv_csv :abs_srcdir '/test/data/mlp_lbfgs_converged.csv'
\set cancer_csv :abs_srcdir '/test/data/mlp_breast_cancer.csv'
\set folds_csv :abs_srcdir '/test/data/mlp_folds.csv'
\set cv_csv :abs_srcdir '/test/data/mlp_cv.csv'
\set cv_seeds_csv :abs_srcdir '/test/data/mlp_cv_seeds.csv'

CREATE TABLE mlp_data (id int, y int, w float8, x1 float8, x2 float8, x3 float8, x4 float8,
                       x5 float8, x6 float8);
COPY mlp_data FROM :'data_csv' (FORMAT csv, HEADER);
ALTER TABLE mlp_data ADD COLUMN x float8[];
UPDATE mlp_data SET x = ARRAY[x1, x2, x3, x4, x5, x6];
CREATE TABLE sk_models (model_id int, solver text, activation text, hidden int[], alpha float8,
                        layers int[], weights float8[], biases float8[], mean float8[],
                        scale float8[], train_loss float8);
COPY sk_models FROM :'models_csv' (FORMAT csv, HEADER);
CREATE TABLE sk_pred (model_id int, id int, pd float8);
COPY sk_pred FROM :'pred_csv' (FORMAT csv, HEADER);
CREATE TABLE sk_lbfgs (case_id int, activation text, hidden int[], alpha float8,
                       init_weights float8[], init_biases float8[], final_loss float8,
                       iterations int, final_weights float8[], final_biases float8[]);
COPY sk_lbfgs FROM :'lbfgs_csv' (FORMAT csv, HEADER);
CREATE TABLE sk_conv (case_id int, converged_loss float8, converged_iterations int,
                      converged_grad_norm float8, converged_weights float8[], converged_biases float8[],
                      minimum_loss float8, minimum_grad_norm float8, hessian_min_eig float8,
                      hessian_max_eig float8, minimum_weights float8[], minimum_biases float8[]);
COPY sk_conv FROM :'conv_csv' (FORMAT csv, HEADER);

-- ---------------------------------------------------------------------
-- A model trained elsewhere, scored here: scikit-learn's predict_proba
-- ---------------------------------------------------------------------
CREATE TABLE sk AS
SELECT model_id, solver, activation, hidden,
       risk.mlp_from_arrays(layers, weights, biases, activation, mean, scale) AS model
FROM sk_models;
SELECT s.model_id, s.solver, s.activation, s.hidden, count(*) AS rows,
       max(abs(risk.mlp_predict(s.model, d.x) - p.pd) / p.pd) < 1e-12 AS same_pd
FROM sk s JOIN sk_pred p USING (model_id) JOIN mlp_data d USING (id)
GROUP BY 1, 2, 3, 4 ORDER BY 1;
-- the text form reads back as the same model; the layers read back as given
SELECT bool_and(model::text::risk.mlp::text = model::text) AS text_round_trip FROM sk;
SELECT l.layer, l.inputs, l.units, l.activation, cardinality(l.weights) AS weights,
       cardinality(l.biases) AS biases
FROM sk, risk.mlp_layers(model) l WHERE model_id = 2 ORDER BY l.layer;
SELECT bool_and((SELECT array_agg(v ORDER BY l.layer, o)
                 FROM risk.mlp_layers(s.model) l, unnest(l.weights) WITH ORDINALITY u(v, o)) = m.weights
                AND (SELECT array_agg(v ORDER BY l.layer, o)
                     FROM risk.mlp_layers(s.model) l, unnest(l.biases) WITH ORDINALITY u(v, o)) = m.biases)
           AS layers_as_given
FROM sk s JOIN sk_models m USING (model_id);

-- ---------------------------------------------------------------------
-- L-BFGS from scikit-learn's start: the same minimum
-- ---------------------------------------------------------------------
-- The reference ran L-BFGS-B from the start of each case until the loss
-- stopped going down, then Newton steps to the minimum (tanh, logistic:
-- a strict local minimum, the Hessian positive definite).  Ours, from the
-- same start, reaches it: the loss to 1e-12, the PDs to 1e-4 (the minimum
-- is flat: the Hessian's least eigenvalue is about 1e-6).  The relu loss
-- is not smooth at its end point (rows at a kink, where a line search can
-- fail): ours ends within 0.1% of scikit-learn's end.
CREATE TABLE ours_lbfgs AS
SELECT c.case_id, c.activation,
       risk.mlp_fit(d.y, d.x, jsonb_build_object(
           'hidden', to_jsonb(c.hidden), 'activation', c.activation, 'alpha', c.alpha,
           'max_epochs', 20000, 'tol', 1e-12, 'ftol', 0,
           'init', risk.mlp_from_arrays(array_prepend(6, c.hidden || 1), c.init_weights,
                                        c.init_biases, c.activation)::text::jsonb)) AS model
FROM sk_lbfgs c, mlp_data d
GROUP BY c.case_id, c.activation, c.hidden, c.alpha, c.init_weights, c.init_biases;
SELECT c.case_id, c.activation,
       CASE WHEN c.activation = 'relu' THEN abs(h.train_loss - c.final_loss) / c.final_loss < 1e-3
            ELSE h.train_loss <= c.final_loss * (1 + 1e-12) END AS as_low_as_sklearn,
       CASE WHEN v.minimum_loss IS NULL THEN NULL
            ELSE abs(h.train_loss - v.minimum_loss) / v.minimum_loss < 1e-12 END AS minimum_loss,
       CASE WHEN v.minimum_loss IS NULL THEN NULL
            ELSE (SELECT max(abs(risk.mlp_predict(o.model, d.x)
                                 - risk.mlp_predict(risk.mlp_from_arrays(array_prepend(6, c.hidden || 1),
                                                                         v.minimum_weights, v.minimum_biases,
                                                                         c.activation,
                                                                         (SELECT mean FROM sk_models LIMIT 1),
                                                                         (SELECT scale FROM sk_models LIMIT 1)),
                                                  d.x)))
                  FROM mlp_data d) < 1e-4 END AS minimum_pds
FROM sk_lbfgs c JOIN sk_conv v USING (case_id) JOIN ours_lbfgs o USING (case_id),
     LATERAL (SELECT train_loss FROM risk.mlp_history(o.model) WHERE kept) h
ORDER BY 1;

-- ---------------------------------------------------------------------
-- Against scikit-learn trained on the same folds: the same architecture,
-- penalty and solver; five seeded folds of the credit data and of the
-- breast-cancer data scikit-learn ships (y = 1 for malignant)
-- ---------------------------------------------------------------------
CREATE TABLE cancer (id int, y int, x1 float8, x2 float8, x3 float8, x4 float8, x5 float8,
                     x6 float8, x7 float8, x8 float8, x9 float8, x10 float8, x11 float8,
                     x12 float8, x13 float8, x14 float8, x15 float8, x16 float8, x17 float8,
                     x18 float8, x19 float8, x20 float8, x21 float8, x22 float8, x23 float8,
                     x24 float8, x25 float8, x26 float8, x27 float8, x28 float8, x29 float8,
                     x30 float8);
COPY cancer FROM :'cancer_csv' (FORMAT csv, HEADER);
CREATE TABLE cv_folds (data text, id int, fold int);
COPY cv_folds FROM :'folds_csv' (FORMAT csv, HEADER);
CREATE TABLE sk_cv (data text, config_id int, options jsonb, fold int, auc float8, log_loss float8,
                    n_iter int, auc_logit float8, log_loss_unclipped float8, clipped int);
COPY sk_cv FROM :'cv_csv' (FORMAT csv, HEADER);
-- L-BFGS from six starts (seeds 1 to 6) on each fold
-- (test/data/mlp_cv_seeds_reference.py); seed 1's rows are sk_cv's
CREATE TABLE sk_seeds (data text, config_id int, fold int, seed int, auc float8, log_loss float8,
                       train_loss float8, n_iter int);
COPY sk_seeds FROM :'cv_seeds_csv' (FORMAT csv, HEADER);
CREATE TABLE cv_rows AS
SELECT 'credit' AS data, d.id, d.y, d.x FROM mlp_data d
UNION ALL
SELECT 'cancer', c.id, c.y,
       ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, x18, x19,
             x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30]
FROM cancer c;
-- the fits: Adam from seed 1, L-BFGS from every seed
CREATE TABLE cv_runs AS
SELECT k.data, k.config_id, k.fold, 1 AS seed, k.options, k.auc, k.log_loss, NULL::float8 AS train_loss
FROM sk_cv k WHERE k.options->>'solver' = 'adam'
UNION ALL
SELECT s.data, s.config_id, s.fold, s.seed, k.options, s.auc, s.log_loss, s.train_loss
FROM sk_seeds s JOIN sk_cv k USING (data, config_id, fold);
SELECT count(*) AS lbfgs_fits, count(*) FILTER (WHERE k.auc = s.auc AND k.log_loss = s.log_loss) AS seed_1_as_sk_cv
FROM sk_seeds s LEFT JOIN sk_cv k ON k.data = s.data AND k.config_id = s.config_id AND k.fold = s.fold AND s.seed = 1;
CREATE TABLE cv_models AS
SELECT k.data, k.config_id, k.fold, k.seed,
       risk.mlp_fit(r.y, r.x, k.options || jsonb_build_object('seed', k.seed) ORDER BY r.id) AS model
FROM cv_runs k JOIN cv_rows r USING (data) JOIN cv_folds f USING (data, id)
WHERE f.fold <> k.fold
GROUP BY k.data, k.config_id, k.fold, k.seed, k.options;
-- each fit's held-out AUC and log-loss (clipped at 2^-52 as scikit-learn's
-- log_loss), and the penalized training loss of the parameters it kept
CREATE TABLE cv_ours AS
SELECT m.data, m.config_id, m.fold, m.seed,
       risk.auc(p.pd, r.y) AS auc,
       avg(-(r.y * ln(greatest(p.pd, 2.220446049250313e-16))
             + (1 - r.y) * ln(greatest(1 - p.pd, 2.220446049250313e-16)))) AS log_loss,
       min(k.train_loss) AS train_loss
FROM cv_models m JOIN cv_folds f ON f.data = m.data AND f.fold = m.fold
     JOIN cv_rows r ON r.data = f.data AND r.id = f.id,
     LATERAL (SELECT risk.mlp_predict(m.model, r.x) AS pd) p,
     LATERAL (SELECT h.train_loss FROM risk.mlp_history(m.model) h WHERE h.kept) k
GROUP BY 1, 2, 3, 4;
-- Adam draws the start and reshuffles the rows each epoch as scikit-learn
-- does (the same seed, the rows in the same order): the same model to
-- rounding, fold by fold.
SELECT o.data, o.config_id, count(*) AS folds,
       max(abs(o.auc - k.auc)) < 1e-9 AND max(abs(o.log_loss - k.log_loss) / k.log_loss) < 1e-6
           AS same_as_sklearn
FROM cv_ours o JOIN cv_runs k USING (data, config_id, fold, seed)
WHERE k.options->>'solver' = 'adam'
GROUP BY 1, 2 ORDER BY 1, 2;
-- L-BFGS starts at the same point as scikit-learn's (the same minimum when
-- both run to convergence, above), but libLBFGS's line search is not
-- SciPy's and a network has many minima: where either stops at max_epochs
-- or the paths part, one fit lands better and the other worse.  Over the
-- 30 fits of a configuration (5 folds x 6 starts): the mean AUC within
-- 0.005 of scikit-learn's, and the held-out log-loss and the training loss
-- reached no worse than scikit-learn's: the mean paired difference (ours -
-- scikit-learn's) below two standard errors.
SELECT o.data, o.config_id, k.options->'hidden' AS hidden, k.options->>'activation' AS activation,
       count(*) AS fits,
       abs(avg(o.auc) - avg(k.auc)) < 0.005 AS mean_auc_within_0_005,
       avg(o.log_loss - k.log_loss) < 2 * stddev(o.log_loss - k.log_loss) / sqrt(count(*))
           AS log_loss_no_worse,
       avg(o.train_loss - k.train_loss) < 2 * stddev(o.train_loss - k.train_loss) / sqrt(count(*))
           AS train_loss_no_worse
FROM cv_ours o JOIN cv_runs k USING (data, config_id, fold, seed)
WHERE k.options->>'solver' = 'lbfgs'
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2;

-- ---------------------------------------------------------------------
-- Training here
-- ---------------------------------------------------------------------
CREATE TABLE fits AS
SELECT 'lbfgs' AS fit, risk.mlp_fit(y, x, '{"hidden": [8], "max_epochs": 60}') AS model FROM mlp_data
UNION ALL
SELECT 'adam', risk.mlp_fit(y, x, '{"hidden": [8, 4], "activation": "tanh", "solver": "adam",
                                   "validation_fraction": 0.2, "patience": 5, "max_epochs": 300,
                                   "learning_rate": 0.01, "seed": 7}') FROM mlp_data;
-- deterministic: the same options give the same model, bit for bit
SELECT (SELECT model::text FROM fits WHERE fit = 'lbfgs')
       = (SELECT risk.mlp_fit(y, x, '{"hidden": [8], "max_epochs": 60}')::text FROM mlp_data) AS lbfgs_same,
       (SELECT model::text FROM fits WHERE fit = 'adam')
       = (SELECT risk.mlp_fit(y, x, '{"hidden": [8, 4], "activation": "tanh", "solver": "adam",
                                      "validation_fraction": 0.2, "patience": 5, "max_epochs": 300,
                                      "learning_rate": 0.01, "seed": 7}')::text FROM mlp_data) AS adam_same;
-- without ORDER BY the rows' order does not matter (they are put in a
-- canonical order); with it, they are trained in that order
CREATE TABLE mlp_reordered AS SELECT * FROM mlp_data ORDER BY (id * 7919) % 2003;
SELECT (SELECT model::text FROM fits WHERE fit = 'adam')
       = (SELECT risk.mlp_fit(y, x, '{"hidden": [8, 4], "activation": "tanh", "solver": "adam",
                                      "validation_fraction": 0.2, "patience": 5, "max_epochs": 300,
                                      "learning_rate": 0.01, "seed": 7}')::text FROM mlp_reordered) AS any_order,
       (SELECT risk.mlp_fit(y, x, '{"solver": "adam", "max_epochs": 3}' ORDER BY id)::text FROM mlp_reordered)
       = (SELECT risk.mlp_fit(y, x, '{"solver": "adam", "max_epochs": 3}' ORDER BY id)::text FROM mlp_data)
           AS same_order_by,
       (SELECT risk.mlp_fit(y, x, '{"solver": "adam", "max_epochs": 3}' ORDER BY id)::text FROM mlp_data)
       <> (SELECT risk.mlp_fit(y, x, '{"solver": "adam", "max_epochs": 3}' ORDER BY id DESC)::text FROM mlp_data)
           AS order_by_matters;
-- the history: the loss goes down; Adam kept the epoch of least validation
-- loss and stopped 5 epochs after the last that beat the best by tol
SELECT fit, count(*) AS epochs, count(validation_loss) AS validated,
       (array_agg(train_loss ORDER BY epoch DESC))[1] < (array_agg(train_loss ORDER BY epoch))[1] AS went_down,
       (array_agg(epoch ORDER BY validation_loss, epoch) FILTER (WHERE validation_loss IS NOT NULL))[1]
           = max(epoch) FILTER (WHERE kept) AS kept_least_validation_loss
FROM fits, risk.mlp_history(model) GROUP BY fit ORDER BY fit;
SELECT fit, (model::text::jsonb)->'history'->>'converged' AS converged FROM fits ORDER BY fit;
-- the model learnt the non-linear PD: AUC on the data against logistic regression
SELECT f.fit, round(risk.auc(risk.mlp_predict(f.model, d.x), d.y)::numeric, 2) > 0.8 AS auc_above_0_8
FROM fits f, mlp_data d GROUP BY f.fit ORDER BY 1;
-- a class weight is a row weight on that class's rows: the same parameters, bit for bit
CREATE FUNCTION pg_temp.params(m risk.mlp) RETURNS float8[] LANGUAGE sql IMMUTABLE
    RETURN (SELECT array_agg(v ORDER BY l.layer, k, o)
            FROM risk.mlp_layers(m) l,
                 LATERAL (SELECT 1 AS k, v, o FROM unnest(l.weights) WITH ORDINALITY u(v, o)
                          UNION ALL
                          SELECT 2, v, o FROM unnest(l.biases) WITH ORDINALITY u(v, o)) p);
SELECT (SELECT pg_temp.params(risk.mlp_fit(y, x, '{"hidden": [4], "max_epochs": 30, "class_weight": {"1": 3}}'))
        FROM mlp_data)
       = (SELECT pg_temp.params(risk.mlp_fit(y, x, CASE WHEN y = 1 THEN 3 ELSE 1 END, '{"hidden": [4], "max_epochs": 30}'))
          FROM mlp_data) AS class_weight_is_row_weight;
-- a weight of 2 is the row twice: the same objective (sums in another order)
SELECT max(abs(risk.mlp_predict(a.model, d.x) - risk.mlp_predict(b.model, d.x))) < 1e-9 AS weight_2_is_twice
FROM (SELECT risk.mlp_fit(y, x, CASE WHEN id % 2 = 0 THEN 2 ELSE 1 END, '{"hidden": [4], "max_epochs": 20}') AS model
      FROM mlp_data) a,
     (SELECT risk.mlp_fit(y, x, '{"hidden": [4], "max_epochs": 20}') AS model
      FROM (SELECT * FROM mlp_data UNION ALL SELECT * FROM mlp_data WHERE id % 2 = 0) t) b,
     mlp_data d;

-- parallel equals serial: the workers' rows joined, then trained alike
CREATE TABLE mlp_many AS SELECT d.* FROM mlp_data d, generate_series(1, 3);
ANALYZE mlp_many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT risk.mlp_fit(y, x, '{"hidden": [4], "max_epochs": 20}') FROM mlp_many;
CREATE TABLE mlp_par AS SELECT risk.mlp_fit(y, x, '{"hidden": [4], "max_epochs": 20}') AS model FROM mlp_many;
-- over the table: each pass's sums from the workers
EXPLAIN (COSTS OFF)
SELECT risk_internal._mlp_step(y, x, 1, (SELECT model FROM mlp_par), true) FROM mlp_many;
CREATE TABLE mlp_tpar AS
SELECT risk.mlp_fit_table('mlp_many', 'y', '{x1,x2,x3,x4,x5,x6}', '{"hidden": [4], "max_epochs": 20}') AS model;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT model::text FROM mlp_par)
       = (SELECT risk.mlp_fit(y, x, '{"hidden": [4], "max_epochs": 20}')::text FROM mlp_many)
           AS aggregate_parallel_equals_serial;
CREATE TABLE mlp_tser AS
SELECT risk.mlp_fit_table('mlp_many', 'y', '{x1,x2,x3,x4,x5,x6}', '{"hidden": [4], "max_epochs": 20}') AS model;
RESET max_parallel_workers_per_gather;
-- sums in another order: the same iterates within 1e-9
SELECT max(abs(a.train_loss - b.train_loss) / b.train_loss) < 1e-9 AS table_parallel_equals_serial,
       count(*) AS epochs
FROM mlp_tpar p, risk.mlp_history(p.model) a, mlp_tser s, risk.mlp_history(s.model) b
WHERE a.epoch = b.epoch;
-- the table's training is the aggregate's (the same start and passes)
SELECT max(abs(a.train_loss - b.train_loss) / b.train_loss) < 1e-9 AS table_equals_aggregate
FROM mlp_tser t, risk.mlp_history(t.model) a, mlp_par p, risk.mlp_history(p.model) b
WHERE a.epoch = b.epoch;
-- with weights and a validation column: early stopping over the table
ALTER TABLE mlp_data ADD COLUMN held_out boolean;
UPDATE mlp_data SET held_out = id % 5 = 0;
SELECT count(*) AS epochs, count(validation_loss) AS validated,
       max(epoch) FILTER (WHERE kept) = (array_agg(epoch ORDER BY validation_loss, epoch))[1] AS kept_least
FROM risk.mlp_history(risk.mlp_fit_table('mlp_data', 'y', '{x1,x2,x3,x4,x5,x6}',
                                         '{"hidden": [6], "max_epochs": 400, "patience": 5}', 'w', 'held_out'));
-- no row: NULL
SELECT risk.mlp_fit(y, x, NULL) IS NULL AS no_row FROM mlp_data WHERE false;
SELECT risk.mlp_fit_table('mlp_data', 'y', '{x1}', NULL, NULL, NULL) IS NOT NULL AS one_feature;

-- ---------------------------------------------------------------------
-- Bad input
-- ---------------------------------------------------------------------
SELECT try($$SELECT risk.mlp_fit(y, ARRAY[x1, NULL], NULL) FROM mlp_data$$);
SELECT try($$SELECT risk.mlp_fit(y, CASE WHEN id = 7 THEN ARRAY[x1] ELSE ARRAY[x1, x2] END, NULL) FROM mlp_data$$);
SELECT try($$SELECT risk.mlp_fit(y + 1, x, NULL) FROM mlp_data$$);
SELECT try($$SELECT risk.mlp_fit(1, x, NULL) FROM mlp_data$$);
SELECT try($$SELECT risk.mlp_fit(y, ARRAY[x1, 'NaN'], NULL) FROM mlp_data$$);
SELECT try($$SELECT risk.mlp_fit(y, x, 0, NULL) FROM mlp_data$$);
SELECT o AS options, try(format($$SELECT risk.mlp_fit(y, x, %L) FROM mlp_data$$, o)) AS error
FROM (VALUES ('{"hidden": [0]}'), ('{"hidden": 16}'), ('{"hidden": [1,1,1,1,1,1,1,1,1]}'), ('{"hidden": [4096, 4096, 4096]}'),
             ('{"alpha": -1}'), ('{"learning_rate": 0}'), ('{"solver": "sgd"}'),
             ('{"activation": "softmax"}'), ('{"max_epochs": 0}'), ('{"validation_fraction": 1}'),
             ('{"seed": -1}'), ('{"class_weight": {"1": 0}}'), ('{"patience": 0}'), ('{"hiden": [4]}'),
             ('[1]'), ('{"init": {"weights": [[1]], "biases": [[1]]}}')) v(o);
-- a learning rate of 1e9: a model that did not converge, with PDs, or an error; never NaN
SELECT coalesce((m::text::jsonb)->'history'->>'converged', 'error') AS converged,
       (SELECT bool_and(risk.mlp_predict(m, x) BETWEEN 0 AND 1) FROM mlp_data) AS pds
FROM (SELECT risk.mlp_fit(y, x, '{"solver": "adam", "learning_rate": 1e9, "max_epochs": 5}') AS m
      FROM mlp_data) f;
SELECT try($$SELECT risk.mlp_fit(y, x, o::jsonb) FROM mlp_data,
             (VALUES ('{}'), ('{"alpha": 1}')) v(o)$$);
SELECT try($$SELECT risk.mlp_predict(model, ARRAY[1, 2]) FROM sk WHERE model_id = 1$$);
SELECT try($$SELECT risk.mlp_predict(model, ARRAY[1, 2, 3, 4, 5, NULL]) FROM sk WHERE model_id = 1$$);
SELECT try($$SELECT risk.mlp_from_arrays('{6,8,1}', '{1,2}', '{1}')$$);
SELECT try($$SELECT risk.mlp_from_arrays('{6,8,2}', '{1,2}', '{1}')$$);
SELECT try($$SELECT risk.mlp_from_arrays('{6,0,1}', '{}', '{}')$$);
SELECT try($$SELECT risk.mlp_from_arrays('{1,1}', '{1}', '{0}', 'relu', '{0}', '{0}')$$);
SELECT try($$SELECT risk.mlp_from_arrays('{1,1}', '{Infinity}', '{0}')$$);
SELECT try($$SELECT risk.mlp_from_arrays('{1,1}', '{1}', '{0}', 'softsign')$$);
SELECT try($$SELECT '{"layers": [2, 1], "weights": [[1]], "biases": [[0]]}'::risk.mlp$$);
SELECT try($$SELECT '{"layers": [2, 1]}'::risk.mlp$$);
SELECT try($$SELECT '[1]'::risk.mlp$$);
SELECT try($$SELECT risk.mlp_fit_table('mlp_data', 'outcome', '{x1}')$$);
SELECT try($$SELECT risk.mlp_fit_table('mlp_data', 'x1', '{x2}')$$);
SELECT try($$SELECT risk.mlp_fit_table('mlp_data', 'y', '{x1, nothing}')$$);
SELECT try($$SELECT risk.mlp_fit_table('mlp_data', 'y', '{x1}', '{"solver": "adam"}')$$);
SELECT try($$SELECT risk.mlp_fit_table('mlp_data', 'y', '{x1}', '{"validation_fraction": 0.2}')$$);
SELECT try($$SELECT risk.mlp_fit_table('mlp_data', 'y', '{x1}', NULL, 'w', 'x2')$$);
SELECT try($$SELECT risk.mlp_fit_table('mlp_data', 'y', '{x1}', NULL, NULL, 'id')$$);
