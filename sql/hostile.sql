--
-- Hostile arguments.  Every function, procedure and aggregate of schema
-- risk, read from pg_proc (nothing here names one), is called with NULLs,
-- NaN, infinities, extreme and tiny numbers, empty / NULL-holding / 2-D /
-- odd-bounded / 100,000-element arrays, odd strings, the wrong relations
-- and roles, and broken composite values: all arguments sane, one hostile
-- at a time, all NULL, all hostile together.  The aggregates also run over
-- empty, one- and two-row groups, data holding NULL, NaN, infinities and
-- extremes, several groups, parallel plans and moving window frames.
--
-- Every call must succeed or fail with a proper SQLSTATE: never XX000 (a
-- bare elog), never a crash, never cancelled by the statement timeout; and
-- an immutable function must answer the same call the same way twice.
-- Left out are only the functions that SQL cannot call: those taking an
-- argument of type internal (aggregate support; the aggregates run them).
--
-- How: each call runs as its own statement (psql \gexec, so that the
-- statement timeout applies to it alone), inside a subtransaction that is
-- always rolled back, so nothing it writes survives.  Each argument starts
-- at a sane value of its type (or its default); text choices ('mle',
-- 'poisson', '>', ...) are learned from the function's comment and the
-- hints of its errors; an argument vector that made a failing function
-- succeed becomes its baseline; a function whose error hint names another
-- function of the schema ("Call risk.x first.") gets that function's
-- successful call run before it, in the same subtransaction.  Composite
-- arguments get rows the extension itself returned, each field broken in
-- turn.  Every call and its outcome go to results/hostile.summary, and
-- each is logged (LOG) before it runs, to find one that crashes the server.
--
\getenv abs_builddir PG_ABS_BUILDDIR
\set summary :abs_builddir '/results/hostile.summary'
\set run_calls 'SELECT format(''SELECT pg_temp.hostile_run(%s)'', id) FROM calls WHERE sqlstate IS NULL ORDER BY id'
SET client_min_messages = error;
SET jit = off;                          -- thousands of small queries: compiling costs more
SET log_error_verbosity = terse;        -- one line of server log per call
SET log_min_error_statement = panic;

-- objects for the arguments to name: a table, a materialized view (with a
-- unique index) and an unpopulated one, a view, a sequence
CREATE TABLE hostile_t (id int PRIMARY KEY, y boolean, x float8, r float8, n bigint, t text);
INSERT INTO hostile_t
SELECT i, sin(i * 1.7) > 0.3, sin(i * 2.3), sin(i * 12.9898) * 0.02, i % 5, 'row ' || i
FROM generate_series(1, 40) i;
CREATE MATERIALIZED VIEW hostile_mv AS SELECT * FROM hostile_t;
CREATE UNIQUE INDEX hostile_mv_id ON hostile_mv (id);
CREATE MATERIALIZED VIEW hostile_mv_nodata AS SELECT * FROM hostile_t WITH NO DATA;
CREATE VIEW hostile_v AS SELECT * FROM hostile_t;
CREATE SEQUENCE hostile_seq;

-- rows for the aggregates: three groups of 60; the aggregated values are
-- expressions of i.  A plain table of a few pages, with two workers, for
-- parallel plans.
CREATE TABLE hostile_data (g int, i int, pad text) WITH (parallel_workers = 2);
INSERT INTO hostile_data
SELECT g, i, repeat('-', 200) FROM generate_series(1, 3) g, generate_series(1, 60) i;
ANALYZE hostile_data;

-- ---------------------------------------------------------------------
-- Values per type, sane and hostile, as SQL expressions
-- ---------------------------------------------------------------------
CREATE TEMP TABLE hostile_values (
    typ   regtype NOT NULL,
    sane  boolean NOT NULL,
    ord   serial,
    expr  text,
    big   boolean NOT NULL DEFAULT false   -- too large for every row of a group
);

CREATE FUNCTION pg_temp.lit(v text, t regtype) RETURNS text
    LANGUAGE sql IMMUTABLE
    RETURN quote_nullable(v) || '::' || format_type(t, NULL);

-- literals: (types, sane?, values); NULL is a hostile value of every type
INSERT INTO hostile_values (typ, sane, expr)
SELECT t, s, pg_temp.lit(v, t)
FROM (VALUES
    ('{float8,float4,numeric}', true,  '{0.99,0.5,10,0.05}'),
    ('{float8,float4,numeric}', false, '{NULL,0,-0,-1,1,2,0.01,1e-12,0.9999999999999999,NaN,Infinity,-Infinity,1e308,-1e308,5e-324}'),
    ('{int2}',                  true,  '{10,250,3}'),
    ('{int2}',                  false, '{NULL,0,-1,1,2,32767,-32768}'),
    ('{int4}',                  true,  '{10,250,3}'),
    ('{int4}',                  false, '{NULL,0,-1,1,2,2147483647,-2147483648}'),
    ('{int8}',                  true,  '{10,250,3}'),
    ('{int8}',                  false, '{NULL,0,-1,1,2,9223372036854775807,-9223372036854775808}'),
    ('{bool}',                  true,  '{true,false}'),
    ('{bool}',                  false, '{NULL,true,false}'),
    ('{text,varchar}',          true,  '{default}'),
    ('{text,varchar}',          false, '{NULL,"",nonsense,NaN," ","-1","a''b\"c\\\\d;--"}'),
    ('{name}',                  true,  '{x,y,id}'),
    ('{name}',                  false, '{NULL,"",nonsense,X,ctid,"\"x\"","x; DROP TABLE hostile_t"}'),
    ('{name[]}',                true,  '{"{}","{id}","{x,y}"}'),
    ('{name[]}',                false, '{NULL,"{NULL}","{\"\"}","{nonsense}","{id,id}","{{id},{x}}","{ctid}"}'),
    ('{float8[],float4[],numeric[]}', true,
         '{"{0.5}","{1,0.5}","{0.99,0.999}","{10,20,30,40}"}'),
    ('{float8[],float4[],numeric[]}', false,
         '{NULL,"{}","{NULL}","{NaN}","{Infinity,-Infinity}","{1,NULL,3}","{{1,2},{3,4}}","[0:2]={1,2,3}","{1,2}","{1,2,3}","{0,0}","{-1,-1}","{1e308,1e308,1e308}","{5e-324,5e-324}","{0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5}","{1,1,1,1,1}"}'),
    ('{int2[],int4[],int8[]}',  true,  '{"{1,2,3}"}'),
    ('{int2[],int4[],int8[]}',  false, '{NULL,"{}","{NULL}","{1,NULL,3}","{{1,2},{3,4}}","[0:2]={1,2,3}","{0}","{-1}","{32767}"}'),
    ('{oid}',                   false, '{NULL,0,4294967295}'),
    ('{oid[]}',                 true,  '{"{}"}'),
    ('{oid[]}',                 false, '{NULL,"{NULL}","{0}","{4294967295}","{{1},{2}}"}'),
    ('{regclass}',              true,  '{hostile_mv}'),
    ('{regclass}',              false, '{NULL,-,4294967295,pg_class,hostile_t,hostile_v,hostile_seq,hostile_mv_id,hostile_mv_nodata,risk.watched}'),
    ('{regrole}',               false, '{NULL,-,pg_read_all_data,pg_database_owner}'),
    ('{interval}',              true,  '{"1 minute","1 day"}'),
    ('{interval}',              false, '{NULL,0,"-1 day","1 microsecond","1000 years","178000000 years","-178000000 years"}'),
    ('{jsonb,json}',            true,  '{"[]","[{\"key\": {\"id\": 1}, \"value\": 1}]"}'),
    ('{jsonb,json}',            false, '{NULL,"null","{}","[null]","\"x\"","[1]","[{\"key\": null, \"value\": \"NaN\"}]","[{\"value\": \"x\"}]","[[[[[]]]]]"}'),
    ('{timestamptz,timestamp,date}', true, '{2024-01-31}'),
    ('{timestamptz,timestamp,date}', false, '{NULL,infinity,-infinity,"4713-01-01 BC"}'),
    ('{bytea}',                 true,  '{"\\\\x"}'),
    ('{bytea}',                 false, '{NULL,"\\\\x00","\\\\xffffffffffffffff"}')
) AS l(ts, s, vs),
LATERAL unnest(ts::regtype[]) t,
LATERAL unnest(vs::text[]) WITH ORDINALITY AS u(v, o)
ORDER BY l.ts, l.s, t, o;

-- expressions
INSERT INTO hostile_values (typ, sane, expr, big) VALUES
    -- 50 plausible daily returns, the same every run
    ('float8[]', true,
     '(SELECT array_agg(round((sin(g * 12.9898) * 0.02)::numeric, 6)::float8 ORDER BY g) FROM generate_series(1, 50) g)', false),
    ('float8[]', false, '(SELECT array_agg(sin(g)) FROM generate_series(1, 100000) g)', true),
    ('float8[]', false, 'array_fill(0.01::float8, ARRAY[1000])', false),
    ('int4[]', false, '(SELECT array_agg(g) FROM generate_series(1, 100000) g)', true),
    ('text', false, 'repeat(''x'', 10000)', false),
    ('text', false, 'E''tab\there\nnewline\x01''', false),
    ('name[]', false, '(SELECT array_agg(''id''::name) FROM generate_series(1, 60))', false),
    ('name[]', false, '(SELECT array_agg(''id''::name) FROM generate_series(1, 100000))', true),
    ('oid', true, '''hostile_mv''::regclass::oid', false),
    ('oid', false, '''pg_class''::regclass::oid', false),
    ('oid', false, '''hostile_t''::regclass::oid', false),
    ('oid[]', false, 'ARRAY[''hostile_mv''::regclass::oid]', false),
    ('oid[]', false, '(SELECT array_agg(g::oid) FROM generate_series(1, 100000) g)', true),
    ('regrole', true, 'current_user::regrole', false),
    ('jsonb', false, '(SELECT jsonb_agg(jsonb_build_object(''key'', g, ''value'', g)) FROM generate_series(1, 100000) g)', true),
    ('bytea', false, 'decode(repeat(''ff'', 100000), ''hex'')', true);

-- the initial states of the extension's aggregates, as values of their type
INSERT INTO hostile_values (typ, sane, expr)
SELECT DISTINCT ON (t, v) t, false, pg_temp.lit(v, t)
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid,
     LATERAL (VALUES (a.aggtranstype::regtype, a.agginitval),
                     (a.aggmtranstype::regtype, a.aggminitval)) s(t, v)
WHERE p.pronamespace = 'risk'::regnamespace AND v IS NOT NULL AND t <> 'internal'::regtype
ORDER BY t, v;

-- ---------------------------------------------------------------------
-- The functions, procedures and aggregates to call
-- ---------------------------------------------------------------------
CREATE TEMP TABLE hostile_fns AS
SELECT p.oid AS fn, p.prokind, p.proretset, p.prorettype::regtype AS rettype,
       p.provariadic <> 0 AS variadic, p.pronargs AS nargs,
       ARRAY(SELECT t::regtype FROM unnest(p.proargtypes) t) AS argtypes,
       coalesce(a.aggkind, 'n') AS aggkind, coalesce(a.aggnumdirectargs, 0) AS ndirect,
       format('%I.%I', n.nspname, p.proname) AS qname, p.proname
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
WHERE n.nspname IN ('risk', 'risk_internal')
  AND NOT 'internal'::regtype = ANY (p.proargtypes);

-- the calls and their outcomes
CREATE TEMP TABLE calls (
    id        serial PRIMARY KEY,
    phase     int NOT NULL,
    fn        regprocedure NOT NULL,
    kind      text NOT NULL,          -- what the call tries
    pos       int,                    -- the argument it probes
    token     text,                   -- the value it probes there
    args      text[],                 -- a plain function's arguments
    settings  text[],                 -- name, value, name, value, ...
    setup     text[],                 -- statements run first, same subtransaction
    call      text NOT NULL,
    sqlstate  text,                   -- '00000' for success
    message   text,
    hint      text,
    result    text,
    elapsed   interval,
    replay_of int                     -- the call this one repeats
);
CREATE INDEX ON calls (fn);

-- run one call: roll back whatever it did, keep its outcome
CREATE FUNCTION pg_temp.hostile_run(cid int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c      calls;
    t0     timestamptz;
    st     text;
    msg    text;
    hnt    text;
    res    text;
    s      text;
BEGIN
    SELECT * INTO c FROM calls WHERE id = cid;
    RAISE LOG 'risk hostile call %: %', cid, array_to_string(c.setup || c.call, '; ');
    t0 := clock_timestamp();
    BEGIN
        FOR i IN 1 .. coalesce(array_length(c.settings, 1), 0) BY 2 LOOP
            PERFORM set_config(c.settings[i], c.settings[i + 1], true);
        END LOOP;
        FOREACH s IN ARRAY coalesce(c.setup, '{}') LOOP
            EXECUTE s;
        END LOOP;
        IF c.call LIKE 'CALL %' THEN
            EXECUTE c.call;
        ELSE
            EXECUTE c.call INTO res;
        END IF;
        st := '00000';
        RAISE SQLSTATE 'RKOK0';         -- roll back what the call did
    EXCEPTION
        WHEN query_canceled OR assert_failure THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hnt = PG_EXCEPTION_HINT;
        WHEN OTHERS THEN
            IF st IS NULL THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hnt = PG_EXCEPTION_HINT;
            END IF;
    END;
    UPDATE calls
    SET sqlstate = st, message = msg, hint = nullif(hnt, ''), result = left(res, 10000),
        elapsed = clock_timestamp() - t0
    WHERE id = cid;
END $$;

-- ---------------------------------------------------------------------
-- Values for an argument
-- ---------------------------------------------------------------------

-- the type whose values stand in for t (polymorphic types take float8)
CREATE FUNCTION pg_temp.eff_type(t regtype) RETURNS regtype LANGUAGE sql STABLE RETURN
    CASE WHEN t IN ('anyelement', 'anynonarray', 'anycompatible', 'anycompatiblenonarray', '"any"')
         THEN 'float8'::regtype
         WHEN t IN ('anyarray', 'anycompatiblearray') THEN 'float8[]'::regtype
         WHEN t = 'cstring'::regtype THEN 'text'::regtype
         ELSE t END;

-- sane or hostile values of a type (NULL first among the hostile)
CREATE FUNCTION pg_temp.type_values(t0 regtype, want_sane boolean, with_big boolean)
RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    t    regtype := pg_temp.eff_type(t0);
    ty   pg_type;
    r    text[];
BEGIN
    SELECT * INTO ty FROM pg_type WHERE oid = t;
    SELECT array_agg(expr ORDER BY o) INTO r
    FROM (SELECT expr, min(ord) AS o FROM hostile_values
          WHERE typ = t AND sane = want_sane AND (with_big OR NOT big) GROUP BY expr) v;
    IF r IS NOT NULL THEN
        NULL;
    ELSIF ty.typtype = 'd' THEN            -- a domain: its base type's values
        SELECT array_agg(format('(%s)::%s', e, format_type(t, NULL)))
        INTO r FROM unnest(pg_temp.type_values(ty.typbasetype, want_sane, with_big)) e;
    ELSIF ty.typtype = 'e' THEN            -- an enum: its labels
        SELECT array_agg(pg_temp.lit(enumlabel, t) ORDER BY enumsortorder) INTO r
        FROM pg_enum WHERE enumtypid = t;
    ELSIF ty.typcategory = 'A' AND NOT want_sane THEN
        r := ARRAY[pg_temp.lit('{}', t), pg_temp.lit('{NULL}', t)];
    END IF;
    IF NOT want_sane THEN
        r := pg_temp.lit(NULL, t) || coalesce(array_remove(r, pg_temp.lit(NULL, t)), '{}');
    END IF;
    RETURN coalesce(r, '{}');
END $$;

-- the default of the k-th input argument of f, or NULL
CREATE FUNCTION pg_temp.arg_default(f oid, k int) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN pg_get_function_arg_default(f, coalesce(
        (SELECT o::int FROM (SELECT o, row_number() OVER (ORDER BY o) AS n
                             FROM pg_proc p, unnest(p.proargmodes) WITH ORDINALITY u(m, o)
                             WHERE p.oid = f AND m IN ('i', 'b', 'v')) x WHERE n = k), k));
END $$;

-- text choices learned for an argument, best first
CREATE TEMP TABLE hostile_learned (id serial, fn oid, pos int, token text);

-- sane values for argument k of f: learned choices, its default, its type's
CREATE FUNCTION pg_temp.sane_uncached(f oid, k int) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    t regtype := (SELECT argtypes[k] FROM hostile_fns WHERE fn = f);
    s text[];
BEGIN
    s := ARRAY(
        SELECT e FROM unnest(
            ARRAY(SELECT pg_temp.lit(token, t) FROM hostile_learned l WHERE l.fn = f AND l.pos = k ORDER BY id)
            || pg_temp.arg_default(f, k)
            || pg_temp.type_values(t, true, false)
        ) WITH ORDINALITY u(e, o)
        WHERE e IS NOT NULL
        GROUP BY e ORDER BY min(o));
    RETURN CASE WHEN cardinality(s) > 0 THEN s ELSE ARRAY[pg_temp.lit(NULL, t)] END;
END $$;

-- (kept per phase: what is learned changes them)
CREATE TEMP TABLE hostile_sane (fn oid, k int, vals text[], PRIMARY KEY (fn, k));
CREATE FUNCTION pg_temp.sane(f oid, k int) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT vals FROM hostile_sane s WHERE s.fn = f AND s.k = sane.k);
END $$;

-- the baseline arguments of each function: the other arguments' values
-- when one is probed
CREATE TEMP TABLE hostile_base (fn oid PRIMARY KEY, args text[]);
CREATE FUNCTION pg_temp.baseline(f oid, k int) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT args[k] FROM hostile_base WHERE fn = f);
END $$;

-- hostile values for argument k of f: the type's (and, for text, the default)
CREATE FUNCTION pg_temp.hostile(f oid, k int, with_big boolean) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    t regtype := (SELECT argtypes[k] FROM hostile_fns WHERE fn = f);
BEGIN
    RETURN pg_temp.type_values(t, false, with_big)
           || CASE WHEN pg_temp.eff_type(t) IN ('text', 'varchar') AND pg_temp.arg_default(f, k) IS NOT NULL
                   THEN ARRAY[pg_temp.arg_default(f, k)] ELSE '{}' END;
END $$;

-- ---------------------------------------------------------------------
-- Composite values: rows the extension returned, each field broken in turn
-- ---------------------------------------------------------------------
CREATE FUNCTION pg_temp.gen_composite(t regtype) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    names   name[];
    types   regtype[];
    bases   text[];
    fv      text[];
    base    text;
    h       text;
    row_of  text[];
BEGIN
    SELECT array_agg(attname ORDER BY attnum), array_agg(atttypid::regtype ORDER BY attnum)
    INTO names, types
    FROM pg_attribute a JOIN pg_type ty ON ty.typrelid = a.attrelid
    WHERE ty.oid = t AND a.attnum > 0 AND NOT a.attisdropped;
    DELETE FROM hostile_values WHERE typ = t;

    -- sane: what the extension's functions and aggregates returned (at most
    -- two rows), and a row of each field type's first sane value
    SELECT array_agg(e ORDER BY first_id) INTO bases FROM (
        SELECT pg_temp.lit(c.result, t) AS e, min(c.id) AS first_id
        FROM calls c JOIN hostile_fns f ON f.fn = c.fn
        WHERE f.rettype = t AND NOT f.proretset AND c.sqlstate = '00000'
          AND c.result IS NOT NULL AND length(c.result) < 10000
        GROUP BY c.result ORDER BY min(c.id) LIMIT 2) g;
    bases := coalesce(bases, '{}') || format('ROW(%s)::%s',
        (SELECT string_agg(coalesce((pg_temp.type_values(ft, true, false))[1], pg_temp.lit(NULL, ft)), ', ' ORDER BY o)
         FROM unnest(types) WITH ORDINALITY u(ft, o)), format_type(t, NULL));
    INSERT INTO hostile_values (typ, sane, expr) SELECT t, true, b FROM unnest(bases) b;

    -- hostile: all fields NULL; the first sane row with one field broken;
    -- every field at the same hostile position of its type
    INSERT INTO hostile_values (typ, sane, expr)
    VALUES (t, false, format('ROW(%s)::%s', (SELECT string_agg(pg_temp.lit(NULL, ft), ', ' ORDER BY o)
                                            FROM unnest(types) WITH ORDINALITY u(ft, o)), format_type(t, NULL)));
    base := bases[1];
    EXECUTE format('SELECT ARRAY[%s]::text[]',
                   (SELECT string_agg(format('(%s).%I::text', base, nm), ', ' ORDER BY o)
                    FROM unnest(names) WITH ORDINALITY u(nm, o)))
    INTO fv;
    FOR j IN 1 .. cardinality(names) LOOP
        CONTINUE WHEN (SELECT typtype FROM pg_type WHERE oid = types[j]) = 'c';
        FOREACH h IN ARRAY pg_temp.type_values(types[j], false, false) LOOP
            row_of := ARRAY(SELECT CASE WHEN o = j THEN h ELSE pg_temp.lit(v, types[o]) END
                            FROM unnest(fv) WITH ORDINALITY u(v, o) ORDER BY o);
            INSERT INTO hostile_values (typ, sane, expr)
            VALUES (t, false, format('ROW(%s)::%s', array_to_string(row_of, ', '), format_type(t, NULL)));
        END LOOP;
    END LOOP;
    FOR k IN 2 .. 10 LOOP
        row_of := ARRAY(SELECT CASE WHEN typtype = 'c' THEN pg_temp.lit(NULL, ft)
                               ELSE hv[1 + (k - 1) % cardinality(hv)] END
                        FROM unnest(types) WITH ORDINALITY u(ft, o)
                        JOIN pg_type ON pg_type.oid = ft,
                        LATERAL (SELECT pg_temp.type_values(ft, false, false) AS hv) x
                        ORDER BY o);
        INSERT INTO hostile_values (typ, sane, expr)
        VALUES (t, false, format('ROW(%s)::%s', array_to_string(row_of, ', '), format_type(t, NULL)));
    END LOOP;
END $$;

-- for every composite type of an argument
CREATE FUNCTION pg_temp.gen_composites() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t regtype;
BEGIN
    FOR t IN SELECT DISTINCT pg_temp.eff_type(a) FROM hostile_fns, unnest(argtypes) a
             JOIN pg_type y ON y.oid = pg_temp.eff_type(a) WHERE y.typtype = 'c' ORDER BY 1 LOOP
        PERFORM pg_temp.gen_composite(t);
    END LOOP;
END $$;

-- ---------------------------------------------------------------------
-- Building the calls
-- ---------------------------------------------------------------------

-- a plain function or procedure call
CREATE FUNCTION pg_temp.fn_call(f oid, args text[]) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT CASE
            WHEN h.prokind = 'p' THEN format('CALL %s(%s)', h.qname, a.list)
            WHEN h.proretset THEN format('SELECT md5(string_agg(v::text, '','')) FROM (SELECT %s(%s) AS v) s', h.qname, a.list)
            ELSE format('SELECT (%s(%s))::text', h.qname, a.list) END
        FROM hostile_fns h,
        LATERAL (SELECT string_agg(CASE WHEN h.variadic AND o = h.nargs THEN 'VARIADIC ' ELSE '' END || e,
                                   ', ' ORDER BY o) AS list
                 FROM unnest(args) WITH ORDINALITY u(e, o)) a
        WHERE h.fn = f);
END $$;

-- the values of an aggregated argument in row i (dataset d: returns,
-- positive heavy-tailed losses, probabilities); k shifts the sequence
CREATE FUNCTION pg_temp.data_expr(t0 regtype, d int, k int) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    t regtype := pg_temp.eff_type(t0);
BEGIN
    RETURN CASE
        WHEN t IN ('float8', 'float4', 'numeric') THEN
            format('(%s)::%s', CASE d WHEN 1 THEN format('sin(i * 12.9898 + %s) * 0.02', k)
                                      WHEN 2 THEN format('1 / (0.02 + abs(sin(i * 78.233 + %s)))', k)
                                      ELSE format('0.02 + 0.96 * abs(sin(i * 4.1 + %s))', k) END,
                   format_type(t, NULL))
        WHEN t IN ('int2', 'int4', 'int8') THEN
            format('((i * 7 + %s) %% %s + 1)::%s', k, CASE d WHEN 2 THEN 40 ELSE 5 END, format_type(t, NULL))
        WHEN t = 'bool'::regtype THEN format('(sin(i * 3.3 + %s) > 0.2)', k)
        WHEN t IN ('text', 'varchar', 'name') THEN format('((i * 7 + %s) %% 3 + 1)::%s', k, format_type(t, NULL))
        WHEN t IN ('float8[]', 'float4[]', 'numeric[]') THEN
            format('ARRAY[sin(i * 2.1 + %s), cos(i * 1.3 + %s)]::%s', k, k, format_type(t, NULL))
        END;
END $$;

-- an aggregate (or window function) call in one of several shapes
CREATE FUNCTION pg_temp.agg_call(f oid, args text[], shape text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    h     hostile_fns;
    list  text;
    dlist text;
    call  text;
    frame text;
BEGIN
    SELECT * INTO h FROM hostile_fns WHERE fn = f;
    SELECT string_agg(CASE WHEN h.variadic AND o = h.nargs THEN 'VARIADIC ' ELSE '' END || e, ', ' ORDER BY o)
    INTO list FROM unnest(args) WITH ORDINALITY u(e, o);
    IF h.prokind = 'a' AND h.aggkind IN ('o', 'h') THEN
        -- ordered-set: direct arguments, then WITHIN GROUP
        SELECT string_agg(e, ', ' ORDER BY o) FILTER (WHERE o <= h.ndirect),
               string_agg(e, ', ' ORDER BY o) FILTER (WHERE o > h.ndirect)
        INTO dlist, list FROM unnest(args) WITH ORDINALITY u(e, o);
        call := format('%s(%s) WITHIN GROUP (ORDER BY %s)', h.qname, coalesce(dlist, ''), coalesce(list, 'i'));
        IF shape LIKE 'w\_%' OR shape LIKE 'parallel%' THEN
            shape := 'plain';
        END IF;
    ELSIF shape IN ('ordered', 'empty', 'single', 'two') AND h.prokind = 'a' THEN
        call := format('%s(%s ORDER BY i)', h.qname, coalesce(list, '*'));
    ELSE
        call := format('%s(%s)', h.qname, coalesce(list, CASE WHEN h.prokind = 'a' THEN '*' ELSE '' END));
    END IF;
    IF h.prokind = 'w' AND shape NOT LIKE 'w\_%' THEN
        shape := 'w_growing';
    END IF;
    frame := CASE shape
        WHEN 'w_moving'    THEN 'ROWS BETWEEN 3 PRECEDING AND CURRENT ROW'
        WHEN 'w_growing'   THEN ''
        WHEN 'w_ahead'     THEN 'ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING'
        WHEN 'w_shrinking' THEN 'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING' END;
    RETURN CASE
        WHEN shape IN ('plain', 'ordered') THEN format('SELECT (%s)::text FROM hostile_data WHERE g = 1', call)
        WHEN shape = 'empty'    THEN format('SELECT (%s)::text FROM hostile_data WHERE false', call)
        WHEN shape = 'single'   THEN format('SELECT (%s)::text FROM hostile_data WHERE g = 1 AND i = 1', call)
        WHEN shape = 'two'      THEN format('SELECT (%s)::text FROM hostile_data WHERE g = 1 AND i <= 2', call)
        WHEN shape IN ('group', 'parallel_group') THEN
            format('SELECT md5(string_agg(coalesce(v::text, ''-''), '','' ORDER BY g)) FROM (SELECT g, %s AS v FROM hostile_data GROUP BY g) s', call)
        WHEN shape = 'parallel' THEN format('SELECT (%s)::text FROM hostile_data', call)
        ELSE format('SELECT md5(string_agg(coalesce(v::text, ''-''), '','' ORDER BY g, i)) FROM (SELECT g, i, %s OVER (PARTITION BY g ORDER BY i %s) AS v FROM hostile_data WHERE i <= 30) s',
                    call, frame) END;
END $$;

-- settings that make the planner choose a parallel plan
CREATE FUNCTION pg_temp.parallel_settings() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
    '{parallel_setup_cost,0,parallel_tuple_cost,0,min_parallel_table_scan_size,0,max_parallel_workers_per_gather,2,parallel_leader_participation,off}'::text[];

-- what runs first for f: the successful sane call of a function of the
-- schema that an error hint of f names ("Call risk.watch first.")
CREATE FUNCTION pg_temp.setup_uncached(f oid) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce((
        SELECT ok.setup || ok.call
        FROM calls c,
             LATERAL regexp_matches(c.hint, 'risk\.([a-z_][a-z_0-9]*)', 'g') m,
             LATERAL (SELECT x.setup, x.call FROM calls x JOIN hostile_fns h ON h.fn = x.fn
                      WHERE h.proname = m[1] AND h.prokind IN ('f', 'p') AND x.fn <> f
                        AND x.sqlstate = '00000' AND x.kind LIKE 'sane%' AND x.args IS NOT NULL
                        AND NOT x.args::text LIKE '%NULL::%'
                      ORDER BY x.id LIMIT 1) ok
        WHERE c.fn = f AND c.hint IS NOT NULL
        ORDER BY c.id LIMIT 1), '{}')
$$;

CREATE TEMP TABLE hostile_setup (fn oid PRIMARY KEY, setup text[]);
CREATE FUNCTION pg_temp.setup(f oid) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT s.setup FROM hostile_setup s WHERE s.fn = f);
END $$;

-- the aggregated arguments: those up to kdata are per-row data, the rest
-- constants at their baseline
CREATE FUNCTION pg_temp.agg_args(f oid, kdata int, d int) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT coalesce(array_agg(CASE WHEN k <= kdata THEN coalesce(pg_temp.data_expr(t, d, k::int), pg_temp.baseline(f, k::int))
                                       ELSE pg_temp.baseline(f, k::int) END ORDER BY k), '{}')
        FROM hostile_fns h, unnest(h.argtypes) WITH ORDINALITY u(t, k) WHERE h.fn = f);
END $$;

-- the aggregates' data mode (how many leading arguments are data) and
-- dataset: those of a call that gave a non-NULL result, the most data
-- first, else of one that succeeded, else 1 and 1
CREATE TEMP TABLE hostile_aggmode (fn oid PRIMARY KEY, kdata int, d int);
CREATE FUNCTION pg_temp.choose_modes() RETURNS void LANGUAGE sql AS $$
    DELETE FROM hostile_aggmode;
    INSERT INTO hostile_aggmode
    SELECT h.fn, coalesce(b.kdata, 1), coalesce(b.d, 1)
    FROM hostile_fns h
    LEFT JOIN LATERAL (
        SELECT substring(c.kind FROM 'k=(\d+)')::int AS kdata, substring(c.kind FROM 'd=(\d+)')::int AS d
        FROM calls c
        WHERE c.fn = h.fn AND c.kind LIKE 'agg sane k=%' AND c.sqlstate = '00000'
        ORDER BY c.result IS NULL, substring(c.kind FROM 'k=(\d+)')::int DESC, c.phase DESC, c.id
        LIMIT 1) b ON true
    WHERE h.prokind IN ('a', 'w');
$$;

-- before planning a phase: the sane values and setups as they now are
CREATE FUNCTION pg_temp.prepare() RETURNS void LANGUAGE sql AS $$
    DELETE FROM hostile_sane;
    INSERT INTO hostile_sane SELECT fn, k, pg_temp.sane_uncached(fn, k) FROM hostile_fns, generate_series(1, nargs) k;
    DELETE FROM hostile_setup;
    INSERT INTO hostile_setup SELECT fn, pg_temp.setup_uncached(fn) FROM hostile_fns;
$$;

-- the first baselines: each argument's first sane value; composite
-- arguments move on to the rows the functions returned once there are some
CREATE FUNCTION pg_temp.init_base(only_composite boolean) RETURNS void LANGUAGE sql AS $$
    INSERT INTO hostile_base
    SELECT fn, ARRAY(SELECT (pg_temp.sane(fn, k))[1] FROM generate_series(1, nargs) k ORDER BY k)
    FROM hostile_fns
    WHERE NOT only_composite
    ON CONFLICT (fn) DO NOTHING;
    UPDATE hostile_base b
    SET args = ARRAY(SELECT CASE WHEN y.typtype = 'c' THEN (pg_temp.sane(b.fn, k::int))[1] ELSE b.args[k] END
                     FROM unnest(h.argtypes) WITH ORDINALITY u(t, k) JOIN pg_type y ON y.oid = t ORDER BY k)
    FROM hostile_fns h
    WHERE h.fn = b.fn AND only_composite;
$$;

CREATE FUNCTION pg_temp.add_call(ph int, f oid, kind text, call text,
                                 settings text[] DEFAULT NULL, pos int DEFAULT NULL,
                                 token text DEFAULT NULL, args text[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO calls (phase, fn, kind, pos, token, args, settings, setup, call)
    VALUES (ph, f, kind, pos, token, args, settings, nullif(pg_temp.setup(f), '{}'), call);
END $$;

-- a plain function's call with argument k set to v, the others at baseline
CREATE FUNCTION pg_temp.with_arg(f oid, k int, v text) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    a text[] := (SELECT args FROM hostile_base WHERE fn = f);
BEGIN
    a[k] := v;
    RETURN a;
END $$;

CREATE FUNCTION pg_temp.add_fn_call(ph int, f oid, kind text, args text[],
                                    pos int DEFAULT NULL, token text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.add_call(ph, f, kind, pg_temp.fn_call(f, args), NULL, pos, token, args);
END $$;

-- the baseline call of every function (aggregates: first argument data)
CREATE FUNCTION pg_temp.plan_base(ph int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h hostile_fns;
BEGIN
    FOR h IN SELECT * FROM hostile_fns ORDER BY fn LOOP
        IF h.prokind IN ('f', 'p') THEN
            PERFORM pg_temp.add_fn_call(ph, h.fn, 'sane baseline', (SELECT args FROM hostile_base WHERE fn = h.fn));
        ELSE
            PERFORM pg_temp.add_call(ph, h.fn, 'agg baseline',
                                     pg_temp.agg_call(h.fn, pg_temp.agg_args(h.fn, 1, 1), 'ordered'));
        END IF;
    END LOOP;
END $$;

-- sane calls: all arguments at their j-th sane value, defaults left out,
-- all NULL; the aggregates in every data mode and dataset
CREATE FUNCTION pg_temp.plan_sane(ph int, only_composite boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h hostile_fns;
    a text[];
BEGIN
    PERFORM pg_temp.plan_base(ph);
    FOR h IN SELECT * FROM hostile_fns
             WHERE NOT only_composite
                OR EXISTS (SELECT 1 FROM unnest(argtypes) t JOIN pg_type y ON y.oid = t WHERE y.typtype = 'c')
             ORDER BY fn LOOP
        IF h.prokind IN ('f', 'p') THEN
            FOR j IN 1 .. 3 LOOP
                a := ARRAY(SELECT s[1 + (j - 1) % cardinality(s)]
                           FROM generate_series(1, h.nargs) k, LATERAL (SELECT pg_temp.sane(h.fn, k) s) x ORDER BY k);
                PERFORM pg_temp.add_fn_call(ph, h.fn, 'sane', a);
            END LOOP;
            a := ARRAY(SELECT pg_temp.baseline(h.fn, k) FROM generate_series(1, h.nargs) k
                       WHERE pg_temp.arg_default(h.fn, k) IS NULL ORDER BY k);
            IF cardinality(a) < h.nargs THEN
                PERFORM pg_temp.add_call(ph, h.fn, 'sane, defaults left out', pg_temp.fn_call(h.fn, a));
            END IF;
            PERFORM pg_temp.add_fn_call(ph, h.fn, 'all NULL',
                ARRAY(SELECT pg_temp.lit(NULL, t) FROM unnest(h.argtypes) WITH ORDINALITY u(t, k) ORDER BY k));
        ELSE
            FOR kd IN 1 .. greatest(h.nargs, 1) LOOP
                FOR d IN 1 .. 3 LOOP
                    PERFORM pg_temp.add_call(ph, h.fn, format('agg sane k=%s d=%s', kd, d),
                        pg_temp.agg_call(h.fn, pg_temp.agg_args(h.fn, kd, d), 'ordered'));
                END LOOP;
            END LOOP;
        END IF;
    END LOOP;
END $$;

-- learning: each text argument probed with 'nonsense' and with the words
-- that the function's comment quotes and its error hints offer
CREATE FUNCTION pg_temp.tokens(f oid) RETURNS TABLE (token text) LANGUAGE sql STABLE AS $$
    SELECT tok FROM (
        SELECT m[1] AS tok, 0 AS src, o
        FROM regexp_matches(coalesce(obj_description(f, 'pg_proc'), ''), '''([^'' ]+)''', 'g') WITH ORDINALITY u(m, o)
        UNION ALL
        SELECT m[1], 1, c.id * 1000 + o
        FROM calls c, regexp_matches(c.hint, '''([^'' ]+)''', 'g') WITH ORDINALITY u(m, o)
        WHERE c.fn = f
        UNION ALL
        SELECT btrim(regexp_replace(w, '\s*\(.*$', ''), ' ''".'), 2, c.id * 1000 + o
        FROM calls c,
             regexp_split_to_table(regexp_replace(c.hint, '^Use (one of )?', ''), ',\s*|\s+or\s+') WITH ORDINALITY u(w, o)
        WHERE c.fn = f AND c.hint ~ '^Use '
    ) t
    WHERE tok ~ '^\S{1,40}$'
    GROUP BY tok ORDER BY min(src), min(o)
$$;

CREATE FUNCTION pg_temp.plan_learning(ph int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h   hostile_fns;
    w   text;
    a   text[];
    ka  int;
BEGIN
    PERFORM pg_temp.plan_base(ph);
    FOR h IN SELECT * FROM hostile_fns ORDER BY fn LOOP
        ka := CASE WHEN h.prokind IN ('a', 'w') THEN 1 ELSE 0 END;   -- aggregates: first argument is data
        FOR k IN ka + 1 .. h.nargs LOOP
            CONTINUE WHEN pg_temp.eff_type(h.argtypes[k]) NOT IN ('text', 'varchar');
            FOR w IN SELECT 'nonsense' UNION ALL
                     (SELECT token FROM pg_temp.tokens(h.fn) t
                      WHERE token <> 'nonsense'
                        AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.fn = h.fn AND c.pos = k AND c.token = t.token))
            LOOP
                IF h.prokind IN ('a', 'w') THEN
                    a := pg_temp.agg_args(h.fn, 1, 1);
                    a[k] := pg_temp.lit(w, h.argtypes[k]);
                    PERFORM pg_temp.add_call(ph, h.fn, 'learn', pg_temp.agg_call(h.fn, a, 'ordered'), NULL, k, w);
                ELSE
                    PERFORM pg_temp.add_fn_call(ph, h.fn, 'learn',
                        pg_temp.with_arg(h.fn, k, pg_temp.lit(w, h.argtypes[k])), k, w);
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;
END $$;

-- fixing a plain function whose baseline fails: each argument tried at
-- every other sane and non-NULL hostile value (only where the errors vary:
-- a function that rejects every call the same way will not be fixed)
CREATE FUNCTION pg_temp.plan_fixup(ph int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h   hostile_fns;
    v   text;
BEGIN
    PERFORM pg_temp.plan_base(ph);
    FOR h IN SELECT x.* FROM hostile_fns x
             WHERE x.prokind IN ('f', 'p')
               AND (SELECT c.sqlstate <> '00000' FROM calls c
                    WHERE c.fn = x.fn AND c.kind = 'sane baseline' AND c.sqlstate IS NOT NULL
                    ORDER BY c.id DESC LIMIT 1)
               AND (SELECT count(DISTINCT c.sqlstate || regexp_replace(c.message, '\d+', '#', 'g'))
                    FROM calls c WHERE c.fn = x.fn) > 1
             ORDER BY x.fn LOOP
        FOR k IN 1 .. h.nargs LOOP
            FOR v IN SELECT DISTINCT ON (e) e FROM unnest(pg_temp.sane(h.fn, k) || pg_temp.hostile(h.fn, k, false)) e
                     WHERE e NOT LIKE 'NULL::%' AND e IS DISTINCT FROM pg_temp.baseline(h.fn, k) LOOP
                PERFORM pg_temp.add_fn_call(ph, h.fn, 'fixup', pg_temp.with_arg(h.fn, k, v), k, v);
            END LOOP;
        END LOOP;
    END LOOP;
END $$;

-- after a phase: a text word is learned when the call with it got further
-- than with 'nonsense' (succeeded, or failed otherwise), and goes into the
-- baseline; a function whose baseline failed takes the arguments of a call
-- of the phase that succeeded (no NULL among them)
CREATE FUNCTION pg_temp.learn(ph int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO hostile_learned (fn, pos, token)
    SELECT c.fn, c.pos, c.token
    FROM calls c JOIN calls n ON n.phase = c.phase AND n.fn = c.fn AND n.pos = c.pos AND n.token = 'nonsense'
    WHERE c.phase = ph AND c.kind = 'learn' AND c.token <> 'nonsense'
      AND (c.sqlstate = '00000' OR c.sqlstate <> n.sqlstate
           OR replace(c.message, c.token, '?') <> replace(n.message, 'nonsense', '?'))
      AND NOT EXISTS (SELECT 1 FROM hostile_learned l WHERE l.fn = c.fn AND l.pos = c.pos AND l.token = c.token)
    ORDER BY c.sqlstate <> '00000', c.id;

    WITH failing AS (
        SELECT b.fn FROM calls b
        WHERE b.phase = ph AND b.kind IN ('sane baseline', 'agg baseline') AND b.sqlstate <> '00000'
    ), fixed AS (
        SELECT DISTINCT ON (c.fn) c.fn, c.args
        FROM calls c JOIN failing USING (fn)
        WHERE c.phase = ph AND c.sqlstate = '00000' AND c.args IS NOT NULL
          AND NOT c.args::text LIKE '%NULL::%'
        ORDER BY c.fn, c.id
    )
    UPDATE hostile_base b
    SET args = coalesce(
        (SELECT f.args FROM fixed f WHERE f.fn = b.fn),
        ARRAY(SELECT coalesce((SELECT pg_temp.lit(l.token, t) FROM hostile_learned l
                               WHERE l.fn = b.fn AND l.pos = k ORDER BY l.id LIMIT 1), b.args[k])
              FROM unnest(h.argtypes) WITH ORDINALITY u(t, k) ORDER BY k))
    FROM hostile_fns h
    WHERE h.fn = b.fn AND b.fn IN (SELECT fn FROM failing);
$$;

-- the aggregates in every shape, in their data mode and dataset
CREATE FUNCTION pg_temp.plan_shapes(ph int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m  hostile_aggmode;
    s  text;
BEGIN
    FOR m IN SELECT * FROM hostile_aggmode ORDER BY fn LOOP
        FOREACH s IN ARRAY '{plain,empty,single,two,group,w_moving,w_growing,w_ahead,w_shrinking}'::text[] LOOP
            PERFORM pg_temp.add_call(ph, m.fn, 'agg shape ' || s,
                pg_temp.agg_call(m.fn, pg_temp.agg_args(m.fn, m.kdata, m.d), s));
        END LOOP;
    END LOOP;
END $$;

-- hostile calls
CREATE FUNCTION pg_temp.plan_hostile(ph int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h   hostile_fns;
    m   hostile_aggmode;
    v   text;
    a   text[];
    n   int;
BEGIN
    FOR h IN SELECT * FROM hostile_fns ORDER BY fn LOOP
        IF h.prokind IN ('f', 'p') THEN
            -- one argument at a time
            FOR k IN 1 .. h.nargs LOOP
                FOREACH v IN ARRAY pg_temp.hostile(h.fn, k, true) LOOP
                    PERFORM pg_temp.add_fn_call(ph, h.fn, format('hostile arg %s', k), pg_temp.with_arg(h.fn, k, v));
                END LOOP;
            END LOOP;
            -- all arguments at the same hostile position of their type
            n := (SELECT max(cardinality(pg_temp.hostile(h.fn, k, false))) FROM generate_series(1, h.nargs) k);
            FOR j IN 2 .. coalesce(n, 0) LOOP
                a := ARRAY(SELECT hl[1 + (j - 1) % cardinality(hl)]
                           FROM generate_series(1, h.nargs) k,
                                LATERAL (SELECT pg_temp.hostile(h.fn, k, false) AS hl) x ORDER BY k);
                PERFORM pg_temp.add_fn_call(ph, h.fn, format('all hostile %s', j), a);
            END LOOP;
        ELSE
            SELECT * INTO m FROM hostile_aggmode WHERE fn = h.fn;
            FOR k IN 1 .. h.nargs LOOP
                IF k <= m.kdata THEN
                    -- hostile values in some rows (they enter and leave
                    -- window frames), and in all
                    FOREACH v IN ARRAY pg_temp.hostile(h.fn, k, false) LOOP
                        a := pg_temp.agg_args(h.fn, m.kdata, m.d);
                        a[k] := format('CASE WHEN i %% 7 = 3 THEN %s ELSE %s END', v, a[k]);
                        PERFORM pg_temp.add_call(ph, h.fn, format('agg hostile rows, arg %s', k),
                                                 pg_temp.agg_call(h.fn, a, 'ordered'), NULL, k, v);
                        PERFORM pg_temp.add_call(ph, h.fn, format('agg hostile rows, arg %s, moving window', k),
                                                 pg_temp.agg_call(h.fn, a, 'w_moving'));
                        a[k] := v;
                        PERFORM pg_temp.add_call(ph, h.fn, format('agg hostile all rows, arg %s', k),
                                                 pg_temp.agg_call(h.fn, a, 'ordered'));
                    END LOOP;
                ELSE
                    -- a hostile parameter
                    FOREACH v IN ARRAY pg_temp.hostile(h.fn, k, true) LOOP
                        a := pg_temp.agg_args(h.fn, m.kdata, m.d);
                        a[k] := v;
                        PERFORM pg_temp.add_call(ph, h.fn, format('agg hostile arg %s', k),
                                                 pg_temp.agg_call(h.fn, a, 'ordered'));
                        PERFORM pg_temp.add_call(ph, h.fn, format('agg hostile arg %s, moving window', k),
                                                 pg_temp.agg_call(h.fn, a, 'w_moving'));
                    END LOOP;
                    -- a parameter that changes from row to row
                    a := pg_temp.agg_args(h.fn, m.kdata, m.d);
                    a[k] := format('CASE WHEN i %% 2 = 0 THEN %s ELSE %s END', a[k],
                                   (pg_temp.sane(h.fn, k))[least(2, cardinality(pg_temp.sane(h.fn, k)))]);
                    PERFORM pg_temp.add_call(ph, h.fn, format('agg changing arg %s', k),
                                             pg_temp.agg_call(h.fn, a, 'ordered'));
                END IF;
            END LOOP;
            -- all NULL, and all at the same hostile position
            PERFORM pg_temp.add_call(ph, h.fn, 'agg all NULL', pg_temp.agg_call(h.fn,
                ARRAY(SELECT pg_temp.lit(NULL, t) FROM unnest(h.argtypes) WITH ORDINALITY u(t, k) ORDER BY k), 'ordered'));
            n := (SELECT max(cardinality(pg_temp.hostile(h.fn, k, false))) FROM generate_series(1, h.nargs) k);
            FOR j IN 2 .. coalesce(n, 0) LOOP
                a := ARRAY(SELECT hl[1 + (j - 1) % cardinality(hl)]
                           FROM generate_series(1, h.nargs) k,
                                LATERAL (SELECT pg_temp.hostile(h.fn, k, false) AS hl) x ORDER BY k);
                PERFORM pg_temp.add_call(ph, h.fn, format('agg all hostile %s', j), pg_temp.agg_call(h.fn, a, 'ordered'));
            END LOOP;
        END IF;
    END LOOP;
END $$;

-- every hostile value that an aggregate took in some rows, now all
-- together, each in its own row: in order, in moving frames, and, for an
-- aggregate that can combine partial states, in a parallel plan (the values
-- reach the partial states, their serialization and combination; an
-- aggregate that took none runs there on sane rows)
CREATE FUNCTION pg_temp.plan_mixed(ph int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r  record;
    a  text[];
    s  text;
BEGIN
    FOR r IN SELECT m.fn, coalesce(x.pos, 1) AS pos, m.kdata, m.d, x.cases,
                    coalesce(g.aggcombinefn <> 0, false) AS combines
             FROM hostile_aggmode m
             LEFT JOIN pg_aggregate g ON g.aggfnoid = m.fn
             LEFT JOIN (
                 SELECT c.fn, c.pos,
                        string_agg(format('WHEN %s THEN %s', 10 * row_number - 5, c.token), ' ' ORDER BY c.id) AS cases
                 FROM (SELECT c.*, row_number() OVER (PARTITION BY c.fn, c.pos ORDER BY c.id)
                       FROM calls c WHERE c.kind LIKE 'agg hostile rows, arg %' AND c.token IS NOT NULL
                         AND c.sqlstate = '00000') c
                 WHERE row_number <= 18
                 GROUP BY c.fn, c.pos) x ON x.fn = m.fn
             ORDER BY m.fn, x.pos LOOP
        a := pg_temp.agg_args(r.fn, r.kdata, r.d);
        IF r.cases IS NOT NULL THEN
            a[r.pos] := format('CASE (g - 1) * 60 + i %s ELSE %s END', r.cases, a[r.pos]);
        END IF;
        FOREACH s IN ARRAY CASE WHEN r.combines THEN '{parallel_group,ordered,w_moving}'::text[]
                                ELSE '{ordered,w_moving}' END LOOP
            CONTINUE WHEN r.cases IS NULL AND s NOT LIKE 'parallel%';
            PERFORM pg_temp.add_call(ph, r.fn, format('agg mixed hostile rows, arg %s, %s', r.pos, s),
                pg_temp.agg_call(r.fn, a, s), CASE WHEN s LIKE 'parallel%' THEN pg_temp.parallel_settings() END);
        END LOOP;
    END LOOP;
END $$;

-- the successful calls of immutable functions once more: the functions'
-- from the last phases, the aggregates' in most shapes and with the mixed
-- hostile rows (not in parallel: the order rows reach them would change)
CREATE FUNCTION pg_temp.plan_replay(ph int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO calls (phase, fn, kind, setup, call, replay_of)
    SELECT ph, c.fn, 'replay', c.setup, c.call, c.id
    FROM calls c JOIN pg_proc p ON p.oid = c.fn
    WHERE c.sqlstate = '00000' AND c.settings IS NULL AND p.provolatile = 'i'
      AND CASE WHEN p.prokind IN ('a', 'w')
               THEN (c.kind LIKE 'agg shape %' AND c.kind NOT IN ('agg shape w_growing', 'agg shape w_shrinking'))
                    OR c.kind LIKE 'agg mixed %'
               ELSE c.phase >= 8 END
    ORDER BY c.id
$$;

-- ---------------------------------------------------------------------
-- The run.  Each phase plans its calls, then runs them, one statement
-- each, not echoed (they change with the functions).
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS hostile_start \gset

-- phase 1: made-up composite values; sane calls
SELECT pg_temp.gen_composites() \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.init_base(false) \gset
SELECT pg_temp.plan_sane(1, false) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(1) \gset

-- phases 2 to 4: learning the text choices, each round from the last
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_learning(2) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(2) \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_learning(3) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(3) \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_learning(4) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(4) \gset

-- phase 5: fixing the baselines that still fail; phase 6: learning again
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_fixup(5) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(5) \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_learning(6) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(6) \gset

-- phase 7: sane calls again, with what was learned; composite values
-- from what the functions returned
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_sane(7, false) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(7) \gset
SELECT pg_temp.gen_composites() \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.init_base(true) \gset

-- phase 8: the aggregates in every shape; the functions taking composite
-- values; phase 9: fixing what still fails
SELECT pg_temp.choose_modes() \gset
SELECT pg_temp.plan_shapes(8) \gset
SELECT pg_temp.plan_sane(8, true) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(8) \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_fixup(9) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(9) \gset

-- phase 10: hostile values
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_hostile(10) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all

-- phase 11: the hostile rows that the aggregates took, all together
SELECT pg_temp.plan_mixed(11) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all

-- phase 12: the immutable functions' successful calls again
SELECT pg_temp.plan_replay(12) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '5s';
:run_calls \gexec
RESET statement_timeout;
\o
\set ECHO all

-- ---------------------------------------------------------------------
-- The summary (not compared: it changes with the functions)
-- ---------------------------------------------------------------------
\o :summary
SELECT count(*) AS calls, count(DISTINCT fn) AS functions,
       count(DISTINCT fn) FILTER (WHERE fn::oid IN (SELECT fn FROM hostile_fns WHERE prokind = 'a')) AS aggregates,
       count(*) FILTER (WHERE sqlstate = '00000') AS succeeded,
       clock_timestamp() - :'hostile_start'::timestamptz AS runtime,
       sum(elapsed) AS in_calls, max(elapsed) AS slowest_call
FROM calls;
SELECT sqlstate, count(*) FROM calls GROUP BY sqlstate ORDER BY count(*) DESC, sqlstate;
SELECT fn::regprocedure, pos, string_agg(token, ' ' ORDER BY id) AS learned
FROM hostile_learned GROUP BY 1, 2 ORDER BY fn::regprocedure::text, pos;
SELECT fn::regprocedure, args AS baseline FROM hostile_base ORDER BY fn::regprocedure::text;
SELECT fn, count(*) AS calls, count(*) FILTER (WHERE sqlstate = '00000') AS ok,
       count(*) FILTER (WHERE sqlstate = '00000' AND result IS NOT NULL) AS ok_not_null, sum(elapsed) AS time
FROM calls GROUP BY fn ORDER BY fn::text;
SELECT id, phase, fn, kind, sqlstate, message, elapsed, setup, call FROM calls ORDER BY id;
\o

-- ---------------------------------------------------------------------
-- The assertions
-- ---------------------------------------------------------------------
RESET client_min_messages;
RESET jit;
RESET log_error_verbosity;
RESET log_min_error_statement;

SELECT count(*) = 0 AS no_internal_error FROM calls WHERE sqlstate = 'XX000';

-- cancelled by the statement timeout of this test (a function may arm a
-- shorter timer of its own on request: that one fires well before 5 s)
SELECT count(*) = 0 AS no_timeout FROM calls WHERE sqlstate = '57014' AND elapsed >= interval '4.9 s';

-- an immutable function answers the same call the same way (another
-- answer means it read memory that is not its own)
SELECT count(*) = 0 AS immutable_calls_repeat
FROM calls r JOIN calls o ON o.id = r.replay_of
WHERE r.sqlstate IS DISTINCT FROM o.sqlstate OR r.result IS DISTINCT FROM o.result;

-- the offending calls, to reproduce: setup; call
SELECT fn, sqlstate, message, array_to_string(setup || call, '; ') AS reproduce
FROM calls
WHERE sqlstate = 'XX000' OR sqlstate ~ '^(58|XX)'
   OR (sqlstate = '57014' AND elapsed >= interval '4.9 s')
UNION ALL
SELECT o.fn, 'repeat', format('%s, then %s', coalesce(o.result, o.sqlstate), coalesce(r.result, r.sqlstate)),
       array_to_string(o.setup || o.call, '; ')
FROM calls r JOIN calls o ON o.id = r.replay_of
WHERE r.sqlstate IS DISTINCT FROM o.sqlstate OR r.result IS DISTINCT FROM o.result
ORDER BY 1, 4;

SELECT count(*) = 0 AS every_call_ran FROM calls WHERE sqlstate IS NULL;

SELECT count(DISTINCT fn) = (SELECT count(*) FROM pg_proc
                             WHERE pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace)
                               AND NOT 'internal'::regtype = ANY (proargtypes))
       AS every_function_called
FROM calls;

-- the session (and the server) survived every call
SELECT 1 AS alive;

DROP TABLE hostile_data;
DROP VIEW hostile_v;
DROP MATERIALIZED VIEW hostile_mv, hostile_mv_nodata;
DROP TABLE hostile_t;
DROP SEQUENCE hostile_seq;
