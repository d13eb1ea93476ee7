-- Data of the demo's charts, written as CSV files (plus a small gnuplot
-- file of parameters per chart) into the directory given as
--     psql -v outdir=DIR -f demo/charts.sql
-- Runs after demo/report.sql, demo/early_warning.sql, demo/profile.sql and
-- demo/explain.sql: it reads the tables they made (rolling, exceptions,
-- graded, graded_mlp, customer_grade, portfolio_fit, loan_region, fairness)
-- and the alerts the background workers raised.  The scripts in
-- demo/charts/ draw the PNGs.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset footer off
\pset tuples_only on
\pset format unaligned

--------------------------------------------------------------------------
-- 1. VaR backtest of one portfolio: the one with the most exceptions of
--    the historical VaR in the last 250 days (the top of the report's red
--    zone list), over all five years.
--------------------------------------------------------------------------
SELECT e.portfolio AS pf, p.name AS pf_name, p.desk AS pf_desk,
       count(*) FILTER (WHERE e.exception) AS pf_exceptions_250, min(e.day) AS pf_window_start,
       (risk.traffic_light(count(*) FILTER (WHERE e.exception), count(*))).zone AS pf_zone
FROM exceptions e JOIN portfolio p USING (portfolio)
WHERE e.method = 'historical'
GROUP BY e.portfolio, p.name, p.desk
ORDER BY count(*) FILTER (WHERE e.exception) DESC, e.portfolio
LIMIT 1 \gset

-- each day's return against the VaR set the day before, from a full
-- 250-day window; returns and VaR in % of the portfolio's value
CREATE TEMP TABLE chart_var AS
SELECT day, 100 * r AS ret,
       CASE WHEN n_prev = 250 THEN -100 * var_prev END AS var_limit,
       coalesce(n_prev = 250 AND risk.var_exception(r, var_prev), false) AS exception
FROM (SELECT day, r,
             lag(var_hist)    OVER (ORDER BY day) AS var_prev,
             lag(window_days) OVER (ORDER BY day) AS n_prev
      FROM rolling WHERE portfolio = :pf) s;

\set f :outdir/var_backtest.csv
\o :f
COPY (SELECT day, round(ret::numeric, 4) AS ret, round(var_limit::numeric, 4) AS var_limit,
             exception::int AS exception
      FROM chart_var ORDER BY day) TO STDOUT (FORMAT csv, HEADER);
\set f :outdir/var_backtest.gp
\o :f
SELECT format('pf_name = "%s"; pf_desk = "%s"', :'pf_name', :'pf_desk');
SELECT format('window_start = "%s"; last_day = "%s"', :'pf_window_start', max(day)) FROM chart_var;
SELECT format('n_exc = %s; n_days = %s; n_exc_250 = %s; zone = "%s"',
              count(*) FILTER (WHERE exception), count(var_limit), :pf_exceptions_250, :'pf_zone')
FROM chart_var;
\o

--------------------------------------------------------------------------
-- 2. Tail of the daily losses of the equity desk (60 portfolios, in % of
--    value): mean excess at 100 sample quantiles, and the GPD fitted above
--    the 95% quantile as in the report, against the empirical tail.
--------------------------------------------------------------------------
CREATE TEMP TABLE chart_loss AS
SELECT -100 * r AS loss FROM returns JOIN portfolio p USING (portfolio) WHERE p.desk = 'equity';
SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY loss) AS u, max(loss) AS max_loss FROM chart_loss \gset
CREATE TEMP TABLE chart_gpd AS SELECT risk.gpd_fit(loss, :u) AS f FROM chart_loss;

-- mean excess at the 50%, 50.5%, ..., 99.5% quantiles, and the line the
-- fitted GPD implies above its threshold: e(v) = (beta + xi (v - u)) / (1 - xi)
\set f :outdir/tail_mean_excess.csv
\o :f
COPY (
    WITH th AS (
        SELECT lv.q, percentile_cont(lv.q) WITHIN GROUP (ORDER BY loss) AS u
        FROM chart_loss, (SELECT array_agg(q::float8 ORDER BY q) AS q
                          FROM generate_series(0.5, 0.995, 0.005) q) lv
        GROUP BY lv.q
    ), me AS (
        SELECT th.q, risk.mean_excess(loss, th.u) AS pts FROM chart_loss, th GROUP BY th.q, th.u
    )
    SELECT me.q[i] AS level, p.threshold, p.n_exceed, p.mean_excess,
           CASE WHEN p.threshold >= (g.f).threshold
                THEN ((g.f).beta + (g.f).xi * (p.threshold - (g.f).threshold)) / (1 - (g.f).xi) END AS gpd_mean_excess
    FROM me, unnest(me.pts) WITH ORDINALITY AS p(threshold, n_exceed, mean_excess, i), chart_gpd g
    ORDER BY i
) TO STDOUT (FORMAT csv, HEADER);

-- empirical survival P(L > x) at the losses above the threshold (the i-th
-- largest of n at i/n) ...
\set f :outdir/tail_empirical.csv
\o :f
COPY (
    SELECT loss, row_number() OVER (ORDER BY loss DESC) / (SELECT count(*) FROM chart_loss)::float8 AS survival
    FROM chart_loss WHERE loss > :u ORDER BY loss
) TO STDOUT (FORMAT csv, HEADER);

-- ... and the fitted tail, P(L > x) = (k/n) (1 - G(x - u)), on a grid from
-- the threshold to 1.5 times the largest loss
\set f :outdir/tail_gpd.csv
\o :f
COPY (
    SELECT x, (g.f).n_exceed::float8 / (g.f).n * (1 - risk.gpd_cdf(x, (g.f).xi, (g.f).beta, (g.f).threshold)) AS survival
    FROM chart_gpd g,
         LATERAL (SELECT (g.f).threshold + j / 400.0 * (1.5 * :max_loss - (g.f).threshold) AS x
                  FROM generate_series(0, 400) j) s
    ORDER BY x
) TO STDOUT (FORMAT csv, HEADER);

\set f :outdir/tail.gp
\o :f
SELECT format('u = %s; xi = %s; beta = %s; n = %s; k = %s',
              (f).threshold, (f).xi, (f).beta, (f).n, (f).n_exceed)
       || format('; var999 = %s; es999 = %s; max_loss = %s',
                 risk.gpd_var(f, 0.999), risk.gpd_es(f, 0.999), :max_loss)
FROM chart_gpd;
\o

--------------------------------------------------------------------------
-- 3. Scorecard: the points of goods and bads (all 8,000 loans, 5-point
--    bins, each as % of its class) and the ROC curves of the training
--    (older 6,000) and validation (recent 2,000) loans.
--------------------------------------------------------------------------
\set f :outdir/score_distribution.csv
\o :f
COPY (
    WITH b AS (SELECT 5 * floor(score / 5) AS bin, defaulted FROM graded)
    SELECT bin + 2.5 AS score,
           round(100.0 * count(*) FILTER (WHERE NOT defaulted)
                 / (SELECT count(*) FROM graded WHERE NOT defaulted), 4) AS goods_pct,
           round(100.0 * count(*) FILTER (WHERE defaulted)
                 / (SELECT count(*) FROM graded WHERE defaulted), 4) AS bads_pct
    FROM b GROUP BY bin ORDER BY bin
) TO STDOUT (FORMAT csv, HEADER);

-- ROC: loans taken riskiest first (PD descending, ties together); at each
-- distinct PD the share of goods (false positive rate) and of bads (true
-- positive rate) at or above it.  Three curves: the scorecard on the
-- training (older) and validation (recent) loans, and the neural network
-- of demo/report.sql on the recent loans (chart 3c).
CREATE TEMP TABLE chart_roc AS
WITH c AS (
    SELECT CASE WHEN recent THEN 'validation' ELSE 'training' END AS curve, pd, defaulted FROM graded
    UNION ALL
    SELECT 'mlp', pd_mlp, defaulted FROM graded_mlp WHERE recent
), g AS (
    SELECT curve, pd, count(*) FILTER (WHERE defaulted) AS bads, count(*) FILTER (WHERE NOT defaulted) AS goods
    FROM c GROUP BY curve, pd
)
SELECT curve, 0::float8 AS fpr, 0::float8 AS tpr FROM (VALUES ('training'), ('validation'), ('mlp')) v(curve)
UNION ALL
SELECT curve,
       sum(goods) OVER w / sum(goods) OVER (PARTITION BY curve),
       sum(bads)  OVER w / sum(bads)  OVER (PARTITION BY curve)
FROM g
WINDOW w AS (PARTITION BY curve ORDER BY pd DESC);

\set f :outdir/score_roc_training.csv
\o :f
COPY (SELECT fpr, tpr FROM chart_roc WHERE curve = 'training' ORDER BY fpr, tpr) TO STDOUT (FORMAT csv, HEADER);
\set f :outdir/score_roc_validation.csv
\o :f
COPY (SELECT fpr, tpr FROM chart_roc WHERE curve = 'validation' ORDER BY fpr, tpr) TO STDOUT (FORMAT csv, HEADER);

\set f :outdir/score.gp
\o :f
SELECT format('auc_train = %s; n_train = %s; bads_train = %s',
              risk.auc(pd, defaulted) FILTER (WHERE NOT recent), count(*) FILTER (WHERE NOT recent),
              count(*) FILTER (WHERE NOT recent AND defaulted))
       || E'\n' || format('auc_valid = %s; n_valid = %s; bads_valid = %s',
              risk.auc(pd, defaulted) FILTER (WHERE recent), count(*) FILTER (WHERE recent),
              count(*) FILTER (WHERE recent AND defaulted))
       || E'\n' || format('n_goods = %s; n_bads = %s',
              count(*) FILTER (WHERE NOT defaulted), count(*) FILTER (WHERE defaulted))
FROM graded;
\o

--------------------------------------------------------------------------
-- 3c. Scorecard and neural network (demo/report.sql): the ROC curves of
--     both PDs on the same 2,000 recent loans (the scorecard's is the
--     validation curve of 3b), with their AUC.
--------------------------------------------------------------------------
\set f :outdir/mlp_roc_mlp.csv
\o :f
COPY (SELECT fpr, tpr FROM chart_roc WHERE curve = 'mlp' ORDER BY fpr, tpr) TO STDOUT (FORMAT csv, HEADER);
\set f :outdir/mlp_roc.gp
\o :f
SELECT format('auc_scorecard = %s; auc_mlp = %s; n_valid = %s; bads_valid = %s',
              risk.auc(pd_scorecard, defaulted), risk.auc(pd_mlp, defaulted), count(*),
              count(*) FILTER (WHERE defaulted))
FROM graded_mlp WHERE recent;
\o

--------------------------------------------------------------------------
-- 4. Grade migration of the early-warning part's customers from
--    2026-09-30 to 2026-12-31 (risk.migration_matrix), each cell with its
--    share of the from grade's customers.  Grades without a customer at
--    either date are left out; idx numbers the remaining ones in scale order.
--------------------------------------------------------------------------
CREATE TEMP TABLE chart_migration AS
SELECT c.*
FROM (SELECT risk.migration_matrix(p.grade, c.grade) AS m
      FROM customer_grade p
      JOIN customer_grade c ON c.customer = p.customer AND c.as_of = date '2026-12-31'
      WHERE p.as_of = date '2026-09-30') s,
     risk.migration_cells(s.m) c;

CREATE TEMP TABLE chart_grade AS
SELECT f.grade, row_number() OVER (ORDER BY ms.grade_order) AS idx, from_n, to_n
FROM (SELECT from_grade AS grade, sum(n) AS from_n FROM chart_migration GROUP BY from_grade) f
JOIN (SELECT to_grade AS grade, sum(n) AS to_n FROM chart_migration GROUP BY to_grade) t USING (grade)
JOIN risk.master_scale ms ON ms.scale = 'default' AND ms.grade = f.grade
WHERE from_n > 0 OR to_n > 0;

\set f :outdir/migration.csv
\o :f
COPY (
    SELECT gt.idx AS to_idx, gf.idx AS from_idx, m.from_grade, m.to_grade, m.n,
           round(100 * coalesce(m.probability, 0)::numeric, 1) AS pct
    FROM chart_migration m
    JOIN chart_grade gf ON gf.grade = m.from_grade
    JOIN chart_grade gt ON gt.grade = m.to_grade
    ORDER BY gf.idx, gt.idx
) TO STDOUT (FORMAT csv, HEADER);

\set f :outdir/migration.gp
\o :f
SELECT format('n_grades = %s; n_customers = %s', count(*), sum(from_n))
       || E'\n' || format('set ytics (%s)', string_agg(format('"%s  (%s)" %s', grade, to_char(from_n, 'FM999,990'), idx),
                                                       ', ' ORDER BY idx))
       || E'\n' || format('set xtics (%s)', string_agg(format('"%s  (%s)" %s', grade, to_char(to_n, 'FM999,990'), idx),
                                                       ', ' ORDER BY idx))
FROM chart_grade;
\o

--------------------------------------------------------------------------
-- 5. Open alerts by severity over time: every alert's opening (+1) and
--    resolution (-1), counted per severity, from the first refresh of the
--    watched views to now.
--------------------------------------------------------------------------
SELECT least((SELECT min(started_at) FROM risk.refresh_history),
             (SELECT min(opened_at) FROM risk.alerts)) AS t0,
       clock_timestamp() AS t_end \gset

\set f :outdir/alerts_open.csv
\o :f
COPY (
    WITH ev AS (
        SELECT opened_at AS t, severity, 1 AS d FROM risk.alerts
        UNION ALL
        SELECT resolved_at, severity, -1 FROM risk.alerts WHERE resolved_at IS NOT NULL
    ), steps AS (
        SELECT t, sum(d) FILTER (WHERE severity = 'info')     AS info,
                  sum(d) FILTER (WHERE severity = 'warning')  AS warning,
                  sum(d) FILTER (WHERE severity = 'critical') AS critical
        FROM ev GROUP BY t
        UNION ALL SELECT :'t0', 0, 0, 0
        UNION ALL SELECT :'t_end', 0, 0, 0
    )
    SELECT round(extract(epoch FROM t - :'t0')::numeric, 3) AS seconds,
           sum(coalesce(info, 0))     OVER w AS info,
           sum(coalesce(warning, 0))  OVER w AS warning,
           sum(coalesce(critical, 0)) OVER w AS critical
    FROM steps
    WINDOW w AS (ORDER BY t)
    ORDER BY t
) TO STDOUT (FORMAT csv, HEADER);

-- the steps: which view's refresh opened (+) or resolved (-) how many
-- alerts of which severity, numbered in time order
CREATE TEMP TABLE chart_alert_step AS
WITH ev AS (
    SELECT opened_at AS t, view_name, severity, 1 AS d FROM risk.alerts
    UNION ALL
    SELECT resolved_at, view_name, severity, -1 FROM risk.alerts WHERE resolved_at IS NOT NULL
), per_sev AS (
    SELECT t, view_name, severity, sum(d) FILTER (WHERE d > 0) AS opened, -sum(d) FILTER (WHERE d < 0) AS resolved,
           CASE severity WHEN 'critical' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END AS sev_rank
    FROM ev GROUP BY t, view_name, severity
)
SELECT row_number() OVER (ORDER BY t, view_name) AS step, t, view_name,
       sum(sum(coalesce(opened, 0) - coalesce(resolved, 0))) OVER (ORDER BY t, view_name) AS open_after,
       string_agg(concat_ws(' ', '+' || opened, '-' || resolved, severity), ', ' ORDER BY sev_rank) AS change
FROM per_sev GROUP BY t, view_name;

\set f :outdir/alerts_events.csv
\o :f
COPY (
    SELECT round(extract(epoch FROM t - :'t0')::numeric, 3) AS seconds, open_after, step
    FROM chart_alert_step ORDER BY step
) TO STDOUT (FORMAT csv, HEADER);

\set f :outdir/alerts.gp
\o :f
SELECT format('t_end = %s', round(extract(epoch FROM :'t_end'::timestamptz - :'t0'::timestamptz)::numeric, 3));
SELECT format('events = "%s"',
              string_agg(format('%s.  %s s  %s\n      %s', step,
                                to_char(extract(epoch FROM t - :'t0'), 'FM990.00'),
                                regexp_replace(view_name, '^public\.', ''), change), '\n' ORDER BY step))
FROM chart_alert_step;
\o

--------------------------------------------------------------------------
-- 6. Each customer's portfolio risk against what the customer can bear
--    (demo/profile.sql): the one-year 99% loss of the portfolio (a
--    bootstrap of its returns) against the tolerated loss of the profile.
--------------------------------------------------------------------------
\set f :outdir/profile_risk.csv
\o :f
COPY (SELECT customer, risk_class, round(tolerated_loss::numeric, 2) AS tolerated_loss,
             round(greatest((r).horizon_var, 1)::numeric, 2) AS loss_1y
      FROM portfolio_fit WHERE tolerated_loss > 0 ORDER BY customer) TO STDOUT (FORMAT csv, HEADER);
\set f :outdir/profile_risk.gp
\o :f
SELECT format('n_customers = %s; n_beyond = %s', count(*),
              count(*) FILTER (WHERE (r).horizon_var > tolerated_loss))
FROM portfolio_fit WHERE tolerated_loss > 0;
\o

--------------------------------------------------------------------------
-- 7. Calibration of the PD by region (demo/explain.sql): the 8,000 loans
--    in ten groups of PD (deciles over all of them), and in each decile
--    and region the mean PD against the observed default rate, with its
--    95% Wilson interval.
--------------------------------------------------------------------------
CREATE TEMP TABLE chart_calibration AS
SELECT r.region, d.decile, count(*) AS n, count(*) FILTER (WHERE d.defaulted) AS defaults,
       avg(d.pd) AS mean_pd, avg(d.defaulted::int) AS observed
FROM (SELECT id, pd, defaulted, ntile(10) OVER (ORDER BY pd, id) AS decile FROM graded) d
JOIN loan_region r USING (id)
GROUP BY r.region, d.decile;

-- one CSV file per region (psql's unaligned output with a header), PD
-- and rates in %
PREPARE calibration_csv(text) AS
SELECT decile, n, defaults, round(100 * mean_pd::numeric, 4) AS mean_pd, round(100 * observed::numeric, 4) AS observed,
       round(100 * ((observed + 1.92 / n - 1.96 * sqrt(observed * (1 - observed) / n + 0.9604 / n ^ 2))
                    / (1 + 3.8416 / n))::numeric, 4) AS lo,
       round(100 * ((observed + 1.92 / n + 1.96 * sqrt(observed * (1 - observed) / n + 0.9604 / n ^ 2))
                    / (1 + 3.8416 / n))::numeric, 4) AS hi
FROM chart_calibration WHERE region = $1 ORDER BY decile;
\pset tuples_only off
\pset fieldsep ','
\set f :outdir/explain_calibration_A.csv
\o :f
EXECUTE calibration_csv('A');
\set f :outdir/explain_calibration_B.csv
\o :f
EXECUTE calibration_csv('B');
\set f :outdir/explain_calibration_C.csv
\o :f
EXECUTE calibration_csv('C');
\pset fieldsep '|'
\pset tuples_only on

-- per region: loans, mean PD, default rate and the AUC of the PD
\set f :outdir/explain_calibration.gp
\o :f
SELECT format('n_%s = %s; pd_%s = %s; dr_%s = %s; auc_%s = %s', g, n, g, 100 * mean_pd, g, 100 * dr, g, auc)
FROM fairness f,
     unnest((f.r).groups, (f.r).n, (f.r).mean_pd, (f.r).pd_default_rate, (f.r).auc) AS u(g, n, mean_pd, dr, auc)
WHERE f.rule = 'fair' ORDER BY g;
-- the axes' end: above every point and interval
SELECT format('max_pct = %s', ceil(max(100 * greatest(mean_pd,
           (observed + 1.92 / n + 1.96 * sqrt(observed * (1 - observed) / n + 0.9604 / n ^ 2)) / (1 + 3.8416 / n))) / 5) * 5)
FROM chart_calibration;
\o
