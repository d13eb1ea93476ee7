/*
 * test_quantile.c
 *     Empirical quantile and historical VaR/ES, the sorts and merges of
 *     the value buffers, and the mean (quantile.c).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/quantile.h"
#include "unit.h"

UNIT_TEST(test_quantile)
{
	static const int64_t sizes[] = {1, 2, 3, 7, 10, 99, 100, 101, 250, 1000, 12345};
	static const double alphas[] = {0.01, 0.025, 0.05, 0.5, 0.99};
	size_t		si,
				ai;
	int			ties;

	for (ties = 0; ties < 2; ties++)
		for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
			for (ai = 0; ai < sizeof(alphas) / sizeof(alphas[0]); ai++)
			{
				int64_t		n = sizes[si],
							i;
				double	   *x = malloc(n * sizeof(double));
				double		v1,
							e1,
							v2,
							e2;
				char		what[80];

				for (i = 0; i < n; i++)
					x[i] = ties ? floor(nrand() * 3) / 100 : nrand() / 100;
				naive_hist(x, n, alphas[ai], &v2, &e2);
				check(rk_hist_var_es(x, n, alphas[ai], &v1, &e1) == RK_OK,
					  "hist status", 0, 0);
				snprintf(what, sizeof(what), "hist var n=%ld a=%g ties=%d", (long) n, alphas[ai], ties);
				check(v1 == v2, what, v1, v2);
				snprintf(what, sizeof(what), "hist es n=%ld a=%g ties=%d", (long) n, alphas[ai], ties);
				check_close(e1, e2, 1e-14, what);
				free(x);
			}

	/* R: quantile(c(0.01,-0.02,0.01,0.03,-0.05,0,0.01), 0.01) = -0.0482 */
	{
		double		x[] = {0.01, -0.02, 0.01, 0.03, -0.05, 0.0, 0.01};
		double		v,
					e;

		rk_hist_var_es(x, 7, 1.0 - 0.99, &v, &e);
		check_close(v, 0.0482, 1e-15, "hist var small");
		check_close(e, 0.05, 1e-15, "hist es small");
	}
	check(rk_hist_var_es(NULL, 0, 0.01, NULL, NULL) == RK_EMPTY, "hist empty", 0, 0);
}

UNIT_TEST(test_sort)
{
	enum {N = 100000};
	double	   *x = malloc(sizeof(double) * N),
			   *y = malloc(sizeof(double) * N);
	int			i,
				same = 1;

	for (i = 0; i < N; i++)
		x[i] = (i % 7 == 0) ? floor(nrand() * 3) : nrand() * pow(10, (i % 11) - 5);
	x[0] = -0.0;
	x[1] = 0.0;
	x[2] = -INFINITY;
	x[3] = INFINITY;
	x[4] = -1e-310;				/* subnormal */
	memcpy(y, x, sizeof(double) * N);
	rk_sort_doubles(x, N);
	qsort(y, N, sizeof(double), rk_cmp_double);
	for (i = 0; i < N; i++)
		if (!(x[i] == y[i]))
			same = 0;
	check(same, "radix sort equals qsort", 0, 0);
	check(rk_is_sorted(x, N, 1), "sorted check of a sorted array", 0, 0);
	x[N / 2] = x[N / 2 - 1] - 1;
	check(!rk_is_sorted(x, N, 1), "sorted check sees one value out of place", 0, 0);
	free(x);
	free(y);
}

/* pairs by (first, second), the order of the radix pair sort and the merge */
static int
cmp_pair_ref(const void *a, const void *b)
{
	const double *x = (const double *) a,
			   *y = (const double *) b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

UNIT_TEST(test_sort_pairs)
{
	static const int sizes[] = {1, 7, 4095, 4096, 50000};
	int			s;

	for (s = 0; s < 5; s++)
	{
		int			n = sizes[s],
					i,
					cut = n / 3,
					same = 1,
					merged = 1;
		double	   *x = malloc(sizeof(double) * 2 * n),
				   *y = malloc(sizeof(double) * 2 * n),
				   *m = malloc(sizeof(double) * 2 * n);
		char		what[80];

		/* scores with many ties, labels 0/1 */
		for (i = 0; i < n; i++)
		{
			x[2 * i] = (i % 5 == 0) ? floor(nrand() * 4) / 4 : nrand();
			x[2 * i + 1] = urand() < 0.3 ? 1.0 : 0.0;
		}
		memcpy(y, x, sizeof(double) * 2 * n);
		memcpy(m, x, sizeof(double) * 2 * n);
		rk_sort_pairs(x, n);
		qsort(y, n, 2 * sizeof(double), cmp_pair_ref);
		for (i = 0; i < 2 * n; i++)
			if (x[i] != y[i])
				same = 0;
		snprintf(what, sizeof(what), "pair sort equals qsort, n = %d", n);
		check(same && rk_is_sorted(x, n, 2), what, n, 0);

		/* two runs sorted apart, merged: the sorted whole */
		rk_sort_pairs(m, cut);
		rk_sort_pairs(m + 2 * cut, n - cut);
		{
			double	   *b = malloc(sizeof(double) * 2 * (n - cut));

			memcpy(b, m + 2 * cut, sizeof(double) * 2 * (n - cut));
			rk_merge_sorted(m, cut, b, n - cut, 2);
			free(b);
		}
		for (i = 0; i < 2 * n; i++)
			if (m[i] != y[i])
				merged = 0;
		snprintf(what, sizeof(what), "merge of sorted pair runs, n = %d", n);
		check(merged, what, n, 0);
		free(x);
		free(y);
		free(m);
	}

	/* values: merge of sorted runs equals the sort of the whole */
	{
		enum {N = 30000};
		double	   *a = malloc(sizeof(double) * N),
				   *b = malloc(sizeof(double) * N),
				   *w = malloc(sizeof(double) * N);
		int			i,
					na = 12345,
					ok = 1;

		for (i = 0; i < N; i++)
			w[i] = floor(nrand() * 50) / 10;
		memcpy(a, w, sizeof(double) * na);
		memcpy(b, w + na, sizeof(double) * (N - na));
		rk_sort_doubles(a, na);
		rk_sort_doubles(b, N - na);
		rk_merge_sorted(a, na, b, N - na, 1);
		rk_sort_doubles(w, N);
		for (i = 0; i < N; i++)
			if (a[i] != w[i])
				ok = 0;
		check(ok, "merge of sorted value runs", 0, 0);
		free(a);
		free(b);
		free(w);
	}
}

/* Extreme but finite inputs: no NaN where the answer is a number. */
UNIT_TEST(test_mean_extremes)
{
	double		big[4] = {1.7e308, 1.7e308, 1.6e308, 1.5e308};
	double		mixed[3] = {1.7e308, -1.7e308, 3.0};
	double		withinf[2] = {1.0, INFINITY};

	check_close(rk_mean(big, 4), 1.625e308, 1e-15, "mean of values whose sum overflows");
	check_close(rk_mean(mixed, 3), 1.0, 1e-12, "mean of huge values of both signs");
	{
		double		far[3] = {1.7e308, -1.7e308, -1.6e308};

		check(isfinite(rk_mean(far, 3)), "mean whose deviations overflow is finite",
			  rk_mean(far, 3), -5.3333333333333333e307);
	}
	check(isinf(rk_mean(withinf, 2)), "mean with an infinity is infinite", rk_mean(withinf, 2), INFINITY);
	{
		double		all_min[9];

		for (int i = 0; i < 9; i++)
			all_min[i] = -DBL_MAX;
		check(rk_mean(all_min, 9) == -DBL_MAX, "mean of nine -DBL_MAX", rk_mean(all_min, 9), -DBL_MAX);
	}
}
