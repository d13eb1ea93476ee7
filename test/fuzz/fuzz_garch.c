/*
 * fuzz_garch.c
 *     libFuzzer harness of garch.c: the garch_fit aggregate (normal or
 *     Student t innovations) and the conditional VaR/ES aggregates (GARCH,
 *     filtered historical simulation, EVT), as src/garch.c calls them.
 *
 * Returns are finite; a series shorter than 10 gets NULL without a fit,
 * EVT needs 30; the conditional measures refit a normal GARCH and take its
 * standardized residuals, a fresh copy per measure.  Up to 120 returns (a
 * fit runs Nelder-Mead over the whole series at each step).
 *
 * Invariants: TOO_FEW / DEGENERATE exactly as documented, OK otherwise on
 * moderate data; an OK fit has omega >= 0 (> 0 when converged), alpha,
 * beta >= 0, alpha + beta <= 1, nu > 2 (Student) or NaN (normal), finite
 * mean, log-likelihood and
 * residuals, a positive finite forecast sd, standard errors NaN or
 * positive; the conditional measures return documented statuses, finite
 * VaR, and ES >= VaR within rounding (ES may be +Inf for EVT).
 */
#include "core/garch.h"
#include "fuzz_common.h"

#define MAX_VALUES 120

/*
 * One conditional measure from the fit and a copy of its residuals; the
 * values are checked when the series is moderate.
 */
static void
check_conditional(const rk_garch_fit *fit, const double *resid, int64_t n,
				  double alpha, rk_cond_method method, int moderate)
{
	double	   *e = malloc(sizeof(double) * n);
	double		var = NAN,
				es = NAN;
	rk_status st;

	memcpy(e, resid, sizeof(double) * n);
	st = rk_conditional_var_es(fit, e, n, alpha, method, &var, &es);
	FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
	if (method == RK_COND_EVT)
		FZ_CHECK(st == RK_OK || st == RK_TOO_FEW || st == RK_NOTFOUND,
				 "EVT status %d (n = %ld)", (int) st, (long) n);
	else
		FZ_CHECK(st == RK_OK, "method %d status %d", (int) method, (int) st);
	if (st == RK_OK && moderate)
	{
		double		tol = 64 * DBL_EPSILON * (fabs(fit->mu) + fit->sigma_forecast *
											   (fabs(var) + fabs(es) + 1));

		FZ_CHECK(isfinite(var), "method %d VaR %.17g", (int) method, var);
		FZ_CHECK(isfinite(es) || (method == RK_COND_EVT && es == INFINITY),
				 "method %d ES %.17g", (int) method, es);
		FZ_CHECK(es >= var - tol, "method %d ES %.17g below VaR %.17g", (int) method, es, var);
	}
	free(e);
}

/* Fit the series as garch_fit does and check the fit; the residuals in work. */
static rk_status
check_fit(const double *r, int64_t n, rk_garch_dist dist, double *work,
		  rk_garch_fit *fit, int moderate)
{
	rk_status st = rk_garch_fit_mle(r, n, dist, work, fit);
	int64_t		t;
	int			alleq = 1,
				j;

	for (t = 1; t < n; t++)
		alleq &= r[t] == r[0];
	FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
	if (n < 10)
		FZ_CHECK(st == RK_TOO_FEW, "%ld returns: status %d", (long) n, (int) st);
	else if (alleq)
		FZ_CHECK(st == RK_DEGENERATE, "constant series: status %d", (int) st);
	else if (moderate)
		FZ_CHECK(st == RK_OK, "status %d on a moderate series", (int) st);
	if (st != RK_OK)
		return st;
	for (j = 0; j < 5; j++)
		FZ_CHECK(isnan(fit->se[j]) || (fit->se[j] > 0 && isfinite(fit->se[j])),
				 "se[%d] = %.17g", j, fit->se[j]);
	FZ_CHECK(dist == RK_GARCH_STD || isnan(fit->nu), "normal fit with nu %.17g", fit->nu);
	if (!moderate)
		return st;
	/* on the boundary omega -> 0 a fit that did not converge may report 0 */
	FZ_CHECK(fit->omega >= 0 && isfinite(fit->omega), "omega %.17g", fit->omega);
	FZ_CHECK(!fit->converged || fit->omega > 0, "converged fit with omega %.17g", fit->omega);
	FZ_CHECK(fit->alpha >= 0 && fit->beta >= 0 && fit->alpha + fit->beta <= 1.0 + 1e-12,
			 "alpha %.17g beta %.17g", fit->alpha, fit->beta);
	FZ_CHECK(dist == RK_GARCH_NORM || fit->nu > 2, "Student fit with nu %.17g", fit->nu);
	FZ_CHECK(isfinite(fit->mu) && isfinite(fit->loglik), "mu %.17g loglik %.17g", fit->mu, fit->loglik);
	FZ_CHECK(fit->sigma_forecast > 0 && isfinite(fit->sigma_forecast),
			 "forecast sd %.17g", fit->sigma_forecast);
	for (t = 0; t < n; t++)
		FZ_CHECK(isfinite(work[t]), "residual %ld is %.17g", (long) t, work[t]);
	return st;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a level, a distribution and returns; fit, then the conditional measures. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	double		p,
			   *x,
			   *work;
	int64_t		n;
	uint8_t		which;
	int			moderate;
	rk_garch_fit fit;

	fz_init(&r, data, size);
	p = fz_level(&r);
	which = fz_u8(&r);
	if (!(p > 0.0 && p < 1.0))
		return 0;
	x = malloc(sizeof(double) * MAX_VALUES);
	n = (int64_t) fz_keep_finite(x, fz_values(&r, x, MAX_VALUES));
	moderate = fz_moderate(x, n, 1e-100, 1e100);
	work = malloc(sizeof(double) * (n > 0 ? n : 1));

	if (which & 1)
	{
		/* garch_fit(r, 'std') */
		check_fit(x, n, RK_GARCH_STD, work, &fit, moderate);
	}
	else if (n >= 10)
	{
		/* garch_fit(r) and the conditional measures on its residuals */
		if (check_fit(x, n, RK_GARCH_NORM, work, &fit, moderate) == RK_OK)
		{
			check_conditional(&fit, work, n, 1.0 - p, RK_COND_GARCH, moderate);
			check_conditional(&fit, work, n, 1.0 - p, RK_COND_FHS, moderate);
			if (n >= 30)
				check_conditional(&fit, work, n, 1.0 - p, RK_COND_EVT, moderate);
		}
	}
	else
		check_fit(x, n, RK_GARCH_NORM, work, &fit, moderate);
	free(work);
	free(x);
	return 0;
}
