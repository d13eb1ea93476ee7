-- Personalized risk (docs/profile.md): a product catalogue with price
-- histories, 2,000 customers with their answers, situation and holdings;
-- the products' PRIIPs risk classes, the customers' profiles, the risk of
-- their portfolios against what they can bear, a suitability report with
-- reasons, recommendations, and an early warning for the portfolios that
-- no longer fit.  Run after demo/sample_data.sql (it makes its own data);
-- demo/charts.sql draws each portfolio's risk against the tolerated loss.
\set ON_ERROR_STOP 1
\pset footer off
SELECT setseed(0.1717);

\echo
\echo '== Personalized risk: products, profiles, portfolios and suitability'

-- the catalogue: yearly volatility and drift, recommended holding period
-- (years), credit risk class of the issuer, complex or not
CREATE TABLE catalogue (product text PRIMARY KEY, vol float8, drift float8, rhp float8, crm int,
                        complex boolean, expected_return float8);
INSERT INTO catalogue VALUES
    ('money_market',     0.003, 0.02,  0.25, 1, false, 0.02),
    ('short_bond',       0.025, 0.03,  1,    2, false, 0.03),
    ('bond_fund',        0.07,  0.035, 3,    2, false, 0.04),
    ('balanced_fund',    0.11,  0.05,  5,    2, false, 0.055),
    ('equity_fund',      0.18,  0.07,  5,    2, false, 0.07),
    ('em_equity',        0.27,  0.08,  7,    2, false, 0.09),
    ('structured_note',  0.12,  0.04,  5,    3, true,  0.05),
    ('crypto_basket',    0.85,  0.15,  3,    4, true,  0.2);
-- 756 trading days of prices (Gaussian log returns, fat-tailed for the
-- equity funds); the last 500 days' simple returns form the calendar the
-- portfolios share (bond_fund has no price on some days)
CREATE TABLE prices AS
SELECT c.product, d.day,
       100 * exp(sum((c.drift - c.vol ^ 2 / 2) / 256
                     + c.vol / 16 * sqrt(-2 * ln(1 - d.u1)) * cos(2 * pi() * d.u2)
                       * CASE WHEN c.product LIKE '%equity%' AND d.u3 < 0.03 THEN 2.5 ELSE 1 END)
                 OVER (PARTITION BY c.product ORDER BY d.day)) AS price
FROM catalogue c,
     LATERAL (SELECT g AS day, random() AS u1, random() AS u2, random() AS u3
              FROM generate_series(1, 756) g) d;
CREATE TABLE product_risk AS
SELECT c.product, c.rhp, c.crm, c.complex, c.expected_return, m.volatility * 16 AS yearly_vol,
       m.vev, m.mrm, risk.priips_sri(m.mrm, c.crm) AS sri
FROM catalogue c,
     LATERAL (SELECT (risk.priips_market_risk(p.price, 'daily', c.rhp ORDER BY p.day)).*
              FROM prices p WHERE p.product = c.product AND p.day > 756 - 513) m;
\echo
\echo '-- the products'' PRIIPs market risk measure (2 years of daily prices) and summary risk indicator'
SELECT product, round(yearly_vol::numeric, 4) AS yearly_vol, round(vev::numeric, 4) AS vev, mrm, crm, sri,
       complex, rhp AS rhp_years
FROM product_risk ORDER BY sri, product;

CREATE TABLE product_returns AS
SELECT product,
       array_agg(CASE WHEN product = 'bond_fund' AND day % 97 = 0 THEN NULL ELSE r END ORDER BY day) AS returns
FROM (SELECT product, day, price / lag(price) OVER (PARTITION BY product ORDER BY day) - 1 AS r
      FROM prices) x
WHERE day > 256
GROUP BY product;

-- 2,000 customers: answers to the sample questionnaire and a situation
CREATE TABLE customers AS
SELECT c AS customer,
       jsonb_build_object(
           'objective', (ARRAY['preserve', 'income', 'balanced', 'growth', 'max_growth'])[1 + floor(random() ^ 0.8 * 5)::int],
           'fall', (ARRAY['sell_all', 'sell_some', 'hold', 'buy_more'])[1 + floor(random() * 4)::int],
           'loss', (ARRAY['none', 'up_to_5', 'up_to_10', 'up_to_20', 'over_20'])[1 + floor(random() ^ 1.2 * 5)::int],
           'priority', (ARRAY['safety', 'mostly_safety', 'balance', 'mostly_return', 'return'])[1 + floor(random() * 5)::int],
           'knowledge', (ARRAY['none', 'basic', 'good'])[1 + floor(random() * 3)::int],
           'experience', (ARRAY['none', 'under_3', '3_or_more'])[1 + floor(random() * 3)::int],
           'complex', (ARRAY['never', 'never', 'occasionally', 'regularly'])[1 + floor(random() * 4)::int]) AS answers,
       jsonb_build_object(
           'horizon_years', (ARRAY[0.5, 1, 2, 3, 5, 7, 10, 15, 25])[1 + floor(random() * 9)::int],
           'annual_income', round(exp(10.6 + 0.5 * random() + 0.4 * random())::numeric, -2),
           'income_stability', (ARRAY['stable', 'stable', 'variable', 'none'])[1 + floor(random() * 4)::int],
           'investable_wealth', round(exp(9.5 + 3 * random())::numeric, -2),
           'monthly_expenses', round((1200 + 2500 * random())::numeric, -1),
           'monthly_debt_service', round((CASE WHEN random() < 0.4 THEN 1500 * random() ELSE 0 END)::numeric, -1),
           'dependants', floor(random() * 3.5)::int) AS situation
FROM generate_series(1, 2000) c;
CREATE TABLE profiles AS
SELECT c.customer, p.* FROM customers c, risk.risk_profile(c.answers, c.situation) p;
\echo
\echo '-- the customers'' risk classes (capacity caps willingness: which binds)'
SELECT risk_class, count(*) AS customers,
       count(*) FILTER (WHERE binding = 'willingness') AS willingness_binds,
       count(*) FILTER (WHERE binding = 'capacity') AS capacity_binds,
       count(*) FILTER (WHERE binding = 'both') AS both,
       round(avg(tolerated_share)::numeric, 4) AS mean_tolerated_share
FROM profiles GROUP BY risk_class ORDER BY risk_class;
\echo
\echo '-- answers or situations that contradict each other (ESMA: to be clarified with the customer)'
SELECT f AS flag, count(*) AS customers FROM profiles, unnest(flags) f GROUP BY f ORDER BY 2 DESC, 1;

-- holdings: 2 to 4 products each, part of the investable wealth; chosen
-- mostly near the customer's class, as advisors mostly do, not always
CREATE TABLE holdings AS
SELECT c.customer, x.product,
       round(((c.situation->>'investable_wealth')::float8 * (0.3 + 0.6 * x.u) * x.w
              / sum(x.w) OVER (PARTITION BY c.customer))::numeric, 2)::float8 AS amount
FROM customers c JOIN profiles f USING (customer),
     LATERAL (SELECT p.product, random() AS w, random() AS u
              FROM product_risk p
              ORDER BY random() + 0.3 * abs(p.sri - f.risk_class) + c.customer * 0
              LIMIT 2 + floor(random() * 3)::int) x;
-- each portfolio's risk: 1-day historical VaR on the aligned days, and the
-- one-year loss from a bootstrap (1,000 paths) with the probability of
-- losing more than the tolerated loss
CREATE TABLE portfolio_fit AS
SELECT h.customer, f.risk_class, f.tolerated_loss, f.tolerated_share,
       risk.portfolio_risk(h.amount, pr.returns,
                           jsonb_build_object('wealth', (c.situation->>'investable_wealth')::float8,
                                              'loss_limit', f.tolerated_loss, 'n_paths', 1000,
                                              'seed', h.customer)) AS r
FROM holdings h JOIN profiles f USING (customer) JOIN customers c USING (customer)
     JOIN product_returns pr USING (product)
GROUP BY h.customer, f.risk_class, f.tolerated_loss, f.tolerated_share;
\echo
\echo '-- portfolios against what their owners can bear: one-year 99% loss (bootstrap) above the tolerated loss'
SELECT risk_class, count(*) AS customers,
       count(*) FILTER (WHERE (r).horizon_var > tolerated_loss) AS beyond_tolerated_loss,
       round(avg((r).var_share)::numeric, 4) AS mean_1d_var_share,
       round(avg((r).p_loss)::numeric, 3) AS mean_p_loss_beyond_tolerated
FROM portfolio_fit GROUP BY risk_class ORDER BY risk_class;

-- the suitability of every portfolio as it stands, recorded
CREATE TABLE verdicts AS
SELECT h.customer,
       risk.check_suitability('C-' || h.customer, f.p, array_agg(pr.sri ORDER BY h.product),
                              array_agg(pr.rhp ORDER BY h.product), array_agg(pr.complex ORDER BY h.product),
                              array_agg(h.amount ORDER BY h.product), (pf.r).horizon_var) AS s
FROM holdings h JOIN product_risk pr USING (product) JOIN portfolio_fit pf USING (customer)
     JOIN (SELECT customer, p FROM customers c, LATERAL risk.risk_profile(c.answers, c.situation) p) f USING (customer)
GROUP BY h.customer, f.p, pf.r;
\echo
\echo '-- the suitability report: verdicts, and the factors that failed or warned'
SELECT (s).verdict, count(*) AS portfolios FROM verdicts GROUP BY 1 ORDER BY 2 DESC;
SELECT f AS factor, count(*) AS portfolios FROM verdicts, unnest((s).factors) f GROUP BY f ORDER BY 2 DESC, 1;
\echo
\echo '-- the reasons for one unsuitable portfolio, as an advisor''s screen reads them'
SELECT customer, (s).verdict, r->>'factor' AS factor, r->>'holding' AS holding, r->>'severity' AS severity,
       round((r->>'value')::numeric, 2) AS value, round((r->>'limit')::numeric, 2) AS "limit"
FROM (SELECT * FROM verdicts WHERE (s).verdict = 'not suitable' AND cardinality((s).factors) >= 2
      ORDER BY customer LIMIT 1) v, jsonb_array_elements((s).reasons) r;
SELECT count(*) AS recorded_checks FROM risk.suitability_audit;

\echo
\echo '-- recommendations for that customer: the suitable products by return per unit of risk'
SELECT r.rank, r.product, r.risk_class, r.expected_return, round(r.volatility::numeric, 4) AS vev,
       round(r.return_per_risk::numeric, 2) AS return_per_risk
FROM (SELECT customer FROM verdicts WHERE (s).verdict = 'not suitable' AND cardinality((s).factors) >= 2
      ORDER BY customer LIMIT 1) v
     JOIN customers c USING (customer),
     LATERAL risk.recommend_products(risk.risk_profile(c.answers, c.situation),
                                     (SELECT array_agg(product ORDER BY product) FROM product_risk),
                                     (SELECT array_agg(sri ORDER BY product) FROM product_risk),
                                     (SELECT array_agg(rhp ORDER BY product) FROM product_risk),
                                     (SELECT array_agg(complex ORDER BY product) FROM product_risk),
                                     (SELECT array_agg(expected_return ORDER BY product) FROM product_risk),
                                     (SELECT array_agg(vev ORDER BY product) FROM product_risk)) r;
