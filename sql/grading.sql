--
-- Customer grading: master scales, PD to grade, migration matrices
--

-- the shipped scale at and around its band edges
SELECT pd, risk.grade(pd) FROM unnest(ARRAY[0, 0.00029, 0.0003, 0.0099, 0.01, 0.2, 0.99, 1]::float8[]) pd;
SELECT risk.grade(NULL) IS NULL AS null_in_null_out;

-- a bank's own scale, written in one transaction (a first attempt with an
-- overlap fails at COMMIT and leaves nothing behind)
BEGIN;
INSERT INTO risk.master_scale (scale, grade, grade_order, pd_lower, pd_upper) VALUES
    ('letters', 'AAA', 1, 0, 0.0005), ('letters', 'AA', 2, 0.0005, 0.003), ('letters', 'A', 3, 0.002, 0.01),
    ('letters', 'BBB', 4, 0.01, 0.05), ('letters', 'BB', 5, 0.05, 0.2), ('letters', 'D', 6, 0.2, 1);
COMMIT;
BEGIN;
INSERT INTO risk.master_scale (scale, grade, grade_order, pd_lower, pd_upper) VALUES
    ('letters', 'AAA', 1, 0, 0.0005), ('letters', 'AA', 2, 0.0005, 0.002), ('letters', 'A', 3, 0.002, 0.01),
    ('letters', 'BBB', 4, 0.01, 0.05), ('letters', 'BB', 5, 0.05, 0.2), ('letters', 'D', 6, 0.2, 1);
COMMIT;
SELECT pd, risk.grade(pd, 'letters') FROM unnest(ARRAY[0.0001, 0.001, 0.05, 0.5]::float8[]) pd;

-- gaps and overlaps are rejected when the scale is written (at commit)
\set VERBOSITY terse
INSERT INTO risk.master_scale VALUES ('gappy', 'A', 1, 0, 0.1), ('gappy', 'B', 2, 0.2, 1);
INSERT INTO risk.master_scale VALUES ('overlapping', 'A', 1, 0, 0.3), ('overlapping', 'B', 2, 0.2, 1);
INSERT INTO risk.master_scale VALUES ('short', 'A', 1, 0, 0.3), ('short', 'B', 2, 0.3, 0.9);
INSERT INTO risk.master_scale VALUES ('late', 'A', 1, 0.01, 1);
UPDATE risk.master_scale SET pd_upper = 0.04 WHERE scale = 'letters' AND grade = 'BBB';
DELETE FROM risk.master_scale WHERE scale = 'letters' AND grade = 'A';
SELECT try($$INSERT INTO risk.master_scale VALUES ('inverted', 'A', 1, 0.5, 0.2)$$);
\set VERBOSITY default
SELECT count(*) AS letters_unchanged FROM risk.master_scale WHERE scale = 'letters';

-- bad input
SELECT try($$SELECT risk.grade(0.01, 'no such scale')$$);
SELECT try($$SELECT risk.grade(1.5)$$);
SELECT try($$SELECT risk.grade('NaN')$$);
SELECT try($$SELECT risk.grade(-0.01)$$);

-- pg_dump keeps the bank's scales (not the shipped one, which the extension recreates)
SELECT c.relname, e.extcondition
FROM pg_extension x, unnest(x.extconfig, x.extcondition) e(cfg, extcondition)
JOIN pg_class c ON c.oid = e.cfg WHERE x.extname = 'risk' ORDER BY c.relname;

-- migration: 3,000 customers graded at two dates, against a plain count
CREATE TABLE customer_pd AS
SELECT id, pd0, least(1, pd0 * exp(0.6 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2))) AS pd1
FROM (SELECT id, power(10, -4 + 3.5 * ((id * 7919) % 1000) / 1000.0) AS pd0,
             ((id * 104729) % 997 + 0.5) / 997.0 AS u1, ((id * 1299709) % 991) / 991.0 AS u2
      FROM generate_series(1::bigint, 3000) id) s;
CREATE TABLE grades AS SELECT id, risk.grade(pd0) AS g0, risk.grade(pd1) AS g1 FROM customer_pd;
CREATE TEMP TABLE mm AS SELECT risk.migration_matrix(g0, g1) AS m FROM grades;
SELECT (m).scale, (m).grades FROM mm;
SELECT count(*) AS cells,
       bool_and(c.n = coalesce(p.n, 0)) AS counts_match_plain_sql,
       bool_and(c.probability IS NULL OR abs(c.probability - c.n::float8 / r.rows) < 1e-15) AS probabilities_match
FROM mm, risk.migration_cells(mm.m) c
LEFT JOIN (SELECT g0, g1, count(*) AS n FROM grades GROUP BY g0, g1) p ON p.g0 = c.from_grade AND p.g1 = c.to_grade
LEFT JOIN (SELECT g0, count(*) AS rows FROM grades GROUP BY g0) r ON r.g0 = c.from_grade;
SELECT from_grade, round(sum(probability)::numeric, 12) AS row_sum
FROM mm, risk.migration_cells(mm.m) GROUP BY from_grade ORDER BY min(from_grade::int);
-- in the scale's order, on another scale
SELECT (risk.migration_matrix(risk.grade(pd0, 'letters'), risk.grade(pd1, 'letters'), 'letters')).grades FROM customer_pd;

-- parallel partial states give the serial matrix
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT (risk.migration_matrix(g0, g1)).counts = (SELECT (m).counts FROM mm) AS parallel_equals_serial FROM grades;
RESET ALL;

SELECT try($$SELECT risk.migration_matrix(g0, 'ZZZ') FROM grades$$);
SELECT try($$SELECT risk.migration_matrix(g0, g1, 'no such scale') FROM grades$$);
SELECT try($$SELECT risk.migration_matrix(g0, g1, CASE WHEN id = 7 THEN 'letters' ELSE 'default' END) FROM grades$$);
SELECT risk.migration_matrix(g0, g1) IS NULL AS empty_null FROM grades WHERE false;
