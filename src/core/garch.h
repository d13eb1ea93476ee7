/*
 * garch.h
 *     GARCH(1,1) and conditional VaR/ES (garch.c).
 */
#ifndef RK_GARCH_H
#define RK_GARCH_H

#include "core.h"

typedef enum rk_garch_dist
{
	RK_GARCH_NORM = 0,
	RK_GARCH_STD = 1			/* unit-variance Student t, nu > 2 */
} rk_garch_dist;

typedef struct rk_garch_fit
{
	double		mu;
	double		omega;
	double		alpha;
	double		beta;
	double		nu;				/* NaN for normal innovations; infinite when
								 * the t fit is its normal limit */
	double		se[5];			/* mu, omega, alpha, beta, nu; NaN if unknown */
	double		loglik;
	double		sigma_forecast; /* conditional sd of the next period */
	int			converged;
} rk_garch_fit;

/*
 * Maximum likelihood GARCH(1,1) with constant mean of returns r[0..n-1] in
 * time order (n >= 10).  work: n doubles; on return it holds the
 * standardized residuals z_t / sqrt(h_t).
 */
rk_status rk_garch_fit_mle(const double *r, int64_t n, rk_garch_dist dist,
							   double *work, rk_garch_fit *fit);

typedef enum rk_cond_method
{
	RK_COND_GARCH,			/* normal quantile on the forecast sd */
	RK_COND_FHS,				/* empirical quantile of the residuals */
	RK_COND_EVT				/* GPD on the largest 10% residual losses */
} rk_cond_method;

/*
 * Conditional VaR and ES (positive losses) at tail probability alpha from a
 * normal GARCH fit and its standardized residuals e[0..n-1] (reordered).
 * EVT needs n >= 30 (10% of them, at least 3, above the threshold); it
 * returns RK_NOTFOUND when the residual tail has no ML fit, and ES =
 * +inf when the fitted tail has xi >= 1.
 */
rk_status rk_conditional_var_es(const rk_garch_fit *fit, double *e,
									int64_t n, double alpha,
									rk_cond_method method,
									double *var, double *es);

#endif							/* RK_GARCH_H */
