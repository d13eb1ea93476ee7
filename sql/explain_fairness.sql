--
-- risk.fairness: fairness of credit decisions by group (docs/explain.md,
-- "Fairness by group").  Reference values from
-- test/data/explain_fairness_reference.py (NumPy, fairlearn's definitions
-- written out): every exact metric within 1e-12, the bootstrap intervals
-- within their Monte Carlo tolerance.  Then fairlearn's worked example,
-- the seed, parallel = serial, GROUP BY, empty input, a group with one
-- class, and bad input with its SQLSTATE.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set fair_rows_csv :abs_srcdir '/test/data/explain_fairness_rows.csv'
\set fair_expected_csv :abs_srcdir '/test/data/explain_fairness_expected.csv'
\set fair_bootstrap_csv :abs_srcdir '/test/data/explain_fairness_bootstrap.csv'

CREATE TABLE fair_rows (grp text, declined boolean, defaulted boolean, pd float8)
    WITH (parallel_workers = 2);
COPY fair_rows FROM :'fair_rows_csv' (FORMAT csv, HEADER);
CREATE TABLE fair_expected (metric text, grp text, value text);
COPY fair_expected FROM :'fair_expected_csv' (FORMAT csv, HEADER);
UPDATE fair_expected SET grp = '' WHERE grp IS NULL;   -- the across-group values
CREATE TABLE fair_bootstrap (metric text, n_boot int, level float8, ref_replicates int, defined int,
                             lo float8, hi float8, lo_tol float8, hi_tol float8);
COPY fair_bootstrap FROM :'fair_bootstrap_csv' (FORMAT csv, HEADER);
SELECT grp, count(*) AS rows, count(*) FILTER (WHERE defaulted) AS defaults,
       count(*) FILTER (WHERE pd IS NULL) AS without_pd
FROM fair_rows GROUP BY grp ORDER BY grp COLLATE "C";

-- the report with the bootstrap of the reference's size (2000 replicates)
CREATE TEMP TABLE fair_report AS
SELECT risk.fairness(grp, declined, defaulted, pd, '{"n_boot": 2000, "seed": 42}') AS r FROM fair_rows;

-- ---------------------------------------------------------------------
-- 1. Every exact metric against NumPy
-- ---------------------------------------------------------------------
CREATE TEMP TABLE fair_ours AS
SELECT f.grp, m.metric, m.value
FROM fair_report, risk.fairness_groups(r) f,
     LATERAL (VALUES ('n', f.n::float8), ('declined', f.declined), ('defaults', f.defaults),
                     ('selection_rate', f.selection_rate), ('tpr', f.tpr), ('fpr', f.fpr),
                     ('default_rate', f.default_rate), ('n_pd', f.n_pd), ('mean_pd', f.mean_pd),
                     ('pd_default_rate', f.pd_default_rate), ('auc', f.auc)) m(metric, value)
UNION ALL
SELECT '', m.metric, m.value
FROM fair_report,
     LATERAL (VALUES ('demographic_parity_difference', (r).demographic_parity_difference),
                     ('demographic_parity_ratio', (r).demographic_parity_ratio),
                     ('equalized_odds_difference', (r).equalized_odds_difference),
                     ('equalized_odds_ratio', (r).equalized_odds_ratio),
                     ('equal_opportunity_difference', (r).equal_opportunity_difference),
                     ('rows', (r).rows), ('rows_left_out', (r).rows_left_out)) m(metric, value);
SELECT count(*) AS values_compared, count(o.value) AS ours, count(e.value) AS reference,
       count(*) FILTER (WHERE e.value IS NULL) AS null_in_both,
       bool_and(CASE WHEN e.value IS NULL THEN o.value IS NULL
                     ELSE abs(o.value - e.value::float8) <= 1e-12 * greatest(1, abs(e.value::float8)) END)
           AS all_within_1e12,
       max(abs(o.value - e.value::float8)) AS worst_abs_error
FROM fair_ours o FULL JOIN fair_expected e USING (grp, metric)
WHERE metric NOT LIKE 'fairlearn%' AND metric <> 'worst_group';
-- the ones that differ, if any
SELECT grp, metric, o.value AS ours, e.value AS reference
FROM fair_ours o FULL JOIN fair_expected e USING (grp, metric)
WHERE metric NOT LIKE 'fairlearn%' AND metric <> 'worst_group'
  AND NOT (CASE WHEN e.value IS NULL THEN o.value IS NULL
                ELSE abs(o.value - e.value::float8) <= 1e-12 * greatest(1, abs(e.value::float8)) END);
SELECT (r).worst_group = (SELECT value FROM fair_expected WHERE metric = 'worst_group') AS worst_group,
       (r).groups = ARRAY(SELECT grp FROM fair_expected WHERE metric = 'n' ORDER BY grp COLLATE "C")
           AS groups_in_byte_order
FROM fair_report;
-- the groups as a BI tool reads them (the oldest band has no default: its
-- TPR and AUC are NULL, and the note says why)
SELECT grp, n, declined, defaults, round(selection_rate::numeric, 6) AS selection_rate,
       round(tpr::numeric, 6) AS tpr, round(fpr::numeric, 6) AS fpr, n_pd,
       round(mean_pd::numeric, 6) AS mean_pd, round(pd_default_rate::numeric, 6) AS pd_default_rate,
       round(auc::numeric, 6) AS auc, worst, note
FROM fair_report, risk.fairness_groups(r);
SELECT round((r).demographic_parity_difference::numeric, 6) AS dp_difference,
       round((r).demographic_parity_ratio::numeric, 6) AS dp_ratio,
       round((r).equalized_odds_difference::numeric, 6) AS eo_difference,
       round((r).equalized_odds_ratio::numeric, 6) AS eo_ratio,
       round((r).equal_opportunity_difference::numeric, 6) AS eopp_difference,
       (r).rows, (r).rows_left_out, (r).n_boot, (r).level, (r).seed
FROM fair_report;

-- ---------------------------------------------------------------------
-- 2. The bootstrap intervals against NumPy's (20,000 replicates, the same
--    stratified multinomial scheme, another generator): within the
--    standard errors of both percentiles (see the script)
-- ---------------------------------------------------------------------
CREATE TEMP TABLE fair_ci AS
SELECT b.*, c.our_lo, c.our_hi, c.point
FROM fair_bootstrap b JOIN fair_report ON true,
     LATERAL (VALUES ('demographic_parity_difference', (r).demographic_parity_difference_lo, (r).demographic_parity_difference_hi, (r).demographic_parity_difference),
                     ('demographic_parity_ratio', (r).demographic_parity_ratio_lo, (r).demographic_parity_ratio_hi, (r).demographic_parity_ratio),
                     ('equalized_odds_difference', (r).equalized_odds_difference_lo, (r).equalized_odds_difference_hi, (r).equalized_odds_difference),
                     ('equalized_odds_ratio', (r).equalized_odds_ratio_lo, (r).equalized_odds_ratio_hi, (r).equalized_odds_ratio),
                     ('equal_opportunity_difference', (r).equal_opportunity_difference_lo, (r).equal_opportunity_difference_hi, (r).equal_opportunity_difference))
         c(metric, our_lo, our_hi, point)
WHERE c.metric = b.metric;
SELECT metric, abs(our_lo - lo) <= lo_tol AS lo_within_tol, abs(our_hi - hi) <= hi_tol AS hi_within_tol,
       our_lo <= point AND point <= our_hi AS covers_estimate,
       round(lo_tol::numeric, 4) AS lo_tol, round(hi_tol::numeric, 4) AS hi_tol
FROM fair_ci ORDER BY metric;
-- the same seed gives the same intervals; another seed other ones; the
-- level widens them; n_boot 0 gives none
SELECT (a.r).demographic_parity_difference_lo = (b.r).demographic_parity_difference_lo
       AND (a.r).equalized_odds_ratio_hi = (b.r).equalized_odds_ratio_hi
       AND (a.r).equal_opportunity_difference_lo = (b.r).equal_opportunity_difference_lo AS same_seed_same_intervals,
       (a.r).demographic_parity_difference_lo <> (c.r).demographic_parity_difference_lo AS other_seed_other_intervals,
       (d.r).demographic_parity_difference_lo < (a.r).demographic_parity_difference_lo
       AND (d.r).demographic_parity_difference_hi > (a.r).demographic_parity_difference_hi AS level_099_wider,
       (e.r).demographic_parity_difference_lo IS NULL AND (e.r).equal_opportunity_difference_hi IS NULL
       AND (e.r).level IS NULL AND (e.r).demographic_parity_difference = (a.r).demographic_parity_difference AS n_boot_0_no_interval
FROM fair_report a,
     (SELECT risk.fairness(grp, declined, defaulted, pd, '{"n_boot": 2000, "seed": 42}') AS r FROM fair_rows) b,
     (SELECT risk.fairness(grp, declined, defaulted, pd, '{"n_boot": 2000, "seed": 43}') AS r FROM fair_rows) c,
     (SELECT risk.fairness(grp, declined, defaulted, pd, '{"n_boot": 2000, "seed": 42, "level": 0.99}') AS r FROM fair_rows) d,
     (SELECT risk.fairness(grp, declined, defaulted, pd, '{"n_boot": 0}') AS r FROM fair_rows) e;
-- the order of the rows does not matter (the groups are ordered by name)
SELECT (a.r)::text = (b.r)::text AS row_order_irrelevant
FROM (SELECT risk.fairness(grp, declined, defaulted, pd, '{"n_boot": 300}') AS r FROM fair_rows) a,
     (SELECT risk.fairness(grp, declined, defaulted, pd ORDER BY md5(grp || pd::text) DESC) AS r0,
             risk.fairness(grp, declined, defaulted, pd, '{"n_boot": 300}' ORDER BY random()) AS r FROM fair_rows) b;

-- ---------------------------------------------------------------------
-- 3. fairlearn's worked example (user guide, "Common fairness metrics"):
--    demographic parity difference 0.25 and ratio 0.666..., equalized
--    odds difference 1.0 and ratio 0.0.  By hand: a has y_true 1,1,0,0
--    and y_pred 1,0,1,1 (selection 3/4, TPR 1/2, FPR 2/2); b 0,1,1,1,1,1
--    and 0,0,0,1,1,1 (3/6, 3/5, 0/1); c 0,1,0,0,1,1,1,1 and
--    1,1,0,1,0,0,1,0 (4/8, 2/5, 2/3)
-- ---------------------------------------------------------------------
CREATE TEMP TABLE fl (y boolean, d boolean, g text);
INSERT INTO fl
SELECT y::int::boolean, d::int::boolean, g
FROM unnest('{0,1,1,1,1,0,1,0,1,0,0,0,1,1,1,1,1,1}'::int[],
            '{0,0,1,0,1,1,1,0,0,1,1,1,1,0,0,1,1,0}'::int[],
            '{b,b,a,b,b,c,c,c,a,a,c,a,b,c,c,b,c,c}'::text[]) u(y, d, g);
SELECT (r).groups, (r).selection_rate, (r).tpr, (r).fpr, (r).demographic_parity_difference AS dpd,
       round((r).demographic_parity_ratio::numeric, 12) AS dpr, (r).equalized_odds_difference AS eod,
       (r).equalized_odds_ratio AS eor, round((r).equal_opportunity_difference::numeric, 12) AS eopp,
       (r).worst_group, (r).auc IS NULL AS no_pd_no_auc
FROM (SELECT risk.fairness(g, d, y) AS r FROM fl) s;
SELECT bool_and(abs(v - e.value::float8) <= 1e-12) AS fairlearn_example_matches_reference, count(*) AS values_compared
FROM (SELECT risk.fairness(g, d, y) AS r FROM fl) s,
     LATERAL (VALUES ('fairlearn_demographic_parity_difference', '', (r).demographic_parity_difference),
                     ('fairlearn_demographic_parity_ratio', '', (r).demographic_parity_ratio),
                     ('fairlearn_equalized_odds_difference', '', (r).equalized_odds_difference),
                     ('fairlearn_equalized_odds_ratio', '', (r).equalized_odds_ratio),
                     ('fairlearn_equal_opportunity_difference', '', (r).equal_opportunity_difference)) m(metric, grp, v)
     JOIN fair_expected e USING (metric, grp);

-- ---------------------------------------------------------------------
-- 4. Parallel = serial (partial states in two workers, serialized and
--    combined), GROUP BY = one group at a time
-- ---------------------------------------------------------------------
-- 40 copies of the rows under 10 portfolios, in a scrambled order
CREATE TABLE fair_many (portfolio int, grp text, declined boolean, defaulted boolean, pd float8)
    WITH (parallel_workers = 2);
INSERT INTO fair_many
SELECT k % 10, grp, declined, defaulted, pd FROM fair_rows, generate_series(1, 40) k
ORDER BY md5(k::text || coalesce(grp, '') || coalesce(pd::text, ''));
ANALYZE fair_many;
\set fair_opt '''{"n_boot": 500, "seed": 7}'''
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE fair_serial AS
SELECT risk.fairness(grp, declined, defaulted, pd, :fair_opt) AS r, risk.fairness(grp, declined, defaulted) AS r3 FROM fair_many;
CREATE TEMP TABLE fair_serial_by AS
SELECT portfolio, risk.fairness(grp, declined, defaulted, pd, :fair_opt) AS r FROM fair_many GROUP BY portfolio;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT risk.fairness(grp, declined, defaulted, pd, :fair_opt) FROM fair_many;
CREATE TEMP TABLE fair_parallel AS
SELECT risk.fairness(grp, declined, defaulted, pd, :fair_opt) AS r, risk.fairness(grp, declined, defaulted) AS r3 FROM fair_many;
EXPLAIN (COSTS OFF)
SELECT portfolio, risk.fairness(grp, declined, defaulted, pd, :fair_opt) FROM fair_many GROUP BY portfolio;
CREATE TEMP TABLE fair_parallel_by AS
SELECT portfolio, risk.fairness(grp, declined, defaulted, pd, :fair_opt) AS r FROM fair_many GROUP BY portfolio;
RESET ALL;
-- everything equal, the mean PD (a compensated sum in another order) within 1e-15
CREATE FUNCTION fair_same(a risk.fairness_report, b risk.fairness_report) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN (a).groups = (b).groups AND (a).n = (b).n AND (a).declined = (b).declined
       AND (a).defaults IS NOT DISTINCT FROM (b).defaults AND (a).selection_rate = (b).selection_rate
       AND (a).tpr IS NOT DISTINCT FROM (b).tpr AND (a).fpr IS NOT DISTINCT FROM (b).fpr
       AND (a).n_pd IS NOT DISTINCT FROM (b).n_pd AND (a).auc IS NOT DISTINCT FROM (b).auc
       AND (a).pd_default_rate IS NOT DISTINCT FROM (b).pd_default_rate
       AND (SELECT bool_and(x IS NULL AND y IS NULL OR abs(x - y) <= 1e-15 * abs(y))
            FROM unnest((a).mean_pd, (b).mean_pd) u(x, y)) IS NOT FALSE
       AND (a.rows, a.rows_left_out, a.worst_group, a.demographic_parity_difference, a.demographic_parity_difference_lo,
            a.demographic_parity_difference_hi, a.demographic_parity_ratio_lo, a.equalized_odds_difference_hi,
            a.equalized_odds_ratio_lo, a.equal_opportunity_difference_lo, a.equal_opportunity_difference_hi)
           IS NOT DISTINCT FROM
           (b.rows, b.rows_left_out, b.worst_group, b.demographic_parity_difference, b.demographic_parity_difference_lo,
            b.demographic_parity_difference_hi, b.demographic_parity_ratio_lo, b.equalized_odds_difference_hi,
            b.equalized_odds_ratio_lo, b.equal_opportunity_difference_lo, b.equal_opportunity_difference_hi);
SELECT fair_same(s.r, p.r) AS parallel_equals_serial, fair_same(s.r3, p.r3) AS without_pd_too,
       (s.r).rows AS rows, (s.r).rows_left_out AS left_out,
       (s.r).n = (SELECT array_agg(40 * x) FROM unnest((f.r).n) x) AS forty_times_the_counts,
       (s.r).auc = (f.r).auc AS copies_same_auc
FROM fair_serial s, fair_parallel p, fair_report f;
SELECT count(*) AS portfolios, bool_and(fair_same(s.r, p.r)) AS parallel_equals_serial,
       bool_and(fair_same(s.r, o.r)) AS group_by_equals_one_by_one
FROM fair_serial_by s JOIN fair_parallel_by p USING (portfolio),
     LATERAL (SELECT risk.fairness(grp, declined, defaulted, pd, :fair_opt) AS r
              FROM fair_many m WHERE m.portfolio = s.portfolio) o;

-- many groups: 10,000 groups of 3 rows (the state's hash grows)
SELECT cardinality((r).groups) AS groups, (r).rows, (r).groups[1] AS first, (r).groups[10000] AS last,
       (r).demographic_parity_difference AS dpd, (r).equalized_odds_difference_lo IS NOT NULL AS bootstrapped
FROM (SELECT risk.fairness('g' || (i % 10000), i % 3 = 0, i % 2 = 0, 0.5, '{"n_boot": 20}') AS r
      FROM generate_series(1, 30000) i) s;

-- ---------------------------------------------------------------------
-- 5. Empty input, NULLs, one class
-- ---------------------------------------------------------------------
SELECT risk.fairness(grp, declined, defaulted) IS NULL AS empty_is_null FROM fair_rows WHERE false;
SELECT risk.fairness(grp, declined, defaulted, pd) IS NULL AS all_left_out_is_null
FROM (VALUES (NULL::text, true, false, 0.1::float8), ('a', NULL, true, 0.2)) v(grp, declined, defaulted, pd);
-- a group with defaults only, one without, one whose PDs are all NULL
SELECT f.*
FROM (SELECT risk.fairness(grp, declined, defaulted, pd, '{"n_boot": 0}') AS r
      FROM (VALUES ('bad only', true, true, 0.4), ('bad only', false, true, 0.3),
                   ('good only', true, false, 0.2), ('good only', false, false, 0.1),
                   ('no pd', true, true, NULL), ('no pd', false, false, NULL),
                   ('one outcome with pd', true, true, 0.5), ('one outcome with pd', false, false, NULL),
                   (NULL, true, true, 0.9)) v(grp, declined, defaulted, pd)) s,
     risk.fairness_groups(r) f;
-- one group: differences 0, ratios 1; nobody declined: the ratio is NULL (0 / 0)
SELECT (r).demographic_parity_difference AS dpd, (r).demographic_parity_ratio AS dpr,
       (r).equalized_odds_difference AS eod, (r).equalized_odds_ratio AS eor
FROM (SELECT risk.fairness('all', i % 4 = 0, i % 3 = 0) AS r FROM generate_series(1, 12) i) s;
SELECT (r).demographic_parity_difference AS dpd, (r).demographic_parity_ratio AS dpr,
       (r).equalized_odds_ratio AS eor, (r).demographic_parity_ratio_lo AS dpr_lo
FROM (SELECT risk.fairness(g, false, i % 3 = 0) AS r FROM generate_series(1, 12) i, (VALUES ('x'), ('y')) v(g)) s;

-- ---------------------------------------------------------------------
-- 6. Bad input: an error with its SQLSTATE and the offending value
-- ---------------------------------------------------------------------
SELECT p AS pd, try(format('SELECT risk.fairness(''a'', true, false, %s::float8) FROM fl', p))
FROM unnest(ARRAY['''NaN''', '''Infinity''', '-0.1', '1.5', '15']) p;
SELECT o AS options, try(format('SELECT risk.fairness(g, d, y, NULL::float8, %L) FROM fl', o))
FROM unnest(ARRAY['[1]', '{"nboot": 10}', '{"n_boot": -1}', '{"n_boot": 1e9}', '{"n_boot": 2.5}',
                  '{"n_boot": "100"}', '{"level": 0}', '{"level": 1}', '{"level": 0.05}', '{"level": 1.5}',
                  '{"seed": 0}', '{"seed": 4294967296}', '{"seed": 1.5}']) o;
SELECT try($$SELECT risk.fairness(g, d, y, NULL::float8, CASE WHEN g = 'a' THEN '{"seed": 1}' ELSE '{"seed": 2}' END::jsonb) FROM fl$$);
\set VERBOSITY default
SELECT risk.fairness(g, d, y, 55) FROM fl;
SELECT risk.fairness(g, d, y, NULL, '{"level": 0.05}') FROM fl;
\set VERBOSITY terse

-- a long bootstrap (1,000,000 replicates of 10,000 groups) stops at a cancel
SET statement_timeout = '300ms';
SELECT risk.fairness('g' || (i % 10000), i % 3 = 0, i % 2 = 0, NULL, '{"n_boot": 1000000}') FROM generate_series(1, 20000) i;
RESET statement_timeout;
SELECT (risk.fairness(g, d, y, NULL, '{"n_boot": 10}')).rows AS still_works FROM fl;

DROP TABLE fair_rows, fair_expected, fair_bootstrap, fair_many;
DROP FUNCTION fair_same;
