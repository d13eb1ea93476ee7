/*
 * risk_core.h
 *     Pure numerics of the risk extension: no PostgreSQL header here.
 *
 * Every function takes plain arrays or small structs and returns a status
 * code (RK_OK on success).  Nothing allocates except where a function says
 * so: callers own the memory.  The SQL face (src/\*.c) maps status codes to
 * ereport.
 *
 * Conventions: returns and P&L are "profit positive"; VaR and ES come back as
 * positive loss amounts; alpha = 1 - p is the tail probability (p = 0.99 ->
 * alpha = 0.01), computed by the caller as 1.0 - p so that the arithmetic is
 * the same as R's.
 */
#ifndef RISK_CORE_H
#define RISK_CORE_H

#include <stddef.h>
#include <stdint.h>

typedef enum rk_status
{
	RK_OK = 0,
	RK_EMPTY,					/* no observations */
	RK_TOO_FEW,				/* fewer observations than the method needs */
	RK_DEGENERATE,			/* zero variance where a ratio needs it */
	RK_NOSPACE,				/* caller-provided storage is full */
	RK_NOTFOUND,				/* value to remove is not present */
	RK_BADARG,				/* argument outside its domain */
	RK_NUMERIC,				/* a special function failed */
	RK_CANCELLED				/* stopped at a checkpoint: see rk_should_stop */
} rk_status;

/*
 * Cancellation.  Long routines ask rk_should_stop() at checkpoints between
 * passes over the data; on yes they free what they hold and return
 * RK_CANCELLED, and the caller (the SQL face) then lets PostgreSQL raise
 * the cancel (CHECK_FOR_INTERRUPTS).  The core never leaves a routine other
 * than by returning, so a cancelled statement leaks nothing.  The SQL face
 * points the hook at a test of a pending cancel or termination; NULL (never
 * stop) outside the server; the unit tests stop at every checkpoint in turn.
 */
extern int	(*rk_stop_hook) (void);

static inline int
rk_should_stop(void)
{
	return rk_stop_hook != NULL && rk_stop_hook();
}

/*
 * Add x to the compensated sum (*s, *c) (Neumaier's variant of Kahan's
 * summation): the sum is *s + *c, with the rounding error of every
 * addition kept in *c.  The one copy used by every compensated sum.
 */
static inline void
rk_sum_add(double *s, double *c, double x)
{
	double		t = *s + x;

	if ((*s >= 0 ? *s : -*s) >= (x >= 0 ? x : -x))
		*c += (*s - t) + x;
	else
		*c += (x - t) + *s;
	*s = t;
}

/* ---- quantile.c: empirical quantile and historical VaR/ES ------------- */

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

/* ---- sortedvec.c: sorted array for small sliding windows -------------- */

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

/* ---- ostree.c: order-statistic tree for sliding windows ---------------- */

/*
 * An AVL tree of distinct keys with multiplicities, every node augmented
 * with its subtree's count and sum.  Nodes live in a caller-owned array and
 * refer to each other by index, so the array may be moved (realloc) between
 * calls.  Insert/remove/select/rank are O(log n).  Subtree sums are
 * recomputed from the children on every update, so no rounding error
 * accumulates as values come and go.
 */
typedef struct rk_osnode
{
	double		key;
	double		sum;			/* sum of key*mult over the subtree */
	int64_t		size;			/* total multiplicity of the subtree */
	int32_t		mult;			/* multiplicity of key */
	int32_t		left;
	int32_t		right;
	int32_t		height;			/* 0 for a free node */
} rk_osnode;

typedef struct rk_ostree
{
	rk_osnode *nodes;
	int32_t		capacity;
	int32_t		used;			/* nodes handed out so far (high-water) */
	int32_t		root;			/* -1 when empty */
	int32_t		freelist;		/* chain through .left, -1 when none */
} rk_ostree;

void		rk_ostree_init(rk_ostree *t, rk_osnode *nodes, int32_t capacity);

/* Number of free node slots: insert can fail with RK_NOSPACE only if 0. */
int32_t		rk_ostree_room(const rk_ostree *t);
rk_status rk_ostree_insert(rk_ostree *t, double key);
rk_status rk_ostree_remove(rk_ostree *t, double key);
int64_t		rk_ostree_count(const rk_ostree *t);

/* k-th smallest (0-based), k < count. */
double		rk_ostree_select(const rk_ostree *t, int64_t k);

/* Count and sum of the values strictly below key. */
void		rk_ostree_below(const rk_ostree *t, double key,
							  int64_t *count, double *sum);
/* Write every value, in ascending order, to out[0..count-1]. */
void		rk_ostree_export(const rk_ostree *t, double *out);
double		rk_ostree_min(const rk_ostree *t);
double		rk_ostree_max(const rk_ostree *t);

/* Historical VaR/ES from the tree, same definitions as rk_hist_var_es. */
rk_status rk_ostree_var_es(const rk_ostree *t, double alpha,
							   double *var, double *es);

/* ---- moments.c: central moments ---------------------------------------- */

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

/* ---- var.c: parametric VaR/ES and backtests ---------------------------- */

/* Normal quantile, density, chi-squared and binomial tails (GSL). */
double		rk_qnorm(double p);
double		rk_dnorm(double x);
double		rk_pchisq_upper(double x, double df);
double		rk_pbinom(int64_t x, int64_t n, double prob);

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

/* x*log(y) with 0*log(anything) = 0. */
double		rk_xlogy(double x, double y);

/* Kupiec proportion-of-failures LR for x exceptions in n at tail alpha. */
rk_status rk_kupiec_lr(int64_t n, int64_t x, double alpha, double *lr);

/* Christoffersen independence LR from the transition counts. */
double		rk_christoffersen_lr_ind(int64_t n00, int64_t n01, int64_t n10,
									   int64_t n11);

typedef enum rk_zone
{
	RK_ZONE_GREEN = 0,
	RK_ZONE_YELLOW = 1,
	RK_ZONE_RED = 2
} rk_zone;

/*
 * Basel traffic light: cumulative binomial probability of at most x
 * exceptions; green below 0.95, yellow below 0.9999, red from there.  The
 * plus factor is the Basel (1996) table, defined for n = 250 and alpha =
 * 0.01 only: *plus_defined is 0 elsewhere.
 */
rk_status rk_basel_zone(int64_t x, int64_t n, double alpha,
							   rk_zone *zone, double *cumprob,
							   double *plus, int *plus_defined);

/* ---- evt.c: extreme value theory -------------------------------------- */

/* GPD of the excess y over the threshold: shape xi, scale beta > 0. */
rk_status rk_gpd_check(double xi, double beta);
double		rk_gpd_cdf(double y, double xi, double beta);
double		rk_gpd_pdf(double y, double xi, double beta);
double		rk_gpd_quantile(double p, double xi, double beta);

/* GEV: shape xi, location mu, scale sigma > 0. */
double		rk_gev_cdf(double x, double xi, double mu, double sigma);
double		rk_gev_pdf(double x, double xi, double mu, double sigma);
double		rk_gev_quantile(double p, double xi, double mu, double sigma);

typedef struct rk_gpd_fit
{
	double		xi;
	double		beta;
	double		se_xi;			/* NaN when not available */
	double		se_beta;
	double		loglik;
	int			converged;
} rk_gpd_fit;

/* Log-likelihood of excesses y[0..k-1] (all > 0); -inf off the support. */
double		rk_gpd_loglik(const double *y, int64_t k, double xi, double beta);

/*
 * Maximum likelihood (profile in xi/beta, then Newton).  Needs k >= 3
 * positive excesses.  No interior maximum (xi <= -1): converged = 0 and the
 * estimates NaN.  Standard errors from the observed information, for xi > -1/2.
 */
rk_status rk_gpd_fit_mle(const double *y, int64_t k, rk_gpd_fit *fit);

/* Probability-weighted moments (Hosking & Wallis 1987); sorts y. */
rk_status rk_gpd_fit_pwm(double *y, int64_t k, rk_gpd_fit *fit);

/* Standard errors from the inverse observed information at (xi, beta). */
void		rk_gpd_stderr(const double *y, int64_t k, rk_gpd_fit *fit);

/* POT VaR and ES at level p of n losses, k of them above the threshold u. */
rk_status rk_gpd_var_es(const rk_gpd_fit *fit, double u, int64_t n,
							int64_t k, double p, double *var, double *es);

/* Hill's estimator from the k largest of x[0..n-1] (reorders x). */
rk_status rk_hill(double *x, int64_t n, int64_t k, double *xi,
					  double *threshold);

typedef struct rk_gev_fit
{
	double		xi;
	double		mu;
	double		sigma;
	double		se_xi;			/* NaN when the information is not PD */
	double		se_mu;
	double		se_sigma;
	double		loglik;
	int			converged;
} rk_gev_fit;

/*
 * GEV maximum likelihood on block maxima x[0..n-1] (n >= 5), work an array
 * of n doubles: Nelder-Mead on standardized data, Newton polish, standard
 * errors from a finite-difference observed information.
 */
rk_status rk_gev_fit_mle(const double *x, int64_t n, double *work,
							 rk_gev_fit *fit);

/* ---- garch.c: GARCH(1,1) and conditional VaR/ES ----------------------- */

typedef enum rk_garch_dist
{
	RK_GARCH_NORM = 0,
	RK_GARCH_STD = 1			/* unit-variance Student t, nu > 2 */
} rk_garch_dist;

typedef struct rk_garch_fit
{
	double		mu;
	double		omega;
	double		alpha;
	double		beta;
	double		nu;				/* NaN for normal innovations */
	double		se[5];			/* mu, omega, alpha, beta, nu; NaN if unknown */
	double		loglik;
	double		sigma_forecast; /* conditional sd of the next period */
	int			converged;
} rk_garch_fit;

/*
 * Maximum likelihood GARCH(1,1) with constant mean of returns r[0..n-1] in
 * time order (n >= 10).  work: n doubles; on return it holds the
 * standardized residuals z_t / sqrt(h_t).
 */
rk_status rk_garch_fit_mle(const double *r, int64_t n, rk_garch_dist dist,
							   double *work, rk_garch_fit *fit);

typedef enum rk_cond_method
{
	RK_COND_GARCH,			/* normal quantile on the forecast sd */
	RK_COND_FHS,				/* empirical quantile of the residuals */
	RK_COND_EVT				/* GPD on the largest 10% residual losses */
} rk_cond_method;

/*
 * Conditional VaR and ES (positive losses) at tail probability alpha from a
 * normal GARCH fit and its standardized residuals e[0..n-1] (reordered).
 * EVT needs n >= 30 (10% of them, at least 3, above the threshold); it
 * returns RK_NOTFOUND when the residual tail has no ML fit, and ES =
 * +inf when the fitted tail has xi >= 1.
 */
rk_status rk_conditional_var_es(const rk_garch_fit *fit, double *e,
									int64_t n, double alpha,
									rk_cond_method method,
									double *var, double *es);

/* ---- oprisk.c: loss distribution approach ----------------------------- */

typedef enum rk_sev_family
{
	RK_SEV_LOGNORMAL,			/* meanlog, sdlog */
	RK_SEV_WEIBULL,			/* shape, scale */
	RK_SEV_GAMMA,				/* shape, rate */
	RK_SEV_GPD				/* xi, beta (threshold 0) */
} rk_sev_family;

typedef enum rk_freq_family
{
	RK_FREQ_POISSON,			/* lambda */
	RK_FREQ_NEGBIN			/* size, mu */
} rk_freq_family;

typedef struct rk_dist_fit
{
	double		p1;
	double		p2;				/* NaN for one-parameter families */
	double		loglik;
	int			converged;
} rk_dist_fit;

/* ML severity fit of losses x[0..n-1] (all > 0, n >= 2). */
rk_status rk_severity_fit(double *x, int64_t n, rk_sev_family fam,
							  rk_dist_fit *fit);
rk_status rk_severity_check(rk_sev_family fam, double p1, double p2);
double		rk_severity_pdf(rk_sev_family fam, double p1, double p2, double x);
double		rk_severity_cdf(rk_sev_family fam, double p1, double p2, double x);
double		rk_severity_quantile(rk_sev_family fam, double p1, double p2, double p);
double		rk_severity_mean(rk_sev_family fam, double p1, double p2);

/*
 * ML frequency fit of counts c[0..n-1] (non-negative integers, n >= 2).  The
 * negative binomial has no finite size unless the counts are overdispersed:
 * then converged = 0 and the parameters NaN.
 */
rk_status rk_frequency_fit(const double *c, int64_t n, rk_freq_family fam,
							   rk_dist_fit *fit);
double		rk_frequency_mean(rk_freq_family fam, double p1, double p2);

/* Simulated annual losses annual[0..years-1] (GSL taus2, seeded from seed). */
rk_status rk_lda_simulate(rk_freq_family ff, double f1, double f2,
							  rk_sev_family sf, double s1, double s2,
							  int64_t years, uint64_t seed, double *annual);

/* Order annual losses enough for rk_lda_measures at these levels: the
 * upper tail sorted, the rest below it (selection, O(years)). */
rk_status rk_lda_sort_tail(double *annual, int64_t years, const double *levels,
							   int nlev);

/*
 * From annual losses ordered by rk_lda_sort_tail (or fully sorted): the
 * type-7 quantile at p, the mean of
 * the losses at or above it, and the standard error of the quantile from the
 * 95% order-statistic interval (Hahn & Meeker) divided by 2 x 1.96.
 */
rk_status rk_lda_measures(double *annual, int64_t years, double p,
							  double *var, double *es, double *se);

/*
 * Single-loss approximation (Bocker & Kluppelberg): F^-1(1 - (1-p)/lambda),
 * plus (lambda - 1) E[X] with the mean correction of Bocker & Sprittulla
 * when mean_correction, E[X] is finite and lambda > 1.
 */
double		rk_sla_var(double lambda, rk_sev_family sf, double s1, double s2,
						 double p, int mean_correction);

/* ---- validation.c: credit score and PD validation -------------------- */

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

/* ---- logit.c: logistic regression ------------------------------------ */

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

/* ---- woe.c: weight-of-evidence binning -------------------------------- */

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

#endif							/* RISK_CORE_H */
