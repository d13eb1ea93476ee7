--
-- risk.lcr and risk.nsfr: the Basel III liquidity ratios of tagged positions
-- (docs/capital.md, "Liquidity").  Reference values from
-- test/data/capital_liquidity_reference.py (exact rational arithmetic, its
-- own copy of the Basel factors): every column within 1e-12 relative.
-- Book 1 is the balance sheet worked by hand in docs/capital.md (both HQLA
-- caps and the inflow cap bind); book 2 no cap binds; book 3 the 15% cap
-- alone; book 4 the 40% cap alone, inflows capped; book 5 no outflow;
-- books 10-39 random.  Then GROUP BY = one book at a time, parallel =
-- serial, a regime of one's own, the tables' constraints, and bad input.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set lcr_pos_csv :abs_srcdir '/test/data/capital_liquidity_lcr_positions.csv'
\set lcr_exp_csv :abs_srcdir '/test/data/capital_liquidity_lcr_expected.csv'
\set nsfr_pos_csv :abs_srcdir '/test/data/capital_liquidity_nsfr_positions.csv'
\set nsfr_exp_csv :abs_srcdir '/test/data/capital_liquidity_nsfr_expected.csv'

CREATE TABLE liq_pos (book int, category text, amount float8) WITH (parallel_workers = 2);
COPY liq_pos FROM :'lcr_pos_csv' (FORMAT csv, HEADER);
CREATE TABLE liq_exp (book int, level1 float8, level2a float8, level2b float8, adjustment_15 float8,
                      adjustment_40 float8, hqla float8, outflows float8, inflows float8,
                      inflows_capped float8, net_outflows float8, lcr float8);
COPY liq_exp FROM :'lcr_exp_csv' (FORMAT csv, HEADER);
CREATE TABLE nsfr_pos (book int, category text, amount float8) WITH (parallel_workers = 2);
COPY nsfr_pos FROM :'nsfr_pos_csv' (FORMAT csv, HEADER);
CREATE TABLE nsfr_exp (book int, asf float8, rsf float8, nsfr float8);
COPY nsfr_exp FROM :'nsfr_exp_csv' (FORMAT csv, HEADER);

-- x within 1e-12 of y, relative (absolute below 1); both NULL is equal
CREATE FUNCTION liq_close(x float8, y float8) RETURNS boolean LANGUAGE sql IMMUTABLE
AS $$ SELECT (x IS NULL AND y IS NULL) OR abs(x - y) <= 1e-12 * greatest(1, abs(y)) $$;
-- every column of an LCR result against its reference row
CREATE FUNCTION liq_lcr_ok(r risk.lcr_result, e liq_exp) RETURNS boolean LANGUAGE sql IMMUTABLE
AS $$ SELECT liq_close(r.level1, e.level1) AND liq_close(r.level2a, e.level2a)
         AND liq_close(r.level2b, e.level2b) AND liq_close(r.adjustment_15, e.adjustment_15)
         AND liq_close(r.adjustment_40, e.adjustment_40) AND liq_close(r.hqla, e.hqla)
         AND liq_close(r.outflows, e.outflows) AND liq_close(r.inflows, e.inflows)
         AND liq_close(r.inflows_capped, e.inflows_capped)
         AND liq_close(r.net_outflows, e.net_outflows) AND liq_close(r.lcr, e.lcr) $$;
-- the SQLSTATE and message of a statement that fails
CREATE FUNCTION liq_error(q text) RETURNS text LANGUAGE plpgsql
AS $$ BEGIN EXECUTE q; RETURN 'no error'; EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE || ': ' || SQLERRM; END $$;

-- 1. The balance sheet of docs/capital.md, shown as a user sees it
SELECT (r).level1, (r).level2a, (r).level2b, round((r).adjustment_15::numeric, 10) AS adjustment_15,
       round((r).adjustment_40::numeric, 10) AS adjustment_40, round((r).hqla::numeric, 10) AS hqla,
       (r).outflows, (r).inflows, (r).inflows_capped, (r).net_outflows, round((r).lcr::numeric, 12) AS lcr
FROM (SELECT risk.lcr(category, amount) AS r FROM liq_pos WHERE book = 1) s;
SELECT count(*) AS positions, count(DISTINCT k.kind) AS kinds
FROM liq_pos p JOIN risk.lcr_factor k ON k.regime = 'basel3' AND k.category = p.category WHERE p.book = 1;

-- 2. Every book against the reference (which caps bind is shown)
SELECT e.book, liq_lcr_ok(r, e) AS ok, e.adjustment_15 > 0 AS cap15, e.adjustment_40 > 0 AS cap40,
       e.inflows > e.inflows_capped AS cap75, e.lcr IS NULL AS lcr_null
FROM (SELECT book, risk.lcr(category, amount) AS r FROM liq_pos GROUP BY book) s
JOIN liq_exp e USING (book) WHERE e.book < 10 ORDER BY e.book;
SELECT count(*) AS books, count(*) FILTER (WHERE liq_lcr_ok(r, e)) AS ok
FROM (SELECT book, risk.lcr(category, amount) AS r FROM liq_pos GROUP BY book) s JOIN liq_exp e USING (book);
-- the regime named: the same
SELECT liq_lcr_ok(r, e) AS ok
FROM (SELECT risk.lcr(category, amount, 'basel3') AS r FROM liq_pos WHERE book = 1) s, liq_exp e WHERE e.book = 1;

-- 3. GROUP BY = one book at a time (exactly)
SELECT count(*) AS books,
       count(*) FILTER (WHERE g.r IS NOT DISTINCT FROM
                        (SELECT risk.lcr(category, amount) FROM liq_pos p WHERE p.book = g.book)) AS same
FROM (SELECT book, risk.lcr(category, amount) AS r FROM liq_pos GROUP BY book) g;

-- 4. Parallel = serial (within 1e-12: the order of the sums changes)
CREATE TEMP TABLE liq_serial AS SELECT risk.lcr(category, amount) AS r FROM liq_pos;
CREATE TEMP TABLE nsfr_serial AS SELECT risk.nsfr(category, amount) AS r FROM nsfr_pos;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT risk.lcr(category, amount) FROM liq_pos;
SELECT liq_lcr_ok(p.r, ROW(0, (s.r).*)::liq_exp) AS parallel_equals_serial
FROM (SELECT risk.lcr(category, amount) AS r FROM liq_pos) p, liq_serial s;
SELECT liq_close((p.r).asf, (s.r).asf) AND liq_close((p.r).rsf, (s.r).rsf)
       AND liq_close((p.r).nsfr, (s.r).nsfr) AS parallel_equals_serial
FROM (SELECT risk.nsfr(category, amount) AS r FROM nsfr_pos) p, nsfr_serial s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- 5. NSFR: book 1 as shown, every book against the reference
SELECT (r).asf, (r).rsf, round((r).nsfr::numeric, 12) AS nsfr
FROM (SELECT risk.nsfr(category, amount) AS r FROM nsfr_pos WHERE book = 1) s;
SELECT count(*) AS books,
       count(*) FILTER (WHERE liq_close((r).asf, e.asf) AND liq_close((r).rsf, e.rsf)
                        AND liq_close((r).nsfr, e.nsfr)) AS ok
FROM (SELECT book, risk.nsfr(category, amount) AS r FROM nsfr_pos GROUP BY book) s JOIN nsfr_exp e USING (book);
SELECT risk.nsfr(category, amount) FROM (VALUES ('cash_reserves', 5.0::float8)) v(category, amount);

-- no row: NULL
SELECT risk.lcr(category, amount) IS NULL AS lcr_null, risk.nsfr(category, amount) IS NULL AS nsfr_null
FROM liq_pos WHERE false;

-- 6. A regime of one's own: a copy of basel3 with another run-off rate
SELECT risk.liquidity_regime_copy('basel3', 'stress');
UPDATE risk.lcr_factor SET factor = 0.20 WHERE regime = 'stress' AND category = 'retail_stable';
-- book 1: outflows 750 + 2000 x 0.15 = 1050, inflows 575 uncapped, LCR 500 / 475
SELECT (r).outflows, (r).inflows_capped, (r).net_outflows, round((r).lcr::numeric, 12) AS lcr,
       round(500 / 475.0, 12) AS by_hand
FROM (SELECT risk.lcr(category, amount, 'stress') AS r FROM liq_pos WHERE book = 1) s;
-- two regimes in one query, by GROUP BY (the factors of each read once):
-- books 1 and 2; stress of book 2 = 1490.5 / (620 + 5000 x 0.15 - 150) = 1490.5 / 1220
SELECT g.regime, round((risk.lcr(p.category, p.amount, g.regime)).lcr::numeric, 12) AS lcr
FROM liq_pos p, (VALUES ('basel3'), ('stress')) g(regime) WHERE p.book IN (1, 2)
GROUP BY g.regime, p.book ORDER BY p.book, g.regime;
-- the user's rows are dumped, the shipped ones not
SELECT c.relname, x.cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(oid, cond) JOIN pg_class c ON c.oid = x.oid
WHERE e.extname = 'risk' AND c.relname IN ('lcr_factor', 'nsfr_factor') ORDER BY 1;
SELECT liq_error($$SELECT risk.liquidity_regime_copy('basel3', 'stress')$$);
SELECT liq_error($$SELECT risk.liquidity_regime_copy('nowhere', 'x')$$);
SELECT liq_error($$SELECT risk.liquidity_regime_copy(NULL, 'x')$$);

-- 7. The tables' constraints
SELECT liq_error($$UPDATE risk.lcr_factor SET factor = 1.5 WHERE regime = 'stress' AND category = 'cash'$$);
SELECT liq_error($$UPDATE risk.lcr_factor SET factor = 'NaN' WHERE regime = 'stress' AND category = 'cash'$$);
SELECT liq_error($$UPDATE risk.lcr_factor SET factor = -0.1 WHERE regime = 'stress' AND category = 'cash'$$);
SELECT liq_error($$UPDATE risk.lcr_factor SET kind = 'level3' WHERE regime = 'stress' AND category = 'cash'$$);
SELECT liq_error($$UPDATE risk.nsfr_factor SET kind = 'outflow' WHERE regime = 'stress' AND category = 'capital'$$);
SELECT liq_error($$INSERT INTO risk.lcr_factor VALUES ('stress', 'cash', 'level1', 0, 'again')$$);
SELECT liq_error($$INSERT INTO risk.lcr_factor VALUES ('', 'x', 'level1', 0, 'no regime')$$);
SELECT count(*) AS lcr_rows, count(DISTINCT kind) AS kinds FROM risk.lcr_factor WHERE regime = 'basel3';
SELECT count(*) AS nsfr_rows, count(DISTINCT kind) AS kinds FROM risk.nsfr_factor WHERE regime = 'basel3';

-- 8. Bad input
SELECT liq_error($$SELECT risk.lcr(c, a) FROM (VALUES ('cash', 1.0::float8), ('gold_bars', 2.0)) v(c, a)$$);
SELECT liq_error($$SELECT risk.lcr(c, a, 'basel2') FROM (VALUES ('cash', 1.0::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.nsfr(c, a, 'basel2') FROM (VALUES ('capital', 1.0::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.nsfr(c, a) FROM (VALUES ('cash', 1.0::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.lcr(c, a) FROM (VALUES ('cash', 'NaN'::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.lcr(c, a) FROM (VALUES ('cash', 'Infinity'::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.nsfr(c, a) FROM (VALUES ('capital', -1.5::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.lcr(c, a) FROM (VALUES (NULL::text, 1.0::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.lcr(c, a) FROM (VALUES ('cash', NULL::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.lcr(c, a, NULL) FROM (VALUES ('cash', 1.0::float8)) v(c, a)$$);
SELECT liq_error($$SELECT risk.lcr(c, a, r) FROM (VALUES ('cash', 1.0::float8, 'basel3'), ('cash', 1.0, 'stress')) v(c, a, r)$$);
SELECT liq_error($$SELECT risk.lcr('cash', 1, repeat('x', 64))$$);

DELETE FROM risk.lcr_factor WHERE regime = 'stress';
DELETE FROM risk.nsfr_factor WHERE regime = 'stress';
DROP FUNCTION liq_lcr_ok(risk.lcr_result, liq_exp);
DROP TABLE liq_pos, liq_exp, nsfr_pos, nsfr_exp, liq_serial, nsfr_serial;
DROP FUNCTION liq_close(float8, float8), liq_error(text);
