/*
 * oprisk.c
 *     Operational risk, loss distribution approach: severity fits
 *     (lognormal, Weibull, gamma, GPD), frequency fits (Poisson, negative
 *     binomial), the Monte Carlo compound loss distribution, and the
 *     single-loss approximation.
 *
 * Parameterizations are R's: dlnorm(meanlog, sdlog), dweibull(shape,
 * scale), dgamma(shape, rate), the GPD at threshold 0 (xi, beta),
 * dpois(lambda), dnbinom(size, mu).  Every fit is the exact maximum of the
 * likelihood: closed form (lognormal, Poisson) or a one-dimensional root of
 * the profile score (Weibull, gamma, negative binomial); the GPD uses
 * evt.c's fit.  The simulation draws from GSL's taus2 generator, seeded
 * from all 64 bits of the caller's seed, so a seed reproduces its result.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_psi.h>

#include "evt.h"
#include "oprisk.h"
#include "quantile.h"

/* ---- severity ------------------------------------------------------- */

typedef struct weibull_arg
{
	const double *l;			/* log losses */
	int64_t		n;
	double		lmax;
	double		lmean;
} weibull_arg;

/* Profile score of the Weibull shape k: increasing, zero at the MLE. */
static double
weibull_score(double k, void *p)
{
	weibull_arg *a = (weibull_arg *) p;
	double		s0 = 0,
				s1 = 0;
	int64_t		i;

	for (i = 0; i < a->n; i++)
	{
		double		w = exp(k * (a->l[i] - a->lmax));

		s0 += w;
		s1 += w * a->l[i];
	}
	return s1 / s0 - 1.0 / k - a->lmean;
}

/* Root of f on [lo, hi] by Brent; NaN when there is no sign change. */
static double
brent_root(double (*f) (double, void *), void *arg, double lo, double hi)
{
	gsl_function F;
	gsl_root_fsolver *s;
	double		r = NAN;
	int			it;

	F.function = f;
	F.params = arg;
	if (!(f(lo, arg) * f(hi, arg) < 0))
		return NAN;
	s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (s == NULL)
		return NAN;
	if (gsl_root_fsolver_set(s, &F, lo, hi) == GSL_SUCCESS)
	{
		for (it = 0; it < 500; it++)
		{
			if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
				break;
			r = gsl_root_fsolver_root(s);
			if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
									   gsl_root_fsolver_x_upper(s),
									   0, 1e-15) == GSL_SUCCESS)
				break;
		}
	}
	gsl_root_fsolver_free(s);
	return r;
}

static double
severity_loglik(const double *x, int64_t n, rk_sev_family fam, double p1, double p2)
{
	double		s = 0;
	int64_t		i;

	/* log-densities, not logs of densities: a far outlier's pdf underflows */
	if (fam == RK_SEV_GPD)
		return rk_gpd_loglik(x, n, p1, p2);
	for (i = 0; i < n; i++)
	{
		double		lx = log(x[i]);

		switch (fam)
		{
			case RK_SEV_LOGNORMAL:
				{
					double		u = (lx - p1) / p2;

					s += -0.5 * u * u - lx - log(p2) - 0.5 * log(2 * M_PI);
					break;
				}
			case RK_SEV_WEIBULL:
				{
					double		lz = lx - log(p2);

					s += log(p1) - log(p2) + (p1 - 1.0) * lz - exp(p1 * lz);
					break;
				}
			default:
				{
					double		lr = lx + log(p2);

					s += log(p2) + (p1 - 1.0) * lr - exp(lr) - lgamma(p1);
					break;
				}
		}
	}
	return s;
}

rk_status
rk_severity_fit(double *x, int64_t n, rk_sev_family fam, rk_dist_fit *fit)
{
	double		lmean = 0,
				lmax = -INFINITY,
				xmean = 0;
	int64_t		i;

	fit->converged = 0;
	fit->p1 = fit->p2 = fit->loglik = NAN;
	if (n < 2 || (fam == RK_SEV_GPD && n < 3))
		return RK_TOO_FEW;
	for (i = 1; i < n && x[i] == x[0]; i++)
		;
	if (i == n)
		return RK_DEGENERATE;	/* equal losses: no spread to fit */
	for (i = 0; i < n; i++)
	{
		if (!(x[i] > 0) || !isfinite(x[i]))
			return RK_BADARG;
		lmean += log(x[i]);
		xmean += x[i];
		if (log(x[i]) > lmax)
			lmax = log(x[i]);
	}
	lmean /= (double) n;
	xmean /= (double) n;

	switch (fam)
	{
		case RK_SEV_LOGNORMAL:
			{
				double		v = 0;

				for (i = 0; i < n; i++)
					v += (log(x[i]) - lmean) * (log(x[i]) - lmean);
				v /= (double) n;
				if (!(v > 0))
					return RK_DEGENERATE;
				fit->p1 = lmean;
				fit->p2 = sqrt(v);
				break;
			}
		case RK_SEV_WEIBULL:
			{
				double	   *l = malloc(sizeof(double) * n);
				weibull_arg a;
				double		k,
							s0 = 0;

				if (l == NULL)
					return RK_NOSPACE;
				for (i = 0; i < n; i++)
					l[i] = log(x[i]);
				a.l = l;
				a.n = n;
				a.lmax = lmax;
				a.lmean = lmean;
				k = brent_root(weibull_score, &a, 1e-3, 1e3);
				if (!isfinite(k))
				{
					free(l);
					return RK_DEGENERATE;
				}
				for (i = 0; i < n; i++)
					s0 += exp(k * (l[i] - lmax));
				free(l);
				fit->p1 = k;
				fit->p2 = exp(lmax + log(s0 / (double) n) / k);
				break;
			}
		case RK_SEV_GAMMA:
			{
				double		s = log(xmean) - lmean,
							a;
				int			it;

				if (!(s > 0))
					return RK_DEGENERATE;
				/* Minka's start, then Newton on log a - psi(a) = s */
				a = (3.0 - s + sqrt((s - 3.0) * (s - 3.0) + 24.0 * s)) / (12.0 * s);
				for (it = 0; it < 100; it++)
				{
					double		f = log(a) - gsl_sf_psi(a) - s;
					double		df = 1.0 / a - gsl_sf_psi_1(a);
					double		an = a - f / df;

					if (!(an > 0))
						an = a / 2;
					if (fabs(an - a) <= 1e-15 * a)
					{
						a = an;
						break;
					}
					a = an;
				}
				fit->p1 = a;
				fit->p2 = a / xmean;
				break;
			}
		case RK_SEV_GPD:
			{
				rk_gpd_fit g;
				rk_status rc = rk_gpd_fit_mle(x, n, &g);

				if (rc != RK_OK)
					return rc;
				if (!isfinite(g.xi))
					return RK_OK;	/* no interior maximum: not converged */
				fit->p1 = g.xi;
				fit->p2 = g.beta;
				break;
			}
	}
	fit->loglik = severity_loglik(x, n, fam, fit->p1, fit->p2);
	fit->converged = isfinite(fit->loglik) &&
		rk_severity_check(fam, fit->p1, fit->p2) == RK_OK;
	return RK_OK;
}

rk_status
rk_severity_check(rk_sev_family fam, double p1, double p2)
{
	/* a subnormal scale, rate or shape overflows in its reciprocal */
	if (fabs(p2) < DBL_MIN || (fam != RK_SEV_LOGNORMAL && fam != RK_SEV_GPD && fabs(p1) < DBL_MIN))
		return RK_BADARG;
	switch (fam)
	{
		case RK_SEV_LOGNORMAL:
			return isfinite(p1) && p2 > 0 && isfinite(p2) ? RK_OK : RK_BADARG;
		case RK_SEV_WEIBULL:
		case RK_SEV_GAMMA:
			return p1 > 0 && p2 > 0 && isfinite(p1) && isfinite(p2) ? RK_OK : RK_BADARG;
		case RK_SEV_GPD:
			return isfinite(p1) && p2 > 0 && isfinite(p2) ? RK_OK : RK_BADARG;
	}
	return RK_BADARG;
}

double
rk_severity_pdf(rk_sev_family fam, double p1, double p2, double x)
{
	if (x < 0)
		return 0.0;
	if (x == 0)
	{
		/* the limits at 0, as R gives them */
		if (fam == RK_SEV_WEIBULL || fam == RK_SEV_GAMMA)
			return p1 < 1 ? INFINITY :
				(p1 == 1 ? (fam == RK_SEV_WEIBULL ? 1.0 / p2 : p2) : 0.0);
		if (fam == RK_SEV_LOGNORMAL)
			return 0.0;
	}
	switch (fam)
	{
		case RK_SEV_LOGNORMAL:
			{
				/* in logs: no 1/(x sdlog) overflow times an exp underflow */
				double		u = (log(x) - p1) / p2;

				return exp(-0.5 * u * u - log(x) - log(p2) - 0.5 * log(2 * M_PI));
			}
		case RK_SEV_WEIBULL:
			{
				/* in logs: x/scale may overflow where the density is 0 */
				double		lz = log(x) - log(p2);

				return exp(log(p1) - log(p2) + (p1 - 1) * lz - exp(p1 * lz));
			}
		case RK_SEV_GAMMA:
			{
				double		lx = log(x) + log(p2);	/* log(rate x) */

				if (p1 > 1e15)
				{
					/*
					 * (shape - 1) lx and lgamma(shape) overflow, their
					 * difference does not: with r = rate x / shape and
					 * u = log r, Stirling gives log pdf = log(rate)
					 * - log(2 pi shape)/2 + shape (u - expm1(u)) - u, to
					 * O(1/shape) < 1e-15 (u - expm1(u) <= 0, without the
					 * cancellation of 1 + u - e^u near the mean)
					 */
					double		xr = x * p2,
								r = isfinite(xr) ? xr / p1 : exp(lx - log(p1)),
								u;

					if (!(r > 0) || !isfinite(r))
						return 0.0;
					u = fabs(r - 1) < 0.5 ? log1p(r - 1) : log(r);
					return exp(log(p2) - 0.5 * log(2 * M_PI * p1) + p1 * (u - expm1(u)) - u);
				}
				return exp(log(p2) + (p1 - 1.0) * lx - exp(lx) - lgamma(p1));
			}
		case RK_SEV_GPD:
			return rk_gpd_pdf(x, p1, p2);
	}
	return NAN;
}

double
rk_severity_cdf(rk_sev_family fam, double p1, double p2, double x)
{
	if (x <= 0)
		return 0.0;
	switch (fam)
	{
		case RK_SEV_LOGNORMAL:
			return gsl_cdf_lognormal_P(x, p1, p2);
		case RK_SEV_WEIBULL:
			return -expm1(-pow(x / p2, p1));
		case RK_SEV_GAMMA:
			{
				double		c = gsl_cdf_gamma_P(x, p1, 1.0 / p2);

				if (isnan(c))
				{
					/* GSL gave up (huge shape): Wilson-Hilferty */
					double		v = 1.0 / (9.0 * p1),
								w = cbrt(x * p2 / p1);

					c = gsl_cdf_ugaussian_P((w - 1.0 + v) / sqrt(v));
				}
				return c;
			}
		case RK_SEV_GPD:
			return rk_gpd_cdf(x, p1, p2);
	}
	return NAN;
}

double
rk_severity_quantile(rk_sev_family fam, double p1, double p2, double p)
{
	switch (fam)
	{
		case RK_SEV_LOGNORMAL:
			return exp(p1 + p2 * rk_qnorm(p));
		case RK_SEV_WEIBULL:
			return p2 * pow(-log1p(-p), 1.0 / p1);
		case RK_SEV_GAMMA:
			{
				double		q = gsl_cdf_gamma_Pinv(p, p1, 1.0 / p2);

				if (isnan(q))
				{
					/* GSL's inverse did not converge: bisect on log x */
					double		lo = -745.0,
								hi = 710.0;
					int			it;

					for (it = 0; it < 200; it++)
					{
						double		mid = 0.5 * (lo + hi);

						if (gsl_cdf_gamma_P(exp(mid), p1, 1.0) < p)
							lo = mid;
						else
							hi = mid;
					}
					q = exp(0.5 * (lo + hi)) / p2;
				}
				return q;
			}
		case RK_SEV_GPD:
			return rk_gpd_quantile(p, p1, p2);
	}
	return NAN;
}

double
rk_severity_mean(rk_sev_family fam, double p1, double p2)
{
	switch (fam)
	{
		case RK_SEV_LOGNORMAL:
			return exp(p1 + 0.5 * p2 * p2);
		case RK_SEV_WEIBULL:
			return p2 * exp(lgamma(1.0 + 1.0 / p1));
		case RK_SEV_GAMMA:
			return p1 / p2;
		case RK_SEV_GPD:
			return p1 < 1 ? p2 / (1.0 - p1) : INFINITY;
	}
	return NAN;
}

static double
severity_draw(gsl_rng *rng, rk_sev_family fam, double p1, double p2)
{
	switch (fam)
	{
		case RK_SEV_LOGNORMAL:
			/* the ziggurat normal: several times faster than the polar method */
			return exp(p1 + p2 * gsl_ran_gaussian_ziggurat(rng, 1.0));
		case RK_SEV_WEIBULL:
			return gsl_ran_weibull(rng, p2, p1);
		case RK_SEV_GAMMA:
			return gsl_ran_gamma(rng, p1, 1.0 / p2);
		case RK_SEV_GPD:
			return rk_gpd_quantile(gsl_rng_uniform(rng), p1, p2);
	}
	return NAN;
}

/* ---- frequency ------------------------------------------------------ */

typedef struct nb_arg
{
	const double *c;
	int64_t		n;
	double		mu;
} nb_arg;

/* Score of the negative binomial size r at mu = mean (decreasing to 0+). */
static double
nb_score(double lr, void *p)
{
	nb_arg	   *a = (nb_arg *) p;
	double		r = exp(lr),
				s = 0;
	int64_t		i;

	for (i = 0; i < a->n; i++)
		s += gsl_sf_psi(a->c[i] + r);
	return s - (double) a->n * gsl_sf_psi(r) + (double) a->n * log(r / (r + a->mu));
}

rk_status
rk_frequency_fit(const double *c, int64_t n, rk_freq_family fam, rk_dist_fit *fit)
{
	double		mean = 0,
				var = 0,
				ll = 0;
	int64_t		i;

	fit->converged = 0;
	fit->p1 = fit->p2 = fit->loglik = NAN;
	if (n < 2)
		return RK_TOO_FEW;
	for (i = 0; i < n; i++)
	{
		if (!(c[i] >= 0) || c[i] != floor(c[i]) || !isfinite(c[i]))
			return RK_BADARG;
		mean += c[i];
	}
	mean /= (double) n;
	for (i = 0; i < n; i++)
		var += (c[i] - mean) * (c[i] - mean);
	var /= (double) n;			/* the ML condition uses divisor n */
	if (fam == RK_FREQ_POISSON)
	{
		fit->p1 = mean;
		for (i = 0; i < n; i++)
			ll += (mean > 0 ? c[i] * log(mean) : 0) - mean - lgamma(c[i] + 1);
		fit->loglik = ll;
		fit->converged = 1;
		return RK_OK;
	}
	/* negative binomial: no finite size unless the counts are overdispersed */
	if (!(mean > 0) || !(var > mean))
		return RK_OK;
	{
		nb_arg		a = {c, n, mean};
		double		lr = brent_root(nb_score, &a, log(1e-8), log(1e10));
		double		r;

		if (!isfinite(lr))
			return RK_OK;
		r = exp(lr);
		fit->p1 = r;
		fit->p2 = mean;
		for (i = 0; i < n; i++)
			ll += lgamma(c[i] + r) - lgamma(r) - lgamma(c[i] + 1)
				+ r * log(r / (r + mean)) + c[i] * log(mean / (r + mean));
		fit->loglik = ll;
		fit->converged = 1;
	}
	return RK_OK;
}

/* ---- compound loss distribution --------------------------------------- */

double
rk_frequency_mean(rk_freq_family fam, double p1, double p2)
{
	return fam == RK_FREQ_POISSON ? p1 : p2;
}

rk_status
rk_lda_simulate(rk_freq_family ff, double f1, double f2,
				  rk_sev_family sf, double s1, double s2,
				  int64_t years, uint64_t seed, double *annual)
{
	gsl_rng    *rng = gsl_rng_alloc(gsl_rng_taus2);	/* fast, maximally equidistributed */
	int64_t		y;
	double		nbp = 0;

	if (rng == NULL)
		return RK_NOSPACE;
	{
		/* taus2 keeps 32 bits of its seed and treats 0 as 1: mix all 64 */
		uint64_t	z = seed + 0x9E3779B97F4A7C15ULL;
		uint32_t	s32;

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		z ^= z >> 31;
		s32 = (uint32_t) (z ^ (z >> 32));
		gsl_rng_set(rng, s32 == 0 ? 0x6A09E667UL : (unsigned long) s32);
	}
	if (ff == RK_FREQ_NEGBIN)
		nbp = f1 / (f1 + f2);	/* success probability for size f1, mean f2 */
	for (y = 0; y < years; y++)
	{
		unsigned int k,
					j;
		double		s = 0;

		if ((y & 4095) == 4095 && rk_should_stop())
		{
			gsl_rng_free(rng);
			return RK_CANCELLED;
		}
		k = ff == RK_FREQ_POISSON ? gsl_ran_poisson(rng, f1)
			: gsl_ran_negative_binomial(rng, nbp, f1);
		for (j = 0; j < k; j++)
			s += severity_draw(rng, sf, s1, s2);
		annual[y] = s;
	}
	gsl_rng_free(rng);
	return RK_OK;
}

/* Smallest order statistic (0-based) rk_lda_measures reads at level p. */
static int64_t
lda_first_index(int64_t years, double p)
{
	int64_t		lo,
				hi,
				j;
	double		h;

	rk_q7_position(years, p, &lo, &hi, &h);
	j = (int64_t) floor((double) years * p - 1.959963984540054 * sqrt((double) years * p * (1 - p))) - 1;
	if (j < 0)
		j = 0;
	return j < lo ? j : lo;
}

rk_status
rk_lda_sort_tail(double *annual, int64_t years, const double *levels, int nlev)
{
	int64_t		first = years - 1;
	int			i;

	for (i = 0; i < nlev; i++)
	{
		int64_t		f = lda_first_index(years, levels[i]);

		if (f < first)
			first = f;
	}
	if (rk_select_kth(annual, years, first) == RK_CANCELLED)
		return RK_CANCELLED;
	qsort(annual + first, years - first, sizeof(double), rk_cmp_double);
	return RK_OK;
}

rk_status
rk_lda_measures(double *annual, int64_t years, double p, double *var,
				  double *es, double *se)
{
	int64_t		lo,
				hi,
				j,
				k,
				i,
				m = 0;
	double		h,
				half,
				s = 0;

	if (years < 2 || !(p > 0 && p < 1))
		return RK_BADARG;
	/* annual is sorted ascending from lda_first_index() on (rk_lda_sort_tail) */
	rk_q7_position(years, p, &lo, &hi, &h);
	*var = rk_q7_combine(annual[lo], annual[hi], h);
	for (i = lo; i < years; i++)
		if (annual[i] >= *var)
		{
			s += annual[i];
			m++;
		}
	*es = m > 0 ? s / (double) m : *var;
	/* distribution-free 95% interval of the quantile from order statistics */
	half = 1.959963984540054 * sqrt((double) years * p * (1 - p));
	j = (int64_t) floor((double) years * p - half);
	k = (int64_t) ceil((double) years * p + half);
	if (j < 1)
		j = 1;
	if (k > years)
		k = years;
	*se = (annual[k - 1] - annual[j - 1]) / (2 * 1.959963984540054);
	return RK_OK;
}

double
rk_sla_var(double lambda, rk_sev_family sf, double s1, double s2,
			 double p, int mean_correction)
{
	double		q = rk_severity_quantile(sf, s1, s2, 1.0 - (1.0 - p) / lambda);
	double		mu = rk_severity_mean(sf, s1, s2);

	/* the correction applies from one expected loss on (it is negative below) */
	if (mean_correction && isfinite(mu) && lambda > 1.0)
		q += (lambda - 1.0) * mu;
	return q;
}
