-- Rebalancing (area profile): risk.rebalance moves money from the riskiest
-- holdings to a safe product until the portfolio fits its profile; the
-- result fits, keeps the money, moves nothing from a portfolio that
-- already fits, and moves the least that works (a thousandth less of the
-- last holding touched does not fit).
SELECT setseed(0.25);
CREATE TABLE rb_returns AS
SELECT p.product, p.class, p.rhp,
       array_agg(p.drift / 252 + p.vol / 16 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
                 ORDER BY d) AS returns
FROM (VALUES ('deposit', 0.003, 0.02, 1, 0.25), ('bonds', 0.06, 0.03, 3, 3.0),
             ('em_bonds', 0.3, 0.05, 3, 3.0), ('stocks', 0.2, 0.06, 5, 5.0),
             ('long_bonds', 0.09, 0.035, 3, 12.0)) p(product, vol, drift, class, rhp),
     generate_series(1, 400) d
GROUP BY p.product, p.class, p.rhp;
-- a class-4 customer, horizon 8 years, wealth 250,000
CREATE TABLE rb_profile AS
SELECT risk.risk_profile(
    '{"objective": "income", "fall": "hold", "loss": "up_to_5", "priority": "balance", "knowledge": "basic", "experience": "under_3"}',
    '{"horizon_years": 8, "annual_income": 70000, "income_stability": "stable", "investable_wealth": 250000, "monthly_expenses": 3000}') AS p;
SELECT (p).risk_class, (p).horizon_years, (p).tolerated_loss FROM rb_profile;

CREATE FUNCTION pg_temp.rb(holdings text[], amounts float8[]) RETURNS risk.rebalance_result
LANGUAGE sql AS $$
    SELECT risk.rebalance(p, holdings, amounts,
                          (SELECT array_agg(r.returns ORDER BY array_position(holdings, r.product)) FROM rb_returns r WHERE r.product = ANY (holdings)),
                          (SELECT array_agg(r.class ORDER BY array_position(holdings, r.product)) FROM rb_returns r WHERE r.product = ANY (holdings)),
                          (SELECT array_agg(r.rhp ORDER BY array_position(holdings, r.product)) FROM rb_returns r WHERE r.product = ANY (holdings)),
                          array_fill(false, ARRAY[cardinality(holdings)]),
                          'deposit', (SELECT returns FROM rb_returns WHERE product = 'deposit'), 1, 0.25)
    FROM rb_profile $$;

-- stocks above the class (5 > 4), long bonds held beyond the horizon, and
-- too much in emerging-market bonds: the loss beyond the tolerated loss
CREATE TABLE rb AS SELECT (pg_temp.rb('{bonds,em_bonds,stocks,long_bonds}', '{20000,200000,15000,15000}')).*;
SELECT products, before, (SELECT array_agg(round(x::numeric, 2)) FROM unnest(after) x) AS after,
       round(loss_before::numeric) AS loss_before, round(loss_after::numeric) AS loss_after,
       verdict_before, verdict_after, factors_after
FROM rb;
SELECT loss_after <= (SELECT (p).tolerated_loss FROM rb_profile) AS within_tolerated_loss,
       abs((SELECT sum(x) FROM unnest(after) x) - (SELECT sum(x) FROM unnest(before) x)) < 1e-6 AS money_kept,
       after[array_position(products, 'stocks')] = 0 AS class_5_sold,
       after[array_position(products, 'long_bonds')] = 0 AS beyond_horizon_sold,
       after[array_position(products, 'em_bonds')] BETWEEN 1 AND 199999 AS riskiest_cut,
       after[array_position(products, 'bonds')] = 20000 AS least_risky_untouched
FROM rb;
-- the least that works: a thousandth of the holding cut (200 of 200,000) back, and the loss is beyond
SELECT risk_internal._rebalance_loss(
           (SELECT array_agg(CASE p WHEN 'em_bonds' THEN a + 200 WHEN 'deposit' THEN a - 200 ELSE a END ORDER BY i)
            FROM unnest(rb.products, rb.after) WITH ORDINALITY u(p, a, i)),
           (SELECT array_agg(r.returns ORDER BY array_position(rb.products, r.product)) FROM rb_returns r
            WHERE r.product = ANY (rb.products)),
           '{"horizon_days": 252, "n_paths": 2000, "seed": 1}') > (SELECT (p).tolerated_loss FROM rb_profile)
       AS a_thousandth_less_does_not_fit
FROM rb;
-- a portfolio that fits is left as it is
SELECT before = after AS unchanged, verdict_before, verdict_after
FROM pg_temp.rb('{bonds,em_bonds}', '{60000,20000}');
-- errors
SELECT risk.rebalance(p, '{bonds}', '{1000}', (SELECT ARRAY[returns] FROM rb_returns WHERE product = 'bonds'),
                      '{3}', '{3}', '{f}', 'stocks', (SELECT returns FROM rb_returns WHERE product = 'stocks'), 5, 5)
FROM rb_profile;
SELECT risk.rebalance(p, '{bonds,stocks}', '{1000}', (SELECT ARRAY[returns] FROM rb_returns WHERE product = 'bonds'),
                      '{3}', '{3}', '{f}', 'deposit', (SELECT returns FROM rb_returns WHERE product = 'deposit'), 1, 0.25)
FROM rb_profile;
SELECT risk.rebalance(p, '{bonds}', '{1000}', (SELECT ARRAY[returns] FROM rb_returns WHERE product = 'bonds'),
                      '{3}', '{3}', '{f}', 'deposit', '{0.01,0.02}', 1, 0.25)
FROM rb_profile;
