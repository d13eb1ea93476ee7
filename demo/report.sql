-- The demo's risk report: rolling VaR/ES, exceptions and backtest verdicts.
\pset footer off
\pset null '-'
\set QUIET 1
\timing off

\echo
\echo '== Data'
SELECT count(DISTINCT portfolio) AS portfolios, count(*) AS returns,
       min(day) AS first_day, max(day) AS last_day
FROM returns;

-- rolling 250-day risk measures for every portfolio and day, all methods
\echo
\echo '== Computing rolling 250-day 99% VaR/ES for every portfolio and day ...'
\timing on
CREATE TABLE rolling AS
SELECT portfolio, day, r,
       risk.var_historical(r, 0.99) OVER w AS var_hist,
       risk.es_historical(r, 0.99)  OVER w AS es_hist,
       risk.var_gaussian(r, 0.99)   OVER w AS var_gauss,
       risk.var_modified(r, 0.99)   OVER w AS var_cf,
       risk.es_modified(r, 0.99)    OVER w AS es_cf,
       risk.var_ewma(r, 0.99)       OVER w AS var_ewma,
       count(r) OVER w              AS window_days
FROM returns
WINDOW w AS (PARTITION BY portfolio ORDER BY day ROWS 249 PRECEDING);
\timing off

\echo
\echo '== Ten riskiest portfolios on the last day (99%, 250 days, as % of value)'
SELECT p.name, p.desk,
       round(100 * var_hist::numeric, 2)  AS var_hist,
       round(100 * es_hist::numeric, 2)   AS es_hist,
       round(100 * var_gauss::numeric, 2) AS var_gauss,
       round(100 * var_cf::numeric, 2)    AS var_cf,
       round(100 * es_cf::numeric, 2)     AS es_cf,
       round(100 * var_ewma::numeric, 2)  AS var_ewma
FROM rolling JOIN portfolio p USING (portfolio)
WHERE day = (SELECT max(day) FROM returns)
ORDER BY es_hist DESC LIMIT 10;

-- exceptions: the loss of a day against the VaR set the day before
CREATE TABLE exceptions AS
SELECT portfolio, day, r, method, var_prev,
       risk.var_exception(r, var_prev) AS exception
FROM (
    SELECT portfolio, day, r, m.method,
           lag(m.var) OVER (PARTITION BY portfolio, m.method ORDER BY day) AS var_prev
    FROM rolling
    CROSS JOIN LATERAL (VALUES ('historical', var_hist), ('gaussian', var_gauss),
                               ('cornish-fisher', var_cf), ('ewma', var_ewma)) m(method, var)
) s
WHERE var_prev IS NOT NULL;
-- the Basel backtest window: the last 250 days of each portfolio
DELETE FROM exceptions e
USING (SELECT portfolio, method, day,
              row_number() OVER (PARTITION BY portfolio, method ORDER BY day DESC) AS age
       FROM exceptions) a
WHERE a.portfolio = e.portfolio AND a.method = e.method AND a.day = e.day AND a.age > 250;

\echo
\echo '== Backtest over the last 250 days, per VaR method (300 portfolios)'
WITH per_pf AS (
    SELECT method, portfolio, count(*) AS days,
           count(*) FILTER (WHERE exception) AS exceptions,
           risk.christoffersen(exception, 0.99 ORDER BY day) AS ch
    FROM exceptions GROUP BY method, portfolio
)
SELECT method,
       round(avg(exceptions), 2) AS avg_exceptions,
       count(*) FILTER (WHERE (risk.traffic_light(exceptions, days)).zone = 'green')  AS green,
       count(*) FILTER (WHERE (risk.traffic_light(exceptions, days)).zone = 'yellow') AS yellow,
       count(*) FILTER (WHERE (risk.traffic_light(exceptions, days)).zone = 'red')    AS red,
       count(*) FILTER (WHERE (risk.kupiec_pof(days, exceptions, 0.99)).p_value < 0.05) AS kupiec_rejects,
       count(*) FILTER (WHERE (ch).p_value_ind < 0.05) AS independence_rejects,
       count(*) FILTER (WHERE (ch).p_value_cc < 0.05)  AS cond_coverage_rejects
FROM per_pf GROUP BY method ORDER BY avg_exceptions DESC;

\echo
\echo '== Portfolios in the red zone with historical VaR (Basel plus factor 1.00)'
SELECT p.name, p.desk, count(*) FILTER (WHERE exception) AS exceptions,
       (risk.traffic_light(count(*) FILTER (WHERE exception), count(*))).*
FROM exceptions JOIN portfolio p USING (portfolio)
WHERE method = 'historical'
GROUP BY p.name, p.desk
HAVING (risk.traffic_light(count(*) FILTER (WHERE exception), count(*))).zone = 'red'
ORDER BY exceptions DESC LIMIT 10;

\echo
\echo '== Desk summary on the last day: moments of the last 250 returns and VaR'
SELECT p.desk, count(DISTINCT portfolio) AS portfolios,
       round(avg((m).sd)::numeric * 100, 3) AS avg_daily_vol_pct,
       round(avg((m).skewness)::numeric, 2) AS avg_skewness,
       round(avg((m).kurtosis)::numeric, 2) AS avg_excess_kurtosis,
       round(100 * avg(var_hist)::numeric, 2) AS avg_var_hist_pct
FROM (SELECT portfolio, day, var_hist,
             risk.moments(r) OVER (PARTITION BY portfolio ORDER BY day ROWS 249 PRECEDING) AS m
      FROM rolling) s
JOIN portfolio p USING (portfolio)
WHERE day = (SELECT max(day) FROM returns)
GROUP BY p.desk ORDER BY p.desk;
