--
-- Bad input: every case is an ERROR with an SQLSTATE and the offending
-- value, or NULL where SQL convention says so.  The server stays up.
--
CREATE TEMP TABLE bad (i int, r float8, p float8);
INSERT INTO bad VALUES (1, 0.01, 0.99), (2, -0.02, 0.99), (3, 0.005, 0.99);

-- NaN and infinities in the data
SELECT agg, try(format('SELECT risk.%s(x, 0.99 ORDER BY x) FROM (VALUES (0.01), (%L::float8)) v(x)', agg, val))
FROM unnest(ARRAY['var_historical', 'es_historical', 'var_gaussian', 'es_gaussian',
                  'var_modified', 'es_modified', 'var_ewma', 'es_ewma']) agg,
     unnest(ARRAY['NaN', 'Infinity', '-Infinity']) val
ORDER BY agg, val;
SELECT try('SELECT risk.moments(x) FROM (VALUES (1.0), (''NaN''::float8)) v(x)');

-- confidence level outside [0.5, 1)
SELECT agg, try(format('SELECT risk.%s(r, %s ORDER BY i) FROM bad', agg, lvl))
FROM unnest(ARRAY['var_historical', 'var_gaussian', 'var_ewma']) agg,
     unnest(ARRAY['0', '1', '-0.5', '99', '''NaN''::float8']) lvl
ORDER BY agg, lvl;

-- lambda outside (0, 1)
SELECT try(format('SELECT risk.var_ewma(r, 0.99, %s ORDER BY i) FROM bad', l))
FROM unnest(ARRAY['0', '1', '1.5', '''NaN''::float8']) l;

-- a level that changes within a group
SELECT try('SELECT risk.var_historical(r, CASE WHEN i = 2 THEN 0.95 ELSE 0.99 END) FROM bad');
SELECT try('SELECT risk.var_gaussian(r, CASE WHEN i = 2 THEN 0.95 ELSE 0.99 END) FROM bad');
SELECT try('SELECT risk.var_ewma(r, 0.99, CASE WHEN i = 2 THEN 0.9 ELSE 0.94 END ORDER BY i) FROM bad');
SELECT try('SELECT risk.christoffersen(r < 0, CASE WHEN i = 2 THEN 0.95 ELSE 0.99 END ORDER BY i) FROM bad');
-- ... also in a window frame
SELECT try('SELECT risk.var_historical(r, CASE WHEN i = 3 THEN 0.95 ELSE 0.99 END) OVER (ORDER BY i ROWS 1 PRECEDING) FROM bad');

-- NULL rows are skipped; empty groups and all-NULL groups give NULL
SELECT risk.var_historical(r, 0.99) AS vh, risk.es_historical(r, 0.99) AS eh,
       risk.var_gaussian(r, 0.99) AS vg, risk.var_modified(r, 0.99) AS vm,
       risk.var_ewma(r, 0.99 ORDER BY i) AS ve, risk.moments(r) AS mo
FROM bad WHERE false;
SELECT risk.var_historical(r, 0.99) AS vh, risk.var_gaussian(r, 0.99) AS vg,
       risk.var_ewma(r, 0.99 ORDER BY r) AS ve, risk.moments(r) AS mo
FROM (VALUES (NULL::float8), (NULL)) v(r);
SELECT risk.var_historical(r, 0.99) = risk.var_historical(r, 0.99) FILTER (WHERE r IS NOT NULL) AS nulls_skipped
FROM (VALUES (0.01), (NULL), (-0.03), (0.02)) v(r);
-- a NULL level skips the row, as a NULL return does
SELECT risk.var_historical(r, p) FROM (VALUES (0.01, 0.99), (-0.5, NULL), (-0.03, 0.99)) v(r, p);

-- too few rows: NULL (historical needs 1, Gaussian 2, modified 3)
SELECT n, risk.var_historical(r, 0.99) IS NULL AS vh_null, risk.var_gaussian(r, 0.99) IS NULL AS vg_null,
       risk.var_modified(r, 0.99) IS NULL AS vm_null, risk.es_modified(r, 0.99) IS NULL AS em_null
FROM generate_series(1, 3) n, LATERAL (SELECT r FROM bad WHERE i <= n) s
GROUP BY n ORDER BY n;
-- zero variance: Gaussian is the mean, modified and skewness are undefined
SELECT risk.var_gaussian(r, 0.99), risk.var_modified(r, 0.99) IS NULL AS vm_null, risk.moments(r)
FROM (VALUES (0.01), (0.01), (0.01)) v(r);
SELECT risk.moments(r) FROM (VALUES (0.01)) v(r);

-- backtests
SELECT try('SELECT risk.kupiec_pof(0, 0, 0.99)');
SELECT try('SELECT risk.kupiec_pof(250, 251, 0.99)');
SELECT try('SELECT risk.kupiec_pof(250, -1, 0.99)');
SELECT try('SELECT risk.kupiec_pof(250, 4, 1.2)');
SELECT try('SELECT risk.traffic_light(-1)');
SELECT try('SELECT risk.traffic_light(3, 0)');
SELECT try('SELECT risk.traffic_light(3, 250, 0)');
SELECT risk.kupiec_pof(NULL, 4, 0.99) IS NULL AS strict_null, risk.var_exception(0.01, NULL) IS NULL AS exc_null;
SELECT * FROM risk.kupiec_pof(250, 0, 0.99);
SELECT * FROM risk.kupiec_pof(250, 250, 0.99);

-- huge and tiny magnitudes are numbers, not errors
SELECT risk.var_historical(r, 0.99), risk.var_gaussian(r, 0.99) IS NOT NULL AS vg
FROM (VALUES (1e300), (-1e300), (1e-300)) v(r);

-- the support functions refuse to run outside an aggregate
SELECT try('SELECT risk_internal._moments_accum(ARRAY[0,0,0,0,0,0,0,0]::float8[], 1.0)');
SELECT try('SELECT risk_internal._ewma_accum(ARRAY[0,0,0,0]::float8[], 1.0, 0.99)');

SELECT 'still up' AS server;
