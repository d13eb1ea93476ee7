--
-- What a new analyst meets in the first hour: windows whose first rows are
-- NULL, a level written as a tail probability, order-dependent aggregates
-- called without an order, 0/1 integer default flags, errors that name the
-- column or the position.  The aggregates under test are read from the
-- catalog, so a new one is covered without anyone remembering to.
--

-- ---------------------------------------------------------------------
-- 1. Moving aggregates over frames that start with, hold only, or lose
--    NULLs: the same as with FILTER (WHERE r IS NOT NULL) and as the plain
--    (non-moving) aggregate over the frame's rows.
-- ---------------------------------------------------------------------
-- Returns made with lag(): NULL heads, a NULL inside, a NULL stretch longer
-- than the sliding frames, a partition of NULLs only, one without NULLs,
-- and one value among NULLs.
CREATE TABLE nr (pf int, day int, r float8);
INSERT INTO nr
SELECT pf, day,
       CASE WHEN pf = 1 AND (day <= 3 OR day = 10 OR day BETWEEN 20 AND 26) THEN NULL
            WHEN pf = 2 THEN NULL
            WHEN pf = 4 AND day <> 5 THEN NULL
            ELSE round((sin(day * 12.9898 + pf) * 0.02 + sin(day * 0.37) * 0.005)::numeric, 6)::float8 END
FROM (VALUES (1, 40), (2, 10), (3, 30), (4, 8)) v(pf, days), generate_series(1, days) day;

-- equal as JSON values, numbers within 1e-9 relative (moving sums are
-- added in another order than the plain aggregate's)
CREATE FUNCTION close(a jsonb, b jsonb) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    k text;
BEGIN
    IF a IS NULL OR b IS NULL OR jsonb_typeof(a) = 'null' OR jsonb_typeof(b) = 'null' THEN
        RETURN coalesce(jsonb_typeof(a), 'null') = coalesce(jsonb_typeof(b), 'null');
    ELSIF jsonb_typeof(a) = 'number' AND jsonb_typeof(b) = 'number' THEN
        RETURN abs(a::float8 - b::float8) <= 1e-9 * greatest(1e-3, abs(b::float8));
    ELSIF jsonb_typeof(a) = 'object' AND jsonb_typeof(b) = 'object' THEN
        FOR k IN SELECT jsonb_object_keys(a) UNION SELECT jsonb_object_keys(b) LOOP
            IF NOT close(a -> k, b -> k) THEN
                RETURN false;
            END IF;
        END LOOP;
        RETURN true;
    END IF;
    RETURN a = b;
END $$;

-- the arguments of an aggregate call, a sane value for each by its name
-- (from the second on when skip_first)
CREATE FUNCTION test_args(agg regprocedure, skip_first boolean) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    n text;
    out text := '';
BEGIN
    FOREACH n IN ARRAY (SELECT p.proargnames[CASE WHEN skip_first THEN 2 ELSE 1 END:]
                        FROM pg_proc p WHERE p.oid = agg) LOOP
        out := out || CASE WHEN out = '' AND NOT skip_first THEN '' ELSE ', ' END
               || CASE n WHEN 'r' THEN 'r' WHEN 'exception' THEN '(r < -0.01)' WHEN 'p' THEN '0.975'
                         WHEN 'dist' THEN '''norm''' WHEN 'lambda' THEN '0.94'
                         WHEN 'price' THEN '(100 * exp(r))' WHEN 'frequency' THEN '''monthly'''
                         WHEN 'holding_period' THEN '5' ELSE NULL END;
        IF out IS NULL THEN
            RAISE EXCEPTION 'no test value for argument % of %', n, agg;
        END IF;
    END LOOP;
    RETURN out;
END $$;

CREATE FUNCTION window_check(agg regprocedure, frame text, lo int, hi int)
    RETURNS TABLE (rows bigint, results bigint, differ_from_filter bigint, differ_from_plain bigint)
    LANGUAGE plpgsql AS $$
DECLARE
    f text := format('risk.%I', (SELECT proname FROM pg_proc WHERE oid = agg));
    a text := test_args(agg, true);
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH w AS (
            SELECT pf, day, to_jsonb(%1$s(r%2$s) OVER f) AS m,
                   to_jsonb(%1$s(r%2$s) FILTER (WHERE r IS NOT NULL) OVER f) AS mf
            FROM nr WINDOW f AS (PARTITION BY pf ORDER BY day %3$s))
        SELECT count(*), count(*) FILTER (WHERE m <> 'null'),
               count(*) FILTER (WHERE NOT close(m, mf)),
               count(*) FILTER (WHERE NOT close(m,
                   (SELECT to_jsonb(%1$s(b.r%2$s ORDER BY b.day)) FROM nr b
                    WHERE b.pf = w.pf AND b.day BETWEEN w.day - %4$s AND w.day + %5$s)))
        FROM w$q$, f, a, frame, lo, hi);
END $$;

-- every moving aggregate of the extension, every frame shape
SELECT a.aggfnoid::regprocedure AS aggregate, fr.frame, c.*
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
CROSS JOIN (VALUES ('ROWS BETWEEN 4 PRECEDING AND CURRENT ROW', 4, 0),
                   ('ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', 100000, 0),
                   ('ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING', 2, 2),
                   ('RANGE BETWEEN 3 PRECEDING AND CURRENT ROW', 3, 0)) fr(frame, lo, hi)
CROSS JOIN LATERAL window_check(a.aggfnoid::regprocedure, fr.frame, fr.lo, fr.hi) c
WHERE p.pronamespace = 'risk'::regnamespace AND a.aggmtransfn <> 0
ORDER BY a.aggfnoid::regprocedure::text, fr.frame;

-- the analyst's first query: returns from prices with lag(), then a rolling VaR
SELECT pf, count(*) AS days, count(v) AS with_var, round(max(v)::numeric, 6) AS max_var
FROM (SELECT pf, risk.var_historical(r, 0.99) OVER (PARTITION BY pf ORDER BY day ROWS 249 PRECEDING) AS v
      FROM (SELECT pf, day, px / lag(px) OVER (PARTITION BY pf ORDER BY day) - 1 AS r
            FROM (SELECT pf, day, 100 * exp(sum(coalesce(r, 0)) OVER (PARTITION BY pf ORDER BY day)) AS px
                  FROM nr WHERE pf IN (1, 3)) prices) rets) w
GROUP BY pf ORDER BY pf;

-- ---------------------------------------------------------------------
-- 2. A confidence level below 0.5 is a tail probability: an error with
--    the value and a hint, for every function and aggregate that takes one
-- ---------------------------------------------------------------------
CREATE TABLE level_calls (object text, call text);
INSERT INTO level_calls VALUES
    ('risk.var_historical(double precision,double precision)', 'SELECT risk.var_historical(r, %s) FROM nr'),
    ('risk.es_historical(double precision,double precision)', 'SELECT risk.es_historical(r, %s) FROM nr'),
    ('risk.var_gaussian(double precision,double precision)', 'SELECT risk.var_gaussian(r, %s) FROM nr'),
    ('risk.es_gaussian(double precision,double precision)', 'SELECT risk.es_gaussian(r, %s) FROM nr'),
    ('risk.var_modified(double precision,double precision)', 'SELECT risk.var_modified(r, %s) FROM nr'),
    ('risk.es_modified(double precision,double precision)', 'SELECT risk.es_modified(r, %s) FROM nr'),
    ('risk.var_ewma(double precision,double precision)', 'SELECT risk.var_ewma(r, %s ORDER BY day) FROM nr'),
    ('risk.var_ewma(double precision,double precision,double precision)', 'SELECT risk.var_ewma(r, %s, 0.94 ORDER BY day) FROM nr'),
    ('risk.es_ewma(double precision,double precision)', 'SELECT risk.es_ewma(r, %s ORDER BY day) FROM nr'),
    ('risk.es_ewma(double precision,double precision,double precision)', 'SELECT risk.es_ewma(r, %s, 0.94 ORDER BY day) FROM nr'),
    ('risk.var_garch(double precision,double precision)', 'SELECT risk.var_garch(r, %s ORDER BY day) FROM nr'),
    ('risk.es_garch(double precision,double precision)', 'SELECT risk.es_garch(r, %s ORDER BY day) FROM nr'),
    ('risk.var_fhs(double precision,double precision)', 'SELECT risk.var_fhs(r, %s ORDER BY day) FROM nr'),
    ('risk.es_fhs(double precision,double precision)', 'SELECT risk.es_fhs(r, %s ORDER BY day) FROM nr'),
    ('risk.var_evt_conditional(double precision,double precision)', 'SELECT risk.var_evt_conditional(r, %s ORDER BY day) FROM nr'),
    ('risk.es_evt_conditional(double precision,double precision)', 'SELECT risk.es_evt_conditional(r, %s ORDER BY day) FROM nr'),
    ('risk.christoffersen(boolean,double precision)', 'SELECT risk.christoffersen(r < 0, %s ORDER BY day) FROM nr'),
    ('risk.kupiec_pof(bigint,bigint,double precision)', 'SELECT risk.kupiec_pof(250, 4, %s)'),
    ('risk.traffic_light(bigint,bigint,double precision)', 'SELECT risk.traffic_light(4, 250, %s)'),
    ('risk.gpd_var(risk.gpd_model,double precision)', 'SELECT risk.gpd_var(risk.gpd_fit(abs(r) * 100, 0.5), %s) FROM nr WHERE r IS NOT NULL'),
    ('risk.gpd_es(risk.gpd_model,double precision)', 'SELECT risk.gpd_es(risk.gpd_fit(abs(r) * 100, 0.5), %s) FROM nr WHERE r IS NOT NULL'),
    ('risk.sla_var(double precision,text,double precision[],double precision,boolean)', 'SELECT risk.sla_var(10, ''lognormal'', ''{10,2}'', %s)'),
    ('risk.lda_simulate(text,double precision[],text,double precision[],integer,bigint,double precision[])',
     'SELECT * FROM risk.lda_simulate(''poisson'', ''{10}'', ''lognormal'', ''{10,2}'', 1000, 1, ARRAY[%s])'),
    ('risk.portfolio_risk(double precision,double precision[],jsonb)',
     'SELECT risk.portfolio_risk(100, a, jsonb_build_object(''level'', %s, ''min_days'', 1, ''n_paths'', 0)) FROM (SELECT array_agg(coalesce(r, 0) ORDER BY day) AS a FROM nr WHERE pf = 3) s');

-- every object whose comment speaks of a confidence level is in the list
SELECT p.oid::regprocedure AS untested_object_with_a_confidence_level
FROM pg_proc p
WHERE p.pronamespace = 'risk'::regnamespace AND obj_description(p.oid, 'pg_proc') ~* 'confidence|per level'
  AND p.oid::regprocedure::text NOT IN (SELECT object FROM level_calls);

-- 0.01 is refused with the hint, 0.5 and 0.99 are accepted, 1 and 99 refused
CREATE FUNCTION try_hint(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    h text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || SQLERRM || ' / ' || h;
END $$;
SELECT lvl, try_hint(format(call, lvl)) AS outcome, count(*) AS objects
FROM level_calls, unnest(ARRAY['0.01', '0.05', '0.5', '0.99', '1', '99']) lvl
GROUP BY 1, 2 ORDER BY 1, 2;
-- the error names the value given
SELECT try_hint('SELECT risk.var_historical(r, 0.025) FROM nr');

-- ---------------------------------------------------------------------
-- 3. Aggregates whose result depends on the order of their rows (their
--    comment says "ORDER BY order") refuse to run without one, and run
--    with ORDER BY inside the call or in the window
-- ---------------------------------------------------------------------
SELECT p.oid::regprocedure AS aggregate,
       try(format('SELECT risk.%I(%s) FROM nr WHERE pf = 3', p.proname, test_args(p.oid, false))) AS no_order,
       try(format('SELECT risk.%I(%s) OVER (PARTITION BY pf) FROM nr', p.proname, test_args(p.oid, false))) AS window_no_order,
       try(format('SELECT risk.%I(%s ORDER BY day) FROM nr WHERE pf = 3', p.proname, test_args(p.oid, false))) AS order_by,
       try(format('SELECT risk.%I(%s) OVER (PARTITION BY pf ORDER BY day) FROM nr', p.proname, test_args(p.oid, false))) AS window_order_by
FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid
WHERE p.pronamespace = 'risk'::regnamespace AND obj_description(p.oid, 'pg_proc') LIKE '%ORDER BY order%'
ORDER BY p.oid::regprocedure::text;
-- what the analyst reads
\set VERBOSITY default
SELECT risk.var_ewma(r, 0.99) FROM nr;
SELECT risk.christoffersen(r < 0) OVER (PARTITION BY pf) FROM nr;
\set VERBOSITY terse
-- the answer with ORDER BY does not depend on the plan
SELECT risk.var_ewma(r, 0.99 ORDER BY day) = (SELECT risk.var_ewma(r, 0.99 ORDER BY day)
                                              FROM (SELECT * FROM nr ORDER BY r) s WHERE pf = 3) AS same
FROM nr WHERE pf = 3;

-- ---------------------------------------------------------------------
-- 5. Default flags as 0/1 integers: the same results as booleans
-- ---------------------------------------------------------------------
CREATE TABLE flags AS
SELECT i, sin(i * 1.3) * 0.5 + 0.5 AS pd, sin(i * 7.1) AS x1, cos(i * 3.7) AS x2,
       (sin(i * 1.3) * 0.5 + 0.5 + sin(i * 5.3) * 0.4 > 0.6) AS bad_b,
       (sin(i * 1.3) * 0.5 + 0.5 + sin(i * 5.3) * 0.4 > 0.6)::int AS bad_i
FROM generate_series(1, 400) i;
-- every aggregate with a boolean default flag or outcome has an integer twin
SELECT p.oid::regprocedure AS boolean_flag_without_integer_twin
FROM pg_proc p,
     LATERAL (SELECT min(o) AS pos FROM unnest(p.proargnames) WITH ORDINALITY n(nm, o)
              WHERE nm IN ('bad', 'y')) f
WHERE p.pronamespace = 'risk'::regnamespace AND p.prokind = 'a'
  AND (p.proargtypes::oid[])[f.pos - 1] = 'boolean'::regtype
  AND NOT EXISTS (SELECT 1 FROM pg_proc q WHERE q.pronamespace = p.pronamespace AND q.proname = p.proname
                  AND array(SELECT unnest(q.proargtypes::oid[]))
                    = array(SELECT CASE WHEN o = f.pos THEN 'integer'::regtype::oid ELSE t END
                            FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, o) ORDER BY o));
-- (the check sees them: as many boolean flags as integer ones)
SELECT count(*) FILTER (WHERE t = 'boolean'::regtype) AS boolean_flags,
       count(*) FILTER (WHERE t = 'integer'::regtype) AS integer_flags
FROM (SELECT (p.proargtypes::oid[])[f.pos - 1]::regtype AS t
      FROM pg_proc p,
           LATERAL (SELECT min(o) AS pos FROM unnest(p.proargnames) WITH ORDINALITY n(nm, o)
                    WHERE nm IN ('bad', 'y')) f
      WHERE p.pronamespace = 'risk'::regnamespace AND p.prokind = 'a' AND f.pos IS NOT NULL) s;
SELECT risk.auc(pd, bad_i) = risk.auc(pd, bad_b) AS auc,
       risk.gini(pd, bad_i) = risk.gini(pd, bad_b) AS gini,
       risk.ks(pd, bad_i) = risk.ks(pd, bad_b) AS ks,
       risk.brier(pd, bad_i) = risk.brier(pd, bad_b) AS brier,
       risk.hosmer_lemeshow(pd, bad_i) = risk.hosmer_lemeshow(pd, bad_b) AS hl,
       risk.hosmer_lemeshow(pd, bad_i, 5) = risk.hosmer_lemeshow(pd, bad_b, 5) AS hl5,
       risk.woe_bins(x1, bad_i)::text = risk.woe_bins(x1, bad_b)::text AS woe,
       risk.woe_bins(x1, bad_i, 4, 0.1)::text = risk.woe_bins(x1, bad_b, 4, 0.1)::text AS woe4,
       risk.logit_fit(bad_i, ARRAY[x1, x2])::text = risk.logit_fit(bad_b, ARRAY[x1, x2])::text AS logit,
       risk.logit_fit(bad_i, ARRAY[x1, x2], false, 1)::text = risk.logit_fit(bad_b, ARRAY[x1, x2], false, 1)::text AS logit_l2,
       risk.logit_step(bad_i, ARRAY[x1, x2], '{0.1,0.2,0.3}', true) = risk.logit_step(bad_b, ARRAY[x1, x2], '{0.1,0.2,0.3}', true) AS step
FROM flags;
SELECT (risk.logit_fit_table('flags', 'bad_i', ARRAY['x1', 'x2'])).coefficients
     = (risk.logit_fit_table('flags', 'bad_b', ARRAY['x1', 'x2'])).coefficients AS fit_table;
-- anything but 0 and 1 is an error naming the value
UPDATE flags SET bad_i = 2 WHERE i = 7;
SELECT try('SELECT risk.auc(pd, bad_i) FROM flags');
SELECT try('SELECT risk.brier(pd, bad_i) FROM flags');
SELECT try('SELECT risk.woe_bins(x1, bad_i) FROM flags');
SELECT try('SELECT risk.logit_fit(bad_i, ARRAY[x1]) FROM flags');
SELECT try('SELECT risk.auc(pd, -1) FROM flags');
SELECT try($$SELECT risk.logit_fit_table('flags', 'bad_i', ARRAY['x1'])$$);
UPDATE flags SET bad_i = bad_b::int WHERE i = 7;
-- in parallel too
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT risk.auc(pd, bad_i) = (SELECT risk.auc(pd, bad_b) FROM flags) AS parallel_auc FROM flags;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- logit_fit_table names a constant or collinear column by its name
ALTER TABLE flags ADD COLUMN one float8 DEFAULT 1, ADD COLUMN x1_twice float8;
UPDATE flags SET x1_twice = 2 * x1;
SELECT try($$SELECT risk.logit_fit_table('flags', 'bad_b', ARRAY['x1', 'one', 'x2'])$$);
SELECT try($$SELECT risk.logit_fit_table('flags', 'bad_b', ARRAY['x1', 'x2', 'x1_twice'])$$);
SELECT try($$SELECT risk.logit_fit_table('flags', 'x1', ARRAY['x2'])$$);
-- a NULL inside the feature array: its position and what to do
\set VERBOSITY default
SELECT risk.logit_fit(bad_b, ARRAY[x1, CASE WHEN i = 9 THEN NULL ELSE x2 END]) FROM flags;
-- a PD written as a percentage
SELECT risk.grade(1.5);
SELECT risk.score_points(2.5);
SELECT risk.jeffreys_test(100, 2, 1.5);
SELECT risk.brier(pd * 100, bad_b) FROM flags;
\set VERBOSITY terse
