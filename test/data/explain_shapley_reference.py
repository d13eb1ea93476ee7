#!/usr/bin/python3
"""Reference values of sql/explain_shapley.sql: exact interventional Shapley
values by brute force, written independently of the extension.

For a model f, an applicant x and a background sample b_1..b_B, every
coalition S of the d features (itertools.combinations, all sizes) is valued
v(S) = mean_b f(x on S, b_b elsewhere), the network's forward pass in NumPy
from its explicit weights; then

    phi_j = sum over S without j of |S|! (d - |S| - 1)! / d! (v(S + j) - v(S))

with math.factorial weights and math.fsum sums.  Networks: fixed weights
drawn here from a seeded generator (written out, so that SQL builds the
same model with risk.mlp_from_arrays: each layer's inputs x units matrix
row by row, layer after layer; then the biases), relu, tanh and logistic
hidden units, one to three hidden layers, 3 to 10 features, with and
without standardization.  Logistic regressions: coefficients (intercept
first when there is one); probability scale by the same enumeration,
log-odds scale by the same enumeration too (the SQL closed form is checked
against it).

Writes test/data/explain_shapley_models.csv (networks),
explain_shapley_logit.csv (logistic models), explain_shapley_rows.csv
(applicants and background rows) and explain_shapley_expected.csv (base,
prediction, contributions; every float as repr, which reads back exactly).

Run with Debian's /usr/bin/python3 (python3-numpy):
    /usr/bin/python3 test/data/explain_shapley_reference.py
"""
import csv
import itertools
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def arr(v):
    return '{' + ','.join(repr(float(a)) for a in v) + '}'


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def act(name, t):
    if name == 'relu':
        return np.maximum(t, 0.0)
    if name == 'tanh':
        return np.tanh(t)
    return sigmoid(t)


def net_out(net, X):
    """The output before the logistic function of rows X (raw)."""
    a = X
    if net['mean'] is not None:
        a = (X - net['mean']) / net['scale']
    L = len(net['W'])
    for l in range(L):
        a = a @ net['W'][l] + net['b'][l]
        if l + 1 < L:
            a = act(net['act'], a)
    return a[:, 0]


def shapley(f, x, bg):
    """Brute force over every coalition; f maps rows to outputs."""
    d = len(x)
    v = {}
    for k in range(d + 1):
        for S in itertools.combinations(range(d), k):
            M = bg.copy()
            M[:, list(S)] = x[list(S)]
            v[frozenset(S)] = math.fsum(f(M)) / len(bg)
    phi = []
    for j in range(d):
        terms = []
        others = [i for i in range(d) if i != j]
        for k in range(d):
            w = math.factorial(k) * math.factorial(d - k - 1) / math.factorial(d)
            for S in itertools.combinations(others, k):
                S = frozenset(S)
                terms.append(w * (v[S | {j}] - v[S]))
        phi.append(math.fsum(terms))
    return v[frozenset()], v[frozenset(range(d))], phi


def main():
    rng = np.random.default_rng(20261204)
    nets = [
        # id, activation, d, hidden, standardized, background rows, applicants
        (1, 'relu', 3, [5], True, 9, 4),
        (2, 'tanh', 6, [8], True, 12, 4),
        (3, 'logistic', 5, [6, 4], True, 10, 4),
        (4, 'relu', 10, [10, 5], True, 16, 3),
        (5, 'tanh', 8, [4, 3, 3], False, 7, 3),
        (6, 'logistic', 4, [3], False, 130, 3),
    ]
    models, rows, expected = [], [], []
    for mid, an, d, hidden, std, nb, na in nets:
        sizes = [d] + hidden + [1]
        W = [rng.normal(0, 0.9, (sizes[l], sizes[l + 1])) for l in range(len(sizes) - 1)]
        b = [rng.normal(0, 0.5, sizes[l + 1]) for l in range(len(sizes) - 1)]
        mean = rng.normal(0, 3, d) if std else None
        scale = rng.uniform(0.5, 4, d) if std else None
        net = {'act': an, 'W': W, 'b': b, 'mean': mean, 'scale': scale}
        loc = mean if std else np.zeros(d)
        spread = scale if std else np.ones(d)
        bg = loc + rng.normal(0, 1, (nb, d)) * spread
        X = loc + rng.normal(0, 1.5, (na, d)) * spread
        models.append([mid, an, '{' + ','.join(map(str, sizes)) + '}',
                       arr(np.concatenate([w.ravel() for w in W])),
                       arr(np.concatenate(b)),
                       arr(mean) if std else '', arr(scale) if std else ''])
        for i, r in enumerate(bg):
            rows.append([mid, 'background', i + 1, arr(r)])
        for i, x in enumerate(X):
            rows.append([mid, 'applicant', i + 1, arr(x)])
            for scale_name, f in (('probability', lambda M: sigmoid(net_out(net, M))),
                                  ('log_odds', lambda M: net_out(net, M))):
                base, pred, phi = shapley(f, x, bg)
                expected.append([mid, i + 1, scale_name, repr(base), repr(pred), arr(phi)])

    # logistic regressions: with and without an intercept
    logits = [(101, True, 4, 11, 3), (102, False, 3, 8, 3), (103, True, 7, 20, 2)]
    lrows = []
    for mid, intercept, d, nb, na in logits:
        beta = rng.normal(0, 0.8, d)
        b0 = rng.normal(-2, 0.5) if intercept else 0.0
        coef = ([b0] if intercept else []) + list(beta)
        lrows.append([mid, 'true' if intercept else 'false', arr(coef)])
        bg = rng.normal(0, 1.2, (nb, d)) + rng.normal(0, 1, d)
        X = rng.normal(0, 1.5, (na, d))
        for i, r in enumerate(bg):
            rows.append([mid, 'background', i + 1, arr(r)])
        for i, x in enumerate(X):
            rows.append([mid, 'applicant', i + 1, arr(x)])
            for scale_name, f in (('probability', lambda M: sigmoid(b0 + M @ beta)),
                                  ('log_odds', lambda M: b0 + M @ beta)):
                base, pred, phi = shapley(f, x, bg)
                expected.append([mid, i + 1, scale_name, repr(base), repr(pred), arr(phi)])

    def write(name, header, data):
        with open(os.path.join(HERE, name), 'w', newline='') as fh:
            w = csv.writer(fh, lineterminator='\n')
            w.writerow(header)
            w.writerows(data)

    write('explain_shapley_models.csv',
          ['model_id', 'activation', 'layers', 'weights', 'biases', 'mean', 'scale'], models)
    write('explain_shapley_logit.csv', ['model_id', 'intercept', 'coefficients'], lrows)
    write('explain_shapley_rows.csv', ['model_id', 'role', 'row_id', 'x'], rows)
    write('explain_shapley_expected.csv',
          ['model_id', 'row_id', 'scale', 'base', 'prediction', 'contributions'], expected)


if __name__ == '__main__':
    main()
