/*
 * fuzz_oprisk.c
 *     libFuzzer harness of oprisk.c: the severity_fit and frequency_fit
 *     aggregates, lda_simulate (simulation, partial sort of the tail, the
 *     measures), sla_var and the severity distribution functions, with the
 *     checks of src/oprisk.c.
 *
 * Losses are finite and > 0, at least 2 (up to 2000); loss counts are
 * integers >= 0 (up to 300 periods: the negative binomial fit evaluates
 * digamma at every count for each root-finding step); parameters are
 * finite and pass rk_severity_check / positivity; a simulation has
 * 100..2000 years and at most 1e5 expected losses (the SQL face allows
 * 1e7 years and 2e9 losses).
 *
 * Invariants: statuses as documented (DEGENERATE for equal losses); a
 * converged severity fit has valid parameters and a finite log-likelihood,
 * the lognormal one the closed form, the gamma one solving its likelihood
 * equation, Weibull's shape in the bracket searched; Poisson always fits
 * with lambda the mean and log-likelihood <= 0; the negative binomial fits
 * only overdispersed counts, with size > 0, mu the mean and a likelihood
 * at least the Poisson one; a simulation is reproducible from its seed,
 * annual losses are >= 0, and the measures after rk_lda_sort_tail equal
 * those after a full sort, exactly, with ES >= VaR and se >= 0; cdf in
 * [0, 1], pdf >= 0, quantiles >= 0 and not NaN.
 */
#include <gsl/gsl_sf_psi.h>

#include "core/oprisk.h"
#include "fuzz_common.h"

#define MAX_LOSSES 2000
#define MAX_PERIODS 300
#define MAX_YEARS 2000

/* A distribution parameter: mostly a scaled small number, sometimes any double. */
static double
fz_param(fz_reader *r)
{
	uint8_t		b = fz_u8(r);

	if (b < 0xE0)
		return (double) (int16_t) fz_u16(r) / 256.0 * fz_scale[b & 31];
	return fz_raw(r);
}

/* severity_cdf/pdf/quantile with checked parameters. */
static void
check_severity_fns(rk_sev_family sf, double s1, double s2, double x, double p)
{
	double		c,
				d,
				q;

	if (!isfinite(x))
		return;
	c = rk_severity_cdf(sf, s1, s2, x);
	d = rk_severity_pdf(sf, s1, s2, x);
	FZ_CHECK(c >= 0 && c <= 1, "family %d {%.17g, %.17g}: cdf(%.17g) = %.17g", sf, s1, s2, x, c);
	FZ_CHECK(d >= 0, "family %d {%.17g, %.17g}: pdf(%.17g) = %.17g", sf, s1, s2, x, d);
	q = rk_severity_quantile(sf, s1, s2, p);
	FZ_CHECK(q >= 0, "family %d {%.17g, %.17g}: quantile(%.17g) = %.17g", sf, s1, s2, p, q);
}

/* severity_fit on losses x[0..n-1] (n >= 2, all finite and > 0). */
static void
check_severity_fit(const double *losses, int64_t n, rk_sev_family sf)
{
	double	   *x = malloc(sizeof(double) * n);
	int			alleq = 1,
				moderate = fz_moderate(losses, n, 1e-100, 1e100);
	int64_t		i;
	rk_dist_fit fit;
	rk_status st;

	memcpy(x, losses, sizeof(double) * n);
	for (i = 1; i < n; i++)
		alleq &= x[i] == x[0];
	st = rk_severity_fit(x, n, sf, &fit);
	FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
	if (sf == RK_SEV_GPD && n < 3)
		FZ_CHECK(st == RK_TOO_FEW, "GPD fit of 2 losses: status %d", (int) st);
	else if (alleq)
		FZ_CHECK(st == RK_DEGENERATE, "family %d, equal losses: status %d", sf, (int) st);
	else
		FZ_CHECK(st == RK_OK || st == RK_DEGENERATE, "family %d: status %d", sf, (int) st);
	if (st == RK_OK && fit.converged)
	{
		FZ_CHECK(rk_severity_check(sf, fit.p1, fit.p2) == RK_OK,
				 "family %d converged to {%.17g, %.17g}", sf, fit.p1, fit.p2);
		FZ_CHECK(isfinite(fit.loglik), "family %d: loglik %.17g", sf, fit.loglik);
	}
	if (st == RK_OK && moderate && sf == RK_SEV_LOGNORMAL)
	{
		long double lm = 0,
					v = 0;

		for (i = 0; i < n; i++)
			lm += logl(losses[i]);
		lm /= n;
		for (i = 0; i < n; i++)
			v += (logl(losses[i]) - lm) * (logl(losses[i]) - lm);
		v = sqrtl(v / n);
		FZ_CHECK(fabsl(fit.p1 - lm) <= 1e-12L * (fabsl(lm) + 1) &&
				 fabsl(fit.p2 - v) <= 1e-9L * v + 1e-12L * (fabsl(lm) + 1),
				 "lognormal {%.17g, %.17g}, closed form {%.17Lg, %.17Lg}", fit.p1, fit.p2, lm, v);
		FZ_CHECK(fit.converged, "lognormal fit of moderate losses not converged");
	}
	if (st == RK_OK && fit.converged && sf == RK_SEV_WEIBULL)
		FZ_CHECK(fit.p1 >= 1e-3 && fit.p1 <= 1e3, "Weibull shape %.17g outside the bracket", fit.p1);
	if (st == RK_OK && fit.converged && sf == RK_SEV_GAMMA && moderate)
	{
		/* log a - psi(a) = log(mean) - mean(log): the equation Newton solved */
		long double lm = 0,
					xm = 0;
		double		s,
					f;

		for (i = 0; i < n; i++)
		{
			lm += log(losses[i]);
			xm += losses[i];
		}
		s = (double) (logl(xm / n) - lm / n);
		f = log(fit.p1) - gsl_sf_psi(fit.p1) - s;
		FZ_CHECK(fabs(f) <= 1e-8 * s + 1e-12 * (fabs(log(fit.p1)) + 1),
				 "gamma shape %.17g leaves %.3g in its likelihood equation (s = %.17g)", fit.p1, f, s);
	}
	free(x);
}

/* frequency_fit on counts c[0..n-1] (n >= 2). */
static void
check_frequency_fit(const double *c, int64_t n)
{
	rk_dist_fit po,
				nb;
	rk_status s1 = rk_frequency_fit(c, n, RK_FREQ_POISSON, &po),
				s2 = rk_frequency_fit(c, n, RK_FREQ_NEGBIN, &nb);
	long double mean = 0,
				var = 0,
				scale = 0;
	int64_t		i;

	FZ_CHECK(s1 == RK_OK && s2 == RK_OK, "frequency statuses %d %d", s1, s2);
	for (i = 0; i < n; i++)
		mean += c[i];
	mean /= n;
	for (i = 0; i < n; i++)
	{
		var += (c[i] - mean) * (c[i] - mean);
		scale += c[i] * fabsl(logl(mean > 0 ? mean : 1)) + mean + lgammal(c[i] + 1);
	}
	var /= n;
	FZ_CHECK(po.converged && fabsl(po.p1 - mean) <= 4 * DBL_EPSILON * mean,
			 "Poisson lambda %.17g, the mean %.17Lg", po.p1, mean);
	FZ_CHECK(isfinite(po.loglik) && po.loglik <= 64 * DBL_EPSILON * scale,
			 "Poisson loglik %.17g", po.loglik);
	if (var < mean * (1 - 1e-9))
		FZ_CHECK(!nb.converged, "negative binomial converged on counts with var %.17Lg < mean %.17Lg",
				 var, mean);
	if (nb.converged)
	{
		/* the likelihood cancels terms as large as lgamma(size) and size */
		double		r = nb.p1,
					tol = 1e-9 * (fabs(po.loglik) + 1);

		for (i = 0; i < n; i++)
			tol += 16 * DBL_EPSILON * (fabs(lgamma(c[i] + r)) + fabs(lgamma(r)) + r +
									   c[i] * (fabs(log(r + po.p1)) + 1));
		FZ_CHECK(nb.p1 > 0 && isfinite(nb.p1) && nb.p2 == po.p1,
				 "negative binomial {%.17g, %.17g}, mean %.17g", nb.p1, nb.p2, po.p1);
		FZ_CHECK(nb.loglik >= po.loglik - tol,
				 "negative binomial loglik %.17g below Poisson %.17g (size %.17g)",
				 nb.loglik, po.loglik, nb.p1);
	}
}

/* lda_simulate: simulate, order the tail, and read the measures. */
static void
check_lda(rk_freq_family ff, double f1, double f2, rk_sev_family sf, double s1,
		  double s2, int64_t years, uint64_t seed, const double *levels, int nlev)
{
	double	   *a = malloc(sizeof(double) * years),
			   *b = malloc(sizeof(double) * years);
	int64_t		i;
	int			j;

	FZ_CHECK(rk_lda_simulate(ff, f1, f2, sf, s1, s2, years, seed, a) == RK_OK, "simulation failed");
	FZ_CHECK(rk_lda_simulate(ff, f1, f2, sf, s1, s2, years, seed, b) == RK_OK, "simulation failed");
	FZ_CHECK(memcmp(a, b, sizeof(double) * years) == 0, "the same seed simulated other losses");
	for (i = 0; i < years; i++)
		FZ_CHECK(a[i] >= 0, "annual loss %ld is %.17g", (long) i, a[i]);
	rk_lda_sort_tail(a, years, levels, nlev);
	qsort(b, years, sizeof(double), rk_cmp_double);
	for (j = 0; j < nlev; j++)
	{
		double		v1,
					e1,
					se1,
					v2,
					e2,
					se2;

		FZ_CHECK(rk_lda_measures(a, years, levels[j], &v1, &e1, &se1) == RK_OK &&
				 rk_lda_measures(b, years, levels[j], &v2, &e2, &se2) == RK_OK,
				 "lda measures at %.17g not OK", levels[j]);
		FZ_CHECK((v1 == v2 || (isnan(v1) && isnan(v2))) && (e1 == e2 || (isnan(e1) && isnan(e2))) &&
				 (se1 == se2 || (isnan(se1) && isnan(se2))),
				 "level %.17g: tail-sorted VaR/ES/se %.17g/%.17g/%.17g, fully sorted %.17g/%.17g/%.17g",
				 levels[j], v1, e1, se1, v2, e2, se2);
		FZ_CHECK(isnan(se2) || se2 >= 0, "se %.17g", se2);
		if (isfinite(e2))
			FZ_CHECK(e2 >= v2 - (years + 2) * DBL_EPSILON * v2, "ES %.17g below VaR %.17g", e2, v2);
	}
	free(a);
	free(b);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode families, parameters, levels and losses; check fits, functions and simulation. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double cscale[4] = {1.0, 100.0, 1e4, 1.0 / 64};
	fz_reader	r;
	rk_sev_family sf;
	rk_freq_family ff;
	double		s1,
				s2,
				f1,
				f2,
				lambda,
				p,
				levels[3],
				xfn,
			   *v,
			   *x,
			   *c;
	int64_t		nv,
				n,
				nc = 0,
				years,
				i;
	uint64_t	seed;
	uint8_t		cs;
	int			corr;

	fz_init(&r, data, size);
	sf = (rk_sev_family) (fz_u8(&r) % 4);
	ff = (rk_freq_family) (fz_u8(&r) % 2);
	s1 = fz_param(&r);
	s2 = fz_param(&r);
	f1 = fz_param(&r);
	f2 = fz_param(&r);
	lambda = fz_param(&r);
	p = fz_level(&r);
	levels[0] = p;
	levels[1] = fz_level(&r);
	levels[2] = fz_level(&r);
	years = fz_range(&r, 100, MAX_YEARS);
	seed = fz_u64(&r);
	cs = fz_u8(&r);
	corr = cs >> 7;
	xfn = fz_raw(&r);
	if (!(p > 0 && p < 1))
		return 0;
	v = malloc(sizeof(double) * MAX_LOSSES);
	x = malloc(sizeof(double) * MAX_LOSSES);
	c = malloc(sizeof(double) * MAX_PERIODS);
	nv = (int64_t) fz_values(&r, v, MAX_LOSSES);

	/* severity_fit: losses finite and > 0, at least 2 */
	memcpy(x, v, sizeof(double) * nv);
	n = (int64_t) fz_keep_positive(x, (size_t) nv);
	if (n >= 2)
		check_severity_fit(x, n, sf);

	/* frequency_fit: counts are int8 >= 0, as float8 */
	for (i = 0; i < nv && nc < MAX_PERIODS; i++)
	{
		double		k = floor(fabs(v[i]) * cscale[cs & 3]);

		if (isfinite(k) && k <= 1e9)
			c[nc++] = k;
	}
	if (nc >= 2)
		check_frequency_fit(c, nc);

	/* the functions and the simulation take checked parameters only */
	if (rk_severity_check(sf, s1, s2) != RK_OK)
		goto done;
	check_severity_fns(sf, s1, s2, xfn, p);
	check_severity_fns(sf, s1, s2, n > 0 ? x[0] : 1.0, levels[1] > 0 && levels[1] < 1 ? levels[1] : 0.5);
	if (isfinite(lambda) && lambda > 0 && 1.0 - (1.0 - p) / lambda > 0)
	{
		double		q = rk_sla_var(lambda, sf, s1, s2, p, corr);

		FZ_CHECK(!isnan(q), "sla_var(%.17g, family %d {%.17g, %.17g}, %.17g, %d) is NaN",
				 lambda, sf, s1, s2, p, corr);
	}
	if (!(isfinite(f1) && f1 > 0) || (ff == RK_FREQ_NEGBIN && !(isfinite(f2) && f2 > 0)))
		goto done;
	if (!(levels[1] > 0 && levels[1] < 1) || !(levels[2] > 0 && levels[2] < 1))
		goto done;
	if ((double) years * rk_frequency_mean(ff, f1, f2) > 1e5)
		goto done;
	check_lda(ff, f1, f2, sf, s1, s2, years, seed, levels, 3);
done:
	free(c);
	free(x);
	free(v);
	return 0;
}
