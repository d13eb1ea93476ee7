/*
 * explain.h
 *     Explainable and fair credit decisions: reason codes of a scorecard,
 *     exact Shapley values of logistic and neural-network PD models, and
 *     fairness metrics by group.  Pure C, no PostgreSQL header.
 */
#ifndef RK_EXPLAIN_H
#define RK_EXPLAIN_H

#include "core.h"

/* ---- reason codes ----------------------------------------------------- */

/*
 * The bin of a number x among nbins bins of a characteristic, tried in
 * order: bin i holds x when kind[i] is RK_BIN_INTERVAL and x lies in
 * [lower[i], upper[i]) (or (lower[i], upper[i]] when right_closed), a NaN
 * bound being unbounded.  The first bin that holds x, or -1.
 */
typedef enum rk_bin_kind
{
	RK_BIN_INTERVAL = 0,
	RK_BIN_CATEGORY,
	RK_BIN_MISSING
} rk_bin_kind;

int			rk_scorecard_bin(int nbins, const int *kind, const double *lower,
							 const double *upper, int right_closed, double x);

/* A reason: a reason code, the characteristic that lost most under it, the points lost. */
typedef struct rk_reason
{
	int			code;			/* index of the code */
	int			top;			/* index of the characteristic */
	double		lost;			/* summed over the code's characteristics */
} rk_reason;

/*
 * The reasons for a score of k characteristics: characteristic j has
 * points[j], baseline[j] and reason code code[j] (0 .. ncodes - 1, the
 * codes numbered in the order of their first characteristic).  Points lost
 * by j: baseline - points, or points - baseline when above; summed per
 * code.  Into out: the codes whose sum is above 0, the largest first,
 * equal sums by code number, at most max; each with the characteristic
 * whose loss is largest under the code (the first on a tie).  work needs
 * ncodes doubles and iwork ncodes ints.  Returns the number of reasons, or
 * -1 for a code out of range or a value that is not finite.
 */
int			rk_reason_rank(int k, const double *points, const double *baseline,
						   const int *code, int ncodes, int above, int max,
						   rk_reason *out, double *work, int *iwork);

/* ---- Shapley values --------------------------------------------------- */

/*
 * Exact interventional Shapley values of a PD model f against a background
 * sample b_1..b_B (rows of raw features): the value of a coalition S of
 * features is v(S) = (1/B) sum_b f(x_S, b_notS), x's features in S and the
 * background row's elsewhere, and feature j's contribution
 *   phi_j = sum_{S not containing j} |S|! (d - |S| - 1)! / d! (v(S + j) - v(S)),
 * so that sum_j phi_j = v(all) - v(none) = f(x) - mean_b f(b).  f is the
 * network's PD (RK_SHAP_PROBABILITY) or its output before the logistic
 * function (RK_SHAP_LOG_ODDS).  A logistic regression is a network without
 * a hidden layer (one weight layer, no standardization).
 *
 * The enumeration: the first layer is linear, so the first layer's
 * pre-activation of background row b under coalition S is u_b + sum_{j in
 * S} W1[j,:] (z_j - zb_j) (z standardized).  The 2^d coalitions are walked
 * in Gray-code order, each step adding or removing one feature's row of W1
 * (O(h1) per background row, recomputed from u_b every 256 steps so that
 * rounding does not build up), the rest of the network evaluated on a
 * block of background rows at once (CBLAS); v(S) accumulates per
 * coalition (2^d doubles), then the weighted differences in O(d 2^d).
 * Cost: 2^d B times a forward pass without the first layer.
 */
#include "mlp.h"

#define RK_SHAP_MAX_FEATURES 14		/* 2^14 coalitions */

typedef enum rk_shap_scale
{
	RK_SHAP_PROBABILITY = 0,
	RK_SHAP_LOG_ODDS
} rk_shap_scale;

/*
 * The weight of a coalition of s features among d in the Shapley sum,
 * s! (d - s - 1)! / d! = 1 / (d C(d - 1, s)), for s = 0 .. d - 1 (w[d]).
 */
void		rk_shap_weights(int d, double *w);

/* Column means of bg (nb x d) by compensated sums; RK_BADARG for nb < 1, d < 1, a value not finite. */
rk_status	rk_shap_column_means(const double *bg, int64_t nb, int d, double *mean);

/*
 * The closed form of a model linear in x (a logistic regression on the
 * log-odds scale): phi_j = beta_j (x_j - mean_j), base = intercept + sum
 * beta_j mean_j, pred = intercept + sum beta_j x_j (mean: the background's
 * column means).  RK_BADARG for d < 1 or a value not finite;
 * RK_OVERFLOW when a result is not finite.
 */
rk_status	rk_shap_linear(const double *beta, double intercept, int d, const double *x,
						   const double *mean, double *phi, double *base, double *pred);

/* A background prepared for a network (opaque): rk_shap_prepare, rk_shap_free. */
typedef struct rk_shap rk_shap;

/*
 * Prepare the background bg (nb x d raw rows, d = m->sizes[0]) of model m
 * (copied by value: its arrays must outlive the result): standardized
 * rows, their first-layer pre-activations, and the scratch of
 * rk_shap_values, allocated here (malloc) and freed by rk_shap_free.
 * RK_BADARG for a bad model (shape, activation, scale not positive), d
 * above RK_SHAP_MAX_FEATURES, nb < 1, a value not finite; RK_NOSPACE when
 * memory runs out (nothing held then).
 */
rk_status	rk_shap_prepare(const rk_mlp *m, const double *bg, int64_t nb, rk_shap **out);

/*
 * The Shapley values phi[0..d-1] of raw features x, base = v(none) = mean_b
 * f(b) and pred = f(x), on the scale given; sum phi = pred - base up to
 * rounding.  Nothing allocated.  RK_BADARG for x not finite or an unknown
 * scale; RK_CANCELLED at a checkpoint (every 1024 coalitions of a block of
 * background rows), phi then undefined and s still usable.
 */
rk_status	rk_shap_values(rk_shap *s, const double *x, rk_shap_scale scale, double *phi,
						   double *base, double *pred);

/* Free a prepared background (NULL: nothing). */
void		rk_shap_free(rk_shap *s);

/* ---- fairness by group ------------------------------------------------ */

#endif							/* RK_EXPLAIN_H */
