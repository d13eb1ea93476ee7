-- 0.2.2: the GARCH transition functions need no call expression.
--
-- In 0.2.1 one C function served both forms and told a confidence level
-- (var_garch(r, 0.99)) from a distribution (garch_fit(r, 'std')) by the
-- argument type of the call expression, which a caller through fmgr
-- without an expression does not pass.  Each SQL signature now has its own
-- C entry point; the old one stays in the library for a catalog not yet
-- updated.
CREATE OR REPLACE FUNCTION risk._garch_accum(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_dist' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION risk._garch_accum(internal, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_dist' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION risk._garch_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_level' LANGUAGE C IMMUTABLE PARALLEL SAFE;
