-- risk extension install script.  Built by the Makefile from src/sql/*.sql;
-- edit those pieces, not the generated risk--X.Y.Z.sql.

\echo Use "CREATE EXTENSION risk" to load this file. \quit

COMMENT ON SCHEMA risk IS 'Risk analytics: market risk (VaR/ES, backtests) and, as they land, tail risk, credit scoring and early warning';

-- every role may call the functions; what is not for everyone (writing the
-- master scales) is guarded by privileges on the objects themselves
GRANT USAGE ON SCHEMA risk TO PUBLIC;
