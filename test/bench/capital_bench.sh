#!/usr/bin/env bash
#
# capital_bench.sh - benchmark of the capital area (docs/capital.md)
# against the same work in NumPy/SciPy, measured in one run:
#
#   1. IRB capital: risk.irb_portfolio over 1,000,000 exposures of every
#      asset class (corporates a third of them with SME sales, maturities
#      from 1 to 5 years, PDs from below the floors to 30% and a few
#      defaulted, Basel III options) vs NumPy/SciPy vectorized over whole
#      columns (scipy.stats.norm.ppf/cdf, the floors, correlations and
#      maturity adjustments by masks) and the sums of EAD, EL, RWA and
#      capital.
#
# Answers compared: the four sums within 1e-12 relative, and the RWA of
# every exposure (risk.irb_capital per row, written out by COPY) within
# 1e-12 relative of NumPy's; a mismatch fails the benchmark after the
# timings are printed.  Ours is timed in SQL on a throwaway cluster
# (pg_virtualenv), serial and with 2 parallel workers, including the scan
# of its table; the peer inside Python on columns already in memory.  Best
# of 3.  Prints timings and ratios (peer / ours: above 1 means we are
# faster).  Exits 0 whatever the ratios, non-zero when a query, the peer
# or a comparison fails.
#
# Run from the repository root:  bash test/bench/capital_bench.sh
# As root on Debian 12 it installs what is missing (NumPy, SciPy), builds
# and installs the extension and runs the cluster as the postgres user;
# BENCH_NO_BUILD=1 measures what is installed.  As an ordinary user it
# builds and installs nothing: the extension must be installed, and a peer
# that is not installed is skipped with a note.
# BENCH_SMOKE=1: tiny data, one run each (seconds; the ratios mean nothing).
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

if [[ ${1:-} != --inner ]]; then
    bench_setup capital_bench python3-numpy python3-scipy
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    as_user "$dir" "BENCH_SMOKE='${BENCH_SMOKE:-}' pg_virtualenv -v $PG_MAJOR -o shared_buffers=1GB -o work_mem=256MB -o max_parallel_workers_per_gather=2 bash test/bench/capital_bench.sh --inner" 2>&1 |
        grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
    exit 0
fi

# ---- inside the throwaway cluster, as its owner, in a copy of the tree ----
if bench_smoke; then
    NE=5000 REPS=1
else
    NE=1000000 REPS=3
fi
W=$(pwd)/bench-work
mkdir -p "$W"
PY=/usr/bin/python3
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
ms() {   # ms LABEL MS|"" PACKAGES: a timing row, or the note of a skipped peer
    if [[ -n $2 ]]; then printf '  %-46s %10.1f ms\n' "$1" "$2"; else bench_skip "$1" "$3"; fi
}
HAVE_PY=; bench_have_py numpy scipy && HAVE_PY=1
FAIL=0

psql_q -c "CREATE EXTENSION risk" >/dev/null

# ---- data -----------------------------------------------------------------
echo "== making data: $(commas $NE) exposures"
psql_q <<SQL
SELECT setseed(0.2026);
CREATE TABLE exposures WITH (parallel_workers = 2) AS
SELECT i AS id, cls AS class_code,
       (ARRAY['corporate','sovereign','bank','mortgage','qrre','qrre_transactor','other_retail'])[cls + 1] AS asset_class,
       CASE WHEN random() < 0.002 THEN 1.0
            ELSE round(exp(ln(0.0001) + random() * (ln(0.3) - ln(0.0001)))::numeric, 6)::float8 END AS pd,
       round((0.05 + 0.85 * random())::numeric, 4)::float8 AS lgd,
       round(exp(10 + 2 * random())::numeric, 2)::float8 AS ead,
       CASE WHEN cls <= 2 THEN round((1 + 4 * random())::numeric, 2)::float8 ELSE 2.5 END AS maturity,
       CASE WHEN cls = 0 AND random() < 1.0 / 3 THEN round((1 + 60 * random())::numeric, 1)::float8 END AS sales
FROM (SELECT i, (ARRAY[0,0,0,1,2,2,3,3,3,4,4,5,6,6])[1 + floor(random() * 14)::int] AS cls
      FROM generate_series(1, $NE) i) s;
-- sovereigns have no PD floor: keep theirs where the maturity adjustment is defined
UPDATE exposures SET pd = 0.0001 WHERE asset_class = 'sovereign' AND pd < 0.0001;
ANALYZE exposures;
SQL
psql_q -c "COPY (SELECT id, class_code, pd, lgd, ead, maturity, coalesce(sales, 'NaN') FROM exposures ORDER BY id) TO '$W/exposures.csv' (FORMAT csv)"
psql_q -c "COPY (SELECT e.id, g.rwa FROM exposures e, risk.irb_capital(e.pd, e.lgd, e.ead, e.asset_class, e.maturity, e.sales, '{\"regime\": \"basel3\"}') g ORDER BY e.id) TO '$W/ours_rwa.csv' (FORMAT csv)"

# ---- 1. IRB capital ---------------------------------------------------------
Q_IRB="SELECT (p).exposures, (p).ead, (p).expected_loss, (p).rwa, (p).capital FROM (SELECT risk.irb_portfolio(pd, lgd, ead, asset_class, maturity, sales, '{\"regime\": \"basel3\"}') AS p FROM exposures) s"
echo "== 1. IRB capital of $(commas $NE) exposures"
T_IRB_S=$(bench_time_sql 0 $REPS "$Q_IRB")
T_IRB_P=$(bench_time_sql 2 $REPS "$Q_IRB")
psql_q -F, -c "$Q_IRB" > "$W/ours_sums.csv"
T_IRB_PY=
if [[ -n $HAVE_PY ]]; then
    T_IRB_PY=$($PY - "$W" $REPS <<'PY'
import sys, time
import numpy as np
from scipy.stats import norm
w, reps = sys.argv[1], int(sys.argv[2])
d = np.loadtxt(f"{w}/exposures.csv", delimiter=",")
ids, cls, pd, lgd, ead, m, sales = (d[:, j] for j in range(7))
cls = cls.astype(int)

def irb(cls, pd, lgd, ead, m, sales):
    floor = np.where(cls == 1, 0.0, np.where(cls == 4, 0.0010, 0.0005))
    p = np.maximum(pd, floor)
    dflt = p == 1.0
    pp = np.where(dflt, 0.5, p)                  # any value: masked below
    w50 = -np.expm1(-50 * pp) / -np.expm1(-50.0)
    w35 = -np.expm1(-35 * pp) / -np.expm1(-35.0)
    s = np.clip(np.nan_to_num(sales, nan=50.0), 5, 50)
    r = 0.12 * w50 + 0.24 * (1 - w50)
    r = np.where(cls == 0, r - 0.04 * (1 - (s - 5) / 45), r)
    r = np.where(cls == 3, 0.15, r)
    r = np.where((cls == 4) | (cls == 5), 0.04, r)
    r = np.where(cls == 6, 0.03 * w35 + 0.16 * (1 - w35), r)
    b = (0.11852 - 0.05478 * np.log(pp)) ** 2
    ma = np.where(cls <= 2, (1 + (m - 2.5) * b) / (1 - 1.5 * b), 1.0)
    k = (lgd * norm.cdf((norm.ppf(pp) + np.sqrt(r) * norm.ppf(0.999)) / np.sqrt(1 - r)) - pp * lgd) * ma
    k = np.where(dflt, 0.0, k)                   # ELBE = LGD
    rwa = 12.5 * k * ead
    el = p * lgd * ead
    return rwa, el

best = None
for _ in range(reps):
    t0 = time.perf_counter()
    rwa, el = irb(cls, pd, lgd, ead, m, sales)
    sums = (len(ead), ead.sum(), el.sum(), rwa.sum(), 0.08 * rwa.sum())
    t = (time.perf_counter() - t0) * 1000
    best = t if best is None or t < best else best
ours = np.loadtxt(f"{w}/ours_sums.csv", delimiter=",")
ours_rwa = np.loadtxt(f"{w}/ours_rwa.csv", delimiter=",")[:, 1]
ok = int(ours[0]) == sums[0]
for name, a, b in zip(["ead", "expected_loss", "rwa", "capital"], ours[1:], sums[1:]):
    rel = abs(a - b) / abs(b)
    if not rel <= 1e-12:
        print(f"  MISMATCH {name}: ours {a!r}, NumPy {b!r}, relative {rel:.3g}", file=sys.stderr)
        ok = False
den = np.where(rwa == 0, 1.0, np.abs(rwa))
worst = float(np.max(np.abs(ours_rwa - rwa) / den))
if not worst <= 1e-12:
    print(f"  MISMATCH per-exposure RWA: worst relative difference {worst:.3g}", file=sys.stderr)
    ok = False
print(f"  compared: 4 sums and {len(rwa):,} RWAs, worst relative difference per exposure {worst:.2g}", file=sys.stderr)
print(f"{best:.3f}" if ok else f"FAIL {best:.3f}")
PY
) || { echo "  the NumPy peer failed" >&2; FAIL=1; T_IRB_PY=; }
    if [[ $T_IRB_PY == FAIL* ]]; then FAIL=1; T_IRB_PY=${T_IRB_PY#FAIL }; fi
fi
ms "risk.irb_portfolio, serial" "$T_IRB_S"
ms "risk.irb_portfolio, 2 workers" "$T_IRB_P"
ms "NumPy/SciPy vectorized" "$T_IRB_PY" "python3-numpy python3-scipy"
echo "  ratio NumPy / ours: serial $(bench_ratio "$T_IRB_PY" "$T_IRB_S"), 2 workers $(bench_ratio "$T_IRB_PY" "$T_IRB_P")"

# ---- portfolio credit VaR ----
# (the simulation benchmark of the portfolio credit VaR section goes here)

rm -rf "$W"
if [[ $FAIL -ne 0 ]]; then echo "capital_bench: answers differ" >&2; exit 1; fi
