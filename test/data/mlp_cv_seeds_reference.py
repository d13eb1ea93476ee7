#!/usr/bin/python3
# mlp_cv_seeds_reference.py
#   Reference values for comparing L-BFGS training with scikit-learn's over
#   many starts: scikit-learn 1.2.1's MLPClassifier (Debian's
#   python3-sklearn) fitted on each of the five cross-validation folds of
#   mlp_reference.py from seeds 1 to SEEDS, for each L-BFGS configuration of
#   mlp_reference.CV_CONFIGS, on the credit data and the breast-cancer data.
#   Run with Debian's interpreter after mlp_reference.py (it reads the data
#   and the folds that script wrote):
#   cd test/data && /usr/bin/python3 mlp_cv_seeds_reference.py
#   (it writes next to itself and the same bytes on every run: BLAS held to
#   one thread, every draw seeded).
#
#   Why many starts: a network's loss has many local minima, and two
#   L-BFGS implementations from the same start (libLBFGS here, SciPy's
#   L-BFGS-B in scikit-learn) follow the same path only until their line
#   searches or their roundings differ, which on a network that has not
#   converged after max_iter iterations (or converges to another minimum)
#   gives a different model.  One fit per fold tells which path was luckier;
#   thirty fits per configuration tell whether one trainer is worse.
#
#   mlp_cv_seeds.csv: data,config_id,fold,seed,auc,log_loss,train_loss,
#     n_iter.  For data 'credit' (mlp_data.csv) and 'cancer'
#     (mlp_breast_cancer.csv), each L-BFGS config, fold k = 1..5
#     (mlp_folds.csv) and seed s = 1..SEEDS: MLPClassifier(random_state = s,
#     the config) fitted as mlp_reference.py fits it (the rows of the other
#     folds in id order, standardized with their mean and population std);
#     auc = roc_auc_score and log_loss = sklearn.metrics.log_loss (default
#     eps) of predict_proba on fold k's rows standardized the same way;
#     train_loss = loss_ (the penalized training loss the fit reached);
#     n_iter = n_iter_.  The rows of seed 1 equal mlp_cv.csv's (asserted).
import csv
import json
import os
import sys
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np                                   # noqa: E402
from sklearn.exceptions import ConvergenceWarning    # noqa: E402
from sklearn.metrics import log_loss, roc_auc_score  # noqa: E402
from sklearn.neural_network import MLPClassifier     # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from mlp_reference import CV_CONFIGS, standardize_params  # noqa: E402

warnings.simplefilter("ignore", ConvergenceWarning)
fmt = lambda v: repr(float(v) + 0.0)                 # + 0.0: never "-0.0"
SEEDS = 6


def read(name):
    with open(os.path.join(HERE, name), newline="") as fh:
        return list(csv.DictReader(fh))


def main():
    credit = read("mlp_data.csv")
    cancer = read("mlp_breast_cancer.csv")
    data = {
        "credit": (np.array([[float(r["x%d" % j]) for j in range(1, 7)] for r in credit]),
                   np.array([int(r["y"]) for r in credit])),
        "cancer": (np.array([[float(r["x%d" % j]) for j in range(1, 31)] for r in cancer]),
                   np.array([int(r["y"]) for r in cancer])),
    }
    folds = {}
    for r in read("mlp_folds.csv"):
        folds.setdefault(r["data"], []).append((int(r["id"]), int(r["fold"])))
    cv = {(r["data"], int(r["config_id"]), int(r["fold"])): r for r in read("mlp_cv.csv")}
    rows = []
    for dname in ("credit", "cancer"):
        X, y = data[dname]
        ids = sorted(folds[dname])
        assert [i for i, _ in ids] == list(range(1, len(y) + 1))
        fold = np.array([f for _, f in ids])
        for cfg, kw, opts in CV_CONFIGS:
            if kw["solver"] != "lbfgs":
                continue
            lls = []
            for k in range(1, 6):
                tr, te = fold != k, fold == k
                m, sc = standardize_params(X[tr])
                for s in range(1, SEEDS + 1):
                    est = MLPClassifier(random_state=s, **kw)
                    est.fit((X[tr] - m) / sc, y[tr])
                    pd = est.predict_proba((X[te] - m) / sc)[:, 1]
                    auc, ll = roc_auc_score(y[te], pd), log_loss(y[te], pd)
                    if s == 1:
                        ref = cv[(dname, cfg, k)]
                        assert json.loads(ref["options"]) == opts
                        assert fmt(auc) == ref["auc"] and fmt(ll) == ref["log_loss"], (dname, cfg, k)
                    rows.append([dname, cfg, k, s, fmt(auc), fmt(ll), fmt(est.loss_), est.n_iter_])
                    lls.append(ll)
            print("%s config %d: %d fits, mean held-out log-loss %.6f (sd %.6f)"
                  % (dname, cfg, len(lls), np.mean(lls), np.std(lls, ddof=1)))
    with open(os.path.join(HERE, "mlp_cv_seeds.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["data", "config_id", "fold", "seed", "auc", "log_loss", "train_loss", "n_iter"])
        w.writerows(rows)
    print("wrote mlp_cv_seeds.csv: %d rows" % len(rows))


if __name__ == "__main__":
    main()
