/*
 * sortedvec.h
 *     Sorted array for small sliding windows (sortedvec.c).
 */
#ifndef RK_SORTEDVEC_H
#define RK_SORTEDVEC_H

#include "core.h"

/*
 * A sorted array with room for one more value: insert and remove are a
 * binary search and a memmove, the quantile an index.  Cheaper than the tree
 * below a few hundred values; the SQL face switches between the two.
 */
void		rk_sv_insert(double *v, int64_t n, double x);
rk_status rk_sv_remove(double *v, int64_t n, double x);

/* Historical VaR/ES of the sorted v[0..n-1], as rk_hist_var_es. */
rk_status rk_sv_var_es(const double *v, int64_t n, double alpha,
						   double *var, double *es);

#endif							/* RK_SORTEDVEC_H */
