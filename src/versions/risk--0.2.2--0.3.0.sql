-- risk 0.2.2 -> 0.3.0
--
-- The support functions leave the user's schema: the transition, combine,
-- serialize and final functions of the aggregates, the background workers'
-- bookkeeping and the checks (every function whose name starts with an
-- underscore) move to schema risk_internal, so that \df risk.* lists the
-- functions users call.  ALTER ... SET SCHEMA keeps each function's OID,
-- privileges and comment: the aggregates, triggers, views and policies that
-- use them are unchanged.  The functions whose bodies name a moved function
-- are replaced with bodies that name its new schema (CREATE OR REPLACE keeps
-- their privileges and comments too).  One comment changes, and the new
-- area of Bayesian networks (bn) comes in at the end.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.3.0'" to load this file. \quit

CREATE SCHEMA risk_internal;
COMMENT ON SCHEMA risk_internal IS 'Support functions of the risk extension: not called directly';
GRANT USAGE ON SCHEMA risk_internal TO PUBLIC;

-- ---------------------------------------------------------------------
-- The support functions move
-- ---------------------------------------------------------------------

ALTER FUNCTION risk._admin_functions() SET SCHEMA risk_internal;
ALTER FUNCTION risk._alert_notify_limit() SET SCHEMA risk_internal;
ALTER FUNCTION risk._auc_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._brier_accum(double precision[], double precision, boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._brier_accum(double precision[], double precision, integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._brier_combine(double precision[], double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._brier_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._buffer_combine(internal, internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._buffer_deserialize(bytea, internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._buffer_serialize(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._check_digits(digits integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._check_role(r regrole, what text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._check_scale(s text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._check_table(t regclass, what text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._check_view(v regclass, what text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._christoffersen_accum(internal, boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._christoffersen_accum(internal, boolean, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._christoffersen_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._due(queued oid[], retention_s integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_evt_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_ewma_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_fhs_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_garch_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_gaussian_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_gaussian_mfinal(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_historical_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_historical_mfinal(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_modified_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._es_modified_mfinal(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._evaluate_rules(hid bigint) SET SCHEMA risk_internal;
ALTER FUNCTION risk._ewma_accum(double precision[], double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._ewma_accum(double precision[], double precision, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._ewma_remove(double precision[], double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._ewma_remove(double precision[], double precision, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._frequency_accum(internal, bigint, text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._frequency_fit_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._garch_accum(internal, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._garch_accum(internal, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._garch_accum(internal, double precision, text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._garch_fit_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gev_accum(internal, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gev_fit_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gini_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gpd_accum(internal, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gpd_accum(internal, double precision, double precision, text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gpd_fit_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gpd_q_accum(internal, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gpd_q_accum(internal, double precision, double precision, text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._gpd_q_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._hill_accum(internal, double precision, integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._hill_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._hist_accum(internal, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._hist_madd(internal, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._hist_mremove(internal, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._hosmer_lemeshow_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._ks_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_accum(internal, boolean, double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_accum(internal, boolean, double precision[], boolean, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_accum(internal, integer, double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_accum(internal, integer, double precision[], boolean, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_buffer_deserialize(bytea, internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_fit_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_model(state double precision[], beta double precision[], intercept boolean, l2 double precision, iterations integer, converged boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_newton(state double precision[], beta double precision[], intercept boolean, l2 double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_newton(state double precision[], beta double precision[], intercept boolean, l2 double precision, names text[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_step_accum(double precision[], boolean, double precision[], double precision[], boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_step_accum(double precision[], integer, double precision[], double precision[], boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._logit_step_combine(double precision[], double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._masked(col name, typ oid, mask text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._master_scale_check() SET SCHEMA risk_internal;
ALTER FUNCTION risk._may_manage(r oid) SET SCHEMA risk_internal;
ALTER FUNCTION risk._may_read(r oid) SET SCHEMA risk_internal;
ALTER FUNCTION risk._mean_excess_accum(double precision[], double precision, double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._mean_excess_combine(double precision[], double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._mean_excess_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._migration_accum(internal, text, text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._migration_accum(internal, text, text, text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._migration_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_accum(double precision[], double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_accum(double precision[], double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_combine(double precision[], double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_madd(internal, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_madd(internal, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_mfinal(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_mremove(internal, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._moments_mremove(internal, double precision, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._notify(event text, a risk.alerts) SET SCHEMA risk_internal;
ALTER FUNCTION risk._notify_summary(a risk.alerts, refresh_id bigint, opened bigint, resolved bigint) SET SCHEMA risk_internal;
ALTER FUNCTION risk._on_sql_drop() SET SCHEMA risk_internal;
ALTER FUNCTION risk._pd_pairs_accum(internal, double precision, boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._pd_pairs_accum(internal, double precision, boolean, integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._pd_pairs_accum(internal, double precision, integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._pd_pairs_accum(internal, double precision, integer, integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._psi_scores_accum(internal, double precision, boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._psi_scores_accum(internal, double precision, boolean, double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._psi_scores_accum(internal, double precision, boolean, integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._psi_scores_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._refresh_as_owner(view regclass, concurrent boolean, timeout_ms integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._refresh_begin(v oid) SET SCHEMA risk_internal;
ALTER FUNCTION risk._refresh_concurrently(v oid) SET SCHEMA risk_internal;
ALTER FUNCTION risk._refresh_end(hid bigint, outcome text, sqlstate text, message text, nrows bigint) SET SCHEMA risk_internal;
ALTER FUNCTION risk._refresh_lost(hid bigint) SET SCHEMA risk_internal;
ALTER FUNCTION risk._refresh_queue(views oid[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._resolve_rule_alerts(rule integer, why text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._rule_breach_rows(view regclass, metric name, op text, threshold double precision, keys name[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._rule_deleted() SET SCHEMA risk_internal;
ALTER FUNCTION risk._rule_disabled() SET SCHEMA risk_internal;
ALTER FUNCTION risk._rules_failed(hid bigint, sqlstate text, message text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._scheduler_start() SET SCHEMA risk_internal;
ALTER FUNCTION risk._score_pairs_accum(internal, double precision, boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._score_pairs_accum(internal, double precision, integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._severity_accum(internal, double precision, text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._severity_fit_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_evt_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_ewma_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_fhs_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_garch_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_gaussian_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_gaussian_mfinal(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_historical_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_historical_mfinal(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_modified_final(double precision[]) SET SCHEMA risk_internal;
ALTER FUNCTION risk._var_modified_mfinal(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._wake() SET SCHEMA risk_internal;
ALTER FUNCTION risk._watched(v regclass, what text) SET SCHEMA risk_internal;
ALTER FUNCTION risk._woe_accum(internal, double precision, boolean) SET SCHEMA risk_internal;
ALTER FUNCTION risk._woe_accum(internal, double precision, boolean, integer, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._woe_accum(internal, double precision, integer) SET SCHEMA risk_internal;
ALTER FUNCTION risk._woe_accum(internal, double precision, integer, integer, double precision) SET SCHEMA risk_internal;
ALTER FUNCTION risk._woe_bins_final(internal) SET SCHEMA risk_internal;
ALTER FUNCTION risk._worker_functions() SET SCHEMA risk_internal;

-- ---------------------------------------------------------------------
-- The bodies that name them
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk_internal._check_view(v regclass, what text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._evaluate_rules(hid bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET enable_nestloop TO 'off'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._master_scale_check()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM risk_internal._check_scale(OLD.scale);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM risk_internal._check_scale(NEW.scale);
    END IF;
    RETURN NULL;
END $function$
;

CREATE OR REPLACE FUNCTION risk_internal._refresh_begin(v oid)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._refresh_end(hid bigint, outcome text, sqlstate text, message text, nrows bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._refresh_lost(hid bigint)
 RETURNS void
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT risk_internal._refresh_end(hid, 'lost', NULL,
                             'the refresh worker exited without recording an outcome', NULL)
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._refresh_queue(views oid[])
 RETURNS TABLE(view oid, id bigint)
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    INSERT INTO risk.refresh_history AS h (view, view_name, started_at, concurrent, outcome)
    SELECT w.view, w.view::text, clock_timestamp(), risk_internal._refresh_concurrently(w.view), 'running'
    FROM unnest(views) WITH ORDINALITY AS u(v, o)
    JOIN risk.watched w ON w.view = u.v AND NOT w.paused
    ORDER BY u.o
    RETURNING h.view::oid, h.id
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._resolve_rule_alerts(rule integer, why text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._rule_deleted()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM risk_internal._resolve_rule_alerts(OLD.id, 'rule dropped');
    RETURN OLD;
END
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._rule_disabled()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM risk_internal._resolve_rule_alerts(NEW.id, 'rule disabled');
    RETURN NEW;
END
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._scheduler_start()
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    hid bigint;
BEGIN
    FOR hid IN SELECT id FROM risk.refresh_history WHERE outcome = 'running' LOOP
        PERFORM risk_internal._refresh_end(hid, 'lost', NULL,
                                  'interrupted: the server or the scheduler stopped', NULL);
    END LOOP;
END
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._watched(v regclass, what text)
 RETURNS risk.watched
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk_internal._worker_functions()
 RETURNS regprocedure[]
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk.add_rule(view regclass, metric name, op text, threshold double precision, severity text DEFAULT 'warning'::text, action text DEFAULT NULL::text, key_columns name[] DEFAULT '{}'::name[], rule_name text DEFAULT NULL::text)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk.classify(tab regclass, col name, level text, mask text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    typ oid;
    cat "char";
BEGIN
    PERFORM risk_internal._check_table(tab, 'classify');
    SELECT a.atttypid, t.typcategory INTO typ, cat
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = tab AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.classify: column "%" of % does not exist', coalesce(col::text, 'NULL'), tab
            USING ERRCODE = 'undefined_column';
    END IF;
    IF level IS NULL OR NOT EXISTS (SELECT 1 FROM risk.confidentiality_level l WHERE l.level = classify.level) THEN
        RAISE EXCEPTION 'risk.classify: unknown confidentiality level "%"', coalesce(level, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use public, internal, confidential or restricted.';
    END IF;
    IF mask IS NULL THEN
        mask := CASE cat WHEN 'N' THEN 'round' WHEN 'D' THEN 'month'
                         WHEN 'S' THEN 'pseudonym' ELSE 'null' END;
    END IF;
    IF mask NOT IN ('pseudonym', 'round', 'month', 'null') THEN
        RAISE EXCEPTION 'risk.classify: unknown mask "%"', mask
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use pseudonym, round, month or null.';
    END IF;
    IF (mask = 'round' AND cat <> 'N') OR (mask = 'month' AND cat <> 'D') THEN
        RAISE EXCEPTION 'risk.classify: mask "%" does not apply to column "%" of type %',
                mask, col, format_type(typ, NULL)
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    INSERT INTO risk.classification AS c (tab, col, level, mask)
    VALUES (tab, col, level, mask)
    ON CONFLICT ON CONSTRAINT classification_pkey
    DO UPDATE SET level = excluded.level, mask = excluded.mask,
                  classified_by = current_user, classified_at = now();
END
$function$
;

CREATE OR REPLACE FUNCTION risk.drop_rule(rule_id integer)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk.grant_access(tab regclass, grantee regrole, up_to text)
 RETURNS regclass
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    lim integer;
    clear text[] := '{}';
    masked text[] := '{}';
    cols text[] := '{}';
    r record;
    nsp name;
    rel name;
    vname text;
    def text;
    acl aclitem[];
    g record;
BEGIN
    PERFORM risk_internal._check_table(tab, 'grant_access');
    PERFORM risk_internal._check_role(grantee, 'grant_access');
    SELECT l.rank INTO lim FROM risk.confidentiality_level l WHERE l.level = up_to;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.grant_access: unknown confidentiality level "%"', coalesce(up_to, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use public, internal, confidential or restricted.';
    END IF;
    IF NOT has_table_privilege('risk.masking_key', 'SELECT') THEN
        RAISE EXCEPTION 'risk.grant_access: the owner of a masked view must be able to read risk.masking_key'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Grant the level with risk.grant_admin to the role that owns the table.';
    END IF;
    INSERT INTO risk.masking_key (id, secret)
    VALUES (1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
    ON CONFLICT (id) DO NOTHING;
    FOR r IN
        SELECT a.attname, a.atttypid, a.atttypmod,
               coalesce(l.rank, 1) AS rank, coalesce(c.mask, 'null') AS mask
        FROM pg_attribute a
        LEFT JOIN risk.classification c ON c.tab = grant_access.tab AND c.col = a.attname
        LEFT JOIN risk.confidentiality_level l ON l.level = c.level
        WHERE a.attrelid = grant_access.tab AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
    LOOP
        IF r.rank <= lim THEN
            clear := clear || quote_ident(r.attname);
            cols := cols || format('t.%I', r.attname);
        ELSE
            masked := masked || quote_ident(r.attname);
            -- a masked column keeps the column's type where it can (a
            -- pseudonym is text), so that a level changed later can
            -- replace the view in place
            IF r.mask = 'pseudonym' THEN
                cols := cols || format('%s AS %I', risk_internal._masked(r.attname, r.atttypid, r.mask), r.attname);
            ELSE
                cols := cols || format('(%s)::%s AS %I', risk_internal._masked(r.attname, r.atttypid, r.mask),
                                       format_type(r.atttypid, r.atttypmod), r.attname);
            END IF;
        END IF;
    END LOOP;
    SELECT n.nspname, c.relname INTO nsp, rel
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tab;
    vname := format('%I.%I', nsp, left(rel, 40) || '_' || up_to);
    def := format('VIEW %s WITH (security_barrier) AS SELECT %s FROM %s t CROSS JOIN risk.masking_key k',
                  vname, array_to_string(cols, ', '), tab);
    BEGIN
        EXECUTE 'CREATE OR REPLACE ' || def;
    EXCEPTION WHEN invalid_table_definition THEN
        -- a column changed type (between clear and pseudonym): make the
        -- view anew and give its readers back their privileges
        SELECT c.relacl INTO acl FROM pg_class c WHERE c.oid = to_regclass(vname);
        EXECUTE format('DROP VIEW %s', vname);
        EXECUTE 'CREATE ' || def;
        FOR g IN
            SELECT a.grantee, a.privilege_type FROM aclexplode(acl) a
            WHERE a.grantee <> (SELECT c.relowner FROM pg_class c WHERE c.oid = to_regclass(vname))
        LOOP
            EXECUTE format('GRANT %s ON %s TO %s', g.privilege_type, vname,
                           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END);
        END LOOP;
    END;
    EXECUTE format('COMMENT ON VIEW %s IS %L', vname,
                   format('%s as a role cleared up to %s sees it: columns above that level masked (risk.grant_access)',
                          tab, up_to));
    EXECUTE format('GRANT SELECT ON %s TO %s', vname, grantee);
    IF cardinality(clear) > 0 THEN
        EXECUTE format('GRANT SELECT (%s) ON %s TO %s', array_to_string(clear, ', '), tab, grantee);
    END IF;
    -- a column whose level was raised since an earlier call is taken back
    IF cardinality(masked) > 0 THEN
        EXECUTE format('REVOKE SELECT (%s) ON %s FROM %s', array_to_string(masked, ', '), tab, grantee);
    END IF;
    IF has_table_privilege(grantee, tab, 'SELECT') THEN
        RAISE WARNING 'risk.grant_access: role "%" can read every column of % in clear', grantee, tab
            USING ERRCODE = '01000',
                  DETAIL = 'It has SELECT on the whole table (granted to it, to a role it belongs to, or to PUBLIC, or it is a superuser or the owner).',
                  HINT = format('REVOKE SELECT ON %s FROM the roles that should see it masked.', tab);
    END IF;
    RETURN vname::regclass;
END
$function$
;

CREATE OR REPLACE FUNCTION risk.grant_admin(r regrole)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_admin');
    PERFORM risk.grant_analyst(r);
    FOREACH f IN ARRAY risk_internal._admin_functions() LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f, r);
    END LOOP;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON risk.watched, risk.rules, '
                   'risk.classification, risk.master_scale TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT ON risk.masking_key TO %s', r);
END
$function$
;

CREATE OR REPLACE FUNCTION risk.grant_analyst(r regrole)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_analyst');
    PERFORM risk.grant_reader(r);
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace)
          AND p.proname NOT LIKE 'grant\_%' AND p.proname <> 'revoke_levels'
          AND p.oid::regprocedure <> ALL (risk_internal._admin_functions())
          AND p.oid::regprocedure <> ALL (risk_internal._worker_functions())
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f, r);
    END LOOP;
    EXECUTE format('GRANT SELECT ON risk.master_scale, risk.classification TO %s', r);
END
$function$
;

CREATE OR REPLACE FUNCTION risk.grant_reader(r regrole)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_reader');
    EXECUTE format('GRANT SELECT ON risk.open_alerts, risk.alert_summary, risk.refresh_status, '
                   'risk.alerts, risk.watched, risk.rules, risk.refresh_history TO %s', r);
END
$function$
;

CREATE OR REPLACE FUNCTION risk.logit_fit_table(source regclass, y name, x name[], intercept boolean DEFAULT true, l2 double precision DEFAULT 0, max_iter integer DEFAULT 50)
 RETURNS risk.logit_model
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    q         text;
    beta      float8[];
    nb        float8[];
    st        float8[];
    it        int := 0;
    delta     float8;
    converged boolean := false;
    ytype     regtype;
BEGIN
    IF source IS NULL OR y IS NULL OR x IS NULL OR intercept IS NULL OR l2 IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'source, y, x, intercept and l2 must not be NULL';
    END IF;
    IF NOT (l2 >= 0 AND l2 < 'Infinity') THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('the L2 penalty must be a finite number >= 0, got %s', l2);
    END IF;
    IF cardinality(x) = 0 AND NOT intercept THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'a model without intercept needs at least one feature';
    END IF;
    IF array_position(x, NULL) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'feature column names must not be NULL';
    END IF;
    IF max_iter IS NULL OR max_iter < 1 OR max_iter > 1000 THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('max_iter must be between 1 and 1000, got %s', max_iter);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = source) THEN
        RAISE EXCEPTION USING ERRCODE = '42P01', MESSAGE = format('relation with OID %s does not exist', source::oid);
    END IF;
    SELECT a.atttypid INTO ytype FROM pg_attribute a
    WHERE a.attrelid = source AND a.attname = y AND a.attnum > 0 AND NOT a.attisdropped;
    IF ytype IS NULL OR ytype NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
        RAISE EXCEPTION USING ERRCODE = '42804',
            MESSAGE = format('the outcome column %I of %s must exist and be boolean or a 0/1 integer', y, source);
    END IF;
    -- every name quoted as an identifier; the relation by its regclass; an
    -- integer outcome goes to the int4 logit_step, which rejects all but 0/1
    q := format('SELECT risk.logit_step(%s, ARRAY[%s]::float8[], $1, $2) FROM %s',
                CASE WHEN ytype = 'boolean'::regtype THEN format('%I', y)
                     ELSE format('%I::int4', y) END,
                (SELECT string_agg(format('%I', c), ', ' ORDER BY o)
                    FROM unnest(x) WITH ORDINALITY AS u(c, o)), source);
    beta := array_fill(0::float8, ARRAY[cardinality(x) + CASE WHEN intercept THEN 1 ELSE 0 END]);
    WHILE it < max_iter LOOP
        it := it + 1;
        EXECUTE q INTO st USING beta, intercept;
        IF st IS NULL OR cardinality(st) = 0 THEN
            RETURN NULL;        -- no rows
        END IF;
        nb := risk_internal._logit_newton(st, beta, intercept, l2, x::text[]);
        SELECT max(abs(a - b)) INTO delta FROM unnest(nb, beta) AS u(a, b);
        beta := nb;
        IF delta <= 1e-10 * (1 + (SELECT max(abs(a)) FROM unnest(beta) a)) THEN
            converged := true;
            EXIT;
        END IF;
    END LOOP;
    EXECUTE q INTO st USING beta, intercept;
    IF NOT converged AND l2 = 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('the fit did not converge in %s iterations', it),
            HINT = 'The classes may be separated: remove the separating feature, or fit with an L2 penalty.';
    END IF;
    RETURN risk_internal._logit_model(st, beta, intercept, l2, it, converged);
END $function$
;

CREATE OR REPLACE FUNCTION risk.pause(view regclass)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM risk_internal._watched(view, 'pause');
    UPDATE risk.watched w SET paused = true WHERE w.view = pause.view;
END
$function$
;

CREATE OR REPLACE FUNCTION risk.refresh_now(view regclass)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION risk.resume(view regclass)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM risk_internal._watched(view, 'resume');
    UPDATE risk.watched w SET paused = false WHERE w.view = resume.view;
    PERFORM risk_internal._wake();
END
$function$
;

CREATE OR REPLACE FUNCTION risk.revoke_levels(r regrole)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'revoke_levels');
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace) LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %s', f, r);
    END LOOP;
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA risk FROM %s', r);
END
$function$
;

CREATE OR REPLACE FUNCTION risk.round_significant(x double precision, digits integer DEFAULT 2)
 RETURNS double precision
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM risk_internal._check_digits(digits);
    IF x = 0 OR x IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RETURN x;
    END IF;
    RETURN round(x::numeric, digits - 1 - floor(log(abs(x)::numeric))::integer)::float8;
END
$function$
;

CREATE OR REPLACE FUNCTION risk.unwatch(view regclass)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    PERFORM risk_internal._watched(view, 'unwatch');
    DELETE FROM risk.watched w WHERE w.view = unwatch.view;
END
$function$
;

CREATE OR REPLACE FUNCTION risk.watch(view regclass, every interval)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

-- A comment that listed every aggregate using the value buffer, so that a
-- new one had to be added to it, no longer lists them.
COMMENT ON FUNCTION risk_internal._buffer_combine(internal, internal) IS 'Support function of every aggregate whose state is the value buffer (see pg_aggregate.aggcombinefn): combine partial states';

-- ---------------------------------------------------------------------
-- New area: Bayesian networks (as src/sql/55_bn.sql creates them)
-- ---------------------------------------------------------------------

-- Discrete Bayesian networks (docs/bn.md): a network as a value, built
-- from one row per node or read from JSON, learnt from events, queried
-- exactly (evidence, interventions), turned into scenarios, and read back
-- as rows and as Graphviz DOT.

CREATE TYPE risk.bn;

CREATE FUNCTION risk_internal._bn_in(cstring) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_out(risk.bn) RETURNS cstring
    AS 'MODULE_PATHNAME', 'risk_bn_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_in(cstring) IS 'Input function of type risk.bn: a JSON object {"nodes": [{"name", "states", "parents", "cpt", "counts", "prior"}], "estimator", "ess"}, checked';
COMMENT ON FUNCTION risk_internal._bn_out(risk.bn) IS 'Output function of type risk.bn: the JSON object its input function reads';

CREATE TYPE risk.bn (
    INPUT = risk_internal._bn_in,
    OUTPUT = risk_internal._bn_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE risk.bn IS
'A discrete Bayesian network: nodes with named states, the DAG (each node''s parents), one CPT per node (for each configuration of the parents, the first parent varying slowest, the probabilities of the node''s states), and, once learnt, the counts and the estimator; text form JSON';

-- building from rows

CREATE FUNCTION risk_internal._bn_define_accum(internal, text, text[], text[], float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_define_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_define_final(internal) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_define_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_define_accum(internal, text, text[], text[], float8[]) IS 'Support function of risk.bn_define: transition (keeps the node''s definition)';
COMMENT ON FUNCTION risk_internal._bn_define_final(internal) IS 'Support function of risk.bn_define: final (resolves the parents, checks the network)';

CREATE AGGREGATE risk.bn_define(node text, states text[], parents text[], cpt float8[]) (
    SFUNC = risk_internal._bn_define_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_define_final
);
COMMENT ON AGGREGATE risk.bn_define(text, text[], text[], float8[]) IS
'A Bayesian network from one row per node: its name, its states, its parents (NULL or empty for a root) and its CPT (for each configuration of the parents, the first parent varying slowest, the probabilities of its states; NULL for uniform, to be learnt by risk.bn_fit); checked: acyclic, rows summing to 1, names used once; errors name the node';

-- reading back

CREATE FUNCTION risk.bn_nodes(network risk.bn)
    RETURNS TABLE (node text, states text[], parents text[], parameters bigint)
    AS 'MODULE_PATHNAME', 'risk_bn_nodes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION risk.bn_nodes(risk.bn) IS
'The nodes of a network in its order (the order of an event for risk.bn_fit): states, parents, and the number of free parameters of its CPT';

CREATE FUNCTION risk.bn_edges(network risk.bn) RETURNS TABLE (parent text, child text)
    AS 'MODULE_PATHNAME', 'risk_bn_edges' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION risk.bn_edges(risk.bn) IS 'The edges of a network, parent to child';

CREATE FUNCTION risk.bn_cpt(network risk.bn)
    RETURNS TABLE (node text, parent_states text[], state text, probability float8, count float8)
    AS 'MODULE_PATHNAME', 'risk_bn_cpt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 200;
COMMENT ON FUNCTION risk.bn_cpt(risk.bn) IS
'Every CPT cell of a network: the node, the states of its parents (in the order of its parents), its state, the probability, and the count it was learnt from (NULL when the network was not learnt)';

CREATE FUNCTION risk.bn_dot(network risk.bn, evidence jsonb DEFAULT NULL, marginals boolean DEFAULT true)
    RETURNS text
    AS 'MODULE_PATHNAME', 'risk_bn_dot' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_dot(risk.bn, jsonb, boolean) IS
'The network as Graphviz DOT text: a box per node labelled with its name and, unless marginals is false, the probability of each state given the evidence (observed nodes shaded), an arrow per edge';

-- queries

CREATE FUNCTION risk.bn_query(network risk.bn, target text, evidence jsonb DEFAULT NULL,
                              intervention jsonb DEFAULT NULL)
    RETURNS TABLE (state text, probability float8)
    AS 'MODULE_PATHNAME', 'risk_bn_query' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION risk.bn_query(risk.bn, text, jsonb, jsonb) IS
'P(target = each state | evidence, do(intervention)), exactly (variable elimination): evidence and intervention are JSON objects of node names and states, e.g. ''{"smoke": "yes"}''; an intervention sets nodes by graph surgery (do), not by conditioning';

CREATE FUNCTION risk.bn_probability(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL,
                                    intervention jsonb DEFAULT NULL)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_bn_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_probability(risk.bn, text, text, jsonb, jsonb) IS
'P(target = state | evidence, do(intervention)), exactly; ERROR when the evidence has probability 0';

CREATE FUNCTION risk.bn_joint(network risk.bn, targets text[], evidence jsonb DEFAULT NULL,
                              intervention jsonb DEFAULT NULL)
    RETURNS TABLE (states text[], probability float8)
    AS 'MODULE_PATHNAME', 'risk_bn_joint' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION risk.bn_joint(risk.bn, text[], jsonb, jsonb) IS
'The joint distribution of 1 to 8 targets given the evidence and the intervention: one row per combination of their states (in the order of the targets)';

CREATE FUNCTION risk.bn_map(network risk.bn, target text, evidence jsonb DEFAULT NULL,
                            intervention jsonb DEFAULT NULL)
    RETURNS text
    AS 'MODULE_PATHNAME', 'risk_bn_map' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_map(risk.bn, text, jsonb, jsonb) IS
'The most probable state of the target given the evidence and the intervention (the first of equals)';

CREATE FUNCTION risk.bn_evidence_probability(network risk.bn, evidence jsonb,
                                             intervention jsonb DEFAULT NULL)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_bn_evidence_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_evidence_probability(risk.bn, jsonb, jsonb) IS
'P(evidence | do(intervention)): the probability of the observations (1 for none, 0 for an impossible one)';

-- scenarios and sensitivities

CREATE FUNCTION risk.bn_scale(network risk.bn, node text, state text, factor float8) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_scale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_scale(risk.bn, text, text, float8) IS
'A soft scenario: the network with P(node = state | parents) multiplied by factor in every row of the node''s CPT, the other states sharing the rest in proportion to their probabilities (0.5: "half as likely"); ERROR when a probability would exceed 1';

CREATE FUNCTION risk.bn_set_cpt(network risk.bn, node text, cpt float8[]) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_set_cpt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_set_cpt(risk.bn, text, float8[]) IS
'A scenario: the network with the node''s CPT replaced (for a root, its marginal), checked as a definition is';

CREATE FUNCTION risk.bn_compare(baseline risk.bn, scenario risk.bn, target text, state text,
                                evidence jsonb DEFAULT NULL,
                                OUT baseline_probability float8, OUT scenario_probability float8,
                                OUT change float8)
    AS 'MODULE_PATHNAME', 'risk_bn_compare' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_compare(risk.bn, risk.bn, text, text, jsonb) IS
'P(target = state | evidence) in a baseline network and in a scenario network of the same nodes and states, and the change (scenario minus baseline)';

CREATE FUNCTION risk.bn_drivers(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL,
                                factor float8 DEFAULT 0.5)
    RETURNS TABLE (node text, node_state text, scenario text, probability float8, change float8)
    AS 'MODULE_PATHNAME', 'risk_bn_drivers' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION risk.bn_drivers(risk.bn, text, text, jsonb, float8) IS
'The drivers of P(target = state | evidence): for every other unobserved node and each of its states, the probability under do(node = state) and under the soft scenario that scales the state by factor (0.5 by default: half as likely), and the change from the baseline; order by change to rank them';

CREATE FUNCTION risk.bn_sensitivity(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL)
    RETURNS TABLE (node text, parent_states text[], node_state text, parameter float8, derivative float8)
    AS 'MODULE_PATHNAME', 'risk_bn_sensitivity' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 200;
COMMENT ON FUNCTION risk.bn_sensitivity(risk.bn, text, text, jsonb) IS
'The exact derivative of P(target = state | evidence) with respect to every CPT parameter P(node = node_state | parents = parent_states), the other states of that row moving in proportion; 0 for parameters that cannot matter';

-- learning

CREATE FUNCTION risk.bn_set_prior(network risk.bn, node text, pseudo_counts float8[]) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_set_prior' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_set_prior(risk.bn, text, float8[]) IS
'The network with Dirichlet pseudo-counts for the node''s CPT cells (the layout of its CPT: one value per state for each configuration of the parents), used by risk.bn_fit with estimator ''prior''; other nodes'' pseudo-counts are 0 until set';

CREATE FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[], text, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_bn_fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_final(internal) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[]) IS 'Support function of risk.bn_fit: transition (counts the event in each family it observes)';
COMMENT ON FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[], text, float8) IS 'Support function of risk.bn_fit with an estimator: transition';
COMMENT ON FUNCTION risk_internal._bn_fit_combine(internal, internal) IS 'Support function of risk.bn_fit: combine (adds the counts)';
COMMENT ON FUNCTION risk_internal._bn_fit_serialize(internal) IS 'Support function of risk.bn_fit: serialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_fit_deserialize(bytea, internal) IS 'Support function of risk.bn_fit: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_fit_final(internal) IS 'Support function of risk.bn_fit: final (the network''s counts plus the new ones, estimated)';

CREATE AGGREGATE risk.bn_fit(network risk.bn, event text[]) (
    SFUNC = risk_internal._bn_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_fit_final,
    COMBINEFUNC = risk_internal._bn_fit_combine,
    SERIALFUNC = risk_internal._bn_fit_serialize, DESERIALFUNC = risk_internal._bn_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_fit(risk.bn, text[]) IS
'The network with its CPTs learnt from events by maximum likelihood: an event is one state per node in the network''s order, NULL where not observed; a node''s family counts only the events that observe the node and all its parents; the network''s own counts are added, so a learnt network and new events give the fit on all events';

CREATE AGGREGATE risk.bn_fit(network risk.bn, event text[], estimator text, ess float8) (
    SFUNC = risk_internal._bn_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_fit_final,
    COMBINEFUNC = risk_internal._bn_fit_combine,
    SERIALFUNC = risk_internal._bn_fit_serialize, DESERIALFUNC = risk_internal._bn_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_fit(risk.bn, text[], text, float8) IS
'risk.bn_fit with an estimator: ''ml'', ''bdeu'' (Dirichlet with equivalent sample size ess), ''k2'' (one pseudo-count per cell) or ''prior'' (the network''s pseudo-counts, risk.bn_set_prior); the same for every row';

-- like every function of the extension, not executable by PUBLIC (new
-- functions only: the levels of risk.grant_analyst take them in when
-- granted again)
REVOKE EXECUTE ON ROUTINE risk_internal._bn_define_accum(internal,text,text[],text[],double precision[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_define_final(internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_fit_accum(internal,risk.bn,text[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_fit_accum(internal,risk.bn,text[],text,double precision) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_fit_combine(internal,internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_fit_deserialize(bytea,internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_fit_final(internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_fit_serialize(internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_in(cstring) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_out(risk.bn) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_compare(risk.bn,risk.bn,text,text,jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_cpt(risk.bn) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_define(text,text[],text[],double precision[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_dot(risk.bn,jsonb,boolean) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_drivers(risk.bn,text,text,jsonb,double precision) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_edges(risk.bn) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_evidence_probability(risk.bn,jsonb,jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_fit(risk.bn,text[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_fit(risk.bn,text[],text,double precision) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_joint(risk.bn,text[],jsonb,jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_map(risk.bn,text,jsonb,jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_nodes(risk.bn) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_probability(risk.bn,text,text,jsonb,jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_query(risk.bn,text,jsonb,jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_scale(risk.bn,text,text,double precision) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_sensitivity(risk.bn,text,text,jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_set_cpt(risk.bn,text,double precision[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_set_prior(risk.bn,text,double precision[]) FROM PUBLIC;
