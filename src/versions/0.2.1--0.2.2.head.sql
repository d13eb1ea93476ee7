-- risk upgrade script 0.2.1 -> 0.2.2.  Built by the Makefile: this head,
-- then the pieces 0.2.2 added or changed (what a new analyst meets on the
-- first day: windows that start with NULLs, levels written as tail
-- probabilities, order-dependent aggregates called without an order,
-- integer default flags, the early-warning views BI tools join).
-- Test: test/t/002_upgrade_dump.pl compares the upgraded catalog with a
-- fresh install.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.2.2'" to load this file. \quit

-- risk.grade, risk.score_points, risk.woe and risk.characteristic_points move
-- to 98_first_hour.sql, which
-- replaces them (CREATE OR REPLACE keeps their privileges).  The last piece,
-- 99_privileges.sql, revokes from PUBLIC what the new pieces create.
