-- After the sale (area profile): a watched materialized view of the
-- customers whose portfolio no longer fits their profile (the one-year
-- loss of the portfolio beyond the tolerated loss, or a product whose
-- PRIIPs market risk class rose since it was sold), with rules whose
-- action is to review the portfolio with the customer.  Refreshed and
-- evaluated in this session (risk.refresh_and_evaluate, the workers' path).
SELECT setseed(0.42);
-- three products: 600 days of prices (a calm one, a bond-like one, an
-- equity-like one), deterministic
CREATE TABLE ws_prices AS
SELECT p.product, d AS day,
       100 * exp(sum(p.vol / 16 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))
                 OVER (PARTITION BY p.product ORDER BY d)) AS price
FROM (VALUES ('cash_plus', 0.004), ('bonds', 0.06), ('stocks', 0.17)) p(product, vol),
     generate_series(0, 599) d;
-- the products' classes now: the PRIIPs MRM of the last two years
CREATE VIEW ws_class AS
SELECT product, (risk.priips_market_risk(price, 'daily', 3 ORDER BY day)).mrm
FROM ws_prices WHERE day > (SELECT max(day) FROM ws_prices) - 513 GROUP BY product;
SELECT * FROM ws_class ORDER BY product;
CREATE VIEW ws_returns AS
SELECT product, array_agg(r ORDER BY day) AS returns
FROM (SELECT product, day, price / lag(price) OVER (PARTITION BY product ORDER BY day) - 1 AS r
      FROM ws_prices) x
WHERE day > (SELECT max(day) FROM ws_prices) - 300 GROUP BY product;
-- customers, their profiles and their holdings (with the class at the sale)
CREATE TABLE ws_customers (customer int PRIMARY KEY, answers jsonb, situation jsonb);
INSERT INTO ws_customers
SELECT c, jsonb_build_object('objective', (ARRAY['income', 'balanced', 'growth'])[1 + c % 3],
                             'fall', 'hold', 'loss', (ARRAY['up_to_5', 'up_to_10', 'up_to_20'])[1 + c % 3],
                             'priority', 'balance', 'knowledge', 'basic', 'experience', 'under_3'),
       jsonb_build_object('horizon_years', 6, 'annual_income', 50000, 'income_stability', 'stable',
                          'investable_wealth', 40000 + 10000 * c, 'monthly_expenses', 2000)
FROM generate_series(1, 12) c;
CREATE TABLE ws_holdings (customer int, product text, amount float8, class_at_sale int);
INSERT INTO ws_holdings
SELECT c.customer, p.product,
       (c.situation->>'investable_wealth')::float8 * 0.8
         * CASE p.product WHEN 'stocks' THEN (c.customer % 4) / 4.0 ELSE (1 - (c.customer % 4) / 4.0) / 2 END,
       w.mrm
FROM ws_customers c CROSS JOIN (VALUES ('cash_plus'), ('bonds'), ('stocks')) p(product)
     JOIN ws_class w USING (product)
WHERE NOT (p.product = 'stocks' AND c.customer % 4 = 0);

-- the view: per customer, the one-year 99% loss of the portfolio (a
-- bootstrap of its returns) against the tolerated loss, and the largest
-- rise of a holding's class since the sale
CREATE MATERIALIZED VIEW ws_fit AS
SELECT h.customer, f.risk_class, f.tolerated_loss,
       (risk.portfolio_risk(h.amount, r.returns, '{"n_paths": 2000, "seed": 7}')).horizon_var AS loss_1y,
       (risk.portfolio_risk(h.amount, r.returns, '{"n_paths": 2000, "seed": 7}')).horizon_var
           / nullif(f.tolerated_loss, 0) AS loss_over_tolerated,
       max(w.mrm - h.class_at_sale) AS class_rise
FROM ws_holdings h JOIN ws_returns r USING (product) JOIN ws_class w USING (product)
     JOIN ws_customers c USING (customer), risk.risk_profile(c.answers, c.situation) f
GROUP BY h.customer, f.risk_class, f.tolerated_loss;
CREATE UNIQUE INDEX ON ws_fit (customer);
SELECT risk.watch('ws_fit', '1 day');
SELECT risk.add_rule('ws_fit', 'loss_over_tolerated', '>', 1, 'critical',
                     'review the portfolio with the customer: its one-year loss is beyond what the customer can bear',
                     '{customer}', 'loss beyond capacity') > 0 AS loss_rule;
SELECT risk.add_rule('ws_fit', 'class_rise', '>', 0, 'warning',
                     'review the portfolio with the customer: a product''s risk class rose since the sale',
                     '{customer}', 'product class rose') > 0 AS class_rule;

SELECT outcome, rows, alerts_opened, alerts_resolved FROM risk.refresh_and_evaluate('ws_fit');
-- the alerts are exactly the customers the view says do not fit
SELECT (SELECT array_agg(customer ORDER BY customer) FROM ws_fit WHERE loss_over_tolerated > 1) AS beyond_capacity,
       (SELECT array_agg((key->>'customer')::int ORDER BY (key->>'customer')::int) FROM risk.open_alerts
        WHERE rule = 'loss beyond capacity') AS alerted;
SELECT count(*) FILTER (WHERE rule = 'product class rose') AS class_alerts,
       bool_and(action LIKE 'review the portfolio with the customer%') AS action_is_review
FROM risk.open_alerts WHERE view = 'ws_fit'::regclass;
SELECT customer, risk_class, round(loss_over_tolerated::numeric, 2) AS loss_over_tolerated, class_rise
FROM ws_fit ORDER BY customer;

-- the stocks turn wild: 300 more days at four times the volatility; the
-- class rises, the losses grow: new alerts at the next refresh
INSERT INTO ws_prices
SELECT 'stocks', d, (SELECT price FROM ws_prices WHERE product = 'stocks' AND day = 599)
        * exp(sum(0.68 / 16 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) OVER (ORDER BY d))
FROM generate_series(600, 899) d;
INSERT INTO ws_prices
SELECT p.product, d, (SELECT price FROM ws_prices q WHERE q.product = p.product AND q.day = 599)
FROM (VALUES ('cash_plus'), ('bonds')) p(product), generate_series(600, 899) d;
SELECT * FROM ws_class ORDER BY product;
SELECT outcome, alerts_opened > 0 AS opened_more FROM risk.refresh_and_evaluate('ws_fit');
SELECT (SELECT array_agg(customer ORDER BY customer) FROM ws_fit WHERE class_rise > 0) AS class_rose,
       (SELECT array_agg((key->>'customer')::int ORDER BY (key->>'customer')::int) FROM risk.open_alerts
        WHERE rule = 'product class rose') AS alerted;
SELECT (SELECT array_agg(customer ORDER BY customer) FROM ws_fit WHERE loss_over_tolerated > 1) AS beyond_capacity,
       (SELECT array_agg((key->>'customer')::int ORDER BY (key->>'customer')::int) FROM risk.open_alerts
        WHERE rule = 'loss beyond capacity') AS alerted;

-- the portfolios reviewed: stocks sold, the class at sale now the class held;
-- the alerts resolve
DELETE FROM ws_holdings WHERE product = 'stocks';
SELECT outcome, alerts_resolved > 0 AS resolved FROM risk.refresh_and_evaluate('ws_fit');
SELECT count(*) AS open_alerts FROM risk.open_alerts WHERE view = 'ws_fit'::regclass;
SELECT risk.unwatch('ws_fit');
