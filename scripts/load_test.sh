#!/usr/bin/env bash
# Load test: pgbench clients run risk aggregates and rolling-window queries
# while others insert returns and loans, and the background workers refresh
# two watched views and evaluate their rules, all at once, on a throwaway
# cluster reachable only through a Unix socket.  Afterwards:
#   - no client error, no failed transaction, no error in the server log;
#   - every inserted row is there (rows = committed insert transactions);
#   - every refresh during the load succeeded, and after a last refresh the
#     open alerts are exactly the rows that breach the rules;
#   - a backend's memory does not grow with the number of queries it runs,
#     nor does the scheduler's over the load.
#
#   bash scripts/load_test.sh                 # 60 s, 8 clients
#   LOAD_SECONDS=600 LOAD_CLIENTS=16 bash scripts/load_test.sh
#
# As root on a fresh Debian 12 it installs what is missing and builds;
# --no-setup skips that (scripts/test.sh runs it so, briefly).  Ends with
# "load: N passed, M failed".
set -euo pipefail
source "$(dirname "$0")/common.sh"

SECONDS_RUN=${LOAD_SECONDS:-60}
CLIENTS=${LOAD_CLIENTS:-8}

if [[ ${1:-} != --inner ]]; then
    if [[ ${1:-} != --no-setup ]]; then
        ensure_packages
        build_install
    fi
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    as_user "$dir" "LOAD_SECONDS=$SECONDS_RUN LOAD_CLIENTS=$CLIENTS bash scripts/load_test.sh --inner"
    exit $?
fi

export PATH=$PG_BIN:$PATH
W=$(pwd)/load-work
rm -rf "$W"
mkdir -p "$W"
export PGHOST=$W PGPORT=$((20000 + RANDOM % 20000)) PGDATABASE=bank
initdb -D "$W/data" -A trust >/dev/null
cat >> "$W/data/postgresql.conf" <<EOF
listen_addresses = ''
shared_preload_libraries = 'risk'
max_connections = 100
max_worker_processes = 16
risk.naptime = '200ms'
risk.max_refresh_workers = 2
log_min_messages = warning
EOF
pg_ctl -D "$W/data" -l "$W/server.log" -o "-p $PGPORT -k $W" -w start >/dev/null
trap 'pg_ctl -D "$W/data" -m fast -w stop >/dev/null 2>&1 || true' EXIT

pass=0
fail=0
check() {   # check DESCRIPTION CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   - $1"; pass=$((pass + 1)); else echo "FAIL - $1"; fail=$((fail + 1)); fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

createdb bank
q > /dev/null <<'SQL'
CREATE EXTENSION risk;
SELECT setseed(0.5);
CREATE TABLE returns (id bigserial PRIMARY KEY, portfolio int NOT NULL, r float8 NOT NULL);
INSERT INTO returns (portfolio, r)
SELECT p, (random() - 0.5) / 50 FROM generate_series(1, 50) p, generate_series(1, 300);
CREATE INDEX ON returns (portfolio, id);
CREATE TABLE loans (id bigserial PRIMARY KEY, customer int NOT NULL, lim float8 NOT NULL, drawn float8 NOT NULL);
INSERT INTO loans (customer, lim, drawn) SELECT g % 500, 100, random() * 100 FROM generate_series(1, 2000) g;

CREATE MATERIALIZED VIEW pf_risk AS
SELECT portfolio, risk.var_historical(r, 0.99) AS var, risk.es_historical(r, 0.99) AS es
FROM returns GROUP BY portfolio;
CREATE UNIQUE INDEX ON pf_risk (portfolio);
CREATE MATERIALIZED VIEW loan_util AS SELECT id, customer, drawn / lim AS utilisation FROM loans;
CREATE UNIQUE INDEX ON loan_util (id);
SELECT risk.watch('pf_risk', '1 second');
SELECT risk.watch('loan_util', '1 second');
SELECT risk.add_rule('pf_risk', 'es', '>', 0.0199, 'warning', 'review the book', '{portfolio}', 'es');
SELECT risk.add_rule('loan_util', 'utilisation', '>', 0.95, 'warning', 'cut the limit', '{id}', 'util');
SQL
base_returns=$(q -c 'SELECT count(*) FROM returns')
base_loans=$(q -c 'SELECT count(*) FROM loans')
for i in $(seq 1 100); do
    [ "$(q -c "SELECT count(*) FROM risk.refresh_history WHERE outcome = 'ok'")" -ge 2 ] && break
    sleep 0.2
done
mark=$(q -c 'SELECT coalesce(max(id), 0) FROM risk.refresh_history')
sched_pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'risk scheduler'")
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
sched_rss0=$(rss "$sched_pid")

cat > "$W/agg.sql" <<'EOF'
\set p random(1, 50)
SELECT risk.var_historical(r, 0.99), risk.es_historical(r, 0.99), (risk.moments(r)).sd,
       risk.var_modified(r, 0.99) FROM returns WHERE portfolio = :p;
EOF
cat > "$W/window.sql" <<'EOF'
\set p random(1, 50)
SELECT max(v), max(e) FROM (
  SELECT risk.var_historical(r, 0.99) OVER w AS v, risk.es_historical(r, 0.99) OVER w AS e
  FROM returns WHERE portfolio = :p WINDOW w AS (ORDER BY id ROWS 249 PRECEDING)) s;
EOF
cat > "$W/credit.sql" <<'EOF'
SELECT risk.auc(drawn / lim, drawn > 90), risk.grade(avg(drawn) / 1000) FROM loans;
EOF
cat > "$W/ins_returns.sql" <<'EOF'
\set p random(1, 50)
INSERT INTO returns (portfolio, r) VALUES (:p, (random() - 0.5) / 50);
EOF
cat > "$W/ins_loans.sql" <<'EOF'
\set c random(0, 499)
INSERT INTO loans (customer, lim, drawn) VALUES (:c, 100, random() * 100);
EOF

# readers for SECONDS_RUN seconds; at the same time two writer clients
# commit an exact number of inserts (rate-limited to last about as long),
# so that every row can be accounted for
readers=$((CLIENTS > 3 ? CLIENTS - 2 : 1))
per_writer=$((SECONDS_RUN * 150))
log "pgbench: $readers readers for $SECONDS_RUN s (aggregates, windows, credit), 2 writers x $per_writer inserts; workers refreshing"
set +e
pgbench -n -c 2 -j 1 -t "$per_writer" -R 300 \
    -f "$W/ins_returns.sql@3" -f "$W/ins_loans.sql@2" bank > "$W/writers.log" 2>&1 &
wpid=$!
pgbench -n -c "$readers" -j 2 -T "$SECONDS_RUN" \
    -f "$W/agg.sql@4" -f "$W/window.sql@2" -f "$W/credit.sql@1" bank > "$W/pgbench.log" 2>&1
rc=$?
wait $wpid
wrc=$?
set -e
for f in pgbench writers; do
    grep -E '^(number of (transactions actually processed|failed)|tps|SQL script| - [0-9]+ transactions)' \
        "$W/$f.log" | sed "s/^/    $f: /"
done
check "pgbench finished without a client error" \
    "$([ $rc -eq 0 ] && [ $wrc -eq 0 ] && ! grep -q 'aborted' "$W/pgbench.log" "$W/writers.log"; echo $?)"
failed=$(cat "$W/pgbench.log" "$W/writers.log" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
check "no failed transaction (${failed:-?})" "$([ "${failed:-1}" -eq 0 ]; echo $?)"

total=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$W/pgbench.log")
written=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$W/writers.log")
returns_now=$(q -c 'SELECT count(*) FROM returns')
loans_now=$(q -c 'SELECT count(*) FROM loans')
added=$((returns_now - base_returns + loans_now - base_loans))
check "every inserted row is there ($((returns_now - base_returns)) returns + $((loans_now - base_loans)) loans = $added = ${written:-?} committed inserts of $((2 * per_writer)))" \
    "$([ "$added" -eq "${written:--1}" ] && [ "$added" -eq $((2 * per_writer)) ]; echo $?)"

refreshes=$(q -c "SELECT count(*) FROM risk.refresh_history WHERE id > $mark")
not_ok=$(q -c "SELECT count(*) FROM risk.refresh_history WHERE id > $mark AND outcome NOT IN ('ok', 'running')")
check "every refresh during the load succeeded ($refreshes refreshes, $not_ok not ok)" \
    "$([ "$refreshes" -gt 0 ] && [ "$not_ok" -eq 0 ]; echo $?)"

# a last refresh of both views, then alerts against the data
last=$(q -c 'SELECT coalesce(max(id), 0) FROM risk.refresh_history')
q -c "SELECT risk.refresh_now(view) FROM risk.watched" >/dev/null
for i in $(seq 1 300); do
    done_n=$(q -c "SELECT count(DISTINCT view) FROM risk.refresh_history
                   WHERE id > $last AND outcome = 'ok' AND started_at > now() - interval '1 hour'")
    [ "$done_n" -ge 2 ] && break
    sleep 0.2
done
sleep 1
mismatch=$(q <<'SQL'
SELECT count(*) FROM (
    (SELECT key FROM risk.open_alerts WHERE rule = 'util'
     EXCEPT SELECT jsonb_build_object('id', id) FROM loan_util WHERE utilisation > 0.95)
    UNION ALL
    (SELECT jsonb_build_object('id', id) FROM loan_util WHERE utilisation > 0.95
     EXCEPT SELECT key FROM risk.open_alerts WHERE rule = 'util')
    UNION ALL
    (SELECT key FROM risk.open_alerts WHERE rule = 'es'
     EXCEPT SELECT jsonb_build_object('portfolio', portfolio) FROM pf_risk WHERE es > 0.0199)
    UNION ALL
    (SELECT jsonb_build_object('portfolio', portfolio) FROM pf_risk WHERE es > 0.0199
     EXCEPT SELECT key FROM risk.open_alerts WHERE rule = 'es')) d
SQL
)
fresh=$(q -c "SELECT (SELECT count(*) FROM loan_util) = (SELECT count(*) FROM loans)")
open_n=$(q -c 'SELECT count(*) FROM risk.open_alerts')
all_n=$(q -c 'SELECT count(*) FROM risk.alerts')
dups=$(q -c "SELECT count(*) FROM (SELECT rule_id, key FROM risk.alerts WHERE status = 'open'
                                   GROUP BY 1, 2 HAVING count(*) > 1) d")
check "after a last refresh the open alerts are exactly the breaching rows ($open_n open of $all_n, $mismatch differ, view fresh: $fresh)" \
    "$([ "$mismatch" -eq 0 ] && [ "$fresh" = t ]; echo $?)"
check "no rule and key has two open alerts ($dups)" "$([ "$dups" -eq 0 ]; echo $?)"

# memory of one backend over many queries: the same after 200 and 2,000
growth=$(q <<'SQL'
DO $$
DECLARE
    m200 bigint;
    m2000 bigint;
    v float8;
BEGIN
    FOR i IN 1 .. 2000 LOOP
        SELECT risk.var_historical(r, 0.99) + risk.es_historical(r, 0.99) + (risk.moments(r)).sd
        INTO v FROM returns WHERE portfolio = 1 + i % 50;
        SELECT max(x) INTO v FROM (SELECT risk.var_historical(r, 0.99) OVER (ORDER BY id ROWS 99 PRECEDING) x
                                   FROM returns WHERE portfolio = 1 + i % 50) s;
        IF i = 200 THEN
            SELECT sum(total_bytes) INTO m200 FROM pg_backend_memory_contexts;
        END IF;
    END LOOP;
    SELECT sum(total_bytes) INTO m2000 FROM pg_backend_memory_contexts;
    PERFORM set_config('load.growth', (m2000 - m200)::text, false);
END $$;
SELECT current_setting('load.growth');
SQL
)
check "a backend's memory after 2,000 query pairs is that after 200 (growth $growth bytes)" \
    "$([ "$growth" -lt 262144 ]; echo $?)"
sched_rss1=$(rss "$sched_pid")
check "the scheduler's memory is steady (RSS $sched_rss0 kB before the load, $sched_rss1 kB after)" \
    "$([ "$sched_rss1" -gt 0 ] && [ "$((sched_rss1 - sched_rss0))" -lt 8192 ]; echo $?)"

errors=$(grep -cE 'ERROR|FATAL|PANIC|TRAP' "$W/server.log" || true)
[ "$errors" -gt 0 ] && grep -E 'ERROR|FATAL|PANIC|TRAP' "$W/server.log" | head -10
check "no ERROR, FATAL or PANIC in the server log ($errors)" "$([ "$errors" -eq 0 ]; echo $?)"

echo "load: ${total:-0} read transactions by $readers clients in $SECONDS_RUN s, $added inserts, $refreshes refreshes by the workers"
echo "load: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
