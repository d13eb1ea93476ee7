/*
 * explain.h
 *     Explainable and fair credit decisions: reason codes of a scorecard,
 *     exact Shapley values of logistic and neural-network PD models, and
 *     fairness metrics by group.  Pure C, no PostgreSQL header.
 */
#ifndef RK_EXPLAIN_H
#define RK_EXPLAIN_H

#include "core.h"

/* ---- reason codes ----------------------------------------------------- */

/*
 * The bin of a number x among nbins bins of a characteristic, tried in
 * order: bin i holds x when kind[i] is RK_BIN_INTERVAL and x lies in
 * [lower[i], upper[i]) (or (lower[i], upper[i]] when right_closed), a NaN
 * bound being unbounded.  The first bin that holds x, or -1.
 */
typedef enum rk_bin_kind
{
	RK_BIN_INTERVAL = 0,
	RK_BIN_CATEGORY,
	RK_BIN_MISSING
} rk_bin_kind;

int			rk_scorecard_bin(int nbins, const int *kind, const double *lower,
							 const double *upper, int right_closed, double x);

/* A reason: a reason code, the characteristic that lost most under it, the points lost. */
typedef struct rk_reason
{
	int			code;			/* index of the code */
	int			top;			/* index of the characteristic */
	double		lost;			/* summed over the code's characteristics */
} rk_reason;

/*
 * The reasons for a score of k characteristics: characteristic j has
 * points[j], baseline[j] and reason code code[j] (0 .. ncodes - 1, the
 * codes numbered in the order of their first characteristic).  Points lost
 * by j: baseline - points, or points - baseline when above; summed per
 * code.  Into out: the codes whose sum is above 0, the largest first,
 * equal sums by code number, at most max; each with the characteristic
 * whose loss is largest under the code (the first on a tie).  work needs
 * ncodes doubles and iwork ncodes ints.  Returns the number of reasons, or
 * -1 for a code out of range or a value that is not finite.
 */
int			rk_reason_rank(int k, const double *points, const double *baseline,
						   const int *code, int ncodes, int above, int max,
						   rk_reason *out, double *work, int *iwork);

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */

#endif							/* RK_EXPLAIN_H */
