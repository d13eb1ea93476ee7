-- Market risk: VaR and ES aggregates over returns or P&L (profit positive).
-- VaR and ES come back as positive loss amounts; p is a confidence level.

CREATE TYPE risk.moments_result AS (
    n        bigint,
    mean     float8,
    sd       float8,
    skewness float8,
    kurtosis float8,
    min      float8,
    max      float8
);
COMMENT ON TYPE risk.moments_result IS
'Result of risk.moments: count, mean, sample standard deviation (n-1), moment skewness and excess kurtosis (1/n), min and max';

-- Value buffers: the plain state of the aggregates that need their group's
-- values (exact quantiles, GPD fit, Hill), parallel through these.

CREATE FUNCTION risk_internal._buffer_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_buffer_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._buffer_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_buffer_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._buffer_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_buffer_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._buffer_combine(internal, internal) IS 'Support function of every aggregate whose state is the value buffer (see pg_aggregate.aggcombinefn): combine partial states';
COMMENT ON FUNCTION risk_internal._buffer_serialize(internal) IS 'Support function of the value-buffer aggregates: serialize a partial state';
COMMENT ON FUNCTION risk_internal._buffer_deserialize(bytea, internal) IS 'Support function of the value-buffer aggregates: deserialize a partial state';

-- Historical: the plain state buffers the returns, the moving state is a
-- sorted array or an order-statistic tree.

CREATE FUNCTION risk_internal._hist_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_hist_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_historical_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_historical_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_historical_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_historical_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._hist_madd(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_hist_madd' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._hist_mremove(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_hist_mremove' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_historical_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_historical_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_historical_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_historical_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION risk_internal._hist_accum(internal, float8, float8) IS 'Support function of risk.var_historical and risk.es_historical: transition';
COMMENT ON FUNCTION risk_internal._var_historical_final(internal) IS 'Support function of risk.var_historical: final';
COMMENT ON FUNCTION risk_internal._es_historical_final(internal) IS 'Support function of risk.es_historical: final';
COMMENT ON FUNCTION risk_internal._hist_madd(internal, float8, float8) IS 'Support function of risk.var_historical and risk.es_historical: moving transition';
COMMENT ON FUNCTION risk_internal._hist_mremove(internal, float8, float8) IS 'Support function of risk.var_historical and risk.es_historical: moving inverse transition';
COMMENT ON FUNCTION risk_internal._var_historical_mfinal(internal) IS 'Support function of risk.var_historical: moving final';
COMMENT ON FUNCTION risk_internal._es_historical_mfinal(internal) IS 'Support function of risk.es_historical: moving final';

CREATE AGGREGATE risk.var_historical(r float8, p float8) (
    SFUNC = risk_internal._hist_accum, STYPE = internal,
    FINALFUNC = risk_internal._var_historical_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    MSFUNC = risk_internal._hist_madd, MINVFUNC = risk_internal._hist_mremove, MSTYPE = internal,
    MFINALFUNC = risk_internal._var_historical_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_historical(float8, float8) IS
'Historical VaR at confidence p of returns or P&L r (profit positive), as a positive loss: minus the type-7 quantile at 1 - p (PerformanceAnalytics VaR, method "historical"); NULL r skipped';

CREATE AGGREGATE risk.es_historical(r float8, p float8) (
    SFUNC = risk_internal._hist_accum, STYPE = internal,
    FINALFUNC = risk_internal._es_historical_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    MSFUNC = risk_internal._hist_madd, MINVFUNC = risk_internal._hist_mremove, MSTYPE = internal,
    MFINALFUNC = risk_internal._es_historical_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_historical(float8, float8) IS
'Historical ES at confidence p of returns or P&L r (profit positive), as a positive loss: minus the mean of the returns strictly below the type-7 quantile at 1 - p, or the VaR when none is (PerformanceAnalytics ES, method "historical")';

-- Moment-based measures: plain state float8[8] = {n, mean, M2, M3, M4, min,
-- max, p}; moving state: double-double power sums.

CREATE FUNCTION risk_internal._moments_accum(float8[], float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_moments_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._moments_accum(float8[], float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_moments_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._moments_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_moments_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._moments_madd(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_moments_madd' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._moments_madd(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_moments_madd' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._moments_mremove(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_moments_mremove' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._moments_mremove(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_moments_mremove' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._moments_final(float8[]) RETURNS risk.moments_result
    AS 'MODULE_PATHNAME', 'risk_moments_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._moments_mfinal(internal) RETURNS risk.moments_result
    AS 'MODULE_PATHNAME', 'risk_moments_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_gaussian_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_gaussian_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_gaussian_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_gaussian_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_modified_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_modified_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_modified_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_modified_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_gaussian_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_gaussian_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_gaussian_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_gaussian_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_modified_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_modified_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_modified_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_modified_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION risk_internal._moments_accum(float8[], float8) IS 'Support function of risk.moments: transition';
COMMENT ON FUNCTION risk_internal._moments_accum(float8[], float8, float8) IS 'Support function of the Gaussian and modified VaR/ES aggregates: transition';
COMMENT ON FUNCTION risk_internal._moments_combine(float8[], float8[]) IS 'Support function of the moment-based aggregates: combine partial states (Pebay)';
COMMENT ON FUNCTION risk_internal._moments_madd(internal, float8) IS 'Support function of risk.moments: moving transition';
COMMENT ON FUNCTION risk_internal._moments_madd(internal, float8, float8) IS 'Support function of the Gaussian and modified VaR/ES aggregates: moving transition';
COMMENT ON FUNCTION risk_internal._moments_mremove(internal, float8) IS 'Support function of risk.moments: moving inverse transition';
COMMENT ON FUNCTION risk_internal._moments_mremove(internal, float8, float8) IS 'Support function of the Gaussian and modified VaR/ES aggregates: moving inverse transition';
COMMENT ON FUNCTION risk_internal._moments_final(float8[]) IS 'Support function of risk.moments: final';
COMMENT ON FUNCTION risk_internal._moments_mfinal(internal) IS 'Support function of risk.moments: moving final';
COMMENT ON FUNCTION risk_internal._var_gaussian_final(float8[]) IS 'Support function of risk.var_gaussian: final';
COMMENT ON FUNCTION risk_internal._es_gaussian_final(float8[]) IS 'Support function of risk.es_gaussian: final';
COMMENT ON FUNCTION risk_internal._var_modified_final(float8[]) IS 'Support function of risk.var_modified: final';
COMMENT ON FUNCTION risk_internal._es_modified_final(float8[]) IS 'Support function of risk.es_modified: final';
COMMENT ON FUNCTION risk_internal._var_gaussian_mfinal(internal) IS 'Support function of risk.var_gaussian: moving final';
COMMENT ON FUNCTION risk_internal._es_gaussian_mfinal(internal) IS 'Support function of risk.es_gaussian: moving final';
COMMENT ON FUNCTION risk_internal._var_modified_mfinal(internal) IS 'Support function of risk.var_modified: moving final';
COMMENT ON FUNCTION risk_internal._es_modified_mfinal(internal) IS 'Support function of risk.es_modified: moving final';

CREATE AGGREGATE risk.moments(r float8) (
    SFUNC = risk_internal._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk_internal._moments_final, COMBINEFUNC = risk_internal._moments_combine,
    MSFUNC = risk_internal._moments_madd, MINVFUNC = risk_internal._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk_internal._moments_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.moments(float8) IS
'Moments of returns r: n, mean, sample sd (n-1), skewness and excess kurtosis (moment estimators, 1/n), min, max; sd needs 2 rows, skewness and kurtosis a non-zero variance';

CREATE AGGREGATE risk.var_gaussian(r float8, p float8) (
    SFUNC = risk_internal._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk_internal._var_gaussian_final, COMBINEFUNC = risk_internal._moments_combine,
    MSFUNC = risk_internal._moments_madd, MINVFUNC = risk_internal._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk_internal._var_gaussian_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_gaussian(float8, float8) IS
'Gaussian VaR at confidence p of returns r (profit positive), as a positive loss: -mean - qnorm(1-p)*sigma with sigma from 1/n moments; NULL below 2 rows';

CREATE AGGREGATE risk.es_gaussian(r float8, p float8) (
    SFUNC = risk_internal._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk_internal._es_gaussian_final, COMBINEFUNC = risk_internal._moments_combine,
    MSFUNC = risk_internal._moments_madd, MINVFUNC = risk_internal._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk_internal._es_gaussian_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_gaussian(float8, float8) IS
'Gaussian ES at confidence p of returns r (profit positive), as a positive loss: -mean + sigma*dnorm(qnorm(1-p))/(1-p), sigma from 1/n moments; NULL below 2 rows';

CREATE AGGREGATE risk.var_modified(r float8, p float8) (
    SFUNC = risk_internal._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk_internal._var_modified_final, COMBINEFUNC = risk_internal._moments_combine,
    MSFUNC = risk_internal._moments_madd, MINVFUNC = risk_internal._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk_internal._var_modified_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_modified(float8, float8) IS
'Cornish-Fisher (modified) VaR at confidence p of returns r (profit positive), as a positive loss (PerformanceAnalytics, 1/n moments); NULL below 3 rows or with zero variance';

CREATE AGGREGATE risk.es_modified(r float8, p float8) (
    SFUNC = risk_internal._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk_internal._es_modified_final, COMBINEFUNC = risk_internal._moments_combine,
    MSFUNC = risk_internal._moments_madd, MINVFUNC = risk_internal._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk_internal._es_modified_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_modified(float8, float8) IS
'Cornish-Fisher (modified) ES at confidence p of returns r (profit positive), as a positive loss, floored at the modified VaR (PerformanceAnalytics operational ES); NULL below 3 rows or with zero variance';

-- EWMA: state float8[5] = {n, s, w, lambda, p}, rows in ORDER BY order.

CREATE FUNCTION risk_internal._ewma_accum(float8[], float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ewma_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._ewma_accum(float8[], float8, float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ewma_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._ewma_remove(float8[], float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ewma_remove' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._ewma_remove(float8[], float8, float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ewma_remove' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_ewma_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_ewma_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_ewma_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_ewma_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION risk_internal._ewma_accum(float8[], float8, float8) IS 'Support function of risk.var_ewma and risk.es_ewma (lambda 0.94): transition';
COMMENT ON FUNCTION risk_internal._ewma_accum(float8[], float8, float8, float8) IS 'Support function of risk.var_ewma and risk.es_ewma: transition';
COMMENT ON FUNCTION risk_internal._ewma_remove(float8[], float8, float8) IS 'Support function of risk.var_ewma and risk.es_ewma (lambda 0.94): moving inverse transition';
COMMENT ON FUNCTION risk_internal._ewma_remove(float8[], float8, float8, float8) IS 'Support function of risk.var_ewma and risk.es_ewma: moving inverse transition';
COMMENT ON FUNCTION risk_internal._var_ewma_final(float8[]) IS 'Support function of risk.var_ewma: final';
COMMENT ON FUNCTION risk_internal._es_ewma_final(float8[]) IS 'Support function of risk.es_ewma: final';

CREATE AGGREGATE risk.var_ewma(r float8, p float8) (
    SFUNC = risk_internal._ewma_accum, STYPE = float8[], INITCOND = '{0,0,0,NaN,NaN}',
    FINALFUNC = risk_internal._var_ewma_final,
    MSFUNC = risk_internal._ewma_accum, MINVFUNC = risk_internal._ewma_remove, MSTYPE = float8[],
    MINITCOND = '{0,0,0,NaN,NaN}', MFINALFUNC = risk_internal._var_ewma_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_ewma(float8, float8) IS
'RiskMetrics EWMA VaR at confidence p with lambda 0.94 of returns r (profit positive), as a positive loss: -qnorm(1-p)*sigma, sigma^2 the normalized exponentially weighted mean of r^2 in ORDER BY order (newest weight 1); zero mean';

CREATE AGGREGATE risk.var_ewma(r float8, p float8, lambda float8) (
    SFUNC = risk_internal._ewma_accum, STYPE = float8[], INITCOND = '{0,0,0,NaN,NaN}',
    FINALFUNC = risk_internal._var_ewma_final,
    MSFUNC = risk_internal._ewma_accum, MINVFUNC = risk_internal._ewma_remove, MSTYPE = float8[],
    MINITCOND = '{0,0,0,NaN,NaN}', MFINALFUNC = risk_internal._var_ewma_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_ewma(float8, float8, float8) IS
'RiskMetrics EWMA VaR at confidence p with decay lambda of returns r (profit positive), as a positive loss: -qnorm(1-p)*sigma, sigma^2 the normalized exponentially weighted mean of r^2 in ORDER BY order (newest weight 1); zero mean';

CREATE AGGREGATE risk.es_ewma(r float8, p float8) (
    SFUNC = risk_internal._ewma_accum, STYPE = float8[], INITCOND = '{0,0,0,NaN,NaN}',
    FINALFUNC = risk_internal._es_ewma_final,
    MSFUNC = risk_internal._ewma_accum, MINVFUNC = risk_internal._ewma_remove, MSTYPE = float8[],
    MINITCOND = '{0,0,0,NaN,NaN}', MFINALFUNC = risk_internal._es_ewma_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_ewma(float8, float8) IS
'Gaussian ES at confidence p on the RiskMetrics EWMA sigma (lambda 0.94) of returns r (profit positive), as a positive loss: sigma*dnorm(qnorm(1-p))/(1-p); zero mean';

CREATE AGGREGATE risk.es_ewma(r float8, p float8, lambda float8) (
    SFUNC = risk_internal._ewma_accum, STYPE = float8[], INITCOND = '{0,0,0,NaN,NaN}',
    FINALFUNC = risk_internal._es_ewma_final,
    MSFUNC = risk_internal._ewma_accum, MINVFUNC = risk_internal._ewma_remove, MSTYPE = float8[],
    MINITCOND = '{0,0,0,NaN,NaN}', MFINALFUNC = risk_internal._es_ewma_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_ewma(float8, float8, float8) IS
'Gaussian ES at confidence p on the RiskMetrics EWMA sigma with decay lambda of returns r (profit positive), as a positive loss: sigma*dnorm(qnorm(1-p))/(1-p); zero mean';
