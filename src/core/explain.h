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

/* ---- Shapley values --------------------------------------------------- */

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
 * groups in the given order, replicate after replicate): the cost is
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
