--
-- Parallel query: partial aggregation in workers, combined by the leader,
-- must give the serial answer.
--
CREATE TABLE pdata AS
SELECT g % 8 AS portfolio, g AS day,
       ((g * 2654435761::bigint) % 1000003 - 500001)::float8 / 1e7
         + CASE WHEN g % 997 = 0 THEN -0.2 ELSE 0 END AS r
FROM generate_series(1, 200000) g;
ANALYZE pdata;

CREATE TEMP TABLE serial_result AS
SELECT portfolio,
       risk.var_historical(r, 0.99) AS vh, risk.es_historical(r, 0.99) AS eh,
       risk.var_gaussian(r, 0.99) AS vg, risk.es_gaussian(r, 0.99) AS eg,
       risk.var_modified(r, 0.99) AS vm, risk.es_modified(r, 0.99) AS em,
       risk.moments(r) AS mo,
       risk.var_ewma(r, 0.99 ORDER BY day) AS ve
FROM pdata GROUP BY portfolio;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- the plan has partial aggregates below a Gather
EXPLAIN (COSTS OFF)
SELECT portfolio, risk.var_historical(r, 0.99), risk.var_gaussian(r, 0.99)
FROM pdata GROUP BY portfolio;

CREATE TEMP TABLE parallel_result AS
SELECT portfolio,
       risk.var_historical(r, 0.99) AS vh, risk.es_historical(r, 0.99) AS eh,
       risk.var_gaussian(r, 0.99) AS vg, risk.es_gaussian(r, 0.99) AS eg,
       risk.var_modified(r, 0.99) AS vm, risk.es_modified(r, 0.99) AS em,
       risk.moments(r) AS mo,
       risk.var_ewma(r, 0.99 ORDER BY day) AS ve
FROM pdata GROUP BY portfolio;

SELECT count(*) AS groups,
       bool_and(s.vh = p.vh) AS var_historical_exact,
       bool_and(relerr(p.eh, s.eh) < 1e-13) AS es_historical,
       bool_and(relerr(p.vg, s.vg) < 1e-12) AS var_gaussian,
       bool_and(relerr(p.eg, s.eg) < 1e-12) AS es_gaussian,
       bool_and(relerr(p.vm, s.vm) < 1e-12) AS var_modified,
       bool_and(relerr(p.em, s.em) < 1e-12) AS es_modified,
       bool_and((p.mo).n = (s.mo).n AND (p.mo).min = (s.mo).min AND (p.mo).max = (s.mo).max
                AND relerr((p.mo).sd, (s.mo).sd) < 1e-12
                AND relerr((p.mo).skewness, (s.mo).skewness) < 1e-10
                AND relerr((p.mo).kurtosis, (s.mo).kurtosis) < 1e-10) AS moments,
       bool_and(p.ve = s.ve) AS var_ewma
FROM serial_result s JOIN parallel_result p USING (portfolio);

-- whole table, no GROUP BY
EXPLAIN (COSTS OFF) SELECT risk.var_historical(r, 0.99) FROM pdata;
SELECT abs(risk.var_historical(r, 0.99)
           + (SELECT percentile_cont(0.01) WITHIN GROUP (ORDER BY r) FROM pdata)) < 1e-15
       AS matches_percentile_cont
FROM pdata;

-- force the whole plan into a worker: order-dependent aggregates too
SET force_parallel_mode = on;
SELECT count(*) AS groups,
       bool_and(p.ve = s.ve) AS var_ewma_in_worker,
       bool_and(p.vh = s.vh) AS var_historical_in_worker
FROM serial_result s
JOIN (SELECT portfolio, risk.var_ewma(r, 0.99 ORDER BY day) AS ve,
             risk.var_historical(r, 0.99) AS vh
      FROM pdata GROUP BY portfolio) p USING (portfolio);
RESET ALL;
