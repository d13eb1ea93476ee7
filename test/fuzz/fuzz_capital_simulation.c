/*
 * fuzz_capital_simulation.c
 *     libFuzzer harness of the portfolio credit loss distribution of
 *     capital.c: the simulation of the one-factor Gaussian copula (rk_csim,
 *     with and without the Euler contributions), the weighted VaR and ES
 *     (rk_weighted_var_es) and CreditRisk+ (rk_creditriskplus).
 *
 * The input: a book of 1..12 loans whose pd, lgd, ead and rho come from
 * the shared value reader (any double: zeros, negatives, NaN, infinities,
 * huge values), sometimes all equal; 1000..1400 scenarios (sometimes
 * fewer than allowed), a seed, a level from fz_level, a factor shift
 * (sometimes not finite), sometimes a beta LGD standard deviation; for
 * CreditRisk+ a unit and a sigma2.
 *
 * Invariants: rk_csim refuses (BADARG) exactly when an option or a loan is
 * outside its domain, and otherwise returns OK with EL the sum of pd x
 * lgd x ead, 0 <= VaR <= ES <= the sum of lgd x ead (of ead with a beta
 * LGD; within rounding),
 * non-negative standard errors; with contributions the same figures to
 * the bit, each contribution in [0, lgd x ead], and their sum ES within
 * rounding; the same run twice gives the same bits.  rk_creditriskplus:
 * BADARG for a bad unit, sigma2, level or loan; when OK, 0 <= VaR <= ES
 * within rounding and VaR a multiple of the unit; NOSPACE, UNDERFLOW only
 * as documented.
 */
#include "core/capital.h"
#include "fuzz_common.h"

#define MAXN 12

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
loan_ok(double pd, double lgd, double ead, double rho, int with_rho)
{
	return pd >= 0 && pd <= 1 && lgd >= 0 && lgd <= 1 && ead >= 0 && isfinite(ead)
		&& (!with_rho || (rho >= 0 && rho < 1));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	double		pd[MAXN],
				lgd[MAXN],
				ead[MAXN],
				rho[MAXN],
				c[MAXN];
	int			n,
				same,
				ok = 1;
	rk_csim_opts o;
	rk_csim_result a,
				b;
	rk_status	st;
	double		total = 0.0,
				el = 0.0;

	memset(&o, 0, sizeof(o));
	fz_init(&r, data, size);
	n = (int) fz_range(&r, 1, MAXN);
	same = fz_u8(&r) & 1;
	for (int i = 0; i < n; i++)
	{
		if (same && i > 0)
		{
			pd[i] = pd[0];
			lgd[i] = lgd[0];
			ead[i] = ead[0];
			rho[i] = rho[0];
		}
		else
		{
			pd[i] = fz_u8(&r) & 1 ? fz_raw(&r) : fz_range(&r, 0, 1000) / 1000.0;
			lgd[i] = fz_u8(&r) & 1 ? fz_raw(&r) : fz_range(&r, 0, 100) / 100.0;
			ead[i] = fz_raw(&r);
			rho[i] = fz_u8(&r) & 1 ? fz_raw(&r) : fz_range(&r, 0, 99) / 100.0;
		}
		ok &= loan_ok(pd[i], lgd[i], ead[i], rho[i], 1);
		if (ok)
		{
			total += lgd[i] * ead[i];
			el += pd[i] * lgd[i] * ead[i];
		}
	}
	o.scenarios = fz_range(&r, 990, 1400);
	o.seed = fz_u32(&r);
	o.level = fz_level(&r);
	o.shift = fz_u8(&r) & 1 ? fz_raw(&r) : fz_range(&r, -400, 100) / 100.0;
	o.lgd_sd = fz_u8(&r) & 1 ? fz_range(&r, 0, 30) / 100.0 : 0.0;
	for (int i = 0; i < n; i++)
		ok &= rk_csim_beta_ok(lgd[i], o.lgd_sd);
	if (ok && o.lgd_sd > 0)
	{
		/* a beta LGD can reach 1: the bound is the sum of the EADs */
		total = 0.0;
		for (int i = 0; i < n; i++)
			total += ead[i];
	}
	st = rk_csim(pd, lgd, ead, rho, n, &o, &a, NULL);
	if (!ok || o.scenarios < RK_CSIM_MIN_SCENARIOS || !(o.level > 0 && o.level < 1)
		|| !isfinite(o.shift))
		FZ_CHECK(st == RK_BADARG, "bad input gave status %d", (int) st);
	else if (isfinite(total) && total < 1e300)
	{
		double		tol = 1e-9 * (total + 1.0);

		FZ_CHECK(st == RK_OK, "a good book gave status %d", (int) st);
		FZ_CHECK(fabs(a.expected_loss - el) <= tol, "EL %.17g, want %.17g", a.expected_loss, el);
		FZ_CHECK(a.var >= 0 && a.var <= a.es + tol && a.es <= total + tol,
				 "VaR %.17g, ES %.17g, total %.17g", a.var, a.es, total);
		FZ_CHECK(a.var_se >= 0 && a.es_se >= 0 && a.mean_loss_se >= 0, "negative standard error");
		st = rk_csim(pd, lgd, ead, rho, n, &o, &b, c);
		FZ_CHECK(st == RK_OK, "with contributions: status %d", (int) st);
		FZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0, "contributions changed the figures");
		{
			double		s = 0.0;

			for (int i = 0; i < n; i++)
			{
				FZ_CHECK(c[i] >= 0 && c[i] <= (o.lgd_sd > 0 ? 1.0 : lgd[i]) * ead[i] * (1 + 1e-12) + 1e-300,
						 "contribution %d: %.17g", i, c[i]);
				s += c[i];
			}
			FZ_CHECK(fabs(s - a.es) <= tol, "contributions add up to %.17g, ES %.17g", s, a.es);
		}
	}

	{
		double		unit = fz_u8(&r) & 1 ? fz_raw(&r) : fz_range(&r, 1, 1000);
		double		sigma2 = fz_u8(&r) & 1 ? fz_raw(&r) : fz_range(&r, 0, 400) / 100.0;
		rk_crp_result cr;
		int			crp_ok = 1;

		for (int i = 0; i < n; i++)
			crp_ok &= loan_ok(pd[i], lgd[i], ead[i], 0, 0);
		st = rk_creditriskplus(pd, lgd, ead, n, unit, sigma2, o.level, &cr, NULL, 0);
		if (!crp_ok || !(unit > 0 && isfinite(unit)) || !(sigma2 >= 0 && isfinite(sigma2))
			|| !(o.level > 0 && o.level < 1))
			FZ_CHECK(st == RK_BADARG, "CreditRisk+ bad input gave status %d", (int) st);
		else
		{
			FZ_CHECK(st == RK_OK || st == RK_NOSPACE || st == RK_UNDERFLOW,
					 "CreditRisk+ gave status %d", (int) st);
			if (st == RK_OK)
			{
				FZ_CHECK(cr.var >= 0 && cr.var == (double) cr.var_bands * unit,
						 "CreditRisk+ VaR %.17g", cr.var);
				FZ_CHECK(cr.es >= cr.var * (1 - 1e-9) - 1e-9, "CreditRisk+ ES %.17g < VaR %.17g",
						 cr.es, cr.var);
			}
		}
	}
	return 0;
}
