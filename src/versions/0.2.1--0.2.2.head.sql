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
-- replaces them (CREATE OR REPLACE keeps their privileges).  The tail,
-- 0.2.1--0.2.2.tail.sql, revokes from PUBLIC what the new pieces create.

-- ---------------------------------------------------------------------
-- Early warning: the watched view is a regclass column `view` in every
-- table and view (risk.alerts and risk.refresh_history had view_oid oid),
-- the history has its duration in seconds too, and the BI views are made
-- again by 98_warning_views.sql with columns of other types.  Their grants
-- are kept here and given back by 0.2.1--0.2.2.warning_grants.sql, which
-- the Makefile puts after that piece.  A view of the user's own that reads
-- one of the BI views stops the upgrade (DROP VIEW would need CASCADE):
-- drop it first and make it again afterwards.
-- ---------------------------------------------------------------------
CREATE TABLE risk._upgrade_view_grants AS
SELECT c.oid::regclass::text AS view, c.relowner, c.relacl
FROM pg_catalog.pg_class c
WHERE c.oid IN ('risk.open_alerts'::regclass, 'risk.alert_summary'::regclass,
                'risk.refresh_status'::regclass);
COMMENT ON TABLE risk._upgrade_view_grants IS
'Scratch table of the upgrade 0.2.1 -> 0.2.2: owner and grants of the BI views it makes again; dropped by the end of the same script';
DROP VIEW risk.refresh_status, risk.alert_summary, risk.open_alerts;

-- a column used by a policy cannot change type: the read policies go and
-- come back on the new column
DROP POLICY alerts_read ON risk.alerts;
DROP POLICY history_read ON risk.refresh_history;
ALTER TABLE risk.alerts RENAME COLUMN view_oid TO view;
ALTER TABLE risk.alerts ALTER COLUMN view TYPE regclass;
ALTER TABLE risk.refresh_history RENAME COLUMN view_oid TO view;
ALTER TABLE risk.refresh_history ALTER COLUMN view TYPE regclass;
ALTER TABLE risk.refresh_history
    ADD COLUMN duration_seconds float8 GENERATED ALWAYS AS (extract(epoch FROM duration)) STORED;
CREATE POLICY alerts_read ON risk.alerts FOR SELECT USING (risk._may_read(view));
CREATE POLICY history_read ON risk.refresh_history FOR SELECT USING (risk._may_read(view));
COMMENT ON TABLE risk.refresh_history IS
'One row per refresh: the view, start, end, duration (also in seconds), rows, outcome (running while it runs, then ok, failed, timeout, lost or rules_failed), error and the alerts it opened, updated and resolved; kept for risk.history_retention';

-- Operational risk: the comments spell out the loss distribution approach (LDA)
-- and the single-loss approximation (SLA).
COMMENT ON FUNCTION risk.lda_simulate(text, float8[], text, float8[], int, bigint, float8[]) IS
'Loss distribution approach (LDA, the operational-risk model; not linear discriminant analysis): Monte Carlo compound annual loss (positive = loss) for a frequency and a severity: per level the VaR (type-7 quantile), ES (mean at or above it), the standard error of the VaR from the 95% order-statistic interval, and the mean; reproducible for a seed; 100 to 10,000,000 years';
COMMENT ON FUNCTION risk.lda_simulate_losses(text, float8[], text, float8[], int, bigint) IS
'The simulated annual losses of risk.lda_simulate, the loss distribution approach (same seed, same years), one row per year, for plotting the loss distribution';
COMMENT ON FUNCTION risk.sla_var(float8, text, float8[], float8, boolean) IS
'Single-loss approximation (SLA) of the annual operational-risk VaR of the loss distribution approach at confidence p (Bocker & Kluppelberg): F^-1(1 - (1-p)/lambda), plus (lambda - 1) E[X] with the mean correction (Bocker & Sprittulla) when the severity mean is finite';

-- ---------------------------------------------------------------------
-- Early warning in bulk: a rule's breaching rows come as a relation
-- (risk._rule_breach_rows, made by 98_warning_batch.sql with the new
-- risk._evaluate_rules), not as a jsonb array expanded again for every
-- open alert; the array and its expansion go.  The library keeps the C
-- function of the array for a 0.2.1 schema not yet upgraded.
-- ---------------------------------------------------------------------
DROP FUNCTION risk._rule_breaches(regclass, name, text, float8, name[]);
DROP FUNCTION risk._breach_rows(jsonb, text);
