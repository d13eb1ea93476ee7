-- Credit scoring: logistic regression.

CREATE TYPE risk.logit_model AS (
    coefficients float8[],
    std_errors   float8[],
    z            float8[],
    p_values     float8[],
    loglik       float8,
    aic          float8,
    n            bigint,
    iterations   int,
    converged    boolean,
    intercept    boolean,
    l2           float8
);
COMMENT ON TYPE risk.logit_model IS
'A logistic regression fitted by risk.logit_fit: coefficients (intercept first when there is one), standard errors, z statistics and two-sided p-values, log-likelihood (unpenalized), AIC, rows, IRLS iterations, converged, intercept, L2 penalty';

CREATE FUNCTION risk._logit_accum(internal, boolean, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._logit_accum(internal, boolean, float8[], boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._logit_fit_final(internal) RETURNS risk.logit_model
    AS 'MODULE_PATHNAME', 'risk_logit_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._logit_accum(internal, boolean, float8[]) IS 'Support function of risk.logit_fit: transition';
COMMENT ON FUNCTION risk._logit_accum(internal, boolean, float8[], boolean, float8) IS 'Support function of risk.logit_fit: transition';
COMMENT ON FUNCTION risk._logit_fit_final(internal) IS 'Support function of risk.logit_fit: final (the IRLS fit)';

CREATE AGGREGATE risk.logit_fit(y boolean, x float8[]) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(boolean, float8[]) IS
'Logistic regression of y (true = default) on the features x (same length on every row) with an intercept, by IRLS; separation and collinear features are errors';
CREATE AGGREGATE risk.logit_fit(y boolean, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(boolean, float8[], boolean, float8) IS
'Logistic regression of y on x, with or without intercept, with an L2 penalty (l2/2) sum beta_j^2 on the non-intercept coefficients (0 for none)';

CREATE FUNCTION risk.logit_log_odds(model risk.logit_model, x float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_logit_log_odds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.logit_log_odds(risk.logit_model, float8[]) IS
'The log-odds of default of a fitted logistic model for features x: intercept + sum beta_j x_j; an array of the wrong length is an error';
CREATE FUNCTION risk.logit_predict(model risk.logit_model, x float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_logit_predict' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.logit_predict(risk.logit_model, float8[]) IS
'The probability of default of a fitted logistic model for features x: 1/(1 + exp(-log-odds))';

-- The multi-pass fit, for tables larger than memory and for parallel or
-- distributed execution: one pass of risk.logit_step per IRLS iteration.

CREATE FUNCTION risk._logit_step_accum(float8[], boolean, float8[], float8[], boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_logit_step_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._logit_step_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_logit_step_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._logit_step_accum(float8[], boolean, float8[], float8[], boolean) IS 'Support function of risk.logit_step: transition';
COMMENT ON FUNCTION risk._logit_step_combine(float8[], float8[]) IS 'Support function of risk.logit_step: combine (addition)';

CREATE AGGREGATE risk.logit_step(y boolean, x float8[], beta float8[], intercept boolean) (
    SFUNC = risk._logit_step_accum, STYPE = float8[], INITCOND = '{}',
    COMBINEFUNC = risk._logit_step_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_step(boolean, float8[], float8[], boolean) IS
'One IRLS pass of a logistic regression at coefficients beta: {m, n, loglik, X''(y - mu), X''WX} as a float8[] that partial states add up to; driven by risk.logit_fit_table';

CREATE FUNCTION risk._logit_newton(state float8[], beta float8[], intercept boolean, l2 float8)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'risk_logit_newton' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._logit_newton(float8[], float8[], boolean, float8) IS
'Support function of risk.logit_fit_table: the Newton step from a risk.logit_step state';
CREATE FUNCTION risk._logit_model(state float8[], beta float8[], intercept boolean, l2 float8,
                                  iterations int, converged boolean)
    RETURNS risk.logit_model AS 'MODULE_PATHNAME', 'risk_logit_model_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._logit_model(float8[], float8[], boolean, float8, int, boolean) IS
'Support function of risk.logit_fit_table: the model (standard errors, z, p-values) at the final coefficients';
