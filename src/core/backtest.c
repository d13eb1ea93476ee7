/*
 * backtest.c
 *     Backtests of VaR: Kupiec's proportion of failures, Christoffersen's
 *     independence test and the Basel traffic light.
 *
 * Definitions follow Kupiec (1995), Christoffersen (1998) and the Basel
 * Committee (1996) supervisory framework for backtesting.  GSL supplies the
 * binomial tail; its error handler is switched off by the caller, so every
 * status is checked here.
 */
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "backtest.h"

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
