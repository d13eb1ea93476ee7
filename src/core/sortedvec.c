/*
 * sortedvec.c
 *     A sorted array as the sliding-window state of the historical VaR/ES
 *     aggregates while the frame is small.
 *
 * Invariant: v[0] <= v[1] <= ... <= v[n-1], no NaN.  Insert and remove move
 * at most n values (a memmove, a few hundred bytes for a 250-day frame);
 * the quantile is read by index and the tail mean summed afresh, in the same
 * arithmetic as the GROUP BY path (R's mean).
 */
#include <math.h>
#include <string.h>

#include "quantile.h"
#include "sortedvec.h"

/* First index whose value is > x (upper bound). */
static int64_t
upper_bound(const double *v, int64_t n, double x)
{
	int64_t		lo = 0,
				hi = n;

	while (lo < hi)
	{
		int64_t		mid = lo + (hi - lo) / 2;

		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First index whose value is >= x (lower bound). */
static int64_t
lower_bound(const double *v, int64_t n, double x)
{
	int64_t		lo = 0,
				hi = n;

	while (lo < hi)
	{
		int64_t		mid = lo + (hi - lo) / 2;

		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
rk_sv_insert(double *v, int64_t n, double x)
{
	int64_t		pos = upper_bound(v, n, x);

	memmove(v + pos + 1, v + pos, (size_t) (n - pos) * sizeof(double));
	v[pos] = x;
}

rk_status
rk_sv_remove(double *v, int64_t n, double x)
{
	int64_t		pos = lower_bound(v, n, x);

	if (pos >= n || v[pos] != x)
		return RK_NOTFOUND;
	memmove(v + pos, v + pos + 1, (size_t) (n - pos - 1) * sizeof(double));
	return RK_OK;
}

rk_status
rk_sv_var_es(const double *v, int64_t n, double alpha, double *var, double *es)
{
	int64_t		lo,
				hi;
	double		h,
				q;

	if (n <= 0)
		return RK_EMPTY;
	if (!(alpha > 0 && alpha < 1))
		return RK_BADARG;
	rk_q7_position(n, alpha, &lo, &hi, &h);
	q = rk_q7_combine(v[lo], v[hi], h);
	if (var)
		*var = -q;
	if (es)
	{
		int64_t		nbelow = lower_bound(v, n, q);

		*es = nbelow > 0 ? -rk_mean(v, nbelow) : -q;
	}
	return RK_OK;
}
