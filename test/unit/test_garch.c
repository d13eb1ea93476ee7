/*
 * test_garch.c
 *     GARCH(1,1) fit and conditional VaR/ES (garch.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/garch.h"
#include "unit.h"

UNIT_TEST(test_garch)
{
	enum {N = 3000};
	double	   *r = malloc(sizeof(double) * N),
			   *w = malloc(sizeof(double) * N);
	double		h = 2e-6 / (1 - 0.08 - 0.9),
				zp = 0,
				v1,
				e1,
				v2,
				e2,
				v3,
				e3;
	rk_garch_fit f;
	int			t;

	/* simulate mu 5e-4, omega 2e-6, alpha 0.08, beta 0.9 */
	for (t = 0; t < N; t++)
	{
		h = 2e-6 + 0.08 * zp * zp + 0.9 * h;
		zp = sqrt(h) * nrand();
		r[t] = 5e-4 + zp;
	}
	check(rk_garch_fit_mle(r, N, RK_GARCH_NORM, w, &f) == RK_OK && f.converged,
		  "garch fit converged", 0, 0);
	check(fabs(f.alpha - 0.08) < 0.03 && fabs(f.beta - 0.9) < 0.04,
		  "garch fit near truth", f.alpha, f.beta);
	check(f.se[2] > 0 && f.se[3] > 0 && f.sigma_forecast > 0, "garch se and forecast", 0, 0);
	/* residuals are standardized: mean ~0, variance ~1 */
	{
		double		m = 0,
					v = 0;

		for (t = 0; t < N; t++)
			m += w[t];
		m /= N;
		for (t = 0; t < N; t++)
			v += (w[t] - m) * (w[t] - m);
		v /= N - 1;
		check(fabs(m) < 0.1 && fabs(v - 1) < 0.1, "garch residuals standardized", m, v);
	}
	{
		double	   *e = malloc(sizeof(double) * N);

		memcpy(e, w, sizeof(double) * N);
		rk_conditional_var_es(&f, e, N, 0.01, RK_COND_GARCH, &v1, &e1);
		memcpy(e, w, sizeof(double) * N);
		rk_conditional_var_es(&f, e, N, 0.01, RK_COND_FHS, &v2, &e2);
		memcpy(e, w, sizeof(double) * N);
		check(rk_conditional_var_es(&f, e, N, 0.01, RK_COND_EVT, &v3, &e3) == RK_OK,
			  "evt conditional status", 0, 0);
		check(e1 > v1 && e2 > v2 && e3 > v3, "conditional es > var", 0, 0);
		check(fabs(v2 / v1 - 1) < 0.15 && fabs(v3 / v1 - 1) < 0.15,
			  "conditional VaRs agree on normal data", v2, v3);
		memcpy(e, w, sizeof(double) * N);
		check(rk_conditional_var_es(&f, e, 20, 0.01, RK_COND_EVT, &v3, &e3) == RK_TOO_FEW,
			  "evt conditional needs 30", 0, 0);
		free(e);
	}
	check(rk_garch_fit_mle(r, 5, RK_GARCH_NORM, w, &f) == RK_TOO_FEW, "garch needs 10", 0, 0);

	/*
	 * Student t on normal GARCH returns: nu runs off to infinity, and the
	 * answer is the normal fit, bit for bit, nu infinite, a boundary
	 */
	{
		rk_garch_fit fs;

		check(rk_garch_fit_mle(r, N, RK_GARCH_NORM, w, &f) == RK_OK &&
			  rk_garch_fit_mle(r, N, RK_GARCH_STD, w, &fs) == RK_OK,
			  "garch t fit of normal returns", 0, 0);
		check(isinf(fs.nu) && fs.nu > 0 && !fs.converged && isnan(fs.se[2]),
			  "garch t fit: nu infinite, a boundary", fs.nu, fs.converged);
		check(fs.mu == f.mu && fs.omega == f.omega && fs.alpha == f.alpha &&
			  fs.beta == f.beta && fs.loglik == f.loglik &&
			  fs.sigma_forecast == f.sigma_forecast,
			  "garch t fit at nu infinite is the normal fit", fs.alpha, f.alpha);
	}
	free(r);
	free(w);
}
