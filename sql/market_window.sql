--
-- Window use: moving aggregates against R's rolling values, against a naive
-- non-moving computation on the same frames, and numerical stability.
--

-- 60-day rolling measures against R, portfolios 2 (fat tails) and 6 (GARCH)
WITH ours AS (
    SELECT portfolio, day, m.measure, m.value
    FROM (
        SELECT portfolio, day,
               risk.var_historical(r, 0.99) OVER w AS var_historical,
               risk.es_historical(r, 0.99) OVER w AS es_historical,
               risk.var_gaussian(r, 0.99) OVER w AS var_gaussian,
               risk.var_modified(r, 0.99) OVER w AS var_modified,
               risk.var_ewma(r, 0.99) OVER w AS var_ewma
        FROM returns WHERE portfolio IN (2, 6)
        WINDOW w AS (PARTITION BY portfolio ORDER BY day ROWS 59 PRECEDING)
    ) s
    CROSS JOIN LATERAL (VALUES ('var_historical', var_historical),
        ('es_historical', es_historical), ('var_gaussian', var_gaussian),
        ('var_modified', var_modified), ('var_ewma_0.94', var_ewma)) m(measure, value)
)
SELECT e.measure, count(*) AS compared, count(o.value) AS matched,
       max(relerr(o.value, e.value)) < 1e-12 AS within_1e_12
FROM rolling_expected e
LEFT JOIN ours o USING (portfolio, day, measure)
GROUP BY e.measure ORDER BY e.measure;

-- the window leaves NULL where R has no value (too few rows)
SELECT day, risk.var_gaussian(r, 0.99) OVER w IS NULL AS gaussian_null,
       risk.var_modified(r, 0.99) OVER w IS NULL AS modified_null
FROM returns WHERE portfolio = 6
WINDOW w AS (ORDER BY day ROWS 59 PRECEDING) ORDER BY day LIMIT 4;

-- Frames of several shapes, with NULL returns mixed in: the moving state
-- must give what a fresh, non-moving aggregate gives on the same rows.
CREATE TEMP TABLE wdata AS
SELECT portfolio, day, CASE WHEN day % 17 = 0 THEN NULL ELSE r END AS r
FROM returns WHERE portfolio IN (1, 3, 5);

CREATE FUNCTION frame_check(frame text, lo int, hi int) RETURNS TABLE (measure text, rows bigint, equal bigint)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
    WITH moving AS (
        SELECT portfolio, day,
               risk.var_historical(r, 0.95) OVER w AS vh, risk.es_historical(r, 0.95) OVER w AS eh,
               risk.var_gaussian(r, 0.95) OVER w AS vg, risk.es_gaussian(r, 0.95) OVER w AS eg,
               risk.var_modified(r, 0.95) OVER w AS vm, risk.es_modified(r, 0.95) OVER w AS em,
               risk.var_ewma(r, 0.95, 0.9) OVER w AS ve, risk.es_ewma(r, 0.95) OVER w AS ee,
               risk.moments(r) OVER w AS mo
        FROM wdata WINDOW w AS (PARTITION BY portfolio ORDER BY day %s)
    ), fresh AS (
        SELECT a.portfolio, a.day, f.*
        FROM wdata a CROSS JOIN LATERAL (
            SELECT risk.var_historical(b.r, 0.95) AS vh, risk.es_historical(b.r, 0.95) AS eh,
                   risk.var_gaussian(b.r, 0.95) AS vg, risk.es_gaussian(b.r, 0.95) AS eg,
                   risk.var_modified(b.r, 0.95) AS vm, risk.es_modified(b.r, 0.95) AS em,
                   risk.var_ewma(b.r, 0.95, 0.9 ORDER BY b.day) AS ve,
                   risk.es_ewma(b.r, 0.95 ORDER BY b.day) AS ee,
                   risk.moments(b.r) AS mo
            FROM wdata b
            WHERE b.portfolio = a.portfolio AND b.day BETWEEN a.day - %s AND a.day + %s) f
    )
    SELECT m.measure, count(*),
           count(*) FILTER (WHERE (m.x IS NULL AND m.y IS NULL) OR
               CASE WHEN m.measure IN ('moments.skewness', 'moments.kurtosis')
                    THEN abs(m.x - m.y) < 1e-12      -- unitless, often near 0
                    ELSE relerr(m.x, m.y) < 1e-12 END)
    FROM moving JOIN fresh USING (portfolio, day)
    CROSS JOIN LATERAL (VALUES
        ('var_historical', moving.vh, fresh.vh), ('es_historical', moving.eh, fresh.eh),
        ('var_gaussian', moving.vg, fresh.vg), ('es_gaussian', moving.eg, fresh.eg),
        ('var_modified', moving.vm, fresh.vm), ('es_modified', moving.em, fresh.em),
        ('var_ewma', moving.ve, fresh.ve), ('es_ewma', moving.ee, fresh.ee),
        ('moments.sd', (moving.mo).sd, (fresh.mo).sd),
        ('moments.skewness', (moving.mo).skewness, (fresh.mo).skewness),
        ('moments.kurtosis', (moving.mo).kurtosis, (fresh.mo).kurtosis),
        ('moments.min', (moving.mo).min, (fresh.mo).min),
        ('moments.max', (moving.mo).max, (fresh.mo).max),
        ('moments.n', (moving.mo).n, (fresh.mo).n)) m(measure, x, y)
    GROUP BY m.measure ORDER BY m.measure $q$, frame, lo, hi);
END $$;

SELECT * FROM frame_check('ROWS 49 PRECEDING', 49, 0);
SELECT measure, rows = equal AS all_equal FROM frame_check('ROWS BETWEEN 5 PRECEDING AND 3 FOLLOWING', 5, 3);
SELECT measure, rows = equal AS all_equal FROM frame_check('RANGE BETWEEN 20 PRECEDING AND CURRENT ROW', 20, 0);

-- Long frames: the historical state moves from its sorted array into the
-- tree past 512 values and back below 128 (frames that grow, then shrink).
CREATE TEMP TABLE longdata AS
SELECT i AS day, ((i * 7919) % 2003 - 1001)::float8 / 1e5
                 + CASE WHEN i % 7 = 0 THEN 0.001 ELSE 0 END AS r
FROM generate_series(1, 1500) i;

WITH moving AS (
    SELECT day,
           risk.var_historical(r, 0.99) OVER grow AS vg, risk.es_historical(r, 0.99) OVER grow AS eg,
           risk.var_historical(r, 0.99) OVER shrink AS vs, risk.es_historical(r, 0.99) OVER shrink AS es
    FROM longdata
    WINDOW grow AS (ORDER BY day ROWS BETWEEN 700 PRECEDING AND CURRENT ROW),
           shrink AS (ORDER BY day ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
), fresh AS (
    SELECT a.day,
           (SELECT risk.var_historical(r, 0.99) FROM longdata b WHERE b.day BETWEEN a.day - 700 AND a.day) AS vg,
           (SELECT risk.es_historical(r, 0.99) FROM longdata b WHERE b.day BETWEEN a.day - 700 AND a.day) AS eg,
           (SELECT risk.var_historical(r, 0.99) FROM longdata b WHERE b.day >= a.day) AS vs,
           (SELECT risk.es_historical(r, 0.99) FROM longdata b WHERE b.day >= a.day) AS es
    FROM longdata a
)
SELECT count(*) AS frames,
       bool_and(m.vg = f.vg) AS growing_var_exact,
       bool_and(relerr(m.eg, f.eg) < 1e-13) AS growing_es,
       bool_and(m.vs = f.vs) AS shrinking_var_exact,
       bool_and(relerr(m.es, f.es) < 1e-13) AS shrinking_es
FROM moving m JOIN fresh f USING (day);

-- the window did run the moving (inverse transition) code: the frame head
-- moves, and a frame that starts unbounded uses the same state type
EXPLAIN (COSTS OFF)
SELECT risk.var_historical(r, 0.99) OVER (ORDER BY day ROWS 9 PRECEDING) FROM wdata;
SELECT count(*) FILTER (WHERE v IS NOT NULL) AS rows_with_var
FROM (SELECT risk.var_historical(r, 0.99) OVER (PARTITION BY portfolio ORDER BY day) AS v FROM wdata) s;

-- Stability: values around 1e6 with a spread of about 1e-2 (dyadic, so the
-- numeric reference is exact), and a spike of 1e9 that enters and leaves the
-- window.  Compared with exact numeric arithmetic on every frame.
CREATE TEMP TABLE stab AS
SELECT i, (1000000 + ((i * 7919) % 41 - 20)::numeric / 1024
          + CASE WHEN i = 150 THEN 1000000000 ELSE 0 END) AS x
FROM generate_series(1, 400) i;

WITH moving AS (
    SELECT i, risk.moments(x::float8) OVER w AS mo,
           risk.var_gaussian(x::float8, 0.99) OVER w AS vg
    FROM stab WINDOW w AS (ORDER BY i ROWS 49 PRECEDING)
), exact AS (
    SELECT a.i, f.mean, f.m2, f.m3, f.m4, f.n
    FROM stab a CROSS JOIN LATERAL (
        SELECT c.mean, c.n,
               avg((b.x - c.mean) ^ 2) AS m2,
               avg((b.x - c.mean) ^ 3) AS m3,
               avg((b.x - c.mean) ^ 4) AS m4
        FROM stab b,
             (SELECT avg(x) AS mean, count(*) AS n FROM stab WHERE i BETWEEN a.i - 49 AND a.i) c
        WHERE b.i BETWEEN a.i - 49 AND a.i
        GROUP BY c.mean, c.n) f
)
SELECT i > 199 AS spike_gone,
       count(*) AS frames,
       max(relerr((mo).sd, sqrt(m2 * n / (n - 1))::float8)) < 1e-9 AS sd_ok,
       max(abs((mo).skewness - (m3 / m2 ^ 1.5)::float8)) < 1e-7 AS skewness_ok,
       max(abs((mo).kurtosis - (m4 / m2 ^ 2 - 3)::float8)) < 1e-7 AS kurtosis_ok,
       max(relerr(vg, (-mean + 2.3263478740408408 * sqrt(m2))::float8)) < 1e-12 AS var_gaussian_ok
FROM moving JOIN exact USING (i)
WHERE i >= 50
GROUP BY i > 199 ORDER BY 1;
