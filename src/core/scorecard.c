/*
 * scorecard.c
 *     Scorecards: weight-of-evidence binning of a characteristic, and
 *     logistic regression by iteratively reweighted least squares.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quantile.h"
#include "scorecard.h"

/* ---- weight-of-evidence binning ------------------------------------------ */

/*
 * Weight-of-evidence binning of a characteristic for scorecards.
 *
 * From (x, bad) pairs: sort by x; start from at most WOE_FINE_BINS bins of
 * (about) equal count whose edges never split equal values; then merge
 * adjacent bins, one pair at a time, until (1) every bin holds at least
 * min_share of the (non-missing) rows, (2) the bad rate, and so the WOE, is
 * monotonic in the direction of the overall trend (the WOE can tie where
 * the 0.5 rule below applies) (the sign of the count-weighted covariance between bin
 * index and bad rate), and (3) there are at most max_bins bins.  At each
 * step the merged pair is the one with the closest bad rates among those
 * that break the rule being enforced (first rule first).
 *
 * WOE_i = ln(share of bads in bin i / share of goods in bin i): positive
 * means riskier than average.  A bin with no goods or no bads gets 0.5
 * added to both its counts in that formula.  IV_i = (bad share - good
 * share) * WOE_i; IV is their sum.
 */

#define WOE_FINE_BINS 50

typedef struct fine_bin
{
	double		lo;				/* smallest x in the bin */
	double		hi;				/* largest x in the bin */
	double		goods;
	double		bads;
} fine_bin;

static double
woe_of(double bads, double goods, double tb, double tg)
{
	if (bads == 0 || goods == 0)
	{
		bads += 0.5;
		goods += 0.5;
	}
	return log((bads / tb) / (goods / tg));
}

static double
rate(const fine_bin *b)
{
	return b->bads / (b->bads + b->goods);
}

/* Merge bin i with bin i+1 (m bins), in place. */
static void
merge(fine_bin *b, int *m, int i)
{
	b[i].hi = b[i + 1].hi;
	b[i].goods += b[i + 1].goods;
	b[i].bads += b[i + 1].bads;
	memmove(b + i + 1, b + i + 2, sizeof(fine_bin) * (*m - i - 2));
	(*m)--;
}

rk_status
rk_woe_binning(double *pairs, int64_t n, int max_bins, double min_share,
				 rk_woe_bin *out, int *nbins, double *iv)
{
	fine_bin   *b;
	int			m = 0,
				i;
	int64_t		r,
				start;
	double		tg = 0,
				tb = 0,
				total,
				dir,
				cov = 0,
				mean_i = 0,
				mean_r = 0;

	if (n < 2 || max_bins < 1)
		return RK_TOO_FEW;
	if (rk_sort_pairs(pairs, n) == RK_CANCELLED)
		return RK_CANCELLED;
	for (r = 0; r < n; r++)
	{
		tb += pairs[2 * r + 1];
		tg += 1 - pairs[2 * r + 1];
	}
	if (tb == 0 || tg == 0)
		return RK_DEGENERATE;
	total = tb + tg;
	b = malloc(sizeof(fine_bin) * WOE_FINE_BINS);
	if (b == NULL)
		return RK_NOSPACE;

	/* fine bins of about n / WOE_FINE_BINS rows, never splitting a value */
	for (start = 0; start < n && m < WOE_FINE_BINS;)
	{
		int64_t		end = (int64_t) ((double) n * (m + 1) / WOE_FINE_BINS);

		if (end <= start)
			end = start + 1;
		if (m == WOE_FINE_BINS - 1 || end > n)
			end = n;
		while (end < n && pairs[2 * end] == pairs[2 * (end - 1)])
			end++;
		b[m].lo = pairs[2 * start];
		b[m].hi = pairs[2 * (end - 1)];
		b[m].goods = b[m].bads = 0;
		for (r = start; r < end; r++)
		{
			b[m].bads += pairs[2 * r + 1];
			b[m].goods += 1 - pairs[2 * r + 1];
		}
		m++;
		start = end;
	}

	/* direction of the trend: covariance of bin index and bad rate */
	for (i = 0; i < m; i++)
	{
		double		w = (b[i].goods + b[i].bads) / total;

		mean_i += w * i;
		mean_r += w * rate(&b[i]);
	}
	for (i = 0; i < m; i++)
		cov += (b[i].goods + b[i].bads) / total * (i - mean_i) * (rate(&b[i]) - mean_r);
	dir = cov >= 0 ? 1.0 : -1.0;

	for (;;)
	{
		int			best = -1;
		double		bestd = INFINITY;

		/* rule 1: every bin holds at least min_share of the rows */
		for (i = 0; i < m && m > 1; i++)
			if ((b[i].goods + b[i].bads) / total < min_share)
			{
				/* merge with the neighbour whose bad rate is closest */
				int			j = (i == 0) ? 0 : (i == m - 1 ? m - 2 :
											(fabs(rate(&b[i]) - rate(&b[i - 1])) <=
											 fabs(rate(&b[i]) - rate(&b[i + 1])) ? i - 1 : i));
				double		d = fabs(rate(&b[j]) - rate(&b[j + 1]));

				if (d < bestd)
				{
					bestd = d;
					best = j;
				}
			}
		/* rule 2: WOE (i.e. bad rate) monotonic in the trend's direction */
		if (best < 0)
			for (i = 0; i + 1 < m; i++)
				if (dir * (rate(&b[i + 1]) - rate(&b[i])) < 0)
				{
					double		d = fabs(rate(&b[i]) - rate(&b[i + 1]));

					if (d < bestd)
					{
						bestd = d;
						best = i;
					}
				}
		/* rule 3: at most max_bins */
		if (best < 0 && m > max_bins)
			for (i = 0; i + 1 < m; i++)
			{
				double		d = fabs(rate(&b[i]) - rate(&b[i + 1]));

				if (d < bestd)
				{
					bestd = d;
					best = i;
				}
			}
		if (best < 0)
			break;
		merge(b, &m, best);
	}

	*iv = 0;
	for (i = 0; i < m; i++)
	{
		double		w = woe_of(b[i].bads, b[i].goods, tb, tg);

		out[i].lower = i == 0 ? -INFINITY : b[i].lo;
		out[i].upper = i == m - 1 ? INFINITY : b[i + 1].lo;
		out[i].goods = (int64_t) b[i].goods;
		out[i].bads = (int64_t) b[i].bads;
		out[i].share = (b[i].goods + b[i].bads) / total;
		out[i].woe = w;
		out[i].iv = (b[i].bads / tb - b[i].goods / tg) * w;
		*iv += out[i].iv;
	}
	*nbins = m;
	free(b);
	return RK_OK;
}

double
rk_woe_of_counts(double bads, double goods, double tb, double tg)
{
	return woe_of(bads, goods, tb, tg);
}

/* ---- logistic regression ------------------------------------------------- */

/*
 * Logistic regression by iteratively reweighted least squares (Newton's
 * method on the log-likelihood), with an optional L2 penalty.
 *
 * Rows are stored as y, x_1..x_k (y 0 or 1).  With an intercept the design
 * matrix gets a leading column of ones, whose coefficient is not penalized.
 * Each iteration accumulates X'WX and X'(y - mu) in one pass and solves by
 * Cholesky (the pass that checks a step's likelihood also accumulates the
 * next iteration's X'WX, so an accepted step costs one pass); standard errors are the square roots of the diagonal of the
 * inverse (penalized) information at the optimum, as R's glm and
 * statsmodels report them.  Perfect or quasi-complete separation has no
 * finite maximum: it is reported (RK_DEGENERATE) unless a penalty makes
 * the optimum finite (a single class never has one with an intercept, which
 * is not penalized); a singular X'WX (collinear columns) is reported as
 * RK_BADARG with the offending column.
 */

#define LOGIT_MAX_ITER 100

/* log(1 + e^t) without overflow */
static inline double
log1pexp(double t)
{
	return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t));
}

/*
 * Cholesky factorization in place (lower triangle of a, order m); returns
 * -1 on success or the first column whose pivot is not positive relative to
 * the diagonal it started from.
 */
static int
cholesky(double *a, int m)
{
	int			i,
				j,
				k;

	for (j = 0; j < m; j++)
	{
		double		d = a[j * m + j],
					orig = d;

		for (k = 0; k < j; k++)
			d -= a[j * m + k] * a[j * m + k];
		if (!(d > 1e-12 * (orig > 0 ? orig : 1)))
			return j;
		a[j * m + j] = sqrt(d);
		for (i = j + 1; i < m; i++)
		{
			double		s = a[i * m + j];

			for (k = 0; k < j; k++)
				s -= a[i * m + k] * a[j * m + k];
			a[i * m + j] = s / a[j * m + j];
		}
	}
	return -1;
}

/* Solve L L' x = b in place of b. */
static void
chol_solve(const double *l, int m, double *b)
{
	int			i,
				k;

	for (i = 0; i < m; i++)
	{
		double		s = b[i];

		for (k = 0; k < i; k++)
			s -= l[i * m + k] * b[k];
		b[i] = s / l[i * m + i];
	}
	for (i = m - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (k = i + 1; k < m; k++)
			s -= l[k * m + i] * b[k];
		b[i] = s / l[i * m + i];
	}
}

/*
 * One row (its design row xr of m values, outcome y) at beta: log L =
 * y eta - log(1 + e^eta) added to *ll and, when g is given, (y - mu) x to g
 * and w x x' (w = mu (1 - mu)) to the lower triangle of h (m x m, row-major).
 */
static inline void
logit_row(const double *xr, int m, double y, const double *beta, double *ll,
		  double *g, double *h)
{
	double		eta = 0,
				mu,
				w;
	int			i,
				j;

	for (j = 0; j < m; j++)
		eta += xr[j] * beta[j];
	*ll += y * eta - log1pexp(eta);
	if (!g)
		return;
	mu = 1.0 / (1.0 + exp(-eta));
	w = mu * (1.0 - mu);
	for (i = 0; i < m; i++)
	{
		double		wx = w * xr[i];

		g[i] += (y - mu) * xr[i];
		for (j = 0; j <= i; j++)
			h[i * m + j] += wx * xr[j];
	}
}

void
rk_logit_add_row(const double *xr, int m, double y, const double *beta, double *ll,
				   double *g, double *h)
{
	logit_row(xr, m, y, beta, ll, g, h);
}

/*
 * One pass: log-likelihood, and (if h) X'WX + penalty and X'(y-mu) - penalty.
 * When a checkpoint says to stop: *stopped = 1, and the results mean nothing.
 */
static double
logit_pass(const double *rows, int64_t n, int k, int intercept, double l2,
		   const double *beta, double *h, double *g, int *stopped)
{
	int			m = k + (intercept ? 1 : 0);
	double		ll = 0,
				xr[RK_LOGIT_MAX_COLS + 1];
	int64_t		r;
	int			i,
				j;

	if (h)
	{
		memset(h, 0, sizeof(double) * m * m);
		memset(g, 0, sizeof(double) * m);
	}
	for (r = 0; r < n; r++)
	{
		const double *row = rows + r * (k + 1);

		if (intercept)
			xr[0] = 1.0;
		memcpy(xr + (intercept ? 1 : 0), row + 1, sizeof(double) * k);
		logit_row(xr, m, row[0], beta, &ll, h ? g : NULL, h);
		if ((r & 65535) == 0 && rk_should_stop())
		{
			*stopped = 1;
			return NAN;
		}
	}
	for (j = intercept ? 1 : 0; j < m; j++)
		ll -= 0.5 * l2 * beta[j] * beta[j];
	if (h)
	{
		for (j = intercept ? 1 : 0; j < m; j++)
		{
			h[j * m + j] += l2;
			g[j] -= l2 * beta[j];
		}
		for (i = 0; i < m; i++)
			for (j = i + 1; j < m; j++)
				h[i * m + j] = h[j * m + i];
	}
	return ll;
}

static void
fit_free(double *h, double *h2, double *l, double *g, double *g2)
{
	free(h);
	free(h2);
	free(l);
	free(g);
	free(g2);
}

rk_status
rk_logit_fit(const double *rows, int64_t n, int k, int intercept, double l2,
			   rk_logit_result *res)
{
	int			m = k + (intercept ? 1 : 0);
	double	   *h,
			   *h2,
			   *l,
			   *g,
			   *g2,
			   *beta,
				ll = -INFINITY,
				maxeta = 0;
	int			it,
				i,
				bad,
				stopped = 0;
	int64_t		r,
				ones = 0;

	res->converged = 0;
	res->iterations = 0;
	res->bad_column = -1;
	if (k < 0 || k > RK_LOGIT_MAX_COLS || m < 1)
		return RK_BADARG;
	if (n < m + 1)
		return RK_TOO_FEW;
	for (r = 0; r < n; r++)
		ones += rows[r * (k + 1)] != 0;
	/* all one class: no finite intercept (it is never penalized) */
	if ((ones == 0 || ones == n) && (l2 == 0 || intercept))
		return RK_DEGENERATE;
	h = malloc(sizeof(double) * m * m);
	h2 = malloc(sizeof(double) * m * m);
	l = malloc(sizeof(double) * m * m);
	g = malloc(sizeof(double) * m);
	g2 = malloc(sizeof(double) * m);
	beta = res->beta;
	if (h == NULL || h2 == NULL || l == NULL || g == NULL || g2 == NULL)
	{
		free(h);
		free(h2);
		free(l);
		free(g);
		free(g2);
		return RK_NOSPACE;
	}
	memset(beta, 0, sizeof(double) * m);

	/*
	 * Each trial point's pass also accumulates its information and gradient
	 * (h2, g2): an accepted step, the usual case, then needs no second pass
	 * for the next iteration, and at the end h holds the information at the
	 * optimum.
	 */
	ll = logit_pass(rows, n, k, intercept, l2, beta, h, g, &stopped);
	if (stopped)
	{
		fit_free(h, h2, l, g, g2);
		return RK_CANCELLED;
	}
	for (it = 1; it <= LOGIT_MAX_ITER; it++)
	{
		double		step = 1.0,
					newll,
					dmax = 0,
					bmax = 0,
				   *t;
		double		trial[RK_LOGIT_MAX_COLS + 1];

		memcpy(l, h, sizeof(double) * m * m);
		bad = cholesky(l, m);
		if (bad >= 0)
		{
			/*
			 * At beta = 0 the information is X'X/4: singular means collinear
			 * columns.  Later it means the weights vanished: separation.
			 */
			res->bad_column = bad;
			fit_free(h, h2, l, g, g2);
			return it == 1 ? RK_BADARG : RK_DEGENERATE;
		}
		chol_solve(l, m, g);	/* g is now the Newton step */
		/* halve the step until the likelihood does not fall */
		for (;;)
		{
			for (i = 0; i < m; i++)
				trial[i] = beta[i] + step * g[i];
			newll = logit_pass(rows, n, k, intercept, l2, trial, h2, g2, &stopped);
			if (stopped)
			{
				fit_free(h, h2, l, g, g2);
				return RK_CANCELLED;
			}
			if (newll >= ll - 1e-12 * fabs(ll) || step < 1e-8)
				break;
			step *= 0.5;
		}
		for (i = 0; i < m; i++)
			if (!isfinite(trial[i]) || !isfinite(newll))
			{
				/* the step ran out of range: no finite optimum within reach */
				fit_free(h, h2, l, g, g2);
				return RK_DEGENERATE;
			}
		for (i = 0; i < m; i++)
		{
			if (fabs(step * g[i]) > dmax)
				dmax = fabs(step * g[i]);
			if (fabs(trial[i]) > bmax)
				bmax = fabs(trial[i]);
		}
		memcpy(beta, trial, sizeof(double) * m);
		ll = newll;
		t = h;
		h = h2;
		h2 = t;
		t = g;
		g = g2;
		g2 = t;
		res->iterations = it;
		if (dmax <= 1e-10 * (1.0 + bmax))
		{
			res->converged = 1;
			break;
		}
	}

	/* at the optimum (h is its information): the inverse, the errors */
	memcpy(l, h, sizeof(double) * m * m);
	bad = cholesky(l, m);
	for (i = 0; i < m; i++)
	{
		if (bad < 0)
		{
			double		e[RK_LOGIT_MAX_COLS + 1];

			memset(e, 0, sizeof(double) * m);
			e[i] = 1.0;
			chol_solve(l, m, e);
			res->se[i] = sqrt(e[i]);
		}
		else
			res->se[i] = NAN;
	}
	/* separation: the largest linear predictor runs off */
	for (r = 0; r < n; r++)
	{
		const double *row = rows + r * (k + 1);
		double		eta = intercept ? beta[0] : 0;
		int			j;

		for (j = 0; j < k; j++)
			eta += row[1 + j] * beta[j + (intercept ? 1 : 0)];
		if (fabs(eta) > maxeta)
			maxeta = fabs(eta);
	}
	fit_free(h, h2, l, g, g2);
	/* the reported likelihood (and AIC) is the unpenalized one */
	res->loglik = l2 > 0 ? logit_pass(rows, n, k, intercept, 0.0, beta, NULL, NULL, &stopped) : ll;
	if (stopped)
		return RK_CANCELLED;
	res->max_eta = maxeta;
	if (l2 == 0 && !res->converged)
		return RK_DEGENERATE;
	return RK_OK;
}

int
rk_cholesky_solve(double *a, int m, double *b)
{
	int			bad = cholesky(a, m);

	if (bad < 0)
		chol_solve(a, m, b);
	return bad;
}

int
rk_spd_inverse_diag(double *a, int m, double *diag)
{
	int			bad = cholesky(a, m),
				i;
	double	   *e;

	if (bad >= 0)
		return bad;
	e = malloc(sizeof(double) * m);
	if (e == NULL)
		return 0;
	for (i = 0; i < m; i++)
	{
		memset(e, 0, sizeof(double) * m);
		e[i] = 1.0;
		chol_solve(a, m, e);
		diag[i] = e[i];
	}
	free(e);
	return -1;
}

/* ---- points, and what the faces of the fits return ---- */

/*
 * PostgreSQL's checked float8 arithmetic (utils/float.h): the first
 * overflow or underflow is kept in *st.
 */
static void
ck_set(rk_status *st, rk_status e)
{
	if (*st == RK_OK)
		*st = e;
}

static double
ck_pl(double a, double b, rk_status *st)
{
	double		r = a + b;

	if (isinf(r) && !isinf(a) && !isinf(b))
		ck_set(st, RK_OVERFLOW);
	return r;
}

static double
ck_mi(double a, double b, rk_status *st)
{
	double		r = a - b;

	if (isinf(r) && !isinf(a) && !isinf(b))
		ck_set(st, RK_OVERFLOW);
	return r;
}

static double
ck_mul(double a, double b, rk_status *st)
{
	double		r = a * b;

	if (isinf(r) && !isinf(a) && !isinf(b))
		ck_set(st, RK_OVERFLOW);
	if (r == 0.0 && a != 0.0 && b != 0.0)
		ck_set(st, RK_UNDERFLOW);
	return r;
}

static double
ck_div(double a, double b, rk_status *st)
{
	double		r = a / b;

	if (isinf(r) && !isinf(a))
		ck_set(st, RK_OVERFLOW);
	if (r == 0.0 && a != 0.0 && !isinf(b))
		ck_set(st, RK_UNDERFLOW);
	return r;
}

rk_status
rk_score_points(double pd, double base_points, double base_odds, double pdo, double *points)
{
	rk_status	st = RK_OK;
	double		factor = ck_div(pdo, log(2.0), &st);
	double		odds = log(ck_div(ck_mi(1, pd, &st), pd, &st));

	*points = ck_pl(base_points, ck_mul(factor, ck_mi(odds, log(base_odds), &st), &st), &st);
	return st;
}

rk_status
rk_characteristic_points(double coefficient, double woe, double intercept, int n,
						 double base_points, double base_odds, double pdo, double *points)
{
	rk_status	st = RK_OK;
	double		factor = ck_div(pdo, log(2.0), &st);
	double		offset = ck_div(ck_mi(base_points, ck_mul(factor, log(base_odds), &st), &st),
								(double) n, &st);
	double		part = ck_mul(factor,
							  ck_pl(ck_mul(coefficient, woe, &st),
									ck_div(intercept, (double) n, &st), &st), &st);

	*points = ck_mi(offset, part, &st);
	return st;
}

double
rk_logistic(double eta)
{
	return 1.0 / (1.0 + exp(-eta));
}

double
rk_logit_eta(const double *c, int intercept, const double *x, int k)
{
	double		eta = intercept ? c[0] : 0;
	int			off = intercept ? 1 : 0;

	for (int i = 0; i < k; i++)
		eta += c[i + off] * x[i];
	return eta;
}

void
rk_logit_newton_system(const double *g0, const double *h0, int m, const double *beta,
					   int intercept, double l2, double *h, double *g)
{
	for (int i = 0; i < m; i++)
	{
		g[i] = g0[i];
		for (int j = 0; j <= i; j++)
			h[i * m + j] = h[j * m + i] = h0[i * m + j];
	}
	for (int j = intercept ? 1 : 0; j < m; j++)
	{
		h[j * m + j] += l2;
		g[j] -= l2 * beta[j];
	}
}

int
rk_logit_std_errors(double *h, int m, double *se)
{
	int			bad = rk_spd_inverse_diag(h, m, se);

	if (bad < 0)
		for (int i = 0; i < m; i++)
			se[i] = sqrt(se[i]);
	return bad;
}

void
rk_logit_wald(const double *beta, const double *se, int m, double *z, double *p)
{
	for (int i = 0; i < m; i++)
	{
		z[i] = beta[i] / se[i];
		p[i] = erfc(fabs(z[i]) / M_SQRT2);	/* two-sided normal p-value */
	}
}
