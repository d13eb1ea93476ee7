#!/usr/bin/python3
# credit_validation_reference.py
#   Reference values of the credit validation metrics (risk.auc, risk.gini,
#   risk.ks, risk.brier, risk.hosmer_lemeshow, risk.jeffreys_test,
#   risk.binomial_test, risk.psi) from scikit-learn and SciPy.
#   Run with Debian's interpreter: cd test/data && /usr/bin/python3 credit_validation_reference.py
#   Writes credit_loans.csv (id,segment,pd,score,bad),
#   credit_validation_expected.csv (segment,measure,value), credit_psi_counts.csv
#   (bucket,dev,cur,cur_shifted) and
#   credit_grade_tests.csv (n,defaults,pd,jeffreys,binomial).
#
#   Definitions: a bad (default) is the positive class.  AUC: sklearn's
#   roc_auc_score(bad, score) (ties count one half), Gini = 2 AUC - 1.  KS:
#   scipy.stats.ks_2samp(score of bads, score of goods).statistic.  Brier:
#   sklearn's brier_score_loss(bad, pd).  Hosmer-Lemeshow: loans ordered by
#   pd (ties: goods first), group k holds ranks i with floor(i g / n) = k,
#   H = sum (O - E)^2 / (E (1 - E/n_k)), chi-squared p-value with g - 2 df.
#   Jeffreys: scipy.stats.beta.cdf(pd, D + 1/2, N - D + 1/2).  Binomial:
#   scipy.stats.binomtest(D, N, pd, alternative='greater').pvalue.  PSI:
#   sum (a - e) ln(a / e) over bucket shares.
import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score, brier_score_loss

rng = np.random.default_rng(20261126)
n = 6000
segment = rng.choice(["retail", "sme", "corporate"], size=n, p=[0.6, 0.3, 0.1])
x1 = rng.normal(size=n)
x2 = rng.normal(size=n)
base = {"retail": -3.4, "sme": -3.0, "corporate": -4.0}
lin = np.array([base[s] for s in segment]) + 0.9 * x1 - 0.5 * x2
pd = 1.0 / (1.0 + np.exp(-lin))
bad = rng.random(n) < pd
score = np.round(1000 * pd) / 1000          # a coarse score: many ties
pd = np.round(pd, 6)                        # written exactly as read back
fmt = lambda v: "%.17g" % v

with open("credit_loans.csv", "w") as f:
    f.write("id,segment,pd,score,bad\n")
    for i in range(n):
        f.write("%d,%s,%s,%s,%s\n" % (i + 1, segment[i], fmt(pd[i]), fmt(score[i]), "t" if bad[i] else "f"))


def hosmer_lemeshow(p, y, g):
    order = np.lexsort((y, p))              # by pd, ties goods first
    p, y = p[order], y[order].astype(float)
    m = len(p)
    k = (np.arange(m) * g) // m
    h = 0.0
    for j in range(g):
        o = y[k == j].sum(); e = p[k == j].sum(); c = (k == j).sum()
        h += (o - e) ** 2 / (e * (1 - e / c))
    return h, g - 2, stats.chi2.sf(h, g - 2)


rows = []
for seg in ["all", "retail", "sme", "corporate"]:
    m = np.ones(n, bool) if seg == "all" else segment == seg
    s, b, p = score[m], bad[m], pd[m]
    auc = roc_auc_score(b, s)
    rows += [(seg, "n", m.sum()), (seg, "bads", b.sum()), (seg, "auc", auc), (seg, "gini", 2 * auc - 1),
             (seg, "ks", stats.ks_2samp(s[b], s[~b]).statistic),
             (seg, "brier", brier_score_loss(b, p))]
    for g in (10, 5):
        h, df, pv = hosmer_lemeshow(p, b, g)
        rows += [(seg, "hl_stat_%d" % g, h), (seg, "hl_df_%d" % g, df), (seg, "hl_p_%d" % g, pv)]

# PSI between the development (first half) and current (second half) score
# distributions, in ten buckets of the score
edges = np.quantile(score, np.linspace(0, 1, 11))[1:-1]
bucket = np.searchsorted(edges, score, side="right")
dev = np.bincount(bucket[: n // 2], minlength=10).astype(float)
cur = np.bincount(bucket[n // 2:], minlength=10).astype(float)
e, a = dev / dev.sum(), cur / cur.sum()
rows.append(("all", "psi_halves", np.sum((a - e) * np.log(a / e))))
rows.append(("all", "psi_shifted", None))   # computed below
cur2 = cur.copy(); cur2[:3] *= 0.5; cur2[-3:] *= 2.0
a2 = cur2 / cur2.sum()
rows[-1] = ("all", "psi_shifted", np.sum((a2 - e) * np.log(a2 / e)))
with open("credit_validation_expected.csv", "w") as f:
    f.write("segment,measure,value\n")
    for seg, meas, v in rows:
        f.write("%s,%s,%s\n" % (seg, meas, fmt(float(v))))
with open("credit_psi_counts.csv", "w") as f:
    f.write("bucket,dev,cur,cur_shifted\n")
    for i in range(10):
        f.write("%d,%s,%s,%s\n" % (i + 1, fmt(dev[i]), fmt(cur[i]), fmt(cur2[i])))

with open("credit_grade_tests.csv", "w") as f:
    f.write("n,defaults,pd,jeffreys,binomial\n")
    for (N, D, P) in [(1000, 12, 0.01), (1000, 3, 0.01), (250, 0, 0.004), (40, 5, 0.05),
                      (5000, 70, 0.012), (120, 1, 0.0003), (10, 10, 0.5)]:
        jf = stats.beta.cdf(P, D + 0.5, N - D + 0.5)
        bi = stats.binomtest(D, N, P, alternative="greater").pvalue
        f.write("%d,%d,%s,%s,%s\n" % (N, D, fmt(P), fmt(jf), fmt(bi)))
print("written")
