/*
 * fuzz_capital_liquidity.c
 *     libFuzzer harness of the liquidity ratios of capital.c: rk_lcr (the
 *     haircuts, the 15% and 40% cap adjustments, the 75% inflow cap) and
 *     rk_nsfr.
 *
 * The input: 0..64 positions, each a kind (one of the seven, or one
 * outside the list), a factor (usually a Basel one, sometimes any double:
 * NaN, infinities, negatives, above 1) and an amount (a scaled value or a
 * special one: zeros, negatives, NaN, infinities, DBL_MAX).
 *
 * Invariants: BADARG exactly when a position has a kind outside the
 * function's list, a factor outside [0, 1] or NaN, or an amount negative,
 * NaN or infinite; OVERFLOW only when a sum left the doubles (then some
 * amount is above 1e300 / 64 or so) or the ratio did (a large numerator
 * over a tiny denominator); when OK: every figure finite and
 * non-negative, the adjustments never above the level 2 they cut, HQLA
 * between level 1 and level 1 / 0.6 (within rounding) when level 2 is
 * capped, capped inflows at most inflows and 75% of outflows, net cash
 * outflows at least 25% of outflows, the ratio NaN exactly when its
 * denominator is 0, and the same bits from a second run.
 */
#include "core/capital.h"
#include "fuzz_common.h"

#define MAXN 64

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double
factor_of(fz_reader *r)
{
	static const double basel[16] = {0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4,
	0.5, 0.65, 0.85, 0.9, 0.95, 1, 1e-17, 1 - 1e-16};
	uint8_t		b = fz_u8(r);

	if (b < 0xE0)
		return basel[b % 16];
	if (b < 0xF0)
		return fz_special(b);
	return fz_raw(r);
}

static double
amount_of(fz_reader *r)
{
	uint8_t		b = fz_u8(r);

	if (b < 0xE0)
		return fz_scale[b % 32] * (double) fz_u16(r);
	if (b < 0xF0)
		return fz_special(b);
	return fz_raw(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	int			n,
				kind[MAXN];
	double		factor[MAXN],
				amount[MAXN],
				big = 0;
	int			bad_lcr = 0,
				bad_nsfr = 0;
	rk_lcr_result a,
				a2;
	rk_nsfr_result s,
				s2;
	rk_status	st;

	fz_init(&r, data, size);
	n = (int) fz_range(&r, 0, MAXN);
	for (int i = 0; i < n; i++)
	{
		int			ok;

		kind[i] = (int) fz_range(&r, 0, RK_LIQ_NKINDS);
		factor[i] = factor_of(&r);
		amount[i] = amount_of(&r);
		ok = !isnan(factor[i]) && factor[i] >= 0 && factor[i] <= 1
			&& isfinite(amount[i]) && amount[i] >= 0;
		if (!ok || kind[i] > RK_LIQ_INFLOW)
			bad_lcr = 1;
		if (!ok || (kind[i] != RK_LIQ_ASF && kind[i] != RK_LIQ_RSF))
			bad_nsfr = 1;
		if (isfinite(amount[i]) && fabs(amount[i]) > big)
			big = fabs(amount[i]);
	}

	st = rk_lcr(n, kind, factor, amount, &a);
	FZ_CHECK(st == RK_OK || st == RK_BADARG || st == RK_OVERFLOW, "status %d", st);
	FZ_CHECK((st == RK_BADARG) == bad_lcr, "lcr status %d, bad %d", st, bad_lcr);
	FZ_CHECK(st != RK_OVERFLOW || big > 1e300 / MAXN
			 || (isfinite(a.hqla) && a.net_outflows > 0 && isinf(a.lcr)),
			 "overflow with amounts up to %g", big);
	if (st == RK_OK)
	{
		double		tol = 1e-12;

		FZ_CHECK(isfinite(a.level1) && isfinite(a.level2a) && isfinite(a.level2b)
				 && isfinite(a.outflows) && isfinite(a.inflows) && isfinite(a.hqla),
				 "a figure not finite");
		FZ_CHECK(a.level1 >= 0 && a.level2a >= 0 && a.level2b >= 0 && a.adj15 >= 0 && a.adj40 >= 0,
				 "a negative figure");
		FZ_CHECK(a.adj15 <= a.level2b, "adj15 %g above level 2B %g", a.adj15, a.level2b);
		FZ_CHECK(a.adj40 <= a.level2a + a.level2b - a.adj15 + tol * (a.level2a + a.level2b),
				 "adj40 %g above level 2 %g", a.adj40, a.level2a + a.level2b - a.adj15);
		FZ_CHECK(a.hqla >= a.level1 * (1 - tol) - tol * (a.level2a + a.level2b),
				 "hqla %g below level 1 %g", a.hqla, a.level1);
		if (a.adj40 > 0)
			FZ_CHECK(fabs(a.hqla - a.level1 / 0.6) <= tol * (a.level1 + a.level2a + a.level2b) + 1e-300,
					 "hqla %g with the 40%% cap binding, level 1 %g", a.hqla, a.level1);
		FZ_CHECK(a.hqla <= a.level1 + a.level2a + a.level2b, "hqla above its parts");
		FZ_CHECK(a.inflows_capped <= a.inflows && a.inflows_capped <= 0.75 * a.outflows,
				 "capped inflows %g, inflows %g, outflows %g", a.inflows_capped, a.inflows, a.outflows);
		FZ_CHECK(a.net_outflows >= 0.25 * a.outflows * (1 - tol), "net outflows %g, outflows %g",
				 a.net_outflows, a.outflows);
		FZ_CHECK(isnan(a.lcr) == (a.net_outflows == 0), "lcr %g, net outflows %g", a.lcr, a.net_outflows);
		FZ_CHECK(rk_lcr(n, kind, factor, amount, &a2) == RK_OK && memcmp(&a, &a2, sizeof(a)) == 0,
				 "a second run differs");
	}

	st = rk_nsfr(n, kind, factor, amount, &s);
	FZ_CHECK(st == RK_OK || st == RK_BADARG || st == RK_OVERFLOW, "status %d", st);
	FZ_CHECK((st == RK_BADARG) == bad_nsfr, "nsfr status %d, bad %d", st, bad_nsfr);
	FZ_CHECK(st != RK_OVERFLOW || big > 1e300 / MAXN
			 || (isfinite(s.asf) && s.rsf > 0 && isinf(s.nsfr)),
			 "overflow with amounts up to %g", big);
	if (st == RK_OK)
	{
		FZ_CHECK(isfinite(s.asf) && isfinite(s.rsf) && s.asf >= 0 && s.rsf >= 0, "asf %g rsf %g", s.asf, s.rsf);
		FZ_CHECK(isnan(s.nsfr) == (s.rsf == 0), "nsfr %g, rsf %g", s.nsfr, s.rsf);
		FZ_CHECK(rk_nsfr(n, kind, factor, amount, &s2) == RK_OK && memcmp(&s, &s2, sizeof(s)) == 0,
				 "a second run differs");
	}
	return 0;
}
