-- Early warning on the demo bank: four example views watched by the
-- background workers, rules on them, the alerts they raise, and one data
-- change followed to its alert.  Runs after demo/report.sql (it reads the
-- tables loan, graded and returns made there); the server must have
-- shared_preload_libraries = 'risk'.  The same views are explained in
-- docs/warning.md.

\echo
\echo '== Early warning: four watched views, their rules, the alerts'

-- What the desk keeps next to the loans: credit lines, and the grade of
-- each customer at the last two quarter ends.
DO $$ BEGIN PERFORM setseed(0.41); END $$;
CREATE TABLE credit_line AS
SELECT id AS customer, segment,
       round((income * 0.5)::numeric, -2)::float8 AS limit_amount,
       round((income * 0.5 * utilisation * 0.93)::numeric, 2)::float8 AS drawn
FROM loan;
ALTER TABLE credit_line ADD PRIMARY KEY (customer);
UPDATE credit_line SET limit_amount = limit_amount * 40, drawn = drawn * 40
WHERE customer IN (17, 2026, 5555);          -- three large corporate names

CREATE TABLE customer_grade (
    customer int, as_of date, pd float8, grade text,
    PRIMARY KEY (customer, as_of)
);
INSERT INTO customer_grade
SELECT id, date '2026-09-30', p, risk.grade(p)
FROM (SELECT id, least(0.999, pd * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))) AS p
      FROM graded) s;
INSERT INTO customer_grade SELECT id, date '2026-12-31', pd, grade FROM graded;

-- 1. Customers downgraded since the last quarter, in notches of the master scale.
CREATE MATERIALIZED VIEW ew_grade_downgrade AS
SELECT c.customer, p.grade AS previous_grade, c.grade AS current_grade,
       sc.grade_order - sp.grade_order AS notches
FROM customer_grade c
JOIN customer_grade p ON p.customer = c.customer AND p.as_of = date '2026-09-30'
JOIN risk.master_scale sc ON sc.scale = 'default' AND sc.grade = c.grade
JOIN risk.master_scale sp ON sp.scale = 'default' AND sp.grade = p.grade
WHERE c.as_of = date '2026-12-31';
CREATE UNIQUE INDEX ON ew_grade_downgrade (customer);

-- 2. Limit utilisation per credit line.
CREATE MATERIALIZED VIEW ew_limit_utilisation AS
SELECT customer, segment, limit_amount, drawn, drawn / limit_amount AS utilisation
FROM credit_line WHERE limit_amount > 0;
CREATE UNIQUE INDEX ON ew_limit_utilisation (customer);

-- 3. VaR backtest: the daily 99% historical VaR over 250 days (a watched
--    view), and on top of it the exceptions of the last 250 days with
--    their Basel traffic-light zone (refreshed after it, in the same round).
CREATE MATERIALIZED VIEW ew_var_daily AS
SELECT portfolio, day, r,
       risk.var_historical(r, 0.99) OVER (PARTITION BY portfolio ORDER BY day
                                          ROWS BETWEEN 249 PRECEDING AND CURRENT ROW) AS var
FROM returns
WHERE day > (SELECT max(day) FROM returns) - 730;
CREATE UNIQUE INDEX ON ew_var_daily (portfolio, day);

CREATE MATERIALIZED VIEW ew_var_backtest AS
SELECT portfolio, count(*) AS days, count(*) FILTER (WHERE exception) AS exceptions,
       (risk.traffic_light(count(*) FILTER (WHERE exception), count(*))).zone,
       CASE (risk.traffic_light(count(*) FILTER (WHERE exception), count(*))).zone
            WHEN 'green' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END AS zone_rank
FROM (SELECT portfolio, risk.var_exception(r, var_prev) AS exception,
             row_number() OVER (PARTITION BY portfolio ORDER BY day DESC) AS age
      FROM (SELECT portfolio, day, r,
                   lag(var) OVER (PARTITION BY portfolio ORDER BY day) AS var_prev
            FROM ew_var_daily) d
      WHERE var_prev IS NOT NULL) s
WHERE age <= 250
GROUP BY portfolio;
CREATE UNIQUE INDEX ON ew_var_backtest (portfolio);

-- 4. Single-name concentration: each customer's share of the drawn book.
CREATE MATERIALIZED VIEW ew_concentration AS
SELECT customer, drawn, drawn / sum(drawn) OVER () AS share
FROM credit_line;
CREATE UNIQUE INDEX ON ew_concentration (customer);

-- Watch them (in one transaction: the first round refreshes them together,
-- ew_var_backtest after ew_var_daily) and add the rules.
\o /dev/null
BEGIN;
SELECT risk.watch('ew_grade_downgrade', '1 hour');
SELECT risk.watch('ew_limit_utilisation', '5 seconds');
SELECT risk.watch('ew_var_backtest', '1 day');
SELECT risk.watch('ew_var_daily', '1 day');
SELECT risk.watch('ew_concentration', '5 seconds');
SELECT risk.add_rule('ew_grade_downgrade', 'notches', '>=', 3, 'warning',
                     'put on the watch-list', '{customer}', 'downgraded 3+ notches');
SELECT risk.add_rule('ew_limit_utilisation', 'utilisation', '>', 0.9, 'warning',
                     'cut the undrawn limit', '{customer}', 'utilisation over 90%');
SELECT risk.add_rule('ew_limit_utilisation', 'utilisation', '>', 1.0, 'critical',
                     'ask for early repayment', '{customer}', 'limit overdrawn');
SELECT risk.add_rule('ew_var_backtest', 'zone_rank', '=', 1, 'warning',
                     'review the VaR model', '{portfolio}', 'backtest yellow zone');
SELECT risk.add_rule('ew_var_backtest', 'zone_rank', '=', 2, 'critical',
                     'capital add-on; freeze new limits for the desk', '{portfolio}',
                     'backtest red zone');
SELECT risk.add_rule('ew_concentration', 'share', '>', 0.005, 'warning',
                     'no new exposure to the name', '{customer}', 'single name over 0.5%');
COMMIT;
\o

-- the workers refresh all five (no refresh in this session)
DO $$
BEGIN
    FOR i IN 1 .. 1200 LOOP
        EXIT WHEN (SELECT count(*) FROM risk.refresh_status WHERE last_outcome = 'ok') = 5;
        PERFORM pg_sleep(0.1);
    END LOOP;
END $$;

\echo 'What the workers did (risk.refresh_history)'
SELECT view_name AS view, outcome, rows, concurrent,
       round(extract(epoch FROM duration)::numeric * 1000) AS ms,
       alerts_opened AS opened
FROM risk.refresh_history ORDER BY id LIMIT 5;

\echo 'Open alerts by severity and view (risk.alert_summary)'
SELECT severity, view_name AS view, open FROM risk.alert_summary ORDER BY severity, view_name;

\echo 'The most severe open alerts (risk.open_alerts)'
SELECT severity, view_name AS view, rule, key, round(value::numeric, 4) AS value, action
FROM risk.open_alerts LIMIT 8;

\echo 'A customer draws 105% of the limit: time until the alert is visible'
LISTEN risk_alerts;
SELECT clock_timestamp() AS t0 \gset
UPDATE credit_line SET drawn = 1.05 * limit_amount WHERE customer = 4321;
DO $$
BEGIN
    FOR i IN 1 .. 3000 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM risk.open_alerts
                          WHERE key = '{"customer": 4321}' AND rule = 'limit overdrawn');
        PERFORM pg_sleep(0.01);
    END LOOP;
END $$;
SELECT clock_timestamp() AS t1 \gset
-- opened_at is the start of the refresh that opened the alert; the alert is
-- visible when that refresh commits, which is what t1 measures
SELECT severity, rule, key, round(value::numeric, 2) AS value, action,
       round(extract(epoch FROM :'t1'::timestamptz - :'t0'::timestamptz)::numeric, 2) AS seconds_until_visible
FROM risk.open_alerts WHERE key = '{"customer": 4321}';
\echo 'The NOTIFY an application listening on channel risk_alerts received:'
SELECT 1 AS notified;
UNLISTEN risk_alerts;
