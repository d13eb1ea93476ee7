/*
 * test_scorecard.c
 *     Scorecards (scorecard.c): logistic regression and its parts, the
 *     points scaling.  Of the unit tests,
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

/* The points scaling, with PostgreSQL's overflow and underflow rules. */
UNIT_TEST(test_points)
{
	double		pts;

	check(rk_score_points(0.1, 600, 50, 20, &pts) == RK_OK, "score_points ok", 0, 0);
	check_close(pts, 600 + 20 / log(2.0) * (log(0.9 / 0.1) - log(50.0)), 1e-13, "score_points value");
	check(rk_characteristic_points(0.7, -0.4, -2.1, 5, 600, 50, 20, &pts) == RK_OK,
		  "characteristic_points ok", 0, 0);
	check_close(pts, (600 - 20 / log(2.0) * log(50.0)) / 5 - 20 / log(2.0) * (0.7 * -0.4 + -2.1 / 5),
				1e-13, "characteristic_points value");
	check(rk_score_points(0.1, 1e308, 50, 1e308, &pts) == RK_OVERFLOW,
		  "score_points overflow", pts, 0);
	check(rk_characteristic_points(1e308, 1e308, 0, 1, 600, 50, 20, &pts) == RK_OVERFLOW,
		  "characteristic_points overflow", pts, 0);
	check(rk_characteristic_points(1e-200, 1e-200, 0, 1, 0, 1, 20, &pts) == RK_UNDERFLOW,
		  "characteristic_points underflow", pts, 0);
	check(rk_score_points(0.5, INFINITY, 50, 20, &pts) == RK_OK && isinf(pts),
		  "an infinite operand is no overflow", pts, INFINITY);
}

/* What the faces of the fits return: probabilities, Newton systems, Wald statistics. */
UNIT_TEST(test_logit_parts)
{
	double		c[3] = {-1, 0.5, 2},
				x[2] = {2, -0.25},
				g0[2] = {1, 2},
				h0[4] = {4, 1, 1, 3},
				beta[2] = {0.3, 0.6},
				h[4],
				g[2],
				se[2],
				z[2],
				p[2];

	check_close(rk_logistic(0), 0.5, 0, "logistic(0)");
	check_close(rk_logistic(2), 1 / (1 + exp(-2.0)), 1e-15, "logistic(2)");
	check(rk_logistic(-800) == 0 && rk_logistic(800) == 1, "logistic saturates", rk_logistic(-800), 0);
	check_close(rk_logit_eta(c, 1, x, 2), -1 + 1 - 0.5, 1e-15, "eta with intercept");
	check_close(rk_logit_eta(c, 0, x, 2), -2 - 0.125, 1e-15, "eta without intercept");
	rk_logit_newton_system(g0, h0, 2, beta, 1, 1.0, h, g);
	check(h[0] == 4 && h[1] == 1 && h[2] == 1 && h[3] == 4 && g[0] == 1 && g[1] == 2 - 0.6,
		  "Newton system: the intercept unpenalized", h[3], 4);
	check(rk_logit_std_errors(h, 2, se) == -1, "std errors of an SPD matrix", 0, 0);
	check_close(se[0], sqrt(4.0 / 15), 1e-15, "std error 0");
	check_close(se[1], sqrt(4.0 / 15), 1e-15, "std error 1");
	{
		double		sing[4] = {1, 1, 1, 1};

		check(rk_logit_std_errors(sing, 2, se) == 1, "a singular matrix names its column", 0, 1);
	}
	se[0] = 0.5;
	se[1] = 2;
	beta[0] = 1;
	beta[1] = -1;
	rk_logit_wald(beta, se, 2, z, p);
	check_close(z[0], 2, 0, "z");
	check_close(p[0], 0.04550026389635839, 1e-14, "two-sided p-value of z = 2 (SciPy: 2 norm.sf(2))");
	check_close(p[1], 0.6170750774519738, 1e-14, "two-sided p-value of z = -0.5 (SciPy)");
}
