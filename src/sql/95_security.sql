-- Security: the role model (three cumulative levels) and graded protection
-- of customer data (confidentiality levels on columns, column privileges
-- and masked views).  docs/security.md explains both.

-- ---------------------------------------------------------------------
-- Graded protection
-- ---------------------------------------------------------------------

CREATE TABLE risk.confidentiality_level (
    level       text    PRIMARY KEY,
    rank        integer NOT NULL UNIQUE,
    description text    NOT NULL
);
INSERT INTO risk.confidentiality_level VALUES
    ('public',       0, 'may be published'),
    ('internal',     1, 'staff of the bank; the level of a column nobody classified'),
    ('confidential', 2, 'customer data: amounts, ratings, identifiers'),
    ('restricted',   3, 'names, contact and tax data: need to know only');
COMMENT ON TABLE risk.confidentiality_level IS
'The confidentiality levels, in order: public < internal < confidential < restricted';
REVOKE ALL ON risk.confidentiality_level FROM PUBLIC;
GRANT SELECT ON risk.confidentiality_level TO PUBLIC;

CREATE TABLE risk.classification (
    tab           regclass    NOT NULL,
    col           name        NOT NULL,
    level         text        NOT NULL REFERENCES risk.confidentiality_level,
    mask          text        NOT NULL
        CHECK (mask IN ('pseudonym', 'round', 'month', 'null')),
    classified_by name        NOT NULL DEFAULT current_user,
    classified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tab, col)
);
COMMENT ON TABLE risk.classification IS
'Confidentiality level of table columns and how a masked view shows them to roles cleared below that level (pseudonym, round, month, null); unclassified columns are internal';
SELECT pg_catalog.pg_extension_config_dump('risk.classification', '');
ALTER TABLE risk.classification ENABLE ROW LEVEL SECURITY;
CREATE POLICY classification_read ON risk.classification FOR SELECT USING (risk_internal._may_read(tab));
CREATE POLICY classification_insert ON risk.classification FOR INSERT WITH CHECK (risk_internal._may_manage(tab));
CREATE POLICY classification_update ON risk.classification FOR UPDATE
    USING (risk_internal._may_manage(tab)) WITH CHECK (risk_internal._may_manage(tab));
CREATE POLICY classification_delete ON risk.classification FOR DELETE USING (risk_internal._may_manage(tab));
REVOKE ALL ON risk.classification FROM PUBLIC;

-- The key of the pseudonyms: one per database, read only by the owners of
-- masked views (admins), never by the roles that read them.
CREATE TABLE risk.masking_key (
    id     integer PRIMARY KEY CHECK (id = 1),
    secret text    NOT NULL
);
COMMENT ON TABLE risk.masking_key IS
'The secret of the keyed pseudonyms in masked views (one row, made by the first risk.grant_access); kept by pg_dump so pseudonyms survive a restore; changing it changes every pseudonym';
SELECT pg_catalog.pg_extension_config_dump('risk.masking_key', '');
REVOKE ALL ON risk.masking_key FROM PUBLIC;

-- The error of round_significant for a bad digits argument.
CREATE FUNCTION risk_internal._check_digits(digits integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF digits IS NULL OR digits < 1 OR digits > 15 THEN
        RAISE EXCEPTION 'risk.round_significant: digits must be between 1 and 15, got %',
                coalesce(digits::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;

-- x rounded to digits significant digits (0 stays 0; NaN and infinities pass).
CREATE FUNCTION risk.round_significant(x float8, digits integer DEFAULT 2) RETURNS float8
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._check_digits(digits);
    IF x = 0 OR x IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RETURN x;
    END IF;
    RETURN round(x::numeric, digits - 1 - floor(log(abs(x)::numeric))::integer)::float8;
END
$$;
COMMENT ON FUNCTION risk.round_significant(float8, integer) IS
'x rounded to the given number of significant digits (1 to 15): how a masked view shows an amount above the reader''s level';

-- Check that the caller may manage table t (a member of its owner).
CREATE FUNCTION risk_internal._check_table(t regclass, what text) RETURNS oid
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner oid;
    kind "char";
BEGIN
    IF t IS NULL THEN
        RAISE EXCEPTION 'risk.%: table must not be NULL', what
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT c.relowner, c.relkind INTO owner, kind FROM pg_class c WHERE c.oid = t;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'risk.%: relation with OID % does not exist', what, t::oid
            USING ERRCODE = 'undefined_table';
    END IF;
    IF kind NOT IN ('r', 'p', 'v', 'm', 'f') THEN
        RAISE EXCEPTION 'risk.%: "%" is not a table or view', what, t
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF NOT pg_has_role(owner, 'USAGE') THEN
        RAISE EXCEPTION 'risk.%: must be a member of role "%" (owner of %)',
                what, pg_get_userbyid(owner), t
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN owner;
END
$$;

CREATE FUNCTION risk.classify(tab regclass, col name, level text, mask text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION risk.classify(regclass, name, text, text) IS
'Label a column with a confidentiality level (public, internal, confidential, restricted) and how masked views show it (default by type: numbers rounded, dates to the month, text pseudonymised)';

-- The masked expression of column col (alias t) under mask.
CREATE FUNCTION risk_internal._masked(col name, typ oid, mask text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE mask
        WHEN 'pseudonym' THEN format(
            '(''p'' || pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to('
            'k.secret || '':'' || t.%1$I::pg_catalog.text, ''UTF8'')), ''hex''), 16))', col)
        WHEN 'round' THEN format('(risk.round_significant(t.%1$I::pg_catalog.float8, 2))', col)
        WHEN 'month' THEN format('(pg_catalog.date_trunc(''month'', t.%1$I)::%2$s)', col,
                                 format_type(typ, NULL))
        ELSE format('(NULL::%s)', format_type(typ, NULL))
    END
$$;

-- ---------------------------------------------------------------------
-- The role model
-- ---------------------------------------------------------------------

-- Functions that change configuration: for admins only.
CREATE FUNCTION risk_internal._admin_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk.watch(regclass, interval)', 'risk.unwatch(regclass)', 'risk.pause(regclass)',
        'risk.resume(regclass)', 'risk.refresh_now(regclass)',
        'risk.refresh_and_evaluate(regclass)',
        'risk.add_rule(regclass, name, text, float8, text, text, name[], text)',
        'risk.drop_rule(integer)',
        'risk.classify(regclass, name, text, text)', 'risk.grant_access(regclass, regrole, text)',
        'risk.liquidity_regime_copy(text, text)'
    ]::regprocedure[]
$$;

-- ERROR unless r names an existing role.
CREATE FUNCTION risk_internal._check_role(r regrole, what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF r IS NULL THEN
        RAISE EXCEPTION 'risk.%: role must not be NULL', what
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles x WHERE x.oid = r) THEN
        RAISE EXCEPTION 'risk.%: role with OID % does not exist', what, r::oid
            USING ERRCODE = 'undefined_object';
    END IF;
END
$$;

CREATE FUNCTION risk.grant_reader(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_reader');
    EXECUTE format('GRANT SELECT ON risk.open_alerts, risk.alert_summary, risk.refresh_status, '
                   'risk.alerts, risk.watched, risk.rules, risk.refresh_history TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_reader(regrole) IS
'BI reader level: read the early-warning views (open alerts, summary, refresh status) and the tables under them (alerts, watched views, rules, refresh history), rows of the watched views the role may read only; no function of the extension';

CREATE FUNCTION risk.grant_analyst(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
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
    EXECUTE format('GRANT SELECT ON risk.master_scale, risk.classification, risk.questionnaire, '
                   'risk.questionnaire_item, risk.questionnaire_answer, risk.questionnaire_conflict, '
                   'risk.capacity_policy, risk.scorecard, risk.scorecard_characteristic, '
                   'risk.scorecard_bin, risk.lcr_factor, risk.nsfr_factor TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT (customer, inputs, verdict, factors, reasons) '
                   'ON risk.suitability_audit TO %s', r);
    EXECUTE format('GRANT USAGE ON SEQUENCE risk.suitability_audit_id_seq TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_analyst(regrole) IS
'Analyst level: run every risk function and aggregate, read master scales, classifications, questionnaires, capacity policies, scorecards, liquidity factors and the early-warning views, record suitability checks and read their record; no configuration';

CREATE FUNCTION risk.grant_admin(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_admin');
    PERFORM risk.grant_analyst(r);
    FOREACH f IN ARRAY risk_internal._admin_functions() LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f, r);
    END LOOP;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON risk.watched, risk.rules, '
                   'risk.classification, risk.master_scale, risk.questionnaire, risk.questionnaire_item, '
                   'risk.questionnaire_answer, risk.questionnaire_conflict, risk.capacity_policy, '
                   'risk.scorecard, risk.scorecard_characteristic, risk.scorecard_bin, '
                   'risk.lcr_factor, risk.nsfr_factor TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT ON risk.masking_key TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_admin(regrole) IS
'Admin level: analyst, plus watch views, manage rules, master scales, questionnaires, capacity policies, scorecards, liquidity factors and classifications, and grant access to the tables the role owns';

CREATE FUNCTION risk.revoke_levels(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'revoke_levels');
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace) LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %s', f, r);
    END LOOP;
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA risk FROM %s', r);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA risk FROM %s', r);
END
$$;
COMMENT ON FUNCTION risk.revoke_levels(regrole) IS
'Take back every privilege on the extension''s functions, tables and views that the grant functions gave a role';

-- What each internal function is for.
COMMENT ON FUNCTION risk_internal._check_table(regclass, text) IS
'ERROR unless the relation is a table or view the current user may manage (a member of its owner); returns the owner';
COMMENT ON FUNCTION risk_internal._check_role(regrole, text) IS
'ERROR unless the role is not NULL and exists';
COMMENT ON FUNCTION risk_internal._check_digits(integer) IS
'ERROR unless the number of significant digits of risk.round_significant is between 1 and 15';
COMMENT ON FUNCTION risk_internal._masked(name, oid, text) IS
'The SQL expression a masked view shows for a column above the reader''s level';
COMMENT ON FUNCTION risk_internal._admin_functions() IS
'The functions only the admin level may call';

-- risk.grant_access (as 0.2.1 changed it).

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
$$;
COMMENT ON FUNCTION risk.grant_access(regclass, regrole, text) IS
'Give a role access to a table up to a confidentiality level: SELECT on the columns at or below it (and taken back on the others), and a masked view <table>_<level> (returned) showing the others pseudonymised, rounded, truncated to the month or NULL; warns if the role can read the whole table anyway';
