-- Early warning, 0.2.2: what a batch job needs, and alerts in bulk.  One
-- piece that the fresh install and the upgrade from 0.2.1 share.
--
-- risk.refresh_and_evaluate refreshes a watched view in the calling session
-- and evaluates its rules, on the path of the refresh workers
-- (src/warning_sql.c: risk_refresh_start, risk_refresh_run), and returns the
-- history row it recorded: a nightly job needs neither the workers nor a
-- poll of risk.refresh_history.
--
-- Rule evaluation is set-based: a rule's breaching rows come as a relation
-- (risk._rule_breach_rows, one row per key, run as the view's owner), and
-- one statement per rule updates, opens and resolves its alerts, joining
-- them once.  Listeners get one NOTIFY per opened and resolved alert while
-- a rule's refresh opens and resolves at most risk.alert_notify_limit (100)
-- of them, one summary NOTIFY for the rule above that.

-- ---------------------------------------------------------------------
-- The synchronous refresh
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk.refresh_and_evaluate(view regclass) RETURNS risk.refresh_history
    AS 'MODULE_PATHNAME', 'risk_refresh_and_evaluate'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION risk.refresh_and_evaluate(regclass) IS
'Refresh a watched view now, in this session and transaction, as its owner, evaluate its rules and return the refresh as recorded in risk.refresh_history (id, rows, outcome, alerts opened, updated and resolved); a failed refresh or rule is recorded and returned, not raised; works without the background workers';

-- ---------------------------------------------------------------------
-- Queueing a lane of refreshes
-- ---------------------------------------------------------------------

-- The scheduler queues the views of a lane at once: a history row each
-- (running), in the order given; the views no longer watched, or paused,
-- are left out.  As risk._refresh_begin, for many views in one statement.
CREATE OR REPLACE FUNCTION risk._refresh_queue(views oid[])
    RETURNS TABLE (view oid, id bigint)
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO risk.refresh_history AS h (view, view_name, started_at, concurrent, outcome)
    SELECT w.view, w.view::text, clock_timestamp(), risk._refresh_concurrently(w.view), 'running'
    FROM unnest(views) WITH ORDINALITY AS u(v, o)
    JOIN risk.watched w ON w.view = u.v AND NOT w.paused
    ORDER BY u.o
    RETURNING h.view::oid, h.id
$$;
COMMENT ON FUNCTION risk._refresh_queue(oid[]) IS
'Worker: record the refreshes of a lane as queued (a running history row each, in the order given); returns each view with its history id, none for a view no longer watched or paused';

-- ---------------------------------------------------------------------
-- Rules in bulk
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk._rule_breach_rows(view regclass, metric name, op text,
                                                  threshold float8, keys name[])
    RETURNS TABLE (key jsonb, value float8)
    AS 'MODULE_PATHNAME', 'risk_rule_breach_rows'
    LANGUAGE C VOLATILE ROWS 1000;
COMMENT ON FUNCTION risk._rule_breach_rows(regclass, name, text, float8, name[]) IS
'Worker: as the view''s owner, the rows where metric op threshold holds, one per key (a jsonb object of the key columns) with the worst value';

CREATE OR REPLACE FUNCTION risk._alert_notify_limit() RETURNS integer
    AS 'MODULE_PATHNAME', 'risk_alert_notify_limit_sql'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION risk._alert_notify_limit() IS
'Worker: risk.alert_notify_limit, the most alerts a rule opens and resolves in one refresh with a NOTIFY each (-1: no limit)';

-- One NOTIFY for the alerts a rule opened and resolved in one refresh (or
-- resolved when it was dropped or disabled), instead of one per alert:
-- the detail is in risk.alerts (rule_id, and opened_at or resolved_at = at).
CREATE OR REPLACE FUNCTION risk._notify_summary(a risk.alerts, refresh_id bigint,
                                                opened bigint, resolved bigint)
    RETURNS bigint
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_notify('risk_alerts',
                     json_build_object('event', 'summary', 'view', left(a.view_name, 200),
                                       'rule', left(a.rule_name, 200), 'rule_id', a.rule_id,
                                       'refresh_id', refresh_id, 'severity', a.severity,
                                       'opened', opened, 'resolved', resolved,
                                       'at', now())::text);
    SELECT 1::bigint;
$$;
COMMENT ON FUNCTION risk._notify_summary(risk.alerts, bigint, bigint, bigint) IS
'Send one summary event on channel risk_alerts for the alerts a rule opened and resolved at once (event summary: view, rule, rule_id, refresh_id, severity, opened, resolved, at)';

-- After a successful refresh: evaluate every rule of the view, one
-- statement per rule.  The breaching rows are read once (as the owner) and
-- joined once: the continuing breaches update their open alerts, the new
-- ones open alerts, the open alerts without a breach are resolved.  Then
-- the NOTIFYs: one per alert up to risk.alert_notify_limit, else a summary.
-- Every join is a hash (or merge) join: a refresh may open thousands of
-- alerts before risk.alerts is analyzed again, and with the default
-- selectivities a nested loop over the open alerts of a rule, planned for
-- one row, would compare every alert with every breach.
CREATE OR REPLACE FUNCTION risk._evaluate_rules(hid bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET enable_nestloop = off
AS $$
DECLARE
    v regclass;
    vname text;
    r risk.rules;
    lim integer := risk._alert_notify_limit();
    n_upd integer;
    n_open integer;
    n_res integer;
    sent bigint;
    nrules integer := 0;
    opened integer := 0;
    updated integer := 0;
    resolved integer := 0;
BEGIN
    SELECT h.view, h.view_name INTO v, vname FROM risk.refresh_history h WHERE h.id = hid;
    FOR r IN SELECT * FROM risk.rules x WHERE x.view = v AND x.enabled ORDER BY x.id LOOP
        WITH br AS MATERIALIZED (
            SELECT b.key, b.value
            FROM risk._rule_breach_rows(v, r.metric, r.op, r.threshold, r.key_columns) b
        ), upd AS (
            UPDATE risk.alerts x
            SET value = br.value, updated_at = now(), refreshes = x.refreshes + 1
            FROM br
            WHERE x.rule_id = r.id AND x.status = 'open' AND x.key = br.key
            RETURNING 1
        ), ins AS (
            INSERT INTO risk.alerts AS x
                (rule_id, rule_name, view, view_name, key, metric, op, threshold,
                 value, severity, action, status, opened_at, updated_at)
            SELECT r.id, r.rule_name, v, vname, br.key, r.metric, r.op, r.threshold,
                   br.value, r.severity, r.action, 'open', now(), now()
            FROM br
            WHERE NOT EXISTS (SELECT 1 FROM risk.alerts o
                              WHERE o.rule_id = r.id AND o.status = 'open' AND o.key = br.key)
            RETURNING x
        ), res AS (
            UPDATE risk.alerts x
            SET status = 'resolved', resolved_at = now(), updated_at = now(),
                resolution = 'cleared'
            WHERE x.rule_id = r.id AND x.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM br WHERE br.key = x.key)
            RETURNING x
        )
        SELECT (SELECT count(*) FROM upd), c.o, c.s,
               CASE WHEN c.o + c.s = 0 THEN 0
                    WHEN lim < 0 OR c.o + c.s <= lim
                    THEN (SELECT count(*)
                          FROM (SELECT risk._notify(e.event, e.a)
                                FROM (SELECT 'opened' AS event, ins.x AS a FROM ins
                                      UNION ALL
                                      SELECT 'resolved', res.x FROM res) e
                                ORDER BY e.event, (e.a).id) q)
                    ELSE risk._notify_summary(coalesce((SELECT ins.x FROM ins LIMIT 1),
                                                       (SELECT res.x FROM res LIMIT 1)),
                                              hid, c.o, c.s)
               END
        INTO n_upd, n_open, n_res, sent
        FROM (SELECT (SELECT count(*) FROM ins) AS o, (SELECT count(*) FROM res) AS s) c;
        updated := updated + n_upd;
        opened := opened + n_open;
        resolved := resolved + n_res;
        nrules := nrules + 1;
    END LOOP;
    -- without rules the counts stay the zeros risk._refresh_end wrote
    IF nrules = 0 THEN
        RETURN;
    END IF;
    UPDATE risk.refresh_history
    SET alerts_opened = opened, alerts_updated = updated, alerts_resolved = resolved
    WHERE id = hid;
END
$$;
COMMENT ON FUNCTION risk._evaluate_rules(bigint) IS
'Worker: evaluate every rule of the refreshed view in one statement per rule: open, update and resolve alerts, and notify (one event per alert, or a summary above risk.alert_notify_limit)';

-- Resolve the open alerts of a dropped or disabled rule (the triggers of
-- 97_rule_disabled.sql): one statement, and the NOTIFYs as after a refresh.
CREATE OR REPLACE FUNCTION risk._resolve_rule_alerts(rule integer, why text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    lim integer := risk._alert_notify_limit();
    sent bigint;
BEGIN
    WITH res AS MATERIALIZED (
        UPDATE risk.alerts x
        SET status = 'resolved', resolved_at = now(), updated_at = now(), resolution = why
        WHERE x.rule_id = rule AND x.status = 'open'
        RETURNING x
    )
    SELECT CASE WHEN c.s = 0 THEN 0
                WHEN lim < 0 OR c.s <= lim
                THEN (SELECT count(*) FROM (SELECT risk._notify('resolved', res.x) FROM res
                                            ORDER BY (res.x).id) q)
                ELSE risk._notify_summary((SELECT res.x FROM res LIMIT 1), NULL, 0, c.s)
           END
    INTO sent
    FROM (SELECT count(*) AS s FROM res) c;
END
$$;
COMMENT ON FUNCTION risk._resolve_rule_alerts(integer, text) IS
'Resolve the open alerts of a rule with the given resolution in one statement, and notify (one event per alert, or a summary above risk.alert_notify_limit)';

-- ---------------------------------------------------------------------
-- The levels: refresh_and_evaluate is an admin function (like
-- refresh_now), the bulk support functions are the workers'
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk._admin_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk.watch(regclass, interval)', 'risk.unwatch(regclass)', 'risk.pause(regclass)',
        'risk.resume(regclass)', 'risk.refresh_now(regclass)',
        'risk.refresh_and_evaluate(regclass)',
        'risk.add_rule(regclass, name, text, float8, text, text, name[], text)',
        'risk.drop_rule(integer)',
        'risk.classify(regclass, name, text, text)', 'risk.grant_access(regclass, regrole, text)'
    ]::regprocedure[]
$$;

CREATE OR REPLACE FUNCTION risk._worker_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk._refresh_as_owner(regclass, boolean, integer)',
        'risk._rule_breach_rows(regclass, name, text, float8, name[])',
        'risk._refresh_concurrently(oid)', 'risk._scheduler_start()',
        'risk._due(oid[], integer)', 'risk._refresh_begin(oid)', 'risk._refresh_queue(oid[])',
        'risk._refresh_end(bigint, text, text, text, bigint)', 'risk._refresh_lost(bigint)',
        'risk._rules_failed(bigint, text, text)', 'risk._evaluate_rules(bigint)',
        'risk._notify(text, risk.alerts)', 'risk._notify_summary(risk.alerts, bigint, bigint, bigint)',
        'risk._alert_notify_limit()', 'risk._rule_deleted()', 'risk._rule_disabled()',
        'risk._resolve_rule_alerts(integer, text)', 'risk._on_sql_drop()'
    ]::regprocedure[]
$$;
COMMENT ON FUNCTION risk._worker_functions() IS
'The functions only the background workers (and superusers) call';
