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

-- risk.grant_access, in a piece of its own so that the upgrade script of
-- 0.2.1 (which changed it) can include it: CREATE OR REPLACE keeps the
-- function's privileges on an upgrade.

CREATE OR REPLACE FUNCTION risk.grant_access(tab regclass, grantee regrole, up_to text) RETURNS regclass
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
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
    PERFORM risk._check_table(tab, 'grant_access');
    PERFORM risk._check_role(grantee, 'grant_access');
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
                cols := cols || format('%s AS %I', risk._masked(r.attname, r.atttypid, r.mask), r.attname);
            ELSE
                cols := cols || format('(%s)::%s AS %I', risk._masked(r.attname, r.atttypid, r.mask),
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
$$;
COMMENT ON FUNCTION risk.grant_access(regclass, regrole, text) IS
'Give a role access to a table up to a confidentiality level: SELECT on the columns at or below it (and taken back on the others), and a masked view <table>_<level> (returned) showing the others pseudonymised, rounded, truncated to the month or NULL; warns if the role can read the whole table anyway';
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
