--
-- CreditRisk+ (risk.creditriskplus): a book of 300 loans
-- (test/data/capital_creditriskplus_book.csv) against a NumPy Panjer
-- recursion written independently (test/data/capital_creditriskplus_reference.py)
-- to 1e-12, for sigma2 = 0, 0.25, 1, 4 and levels 0.95, 0.99, 0.999; the
-- Poisson case (sigma2 = 0) also against a brute-force compound Poisson
-- (a convolution of the bands' Poisson pmfs), also to 1e-12; parallel = serial;
-- bad input with its SQLSTATE.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set book_csv :abs_srcdir '/test/data/capital_creditriskplus_book.csv'
\set ref_csv :abs_srcdir '/test/data/capital_creditriskplus_reference.csv'

CREATE TABLE crp_book (loan int, pd float8, lgd float8, ead float8) WITH (parallel_workers = 2);
COPY crp_book FROM :'book_csv' (FORMAT csv, HEADER);
CREATE TABLE crp_ref (method text, sigma2 float8, level float8, expected_loss float8, var float8, es float8);
COPY crp_ref FROM :'ref_csv' (FORMAT csv, HEADER);
SELECT count(*) AS loans, round(sum(pd)::numeric, 6) AS sum_pd FROM crp_book;

-- 1. every case against the reference: VaR exactly, EL and ES to 1e-12
CREATE TEMP TABLE crp_serial AS
SELECT r.method, r.sigma2, r.level, r.expected_loss AS ref_el, r.var AS ref_var, r.es AS ref_es,
       (SELECT risk.creditriskplus(pd, lgd, ead,
                jsonb_build_object('unit', 10000, 'sigma2', r.sigma2, 'level', r.level)) FROM crp_book) AS c
FROM crp_ref r;
SELECT method, sigma2, level, (c).var, (c).var = ref_var AS var_ok,
       round((c).es::numeric, 2) AS es,
       relerr((c).es, ref_es) < 1e-12 AS es_ok,
       relerr((c).expected_loss, ref_el) < 1e-12 AS el_ok
FROM crp_serial ORDER BY method DESC, sigma2, level;

-- the whole result row of one case
SELECT (risk.creditriskplus(pd, lgd, ead, '{"unit": 10000, "sigma2": 1, "level": 0.99}')).* FROM crp_book;

-- 2. parallel = serial (the book gathered by two workers, in another order)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT risk.creditriskplus(pd, lgd, ead, '{"unit": 10000}') FROM crp_book;
CREATE TEMP TABLE crp_parallel AS
SELECT s.sigma2, s.level,
       (SELECT risk.creditriskplus(pd, lgd, ead,
                jsonb_build_object('unit', 10000, 'sigma2', s.sigma2, 'level', s.level)) FROM crp_book) AS c
FROM crp_serial s WHERE s.method = 'panjer';
RESET ALL;
SELECT count(*) AS cases, bool_and(p.c = s.c) AS parallel_equals_serial
FROM crp_parallel p JOIN crp_serial s USING (sigma2, level) WHERE s.method = 'panjer';

-- 3. small cases by hand: one loan, PD 0.1, band 1: P(L = 0) = exp(-0.1)
SELECT (c).var, (c).es, (c).expected_loss
FROM (SELECT risk.creditriskplus(0.1, 0.5, 200, '{"unit": 100, "level": 0.9}') AS c) s;
SELECT exp(-0.1) >= 0.9 AS var_is_zero_at_0_9;
-- no loss at all (PD 0): VaR = ES = 0
SELECT (risk.creditriskplus(0, 0.5, 200, '{"unit": 100}')).*;
-- no rows: NULL
SELECT risk.creditriskplus(pd, lgd, ead, '{"unit": 1}') IS NULL AS empty_is_null FROM crp_book WHERE false;

-- 4. bad input: an error with its SQLSTATE and the offending value
SELECT try($$SELECT risk.creditriskplus(pd, lgd, ead, '{}') FROM crp_book$$);
SELECT try($$SELECT risk.creditriskplus(pd, lgd, ead, NULL) FROM crp_book$$);
SELECT try($$SELECT risk.creditriskplus(pd, lgd, ead, '{"unit": 0}') FROM crp_book$$);
SELECT try($$SELECT risk.creditriskplus(pd, lgd, ead, '{"unit": 10000, "sigma2": -1}') FROM crp_book$$);
SELECT try($$SELECT risk.creditriskplus(pd, lgd, ead, '{"unit": 10000, "level": 0.01}') FROM crp_book$$);
SELECT try($$SELECT risk.creditriskplus(pd, lgd, ead, '{"unit": 10000, "colour": 1}') FROM crp_book$$);
SELECT try($$SELECT risk.creditriskplus(pd, lgd, ead, '{"unit": 0.01}') FROM crp_book$$);
SELECT try($$SELECT risk.creditriskplus(1.5, 0.5, 100, '{"unit": 1}')$$);
SELECT try($$SELECT risk.creditriskplus('NaN', 0.5, 100, '{"unit": 1}')$$);
SELECT try($$SELECT risk.creditriskplus(0.1, NULL, 100, '{"unit": 1}')$$);
SELECT try($$SELECT risk.creditriskplus(0.1, 0.5, 'Infinity', '{"unit": 1}')$$);
SELECT try($$SELECT risk.creditriskplus(0.1, 0.5, -1, '{"unit": 1}')$$);
SELECT try($$SELECT risk.creditriskplus(pd, lgd, ead, jsonb_build_object('unit', 10000 + loan % 2)) FROM crp_book$$);
