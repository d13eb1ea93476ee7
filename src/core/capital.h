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
