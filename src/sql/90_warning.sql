-- Early warning: watched materialized views, refresh history, warning
-- rules and alerts.  The background workers (shared_preload_libraries =
-- 'risk') refresh the views and evaluate the rules; see
-- docs/warning.md.
--
-- Who may do what: the registry (risk.watched, risk.rules) has row-level
-- security: a row may be written only by a member of the role that owns the
-- view, and read by them or by anyone who may read the view.  Alerts and
-- history are written by the workers only and readable under the same
-- read rule.  Nothing here is granted to PUBLIC except the row checks
-- and the wake-up; risk.grant_admin and risk.grant_reader give the levels
-- (docs/security.md).

-- May the current user manage (watch, pause, add rules to) relation r?
CREATE FUNCTION risk_internal._may_manage(r oid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce((SELECT pg_has_role(c.relowner, 'USAGE')
                     FROM pg_class c WHERE c.oid = r), false)
$$;

-- May the current user read what the workers recorded about relation r?
CREATE FUNCTION risk_internal._may_read(r oid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce((SELECT pg_has_role(c.relowner, 'USAGE')
                            OR has_table_privilege(c.oid, 'SELECT')
                     FROM pg_class c WHERE c.oid = r), false)
$$;

CREATE TABLE risk.watched (
    view          regclass    PRIMARY KEY,
    every         interval    NOT NULL CHECK (every > interval '0'),
    paused        boolean     NOT NULL DEFAULT false,
    next_run      timestamptz NOT NULL DEFAULT now(),
    failures      integer     NOT NULL DEFAULT 0,
    last_started  timestamptz,
    last_finished timestamptz,
    last_outcome  text,
    last_message  text,
    watched_by    name        NOT NULL DEFAULT current_user,
    watched_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE risk.watched IS
'Materialized views kept fresh by the scheduler of this database: interval, pause flag, next run, failures in a row and the last outcome';

CREATE TABLE risk.refresh_history (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view            regclass    NOT NULL,
    view_name       text        NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    duration        interval,
    concurrent      boolean     NOT NULL DEFAULT false,
    rows            bigint,
    outcome         text        NOT NULL
        CHECK (outcome IN ('running', 'ok', 'failed', 'timeout', 'lost', 'rules_failed')),
    sqlstate        text,
    message         text,
    alerts_opened   integer,
    alerts_updated  integer,
    alerts_resolved integer,
    duration_seconds float8 GENERATED ALWAYS AS (extract(epoch FROM duration)) STORED
);
CREATE INDEX refresh_history_view ON risk.refresh_history (view, started_at);
CREATE INDEX refresh_history_finished ON risk.refresh_history (finished_at);
CREATE INDEX refresh_history_running ON risk.refresh_history (id) WHERE outcome = 'running';
COMMENT ON TABLE risk.refresh_history IS
'One row per refresh: the view, start, end, duration (also in seconds), rows, outcome (running while it runs, then ok, failed, timeout, lost or rules_failed), error and the alerts it opened, updated and resolved; kept for risk.history_retention';

CREATE TABLE risk.rules (
    id          integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view        regclass    NOT NULL REFERENCES risk.watched (view) ON DELETE CASCADE,
    rule_name   text        NOT NULL,
    metric      name        NOT NULL,
    op          text        NOT NULL CHECK (op IN ('>', '>=', '<', '<=', '=', '<>')),
    threshold   float8      NOT NULL
        CHECK (threshold <> 'NaN' AND threshold <> 'Infinity' AND threshold <> '-Infinity'),
    severity    text        NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    action      text,
    key_columns name[]      NOT NULL DEFAULT '{}',
    enabled     boolean     NOT NULL DEFAULT true,
    created_by  name        NOT NULL DEFAULT current_user,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (view, rule_name)
);
COMMENT ON TABLE risk.rules IS
'Warning rules: on a watched view, a row breaches when metric op threshold; key_columns identify the row (customer, portfolio); severity and the recommended action go into the alert';

CREATE TABLE risk.alerts (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id     integer     NOT NULL,
    rule_name   text        NOT NULL,
    view        regclass    NOT NULL,
    view_name   text        NOT NULL,
    key         jsonb       NOT NULL,
    metric      name        NOT NULL,
    op          text        NOT NULL,
    threshold   float8      NOT NULL,
    value       float8,
    severity    text        NOT NULL,
    action      text,
    status      text        NOT NULL CHECK (status IN ('open', 'resolved')),
    opened_at   timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    resolved_at timestamptz,
    resolution  text,
    refreshes   integer     NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX alerts_one_open ON risk.alerts (rule_id, key) WHERE status = 'open';
CREATE INDEX alerts_view ON risk.alerts (view, opened_at);
COMMENT ON TABLE risk.alerts IS
'Alerts: one open row per rule and key while the breach lasts (value and refreshes updated by each refresh), resolved when it clears or the rule goes; kept as an audit trail';

SELECT pg_catalog.pg_extension_config_dump('risk.watched', '');
SELECT pg_catalog.pg_extension_config_dump('risk.rules', '');
SELECT pg_catalog.pg_extension_config_dump('risk.alerts', '');
SELECT pg_catalog.pg_extension_config_dump('risk.refresh_history', '');
SELECT pg_catalog.pg_extension_config_dump('risk.rules_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('risk.alerts_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('risk.refresh_history_id_seq', '');

ALTER TABLE risk.watched ENABLE ROW LEVEL SECURITY;
CREATE POLICY watched_read ON risk.watched FOR SELECT USING (risk_internal._may_read(view));
CREATE POLICY watched_insert ON risk.watched FOR INSERT WITH CHECK (risk_internal._may_manage(view));
CREATE POLICY watched_update ON risk.watched FOR UPDATE
    USING (risk_internal._may_manage(view)) WITH CHECK (risk_internal._may_manage(view));
CREATE POLICY watched_delete ON risk.watched FOR DELETE USING (risk_internal._may_manage(view));

ALTER TABLE risk.rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY rules_read ON risk.rules FOR SELECT USING (risk_internal._may_read(view));
CREATE POLICY rules_insert ON risk.rules FOR INSERT WITH CHECK (risk_internal._may_manage(view));
CREATE POLICY rules_update ON risk.rules FOR UPDATE
    USING (risk_internal._may_manage(view)) WITH CHECK (risk_internal._may_manage(view));
CREATE POLICY rules_delete ON risk.rules FOR DELETE USING (risk_internal._may_manage(view));

ALTER TABLE risk.alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY alerts_read ON risk.alerts FOR SELECT USING (risk_internal._may_read(view));
ALTER TABLE risk.refresh_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY history_read ON risk.refresh_history FOR SELECT USING (risk_internal._may_read(view));

REVOKE ALL ON risk.watched, risk.rules, risk.alerts, risk.refresh_history FROM PUBLIC;

-- (the BI views over these tables, risk.open_alerts, risk.alert_summary and
-- risk.refresh_status, are below)

-- ---------------------------------------------------------------------
-- The SQL interface (SECURITY INVOKER: row-level security decides)
-- ---------------------------------------------------------------------

-- Check that v is a materialized view the current user may manage (the
-- owner check is risk_internal._check_table's, 95_security.sql).
CREATE FUNCTION risk_internal._check_view(v regclass, what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF v IS NULL THEN
        RAISE EXCEPTION 'risk.%: view must not be NULL', what
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = v AND c.relkind <> 'm') THEN
        RAISE EXCEPTION 'risk.%: "%" is not a materialized view', what, v
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Only materialized views can be watched.';
    END IF;
    PERFORM risk_internal._check_table(v, what);
END
$$;

CREATE FUNCTION risk_internal._wake() RETURNS boolean
    AS 'MODULE_PATHNAME', 'risk_wake'
    LANGUAGE C VOLATILE;

-- (risk.watch is below)

-- The registry row of v, or an error naming the function.
CREATE FUNCTION risk_internal._watched(v regclass, what text) RETURNS risk.watched
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w risk.watched;
BEGIN
    PERFORM risk_internal._check_view(v, what);
    SELECT * INTO w FROM risk.watched x WHERE x.view = v;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.%: materialized view % is not watched', what, v
            USING ERRCODE = 'undefined_object',
                  HINT = 'Call risk.watch first.';
    END IF;
    RETURN w;
END
$$;

CREATE FUNCTION risk.unwatch(view regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._watched(view, 'unwatch');
    DELETE FROM risk.watched w WHERE w.view = unwatch.view;
END
$$;
COMMENT ON FUNCTION risk.unwatch(regclass) IS
'Stop watching a materialized view; its rules go and their open alerts are resolved';

CREATE FUNCTION risk.pause(view regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._watched(view, 'pause');
    UPDATE risk.watched w SET paused = true WHERE w.view = pause.view;
END
$$;
COMMENT ON FUNCTION risk.pause(regclass) IS
'Stop refreshing a watched view until risk.resume; registration and rules are kept';

CREATE FUNCTION risk.resume(view regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._watched(view, 'resume');
    UPDATE risk.watched w SET paused = false WHERE w.view = resume.view;
    PERFORM risk_internal._wake();
END
$$;
COMMENT ON FUNCTION risk.resume(regclass) IS
'Resume refreshing a paused view; it is refreshed at once if it became due while paused';

CREATE FUNCTION risk.refresh_now(view regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w risk.watched;
BEGIN
    w := risk_internal._watched(view, 'refresh_now');
    IF w.paused THEN
        RAISE EXCEPTION 'risk.refresh_now: materialized view % is paused', view
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Call risk.resume first.';
    END IF;
    UPDATE risk.watched x SET next_run = now() WHERE x.view = refresh_now.view;
    IF NOT risk_internal._wake() THEN
        RAISE NOTICE 'risk background workers are not running: the refresh of % waits for them', view;
    END IF;
END
$$;
COMMENT ON FUNCTION risk.refresh_now(regclass) IS
'Make a watched view due now: the scheduler, woken when the transaction commits, refreshes it (and evaluates its rules) at once';

CREATE FUNCTION risk.add_rule(view regclass, metric name, op text, threshold float8,
                              severity text DEFAULT 'warning',
                              action text DEFAULT NULL,
                              key_columns name[] DEFAULT '{}',
                              rule_name text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    typ oid;
    k name;
    rid integer;
BEGIN
    PERFORM risk_internal._watched(view, 'add_rule');
    IF metric IS NULL OR op IS NULL OR threshold IS NULL OR severity IS NULL
       OR key_columns IS NULL THEN
        RAISE EXCEPTION 'risk.add_rule: metric, op, threshold, severity and key_columns must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT a.atttypid INTO typ FROM pg_attribute a
    WHERE a.attrelid = view AND a.attname = metric AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.add_rule: column "%" of materialized view % does not exist', metric, view
            USING ERRCODE = 'undefined_column';
    END IF;
    IF typ NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'float4'::regtype,
                   'float8'::regtype, 'numeric'::regtype) THEN
        RAISE EXCEPTION 'risk.add_rule: column "%" of % is of type %, not a number',
                metric, view, format_type(typ, NULL)
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    IF cardinality(key_columns) > 50 THEN
        RAISE EXCEPTION 'risk.add_rule: at most 50 key columns, got %', cardinality(key_columns)
            USING ERRCODE = 'program_limit_exceeded';
    END IF;
    IF length(rule_name) > 200 THEN
        RAISE EXCEPTION 'risk.add_rule: a rule name has at most 200 characters, got %', length(rule_name)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH k IN ARRAY key_columns LOOP
        IF k IS NULL OR NOT EXISTS (SELECT 1 FROM pg_attribute a
                      WHERE a.attrelid = view AND a.attname = k AND a.attnum > 0
                        AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'risk.add_rule: key column "%" of materialized view % does not exist',
                    coalesce(k::text, 'NULL'), view
                USING ERRCODE = 'undefined_column';
        END IF;
    END LOOP;
    IF op NOT IN ('>', '>=', '<', '<=', '=', '<>') THEN
        RAISE EXCEPTION 'risk.add_rule: unknown comparison "%"', op
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use one of >, >=, <, <=, =, <>.';
    END IF;
    IF threshold IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'risk.add_rule: threshold must be finite, got %', threshold
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF severity NOT IN ('info', 'warning', 'critical') THEN
        RAISE EXCEPTION 'risk.add_rule: unknown severity "%"', severity
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use info, warning or critical.';
    END IF;
    INSERT INTO risk.rules (view, rule_name, metric, op, threshold, severity, action, key_columns)
    VALUES (view, coalesce(rule_name, format('%s %s %s', metric, op, threshold)),
            metric, op, threshold, severity, action, key_columns)
    RETURNING id INTO rid;
    RETURN rid;
END
$$;
COMMENT ON FUNCTION risk.add_rule(regclass, name, text, float8, text, text, name[], text) IS
'Add a warning rule to a watched view: a row breaches when metric op threshold; key_columns identify the row; evaluated after every refresh';

CREATE FUNCTION risk.drop_rule(rule_id integer) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v regclass;
BEGIN
    SELECT r.view INTO v FROM risk.rules r WHERE r.id = rule_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.drop_rule: no rule with id %', coalesce(rule_id::text, 'NULL')
            USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM risk_internal._check_view(v, 'drop_rule');
    DELETE FROM risk.rules r WHERE r.id = rule_id;
END
$$;
COMMENT ON FUNCTION risk.drop_rule(integer) IS
'Drop a warning rule; its open alerts are resolved';

REVOKE ALL ON FUNCTION risk.unwatch(regclass),
    risk.pause(regclass), risk.resume(regclass), risk.refresh_now(regclass),
    risk.add_rule(regclass, name, text, float8, text, text, name[], text),
    risk.drop_rule(integer) FROM PUBLIC;

-- The levels that may call these are granted by risk.grant_admin (95_security.sql).


-- ---------------------------------------------------------------------
-- Alerts: opening, updating, resolving, notifying
-- ---------------------------------------------------------------------

-- Send one alert event on channel risk_alerts (JSON, under 8000 bytes).
CREATE FUNCTION risk_internal._notify(event text, a risk.alerts) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    payload text;
BEGIN
    payload := json_build_object('event', event, 'alert_id', a.id, 'view', a.view_name,
                                 'rule', a.rule_name, 'key', a.key, 'metric', a.metric,
                                 'op', a.op, 'threshold', a.threshold, 'value', a.value,
                                 'severity', a.severity, 'action', a.action,
                                 'at', coalesce(a.resolved_at, a.updated_at))::text;
    IF octet_length(payload) > 7900 THEN
        payload := json_build_object('event', event, 'alert_id', a.id, 'view', left(a.view_name, 200),
                                     'rule', left(a.rule_name, 200), 'severity', a.severity,
                                     'truncated', true)::text;
    END IF;
    PERFORM pg_notify('risk_alerts', payload);
END
$$;

-- (the triggers that resolve the alerts of a dropped or disabled rule are
-- below; risk_internal._evaluate_rules, which opens, updates and
-- resolves alerts after a refresh, and the breaching rows of a rule,
-- risk_internal._rule_breach_rows, are below)

-- ---------------------------------------------------------------------
-- Bookkeeping of the workers (run by them as superuser; not for PUBLIC)
-- ---------------------------------------------------------------------

CREATE FUNCTION risk_internal._refresh_as_owner(view regclass, concurrent boolean, timeout_ms integer)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'risk_refresh_as_owner'
    LANGUAGE C STRICT VOLATILE;

-- Can v be refreshed CONCURRENTLY (populated, with a usable unique index)?
CREATE FUNCTION risk_internal._refresh_concurrently(v oid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce((SELECT c.relispopulated AND EXISTS (
                         SELECT 1 FROM pg_index i
                         WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid
                           AND i.indimmediate AND i.indpred IS NULL
                           AND i.indexprs IS NULL)
                     FROM pg_class c WHERE c.oid = v), false)
$$;

-- Close the refreshes that a crash or an exit left running.
CREATE FUNCTION risk_internal._scheduler_start() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    hid bigint;
BEGIN
    FOR hid IN SELECT id FROM risk.refresh_history WHERE outcome = 'running' LOOP
        PERFORM risk_internal._refresh_end(hid, 'lost', NULL,
                                  'interrupted: the server or the scheduler stopped', NULL);
    END LOOP;
END
$$;

-- Delete expired history; return the due views not already queued, each
-- with its watched ancestors, ancestors first.
CREATE FUNCTION risk_internal._due(queued oid[], retention_s integer)
    RETURNS TABLE (view oid, deps oid[])
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM risk.refresh_history h
    WHERE h.finished_at < now() - make_interval(secs => retention_s);

    IF NOT EXISTS (SELECT 1 FROM risk.watched w
                   WHERE NOT w.paused AND w.next_run <= now()
                     AND w.view::oid <> ALL (queued)) THEN
        RETURN;
    END IF;

    RETURN QUERY
    WITH RECURSIVE edge AS (
        -- relation r reads relation ref through its rewrite rule
        SELECT DISTINCT rw.ev_class AS r, d.refobjid AS ref
        FROM pg_depend d
        JOIN pg_rewrite rw ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> rw.ev_class
    ), anc AS (
        SELECT w.view::oid AS w, e.ref AS a
        FROM risk.watched w JOIN edge e ON e.r = w.view::oid
        UNION
        SELECT anc.w, e.ref FROM anc JOIN edge e ON e.r = anc.a
    ), wanc AS (
        SELECT anc.w, array_agg(anc.a ORDER BY anc.a) AS deps
        FROM anc JOIN risk.watched x ON x.view::oid = anc.a AND anc.a <> anc.w
        GROUP BY anc.w
    )
    SELECT w.view::oid, coalesce(wa.deps, '{}'::oid[])
    FROM risk.watched w
    LEFT JOIN wanc wa ON wa.w = w.view::oid
    WHERE NOT w.paused AND w.next_run <= now() AND w.view::oid <> ALL (queued)
    ORDER BY cardinality(coalesce(wa.deps, '{}'::oid[])), w.next_run, w.view::oid;
END
$$;

-- (the queueing, start and end of a refresh, risk_internal._refresh_begin,
-- _refresh_end, _refresh_lost and _rules_failed, are below;
-- the refresh worker records the actual start, src/warning_worker.c)

REVOKE ALL ON FUNCTION risk_internal._refresh_as_owner(regclass, boolean, integer),
    risk_internal._refresh_concurrently(oid), risk_internal._scheduler_start(),
    risk_internal._due(oid[], integer),
    risk_internal._notify(text, risk.alerts) FROM PUBLIC;

-- A dropped materialized view leaves the registry (its rules and their
-- open alerts with it).
CREATE FUNCTION risk_internal._on_sql_drop() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regclass('risk.watched') IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM risk.watched w
    WHERE w.view::oid IN (SELECT d.objid FROM pg_event_trigger_dropped_objects() d
                          WHERE d.classid = 'pg_class'::regclass
                            AND d.object_type = 'materialized view');
END
$$;
REVOKE ALL ON FUNCTION risk_internal._on_sql_drop() FROM PUBLIC;
CREATE EVENT TRIGGER risk_watched_drop ON sql_drop EXECUTE FUNCTION risk_internal._on_sql_drop();

-- What each internal function is for (none of them is for direct use).
COMMENT ON FUNCTION risk_internal._may_manage(oid) IS
'Row check of the writes to the registry, rules and classifications: is the current user a member of the role that owns relation r';
COMMENT ON FUNCTION risk_internal._may_read(oid) IS
'Row check of the reads of the registry, rules, alerts, history and classifications: may the current user manage or SELECT relation r';
COMMENT ON FUNCTION risk_internal._check_view(regclass, text) IS
'ERROR unless the relation is a materialized view the current user may manage';
COMMENT ON FUNCTION risk_internal._watched(regclass, text) IS
'The registry row of a watched view, ERROR if it is not watched';
COMMENT ON FUNCTION risk_internal._wake() IS
'Wake this database''s scheduler when the transaction commits; true when the background workers run';
COMMENT ON FUNCTION risk_internal._refresh_as_owner(regclass, boolean, integer) IS
'Worker: REFRESH MATERIALIZED VIEW as the view''s owner (CONCURRENTLY if asked, within a time limit in a worker); returns the rows';
COMMENT ON FUNCTION risk_internal._refresh_concurrently(oid) IS
'Worker: can the view be refreshed CONCURRENTLY (populated, with a usable unique index)';
COMMENT ON FUNCTION risk_internal._scheduler_start() IS
'Worker: close as lost the refreshes a crash or an exit left running';
COMMENT ON FUNCTION risk_internal._due(oid[], integer) IS
'Worker: delete expired history; the due views not already queued, each with its watched ancestors, ancestors first';
COMMENT ON FUNCTION risk_internal._notify(text, risk.alerts) IS
'Send an alert event on channel risk_alerts as JSON (shortened under the NOTIFY limit)';
COMMENT ON FUNCTION risk_internal._on_sql_drop() IS
'Event trigger: a dropped materialized view leaves the registry, with its rules';

-- A rule switched off (UPDATE risk.rules SET enabled = false) is no longer
-- evaluated: its open alerts are resolved at once, as a dropped rule's are,
-- rather than staying open with no refresh to close them (the trigger of
-- dropped rules shares the resolving loop).

-- Resolve the open alerts of a rule, with a NOTIFY for each.
CREATE FUNCTION risk_internal._resolve_rule_alerts(rule integer, why text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    a risk.alerts;
BEGIN
    FOR a IN UPDATE risk.alerts
             SET status = 'resolved', resolved_at = now(), updated_at = now(), resolution = why
             WHERE rule_id = rule AND status = 'open'
             RETURNING *
    LOOP
        PERFORM risk_internal._notify('resolved', a);
    END LOOP;
END
$$;

-- The triggers run as the extension's owner: the alerts table is written
-- by no one else.
CREATE OR REPLACE FUNCTION risk_internal._rule_deleted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._resolve_rule_alerts(OLD.id, 'rule dropped');
    RETURN OLD;
END
$$;
CREATE OR REPLACE TRIGGER rules_deleted AFTER DELETE ON risk.rules
    FOR EACH ROW EXECUTE FUNCTION risk_internal._rule_deleted();

CREATE FUNCTION risk_internal._rule_disabled() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._resolve_rule_alerts(NEW.id, 'rule disabled');
    RETURN NEW;
END
$$;
CREATE TRIGGER rules_disabled AFTER UPDATE OF enabled ON risk.rules
    FOR EACH ROW WHEN (OLD.enabled AND NOT NEW.enabled)
    EXECUTE FUNCTION risk_internal._rule_disabled();

REVOKE ALL ON FUNCTION risk_internal._resolve_rule_alerts(integer, text), risk_internal._rule_deleted(),
    risk_internal._rule_disabled() FROM PUBLIC;
COMMENT ON FUNCTION risk_internal._resolve_rule_alerts(integer, text) IS
'Resolve the open alerts of a rule with the given resolution, and notify each';
COMMENT ON FUNCTION risk_internal._rule_deleted() IS
'Trigger: resolve the open alerts of a rule that is dropped';
COMMENT ON FUNCTION risk_internal._rule_disabled() IS
'Trigger: resolve the open alerts of a rule that is disabled (enabled set to false)';

-- Functions only the background workers (and superusers) call.
CREATE OR REPLACE FUNCTION risk_internal._worker_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk_internal._refresh_as_owner(regclass, boolean, integer)',
        'risk_internal._rule_breaches(regclass, name, text, float8, name[])',
        'risk_internal._refresh_concurrently(oid)', 'risk_internal._scheduler_start()',
        'risk_internal._due(oid[], integer)', 'risk_internal._refresh_begin(oid)',
        'risk_internal._refresh_end(bigint, text, text, text, bigint)', 'risk_internal._refresh_lost(bigint)',
        'risk_internal._rules_failed(bigint, text, text)', 'risk_internal._evaluate_rules(bigint)',
        'risk_internal._notify(text, risk.alerts)', 'risk_internal._rule_deleted()', 'risk_internal._rule_disabled()',
        'risk_internal._resolve_rule_alerts(integer, text)',
        'risk_internal._breach_rows(jsonb, text)', 'risk_internal._on_sql_drop()'
    ]::regprocedure[]
$$;

COMMENT ON FUNCTION risk_internal._worker_functions() IS
'The functions only the background workers (and superusers) call';

-- What a batch job needs, and alerts in bulk.
--
-- risk.refresh_and_evaluate refreshes a watched view in the calling session
-- and evaluates its rules, on the path of the refresh workers
-- (src/warning.c: risk_refresh_start, risk_refresh_run), and returns the
-- history row it recorded: a nightly job needs neither the workers nor a
-- poll of risk.refresh_history.
--
-- Rule evaluation is set-based: a rule's breaching rows come as a relation
-- (risk_internal._rule_breach_rows, one row per key, run as the view's owner), and
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
-- are left out.  As risk_internal._refresh_begin, for many views in one statement.
CREATE OR REPLACE FUNCTION risk_internal._refresh_queue(views oid[])
    RETURNS TABLE (view oid, id bigint)
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO risk.refresh_history AS h (view, view_name, started_at, concurrent, outcome)
    SELECT w.view, w.view::text, clock_timestamp(), risk_internal._refresh_concurrently(w.view), 'running'
    FROM unnest(views) WITH ORDINALITY AS u(v, o)
    JOIN risk.watched w ON w.view = u.v AND NOT w.paused
    ORDER BY u.o
    RETURNING h.view::oid, h.id
$$;
COMMENT ON FUNCTION risk_internal._refresh_queue(oid[]) IS
'Worker: record the refreshes of a lane as queued (a running history row each, in the order given); returns each view with its history id, none for a view no longer watched or paused';

-- ---------------------------------------------------------------------
-- Rules in bulk
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk_internal._rule_breach_rows(view regclass, metric name, op text,
                                                  threshold float8, keys name[])
    RETURNS TABLE (key jsonb, value float8)
    AS 'MODULE_PATHNAME', 'risk_rule_breach_rows'
    LANGUAGE C VOLATILE ROWS 1000;
COMMENT ON FUNCTION risk_internal._rule_breach_rows(regclass, name, text, float8, name[]) IS
'Worker: as the view''s owner, the rows where metric op threshold holds, one per key (a jsonb object of the key columns) with the worst value';

CREATE OR REPLACE FUNCTION risk_internal._alert_notify_limit() RETURNS integer
    AS 'MODULE_PATHNAME', 'risk_alert_notify_limit_sql'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION risk_internal._alert_notify_limit() IS
'Worker: risk.alert_notify_limit, the most alerts a rule opens and resolves in one refresh with a NOTIFY each (-1: no limit)';

-- One NOTIFY for the alerts a rule opened and resolved in one refresh (or
-- resolved when it was dropped or disabled), instead of one per alert:
-- the detail is in risk.alerts (rule_id, and opened_at or resolved_at = at).
CREATE OR REPLACE FUNCTION risk_internal._notify_summary(a risk.alerts, refresh_id bigint,
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
COMMENT ON FUNCTION risk_internal._notify_summary(risk.alerts, bigint, bigint, bigint) IS
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
CREATE OR REPLACE FUNCTION risk_internal._evaluate_rules(hid bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET enable_nestloop = off
AS $$
DECLARE
    v regclass;
    vname text;
    r risk.rules;
    lim integer := risk_internal._alert_notify_limit();
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
            FROM risk_internal._rule_breach_rows(v, r.metric, r.op, r.threshold, r.key_columns) b
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
                          FROM (SELECT risk_internal._notify(e.event, e.a)
                                FROM (SELECT 'opened' AS event, ins.x AS a FROM ins
                                      UNION ALL
                                      SELECT 'resolved', res.x FROM res) e
                                ORDER BY e.event, (e.a).id) q)
                    ELSE risk_internal._notify_summary(coalesce((SELECT ins.x FROM ins LIMIT 1),
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
    -- without rules the counts stay the zeros risk_internal._refresh_end wrote
    IF nrules = 0 THEN
        RETURN;
    END IF;
    UPDATE risk.refresh_history
    SET alerts_opened = opened, alerts_updated = updated, alerts_resolved = resolved
    WHERE id = hid;
END
$$;
COMMENT ON FUNCTION risk_internal._evaluate_rules(bigint) IS
'Worker: evaluate every rule of the refreshed view in one statement per rule: open, update and resolve alerts, and notify (one event per alert, or a summary above risk.alert_notify_limit)';

-- Resolve the open alerts of a dropped or disabled rule (the triggers of
-- above): one statement, and the NOTIFYs as after a refresh.
CREATE OR REPLACE FUNCTION risk_internal._resolve_rule_alerts(rule integer, why text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    lim integer := risk_internal._alert_notify_limit();
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
                THEN (SELECT count(*) FROM (SELECT risk_internal._notify('resolved', res.x) FROM res
                                            ORDER BY (res.x).id) q)
                ELSE risk_internal._notify_summary((SELECT res.x FROM res LIMIT 1), NULL, 0, c.s)
           END
    INTO sent
    FROM (SELECT count(*) AS s FROM res) c;
END
$$;
COMMENT ON FUNCTION risk_internal._resolve_rule_alerts(integer, text) IS
'Resolve the open alerts of a rule with the given resolution in one statement, and notify (one event per alert, or a summary above risk.alert_notify_limit)';

-- The bulk support functions are the workers' (refresh_and_evaluate is an
-- admin function, like refresh_now: risk_internal._admin_functions,
-- 95_security.sql).
CREATE OR REPLACE FUNCTION risk_internal._worker_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk_internal._refresh_as_owner(regclass, boolean, integer)',
        'risk_internal._rule_breach_rows(regclass, name, text, float8, name[])',
        'risk_internal._refresh_concurrently(oid)', 'risk_internal._scheduler_start()',
        'risk_internal._due(oid[], integer)', 'risk_internal._refresh_begin(oid)', 'risk_internal._refresh_queue(oid[])',
        'risk_internal._refresh_end(bigint, text, text, text, bigint)', 'risk_internal._refresh_lost(bigint)',
        'risk_internal._rules_failed(bigint, text, text)', 'risk_internal._evaluate_rules(bigint)',
        'risk_internal._notify(text, risk.alerts)', 'risk_internal._notify_summary(risk.alerts, bigint, bigint, bigint)',
        'risk_internal._alert_notify_limit()', 'risk_internal._rule_deleted()', 'risk_internal._rule_disabled()',
        'risk_internal._resolve_rule_alerts(integer, text)', 'risk_internal._on_sql_drop()'
    ]::regprocedure[]
$$;
COMMENT ON FUNCTION risk_internal._worker_functions() IS
'The functions only the background workers (and superusers) call';

-- The objects that name the watched view and its cadence (the tables are
-- above).
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
-- refresh actually starts plus the view's interval (src/warning_worker.c), so two
-- refreshes of a view are never closer than its interval; a failed refresh
-- is retried sooner, with backoff (risk_internal._refresh_end), and
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
    PERFORM risk_internal._check_view(view, 'watch');
    IF every IS NULL OR every <= interval '0' THEN
        RAISE EXCEPTION 'risk.watch: every must be a positive interval, got %',
                coalesce(every::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO risk.watched AS w (view, every) VALUES (watch.view, watch.every)
    ON CONFLICT ON CONSTRAINT watched_pkey
    DO UPDATE SET every = excluded.every, next_run = least(w.next_run, now() + excluded.every);
    IF NOT risk_internal._wake() THEN
        RAISE NOTICE 'risk background workers are not running: add risk to shared_preload_libraries to refresh % every %',
            view, every;
    END IF;
    -- risk_internal._wake() loaded the library, which defines risk.naptime (in ms)
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

-- (risk_internal._evaluate_rules, which opens, updates and resolves alerts after a
-- refresh, is below)

-- ---------------------------------------------------------------------
-- Bookkeeping of a refresh (run by the workers as superuser)
-- ---------------------------------------------------------------------

-- A due view is queued: a history row, running.  Its start time is set
-- again, with the view's next run, when the refresh worker begins it.
CREATE OR REPLACE FUNCTION risk_internal._refresh_begin(v oid) RETURNS bigint
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
            clock_timestamp(), risk_internal._refresh_concurrently(v), 'running')
    RETURNING id INTO hid;
    RETURN hid;
END
$$;
COMMENT ON FUNCTION risk_internal._refresh_begin(oid) IS
'Worker: record a refresh as queued (a running history row); the refresh worker sets its start and the view''s next run (start + interval) when it begins; NULL if no longer watched or paused';

-- End of a refresh.  A failure is retried with backoff: after 5 s, 10 s,
-- 20 s, ... but never later than the view's own interval.
CREATE OR REPLACE FUNCTION risk_internal._refresh_end(hid bigint, outcome text, sqlstate text, message text,
                                             nrows bigint)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v regclass;
BEGIN
    -- a successful refresh has opened, updated and resolved no alert until
    -- its rules are evaluated (risk_internal._evaluate_rules counts them, if any)
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
COMMENT ON FUNCTION risk_internal._refresh_end(bigint, text, text, text, bigint) IS
'Worker: record the outcome of a refresh; a failure is retried with backoff';

-- The worker of hid stopped: if it did not record an outcome, it was lost.
CREATE OR REPLACE FUNCTION risk_internal._refresh_lost(hid bigint) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT risk_internal._refresh_end(hid, 'lost', NULL,
                             'the refresh worker exited without recording an outcome', NULL)
$$;
COMMENT ON FUNCTION risk_internal._refresh_lost(bigint) IS
'Worker: a refresh worker stopped without recording an outcome: record it as lost';

-- The refresh succeeded but a rule could not be evaluated.
CREATE OR REPLACE FUNCTION risk_internal._rules_failed(hid bigint, sqlstate text, message text) RETURNS void
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
COMMENT ON FUNCTION risk_internal._rules_failed(bigint, text, text) IS
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
