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

-- risk.score_points is in 98_first_hour.sql (0.2.2 changed it).

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
