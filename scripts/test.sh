#!/usr/bin/env bash
# Run every test of the risk extension on this machine:
#   1. C unit tests of src/core (no server), and again under valgrind,
#   2. pg_regress on a throwaway cluster (pg_virtualenv),
#   3. TAP tests (test/t, PostgreSQL::Test::Cluster clusters, most with
#      shared_preload_libraries = 'risk'): workers, upgrade, dump/restore,
#      faults, full disk, three nodes sharded with postgres_fdw, every
#      catalog object documented, every SQL block of the tutorial,
#   4. sanitizer runs (scripts/test_sanitize.sh) and the libFuzzer harnesses
#      for a few seconds each (scripts/fuzz.sh),
#   5. a short load test (scripts/load_test.sh),
#   6. each benchmark of test/bench in smoke mode (BENCH_SMOKE=1: tiny data,
#      one run each, ratios not checked): it fails if it does not start,
#      exits non-zero or prints an ERROR, FATAL or PANIC.
# As root on a fresh Debian 12 it first installs what is missing, the
# benchmarks' peers (R and its nnet, SciPy, statsmodels, scikit-learn, tdigest)
# included; as another user the benchmarks skip the peers that are missing.
# Exits non-zero on any failure and closes with "N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [ "$(id -u)" -eq 0 ]; then
    ensure_packages "${BENCH_PEER_PACKAGES[@]}"
else
    ensure_packages
fi
build_install

pass=0
fail=0

log "unit tests (src/core)"
unit_out=$(make -C "$TOP" -s unit 2>&1) || true
echo "$unit_out" | grep -v '^make' || true
read -r up uf < <(echo "$unit_out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
if [ -z "${up:-}" ]; then up=0; uf=1; fi
pass=$((pass + up)); fail=$((fail + uf))

log "unit tests under valgrind (memory errors, leaks)"
if valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite \
        "$TOP/test/unit/unit_tests" > /tmp/risk-valgrind.$$ 2>&1; then
    tail -1 /tmp/risk-valgrind.$$
    pass=$((pass + 1))
else
    cat /tmp/risk-valgrind.$$
    echo "valgrind: FAILED"
    fail=$((fail + 1))
fi
rm -f /tmp/risk-valgrind.$$

log "regression tests (pg_regress on a throwaway cluster)"
dir=$(user_copy)
trap 'rm -rf "$dir"' EXIT
set +e
as_user "$dir" "pg_virtualenv -v $PG_MAJOR make -s installcheck TAP_TESTS=" > "$dir/regress.log" 2>&1
rc=$?
set -e
grep -E '^(ok|not ok|#|test |     )' "$dir/regress.log" | grep -vE '^# (initializing|using|running)' || true
rok=$(grep -cE '^ok [0-9]' "$dir/regress.log" || true)
rbad=$(grep -cE '^not ok [0-9]' "$dir/regress.log" || true)
if [ "$rok" -eq 0 ] && [ "$rbad" -eq 0 ]; then
    # older pg_regress output: "test name ... ok"
    rok=$(grep -cE '^(test )?[a-z0-9_]+ +\.\.\. ok' "$dir/regress.log" || true)
    rbad=$(grep -cE '^(test )?[a-z0-9_]+ +\.\.\. FAILED' "$dir/regress.log" || true)
fi
if [ $rc -ne 0 ]; then
    tail -40 "$dir/regress.log"
    if [ -f "$dir/regression.diffs" ]; then head -200 "$dir/regression.diffs"; fi
    [ "$rbad" -eq 0 ] && rbad=1
fi
pass=$((pass + rok)); fail=$((fail + rbad))

log "TAP tests (background workers on throwaway clusters)"
tok=0
tbad=0
if compgen -G "$TOP/test/t/*.pl" > /dev/null; then
    # a small file system for the full-disk test (only root can mount one;
    # without it that test is skipped)
    tiny=""
    if [ "$(id -u)" -eq 0 ]; then
        tiny=$(mktemp -d /tmp/risk-tinyfs.XXXXXX)
        if mount -t tmpfs -o size=3m,mode=0755 tmpfs "$tiny" 2>/dev/null; then
            chown "$(cluster_user)" "$tiny"
        else
            rmdir "$tiny"; tiny=""
        fi
    fi
    set +e
    as_user "$dir" "RISK_TINY_FS='$tiny' make -s installcheck REGRESS= PROVE_FLAGS=-v" > "$dir/tap.log" 2>&1
    rc=$?
    set -e
    if [ -n "$tiny" ]; then umount "$tiny" && rmdir "$tiny"; fi
    grep -E '^(ok|not ok) [0-9]+|^t/|^test/t/|^Result|^Files=' "$dir/tap.log" || true
    tok=$(grep -cE '^ok [0-9]+' "$dir/tap.log" || true)
    tbad=$(grep -cE '^not ok [0-9]+' "$dir/tap.log" || true)
    if [ $rc -ne 0 ]; then
        grep -E '^#' "$dir/tap.log" | tail -40
        for f in "$dir"/tmp_check/log/*.log; do
            [ -f "$f" ] && { echo "--- $f"; tail -30 "$f"; }
        done
        [ "$tbad" -eq 0 ] && tbad=1
    fi
fi
pass=$((pass + tok)); fail=$((fail + tbad))

log "sanitizers (core under ASan + UBSan, the regression suite against a UBSan build)"
set +e
bash "$TOP/scripts/test_sanitize.sh" --no-setup > /tmp/risk-san.$$ 2>&1
set -e
grep -E '^    |^sanitize:' /tmp/risk-san.$$ || true
read -r sp sf < <(sed -n 's/^sanitize: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' /tmp/risk-san.$$)
if [ -z "${sp:-}" ]; then tail -30 /tmp/risk-san.$$; sp=0; sf=1; fi
rm -f /tmp/risk-san.$$
pass=$((pass + sp)); fail=$((fail + sf))

log "fuzzing (each libFuzzer harness of test/fuzz for a few seconds)"
set +e
FUZZ_SECONDS=${FUZZ_SECONDS:-5} bash "$TOP/scripts/fuzz.sh" > /tmp/risk-fuzz.$$ 2>&1
set -e
grep -E '^fuzz' /tmp/risk-fuzz.$$ || tail -30 /tmp/risk-fuzz.$$
read -r fp ff < <(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' /tmp/risk-fuzz.$$)
if [ -z "${fp:-}" ]; then tail -30 /tmp/risk-fuzz.$$; fp=0; ff=1; fi
[ "$ff" -gt 0 ] && grep -A8 'FAILED' /tmp/risk-fuzz.$$ | head -60
rm -f /tmp/risk-fuzz.$$
pass=$((pass + fp)); fail=$((fail + ff))

log "load test (pgbench clients and the workers at once, briefly)"
set +e
LOAD_SECONDS=${LOAD_SECONDS:-15} bash "$TOP/scripts/load_test.sh" --no-setup > /tmp/risk-load.$$ 2>&1
set -e
grep -E '^(ok|FAIL) |^load:' /tmp/risk-load.$$ || tail -20 /tmp/risk-load.$$
read -r lp lf < <(sed -n 's/^load: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' /tmp/risk-load.$$)
if [ -z "${lp:-}" ]; then tail -20 /tmp/risk-load.$$; lp=0; lf=1; fi
rm -f /tmp/risk-load.$$
pass=$((pass + lp)); fail=$((fail + lf))

log "benchmarks in smoke mode (each of test/bench on tiny data, one run: it must start and end without an error)"
bp=0
bf=0
bench_start=$SECONDS
for b in "$TOP"/test/bench/*.sh; do
    name=$(basename "$b" .sh)
    t0=$SECONDS
    set +e
    BENCH_SMOKE=1 BENCH_NO_BUILD=1 timeout -k 10 180 bash "$b" > /tmp/risk-bench.$$ 2>&1
    rc=$?
    set -e
    nerr=$(grep -cE '(^|[^[:alpha:]])(ERROR|FATAL|PANIC):' /tmp/risk-bench.$$ || true)
    nskip=$(grep -c 'skipped: not installed' /tmp/risk-bench.$$ || true)
    note=""
    [ "$nskip" -gt 0 ] && note=", $nskip peer timings skipped (not installed)"
    if [ $rc -eq 0 ] && [ "$nerr" -eq 0 ]; then
        echo "ok   $name ($((SECONDS - t0)) s$note)"
        bp=$((bp + 1))
    else
        why="exit $rc"
        [ $rc -eq 124 ] && why="timed out after 180 s"
        echo "FAIL $name ($((SECONDS - t0)) s): $why, $nerr ERROR/FATAL/PANIC lines"
        grep -E '(^|[^[:alpha:]])(ERROR|FATAL|PANIC):' /tmp/risk-bench.$$ | head -10 || true
        tail -30 /tmp/risk-bench.$$
        bf=$((bf + 1))
    fi
done
rm -f /tmp/risk-bench.$$
echo "bench smoke: $bp passed, $bf failed in $((SECONDS - bench_start)) s"
pass=$((pass + bp)); fail=$((fail + bf))

echo
echo "unit: $up passed, $uf failed; unit under valgrind: 1 run; regression: $rok passed, $rbad failed; TAP: $tok passed, $tbad failed; sanitize: $sp passed, $sf failed; fuzz: $fp passed, $ff failed; load: $lp passed, $lf failed; bench smoke: $bp passed, $bf failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
