-- risk extension install script.  Built by the Makefile from src/sql/*.sql;
-- edit those pieces, not the generated risk--X.Y.Z.sql.

\echo Use "CREATE EXTENSION risk" to load this file. \quit

COMMENT ON SCHEMA risk IS 'Risk analytics: market, tail and operational risk, credit scoring and grading, early warning';

-- every role may see the schema; what it may call or read is granted by
-- level (risk.grant_reader, grant_analyst, grant_admin: 95_security.sql)
GRANT USAGE ON SCHEMA risk TO PUBLIC;

-- The support functions (transition, combine, serialize and final functions
-- of the aggregates, the background workers' bookkeeping, the checks) live
-- in a schema of their own, so that \df risk.* lists what users call.  Every
-- role may see it, as it may see risk; EXECUTE is granted function by
-- function (99_privileges.sql).
CREATE SCHEMA risk_internal;
COMMENT ON SCHEMA risk_internal IS 'Support functions of the risk extension: not called directly';
GRANT USAGE ON SCHEMA risk_internal TO PUBLIC;
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
-- Backtests of VaR: Kupiec, Christoffersen, Basel traffic light.

CREATE TYPE risk.kupiec_result AS (lr float8, p_value float8);
COMMENT ON TYPE risk.kupiec_result IS 'Result of risk.kupiec_pof: likelihood ratio and its chi-squared (1 df) p-value';

CREATE TYPE risk.christoffersen_result AS (
    n           bigint,
    exceptions  bigint,
    n00         bigint,
    n01         bigint,
    n10         bigint,
    n11         bigint,
    lr_ind      float8,
    p_value_ind float8,
    lr_uc       float8,
    p_value_uc  float8,
    lr_cc       float8,
    p_value_cc  float8
);
COMMENT ON TYPE risk.christoffersen_result IS
'Result of risk.christoffersen: observations, exceptions, transition counts nij (i yesterday, j today), independence LR and p-value (1 df), unconditional (Kupiec) and conditional coverage LR and p-values (1 and 2 df; NULL without a confidence level)';

CREATE TYPE risk.traffic_light_result AS (
    zone                   text,
    cumulative_probability float8,
    plus_factor            float8
);
COMMENT ON TYPE risk.traffic_light_result IS
'Result of risk.traffic_light: green/yellow/red zone, binomial probability of at most that many exceptions, Basel (1996) plus factor (NULL outside 250 days at 99%)';

CREATE FUNCTION risk.kupiec_pof(n bigint, exceptions bigint, p float8)
    RETURNS risk.kupiec_result
    AS 'MODULE_PATHNAME', 'risk_kupiec_pof' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.kupiec_pof(bigint, bigint, float8) IS
'Kupiec (1995) proportion-of-failures test of a VaR at confidence p: likelihood ratio of exceptions out of n observations and its chi-squared (1 df) p-value';

CREATE FUNCTION risk.traffic_light(exceptions bigint, n bigint DEFAULT 250, p float8 DEFAULT 0.99)
    RETURNS risk.traffic_light_result
    AS 'MODULE_PATHNAME', 'risk_traffic_light' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.traffic_light(bigint, bigint, float8) IS
'Basel traffic light for a VaR backtest: zone by the exact binomial (green below 95%, yellow below 99.99%, red beyond), cumulative probability, and the Basel 1996 plus factor';

CREATE FUNCTION risk.var_exception(pnl float8, var float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pnl < -var;
COMMENT ON FUNCTION risk.var_exception(float8, float8) IS
'True when the loss on a day exceeds the VaR set for it: pnl < -var (both as this extension reports them: pnl profit positive, var a positive loss)';

CREATE FUNCTION risk_internal._christoffersen_accum(internal, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_christoffersen_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._christoffersen_accum(internal, boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_christoffersen_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._christoffersen_final(internal) RETURNS risk.christoffersen_result
    AS 'MODULE_PATHNAME', 'risk_christoffersen_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._christoffersen_accum(internal, boolean) IS 'Support function of risk.christoffersen: transition';
COMMENT ON FUNCTION risk_internal._christoffersen_accum(internal, boolean, float8) IS 'Support function of risk.christoffersen: transition';
COMMENT ON FUNCTION risk_internal._christoffersen_final(internal) IS 'Support function of risk.christoffersen: final';

CREATE AGGREGATE risk.christoffersen(exception boolean) (
    SFUNC = risk_internal._christoffersen_accum, STYPE = internal,
    FINALFUNC = risk_internal._christoffersen_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.christoffersen(boolean) IS
'Christoffersen (1998) independence test of VaR exceptions taken in ORDER BY order: transition counts, LR and p-value; NULL rows skipped';

CREATE AGGREGATE risk.christoffersen(exception boolean, p float8) (
    SFUNC = risk_internal._christoffersen_accum, STYPE = internal,
    FINALFUNC = risk_internal._christoffersen_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.christoffersen(boolean, float8) IS
'Christoffersen (1998) independence and conditional coverage tests of VaR exceptions at confidence p, taken in ORDER BY order: transition counts, LRs and p-values';
-- Tail risk: extreme value theory.  Inputs are loss amounts, positive = loss.

CREATE TYPE risk.gpd_model AS (
    xi        float8,
    beta      float8,
    threshold float8,
    n         bigint,
    n_exceed  bigint,
    se_xi     float8,
    se_beta   float8,
    loglik    float8,
    method    text,
    converged boolean
);
COMMENT ON TYPE risk.gpd_model IS
'A GPD fitted to the excesses of losses over a threshold (risk.gpd_fit): shape xi, scale beta, threshold, number of losses n and of exceedances, standard errors (ML only, from the observed information), log-likelihood, method, converged';

CREATE TYPE risk.hill_estimate AS (
    xi        float8,
    alpha     float8,
    se_xi     float8,
    k         int,
    threshold float8
);
COMMENT ON TYPE risk.hill_estimate IS
'Result of risk.hill: Hill''s estimate of xi from the k largest losses, the tail index alpha = 1/xi, the asymptotic standard error xi/sqrt(k), k, and the (k+1)-th largest loss';

CREATE TYPE risk.mean_excess_point AS (
    threshold   float8,
    n_exceed    bigint,
    mean_excess float8
);
COMMENT ON TYPE risk.mean_excess_point IS
'One point of the empirical mean-excess function: a threshold, the number of losses above it and their mean excess over it (NULL when none)';

-- distribution functions

CREATE FUNCTION risk.gpd_cdf(x float8, xi float8, beta float8, threshold float8 DEFAULT 0)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_gpd_cdf_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gpd_cdf(float8, float8, float8, float8) IS
'GPD distribution function at loss x: 1 - (1 + xi (x - threshold)/beta)^(-1/xi), exponential for xi = 0';
CREATE FUNCTION risk.gpd_pdf(x float8, xi float8, beta float8, threshold float8 DEFAULT 0)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_gpd_pdf_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gpd_pdf(float8, float8, float8, float8) IS
'GPD density at loss x: (1/beta) (1 + xi (x - threshold)/beta)^(-1/xi - 1)';
CREATE FUNCTION risk.gpd_quantile(p float8, xi float8, beta float8, threshold float8 DEFAULT 0)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_gpd_quantile_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gpd_quantile(float8, float8, float8, float8) IS
'GPD quantile at probability p: threshold + beta/xi ((1-p)^(-xi) - 1), threshold - beta log(1-p) for xi = 0';
CREATE FUNCTION risk.gev_cdf(x float8, xi float8, mu float8, sigma float8)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_gev_cdf_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gev_cdf(float8, float8, float8, float8) IS
'GEV distribution function: exp(-(1 + xi (x-mu)/sigma)^(-1/xi)), Gumbel for xi = 0';
CREATE FUNCTION risk.gev_pdf(x float8, xi float8, mu float8, sigma float8)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_gev_pdf_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gev_pdf(float8, float8, float8, float8) IS
'GEV density: (1/sigma) t^(-1/xi - 1) exp(-t^(-1/xi)), t = 1 + xi (x-mu)/sigma';
CREATE FUNCTION risk.gev_quantile(p float8, xi float8, mu float8, sigma float8)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_gev_quantile_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gev_quantile(float8, float8, float8, float8) IS
'GEV quantile at probability p: mu + sigma/xi ((-log p)^(-xi) - 1), mu - sigma log(-log p) for xi = 0';
CREATE FUNCTION risk.gev_return_level(period float8, xi float8, mu float8, sigma float8)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_gev_return_level_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gev_return_level(float8, float8, float8, float8) IS
'Return level of a GEV fitted to block maxima: the level exceeded on average once in period blocks, the quantile at 1 - 1/period (period > 1)';

-- gpd_fit: a value buffer of the excesses

CREATE FUNCTION risk_internal._gpd_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._gpd_accum(internal, float8, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._gpd_fit_final(internal) RETURNS risk.gpd_model
    AS 'MODULE_PATHNAME', 'risk_gpd_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._gpd_accum(internal, float8, float8) IS 'Support function of risk.gpd_fit: transition';
COMMENT ON FUNCTION risk_internal._gpd_accum(internal, float8, float8, text) IS 'Support function of risk.gpd_fit: transition';
COMMENT ON FUNCTION risk_internal._gpd_fit_final(internal) IS 'Support function of risk.gpd_fit: final (the fit)';

CREATE AGGREGATE risk.gpd_fit(loss float8, threshold float8) (
    SFUNC = risk_internal._gpd_accum, STYPE = internal, FINALFUNC = risk_internal._gpd_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit(float8, float8) IS
'Maximum-likelihood GPD fit to the excesses of losses (positive = loss) over a threshold, the same on every row; needs at least 3 exceedances';
CREATE AGGREGATE risk.gpd_fit(loss float8, threshold float8, method text) (
    SFUNC = risk_internal._gpd_accum, STYPE = internal, FINALFUNC = risk_internal._gpd_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit(float8, float8, text) IS
'GPD fit to the excesses of losses (positive = loss) over a threshold by method ''mle'' (maximum likelihood) or ''pwm'' (probability-weighted moments, Hosking & Wallis)';

CREATE FUNCTION risk.gpd_var(model risk.gpd_model, p float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_gpd_var_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gpd_var(risk.gpd_model, float8) IS
'POT VaR of losses at confidence p from a fitted GPD tail: u + beta/xi (((n/n_exceed)(1-p))^(-xi) - 1) (McNeil & Frey; evir riskmeasures), a positive loss';
CREATE FUNCTION risk.gpd_es(model risk.gpd_model, p float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_gpd_es_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.gpd_es(risk.gpd_model, float8) IS
'POT expected shortfall of losses at confidence p from a fitted GPD tail: VaR/(1-xi) + (beta - xi u)/(1-xi), a positive loss; ERROR for xi >= 1';

-- gev_fit: a value buffer of the block maxima

CREATE TYPE risk.gev_model AS (
    xi        float8,
    mu        float8,
    sigma     float8,
    se_xi     float8,
    se_mu     float8,
    se_sigma  float8,
    loglik    float8,
    n         bigint,
    converged boolean
);
COMMENT ON TYPE risk.gev_model IS
'A GEV fitted to block maxima by maximum likelihood (risk.gev_fit): shape xi, location mu, scale sigma, standard errors from the observed information, log-likelihood, number of maxima, converged';

CREATE FUNCTION risk_internal._gev_accum(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gev_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._gev_fit_final(internal) RETURNS risk.gev_model
    AS 'MODULE_PATHNAME', 'risk_gev_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._gev_accum(internal, float8) IS 'Support function of risk.gev_fit: transition';
COMMENT ON FUNCTION risk_internal._gev_fit_final(internal) IS 'Support function of risk.gev_fit: final (the fit)';

CREATE AGGREGATE risk.gev_fit(block_max float8) (
    SFUNC = risk_internal._gev_accum, STYPE = internal, FINALFUNC = risk_internal._gev_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gev_fit(float8) IS
'Maximum-likelihood GEV fit to block maxima of losses (e.g. the largest loss of each year), at least 5; the result feeds risk.gev_quantile and risk.gev_return_level';

-- hill: a value buffer of the losses

CREATE FUNCTION risk_internal._hill_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_hill_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._hill_final(internal) RETURNS risk.hill_estimate
    AS 'MODULE_PATHNAME', 'risk_hill_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._hill_accum(internal, float8, int) IS 'Support function of risk.hill: transition';
COMMENT ON FUNCTION risk_internal._hill_final(internal) IS 'Support function of risk.hill: final';

CREATE AGGREGATE risk.hill(loss float8, k int) (
    SFUNC = risk_internal._hill_accum, STYPE = internal, FINALFUNC = risk_internal._hill_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hill(float8, int) IS
'Hill''s estimator of the tail shape xi of losses (positive = loss) from the k largest: mean(log X(i), i <= k) - log X(k+1)';

-- mean_excess: float8[] {m, thresholds, counts, sums, compensations}

CREATE FUNCTION risk_internal._mean_excess_accum(float8[], float8, float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_mean_excess_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mean_excess_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_mean_excess_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mean_excess_final(float8[]) RETURNS risk.mean_excess_point[]
    AS 'MODULE_PATHNAME', 'risk_mean_excess_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._mean_excess_accum(float8[], float8, float8[]) IS 'Support function of risk.mean_excess: transition';
COMMENT ON FUNCTION risk_internal._mean_excess_combine(float8[], float8[]) IS 'Support function of risk.mean_excess: combine partial states';
COMMENT ON FUNCTION risk_internal._mean_excess_final(float8[]) IS 'Support function of risk.mean_excess: final';

CREATE AGGREGATE risk.mean_excess(loss float8, thresholds float8[]) (
    SFUNC = risk_internal._mean_excess_accum, STYPE = float8[], INITCOND = '{}',
    FINALFUNC = risk_internal._mean_excess_final, COMBINEFUNC = risk_internal._mean_excess_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mean_excess(float8, float8[]) IS
'Empirical mean-excess function of losses (positive = loss) at each of the given thresholds, the data of the threshold-choice plot: an array of (threshold, n_exceed, mean_excess)';

-- A GPD fit whose threshold is a quantile of the group's own losses.

CREATE FUNCTION risk_internal._gpd_q_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_q_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._gpd_q_accum(internal, float8, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_q_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._gpd_q_final(internal) RETURNS risk.gpd_model
    AS 'MODULE_PATHNAME', 'risk_gpd_q_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._gpd_q_accum(internal, float8, float8) IS 'Support function of risk.gpd_fit_quantile: transition';
COMMENT ON FUNCTION risk_internal._gpd_q_accum(internal, float8, float8, text) IS 'Support function of risk.gpd_fit_quantile: transition';
COMMENT ON FUNCTION risk_internal._gpd_q_final(internal) IS 'Support function of risk.gpd_fit_quantile: final (the threshold, then the fit)';

CREATE AGGREGATE risk.gpd_fit_quantile(loss float8, q float8) (
    SFUNC = risk_internal._gpd_q_accum, STYPE = internal, FINALFUNC = risk_internal._gpd_q_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit_quantile(float8, float8) IS
'Maximum-likelihood GPD fit to the excesses of losses (positive = loss) over the type-7 quantile at q of the group''s own losses (percentile_cont(q)), in one pass; the model''s threshold is that quantile';
CREATE AGGREGATE risk.gpd_fit_quantile(loss float8, q float8, method text) (
    SFUNC = risk_internal._gpd_q_accum, STYPE = internal, FINALFUNC = risk_internal._gpd_q_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit_quantile(float8, float8, text) IS
'GPD fit by method ''mle'' or ''pwm'' to the excesses of losses over the type-7 quantile at q of the group''s own losses, in one pass';
-- Conditional volatility: GARCH(1,1) and the filtered VaR/ES built on it.
-- Returns are profit positive; VaR and ES come back as positive losses.
-- Every aggregate here takes rows in its ORDER BY (or the window's) order.

CREATE TYPE risk.garch_model AS (
    mu             float8,
    omega          float8,
    alpha          float8,
    beta           float8,
    nu             float8,
    se_mu          float8,
    se_omega       float8,
    se_alpha       float8,
    se_beta        float8,
    se_nu          float8,
    loglik         float8,
    sigma_forecast float8,
    n              bigint,
    dist           text,
    converged      boolean
);
COMMENT ON TYPE risk.garch_model IS
'A GARCH(1,1) with constant mean fitted by maximum likelihood (risk.garch_fit): mu, omega, alpha, beta, nu (Student t only), standard errors from the observed information, log-likelihood, the next-period conditional sd, n, innovation distribution, converged';

CREATE FUNCTION risk_internal._garch_accum(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._garch_accum(internal, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._garch_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._garch_fit_final(internal) RETURNS risk.garch_model
    AS 'MODULE_PATHNAME', 'risk_garch_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._garch_accum(internal, float8) IS 'Support function of risk.garch_fit: transition';
COMMENT ON FUNCTION risk_internal._garch_accum(internal, float8, text) IS 'Support function of risk.garch_fit: transition';
COMMENT ON FUNCTION risk_internal._garch_accum(internal, float8, float8) IS 'Support function of the GARCH-conditional VaR/ES aggregates: transition';
COMMENT ON FUNCTION risk_internal._garch_fit_final(internal) IS 'Support function of risk.garch_fit: final (the fit)';

CREATE AGGREGATE risk.garch_fit(r float8) (
    SFUNC = risk_internal._garch_accum, STYPE = internal, FINALFUNC = risk_internal._garch_fit_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.garch_fit(float8) IS
'GARCH(1,1) with constant mean and normal innovations, by maximum likelihood, of returns r (profit positive) taken in ORDER BY order; NULL below 10 rows';
CREATE AGGREGATE risk.garch_fit(r float8, dist text) (
    SFUNC = risk_internal._garch_accum, STYPE = internal, FINALFUNC = risk_internal._garch_fit_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.garch_fit(float8, text) IS
'GARCH(1,1) with constant mean by maximum likelihood, innovations ''norm'' or ''std'' (Student t with unit variance), of returns r (profit positive) taken in ORDER BY order; NULL below 10 rows';

CREATE FUNCTION risk_internal._var_garch_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_garch_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_garch_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_garch_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_fhs_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_fhs_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_fhs_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_fhs_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._var_evt_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_evt_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._es_evt_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_evt_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._var_garch_final(internal) IS 'Support function of risk.var_garch: final';
COMMENT ON FUNCTION risk_internal._es_garch_final(internal) IS 'Support function of risk.es_garch: final';
COMMENT ON FUNCTION risk_internal._var_fhs_final(internal) IS 'Support function of risk.var_fhs: final';
COMMENT ON FUNCTION risk_internal._es_fhs_final(internal) IS 'Support function of risk.es_fhs: final';
COMMENT ON FUNCTION risk_internal._var_evt_final(internal) IS 'Support function of risk.var_evt_conditional: final';
COMMENT ON FUNCTION risk_internal._es_evt_final(internal) IS 'Support function of risk.es_evt_conditional: final';

CREATE AGGREGATE risk.var_garch(r float8, p float8) (
    SFUNC = risk_internal._garch_accum, STYPE = internal, FINALFUNC = risk_internal._var_garch_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.var_garch(float8, float8) IS
'Next-period VaR at confidence p from a normal GARCH(1,1) fitted to returns r (profit positive) in ORDER BY order, as a positive loss: -(mu + sigma_forecast qnorm(1-p)); NULL below 10 rows';
CREATE AGGREGATE risk.es_garch(r float8, p float8) (
    SFUNC = risk_internal._garch_accum, STYPE = internal, FINALFUNC = risk_internal._es_garch_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.es_garch(float8, float8) IS
'Next-period ES at confidence p from a normal GARCH(1,1) fitted to returns r (profit positive) in ORDER BY order, as a positive loss; NULL below 10 rows';
CREATE AGGREGATE risk.var_fhs(r float8, p float8) (
    SFUNC = risk_internal._garch_accum, STYPE = internal, FINALFUNC = risk_internal._var_fhs_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.var_fhs(float8, float8) IS
'Filtered historical simulation VaR at confidence p of returns r (profit positive) in ORDER BY order: the empirical quantile of GARCH-standardized residuals scaled by the forecast sd, as a positive loss; NULL below 10 rows';
CREATE AGGREGATE risk.es_fhs(r float8, p float8) (
    SFUNC = risk_internal._garch_accum, STYPE = internal, FINALFUNC = risk_internal._es_fhs_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.es_fhs(float8, float8) IS
'Filtered historical simulation ES at confidence p of returns r (profit positive) in ORDER BY order, as a positive loss; NULL below 10 rows';
CREATE AGGREGATE risk.var_evt_conditional(r float8, p float8) (
    SFUNC = risk_internal._garch_accum, STYPE = internal, FINALFUNC = risk_internal._var_evt_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.var_evt_conditional(float8, float8) IS
'McNeil & Frey conditional VaR at confidence p of returns r (profit positive) in ORDER BY order: GARCH filter, GPD on the largest 10% of residual losses, scaled by the forecast sd, as a positive loss; NULL below 30 rows';
CREATE AGGREGATE risk.es_evt_conditional(r float8, p float8) (
    SFUNC = risk_internal._garch_accum, STYPE = internal, FINALFUNC = risk_internal._es_evt_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.es_evt_conditional(float8, float8) IS
'McNeil & Frey conditional ES at confidence p of returns r (profit positive) in ORDER BY order, as a positive loss; NULL below 30 rows';

-- 0.2.2: the GARCH transition functions need no call expression.
--
-- In 0.2.1 one C function served both forms and told a confidence level
-- (var_garch(r, 0.99)) from a distribution (garch_fit(r, 'std')) by the
-- argument type of the call expression, which a caller through fmgr
-- without an expression does not pass.  Each SQL signature now has its own
-- C entry point; the old one stays in the library for a catalog not yet
-- updated.
CREATE OR REPLACE FUNCTION risk_internal._garch_accum(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_dist' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION risk_internal._garch_accum(internal, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_dist' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION risk_internal._garch_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_level' LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- Operational risk, loss distribution approach (LDA).  Losses are positive amounts.
-- Families: severity 'lognormal' {meanlog, sdlog}, 'weibull' {shape, scale},
-- 'gamma' {shape, rate}, 'gpd' {xi, beta}; frequency 'poisson' {lambda},
-- 'negbin' {size, mu} (R's parameterizations).

CREATE TYPE risk.severity_model AS (
    family    text,
    param1    float8,
    param2    float8,
    loglik    float8,
    aic       float8,
    n         bigint,
    converged boolean
);
COMMENT ON TYPE risk.severity_model IS
'A severity distribution fitted by maximum likelihood (risk.severity_fit): family, its two parameters (lognormal meanlog/sdlog, weibull shape/scale, gamma shape/rate, gpd xi/beta), log-likelihood, AIC, number of losses, converged';

CREATE TYPE risk.frequency_model AS (
    family    text,
    param1    float8,
    param2    float8,
    loglik    float8,
    aic       float8,
    n         bigint,
    converged boolean
);
COMMENT ON TYPE risk.frequency_model IS
'A loss-count distribution fitted by maximum likelihood (risk.frequency_fit): family, parameters (poisson lambda; negbin size and mu), log-likelihood, AIC, number of periods, converged (negbin: false when the counts are not overdispersed)';

CREATE FUNCTION risk_internal._severity_accum(internal, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_severity_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._severity_fit_final(internal) RETURNS risk.severity_model
    AS 'MODULE_PATHNAME', 'risk_severity_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._frequency_accum(internal, bigint, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_frequency_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._frequency_fit_final(internal) RETURNS risk.frequency_model
    AS 'MODULE_PATHNAME', 'risk_frequency_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._severity_accum(internal, float8, text) IS 'Support function of risk.severity_fit: transition';
COMMENT ON FUNCTION risk_internal._severity_fit_final(internal) IS 'Support function of risk.severity_fit: final (the fit)';
COMMENT ON FUNCTION risk_internal._frequency_accum(internal, bigint, text) IS 'Support function of risk.frequency_fit: transition';
COMMENT ON FUNCTION risk_internal._frequency_fit_final(internal) IS 'Support function of risk.frequency_fit: final (the fit)';

CREATE AGGREGATE risk.severity_fit(loss float8, family text) (
    SFUNC = risk_internal._severity_accum, STYPE = internal, FINALFUNC = risk_internal._severity_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.severity_fit(float8, text) IS
'Maximum-likelihood fit of a severity family (lognormal, weibull, gamma, gpd) to positive losses, with log-likelihood and AIC to choose between families';

CREATE AGGREGATE risk.frequency_fit(n bigint, family text) (
    SFUNC = risk_internal._frequency_accum, STYPE = internal, FINALFUNC = risk_internal._frequency_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.frequency_fit(bigint, text) IS
'Maximum-likelihood fit of a frequency family (poisson, negbin) to loss counts per period, with log-likelihood and AIC';

CREATE FUNCTION risk.lda_simulate(frequency text, frequency_params float8[],
                                  severity text, severity_params float8[],
                                  years int DEFAULT 100000, seed bigint DEFAULT 1,
                                  levels float8[] DEFAULT '{0.99,0.999}')
    RETURNS TABLE (level float8, var float8, es float8, se_var float8, mean float8, years int)
    AS 'MODULE_PATHNAME', 'risk_lda_simulate_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.lda_simulate(text, float8[], text, float8[], int, bigint, float8[]) IS
'Loss distribution approach (LDA, the operational-risk model; not linear discriminant analysis): Monte Carlo compound annual loss (positive = loss) for a frequency and a severity: per level the VaR (type-7 quantile), ES (mean at or above it), the standard error of the VaR from the 95% order-statistic interval, and the mean; reproducible for a seed; 100 to 10,000,000 years';

CREATE FUNCTION risk.lda_simulate_losses(frequency text, frequency_params float8[],
                                         severity text, severity_params float8[],
                                         years int DEFAULT 10000, seed bigint DEFAULT 1)
    RETURNS TABLE (year int, loss float8)
    AS 'MODULE_PATHNAME', 'risk_lda_simulate_losses_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.lda_simulate_losses(text, float8[], text, float8[], int, bigint) IS
'The simulated annual losses of risk.lda_simulate, the loss distribution approach (same seed, same years), one row per year, for plotting the loss distribution';

CREATE FUNCTION risk.sla_var(frequency_mean float8, severity text, severity_params float8[],
                             p float8, mean_correction boolean DEFAULT true)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_sla_var_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.sla_var(float8, text, float8[], float8, boolean) IS
'Single-loss approximation (SLA) of the annual operational-risk VaR of the loss distribution approach at confidence p (Bocker & Kluppelberg): F^-1(1 - (1-p)/lambda), plus (lambda - 1) E[X] with the mean correction (Bocker & Sprittulla) when the severity mean is finite';

CREATE FUNCTION risk.severity_cdf(x float8, family text, params float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_severity_cdf_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.severity_cdf(float8, text, float8[]) IS
'Distribution function of a severity family at loss x: lognormal {meanlog, sdlog}, weibull {shape, scale}, gamma {shape, rate}, gpd {xi, beta} (threshold 0)';
CREATE FUNCTION risk.severity_pdf(x float8, family text, params float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_severity_pdf_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.severity_pdf(float8, text, float8[]) IS
'Density of a severity family at loss x (families and parameters as risk.severity_cdf)';
CREATE FUNCTION risk.severity_quantile(p float8, family text, params float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_severity_quantile_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.severity_quantile(float8, text, float8[]) IS
'Quantile of a severity family at probability p (families and parameters as risk.severity_cdf)';
-- Discrete Bayesian networks (docs/bn.md): a network as a value, built
-- from one row per node or read from JSON, learnt from events, queried
-- exactly (evidence, interventions), turned into scenarios, and read back
-- as rows and as Graphviz DOT.

CREATE TYPE risk.bn;

CREATE FUNCTION risk_internal._bn_in(cstring) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_out(risk.bn) RETURNS cstring
    AS 'MODULE_PATHNAME', 'risk_bn_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_in(cstring) IS 'Input function of type risk.bn: a JSON object {"nodes": [{"name", "states", "parents", "cpt", "counts", "prior"}], "estimator", "ess"}, checked';
COMMENT ON FUNCTION risk_internal._bn_out(risk.bn) IS 'Output function of type risk.bn: the JSON object its input function reads';

CREATE TYPE risk.bn (
    INPUT = risk_internal._bn_in,
    OUTPUT = risk_internal._bn_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE risk.bn IS
'A discrete Bayesian network: nodes with named states, the DAG (each node''s parents), one CPT per node (for each configuration of the parents, the first parent varying slowest, the probabilities of the node''s states), and, once learnt, the counts and the estimator; text form JSON';

-- building from rows

CREATE FUNCTION risk_internal._bn_define_accum(internal, text, text[], text[], float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_define_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_define_final(internal) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_define_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_define_accum(internal, text, text[], text[], float8[]) IS 'Support function of risk.bn_define: transition (keeps the node''s definition)';
COMMENT ON FUNCTION risk_internal._bn_define_final(internal) IS 'Support function of risk.bn_define: final (resolves the parents, checks the network)';

CREATE AGGREGATE risk.bn_define(node text, states text[], parents text[], cpt float8[]) (
    SFUNC = risk_internal._bn_define_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_define_final
);
COMMENT ON AGGREGATE risk.bn_define(text, text[], text[], float8[]) IS
'A Bayesian network from one row per node: its name, its states, its parents (NULL or empty for a root) and its CPT (for each configuration of the parents, the first parent varying slowest, the probabilities of its states; NULL for uniform, to be learnt by risk.bn_fit); checked: acyclic, rows summing to 1, names used once; errors name the node';

-- reading back

CREATE FUNCTION risk.bn_nodes(network risk.bn)
    RETURNS TABLE (node text, states text[], parents text[], parameters bigint)
    AS 'MODULE_PATHNAME', 'risk_bn_nodes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION risk.bn_nodes(risk.bn) IS
'The nodes of a network in its order (the order of an event for risk.bn_fit): states, parents, and the number of free parameters of its CPT';

CREATE FUNCTION risk.bn_edges(network risk.bn) RETURNS TABLE (parent text, child text)
    AS 'MODULE_PATHNAME', 'risk_bn_edges' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION risk.bn_edges(risk.bn) IS 'The edges of a network, parent to child';

CREATE FUNCTION risk.bn_cpt(network risk.bn)
    RETURNS TABLE (node text, parent_states text[], state text, probability float8, count float8)
    AS 'MODULE_PATHNAME', 'risk_bn_cpt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 200;
COMMENT ON FUNCTION risk.bn_cpt(risk.bn) IS
'Every CPT cell of a network: the node, the states of its parents (in the order of its parents), its state, the probability, and the count it was learnt from (NULL when the network was not learnt)';

CREATE FUNCTION risk.bn_dot(network risk.bn, evidence jsonb DEFAULT NULL, marginals boolean DEFAULT true)
    RETURNS text
    AS 'MODULE_PATHNAME', 'risk_bn_dot' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_dot(risk.bn, jsonb, boolean) IS
'The network as Graphviz DOT text: a box per node labelled with its name and, unless marginals is false, the probability of each state given the evidence (observed nodes shaded), an arrow per edge';

-- queries

CREATE FUNCTION risk.bn_query(network risk.bn, target text, evidence jsonb DEFAULT NULL,
                              intervention jsonb DEFAULT NULL)
    RETURNS TABLE (state text, probability float8)
    AS 'MODULE_PATHNAME', 'risk_bn_query' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION risk.bn_query(risk.bn, text, jsonb, jsonb) IS
'P(target = each state | evidence, do(intervention)), exactly (variable elimination): evidence and intervention are JSON objects of node names and states, e.g. ''{"smoke": "yes"}''; an intervention sets nodes by graph surgery (do), not by conditioning';

CREATE FUNCTION risk.bn_probability(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL,
                                    intervention jsonb DEFAULT NULL)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_bn_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_probability(risk.bn, text, text, jsonb, jsonb) IS
'P(target = state | evidence, do(intervention)), exactly; ERROR when the evidence has probability 0';

CREATE FUNCTION risk.bn_joint(network risk.bn, targets text[], evidence jsonb DEFAULT NULL,
                              intervention jsonb DEFAULT NULL)
    RETURNS TABLE (states text[], probability float8)
    AS 'MODULE_PATHNAME', 'risk_bn_joint' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION risk.bn_joint(risk.bn, text[], jsonb, jsonb) IS
'The joint distribution of 1 to 8 targets given the evidence and the intervention: one row per combination of their states (in the order of the targets)';

CREATE FUNCTION risk.bn_map(network risk.bn, target text, evidence jsonb DEFAULT NULL,
                            intervention jsonb DEFAULT NULL)
    RETURNS text
    AS 'MODULE_PATHNAME', 'risk_bn_map' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_map(risk.bn, text, jsonb, jsonb) IS
'The most probable state of the target given the evidence and the intervention (the first of equals)';

CREATE FUNCTION risk.bn_evidence_probability(network risk.bn, evidence jsonb,
                                             intervention jsonb DEFAULT NULL)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_bn_evidence_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_evidence_probability(risk.bn, jsonb, jsonb) IS
'P(evidence | do(intervention)): the probability of the observations (1 for none, 0 for an impossible one)';

-- scenarios and sensitivities

CREATE FUNCTION risk.bn_scale(network risk.bn, node text, state text, factor float8) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_scale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_scale(risk.bn, text, text, float8) IS
'A soft scenario: the network with P(node = state | parents) multiplied by factor in every row of the node''s CPT, the other states sharing the rest in proportion to their probabilities (0.5: "half as likely"); ERROR when a probability would exceed 1';

CREATE FUNCTION risk.bn_set_cpt(network risk.bn, node text, cpt float8[]) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_set_cpt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_set_cpt(risk.bn, text, float8[]) IS
'A scenario: the network with the node''s CPT replaced (for a root, its marginal), checked as a definition is';

CREATE FUNCTION risk.bn_compare(baseline risk.bn, scenario risk.bn, target text, state text,
                                evidence jsonb DEFAULT NULL,
                                OUT baseline_probability float8, OUT scenario_probability float8,
                                OUT change float8)
    AS 'MODULE_PATHNAME', 'risk_bn_compare' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_compare(risk.bn, risk.bn, text, text, jsonb) IS
'P(target = state | evidence) in a baseline network and in a scenario network of the same nodes and states, and the change (scenario minus baseline)';

CREATE FUNCTION risk.bn_drivers(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL,
                                factor float8 DEFAULT 0.5)
    RETURNS TABLE (node text, node_state text, scenario text, probability float8, change float8)
    AS 'MODULE_PATHNAME', 'risk_bn_drivers' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION risk.bn_drivers(risk.bn, text, text, jsonb, float8) IS
'The drivers of P(target = state | evidence): for every other unobserved node and each of its states, the probability under do(node = state) and under the soft scenario that scales the state by factor (0.5 by default: half as likely), and the change from the baseline; order by change to rank them';

CREATE FUNCTION risk.bn_sensitivity(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL)
    RETURNS TABLE (node text, parent_states text[], node_state text, parameter float8, derivative float8)
    AS 'MODULE_PATHNAME', 'risk_bn_sensitivity' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 200;
COMMENT ON FUNCTION risk.bn_sensitivity(risk.bn, text, text, jsonb) IS
'The exact derivative of P(target = state | evidence) with respect to every CPT parameter P(node = node_state | parents = parent_states), the other states of that row moving in proportion; 0 for parameters that cannot matter';

-- learning

CREATE FUNCTION risk.bn_set_prior(network risk.bn, node text, pseudo_counts float8[]) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_set_prior' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_set_prior(risk.bn, text, float8[]) IS
'The network with Dirichlet pseudo-counts for the node''s CPT cells (the layout of its CPT: one value per state for each configuration of the parents), used by risk.bn_fit with estimator ''prior''; other nodes'' pseudo-counts are 0 until set';

CREATE FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[], text, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_bn_fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_final(internal) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[]) IS 'Support function of risk.bn_fit: transition (counts the event in each family it observes)';
COMMENT ON FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[], text, float8) IS 'Support function of risk.bn_fit with an estimator: transition';
COMMENT ON FUNCTION risk_internal._bn_fit_combine(internal, internal) IS 'Support function of risk.bn_fit: combine (adds the counts)';
COMMENT ON FUNCTION risk_internal._bn_fit_serialize(internal) IS 'Support function of risk.bn_fit: serialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_fit_deserialize(bytea, internal) IS 'Support function of risk.bn_fit: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_fit_final(internal) IS 'Support function of risk.bn_fit: final (the network''s counts plus the new ones, estimated)';

CREATE AGGREGATE risk.bn_fit(network risk.bn, event text[]) (
    SFUNC = risk_internal._bn_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_fit_final,
    COMBINEFUNC = risk_internal._bn_fit_combine,
    SERIALFUNC = risk_internal._bn_fit_serialize, DESERIALFUNC = risk_internal._bn_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_fit(risk.bn, text[]) IS
'The network with its CPTs learnt from events by maximum likelihood: an event is one state per node in the network''s order, NULL where not observed; a node''s family counts only the events that observe the node and all its parents; the network''s own counts are added, so a learnt network and new events give the fit on all events';

CREATE AGGREGATE risk.bn_fit(network risk.bn, event text[], estimator text, ess float8) (
    SFUNC = risk_internal._bn_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_fit_final,
    COMBINEFUNC = risk_internal._bn_fit_combine,
    SERIALFUNC = risk_internal._bn_fit_serialize, DESERIALFUNC = risk_internal._bn_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_fit(risk.bn, text[], text, float8) IS
'risk.bn_fit with an estimator: ''ml'', ''bdeu'' (Dirichlet with equivalent sample size ess), ''k2'' (one pseudo-count per cell) or ''prior'' (the network''s pseudo-counts, risk.bn_set_prior); the same for every row';

-- structure

CREATE FUNCTION risk.bn_score(network risk.bn, score text DEFAULT 'bic', ess float8 DEFAULT 1)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_bn_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_score(risk.bn, text, float8) IS
'The score of a learnt network''s structure from its counts (higher is better): ''bic'' (log-likelihood minus ln(N)/2 per free parameter), ''bdeu'' (log marginal likelihood with equivalent sample size ess) or ''k2''; the sum of its nodes'' scores, each from the events that observe the node''s family';

CREATE FUNCTION risk_internal._bn_learn_accum(internal, risk.bn, text[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_learn_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_accum(internal, risk.bn, text[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_learn_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_learn_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_bn_learn_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_learn_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_final(internal) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_learn_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_learn_accum(internal, risk.bn, text[]) IS 'Support function of risk.bn_learn: transition (keeps the event)';
COMMENT ON FUNCTION risk_internal._bn_learn_accum(internal, risk.bn, text[], jsonb) IS 'Support function of risk.bn_learn with options: transition';
COMMENT ON FUNCTION risk_internal._bn_learn_combine(internal, internal) IS 'Support function of risk.bn_learn: combine (joins the events)';
COMMENT ON FUNCTION risk_internal._bn_learn_serialize(internal) IS 'Support function of risk.bn_learn: serialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_learn_deserialize(bytea, internal) IS 'Support function of risk.bn_learn: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_learn_final(internal) IS 'Support function of risk.bn_learn: final (hill climbing, then the CPTs of the structure found)';

CREATE AGGREGATE risk.bn_learn(network risk.bn, event text[]) (
    SFUNC = risk_internal._bn_learn_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_learn_final,
    COMBINEFUNC = risk_internal._bn_learn_combine,
    SERIALFUNC = risk_internal._bn_learn_serialize, DESERIALFUNC = risk_internal._bn_learn_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_learn(risk.bn, text[]) IS
'A network''s structure learnt from events by hill climbing on the BIC score, starting from the network''s edges (its nodes and states name the events'' values; its CPTs are not used), with its CPTs then learnt by maximum likelihood; an event is one state per node in the network''s order, NULL where not observed';

CREATE AGGREGATE risk.bn_learn(network risk.bn, event text[], options jsonb) (
    SFUNC = risk_internal._bn_learn_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_learn_final,
    COMBINEFUNC = risk_internal._bn_learn_combine,
    SERIALFUNC = risk_internal._bn_learn_serialize, DESERIALFUNC = risk_internal._bn_learn_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_learn(risk.bn, text[], jsonb) IS
'risk.bn_learn with options (a JSON object, the same for every row): score (''bic'', ''bdeu'', ''k2''), ess, max_parents, whitelist and blacklist ([[parent, child], ...]), max_iterations, estimator (of the CPTs: ''ml'', ''bdeu'', ''k2'')';
-- Credit validation metrics.  A bad is the default event; scores are
-- oriented so that higher means riskier (pass a PD, or minus a points score).

CREATE FUNCTION risk_internal._score_pairs_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_score_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._pd_pairs_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._pd_pairs_accum(internal, float8, boolean, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._auc_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_auc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._gini_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_gini_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._ks_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_ks_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._score_pairs_accum(internal, float8, boolean) IS 'Support function of risk.auc, risk.gini and risk.ks: transition';
COMMENT ON FUNCTION risk_internal._pd_pairs_accum(internal, float8, boolean) IS 'Support function of risk.hosmer_lemeshow: transition';
COMMENT ON FUNCTION risk_internal._pd_pairs_accum(internal, float8, boolean, int) IS 'Support function of risk.hosmer_lemeshow: transition';
COMMENT ON FUNCTION risk_internal._auc_final(internal) IS 'Support function of risk.auc: final';
COMMENT ON FUNCTION risk_internal._gini_final(internal) IS 'Support function of risk.gini: final';
COMMENT ON FUNCTION risk_internal._ks_final(internal) IS 'Support function of risk.ks: final';

CREATE AGGREGATE risk.auc(score float8, bad boolean) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._auc_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.auc(float8, boolean) IS
'Area under the ROC curve: the probability that a bad scores higher than a good, ties counting one half (the Mann-Whitney statistic; scikit-learn roc_auc_score); NULL when the group has no bad or no good';
CREATE AGGREGATE risk.gini(score float8, bad boolean) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._gini_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gini(float8, boolean) IS
'Gini coefficient (accuracy ratio) of a score: 2 AUC - 1; NULL when the group has no bad or no good';
CREATE AGGREGATE risk.ks(score float8, bad boolean) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._ks_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.ks(float8, boolean) IS
'Kolmogorov-Smirnov distance between the score distributions of bads and goods (the two-sample KS statistic); NULL when the group has no bad or no good';

CREATE FUNCTION risk_internal._brier_accum(float8[], float8, boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._brier_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._brier_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_brier_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._brier_accum(float8[], float8, boolean) IS 'Support function of risk.brier: transition';
COMMENT ON FUNCTION risk_internal._brier_combine(float8[], float8[]) IS 'Support function of risk.brier: combine partial states';
COMMENT ON FUNCTION risk_internal._brier_final(float8[]) IS 'Support function of risk.brier: final';
CREATE AGGREGATE risk.brier(pd float8, bad boolean) (
    SFUNC = risk_internal._brier_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = risk_internal._brier_final, COMBINEFUNC = risk_internal._brier_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.brier(float8, boolean) IS
'Brier score of PDs: the mean of (pd - bad)^2, bad counting 1; a PD outside [0, 1] is an error';

CREATE TYPE risk.hosmer_lemeshow_result AS (statistic float8, df int, p_value float8, n bigint);
COMMENT ON TYPE risk.hosmer_lemeshow_result IS
'Result of risk.hosmer_lemeshow: the statistic, its degrees of freedom (groups - 2), the chi-squared p-value and the number of loans';
CREATE FUNCTION risk_internal._hosmer_lemeshow_final(internal) RETURNS risk.hosmer_lemeshow_result
    AS 'MODULE_PATHNAME', 'risk_hosmer_lemeshow_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._hosmer_lemeshow_final(internal) IS 'Support function of risk.hosmer_lemeshow: final';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad boolean) (
    SFUNC = risk_internal._pd_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._hosmer_lemeshow_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, boolean) IS
'Hosmer-Lemeshow calibration test of PDs in 10 groups of equal size by rank of PD: statistic, df, chi-squared p-value';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad boolean, groups int) (
    SFUNC = risk_internal._pd_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._hosmer_lemeshow_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, boolean, int) IS
'Hosmer-Lemeshow calibration test of PDs in the given number of groups (3 to 1000) of equal size by rank of PD';

CREATE FUNCTION risk.jeffreys_test(n bigint, defaults bigint, pd float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_jeffreys_test_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.jeffreys_test(bigint, bigint, float8) IS
'Jeffreys test of a grade''s PD (ECB IRB validation): p-value = cdf at the PD of Beta(defaults + 1/2, n - defaults + 1/2); small means the PD is too low';
CREATE FUNCTION risk.binomial_test(n bigint, defaults bigint, pd float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_binomial_test_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.binomial_test(bigint, bigint, float8) IS
'One-sided binomial test of a grade''s PD: p-value = P(X >= defaults), X ~ Binomial(n, pd); small means the PD is too low';

CREATE TYPE risk.psi_result AS (psi float8, band text);
COMMENT ON TYPE risk.psi_result IS
'Result of risk.psi: the population stability index and its band (stable below 0.1, moderate shift below 0.25, significant shift)';
CREATE FUNCTION risk.psi(development float8[], current float8[]) RETURNS risk.psi_result
    AS 'MODULE_PATHNAME', 'risk_psi_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.psi(float8[], float8[]) IS
'Population stability index between a development and a current distribution given as counts per bucket (same buckets, all counts positive): sum (a - e) ln(a / e) over the shares';

-- The validation aggregates with the default flag as a 0/1 integer
-- (scikit-learn and statsmodels users pass integers).  The support
-- functions are the boolean ones' C symbols: a bool Datum is 0 or 1, an
-- int4 Datum its value, and risk_get_flag rejects anything but 0 and 1.

CREATE FUNCTION risk_internal._score_pairs_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_score_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._pd_pairs_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._pd_pairs_accum(internal, float8, int, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._brier_accum(float8[], float8, int) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._score_pairs_accum(internal, float8, int) IS 'Support function of risk.auc, risk.gini and risk.ks with a 0/1 flag: transition';
COMMENT ON FUNCTION risk_internal._pd_pairs_accum(internal, float8, int) IS 'Support function of risk.hosmer_lemeshow with a 0/1 flag: transition';
COMMENT ON FUNCTION risk_internal._pd_pairs_accum(internal, float8, int, int) IS 'Support function of risk.hosmer_lemeshow with a 0/1 flag and a number of groups: transition';
COMMENT ON FUNCTION risk_internal._brier_accum(float8[], float8, int) IS 'Support function of risk.brier with a 0/1 flag: transition';

CREATE AGGREGATE risk.auc(score float8, bad int) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._auc_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.auc(float8, int) IS
'risk.auc with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.gini(score float8, bad int) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._gini_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gini(float8, int) IS
'risk.gini with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.ks(score float8, bad int) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._ks_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.ks(float8, int) IS
'risk.ks with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.brier(pd float8, bad int) (
    SFUNC = risk_internal._brier_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = risk_internal._brier_final, COMBINEFUNC = risk_internal._brier_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.brier(float8, int) IS
'risk.brier with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad int) (
    SFUNC = risk_internal._pd_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._hosmer_lemeshow_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, int) IS
'risk.hosmer_lemeshow with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad int, groups int) (
    SFUNC = risk_internal._pd_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._hosmer_lemeshow_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, int, int) IS
'risk.hosmer_lemeshow with the default flag as an integer and a number of groups: 1 a bad, 0 a good, anything else an error';

-- The population stability index from raw scores, in one pass.

CREATE FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_edges_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._psi_scores_final(internal) RETURNS risk.psi_result
    AS 'MODULE_PATHNAME', 'risk_psi_scores_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean) IS 'Support function of risk.psi_scores: transition (10 buckets)';
COMMENT ON FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean, int) IS 'Support function of risk.psi_scores: transition (buckets by the development quantiles)';
COMMENT ON FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean, float8[]) IS 'Support function of risk.psi_scores: transition (given breakpoints)';
COMMENT ON FUNCTION risk_internal._psi_scores_final(internal) IS 'Support function of risk.psi_scores: final (bucket counts, then the PSI)';

CREATE AGGREGATE risk.psi_scores(score float8, current boolean) (
    SFUNC = risk_internal._psi_scores_accum, STYPE = internal, FINALFUNC = risk_internal._psi_scores_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean) IS
'Population stability index of raw scores, current = false for the development sample and true for the current one: 10 buckets [b(i-1), b(i)) at the development sample''s type-7 deciles (repeated edges merged), then as risk.psi; NULL when a sample is empty';
CREATE AGGREGATE risk.psi_scores(score float8, current boolean, buckets int) (
    SFUNC = risk_internal._psi_scores_accum, STYPE = internal, FINALFUNC = risk_internal._psi_scores_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean, int) IS
'Population stability index of raw scores in buckets (2 to 1000) at the development sample''s type-7 quantiles 1/buckets, ..., (buckets-1)/buckets; a bucket is [b(i-1), b(i))';
CREATE AGGREGATE risk.psi_scores(score float8, current boolean, breakpoints float8[]) (
    SFUNC = risk_internal._psi_scores_accum, STYPE = internal, FINALFUNC = risk_internal._psi_scores_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean, float8[]) IS
'Population stability index of raw scores in the buckets [b(i-1), b(i)) of increasing breakpoints b(1..k) (b(0) = -Infinity, b(k+1) = +Infinity), the same on every row';
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

CREATE FUNCTION risk_internal._logit_accum(internal, boolean, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._logit_accum(internal, boolean, float8[], boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._logit_fit_final(internal) RETURNS risk.logit_model
    AS 'MODULE_PATHNAME', 'risk_logit_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._logit_accum(internal, boolean, float8[]) IS 'Support function of risk.logit_fit: transition';
COMMENT ON FUNCTION risk_internal._logit_accum(internal, boolean, float8[], boolean, float8) IS 'Support function of risk.logit_fit: transition';
COMMENT ON FUNCTION risk_internal._logit_fit_final(internal) IS 'Support function of risk.logit_fit: final (the IRLS fit)';

CREATE AGGREGATE risk.logit_fit(y boolean, x float8[]) (
    SFUNC = risk_internal._logit_accum, STYPE = internal, FINALFUNC = risk_internal._logit_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(boolean, float8[]) IS
'Logistic regression of y (true = default) on the features x (same length on every row) with an intercept, by IRLS; separation and collinear features are errors';
CREATE AGGREGATE risk.logit_fit(y boolean, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk_internal._logit_accum, STYPE = internal, FINALFUNC = risk_internal._logit_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
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

CREATE FUNCTION risk_internal._logit_step_accum(float8[], boolean, float8[], float8[], boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_logit_step_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._logit_step_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_logit_step_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._logit_step_accum(float8[], boolean, float8[], float8[], boolean) IS 'Support function of risk.logit_step: transition';
COMMENT ON FUNCTION risk_internal._logit_step_combine(float8[], float8[]) IS 'Support function of risk.logit_step: combine (addition)';

CREATE AGGREGATE risk.logit_step(y boolean, x float8[], beta float8[], intercept boolean) (
    SFUNC = risk_internal._logit_step_accum, STYPE = float8[], INITCOND = '{}',
    COMBINEFUNC = risk_internal._logit_step_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_step(boolean, float8[], float8[], boolean) IS
'One IRLS pass of a logistic regression at coefficients beta: {m, n, loglik, X''(y - mu), X''WX} as a float8[] that partial states add up to; driven by risk.logit_fit_table';

CREATE FUNCTION risk_internal._logit_newton(state float8[], beta float8[], intercept boolean, l2 float8)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'risk_logit_newton' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._logit_newton(float8[], float8[], boolean, float8) IS
'Support function of risk.logit_fit_table: the Newton step from a risk.logit_step state';
CREATE FUNCTION risk_internal._logit_model(state float8[], beta float8[], intercept boolean, l2 float8,
                                  iterations int, converged boolean)
    RETURNS risk.logit_model AS 'MODULE_PATHNAME', 'risk_logit_model_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._logit_model(float8[], float8[], boolean, float8, int, boolean) IS
'Support function of risk.logit_fit_table: the model (standard errors, z, p-values) at the final coefficients';

-- The multi-pass logistic fit over a table.  A piece of its own because
-- 0.2.0 changed it (clear errors for a missing relation or a non-boolean
-- outcome) and 0.2.2 (an integer 0/1 outcome; a constant or collinear
-- feature named): the upgrade scripts to both include this piece.

CREATE OR REPLACE FUNCTION risk.logit_fit_table(source regclass, y name, x name[],
                                     intercept boolean DEFAULT true, l2 float8 DEFAULT 0,
                                     max_iter int DEFAULT 50)
    RETURNS risk.logit_model
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q         text;
    beta      float8[];
    nb        float8[];
    st        float8[];
    it        int := 0;
    delta     float8;
    converged boolean := false;
    ytype     regtype;
BEGIN
    IF source IS NULL OR y IS NULL OR x IS NULL OR intercept IS NULL OR l2 IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'source, y, x, intercept and l2 must not be NULL';
    END IF;
    IF NOT (l2 >= 0 AND l2 < 'Infinity') THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('the L2 penalty must be a finite number >= 0, got %s', l2);
    END IF;
    IF cardinality(x) = 0 AND NOT intercept THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'a model without intercept needs at least one feature';
    END IF;
    IF array_position(x, NULL) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'feature column names must not be NULL';
    END IF;
    IF max_iter IS NULL OR max_iter < 1 OR max_iter > 1000 THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('max_iter must be between 1 and 1000, got %s', max_iter);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = source) THEN
        RAISE EXCEPTION USING ERRCODE = '42P01', MESSAGE = format('relation with OID %s does not exist', source::oid);
    END IF;
    SELECT a.atttypid INTO ytype FROM pg_attribute a
    WHERE a.attrelid = source AND a.attname = y AND a.attnum > 0 AND NOT a.attisdropped;
    IF ytype IS NULL OR ytype NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
        RAISE EXCEPTION USING ERRCODE = '42804',
            MESSAGE = format('the outcome column %I of %s must exist and be boolean or a 0/1 integer', y, source);
    END IF;
    -- every name quoted as an identifier; the relation by its regclass; an
    -- integer outcome goes to the int4 logit_step, which rejects all but 0/1
    q := format('SELECT risk.logit_step(%s, ARRAY[%s]::float8[], $1, $2) FROM %s',
                CASE WHEN ytype = 'boolean'::regtype THEN format('%I', y)
                     ELSE format('%I::int4', y) END,
                (SELECT string_agg(format('%I', c), ', ' ORDER BY o)
                    FROM unnest(x) WITH ORDINALITY AS u(c, o)), source);
    beta := array_fill(0::float8, ARRAY[cardinality(x) + CASE WHEN intercept THEN 1 ELSE 0 END]);
    WHILE it < max_iter LOOP
        it := it + 1;
        EXECUTE q INTO st USING beta, intercept;
        IF st IS NULL OR cardinality(st) = 0 THEN
            RETURN NULL;        -- no rows
        END IF;
        nb := risk_internal._logit_newton(st, beta, intercept, l2, x::text[]);
        SELECT max(abs(a - b)) INTO delta FROM unnest(nb, beta) AS u(a, b);
        beta := nb;
        IF delta <= 1e-10 * (1 + (SELECT max(abs(a)) FROM unnest(beta) a)) THEN
            converged := true;
            EXIT;
        END IF;
    END LOOP;
    EXECUTE q INTO st USING beta, intercept;
    IF NOT converged AND l2 = 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('the fit did not converge in %s iterations', it),
            HINT = 'The classes may be separated: remove the separating feature, or fit with an L2 penalty.';
    END IF;
    RETURN risk_internal._logit_model(st, beta, intercept, l2, it, converged);
END $$;
COMMENT ON FUNCTION risk.logit_fit_table(regclass, name, name[], boolean, float8, int) IS
'Logistic regression of a table of any size: IRLS with one pass of risk.logit_step per iteration (parallel where the planner chooses), y a boolean or 0/1 integer column, x the feature columns (a constant or collinear one is named); names are quoted, and it runs with the caller''s privileges';

-- Scorecards: weight-of-evidence binning and points.

CREATE TYPE risk.woe_binning AS (
    lower           float8[],
    upper           float8[],
    goods           bigint[],
    bads            bigint[],
    share           float8[],
    woe             float8[],
    iv_contribution float8[],
    iv              float8,
    has_missing     boolean
);
COMMENT ON TYPE risk.woe_binning IS
'Result of risk.woe_bins: per bin (in order; the missing-value bin last, with NaN bounds, when has_missing) the bounds [lower, upper), goods, bads, share of rows, WOE = ln(bad share / good share) and IV contribution, and the total IV';

CREATE FUNCTION risk_internal._woe_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._woe_accum(internal, float8, boolean, int, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._woe_bins_final(internal) RETURNS risk.woe_binning
    AS 'MODULE_PATHNAME', 'risk_woe_bins_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._woe_accum(internal, float8, boolean) IS 'Support function of risk.woe_bins: transition';
COMMENT ON FUNCTION risk_internal._woe_accum(internal, float8, boolean, int, float8) IS 'Support function of risk.woe_bins: transition';
COMMENT ON FUNCTION risk_internal._woe_bins_final(internal) IS 'Support function of risk.woe_bins: final (the binning)';

CREATE AGGREGATE risk.woe_bins(x float8, bad boolean) (
    SFUNC = risk_internal._woe_accum, STYPE = internal, FINALFUNC = risk_internal._woe_bins_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, boolean) IS
'Weight-of-evidence binning of a characteristic x against defaults: fine quantile bins merged until the bad rate (and so the WOE) is monotonic, each bin holds 5% of the non-missing rows and there are at most 10; NULL x gets its own bin';
CREATE AGGREGATE risk.woe_bins(x float8, bad boolean, max_bins int, min_share float8) (
    SFUNC = risk_internal._woe_accum, STYPE = internal, FINALFUNC = risk_internal._woe_bins_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, boolean, int, float8) IS
'Weight-of-evidence binning with at most max_bins bins (1 to 50) of at least min_share of the rows each';

-- risk.woe is below, with the other functions called once per row.

CREATE FUNCTION risk.woe_bins_table(binning risk.woe_binning)
    RETURNS TABLE (bin int, lower float8, upper float8, goods bigint, bads bigint,
                   share float8, woe float8, iv_contribution float8)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT i, CASE WHEN (binning).has_missing AND i = cardinality((binning).lower) THEN NULL ELSE (binning).lower[i] END,
           CASE WHEN (binning).has_missing AND i = cardinality((binning).lower) THEN NULL ELSE (binning).upper[i] END,
           (binning).goods[i], (binning).bads[i], (binning).share[i], (binning).woe[i], (binning).iv_contribution[i]
    FROM generate_subscripts((binning).lower, 1) i ORDER BY i
$$;
COMMENT ON FUNCTION risk.woe_bins_table(risk.woe_binning) IS
'The bins of a WOE binning as rows (bin, bounds, goods, bads, share, WOE, IV contribution); the missing-value bin has NULL bounds';

CREATE FUNCTION risk.iv_strength(iv float8) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN iv < 0.02 THEN 'useless' WHEN iv < 0.1 THEN 'weak'
                WHEN iv < 0.3 THEN 'medium' ELSE 'strong' END;
COMMENT ON FUNCTION risk.iv_strength(float8) IS
'The usual reading of an information value: useless below 0.02, weak below 0.1, medium below 0.3, strong';

-- risk.score_points is below, with the other functions called once per row.

-- risk.characteristic_points is below, with the other functions called once
-- per row.

-- WOE binning and logistic regression with the flag or outcome as a 0/1
-- integer, and the Newton step of risk.logit_fit_table with the feature
-- names, so a constant or collinear column is named.

-- WOE binning with an integer flag

CREATE FUNCTION risk_internal._woe_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._woe_accum(internal, float8, int, int, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._woe_accum(internal, float8, int) IS 'Support function of risk.woe_bins with a 0/1 flag: transition';
COMMENT ON FUNCTION risk_internal._woe_accum(internal, float8, int, int, float8) IS 'Support function of risk.woe_bins with a 0/1 flag and options: transition';

CREATE AGGREGATE risk.woe_bins(x float8, bad int) (
    SFUNC = risk_internal._woe_accum, STYPE = internal, FINALFUNC = risk_internal._woe_bins_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, int) IS
'risk.woe_bins with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.woe_bins(x float8, bad int, max_bins int, min_share float8) (
    SFUNC = risk_internal._woe_accum, STYPE = internal, FINALFUNC = risk_internal._woe_bins_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, int, int, float8) IS
'risk.woe_bins with the default flag as an integer, at most max_bins bins of at least min_share each: 1 a bad, 0 a good, anything else an error';

-- logistic regression with an integer outcome

CREATE FUNCTION risk_internal._logit_accum(internal, int, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._logit_accum(internal, int, float8[], boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._logit_step_accum(float8[], int, float8[], float8[], boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_logit_step_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._logit_accum(internal, int, float8[]) IS 'Support function of risk.logit_fit with a 0/1 outcome: transition';
COMMENT ON FUNCTION risk_internal._logit_accum(internal, int, float8[], boolean, float8) IS 'Support function of risk.logit_fit with a 0/1 outcome and options: transition';
COMMENT ON FUNCTION risk_internal._logit_step_accum(float8[], int, float8[], float8[], boolean) IS 'Support function of risk.logit_step with a 0/1 outcome: transition';

CREATE AGGREGATE risk.logit_fit(y int, x float8[]) (
    SFUNC = risk_internal._logit_accum, STYPE = internal, FINALFUNC = risk_internal._logit_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(int, float8[]) IS
'risk.logit_fit with the outcome as an integer: 1 a default, 0 not, anything else an error';
CREATE AGGREGATE risk.logit_fit(y int, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk_internal._logit_accum, STYPE = internal, FINALFUNC = risk_internal._logit_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(int, float8[], boolean, float8) IS
'risk.logit_fit with the outcome as an integer, with or without intercept and an L2 penalty: 1 a default, 0 not, anything else an error';
CREATE AGGREGATE risk.logit_step(y int, x float8[], beta float8[], intercept boolean) (
    SFUNC = risk_internal._logit_step_accum, STYPE = float8[], INITCOND = '{}',
    COMBINEFUNC = risk_internal._logit_step_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_step(int, float8[], float8[], boolean) IS
'risk.logit_step with the outcome as an integer: 1 a default, 0 not, anything else an error';

CREATE FUNCTION risk_internal._logit_newton(state float8[], beta float8[], intercept boolean, l2 float8,
                                   names text[])
    RETURNS float8[] AS 'MODULE_PATHNAME', 'risk_logit_newton' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._logit_newton(float8[], float8[], boolean, float8, text[]) IS
'Support function of risk.logit_fit_table: the Newton step from a risk.logit_step state, naming the feature (names in order) at which the information matrix is singular';

-- The functions called once per row, in C (0.2.2): the same results as the
-- SQL definitions they replaced, to the last digit, at the cost of a C call;
-- risk.woe decodes a binning once per query.  A PD given as a percentage
-- gets a hint.

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

-- 0.2.2: risk.logit_fit kept out of parallel plans by cost.
--
-- Its state is the rows themselves, and its final function, the IRLS fit,
-- runs in the leader whatever the plan: parallel workers save only part of
-- the scan and add the transfer of every row to the leader (1 M loans x 5
-- features: 0.70 s serial, 0.80 s with one worker).  Its deserialize
-- function is the value buffers' C function under a cost that makes any
-- plan that combines partial states dearer than the serial one, so the
-- planner does not choose it; the combine function stays, for the callers
-- that combine partial states themselves.
CREATE FUNCTION risk_internal._logit_buffer_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_buffer_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    COST 10000000000;
COMMENT ON FUNCTION risk_internal._logit_buffer_deserialize(bytea, internal) IS
'Support function of risk.logit_fit: deserialize a partial state; costed so that the planner keeps logit_fit out of parallel plans';

CREATE OR REPLACE AGGREGATE risk.logit_fit(y boolean, x float8[]) (
    SFUNC = risk_internal._logit_accum, STYPE = internal, FINALFUNC = risk_internal._logit_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y boolean, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk_internal._logit_accum, STYPE = internal, FINALFUNC = risk_internal._logit_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y int, x float8[]) (
    SFUNC = risk_internal._logit_accum, STYPE = internal, FINALFUNC = risk_internal._logit_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y int, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk_internal._logit_accum, STYPE = internal, FINALFUNC = risk_internal._logit_fit_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._logit_buffer_deserialize,
    PARALLEL = SAFE
);
-- Multilayer-perceptron PD models (docs/mlp.md): a model as a value,
-- trained in the database (L-BFGS or Adam, a validation split and early
-- stopping, sample and class weights), scored row by row, built from the
-- weights of a model trained elsewhere, and read back as rows.

CREATE TYPE risk.mlp;

CREATE FUNCTION risk_internal._mlp_in(cstring) RETURNS risk.mlp
    AS 'MODULE_PATHNAME', 'risk_mlp_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_out(risk.mlp) RETURNS cstring
    AS 'MODULE_PATHNAME', 'risk_mlp_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._mlp_in(cstring) IS 'Input function of type risk.mlp: a JSON object {"layers", "activation", "mean", "scale", "weights", "biases", "history", "training"}, checked';
COMMENT ON FUNCTION risk_internal._mlp_out(risk.mlp) IS 'Output function of type risk.mlp: the JSON object its input function reads';

CREATE TYPE risk.mlp (
    INPUT = risk_internal._mlp_in,
    OUTPUT = risk_internal._mlp_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE risk.mlp IS
'A multilayer perceptron giving a PD: layer sizes (inputs, hidden layers, 1 output), the hidden activation, each layer''s weights (inputs x units, row by row) and biases, the inputs'' standardization (mean, scale), and the training history (loss per epoch on the training and validation rows, the epoch kept, whether it converged); text form JSON';

-- scoring and building

CREATE FUNCTION risk.mlp_predict(model risk.mlp, x float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_mlp_predict' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.mlp_predict(risk.mlp, float8[]) IS
'The probability of default of a model for features x (raw: the model standardizes them), the logistic function of its output';

CREATE FUNCTION risk.mlp_from_arrays(layers int[], weights float8[], biases float8[],
                                     activation text DEFAULT 'relu', mean float8[] DEFAULT NULL,
                                     scale float8[] DEFAULT NULL) RETURNS risk.mlp
    AS 'MODULE_PATHNAME', 'risk_mlp_from_arrays' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.mlp_from_arrays(int[], float8[], float8[], text, float8[], float8[]) IS
'A model trained elsewhere: layer sizes (inputs, hidden layers, 1), every layer''s weight matrix (inputs x units, row by row: scikit-learn''s coefs_[l].ravel()) one after another, every layer''s biases (intercepts_), the hidden activation, and the standardization the model expects (NULL: none)';

-- reading back

CREATE FUNCTION risk.mlp_layers(model risk.mlp)
    RETURNS TABLE (layer int, inputs int, units int, activation text, weights float8[], biases float8[])
    AS 'MODULE_PATHNAME', 'risk_mlp_layers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION risk.mlp_layers(risk.mlp) IS
'The layers of a model: sizes, activation, weights (inputs x units, row by row) and biases';

CREATE FUNCTION risk.mlp_history(model risk.mlp)
    RETURNS TABLE (epoch int, train_loss float8, validation_loss float8, kept boolean)
    AS 'MODULE_PATHNAME', 'risk_mlp_history' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION risk.mlp_history(risk.mlp) IS
'The training history of a model: the penalized loss on the training rows and the log-loss on the validation rows (NULL without a split) after each epoch (L-BFGS: iteration), and the epoch whose parameters the model kept';

-- training

CREATE FUNCTION risk_internal._mlp_fit_accum(internal, boolean, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_accum(internal, boolean, float8[], float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_accum(internal, int, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_accum(internal, int, float8[], float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_final(internal) RETURNS risk.mlp
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._mlp_fit_accum(internal, boolean, float8[], jsonb) IS 'Support function of risk.mlp_fit: transition (keeps the row)';
COMMENT ON FUNCTION risk_internal._mlp_fit_accum(internal, boolean, float8[], float8, jsonb) IS 'Support function of risk.mlp_fit with row weights: transition';
COMMENT ON FUNCTION risk_internal._mlp_fit_accum(internal, int, float8[], jsonb) IS 'Support function of risk.mlp_fit with a 0/1 outcome: transition';
COMMENT ON FUNCTION risk_internal._mlp_fit_accum(internal, int, float8[], float8, jsonb) IS 'Support function of risk.mlp_fit with a 0/1 outcome and row weights: transition';
COMMENT ON FUNCTION risk_internal._mlp_fit_combine(internal, internal) IS 'Support function of risk.mlp_fit: combine (joins the rows)';
COMMENT ON FUNCTION risk_internal._mlp_fit_serialize(internal) IS 'Support function of risk.mlp_fit: serialize a partial state';
COMMENT ON FUNCTION risk_internal._mlp_fit_deserialize(bytea, internal) IS 'Support function of risk.mlp_fit: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._mlp_fit_final(internal) IS 'Support function of risk.mlp_fit: final (the rows in a canonical order, then the training)';

CREATE AGGREGATE risk.mlp_fit(y boolean, x float8[], options jsonb) (
    SFUNC = risk_internal._mlp_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_fit_final,
    COMBINEFUNC = risk_internal._mlp_fit_combine,
    SERIALFUNC = risk_internal._mlp_fit_serialize, DESERIALFUNC = risk_internal._mlp_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mlp_fit(boolean, float8[], jsonb) IS
'A multilayer perceptron trained on the rows of the group (outcome y: default or not; features x), held in memory; options (a JSON object, the same for every row; NULL or {} for the defaults): hidden, activation, alpha, solver (''lbfgs'' or ''adam''), max_epochs, batch_size, learning_rate, beta1, beta2, epsilon, tol, ftol, patience, validation_fraction, class_weight, seed, init; a row with a NULL outcome or features is left out';

CREATE AGGREGATE risk.mlp_fit(y boolean, x float8[], weight float8, options jsonb) (
    SFUNC = risk_internal._mlp_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_fit_final,
    COMBINEFUNC = risk_internal._mlp_fit_combine,
    SERIALFUNC = risk_internal._mlp_fit_serialize, DESERIALFUNC = risk_internal._mlp_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mlp_fit(boolean, float8[], float8, jsonb) IS
'risk.mlp_fit with a positive weight per row (multiplied by the class weight of its outcome)';

CREATE AGGREGATE risk.mlp_fit(y int, x float8[], options jsonb) (
    SFUNC = risk_internal._mlp_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_fit_final,
    COMBINEFUNC = risk_internal._mlp_fit_combine,
    SERIALFUNC = risk_internal._mlp_fit_serialize, DESERIALFUNC = risk_internal._mlp_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mlp_fit(int, float8[], jsonb) IS
'risk.mlp_fit with the outcome as a 0/1 integer (the default flag of a loan table)';

CREATE AGGREGATE risk.mlp_fit(y int, x float8[], weight float8, options jsonb) (
    SFUNC = risk_internal._mlp_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_fit_final,
    COMBINEFUNC = risk_internal._mlp_fit_combine,
    SERIALFUNC = risk_internal._mlp_fit_serialize, DESERIALFUNC = risk_internal._mlp_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mlp_fit(int, float8[], float8, jsonb) IS
'risk.mlp_fit with a 0/1 integer outcome and a positive weight per row';

-- training over a table larger than memory

CREATE FUNCTION risk_internal._mlp_step_accum(internal, int, float8[], float8, risk.mlp, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_step_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_step_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_step_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_step_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_mlp_step_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_step_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_step_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_step_final(internal) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_mlp_step_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._mlp_step_accum(internal, int, float8[], float8, risk.mlp, boolean) IS 'Support function of risk_internal._mlp_step: transition (standardizes the row into a block; a full block adds its loss and gradient)';
COMMENT ON FUNCTION risk_internal._mlp_step_combine(internal, internal) IS 'Support function of risk_internal._mlp_step: combine (adds the sums)';
COMMENT ON FUNCTION risk_internal._mlp_step_serialize(internal) IS 'Support function of risk_internal._mlp_step: serialize a partial state';
COMMENT ON FUNCTION risk_internal._mlp_step_deserialize(bytea, internal) IS 'Support function of risk_internal._mlp_step: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._mlp_step_final(internal) IS 'Support function of risk_internal._mlp_step: final (the sums as float8[])';

CREATE AGGREGATE risk_internal._mlp_step(y int, x float8[], weight float8, model risk.mlp, gradient boolean) (
    SFUNC = risk_internal._mlp_step_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_step_final,
    COMBINEFUNC = risk_internal._mlp_step_combine,
    SERIALFUNC = risk_internal._mlp_step_serialize, DESERIALFUNC = risk_internal._mlp_step_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk_internal._mlp_step(int, float8[], float8, risk.mlp, boolean) IS
'Support aggregate of risk.mlp_fit_table: one pass at the model''s parameters, {rows, sum of weights, weighted defaults, sum w log-loss, sum w gradient (when asked)}; partial sums add up (parallel)';

CREATE FUNCTION risk.mlp_fit_table(source regclass, y name, x name[], options jsonb DEFAULT NULL,
                                   weight name DEFAULT NULL, validation name DEFAULT NULL)
    RETURNS risk.mlp
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_table' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION risk.mlp_fit_table(regclass, name, name[], jsonb, name, name) IS
'A multilayer perceptron trained over a table of any size by L-BFGS, one pass of risk_internal._mlp_step per evaluation (parallel where the planner chooses): y a boolean or 0/1 integer column, x the feature columns, options as risk.mlp_fit''s (solver lbfgs), weight a positive weight column, validation a boolean column marking the rows held out for early stopping; names are quoted, and it runs with the caller''s privileges';
-- Customer grading: master scales, PD to grade, migration matrices.

CREATE TABLE risk.master_scale (
    scale       text    NOT NULL,
    grade       text    NOT NULL,
    grade_order int     NOT NULL,
    pd_lower    float8  NOT NULL,
    pd_upper    float8  NOT NULL,
    PRIMARY KEY (scale, grade),
    UNIQUE (scale, grade_order),
    CHECK (pd_lower >= 0 AND pd_upper <= 1 AND pd_lower < pd_upper)
);
COMMENT ON TABLE risk.master_scale IS
'Master scales: per scale, grades in order with PD bands [pd_lower, pd_upper) (the last band includes 1); a scale must cover [0, 1] without gap or overlap, checked when a transaction that writes it commits; the default scale ships with the extension, other scales are kept by pg_dump';

-- the shipped scale: ten grades, PD bands growing geometrically
INSERT INTO risk.master_scale (scale, grade, grade_order, pd_lower, pd_upper) VALUES
    ('default', '1', 1, 0,      0.0003),
    ('default', '2', 2, 0.0003, 0.001),
    ('default', '3', 3, 0.001,  0.0025),
    ('default', '4', 4, 0.0025, 0.005),
    ('default', '5', 5, 0.005,  0.01),
    ('default', '6', 6, 0.01,   0.02),
    ('default', '7', 7, 0.02,   0.05),
    ('default', '8', 8, 0.05,   0.1),
    ('default', '9', 9, 0.1,    0.2),
    ('default', '10', 10, 0.2,  1);

SELECT pg_catalog.pg_extension_config_dump('risk.master_scale', 'WHERE scale <> ''default''');

-- Check one scale: bands in grade order, from 0 to 1, each starting where
-- the previous one ends.
CREATE FUNCTION risk_internal._check_scale(s text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    prev_upper float8 := 0;
    prev_grade text;
    n int := 0;
BEGIN
    FOR r IN SELECT grade, pd_lower, pd_upper FROM risk.master_scale WHERE scale = s ORDER BY grade_order LOOP
        n := n + 1;
        IF r.pd_lower <> prev_upper THEN
            RAISE EXCEPTION USING ERRCODE = '23514',
                MESSAGE = format('master scale %L has %s between grades %s and %s', s,
                                 CASE WHEN r.pd_lower > prev_upper THEN 'a gap' ELSE 'an overlap' END,
                                 coalesce(prev_grade, '(start)'), r.grade),
                DETAIL = format('Grade %s starts at %s where the previous band ends at %s.', r.grade, r.pd_lower, prev_upper);
        END IF;
        prev_upper := r.pd_upper;
        prev_grade := r.grade;
    END LOOP;
    IF n > 0 AND prev_upper <> 1 THEN
        RAISE EXCEPTION USING ERRCODE = '23514',
            MESSAGE = format('master scale %L ends at %s: the last band must reach 1', s, prev_upper);
    END IF;
END $$;
COMMENT ON FUNCTION risk_internal._check_scale(text) IS 'Support function of risk.master_scale: raise if a scale has a gap or an overlap, or its last band does not reach a PD of 1';

CREATE FUNCTION risk_internal._master_scale_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM risk_internal._check_scale(OLD.scale);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM risk_internal._check_scale(NEW.scale);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION risk_internal._master_scale_check() IS 'Support function of risk.master_scale: constraint trigger checking the scales a transaction wrote';

CREATE CONSTRAINT TRIGGER master_scale_complete
    AFTER INSERT OR UPDATE OR DELETE ON risk.master_scale
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION risk_internal._master_scale_check();

REVOKE ALL ON risk.master_scale FROM PUBLIC;
GRANT SELECT ON risk.master_scale TO PUBLIC;

-- risk.grade is at the end of this piece.

-- migration matrices

CREATE TYPE risk.migration_result AS (
    scale         text,
    grades        text[],
    counts        bigint[],
    probabilities float8[]
);
COMMENT ON TYPE risk.migration_result IS
'Result of risk.migration_matrix: the scale, its grades in order, and the transition counts and row-normalised probabilities as two-dimensional arrays [from grade][to grade] (a row with no customer has NULL probabilities)';

-- counts per distinct (from, to) pair: O(1) per row; the final reads the scale
CREATE FUNCTION risk_internal._migration_accum(internal, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_migration_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._migration_accum(internal, text, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_migration_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._migration_final(internal) RETURNS risk.migration_result
    AS 'MODULE_PATHNAME', 'risk_migration_final' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._migration_accum(internal, text, text) IS 'Support function of risk.migration_matrix: transition';
COMMENT ON FUNCTION risk_internal._migration_accum(internal, text, text, text) IS 'Support function of risk.migration_matrix: transition';
COMMENT ON FUNCTION risk_internal._migration_final(internal) IS 'Support function of risk.migration_matrix: final (reads the scale, builds the matrices)';

CREATE AGGREGATE risk.migration_matrix(from_grade text, to_grade text) (
    SFUNC = risk_internal._migration_accum, STYPE = internal,
    FINALFUNC = risk_internal._migration_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.migration_matrix(text, text) IS
'Grade migration matrix on the default master scale: transition counts and row-normalised probabilities from the grades at one date to the grades at another, in the scale''s order; rows with a NULL grade are skipped';
CREATE AGGREGATE risk.migration_matrix(from_grade text, to_grade text, scale text) (
    SFUNC = risk_internal._migration_accum, STYPE = internal,
    FINALFUNC = risk_internal._migration_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.migration_matrix(text, text, text) IS
'Grade migration matrix on the given master scale (the same on every row): transition counts and row-normalised probabilities in the scale''s order';

CREATE FUNCTION risk.migration_cells(m risk.migration_result)
    RETURNS TABLE (from_grade text, to_grade text, n bigint, probability float8)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT (m).grades[i], (m).grades[j], (m).counts[i][j], (m).probabilities[i][j]
    FROM generate_subscripts((m).grades, 1) i, generate_subscripts((m).grades, 1) j
    ORDER BY i, j
$$;
COMMENT ON FUNCTION risk.migration_cells(risk.migration_result) IS
'The cells of a migration matrix as rows (from grade, to grade, count, probability), in the scale''s order: what a BI tool reads';

-- risk.grade in C: it runs once per row and reads its scale once per
-- statement.  A PD given as a percentage gets a hint.

CREATE OR REPLACE FUNCTION risk.grade(pd float8, scale text DEFAULT 'default') RETURNS text
    AS 'MODULE_PATHNAME', 'risk_grade' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.grade(float8, text) IS
'The grade of a PD on a master scale (risk.master_scale): the band [pd_lower, pd_upper) holding it (the last band includes 1); a PD outside [0, 1] or an unknown scale is an error (a PD is a fraction: 0.015, not 1.5); the scale is read once per statement';
-- Early warning: watched materialized views, refresh history, warning
-- rules and alerts.  The background workers (shared_preload_libraries =
-- 'risk') refresh the views and evaluate the rules; see
-- docs/warning.md.
--
-- Who may do what: the registry (risk.watched, risk.rules) has row-level
-- security: a row may be written only by a member of the role that owns the
-- view, and read by them or by anyone who may read the view.  Alerts and
-- history are written by the workers only and readable under the same
-- read rule.  Nothing here is granted to PUBLIC except the row checks
-- and the wake-up; risk.grant_admin and risk.grant_reader give the levels
-- (docs/security.md).

-- May the current user manage (watch, pause, add rules to) relation r?
CREATE FUNCTION risk_internal._may_manage(r oid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce((SELECT pg_has_role(c.relowner, 'USAGE')
                     FROM pg_class c WHERE c.oid = r), false)
$$;

-- May the current user read what the workers recorded about relation r?
CREATE FUNCTION risk_internal._may_read(r oid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce((SELECT pg_has_role(c.relowner, 'USAGE')
                            OR has_table_privilege(c.oid, 'SELECT')
                     FROM pg_class c WHERE c.oid = r), false)
$$;

CREATE TABLE risk.watched (
    view          regclass    PRIMARY KEY,
    every         interval    NOT NULL CHECK (every > interval '0'),
    paused        boolean     NOT NULL DEFAULT false,
    next_run      timestamptz NOT NULL DEFAULT now(),
    failures      integer     NOT NULL DEFAULT 0,
    last_started  timestamptz,
    last_finished timestamptz,
    last_outcome  text,
    last_message  text,
    watched_by    name        NOT NULL DEFAULT current_user,
    watched_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE risk.watched IS
'Materialized views kept fresh by the scheduler of this database: interval, pause flag, next run, failures in a row and the last outcome';

CREATE TABLE risk.refresh_history (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view            regclass    NOT NULL,
    view_name       text        NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    duration        interval,
    concurrent      boolean     NOT NULL DEFAULT false,
    rows            bigint,
    outcome         text        NOT NULL
        CHECK (outcome IN ('running', 'ok', 'failed', 'timeout', 'lost', 'rules_failed')),
    sqlstate        text,
    message         text,
    alerts_opened   integer,
    alerts_updated  integer,
    alerts_resolved integer,
    duration_seconds float8 GENERATED ALWAYS AS (extract(epoch FROM duration)) STORED
);
CREATE INDEX refresh_history_view ON risk.refresh_history (view, started_at);
CREATE INDEX refresh_history_finished ON risk.refresh_history (finished_at);
CREATE INDEX refresh_history_running ON risk.refresh_history (id) WHERE outcome = 'running';
COMMENT ON TABLE risk.refresh_history IS
'One row per refresh: the view, start, end, duration (also in seconds), rows, outcome (running while it runs, then ok, failed, timeout, lost or rules_failed), error and the alerts it opened, updated and resolved; kept for risk.history_retention';

CREATE TABLE risk.rules (
    id          integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view        regclass    NOT NULL REFERENCES risk.watched (view) ON DELETE CASCADE,
    rule_name   text        NOT NULL,
    metric      name        NOT NULL,
    op          text        NOT NULL CHECK (op IN ('>', '>=', '<', '<=', '=', '<>')),
    threshold   float8      NOT NULL
        CHECK (threshold <> 'NaN' AND threshold <> 'Infinity' AND threshold <> '-Infinity'),
    severity    text        NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    action      text,
    key_columns name[]      NOT NULL DEFAULT '{}',
    enabled     boolean     NOT NULL DEFAULT true,
    created_by  name        NOT NULL DEFAULT current_user,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (view, rule_name)
);
COMMENT ON TABLE risk.rules IS
'Warning rules: on a watched view, a row breaches when metric op threshold; key_columns identify the row (customer, portfolio); severity and the recommended action go into the alert';

CREATE TABLE risk.alerts (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id     integer     NOT NULL,
    rule_name   text        NOT NULL,
    view        regclass    NOT NULL,
    view_name   text        NOT NULL,
    key         jsonb       NOT NULL,
    metric      name        NOT NULL,
    op          text        NOT NULL,
    threshold   float8      NOT NULL,
    value       float8,
    severity    text        NOT NULL,
    action      text,
    status      text        NOT NULL CHECK (status IN ('open', 'resolved')),
    opened_at   timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    resolved_at timestamptz,
    resolution  text,
    refreshes   integer     NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX alerts_one_open ON risk.alerts (rule_id, key) WHERE status = 'open';
CREATE INDEX alerts_view ON risk.alerts (view, opened_at);
COMMENT ON TABLE risk.alerts IS
'Alerts: one open row per rule and key while the breach lasts (value and refreshes updated by each refresh), resolved when it clears or the rule goes; kept as an audit trail';

SELECT pg_catalog.pg_extension_config_dump('risk.watched', '');
SELECT pg_catalog.pg_extension_config_dump('risk.rules', '');
SELECT pg_catalog.pg_extension_config_dump('risk.alerts', '');
SELECT pg_catalog.pg_extension_config_dump('risk.refresh_history', '');
SELECT pg_catalog.pg_extension_config_dump('risk.rules_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('risk.alerts_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('risk.refresh_history_id_seq', '');

ALTER TABLE risk.watched ENABLE ROW LEVEL SECURITY;
CREATE POLICY watched_read ON risk.watched FOR SELECT USING (risk_internal._may_read(view));
CREATE POLICY watched_insert ON risk.watched FOR INSERT WITH CHECK (risk_internal._may_manage(view));
CREATE POLICY watched_update ON risk.watched FOR UPDATE
    USING (risk_internal._may_manage(view)) WITH CHECK (risk_internal._may_manage(view));
CREATE POLICY watched_delete ON risk.watched FOR DELETE USING (risk_internal._may_manage(view));

ALTER TABLE risk.rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY rules_read ON risk.rules FOR SELECT USING (risk_internal._may_read(view));
CREATE POLICY rules_insert ON risk.rules FOR INSERT WITH CHECK (risk_internal._may_manage(view));
CREATE POLICY rules_update ON risk.rules FOR UPDATE
    USING (risk_internal._may_manage(view)) WITH CHECK (risk_internal._may_manage(view));
CREATE POLICY rules_delete ON risk.rules FOR DELETE USING (risk_internal._may_manage(view));

ALTER TABLE risk.alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY alerts_read ON risk.alerts FOR SELECT USING (risk_internal._may_read(view));
ALTER TABLE risk.refresh_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY history_read ON risk.refresh_history FOR SELECT USING (risk_internal._may_read(view));

REVOKE ALL ON risk.watched, risk.rules, risk.alerts, risk.refresh_history FROM PUBLIC;

-- (the BI views over these tables, risk.open_alerts, risk.alert_summary and
-- risk.refresh_status, are below)

-- ---------------------------------------------------------------------
-- The SQL interface (SECURITY INVOKER: row-level security decides)
-- ---------------------------------------------------------------------

-- Check that v is a materialized view the current user may manage (the
-- owner check is risk_internal._check_table's, 95_security.sql).
CREATE FUNCTION risk_internal._check_view(v regclass, what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF v IS NULL THEN
        RAISE EXCEPTION 'risk.%: view must not be NULL', what
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = v AND c.relkind <> 'm') THEN
        RAISE EXCEPTION 'risk.%: "%" is not a materialized view', what, v
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Only materialized views can be watched.';
    END IF;
    PERFORM risk_internal._check_table(v, what);
END
$$;

CREATE FUNCTION risk_internal._wake() RETURNS boolean
    AS 'MODULE_PATHNAME', 'risk_wake'
    LANGUAGE C VOLATILE;

-- (risk.watch is below)

-- The registry row of v, or an error naming the function.
CREATE FUNCTION risk_internal._watched(v regclass, what text) RETURNS risk.watched
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w risk.watched;
BEGIN
    PERFORM risk_internal._check_view(v, what);
    SELECT * INTO w FROM risk.watched x WHERE x.view = v;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.%: materialized view % is not watched', what, v
            USING ERRCODE = 'undefined_object',
                  HINT = 'Call risk.watch first.';
    END IF;
    RETURN w;
END
$$;

CREATE FUNCTION risk.unwatch(view regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._watched(view, 'unwatch');
    DELETE FROM risk.watched w WHERE w.view = unwatch.view;
END
$$;
COMMENT ON FUNCTION risk.unwatch(regclass) IS
'Stop watching a materialized view; its rules go and their open alerts are resolved';

CREATE FUNCTION risk.pause(view regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._watched(view, 'pause');
    UPDATE risk.watched w SET paused = true WHERE w.view = pause.view;
END
$$;
COMMENT ON FUNCTION risk.pause(regclass) IS
'Stop refreshing a watched view until risk.resume; registration and rules are kept';

CREATE FUNCTION risk.resume(view regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._watched(view, 'resume');
    UPDATE risk.watched w SET paused = false WHERE w.view = resume.view;
    PERFORM risk_internal._wake();
END
$$;
COMMENT ON FUNCTION risk.resume(regclass) IS
'Resume refreshing a paused view; it is refreshed at once if it became due while paused';

CREATE FUNCTION risk.refresh_now(view regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w risk.watched;
BEGIN
    w := risk_internal._watched(view, 'refresh_now');
    IF w.paused THEN
        RAISE EXCEPTION 'risk.refresh_now: materialized view % is paused', view
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Call risk.resume first.';
    END IF;
    UPDATE risk.watched x SET next_run = now() WHERE x.view = refresh_now.view;
    IF NOT risk_internal._wake() THEN
        RAISE NOTICE 'risk background workers are not running: the refresh of % waits for them', view;
    END IF;
END
$$;
COMMENT ON FUNCTION risk.refresh_now(regclass) IS
'Make a watched view due now: the scheduler, woken when the transaction commits, refreshes it (and evaluates its rules) at once';

CREATE FUNCTION risk.add_rule(view regclass, metric name, op text, threshold float8,
                              severity text DEFAULT 'warning',
                              action text DEFAULT NULL,
                              key_columns name[] DEFAULT '{}',
                              rule_name text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    typ oid;
    k name;
    rid integer;
BEGIN
    PERFORM risk_internal._watched(view, 'add_rule');
    IF metric IS NULL OR op IS NULL OR threshold IS NULL OR severity IS NULL
       OR key_columns IS NULL THEN
        RAISE EXCEPTION 'risk.add_rule: metric, op, threshold, severity and key_columns must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT a.atttypid INTO typ FROM pg_attribute a
    WHERE a.attrelid = view AND a.attname = metric AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.add_rule: column "%" of materialized view % does not exist', metric, view
            USING ERRCODE = 'undefined_column';
    END IF;
    IF typ NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'float4'::regtype,
                   'float8'::regtype, 'numeric'::regtype) THEN
        RAISE EXCEPTION 'risk.add_rule: column "%" of % is of type %, not a number',
                metric, view, format_type(typ, NULL)
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    IF cardinality(key_columns) > 50 THEN
        RAISE EXCEPTION 'risk.add_rule: at most 50 key columns, got %', cardinality(key_columns)
            USING ERRCODE = 'program_limit_exceeded';
    END IF;
    IF length(rule_name) > 200 THEN
        RAISE EXCEPTION 'risk.add_rule: a rule name has at most 200 characters, got %', length(rule_name)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH k IN ARRAY key_columns LOOP
        IF k IS NULL OR NOT EXISTS (SELECT 1 FROM pg_attribute a
                      WHERE a.attrelid = view AND a.attname = k AND a.attnum > 0
                        AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'risk.add_rule: key column "%" of materialized view % does not exist',
                    coalesce(k::text, 'NULL'), view
                USING ERRCODE = 'undefined_column';
        END IF;
    END LOOP;
    IF op NOT IN ('>', '>=', '<', '<=', '=', '<>') THEN
        RAISE EXCEPTION 'risk.add_rule: unknown comparison "%"', op
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use one of >, >=, <, <=, =, <>.';
    END IF;
    IF threshold IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'risk.add_rule: threshold must be finite, got %', threshold
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF severity NOT IN ('info', 'warning', 'critical') THEN
        RAISE EXCEPTION 'risk.add_rule: unknown severity "%"', severity
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use info, warning or critical.';
    END IF;
    INSERT INTO risk.rules (view, rule_name, metric, op, threshold, severity, action, key_columns)
    VALUES (view, coalesce(rule_name, format('%s %s %s', metric, op, threshold)),
            metric, op, threshold, severity, action, key_columns)
    RETURNING id INTO rid;
    RETURN rid;
END
$$;
COMMENT ON FUNCTION risk.add_rule(regclass, name, text, float8, text, text, name[], text) IS
'Add a warning rule to a watched view: a row breaches when metric op threshold; key_columns identify the row; evaluated after every refresh';

CREATE FUNCTION risk.drop_rule(rule_id integer) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v regclass;
BEGIN
    SELECT r.view INTO v FROM risk.rules r WHERE r.id = rule_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.drop_rule: no rule with id %', coalesce(rule_id::text, 'NULL')
            USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM risk_internal._check_view(v, 'drop_rule');
    DELETE FROM risk.rules r WHERE r.id = rule_id;
END
$$;
COMMENT ON FUNCTION risk.drop_rule(integer) IS
'Drop a warning rule; its open alerts are resolved';

REVOKE ALL ON FUNCTION risk.unwatch(regclass),
    risk.pause(regclass), risk.resume(regclass), risk.refresh_now(regclass),
    risk.add_rule(regclass, name, text, float8, text, text, name[], text),
    risk.drop_rule(integer) FROM PUBLIC;

-- The levels that may call these are granted by risk.grant_admin (95_security.sql).


-- ---------------------------------------------------------------------
-- Alerts: opening, updating, resolving, notifying
-- ---------------------------------------------------------------------

-- Send one alert event on channel risk_alerts (JSON, under 8000 bytes).
CREATE FUNCTION risk_internal._notify(event text, a risk.alerts) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    payload text;
BEGIN
    payload := json_build_object('event', event, 'alert_id', a.id, 'view', a.view_name,
                                 'rule', a.rule_name, 'key', a.key, 'metric', a.metric,
                                 'op', a.op, 'threshold', a.threshold, 'value', a.value,
                                 'severity', a.severity, 'action', a.action,
                                 'at', coalesce(a.resolved_at, a.updated_at))::text;
    IF octet_length(payload) > 7900 THEN
        payload := json_build_object('event', event, 'alert_id', a.id, 'view', left(a.view_name, 200),
                                     'rule', left(a.rule_name, 200), 'severity', a.severity,
                                     'truncated', true)::text;
    END IF;
    PERFORM pg_notify('risk_alerts', payload);
END
$$;

-- (the triggers that resolve the alerts of a dropped or disabled rule are
-- below; risk_internal._evaluate_rules, which opens, updates and
-- resolves alerts after a refresh, and the breaching rows of a rule,
-- risk_internal._rule_breach_rows, are below)

-- ---------------------------------------------------------------------
-- Bookkeeping of the workers (run by them as superuser; not for PUBLIC)
-- ---------------------------------------------------------------------

CREATE FUNCTION risk_internal._refresh_as_owner(view regclass, concurrent boolean, timeout_ms integer)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'risk_refresh_as_owner'
    LANGUAGE C STRICT VOLATILE;

-- Can v be refreshed CONCURRENTLY (populated, with a usable unique index)?
CREATE FUNCTION risk_internal._refresh_concurrently(v oid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce((SELECT c.relispopulated AND EXISTS (
                         SELECT 1 FROM pg_index i
                         WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid
                           AND i.indimmediate AND i.indpred IS NULL
                           AND i.indexprs IS NULL)
                     FROM pg_class c WHERE c.oid = v), false)
$$;

-- Close the refreshes that a crash or an exit left running.
CREATE FUNCTION risk_internal._scheduler_start() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    hid bigint;
BEGIN
    FOR hid IN SELECT id FROM risk.refresh_history WHERE outcome = 'running' LOOP
        PERFORM risk_internal._refresh_end(hid, 'lost', NULL,
                                  'interrupted: the server or the scheduler stopped', NULL);
    END LOOP;
END
$$;

-- Delete expired history; return the due views not already queued, each
-- with its watched ancestors, ancestors first.
CREATE FUNCTION risk_internal._due(queued oid[], retention_s integer)
    RETURNS TABLE (view oid, deps oid[])
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM risk.refresh_history h
    WHERE h.finished_at < now() - make_interval(secs => retention_s);

    IF NOT EXISTS (SELECT 1 FROM risk.watched w
                   WHERE NOT w.paused AND w.next_run <= now()
                     AND w.view::oid <> ALL (queued)) THEN
        RETURN;
    END IF;

    RETURN QUERY
    WITH RECURSIVE edge AS (
        -- relation r reads relation ref through its rewrite rule
        SELECT DISTINCT rw.ev_class AS r, d.refobjid AS ref
        FROM pg_depend d
        JOIN pg_rewrite rw ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> rw.ev_class
    ), anc AS (
        SELECT w.view::oid AS w, e.ref AS a
        FROM risk.watched w JOIN edge e ON e.r = w.view::oid
        UNION
        SELECT anc.w, e.ref FROM anc JOIN edge e ON e.r = anc.a
    ), wanc AS (
        SELECT anc.w, array_agg(anc.a ORDER BY anc.a) AS deps
        FROM anc JOIN risk.watched x ON x.view::oid = anc.a AND anc.a <> anc.w
        GROUP BY anc.w
    )
    SELECT w.view::oid, coalesce(wa.deps, '{}'::oid[])
    FROM risk.watched w
    LEFT JOIN wanc wa ON wa.w = w.view::oid
    WHERE NOT w.paused AND w.next_run <= now() AND w.view::oid <> ALL (queued)
    ORDER BY cardinality(coalesce(wa.deps, '{}'::oid[])), w.next_run, w.view::oid;
END
$$;

-- (the queueing, start and end of a refresh, risk_internal._refresh_begin,
-- _refresh_end, _refresh_lost and _rules_failed, are below;
-- the refresh worker records the actual start, src/warning_worker.c)

REVOKE ALL ON FUNCTION risk_internal._refresh_as_owner(regclass, boolean, integer),
    risk_internal._refresh_concurrently(oid), risk_internal._scheduler_start(),
    risk_internal._due(oid[], integer),
    risk_internal._notify(text, risk.alerts) FROM PUBLIC;

-- A dropped materialized view leaves the registry (its rules and their
-- open alerts with it).
CREATE FUNCTION risk_internal._on_sql_drop() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regclass('risk.watched') IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM risk.watched w
    WHERE w.view::oid IN (SELECT d.objid FROM pg_event_trigger_dropped_objects() d
                          WHERE d.classid = 'pg_class'::regclass
                            AND d.object_type = 'materialized view');
END
$$;
REVOKE ALL ON FUNCTION risk_internal._on_sql_drop() FROM PUBLIC;
CREATE EVENT TRIGGER risk_watched_drop ON sql_drop EXECUTE FUNCTION risk_internal._on_sql_drop();

-- What each internal function is for (none of them is for direct use).
COMMENT ON FUNCTION risk_internal._may_manage(oid) IS
'Row check of the writes to the registry, rules and classifications: is the current user a member of the role that owns relation r';
COMMENT ON FUNCTION risk_internal._may_read(oid) IS
'Row check of the reads of the registry, rules, alerts, history and classifications: may the current user manage or SELECT relation r';
COMMENT ON FUNCTION risk_internal._check_view(regclass, text) IS
'ERROR unless the relation is a materialized view the current user may manage';
COMMENT ON FUNCTION risk_internal._watched(regclass, text) IS
'The registry row of a watched view, ERROR if it is not watched';
COMMENT ON FUNCTION risk_internal._wake() IS
'Wake this database''s scheduler when the transaction commits; true when the background workers run';
COMMENT ON FUNCTION risk_internal._refresh_as_owner(regclass, boolean, integer) IS
'Worker: REFRESH MATERIALIZED VIEW as the view''s owner (CONCURRENTLY if asked, within a time limit in a worker); returns the rows';
COMMENT ON FUNCTION risk_internal._refresh_concurrently(oid) IS
'Worker: can the view be refreshed CONCURRENTLY (populated, with a usable unique index)';
COMMENT ON FUNCTION risk_internal._scheduler_start() IS
'Worker: close as lost the refreshes a crash or an exit left running';
COMMENT ON FUNCTION risk_internal._due(oid[], integer) IS
'Worker: delete expired history; the due views not already queued, each with its watched ancestors, ancestors first';
COMMENT ON FUNCTION risk_internal._notify(text, risk.alerts) IS
'Send an alert event on channel risk_alerts as JSON (shortened under the NOTIFY limit)';
COMMENT ON FUNCTION risk_internal._on_sql_drop() IS
'Event trigger: a dropped materialized view leaves the registry, with its rules';

-- A rule switched off (UPDATE risk.rules SET enabled = false) is no longer
-- evaluated: its open alerts are resolved at once, as a dropped rule's are,
-- rather than staying open with no refresh to close them (the trigger of
-- dropped rules shares the resolving loop).

-- Resolve the open alerts of a rule, with a NOTIFY for each.
CREATE FUNCTION risk_internal._resolve_rule_alerts(rule integer, why text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    a risk.alerts;
BEGIN
    FOR a IN UPDATE risk.alerts
             SET status = 'resolved', resolved_at = now(), updated_at = now(), resolution = why
             WHERE rule_id = rule AND status = 'open'
             RETURNING *
    LOOP
        PERFORM risk_internal._notify('resolved', a);
    END LOOP;
END
$$;

-- The triggers run as the extension's owner: the alerts table is written
-- by no one else.
CREATE OR REPLACE FUNCTION risk_internal._rule_deleted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._resolve_rule_alerts(OLD.id, 'rule dropped');
    RETURN OLD;
END
$$;
CREATE OR REPLACE TRIGGER rules_deleted AFTER DELETE ON risk.rules
    FOR EACH ROW EXECUTE FUNCTION risk_internal._rule_deleted();

CREATE FUNCTION risk_internal._rule_disabled() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._resolve_rule_alerts(NEW.id, 'rule disabled');
    RETURN NEW;
END
$$;
CREATE TRIGGER rules_disabled AFTER UPDATE OF enabled ON risk.rules
    FOR EACH ROW WHEN (OLD.enabled AND NOT NEW.enabled)
    EXECUTE FUNCTION risk_internal._rule_disabled();

REVOKE ALL ON FUNCTION risk_internal._resolve_rule_alerts(integer, text), risk_internal._rule_deleted(),
    risk_internal._rule_disabled() FROM PUBLIC;
COMMENT ON FUNCTION risk_internal._resolve_rule_alerts(integer, text) IS
'Resolve the open alerts of a rule with the given resolution, and notify each';
COMMENT ON FUNCTION risk_internal._rule_deleted() IS
'Trigger: resolve the open alerts of a rule that is dropped';
COMMENT ON FUNCTION risk_internal._rule_disabled() IS
'Trigger: resolve the open alerts of a rule that is disabled (enabled set to false)';

-- Functions only the background workers (and superusers) call.
CREATE OR REPLACE FUNCTION risk_internal._worker_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk_internal._refresh_as_owner(regclass, boolean, integer)',
        'risk_internal._rule_breaches(regclass, name, text, float8, name[])',
        'risk_internal._refresh_concurrently(oid)', 'risk_internal._scheduler_start()',
        'risk_internal._due(oid[], integer)', 'risk_internal._refresh_begin(oid)',
        'risk_internal._refresh_end(bigint, text, text, text, bigint)', 'risk_internal._refresh_lost(bigint)',
        'risk_internal._rules_failed(bigint, text, text)', 'risk_internal._evaluate_rules(bigint)',
        'risk_internal._notify(text, risk.alerts)', 'risk_internal._rule_deleted()', 'risk_internal._rule_disabled()',
        'risk_internal._resolve_rule_alerts(integer, text)',
        'risk_internal._breach_rows(jsonb, text)', 'risk_internal._on_sql_drop()'
    ]::regprocedure[]
$$;

COMMENT ON FUNCTION risk_internal._worker_functions() IS
'The functions only the background workers (and superusers) call';

-- What a batch job needs, and alerts in bulk.
--
-- risk.refresh_and_evaluate refreshes a watched view in the calling session
-- and evaluates its rules, on the path of the refresh workers
-- (src/warning.c: risk_refresh_start, risk_refresh_run), and returns the
-- history row it recorded: a nightly job needs neither the workers nor a
-- poll of risk.refresh_history.
--
-- Rule evaluation is set-based: a rule's breaching rows come as a relation
-- (risk_internal._rule_breach_rows, one row per key, run as the view's owner), and
-- one statement per rule updates, opens and resolves its alerts, joining
-- them once.  Listeners get one NOTIFY per opened and resolved alert while
-- a rule's refresh opens and resolves at most risk.alert_notify_limit (100)
-- of them, one summary NOTIFY for the rule above that.

-- ---------------------------------------------------------------------
-- The synchronous refresh
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk.refresh_and_evaluate(view regclass) RETURNS risk.refresh_history
    AS 'MODULE_PATHNAME', 'risk_refresh_and_evaluate'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION risk.refresh_and_evaluate(regclass) IS
'Refresh a watched view now, in this session and transaction, as its owner, evaluate its rules and return the refresh as recorded in risk.refresh_history (id, rows, outcome, alerts opened, updated and resolved); a failed refresh or rule is recorded and returned, not raised; works without the background workers';

-- ---------------------------------------------------------------------
-- Queueing a lane of refreshes
-- ---------------------------------------------------------------------

-- The scheduler queues the views of a lane at once: a history row each
-- (running), in the order given; the views no longer watched, or paused,
-- are left out.  As risk_internal._refresh_begin, for many views in one statement.
CREATE OR REPLACE FUNCTION risk_internal._refresh_queue(views oid[])
    RETURNS TABLE (view oid, id bigint)
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO risk.refresh_history AS h (view, view_name, started_at, concurrent, outcome)
    SELECT w.view, w.view::text, clock_timestamp(), risk_internal._refresh_concurrently(w.view), 'running'
    FROM unnest(views) WITH ORDINALITY AS u(v, o)
    JOIN risk.watched w ON w.view = u.v AND NOT w.paused
    ORDER BY u.o
    RETURNING h.view::oid, h.id
$$;
COMMENT ON FUNCTION risk_internal._refresh_queue(oid[]) IS
'Worker: record the refreshes of a lane as queued (a running history row each, in the order given); returns each view with its history id, none for a view no longer watched or paused';

-- ---------------------------------------------------------------------
-- Rules in bulk
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk_internal._rule_breach_rows(view regclass, metric name, op text,
                                                  threshold float8, keys name[])
    RETURNS TABLE (key jsonb, value float8)
    AS 'MODULE_PATHNAME', 'risk_rule_breach_rows'
    LANGUAGE C VOLATILE ROWS 1000;
COMMENT ON FUNCTION risk_internal._rule_breach_rows(regclass, name, text, float8, name[]) IS
'Worker: as the view''s owner, the rows where metric op threshold holds, one per key (a jsonb object of the key columns) with the worst value';

CREATE OR REPLACE FUNCTION risk_internal._alert_notify_limit() RETURNS integer
    AS 'MODULE_PATHNAME', 'risk_alert_notify_limit_sql'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION risk_internal._alert_notify_limit() IS
'Worker: risk.alert_notify_limit, the most alerts a rule opens and resolves in one refresh with a NOTIFY each (-1: no limit)';

-- One NOTIFY for the alerts a rule opened and resolved in one refresh (or
-- resolved when it was dropped or disabled), instead of one per alert:
-- the detail is in risk.alerts (rule_id, and opened_at or resolved_at = at).
CREATE OR REPLACE FUNCTION risk_internal._notify_summary(a risk.alerts, refresh_id bigint,
                                                opened bigint, resolved bigint)
    RETURNS bigint
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_notify('risk_alerts',
                     json_build_object('event', 'summary', 'view', left(a.view_name, 200),
                                       'rule', left(a.rule_name, 200), 'rule_id', a.rule_id,
                                       'refresh_id', refresh_id, 'severity', a.severity,
                                       'opened', opened, 'resolved', resolved,
                                       'at', now())::text);
    SELECT 1::bigint;
$$;
COMMENT ON FUNCTION risk_internal._notify_summary(risk.alerts, bigint, bigint, bigint) IS
'Send one summary event on channel risk_alerts for the alerts a rule opened and resolved at once (event summary: view, rule, rule_id, refresh_id, severity, opened, resolved, at)';

-- After a successful refresh: evaluate every rule of the view, one
-- statement per rule.  The breaching rows are read once (as the owner) and
-- joined once: the continuing breaches update their open alerts, the new
-- ones open alerts, the open alerts without a breach are resolved.  Then
-- the NOTIFYs: one per alert up to risk.alert_notify_limit, else a summary.
-- Every join is a hash (or merge) join: a refresh may open thousands of
-- alerts before risk.alerts is analyzed again, and with the default
-- selectivities a nested loop over the open alerts of a rule, planned for
-- one row, would compare every alert with every breach.
CREATE OR REPLACE FUNCTION risk_internal._evaluate_rules(hid bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET enable_nestloop = off
AS $$
DECLARE
    v regclass;
    vname text;
    r risk.rules;
    lim integer := risk_internal._alert_notify_limit();
    n_upd integer;
    n_open integer;
    n_res integer;
    sent bigint;
    nrules integer := 0;
    opened integer := 0;
    updated integer := 0;
    resolved integer := 0;
BEGIN
    SELECT h.view, h.view_name INTO v, vname FROM risk.refresh_history h WHERE h.id = hid;
    FOR r IN SELECT * FROM risk.rules x WHERE x.view = v AND x.enabled ORDER BY x.id LOOP
        WITH br AS MATERIALIZED (
            SELECT b.key, b.value
            FROM risk_internal._rule_breach_rows(v, r.metric, r.op, r.threshold, r.key_columns) b
        ), upd AS (
            UPDATE risk.alerts x
            SET value = br.value, updated_at = now(), refreshes = x.refreshes + 1
            FROM br
            WHERE x.rule_id = r.id AND x.status = 'open' AND x.key = br.key
            RETURNING 1
        ), ins AS (
            INSERT INTO risk.alerts AS x
                (rule_id, rule_name, view, view_name, key, metric, op, threshold,
                 value, severity, action, status, opened_at, updated_at)
            SELECT r.id, r.rule_name, v, vname, br.key, r.metric, r.op, r.threshold,
                   br.value, r.severity, r.action, 'open', now(), now()
            FROM br
            WHERE NOT EXISTS (SELECT 1 FROM risk.alerts o
                              WHERE o.rule_id = r.id AND o.status = 'open' AND o.key = br.key)
            RETURNING x
        ), res AS (
            UPDATE risk.alerts x
            SET status = 'resolved', resolved_at = now(), updated_at = now(),
                resolution = 'cleared'
            WHERE x.rule_id = r.id AND x.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM br WHERE br.key = x.key)
            RETURNING x
        )
        SELECT (SELECT count(*) FROM upd), c.o, c.s,
               CASE WHEN c.o + c.s = 0 THEN 0
                    WHEN lim < 0 OR c.o + c.s <= lim
                    THEN (SELECT count(*)
                          FROM (SELECT risk_internal._notify(e.event, e.a)
                                FROM (SELECT 'opened' AS event, ins.x AS a FROM ins
                                      UNION ALL
                                      SELECT 'resolved', res.x FROM res) e
                                ORDER BY e.event, (e.a).id) q)
                    ELSE risk_internal._notify_summary(coalesce((SELECT ins.x FROM ins LIMIT 1),
                                                       (SELECT res.x FROM res LIMIT 1)),
                                              hid, c.o, c.s)
               END
        INTO n_upd, n_open, n_res, sent
        FROM (SELECT (SELECT count(*) FROM ins) AS o, (SELECT count(*) FROM res) AS s) c;
        updated := updated + n_upd;
        opened := opened + n_open;
        resolved := resolved + n_res;
        nrules := nrules + 1;
    END LOOP;
    -- without rules the counts stay the zeros risk_internal._refresh_end wrote
    IF nrules = 0 THEN
        RETURN;
    END IF;
    UPDATE risk.refresh_history
    SET alerts_opened = opened, alerts_updated = updated, alerts_resolved = resolved
    WHERE id = hid;
END
$$;
COMMENT ON FUNCTION risk_internal._evaluate_rules(bigint) IS
'Worker: evaluate every rule of the refreshed view in one statement per rule: open, update and resolve alerts, and notify (one event per alert, or a summary above risk.alert_notify_limit)';

-- Resolve the open alerts of a dropped or disabled rule (the triggers of
-- above): one statement, and the NOTIFYs as after a refresh.
CREATE OR REPLACE FUNCTION risk_internal._resolve_rule_alerts(rule integer, why text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    lim integer := risk_internal._alert_notify_limit();
    sent bigint;
BEGIN
    WITH res AS MATERIALIZED (
        UPDATE risk.alerts x
        SET status = 'resolved', resolved_at = now(), updated_at = now(), resolution = why
        WHERE x.rule_id = rule AND x.status = 'open'
        RETURNING x
    )
    SELECT CASE WHEN c.s = 0 THEN 0
                WHEN lim < 0 OR c.s <= lim
                THEN (SELECT count(*) FROM (SELECT risk_internal._notify('resolved', res.x) FROM res
                                            ORDER BY (res.x).id) q)
                ELSE risk_internal._notify_summary((SELECT res.x FROM res LIMIT 1), NULL, 0, c.s)
           END
    INTO sent
    FROM (SELECT count(*) AS s FROM res) c;
END
$$;
COMMENT ON FUNCTION risk_internal._resolve_rule_alerts(integer, text) IS
'Resolve the open alerts of a rule with the given resolution in one statement, and notify (one event per alert, or a summary above risk.alert_notify_limit)';

-- The bulk support functions are the workers' (refresh_and_evaluate is an
-- admin function, like refresh_now: risk_internal._admin_functions,
-- 95_security.sql).
CREATE OR REPLACE FUNCTION risk_internal._worker_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk_internal._refresh_as_owner(regclass, boolean, integer)',
        'risk_internal._rule_breach_rows(regclass, name, text, float8, name[])',
        'risk_internal._refresh_concurrently(oid)', 'risk_internal._scheduler_start()',
        'risk_internal._due(oid[], integer)', 'risk_internal._refresh_begin(oid)', 'risk_internal._refresh_queue(oid[])',
        'risk_internal._refresh_end(bigint, text, text, text, bigint)', 'risk_internal._refresh_lost(bigint)',
        'risk_internal._rules_failed(bigint, text, text)', 'risk_internal._evaluate_rules(bigint)',
        'risk_internal._notify(text, risk.alerts)', 'risk_internal._notify_summary(risk.alerts, bigint, bigint, bigint)',
        'risk_internal._alert_notify_limit()', 'risk_internal._rule_deleted()', 'risk_internal._rule_disabled()',
        'risk_internal._resolve_rule_alerts(integer, text)', 'risk_internal._on_sql_drop()'
    ]::regprocedure[]
$$;
COMMENT ON FUNCTION risk_internal._worker_functions() IS
'The functions only the background workers (and superusers) call';

-- The objects that name the watched view and its cadence (the tables are
-- above).
--
-- One type for the view everywhere: risk.watched, risk.rules, risk.alerts,
-- risk.refresh_history and the BI views below all have a column `view` of
-- type regclass, so `a.view = s.view` joins any two of them, and pg_dump
-- writes the view's name (a restore maps it to the new OID).  view_name in
-- the alerts and the history keeps the name the view had at the time.
--
-- Columns a BI tool reads: intervals come with a companion in seconds
-- (float8), booleans stay boolean, times are timestamptz.
--
-- The cadence: the refresh worker sets a view's next run to the moment its
-- refresh actually starts plus the view's interval (src/warning_worker.c), so two
-- refreshes of a view are never closer than its interval; a failed refresh
-- is retried sooner, with backoff (risk_internal._refresh_end), and
-- risk.refresh_now makes a view due at once.  The scheduler looks for due
-- views once per risk.naptime: risk.watch says so when the interval asked
-- for is shorter.

-- ---------------------------------------------------------------------
-- Registering a view
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk.watch(view regclass, every interval) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    naptime interval;
BEGIN
    PERFORM risk_internal._check_view(view, 'watch');
    IF every IS NULL OR every <= interval '0' THEN
        RAISE EXCEPTION 'risk.watch: every must be a positive interval, got %',
                coalesce(every::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO risk.watched AS w (view, every) VALUES (watch.view, watch.every)
    ON CONFLICT ON CONSTRAINT watched_pkey
    DO UPDATE SET every = excluded.every, next_run = least(w.next_run, now() + excluded.every);
    IF NOT risk_internal._wake() THEN
        RAISE NOTICE 'risk background workers are not running: add risk to shared_preload_libraries to refresh % every %',
            view, every;
    END IF;
    -- risk_internal._wake() loaded the library, which defines risk.naptime (in ms)
    SELECT s.setting::float8 * interval '1 millisecond' INTO naptime
    FROM pg_settings s WHERE s.name = 'risk.naptime';
    IF every < naptime THEN
        RAISE NOTICE 'risk.watch: % will be refreshed about every % (risk.naptime), not every %',
                view, current_setting('risk.naptime'), every
            USING HINT = 'The scheduler looks for due views once per risk.naptime. For a shorter cadence lower it (ALTER SYSTEM SET risk.naptime, then SELECT pg_reload_conf()).';
    END IF;
END
$$;
COMMENT ON FUNCTION risk.watch(regclass, interval) IS
'Register (or re-time) a materialized view for refresh by the scheduler every interval, at most once per risk.naptime (a NOTICE says so when the interval is shorter); the caller must be a member of the view''s owning role';

-- (risk_internal._evaluate_rules, which opens, updates and resolves alerts after a
-- refresh, is below)

-- ---------------------------------------------------------------------
-- Bookkeeping of a refresh (run by the workers as superuser)
-- ---------------------------------------------------------------------

-- A due view is queued: a history row, running.  Its start time is set
-- again, with the view's next run, when the refresh worker begins it.
CREATE OR REPLACE FUNCTION risk_internal._refresh_begin(v oid) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    hid bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM risk.watched w WHERE w.view = v AND NOT w.paused) THEN
        RETURN NULL;
    END IF;
    INSERT INTO risk.refresh_history (view, view_name, started_at, concurrent, outcome)
    VALUES (v, coalesce((SELECT c.oid::regclass::text FROM pg_class c WHERE c.oid = v), v::text),
            clock_timestamp(), risk_internal._refresh_concurrently(v), 'running')
    RETURNING id INTO hid;
    RETURN hid;
END
$$;
COMMENT ON FUNCTION risk_internal._refresh_begin(oid) IS
'Worker: record a refresh as queued (a running history row); the refresh worker sets its start and the view''s next run (start + interval) when it begins; NULL if no longer watched or paused';

-- End of a refresh.  A failure is retried with backoff: after 5 s, 10 s,
-- 20 s, ... but never later than the view's own interval.
CREATE OR REPLACE FUNCTION risk_internal._refresh_end(hid bigint, outcome text, sqlstate text, message text,
                                             nrows bigint)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v regclass;
BEGIN
    -- a successful refresh has opened, updated and resolved no alert until
    -- its rules are evaluated (risk_internal._evaluate_rules counts them, if any)
    UPDATE risk.refresh_history h
    SET finished_at = clock_timestamp(), duration = clock_timestamp() - h.started_at,
        outcome = _refresh_end.outcome, sqlstate = _refresh_end.sqlstate,
        message = _refresh_end.message, rows = nrows,
        alerts_opened = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END,
        alerts_updated = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END,
        alerts_resolved = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END
    WHERE h.id = hid AND h.outcome = 'running'
    RETURNING h.view INTO v;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF outcome = 'ok' THEN
        UPDATE risk.watched w
        SET failures = 0, last_finished = clock_timestamp(), last_outcome = 'ok',
            last_message = NULL
        WHERE w.view = v;
    ELSE
        UPDATE risk.watched w
        SET failures = w.failures + 1, last_finished = clock_timestamp(),
            last_outcome = _refresh_end.outcome, last_message = _refresh_end.message,
            next_run = clock_timestamp()
                       + least(w.every, interval '5 seconds' * power(2, least(w.failures, 20)))
        WHERE w.view = v;
    END IF;
END
$$;
COMMENT ON FUNCTION risk_internal._refresh_end(bigint, text, text, text, bigint) IS
'Worker: record the outcome of a refresh; a failure is retried with backoff';

-- The worker of hid stopped: if it did not record an outcome, it was lost.
CREATE OR REPLACE FUNCTION risk_internal._refresh_lost(hid bigint) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT risk_internal._refresh_end(hid, 'lost', NULL,
                             'the refresh worker exited without recording an outcome', NULL)
$$;
COMMENT ON FUNCTION risk_internal._refresh_lost(bigint) IS
'Worker: a refresh worker stopped without recording an outcome: record it as lost';

-- The refresh succeeded but a rule could not be evaluated.
CREATE OR REPLACE FUNCTION risk_internal._rules_failed(hid bigint, sqlstate text, message text) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE risk.refresh_history h
    SET outcome = 'rules_failed', sqlstate = _rules_failed.sqlstate,
        message = _rules_failed.message,
        alerts_opened = NULL, alerts_updated = NULL, alerts_resolved = NULL
    WHERE h.id = hid;
    UPDATE risk.watched w
    SET last_outcome = 'rules_failed', last_message = _rules_failed.message
    WHERE w.view = (SELECT h.view FROM risk.refresh_history h WHERE h.id = hid);
$$;
COMMENT ON FUNCTION risk_internal._rules_failed(bigint, text, text) IS
'Worker: the refresh succeeded but a rule could not be evaluated';

-- (EXECUTE on these functions is revoked from PUBLIC by 99_privileges.sql
-- on a fresh install; the upgrade replaces them and keeps their privileges)

-- ---------------------------------------------------------------------
-- BI views: they run with the reader's privileges, so the row checks apply
-- ---------------------------------------------------------------------

-- Each names the view twice: `view` (regclass) to join on, and view_name,
-- its schema-qualified name as text whatever the reader's search_path (the
-- name it had when the alert was recorded if it is gone), to show and to
-- filter on: a BI tool's `view_name = 'public.limit_utilisation'` works,
-- where `view = 'public.limit_utilisation'` needs a cast to regclass.

CREATE VIEW risk.open_alerts WITH (security_invoker = true) AS
SELECT a.id, a.severity, a.view,
       coalesce((SELECT format('%I.%I', n.nspname, c.relname)
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = a.view), a.view_name) AS view_name,
       a.rule_name AS rule, a.key, a.metric, a.op, a.threshold, a.value, a.action,
       a.opened_at, a.updated_at, a.refreshes
FROM risk.alerts a
WHERE a.status = 'open'
ORDER BY CASE a.severity WHEN 'critical' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,
         a.opened_at, a.id;
COMMENT ON VIEW risk.open_alerts IS
'Open alerts, most severe first: which view (regclass, and its qualified name) and rule, which row (key), the value against the threshold, the recommended action';

CREATE VIEW risk.alert_summary WITH (security_invoker = true) AS
SELECT a.severity, a.view,
       coalesce((SELECT format('%I.%I', n.nspname, c.relname)
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = a.view), max(a.view_name)) AS view_name,
       count(*) FILTER (WHERE a.status = 'open') AS open,
       count(*) FILTER (WHERE a.opened_at > now() - interval '1 day') AS opened_last_day,
       count(*) FILTER (WHERE a.resolved_at > now() - interval '1 day') AS resolved_last_day,
       min(a.opened_at) FILTER (WHERE a.status = 'open') AS oldest_open
FROM risk.alerts a
GROUP BY a.severity, a.view;
COMMENT ON VIEW risk.alert_summary IS
'Alerts by severity and view (regclass, and its qualified name): open now, opened and resolved in the last day, the oldest open one';

CREATE VIEW risk.refresh_status WITH (security_invoker = true) AS
SELECT w.view,
       (SELECT format('%I.%I', n.nspname, c.relname)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = w.view) AS view_name,
       w.every, extract(epoch FROM w.every)::float8 AS every_seconds,
       w.paused, w.next_run, w.failures, w.last_outcome,
       w.last_started, w.last_finished, w.last_message,
       (SELECT count(*) FROM risk.alerts a
        WHERE a.view = w.view AND a.status = 'open') AS open_alerts
FROM risk.watched w;
COMMENT ON VIEW risk.refresh_status IS
'Each watched view (regclass, and its qualified name): interval (also in seconds), schedule, last outcome and message, failures in a row, open alerts';

REVOKE ALL ON risk.open_alerts, risk.alert_summary, risk.refresh_status FROM PUBLIC;
-- Security: the role model (three cumulative levels) and graded protection
-- of customer data (confidentiality levels on columns, column privileges
-- and masked views).  docs/security.md explains both.

-- ---------------------------------------------------------------------
-- Graded protection
-- ---------------------------------------------------------------------

CREATE TABLE risk.confidentiality_level (
    level       text    PRIMARY KEY,
    rank        integer NOT NULL UNIQUE,
    description text    NOT NULL
);
INSERT INTO risk.confidentiality_level VALUES
    ('public',       0, 'may be published'),
    ('internal',     1, 'staff of the bank; the level of a column nobody classified'),
    ('confidential', 2, 'customer data: amounts, ratings, identifiers'),
    ('restricted',   3, 'names, contact and tax data: need to know only');
COMMENT ON TABLE risk.confidentiality_level IS
'The confidentiality levels, in order: public < internal < confidential < restricted';
REVOKE ALL ON risk.confidentiality_level FROM PUBLIC;
GRANT SELECT ON risk.confidentiality_level TO PUBLIC;

CREATE TABLE risk.classification (
    tab           regclass    NOT NULL,
    col           name        NOT NULL,
    level         text        NOT NULL REFERENCES risk.confidentiality_level,
    mask          text        NOT NULL
        CHECK (mask IN ('pseudonym', 'round', 'month', 'null')),
    classified_by name        NOT NULL DEFAULT current_user,
    classified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tab, col)
);
COMMENT ON TABLE risk.classification IS
'Confidentiality level of table columns and how a masked view shows them to roles cleared below that level (pseudonym, round, month, null); unclassified columns are internal';
SELECT pg_catalog.pg_extension_config_dump('risk.classification', '');
ALTER TABLE risk.classification ENABLE ROW LEVEL SECURITY;
CREATE POLICY classification_read ON risk.classification FOR SELECT USING (risk_internal._may_read(tab));
CREATE POLICY classification_insert ON risk.classification FOR INSERT WITH CHECK (risk_internal._may_manage(tab));
CREATE POLICY classification_update ON risk.classification FOR UPDATE
    USING (risk_internal._may_manage(tab)) WITH CHECK (risk_internal._may_manage(tab));
CREATE POLICY classification_delete ON risk.classification FOR DELETE USING (risk_internal._may_manage(tab));
REVOKE ALL ON risk.classification FROM PUBLIC;

-- The key of the pseudonyms: one per database, read only by the owners of
-- masked views (admins), never by the roles that read them.
CREATE TABLE risk.masking_key (
    id     integer PRIMARY KEY CHECK (id = 1),
    secret text    NOT NULL
);
COMMENT ON TABLE risk.masking_key IS
'The secret of the keyed pseudonyms in masked views (one row, made by the first risk.grant_access); kept by pg_dump so pseudonyms survive a restore; changing it changes every pseudonym';
SELECT pg_catalog.pg_extension_config_dump('risk.masking_key', '');
REVOKE ALL ON risk.masking_key FROM PUBLIC;

-- The error of round_significant for a bad digits argument.
CREATE FUNCTION risk_internal._check_digits(digits integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF digits IS NULL OR digits < 1 OR digits > 15 THEN
        RAISE EXCEPTION 'risk.round_significant: digits must be between 1 and 15, got %',
                coalesce(digits::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;

-- x rounded to digits significant digits (0 stays 0; NaN and infinities pass).
CREATE FUNCTION risk.round_significant(x float8, digits integer DEFAULT 2) RETURNS float8
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._check_digits(digits);
    IF x = 0 OR x IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RETURN x;
    END IF;
    RETURN round(x::numeric, digits - 1 - floor(log(abs(x)::numeric))::integer)::float8;
END
$$;
COMMENT ON FUNCTION risk.round_significant(float8, integer) IS
'x rounded to the given number of significant digits (1 to 15): how a masked view shows an amount above the reader''s level';

-- Check that the caller may manage table t (a member of its owner).
CREATE FUNCTION risk_internal._check_table(t regclass, what text) RETURNS oid
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner oid;
    kind "char";
BEGIN
    IF t IS NULL THEN
        RAISE EXCEPTION 'risk.%: table must not be NULL', what
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT c.relowner, c.relkind INTO owner, kind FROM pg_class c WHERE c.oid = t;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.%: relation with OID % does not exist', what, t::oid
            USING ERRCODE = 'undefined_table';
    END IF;
    IF kind NOT IN ('r', 'p', 'v', 'm', 'f') THEN
        RAISE EXCEPTION 'risk.%: "%" is not a table or view', what, t
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF NOT pg_has_role(owner, 'USAGE') THEN
        RAISE EXCEPTION 'risk.%: must be a member of role "%" (owner of %)',
                what, pg_get_userbyid(owner), t
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN owner;
END
$$;

CREATE FUNCTION risk.classify(tab regclass, col name, level text, mask text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    typ oid;
    cat "char";
BEGIN
    PERFORM risk_internal._check_table(tab, 'classify');
    SELECT a.atttypid, t.typcategory INTO typ, cat
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = tab AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.classify: column "%" of % does not exist', coalesce(col::text, 'NULL'), tab
            USING ERRCODE = 'undefined_column';
    END IF;
    IF level IS NULL OR NOT EXISTS (SELECT 1 FROM risk.confidentiality_level l WHERE l.level = classify.level) THEN
        RAISE EXCEPTION 'risk.classify: unknown confidentiality level "%"', coalesce(level, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use public, internal, confidential or restricted.';
    END IF;
    IF mask IS NULL THEN
        mask := CASE cat WHEN 'N' THEN 'round' WHEN 'D' THEN 'month'
                         WHEN 'S' THEN 'pseudonym' ELSE 'null' END;
    END IF;
    IF mask NOT IN ('pseudonym', 'round', 'month', 'null') THEN
        RAISE EXCEPTION 'risk.classify: unknown mask "%"', mask
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use pseudonym, round, month or null.';
    END IF;
    IF (mask = 'round' AND cat <> 'N') OR (mask = 'month' AND cat <> 'D') THEN
        RAISE EXCEPTION 'risk.classify: mask "%" does not apply to column "%" of type %',
                mask, col, format_type(typ, NULL)
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    INSERT INTO risk.classification AS c (tab, col, level, mask)
    VALUES (tab, col, level, mask)
    ON CONFLICT ON CONSTRAINT classification_pkey
    DO UPDATE SET level = excluded.level, mask = excluded.mask,
                  classified_by = current_user, classified_at = now();
END
$$;
COMMENT ON FUNCTION risk.classify(regclass, name, text, text) IS
'Label a column with a confidentiality level (public, internal, confidential, restricted) and how masked views show it (default by type: numbers rounded, dates to the month, text pseudonymised)';

-- The masked expression of column col (alias t) under mask.
CREATE FUNCTION risk_internal._masked(col name, typ oid, mask text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE mask
        WHEN 'pseudonym' THEN format(
            '(''p'' || pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to('
            'k.secret || '':'' || t.%1$I::pg_catalog.text, ''UTF8'')), ''hex''), 16))', col)
        WHEN 'round' THEN format('(risk.round_significant(t.%1$I::pg_catalog.float8, 2))', col)
        WHEN 'month' THEN format('(pg_catalog.date_trunc(''month'', t.%1$I)::%2$s)', col,
                                 format_type(typ, NULL))
        ELSE format('(NULL::%s)', format_type(typ, NULL))
    END
$$;

-- ---------------------------------------------------------------------
-- The role model
-- ---------------------------------------------------------------------

-- Functions that change configuration: for admins only.
CREATE FUNCTION risk_internal._admin_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk.watch(regclass, interval)', 'risk.unwatch(regclass)', 'risk.pause(regclass)',
        'risk.resume(regclass)', 'risk.refresh_now(regclass)',
        'risk.refresh_and_evaluate(regclass)',
        'risk.add_rule(regclass, name, text, float8, text, text, name[], text)',
        'risk.drop_rule(integer)',
        'risk.classify(regclass, name, text, text)', 'risk.grant_access(regclass, regrole, text)'
    ]::regprocedure[]
$$;

-- ERROR unless r names an existing role.
CREATE FUNCTION risk_internal._check_role(r regrole, what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF r IS NULL THEN
        RAISE EXCEPTION 'risk.%: role must not be NULL', what
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles x WHERE x.oid = r) THEN
        RAISE EXCEPTION 'risk.%: role with OID % does not exist', what, r::oid
            USING ERRCODE = 'undefined_object';
    END IF;
END
$$;

CREATE FUNCTION risk.grant_reader(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_reader');
    EXECUTE format('GRANT SELECT ON risk.open_alerts, risk.alert_summary, risk.refresh_status, '
                   'risk.alerts, risk.watched, risk.rules, risk.refresh_history TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_reader(regrole) IS
'BI reader level: read the early-warning views (open alerts, summary, refresh status) and the tables under them (alerts, watched views, rules, refresh history), rows of the watched views the role may read only; no function of the extension';

CREATE FUNCTION risk.grant_analyst(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_analyst');
    PERFORM risk.grant_reader(r);
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace)
          AND p.proname NOT LIKE 'grant\_%' AND p.proname <> 'revoke_levels'
          AND p.oid::regprocedure <> ALL (risk_internal._admin_functions())
          AND p.oid::regprocedure <> ALL (risk_internal._worker_functions())
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f, r);
    END LOOP;
    EXECUTE format('GRANT SELECT ON risk.master_scale, risk.classification, risk.questionnaire, '
                   'risk.questionnaire_item, risk.questionnaire_answer, risk.questionnaire_conflict, '
                   'risk.capacity_policy, risk.scorecard, risk.scorecard_characteristic, '
                   'risk.scorecard_bin TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT (customer, inputs, verdict, factors, reasons) '
                   'ON risk.suitability_audit TO %s', r);
    EXECUTE format('GRANT USAGE ON SEQUENCE risk.suitability_audit_id_seq TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_analyst(regrole) IS
'Analyst level: run every risk function and aggregate, read master scales, classifications, questionnaires, capacity policies, scorecards and the early-warning views, record suitability checks and read their record; no configuration';

CREATE FUNCTION risk.grant_admin(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_admin');
    PERFORM risk.grant_analyst(r);
    FOREACH f IN ARRAY risk_internal._admin_functions() LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f, r);
    END LOOP;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON risk.watched, risk.rules, '
                   'risk.classification, risk.master_scale, risk.questionnaire, risk.questionnaire_item, '
                   'risk.questionnaire_answer, risk.questionnaire_conflict, risk.capacity_policy, '
                   'risk.scorecard, risk.scorecard_characteristic, risk.scorecard_bin TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT ON risk.masking_key TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_admin(regrole) IS
'Admin level: analyst, plus watch views, manage rules, master scales, questionnaires, capacity policies, scorecards and classifications, and grant access to the tables the role owns';

CREATE FUNCTION risk.revoke_levels(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'revoke_levels');
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace) LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %s', f, r);
    END LOOP;
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA risk FROM %s', r);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA risk FROM %s', r);
END
$$;
COMMENT ON FUNCTION risk.revoke_levels(regrole) IS
'Take back every privilege on the extension''s functions, tables and views that the grant functions gave a role';

-- What each internal function is for.
COMMENT ON FUNCTION risk_internal._check_table(regclass, text) IS
'ERROR unless the relation is a table or view the current user may manage (a member of its owner); returns the owner';
COMMENT ON FUNCTION risk_internal._check_role(regrole, text) IS
'ERROR unless the role is not NULL and exists';
COMMENT ON FUNCTION risk_internal._check_digits(integer) IS
'ERROR unless the number of significant digits of risk.round_significant is between 1 and 15';
COMMENT ON FUNCTION risk_internal._masked(name, oid, text) IS
'The SQL expression a masked view shows for a column above the reader''s level';
COMMENT ON FUNCTION risk_internal._admin_functions() IS
'The functions only the admin level may call';

-- risk.grant_access (as 0.2.1 changed it).

CREATE OR REPLACE FUNCTION risk.grant_access(tab regclass, grantee regrole, up_to text) RETURNS regclass
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    lim integer;
    clear text[] := '{}';
    masked text[] := '{}';
    cols text[] := '{}';
    r record;
    nsp name;
    rel name;
    vname text;
    def text;
    acl aclitem[];
    g record;
BEGIN
    PERFORM risk_internal._check_table(tab, 'grant_access');
    PERFORM risk_internal._check_role(grantee, 'grant_access');
    SELECT l.rank INTO lim FROM risk.confidentiality_level l WHERE l.level = up_to;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.grant_access: unknown confidentiality level "%"', coalesce(up_to, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use public, internal, confidential or restricted.';
    END IF;
    IF NOT has_table_privilege('risk.masking_key', 'SELECT') THEN
        RAISE EXCEPTION 'risk.grant_access: the owner of a masked view must be able to read risk.masking_key'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Grant the level with risk.grant_admin to the role that owns the table.';
    END IF;
    INSERT INTO risk.masking_key (id, secret)
    VALUES (1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
    ON CONFLICT (id) DO NOTHING;
    FOR r IN
        SELECT a.attname, a.atttypid, a.atttypmod,
               coalesce(l.rank, 1) AS rank, coalesce(c.mask, 'null') AS mask
        FROM pg_attribute a
        LEFT JOIN risk.classification c ON c.tab = grant_access.tab AND c.col = a.attname
        LEFT JOIN risk.confidentiality_level l ON l.level = c.level
        WHERE a.attrelid = grant_access.tab AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
    LOOP
        IF r.rank <= lim THEN
            clear := clear || quote_ident(r.attname);
            cols := cols || format('t.%I', r.attname);
        ELSE
            masked := masked || quote_ident(r.attname);
            -- a masked column keeps the column's type where it can (a
            -- pseudonym is text), so that a level changed later can
            -- replace the view in place
            IF r.mask = 'pseudonym' THEN
                cols := cols || format('%s AS %I', risk_internal._masked(r.attname, r.atttypid, r.mask), r.attname);
            ELSE
                cols := cols || format('(%s)::%s AS %I', risk_internal._masked(r.attname, r.atttypid, r.mask),
                                       format_type(r.atttypid, r.atttypmod), r.attname);
            END IF;
        END IF;
    END LOOP;
    SELECT n.nspname, c.relname INTO nsp, rel
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tab;
    vname := format('%I.%I', nsp, left(rel, 40) || '_' || up_to);
    def := format('VIEW %s WITH (security_barrier) AS SELECT %s FROM %s t CROSS JOIN risk.masking_key k',
                  vname, array_to_string(cols, ', '), tab);
    BEGIN
        EXECUTE 'CREATE OR REPLACE ' || def;
    EXCEPTION WHEN invalid_table_definition THEN
        -- a column changed type (between clear and pseudonym): make the
        -- view anew and give its readers back their privileges
        SELECT c.relacl INTO acl FROM pg_class c WHERE c.oid = to_regclass(vname);
        EXECUTE format('DROP VIEW %s', vname);
        EXECUTE 'CREATE ' || def;
        FOR g IN
            SELECT a.grantee, a.privilege_type FROM aclexplode(acl) a
            WHERE a.grantee <> (SELECT c.relowner FROM pg_class c WHERE c.oid = to_regclass(vname))
        LOOP
            EXECUTE format('GRANT %s ON %s TO %s', g.privilege_type, vname,
                           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END);
        END LOOP;
    END;
    EXECUTE format('COMMENT ON VIEW %s IS %L', vname,
                   format('%s as a role cleared up to %s sees it: columns above that level masked (risk.grant_access)',
                          tab, up_to));
    EXECUTE format('GRANT SELECT ON %s TO %s', vname, grantee);
    IF cardinality(clear) > 0 THEN
        EXECUTE format('GRANT SELECT (%s) ON %s TO %s', array_to_string(clear, ', '), tab, grantee);
    END IF;
    -- a column whose level was raised since an earlier call is taken back
    IF cardinality(masked) > 0 THEN
        EXECUTE format('REVOKE SELECT (%s) ON %s FROM %s', array_to_string(masked, ', '), tab, grantee);
    END IF;
    IF has_table_privilege(grantee, tab, 'SELECT') THEN
        RAISE WARNING 'risk.grant_access: role "%" can read every column of % in clear', grantee, tab
            USING ERRCODE = '01000',
                  DETAIL = 'It has SELECT on the whole table (granted to it, to a role it belongs to, or to PUBLIC, or it is a superuser or the owner).',
                  HINT = format('REVOKE SELECT ON %s FROM the roles that should see it masked.', tab);
    END IF;
    RETURN vname::regclass;
END
$$;
COMMENT ON FUNCTION risk.grant_access(regclass, regrole, text) IS
'Give a role access to a table up to a confidentiality level: SELECT on the columns at or below it (and taken back on the others), and a masked view <table>_<level> (returned) showing the others pseudonymised, rounded, truncated to the month or NULL; warns if the role can read the whole table anyway';
-- Personalized risk (profile): customer risk profiles from a questionnaire
-- and the customer's situation, product risk classes (the PRIIPs market
-- risk measure and summary risk indicator), the risk of a customer's
-- portfolio, suitability checks with reasons and their audit trail.
-- docs/profile.md explains every object.

-- ---------------------------------------------------------------------
-- Product risk class: PRIIPs market risk measure and summary risk indicator
-- ---------------------------------------------------------------------

-- Category 2 PRIIPs (Delegated Regulation (EU) 2017/653, Annex II): the
-- market risk measure from the product's prices, the market risk class
-- from the VaR-equivalent volatility, the summary risk indicator from the
-- market and credit risk classes.  Rows with a NULL argument are skipped.

CREATE TYPE risk.priips_risk AS (
    returns           int,
    mean              float8,
    volatility        float8,
    skewness          float8,
    excess_kurtosis   float8,
    var_return_space  float8,
    vev               float8,
    mrm               int
);
COMMENT ON TYPE risk.priips_risk IS
'The PRIIPs market risk measure of a category 2 product (risk.priips_market_risk): the number of log returns M0, their mean, volatility, skewness and excess kurtosis (moments divided by M0), the Cornish-Fisher VaR at 97.5% in return space over the holding period (a log return, negative for a loss), the VaR-equivalent volatility and the market risk class 1..7';

CREATE FUNCTION risk_internal._priips_accum(internal, float8, text, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_priips_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._priips_final(internal) RETURNS risk.priips_risk
    AS 'MODULE_PATHNAME', 'risk_priips_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._priips_accum(internal, float8, text, float8) IS
'Support function of risk.priips_market_risk: transition (keeps the prices in order)';
COMMENT ON FUNCTION risk_internal._priips_final(internal) IS
'Support function of risk.priips_market_risk: final (the measure; leaves the state as it was)';

CREATE AGGREGATE risk.priips_market_risk(price float8, frequency text, holding_period float8) (
    SFUNC = risk_internal._priips_accum, STYPE = internal,
    FINALFUNC = risk_internal._priips_final, FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.priips_market_risk(float8, text, float8) IS
'PRIIPs category 2 market risk measure (Regulation (EU) 2017/653, Annex II) of a product''s prices (not returns; positive) taken in ORDER BY order, frequency ''daily'', ''weekly'' or ''monthly'' (256, 52, 12 periods a year), over a recommended holding period in years: moments of the log returns, Cornish-Fisher VaR at 97.5%, VaR-equivalent volatility and market risk class; needs 2 years of daily, 4 of weekly or 5 of monthly prices (fewer: an error, NULL in a window frame); no combine function: the order of the rows matters';

CREATE FUNCTION risk.priips_mrm(vev float8) RETURNS int
    AS 'MODULE_PATHNAME', 'risk_priips_mrm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.priips_mrm(float8) IS
'PRIIPs market risk class 1..7 of a VaR-equivalent volatility (a fraction: 0.12 for 12%): below 0.005 class 1, then from 0.005, 0.05, 0.12, 0.20, 0.30 and 0.80 (each boundary in the higher class) classes 2 to 7';

CREATE FUNCTION risk.priips_sri(mrm int, crm int) RETURNS int
    AS 'MODULE_PATHNAME', 'risk_priips_sri' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.priips_sri(int, int) IS
'PRIIPs summary risk indicator 1..7 from the market risk class mrm (1..7) and the credit risk class crm (1..6) by the aggregation table of Regulation (EU) 2017/653, Annex II Part 3 point 52';

-- ---------------------------------------------------------------------
-- Portfolio risk of a customer
-- ---------------------------------------------------------------------

-- risk.portfolio_risk: an aggregate over a customer's holdings (amount,
-- the product's daily returns on a calendar all products share).  The
-- state sums amount x return per day; parallel workers add their sums.
-- A partial state is as long as the calendar (500 days: 4 kB, and the
-- planner sorts and ships it as if it were a few bytes), so combining,
-- serializing and deserializing one is priced at COST 100: grouped by
-- customer, a customer's few holdings are then aggregated after the
-- Gather instead of in every worker (measured: 7.2 s instead of 2.5 s
-- for 100,000 customers of 10 holdings on 2 workers); one large group
-- still aggregates in the workers.

CREATE TYPE risk.portfolio_risk_result AS (
    holdings    int,
    value       float8,
    days        int,
    var         float8,
    es          float8,
    var_share   float8,
    es_share    float8,
    horizon_var float8,
    horizon_es  float8,
    p_loss      float8,
    p_loss_se   float8
);
COMMENT ON TYPE risk.portfolio_risk_result IS
'Result of risk.portfolio_risk: holdings used, their value (sum of the amounts), the aligned days used; historical 1-day VaR and ES of the portfolio P&L (positive losses, money) and both as shares of the wealth (NULL without option wealth); VaR and ES of the loss over horizon_days from the seeded bootstrap, and the share of bootstrap paths losing more than loss_limit with its standard error (NULL without a bootstrap or a limit)';

CREATE FUNCTION risk_internal._portfolio_risk_accum(internal, float8, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._portfolio_risk_accum(internal, float8, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._portfolio_risk_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100;
CREATE FUNCTION risk_internal._portfolio_risk_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
CREATE FUNCTION risk_internal._portfolio_risk_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
CREATE FUNCTION risk_internal._portfolio_risk_final(internal) RETURNS risk.portfolio_risk_result
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._portfolio_risk_accum(internal, float8, float8[]) IS 'Support function of risk.portfolio_risk: transition (adds amount x returns to the P&L of each day)';
COMMENT ON FUNCTION risk_internal._portfolio_risk_accum(internal, float8, float8[], jsonb) IS 'Support function of risk.portfolio_risk with options: transition';
COMMENT ON FUNCTION risk_internal._portfolio_risk_combine(internal, internal) IS 'Support function of risk.portfolio_risk: combine (adds the P&L and the missing counts of each day)';
COMMENT ON FUNCTION risk_internal._portfolio_risk_serialize(internal) IS 'Support function of risk.portfolio_risk: serialize a partial state';
COMMENT ON FUNCTION risk_internal._portfolio_risk_deserialize(bytea, internal) IS 'Support function of risk.portfolio_risk: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._portfolio_risk_final(internal) IS 'Support function of risk.portfolio_risk: final (the aligned days, their historical VaR and ES, the bootstrap)';

CREATE AGGREGATE risk.portfolio_risk(amount float8, returns float8[]) (
    SFUNC = risk_internal._portfolio_risk_accum, STYPE = internal, SSPACE = 4096,
    FINALFUNC = risk_internal._portfolio_risk_final,
    COMBINEFUNC = risk_internal._portfolio_risk_combine,
    SERIALFUNC = risk_internal._portfolio_risk_serialize,
    DESERIALFUNC = risk_internal._portfolio_risk_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.portfolio_risk(float8, float8[]) IS
'risk.portfolio_risk with the default options: 99% historical VaR and ES of the portfolio P&L over at least 250 days on which every holding has a return, and a bootstrap of 10,000 paths of 252 days (seed 1)';

CREATE AGGREGATE risk.portfolio_risk(amount float8, returns float8[], options jsonb) (
    SFUNC = risk_internal._portfolio_risk_accum, STYPE = internal, SSPACE = 4096,
    FINALFUNC = risk_internal._portfolio_risk_final,
    COMBINEFUNC = risk_internal._portfolio_risk_combine,
    SERIALFUNC = risk_internal._portfolio_risk_serialize,
    DESERIALFUNC = risk_internal._portfolio_risk_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.portfolio_risk(float8, float8[], jsonb) IS
'The risk of a customer''s portfolio, over its holdings (one row each: amount, the money held, positive; returns, the product''s daily simple returns on a calendar shared by every product, NULL on a day without a price): the 1-day historical VaR and ES of the P&L sum(amount x return) on the aligned days, as positive losses in money, at the confidence level of option level (as risk.var_historical and risk.es_historical), and the VaR, ES and probability of loss over a horizon from a seeded bootstrap of the portfolio returns; options (a JSON object, the same for every row; NULL or {} for the defaults): level (0.99), wealth, horizon_days (252), n_paths (10000; 0: no bootstrap), seed (1), loss_limit, min_days (250), missing (''drop'': only days on which every holding has a return; ''zero'': a missing return counts as 0); a row with a NULL amount or returns is left out';

-- ---------------------------------------------------------------------
-- Risk profile: questionnaires, capacity policies, the profile
-- ---------------------------------------------------------------------

-- Checks of a configuration row: bounds strictly ascending within [lo, hi].
CREATE FUNCTION risk_internal._ascending(b float8[], n int, lo float8, hi float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN cardinality(b) = n AND array_ndims(b) = 1 AND array_position(b, NULL) IS NULL
       AND (SELECT bool_and(x >= lo AND x <= hi AND (p IS NULL OR x > p))
            FROM (SELECT x, lag(x) OVER (ORDER BY i) AS p FROM unnest(b) WITH ORDINALITY u(x, i)) v);
COMMENT ON FUNCTION risk_internal._ascending(float8[], int, float8, float8) IS
'Support function of the profile tables'' checks: b has n values, none NULL, strictly ascending within [lo, hi]';

CREATE TABLE risk.questionnaire (
    questionnaire text   PRIMARY KEY,
    description   text   NOT NULL,
    class_bounds  float8[] NOT NULL
        CHECK (risk_internal._ascending(class_bounds, 6, 0, 100)),
    complex_min   float8 NOT NULL CHECK (complex_min >= 0 AND complex_min <= 100)
);
COMMENT ON TABLE risk.questionnaire IS
'Risk questionnaires: the willingness score (0 to 100: the points of the answers to the willingness items over the most they can give) gives class 1 + the number of class_bounds (6, ascending) at or below it; complex products need a knowledge score (the same over the knowledge items) of complex_min or more; the questionnaire ''standard'' ships with the extension, others are kept by pg_dump';

CREATE TABLE risk.questionnaire_item (
    questionnaire text    NOT NULL REFERENCES risk.questionnaire ON UPDATE CASCADE ON DELETE CASCADE,
    item          text    NOT NULL CHECK (item <> ''),
    position      int     NOT NULL,
    kind          text    NOT NULL CHECK (kind IN ('willingness', 'knowledge')),
    required      boolean NOT NULL DEFAULT true,
    question      text    NOT NULL,
    PRIMARY KEY (questionnaire, item),
    UNIQUE (questionnaire, position)
);
COMMENT ON TABLE risk.questionnaire_item IS
'The items of a questionnaire, in position order: a willingness item scores the customer''s attitude to risk, a knowledge item the knowledge and experience of investment products; an item not required may be left unanswered (it then gives 0 points)';

CREATE TABLE risk.questionnaire_answer (
    questionnaire text   NOT NULL,
    item          text   NOT NULL,
    answer        text   NOT NULL CHECK (answer <> ''),
    points        float8 NOT NULL CHECK (points >= 0 AND points < 'infinity'),
    label         text   NOT NULL,
    PRIMARY KEY (questionnaire, item, answer),
    FOREIGN KEY (questionnaire, item) REFERENCES risk.questionnaire_item ON UPDATE CASCADE ON DELETE CASCADE
);
COMMENT ON TABLE risk.questionnaire_answer IS
'The answers an item accepts and the points each gives';

CREATE TABLE risk.questionnaire_conflict (
    questionnaire text NOT NULL,
    item_a        text NOT NULL,
    answer_a      text NOT NULL,
    item_b        text NOT NULL,
    answer_b      text NOT NULL,
    flag          text NOT NULL CHECK (flag ~ '^[a-z][a-z0-9_]*$'),
    PRIMARY KEY (questionnaire, item_a, answer_a, item_b, answer_b),
    FOREIGN KEY (questionnaire, item_a, answer_a) REFERENCES risk.questionnaire_answer ON UPDATE CASCADE ON DELETE CASCADE,
    FOREIGN KEY (questionnaire, item_b, answer_b) REFERENCES risk.questionnaire_answer ON UPDATE CASCADE ON DELETE CASCADE,
    CHECK (item_a <> item_b)
);
COMMENT ON TABLE risk.questionnaire_conflict IS
'Pairs of answers that contradict each other: a profile whose answers contain both carries the flag';

CREATE TABLE risk.capacity_policy (
    policy                       text    PRIMARY KEY,
    description                  text    NOT NULL,
    reserve_months               float8  NOT NULL DEFAULT 6 CHECK (reserve_months >= 0 AND reserve_months < 'infinity'),
    reserve_months_per_dependant float8  NOT NULL DEFAULT 1
        CHECK (reserve_months_per_dependant >= 0 AND reserve_months_per_dependant < 'infinity'),
    max_debt_service             float8  NOT NULL DEFAULT 0.4 CHECK (max_debt_service >= 0 AND max_debt_service < 'infinity'),
    debt_cap_class               int     NOT NULL DEFAULT 3 CHECK (debt_cap_class BETWEEN 1 AND 7),
    surplus_share_stable         float8  NOT NULL DEFAULT 0.5 CHECK (surplus_share_stable BETWEEN 0 AND 1),
    surplus_share_variable       float8  NOT NULL DEFAULT 0.25 CHECK (surplus_share_variable BETWEEN 0 AND 1),
    horizon_bounds               float8[] NOT NULL DEFAULT '{1,3,5,10}'
        CHECK (risk_internal._ascending(horizon_bounds, 4, 0, 1000)),
    horizon_share                float8[] NOT NULL DEFAULT '{0.05,0.15,0.3,0.45,0.6}'
        CHECK (cardinality(horizon_share) = 5 AND array_ndims(horizon_share) = 1
               AND array_position(horizon_share, NULL) IS NULL
               AND 0 <= ALL (horizon_share) AND 1 >= ALL (horizon_share)),
    dependant_reduction          float8  NOT NULL DEFAULT 0.1 CHECK (dependant_reduction BETWEEN 0 AND 1),
    loss_bounds                  float8[] NOT NULL DEFAULT '{0.0097,0.094,0.21,0.33,0.46,0.84}'
        CHECK (risk_internal._ascending(loss_bounds, 6, 0, 1))
);
COMMENT ON TABLE risk.capacity_policy IS
'Rules that turn a customer''s situation into a capacity to bear losses (docs/profile.md): an emergency reserve of reserve_months (+ reserve_months_per_dependant a dependant) of outgoings, a share of the free wealth by horizon band (horizon_bounds in years, horizon_share of each band, reduced by dependant_reduction a dependant), a share of the yearly surplus by income stability; the largest bearable loss as a share of investable wealth gives the class by loss_bounds (the one-year 97.5% loss of a product at the lower boundary of each PRIIPs market risk class), capped at debt_cap_class when debt service takes more than max_debt_service of the income; the policy ''standard'' ships with the extension, others are kept by pg_dump';

-- the shipped questionnaire and policy (docs/profile.md explains them)
INSERT INTO risk.questionnaire VALUES
    ('standard', 'The project''s sample questionnaire: four willingness items (objective, reaction to a fall, loss accepted, priority) and three knowledge and experience items',
     '{12.5,25,40,55,70,85}', 60);
INSERT INTO risk.questionnaire_item (questionnaire, item, position, kind, required, question) VALUES
    ('standard', 'objective',   1, 'willingness', true,  'What is the main objective of this investment?'),
    ('standard', 'fall',        2, 'willingness', true,  'Your investments lose 20% in a few months. What do you do?'),
    ('standard', 'loss',        3, 'willingness', true,  'What loss over one year would you accept in exchange for a higher expected return?'),
    ('standard', 'priority',    4, 'willingness', true,  'Which matters more to you, the safety of your capital or its return?'),
    ('standard', 'knowledge',   5, 'knowledge',   true,  'How well do you know how funds, shares and bonds work?'),
    ('standard', 'experience',  6, 'knowledge',   true,  'For how many years have you held investment products?'),
    ('standard', 'complex',     7, 'knowledge',   false, 'How often have you traded derivatives or structured products?');
INSERT INTO risk.questionnaire_answer (questionnaire, item, answer, points, label) VALUES
    ('standard', 'objective', 'preserve',   0,  'keep the capital intact'),
    ('standard', 'objective', 'income',     3,  'a regular income'),
    ('standard', 'objective', 'balanced',   6,  'income and growth'),
    ('standard', 'objective', 'growth',     9,  'growth of the capital'),
    ('standard', 'objective', 'max_growth', 12, 'the highest growth, whatever the swings'),
    ('standard', 'fall', 'sell_all',  0,  'sell everything'),
    ('standard', 'fall', 'sell_some', 4,  'sell part of it'),
    ('standard', 'fall', 'hold',      8,  'wait'),
    ('standard', 'fall', 'buy_more',  12, 'buy more'),
    ('standard', 'loss', 'none',     0,  'no loss'),
    ('standard', 'loss', 'up_to_5',  3,  'up to 5%'),
    ('standard', 'loss', 'up_to_10', 6,  'up to 10%'),
    ('standard', 'loss', 'up_to_20', 9,  'up to 20%'),
    ('standard', 'loss', 'over_20',  12, 'more than 20%'),
    ('standard', 'priority', 'safety',        0,  'safety only'),
    ('standard', 'priority', 'mostly_safety', 3,  'mostly safety'),
    ('standard', 'priority', 'balance',       6,  'both equally'),
    ('standard', 'priority', 'mostly_return', 9,  'mostly return'),
    ('standard', 'priority', 'return',        12, 'return only'),
    ('standard', 'knowledge', 'none',  0, 'not at all'),
    ('standard', 'knowledge', 'basic', 2, 'the basics'),
    ('standard', 'knowledge', 'good',  4, 'well'),
    ('standard', 'experience', 'none',      0, 'never'),
    ('standard', 'experience', 'under_3',   2, 'less than three years'),
    ('standard', 'experience', '3_or_more', 4, 'three years or more'),
    ('standard', 'complex', 'never',        0, 'never'),
    ('standard', 'complex', 'occasionally', 2, 'a few times'),
    ('standard', 'complex', 'regularly',    4, 'regularly');
INSERT INTO risk.questionnaire_conflict VALUES
    ('standard', 'objective', 'preserve', 'loss', 'over_20', 'objective_contradicts_loss'),
    ('standard', 'objective', 'preserve', 'priority', 'return', 'objective_contradicts_priority'),
    ('standard', 'fall', 'sell_all', 'objective', 'max_growth', 'reaction_contradicts_objective'),
    ('standard', 'knowledge', 'none', 'complex', 'regularly', 'experience_contradicts_knowledge');
INSERT INTO risk.capacity_policy (policy, description) VALUES
    ('standard', 'The project''s sample policy: the defaults of every rule');

SELECT pg_catalog.pg_extension_config_dump('risk.questionnaire', 'WHERE questionnaire <> ''standard''');
SELECT pg_catalog.pg_extension_config_dump('risk.questionnaire_item', 'WHERE questionnaire <> ''standard''');
SELECT pg_catalog.pg_extension_config_dump('risk.questionnaire_answer', 'WHERE questionnaire <> ''standard''');
SELECT pg_catalog.pg_extension_config_dump('risk.questionnaire_conflict', 'WHERE questionnaire <> ''standard''');
SELECT pg_catalog.pg_extension_config_dump('risk.capacity_policy', 'WHERE policy <> ''standard''');

CREATE TYPE risk.risk_profile AS (
    willingness_score  float8,
    willingness_class  int,
    knowledge_score    float8,
    complex_ok         boolean,
    capacity_score     float8,
    capacity_class     int,
    risk_class         int,
    binding            text,
    horizon_years      float8,
    max_loss           float8,
    tolerated_loss     float8,
    tolerated_share    float8,
    debt_service_ratio float8,
    reserve            float8,
    flags              text[]
);
COMMENT ON TYPE risk.risk_profile IS
'A customer''s risk profile (risk.risk_profile): willingness score (0 to 100) and class, knowledge score and whether complex products are allowed, capacity score (100 x the largest bearable loss over a year / investable wealth) and class, the profile''s class 1 to 7 (the lower of the two: capacity caps willingness), which constraint binds (willingness, capacity or both), the horizon, the largest loss the customer can bear over a year, the loss tolerated (that, capped at the top of the class''s band) in money and as a share of investable wealth, the debt service ratio, the emergency reserve needed, and flags for answers or a situation that contradict each other';

CREATE FUNCTION risk.risk_profile(answers jsonb, situation jsonb,
                                  questionnaire text DEFAULT 'standard', policy text DEFAULT 'standard')
    RETURNS risk.risk_profile
    AS 'MODULE_PATHNAME', 'risk_risk_profile' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.risk_profile(jsonb, jsonb, text, text) IS
'The risk profile of a customer from the answers to a questionnaire (a JSON object item -> answer id; a required item must be answered, JSON null or an absent key leaves an optional one unanswered) and the situation (a JSON object: horizon_years, annual_income, income_stability (stable, variable, none), investable_wealth, monthly_expenses, and optionally monthly_debt_service, dependants, emergency_reserve; amounts in one currency, none negative) by a capacity policy; an unknown item, answer or key is an error; the questionnaire and the policy are read once per statement';

-- ---------------------------------------------------------------------
-- Suitability and its audit trail
-- ---------------------------------------------------------------------

CREATE TYPE risk.suitability AS (
    verdict text,
    factors text[],
    reasons jsonb
);
COMMENT ON TYPE risk.suitability IS
'The result of a suitability check: the verdict (suitable, suitable with warning, not suitable), the factors that failed or warned (risk_class, holding_period, knowledge, concentration, loss_capacity), and the reasons as a JSON array of {factor, holding (1-based; null for the portfolio), severity (fail or warning), value, limit}';

CREATE FUNCTION risk.suitability(profile risk.risk_profile, risk_class int[], holding_period float8[],
                                 complex boolean[], weight float8[] DEFAULT NULL,
                                 portfolio_loss float8 DEFAULT NULL, options jsonb DEFAULT NULL)
    RETURNS risk.suitability
    AS 'MODULE_PATHNAME', 'risk_suitability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.suitability(risk.risk_profile, int[], float8[], boolean[], float8[], float8, jsonb) IS
'Suitability of a product (arrays of one) or a proposed portfolio for a customer''s profile: each holding''s risk class (1 to 7: the PRIIPs SRI or MRM) above the profile''s class, its recommended holding period (years) beyond the horizon, or a complex product without the knowledge fails; a holding''s share of the weights above max_weight (option, 0.4) warns; portfolio_loss (the portfolio''s loss over a year, money) above the tolerated loss fails, above loss_warning (option, 0.8) of it warns; NULL when the profile or a holding array is NULL; records nothing (risk.check_suitability records)';

CREATE TABLE risk.suitability_audit (
    id          bigserial   PRIMARY KEY,
    checked_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    checked_by  name        NOT NULL DEFAULT current_user,
    customer    text        NOT NULL,
    inputs      jsonb       NOT NULL,
    verdict     text        NOT NULL CHECK (verdict IN ('suitable', 'suitable with warning', 'not suitable')),
    factors     text[]      NOT NULL,
    reasons     jsonb       NOT NULL
);
COMMENT ON TABLE risk.suitability_audit IS
'The record of every suitability check made through risk.check_suitability: when and by whom (the role that ran it: the levels may insert every column but these two, which take their defaults), for which customer, the inputs (profile, holdings, options), the verdict and its reasons; append-only: updates, deletes and truncation are refused; kept by pg_dump as written';
SELECT pg_catalog.pg_extension_config_dump('risk.suitability_audit', '');
SELECT pg_catalog.pg_extension_config_dump('risk.suitability_audit_id_seq', '');
REVOKE ALL ON SEQUENCE risk.suitability_audit_id_seq FROM PUBLIC;

CREATE FUNCTION risk_internal._audit_refuse() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'risk.suitability_audit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'A suitability record is kept as it was written; record a new check instead.';
END
$$;
COMMENT ON FUNCTION risk_internal._audit_refuse() IS
'Support function of risk.suitability_audit: refuse UPDATE, DELETE and TRUNCATE';

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON risk.suitability_audit
    FOR EACH ROW EXECUTE FUNCTION risk_internal._audit_refuse();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON risk.suitability_audit
    FOR EACH STATEMENT EXECUTE FUNCTION risk_internal._audit_refuse();
REVOKE ALL ON risk.suitability_audit FROM PUBLIC;

CREATE FUNCTION risk.check_suitability(customer text, profile risk.risk_profile, risk_class int[],
                                       holding_period float8[], complex boolean[],
                                       weight float8[] DEFAULT NULL, portfolio_loss float8 DEFAULT NULL,
                                       options jsonb DEFAULT NULL)
    RETURNS risk.suitability
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r risk.suitability;
BEGIN
    IF customer IS NULL OR profile IS NULL OR risk_class IS NULL OR holding_period IS NULL OR complex IS NULL THEN
        RAISE EXCEPTION 'risk.check_suitability: the customer, the profile and the holdings must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    r := risk.suitability(profile, risk_class, holding_period, complex, weight, portfolio_loss, options);
    INSERT INTO risk.suitability_audit (customer, inputs, verdict, factors, reasons)
    VALUES (customer,
            jsonb_build_object('profile', to_jsonb(profile), 'risk_class', to_jsonb(risk_class),
                               'holding_period', to_jsonb(holding_period), 'complex', to_jsonb(complex),
                               'weight', to_jsonb(weight), 'portfolio_loss', to_jsonb(portfolio_loss),
                               'options', options),
            r.verdict, r.factors, r.reasons);
    RETURN r;
END
$$;
COMMENT ON FUNCTION risk.check_suitability(text, risk.risk_profile, int[], float8[], boolean[], float8[], float8, jsonb) IS
'risk.suitability, recorded: the check, its inputs, verdict and reasons are appended to risk.suitability_audit with the time and the role that made it; the caller needs INSERT on that table (risk.grant_analyst gives it)';

-- ---------------------------------------------------------------------
-- Recommendations
-- ---------------------------------------------------------------------

CREATE FUNCTION risk.recommend_products(profile risk.risk_profile, products text[], risk_classes int[],
                                        holding_periods float8[], complex boolean[],
                                        expected_returns float8[], volatilities float8[])
    RETURNS TABLE (rank int, product text, risk_class int, expected_return float8, volatility float8,
                   return_per_risk float8)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int := cardinality(products);
BEGIN
    IF profile IS NULL OR products IS NULL OR risk_classes IS NULL OR holding_periods IS NULL OR complex IS NULL
       OR expected_returns IS NULL OR volatilities IS NULL THEN
        RETURN;
    END IF;
    IF cardinality(risk_classes) <> n OR cardinality(holding_periods) <> n OR cardinality(complex) <> n
       OR cardinality(expected_returns) <> n OR cardinality(volatilities) <> n THEN
        RAISE EXCEPTION 'risk.recommend_products: the arrays must have one value per product (% products; risk_classes %, holding_periods %, complex %, expected_returns %, volatilities %)',
                n, cardinality(risk_classes), cardinality(holding_periods), cardinality(complex),
                cardinality(expected_returns), cardinality(volatilities)
            USING ERRCODE = 'array_subscript_error';
    END IF;
    IF array_position(products, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'risk.recommend_products: product % is NULL', array_position(products, NULL)
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    FOR i IN 1 .. n LOOP
        IF expected_returns[i] IS NULL OR NOT expected_returns[i] BETWEEN -1 AND 1e6 THEN
            RAISE EXCEPTION 'risk.recommend_products: expected return of product "%" must be a finite yearly return above -1, got %',
                    products[i], coalesce(expected_returns[i]::text, 'NULL')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF volatilities[i] IS NULL OR NOT (volatilities[i] > 0 AND volatilities[i] < 'infinity') THEN
            RAISE EXCEPTION 'risk.recommend_products: volatility of product "%" must be positive and finite, got %',
                    products[i], coalesce(volatilities[i]::text, 'NULL')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    RETURN QUERY
    SELECT (row_number() OVER (ORDER BY u.r / u.v DESC, u.p))::int, u.p, u.c, u.r, u.v, u.r / u.v
    FROM unnest(products, risk_classes, holding_periods, complex, expected_returns, volatilities) u(p, c, h, x, r, v)
    WHERE (risk.suitability(profile, ARRAY[u.c], ARRAY[u.h], ARRAY[u.x])).verdict <> 'not suitable'
    ORDER BY 1;
END
$$;
COMMENT ON FUNCTION risk.recommend_products(risk.risk_profile, text[], int[], float8[], boolean[], float8[], float8[]) IS
'The products suitable for a customer''s profile (risk.suitability of each alone: class, holding period, knowledge), ranked by expected yearly return per unit of volatilities (the PRIIPs VEV or the yearly volatilities), highest first, ties by name; one array element per product';

CREATE TYPE risk.rebalance_result AS (
    products       text[],
    before         float8[],
    after          float8[],
    loss_before    float8,
    loss_after     float8,
    verdict_before text,
    verdict_after  text,
    factors_after  text[]
);
COMMENT ON TYPE risk.rebalance_result IS
'The result of risk.rebalance: the products (the holdings, then the safe product if it was not held), their amounts before and after, the portfolio''s one-year loss (risk.portfolio_risk''s horizon_var) before and after, and the suitability verdict before and after with the factors left after';

-- The one-year loss of amounts a[] over the rows of rets (holdings x days).
CREATE FUNCTION risk_internal._rebalance_loss(a float8[], rets float8[], options jsonb) RETURNS float8
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (SELECT (risk.portfolio_risk(a[i], (SELECT array_agg(x ORDER BY k)
                                           FROM unnest(rets[i:i][:]) WITH ORDINALITY u(x, k)),
                                    options)).horizon_var
        FROM generate_subscripts(a, 1) i WHERE a[i] > 0);
COMMENT ON FUNCTION risk_internal._rebalance_loss(float8[], float8[], jsonb) IS
'Support function of risk.rebalance: the one-year loss (horizon_var of risk.portfolio_risk with the options) of the amounts a over the holdings'' returns, the rows of rets; holdings with nothing in them left out';

CREATE FUNCTION risk.rebalance(profile risk.risk_profile, products text[], amounts float8[], returns float8[],
                               risk_classes int[], holding_periods float8[], complex boolean[],
                               safe_product text, safe_returns float8[], safe_class int,
                               safe_holding_period float8, options jsonb DEFAULT NULL)
    RETURNS risk.rebalance_result
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int := cardinality(products);
    days int;
    opts jsonb := jsonb_build_object('horizon_days', 252, 'n_paths', 2000, 'seed', 1)
                  || coalesce(options, '{}'::jsonb);
    p text[];
    a float8[];
    rets float8[];
    cls int[];
    rhp float8[];
    cx boolean[];
    s int;
    res risk.rebalance_result;
    loss float8;
    unit float8[];
    tol float8;
    r int;
    lo float8;
    hi float8;
    moved float8;
    trial float8[];
    ok boolean;
BEGIN
    IF profile IS NULL OR products IS NULL OR amounts IS NULL OR returns IS NULL OR risk_classes IS NULL
       OR holding_periods IS NULL OR complex IS NULL OR safe_product IS NULL OR safe_returns IS NULL
       OR safe_class IS NULL OR safe_holding_period IS NULL THEN
        RAISE EXCEPTION 'risk.rebalance: no argument but options may be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF n = 0 OR cardinality(amounts) <> n OR cardinality(risk_classes) <> n OR cardinality(holding_periods) <> n
       OR cardinality(complex) <> n OR array_ndims(returns) <> 2 OR array_length(returns, 1) <> n THEN
        RAISE EXCEPTION 'risk.rebalance: one value per holding and one row of returns per holding (% products; amounts %, risk_classes %, holding_periods %, complex %, rows of returns %)',
                n, cardinality(amounts), cardinality(risk_classes), cardinality(holding_periods),
                cardinality(complex), coalesce(array_length(returns, 1), 0)
            USING ERRCODE = 'array_subscript_error';
    END IF;
    days := array_length(returns, 2);
    IF array_ndims(safe_returns) <> 1 OR cardinality(safe_returns) <> days THEN
        RAISE EXCEPTION 'risk.rebalance: the safe product''s returns have % days, the holdings'' %',
                cardinality(safe_returns), days
            USING ERRCODE = 'array_subscript_error';
    END IF;
    IF (risk.suitability(profile, ARRAY[safe_class], ARRAY[safe_holding_period], ARRAY[false])).verdict <> 'suitable' THEN
        RAISE EXCEPTION 'risk.rebalance: the safe product "%" is not suitable for the profile itself (class %, holding period %)',
                safe_product, safe_class, safe_holding_period
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Choose a product of a class at most the profile''s, held for no longer than the horizon.';
    END IF;
    -- the holdings, and the safe product as a holding (merged if held)
    p := products; a := amounts; rets := returns; cls := risk_classes; rhp := holding_periods; cx := complex;
    s := array_position(p, safe_product);
    IF s IS NULL THEN
        p := p || safe_product; a := a || 0::float8; cls := cls || safe_class;
        rhp := rhp || safe_holding_period; cx := cx || false;
        rets := rets || ARRAY[safe_returns];
        s := n + 1;
    END IF;
    res.products := p;
    res.before := a;
    tol := profile.tolerated_loss;
    loss := risk_internal._rebalance_loss(a, rets, opts);
    res.loss_before := loss;
    res.verdict_before := (risk.suitability(profile, risk_classes, holding_periods, complex, amounts, loss)).verdict;
    -- 1. what fails on its own goes to the safe product, all of it
    FOR i IN 1 .. cardinality(p) LOOP
        IF i <> s AND a[i] > 0
           AND (risk.suitability(profile, ARRAY[cls[i]], ARRAY[rhp[i]], ARRAY[cx[i]])).verdict = 'not suitable' THEN
            a[s] := a[s] + a[i];
            a[i] := 0;
        END IF;
    END LOOP;
    -- 2. then, while the one-year loss is beyond the tolerated loss, from
    --    the riskiest holding (the largest 1-day VaR per unit held) the
    --    least that brings it within, to a thousandth of the holding
    loss := risk_internal._rebalance_loss(a, rets, opts);
    unit := '{}';
    FOR i IN 1 .. cardinality(p) LOOP
        unit := unit || (SELECT (risk.portfolio_risk(1, (SELECT array_agg(x ORDER BY k)
                                                        FROM unnest(rets[i:i][:]) WITH ORDINALITY u(x, k)),
                                                     opts || '{"n_paths": 0}')).var);
    END LOOP;
    WHILE loss > tol LOOP
        SELECT i INTO r FROM generate_subscripts(a, 1) i
        WHERE i <> s AND a[i] > 0 ORDER BY unit[i] DESC, i LIMIT 1;
        EXIT WHEN r IS NULL;
        trial := a;
        trial[s] := a[s] + a[r];
        trial[r] := 0;
        IF risk_internal._rebalance_loss(trial, rets, opts) > tol THEN
            a := trial;
        ELSE
            lo := 0; hi := 1;
            WHILE hi - lo > 1e-3 LOOP
                moved := (lo + hi) / 2;
                trial := a;
                trial[s] := a[s] + moved * a[r];
                trial[r] := (1 - moved) * a[r];
                ok := risk_internal._rebalance_loss(trial, rets, opts) <= tol;
                IF ok THEN hi := moved; ELSE lo := moved; END IF;
            END LOOP;
            trial := a;
            trial[s] := a[s] + hi * a[r];
            trial[r] := (1 - hi) * a[r];
            a := trial;
        END IF;
        loss := risk_internal._rebalance_loss(a, rets, opts);
    END LOOP;
    res.after := a;
    res.loss_after := loss;
    -- the verdict after over what is still held
    SELECT x.verdict, x.factors INTO res.verdict_after, res.factors_after
    FROM (SELECT array_agg(cls[i] ORDER BY i) AS c, array_agg(rhp[i] ORDER BY i) AS h,
                 array_agg(cx[i] ORDER BY i) AS k, array_agg(a[i] ORDER BY i) AS w
          FROM generate_subscripts(a, 1) i WHERE a[i] > 0) held,
         risk.suitability(profile, held.c, held.h, held.k, held.w, loss) x;
    RETURN res;
END
$$;
COMMENT ON FUNCTION risk.rebalance(risk.risk_profile, text[], float8[], float8[], int[], float8[], boolean[], text, float8[], int, float8, jsonb) IS
'A small rebalancing that makes a portfolio fit its profile: every holding unsuitable on its own (class, holding period, knowledge) moves to the safe product; then, while the portfolio''s one-year loss (risk.portfolio_risk''s horizon_var with options: horizon_days 252, n_paths 2000, seed 1 unless given) is above the tolerated loss, the least share (to 1/1000) of the riskiest holding (largest 1-day VaR per unit) that brings it within moves to the safe product, holding after holding; returns the amounts and the loss before and after and the verdicts; returns is holdings x days (a row per holding, on one calendar), the safe product''s own returns on the same days';
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
-- Who may call what.  Nothing of the extension is executable by PUBLIC but
-- the few functions that row-level security and the SECURITY INVOKER
-- interface call on the caller's behalf: they check or wake, and reveal
-- nothing the caller may not see.  risk.grant_reader, grant_analyst and
-- grant_admin give the levels (docs/security.md).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA risk, risk_internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    risk_internal._may_manage(oid), risk_internal._may_read(oid),
    risk_internal._check_view(regclass, text), risk_internal._watched(regclass, text), risk_internal._wake(),
    risk_internal._check_table(regclass, text), risk_internal._check_role(regrole, text), risk_internal._masked(name, oid, text),
    risk_internal._check_digits(integer), risk_internal._admin_functions(), risk_internal._worker_functions(),
    risk.round_significant(float8, integer)
    TO PUBLIC;

-- the master scales are read by analysts and written by admins (grant_*)
REVOKE SELECT ON risk.master_scale FROM PUBLIC;
