-- Part of the upgrade 0.2.1 -> 0.2.2, after src/sql/98_warning_views.sql
-- (the Makefile's UPGRADE_0_2_2 puts it there).  The BI views of early
-- warning were dropped by the head and made again by that piece, because
-- their columns changed type; here they get back what they had:
--   - their owner (if another superuser runs the upgrade),
--   - the grants made since CREATE EXTENSION (risk.grant_reader and the
--     other levels, or by hand), each by the role that had made it, grant
--     options first,
--   - the initial privileges of the extension (pg_init_privs) of a fresh
--     install: a GRANT inside an extension script is recorded as one of
--     them, and pg_dump leaves those out; set back, the grants made after
--     CREATE EXTENSION stay in a dump.
DO $$
DECLARE
    saved record;
    g record;
    v regclass;
    progress boolean;
    me text := current_user;
BEGIN
    FOR saved IN SELECT * FROM risk._upgrade_view_grants LOOP
        v := saved.view::regclass;
        IF (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = v) <> saved.relowner THEN
            EXECUTE format('ALTER VIEW %s OWNER TO %s', v, saved.relowner::regrole);
        END IF;
        -- privileges the owner had given up
        FOR g IN SELECT d.privilege_type
                 FROM pg_catalog.aclexplode(pg_catalog.acldefault('r', saved.relowner)) d
                 WHERE saved.relacl IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(saved.relacl) a
                                   WHERE a.grantee = saved.relowner
                                     AND a.privilege_type = d.privilege_type)
        LOOP
            EXECUTE format('REVOKE %s ON %s FROM %s', g.privilege_type, v, saved.relowner::regrole);
        END LOOP;
    END LOOP;

    -- the grants to other roles (and PUBLIC): a grant made by a role that
    -- held a grant option waits until that option is back (a chain of
    -- grant options is at most as long as the list of grants)
    FOR pass IN 1 .. (SELECT count(*) + 1 FROM risk._upgrade_view_grants s,
                                              pg_catalog.aclexplode(s.relacl) a) LOOP
        progress := false;
        FOR g IN SELECT s.view::regclass AS v, s.relowner, a.grantor, a.grantee,
                        a.privilege_type, a.is_grantable
                 FROM risk._upgrade_view_grants s, pg_catalog.aclexplode(s.relacl) a
                 WHERE a.grantee <> s.relowner
                   AND NOT EXISTS (
                       SELECT 1 FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) b
                       WHERE c.oid = s.view::regclass AND b.grantor = a.grantor
                         AND b.grantee = a.grantee AND b.privilege_type = a.privilege_type
                         AND (b.is_grantable OR NOT a.is_grantable))
                 ORDER BY a.grantor = s.relowner DESC
        LOOP
            CONTINUE WHEN g.grantor <> g.relowner
                AND NOT pg_catalog.has_table_privilege(g.grantor, g.v,
                                                       g.privilege_type || ' WITH GRANT OPTION');
            IF g.grantor <> g.relowner THEN
                EXECUTE format('SET LOCAL ROLE %s', g.grantor::regrole);
            END IF;
            EXECUTE format('GRANT %s ON %s TO %s%s', g.privilege_type, g.v,
                           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                           CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
            IF g.grantor <> g.relowner THEN
                EXECUTE format('SET LOCAL ROLE %I', me);
            END IF;
            progress := true;
        END LOOP;
        EXIT WHEN NOT progress;
    END LOOP;

    UPDATE pg_catalog.pg_init_privs p
    SET initprivs = pg_catalog.acldefault('r', s.relowner)
    FROM risk._upgrade_view_grants s
    WHERE p.objoid = s.view::regclass AND p.classoid = 'pg_catalog.pg_class'::regclass
      AND p.objsubid = 0;
END
$$;

DROP TABLE risk._upgrade_view_grants;
