/*
 * validation.h
 *     Credit score and PD validation (validation.c).
 */
#ifndef RK_VALIDATION_H
#define RK_VALIDATION_H

#include "core.h"

/*
 * AUC and KS of scores against labels, pairs[2i] the score and pairs[2i+1]
 * 1 for a bad, 0 for a good.  RK_DEGENERATE unless both occur.
 */
rk_status rk_auc_ks(const double *pairs, int64_t n, double *auc, double *ks,
						int64_t *nbad, int64_t *ngood);

/* The same from the scores of the goods and of the bads apart (sorted in
 * place; sorted input is seen in one pass). */
rk_status rk_auc_ks_split(double *good, int64_t ngood, double *bad, int64_t nbad,
							  double *auc, double *ks);

/*
 * Hosmer-Lemeshow over (pd, bad) pairs (reordered): groups of equal size by
 * rank of pd (ties ordered goods first); statistic, df = groups - 2, p-value.
 */
rk_status rk_hosmer_lemeshow(double *pairs, int64_t n, int groups,
								 double *stat, int *df, double *pvalue);

/* Jeffreys test p-value: Beta(D + 1/2, N - D + 1/2) cdf at the PD. */
double		rk_jeffreys_test(int64_t n, int64_t d, double pd);

/* One-sided binomial test p-value: P(X >= D), X ~ Binomial(N, PD). */
double		rk_binomial_test(int64_t n, int64_t d, double pd);

/* Population stability index of two count vectors (all counts > 0). */
rk_status rk_psi(const double *dev, const double *cur, int m, double *psi);

#endif							/* RK_VALIDATION_H */
