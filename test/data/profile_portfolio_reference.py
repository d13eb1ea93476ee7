#!/usr/bin/python3
"""Reference values of risk.portfolio_risk (sql/profile_portfolio.sql).

Run with Debian's python3 (NumPy):  /usr/bin/python3 profile_portfolio_reference.py
It writes, next to itself:

  profile_portfolio_returns.csv    product, day, r: 6 products' daily simple
                                   returns on one calendar of 320 days
                                   (Student t with 4 degrees of freedom, daily
                                   volatilities 0.4% to 2.2%, a little drift);
                                   r empty (NULL) on the days a product has no
                                   price: none for product 1, scattered days,
                                   and a closed stretch of 6 days for product 3
  profile_portfolio_holdings.csv   customer, product, amount: 5 customers of 1
                                   to 7 holdings (customer 4 holds product 4
                                   twice, in two accounts)
  profile_portfolio_expected.csv   customer, missing, level, holdings, value,
                                   days, var, es: the historical 1-day figures
  profile_portfolio_bootstrap.csv  the bootstrap references (see below)

Historical figures, computed here independently of the extension:
  - the P&L of day t is sum_i amount_i * r_{i,t}, added exactly (math.fsum);
  - missing 'drop': only the days on which every holding has a return;
    missing 'zero': every day, a missing return counting as 0;
  - the quantile is type 7 (Hyndman and Fan; R's default, NumPy's
    method='linear'): with the n values sorted, x[(n-1) alpha] interpolated
    linearly between its neighbours, alpha = 1 - level;
  - var = -q; es = -(mean of the values strictly below q), or var when none is.
The SQL test compares them with 1e-12 relative tolerance.

Bootstrap: for each case, the P&L of the aligned days gives the portfolio
returns R_t = P&L_t / value; a path is the product of (1 + R) over
horizon_days days drawn uniformly with replacement, its P&L value * (product
- 1) and its loss the opposite.  NumPy simulates 2,000,000 paths with its
own generator (PCG64), so the extension's bootstrap (GSL's MT19937, n_paths
paths) and this one are independent samples of the same distribution.  The
file holds, per case, the reference probability of a loss beyond loss_limit
and its standard error sqrt(p (1 - p) / 2e6), and the horizon VaR and ES of
the paths (type-7 quantile, as above) with a tolerance each:
  - VaR: a sample quantile at tail probability a from n paths has the
    asymptotic standard error sqrt(a (1 - a) / n) / f(q), f the density of
    the path P&L at q; 1 / f(q) is estimated from the 2,000,000 paths as
    (Q(a + 0.002) - Q(a - 0.002)) / 0.004.  Tolerance: 4 times the sum of the
    standard errors of the extension's n_paths and of the reference's paths;
  - ES: the tail mean of the worst a n paths has the asymptotic variance
    (Var(L | L > VaR) + (1 - a) (ES - VaR)^2) / (a n) (Brazauskas, Jones,
    Puri and Zitikis, 2008), L the loss; tolerance 4 times the sum of the
    two standard errors.
Four standard errors: the seeds are fixed, so each check is one draw that
either passes for good or shows a fault; at 4 sigma a correct bootstrap
fails one check in some 16,000 seeds.  The probability of loss is checked
as the task states: within 3 of the extension's own standard errors plus 3
of the reference's.
"""
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DAYS = 320
REF_PATHS = 2_000_000
rng = np.random.default_rng(20261203)

# ---------------------------------------------------------------------------
# products and holdings
# ---------------------------------------------------------------------------
vols = [0.004, 0.009, 0.012, 0.015, 0.018, 0.022]
drift = [0.0001, 0.0002, 0.0003, 0.0002, -0.0001, 0.0004]
returns = np.empty((6, DAYS))
for p in range(6):
    t = rng.standard_t(4, DAYS) / math.sqrt(2.0)     # unit variance
    returns[p] = np.round(drift[p] + vols[p] * t, 10)
missing = {
    0: [],
    1: sorted(rng.choice(DAYS, 4, replace=False).tolist()),
    2: list(range(140, 146)),
    3: sorted(rng.choice(DAYS, 9, replace=False).tolist()),
    4: sorted(rng.choice(DAYS, 3, replace=False).tolist()),
    5: sorted(rng.choice(DAYS, 12, replace=False).tolist()),
}
present = np.ones((6, DAYS), dtype=bool)
for p, days in missing.items():
    present[p, days] = False

holdings = [
    (1, 1, 25000.0),
    (2, 1, 40000.0), (2, 2, 15000.0), (2, 3, 7500.5),
    (3, 2, 12000.0), (3, 4, 30000.0), (3, 5, 8000.0), (3, 6, 50000.0),
    (4, 4, 10000.0), (4, 4, 22500.0), (4, 5, 17250.25),
    (5, 1, 5000.0), (5, 2, 6000.0), (5, 3, 7000.0), (5, 4, 8000.0), (5, 5, 9000.0),
    (5, 6, 10000.0), (5, 3, 1234.5),
]
customers = sorted({c for c, _, _ in holdings})

with open(os.path.join(HERE, 'profile_portfolio_returns.csv'), 'w') as f:
    f.write('product,day,r\n')
    for p in range(6):
        for d in range(DAYS):
            f.write('%d,%d,%s\n' % (p + 1, d + 1, repr(float(returns[p, d])) if present[p, d] else ''))
with open(os.path.join(HERE, 'profile_portfolio_holdings.csv'), 'w') as f:
    f.write('customer,product,amount\n')
    for c, p, a in holdings:
        f.write('%d,%d,%s\n' % (c, p, repr(a)))


def pnl_of(customer, rule):
    """The aligned days' P&L (calendar order) and the value of a customer."""
    rows = [(p - 1, a) for c, p, a in holdings if c == customer]
    value = math.fsum(a for _, a in rows)
    out = []
    for d in range(DAYS):
        if rule == 'drop' and not all(present[p, d] for p, _ in rows):
            continue
        out.append(math.fsum(a * float(returns[p, d]) for p, a in rows if present[p, d]))
    return np.array(out), value, len(rows)


def hist(x, level):
    """Historical VaR and ES, type-7 quantile at 1 - level."""
    alpha = 1.0 - level
    q = float(np.quantile(x, alpha, method='linear'))
    below = x[x < q]
    es = -math.fsum(below) / len(below) if len(below) else -q
    return -q, es


with open(os.path.join(HERE, 'profile_portfolio_expected.csv'), 'w') as f:
    f.write('customer,missing,level,holdings,value,days,var,es\n')
    for c in customers:
        for rule in ('drop', 'zero'):
            x, value, n = pnl_of(c, rule)
            for level in (0.99, 0.95, 0.9):
                var, es = hist(x, level)
                f.write('%d,%s,%s,%d,%s,%d,%s,%s\n' % (c, rule, level, n, repr(value), len(x),
                                                       repr(var), repr(es)))

# ---------------------------------------------------------------------------
# bootstrap
# ---------------------------------------------------------------------------
# case, customer, missing, level, horizon_days, n_paths (ours), seed (ours), loss_limit
cases = [
    (1, 3, 'drop', 0.99, 252, 20000, 1, 15000.0),
    (2, 5, 'zero', 0.95, 20, 50000, 7, 2000.0),
    (3, 2, 'drop', 0.99, 60, 20000, 3, 2000.0),
]


def simulate(x, value, horizon, n):
    growth = 1.0 + x / value
    out = np.empty(n)
    chunk = 20000
    for s in range(0, n, chunk):
        m = min(chunk, n - s)
        idx = rng.integers(0, len(x), size=(m, horizon))
        out[s:s + m] = value * (np.prod(growth[idx], axis=1) - 1.0)
    return out


with open(os.path.join(HERE, 'profile_portfolio_bootstrap.csv'), 'w') as f:
    f.write('case_no,customer,missing,level,horizon_days,n_paths,seed,loss_limit,ref_paths,'
            'p_loss,p_loss_se,horizon_var,var_tol,horizon_es,es_tol\n')
    for case, c, rule, level, horizon, n_ours, seed, limit in cases:
        x, value, _ = pnl_of(c, rule)
        paths = simulate(x, value, horizon, REF_PATHS)
        a = 1.0 - level
        p = float(np.mean(-paths > limit))
        p_se = math.sqrt(p * (1 - p) / REF_PATHS)
        q = float(np.quantile(paths, a, method='linear'))
        var = -q
        tail = -paths[paths < q]
        es = float(np.mean(tail))
        inv_f = (float(np.quantile(paths, a + 0.002)) - float(np.quantile(paths, a - 0.002))) / 0.004
        var_se = lambda n: math.sqrt(a * (1 - a) / n) * inv_f
        tail_var = float(np.var(tail))
        es_se = lambda n: math.sqrt((tail_var + (1 - a) * (es - var) ** 2) / (a * n))
        var_tol = 4 * (var_se(n_ours) + var_se(REF_PATHS))
        es_tol = 4 * (es_se(n_ours) + es_se(REF_PATHS))
        f.write('%d,%d,%s,%s,%d,%d,%d,%s,%d,%s,%s,%s,%s,%s,%s\n' % (
            case, c, rule, level, horizon, n_ours, seed, repr(limit), REF_PATHS,
            repr(p), repr(p_se), repr(var), repr(var_tol), repr(es), repr(es_tol)))
        print('case %d: customer %d, %s, %d days, value %.2f: p_loss %.5f (se %.5f), '
              'horizon VaR %.2f (tol %.2f), ES %.2f (tol %.2f)'
              % (case, c, rule, len(x), value, p, p_se, var, var_tol, es, es_tol))
