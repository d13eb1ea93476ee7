#!/usr/bin/env bash
# Run every test of the risk extension on this machine:
#   1. C unit tests of src/core (no server), and again under valgrind,
#   2. pg_regress on a throwaway cluster (pg_virtualenv),
#   3. TAP tests, when test/t has any.
# As root on a fresh Debian 12 it first installs what is missing.  Exits
# non-zero on any failure and closes with "N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_packages
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
        "$TOP/test/unit/test_core" > /tmp/risk-valgrind.$$ 2>&1; then
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
as_user "$dir" "pg_virtualenv -v $PG_MAJOR make -s installcheck" > "$dir/regress.log" 2>&1
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

echo
echo "unit: $up passed, $uf failed; unit under valgrind: 1 run; regression: $rok passed, $rbad failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
