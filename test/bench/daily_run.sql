-- daily_run.sql - the daily job of test/bench/daily_run.sh on our side, in
-- one psql session, as a bank would schedule it.  Each step is timed (into
-- daily_times, by daily_mark) and followed by its floor: the plain scan,
-- sort or plain SQL that does the same work without the extension, timed
-- the same way and then dropped.
--
-- Needs the tables customers and returns, and the set-up of the shell
-- script (daily_times, daily_mark, daily_wait, the empty tables scored and
-- backtest, the watched views ew_customers and ew_portfolios with a rule
-- each); psql variables n_days (the last day), pd_alert, exc_alert and
-- ew_sync (on: risk.refresh_and_evaluate exists).
\set ON_ERROR_STOP on

-- ---------------------------------------------------------------------
-- 1. WOE binning of the 8 characteristics on the training sample
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE bins AS
SELECT risk.woe_bins(x1, bad) AS b1, risk.woe_bins(x2, bad) AS b2,
       risk.woe_bins(x3, bad) AS b3, risk.woe_bins(x4, bad) AS b4,
       risk.woe_bins(x5, bad) AS b5, risk.woe_bins(x6, bad) AS b6,
       risk.woe_bins(x7, bad) AS b7, risk.woe_bins(x8, bad) AS b8
FROM customers WHERE NOT holdout;
CALL daily_mark('woe_bins', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x1), percentile_disc(0.5) WITHIN GROUP (ORDER BY x2),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY x3), percentile_disc(0.5) WITHIN GROUP (ORDER BY x4),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY x5), percentile_disc(0.5) WITHIN GROUP (ORDER BY x6),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY x7), percentile_disc(0.5) WITHIN GROUP (ORDER BY x8)
FROM customers WHERE NOT holdout \g /dev/null
CALL daily_mark('woe_bins', 'floor', :'t0');

SELECT format('  binning: %s bins, IV %s', string_agg(cardinality((b).woe)::text, ' ' ORDER BY k),
              string_agg(round((b).iv::numeric, 3)::text, ' ' ORDER BY k))
FROM bins, LATERAL (VALUES (1, b1), (2, b2), (3, b3), (4, b4), (5, b5), (6, b6), (7, b7), (8, b8)) v(k, b);

-- ---------------------------------------------------------------------
-- 2. WOE columns for every customer
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE cust_woe AS
SELECT c.id, c.holdout, c.bad, c.grade_prev,
       risk.woe(b.b1, c.x1) AS w1, risk.woe(b.b2, c.x2) AS w2,
       risk.woe(b.b3, c.x3) AS w3, risk.woe(b.b4, c.x4) AS w4,
       risk.woe(b.b5, c.x5) AS w5, risk.woe(b.b6, c.x6) AS w6,
       risk.woe(b.b7, c.x7) AS w7, risk.woe(b.b8, c.x8) AS w8
FROM customers c CROSS JOIN bins b;
CALL daily_mark('woe_columns', 'ours', :'t0');

-- the floor: the CASE expression a user would write from the binnings
-- (made before the clock starts)
SELECT string_agg(e, ', ' ORDER BY k) AS woe_case
FROM (SELECT k, format('CASE WHEN x%s IS NULL THEN %s %s ELSE %s END AS w%s',
                       k, t.missing, coalesce(t.whens, ''), t.last, k) AS e
      FROM bins,
           LATERAL (VALUES (1, b1), (2, b2), (3, b3), (4, b4), (5, b5), (6, b6), (7, b7), (8, b8)) v(k, b),
           LATERAL (SELECT coalesce(max(woe) FILTER (WHERE lower IS NULL), 0) AS missing,
                           string_agg(format('WHEN x%s < %s THEN %s', k, upper, woe), ' ' ORDER BY bin)
                               FILTER (WHERE lower IS NOT NULL AND upper < 'Infinity') AS whens,
                           (array_agg(woe ORDER BY bin DESC) FILTER (WHERE lower IS NOT NULL))[1] AS last
                    FROM risk.woe_bins_table(v.b)) t) s \gset
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE cust_woe_floor AS
SELECT c.id, c.holdout, c.bad, c.grade_prev, :woe_case FROM customers c;
CALL daily_mark('woe_columns', 'floor', :'t0');
SELECT format('  WOE columns: %s rows, the CASE floor gives the same values: %s', count(*),
              count(*) FILTER (WHERE (a.w1, a.w2, a.w3, a.w4, a.w5, a.w6, a.w7, a.w8)
                                     IS NOT DISTINCT FROM (f.w1, f.w2, f.w3, f.w4, f.w5, f.w6, f.w7, f.w8)) = count(*))
FROM cust_woe a JOIN cust_woe_floor f USING (id);
DROP TABLE cust_woe_floor;

-- ---------------------------------------------------------------------
-- 3. logistic regression of the defaults on the WOE columns (training)
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE model AS
SELECT risk.logit_fit(bad, ARRAY[w1, w2, w3, w4, w5, w6, w7, w8]) AS m
FROM cust_woe WHERE NOT holdout;
CALL daily_mark('logit_fit', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
SELECT count(ARRAY[w1, w2, w3, w4, w5, w6, w7, w8]), count(bad) FROM cust_woe WHERE NOT holdout \g /dev/null
CALL daily_mark('logit_fit', 'floor', :'t0');
SELECT format('  model: %s iterations, converged %s, coefficients %s', (m).iterations, (m).converged,
              (SELECT string_agg(round(c::numeric, 4)::text, ' ') FROM unnest((m).coefficients) c))
FROM model;

-- ---------------------------------------------------------------------
-- 4. scoring into a table: PD, points, grade (OFFSET 0: the PD is
--    computed once per row, not once per use)
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
INSERT INTO scored
SELECT id, holdout, bad, grade_prev, pd, risk.score_points(pd), risk.grade(pd)
FROM (SELECT w.id, w.holdout, w.bad, w.grade_prev,
             risk.logit_predict(model.m, ARRAY[w.w1, w.w2, w.w3, w.w4, w.w5, w.w6, w.w7, w.w8]) AS pd
      FROM cust_woe w CROSS JOIN model OFFSET 0) s;
CALL daily_mark('scoring', 'ours', :'t0');

SELECT (m).coefficients[1] AS b0, (m).coefficients[2] AS b1, (m).coefficients[3] AS b2,
       (m).coefficients[4] AS b3, (m).coefficients[5] AS b4, (m).coefficients[6] AS b5,
       (m).coefficients[7] AS b6, (m).coefficients[8] AS b7, (m).coefficients[9] AS b8
FROM model \gset
CREATE TABLE scored_floor (LIKE scored);
SELECT clock_timestamp() AS t0 \gset
INSERT INTO scored_floor
SELECT id, holdout, bad, grade_prev, pd, 600 - 20 / ln(2) * ln(50) + 20 / ln(2) * ln((1 - pd) / pd), ms.grade
FROM (SELECT w.id, w.holdout, w.bad, w.grade_prev,
             1 / (1 + exp(-(:b0 + :b1 * w.w1 + :b2 * w.w2 + :b3 * w.w3 + :b4 * w.w4
                            + :b5 * w.w5 + :b6 * w.w6 + :b7 * w.w7 + :b8 * w.w8))) AS pd
      FROM cust_woe w OFFSET 0) s
JOIN risk.master_scale ms
  ON ms.scale = 'default' AND pd >= ms.pd_lower AND (pd < ms.pd_upper OR (pd = 1 AND ms.pd_upper = 1));
CALL daily_mark('scoring', 'floor', :'t0');
SELECT format('  scored: %s customers, the plain-SQL floor gives the same grades: %s, max |PD difference| %s',
              count(*), count(*) FILTER (WHERE a.grade = f.grade) = count(*), max(abs(a.pd - f.pd)))
FROM scored a JOIN scored_floor f USING (id);
DROP TABLE scored_floor;

-- ---------------------------------------------------------------------
-- 5. validation on the holdout: AUC, KS, Hosmer-Lemeshow, Brier
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE validation AS
SELECT count(*) AS n, risk.auc(pd, bad) AS auc, risk.ks(pd, bad) AS ks,
       risk.hosmer_lemeshow(pd, bad) AS hl, risk.brier(pd, bad) AS brier
FROM scored WHERE holdout;
CALL daily_mark('validation', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY pd), count(bad) FROM scored WHERE holdout \g /dev/null
CALL daily_mark('validation', 'floor', :'t0');
SELECT format('  holdout: AUC %s, KS %s, Hosmer-Lemeshow %s (p %s), Brier %s', round(auc::numeric, 6),
              round(ks::numeric, 6), round((hl).statistic::numeric, 3), round((hl).p_value::numeric, 6),
              round(brier::numeric, 6))
FROM validation;

-- ---------------------------------------------------------------------
-- 6. per grade: customers, defaults, average PD, Jeffreys test (holdout)
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE grade_tests AS
SELECT s.grade, ms.grade_order, s.n, s.d, s.avg_pd, risk.jeffreys_test(s.n, s.d, s.avg_pd) AS jeffreys_p
FROM (SELECT grade, count(*) AS n, count(*) FILTER (WHERE bad) AS d, avg(pd) AS avg_pd
      FROM scored WHERE holdout GROUP BY grade) s
JOIN risk.master_scale ms ON ms.scale = 'default' AND ms.grade = s.grade;
CALL daily_mark('grade_tests', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
SELECT grade, count(*), count(*) FILTER (WHERE bad), avg(pd) FROM scored WHERE holdout GROUP BY grade \g /dev/null
CALL daily_mark('grade_tests', 'floor', :'t0');
SELECT format('  grades (holdout): %s', string_agg(format('%s: %s/%s%s', grade, d, n,
                                                          CASE WHEN jeffreys_p < 0.05 THEN ' red' ELSE '' END),
                                                   ', ' ORDER BY grade_order))
FROM grade_tests;

-- ---------------------------------------------------------------------
-- 7. PSI of the points, training (development) vs holdout (current)
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE psi AS SELECT (risk.psi_scores(points, holdout)).* FROM scored;
CALL daily_mark('psi', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
WITH edges AS (
    SELECT ARRAY(SELECT DISTINCT x FROM unnest(e) x ORDER BY x) AS e
    FROM (SELECT percentile_cont(ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
                 WITHIN GROUP (ORDER BY points) AS e
          FROM scored WHERE NOT holdout) q),
counts AS (
    SELECT holdout, width_bucket(points, (SELECT e FROM edges)) AS b, count(*)::float8 AS n
    FROM scored GROUP BY 1, 2)
SELECT (risk.psi(array_agg(n ORDER BY b) FILTER (WHERE NOT holdout),
                 array_agg(n ORDER BY b) FILTER (WHERE holdout))).psi
FROM counts \g /dev/null
CALL daily_mark('psi', 'floor', :'t0');
SELECT format('  PSI of the points: %s (%s)', round(psi::numeric, 6), band) FROM psi;

-- ---------------------------------------------------------------------
-- 8. migration matrix from last year's grades
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE migration AS SELECT risk.migration_matrix(grade_prev, grade) AS m FROM scored;
CALL daily_mark('migration', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
SELECT grade_prev, grade, count(*) FROM scored GROUP BY 1, 2 \g /dev/null
CALL daily_mark('migration', 'floor', :'t0');
SELECT format('  migration: %s%% stayed in their grade',
              round(100.0 * sum(n) FILTER (WHERE from_grade = to_grade) / sum(n), 1))
FROM migration, risk.migration_cells(m);

-- ---------------------------------------------------------------------
-- 9. rolling 250-day VaR and ES at 99%, every portfolio and day
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE var_roll AS
SELECT portfolio, day, r,
       risk.var_historical(r, 0.99) OVER w AS var, risk.es_historical(r, 0.99) OVER w AS es,
       count(r) OVER w AS n
FROM returns
WINDOW w AS (PARTITION BY portfolio ORDER BY day ROWS 249 PRECEDING);
CALL daily_mark('rolling_var', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
CREATE TABLE var_floor AS
SELECT portfolio, day, r, count(r) OVER w AS var, count(*) OVER w AS es, count(r) OVER w AS n
FROM returns
WINDOW w AS (PARTITION BY portfolio ORDER BY day ROWS 249 PRECEDING);
CALL daily_mark('rolling_var', 'floor', :'t0');
DROP TABLE var_floor;
SELECT format('  rolling VaR: %s rows, mean VaR %s, mean ES %s', count(*), round(avg(var)::numeric, 5),
              round(avg(es)::numeric, 5))
FROM var_roll;

-- ---------------------------------------------------------------------
-- 10. backtest of the last 250 days against the VaR of the day before
--     (full 250-day windows only)
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
INSERT INTO backtest
SELECT portfolio, days, exceptions, k.lr, k.p_value, (chr).lr_ind, (chr).p_value_ind,
       (chr).lr_cc, (chr).p_value_cc, t.zone, t.plus_factor
FROM (SELECT portfolio, count(*) AS days,
             count(*) FILTER (WHERE risk.var_exception(r, var_prev)) AS exceptions,
             risk.christoffersen(risk.var_exception(r, var_prev), 0.99 ORDER BY day) AS chr
      FROM (SELECT portfolio, day, r, lag(var) OVER w AS var_prev, lag(n) OVER w AS n_prev
            FROM var_roll WHERE day > :n_days - 251
            WINDOW w AS (PARTITION BY portfolio ORDER BY day)) b
      WHERE day > :n_days - 250 AND n_prev = 250
      GROUP BY portfolio) bt,
     risk.kupiec_pof(days, exceptions, 0.99) k,
     risk.traffic_light(exceptions, days, 0.99) t;
CALL daily_mark('backtest', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
SELECT portfolio, count(*), count(*) FILTER (WHERE r < -var_prev)
FROM (SELECT portfolio, day, r, lag(var) OVER w AS var_prev, lag(n) OVER w AS n_prev
      FROM var_roll WHERE day > :n_days - 251
      WINDOW w AS (PARTITION BY portfolio ORDER BY day)) b
WHERE day > :n_days - 250 AND n_prev = 250
GROUP BY portfolio \g /dev/null
CALL daily_mark('backtest', 'floor', :'t0');
SELECT format('  backtest: %s portfolios, %s exceptions, zones %s', count(*), sum(exceptions),
              (SELECT string_agg(format('%s %s', zone, n), ', ' ORDER BY zone)
               FROM (SELECT zone, count(*) AS n FROM backtest GROUP BY zone) z))
FROM backtest;

-- ---------------------------------------------------------------------
-- 11. per portfolio a GPD over its 95% loss quantile, the 99.9% POT VaR
--     (a fit without an interior maximum has no estimates: no VaR)
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE gpd AS
SELECT portfolio, m, CASE WHEN (m).xi IS NOT NULL THEN risk.gpd_var(m, 0.999) END AS var_999
FROM (SELECT portfolio, risk.gpd_fit_quantile(-r, 0.95) AS m FROM returns GROUP BY portfolio) s;
CALL daily_mark('gpd', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
SELECT portfolio, percentile_cont(0.95) WITHIN GROUP (ORDER BY -r) FROM returns GROUP BY portfolio \g /dev/null
CALL daily_mark('gpd', 'floor', :'t0');
SELECT format('  GPD: %s fits, %s converged, median xi %s, median 99.9%% VaR %s', count(*),
              count(*) FILTER (WHERE (m).converged),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY (m).xi))::numeric, 4),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY var_999))::numeric, 5))
FROM gpd;

-- ---------------------------------------------------------------------
-- 12. per portfolio the GARCH(1,1) VaR at 99% of the next day
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE garch AS
SELECT portfolio, risk.var_garch(r, 0.99 ORDER BY day) AS var FROM returns GROUP BY portfolio;
CALL daily_mark('garch', 'ours', :'t0');

SELECT clock_timestamp() AS t0 \gset
SELECT portfolio, cardinality(array_agg(r ORDER BY day)) FROM returns GROUP BY portfolio \g /dev/null
CALL daily_mark('garch', 'floor', :'t0');
SELECT format('  GARCH: %s portfolios, median VaR %s', count(*),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY var))::numeric, 5))
FROM garch;

-- ---------------------------------------------------------------------
-- 13. early warning: the two views refreshed and their rules evaluated,
--     until the alerts are visible
-- ---------------------------------------------------------------------
SELECT clock_timestamp() AS t0 \gset
\if :ew_sync
SELECT * FROM risk.refresh_and_evaluate('ew_customers') \g /dev/null
SELECT * FROM risk.refresh_and_evaluate('ew_portfolios') \g /dev/null
\else
BEGIN;
SELECT risk.refresh_now('ew_customers'), risk.refresh_now('ew_portfolios') \g /dev/null
COMMIT;
SELECT daily_wait(format($$(SELECT count(*) = 2 FROM risk.refresh_history
                            WHERE view IN ('ew_customers'::regclass, 'ew_portfolios'::regclass)
                              AND started_at >= %L AND outcome <> 'running')$$, :'t0'),
                  600, 'the refresh of the early-warning views') \g /dev/null
\endif
CALL daily_mark('early_warning', 'ours', :'t0');

SELECT format('  early warning: %s', string_agg(format('%s %s (%s rows, %s opened, %s resolved, %s s)',
                                                       view_name, outcome, rows, alerts_opened, alerts_resolved,
                                                       round(duration_seconds::numeric, 3)), '; ' ORDER BY view_name))
FROM (SELECT DISTINCT ON (view) * FROM risk.refresh_history
      WHERE view IN ('ew_customers'::regclass, 'ew_portfolios'::regclass) ORDER BY view, id DESC) h;
SELECT count(*) FILTER (WHERE outcome <> 'ok') > 0 AS ew_failed
FROM (SELECT DISTINCT ON (view) outcome FROM risk.refresh_history
      WHERE view IN ('ew_customers'::regclass, 'ew_portfolios'::regclass) ORDER BY view, id DESC) h \gset
\if :ew_failed
DO $$ BEGIN RAISE EXCEPTION 'an early-warning refresh did not end ok (see risk.refresh_history)'; END $$;
\endif

CREATE TABLE ew_breaches (view_name text, key jsonb, value float8);
SELECT clock_timestamp() AS t0 \gset
REFRESH MATERIALIZED VIEW CONCURRENTLY ew_customers;
REFRESH MATERIALIZED VIEW CONCURRENTLY ew_portfolios;
INSERT INTO ew_breaches
SELECT 'public.ew_customers', jsonb_build_object('id', id), pd FROM ew_customers WHERE pd > :pd_alert
UNION ALL
SELECT 'public.ew_portfolios', jsonb_build_object('portfolio', portfolio), exceptions
FROM ew_portfolios WHERE exceptions >= :exc_alert;
CALL daily_mark('early_warning', 'floor', :'t0');
SELECT format('  open alerts: %s', string_agg(format('%s %s', view_name, n), ', ' ORDER BY view_name))
FROM (SELECT view_name, count(*) AS n FROM risk.open_alerts GROUP BY view_name) a;
