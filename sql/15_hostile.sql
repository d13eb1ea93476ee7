--
-- Hostile arguments.  Every function, procedure and aggregate of schema
-- risk, read from pg_proc (nothing here names one), is called with NULLs,
-- NaN, infinities, extreme and tiny numbers, empty / NULL-holding / 2-D /
-- odd-bounded / 100,000-element arrays, odd strings, the wrong relations
-- and roles, and broken composite values: all arguments sane, one
-- hostile at a time, all NULL, all hostile together.  The aggregates run
-- over empty, one- and two-row groups, data holding NULL, NaN, infinities
-- and extremes, several groups, a parallel plan and moving window frames.
-- Every call must succeed or fail with a proper SQLSTATE: never XX000 (a
-- bare elog), never a crash, never cancelled by statement_timeout.
--
-- The only functions left out cannot be called from SQL at all: those with
-- an argument of type internal (aggregate support functions; the
-- aggregates exercise them).
--
-- How a call is made: each runs as its own statement (psql \gexec, so that
-- statement_timeout applies to it alone) inside a subtransaction that is
-- always rolled back, so nothing it writes survives.  Sane values for text
-- choices ('mle', 'poisson', '>', ...) are learned from the functions'
-- comments and from the hints of their errors; a function whose error hint
-- names another function of the schema ("Call risk.x first.") gets that
-- function's successful sane call run before it, in the same
-- subtransaction.  Composite arguments get values that the extension's own
-- functions returned, with each field broken in turn.  Every call, with
-- its outcome, goes to results/15_hostile.summary (and each is logged at
-- LOG level before it runs, to find a call that crashes the server).
--
\getenv abs_builddir PG_ABS_BUILDDIR
\set summary :abs_builddir '/results/15_hostile.summary'
SET client_min_messages = error;

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

-- rows for the aggregates: three groups of 60, in a plain table so that
-- parallel plans are possible; the aggregated values are expressions of i
CREATE TABLE hostile_data (g int, i int);
INSERT INTO hostile_data SELECT g, i FROM generate_series(1, 3) g, generate_series(1, 60) i;
ANALYZE hostile_data;

-- ---------------------------------------------------------------------
-- Values per type: sane ones and hostile ones, as SQL expressions
-- ---------------------------------------------------------------------
CREATE TEMP TABLE hostile_values (
    typ   regtype NOT NULL,
    sane  boolean NOT NULL,
    ord   serial,
    expr  text,
    big   boolean NOT NULL DEFAULT false   -- too large to put in every row
);

CREATE FUNCTION pg_temp.lit(v text, t regtype) RETURNS text
    LANGUAGE sql IMMUTABLE
    RETURN quote_nullable(v) || '::' || format_type(t, NULL);

-- literals: (types, sane?, values); NULL is a hostile value of every type
INSERT INTO hostile_values (typ, sane, expr)
SELECT t, s, pg_temp.lit(v, t)
FROM (VALUES
    ('{float8,float4,numeric}', true,  '{0.99,0.5,10,0.05}'),
    ('{float8,float4,numeric}', false, '{NULL,0,-0,-1,1,2,1e-12,0.9999999999999999,NaN,Infinity,-Infinity,1e308,-1e308,5e-324}'),
    ('{int2}',                  true,  '{10,250,3}'),
    ('{int2}',                  false, '{NULL,0,-1,1,2,32767,-32768}'),
    ('{int4}',                  true,  '{10,250,3}'),
    ('{int4}',                  false, '{NULL,0,-1,1,2,2147483647,-2147483648}'),
    ('{int8}',                  true,  '{10,250,3}'),
    ('{int8}',                  false, '{NULL,0,-1,1,2,9223372036854775807,-9223372036854775808}'),
    ('{bool}',                  true,  '{true,false}'),
    ('{bool}',                  false, '{NULL,true,false}'),
    ('{text,varchar}',          true,  '{default}'),
    ('{text,varchar}',          false, '{NULL,"",nonsense,NaN," ","-1","a''b\"c\\\\d;--","\u00e9t\u00e9 \u2603"}'),
    ('{name}',                  true,  '{x,y,id}'),
    ('{name}',                  false, '{NULL,"",nonsense,X,ctid,"\"x\"","x; DROP TABLE hostile_t"}'),
    ('{name[]}',                true,  '{"{}","{id}","{x,y}"}'),
    ('{name[]}',                false, '{NULL,"{NULL}","{\"\"}","{nonsense}","{id,id}","{{id},{x}}","{ctid}"}'),
    ('{float8[],float4[],numeric[]}', true,
         '{"{0.99,0.999}","{1,0.5}","{10,20,30,40}"}'),
    ('{float8[],float4[],numeric[]}', false,
         '{NULL,"{}","{NULL}","{NaN}","{Infinity,-Infinity}","{1,NULL,3}","{{1,2},{3,4}}","[0:2]={1,2,3}","{0.5}","{1,2}","{1,2,3}","{0,0}","{-1,-1}","{1e308,1e308,1e308}","{5e-324,5e-324}","{0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5}","{1,1,1,1,1}"}'),
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
    ('{bytea}',                 true,  '{"\\x"}'),
    ('{bytea}',                 false, '{NULL,"\\x00","\\xffffffffffffffff"}')
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
WHERE n.nspname = 'risk'
  AND NOT 'internal'::regtype = ANY (p.proargtypes);

-- the calls and their outcomes
CREATE TEMP TABLE calls (
    id       serial PRIMARY KEY,
    phase    int NOT NULL,
    fn       regprocedure NOT NULL,
    kind     text NOT NULL,          -- what the call tries
    pos      int,                    -- learning: the argument probed
    token    text,                   -- learning: the value probed
    settings text[],                 -- name, value, name, value, ...
    setup    text[],                 -- statements run first, same subtransaction
    call     text NOT NULL,
    sqlstate text,                   -- '00000' for success
    message  text,
    hint     text,
    result   text,
    elapsed  interval
);
CREATE INDEX ON calls (fn);

-- text choices learned for an argument, best first
CREATE TEMP TABLE hostile_learned (id serial, fn oid, pos int, token text);

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
    RAISE LOG 'risk hostile call %: % %', cid, coalesce(array_to_string(c.setup, '; ') || ';', ''), c.call;
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

-- sane or hostile values of a type (NULL always first among the hostile)
CREATE FUNCTION pg_temp.type_values(t0 regtype, want_sane boolean, with_big boolean)
RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    t    regtype := pg_temp.eff_type(t0);
    ty   pg_type;
    r    text[];
BEGIN
    SELECT * INTO ty FROM pg_type WHERE oid = t;
    SELECT array_agg(expr ORDER BY ord) INTO r FROM hostile_values
    WHERE typ = t AND sane = want_sane AND (with_big OR NOT big);
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
CREATE FUNCTION pg_temp.arg_default(f oid, k int) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT pg_get_function_arg_default(f, coalesce(
        (SELECT o::int FROM (SELECT o, row_number() OVER (ORDER BY o) AS n
                        FROM pg_proc p, unnest(p.proargmodes) WITH ORDINALITY u(m, o)
                        WHERE p.oid = f AND m IN ('i', 'b', 'v')) x WHERE n = k), k))
$$;

-- sane values for argument k of f: learned choices, the default, the type's
CREATE FUNCTION pg_temp.sane_uncached(f oid, k int) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN cardinality(s) > 0 THEN s ELSE ARRAY[pg_temp.lit(NULL, t)] END
    FROM (SELECT argtypes[k] AS t FROM hostile_fns WHERE fn = f) x,
    LATERAL (SELECT ARRAY(
        SELECT e FROM unnest(
            ARRAY(SELECT pg_temp.lit(token, t) FROM hostile_learned WHERE fn = f AND pos = k ORDER BY id)
            || pg_temp.arg_default(f, k)
            || pg_temp.type_values(t, true, false)
        ) WITH ORDINALITY u(e, o)
        WHERE e IS NOT NULL
        GROUP BY e ORDER BY min(o)) AS s) y
$$;

-- (kept per phase: what was learned changes them)
CREATE TEMP TABLE hostile_sane (fn oid, k int, vals text[], PRIMARY KEY (fn, k));
CREATE FUNCTION pg_temp.sane(f oid, k int) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT vals FROM hostile_sane WHERE fn = f AND hostile_sane.k = sane.k
$$;

CREATE FUNCTION pg_temp.baseline(f oid, k int) RETURNS text LANGUAGE sql STABLE
    RETURN (pg_temp.sane(f, k))[1];

-- hostile values for argument k of f: the type's (the default too, for text)
CREATE FUNCTION pg_temp.hostile(f oid, k int, with_big boolean) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT pg_temp.type_values(t, false, with_big)
           || CASE WHEN pg_temp.eff_type(t) IN ('text', 'varchar') AND pg_temp.arg_default(f, k) IS NOT NULL
                   THEN ARRAY[pg_temp.arg_default(f, k)] ELSE '{}' END
    FROM hostile_fns, LATERAL (SELECT argtypes[k] AS t) x WHERE fn = f
$$;

-- ---------------------------------------------------------------------
-- Composite values: rows the extension returned, each field broken in turn
-- ---------------------------------------------------------------------
CREATE FUNCTION pg_temp.gen_composite(t regtype) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    fields  record;
    names   name[];
    types   regtype[];
    bases   text[];
    fv      text[];
    base    text;
    h       text;
    n       int;
    row_of  text[];
BEGIN
    SELECT array_agg(attname ORDER BY attnum), array_agg(atttypid::regtype ORDER BY attnum)
    INTO names, types
    FROM pg_attribute a JOIN pg_type ty ON ty.typrelid = a.attrelid
    WHERE ty.oid = t AND a.attnum > 0 AND NOT a.attisdropped;
    n := cardinality(names);
    DELETE FROM hostile_values WHERE typ = t;

    -- the sane rows: what the extension's functions and aggregates returned
    -- (at most two), and one made of each field type's first sane value
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
    FOR j IN 1 .. n LOOP
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
CREATE FUNCTION pg_temp.fn_call(f oid, args text[]) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN h.prokind = 'p' THEN format('CALL %s(%s)', h.qname, a.list)
        WHEN h.proretset THEN format('SELECT count(v::text) FROM (SELECT %s(%s) AS v) s', h.qname, a.list)
        ELSE format('SELECT (%s(%s))::text', h.qname, a.list) END
    FROM hostile_fns h,
    LATERAL (SELECT string_agg(CASE WHEN h.variadic AND o = h.nargs THEN 'VARIADIC ' ELSE '' END || e,
                               ', ' ORDER BY o) AS list
             FROM unnest(args) WITH ORDINALITY u(e, o)) a
    WHERE h.fn = f
$$;

-- the values of an aggregated argument in row i (dataset d: returns,
-- positive heavy-tailed losses, probabilities); k shifts the sequence
CREATE FUNCTION pg_temp.data_expr(t0 regtype, d int, k int) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
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
        END
    FROM (SELECT pg_temp.eff_type(t0) AS t) x
$$;

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
        IF shape LIKE 'w\_%' OR shape = 'parallel' THEN
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
        WHEN shape = 'group'    THEN format('SELECT count(v::text) FROM (SELECT %s AS v FROM hostile_data GROUP BY g) s', call)
        WHEN shape = 'parallel' THEN format('SELECT (%s)::text FROM hostile_data', call)
        ELSE format('SELECT count(v::text) FROM (SELECT %s OVER (PARTITION BY g ORDER BY i %s) AS v FROM hostile_data) s',
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
                        AND x.sqlstate = '00000' AND x.kind = 'sane'
                      ORDER BY x.id LIMIT 1) ok
        WHERE c.fn = f AND c.hint IS NOT NULL
        ORDER BY c.id LIMIT 1), '{}')
$$;

-- the aggregated arguments: those up to kdata are per-row data, the rest
-- are constants (their sane values)
CREATE FUNCTION pg_temp.agg_args(f oid, kdata int, d int) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(CASE WHEN k <= kdata THEN coalesce(pg_temp.data_expr(t, d, k::int), pg_temp.baseline(f, k::int))
                                   ELSE pg_temp.baseline(f, k::int) END ORDER BY k), '{}')
    FROM hostile_fns h, unnest(h.argtypes) WITH ORDINALITY u(t, k) WHERE h.fn = f
$$;

-- the aggregates' data mode (how many leading arguments are data) and
-- dataset: the first that gave a non-NULL result, else one that gave a
-- result, else 1 and 1
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
        ORDER BY c.result IS NULL, c.result = '0', c.phase DESC, c.id LIMIT 1) b ON true
    WHERE h.prokind IN ('a', 'w');
$$;

CREATE TEMP TABLE hostile_setup (fn oid PRIMARY KEY, setup text[]);
CREATE FUNCTION pg_temp.setup(f oid) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT setup FROM hostile_setup WHERE fn = f
$$;

-- before planning a phase: the sane values and setups as they now are
CREATE FUNCTION pg_temp.prepare() RETURNS void LANGUAGE sql AS $$
    DELETE FROM hostile_sane;
    INSERT INTO hostile_sane SELECT fn, k, pg_temp.sane_uncached(fn, k) FROM hostile_fns, generate_series(1, nargs) k;
    DELETE FROM hostile_setup;
    INSERT INTO hostile_setup SELECT fn, pg_temp.setup_uncached(fn) FROM hostile_fns;
$$;

CREATE FUNCTION pg_temp.add_call(ph int, f oid, kind text, call text,
                                 settings text[] DEFAULT NULL, pos int DEFAULT NULL, token text DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO calls (phase, fn, kind, pos, token, settings, setup, call)
    VALUES (ph, f, kind, pos, token, settings, nullif(pg_temp.setup(f), '{}'), call)
$$;

-- the calls with argument k of f set to v and the others at their baseline
CREATE FUNCTION pg_temp.with_arg(f oid, k int, v text) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(CASE WHEN j = k THEN v ELSE pg_temp.baseline(f, j) END ORDER BY j), '{}')
    FROM hostile_fns h, generate_series(1, h.nargs) j WHERE h.fn = f
$$;

-- sane calls: all arguments at their j-th sane value, defaults left out,
-- all NULL; the aggregates in every data mode and dataset
CREATE FUNCTION pg_temp.plan_sane(ph int, only_composite boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h hostile_fns;
    a text[];
BEGIN
    FOR h IN SELECT * FROM hostile_fns
             WHERE NOT only_composite
                OR EXISTS (SELECT 1 FROM unnest(argtypes) t JOIN pg_type y ON y.oid = t WHERE y.typtype = 'c')
             ORDER BY fn LOOP
        IF h.prokind IN ('f', 'p') THEN
            FOR j IN 1 .. 3 LOOP
                a := ARRAY(SELECT s[1 + (j - 1) % cardinality(s)]
                           FROM generate_series(1, h.nargs) k, LATERAL (SELECT pg_temp.sane(h.fn, k) s) x ORDER BY k);
                PERFORM pg_temp.add_call(ph, h.fn, 'sane', pg_temp.fn_call(h.fn, a));
            END LOOP;
            a := ARRAY(SELECT pg_temp.baseline(h.fn, k) FROM generate_series(1, h.nargs) k
                       WHERE pg_temp.arg_default(h.fn, k) IS NULL ORDER BY k);
            IF cardinality(a) < h.nargs THEN
                PERFORM pg_temp.add_call(ph, h.fn, 'sane, defaults left out', pg_temp.fn_call(h.fn, a));
            END IF;
            PERFORM pg_temp.add_call(ph, h.fn, 'all NULL', pg_temp.fn_call(h.fn,
                ARRAY(SELECT pg_temp.lit(NULL, t) FROM unnest(h.argtypes) WITH ORDINALITY u(t, k) ORDER BY k)));
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
-- that f's comment quotes and its error hints offer
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
                    PERFORM pg_temp.add_call(ph, h.fn, 'learn',
                        pg_temp.fn_call(h.fn, pg_temp.with_arg(h.fn, k, pg_temp.lit(w, h.argtypes[k]))), NULL, k, w);
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;
END $$;

-- a word is learned when the call with it got further than with 'nonsense'
CREATE FUNCTION pg_temp.learn(ph int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO hostile_learned (fn, pos, token)
    SELECT c.fn, c.pos, c.token
    FROM calls c JOIN calls n ON n.phase = c.phase AND n.fn = c.fn AND n.pos = c.pos AND n.token = 'nonsense'
    WHERE c.phase = ph AND c.token <> 'nonsense'
      AND (c.sqlstate = '00000' OR c.sqlstate <> n.sqlstate
           OR replace(c.message, c.token, '?') <> replace(n.message, 'nonsense', '?'))
      AND NOT EXISTS (SELECT 1 FROM hostile_learned l WHERE l.fn = c.fn AND l.pos = c.pos AND l.token = c.token)
    ORDER BY c.sqlstate <> '00000', c.id
$$;

-- the aggregates in every shape, in their data mode and dataset
CREATE FUNCTION pg_temp.plan_shapes(ph int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m  hostile_aggmode;
    s  text;
BEGIN
    FOR m IN SELECT * FROM hostile_aggmode ORDER BY fn LOOP
        FOREACH s IN ARRAY '{plain,empty,single,two,group,parallel,w_moving,w_growing,w_ahead,w_shrinking}'::text[] LOOP
            PERFORM pg_temp.add_call(ph, m.fn, 'agg shape ' || s,
                pg_temp.agg_call(m.fn, pg_temp.agg_args(m.fn, m.kdata, m.d), s),
                CASE WHEN s = 'parallel' THEN pg_temp.parallel_settings() END);
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
    hv  text[];
    n   int;
BEGIN
    FOR h IN SELECT * FROM hostile_fns ORDER BY fn LOOP
        IF h.prokind IN ('f', 'p') THEN
            -- one argument at a time
            FOR k IN 1 .. h.nargs LOOP
                FOREACH v IN ARRAY pg_temp.hostile(h.fn, k, true) LOOP
                    PERFORM pg_temp.add_call(ph, h.fn, format('hostile arg %s', k),
                                             pg_temp.fn_call(h.fn, pg_temp.with_arg(h.fn, k, v)));
                END LOOP;
            END LOOP;
            -- all arguments at the same hostile position of their type
            n := (SELECT max(cardinality(pg_temp.hostile(h.fn, k, false))) FROM generate_series(1, h.nargs) k);
            FOR j IN 2 .. coalesce(n, 0) LOOP
                a := ARRAY(SELECT hl[1 + (j - 1) % cardinality(hl)]
                           FROM generate_series(1, h.nargs) k,
                                LATERAL (SELECT pg_temp.hostile(h.fn, k, false) AS hl) x ORDER BY k);
                PERFORM pg_temp.add_call(ph, h.fn, format('all hostile %s', j), pg_temp.fn_call(h.fn, a));
            END LOOP;
        ELSE
            SELECT * INTO m FROM hostile_aggmode WHERE fn = h.fn;
            FOR k IN 1 .. h.nargs LOOP
                IF k <= m.kdata THEN
                    -- hostile values in some rows (they enter and leave
                    -- window frames, and cross parallel workers), and in all
                    FOREACH v IN ARRAY pg_temp.hostile(h.fn, k, false) LOOP
                        a := pg_temp.agg_args(h.fn, m.kdata, m.d);
                        a[k] := format('CASE WHEN i %% 7 = 3 THEN %s ELSE %s END', v, a[k]);
                        PERFORM pg_temp.add_call(ph, h.fn, format('agg hostile rows, arg %s', k),
                                                 pg_temp.agg_call(h.fn, a, 'ordered'));
                        PERFORM pg_temp.add_call(ph, h.fn, format('agg hostile rows, arg %s, moving window', k),
                                                 pg_temp.agg_call(h.fn, a, 'w_moving'));
                        PERFORM pg_temp.add_call(ph, h.fn, format('agg hostile rows, arg %s, parallel', k),
                                                 pg_temp.agg_call(h.fn, a, 'parallel'), pg_temp.parallel_settings());
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

-- ---------------------------------------------------------------------
-- The run.  Each phase plans its calls, then runs them one statement
-- each; the statements are not echoed (they change with the functions).
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS hostile_start \gset

-- phase 1: every composite type gets made-up sane values; sane calls
SELECT pg_temp.gen_composites() \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_sane(1, false) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '3s';
SELECT format('SELECT pg_temp.hostile_run(%s)', id) FROM calls WHERE sqlstate IS NULL ORDER BY id \gexec
RESET statement_timeout;
\o
\set ECHO all

-- phases 2 to 5: learning the text choices, each round from the last
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_learning(2) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '3s';
SELECT format('SELECT pg_temp.hostile_run(%s)', id) FROM calls WHERE sqlstate IS NULL ORDER BY id \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(2) \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_learning(3) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '3s';
SELECT format('SELECT pg_temp.hostile_run(%s)', id) FROM calls WHERE sqlstate IS NULL ORDER BY id \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(3) \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_learning(4) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '3s';
SELECT format('SELECT pg_temp.hostile_run(%s)', id) FROM calls WHERE sqlstate IS NULL ORDER BY id \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(4) \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_learning(5) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '3s';
SELECT format('SELECT pg_temp.hostile_run(%s)', id) FROM calls WHERE sqlstate IS NULL ORDER BY id \gexec
RESET statement_timeout;
\o
\set ECHO all
SELECT pg_temp.learn(5) \gset

-- phase 6: sane calls again, with what was learned
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_sane(6, false) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '3s';
SELECT format('SELECT pg_temp.hostile_run(%s)', id) FROM calls WHERE sqlstate IS NULL ORDER BY id \gexec
RESET statement_timeout;
\o
\set ECHO all

-- phase 7: composite values from what the functions returned; the
-- functions taking them; the aggregates in every shape
SELECT pg_temp.gen_composites() \gset
SELECT pg_temp.choose_modes() \gset
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_sane(7, true) \gset
SELECT pg_temp.plan_shapes(7) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '3s';
SELECT format('SELECT pg_temp.hostile_run(%s)', id) FROM calls WHERE sqlstate IS NULL ORDER BY id \gexec
RESET statement_timeout;
\o
\set ECHO all

-- phase 8: hostile values
SELECT pg_temp.prepare() \gset
SELECT pg_temp.plan_hostile(8) \gset
\set ECHO none
\o /dev/null
SET statement_timeout = '3s';
SELECT format('SELECT pg_temp.hostile_run(%s)', id) FROM calls WHERE sqlstate IS NULL ORDER BY id \gexec
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
       max(elapsed) AS slowest_call
FROM calls;
SELECT sqlstate, count(*) FROM calls GROUP BY sqlstate ORDER BY count(*) DESC;
SELECT fn::regprocedure, pos, token FROM hostile_learned ORDER BY fn::regprocedure::text, pos, id;
SELECT fn, count(*) AS calls, count(*) FILTER (WHERE sqlstate = '00000') AS ok, sum(elapsed) AS time
FROM calls GROUP BY fn ORDER BY fn::text;
SELECT id, fn, kind, sqlstate, message, elapsed, setup, call FROM calls ORDER BY id;
\o

-- ---------------------------------------------------------------------
-- The assertions
-- ---------------------------------------------------------------------
RESET client_min_messages;

SELECT count(*) = 0 AS no_internal_error FROM calls WHERE sqlstate = 'XX000';

-- cancelled by the statement timeout of this test (a function may arm a
-- shorter timer of its own on request: that one fires well before 3 s)
SELECT count(*) = 0 AS no_timeout FROM calls WHERE sqlstate = '57014' AND elapsed >= interval '2.9 s';

-- the offending calls, to reproduce: setup; call
SELECT fn, sqlstate, message, array_to_string(setup || call, '; ') AS reproduce
FROM calls
WHERE sqlstate = 'XX000' OR sqlstate ~ '^(58|XX)'
   OR (sqlstate = '57014' AND elapsed >= interval '2.9 s')
ORDER BY id;

SELECT count(*) = 0 AS every_call_ran FROM calls WHERE sqlstate IS NULL;

SELECT count(DISTINCT fn) = (SELECT count(*) FROM pg_proc
                             WHERE pronamespace = 'risk'::regnamespace
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
