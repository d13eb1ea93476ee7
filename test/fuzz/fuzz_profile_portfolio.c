/*
 * fuzz_profile_portfolio.c
 *     libFuzzer harness of the portfolio risk of profile.c: the P&L vector
 *     built holding by holding (rk_portfolio_add), partial states merged
 *     (rk_portfolio_merge), the aligned days (rk_portfolio_align), their
 *     historical VaR and ES (rk_portfolio_var), the bootstrap over a
 *     horizon (rk_portfolio_bootstrap).
 *
 * The input: 1..8 holdings on a calendar of 0..400 days, amounts and
 * returns from the shared value reader (any double: zeros, negatives, NaN,
 * infinities, huge values), a bitmap of missing days per holding (as
 * PostgreSQL lays out an array with NULLs: the present values packed), a
 * rule for missing returns, a level from fz_level, and a bootstrap of
 * 1..12 days over 1..300 paths with a seed and a loss limit (sometimes
 * none).
 *
 * Invariants: a holding is refused (BADARG, nothing changed) exactly when
 * its amount is not positive and finite (bad = -1) or a present return is
 * not finite (bad = its first such day); an accepted holding adds amount
 * x return to each present day, in order, exactly as a plain loop, and
 * counts the missing days; two partial states merged give the sum of
 * their P&L and missing counts; the aligned days are the days without a
 * missing holding (drop) or all (zero), in order.  The VaR is exactly
 * minus the type-7 quantile of a sorted copy, ES minus the mean below it
 * within rounding, the input left as it was; statuses EMPTY (no day),
 * BADARG (alpha outside (0, 1)), OVERFLOW (exactly when a P&L is not
 * finite).  The bootstrap: EMPTY / BADARG as documented; OVERFLOW only
 * when a path can leave the doubles; when OK, finite VaR and ES with ES
 * at least VaR (within rounding) and |VaR| at most value (1 + g^h), g the
 * largest |1 + R|, p_loss in [0, 1] with its binomial standard error (NaN
 * without a limit), and a second run giving the same bits.
 */
#include <gsl/gsl_rng.h>

#include "core/profile.h"
#include "core/quantile.h"
#include "fuzz_common.h"

#define MAXH 8
#define MAXDAYS 400

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
present_bit(const uint8_t *bits, int t)
{
	return (bits[t / 8] >> (t % 8)) & 1;
}

/* The VaR and ES of the aligned days x[0..n), checked. */
static void
check_var(const double *x, int64_t n, double alpha)
{
	double	   *copy = malloc(sizeof(double) * (n > 0 ? n : 1));
	double		var = NAN,
				es = NAN;
	int			finite = 1;
	rk_status	st;

	memcpy(copy, x, sizeof(double) * n);
	for (int64_t t = 0; t < n; t++)
		finite &= isfinite(x[t]) != 0;
	st = rk_portfolio_var(x, n, alpha, &var, &es);
	FZ_CHECK(memcmp(copy, x, sizeof(double) * n) == 0, "rk_portfolio_var changed its input");
	if (n == 0)
		FZ_CHECK(st == RK_EMPTY, "no day gave status %d", (int) st);
	else if (!(alpha > 0 && alpha < 1))
		FZ_CHECK(st == RK_BADARG, "alpha %.17g gave status %d", alpha, (int) st);
	else if (!finite)
		FZ_CHECK(st == RK_OVERFLOW, "a P&L that is not finite gave status %d", (int) st);
	else
	{
		double	   *s = fz_sorted_copy(x, n),
					tailmean,
					q;
		int64_t		nbelow;

		FZ_CHECK(st == RK_OK, "status %d on %ld finite days", (int) st, (long) n);
		q = fz_ref_quantile(s, n, alpha, &tailmean, &nbelow);
		FZ_CHECK(var == -q, "VaR %.17g, minus the sorted quantile %.17g", var, -q);
		if (nbelow == 0)
			FZ_CHECK(es == var, "no day below the quantile: ES %.17g, VaR %.17g", es, var);
		else
		{
			double		tol = 64 * DBL_EPSILON * fz_maxabs(s, nbelow);

			FZ_CHECK(fabs(es + tailmean) <= tol, "ES %.17g, minus the mean below %.17g", es, -tailmean);
			FZ_CHECK(es >= var - tol, "ES %.17g below VaR %.17g", es, var);
		}
		free(s);
	}
	free(copy);
}

/* The bootstrap of the aligned days x[0..n) of a portfolio of `value`, checked. */
static void
check_bootstrap(const double *x, int64_t n, double value, const rk_portfolio_boot *b)
{
	rk_portfolio_boot_result r,
				again;
	rk_status	st = rk_portfolio_bootstrap(x, n, value, b, &r),
				st2;
	double		gmax = 0;
	int			finite = 1;

	if (n == 0)
	{
		FZ_CHECK(st == RK_EMPTY, "bootstrap of no day gave status %d", (int) st);
		return;
	}
	if (!(value > 0 && isfinite(value)) || !(b->alpha > 0 && b->alpha < 1))
	{
		FZ_CHECK(st == RK_BADARG, "value %.17g, alpha %.17g gave status %d", value, b->alpha, (int) st);
		return;
	}
	for (int64_t t = 0; t < n; t++)
	{
		double		g = fabs(1.0 + x[t] / value);

		finite &= isfinite(x[t]) && isfinite(g);
		if (g > gmax)
			gmax = g;
	}
	if (st == RK_OVERFLOW)
	{
		FZ_CHECK(!finite || !isfinite(value * (pow(gmax, b->horizon) + 1)),
				 "OVERFLOW though every path stays below %.17g", value * (pow(gmax, b->horizon) + 1));
		return;
	}
	FZ_CHECK(st == RK_OK, "bootstrap status %d", (int) st);
	FZ_CHECK(isfinite(r.var) && isfinite(r.es), "bootstrap VaR %.17g, ES %.17g", r.var, r.es);
	{
		double		bound = value * (pow(gmax, b->horizon) + 1) * (1 + 1e-12);
		double		tol = 64 * DBL_EPSILON * bound;

		FZ_CHECK(fabs(r.var) <= bound, "bootstrap |VaR| %.17g beyond value (1 + g^h) = %.17g", r.var, bound);
		FZ_CHECK(r.es >= r.var - tol, "bootstrap ES %.17g below VaR %.17g", r.es, r.var);
	}
	if (isnan(b->loss_limit))
		FZ_CHECK(isnan(r.p_loss) && isnan(r.p_loss_se), "no limit, p_loss %.17g", r.p_loss);
	else
	{
		FZ_CHECK(r.p_loss >= 0 && r.p_loss <= 1, "p_loss %.17g", r.p_loss);
		FZ_CHECK(r.p_loss_se == sqrt(r.p_loss * (1 - r.p_loss) / b->n_paths),
				 "p_loss_se %.17g", r.p_loss_se);
	}
	st2 = rk_portfolio_bootstrap(x, n, value, b, &again);
	FZ_CHECK(st2 == RK_OK && memcmp(&r, &again, sizeof(r)) == 0, "a second run differs");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	rd;
	int			h,
				n,
				split;
	uint8_t		flags;
	double		amounts[MAXH],
				r[MAXH * MAXDAYS],
				pnl[MAXDAYS] = {0},
				want[MAXDAYS] = {0},
				part_a[MAXDAYS] = {0},
				part_b[MAXDAYS] = {0},
				aligned[MAXDAYS],
				packed[MAXDAYS],
				value = 0,
				p;
	int32_t		missing[MAXDAYS] = {0},
				want_missing[MAXDAYS] = {0},
				miss_a[MAXDAYS] = {0},
				miss_b[MAXDAYS] = {0};
	uint8_t		bits[MAXH][(MAXDAYS + 7) / 8];
	int			holes[MAXH];
	rk_portfolio_missing rule;
	rk_portfolio_boot b;
	int64_t		days;
	size_t		got;

	fz_init(&rd, data, size);
	flags = fz_u8(&rd);
	h = (int) fz_range(&rd, 1, MAXH);
	n = (int) fz_range(&rd, 0, MAXDAYS);
	split = (int) fz_range(&rd, 0, MAXH);
	rule = (flags & 1) ? RK_PORTFOLIO_ZERO : RK_PORTFOLIO_DROP;
	p = fz_level(&rd);
	b.horizon = (int) fz_range(&rd, 1, 12);
	b.n_paths = fz_range(&rd, 1, 300);
	b.seed = fz_u32(&rd);
	b.alpha = 1.0 - p;
	b.loss_limit = (flags & 2) ? NAN : (double) fz_u16(&rd);
	for (int i = 0; i < h; i++)
	{
		/* amounts: mostly sane, sometimes anything */
		uint8_t		kind = fz_u8(&rd);

		amounts[i] = kind < 0xE0 ? 1 + (kind % 64) * 250.0 : (kind < 0xF0 ? fz_special(kind) : fz_raw(&rd));
		holes[i] = 0;
		memset(bits[i], 0xFF, sizeof(bits[i]));
		if (fz_u8(&rd) < 0x60)
			for (int t = 0; t < n; t++)
				if (fz_u8(&rd) < 0x20)
				{
					bits[i][t / 8] &= (uint8_t) ~(1 << (t % 8));
					holes[i] = 1;
				}
	}
	got = fz_values(&rd, r, (size_t) h * n);
	for (size_t k = got; k < (size_t) h * n; k++)
		r[k] = 0.001 * (double) ((k * 7) % 23) - 0.011;
	if (!(flags & 4))
		for (int k = 0; k < h * n; k++)
			r[k] *= 0.01;		/* daily returns of a percent or so */

	/* holding by holding, against a plain loop */
	for (int i = 0; i < h; i++)
	{
		const double *ri = r + (size_t) i * n;
		int			m = 0,
					first_bad = -1,
					amount_ok = amounts[i] > 0 && isfinite(amounts[i]);
		int64_t		bad = 12345;
		double		before[MAXDAYS];
		int32_t		before_missing[MAXDAYS];
		rk_status	st;

		/* the present values packed, as in an array with NULLs */
		for (int t = 0; t < n; t++)
			if (!holes[i] || present_bit(bits[i], t))
			{
				packed[m++] = ri[t];
				if (first_bad < 0 && !isfinite(ri[t]))
					first_bad = t;
			}
		memcpy(before, pnl, sizeof(pnl));
		memcpy(before_missing, missing, sizeof(missing));
		st = rk_portfolio_add(pnl, missing, n, amounts[i], packed, holes[i] ? bits[i] : NULL, &bad);
		if (!amount_ok || first_bad >= 0)
		{
			FZ_CHECK(st == RK_BADARG && bad == (amount_ok ? first_bad : -1),
					 "holding %d (amount %.17g, first bad day %d): status %d, bad %ld",
					 i, amounts[i], first_bad, (int) st, (long) bad);
			FZ_CHECK(memcmp(before, pnl, sizeof(pnl)) == 0
					 && memcmp(before_missing, missing, sizeof(missing)) == 0,
					 "a refused holding changed the state");
			amounts[i] = NAN;	/* left out of what follows */
			continue;
		}
		FZ_CHECK(st == RK_OK, "holding %d: status %d", i, (int) st);
		value += amounts[i];
		for (int t = 0, j = 0; t < n; t++)
		{
			if (!holes[i] || present_bit(bits[i], t))
				want[t] += amounts[i] * packed[j++];
			else
				want_missing[t]++;
			/* NaN == NaN fails: compare the bits */
			FZ_CHECK(memcmp(&want[t], &pnl[t], sizeof(double)) == 0 && want_missing[t] == missing[t],
					 "day %d after holding %d: P&L %.17g, want %.17g; missing %d, want %d",
					 t, i, pnl[t], want[t], missing[t], want_missing[t]);
		}
		/* the same holding into one of two partial states */
		rk_portfolio_add(i < split ? part_a : part_b, i < split ? miss_a : miss_b, n, amounts[i],
						 packed, holes[i] ? bits[i] : NULL, &bad);
	}

	/* two partial states merged */
	{
		double		sum[MAXDAYS];

		for (int t = 0; t < n; t++)
			sum[t] = part_a[t] + part_b[t];
		rk_portfolio_merge(part_a, miss_a, part_b, miss_b, n);
		for (int t = 0; t < n; t++)
			FZ_CHECK(memcmp(&sum[t], &part_a[t], sizeof(double)) == 0 && miss_a[t] == missing[t],
					 "merged day %d: P&L %.17g, want %.17g; missing %d, want %d",
					 t, part_a[t], sum[t], miss_a[t], missing[t]);
	}

	/* the aligned days */
	days = rk_portfolio_align(pnl, missing, n, rule, aligned);
	{
		int64_t		k = 0;

		for (int t = 0; t < n; t++)
			if (rule == RK_PORTFOLIO_ZERO || missing[t] == 0)
			{
				FZ_CHECK(k < days && memcmp(&aligned[k], &pnl[t], sizeof(double)) == 0,
						 "aligned day %ld is not day %d", (long) k, t);
				k++;
			}
		FZ_CHECK(k == days, "%ld aligned days, want %ld", (long) days, (long) k);
	}

	check_var(aligned, days, 1.0 - p);
	if (!(flags & 8))
		check_bootstrap(aligned, days, value, &b);

	return 0;
}
