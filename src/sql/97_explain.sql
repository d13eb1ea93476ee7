-- Explainable and fair credit decisions (explain): reason codes of a
-- scorecard, exact per-feature contributions (Shapley values) of logistic
-- and neural-network PD models, and fairness metrics by group.
-- docs/explain.md explains every object.

-- ---------------------------------------------------------------------
-- Reason codes
-- ---------------------------------------------------------------------

-- A scorecard as configuration (the PMML Scorecard model's parts): each
-- characteristic with its reason code and baseline, each bin (PMML's
-- attribute) with its points and, optionally, a reason code of its own.
-- The functions read a scorecard once per statement, with the caller's
-- privileges, as risk.grade reads a master scale.

CREATE TABLE risk.scorecard (
    scorecard        text   PRIMARY KEY,
    initial_score    float8 NOT NULL DEFAULT 0,
    reason_algorithm text   NOT NULL DEFAULT 'points_below',
    baseline_method  text   NOT NULL DEFAULT 'max',
    description      text,
    CHECK (initial_score > '-Infinity' AND initial_score < 'Infinity'),
    CHECK (reason_algorithm IN ('points_below', 'points_above')),
    CHECK (baseline_method IN ('max', 'min', 'given'))
);
COMMENT ON TABLE risk.scorecard IS
'Scorecards (PMML Scorecard): the score is initial_score plus the points of the bin each characteristic''s value falls in; reason codes rank the characteristics by points below their baseline (points_below, for a low score that is bad) or above it (points_above, for a high score that is bad); the baseline of each characteristic is its highest bin''s points (max), its lowest (min) or its own baseline (given), unless a call gives baselines (the population mean, the Regulation B average: risk.scorecard_baseline); kept by pg_dump';

CREATE TABLE risk.scorecard_characteristic (
    scorecard      text    NOT NULL REFERENCES risk.scorecard ON UPDATE CASCADE ON DELETE CASCADE,
    characteristic text    NOT NULL,
    position       int     NOT NULL,
    reason_code    text    NOT NULL,
    baseline       float8,
    right_closed   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (scorecard, characteristic),
    UNIQUE (scorecard, position),
    CHECK (baseline > '-Infinity' AND baseline < 'Infinity')
);
COMMENT ON TABLE risk.scorecard_characteristic IS
'The characteristics of a scorecard, in position order (the order of the applicant''s values in risk.scorecard_baseline and of equal reasons), each with its reason code and, for baseline_method given, its baseline; its numeric bins are [lower, upper), or (lower, upper] when right_closed';

CREATE TABLE risk.scorecard_bin (
    scorecard      text    NOT NULL,
    characteristic text    NOT NULL,
    bin            int     NOT NULL,
    lower          float8,
    upper          float8,
    category       text,
    missing        boolean NOT NULL DEFAULT false,
    points         float8  NOT NULL,
    reason_code    text,
    PRIMARY KEY (scorecard, characteristic, bin),
    FOREIGN KEY (scorecard, characteristic) REFERENCES risk.scorecard_characteristic
        ON UPDATE CASCADE ON DELETE CASCADE,
    CHECK (points > '-Infinity' AND points < 'Infinity'),
    CHECK (lower > '-Infinity' AND lower < 'Infinity' AND upper > '-Infinity' AND upper < 'Infinity'),
    CHECK (NOT (lower >= upper)),
    -- a bin is one of: the missing value's, a category, an interval (NULL bounds: unbounded)
    CHECK (CASE WHEN missing THEN category IS NULL AND lower IS NULL AND upper IS NULL
                WHEN category IS NOT NULL THEN lower IS NULL AND upper IS NULL
                ELSE true END)
);
COMMENT ON TABLE risk.scorecard_bin IS
'The bins (PMML attributes) of a characteristic, tried in bin order: the first that holds the value gives its points: a missing bin holds a missing value (JSON null or no key), a category bin a JSON string equal to category, an interval bin a JSON number in [lower, upper) or (lower, upper] (a NULL bound is unbounded); reason_code, when set, is the reason code of the bin instead of the characteristic''s (PMML''s attribute reason code)';

SELECT pg_catalog.pg_extension_config_dump('risk.scorecard', '');
SELECT pg_catalog.pg_extension_config_dump('risk.scorecard_characteristic', '');
SELECT pg_catalog.pg_extension_config_dump('risk.scorecard_bin', '');

CREATE FUNCTION risk.scorecard_points(scorecard text, applicant jsonb) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_scorecard_points' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.scorecard_points(text, jsonb) IS
'The score of an applicant (a JSON object characteristic -> value: a number, a string, or null for missing; a characteristic left out is missing) by a scorecard: initial_score plus the points of the first bin of each characteristic that holds its value; a value no bin holds, or a key that is no characteristic of the scorecard, is an error';

CREATE FUNCTION risk.reason_codes(scorecard text, applicant jsonb, max_reasons int DEFAULT 4,
                                  baseline float8[] DEFAULT NULL)
    RETURNS TABLE (rank int, reason_code text, characteristic text, value text, bin int,
                   points float8, baseline float8, points_lost float8)
    AS 'MODULE_PATHNAME', 'risk_reason_codes' LANGUAGE C STABLE PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION risk.reason_codes(text, jsonb, int, float8[]) IS
'The principal reasons for an applicant''s score (PMML Scorecard reason codes): for each characteristic the points lost, baseline - points (points_below) or points - baseline (points_above), summed over the characteristics that share a reason code; the codes with points lost above 0, most first (equal ones in the order of the characteristics), at most max_reasons (4); each with the characteristic that lost most under it, its value (as text; NULL when missing), bin, points and baseline; baseline, when given, holds one baseline per characteristic in position order (the population mean or the Regulation B average of risk.scorecard_baseline) instead of the scorecard''s method';

CREATE FUNCTION risk.reason_code_array(scorecard text, applicant jsonb, max_reasons int DEFAULT 4,
                                       baseline float8[] DEFAULT NULL)
    RETURNS text[]
    AS 'MODULE_PATHNAME', 'risk_reason_code_array' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.reason_code_array(text, jsonb, int, float8[]) IS
'The reason codes of risk.reason_codes as an array, most points lost first (an empty array when no characteristic lost points), for a column of a BI view';

CREATE FUNCTION risk_internal._scorecard_baseline_accum(float8[], text, jsonb) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_scorecard_baseline_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._scorecard_baseline_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_scorecard_baseline_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._scorecard_baseline_final(float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_scorecard_baseline_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._scorecard_baseline_accum(float8[], text, jsonb) IS 'Support function of risk.scorecard_baseline: transition (adds the points of each characteristic)';
COMMENT ON FUNCTION risk_internal._scorecard_baseline_combine(float8[], float8[]) IS 'Support function of risk.scorecard_baseline: combine (adds the counts and the sums)';
COMMENT ON FUNCTION risk_internal._scorecard_baseline_final(float8[]) IS 'Support function of risk.scorecard_baseline: final (the means)';

CREATE AGGREGATE risk.scorecard_baseline(scorecard text, applicant jsonb) (
    SFUNC = risk_internal._scorecard_baseline_accum, STYPE = float8[],
    COMBINEFUNC = risk_internal._scorecard_baseline_combine,
    FINALFUNC = risk_internal._scorecard_baseline_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.scorecard_baseline(text, jsonb) IS
'The mean points of each characteristic of a scorecard (in position order) over the applicants aggregated: over the whole population, the mean baseline; over the applicants whose score is at or just above the cut-off (FILTER), the Regulation B baseline (12 CFR 1002, Supplement I, 9(b)(2)-5); a baseline for risk.reason_codes; rows with a NULL argument are left out; NULL without rows';

-- ---------------------------------------------------------------------
-- Shapley values
-- ---------------------------------------------------------------------

CREATE TYPE risk.shapley_values AS (
    base          float8,
    prediction    float8,
    contributions float8[]
);
COMMENT ON TYPE risk.shapley_values IS
'Exact interventional Shapley values of a model''s output f for one applicant: base = the mean of f over the background, prediction = f(x), contributions = one per feature in the model''s order, adding up to prediction - base';

-- COST 10000: an enumeration is milliseconds a call (10 features, 100
-- background rows: about 1.5 ms), so that the planner runs a query that
-- calls it row by row in parallel workers
CREATE FUNCTION risk.shapley(model risk.mlp, x float8[], background float8[],
                             scale text DEFAULT 'probability') RETURNS risk.shapley_values
    AS 'MODULE_PATHNAME', 'risk_shapley_mlp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION risk.shapley(risk.mlp, float8[], float8[], text) IS
'Exact interventional Shapley values of a network''s PD (scale ''probability'') or output before the logistic function (''log_odds'') for features x (raw) against background, a two-dimensional array of raw rows (rows x features): every coalition S of the features is valued as the mean over the background rows b of f(x on S, b elsewhere), all 2^d coalitions enumerated (at most 14 features); model and background are prepared once per query';

CREATE FUNCTION risk.shapley(model risk.logit_model, x float8[], background float8[],
                             scale text DEFAULT 'log_odds') RETURNS risk.shapley_values
    AS 'MODULE_PATHNAME', 'risk_shapley_logit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.shapley(risk.logit_model, float8[], float8[], text) IS
'Exact interventional Shapley values of a logistic model for features x against background (rows x features): on the log-odds scale (default) the closed form beta_j (x_j - background mean of x_j), any number of features; on the probability scale (''probability'') the enumeration of all 2^d coalitions (at most 14 features), which is not the log-odds values rescaled';

CREATE FUNCTION risk.shapley_table(s risk.shapley_values, names text[] DEFAULT NULL)
    RETURNS TABLE (feature int, name text, contribution float8, rank int)
    AS 'MODULE_PATHNAME', 'risk_shapley_table' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION risk.shapley_table(risk.shapley_values, text[]) IS
'The contributions of risk.shapley as rows: feature position (1-based), its name from names (in the model''s order; NULL: none), contribution, and rank by absolute contribution (1 the largest, ties in feature order); no row for a NULL value';

-- ---------------------------------------------------------------------
-- Fairness by group
-- ---------------------------------------------------------------------

-- risk.fairness: an aggregate over credit decisions, one row each: the
-- group (a sex, an age band...), the decision (true: declined), the
-- outcome (true: defaulted) and, in the longer forms, the PD.  The state
-- holds each group's 2x2 table of (declined, defaulted) counts, the sum of
-- its PDs and the PDs themselves (for the AUC); partial states add their
-- tables and concatenate their PDs.  The final function sorts each group's
-- PDs in place, which a second call of it finds as they were left
-- (SHAREABLE).

CREATE TYPE risk.fairness_report AS (
    groups                              text[],
    n                                   int8[],
    declined                            int8[],
    defaults                            int8[],
    selection_rate                      float8[],
    tpr                                 float8[],
    fpr                                 float8[],
    default_rate                        float8[],
    n_pd                                int8[],
    mean_pd                             float8[],
    pd_default_rate                     float8[],
    auc                                 float8[],
    rows                                int8,
    rows_left_out                       int8,
    worst_group                         text,
    demographic_parity_difference       float8,
    demographic_parity_difference_lo    float8,
    demographic_parity_difference_hi    float8,
    demographic_parity_ratio            float8,
    demographic_parity_ratio_lo         float8,
    demographic_parity_ratio_hi         float8,
    equalized_odds_difference           float8,
    equalized_odds_difference_lo        float8,
    equalized_odds_difference_hi        float8,
    equalized_odds_ratio                float8,
    equalized_odds_ratio_lo             float8,
    equalized_odds_ratio_hi             float8,
    equal_opportunity_difference        float8,
    equal_opportunity_difference_lo     float8,
    equal_opportunity_difference_hi     float8,
    n_boot                              int4,
    level                               float8,
    seed                                int8
);
COMMENT ON TYPE risk.fairness_report IS
'Result of risk.fairness.  Per group, arrays in the order of groups (byte order, COLLATE "C"): rows n, declines, defaults, selection_rate (decline rate), tpr (declined among defaults), fpr (declined among non-defaults), default_rate; with a PD column: n_pd (rows with a PD), mean_pd, pd_default_rate (default rate of those rows, to compare with mean_pd), auc (of the PD against the default, ties one half); an element is NULL where its denominator is 0 (tpr of a group without a default, fpr of a group without a non-default, the AUC of a group with one class).  Then the rows counted and left out (NULL group, decision or outcome), the worst-off group (highest decline rate), the across-group metrics demographic parity difference (max - min selection rate) and ratio (min / max), equalized odds difference (the larger of the TPR and FPR differences) and ratio (the smaller of the TPR and FPR ratios), equal opportunity difference (TPR max - min), each with its percentile bootstrap interval (_lo, _hi; NULL without a bootstrap), and the bootstrap''s n_boot, level and seed';

CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_fairness_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_final(internal) RETURNS risk.fairness_report
    AS 'MODULE_PATHNAME', 'risk_fairness_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean) IS 'Support function of risk.fairness: transition (counts the row in its group''s table of declined x defaulted)';
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8) IS 'Support function of risk.fairness with a PD: transition (the table, and the PD kept by outcome)';
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8, jsonb) IS 'Support function of risk.fairness with a PD and options: transition';
COMMENT ON FUNCTION risk_internal._fairness_combine(internal, internal) IS 'Support function of risk.fairness: combine (adds the tables, concatenates the PDs)';
COMMENT ON FUNCTION risk_internal._fairness_serialize(internal) IS 'Support function of risk.fairness: serialize a partial state';
COMMENT ON FUNCTION risk_internal._fairness_deserialize(bytea, internal) IS 'Support function of risk.fairness: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._fairness_final(internal) IS 'Support function of risk.fairness: final (rates, AUC, across-group metrics, the bootstrap)';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean) IS
'Fairness of credit decisions by group (fairlearn''s metrics), with the default options (a stratified bootstrap of 1000 replicates, level 0.95, seed 1): grp the group, declined true for a declined application (the positive prediction), defaulted true for a default (the positive class); a row with a NULL group, decision or outcome is left out and counted in rows_left_out; NULL without a counted row.  Cast a group of another type to text';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean, pd float8) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean, float8) IS
'risk.fairness with the PD of each decision (a fraction from 0 to 1), default options: also per group the AUC of the PD against the default (ties one half) and the mean PD against the default rate; a row with a NULL PD counts in the decision metrics and is left out of the PD''s (n_pd counts the rows with one)';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean, pd float8, options jsonb) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean, float8, jsonb) IS
'risk.fairness with a PD (NULL::float8 for none) and options, a JSON object the same for every row (NULL or {} for the defaults): n_boot (replicates of the stratified bootstrap, 0 to 1,000,000; default 1000; 0: no intervals), level (of the intervals, at least 0.5 and below 1; default 0.95), seed (1 to 4294967295; default 1)';

CREATE FUNCTION risk.fairness_groups(report risk.fairness_report)
RETURNS TABLE (grp text, n int8, declined int8, defaults int8, selection_rate float8, tpr float8,
               fpr float8, default_rate float8, n_pd int8, mean_pd float8, pd_default_rate float8,
               auc float8, worst boolean, note text)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
SELECT u.grp, u.n, u.declined, u.defaults, u.selection_rate, u.tpr, u.fpr, u.default_rate,
       u.n_pd, u.mean_pd, u.pd_default_rate, u.auc, u.grp = ($1).worst_group,
       CASE WHEN u.defaults = 0 THEN 'no default in the group: tpr'
                 || CASE WHEN ($1).auc IS NOT NULL THEN ' and auc' ELSE '' END || ' undefined'
            WHEN u.defaults = u.n THEN 'only defaults in the group: fpr'
                 || CASE WHEN ($1).auc IS NOT NULL THEN ' and auc' ELSE '' END || ' undefined'
            WHEN ($1).auc IS NOT NULL AND u.n_pd = 0 THEN 'no PD in the group: mean_pd and auc undefined'
            WHEN ($1).auc IS NOT NULL AND u.auc IS NULL THEN 'the rows with a PD have one outcome only: auc undefined'
       END
FROM unnest(($1).groups, ($1).n, ($1).declined, ($1).defaults, ($1).selection_rate, ($1).tpr,
            ($1).fpr, ($1).default_rate, ($1).n_pd, ($1).mean_pd, ($1).pd_default_rate, ($1).auc)
     WITH ORDINALITY AS u(grp, n, declined, defaults, selection_rate, tpr, fpr, default_rate,
                          n_pd, mean_pd, pd_default_rate, auc, i)
ORDER BY u.i
$$;
COMMENT ON FUNCTION risk.fairness_groups(risk.fairness_report) IS
'One row per group of a risk.fairness report, for BI tools: its counts and rates, worst (the group of the highest decline rate) and note, why a rate is NULL (no default: tpr; only defaults: fpr; and the AUC with them)';
