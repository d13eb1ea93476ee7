/*
 * fuzz_profile_suitability.c
 *     libFuzzer harness of profile.c's risk profile and suitability:
 *     rk_profile_eval on 1..8 scored items and a situation, then
 *     rk_suitability of 1..6 holdings against the profile found, all
 *     decoded from the input.
 *
 * Items: a kind (sometimes 2: bad), the most points and the points given
 * (sometimes NaN: unanswered, sometimes above the most or negative: bad).
 * The situation and the policy's figures from the shared value reader (any
 * double: NaN, Inf, negative and huge values included); the policy's
 * bounds sometimes out of order.  Holdings: a class (sometimes 0 or 8), a
 * holding period, a complex flag, a weight; a portfolio loss or none.
 *
 * Invariants: BADARG exactly when the decoder made the input bad (the
 * harness checks every rule of the contract itself); when OK: scores in
 * [0, 100], classes in 1..7, the profile's class the lower of the two,
 * 0 <= tolerated loss <= max loss <= wealth, the flags only the five
 * known; rk_suitability's verdict the worst severity of its reasons, at
 * most 4 n + 1 reasons, each naming a holding in range or the portfolio.
 */
#include "core/profile.h"
#include "fuzz_common.h"

#define MAXITEMS 8
#define MAXHOLD 6

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
bad_figure(double x)
{
	return !(x >= 0 && isfinite(x));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double wb[6] = {12.5, 25, 40, 55, 70, 85};
	fz_reader	r;
	int			n,
				kind[MAXITEMS],
				bad = 0,
				any_will = 0,
				nh,
				cls[MAXHOLD],
				cx[MAXHOLD],
				nreasons,
				verdict,
				worst = 0;
	double		pts[MAXITEMS],
				most[MAXITEMS],
				fig[8] = {0},
				rhp[MAXHOLD],
				wt[MAXHOLD],
				wsum = 0,
				ploss;
	uint8_t		flags;
	rk_capacity_policy pol = {
		.reserve_months = 6, .reserve_months_per_dependant = 1, .max_debt_service = 0.4,
		.debt_cap_class = 3, .surplus_share = {0.5, 0.25, 0},
		.horizon_bounds = {1, 3, 5, 10}, .horizon_share = {0.05, 0.15, 0.3, 0.45, 0.6},
		.dependant_reduction = 0.1, .loss_bounds = {0.0097, 0.094, 0.21, 0.33, 0.46, 0.84}
	};
	rk_situation s;
	rk_profile	p;
	rk_suit_reason reasons[4 * MAXHOLD + 1];
	rk_status	st;

	fz_init(&r, data, size);
	flags = fz_u8(&r);
	n = (int) fz_range(&r, 1, MAXITEMS);
	for (int i = 0; i < n; i++)
	{
		uint8_t		b = fz_u8(&r);

		kind[i] = b == 255 ? 2 : b & 1;
		most[i] = b == 254 ? -1 : (double) (b % 13);
		pts[i] = (b & 0x30) == 0x30 ? NAN : (b & 0x40) ? most[i] + (b == 253) : fz_range(&r, 0, 12);
		if (!isnan(pts[i]) && pts[i] > most[i] && most[i] >= 0)
			pts[i] = (b == 253) ? most[i] + 1 : most[i];
		bad |= kind[i] == 2 || most[i] < 0 || (!isnan(pts[i]) && (pts[i] < 0 || pts[i] > most[i]));
		if (kind[i] == 0 && most[i] > 0)
			any_will = 1;
	}
	bad |= !any_will;
	fz_values(&r, fig, 8);
	s.horizon_years = fig[0];
	s.annual_income = fig[1];
	s.investable_wealth = fig[2];
	s.monthly_expenses = fig[3];
	s.monthly_debt_service = (flags & 1) ? fig[4] : 0;
	s.emergency_reserve = (flags & 2) ? fig[5] : 0;
	s.dependants = (int) fz_range(&r, -1, 4);
	s.stability = (rk_income_stability) fz_range(&r, 0, 3);
	bad |= !(s.horizon_years > 0 && isfinite(s.horizon_years)) || bad_figure(s.annual_income)
		|| bad_figure(s.investable_wealth) || bad_figure(s.monthly_expenses)
		|| bad_figure(s.monthly_debt_service) || bad_figure(s.emergency_reserve)
		|| s.dependants < 0 || s.stability > RK_INCOME_NONE;
	if (flags & 4)
	{
		pol.loss_bounds[3] = 0.2;	/* not ascending */
		bad = 1;
	}
	if (flags & 8)
		pol.reserve_months = fig[6];
	bad |= bad_figure(pol.reserve_months);

	st = rk_profile_eval(n, kind, pts, most, wb, 60, &pol, &s, &p);
	if (bad)
	{
		FZ_CHECK(st == RK_BADARG, "a bad input gave status %d", st);
		return 0;
	}
	/* huge figures can make the reserve overflow: refused too */
	if (!isfinite((s.monthly_expenses + s.monthly_debt_service)
				  * (pol.reserve_months + pol.reserve_months_per_dependant * s.dependants)))
	{
		FZ_CHECK(st == RK_BADARG, "an infinite reserve gave status %d", st);
		return 0;
	}
	FZ_CHECK(st == RK_OK, "status %d", st);
	FZ_CHECK(p.willingness_score >= 0 && p.willingness_score <= 100, "willingness %g", p.willingness_score);
	FZ_CHECK(p.knowledge_score >= 0 && p.knowledge_score <= 100, "knowledge %g", p.knowledge_score);
	FZ_CHECK(p.willingness_class >= 1 && p.willingness_class <= 7 && p.capacity_class >= 1
			 && p.capacity_class <= 7, "classes %d %d", p.willingness_class, p.capacity_class);
	FZ_CHECK(p.risk_class == (p.willingness_class < p.capacity_class ? p.willingness_class
							  : p.capacity_class), "the profile's class");
	FZ_CHECK(p.tolerated_loss >= 0 && p.tolerated_loss <= p.max_loss
			 && p.max_loss <= s.investable_wealth, "losses %g %g %g", p.tolerated_loss,
			 p.max_loss, s.investable_wealth);
	FZ_CHECK((p.flags & ~0x1Fu) == 0, "flags %x", p.flags);

	/* the holdings */
	nh = (int) fz_range(&r, 1, MAXHOLD);
	bad = 0;
	for (int i = 0; i < nh; i++)
	{
		uint8_t		b = fz_u8(&r);

		cls[i] = b % 9;
		cx[i] = (b >> 4) & 1;
		rhp[i] = (double) ((b >> 5) & 7) * 0.75;
		wt[i] = (flags & 16) ? (double) (int) fz_range(&r, -1, 5) : 1;
		bad |= cls[i] < 1 || cls[i] > 7 || !(rhp[i] > 0) || wt[i] < 0;
		wsum += wt[i];
	}
	bad |= (flags & 16) && !(wsum > 0);
	ploss = (flags & 32) ? fz_level(&r) * s.investable_wealth : NAN;
	if ((flags & 32) && !isfinite(ploss))
		ploss = NAN;
	st = rk_suitability(p.risk_class, s.horizon_years, p.complex_ok, p.tolerated_loss, nh, cls, rhp,
						cx, (flags & 16) ? wt : NULL, ploss, 0.4, 0.8, reasons, &nreasons, &verdict);
	if (bad)
	{
		FZ_CHECK(st == RK_BADARG, "bad holdings gave status %d", st);
		return 0;
	}
	FZ_CHECK(st == RK_OK, "suitability status %d", st);
	FZ_CHECK(nreasons >= 0 && nreasons <= 4 * nh + 1, "%d reasons", nreasons);
	for (int i = 0; i < nreasons; i++)
	{
		FZ_CHECK(reasons[i].holding >= -1 && reasons[i].holding < nh, "holding %d", reasons[i].holding);
		FZ_CHECK(reasons[i].severity == 1 || reasons[i].severity == 2, "severity");
		FZ_CHECK(rk_suit_factor_name(reasons[i].factor) != NULL, "factor");
		worst = reasons[i].severity > worst ? reasons[i].severity : worst;
	}
	FZ_CHECK(verdict == worst, "verdict %d, worst reason %d", verdict, worst);
	return 0;
}
