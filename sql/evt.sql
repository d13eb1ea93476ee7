--
-- Extreme value theory against R (test/data/evt_reference.R: evd, with the
-- ML optimum refined and the distribution functions in log1p/expm1 form)
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set losses_csv :abs_srcdir '/test/data/evt_losses.csv'
\set evt_csv :abs_srcdir '/test/data/evt_expected.csv'
\set dist_csv :abs_srcdir '/test/data/evt_dist_expected.csv'
CREATE TABLE evt_losses (dataset text, id int, loss float8);
COPY evt_losses FROM :'losses_csv' (FORMAT csv, HEADER);
CREATE TABLE evt_expected (dataset text, "case" text, measure text, value float8);
COPY evt_expected FROM :'evt_csv' (FORMAT csv, HEADER);
CREATE TABLE evt_dist (family text, x float8, xi float8, scale float8, loc float8,
                       cdf float8, pdf float8, p float8, quantile float8);
COPY evt_dist FROM :'dist_csv' (FORMAT csv, HEADER);

CREATE TEMP VIEW thresholds AS
SELECT dataset, value AS u FROM evt_expected WHERE "case" = 'mle' AND measure = 'threshold';

-- GPD fits by maximum likelihood and by PWM, and the POT risk measures
CREATE TEMP TABLE fits AS
SELECT l.dataset, risk.gpd_fit(l.loss, t.u) AS mle, risk.gpd_fit(l.loss, t.u, 'pwm') AS pwm
FROM evt_losses l JOIN thresholds t USING (dataset)
GROUP BY l.dataset;

SELECT dataset, (mle).threshold, (mle).n, (mle).n_exceed, round((mle).xi::numeric, 6) AS xi,
       round((mle).beta::numeric, 3) AS beta, (mle).converged, round((pwm).xi::numeric, 6) AS xi_pwm
FROM fits ORDER BY dataset;

WITH ours AS (
    SELECT dataset, 'mle' AS "case", m.measure, m.value
    FROM fits CROSS JOIN LATERAL (VALUES
        ('beta', (mle).beta), ('xi', (mle).xi), ('loglik', (mle).loglik),
        ('se_beta', (mle).se_beta), ('se_xi', (mle).se_xi),
        ('n', (mle).n::float8), ('n_exceed', (mle).n_exceed::float8),
        ('var_0.99', risk.gpd_var(mle, 0.99)), ('es_0.99', risk.gpd_es(mle, 0.99)),
        ('var_0.995', risk.gpd_var(mle, 0.995)), ('es_0.995', risk.gpd_es(mle, 0.995)),
        ('var_0.999', risk.gpd_var(mle, 0.999)), ('es_0.999', risk.gpd_es(mle, 0.999))) m(measure, value)
    UNION ALL
    SELECT dataset, 'pwm', m.measure, m.value
    FROM fits CROSS JOIN LATERAL (VALUES ('beta', (pwm).beta), ('xi', (pwm).xi),
        ('loglik', (pwm).loglik)) m(measure, value)
)
SELECT e."case", e.measure, count(*) AS compared, count(o.value) AS matched,
       max(relerr(o.value, e.value)) < 1e-9 AS within_1e_9
FROM evt_expected e JOIN ours o USING (dataset, "case", measure)
GROUP BY e."case", e.measure ORDER BY 1, 2;

-- Hill's estimator for k = 50, 100, 200
SELECT e."case", count(*) AS compared,
       bool_and(relerr(CASE e.measure WHEN 'xi' THEN (h).xi ELSE (h).threshold END, e.value) < 1e-12) AS matches_r
FROM evt_expected e
JOIN LATERAL (SELECT risk.hill(loss, substr(e."case", 6)::int) AS h
              FROM evt_losses l WHERE l.dataset = e.dataset) s ON true
WHERE e."case" LIKE 'hill%'
GROUP BY e."case" ORDER BY 1;

-- mean excess at the R thresholds
WITH me AS (
    SELECT l.dataset,
           risk.mean_excess(l.loss, (SELECT array_agg(value ORDER BY measure) FROM evt_expected e
                                     WHERE e.dataset = l.dataset AND e.measure LIKE 'me_threshold_%')) AS pts
    FROM evt_losses l WHERE l.dataset <> 'block' GROUP BY l.dataset
), pts AS (
    SELECT dataset, (unnest(pts)).* FROM me
)
SELECT count(*) AS compared,
       bool_and(relerr(p.mean_excess, em.value) < 1e-12 AND p.n_exceed = en.value) AS matches_r
FROM pts p
JOIN evt_expected et ON et.dataset = p.dataset AND et.measure LIKE 'me_threshold_%' AND et.value = p.threshold
JOIN evt_expected em ON em.dataset = p.dataset AND em.measure = 'me_' || substr(et.measure, 14)
JOIN evt_expected en ON en.dataset = p.dataset AND en.measure = 'me_n_' || substr(et.measure, 14);

-- GEV fit to 60 block maxima, and its 100-block return level
WITH g AS (SELECT risk.gev_fit(loss) AS f FROM evt_losses WHERE dataset = 'block'),
ours AS (
    SELECT m.measure, m.value FROM g CROSS JOIN LATERAL (VALUES
        ('mu', (f).mu), ('sigma', (f).sigma), ('xi', (f).xi), ('loglik', (f).loglik),
        ('se_mu', (f).se_mu), ('se_sigma', (f).se_sigma), ('se_xi', (f).se_xi),
        ('n', (f).n::float8),
        ('return_level_100', risk.gev_return_level(100, (f).xi, (f).mu, (f).sigma))) m(measure, value)
)
SELECT e.measure, relerr(o.value, e.value) < CASE WHEN e.measure LIKE 'se%' THEN 1e-7 ELSE 1e-9 END AS matches_r
FROM evt_expected e JOIN ours o USING (measure)
WHERE e.dataset = 'block' ORDER BY e.measure;
SELECT round((f).xi::numeric, 6) AS xi, round((f).mu::numeric, 3) AS mu,
       round((f).sigma::numeric, 3) AS sigma, (f).n, (f).converged
FROM (SELECT risk.gev_fit(loss) AS f FROM evt_losses WHERE dataset = 'block') s;

-- distribution functions, including xi at and around 0
SELECT family, count(*) AS compared,
       bool_and(relerr(CASE family WHEN 'gpd' THEN risk.gpd_cdf(x, xi, scale, loc)
                                   ELSE risk.gev_cdf(x, xi, loc, scale) END, cdf) < 1e-12) AS cdf,
       bool_and(relerr(CASE family WHEN 'gpd' THEN risk.gpd_pdf(x, xi, scale, loc)
                                   ELSE risk.gev_pdf(x, xi, loc, scale) END, pdf) < 1e-12) AS pdf,
       bool_and(relerr(CASE family WHEN 'gpd' THEN risk.gpd_quantile(p, xi, scale, loc)
                                   ELSE risk.gev_quantile(p, xi, loc, scale) END, quantile) < 1e-12) AS quantile
FROM evt_dist GROUP BY family ORDER BY family;

-- quantile and cdf are inverse; return level of a GEV
SELECT round(risk.gpd_cdf(risk.gpd_quantile(0.999, 0.3, 2500, 1000), 0.3, 2500, 1000)::numeric, 12) AS round_trip,
       round(risk.gev_return_level(100, 0.1, 50, 10)::numeric, 6) AS return_level_100,
       round(risk.gev_quantile(0.99, 0.1, 50, 10)::numeric, 6) AS quantile_099;

-- excesses with an increasing density (true xi < -1): the likelihood rises
-- all the way to the edge of the support and has no interior maximum; the
-- fit says so instead of returning a number
SELECT (f).converged, (f).xi IS NULL AS xi_null, (f).beta IS NULL AS beta_null,
       (f).se_xi IS NULL AND (f).se_beta IS NULL AS se_null, (f).n_exceed
FROM (SELECT risk.gpd_fit(100 + 100 * sqrt(g / 200.0), 100) AS f FROM generate_series(1, 200) g) s;
-- the same with more than 10,000 excesses (the grid runs on a sample first)
SELECT (f).converged, (f).xi IS NULL AS xi_null
FROM (SELECT risk.gpd_fit(100 + 100 * sqrt(g / 20000.0), 100) AS f FROM generate_series(1, 20000) g) s;
SELECT try($$SELECT risk.gpd_var(risk.gpd_fit(100 + 100 * sqrt(g / 200.0), 100), 0.999) FROM generate_series(1, 200) g$$);

-- parallel partial fits give the serial answer
CREATE TABLE evt_big AS
SELECT g % 4 AS grp, 1000 * power(((g * 2654435761::bigint) % 1000003 + 1) / 1000004.0, -0.3) AS loss
FROM generate_series(1, 100000) g;
ANALYZE evt_big;
CREATE TEMP TABLE evt_serial AS
SELECT grp, risk.gpd_fit(loss, 3000) AS f, risk.hill(loss, 500) AS h,
       risk.mean_excess(loss, ARRAY[1000, 2000, 5000]::float8[]) AS me,
       risk.gev_fit(loss) FILTER (WHERE loss > 5000) AS g
FROM evt_big GROUP BY grp;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT grp, risk.gpd_fit(loss, 3000) FROM evt_big GROUP BY grp;
SELECT count(*) AS groups,
       bool_and(relerr((p.f).xi, (s.f).xi) < 1e-10 AND relerr((p.f).beta, (s.f).beta) < 1e-10
                AND (p.f).n_exceed = (s.f).n_exceed AND (p.f).n = (s.f).n) AS gpd_fit,
       bool_and((p.h).xi = (s.h).xi) AS hill,
       bool_and(p.me::text = s.me::text
                OR (SELECT bool_and(relerr(a.mean_excess, b.mean_excess) < 1e-13)
                    FROM unnest(p.me) WITH ORDINALITY a JOIN unnest(s.me) WITH ORDINALITY b USING (ordinality))) AS mean_excess,
       bool_and(relerr((p.g).xi, (s.g).xi) < 1e-8 AND relerr((p.g).mu, (s.g).mu) < 1e-8) AS gev_fit
FROM evt_serial s
JOIN (SELECT grp, risk.gpd_fit(loss, 3000) AS f, risk.hill(loss, 500) AS h,
             risk.mean_excess(loss, ARRAY[1000, 2000, 5000]::float8[]) AS me,
             risk.gev_fit(loss) FILTER (WHERE loss > 5000) AS g
      FROM evt_big GROUP BY grp) p USING (grp);
RESET ALL;

-- over a window frame of 1,001 losses: the same as a fresh fit
SELECT count(*) AS rows,
       bool_and(relerr((w.f).xi, (f.f).xi) < 1e-12) AS window_equals_fresh
FROM (SELECT id, risk.gpd_fit(loss, 20000) OVER (ORDER BY id ROWS BETWEEN 500 PRECEDING AND 500 FOLLOWING) AS f
      FROM evt_losses WHERE dataset = 'heavy') w
JOIN LATERAL (SELECT risk.gpd_fit(loss, 20000) AS f FROM evt_losses b
              WHERE b.dataset = 'heavy' AND b.id BETWEEN w.id - 500 AND w.id + 500) f ON true
WHERE w.id % 250 = 0;

-- bad input
SELECT try('SELECT risk.gpd_fit(loss, 1e9) FROM evt_losses');
SELECT try('SELECT risk.gpd_fit(x, 2.5) FROM (VALUES (1.0), (2.0), (3.0), (4.0)) v(x)');
SELECT try('SELECT risk.gpd_fit(x, 0) FROM (VALUES (1.0), (''NaN''::float8)) v(x)');
SELECT try('SELECT risk.gpd_fit(loss, 1000, ''moments'') FROM evt_losses');
SELECT try('SELECT risk.gpd_fit(loss, 1000, CASE WHEN id = 5 THEN ''pwm'' ELSE ''mle'' END) FROM evt_losses');
SELECT try('SELECT risk.gpd_fit(loss, CASE WHEN id = 5 THEN 1 ELSE 2 END) FROM evt_losses');
SELECT try('SELECT risk.gpd_fit(loss, ''Infinity'') FROM evt_losses');
SELECT try('SELECT risk.gpd_cdf(1, 0.1, 0)');
SELECT try('SELECT risk.gpd_cdf(''NaN'', 0.1, 1)');
SELECT try('SELECT risk.gpd_quantile(1, 0.1, 1)');
SELECT try('SELECT risk.gev_quantile(0, 0.1, 0, 1)');
SELECT try('SELECT risk.gev_return_level(0, 0.1, 0, 1)');
SELECT try('SELECT risk.gev_return_level(1, 0.1, 0, 1)');
SELECT try('SELECT risk.gev_pdf(1, ''Infinity'', 0, 1)');
SELECT try($$SELECT risk.gpd_var(mle, 0.5) FROM fits WHERE dataset = 'heavy'$$);
SELECT try($$SELECT risk.gpd_var(ROW(NULL, NULL, 100, 200, 20, NULL, NULL, NULL, 'mle', false)::risk.gpd_model, 0.99)$$);
SELECT try($$SELECT risk.gpd_es(ROW(1.2, 10, 100, 200, 20, NULL, NULL, NULL, 'mle', true)::risk.gpd_model, 0.99)$$);
SELECT try($$SELECT risk.gpd_var(ROW(0.2, 10, 100, 200, 300, NULL, NULL, NULL, 'mle', true)::risk.gpd_model, 0.99)$$);
SELECT try('SELECT risk.gev_fit(x) FROM (VALUES (1.0), (2.0), (3.0), (4.0)) v(x)');
SELECT try('SELECT risk.gev_fit(5.0) FROM generate_series(1, 10)');
SELECT try('SELECT risk.gev_fit(x) FROM (VALUES (1.0), (''-Infinity''::float8)) v(x)');
SELECT try('SELECT risk.hill(loss, 0) FROM evt_losses');
SELECT try('SELECT risk.hill(x, 5) FROM (VALUES (1.0), (2.0), (3.0)) v(x)');
SELECT try('SELECT risk.hill(x, 2) FROM (VALUES (-1.0), (-2.0), (3.0), (4.0)) v(x)');
DO $$
DECLARE d text;
BEGIN
    PERFORM risk.hill(x, 2) FROM (VALUES (-1.0), (-2.0), (3.0), (4.0)) v(x);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RAISE NOTICE 'detail: %', d;
END $$;
SELECT try('SELECT risk.mean_excess(loss, ''{}''::float8[]) FROM evt_losses');
SELECT try('SELECT risk.mean_excess(loss, ARRAY[1, NULL]::float8[]) FROM evt_losses');
SELECT try('SELECT risk.mean_excess(loss, CASE WHEN id = 3 THEN ARRAY[1.0] ELSE ARRAY[2.0] END) FROM evt_losses');
-- empty groups give NULL
SELECT risk.gpd_fit(loss, 1) IS NULL AS gpd_null, risk.hill(loss, 3) IS NULL AS hill_null,
       risk.gev_fit(loss) IS NULL AS gev_null,
       risk.mean_excess(loss, ARRAY[1.0]) IS NULL AS me_null
FROM evt_losses WHERE false;
