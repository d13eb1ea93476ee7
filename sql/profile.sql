-- Risk profiles (area profile): risk.risk_profile under the shipped
-- questionnaire and capacity policy against test/data/
-- profile_customers_reference.py (the documented rules, computed apart),
-- the rules for missing answers, every bad input, a questionnaire and a
-- policy of one's own, and parallel = serial.
\getenv abs_srcdir PG_ABS_SRCDIR
\set customers_csv :abs_srcdir '/test/data/profile_customers.csv'
SET extra_float_digits = 0;

CREATE TABLE ref_customers (customer text, answers jsonb, situation jsonb,
    willingness_score float8, willingness_class int, knowledge_score float8, complex_ok boolean,
    capacity_score float8, capacity_class int, risk_class int, binding text, max_loss float8,
    tolerated_loss float8, tolerated_share float8, debt_service_ratio float8, reserve float8,
    flags text[]);
COPY ref_customers FROM :'customers_csv' (FORMAT csv, HEADER);

CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN a = b OR abs(a - b) <= 1e-12 * greatest(abs(a), abs(b));

CREATE TABLE ours AS
SELECT c.customer, p.* FROM ref_customers c, risk.risk_profile(c.answers, c.situation) p;

-- every field of every customer as the reference computes it
SELECT count(*) AS customers,
       count(*) FILTER (WHERE o.willingness_class = r.willingness_class AND o.capacity_class = r.capacity_class
                          AND o.risk_class = r.risk_class AND o.binding = r.binding
                          AND o.complex_ok = r.complex_ok AND o.flags = r.flags) AS same_classes_and_flags,
       count(*) FILTER (WHERE pg_temp.close(o.willingness_score, r.willingness_score)
                          AND pg_temp.close(o.knowledge_score, r.knowledge_score)
                          AND pg_temp.close(o.capacity_score, r.capacity_score)
                          AND pg_temp.close(o.max_loss, r.max_loss)
                          AND pg_temp.close(o.tolerated_loss, r.tolerated_loss)
                          AND pg_temp.close(o.tolerated_share, r.tolerated_share)
                          AND pg_temp.close(o.debt_service_ratio, r.debt_service_ratio)
                          AND pg_temp.close(o.reserve, r.reserve)
                          AND o.horizon_years = (r.situation->>'horizon_years')::float8) AS same_figures
FROM ours o JOIN ref_customers r USING (customer);
SELECT o.customer, o.risk_class, r.risk_class AS expected, o.flags, r.flags AS expected_flags
FROM ours o JOIN ref_customers r USING (customer)
WHERE NOT (o.risk_class = r.risk_class AND o.flags = r.flags AND pg_temp.close(o.max_loss, r.max_loss));

-- what an analyst reads: a few customers in full
SELECT customer, round(willingness_score::numeric, 2) AS willingness, willingness_class AS w,
       round(knowledge_score::numeric, 1) AS knowledge, complex_ok,
       capacity_class AS c, risk_class AS class, binding, horizon_years AS horizon,
       round(max_loss::numeric, 2) AS max_loss, round(tolerated_loss::numeric, 2) AS tolerated,
       round(tolerated_share::numeric, 4) AS share, flags
FROM ours
WHERE customer IN ('willingness_0', 'willingness_4', 'expert', 'horizon_0.5', 'debt_high',
                   'aggressive_short', 'conflicts', 'beyond_capacity', 'capacity_bound_6_above')
ORDER BY customer;

-- the classes seen cover the scale, and the class bounds fall on the higher class
SELECT array_agg(DISTINCT willingness_class ORDER BY willingness_class) AS willingness_classes,
       array_agg(DISTINCT capacity_class ORDER BY capacity_class) AS capacity_classes,
       array_agg(DISTINCT risk_class ORDER BY risk_class) AS profile_classes
FROM ours;
SELECT customer, willingness_score, willingness_class FROM ours
WHERE customer LIKE 'score%' ORDER BY customer;

-- ---------------------------------------------------------------------
-- Missing answers: a required item must be answered; an optional one may
-- be absent or JSON null (0 points, still counted in the most points)
-- ---------------------------------------------------------------------
\set ans '{"objective": "growth", "fall": "hold", "loss": "up_to_20", "priority": "balance", "knowledge": "good", "experience": "3_or_more"}'
\set sit '{"horizon_years": 8, "annual_income": 80000, "income_stability": "stable", "investable_wealth": 250000, "monthly_expenses": 3000}'
SELECT (p).knowledge_score, (p).complex_ok
FROM (VALUES (risk.risk_profile(:'ans', :'sit')),
             (risk.risk_profile(:'ans'::jsonb || '{"complex": null}', :'sit')),
             (risk.risk_profile(:'ans'::jsonb || '{"complex": "regularly"}', :'sit'))) v(p);
SELECT risk.risk_profile(:'ans'::jsonb - 'fall', :'sit');
SELECT risk.risk_profile(:'ans'::jsonb || '{"fall": null}', :'sit');

-- ---------------------------------------------------------------------
-- Bad input: an error naming the value
-- ---------------------------------------------------------------------
SELECT risk.risk_profile(:'ans'::jsonb || '{"colour": "blue"}', :'sit');
SELECT risk.risk_profile(:'ans'::jsonb || '{"fall": "panic"}', :'sit');
SELECT risk.risk_profile(:'ans'::jsonb || '{"fall": 3}', :'sit');
SELECT risk.risk_profile('["growth"]', :'sit');
SELECT risk.risk_profile(:'ans', :'sit', 'nonesuch');
SELECT risk.risk_profile(:'ans', :'sit', 'standard', 'nonesuch');
SELECT risk.risk_profile(:'ans', :'sit'::jsonb || '{"pets": 2}');
SELECT risk.risk_profile(:'ans', :'sit'::jsonb - 'annual_income');
SELECT risk.risk_profile(:'ans', :'sit'::jsonb || '{"investable_wealth": -1}');
SELECT risk.risk_profile(:'ans', :'sit'::jsonb || '{"horizon_years": 0}');
SELECT risk.risk_profile(:'ans', :'sit'::jsonb || '{"monthly_expenses": "a lot"}');
SELECT risk.risk_profile(:'ans', :'sit'::jsonb || '{"dependants": 1.5}');
SELECT risk.risk_profile(:'ans', :'sit'::jsonb || '{"income_stability": "sometimes"}');
SELECT risk.risk_profile(:'ans', :'sit'::jsonb - 'income_stability');
SELECT risk.risk_profile(:'ans', '[]');
SELECT risk.risk_profile(NULL, :'sit') IS NULL AS null_answers_give_null;

-- ---------------------------------------------------------------------
-- A questionnaire and a policy of one's own
-- ---------------------------------------------------------------------
INSERT INTO risk.questionnaire VALUES ('short', 'two items', '{10,20,30,40,50,60}', 50);
INSERT INTO risk.questionnaire_item VALUES
    ('short', 'appetite', 1, 'willingness', true, 'Appetite for risk?'),
    ('short', 'years', 2, 'knowledge', true, 'Years investing?');
INSERT INTO risk.questionnaire_answer VALUES
    ('short', 'appetite', 'low', 0, 'low'), ('short', 'appetite', 'mid', 5, 'mid'),
    ('short', 'appetite', 'high', 10, 'high'),
    ('short', 'years', 'few', 0, 'few'), ('short', 'years', 'many', 1, 'many');
INSERT INTO risk.capacity_policy (policy, description, horizon_share, loss_bounds)
VALUES ('strict', 'half the default shares', '{0.025,0.075,0.15,0.225,0.3}', '{0.01,0.05,0.1,0.15,0.2,0.25}');
SELECT (p).willingness_score, (p).willingness_class, (p).knowledge_score, (p).complex_ok,
       (p).capacity_class, (p).risk_class, (p).binding, round((p).max_loss::numeric, 2) AS max_loss
FROM (VALUES (risk.risk_profile('{"appetite": "mid", "years": "many"}', :'sit', 'short', 'strict')),
             (risk.risk_profile('{"appetite": "high", "years": "few"}', :'sit', 'short', 'standard'))) v(p);
-- a change is seen by the next statement, in the same transaction too
BEGIN;
SELECT (risk.risk_profile('{"appetite": "mid", "years": "many"}', :'sit', 'short', 'strict')).max_loss;
UPDATE risk.capacity_policy SET horizon_share = '{0.05,0.15,0.3,0.45,0.6}' WHERE policy = 'strict';
SELECT (risk.risk_profile('{"appetite": "mid", "years": "many"}', :'sit', 'short', 'strict')).max_loss;
ROLLBACK;
-- the tables refuse a configuration that cannot work
INSERT INTO risk.questionnaire VALUES ('bad', 'bounds not ascending', '{10,5,30,40,50,60}', 50);
INSERT INTO risk.questionnaire VALUES ('bad', 'five bounds', '{10,20,30,40,50}', 50);
INSERT INTO risk.questionnaire_answer VALUES ('short', 'years', 'minus', -1, 'minus');
INSERT INTO risk.capacity_policy (policy, description, loss_bounds) VALUES ('bad', 'x', '{0.1,0.2,0.3,0.4,0.5,1.5}');
INSERT INTO risk.capacity_policy (policy, description, horizon_share) VALUES ('bad', 'x', '{0.1,0.2,NULL,0.4,0.5}');
INSERT INTO risk.questionnaire_conflict VALUES ('short', 'appetite', 'high', 'appetite', 'low', 'same_item');
-- an item without answers, a questionnaire without willingness points
INSERT INTO risk.questionnaire_item VALUES ('short', 'blank', 3, 'knowledge', false, 'Nothing to pick');
SELECT risk.risk_profile('{"appetite": "mid", "years": "many"}', :'sit', 'short');
DELETE FROM risk.questionnaire_item WHERE questionnaire = 'short' AND item = 'blank';
UPDATE risk.questionnaire_answer SET points = 0 WHERE questionnaire = 'short' AND item = 'appetite';
SELECT risk.risk_profile('{"appetite": "mid", "years": "many"}', :'sit', 'short');
-- a questionnaire dropped takes its items, answers and conflicts along
DELETE FROM risk.questionnaire WHERE questionnaire = 'short';
SELECT count(*) FROM risk.questionnaire_answer WHERE questionnaire = 'short';

-- ---------------------------------------------------------------------
-- Parallel workers read the questionnaire too: the same profiles
-- ---------------------------------------------------------------------
CREATE TABLE many AS
SELECT g, c.answers, c.situation
FROM ref_customers c, generate_series(1, 100) g;
ANALYZE many;
CREATE TABLE serial_profiles AS
SELECT g, c.answers, risk.risk_profile(c.answers, c.situation) AS p FROM many c;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM many c WHERE (risk.risk_profile(c.answers, c.situation)).risk_class >= 4;
SELECT count(*) FILTER (WHERE (risk.risk_profile(c.answers, c.situation)).risk_class >= 4) AS parallel,
       (SELECT count(*) FILTER (WHERE (p).risk_class >= 4) FROM serial_profiles) AS serial
FROM many c;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
