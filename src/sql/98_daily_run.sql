-- What the daily run needs in one pass (0.2.2), in a piece of its own that
-- the upgrade from 0.2.1 includes: the population stability index from raw
-- scores, and a GPD fit whose threshold is a quantile of the group's own
-- losses.

CREATE FUNCTION risk._psi_scores_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._psi_scores_accum(internal, float8, boolean, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._psi_scores_accum(internal, float8, boolean, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_edges_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._psi_scores_final(internal) RETURNS risk.psi_result
    AS 'MODULE_PATHNAME', 'risk_psi_scores_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._psi_scores_accum(internal, float8, boolean) IS 'Support function of risk.psi_scores: transition (10 buckets)';
COMMENT ON FUNCTION risk._psi_scores_accum(internal, float8, boolean, int) IS 'Support function of risk.psi_scores: transition (buckets by the development quantiles)';
COMMENT ON FUNCTION risk._psi_scores_accum(internal, float8, boolean, float8[]) IS 'Support function of risk.psi_scores: transition (given breakpoints)';
COMMENT ON FUNCTION risk._psi_scores_final(internal) IS 'Support function of risk.psi_scores: final (bucket counts, then the PSI)';

CREATE AGGREGATE risk.psi_scores(score float8, current boolean) (
    SFUNC = risk._psi_scores_accum, STYPE = internal, FINALFUNC = risk._psi_scores_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean) IS
'Population stability index of raw scores, current = false for the development sample and true for the current one: 10 buckets [b(i-1), b(i)) at the development sample''s type-7 deciles (repeated edges merged), then as risk.psi; NULL when a sample is empty';
CREATE AGGREGATE risk.psi_scores(score float8, current boolean, buckets int) (
    SFUNC = risk._psi_scores_accum, STYPE = internal, FINALFUNC = risk._psi_scores_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean, int) IS
'Population stability index of raw scores in buckets (2 to 1000) at the development sample''s type-7 quantiles 1/buckets, ..., (buckets-1)/buckets; a bucket is [b(i-1), b(i))';
CREATE AGGREGATE risk.psi_scores(score float8, current boolean, breakpoints float8[]) (
    SFUNC = risk._psi_scores_accum, STYPE = internal, FINALFUNC = risk._psi_scores_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean, float8[]) IS
'Population stability index of raw scores in the buckets [b(i-1), b(i)) of increasing breakpoints b(1..k) (b(0) = -Infinity, b(k+1) = +Infinity), the same on every row';

CREATE FUNCTION risk._gpd_q_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_q_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gpd_q_accum(internal, float8, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_q_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gpd_q_final(internal) RETURNS risk.gpd_model
    AS 'MODULE_PATHNAME', 'risk_gpd_q_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._gpd_q_accum(internal, float8, float8) IS 'Support function of risk.gpd_fit_quantile: transition';
COMMENT ON FUNCTION risk._gpd_q_accum(internal, float8, float8, text) IS 'Support function of risk.gpd_fit_quantile: transition';
COMMENT ON FUNCTION risk._gpd_q_final(internal) IS 'Support function of risk.gpd_fit_quantile: final (the threshold, then the fit)';

CREATE AGGREGATE risk.gpd_fit_quantile(loss float8, q float8) (
    SFUNC = risk._gpd_q_accum, STYPE = internal, FINALFUNC = risk._gpd_q_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit_quantile(float8, float8) IS
'Maximum-likelihood GPD fit to the excesses of losses (positive = loss) over the type-7 quantile at q of the group''s own losses (percentile_cont(q)), in one pass; the model''s threshold is that quantile';
CREATE AGGREGATE risk.gpd_fit_quantile(loss float8, q float8, method text) (
    SFUNC = risk._gpd_q_accum, STYPE = internal, FINALFUNC = risk._gpd_q_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit_quantile(float8, float8, text) IS
'GPD fit by method ''mle'' or ''pwm'' to the excesses of losses over the type-7 quantile at q of the group''s own losses, in one pass';
