#!/usr/bin/python3
"""Reference values for risk.psi_scores (sql/daily_run.sql).

Makes a development and a current sample of scores (seeded), writes them to
psi_scores.csv, and the PSI computed with NumPy to psi_scores_expected.csv:
edges at the development sample's type-7 quantiles (np.quantile, method
'linear') at 1/B, ..., (B-1)/B, repeated edges merged (np.unique), bucket
= number of edges <= x (np.searchsorted, side='right'), then
PSI = sum (a - e) ln(a / e) over the buckets' shares.  Run with Debian's
python3 and python3-numpy:  /usr/bin/python3 test/data/psi_scores_reference.py
"""
import csv
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261203)
dev = np.round(rng.normal(600, 50, 3000), 1)            # ties on purpose
cur = np.round(rng.normal(590, 55, 2000), 1)
heavy = np.round(np.concatenate([np.full(400, 500.0), rng.normal(600, 40, 600)]), 1)


def psi(d, c, edges):
    bd = np.bincount(np.searchsorted(edges, d, side='right'), minlength=len(edges) + 1)
    bc = np.bincount(np.searchsorted(edges, c, side='right'), minlength=len(edges) + 1)
    e = bd / bd.sum()
    a = bc / bc.sum()
    return float(np.sum((a - e) * np.log(a / e)))


def quantile_edges(d, buckets):
    q = np.quantile(d, np.arange(1, buckets) / buckets, method='linear')
    return np.unique(q)


rows = []
for name, d, c in (('normal', dev, cur), ('ties', heavy, cur)):
    for b in (10, 5, 20):
        rows.append((name, 'buckets %d' % b, psi(d, c, quantile_edges(d, b))))
rows.append(('normal', 'breakpoints 550,600,650', psi(dev, cur, np.array([550.0, 600.0, 650.0]))))

with open(os.path.join(here, 'psi_scores.csv'), 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['sample', 'current', 'score'])
    for name, d, c in (('normal', dev, cur), ('ties', heavy, cur)):
        for x in d:
            w.writerow([name, 'false', repr(float(x))])
        for x in c:
            w.writerow([name, 'true', repr(float(x))])
with open(os.path.join(here, 'psi_scores_expected.csv'), 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['sample', 'buckets', 'psi'])
    for r in rows:
        w.writerow([r[0], r[1], repr(r[2])])
