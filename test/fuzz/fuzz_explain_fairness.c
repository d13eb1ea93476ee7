/*
 * fuzz_explain_fairness.c
 *     libFuzzer harness of the fairness core of explain.c: the rates of a
 *     group's 2x2 table, the across-group metrics and the stratified
 *     multinomial bootstrap.
 *
 * Input: 1 to 40 groups, each four counts (small ones, with zeros, for
 * one-class and empty groups, or up to 2^33 to pass the bootstrap's limit
 * of 2^32 - 1 rows a group), n_boot 1..200, a level and a seed.
 *
 * Invariants: a rate is NaN exactly when its denominator is 0, else in
 * [0, 1]; the metrics equal a direct computation over the defined rates
 * (differences in [0, 1], ratios in [0, 1], the equalized odds difference
 * at least the equal opportunity difference), the worst group has the
 * largest selection rate; the bootstrap is RK_BADARG exactly when a group
 * is empty or too large or the level is outside (0, 1), else RK_OK with
 * lo <= hi in [0, 1] (NaN both exactly when no replicate defines the
 * metric), and the same seed gives the same intervals, whatever the
 * order of the groups.
 */
#include "core/explain.h"
#include "fuzz_common.h"

#define MAX_GROUPS 40

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
direct_range(const double *x, int n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int g = 0; g < n; g++)
		if (!isnan(x[g]))
		{
			if (x[g] < *lo)
				*lo = x[g];
			if (x[g] > *hi)
				*hi = x[g];
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	int64_t		cells[MAX_GROUPS * RK_FAIR_CELLS];
	double		sel[MAX_GROUPS],
				tpr[MAX_GROUPS],
				fpr[MAX_GROUPS],
				slo, shi, tlo, thi, flo, fhi,
				lo[RK_FAIR_NMETRICS],
				hi[RK_FAIR_NMETRICS],
				lo2[RK_FAIR_NMETRICS],
				hi2[RK_FAIR_NMETRICS];
	int64_t		defined[RK_FAIR_NMETRICS];
	int			ng,
				boot_ok = 1;
	rk_fair_metrics m;
	rk_fair_boot b;
	rk_status	st;

	fz_init(&r, data, size);
	ng = (int) fz_range(&r, 1, MAX_GROUPS);
	b.n_boot = fz_range(&r, 1, 200);
	b.level = fz_u8(&r) < 16 ? fz_level(&r) : 0.5 + 0.49 * fz_u8(&r) / 255.0;
	b.seed = (unsigned long) fz_range(&r, 1, 4294967295LL);
	for (int g = 0; g < ng; g++)
	{
		int			big = fz_u8(&r) >= 250;
		int64_t		n = 0;
		rk_fair_rates rt;

		for (int j = 0; j < RK_FAIR_CELLS; j++)
		{
			int64_t		c = big ? fz_range(&r, 0, (int64_t) 1 << 33) : fz_range(&r, 0, 30);

			cells[g * RK_FAIR_CELLS + j] = c;
			n += c;
		}
		boot_ok &= n >= 1 && n <= (int64_t) 0xffffffffU;
		rk_fair_rates_of(cells + g * RK_FAIR_CELLS, &rt);
		{
			const int64_t *c = cells + g * RK_FAIR_CELLS;

			FZ_CHECK(isnan(rt.selection_rate) == (n == 0), "selection rate %.17g of n %ld", rt.selection_rate, (long) n);
			FZ_CHECK(isnan(rt.tpr) == (c[1] + c[3] == 0), "tpr %.17g", rt.tpr);
			FZ_CHECK(isnan(rt.fpr) == (c[0] + c[2] == 0), "fpr %.17g", rt.fpr);
			FZ_CHECK(isnan(rt.selection_rate) || (rt.selection_rate >= 0 && rt.selection_rate <= 1), "sr %.17g", rt.selection_rate);
			FZ_CHECK(isnan(rt.tpr) || (rt.tpr >= 0 && rt.tpr <= 1), "tpr %.17g", rt.tpr);
			FZ_CHECK(isnan(rt.fpr) || (rt.fpr >= 0 && rt.fpr <= 1), "fpr %.17g", rt.fpr);
		}
		sel[g] = rt.selection_rate;
		tpr[g] = rt.tpr;
		fpr[g] = rt.fpr;
	}
	b.level = isnan(b.level) ? 0.9 : b.level;
	if (!(b.level > 0 && b.level < 1))
		boot_ok = 0;

	rk_fair_metrics_cells(cells, ng, &m);
	direct_range(sel, ng, &slo, &shi);
	direct_range(tpr, ng, &tlo, &thi);
	direct_range(fpr, ng, &flo, &fhi);
	FZ_CHECK(isnan(m.dp_difference) ? isinf(shi) : m.dp_difference == shi - slo, "dp difference %.17g", m.dp_difference);
	FZ_CHECK(isnan(m.dp_ratio) ? (isinf(shi) || shi == 0) : m.dp_ratio == slo / shi, "dp ratio %.17g", m.dp_ratio);
	FZ_CHECK(isnan(m.eopp_difference) ? isinf(thi) : m.eopp_difference == thi - tlo, "eopp %.17g", m.eopp_difference);
	FZ_CHECK(isnan(m.eo_difference) == (isinf(thi) || isinf(fhi)), "eo difference %.17g", m.eo_difference);
	FZ_CHECK(isnan(m.eo_difference) || (m.eo_difference >= m.eopp_difference && m.eo_difference <= 1
										 && (m.eo_difference == thi - tlo || m.eo_difference == fhi - flo)),
			 "eo difference %.17g", m.eo_difference);
	FZ_CHECK(isnan(m.eo_ratio) || (m.eo_ratio >= 0 && m.eo_ratio <= 1 && m.eo_ratio <= tlo / thi
									&& m.eo_ratio <= flo / fhi), "eo ratio %.17g", m.eo_ratio);
	FZ_CHECK(m.worst < 0 ? isinf(shi) : sel[m.worst] == shi, "worst %d", m.worst);
	for (int g = 0; m.worst >= 0 && g < m.worst; g++)
		FZ_CHECK(isnan(sel[g]) || sel[g] < shi, "worst %d is not the first of the largest", m.worst);

	st = rk_fair_bootstrap(cells, ng, &b, lo, hi, defined);
	FZ_CHECK(st == (boot_ok ? RK_OK : RK_BADARG), "bootstrap status %d, expected %d", (int) st, boot_ok);
	if (st != RK_OK)
		return 0;
	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
	{
		FZ_CHECK(defined[k] >= 0 && defined[k] <= b.n_boot, "defined %ld", (long) defined[k]);
		FZ_CHECK(isnan(lo[k]) == (defined[k] == 0) && isnan(hi[k]) == (defined[k] == 0), "metric %d: NaN", k);
		FZ_CHECK(defined[k] == 0 || (lo[k] <= hi[k] && lo[k] >= 0 && hi[k] <= 1),
				 "metric %d: [%.17g, %.17g]", k, lo[k], hi[k]);
	}
	/* the selection rate is defined in every group of every replicate */
	FZ_CHECK(defined[0] == b.n_boot, "dp difference defined in %ld of %ld", (long) defined[0], (long) b.n_boot);
	st = rk_fair_bootstrap(cells, ng, &b, lo2, hi2, NULL);
	FZ_CHECK(st == RK_OK && memcmp(lo, lo2, sizeof(lo)) == 0 && memcmp(hi, hi2, sizeof(hi)) == 0,
			 "the seed does not repeat");
	/* the groups in reverse order (renamed): the same intervals */
	{
		int64_t		rev[MAX_GROUPS * RK_FAIR_CELLS];

		for (int g = 0; g < ng; g++)
			memcpy(rev + (size_t) RK_FAIR_CELLS * (ng - 1 - g), cells + (size_t) RK_FAIR_CELLS * g,
				   sizeof(int64_t) * RK_FAIR_CELLS);
		st = rk_fair_bootstrap(rev, ng, &b, lo2, hi2, NULL);
		FZ_CHECK(st == RK_OK && memcmp(lo, lo2, sizeof(lo)) == 0 && memcmp(hi, hi2, sizeof(hi)) == 0,
				 "the order of the groups changes the intervals");
	}
	return 0;
}
