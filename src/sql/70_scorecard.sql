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
