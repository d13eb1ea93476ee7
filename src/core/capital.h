/*
 * capital.h
 *     Basel credit capital and portfolio credit risk (capital.c): expected
 *     loss and the IRB risk-weight functions per exposure; concentration
 *     (Herfindahl-Hirschman index, granularity adjustment); the portfolio
 *     credit loss distribution by simulation of a one- or multi-factor
 *     Gaussian copula (VaR, ES, Euler contributions, importance sampling)
 *     and by CreditRisk+ (Panjer recursion); the liquidity coverage and
 *     net stable funding ratios.
 */
#ifndef RK_CAPITAL_H
#define RK_CAPITAL_H

#include "core.h"

/* ---- IRB capital ------------------------------------------------------ */

/* ---- concentration ---------------------------------------------------- */

/* ---- portfolio credit VaR --------------------------------------------- */

/*
 * Options of the simulated loss distribution of a loan book (one-factor
 * Gaussian copula): scenarios (at least RK_CSIM_MIN_SCENARIOS, at most
 * RK_CSIM_MAX_SCENARIOS), the seed of the generator, the confidence level
 * of VaR and ES, the mean of the systematic factor under the sampling
 * measure (0: plain sampling; negative: more defaults) and the number of
 * batches for the standard errors (batch means).
 */
#define RK_CSIM_MIN_SCENARIOS 1000
#define RK_CSIM_MAX_SCENARIOS 20000000
#define RK_CSIM_BATCHES 20

typedef struct rk_csim_opts
{
	long		scenarios;
	unsigned long seed;
	double		level;
	double		shift;
	double		lgd_sd;			/* 0: LGD fixed; else beta, mean lgd, this sd */
} rk_csim_opts;

typedef struct rk_csim_result
{
	double		expected_loss;	/* analytic: sum PD x LGD x EAD */
	double		mean_loss;		/* simulated (weighted) mean */
	double		mean_loss_se;
	double		var;
	double		var_se;			/* batch means */
	double		es;				/* weighted mean loss at or beyond var */
	double		es_se;			/* batch means */
	long		groups;			/* distinct (pd, lgd, ead, rho) */
	long		tail_scenarios; /* scenarios at or beyond var */
} rk_csim_result;

/*
 * With lgd_sd > 0 the loss given default of each defaulted loan is drawn
 * from the beta distribution of mean lgd and standard deviation lgd_sd:
 * a = lgd c, b = (1 - lgd) c, c = lgd (1 - lgd) / lgd_sd^2 - 1, which
 * needs lgd_sd^2 < lgd (1 - lgd) (RK_BADARG otherwise, see
 * rk_csim_beta_ok).
 */
extern int	rk_csim_beta_ok(double lgd, double sd);

/* The automatic factor shift of a level: N^-1(1 - level) (negative). */
extern double rk_csim_auto_shift(double level);

/*
 * Simulate the loss of loans 0..n-1 (pd in [0,1], lgd in [0,1], ead >= 0,
 * rho in [0,1)): loan i defaults when sqrt(rho) Z + sqrt(1-rho) e_i <
 * N^-1(pd).  Loans with equal (pd, lgd, ead, rho) form a group whose
 * number of defaults given Z is drawn as one binomial; the groups are
 * taken in sorted order, so the answer does not depend on the order of the
 * loans.  contrib (n values, or NULL): each loan's ES (Euler) contribution,
 * its mean loss in the scenarios at or beyond VaR (weighted); they add up
 * to es.  Allocates and frees its own memory; RK_CANCELLED when stopped.
 */
extern rk_status rk_csim(const double *pd, const double *lgd, const double *ead,
						 const double *rho, size_t n, const rk_csim_opts *o,
						 rk_csim_result *r, double *contrib);

/*
 * The multi-factor model: loan i belongs to sector[i] in 0..k-1 and has
 * the loading loading[i] in [0, 1): it defaults when loading Y_s +
 * sqrt(1 - loading^2) e_i < N^-1(pd), the sector factors Y standard
 * normals with correlation matrix corr (k x k, row-major; symmetric, unit
 * diagonal), drawn as Y = L X from independent normals X, L the Cholesky
 * factor.  The shift moves every sector factor's mean to o->shift (X gets
 * the mean nu with L nu = shift (1, ..., 1); weight exp(-nu.X +
 * |nu|^2 / 2)).  RK_DEGENERATE: corr is not positive definite; RK_BADARG:
 * not a correlation matrix, or a sector out of range.  With k = 1 and
 * loading sqrt(rho), the one-factor model (rk_csim draws the same
 * scenarios).
 */
#define RK_CSIM_MAX_SECTORS 100

extern rk_status rk_csim_multi(const double *pd, const double *lgd, const double *ead,
							   const double *loading, const int *sector, int k,
							   const double *corr, size_t n, const rk_csim_opts *o,
							   rk_csim_result *r, double *contrib);

/* chol (k x k) = the lower Cholesky factor of corr; statuses as above. */
extern rk_status rk_csim_cholesky(int k, const double *corr, double *chol);

/*
 * Weighted VaR and ES of losses loss[0..m-1] with likelihood-ratio weights
 * w (NULL: 1): VaR the smallest loss x with sum(w over losses > x) / m <=
 * 1 - level (within a relative 1e-12, so that k / m = 1 - level counts),
 * ES the w-weighted mean of the losses >= VaR.  Sorts a copy.
 */
extern rk_status rk_weighted_var_es(const double *loss, const double *w, size_t m,
									double level, double *var, double *es);

/*
 * CreditRisk+ with one sector: loan i has intensity pd[i] and loss band
 * round(lgd[i] x ead[i] / unit) (0: no loss); the sector's gamma factor has
 * mean 1 and variance sigma2 (0: Poisson).  The loss distribution by
 * Panjer's recursion up to the VaR at level; ES from the exact mean.
 * RK_NOSPACE when the VaR is beyond max_bands units.
 */
#define RK_CRP_MAX_BANDS 200000

typedef struct rk_crp_result
{
	double		expected_loss;	/* unit x sum pd x band */
	double		var;
	double		es;
	double		prob_zero;		/* P(L = 0) */
	long		var_bands;		/* VaR / unit */
} rk_crp_result;

extern rk_status rk_creditriskplus(const double *pd, const double *lgd, const double *ead,
								   size_t n, double unit, double sigma2, double level,
								   rk_crp_result *r, double *dist, size_t ndist);

/* ---- liquidity -------------------------------------------------------- */

#endif							/* RK_CAPITAL_H */
