/*
 * test_capital.c
 *     Unit tests of core/capital.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* ---- concentration ---------------------------------------------------- */

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */

/* both caps and the inflow cap binding, by hand: HQLA = level 1 / 0.6 */
UNIT_TEST(test_lcr_caps_binding)
{
	int			kind[] = {RK_LIQ_LEVEL1, RK_LIQ_LEVEL2A, RK_LIQ_LEVEL2B, RK_LIQ_OUTFLOW, RK_LIQ_INFLOW};
	double		factor[] = {0, 0.15, 0.5, 0.5, 1},
				amount[] = {100, 100, 100, 200, 100};
	rk_lcr_result r;

	check(rk_lcr(5, kind, factor, amount, &r) == RK_OK, "lcr status", 0, 0);
	check_close(r.level2a, 85, 1e-15, "level 2A after haircut");
	check_close(r.adj15, 25, 1e-15, "15% cap: 50 - 100 x 15/60");
	check_close(r.adj40, 110 - 200.0 / 3, 1e-15, "40% cap: 85 + 50 - 25 - 2/3 x 100");
	check_close(r.hqla, 500.0 / 3, 1e-15, "HQLA = 100 / 0.6");
	check_close(r.inflows_capped, 75, 1e-15, "inflows capped at 75% of 100");
	check_close(r.net_outflows, 25, 1e-15, "net cash outflows");
	check_close(r.lcr, 20.0 / 3, 1e-15, "LCR");
}

/* no cap binding: the ratio is the plain sums */
UNIT_TEST(test_lcr_no_cap)
{
	int			kind[] = {RK_LIQ_LEVEL1, RK_LIQ_LEVEL2A, RK_LIQ_LEVEL2B, RK_LIQ_OUTFLOW, RK_LIQ_INFLOW};
	double		factor[] = {0, 0.15, 0.25, 0.1, 0.5},
				amount[] = {1000, 200, 40, 3000, 100};
	rk_lcr_result r;

	check(rk_lcr(5, kind, factor, amount, &r) == RK_OK, "lcr status", 0, 0);
	check(r.adj15 == 0 && r.adj40 == 0, "no cap adjustment", r.adj15, 0);
	check_close(r.hqla, 1000 + 170 + 30, 1e-15, "HQLA");
	check_close(r.net_outflows, 300 - 50, 1e-15, "net cash outflows");
	check_close(r.lcr, 1200.0 / 250, 1e-15, "LCR");
}

UNIT_TEST(test_liquidity_bad_input)
{
	int			kind[] = {RK_LIQ_LEVEL1, RK_LIQ_ASF},
				nk[] = {RK_LIQ_ASF, RK_LIQ_RSF};
	double		factor[] = {0, 1},
				amount[] = {1, 1},
				bad[] = {1, -1};
	rk_lcr_result r;
	rk_nsfr_result s;

	check(rk_lcr(2, kind, factor, amount, &r) == RK_BADARG, "an ASF kind in the LCR", 0, 0);
	check(rk_lcr(2, nk, factor, bad, &r) == RK_BADARG, "a negative amount", 0, 0);
	check(rk_nsfr(2, kind, factor, amount, &s) == RK_BADARG, "an HQLA kind in the NSFR", 0, 0);
	amount[1] = NAN;
	check(rk_nsfr(2, nk, factor, amount, &s) == RK_BADARG, "a NaN amount", 0, 0);
	amount[1] = 1;
	factor[1] = 1.5;
	check(rk_nsfr(2, nk, factor, amount, &s) == RK_BADARG, "a factor above 1", 0, 0);
	factor[0] = 0.9;
	factor[1] = 0.5;
	amount[0] = 300;
	amount[1] = 200;
	check(rk_nsfr(2, nk, factor, amount, &s) == RK_OK, "nsfr status", 0, 0);
	check_close(s.nsfr, 270.0 / 100, 1e-15, "NSFR");
	check(rk_lcr(0, NULL, NULL, NULL, &r) == RK_OK && isnan(r.lcr), "no outflow: LCR NaN", 0, 0);
	{
		int			k2[] = {RK_LIQ_INFLOW, RK_LIQ_INFLOW};
		double		f2[] = {1, 1},
					huge[] = {1.5e308, 1.5e308};

		check(rk_lcr(2, k2, f2, huge, &r) == RK_OVERFLOW, "inflows beyond the doubles", 0, 0);
	}
}
