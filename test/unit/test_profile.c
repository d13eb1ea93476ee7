/*
 * test_profile.c
 *     Unit tests of core/profile.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/profile.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

/* prices 100 exp(cumulative sum of r[0..m-1]) into p[0..m] */
static void
priips_prices(const double *r, int m, double *p)
{
	double		cum = 0;

	p[0] = 100.0;
	for (int i = 0; i < m; i++)
	{
		cum += r[i];
		p[i + 1] = 100.0 * exp(cum);
	}
}

/* the measure by its definition, in long double, from the same returns */
static void
priips_naive(const double *p, int n, double ppy, double t, double *out)
{
	long double s = 0,
				m1,
				m2 = 0,
				m3 = 0,
				m4 = 0,
				sd;
	int			m0 = n - 1;

	for (int i = 1; i < n; i++)
		s += logl((long double) p[i] / p[i - 1]);
	m1 = s / m0;
	for (int i = 1; i < n; i++)
	{
		long double d = logl((long double) p[i] / p[i - 1]) - m1;

		m2 += d * d;
		m3 += d * d * d;
		m4 += d * d * d * d;
	}
	m2 /= m0;
	m3 /= m0;
	m4 /= m0;
	sd = sqrtl(m2);
	out[0] = (double) m1;
	out[1] = (double) sd;
	out[2] = (double) (m3 / (sd * sd * sd));
	out[3] = (double) (m4 / (m2 * m2) - 3);
	out[4] = rk_priips_var(out[1], out[2], out[3], ppy * t);
	out[5] = (sqrt(3.842 - 2 * out[4]) - 1.96) / sqrt(t);
}

/* Returns a, a, -2a repeated: mean 0, skew -1/sqrt(2), excess kurtosis -1.5. */
UNIT_TEST(test_priips_three_point)
{
	enum
	{
		M = 600
	};
	double		r[M],
				p[M + 1],
				a = 0.01,
				n = 256.0 * 2;
	rk_priips	m;

	for (int i = 0; i < M; i++)
		r[i] = i % 3 == 2 ? -2 * a : a;
	priips_prices(r, M, p);
	check(rk_priips_measure(p, M + 1, 256, 2.0, &m) == RK_OK, "three-point: OK", 0, 0);
	check(m.returns == M, "three-point: M0", (double) m.returns, M);
	check(fabs(m.mean) < 1e-15, "three-point: mean 0", m.mean, 0);
	check_close(m.volatility, sqrt(2.0) * a, 1e-12, "three-point: sigma = sqrt(2) a");
	check_close(m.skewness, -1 / sqrt(2.0), 1e-12, "three-point: skew -1/sqrt(2)");
	check_close(m.excess_kurtosis, -1.5, 1e-12, "three-point: excess kurtosis -1.5");
	check_close(m.var_return_space,
				sqrt(2.0) * a * sqrt(n) * (-1.96 + 0.474 * (-1 / sqrt(2.0)) / sqrt(n)
										   - 0.0687 * (-1.5) / n + 0.146 * 0.5 / n)
				- 0.5 * 2 * a * a * n, 1e-12, "three-point: Cornish-Fisher VaR");
	check_close(m.vev, (sqrt(3.842 - 2 * m.var_return_space) - 1.96) / sqrt(2.0), 1e-14,
				"three-point: VEV");
	/* sigma sqrt(256) = 22.6 % a year: class 5 */
	check(m.vev > 0.20 && m.vev < 0.30 && m.mrm == 5, "three-point: class 5", m.mrm, 5);
}

/* Returns +x, -x alternating (prices 100, 110, 100, ...): skew 0, excess kurtosis -2. */
UNIT_TEST(test_priips_two_point)
{
	double		p[601];
	rk_priips	m;

	for (int i = 0; i <= 600; i++)
		p[i] = i % 2 ? 110.0 : 100.0;
	check(rk_priips_measure(p, 601, 52, 5.0, &m) == RK_OK, "two-point: OK", 0, 0);
	check(fabs(m.mean) < 1e-16, "two-point: mean 0", m.mean, 0);
	check_close(m.volatility, log(1.1), 1e-14, "two-point: sigma = ln 1.1");
	check(fabs(m.skewness) < 1e-12, "two-point: skew 0", m.skewness, 0);
	check_close(m.excess_kurtosis, -2, 1e-12, "two-point: excess kurtosis -2");
	/* the same prices in another unit, scaled by a power of 2: the same bits */
	{
		double		q[601];
		rk_priips	m8;

		for (int i = 0; i <= 600; i++)
			q[i] = p[i] * 8;
		rk_priips_measure(q, 601, 52, 5.0, &m8);
		check(memcmp(&m, &m8, sizeof(m)) == 0, "two-point: prices x 8, same measure", m8.vev, m.vev);
	}
}

/*
 * The ESAs' flow diagram (JC 2017 49), worked example: T = 1, N = 256,
 * M2 = 0.000149905, M3 = -6.44479e-07, M4 = 1.46705e-07; it shows VaR
 * -0.4053 and VEV 0.1969 (which 1.96^2 in place of 3.842 would give: the
 * VEV here is 0.19701).
 */
UNIT_TEST(test_priips_flow_diagram)
{
	double		m2 = 0.000149905,
				s = sqrt(m2),
				mu1 = -6.44479e-07 / (s * s * s),
				mu2 = 1.46705e-07 / (m2 * m2) - 3,
				var = rk_priips_var(s, mu1, mu2, 256);

	check(fabs(var - -0.4053) < 1e-4, "flow diagram: VaR -0.4053", var, -0.4053);
	check(fabs(rk_priips_vev(var, 1) - 0.1970) < 1e-4, "flow diagram: VEV", rk_priips_vev(var, 1), 0.1970);
	check(rk_priips_mrm(rk_priips_vev(var, 1)) == 4, "flow diagram: class 4", rk_priips_mrm(rk_priips_vev(var, 1)), 4);
}

/* Without skew and kurtosis VEV is the annual volatility plus about 1e-4 / sqrt(T). */
UNIT_TEST(test_priips_gaussian)
{
	const double vols[4] = {0.003, 0.05, 0.16, 0.5};
	const double years[3] = {1, 3, 10};

	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 3; j++)
		{
			double		t = years[j],
						s = vols[i] / 16,
						u = vols[i] * sqrt(t),
						vev = rk_priips_vev(rk_priips_var(s, 0, 0, 256 * t), t),
						g = (sqrt(3.842 + 3.92 * u + u * u) - 1.96) / sqrt(t);

			check_close(vev, g, 1e-12, "Gaussian VEV in closed form");
			check(vev > vols[i] && vev - vols[i] < 1.03e-4 / sqrt(t), "Gaussian VEV just above the volatility", vev, vols[i]);
		}
}

/* The class boundaries belong to the higher class; the SRI table. */
UNIT_TEST(test_priips_classes)
{
	const double b[6] = {0.005, 0.05, 0.12, 0.20, 0.30, 0.80};

	for (int k = 0; k < 6; k++)
	{
		check(rk_priips_mrm(b[k]) == k + 2, "MRM: a boundary is in the higher class", rk_priips_mrm(b[k]), k + 2);
		check(rk_priips_mrm(nextafter(b[k], 0)) == k + 1, "MRM: just below a boundary", rk_priips_mrm(nextafter(b[k], 0)), k + 1);
	}
	check(rk_priips_mrm(0) == 1 && rk_priips_mrm(-0.01) == 1 && rk_priips_mrm(-INFINITY) == 1,
		  "MRM: 0 and below is class 1", 0, 1);
	check(rk_priips_mrm(1e300) == 7 && rk_priips_mrm(INFINITY) == 7, "MRM: huge is class 7", 0, 7);
	check(rk_priips_mrm(NAN) == 0, "MRM: NaN has no class", 0, 0);

	/* SRI: credit risk only raises the market class; rows as published */
	for (int crm = 1; crm <= 6; crm++)
		for (int mrm = 1; mrm <= 7; mrm++)
		{
			int			sri = rk_priips_sri(mrm, crm);

			check(sri >= mrm && sri <= 7, "SRI: at least the MRM", sri, mrm);
			check(mrm == 1 || sri >= rk_priips_sri(mrm - 1, crm), "SRI: monotone in MRM", sri, 0);
			check(crm == 1 || sri >= rk_priips_sri(mrm, crm - 1), "SRI: monotone in CRM", sri, 0);
			check(crm > 2 || sri == mrm, "SRI: CRM 1 and 2 keep the MRM", sri, mrm);
			check(mrm != 7 || sri == 7, "SRI: MRM 7 is 7", sri, 7);
		}
	check(rk_priips_sri(1, 3) == 3 && rk_priips_sri(3, 4) == 5 && rk_priips_sri(5, 6) == 6
		  && rk_priips_sri(6, 6) == 6 && rk_priips_sri(4, 3) == 4, "SRI: cells", 0, 0);
	check(rk_priips_sri(0, 1) == 0 && rk_priips_sri(8, 1) == 0 && rk_priips_sri(1, 0) == 0
		  && rk_priips_sri(1, 7) == 0, "SRI: out of range", 0, 0);

	check(rk_priips_periods(RK_PRIIPS_DAILY) == 256 && rk_priips_periods(RK_PRIIPS_WEEKLY) == 52
		  && rk_priips_periods(RK_PRIIPS_MONTHLY) == 12, "periods a year", 0, 0);
	check(rk_priips_min_prices(RK_PRIIPS_DAILY) == 513 && rk_priips_min_prices(RK_PRIIPS_WEEKLY) == 209
		  && rk_priips_min_prices(RK_PRIIPS_MONTHLY) == 61 && rk_priips_min_prices((rk_priips_freq) 7) == 0,
		  "minimum histories", 0, 0);
}

/* Heavy-tailed skewed returns against the definition in long double. */
UNIT_TEST(test_priips_accuracy)
{
	enum
	{
		M = 1500
	};
	double		r[M],
				p[M + 1],
				want[6];
	rk_priips	m;

	for (int i = 0; i < M; i++)
	{
		double		z = nrand();

		r[i] = 0.0004 + (urand() < 0.05 ? -0.03 + 0.04 * z : 0.009 * z);
	}
	priips_prices(r, M, p);
	priips_naive(p, M + 1, 52, 5, want);
	check(rk_priips_measure(p, M + 1, 52, 5, &m) == RK_OK, "accuracy: OK", 0, 0);
	check_close(m.mean, want[0], 1e-12, "accuracy: mean");
	check_close(m.volatility, want[1], 1e-13, "accuracy: sigma");
	check(fabs(m.skewness - want[2]) < 1e-12, "accuracy: skew", m.skewness, want[2]);
	check(fabs(m.excess_kurtosis - want[3]) < 1e-11, "accuracy: kurtosis", m.excess_kurtosis, want[3]);
	check_close(m.var_return_space, want[4], 1e-13, "accuracy: VaR");
	check_close(m.vev, want[5], 1e-13, "accuracy: VEV");
}

/* Constant prices, a gain at the 2.5 % quantile, extremes, refusals. */
UNIT_TEST(test_priips_edges)
{
	double		p[121];
	rk_priips	m;

	for (int i = 0; i <= 120; i++)
		p[i] = 42.5;
	check(rk_priips_measure(p, 121, 12, 5, &m) == RK_DEGENERATE, "constant prices: DEGENERATE", 0, 0);
	check(m.returns == 120 && m.mean == 0 && m.volatility == 0 && m.var_return_space == 0
		  && isnan(m.skewness) && isnan(m.excess_kurtosis), "constant prices: no skew, VaR 0", 0, 0);
	check_close(m.vev, (sqrt(3.842) - 1.96) / sqrt(5.0), 1e-15, "constant prices: VEV of VaR 0");
	check(m.mrm == 1, "constant prices: class 1", m.mrm, 1);

	/* one jump of e^5 in 100 flat days over one day: the expansion gives a gain */
	for (int i = 0; i <= 100; i++)
		p[i] = i < 100 ? 100 : 100 * exp(5.0);
	check(rk_priips_measure(p, 101, 256, 1.0 / 256, &m) == RK_OK, "a gain: OK", 0, 0);
	check(m.var_return_space > 1.921 && isnan(m.vev) && m.mrm == 0, "a gain above 1.921: no VEV",
		  m.var_return_space, 1.921);
	/* a smaller jump: a VaR that is a small gain, a negative VEV, class 1 */
	p[100] = 100 * exp(0.05);
	check(rk_priips_measure(p, 101, 256, 1.0 / 256, &m) == RK_OK, "a small gain: OK", 0, 0);
	check(m.var_return_space > 0 && m.vev < 0 && m.mrm == 1, "a small gain: negative VEV, class 1", m.vev, 0);

	/* prices from 1e-300 to 1e300: the quotient overflows, the returns do not */
	for (int i = 0; i <= 120; i++)
		p[i] = i % 2 ? 1e300 : 1e-300;
	check(rk_priips_measure(p, 121, 256, 1, &m) == RK_OK, "extreme prices: OK", 0, 0);
	check_close(m.volatility, log(1e300) - log(1e-300), 1e-14, "extreme prices: the returns are the log differences");
	check(fabs(m.skewness) < 1e-12 && isfinite(m.vev) && m.mrm == 7, "extreme prices: finite, class 7", m.vev, 0);
	/* a holding period so long that N overflows */
	p[0] = 2e-300;
	check(rk_priips_measure(p, 121, 256, 1e308, &m) == RK_OVERFLOW, "N = inf: OVERFLOW", 0, 0);

	check(rk_priips_measure(p, 2, 256, 1, &m) == RK_TOO_FEW, "2 prices: TOO_FEW", 0, 0);
	check(rk_priips_measure(p, 121, 0, 1, &m) == RK_BADARG, "0 periods: BADARG", 0, 0);
	check(rk_priips_measure(p, 121, 256, 0, &m) == RK_BADARG, "holding period 0: BADARG", 0, 0);
	check(rk_priips_measure(p, 121, 256, -1, &m) == RK_BADARG, "holding period < 0: BADARG", 0, 0);
	check(rk_priips_measure(p, 121, 256, NAN, &m) == RK_BADARG, "holding period NaN: BADARG", 0, 0);
	check(rk_priips_measure(p, 121, 256, INFINITY, &m) == RK_BADARG, "holding period Inf: BADARG", 0, 0);
}

/* ---- portfolio risk --------------------------------------------------- */

#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "core/quantile.h"

/* A portfolio of h holdings on n days; returns with a day missing now and then. */
typedef struct pf_case
{
	int			h,
				n;
	double	   *amount;
	double	   *r;				/* h x n, NaN: missing */
} pf_case;

static pf_case
pf_make(int h, int n, double missing_share)
{
	pf_case		c = {h, n, malloc(sizeof(double) * h), malloc(sizeof(double) * h * n)};

	for (int i = 0; i < h; i++)
	{
		c.amount[i] = 1000 + floor(urand() * 100000) / 4;
		for (int t = 0; t < n; t++)
			c.r[i * n + t] = urand() < missing_share ? NAN : 0.01 * (1 + i % 3) * nrand();
	}
	return c;
}

static void
pf_free(pf_case *c)
{
	free(c->amount);
	free(c->r);
}

/* Holding i as PostgreSQL lays it out: the present values packed, a bitmap. */
static int
pf_pack(const pf_case *c, int i, double *vals, uint8_t *bits)
{
	int			any_missing = 0,
				j = 0;

	memset(bits, 0, (c->n + 7) / 8);
	for (int t = 0; t < c->n; t++)
	{
		double		v = c->r[i * c->n + t];

		if (isnan(v))
			any_missing = 1;
		else
		{
			bits[t / 8] |= 1 << (t % 8);
			vals[j++] = v;
		}
	}
	return any_missing;
}

/* Add holdings [from, to) of c to (pnl, missing). */
static void
pf_add_range(const pf_case *c, int from, int to, double *pnl, int32_t *missing)
{
	double	   *vals = malloc(sizeof(double) * c->n);
	uint8_t    *bits = malloc((c->n + 7) / 8);
	int64_t		bad = 99;

	for (int i = from; i < to; i++)
	{
		int			holes = pf_pack(c, i, vals, bits);
		rk_status	rc = rk_portfolio_add(pnl, missing, c->n, c->amount[i], vals,
										  holes ? bits : NULL, &bad);

		if (rc != RK_OK)
			check(0, "rk_portfolio_add of a valid holding", rc, RK_OK);
	}
	free(vals);
	free(bits);
}

/* The P&L and missing counts as a direct sum in the holdings' order. */
UNIT_TEST(test_portfolio_add)
{
	enum {H = 7, N = 300};
	pf_case		c = pf_make(H, N, 0.02);
	double		pnl[N] = {0},
				want[N],
				half[N] = {0},
				rest[N] = {0};
	int32_t		missing[N] = {0},
				want_missing[N],
				mhalf[N] = {0},
				mrest[N] = {0};
	int			same = 1,
				same_missing = 1;

	pf_add_range(&c, 0, H, pnl, missing);
	for (int t = 0; t < N; t++)
	{
		double		s = 0;

		want_missing[t] = 0;
		for (int i = 0; i < H; i++)
		{
			double		v = c.r[i * N + t];

			if (isnan(v))
				want_missing[t]++;
			else
				s += c.amount[i] * v;
		}
		want[t] = s;
		same &= pnl[t] == want[t];
		same_missing &= missing[t] == want_missing[t];
	}
	check(same, "P&L of a day: the plain sum of amount x return in the holdings' order", pnl[0], want[0]);
	check(same_missing, "missing counts of each day", missing[0], want_missing[0]);

	/* two partial states merged: the whole up to the order of the sums */
	pf_add_range(&c, 0, 3, half, mhalf);
	pf_add_range(&c, 3, H, rest, mrest);
	rk_portfolio_merge(half, mhalf, rest, mrest, N);
	same = same_missing = 1;
	for (int t = 0; t < N; t++)
	{
		same &= fabs(half[t] - want[t]) <= 1e-12 * (fabs(want[t]) + 1e-300) + 1e-9;
		same_missing &= mhalf[t] == want_missing[t];
	}
	check(same, "merged partial states: the P&L within rounding", half[0], want[0]);
	check(same_missing, "merged partial states: the missing counts", mhalf[0], want_missing[0]);
	/* a partial state without missing days merged into one with none */
	{
		double		a[3] = {1, 2, 3},
					b[3] = {0.5, 0.25, 0.125};

		rk_portfolio_merge(a, NULL, b, NULL, 3);
		check(a[0] == 1.5 && a[1] == 2.25 && a[2] == 3.125, "merge without missing counts", a[2], 3.125);
	}
	pf_free(&c);
}

/* Bad amounts and returns: BADARG, the day named, nothing changed. */
UNIT_TEST(test_portfolio_add_bad)
{
	double		pnl[5] = {1, 2, 3, 4, 5},
				r[5] = {0.01, 0.02, -0.01, 0.03, 0.0},
				before[5];
	int32_t		missing[5] = {0, 1, 0, 0, 0};
	int64_t		bad = 42;
	const double amounts[] = {0, -0.0, -1, NAN, INFINITY, -INFINITY};
	uint8_t		bits = 0x1D;	/* day 1 missing: r holds days 0, 2, 3, 4 */
	int			ok = 1;

	memcpy(before, pnl, sizeof(pnl));
	for (size_t k = 0; k < sizeof(amounts) / sizeof(amounts[0]); k++)
	{
		bad = 42;
		ok &= rk_portfolio_add(pnl, missing, 5, amounts[k], r, NULL, &bad) == RK_BADARG && bad == -1;
	}
	check(ok, "an amount not positive and finite: BADARG, bad = -1", bad, -1);
	for (int t = 0; t < 5; t++)
	{
		const double nonfinite[3] = {NAN, INFINITY, -INFINITY};

		for (int k = 0; k < 3; k++)
		{
			double		rr[5];

			memcpy(rr, r, sizeof(r));
			rr[t] = nonfinite[k];
			ok &= rk_portfolio_add(pnl, missing, 5, 100, rr, NULL, &bad) == RK_BADARG && bad == t;
			/* with day 1 missing the packed value j is day j < 1 ? j : j + 1 */
			if (t < 4)
				ok &= rk_portfolio_add(pnl, missing, 5, 100, rr, &bits, &bad) == RK_BADARG
					&& bad == (t < 1 ? t : t + 1);
		}
	}
	check(ok, "a non-finite return: BADARG naming its day", bad, 4);
	check(memcmp(pnl, before, sizeof(pnl)) == 0 && missing[1] == 1 && missing[0] == 0,
		  "nothing changed by a refused holding", pnl[0], before[0]);
	ok = rk_portfolio_add(pnl, NULL, 5, 100, r, &bits, &bad) == RK_BADARG && bad == -2;
	check(ok, "a bitmap without missing counts: BADARG, bad = -2", bad, -2);
	/* a valid holding with day 1 missing */
	ok = rk_portfolio_add(pnl, missing, 5, 100, r, &bits, &bad) == RK_OK
		&& pnl[0] == 1 + 100 * 0.01 && pnl[1] == 2 && pnl[2] == 3 + 100 * 0.02
		&& pnl[3] == 4 + 100 * -0.01 && pnl[4] == 5 + 100 * 0.03 && missing[1] == 2 && missing[2] == 0;
	check(ok, "a holding with a missing day: the packed values on their days", pnl[4], 8);
	/* no day at all */
	ok = rk_portfolio_add(pnl, missing, 0, 100, r, NULL, &bad) == RK_OK;
	check(ok, "an empty calendar adds nothing", 0, 0);
}

UNIT_TEST(test_portfolio_align)
{
	double		pnl[6] = {1, -2, 3, -4, 5, -6},
				out[6];
	int32_t		missing[6] = {0, 1, 0, 2, 0, 0};
	int64_t		n;

	n = rk_portfolio_align(pnl, missing, 6, RK_PORTFOLIO_DROP, out);
	check(n == 4 && out[0] == 1 && out[1] == 3 && out[2] == 5 && out[3] == -6,
		  "drop: the days without a missing return, in order", n, 4);
	n = rk_portfolio_align(pnl, missing, 6, RK_PORTFOLIO_ZERO, out);
	check(n == 6 && memcmp(out, pnl, sizeof(pnl)) == 0, "zero: every day", n, 6);
	n = rk_portfolio_align(pnl, NULL, 6, RK_PORTFOLIO_DROP, out);
	check(n == 6 && memcmp(out, pnl, sizeof(pnl)) == 0, "drop without missing counts: every day", n, 6);
}

/* VaR and ES: the market area's historical figures, x unchanged. */
UNIT_TEST(test_portfolio_var)
{
	enum {N = 777};
	double		x[N],
				copy[N],
				var,
				es,
				wv,
				we;
	const double levels[] = {0.99, 0.95, 0.975, 0.5, 0.999};

	for (int t = 0; t < N; t++)
		x[t] = t % 50 == 0 ? 0 : 1000 * nrand() * (1 + (t % 7 == 0));
	memcpy(copy, x, sizeof(x));
	for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++)
	{
		rk_status	rc = rk_portfolio_var(x, N, 1.0 - levels[k], &var, &es);

		naive_hist(copy, N, 1.0 - levels[k], &wv, &we);
		check(rc == RK_OK && var == wv, "portfolio VaR: minus the type-7 quantile, exactly", var, wv);
		check_close(es, we, 1e-14, "portfolio ES: minus the mean below the quantile");
	}
	check(memcmp(x, copy, sizeof(x)) == 0, "the aligned P&L is left as it was", x[0], copy[0]);
	check(rk_portfolio_var(x, 0, 0.01, &var, &es) == RK_EMPTY, "no day: EMPTY", 0, 0);
	check(rk_portfolio_var(x, N, 0, &var, &es) == RK_BADARG
		  && rk_portfolio_var(x, N, 1, &var, &es) == RK_BADARG
		  && rk_portfolio_var(x, N, NAN, &var, &es) == RK_BADARG, "alpha outside (0, 1): BADARG", 0, 0);
	x[5] = INFINITY;
	check(rk_portfolio_var(x, N, 0.01, &var, &es) == RK_OVERFLOW, "an overflowed P&L: OVERFLOW", 0, 0);
	x[5] = NAN;
	check(rk_portfolio_var(x, N, 0.01, &var, &es) == RK_OVERFLOW, "a NaN P&L: OVERFLOW", 0, 0);
	/* one day: VaR and ES are its loss */
	x[0] = -250;
	check(rk_portfolio_var(x, 1, 0.01, &var, &es) == RK_OK && var == 250 && es == 250,
		  "one day: its loss", var, 250);
}

/* The bootstrap done the slow way: GSL's generator, a product per path, naive_hist. */
static void
pf_naive_bootstrap(const double *x, int days, double value, const rk_portfolio_boot *b,
				   rk_portfolio_boot_result *out)
{
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	double	   *paths = malloc(sizeof(double) * b->n_paths);
	int64_t		above = 0;

	gsl_rng_set(r, b->seed);
	for (int64_t p = 0; p < b->n_paths; p++)
	{
		double		prod = 1;

		for (int h = 0; h < b->horizon; h++)
			prod *= 1.0 + x[gsl_rng_uniform_int(r, days)] / value;
		paths[p] = value * (prod - 1.0);
		above += value * (1.0 - prod) > b->loss_limit;
	}
	naive_hist(paths, b->n_paths, b->alpha, &out->var, &out->es);
	out->p_loss = (double) above / b->n_paths;
	out->p_loss_se = sqrt(out->p_loss * (1 - out->p_loss) / b->n_paths);
	free(paths);
	gsl_rng_free(r);
}

UNIT_TEST(test_portfolio_bootstrap)
{
	enum {N = 400};
	double		x[N],
				value = 250000;
	rk_portfolio_boot b = {20, 5000, 7, 0.01, 5000};
	rk_portfolio_boot_result got,
				again,
				want;
	rk_status	rc;

	for (int t = 0; t < N; t++)
		x[t] = value * (0.0003 + 0.012 * nrand());
	rc = rk_portfolio_bootstrap(x, N, value, &b, &got);
	pf_naive_bootstrap(x, N, value, &b, &want);
	check(rc == RK_OK && got.var == want.var, "bootstrap VaR: GSL's draws, the type-7 quantile of the paths' P&L",
		  got.var, want.var);
	check_close(got.es, want.es, 1e-13, "bootstrap ES");
	check(got.p_loss == want.p_loss && got.p_loss_se == want.p_loss_se,
		  "bootstrap probability of a loss beyond the limit and its standard error", got.p_loss, want.p_loss);
	check(got.p_loss > 0.05 && got.p_loss < 0.95, "the limit is inside the distribution (a test that can fail)",
		  got.p_loss, 0.5);
	rk_portfolio_bootstrap(x, N, value, &b, &again);
	check(memcmp(&got, &again, sizeof(got)) == 0, "the same seed: the same figures", again.var, got.var);
	b.seed = 8;
	rk_portfolio_bootstrap(x, N, value, &b, &again);
	check(again.var != got.var && fabs(again.var - got.var) < 0.2 * got.var,
		  "another seed: other figures, close", again.var, got.var);

	/* no limit: no probability */
	b.loss_limit = NAN;
	rc = rk_portfolio_bootstrap(x, N, value, &b, &again);
	check(rc == RK_OK && isnan(again.p_loss) && isnan(again.p_loss_se) && isfinite(again.var),
		  "without a limit p_loss is NaN", again.p_loss, NAN);

	/* a constant return: every path is (1 + R)^h */
	{
		double		c[3] = {-1000, -1000, -1000};
		rk_portfolio_boot k = {10, 100, 1, 0.05, 0};
		double		loss = -100000 * (pow(0.99, 10) - 1);

		rc = rk_portfolio_bootstrap(c, 3, 100000, &k, &again);
		check(rc == RK_OK && fabs(again.var - loss) < 1e-9 && fabs(again.es - loss) < 1e-9
			  && again.p_loss == 1 && again.p_loss_se == 0,
			  "a constant return of -1%: every path loses 1 - 0.99^10", again.var, loss);
	}

	/* horizon 1: the paths are the days; the share beyond the limit agrees */
	{
		rk_portfolio_boot one = {1, 200000, 3, 0.01, 0.02 * value};
		int			beyond = 0;
		double		p;

		for (int t = 0; t < N; t++)
			beyond += -x[t] > one.loss_limit;
		p = (double) beyond / N;
		rc = rk_portfolio_bootstrap(x, N, value, &one, &again);
		check(rc == RK_OK && fabs(again.p_loss - p) < 4 * sqrt(p * (1 - p) / one.n_paths),
			  "horizon 1: the share of days beyond the limit, within 4 standard errors", again.p_loss, p);
	}

	/* statuses */
	b.loss_limit = 5000;
	check(rk_portfolio_bootstrap(x, 0, value, &b, &again) == RK_EMPTY, "bootstrap of no day: EMPTY", 0, 0);
	{
		rk_portfolio_boot bad = b;
		int			ok = 1;

		ok &= rk_portfolio_bootstrap(x, N, 0, &b, &again) == RK_BADARG;
		ok &= rk_portfolio_bootstrap(x, N, INFINITY, &b, &again) == RK_BADARG;
		bad.horizon = 0;
		ok &= rk_portfolio_bootstrap(x, N, value, &bad, &again) == RK_BADARG;
		bad = b;
		bad.n_paths = 0;
		ok &= rk_portfolio_bootstrap(x, N, value, &bad, &again) == RK_BADARG;
		bad = b;
		bad.alpha = 1;
		ok &= rk_portfolio_bootstrap(x, N, value, &bad, &again) == RK_BADARG;
		check(ok, "bootstrap: value, horizon, n_paths or alpha out of range: BADARG", ok, 1);
	}
	{
		double		huge[2] = {1e200, 1e200};
		rk_portfolio_boot k = {10, 10, 1, 0.01, NAN};

		check(rk_portfolio_bootstrap(huge, 2, 1, &k, &again) == RK_OVERFLOW,
			  "a path that overflows: OVERFLOW", 0, 0);
	}
}

/* The bootstrap stops at each of its checkpoints, freeing what it holds. */
static int	pf_stop_at,
			pf_stop_seen;

static int
pf_stop_counter(void)
{
	return pf_stop_at > 0 && ++pf_stop_seen == pf_stop_at;
}

UNIT_TEST(test_portfolio_cancel)
{
	enum {N = 250};
	double		x[N];
	rk_portfolio_boot b = {252, 3000, 1, 0.01, 1000};
	rk_portfolio_boot_result want,
				got;
	int			(*saved) (void) = rk_stop_hook;
	int			reached = 0,
				ok = 1,
				at;

	for (int t = 0; t < N; t++)
		x[t] = 100000 * 0.01 * nrand();
	rk_stop_hook = NULL;
	ok &= rk_portfolio_bootstrap(x, N, 100000, &b, &want) == RK_OK;
	rk_stop_hook = pf_stop_counter;
	for (at = 1; at < 1000; at++)
	{
		rk_status	rc;

		pf_stop_at = at;
		pf_stop_seen = 0;
		rc = rk_portfolio_bootstrap(x, N, 100000, &b, &got);
		if (rc == RK_CANCELLED)
		{
			reached++;
			continue;
		}
		ok &= rc == RK_OK && memcmp(&got, &want, sizeof(got)) == 0;
		break;
	}
	rk_stop_hook = saved;
	pf_stop_at = 0;
	/* 756,000 draws: a checkpoint every 65,536, then the selection's */
	check(ok && reached >= 11, "rk_portfolio_bootstrap: cancelled at each checkpoint, then the same answer",
		  reached, 11);
}

/* ---- risk profile ----------------------------------------------------- */

static rk_capacity_policy
standard_policy(void)
{
	rk_capacity_policy p = {
		.reserve_months = 6, .reserve_months_per_dependant = 1, .max_debt_service = 0.4,
		.debt_cap_class = 3, .surplus_share = {0.5, 0.25, 0},
		.horizon_bounds = {1, 3, 5, 10}, .horizon_share = {0.05, 0.15, 0.3, 0.45, 0.6},
		.dependant_reduction = 0.1, .loss_bounds = {0.0097, 0.094, 0.21, 0.33, 0.46, 0.84}
	};

	return p;
}

static const double wbounds[6] = {12.5, 25, 40, 55, 70, 85};

UNIT_TEST(test_profile_class_bounds)
{
	/* a bound belongs to the class above it */
	check(rk_profile_class(12.5, wbounds, 6) == 2, "score at the first bound: class 2", 0, 0);
	check(rk_profile_class(nextafter(12.5, 0), wbounds, 6) == 1, "just below: class 1", 0, 0);
	check(rk_profile_class(100, wbounds, 6) == 7, "100: class 7", 0, 0);
	check(rk_profile_class(0, wbounds, 6) == 1, "0: class 1", 0, 0);
}

UNIT_TEST(test_profile_by_hand)
{
	/* two willingness items (6 of 12 points and 3 of 12), one knowledge item not answered */
	int			kind[3] = {0, 0, 1};
	double		pts[3] = {6, 3, NAN},
				most[3] = {12, 12, 4};
	rk_capacity_policy pol = standard_policy();
	rk_situation s = {.horizon_years = 7, .annual_income = 60000, .stability = RK_INCOME_STABLE,
		.investable_wealth = 100000, .monthly_expenses = 2000};
	rk_profile r;

	check(rk_profile_eval(3, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_OK, "evaluates", 0, 0);
	check_close(r.willingness_score, 37.5, 1e-15, "willingness 9 / 24");
	check(r.willingness_class == 3, "willingness class 3", r.willingness_class, 3);
	check(r.knowledge_score == 0 && !r.complex_ok, "knowledge 0, no complex products", r.knowledge_score, 0);
	/* reserve 12,000; free 88,000; surplus (60,000 - 24,000) x 0.5; horizon 7: share 0.45 */
	check_close(r.reserve, 12000, 1e-15, "reserve 6 x 2,000");
	check_close(r.max_loss, 0.45 * 88000 + 18000, 1e-15, "max loss");
	check(r.capacity_class == 6, "capacity class 6 (57.6%)", r.capacity_class, 6);
	check(r.risk_class == 3 && r.binding == RK_BIND_WILLINGNESS, "willingness binds", r.risk_class, 3);
	check_close(r.tolerated_loss, 0.21 * 100000, 1e-15, "tolerated: the top of class 3");
	check(r.flags == 0, "no flag", r.flags, 0);
}

UNIT_TEST(test_profile_capacity_rules)
{
	int			kind[1] = {0};
	double		pts[1] = {12},
				most[1] = {12};
	rk_capacity_policy pol = standard_policy();
	rk_situation s = {.horizon_years = 0.5, .annual_income = 0, .stability = RK_INCOME_NONE,
		.investable_wealth = 5000, .monthly_expenses = 1000, .monthly_debt_service = 500,
	.dependants = 2};
	rk_profile r;

	check(rk_profile_eval(1, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_OK, "evaluates", 0, 0);
	check_close(r.reserve, 1500 * 8, 1e-15, "reserve: 6 + 2 months of 1,500");
	check(r.max_loss == 0 && r.capacity_class == 1, "no free wealth, no surplus: class 1", r.max_loss, 0);
	check(isinf(r.debt_service_ratio), "debt without income: infinite ratio", r.debt_service_ratio, 0);
	check(r.flags == (RK_FLAG_SHORT_HORIZON_AGGRESSIVE | RK_FLAG_WILLINGNESS_BEYOND_CAPACITY
					  | RK_FLAG_RESERVE_NOT_COVERED | RK_FLAG_DEBT_SERVICE_HIGH
					  | RK_FLAG_AGGRESSIVE_WITHOUT_KNOWLEDGE), "every flag", r.flags, 31);
	check(r.risk_class == 1 && r.binding == RK_BIND_CAPACITY, "capacity binds", r.risk_class, 1);
	/* no wealth: nothing to lose */
	s.investable_wealth = 0;
	check(rk_profile_eval(1, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_OK
		  && r.tolerated_share == 0 && r.capacity_score == 0, "no wealth: share 0", r.tolerated_share, 0);
}

UNIT_TEST(test_profile_refusals)
{
	int			kind[2] = {0, 1};
	double		pts[2] = {3, 1},
				most[2] = {12, 4},
				zero[2] = {0, 4},
				bad_bounds[6] = {10, 5, 30, 40, 50, 60};
	rk_capacity_policy pol = standard_policy();
	rk_situation s = {.horizon_years = 5, .annual_income = 1, .investable_wealth = 1,
	.monthly_expenses = 1};
	rk_profile r;

	check(rk_profile_eval(2, kind, pts, zero, wbounds, 60, &pol, &s, &r) == RK_BADARG,
		  "no willingness points", 0, 0);
	check(rk_profile_eval(2, kind, pts, most, bad_bounds, 60, &pol, &s, &r) == RK_BADARG,
		  "bounds not ascending", 0, 0);
	s.horizon_years = 0;
	check(rk_profile_eval(2, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_BADARG, "horizon 0", 0, 0);
	s.horizon_years = 5;
	s.investable_wealth = -1;
	check(rk_profile_eval(2, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_BADARG, "negative wealth", 0, 0);
	s.investable_wealth = 1;
	pts[0] = 13;
	check(rk_profile_eval(2, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_BADARG,
		  "points above the most", 0, 0);
	pts[0] = 3;
	pol.loss_bounds[5] = 1.5;
	check(rk_capacity_policy_check(&pol) == RK_BADARG, "a loss bound above 1", 0, 0);
	pol = standard_policy();
	pol.horizon_share[2] = NAN;
	check(rk_capacity_policy_check(&pol) == RK_BADARG, "a NaN share", 0, 0);
	check(rk_profile_flag_name(0) != NULL && rk_profile_flag_name(RK_PROFILE_NFLAGS) == NULL,
		  "flag names", 0, 0);
}
