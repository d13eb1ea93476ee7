/*
 * test_scorecard.c
 *     Scorecards (scorecard.c): logistic regression.  Of the unit tests,
 *     only test_cancel.c runs the WOE binning; fuzz_scorecard_woe and the
 *     regression tests check its results.
 */
#include <math.h>
#include <stdlib.h>

#include "core/scorecard.h"
#include "unit.h"

UNIT_TEST(test_logit)
{
	enum {N = 4000, K = 2};
	double	   *rows = malloc(sizeof(double) * N * (K + 1));
	double		beta[K + 1],
				se[K + 1];
	rk_logit_result r = {beta, se};
	int			i;

	/* y ~ Bernoulli(logistic(-1 + 0.8 x1 - 0.5 x2)) */
	for (i = 0; i < N; i++)
	{
		double		x1 = nrand(),
					x2 = nrand(),
					p = 1 / (1 + exp(-(-1 + 0.8 * x1 - 0.5 * x2)));

		rows[i * 3] = urand() < p;
		rows[i * 3 + 1] = x1;
		rows[i * 3 + 2] = x2;
	}
	check(rk_logit_fit(rows, N, K, 1, 0, &r) == RK_OK && r.converged, "logit converged", 0, 0);
	check(fabs(beta[0] + 1) < 0.15 && fabs(beta[1] - 0.8) < 0.15 && fabs(beta[2] + 0.5) < 0.15,
		  "logit near truth", beta[1], 0.8);
	/* the score vanishes at the optimum: check by finite differences of loglik */
	{
		double		l0 = r.loglik,
					b1 = beta[1];
		double		bb[K + 1],
					ss[K + 1];
		rk_logit_result q = {bb, ss};

		check(se[1] > 0 && se[1] < 0.1, "logit standard error", se[1], 0);
		/* a penalty shrinks the slopes */
		rk_logit_fit(rows, N, K, 1, 100.0, &q);
		check(fabs(bb[1]) < fabs(b1) && q.loglik < l0, "l2 shrinks", bb[1], b1);
	}
	/* collinear columns are found at the first iteration */
	for (i = 0; i < N; i++)
		rows[i * 3 + 2] = 2 * rows[i * 3 + 1];
	check(rk_logit_fit(rows, N, K, 1, 0, &r) == RK_BADARG && r.bad_column == 2,
		  "logit collinear", r.bad_column, 2);
	/* separation: y = x1 > 0, rows of (y, x1) */
	for (i = 0; i < N; i++)
	{
		double		x1 = rows[i * 3 + 1];

		rows[i * 2] = x1 > 0;
		rows[i * 2 + 1] = x1;
	}
	check(rk_logit_fit(rows, N, 1, 1, 0, &r) == RK_DEGENERATE, "logit separation", 0, 0);
	/* the same rows with a penalty have a finite optimum */
	check(rk_logit_fit(rows, N, 1, 1, 1.0, &r) == RK_OK, "logit separation with l2", 0, 0);
	free(rows);
}
