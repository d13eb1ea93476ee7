--
-- risk.fairness on protected data (docs/explain.md, "Fairness on protected
-- data"), with real roles: the nationality of the applicants is classified
-- confidential (pseudonymised in masked views), the name restricted; the
-- bank's admin owns the decisions and computes the fairness report by the
-- real nationality; an analyst cleared to internal computes it through the
-- masked view, by the pseudonym of the nationality.  The owner, who alone
-- can join a pseudonym to its nationality, finds every figure of the
-- analyst's report equal to its own, bit for bit: per group (counts,
-- rates, AUC, calibration), across groups (the five metrics and their
-- bootstrap intervals), and the worst-off group is the pseudonym of the
-- real one.  The analyst cannot read a nationality, nor filter or group by
-- one, nor read the pseudonym key (42501).
--
CREATE ROLE regress_fair_owner;
CREATE ROLE regress_fair_analyst;
SELECT risk.grant_admin('regress_fair_owner');
SELECT risk.grant_analyst('regress_fair_analyst');
GRANT CREATE ON SCHEMA public TO regress_fair_owner;

SET ROLE regress_fair_owner;
-- 4,000 credit decisions, deterministic: the PD a fixed scramble of i,
-- the default a second one below the PD; declined above a PD threshold of
-- 0.40, but 0.25 for PL and 0.32 for TR applicants (treated worse);
-- LU a small group without a default; some rows without a nationality
-- (left out) and some without a PD (declined by a policy rule, or not)
CREATE TABLE fair_decisions (id int PRIMARY KEY, name text, nationality text, pd float8,
                             declined boolean, defaulted boolean);
INSERT INTO fair_decisions
SELECT i, 'Applicant ' || i, nat, pd,
       CASE WHEN pd IS NULL THEN i % 2 = 0
            ELSE pd > CASE nat WHEN 'PL' THEN 0.25 WHEN 'TR' THEN 0.32 ELSE 0.40 END END,
       nat IS DISTINCT FROM 'LU' AND ((i * 104729 + 13) % 997) / 997.0 < coalesce(pd, 0.2)
FROM (SELECT i,
             CASE WHEN i % 397 = 0 THEN NULL
                  WHEN i % 250 = 5 THEN 'LU'
                  ELSE (ARRAY['DE', 'DE', 'DE', 'DE', 'FR', 'FR', 'PL', 'PL', 'TR', 'IT'])[i % 10 + 1] END AS nat,
             CASE WHEN i % 173 = 0 THEN NULL ELSE (((i * 7919) % 1000) + 0.5) / 1000 * 0.6 END AS pd
      FROM generate_series(1, 4000) i) s;
ALTER TABLE fair_decisions SET (parallel_workers = 2);
ANALYZE fair_decisions;
SELECT risk.classify('fair_decisions', 'nationality', 'confidential', 'pseudonym');
SELECT risk.classify('fair_decisions', 'name', 'restricted');
SELECT risk.grant_access('fair_decisions', 'regress_fair_analyst', 'internal');
SELECT col, level, mask FROM risk.classification WHERE tab = 'fair_decisions'::regclass ORDER BY col;

-- the data, as the owner sees it
SELECT nationality, count(*) AS n, count(*) FILTER (WHERE declined) AS declined,
       count(*) FILTER (WHERE defaulted) AS defaults, count(*) FILTER (WHERE pd IS NULL) AS without_pd
FROM fair_decisions GROUP BY nationality ORDER BY nationality COLLATE "C";

-- the owner's report, by the real nationality
CREATE TEMP TABLE fair_owner_report AS
SELECT risk.fairness(nationality, declined, defaulted, pd, '{"n_boot": 2000, "seed": 7}') AS r
FROM fair_decisions;
SELECT grp, n, declined, defaults, round(selection_rate::numeric, 4) AS decline_rate,
       round(tpr::numeric, 4) AS tpr, round(fpr::numeric, 4) AS fpr, n_pd,
       round(mean_pd::numeric, 4) AS mean_pd, round(pd_default_rate::numeric, 4) AS observed,
       round(auc::numeric, 4) AS auc, worst, note
FROM fair_owner_report, risk.fairness_groups(r);
SELECT (r).worst_group, (r).rows, (r).rows_left_out,
       round((r).demographic_parity_difference::numeric, 4) AS dp_difference,
       round((r).demographic_parity_ratio::numeric, 4) AS dp_ratio,
       round((r).equalized_odds_difference::numeric, 4) AS eo_difference,
       round((r).equalized_odds_ratio::numeric, 4) AS eo_ratio,
       round((r).equal_opportunity_difference::numeric, 4) AS eopp_difference,
       round((r).demographic_parity_ratio_lo::numeric, 2) AS dp_ratio_lo,
       round((r).demographic_parity_ratio_hi::numeric, 2) AS dp_ratio_hi
FROM fair_owner_report;
-- the owner's figures by plain SQL: the counts and rates exactly (one
-- division of two counts each), the mean PD and the AUC (Mann-Whitney,
-- ties one half, over every pair) within 1e-12
CREATE TEMP TABLE fair_by_sql AS
WITH g AS (
    SELECT nationality AS grp, count(*) AS n, count(*) FILTER (WHERE declined) AS declined,
           count(*) FILTER (WHERE defaulted) AS defaults,
           count(*) FILTER (WHERE declined)::float8 / count(*) AS selection_rate,
           count(*) FILTER (WHERE declined AND defaulted)::float8 / nullif(count(*) FILTER (WHERE defaulted), 0) AS tpr,
           count(*) FILTER (WHERE declined AND NOT defaulted)::float8 / nullif(count(*) FILTER (WHERE NOT defaulted), 0) AS fpr,
           count(pd) AS n_pd, avg(pd) AS mean_pd,
           count(*) FILTER (WHERE defaulted AND pd IS NOT NULL)::float8 / nullif(count(pd), 0) AS pd_default_rate
    FROM fair_decisions WHERE nationality IS NOT NULL GROUP BY nationality),
a AS (
    SELECT b.nationality AS grp,
           (count(*) FILTER (WHERE b.pd > o.pd) + 0.5 * count(*) FILTER (WHERE b.pd = o.pd))::float8 / count(*) AS auc
    FROM fair_decisions b JOIN fair_decisions o ON o.nationality = b.nationality AND NOT o.defaulted
    WHERE b.defaulted AND b.pd IS NOT NULL AND o.pd IS NOT NULL
    GROUP BY b.nationality)
SELECT * FROM g LEFT JOIN a USING (grp);
SELECT count(*) AS groups,
       bool_and((s.n, s.declined, s.defaults, s.selection_rate, s.tpr, s.fpr, s.n_pd, s.pd_default_rate)
                IS NOT DISTINCT FROM (f.n, f.declined, f.defaults, f.selection_rate, f.tpr, f.fpr, f.n_pd, f.pd_default_rate))
           AS counts_and_rates_exact,
       bool_and(abs(s.mean_pd - f.mean_pd) <= 1e-12) AS mean_pd_within_1e12,
       bool_and(CASE WHEN s.auc IS NULL THEN f.auc IS NULL ELSE abs(s.auc - f.auc) <= 1e-12 END) AS auc_within_1e12,
       max(s.selection_rate) - min(s.selection_rate) = (SELECT (r).demographic_parity_difference FROM fair_owner_report)
           AS dp_difference_exact
FROM fair_by_sql s JOIN (SELECT f.* FROM fair_owner_report, risk.fairness_groups(r) f) f USING (grp);
RESET ROLE;

-- ---------------------------------------------------------------------
-- The analyst: cleared to internal
-- ---------------------------------------------------------------------
SET ROLE regress_fair_analyst;
-- not the nationality in clear, not even to filter or group by it, nor a
-- fairness report on it, nor the key that would let it test a guess
SELECT try('SELECT nationality FROM fair_decisions') AS read_nationality;
SELECT try($$SELECT count(*) FROM fair_decisions WHERE nationality = 'PL'$$) AS filter_on_nationality;
SELECT try('SELECT risk.fairness(nationality, declined, defaulted, pd) FROM fair_decisions') AS fairness_on_nationality;
SELECT try('SELECT name FROM fair_decisions') AS read_name;
SELECT try('SELECT secret FROM risk.masking_key') AS read_key;
-- the decisions in clear, the nationality and the name as pseudonyms
SELECT count(*) AS rows, count(*) FILTER (WHERE declined) AS declined, count(pd) AS with_pd FROM fair_decisions;
SELECT count(*) AS rows, count(nationality) AS with_nationality, count(DISTINCT nationality) AS nationalities,
       bool_and(nationality ~ '^p[0-9a-f]{16}$') AS all_pseudonyms,
       bool_and(name ~ '^p[0-9a-f]{16}$') AS names_pseudonyms
FROM fair_decisions_internal;
-- the analyst's report, by the pseudonym (kept for the owner to compare)
CREATE TEMP TABLE fair_analyst_report AS
SELECT risk.fairness(nationality, declined, defaulted, pd, '{"n_boot": 2000, "seed": 7}') AS r
FROM fair_decisions_internal;
GRANT SELECT ON fair_analyst_report TO regress_fair_owner;
-- what the analyst reads: the same figures under pseudonyms (shown here by
-- size, as the pseudonyms change with the key)
SELECT grp ~ '^p[0-9a-f]{16}$' AS pseudonym, n, declined, defaults,
       round(selection_rate::numeric, 4) AS decline_rate, round(tpr::numeric, 4) AS tpr,
       round(fpr::numeric, 4) AS fpr, n_pd, round(mean_pd::numeric, 4) AS mean_pd,
       round(pd_default_rate::numeric, 4) AS observed, round(auc::numeric, 4) AS auc, worst, note
FROM fair_analyst_report, risk.fairness_groups(r) ORDER BY n DESC, declined DESC;
SELECT (r).worst_group ~ '^p[0-9a-f]{16}$' AS worst_is_pseudonym, (r).rows, (r).rows_left_out,
       round((r).demographic_parity_difference::numeric, 4) AS dp_difference,
       round((r).demographic_parity_ratio::numeric, 4) AS dp_ratio,
       round((r).equalized_odds_difference::numeric, 4) AS eo_difference,
       round((r).equalized_odds_ratio::numeric, 4) AS eo_ratio,
       round((r).equal_opportunity_difference::numeric, 4) AS eopp_difference,
       round((r).demographic_parity_ratio_lo::numeric, 2) AS dp_ratio_lo,
       round((r).demographic_parity_ratio_hi::numeric, 2) AS dp_ratio_hi
FROM fair_analyst_report;
-- the same report in parallel (two workers scan the masked view and
-- aggregate, their partial states combined): equal to the serial one, the
-- mean PD (a compensated sum in another order) within 1e-15.  The key's
-- one-row table is left out of the parallel scan (the default
-- min_parallel_table_scan_size): scanned in parallel itself, it would be
-- gathered below the join and the aggregate could not be partial
-- (fair_decisions has parallel_workers = 2)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT risk.fairness(nationality, declined, defaulted, pd, '{"n_boot": 2000, "seed": 7}') FROM fair_decisions_internal;
CREATE TEMP TABLE fair_analyst_parallel AS
SELECT risk.fairness(nationality, declined, defaulted, pd, '{"n_boot": 2000, "seed": 7}') AS r
FROM fair_decisions_internal;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT count(*) AS groups,
       bool_and((s.n, s.declined, s.defaults, s.selection_rate, s.tpr, s.fpr, s.default_rate,
                 s.n_pd, s.pd_default_rate, s.auc, s.worst, s.note)
                IS NOT DISTINCT FROM
                (p.n, p.declined, p.defaults, p.selection_rate, p.tpr, p.fpr, p.default_rate,
                 p.n_pd, p.pd_default_rate, p.auc, p.worst, p.note)) AS parallel_equals_serial,
       bool_and(abs(s.mean_pd - p.mean_pd) <= 1e-15 * s.mean_pd) AS mean_pd_within_1e15,
       (SELECT ((a.r).demographic_parity_ratio_lo, (a.r).demographic_parity_ratio_hi,
                (a.r).equalized_odds_difference_lo, (a.r).equalized_odds_difference_hi, (a.r).worst_group)
               = ((b.r).demographic_parity_ratio_lo, (b.r).demographic_parity_ratio_hi,
                  (b.r).equalized_odds_difference_lo, (b.r).equalized_odds_difference_hi, (b.r).worst_group)
        FROM fair_analyst_report a, fair_analyst_parallel b) AS same_intervals_and_worst
FROM (SELECT f.* FROM fair_analyst_report, risk.fairness_groups(r) f) s
JOIN (SELECT f.* FROM fair_analyst_parallel, risk.fairness_groups(r) f) p USING (grp);
-- the owner's report is not the analyst's to read
SELECT try('SELECT * FROM fair_owner_report') AS read_owner_report;
RESET ROLE;

-- ---------------------------------------------------------------------
-- The owner compares, through the pseudonym mapping only it can read
-- (the table joined to its masked view)
-- ---------------------------------------------------------------------
SET ROLE regress_fair_owner;
CREATE TEMP TABLE fair_mapping AS
SELECT DISTINCT t.nationality, v.nationality AS pseudonym
FROM fair_decisions t JOIN fair_decisions_internal v USING (id)
WHERE t.nationality IS NOT NULL;
-- one pseudonym per nationality and back
SELECT count(*) AS pairs, count(DISTINCT nationality) AS nationalities, count(DISTINCT pseudonym) AS pseudonyms
FROM fair_mapping;
-- every per-group figure, NULLs and notes included, bit for bit
SELECT count(*) AS groups_matched,
       count(*) FILTER (WHERE o.n IS NULL OR a.n IS NULL) AS unmatched,
       bool_and((o.n, o.declined, o.defaults, o.selection_rate, o.tpr, o.fpr, o.default_rate,
                 o.n_pd, o.mean_pd, o.pd_default_rate, o.auc, o.worst, o.note)
                IS NOT DISTINCT FROM
                (a.n, a.declined, a.defaults, a.selection_rate, a.tpr, a.fpr, a.default_rate,
                 a.n_pd, a.mean_pd, a.pd_default_rate, a.auc, a.worst, a.note)) AS every_figure_identical,
       count(*) FILTER (WHERE o.tpr IS NULL AND a.tpr IS NULL) AS null_tpr_in_both
FROM (SELECT m.pseudonym, f.* FROM fair_owner_report, risk.fairness_groups(r) f
      JOIN fair_mapping m ON m.nationality = f.grp) o
FULL JOIN (SELECT f.* FROM fair_analyst_report, risk.fairness_groups(r) f) a ON a.grp = o.pseudonym;
-- every across-group figure, the bootstrap intervals included, bit for bit
SELECT (o.r).rows = (a.r).rows AND (o.r).rows_left_out = (a.r).rows_left_out AS rows_identical,
       ((o.r).demographic_parity_difference, (o.r).demographic_parity_ratio,
        (o.r).equalized_odds_difference, (o.r).equalized_odds_ratio, (o.r).equal_opportunity_difference)
       = ((a.r).demographic_parity_difference, (a.r).demographic_parity_ratio,
          (a.r).equalized_odds_difference, (a.r).equalized_odds_ratio, (a.r).equal_opportunity_difference)
           AS metrics_identical,
       ((o.r).demographic_parity_difference_lo, (o.r).demographic_parity_difference_hi,
        (o.r).demographic_parity_ratio_lo, (o.r).demographic_parity_ratio_hi,
        (o.r).equalized_odds_difference_lo, (o.r).equalized_odds_difference_hi,
        (o.r).equalized_odds_ratio_lo, (o.r).equalized_odds_ratio_hi,
        (o.r).equal_opportunity_difference_lo, (o.r).equal_opportunity_difference_hi)
       = ((a.r).demographic_parity_difference_lo, (a.r).demographic_parity_difference_hi,
          (a.r).demographic_parity_ratio_lo, (a.r).demographic_parity_ratio_hi,
          (a.r).equalized_odds_difference_lo, (a.r).equalized_odds_difference_hi,
          (a.r).equalized_odds_ratio_lo, (a.r).equalized_odds_ratio_hi,
          (a.r).equal_opportunity_difference_lo, (a.r).equal_opportunity_difference_hi)
           AS intervals_identical,
       ((o.r).n_boot, (o.r).level, (o.r).seed) = ((a.r).n_boot, (a.r).level, (a.r).seed) AS bootstrap_identical,
       (SELECT pseudonym FROM fair_mapping WHERE nationality = (o.r).worst_group) = (a.r).worst_group
           AS worst_is_pseudonym_of_worst,
       (o.r).worst_group AS real_worst
FROM fair_owner_report o, fair_analyst_report a;
-- the arrays hold the same figures in another order (by name, by
-- pseudonym): equal as multisets, and element by element through the map
SELECT (SELECT array_agg(x ORDER BY x) FROM unnest((o.r).selection_rate) x)
       = (SELECT array_agg(x ORDER BY x) FROM unnest((a.r).selection_rate) x) AS selection_rates_same_multiset,
       ARRAY(SELECT m.pseudonym FROM unnest((o.r).groups) WITH ORDINALITY g(grp, i)
             JOIN fair_mapping m ON m.nationality = g.grp ORDER BY m.pseudonym COLLATE "C")
       = (a.r).groups AS groups_map_one_to_one
FROM fair_owner_report o, fair_analyst_report a;
-- the intervals are computed on the groups' tables, not their names: a
-- renaming that reverses the name order gives the same intervals
SELECT (x.r).demographic_parity_ratio_lo = (o.r).demographic_parity_ratio_lo
       AND (x.r).equalized_odds_difference_hi = (o.r).equalized_odds_difference_hi
       AND (x.r).equal_opportunity_difference_lo = (o.r).equal_opportunity_difference_lo AS renamed_same_intervals,
       (x.r).worst_group AS renamed_worst
FROM fair_owner_report o,
     (SELECT risk.fairness(translate(nationality, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'ZYXWVUTSRQPONMLKJIHGFEDCBA'),
                           declined, defaulted, pd, '{"n_boot": 2000, "seed": 7}') AS r
      FROM fair_decisions) x;
RESET ROLE;

-- clean up
SET ROLE regress_fair_owner;
DROP TABLE fair_decisions CASCADE;
RESET ROLE;
DROP TABLE fair_owner_report, fair_analyst_report, fair_analyst_parallel, fair_mapping, fair_by_sql;
SELECT risk.revoke_levels(r) FROM unnest('{regress_fair_owner,regress_fair_analyst}'::regrole[]) r;
REVOKE CREATE ON SCHEMA public FROM regress_fair_owner;
DROP OWNED BY regress_fair_owner, regress_fair_analyst;
DROP ROLE regress_fair_owner, regress_fair_analyst;
