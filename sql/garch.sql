--
-- GARCH(1,1) and conditional VaR/ES against R (test/data/garch_reference.R:
-- fGarch's likelihood, its estimates refined to a tight optimum)
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set returns_csv :abs_srcdir '/test/data/garch_returns.csv'
\set expected_csv :abs_srcdir '/test/data/garch_expected.csv'
CREATE TABLE garch_returns (series text, t int, r float8);
COPY garch_returns FROM :'returns_csv' (FORMAT csv, HEADER);
CREATE TABLE garch_expected (series text, dist text, measure text, value float8);
COPY garch_expected FROM :'expected_csv' (FORMAT csv, HEADER);

CREATE TEMP TABLE garch_ours AS
SELECT series, d AS dist, m.measure, m.value
FROM (SELECT series, d, risk.garch_fit(r, d ORDER BY t) AS f
      FROM garch_returns, unnest('{norm,std}'::text[]) d GROUP BY series, d) s
CROSS JOIN LATERAL (VALUES ('mu', (f).mu), ('omega', (f).omega), ('alpha', (f).alpha),
    ('beta', (f).beta), ('nu', (f).nu), ('loglik', (f).loglik),
    ('se_mu', (f).se_mu), ('se_omega', (f).se_omega), ('se_alpha', (f).se_alpha),
    ('se_beta', (f).se_beta), ('se_nu', (f).se_nu),
    ('sigma_forecast', (f).sigma_forecast), ('converged', (f).converged::int::float8)) m(measure, value);
INSERT INTO garch_ours
SELECT series, 'norm', m.measure, m.value
FROM (SELECT series, p,
             risk.var_garch(r, p ORDER BY t) AS vg, risk.es_garch(r, p ORDER BY t) AS eg,
             risk.var_fhs(r, p ORDER BY t) AS vf, risk.es_fhs(r, p ORDER BY t) AS ef,
             risk.var_evt_conditional(r, p ORDER BY t) AS ve, risk.es_evt_conditional(r, p ORDER BY t) AS ee
      FROM garch_returns, (VALUES (0.99::float8), (0.975)) ps(p) GROUP BY series, p) s
CROSS JOIN LATERAL (VALUES ('var_garch_' || p, vg), ('es_garch_' || p, eg), ('var_fhs_' || p, vf),
    ('es_fhs_' || p, ef), ('var_evt_' || p, ve), ('es_evt_' || p, ee)) m(measure, value);

-- interior optima: every estimate, standard error and risk measure
SELECT e.dist, CASE WHEN e.measure LIKE 'se%' THEN 'standard errors'
                    WHEN e.measure LIKE '%es_%' OR e.measure LIKE 'var%' THEN 'risk measures'
                    ELSE 'estimates' END AS kind,
       count(*) AS compared, count(o.value) AS matched,
       bool_and(relerr(o.value, e.value) < CASE WHEN e.measure LIKE 'se%' THEN 1e-5 ELSE 1e-8 END) AS matches_r
FROM garch_expected e JOIN garch_ours o USING (series, dist, measure)
WHERE e.series IN ('norm', 'std') AND e.measure NOT LIKE 'evt\_%' AND e.measure <> 'interior'
GROUP BY 1, 2 ORDER BY 1, 2;

SELECT series, dist, round(value::numeric, 6) AS alpha
FROM garch_ours WHERE measure = 'alpha' ORDER BY 1, 2;

-- the 250-day series has its maximum on the face alpha + beta = 1 (IGARCH):
-- found there, reported as not converged (a boundary, no standard errors),
-- and equal to R's optimum on that face, risk measures included
SELECT (SELECT value FROM garch_ours WHERE series = 'short' AND dist = 'norm' AND measure = 'converged') = 0
           AS not_converged,
       (SELECT value FROM garch_ours WHERE series = 'short' AND dist = 'norm' AND measure = 'se_alpha') IS NULL
           AS no_standard_errors,
       count(*) AS compared, bool_and(relerr(o.value, e.value) < 1e-6) AS matches_r_face_optimum
FROM garch_expected e JOIN garch_ours o USING (series, dist, measure)
WHERE e.series = 'short' AND e.measure NOT LIKE 'evt\_%' AND e.measure <> 'interior';

-- normal data fitted with Student t: nu runs off to infinity, not converged;
-- the answer is the supremum, the normal limit: the normal fit's estimates,
-- log-likelihood and forecast exactly, nu infinite, no standard errors (a
-- boundary); so on 'short' too, whose normal fit lies on a face
SELECT o.series, bool_and(o.value = 0) FILTER (WHERE o.measure = 'converged') AS not_converged,
       bool_and(o.value = 'Infinity') FILTER (WHERE o.measure = 'nu') AS nu_infinite,
       bool_and(o.value IS NULL) FILTER (WHERE o.measure LIKE 'se\_%') AS no_standard_errors,
       bool_and(o.value = n.value)
           FILTER (WHERE o.measure IN ('mu', 'omega', 'alpha', 'beta', 'loglik', 'sigma_forecast'))
           AS equals_normal_fit
FROM garch_ours o
JOIN garch_ours n ON n.series = o.series AND n.dist = 'norm' AND n.measure = o.measure
WHERE o.dist = 'std' AND o.series IN ('norm', 'short')
GROUP BY 1 ORDER BY 1;

-- over a window frame of the last 100 days: a fresh fit per frame
SELECT count(*) AS frames,
       bool_and(relerr(w.v, f.v) < 1e-12) AS window_equals_fresh
FROM (SELECT t, risk.var_fhs(r, 0.99) OVER (ORDER BY t ROWS 99 PRECEDING) AS v
      FROM garch_returns WHERE series = 'short') w
JOIN LATERAL (SELECT risk.var_fhs(r, 0.99 ORDER BY t) AS v FROM garch_returns b
              WHERE b.series = 'short' AND b.t BETWEEN w.t - 99 AND w.t) f ON true
WHERE w.t % 50 = 0;

-- NULL below the minimum number of rows (10; 30 for the EVT measure), and
-- NULL, not an error, when the residual tail has no GPD fit (here at 30 and
-- 100: 3 and 10 exceedances of normal residuals)
SELECT n, risk.var_garch(r, 0.99 ORDER BY t) IS NULL AS garch_null,
       risk.var_evt_conditional(r, 0.99 ORDER BY t) IS NULL AS evt_null,
       risk.es_evt_conditional(r, 0.99 ORDER BY t) IS NULL AS evt_es_null
FROM (VALUES (9), (10), (29), (30), (100), (500)) v(n), LATERAL (SELECT r, t FROM garch_returns WHERE series = 'norm' AND t <= n) s
GROUP BY n ORDER BY n;

-- the whole plan in a parallel worker gives the same fit
CREATE TEMP TABLE garch_serial AS
SELECT series, risk.var_evt_conditional(r, 0.99 ORDER BY t) AS v FROM garch_returns GROUP BY series;
SET force_parallel_mode = on;
SELECT bool_and(s.v = p.v) AS parallel_equals_serial
FROM garch_serial s JOIN (SELECT series, risk.var_evt_conditional(r, 0.99 ORDER BY t) AS v
                          FROM garch_returns GROUP BY series) p USING (series);
RESET force_parallel_mode;

-- bad input
SELECT try('SELECT risk.garch_fit(r, ''ged'' ORDER BY t) FROM garch_returns');
SELECT try('SELECT risk.garch_fit(r, CASE WHEN t = 5 THEN ''std'' ELSE ''norm'' END ORDER BY t) FROM garch_returns');
SELECT try('SELECT risk.var_garch(r, 1.5 ORDER BY t) FROM garch_returns');
SELECT try('SELECT risk.var_fhs(r, CASE WHEN t = 5 THEN 0.95 ELSE 0.99 END ORDER BY t) FROM garch_returns');
SELECT try('SELECT risk.var_garch(x, 0.99 ORDER BY x) FROM (VALUES (0.01), (''NaN''::float8)) v(x)');
SELECT risk.var_garch(0.01, 0.99 ORDER BY 1) IS NULL AS constant_is_null,
       risk.garch_fit(0.01 ORDER BY 1) IS NULL AS constant_fit_null
FROM generate_series(1, 50);
