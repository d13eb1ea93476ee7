-- A rule switched off (UPDATE risk.rules SET enabled = false) is no longer
-- evaluated: its open alerts are resolved at once, as a dropped rule's are,
-- rather than staying open with no refresh to close them.  Added in 0.2.1,
-- in a piece of its own that the upgrade from 0.2.0 includes (with the
-- trigger of dropped rules, which now shares the resolving loop).

-- Resolve the open alerts of a rule, with a NOTIFY for each.
CREATE FUNCTION risk._resolve_rule_alerts(rule integer, why text) RETURNS void
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
        PERFORM risk._notify('resolved', a);
    END LOOP;
END
$$;

-- The triggers run as the extension's owner: the alerts table is written
-- by no one else.
CREATE OR REPLACE FUNCTION risk._rule_deleted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk._resolve_rule_alerts(OLD.id, 'rule dropped');
    RETURN OLD;
END
$$;
CREATE OR REPLACE TRIGGER rules_deleted AFTER DELETE ON risk.rules
    FOR EACH ROW EXECUTE FUNCTION risk._rule_deleted();

CREATE FUNCTION risk._rule_disabled() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk._resolve_rule_alerts(NEW.id, 'rule disabled');
    RETURN NEW;
END
$$;
CREATE TRIGGER rules_disabled AFTER UPDATE OF enabled ON risk.rules
    FOR EACH ROW WHEN (OLD.enabled AND NOT NEW.enabled)
    EXECUTE FUNCTION risk._rule_disabled();

REVOKE ALL ON FUNCTION risk._resolve_rule_alerts(integer, text), risk._rule_deleted(),
    risk._rule_disabled() FROM PUBLIC;
COMMENT ON FUNCTION risk._resolve_rule_alerts(integer, text) IS
'Resolve the open alerts of a rule with the given resolution, and notify each';
COMMENT ON FUNCTION risk._rule_deleted() IS
'Trigger: resolve the open alerts of a rule that is dropped';
COMMENT ON FUNCTION risk._rule_disabled() IS
'Trigger: resolve the open alerts of a rule that is disabled (enabled set to false)';

-- Functions only the background workers (and superusers) call.
CREATE OR REPLACE FUNCTION risk._worker_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk._refresh_as_owner(regclass, boolean, integer)',
        'risk._rule_breaches(regclass, name, text, float8, name[])',
        'risk._refresh_concurrently(oid)', 'risk._scheduler_start()',
        'risk._due(oid[], integer)', 'risk._refresh_begin(oid)',
        'risk._refresh_end(bigint, text, text, text, bigint)', 'risk._refresh_lost(bigint)',
        'risk._rules_failed(bigint, text, text)', 'risk._evaluate_rules(bigint)',
        'risk._notify(text, risk.alerts)', 'risk._rule_deleted()', 'risk._rule_disabled()',
        'risk._resolve_rule_alerts(integer, text)',
        'risk._breach_rows(jsonb, text)', 'risk._on_sql_drop()'
    ]::regprocedure[]
$$;

COMMENT ON FUNCTION risk._worker_functions() IS
'The functions only the background workers (and superusers) call';
