#!/usr/bin/python3
"""
Reference values of risk.fairness (docs/explain.md, "Fairness by group"),
computed independently with NumPy, and the data set they are computed on.

Run with Debian's /usr/bin/python3 (NumPy); writes, next to this script:
  explain_fairness_rows.csv      the decisions: grp, declined, defaulted, pd
  explain_fairness_expected.csv  every exact metric: metric, grp, value
  explain_fairness_bootstrap.csv the percentile intervals of a 20,000
                                 replicate bootstrap and their tolerances

Conventions (as in the extension): the outcome "defaulted" is the positive
class, the decision "declined" the positive prediction, so fairlearn's
selection rate is the decline rate.  The definitions follow fairlearn's
documentation, written out here (no fairlearn code is used):

- selection rate of group a: P(declined | A = a), fairlearn's
  selection_rate, the E[h(X) | A = a] of
  https://fairlearn.org/main/api_reference/generated/fairlearn.metrics.demographic_parity_difference.html
- true positive rate P(declined | defaulted, A = a) and false positive rate
  P(declined | not defaulted, A = a): fairlearn's true_positive_rate and
  false_positive_rate, P[h(X)=1 | A=a, Y=1] and P[h(X)=1 | A=a, Y=0] of
  https://fairlearn.org/main/api_reference/generated/fairlearn.metrics.equalized_odds_difference.html
- demographic parity difference: max - min selection rate over the groups;
  ratio: min / max (same page family, demographic_parity_ratio)
- equalized odds difference: the greater of the TPR difference and the
  FPR difference; ratio: the smaller of the TPR ratio and the FPR ratio
  (fairlearn's agg='worst_case', the default)
- equal opportunity difference: the TPR difference (the user guide,
  "Common fairness metrics", section "Equal opportunity",
  https://fairlearn.org/main/user_guide/assessment/common_fairness_metrics.html)

Where fairlearn leaves a choice open the extension decides, and so does
this script: a rate whose denominator is 0 (TPR of a group without a
default, FPR of a group without a non-default) is undefined (NaN) and left
out of the max and min across groups; a ratio whose largest rate is 0 is
undefined.  The worst-off group is the one with the highest decline rate.
AUC is the Mann-Whitney statistic by average ranks (ties count one half),
over the rows of the group that have a PD.  A row with a NULL group,
decision or outcome is left out; a row with a NULL PD counts in the
decision metrics and not in mean_pd, pd_default_rate and AUC.

The bootstrap is stratified by group: in each replicate a group of n rows
draws n rows with replacement from its own rows.  Its 2x2 table of
(declined, defaulted) counts is then a multinomial draw of n over the four
cells with probabilities count / n, which is what is drawn here (NumPy's
Generator.multinomial) and in the extension (GSL's gsl_ran_multinomial):
the same distribution from two independent generators.  fairlearn's
MetricFrame resamples the whole data set instead (user guide,
"Confidence Interval Estimation"); stratifying keeps every group in every
replicate with its size, so no replicate lacks a group.

The tolerance of an interval end: our interval comes from B = 2000
replicates (the SQL test's n_boot), the reference from R = 20,000.  The
p-quantile of B draws from a distribution F has a standard error of about
sqrt(p (1 - p) / B) / f(q_p); without the density f, the same is read off
the reference distribution as half the distance between its quantiles at
p -/+ sqrt(p (1 - p) / B) (the order statistics one binomial standard
deviation away).  Both estimates err independently, so the tolerance is 4
times the root of the sum of both squared standard errors, plus one
lattice step of the metric (the rates are counts over group sizes, so the
quantiles move in steps of about 1 / (smallest group)).
"""
import csv
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
B_SQL = 2000          # the SQL test's n_boot
R_REF = 20000         # the reference bootstrap's replicates
LEVEL = 0.95
METRICS = ["demographic_parity_difference", "demographic_parity_ratio",
           "equalized_odds_difference", "equalized_odds_ratio",
           "equal_opportunity_difference"]


def rates(c):
    """c: (..., 4) counts, cells[2 * declined + defaulted]."""
    c = np.asarray(c, dtype=float)
    n = c.sum(axis=-1)
    bad = c[..., 1] + c[..., 3]
    good = c[..., 0] + c[..., 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        sel = (c[..., 2] + c[..., 3]) / n
        tpr = np.where(bad > 0, c[..., 3] / bad, np.nan)
        fpr = np.where(good > 0, c[..., 2] / good, np.nan)
    return sel, tpr, fpr


def across(sel, tpr, fpr):
    """The five across-group metrics; the last axis is the group."""
    def rng(x):
        with np.errstate(invalid="ignore"):
            lo = np.nanmin(np.where(np.isnan(x).all(axis=-1, keepdims=True), 0, x), axis=-1)
            hi = np.nanmax(np.where(np.isnan(x).all(axis=-1, keepdims=True), 0, x), axis=-1)
        none = np.isnan(x).all(axis=-1)
        return np.where(none, np.nan, lo), np.where(none, np.nan, hi)
    slo, shi = rng(sel)
    tlo, thi = rng(tpr)
    flo, fhi = rng(fpr)
    with np.errstate(invalid="ignore", divide="ignore"):
        dpd = shi - slo
        dpr = np.where(shi > 0, slo / shi, np.nan)
        tdiff = thi - tlo
        fdiff = fhi - flo
        tratio = np.where(thi > 0, tlo / thi, np.nan)
        fratio = np.where(fhi > 0, flo / fhi, np.nan)
    eod = np.where(np.isnan(tdiff) | np.isnan(fdiff), np.nan, np.maximum(tdiff, fdiff))
    eor = np.where(np.isnan(tratio) | np.isnan(fratio), np.nan, np.minimum(tratio, fratio))
    return [dpd, dpr, eod, eor, tdiff]


def auc_by_ranks(score, bad):
    """Mann-Whitney AUC with average ranks (ties one half)."""
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2.0 + 1.0
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    nb = int(bad.sum())
    ng = len(bad) - nb
    if nb == 0 or ng == 0:
        return math.nan
    u = r[bad].sum() - nb * (nb + 1) / 2.0
    return u / (nb * ng)


def fairlearn_example():
    """The worked example of fairlearn's user guide, "Common fairness metrics":
    there demographic_parity_difference 0.25, demographic_parity_ratio
    0.66666..., equalized_odds_difference 1.0, equalized_odds_ratio 0.0."""
    y_true = [0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    y_pred = [0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0]
    sf = ['b', 'b', 'a', 'b', 'b', 'c', 'c', 'c', 'a',
          'a', 'c', 'a', 'b', 'c', 'c', 'b', 'c', 'c']
    groups = sorted(set(sf))
    cells = np.zeros((len(groups), 4), dtype=np.int64)
    for y, d, g in zip(y_true, y_pred, sf):
        cells[groups.index(g), 2 * d + y] += 1
    sel, tpr, fpr = rates(cells)
    m = [float(v) for v in across(sel, tpr, fpr)]
    assert m[0] == 0.25 and abs(m[1] - 2 / 3) < 1e-15 and m[2] == 1.0 and m[3] == 0.0
    assert abs(m[4] - 0.2) < 1e-15
    return groups, cells, sel, tpr, fpr, m


def main():
    rs = np.random.default_rng(20261204)
    # four age bands; the oldest, small, has no default at all (one class)
    spec = [("age 18-29", 1400, -2.2), ("age 30-49", 1300, -2.8),
            ("age 50-69", 900, -3.0), ("age 70+", 150, None)]
    rows = []
    for name, n, base in spec:
        x = rs.normal(size=n)
        if base is None:
            pd = 1 / (1 + np.exp(-(-2.6 + 0.7 * x)))
            dflt = np.zeros(n, dtype=bool)
        else:
            pd = 1 / (1 + np.exp(-(base + 0.9 * x)))
            dflt = rs.random(n) < pd
        pd = np.round(pd, 3)          # ties in the PD: AUC counts them one half
        # the decision: a cut-off on a noisy score, harsher for the young
        cut = 0.08 if name == "age 18-29" else 0.10
        declined = pd * np.exp(rs.normal(scale=0.3, size=n)) > cut
        for k in range(n):
            rows.append([name, bool(declined[k]), bool(dflt[k]), float(pd[k])])
    # rows without a PD (counted in the decisions only), and rows left out
    for k in range(0, 60, 3):
        rows[k * 37 % len(rows)][3] = None
    left_out = [[None, True, False, 0.1], ["age 30-49", None, True, 0.2],
                ["age 50-69", False, None, 0.3], [None, None, None, None]]
    perm = rs.permutation(len(rows))
    rows = [rows[i] for i in perm] + left_out

    with open(os.path.join(HERE, "explain_fairness_rows.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["grp", "declined", "defaulted", "pd"])
        for g, d, y, p in rows:
            w.writerow(["" if g is None else g, "" if d is None else ("t" if d else "f"),
                        "" if y is None else ("t" if y else "f"), "" if p is None else repr(p)])

    used = [r for r in rows if r[0] is not None and r[1] is not None and r[2] is not None]
    groups = sorted(set(r[0] for r in used), key=lambda s: s.encode())
    cells = np.zeros((len(groups), 4), dtype=np.int64)
    for g, d, y, p in used:
        cells[groups.index(g), 2 * int(d) + int(y)] += 1
    sel, tpr, fpr = rates(cells)
    point = [float(v) for v in across(sel, tpr, fpr)]
    worst = groups[int(np.argmax(sel))]

    out = []
    for gi, g in enumerate(groups):
        c = cells[gi]
        n = int(c.sum())
        bad = int(c[1] + c[3])
        good = int(c[0] + c[2])
        # the rates as single divisions of the exact counts
        out += [("n", g, n), ("declined", g, int(c[2] + c[3])), ("defaults", g, bad),
                ("selection_rate", g, (int(c[2]) + int(c[3])) / n),
                ("tpr", g, int(c[3]) / bad if bad else None),
                ("fpr", g, int(c[2]) / good if good else None),
                ("default_rate", g, bad / n)]
        pds = [(p, y) for gg, d, y, p in used if gg == g and p is not None]
        npd = len(pds)
        score = np.array([p for p, y in pds])
        flag = np.array([y for p, y in pds], dtype=bool)
        out += [("n_pd", g, npd),
                ("mean_pd", g, math.fsum(score) / npd if npd else None),
                ("pd_default_rate", g, int(flag.sum()) / npd if npd else None)]
        a = auc_by_ranks(score, flag)
        out.append(("auc", g, None if math.isnan(a) else a))
    for k, name in enumerate(METRICS):
        out.append((name, "", None if math.isnan(point[k]) else point[k]))
    out += [("rows", "", len(used)), ("rows_left_out", "", len(rows) - len(used)),
            ("worst_group", "", worst)]
    # fairlearn's user-guide example
    fg, fcells, fsel, ftpr, ffpr, fm = fairlearn_example()
    for k, name in enumerate(METRICS):
        out.append(("fairlearn_" + name, "", fm[k]))
    for gi, g in enumerate(fg):
        out += [("fairlearn_selection_rate", g, float(fsel[gi])),
                ("fairlearn_tpr", g, float(ftpr[gi])), ("fairlearn_fpr", g, float(ffpr[gi]))]

    with open(os.path.join(HERE, "explain_fairness_expected.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["metric", "grp", "value"])
        for m, g, v in out:
            w.writerow([m, g, "" if v is None else (repr(v) if isinstance(v, float) else v)])

    # the stratified bootstrap: a multinomial table per group and replicate
    brs = np.random.default_rng(7)
    draws = np.stack([brs.multinomial(int(cells[gi].sum()), cells[gi] / cells[gi].sum(), size=R_REF)
                      for gi in range(len(groups))], axis=1)       # R x G x 4
    bsel, btpr, bfpr = rates(draws)
    reps = across(bsel, btpr, bfpr)
    step = 1.0 / float(cells.sum(axis=1).min())
    qlo, qhi = (1 - LEVEL) / 2, (1 + LEVEL) / 2
    with open(os.path.join(HERE, "explain_fairness_bootstrap.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["metric", "n_boot", "level", "ref_replicates", "defined", "lo", "hi",
                    "lo_tol", "hi_tol"])
        for k, name in enumerate(METRICS):
            x = reps[k][~np.isnan(reps[k])]
            if len(x) == 0:
                w.writerow([name, B_SQL, LEVEL, R_REF, 0, "", "", "", ""])
                continue
            ends, tols = [], []
            for p in (qlo, qhi):
                q = float(np.quantile(x, p))           # type 7 (linear)
                def se(b):
                    d = math.sqrt(p * (1 - p) / b)
                    return (np.quantile(x, min(p + d, 1)) - np.quantile(x, max(p - d, 0))) / 2
                tol = 4 * math.sqrt(se(B_SQL) ** 2 + se(R_REF) ** 2) + step
                ends.append(q)
                tols.append(tol)
            w.writerow([name, B_SQL, LEVEL, R_REF, len(x), repr(ends[0]), repr(ends[1]),
                        repr(tols[0]), repr(tols[1])])
            print(f"{name}: {point[k]:.6f} [{ends[0]:.6f}, {ends[1]:.6f}] tol {tols[0]:.5f} {tols[1]:.5f}")
    print("groups", groups, "cells", cells.tolist(), "worst", worst)


if __name__ == "__main__":
    main()
