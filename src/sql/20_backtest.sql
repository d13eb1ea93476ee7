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
