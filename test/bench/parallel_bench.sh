#!/usr/bin/env bash
#
# parallel_bench.sh - parallel-query speed-ups of the aggregates of the risk
# extension that have a combine function, measured in one run:
#
#   Market risk, 10,000,000 returns (one group: the whole table):
#     risk.var_historical, risk.es_historical, risk.var_gaussian,
#     risk.moments, risk.var_modified; next to them two plain-SQL peers for
#     scale: percentile_disc(0.01) WITHIN GROUP (ORDER BY r), an ordered-set
#     aggregate that has no partial mode, and the Gaussian VaR from avg and
#     stddev_pop, built-in aggregates that run in parallel.
#   Grouped: risk.var_historical GROUP BY portfolio, 300 portfolios over the
#     same 10,000,000 returns (each worker holds a partial state of every
#     portfolio).
#   Tail and operational risk, 5,000,000 losses: risk.gpd_fit over the 90%
#     quantile (500,000 excesses), risk.hill with k = 10,000,
#     risk.severity_fit (lognormal).
#   Credit, 10,000,000 scored loans: risk.auc, risk.ks,
#     risk.hosmer_lemeshow; 1,000,000 loans x 5 features: risk.logit_fit,
#     risk.woe_bins.
#
# Not timed: es_gaussian and es_modified (the state of var_gaussian and
# var_modified), gini (the state of auc), brier, gev_fit, mean_excess,
# frequency_fit and logit_step; the list of aggregates with and without a
# combine function is printed from pg_aggregate at the start.
#
# Each query is timed with psql's \timing, each run in a fresh session,
# serial (max_parallel_workers_per_gather = 0) and with 1 and 2 workers
# (parallel_setup_cost, parallel_tuple_cost and min_parallel_table_scan_size
# at 0, so that the planner takes the parallel plan wherever one exists; the
# leader takes part in the scan).  Best of 3 (of 2 for the slow ones), the
# three settings taken in turn so that a slow spell of the machine hits all
# alike.  Then, for each query, EXPLAIN with 1 worker and EXPLAIN ANALYZE
# with 2 workers (untimed) say whether the plan aggregates in the workers
# (Gather + Partial Aggregate) and how many workers were launched, and the
# serial answer is compared with both parallel ones: exactly, or else the
# largest relative difference over the numbers of the result (the workers
# see the rows in another order, so sums of floating-point values may round
# differently).  With 2 cores, 2 workers plus the leader share 2 cores: the
# ideal speed-up is 2 at best, less the serial part (the final function runs
# once, in the leader, on the combined state).  Prints a table and exits 0
# whatever the speed-ups, non-zero when a query fails.
#
# Run from the repository root:  bash test/bench/parallel_bench.sh
# As root on Debian 12 it installs what is missing, builds and installs the
# extension and runs the cluster as the postgres user; BENCH_NO_BUILD=1
# measures what is installed.  As an ordinary user it builds and installs
# nothing: the extension must be installed.  BENCH_REPS (default 3) sets
# the runs per query and setting.  It takes about 6 minutes on 2 cores and
# needs about 4 GB of memory and 3 GB of disk.  BENCH_SMOKE=1: a hundredth
# of the rows, one run each, shared_buffers = 256MB (seconds; the speed-ups
# mean nothing), as scripts/test.sh runs it.
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

if bench_smoke; then REPS=${BENCH_REPS:-1}; else REPS=${BENCH_REPS:-3}; fi
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "parallel_bench: BENCH_REPS must be a positive integer" >&2; exit 1; }

if [[ ${1:-} != --inner ]]; then
    bench_setup parallel_bench
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    sb=2GB; bench_smoke && sb=256MB
    as_user "$dir" "BENCH_SMOKE='${BENCH_SMOKE:-}' BENCH_REPS=$REPS pg_virtualenv -v $PG_MAJOR -o shared_buffers=$sb -o work_mem=512MB -o max_parallel_workers_per_gather=2 -o max_parallel_workers=8 -o max_worker_processes=8 -o jit=off -o autovacuum=off -o fsync=off -o synchronous_commit=off -o full_page_writes=off -o max_wal_size=8GB bash test/bench/parallel_bench.sh --inner" 2>&1 |
        grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
    exit 0
fi

# ---- inside the throwaway cluster, as its owner, in a copy of the tree ----
START_SECONDS=$SECONDS
SLOW_REPS=$(( REPS < 2 ? REPS : 2 ))
if bench_smoke; then
    N_RETURNS=100000 N_PORTFOLIOS=30 N_LOSSES=50000 N_SCORES=100000 N_LOANS=10000 HILL_K=100
    SB=256MB
else
    N_RETURNS=10000000 N_PORTFOLIOS=300 N_LOSSES=5000000 N_SCORES=10000000 N_LOANS=1000000 HILL_K=10000
    SB=2GB
fi
# size N: 10000000 -> 10M, 500000 -> 500k
size() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%gM", n / 1e6; else if (n >= 1e3) printf "%gk", n / 1e3; else print n }'; }
NR=$(size $N_RETURNS) NL=$(size $N_LOSSES) NS=$(size $N_SCORES) NN=$(size $N_LOANS)
MODES=(0 1 2)
PARALLEL_SETTINGS=(
    "SET parallel_setup_cost = 0;"
    "SET parallel_tuple_cost = 0;"
    "SET min_parallel_table_scan_size = 0;"
    "SET min_parallel_index_scan_size = 0;"
)

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

declare -A T R FAILED   # T[case_w]: best ms; R[case_w]: result row of the last run
ERRORS=()

# run_once KEY WORKERS SQL: one run in a fresh session; T[KEY] keeps the best.
run_once() {
    local key=$1 w=$2 q=$3 out t
    [[ -n ${FAILED[$key]:-} ]] && return 0
    if ! out=$(printf '%s\n' "SET max_parallel_workers_per_gather = $w;" "${PARALLEL_SETTINGS[@]}" \
                   '\timing on' "$q;" | psql_q 2>&1); then
        FAILED[$key]=1
        T[$key]=
        R[$key]=
        ERRORS+=("$key: $(grep -m1 -E 'ERROR|FATAL|PANIC|server closed' <<<"$out" || tail -n1 <<<"$out")")
        return 0
    fi
    t=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n1)
    if [[ -z ${T[$key]:-} ]] || awk -v a="$t" -v b="${T[$key]}" 'BEGIN { exit !(a + 0 < b + 0) }'; then
        T[$key]=$t
    fi
    R[$key]=$(grep -v '^Time: ' <<<"$out" | tail -n1 || true)
}

# plan_of WORKERS SQL [analyze]: the EXPLAIN text under the same settings.
plan_of() {
    local opts="COSTS OFF"
    [[ ${3:-} == analyze ]] && opts="ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF"
    printf '%s\n' "SET max_parallel_workers_per_gather = $1;" "${PARALLEL_SETTINGS[@]}" \
        "EXPLAIN ($opts) $2;" | psql_q 2>&1 || true
}

# plan_nodes PLAN: the node names top down, "A <- B <- C".
plan_nodes() {
    sed -nE '1p; /->/p' <<<"$1" | sed -E 's/^ *(-> *)?//; s/ *\(actual .*//; s/ on public\./ on /' |
        paste -sd '|' - | sed 's/|/ <- /g'
}

# is_partial PLAN: does the plan aggregate in the workers?
is_partial() {
    grep -q 'Gather' <<<"$1" && grep -qE 'Partial (Aggregate|HashAggregate|GroupAggregate|MixedAggregate)' <<<"$1"
}

# compare SERIAL PARALLEL -> "exact" | "rel|D|A|B" (largest relative difference
# D, between the numbers A and B) | "diff|A|B" (some part is not a number or
# the shapes differ) | "n/a".
compare() {
    if [[ -z $1 || -z $2 ]]; then echo n/a; return; fi
    if [[ $1 == "$2" ]]; then echo exact; return; fi
    awk -v a="$1" -v b="$2" '
        function isnum(s) { return s ~ /^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
        BEGIN {
            na = split(a, x, /[(){}|,"]+/); nb = split(b, y, /[(){}|,"]+/)
            if (na != nb) { print "diff|" substr(a, 1, 40) "|" substr(b, 1, 40); exit }
            best = -1
            for (i = 1; i <= na; i++) {
                if (x[i] == y[i]) continue
                if (!isnum(x[i]) || !isnum(y[i])) { print "diff|" x[i] "|" y[i]; exit }
                u = x[i] + 0; v = y[i] + 0
                m = (u < 0 ? -u : u); n = (v < 0 ? -v : v); if (n > m) m = n
                d = u - v; if (d < 0) d = -d
                r = (m > 0 ? d / m : 0)
                if (r > best) { best = r; ba = x[i]; bb = y[i] }
            }
            if (best < 0) print "exact"; else printf "rel|%.1e|%s|%s\n", best, ba, bb
        }'
}

sec() { if [[ -z ${1:-} ]]; then echo failed; else awk -v t="$1" 'BEGIN { printf "%.2f", t / 1000 }'; fi; }
ratio() {
    if [[ -z ${1:-} || -z ${2:-} ]]; then echo n/a; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}
workers() { if (( $1 == 0 )); then echo serial; elif (( $1 == 1 )); then echo "1 worker"; else echo "$1 workers"; fi; }
short() { local s=$1; (( ${#s} > 90 )) && s="${s:0:87}..."; printf '%s' "$s"; }

SUMMARY=()
NOT_PARALLEL=()
SLOWER=()
DIFFERENT=()

# bench NAME LABEL REPS SQL: time SQL serial and with 1 and 2 workers, check
# the plans and the answers, print a block and add a summary row.
bench() {
    local name=$1 label=$2 reps=$3 q=$4 i w p1 p2 planned launched c kind d a b same worst=
    echo "-- $label"
    echo "   $q"
    for (( i = 0; i < reps; i++ )); do
        for w in "${MODES[@]}"; do
            run_once "${name}_$w" "$w" "$q"
        done
    done
    p1=$(plan_of 1 "$q")
    p2=$(plan_of 2 "$q" analyze)
    for w in "${MODES[@]}"; do
        printf '   %-10s %8s s   speed-up %5s   = %s\n' "$(workers "$w")" \
            "$(sec "${T[${name}_$w]:-}")" \
            "$( ((w == 0)) && echo '  -  ' || ratio "${T[${name}_0]:-}" "${T[${name}_$w]:-}")" \
            "$(short "${R[${name}_$w]:-(failed)}")"
    done
    if is_partial "$p1"; then
        echo "   parallel plan, 1 worker:  yes   $(plan_nodes "$p1")"
    else
        echo "   parallel plan, 1 worker:  no    $(plan_nodes "$p1")"
    fi
    planned=$(grep -m1 -oE 'Workers Planned: [0-9]+' <<<"$p2" | grep -oE '[0-9]+$' || echo 0)
    launched=$(grep -m1 -oE 'Workers Launched: [0-9]+' <<<"$p2" | grep -oE '[0-9]+$' || echo 0)
    if is_partial "$p2" && (( launched > 0 )); then
        echo "   parallel plan, 2 workers: yes   $(plan_nodes "$p2")  ($planned planned, $launched launched)"
    else
        echo "   parallel plan, 2 workers: no    $(plan_nodes "$p2")  ($planned planned, $launched launched)"
        if grep -q 'Gather' <<<"$p2"; then
            NOT_PARALLEL+=("$label: the aggregate runs above the Gather, only the scan is parallel")
        else
            NOT_PARALLEL+=("$label: serial plan")
        fi
    fi
    if [[ $p2 == *ERROR* ]]; then
        ERRORS+=("$name: EXPLAIN: $(grep -m1 ERROR <<<"$p2")")
    fi
    same=exact
    for w in 1 2; do
        c=$(compare "${R[${name}_0]:-}" "${R[${name}_$w]:-}")
        IFS='|' read -r kind d a b <<<"$c"
        case $kind in
            exact) echo "   answer with $(workers "$w"): same as serial, exactly" ;;
            rel)   echo "   answer with $(workers "$w"): relative difference $d (largest: $a serial, $b parallel)"
                   if [[ $same == exact ]] || { [[ $same == rel.* ]] && awk -v x="$d" -v y="$worst" 'BEGIN { exit !(x + 0 > y + 0) }'; }; then
                       same="rel. $d"
                       worst=$d
                   fi ;;
            diff)  echo "   answer with $(workers "$w"): DIFFERENT ($a serial, $b parallel)"
                   same=DIFFERENT
                   DIFFERENT+=("$label, $(workers "$w"): $a serial, $b parallel") ;;
            *)     echo "   answer with $(workers "$w"): not available (a run failed)"
                   [[ $same == DIFFERENT ]] || same=n/a ;;
        esac
    done
    local slow=()
    for w in 1 2; do
        d=$(ratio "${T[${name}_0]:-}" "${T[${name}_$w]:-}")
        if [[ $d != n/a ]] && awk -v x="$d" 'BEGIN { exit !(x + 0 < 1) }'; then
            slow+=("$(workers "$w") ${d}x")
        fi
    done
    if (( ${#slow[@]} )); then
        d=${slow[*]}
        SLOWER+=("$label: speed-up ${d//x /x, }")
    fi
    SUMMARY+=("$(printf '%-38s | %8s | %10s | %11s | %11s | %s' "$label" \
        "$(sec "${T[${name}_0]:-}")" "$(sec "${T[${name}_1]:-}")" "$(sec "${T[${name}_2]:-}")" \
        "$(ratio "${T[${name}_0]:-}" "${T[${name}_2]:-}")" "$same")")
    echo
}

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

echo "risk parallel-query benchmark"
echo "  server:   $(psql_q -c 'SHOW server_version'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM"
echo "  settings: shared_buffers=$SB work_mem=512MB jit=off; per run max_parallel_workers_per_gather = 0, 1 or 2,"
echo "            parallel_setup_cost = parallel_tuple_cost = min_parallel_table_scan_size = 0"
echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes timings noisy)"
psql_q -c "CREATE EXTENSION risk" >/dev/null
echo "  risk $(psql_q -c "SELECT extversion FROM pg_extension WHERE extname = 'risk'"); best of $REPS runs (of $SLOW_REPS for the slow queries)"
echo "  aggregates with a combine function (pg_aggregate.aggcombinefn):"
psql_q -c "SELECT string_agg(DISTINCT aggfnoid::regproc::text, ', ')
           FROM pg_aggregate WHERE aggfnoid::regproc::text LIKE 'risk.%' AND aggcombinefn <> 0" |
    fold -s -w 96 | sed 's/^/    /'
echo "  without one (aggregated above the Gather):"
psql_q -c "SELECT string_agg(DISTINCT aggfnoid::regproc::text, ', ')
           FROM pg_aggregate WHERE aggfnoid::regproc::text LIKE 'risk.%' AND aggcombinefn = 0" |
    fold -s -w 96 | sed 's/^/    /'

LOAD_START=$SECONDS
echo "  making data ..."
psql_q <<SQL
-- rets: N_RETURNS daily returns of N_PORTFOLIOS portfolios, interleaved as
-- if loaded day by day; normal, volatility 0.6% to 2% by portfolio.
SELECT setseed(0.4242) \g /dev/null
CREATE TABLE rets AS
SELECT 1 + g % $N_PORTFOLIOS AS portfolio,
       0.0003::float8 + (0.006::float8 + 0.014::float8 * ((g % $N_PORTFOLIOS) * 7919 % 100) / 100)
              * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS r
FROM generate_series(0, $N_RETURNS - 1) AS g;

-- losses: GPD(xi = 0.4, beta = 10,000) above 100, positive = loss.
SELECT setseed(0.2026) \g /dev/null
CREATE TABLE losses AS
SELECT 1e4::float8 * (power(1 - random(), -0.4::float8) - 1) + 100 AS loss
FROM generate_series(1, $N_LOSSES);

-- scores: N_SCORES loans, PD = logistic(-3 + 1.2 z), the default drawn from
-- it, the score z rounded to 0.01 (ties).
SELECT setseed(0.31) \g /dev/null
CREATE TABLE scores AS
SELECT random() < pd AS bad, floor(z * 100) / 100 AS score, pd
FROM (SELECT z, 1 / (1 + exp(3 - 1.2 * z)) AS pd
      FROM (SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z
            FROM generate_series(1, $N_SCORES)) a) b;

-- loans: N_LOANS loans x 5 normal features, defaults from a logistic model.
SELECT setseed(0.17) \g /dev/null
CREATE TABLE loans AS
SELECT y < 1 / (1 + exp(-(-3 + 0.8 * x[1] - 0.5 * x[2] + 0.3 * x[3] + 0.2 * x[4] - 0.4 * x[5]))) AS bad,
       x[1] AS x1, x[2] AS x2, x[3] AS x3, x[4] AS x4, x[5] AS x5
FROM (SELECT random() AS y,
             ARRAY(SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + 0 * g
                   FROM generate_series(1, 5)) AS x
      FROM generate_series(1, $N_LOANS) g) s;

VACUUM (ANALYZE) rets;
VACUUM (ANALYZE) losses;
VACUUM (ANALYZE) scores;
VACUUM (ANALYZE) loans;
CHECKPOINT;
-- Read every table once so that the first timed run is not a cold one.
SELECT count(*) FROM rets \g /dev/null
SELECT count(*) FROM losses \g /dev/null
SELECT count(*) FROM scores \g /dev/null
SELECT count(*) FROM loans \g /dev/null
SQL
U=$(psql_q -c "SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY loss) FROM losses")
for t in rets losses scores loans; do
    printf '  %-7s %s\n' "$t:" "$(psql_q -c "SELECT to_char(count(*), 'FM99,999,999') || ' rows, ' || pg_size_pretty(pg_relation_size('$t')) FROM $t")"
done
echo "  gpd_fit threshold: $U (90% quantile of the losses)"
echo "  data ready in $(( SECONDS - LOAD_START )) s"
echo

# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------

X="ARRAY[x1, x2, x3, x4, x5]"

echo "== Market risk, $(commas $N_RETURNS) returns, whole table (one group)"
bench var_historical "risk.var_historical ($NR)" "$REPS" \
    "SELECT risk.var_historical(r, 0.99) FROM rets"
bench es_historical "risk.es_historical ($NR)" "$REPS" \
    "SELECT risk.es_historical(r, 0.99) FROM rets"
bench pct_disc "peer: -percentile_disc(0.01) ($NR)" "$SLOW_REPS" \
    "SELECT -percentile_disc(0.01) WITHIN GROUP (ORDER BY r) FROM rets"
bench var_gaussian "risk.var_gaussian ($NR)" "$REPS" \
    "SELECT risk.var_gaussian(r, 0.99) FROM rets"
bench avg_sd "peer: Gaussian VaR by avg, stddev_pop" "$REPS" \
    "SELECT -avg(r) + 2.3263478740408408 * stddev_pop(r) FROM rets"
bench moments "risk.moments ($NR)" "$REPS" \
    "SELECT risk.moments(r) FROM rets"
bench var_modified "risk.var_modified ($NR)" "$REPS" \
    "SELECT risk.var_modified(r, 0.99) FROM rets"

echo "== Grouped: $N_PORTFOLIOS portfolios over the same $(commas $N_RETURNS) returns"
echo "   (the per-portfolio VaRs are summed in portfolio order and hashed, so that"
echo "   only one row comes back and the comparison covers every group)"
bench grouped "risk.var_historical GROUP BY ($N_PORTFOLIOS)" "$REPS" \
    "SELECT count(*), sum(v ORDER BY portfolio), md5(string_agg(v::text, ',' ORDER BY portfolio))
       FROM (SELECT portfolio, risk.var_historical(r, 0.99) AS v FROM rets GROUP BY portfolio) s"

echo "== Tail and operational risk, $(commas $N_LOSSES) losses"
bench gpd_fit "risk.gpd_fit ($NL, $(size $((N_LOSSES / 10))) excesses)" "$REPS" \
    "SELECT risk.gpd_fit(loss, $U) FROM losses"
bench hill "risk.hill ($NL, k = $HILL_K)" "$REPS" \
    "SELECT risk.hill(loss, $HILL_K) FROM losses"
bench severity_fit "risk.severity_fit lognormal ($NL)" "$REPS" \
    "SELECT risk.severity_fit(loss, 'lognormal') FROM losses"

echo "== Credit, $(commas $N_SCORES) scored loans; $(commas $N_LOANS) loans x 5 features"
bench auc "risk.auc ($NS)" "$SLOW_REPS" \
    "SELECT risk.auc(score, bad) FROM scores"
bench ks "risk.ks ($NS)" "$SLOW_REPS" \
    "SELECT risk.ks(score, bad) FROM scores"
bench hosmer_lemeshow "risk.hosmer_lemeshow ($NS)" "$SLOW_REPS" \
    "SELECT risk.hosmer_lemeshow(pd, bad) FROM scores"
bench logit_fit "risk.logit_fit ($NN x 5)" "$REPS" \
    "SELECT risk.logit_fit(bad, $X) FROM loans"
bench woe_bins "risk.woe_bins ($NN)" "$REPS" \
    "SELECT risk.woe_bins(x1, bad) FROM loans"

# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------

echo "== Summary (best times; speed-up = serial / 2 workers; same answer: parallel vs serial,"
echo "   exact or the largest relative difference of the two parallel runs)"
printf '%-38s | %8s | %10s | %11s | %11s | %s\n' "aggregate" "serial s" "1 worker s" "2 workers s" "speed-up 2w" "same answer"
printf '%s\n' "${SUMMARY[@]}"
echo
echo "  for scale: percentile_disc serial / risk.var_historical serial $(ratio "${T[pct_disc_0]:-}" "${T[var_historical_0]:-}")x," \
     "/ risk.var_historical with 2 workers $(ratio "${T[pct_disc_0]:-}" "${T[var_historical_2]:-}")x"
echo "             avg + stddev_pop speed-up with 2 workers $(ratio "${T[avg_sd_0]:-}" "${T[avg_sd_2]:-}")x" \
     "(a scan and a few sums: what parallel query gives on this machine)"
AG=$(compare "${R[var_gaussian_0]:-}" "${R[avg_sd_0]:-}")
echo "             risk.var_gaussian vs the avg/stddev_pop formula (serial): $(
    IFS='|' read -r k d a b <<<"$AG"; [[ $k == rel ]] && echo "relative difference $d" || echo "$k")"
AP=$(compare "${R[var_historical_0]:-}" "${R[pct_disc_0]:-}")
echo "             risk.var_historical (type-7 quantile) vs -percentile_disc (type 1): $(
    IFS='|' read -r k d a b <<<"$AP"; [[ $k == rel ]] && echo "relative difference $d" || echo "$k")"
listing() {   # listing TITLE ITEM...
    if (( $# > 1 )); then
        echo "  $1:"
        printf '    %s\n' "${@:2}"
    else
        echo "  $1: none"
    fi
}
listing "aggregates not run in the parallel workers" "${NOT_PARALLEL[@]}"
listing "parallel slower than serial (speed-up below 1)" "${SLOWER[@]}"
listing "parallel answer not the serial one (beyond rounding)" "${DIFFERENT[@]}"
if (( ${#ERRORS[@]} )); then
    echo "  errors:"
    printf '    %s\n' "${ERRORS[@]}"
fi
echo "  load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  total run time: $(( SECONDS - START_SECONDS )) s"
if (( ${#ERRORS[@]} )); then
    echo "parallel_bench: a query failed (errors above)" >&2
    exit 1
fi
exit 0
