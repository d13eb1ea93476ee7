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
