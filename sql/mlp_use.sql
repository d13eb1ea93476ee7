--
-- A network's PDs with the rest of risk (area mlp): the validation metrics,
-- the master scale and the early-warning views take them like any other
-- PD column.  The network is given by its weights (risk.mlp_from_arrays),
-- so that nothing below depends on a training run; every figure is
-- checked against a computation in plain SQL or against the same
-- aggregate over the PDs stored in a table.
--
SELECT setseed(0.31);
CREATE TABLE mu_loan AS
SELECT id, ARRAY[0.2 + 0.8 * random(), floor(-ln(1 - random()) * 0.7), 20 + 50 * random()] AS x
FROM generate_series(1, 3000) id;
-- 3 inputs (utilisation, arrears, age) -> 4 tanh units -> PD
CREATE TABLE mu_net (version int, m risk.mlp);
INSERT INTO mu_net VALUES (1, risk.mlp_from_arrays('{3,4,1}',
    '{1.2,-0.4,0.8,0.3, 0.9,0.6,-0.2,0.5, -0.3,0.2,0.1,-0.6, 1.1,-0.7,0.9,0.4}',
    '{0.1,-0.2,0.3,0.0, -1.5}', 'tanh', '{0.6,0.7,45}', '{0.23,0.8,14}'));
-- the outcome drawn from the network's own PD (a calibrated model)
ALTER TABLE mu_loan ADD COLUMN defaulted boolean;
UPDATE mu_loan l SET defaulted = random() < risk.mlp_predict(n.m, l.x) FROM mu_net n;
CREATE TABLE mu_scored AS
SELECT l.id, l.defaulted, risk.mlp_predict(n.m, l.x) AS pd FROM mu_loan l, mu_net n;
SELECT count(*) AS loans, count(*) FILTER (WHERE defaulted) AS defaults,
       min(pd) > 0 AND max(pd) < 1 AS pds_in_0_1
FROM mu_scored;

-- validation metrics over the network's PDs computed in the query equal
-- the same metrics over the stored PDs, and the definitions in plain SQL:
-- AUC by counting the pairs (a tie half), Brier as the mean squared error,
-- KS as the largest gap between the two empirical distributions
WITH live AS (
    SELECT risk.auc(risk.mlp_predict(n.m, l.x), l.defaulted) AS auc,
           risk.ks(risk.mlp_predict(n.m, l.x), l.defaulted) AS ks,
           risk.brier(risk.mlp_predict(n.m, l.x), l.defaulted) AS brier,
           risk.hosmer_lemeshow(risk.mlp_predict(n.m, l.x), l.defaulted, 10) AS hl
    FROM mu_loan l, mu_net n),
stored AS (
    SELECT risk.auc(pd, defaulted) AS auc, risk.ks(pd, defaulted) AS ks, risk.brier(pd, defaulted) AS brier,
           risk.hosmer_lemeshow(pd, defaulted, 10) AS hl
    FROM mu_scored),
pairs AS (
    SELECT (count(*) FILTER (WHERE b.pd > g.pd) + 0.5 * count(*) FILTER (WHERE b.pd = g.pd))::float8
           / count(*) AS auc
    FROM mu_scored b JOIN mu_scored g ON b.defaulted AND NOT g.defaulted),
ecdf AS (
    SELECT max(abs(fb - fg)) AS ks
    FROM (SELECT cume_dist() OVER (ORDER BY pd) AS c, pd,
                 count(*) FILTER (WHERE defaulted) OVER (ORDER BY pd)::float8
                     / (SELECT count(*) FROM mu_scored WHERE defaulted) AS fb,
                 count(*) FILTER (WHERE NOT defaulted) OVER (ORDER BY pd)::float8
                     / (SELECT count(*) FROM mu_scored WHERE NOT defaulted) AS fg
          FROM mu_scored) s)
SELECT live.auc = stored.auc AND live.ks = stored.ks AND live.brier = stored.brier
           AND (live.hl).statistic = (stored.hl).statistic AS live_equals_stored,
       abs(live.auc - pairs.auc) < 1e-12 AS auc_is_pair_count,
       abs(live.ks - ecdf.ks) < 1e-12 AS ks_is_largest_gap,
       abs(live.brier - (SELECT avg((pd - defaulted::int) ^ 2) FROM mu_scored)) < 1e-12 AS brier_is_mse,
       round(live.auc::numeric, 3) > 0.6 AS discriminates
FROM live, stored, pairs, ecdf;

-- the same metrics by a plan whose scan, scoring and transition run in
-- parallel workers (the model read once, as a parameter): the same AUC,
-- the same Brier score up to the order of its sum
ANALYZE mu_loan;
ANALYZE mu_net;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT risk.brier(risk.mlp_predict((SELECT m FROM mu_net WHERE version = 1), x), defaulted) FROM mu_loan;
SELECT risk.auc(risk.mlp_predict((SELECT m FROM mu_net WHERE version = 1), x), defaulted)
           = (SELECT risk.auc(pd, defaulted) FROM mu_scored) AS parallel_auc_equal,
       abs(risk.brier(risk.mlp_predict((SELECT m FROM mu_net WHERE version = 1), x), defaulted)
           / (SELECT risk.brier(pd, defaulted) FROM mu_scored) - 1) < 1e-14 AS parallel_brier_equal
FROM mu_loan;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- the master scale: each PD's grade is the band [pd_lower, pd_upper) that
-- holds it, and the mean PD of each grade lies in its band
SELECT count(*) AS graded,
       count(*) FILTER (WHERE risk.grade(s.pd) = b.grade) AS grade_is_band
FROM mu_scored s
JOIN risk.master_scale b ON b.scale = 'default' AND s.pd >= b.pd_lower
     AND (s.pd < b.pd_upper OR (b.pd_upper = 1 AND s.pd <= 1));
SELECT bool_and(avg_pd >= b.pd_lower AND avg_pd < b.pd_upper) AS grade_means_in_bands, count(*) > 3 AS grades_used
FROM (SELECT risk.grade(pd) AS grade, avg(pd) AS avg_pd FROM mu_scored GROUP BY 1) g
JOIN risk.master_scale b ON b.scale = 'default' AND b.grade = g.grade;

-- early warning: a watched view of the loans scored by the current
-- network, and a rule on the PD; refreshed and evaluated in this session
CREATE MATERIALIZED VIEW mu_watch AS
SELECT l.id, risk.mlp_predict(n.m, l.x) AS pd, risk.grade(risk.mlp_predict(n.m, l.x)) AS grade
FROM mu_loan l, mu_net n WHERE n.version = (SELECT max(version) FROM mu_net);
CREATE UNIQUE INDEX ON mu_watch (id);
SELECT risk.watch('mu_watch', '1 day');
SELECT risk.add_rule('mu_watch', 'pd', '>', 0.3, 'warning', 'review the loan: its PD is above 30%',
                     '{id}', 'pd above 30%') > 0 AS pd_rule;
SELECT outcome, rows FROM risk.refresh_and_evaluate('mu_watch');
-- the alerts are exactly the loans whose network PD is above 0.3
SELECT count(*) > 0 AS some_alerts,
       (SELECT array_agg(id ORDER BY id) FROM mu_scored WHERE pd > 0.3)
       = (SELECT array_agg((key->>'id')::int ORDER BY (key->>'id')::int) FROM risk.open_alerts
          WHERE rule = 'pd above 30%') AS alerts_are_the_pds_above
FROM risk.open_alerts WHERE rule = 'pd above 30%';
-- a new version of the network (a higher output bias: every PD rises):
-- after the next refresh the alerts follow the new PDs
INSERT INTO mu_net
SELECT 2, risk.mlp_from_arrays('{3,4,1}',
    '{1.2,-0.4,0.8,0.3, 0.9,0.6,-0.2,0.5, -0.3,0.2,0.1,-0.6, 1.1,-0.7,0.9,0.4}',
    '{0.1,-0.2,0.3,0.0, -1.0}', 'tanh', '{0.6,0.7,45}', '{0.23,0.8,14}');
SELECT outcome, alerts_opened > 0 AS opened_more FROM risk.refresh_and_evaluate('mu_watch');
SELECT (SELECT array_agg(l.id ORDER BY l.id) FROM mu_loan l, mu_net n
        WHERE n.version = 2 AND risk.mlp_predict(n.m, l.x) > 0.3)
       = (SELECT array_agg((key->>'id')::int ORDER BY (key->>'id')::int) FROM risk.open_alerts
          WHERE rule = 'pd above 30%') AS alerts_follow_the_new_network;
SELECT risk.unwatch('mu_watch');
-- the alerts and the refreshes are history and stay after unwatch; this
-- test's are removed so that the early-warning tests after it start from
-- their own
DELETE FROM risk.alerts WHERE view = 'mu_watch'::regclass;
DELETE FROM risk.refresh_history WHERE view = 'mu_watch'::regclass;
DROP MATERIALIZED VIEW mu_watch;
SELECT (SELECT count(*) FROM risk.alerts WHERE view_name LIKE '%mu_watch') AS alerts_left,
       (SELECT count(*) FROM risk.refresh_history WHERE view_name LIKE '%mu_watch') AS refreshes_left;
