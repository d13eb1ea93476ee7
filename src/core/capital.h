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

/* ---- liquidity -------------------------------------------------------- */

#endif							/* RK_CAPITAL_H */
