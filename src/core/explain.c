/*
 * explain.c
 *     Explainable and fair credit decisions: see explain.h.  Pure C, no
 *     PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

/* ---- reason codes ----------------------------------------------------- */

int
rk_scorecard_bin(int nbins, const int *kind, const double *lower, const double *upper,
				 int right_closed, double x)
{
	for (int i = 0; i < nbins; i++)
	{
		if (kind[i] != RK_BIN_INTERVAL)
			continue;
		if (right_closed)
		{
			if ((isnan(lower[i]) || x > lower[i]) && (isnan(upper[i]) || x <= upper[i]))
				return i;
		}
		else if ((isnan(lower[i]) || x >= lower[i]) && (isnan(upper[i]) || x < upper[i]))
			return i;
	}
	return -1;
}

int
rk_reason_rank(int k, const double *points, const double *baseline, const int *code,
			   int ncodes, int above, int max, rk_reason *out, double *work, int *iwork)
{
	int			n = 0;

	for (int c = 0; c < ncodes; c++)
	{
		work[c] = 0;
		iwork[c] = -1;
	}
	for (int j = 0; j < k; j++)
	{
		int			c = code[j];
		double		lost = above ? points[j] - baseline[j] : baseline[j] - points[j];

		if (c < 0 || c >= ncodes || !isfinite(lost))
			return -1;
		work[c] += lost;
		if (iwork[c] < 0 || lost > (above ? points[iwork[c]] - baseline[iwork[c]]
									: baseline[iwork[c]] - points[iwork[c]]))
			iwork[c] = j;
	}
	/* selection of the largest sums: max is small (a handful of reasons) */
	while (n < max)
	{
		int			best = -1;

		for (int c = 0; c < ncodes; c++)
			if (iwork[c] >= 0 && work[c] > 0 && (best < 0 || work[c] > work[best]))
				best = c;
		if (best < 0)
			break;
		out[n].code = best;
		out[n].top = iwork[best];
		out[n].lost = work[best];
		n++;
		iwork[best] = -1;		/* taken */
	}
	return n;
}

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */
