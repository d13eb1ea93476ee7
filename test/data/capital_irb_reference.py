#!/usr/bin/python3
"""Reference values of the IRB capital and concentration functions
(docs/capital.md, sections "IRB capital" and "Concentration"), written
from the Basel texts with SciPy, independently of the C code:

- the IRB risk-weight functions (Basel II framework paras 272-273, 328-330;
  Basel III CRE31/CRE32) over a grid of PD, LGD, maturity and sales, for
  every asset class and both regimes -> capital_irb_expected.csv;
- the Herfindahl-Hirschman index and the granularity adjustment (Gordy and
  Luetkebohmert 2013, simplified formula) of a few seeded books ->
  capital_concentration_books.csv (the exposures) and
  capital_concentration_expected.csv (the figures per book).

Run: /usr/bin/python3 test/data/capital_irb_reference.py (from the tree's
root); it rewrites the three CSV files next to itself.
"""
import csv
import math
import os

import numpy as np
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))

CLASSES = ["corporate", "sovereign", "bank", "mortgage", "qrre",
           "qrre_transactor", "other_retail"]


def pd_floor(cls, regime):
    if cls == "sovereign":
        return 0.0
    if regime == "basel2":
        return 0.0003
    return 0.0010 if cls == "qrre" else 0.0005


def correlation(cls, pd, sales):
    if cls == "mortgage":
        return 0.15
    if cls in ("qrre", "qrre_transactor"):
        return 0.04
    if cls == "other_retail":
        w = (1.0 - math.exp(-35.0 * pd)) / (1.0 - math.exp(-35.0))
        return 0.03 * w + 0.16 * (1.0 - w)
    w = (1.0 - math.exp(-50.0 * pd)) / (1.0 - math.exp(-50.0))
    r = 0.12 * w + 0.24 * (1.0 - w)
    if cls == "corporate" and sales is not None:
        s = min(max(sales, 5.0), 50.0)
        r = r - 0.04 * (1.0 - (s - 5.0) / 45.0)
    return r


def irb(pd, lgd, ead, cls, m, sales, regime, scaling=None, elbe=None):
    """(pd used, R, MA, K, RW, RWA, EL, capital) of one exposure."""
    pd = max(pd, pd_floor(cls, regime))
    if scaling is None:
        scaling = 1.06 if regime == "basel2" else 1.0
    r = correlation(cls, pd, sales)
    ma = 1.0
    if pd == 1.0:
        be = lgd if elbe is None else elbe
        k = max(0.0, lgd - be)
        el = be * ead
    else:
        if cls in ("corporate", "sovereign", "bank"):
            b = (0.11852 - 0.05478 * math.log(pd)) ** 2
            ma = (1.0 + (m - 2.5) * b) / (1.0 - 1.5 * b)
        x = norm.ppf(pd) / math.sqrt(1.0 - r) + math.sqrt(r / (1.0 - r)) * norm.ppf(0.999)
        k = (lgd * norm.cdf(x) - pd * lgd) * ma
        el = pd * lgd * ead
    rw = 12.5 * k * scaling
    rwa = rw * ead
    return pd, r, ma, k, rw, rwa, el, 0.08 * rwa


def ga(rows, regime="basel3", delta=4.83, gamma=0.25):
    """Simplified granularity adjustment of rows (pd, lgd, ead, cls, m)."""
    rows = [r for r in rows if r[0] != 1.0]
    ead = np.array([r[2] for r in rows])
    s = ead / ead.sum()
    k = np.empty(len(rows))
    rr = np.empty(len(rows))
    lg = np.array([r[1] for r in rows])
    for i, (pd, lgd, e, cls, m) in enumerate(rows):
        p, _, _, k[i], *_ = irb(pd, lgd, e, cls, m, None, regime)
        rr[i] = p * lgd
    kstar = (s * k).sum()
    vlgd = gamma * lg * (1.0 - lg)
    c = (lg ** 2 + vlgd) / lg
    t = (delta * c * (k + rr) + delta * (k + rr) ** 2 * vlgd / lg ** 2
         - k * (c + 2.0 * (k + rr) * vlgd / lg ** 2))
    return (s ** 2 * t).sum() / (2.0 * kstar)


def grid():
    pds = [0.0, 1e-5, 0.0003, 0.0004, 0.0007, 0.001, 0.0025, 0.005, 0.01,
           0.02, 0.05, 0.1, 0.2, 0.5, 0.99, 1.0]
    lgds = [0.1, 0.45, 0.75]
    mats = [1.0, 2.5, 5.0]
    out = []
    case = 0
    for regime in ("basel3", "basel2"):
        for cls in CLASSES:
            for pd in pds:
                for lgd in lgds:
                    for m in (mats if cls in ("corporate", "sovereign", "bank") else [2.5]):
                        saleses = [None, 3.0, 20.0, 50.0] if cls == "corporate" else [None]
                        for sales in saleses:
                            if cls == "sovereign" and pd < 3e-6:
                                continue       # maturity adjustment undefined
                            case += 1
                            ead = 1000.0 * (1 + case % 7)
                            res = irb(pd, lgd, ead, cls, m, sales, regime)
                            out.append([case, regime, cls, pd, lgd, ead, m,
                                        "" if sales is None else sales] + list(res))
    return out


def books():
    rng = np.random.default_rng(20261204)
    rows = []
    for book in range(1, 5):
        n = [10, 50, 200, 1000][book - 1]
        pd = np.round(np.exp(rng.uniform(np.log(0.0003), np.log(0.2), n)), 6)
        lgd = np.round(rng.uniform(0.1, 0.9, n), 4)
        ead = np.round(np.exp(rng.normal(12.0, 1.5 if book != 2 else 0.3, n)), 2)
        cls = rng.choice(CLASSES, n)
        m = np.round(rng.uniform(1.0, 5.0, n), 2)
        for i in range(n):
            rows.append((book, i + 1, float(pd[i]), float(lgd[i]), float(ead[i]), str(cls[i]), float(m[i])))
    # book 5: one defaulted exposure among others (left out of the GA)
    rows += [(5, 1, 0.01, 0.45, 1e6, "corporate", 2.5), (5, 2, 0.02, 0.4, 2e6, "bank", 3.0),
             (5, 3, 1.0, 0.6, 5e5, "corporate", 2.5), (5, 4, 0.005, 0.2, 3e5, "mortgage", 2.5)]
    return rows


def main():
    with open(os.path.join(HERE, "capital_irb_expected.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["case_no", "regime", "asset_class", "pd", "lgd", "ead", "maturity", "sales",
                    "pd_used", "correlation", "maturity_adjustment", "k", "risk_weight", "rwa",
                    "expected_loss", "capital"])
        for r in grid():
            w.writerow([repr(x) if isinstance(x, float) else x for x in r])
    rows = books()
    with open(os.path.join(HERE, "capital_concentration_books.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["book", "exposure", "pd", "lgd", "ead", "asset_class", "maturity"])
        for r in rows:
            w.writerow([repr(x) if isinstance(x, float) else x for x in r])
    with open(os.path.join(HERE, "capital_concentration_expected.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["book", "regime", "n", "hhi", "ga", "ead", "expected_loss", "rwa", "capital"])
        for book in sorted(set(r[0] for r in rows)):
            br = [r[2:] for r in rows if r[0] == book]
            ead = np.array([r[2] for r in br])
            hhi = (ead ** 2).sum() / ead.sum() ** 2
            for regime in ("basel3", "basel2"):
                res = [irb(p, l, e, c, m, None, regime) for (p, l, e, c, m) in br]
                w.writerow([book, regime, len(br), repr(float(hhi)), repr(float(ga(br, regime))),
                            repr(float(ead.sum())), repr(float(sum(x[6] for x in res))),
                            repr(float(sum(x[5] for x in res))), repr(float(sum(x[7] for x in res)))])


if __name__ == "__main__":
    main()
