-- Early warning: watched materialized views, refresh history, warning
-- rules and alerts.  The background workers (shared_preload_libraries =
-- 'risk') refresh the views and evaluate the rules; see
-- docs/early-warning.md.
--
-- Who may do what: the registry (risk.watched, risk.rules) has row-level
-- security: a row may be written only by a member of the role that owns the
-- view, and read by them or by anyone who may read the view.  Alerts and
-- history are written by the workers only and readable under the same
-- read rule.  Nothing here is granted to PUBLIC except the row checks
-- and the wake-up; risk.grant_admin and risk.grant_reader give the levels
-- (docs/security.md).

-- May the current user manage (watch, pause, add rules to) relation r?
CREATE FUNCTION risk._may_manage(r oid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce((SELECT pg_has_role(c.relowner, 'USAGE')
                     FROM pg_class c WHERE c.oid = r), false)
$$;

-- May the current user read what the workers recorded about relation r?
CREATE FUNCTION risk._may_read(r oid) RETURNS boolean
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
CREATE POLICY watched_read ON risk.watched FOR SELECT USING (risk._may_read(view));
CREATE POLICY watched_insert ON risk.watched FOR INSERT WITH CHECK (risk._may_manage(view));
CREATE POLICY watched_update ON risk.watched FOR UPDATE
    USING (risk._may_manage(view)) WITH CHECK (risk._may_manage(view));
CREATE POLICY watched_delete ON risk.watched FOR DELETE USING (risk._may_manage(view));

ALTER TABLE risk.rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY rules_read ON risk.rules FOR SELECT USING (risk._may_read(view));
CREATE POLICY rules_insert ON risk.rules FOR INSERT WITH CHECK (risk._may_manage(view));
CREATE POLICY rules_update ON risk.rules FOR UPDATE
    USING (risk._may_manage(view)) WITH CHECK (risk._may_manage(view));
CREATE POLICY rules_delete ON risk.rules FOR DELETE USING (risk._may_manage(view));

ALTER TABLE risk.alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY alerts_read ON risk.alerts FOR SELECT USING (risk._may_read(view));
ALTER TABLE risk.refresh_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY history_read ON risk.refresh_history FOR SELECT USING (risk._may_read(view));

REVOKE ALL ON risk.watched, risk.rules, risk.alerts, risk.refresh_history FROM PUBLIC;

-- (the BI views over these tables, risk.open_alerts, risk.alert_summary and
-- risk.refresh_status, are in 98_warning_views.sql)

-- ---------------------------------------------------------------------
-- The SQL interface (SECURITY INVOKER: row-level security decides)
-- ---------------------------------------------------------------------

-- Check that v is a materialized view the current user may manage (the
-- owner check is risk._check_table's, 95_security.sql).
CREATE FUNCTION risk._check_view(v regclass, what text) RETURNS void
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
    PERFORM risk._check_table(v, what);
END
$$;

CREATE FUNCTION risk._wake() RETURNS boolean
    AS 'MODULE_PATHNAME', 'risk_wake'
    LANGUAGE C VOLATILE;

-- (risk.watch is in 98_warning_views.sql)

-- The registry row of v, or an error naming the function.
CREATE FUNCTION risk._watched(v regclass, what text) RETURNS risk.watched
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w risk.watched;
BEGIN
    PERFORM risk._check_view(v, what);
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
    PERFORM risk._watched(view, 'unwatch');
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
    PERFORM risk._watched(view, 'pause');
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
    PERFORM risk._watched(view, 'resume');
    UPDATE risk.watched w SET paused = false WHERE w.view = resume.view;
    PERFORM risk._wake();
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
    w := risk._watched(view, 'refresh_now');
    IF w.paused THEN
        RAISE EXCEPTION 'risk.refresh_now: materialized view % is paused', view
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Call risk.resume first.';
    END IF;
    UPDATE risk.watched x SET next_run = now() WHERE x.view = refresh_now.view;
    IF NOT risk._wake() THEN
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
    PERFORM risk._watched(view, 'add_rule');
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
    PERFORM risk._check_view(v, 'drop_rule');
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
CREATE FUNCTION risk._notify(event text, a risk.alerts) RETURNS void
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
-- in 97_rule_disabled.sql; risk._evaluate_rules, which opens, updates and
-- resolves alerts after a refresh, and the breaching rows of a rule,
-- risk._rule_breach_rows, are in 98_warning_batch.sql)

-- ---------------------------------------------------------------------
-- Bookkeeping of the workers (run by them as superuser; not for PUBLIC)
-- ---------------------------------------------------------------------

CREATE FUNCTION risk._refresh_as_owner(view regclass, concurrent boolean, timeout_ms integer)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'risk_refresh_as_owner'
    LANGUAGE C STRICT VOLATILE;

-- Can v be refreshed CONCURRENTLY (populated, with a usable unique index)?
CREATE FUNCTION risk._refresh_concurrently(v oid) RETURNS boolean
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
CREATE FUNCTION risk._scheduler_start() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    hid bigint;
BEGIN
    FOR hid IN SELECT id FROM risk.refresh_history WHERE outcome = 'running' LOOP
        PERFORM risk._refresh_end(hid, 'lost', NULL,
                                  'interrupted: the server or the scheduler stopped', NULL);
    END LOOP;
END
$$;

-- Delete expired history; return the due views not already queued, each
-- with its watched ancestors, ancestors first.
CREATE FUNCTION risk._due(queued oid[], retention_s integer)
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

-- (the queueing, start and end of a refresh, risk._refresh_begin,
-- _refresh_end, _refresh_lost and _rules_failed, are in 98_warning_views.sql;
-- the refresh worker records the actual start, src/worker.c)

REVOKE ALL ON FUNCTION risk._refresh_as_owner(regclass, boolean, integer),
    risk._refresh_concurrently(oid), risk._scheduler_start(),
    risk._due(oid[], integer),
    risk._notify(text, risk.alerts) FROM PUBLIC;

-- A dropped materialized view leaves the registry (its rules and their
-- open alerts with it).
CREATE FUNCTION risk._on_sql_drop() RETURNS event_trigger
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
REVOKE ALL ON FUNCTION risk._on_sql_drop() FROM PUBLIC;
CREATE EVENT TRIGGER risk_watched_drop ON sql_drop EXECUTE FUNCTION risk._on_sql_drop();

-- What each internal function is for (none of them is for direct use).
COMMENT ON FUNCTION risk._may_manage(oid) IS
'Row check of the writes to the registry, rules and classifications: is the current user a member of the role that owns relation r';
COMMENT ON FUNCTION risk._may_read(oid) IS
'Row check of the reads of the registry, rules, alerts, history and classifications: may the current user manage or SELECT relation r';
COMMENT ON FUNCTION risk._check_view(regclass, text) IS
'ERROR unless the relation is a materialized view the current user may manage';
COMMENT ON FUNCTION risk._watched(regclass, text) IS
'The registry row of a watched view, ERROR if it is not watched';
COMMENT ON FUNCTION risk._wake() IS
'Wake this database''s scheduler when the transaction commits; true when the background workers run';
COMMENT ON FUNCTION risk._refresh_as_owner(regclass, boolean, integer) IS
'Worker: REFRESH MATERIALIZED VIEW as the view''s owner (CONCURRENTLY if asked, within a time limit in a worker); returns the rows';
COMMENT ON FUNCTION risk._refresh_concurrently(oid) IS
'Worker: can the view be refreshed CONCURRENTLY (populated, with a usable unique index)';
COMMENT ON FUNCTION risk._scheduler_start() IS
'Worker: close as lost the refreshes a crash or an exit left running';
COMMENT ON FUNCTION risk._due(oid[], integer) IS
'Worker: delete expired history; the due views not already queued, each with its watched ancestors, ancestors first';
COMMENT ON FUNCTION risk._notify(text, risk.alerts) IS
'Send an alert event on channel risk_alerts as JSON (shortened under the NOTIFY limit)';
COMMENT ON FUNCTION risk._on_sql_drop() IS
'Event trigger: a dropped materialized view leaves the registry, with its rules';
