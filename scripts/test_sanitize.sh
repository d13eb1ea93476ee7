#!/usr/bin/env bash
# Sanitizer runs of the extension:
#   1. the C unit tests of src/core built with AddressSanitizer and
#      UndefinedBehaviorSanitizer (every numeric routine, no server);
#   2. the whole pg_regress suite against a build of the library with
#      UndefinedBehaviorSanitizer (make SANITIZE=undefined), in a server of
#      its own; any report aborts the backend and fails the run.
#
# AddressSanitizer cannot run inside Debian's server: its runtime must be
# preloaded (LD_PRELOAD) into the postmaster, and with it preloaded
# Debian's postgres (and psql) hang at start-up in glibc's bindtextdomain
# lock, before any code of this extension runs; loading it with the
# library instead is refused ("ASan runtime does not come first").  The
# core, where the memory is handled, gets ASan through (1) and through the
# libFuzzer harnesses (scripts/fuzz.sh).
#
# The instrumented library is installed into a private copy of the
# server's directories (PostgreSQL finds its lib and share directories
# relative to its executable): the system's installation is never touched.
# Ends with "sanitize: N passed, M failed".
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [[ ${1:-} != --no-setup ]]; then
    ensure_packages
    build_install
fi

dir=$(user_copy)
root=$(mktemp -d /tmp/risk-ubsan-root.XXXXXX)
trap 'rm -rf "$dir" "$root"' EXIT
pass=0
fail=0

log "C unit tests of src/core under ASan + UBSan"
make -C "$dir" -s clean >/dev/null
set +e
make -C "$dir" -s unit \
    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
    EXTRA_LDFLAGS="-fsanitize=address,undefined" > "$dir/unit-asan.log" 2>&1
rc=$?
set -e
tail -1 "$dir/unit-asan.log" | sed 's/^/    /'
if [ $rc -eq 0 ] && grep -q '^unit: [0-9]* passed, 0 failed$' "$dir/unit-asan.log"; then
    pass=$((pass + 1))
else
    grep -E 'ERROR|runtime error|SUMMARY' "$dir/unit-asan.log" | head -20
    fail=$((fail + 1))
fi

log "regression tests against a UBSan build of the library"
mkdir -p "$root/usr/lib/postgresql/$PG_MAJOR" "$root/usr/share/postgresql"
cp -a "/usr/lib/postgresql/$PG_MAJOR/bin" "/usr/lib/postgresql/$PG_MAJOR/lib" "$root/usr/lib/postgresql/$PG_MAJOR/"
cp -a "/usr/share/postgresql/$PG_MAJOR" "$root/usr/share/postgresql/"
make -C "$dir" -s clean >/dev/null
make -C "$dir" -s SANITIZE=undefined
make -C "$dir" -s SANITIZE=undefined install DESTDIR="$root" >/dev/null
chown -R "$(cluster_user)" "$dir"
bin="$root/usr/lib/postgresql/$PG_MAJOR/bin"

set +e
as_user "$dir" "
    set -e
    export PATH='$bin':\$PATH
    initdb -D '$dir/san-data' -A trust >/dev/null
    port=\$((20000 + RANDOM % 20000))
    UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1:log_path=$dir/ubsan' \
        pg_ctl -D '$dir/san-data' -l '$dir/san-server.log' -w \
               -o \"-p \$port -k '$dir' -c listen_addresses=''\" start >/dev/null
    trap \"pg_ctl -D '$dir/san-data' -m fast -w stop >/dev/null\" EXIT
    PGHOST='$dir' PGPORT=\$port make -s installcheck TAP_TESTS= SANITIZE=undefined
" > "$dir/sanitize.log" 2>&1
rc=$?
set -e

sok=$(grep -cE '^(test )?[a-z0-9_]+ +\.\.\. ok|^ok [0-9]' "$dir/sanitize.log" || true)
sbad=$(grep -cE '^(test )?[a-z0-9_]+ +\.\.\. FAILED|^not ok [0-9]' "$dir/sanitize.log" || true)
echo "    regression: $sok passed, $sbad failed"
if [ $rc -ne 0 ]; then
    tail -30 "$dir/sanitize.log"
    [ -f "$dir/regression.diffs" ] && head -80 "$dir/regression.diffs"
    [ "$sbad" -eq 0 ] && sbad=1
fi
pass=$((pass + sok)); fail=$((fail + sbad))
reports=$(ls "$dir"/ubsan.* 2>/dev/null || true)
if [ -n "$reports" ]; then
    echo "sanitizer reports:"
    for f in $reports; do echo "--- $f"; head -40 "$f"; done
    fail=$((fail + 1))
else
    echo "    no UndefinedBehaviorSanitizer report from the server"
    pass=$((pass + 1))
fi
echo "sanitize: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
