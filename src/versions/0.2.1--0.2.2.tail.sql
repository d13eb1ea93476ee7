-- The end of the upgrade 0.2.1 -> 0.2.2 (the Makefile puts it last).  The
-- functions the pieces created have the default privileges, EXECUTE for
-- PUBLIC: revoked here, as 99_privileges.sql does in a fresh install.  Only
-- those: a REVOKE or GRANT on a function that already had privileges would
-- record its grants to the bank's roles as initial privileges of the
-- extension, which pg_dump leaves out.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'risk'::regnamespace AND p.proacl IS NULL
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
