-- What a new analyst meets on the first day (0.2.2), in a piece of its own
-- that the upgrade from 0.2.1 includes:
--   - default flags as 0/1 integers (scikit-learn and statsmodels users pass
--     integers): the validation aggregates, woe_bins, logit_fit and
--     logit_step take an int flag as well as a boolean.  The support
--     functions are the boolean ones' C symbols: a bool Datum is 0 or 1, an
--     int4 Datum its value, and risk_get_flag rejects anything but 0 and 1;
--   - the Newton step of risk.logit_fit_table with the feature names, so a
--     constant or collinear column is named;
--   - risk.grade, risk.woe, risk.score_points and risk.characteristic_points
--     in C (they run once per row), risk.grade and risk.score_points with a
--     hint that a PD is a fraction.

-- validation metrics with an integer flag

CREATE FUNCTION risk._score_pairs_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_score_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._pd_pairs_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._pd_pairs_accum(internal, float8, int, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._brier_accum(float8[], float8, int) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._score_pairs_accum(internal, float8, int) IS 'Support function of risk.auc, risk.gini and risk.ks with a 0/1 flag: transition';
COMMENT ON FUNCTION risk._pd_pairs_accum(internal, float8, int) IS 'Support function of risk.hosmer_lemeshow with a 0/1 flag: transition';
COMMENT ON FUNCTION risk._pd_pairs_accum(internal, float8, int, int) IS 'Support function of risk.hosmer_lemeshow with a 0/1 flag and a number of groups: transition';
COMMENT ON FUNCTION risk._brier_accum(float8[], float8, int) IS 'Support function of risk.brier with a 0/1 flag: transition';

CREATE AGGREGATE risk.auc(score float8, bad int) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._auc_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.auc(float8, int) IS
'risk.auc with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.gini(score float8, bad int) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._gini_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gini(float8, int) IS
'risk.gini with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.ks(score float8, bad int) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._ks_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.ks(float8, int) IS
'risk.ks with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.brier(pd float8, bad int) (
    SFUNC = risk._brier_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = risk._brier_final, COMBINEFUNC = risk._brier_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.brier(float8, int) IS
'risk.brier with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad int) (
    SFUNC = risk._pd_pairs_accum, STYPE = internal, FINALFUNC = risk._hosmer_lemeshow_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, int) IS
'risk.hosmer_lemeshow with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad int, groups int) (
    SFUNC = risk._pd_pairs_accum, STYPE = internal, FINALFUNC = risk._hosmer_lemeshow_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, int, int) IS
'risk.hosmer_lemeshow with the default flag as an integer and a number of groups: 1 a bad, 0 a good, anything else an error';

-- WOE binning with an integer flag

CREATE FUNCTION risk._woe_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._woe_accum(internal, float8, int, int, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._woe_accum(internal, float8, int) IS 'Support function of risk.woe_bins with a 0/1 flag: transition';
COMMENT ON FUNCTION risk._woe_accum(internal, float8, int, int, float8) IS 'Support function of risk.woe_bins with a 0/1 flag and options: transition';

CREATE AGGREGATE risk.woe_bins(x float8, bad int) (
    SFUNC = risk._woe_accum, STYPE = internal, FINALFUNC = risk._woe_bins_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, int) IS
'risk.woe_bins with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.woe_bins(x float8, bad int, max_bins int, min_share float8) (
    SFUNC = risk._woe_accum, STYPE = internal, FINALFUNC = risk._woe_bins_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, int, int, float8) IS
'risk.woe_bins with the default flag as an integer, at most max_bins bins of at least min_share each: 1 a bad, 0 a good, anything else an error';

-- logistic regression with an integer outcome

CREATE FUNCTION risk._logit_accum(internal, int, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._logit_accum(internal, int, float8[], boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._logit_step_accum(float8[], int, float8[], float8[], boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_logit_step_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._logit_accum(internal, int, float8[]) IS 'Support function of risk.logit_fit with a 0/1 outcome: transition';
COMMENT ON FUNCTION risk._logit_accum(internal, int, float8[], boolean, float8) IS 'Support function of risk.logit_fit with a 0/1 outcome and options: transition';
COMMENT ON FUNCTION risk._logit_step_accum(float8[], int, float8[], float8[], boolean) IS 'Support function of risk.logit_step with a 0/1 outcome: transition';

CREATE AGGREGATE risk.logit_fit(y int, x float8[]) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(int, float8[]) IS
'risk.logit_fit with the outcome as an integer: 1 a default, 0 not, anything else an error';
CREATE AGGREGATE risk.logit_fit(y int, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(int, float8[], boolean, float8) IS
'risk.logit_fit with the outcome as an integer, with or without intercept and an L2 penalty: 1 a default, 0 not, anything else an error';
CREATE AGGREGATE risk.logit_step(y int, x float8[], beta float8[], intercept boolean) (
    SFUNC = risk._logit_step_accum, STYPE = float8[], INITCOND = '{}',
    COMBINEFUNC = risk._logit_step_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_step(int, float8[], float8[], boolean) IS
'risk.logit_step with the outcome as an integer: 1 a default, 0 not, anything else an error';

CREATE FUNCTION risk._logit_newton(state float8[], beta float8[], intercept boolean, l2 float8,
                                   names text[])
    RETURNS float8[] AS 'MODULE_PATHNAME', 'risk_logit_newton' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._logit_newton(float8[], float8[], boolean, float8, text[]) IS
'Support function of risk.logit_fit_table: the Newton step from a risk.logit_step state, naming the feature (names in order) at which the information matrix is singular';

-- the functions called once per row, in C (0.2.2): the same results as
-- the SQL definitions they replace, to the last digit, at the cost of a C
-- call; risk.grade reads its scale once per statement, risk.woe decodes a
-- binning once per query.  A PD given as a percentage gets a hint.

CREATE OR REPLACE FUNCTION risk.grade(pd float8, scale text DEFAULT 'default') RETURNS text
    AS 'MODULE_PATHNAME', 'risk_grade' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.grade(float8, text) IS
'The grade of a PD on a master scale (risk.master_scale): the band [pd_lower, pd_upper) holding it (the last band includes 1); a PD outside [0, 1] or an unknown scale is an error (a PD is a fraction: 0.015, not 1.5); the scale is read once per statement';

CREATE OR REPLACE FUNCTION risk.woe(binning risk.woe_binning, x float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_woe' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.woe(risk.woe_binning, float8) IS
'The WOE of a value in a binning: the bin [lower, upper) holding x; NULL x takes the missing-value bin, or 0 (no evidence) when the binning had no missing value';

-- points: score = offset + factor ln(good:bad odds), factor = pdo / ln 2,
-- offset = base_points - factor ln(base_odds)
CREATE OR REPLACE FUNCTION risk.score_points(pd float8, base_points float8 DEFAULT 600,
                                             base_odds float8 DEFAULT 50, pdo float8 DEFAULT 20)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_score_points' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.score_points(float8, float8, float8, float8) IS
'Scorecard points of a PD: base_points at good:bad odds base_odds, pdo more points for every doubling of the odds: base_points + pdo/ln 2 (ln((1-pd)/pd) - ln base_odds)';

CREATE OR REPLACE FUNCTION risk.characteristic_points(coefficient float8, woe float8, intercept float8,
                                                      n_characteristics int, base_points float8 DEFAULT 600,
                                                      base_odds float8 DEFAULT 50, pdo float8 DEFAULT 20)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_characteristic_points' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.characteristic_points(float8, float8, float8, int, float8, float8, float8) IS
'Points of one characteristic''s bin in a scorecard from a logistic model of defaults on WOE columns (log-odds of default = intercept + sum coefficient_j woe_j): summed over the characteristics they give risk.score_points of the model''s PD';
