--
-- The functions called once per row (risk.woe, risk.grade,
-- risk.score_points, risk.characteristic_points) are C since 0.2.2.  Their
-- SQL definitions of 0.2.1 are kept here as the reference: the C versions
-- must give the same values to the last digit, the same NULLs and the same
-- errors, read a master scale again when it changes, and run below a
-- Gather in parallel plans.  (uses logit_loans from scorecard_logit)
--

-- the 0.2.1 definitions, verbatim but for their names
CREATE FUNCTION ref_woe(binning risk.woe_binning, x float8) RETURNS float8
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k int;
    w float8;
BEGIN
    IF binning IS NULL THEN
        RETURN NULL;
    END IF;
    k := cardinality(binning.lower) - CASE WHEN binning.has_missing THEN 1 ELSE 0 END;
    IF x IS NULL THEN
        RETURN CASE WHEN binning.has_missing THEN binning.woe[k + 1] ELSE 0 END;
    END IF;
    IF x = 'NaN' THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'characteristic must be a number, got NaN';
    END IF;
    -- the bins cover the line: the first from -Infinity, the last to +Infinity inclusive
    SELECT binning.woe[i] INTO w FROM generate_series(1, k) i
    WHERE x >= binning.lower[i] AND (x < binning.upper[i] OR i = k)
    ORDER BY i LIMIT 1;
    RETURN w;
END $$;
CREATE FUNCTION ref_grade(pd float8, scale text DEFAULT 'default') RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g text;
BEGIN
    IF NOT (pd >= 0 AND pd <= 1) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('a PD must be between 0 and 1, got %s', pd),
            HINT = CASE WHEN pd > 1 AND pd <= 100
                        THEN format('PDs are fractions, not percentages: %s%% is %s.', pd, pd / 100)
                        ELSE 'A PD is a probability: 0.015 for 1.5%.' END;
    END IF;
    SELECT m.grade INTO g FROM risk.master_scale m
    WHERE m.scale = ref_grade.scale AND pd >= m.pd_lower AND (pd < m.pd_upper OR (pd = 1 AND m.pd_upper = 1));
    IF g IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('unknown master scale %L', ref_grade.scale),
            HINT = 'The scales are in risk.master_scale.';
    END IF;
    RETURN g;
END $$;
CREATE FUNCTION ref_score_points(pd float8, base_points float8 DEFAULT 600,
                                             base_odds float8 DEFAULT 50, pdo float8 DEFAULT 20)
    RETURNS float8 LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (pd > 0 AND pd < 1) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('a PD must be between 0 and 1 exclusive, got %s', pd),
            HINT = CASE WHEN pd > 1 AND pd <= 100
                        THEN format('PDs are fractions, not percentages: %s%% is %s.', pd, pd / 100)
                        ELSE 'A PD is a probability: 0.015 for 1.5%.' END;
    END IF;
    IF NOT (base_odds > 0 AND pdo > 0) THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('base_odds and pdo must be positive, got %s and %s', base_odds, pdo);
    END IF;
    RETURN base_points + pdo / ln(2) * (ln((1 - pd) / pd) - ln(base_odds));
END $$;
CREATE FUNCTION ref_characteristic_points(coefficient float8, woe float8, intercept float8,
                                           n_characteristics int, base_points float8 DEFAULT 600,
                                           base_odds float8 DEFAULT 50, pdo float8 DEFAULT 20)
    RETURNS float8 LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF n_characteristics < 1 THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('n_characteristics must be at least 1, got %s', n_characteristics);
    END IF;
    IF NOT (base_odds > 0 AND pdo > 0) THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('base_odds and pdo must be positive, got %s and %s', base_odds, pdo);
    END IF;
    RETURN (base_points - pdo / ln(2) * ln(base_odds)) / n_characteristics
           - pdo / ln(2) * (coefficient * woe + intercept / n_characteristics);
END $$;

-- "same": equal as float8 (NaN = NaN) or both NULL, or the same error
CREATE FUNCTION outcome(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE q INTO r;
    RETURN coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- ---------------------------------------------------------------------
-- risk.woe: binnings made by woe_bins, and odd ones written by hand
-- ---------------------------------------------------------------------
CREATE TABLE pr_binnings AS
SELECT 'x1' AS name, risk.woe_bins(x1, bad) AS b FROM logit_loans
UNION ALL SELECT 'x4 missing', risk.woe_bins(CASE WHEN id % 23 = 0 THEN NULL ELSE x4 END, bad) FROM logit_loans
UNION ALL SELECT 'x9 5 bins', risk.woe_bins(x9, bad, 5, 0.1) FROM logit_loans
UNION ALL SELECT 'null', NULL
UNION ALL SELECT 'null arrays', ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::risk.woe_binning
UNION ALL SELECT 'null has_missing', ROW('{-Infinity,0}', '{0,Infinity}', '{1,1}', '{1,1}', '{0.5,0.5}', '{-0.5,0.5}', '{0,0}', 0, NULL)::risk.woe_binning
UNION ALL SELECT 'null elements', ROW('{-Infinity,NULL,1}', '{0,1,NULL}', NULL, NULL, NULL, '{-0.5,NULL,0.7}', NULL, 0, false)::risk.woe_binning
UNION ALL SELECT 'gap and NaN', ROW('{-1,2,NaN}', '{1,3,NaN}', NULL, NULL, NULL, '{1,2,3}', NULL, 0, false)::risk.woe_binning
UNION ALL SELECT 'lbound 0', ROW('[0:1]={-Infinity,0}', '[0:1]={0,Infinity}', NULL, NULL, NULL, '{-0.5,0.5,0.9}', NULL, 0, true)::risk.woe_binning
UNION ALL SELECT '2-D', ROW('{{-Infinity,0}}', '{{0,Infinity}}', NULL, NULL, NULL, '{{-0.5,0.5}}', NULL, 0, true)::risk.woe_binning
UNION ALL SELECT 'missing only', ROW('{NaN}', '{NaN}', NULL, NULL, NULL, '{0.25}', NULL, 0, true)::risk.woe_binning
UNION ALL SELECT 'empty', ROW('{}', '{}', NULL, NULL, NULL, '{}', NULL, 0, false)::risk.woe_binning;
-- the values: the data, every bin bound, just below and above it, the ends
CREATE TABLE pr_x AS
SELECT DISTINCT x FROM (
    SELECT x1 AS x FROM logit_loans WHERE id % 10 = 0 UNION ALL SELECT x4 FROM logit_loans WHERE id % 10 = 1
    UNION ALL SELECT x9 FROM logit_loans WHERE id % 10 = 2
    UNION ALL SELECT unnest((b).lower || (b).upper) FROM pr_binnings WHERE name IN ('x1', 'x4 missing', 'x9 5 bins')
    UNION ALL SELECT v FROM unnest('{-Infinity,Infinity,-1e308,1e308,0,-0,1,2,3,-1,0.5,1e-300}'::float8[]) v
    UNION ALL SELECT NULL) s
WHERE x IS NULL OR x <> 'NaN';
SELECT count(*) AS cases,
       count(*) FILTER (WHERE c IS NOT DISTINCT FROM r) AS same,
       count(*) FILTER (WHERE c IS NOT NULL) AS non_null
FROM (SELECT risk.woe(b, x) AS c, ref_woe(b, x) AS r FROM pr_binnings, pr_x) s;
SELECT name, x, risk.woe(b, x) AS c, ref_woe(b, x) AS r
FROM pr_binnings, pr_x WHERE risk.woe(b, x) IS DISTINCT FROM ref_woe(b, x) ORDER BY 1, 2;
-- the odd binnings value by value
SELECT name, x, risk.woe(b, x) AS woe
FROM pr_binnings, unnest('{NULL,-2,-1,0,0.5,1,2,2.5,3,4,NaN}'::float8[]) WITH ORDINALITY u(x, o)
WHERE name NOT IN ('x1', 'x4 missing', 'x9 5 bins') AND (x IS NULL OR x <> 'NaN')
ORDER BY name, o;
SELECT outcome(format('SELECT risk.woe(b, %L) FROM pr_binnings WHERE name = %L', 'NaN', n)) AS c,
       outcome(format('SELECT ref_woe(b, %L) FROM pr_binnings WHERE name = %L', 'NaN', n)) AS r
FROM unnest(ARRAY['x1', 'null']) n;
-- one function call per row with a different binning in every row (a join)
SELECT count(*) FILTER (WHERE risk.woe(b, x1) IS NOT DISTINCT FROM ref_woe(b, x1)) = count(*) AS join_same
FROM logit_loans JOIN pr_binnings ON (id % 3) = CASE name WHEN 'x1' THEN 0 WHEN 'x4 missing' THEN 1 WHEN 'x9 5 bins' THEN 2 END;

-- a binning large enough to be stored compressed, read from its table on
-- every row of a join
CREATE TABLE pr_wide AS
SELECT risk.woe_bins(x1 + x4 * 1e-3, bad, 50, 0.01) AS b FROM logit_loans;
SELECT cardinality((b).woe) AS bins, pg_column_size(b) < octet_length(b::text) AS stored_smaller FROM pr_wide;
SELECT count(*) FILTER (WHERE risk.woe(w.b, l.x1) IS NOT DISTINCT FROM ref_woe(w.b, l.x1)) = count(*) AS compressed_same
FROM logit_loans l CROSS JOIN pr_wide w;
-- a PL/pgSQL record variable that changes between calls of one expression
DO $$
DECLARE
    b risk.woe_binning;
    i int;
BEGIN
    b := (SELECT p.b FROM pr_binnings p WHERE name = 'x1');
    FOR i IN 1 .. 3 LOOP
        b.woe := array_fill(i::float8, ARRAY[cardinality(b.woe)]);
        RAISE NOTICE 'pass %: woe %, reference %', i, risk.woe(b, 0.1), ref_woe(b, 0.1);
    END LOOP;
END $$;

-- ---------------------------------------------------------------------
-- risk.score_points and risk.characteristic_points: bit for bit
-- ---------------------------------------------------------------------
CREATE TABLE pr_pd AS
SELECT pd FROM unnest('{1e-300,1e-12,0.0003,0.001,0.015,0.1,0.2,0.5,0.9,0.999999,0.9999999999999999}'::float8[]) pd
UNION ALL SELECT g / 1000.0 FROM generate_series(1, 999) g;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE risk.score_points(pd) = ref_score_points(pd)
                          AND risk.score_points(pd, 500, 20, 40) = ref_score_points(pd, 500, 20, 40)
                          AND risk.score_points(pd, -1e300, 1e-300, 1e-300) = ref_score_points(pd, -1e300, 1e-300, 1e-300)
                          AND float8send(risk.score_points(pd, 600, 'Infinity', 20)) = float8send(ref_score_points(pd, 600, 'Infinity', 20)))
           AS same
FROM pr_pd;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE float8send(risk.characteristic_points(c, w, i, n)) = float8send(ref_characteristic_points(c, w, i, n))
                          AND float8send(risk.characteristic_points(c, w, i, n, 500, 20, 40)) = float8send(ref_characteristic_points(c, w, i, n, 500, 20, 40)))
           AS same
FROM unnest('{-2.5,-1,0,0.3,1.7,1e300}'::float8[]) c, unnest('{-1.2,0,0.4,NaN}'::float8[]) w,
     unnest('{-3,0,2.2}'::float8[]) i, unnest('{1,3,8}'::int[]) n;
-- NULLs (STRICT), bad input and overflow: the same outcome, error text included
SELECT q, outcome('SELECT risk.' || q) = outcome('SELECT ref_' || q) AS same, outcome('SELECT risk.' || q) AS outcome
FROM unnest(ARRAY[
    'score_points(NULL)', 'score_points(0.1, NULL)', 'score_points(0)', 'score_points(1)', 'score_points(''NaN'')',
    'score_points(-0.5)', 'score_points(2.5)', 'score_points(0.1, 600, 0)', 'score_points(0.1, 600, 50, -1)',
    'score_points(0.1, 600, ''NaN'', 20)', 'score_points(0.1, 1e308, 50, 1e308)', 'score_points(0.1, ''Infinity'')',
    'characteristic_points(1, 0.5, -2, 0)', 'characteristic_points(1, 0.5, -2, 4, 600, -1)',
    'characteristic_points(1e308, 1e308, 0, 1)', 'characteristic_points(NULL, 0.5, -2, 4)',
    'characteristic_points(1, 0.5, -2, 4, 600, 50, ''NaN'')']) q;

-- ---------------------------------------------------------------------
-- risk.grade: every PD of a fine grid and every band edge, two scales
-- ---------------------------------------------------------------------
INSERT INTO risk.master_scale VALUES ('three', 'A', 1, 0, 0.01), ('three', 'B', 2, 0.01, 0.1), ('three', 'C', 3, 0.1, 1);
CREATE TABLE pr_grade_pd AS
SELECT pd FROM pr_pd UNION SELECT 0 UNION SELECT 1
UNION SELECT pd_lower FROM risk.master_scale WHERE scale IN ('default', 'three')
UNION SELECT pd_upper FROM risk.master_scale WHERE scale IN ('default', 'three')
UNION SELECT pd_lower - 1e-17 FROM risk.master_scale WHERE scale IN ('default', 'three') AND pd_lower > 0;
SELECT s AS scale, count(*) AS cases, count(*) FILTER (WHERE risk.grade(pd, s) = ref_grade(pd, s)) AS same
FROM pr_grade_pd, unnest(ARRAY['default', 'three']) s GROUP BY s ORDER BY s;
SELECT q, outcome('SELECT risk.' || q) = outcome('SELECT ref_' || q) AS same, outcome('SELECT risk.' || q) AS outcome
FROM unnest(ARRAY['grade(NULL)', 'grade(0.1, NULL)', 'grade(-0.1)', 'grade(1.5)', 'grade(''NaN'')',
                  'grade(''Infinity'')', 'grade(0.1, ''no such scale'')', 'grade(0.1, ''it''''s'')', 'grade(1)', 'grade(0)']) q;
-- the scale named may change from row to row
SELECT count(*) FILTER (WHERE risk.grade(pd, s) = ref_grade(pd, s)) = count(*) AS alternating_scales
FROM (SELECT pd, CASE WHEN row_number() OVER () % 2 = 0 THEN 'default' ELSE 'three' END AS s FROM pr_grade_pd) t;
-- a scale changed within a transaction is seen by the next command, even
-- from a PL/pgSQL loop whose expressions keep their state
DO $$
DECLARE
    g text;
    i int;
BEGIN
    FOR i IN 1 .. 2 LOOP
        g := risk.grade(0.05, 'three');
        RAISE NOTICE 'pass %: grade %', i, g;
        UPDATE risk.master_scale SET grade = CASE grade WHEN 'B' THEN 'B*' ELSE grade END WHERE scale = 'three';
    END LOOP;
END $$;
PREPARE g AS SELECT risk.grade(0.05, 'three');
EXECUTE g;
UPDATE risk.master_scale SET grade = 'B' WHERE scale = 'three' AND grade_order = 2;
EXECUTE g;

-- ---------------------------------------------------------------------
-- Parallel plans evaluate them in the workers, below the Gather, with the
-- serial answer
-- ---------------------------------------------------------------------
CREATE TABLE pr_big WITH (parallel_workers = 2) AS
SELECT i, (i % 997) / 1000.0 + 0.0005 AS pd, sin(i * 1.7) AS x FROM generate_series(1, 30000) i;
ANALYZE pr_big;
CREATE TEMP TABLE pr_serial AS
SELECT i, risk.grade(pd) AS g, risk.score_points(pd) AS p,
       risk.woe((SELECT b FROM pr_binnings WHERE name = 'x1'), x) AS w FROM pr_big;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF, VERBOSE)
SELECT i, risk.grade(pd) AS g, risk.score_points(pd) AS p,
       risk.woe((SELECT b FROM pr_binnings WHERE name = 'x1'), x) AS w FROM pr_big;
SELECT count(*) AS rows, count(*) FILTER (WHERE s.g = p.g AND s.p = p.p AND s.w IS NOT DISTINCT FROM p.w) AS same_in_parallel
FROM pr_serial s JOIN (SELECT i, risk.grade(pd) AS g, risk.score_points(pd) AS p,
                              risk.woe((SELECT b FROM pr_binnings WHERE name = 'x1'), x) AS w FROM pr_big) p USING (i);
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DELETE FROM risk.master_scale WHERE scale = 'three';
