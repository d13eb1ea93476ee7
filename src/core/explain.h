/*
 * explain.h
 *     Explainable and fair credit decisions: reason codes of a scorecard,
 *     exact Shapley values of logistic and neural-network PD models, and
 *     fairness metrics by group.  Pure C, no PostgreSQL header.
 */
#ifndef RK_EXPLAIN_H
#define RK_EXPLAIN_H

#include "core.h"
#include "mlp.h"

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

/*
 * Fairness of credit decisions by group (docs/explain.md, "Fairness by
 * group").  Conventions: the outcome is the default (the bad outcome, the
 * positive class), the decision is the decline (the positive prediction),
 * so the selection rate is the decline rate.  A group's rows are summed in
 * its 2x2 table of counts, cells[2 * declined + defaulted]:
 *
 *     cells[0] accepted, no default    cells[1] accepted, default
 *     cells[2] declined, no default    cells[3] declined, default
 *
 * Every metric but the AUC and calibration depends on these four counts
 * only.  A rate whose denominator is 0 (the TPR of a group without a
 * default, the FPR of a group without a non-default) is NaN; the metrics
 * across groups leave a NaN rate out (the max and min are over the groups
 * where it is defined) and are NaN when no group defines it, or when a
 * ratio's denominator (the largest rate) is 0.
 */
#define RK_FAIR_CELLS 4

/* Across-group metrics, in the order of rk_fair_metrics' members. */
#define RK_FAIR_NMETRICS 5

typedef struct rk_fair_rates
{
	double		selection_rate; /* (cells[2] + cells[3]) / n */
	double		tpr;			/* cells[3] / (cells[1] + cells[3]) */
	double		fpr;			/* cells[2] / (cells[0] + cells[2]) */
	double		default_rate;	/* (cells[1] + cells[3]) / n */
} rk_fair_rates;

typedef struct rk_fair_metrics
{
	double		dp_difference;	/* max - min selection rate */
	double		dp_ratio;		/* min / max selection rate */
	double		eo_difference;	/* max(TPR difference, FPR difference) */
	double		eo_ratio;		/* min(TPR ratio, FPR ratio) */
	double		eopp_difference;	/* TPR difference */
	int			worst;			/* the group with the highest selection rate
								 * (the first on a tie); -1: no group */
} rk_fair_metrics;

/* The rates of one group's table (all NaN when it has no row). */
void		rk_fair_rates_of(const int64_t cells[RK_FAIR_CELLS], rk_fair_rates *r);

/*
 * The across-group metrics of ngroups groups' rates (arrays of ngroups,
 * NaN where undefined; the selection rate is defined in every group).
 */
void		rk_fair_metrics_of(const double *sel, const double *tpr, const double *fpr,
							   int ngroups, rk_fair_metrics *m);

/* The across-group metrics of ngroups tables (cells: ngroups x 4). */
void		rk_fair_metrics_cells(const int64_t *cells, int ngroups, rk_fair_metrics *m);

typedef struct rk_fair_boot
{
	int64_t		n_boot;			/* replicates, at least 1 */
	double		level;			/* in (0, 1) */
	unsigned long seed;			/* MT19937's seed */
} rk_fair_boot;

/*
 * Percentile bootstrap intervals of the across-group metrics.  Rows are
 * resampled within each group (stratified): a group of n rows draws n rows
 * with replacement from its own, so that its table is a multinomial draw
 * of n over its four cells with probabilities cells / n
 * (gsl_ran_multinomial on one MT19937 stream seeded with b->seed, the
 * groups in the order of their tables, cell by cell, replicate after
 * replicate, so that the intervals do not depend on the order or the names
 * of the groups: a pseudonymised group gets the same ones): the cost is
 * n_boot x ngroups draws, whatever the number of rows.  Each group must
 * have from 1 to 4294967295 rows (RK_BADARG otherwise).  lo[k] and hi[k]
 * are the type-7 quantiles at (1 - level) / 2 and (1 + level) / 2 of metric
 * k over the replicates where it is defined; NaN when no replicate defines
 * it.  *defined gets, per metric, the number of such replicates (may be
 * NULL).  RK_CANCELLED when rk_should_stop() says so; RK_NOSPACE when out
 * of memory.
 */
rk_status	rk_fair_bootstrap(const int64_t *cells, int ngroups, const rk_fair_boot *b,
							  double lo[RK_FAIR_NMETRICS], double hi[RK_FAIR_NMETRICS],
							  int64_t defined[RK_FAIR_NMETRICS]);

#endif							/* RK_EXPLAIN_H */
