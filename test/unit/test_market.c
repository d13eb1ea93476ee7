/*
 * test_market.c
 *     Market risk (market.c): central moments, streaming, merged and
 *     sliding; parametric VaR/ES; EWMA.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/market.h"
#include "unit.h"

/* Two-pass central moments with double-double sums. */
static void
naive_moments(const double *x, int n, rk_moments *m)
{
	ddacc		sum = {0, 0},
				c2 = {0, 0},
				c3 = {0, 0},
				c4 = {0, 0};
	ddacc		t = {0, 0};
	double		mean,
				corr;
	int			i;

	/*
	 * A double mean of values near 1e6 is off by up to half an ulp (6e-11),
	 * enough to move the skewness of a 1e-4 spread by 1e-6: take deviations
	 * from the mean plus its correction instead.
	 */
	for (i = 0; i < n; i++)
		dd_acc(&sum, x[i]);
	mean = dd_val(&sum) / n;
	for (i = 0; i < n; i++)
		dd_acc(&t, x[i] - mean);
	corr = dd_val(&t) / n;
	for (i = 0; i < n; i++)
	{
		double		d = (x[i] - mean) - corr;

		dd_acc(&c2, d * d);
		dd_acc(&c3, d * d * d);
		dd_acc(&c4, d * d * d * d);
	}
	m->n = n;
	m->mean = mean + corr;
	m->m2 = dd_val(&c2);
	m->m3 = dd_val(&c3);
	m->m4 = dd_val(&c4);
}

UNIT_TEST(test_moments)
{
	enum {N = 5000, W = 100};
	double	   *x = malloc(sizeof(double) * N);
	rk_moments a,
				b,
				all,
				ref;
	rk_msums	s;
	int			i,
				ok = 1,
				rebuilds = 0;

	for (i = 0; i < N; i++)
		x[i] = 0.0004 + 0.012 * nrand();
	rk_moments_init(&all);
	rk_moments_init(&a);
	rk_moments_init(&b);
	for (i = 0; i < N; i++)
	{
		rk_moments_add(&all, x[i]);
		rk_moments_add(i < 1234 ? &a : &b, x[i]);
	}
	naive_moments(x, N, &ref);
	check_close(all.mean, ref.mean, 1e-13, "moments mean");
	check_close(all.m2, ref.m2, 1e-13, "moments m2");
	check_close(all.m3, ref.m3, 1e-10, "moments m3");
	check_close(all.m4, ref.m4, 1e-12, "moments m4");
	rk_moments_merge(&a, &b);
	check_close(a.mean, ref.mean, 1e-13, "merge mean");
	check_close(a.m2, ref.m2, 1e-13, "merge m2");
	check_close(a.m3, ref.m3, 1e-10, "merge m3");
	check_close(a.m4, ref.m4, 1e-12, "merge m4");

	/*
	 * Sliding window over values near 1e6 with a tiny spread, and a spike of
	 * 1e9 that comes and goes: the window's moments must match a fresh
	 * two-pass computation after the spike has left.
	 */
	for (i = 0; i < N; i++)
		x[i] = 1e6 + 1e-4 * nrand() + (i == 700 ? 1e9 : 0);
	rk_msums_init(&s);
	for (i = 0; i < N; i++)
	{
		rk_msums_add(&s, x[i]);
		if (i >= W)
		{
			rk_msums_remove(&s, x[i - W]);
			if (rk_msums_degraded(&s))
			{
				rk_msums_rebuild(&s, x + i - W + 1, W, NULL, 0);
				rebuilds++;
			}
		}
		if (i >= W && i % 37 == 0 && (i < 700 || i >= 700 + W))
		{
			rk_moments m;
			double		sd1,
						sk1,
						ku1,
						sd2,
						sk2,
						ku2;

			rk_msums_moments(&s, &m);
			naive_moments(x + i - W + 1, W, &ref);
			rk_moments_stats(&m, &sd1, &sk1, &ku1);
			rk_moments_stats(&ref, &sd2, &sk2, &ku2);
			if (fabs(m.mean - ref.mean) > 1e-15 * ref.mean ||
				fabs(sd1 - sd2) > 1e-9 * sd2 ||
				fabs(sk1 - sk2) > 1e-7 || fabs(ku1 - ku2) > 1e-7)
			{
				ok = 0;
				printf("window at %d: sd %.17g vs %.17g skew %.17g vs %.17g\n",
					   i, sd1, sd2, sk1, sk2);
			}
		}
	}
	check(ok, "sliding moments stable around 1e6 after a 1e9 spike", 0, 0);
	/* the spike forces a rebuild when it leaves; quiet data never does */
	check(rebuilds >= 1 && rebuilds <= 3, "sliding moments rebuilds", rebuilds, 1);
	free(x);
}

UNIT_TEST(test_parametric)
{
	rk_moments m;
	double		v,
				e,
				sd,
				sk,
				ku;

	/* Gaussian VaR with mean 0, sigma 1: -qnorm(0.01) = 2.3263478740408408 */
	m.n = 4;
	m.mean = 0;
	m.m2 = 4;
	m.m3 = 0;
	m.m4 = 4;
	rk_var_gaussian(&m, 0.01, &v);
	check_close(v, 2.3263478740408408, 1e-15, "gaussian var");
	rk_es_gaussian(&m, 0.01, &e);
	check_close(e, 2.6652142203458063, 1e-14, "gaussian es");
	/* zero skew, excess kurtosis -2 (m4/n / (m2/n)^2 = 1) */
	rk_moments_stats(&m, &sd, &sk, &ku);
	check_close(ku, -2.0, 1e-15, "excess kurtosis");
	/* ES never below VaR for the modified measures */
	m.m3 = -20;
	m.m4 = 400;
	rk_var_modified(&m, 0.01, &v);
	rk_es_modified(&m, 0.01, &e);
	check(e >= v, "modified es >= var", e, v);
	m.n = 2;
	check(rk_var_modified(&m, 0.01, &v) == RK_TOO_FEW, "modified needs 3", 0, 0);
	/* an empty group has never seen a level: empty, not a bad argument */
	m.n = 0;
	check(rk_var_gaussian(&m, NAN, &v) == RK_EMPTY, "empty before level", 0, 0);
	check(rk_es_modified(&m, NAN, &v) == RK_EMPTY, "empty before level (modified)", 0, 0);
	m.n = 3;
	m.m2 = 0;
	check(rk_var_modified(&m, 0.01, &v) == RK_DEGENERATE, "modified zero var", 0, 0);
}

UNIT_TEST(test_ewma)
{
	enum {N = 600, W = 250};
	double		r[N];
	rk_ewma	e = {0, 0, 0};
	double		lambda = 0.94;
	int			i,
				ok = 1;

	for (i = 0; i < N; i++)
		r[i] = 0.01 * nrand();
	for (i = 0; i < N; i++)
	{
		rk_ewma_add(&e, lambda, r[i]);
		if (i >= W)
			rk_ewma_remove_oldest(&e, lambda, r[i - W]);
		if (i >= W)
		{
			long double s = 0,
						w = 0,
						wt = 1;
			int			j;
			double		sigma;

			for (j = i; j > i - W; j--)
			{
				s += wt * r[j] * r[j];
				w += wt;
				wt *= lambda;
			}
			rk_ewma_sigma(&e, &sigma);
			if (fabs(sigma - (double) sqrtl(s / w)) > 1e-13 * sigma)
				ok = 0;
		}
	}
	check(ok, "ewma sliding equals direct weighted sum", 0, 0);
	/* VaR and ES at 1%: SciPy, norm.ppf(0.01) = -2.3263478740408408 and
	 * norm.pdf(norm.ppf(0.01)) / 0.01 = 2.665214220345808 */
	{
		rk_ewma	u = {1, 4e-4, 1};	/* sigma 0.02 */
		double		var,
					es;

		check(rk_ewma_var_es(&u, 0.01, &var, &es) == RK_OK &&
			  fabs(var - 0.02 * 2.3263478740408408) < 1e-15 &&
			  fabs(es - 0.02 * 2.665214220345808) < 1e-15, "ewma VaR and ES at 1%", var, es);
		u.n = 0;
		check(rk_ewma_var_es(&u, 0.01, &var, &es) == RK_EMPTY, "ewma VaR of no rows", 0, 0);
	}
}
