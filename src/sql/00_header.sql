-- risk extension install script.  Built by the Makefile from src/sql/*.sql;
-- edit those pieces, not the generated risk--X.Y.Z.sql.

\echo Use "CREATE EXTENSION risk" to load this file. \quit

COMMENT ON SCHEMA risk IS 'Risk analytics: market risk (VaR/ES, backtests) and, as they land, tail risk, credit scoring and early warning';
