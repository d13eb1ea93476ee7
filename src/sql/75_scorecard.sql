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

-- risk.woe is in 98_first_hour.sql (0.2.2 made it C).

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

-- risk.score_points is in 98_first_hour.sql (0.2.2 changed it).

-- risk.characteristic_points is in 98_first_hour.sql (0.2.2 made it C).
