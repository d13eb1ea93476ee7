--
-- Backtests: Kupiec, Christoffersen, Basel traffic light, exceptions
--

-- the values quoted for 250 days at 99%
SELECT round(lr::numeric, 4) AS lr, round(p_value::numeric, 4) AS p_value
FROM risk.kupiec_pof(250, 4, 0.99);
SELECT round(lr::numeric, 4) AS lr, round(p_value::numeric, 6) AS p_value
FROM risk.kupiec_pof(250, 10, 0.99);

-- against R for all reference cases
SELECT e.measure, count(*) AS compared,
       bool_and(CASE e.measure WHEN 'lr' THEN near(k.lr, e.value, 1e-12)  -- R: -2.8e-14 at x/n = 1-p, we: 0
                ELSE relerr(k.p_value, e.value) < 1e-12 END) AS matches_r
FROM backtest_expected e
CROSS JOIN LATERAL risk.kupiec_pof(e.n, e.x, e.p) k
WHERE e.test = 'kupiec'
GROUP BY e.measure ORDER BY e.measure;

-- the Basel (1996) table for 250 days at 99%
SELECT x AS exceptions, t.zone, round(t.cumulative_probability::numeric, 4) AS cumulative_probability,
       t.plus_factor
FROM generate_series(0, 12) x, risk.traffic_light(x) t;

SELECT count(*) AS compared,
       max(relerr(t.cumulative_probability, e.value)) < 1e-12 AS cumprob_within_1e_12
FROM backtest_expected e, risk.traffic_light(e.x, e.n, e.p) t
WHERE e.test = 'traffic_light' AND e.measure = 'cumprob';

-- other horizons: the zone still follows the binomial, no plus factor
SELECT * FROM risk.traffic_light(8, 500);
SELECT * FROM risk.traffic_light(12, 250, 0.975);

-- Christoffersen against R, sequences 1-5 (5: clustered exceptions)
WITH ours AS (
    SELECT seq, (risk.christoffersen(exception, 0.99 ORDER BY t)).*
    FROM christoffersen_seq GROUP BY seq
)
SELECT e.seq,
       bool_and(relerr(CASE e.measure
           WHEN 'n00' THEN o.n00 WHEN 'n01' THEN o.n01 WHEN 'n10' THEN o.n10
           WHEN 'n11' THEN o.n11 WHEN 'lr_ind' THEN o.lr_ind
           WHEN 'p_value_ind' THEN o.p_value_ind WHEN 'lr_uc' THEN o.lr_uc
           WHEN 'lr_cc' THEN o.lr_cc WHEN 'p_value_cc' THEN o.p_value_cc END,
           e.value) < 1e-12) AS matches_r,
       min(o.n) AS n, min(o.exceptions) AS exceptions
FROM christoffersen_expected e JOIN ours o USING (seq)
GROUP BY e.seq ORDER BY e.seq;

SELECT n, exceptions, n00, n01, n10, n11, round(lr_ind::numeric, 4) AS lr_ind,
       p_value_ind < 0.01 AS rejects_independence, lr_uc IS NULL AS no_level
FROM (SELECT (risk.christoffersen(exception ORDER BY t)).* FROM christoffersen_seq WHERE seq = 5) s;

-- NULL indicators are skipped; an empty input gives NULL
SELECT (risk.christoffersen(e ORDER BY i)).n
FROM (VALUES (1, true), (2, NULL), (3, false)) v(i, e);
SELECT risk.christoffersen(e) IS NULL AS empty_is_null FROM (SELECT true WHERE false) v(e);

-- Exceptions: days whose loss exceeded the VaR set the day before, by the
-- documented pattern, against a plain self-join on the same data.
CREATE TEMP TABLE rolling_var AS
SELECT portfolio, day, r,
       risk.var_historical(r, 0.99) OVER (PARTITION BY portfolio ORDER BY day ROWS 249 PRECEDING) AS var
FROM returns;

SELECT portfolio,
       count(*) FILTER (WHERE risk.var_exception(r, var_prev)) AS exceptions,
       count(var_prev) AS days
FROM (SELECT portfolio, day, r, lag(var) OVER (PARTITION BY portfolio ORDER BY day) AS var_prev
      FROM rolling_var) t
WHERE day > 250
GROUP BY portfolio ORDER BY portfolio;

SELECT a.portfolio, count(*) FILTER (WHERE a.r < -b.var) AS exceptions, count(*) AS days
FROM rolling_var a JOIN rolling_var b ON b.portfolio = a.portfolio AND b.day = a.day - 1
WHERE a.day > 250
GROUP BY a.portfolio ORDER BY a.portfolio;

-- and the verdicts
SELECT portfolio, exceptions, days, (risk.traffic_light(exceptions, days)).zone,
       round((risk.kupiec_pof(days, exceptions, 0.99)).p_value::numeric, 4) AS kupiec_p
FROM (SELECT portfolio,
             count(*) FILTER (WHERE risk.var_exception(r, var_prev)) AS exceptions,
             count(var_prev) AS days
      FROM (SELECT portfolio, day, r, lag(var) OVER (PARTITION BY portfolio ORDER BY day) AS var_prev
            FROM rolling_var) t
      WHERE day > 250 GROUP BY portfolio) s
ORDER BY portfolio;

-- a statistic that rounds to zero is 0, never -0
SELECT lr_ind, lr_uc FROM (SELECT (risk.christoffersen(e, 0.99 ORDER BY e)).* FROM (VALUES (false)) v(e)) s;
SELECT lr FROM risk.kupiec_pof(100, 1, 0.99);
