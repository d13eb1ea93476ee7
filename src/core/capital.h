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

/*
 * The Basel IRB risk-weight functions for one exposure (Basel II paras
 * 272-273, 328-330; Basel III CRE31).  Asset classes: corporate, sovereign
 * and bank (with the maturity adjustment; corporate with the SME firm-size
 * adjustment when sales is given), residential mortgage, qualifying
 * revolving retail (revolvers and transactors) and other retail.  Regimes:
 * Basel II (PD floor 0.03% except sovereigns, scaling 1.06) and Basel III
 * final (floors 0.05%, 0.10% for QRRE revolvers, none for sovereigns; no
 * scaling).
 */
typedef enum rk_irb_class
{
	RK_IRB_CORPORATE = 0,
	RK_IRB_SOVEREIGN,
	RK_IRB_BANK,
	RK_IRB_MORTGAGE,
	RK_IRB_QRRE,				/* qualifying revolving retail, revolvers */
	RK_IRB_QRRE_TRANSACTOR,	/* qualifying revolving retail, transactors */
	RK_IRB_OTHER_RETAIL,
	RK_IRB_NCLASSES
} rk_irb_class;

typedef enum rk_irb_regime
{
	RK_IRB_BASEL3 = 0,
	RK_IRB_BASEL2,
	RK_IRB_NREGIMES
} rk_irb_regime;

/* Parameters of a computation; rk_irb_params_init gives the regime's. */
typedef struct rk_irb_params
{
	rk_irb_regime regime;
	double		pd_floor[RK_IRB_NCLASSES];	/* PD floor by class */
	double		scaling;		/* 1.06 (Basel II) or 1 */
	double		elbe;			/* defaulted: best estimate of EL, NaN: = LGD */
} rk_irb_params;

typedef struct rk_irb_result
{
	double		pd;				/* after the floor */
	double		correlation;
	double		maturity_adjustment;	/* 1 where none applies */
	double		k;				/* capital requirement per unit of EAD */
	double		risk_weight;	/* 12.5 K x scaling (1 = 100%) */
	double		rwa;
	double		expected_loss;
	double		capital;		/* 8% of RWA */
} rk_irb_result;

extern void rk_irb_params_init(rk_irb_params *p, rk_irb_regime regime);

/*
 * Correlation of the class at pd (sales: annual sales in EUR million for
 * the SME adjustment of a corporate, NaN: none).
 */
extern double rk_irb_correlation(rk_irb_class c, double pd, double sales);

/* The maturity adjustment at pd and maturity m; NaN when 1 - 1.5 b <= 0. */
extern double rk_irb_maturity_adjustment(double pd, double m);

/*
 * IRB capital of one exposure.  BADARG for pd or lgd outside [0, 1] or
 * not finite, ead negative or not finite, maturity outside [1, 5], sales
 * negative or not finite (NaN means none), sales given for a class other
 * than corporate, elbe outside [0, 1]; NUMERIC when the floored pd is so
 * small (below about 2.9e-6, only without a floor) that the maturity
 * adjustment is undefined.  pd = 1 is a defaulted exposure: K = max(0,
 * lgd - elbe), EL = elbe x ead.
 */
extern rk_status rk_irb_capital(const rk_irb_params *p, rk_irb_class c,
								double pd, double lgd, double ead,
								double maturity, double sales,
								rk_irb_result *out);

/* ---- concentration ---------------------------------------------------- */

/*
 * Herfindahl-Hirschman index: sum of squared shares, from the compensated
 * sums of the amounts and of their squares (s = s[0] + s[1], q = q[0] +
 * q[1]): q / s^2.  EMPTY for a zero total.
 */
extern rk_status rk_hhi(double s, double q, double *out);

/*
 * The simplified granularity adjustment (Gordy and Luetkebohmert 2013):
 *   GA = 1 / (2 K*) sum s_i^2 t_i,  s_i = EAD_i / sum EAD,  K* = sum s_i K_i,
 *   t_i = delta C_i (K_i + R_i) + delta (K_i + R_i)^2 V_i / L_i^2
 *         - K_i (C_i + 2 (K_i + R_i) V_i / L_i^2),
 *   V_i = gamma L_i (1 - L_i), C_i = (L_i^2 + V_i) / L_i,  R_i = PD_i L_i,
 * with K_i the IRB capital requirement per unit of EAD.  The term t_i of
 * one exposure (0 for lgd = 0, where its limit is 0); the aggregate keeps
 * sum EAD, sum EAD K_i and sum EAD^2 t_i and divides at the end.
 */
extern double rk_ga_term(double k, double pd, double lgd, double delta, double gamma);
extern rk_status rk_ga_final(double sum_ead, double sum_ead_k, double sum_ead2_t,
							 double *out);

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

/*
 * The kinds of a liquidity category (risk.lcr_factor, risk.nsfr_factor):
 * high-quality liquid assets of level 1, 2A, 2B (factor = haircut), cash
 * outflows (factor = run-off rate) and inflows (factor = inflow rate) of
 * the LCR; available and required stable funding (factor = ASF / RSF
 * factor) of the NSFR.
 */
typedef enum rk_liq_kind
{
	RK_LIQ_LEVEL1 = 0,
	RK_LIQ_LEVEL2A,
	RK_LIQ_LEVEL2B,
	RK_LIQ_OUTFLOW,
	RK_LIQ_INFLOW,
	RK_LIQ_ASF,
	RK_LIQ_RSF,
	RK_LIQ_NKINDS
} rk_liq_kind;

/* The LCR of LIQ30 (Annex 1 of BCBS 238), adjusted = unadjusted amounts. */
typedef struct rk_lcr_result
{
	double		level1,			/* level 1 assets after haircuts */
				level2a,		/* level 2A after the 15% haircut */
				level2b,		/* level 2B after haircuts */
				adj15,			/* adjustment for the 15% cap on level 2B */
				adj40,			/* adjustment for the 40% cap on level 2 */
				hqla,			/* level1 + level2a + level2b - adj15 - adj40 */
				outflows,		/* sum of amount x run-off rate */
				inflows,		/* sum of amount x inflow rate */
				inflows_capped, /* min(inflows, 75% of outflows) */
				net_outflows,	/* outflows - inflows_capped */
				lcr;			/* hqla / net_outflows; NaN when that is 0 */
} rk_lcr_result;

/* The NSFR of LIQ40. */
typedef struct rk_nsfr_result
{
	double		asf,			/* available stable funding */
				rsf,			/* required stable funding */
				nsfr;			/* asf / rsf; NaN when rsf is 0 */
} rk_nsfr_result;

/*
 * The LCR of n positions (summed by category or not): kind[i] one of the
 * LCR kinds, factor[i] in [0, 1], amount[i] finite and >= 0; RK_BADARG
 * otherwise (an ASF/RSF kind included).  Sums in the order given.
 */
extern rk_status rk_lcr(int n, const int *kind, const double *factor,
						const double *amount, rk_lcr_result *out);

/* The NSFR of n positions: kinds RK_LIQ_ASF / RK_LIQ_RSF only, as rk_lcr. */
extern rk_status rk_nsfr(int n, const int *kind, const double *factor,
						 const double *amount, rk_nsfr_result *out);

#endif							/* RK_CAPITAL_H */
