#!/usr/bin/python3
"""Reference values of sql/capital_creditriskplus.sql: a loan book
(capital_creditriskplus_book.csv, made here with a fixed seed), its
CreditRisk+ loss distribution with one sector by a Panjer recursion in
NumPy (negative binomial number of defaults for sigma2 > 0, Poisson for 0),
and for sigma2 = 0 a brute-force compound Poisson: the sum over the bands
of band x Poisson(intensity of the band), by convolving the pmfs of the
bands.  Writes capital_creditriskplus_reference.csv (VaR, ES at several
levels) and capital_creditriskplus_pmf.csv (the first probabilities)."""
import csv
import math
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = 10000.0
rng = np.random.default_rng(20261204)
N = 300
pd = np.round(rng.uniform(0.001, 0.05, N), 6)
lgd = np.round(rng.uniform(0.2, 0.8, N), 4)
ead = np.round(rng.lognormal(11.0, 1.0, N), 2)
with open(os.path.join(HERE, "capital_creditriskplus_book.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["loan", "pd", "lgd", "ead"])
    for i in range(N):
        w.writerow([i + 1, repr(float(pd[i])), repr(float(lgd[i])), repr(float(ead[i]))])

band = np.floor(lgd * ead / UNIT + 0.5).astype(int)
keep = (band > 0) & (pd > 0)
lam = np.zeros(band.max() + 1)
np.add.at(lam, band[keep], pd[keep])
mu = lam.sum()
el = (np.arange(len(lam)) * lam).sum() * UNIT


def panjer(sigma2, K):
    """In extended precision (np.longdouble, 80 bits on x86-64): the ES of
    a far tail is (EL - the mean below VaR) / (1 - P(below VaR)), whose
    cancellation would cost three digits in double."""
    L = np.longdouble
    lamL = lam.astype(L)
    muL = lamL.sum()
    if sigma2 == 0:
        a, b, g0 = L(0), muL, np.exp(-muL)
    else:
        r, beta = L(1) / L(sigma2), L(sigma2) * muL
        a, b, g0 = beta / (1 + beta), (r - 1) * beta / (1 + beta), np.exp(-r * np.log1p(beta))
    f = lamL / muL
    g = np.zeros(K + 1, dtype=L)
    g[0] = g0
    for k in range(1, K + 1):
        j = np.arange(1, min(k, len(f) - 1) + 1)
        g[k] = np.sum((a + b * j.astype(L) / k) * f[j] * g[k - j])
    return g


def compound_poisson(K):
    g = np.zeros(K + 1)
    g[0] = 1.0
    for j in np.nonzero(lam)[0]:
        counts = np.arange(K // j + 1)
        pj = np.zeros(K + 1)
        pj[counts * j] = stats.poisson.pmf(counts, lam[j])
        g = np.convolve(g, pj)[:K + 1]
    return g


def var_es(g, level):
    elx = (np.arange(len(lam)) * lam.astype(g.dtype)).sum()
    cdf = np.cumsum(g)
    kv = int(np.argmax(cdf >= level))
    below = cdf[kv] - g[kv]
    m1below = (np.arange(kv) * g[:kv]).sum()
    return kv * UNIT, float((elx - m1below) / (1 - below)) * UNIT


K = 2000
rows = []
for sigma2 in [0.0, 0.25, 1.0, 4.0]:
    g = panjer(sigma2, K)
    assert g.sum() > 0.9999
    for level in [0.95, 0.99, 0.999]:
        v, e = var_es(g, level)
        rows.append(dict(method="panjer", sigma2=sigma2, level=level, expected_loss=repr(float(el)),
                         var=repr(float(v)), es=repr(float(e))))
gp = compound_poisson(K)
for level in [0.95, 0.99, 0.999]:
    v, e = var_es(gp, level)
    rows.append(dict(method="compound_poisson", sigma2=0.0, level=level, expected_loss=repr(float(el)),
                     var=repr(float(v)), es=repr(float(e))))
print("max |panjer - compound poisson| =", float(np.abs(panjer(0.0, K) - gp).max()))
with open(os.path.join(HERE, "capital_creditriskplus_reference.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
for r in rows:
    print(r)
