/*
 * fuzz_backtest.c
 *     libFuzzer harness of backtest.c: the christoffersen
 *     aggregate over a sequence of exception indicators, kupiec_pof and
 *     traffic_light, with src/backtest.c's checks (n > 0, 0 <= x <= n, a
 *     level strictly between 0 and 1).
 *
 * The sequence (up to 20000 days) comes from the input's bytes: a day is
 * an exception when its byte is below a threshold from the header, so the
 * rate ranges from none to all.  Separate counts up to 100000 feed
 * kupiec_pof and traffic_light, around the Basel case (250 days at 99%).
 *
 * Invariants: the likelihood ratios are finite and >= 0, chi-squared tail
 * probabilities in [0, 1]; Kupiec is OK; the traffic light is OK (a
 * special function may fail: NUMERIC) with the cumulative probability in
 * [0, 1], non-decreasing in x, the zone its thresholds give, and the plus
 * factor defined exactly for 250 days at 99%, then 0 (green), the Basel
 * table (yellow, 5 to 9 exceptions) or 1 (red).
 */
#include "core/backtest.h"
#include "fuzz_common.h"

#define MAX_DAYS 20000

/* kupiec_pof and traffic_light for x exceptions in n days at level p. */
static void
check_counts(int64_t n, int64_t x, double p)
{
	static const double yellow[5] = {0.40, 0.50, 0.65, 0.75, 0.85};
	double		alpha = 1.0 - p,
				lr = NAN,
				cp = NAN,
				plus = NAN;
	rk_zone	zone;
	int			defined = -1;
	rk_status st;

	if (n <= 0 || x < 0 || x > n || !(p > 0 && p < 1))
		return;
	st = rk_kupiec_lr(n, x, alpha, &lr);
	FZ_CHECK(st == (alpha > 0 && alpha < 1 ? RK_OK : RK_BADARG), "kupiec status %d", (int) st);
	if (st == RK_OK)
	{
		double		pv = rk_pchisq_upper(lr, 1.0);

		FZ_CHECK(isfinite(lr) && lr >= 0, "kupiec LR %.17g (n %ld x %ld alpha %.17g)", lr, (long) n, (long) x, alpha);
		FZ_CHECK(pv >= 0 && pv <= 1, "kupiec p-value %.17g at LR %.17g", pv, lr);
	}
	st = rk_basel_zone(x, n, alpha, &zone, &cp, &plus, &defined);
	FZ_CHECK(fz_status_valid(st), "traffic light status %d", (int) st);
	if (!(alpha > 0 && alpha < 1))
	{
		FZ_CHECK(st == RK_BADARG, "traffic light at alpha %.17g: status %d", alpha, (int) st);
		return;
	}
	FZ_CHECK(st == RK_OK || st == RK_NUMERIC, "traffic light status %d (n %ld x %ld alpha %.17g)",
			 (int) st, (long) n, (long) x, alpha);
	if (st != RK_OK)
		return;
	FZ_CHECK(cp >= 0 && cp <= 1, "cumulative probability %.17g", cp);
	FZ_CHECK(zone == (cp < 0.95 ? RK_ZONE_GREEN : cp < 0.9999 ? RK_ZONE_YELLOW : RK_ZONE_RED),
			 "zone %d at cumulative probability %.17g", (int) zone, cp);
	FZ_CHECK(defined == (n == 250 && fabs(alpha - 0.01) < 1e-12), "plus factor defined %d at n %ld alpha %.17g",
			 defined, (long) n, alpha);
	if (defined)
		FZ_CHECK(plus == (zone == RK_ZONE_GREEN ? 0.0 : zone == RK_ZONE_RED ? 1.0 : yellow[x - 5]),
				 "plus factor %.17g in zone %d with %ld exceptions", plus, (int) zone, (long) x);
	if (x > 0)
	{
		double		cp0 = rk_pbinom(x - 1, n, alpha);

		FZ_CHECK(isnan(cp0) || cp0 <= cp * (1 + 1e-12),
				 "P(X <= %ld) = %.17g above P(X <= %ld) = %.17g (n %ld alpha %.17g)",
				 (long) x - 1, cp0, (long) x, cp, (long) n, alpha);
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a level, counts and a sequence of exception days; check the backtests. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	double		p;
	uint8_t		thr,
				around;
	int64_t		t[2][2] = {{0, 0}, {0, 0}},
				n = 0,
				x = 0,
				cn,
				cx;
	int			prev = -1;

	fz_init(&r, data, size);
	p = fz_level(&r);
	thr = fz_u8(&r);
	around = fz_u8(&r);
	cn = fz_range(&r, 1, 100000);
	cx = fz_range(&r, 0, 100000);
	if (!(p > 0 && p < 1))
		return 0;

	/* christoffersen(exception ORDER BY day, p) */
	while (r.left > 0 && n < MAX_DAYS)
	{
		int			cur = fz_u8(&r) < thr;

		if (prev >= 0)
			t[prev][cur]++;
		prev = cur;
		n++;
		x += cur;
	}
	if (n > 0)
	{
		double		lr_ind = rk_christoffersen_lr_ind(t[0][0], t[0][1], t[1][0], t[1][1]),
					lr_uc = NAN,
					pv = rk_pchisq_upper(lr_ind, 1.0);
		rk_status st = rk_kupiec_lr(n, x, 1.0 - p, &lr_uc);

		FZ_CHECK(isfinite(lr_ind) && lr_ind >= 0, "independence LR %.17g", lr_ind);
		FZ_CHECK(pv >= 0 && pv <= 1, "independence p-value %.17g", pv);
		if (st == RK_OK)
		{
			double		pcc = rk_pchisq_upper(lr_uc + lr_ind, 2.0);

			FZ_CHECK(isfinite(lr_uc) && lr_uc >= 0, "unconditional LR %.17g", lr_uc);
			FZ_CHECK(pcc >= 0 && pcc <= 1, "conditional coverage p-value %.17g", pcc);
		}
		check_counts(n, x, p);
	}

	/* kupiec_pof / traffic_light: any counts, and the Basel neighbourhood */
	check_counts(cn, cx, p);
	check_counts(250, around % 20, p);
	check_counts(250, around % 20, 0.99);
	check_counts(250 + (around % 5) - 2, around % 12, 0.99);
	return 0;
}
