/*
 * test_evt.c
 *     Extreme value theory (evt.c): GPD and GEV functions and fits, POT,
 *     Hill's estimator.
 */
#include <math.h>

#include "core/evt.h"
#include "unit.h"

UNIT_TEST(test_evt)
{
	static const double xis[] = {-0.7, -0.2, -1e-9, 0.0, 1e-9, 0.3, 1.2};
	size_t		i;
	int			ok = 1,
				okq = 1;
	enum {K = 400};
	double		y[K];
	rk_gpd_fit fit,
				pw;

	/* quantile and cdf invert each other, continuously through xi = 0 */
	for (i = 0; i < sizeof(xis) / sizeof(xis[0]); i++)
	{
		double		p;

		for (p = 0.01; p < 1; p += 0.07)
		{
			double		q = rk_gpd_quantile(p, xis[i], 2.0);
			double		g = rk_gev_quantile(p, xis[i], 1.0, 3.0);

			if (fabs(rk_gpd_cdf(q, xis[i], 2.0) - p) > 1e-13)
				ok = 0;
			if (fabs(rk_gev_cdf(g, xis[i], 1.0, 3.0) - p) > 1e-13)
				okq = 0;
		}
	}
	check(ok, "gpd cdf(quantile(p)) = p", 0, 0);
	check(okq, "gev cdf(quantile(p)) = p", 0, 0);
	check_close(rk_gpd_cdf(1.0, 1e-12, 1.0), 1.0 - exp(-1.0), 1e-11, "gpd cdf near xi 0");
	check_close(rk_gev_cdf(0.5, -1e-12, 0, 1), exp(-exp(-0.5)), 1e-11, "gev cdf near xi 0");
	check(rk_gpd_pdf(-1, 0.2, 1) == 0 && rk_gpd_cdf(-1, 0.2, 1) == 0, "gpd below support", 0, 0);
	check(rk_gpd_cdf(3, -0.5, 1) == 1 && rk_gpd_pdf(3, -0.5, 1) == 0, "gpd above bounded support", 0, 0);

	/* ML fit: a stationary point of the likelihood, better than PWM */
	for (i = 0; i < K; i++)
		y[i] = rk_gpd_quantile((i + 0.5) / K * 0.999 + 0.0004 * urand(), 0.25, 1000.0);
	check(rk_gpd_fit_mle(y, K, &fit) == RK_OK && fit.converged, "gpd mle status", 0, 0);
	check(fabs(fit.xi - 0.25) < 0.1 && fabs(fit.beta / 1000.0 - 1) < 0.2, "gpd mle near truth", fit.xi, 0.25);
	{
		double		h = 1e-6,
					l0 = rk_gpd_loglik(y, K, fit.xi, fit.beta);
		double		dx = (rk_gpd_loglik(y, K, fit.xi + h, fit.beta) -
						  rk_gpd_loglik(y, K, fit.xi - h, fit.beta)) / (2 * h);
		double		db = (rk_gpd_loglik(y, K, fit.xi, fit.beta * (1 + h)) -
						  rk_gpd_loglik(y, K, fit.xi, fit.beta * (1 - h))) / (2 * h);

		check(fabs(dx) < 1e-3 && fabs(db) < 1e-3, "gpd mle gradient zero", dx, db);
		check(fabs(fit.loglik - l0) < 1e-9 * fabs(l0), "gpd mle loglik", fit.loglik, l0);
		check(rk_gpd_fit_pwm(y, K, &pw) == RK_OK, "gpd pwm status", 0, 0);
		check(fit.loglik >= pw.loglik, "mle likelihood >= pwm likelihood", fit.loglik, pw.loglik);
	}
	check(fit.se_xi > 0 && fit.se_beta > 0, "gpd standard errors", fit.se_xi, fit.se_beta);
	check(rk_gpd_fit_mle(y, 2, &fit) == RK_TOO_FEW, "gpd needs 3", 0, 0);

	/* exponential excesses: xi near 0 goes through the series branches */
	for (i = 0; i < K; i++)
		y[i] = -500.0 * log1p(-((i + 0.5) / K));
	rk_gpd_fit_mle(y, K, &fit);
	check(fabs(fit.xi) < 0.05 && fit.se_xi > 0, "gpd mle exponential data", fit.xi, 0);

	/* GEV fit on GEV quantiles: near the truth, converged, not for n < 5 */
	{
		double		x[300],
					work[300];
		rk_gev_fit gf;
		int			j;

		for (j = 0; j < 300; j++)
			x[j] = rk_gev_quantile((j + 0.5) / 300.0, 0.2, 100.0, 15.0);
		check(rk_gev_fit_mle(x, 300, work, &gf) == RK_OK && gf.converged, "gev fit converged", 0, 0);
		check(fabs(gf.xi - 0.2) < 0.05 && fabs(gf.mu - 100) < 2 && fabs(gf.sigma - 15) < 2,
			  "gev fit near truth", gf.xi, 0.2);
		check(gf.se_xi > 0 && gf.se_mu > 0 && gf.se_sigma > 0, "gev standard errors", 0, 0);
		check(rk_gev_fit_mle(x, 4, work, &gf) == RK_TOO_FEW, "gev needs 5", 0, 0);
	}

	/* Hill on exact Pareto order statistics: xi = 1/alpha */
	{
		double		x[1000],
					xi,
					u;
		int			j;

		for (j = 0; j < 1000; j++)
			x[j] = pow(1.0 - (j + 0.5) / 1000.0, -0.5);
		check(rk_hill(x, 1000, 100, &xi, &u) == RK_OK, "hill status", 0, 0);
		check(fabs(xi - 0.5) < 0.03, "hill near 1/alpha", xi, 0.5);
		check(rk_hill(x, 10, 10, &xi, &u) == RK_TOO_FEW, "hill needs k+1", 0, 0);
		check_close(rk_hill_se(0.5, 25), 0.1, 1e-15, "hill standard error xi / sqrt(k)");
	}
}

/* Extreme but finite inputs: no NaN where the answer is a number. */
UNIT_TEST(test_evt_extremes)
{
	check(rk_gpd_pdf(1.7976888488148072e+308, 0, 0.01) == 0.0, "GPD pdf where y/beta overflows",
		  rk_gpd_pdf(1.7976888488148072e+308, 0, 0.01), 0);
	check(rk_gpd_cdf(1.7976888488148072e+308, 0.2, 0.01) == 1.0, "GPD cdf where y/beta overflows",
		  rk_gpd_cdf(1.7976888488148072e+308, 0.2, 0.01), 1);
	check(rk_gev_pdf(-5.2561055068751001e+304, -16.1915, 3, 1e-12) == 0.0,
		  "GEV pdf where (x - mu)/sigma overflows",
		  rk_gev_pdf(-5.2561055068751001e+304, -16.1915, 3, 1e-12), 0);
	check(rk_gev_cdf(-5.2561055068751001e+304, -16.1915, 3, 1e-12) == 0.0,
		  "GEV cdf where (x - mu)/sigma overflows",
		  rk_gev_cdf(-5.2561055068751001e+304, -16.1915, 3, 1e-12), 0);
	check(rk_gev_pdf(1e300, 1e10, 0, 1) == 0.0, "GEV pdf where xi z overflows",
		  rk_gev_pdf(1e300, 1e10, 0, 1), 0);
	check_close(rk_gpd_cdf(rk_gpd_quantile(0.75, -4.9406564584124654e-324, 0.005),
							 -4.9406564584124654e-324, 0.005), 0.75, 1e-12,
				"GPD quantile and cdf at a denormal xi");
}
