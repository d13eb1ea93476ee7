/*
 * market.c
 *     Market risk: central moments up to the fourth (streaming, mergeable,
 *     and a removable variant for sliding windows), and the parametric
 *     VaR/ES (Gaussian, Cornish-Fisher, EWMA).
 *
 * The historical VaR/ES are quantile.c's, and their sliding windows
 * sortedvec.c's and ostree.c's.
 */
#include <math.h>

#include "market.h"

/* ---- central moments ----------------------------------------------------- */

/*
 * Central moments up to the fourth: streaming, mergeable, and a
 * removable variant for sliding windows.
 *
 * rk_moments is the GROUP BY / parallel state: one-pass updates and the
 * pairwise merge of Pebay (2008), which keep their accuracy for data far from
 * zero.  rk_msums is the sliding-window state: power sums of (x - shift)
 * in double-double arithmetic, so a value that leaves the window takes away
 * exactly what it brought (to about 1e-32 relative), whatever came and went
 * in between; the conversion to central moments is done in double-double
 * too, so the cancellation in S2/n - mean^2 costs nothing.
 */

void
rk_moments_init(rk_moments *m)
{
	m->n = 0;
	m->mean = 0;
	m->m2 = 0;
	m->m3 = 0;
	m->m4 = 0;
	m->min = INFINITY;
	m->max = -INFINITY;
}

void
rk_moments_add(rk_moments *m, double x)
{
	double		n1 = m->n;
	double		n = n1 + 1;
	double		delta = x - m->mean;
	double		dn = delta / n;
	double		dn2 = dn * dn;
	double		term1 = delta * dn * n1;

	m->mean += dn;
	m->m4 += term1 * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * m->m2 - 4 * dn * m->m3;
	m->m3 += term1 * dn * (n - 2) - 3 * dn * m->m2;
	m->m2 += term1;
	m->n = n;
	if (x < m->min)
		m->min = x;
	if (x > m->max)
		m->max = x;
}

void
rk_moments_merge(rk_moments *a, const rk_moments *b)
{
	double		na = a->n,
				nb = b->n,
				n,
				delta,
				d2,
				d3,
				d4,
				m2,
				m3,
				m4;

	if (nb == 0)
		return;
	if (na == 0)
	{
		*a = *b;
		return;
	}
	n = na + nb;
	delta = b->mean - a->mean;
	d2 = delta * delta;
	d3 = d2 * delta;
	d4 = d2 * d2;

	m2 = a->m2 + b->m2 + d2 * na * nb / n;
	m3 = a->m3 + b->m3 + d3 * na * nb * (na - nb) / (n * n)
		+ 3.0 * delta * (na * b->m2 - nb * a->m2) / n;
	m4 = a->m4 + b->m4
		+ d4 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
		+ 6.0 * d2 * (na * na * b->m2 + nb * nb * a->m2) / (n * n)
		+ 4.0 * delta * (na * b->m3 - nb * a->m3) / n;

	a->mean = a->mean + delta * nb / n;
	a->m2 = m2;
	a->m3 = m3;
	a->m4 = m4;
	a->n = n;
	if (b->min < a->min)
		a->min = b->min;
	if (b->max > a->max)
		a->max = b->max;
}

/* ---- double-double arithmetic (Dekker, Knuth two-sum, fma products) ---- */

static inline rk_dd
dd_two_sum(double a, double b)
{
	rk_dd		r;
	double		bb;

	r.hi = a + b;
	bb = r.hi - a;
	r.lo = (a - (r.hi - bb)) + (b - bb);
	return r;
}

static inline rk_dd
dd_add(rk_dd a, rk_dd b)
{
	rk_dd		s = dd_two_sum(a.hi, b.hi);
	rk_dd		t = dd_two_sum(a.lo, b.lo);

	s.lo += t.hi;
	s = dd_two_sum(s.hi, s.lo);
	s.lo += t.lo;
	return dd_two_sum(s.hi, s.lo);
}

static inline rk_dd
dd_neg(rk_dd a)
{
	a.hi = -a.hi;
	a.lo = -a.lo;
	return a;
}

static inline rk_dd
dd_mul(rk_dd a, rk_dd b)
{
	rk_dd		p;

	p.hi = a.hi * b.hi;
	p.lo = fma(a.hi, b.hi, -p.hi);
	p.lo += a.hi * b.lo + a.lo * b.hi;
	return dd_two_sum(p.hi, p.lo);
}

static inline rk_dd
dd_from(double a)
{
	rk_dd		r = {a, 0.0};

	return r;
}

static inline rk_dd
dd_div_d(rk_dd a, double b)
{
	double		q1 = a.hi / b;
	rk_dd		p,
				r;

	/* one correction step: a - q1*b, divided again */
	p.hi = q1 * b;
	p.lo = fma(q1, b, -p.hi);
	r = dd_add(a, dd_neg(p));
	return dd_two_sum(q1, r.hi / b);
}

static inline rk_dd
dd_scale(rk_dd a, double k)
{
	return dd_mul(a, dd_from(k));
}

void
rk_msums_init(rk_msums *s)
{
	int			k;

	s->n = 0;
	s->shift = 0;
	for (k = 0; k < 4; k++)
	{
		s->s[k] = dd_from(0.0);
		s->a[k] = 0.0;
	}
}

/* The four powers of d = x - shift, each exact to double-double. */
static void
powers(const rk_msums *s, double x, rk_dd p[4])
{
	rk_dd		d = dd_two_sum(x, -s->shift);

	p[0] = d;
	p[1] = dd_mul(d, d);
	p[2] = dd_mul(p[1], d);
	p[3] = dd_mul(p[1], p[1]);
}

/* Add x keeping the current shift. */
static void
msums_push(rk_msums *s, double x)
{
	rk_dd		p[4];
	int			k;

	powers(s, x, p);
	for (k = 0; k < 4; k++)
	{
		s->s[k] = dd_add(s->s[k], p[k]);
		s->a[k] += fabs(p[k].hi);
	}
	s->n++;
}

void
rk_msums_add(rk_msums *s, double x)
{
	if (s->n == 0)
	{
		rk_msums_init(s);
		s->shift = x;
	}
	msums_push(s, x);
}

void
rk_msums_remove(rk_msums *s, double x)
{
	rk_dd		p[4];
	int			k;

	if (s->n <= 1)
	{
		rk_msums_init(s);
		return;
	}
	powers(s, x, p);
	for (k = 0; k < 4; k++)
	{
		s->s[k] = dd_add(s->s[k], dd_neg(p[k]));
		s->a[k] += fabs(p[k].hi);
	}
	s->n--;
}

int
rk_msums_degraded(const rk_msums *s)
{
	const double lost = 1e15;	/* of the ~32 digits, keep at least 17 */
	double		s2 = fabs(s->s[1].hi);
	double		s4 = fabs(s->s[3].hi);

	if (s->n <= 1)
		return 0;
	/* a power sum overflowed (and came back as NaN): only a rebuild helps */
	if (!isfinite(s->s[0].hi) || !isfinite(s2) || !isfinite(s->s[2].hi) || !isfinite(s4))
		return 1;
	/*
	 * The frame's mean far from the shift (by 100 sd): the central moments
	 * then cancel (mean - shift)^4 against the fourth moment, and lose 8 of
	 * double-double's 32 digits on top of the rounding allowed below.  A
	 * rebuild shifts by the mean.
	 */
	{
		double		m1 = s->s[0].hi / (double) s->n,
					m2 = s2 / (double) s->n;

		if (m2 - m1 * m1 < 1e-4 * m2)
			return 1;
	}
	return s->a[0] > lost * sqrt((double) s->n * s2) ||
		s->a[1] > lost * s2 ||
		s->a[2] > lost * sqrt(s2 * s4) ||
		s->a[3] > lost * s4;
}

void
rk_msums_rebuild(rk_msums *s, const double *x1, int64_t n1,
				   const double *x2, int64_t n2)
{
	long double mean = 0;
	int64_t		i;

	rk_msums_init(s);
	if (n1 + n2 == 0)
		return;
	for (i = 0; i < n1; i++)
		mean += x1[i];
	for (i = 0; i < n2; i++)
		mean += x2[i];
	s->shift = (double) (mean / (n1 + n2));
	for (i = 0; i < n1; i++)
		msums_push(s, x1[i]);
	for (i = 0; i < n2; i++)
		msums_push(s, x2[i]);
}

void
rk_msums_moments(const rk_msums *s, rk_moments *m)
{
	double		n = (double) s->n;
	rk_dd		a1,
				a2,
				a3,
				a4,
				mu,
				mu2,
				c2,
				c3,
				c4;

	m->n = n;
	if (s->n == 0)
	{
		m->mean = m->m2 = m->m3 = m->m4 = 0;
		return;
	}
	/* raw moments of d about the shift */
	a1 = dd_div_d(s->s[0], n);
	a2 = dd_div_d(s->s[1], n);
	a3 = dd_div_d(s->s[2], n);
	a4 = dd_div_d(s->s[3], n);
	mu = a1;
	mu2 = dd_mul(mu, mu);
	/* central: c2 = a2 - mu^2; c3 = a3 - 3 mu a2 + 2 mu^3 */
	c2 = dd_add(a2, dd_neg(mu2));
	c3 = dd_add(dd_add(a3, dd_neg(dd_scale(dd_mul(mu, a2), 3.0))),
				dd_scale(dd_mul(mu2, mu), 2.0));
	/* c4 = a4 - 4 mu a3 + 6 mu^2 a2 - 3 mu^4 */
	c4 = dd_add(dd_add(a4, dd_neg(dd_scale(dd_mul(mu, a3), 4.0))),
				dd_add(dd_scale(dd_mul(mu2, a2), 6.0),
					   dd_neg(dd_scale(dd_mul(mu2, mu2), 3.0))));
	mu = dd_add(dd_from(s->shift), mu);
	m->mean = mu.hi;
	m->m2 = (c2.hi + c2.lo) * n;
	m->m3 = (c3.hi + c3.lo) * n;
	m->m4 = (c4.hi + c4.lo) * n;
	if (m->m2 < 0)
		m->m2 = 0;
	if (m->m4 < 0)
		m->m4 = 0;
}

/* ---- parametric VaR/ES --------------------------------------------------- */

/*
 * Definitions follow PerformanceAnalytics for the Gaussian and modified
 * measures (moments with 1/n; "operational" modified ES, floored at the
 * modified VaR) and RiskMetrics (1996) for EWMA.
 */
static rk_status
check_moments(const rk_moments *m, double alpha, double nmin)
{
	if (m->n == 0)
		return RK_EMPTY;		/* before alpha: an empty group never saw p */
	if (!(alpha > 0 && alpha < 1))
		return RK_BADARG;
	if (m->n < nmin)
		return RK_TOO_FEW;
	return RK_OK;
}

rk_status
rk_var_gaussian(const rk_moments *m, double alpha, double *var)
{
	rk_status st = check_moments(m, alpha, 2);

	if (st != RK_OK)
		return st;
	*var = -m->mean - rk_qnorm(alpha) * sqrt(m->m2 / m->n);
	return RK_OK;
}

rk_status
rk_es_gaussian(const rk_moments *m, double alpha, double *es)
{
	rk_status st = check_moments(m, alpha, 2);

	if (st != RK_OK)
		return st;
	*es = -m->mean + sqrt(m->m2 / m->n) * rk_dnorm(rk_qnorm(alpha)) / alpha;
	return RK_OK;
}

/* Skewness and excess kurtosis with 1/n moments, and the CF quantile h. */
static rk_status
cornish_fisher(const rk_moments *m, double alpha, double *h,
			   double *skew, double *exkurt, double *sigma)
{
	rk_status st = check_moments(m, alpha, 3);
	double		c2,
				z;

	if (st != RK_OK)
		return st;
	c2 = m->m2 / m->n;
	if (!(c2 > 0))
		return RK_DEGENERATE;
	*skew = (m->m3 / m->n) / pow(c2, 1.5);
	*exkurt = (m->m4 / m->n) / (c2 * c2) - 3.0;
	*sigma = sqrt(c2);
	z = rk_qnorm(alpha);
	*h = z + (1.0 / 6.0) * (z * z - 1.0) * *skew
		+ (1.0 / 24.0) * (z * z * z - 3.0 * z) * *exkurt
		- (1.0 / 36.0) * (2.0 * z * z * z - 5.0 * z) * *skew * *skew;
	return RK_OK;
}

rk_status
rk_var_modified(const rk_moments *m, double alpha, double *var)
{
	double		h,
				skew,
				exkurt,
				sigma;
	rk_status st = cornish_fisher(m, alpha, &h, &skew, &exkurt, &sigma);

	if (st != RK_OK)
		return st;
	*var = -m->mean - h * sigma;
	return RK_OK;
}

rk_status
rk_es_modified(const rk_moments *m, double alpha, double *es)
{
	double		h,
				skew,
				exkurt,
				sigma,
				h2,
				mes,
				tail;
	rk_status st = cornish_fisher(m, alpha, &h, &skew, &exkurt, &sigma);

	if (st != RK_OK)
		return st;
	h2 = h * h;
	/* expected value below h of the Edgeworth-expanded density (Boudt et al.) */
	mes = rk_dnorm(h) * (1.0 + h2 * h * skew / 6.0
						   + (h2 * h2 * h2 - 9.0 * h2 * h2 + 9.0 * h2 + 3.0) * skew * skew / 72.0
						   + (h2 * h2 - 2.0 * h2 - 1.0) * exkurt / 24.0);
	tail = -mes / alpha;
	/* never below the modified VaR: min(tail, h) in standardized units */
	*es = -m->mean - sigma * (tail < h ? tail : h);
	return RK_OK;
}

rk_status
rk_moments_stats(const rk_moments *m, double *sd, double *skew,
				   double *exkurt)
{
	double		c2;

	if (m->n == 0)
		return RK_EMPTY;
	if (m->n < 2)
		return RK_TOO_FEW;
	*sd = sqrt(m->m2 / (m->n - 1));
	c2 = m->m2 / m->n;
	if (!(c2 > 0))
		return RK_DEGENERATE;
	*skew = (m->m3 / m->n) / pow(c2, 1.5);
	*exkurt = (m->m4 / m->n) / (c2 * c2) - 3.0;
	return RK_OK;
}

void
rk_ewma_add(rk_ewma *e, double lambda, double r)
{
	e->s = lambda * e->s + r * r;
	e->w = lambda * e->w + 1.0;
	e->n++;
}

/*
 * Take out the oldest return, whose weight is lambda^(n-1).  Any rounding
 * left behind is multiplied by lambda at every later step, so it dies out.
 */
void
rk_ewma_remove_oldest(rk_ewma *e, double lambda, double r)
{
	double		wt;

	if (e->n <= 1)
	{
		e->n = 0;
		e->s = 0;
		e->w = 0;
		return;
	}
	wt = pow(lambda, (double) (e->n - 1));
	e->s -= wt * r * r;
	e->w -= wt;
	e->n--;
	if (e->s < 0)
		e->s = 0;
}

rk_status
rk_ewma_sigma(const rk_ewma *e, double *sigma)
{
	if (e->n == 0)
		return RK_EMPTY;
	*sigma = sqrt(e->s / e->w);
	return RK_OK;
}

rk_status
rk_ewma_var_es(const rk_ewma *e, double alpha, double *var, double *es)
{
	double		sigma,
				z;
	rk_status rc = rk_ewma_sigma(e, &sigma);

	if (rc != RK_OK)
		return rc;
	z = rk_qnorm(alpha);
	if (var)
		*var = -z * sigma;
	if (es)
		*es = sigma * rk_dnorm(z) / alpha;
	return RK_OK;
}
