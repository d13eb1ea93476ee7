/*
 * evt.h
 *     Extreme value theory (evt.c).
 */
#ifndef RK_EVT_H
#define RK_EVT_H

#include "core.h"

/* GPD of the excess y over the threshold: shape xi, scale beta > 0. */
rk_status rk_gpd_check(double xi, double beta);
double		rk_gpd_cdf(double y, double xi, double beta);
double		rk_gpd_pdf(double y, double xi, double beta);
double		rk_gpd_quantile(double p, double xi, double beta);

/* GEV: shape xi, location mu, scale sigma > 0. */
double		rk_gev_cdf(double x, double xi, double mu, double sigma);
double		rk_gev_pdf(double x, double xi, double mu, double sigma);
double		rk_gev_quantile(double p, double xi, double mu, double sigma);

typedef struct rk_gpd_fit
{
	double		xi;
	double		beta;
	double		se_xi;			/* NaN when not available */
	double		se_beta;
	double		loglik;
	int			converged;
} rk_gpd_fit;

/* Log-likelihood of excesses y[0..k-1] (all > 0); -inf off the support. */
double		rk_gpd_loglik(const double *y, int64_t k, double xi, double beta);

/*
 * Maximum likelihood (profile in xi/beta, then Newton).  Needs k >= 3
 * positive excesses.  No interior maximum (xi <= -1): converged = 0 and the
 * estimates NaN.  Standard errors from the observed information, for xi > -1/2.
 */
rk_status rk_gpd_fit_mle(const double *y, int64_t k, rk_gpd_fit *fit);

/* Probability-weighted moments (Hosking & Wallis 1987); sorts y. */
rk_status rk_gpd_fit_pwm(double *y, int64_t k, rk_gpd_fit *fit);

/* Standard errors from the inverse observed information at (xi, beta). */
void		rk_gpd_stderr(const double *y, int64_t k, rk_gpd_fit *fit);

/* POT VaR and ES at level p of n losses, k of them above the threshold u. */
rk_status rk_gpd_var_es(const rk_gpd_fit *fit, double u, int64_t n,
							int64_t k, double p, double *var, double *es);

/* Hill's estimator from the k largest of x[0..n-1] (reorders x). */
rk_status rk_hill(double *x, int64_t n, int64_t k, double *xi,
					  double *threshold);

/* The asymptotic standard error of Hill's estimate xi from the k largest: xi / sqrt(k). */
double		rk_hill_se(double xi, int64_t k);

typedef struct rk_gev_fit
{
	double		xi;
	double		mu;
	double		sigma;
	double		se_xi;			/* NaN when the information is not PD */
	double		se_mu;
	double		se_sigma;
	double		loglik;
	int			converged;
} rk_gev_fit;

/*
 * GEV maximum likelihood on block maxima x[0..n-1] (n >= 5), work an array
 * of n doubles: Nelder-Mead on standardized data, Newton polish, standard
 * errors from a finite-difference observed information.
 */
rk_status rk_gev_fit_mle(const double *x, int64_t n, double *work,
							 rk_gev_fit *fit);

#endif							/* RK_EVT_H */
