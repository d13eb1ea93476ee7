-- Who may call what.  Nothing of the extension is executable by PUBLIC but
-- the few functions that row-level security and the SECURITY INVOKER
-- interface call on the caller's behalf: they check or wake, and reveal
-- nothing the caller may not see.  risk.grant_reader, grant_analyst and
-- grant_admin give the levels (docs/security.md).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA risk FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    risk._may_manage(oid), risk._may_read(oid),
    risk._check_view(regclass, text), risk._watched(regclass, text), risk._wake(),
    risk._check_table(regclass, text), risk._check_role(regrole, text), risk._masked(name, oid, text),
    risk._check_digits(integer), risk._admin_functions(), risk._worker_functions(),
    risk.round_significant(float8, integer)
    TO PUBLIC;

-- the master scales are read by analysts and written by admins (grant_*)
REVOKE SELECT ON risk.master_scale FROM PUBLIC;
