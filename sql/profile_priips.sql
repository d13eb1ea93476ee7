--
-- The PRIIPs market risk measure of a category 2 product
-- (risk.priips_market_risk), its class (risk.priips_mrm) and the summary
-- risk indicator (risk.priips_sri) against test/data/profile_reference.py
-- (NumPy, sums exactly rounded): 23 daily, weekly and monthly series of
-- the regulation's minimum length; Gaussian series whose VEV is their
-- annual volatility; series placed either side of each class boundary;
-- the whole SRI table; window use; NULLs; every bad input.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set series_csv :abs_srcdir '/test/data/profile_priips_series.csv'
\set meta_csv :abs_srcdir '/test/data/profile_priips_meta.csv'
\set expected_csv :abs_srcdir '/test/data/profile_priips_expected.csv'
\set sri_csv :abs_srcdir '/test/data/profile_sri.csv'

CREATE TABLE priips_series (series_id text, period int, price float8);
COPY priips_series FROM :'series_csv' (FORMAT csv, HEADER);
CREATE TABLE priips_meta (series_id text, frequency text, holding_period float8);
COPY priips_meta FROM :'meta_csv' (FORMAT csv, HEADER);
CREATE TABLE priips_expected (series_id text, n_returns int, mean float8, sigma float8,
                              skewness float8, excess_kurtosis float8,
                              var_return_space float8, vev float8, mrm int);
COPY priips_expected FROM :'expected_csv' (FORMAT csv, HEADER);
CREATE TABLE priips_sri_table (mrm int, crm int, sri int);
COPY priips_sri_table FROM :'sri_csv' (FORMAT csv, HEADER);

-- the measure of every series
CREATE TABLE priips_got AS
SELECT series_id, (r).*
FROM (SELECT s.series_id,
             risk.priips_market_risk(s.price, m.frequency, m.holding_period ORDER BY s.period) AS r
      FROM priips_series s JOIN priips_meta m USING (series_id)
      GROUP BY s.series_id) x;

-- ---------------------------------------------------------------------
-- Every series against the reference: moments, VaR, VEV and class
-- (sigma, VaR and VEV within 1e-12 relative, skewness and kurtosis within
-- 1e-9; the largest differences in units of 1e-12, rounded)
-- ---------------------------------------------------------------------
SELECT m.frequency, count(*) AS series, min(g.returns) AS returns,
       bool_and(g.returns = e.n_returns) AS m0,
       bool_and(relerr(g.mean, e.mean) < 1e-12) AS mean,
       bool_and(relerr(g.volatility, e.sigma) < 1e-12) AS sigma,
       bool_and(abs(g.skewness - e.skewness) < 1e-9) AS skewness,
       bool_and(abs(g.excess_kurtosis - e.excess_kurtosis) < 1e-9) AS kurtosis,
       bool_and(relerr(g.var_return_space, e.var_return_space) < 1e-12) AS var,
       bool_and(relerr(g.vev, e.vev) < 1e-12) AS vev,
       bool_and(g.mrm = e.mrm) AS mrm
FROM priips_got g JOIN priips_expected e USING (series_id) JOIN priips_meta m USING (series_id)
GROUP BY m.frequency ORDER BY m.frequency;

SELECT round((max(relerr(g.volatility, e.sigma)) * 1e12)::numeric) AS sigma_rel_e12,
       round((max(abs(g.skewness - e.skewness)) * 1e12)::numeric) AS skew_abs_e12,
       round((max(abs(g.excess_kurtosis - e.excess_kurtosis)) * 1e12)::numeric) AS kurt_abs_e12,
       round((max(relerr(g.var_return_space, e.var_return_space)) * 1e12)::numeric) AS var_rel_e12,
       round((max(relerr(g.vev, e.vev)) * 1e12)::numeric) AS vev_rel_e12
FROM priips_got g JOIN priips_expected e USING (series_id);

-- the results, rounded
SELECT series_id, m.frequency, m.holding_period AS years, returns,
       round(skewness::numeric, 4) AS skew, round(excess_kurtosis::numeric, 4) AS exkurt,
       round(var_return_space::numeric, 6) AS var, round(vev::numeric, 6) AS vev, mrm
FROM priips_got JOIN priips_meta m USING (series_id)
WHERE series_id NOT LIKE 'bnd%' ORDER BY series_id;

-- ---------------------------------------------------------------------
-- Gaussian returns: the VEV is the annual volatility v (within 1 %, plus
-- 1.1e-4 as 3.842 exceeds 1.96^2), and close to its closed form without
-- skew and kurtosis, (sqrt(3.842 + 3.92 u + u^2) - 1.96) / sqrt(T), u = v sqrt(T)
-- ---------------------------------------------------------------------
SELECT series_id, v AS annual_volatility, years,
       relerr(volatility * 16, v) < 1e-12 AS sigma_is_v_over_16,
       abs(vev - v) < 0.01 * v + 1.1e-4 AS vev_is_v,
       abs(vev / ((sqrt(3.842 + 3.92 * v * sqrt(years) + v * v * years) - 1.96) / sqrt(years)) - 1) < 0.01
           AS vev_is_closed_form,
       risk.priips_mrm(v) = mrm AS class_of_v
FROM (SELECT g.*, m.holding_period AS years,
             replace(substr(series_id, 7), 'p', '.')::float8 / 100 AS v
      FROM priips_got g JOIN priips_meta m USING (series_id)
      WHERE series_id LIKE 'gauss%') s
ORDER BY v;

-- ---------------------------------------------------------------------
-- Either side of each class boundary: VEV = b (1 -+ 1e-4), classes k, k + 1
-- ---------------------------------------------------------------------
SELECT substr(series_id, 5, 1)::int AS k, b AS boundary,
       max(mrm) FILTER (WHERE series_id LIKE '%lo') AS class_below,
       max(mrm) FILTER (WHERE series_id LIKE '%hi') AS class_above,
       bool_and(relerr(vev, b * CASE WHEN series_id LIKE '%lo' THEN 1 - 1e-4 ELSE 1 + 1e-4 END) < 1e-9)
           AS vev_on_target,
       bool_and(mrm = risk.priips_mrm(vev)) AS priips_mrm_agrees
FROM priips_got,
     LATERAL (SELECT (ARRAY[0.005, 0.05, 0.12, 0.20, 0.30, 0.80]::float8[])[substr(series_id, 5, 1)::int] AS b) x
WHERE series_id LIKE 'bnd%'
GROUP BY 1, 2 ORDER BY 1;

-- risk.priips_mrm: each boundary in the higher class, every reference VEV
SELECT v, risk.priips_mrm(v)
FROM unnest(ARRAY[-0.01, 0, 0.0049999999, 0.005, 0.0499999999, 0.05, 0.1199999999, 0.12,
                  0.1999999999, 0.2, 0.2999999999, 0.3, 0.7999999999, 0.8, 5, 1e300]::float8[]) v;
SELECT count(*) AS series, count(*) FILTER (WHERE risk.priips_mrm(vev) <> mrm) AS wrong_class
FROM priips_expected;

-- ---------------------------------------------------------------------
-- The SRI table: every cell against profile_sri.csv, and as it reads
-- ---------------------------------------------------------------------
SELECT count(*) AS cells, count(*) FILTER (WHERE risk.priips_sri(mrm, crm) <> sri) AS wrong
FROM priips_sri_table;
SELECT crm, string_agg(risk.priips_sri(mrm, crm)::text, ' ' ORDER BY mrm) AS "sri for mrm 1..7"
FROM priips_sri_table GROUP BY crm ORDER BY crm;

-- a product's SRI from its prices and its credit risk class
SELECT series_id, mrm, risk.priips_sri(mrm, 3) AS sri_crm_3
FROM priips_got WHERE series_id IN ('gauss_0p3', 'gauss_3', 'monthly_5y') ORDER BY series_id;

-- ---------------------------------------------------------------------
-- Window use: the same as the plain aggregate over the frame's rows.  The
-- 513 daily prices of t3_daily taken as monthly prices (61 needed): frames
-- of 80 rows and growing frames; frames shorter than 61 prices give NULL.
-- ---------------------------------------------------------------------
CREATE TABLE priips_w AS SELECT period, price FROM priips_series WHERE series_id = 't3_daily';
SELECT count(*) AS rows, count(r) AS results,
       count(*) FILTER (WHERE r IS NULL AND period >= 60) AS null_with_61_prices,
       count(*) FILTER (WHERE CASE WHEN r IS NULL THEN false ELSE r::text IS DISTINCT FROM
           (SELECT risk.priips_market_risk(b.price, 'monthly', 5 ORDER BY b.period)::text
            FROM priips_w b WHERE b.period BETWEEN w.period - 79 AND w.period) END)
           AS differ_from_plain
FROM (SELECT period, risk.priips_market_risk(price, 'monthly', 5)
                         OVER (ORDER BY period ROWS BETWEEN 79 PRECEDING AND CURRENT ROW) AS r
      FROM priips_w) w;
SELECT count(*) AS rows, count(r) AS results,
       count(*) FILTER (WHERE CASE WHEN r IS NULL THEN false ELSE r::text IS DISTINCT FROM
           (SELECT risk.priips_market_risk(b.price, 'monthly', 5 ORDER BY b.period)::text
            FROM priips_w b WHERE b.period <= w.period) END)
           AS differ_from_plain
FROM (SELECT period, risk.priips_market_risk(price, 'monthly', 5) OVER (ORDER BY period) AS r
      FROM priips_w) w;
-- a window ending at the last price equals the whole series' measure
SELECT r::text = (SELECT risk.priips_market_risk(price, 'monthly', 5 ORDER BY period)::text FROM priips_w)
       AS last_frame_is_whole
FROM (SELECT period, risk.priips_market_risk(price, 'monthly', 5)
                         OVER (ORDER BY period ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS r
      FROM priips_w) w
WHERE period = 0;

-- ---------------------------------------------------------------------
-- NULLs: a row with a NULL argument is skipped; no row gives NULL
-- ---------------------------------------------------------------------
SELECT a::text = b::text AS null_rows_skipped
FROM (SELECT risk.priips_market_risk(CASE WHEN period % 7 = 3 THEN NULL ELSE price END, 'weekly', 5
                                     ORDER BY period) AS a,
             risk.priips_market_risk(price, 'weekly', 5 ORDER BY period)
                 FILTER (WHERE period % 7 <> 3) AS b
      FROM priips_w) x;
SELECT risk.priips_market_risk(price, CASE WHEN period = 9 THEN NULL ELSE 'monthly' END, 5 ORDER BY period)::text
     = risk.priips_market_risk(price, 'monthly', 5 ORDER BY period) FILTER (WHERE period <> 9)::text
       AS null_frequency_row_skipped
FROM priips_w;
SELECT risk.priips_market_risk(price, 'daily', 5 ORDER BY period) IS NULL AS empty_is_null
FROM priips_w WHERE false;
SELECT risk.priips_market_risk(NULL::float8, 'daily', 5 ORDER BY period) IS NULL AS all_null_is_null
FROM priips_w;
SELECT risk.priips_mrm(NULL) IS NULL AS mrm_strict, risk.priips_sri(NULL, 1) IS NULL AS sri_strict;

-- constant prices: no skewness or kurtosis, VaR 0, class 1
SELECT (risk.priips_market_risk(42.0, 'monthly', 5 ORDER BY i)).*
FROM generate_series(0, 60) i;

-- ---------------------------------------------------------------------
-- Bad input: an error with its SQLSTATE and the offending value
-- ---------------------------------------------------------------------
SELECT v AS price, try(format('SELECT risk.priips_market_risk(CASE WHEN period = 5 THEN %s ELSE price END, ''weekly'', 5 ORDER BY period) FROM priips_w', v))
FROM unnest(ARRAY['0', '-1.5', '''NaN''::float8', '''Infinity''::float8', '''-Infinity''::float8', '-0.0']) v;
SELECT f AS frequency, try(format('SELECT risk.priips_market_risk(price, %L, 5 ORDER BY period) FROM priips_w', f))
FROM unnest(ARRAY['yearly', 'Daily', '', 'daily ']) f;
SELECT t AS holding_period, try(format('SELECT risk.priips_market_risk(price, ''weekly'', %s ORDER BY period) FROM priips_w', t))
FROM unnest(ARRAY['0', '-5', '''NaN''::float8', '''Infinity''::float8']) t;
-- frequency or holding period changing between rows
SELECT try($$SELECT risk.priips_market_risk(price, CASE WHEN period < 100 THEN 'daily' ELSE 'weekly' END, 5 ORDER BY period) FROM priips_w$$);
SELECT try($$SELECT risk.priips_market_risk(price, 'daily', CASE WHEN period = 300 THEN 3 ELSE 5 END ORDER BY period) FROM priips_w$$);
-- one price short of the minimum history, at each frequency
SELECT f, n, try(format('SELECT risk.priips_market_risk(price, %L, 5 ORDER BY period) FROM priips_w WHERE period < %s', f, n))
FROM (VALUES ('daily', 512), ('daily', 513), ('weekly', 208), ('weekly', 209), ('monthly', 60), ('monthly', 61)) v(f, n);
-- no order: an error (the measure depends on the order of the prices)
SELECT try($$SELECT risk.priips_market_risk(price, 'daily', 5) FROM priips_w$$);
SELECT try($$SELECT risk.priips_market_risk(price, 'daily', 5) OVER () FROM priips_w$$);
-- a holding period so long that the VaR overflows
SELECT try($$SELECT risk.priips_market_risk(price, 'daily', 1e308 ORDER BY period) FROM priips_w$$);
-- the class and the SRI
SELECT try($$SELECT risk.priips_mrm('NaN')$$), try($$SELECT risk.priips_mrm('Infinity')$$);
SELECT m, c, try(format('SELECT risk.priips_sri(%s, %s)', m, c))
FROM (VALUES (0, 1), (8, 1), (1, 0), (1, 7), (-1, -1)) v(m, c);
-- what the analyst reads
\set VERBOSITY default
SELECT risk.priips_market_risk(price, 'daily', 5 ORDER BY period) FROM priips_w WHERE period < 400;
SELECT risk.priips_market_risk(price - 100, 'daily', 5 ORDER BY period) FROM priips_w;
\set VERBOSITY terse

DROP TABLE priips_series, priips_meta, priips_expected, priips_sri_table, priips_got, priips_w;
