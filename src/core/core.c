/*
 * core.c
 *     What the whole core shares (core.h): the cancellation hook, and the
 *     normal and chi-squared functions that several areas use.
 *
 * GSL supplies the special functions; its error handler is switched off by
 * the caller, so every status is checked here.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "core.h"

int			(*rk_stop_hook) (void) = NULL;

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
