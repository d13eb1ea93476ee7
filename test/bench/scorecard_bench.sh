#!/usr/bin/env bash
#
# scorecard_bench.sh - benchmark of the credit-scoring functions of the risk
# extension against their peers, measured in one run:
#
#   1. Logistic regression on 1,000,000 rows x 10 features: risk.logit_fit
#      (the in-memory aggregate) and risk.logit_fit_table (one pass per
#      iteration), serial and with 2 parallel workers, vs R's glm and
#      statsmodels' Logit on the same data.
#   2. AUC over 10,000,000 scored loans: risk.auc, serial and parallel, vs
#      scikit-learn's roc_auc_score.
#
# Ours is timed in SQL on a throwaway cluster (pg_virtualenv), including the
# scan of its table; the peers inside R or Python on data already in memory.
# Best of 3 (of 2 for the large ones).  Prints timings and ratios (peer /
# ours: above 1 means we are faster).  Exits 0 whatever the ratios, non-zero
# when a query or a peer fails.
#
# Run from the repository root:  bash test/bench/scorecard_bench.sh
# As root on Debian 12 it installs what is missing (R, statsmodels,
# scikit-learn), builds and installs the extension and runs the cluster as
# the postgres user; BENCH_NO_BUILD=1 measures what is installed.  As an
# ordinary user it builds and installs nothing: the extension must be
# installed, and a peer that is not installed is skipped with a note.
# BENCH_SMOKE=1: tiny data, one run each (seconds; the ratios mean nothing),
# as scripts/test.sh runs it.
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

if [[ ${1:-} != --inner ]]; then
    bench_setup scorecard_bench r-base-core python3-statsmodels python3-sklearn python3-numpy
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    as_user "$dir" "BENCH_SMOKE='${BENCH_SMOKE:-}' pg_virtualenv -v $PG_MAJOR -o shared_buffers=2GB -o work_mem=512MB -o max_parallel_workers_per_gather=2 bash test/bench/scorecard_bench.sh --inner" 2>&1 |
        grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
    exit 0
fi

# ---- inside the throwaway cluster, as its owner, in a copy of the tree ----
if bench_smoke; then
    N_LOANS=5000 N_SCORES=50000 REPS=1 REPS_BIG=1
else
    N_LOANS=1000000 N_SCORES=10000000 REPS=3 REPS_BIG=2
fi
W=$(pwd)/bench-work
mkdir -p "$W"
PY=/usr/bin/python3
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
ms() {   # ms LABEL MS|"" PACKAGES: a timing row, or the note of a skipped peer
    if [[ -n $2 ]]; then printf '  %-46s %10.1f ms\n' "$1" "$2"; else bench_skip "$1" "$3"; fi
}
HAVE_R=; bench_have_r && HAVE_R=1
HAVE_SM=; bench_have_py numpy statsmodels.api && HAVE_SM=1
HAVE_SK=; bench_have_py numpy sklearn.metrics && HAVE_SK=1

psql_q -c "CREATE EXTENSION risk" >/dev/null
echo "== making data"
psql_q <<SQL
SELECT setseed(0.31);
CREATE TABLE loans AS
SELECT y < 1 / (1 + exp(-(-3 + 0.8 * x[1] - 0.5 * x[2] + 0.3 * x[3] + 0.2 * x[4] - 0.4 * x[5]
                        + 0.1 * x[6] + 0.6 * x[7] - 0.3 * x[8] + 0.05 * x[9] + 0.2 * x[10]))) AS bad,
       x[1] AS x1, x[2] AS x2, x[3] AS x3, x[4] AS x4, x[5] AS x5,
       x[6] AS x6, x[7] AS x7, x[8] AS x8, x[9] AS x9, x[10] AS x10
FROM (SELECT random() AS y,
             ARRAY(SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + 0 * g
                   FROM generate_series(1, 10)) AS x
      FROM generate_series(1, $N_LOANS) g) s;
ANALYZE loans;
CREATE TABLE scores AS
SELECT (random() < 0.05 * (1 + s)) AS bad, round(s::numeric, 4)::float8 AS score
FROM (SELECT random() AS s FROM generate_series(1, $N_SCORES)) t;
ANALYZE scores;
SQL
psql_q -c "COPY loans TO STDOUT (FORMAT csv)" > "$W/loans.csv"
psql_q -c "COPY scores TO STDOUT (FORMAT csv)" > "$W/scores.csv"
X="ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10]"
XN="ARRAY['x1','x2','x3','x4','x5','x6','x7','x8','x9','x10']"

echo "== 1. Logistic regression, $(commas $N_LOANS) rows x 10 features"
psql_q -c "SELECT 'ours:   beta_1 ' || round((m).coefficients[2]::numeric, 8) || '  se_1 ' || round((m).std_errors[2]::numeric, 8)
           FROM (SELECT risk.logit_fit(bad, $X) m FROM loans) s"
T_MEM_S=$(bench_time_sql 0 $REPS "SELECT risk.logit_fit(bad, $X) FROM loans")
T_MEM_P=$(bench_time_sql 2 $REPS "SELECT risk.logit_fit(bad, $X) FROM loans")
T_TAB_S=$(bench_time_sql 0 $REPS_BIG "SELECT risk.logit_fit_table('loans', 'bad', $XN)")
T_TAB_P=$(bench_time_sql 2 $REPS_BIG "SELECT risk.logit_fit_table('loans', 'bad', $XN)")
T_GLM= T_SM= T_SK=
if [[ -n $HAVE_R ]]; then
    R_GLM=$(Rscript -e "
d <- read.csv('$W/loans.csv', header = FALSE); names(d) <- c('bad', paste0('x', 1:10)); d\$bad <- d\$bad == 't'
best <- Inf; for (i in 1:$REPS_BIG) { t <- system.time(f <- glm(bad ~ ., family = binomial, data = d))[['elapsed']]; best <- min(best, t) }
cat(sprintf('%.1f %.8f', 1000 * best, coef(f)[['x1']]))")
    read -r T_GLM GLM_B1 <<<"$R_GLM"
    echo "glm:    beta_1 $GLM_B1"
fi
if [[ -n $HAVE_SM ]]; then
    T_SM=$($PY - "$W/loans.csv" "$REPS_BIG" <<'PY'
import sys, time, numpy as np, statsmodels.api as sm
d = np.loadtxt(sys.argv[1], delimiter=",", converters={0: lambda s: 1.0 if s in (b"t", "t") else 0.0})
y, X = d[:, 0], sm.add_constant(d[:, 1:])
best = 1e99
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); r = sm.Logit(y, X).fit(disp=0); best = min(best, time.perf_counter() - t)
print(f"{1000*best:.1f}"); print(f"statsmodels: beta_1 {r.params[1]:.8f}", file=sys.stderr)
PY
)
fi
ms "risk.logit_fit, serial" "$T_MEM_S"
ms "risk.logit_fit, 2 workers" "$T_MEM_P"
ms "risk.logit_fit_table, serial" "$T_TAB_S"
ms "risk.logit_fit_table, 2 workers" "$T_TAB_P"
ms "R glm" "$T_GLM" r-base-core
ms "statsmodels Logit" "$T_SM" python3-statsmodels

echo "== 2. AUC over $(commas $N_SCORES) scored loans"
T_AUC_S=$(bench_time_sql 0 $REPS_BIG "SELECT risk.auc(score, bad) FROM scores")
T_AUC_P=$(bench_time_sql 2 $REPS_BIG "SELECT risk.auc(score, bad) FROM scores")
psql_q -c "SELECT 'ours:    AUC ' || risk.auc(score, bad) FROM scores"
if [[ -n $HAVE_SK ]]; then
    T_SK=$($PY - "$W/scores.csv" "$REPS_BIG" <<'PY'
import sys, time, numpy as np
from sklearn.metrics import roc_auc_score
d = np.loadtxt(sys.argv[1], delimiter=",", converters={0: lambda s: 1.0 if s in (b"t", "t") else 0.0})
y, s = d[:, 0], d[:, 1]
best = 1e99
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); a = roc_auc_score(y, s); best = min(best, time.perf_counter() - t)
print(f"{1000*best:.1f}"); print(f"sklearn: AUC {a!r}", file=sys.stderr)
PY
)
fi
ms "risk.auc, serial" "$T_AUC_S"
ms "risk.auc, 2 workers" "$T_AUC_P"
ms "scikit-learn roc_auc_score" "$T_SK" python3-sklearn

echo
echo "== Summary (peer time / our time; above 1: ours is faster; target: faster than each)"
best_mem=$(awk -v a="$T_MEM_S" -v b="$T_MEM_P" 'BEGIN{print (a<b)?a:b}')
best_tab=$(awk -v a="$T_TAB_S" -v b="$T_TAB_P" 'BEGIN{print (a<b)?a:b}')
best_auc=$(awk -v a="$T_AUC_S" -v b="$T_AUC_P" 'BEGIN{print (a<b)?a:b}')
printf '  %-52s %8s\n' "logit_fit (in memory, best of serial/parallel) vs glm" "$(bench_ratio "$T_GLM" "$best_mem")"
printf '  %-52s %8s\n' "logit_fit (in memory) vs statsmodels" "$(bench_ratio "$T_SM" "$best_mem")"
printf '  %-52s %8s\n' "logit_fit_table (multi-pass) vs glm" "$(bench_ratio "$T_GLM" "$best_tab")"
printf '  %-52s %8s\n' "logit_fit_table (multi-pass) vs statsmodels" "$(bench_ratio "$T_SM" "$best_tab")"
printf '  %-52s %8s\n' "auc vs scikit-learn" "$(bench_ratio "$T_SK" "$best_auc")"
