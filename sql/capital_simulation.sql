--
-- The simulated loss distribution of a loan book (risk.credit_var,
-- risk.credit_var_contributions), one-factor Gaussian copula:
--   1. a homogeneous book of 1,000 loans and one of 20,000 against the
--      exact finite-book distribution (the binomial mixture over the factor,
--      integrated numerically in test/data/capital_simulation_reference.py):
--      mean loss vs the analytic EL within 4 standard errors; VaR and ES
--      within 4 standard errors (plus one loss step, 450 and 20, for VaR,
--      a quantile of a lattice distribution) at 0.99 and 0.999, with plain
--      sampling and with importance sampling; the Vasicek large-portfolio
--      limit next to them;
--   2. importance sampling agrees with plain sampling and has a smaller
--      standard error at 0.999;
--   3. Euler contributions add up to ES; the contributions aggregate gives
--      the same VaR and ES as risk.credit_var;
--   4. the same seed gives the same answer, in any row order and in
--      parallel;
--   5. the multi-factor model: one sector is the one-factor model; two
--      independent sectors against the exact distribution (a convolution);
--      parallel = serial; matrices that are not positive definite or not
--      correlation matrices are errors naming them;
--   6. a beta LGD (option lgd_sd) against the exact beta quantile and tail
--      mean of a one-loan book;
--   7. bad input with its SQLSTATE.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set ref_csv :abs_srcdir '/test/data/capital_simulation_reference.csv'

CREATE TABLE sim_ref (book text, loans int, pd float8, lgd float8, ead float8, rho float8, level float8,
                      total_mass float8, mean_loss float8, var float8, es float8, vasicek_limit float8);
COPY sim_ref FROM :'ref_csv' (FORMAT csv, HEADER);
SELECT book, level, round(var::numeric, 4) AS var, round(es::numeric, 4) AS es, round(vasicek_limit::numeric, 2) AS vasicek_limit,
       abs(total_mass - 1) < 1e-9 AS mass_ok FROM sim_ref ORDER BY book, level;

CREATE TABLE sim_books (book text, loan int, pd float8, lgd float8, ead float8, rho float8);
INSERT INTO sim_books
SELECT r.book, g, r.pd, r.lgd, r.ead, r.rho
FROM (SELECT DISTINCT book, loans, pd, lgd, ead, rho FROM sim_ref WHERE book IN ('homogeneous', 'large')) r,
     generate_series(1, r.loans) g;
SELECT book, count(*) FROM sim_books GROUP BY book ORDER BY book;

-- 1. against the exact finite-book distribution, plain (shift 0) and IS (automatic shift)
CREATE TEMP TABLE sim_runs AS
SELECT r.book, r.level, m.method, r.mean_loss AS ref_mean, r.var AS ref_var, r.es AS ref_es,
       r.vasicek_limit, r.lgd * r.ead AS step,
       (SELECT risk.credit_var(pd, lgd, ead, rho,
                 jsonb_build_object('scenarios', 200000, 'seed', 7, 'level', r.level)
                 || CASE m.method WHEN 'plain' THEN '{"shift": 0}'::jsonb ELSE '{}'::jsonb END)
          FROM sim_books b WHERE b.book = r.book) AS c
FROM sim_ref r, (VALUES ('plain'), ('importance')) m(method) WHERE r.book IN ('homogeneous', 'large');
SELECT book, level, method, (c).groups, round((c).shift::numeric, 4) AS shift,
       abs((c).mean_loss - (c).expected_loss) <= 4 * (c).mean_loss_se AS mean_ok,
       relerr((c).expected_loss, ref_mean) < 1e-12 AS el_ok,
       abs((c).var - ref_var) <= 4 * (c).var_se + step AS var_ok,
       abs((c).es - ref_es) <= 4 * (c).es_se AS es_ok,
       round((((c).es - ref_es) / nullif((c).es_se, 0))::numeric, 1) AS es_z
FROM sim_runs ORDER BY book, level, method;

-- the Vasicek limit: close for the 20,000 loans (within 4 standard errors
-- plus a step); for the 1,000 loans the finite-book effect shows (the exact
-- VaR at 0.999 is 50400, the limit 49619), and a precise estimate (IS) of
-- the finite book is farther from the limit than 4 standard errors
SELECT book, level, method, round(((c).var - vasicek_limit)::numeric, 1) AS var_minus_limit,
       abs((c).var - vasicek_limit) <= 4 * (c).var_se + step AS within
FROM sim_runs ORDER BY book, level, method;

-- 2. importance sampling vs plain at 0.999: agreement within 4 combined
--    standard errors, and smaller standard errors
SELECT p.book,
       abs((p.c).var - (i.c).var) <= 4 * sqrt((p.c).var_se ^ 2 + (i.c).var_se ^ 2) + p.step AS var_agree,
       abs((p.c).es - (i.c).es) <= 4 * sqrt((p.c).es_se ^ 2 + (i.c).es_se ^ 2) AS es_agree,
       (i.c).es_se < (p.c).es_se AS es_se_smaller,
       round(((p.c).es_se / (i.c).es_se)::numeric, 1) AS es_se_ratio,
       (i.c).var_se <= (p.c).var_se AS var_se_not_larger,
       (p.c).tail_scenarios AS plain_tail, (i.c).tail_scenarios AS is_tail
FROM sim_runs p JOIN sim_runs i USING (book, level)
WHERE p.method = 'plain' AND i.method = 'importance' AND p.level = 0.999 ORDER BY p.book;

-- 3. a mixed book: 300 loans, 4 rating grades, 3 correlations, some equal
CREATE TABLE sim_mixed (loan bigint, pd float8, lgd float8, ead float8, rho float8)
    WITH (parallel_workers = 2);
INSERT INTO sim_mixed
SELECT g, (ARRAY[0.002, 0.01, 0.03, 0.08])[1 + g % 4], (ARRAY[0.25, 0.45, 0.6])[1 + g % 3],
       CASE WHEN g % 5 = 0 THEN 1000 ELSE 100 + (g * 37) % 900 END,
       (ARRAY[0.08, 0.12, 0.2])[1 + (g / 7) % 3]
FROM generate_series(1, 300) g;
CREATE TEMP TABLE sim_m AS
SELECT (SELECT risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 50000, "seed": 3}') FROM sim_mixed) AS c,
       (SELECT risk.credit_var_contributions(loan, pd, lgd, ead, rho, '{"scenarios": 50000, "seed": 3}')
          FROM sim_mixed) AS k;
SELECT (c).loans, (c).groups, (c).scenarios, (c).level, round((c).expected_loss::numeric, 4) AS el,
       abs((c).mean_loss - (c).expected_loss) <= 4 * (c).mean_loss_se AS mean_ok,
       (k).var = (c).var AS same_var, (k).es = (c).es AS same_es,
       cardinality((k).exposure_id) AS n,
       (SELECT relerr(sum(x), (c).es) < 1e-12 FROM unnest((k).es_contribution) x) AS contributions_add_up,
       (SELECT bool_and(x >= 0) FROM unnest((k).es_contribution) x) AS nonnegative,
       (SELECT array_agg(i ORDER BY o) = (SELECT array_agg(loan ORDER BY loan) FROM sim_mixed)
          FROM unnest((k).exposure_id) WITH ORDINALITY u(i, o)) AS sorted_ids
FROM sim_m;
-- loans with equal parameters get equal contributions; each contribution at most its LGD x EAD
SELECT bool_and(cnt = 1 OR lo = hi) AS equal_loans_equal_share, bool_and(hi <= amount * (1 + 1e-12)) AS bounded
FROM (SELECT m.pd, m.lgd, m.ead, m.rho, m.lgd * m.ead AS amount, count(*) AS cnt, min(x) AS lo, max(x) AS hi
      FROM sim_m, unnest((k).exposure_id, (k).es_contribution) u(id, x) JOIN sim_mixed m ON m.loan = u.id
      GROUP BY 1, 2, 3, 4) s;

-- 4. the same seed, the same answer: in another row order, and in parallel;
--    another seed, another answer
SELECT (SELECT risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 50000, "seed": 3}')
          FROM (SELECT * FROM sim_mixed ORDER BY loan DESC) s) = (c) AS order_free,
       (SELECT risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 50000, "seed": 4}') FROM sim_mixed) <> (c)
           AS other_seed_differs
FROM sim_m;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT risk.credit_var(pd, lgd, ead, rho) FROM sim_mixed;
CREATE TEMP TABLE sim_par AS
SELECT (SELECT risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 50000, "seed": 3}') FROM sim_mixed) AS c,
       (SELECT risk.credit_var_contributions(loan, pd, lgd, ead, rho, '{"scenarios": 50000, "seed": 3}')
          FROM sim_mixed) AS k;
RESET ALL;
SELECT p.c = s.c AS parallel_equals_serial, p.k = s.k AS contributions_equal FROM sim_par p, sim_m s;

-- defaults (100,000 scenarios, seed 1, level 0.999, automatic shift); no rows: NULL
SELECT (c).scenarios, (c).level, round((c).shift::numeric, 6) AS shift,
       round((c).shift::numeric, 6) = round(-3.090232306167813::numeric, 6) AS shift_is_quantile
FROM (SELECT risk.credit_var(pd, lgd, ead, rho) AS c FROM sim_mixed) s;
SELECT risk.credit_var(pd, lgd, ead, rho) IS NULL AS empty_is_null FROM sim_mixed WHERE false;
-- PD 1 and PD 0: the loss is certain
SELECT (c).var, (c).es, (c).mean_loss, (c).expected_loss
FROM (SELECT risk.credit_var(pd, 0.5, 100, 0.2, '{"scenarios": 1000, "shift": 0}') AS c
      FROM (VALUES (1.0), (0.0), (1.0)) v(pd)) s;

-- 5. the multi-factor model (risk.credit_var_multifactor)
-- one sector with loading sqrt(rho) is the one-factor model: the same scenarios
SELECT (m).var = (c).var AS same_var, relerr((m).es, (c).es) < 1e-12 AS same_es,
       relerr((m).mean_loss, (c).mean_loss) < 1e-12 AS same_mean, (m).groups = (c).groups AS same_groups
FROM sim_m, (SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, sqrt(rho),
                 '{"scenarios": 50000, "seed": 3, "correlation": [[1]]}') AS m FROM sim_mixed) s;
-- two sectors with independent factors, 500 loans each: against the exact
-- distribution (the convolution of two homogeneous books' distributions)
CREATE TABLE sim_two (loan int, pd float8, lgd float8, ead float8, sector int, loading float8)
    WITH (parallel_workers = 2);
INSERT INTO sim_two SELECT g, 0.01, 0.45, 1000, 1 + g % 2, sqrt(0.15) FROM generate_series(1, 1000) g;
CREATE TEMP TABLE sim_two_runs AS
SELECT r.level, m.method, r.mean_loss AS ref_mean, r.var AS ref_var, r.es AS ref_es,
       (SELECT risk.credit_var_multifactor(pd, lgd, ead, sector, loading,
                 jsonb_build_object('scenarios', 200000, 'seed', 9, 'level', r.level,
                                    'correlation', '[[1, 0], [0, 1]]'::jsonb)
                 || CASE m.method WHEN 'plain' THEN '{"shift": 0}'::jsonb ELSE '{}'::jsonb END)
          FROM sim_two) AS c
FROM sim_ref r, (VALUES ('plain'), ('importance')) m(method) WHERE r.book = 'two_sectors';
SELECT level, method, (c).groups, round((c).shift::numeric, 4) AS shift,
       abs((c).mean_loss - (c).expected_loss) <= 4 * (c).mean_loss_se AS mean_ok,
       relerr((c).expected_loss, ref_mean) < 1e-12 AS el_ok,
       abs((c).var - ref_var) <= 4 * (c).var_se + 450 AS var_ok,
       abs((c).es - ref_es) <= 4 * (c).es_se AS es_ok,
       round((((c).es - ref_es) / nullif((c).es_se, 0))::numeric, 1) AS es_z
FROM sim_two_runs ORDER BY level, method;
-- the correlation of the sectors raises ES: independent < 0.5 < one sector
SELECT e0 < e5 AND e5 < e1 AS es_rises_with_correlation
FROM (SELECT (SELECT (risk.credit_var_multifactor(pd, lgd, ead, sector, loading,
                 '{"scenarios": 100000, "correlation": [[1, 0], [0, 1]]}')).es FROM sim_two) AS e0,
             (SELECT (risk.credit_var_multifactor(pd, lgd, ead, sector, loading,
                 '{"scenarios": 100000, "correlation": [[1, 0.5], [0.5, 1]]}')).es FROM sim_two) AS e5,
             (SELECT (risk.credit_var_multifactor(pd, lgd, ead, 1, loading,
                 '{"scenarios": 100000, "correlation": [[1]]}')).es FROM sim_two) AS e1) s;
-- parallel = serial
CREATE TEMP TABLE sim_two_serial AS
SELECT risk.credit_var_multifactor(pd, lgd, ead, sector, loading,
         '{"scenarios": 20000, "correlation": [[1, 0.3], [0.3, 1]]}') AS c FROM sim_two;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT risk.credit_var_multifactor(pd, lgd, ead, sector, loading, '{"correlation": [[1]]}') FROM sim_two;
CREATE TEMP TABLE sim_two_par AS
SELECT risk.credit_var_multifactor(pd, lgd, ead, sector, loading,
         '{"scenarios": 20000, "correlation": [[1, 0.3], [0.3, 1]]}') AS c FROM sim_two;
RESET ALL;
SELECT p.c = s.c AS parallel_equals_serial FROM sim_two_par p, sim_two_serial s;
-- bad correlation matrices and sectors
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, loading, '{}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, loading, '{"correlation": [[1, 0.9, 0.9], [0.9, 1, 0], [0.9, 0, 1]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, loading, '{"correlation": [[1, 1], [1, 1]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, loading, '{"correlation": [[1, 0.2], [0.3, 1]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, loading, '{"correlation": [[2]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, loading, '{"correlation": [[1, 0], [0]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, loading, '{"correlation": [[1, "x"], [0, 1]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, loading, '{"correlation": 1}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 3, loading, '{"correlation": [[1, 0], [0, 1]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 0, loading, '{"correlation": [[1]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, NULL, loading, '{"correlation": [[1]]}') FROM sim_two$$);
SELECT try($$SELECT risk.credit_var_multifactor(pd, lgd, ead, 1, 1.0, '{"correlation": [[1]]}') FROM sim_two$$);

-- 6. beta LGD (option lgd_sd): one loan, PD 0.5, rho 0, EAD 1, LGD beta of
--    mean 0.45 and standard deviation 0.2: VaR the beta quantile at
--    1 - 2 (1 - level), ES the beta tail mean (test/data), within 4
--    standard errors; and the mean of a book with a beta LGD
SELECT r.level, round(r.var::numeric, 6) AS ref_var, round(r.es::numeric, 6) AS ref_es,
       abs((c).var - r.var) <= 4 * (c).var_se AS var_ok, abs((c).es - r.es) <= 4 * (c).es_se AS es_ok,
       abs((c).mean_loss - 0.225) <= 4 * (c).mean_loss_se AS mean_ok,
       (c).var_se < 0.01 AND (c).es_se < 0.01 AS precise
FROM sim_ref r,
     LATERAL (SELECT risk.credit_var(pd, lgd, ead, rho,
                jsonb_build_object('scenarios', 400000, 'seed', 5, 'level', r.level, 'shift', 0, 'lgd_sd', 0.2)) AS c
              FROM (VALUES (0.5::float8, 0.45::float8, 1::float8, 0::float8)) v(pd, lgd, ead, rho)) s
WHERE r.book = 'beta_lgd' ORDER BY r.level;
SELECT abs((c).mean_loss - (c).expected_loss) <= 4 * (c).mean_loss_se AS mean_ok,
       (c).es > (f).es AS beta_lgd_raises_es
FROM (SELECT risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 50000, "seed": 3, "shift": 0, "lgd_sd": 0.25}') AS c,
             risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 50000, "seed": 3, "shift": 0}') AS f
      FROM sim_mixed) s;
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"lgd_sd": 0.45}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"lgd_sd": -0.1}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(0.1, 1, 100, 0.1, '{"lgd_sd": 0.1}')$$);

-- 7. bad input: an error with its SQLSTATE and the offending value
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 100}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 1e12}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"scenarios": 1000.5}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"seed": 0}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"level": 0.001}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"level": 1}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"shift": 50}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"shift": "auto"}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '{"colour": 1}') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, '[1]') FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(pd, lgd, ead, rho, jsonb_build_object('seed', loan % 2 + 1)) FROM sim_mixed$$);
SELECT try($$SELECT risk.credit_var(NULL, 0.5, 100, 0.1)$$);
SELECT try($$SELECT risk.credit_var(12, 0.5, 100, 0.1)$$);
SELECT try($$SELECT risk.credit_var('NaN', 0.5, 100, 0.1)$$);
SELECT try($$SELECT risk.credit_var(0.1, 1.5, 100, 0.1)$$);
SELECT try($$SELECT risk.credit_var(0.1, 0.5, '-Infinity', 0.1)$$);
SELECT try($$SELECT risk.credit_var(0.1, 0.5, 100, 1)$$);
SELECT try($$SELECT risk.credit_var(0.1, 0.5, 100, -0.2)$$);
SELECT try($$SELECT risk.credit_var_contributions(NULL, 0.1, 0.5, 100, 0.1, NULL)$$);
