-- A rule switched off (UPDATE risk.rules SET enabled = false) is no longer
-- evaluated: its open alerts are resolved at once, as a dropped rule's are,
-- rather than staying open with no refresh to close them.  Added in 0.2.1,
-- in a piece of its own that the upgrade from 0.2.0 includes.

CREATE FUNCTION risk._rule_disabled() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    a risk.alerts;
BEGIN
    FOR a IN UPDATE risk.alerts
             SET status = 'resolved', resolved_at = now(), updated_at = now(),
                 resolution = 'rule disabled'
             WHERE rule_id = NEW.id AND status = 'open'
             RETURNING *
    LOOP
        PERFORM risk._notify('resolved', a);
    END LOOP;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION risk._rule_disabled() FROM PUBLIC;
COMMENT ON FUNCTION risk._rule_disabled() IS
'Trigger: resolve the open alerts of a rule that is disabled (enabled set to false)';
CREATE TRIGGER rules_disabled AFTER UPDATE OF enabled ON risk.rules
    FOR EACH ROW WHEN (OLD.enabled AND NOT NEW.enabled)
    EXECUTE FUNCTION risk._rule_disabled();

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
        'risk._breach_rows(jsonb, text)', 'risk._on_sql_drop()'
    ]::regprocedure[]
$$;

COMMENT ON FUNCTION risk._worker_functions() IS
'The functions only the background workers (and superusers) call';
