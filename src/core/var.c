/*
 * var.c
 *     Parametric VaR/ES (Gaussian, Cornish-Fisher, EWMA) and the backtests
 *     (Kupiec, Christoffersen, Basel traffic light).
 *
 * Definitions follow PerformanceAnalytics for the Gaussian and modified
 * measures (moments with 1/n; "operational" modified ES, floored at the
 * modified VaR), RiskMetrics (1996) for EWMA, Kupiec (1995), Christoffersen
 * (1998) and the Basel Committee (1996) supervisory framework for
 * backtesting.  GSL supplies the special functions; its error handler is
 * switched off by the caller, so every status is checked here.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "risk_core.h"

double
rk_qnorm(double p)
{
	return gsl_cdf_ugaussian_Pinv(p);
}

double
rk_dnorm(double x)
{
	return gsl_ran_ugaussian_pdf(x);
}

/* P(X > x) for chi-squared with df degrees of freedom. */
double
rk_pchisq_upper(double x, double df)
{
	gsl_sf_result r;

	if (x <= 0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	/* Q(df/2, x/2) is the regularized upper incomplete gamma function */
	if (gsl_sf_gamma_inc_Q_e(df / 2.0, x / 2.0, &r) != GSL_SUCCESS)
		return NAN;
	return r.val;
}

/* P(X <= x) for Binomial(n, prob), summed exactly in log space. */
double
rk_pbinom(int64_t x, int64_t n, double prob)
{
	gsl_sf_result r;

	if (x < 0)
		return 0.0;
	if (x >= n)
		return 1.0;
	/* P(X <= x) = I_{1-prob}(n - x, x + 1), the regularized incomplete beta */
	if (gsl_sf_beta_inc_e((double) (n - x), (double) (x + 1), 1.0 - prob,
						  &r) != GSL_SUCCESS)
		return NAN;
	return r.val;
}

static rk_status
check_moments(const rk_moments *m, double alpha, double nmin)
{
	if (m->n == 0)
		return RK_EMPTY;		/* before alpha: an empty group never saw p */
	if (!(alpha > 0 && alpha < 1))
		return RK_BADARG;
	if (m->n < nmin)
		return RK_TOO_FEW;
	return RK_OK;
}

rk_status
rk_var_gaussian(const rk_moments *m, double alpha, double *var)
{
	rk_status st = check_moments(m, alpha, 2);

	if (st != RK_OK)
		return st;
	*var = -m->mean - rk_qnorm(alpha) * sqrt(m->m2 / m->n);
	return RK_OK;
}

rk_status
rk_es_gaussian(const rk_moments *m, double alpha, double *es)
{
	rk_status st = check_moments(m, alpha, 2);

	if (st != RK_OK)
		return st;
	*es = -m->mean + sqrt(m->m2 / m->n) * rk_dnorm(rk_qnorm(alpha)) / alpha;
	return RK_OK;
}

/* Skewness and excess kurtosis with 1/n moments, and the CF quantile h. */
static rk_status
cornish_fisher(const rk_moments *m, double alpha, double *h,
			   double *skew, double *exkurt, double *sigma)
{
	rk_status st = check_moments(m, alpha, 3);
	double		c2,
				z;

	if (st != RK_OK)
		return st;
	c2 = m->m2 / m->n;
	if (!(c2 > 0))
		return RK_DEGENERATE;
	*skew = (m->m3 / m->n) / pow(c2, 1.5);
	*exkurt = (m->m4 / m->n) / (c2 * c2) - 3.0;
	*sigma = sqrt(c2);
	z = rk_qnorm(alpha);
	*h = z + (1.0 / 6.0) * (z * z - 1.0) * *skew
		+ (1.0 / 24.0) * (z * z * z - 3.0 * z) * *exkurt
		- (1.0 / 36.0) * (2.0 * z * z * z - 5.0 * z) * *skew * *skew;
	return RK_OK;
}

rk_status
rk_var_modified(const rk_moments *m, double alpha, double *var)
{
	double		h,
				skew,
				exkurt,
				sigma;
	rk_status st = cornish_fisher(m, alpha, &h, &skew, &exkurt, &sigma);

	if (st != RK_OK)
		return st;
	*var = -m->mean - h * sigma;
	return RK_OK;
}

rk_status
rk_es_modified(const rk_moments *m, double alpha, double *es)
{
	double		h,
				skew,
				exkurt,
				sigma,
				h2,
				mes,
				tail;
	rk_status st = cornish_fisher(m, alpha, &h, &skew, &exkurt, &sigma);

	if (st != RK_OK)
		return st;
	h2 = h * h;
	/* expected value below h of the Edgeworth-expanded density (Boudt et al.) */
	mes = rk_dnorm(h) * (1.0 + h2 * h * skew / 6.0
						   + (h2 * h2 * h2 - 9.0 * h2 * h2 + 9.0 * h2 + 3.0) * skew * skew / 72.0
						   + (h2 * h2 - 2.0 * h2 - 1.0) * exkurt / 24.0);
	tail = -mes / alpha;
	/* never below the modified VaR: min(tail, h) in standardized units */
	*es = -m->mean - sigma * (tail < h ? tail : h);
	return RK_OK;
}

rk_status
rk_moments_stats(const rk_moments *m, double *sd, double *skew,
				   double *exkurt)
{
	double		c2;

	if (m->n == 0)
		return RK_EMPTY;
	if (m->n < 2)
		return RK_TOO_FEW;
	*sd = sqrt(m->m2 / (m->n - 1));
	c2 = m->m2 / m->n;
	if (!(c2 > 0))
		return RK_DEGENERATE;
	*skew = (m->m3 / m->n) / pow(c2, 1.5);
	*exkurt = (m->m4 / m->n) / (c2 * c2) - 3.0;
	return RK_OK;
}

void
rk_ewma_add(rk_ewma *e, double lambda, double r)
{
	e->s = lambda * e->s + r * r;
	e->w = lambda * e->w + 1.0;
	e->n++;
}

/*
 * Take out the oldest return, whose weight is lambda^(n-1).  Any rounding
 * left behind is multiplied by lambda at every later step, so it dies out.
 */
void
rk_ewma_remove_oldest(rk_ewma *e, double lambda, double r)
{
	double		wt;

	if (e->n <= 1)
	{
		e->n = 0;
		e->s = 0;
		e->w = 0;
		return;
	}
	wt = pow(lambda, (double) (e->n - 1));
	e->s -= wt * r * r;
	e->w -= wt;
	e->n--;
	if (e->s < 0)
		e->s = 0;
}

rk_status
rk_ewma_sigma(const rk_ewma *e, double *sigma)
{
	if (e->n == 0)
		return RK_EMPTY;
	*sigma = sqrt(e->s / e->w);
	return RK_OK;
}

rk_status
rk_ewma_var_es(const rk_ewma *e, double alpha, double *var, double *es)
{
	double		sigma,
				z;
	rk_status rc = rk_ewma_sigma(e, &sigma);

	if (rc != RK_OK)
		return rc;
	z = rk_qnorm(alpha);
	if (var)
		*var = -z * sigma;
	if (es)
		*es = sigma * rk_dnorm(z) / alpha;
	return RK_OK;
}

double
rk_xlogy(double x, double y)
{
	return x == 0 ? 0.0 : x * log(y);
}

rk_status
rk_kupiec_lr(int64_t n, int64_t x, double alpha, double *lr)
{
	double		dn = (double) n,
				dx = (double) x,
				phat;

	if (n <= 0 || x < 0 || x > n || !(alpha > 0 && alpha < 1))
		return RK_BADARG;
	phat = dx / dn;
	*lr = -2.0 * (rk_xlogy(dn - dx, 1.0 - alpha) + rk_xlogy(dx, alpha))
		+ 2.0 * (rk_xlogy(dn - dx, 1.0 - phat) + rk_xlogy(dx, phat));
	if (*lr <= 0)
		*lr = 0;				/* rounding when phat == alpha; no -0 */
	return RK_OK;
}

double
rk_christoffersen_lr_ind(int64_t n00, int64_t n01, int64_t n10, int64_t n11)
{
	double		a = (double) n00,
				b = (double) n01,
				c = (double) n10,
				d = (double) n11;
	double		pi01 = (a + b) > 0 ? b / (a + b) : 0.0;
	double		pi11 = (c + d) > 0 ? d / (c + d) : 0.0;
	double		tot = a + b + c + d;
	double		pi = tot > 0 ? (b + d) / tot : 0.0;
	double		l0,
				l1,
				lr;

	l0 = rk_xlogy(a + c, 1.0 - pi) + rk_xlogy(b + d, pi);
	l1 = rk_xlogy(a, 1.0 - pi01) + rk_xlogy(b, pi01)
		+ rk_xlogy(c, 1.0 - pi11) + rk_xlogy(d, pi11);
	lr = -2.0 * (l0 - l1);
	return lr <= 0 ? 0.0 : lr;	/* rounding, and no -0 */
}

rk_status
rk_basel_zone(int64_t x, int64_t n, double alpha, rk_zone *zone,
				   double *cumprob, double *plus, int *plus_defined)
{
	static const double basel_yellow[5] = {0.40, 0.50, 0.65, 0.75, 0.85};
	double		cp;

	if (n <= 0 || x < 0 || x > n || !(alpha > 0 && alpha < 1))
		return RK_BADARG;
	cp = rk_pbinom(x, n, alpha);
	if (isnan(cp))
		return RK_NUMERIC;
	*cumprob = cp;
	*zone = cp < 0.95 ? RK_ZONE_GREEN :
		(cp < 0.9999 ? RK_ZONE_YELLOW : RK_ZONE_RED);
	*plus_defined = 0;
	*plus = 0;
	if (n == 250 && fabs(alpha - 0.01) < 1e-12)
	{
		*plus_defined = 1;
		if (*zone == RK_ZONE_YELLOW)
		{
			if (x < 5 || x > 9)
				return RK_NUMERIC;	/* the binomial says 5..9: can't happen */
			*plus = basel_yellow[x - 5];
		}
		else if (*zone == RK_ZONE_RED)
			*plus = 1.0;
	}
	return RK_OK;
}
