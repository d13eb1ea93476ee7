-- risk extension install script.  Built by the Makefile from src/sql/*.sql;
-- edit those pieces, not the generated risk--X.Y.Z.sql.

\echo Use "CREATE EXTENSION risk" to load this file. \quit

COMMENT ON SCHEMA risk IS 'Risk analytics: market, tail and operational risk, credit scoring and grading, early warning';

-- every role may see the schema; what it may call or read is granted by
-- level (risk.grant_reader, grant_analyst, grant_admin: 95_security.sql)
GRANT USAGE ON SCHEMA risk TO PUBLIC;

-- The support functions (transition, combine, serialize and final functions
-- of the aggregates, the background workers' bookkeeping, the checks) live
-- in a schema of their own, so that \df risk.* lists what users call.  Every
-- role may see it, as it may see risk; EXECUTE is granted function by
-- function (99_privileges.sql).
CREATE SCHEMA risk_internal;
COMMENT ON SCHEMA risk_internal IS 'Support functions of the risk extension: not called directly';
GRANT USAGE ON SCHEMA risk_internal TO PUBLIC;
