-- Explainable and fair credit decisions (docs/explain.md) on the demo's
-- loans: the scorecard of demo/report.sql's logistic model written into the
-- risk.scorecard tables, declined applicants with their principal reasons
-- (the best attribute's points and the Regulation B baseline), the exact
-- Shapley values of one declined applicant under the logistic model and
-- the report's network, and the fairness of two decision rules by region.  Run
-- after demo/report.sql (it reads loan, binning, loan_woe, scorecard,
-- graded and network); demo/charts.sql then draws the calibration of the PD by region.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset footer off
\pset null '-'

\echo
\echo '== Explainable and fair credit decisions: reason codes, Shapley values, fairness by group'

--------------------------------------------------------------------------
-- 1. Reason codes.  The scorecard of the report's model: each WOE bin of
--    each characteristic gets the points risk.characteristic_points gives
--    it (600 points at 50:1, 20 per doubling); a missing relationship
--    length has a reason code of its own.
--------------------------------------------------------------------------
INSERT INTO risk.scorecard VALUES
    ('demo', 0, 'points_below', 'max',
     'The demo''s PD model (demo/report.sql) as points: 600 at good:bad odds 50:1, 20 more per doubling');
CREATE TABLE reason_statement (reason_code text PRIMARY KEY, statement text NOT NULL);
INSERT INTO reason_statement VALUES
    ('R01', 'Age of applicant'),
    ('R02', 'Income insufficient for the credit requested'),
    ('R03', 'Proportion of balances to credit limits is too high'),
    ('R04', 'Delinquent past or present credit obligations'),
    ('R05', 'Length of relationship with the bank'),
    ('R06', 'Length of relationship with the bank not on record');
-- positions in the model's feature order (the WOE columns of loan_woe)
INSERT INTO risk.scorecard_characteristic (scorecard, characteristic, position, reason_code) VALUES
    ('demo', 'age', 1, 'R01'), ('demo', 'income', 2, 'R02'), ('demo', 'utilisation', 3, 'R03'),
    ('demo', 'arrears', 4, 'R04'), ('demo', 'years_client', 5, 'R05');
-- the bins [lower, upper) of risk.woe_bins (infinite bounds: none), the
-- missing-value bin where the binning has one
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, upper, missing, points, reason_code)
SELECT 'demo', c.characteristic, t.bin,
       CASE WHEN t.lower > '-Infinity' THEN t.lower END,
       CASE WHEN t.upper < 'Infinity' THEN t.upper END,
       t.lower IS NULL,
       risk.characteristic_points((s.m).coefficients[1 + c.position], t.woe, (s.m).coefficients[1], 5),
       CASE WHEN t.lower IS NULL THEN 'R06' END
FROM binning b
JOIN risk.scorecard_characteristic c ON c.scorecard = 'demo' AND c.characteristic = b.name
CROSS JOIN scorecard s
CROSS JOIN LATERAL risk.woe_bins_table(b.b) t;

-- the applicants: the 2,000 recent loans, each a JSON object of its
-- characteristics (a missing relationship length is null)
CREATE TABLE applicant AS
SELECT id, data, risk.scorecard_points('demo', data) AS score
FROM (SELECT l.id, jsonb_build_object('age', l.age, 'income', l.income, 'utilisation', l.utilisation,
                                      'arrears', l.arrears, 'years_client', l.years_client) AS data
      FROM loan l WHERE l.recent) a;

\set cutoff 540
\echo
\echo '-- the scorecard ''demo'' (risk.scorecard tables): points per characteristic; the baseline is the best bin''s'
SELECT c.position, c.characteristic, c.reason_code, st.statement, count(*) AS bins,
       round(min(b.points)::numeric, 1) AS min_points, round(max(b.points)::numeric, 1) AS max_points
FROM risk.scorecard_characteristic c
JOIN risk.scorecard_bin b USING (scorecard, characteristic)
JOIN reason_statement st ON st.reason_code = c.reason_code
WHERE c.scorecard = 'demo'
GROUP BY c.position, c.characteristic, c.reason_code, st.statement ORDER BY c.position;
\echo 'its score is the model''s: risk.scorecard_points against risk.score_points of the PD, all 2,000 applicants'
SELECT count(*) AS applicants, to_char(max(abs(a.score - g.score)), '0.0EEEE') AS largest_difference,
       round(min(a.score)::numeric, 1) AS min_score, round(max(a.score)::numeric, 1) AS max_score
FROM applicant a JOIN graded g USING (id);

-- the Regulation B baseline (Official Staff Commentary 9(b)(2)-5): the
-- mean points of the applicants at or just above the cut-off
CREATE TABLE regb AS
SELECT risk.scorecard_baseline('demo', data) FILTER (WHERE score >= :cutoff AND score < :cutoff + 5) AS baseline,
       count(*) FILTER (WHERE score >= :cutoff AND score < :cutoff + 5) AS n
FROM applicant;
\echo
\echo '-- cut-off' :cutoff 'points: the baselines, per characteristic (points)'
SELECT c.characteristic, round(max(b.points)::numeric, 1) AS best_bin,
       round(r.baseline[c.position]::numeric, 1) AS regulation_b, r.n AS applicants_at_cutoff
FROM risk.scorecard_characteristic c JOIN risk.scorecard_bin b USING (scorecard, characteristic), regb r
WHERE c.scorecard = 'demo'
GROUP BY c.position, c.characteristic, r.baseline, r.n ORDER BY c.position;

\echo
\echo '-- applicants below the cut-off, declined: the first six, their four principal reasons by each baseline'
SELECT a.id, round(a.score::numeric, 1) AS score,
       array_to_string(risk.reason_code_array('demo', a.data), ' ') AS reasons_best_bin,
       array_to_string(risk.reason_code_array('demo', a.data, 4, r.baseline), ' ') AS reasons_regulation_b
FROM applicant a, regb r
WHERE a.score < :cutoff
ORDER BY a.id LIMIT 6;
SELECT count(*) AS declined, count(*) FILTER (WHERE risk.reason_code_array('demo', a.data, 4, r.baseline) = '{}')
           AS declined_with_no_reason_regb
FROM applicant a, regb r WHERE a.score < :cutoff;

-- the first declined applicant, explained again in part 2
SELECT min(id) AS declined_id FROM applicant WHERE score < :cutoff \gset
\echo
\echo '-- the adverse action notice of applicant' :declined_id '(Regulation B baseline)'
SELECT rc.rank, rc.reason_code, st.statement, rc.characteristic,
       round(rc.value::numeric, 2) AS value, round(rc.points::numeric, 1) AS points,
       round(rc.baseline::numeric, 1) AS baseline, round(rc.points_lost::numeric, 1) AS points_lost
FROM applicant a, regb r, risk.reason_codes('demo', a.data, 4, r.baseline) rc
JOIN reason_statement st USING (reason_code)
WHERE a.id = :declined_id ORDER BY rc.rank;

\echo
\echo '-- the principal reason (rank 1, Regulation B baseline) of every declined applicant'
SELECT c.codes[1] AS reason_code, st.statement, count(*) AS declined
FROM (SELECT risk.reason_code_array('demo', a.data, 1, r.baseline) AS codes
      FROM applicant a, regb r WHERE a.score < :cutoff) c
LEFT JOIN reason_statement st ON st.reason_code = c.codes[1]
GROUP BY c.codes[1], st.statement ORDER BY count(*) DESC, 1;

--------------------------------------------------------------------------
-- 2. Shapley values of the same applicant: how each feature moved its PD
--    from the mean over a background of 200 older loans.  The logistic
--    model of the report (features: the WOE of each characteristic) and
--    the report's network (on the raw characteristics).
--------------------------------------------------------------------------
CREATE TABLE shap_background AS
SELECT l.id, w.w AS woe_x,
       ARRAY[l.age, ln(l.income), l.utilisation, l.arrears, coalesce(l.years_client, 9.5),
             (l.years_client IS NULL)::int] AS raw_x
FROM loan l JOIN loan_woe w USING (id)
WHERE NOT l.recent ORDER BY l.id LIMIT 200;

\echo
\echo '-- applicant' :declined_id 'under the logistic model: Shapley values on the log-odds (closed form) and PD scale'
SELECT 'log-odds' AS scale, round((s).base::numeric, 4) AS base, round((s).prediction::numeric, 4) AS prediction,
       round((s).prediction::numeric - (s).base::numeric, 4) AS difference,
       round((SELECT sum(c) FROM unnest((s).contributions) c)::numeric, 4) AS sum_of_values
FROM (SELECT risk.shapley(m.m, w.w, (SELECT array_agg(woe_x ORDER BY id) FROM shap_background)) AS s
      FROM scorecard m, loan_woe w WHERE w.id = :declined_id) x
UNION ALL
SELECT 'PD', round((s).base::numeric, 4), round((s).prediction::numeric, 4),
       round((s).prediction::numeric - (s).base::numeric, 4),
       round((SELECT sum(c) FROM unnest((s).contributions) c)::numeric, 4)
FROM (SELECT risk.shapley(m.m, w.w, (SELECT array_agg(woe_x ORDER BY id) FROM shap_background), 'probability') AS s
      FROM scorecard m, loan_woe w WHERE w.id = :declined_id) x;
WITH x AS (
    SELECT l.*, w.w, m.m FROM loan l JOIN loan_woe w USING (id), scorecard m WHERE l.id = :declined_id
), bg AS (SELECT array_agg(woe_x ORDER BY id) AS rows FROM shap_background)
SELECT lo.feature, lo.name,
       round((ARRAY[x.age, x.income, x.utilisation, x.arrears, x.years_client])[lo.feature]::numeric, 2) AS value,
       round(x.w[lo.feature]::numeric, 3) AS woe,
       round(lo.contribution::numeric, 4) AS log_odds, lo.rank AS rank_log_odds,
       round(100 * pd.contribution::numeric, 2) AS pd_points_pct, pd.rank AS rank_pd
FROM x, bg,
     risk.shapley_table(risk.shapley(x.m, x.w, bg.rows), '{age,income,utilisation,arrears,years_client}') lo
JOIN risk.shapley_table(risk.shapley((SELECT m FROM x), (SELECT w FROM x), (SELECT rows FROM bg), 'probability'))
     pd USING (feature)
ORDER BY lo.feature;

-- the network of the report (4 tanh units on the raw characteristics: log
-- income, the relationship length with its missing flag)
\echo
\echo '-- applicant' :declined_id 'under the network: Shapley values of its PD (64 coalitions x 200 background rows)'
CREATE TEMP TABLE shap_nn AS
SELECT risk.shapley(n.m, x.raw_x, (SELECT array_agg(raw_x ORDER BY id) FROM shap_background)) AS s, x.raw_x
FROM network n,
     (SELECT ARRAY[l.age, ln(l.income), l.utilisation, l.arrears, coalesce(l.years_client, 9.5),
                   (l.years_client IS NULL)::int] AS raw_x
      FROM loan l WHERE l.id = :declined_id) x;
SELECT round((s).base::numeric, 4) AS base, round((s).prediction::numeric, 4) AS prediction,
       round((s).prediction::numeric - (s).base::numeric, 4) AS difference,
       round((SELECT sum(c) FROM unnest((s).contributions) c)::numeric, 4) AS sum_of_values
FROM shap_nn;
SELECT t.feature, t.name, round(n.raw_x[t.feature]::numeric, 3) AS value,
       round(100 * t.contribution::numeric, 2) AS pd_points_pct, t.rank
FROM shap_nn n, risk.shapley_table(n.s, '{age,log_income,utilisation,arrears,years_client,years_client_missing}') t
ORDER BY t.feature;

--------------------------------------------------------------------------
-- 3. Fairness by region.  Each loan gets a region A, B or C (seeded;
--    region C has more of the loans in arrears or near their limits, so
--    higher PDs; A and B alike),
--    and two decision rules are applied to the whole book of 8,000 loans:
--    'fair' declines a PD above the cut-off's (below 540 points) in every
--    region; 'biased' declines region C from 555 points, 15 points higher,
--    so that applicants of the same risk are declined in C only.
--------------------------------------------------------------------------
DO $$ BEGIN PERFORM setseed(0.3131); END $$;
CREATE TABLE loan_region AS
SELECT id, CASE WHEN u < pc THEN 'C' WHEN u < pc + 0.45 * (1 - pc) THEN 'B' ELSE 'A' END AS region
FROM (SELECT id, 0.2 + 0.25 * (arrears > 0)::int + 0.1 * (utilisation > 0.7)::int AS pc, random() AS u
      FROM (SELECT id, arrears, utilisation FROM loan ORDER BY id) o) s;

CREATE TABLE decision AS
SELECT g.id, r.region, g.defaulted, g.pd, g.score, d.rule,
       g.score < CASE WHEN d.rule = 'biased' AND r.region = 'C' THEN :cutoff + 15 ELSE :cutoff END AS declined
FROM graded g JOIN loan_region r USING (id), (VALUES ('fair'), ('biased')) d(rule);

CREATE TABLE fairness AS
SELECT rule, risk.fairness(region, declined, defaulted, pd, '{"n_boot": 1000, "seed": 7}') AS r
FROM decision GROUP BY rule;

\echo
\echo '-- per region and rule: decline (selection) rate, TPR (defaulters declined), FPR (good applicants declined)'
SELECT f.rule, g.grp AS region, g.n, g.defaults, round(g.selection_rate::numeric, 3) AS decline_rate,
       round(g.tpr::numeric, 3) AS tpr, round(g.fpr::numeric, 3) AS fpr,
       round(g.default_rate::numeric, 3) AS default_rate, round(g.mean_pd::numeric, 3) AS mean_pd,
       round(g.auc::numeric, 3) AS auc, g.worst
FROM fairness f, risk.fairness_groups(f.r) g
ORDER BY f.rule DESC, g.grp;
\echo 'the same risk, another decision: declined among the loans of 540 to 555 points'
SELECT rule, region, count(*) AS loans, count(*) FILTER (WHERE declined) AS declined
FROM decision WHERE score >= :cutoff AND score < :cutoff + 15
GROUP BY rule, region ORDER BY rule DESC, region;

\echo
\echo '-- across regions: demographic parity and equalized odds differences, 95% bootstrap intervals (1,000, stratified)'
SELECT rule, (r).worst_group AS worst,
       round((r).demographic_parity_difference::numeric, 3) AS dp_diff,
       format('[%s, %s]', round((r).demographic_parity_difference_lo::numeric, 3),
              round((r).demographic_parity_difference_hi::numeric, 3)) AS dp_diff_95,
       round((r).demographic_parity_ratio::numeric, 3) AS dp_ratio,
       round((r).equalized_odds_difference::numeric, 3) AS eo_diff,
       format('[%s, %s]', round((r).equalized_odds_difference_lo::numeric, 3),
              round((r).equalized_odds_difference_hi::numeric, 3)) AS eo_diff_95,
       round((r).equal_opportunity_difference::numeric, 3) AS eopp_diff
FROM fairness ORDER BY rule DESC;
\echo 'Under the fair rule region C is declined more often because more of its loans have a high'
\echo 'PD: loans of the same score get the same decision in every region, and the differences that'
\echo 'remain come from the regions'' PDs.  The biased rule adds a difference at the same score:'
\echo 'every loan of region C from 540 to 555 points is declined.  The PD against the defaults by'
\echo 'region: demo/out/explain_calibration.png.'
