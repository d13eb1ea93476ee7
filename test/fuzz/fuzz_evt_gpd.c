/*
 * fuzz_evt_gpd.c
 *     libFuzzer harness of the GPD side of evt.c: the gpd_fit aggregate's
 *     fits (maximum likelihood, probability-weighted moments), the POT
 *     measures gpd_var / gpd_es, Hill's estimator and the GPD distribution
 *     functions, with the checks the SQL face (src/evt.c) applies first.
 *
 * Losses are finite; the threshold u is finite (0, a loss of the sample,
 * or any double); the fits see the excesses x - u of the losses above u
 * (at least 3 of them; x - u may overflow to +Inf, which the ML fit must
 * refuse); Hill sees all losses with 1 <= k < n.  Up to 2000 losses.
 *
 * Invariants: statuses as documented; a converged ML fit has finite xi >
 * -1, beta > 0, a finite log-likelihood equal to rk_gpd_loglik at the
 * estimates, standard errors NaN or positive (NaN for xi <= -1/2); a PWM
 * fit sorts the excesses and, on moderate data, has finite estimates and
 * beta > 0; VaR >= u and ES >= VaR (within rounding, moderate parameters)
 * from a fitted or a hand-made model; Hill's threshold is the (k+1)-th
 * largest loss and xi >= 0 within rounding; cdf in [0, 1], pdf >= 0,
 * quantile >= 0, and cdf(quantile(p)) = p within 1e-10 for xi > -1.
 */
#include "core/evt.h"
#include "fuzz_common.h"

#define MAX_VALUES 2000

/* POT VaR/ES of a model as gpd_var/gpd_es call them, and their checks. */
static void
check_var_es(const rk_gpd_fit *fit, double u, int64_t n, int64_t k, double p)
{
	double		var = NAN,
				es = NAN,
				var2 = NAN;
	rk_status st = rk_gpd_var_es(fit, u, n, k, p, &var, &es);
	rk_status st2 = rk_gpd_var_es(fit, u, n, k, p, &var2, NULL);

	FZ_CHECK(fz_status_valid(st) && fz_status_valid(st2), "statuses %d %d", st, st2);
	FZ_CHECK(st2 == RK_OK || st2 == RK_TOO_FEW,
			 "gpd_var of a checked model: status %d (xi %.17g beta %.17g)", (int) st2, fit->xi, fit->beta);
	FZ_CHECK(st2 != RK_TOO_FEW || (double) n / (double) k * (1.0 - p) > 1.0,
			 "TOO_FEW at p %.17g with %ld of %ld above u", p, (long) k, (long) n);
	if (st2 != RK_OK)
		return;
	FZ_CHECK(var2 >= u, "VaR %.17g below the threshold %.17g (xi %.17g beta %.17g)",
			 var2, u, fit->xi, fit->beta);
	FZ_CHECK(st == (fit->xi < 1 ? RK_OK : RK_DEGENERATE), "gpd_es status %d at xi %.17g",
			 (int) st, fit->xi);
	if (st != RK_OK)
		return;
	FZ_CHECK(var == var2, "VaR %.17g with ES asked, %.17g without", var, var2);
	if (fabs(fit->xi) <= 1e3 && fit->beta >= 1e-100 && fit->beta <= 1e100 && fabs(u) <= 1e100)
	{
		double		tol = 16 * DBL_EPSILON *
			(fabs(var) * (1 + fabs(fit->xi)) + fit->beta + fabs(fit->xi * u)) / (1 - fit->xi);

		FZ_CHECK(isfinite(var) && isfinite(es), "VaR %.17g ES %.17g", var, es);
		FZ_CHECK(es >= var - tol, "ES %.17g below VaR %.17g (xi %.17g beta %.17g u %.17g)",
				 es, var, fit->xi, fit->beta, u);
	}
}

/* The GPD distribution functions as gpd_cdf/pdf/quantile call them. */
static void
check_dist(double x, double xi, double beta, double u, double p)
{
	double		c,
				d,
				q;

	/* the SQL face: x, xi, u finite; beta positive finite; p in (0, 1) */
	if (!isfinite(x) || !isfinite(xi) || !isfinite(u) || !(beta > 0) || !isfinite(beta))
		return;
	FZ_CHECK(rk_gpd_check(xi, beta) == RK_OK, "rk_gpd_check refuses xi %.17g beta %.17g", xi, beta);
	c = rk_gpd_cdf(x - u, xi, beta);
	d = rk_gpd_pdf(x - u, xi, beta);
	FZ_CHECK(c >= 0 && c <= 1, "gpd cdf(%.17g; xi %.17g, beta %.17g) = %.17g", x - u, xi, beta, c);
	FZ_CHECK(d >= 0, "gpd pdf(%.17g; xi %.17g, beta %.17g) = %.17g", x - u, xi, beta, d);
	if (!(p > 0 && p < 1))
		return;
	q = rk_gpd_quantile(p, xi, beta);
	FZ_CHECK(q >= 0, "gpd quantile(%.17g; xi %.17g, beta %.17g) = %.17g", p, xi, beta, q);
	if (xi > -1 && xi <= 50 && beta >= 1e-100 && beta <= 1e100 && isfinite(q) && q >= 1e-290)
		FZ_CHECK(fabs(rk_gpd_cdf(q, xi, beta) - p) <= 1e-10,
				 "gpd cdf(quantile(%.17g)) = %.17g (xi %.17g, beta %.17g)",
				 p, rk_gpd_cdf(q, xi, beta), xi, beta);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a level, a threshold, a method, a model and losses; check the GPD side. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	double		p,
				u,
				uraw,
				xi_in,
				beta_in,
				x_in,
			   *x,
			   *y;
	uint8_t		umode,
				method;
	uint16_t	upick,
				kpick;
	int64_t		n,
				k = 0,
				i,
				m_in,
				k_in;
	rk_gpd_fit fit;

	fz_init(&r, data, size);
	p = fz_level(&r);
	umode = fz_u8(&r);
	upick = fz_u16(&r);
	uraw = fz_raw(&r);
	method = fz_u8(&r) & 1;
	kpick = fz_u16(&r);
	xi_in = (double) (int16_t) fz_u16(&r) / 1000.0;
	beta_in = fz_scale[fz_u8(&r) & 31];
	x_in = fz_raw(&r);
	m_in = fz_range(&r, 1, 5000);
	k_in = fz_range(&r, 1, 5000);
	if (!(p > 0.0 && p < 1.0))
		return 0;
	x = malloc(sizeof(double) * MAX_VALUES);
	y = malloc(sizeof(double) * MAX_VALUES);
	n = (int64_t) fz_keep_finite(x, fz_values(&r, x, MAX_VALUES));

	/* distribution functions, and a hand-made model as gpd_var/gpd_es see it */
	check_dist(x_in, xi_in, beta_in, uraw, p);
	check_dist(n > 0 ? x[0] : 1.0, n > 1 ? x[1] : xi_in, beta_in, 0.0, p);
	if (isfinite(uraw) && k_in <= m_in)
	{
		rk_gpd_fit model;

		model.xi = xi_in;
		model.beta = beta_in;
		check_var_es(&model, uraw, m_in, k_in, p);
	}
	if (n == 0)
		goto done;

	/* the threshold: 0, one of the losses, or any finite double */
	switch (umode & 3)
	{
		case 0:
			u = 0.0;
			break;
		case 3:
			u = uraw;
			break;
		default:
			{
				double	   *s = fz_sorted_copy(x, n);

				u = s[(int64_t) upick * (n - 1) / 65535];
				free(s);
				break;
			}
	}

	/* Hill's estimator on all losses, 1 <= k < n */
	if (n >= 2)
	{
		int64_t		hk = 1 + kpick % (n - 1);
		double	   *h = malloc(sizeof(double) * n),
				   *s = fz_sorted_copy(x, n),
					xi = NAN,
					thr = NAN;
		rk_status st;

		memcpy(h, x, sizeof(double) * n);
		st = rk_hill(h, n, hk, &xi, &thr);
		FZ_CHECK(st == RK_OK || st == RK_BADARG, "hill status %d", (int) st);
		FZ_CHECK(thr == s[n - hk - 1], "hill threshold %.17g, the (k+1)-th largest is %.17g",
				 thr, s[n - hk - 1]);
		FZ_CHECK((st == RK_BADARG) == !(s[n - hk - 1] > 0), "hill status %d at threshold %.17g",
				 (int) st, thr);
		if (st == RK_OK)
		{
			double		tol = 4.0 * (hk + 1) * DBL_EPSILON * (fabs(log(s[n - 1])) + fabs(log(thr)) + 1);

			FZ_CHECK(isfinite(xi) && xi >= -tol, "hill xi %.17g (k %ld, threshold %.17g)", xi, (long) hk, thr);
		}
		free(h);
		free(s);
	}

	/* gpd_fit: the excesses over a finite threshold, at least 3 */
	if (!isfinite(u))
		goto done;
	for (i = 0; i < n; i++)
		if (x[i] > u)
			y[k++] = x[i] - u;
	if (k < 3)
		goto done;
	if (method == 0)
	{
		int			infinite = 0;
		rk_status st = rk_gpd_fit_mle(y, k, &fit);

		for (i = 0; i < k; i++)
			infinite |= !isfinite(y[i]);
		FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
		FZ_CHECK(st == (infinite ? RK_BADARG : RK_OK), "ML fit status %d, infinite excess %d",
				 (int) st, infinite);
		if (st != RK_OK)
			goto done;
		if (fit.converged)
		{
			FZ_CHECK(isfinite(fit.xi) && fit.xi > -1 && isfinite(fit.beta) && fit.beta > 0,
					 "converged fit xi %.17g beta %.17g", fit.xi, fit.beta);
			FZ_CHECK(isfinite(fit.loglik) && fit.loglik == rk_gpd_loglik(y, k, fit.xi, fit.beta),
					 "converged fit loglik %.17g, at its estimates %.17g",
					 fit.loglik, rk_gpd_loglik(y, k, fit.xi, fit.beta));
		}
		FZ_CHECK(isnan(fit.se_xi) || (fit.se_xi > 0 && isfinite(fit.se_xi)), "se(xi) %.17g", fit.se_xi);
		FZ_CHECK(isnan(fit.se_beta) || (fit.se_beta > 0 && isfinite(fit.se_beta)),
				 "se(beta) %.17g", fit.se_beta);
		FZ_CHECK(isnan(fit.se_xi) || fit.xi > -0.5, "se(xi) %.17g at xi %.17g", fit.se_xi, fit.xi);
	}
	else
	{
		rk_status st = rk_gpd_fit_pwm(y, k, &fit);

		FZ_CHECK(st == RK_OK || st == RK_DEGENERATE, "PWM fit status %d", (int) st);
		for (i = 1; i < k; i++)
			FZ_CHECK(y[i - 1] <= y[i], "PWM left the excesses unsorted at %ld", (long) i);
		if (st != RK_OK)
			goto done;
		if (fz_moderate(y, k, 1e-100, 1e100))
			FZ_CHECK(isfinite(fit.xi) && isfinite(fit.beta) && fit.beta > 0,
					 "PWM fit xi %.17g beta %.17g", fit.xi, fit.beta);
		FZ_CHECK(fit.converged == isfinite(fit.loglik), "PWM converged %d, loglik %.17g",
				 fit.converged, fit.loglik);
	}
	/* the fitted model, as risk.gpd_var reads it back: NULL estimates refused */
	if (isfinite(fit.xi) && fit.beta > 0 && isfinite(fit.beta))
		check_var_es(&fit, u, n, k, p);
done:
	free(x);
	free(y);
	return 0;
}
