/*
 * oprisk.h
 *     Operational risk, loss distribution approach (oprisk.c).
 */
#ifndef RK_OPRISK_H
#define RK_OPRISK_H

#include "core.h"

typedef enum rk_sev_family
{
	RK_SEV_LOGNORMAL,			/* meanlog, sdlog */
	RK_SEV_WEIBULL,			/* shape, scale */
	RK_SEV_GAMMA,				/* shape, rate */
	RK_SEV_GPD				/* xi, beta (threshold 0) */
} rk_sev_family;

typedef enum rk_freq_family
{
	RK_FREQ_POISSON,			/* lambda */
	RK_FREQ_NEGBIN			/* size, mu */
} rk_freq_family;

typedef struct rk_dist_fit
{
	double		p1;
	double		p2;				/* NaN for one-parameter families */
	double		loglik;
	int			converged;
} rk_dist_fit;

/* ML severity fit of losses x[0..n-1] (all > 0, n >= 2). */
rk_status rk_severity_fit(double *x, int64_t n, rk_sev_family fam,
							  rk_dist_fit *fit);
rk_status rk_severity_check(rk_sev_family fam, double p1, double p2);
double		rk_severity_pdf(rk_sev_family fam, double p1, double p2, double x);
double		rk_severity_cdf(rk_sev_family fam, double p1, double p2, double x);
double		rk_severity_quantile(rk_sev_family fam, double p1, double p2, double p);
double		rk_severity_mean(rk_sev_family fam, double p1, double p2);

/*
 * ML frequency fit of counts c[0..n-1] (non-negative integers, n >= 2).  The
 * negative binomial has no finite size unless the counts are overdispersed:
 * then converged = 0 and the parameters NaN.
 */
rk_status rk_frequency_fit(const double *c, int64_t n, rk_freq_family fam,
							   rk_dist_fit *fit);
double		rk_frequency_mean(rk_freq_family fam, double p1, double p2);

/* Simulated annual losses annual[0..years-1] (GSL taus2, seeded from seed). */
rk_status rk_lda_simulate(rk_freq_family ff, double f1, double f2,
							  rk_sev_family sf, double s1, double s2,
							  int64_t years, uint64_t seed, double *annual);

/* Order annual losses enough for rk_lda_measures at these levels: the
 * upper tail sorted, the rest below it (selection, O(years)). */
rk_status rk_lda_sort_tail(double *annual, int64_t years, const double *levels,
							   int nlev);

/*
 * From annual losses ordered by rk_lda_sort_tail (or fully sorted): the
 * type-7 quantile at p, the mean of
 * the losses at or above it, and the standard error of the quantile from the
 * 95% order-statistic interval (Hahn & Meeker) divided by 2 x 1.96.
 */
rk_status rk_lda_measures(double *annual, int64_t years, double p,
							  double *var, double *es, double *se);

/*
 * Single-loss approximation (Bocker & Kluppelberg): F^-1(1 - (1-p)/lambda),
 * plus (lambda - 1) E[X] with the mean correction of Bocker & Sprittulla
 * when mean_correction, E[X] is finite and lambda > 1.
 */
double		rk_sla_var(double lambda, rk_sev_family sf, double s1, double s2,
						 double p, int mean_correction);

#endif							/* RK_OPRISK_H */
