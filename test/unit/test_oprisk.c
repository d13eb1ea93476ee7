/*
 * test_oprisk.c
 *     Operational risk, loss distribution approach (oprisk.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/oprisk.h"
#include "core/quantile.h"
#include "unit.h"

UNIT_TEST(test_oprisk)
{
	enum {N = 2000};
	double	   *x = malloc(sizeof(double) * N),
			   *a = malloc(sizeof(double) * 20000);
	rk_dist_fit f;
	double		c[6] = {3, 5, 4, 6, 2, 5},
				var,
				es,
				se;
	int			i;

	/* each severity fit recovers its family from its own quantiles */
	for (i = 0; i < N; i++)
		x[i] = rk_severity_quantile(RK_SEV_WEIBULL, 0.7, 2e4, (i + 0.5) / N);
	check(rk_severity_fit(x, N, RK_SEV_WEIBULL, &f) == RK_OK &&
		  fabs(f.p1 - 0.7) < 0.02 && fabs(f.p2 / 2e4 - 1) < 0.02, "weibull fit", f.p1, 0.7);
	for (i = 0; i < N; i++)
		x[i] = rk_severity_quantile(RK_SEV_GAMMA, 1.6, 1e-4, (i + 0.5) / N);
	check(rk_severity_fit(x, N, RK_SEV_GAMMA, &f) == RK_OK &&
		  fabs(f.p1 - 1.6) < 0.05 && fabs(f.p2 / 1e-4 - 1) < 0.05, "gamma fit", f.p1, 1.6);
	for (i = 0; i < N; i++)
		x[i] = rk_severity_quantile(RK_SEV_LOGNORMAL, 9, 1.8, (i + 0.5) / N);
	check(rk_severity_fit(x, N, RK_SEV_LOGNORMAL, &f) == RK_OK &&
		  fabs(f.p1 - 9) < 0.01 && fabs(f.p2 - 1.8) < 0.02, "lognormal fit", f.p1, 9);
	x[0] = -1;
	check(rk_severity_fit(x, N, RK_SEV_LOGNORMAL, &f) == RK_BADARG, "severity needs positive", 0, 0);

	/* underdispersed counts: no negative binomial */
	check(rk_frequency_fit(c, 6, RK_FREQ_NEGBIN, &f) == RK_OK && !f.converged,
		  "negbin needs overdispersion", 0, 0);
	check(rk_frequency_fit(c, 6, RK_FREQ_POISSON, &f) == RK_OK && f.p1 == 25.0 / 6,
		  "poisson mean", f.p1, 25.0 / 6);

	/* simulation: reproducible, mean near lambda E[X] */
	rk_lda_simulate(RK_FREQ_POISSON, 10, 0, RK_SEV_GAMMA, 2, 0.001, 20000, 5, a);
	{
		double		m = 0,
					b0 = a[0];

		for (i = 0; i < 20000; i++)
			m += a[i];
		m /= 20000;
		/* compound sd = sqrt(lambda E[X^2]) = sqrt(10 * 6e6) */
		check(fabs(m - 20000) < 4 * sqrt(10 * 6e6 / 20000), "lda mean", m, 20000);
		rk_lda_simulate(RK_FREQ_POISSON, 10, 0, RK_SEV_GAMMA, 2, 0.001, 20000, 5, a);
		check(a[0] == b0, "lda reproducible", a[0], b0);
	}
	{
		double	   *b = malloc(sizeof(double) * 20000);
		double		lv[2] = {0.99, 0.999},
					v2,
					e2,
					s2;

		memcpy(b, a, sizeof(double) * 20000);
		qsort(a, 20000, sizeof(double), rk_cmp_double);
		check(rk_lda_measures(a, 20000, 0.999, &var, &es, &se) == RK_OK &&
			  es >= var && se > 0, "lda measures", var, es);
		/* sorting only the tail gives the same measures */
		rk_lda_sort_tail(b, 20000, lv, 2);
		rk_lda_measures(b, 20000, 0.999, &v2, &e2, &s2);
		check(v2 == var && s2 == se && fabs(e2 - es) <= 1e-12 * es, "lda tail sort", v2, var);
		rk_lda_measures(b, 20000, 0.99, &v2, &e2, &s2);
		rk_lda_measures(a, 20000, 0.99, &var, &es, &se);
		check(v2 == var && s2 == se, "lda tail sort, lower level", v2, var);
		free(b);
	}
	check(rk_sla_var(25, RK_SEV_GPD, 1.2, 1, 0.999, 1) ==
		  rk_sla_var(25, RK_SEV_GPD, 1.2, 1, 0.999, 0), "sla: no correction for infinite mean", 0, 0);
	free(x);
	free(a);
}

/* Extreme but finite inputs: no NaN where the answer is a number. */
UNIT_TEST(test_oprisk_extremes)
{
	check(rk_severity_pdf(RK_SEV_WEIBULL, 10.62890625, 1.390794793043109e-320, 1) == 0.0,
		  "Weibull pdf where x/scale overflows",
		  rk_severity_pdf(RK_SEV_WEIBULL, 10.62890625, 1.390794793043109e-320, 1), 0);
	/* a shape where (shape - 1) log(rate x) and lgamma(shape) overflow (found by fuzz_oprisk) */
	check(rk_severity_pdf(RK_SEV_GAMMA, 1.4044477616111841e+306, 127496093750,
						  2.5419652704213494e+93) == 0.0,
		  "gamma pdf far below the mean of an enormous shape",
		  rk_severity_pdf(RK_SEV_GAMMA, 1.4044477616111841e+306, 127496093750, 2.5419652704213494e+93), 0);
	{
		/* shape 1e16, rate 1: one deviation above the mean the density is the normal one to O(1/sqrt(shape)) */
		double		k = 1e16,
					sd = 1e8,
					got = rk_severity_pdf(RK_SEV_GAMMA, k, 1, k + sd),
					want = exp(-0.5) / (sd * sqrt(2 * M_PI));

		check_close(got, want, 1e-6, "gamma pdf of shape 1e16 = its normal limit");
	}
}
