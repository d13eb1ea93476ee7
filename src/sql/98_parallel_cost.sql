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
CREATE FUNCTION risk._logit_buffer_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_buffer_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    COST 10000000000;
COMMENT ON FUNCTION risk._logit_buffer_deserialize(bytea, internal) IS
'Support function of risk.logit_fit: deserialize a partial state; costed so that the planner keeps logit_fit out of parallel plans';

CREATE OR REPLACE AGGREGATE risk.logit_fit(y boolean, x float8[]) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y boolean, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y int, x float8[]) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y int, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._logit_buffer_deserialize,
    PARALLEL = SAFE
);
