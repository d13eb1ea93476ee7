-- risk upgrade script 0.1.0 -> 0.2.0.  Built by the Makefile: this head,
-- then the pieces that 0.2.0 added (early warning, security, privileges).
-- Test: test/t/002_upgrade_dump.pl compares the upgraded catalog with a
-- fresh install of 0.2.0.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.2.0'" to load this file. \quit

COMMENT ON SCHEMA risk IS 'Risk analytics: market, tail and operational risk, credit scoring and grading, early warning';

