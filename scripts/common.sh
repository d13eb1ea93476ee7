# Shared set-up of scripts/test.sh, scripts/demo.sh and the benchmarks of
# test/bench: packages, build, install, running a command as an ordinary
# user in a copy of the tree, and the benchmarks' checks.  Sourced, not run.

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf '== %s\n' "$*"; }

# Install what is missing (Debian 12).  Needs root; as another user the
# packages must already be there.
ensure_packages() {
    local want=(make gcc postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
                postgresql-client-$PG_MAJOR libgsl-dev libopenblas-serial-dev liblbfgs-dev
                libipc-run-perl valgrind
                clang libclang-rt-14-dev "$@")
    local missing=()
    local p
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: ${missing[*]} (run as root to install them)" >&2
        return 1
    fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build with -Werror and install into the server's directories.
build_install() {
    log "building"
    make -C "$TOP" -s
    log "installing"
    if [ "$(id -u)" -eq 0 ]; then
        make -C "$TOP" -s install >/dev/null
    else
        sudo make -C "$TOP" -s install >/dev/null
    fi
}

# The user that owns throwaway clusters: initdb refuses root.
cluster_user() {
    if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# Copy the tree to a fresh directory the cluster user owns; print its path.
user_copy() {
    local u dir
    u=$(cluster_user)
    dir=$(mktemp -d /tmp/risk-run.XXXXXX)
    tar -C "$TOP" --exclude=.git -cf - . | tar -C "$dir" -xf -
    chown -R "$u" "$dir"
    chmod 755 "$dir"
    echo "$dir"
}

# Run a shell command as the cluster user inside directory $1.
as_user() {
    local dir=$1; shift
    local u
    u=$(cluster_user)
    if [ "$(id -u)" -eq 0 ]; then
        su "$u" -s /bin/bash -c "cd '$dir' && $*"
    else
        bash -c "cd '$dir' && $*"
    fi
}

# ---- the benchmarks (test/bench/*.sh) ----------------------------------

# The peers the benchmarks time against, as Debian packages: R with evd and
# fGarch, NumPy, pandas, SciPy, statsmodels, scikit-learn, tdigest.  Each benchmark
# names its own; scripts/test.sh installs them all as root.
BENCH_PEER_PACKAGES=(r-base-core r-cran-evd r-cran-fgarch python3-numpy python3-pandas python3-scipy
                     python3-statsmodels python3-sklearn r-cran-nnet postgresql-$PG_MAJOR-tdigest)

# BENCH_SMOKE=1 (any value but 0): tiny data and one run per query, seconds
# in all.  It shows that the benchmark starts, runs each query and peer
# and errs nowhere; its ratios mean nothing.
bench_smoke() { [[ -n ${BENCH_SMOKE:-} && ${BENCH_SMOKE} != 0 ]]; }

# bench_setup NAME PEER-PACKAGE...: what a benchmark does before it starts
# its cluster, in its outer run only.
#  - As root: install what is missing (the peers too: if they cannot be
#    installed the benchmark goes on without them), build and install the
#    extension (BENCH_NO_BUILD=1: measure what is installed already).
#  - As anyone else: build and install nothing; the server and the extension
#    must be installed already.  Says what is missing and exits 1 if not.
bench_setup() {
    local name=$1; shift
    if [ "$(id -u)" -eq 0 ]; then
        ensure_packages
        if [ $# -gt 0 ] && ! ensure_packages "$@"; then
            echo "$name: could not install the peers ($*); going on without those missing" >&2
        fi
        if [[ -z ${BENCH_NO_BUILD:-} ]]; then
            build_install
        else
            bench_check_installed "$name" || exit 1
        fi
    else
        bench_check_installed "$name" || exit 1
    fi
    if bench_smoke; then
        log "$name: smoke mode (BENCH_SMOKE): tiny data, one run each; the ratios mean nothing"
    fi
}

# bench_check_installed NAME: PostgreSQL's server and pg_virtualenv, and the
# risk extension in the server's directories; a note when the installed
# version is not this tree's.
bench_check_installed() {
    local name=$1 b sharedir pkglibdir have want
    for b in initdb pg_ctl postgres psql; do
        if [ ! -x "$PG_BIN/$b" ]; then
            echo "$name: PostgreSQL $PG_MAJOR is not installed ($PG_BIN/$b is missing);" \
                 "as root: apt-get install postgresql-$PG_MAJOR" >&2
            return 1
        fi
    done
    if ! command -v pg_virtualenv >/dev/null; then
        echo "$name: pg_virtualenv is missing; as root: apt-get install postgresql-common" >&2
        return 1
    fi
    sharedir=$("$PG_BIN/pg_config" --sharedir 2>/dev/null) || sharedir=/usr/share/postgresql/$PG_MAJOR
    pkglibdir=$("$PG_BIN/pg_config" --pkglibdir 2>/dev/null) || pkglibdir=/usr/lib/postgresql/$PG_MAJOR/lib
    if [ ! -f "$sharedir/extension/risk.control" ] || [ ! -f "$pkglibdir/risk.so" ]; then
        cat >&2 <<EOF
$name: the risk extension is not installed in PostgreSQL $PG_MAJOR
  (no $sharedir/extension/risk.control or $pkglibdir/risk.so).
  Run as an ordinary user, a benchmark measures the installed extension and
  builds or installs nothing.  Install it first, as root, from the checkout:
      make && make install
  or run the benchmark as root, which builds, installs and then runs it:
      bash test/bench/$name.sh
EOF
        return 1
    fi
    have=$(sed -n "s/^default_version *= *'\(.*\)'.*/\1/p" "$sharedir/extension/risk.control")
    want=$(sed -n "s/^default_version *= *'\(.*\)'.*/\1/p" "$TOP/risk.control" 2>/dev/null)
    if [[ -n $want && $have != "$want" ]]; then
        echo "$name: note: the installed risk is $have, this tree's $want; measuring the installed one" >&2
    fi
    return 0
}

# bench_have_r PACKAGE...: Rscript runs and loads these packages.
bench_have_r() {
    command -v Rscript >/dev/null || return 1
    Rscript -e 'for (p in commandArgs(TRUE)) suppressMessages(library(p, character.only = TRUE))' \
        "$@" >/dev/null 2>&1
}

# bench_have_py MODULE...: /usr/bin/python3 imports these modules.
bench_have_py() {
    [ -x /usr/bin/python3 ] || return 1
    /usr/bin/python3 -c 'import importlib, sys
for m in sys.argv[1:]: importlib.import_module(m)' "$@" >/dev/null 2>&1
}

# commas N: 1000000 -> 1,000,000
commas() { sed ':a; s/\B[0-9]\{3\}\>/,&/; ta' <<<"$1"; }

# bench_time_sql WORKERS REPS SQL: the best of REPS runs of SQL, in ms, with
# at most WORKERS parallel workers (parallel set-up and tuple costs 0); a
# failed query stops the benchmark.
bench_time_sql() {
    local best= t out
    for ((i = 0; i < $2; i++)); do
        out=$(psql -X -q -v ON_ERROR_STOP=1 -c "SET max_parallel_workers_per_gather = $1" \
                   -c "SET parallel_setup_cost = 0" -c "SET parallel_tuple_cost = 0" -c '\timing on' -c "$3" 2>&1) ||
            { echo "$out" >&2; exit 1; }
        t=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -1)
        if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
    done
    echo "$best"
}

# bench_ratio PEER OURS: peer / ours to two decimals, n/a when either is
# missing (a peer that was skipped).
bench_ratio() {
    if [[ -z ${1:-} || -z ${2:-} ]]; then echo n/a; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'
}

# bench_skip WHAT PACKAGES: the line printed in place of a missing peer.
bench_skip() {
    printf '  %-46s    skipped: not installed (as root the benchmark installs %s)\n' "$1" "$2"
}
