/*
 * explain.c
 *     Explainable and fair credit decisions: see explain.h.  Pure C, no
 *     PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "explain.h"
#include "quantile.h"

/* ---- reason codes ----------------------------------------------------- */

int
rk_scorecard_bin(int nbins, const int *kind, const double *lower, const double *upper,
				 int right_closed, double x)
{
	for (int i = 0; i < nbins; i++)
	{
		if (kind[i] != RK_BIN_INTERVAL)
			continue;
		if (right_closed)
		{
			if ((isnan(lower[i]) || x > lower[i]) && (isnan(upper[i]) || x <= upper[i]))
				return i;
		}
		else if ((isnan(lower[i]) || x >= lower[i]) && (isnan(upper[i]) || x < upper[i]))
			return i;
	}
	return -1;
}

int
rk_reason_rank(int k, const double *points, const double *baseline, const int *code,
			   int ncodes, int above, int max, rk_reason *out, double *work, int *iwork)
{
	int			n = 0;

	for (int c = 0; c < ncodes; c++)
	{
		work[c] = 0;
		iwork[c] = -1;
	}
	for (int j = 0; j < k; j++)
	{
		int			c = code[j];
		double		lost = above ? points[j] - baseline[j] : baseline[j] - points[j];

		if (c < 0 || c >= ncodes || !isfinite(lost))
			return -1;
		work[c] += lost;
		if (iwork[c] < 0 || lost > (above ? points[iwork[c]] - baseline[iwork[c]]
									: baseline[iwork[c]] - points[iwork[c]]))
			iwork[c] = j;
	}
	/* selection of the largest sums: max is small (a handful of reasons) */
	while (n < max)
	{
		int			best = -1;

		for (int c = 0; c < ncodes; c++)
			if (iwork[c] >= 0 && work[c] > 0 && (best < 0 || work[c] > work[best]))
				best = c;
		if (best < 0)
			break;
		out[n].code = best;
		out[n].top = iwork[best];
		out[n].lost = work[best];
		n++;
		iwork[best] = -1;		/* taken */
	}
	return n;
}

/* ---- Shapley values --------------------------------------------------- */

#define SHAP_BLOCK 128			/* background rows evaluated together */
#define SHAP_REFRESH 256		/* Gray steps between recomputations of the first layer */
#define SHAP_CHECK 1024			/* Gray steps between checkpoints */

struct rk_shap
{
	rk_mlp		m;
	int			d,
				h1,				/* units of the first weight layer */
				widest;			/* units of the widest later layer */
	int64_t		nb,
				woff[RK_MLP_MAX_HIDDEN + 1],
				boff[RK_MLP_MAX_HIDDEN + 1];
	double	   *zb,				/* nb x d: standardized background */
			   *u,				/* nb x h1: its first-layer pre-activations */
			   *zx,				/* d: standardized x */
			   *c,				/* block x d: zx_j - zb_j */
			   *h,				/* block x h1: pre-activations of the coalition */
			   *a1,
			   *a2,				/* block x widest: later layers */
			   *v,				/* 2^d: sum over background rows of f(x_S, b_notS) */
			   *w;				/* d: weight by coalition size */
};

void
rk_shap_weights(int d, double *w)
{
	double		binom = 1;		/* C(d - 1, s) */

	for (int s = 0; s < d; s++)
	{
		w[s] = 1.0 / ((double) d * binom);
		binom = binom * (d - 1 - s) / (s + 1);
	}
}

rk_status
rk_shap_column_means(const double *bg, int64_t nb, int d, double *mean)
{
	if (bg == NULL || mean == NULL || nb < 1 || d < 1)
		return RK_BADARG;
	for (int j = 0; j < d; j++)
	{
		double		s = 0,
					c = 0,
					big = 0;

		/* sums of x / big: no overflow for any finite value */
		for (int64_t i = 0; i < nb; i++)
		{
			if (!isfinite(bg[i * d + j]))
				return RK_BADARG;
			big = fmax(big, fabs(bg[i * d + j]));
		}
		if (big == 0)
			big = 1;
		for (int64_t i = 0; i < nb; i++)
			rk_sum_add(&s, &c, bg[i * d + j] / big);
		mean[j] = (s + c) / (double) nb * big;
	}
	return RK_OK;
}

rk_status
rk_shap_linear(const double *beta, double intercept, int d, const double *x,
			   const double *mean, double *phi, double *base, double *pred)
{
	double		bs = intercept,
				bc = 0,
				ps = intercept,
				pc = 0;

	if (beta == NULL || x == NULL || mean == NULL || phi == NULL || d < 1 || !isfinite(intercept))
		return RK_BADARG;
	for (int j = 0; j < d; j++)
	{
		if (!isfinite(beta[j]) || !isfinite(x[j]) || !isfinite(mean[j]))
			return RK_BADARG;
		phi[j] = beta[j] * (x[j] - mean[j]);
		rk_sum_add(&bs, &bc, beta[j] * mean[j]);
		rk_sum_add(&ps, &pc, beta[j] * x[j]);
		if (!isfinite(phi[j]))
			return RK_OVERFLOW;
	}
	*base = bs + bc;
	*pred = ps + pc;
	if (!isfinite(*base) || !isfinite(*pred))
		return RK_OVERFLOW;
	return RK_OK;
}

static double
shap_sigmoid(double t)
{
	if (t >= 0)
		return 1 / (1 + exp(-t));
	else
	{
		double		e = exp(t);

		return e / (1 + e);
	}
}

/* out[i] = act(in[i]) for i < k (in == out allowed) */
static void
shap_activate(rk_mlp_act act, const double *in, double *out, int64_t k)
{
	switch (act)
	{
		case RK_MLP_RELU:
			/*
			 * max(a, 0) on the bits, without a branch (a mispredicted one
			 * per unit costs more than the rest of the step): a negative
			 * value (sign bit set) becomes +0
			 */
			for (int64_t i = 0; i < k; i++)
			{
				uint64_t	u;

				memcpy(&u, &in[i], sizeof(u));
				u &= (u >> 63) - 1;
				memcpy(&out[i], &u, sizeof(u));
			}
			break;
		case RK_MLP_TANH:
			for (int64_t i = 0; i < k; i++)
				out[i] = tanh(in[i]);
			break;
		default:
			for (int64_t i = 0; i < k; i++)
				out[i] = shap_sigmoid(in[i]);
			break;
	}
}

void
rk_shap_free(rk_shap *s)
{
	if (s == NULL)
		return;
	free(s->zb);
	free(s->u);
	free(s->zx);
	free(s->c);
	free(s->h);
	free(s->a1);
	free(s->a2);
	free(s->v);
	free(s->w);
	free(s);
}

rk_status
rk_shap_prepare(const rk_mlp *m, const double *bg, int64_t nb, rk_shap **out)
{
	rk_shap    *s;
	int64_t		np,
				nw,
				o,
				blk;
	int			d;

	*out = NULL;
	if (m == NULL || m->theta == NULL || bg == NULL || nb < 1)
		return RK_BADARG;
	np = rk_mlp_nparams(m->nlayers, m->sizes, &nw);
	if (np < 1 || (m->act != RK_MLP_RELU && m->act != RK_MLP_TANH && m->act != RK_MLP_LOGISTIC))
		return RK_BADARG;
	d = m->sizes[0];
	if (d > RK_SHAP_MAX_FEATURES)
		return RK_BADARG;
	for (int64_t i = 0; i < np; i++)
		if (!isfinite(m->theta[i]))
			return RK_BADARG;
	if (m->mean)
		for (int j = 0; j < d; j++)
			if (!(m->scale[j] > 0 && isfinite(m->scale[j]) && isfinite(m->mean[j])))
				return RK_BADARG;
	for (int64_t i = 0; i < nb * d; i++)
		if (!isfinite(bg[i]))
			return RK_BADARG;

	s = calloc(1, sizeof(rk_shap));
	if (s == NULL)
		return RK_NOSPACE;
	s->m = *m;
	s->d = d;
	s->nb = nb;
	s->h1 = m->sizes[1];
	s->widest = 1;
	for (int l = 1; l <= m->nlayers; l++)
		s->widest = m->sizes[l] > s->widest ? m->sizes[l] : s->widest;
	o = 0;
	for (int l = 0; l < m->nlayers; l++)
	{
		s->woff[l] = o;
		o += (int64_t) m->sizes[l] * m->sizes[l + 1];
	}
	o = nw;
	for (int l = 0; l < m->nlayers; l++)
	{
		s->boff[l] = o;
		o += m->sizes[l + 1];
	}
	blk = nb < SHAP_BLOCK ? nb : SHAP_BLOCK;
	s->zb = malloc(sizeof(double) * (size_t) (nb * d));
	s->u = malloc(sizeof(double) * (size_t) (nb * s->h1));
	s->zx = malloc(sizeof(double) * (size_t) d);
	s->c = malloc(sizeof(double) * (size_t) (blk * d));
	s->h = malloc(sizeof(double) * (size_t) (blk * s->h1));
	s->a1 = malloc(sizeof(double) * (size_t) (blk * s->widest));
	s->a2 = malloc(sizeof(double) * (size_t) (blk * s->widest));
	s->v = malloc(sizeof(double) * ((size_t) 1 << d));
	s->w = malloc(sizeof(double) * (size_t) d);
	if (!s->zb || !s->u || !s->zx || !s->c || !s->h || !s->a1 || !s->a2 || !s->v || !s->w)
	{
		rk_shap_free(s);
		return RK_NOSPACE;
	}
	for (int64_t i = 0; i < nb; i++)
		for (int j = 0; j < d; j++)
			s->zb[i * d + j] = m->mean ? (bg[i * d + j] - m->mean[j]) / m->scale[j] : bg[i * d + j];
	for (int64_t i = 0; i < nb * d; i++)
		if (!isfinite(s->zb[i]))
		{
			rk_shap_free(s);
			return RK_BADARG;
		}
	/* u = zb W1 + b1 */
	for (int64_t i = 0; i < nb; i++)
		memcpy(s->u + i * s->h1, m->theta + s->boff[0], sizeof(double) * s->h1);
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) nb, s->h1, d, 1.0, s->zb, d,
				m->theta + s->woff[0], s->h1, 1.0, s->u, s->h1);
	rk_shap_weights(d, s->w);
	*out = s;
	return RK_OK;
}

/*
 * The sum over k rows of f from the first layer's pre-activations h (k x
 * h1, not changed): the later layers on a copy, in a1 and a2 in turn.
 */
static double
shap_rest(rk_shap *s, const double *h, int k, rk_shap_scale scale)
{
	const rk_mlp *m = &s->m;
	const double *in = h;
	double		sum = 0;

	for (int l = 1; l < m->nlayers; l++)
	{
		int			fi = m->sizes[l],
					fo = m->sizes[l + 1];
		double	   *cur = in == s->a1 ? s->a2 : s->a1;
		double	   *out = cur == s->a1 ? s->a2 : s->a1;

		/* activated into the buffer that is not the input (h is kept) */
		shap_activate(m->act, in, cur, (int64_t) k * fi);
		if (fo == 1)
			cblas_dgemv(CblasRowMajor, CblasNoTrans, k, fi, 1.0, cur, fi,
						m->theta + s->woff[l], 1, 0.0, out, 1);
		else
			cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, k, fo, fi, 1.0, cur, fi,
						m->theta + s->woff[l], fo, 0.0, out, fo);
		for (int i = 0; i < k; i++)
			for (int j = 0; j < fo; j++)
				out[i * fo + j] += m->theta[s->boff[l] + j];
		in = out;
	}
	/* in: the k output pre-activations */
	if (scale == RK_SHAP_PROBABILITY)
		for (int i = 0; i < k; i++)
			sum += shap_sigmoid(in[i]);
	else
		for (int i = 0; i < k; i++)
			sum += in[i];
	return sum;
}

/* h (k x h1) = the first-layer pre-activations of rows r0.. under coalition g, from u. */
static void
shap_first_layer(rk_shap *s, int64_t r0, int k, uint32_t g)
{
	int			h1 = s->h1,
				d = s->d;
	const double *w1 = s->m.theta + s->woff[0];

	memcpy(s->h, s->u + r0 * h1, sizeof(double) * (size_t) k * h1);
	for (int j = 0; j < d; j++)
		if (g & (1u << j))
			for (int i = 0; i < k; i++)
			{
				double		cj = s->c[i * d + j];
				double	   *hi = s->h + (int64_t) i * h1;

				for (int t = 0; t < h1; t++)
					hi[t] += cj * w1[j * h1 + t];
			}
}

rk_status
rk_shap_values(rk_shap *s, const double *x, rk_shap_scale scale, double *phi,
			   double *base, double *pred)
{
	int			d,
				h1;
	uint32_t	ncoal;
	const double *w1;
	const rk_mlp *m;

	if (s == NULL || x == NULL || phi == NULL || base == NULL || pred == NULL
		|| (scale != RK_SHAP_PROBABILITY && scale != RK_SHAP_LOG_ODDS))
		return RK_BADARG;
	m = &s->m;
	d = s->d;
	h1 = s->h1;
	ncoal = 1u << d;
	w1 = m->theta + s->woff[0];
	for (int j = 0; j < d; j++)
	{
		if (!isfinite(x[j]))
			return RK_BADARG;
		s->zx[j] = m->mean ? (x[j] - m->mean[j]) / m->scale[j] : x[j];
		if (!isfinite(s->zx[j]))
			return RK_BADARG;
	}
	/* f(x) itself: the first layer from zx */
	memcpy(s->h, m->theta + s->boff[0], sizeof(double) * h1);
	cblas_dgemv(CblasRowMajor, CblasTrans, d, h1, 1.0, w1, h1, s->zx, 1, 1.0, s->h, 1);
	*pred = shap_rest(s, s->h, 1, scale);
	memset(s->v, 0, sizeof(double) * ncoal);

	for (int64_t r0 = 0; r0 < s->nb; r0 += SHAP_BLOCK)
	{
		int			k = (int) (s->nb - r0 < SHAP_BLOCK ? s->nb - r0 : SHAP_BLOCK);
		uint32_t	g = 0;

		for (int i = 0; i < k; i++)
			for (int j = 0; j < d; j++)
				s->c[i * d + j] = s->zx[j] - s->zb[(r0 + i) * d + j];
		shap_first_layer(s, r0, k, 0);
		s->v[0] += shap_rest(s, s->h, k, scale);
		for (uint32_t step = 1; step < ncoal; step++)
		{
			int			j = __builtin_ctz(step);

			g ^= 1u << j;
			if (step % SHAP_REFRESH == 0)
				shap_first_layer(s, r0, k, g);
			else
				/* h += or -= c[:, j] W1[j, :], the same product added and later taken away */
				cblas_dger(CblasRowMajor, k, h1, (g >> j) & 1 ? 1.0 : -1.0, s->c + j, d,
						   w1 + (int64_t) j * h1, 1, s->h, h1);
			s->v[g] += shap_rest(s, s->h, k, scale);
			if (step % SHAP_CHECK == 0 && rk_should_stop())
				return RK_CANCELLED;
		}
	}
	for (uint32_t g = 0; g < ncoal; g++)
		s->v[g] /= (double) s->nb;
	/* v(none) is exact (u itself); v(all) is f(x), whatever the background */
	*base = s->v[0];
	s->v[ncoal - 1] = *pred;
	for (int j = 0; j < d; j++)
	{
		uint32_t	bit = 1u << j;
		double		sum = 0,
					comp = 0;

		for (uint32_t g = 0; g < ncoal; g++)
			if (!(g & bit))
				rk_sum_add(&sum, &comp, s->w[__builtin_popcount(g)] * (s->v[g | bit] - s->v[g]));
		phi[j] = sum + comp;
	}
	if (!isfinite(*base) || !isfinite(*pred))
		return RK_OVERFLOW;
	return RK_OK;
}

/* ---- fairness by group ------------------------------------------------ */

/*
 * Definitions after fairlearn's (fairlearn.org, user guide "Common fairness
 * metrics", and the API pages of demographic_parity_difference / _ratio,
 * equalized_odds_difference / _ratio), with the decline as the positive
 * prediction and the default as the positive class.  Each rate is one
 * division of two exact counts, so it is the correctly rounded quotient.
 */
void
rk_fair_rates_of(const int64_t cells[RK_FAIR_CELLS], rk_fair_rates *r)
{
	int64_t		n = cells[0] + cells[1] + cells[2] + cells[3];
	int64_t		bad = cells[1] + cells[3];
	int64_t		good = cells[0] + cells[2];

	r->selection_rate = n > 0 ? (double) (cells[2] + cells[3]) / (double) n : NAN;
	r->default_rate = n > 0 ? (double) bad / (double) n : NAN;
	r->tpr = bad > 0 ? (double) cells[3] / (double) bad : NAN;
	r->fpr = good > 0 ? (double) cells[2] / (double) good : NAN;
}

/* Largest and smallest of the defined x[0..n-1]; false when none is. */
static int
fair_range(const double *x, int n, double *lo, double *hi)
{
	int			seen = 0;

	for (int g = 0; g < n; g++)
	{
		if (isnan(x[g]))
			continue;
		if (!seen || x[g] < *lo)
			*lo = x[g];
		if (!seen || x[g] > *hi)
			*hi = x[g];
		seen = 1;
	}
	return seen;
}

void
rk_fair_metrics_of(const double *sel, const double *tpr, const double *fpr,
				   int ngroups, rk_fair_metrics *m)
{
	double		slo = 0,
				shi = 0,
				tlo = 0,
				thi = 0,
				flo = 0,
				fhi = 0;
	int			has_s = fair_range(sel, ngroups, &slo, &shi);
	int			has_t = fair_range(tpr, ngroups, &tlo, &thi);
	int			has_f = fair_range(fpr, ngroups, &flo, &fhi);
	double		tdiff = has_t ? thi - tlo : NAN,
				fdiff = has_f ? fhi - flo : NAN,
				tratio = has_t && thi > 0 ? tlo / thi : NAN,
				fratio = has_f && fhi > 0 ? flo / fhi : NAN;

	m->dp_difference = has_s ? shi - slo : NAN;
	m->dp_ratio = has_s && shi > 0 ? slo / shi : NAN;
	m->eopp_difference = tdiff;
	/* both parts are needed: NaN when either is */
	m->eo_difference = isnan(tdiff) || isnan(fdiff) ? NAN : (tdiff > fdiff ? tdiff : fdiff);
	m->eo_ratio = isnan(tratio) || isnan(fratio) ? NAN : (tratio < fratio ? tratio : fratio);
	m->worst = -1;
	for (int g = 0; g < ngroups; g++)
		if (!isnan(sel[g]) && (m->worst < 0 || sel[g] > sel[m->worst]))
			m->worst = g;
}

void
rk_fair_metrics_cells(const int64_t *cells, int ngroups, rk_fair_metrics *m)
{
	double	   *rates = malloc(sizeof(double) * 3 * (size_t) (ngroups > 0 ? ngroups : 1));

	if (rates == NULL)
	{
		m->dp_difference = m->dp_ratio = m->eo_difference = m->eo_ratio = m->eopp_difference = NAN;
		m->worst = -1;
		return;
	}
	for (int g = 0; g < ngroups; g++)
	{
		rk_fair_rates r;

		rk_fair_rates_of(cells + (size_t) RK_FAIR_CELLS * g, &r);
		rates[g] = r.selection_rate;
		rates[ngroups + g] = r.tpr;
		rates[2 * ngroups + g] = r.fpr;
	}
	rk_fair_metrics_of(rates, rates + ngroups, rates + 2 * ngroups, ngroups, m);
	free(rates);
}

/* A group's table and its index, sorted by the table, cell by cell. */
typedef struct fair_keyed
{
	int64_t		c[RK_FAIR_CELLS];
	int			g;
} fair_keyed;

static int
fair_cmp_tables(const void *a, const void *b)
{
	const fair_keyed *x = a;
	const fair_keyed *y = b;

	for (int j = 0; j < RK_FAIR_CELLS; j++)
		if (x->c[j] != y->c[j])
			return x->c[j] < y->c[j] ? -1 : 1;
	return 0;
}

/*
 * The groups draw from the stream in the order of their tables, not in the
 * order given: every metric is a symmetric function of the groups, and
 * groups with equal tables draw alike, so the intervals do not depend on
 * the groups' names (a renamed or pseudonymised group gets the same ones).
 */
rk_status
rk_fair_bootstrap(const int64_t *cells, int ngroups, const rk_fair_boot *b,
				  double lo[RK_FAIR_NMETRICS], double hi[RK_FAIR_NMETRICS],
				  int64_t defined[RK_FAIR_NMETRICS])
{
	gsl_rng    *rng = NULL;
	double	   *p = NULL,
			   *rates = NULL,
			   *rep = NULL;
	fair_keyed *order = NULL;
	int64_t		nrep[RK_FAIR_NMETRICS] = {0},
				since = 0;
	rk_status	rc = RK_OK;

	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
	{
		lo[k] = hi[k] = NAN;
		if (defined)
			defined[k] = 0;
	}
	if (ngroups < 1 || b->n_boot < 1 || !(b->level > 0 && b->level < 1))
		return RK_BADARG;
	for (int g = 0; g < ngroups; g++)
	{
		const int64_t *c = cells + (size_t) RK_FAIR_CELLS * g;
		int64_t		n = 0;

		for (int j = 0; j < RK_FAIR_CELLS; j++)
		{
			if (c[j] < 0)
				return RK_BADARG;
			n += c[j];
		}
		if (n < 1 || n > (int64_t) 0xffffffffU)
			return RK_BADARG;
	}
	p = malloc(sizeof(double) * RK_FAIR_CELLS * (size_t) ngroups);
	rates = malloc(sizeof(double) * 3 * (size_t) ngroups);
	rep = malloc(sizeof(double) * RK_FAIR_NMETRICS * (size_t) b->n_boot);
	order = malloc(sizeof(fair_keyed) * (size_t) ngroups);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (p == NULL || rates == NULL || rep == NULL || order == NULL || rng == NULL)
	{
		rc = RK_NOSPACE;
		goto done;
	}
	for (int g = 0; g < ngroups; g++)
	{
		memcpy(order[g].c, cells + (size_t) RK_FAIR_CELLS * g, sizeof(order[g].c));
		order[g].g = g;
	}
	qsort(order, (size_t) ngroups, sizeof(fair_keyed), fair_cmp_tables);
	gsl_rng_set(rng, b->seed);
	/* the cell probabilities: the counts (gsl_ran_multinomial normalizes) */
	for (size_t j = 0; j < RK_FAIR_CELLS * (size_t) ngroups; j++)
		p[j] = (double) cells[j];

	for (int64_t r = 0; r < b->n_boot; r++)
	{
		rk_fair_metrics m;
		double		v[RK_FAIR_NMETRICS];

		for (int g = 0; g < ngroups; g++)
		{
			const int64_t *c = cells + (size_t) RK_FAIR_CELLS * order[g].g;
			unsigned int d[RK_FAIR_CELLS];
			unsigned int n = (unsigned int) (c[0] + c[1] + c[2] + c[3]);
			unsigned int bad,
						good;

			gsl_ran_multinomial(rng, RK_FAIR_CELLS, n, p + (size_t) RK_FAIR_CELLS * order[g].g, d);
			bad = d[1] + d[3];
			good = d[0] + d[2];
			rates[g] = (double) (d[2] + d[3]) / (double) n;
			rates[ngroups + g] = bad > 0 ? (double) d[3] / (double) bad : NAN;
			rates[2 * ngroups + g] = good > 0 ? (double) d[2] / (double) good : NAN;
		}
		if ((since += ngroups) >= 65536)
		{
			since = 0;
			if (rk_should_stop())
			{
				rc = RK_CANCELLED;
				goto done;
			}
		}
		rk_fair_metrics_of(rates, rates + ngroups, rates + 2 * ngroups, ngroups, &m);
		v[0] = m.dp_difference;
		v[1] = m.dp_ratio;
		v[2] = m.eo_difference;
		v[3] = m.eo_ratio;
		v[4] = m.eopp_difference;
		/* metric k's defined values packed at the front of its column */
		for (int k = 0; k < RK_FAIR_NMETRICS; k++)
			if (!isnan(v[k]))
				rep[(size_t) k * (size_t) b->n_boot + (size_t) nrep[k]++] = v[k];
	}

	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
	{
		double	   *x = rep + (size_t) k * (size_t) b->n_boot;
		int64_t		ilo,
					ihi;
		double		h;

		if (defined)
			defined[k] = nrep[k];
		if (nrep[k] == 0)
			continue;
		if (rk_sort_doubles(x, nrep[k]) == RK_CANCELLED)
		{
			rc = RK_CANCELLED;
			goto done;
		}
		rk_q7_position(nrep[k], (1.0 - b->level) / 2.0, &ilo, &ihi, &h);
		lo[k] = rk_q7_combine(x[ilo], x[ihi], h);
		rk_q7_position(nrep[k], (1.0 + b->level) / 2.0, &ilo, &ihi, &h);
		hi[k] = rk_q7_combine(x[ilo], x[ihi], h);
	}
done:
	if (rc != RK_OK)
		for (int k = 0; k < RK_FAIR_NMETRICS; k++)
			lo[k] = hi[k] = NAN;
	if (rng)
		gsl_rng_free(rng);
	free(p);
	free(rates);
	free(rep);
	free(order);
	return rc;
}
