-- Early warning, 0.2.2: the objects that name the watched view and its
-- cadence, in one piece that the fresh install and the upgrade from 0.2.1
-- share (the tables are in 90_warning.sql).
--
-- One type for the view everywhere: risk.watched, risk.rules, risk.alerts,
-- risk.refresh_history and the BI views below all have a column `view` of
-- type regclass, so `a.view = s.view` joins any two of them, and pg_dump
-- writes the view's name (a restore maps it to the new OID).  view_name in
-- the alerts and the history keeps the name the view had at the time.
--
-- Columns a BI tool reads: intervals come with a companion in seconds
-- (float8), booleans stay boolean, times are timestamptz.
--
-- The cadence: the refresh worker sets a view's next run to the moment its
-- refresh actually starts plus the view's interval (src/worker.c), so two
-- refreshes of a view are never closer than its interval; a failed refresh
-- is retried sooner, with backoff (risk._refresh_end), and
-- risk.refresh_now makes a view due at once.  The scheduler looks for due
-- views once per risk.naptime: risk.watch says so when the interval asked
-- for is shorter.

-- ---------------------------------------------------------------------
-- Registering a view
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk.watch(view regclass, every interval) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    naptime interval;
BEGIN
    PERFORM risk._check_view(view, 'watch');
    IF every IS NULL OR every <= interval '0' THEN
        RAISE EXCEPTION 'risk.watch: every must be a positive interval, got %',
                coalesce(every::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO risk.watched AS w (view, every) VALUES (watch.view, watch.every)
    ON CONFLICT ON CONSTRAINT watched_pkey
    DO UPDATE SET every = excluded.every, next_run = least(w.next_run, now() + excluded.every);
    IF NOT risk._wake() THEN
        RAISE NOTICE 'risk background workers are not running: add risk to shared_preload_libraries to refresh % every %',
            view, every;
    END IF;
    -- risk._wake() loaded the library, which defines risk.naptime (in ms)
    SELECT s.setting::float8 * interval '1 millisecond' INTO naptime
    FROM pg_settings s WHERE s.name = 'risk.naptime';
    IF every < naptime THEN
        RAISE NOTICE 'risk.watch: % will be refreshed about every % (risk.naptime), not every %',
                view, current_setting('risk.naptime'), every
            USING HINT = 'The scheduler looks for due views once per risk.naptime. For a shorter cadence lower it (ALTER SYSTEM SET risk.naptime, then SELECT pg_reload_conf()).';
    END IF;
END
$$;
COMMENT ON FUNCTION risk.watch(regclass, interval) IS
'Register (or re-time) a materialized view for refresh by the scheduler every interval, at most once per risk.naptime (a NOTICE says so when the interval is shorter); the caller must be a member of the view''s owning role';

-- (risk._evaluate_rules, which opens, updates and resolves alerts after a
-- refresh, is in 98_warning_batch.sql)

-- ---------------------------------------------------------------------
-- Bookkeeping of a refresh (run by the workers as superuser)
-- ---------------------------------------------------------------------

-- A due view is queued: a history row, running.  Its start time is set
-- again, with the view's next run, when the refresh worker begins it.
CREATE OR REPLACE FUNCTION risk._refresh_begin(v oid) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    hid bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM risk.watched w WHERE w.view = v AND NOT w.paused) THEN
        RETURN NULL;
    END IF;
    INSERT INTO risk.refresh_history (view, view_name, started_at, concurrent, outcome)
    VALUES (v, coalesce((SELECT c.oid::regclass::text FROM pg_class c WHERE c.oid = v), v::text),
            clock_timestamp(), risk._refresh_concurrently(v), 'running')
    RETURNING id INTO hid;
    RETURN hid;
END
$$;
COMMENT ON FUNCTION risk._refresh_begin(oid) IS
'Worker: record a refresh as queued (a running history row); the refresh worker sets its start and the view''s next run (start + interval) when it begins; NULL if no longer watched or paused';

-- End of a refresh.  A failure is retried with backoff: after 5 s, 10 s,
-- 20 s, ... but never later than the view's own interval.
CREATE OR REPLACE FUNCTION risk._refresh_end(hid bigint, outcome text, sqlstate text, message text,
                                             nrows bigint)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v regclass;
BEGIN
    -- a successful refresh has opened, updated and resolved no alert until
    -- its rules are evaluated (risk._evaluate_rules counts them, if any)
    UPDATE risk.refresh_history h
    SET finished_at = clock_timestamp(), duration = clock_timestamp() - h.started_at,
        outcome = _refresh_end.outcome, sqlstate = _refresh_end.sqlstate,
        message = _refresh_end.message, rows = nrows,
        alerts_opened = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END,
        alerts_updated = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END,
        alerts_resolved = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END
    WHERE h.id = hid AND h.outcome = 'running'
    RETURNING h.view INTO v;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF outcome = 'ok' THEN
        UPDATE risk.watched w
        SET failures = 0, last_finished = clock_timestamp(), last_outcome = 'ok',
            last_message = NULL
        WHERE w.view = v;
    ELSE
        UPDATE risk.watched w
        SET failures = w.failures + 1, last_finished = clock_timestamp(),
            last_outcome = _refresh_end.outcome, last_message = _refresh_end.message,
            next_run = clock_timestamp()
                       + least(w.every, interval '5 seconds' * power(2, least(w.failures, 20)))
        WHERE w.view = v;
    END IF;
END
$$;
COMMENT ON FUNCTION risk._refresh_end(bigint, text, text, text, bigint) IS
'Worker: record the outcome of a refresh; a failure is retried with backoff';

-- The worker of hid stopped: if it did not record an outcome, it was lost.
CREATE OR REPLACE FUNCTION risk._refresh_lost(hid bigint) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT risk._refresh_end(hid, 'lost', NULL,
                             'the refresh worker exited without recording an outcome', NULL)
$$;
COMMENT ON FUNCTION risk._refresh_lost(bigint) IS
'Worker: a refresh worker stopped without recording an outcome: record it as lost';

-- The refresh succeeded but a rule could not be evaluated.
CREATE OR REPLACE FUNCTION risk._rules_failed(hid bigint, sqlstate text, message text) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE risk.refresh_history h
    SET outcome = 'rules_failed', sqlstate = _rules_failed.sqlstate,
        message = _rules_failed.message,
        alerts_opened = NULL, alerts_updated = NULL, alerts_resolved = NULL
    WHERE h.id = hid;
    UPDATE risk.watched w
    SET last_outcome = 'rules_failed', last_message = _rules_failed.message
    WHERE w.view = (SELECT h.view FROM risk.refresh_history h WHERE h.id = hid);
$$;
COMMENT ON FUNCTION risk._rules_failed(bigint, text, text) IS
'Worker: the refresh succeeded but a rule could not be evaluated';

-- (EXECUTE on these functions is revoked from PUBLIC by 99_privileges.sql
-- on a fresh install; the upgrade replaces them and keeps their privileges)

-- ---------------------------------------------------------------------
-- BI views: they run with the reader's privileges, so the row checks apply
-- ---------------------------------------------------------------------

-- Each names the view twice: `view` (regclass) to join on, and view_name,
-- its schema-qualified name as text whatever the reader's search_path (the
-- name it had when the alert was recorded if it is gone), to show and to
-- filter on: a BI tool's `view_name = 'public.limit_utilisation'` works,
-- where `view = 'public.limit_utilisation'` needs a cast to regclass.

CREATE VIEW risk.open_alerts WITH (security_invoker = true) AS
SELECT a.id, a.severity, a.view,
       coalesce((SELECT format('%I.%I', n.nspname, c.relname)
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = a.view), a.view_name) AS view_name,
       a.rule_name AS rule, a.key, a.metric, a.op, a.threshold, a.value, a.action,
       a.opened_at, a.updated_at, a.refreshes
FROM risk.alerts a
WHERE a.status = 'open'
ORDER BY CASE a.severity WHEN 'critical' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,
         a.opened_at, a.id;
COMMENT ON VIEW risk.open_alerts IS
'Open alerts, most severe first: which view (regclass, and its qualified name) and rule, which row (key), the value against the threshold, the recommended action';

CREATE VIEW risk.alert_summary WITH (security_invoker = true) AS
SELECT a.severity, a.view,
       coalesce((SELECT format('%I.%I', n.nspname, c.relname)
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = a.view), max(a.view_name)) AS view_name,
       count(*) FILTER (WHERE a.status = 'open') AS open,
       count(*) FILTER (WHERE a.opened_at > now() - interval '1 day') AS opened_last_day,
       count(*) FILTER (WHERE a.resolved_at > now() - interval '1 day') AS resolved_last_day,
       min(a.opened_at) FILTER (WHERE a.status = 'open') AS oldest_open
FROM risk.alerts a
GROUP BY a.severity, a.view;
COMMENT ON VIEW risk.alert_summary IS
'Alerts by severity and view (regclass, and its qualified name): open now, opened and resolved in the last day, the oldest open one';

CREATE VIEW risk.refresh_status WITH (security_invoker = true) AS
SELECT w.view,
       (SELECT format('%I.%I', n.nspname, c.relname)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = w.view) AS view_name,
       w.every, extract(epoch FROM w.every)::float8 AS every_seconds,
       w.paused, w.next_run, w.failures, w.last_outcome,
       w.last_started, w.last_finished, w.last_message,
       (SELECT count(*) FROM risk.alerts a
        WHERE a.view = w.view AND a.status = 'open') AS open_alerts
FROM risk.watched w;
COMMENT ON VIEW risk.refresh_status IS
'Each watched view (regclass, and its qualified name): interval (also in seconds), schedule, last outcome and message, failures in a row, open alerts';

REVOKE ALL ON risk.open_alerts, risk.alert_summary, risk.refresh_status FROM PUBLIC;
