/*
 * test_backtest.c
 *     Backtests (backtest.c): Kupiec, Christoffersen, Basel zones, and the
 *     chi-squared tail of their p-values (core.c).
 */
#include <math.h>

#include "core/backtest.h"
#include "unit.h"

UNIT_TEST(test_backtests)
{
	double		lr,
				cp,
				plus;
	rk_zone	zone;
	int			defined,
				x;

	/* values quoted in the Kupiec literature for n = 250, p = 0.99 */
	rk_kupiec_lr(250, 4, 0.01, &lr);
	check(fabs(lr - 0.7691) < 5e-5, "kupiec 4 of 250", lr, 0.7691);
	rk_kupiec_lr(250, 10, 0.01, &lr);
	check(fabs(lr - 12.9555) < 5e-5, "kupiec 10 of 250", lr, 12.9555);
	rk_kupiec_lr(100, 1, 0.01, &lr);
	check(lr == 0, "kupiec at the expected rate", lr, 0);
	check(rk_kupiec_lr(10, 11, 0.01, &lr) == RK_BADARG, "kupiec x > n", 0, 0);
	check_close(rk_pchisq_upper(3.841458820694124, 1), 0.05, 1e-12, "chisq 1df 95%");
	check_close(rk_pchisq_upper(5.991464547107979, 2), 0.05, 1e-12, "chisq 2df 95%");

	/* Basel (1996): green 0-4, yellow 5-9 with plus factors, red 10+ */
	for (x = 0; x <= 15; x++)
	{
		static const double plus_want[] = {0, 0, 0, 0, 0, 0.40, 0.50, 0.65,
		0.75, 0.85, 1, 1, 1, 1, 1, 1};
		rk_zone	want = x <= 4 ? RK_ZONE_GREEN : (x <= 9 ? RK_ZONE_YELLOW : RK_ZONE_RED);

		rk_basel_zone(x, 250, 1.0 - 0.99, &zone, &cp, &plus, &defined);
		check(zone == want && defined && plus == plus_want[x], "basel table", x, plus);
	}
	rk_basel_zone(4, 250, 0.01, &zone, &cp, &plus, &defined);
	check_close(cp, 0.892187626903625, 1e-13, "basel cumprob at 4");
	rk_basel_zone(4, 500, 0.01, &zone, &cp, &plus, &defined);
	check(!defined, "plus factor only for 250 at 99%", 0, 0);

	check(rk_christoffersen_lr_ind(10, 0, 0, 0) == 0, "christoffersen no exceptions", 0, 0);
	check(rk_christoffersen_lr_ind(0, 0, 0, 10) == 0, "christoffersen all exceptions", 0, 0);
	check(rk_christoffersen_lr_ind(80, 10, 10, 0) > 0, "christoffersen positive", 0, 0);
	check(rk_xlogy(0, 0) == 0, "0 log 0", 0, 0);
}

/* Extreme but finite inputs: no NaN where the answer is a number. */
UNIT_TEST(test_pchisq_extremes)
{
	check(rk_pchisq_upper(INFINITY, 8) == 0.0, "chi-square upper tail at infinity",
		  rk_pchisq_upper(INFINITY, 8), 0);
}
