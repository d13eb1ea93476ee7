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

#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "core/quantile.h"

/* A portfolio of h holdings on n days; returns with a day missing now and then. */
typedef struct pf_case
{
	int			h,
				n;
	double	   *amount;
	double	   *r;				/* h x n, NaN: missing */
} pf_case;

static pf_case
pf_make(int h, int n, double missing_share)
{
	pf_case		c = {h, n, malloc(sizeof(double) * h), malloc(sizeof(double) * h * n)};

	for (int i = 0; i < h; i++)
	{
		c.amount[i] = 1000 + floor(urand() * 100000) / 4;
		for (int t = 0; t < n; t++)
			c.r[i * n + t] = urand() < missing_share ? NAN : 0.01 * (1 + i % 3) * nrand();
	}
	return c;
}

static void
pf_free(pf_case *c)
{
	free(c->amount);
	free(c->r);
}

/* Holding i as PostgreSQL lays it out: the present values packed, a bitmap. */
static int
pf_pack(const pf_case *c, int i, double *vals, uint8_t *bits)
{
	int			any_missing = 0,
				j = 0;

	memset(bits, 0, (c->n + 7) / 8);
	for (int t = 0; t < c->n; t++)
	{
		double		v = c->r[i * c->n + t];

		if (isnan(v))
			any_missing = 1;
		else
		{
			bits[t / 8] |= 1 << (t % 8);
			vals[j++] = v;
		}
	}
	return any_missing;
}

/* Add holdings [from, to) of c to (pnl, missing). */
static void
pf_add_range(const pf_case *c, int from, int to, double *pnl, int32_t *missing)
{
	double	   *vals = malloc(sizeof(double) * c->n);
	uint8_t    *bits = malloc((c->n + 7) / 8);
	int64_t		bad = 99;

	for (int i = from; i < to; i++)
	{
		int			holes = pf_pack(c, i, vals, bits);
		rk_status	rc = rk_portfolio_add(pnl, missing, c->n, c->amount[i], vals,
										  holes ? bits : NULL, &bad);

		if (rc != RK_OK)
			check(0, "rk_portfolio_add of a valid holding", rc, RK_OK);
	}
	free(vals);
	free(bits);
}

/* The P&L and missing counts as a direct sum in the holdings' order. */
UNIT_TEST(test_portfolio_add)
{
	enum {H = 7, N = 300};
	pf_case		c = pf_make(H, N, 0.02);
	double		pnl[N] = {0},
				want[N],
				half[N] = {0},
				rest[N] = {0};
	int32_t		missing[N] = {0},
				want_missing[N],
				mhalf[N] = {0},
				mrest[N] = {0};
	int			same = 1,
				same_missing = 1;

	pf_add_range(&c, 0, H, pnl, missing);
	for (int t = 0; t < N; t++)
	{
		double		s = 0;

		want_missing[t] = 0;
		for (int i = 0; i < H; i++)
		{
			double		v = c.r[i * N + t];

			if (isnan(v))
				want_missing[t]++;
			else
				s += c.amount[i] * v;
		}
		want[t] = s;
		same &= pnl[t] == want[t];
		same_missing &= missing[t] == want_missing[t];
	}
	check(same, "P&L of a day: the plain sum of amount x return in the holdings' order", pnl[0], want[0]);
	check(same_missing, "missing counts of each day", missing[0], want_missing[0]);

	/* two partial states merged: the whole up to the order of the sums */
	pf_add_range(&c, 0, 3, half, mhalf);
	pf_add_range(&c, 3, H, rest, mrest);
	rk_portfolio_merge(half, mhalf, rest, mrest, N);
	same = same_missing = 1;
	for (int t = 0; t < N; t++)
	{
		same &= fabs(half[t] - want[t]) <= 1e-12 * (fabs(want[t]) + 1e-300) + 1e-9;
		same_missing &= mhalf[t] == want_missing[t];
	}
	check(same, "merged partial states: the P&L within rounding", half[0], want[0]);
	check(same_missing, "merged partial states: the missing counts", mhalf[0], want_missing[0]);
	/* a partial state without missing days merged into one with none */
	{
		double		a[3] = {1, 2, 3},
					b[3] = {0.5, 0.25, 0.125};

		rk_portfolio_merge(a, NULL, b, NULL, 3);
		check(a[0] == 1.5 && a[1] == 2.25 && a[2] == 3.125, "merge without missing counts", a[2], 3.125);
	}
	pf_free(&c);
}

/* Bad amounts and returns: BADARG, the day named, nothing changed. */
UNIT_TEST(test_portfolio_add_bad)
{
	double		pnl[5] = {1, 2, 3, 4, 5},
				r[5] = {0.01, 0.02, -0.01, 0.03, 0.0},
				before[5];
	int32_t		missing[5] = {0, 1, 0, 0, 0};
	int64_t		bad = 42;
	const double amounts[] = {0, -0.0, -1, NAN, INFINITY, -INFINITY};
	uint8_t		bits = 0x1D;	/* day 1 missing: r holds days 0, 2, 3, 4 */
	int			ok = 1;

	memcpy(before, pnl, sizeof(pnl));
	for (size_t k = 0; k < sizeof(amounts) / sizeof(amounts[0]); k++)
	{
		bad = 42;
		ok &= rk_portfolio_add(pnl, missing, 5, amounts[k], r, NULL, &bad) == RK_BADARG && bad == -1;
	}
	check(ok, "an amount not positive and finite: BADARG, bad = -1", bad, -1);
	for (int t = 0; t < 5; t++)
	{
		const double nonfinite[3] = {NAN, INFINITY, -INFINITY};

		for (int k = 0; k < 3; k++)
		{
			double		rr[5];

			memcpy(rr, r, sizeof(r));
			rr[t] = nonfinite[k];
			ok &= rk_portfolio_add(pnl, missing, 5, 100, rr, NULL, &bad) == RK_BADARG && bad == t;
			/* with day 1 missing the packed value j is day j < 1 ? j : j + 1 */
			if (t < 4)
				ok &= rk_portfolio_add(pnl, missing, 5, 100, rr, &bits, &bad) == RK_BADARG
					&& bad == (t < 1 ? t : t + 1);
		}
	}
	check(ok, "a non-finite return: BADARG naming its day", bad, 4);
	check(memcmp(pnl, before, sizeof(pnl)) == 0 && missing[1] == 1 && missing[0] == 0,
		  "nothing changed by a refused holding", pnl[0], before[0]);
	ok = rk_portfolio_add(pnl, NULL, 5, 100, r, &bits, &bad) == RK_BADARG && bad == -2;
	check(ok, "a bitmap without missing counts: BADARG, bad = -2", bad, -2);
	/* a valid holding with day 1 missing */
	ok = rk_portfolio_add(pnl, missing, 5, 100, r, &bits, &bad) == RK_OK
		&& pnl[0] == 1 + 100 * 0.01 && pnl[1] == 2 && pnl[2] == 3 + 100 * 0.02
		&& pnl[3] == 4 + 100 * -0.01 && pnl[4] == 5 + 100 * 0.03 && missing[1] == 2 && missing[2] == 0;
	check(ok, "a holding with a missing day: the packed values on their days", pnl[4], 8);
	/* no day at all */
	ok = rk_portfolio_add(pnl, missing, 0, 100, r, NULL, &bad) == RK_OK;
	check(ok, "an empty calendar adds nothing", 0, 0);
}

UNIT_TEST(test_portfolio_align)
{
	double		pnl[6] = {1, -2, 3, -4, 5, -6},
				out[6];
	int32_t		missing[6] = {0, 1, 0, 2, 0, 0};
	int64_t		n;

	n = rk_portfolio_align(pnl, missing, 6, RK_PORTFOLIO_DROP, out);
	check(n == 4 && out[0] == 1 && out[1] == 3 && out[2] == 5 && out[3] == -6,
		  "drop: the days without a missing return, in order", n, 4);
	n = rk_portfolio_align(pnl, missing, 6, RK_PORTFOLIO_ZERO, out);
	check(n == 6 && memcmp(out, pnl, sizeof(pnl)) == 0, "zero: every day", n, 6);
	n = rk_portfolio_align(pnl, NULL, 6, RK_PORTFOLIO_DROP, out);
	check(n == 6 && memcmp(out, pnl, sizeof(pnl)) == 0, "drop without missing counts: every day", n, 6);
}

/* VaR and ES: the market area's historical figures, x unchanged. */
UNIT_TEST(test_portfolio_var)
{
	enum {N = 777};
	double		x[N],
				copy[N],
				var,
				es,
				wv,
				we;
	const double levels[] = {0.99, 0.95, 0.975, 0.5, 0.999};

	for (int t = 0; t < N; t++)
		x[t] = t % 50 == 0 ? 0 : 1000 * nrand() * (1 + (t % 7 == 0));
	memcpy(copy, x, sizeof(x));
	for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++)
	{
		rk_status	rc = rk_portfolio_var(x, N, 1.0 - levels[k], &var, &es);

		naive_hist(copy, N, 1.0 - levels[k], &wv, &we);
		check(rc == RK_OK && var == wv, "portfolio VaR: minus the type-7 quantile, exactly", var, wv);
		check_close(es, we, 1e-14, "portfolio ES: minus the mean below the quantile");
	}
	check(memcmp(x, copy, sizeof(x)) == 0, "the aligned P&L is left as it was", x[0], copy[0]);
	check(rk_portfolio_var(x, 0, 0.01, &var, &es) == RK_EMPTY, "no day: EMPTY", 0, 0);
	check(rk_portfolio_var(x, N, 0, &var, &es) == RK_BADARG
		  && rk_portfolio_var(x, N, 1, &var, &es) == RK_BADARG
		  && rk_portfolio_var(x, N, NAN, &var, &es) == RK_BADARG, "alpha outside (0, 1): BADARG", 0, 0);
	x[5] = INFINITY;
	check(rk_portfolio_var(x, N, 0.01, &var, &es) == RK_OVERFLOW, "an overflowed P&L: OVERFLOW", 0, 0);
	x[5] = NAN;
	check(rk_portfolio_var(x, N, 0.01, &var, &es) == RK_OVERFLOW, "a NaN P&L: OVERFLOW", 0, 0);
	/* one day: VaR and ES are its loss */
	x[0] = -250;
	check(rk_portfolio_var(x, 1, 0.01, &var, &es) == RK_OK && var == 250 && es == 250,
		  "one day: its loss", var, 250);
}

/* The draws are gsl_rng_uniform_int's on gsl_rng_mt19937, one for one. */
UNIT_TEST(test_portfolio_draws)
{
	enum {COUNT = 20000};
	const unsigned long seeds[] = {1, 2, 0, 4357, 42, 123456789, 4294967295UL, 4294967296UL + 7};
	const uint32_t ns[] = {1, 2, 3, 7, 250, 252, 500, 1000003, 2147483647U, 2147483648U,
	3000000000U, 4294967295U};
	uint32_t   *got = malloc(sizeof(uint32_t) * COUNT);
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	int			ok = 1,
				cases = 0;

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		for (size_t j = 0; j < sizeof(ns) / sizeof(ns[0]); j++)
		{
			if (rk_portfolio_draws(seeds[i], ns[j], COUNT, got) != RK_OK)
				ok = 0;
			gsl_rng_set(r, seeds[i]);
			for (int k = 0; k < COUNT; k++)
				if (got[k] != gsl_rng_uniform_int(r, ns[j]))
				{
					ok = 0;
					break;
				}
			cases++;
		}
	check(ok && cases == 96, "draws equal gsl_rng_uniform_int on gsl_rng_mt19937 (8 seeds, 12 ranges, 20,000 each)",
		  ok, 1);
	check(rk_portfolio_draws(1, 0, 10, got) == RK_BADARG, "draws from an empty range: BADARG", 0, 0);
	gsl_rng_free(r);
	free(got);
}

/* The bootstrap done the slow way: GSL's generator, a product per path, naive_hist. */
static void
pf_naive_bootstrap(const double *x, int days, double value, const rk_portfolio_boot *b,
				   rk_portfolio_boot_result *out)
{
	gsl_rng    *r = gsl_rng_alloc(gsl_rng_mt19937);
	double	   *paths = malloc(sizeof(double) * b->n_paths);
	int64_t		above = 0;

	gsl_rng_set(r, b->seed);
	for (int64_t p = 0; p < b->n_paths; p++)
	{
		double		prod = 1;

		for (int h = 0; h < b->horizon; h++)
			prod *= 1.0 + x[gsl_rng_uniform_int(r, days)] / value;
		paths[p] = value * (prod - 1.0);
		above += value * (1.0 - prod) > b->loss_limit;
	}
	naive_hist(paths, b->n_paths, b->alpha, &out->var, &out->es);
	out->p_loss = (double) above / b->n_paths;
	out->p_loss_se = sqrt(out->p_loss * (1 - out->p_loss) / b->n_paths);
	free(paths);
	gsl_rng_free(r);
}

UNIT_TEST(test_portfolio_bootstrap)
{
	enum {N = 400};
	double		x[N],
				value = 250000;
	rk_portfolio_boot b = {20, 5000, 7, 0.01, 5000};
	rk_portfolio_boot_result got,
				again,
				want;
	rk_status	rc;

	for (int t = 0; t < N; t++)
		x[t] = value * (0.0003 + 0.012 * nrand());
	rc = rk_portfolio_bootstrap(x, N, value, &b, &got);
	pf_naive_bootstrap(x, N, value, &b, &want);
	check(rc == RK_OK && got.var == want.var, "bootstrap VaR: GSL's draws, the type-7 quantile of the paths' P&L",
		  got.var, want.var);
	check_close(got.es, want.es, 1e-13, "bootstrap ES");
	check(got.p_loss == want.p_loss && got.p_loss_se == want.p_loss_se,
		  "bootstrap probability of a loss beyond the limit and its standard error", got.p_loss, want.p_loss);
	check(got.p_loss > 0.05 && got.p_loss < 0.95, "the limit is inside the distribution (a test that can fail)",
		  got.p_loss, 0.5);
	rk_portfolio_bootstrap(x, N, value, &b, &again);
	check(memcmp(&got, &again, sizeof(got)) == 0, "the same seed: the same figures", again.var, got.var);
	b.seed = 8;
	rk_portfolio_bootstrap(x, N, value, &b, &again);
	check(again.var != got.var && fabs(again.var - got.var) < 0.2 * got.var,
		  "another seed: other figures, close", again.var, got.var);

	/* no limit: no probability */
	b.loss_limit = NAN;
	rc = rk_portfolio_bootstrap(x, N, value, &b, &again);
	check(rc == RK_OK && isnan(again.p_loss) && isnan(again.p_loss_se) && isfinite(again.var),
		  "without a limit p_loss is NaN", again.p_loss, NAN);

	/* a constant return: every path is (1 + R)^h */
	{
		double		c[3] = {-1000, -1000, -1000};
		rk_portfolio_boot k = {10, 100, 1, 0.05, 0};
		double		loss = -100000 * (pow(0.99, 10) - 1);

		rc = rk_portfolio_bootstrap(c, 3, 100000, &k, &again);
		check(rc == RK_OK && fabs(again.var - loss) < 1e-9 && fabs(again.es - loss) < 1e-9
			  && again.p_loss == 1 && again.p_loss_se == 0,
			  "a constant return of -1%: every path loses 1 - 0.99^10", again.var, loss);
	}

	/* horizon 1: the paths are the days; the share beyond the limit agrees */
	{
		rk_portfolio_boot one = {1, 200000, 3, 0.01, 0.02 * value};
		int			beyond = 0;
		double		p;

		for (int t = 0; t < N; t++)
			beyond += -x[t] > one.loss_limit;
		p = (double) beyond / N;
		rc = rk_portfolio_bootstrap(x, N, value, &one, &again);
		check(rc == RK_OK && fabs(again.p_loss - p) < 4 * sqrt(p * (1 - p) / one.n_paths),
			  "horizon 1: the share of days beyond the limit, within 4 standard errors", again.p_loss, p);
	}

	/* statuses */
	b.loss_limit = 5000;
	check(rk_portfolio_bootstrap(x, 0, value, &b, &again) == RK_EMPTY, "bootstrap of no day: EMPTY", 0, 0);
	{
		rk_portfolio_boot bad = b;
		int			ok = 1;

		ok &= rk_portfolio_bootstrap(x, N, 0, &b, &again) == RK_BADARG;
		ok &= rk_portfolio_bootstrap(x, N, INFINITY, &b, &again) == RK_BADARG;
		bad.horizon = 0;
		ok &= rk_portfolio_bootstrap(x, N, value, &bad, &again) == RK_BADARG;
		bad = b;
		bad.n_paths = 0;
		ok &= rk_portfolio_bootstrap(x, N, value, &bad, &again) == RK_BADARG;
		bad = b;
		bad.alpha = 1;
		ok &= rk_portfolio_bootstrap(x, N, value, &bad, &again) == RK_BADARG;
		check(ok, "bootstrap: value, horizon, n_paths or alpha out of range: BADARG", ok, 1);
	}
	{
		double		huge[2] = {1e200, 1e200};
		rk_portfolio_boot k = {10, 10, 1, 0.01, NAN};

		check(rk_portfolio_bootstrap(huge, 2, 1, &k, &again) == RK_OVERFLOW,
			  "a path that overflows: OVERFLOW", 0, 0);
	}
}

/* The bootstrap stops at each of its checkpoints, freeing what it holds. */
static int	pf_stop_at,
			pf_stop_seen;

static int
pf_stop_counter(void)
{
	return pf_stop_at > 0 && ++pf_stop_seen == pf_stop_at;
}

UNIT_TEST(test_portfolio_cancel)
{
	enum {N = 250};
	double		x[N];
	rk_portfolio_boot b = {252, 3000, 1, 0.01, 1000};
	rk_portfolio_boot_result want,
				got;
	int			(*saved) (void) = rk_stop_hook;
	int			reached = 0,
				ok = 1,
				at;

	for (int t = 0; t < N; t++)
		x[t] = 100000 * 0.01 * nrand();
	rk_stop_hook = NULL;
	ok &= rk_portfolio_bootstrap(x, N, 100000, &b, &want) == RK_OK;
	rk_stop_hook = pf_stop_counter;
	for (at = 1; at < 1000; at++)
	{
		rk_status	rc;

		pf_stop_at = at;
		pf_stop_seen = 0;
		rc = rk_portfolio_bootstrap(x, N, 100000, &b, &got);
		if (rc == RK_CANCELLED)
		{
			reached++;
			continue;
		}
		ok &= rc == RK_OK && memcmp(&got, &want, sizeof(got)) == 0;
		break;
	}
	rk_stop_hook = saved;
	pf_stop_at = 0;
	/* 756,000 draws: a checkpoint every 65,536, then the selection's */
	check(ok && reached >= 11, "rk_portfolio_bootstrap: cancelled at each checkpoint, then the same answer",
		  reached, 11);
}

/* ---- risk profile ----------------------------------------------------- */
