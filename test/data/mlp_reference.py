#!/usr/bin/python3
# mlp_reference.py
#   Reference values of the multilayer-perceptron PD area (mlp): forward
#   pass, loss and gradient, L-BFGS training (to sklearn's stop and on to a
#   local minimum), and cross-validated AUC and log-loss, from scikit-learn
#   1.2.1's MLPClassifier (Debian's python3-sklearn) and an independent NumPy
#   implementation that the script checks against it.  Run with Debian's
#   interpreter:
#   cd test/data && /usr/bin/python3 mlp_reference.py
#   (it writes next to itself, whatever the working directory, and writes
#   the same bytes on every run: BLAS is held to one thread, every random
#   draw is seeded).  Floats are written with repr (the shortest text that
#   reads back as the same double; -0 is written as 0); every value below is
#   computed from exactly the doubles written.
#
#   Model conventions:
#     layers L = [p, h1, ..., hk, 1]; the hidden layers use one activation,
#       relu max(0, s), tanh, or logistic 1/(1 + exp(-s)); the output unit
#       is logistic: PD = sigmoid(last pre-activation).
#     inputs are standardized inside the model: z = (x - mean) / scale, with
#       mean the column mean and scale the population standard deviation
#       (ddof = 0) of the training x (1 for a constant column).  scikit-learn
#       is always trained and evaluated on z.
#     flat parameters: weights = the concatenation over layers l = 0..k of
#       W_l (fan_in x fan_out) in row-major order (entry i*fan_out + j joins
#       input unit i to unit j of the next layer); biases = the
#       concatenation of the bias vectors b_l.  Pre-activation of layer l+1:
#       s = a_l W_l + b_l (a_0 = z).  This is sklearn's coefs_[l].ravel() and
#       intercepts_[l], and its own packing order (_pack: all coefficients,
#       then all intercepts), which the script asserts.
#     loss with sample weights w_i (all 1 when unweighted):
#       loss = sum_i w_i l_i / sum_i w_i + alpha / (2 sum_i w_i) sum_l ||W_l||^2
#       l_i = -[y_i ln p_i + (1 - y_i) ln(1 - p_i)]; L2 on the weights only,
#       not on the biases.  With unit weights this is sklearn's MLPClassifier
#       loss (binary log-loss + alpha / (2 n) sum ||W||^2); sklearn clips p to
#       [eps, 1 - eps], which never binds here (asserted).  The NumPy code
#       computes l_i = log(1 + exp(s_i)) - y_i s_i from the output
#       pre-activation s_i.
#     gradient: d loss / d theta in the flat layout, all weight entries
#       first (layer by layer, row-major), then all bias entries.
#
#   Data (mlp_data.csv: id,y,w,x1,x2,x3,x4,x5,x6; 2,000 rows, seeded): a
#   credit-like portfolio.  x1 (debt-service score), x2 (payment-behaviour
#   score) and x3 (age, 45 + 12 g clipped to [18, 85]) come from correlated
#   normals (corr x1,x2 0.5, x1,x3 -0.3, x2,x3 0.2); x4 is a lognormal
#   income (log-mean 10.6, log-sd 0.5, correlated with age); x5 a
#   Beta(2, 4) utilisation; x6 exponential months since the last arrears
#   (mean 24).  y ~ Bernoulli(sigmoid(f)), f = -2.8 + 0.9 x1 + 0.7 x1 x2
#   + 1.3 [x5 > 0.5] + 0.35 ((x3 - 45) / 12)^2 - 0.7 ln(x4 / 40000)
#   - 0.025 x6 (an interaction, a threshold, a square); w in {1, 2, 0.5}
#   (seeded).  x values are rounded (4, 4, 1, 2, 4, 2 decimals) before use.
#
#   mlp_models.csv: model_id,solver,activation,hidden,alpha,layers,weights,
#     biases,mean,scale,train_loss.  sklearn MLPClassifier(hidden_layer_sizes
#     = hidden, activation, solver, alpha, random_state = 1; lbfgs:
#     max_iter = 500; adam: max_iter = 200, early_stopping = False; other
#     arguments at their defaults) fitted on the standardized data, all 2,000
#     rows, unit weights.  hidden and layers are int[] literals ('{16,8}',
#     '{6,16,8,1}'); weights, biases, mean, scale float8[] literals in the
#     layout above.  train_loss = sklearn's loss_: for lbfgs the loss at the
#     written parameters (asserted, 1e-12 relative); for adam sklearn's
#     running average of the mini-batch losses over the last epoch, NOT the
#     loss at the written parameters (that is in mlp_lossgrad.csv).
#
#   mlp_predictions.csv: model_id,id,pd.  predict_proba(...)[:, 1] of each
#     model on the rows id 1..300, from their raw x standardized with the
#     model's mean and scale; asserted equal to the NumPy forward pass of
#     the written parameters to 1e-14 relative.
#
#   mlp_lossgrad.csv: case_id,model_id,alpha,weighted,loss,grad.  The loss
#     and its gradient (float8[], layout above) AT the written parameters of
#     model model_id, on all 2,000 rows, with the given alpha (not
#     necessarily the model's), and the sample weights w when weighted is
#     true (unit weights otherwise).  Unweighted cases: sklearn's own
#     MLPClassifier._loss_grad_lbfgs (an estimator of the same shape with
#     the case's alpha, its packed parameters = the flat layout) and the
#     NumPy code agree to 1e-12 relative (loss; each gradient coordinate
#     relative to the larger of |g_j| and its natural scale
#     sum_i w_i |d l_i / d theta_j| / sum_i w_i + alpha |theta_j| / sum_i w_i,
#     the size of the terms summed: the gradient at an optimum is a
#     cancellation).  The NumPy weighted formula with unit weights equals
#     sklearn in the same way.  Weighted cases: NumPy, checked against a
#     central finite difference of the loss (step 1e-6, the loss evaluated
#     in long double) to 1e-6 relative on every coordinate.  At every point
#     no hidden pre-activation is within 1e-9 of 0 (asserted), so the relu
#     kink (derivative 0 at s = 0, as sklearn) is never ambiguous.
#
#   mlp_lbfgs.csv: case_id,activation,hidden,alpha,init_weights,init_biases,
#     final_loss,iterations,final_weights,final_biases.  L-BFGS from a given
#     start on the standardized data, unit weights: the start is drawn with
#     numpy.random.default_rng(seed) layer by layer (W_l as a
#     (fan_in, fan_out) uniform(-bound, bound) array, then b_l), bound =
#     sqrt(6 / (fan_in + fan_out)), sqrt(2 / (fan_in + fan_out)) for
#     logistic (sklearn's Glorot scheme); then sklearn MLPClassifier(solver =
#     'lbfgs', warm_start = True, max_iter = 1000, tol = 1e-10, alpha) is
#     fitted once with max_iter = 1 to create its attributes, its coefs_ and
#     intercepts_ are set to the start and it is fitted again with
#     max_iter = 1000.  The script asserts that sklearn's first loss
#     evaluation is at exactly the start, and reproduces the run with
#     scipy.optimize.minimize(L-BFGS-B, maxiter 1000, maxfun 15000, gtol
#     1e-10, sklearn's other defaults: m = 10, ftol = 2.2e-9) from the start
#     (same final parameters, bit for bit).  final_loss = sklearn's loss_ (the
#     loss at the final parameters), iterations = n_iter_ (L-BFGS-B
#     iterations).  The stop is L-BFGS-B's relative-reduction test
#     (ftol), so the end point is converged to about that: the summary gives
#     the final gradient norm.  With relu the loss is only piecewise smooth
#     and the run ends with some rows near a kink (pre-activation ~1e-6), so
#     its final gradient is not small (~1e-3) and the end point is sensitive
#     to rounding along the path; tanh and logistic end with |grad| ~1e-5.
#
#   mlp_lbfgs_converged.csv: case_id,converged_loss,converged_iterations,
#     converged_grad_norm,converged_weights,converged_biases,minimum_loss,
#     minimum_grad_norm,hessian_min_eig,hessian_max_eig,minimum_weights,
#     minimum_biases.  The cases of mlp_lbfgs.csv (same data, alpha, shape,
#     unit weights) run on to a local minimum from the same START (not from
#     sklearn's end): scipy.optimize.minimize(method = 'L-BFGS-B', jac =
#     True) on sklearn's loss and gradient (_loss_grad_lbfgs, as above) with
#     ftol = 0, gtol = 1e-12, maxiter = 50000, maxfun = 100000, maxcor = 10.
#     converged_loss = the loss at the written converged parameters,
#     converged_iterations = L-BFGS-B iterations (nit), converged_grad_norm =
#     the Euclidean norm of the gradient there.  With ftol = 0 the run ends
#     when an iteration no longer lowers the loss in floating point (message
#     REL_REDUCTION_OF_F): for tanh and logistic |grad| ~1e-9, but the loss
#     is flat along some directions (smallest Hessian eigenvalue ~1e-6), so
#     the parameters are only within ~1e-4 of the minimum (at most |grad| /
#     hessian_min_eig).  minimum_*: that point polished by Newton steps
#     (Hessian = central difference of the gradient, step 1e-5, symmetrized;
#     steps taken while they lower |grad|): the local minimum to rounding
#     (|grad| ~3e-17); hessian_min_eig, hessian_max_eig: the extreme
#     eigenvalues of that Hessian at the written minimum (> 0: a strict
#     local minimum; step 1e-4 gives the same to 1e-6 relative, asserted).
#     The script checks that a second run with the same options from
#     sklearn's END point (mlp_lbfgs.csv) reaches the same minimum (loss
#     within 1e-13; polished, the same loss and parameters within 1e-8,
#     in fact < 1e-12) and prints the distances.  relu:
#     the loss is only piecewise smooth; L-BFGS-B stops at a kink (a hidden
#     pre-activation ~1e-13 at some row) with |grad| ~3e-3, which is no
#     stationary point of either smooth piece, and the run from sklearn's end
#     stops at a different point; minimum_* and hessian_* are empty (NULL).
#
#   mlp_breast_cancer.csv: id,y,x1..x30.  scikit-learn's load_breast_cancer()
#     (the Wisconsin diagnostic data bundled with the package, 569 rows, in
#     its order), y = 1 for MALIGNANT (sklearn's target is 1 for benign:
#     y = 1 - target), x1..x30 its 30 features in its column order.
#
#   mlp_folds.csv: data,id,fold.  data = 'credit' (mlp_data.csv, ids
#     1..2000) or 'cancer' (mlp_breast_cancer.csv, ids 1..569); fold in 1..5:
#     the test fold of the row in sklearn StratifiedKFold(n_splits = 5,
#     shuffle = True, random_state = 20250612).split(x, y) (stratified on y;
#     the k-th split's test rows get fold k).
#
#   mlp_cv.csv: data,config_id,options,fold,auc,log_loss,n_iter,auc_logit,
#     log_loss_unclipped,clipped.  For each data set, config and fold k:
#     MLPClassifier(random_state = 1, the config) fitted on the rows of the
#     other four folds (in id order, unit weights: the w of mlp_data.csv is
#     not used), standardized with those rows' mean and population std; then
#     evaluated on the rows of fold k standardized the same way (the
#     training folds' mean and scale).  options = the config as the JSON
#     text the SQL function receives: keys "hidden" (array), "activation",
#     "alpha", "solver", "max_epochs" (sklearn's max_iter: L-BFGS
#     iterations for lbfgs, epochs for adam) and, for adam, "batch_size",
#     "learning_rate" (learning_rate_init).  Configs: 1 lbfgs {16} relu
#     alpha 1e-4 max_iter 200 (sklearn's defaults); 2 adam {16} relu alpha
#     1e-4 max_iter 200 batch_size 200 learning_rate_init 0.001
#     early_stopping False; 3 lbfgs {8} tanh alpha 1e-2 max_iter 500; every
#     other argument at sklearn's default (tol 1e-4: for lbfgs its gtol; for
#     adam the stop after 10 epochs without a tol improvement of the
#     training loss; shuffle True; max_fun 15000).  auc = roc_auc_score(y,
#     predict_proba[:, 1]); log_loss = sklearn.metrics.log_loss(y,
#     predict_proba[:, 1]) with its DEFAULT eps ('auto' = 2.22e-16: p
#     clipped to [eps, 1 - eps]); n_iter = n_iter_ (sklearn warns when it
#     reaches max_iter).  predict_proba is exactly 0 or 1 where the output
#     pre-activation s passes about +-37 (the relu lbfgs model on the cancer
#     data nearly separates its training rows and saturates), so:
#     auc_logit = roc_auc_score(y, s) (no ties from saturation),
#     log_loss_unclipped = mean(ln(1 + exp(s)) - y s) (the exact mean
#     log-loss, no clipping), clipped = the number of evaluated rows whose p
#     is outside [eps, 1 - eps] (where log_loss and log_loss_unclipped can
#     differ).  s comes from the NumPy forward pass of sklearn's parameters,
#     whose PD equals predict_proba to 1e-14 relative (asserted).  The
#     script prints the mean over the folds of each column per data set and
#     config.
import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import csv
import json
import warnings

import numpy as np
import scipy.optimize
from scipy.special import expit
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
fmt = lambda v: repr(float(v) + 0.0)              # + 0.0: never "-0.0"


def arr_lit(items):
    return "{" + ",".join(items) + "}"


def farr(a):
    return arr_lit(fmt(v) for v in np.ravel(a))


def iarr(a):
    return arr_lit(str(int(v)) for v in a)


def write_csv(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return os.path.getsize(os.path.join(HERE, name))


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), np.finfo(float).tiny)))


# --------------------------------------------------------------------------
# Data

N = 2000


def make_data():
    rng = np.random.default_rng(20250611)
    C = np.array([[1, .5, -.3], [.5, 1, .2], [-.3, .2, 1]])
    g = rng.standard_normal((N, 3)) @ np.linalg.cholesky(C).T
    x1 = np.round(g[:, 0], 4)
    x2 = np.round(g[:, 1], 4)
    x3 = np.round(np.clip(45 + 12 * g[:, 2], 18, 85), 1)
    x4 = np.round(np.exp(10.6 + 0.5 * (0.4 * g[:, 2] + np.sqrt(0.84) * rng.standard_normal(N))), 2)
    x5 = np.round(rng.beta(2, 4, N), 4)
    x6 = np.round(rng.exponential(24, N), 2)
    f = (-2.8 + 0.9 * x1 + 0.7 * x1 * x2 + 1.3 * (x5 > 0.5)
         + 0.35 * ((x3 - 45) / 12) ** 2 - 0.7 * np.log(x4 / 40000) - 0.025 * x6)
    y = (rng.uniform(size=N) < expit(f)).astype(int)
    w = rng.choice([1.0, 2.0, 0.5], size=N)
    X = np.column_stack([x1, x2, x3, x4, x5, x6])
    rows = [[i + 1, int(y[i]), fmt(w[i])] + [fmt(v) for v in X[i]] for i in range(N)]
    size = write_csv("mlp_data.csv", ["id", "y", "w", "x1", "x2", "x3", "x4", "x5", "x6"], rows)
    # read back: every later value comes from the doubles written
    with open(os.path.join(HERE, "mlp_data.csv"), newline="") as fh:
        back = list(csv.reader(fh))[1:]
    Xb = np.array([[float(v) for v in r[3:]] for r in back])
    yb = np.array([int(r[1]) for r in back])
    wb = np.array([float(r[2]) for r in back])
    assert np.array_equal(Xb, X) and np.array_equal(yb, y) and np.array_equal(wb, w)
    return Xb, yb, wb, size


def standardize_params(X):
    mean = X.mean(axis=0)
    scale = X.std(axis=0)                         # ddof = 0
    scale[scale == 0] = 1.0
    return mean, scale


def make_cancer():
    """sklearn's breast-cancer data, y = 1 for malignant; written, read back."""
    d = load_breast_cancer()
    assert list(d.target_names) == ["malignant", "benign"]
    X = np.asarray(d.data, dtype=float)
    y = 1 - np.asarray(d.target, dtype=int)
    n, p = X.shape
    assert (n, p) == (569, 30) and int(y.sum()) == 212
    rows = [[i + 1, int(y[i])] + [fmt(v) for v in X[i]] for i in range(n)]
    size = write_csv("mlp_breast_cancer.csv",
                     ["id", "y"] + ["x%d" % (j + 1) for j in range(p)], rows)
    with open(os.path.join(HERE, "mlp_breast_cancer.csv"), newline="") as fh:
        back = list(csv.reader(fh))[1:]
    Xb = np.array([[float(v) for v in r[2:]] for r in back])
    yb = np.array([int(r[1]) for r in back])
    assert np.array_equal(Xb, X) and np.array_equal(yb, y)
    return Xb, yb, size


FOLD_SEED = 20250612


def stratified_folds(X, y):
    fold = np.zeros(len(y), dtype=int)
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=FOLD_SEED)
    for k, (_, test) in enumerate(skf.split(X, y), start=1):
        assert np.all(fold[test] == 0)
        fold[test] = k
    assert np.all(fold > 0)
    return fold


# --------------------------------------------------------------------------
# Independent NumPy model (flat parameters; dtype float64 or long double)

def unflatten(layers, weights, biases):
    Ws, bs, a, c = [], [], 0, 0
    for fi, fo in zip(layers[:-1], layers[1:]):
        Ws.append(weights[a:a + fi * fo].reshape(fi, fo))
        bs.append(biases[c:c + fo])
        a += fi * fo
        c += fo
    assert a == len(weights) and c == len(biases)
    return Ws, bs


def act_fn(name, s):
    if name == "relu":
        return np.maximum(s, 0)
    if name == "tanh":
        return np.tanh(s)
    assert name == "logistic"
    return 1 / (1 + np.exp(-s))


def act_deriv(name, s, a):
    """d a / d s from the pre-activation s and the activation a."""
    if name == "relu":
        return (s > 0).astype(s.dtype)
    if name == "tanh":
        return 1 - a * a
    return a * (1 - a)


def forward(layers, act, weights, biases, Z):
    """Returns the pre-activations and activations of every layer."""
    Ws, bs = unflatten(layers, weights, biases)
    A, S = [Z], []
    for l, (W, b) in enumerate(zip(Ws, bs)):
        s = A[-1] @ W + b
        S.append(s)
        if l < len(Ws) - 1:
            A.append(act_fn(act, s))
    return S, A


def np_pd(layers, act, weights, biases, Z):
    S, _ = forward(layers, act, weights, biases, Z)
    s = S[-1][:, 0]
    return 1 / (1 + np.exp(-s))


def np_loss(layers, act, weights, biases, Z, y, w, alpha):
    S, _ = forward(layers, act, weights, biases, Z)
    s = S[-1][:, 0]
    li = np.logaddexp(0, s) - y * s
    sw = w.sum()
    return (w * li).sum() / sw + alpha / (2 * sw) * (weights * weights).sum()


def np_loss_grad(layers, act, weights, biases, Z, y, w, alpha):
    """Loss, flat gradient, and the natural scale of each gradient
    coordinate (sum_i w_i |d l_i / d theta| / sum w + alpha |theta| / sum w)."""
    Ws, bs = unflatten(layers, weights, biases)
    S, A = forward(layers, act, weights, biases, Z)
    s = S[-1][:, 0]
    sw = w.sum()
    loss = (w * (np.logaddexp(0, s) - y * s)).sum() / sw \
        + alpha / (2 * sw) * (weights * weights).sum()
    p = 1 / (1 + np.exp(-s))
    delta = ((w * (p - y)) / sw)[:, None]          # d loss / d s, last layer
    gW, gb, aW, ab = [None] * len(Ws), [None] * len(Ws), [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        gW[l] = A[l].T @ delta + (alpha / sw) * Ws[l]
        gb[l] = delta.sum(axis=0)
        aW[l] = np.abs(A[l]).T @ np.abs(delta) + (alpha / sw) * np.abs(Ws[l])
        ab[l] = np.abs(delta).sum(axis=0)
        if l > 0:
            delta = (delta @ Ws[l].T) * act_deriv(act, S[l - 1], A[l])
    grad = np.concatenate([g.ravel() for g in gW] + [g.ravel() for g in gb])
    gscale = np.concatenate([g.ravel() for g in aW] + [g.ravel() for g in ab])
    return loss, grad, gscale


def flat_params(est):
    weights = np.concatenate([c.ravel() for c in est.coefs_])
    biases = np.concatenate([b.ravel() for b in est.intercepts_])
    return weights, biases


# --------------------------------------------------------------------------
# sklearn's own loss and gradient

def sk_helper(layers, act, alpha, Z, y):
    """An lbfgs estimator of the given shape, fitted once so that its
    _loss_grad_lbfgs can be called; returns a function of the flat params."""
    est = MLPClassifier(hidden_layer_sizes=tuple(layers[1:-1]), activation=act,
                        solver="lbfgs", alpha=alpha, max_iter=1, random_state=0)
    est.fit(Z, y)
    assert est.out_activation_ == "logistic" and est.n_layers_ == len(layers)
    # its packing is the flat layout: coefficients (row-major), then intercepts
    start = 0
    for l, (fi, fo) in enumerate(zip(layers[:-1], layers[1:])):
        assert est._coef_indptr[l] == (start, start + fi * fo, (fi, fo))
        start += fi * fo
    for l, fo in enumerate(layers[1:]):
        assert est._intercept_indptr[l] == (start, start + fo)
        start += fo
    Y = y.reshape(-1, 1).astype(float)

    def f(weights, biases):
        packed = np.concatenate([weights, biases])
        activations = [Z] + [None] * (len(layers) - 1)
        deltas = [None] * (len(layers) - 1)
        cg = [np.empty((fi, fo)) for fi, fo in zip(layers[:-1], layers[1:])]
        ig = [np.empty(fo) for fo in layers[1:]]
        loss, grad = est._loss_grad_lbfgs(packed, Z, Y, activations, deltas, cg, ig)
        # sklearn's log-loss clips p to [eps, 1 - eps]: check it does not bind
        pr = activations[-1]
        eps = np.finfo(float).eps
        assert np.all(pr > eps) and np.all(pr < 1 - eps)
        return loss, grad.copy()
    return f


def grad_close(g, ref, gscale, tol):
    d = np.abs(g - ref) / np.maximum(np.abs(ref), gscale)
    return float(d.max())


# --------------------------------------------------------------------------

MODELS = [  # model_id, solver, activation, hidden, alpha
    (1, "lbfgs", "relu", (8,), 1e-4),
    (2, "lbfgs", "tanh", (16, 8), 1e-2),
    (3, "lbfgs", "logistic", (4,), 1e-4),
    (4, "adam", "relu", (16, 8), 1e-4),
    (5, "adam", "tanh", (8,), 1e-2),
    (6, "adam", "logistic", (4,), 1e-2),
]

LOSSGRAD_EXTRA = [  # model_id, alpha, weighted
    (1, 0.1, True),
    (5, 1e-3, True),
    (2, 1e-2, True),
    (4, 1.0, False),
]

LBFGS_CASES = [  # case_id, activation, hidden, alpha, seed
    (1, "relu", (8,), 1e-4, 101),
    (2, "tanh", (6,), 1e-3, 102),
    (3, "logistic", (5,), 1e-2, 103),
]

CONVERGED_OPTIONS = {"ftol": 0.0, "gtol": 1e-12, "maxiter": 50000, "maxfun": 100000,
                     "maxcor": 10, "iprint": -1}

CV_CONFIGS = [  # config_id, sklearn arguments, options (the SQL function's JSON)
    (1, dict(hidden_layer_sizes=(16,), activation="relu", alpha=1e-4, solver="lbfgs",
             max_iter=200),
     {"hidden": [16], "activation": "relu", "alpha": 1e-4, "solver": "lbfgs",
      "max_epochs": 200}),
    (2, dict(hidden_layer_sizes=(16,), activation="relu", alpha=1e-4, solver="adam",
             max_iter=200, batch_size=200, learning_rate_init=0.001, early_stopping=False),
     {"hidden": [16], "activation": "relu", "alpha": 1e-4, "solver": "adam",
      "max_epochs": 200, "batch_size": 200, "learning_rate": 0.001}),
    (3, dict(hidden_layer_sizes=(8,), activation="tanh", alpha=1e-2, solver="lbfgs",
             max_iter=500),
     {"hidden": [8], "activation": "tanh", "alpha": 1e-2, "solver": "lbfgs",
      "max_epochs": 500}),
]


def fd_hessian(f, t, h=1e-5):
    """Symmetrized central difference of the gradient of f (returns loss,
    gradient) at t."""
    n = len(t)
    H = np.empty((n, n))
    for j in range(n):
        tp, tm = t.copy(), t.copy()
        tp[j] += h
        tm[j] -= h
        H[:, j] = (f(tp)[1] - f(tm)[1]) / (2 * h)
    return (H + H.T) / 2


def newton_polish(f, x):
    """Newton steps on the smooth loss f from x, the Hessian fd_hessian;
    steps are taken while they lower |grad|.  Returns the point, its loss,
    gradient and the Hessian there."""
    fx, gx = f(x)
    for _ in range(10):
        xn = x - np.linalg.solve(fd_hessian(f, x), gx)
        fn, gn = f(xn)
        if not np.linalg.norm(gn) < np.linalg.norm(gx):
            break
        x, fx, gx = xn, fn, gn
    return x, fx, gx, fd_hessian(f, x)


def main():
    X, y, w, data_size = make_data()
    p = X.shape[1]
    mean, scale = standardize_params(X)
    Z = (X - mean) / scale
    ones = np.ones(N)
    print("data: %d rows, default rate %.4f, weights sum %s" % (N, y.mean(), fmt(w.sum())))

    # ---- models and predictions -----------------------------------------
    models, model_rows, pred_rows = {}, [], []
    max_pred = 0.0
    NP = 300
    for mid, solver, act, hidden, alpha in MODELS:
        layers = [p] + list(hidden) + [1]
        kw = dict(max_iter=500) if solver == "lbfgs" else dict(max_iter=200, early_stopping=False)
        est = MLPClassifier(hidden_layer_sizes=hidden, activation=act, solver=solver,
                            alpha=alpha, random_state=1, **kw)
        est.fit(Z, y)
        assert list(est.classes_) == [0, 1] and est.out_activation_ == "logistic"
        weights, biases = flat_params(est)
        models[mid] = (layers, act, weights, biases, alpha, solver)
        model_rows.append([mid, solver, act, iarr(hidden), fmt(alpha), iarr(layers),
                           farr(weights), farr(biases), farr(mean), farr(scale), fmt(est.loss_)])
        Zp = (X[:NP] - mean) / scale
        pd_sk = est.predict_proba(Zp)[:, 1]
        pd_np = np_pd(layers, act, weights, biases, Zp)
        d = rel(pd_np, pd_sk)
        assert d <= 1e-14, (mid, d)
        max_pred = max(max_pred, d)
        pred_rows += [[mid, i + 1, fmt(pd_sk[i])] for i in range(NP)]
        loss_np = np_loss(layers, act, weights, biases, Z, y, ones, alpha)
        if solver == "lbfgs":
            assert rel(loss_np, est.loss_) <= 1e-12, (mid, loss_np, est.loss_)
        auc = roc_auc_score(y, est.predict_proba(Z)[:, 1])
        print("model %d %-5s %-8s %-7s alpha %-6g iter %3d train_loss(sklearn) %.6f "
              "loss at params %.6f AUC %.4f" % (mid, solver, act, iarr(hidden), alpha,
                                                 est.n_iter_, est.loss_, loss_np, auc))
    print("predictions: max relative |sklearn - numpy| = %.3g" % max_pred)

    # ---- loss and gradient ----------------------------------------------
    cases = [(mid, models[mid][4], False) for mid, *_ in MODELS] + LOSSGRAD_EXTRA
    lg_rows = []
    max_loss_sk = max_grad_sk = max_grad_plain = max_unit = max_fd = 0.0
    h = np.longdouble("1e-6")
    for cid, (mid, alpha, weighted) in enumerate(cases, start=1):
        layers, act, weights, biases, _, _ = models[mid]
        ww = w if weighted else ones
        loss, grad, gscale = np_loss_grad(layers, act, weights, biases, Z, y, ww, alpha)
        assert rel(loss, np_loss(layers, act, weights, biases, Z, y, ww, alpha)) <= 1e-15
        S, _ = forward(layers, act, weights, biases, Z)
        assert min(np.min(np.abs(t)) for t in S[:-1]) > 1e-9, cid
        if not weighted:
            sk = sk_helper(layers, act, alpha, Z, y)
            sl, sg = sk(weights, biases)
            max_loss_sk = max(max_loss_sk, rel(loss, sl))
            gd = grad_close(grad, sg, gscale, 1e-12)
            max_grad_sk = max(max_grad_sk, gd)
            max_grad_plain = max(max_grad_plain, rel(grad, sg))
            assert rel(loss, sl) <= 1e-12 and gd <= 1e-12, (cid, rel(loss, sl), gd)
        else:
            # finite differences of the loss in long double
            th = np.concatenate([weights, biases]).astype(np.longdouble)
            nw = len(weights)
            Zl, yl, wl = Z.astype(np.longdouble), y.astype(np.longdouble), ww.astype(np.longdouble)
            al = np.longdouble(alpha)

            def L(t):
                return np_loss(layers, act, t[:nw], t[nw:], Zl, yl, wl, al)
            fd = np.empty(len(th))
            for j in range(len(th)):
                tp, tm = th.copy(), th.copy()
                tp[j] += h
                tm[j] -= h
                fd[j] = float((L(tp) - L(tm)) / (2 * h))
            d = rel(fd, grad)
            assert d <= 1e-6, (cid, d)
            max_fd = max(max_fd, d)
            # the weighted formula with unit weights is sklearn's
            sk = sk_helper(layers, act, alpha, Z, y)
            sl, sg = sk(weights, biases)
            ul, ug, us = np_loss_grad(layers, act, weights, biases, Z, y, ones, alpha)
            du = max(rel(ul, sl), grad_close(ug, sg, us, 1e-12))
            assert du <= 1e-12, (cid, du)
            max_unit = max(max_unit, du)
        lg_rows.append([cid, mid, fmt(alpha), "true" if weighted else "false",
                        fmt(loss), farr(grad)])
        print("lossgrad case %2d model %d alpha %-6g weighted %-5s loss %.10f |grad|_2 %.3e"
              % (cid, mid, alpha, weighted, loss, np.linalg.norm(grad)))
    print("lossgrad: sklearn vs numpy max relative loss %.3g, gradient %.3g (scaled; "
          "plain per-coordinate %.3g); unit-weight weighted formula vs sklearn %.3g"
          % (max_loss_sk, max_grad_sk, max_grad_plain, max_unit))
    print("lossgrad: weighted gradient vs central FD max relative %.3g (per coordinate)"
          % max_fd)

    # ---- L-BFGS from a given start ----------------------------------------
    lb_rows, lb_cases = [], []
    for cid, act, hidden, alpha, seed in LBFGS_CASES:
        layers = [p] + list(hidden) + [1]
        rng = np.random.default_rng(seed)
        factor = 2.0 if act == "logistic" else 6.0
        W0, b0 = [], []
        for fi, fo in zip(layers[:-1], layers[1:]):
            bound = np.sqrt(factor / (fi + fo))
            W0.append(rng.uniform(-bound, bound, (fi, fo)))
            b0.append(rng.uniform(-bound, bound, fo))
        iw = np.concatenate([a.ravel() for a in W0])
        ib = np.concatenate(b0)
        est = MLPClassifier(hidden_layer_sizes=hidden, activation=act, solver="lbfgs",
                            alpha=alpha, warm_start=True, max_iter=1, tol=1e-10,
                            random_state=0)
        est.fit(Z, y)
        est.coefs_ = [a.copy() for a in W0]
        est.intercepts_ = [a.copy() for a in b0]
        est.set_params(max_iter=1000)
        first = []
        inner = est._loss_grad_lbfgs

        def spy(packed, *args, _inner=inner, _first=first):
            out = _inner(packed, *args)
            if not _first:
                _first.append((packed.copy(), out[0]))
            return out
        est._loss_grad_lbfgs = spy
        est.fit(Z, y)
        del est._loss_grad_lbfgs
        start = np.concatenate([iw, ib])
        assert np.array_equal(first[0][0], start), cid     # the start is used
        fw, fb = flat_params(est)
        # reproduce with scipy from the start, through sklearn's loss
        sk = sk_helper(layers, act, alpha, Z, y)
        res = scipy.optimize.minimize(lambda t: sk(t[:len(iw)], t[len(iw):]), start,
                                      method="L-BFGS-B", jac=True,
                                      options={"maxfun": 15000, "maxiter": 1000,
                                               "iprint": -1, "gtol": 1e-10})
        assert np.array_equal(res.x, np.concatenate([fw, fb])), cid
        assert res.nit == est.n_iter_ and res.fun == est.loss_, cid
        loss0 = np_loss(layers, act, iw, ib, Z, y, ones, alpha)
        assert rel(first[0][1], loss0) <= 1e-12, cid       # loss after 0 iterations
        fl, fg, _ = np_loss_grad(layers, act, fw, fb, Z, y, ones, alpha)
        assert rel(fl, est.loss_) <= 1e-12
        S, _ = forward(layers, act, fw, fb, Z)
        kink = float(np.min(np.abs(np.concatenate([t.ravel() for t in S[:-1]]))))
        lb_rows.append([cid, act, iarr(hidden), fmt(alpha), farr(iw), farr(ib),
                        fmt(est.loss_), est.n_iter_, farr(fw), farr(fb)])
        lb_cases.append((cid, act, layers, alpha, start, np.concatenate([fw, fb]), sk))
        print("lbfgs case %d %-8s %-4s alpha %-6g start loss %.6f -> final %.10f after %d "
              "iterations (%s); |grad|_2 %.3e |grad|_inf %.3e; min |hidden pre-activation| %.2e"
              % (cid, act, iarr(hidden), alpha, loss0, est.loss_, est.n_iter_,
                 res.message if isinstance(res.message, str) else res.message.decode(),
                 np.linalg.norm(fg), np.max(np.abs(fg)), kink))

    # ---- L-BFGS on to a local minimum ---------------------------------------
    conv_rows = []
    for cid, act, layers, alpha, start, end, sk in lb_cases:
        nw = sum(fi * fo for fi, fo in zip(layers[:-1], layers[1:]))

        def f(t, _sk=sk, _nw=nw):
            return _sk(t[:_nw], t[_nw:])
        runs = {}
        for name, x0 in (("start", start), ("end", end)):
            res = scipy.optimize.minimize(f, x0, method="L-BFGS-B", jac=True,
                                          options=CONVERGED_OPTIONS)
            msg = res.message if isinstance(res.message, str) else res.message.decode()
            lx, gx = f(res.x)
            assert lx == res.fun and np.array_equal(gx, res.jac), (cid, name)
            # the NumPy loss and gradient agree at the written point
            nl, ng, ns = np_loss_grad(layers, act, res.x[:nw], res.x[nw:], Z, y, ones, alpha)
            assert rel(nl, lx) <= 1e-12 and grad_close(ng, gx, ns, 1e-12) <= 1e-12, (cid, name)
            S, _ = forward(layers, act, res.x[:nw], res.x[nw:], Z)
            kink = float(np.min(np.abs(np.concatenate([t.ravel() for t in S[:-1]]))))
            runs[name] = (res, msg, kink)
            print("lbfgs converged case %d %-8s from %-5s: loss %r after %d iterations "
                  "(%d evaluations, %s); |grad|_2 %.3e; min |hidden pre-activation| %.2e"
                  % (cid, act, name, res.fun, res.nit, res.nfev, msg,
                     np.linalg.norm(res.jac), kink))
        res, _, kink = runs["start"]
        rese = runs["end"][0]
        gnorm = float(np.linalg.norm(res.jac))
        row = [cid, fmt(res.fun), res.nit, fmt(gnorm), farr(res.x[:nw]), farr(res.x[nw:])]
        print("lbfgs converged case %d: start run vs end run: loss difference %.3e, "
              "max |parameter difference| %.3e"
              % (cid, res.fun - rese.fun, np.max(np.abs(res.x - rese.x))))
        if act == "relu":
            assert gnorm > 1e-6 and kink < 1e-9, cid       # stuck at a kink
            row += ["", "", "", "", "", ""]
        else:
            assert gnorm < 1e-8, (cid, gnorm)
            xm, lm, gm, H = newton_polish(f, res.x)
            ev = np.linalg.eigvalsh(H)
            assert ev[0] > 0, cid                           # a strict local minimum
            assert lm <= res.fun + 1e-15, cid
            # the same minimum from sklearn's end point
            xe, le, _, _ = newton_polish(f, rese.x)
            assert abs(le - lm) <= 1e-15 and np.max(np.abs(xe - xm)) <= 1e-8, cid
            assert abs(res.fun - rese.fun) <= 1e-13, cid
            # the eigenvalues hardly depend on the difference step
            ev2 = np.linalg.eigvalsh(fd_hessian(f, xm, 1e-4))
            hd = max(abs(ev2[0] / ev[0] - 1), abs(ev2[-1] / ev[-1] - 1))
            assert hd <= 1e-6, (cid, hd)
            nl, ng, ns = np_loss_grad(layers, act, xm[:nw], xm[nw:], Z, y, ones, alpha)
            assert rel(nl, lm) <= 1e-12 and grad_close(ng, gm, ns, 1e-12) <= 1e-12, cid
            row += [fmt(lm), fmt(np.linalg.norm(gm)), fmt(ev[0]), fmt(ev[-1]),
                    farr(xm[:nw]), farr(xm[nw:])]
            print("lbfgs converged case %d: Newton-polished minimum loss %r |grad|_2 %.3e; "
                  "Hessian eigenvalues %.4e .. %.4e; distance of the L-BFGS points from it "
                  "%.3e (start run), %.3e (end run); polished end run: loss difference "
                  "%.3e, max |parameter difference| %.3e"
                  % (cid, lm, np.linalg.norm(gm), ev[0], ev[-1],
                     np.max(np.abs(res.x - xm)), np.max(np.abs(rese.x - xm)),
                     le - lm, np.max(np.abs(xe - xm))))
        conv_rows.append(row)

    # ---- cross-validated comparison data ------------------------------------
    Xc, yc, cancer_size = make_cancer()
    print("cancer: %d rows, malignant rate %.4f" % (len(yc), yc.mean()))
    eps = np.finfo(float).eps
    fold_rows, cvo_rows = [], []
    max_cv_pd = 0.0
    for dname, XX, yy in (("credit", X, y), ("cancer", Xc, yc)):
        fold = stratified_folds(XX, yy)
        fold_rows += [[dname, i + 1, int(fold[i])] for i in range(len(yy))]
        print("%s folds: rows %s, positives %s" % (
            dname, [int(np.sum(fold == k)) for k in range(1, 6)],
            [int(np.sum(yy[fold == k])) for k in range(1, 6)]))
        for cfg, kw, opts in CV_CONFIGS:
            options = json.dumps(opts)
            assert json.loads(options) == opts
            layers = [XX.shape[1]] + list(kw["hidden_layer_sizes"]) + [1]
            per_fold = []
            for k in range(1, 6):
                tr, te = fold != k, fold == k
                m, sc = standardize_params(XX[tr])
                est = MLPClassifier(random_state=1, **kw)
                est.fit((XX[tr] - m) / sc, yy[tr])
                assert list(est.classes_) == [0, 1] and est.out_activation_ == "logistic"
                Zt = (XX[te] - m) / sc
                pd = est.predict_proba(Zt)[:, 1]
                fw, fb = flat_params(est)
                S, _ = forward(layers, kw["activation"], fw, fb, Zt)
                sv = S[-1][:, 0]
                d = rel(1 / (1 + np.exp(-sv)), pd)
                assert d <= 1e-14, (dname, cfg, k, d)
                max_cv_pd = max(max_cv_pd, d)
                yt = yy[te]
                auc = roc_auc_score(yt, pd)
                ll = log_loss(yt, pd)                    # default eps: clips p
                auc_s = roc_auc_score(yt, sv)
                ll_u = float(np.mean(np.logaddexp(0, sv) - yt * sv))
                clipped = int(np.sum((pd < eps) | (pd > 1 - eps)))
                if clipped == 0:
                    assert abs(ll - ll_u) <= 1e-12 * ll_u, (dname, cfg, k)
                per_fold.append((auc, ll, est.n_iter_, auc_s, ll_u, clipped))
                cvo_rows.append([dname, cfg, options, k, fmt(auc), fmt(ll), est.n_iter_,
                                 fmt(auc_s), fmt(ll_u), clipped])
            r = np.array(per_fold, dtype=float)
            print("cv %-6s config %d %-5s %-4s %-8s alpha %-6g: mean AUC %.6f, mean log-loss "
                  "%.6f; n_iter %s; mean auc_logit %.6f, mean log_loss_unclipped %.6f, "
                  "clipped rows %d"
                  % (dname, cfg, kw["solver"], iarr(kw["hidden_layer_sizes"]), kw["activation"],
                     kw["alpha"], r[:, 0].mean(), r[:, 1].mean(),
                     [int(v) for v in r[:, 2]], r[:, 3].mean(), r[:, 4].mean(),
                     int(r[:, 5].sum())))
    print("cv: max relative |predict_proba - numpy| = %.3g" % max_cv_pd)

    sizes = {"mlp_data.csv": data_size}
    sizes["mlp_models.csv"] = write_csv(
        "mlp_models.csv", ["model_id", "solver", "activation", "hidden", "alpha", "layers",
                           "weights", "biases", "mean", "scale", "train_loss"], model_rows)
    sizes["mlp_predictions.csv"] = write_csv(
        "mlp_predictions.csv", ["model_id", "id", "pd"], pred_rows)
    sizes["mlp_lossgrad.csv"] = write_csv(
        "mlp_lossgrad.csv", ["case_id", "model_id", "alpha", "weighted", "loss", "grad"], lg_rows)
    sizes["mlp_lbfgs.csv"] = write_csv(
        "mlp_lbfgs.csv", ["case_id", "activation", "hidden", "alpha", "init_weights",
                          "init_biases", "final_loss", "iterations", "final_weights",
                          "final_biases"], lb_rows)
    sizes["mlp_lbfgs_converged.csv"] = write_csv(
        "mlp_lbfgs_converged.csv", ["case_id", "converged_loss", "converged_iterations",
                                    "converged_grad_norm", "converged_weights",
                                    "converged_biases", "minimum_loss", "minimum_grad_norm",
                                    "hessian_min_eig", "hessian_max_eig", "minimum_weights",
                                    "minimum_biases"], conv_rows)
    sizes["mlp_breast_cancer.csv"] = cancer_size
    sizes["mlp_folds.csv"] = write_csv("mlp_folds.csv", ["data", "id", "fold"], fold_rows)
    sizes["mlp_cv.csv"] = write_csv(
        "mlp_cv.csv", ["data", "config_id", "options", "fold", "auc", "log_loss", "n_iter",
                       "auc_logit", "log_loss_unclipped", "clipped"], cvo_rows)
    for k, v in sizes.items():
        print("wrote %-24s %8d bytes" % (k, v))
    print("total %d bytes" % sum(sizes.values()))


if __name__ == "__main__":
    main()
