#!/usr/bin/env bash
#
# market_bench.sh - performance benchmark of the market-risk aggregates of the
# `risk` extension (src/sql/10_market.sql).
#
# What it measures, all in one run on the same throwaway cluster and data:
#
#   1. Rolling 250-day historical VaR and ES at 99% per portfolio over
#      1,000 portfolios x 2,520 days (2.52M windows):
#        risk.var_historical(r, 0.99) OVER w, risk.es_historical(r, 0.99) OVER w
#        WINDOW w AS (PARTITION BY portfolio ORDER BY day ROWS 249 PRECEDING)
#      against the plain-SQL way (a LATERAL subquery per row over the previous
#      250 days with percentile_cont(0.01) WITHIN GROUP (ORDER BY r), and a
#      second one for the mean of the returns below it).  The plain-SQL query
#      runs on a subset of portfolios and is scaled linearly to 1,000.
#   2. The same window query against count(r) OVER w (one and two counts),
#      i.e. the cost of the moving order-statistic state over the bare
#      WindowAgg machinery; also the moment-based and EWMA rolling measures.
#   3. Whole-table historical VaR over 10M rows against percentile_cont,
#      sum and tdigest_percentile (if the tdigest extension is installed),
#      serial and parallel, with a check that the parallel plan is used and
#      that serial, parallel and percentile_cont agree.
#
# Every query is timed with psql's \timing, each run in a fresh session;
# window queries are wrapped in an outer aggregate so that no rows are
# shipped to the client.  Fast queries are timed best of 3, the queries of
# one comparison taken in turn; the plain-SQL peer runs once (and once more,
# untimed, for a row-by-row comparison of the results).  Targets in the
# summary are informational: the script exits 0 whether they are met or
# not, and non-zero when a query fails.
#
# How to run (from the repository root):
#
#     bash test/bench/market_bench.sh
#
# As root on Debian 12 it first installs what is missing (tdigest included)
# and builds and installs the extension, as scripts/test.sh does; set
# BENCH_NO_BUILD=1 to measure what is installed already.  As an ordinary
# user it builds and installs nothing: the extension must be installed
# (tdigest is skipped if it is not).
#
# It may be run as an ordinary user or as root; as root the server part runs
# as the `postgres` OS user.  It starts its own cluster in a temporary
# directory (trust authentication, 127.0.0.1 and a Unix socket in that
# directory only) and removes it on exit.  It takes about 3 minutes on
# 2 cores and needs about 3 GB of memory and 1 GB of disk.  Optional
# environment:
#
#     PGBIN            server binaries (default: /usr/lib/postgresql/15/bin)
#     PEER_PORTFOLIOS  portfolios given to the plain-SQL peer (default 100)
#     BENCH_REPS       runs per fast query, best kept (default 3)
#     BENCH_SMOKE=1    20 portfolios x 300 days, 100,000 rows, 5 portfolios
#                      for the peer, one run each, shared_buffers = 256MB,
#                      parallel plans at any size: seconds, the ratios
#                      mean nothing (scripts/test.sh)
#
set -euo pipefail
# shellcheck source=../../scripts/common.sh
source "$(dirname "$0")/../../scripts/common.sh"

bench_setup market_bench postgresql-$PG_MAJOR-tdigest

if bench_smoke; then
    PEER_PORTFOLIOS=${PEER_PORTFOLIOS:-5}
    REPS=${BENCH_REPS:-1}
    N_PORTFOLIOS=20
    N_DAYS=300
    N_BIG=100000
    SHARED_BUFFERS=256MB
    # so that the small table still gets a parallel plan
    EXTRA_CONF=$'min_parallel_table_scan_size = 0\nparallel_setup_cost = 0\nparallel_tuple_cost = 0'
else
    PEER_PORTFOLIOS=${PEER_PORTFOLIOS:-100}
    REPS=${BENCH_REPS:-3}
    N_PORTFOLIOS=1000
    N_DAYS=2520
    N_BIG=10000000
    SHARED_BUFFERS=2GB
    EXTRA_CONF=
fi
WINDOW_ROWS=250

PGBIN=${PGBIN:-$PG_BIN}
for b in initdb pg_ctl psql; do
    [[ -x $PGBIN/$b ]] || { echo "market_bench: $PGBIN/$b not found (set PGBIN)" >&2; exit 1; }
done
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "market_bench: BENCH_REPS must be a positive integer" >&2; exit 1; }
[[ $PEER_PORTFOLIOS =~ ^[0-9]+$ ]] && (( PEER_PORTFOLIOS >= 1 && PEER_PORTFOLIOS <= N_PORTFOLIOS )) ||
    { echo "market_bench: PEER_PORTFOLIOS must be 1..$N_PORTFOLIOS" >&2; exit 1; }

START_SECONDS=$SECONDS

# ---------------------------------------------------------------------------
# Throwaway cluster
# ---------------------------------------------------------------------------

if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || { echo "market_bench: running as root needs a 'postgres' OS user" >&2; exit 1; }
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/risk_market_bench.XXXXXX")
[[ $(id -u) -eq 0 ]] && chown postgres: "$BENCH_DIR"
chmod 700 "$BENCH_DIR"
DATA_DIR=$BENCH_DIR/data
SERVER_LOG=$BENCH_DIR/server.log

cleanup() {
    local rc=$?
    if [[ -f $DATA_DIR/postmaster.pid ]]; then
        as_pg "$PGBIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop >/dev/null 2>&1 ||
            as_pg "$PGBIN/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    cd /
    rm -rf "$BENCH_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The server runs with the temp directory as working directory, so that it
# never depends on the caller's (possibly unreadable) one.
cd "$BENCH_DIR"

as_pg "$PGBIN/initdb" -D "$DATA_DIR" -A trust -U bench -E UTF8 --no-locale \
    --no-instructions >"$BENCH_DIR/initdb.log" 2>&1 ||
    { cat "$BENCH_DIR/initdb.log" >&2; exit 1; }

# Appending keeps the file's owner.  fsync and friends are off because the
# cluster is thrown away; they only speed up loading the data.
cat >>"$DATA_DIR/postgresql.conf" <<EOF

# market_bench.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BENCH_DIR'
shared_buffers = $SHARED_BUFFERS
work_mem = 256MB
maintenance_work_mem = 1GB
effective_cache_size = 16GB
max_parallel_workers_per_gather = 2
max_parallel_workers = 8
max_worker_processes = 8
jit = off
autovacuum = off
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 8GB
checkpoint_timeout = 30min
$EXTRA_CONF
EOF

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

PORT=
for _ in 1 2 3 4 5 6 7 8; do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_in_use "$p" && continue
    [[ -e $BENCH_DIR/.s.PGSQL.$p ]] && continue
    if as_pg "$PGBIN/pg_ctl" -D "$DATA_DIR" -l "$SERVER_LOG" -o "-p $p" -w -t 120 start >/dev/null 2>&1; then
        PORT=$p
        break
    fi
done
if [[ -z $PORT ]]; then
    echo "market_bench: could not start the server; log:" >&2
    cat "$SERVER_LOG" >&2 || true
    exit 1
fi

PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$BENCH_DIR" -p "$PORT" -U bench -d postgres)

sql() { "${PSQL[@]}" -At "$@"; }

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

declare -A T R    # T[key]: best time in ms; R[key]: result row of the last run
ERRORS=()

declare -A FAILED

# run_once KEY WORKERS SQL: run SQL once in a fresh session with
# max_parallel_workers_per_gather = WORKERS; T[KEY] keeps the best time.
run_once() {
    local key=$1 workers=$2 query=$3 out t
    [[ -n ${FAILED[$key]:-} ]] && return 0
    if ! out=$(
        printf '%s\n' "SET max_parallel_workers_per_gather = $workers;" '\timing on' "$query;" |
            "${PSQL[@]}" -At 2>&1
    ); then
        FAILED[$key]=1
        T[$key]=
        R[$key]=
        ERRORS+=("$key: $(grep -m1 -E 'ERROR|FATAL|PANIC|server closed' <<<"$out" || tail -n1 <<<"$out")")
        ERRORS+=("    query: $query")
        echo "  !! $key failed: $(grep -m1 -E 'ERROR|FATAL|PANIC|server closed' <<<"$out" || true)" >&2
        return 0
    fi
    t=$(awk '/^Time: / { print $2; exit }' <<<"$out")
    if [[ -z ${T[$key]:-} ]] || awk -v a="$t" -v b="${T[$key]}" 'BEGIN { exit !(a + 0 < b + 0) }'; then
        T[$key]=$t
    fi
    R[$key]=$(grep -v '^Time: ' <<<"$out" | tail -n1 || true)
}

# timed REPS WORKERS KEY SQL [KEY SQL ...]: best of REPS, the queries taken
# in turn (round robin) so that a slow spell of the machine hits all alike.
timed() {
    local reps=$1 workers=$2 i j
    shift 2
    local -a args=("$@")
    for (( i = 0; i < reps; i++ )); do
        for (( j = 0; j < ${#args[@]}; j += 2 )); do
            run_once "${args[j]}" "$workers" "${args[j + 1]}"
        done
    done
}

# Arithmetic on possibly empty values: prints "n/a" when an input is missing.
calc() {   # calc 'a / b' a b  -> %.2f
    local fmt=${4:-%.2f}
    if [[ -z ${2:-} || -z ${3:-} ]]; then echo n/a; return; fi
    awk -v a="$2" -v b="$3" "BEGIN { if (b + 0 == 0) print \"n/a\"; else printf \"$fmt\", $1 }"
}

fmt_ms() { if [[ -z ${1:-} ]]; then printf '%12s' "failed"; else printf '%12.1f' "$1"; fi; }

row() {    # row LABEL MS NOTE
    printf '  %-60s %s ms  %s\n' "$1" "$(fmt_ms "${2:-}")" "${3:-}"
}

SUMMARY=()
# verdict NAME VALUE OP TARGET
verdict() {
    local name=$1 value=$2 op=$3 target=$4 res
    if [[ $value == n/a || -z $value ]]; then
        res=MISS
        value=n/a
    elif awk -v v="$value" -v t="$target" -v op="$op" \
        'BEGIN { exit !((op == ">=" && v + 0 >= t + 0) || (op == "<=" && v + 0 <= t + 0)) }'; then
        res=PASS
    else
        res=MISS
    fi
    SUMMARY+=("$(printf '  %-62s %12s   %s %-7s  %s' "$name" "$value" "$op" "$target" "$res")")
}

plan_of() {   # plan_of WORKERS SQL [analyze] -> EXPLAIN text
    local opts="COSTS OFF"
    [[ ${3:-} == analyze ]] && opts="ANALYZE, TIMING OFF, COSTS OFF, SUMMARY OFF"
    { echo "SET max_parallel_workers_per_gather = $1;"
      echo "EXPLAIN ($opts) $2;"; } | "${PSQL[@]}" -At 2>&1 || true
}

plan_shape() {  # short description of a plan text
    local n
    if grep -q 'Gather' <<<"$1"; then
        n=$(grep -m1 -oE 'Workers Planned: [0-9]+' <<<"$1" | grep -oE '[0-9]+$' || echo '?')
        echo "parallel, $n workers planned"
    else
        echo "serial"
    fi
}

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

SERVER_VERSION=$(sql -c 'SHOW server_version')
echo "risk market benchmark"
echo "  server:   PostgreSQL $SERVER_VERSION on 127.0.0.1:$PORT (socket in $BENCH_DIR)"
echo "  machine:  $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM"
echo "  settings: shared_buffers=$SHARED_BUFFERS work_mem=256MB max_parallel_workers_per_gather=2 jit=off"
echo

sql -c 'CREATE EXTENSION risk' >/dev/null
RISK_VERSION=$(sql -c "SELECT extversion FROM pg_extension WHERE extname = 'risk'")
HAVE_TDIGEST=0
if sql -c 'CREATE EXTENSION tdigest' >/dev/null 2>&1; then
    HAVE_TDIGEST=1
fi
echo "  risk $RISK_VERSION; tdigest $( ((HAVE_TDIGEST)) && sql -c "SELECT extversion FROM pg_extension WHERE extname = 'tdigest'" || echo 'not installed (skipped)')"

LOAD_START=$SECONDS
echo "  generating data ..."
sql <<SQL
-- returns: N_PORTFOLIOS x N_DAYS daily returns, Box-Muller normal, with a
-- per-portfolio volatility between 0.6% and 2%.
SELECT setseed(0.4242) \g /dev/null
CREATE TABLE returns (portfolio int NOT NULL, day int NOT NULL, r float8 NOT NULL);
INSERT INTO returns (portfolio, day, r)
SELECT g / $N_DAYS + 1,
       g % $N_DAYS + 1,
       0.0003 + (0.006 + 0.014 * (((g / $N_DAYS) * 7919) % 100) / 100.0)
              * sqrt(-2.0 * ln(1.0 - random())) * cos(2.0 * pi() * random())
FROM generate_series(0, $N_PORTFOLIOS * $N_DAYS - 1) AS g;
CREATE INDEX returns_portfolio_day ON returns (portfolio, day);

-- big: N_BIG returns for the whole-table aggregates.
SELECT setseed(0.1717) \g /dev/null
CREATE TABLE big (r float8 NOT NULL);
INSERT INTO big (r)
SELECT 0.0002 + 0.011 * sqrt(-2.0 * ln(1.0 - random())) * cos(2.0 * pi() * random())
FROM generate_series(1, $N_BIG);

VACUUM (ANALYZE) returns;
VACUUM (ANALYZE) big;
CHECKPOINT;
-- Read both tables once so that the first timed run is not a cold one.
SELECT count(*) FROM returns \g /dev/null
SELECT count(*) FROM big \g /dev/null
SQL
echo "  returns: $(sql -c "SELECT to_char(count(*), 'FM9,999,999') || ' rows, ' || pg_size_pretty(pg_total_relation_size('returns')) FROM returns")"
echo "  big:     $(sql -c "SELECT to_char(count(*), 'FM99,999,999') || ' rows, ' || pg_size_pretty(pg_total_relation_size('big')) FROM big")"
echo "  data ready in $(( SECONDS - LOAD_START )) s"
echo

WIN="WINDOW w AS (PARTITION BY portfolio ORDER BY day ROWS $(( WINDOW_ROWS - 1 )) PRECEDING)"
N_WINDOWS=$(( N_PORTFOLIOS * N_DAYS ))

q_ours_ve() {   # q_ours_ve [WHERE-clause]
    echo "SELECT count(*), sum(v), sum(e) FROM (SELECT risk.var_historical(r, 0.99) OVER w AS v, risk.es_historical(r, 0.99) OVER w AS e FROM returns ${1:-} $WIN) s"
}
Q_OURS_V="SELECT count(*), sum(v) FROM (SELECT risk.var_historical(r, 0.99) OVER w AS v FROM returns $WIN) s"
Q_COUNT1="SELECT count(*), sum(c) FROM (SELECT count(r) OVER w AS c FROM returns $WIN) s"
Q_COUNT2="SELECT count(*), sum(c1), sum(c2) FROM (SELECT count(r) OVER w AS c1, count(day) OVER w AS c2 FROM returns $WIN) s"

# Plain SQL: per row, the previous 250 days of the same portfolio; the
# type-7 quantile is percentile_cont, ES the mean of the returns strictly
# below it (the VaR itself when there are none).
peer_rows() {   # peer_rows WHERE-clause -> SELECT portfolio, day, v, e
    cat <<SQL
SELECT o.portfolio, o.day, -x.q AS v, -coalesce(y.m, x.q) AS e
  FROM returns o
  CROSS JOIN LATERAL (
        SELECT percentile_cont(0.01) WITHIN GROUP (ORDER BY i.r) AS q
          FROM returns i
         WHERE i.portfolio = o.portfolio
           AND i.day BETWEEN o.day - $(( WINDOW_ROWS - 1 )) AND o.day) x
  CROSS JOIN LATERAL (
        SELECT avg(i.r) AS m
          FROM returns i
         WHERE i.portfolio = o.portfolio
           AND i.day BETWEEN o.day - $(( WINDOW_ROWS - 1 )) AND o.day
           AND i.r < x.q) y
 $1
SQL
}
Q_PEER="SELECT count(*), sum(v), sum(e) FROM ($(peer_rows "WHERE o.portfolio <= $PEER_PORTFOLIOS")) s"

# ---------------------------------------------------------------------------
# 1. Rolling historical VaR + ES vs plain SQL
# ---------------------------------------------------------------------------

echo "== 1. Rolling ${WINDOW_ROWS}-day historical VaR + ES at 99%: $N_PORTFOLIOS portfolios x $N_DAYS days ($N_WINDOWS windows)"
# The count baselines of section 2 are timed here too, in turn with ours.
timed "$REPS" 2 ours_ve "$(q_ours_ve)" count2 "$Q_COUNT2" ours_v "$Q_OURS_V" count1 "$Q_COUNT1"
row "risk.var_historical + risk.es_historical OVER w (best of $REPS)" "${T[ours_ve]}"
timed "$REPS" 2 ours_ve_sub "$(q_ours_ve "WHERE portfolio <= $PEER_PORTFOLIOS")"
row "  same, on the $PEER_PORTFOLIOS-portfolio subset (best of $REPS)" "${T[ours_ve_sub]}"

SCALE=$(calc 'a / b' "$N_PORTFOLIOS" "$PEER_PORTFOLIOS" '%.4g')
echo "  plain SQL (LATERAL percentile_cont + tail mean) on portfolios 1..$PEER_PORTFOLIOS, run once ..."
timed 1 2 peer "$Q_PEER"
PEER_SCALED=$(calc 'a * b' "${T[peer]}" "$SCALE" '%.1f')
row "plain SQL, $PEER_PORTFOLIOS portfolios ($(( PEER_PORTFOLIOS * N_DAYS )) windows, once)" "${T[peer]}"
row "plain SQL scaled to $N_PORTFOLIOS portfolios (x$SCALE, linear)" "$( [[ $PEER_SCALED == n/a ]] || echo "$PEER_SCALED")"
R_PEER=$(calc 'a / b' "$PEER_SCALED" "${T[ours_ve]}" '%.1f')
R_PEER_SUB=$(calc 'a / b' "${T[peer]}" "${T[ours_ve_sub]}" '%.1f')
echo "  ratio plain SQL / ours: ${R_PEER}x  (subset vs subset: ${R_PEER_SUB}x)"

# Same numbers?  Row by row on the peer's subset (this runs the plain-SQL
# query a second time, untimed).  Windows of n rows where (n - 1) * 0.01 is
# an integer (n = 101, 201: only the partial windows at the start of each
# portfolio) are reported apart: there the quantile is exactly a data point
# for percentile_cont(0.01), while the type-7 arithmetic at 1 - 0.99
# (= 0.010000000000000009) lands within an ulp of it on either side, which
# decides whether that point counts as "strictly below" for ES.
echo "  comparing row by row with plain SQL on portfolios 1..$PEER_PORTFOLIOS (untimed) ..."
ROW_CHECK=$(sql 2>&1 <<SQL || true
WITH ours AS (
    SELECT portfolio, day, risk.var_historical(r, 0.99) OVER w AS v, risk.es_historical(r, 0.99) OVER w AS e
      FROM returns WHERE portfolio <= $PEER_PORTFOLIOS $WIN),
peer AS ($(peer_rows "WHERE o.portfolio <= $PEER_PORTFOLIOS")),
d AS (
    SELECT ((n - 1) % 100 = 0 AND n > 1) AS edge,
           abs(ours.v - peer.v) / greatest(abs(peer.v), 1e-300) AS rv,
           abs(ours.e - peer.e) / greatest(abs(peer.e), 1e-300) AS re
      FROM ours JOIN peer USING (portfolio, day)
      CROSS JOIN LATERAL (SELECT least(day, $WINDOW_ROWS) AS n) w)
SELECT greatest(max(rv), max(re) FILTER (WHERE NOT edge)),
       count(*), max(rv), max(re) FILTER (WHERE NOT edge),
       count(*) FILTER (WHERE edge), count(*) FILTER (WHERE edge AND re > 1e-12),
       coalesce(max(re) FILTER (WHERE edge), 0)
  FROM d;
SQL
)
ROW_REL_MAX=
EDGE_INFO=n/a
if [[ $ROW_CHECK == *'|'* ]]; then
    IFS='|' read -r ROW_REL_MAX rc_n rc_rv rc_re rc_edge rc_edge_bad rc_edge_re <<<"$ROW_CHECK"
    printf '  rows %s: max rel. diff VaR %.3e, ES %.3e (ES on the %s windows with n = 101, 201 excluded)\n' \
        "$rc_n" "$rc_rv" "$rc_re" "$rc_edge"
    EDGE_INFO=$(printf '%s of %s windows with n = 101, 201 differ in ES (max rel. %.2e)' \
        "$rc_edge_bad" "$rc_edge" "$rc_edge_re")
    echo "  $EDGE_INFO"
else
    echo "  row-by-row check failed: $ROW_CHECK"
    ERRORS+=("row-by-row check: $ROW_CHECK")
fi
echo

# ---------------------------------------------------------------------------
# 2. Rolling measures vs count(r) OVER w
# ---------------------------------------------------------------------------

echo "== 2. Rolling measures vs count(r) OVER w, same window ($N_WINDOWS rows, best of $REPS)"
row "count(r) OVER w, count(day) OVER w" "${T[count2]}"
row "var_historical + es_historical OVER w" "${T[ours_ve]}" "ratio to two counts: $(calc 'a / b' "${T[ours_ve]}" "${T[count2]}")"
row "count(r) OVER w" "${T[count1]}"
row "var_historical OVER w" "${T[ours_v]}" "ratio to one count: $(calc 'a / b' "${T[ours_v]}" "${T[count1]}")"
R_VE_COUNT=$(calc 'a / b' "${T[ours_ve]}" "${T[count2]}")
R_V_COUNT=$(calc 'a / b' "${T[ours_v]}" "${T[count1]}")

INFO_ARGS=()
for m in var_gaussian var_modified var_ewma; do
    INFO_ARGS+=("$m" "SELECT count(*), sum(v) FROM (SELECT risk.$m(r, 0.99) OVER w AS v FROM returns $WIN) s")
done
timed "$REPS" 2 "${INFO_ARGS[@]}"
for m in var_gaussian var_modified var_ewma; do
    row "$m OVER w (information)" "${T[$m]}" "ratio to one count: $(calc 'a / b' "${T[$m]}" "${T[count1]}")"
done
# Results must cover every window: one NULL-free value per row.
echo "  results: var+es $(tr '|' ' ' <<<"${R[ours_ve]}"); count $(tr '|' ' ' <<<"${R[count1]}")"
echo

# ---------------------------------------------------------------------------
# 3. Whole-table aggregates over big
# ---------------------------------------------------------------------------

echo "== 3. Whole table, $N_BIG rows (best of $REPS)"
Q_BIG_OURS="SELECT risk.var_historical(r, 0.99) FROM big"
Q_BIG_PC="SELECT percentile_cont(0.01) WITHIN GROUP (ORDER BY r) FROM big"
Q_BIG_SUM="SELECT sum(r) FROM big"
Q_BIG_TD="SELECT tdigest_percentile(r, 100, 0.01) FROM big"

declare -A BIGQ=([ours]=$Q_BIG_OURS [pc]=$Q_BIG_PC [sum]=$Q_BIG_SUM [td]=$Q_BIG_TD)
declare -A BIGLABEL=([ours]="risk.var_historical(r, 0.99)" [pc]="percentile_cont(0.01) WITHIN GROUP (ORDER BY r)"
                     [sum]="sum(r)" [td]="tdigest_percentile(r, 100, 0.01)")
declare -A SHAPE
for mode in serial parallel; do
    workers=0; [[ $mode == parallel ]] && workers=2
    echo "  -- $mode (max_parallel_workers_per_gather = $workers)"
    MODE_ARGS=()
    for k in ours pc sum td; do
        [[ $k == td ]] && (( ! HAVE_TDIGEST )) && continue
        MODE_ARGS+=("big_${k}_$mode" "${BIGQ[$k]}")
    done
    timed "$REPS" "$workers" "${MODE_ARGS[@]}"
    for k in ours pc sum td; do
        [[ $k == td ]] && (( ! HAVE_TDIGEST )) && continue
        SHAPE[${k}_$mode]=$(plan_shape "$(plan_of "$workers" "${BIGQ[$k]}")")
        row "${BIGLABEL[$k]}" "${T[big_${k}_$mode]}" "[${SHAPE[${k}_$mode]}] = ${R[big_${k}_$mode]}"
    done
done

echo "  parallel plan of ours:"
OURS_PLAN=$(plan_of 2 "$Q_BIG_OURS" analyze)
if grep -q 'Gather' <<<"$OURS_PLAN"; then
    grep -E 'Gather|Partial Aggregate|Finalize Aggregate|Workers (Planned|Launched)|Parallel Seq Scan' <<<"$OURS_PLAN" |
        sed 's/^/    /'
else
    echo "    no Gather in the plan:"
    sed 's/^/    /' <<<"$OURS_PLAN"
fi
if grep -q 'Gather' <<<"$OURS_PLAN" && grep -q 'Partial Aggregate' <<<"$OURS_PLAN" &&
   [[ $(grep -m1 -oE 'Workers Launched: [0-9]+' <<<"$OURS_PLAN" | grep -oE '[0-9]+$' || echo 0) -gt 0 ]]; then
    PLAN_OK=yes
else
    PLAN_OK=no
fi

# ours serial == ours parallel == -percentile_cont, to ~1e-12 relative
SER=${R[big_ours_serial]:-}
PAR=${R[big_ours_parallel]:-}
PCV=${R[big_pc_serial]:-}
if [[ -n $SER && -n $PAR && -n $PCV ]]; then
    REL_SP=$(awk -v a="$SER" -v b="$PAR" 'BEGIN { d = (a - b) / b; d = sqrt(d * d); printf "%.3e", d }')
    REL_PC=$(awk -v a="$SER" -v b="$PCV" 'BEGIN { d = (a + b) / b; d = sqrt(d * d); printf "%.3e", d }')
    REL_MAX=$(awk -v a="$REL_SP" -v b="$REL_PC" 'BEGIN { printf "%.3e", (a > b ? a : b) }')
    echo "  check: serial $SER, parallel $PAR, -percentile_cont $(awk -v b="$PCV" 'BEGIN { printf "%.17g", -b }')"
    echo "         |serial - parallel| / |parallel| = $REL_SP;  |serial + percentile_cont| / |percentile_cont| = $REL_PC"
    if (( HAVE_TDIGEST )) && [[ -n ${R[big_td_serial]:-} ]]; then
        echo "         (tdigest for information: $(awk -v t="${R[big_td_serial]}" -v b="$PCV" 'BEGIN { d = (t - b) / b; d = sqrt(d * d); printf "%.17g, rel. error %.2e", t, d }'))"
    fi
else
    REL_MAX=n/a
    echo "  check: not available (a query failed)"
fi
echo

# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------

verdict "rolling VaR+ES: plain SQL (scaled x$SCALE) / ours" "$R_PEER" ">=" 50
verdict "rolling VaR+ES / two counts" "$R_VE_COUNT" "<=" 2
verdict "rolling VaR alone / one count" "$R_V_COUNT" "<=" 2
for mode in serial parallel; do
    verdict "whole table percentile_cont / ours ($mode)" \
        "$(calc 'a / b' "${T[big_pc_$mode]}" "${T[big_ours_$mode]}")" ">=" 2
    verdict "whole table ours / sum ($mode)" \
        "$(calc 'a / b' "${T[big_ours_$mode]}" "${T[big_sum_$mode]}")" "<=" 2
    if (( HAVE_TDIGEST )); then
        verdict "whole table ours / tdigest ($mode)" \
            "$(calc 'a / b' "${T[big_ours_$mode]}" "${T[big_td_$mode]}")" "<=" 1
    fi
done
verdict "whole table serial/parallel/percentile_cont rel. diff" "$REL_MAX" "<=" 1e-12
verdict "rolling vs plain SQL, max rel. diff (VaR; ES off n=101,201)" \
    "$( [[ -n $ROW_REL_MAX ]] && awk -v x="$ROW_REL_MAX" 'BEGIN { printf "%.3e", x }' || echo n/a)" "<=" 1e-12
if [[ $PLAN_OK == yes ]]; then
    SUMMARY+=("$(printf '  %-62s %12s   %s %-7s  %s' "whole table ours: Gather + Partial Aggregate" "yes" "==" "yes" PASS)")
else
    SUMMARY+=("$(printf '  %-62s %12s   %s %-7s  %s' "whole table ours: Gather + Partial Aggregate" "no" "==" "yes" MISS)")
fi

echo "== Summary (informational; targets are goals, not test assertions)"
printf '  %-62s %12s   %-10s %s\n' "ratio" "value" "target" "result"
printf '%s\n' "${SUMMARY[@]}"
echo "  information: rolling var_gaussian / count $(calc 'a / b' "${T[var_gaussian]}" "${T[count1]}")," \
     "var_modified / count $(calc 'a / b' "${T[var_modified]}" "${T[count1]}")," \
     "var_ewma / count $(calc 'a / b' "${T[var_ewma]}" "${T[count1]}")"
echo "  information: parallel speed-up (serial / parallel time): ours $(calc 'a / b' "${T[big_ours_serial]}" "${T[big_ours_parallel]}")," \
     "sum $(calc 'a / b' "${T[big_sum_serial]}" "${T[big_sum_parallel]}")$( ((HAVE_TDIGEST)) && echo ", tdigest $(calc 'a / b' "${T[big_td_serial]}" "${T[big_td_parallel]}")")"
echo "  information: rolling ES vs plain SQL: $EDGE_INFO"
echo "  plain-SQL peer: $PEER_PORTFOLIOS of $N_PORTFOLIOS portfolios, scaled x$SCALE"
if (( ${#ERRORS[@]} )); then
    echo "  errors:"
    printf '    %s\n' "${ERRORS[@]}"
fi
echo "  total run time: $(( SECONDS - START_SECONDS )) s"
if (( ${#ERRORS[@]} )); then
    echo "market_bench: a query failed (errors above)" >&2
    exit 1
fi
exit 0
