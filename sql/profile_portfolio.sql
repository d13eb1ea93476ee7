--
-- risk.portfolio_risk: the risk of a customer's portfolio (docs/profile.md,
-- "Portfolio risk").  Reference values from
-- test/data/profile_portfolio_reference.py (NumPy, computed independently):
-- the historical figures within 1e-12 relative, the bootstrap within its
-- standard errors.  Then: equality with risk.var_historical and
-- risk.es_historical over the same P&L, parallel = serial, GROUP BY = one
-- customer at a time, the seed, the rules for missing returns, and every
-- bad input an error with its message.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set pf_returns_csv :abs_srcdir '/test/data/profile_portfolio_returns.csv'
\set pf_holdings_csv :abs_srcdir '/test/data/profile_portfolio_holdings.csv'
\set pf_expected_csv :abs_srcdir '/test/data/profile_portfolio_expected.csv'
\set pf_bootstrap_csv :abs_srcdir '/test/data/profile_portfolio_bootstrap.csv'

CREATE TABLE pf_returns (product int, day int, r float8);
COPY pf_returns FROM :'pf_returns_csv' (FORMAT csv, HEADER);
CREATE TABLE pf_holdings (customer int, product int, amount float8);
COPY pf_holdings FROM :'pf_holdings_csv' (FORMAT csv, HEADER);
CREATE TABLE pf_expected (customer int, missing text, level float8, holdings int, value float8,
                          days int, var float8, es float8);
COPY pf_expected FROM :'pf_expected_csv' (FORMAT csv, HEADER);
CREATE TABLE pf_bootstrap (case_no int, customer int, missing text, level float8, horizon_days int,
                           n_paths int, seed int, loss_limit float8, ref_paths int, p_loss float8,
                           p_loss_se float8, horizon_var float8, var_tol float8, horizon_es float8,
                           es_tol float8);
COPY pf_bootstrap FROM :'pf_bootstrap_csv' (FORMAT csv, HEADER);

-- each product's returns as one array: element t is day t (NULL: no price)
CREATE TABLE pf_products AS
SELECT product, array_agg(r ORDER BY day) AS returns FROM pf_returns GROUP BY product;
SELECT product, cardinality(returns) AS days, cardinality(returns) - cardinality(array_remove(returns, NULL)) AS without_price
FROM pf_products ORDER BY product;
SELECT customer, count(*) AS holdings, sum(amount) AS value FROM pf_holdings GROUP BY customer ORDER BY customer;

-- ---------------------------------------------------------------------
-- 1. The historical figures against NumPy: 5 customers, both rules for
--    missing returns, levels 0.99, 0.95 and 0.9
-- ---------------------------------------------------------------------
CREATE TEMP TABLE pf_hist AS
SELECT e.*, x.p
FROM pf_expected e,
     LATERAL (SELECT risk.portfolio_risk(h.amount, pr.returns,
                                         jsonb_build_object('level', e.level, 'missing', e.missing, 'n_paths', 0)) AS p
              FROM pf_holdings h JOIN pf_products pr USING (product)
              WHERE h.customer = e.customer) x;
SELECT count(*) AS cases,
       bool_and((p).holdings = holdings) AS holdings,
       bool_and((p).value = value) AS value,
       bool_and((p).days = days) AS days,
       bool_and(relerr((p).var, var) < 1e-12) AS var,
       bool_and(relerr((p).es, es) < 1e-12) AS es,
       max(greatest(relerr((p).var, var), relerr((p).es, es))) < 1e-12 AS worst_below_1e12
FROM pf_hist;
-- what one customer's rows give (the bootstrap's columns NULL: n_paths 0)
SELECT customer, missing, level, (p).holdings, (p).value, (p).days, round((p).var::numeric, 6) AS var,
       round((p).es::numeric, 6) AS es, (p).horizon_var, (p).p_loss
FROM pf_hist WHERE customer = 3 ORDER BY missing, level DESC;

-- ---------------------------------------------------------------------
-- 2. The portfolio VaR and ES are risk.var_historical and
--    risk.es_historical of the P&L sum(amount * r) on the aligned days,
--    exactly (the same sums in the same order: ORDER BY product, amount
--    in both; the P&L in calendar order in both)
-- ---------------------------------------------------------------------
CREATE TEMP TABLE pf_pnl AS
SELECT h.customer, d.day, sum(h.amount * d.r ORDER BY h.product, h.amount) AS pnl,
       count(d.r) AS with_return, count(*) AS holdings
FROM pf_holdings h JOIN pf_returns d USING (product)
GROUP BY h.customer, d.day;
SELECT s.customer, s.missing, s.level, s.days,
       (p).var = s.var AS var_equals_var_historical,
       (p).es = s.es AS es_equals_es_historical
FROM (SELECT customer, m.missing, l.level,
             count(*) FILTER (WHERE m.missing = 'zero' OR with_return = holdings) AS days,
             risk.var_historical(pnl, l.level ORDER BY day) FILTER (WHERE m.missing = 'zero' OR with_return = holdings) AS var,
             risk.es_historical(pnl, l.level ORDER BY day) FILTER (WHERE m.missing = 'zero' OR with_return = holdings) AS es
      FROM pf_pnl, (VALUES ('drop'), ('zero')) m(missing), (VALUES (0.99), (0.95)) l(level)
      GROUP BY customer, m.missing, l.level) s,
     LATERAL (SELECT risk.portfolio_risk(h.amount, pr.returns,
                                         jsonb_build_object('level', s.level, 'missing', s.missing, 'n_paths', 0)
                                         ORDER BY h.product, h.amount) AS p
              FROM pf_holdings h JOIN pf_products pr USING (product)
              WHERE h.customer = s.customer) x
ORDER BY 1, 2, 3 DESC;

-- ---------------------------------------------------------------------
-- 3. The bootstrap against 2,000,000 NumPy paths: the probability of a
--    loss beyond the limit within 3 of our standard errors plus 3 of the
--    reference's; the horizon VaR and ES within 4 standard errors of both
--    simulations (the tolerances: see the reference script)
-- ---------------------------------------------------------------------
CREATE TEMP TABLE pf_boot AS
SELECT b.*, x.p
FROM pf_bootstrap b,
     LATERAL (SELECT risk.portfolio_risk(h.amount, pr.returns,
                                         jsonb_build_object('level', b.level, 'missing', b.missing,
                                                            'horizon_days', b.horizon_days, 'n_paths', b.n_paths,
                                                            'seed', b.seed, 'loss_limit', b.loss_limit)) AS p
              FROM pf_holdings h JOIN pf_products pr USING (product)
              WHERE h.customer = b.customer) x;
SELECT case_no, customer, missing, level, horizon_days, n_paths,
       abs((p).p_loss - p_loss) <= 3 * (p).p_loss_se + 3 * p_loss_se AS p_loss_within_3_se,
       (p).p_loss_se = sqrt((p).p_loss * (1 - (p).p_loss) / n_paths) AS se_is_binomial,
       abs((p).horizon_var - horizon_var) <= var_tol AS horizon_var_within_tol,
       abs((p).horizon_es - horizon_es) <= es_tol AS horizon_es_within_tol,
       (p).horizon_es >= (p).horizon_var AS es_at_least_var,
       round((p).p_loss::numeric, 4) AS p_loss, round(p_loss::numeric, 4) AS numpy_p_loss
FROM pf_boot ORDER BY case_no;

-- ---------------------------------------------------------------------
-- 4. The seed: the same seed gives the same result, another seed another;
--    the order of the holdings changes nothing beyond rounding
-- ---------------------------------------------------------------------
SELECT (SELECT risk.portfolio_risk(h.amount, pr.returns, '{"seed": 5, "n_paths": 2000, "loss_limit": 500}')
        FROM pf_holdings h JOIN pf_products pr USING (product) WHERE customer = 5)::text
     = (SELECT risk.portfolio_risk(h.amount, pr.returns, '{"seed": 5, "n_paths": 2000, "loss_limit": 500}')
        FROM pf_holdings h JOIN pf_products pr USING (product) WHERE customer = 5)::text AS same_seed_same_result,
       (SELECT (risk.portfolio_risk(h.amount, pr.returns, '{"seed": 5, "n_paths": 2000}')).horizon_var
        FROM pf_holdings h JOIN pf_products pr USING (product) WHERE customer = 5)
    <> (SELECT (risk.portfolio_risk(h.amount, pr.returns, '{"seed": 6, "n_paths": 2000}')).horizon_var
        FROM pf_holdings h JOIN pf_products pr USING (product) WHERE customer = 5) AS other_seed_other_result;
SELECT relerr((a).var, (b).var) < 1e-13 AND relerr((a).es, (b).es) < 1e-13
       AND relerr((a).horizon_var, (b).horizon_var) < 1e-12 AND relerr((a).horizon_es, (b).horizon_es) < 1e-12
       AND (a).value = (b).value AND (a).days = (b).days AS holdings_order_does_not_matter
FROM (SELECT risk.portfolio_risk(h.amount, pr.returns, '{"n_paths": 2000}' ORDER BY h.product, h.amount) AS a,
             risk.portfolio_risk(h.amount, pr.returns, '{"n_paths": 2000}' ORDER BY h.product DESC, h.amount DESC) AS b
      FROM pf_holdings h JOIN pf_products pr USING (product) WHERE customer = 5) s;

-- as a window function the final function runs on the live state, row
-- after row: it leaves it as it was (each row = the plain aggregate of
-- the holdings so far)
SELECT count(*) AS rows,
       bool_and(w::text = (SELECT risk.portfolio_risk(h2.amount, pr2.returns, '{"n_paths": 500, "loss_limit": 300}'
                                                      ORDER BY h2.product, h2.amount)
                           FROM pf_holdings h2 JOIN pf_products pr2 USING (product)
                           WHERE h2.customer = 5 AND (h2.product, h2.amount) <= (s.product, s.amount))::text)
           AS window_rows_equal_plain_aggregates
FROM (SELECT h.product, h.amount,
             risk.portfolio_risk(h.amount, pr.returns, '{"n_paths": 500, "loss_limit": 300}')
                 OVER (ORDER BY h.product, h.amount) AS w
      FROM pf_holdings h JOIN pf_products pr USING (product) WHERE h.customer = 5) s;

-- ---------------------------------------------------------------------
-- 5. Many customers: GROUP BY = one customer at a time; parallel =
--    serial (partial states in two workers, serialized and combined)
-- ---------------------------------------------------------------------
-- 400 customers of 8 holdings, each product's returns stored with the
-- holding (out of line: 320 days), rows in a scrambled order so that a
-- customer's holdings lie in both workers' blocks
CREATE TABLE pf_many (customer int, product int, amount float8, returns float8[])
    WITH (parallel_workers = 2);
INSERT INTO pf_many
SELECT c, pr.product, 1000 + (c * 37 + k * 101) % 9000, pr.returns
FROM generate_series(1, 400) c, generate_series(1, 8) k
JOIN pf_products pr ON pr.product = 1 + (k * 5 + k / 3) % 6
ORDER BY md5((c * 8 + k)::text);
ANALYZE pf_many;
\set pf_options '''{"n_paths": 300, "horizon_days": 20, "loss_limit": 1500, "wealth": 500000, "seed": 3}'''

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE pf_serial AS
SELECT customer, risk.portfolio_risk(amount, returns, :pf_options) AS p FROM pf_many GROUP BY customer;
CREATE TEMP TABLE pf_serial_all AS
SELECT risk.portfolio_risk(amount, returns, :pf_options) AS p FROM pf_many;
SELECT count(*) AS customers,
       bool_and(relerr((s.p).var, (o.p).var) < 1e-12 AND relerr((s.p).es, (o.p).es) < 1e-12
                AND (s.p).holdings = (o.p).holdings AND (s.p).days = (o.p).days
                AND relerr((s.p).value, (o.p).value) < 1e-15
                AND relerr((s.p).var_share, (o.p).var_share) < 1e-12
                AND relerr((s.p).horizon_var, (o.p).horizon_var) < 1e-12
                AND relerr((s.p).horizon_es, (o.p).horizon_es) < 1e-12
                AND (s.p).p_loss = (o.p).p_loss) AS group_by_equals_one_by_one
FROM pf_serial s,
     LATERAL (SELECT risk.portfolio_risk(amount, returns, :pf_options) AS p
              FROM pf_many m WHERE m.customer = s.customer) o;

-- parallel: a partial state is as long as the calendar, so the planner
-- aggregates in the workers only groups of many rows (COST 100 on the
-- support functions, see src/sql/96_profile.sql): four books of 10,000
-- holdings (the products' returns joined in), and the whole of pf_many
CREATE TABLE pf_books (book int, product int, amount float8) WITH (parallel_workers = 2);
INSERT INTO pf_books
SELECT i % 4, 1 + (i * 7) % 6, 100 + (i * 7919) % 5000 FROM generate_series(1, 40000) i ORDER BY md5(i::text);
ANALYZE pf_books;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE pf_serial_books AS
SELECT book, risk.portfolio_risk(amount, returns, :pf_options) AS p
FROM pf_books JOIN pf_products USING (product) GROUP BY book;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT book, risk.portfolio_risk(amount, returns, :pf_options) FROM pf_books JOIN pf_products USING (product) GROUP BY book;
CREATE TEMP TABLE pf_parallel_books AS
SELECT book, risk.portfolio_risk(amount, returns, :pf_options) AS p
FROM pf_books JOIN pf_products USING (product) GROUP BY book;
EXPLAIN (COSTS OFF)
SELECT risk.portfolio_risk(amount, returns, :pf_options) FROM pf_many;
CREATE TEMP TABLE pf_parallel_all AS
SELECT risk.portfolio_risk(amount, returns, :pf_options) AS p FROM pf_many;
-- customers of 8 holdings: the workers scan, the leader aggregates
EXPLAIN (COSTS OFF)
SELECT customer, risk.portfolio_risk(amount, returns, :pf_options) FROM pf_many GROUP BY customer;
CREATE TEMP TABLE pf_parallel AS
SELECT customer, risk.portfolio_risk(amount, returns, :pf_options) AS p FROM pf_many GROUP BY customer;
RESET ALL;
CREATE TEMP TABLE pf_compare AS
SELECT 'customers' AS grouping, s.p AS s, q.p AS q FROM pf_serial s JOIN pf_parallel q USING (customer)
UNION ALL SELECT 'books', s.p, q.p FROM pf_serial_books s JOIN pf_parallel_books q USING (book)
UNION ALL SELECT 'whole table', s.p, q.p FROM pf_serial_all s, pf_parallel_all q;
SELECT grouping, count(*) AS groups, min((s).holdings) AS holdings,
       bool_and((s).holdings = (q).holdings AND (s).days = (q).days) AS counts_equal,
       bool_and(relerr((q).value, (s).value) < 1e-15) AS value,
       bool_and(relerr((q).var, (s).var) < 1e-9 AND relerr((q).es, (s).es) < 1e-9) AS var_es,
       bool_and(relerr((q).var_share, (s).var_share) < 1e-9 AND relerr((q).es_share, (s).es_share) < 1e-9) AS shares,
       bool_and(relerr((q).horizon_var, (s).horizon_var) < 1e-9
                AND relerr((q).horizon_es, (s).horizon_es) < 1e-9) AS horizon,
       bool_and((q).p_loss = (s).p_loss AND (q).p_loss_se = (s).p_loss_se) AS p_loss
FROM pf_compare GROUP BY grouping ORDER BY groups;

-- ---------------------------------------------------------------------
-- 6. The rules for missing returns, by hand: two holdings on 5 days,
--    level 0.5 (the quantile is the median)
-- ---------------------------------------------------------------------
--   day:                1      2     3      4      5
--   A, 1000:         0.01   NULL -0.02   0.03  -0.01
--   B, 2000:         0.02   0.01  NULL  -0.01   0.00
--   drop: days 1, 4, 5, P&L 50, 10, -10: median 10, VaR -10, ES 10 (the mean of -10)
--   zero: P&L 50, 20, -20, 10, -10: median 10, VaR -10, ES 15 (the mean of -20, -10)
CREATE TEMP TABLE pf_small (holding text, amount float8, returns float8[]);
INSERT INTO pf_small VALUES ('A', 1000, '{0.01,NULL,-0.02,0.03,-0.01}'), ('B', 2000, '{0.02,0.01,NULL,-0.01,0.00}');
SELECT m AS missing, (p).holdings, (p).value, (p).days, round((p).var::numeric, 10) AS var, round((p).es::numeric, 10) AS es
FROM (VALUES ('drop'), ('zero')) v(m),
     LATERAL (SELECT risk.portfolio_risk(amount, returns,
                                         jsonb_build_object('missing', m, 'level', 0.5, 'min_days', 1, 'n_paths', 0)) AS p
              FROM pf_small) x
ORDER BY 1;
-- the wealth gives the shares; JSON null is the default
SELECT (p).var_share = (p).var / 20000 AS var_share, (p).es_share = (p).es / 20000 AS es_share,
       (q).var_share IS NULL AS no_wealth_no_share
FROM (SELECT risk.portfolio_risk(amount, returns, '{"missing": "zero", "level": 0.5, "min_days": 1, "n_paths": 0, "wealth": 20000}') AS p,
             risk.portfolio_risk(amount, returns, '{"missing": "zero", "level": 0.5, "min_days": 1, "n_paths": 0, "wealth": null}') AS q
      FROM pf_small) s;
-- NULL amount or NULL returns: the row is left out; no row left: NULL
SELECT (risk.portfolio_risk(amount, returns, '{"missing": "zero", "min_days": 1, "n_paths": 0}')).holdings AS holdings_used
FROM (SELECT amount, returns FROM pf_small UNION ALL SELECT NULL, '{0.5,0.5,0.5,0.5,0.5}'
      UNION ALL SELECT 5000, NULL) s;
SELECT risk.portfolio_risk(amount, returns) IS NULL AS empty_group_null FROM pf_small WHERE false;
SELECT risk.portfolio_risk(amount, returns) IS NULL AS all_null_null FROM (VALUES (NULL::float8, NULL::float8[])) v(amount, returns);
-- the defaults: 250 aligned days are needed
SELECT (risk.portfolio_risk(h.amount, pr.returns)).days AS default_days, (risk.portfolio_risk(h.amount, pr.returns)).horizon_var IS NOT NULL AS bootstrapped
FROM pf_holdings h JOIN pf_products pr USING (product) WHERE customer = 1;

-- ---------------------------------------------------------------------
-- 7. Bad input: an error with its SQLSTATE and the offending value
-- ---------------------------------------------------------------------
-- amounts
SELECT a AS amount, try(format('SELECT risk.portfolio_risk(%s::float8, returns) FROM pf_small', a))
FROM unnest(ARRAY['0', '-5', '''NaN''', '''Infinity''', '''-Infinity''']) a;
-- returns that are not finite, arrays of other lengths or shapes
SELECT try($$SELECT risk.portfolio_risk(amount, returns, '{"min_days": 1}') FROM (VALUES (1000, '{0.01,0.02}'::float8[]), (500, '{0.01,NaN}')) v(amount, returns)$$);
SELECT try($$SELECT risk.portfolio_risk(amount, returns, '{"min_days": 1}') FROM (VALUES (1000, '{Infinity,NULL,0.01}'::float8[])) v(amount, returns)$$);
SELECT try($$SELECT risk.portfolio_risk(amount, returns, '{"min_days": 1}') FROM (VALUES (1000, '{0.01,NULL,-Infinity}'::float8[])) v(amount, returns)$$);
SELECT try($$SELECT risk.portfolio_risk(amount, returns, '{"min_days": 1}') FROM (VALUES (1000, '{0.01,0.02,0.03}'::float8[]), (500, '{0.01,0.02}')) v(amount, returns)$$);
SELECT try($$SELECT risk.portfolio_risk(amount, returns, '{"min_days": 1}') FROM (VALUES (1000, '{{0.01,0.02},{0.03,0.04}}'::float8[])) v(amount, returns)$$);
-- options
SELECT o AS options, try(format('SELECT risk.portfolio_risk(amount, returns, %L) FROM pf_small', o))
FROM unnest(ARRAY['[1]', '"x"', '{"levle": 0.99}', '{"level": 0.01}', '{"level": 1}', '{"level": "0.99"}',
                  '{"wealth": 0}', '{"wealth": -1000}', '{"wealth": "lots"}', '{"horizon_days": 0}',
                  '{"horizon_days": 2.5}', '{"horizon_days": 100000}', '{"n_paths": -1}', '{"n_paths": 1e9}',
                  '{"seed": 0}', '{"seed": 1.5}', '{"seed": 4294967296}', '{"loss_limit": -100}',
                  '{"loss_limit": [1]}', '{"min_days": 0}', '{"missing": "skip"}', '{"missing": 1}']) o;
-- options changing from row to row
SELECT try($$SELECT risk.portfolio_risk(amount, returns, CASE WHEN holding = 'A' THEN '{"seed": 1}' ELSE '{"seed": 2}' END::jsonb) FROM pf_small$$);
SELECT try($$SELECT risk.portfolio_risk(amount, returns, CASE WHEN holding = 'A' THEN '{"seed": 1}'::jsonb END) FROM pf_small$$);
-- too few aligned days, with what to do
\set VERBOSITY default
SELECT risk.portfolio_risk(amount, returns) FROM pf_small;
SELECT risk.portfolio_risk(amount, returns, '{"min_days": 5}') FROM pf_small;
SELECT risk.portfolio_risk(amount, returns, '{"min_days": 6, "missing": "zero"}') FROM pf_small;
SELECT risk.portfolio_risk(amount, returns, '{"min_days": 1}') FROM (VALUES (1000, '{0.01,NULL,NaN}'::float8[])) v(amount, returns);
SELECT risk.portfolio_risk(amount, returns, '{"level": 0.05}') FROM pf_small;
\set VERBOSITY terse
-- the P&L overflows: an error, not a number
SELECT try($$SELECT risk.portfolio_risk(amount, returns, '{"min_days": 1}') FROM (VALUES (1e308, '{1e10,1}'::float8[]), (1e308, '{1e10,1}')) v(amount, returns)$$);

-- a long bootstrap (10,000,000 paths of 10,000 days) stops at a cancel
SET statement_timeout = '300ms';
SELECT risk.portfolio_risk(amount, returns, '{"min_days": 1, "missing": "zero", "n_paths": 10000000, "horizon_days": 10000}') FROM pf_small;
RESET statement_timeout;
SELECT (risk.portfolio_risk(amount, returns, '{"min_days": 1, "missing": "zero", "n_paths": 10}')).holdings AS still_works FROM pf_small;

DROP TABLE pf_many, pf_books, pf_products, pf_returns, pf_holdings, pf_expected, pf_bootstrap;
