/*
 * quantile.c
 *     Empirical (type-7) quantile by selection, and historical VaR/ES.
 *
 * Selection is a quickselect with a three-way partition (returns data has
 * many exact ties, zeros above all) and pseudo-random pivots, so it is O(n)
 * expected whatever the input order.  The arithmetic of the interpolation
 * follows R's quantile type 7 exactly, and the tail mean R's two passes with
 * compensated sums, so that results agree to the last digit or so.
 *
 * Also the sorts of the value buffers: LSD radix sorts of values and of
 * (value, second value) pairs, a check that finds sorted input in one pass,
 * and the merge of two sorted runs (parallel workers sort their partial
 * states, the leader merges them).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quantile.h"

void
rk_q7_position(int64_t n, double alpha, int64_t *lo, int64_t *hi, double *h)
{
	double		index = 1.0 + (double) (n > 1 ? n - 1 : 0) * alpha;
	double		flo = floor(index);
	double		fhi = ceil(index);

	*lo = (int64_t) flo - 1;
	*hi = (int64_t) fhi - 1;
	if (*hi > n - 1)
		*hi = n - 1;
	*h = index - flo;
}

double
rk_q7_combine(double xlo, double xhi, double h)
{
	if (h > 0 && xhi != xlo)
		return (1.0 - h) * xlo + h * xhi;
	return xlo;
}

static inline uint64_t
xorshift64(uint64_t *s)
{
	uint64_t	x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

rk_status
rk_select_kth(double *x, int64_t n, int64_t k)
{
	int64_t		left = 0;
	int64_t		right = n - 1;
	uint64_t	seed = 0x9E3779B97F4A7C15ULL ^ (uint64_t) n;

	while (right > left)
	{
		int64_t		span = right - left + 1;
		double		pivot;
		int64_t		lt,
					gt,
					i;

		if (rk_should_stop())
			return RK_CANCELLED;

		/* median of three pseudo-random elements */
		{
			double		a = x[left + (int64_t) (xorshift64(&seed) % (uint64_t) span)];
			double		b = x[left + (int64_t) (xorshift64(&seed) % (uint64_t) span)];
			double		c = x[left + (int64_t) (xorshift64(&seed) % (uint64_t) span)];

			if (a > b)
			{
				double		t = a;

				a = b;
				b = t;
			}
			pivot = (c < a) ? a : (c > b ? b : c);
		}

		/* Dutch national flag: [left,lt) < pivot, [lt,gt] == pivot, (gt,right] > */
		lt = left;
		gt = right;
		i = left;
		while (i <= gt)
		{
			double		v = x[i];

			if (v < pivot)
			{
				x[i] = x[lt];
				x[lt] = v;
				lt++;
				i++;
			}
			else if (v > pivot)
			{
				x[i] = x[gt];
				x[gt] = v;
				gt--;
			}
			else
				i++;
		}
		if (k < lt)
			right = lt - 1;
		else if (k > gt)
			left = gt + 1;
		else
			return RK_OK;
	}
	return RK_OK;
}

/*
 * Mean as R computes it (a sum, then one refinement pass over the
 * deviations), with compensated sums in double where R uses long double: as
 * accurate, and the same on every platform.
 */
double
rk_mean(const double *x, int64_t n)
{
	double		s = 0,
				c = 0,
				mean,
				t = 0,
				tc = 0;
	int64_t		i;

	for (i = 0; i < n; i++)
		rk_sum_add(&s, &c, x[i]);
	mean = (s + c) / n;
	if (!isfinite(mean))
	{
		/* an infinity or a NaN among the values decides, as IEEE adds them */
		for (i = 0; i < n; i++)
			if (!isfinite(x[i]))
			{
				double		p = 0;

				for (i = 0; i < n; i++)
					p += x[i];
				return p / n;
			}
		/*
		 * finite values whose sum overflows: add x/n instead; the mean lies
		 * between the smallest and the largest value, which the rounding of
		 * a sum near the overflow threshold must not leave
		 */
		{
			double		lo = x[0],
						hi = x[0],
						r;

			s = c = 0;
			for (i = 0; i < n; i++)
			{
				rk_sum_add(&s, &c, x[i] / n);
				lo = fmin(lo, x[i]);
				hi = fmax(hi, x[i]);
			}
			r = s + c;
			if (isnan(r))
				r = s;
			return fmax(lo, fmin(hi, r));
		}
	}
	/* deviations, with the rounding error of each subtraction kept (2Sum) */
	for (i = 0; i < n; i++)
	{
		double		d = x[i] - mean;
		double		bb = d - x[i];
		double		e = (x[i] - (d - bb)) + (-mean - bb);

		rk_sum_add(&t, &tc, d);
		rk_sum_add(&t, &tc, e);
	}
	/* deviations of huge values of both signs may overflow: keep the sum's mean */
	return isfinite(t + tc) ? mean + (t + tc) / n : mean;
}

rk_status
rk_hist_var_es(double *x, int64_t n, double alpha, double *var, double *es)
{
	int64_t		lo,
				hi,
				i,
				nbelow;
	double		h,
				xlo,
				xhi,
				q;

	if (n <= 0)
		return RK_EMPTY;
	if (!(alpha > 0 && alpha < 1))
		return RK_BADARG;

	rk_q7_position(n, alpha, &lo, &hi, &h);
	if (rk_select_kth(x, n, lo) == RK_CANCELLED)
		return RK_CANCELLED;
	xlo = x[lo];
	xhi = xlo;
	if (hi > lo)
	{
		/* the next order statistic is the smallest of the right part */
		xhi = x[lo + 1];
		for (i = lo + 2; i < n; i++)
			if (x[i] < xhi)
				xhi = x[i];
	}
	q = rk_q7_combine(xlo, xhi, h);
	if (var)
		*var = -q;
	if (es)
	{
		/*
		 * Values strictly below q all sit in x[0..lo]: the right part is >=
		 * x[hi] >= q.  Move them to the front and average them.
		 */
		nbelow = 0;
		for (i = 0; i <= lo; i++)
		{
			if (x[i] < q)
			{
				double		t = x[nbelow];

				x[nbelow] = x[i];
				x[i] = t;
				nbelow++;
			}
		}
		*es = nbelow > 0 ? -rk_mean(x, nbelow) : -q;
	}
	return RK_OK;
}

int
rk_cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Order-preserving map of a double to an unsigned 64-bit key (NaN: by its bits). */
static inline uint64_t
dkey(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}

static inline double
dval(uint64_t k)
{
	uint64_t	u = (k & 0x8000000000000000ULL) ? (k & ~0x8000000000000000ULL) : ~k;
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/*
 * Records of `stride` doubles compared in lexicographic order, by their
 * keys: the order the radix sorts give (-0 before +0), total even if a
 * NaN slipped in, so that the sorted check and the merge agree with them.
 */
static inline int
rec_cmp(const double *x, const double *y, int stride)
{
	int			j;

	for (j = 0; j < stride; j++)
	{
		uint64_t	a = dkey(x[j]),
					b = dkey(y[j]);

		if (a != b)
			return a < b ? -1 : 1;
	}
	return 0;
}

int
rk_is_sorted(const double *x, int64_t n, int stride)
{
	int64_t		i;

	if (stride == 1)
	{
		for (i = 1; i < n; i++)
			if (dkey(x[i]) < dkey(x[i - 1]))
				return 0;
		return 1;
	}
	for (i = 1; i < n; i++)
		if (rec_cmp(x + i * stride, x + (i - 1) * stride, stride) < 0)
			return 0;
	return 1;
}

void
rk_merge_sorted(double *a, int64_t na, const double *b, int64_t nb, int stride)
{
	int64_t		i = na - 1,
				j = nb - 1,
				k = na + nb - 1;

	/* from the back, so that a's records move only once and ties keep a first */
	if (stride == 1)
	{
		while (j >= 0)
			a[k--] = (i >= 0 && dkey(a[i]) > dkey(b[j])) ? a[i--] : b[j--];
		return;
	}
	while (j >= 0)
	{
		if (i >= 0 && rec_cmp(a + i * stride, b + j * stride, stride) > 0)
			memcpy(a + (k--) * stride, a + (i--) * stride, sizeof(double) * stride);
		else
			memcpy(a + (k--) * stride, b + (j--) * stride, sizeof(double) * stride);
	}
}

/* qsort comparator in the radix sorts' order (-0 before +0, NaN by bits) */
static int
cmp_key(const void *a, const void *b)
{
	return rec_cmp((const double *) a, (const double *) b, 1);
}

rk_status
rk_sort_doubles(double *x, int64_t n)
{
	enum {BITS = 11, RADIX = 1 << BITS, PASSES = 6};
	uint64_t   *a,
			   *b;
	int64_t		i;
	int			pass;

	if (rk_is_sorted(x, n, 1))
		return RK_OK;
	if (n < 4096)
	{
		qsort(x, n, sizeof(double), cmp_key);
		return RK_OK;
	}
	a = malloc(sizeof(uint64_t) * n);
	b = malloc(sizeof(uint64_t) * n);
	if (a == NULL || b == NULL)
	{
		free(a);
		free(b);
		qsort(x, n, sizeof(double), cmp_key);
		return RK_OK;
	}
	for (i = 0; i < n; i++)
		a[i] = dkey(x[i]);
	for (pass = 0; pass < PASSES; pass++)
	{
		int			shift = pass * BITS;
		int64_t		count[RADIX];
		int64_t		sum = 0;
		uint64_t   *t;
		int			d;

		if (rk_should_stop())
		{
			free(a);
			free(b);
			return RK_CANCELLED;	/* x is as it was */
		}
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(a[i] >> shift) & (RADIX - 1)]++;
		/* a digit shared by every key needs no pass */
		if (count[(a[0] >> shift) & (RADIX - 1)] == n)
			continue;
		for (d = 0; d < RADIX; d++)
		{
			int64_t		c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[count[(a[i] >> shift) & (RADIX - 1)]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++)
		x[i] = dval(a[i]);
	free(a);
	free(b);
	return RK_OK;
}

int64_t
rk_merge_flags(const double *v0, int64_t n0, const double *v1, int64_t n1,
				 double *pairs, int skip_nan)
{
	int64_t		j = 0,
				k = 0,
				m = 0;

	while (j < n0 || k < n1)
	{
		double		v;
		double		f;

		if (k >= n1 || (j < n0 && dkey(v0[j]) <= dkey(v1[k])))
		{
			v = v0[j++];
			f = 0.0;
		}
		else
		{
			v = v1[k++];
			f = 1.0;
		}
		if (skip_nan && isnan(v))
			continue;
		pairs[2 * m] = v;
		pairs[2 * m + 1] = f;
		m++;
	}
	return m;
}

/*
 * Pairs whose second value is 0 or 1 (a default flag, a sample flag): the
 * first values of each flag apart, each sorted as plain values, merged
 * back (0 first on ties).  Half the bytes per radix pass of sorting the
 * pairs, and no pass over the flag.  *done = 0 when a second value is not
 * 0 or 1, or memory is short; x is unchanged then, and when cancelled.
 */
static rk_status
sort_flag_pairs(double *x, int64_t n, int *done)
{
	int64_t		n1 = 0,
				i,
				j,
				k;
	double	   *v0,
			   *v1;

	*done = 0;
	for (i = 0; i < n; i++)
	{
		double		f = x[2 * i + 1];

		if (f == 1.0)
			n1++;
		else if (!(f == 0.0 && !signbit(f)))
			return RK_OK;
	}
	v0 = malloc(sizeof(double) * (n - n1 + 1));
	v1 = malloc(sizeof(double) * (n1 + 1));
	if (v0 == NULL || v1 == NULL)
	{
		free(v0);
		free(v1);
		return RK_OK;
	}
	for (i = j = k = 0; i < n; i++)
	{
		if (x[2 * i + 1] == 1.0)
			v1[k++] = x[2 * i];
		else
			v0[j++] = x[2 * i];
	}
	if (rk_sort_doubles(v0, n - n1) == RK_CANCELLED ||
		rk_sort_doubles(v1, n1) == RK_CANCELLED)
	{
		free(v0);
		free(v1);
		return RK_CANCELLED;
	}
	rk_merge_flags(v0, n - n1, v1, n1, x, 0);
	free(v0);
	free(v1);
	*done = 1;
	return RK_OK;
}

static int
cmp_pair(const void *a, const void *b)
{
	return rec_cmp((const double *) a, (const double *) b, 2);
}

rk_status
rk_sort_pairs(double *x, int64_t n)
{
	int			done = 0;

	if (rk_is_sorted(x, n, 2))
		return RK_OK;
	if (n >= 4096 && sort_flag_pairs(x, n, &done) == RK_CANCELLED)
		return RK_CANCELLED;
	if (!done)
		qsort(x, n, 2 * sizeof(double), cmp_pair);
	return RK_OK;
}
