-- Who may call what.  Nothing of the extension is executable by PUBLIC but
-- the few functions that row-level security and the SECURITY INVOKER
-- interface call on the caller's behalf: they check or wake, and reveal
-- nothing the caller may not see.  risk.grant_reader, grant_analyst and
-- grant_admin give the levels (docs/security.md).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA risk, risk_internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    risk_internal._may_manage(oid), risk_internal._may_read(oid),
    risk_internal._check_view(regclass, text), risk_internal._watched(regclass, text), risk_internal._wake(),
    risk_internal._check_table(regclass, text), risk_internal._check_role(regrole, text), risk_internal._masked(name, oid, text),
    risk_internal._check_digits(integer), risk_internal._admin_functions(), risk_internal._worker_functions(),
    risk.round_significant(float8, integer)
    TO PUBLIC;

-- the master scales are read by analysts and written by admins (grant_*)
REVOKE SELECT ON risk.master_scale FROM PUBLIC;
