-- risk extension install script.  Built by the Makefile from src/sql/*.sql;
-- edit those pieces, not the generated risk--X.Y.Z.sql.

\echo Use "CREATE EXTENSION risk" to load this file. \quit

COMMENT ON SCHEMA risk IS 'Risk analytics: market risk (VaR/ES, backtests) and, as they land, tail risk, credit scoring and early warning';

-- every role may call the functions; what is not for everyone (writing the
-- master scales) is guarded by privileges on the objects themselves
GRANT USAGE ON SCHEMA risk TO PUBLIC;
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

CREATE FUNCTION risk._buffer_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_buffer_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._buffer_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_buffer_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._buffer_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_buffer_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._buffer_combine(internal, internal) IS 'Support function of the value-buffer aggregates (historical VaR/ES, gpd_fit, hill): combine partial states';
COMMENT ON FUNCTION risk._buffer_serialize(internal) IS 'Support function of the value-buffer aggregates: serialize a partial state';
COMMENT ON FUNCTION risk._buffer_deserialize(bytea, internal) IS 'Support function of the value-buffer aggregates: deserialize a partial state';

-- Historical: the plain state buffers the returns, the moving state is a
-- sorted array or an order-statistic tree.

CREATE FUNCTION risk._hist_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_hist_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._var_historical_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_historical_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._es_historical_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_historical_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._hist_madd(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_hist_madd' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._hist_mremove(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_hist_mremove' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._var_historical_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_historical_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._es_historical_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_historical_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION risk._hist_accum(internal, float8, float8) IS 'Support function of risk.var_historical and risk.es_historical: transition';
COMMENT ON FUNCTION risk._var_historical_final(internal) IS 'Support function of risk.var_historical: final';
COMMENT ON FUNCTION risk._es_historical_final(internal) IS 'Support function of risk.es_historical: final';
COMMENT ON FUNCTION risk._hist_madd(internal, float8, float8) IS 'Support function of risk.var_historical and risk.es_historical: moving transition';
COMMENT ON FUNCTION risk._hist_mremove(internal, float8, float8) IS 'Support function of risk.var_historical and risk.es_historical: moving inverse transition';
COMMENT ON FUNCTION risk._var_historical_mfinal(internal) IS 'Support function of risk.var_historical: moving final';
COMMENT ON FUNCTION risk._es_historical_mfinal(internal) IS 'Support function of risk.es_historical: moving final';

CREATE AGGREGATE risk.var_historical(r float8, p float8) (
    SFUNC = risk._hist_accum, STYPE = internal,
    FINALFUNC = risk._var_historical_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    MSFUNC = risk._hist_madd, MINVFUNC = risk._hist_mremove, MSTYPE = internal,
    MFINALFUNC = risk._var_historical_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_historical(float8, float8) IS
'Historical VaR at confidence p of returns or P&L r (profit positive), as a positive loss: minus the type-7 quantile at 1 - p (PerformanceAnalytics VaR, method "historical"); NULL r skipped';

CREATE AGGREGATE risk.es_historical(r float8, p float8) (
    SFUNC = risk._hist_accum, STYPE = internal,
    FINALFUNC = risk._es_historical_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    MSFUNC = risk._hist_madd, MINVFUNC = risk._hist_mremove, MSTYPE = internal,
    MFINALFUNC = risk._es_historical_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_historical(float8, float8) IS
'Historical ES at confidence p of returns or P&L r (profit positive), as a positive loss: minus the mean of the returns strictly below the type-7 quantile at 1 - p, or the VaR when none is (PerformanceAnalytics ES, method "historical")';

-- Moment-based measures: plain state float8[8] = {n, mean, M2, M3, M4, min,
-- max, p}; moving state: double-double power sums.

CREATE FUNCTION risk._moments_accum(float8[], float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_moments_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._moments_accum(float8[], float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_moments_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._moments_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_moments_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._moments_madd(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_moments_madd' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._moments_madd(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_moments_madd' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._moments_mremove(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_moments_mremove' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._moments_mremove(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_moments_mremove' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._moments_final(float8[]) RETURNS risk.moments_result
    AS 'MODULE_PATHNAME', 'risk_moments_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._moments_mfinal(internal) RETURNS risk.moments_result
    AS 'MODULE_PATHNAME', 'risk_moments_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._var_gaussian_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_gaussian_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._es_gaussian_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_gaussian_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._var_modified_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_modified_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._es_modified_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_modified_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._var_gaussian_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_gaussian_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._es_gaussian_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_gaussian_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._var_modified_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_modified_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._es_modified_mfinal(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_modified_mfinal' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION risk._moments_accum(float8[], float8) IS 'Support function of risk.moments: transition';
COMMENT ON FUNCTION risk._moments_accum(float8[], float8, float8) IS 'Support function of the Gaussian and modified VaR/ES aggregates: transition';
COMMENT ON FUNCTION risk._moments_combine(float8[], float8[]) IS 'Support function of the moment-based aggregates: combine partial states (Pebay)';
COMMENT ON FUNCTION risk._moments_madd(internal, float8) IS 'Support function of risk.moments: moving transition';
COMMENT ON FUNCTION risk._moments_madd(internal, float8, float8) IS 'Support function of the Gaussian and modified VaR/ES aggregates: moving transition';
COMMENT ON FUNCTION risk._moments_mremove(internal, float8) IS 'Support function of risk.moments: moving inverse transition';
COMMENT ON FUNCTION risk._moments_mremove(internal, float8, float8) IS 'Support function of the Gaussian and modified VaR/ES aggregates: moving inverse transition';
COMMENT ON FUNCTION risk._moments_final(float8[]) IS 'Support function of risk.moments: final';
COMMENT ON FUNCTION risk._moments_mfinal(internal) IS 'Support function of risk.moments: moving final';
COMMENT ON FUNCTION risk._var_gaussian_final(float8[]) IS 'Support function of risk.var_gaussian: final';
COMMENT ON FUNCTION risk._es_gaussian_final(float8[]) IS 'Support function of risk.es_gaussian: final';
COMMENT ON FUNCTION risk._var_modified_final(float8[]) IS 'Support function of risk.var_modified: final';
COMMENT ON FUNCTION risk._es_modified_final(float8[]) IS 'Support function of risk.es_modified: final';
COMMENT ON FUNCTION risk._var_gaussian_mfinal(internal) IS 'Support function of risk.var_gaussian: moving final';
COMMENT ON FUNCTION risk._es_gaussian_mfinal(internal) IS 'Support function of risk.es_gaussian: moving final';
COMMENT ON FUNCTION risk._var_modified_mfinal(internal) IS 'Support function of risk.var_modified: moving final';
COMMENT ON FUNCTION risk._es_modified_mfinal(internal) IS 'Support function of risk.es_modified: moving final';

CREATE AGGREGATE risk.moments(r float8) (
    SFUNC = risk._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk._moments_final, COMBINEFUNC = risk._moments_combine,
    MSFUNC = risk._moments_madd, MINVFUNC = risk._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk._moments_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.moments(float8) IS
'Moments of returns r: n, mean, sample sd (n-1), skewness and excess kurtosis (moment estimators, 1/n), min, max; sd needs 2 rows, skewness and kurtosis a non-zero variance';

CREATE AGGREGATE risk.var_gaussian(r float8, p float8) (
    SFUNC = risk._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk._var_gaussian_final, COMBINEFUNC = risk._moments_combine,
    MSFUNC = risk._moments_madd, MINVFUNC = risk._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk._var_gaussian_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_gaussian(float8, float8) IS
'Gaussian VaR at confidence p of returns r (profit positive), as a positive loss: -mean - qnorm(1-p)*sigma with sigma from 1/n moments; NULL below 2 rows';

CREATE AGGREGATE risk.es_gaussian(r float8, p float8) (
    SFUNC = risk._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk._es_gaussian_final, COMBINEFUNC = risk._moments_combine,
    MSFUNC = risk._moments_madd, MINVFUNC = risk._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk._es_gaussian_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_gaussian(float8, float8) IS
'Gaussian ES at confidence p of returns r (profit positive), as a positive loss: -mean + sigma*dnorm(qnorm(1-p))/(1-p), sigma from 1/n moments; NULL below 2 rows';

CREATE AGGREGATE risk.var_modified(r float8, p float8) (
    SFUNC = risk._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk._var_modified_final, COMBINEFUNC = risk._moments_combine,
    MSFUNC = risk._moments_madd, MINVFUNC = risk._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk._var_modified_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_modified(float8, float8) IS
'Cornish-Fisher (modified) VaR at confidence p of returns r (profit positive), as a positive loss (PerformanceAnalytics, 1/n moments); NULL below 3 rows or with zero variance';

CREATE AGGREGATE risk.es_modified(r float8, p float8) (
    SFUNC = risk._moments_accum, STYPE = float8[],
    INITCOND = '{0,0,0,0,0,Infinity,-Infinity,NaN}',
    FINALFUNC = risk._es_modified_final, COMBINEFUNC = risk._moments_combine,
    MSFUNC = risk._moments_madd, MINVFUNC = risk._moments_mremove, MSTYPE = internal,
    MFINALFUNC = risk._es_modified_mfinal,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_modified(float8, float8) IS
'Cornish-Fisher (modified) ES at confidence p of returns r (profit positive), as a positive loss, floored at the modified VaR (PerformanceAnalytics operational ES); NULL below 3 rows or with zero variance';

-- EWMA: state float8[5] = {n, s, w, lambda, p}, rows in ORDER BY order.

CREATE FUNCTION risk._ewma_accum(float8[], float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ewma_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._ewma_accum(float8[], float8, float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ewma_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._ewma_remove(float8[], float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ewma_remove' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._ewma_remove(float8[], float8, float8, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ewma_remove' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._var_ewma_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_ewma_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._es_ewma_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_ewma_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION risk._ewma_accum(float8[], float8, float8) IS 'Support function of risk.var_ewma and risk.es_ewma (lambda 0.94): transition';
COMMENT ON FUNCTION risk._ewma_accum(float8[], float8, float8, float8) IS 'Support function of risk.var_ewma and risk.es_ewma: transition';
COMMENT ON FUNCTION risk._ewma_remove(float8[], float8, float8) IS 'Support function of risk.var_ewma and risk.es_ewma (lambda 0.94): moving inverse transition';
COMMENT ON FUNCTION risk._ewma_remove(float8[], float8, float8, float8) IS 'Support function of risk.var_ewma and risk.es_ewma: moving inverse transition';
COMMENT ON FUNCTION risk._var_ewma_final(float8[]) IS 'Support function of risk.var_ewma: final';
COMMENT ON FUNCTION risk._es_ewma_final(float8[]) IS 'Support function of risk.es_ewma: final';

CREATE AGGREGATE risk.var_ewma(r float8, p float8) (
    SFUNC = risk._ewma_accum, STYPE = float8[], INITCOND = '{0,0,0,NaN,NaN}',
    FINALFUNC = risk._var_ewma_final,
    MSFUNC = risk._ewma_accum, MINVFUNC = risk._ewma_remove, MSTYPE = float8[],
    MINITCOND = '{0,0,0,NaN,NaN}', MFINALFUNC = risk._var_ewma_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_ewma(float8, float8) IS
'RiskMetrics EWMA VaR at confidence p with lambda 0.94 of returns r (profit positive), as a positive loss: -qnorm(1-p)*sigma, sigma^2 the normalized exponentially weighted mean of r^2 in ORDER BY order (newest weight 1); zero mean';

CREATE AGGREGATE risk.var_ewma(r float8, p float8, lambda float8) (
    SFUNC = risk._ewma_accum, STYPE = float8[], INITCOND = '{0,0,0,NaN,NaN}',
    FINALFUNC = risk._var_ewma_final,
    MSFUNC = risk._ewma_accum, MINVFUNC = risk._ewma_remove, MSTYPE = float8[],
    MINITCOND = '{0,0,0,NaN,NaN}', MFINALFUNC = risk._var_ewma_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.var_ewma(float8, float8, float8) IS
'RiskMetrics EWMA VaR at confidence p with decay lambda of returns r (profit positive), as a positive loss: -qnorm(1-p)*sigma, sigma^2 the normalized exponentially weighted mean of r^2 in ORDER BY order (newest weight 1); zero mean';

CREATE AGGREGATE risk.es_ewma(r float8, p float8) (
    SFUNC = risk._ewma_accum, STYPE = float8[], INITCOND = '{0,0,0,NaN,NaN}',
    FINALFUNC = risk._es_ewma_final,
    MSFUNC = risk._ewma_accum, MINVFUNC = risk._ewma_remove, MSTYPE = float8[],
    MINITCOND = '{0,0,0,NaN,NaN}', MFINALFUNC = risk._es_ewma_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.es_ewma(float8, float8) IS
'Gaussian ES at confidence p on the RiskMetrics EWMA sigma (lambda 0.94) of returns r (profit positive), as a positive loss: sigma*dnorm(qnorm(1-p))/(1-p); zero mean';

CREATE AGGREGATE risk.es_ewma(r float8, p float8, lambda float8) (
    SFUNC = risk._ewma_accum, STYPE = float8[], INITCOND = '{0,0,0,NaN,NaN}',
    FINALFUNC = risk._es_ewma_final,
    MSFUNC = risk._ewma_accum, MINVFUNC = risk._ewma_remove, MSTYPE = float8[],
    MINITCOND = '{0,0,0,NaN,NaN}', MFINALFUNC = risk._es_ewma_final,
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

CREATE FUNCTION risk._christoffersen_accum(internal, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_christoffersen_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._christoffersen_accum(internal, boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_christoffersen_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._christoffersen_final(internal) RETURNS risk.christoffersen_result
    AS 'MODULE_PATHNAME', 'risk_christoffersen_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._christoffersen_accum(internal, boolean) IS 'Support function of risk.christoffersen: transition';
COMMENT ON FUNCTION risk._christoffersen_accum(internal, boolean, float8) IS 'Support function of risk.christoffersen: transition';
COMMENT ON FUNCTION risk._christoffersen_final(internal) IS 'Support function of risk.christoffersen: final';

CREATE AGGREGATE risk.christoffersen(exception boolean) (
    SFUNC = risk._christoffersen_accum, STYPE = internal,
    FINALFUNC = risk._christoffersen_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.christoffersen(boolean) IS
'Christoffersen (1998) independence test of VaR exceptions taken in ORDER BY order: transition counts, LR and p-value; NULL rows skipped';

CREATE AGGREGATE risk.christoffersen(exception boolean, p float8) (
    SFUNC = risk._christoffersen_accum, STYPE = internal,
    FINALFUNC = risk._christoffersen_final, PARALLEL = SAFE
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

CREATE FUNCTION risk._gpd_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gpd_accum(internal, float8, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gpd_fit_final(internal) RETURNS risk.gpd_model
    AS 'MODULE_PATHNAME', 'risk_gpd_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._gpd_accum(internal, float8, float8) IS 'Support function of risk.gpd_fit: transition';
COMMENT ON FUNCTION risk._gpd_accum(internal, float8, float8, text) IS 'Support function of risk.gpd_fit: transition';
COMMENT ON FUNCTION risk._gpd_fit_final(internal) IS 'Support function of risk.gpd_fit: final (the fit)';

CREATE AGGREGATE risk.gpd_fit(loss float8, threshold float8) (
    SFUNC = risk._gpd_accum, STYPE = internal, FINALFUNC = risk._gpd_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit(float8, float8) IS
'Maximum-likelihood GPD fit to the excesses of losses (positive = loss) over a threshold, the same on every row; needs at least 3 exceedances';
CREATE AGGREGATE risk.gpd_fit(loss float8, threshold float8, method text) (
    SFUNC = risk._gpd_accum, STYPE = internal, FINALFUNC = risk._gpd_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
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

CREATE FUNCTION risk._gev_accum(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gev_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gev_fit_final(internal) RETURNS risk.gev_model
    AS 'MODULE_PATHNAME', 'risk_gev_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._gev_accum(internal, float8) IS 'Support function of risk.gev_fit: transition';
COMMENT ON FUNCTION risk._gev_fit_final(internal) IS 'Support function of risk.gev_fit: final (the fit)';

CREATE AGGREGATE risk.gev_fit(block_max float8) (
    SFUNC = risk._gev_accum, STYPE = internal, FINALFUNC = risk._gev_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gev_fit(float8) IS
'Maximum-likelihood GEV fit to block maxima of losses (e.g. the largest loss of each year), at least 5; the result feeds risk.gev_quantile and risk.gev_return_level';

-- hill: a value buffer of the losses

CREATE FUNCTION risk._hill_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_hill_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._hill_final(internal) RETURNS risk.hill_estimate
    AS 'MODULE_PATHNAME', 'risk_hill_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._hill_accum(internal, float8, int) IS 'Support function of risk.hill: transition';
COMMENT ON FUNCTION risk._hill_final(internal) IS 'Support function of risk.hill: final';

CREATE AGGREGATE risk.hill(loss float8, k int) (
    SFUNC = risk._hill_accum, STYPE = internal, FINALFUNC = risk._hill_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hill(float8, int) IS
'Hill''s estimator of the tail shape xi of losses (positive = loss) from the k largest: mean(log X(i), i <= k) - log X(k+1)';

-- mean_excess: float8[] {m, thresholds, counts, sums, compensations}

CREATE FUNCTION risk._mean_excess_accum(float8[], float8, float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_mean_excess_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._mean_excess_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_mean_excess_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._mean_excess_final(float8[]) RETURNS risk.mean_excess_point[]
    AS 'MODULE_PATHNAME', 'risk_mean_excess_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._mean_excess_accum(float8[], float8, float8[]) IS 'Support function of risk.mean_excess: transition';
COMMENT ON FUNCTION risk._mean_excess_combine(float8[], float8[]) IS 'Support function of risk.mean_excess: combine partial states';
COMMENT ON FUNCTION risk._mean_excess_final(float8[]) IS 'Support function of risk.mean_excess: final';

CREATE AGGREGATE risk.mean_excess(loss float8, thresholds float8[]) (
    SFUNC = risk._mean_excess_accum, STYPE = float8[], INITCOND = '{}',
    FINALFUNC = risk._mean_excess_final, COMBINEFUNC = risk._mean_excess_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mean_excess(float8, float8[]) IS
'Empirical mean-excess function of losses (positive = loss) at each of the given thresholds, the data of the threshold-choice plot: an array of (threshold, n_exceed, mean_excess)';
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

CREATE FUNCTION risk._garch_accum(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._garch_accum(internal, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._garch_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._garch_fit_final(internal) RETURNS risk.garch_model
    AS 'MODULE_PATHNAME', 'risk_garch_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._garch_accum(internal, float8) IS 'Support function of risk.garch_fit: transition';
COMMENT ON FUNCTION risk._garch_accum(internal, float8, text) IS 'Support function of risk.garch_fit: transition';
COMMENT ON FUNCTION risk._garch_accum(internal, float8, float8) IS 'Support function of the GARCH-conditional VaR/ES aggregates: transition';
COMMENT ON FUNCTION risk._garch_fit_final(internal) IS 'Support function of risk.garch_fit: final (the fit)';

CREATE AGGREGATE risk.garch_fit(r float8) (
    SFUNC = risk._garch_accum, STYPE = internal, FINALFUNC = risk._garch_fit_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.garch_fit(float8) IS
'GARCH(1,1) with constant mean and normal innovations, by maximum likelihood, of returns r (profit positive) taken in ORDER BY order; NULL below 10 rows';
CREATE AGGREGATE risk.garch_fit(r float8, dist text) (
    SFUNC = risk._garch_accum, STYPE = internal, FINALFUNC = risk._garch_fit_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.garch_fit(float8, text) IS
'GARCH(1,1) with constant mean by maximum likelihood, innovations ''norm'' or ''std'' (Student t with unit variance), of returns r (profit positive) taken in ORDER BY order; NULL below 10 rows';

CREATE FUNCTION risk._var_garch_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_garch_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._es_garch_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_garch_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._var_fhs_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_fhs_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._es_fhs_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_fhs_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._var_evt_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_var_evt_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._es_evt_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_es_evt_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._var_garch_final(internal) IS 'Support function of risk.var_garch: final';
COMMENT ON FUNCTION risk._es_garch_final(internal) IS 'Support function of risk.es_garch: final';
COMMENT ON FUNCTION risk._var_fhs_final(internal) IS 'Support function of risk.var_fhs: final';
COMMENT ON FUNCTION risk._es_fhs_final(internal) IS 'Support function of risk.es_fhs: final';
COMMENT ON FUNCTION risk._var_evt_final(internal) IS 'Support function of risk.var_evt_conditional: final';
COMMENT ON FUNCTION risk._es_evt_final(internal) IS 'Support function of risk.es_evt_conditional: final';

CREATE AGGREGATE risk.var_garch(r float8, p float8) (
    SFUNC = risk._garch_accum, STYPE = internal, FINALFUNC = risk._var_garch_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.var_garch(float8, float8) IS
'Next-period VaR at confidence p from a normal GARCH(1,1) fitted to returns r (profit positive) in ORDER BY order, as a positive loss: -(mu + sigma_forecast qnorm(1-p)); NULL below 10 rows';
CREATE AGGREGATE risk.es_garch(r float8, p float8) (
    SFUNC = risk._garch_accum, STYPE = internal, FINALFUNC = risk._es_garch_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.es_garch(float8, float8) IS
'Next-period ES at confidence p from a normal GARCH(1,1) fitted to returns r (profit positive) in ORDER BY order, as a positive loss; NULL below 10 rows';
CREATE AGGREGATE risk.var_fhs(r float8, p float8) (
    SFUNC = risk._garch_accum, STYPE = internal, FINALFUNC = risk._var_fhs_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.var_fhs(float8, float8) IS
'Filtered historical simulation VaR at confidence p of returns r (profit positive) in ORDER BY order: the empirical quantile of GARCH-standardized residuals scaled by the forecast sd, as a positive loss; NULL below 10 rows';
CREATE AGGREGATE risk.es_fhs(r float8, p float8) (
    SFUNC = risk._garch_accum, STYPE = internal, FINALFUNC = risk._es_fhs_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.es_fhs(float8, float8) IS
'Filtered historical simulation ES at confidence p of returns r (profit positive) in ORDER BY order, as a positive loss; NULL below 10 rows';
CREATE AGGREGATE risk.var_evt_conditional(r float8, p float8) (
    SFUNC = risk._garch_accum, STYPE = internal, FINALFUNC = risk._var_evt_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.var_evt_conditional(float8, float8) IS
'McNeil & Frey conditional VaR at confidence p of returns r (profit positive) in ORDER BY order: GARCH filter, GPD on the largest 10% of residual losses, scaled by the forecast sd, as a positive loss; NULL below 30 rows';
CREATE AGGREGATE risk.es_evt_conditional(r float8, p float8) (
    SFUNC = risk._garch_accum, STYPE = internal, FINALFUNC = risk._es_evt_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE risk.es_evt_conditional(float8, float8) IS
'McNeil & Frey conditional ES at confidence p of returns r (profit positive) in ORDER BY order, as a positive loss; NULL below 30 rows';
-- Operational risk, loss distribution approach.  Losses are positive amounts.
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

CREATE FUNCTION risk._severity_accum(internal, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_severity_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._severity_fit_final(internal) RETURNS risk.severity_model
    AS 'MODULE_PATHNAME', 'risk_severity_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._frequency_accum(internal, bigint, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_frequency_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._frequency_fit_final(internal) RETURNS risk.frequency_model
    AS 'MODULE_PATHNAME', 'risk_frequency_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._severity_accum(internal, float8, text) IS 'Support function of risk.severity_fit: transition';
COMMENT ON FUNCTION risk._severity_fit_final(internal) IS 'Support function of risk.severity_fit: final (the fit)';
COMMENT ON FUNCTION risk._frequency_accum(internal, bigint, text) IS 'Support function of risk.frequency_fit: transition';
COMMENT ON FUNCTION risk._frequency_fit_final(internal) IS 'Support function of risk.frequency_fit: final (the fit)';

CREATE AGGREGATE risk.severity_fit(loss float8, family text) (
    SFUNC = risk._severity_accum, STYPE = internal, FINALFUNC = risk._severity_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.severity_fit(float8, text) IS
'Maximum-likelihood fit of a severity family (lognormal, weibull, gamma, gpd) to positive losses, with log-likelihood and AIC to choose between families';

CREATE AGGREGATE risk.frequency_fit(n bigint, family text) (
    SFUNC = risk._frequency_accum, STYPE = internal, FINALFUNC = risk._frequency_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
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
'Monte Carlo compound annual loss (positive = loss) for a frequency and a severity: per level the VaR (type-7 quantile), ES (mean at or above it), the standard error of the VaR from the 95% order-statistic interval, and the mean; reproducible for a seed; 100 to 10,000,000 years';

CREATE FUNCTION risk.lda_simulate_losses(frequency text, frequency_params float8[],
                                         severity text, severity_params float8[],
                                         years int DEFAULT 10000, seed bigint DEFAULT 1)
    RETURNS TABLE (year int, loss float8)
    AS 'MODULE_PATHNAME', 'risk_lda_simulate_losses_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.lda_simulate_losses(text, float8[], text, float8[], int, bigint) IS
'The simulated annual losses of risk.lda_simulate (same seed, same years), one row per year, for plotting the loss distribution';

CREATE FUNCTION risk.sla_var(frequency_mean float8, severity text, severity_params float8[],
                             p float8, mean_correction boolean DEFAULT true)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_sla_var_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.sla_var(float8, text, float8[], float8, boolean) IS
'Single-loss approximation of the annual VaR at confidence p (Bocker & Kluppelberg): F^-1(1 - (1-p)/lambda), plus (lambda - 1) E[X] with the mean correction (Bocker & Sprittulla) when the severity mean is finite';

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
-- Credit validation metrics.  A bad is the default event; scores are
-- oriented so that higher means riskier (pass a PD, or minus a points score).

CREATE FUNCTION risk._score_pairs_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_score_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._pd_pairs_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._pd_pairs_accum(internal, float8, boolean, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._auc_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_auc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gini_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_gini_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._ks_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_ks_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._score_pairs_accum(internal, float8, boolean) IS 'Support function of risk.auc, risk.gini and risk.ks: transition';
COMMENT ON FUNCTION risk._pd_pairs_accum(internal, float8, boolean) IS 'Support function of risk.hosmer_lemeshow: transition';
COMMENT ON FUNCTION risk._pd_pairs_accum(internal, float8, boolean, int) IS 'Support function of risk.hosmer_lemeshow: transition';
COMMENT ON FUNCTION risk._auc_final(internal) IS 'Support function of risk.auc: final';
COMMENT ON FUNCTION risk._gini_final(internal) IS 'Support function of risk.gini: final';
COMMENT ON FUNCTION risk._ks_final(internal) IS 'Support function of risk.ks: final';

CREATE AGGREGATE risk.auc(score float8, bad boolean) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._auc_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.auc(float8, boolean) IS
'Area under the ROC curve: the probability that a bad scores higher than a good, ties counting one half (the Mann-Whitney statistic; scikit-learn roc_auc_score); NULL when the group has no bad or no good';
CREATE AGGREGATE risk.gini(score float8, bad boolean) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._gini_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gini(float8, boolean) IS
'Gini coefficient (accuracy ratio) of a score: 2 AUC - 1; NULL when the group has no bad or no good';
CREATE AGGREGATE risk.ks(score float8, bad boolean) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._ks_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.ks(float8, boolean) IS
'Kolmogorov-Smirnov distance between the score distributions of bads and goods (the two-sample KS statistic); NULL when the group has no bad or no good';

CREATE FUNCTION risk._brier_accum(float8[], float8, boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._brier_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._brier_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_brier_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._brier_accum(float8[], float8, boolean) IS 'Support function of risk.brier: transition';
COMMENT ON FUNCTION risk._brier_combine(float8[], float8[]) IS 'Support function of risk.brier: combine partial states';
COMMENT ON FUNCTION risk._brier_final(float8[]) IS 'Support function of risk.brier: final';
CREATE AGGREGATE risk.brier(pd float8, bad boolean) (
    SFUNC = risk._brier_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = risk._brier_final, COMBINEFUNC = risk._brier_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.brier(float8, boolean) IS
'Brier score of PDs: the mean of (pd - bad)^2, bad counting 1; a PD outside [0, 1] is an error';

CREATE TYPE risk.hosmer_lemeshow_result AS (statistic float8, df int, p_value float8, n bigint);
COMMENT ON TYPE risk.hosmer_lemeshow_result IS
'Result of risk.hosmer_lemeshow: the statistic, its degrees of freedom (groups - 2), the chi-squared p-value and the number of loans';
CREATE FUNCTION risk._hosmer_lemeshow_final(internal) RETURNS risk.hosmer_lemeshow_result
    AS 'MODULE_PATHNAME', 'risk_hosmer_lemeshow_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._hosmer_lemeshow_final(internal) IS 'Support function of risk.hosmer_lemeshow: final';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad boolean) (
    SFUNC = risk._pd_pairs_accum, STYPE = internal, FINALFUNC = risk._hosmer_lemeshow_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, boolean) IS
'Hosmer-Lemeshow calibration test of PDs in 10 groups of equal size by rank of PD: statistic, df, chi-squared p-value';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad boolean, groups int) (
    SFUNC = risk._pd_pairs_accum, STYPE = internal, FINALFUNC = risk._hosmer_lemeshow_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
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

CREATE FUNCTION risk.logit_fit_table(source regclass, y name, x name[],
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
    -- every name quoted as an identifier; the relation by its regclass
    q := format('SELECT risk.logit_step(%I, ARRAY[%s]::float8[], $1, $2) FROM %s',
                y, (SELECT string_agg(format('%I', c), ', ' ORDER BY o)
                    FROM unnest(x) WITH ORDINALITY AS u(c, o)), source);
    beta := array_fill(0::float8, ARRAY[cardinality(x) + CASE WHEN intercept THEN 1 ELSE 0 END]);
    WHILE it < max_iter LOOP
        it := it + 1;
        EXECUTE q INTO st USING beta, intercept;
        IF st IS NULL OR cardinality(st) = 0 THEN
            RETURN NULL;        -- no rows
        END IF;
        nb := risk._logit_newton(st, beta, intercept, l2);
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
    RETURN risk._logit_model(st, beta, intercept, l2, it, converged);
END $$;
COMMENT ON FUNCTION risk.logit_fit_table(regclass, name, name[], boolean, float8, int) IS
'Logistic regression of a table of any size: IRLS with one pass of risk.logit_step per iteration (parallel where the planner chooses), y a boolean column, x the feature columns; names are quoted, and it runs with the caller''s privileges';
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

CREATE FUNCTION risk._woe_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._woe_accum(internal, float8, boolean, int, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._woe_bins_final(internal) RETURNS risk.woe_binning
    AS 'MODULE_PATHNAME', 'risk_woe_bins_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._woe_accum(internal, float8, boolean) IS 'Support function of risk.woe_bins: transition';
COMMENT ON FUNCTION risk._woe_accum(internal, float8, boolean, int, float8) IS 'Support function of risk.woe_bins: transition';
COMMENT ON FUNCTION risk._woe_bins_final(internal) IS 'Support function of risk.woe_bins: final (the binning)';

CREATE AGGREGATE risk.woe_bins(x float8, bad boolean) (
    SFUNC = risk._woe_accum, STYPE = internal, FINALFUNC = risk._woe_bins_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, boolean) IS
'Weight-of-evidence binning of a characteristic x against defaults: fine quantile bins merged until the bad rate (and so the WOE) is monotonic, each bin holds 5% of the non-missing rows and there are at most 10; NULL x gets its own bin';
CREATE AGGREGATE risk.woe_bins(x float8, bad boolean, max_bins int, min_share float8) (
    SFUNC = risk._woe_accum, STYPE = internal, FINALFUNC = risk._woe_bins_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, boolean, int, float8) IS
'Weight-of-evidence binning with at most max_bins bins (1 to 50) of at least min_share of the rows each';

CREATE FUNCTION risk.woe(binning risk.woe_binning, x float8) RETURNS float8
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k int;
    w float8;
BEGIN
    IF binning IS NULL THEN
        RETURN NULL;
    END IF;
    k := cardinality(binning.lower) - CASE WHEN binning.has_missing THEN 1 ELSE 0 END;
    IF x IS NULL THEN
        RETURN CASE WHEN binning.has_missing THEN binning.woe[k + 1] ELSE 0 END;
    END IF;
    IF x = 'NaN' THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'characteristic must be a number, got NaN';
    END IF;
    -- the bins cover the line: the first from -Infinity, the last to +Infinity inclusive
    SELECT binning.woe[i] INTO w FROM generate_series(1, k) i
    WHERE x >= binning.lower[i] AND (x < binning.upper[i] OR i = k)
    ORDER BY i LIMIT 1;
    RETURN w;
END $$;
COMMENT ON FUNCTION risk.woe(risk.woe_binning, float8) IS
'The WOE of a value in a binning: the bin [lower, upper) holding x; NULL x takes the missing-value bin, or 0 (no evidence) when the binning had no missing value';

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

-- points: score = offset + factor ln(good:bad odds), factor = pdo / ln 2,
-- offset = base_points - factor ln(base_odds)
CREATE FUNCTION risk.score_points(pd float8, base_points float8 DEFAULT 600,
                                  base_odds float8 DEFAULT 50, pdo float8 DEFAULT 20)
    RETURNS float8 LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (pd > 0 AND pd < 1) THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('a PD must be between 0 and 1 exclusive, got %s', pd);
    END IF;
    IF NOT (base_odds > 0 AND pdo > 0) THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('base_odds and pdo must be positive, got %s and %s', base_odds, pdo);
    END IF;
    RETURN base_points + pdo / ln(2) * (ln((1 - pd) / pd) - ln(base_odds));
END $$;
COMMENT ON FUNCTION risk.score_points(float8, float8, float8, float8) IS
'Scorecard points of a PD: base_points at good:bad odds base_odds, pdo more points for every doubling of the odds: base_points + pdo/ln 2 (ln((1-pd)/pd) - ln base_odds)';

CREATE FUNCTION risk.characteristic_points(coefficient float8, woe float8, intercept float8,
                                           n_characteristics int, base_points float8 DEFAULT 600,
                                           base_odds float8 DEFAULT 50, pdo float8 DEFAULT 20)
    RETURNS float8 LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF n_characteristics < 1 THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('n_characteristics must be at least 1, got %s', n_characteristics);
    END IF;
    IF NOT (base_odds > 0 AND pdo > 0) THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('base_odds and pdo must be positive, got %s and %s', base_odds, pdo);
    END IF;
    RETURN (base_points - pdo / ln(2) * ln(base_odds)) / n_characteristics
           - pdo / ln(2) * (coefficient * woe + intercept / n_characteristics);
END $$;
COMMENT ON FUNCTION risk.characteristic_points(float8, float8, float8, int, float8, float8, float8) IS
'Points of one characteristic''s bin in a scorecard from a logistic model of defaults on WOE columns (log-odds of default = intercept + sum coefficient_j woe_j): summed over the characteristics they give risk.score_points of the model''s PD';
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
CREATE FUNCTION risk._check_scale(s text) RETURNS void
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
COMMENT ON FUNCTION risk._check_scale(text) IS 'Support function of risk.master_scale: raise if a scale has a gap or an overlap';

CREATE FUNCTION risk._master_scale_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM risk._check_scale(OLD.scale);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM risk._check_scale(NEW.scale);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION risk._master_scale_check() IS 'Support function of risk.master_scale: constraint trigger checking the scales a transaction wrote';

CREATE CONSTRAINT TRIGGER master_scale_complete
    AFTER INSERT OR UPDATE OR DELETE ON risk.master_scale
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION risk._master_scale_check();

REVOKE ALL ON risk.master_scale FROM PUBLIC;
GRANT SELECT ON risk.master_scale TO PUBLIC;

CREATE FUNCTION risk.grade(pd float8, scale text DEFAULT 'default') RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g text;
BEGIN
    IF NOT (pd >= 0 AND pd <= 1) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('a PD must be between 0 and 1, got %s', pd);
    END IF;
    SELECT m.grade INTO g FROM risk.master_scale m
    WHERE m.scale = grade.scale AND pd >= m.pd_lower AND (pd < m.pd_upper OR (pd = 1 AND m.pd_upper = 1));
    IF g IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('unknown master scale %L', grade.scale),
            HINT = 'The scales are in risk.master_scale.';
    END IF;
    RETURN g;
END $$;
COMMENT ON FUNCTION risk.grade(float8, text) IS
'The grade of a PD on a master scale (risk.master_scale): the band [pd_lower, pd_upper) holding it; a PD outside [0, 1] or an unknown scale is an error';

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
CREATE FUNCTION risk._migration_accum(internal, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_migration_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk._migration_accum(internal, text, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_migration_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk._migration_final(internal) RETURNS risk.migration_result
    AS 'MODULE_PATHNAME', 'risk_migration_final' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._migration_accum(internal, text, text) IS 'Support function of risk.migration_matrix: transition';
COMMENT ON FUNCTION risk._migration_accum(internal, text, text, text) IS 'Support function of risk.migration_matrix: transition';
COMMENT ON FUNCTION risk._migration_final(internal) IS 'Support function of risk.migration_matrix: final (reads the scale, builds the matrices)';

CREATE AGGREGATE risk.migration_matrix(from_grade text, to_grade text) (
    SFUNC = risk._migration_accum, STYPE = internal,
    FINALFUNC = risk._migration_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.migration_matrix(text, text) IS
'Grade migration matrix on the default master scale: transition counts and row-normalised probabilities from the grades at one date to the grades at another, in the scale''s order; rows with a NULL grade are skipped';
CREATE AGGREGATE risk.migration_matrix(from_grade text, to_grade text, scale text) (
    SFUNC = risk._migration_accum, STYPE = internal,
    FINALFUNC = risk._migration_final, PARALLEL = SAFE
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
