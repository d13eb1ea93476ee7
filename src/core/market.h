/*
 * market.h
 *     Market risk (market.c): central moments, streaming, mergeable and
 *     removable; parametric VaR/ES (Gaussian, Cornish-Fisher) and EWMA.
 *     The historical measures are quantile.h's, their sliding windows
 *     sortedvec.h's and ostree.h's.
 */
#ifndef RK_MARKET_H
#define RK_MARKET_H

#include "core.h"

/*
 * Central moment sums: n, mean, M2..M4 = sum (x-mean)^k, plus min and max.
 * Updated one value at a time (Welford/Pebay) and merged pairwise (Chan et
 * al., Pebay 2008): stable for data far from zero.
 */
typedef struct rk_moments
{
	double		n;
	double		mean;
	double		m2;
	double		m3;
	double		m4;
	double		min;
	double		max;
} rk_moments;

void		rk_moments_init(rk_moments *m);
void		rk_moments_add(rk_moments *m, double x);
void		rk_moments_merge(rk_moments *a, const rk_moments *b);

/*
 * A double-double accumulator (value hi+lo, about 32 significant digits) for
 * the sliding-window variant: the power sums of (x - shift) are kept in it so
 * that removing a value subtracts exactly what adding it added, even after
 * large values have come and gone.
 */
typedef struct rk_dd
{
	double		hi;
	double		lo;
} rk_dd;

typedef struct rk_msums
{
	int64_t		n;
	double		shift;			/* first value seen, or the mean at rebuild */
	rk_dd		s[4];			/* sum of (x-shift)^k, k = 1..4 */
	double		a[4];			/* sum of |x-shift|^k over every value added
								 * or removed since the last (re)build: bounds
								 * the rounding left in s[] */
} rk_msums;

void		rk_msums_init(rk_msums *s);
void		rk_msums_add(rk_msums *s, double x);
void		rk_msums_remove(rk_msums *s, double x);

/*
 * True when values far larger than the current ones have come and gone, so
 * that the rounding bound on s[] exceeds 1e-15 of what is left: the caller
 * should then rebuild from the window's values.
 */
int			rk_msums_degraded(const rk_msums *s);

/* Recompute from the values x1[0..n1-1] then x2[0..n2-1], shifted by their mean. */
void		rk_msums_rebuild(rk_msums *s, const double *x1, int64_t n1,
							   const double *x2, int64_t n2);

/* Central moment sums (min/max left as they are) from the power sums. */
void		rk_msums_moments(const rk_msums *s, rk_moments *m);

/* Gaussian VaR/ES from moments with 1/n (PerformanceAnalytics). n >= 2. */
rk_status rk_var_gaussian(const rk_moments *m, double alpha, double *var);
rk_status rk_es_gaussian(const rk_moments *m, double alpha, double *es);

/* Cornish-Fisher VaR and ES (operational ES floored at VaR).  n >= 3, m2 > 0. */
rk_status rk_var_modified(const rk_moments *m, double alpha, double *var);
rk_status rk_es_modified(const rk_moments *m, double alpha, double *es);

/* Sample sd (n-1), moment skewness and excess kurtosis (1/n). */
rk_status rk_moments_stats(const rk_moments *m, double *sd,
							   double *skew, double *exkurt);

/*
 * EWMA (RiskMetrics): s = sum lambda^age r^2, w = sum lambda^age over the
 * window (age 0 = newest); sigma^2 = s / w (normalized weights).
 */
typedef struct rk_ewma
{
	int64_t		n;
	double		s;
	double		w;
} rk_ewma;

void		rk_ewma_add(rk_ewma *e, double lambda, double r);
void		rk_ewma_remove_oldest(rk_ewma *e, double lambda, double r);
rk_status rk_ewma_sigma(const rk_ewma *e, double *sigma);

/* EWMA VaR = -z sigma and ES = sigma phi(z) / alpha at tail probability
 * alpha (z the normal alpha-quantile); RK_EMPTY without rows.  Either
 * output may be NULL. */
rk_status rk_ewma_var_es(const rk_ewma *e, double alpha, double *var, double *es);

#endif							/* RK_MARKET_H */
