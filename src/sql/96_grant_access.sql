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
