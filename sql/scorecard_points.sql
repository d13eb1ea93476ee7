--
-- Scorecards: WOE binning, WOE lookup, information value, points
-- (uses logit_loans from scorecard_logit)
--
CREATE TEMP TABLE chars AS
SELECT id, bad, x1, CASE WHEN id % 23 = 0 THEN NULL ELSE x4 END AS x4, x9 FROM logit_loans;
CREATE TEMP TABLE binnings AS
SELECT 'x1' AS name, risk.woe_bins(x1, bad) AS b FROM chars
UNION ALL SELECT 'x4', risk.woe_bins(x4, bad) FROM chars
UNION ALL SELECT 'x9', risk.woe_bins(x9, bad, 5, 0.1) FROM chars;

SELECT name, cardinality((b).woe) AS bins, (b).has_missing, round((b).iv::numeric, 4) AS iv,
       risk.iv_strength((b).iv) AS strength
FROM binnings ORDER BY name;
SELECT * FROM risk.woe_bins_table((SELECT b FROM binnings WHERE name = 'x4'));

-- the rules: monotonic WOE, at least min_share of the binned rows per bin,
-- at most max_bins bins, every row in exactly one bin
SELECT name,
       (SELECT bool_and(sign((b).woe[i + 1] - (b).woe[i]) = sign((b).woe[k] - (b).woe[1]))
        FROM generate_series(1, k - 1) i) AS woe_monotonic,
       (SELECT min(((b).goods[i] + (b).bads[i])::float8) / sum(((b).goods[i] + (b).bads[i])::float8)
        FROM generate_series(1, k) i) >= CASE WHEN name = 'x9' THEN 0.1 ELSE 0.05 END AS min_share_held,
       k <= CASE WHEN name = 'x9' THEN 5 ELSE 10 END AS bins_within_max,
       (SELECT sum(g) + sum(d) FROM unnest((b).goods, (b).bads) u(g, d)) = 5000 AS all_rows_counted
FROM (SELECT name, b, cardinality((b).woe) - CASE WHEN (b).has_missing THEN 1 ELSE 0 END AS k FROM binnings) s
ORDER BY name;

-- counts, WOE and IV recomputed from the bin bounds in plain SQL
WITH bins AS (
    SELECT name, c.* FROM binnings, risk.woe_bins_table(b) c
), rows AS (
    SELECT 'x1' AS name, x1 AS x, bad FROM chars UNION ALL
    SELECT 'x4', x4, bad FROM chars UNION ALL SELECT 'x9', x9, bad FROM chars
), counted AS (
    SELECT b.name, b.bin, count(*) FILTER (WHERE NOT r.bad) AS g, count(*) FILTER (WHERE r.bad) AS d
    FROM bins b JOIN rows r ON r.name = b.name
         AND ((b.lower IS NULL AND r.x IS NULL) OR (r.x >= b.lower AND r.x < b.upper))
    GROUP BY b.name, b.bin
), totals AS (
    SELECT name, sum(g) AS tg, sum(d) AS td FROM counted GROUP BY name
), recomputed AS (
    SELECT c.name, c.bin, c.g, c.d,
           ln(((c.d + CASE WHEN c.d = 0 OR c.g = 0 THEN 0.5 ELSE 0 END) / t.td)
            / ((c.g + CASE WHEN c.d = 0 OR c.g = 0 THEN 0.5 ELSE 0 END) / t.tg)) AS woe,
           c.d / t.td - c.g / t.tg AS diff
    FROM counted c JOIN totals t USING (name)
)
SELECT b.name, bool_and(b.goods = r.g AND b.bads = r.d) AS counts_match,
       bool_and(relerr(b.woe, r.woe::float8) < 1e-12) AS woe_match,
       relerr(min(bb.iv), sum(r.diff * r.woe)::float8) < 1e-12 AS iv_match
FROM bins b JOIN recomputed r USING (name, bin) JOIN (SELECT name, (b).iv FROM binnings) bb USING (name)
GROUP BY b.name ORDER BY b.name;

-- risk.woe looks each value up in its bin (NULL in the missing bin)
SELECT bool_and(risk.woe(x4b.b, c.x4) = w.woe) AS woe_lookup_matches
FROM chars c, (SELECT b FROM binnings WHERE name = 'x4') x4b,
     LATERAL (SELECT t.woe FROM risk.woe_bins_table(x4b.b) t
              WHERE (t.lower IS NULL AND c.x4 IS NULL) OR (c.x4 >= t.lower AND c.x4 < t.upper)) w;
SELECT risk.woe((SELECT b FROM binnings WHERE name = 'x1'), NULL) AS no_missing_bin_gives_0;
SELECT risk.woe(b, '-Infinity') = (b).woe[1] AS minus_infinity_first_bin,
       risk.woe(b, 'Infinity') = (b).woe[cardinality((b).woe)] AS infinity_last_bin
FROM binnings WHERE name = 'x1';
SELECT try($$SELECT risk.woe(b, 'NaN') FROM binnings WHERE name = 'x1'$$);
SELECT try('SELECT risk.characteristic_points(1, 0.5, -2, 0)');
SELECT try('SELECT risk.characteristic_points(1, 0.5, -2, 3, 600, 50, -20)');

-- points: 600 at odds 50:1, 20 more for every doubling of the odds
SELECT round(risk.score_points(1.0 / 51)::numeric, 9) AS at_base_odds,
       round(risk.score_points(1.0 / 101)::numeric, 9) AS at_double_odds,
       round(risk.score_points(0.5, 500, 1, 40)::numeric, 9) AS custom_scaling;

-- a scorecard: a logistic model on WOE columns; the points of the bins add
-- up to the points of the model's PD
CREATE TEMP TABLE woe_cols AS
SELECT c.id, c.bad, risk.woe(b1.b, c.x1) AS w1, risk.woe(b4.b, c.x4) AS w4
FROM chars c, (SELECT b FROM binnings WHERE name = 'x1') b1, (SELECT b FROM binnings WHERE name = 'x4') b4;
CREATE TEMP TABLE card AS SELECT risk.logit_fit(bad, ARRAY[w1, w4]) AS m FROM woe_cols;
SELECT round((m).coefficients[2]::numeric, 3) AS beta_w1, round((m).coefficients[3]::numeric, 3) AS beta_w4 FROM card;
SELECT bool_and(abs(risk.characteristic_points((m).coefficients[2], w1, (m).coefficients[1], 2)
                    + risk.characteristic_points((m).coefficients[3], w4, (m).coefficients[1], 2)
                    - risk.score_points(risk.logit_predict(m, ARRAY[w1, w4]))) < 1e-9) AS points_add_up
FROM woe_cols, card;

-- parallel partial states give the serial binning
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT (risk.woe_bins(x1, bad)).woe = (SELECT (b).woe FROM binnings WHERE name = 'x1') AS parallel_equals_serial FROM logit_loans;
RESET ALL;

-- bad input
SELECT try('SELECT risk.woe_bins(x1, bad, 0, 0.05) FROM logit_loans');
SELECT try('SELECT risk.woe_bins(x1, bad, 10, 0.6) FROM logit_loans');
SELECT try('SELECT risk.woe_bins(x1, bad) FROM logit_loans WHERE NOT bad');
SELECT try($$SELECT risk.woe_bins(x, true) FROM (VALUES (1.0), ('NaN')) v(x)$$);
SELECT try('SELECT risk.woe_bins(x1, bad, CASE WHEN id = 3 THEN 5 ELSE 10 END, 0.05) FROM logit_loans');
SELECT try('SELECT risk.score_points(0)');
SELECT try('SELECT risk.score_points(0.1, 600, 0, 20)');
SELECT risk.woe_bins(x1, bad) IS NULL AS empty_null FROM logit_loans WHERE false;
-- rows without a label are skipped
SELECT (risk.woe_bins(x1, CASE WHEN id % 5 = 0 THEN NULL ELSE bad END)).goods IS NOT NULL AS labels_skipped FROM logit_loans;
