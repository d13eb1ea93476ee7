#!/usr/bin/python3
"""The peer of risk.credit_var in the benchmark: the same one-factor
Gaussian copula simulation in NumPy, chunked so that memory stays bounded.

    capital_sim_peer.py [--book FILE.csv] [--loans N] [--groups G]
                        [--scenarios M] [--chunk C] [--level Q] [--seed S]
                        [--per-loan]

The book is FILE.csv (columns pd, lgd, ead, rho, with a header) or a
generated one: N loans spread over G rating grades (pd, lgd, ead and rho
taken from the grade, so that equal loans exist as in a real book).  The
sampling is the one risk.credit_var uses: for each scenario a factor Z,
then per group of equal loans a binomial number of defaults with the
conditional PD N((N^-1(pd) - sqrt(rho) Z) / sqrt(1 - rho)); with
--per-loan one Bernoulli draw per loan instead (no grouping).  Plain
sampling (no shift).  Prints one line: scenarios, loans, groups, VaR, ES
(the mean loss at or beyond VaR) and the seconds spent simulating.

The same generated book and simulation in SQL (N = 10000, G = 50):

    SELECT (risk.credit_var(pd, lgd, ead, rho,
              '{"scenarios": 1000000, "shift": 0, "level": 0.999}')).*
    FROM (SELECT 0.001 + 0.049 * (g % 50 + 0.5) / 50 AS pd, 0.45 AS lgd,
                 1000.0 + 100.0 * ((g % 50) % 10) AS ead, 0.12 AS rho
          FROM generate_series(0, 9999) g) b;

The VaR and ES agree within their Monte Carlo standard errors (the
generators differ).
"""
import argparse
import csv
import time

import numpy as np
from scipy.special import ndtr, ndtri


def load_book(args):
    if args.book:
        with open(args.book, newline="") as f:
            rows = list(csv.DictReader(f))
        return tuple(np.array([float(r[k]) for r in rows]) for k in ("pd", "lgd", "ead", "rho"))
    g = np.arange(args.loans) % args.groups
    pd = 0.001 + 0.049 * (g + 0.5) / args.groups
    lgd = np.full(args.loans, 0.45)
    ead = 1000.0 + 100.0 * (g % 10)
    rho = 0.12 + 0.0 * g
    return pd, lgd, ead, rho


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--book")
    ap.add_argument("--loans", type=int, default=10000)
    ap.add_argument("--groups", type=int, default=50)
    ap.add_argument("--scenarios", type=int, default=1000000)
    ap.add_argument("--chunk", type=int, default=20000)
    ap.add_argument("--level", type=float, default=0.999)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-loan", action="store_true")
    args = ap.parse_args()

    pd, lgd, ead, rho = load_book(args)
    if args.per_loan:
        gpd, glgd, gead, grho, count = pd, lgd, ead, rho, np.ones(len(pd), dtype=np.int64)
    else:
        keys, count = np.unique(np.stack([pd, lgd, ead, rho], axis=1), axis=0, return_counts=True)
        gpd, glgd, gead, grho = keys.T
    thr = ndtri(np.clip(gpd, 1e-300, 1 - 1e-16))
    sr, s1, amount = np.sqrt(grho), np.sqrt(1 - grho), glgd * gead
    rng = np.random.default_rng(args.seed)
    losses = np.empty(args.scenarios)
    t0 = time.perf_counter()
    done = 0
    while done < args.scenarios:
        c = min(args.chunk if not args.per_loan else max(1, args.chunk * 50 // max(len(gpd), 1)),
                args.scenarios - done)
        z = rng.standard_normal(c)
        p = ndtr((thr[None, :] - sr[None, :] * z[:, None]) / s1[None, :])
        if args.per_loan:
            d = rng.random(p.shape) < p
        else:
            d = rng.binomial(count[None, :], p)
        losses[done:done + c] = d @ amount
        done += c
    t1 = time.perf_counter()
    losses.sort()
    alpha = 1 - args.level
    k = args.scenarios - int(np.floor(alpha * args.scenarios * (1 + 1e-12)))
    var = losses[k - 1] if k >= 1 else losses[-1]
    es = losses[losses >= var].mean()
    print(f"scenarios {args.scenarios} loans {len(pd)} groups {len(gpd)} var {var:.6g} es {es:.6g} "
          f"seconds {t1 - t0:.3f}")


if __name__ == "__main__":
    main()
