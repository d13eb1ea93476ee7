/*
 * fuzz_market_quantile.c
 *     libFuzzer harness of quantile.c and sortedvec.c: historical VaR/ES
 *     (rk_hist_var_es, rk_sv_var_es), selection, sorting, the merges of
 *     sorted runs (the flagged value buffers in parallel) and the mean.
 *
 * As var_historical / es_historical do: returns are finite (the SQL face
 * rejects the rest), the level p is strictly between 0 and 1 and the core
 * gets alpha = 1 - p.  Up to 5000 values, so that the radix sort (4096 and
 * more) is reached.
 *
 * Invariants: the status is EMPTY, BADARG (alpha rounds to 1) or OK; VaR
 * is exactly minus the type-7 quantile of a sorted copy; ES is minus the
 * mean of the values strictly below it (within rounding), finite, and
 * VaR <= ES; the buffer comes back a permutation of its input; the sorted
 * array variant agrees; rk_select_kth partitions around the k-th value;
 * rk_sort_doubles sorts; rk_mean lies within [min, max]; sorted runs
 * merge into the sorted whole, and the values of two flags into pairs in
 * the order rk_sort_pairs gives.
 */
#include "core/quantile.h"
#include "core/sortedvec.h"
#include "fuzz_common.h"

#define MAX_VALUES 5000

/* v moved k ulps down: slack for a mean computed with rounding. */
static double
ulps_down(double v, int k)
{
	while (k-- > 0)
		v = nextafter(v, -INFINITY);
	return v;
}

/* v moved k ulps up. */
static double
ulps_up(double v, int k)
{
	while (k-- > 0)
		v = nextafter(v, INFINITY);
	return v;
}

/* Check rk_hist_var_es and rk_sv_var_es on x[0..n-1] at level p. */
static void
check_hist(const double *vals, int64_t n, double p)
{
	double		alpha = 1.0 - p;
	double	   *x = malloc(sizeof(double) * (n > 0 ? n : 1));
	double	   *s = fz_sorted_copy(vals, n);
	double		var = NAN,
				es = NAN,
				var2 = NAN,
				es2 = NAN,
				tailmean,
				q;
	int64_t		nbelow;
	rk_status st;

	memcpy(x, vals, sizeof(double) * n);
	st = rk_hist_var_es(x, n, alpha, &var, &es);
	FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
	if (n == 0)
	{
		FZ_CHECK(st == RK_EMPTY, "n = 0 gave status %d", (int) st);
		goto done;
	}
	if (!(alpha > 0 && alpha < 1))
	{
		FZ_CHECK(st == RK_BADARG, "alpha %.17g gave status %d", alpha, (int) st);
		goto done;
	}
	FZ_CHECK(st == RK_OK, "n = %ld, alpha %.17g gave status %d", (long) n, alpha, (int) st);

	q = fz_ref_quantile(s, n, alpha, &tailmean, &nbelow);
	FZ_CHECK(var == -q, "VaR %.17g, minus the sorted quantile %.17g (n = %ld, alpha %.17g)",
			 var, -q, (long) n, alpha);
	FZ_CHECK(isfinite(var), "VaR %.17g of finite returns", var);
	FZ_CHECK(isfinite(es), "ES %.17g of finite returns (VaR %.17g, %ld values below)",
			 es, var, (long) nbelow);
	if (nbelow == 0)
		FZ_CHECK(es == var, "no value below the quantile, ES %.17g VaR %.17g", es, var);
	else
	{
		/* both are R's mean of the same values, summed in other orders */
		double		tol = 64 * DBL_EPSILON * fz_maxabs(s, nbelow);

		FZ_CHECK(fabs(es + tailmean) <= tol,
				 "ES %.17g, minus the mean below the quantile %.17g (tol %.3g)",
				 es, -tailmean, tol);
		FZ_CHECK(es >= var - tol, "ES %.17g below VaR %.17g", es, var);
	}

	/* the buffer is reordered, not changed */
	qsort(x, n, sizeof(double), rk_cmp_double);
	FZ_CHECK(fz_same_values(x, s, n), "the buffer lost or changed values (n = %ld)", (long) n);

	/* the sorted-array state of the sliding window agrees */
	st = rk_sv_var_es(s, n, alpha, &var2, &es2);
	FZ_CHECK(st == RK_OK, "sortedvec status %d", (int) st);
	FZ_CHECK(var2 == var, "sortedvec VaR %.17g, selection %.17g", var2, var);
	FZ_CHECK(es2 == es || fabs(es2 - es) <= 64 * DBL_EPSILON * fz_maxabs(s, n),
			 "sortedvec ES %.17g, selection %.17g", es2, es);
done:
	free(x);
	free(s);
}

/* Check selection of the k-th value, the sort and the mean. */
static void
check_order(const double *vals, int64_t n, int64_t k)
{
	double	   *x = malloc(sizeof(double) * n);
	double	   *s = fz_sorted_copy(vals, n);
	double		m;
	int64_t		i;

	memcpy(x, vals, sizeof(double) * n);
	rk_select_kth(x, n, k);
	FZ_CHECK(x[k] == s[k], "select_kth(%ld) gave %.17g, sorted %.17g", (long) k, x[k], s[k]);
	for (i = 0; i < n; i++)
		FZ_CHECK(i < k ? x[i] <= x[k] : (i > k ? x[i] >= x[k] : 1),
				 "select_kth(%ld): x[%ld] = %.17g on the wrong side of %.17g",
				 (long) k, (long) i, x[i], x[k]);

	memcpy(x, vals, sizeof(double) * n);
	rk_sort_doubles(x, n);
	FZ_CHECK(fz_same_values(x, s, n), "rk_sort_doubles disagrees with qsort (n = %ld)", (long) n);
	for (i = 1; i < n; i++)
		FZ_CHECK(x[i - 1] <= x[i], "rk_sort_doubles: x[%ld] > x[%ld]", (long) i - 1, (long) i);

	m = rk_mean(vals, n);
	FZ_CHECK(m >= ulps_down(s[0], 4) && m <= ulps_up(s[n - 1], 4),
			 "rk_mean %.17g outside [%.17g, %.17g] (n = %ld)", m, s[0], s[n - 1], (long) n);
	free(x);
	free(s);
}

/*
 * What the flagged value buffers do in parallel: the values split by a
 * flag (from k's bits), each part sorted and cut in two runs as two
 * workers would send them, the runs merged; then the pairs of both flags
 * merged and sorted again.  Each part must come out as the sorted part,
 * the pairs in (value, flag) order, the pair sort of the shuffled pairs
 * the same.
 */
static void
check_flagged(const double *vals, int64_t n, uint16_t k)
{
	double	   *part[2],
			   *ref[2],
			   *pairs = malloc(sizeof(double) * 2 * n),
			   *shuffled = malloc(sizeof(double) * 2 * n);
	int64_t		np[2] = {0, 0},
				i,
				m;
	int			f;

	part[0] = malloc(sizeof(double) * n);
	part[1] = malloc(sizeof(double) * n);
	for (i = 0; i < n; i++)
	{
		f = (int) ((k >> (i % 16)) & 1) ^ (int) (i % 3 == 0);
		part[f][np[f]++] = vals[i];
		shuffled[2 * i] = vals[i];
		shuffled[2 * i + 1] = f;
	}
	for (f = 0; f < 2; f++)
	{
		int64_t		cut = np[f] / 3;

		ref[f] = fz_sorted_copy(part[f], np[f]);
		rk_sort_doubles(part[f], cut);
		rk_sort_doubles(part[f] + cut, np[f] - cut);
		{
			double	   *run = malloc(sizeof(double) * (np[f] - cut + 1));

			memcpy(run, part[f] + cut, sizeof(double) * (np[f] - cut));
			rk_merge_sorted(part[f], cut, run, np[f] - cut, 1);
			free(run);
		}
		FZ_CHECK(fz_same_values(part[f], ref[f], np[f]) && rk_is_sorted(part[f], np[f], 1),
				 "merge of two sorted runs of flag %d is not the sorted part (n = %ld)", f, (long) np[f]);
	}
	m = rk_merge_flags(part[0], np[0], part[1], np[1], pairs, 0);
	FZ_CHECK(m == n, "rk_merge_flags wrote %ld pairs of %ld", (long) m, (long) n);
	FZ_CHECK(rk_is_sorted(pairs, n, 2), "merged pairs not in (value, flag) order (n = %ld)", (long) n);
	rk_sort_pairs(shuffled, n);
	for (i = 0; i < 2 * n; i++)
		FZ_CHECK(shuffled[i] == pairs[i] || (isnan(shuffled[i]) && isnan(pairs[i])),
				 "rk_sort_pairs differs from the merged flags at %ld: %.17g vs %.17g",
				 (long) i, shuffled[i], pairs[i]);
	for (f = 0; f < 2; f++)
	{
		free(part[f]);
		free(ref[f]);
	}
	free(pairs);
	free(shuffled);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a level and returns; check the historical measures and the ordering helpers. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	double		p,
			   *vals;
	uint16_t	kpick;
	int64_t		n;

	fz_init(&r, data, size);
	p = fz_level(&r);
	kpick = fz_u16(&r);
	/* the SQL face: risk_check_level */
	if (!(p > 0.0 && p < 1.0))
		return 0;
	vals = malloc(sizeof(double) * MAX_VALUES);
	n = (int64_t) fz_keep_finite(vals, fz_values(&r, vals, MAX_VALUES));

	check_hist(vals, n, p);
	if (n > 0)
	{
		check_order(vals, n, kpick % n);
		check_flagged(vals, n, kpick);
	}
	free(vals);
	return 0;
}
