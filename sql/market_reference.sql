--
-- GROUP BY results against R (test/data/market_reference.R)
--
CREATE TEMP TABLE ours AS
SELECT portfolio, p, m.measure, m.value
FROM (
    SELECT portfolio, p,
           risk.var_historical(r, p) AS var_historical,
           risk.es_historical(r, p) AS es_historical,
           risk.var_gaussian(r, p) AS var_gaussian,
           risk.es_gaussian(r, p) AS es_gaussian,
           risk.var_modified(r, p) AS var_modified,
           risk.es_modified(r, p) AS es_modified,
           risk.var_ewma(r, p ORDER BY day) AS var_ewma_094,
           risk.var_ewma(r, p, 0.97 ORDER BY day) AS var_ewma_097,
           risk.es_ewma(r, p ORDER BY day) AS es_ewma_094
    FROM returns CROSS JOIN (VALUES (0.95::float8), (0.975), (0.99)) ps(p)
    GROUP BY portfolio, p
) s
CROSS JOIN LATERAL (VALUES
    ('var_historical', var_historical), ('es_historical', es_historical),
    ('var_gaussian', var_gaussian), ('es_gaussian', es_gaussian),
    ('var_modified', var_modified), ('es_modified', es_modified),
    ('var_ewma_0.94', var_ewma_094), ('var_ewma_0.97', var_ewma_097),
    ('es_ewma_0.94', es_ewma_094)) m(measure, value);

INSERT INTO ours
SELECT portfolio, NULL, m.measure, m.value
FROM (SELECT portfolio, (risk.moments(r)).* FROM returns GROUP BY portfolio) s
CROSS JOIN LATERAL (VALUES ('n', n::float8), ('mean', mean), ('sd', sd),
    ('skewness', skewness), ('kurtosis', kurtosis), ('min', min), ('max', max)) m(measure, value);

-- every reference value has its counterpart, within 1e-12 relative
SELECT e.measure, count(*) AS compared,
       count(o.value) AS matched,
       max(relerr(o.value, e.value)) < 1e-12 AS within_1e_12
FROM market_expected e
LEFT JOIN ours o ON o.portfolio = e.portfolio AND o.measure = e.measure
                 AND o.p IS NOT DISTINCT FROM e.p
GROUP BY e.measure ORDER BY e.measure;

-- historical VaR is an order statistic interpolated as R does: exact
SELECT count(*) AS exact_var_historical
FROM market_expected e JOIN ours o USING (portfolio, p, measure)
WHERE measure = 'var_historical' AND o.value = e.value;

-- a readable sample: portfolio 1 (normal) and 2 (Student t, 3 df) at 99%
SELECT portfolio, measure, round(value::numeric, 8) AS value
FROM ours WHERE p = 0.99 AND portfolio IN (1, 2) ORDER BY portfolio, measure;

-- ES is never below VaR for each family
SELECT count(*) AS es_below_var
FROM ours v JOIN ours e USING (portfolio, p)
WHERE (v.measure, e.measure) IN (('var_historical', 'es_historical'),
                                 ('var_gaussian', 'es_gaussian'),
                                 ('var_modified', 'es_modified'))
  AND e.value < v.value;

-- portfolio 5, seven values with ties: exact values
SELECT risk.var_historical(r, 0.99), risk.es_historical(r, 0.99),
       risk.var_historical(r, 0.5), risk.es_historical(r, 0.5)
FROM returns WHERE portfolio = 5;
