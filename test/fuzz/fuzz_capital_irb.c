/*
 * fuzz_capital_irb.c
 *     libFuzzer harness of the IRB capital and concentration parts of
 *     capital.c: rk_irb_capital on exposures decoded from the input (any
 *     class code, PD, LGD, EAD, maturity and sales: grid values near the
 *     domain's edges or any double), under either regime with the options
 *     the SQL face allows, and the HHI and granularity adjustment of the
 *     exposures that pass.
 *
 * Invariants: BADARG exactly for a class code out of range, pd or lgd
 * outside [0, 1] or NaN, ead negative or not finite, maturity outside
 * [1, 5], sales negative or infinite or given for a class other than
 * corporate; NUMERIC only for corporate, sovereign or bank exposures whose
 * floored pd is below 3e-6 and not 1 (the maturity adjustment undefined).
 * On OK: the pd used is max(pd, floor); the correlation within [0.03,
 * 0.24] (at least 0.08 for an SME: 0.12 - 0.04); K finite, not negative
 * beyond rounding and at most the LGD times the maturity adjustment; risk
 * weight 12.5 K x scaling, RWA = RW x EAD, capital 8% of RWA, EL = pd LGD
 * EAD (defaulted: ELBE EAD, K = max(0, LGD - ELBE)); a second call gives
 * the same bits.  The HHI of the EADs within [1/n, 1] (up to rounding);
 * the GA's terms finite, and the GA of the exposures repeated 3 times
 * 1/3 of the GA (within 1e-9; EADs from 1e-100 to 1e100, or 0).
 */
#include "core/capital.h"
#include "fuzz_common.h"

#define MAXEXP 64

/* A value near the edges of [0, 1] or of [1, 5], or any double. */
static double
value(fz_reader *r, double lo, double hi)
{
	static const double edge[8] = {0.0, 1.0, 1e-300, 1e-7, 2.9e-6, 0.0003, 0.999999, -0.0};
	uint8_t		b = fz_u8(r);

	switch (b & 3)
	{
		case 0:
			return edge[(b >> 2) & 7] + ((b >> 5) ? lo : 0.0);
		case 1:
			return lo + (hi - lo) * (double) fz_u32(r) / 4294967295.0;
		case 2:
			return fz_special((b >> 2) & 31);
		default:
			return fz_raw(r);
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	rk_irb_params p;
	uint8_t		flags;
	double		pd_[MAXEXP],
				lgd_[MAXEXP],
				ead_[MAXEXP],
				k_[MAXEXP];
	int			n = 0,
				i,
				want_n;
	double		s = 0,
				sc = 0,
				q = 0,
				qc = 0;

	fz_init(&r, data, size);
	flags = fz_u8(&r);
	rk_irb_params_init(&p, (flags & 1) ? RK_IRB_BASEL2 : RK_IRB_BASEL3);
	if (flags & 2)
		p.scaling = 0.5 + (double) fz_u8(&r) / 64.0;	/* (0, 10] as the face allows */
	if (flags & 4)
	{
		double		f = (double) fz_u16(&r) / 65536.0;

		for (i = 0; i < RK_IRB_NCLASSES; i++)
			p.pd_floor[i] = (flags & 8) ? 0.0 : f;
	}
	if (flags & 16)
		p.elbe = (double) fz_u8(&r) / 255.0;
	want_n = (int) fz_range(&r, 1, MAXEXP);
	for (i = 0; i < want_n; i++)
	{
		int			cls = (int) fz_range(&r, -1, RK_IRB_NCLASSES);
		double		pd = value(&r, 0, 1),
					lgd = value(&r, 0, 1),
					ead = value(&r, 0, 1e9),
					m = value(&r, 1, 5),
					sales = (fz_u8(&r) & 1) ? NAN : value(&r, 0, 100);
		int			bad;
		rk_irb_result out,
					again;
		rk_status	st;
		double		floor,
					pdu;

		bad = cls < 0 || cls >= RK_IRB_NCLASSES || !(pd >= 0 && pd <= 1) ||
			!(lgd >= 0 && lgd <= 1) || !(ead >= 0 && isfinite(ead)) ||
			!(m >= 1 && m <= 5) ||
			(!isnan(sales) && (!(sales >= 0 && isfinite(sales)) || cls != RK_IRB_CORPORATE));
		st = rk_irb_capital(&p, (rk_irb_class) cls, pd, lgd, ead, m, sales, &out);
		FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
		if (bad)
		{
			FZ_CHECK(st == RK_BADARG, "class %d pd %g lgd %g ead %g m %g sales %g: status %d",
					 cls, pd, lgd, ead, m, sales, (int) st);
			continue;
		}
		floor = p.pd_floor[cls];
		pdu = pd < floor ? floor : pd;
		if (st == RK_NUMERIC)
		{
			FZ_CHECK((cls == RK_IRB_CORPORATE || cls == RK_IRB_SOVEREIGN || cls == RK_IRB_BANK) &&
					 pdu < 3e-6, "NUMERIC at class %d pd %g", cls, pdu);
			continue;
		}
		FZ_CHECK(st == RK_OK, "class %d pd %g: status %d", cls, pd, (int) st);
		FZ_CHECK(out.pd == pdu, "pd used %g, want %g", out.pd, pdu);
		FZ_CHECK(out.correlation >= 0.03 - 1e-15 && out.correlation <= 0.24 + 1e-15 ||
				 (!isnan(sales) && out.correlation >= 0.08 - 1e-15),
				 "correlation %g", out.correlation);
		FZ_CHECK(isfinite(out.k) && out.k >= -1e-15 && out.k <= lgd * out.maturity_adjustment + 1e-12,
				 "K %g at pd %g lgd %g MA %g", out.k, pdu, lgd, out.maturity_adjustment);
		FZ_CHECK(out.risk_weight == 12.5 * out.k * p.scaling, "risk weight %g", out.risk_weight);
		FZ_CHECK(out.rwa == out.risk_weight * ead && out.capital == 0.08 * out.rwa, "RWA %g", out.rwa);
		if (pdu == 1.0)
		{
			double		be = isnan(p.elbe) ? lgd : p.elbe;

			FZ_CHECK(out.k == (lgd - be > 0 ? lgd - be : 0) && out.expected_loss == be * ead,
					 "defaulted K %g EL %g", out.k, out.expected_loss);
		}
		else
			FZ_CHECK(out.expected_loss == pdu * lgd * ead, "EL %g", out.expected_loss);
		rk_irb_capital(&p, (rk_irb_class) cls, pd, lgd, ead, m, sales, &again);
		FZ_CHECK(memcmp(&out, &again, sizeof(out)) == 0, "second call differs");
		if (pdu < 1.0 && (ead == 0 || (ead > 1e-100 && ead < 1e100)) && n < MAXEXP)
		{
			pd_[n] = out.pd;
			lgd_[n] = lgd;
			ead_[n] = ead;
			k_[n] = out.k;
			n++;
		}
	}
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
	{
		rk_sum_add(&s, &sc, ead_[i]);
		rk_sum_add(&q, &qc, ead_[i] * ead_[i]);
	}
	{
		double		h;
		rk_status	st = rk_hhi(s + sc, q + qc, &h);

		FZ_CHECK(st == RK_OK || st == RK_EMPTY || st == RK_OVERFLOW, "hhi status %d", (int) st);
		if (st == RK_OK && q + qc > 1e-250)
			FZ_CHECK(h <= 1 + 1e-12 && h >= 1.0 / n - 1e-12, "hhi %g of %d", h, n);
	}
	{
		double		se = 0,
					sek = 0,
					set = 0,
					ga1,
					ga3;
		int			k;

		for (k = 1; k <= 3; k += 2)
		{
			se = sek = set = 0;
			for (int rep = 0; rep < k; rep++)
				for (i = 0; i < n; i++)
				{
					double		t = rk_ga_term(k_[i], pd_[i], lgd_[i], 4.83, 0.25);

					FZ_CHECK(isfinite(t), "GA term %g at K %g pd %g lgd %g", t, k_[i], pd_[i], lgd_[i]);
					se += ead_[i];
					sek += ead_[i] * k_[i];
					set += ead_[i] * ead_[i] * t;
				}
			if (k == 1)
			{
				if (rk_ga_final(se, sek, set, &ga1) != RK_OK)
					return 0;
			}
			else if (rk_ga_final(se, sek, set, &ga3) == RK_OK && sek > 1e-200 && fabs(ga1) > 1e-200)
				FZ_CHECK(fabs(ga3 * 3 - ga1) <= 1e-9 * fabs(ga1) + 1e-300,
						 "GA of 3 copies %g, of one %g", ga3, ga1);
		}
	}
	return 0;
}
