#!/usr/bin/python3
"""Reference values of sql/capital_simulation.sql: the exact loss
distribution of a homogeneous loan book under the one-factor Gaussian
copula (the binomial mixture over the factor, integrated numerically), its
VaR and ES (the mean loss at or beyond VaR) and the Vasicek large-portfolio
limit.  Writes capital_simulation_reference.csv."""
import csv
import os

import numpy as np
from scipy import integrate, stats

HERE = os.path.dirname(os.path.abspath(__file__))

# books: name, loans, pd, lgd, ead, rho
BOOKS = [
    ("homogeneous", 1000, 0.01, 0.45, 1000.0, 0.15),
    ("large", 20000, 0.02, 0.40, 50.0, 0.10),
]
LEVELS = [0.99, 0.999]


def exact(n, pd, lgd, ead, rho):
    """P(D = k), k = 0..n, D the number of defaults."""
    thr = stats.norm.ppf(pd)
    k = np.arange(n + 1)

    def pmf_at(z):
        p = stats.norm.cdf((thr - np.sqrt(rho) * z) / np.sqrt(1.0 - rho))
        return stats.binom.pmf(k, n, p) * stats.norm.pdf(z)

    # vector integrand: adaptive Gauss-Kronrod on pieces of the factor axis
    edges = np.linspace(-9.0, 9.0, 73)
    out = np.zeros(n + 1)
    for a, b in zip(edges[:-1], edges[1:]):
        val, _ = integrate.quad_vec(pmf_at, a, b, epsabs=1e-15, epsrel=1e-12)
        out += val
    return out


def var_es(pmf, amount, level):
    cdf = np.cumsum(pmf)
    kv = int(np.argmax(cdf >= level))
    k = np.arange(len(pmf))
    tail = pmf[kv:]
    es = (k[kv:] * tail).sum() / tail.sum()
    return kv * amount, es * amount


def vasicek(pd, rho, q):
    return stats.norm.cdf((stats.norm.ppf(pd) + np.sqrt(rho) * stats.norm.ppf(q)) / np.sqrt(1 - rho))


rows = []
for name, n, pd, lgd, ead, rho in BOOKS:
    pmf = exact(n, pd, lgd, ead, rho)
    amount = lgd * ead
    mean = (np.arange(n + 1) * pmf).sum() * amount
    for level in LEVELS:
        v, e = var_es(pmf, amount, level)
        limit = lgd * vasicek(pd, rho, level) * n * ead
        rows.append(dict(book=name, loans=n, pd=pd, lgd=lgd, ead=ead, rho=rho, level=level,
                         total_mass=repr(float(pmf.sum())), mean_loss=repr(float(mean)),
                         var=repr(float(v)), es=repr(float(e)), vasicek_limit=repr(float(limit))))

# two sectors with independent factors, 500 loans each (the homogeneous
# book's parameters, loading sqrt(rho)): the loss is the sum of two
# independent homogeneous books, its pmf their convolution
n2, pd2, lgd2, ead2, rho2 = 500, 0.01, 0.45, 1000.0, 0.15
half = exact(n2, pd2, lgd2, ead2, rho2)
both = np.convolve(half, half)
for level in LEVELS:
    v, e = var_es(both, lgd2 * ead2, level)
    rows.append(dict(book="two_sectors", loans=2 * n2, pd=pd2, lgd=lgd2, ead=ead2, rho=rho2, level=level,
                     total_mass=repr(float(both.sum())),
                     mean_loss=repr(float((np.arange(len(both)) * both).sum() * lgd2 * ead2)),
                     var=repr(float(v)), es=repr(float(e)), vasicek_limit=""))

# a beta LGD: one loan, PD 0.5, rho 0, EAD 1, LGD beta of mean 0.45 and
# standard deviation 0.2.  The loss is B 1{default}: P(L > x) = 0.5 P(B > x)
# for x > 0, so the VaR at level q is the beta quantile at 1 - 2 (1 - q)
# and the ES is E[B | B >= VaR]
m, sd = 0.45, 0.2
c = m * (1 - m) / sd ** 2 - 1
a, b = m * c, (1 - m) * c
for level in LEVELS:
    v = stats.beta.ppf(1 - 2 * (1 - level), a, b)
    tail, _ = integrate.quad(lambda x: x * stats.beta.pdf(x, a, b), v, 1, epsabs=1e-15, epsrel=1e-13)
    e = tail / stats.beta.sf(v, a, b)
    rows.append(dict(book="beta_lgd", loans=1, pd=0.5, lgd=m, ead=1.0, rho=0.0, level=level,
                     total_mass="1", mean_loss=repr(0.5 * m), var=repr(float(v)), es=repr(float(e)),
                     vasicek_limit=""))

with open(os.path.join(HERE, "capital_simulation_reference.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
for r in rows:
    print(r)
