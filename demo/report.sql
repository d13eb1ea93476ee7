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

\echo
\echo '== Tail risk: GPD on daily losses per desk, threshold at the 95% loss quantile'
WITH losses AS (
    SELECT p.desk, -r AS loss FROM returns JOIN portfolio p USING (portfolio)
), u AS (
    SELECT desk, percentile_cont(0.95) WITHIN GROUP (ORDER BY loss) AS u FROM losses GROUP BY desk
), fit AS (
    SELECT desk, risk.gpd_fit(loss, u.u) AS f, risk.var_historical(-loss, 0.999) AS var_hist
    FROM losses JOIN u USING (desk) GROUP BY desk
)
SELECT desk, (f).n_exceed, round((f).xi::numeric, 3) AS xi,
       round(100 * (risk.gpd_var(f, 0.999))::numeric, 2) AS gpd_var_999_pct,
       round(100 * (risk.gpd_es(f, 0.999))::numeric, 2)  AS gpd_es_999_pct,
       round(100 * var_hist::numeric, 2)                 AS hist_var_999_pct
FROM fit ORDER BY desk;

\echo
\echo '== Conditional VaR (99%, next day) of the five riskiest portfolios, from their last 500 days'
SELECT p.name,
       round(100 * risk.var_historical(r, 0.99)::numeric, 2)                          AS hist,
       round(100 * risk.var_garch(r, 0.99 ORDER BY day)::numeric, 2)                   AS garch,
       round(100 * risk.var_fhs(r, 0.99 ORDER BY day)::numeric, 2)                     AS fhs,
       round(100 * risk.var_evt_conditional(r, 0.99 ORDER BY day)::numeric, 2)         AS evt_cond,
       round(((risk.garch_fit(r ORDER BY day)).alpha
              + (risk.garch_fit(r ORDER BY day)).beta)::numeric, 3)                    AS persistence
FROM (SELECT portfolio, day, r,
             row_number() OVER (PARTITION BY portfolio ORDER BY day DESC) AS age
      FROM returns
      WHERE portfolio IN (SELECT portfolio FROM rolling
                          WHERE day = (SELECT max(day) FROM returns)
                          ORDER BY es_hist DESC LIMIT 5)) s
JOIN portfolio p USING (portfolio)
WHERE age <= 500
GROUP BY p.name ORDER BY p.name;

\echo
\echo '== Operational risk: loss events of the last 5 years, fitted and simulated (LDA)'
-- loss events: about 25 a year of lognormal severity
DO $$ BEGIN PERFORM setseed(0.5); END $$;
CREATE TABLE loss_event AS
SELECT (date '2021-01-01' + (random() * 1825)::int) AS event_date,
       (ARRAY['retail', 'commercial', 'trading'])[1 + (random() * 2.999)::int] AS business_line,
       exp(9 + 1.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS loss
FROM generate_series(1, 125);

\echo 'Severity: every family by maximum likelihood; the lowest AIC wins'
SELECT f AS family, (m).param1::real AS param1, (m).param2::real AS param2,
       round((m).aic::numeric, 1) AS aic
FROM (SELECT f, risk.severity_fit(loss, f) AS m
      FROM loss_event, unnest('{lognormal,weibull,gamma,gpd}'::text[]) f GROUP BY f) s
ORDER BY (m).aic;

\echo 'Frequency: events per year'
SELECT round((risk.frequency_fit(n, 'poisson')).param1::numeric, 2) AS lambda_per_year
FROM (SELECT extract(year FROM event_date) AS y, count(*) AS n FROM loss_event GROUP BY 1) c;

\echo 'Annual loss distribution: 1,000,000 simulated years with the fitted lognormal'
WITH sev AS (SELECT risk.severity_fit(loss, 'lognormal') AS m FROM loss_event),
     freq AS (SELECT (risk.frequency_fit(n, 'poisson')).param1 AS lambda
              FROM (SELECT extract(year FROM event_date) AS y, count(*) AS n FROM loss_event GROUP BY 1) c)
SELECT l.level, round(l.var) AS var, round(l.es) AS es, round(l.se_var) AS se_var, round(l.mean) AS mean,
       round(risk.sla_var(freq.lambda, 'lognormal', ARRAY[(sev.m).param1, (sev.m).param2], l.level)) AS sla_var
FROM sev, freq,
     LATERAL risk.lda_simulate('poisson', ARRAY[freq.lambda], 'lognormal',
                               ARRAY[(sev.m).param1, (sev.m).param2], 1000000, 2026, '{0.99,0.999}') l
ORDER BY l.level;

\echo
\echo '== Credit: a scorecard trained on 8,000 loans, customers graded, the model validated'
DO $$ BEGIN PERFORM setseed(0.77); END $$;
CREATE TABLE loan AS
SELECT id,
       (ARRAY['retail', 'sme', 'corporate'])[1 + (id % 10 > 6)::int + (id % 10 > 8)::int] AS segment,
       age, income, utilisation, arrears, CASE WHEN random() < 0.04 THEN NULL ELSE years_client END AS years_client,
       random() < 1 / (1 + exp(-(-3.2 + 1.8 * utilisation + 0.7 * arrears - 0.02 * (age - 40)
                                 - 0.3 * ln(income / 40000) - 0.05 * years_client))) AS defaulted,
       id > 6000 AS recent
FROM (SELECT id, 20 + 50 * random() AS age, 20000 * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) + 15000 AS income,
             random() AS utilisation, floor(-ln(1 - random()) * 0.6)::int AS arrears,
             floor(random() * 20) AS years_client
      FROM generate_series(1, 8000) id) s;

\echo 'Characteristics: information value of the WOE binning (on the 6,000 older loans)'
CREATE TABLE binning AS
SELECT c.name, risk.woe_bins(c.x, l.defaulted) AS b
FROM loan l CROSS JOIN LATERAL (VALUES ('age', l.age), ('income', l.income), ('utilisation', l.utilisation),
                                       ('arrears', l.arrears::float8), ('years_client', l.years_client)) c(name, x)
WHERE NOT l.recent
GROUP BY c.name;
SELECT name, cardinality((b).woe) AS bins, round((b).iv::numeric, 3) AS iv, risk.iv_strength((b).iv) AS strength
FROM binning ORDER BY (b).iv DESC;

CREATE TABLE loan_woe AS
SELECT l.id, l.segment, l.defaulted, l.recent,
       ARRAY[risk.woe(ba.b, l.age), risk.woe(bi.b, l.income), risk.woe(bu.b, l.utilisation),
             risk.woe(br.b, l.arrears), risk.woe(by.b, l.years_client)] AS w
FROM loan l,
     (SELECT b FROM binning WHERE name = 'age') ba, (SELECT b FROM binning WHERE name = 'income') bi,
     (SELECT b FROM binning WHERE name = 'utilisation') bu, (SELECT b FROM binning WHERE name = 'arrears') br,
     (SELECT b FROM binning WHERE name = 'years_client') by;

\echo 'Logistic regression on the WOE columns (training: older loans)'
CREATE TABLE scorecard AS SELECT risk.logit_fit(defaulted, w) AS m FROM loan_woe WHERE NOT recent;
SELECT unnest(ARRAY['intercept', 'age', 'income', 'utilisation', 'arrears', 'years_client']) AS term,
       round(unnest((m).coefficients)::numeric, 3) AS coefficient,
       round(unnest((m).p_values)::numeric, 4) AS p_value
FROM scorecard;

\echo 'Points of the utilisation bins (600 points at 50:1, 20 per doubling)'
SELECT t.bin, round(t.lower::numeric, 2) AS lower, round(t.upper::numeric, 2) AS upper,
       round(risk.characteristic_points((s.m).coefficients[4], t.woe, (s.m).coefficients[1], 5)::numeric, 1) AS points
FROM binning, scorecard s, risk.woe_bins_table(binning.b) t
WHERE binning.name = 'utilisation' ORDER BY t.bin;

\echo 'Customers graded on the default master scale (all 8,000 loans)'
CREATE TABLE graded AS
SELECT l.id, l.segment, l.defaulted, l.recent, risk.logit_predict(s.m, l.w) AS pd,
       risk.score_points(risk.logit_predict(s.m, l.w)) AS score,
       risk.grade(risk.logit_predict(s.m, l.w)) AS grade
FROM loan_woe l, scorecard s;
SELECT grade, count(*) AS loans, round(avg(pd)::numeric, 4) AS avg_pd, round(avg(score)) AS avg_score
FROM graded GROUP BY grade ORDER BY min(pd);

\echo 'Validation on the 2,000 recent loans: discrimination and calibration per segment'
SELECT segment, count(*) AS loans, count(*) FILTER (WHERE defaulted) AS defaults,
       round(risk.auc(pd, defaulted)::numeric, 3) AS auc, round(risk.gini(pd, defaulted)::numeric, 3) AS gini,
       round(risk.ks(pd, defaulted)::numeric, 3) AS ks, round(risk.brier(pd, defaulted)::numeric, 4) AS brier,
       round((risk.hosmer_lemeshow(pd, defaulted, 5)).p_value::numeric, 3) AS hl_p
FROM graded WHERE recent GROUP BY segment ORDER BY segment;

\echo 'Per grade: Jeffreys and binomial tests of the PD (ECB IRB validation)'
SELECT grade, count(*) AS n, count(*) FILTER (WHERE defaulted) AS d, round(avg(pd)::numeric, 4) AS pd,
       round(risk.jeffreys_test(count(*), count(*) FILTER (WHERE defaulted), avg(pd))::numeric, 3) AS jeffreys_p,
       round(risk.binomial_test(count(*), count(*) FILTER (WHERE defaulted), avg(pd))::numeric, 3) AS binomial_p
FROM graded WHERE recent GROUP BY grade HAVING avg(pd) > 0 ORDER BY min(pd);

\echo 'Stability of the grade distribution, older vs recent loans'
SELECT (risk.psi(array_agg(o ORDER BY g), array_agg(r ORDER BY g))).*
FROM (SELECT grade AS g, count(*) FILTER (WHERE NOT recent)::float8 AS o, count(*) FILTER (WHERE recent)::float8 AS r
      FROM graded GROUP BY grade HAVING count(*) FILTER (WHERE NOT recent) > 0 AND count(*) FILTER (WHERE recent) > 0) s;

\echo 'A neural network beside the scorecard: an MLP (4 tanh units) on the raw characteristics of the same older loans'
-- log income; years_client is missing for 4% of the loans: the network
-- takes it as its mean with a flag (the scorecard's WOE binning gives
-- missing values a bin)
CREATE TABLE loan_x AS
SELECT id, defaulted, recent,
       ARRAY[age, ln(income), utilisation, arrears, coalesce(years_client, 9.5), (years_client IS NULL)::int] AS x
FROM loan;
CREATE TABLE network AS
SELECT risk.mlp_fit(defaulted, x, '{"hidden": [4], "activation": "tanh", "alpha": 10, "seed": 1}') AS m
FROM loan_x WHERE NOT recent;
SELECT count(*) AS iterations, round(min(train_loss)::numeric, 4) AS training_loss,
       (SELECT string_agg(format('%s -> %s %s', inputs, units, activation), ', ' ORDER BY layer)
        FROM network n, risk.mlp_layers(n.m)) AS layers
FROM network n, risk.mlp_history(n.m);

-- and, to tell what comes from the network from what comes from the raw
-- characteristics, a logistic regression on the same raw characteristics
CREATE TABLE logit_raw AS SELECT risk.logit_fit(defaulted, x) AS m FROM loan_x WHERE NOT recent;
CREATE TABLE graded_mlp AS
SELECT x.id, g.segment, x.defaulted, x.recent, g.pd AS pd_scorecard, risk.mlp_predict(n.m, x.x) AS pd_mlp,
       risk.logit_predict(r.m, x.x) AS pd_logit_raw,
       g.grade AS grade_scorecard, risk.grade(risk.mlp_predict(n.m, x.x)) AS grade_mlp
FROM loan_x x JOIN graded g USING (id), network n, logit_raw r;

\echo 'Scorecard and network on the 2,000 recent loans: the same validation metrics, the same master scale'
SELECT m.model AS model, round(risk.auc(m.pd, defaulted)::numeric, 3) AS auc, round(risk.ks(m.pd, defaulted)::numeric, 3) AS ks,
       round(risk.brier(m.pd, defaulted)::numeric, 4) AS brier,
       round(-avg(CASE WHEN defaulted THEN ln(m.pd) ELSE ln(1 - m.pd) END)::numeric, 4) AS log_loss,
       round((risk.hosmer_lemeshow(m.pd, defaulted, 10)).p_value::numeric, 3) AS hl_p
FROM graded_mlp, LATERAL (VALUES (1, 'scorecard (logistic on WOE bins)', pd_scorecard), (2, 'mlp', pd_mlp),
                              (3, 'logistic on the raw characteristics', pd_logit_raw)) m(k, model, pd)
WHERE recent GROUP BY m.k, m.model ORDER BY m.k;

\echo 'Calibration by grade on the recent loans: each model''s mean PD against the observed default rate'
SELECT m.grade, m.model, count(*) AS loans, round(avg(m.pd)::numeric, 4) AS mean_pd,
       round(avg(defaulted::int)::numeric, 4) AS default_rate
FROM graded_mlp, LATERAL (VALUES ('scorecard', pd_scorecard, grade_scorecard), ('mlp', pd_mlp, grade_mlp)) m(model, pd, grade)
     JOIN risk.master_scale s ON s.scale = 'default' AND s.grade = m.grade
WHERE recent GROUP BY m.grade, s.grade_order, m.model ORDER BY s.grade_order, m.model DESC;
