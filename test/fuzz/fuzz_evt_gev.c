/*
 * fuzz_evt_gev.c
 *     libFuzzer harness of the GEV side of evt.c: the gev_fit aggregate's
 *     maximum likelihood fit on block maxima, and the GEV distribution
 *     functions and return level, with the SQL face's checks.
 *
 * Block maxima are finite; up to 150 of them (a fit runs Nelder-Mead over
 * every value at each step).  The work array has exactly n doubles, so
 * AddressSanitizer sees any write past it.
 *
 * Invariants: TOO_FEW below 5 maxima, DEGENERATE when all are equal, OK
 * otherwise on moderate data; a converged fit has finite xi > -1, mu,
 * sigma > 0, a finite log-likelihood that the sum of log rk_gev_pdf at
 * the estimates reproduces, and positive standard errors; standard errors
 * are NaN or positive; cdf in [0, 1], pdf >= 0, and cdf(quantile(p)) = p
 * within rounding for xi in (-1, 10].
 */
#include "core/evt.h"
#include "fuzz_common.h"

#define MAX_VALUES 150

/* The distribution functions as gev_cdf/pdf/quantile/return_level call them. */
static void
check_dist(double x, double xi, double mu, double sigma, double p, double period)
{
	double		c,
				d,
				q;

	/* the SQL face: x, xi, mu finite; sigma positive finite; p in (0, 1) */
	if (!isfinite(x) || !isfinite(xi) || !isfinite(mu) || !(sigma > 0) || !isfinite(sigma))
		return;
	c = rk_gev_cdf(x, xi, mu, sigma);
	d = rk_gev_pdf(x, xi, mu, sigma);
	FZ_CHECK(c >= 0 && c <= 1, "gev cdf(%.17g; xi %.17g mu %.17g sigma %.17g) = %.17g",
			 x, xi, mu, sigma, c);
	FZ_CHECK(d >= 0, "gev pdf(%.17g; xi %.17g mu %.17g sigma %.17g) = %.17g", x, xi, mu, sigma, d);
	if (period > 1 && isfinite(period))
	{
		q = rk_gev_quantile(1.0 - 1.0 / period, xi, mu, sigma);
		FZ_CHECK(!isnan(q), "gev return level NaN (period %.17g xi %.17g mu %.17g sigma %.17g)",
				 period, xi, mu, sigma);
	}
	if (!(p > 0 && p < 1))
		return;
	q = rk_gev_quantile(p, xi, mu, sigma);
	FZ_CHECK(!isnan(q), "gev quantile(%.17g; xi %.17g mu %.17g sigma %.17g) is NaN", p, xi, mu, sigma);
	/* the check needs q resolvable from the end point mu - sigma / xi */
	if (xi > -1 && xi <= 10 && isfinite(q) && sigma >= 1e-100 && sigma <= 1e100 &&
		fabs(mu) <= 1e6 * sigma && 1 + xi * (q - mu) / sigma > 1e-6)
	{
		/*
		 * q and (q - mu) / sigma carry rounding of order eps (|q| + |mu|) /
		 * sigma in standard units, which the standardized density (large
		 * near the lower end point when xi is large) turns into cdf error.
		 */
		double		g = rk_gev_pdf(q, xi, mu, sigma) * sigma;
		double		tol = 1e-10 + 16 * DBL_EPSILON * (fabs(q) + fabs(mu)) / sigma *
			(1 + g);

		FZ_CHECK(!isfinite(tol) || fabs(rk_gev_cdf(q, xi, mu, sigma) - p) <= tol,
				 "gev cdf(quantile(%.17g)) = %.17g (xi %.17g mu %.17g sigma %.17g)",
				 p, rk_gev_cdf(q, xi, mu, sigma), xi, mu, sigma);
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a level, GEV parameters and block maxima; check the functions and the fit. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	double		p,
				xi_in,
				mu_in,
				sigma_in,
				x_in,
				period,
			   *x,
			   *work;
	int64_t		n,
				i;
	rk_gev_fit fit;
	rk_status st;
	int			alleq = 1;

	fz_init(&r, data, size);
	p = fz_level(&r);
	xi_in = (double) (int16_t) fz_u16(&r) / 2000.0;
	mu_in = (double) (int16_t) fz_u16(&r) / 16.0;
	sigma_in = fz_scale[fz_u8(&r) & 31];
	x_in = fz_raw(&r);
	period = 1.0 + (double) fz_u16(&r) / 64.0;
	x = malloc(sizeof(double) * MAX_VALUES);
	n = (int64_t) fz_keep_finite(x, fz_values(&r, x, MAX_VALUES));

	check_dist(x_in, xi_in, mu_in, sigma_in, p, period);
	check_dist(n > 0 ? x[0] : 0.0, xi_in, mu_in, sigma_in, p, period);

	/* gev_fit: at least one block maximum, else NULL without a fit */
	if (n == 0)
	{
		free(x);
		return 0;
	}
	work = malloc(sizeof(double) * n);
	st = rk_gev_fit_mle(x, n, work, &fit);
	for (i = 1; i < n; i++)
		alleq &= x[i] == x[0];
	FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
	if (n < 5)
		FZ_CHECK(st == RK_TOO_FEW, "%ld maxima: status %d", (long) n, (int) st);
	else if (alleq)
		FZ_CHECK(st == RK_DEGENERATE, "equal maxima: status %d", (int) st);
	else if (fz_moderate(x, n, 1e-100, 1e100))
		FZ_CHECK(st == RK_OK, "status %d on moderate maxima", (int) st);
	if (st == RK_OK)
	{
		FZ_CHECK(isnan(fit.se_xi) || (fit.se_xi > 0 && isfinite(fit.se_xi)), "se(xi) %.17g", fit.se_xi);
		FZ_CHECK(isnan(fit.se_mu) || (fit.se_mu > 0 && isfinite(fit.se_mu)), "se(mu) %.17g", fit.se_mu);
		FZ_CHECK(isnan(fit.se_sigma) || (fit.se_sigma > 0 && isfinite(fit.se_sigma)),
				 "se(sigma) %.17g", fit.se_sigma);
	}
	if (st == RK_OK && fit.converged)
	{
		double		ll = 0;

		FZ_CHECK(isfinite(fit.xi) && fit.xi > -1 && isfinite(fit.mu) && isfinite(fit.sigma) &&
				 fit.sigma > 0 && isfinite(fit.loglik),
				 "converged fit xi %.17g mu %.17g sigma %.17g loglik %.17g",
				 fit.xi, fit.mu, fit.sigma, fit.loglik);
		FZ_CHECK(fit.se_xi > 0 && fit.se_mu > 0 && fit.se_sigma > 0,
				 "converged fit without standard errors");
		if (fz_moderate(x, n, 1e-100, 1e100))
		{
			/*
			 * In original units z = (x - mu) / sigma carries rounding of
			 * eps (|x| + |mu|) / sigma, times the slope of log f in z:
			 * (1 + xi) / t - t^(-1/xi - 1), t = 1 + xi z.
			 */
			double		tol = 1e-9 * (fabs(fit.loglik) + n);

			for (i = 0; i < n; i++)
			{
				double		z = (x[i] - fit.mu) / fit.sigma,
							t = 1 + fit.xi * z,
							slope = fabs(fit.xi) < 1e-8 ? 1 + exp(-z) :
					fabs(1 + fit.xi) / t + pow(t, -1 / fit.xi - 1);

				ll += log(rk_gev_pdf(x[i], fit.xi, fit.mu, fit.sigma));
				tol += 8 * DBL_EPSILON * (fabs(x[i]) + fabs(fit.mu)) / fit.sigma * slope;
			}
			FZ_CHECK(!isfinite(tol) || fabs(ll - fit.loglik) <= tol,
					 "loglik %.17g, sum of log pdf at the estimates %.17g (tol %.3g)",
					 fit.loglik, ll, tol);
		}
		check_dist(x[0], fit.xi, fit.mu, fit.sigma, p, period);
	}
	free(work);
	free(x);
	return 0;
}
