/*
 * scorecard.h
 *     Scorecards (scorecard.c): weight-of-evidence binning and logistic
 *     regression.
 */
#ifndef RK_SCORECARD_H
#define RK_SCORECARD_H

#include "core.h"

/* ---- weight-of-evidence binning ---- */

typedef struct rk_woe_bin
{
	double		lower;			/* x >= lower (the first bin: -inf) */
	double		upper;			/* x < upper (the last bin: +inf) */
	int64_t		goods;
	int64_t		bads;
	double		share;			/* of the binned (non-missing) rows */
	double		woe;			/* ln(bad share / good share) */
	double		iv;				/* (bad share - good share) * woe */
} rk_woe_bin;

/*
 * Bin (x, bad) pairs (pairs[2i] = x, pairs[2i+1] = 1 for a bad; reordered)
 * into at most max_bins bins of at least min_share of the rows each, with
 * monotonic WOE; out needs room for 50 bins.  RK_DEGENERATE when there is
 * no bad or no good.
 */
rk_status rk_woe_binning(double *pairs, int64_t n, int max_bins, double min_share,
							 rk_woe_bin *out, int *nbins, double *iv);

/* WOE of a bin's counts against the totals, with the 0.5 rule. */
double		rk_woe_of_counts(double bads, double goods, double tb, double tg);

/* ---- logistic regression ---- */

#define RK_LOGIT_MAX_COLS 500

typedef struct rk_logit_result
{
	double	   *beta;			/* caller's array of k (+1) coefficients */
	double	   *se;				/* caller's array, same length */
	double		loglik;			/* unpenalized */
	double		max_eta;		/* largest |linear predictor| at the fit */
	int			iterations;
	int			converged;
	int			bad_column;		/* first collinear column (design index) */
} rk_logit_result;

/*
 * One row's terms of a logistic fit at beta (xr its design row of m values,
 * the intercept's 1 included; y 0 or 1): y eta - log(1 + e^eta) added to
 * *ll and, when g is not NULL, (y - mu) x to g and w x x' (w = mu (1 - mu))
 * to the lower triangle of h (m x m, row-major).  The pass of
 * rk_logit_fit and of risk.logit_step.
 */
void		rk_logit_add_row(const double *xr, int m, double y, const double *beta,
							   double *ll, double *g, double *h);

/*
 * Logistic regression of rows[r*(k+1)] = y (0/1), followed by x_1..x_k, by
 * IRLS; intercept adds a leading column of ones; l2 >= 0 penalizes
 * (l2/2) sum beta_j^2 over the non-intercept coefficients.  RK_BADARG:
 * collinear columns (bad_column); RK_DEGENERATE: separation or a single
 * class without a penalty; RK_TOO_FEW: fewer rows than coefficients + 1.
 */
rk_status rk_logit_fit(const double *rows, int64_t n, int k, int intercept,
						   double l2, rk_logit_result *res);

/*
 * Solve a x = b for a symmetric positive definite a (order m; a and b are
 * overwritten: b by x).  Returns -1, or the column where a is not SPD.
 */
int			rk_cholesky_solve(double *a, int m, double *b);

/* The diagonal of the inverse of an SPD a (overwritten); -1 or bad column. */
int			rk_spd_inverse_diag(double *a, int m, double *diag);

/*
 * The scorecard's points of a PD: base_points + pdo / ln 2 * (ln((1 - pd) /
 * pd) - ln(base_odds)); and of one characteristic, (base_points - pdo / ln 2
 * * ln(base_odds)) / n - pdo / ln 2 * (coefficient * woe + intercept / n).
 * Computed in this order with PostgreSQL's float8 rules, so that the face
 * raises what SQL arithmetic would: RK_OVERFLOW for an infinite result of
 * finite operands, RK_UNDERFLOW for a zero product or quotient of non-zero
 * operands (the first that happens).  The caller checks pd in (0, 1),
 * base_odds and pdo positive, n >= 1.
 */
rk_status	rk_score_points(double pd, double base_points, double base_odds, double pdo,
							double *points);
rk_status	rk_characteristic_points(double coefficient, double woe, double intercept, int n,
									 double base_points, double base_odds, double pdo,
									 double *points);

/* The probability of a log-odds eta: 1 / (1 + e^-eta). */
double		rk_logistic(double eta);

/* The linear predictor of coefficients c (c[0] the intercept when intercept) at x[0..k-1]. */
double		rk_logit_eta(const double *c, int intercept, const double *x, int k);

/*
 * The Newton system of a logistic fit at beta from the sums of a pass
 * (g0 = X'(y - mu), h0 = X'WX, m x m): h = h0 + l2 I and g = g0 - l2 beta,
 * the intercept (coefficient 0 when intercept) unpenalized.
 */
void		rk_logit_newton_system(const double *g0, const double *h0, int m,
								   const double *beta, int intercept, double l2,
								   double *h, double *g);

/*
 * The standard errors of a fit whose information matrix is h (overwritten):
 * the square roots of the diagonal of its inverse.  Returns -1, or the
 * column where h is not positive definite.
 */
int			rk_logit_std_errors(double *h, int m, double *se);

/* Wald statistics: z = beta / se and the two-sided normal p-values. */
void		rk_logit_wald(const double *beta, const double *se, int m, double *z, double *p);

#endif							/* RK_SCORECARD_H */
