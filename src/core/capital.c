/*
 * capital.c
 *     Basel credit capital and portfolio credit risk: see capital.h.  Pure
 *     C, no PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* ---- concentration ---------------------------------------------------- */

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */

/* true when a factor and an amount may enter a liquidity ratio */
static int
liq_ok(double factor, double amount)
{
	return isfinite(factor) && factor >= 0 && factor <= 1
		&& isfinite(amount) && amount >= 0;
}

/*
 * LCR (Annex 1 of BCBS 238, the 2013 text; LIQ30): the 15% cap on level 2B
 * and the 40% cap on level 2 as the two adjustments, then the 75% cap on
 * inflows.
 */
rk_status
rk_lcr(int n, const int *kind, const double *factor, const double *amount,
	   rk_lcr_result *out)
{
	double		l1 = 0,
				l2a = 0,
				l2b = 0,
				outf = 0,
				inf = 0;

	if (n < 0 || out == NULL || (n > 0 && (kind == NULL || factor == NULL || amount == NULL)))
		return RK_BADARG;
	for (int i = 0; i < n; i++)
	{
		double		a = amount[i],
					f = factor[i];

		if (!liq_ok(f, a))
			return RK_BADARG;
		switch (kind[i])
		{
			case RK_LIQ_LEVEL1:
				l1 += a * (1 - f);
				break;
			case RK_LIQ_LEVEL2A:
				l2a += a * (1 - f);
				break;
			case RK_LIQ_LEVEL2B:
				l2b += a * (1 - f);
				break;
			case RK_LIQ_OUTFLOW:
				outf += a * f;
				break;
			case RK_LIQ_INFLOW:
				inf += a * f;
				break;
			default:
				return RK_BADARG;
		}
	}
	out->level1 = l1;
	out->level2a = l2a;
	out->level2b = l2b;
	/* Adjustment for 15% cap = Max(Adjusted L2B - 15/85 x (Adjusted L1 + Adjusted L2A), Adjusted L2B - 15/60 x Adjusted L1, 0) */
	out->adj15 = fmax(fmax(l2b - 15.0 / 85.0 * (l1 + l2a), l2b - 15.0 / 60.0 * l1), 0.0);
	/* Adjustment for 40% cap = Max((Adjusted L2A + Adjusted L2B - Adjustment for 15% cap) - 2/3 x Adjusted L1, 0) */
	out->adj40 = fmax(l2a + l2b - out->adj15 - 2.0 / 3.0 * l1, 0.0);
	out->hqla = l1 + l2a + l2b - out->adj15 - out->adj40;
	out->outflows = outf;
	out->inflows = inf;
	out->inflows_capped = fmin(inf, 0.75 * outf);
	out->net_outflows = outf - out->inflows_capped;
	out->lcr = out->net_outflows > 0 ? out->hqla / out->net_outflows : NAN;
	if (!isfinite(l1) || !isfinite(l2a) || !isfinite(l2b) || !isfinite(outf) || !isfinite(inf)
		|| !isfinite(out->hqla) || (out->net_outflows > 0 && !isfinite(out->lcr)))
		return RK_OVERFLOW;
	return RK_OK;
}

/* NSFR (LIQ40): available over required stable funding. */
rk_status
rk_nsfr(int n, const int *kind, const double *factor, const double *amount,
		rk_nsfr_result *out)
{
	double		asf = 0,
				rsf = 0;

	if (n < 0 || out == NULL || (n > 0 && (kind == NULL || factor == NULL || amount == NULL)))
		return RK_BADARG;
	for (int i = 0; i < n; i++)
	{
		if (!liq_ok(factor[i], amount[i]))
			return RK_BADARG;
		if (kind[i] == RK_LIQ_ASF)
			asf += amount[i] * factor[i];
		else if (kind[i] == RK_LIQ_RSF)
			rsf += amount[i] * factor[i];
		else
			return RK_BADARG;
	}
	out->asf = asf;
	out->rsf = rsf;
	out->nsfr = rsf > 0 ? asf / rsf : NAN;
	if (!isfinite(asf) || !isfinite(rsf) || (rsf > 0 && !isfinite(out->nsfr)))
		return RK_OVERFLOW;
	return RK_OK;
}
