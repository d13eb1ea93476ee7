/*
 * fuzz_scorecard_woe.c
 *     libFuzzer harness of scorecard.c's weight-of-evidence binning: the
 *     woe_bins aggregate's binning, as src/scorecard.c calls it.
 *
 * The characteristic is finite (a NULL one is a missing value that the SQL
 * face keeps apart: the core never sees it), the label 0 or 1, max_bins in
 * 1..50, min_share in [0, 0.5); the core runs from 2 rows on, with room for
 * exactly 50 bins.  Up to 2000 rows; the label is drawn from the values in
 * one of four ways: independent of x, noisy in x, a step in x, or set by
 * any non-zero value.
 *
 * Invariants: DEGENERATE exactly when one class is missing, OK otherwise;
 * 1 <= bins <= max_bins; the edges run from -Inf to +Inf, each bin's upper
 * edge the next one's lower, strictly increasing; counting the rows by the
 * edges gives each bin's goods and bads; every bin holds at least min_share
 * of the rows unless there is one bin; shares sum to 1; the bad rate is
 * monotonic across the bins; WOE and IV are finite and the IV the sum of
 * the bins'.
 */
#include "core/scorecard.h"
#include "fuzz_common.h"

#define MAX_ROWS 2000

/* The bin of x by the edges: lower <= x < upper. */
static int
bin_of(const rk_woe_bin *b, int nb, double x)
{
	int			i;

	for (i = 0; i < nb; i++)
		if (b[i].lower <= x && x < b[i].upper)
			return i;
	return -1;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode max_bins, min_share, a label rule and (x, label) pairs; bin and check. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double shares[8] = {0.05, 0.0, 0.01, 0.1, 0.2, 0.3, 0.49, 0.02};
	fz_reader	r;
	int			max_bins,
				mode,
				nb = -1,
				i,
				dir = 0;
	uint8_t		sb;
	double		min_share,
				iv = NAN,
			   *v,
			   *pairs,
			   *orig,
				ivsum = 0,
				sharesum = 0;
	int64_t		nv,
				n = 0,
				row,
				tb = 0,
				tg = 0,
				gsum = 0,
				bsum = 0;
	int64_t    *cg,
			   *cb;
	rk_woe_bin *out;
	rk_status st;

	fz_init(&r, data, size);
	max_bins = fz_u8(&r) < 64 ? 10 : (int) fz_range(&r, 1, 50);
	sb = fz_u8(&r);
	min_share = sb < 0xF0 ? shares[sb % 8] : fz_raw(&r);
	mode = fz_u8(&r) & 3;
	/* the SQL face's checks of max_bins and min_share */
	if (max_bins < 1 || max_bins > 50 || !(min_share >= 0 && min_share < 0.5))
		return 0;

	v = malloc(sizeof(double) * 2 * MAX_ROWS);
	pairs = malloc(sizeof(double) * 2 * MAX_ROWS);
	orig = malloc(sizeof(double) * 2 * MAX_ROWS);
	nv = (int64_t) fz_values(&r, v, 2 * MAX_ROWS);
	for (row = 0; row + 1 < nv; row += 2)
	{
		double		x = v[row],
					w = v[row + 1],
					y;

		if (!isfinite(x))
			continue;			/* NULL: missing; +-Inf: refused */
		switch (mode)
		{
			case 0:
				y = w > 0;
				break;
			case 1:
				y = x + w > 0;
				break;
			case 2:
				y = x > w;
				break;
			default:
				y = w != 0;
				break;
		}
		pairs[2 * n] = orig[2 * n] = x;
		pairs[2 * n + 1] = orig[2 * n + 1] = y;
		tb += y != 0;
		tg += y == 0;
		n++;
	}
	if (n < 2)
		goto done;

	out = malloc(sizeof(rk_woe_bin) * 50);
	st = rk_woe_binning(pairs, n, max_bins, min_share, out, &nb, &iv);
	FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
	FZ_CHECK(st == ((tb == 0 || tg == 0) ? RK_DEGENERATE : RK_OK),
			 "status %d with %ld bads and %ld goods", (int) st, (long) tb, (long) tg);
	if (st != RK_OK)
	{
		free(out);
		goto done;
	}
	FZ_CHECK(nb >= 1 && nb <= max_bins, "%d bins, max_bins %d", nb, max_bins);
	FZ_CHECK(out[0].lower == -INFINITY && out[nb - 1].upper == INFINITY,
			 "edges %.17g .. %.17g", out[0].lower, out[nb - 1].upper);
	for (i = 0; i < nb; i++)
	{
		int64_t		cnt = out[i].goods + out[i].bads;

		FZ_CHECK(out[i].lower < out[i].upper, "bin %d: [%.17g, %.17g)", i, out[i].lower, out[i].upper);
		if (i + 1 < nb)
			FZ_CHECK(out[i].upper == out[i + 1].lower, "bin %d ends at %.17g, the next starts at %.17g",
					 i, out[i].upper, out[i + 1].lower);
		FZ_CHECK(out[i].goods >= 0 && out[i].bads >= 0 && cnt > 0, "bin %d: %ld goods %ld bads",
				 i, (long) out[i].goods, (long) out[i].bads);
		FZ_CHECK(nb == 1 || (double) cnt / (double) n >= min_share,
				 "bin %d holds %ld of %ld rows, below min_share %.17g", i, (long) cnt, (long) n, min_share);
		FZ_CHECK(fabs(out[i].share - (double) cnt / (double) n) <= 4 * DBL_EPSILON,
				 "bin %d: share %.17g, counts give %.17g", i, out[i].share, (double) cnt / (double) n);
		FZ_CHECK(isfinite(out[i].woe) && isfinite(out[i].iv), "bin %d: woe %.17g iv %.17g",
				 i, out[i].woe, out[i].iv);
		gsum += out[i].goods;
		bsum += out[i].bads;
		sharesum += out[i].share;
		ivsum += out[i].iv;
		/* bad rates b/c compared exactly: b_i c_{i+1} against b_{i+1} c_i */
		if (i + 1 < nb)
		{
			int64_t		lhs = out[i].bads * (out[i + 1].goods + out[i + 1].bads),
						rhs = out[i + 1].bads * cnt;
			int			d = (rhs > lhs) - (rhs < lhs);

			FZ_CHECK(d == 0 || dir == 0 || d == dir,
					 "bad rate not monotonic at bin %d (%ld/%ld then %ld/%ld)", i + 1,
					 (long) out[i + 1].bads, (long) (out[i + 1].goods + out[i + 1].bads),
					 (long) out[i].bads, (long) cnt);
			if (d != 0)
				dir = d;
		}
	}
	FZ_CHECK(gsum == tg && bsum == tb, "bins hold %ld goods %ld bads, the data %ld and %ld",
			 (long) gsum, (long) bsum, (long) tg, (long) tb);
	FZ_CHECK(fabs(sharesum - 1.0) <= 64 * DBL_EPSILON, "shares sum to %.17g", sharesum);
	FZ_CHECK(isfinite(iv) && fabs(iv - ivsum) <= 64 * DBL_EPSILON * (fabs(iv) + 1),
			 "IV %.17g, the bins' sum %.17g", iv, ivsum);

	/* every row falls in the bin its edges say, and the counts agree */
	cg = calloc(nb, sizeof(int64_t));
	cb = calloc(nb, sizeof(int64_t));
	for (row = 0; row < n; row++)
	{
		int			b = bin_of(out, nb, orig[2 * row]);

		FZ_CHECK(b >= 0, "x = %.17g is in no bin", orig[2 * row]);
		if (orig[2 * row + 1] != 0)
			cb[b]++;
		else
			cg[b]++;
	}
	for (i = 0; i < nb; i++)
		FZ_CHECK(cg[i] == out[i].goods && cb[i] == out[i].bads,
				 "bin %d [%.17g, %.17g): %ld goods %ld bads by its edges, %ld and %ld reported",
				 i, out[i].lower, out[i].upper, (long) cg[i], (long) cb[i],
				 (long) out[i].goods, (long) out[i].bads);
	free(cg);
	free(cb);
	free(out);
done:
	free(orig);
	free(pairs);
	free(v);
	return 0;
}
