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
