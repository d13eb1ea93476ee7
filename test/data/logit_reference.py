#!/usr/bin/python3
# logit_reference.py
#   Reference values of risk.logit_fit from statsmodels (unpenalized) and
#   scikit-learn (L2).  Run with Debian's interpreter:
#   cd test/data && /usr/bin/python3 logit_reference.py
#   Writes logit_loans.csv (id,segment,bad,x1..x10) and logit_expected.csv
#   (segment,model,measure,index,value): coefficients (intercept first),
#   standard errors, z, p-values, log-likelihood and AIC of
#   statsmodels.Logit(...).fit(method="newton"), for all loans and per
#   segment; the coefficients of sklearn LogisticRegression(C = 1/l2) with
#   l2 = 5, whose objective is the same penalty (l2/2) sum beta_j^2 on the
#   non-intercept coefficients.
import numpy as np
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(20261127)
n, k = 5000, 10
seg = rng.choice(["retail", "sme"], size=n, p=[0.7, 0.3])
X = rng.normal(size=(n, k))
X[:, 3] = rng.exponential(size=n)                 # a skewed characteristic
X[:, 7] = (rng.random(n) < 0.3).astype(float)     # a flag
X[:, 9] = np.round(rng.normal(size=n) * 2) / 2    # a coarse one
beta = np.array([0.8, -0.5, 0.3, 0.6, 0.0, 0.2, -0.4, 0.9, 0.1, -0.3])
lin = -3.3 + X @ beta + np.where(seg == "sme", 0.4, 0.0)
y = rng.random(n) < 1 / (1 + np.exp(-lin))
X = np.round(X, 8)
fmt = lambda v: "%.17g" % v
with open("logit_loans.csv", "w") as f:
    f.write("id,segment,bad," + ",".join("x%d" % (j + 1) for j in range(k)) + "\n")
    for i in range(n):
        f.write("%d,%s,%s,%s\n" % (i + 1, seg[i], "t" if y[i] else "f", ",".join(fmt(v) for v in X[i])))

rows = []
for s in ["all", "retail", "sme"]:
    m = np.ones(n, bool) if s == "all" else seg == s
    r = sm.Logit(y[m].astype(float), sm.add_constant(X[m])).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
    for name, arr in [("coef", r.params), ("se", r.bse), ("z", r.tvalues), ("p", r.pvalues)]:
        for j, v in enumerate(arr):
            rows.append((s, "mle", name, j, v))
    rows += [(s, "mle", "loglik", 0, r.llf), (s, "mle", "aic", 0, r.aic), (s, "mle", "n", 0, m.sum())]
l2 = 5.0
lr = LogisticRegression(C=1 / l2, tol=1e-12, max_iter=100000, solver="newton-cg").fit(X, y)
coef = np.concatenate([lr.intercept_, lr.coef_[0]])
for j, v in enumerate(coef):
    rows.append(("all", "l2", "coef", j, v))
with open("logit_expected.csv", "w") as f:
    f.write("segment,model,measure,index,value\n")
    for s, mo, me, j, v in rows:
        f.write("%s,%s,%s,%d,%s\n" % (s, mo, me, j + 1, fmt(float(v))))
print("written")
