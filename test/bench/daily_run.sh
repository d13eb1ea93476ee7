#!/usr/bin/env bash
#
# daily_run.sh - the daily job of a bank's risk department, end to end, in
# the database with the risk extension and in Python (pandas, NumPy, SciPy,
# statsmodels, scikit-learn) on the same data, each step timed on both sides
# and checked to agree.
#
# Data (made here, seeded, once; both sides read the same tables):
#   customers: 1,000,000 at scale 1, 70% training and 30% holdout (a later
#     cohort whose debt ratios drifted up), 8 characteristics (age, income
#     with 8% NULL, debt ratio, delinquencies, utilisation with 25% NULL,
#     months on book, bureau score, a region index without relation to
#     default and 3% NULL), a default flag drawn from a logistic model of
#     them, and last year's grade;
#   returns: 1,000 portfolios x 2,520 days at scale 1, GARCH(1,1) with
#     Student t(6) innovations (fat tails, volatility clusters).
#
# The job (test/bench/daily_run.sql on our side, daily_run.py in Python):
#    1. WOE binning of the 8 characteristics on the training sample
#    2. WOE columns for every customer, into a table
#    3. logistic regression of the defaults on the 8 WOE columns (training)
#    4. scoring into a table: PD, points, grade on the master scale
#    5. validation on the holdout: AUC, KS, Hosmer-Lemeshow, Brier
#    6. per grade: customers, defaults, average PD, Jeffreys test
#    7. PSI of the points, training vs holdout
#    8. migration matrix from last year's grades
#    9. rolling 250-day VaR and ES at 99% for every portfolio and day
#   10. per portfolio the backtest of the last 250 days: exceptions, Kupiec,
#       Christoffersen, traffic light
#   11. per portfolio a GPD over its 95% loss quantile and the 99.9% POT VaR
#   12. per portfolio the GARCH(1,1) VaR at 99% of the next day
#   13. early warning: two watched materialized views (customers of grades 9
#       and 10, the portfolios' backtests) refreshed and their rules
#       evaluated, until the alerts are visible
# Each step of ours is timed next to its floor: the plain scan, sort or
# plain SQL that does the same work without the extension (named in the
# output), and next to the same step in Python.  Python reads the data
# once, timed apart.  Then the two sides' results are compared and printed
# as ok / MISMATCH lines (tolerances in daily_run.py); a mismatch makes the
# script exit non-zero.
#
# Run from the repository root:  bash test/bench/daily_run.sh [SCALE]
# SCALE (default 1) multiplies the customers (1,000,000) and the portfolios
# (1,000); the history is 2,520 days at any scale.  BENCH_SMOKE=1: 5,000
# customers, 20 portfolios x 600 days, in seconds (the ratios mean nothing),
# as scripts/test.sh runs it.
# As root on Debian 12 it installs what is missing (pandas, SciPy,
# statsmodels, scikit-learn, psycopg2), builds and installs the extension
# and runs the cluster as the postgres user; BENCH_NO_BUILD=1 measures what
# is installed.  As an ordinary user it builds and installs nothing: the
# extension must be installed, and without the Python packages the Python
# side is skipped with a note (and nothing is compared).  The cluster is a
# throwaway one (pg_virtualenv) with the risk library preloaded for the
# early-warning workers.
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

if [[ ${1:-} != --inner ]]; then
    SCALE=${1:-1}
    if ! [[ $SCALE =~ ^[0-9]*\.?[0-9]+$ ]] || awk -v s="$SCALE" 'BEGIN{exit !(s <= 0 || s > 100)}'; then
        echo "daily_run: SCALE must be a number above 0 and at most 100, got '$SCALE'" >&2
        exit 2
    fi
    bench_setup daily_run python3-numpy python3-pandas python3-scipy python3-statsmodels \
        python3-sklearn python3-psycopg2
    if bench_smoke; then SB=256MB; else SB=2GB; fi
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    as_user "$dir" "BENCH_SMOKE='${BENCH_SMOKE:-}' pg_virtualenv -v $PG_MAJOR -o shared_buffers=$SB -o work_mem=256MB -o max_parallel_workers_per_gather=2 -o shared_preload_libraries=risk -o risk.naptime=100ms -o max_worker_processes=16 bash test/bench/daily_run.sh --inner '$SCALE'" 2>&1 |
        grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
    exit 0
fi

# ---- inside the throwaway cluster, as its owner, in a copy of the tree ----
SCALE=${2:-1}
if bench_smoke; then
    N_CUST=5000 N_PF=20 N_DAYS=600
else
    N_CUST=$(awk -v s="$SCALE" 'BEGIN{printf "%d", 1000000 * s + 0.5}')
    N_PF=$(awk -v s="$SCALE" 'BEGIN{n = int(1000 * s + 0.5); printf "%d", n < 2 ? 2 : n}')
    N_DAYS=2520
fi
N_TRAIN=$(( N_CUST * 7 / 10 ))
if (( N_CUST < 2000 )); then
    echo "daily_run: at least 2,000 customers are needed, SCALE $SCALE gives $N_CUST" >&2
    exit 2
fi
PD_ALERT=0.5            # early warning: a customer of grade 9 or 10 with a PD above this
EXC_ALERT=5             # early warning: a portfolio with this many backtest exceptions (yellow)
W=$(pwd)/bench-work
mkdir -p "$W"
PY=/usr/bin/python3
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
HAVE_PY=; bench_have_py numpy pandas scipy.stats scipy.signal scipy.optimize statsmodels.api sklearn.metrics && HAVE_PY=1

psql_q -c "CREATE EXTENSION risk" >/dev/null
# what the job calls that older builds of 0.2.2 lack
missing=$(psql_q -c "SELECT string_agg(f, ', ') FROM unnest(ARRAY['risk.psi_scores(float8, boolean)',
                                                                'risk.gpd_fit_quantile(float8, float8)']) f
                     WHERE to_regprocedure(f) IS NULL")
if [[ -n $missing ]]; then
    echo "daily_run: the installed risk extension lacks $missing; install this tree's (as root: make && make install)" >&2
    exit 1
fi
if [[ $(psql_q -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'risk launcher'") != 1 ]]; then
    echo "daily_run: the risk library is not preloaded (no risk launcher)" >&2
    exit 1
fi

echo "== making data: $(commas $N_CUST) customers ($(commas $N_TRAIN) training) x 8 characteristics," \
     "$(commas $N_PF) portfolios x $(commas $N_DAYS) days"
t_data=$SECONDS
psql_q -v n="$N_CUST" -v n_train="$N_TRAIN" -v np="$N_PF" -v nd="$N_DAYS" <<'SQL'
SELECT setseed(0.1313) \g /dev/null
-- Customers.  Box-Muller pairs give the normals; rounding with float8
-- round(x * 100) / 100 gives the nearest double to the decimal, as the
-- text a bank's table would hold.  The last year's grade comes from the
-- true log-odds plus noise, on the bands of the shipped master scale.
CREATE TABLE customers AS
WITH d AS MATERIALIZED (
    SELECT id, random() AS u_age, random() AS u1, random() AS u2, random() AS u3, random() AS u4,
           random() AS u_inc, random() AS u_del, random() AS u_util, random() AS u_card,
           random() AS u_mob, random() AS u_reg, random() AS u_regm, random() AS u_def
    FROM generate_series(1, :n) AS id
), c AS (
    SELECT id, id > :n_train AS holdout,
           18 + floor(60 * u_age) AS x1,
           CASE WHEN u_inc < 0.08 THEN NULL
                ELSE round(100 * exp(1.0 + 0.5 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2))) / 100 END AS x2,
           round(100 * greatest(0, 0.35 + 0.15 * sqrt(-2 * ln(1 - u1)) * sin(2 * pi() * u2)
                                   + CASE WHEN id > :n_train THEN 0.03 ELSE 0 END)) / 100 AS x3,
           floor(ln(1 - u_del) / ln(0.3)) AS x4,
           CASE WHEN u_card < 0.25 THEN NULL ELSE round(1000 * u_util) / 1000 END AS x5,
           floor(1 + 240 * u_mob ^ 1.5) AS x6,
           round(650 + 80 * sqrt(-2 * ln(1 - u3)) * cos(2 * pi() * u4)) AS x7,
           CASE WHEN u_regm < 0.03 THEN NULL ELSE round(1000 * u_reg) / 10 END AS x8,
           sqrt(-2 * ln(1 - u3)) * sin(2 * pi() * u4) AS z_prev,
           u_def
    FROM d
), m AS (
    SELECT c.*,
           -3.0 + 0.03 * (40 - x1) + coalesce(-0.7 * ln(x2 / 2.7), 0.8) + 2.5 * (x3 - 0.35)
             + 0.6 * x4 + coalesce(1.4 * (x5 - 0.5), 0) - 0.004 * (x6 - 60) - 0.008 * (x7 - 650) AS lo
    FROM c
)
SELECT id::int AS id, holdout, x1, x2, x3, x4, x5, x6, x7, x8,
       u_def < 1 / (1 + exp(-lo)) AS bad,
       CASE WHEN lp < ln(0.0003 / 0.9997) THEN '1' WHEN lp < ln(0.001 / 0.999) THEN '2'
            WHEN lp < ln(0.0025 / 0.9975) THEN '3' WHEN lp < ln(0.005 / 0.995) THEN '4'
            WHEN lp < ln(0.01 / 0.99) THEN '5' WHEN lp < ln(0.02 / 0.98) THEN '6'
            WHEN lp < ln(0.05 / 0.95) THEN '7' WHEN lp < ln(0.1 / 0.9) THEN '8'
            WHEN lp < ln(0.2 / 0.8) THEN '9' ELSE '10' END AS grade_prev
FROM m, LATERAL (SELECT lo + 0.5 * z_prev AS lp) p;
ALTER TABLE customers ADD PRIMARY KEY (id);

-- Returns: GARCH(1,1), per portfolio its own volatility level and
-- parameters, Student t(6) innovations scaled to unit variance (drawn in
-- the select list, once per portfolio and day: an uncorrelated LATERAL
-- subquery would be drawn once per day for all portfolios), 250 days of
-- burn-in.
CREATE TABLE returns (portfolio int, day int, r float8, PRIMARY KEY (portfolio, day));
INSERT INTO returns
WITH RECURSIVE g(portfolio, day, z, h, omega, alpha, beta) AS (
    SELECT p, -249, 0::float8, s.sig ^ 2, s.sig ^ 2 * (1 - s.a - s.b), s.a, s.b
    FROM generate_series(1, :np) p,
         LATERAL (SELECT (0.006 + 0.012 * (p * 0.618034 - floor(p * 0.618034)))::float8 AS sig,
                         (0.05 + 0.05 * (p * 0.414214 - floor(p * 0.414214)))::float8 AS a,
                         (0.90 - 0.03 * (p * 0.732051 - floor(p * 0.732051)))::float8 AS b) s
    UNION ALL
    SELECT g.portfolio, g.day + 1,
           sqrt(v.h) * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
                     * sqrt(-2 / ln((1 - random()) * (1 - random()) * (1 - random()))),
           v.h, g.omega, g.alpha, g.beta
    FROM g, LATERAL (SELECT g.omega + g.alpha * g.z ^ 2 + g.beta * g.h AS h) v
    WHERE g.day < :nd
)
SELECT portfolio, day, 0.0003 + z FROM g WHERE day >= 1 ORDER BY portfolio, day;
VACUUM ANALYZE customers;
VACUUM ANALYZE returns;
SQL
psql_q <<SQL
SELECT format('  %s customers, %s defaults (%s%%), income missing %s, utilisation missing %s; %s returns, sd %s',
              count(*), count(*) FILTER (WHERE bad), round(100 * avg(bad::int), 2),
              count(*) - count(x2), count(*) - count(x5),
              (SELECT count(*) FROM returns), (SELECT round(stddev(r)::numeric, 5) FROM returns))
FROM customers;
SQL
echo "  ($((SECONDS - t_data)) s)"

# ---- the early warning's set-up, before the day: the tables the job
# fills, two materialized views over them with a unique index (refreshed
# CONCURRENTLY), watched once a day, a rule each.  Their first refresh (of
# the empty tables) is left to finish here.
psql_q -v pd_alert="$PD_ALERT" -v exc_alert="$EXC_ALERT" <<'SQL' >/dev/null
CREATE TABLE daily_times (ord serial, step text, side text, seconds float8);
CREATE PROCEDURE daily_mark(step text, side text, t0 timestamptz)
    LANGUAGE sql AS $$ INSERT INTO daily_times (step, side, seconds)
                       VALUES (step, side, extract(epoch FROM clock_timestamp() - t0)) $$;
-- wait until pred holds (a fresh snapshot per look), or raise after timeout_s
CREATE FUNCTION daily_wait(pred text, timeout_s float8, what text) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    ok boolean;
BEGIN
    LOOP
        EXECUTE 'SELECT ' || pred INTO ok;
        EXIT WHEN ok;
        IF clock_timestamp() - t0 > make_interval(secs => timeout_s) THEN
            RAISE EXCEPTION 'timed out after % s waiting for %', timeout_s, what;
        END IF;
        PERFORM pg_sleep(0.005);
    END LOOP;
END $$;
CREATE TABLE scored (id int, holdout boolean, bad boolean, grade_prev text,
                     pd float8, points float8, grade text);
CREATE TABLE backtest (portfolio int, days bigint, exceptions bigint, kupiec_lr float8, kupiec_p float8,
                       lr_ind float8, p_value_ind float8, lr_cc float8, p_value_cc float8,
                       zone text, plus_factor float8);
CREATE MATERIALIZED VIEW ew_customers AS
    SELECT id, pd, grade FROM scored WHERE grade IN ('9', '10');
CREATE UNIQUE INDEX ON ew_customers (id);
CREATE MATERIALIZED VIEW ew_portfolios AS
    SELECT portfolio, exceptions, zone, kupiec_p FROM backtest;
CREATE UNIQUE INDEX ON ew_portfolios (portfolio);
SELECT risk.watch('ew_customers', '1 day');
SELECT risk.watch('ew_portfolios', '1 day');
SELECT risk.add_rule('ew_customers', 'pd', '>', :pd_alert, severity => 'warning',
                     action => 'review the customer', key_columns => '{id}',
                     rule_name => 'PD above ' || :pd_alert);
SELECT risk.add_rule('ew_portfolios', 'exceptions', '>=', :exc_alert, severity => 'critical',
                     action => 'review the VaR model', key_columns => '{portfolio}',
                     rule_name => 'backtest outside the green zone');
SELECT daily_wait($$(SELECT count(*) = 2 FROM risk.refresh_history
                     WHERE view IN ('ew_customers'::regclass, 'ew_portfolios'::regclass)
                       AND outcome <> 'running')$$, 120, 'the first refresh of the views');
SQL

# Early warning: the synchronous call when the installed extension has it,
# otherwise risk.refresh_now and a wait for the workers' outcome.
if [[ $(psql_q -c "SELECT to_regprocedure('risk.refresh_and_evaluate(regclass)') IS NOT NULL") == t ]]; then
    EW_SYNC=on EW_HOW="risk.refresh_and_evaluate, in the job's session"
else
    EW_SYNC=off EW_HOW="risk.refresh_now, the workers refresh and evaluate"
fi

echo "== our daily run (test/bench/daily_run.sql), each step then its floor"
psql -X -q -At -v ON_ERROR_STOP=1 -v n_days="$N_DAYS" -v pd_alert="$PD_ALERT" -v exc_alert="$EXC_ALERT" \
     -v ew_sync="$EW_SYNC" -f test/bench/daily_run.sql > "$W/ours.log" 2>&1 ||
    { cat "$W/ours.log" >&2; echo "daily_run: our job failed" >&2; exit 1; }
grep -E '^  ' "$W/ours.log" || true
psql_q -F $'\t' -c "SELECT step, side, seconds FROM daily_times ORDER BY ord" > "$W/ours.tsv"

PEER_OK=1
if [[ -n $HAVE_PY ]]; then
    echo "== the same job in Python (test/bench/daily_run.py), then the comparison"
    set +e
    $PY test/bench/daily_run.py --n-days "$N_DAYS" --pd-alert "$PD_ALERT" --exc-alert "$EXC_ALERT" \
        --times "$W/peer.tsv"
    rc=$?
    set -e
    if (( rc != 0 )); then
        PEER_OK=
        if (( rc != 3 )); then echo "daily_run: the Python side failed (exit $rc)" >&2; exit 1; fi
    fi
else
    : > "$W/peer.tsv"
fi

echo
echo "== The daily run: $(commas $N_CUST) customers x 8 characteristics, $(commas $N_PF) portfolios x $(commas $N_DAYS) days"
echo "   (seconds; /floor = ours / its floor; Py/ours = Python / ours, above 1: ours is faster)"
awk -F'\t' -v have_py="$HAVE_PY" -v ew_how="$EW_HOW" '
FNR == NR { if ($2 == "ours") { ours[$1] = $3; order[++n] = $1 } else if ($2 == "floor") fl[$1] = $3; next }
          { py[$1] = $2 }
END {
    label["woe_bins"]      = "WOE binning, 8 characteristics";
    label["woe_columns"]   = "WOE columns, every customer";
    label["logit_fit"]     = "logistic fit on the 8 WOE columns";
    label["scoring"]       = "scoring: PD, points, grade";
    label["validation"]    = "AUC, KS, Hosmer-Lemeshow, Brier";
    label["grade_tests"]   = "per grade n, defaults, Jeffreys";
    label["psi"]           = "PSI of the points, train vs holdout";
    label["migration"]     = "migration matrix";
    label["rolling_var"]   = "rolling 250-day VaR and ES, every day";
    label["backtest"]      = "backtest of the last 250 days";
    label["gpd"]           = "GPD over the 95% quantile, 99.9% VaR";
    label["garch"]         = "GARCH(1,1) VaR";
    label["early_warning"] = "early warning: 2 views, rules, alerts";
    fdesc["woe_bins"]      = "8 x percentile_disc: a sort of each characteristic";
    fdesc["woe_columns"]   = "the same table with a CASE per characteristic";
    fdesc["logit_fit"]     = "a scan building the same arrays";
    fdesc["scoring"]       = "plain SQL: PD, points, join with risk.master_scale";
    fdesc["validation"]    = "a sort of the holdout PDs";
    fdesc["grade_tests"]   = "the same GROUP BY without the test";
    fdesc["psi"]           = "plain SQL: percentile_cont edges, width_bucket, psi";
    fdesc["migration"]     = "GROUP BY grade_prev, grade";
    fdesc["rolling_var"]   = "the same table with count(r), count(*) OVER w";
    fdesc["backtest"]      = "the same query counting r < -var_prev only";
    fdesc["gpd"]           = "percentile_cont(0.95) per portfolio";
    fdesc["garch"]         = "array_agg(r ORDER BY day) per portfolio";
    fdesc["early_warning"] = "REFRESH CONCURRENTLY x 2 + INSERT ... SELECT of the breaches";
    printf "  %-40s %8s %8s %7s %9s %8s   %s\n", "step", "ours", "floor", "/floor", "Python", "Py/ours", "floor";
    for (i = 1; i <= n; i++) {
        s = order[i]; to += ours[s];
        f = (s in fl) ? sprintf("%8.2f %7.2f", fl[s], ours[s] / fl[s]) : sprintf("%8s %7s", "-", "-");
        p = (s in py) ? sprintf("%9.2f %8.2f", py[s], py[s] / ours[s]) : sprintf("%9s %8s", "-", "-");
        if (s in py) tp += py[s];
        printf "  %2d %-37s %8.2f %s %s   %s\n", i, label[s], ours[s], f, p, fdesc[s];
    }
    if (tp > 0)
        printf "  %-40s %8.2f %16s %9.2f %8.2f\n", "total", to, "", tp, tp / to;
    else
        printf "  %-40s %8.2f\n", "total", to;
    if ("read" in py) printf "  Python read the data once in %.2f s (%s), not in its total\n", py["read"], py["read_how"];
    printf "  early warning: %s\n", ew_how;
}' "$W/ours.tsv" "$W/peer.tsv"
if [[ -z $HAVE_PY ]]; then
    bench_skip "the Python pipeline (and the comparison)" \
        "python3-numpy python3-pandas python3-scipy python3-statsmodels python3-sklearn"
fi
if [[ -z $PEER_OK ]]; then
    echo "daily_run: the two sides disagree (MISMATCH above)" >&2
    exit 3
fi
