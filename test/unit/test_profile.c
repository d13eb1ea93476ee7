/*
 * test_profile.c
 *     Unit tests of core/profile.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/profile.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

/* ---- portfolio risk --------------------------------------------------- */

/* ---- risk profile ----------------------------------------------------- */

static rk_capacity_policy
standard_policy(void)
{
	rk_capacity_policy p = {
		.reserve_months = 6, .reserve_months_per_dependant = 1, .max_debt_service = 0.4,
		.debt_cap_class = 3, .surplus_share = {0.5, 0.25, 0},
		.horizon_bounds = {1, 3, 5, 10}, .horizon_share = {0.05, 0.15, 0.3, 0.45, 0.6},
		.dependant_reduction = 0.1, .loss_bounds = {0.0097, 0.094, 0.21, 0.33, 0.46, 0.84}
	};

	return p;
}

static const double wbounds[6] = {12.5, 25, 40, 55, 70, 85};

UNIT_TEST(test_profile_class_bounds)
{
	/* a bound belongs to the class above it */
	check(rk_profile_class(12.5, wbounds, 6) == 2, "score at the first bound: class 2", 0, 0);
	check(rk_profile_class(nextafter(12.5, 0), wbounds, 6) == 1, "just below: class 1", 0, 0);
	check(rk_profile_class(100, wbounds, 6) == 7, "100: class 7", 0, 0);
	check(rk_profile_class(0, wbounds, 6) == 1, "0: class 1", 0, 0);
}

UNIT_TEST(test_profile_by_hand)
{
	/* two willingness items (6 of 12 points and 3 of 12), one knowledge item not answered */
	int			kind[3] = {0, 0, 1};
	double		pts[3] = {6, 3, NAN},
				most[3] = {12, 12, 4};
	rk_capacity_policy pol = standard_policy();
	rk_situation s = {.horizon_years = 7, .annual_income = 60000, .stability = RK_INCOME_STABLE,
		.investable_wealth = 100000, .monthly_expenses = 2000};
	rk_profile r;

	check(rk_profile_eval(3, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_OK, "evaluates", 0, 0);
	check_close(r.willingness_score, 37.5, 1e-15, "willingness 9 / 24");
	check(r.willingness_class == 3, "willingness class 3", r.willingness_class, 3);
	check(r.knowledge_score == 0 && !r.complex_ok, "knowledge 0, no complex products", r.knowledge_score, 0);
	/* reserve 12,000; free 88,000; surplus (60,000 - 24,000) x 0.5; horizon 7: share 0.45 */
	check_close(r.reserve, 12000, 1e-15, "reserve 6 x 2,000");
	check_close(r.max_loss, 0.45 * 88000 + 18000, 1e-15, "max loss");
	check(r.capacity_class == 6, "capacity class 6 (57.6%)", r.capacity_class, 6);
	check(r.risk_class == 3 && r.binding == RK_BIND_WILLINGNESS, "willingness binds", r.risk_class, 3);
	check_close(r.tolerated_loss, 0.21 * 100000, 1e-15, "tolerated: the top of class 3");
	check(r.flags == 0, "no flag", r.flags, 0);
}

UNIT_TEST(test_profile_capacity_rules)
{
	int			kind[1] = {0};
	double		pts[1] = {12},
				most[1] = {12};
	rk_capacity_policy pol = standard_policy();
	rk_situation s = {.horizon_years = 0.5, .annual_income = 0, .stability = RK_INCOME_NONE,
		.investable_wealth = 5000, .monthly_expenses = 1000, .monthly_debt_service = 500,
	.dependants = 2};
	rk_profile r;

	check(rk_profile_eval(1, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_OK, "evaluates", 0, 0);
	check_close(r.reserve, 1500 * 8, 1e-15, "reserve: 6 + 2 months of 1,500");
	check(r.max_loss == 0 && r.capacity_class == 1, "no free wealth, no surplus: class 1", r.max_loss, 0);
	check(isinf(r.debt_service_ratio), "debt without income: infinite ratio", r.debt_service_ratio, 0);
	check(r.flags == (RK_FLAG_SHORT_HORIZON_AGGRESSIVE | RK_FLAG_WILLINGNESS_BEYOND_CAPACITY
					  | RK_FLAG_RESERVE_NOT_COVERED | RK_FLAG_DEBT_SERVICE_HIGH
					  | RK_FLAG_AGGRESSIVE_WITHOUT_KNOWLEDGE), "every flag", r.flags, 31);
	check(r.risk_class == 1 && r.binding == RK_BIND_CAPACITY, "capacity binds", r.risk_class, 1);
	/* no wealth: nothing to lose */
	s.investable_wealth = 0;
	check(rk_profile_eval(1, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_OK
		  && r.tolerated_share == 0 && r.capacity_score == 0, "no wealth: share 0", r.tolerated_share, 0);
}

UNIT_TEST(test_profile_refusals)
{
	int			kind[2] = {0, 1};
	double		pts[2] = {3, 1},
				most[2] = {12, 4},
				zero[2] = {0, 4},
				bad_bounds[6] = {10, 5, 30, 40, 50, 60};
	rk_capacity_policy pol = standard_policy();
	rk_situation s = {.horizon_years = 5, .annual_income = 1, .investable_wealth = 1,
	.monthly_expenses = 1};
	rk_profile r;

	check(rk_profile_eval(2, kind, pts, zero, wbounds, 60, &pol, &s, &r) == RK_BADARG,
		  "no willingness points", 0, 0);
	check(rk_profile_eval(2, kind, pts, most, bad_bounds, 60, &pol, &s, &r) == RK_BADARG,
		  "bounds not ascending", 0, 0);
	s.horizon_years = 0;
	check(rk_profile_eval(2, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_BADARG, "horizon 0", 0, 0);
	s.horizon_years = 5;
	s.investable_wealth = -1;
	check(rk_profile_eval(2, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_BADARG, "negative wealth", 0, 0);
	s.investable_wealth = 1;
	pts[0] = 13;
	check(rk_profile_eval(2, kind, pts, most, wbounds, 60, &pol, &s, &r) == RK_BADARG,
		  "points above the most", 0, 0);
	pts[0] = 3;
	pol.loss_bounds[5] = 1.5;
	check(rk_capacity_policy_check(&pol) == RK_BADARG, "a loss bound above 1", 0, 0);
	pol = standard_policy();
	pol.horizon_share[2] = NAN;
	check(rk_capacity_policy_check(&pol) == RK_BADARG, "a NaN share", 0, 0);
	check(rk_profile_flag_name(0) != NULL && rk_profile_flag_name(RK_PROFILE_NFLAGS) == NULL,
		  "flag names", 0, 0);
}
