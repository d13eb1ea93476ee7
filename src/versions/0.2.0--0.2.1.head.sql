-- risk upgrade script 0.2.0 -> 0.2.1.  Built by the Makefile: this head,
-- then the pieces 0.2.1 changed (risk.grant_access takes back the columns
-- above the level and warns when the role can read the whole table;
-- disabling a rule resolves its open alerts).
-- Test: test/t/002_upgrade_dump.pl compares the upgraded catalog with a
-- fresh install.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.2.1'" to load this file. \quit

-- comments made accurate in 0.2.1 (the same text as in src/sql)
COMMENT ON FUNCTION risk._buffer_combine(internal, internal) IS 'Support function of the value-buffer aggregates (historical VaR/ES, the GPD, GEV, Hill, severity and frequency fits, AUC, Gini, KS, Hosmer-Lemeshow, logit_fit, woe_bins): combine partial states';
COMMENT ON FUNCTION risk._check_scale(text) IS 'Support function of risk.master_scale: raise if a scale has a gap or an overlap, or its last band does not reach a PD of 1';
COMMENT ON TABLE risk.refresh_history IS
'One row per refresh: start, end, duration, rows, outcome (running while it runs, then ok, failed, timeout, lost or rules_failed), error and the alerts it opened, updated and resolved; kept for risk.history_retention';
COMMENT ON FUNCTION risk._may_manage(oid) IS
'Row check of the writes to the registry, rules and classifications: is the current user a member of the role that owns relation r';
COMMENT ON FUNCTION risk._may_read(oid) IS
'Row check of the reads of the registry, rules, alerts, history and classifications: may the current user manage or SELECT relation r';
COMMENT ON FUNCTION risk.grant_reader(regrole) IS
'BI reader level: read the early-warning views (open alerts, summary, refresh status) and the tables under them (alerts, watched views, rules, refresh history), rows of the watched views the role may read only; no function of the extension';

