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

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */

/* cells[2 * declined + defaulted] of fairlearn's user-guide example */
static const int64_t fair_example[3][RK_FAIR_CELLS] = {
	{0, 1, 2, 1},				/* a: selection 3/4, TPR 1/2, FPR 2/2 */
	{1, 2, 0, 3},				/* b: 3/6, 3/5, 0/1 */
	{1, 3, 2, 2},				/* c: 4/8, 2/5, 2/3 */
};

UNIT_TEST(test_fair_rates)
{
	rk_fair_rates r;
	const int64_t one_class[RK_FAIR_CELLS] = {5, 0, 3, 0};
	const int64_t bad_only[RK_FAIR_CELLS] = {0, 4, 0, 6};
	const int64_t empty[RK_FAIR_CELLS] = {0, 0, 0, 0};

	rk_fair_rates_of(fair_example[2], &r);
	check(r.selection_rate == 0.5 && r.tpr == 0.4 && r.fpr == 2.0 / 3.0 && r.default_rate == 5.0 / 8.0,
		  "fair rates: group c by hand", r.fpr, 2.0 / 3.0);
	rk_fair_rates_of(one_class, &r);
	check(isnan(r.tpr) && r.fpr == 3.0 / 8.0 && r.default_rate == 0,
		  "fair rates: no default, TPR NaN", r.tpr, NAN);
	rk_fair_rates_of(bad_only, &r);
	check(isnan(r.fpr) && r.tpr == 0.6 && r.default_rate == 1, "fair rates: defaults only, FPR NaN", r.fpr, NAN);
	rk_fair_rates_of(empty, &r);
	check(isnan(r.selection_rate) && isnan(r.tpr) && isnan(r.fpr), "fair rates: empty table all NaN", 0, 0);
}

UNIT_TEST(test_fair_fairlearn_example)
{
	rk_fair_metrics m;

	rk_fair_metrics_cells(&fair_example[0][0], 3, &m);
	check(m.dp_difference == 0.25, "fairlearn example: DP difference 0.25", m.dp_difference, 0.25);
	check_close(m.dp_ratio, 2.0 / 3.0, 1e-15, "fairlearn example: DP ratio 2/3");
	check(m.eo_difference == 1.0, "fairlearn example: EO difference 1", m.eo_difference, 1.0);
	check(m.eo_ratio == 0.0, "fairlearn example: EO ratio 0", m.eo_ratio, 0.0);
	check_close(m.eopp_difference, 0.2, 1e-15, "fairlearn example: equal opportunity 0.6 - 0.4");
	check(m.worst == 0, "fairlearn example: worst-off group a", m.worst, 0);
}

UNIT_TEST(test_fair_undefined)
{
	rk_fair_metrics m;
	/* the second group has no default: its TPR is left out of the range */
	const int64_t c[2][RK_FAIR_CELLS] = {{10, 5, 10, 15}, {15, 0, 25, 0}};
	const int64_t none[2][RK_FAIR_CELLS] = {{10, 5, 0, 0}, {20, 1, 0, 0}};
	const int64_t tie[2][RK_FAIR_CELLS] = {{1, 1, 1, 1}, {2, 2, 2, 2}};

	rk_fair_metrics_cells(&c[0][0], 2, &m);
	check(m.eopp_difference == 0.0, "fair: one defined TPR, difference 0", m.eopp_difference, 0);
	/* FPR 10/20 and 25/40: EO difference 0.125 (FPR), ratio 0.8 (FPR) */
	check(m.eo_difference == 0.125 && m.eo_ratio == 0.8, "fair: EO from the defined rates", m.eo_ratio, 0.8);
	check(m.dp_difference == 0.0 && m.worst == 0, "fair: equal selection, the first is the worst", m.worst, 0);
	/* nobody declined: differences 0, ratios 0 / 0 NaN */
	rk_fair_metrics_cells(&none[0][0], 2, &m);
	check(m.dp_difference == 0 && isnan(m.dp_ratio) && isnan(m.eo_ratio) && m.eo_difference == 0,
		  "fair: no decline, ratios NaN", m.dp_ratio, NAN);
	rk_fair_metrics_cells(&tie[0][0], 2, &m);
	check(m.worst == 0 && m.dp_ratio == 1, "fair: a tie goes to the first group", m.worst, 0);
	rk_fair_metrics_cells(NULL, 0, &m);
	check(m.worst == -1 && isnan(m.dp_difference), "fair: no group, NaN", m.dp_difference, NAN);
}

static int
fair_stop_now(void)
{
	return 1;
}

UNIT_TEST(test_fair_bootstrap)
{
	const int64_t c[3][RK_FAIR_CELLS] = {{400, 50, 300, 150}, {600, 30, 200, 70}, {100, 0, 50, 0}};
	/* every group a single cell: every replicate equals the data */
	const int64_t fixed[2][RK_FAIR_CELLS] = {{7, 0, 0, 0}, {0, 0, 9, 0}};
	rk_fair_boot b = {2000, 0.95, 11};
	double		lo[RK_FAIR_NMETRICS],
				hi[RK_FAIR_NMETRICS],
				lo2[RK_FAIR_NMETRICS],
				hi2[RK_FAIR_NMETRICS];
	int64_t		def[RK_FAIR_NMETRICS];
	rk_fair_metrics m;
	double		point[RK_FAIR_NMETRICS];
	int			ok = 1;

	rk_fair_metrics_cells(&c[0][0], 3, &m);
	point[0] = m.dp_difference;
	point[1] = m.dp_ratio;
	point[2] = m.eo_difference;
	point[3] = m.eo_ratio;
	point[4] = m.eopp_difference;
	check(rk_fair_bootstrap(&c[0][0], 3, &b, lo, hi, def) == RK_OK, "fair bootstrap: OK", 0, 0);
	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
		ok &= lo[k] < point[k] && point[k] < hi[k] && def[k] == 2000 && hi[k] - lo[k] < 0.2;
	check(ok, "fair bootstrap: narrow intervals around the estimates", lo[0], point[0]);
	/*
	 * DP difference of groups 1 and 2: selection 0.5 (n 900) and 0.3
	 * (n 900); its standard error sqrt(.25/900 + .21/900) = 0.0226, so the
	 * 95% interval is about +-1.96 x 0.0226 = 0.0443 wide on each side
	 */
	check_close(hi[0] - lo[0], 2 * 1.96 * sqrt(0.25 / 900 + 0.21 / 900), 0.15,
				"fair bootstrap: DP interval as wide as the normal one");
	rk_fair_bootstrap(&c[0][0], 3, &b, lo2, hi2, NULL);
	check(memcmp(lo, lo2, sizeof(lo)) == 0 && memcmp(hi, hi2, sizeof(hi)) == 0,
		  "fair bootstrap: the seed repeats", lo2[0], lo[0]);
	b.seed = 12;
	rk_fair_bootstrap(&c[0][0], 3, &b, lo2, hi2, NULL);
	check(lo2[0] != lo[0] || hi2[0] != hi[0], "fair bootstrap: another seed, other draws", lo2[0], lo[0]);
	b.seed = 11;
	check(rk_fair_bootstrap(&fixed[0][0], 2, &b, lo, hi, def) == RK_OK
		  && lo[0] == 1 && hi[0] == 1 && lo[1] == 0 && hi[1] == 0
		  && isnan(lo[2]) && def[2] == 0 && isnan(lo[4]),
		  "fair bootstrap: single cells give the data's values; undefined NaN", lo[0], 1);
	b.n_boot = 0;
	check(rk_fair_bootstrap(&c[0][0], 3, &b, lo, hi, NULL) == RK_BADARG && isnan(lo[0]),
		  "fair bootstrap: n_boot 0 refused", 0, 0);
	b.n_boot = 10;
	b.level = 1;
	check(rk_fair_bootstrap(&c[0][0], 3, &b, lo, hi, NULL) == RK_BADARG, "fair bootstrap: level 1 refused", 0, 0);
	b.level = 0.9;
	{
		const int64_t empty_group[2][RK_FAIR_CELLS] = {{1, 2, 3, 4}, {0, 0, 0, 0}};

		check(rk_fair_bootstrap(&empty_group[0][0], 2, &b, lo, hi, NULL) == RK_BADARG,
			  "fair bootstrap: an empty group refused", 0, 0);
	}
	b.n_boot = 100000;
	rk_stop_hook = fair_stop_now;
	check(rk_fair_bootstrap(&c[0][0], 3, &b, lo, hi, NULL) == RK_CANCELLED && isnan(lo[0]) && isnan(hi[4]),
		  "fair bootstrap: cancelled, NaN out", 0, 0);
	rk_stop_hook = NULL;
}
