#!/usr/bin/env bash
#
# warning_bench.sh - benchmark of the early-warning background workers of the
# risk extension (shared_preload_libraries = 'risk'), measured in one run:
#
#   1. Data change to alert visible.  100,000 credit lines, a materialized
#      view of their utilisation (unique index on customer, so refreshed
#      CONCURRENTLY), watched every 1 s, one rule utilisation > 0.9 keyed by
#      customer.  Ten times: one customer is drawn to 99% of its limit and
#      committed, and a client polls risk.open_alerts every 10 ms until that
#      customer's alert is there.  Median and max of that wall time for
#      (a) the schedule alone (expected: about half the 1 s interval plus
#      one refresh), changes made at a random phase of the interval, and
#      (b) risk.refresh_now() in the same transaction as the change
#      (wake-up + worker start + refresh + rule evaluation).  Next to them,
#      one REFRESH MATERIALIZED VIEW CONCURRENTLY of the view by hand, and
#      the median duration the workers recorded in risk.refresh_history.
#   2. Scheduler overhead with 100 watched views.  100 aggregates over
#      slices of a 2,100,000-row table (2,000 to 40,000 rows each; half with
#      a unique index, refreshed CONCURRENTLY).  By hand: the same 100
#      REFRESH statements (CONCURRENTLY where the workers use it) in one
#      session, serially; and once more with each statement the first of a
#      new session (cold caches, as in a refresh worker, connection time
#      excluded).  Scheduler: all 100 made due in one transaction
#      (risk.refresh_now on each; the views are watched every 1 hour, so
#      nothing else is due), timed from that commit to the last finished_at
#      of the round in risk.refresh_history.  With risk.max_refresh_workers
#      = 1 (serial, comparable with by hand) and = 2.  Best of 3 each.
#      The sum of the round's history durations is printed too: a duration
#      runs from the scheduler's start of the refresh (before it launches
#      the worker) to the worker recording the outcome, so sum - by hand is
#      what a worker adds to each refresh (start, connection, cold caches:
#      compare the new-session figure), and round - sum (1 worker) the
#      scheduler's gaps between refreshes.
#   3. Idle cost.  With the 100 views watched but none due, the CPU time
#      (utime + stime from /proc) of the risk scheduler over 10 s at
#      risk.naptime = 100ms.
#   4. Alerts in bulk.  A view of 20,000 credit lines, half of them over
#      90% utilisation, one rule keyed by customer.  Rule evaluation
#      (risk_internal._evaluate_rules, what a worker and risk.refresh_and_evaluate
#      run after a refresh) opening the 10,000 alerts, against an INSERT ...
#      SELECT of the same rows into a copy of risk.alerts (same indexes);
#      and resolving them (the view refreshed with no breach left) against
#      an UPDATE of the 10,000 open rows.  Best of 3 each; the workers are
#      off meanwhile.  Once more with risk.alert_notify_limit = -1 (one
#      NOTIFY per alert rather than one summary).
#
# On a throwaway cluster (pg_virtualenv) with risk preloaded.  Prints
# timings and ratios (scheduler / by hand: 1 means no overhead), then the
# outcomes in risk.refresh_history and the errors in the server log.
# Exits 0 whatever the ratios, non-zero when a query fails or times out.
#
# Run from the repository root:  bash test/bench/warning_bench.sh
# As root on Debian 12 it installs what is missing, builds and installs the
# extension and runs the cluster as the postgres user; BENCH_NO_BUILD=1
# measures what is installed.  As an ordinary user it builds and installs
# nothing: the extension must be installed.  BENCH_SMOKE=1: 1,000 lines,
# 6 views, 2 changes per path, one round each, 1 s idle (seconds; the
# ratios mean nothing), as scripts/test.sh runs it.
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

if [[ ${1:-} != --inner ]]; then
    bench_setup warning_bench
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    as_user "$dir" "BENCH_SMOKE='${BENCH_SMOKE:-}' pg_virtualenv -v $PG_MAJOR -o shared_preload_libraries=risk -o risk.naptime=100ms -o max_worker_processes=16 bash test/bench/warning_bench.sh --inner" 2>&1 |
        grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
    exit 0
fi

# ---- inside the throwaway cluster, as its owner, in a copy of the tree ----
if bench_smoke; then
    REPS=2 IDLE_S=1 N_LINES=1000 N_VIEWS=6 SLICE=50 ROUNDS=1
else
    REPS=10             # data changes per latency path
    IDLE_S=10           # seconds of idle scheduler CPU
    N_LINES=100000      # credit lines in the watched view of part 1
    N_VIEWS=100         # watched views of parts 2 and 3
    SLICE=2000          # a view's slice has SLICE * (1 + s % 20) rows
    ROUNDS=3            # refreshes by hand and rounds of the workers, best kept
fi
# Every session sees the sizes as bench.* settings, for the SQL below.
export PGOPTIONS="-c bench.n_lines=$N_LINES -c bench.n_views=$N_VIEWS -c bench.slice=$SLICE"
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<b)?a:b}'; }

# Set a risk.* GUC for the whole cluster and give the workers time to reload.
set_guc() {
    psql_q -c "ALTER SYSTEM SET $1 = '$2'" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
}

psql_q -c "CREATE EXTENSION risk" >/dev/null
launchers=$(psql_q -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'risk launcher'")
if [[ $launchers != 1 ]]; then
    echo "risk is not preloaded: $launchers risk launcher(s) running" >&2
    exit 1
fi

# Helpers run by the client.  The procedure commits each change and polls
# with a fresh snapshot per statement (READ COMMITTED).
psql_q <<'SQL'
CREATE TABLE bench_latency (path text, n int, ms float8);

-- Wait until pred holds, or raise after timeout_s.
CREATE FUNCTION bench_wait(pred text, timeout_s float8, what text, pause float8 DEFAULT 0.01)
    RETURNS void LANGUAGE plpgsql AS $$
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
        PERFORM pg_sleep(pause);
    END LOOP;
END
$$;

-- reps times: breach one customer, time until its alert is open, clear it,
-- wait until the alert is resolved.  With wake, risk.refresh_now() goes in
-- the same transaction as each change; without, the change happens at a
-- random point of the view's interval.
CREATE PROCEDURE bench_alert_latency(path text, reps int, wake boolean)
    LANGUAGE plpgsql AS $$
DECLARE
    c int;
    t0 timestamptz;
    open_pred text;
BEGIN
    FOR n IN 1..reps LOOP
        c := 1 + (n * 7919 + length(path) * 104729) % current_setting('bench.n_lines')::int;
        open_pred := format($p$EXISTS (SELECT 1 FROM risk.open_alerts
                                       WHERE key ->> 'customer' = %L)$p$, c);
        IF NOT wake THEN
            PERFORM pg_sleep(random());
        END IF;
        UPDATE lines SET drawn = lim * 0.99 WHERE customer = c;
        IF wake THEN
            PERFORM risk.refresh_now('util');
        END IF;
        COMMIT;
        t0 := clock_timestamp();
        PERFORM bench_wait(open_pred, 30, format('the alert of customer %s', c));
        INSERT INTO bench_latency
        VALUES (path, n, 1000 * extract(epoch FROM clock_timestamp() - t0));
        UPDATE lines SET drawn = lim * 0.5 WHERE customer = c;
        IF wake THEN
            PERFORM risk.refresh_now('util');
        END IF;
        COMMIT;
        PERFORM bench_wait('NOT ' || open_pred, 30, format('customer %s to resolve', c));
        COMMIT;
    END LOOP;
END
$$;
SQL

# The launcher starts this database's scheduler when CREATE EXTENSION commits.
psql_q -c "SELECT bench_wait(\$\$EXISTS (SELECT 1 FROM pg_stat_activity
                                      WHERE backend_type = 'risk scheduler'
                                        AND datname = current_database())\$\$,
                             10, 'the risk scheduler')" >/dev/null

echo "== making data"
psql_q <<'SQL' >/dev/null
SELECT setseed(0.42);
CREATE TABLE lines (customer int PRIMARY KEY, lim float8 NOT NULL, drawn float8 NOT NULL);
INSERT INTO lines
SELECT g, l, l * 0.85 * random()
FROM (SELECT g, round(1000 + 99000 * random()) AS l
      FROM generate_series(1, current_setting('bench.n_lines')::int) g) s;
ANALYZE lines;
CREATE MATERIALIZED VIEW util AS
SELECT customer, lim, drawn, drawn / lim AS utilisation FROM lines;
CREATE UNIQUE INDEX ON util (customer);

-- slice s has bench.slice * (1 + s % 20) rows: 2,000 to 40,000 (smoke: 50 to 1,000)
CREATE TABLE facts AS
SELECT s AS slice, (random() * 100000)::int AS customer, random() * 1000 AS amount
FROM generate_series(1, current_setting('bench.n_views')::int) s,
     LATERAL generate_series(1, current_setting('bench.slice')::int * (1 + s % 20)) g;
CREATE INDEX ON facts (slice);
ANALYZE facts;
DO $$
BEGIN
    FOR s IN 1 .. current_setting('bench.n_views')::int LOOP
        EXECUTE format('CREATE MATERIALIZED VIEW %I AS
                        SELECT customer %% 1000 AS bucket, count(*) AS n, sum(amount) AS total
                        FROM facts WHERE slice = %s GROUP BY 1',
                       format('mv_%s', lpad(s::text, 3, '0')), s);
        IF s % 2 = 0 THEN
            EXECUTE format('CREATE UNIQUE INDEX ON %I (bucket)',
                           format('mv_%s', lpad(s::text, 3, '0')));
        END IF;
    END LOOP;
END
$$;
VACUUM ANALYZE;
SQL

# ---------------------------------------------------------------------------
echo "== 1. Data change to alert visible ($(commas $N_LINES) credit lines)"
psql_q <<'SQL' >/dev/null
SELECT risk.watch('util', '1 second');
SELECT risk.add_rule('util', 'utilisation', '>', 0.9, key_columns => '{customer}');
SELECT bench_wait($$EXISTS (SELECT 1 FROM risk.refresh_history
                            WHERE view = 'util'::regclass AND outcome <> 'running')$$,
                  60, 'the first refresh of util');
SQL
psql_q -c "CALL bench_alert_latency('scheduled', $REPS, false)"
# Only refresh_now from here on: re-time to 1 hour, let the pending run pass.
psql_q <<'SQL' >/dev/null
SELECT risk.watch('util', '1 hour');
SELECT bench_wait($$(SELECT next_run > now() + interval '30 minutes' FROM risk.watched
                     WHERE view = 'util'::regclass)
                    AND NOT EXISTS (SELECT 1 FROM risk.refresh_history
                                    WHERE view = 'util'::regclass AND outcome = 'running')$$,
                  30, 'util to settle on its 1 hour interval');
SQL
T_WAKE_FROM=$(psql_q -c "SELECT clock_timestamp()")
psql_q -c "CALL bench_alert_latency('refresh_now', $REPS, true)"

# One refresh by hand, with the workers leaving the view alone.
psql_q -c "SELECT risk.pause('util')" >/dev/null
T_UTIL_HAND=
for ((i = 0; i < ROUNDS; i++)); do
    t=$(psql -X -q -v ON_ERROR_STOP=1 -c '\timing on' -c "REFRESH MATERIALIZED VIEW CONCURRENTLY util" 2>&1 |
        sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
    T_UTIL_HAND=$(min "$t" "${T_UTIL_HAND:-$t}")
done

psql_q <<SQL
SELECT format('  latency %-30s median %s ms, max %s ms (%s changes)',
              CASE path WHEN 'scheduled' THEN 'scheduled (every 1 s):'
                        ELSE 'refresh_now() at commit:' END,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric),
              round(max(ms)::numeric), count(*))
FROM bench_latency GROUP BY path ORDER BY path DESC;
SELECT format('  %-38s %s ms', 'refresh of util by hand (best of $ROUNDS):', round($T_UTIL_HAND, 1));
SELECT format('  %-38s median %s ms, max %s ms (%s refreshes after refresh_now)',
              'refresh of util by a worker:',
              round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY duration))::numeric, 1),
              round(1000 * extract(epoch FROM max(duration))::numeric, 1), count(*))
FROM risk.refresh_history
WHERE view = 'util'::regclass AND outcome = 'ok' AND started_at > '$T_WAKE_FROM';
SQL
psql_q -c "SELECT risk.unwatch('util')" >/dev/null

# ---------------------------------------------------------------------------
echo "== 2. Scheduler overhead, $N_VIEWS watched views"
# The same statements the workers run: CONCURRENTLY for views with a unique index.
HAND_SQL=$(psql_q <<'SQL'
SELECT format('REFRESH MATERIALIZED VIEW %s%s;',
              CASE WHEN EXISTS (SELECT 1 FROM pg_index i
                                WHERE i.indrelid = c.oid AND i.indisunique)
                   THEN 'CONCURRENTLY ' ELSE '' END, c.relname)
FROM pg_class c WHERE c.relkind = 'm' AND c.relname LIKE 'mv\_%' ORDER BY c.relname;
SQL
)
T_HAND=
for ((i = 0; i < ROUNDS; i++)); do
    t=$(psql_q <<SQL
SELECT clock_timestamp() AS t0 \gset
$HAND_SQL
SELECT round(1000 * extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), 1);
SQL
)
    T_HAND=$(min "$t" "${T_HAND:-$t}")
done
# The same, each statement first in a new session (cold caches, as in a
# refresh worker); the statements' own time, without connecting.
T_COLD=0
while read -r stmt; do
    t=$(psql -X -q -v ON_ERROR_STOP=1 -c '\timing on' -c "$stmt" 2>&1 |
        sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
    T_COLD=$(awk -v a="$T_COLD" -v b="$t" 'BEGIN{print a + b}')
done <<<"$HAND_SQL"

set_guc risk.max_refresh_workers 1
# Watching makes each view due at once: that first round warms up.
psql_q <<'SQL' >/dev/null
SELECT risk.watch(c.oid::regclass, '1 hour')
FROM pg_class c WHERE c.relkind = 'm' AND c.relname LIKE 'mv\_%';
SELECT bench_wait($$(SELECT count(*) = current_setting('bench.n_views')::int FROM risk.refresh_history
                     WHERE view::text LIKE 'mv\_%' AND outcome <> 'running')$$,
                  300, 'the first round of the views', 0.05);
SQL

# One round: make all 100 due in one transaction, wait until each has a
# finished history row started after the trigger.  Prints
# "round_ms sum_duration_ms ok_count other_outcomes".
round_once() {
    psql_q <<'SQL'
BEGIN;
UPDATE risk.watched SET next_run = now() WHERE view::text LIKE 'mv\_%';
DO $$ BEGIN PERFORM risk.refresh_now(view) FROM risk.watched WHERE view::text LIKE 'mv\_%'; END $$;
SELECT clock_timestamp() AS t0 \gset
COMMIT;
SELECT bench_wait(format($$(SELECT count(*) = current_setting('bench.n_views')::int FROM risk.refresh_history
                            WHERE view::text LIKE 'mv\_%%' AND started_at > %L
                              AND outcome <> 'running')$$, :'t0'),
                  300, 'a round of the views', 0.05) \g /dev/null
SELECT round(1000 * extract(epoch FROM max(finished_at) - :'t0'::timestamptz), 1)
       || ' ' || round(1000 * extract(epoch FROM sum(duration)), 1)
       || ' ' || count(*) FILTER (WHERE outcome = 'ok')
       || ' ' || coalesce(string_agg(DISTINCT outcome, ',') FILTER (WHERE outcome <> 'ok'), '-')
FROM risk.refresh_history
WHERE view::text LIKE 'mv\_%' AND started_at > :'t0'::timestamptz;
SQL
}

# best of ROUNDS rounds: "round_ms sum_duration_ms ok_count other_outcomes"
best_round() {
    local best= r
    local i
    for ((i = 0; i < ROUNDS; i++)); do
        r=$(round_once)
        if [[ -z $best ]] || awk -v a="${r%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
            best=$r
        fi
    done
    echo "$best"
}

report_round() {   # report_round WORKERS "round sum ok other"
    local round sum ok other
    read -r round sum ok other <<<"$2"
    printf '  %s views, %s refresh worker%s: by hand %.0f ms, scheduler %.0f ms, ratio %s (%s ms per view)\n' \
        "$N_VIEWS" "$1" "$([[ $1 == 1 ]] || echo s)" "$T_HAND" "$round" "$(ratio "$round" "$T_HAND")" \
        "$(awk -v a="$round" -v b="$T_HAND" -v n="$N_VIEWS" 'BEGIN{printf "%.1f", (a-b)/n}')"
    printf '      history durations: sum %.0f ms = %s x by hand (%s ms per view more); %s ok%s\n' \
        "$sum" "$(ratio "$sum" "$T_HAND")" \
        "$(awk -v a="$sum" -v b="$T_HAND" -v n="$N_VIEWS" 'BEGIN{printf "%.1f", (a-b)/n}')" \
        "$ok" "$([[ $other == - ]] || echo ", other outcomes: $other")"
}

R1=$(best_round)
set_guc risk.max_refresh_workers 2
R2=$(best_round)
printf '  %-52s %6.0f ms\n' "by hand, one session (best of $ROUNDS):" "$T_HAND"
printf '  %-52s %6.0f ms\n' "by hand, each statement first in a new session:" "$T_COLD"
report_round 1 "$R1"
report_round 2 "$R2"

# ---------------------------------------------------------------------------
echo "== 3. Idle scheduler, $N_VIEWS views watched, none due, risk.naptime = 100ms"
SCHED_PID=$(psql_q -c "SELECT pid FROM pg_stat_activity
                       WHERE backend_type = 'risk scheduler' AND datname = current_database()")
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }   # utime + stime
HZ=$(getconf CLK_TCK)
c0=$(cpu_ticks "$SCHED_PID"); w0=$(date +%s.%N)
sleep "$IDLE_S"
c1=$(cpu_ticks "$SCHED_PID"); w1=$(date +%s.%N)
awk -v c0="$c0" -v c1="$c1" -v w0="$w0" -v w1="$w1" -v hz="$HZ" 'BEGIN{
    ms = 1000 * (c1 - c0) / hz; s = w1 - w0
    printf "  scheduler CPU: %.0f ms over %.1f s = %.2f ms per second (clock tick %.0f ms)\n", ms, s, ms / s, 1000 / hz }'

# ---------------------------------------------------------------------------
echo "== 4. Alerts in bulk: one rule, 10,000 breaches"
set_guc risk.worker_enabled off
psql_q <<'SQL' >/dev/null
CREATE TABLE bulk_lines (customer int PRIMARY KEY, lim float8 NOT NULL, drawn float8 NOT NULL);
INSERT INTO bulk_lines SELECT g, 1000, 500 FROM generate_series(1, 20000) g;
CREATE MATERIALIZED VIEW bulk_util AS SELECT customer, drawn / lim AS utilisation FROM bulk_lines;
CREATE UNIQUE INDEX ON bulk_util (customer);
SET client_min_messages = warning;
SELECT risk.watch('bulk_util', '1 hour');
SELECT risk.add_rule('bulk_util', 'utilisation', '>', 0.9, key_columns => '{customer}');
CREATE TABLE peer_alerts (LIKE risk.alerts INCLUDING ALL);
VACUUM ANALYZE bulk_lines, bulk_util, peer_alerts, risk.alerts;
SQL
# bulk_round BREACH|CLEAR: change the data, refresh the view by hand, then
# time the rule evaluation and its plain-SQL peer; prints "ours_ms peer_ms n"
bulk_round() {
    local drawn peer
    if [[ $1 == BREACH ]]; then
        drawn="CASE WHEN customer % 2 = 0 THEN 950 ELSE 500 END"
        peer="INSERT INTO peer_alerts (rule_id, rule_name, view, view_name, key, metric, op, threshold,
                                       value, severity, action, status, opened_at, updated_at)
              SELECT r.id, r.rule_name, r.view, 'public.bulk_util', jsonb_build_object('customer', u.customer),
                     r.metric, r.op, r.threshold, u.utilisation, r.severity, r.action, 'open', now(), now()
              FROM bulk_util u, risk.rules r
              WHERE r.view = 'bulk_util'::regclass AND u.utilisation > 0.9"
    else
        drawn="500"
        peer="UPDATE peer_alerts SET status = 'resolved', resolved_at = now(), updated_at = now(),
                                     resolution = 'cleared'
              WHERE status = 'open'"
    fi
    psql_q <<SQL
${2:-}
UPDATE bulk_lines SET drawn = $drawn;
REFRESH MATERIALIZED VIEW CONCURRENTLY bulk_util;
SELECT risk_internal._refresh_begin('bulk_util'::regclass) AS hid \gset
SELECT risk_internal._refresh_end(:hid, 'ok', NULL, NULL, 20000) \g /dev/null
SELECT clock_timestamp() AS t0 \gset
SELECT risk_internal._evaluate_rules(:hid) \g /dev/null
SELECT clock_timestamp() AS t1 \gset
$peer;
SELECT clock_timestamp() AS t2 \gset
SELECT round(1000 * extract(epoch FROM :'t1'::timestamptz - :'t0'::timestamptz), 1) || ' '
       || round(1000 * extract(epoch FROM :'t2'::timestamptz - :'t1'::timestamptz), 1) || ' '
       || coalesce(alerts_opened, 0) + coalesce(alerts_resolved, 0)
FROM risk.refresh_history WHERE id = :hid;
SQL
}
report_bulk() {   # report_bulk WHAT PEER "ours peer n" ...: the best of each
    local what=$1 peer=$2 ours=  theirs=  n= o p k
    shift 2
    for r in "$@"; do
        read -r o p k <<<"$r"
        ours=$(min "$o" "${ours:-$o}"); theirs=$(min "$p" "${theirs:-$p}"); n=$k
    done
    printf '  %-32s ours %6.0f ms, %s %6.0f ms, ratio %s (%s alerts)\n' \
        "$what" "$ours" "$peer" "$theirs" "$(ratio "$ours" "$theirs")" "$n"
}
O=(); C=()
for _ in 1 2 3; do
    O+=("$(bulk_round BREACH)")
    C+=("$(bulk_round CLEAR)")
done
report_bulk "opening 10,000 alerts:" "INSERT ... SELECT" "${O[@]}"
report_bulk "resolving 10,000 alerts:" "UPDATE" "${C[@]}"
O=(); C=()
for _ in 1 2 3; do
    O+=("$(bulk_round BREACH 'SET risk.alert_notify_limit = -1;')")
    C+=("$(bulk_round CLEAR 'SET risk.alert_notify_limit = -1;')")
done
report_bulk "opening, a NOTIFY per alert:" "INSERT ... SELECT" "${O[@]}"
report_bulk "resolving, a NOTIFY per alert:" "UPDATE" "${C[@]}"
set_guc risk.worker_enabled on

# ---------------------------------------------------------------------------
echo "== Worker outcomes and server log"
psql_q <<'SQL'
SELECT format('  refresh_history: %s', string_agg(format('%s %s', outcome, n), ', ' ORDER BY outcome))
FROM (SELECT outcome, count(*) AS n FROM risk.refresh_history GROUP BY outcome) s;
SELECT format('  %s %s: %s %s', outcome, view_name, coalesce(sqlstate, ''), coalesce(message, ''))
FROM risk.refresh_history WHERE outcome NOT IN ('ok', 'running') ORDER BY id LIMIT 10;
SQL
LOG_FILE=$(dirname "${PG_CLUSTER_CONF_ROOT:-/nonexistent}")/log/postgresql-$PG_MAJOR-regress.log
if [[ -r $LOG_FILE ]]; then
    n=$(grep -cE '(ERROR|FATAL|PANIC|WARNING):' "$LOG_FILE" || true)
    echo "  server log: $n ERROR/FATAL/PANIC/WARNING lines"
    grep -E '(ERROR|FATAL|PANIC|WARNING):' "$LOG_FILE" | head -10 | sed 's/^/    /' || true
fi
