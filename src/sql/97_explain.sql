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

CREATE FUNCTION risk.shapley(model risk.mlp, x float8[], background float8[],
                             scale text DEFAULT 'probability') RETURNS risk.shapley_values
    AS 'MODULE_PATHNAME', 'risk_shapley_mlp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
