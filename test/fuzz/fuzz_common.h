/*
 * fuzz_common.h
 *     Shared by the libFuzzer harnesses of src/core (test/fuzz/fuzz_*.c):
 *     reading levels, counts and data sets from the fuzzer's bytes, the
 *     reference computations the harnesses compare with, and the check
 *     that aborts, with a message, when an invariant breaks.
 *
 * A harness first reads a fixed header (levels, flags, sizes), then a data
 * set from the rest of the input.  A data set is a sequence of chunks, each
 * led by a tag byte whose low three bits choose the kind and whose high
 * five bits (arg, 0..31) parameterize it:
 *   0  one value on a coarse grid, (int8) byte / 64 * scale[arg]: ties
 *   1  one value, (int16) 2 bytes / 1000 * scale[arg]
 *   2  one float, 4 raw bytes (any float, NaN and Inf included)
 *   3  one double, 8 raw bytes (any double: NaN, Inf, denormals)
 *   4  one special value, special[arg] (0, -0, NaN, +-Inf, DBL_MAX, ...)
 *   5  the previous value again, arg + 1 times: runs of ties
 *   6  the previous value moved by (int8) byte ulps: near-ties
 *   7  a block of byte + 1 values from a seeded generator: distribution
 *      arg & 7 (normal, Student t, uniform, lognormal, exponential,
 *      Pareto, zero-inflated normal, volatility clusters), then a scale
 *      byte, a location byte and two seed bytes
 * The harness then drops what the SQL face would not pass to the core
 * (non-finite values, non-positive losses, ...), so a short input yields
 * anything from a few hand-made values to a few thousand realistic ones.
 * Reading past the end yields zero bytes, so every input decodes.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "core/core.h"
#include "core/quantile.h"

/* Abort with the failed condition and a formatted detail line. */
#define FZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "invariant failed at %s:%d: %s\n", \
					__FILE__, __LINE__, #cond); \
			fprintf(stderr, "  " __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* True for the statuses core.h declares. */
static inline int
fz_status_valid(rk_status st)
{
	return st >= RK_OK && st <= RK_NUMERIC;
}

/* GSL's default error handler aborts: switch it off, as _PG_init does. */
int			LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	gsl_set_error_handler_off();
	return 0;
}

/* ---- reading the input ------------------------------------------------ */

typedef struct fz_reader
{
	const uint8_t *p;
	size_t		left;
	double		last;			/* the previous value, for runs and near-ties */
} fz_reader;

/* Read data[0..size-1] from the start. */
static inline void
fz_init(fz_reader *r, const uint8_t *data, size_t size)
{
	r->p = data;
	r->left = size;
	r->last = 0.0;
}

/* Next byte, 0 once the input is exhausted. */
static inline uint8_t
fz_u8(fz_reader *r)
{
	if (r->left == 0)
		return 0;
	r->left--;
	return *r->p++;
}

/* Little-endian integers from the next 2, 4 or 8 bytes. */
static inline uint16_t
fz_u16(fz_reader *r)
{
	uint16_t	v = fz_u8(r);

	return (uint16_t) (v | (fz_u8(r) << 8));
}

static inline uint32_t
fz_u32(fz_reader *r)
{
	uint32_t	v = fz_u16(r);

	return v | ((uint32_t) fz_u16(r) << 16);
}

static inline uint64_t
fz_u64(fz_reader *r)
{
	uint64_t	v = fz_u32(r);

	return v | ((uint64_t) fz_u32(r) << 32);
}

/* Any double, bit for bit. */
static inline double
fz_raw(fz_reader *r)
{
	uint64_t	u = fz_u64(r);
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* An integer in [lo, hi] from one byte (two when the range needs them). */
static inline int64_t
fz_range(fz_reader *r, int64_t lo, int64_t hi)
{
	uint64_t	span = (uint64_t) (hi - lo) + 1;
	uint64_t	v = span > 256 ? fz_u16(r) : fz_u8(r);

	return lo + (int64_t) (v % span);
}

/*
 * A confidence level p as the SQL functions take it: usually a common one,
 * sometimes any double (the caller applies the SQL face's check).
 */
static inline double
fz_level(fz_reader *r)
{
	static const double common[16] = {
		0.99, 0.95, 0.975, 0.999, 0.9, 0.5, 0.995, 0.9999,
		0.01, 0.05, 0.75, 0.25, 1e-9, 1.0 - 1e-12, 0.999999, 0.6
	};
	uint8_t		b = fz_u8(r);

	if (b < 0xF0)
		return common[b % 16];
	if (b < 0xF8)
		return (double) fz_u32(r) / 4294967296.0;	/* [0, 1) on a fine grid */
	return fz_raw(r);
}

/* ---- data sets ---------------------------------------------------------- */

static const double fz_scale[32] = {
	1e-2, 1e-2, 1e-2, 1e-3, 1e-4, 1e-1, 1.0, 1.0,
	10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e-6, 1e-8,
	1e-12, 1e-20, 1e-50, 1e-100, 1e-150, 1e-300, 1e20, 1e50,
	1e100, 1e150, 1e200, 1e300, 2e-2, 5e-3, 0.3, 1e9
};

/* The i-th special value: zeros, +-1, NaN, infinities, limits, denormals. */
static inline double
fz_special(int i)
{
	switch (i & 31)
	{
		case 0:
			return 0.0;
		case 1:
			return -0.0;
		case 2:
			return 1.0;
		case 3:
			return -1.0;
		case 4:
			return NAN;
		case 5:
			return INFINITY;
		case 6:
			return -INFINITY;
		case 7:
			return DBL_MAX;
		case 8:
			return -DBL_MAX;
		case 9:
			return DBL_MIN;
		case 10:
			return -DBL_MIN;
		case 11:
			return 4.9406564584124654e-324;	/* smallest denormal */
		case 12:
			return -4.9406564584124654e-324;
		case 13:
			return DBL_EPSILON;
		case 14:
			return 1e-300;
		case 15:
			return -1e-300;
		case 16:
			return 1e300;
		case 17:
			return -1e300;
		case 18:
			return 0.5;
		case 19:
			return 1e6 + 0.5;
		case 20:
			return 0.01;
		case 21:
			return -0.01;
		case 22:
			return 1e-8;
		case 23:
			return 1e8;
		case 24:
			return 2.0;
		case 25:
			return 1.0 + DBL_EPSILON;
		case 26:
			return 1.0 - DBL_EPSILON / 2;
		case 27:
			return 9007199254740993.0;	/* 2^53 + 1, rounded */
		case 28:
			return -NAN;
		case 29:
			return 1.34e154;	/* squares to near DBL_MAX */
		case 30:
			return 1e-160;		/* squares to a denormal */
		default:
			return 0.1;
	}
}

/* xorshift64*: the generator of the data blocks. */
static inline uint64_t
fz_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* Uniform on (0, 1), never 0 or 1. */
static inline double
fz_unif(uint64_t *s)
{
	return ((double) (fz_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

/* Standard normal (Box-Muller). */
static inline double
fz_norm(uint64_t *s)
{
	double		u = fz_unif(s),
				v = fz_unif(s);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Write a generated block of count values of distribution dist to out. */
static inline void
fz_block(uint64_t seed, int dist, double scale, double loc, double *out,
		 size_t count)
{
	uint64_t	s = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
	double		vol = 1.0;
	size_t		i;

	for (i = 0; i < count; i++)
	{
		double		v;

		switch (dist & 7)
		{
			case 0:
				v = fz_norm(&s);
				break;
			case 1:				/* Student t with 3 degrees of freedom */
				{
					double		c = fz_norm(&s),
								q = 0;
					int			j;

					for (j = 0; j < 3; j++)
					{
						double		z = fz_norm(&s);

						q += z * z;
					}
					v = c / sqrt(q / 3.0);
					break;
				}
			case 2:
				v = fz_unif(&s);
				break;
			case 3:
				v = exp(fz_norm(&s));
				break;
			case 4:
				v = -log(fz_unif(&s));
				break;
			case 5:				/* Pareto, tail index 1.5 */
				v = pow(fz_unif(&s), -1.0 / 1.5);
				break;
			case 6:				/* half of the days unchanged */
				v = fz_unif(&s) < 0.5 ? 0.0 : fz_norm(&s);
				break;
			default:			/* GARCH-like volatility clusters */
				{
					double		z = fz_norm(&s);

					v = vol * z;
					vol = sqrt(0.05 + 0.1 * v * v + 0.85 * vol * vol);
					break;
				}
		}
		out[i] = loc + scale * v;
	}
}

/*
 * Read chunks until the input ends or cap values are written to out;
 * returns how many.  Values may be anything: the caller filters.
 */
static inline size_t
fz_values(fz_reader *r, double *out, size_t cap)
{
	static const double loc[8] = {0.0, 0.0, 0.0, 0.0005, 1.0, 100.0, -1.0, 1e6};
	size_t		n = 0;

	while (r->left > 0 && n < cap)
	{
		uint8_t		tag = fz_u8(r);
		int			arg = tag >> 3;
		double		v = r->last;

		switch (tag & 7)
		{
			case 0:
				v = (double) (int8_t) fz_u8(r) / 64.0 * fz_scale[arg];
				break;
			case 1:
				v = (double) (int16_t) fz_u16(r) / 1000.0 * fz_scale[arg];
				break;
			case 2:
				{
					uint32_t	u = fz_u32(r);
					float		f;

					memcpy(&f, &u, sizeof(f));
					v = f;
					break;
				}
			case 3:
				v = fz_raw(r);
				break;
			case 4:
				v = fz_special(arg);
				break;
			case 5:
				{
					int			k;

					for (k = 0; k < arg && n < cap; k++)
						out[n++] = v;
					break;
				}
			case 6:
				{
					int			k = (int8_t) fz_u8(r);

					for (; k > 0; k--)
						v = nextafter(v, INFINITY);
					for (; k < 0; k++)
						v = nextafter(v, -INFINITY);
					break;
				}
			default:
				{
					size_t		count = (size_t) fz_u8(r) + 1;
					double		scale = fz_scale[fz_u8(r) & 31];
					double		l = loc[fz_u8(r) & 7];
					uint64_t	seed = fz_u16(r);

					if (count > cap - n)
						count = cap - n;
					fz_block(seed, arg, scale, l, out + n, count);
					n += count;
					if (n > 0)
						r->last = out[n - 1];
					continue;
				}
		}
		if (n < cap)
			out[n++] = v;
		r->last = v;
	}
	return n;
}

/* Keep the finite values of x[0..n-1] (in order); returns how many. */
static inline size_t
fz_keep_finite(double *x, size_t n)
{
	size_t		i,
				m = 0;

	for (i = 0; i < n; i++)
		if (isfinite(x[i]))
			x[m++] = x[i];
	return m;
}

/* Keep the finite values > 0 of x[0..n-1]; returns how many. */
static inline size_t
fz_keep_positive(double *x, size_t n)
{
	size_t		i,
				m = 0;

	for (i = 0; i < n; i++)
		if (isfinite(x[i]) && x[i] > 0)
			x[m++] = x[i];
	return m;
}

/* Largest |x[i]| (0 for none). */
static inline double
fz_maxabs(const double *x, size_t n)
{
	double		m = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
	return m;
}

/*
 * True when every x[i] is 0 or has a magnitude in [lo, hi]: data on which
 * a risk measure is expected to come out finite (no overflow of sums of
 * powers, no underflow of a variance).
 */
static inline int
fz_moderate(const double *x, size_t n, double lo, double hi)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (x[i] != 0 && !(fabs(x[i]) >= lo && fabs(x[i]) <= hi))
			return 0;
	return 1;
}

/* ---- references ---------------------------------------------------------- */

/* A sorted copy of x[0..n-1] (malloc'd; n may be 0). */
static inline double *
fz_sorted_copy(const double *x, size_t n)
{
	double	   *s = malloc(sizeof(double) * (n > 0 ? n : 1));

	if (s == NULL)
		abort();
	memcpy(s, x, sizeof(double) * n);
	qsort(s, n, sizeof(double), rk_cmp_double);
	return s;
}

/* True when a and b hold the same values in the same order (== per item). */
static inline int
fz_same_values(const double *a, const double *b, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (!(a[i] == b[i]))
			return 0;
	return 1;
}

/*
 * The type-7 quantile at alpha of the sorted s[0..n-1], and the mean of
 * the values strictly below it as rk_mean takes it (NaN when none).
 */
static inline double
fz_ref_quantile(const double *s, int64_t n, double alpha, double *tailmean,
				int64_t *nbelow)
{
	int64_t		lo,
				hi,
				k = 0;
	double		h,
				q;

	rk_q7_position(n, alpha, &lo, &hi, &h);
	q = rk_q7_combine(s[lo], s[hi], h);
	while (k < n && s[k] < q)
		k++;
	*nbelow = k;
	*tailmean = k > 0 ? rk_mean(s, k) : NAN;
	return q;
}

#endif							/* FUZZ_COMMON_H */
