/*
 * test_explain.c
 *     Unit tests of core/explain.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/explain.h"

/* ---- reason codes ----------------------------------------------------- */

UNIT_TEST(test_scorecard_bin)
{
	int			kind[5] = {RK_BIN_MISSING, RK_BIN_INTERVAL, RK_BIN_INTERVAL, RK_BIN_CATEGORY, RK_BIN_INTERVAL};
	double		lo[5] = {NAN, NAN, 18, NAN, 29},
				hi[5] = {NAN, 18, 29, NAN, NAN};

	/* [lower, upper) */
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 17.99) == 1, "below 18: first interval", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 18) == 2, "18 opens [18, 29)", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 29) == 4, "29 opens [29, inf)", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 0, -1e300) == 1, "unbounded below", 0, 0);
	/* (lower, upper] */
	check(rk_scorecard_bin(5, kind, lo, hi, 1, 18) == 1, "18 closes (-inf, 18]", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 1, 29) == 2, "29 closes (18, 29]", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 1, 1e300) == 4, "unbounded above", 0, 0);
	/* the first bin that holds it, and none */
	hi[4] = 40;
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 41) == -1, "above every bin", 0, 0);
	check(rk_scorecard_bin(3, kind, lo, hi, 0, 30) == -1, "only the first three bins", 0, 0);
	lo[4] = 0;
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 10) == 1, "overlap: the first wins", 0, 0);
}

UNIT_TEST(test_reason_rank)
{
	/* the PMML sample: points 3, 0, 26 against 19, 18, 10 */
	double		p[5] = {3, 0, 26},
				b[5] = {19, 18, 10},
				work[5];
	int			code[5] = {0, 1, 2},
				iwork[5];
	rk_reason	r[5];
	int			n;

	n = rk_reason_rank(3, p, b, code, 3, 0, 4, r, work, iwork);
	check(n == 2 && r[0].code == 1 && r[0].lost == 18 && r[1].code == 0 && r[1].lost == 16,
		  "PMML sample: RC2 18, RC1 16, RC3 none", n, 2);
	n = rk_reason_rank(3, p, b, code, 3, 1, 4, r, work, iwork);
	check(n == 1 && r[0].code == 2 && r[0].lost == 16, "points above: RC3 16", n, 1);
	n = rk_reason_rank(3, p, b, code, 3, 0, 1, r, work, iwork);
	check(n == 1 && r[0].code == 1, "at most one", n, 1);
	/* a shared code sums; its characteristic is the one that lost most */
	{
		double		p2[4] = {10, 5, 0, 20},
					b2[4] = {20, 20, 10, 20};
		int			c2[4] = {0, 1, 1, 2};

		n = rk_reason_rank(4, p2, b2, c2, 3, 0, 4, r, work, iwork);
		check(n == 2 && r[0].code == 1 && r[0].lost == 25 && r[0].top == 1 && r[1].code == 0,
			  "shared code: 15 + 10", n, 2);
	}
	/* ties: by code number, whatever the order of the characteristics */
	{
		double		p3[3] = {0, 0, 0},
					b3[3] = {5, 5, 5};
		int			c3[3] = {2, 0, 1};

		n = rk_reason_rank(3, p3, b3, c3, 3, 0, 4, r, work, iwork);
		check(n == 3 && r[0].code == 0 && r[1].code == 1 && r[2].code == 2, "ties by code", n, 3);
	}
	/* a gain and a loss under one code cancel */
	{
		double		p4[2] = {0, 10},
					b4[2] = {5, 5};
		int			c4[2] = {0, 0};

		n = rk_reason_rank(2, p4, b4, c4, 1, 0, 4, r, work, iwork);
		check(n == 0, "5 lost, 5 gained: no reason", n, 0);
	}
	code[1] = 3;
	check(rk_reason_rank(3, p, b, code, 3, 0, 4, r, work, iwork) == -1, "a code out of range", 0, 0);
	code[1] = 1;
	p[0] = NAN;
	check(rk_reason_rank(3, p, b, code, 3, 0, 4, r, work, iwork) == -1, "NaN points", 0, 0);
}

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */
