#!/usr/bin/env bash
#
# mlp_bench.sh - benchmark of the neural-network PD models of the risk
# extension against their peers, measured in one run:
#
#   1. Training a network with one hidden layer of 32 units on 900,000
#      loans x 10 features (BENCH_ROWS to change the table's 1,000,000;
#      every tenth loan is held out for validation): risk.mlp_fit by
#      L-BFGS (100 iterations) and by Adam (5 epochs of batches of 200),
#      against scikit-learn's MLPClassifier with the same architecture,
#      penalty, solver, iterations and seed, and R's nnet (the same
#      architecture, BFGS, 100 iterations); the validation log-loss of
#      each model beside its time.
#   2. Training over the table (risk.mlp_fit_table, L-BFGS, 30 iterations):
#      serial against 2 parallel workers.
#   3. Scoring the 1,000,000 loans: risk.mlp_predict against
#      risk.logit_predict on the same rows and scikit-learn's predict_proba.
#
# Ours is timed in SQL on a throwaway cluster (pg_virtualenv), including the
# scan of its table; the peers inside R or Python on data already in memory.
# One run of each training (they are long), best of 3 for scoring.  Prints
# timings, the validation log-losses and ratios (peer / ours: above 1 means
# we are faster).  Exits 0 whatever the ratios, non-zero when a query or a
# peer fails.
#
# Run from the repository root:  bash test/bench/mlp_bench.sh
# As root on Debian 12 it installs what is missing (scikit-learn, R's
# nnet), builds and installs the extension and runs the cluster as the
# postgres user; BENCH_NO_BUILD=1 measures what is installed.  As an
# ordinary user it builds and installs nothing: the extension must be
# installed, and a peer that is not installed is skipped with a note.
# BENCH_SMOKE=1: tiny data, one run each (seconds; the ratios mean
# nothing), as scripts/test.sh runs it.
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

if [[ ${1:-} != --inner ]]; then
    bench_setup mlp_bench python3-sklearn python3-numpy r-cran-nnet
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    as_user "$dir" "BENCH_SMOKE='${BENCH_SMOKE:-}' BENCH_ROWS='${BENCH_ROWS:-}' pg_virtualenv -v $PG_MAJOR -o shared_buffers=2GB -o work_mem=512MB -o max_parallel_workers_per_gather=2 bash test/bench/mlp_bench.sh --inner" 2>&1 |
        grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
    exit 0
fi

# ---- inside the throwaway cluster, as its owner, in a copy of the tree ----
if bench_smoke; then
    N=5000 LBFGS_IT=5 ADAM_EP=1 TABLE_IT=3 REPS=1
else
    N=${BENCH_ROWS:-1000000} LBFGS_IT=100 ADAM_EP=5 TABLE_IT=30 REPS=3
fi
W=$(pwd)/bench-work
mkdir -p "$W"
PY=/usr/bin/python3
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
ms() {   # ms LABEL MS|"" PACKAGES [EXTRA]: a timing row, or the note of a skipped peer
    if [[ -n $2 ]]; then printf '  %-52s %10.1f ms  %s\n' "$1" "$2" "${4:-}"; else bench_skip "$1" "$3"; fi
}
HAVE_SK=; bench_have_py numpy sklearn.neural_network && HAVE_SK=1
HAVE_NNET=; bench_have_r nnet && HAVE_NNET=1

psql_q -c "CREATE EXTENSION risk" >/dev/null
echo "== making data: $(commas "$N") loans x 10 features, a non-linear PD"
psql_q <<SQL
SELECT setseed(0.57);
CREATE TABLE loans AS
SELECT g AS id, g % 10 = 0 AS held_out,
       (random() < 1 / (1 + exp(-(-2.6 + 0.8 * x[1] + 0.6 * x[1] * x[2] - 0.5 * x[3]
                                 + CASE WHEN x[4] > 1 THEN 1.1 ELSE 0 END + 0.3 * x[5] * x[5]
                                 - 0.4 * x[6] + 0.2 * x[7] + 0.1 * x[8] - 0.3 * x[9] + 0.05 * x[10]))))::int AS bad,
       x[1] AS x1, x[2] AS x2, x[3] AS x3, x[4] AS x4, x[5] AS x5,
       x[6] AS x6, x[7] AS x7, x[8] AS x8, x[9] AS x9, x[10] AS x10
FROM (SELECT g, ARRAY(SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + 0 * g
                      FROM generate_series(1, 10)) AS x
      FROM generate_series(1, $N) g) s;
ANALYZE loans;
SQL
psql_q -c "COPY (SELECT held_out, bad, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 FROM loans ORDER BY id) TO STDOUT (FORMAT csv)" > "$W/loans.csv"
X="ARRAY[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10]"
XN="'{x1,x2,x3,x4,x5,x6,x7,x8,x9,x10}'"
LBFGS_OPT="{\"hidden\": [32], \"alpha\": 0.0001, \"max_epochs\": $LBFGS_IT, \"seed\": 1}"
ADAM_OPT="{\"hidden\": [32], \"alpha\": 0.0001, \"solver\": \"adam\", \"max_epochs\": $ADAM_EP, \"batch_size\": 200, \"seed\": 1}"
# the validation log-loss of a model (a query over the held-out loans)
val_loss() {
    psql_q -c "SELECT round(avg(-(bad * ln(greatest(p, 1e-15)) + (1 - bad) * ln(greatest(1 - p, 1e-15))))::numeric, 5)
               FROM (SELECT bad, risk.mlp_predict(m.model, $X) AS p FROM loans, $1 m WHERE held_out) s"
}

echo "== 1. training, $(commas $((N - N / 10))) loans, 10 -> 32 -> 1"
T_LB=$(bench_time_sql 0 1 "CREATE TABLE m_lbfgs AS SELECT risk.mlp_fit(bad, $X, '$LBFGS_OPT' ORDER BY id) AS model FROM loans WHERE NOT held_out")
T_AD=$(bench_time_sql 0 1 "CREATE TABLE m_adam AS SELECT risk.mlp_fit(bad, $X, '$ADAM_OPT' ORDER BY id) AS model FROM loans WHERE NOT held_out")
L_LB=$(val_loss m_lbfgs)
L_AD=$(val_loss m_adam)
T_SKL= T_SKA= L_SKL= L_SKA= T_NN= L_NN= T_SKP=
if [[ -n $HAVE_SK ]]; then
    out=$($PY - "$W/loans.csv" "$LBFGS_IT" "$ADAM_EP" "$REPS" <<'PY'
import sys, time, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.metrics import log_loss
warnings.filterwarnings("ignore")
path, lbfgs_it, adam_ep, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
d = np.loadtxt(path, delimiter=",", converters={0: lambda s: 1.0 if s in (b"t", "t") else 0.0})
held, y, X = d[:, 0] == 1, d[:, 1], d[:, 2:]
Xt, yt = X[~held], y[~held]
mean, scale = Xt.mean(axis=0), Xt.std(axis=0)          # population deviation, as ours
Z, Zv, yv = (Xt - mean) / scale, (X[held] - mean) / scale, y[held]
out = []
for solver, it in (("lbfgs", lbfgs_it), ("adam", adam_ep)):
    m = MLPClassifier(hidden_layer_sizes=(32,), alpha=1e-4, solver=solver, max_iter=it,
                      batch_size=200, random_state=1)
    t = time.perf_counter(); m.fit(Z, yt); el = 1000 * (time.perf_counter() - t)
    out += [f"{el:.1f}", f"{log_loss(yv, m.predict_proba(Zv)[:, 1], eps=1e-15):.5f}"]
best = 1e99
for _ in range(reps):                                   # scoring every loan, in memory
    t = time.perf_counter(); m.predict_proba((X - mean) / scale); best = min(best, time.perf_counter() - t)
out.append(f"{1000 * best:.1f}")
print(" ".join(out))
PY
) || { echo "mlp_bench: the scikit-learn peer failed" >&2; exit 1; }
    read -r T_SKL L_SKL T_SKA L_SKA T_SKP <<<"$out"
fi
if [[ -n $HAVE_NNET ]]; then
    out=$(Rscript -e "
suppressMessages(library(nnet))
d <- read.csv('$W/loans.csv', header = FALSE); held <- d[[1]] == 't'; y <- d[[2]]; X <- as.matrix(d[, 3:12])
Xt <- X[!held, ]; m <- colMeans(Xt); s <- sqrt(colMeans(sweep(Xt, 2, m)^2))
Z <- sweep(sweep(Xt, 2, m), 2, s, '/'); Zv <- sweep(sweep(X[held, ], 2, m), 2, s, '/')
set.seed(1)
t <- system.time(f <- nnet(Z, y[!held], size = 32, entropy = TRUE, decay = 1e-4, maxit = $LBFGS_IT,
                           MaxNWts = 10000, trace = FALSE))[['elapsed']]
p <- pmin(pmax(predict(f, Zv), 1e-15), 1 - 1e-15); yv <- y[held]
cat(sprintf('%.1f %.5f\\n', 1000 * t, -mean(yv * log(p) + (1 - yv) * log(1 - p))))") ||
        { echo "mlp_bench: the R nnet peer failed" >&2; exit 1; }
    read -r T_NN L_NN <<<"$out"
fi
ms "risk.mlp_fit, L-BFGS $LBFGS_IT iterations" "$T_LB" "" "validation log-loss $L_LB"
ms "scikit-learn MLPClassifier, lbfgs $LBFGS_IT iterations" "$T_SKL" python3-sklearn "validation log-loss $L_SKL"
ms "R nnet, BFGS $LBFGS_IT iterations" "$T_NN" r-cran-nnet "validation log-loss $L_NN"
ms "risk.mlp_fit, Adam $ADAM_EP epochs" "$T_AD" "" "validation log-loss $L_AD"
ms "scikit-learn MLPClassifier, adam $ADAM_EP epochs" "$T_SKA" python3-sklearn "validation log-loss $L_SKA"

echo "== 2. training over the table (L-BFGS, $TABLE_IT iterations, one pass each)"
TAB="SELECT risk.mlp_fit_table('loans', 'bad', $XN, '{\"hidden\": [32], \"max_epochs\": $TABLE_IT, \"seed\": 1}', NULL, 'held_out')"
T_TS=$(bench_time_sql 0 1 "$TAB")
T_TP=$(bench_time_sql 2 1 "$TAB")
ms "risk.mlp_fit_table, serial" "$T_TS"
ms "risk.mlp_fit_table, 2 workers" "$T_TP"

echo "== 3. scoring $(commas "$N") loans"
psql_q -c "CREATE TABLE m_logit AS SELECT risk.logit_fit(bad, $X) AS model FROM loans WHERE NOT held_out" >/dev/null
T_MP=$(bench_time_sql 0 $REPS "SELECT sum(risk.mlp_predict(m.model, $X)) FROM loans, m_lbfgs m")
T_LP=$(bench_time_sql 0 $REPS "SELECT sum(risk.logit_predict(m.model, $X)) FROM loans, m_logit m")
ms "risk.mlp_predict (10 -> 32 -> 1)" "$T_MP"
ms "risk.logit_predict (10 coefficients), same rows" "$T_LP"
ms "scikit-learn predict_proba (in memory)" "$T_SKP" python3-sklearn

echo
echo "== Summary (peer time / our time; above 1: ours is faster)"
printf '  %-60s %8s\n' "mlp_fit L-BFGS vs scikit-learn lbfgs" "$(bench_ratio "$T_SKL" "$T_LB")"
printf '  %-60s %8s\n' "mlp_fit L-BFGS vs R nnet" "$(bench_ratio "$T_NN" "$T_LB")"
printf '  %-60s %8s\n' "mlp_fit Adam vs scikit-learn adam" "$(bench_ratio "$T_SKA" "$T_AD")"
printf '  %-60s %8s\n' "mlp_fit_table: serial / 2 workers" "$(bench_ratio "$T_TS" "$T_TP")"
printf '  %-60s %8s\n' "mlp_predict vs logit_predict (target: at least 0.5)" "$(bench_ratio "$T_LP" "$T_MP")"
printf '  %-60s %8s\n' "mlp_predict vs scikit-learn predict_proba" "$(bench_ratio "$T_SKP" "$T_MP")"
