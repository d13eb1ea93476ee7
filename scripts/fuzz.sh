#!/usr/bin/env bash
# Build the libFuzzer harnesses of src/core (test/fuzz/fuzz_*.c) with
# AddressSanitizer and UndefinedBehaviorSanitizer, and run each for a
# bounded time on a copy of its seed corpus (test/fuzz/corpus/<harness>/).
#
#   bash scripts/fuzz.sh                     every harness
#   bash scripts/fuzz.sh fuzz_evt_gpd fuzz_scorecard_woe   only these
#
# Environment:
#   FUZZ_SECONDS      seconds per harness (default 20)
#   FUZZ_OUT          build and work directory, outside the source tree
#                     (default ${TMPDIR:-/tmp}/risk-fuzz-<uid>)
#   FUZZ_SAVE_CORPUS  1: merge the inputs that reached new code back into
#                     test/fuzz/corpus/<harness>/ (libFuzzer -merge=1)
#   FUZZ_CC           the compiler (default clang)
#
# Needs clang and libclang-rt-14-dev (Debian), libgsl-dev, libopenblas-serial-dev
# and liblbfgs-dev.  Works as
# root or as any user, from any directory.  Prints one line per harness and
# closes with "fuzz: N passed, M failed"; a harness that crashes, leaks,
# hangs or trips a sanitizer fails, with the path of the reproducer and the
# first lines of the report.  Exits non-zero when any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$(pwd)

OUT=${FUZZ_OUT:-${TMPDIR:-/tmp}/risk-fuzz-$(id -u)}
SECS=${FUZZ_SECONDS:-20}
CC=${FUZZ_CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-g -O1 $SAN -Isrc $(gsl-config --cflags)"
BLAS_DIR=/usr/lib/$(gcc -print-multiarch)/openblas-serial     # as the Makefile links
LIBS="-L$BLAS_DIR -Wl,-rpath,$BLAS_DIR -lopenblas -llbfgs $(gsl-config --libs)"

case $OUT in
    "$TOP"|"$TOP"/*) echo "FUZZ_OUT must be outside the source tree: $OUT" >&2; exit 2 ;;
esac
if ! command -v "$CC" >/dev/null; then
    echo "fuzz: $CC not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi
if ! [[ $SECS =~ ^[0-9]+$ ]] || [ "$SECS" -lt 1 ]; then
    echo "FUZZ_SECONDS must be a positive integer, got '$SECS'" >&2
    exit 2
fi

if [ $# -gt 0 ]; then
    harnesses=("$@")
else
    harnesses=()
    for f in test/fuzz/fuzz_*.c; do
        harnesses+=("$(basename "$f" .c)")
    done
fi
for h in "${harnesses[@]}"; do
    [ -f "test/fuzz/$h.c" ] || { echo "fuzz: no harness test/fuzz/$h.c" >&2; exit 2; }
done

mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/corpus" "$OUT/artifacts" "$OUT/logs"

# Objects and binaries are rebuilt when a source is newer or the flags changed.
stamp="$CC $CFLAGS $("$CC" --version | head -1)"
if [ "$(cat "$OUT/flags" 2>/dev/null)" != "$stamp" ]; then
    rm -f "$OUT"/obj/*.o "$OUT"/bin/*
    echo "$stamp" > "$OUT/flags"
fi

# Is $1 missing or older than any of the other arguments?
stale() {
    local target=$1 f
    shift
    [ -e "$target" ] || return 0
    for f in "$@"; do
        [ "$f" -nt "$target" ] && return 0
    done
    return 1
}

# The core once, instrumented for coverage but without libFuzzer's main.
echo "== building the core ($CC, address + undefined sanitizers) in $OUT"
objs=()
pids=()
for f in src/core/*.c; do
    o="$OUT/obj/$(basename "$f" .c).o"
    objs+=("$o")
    if stale "$o" "$f" src/core/*.h; then
        # shellcheck disable=SC2086
        $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$f" -o "$o" &
        pids+=($!)
    fi
done
for pid in ${pids[@]+"${pids[@]}"}; do
    wait "$pid" || { echo "fuzz: building the core failed" >&2; exit 2; }
done

pass=0
fail=0
for h in "${harnesses[@]}"; do
    bin="$OUT/bin/$h"
    if stale "$bin" "test/fuzz/$h.c" test/fuzz/fuzz_common.h src/core/*.h "${objs[@]}"; then
        # shellcheck disable=SC2086
        if ! $CC $CFLAGS -fsanitize=fuzzer -o "$bin" "test/fuzz/$h.c" "${objs[@]}" $LIBS \
                > "$OUT/logs/$h.build" 2>&1; then
            echo "$h: FAILED to build"
            sed 's/^/    /' "$OUT/logs/$h.build" | head -20
            fail=$((fail + 1))
            continue
        fi
    fi

    # a fresh working copy of the seed corpus; artifacts apart
    work="$OUT/corpus/$h"
    art="$OUT/artifacts/$h"
    log="$OUT/logs/$h.log"
    rm -rf "$work" "$art"
    mkdir -p "$work" "$art"
    if [ -d "test/fuzz/corpus/$h" ]; then
        find "test/fuzz/corpus/$h" -maxdepth 1 -type f -exec cp {} "$work/" \;
    fi

    set +e
    (
        cd "$OUT"
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
            "$bin" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 \
            -print_final_stats=1 -artifact_prefix="$art/" "$work"
    ) > "$log" 2>&1
    rc=$?
    set -e

    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    repro=$(find "$art" -maxdepth 1 -type f | head -1)
    if [ $rc -eq 0 ] && [ -z "$repro" ]; then
        echo "$h: ${runs:-?} runs in ${took:-$SECS} s, no crash"
        pass=$((pass + 1))
        if [ "${FUZZ_SAVE_CORPUS:-0}" = 1 ]; then
            if mkdir -p "test/fuzz/corpus/$h" 2>/dev/null && [ -w "test/fuzz/corpus/$h" ]; then
                before=$(find "test/fuzz/corpus/$h" -type f | wc -l)
                (cd "$OUT" && "$bin" -merge=1 "$TOP/test/fuzz/corpus/$h" "$work") \
                    > "$OUT/logs/$h.merge" 2>&1 || true
                after=$(find "test/fuzz/corpus/$h" -type f | wc -l)
                echo "    corpus: $((after - before)) new file(s) in test/fuzz/corpus/$h"
            else
                echo "    corpus: test/fuzz/corpus/$h is not writable, nothing saved"
            fi
        fi
    else
        echo "$h: FAILED after ${runs:-?} runs (exit $rc)"
        if [ -n "$repro" ]; then
            echo "    reproducer: $repro"
            echo "    reproduce:  $bin $repro"
        fi
        first=$(grep -n -m1 -E 'invariant failed|runtime error:|==[0-9]+==ERROR|ERROR: libFuzzer|ALARM: working on the last Unit' \
                "$log" | cut -d: -f1 || true)
        if [ -n "$first" ]; then
            # the report and the project's frames, without libFuzzer's and libc's
            sed -n "${first},\$p" "$log" | sed '/^SUMMARY: /q' |
                grep -v -E 'in fuzzer::|__sanitizer_|libc\.so|/nptl/|/signal/|/stdlib/|/csu/| in _start | in main |^NOTE: |^ *Combine libFuzzer|^ *$' |
                head -14 | sed 's/^/    /'
        else
            tail -15 "$log" | sed 's/^/    /'
        fi
        echo "    full log: $log"
        fail=$((fail + 1))
    fi
done

echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
