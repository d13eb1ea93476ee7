--
-- Security: what PUBLIC may call, the three levels with real roles, graded
-- protection of columns, and SECURITY DEFINER / pinned search_path under a
-- hostile search_path.
--

-- PUBLIC may execute only the checks that row-level security and the
-- interface call on the caller's behalf
SELECT p.oid::regprocedure AS public_function
FROM pg_proc p
WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace)
  AND has_function_privilege('public', p.oid, 'EXECUTE')
ORDER BY p.oid::regprocedure::text;

-- every SECURITY DEFINER function pins search_path
SELECT p.oid::regprocedure AS definer_without_pinned_path
FROM pg_proc p
WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace) AND p.prosecdef
  AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false);

-- tables: nothing for PUBLIC but reading the confidentiality levels
SELECT c.oid::regclass AS relation, has_table_privilege('public', c.oid, 'SELECT') AS public_select
FROM pg_class c
WHERE c.relnamespace = 'risk'::regnamespace AND c.relkind IN ('r', 'v')
ORDER BY c.relname;

-- ---------------------------------------------------------------------
-- The levels, with real roles
-- ---------------------------------------------------------------------
CREATE ROLE sec_admin;
CREATE ROLE sec_analyst;
CREATE ROLE sec_reader;
CREATE ROLE sec_none;
SELECT risk.grant_admin('sec_admin');
SELECT risk.grant_analyst('sec_analyst');
SELECT risk.grant_reader('sec_reader');
GRANT CREATE ON SCHEMA public TO sec_admin;

CREATE TABLE sec_returns AS SELECT g AS day, sin(g) / 50 AS r FROM generate_series(1, 300) g;
GRANT SELECT ON sec_returns TO sec_analyst, sec_reader, sec_none, sec_admin;

-- what each level may do, as (role, action, outcome)
CREATE FUNCTION sec_try(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    out text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE q;
        out := 'ok';
    EXCEPTION WHEN OTHERS THEN
        out := SQLSTATE;
    END;
    RESET ROLE;
    RETURN out;
END $$;

CREATE TABLE sec_actions (action text, q text);
INSERT INTO sec_actions VALUES
    ('run an aggregate',       $$SELECT risk.var_historical(r, 0.99) FROM sec_returns$$),
    ('run a function',         $$SELECT risk.kupiec_pof(250, 4, 0.99)$$),
    ('grade a PD',             $$SELECT risk.grade(0.01)$$),
    ('read master scales',     $$SELECT count(*) FROM risk.master_scale$$),
    ('read open alerts',       $$SELECT count(*) FROM risk.open_alerts$$),
    ('read refresh status',    $$SELECT count(*) FROM risk.refresh_status$$),
    ('write a master scale',   $$INSERT INTO risk.master_scale VALUES ('sec', 'A', 1, 0, 1)$$),
    ('watch another''s view',   $$SELECT risk.watch('sec_none_view', '1 hour')$$),
    ('read the masking key',   $$SELECT count(*) FROM risk.masking_key$$),
    ('grant a level',          $$SELECT risk.grant_reader('sec_none')$$),
    ('call a worker function', $$SELECT risk_internal._due('{}', 60)$$);
CREATE MATERIALIZED VIEW sec_none_view AS SELECT 1 AS x;

SELECT a.action,
       sec_try('sec_admin', a.q)   AS admin,
       sec_try('sec_analyst', a.q) AS analyst,
       sec_try('sec_reader', a.q)  AS reader,
       sec_try('sec_none', a.q)    AS none
FROM sec_actions a;

-- the admin may watch a view its role owns, not another role's
SET ROLE sec_admin;
CREATE MATERIALIZED VIEW sec_admin_view AS SELECT 1 AS x;
SELECT risk.watch('sec_admin_view', '1 hour');
SELECT try($$SELECT risk.watch('sec_none_view', '1 hour')$$);
RESET ROLE;

-- ---------------------------------------------------------------------
-- Graded protection: classify columns, give an analyst access up to a level
-- ---------------------------------------------------------------------
SET ROLE sec_admin;
CREATE TABLE sec_loans AS
SELECT g AS customer, 'customer ' || g AS name, (ARRAY['retail', 'sme'])[1 + g % 2] AS segment,
       1000 + 37.77 * g AS exposure, 0.01 + (g % 17) / 200.0 AS pd, g % 7 = 0 AS defaulted,
       date '2026-01-01' + g AS opened
FROM generate_series(1, 400) g;
SELECT risk.classify('sec_loans', 'customer', 'confidential', 'pseudonym');
SELECT risk.classify('sec_loans', 'name', 'restricted');
SELECT risk.classify('sec_loans', 'segment', 'public');
SELECT risk.classify('sec_loans', 'exposure', 'confidential');
SELECT risk.classify('sec_loans', 'opened', 'confidential');
SELECT tab, col, level, mask FROM risk.classification ORDER BY col;
SELECT risk.grant_access('sec_loans', 'sec_analyst', 'internal');
RESET ROLE;

-- errors
SELECT try($$SELECT risk.classify('sec_loans', 'nope', 'internal')$$);
SELECT try($$SELECT risk.classify('sec_loans', 'name', 'secret')$$);
SELECT try($$SELECT risk.classify('sec_loans', 'name', 'internal', 'round')$$);
SELECT try($$SELECT risk.classify('sec_loans', 'name', 'internal', 'scramble')$$);
SELECT try($$SELECT risk.grant_access('sec_loans', 'sec_analyst', 'top')$$);
SELECT try($$SELECT risk.round_significant(1234, 0)$$);
SELECT risk.round_significant(1234.5678, 2), risk.round_significant(-0.00123456, 3),
       risk.round_significant(0, 2), risk.round_significant('NaN', 2);
SET ROLE sec_analyst;
SELECT try($$SELECT risk.classify('sec_loans', 'name', 'public')$$);
SELECT try($$SELECT risk.grant_access('sec_loans', 'sec_analyst', 'restricted')$$);
RESET ROLE;
SET ROLE sec_none;
SELECT try($$SELECT risk.classify('sec_loans', 'name', 'public')$$);
RESET ROLE;

-- the analyst reads internal and public columns in clear, nothing above
SET ROLE sec_analyst;
SELECT count(*), count(DISTINCT segment), round(avg(pd)::numeric, 6) AS avg_pd
FROM (SELECT segment, pd, defaulted FROM sec_loans) s;
SELECT try($$SELECT exposure FROM sec_loans$$);
SELECT try($$SELECT name FROM sec_loans$$);
SELECT try($$SELECT * FROM sec_loans$$);
SELECT try($$SELECT secret FROM risk.masking_key$$);
-- and the masked view: pseudonyms (stable, distinct), rounded amounts,
-- months, NULL for what has no mask
SELECT count(*) AS rows,
       count(DISTINCT customer) AS distinct_pseudonyms,
       bool_and(customer ~ '^p[0-9a-f]{16}$') AS customers_pseudonymised,
       bool_and(name ~ '^p[0-9a-f]{16}$') AS names_pseudonymised,
       bool_and(exposure = risk.round_significant(exposure, 2)) AS exposure_rounded,
       bool_and(extract(day FROM opened) = 1) AS opened_to_the_month
FROM sec_loans_internal;
SELECT (SELECT customer FROM sec_loans_internal WHERE pd = 0.01 ORDER BY exposure LIMIT 1)
     = (SELECT customer FROM sec_loans_internal WHERE pd = 0.01 ORDER BY exposure LIMIT 1) AS stable;
-- the risk functions run on the masked view
CREATE TEMP TABLE analyst_results AS
SELECT risk.auc(pd, defaulted) AS auc,
       risk.var_historical(-exposure / 1e5, 0.95) AS var95
FROM sec_loans_internal;
RESET ROLE;
-- same AUC as on the clear data (pd is internal), VaR within the rounding
-- of the amounts to two significant digits
SELECT a.auc = c.auc AS auc_equal, abs(a.var95 - c.var95) / c.var95 < 0.05 AS var_close
FROM analyst_results a,
     (SELECT risk.auc(pd, defaulted) AS auc, risk.var_historical(-exposure / 1e5, 0.95) AS var95
      FROM sec_loans) c;

-- ---------------------------------------------------------------------
-- A hostile search_path: objects that shadow what the functions use, in a
-- schema the caller puts before pg_catalog
-- ---------------------------------------------------------------------
CREATE SCHEMA evil;
CREATE TABLE evil.log (what text);
GRANT ALL ON SCHEMA evil TO PUBLIC;
GRANT ALL ON evil.log TO PUBLIC;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN INSERT INTO evil.log VALUES ('now'); RETURN '2000-01-01'; END $$;
CREATE FUNCTION evil.clock_timestamp() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN INSERT INTO evil.log VALUES ('clock_timestamp'); RETURN '2000-01-01'; END $$;
CREATE FUNCTION evil.pg_has_role(oid, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO evil.log VALUES ('pg_has_role'); RETURN true; END $$;
CREATE FUNCTION evil.has_table_privilege(oid, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO evil.log VALUES ('has_table_privilege'); RETURN true; END $$;
CREATE FUNCTION evil.format_type(oid, integer) RETURNS text LANGUAGE plpgsql AS $$
BEGIN INSERT INTO evil.log VALUES ('format_type'); RETURN 'evil'; END $$;
CREATE FUNCTION evil.oideq(oid, oid) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO evil.log VALUES ('='); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = evil.oideq);
CREATE FUNCTION evil.pg_notify(text, text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN INSERT INTO evil.log VALUES ('pg_notify'); END $$;

CREATE TABLE sec_util_base (customer int PRIMARY KEY, u float8);
INSERT INTO sec_util_base VALUES (1, 0.5), (2, 0.95);
CREATE MATERIALIZED VIEW sec_util AS SELECT * FROM sec_util_base;
CREATE UNIQUE INDEX ON sec_util (customer);

SET search_path = evil, pg_catalog, public;
-- the invoker functions (pinned path), as an admin and as a superuser
SELECT risk.watch('sec_util', '1 hour');
SELECT risk.add_rule('sec_util', 'u', '>', 0.9, 'warning', 'look', '{customer}') AS rid \gset
SELECT risk.classify('sec_loans', 'pd', 'internal');
SELECT risk.pause('sec_util'), risk.resume('sec_util');
-- the worker path: refresh, rules, alerts, NOTIFY
SELECT risk_internal._refresh_begin('sec_util'::regclass) AS hid \gset
SELECT risk_internal._refresh_as_owner('sec_util', true, 0);
SELECT risk_internal._refresh_end(:hid, 'ok', NULL, NULL, 2);
SELECT risk_internal._evaluate_rules(:hid);
-- the SECURITY DEFINER functions: the rule trigger and the drop event trigger
SELECT risk.drop_rule(:rid);
DROP MATERIALIZED VIEW sec_util;
SET ROLE sec_admin;
SELECT risk.grant_access('sec_loans', 'sec_reader', 'public') IS NOT NULL AS granted;
RESET ROLE;
RESET search_path;
SELECT count(*) AS hostile_objects_used FROM evil.log;
SELECT key, status, resolution, opened_at > '2001-01-01' AS real_time
FROM risk.alerts WHERE view_name = 'public.sec_util';
SELECT count(*) AS watched_rows_of_dropped_views
FROM risk.watched w WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = w.view);

-- Raising a column's level and granting again takes the column back;
-- lowering it grants it again.
SET ROLE sec_admin;
SELECT risk.classify('sec_loans', 'pd', 'confidential');
SELECT risk.grant_access('sec_loans', 'sec_analyst', 'internal') IS NOT NULL AS granted;
RESET ROLE;
SELECT has_column_privilege('sec_analyst', 'sec_loans', 'pd', 'SELECT') AS pd_in_clear,
       has_column_privilege('sec_analyst', 'sec_loans', 'segment', 'SELECT') AS segment_in_clear;
SET ROLE sec_analyst;
SELECT try($$SELECT pd FROM sec_loans$$);
SELECT count(*) AS rows, count(pd) AS pd_shown FROM sec_loans_internal;
RESET ROLE;
SET ROLE sec_admin;
SELECT risk.classify('sec_loans', 'pd', 'internal');
SELECT risk.grant_access('sec_loans', 'sec_analyst', 'internal') IS NOT NULL AS granted;
RESET ROLE;
SELECT has_column_privilege('sec_analyst', 'sec_loans', 'pd', 'SELECT') AS pd_in_clear;
-- a pseudonymised integer column made clear changes the view's column type:
-- the view is made anew and its readers keep it
SET ROLE sec_admin;
SELECT risk.classify('sec_loans', 'customer', 'internal');
SELECT risk.grant_access('sec_loans', 'sec_analyst', 'internal') IS NOT NULL AS granted;
SELECT format_type(atttypid, atttypmod) AS customer_type FROM pg_attribute
WHERE attrelid = 'sec_loans_internal'::regclass AND attname = 'customer';
SELECT risk.classify('sec_loans', 'customer', 'confidential', 'pseudonym');
SELECT risk.grant_access('sec_loans', 'sec_analyst', 'internal') IS NOT NULL AS granted;
SELECT format_type(atttypid, atttypmod) AS customer_type FROM pg_attribute
WHERE attrelid = 'sec_loans_internal'::regclass AND attname = 'customer';
RESET ROLE;
SELECT has_table_privilege('sec_analyst', 'sec_loans_internal', 'SELECT') AS analyst_reads_view,
       has_column_privilege('sec_analyst', 'sec_loans', 'customer', 'SELECT') AS customer_in_clear;
-- a role that can read the whole table anyway is warned about
SET ROLE sec_admin;
GRANT SELECT ON sec_loans TO sec_reader;
SELECT risk.grant_access('sec_loans', 'sec_reader', 'public') IS NOT NULL AS granted;
REVOKE SELECT ON sec_loans FROM sec_reader;
SELECT risk.grant_access('sec_loans', 'sec_reader', 'public') IS NOT NULL AS granted;
RESET ROLE;

-- clean up
DROP SCHEMA evil CASCADE;
SELECT risk.unwatch('sec_admin_view');
DROP TABLE sec_util_base, sec_returns, sec_actions;
DROP FUNCTION sec_try(text, text);
DELETE FROM risk.classification;
DROP OWNED BY sec_admin, sec_analyst, sec_reader, sec_none CASCADE;
DROP ROLE sec_admin, sec_analyst, sec_reader, sec_none;
DROP MATERIALIZED VIEW sec_none_view;
