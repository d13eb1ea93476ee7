--
-- Early warning: the SQL interface and its errors, and one refresh cycle
-- driven by hand through the functions the workers call (pg_regress runs
-- without shared_preload_libraries, so no worker refreshes anything here;
-- test/t/001_workers.pl tests the workers).
--
CREATE TABLE ew_loans (customer int PRIMARY KEY, lim float8, drawn float8, name text);
INSERT INTO ew_loans VALUES (1, 100, 50, 'a'), (2, 100, 95, 'b'), (3, 100, 20, 'c');
CREATE MATERIALIZED VIEW ew_util AS
    SELECT customer, drawn / lim AS utilisation, name FROM ew_loans;
CREATE UNIQUE INDEX ON ew_util (customer);
CREATE MATERIALIZED VIEW ew_top AS SELECT max(utilisation) AS top FROM ew_util;
CREATE VIEW ew_plain AS SELECT * FROM ew_top;
CREATE MATERIALIZED VIEW ew_top2 AS SELECT top FROM ew_plain;
CREATE MATERIALIZED VIEW ew_empty AS SELECT 1 AS x WITH NO DATA;
CREATE UNIQUE INDEX ON ew_empty (x);

-- errors of watch()
SELECT try($$SELECT risk.watch('ew_nope', '1 minute')$$);
SELECT try($$SELECT risk.watch('ew_loans', '1 minute')$$);
SELECT try($$SELECT risk.watch('ew_plain', '1 minute')$$);
SELECT try($$SELECT risk.watch('ew_util', '0')$$);
SELECT try($$SELECT risk.watch('ew_util', '-5 minutes')$$);
SELECT try($$SELECT risk.watch('ew_util', NULL)$$);
SELECT try($$SELECT risk.watch(NULL, '1 minute')$$);
SELECT try($$SELECT risk.watch('ew_util', 'soon')$$);

-- watching (without the workers a NOTICE says so); watching again re-times
SELECT risk.watch('ew_util', '1 minute');
-- an interval shorter than risk.naptime (10s here) is not kept: a NOTICE
-- names the cadence the scheduler gives; risk.naptime itself is fine
SELECT risk.watch('ew_util', '2 seconds');
SELECT risk.watch('ew_util', '10 seconds');
SELECT risk.watch('ew_util', '5 minutes');
SELECT risk.watch('ew_top', '5 minutes');
SELECT risk.watch('ew_top2', '5 minutes');
SELECT view, every, paused, failures FROM risk.watched ORDER BY view::text;

-- pause, resume, refresh_now, unwatch
SELECT try($$SELECT risk.pause('ew_empty')$$);
SELECT try($$SELECT risk.unwatch('ew_empty')$$);
SELECT try($$SELECT risk.refresh_now('ew_empty')$$);
SELECT risk.pause('ew_top2');
SELECT try($$SELECT risk.refresh_now('ew_top2')$$);
SELECT view, paused FROM risk.watched WHERE view = 'ew_top2'::regclass;
SELECT risk.resume('ew_top2');
SELECT risk.refresh_now('ew_top2');
SELECT next_run <= now() AS due_now FROM risk.watched WHERE view = 'ew_top2'::regclass;

-- errors of add_rule()
SELECT try($$SELECT risk.add_rule('ew_empty', 'x', '>', 1)$$);
SELECT try($$SELECT risk.add_rule('ew_util', 'nope', '>', 0.9)$$);
SELECT try($$SELECT risk.add_rule('ew_util', 'name', '>', 0.9)$$);
SELECT try($$SELECT risk.add_rule('ew_util', 'utilisation', '>', 0.9, key_columns => '{customer,nope}')$$);
SELECT try($$SELECT risk.add_rule('ew_util', 'utilisation', '=>', 0.9)$$);
SELECT try($$SELECT risk.add_rule('ew_util', 'utilisation', '>', 'NaN')$$);
SELECT try($$SELECT risk.add_rule('ew_util', 'utilisation', '>', 'Infinity')$$);
SELECT try($$SELECT risk.add_rule('ew_util', 'utilisation', '>', 0.9, 'urgent')$$);
SELECT try($$SELECT risk.add_rule('ew_util', 'utilisation', '>', NULL)$$);
SELECT try($$SELECT risk.drop_rule(12345)$$);

SELECT risk.add_rule('ew_util', 'utilisation', '>', 0.9, 'critical', 'cut the limit',
                     '{customer}', 'utilisation over 90%') AS rule_id \gset
SELECT risk.add_rule('ew_top', 'top', '>=', 0.5, 'info') AS rule_top \gset
SELECT rule_name, metric, op, threshold, severity, action, key_columns
FROM risk.rules ORDER BY id;

-- the due views, ancestors first, each with its watched ancestors
UPDATE risk.watched SET next_run = now() - interval '1 s';
SELECT view::regclass, deps::regclass[] FROM risk_internal._due('{}', 86400);
SELECT view::regclass FROM risk_internal._due(ARRAY['ew_util'::regclass::oid], 86400);

-- one refresh cycle, as the workers run it
INSERT INTO ew_loans VALUES (4, 100, 99, 'd');
SELECT risk_internal._refresh_begin('ew_util'::regclass) AS hid \gset
SELECT outcome, concurrent FROM risk.refresh_history WHERE id = :hid;
SELECT risk_internal._refresh_as_owner('ew_util', true, 0) AS rows;
SELECT risk_internal._refresh_end(:hid, 'ok', NULL, NULL, 4);
SELECT risk_internal._evaluate_rules(:hid);
SELECT outcome, rows, alerts_opened, alerts_updated, alerts_resolved,
       duration_seconds = extract(epoch FROM duration) AS duration_in_seconds
FROM risk.refresh_history WHERE id = :hid;
SELECT severity, view, rule, key, value, action, refreshes FROM risk.open_alerts;

-- a continuing breach updates, a cleared one resolves, a new one opens
UPDATE ew_loans SET drawn = 97 WHERE customer = 2;
UPDATE ew_loans SET drawn = 10 WHERE customer = 4;
UPDATE ew_loans SET drawn = 91 WHERE customer = 1;
SELECT risk_internal._refresh_begin('ew_util'::regclass) AS hid \gset
SELECT risk_internal._refresh_as_owner('ew_util', true, 0) AS rows;
SELECT risk_internal._refresh_end(:hid, 'ok', NULL, NULL, 4);
SELECT risk_internal._evaluate_rules(:hid);
SELECT alerts_opened, alerts_updated, alerts_resolved FROM risk.refresh_history WHERE id = :hid;
SELECT key, status, value, refreshes, resolution FROM risk.alerts ORDER BY id;
SELECT severity, view, open FROM risk.alert_summary ORDER BY view;

-- rules with no key: one alert for the view
SELECT risk_internal._refresh_begin('ew_top'::regclass) AS hid \gset
SELECT risk_internal._refresh_as_owner('ew_top', false, 0) AS rows;
SELECT risk_internal._refresh_end(:hid, 'ok', NULL, NULL, 1);
SELECT risk_internal._evaluate_rules(:hid);
SELECT key, value, severity FROM risk.open_alerts WHERE view = 'ew_top'::regclass;
SELECT key, value, severity FROM risk.open_alerts WHERE view_name = 'public.ew_top';

-- the view is a regclass column `view` in every table and view of early
-- warning, so any two join on it: the open alerts with the state of their
-- view (the join of docs/warning.md)
SELECT c.oid::regclass AS relation, format_type(a.atttypid, a.atttypmod) AS view_type
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'view'
WHERE c.oid IN ('risk.watched'::regclass, 'risk.rules'::regclass, 'risk.alerts'::regclass,
                'risk.refresh_history'::regclass, 'risk.open_alerts'::regclass,
                'risk.alert_summary'::regclass, 'risk.refresh_status'::regclass)
ORDER BY c.oid::regclass::text;
SELECT a.severity, a.view, a.rule, a.key, s.every, s.every_seconds, s.paused,
       s.last_outcome, s.open_alerts
FROM risk.open_alerts a
JOIN risk.refresh_status s ON s.view = a.view
ORDER BY a.id;
SELECT a.view, h.outcome, h.rows
FROM risk.alerts a JOIN risk.refresh_history h ON h.view = a.view AND h.started_at <= a.opened_at
WHERE a.status = 'open'
ORDER BY a.id, h.id;
-- columns a BI tool reads: every interval has a companion in seconds
-- (float8), flags are boolean, times timestamptz
SELECT c.oid::regclass AS relation, a.attname, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.oid IN ('risk.alerts'::regclass, 'risk.refresh_history'::regclass,
                'risk.open_alerts'::regclass, 'risk.alert_summary'::regclass,
                'risk.refresh_status'::regclass)
  AND a.atttypid IN ('interval'::regtype, 'float8'::regtype, 'boolean'::regtype,
                     'timestamp'::regtype, 'timestamptz'::regtype)
ORDER BY c.oid::regclass::text, a.attnum;
SELECT c.oid::regclass AS relation, a.attname AS interval_without_seconds
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'risk'::regnamespace AND c.relkind IN ('r', 'v')
  AND c.relname IN ('alerts', 'refresh_history', 'open_alerts', 'alert_summary', 'refresh_status')
  AND a.atttypid = 'interval'::regtype
  AND NOT EXISTS (SELECT 1 FROM pg_attribute s
                  WHERE s.attrelid = c.oid AND s.attname = a.attname || '_seconds'
                    AND s.atttypid = 'float8'::regtype);
SELECT view, view_name, every, every_seconds FROM risk.refresh_status ORDER BY view_name;
SELECT severity, view, view_name, open FROM risk.alert_summary ORDER BY view_name;

-- a failure: recorded, counted, retried no later than the interval
SELECT risk_internal._refresh_begin('ew_top2'::regclass) AS hid \gset
SELECT risk_internal._refresh_end(:hid, 'failed', '22012', 'division by zero', NULL);
SELECT outcome, sqlstate, message, rows FROM risk.refresh_history WHERE id = :hid;
SELECT failures, last_outcome, next_run - last_finished BETWEEN interval '4.9 s' AND interval '5.1 s' AS backoff
FROM risk.watched WHERE view = 'ew_top2'::regclass;
-- the same end twice changes nothing; a lost worker after an end is ignored
SELECT risk_internal._refresh_end(:hid, 'ok', NULL, NULL, 1);
SELECT risk_internal._refresh_lost(:hid);
SELECT outcome FROM risk.refresh_history WHERE id = :hid;
-- a refresh left running by a crash is closed as lost
SELECT risk_internal._refresh_begin('ew_top2'::regclass) AS hid \gset
SELECT risk_internal._scheduler_start();
SELECT outcome, message FROM risk.refresh_history WHERE id = :hid;
SELECT failures FROM risk.watched WHERE view = 'ew_top2'::regclass;

-- history older than risk.history_retention goes at the scheduler's next look
SELECT count(*) AS history_rows FROM risk.refresh_history;
UPDATE risk.refresh_history SET finished_at = now() - interval '2 days'
WHERE view_name = 'public.ew_top2';
-- (ew_util and ew_top, refreshed by hand above, are still due: it is the
-- refresh worker that moves a view's next run, when the refresh starts)
SELECT count(*) FROM risk_internal._due('{}', 86400);
SELECT count(*) AS history_rows, count(*) FILTER (WHERE view_name = 'public.ew_top2') AS of_ew_top2
FROM risk.refresh_history;

-- CONCURRENTLY only for a populated view with a usable unique index
SELECT v, risk_internal._refresh_concurrently(v::regclass)
FROM unnest(ARRAY['ew_util', 'ew_top', 'ew_empty']) v;

-- dropping a rule resolves its alerts; dropping a view unwatches it
SELECT risk.drop_rule(:rule_top);
SELECT key, status, resolution FROM risk.alerts WHERE view_name = 'public.ew_top';
DROP MATERIALIZED VIEW ew_top2;
SELECT view FROM risk.watched ORDER BY view::text;

-- disabling a rule resolves its open alerts at once; enabled again, the
-- next refresh opens them anew
SELECT count(*) AS open_before FROM risk.alerts WHERE rule_id = :rule_id AND status = 'open';
UPDATE risk.rules SET enabled = false WHERE id = :rule_id;
SELECT key, status, resolution FROM risk.alerts WHERE rule_id = :rule_id ORDER BY id;
UPDATE risk.rules SET enabled = true WHERE id = :rule_id;
SELECT risk_internal._refresh_begin('ew_util'::regclass) AS hid \gset
SELECT risk_internal._refresh_as_owner('ew_util', true, 0) AS rows;
SELECT risk_internal._refresh_end(:hid, 'ok', NULL, NULL, 4);
SELECT risk_internal._evaluate_rules(:hid);
SELECT key, status FROM risk.alerts WHERE rule_id = :rule_id AND status = 'open' ORDER BY id;

-- risk.refresh_and_evaluate: the refresh workers' path in the calling
-- session (no worker runs here): refresh, outcome, rules, history, and the
-- history row back
UPDATE ew_loans SET drawn = 95 WHERE customer = 3;
CREATE TEMP TABLE ew_sync AS SELECT * FROM risk.refresh_and_evaluate('ew_util');
SELECT view, outcome, rows, concurrent, alerts_opened, alerts_updated, alerts_resolved,
       sqlstate, message, finished_at >= started_at AS finished
FROM ew_sync;
SELECT h::text = s::text AS returns_the_history_row
FROM risk.refresh_history h JOIN ew_sync s ON s.id = h.id;
SELECT key, status, value, refreshes FROM risk.alerts WHERE rule_id = :rule_id ORDER BY id;
-- the start counts for the schedule, as a worker's does
SELECT last_started = (SELECT max(started_at) FROM risk.refresh_history
                       WHERE view = 'ew_util'::regclass) AS last_started,
       next_run = last_started + every AS next_run_one_interval_later, last_outcome
FROM risk.watched WHERE view = 'ew_util'::regclass;
UPDATE ew_loans SET drawn = 50 WHERE customer IN (2, 3);
SELECT outcome, alerts_opened, alerts_updated, alerts_resolved
FROM risk.refresh_and_evaluate('ew_util');
SELECT key, status, resolution FROM risk.alerts WHERE rule_id = :rule_id ORDER BY id;
-- in a transaction the refresh, its history and its alerts go with a rollback
BEGIN;
UPDATE ew_loans SET drawn = 99 WHERE customer = 1;
SELECT outcome, alerts_opened FROM risk.refresh_and_evaluate('ew_util');
SELECT count(*) AS open_inside FROM risk.alerts WHERE rule_id = :rule_id AND status = 'open';
ROLLBACK;
SELECT count(*) AS open_after_rollback FROM risk.alerts WHERE rule_id = :rule_id AND status = 'open';
SELECT utilisation FROM ew_util WHERE customer = 1;
-- errors
SELECT try($$SELECT risk.refresh_and_evaluate(NULL)$$);
SELECT try($$SELECT risk.refresh_and_evaluate('ew_loans')$$);
SELECT try($$SELECT risk.refresh_and_evaluate('ew_nope')$$);
SELECT try($$SELECT risk.refresh_and_evaluate(0)$$);
CREATE MATERIALIZED VIEW ew_unwatched AS SELECT 1 AS x;
SELECT try($$SELECT risk.refresh_and_evaluate('ew_unwatched')$$);
SELECT risk.pause('ew_util');
SELECT try($$SELECT risk.refresh_and_evaluate('ew_util')$$);
SELECT risk.resume('ew_util');
-- a failed refresh is recorded, counted and returned, not raised
CREATE TABLE ew_div (x int);
INSERT INTO ew_div VALUES (1);
CREATE MATERIALIZED VIEW ew_ratio AS SELECT 1 / x AS r, x::numeric AS big FROM ew_div;
SELECT risk.watch('ew_ratio', '1 hour');
UPDATE ew_div SET x = 0;
SELECT outcome, rows, sqlstate, message, alerts_opened FROM risk.refresh_and_evaluate('ew_ratio');
SELECT failures, last_outcome, last_message FROM risk.watched WHERE view = 'ew_ratio'::regclass;
SELECT count(*) AS rows_kept FROM ew_ratio;
-- a rule that cannot be evaluated: the refresh stands, the rule's error is recorded
TRUNCATE ew_div;
INSERT INTO ew_div SELECT 1;
CREATE OR REPLACE FUNCTION ew_huge() RETURNS numeric LANGUAGE sql AS 'SELECT 1e400::numeric';
DROP MATERIALIZED VIEW ew_ratio;
CREATE MATERIALIZED VIEW ew_ratio AS SELECT 1 / x AS r, ew_huge() AS big FROM ew_div;
SELECT risk.watch('ew_ratio', '1 hour');
SELECT risk.add_rule('ew_ratio', 'big', '>', 1, key_columns => '{r}') AS rule_big \gset
SELECT outcome, rows, sqlstate, left(message, 20) AS message, alerts_opened
FROM risk.refresh_and_evaluate('ew_ratio');
SELECT count(*) AS refreshed_rows FROM ew_ratio;
SELECT last_outcome FROM risk.watched WHERE view = 'ew_ratio'::regclass;
SELECT risk.unwatch('ew_ratio');
DROP MATERIALIZED VIEW ew_ratio, ew_unwatched;
DROP FUNCTION ew_huge();
DROP TABLE ew_div;

-- rules in bulk: 300 keys breach, a key that appears twice keeps its worst
-- value, a rule without keys gives one alert; then they update and resolve
CREATE TABLE ew_book (customer int, part int, u float8);
INSERT INTO ew_book SELECT g, 1, 0.95 + (g % 4) / 100.0 FROM generate_series(1, 300) g;
INSERT INTO ew_book VALUES (7, 2, 0.999), (8, 2, 0.1), (301, 1, 0.5), (302, 1, NULL);
CREATE MATERIALIZED VIEW ew_bulk AS SELECT customer, part, u FROM ew_book;
SELECT risk.watch('ew_bulk', '1 hour');
SELECT risk.add_rule('ew_bulk', 'u', '>', 0.9, key_columns => '{customer}') AS rule_bulk \gset
SELECT risk.add_rule('ew_bulk', 'u', '<', 0.2, 'info') AS rule_low \gset
SELECT outcome, rows, alerts_opened, alerts_updated, alerts_resolved
FROM risk.refresh_and_evaluate('ew_bulk');
SELECT count(*) AS open, count(DISTINCT key) AS keys, min(value) AS lowest, max(value) AS highest
FROM risk.alerts WHERE rule_id = :rule_bulk AND status = 'open';
SELECT key, value FROM risk.alerts WHERE rule_id = :rule_bulk AND key IN ('{"customer": 7}', '{"customer": 8}');
SELECT key, value FROM risk.alerts WHERE rule_id = :rule_low;
-- the same breaches: updated, none opened again
SELECT outcome, alerts_opened, alerts_updated, alerts_resolved FROM risk.refresh_and_evaluate('ew_bulk');
-- half clear, one new: resolved, updated and opened in one refresh
UPDATE ew_book SET u = 0.5 WHERE customer % 2 = 0;
UPDATE ew_book SET u = 0.91 WHERE customer = 301;
SELECT outcome, alerts_opened, alerts_updated, alerts_resolved FROM risk.refresh_and_evaluate('ew_bulk');
SELECT status, count(*), min(refreshes), max(refreshes) FROM risk.alerts
WHERE rule_id = :rule_bulk GROUP BY status ORDER BY status;
SELECT count(*) AS alerts_of_301 FROM risk.alerts
WHERE rule_id = :rule_bulk AND key = '{"customer": 301}' AND status = 'open';
-- under a hostile search_path nothing but pg_catalog is called
CREATE SCHEMA ew_evil;
CREATE TABLE ew_evil.log (what text);
CREATE FUNCTION ew_evil.now() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN INSERT INTO ew_evil.log VALUES ('now'); RETURN '2000-01-01'; END $$;
CREATE FUNCTION ew_evil.clock_timestamp() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN INSERT INTO ew_evil.log VALUES ('clock_timestamp'); RETURN '2000-01-01'; END $$;
CREATE FUNCTION ew_evil.jsonb_build_object(text, integer) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN INSERT INTO ew_evil.log VALUES ('jsonb_build_object'); RETURN '{}'; END $$;
CREATE FUNCTION ew_evil.pg_notify(text, text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN INSERT INTO ew_evil.log VALUES ('pg_notify'); END $$;
CREATE FUNCTION ew_evil.bigger(float8, float8) RETURNS float8 LANGUAGE plpgsql AS $$
BEGIN INSERT INTO ew_evil.log VALUES ('max'); RETURN greatest($1, $2); END $$;
CREATE AGGREGATE ew_evil.max(float8) (SFUNC = ew_evil.bigger, STYPE = float8);
UPDATE ew_book SET u = 0.1 WHERE customer = 301;
SET search_path = ew_evil, pg_catalog, public;
SELECT outcome, alerts_opened, alerts_updated, alerts_resolved FROM risk.refresh_and_evaluate('ew_bulk');
RESET search_path;
SELECT count(*) AS hostile_objects_used FROM ew_evil.log;
DROP SCHEMA ew_evil CASCADE;
-- risk.alert_notify_limit: at most this many alerts of a rule's refresh
-- get a NOTIFY each (test/t/010_warning_batch.pl reads the events)
SHOW risk.alert_notify_limit;
SELECT risk_internal._alert_notify_limit();
SET risk.alert_notify_limit = -1;
SELECT risk_internal._alert_notify_limit();
SELECT try($$SET risk.alert_notify_limit = -2$$);
RESET risk.alert_notify_limit;
-- a dropped rule's open alerts are resolved in one statement
SELECT risk.drop_rule(:rule_bulk);
SELECT status, resolution, count(*) FROM risk.alerts WHERE rule_id = :rule_bulk
GROUP BY status, resolution ORDER BY status, resolution;
SELECT risk.unwatch('ew_bulk');
DROP MATERIALIZED VIEW ew_bulk;
DROP TABLE ew_book;

-- privileges: nothing for PUBLIC; admins only for views their role owns
CREATE ROLE ew_owner;
CREATE ROLE ew_admin;
CREATE ROLE ew_nobody;
SELECT risk.grant_admin('ew_owner');
SELECT risk.grant_admin('ew_admin');
GRANT SELECT ON ew_loans TO ew_owner;
CREATE MATERIALIZED VIEW ew_owned AS SELECT customer, drawn FROM ew_loans;
ALTER MATERIALIZED VIEW ew_owned OWNER TO ew_owner;
SET ROLE ew_nobody;
SELECT try($$SELECT risk.watch('ew_owned', '1 minute')$$);
SELECT try($$SELECT count(*) FROM risk.open_alerts$$);
SELECT try($$SELECT risk_internal._refresh_as_owner('ew_owned', false, 0)$$);
SELECT try($$SELECT risk.refresh_and_evaluate('ew_owned')$$);
RESET ROLE;
SET ROLE ew_admin;
SELECT try($$SELECT risk.watch('ew_owned', '1 minute')$$);
SELECT try($$INSERT INTO risk.watched (view, every) VALUES ('ew_owned', '1 minute')$$);
SELECT count(*) AS alerts_visible FROM risk.open_alerts;
RESET ROLE;
SET ROLE ew_owner;
SELECT risk.watch('ew_owned', '1 minute');
SELECT view FROM risk.watched;
-- the owner refreshes and evaluates its view: the history and the registry
-- are written for it (it may not write them itself)
SELECT outcome, rows FROM risk.refresh_and_evaluate('ew_owned');
SELECT try($$INSERT INTO risk.refresh_history (view, view_name, started_at, outcome)
             VALUES ('ew_owned', 'x', now(), 'ok')$$);
RESET ROLE;
SET ROLE ew_admin;
SELECT try($$SELECT risk.refresh_and_evaluate('ew_owned')$$);
RESET ROLE;
GRANT ew_owner TO ew_admin;
SET ROLE ew_admin;
SELECT risk.pause('ew_owned');
RESET ROLE;
-- as the owner: the refresh and the rule query read what the owner may
REVOKE SELECT ON ew_loans FROM ew_owner;
SELECT try($$SELECT risk_internal._refresh_as_owner('ew_owned', false, 0)$$);
-- also when an admin of the role, or a superuser, calls refresh_and_evaluate
SET ROLE ew_admin;
SELECT risk.resume('ew_owned');
SELECT outcome, sqlstate, message FROM risk.refresh_and_evaluate('ew_owned');
RESET ROLE;
SELECT outcome, sqlstate, message FROM risk.refresh_and_evaluate('ew_owned');
SELECT risk.unwatch('ew_owned');
DROP MATERIALIZED VIEW ew_owned;
REVOKE ew_owner FROM ew_admin;
DROP OWNED BY ew_owner, ew_admin, ew_nobody;
DROP ROLE ew_owner, ew_admin, ew_nobody;

-- no function of the early-warning part that writes is open to PUBLIC
SELECT p.oid::regprocedure
FROM pg_proc p
WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace)
  AND has_function_privilege('public', p.oid, 'EXECUTE')
  AND p.proname IN ('watch', 'unwatch', 'pause', 'resume', 'refresh_now', 'add_rule',
                    'drop_rule', 'grant_admin', 'grant_analyst', 'grant_reader',
                    '_refresh_as_owner', '_rule_breach_rows', '_due', '_refresh_begin',
                    '_refresh_end', '_evaluate_rules', '_scheduler_start', '_on_sql_drop',
                    'refresh_and_evaluate', '_notify_summary', '_resolve_rule_alerts');
SELECT p.oid::regprocedure, p.proconfig
FROM pg_proc p
WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace) AND p.prosecdef
ORDER BY p.oid::regprocedure::text;

-- clean up
SELECT risk.unwatch(view) FROM risk.watched;
DROP MATERIALIZED VIEW ew_util, ew_empty CASCADE;
DROP TABLE ew_loans;
SELECT count(*) AS rules_left FROM risk.rules;
