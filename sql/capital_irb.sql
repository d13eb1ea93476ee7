--
-- risk.expected_loss, risk.irb_capital and risk.irb_portfolio (docs/capital.md,
-- "IRB capital").  Reference values from test/data/capital_irb_reference.py
-- (the BCBS formulas written with scipy.stats.norm, independently of the C
-- code): every asset class, both regimes, a grid of PD (with the floors,
-- PD 0 and the defaulted PD 1), LGD, maturity and SME sales, each of the 8
-- columns within 1e-12 relative.  Then the illustrative risk weights
-- published by the Basel Committee, the portfolio aggregate (parallel =
-- serial) and every bad input an error with its code and value.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set irb_csv :abs_srcdir '/test/data/capital_irb_expected.csv'
\set annex5 :abs_srcdir '/test/data/capital_irb_annex5.txt'

CREATE TABLE irb_expected (case_no int, regime text, asset_class text, pd float8, lgd float8,
                           ead float8, maturity float8, sales float8, pd_used float8,
                           correlation float8, maturity_adjustment float8, k float8,
                           risk_weight float8, rwa float8, expected_loss float8, capital float8);
COPY irb_expected FROM :'irb_csv' (FORMAT csv, HEADER);
SELECT regime, asset_class, count(*) AS cases FROM irb_expected GROUP BY 1, 2 ORDER BY 1, 2;

-- relative difference (absolute where the reference is 0)
CREATE OR REPLACE FUNCTION irb_rel(got float8, want float8) RETURNS float8 LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN want = 0 THEN abs(got) ELSE abs(got - want) / abs(want) END $$;

-- ---------------------------------------------------------------------
-- 1. Every case against SciPy, each column within 1e-12 relative
-- ---------------------------------------------------------------------
CREATE TABLE irb_got AS
SELECT e.case_no, (risk.irb_capital(e.pd, e.lgd, e.ead, e.asset_class, e.maturity, e.sales,
                              jsonb_build_object('regime', e.regime))).* AS got
FROM irb_expected e;
SELECT count(*) AS cases,
       max(irb_rel(g.pd, e.pd_used)) < 1e-15 AS pd_ok,
       max(irb_rel(g.correlation, e.correlation)) < 1e-12 AS correlation_ok,
       max(irb_rel(g.maturity_adjustment, e.maturity_adjustment)) < 1e-12 AS ma_ok,
       max(irb_rel(g.k, e.k)) < 1e-12 AS k_ok,
       max(irb_rel(g.risk_weight, e.risk_weight)) < 1e-12 AS rw_ok,
       max(irb_rel(g.rwa, e.rwa)) < 1e-12 AS rwa_ok,
       max(irb_rel(g.expected_loss, e.expected_loss)) < 1e-12 AS el_ok,
       max(irb_rel(g.capital, e.capital)) < 1e-12 AS capital_ok
FROM irb_expected e
CROSS JOIN LATERAL risk.irb_capital(e.pd, e.lgd, e.ead, e.asset_class, e.maturity, e.sales,
                                    jsonb_build_object('regime', e.regime)) g;
-- the cases outside 1e-12 (none)
SELECT e.case_no, e.regime, e.asset_class, e.pd, e.lgd, e.maturity, e.sales, g.k, e.k
FROM irb_expected e
CROSS JOIN LATERAL risk.irb_capital(e.pd, e.lgd, e.ead, e.asset_class, e.maturity, e.sales,
                                    jsonb_build_object('regime', e.regime)) g
WHERE irb_rel(g.k, e.k) >= 1e-12 OR irb_rel(g.rwa, e.rwa) >= 1e-12 OR irb_rel(g.correlation, e.correlation) >= 1e-12;

-- a few rows as the user sees them (default regime basel3, maturity 2.5)
SELECT round(pd::numeric, 6) AS pd, round(correlation::numeric, 6) AS r,
       round(maturity_adjustment::numeric, 6) AS ma, round(k::numeric, 8) AS k,
       round(risk_weight::numeric, 6) AS rw, round(rwa::numeric, 2) AS rwa,
       round(expected_loss::numeric, 2) AS el, round(capital::numeric, 2) AS capital
FROM risk.irb_capital(0.01, 0.45, 1000000, 'corporate');
SELECT c AS asset_class, round((risk.irb_capital(0.0002, 0.45, 100, c)).pd::numeric, 6) AS pd_basel3,
       round((risk.irb_capital(0.0002, 0.45, 100, c, 2.5, NULL, '{"regime": "basel2"}')).pd::numeric, 6) AS pd_basel2,
       round((risk.irb_capital(0.0002, 0.45, 100, c, 2.5, NULL, '{"pd_floor": 0.001}')).pd::numeric, 6) AS pd_own_floor
FROM unnest(ARRAY['corporate','sovereign','bank','mortgage','qrre','qrre_transactor','other_retail']) c;
-- basel2 scales by 1.06, unless told otherwise
SELECT (risk.irb_capital(0.01, 0.45, 1, 'bank', 2.5, NULL, '{"regime": "basel2"}')).risk_weight
     / (risk.irb_capital(0.01, 0.45, 1, 'bank')).risk_weight AS ratio,
       (risk.irb_capital(0.01, 0.45, 1, 'bank', 2.5, NULL, '{"regime": "basel2", "scaling": 1}')).risk_weight
     = (risk.irb_capital(0.01, 0.45, 1, 'bank')).risk_weight AS same_unscaled;
-- defaulted: K = max(0, LGD - ELBE), EL = ELBE x EAD
SELECT (risk.irb_capital(1, 0.45, 100, 'corporate')).k AS k_elbe_is_lgd,
       (risk.irb_capital(1, 0.45, 100, 'corporate')).expected_loss AS el,
       (risk.irb_capital(1, 0.45, 100, 'corporate', 2.5, NULL, '{"elbe": 0.35}')).k AS k_elbe_035,
       (risk.irb_capital(1, 0.45, 100, 'corporate', 2.5, NULL, '{"elbe": 0.35}')).expected_loss AS el_elbe_035,
       (risk.irb_capital(1, 0.45, 100, 'corporate', 2.5, NULL, '{"elbe": 0.5}')).k AS k_elbe_above_lgd;
SELECT risk.expected_loss(0.02, 0.45, 1000) AS el, risk.expected_loss(0, 0.45, 1000) AS el_zero;
SELECT risk.irb_capital(NULL, 0.45, 1, 'corporate') IS NULL AS null_pd,
       risk.irb_capital(0.01, 0.45, 1, NULL) IS NULL AS null_class;

-- ---------------------------------------------------------------------
-- 2. The illustrative IRB risk weights of the Basel II framework (BCBS,
--    "International Convergence of Capital Measurement and Capital
--    Standards", June 2006, Annex 5: 12.5 K without the 1.06 scaling,
--    M = 2.5, SME turnover EUR 5 million; columns corporate LGD 45% at
--    turnover 50 and 5, mortgage 45% and 25%, other retail 45% and 85%,
--    QRRE 45% and 85%).  The table is printed to two decimals of a
--    percent: every value within 0.01 percentage points.
-- ---------------------------------------------------------------------
CREATE TABLE annex5_raw (line text);
COPY annex5_raw FROM :'annex5';
CREATE TABLE annex5 AS
SELECT v[1] / 100 AS pd, col, v[col + 1] AS rw_percent
FROM (SELECT string_to_array(line, ' ')::float8[] AS v FROM annex5_raw) s, generate_series(1, 8) col;
CREATE TABLE annex5_cols (col int, asset_class text, lgd float8, sales float8);
INSERT INTO annex5_cols VALUES (1, 'corporate', 0.45, 50), (2, 'corporate', 0.45, 5),
    (3, 'mortgage', 0.45, NULL), (4, 'mortgage', 0.25, NULL), (5, 'other_retail', 0.45, NULL),
    (6, 'other_retail', 0.85, NULL), (7, 'qrre', 0.45, NULL), (8, 'qrre', 0.85, NULL);
SELECT count(*) AS values_compared,
       max(abs(100 * (risk.irb_capital(a.pd, c.lgd, 1, c.asset_class, 2.5, c.sales,
                                        '{"regime": "basel2", "scaling": 1}')).risk_weight - a.rw_percent)) <= 0.01 AS within_001_pp
FROM annex5 a JOIN annex5_cols c USING (col);
SELECT a.pd, c.asset_class, c.lgd, c.sales, a.rw_percent,
       100 * (risk.irb_capital(a.pd, c.lgd, 1, c.asset_class, 2.5, c.sales, '{"regime": "basel2", "scaling": 1}')).risk_weight AS got
FROM annex5 a JOIN annex5_cols c USING (col)
WHERE abs(100 * (risk.irb_capital(a.pd, c.lgd, 1, c.asset_class, 2.5, c.sales,
                                  '{"regime": "basel2", "scaling": 1}')).risk_weight - a.rw_percent) > 0.01;

-- ---------------------------------------------------------------------
-- 3. The portfolio aggregate: sums of risk.irb_capital, parallel = serial
-- ---------------------------------------------------------------------
CREATE TABLE irb_book AS
SELECT i, regime, asset_class, pd, lgd, ead, maturity, sales FROM irb_expected e
CROSS JOIN generate_series(1, 20) i WHERE e.pd < 1 OR e.regime = 'basel3';
ANALYZE irb_book;
CREATE TABLE irb_sums AS
SELECT regime, count(*) AS n, sum(ead) AS ead, sum(g.expected_loss) AS el, sum(g.rwa) AS rwa, sum(g.capital) AS capital
FROM irb_book b CROSS JOIN LATERAL risk.irb_capital(b.pd, b.lgd, b.ead, b.asset_class, b.maturity, b.sales,
                                                    jsonb_build_object('regime', b.regime)) g
GROUP BY regime;
CREATE TABLE irb_serial AS
SELECT regime, (risk.irb_portfolio(pd, lgd, ead, asset_class, maturity, sales,
                                   jsonb_build_object('regime', regime))).* FROM irb_book GROUP BY regime;
SELECT s.regime, p.exposures = s.n AS n_ok, irb_rel(p.ead, s.ead) < 1e-12 AS ead_ok,
       irb_rel(p.expected_loss, s.el) < 1e-12 AS el_ok, irb_rel(p.rwa, s.rwa) < 1e-12 AS rwa_ok,
       irb_rel(p.capital, s.capital) < 1e-12 AS capital_ok, irb_rel(p.risk_weight, s.rwa / s.ead) < 1e-12 AS rw_ok
FROM irb_sums s JOIN irb_serial p USING (regime) ORDER BY 1;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET force_parallel_mode = on;
EXPLAIN (COSTS OFF) SELECT risk.irb_portfolio(pd, lgd, ead, asset_class) FROM irb_book;
CREATE TABLE irb_parallel AS
SELECT regime, (risk.irb_portfolio(pd, lgd, ead, asset_class, maturity, sales,
                                   jsonb_build_object('regime', regime))).* FROM irb_book GROUP BY regime;
SELECT s.regime, p.exposures = s.exposures AS n_same, irb_rel(p.ead, s.ead) < 1e-13 AS ead_same,
       irb_rel(p.rwa, s.rwa) < 1e-13 AS rwa_same, irb_rel(p.capital, s.capital) < 1e-13 AS capital_same,
       irb_rel(p.expected_loss, s.expected_loss) < 1e-13 AS el_same
FROM irb_serial s JOIN irb_parallel p USING (regime) ORDER BY 1;
RESET force_parallel_mode;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
-- the short forms, NULL rows skipped, no row: NULL
SELECT (risk.irb_portfolio(pd, lgd, ead, asset_class)).exposures AS n4,
       (risk.irb_portfolio(pd, lgd, ead, asset_class, maturity)).exposures AS n5
FROM (VALUES (0.01, 0.45, 100.0, 'corporate', 3.0), (NULL, 0.45, 100.0, 'bank', 2.5),
             (0.02, 0.3, 50.0, 'mortgage', 2.5)) v(pd, lgd, ead, asset_class, maturity);
SELECT risk.irb_portfolio(pd, lgd, ead, asset_class) IS NULL AS empty FROM irb_book WHERE false;

-- ---------------------------------------------------------------------
-- 4. Bad input: an error with its code and the value
-- ---------------------------------------------------------------------
-- each statement's SQLSTATE and message
CREATE OR REPLACE FUNCTION irb_err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT q AS statement, irb_err(q) AS error FROM (VALUES
    ($q$SELECT risk.irb_capital(1.5, 0.45, 100, 'corporate')$q$),
    ($q$SELECT risk.irb_capital(-0.01, 0.45, 100, 'corporate')$q$),
    ($q$SELECT risk.irb_capital('NaN', 0.45, 100, 'corporate')$q$),
    ($q$SELECT risk.irb_capital(0.01, 1.2, 100, 'corporate')$q$),
    ($q$SELECT risk.irb_capital(0.01, 'Infinity', 100, 'corporate')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, -5, 'corporate')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, '-Infinity', 'corporate')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 0.5)$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 7)$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', NULL)$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'retail')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'mortgage', 2.5, 10)$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, -1)$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, 'NaN')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, NULL, NULL)$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"regime": "basel4"}')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"regime": 3}')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"scaling": 0}')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"pd_floor": 1}')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"elbe": 2}')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, NULL, '{"delta": 2}')$q$),
    ($q$SELECT risk.irb_capital(0.01, 0.45, 100, 'corporate', 2.5, NULL, '[1]')$q$),
    ($q$SELECT risk.irb_capital(0, 0.45, 100, 'sovereign')$q$),
    ($q$SELECT risk.irb_capital(1e-9, 0.45, 100, 'corporate', 2.5, NULL, '{"pd_floor": 0}')$q$),
    ($q$SELECT risk.expected_loss(2, 0.45, 100)$q$),
    ($q$SELECT risk.expected_loss(0.01, -0.1, 100)$q$),
    ($q$SELECT risk.expected_loss(0.01, 0.45, 'NaN')$q$),
    ($q$SELECT risk.irb_portfolio(pd, lgd, ead, asset_class) FROM (VALUES (0.01, 0.45, 100.0, 'corporates')) v(pd, lgd, ead, asset_class)$q$)
) v(q);
