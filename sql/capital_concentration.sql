--
-- risk.hhi and risk.granularity_adjustment (docs/capital.md,
-- "Concentration").  Reference values from test/data/capital_irb_reference.py
-- (NumPy, the Gordy-Luetkebohmert simplified formula written independently):
-- five books (10 to 1000 exposures of every asset class, one with a
-- defaulted exposure), both regimes, the HHI, the GA and the portfolio sums
-- within 1e-12 relative.  Then the GA of a homogeneous book shrinking as
-- 1/n, the HHI by name and by sector, parallel = serial, and bad input.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set books_csv :abs_srcdir '/test/data/capital_concentration_books.csv'
\set expected_csv :abs_srcdir '/test/data/capital_concentration_expected.csv'

CREATE TABLE conc_book (book int, exposure int, pd float8, lgd float8, ead float8,
                        asset_class text, maturity float8);
COPY conc_book FROM :'books_csv' (FORMAT csv, HEADER);
CREATE TABLE conc_expected (book int, regime text, n int, hhi float8, ga float8, ead float8,
                            expected_loss float8, rwa float8, capital float8);
COPY conc_expected FROM :'expected_csv' (FORMAT csv, HEADER);
ANALYZE conc_book;
SELECT book, count(*) AS exposures, count(DISTINCT asset_class) AS classes,
       count(*) FILTER (WHERE pd = 1) AS defaulted FROM conc_book GROUP BY book ORDER BY book;

CREATE OR REPLACE FUNCTION irb_rel(got float8, want float8) RETURNS float8 LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN want = 0 THEN abs(got) ELSE abs(got - want) / abs(want) END $$;

-- ---------------------------------------------------------------------
-- 1. Against NumPy, 1e-12 relative
-- ---------------------------------------------------------------------
CREATE TABLE conc_got AS
SELECT b.book, r.regime, risk.hhi(b.ead) AS hhi,
       risk.granularity_adjustment(b.pd, b.lgd, b.ead, b.asset_class, b.maturity, NULL,
                                   jsonb_build_object('regime', r.regime)) AS ga,
       risk.irb_portfolio(b.pd, b.lgd, b.ead, b.asset_class, b.maturity, NULL,
                          jsonb_build_object('regime', r.regime)) AS p
FROM conc_book b CROSS JOIN (VALUES ('basel3'), ('basel2')) r(regime)
GROUP BY b.book, r.regime;
SELECT e.book, e.regime, round(g.hhi::numeric, 6) AS hhi, round(g.ga::numeric, 6) AS ga,
       irb_rel(g.hhi, e.hhi) < 1e-12 AS hhi_ok, irb_rel(g.ga, e.ga) < 1e-12 AS ga_ok,
       (g.p).exposures = e.n AS n_ok, irb_rel((g.p).ead, e.ead) < 1e-12 AS ead_ok,
       irb_rel((g.p).expected_loss, e.expected_loss) < 1e-12 AS el_ok,
       irb_rel((g.p).rwa, e.rwa) < 1e-12 AS rwa_ok, irb_rel((g.p).capital, e.capital) < 1e-12 AS capital_ok
FROM conc_expected e JOIN conc_got g USING (book, regime) ORDER BY e.book, e.regime DESC;

-- ---------------------------------------------------------------------
-- 2. A homogeneous book of n equal exposures: HHI = 1/n and GA x n the
--    same for every n (the GA shrinks as 1/n)
-- ---------------------------------------------------------------------
SELECT n, irb_rel(risk.hhi(100.0), 1.0 / n) < 1e-12 AS hhi_is_1_over_n,
       round((n * risk.granularity_adjustment(0.01, 0.45, 100.0, 'corporate'))::numeric, 10) AS n_times_ga
FROM generate_series(1, 1) one, (VALUES (10), (100), (1000), (10000)) v(n), generate_series(1, n) i
GROUP BY n ORDER BY n;
SELECT max(x) / min(x) - 1 < 1e-12 AS ga_times_n_constant
FROM (SELECT n * risk.granularity_adjustment(0.01, 0.45, 100.0, 'corporate') AS x
      FROM (VALUES (10), (100), (1000), (10000)) v(n), generate_series(1, n) i GROUP BY n) s;
-- the same 1/n in closed form, from the formula with K of risk.irb_capital
SELECT irb_rel(100 * risk.granularity_adjustment(0.01, 0.45, 1.0, 'corporate'),
           (SELECT (4.83 * c * (k + r) + 4.83 * (k + r) ^ 2 * v / 0.45 ^ 2 - k * (c + 2 * (k + r) * v / 0.45 ^ 2)) / (2 * k)
            FROM (SELECT (risk.irb_capital(0.01, 0.45, 1, 'corporate')).k AS k, 0.01 * 0.45 AS r,
                         0.25 * 0.45 * 0.55 AS v, (0.45 ^ 2 + 0.25 * 0.45 * 0.55) / 0.45 AS c) t)) < 1e-12 AS closed_form_ok
FROM generate_series(1, 100);

-- ---------------------------------------------------------------------
-- 3. HHI by name or by sector: sum the amounts per key first
-- ---------------------------------------------------------------------
CREATE TABLE conc_loans (obligor text, sector text, amount float8);
INSERT INTO conc_loans VALUES ('A', 'energy', 40), ('A', 'energy', 10), ('B', 'retail', 30),
    ('C', 'retail', 10), ('D', 'banks', 5), ('D', 'banks', 5);
SELECT risk.hhi(amount) AS by_loan,
       (SELECT risk.hhi(s) FROM (SELECT sum(amount) AS s FROM conc_loans GROUP BY obligor) o) AS by_name,
       (SELECT risk.hhi(s) FROM (SELECT sum(amount) AS s FROM conc_loans GROUP BY sector) o) AS by_sector
FROM conc_loans;
-- by hand: conc_loans 40,10,30,10,5,5 of 100; names 50,30,10,10; sectors 50,40,10
SELECT (40^2 + 10^2 + 30^2 + 10^2 + 5^2 + 5^2) / 100.0^2 AS by_loan,
       (50^2 + 30^2 + 10^2 + 10^2) / 100.0^2 AS by_name, (50^2 + 40^2 + 10^2) / 100.0^2 AS by_sector;
SELECT risk.hhi(x) AS null_skipped FROM (VALUES (1.0), (NULL), (1.0)) v(x);
SELECT risk.hhi(x) IS NULL AS zero_total FROM (VALUES (0.0), (0.0)) v(x);
SELECT risk.hhi(x) IS NULL AS no_row FROM (VALUES (1.0)) v(x) WHERE false;

-- ---------------------------------------------------------------------
-- 4. Defaulted exposures are left out of the GA; options delta and gamma
-- ---------------------------------------------------------------------
SELECT irb_rel(risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity),
           (SELECT risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity)
            FROM conc_book WHERE book = 5 AND pd < 1)) = 0 AS defaulted_left_out
FROM conc_book WHERE book = 5;
SELECT round(risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity, NULL, '{"delta": 4.83, "gamma": 0.25}')::numeric, 12)
     = round(risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity)::numeric, 12) AS defaults_are_4_83_and_0_25,
       risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity, NULL, '{"gamma": 0}')
     < risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity) AS less_without_lgd_variance
FROM conc_book WHERE book = 3;
SELECT risk.granularity_adjustment(pd, lgd, ead, c) IS NULL AS zero_lgd_book
FROM (VALUES (0.01, 0.0, 100.0, 'bank')) v(pd, lgd, ead, c);

-- ---------------------------------------------------------------------
-- 5. Parallel = serial
-- ---------------------------------------------------------------------
CREATE TABLE conc_big AS SELECT b.* FROM conc_book b, generate_series(1, 30) i WHERE b.book = 4;
ANALYZE conc_big;
CREATE TABLE conc_serial AS
SELECT risk.hhi(ead) AS hhi, risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity) AS ga FROM conc_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET force_parallel_mode = on;
EXPLAIN (COSTS OFF) SELECT risk.hhi(ead), risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity) FROM conc_big;
SELECT irb_rel(p.hhi, s.hhi) < 1e-13 AS hhi_same, irb_rel(p.ga, s.ga) < 1e-13 AS ga_same,
       irb_rel(s.hhi, e.hhi / 30) < 1e-12 AS hhi_30_copies, irb_rel(s.ga, e.ga / 30) < 1e-12 AS ga_30_copies
FROM (SELECT risk.hhi(ead) AS hhi, risk.granularity_adjustment(pd, lgd, ead, asset_class, maturity) AS ga FROM conc_big) p,
     conc_serial s, conc_expected e WHERE e.book = 4 AND e.regime = 'basel3';
RESET force_parallel_mode;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- ---------------------------------------------------------------------
-- 6. Bad input: SQLSTATE and message
-- ---------------------------------------------------------------------
CREATE OR REPLACE FUNCTION irb_err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT q AS statement, irb_err(q) AS error FROM (VALUES
    ($q$SELECT risk.hhi(x) FROM (VALUES (1.0), (-2.0)) v(x)$q$),
    ($q$SELECT risk.hhi(x) FROM (VALUES (1.0), ('NaN'::float8)) v(x)$q$),
    ($q$SELECT risk.hhi(x) FROM (VALUES (1.0), ('Infinity'::float8)) v(x)$q$),
    ($q$SELECT risk.hhi(x) FROM (VALUES (1e200), (1e200)) v(x)$q$),
    ($q$SELECT risk.granularity_adjustment(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"delta": -1}')$q$),
    ($q$SELECT risk.granularity_adjustment(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"gamma": 2}')$q$),
    ($q$SELECT risk.granularity_adjustment(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"gamma": "x"}')$q$),
    ($q$SELECT risk.granularity_adjustment(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"level": 0.99}')$q$),
    ($q$SELECT risk.granularity_adjustment(0.01, 1.45, 100, 'corporate')$q$),
    ($q$SELECT risk.granularity_adjustment(0.01, 0.45, 100, 'corporate', 6)$q$),
    ($q$SELECT risk.granularity_adjustment(0.01, 0.45, 100, 'equity')$q$)
) v(q);
