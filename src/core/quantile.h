/*
 * quantile.h
 *     Empirical quantile and historical VaR/ES (quantile.c), and the sorts
 *     and merges of the value buffers.
 */
#ifndef RK_QUANTILE_H
#define RK_QUANTILE_H

#include "core.h"

/*
 * Type-7 quantile positions (R's default): index = 1 + (n-1)*alpha (1-based),
 * lo = floor(index), hi = ceil(index), h = index - lo.  Returned 0-based.
 */
void		rk_q7_position(int64_t n, double alpha, int64_t *lo, int64_t *hi,
							 double *h);

/* (1-h)*xlo + h*xhi exactly as R combines them (xlo when h == 0 or equal). */
double		rk_q7_combine(double xlo, double xhi, double h);

/*
 * Historical VaR and ES of x[0..n-1] at tail probability alpha.  Reorders x
 * (selection, O(n) expected).  var = -q7(alpha); es = -mean(x[x < q]) or var
 * when no value lies strictly below q.  Either output may be NULL.
 */
rk_status rk_hist_var_es(double *x, int64_t n, double alpha,
							 double *var, double *es);

/* Mean of x[0..n-1] as R computes it: a sum, then one refinement pass. */
double		rk_mean(const double *x, int64_t n);

/* Rearrange x so that x[k] is the k-th smallest (0-based), smaller before;
 * RK_OK or RK_CANCELLED (x then holds its values in some order). */
rk_status rk_select_kth(double *x, int64_t n, int64_t k);

/* qsort comparator for doubles, ascending. */
int			rk_cmp_double(const void *a, const void *b);

/* Sort x ascending: LSD radix sort for large n, qsort below, both in the
 * order of the values' keys (-0 before +0; a NaN by its bits); an x
 * already in that order is seen in one pass and left as it is.  RK_OK,
 * or RK_CANCELLED with x unchanged. */
rk_status rk_sort_doubles(double *x, int64_t n);

/* Sort the n pairs (x[2i], x[2i+1]) by their first value, ties by the
 * second: sorted input seen in one pass; second values all 0 or 1 (flags)
 * by radix-sorting the values of each flag and merging; qsort otherwise. */
rk_status rk_sort_pairs(double *x, int64_t n);

/* 1 when the n records of `stride` doubles are in lexicographic order. */
int			rk_is_sorted(const double *x, int64_t n, int stride);

/* Merge the sorted records b[0..nb) into the sorted a[0..na), which has
 * room for na + nb records of `stride` doubles; on ties a's come first. */
void		rk_merge_sorted(double *a, int64_t na, const double *b, int64_t nb,
							  int stride);

/* The pairs (v, 0) of the sorted v0 and (v, 1) of the sorted v1, merged into
 * pairs[] in the order of rk_sort_pairs; NaN values left out when
 * skip_nan.  Returns the number of pairs written. */
int64_t		rk_merge_flags(const double *v0, int64_t n0, const double *v1,
							 int64_t n1, double *pairs, int skip_nan);

#endif							/* RK_QUANTILE_H */
