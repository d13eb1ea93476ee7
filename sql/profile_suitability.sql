-- Suitability (area profile): the verdicts and reasons of
-- risk.suitability for every constructed customer against every product,
-- and for proposed portfolios, against test/data/
-- profile_customers_reference.py; bad input; the record of checks
-- (risk.check_suitability) and its table refusing UPDATE, DELETE and
-- TRUNCATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\set customers_csv :abs_srcdir '/test/data/profile_customers.csv'
\set suit_csv :abs_srcdir '/test/data/profile_suitability.csv'
\set ports_csv :abs_srcdir '/test/data/profile_portfolios.csv'

CREATE TABLE s_customers (customer text, answers jsonb, situation jsonb,
    willingness_score float8, willingness_class int, knowledge_score float8, complex_ok boolean,
    capacity_score float8, capacity_class int, risk_class int, binding text, max_loss float8,
    tolerated_loss float8, tolerated_share float8, debt_service_ratio float8, reserve float8,
    flags text[]);
COPY s_customers FROM :'customers_csv' (FORMAT csv, HEADER);
CREATE TABLE s_expected (customer text, product text, verdict text, factors text[]);
COPY s_expected FROM :'suit_csv' (FORMAT csv, HEADER);
CREATE TABLE s_ports (customer text, portfolio text, classes int[], periods float8[], complex boolean[],
                      weights float8[], portfolio_loss float8, verdict text, factors text[], reasons jsonb);
COPY s_ports FROM :'ports_csv' (FORMAT csv, HEADER);
-- the products (as the reference script lists them)
CREATE TABLE products (product text PRIMARY KEY, risk_class int, holding_period float8, complex boolean);
INSERT INTO products VALUES
    ('money_market', 1, 0.25, false), ('short_bond', 2, 1, false), ('bond_fund', 3, 3, false),
    ('balanced_fund', 4, 5, false), ('equity_fund', 5, 5, false), ('em_equity', 6, 7, false),
    ('crypto_note', 7, 3, true), ('capital_protected', 2, 6, true), ('reverse_convertible', 5, 1, true);
CREATE TABLE profiles AS
SELECT customer, risk.risk_profile(answers, situation) AS p FROM s_customers;

-- the matrix: every customer x every product, as the reference rules give it
CREATE TABLE matrix AS
SELECT f.customer, d.product,
       risk.suitability(f.p, ARRAY[d.risk_class], ARRAY[d.holding_period], ARRAY[d.complex]) AS s
FROM profiles f CROSS JOIN products d;
SELECT count(*) AS checks,
       count(*) FILTER (WHERE (m.s).verdict = e.verdict AND (m.s).factors = e.factors) AS as_expected,
       count(*) FILTER (WHERE (m.s).verdict = 'not suitable') AS not_suitable
FROM matrix m JOIN s_expected e USING (customer, product);
SELECT m.customer, m.product, (m.s).verdict, e.verdict AS expected, (m.s).factors, e.factors AS expected_factors
FROM matrix m JOIN s_expected e USING (customer, product)
WHERE (m.s).verdict <> e.verdict OR (m.s).factors <> e.factors;
-- a suitability report: verdicts by product
SELECT product, count(*) FILTER (WHERE (s).verdict = 'suitable') AS suitable,
       count(*) FILTER (WHERE 'risk_class' = ANY ((s).factors)) AS class_too_high,
       count(*) FILTER (WHERE 'holding_period' = ANY ((s).factors)) AS period_too_long,
       count(*) FILTER (WHERE 'knowledge' = ANY ((s).factors)) AS needs_knowledge
FROM matrix GROUP BY product ORDER BY min((SELECT risk_class FROM products d WHERE d.product = matrix.product)), product;
-- the reasons of one customer, as a BI tool reads them
SELECT m.product, (m.s).verdict, jsonb_pretty((m.s).reasons) AS reasons
FROM matrix m WHERE m.customer = 'horizon_0.5' AND m.product IN ('money_market', 'crypto_note')
ORDER BY 1;

-- proposed portfolios: weights (concentration) and the portfolio's loss over a year
SELECT p.customer, p.portfolio, (r).verdict, (r).verdict = p.verdict AS verdict_ok,
       (r).factors, (r).factors = p.factors AS factors_ok, (r).reasons = p.reasons AS reasons_ok
FROM s_ports p JOIN profiles f USING (customer),
     LATERAL (SELECT risk.suitability(f.p, p.classes, p.periods, p.complex, p.weights, p.portfolio_loss) AS r) x
ORDER BY 1, 2;
-- the options: a looser concentration limit, an earlier loss warning
SELECT (risk.suitability(f.p, '{3,1}', '{3,0.25}', '{f,f}', '{90000,10000}', 5000, '{"max_weight": 0.95}')).verdict,
       (risk.suitability(f.p, '{3,1}', '{3,0.25}', '{f,f}', '{50000,50000}', 200000, '{"loss_warning": 0.5}')).reasons
FROM profiles f WHERE customer = 'willingness_2';
-- NULL in: NULL out (the profile or a holding array unknown)
SELECT risk.suitability(NULL, '{1}', '{1}', '{f}') IS NULL AS no_profile,
       risk.suitability(f.p, NULL, '{1}', '{f}') IS NULL AS no_classes
FROM profiles f WHERE customer = 'expert';

-- bad input
SELECT risk.suitability(f.p, '{1,2}', '{1}', '{f,f}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1}', '{1}', '{f,t}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1,2}', '{1,2}', '{f,f}', '{1}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{8}', '{1}', '{f}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1,NULL}', '{1,1}', '{f,f}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1}', '{0}', '{f}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1}', '{NaN}', '{f}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1,1}', '{1,1}', '{f,f}', '{-1,2}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1,1}', '{1,1}', '{f,f}', '{0,0}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{}', '{}', '{}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1}', '{1}', '{f}', NULL, 'infinity') FROM profiles f WHERE customer = 'expert';
-- a negative loss (a VaR that is a gain) is below any limit
SELECT (risk.suitability(f.p, '{1}', '{1}', '{f}', NULL, -5)).verdict FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1}', '{1}', '{f}', NULL, NULL, '{"max_weight": 2}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(f.p, '{1}', '{1}', '{f}', NULL, NULL, '{"colour": 1}') FROM profiles f WHERE customer = 'expert';
SELECT risk.suitability(ROW(1, 1, 1, true, 1, 1, NULL, 'both', 1, 1, 1, 1, 1, 1, '{}')::risk.risk_profile, '{1}', '{1}', '{f}');

-- ---------------------------------------------------------------------
-- The record: every check through risk.check_suitability is appended,
-- with the role that made it; the table refuses changes
-- ---------------------------------------------------------------------
SELECT (risk.check_suitability(p.customer, f.p, p.classes, p.periods, p.complex, p.weights, p.portfolio_loss)).verdict
FROM s_ports p JOIN profiles f USING (customer) ORDER BY p.customer, p.portfolio;
SELECT count(*) AS records, count(DISTINCT checked_by) = 1 AND min(checked_by) = current_user AS by_me,
       bool_and(checked_at <= clock_timestamp()) AS stamped,
       count(*) FILTER (WHERE verdict = 'not suitable') AS not_suitable,
       bool_and(inputs ? 'profile' AND inputs ? 'risk_class' AND inputs ? 'weight') AS inputs_kept
FROM risk.suitability_audit;
-- who and when are the server's: a role with the analyst level records
-- checks, but cannot write another writer or another time
CREATE ROLE regress_advisor;
SELECT risk.grant_analyst('regress_advisor');
GRANT SELECT ON profiles TO regress_advisor;
SET ROLE regress_advisor;
SELECT (risk.check_suitability('forged', f.p, '{1}', '{1}', '{f}')).verdict FROM profiles f WHERE customer = 'expert';
INSERT INTO risk.suitability_audit (checked_at, checked_by, customer, inputs, verdict, factors, reasons)
VALUES ('2000-01-01', 'somebody_else', 'forged', '{}', 'suitable', '{}', '[]');
UPDATE risk.suitability_audit SET verdict = 'suitable' WHERE customer = 'forged';
RESET ROLE;
SELECT checked_by, checked_at > now() - interval '1 hour' AS stamped_now, inputs->'risk_class' AS classes
FROM risk.suitability_audit WHERE customer = 'forged';
UPDATE risk.suitability_audit SET verdict = 'suitable' WHERE verdict = 'not suitable';
DELETE FROM risk.suitability_audit WHERE verdict = 'suitable';
TRUNCATE risk.suitability_audit;
SELECT count(*) AS records_after FROM risk.suitability_audit;
SELECT risk.check_suitability(NULL, f.p, '{1}', '{1}', '{f}') FROM profiles f WHERE customer = 'expert';
SELECT risk.revoke_levels('regress_advisor');
DROP OWNED BY regress_advisor;
DROP ROLE regress_advisor;

-- ---------------------------------------------------------------------
-- Recommendations: the suitable products by expected return per unit of
-- volatility
-- ---------------------------------------------------------------------
CREATE TABLE offer AS
SELECT d.*, v.expected_return, v.volatility
FROM products d JOIN (VALUES ('money_market', 0.02, 0.004), ('short_bond', 0.03, 0.02),
                             ('bond_fund', 0.04, 0.06), ('balanced_fund', 0.055, 0.11),
                             ('equity_fund', 0.07, 0.18), ('em_equity', 0.09, 0.26),
                             ('crypto_note', 0.2, 0.9), ('capital_protected', 0.025, 0.03),
                             ('reverse_convertible', 0.06, 0.15)) v(product, expected_return, volatility)
     USING (product);
CREATE FUNCTION pg_temp.recommend(who text) RETURNS SETOF record LANGUAGE sql AS $$
    SELECT r.* FROM profiles f,
        LATERAL risk.recommend_products(f.p, (SELECT array_agg(product ORDER BY product) FROM offer),
                                        (SELECT array_agg(risk_class ORDER BY product) FROM offer),
                                        (SELECT array_agg(holding_period ORDER BY product) FROM offer),
                                        (SELECT array_agg(complex ORDER BY product) FROM offer),
                                        (SELECT array_agg(expected_return ORDER BY product) FROM offer),
                                        (SELECT array_agg(volatility ORDER BY product) FROM offer)) r
    WHERE f.customer = who $$;
SELECT * FROM pg_temp.recommend('expert') AS (rank int, product text, risk_class int, expected_return float8,
                                             volatility float8, return_per_risk float8);
SELECT * FROM pg_temp.recommend('horizon_0.5') AS (rank int, product text, risk_class int, expected_return float8,
                                                  volatility float8, return_per_risk float8);
-- every product ranked is suitable, every suitable product is ranked (the matrix above)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE ranked = suitable) AS ranked_as_the_matrix
FROM (SELECT f.customer,
             (SELECT array_agg(r.product ORDER BY r.product)
              FROM risk.recommend_products(f.p, (SELECT array_agg(product) FROM offer),
                                           (SELECT array_agg(risk_class) FROM offer),
                                           (SELECT array_agg(holding_period) FROM offer),
                                           (SELECT array_agg(complex) FROM offer),
                                           (SELECT array_agg(expected_return) FROM offer),
                                           (SELECT array_agg(volatility) FROM offer)) r) AS ranked,
             (SELECT array_agg(m.product ORDER BY m.product) FROM matrix m
              WHERE m.customer = f.customer AND (m.s).verdict = 'suitable') AS suitable
      FROM profiles f) x;
SELECT * FROM risk.recommend_products((SELECT p FROM profiles WHERE customer = 'expert'), '{a,b}', '{1}', '{1,1}', '{f,f}', '{0.1,0.1}', '{0.1,0.1}');
SELECT * FROM risk.recommend_products((SELECT p FROM profiles WHERE customer = 'expert'), '{a}', '{1}', '{1}', '{f}', '{0.1}', '{0}');
SELECT * FROM risk.recommend_products((SELECT p FROM profiles WHERE customer = 'expert'), '{a}', '{1}', '{1}', '{f}', '{NaN}', '{0.1}');
SELECT * FROM risk.recommend_products((SELECT p FROM profiles WHERE customer = 'expert'), '{a,NULL}', '{1,1}', '{1,1}', '{f,f}', '{0.1,0.1}', '{0.1,0.1}');
