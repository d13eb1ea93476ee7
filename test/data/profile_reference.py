#!/usr/bin/python3
# profile_reference.py
#   Reference values of the PRIIPs market-risk measure of a packaged product
#   (area profile, section PRIIPs): moments of the log returns, Cornish-Fisher VaR in
#   return space, VaR-equivalent volatility (VEV), market risk measure class
#   (MRM) of a category 2 PRIIP, and the summary risk indicator (SRI) table
#   combining MRM and credit risk class (CRM).  Written from the regulation's
#   text as far as it could be read (see SOURCES), not from any
#   implementation.  Python with NumPy/SciPy only.  Run with Debian's
#   interpreter:
#   cd test/data && /usr/bin/python3 profile_reference.py
#   (it writes next to itself, whatever the working directory, and writes
#   the same bytes on every run: every draw comes from a seeded
#   numpy.random.RandomState, whose streams NumPy keeps stable; sums are
#   math.fsum, exactly rounded).  Floats are written with repr (the shortest
#   text that reads back as the same double; -0 is written as 0); every
#   expected value is computed from exactly the price doubles written.
#
#   SOURCES (Commission Delegated Regulation (EU) 2017/653, Annex II, as
#   amended by Delegated Regulation (EU) 2021/2268).  Only the opening of
#   the consolidated Annex II (points 1 to 5) and the amending act's
#   Annex II could be read here; the rest comes from secondary sources.
#   Checked again for this version of the script; the conventions below
#   are unchanged, so the CSVs are the same bytes.  Point by point:
#
#   [verified, regulation text: consolidated Annex II, versions 4 and 6 of
#     service.betterregulation.com/document/274785 and
#     nomox.eu/nomox_en/2014r1286-priips/2017r0653-priips653/2017r0653_en.ii]
#     point 1: market risk is the annualised volatility corresponding to
#     the VaR at 97,5 % over the recommended holding period.
#   [verified, regulation text: the same pages, and the amending act's
#     Annex II point 1(a), gesetze.legal/eu/vo_eu_2021_2268/anhang_ii]
#     point 2, MRM class by VEV:  1: < 0,5 %;  2: >= 0,5 % and < 5,0 %;
#     3: >= 5,0 % and < 12 %; 4: >= 12 % and < 20 %; 5: >= 20 % and < 30 %;
#     6: >= 30 % and < 80 %; 7: >= 80 %.  Each boundary belongs to the
#     HIGHER class.  (The 2017 text, applied 2018-2022, read "0,5 % - 5,0 %"
#     ... "> 80 %" and left the boundary open; 2021/2268 replaced the
#     table.)  Implemented: mrm = 1 + #{b in (0.005, 0.05, 0.12, 0.20,
#     0.30, 0.80) : VEV >= b}.
#   [verified, regulation text: nomox.eu above] point 5: category 2 needs
#     "at least 2 years of historical daily prices, or 4 years of
#     historical weekly prices, or 5 years of monthly prices" (or an
#     appropriate benchmark or proxy with such a history).  Counted here
#     as 512, 208 and 60 returns (513, 209, 61 prices) with the periods
#     below.
#   [verified in an official paraphrase: EIOPA Q&A 2509,
#     www.eiopa.europa.eu/qa-regulation/questions-and-answers-database/2509_en]
#     point 11: the return over each period is the natural logarithm of
#     the ratio of the closing price at the end of the period to that at
#     the end of the preceding one:  r_i = ln(P_i / P_{i-1}), i = 1..M0.
#   [secondary sources only: the EPT data dictionary field
#     01020_Portfolio_VEV_Reference, openfunds.org/snippets/OFEP010200.html,
#     which cites Annex II Part 1 (12); quant.stackexchange.com/questions/69314]
#     point 12:
#       VaR_RETURN_SPACE = sigma sqrt(N) (-1.96 + 0.474 mu1 / sqrt(N)
#                          - 0.0687 mu2 / N + 0.146 mu1^2 / N) - 0.5 sigma^2 N
#     N the number of trading periods in the recommended holding period.
#     No mean term.  The coefficients are the Cornish-Fisher terms at
#     z = -1.96, which the script checks: (z^2 - 1)/6 = 0.4736,
#     (z^3 - 3z)/24 = -0.0687, -(2z^3 - 5z)/36 = +0.1461.
#   [secondary sources for the formula; the amending act's Annex II point
#     1(b) (gesetze.legal above) REPLACES point 13, but its formula is an
#     image not readable here, only that T is the length of the
#     recommended holding period in years]  point 13:
#       VEV = (sqrt(3.842 - 2 VaR_RETURN_SPACE) - 1.96) / sqrt(T).
#     No floor of the VaR is applied (none is given).
#   [NOT verified in the regulation's text; secondary: the EPT field
#     OFEP021700 (openfunds.org/snippets/OFEP021700.html) defines the
#     excess kurtosis with 1/n; the ESAs' flow diagram JC 2017 49 gives
#     sigma = sqrt(M2) exactly] point 12's moments, population
#     estimators (divided by M0, not M0 - 1):
#       M1 = sum r_i / M0;  Mk = sum (r_i - M1)^k / M0, k = 2, 3, 4;
#       sigma = sqrt(M2);  mu1 = M3 / sigma^3;  mu2 = M4 / sigma^4 - 3.
#     (Two passes, sums exactly rounded by math.fsum; checked against
#     scipy.stats.skew/kurtosis with bias=True.)
#   [NOT verified; convention] periods per year: daily 256, weekly 52,
#     monthly 12; N = periods per year * T.  256 is the ESAs' flow
#     diagram JC 2017 49 (its worked example: M0 = 1280 = 256 * 5); the
#     ESAs' Q&A of November 2017, as summarised at
#     blog.financialexpress.net/asset-managers-institutions/updated-priips-qas,
#     calls the numbers of trading days in such publications indicative
#     and asks for the actual number (said of the performance
#     calculations).  The flow diagram's example (moments as quoted in a
#     public repository's test, T = 1) is checked below: VaR -0.40536
#     against its -0.4053; VEV 0.19701 against its 0.1969, which is what
#     3.8416 = 1.96^2 in place of 3.842 would give (0.19692).
#   [NOT verified, not applied] funds-axis.com (PRIIPs risk overview)
#     states that the MRM class of a category 2 or 3 PRIIP with only
#     monthly, or less frequent, prices is raised by one class; the mrm
#     column here is the VEV-table class only (point 2), for every series.
#   [secondary sources for the table: funds-axis.com and
#     anevis-solutions.com (kids-priips-aggregation-mrm-crm) agree; the
#     location, Annex II Part 3 point 52 "aggregation of market and credit
#     risk", is confirmed by the amending act, which inserts point 52a (the
#     manufacturer may raise the SRI, documenting why)] SRI by (CRM row,
#     MRM column 1..7):
#       CRM 1: 1 2 3 4 5 6 7      CRM 4: 5 5 5 5 5 6 7
#       CRM 2: 1 2 3 4 5 6 7      CRM 5: 5 5 5 5 5 6 7
#       CRM 3: 3 3 3 4 5 6 7      CRM 6: 6 6 6 6 6 6 7
#
#   FILES
#   profile_priips_series.csv   series_id,period,price
#     period 0..M0 (0 = the first price), price > 0.  Prices are
#     100 exp(cumulative sum of the drawn log returns), written with repr.
#   profile_priips_meta.csv     series_id,frequency,holding_period_years
#     frequency daily | weekly | monthly; holding period an integer (years).
#   profile_priips_expected.csv series_id,n_returns,mean,sigma,skewness,
#     excess_kurtosis,var_return_space,vev,mrm
#     n_returns = M0, mean = M1, sigma, skewness = mu1, excess_kurtosis =
#     mu2, var_return_space and vev as above, all from the returns
#     ln(P_i / P_{i-1}) of the written prices (np.log of the quotient).
#     A different but exact implementation should agree to about 1e-12
#     relative (sigma, VaR, VEV) and 1e-9 absolute (skewness, kurtosis).
#   profile_sri.csv             mrm,crm,sri   (42 rows, mrm slowest)
#
#   SERIES (seeds 1001.. in order; 513 daily prices = 2 years of 256
#   periods, 209 weekly = 4 years of 52, 61 monthly = 5 years of 12):
#   gauss_0p3 .. gauss_50: daily Gaussian log returns with annual
#     volatility v = 0.3 %, 3 %, 8 %, 16 %, 25 %, 50 % and a drift of 5 % a
#     year; the draws are standardized (population mean 0, sd 1) before
#     scaling, so sigma * 16 = v up to rounding.  With zero skew and
#     kurtosis the formulas give VEV_gauss = (sqrt(3.842 + 3.92 u + u^2)
#     - 1.96) / sqrt(T), u = v sqrt(T); as 3.842 > 1.96^2 = 3.8416 this is
#     v + about 1.0e-4 / sqrt(T) (not negligible at v = 0.3 %: +3.4 % when
#     T = 1).  Checks: |VEV / VEV_gauss - 1| < GAUSS_TOL = 0.01 (the gap
#     left is the sample skew and kurtosis through the Cornish-Fisher
#     terms) and |VEV - v| < 0.01 v + GAUSS_ABS, GAUSS_ABS = 1.1e-4.
#     Holding periods 1, 3, 5, 1, 3, 5 years.
#   t3_daily, t5_daily: Student t with 3 and 5 df, scaled to 20 % and 15 %
#     annual (nominal) volatility; mix_daily: a negatively skewed mixture
#     (95 %: N(0.0006, 0.009^2), 5 %: N(-0.012, 0.03^2)), T = 5, 3, 4.
#   weekly_4y: weekly t with 6 df, 15 % nominal annual volatility, T = 5;
#   monthly_5y: monthly Gaussian, 12 % annual volatility, T = 5.
#   bnd_<k>_lo / bnd_<k>_hi, k = 1..6 for the boundaries 0.005, 0.05, 0.12,
#     0.20, 0.30, 0.80: one skewed daily base series (the mixture above,
#     seed 2001), T = 3, its log returns multiplied by c so that VEV =
#     b (1 - 1e-4) (lo: class k) and b (1 + 1e-4) (hi: class k + 1).
#     Scaling leaves mu1 and mu2 unchanged, so VaR(c) = a c - 0.5 s^2 N c^2
#     with a = s sqrt(N) (bracket), and c solves the quadratic for the VaR
#     the target VEV requires, VaR* = (3.842 - (VEV sqrt(T) + 1.96)^2) / 2:
#     c = 2 VaR* / (a - sqrt(a^2 - 2 s^2 N VaR*)) (the stable root).  The
#     script asserts, from the written prices, VEV within 1e-9 relative of
#     its target, and the classes k and k + 1.
import csv
import math
import os

import numpy as np
import scipy.stats

HERE = os.path.dirname(os.path.abspath(__file__))
fmt = lambda v: repr(float(v) + 0.0)               # + 0.0: never "-0.0"

PPY = {"daily": 256, "weekly": 52, "monthly": 12}
BOUNDS = (0.005, 0.05, 0.12, 0.20, 0.30, 0.80)
GAUSS_TOL = 0.01
GAUSS_ABS = 1.1e-4
EDGE = 1e-4

SRI = {1: (1, 2, 3, 4, 5, 6, 7),
       2: (1, 2, 3, 4, 5, 6, 7),
       3: (3, 3, 3, 4, 5, 6, 7),
       4: (5, 5, 5, 5, 5, 6, 7),
       5: (5, 5, 5, 5, 5, 6, 7),
       6: (6, 6, 6, 6, 6, 6, 7)}       # SRI[crm][mrm - 1]


def write_csv(name, header, rows):
    # No field holds a comma, a quote or a newline: plain joins are CSV.
    lines = [",".join(str(x) for x in r) + "\n" for r in [header, *rows]]
    with open(os.path.join(HERE, name), "w") as f:
        f.write("".join(lines))


# --------------------------------------------------------------------------
# The measure.

def log_returns(prices):
    p = np.asarray(prices, dtype=np.float64)
    return np.log(p[1:] / p[:-1])


def moments(r):
    m0 = len(r)
    m1 = math.fsum(r) / m0
    d = [x - m1 for x in r]
    m2 = math.fsum(x * x for x in d) / m0
    m3 = math.fsum(x * x * x for x in d) / m0
    m4 = math.fsum(x * x * x * x for x in d) / m0
    sigma = math.sqrt(m2)
    return m0, m1, sigma, m3 / sigma ** 3, m4 / (m2 * m2) - 3.0


def var_return_space(sigma, mu1, mu2, n):
    rn = math.sqrt(n)
    return (sigma * rn * (-1.96 + 0.474 * mu1 / rn - 0.0687 * mu2 / n
                          + 0.146 * mu1 * mu1 / n)
            - 0.5 * sigma * sigma * n)


def vev_of(var, t):
    return (math.sqrt(3.842 - 2.0 * var) - 1.96) / math.sqrt(t)


def mrm_of(vev):
    return 1 + sum(1 for b in BOUNDS if vev >= b)


def measure(prices, freq, t):
    r = log_returns(prices)
    m0, m1, sigma, mu1, mu2 = moments(r.tolist())
    n = PPY[freq] * t
    var = var_return_space(sigma, mu1, mu2, n)
    vev = vev_of(var, t)
    return dict(n_returns=m0, mean=m1, sigma=sigma, skewness=mu1,
                excess_kurtosis=mu2, var=var, vev=vev, mrm=mrm_of(vev))


# --------------------------------------------------------------------------
# Checks of the constants and of the estimators.

z = -1.96
assert abs((z * z - 1) / 6 - 0.474) < 5e-4
assert abs((z ** 3 - 3 * z) / 24 - (-0.0687)) < 5e-5
assert abs(-(2 * z ** 3 - 5 * z) / 36 - 0.146) < 5e-4
assert abs(1.96 ** 2 - 3.842) < 5e-4           # 3.842 = 1.96^2, rounded
# Zero skew and kurtosis: VEV = (sqrt(3.842 + 3.92 u + u^2) - 1.96) / sqrt(T),
# u = sigma sqrt(N); 3.842 exceeds 1.96^2 = 3.8416, so VEV exceeds
# sigma sqrt(N / T) by about 0.0004 / (2 (1.96 + u)) / sqrt(T) <= 1.03e-4.
def vev_gauss(u, t):
    return (math.sqrt(3.842 + 3.92 * u + u * u) - 1.96) / math.sqrt(t)


for s, n, t in ((0.01, 256, 1), (0.02, 768, 3), (0.0003, 1280, 5)):
    u = s * math.sqrt(n)
    v = vev_of(var_return_space(s, 0.0, 0.0, n), t)
    assert abs(v / vev_gauss(u, t) - 1) < 1e-12, (s, n, t, v)
    assert 0 < v - u / math.sqrt(t) < 0.0004 / 3.92 / math.sqrt(t), (s, n, t)
# The ESAs' flow diagram JC 2017 49, worked example (T = 1, N = 256):
# M2 = 0.000149905, M3 = -6.44479e-07, M4 = 1.46705e-07; VaR -0.4053,
# VEV 0.1969 (shown with 4 decimals).
_m2, _m3, _m4 = 0.000149905, -6.44479e-07, 1.46705e-07
_s = math.sqrt(_m2)
_var = var_return_space(_s, _m3 / _s ** 3, _m4 / _m2 ** 2 - 3, 256)
assert abs(_var - -0.4053) < 1e-4, _var
assert abs(vev_of(_var, 1) - 0.1970) < 1e-4, vev_of(_var, 1)
assert abs((math.sqrt(3.8416 - 2 * _var) - 1.96) - 0.1969) < 5e-5
assert mrm_of(0.005) == 2 and mrm_of(math.nextafter(0.005, 0)) == 1
assert mrm_of(0.80) == 7 and mrm_of(math.nextafter(0.80, 0)) == 6


def prices_of(r):
    return 100.0 * np.exp(np.concatenate(([0.0], np.cumsum(r))))


# --------------------------------------------------------------------------
# Series.

series = []           # (series_id, freq, T, prices)
seed = 1001

for v, t in zip((0.003, 0.03, 0.08, 0.16, 0.25, 0.50), (1, 3, 5, 1, 3, 5)):
    rs = np.random.RandomState(seed); seed += 1
    g = rs.standard_normal(512)
    g = (g - g.mean()) / g.std()
    r = 0.05 / 256 + v / 16.0 * g
    sid = "gauss_" + ("%g" % (100 * v)).replace(".", "p")
    series.append((sid, "daily", t, prices_of(r), v))


def mixture(rs, n):
    u = rs.uniform(size=n)
    a = rs.normal(0.0006, 0.009, size=n)
    b = rs.normal(-0.012, 0.03, size=n)
    return np.where(u < 0.95, a, b)


rs = np.random.RandomState(seed); seed += 1
df = 3
r = 0.20 / 16.0 * rs.standard_t(df, 512) / math.sqrt(df / (df - 2.0))
series.append(("t3_daily", "daily", 5, prices_of(r), None))
rs = np.random.RandomState(seed); seed += 1
df = 5
r = 0.15 / 16.0 * rs.standard_t(df, 512) / math.sqrt(df / (df - 2.0))
series.append(("t5_daily", "daily", 3, prices_of(r), None))
rs = np.random.RandomState(seed); seed += 1
series.append(("mix_daily", "daily", 4, prices_of(mixture(rs, 512)), None))
rs = np.random.RandomState(seed); seed += 1
df = 6
r = 0.001 + 0.15 / math.sqrt(52) * rs.standard_t(df, 208) / math.sqrt(df / (df - 2.0))
series.append(("weekly_4y", "weekly", 5, prices_of(r), None))
rs = np.random.RandomState(seed); seed += 1
r = 0.004 + 0.12 / math.sqrt(12) * rs.standard_normal(60)
series.append(("monthly_5y", "monthly", 5, prices_of(r), None))

# Boundary pairs.
rs = np.random.RandomState(2001)
base = mixture(rs, 512)
T_B = 3
N_B = PPY["daily"] * T_B
_, _, s0, mu1_0, mu2_0 = moments(base.tolist())
bracket = (-1.96 + 0.474 * mu1_0 / math.sqrt(N_B) - 0.0687 * mu2_0 / N_B
           + 0.146 * mu1_0 ** 2 / N_B)
assert bracket < 0
a = s0 * math.sqrt(N_B) * bracket
pairs = []
for k, b in enumerate(BOUNDS, start=1):
    for side, f in (("lo", 1 - EDGE), ("hi", 1 + EDGE)):
        target = b * f
        var_t = (3.842 - (target * math.sqrt(T_B) + 1.96) ** 2) / 2.0
        c = 2.0 * var_t / (a - math.sqrt(a * a - 2.0 * s0 * s0 * N_B * var_t))
        sid = "bnd_%d_%s" % (k, side)
        series.append((sid, "daily", T_B, prices_of(c * base), None))
        pairs.append((sid, b, target, k if side == "lo" else k + 1))

# Minimum histories (point 5).
MIN_RETURNS = {"daily": 512, "weekly": 208, "monthly": 60}
for sid, freq, t, p, _ in series:
    assert len(p) - 1 >= MIN_RETURNS[freq], sid
    assert np.all(np.isfinite(p)) and np.all(p > 0), sid

# --------------------------------------------------------------------------
# Write the series, read the doubles back from their text, measure.

rows = []
for sid, freq, t, p, _ in series:
    for i, x in enumerate(p):
        rows.append((sid, i, fmt(x)))
write_csv("profile_priips_series.csv", ("series_id", "period", "price"), rows)
write_csv("profile_priips_meta.csv",
          ("series_id", "frequency", "holding_period_years"),
          [(sid, freq, t) for sid, freq, t, _, _ in series])

written = {}
with open(os.path.join(HERE, "profile_priips_series.csv"), newline="") as f:
    for row in csv.DictReader(f):
        written.setdefault(row["series_id"], []).append(float(row["price"]))

results = {}
out = []
for sid, freq, t, p, _ in series:
    pw = np.array(written[sid])
    assert np.array_equal(pw, p), sid
    m = measure(pw, freq, t)
    r = log_returns(pw)
    assert abs(m["skewness"] - scipy.stats.skew(r, bias=True)) < 1e-9, sid
    assert abs(m["excess_kurtosis"]
               - scipy.stats.kurtosis(r, fisher=True, bias=True)) < 1e-8, sid
    assert abs(m["sigma"] / np.std(r) - 1) < 1e-12, sid
    results[sid] = m
    out.append((sid, m["n_returns"], fmt(m["mean"]), fmt(m["sigma"]),
                fmt(m["skewness"]), fmt(m["excess_kurtosis"]),
                fmt(m["var"]), fmt(m["vev"]), m["mrm"]))
write_csv("profile_priips_expected.csv",
          ("series_id", "n_returns", "mean", "sigma", "skewness",
           "excess_kurtosis", "var_return_space", "vev", "mrm"), out)

write_csv("profile_sri.csv", ("mrm", "crm", "sri"),
          [(mrm, crm, SRI[crm][mrm - 1])
           for mrm in range(1, 8) for crm in range(1, 7)])
# The table only raises the MRM class, and is monotone in both.
for crm in range(1, 7):
    for mrm in range(1, 8):
        s = SRI[crm][mrm - 1]
        assert s >= mrm
        assert mrm == 1 or s >= SRI[crm][mrm - 2]
        assert crm == 1 or s >= SRI[crm - 1][mrm - 1]

# --------------------------------------------------------------------------
# Checks and summary.

print("%-12s %-8s %2s %8s %9s %9s %12s %4s" % (
    "series", "freq", "T", "returns", "skew", "exkurt", "vev", "mrm"))
for sid, freq, t, _, _ in series:
    m = results[sid]
    print("%-12s %-8s %2d %8d %9.4f %9.4f %12.8f %4d" % (
        sid, freq, t, m["n_returns"], m["skewness"], m["excess_kurtosis"],
        m["vev"], m["mrm"]))

print("\nGaussian check: |VEV / VEV_gauss - 1| < %g and "
      "|VEV - vol| < %g vol + %g" % (GAUSS_TOL, GAUSS_TOL, GAUSS_ABS))
for sid, freq, t, _, v in series:
    if v is None:
        continue
    m = results[sid]
    g = vev_gauss(v * math.sqrt(t), t)
    rel = m["vev"] / g - 1
    assert abs(m["sigma"] * 16.0 / v - 1) < 1e-12, sid
    assert abs(rel) < GAUSS_TOL, (sid, rel)
    assert abs(m["vev"] - v) < GAUSS_TOL * v + GAUSS_ABS, (sid, m["vev"], v)
    print("  %-10s vol %-5g T %d VEV %.10f  VEV_gauss %.10f  rel %+.2e  "
          "VEV - vol %+.2e" % (sid, v, t, m["vev"], g, rel, m["vev"] - v))

print("\nBoundary pairs (T = %d, daily, skew %.4f, excess kurtosis %.4f):"
      % (T_B, mu1_0, mu2_0))
for sid, b, target, cls in pairs:
    m = results[sid]
    assert abs(m["skewness"] - mu1_0) < 1e-9 and \
        abs(m["excess_kurtosis"] - mu2_0) < 1e-8, sid
    assert abs(m["vev"] / target - 1) < 1e-9, (sid, m["vev"], target)
    assert m["mrm"] == cls, (sid, m["vev"], cls)
    print("  %-9s boundary %-5g VEV %.12f  mrm %d" % (sid, b, m["vev"],
                                                      m["mrm"]))
