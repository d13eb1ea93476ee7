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
