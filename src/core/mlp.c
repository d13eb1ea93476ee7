/*
 * mlp.c
 *     Multilayer perceptrons: see mlp.h.  The layers are matrix products
 *     through CBLAS (cblas_dgemm over a block of rows, OpenBLAS's serial
 *     build at link time); L-BFGS is libLBFGS's (Okazaki), the starting
 *     parameters and the shuffles come from GSL's MT19937.
 *
 * The forward pass over a block of rows keeps every layer's output (the
 * backward pass needs them): a[l] is rows x sizes[l], a[0] the
 * standardized inputs.  Backpropagation: d = (p - y) w / W at the output;
 * the gradient of layer l's weights a[l]' d, of its biases the column sums
 * of d; then d = (d W_l') * f'(a[l]) for the layer below, f' read from the
 * activation's output (relu: a > 0; tanh: 1 - a^2; logistic: a (1 - a)).
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_rng.h>
#include <lbfgs.h>

#include "mlp.h"

int64_t
rk_mlp_nparams(int nlayers, const int *sizes, int64_t *nweights)
{
	int64_t		w = 0,
				b = 0;

	if (sizes == NULL || nlayers < 1 || nlayers > RK_MLP_MAX_HIDDEN + 1 || sizes[nlayers] != 1)
		return -1;
	for (int l = 0; l <= nlayers; l++)
		if (sizes[l] < 1 || sizes[l] > RK_MLP_MAX_UNITS)
			return -1;
	for (int l = 0; l < nlayers; l++)
	{
		w += (int64_t) sizes[l] * sizes[l + 1];
		b += sizes[l + 1];
	}
	if (nweights)
		*nweights = w;
	return w + b;
}

static int
shape_ok(const rk_mlp *m)
{
	return m != NULL && rk_mlp_nparams(m->nlayers, m->sizes, NULL) > 0
		&& (m->act == RK_MLP_RELU || m->act == RK_MLP_TANH || m->act == RK_MLP_LOGISTIC);
}

static double
sigmoid(double t)
{
	if (t >= 0)
		return 1 / (1 + exp(-t));
	else
	{
		double		e = exp(t);

		return e / (1 + e);
	}
}

static void
activate(rk_mlp_act act, double *a, int64_t k)
{
	/* one loop per activation (the relu one vectorizes) */
	switch (act)
	{
		case RK_MLP_RELU:
			/*
			 * max(a, 0) on the bits, without a branch (a mispredicted one
			 * per unit cost more than the rest of the pass): a negative
			 * value (sign bit set) becomes +0
			 */
			for (int64_t i = 0; i < k; i++)
			{
				uint64_t	u;

				memcpy(&u, &a[i], sizeof(u));
				u &= (u >> 63) - 1;
				memcpy(&a[i], &u, sizeof(u));
			}
			break;
		case RK_MLP_TANH:
			for (int64_t i = 0; i < k; i++)
				a[i] = tanh(a[i]);
			break;
		default:
			for (int64_t i = 0; i < k; i++)
				a[i] = sigmoid(a[i]);
			break;
	}
}

/* out (rows x fo) += the bias b of each unit: after the product, as x W + b */
static void
add_bias(double *out, const double *b, int64_t rows, int fo)
{
	for (int64_t i = 0; i < rows; i++)
		for (int j = 0; j < fo; j++)
			out[i * fo + j] += b[j];
}

/* Offsets of each layer's weights and biases in theta. */
static void
offsets(const rk_mlp *m, int64_t *woff, int64_t *boff)
{
	int64_t		nw,
				o = 0;

	rk_mlp_nparams(m->nlayers, m->sizes, &nw);
	for (int l = 0; l < m->nlayers; l++)
	{
		woff[l] = o;
		o += (int64_t) m->sizes[l] * m->sizes[l + 1];
	}
	o = nw;
	for (int l = 0; l < m->nlayers; l++)
	{
		boff[l] = o;
		o += m->sizes[l + 1];
	}
}

/*
 * The forward pass of rows z (rows x p, standardized) with theta: a[l]
 * (rows x sizes[l]) for l = 1..L, a[L] the output's pre-activation.
 */
static void
forward(const rk_mlp *m, const double *theta, const double *z, int64_t rows, double **a)
{
	int64_t		woff[RK_MLP_MAX_HIDDEN + 1],
				boff[RK_MLP_MAX_HIDDEN + 1];

	offsets(m, woff, boff);
	for (int l = 0; l < m->nlayers; l++)
	{
		const double *in = l == 0 ? z : a[l];
		double	   *out = a[l + 1];
		int			fi = m->sizes[l],
					fo = m->sizes[l + 1];

		if (fo == 1)			/* the output unit: a product by a vector */
			cblas_dgemv(CblasRowMajor, CblasNoTrans, (int) rows, fi, 1.0, in, fi,
						theta + woff[l], 1, 0.0, out, 1);
		else
			cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) rows, fo, fi,
						1.0, in, fi, theta + woff[l], fo, 0.0, out, fo);
		add_bias(out, theta + boff[l], rows, fo);
		if (l + 1 < m->nlayers)
			activate(m->act, out, rows * fo);
	}
}

/* Room for the layers' outputs of `rows` rows: a[1..L] in one block. */
static double *
layers_alloc(const rk_mlp *m, int64_t rows, double **a)
{
	int64_t		total = 0;
	double	   *block;

	for (int l = 1; l <= m->nlayers; l++)
		total += rows * m->sizes[l];
	block = malloc(sizeof(double) * (size_t) (total > 0 ? total : 1));
	if (block == NULL)
		return NULL;
	total = 0;
	a[0] = NULL;
	for (int l = 1; l <= m->nlayers; l++)
	{
		a[l] = block + total;
		total += rows * m->sizes[l];
	}
	return block;
}

#define PREDICT_BLOCK 256

rk_status
rk_mlp_predict(const rk_mlp *m, const double *x, int64_t n, double *pd)
{
	double	   *a[RK_MLP_MAX_HIDDEN + 2],
			   *block,
			   *z;
	int			p;

	if (!shape_ok(m) || m->theta == NULL || (n > 0 && (x == NULL || pd == NULL)) || n < 0)
		return RK_BADARG;
	p = m->sizes[0];
	if (m->mean)
		for (int j = 0; j < p; j++)
			if (!(m->scale[j] > 0 && isfinite(m->scale[j]) && isfinite(m->mean[j])))
				return RK_BADARG;
	for (int64_t i = 0; i < n * p; i++)
		if (!isfinite(x[i]))
			return RK_BADARG;
	block = layers_alloc(m, n < PREDICT_BLOCK ? n : PREDICT_BLOCK, a);
	z = malloc(sizeof(double) * (size_t) p * (n < PREDICT_BLOCK ? n : PREDICT_BLOCK) + 1);
	if (block == NULL || z == NULL)
	{
		free(block);
		free(z);
		return RK_NOSPACE;
	}
	for (int64_t s = 0; s < n; s += PREDICT_BLOCK)
	{
		int64_t		rows = n - s < PREDICT_BLOCK ? n - s : PREDICT_BLOCK;

		for (int64_t i = 0; i < rows; i++)
			for (int j = 0; j < p; j++)
				z[i * p + j] = m->mean ? (x[(s + i) * p + j] - m->mean[j]) / m->scale[j]
					: x[(s + i) * p + j];
		forward(m, m->theta, z, rows, a);
		for (int64_t i = 0; i < rows; i++)
			pd[s + i] = sigmoid(a[m->nlayers][i]);
	}
	free(block);
	free(z);
	return RK_OK;
}

int64_t
rk_mlp_work_row(const rk_mlp *m)
{
	int64_t		k = 0;

	for (int l = 0; l <= m->nlayers; l++)
		k += m->sizes[l];
	return k;
}

double
rk_mlp_predict_row(const rk_mlp *m, const double *x, double *work)
{
	int64_t		woff[RK_MLP_MAX_HIDDEN + 1],
				boff[RK_MLP_MAX_HIDDEN + 1];
	double	   *in = work;
	int			p = m->sizes[0];

	offsets(m, woff, boff);
	for (int j = 0; j < p; j++)
		in[j] = m->mean ? (x[j] - m->mean[j]) / m->scale[j] : x[j];
	for (int l = 0; l < m->nlayers; l++)
	{
		int			fi = m->sizes[l],
					fo = m->sizes[l + 1];
		double	   *out = in + fi;

		/* out = W' in + b: W is fi x fo, row-major */
		cblas_dgemv(CblasRowMajor, CblasTrans, fi, fo, 1.0, m->theta + woff[l], fo, in, 1, 0.0, out, 1);
		add_bias(out, m->theta + boff[l], 1, fo);
		if (l + 1 < m->nlayers)
			activate(m->act, out, fo);
		in = out;
	}
	return sigmoid(in[0]);
}

rk_status
rk_mlp_standardize(const double *x, const double *w, int64_t n, int p, double *mean, double *scale)
{
	double		ws = 0,
				wc = 0;

	if (x == NULL || n < 1 || p < 1 || mean == NULL || scale == NULL)
		return RK_BADARG;
	for (int64_t i = 0; i < n; i++)
		rk_sum_add(&ws, &wc, w ? w[i] : 1.0);
	ws += wc;
	for (int j = 0; j < p; j++)
	{
		double		s = 0,
					c = 0,
					big = 0,
					mu,
					v = 0,
					vc = 0;

		/* sums of x / big and (x - mean) / big: no overflow for any finite x */
		for (int64_t i = 0; i < n; i++)
		{
			if (!isfinite(x[i * p + j]))
				return RK_BADARG;
			big = fmax(big, fabs(x[i * p + j]));
		}
		if (big == 0)
			big = 1;
		for (int64_t i = 0; i < n; i++)
			rk_sum_add(&s, &c, (w ? w[i] : 1.0) * (x[i * p + j] / big));
		mu = (s + c) / ws;
		for (int64_t i = 0; i < n; i++)
		{
			double		d = x[i * p + j] / big - mu;

			rk_sum_add(&v, &vc, (w ? w[i] : 1.0) * d * d);
		}
		mean[j] = mu * big;
		scale[j] = sqrt((v + vc) / ws) * big;
		if (!(scale[j] > 0 && isfinite(scale[j])))
			scale[j] = 1;
		if (!isfinite(mean[j]))
			return RK_BADARG;
	}
	return RK_OK;
}

/*
 * Loss and gradient over rows [0, n) of z, y, w: the rows in blocks (the
 * layers of one block at a time), sums of the weighted log-losses and of
 * the gradient, then the penalty.  wsum: the sum of the weights (the
 * loss's denominator, which may be the whole training set's when n rows
 * are a mini-batch: the caller passes it); scratch: layers of `cap` rows
 * and a delta buffer.
 */
typedef struct lg_work
{
	double	   *a[RK_MLP_MAX_HIDDEN + 2];
	double	   *block;
	double	   *d,
			   *d2;				/* cap x max size */
	double	   *ones;			/* cap ones: column sums as a product */
	int64_t		cap;
} lg_work;

static void
lg_free(lg_work *w)
{
	free(w->block);
	free(w->d);
	free(w->d2);
	free(w->ones);
	memset(w, 0, sizeof(*w));
}

static rk_status
lg_alloc(const rk_mlp *m, int64_t cap, lg_work *w)
{
	int			most = 1;

	memset(w, 0, sizeof(*w));
	for (int l = 0; l <= m->nlayers; l++)
		most = m->sizes[l] > most ? m->sizes[l] : most;
	w->cap = cap;
	w->block = layers_alloc(m, cap, w->a);
	w->d = malloc(sizeof(double) * (size_t) (cap * most));
	w->d2 = malloc(sizeof(double) * (size_t) (cap * most));
	w->ones = malloc(sizeof(double) * (size_t) cap);
	if (w->block == NULL || w->d == NULL || w->d2 == NULL || w->ones == NULL)
	{
		lg_free(w);
		return RK_NOSPACE;
	}
	for (int64_t i = 0; i < cap; i++)
		w->ones[i] = 1.0;
	return RK_OK;
}

#define LG_BLOCK 1024

/*
 * rows: the indices of the rows to use (NULL: 0..n-1).  The loss is the
 * sum of w_i l_i / wsum plus the penalty alpha / (2 wsum) ||weights||^2
 * (scaled by `share`, the part of the penalty this call carries: 1 for the
 * whole data, batch / rows for a mini-batch as scikit-learn does).
 */
static double
loss_grad(const rk_mlp *m, const double *theta, const double *z, const double *y,
		  const double *wt, const int64_t *rows, int64_t n, double wsum, double alpha,
		  double penalty_share, double *grad, lg_work *w, double *zbuf)
{
	int			p = m->sizes[0],
				L = m->nlayers;
	int64_t		np,
				nw,
				woff[RK_MLP_MAX_HIDDEN + 1],
				boff[RK_MLP_MAX_HIDDEN + 1];
	double		ls = 0,
				lc = 0,
				pen = 0;

	np = rk_mlp_nparams(L, m->sizes, &nw);
	offsets(m, woff, boff);
	if (grad)
		memset(grad, 0, sizeof(double) * (size_t) np);
	for (int64_t s = 0; s < n; s += w->cap)
	{
		int64_t		k = n - s < w->cap ? n - s : w->cap;
		const double *zb;

		if (rows)
		{
			for (int64_t i = 0; i < k; i++)
				memcpy(zbuf + i * p, z + rows[s + i] * p, sizeof(double) * p);
			zb = zbuf;
		}
		else
			zb = z + s * p;
		forward(m, theta, zb, k, w->a);
		/*
		 * output: loss terms (softplus(t) = log(1 + exp(t)) - y t, without
		 * overflow) and the first delta (sigmoid(t) - y), one exp for both
		 */
		for (int64_t i = 0; i < k; i++)
		{
			int64_t		r = rows ? rows[s + i] : s + i;
			double		t = w->a[L][i],
						wi = wt ? wt[r] : 1.0,
						e = exp(-fabs(t)),
						sp = t > 0 ? t + log1p(e) : log1p(e),
						sg = t >= 0 ? 1 / (1 + e) : e / (1 + e);

			rk_sum_add(&ls, &lc, wi * (sp - y[r] * t));
			w->d[i] = (sg - y[r]) * wi / wsum;
		}
		if (grad == NULL)
			continue;
		for (int l = L - 1; l >= 0; l--)
		{
			int			fi = m->sizes[l],
						fo = m->sizes[l + 1];
			const double *in = l == 0 ? zb : w->a[l],
					   *wl = theta + woff[l];
			double	   *d = w->d,
					   *d2 = w->d2;

			/* weights: in' d; biases: column sums of d */
			if (fo == 1)
			{
				double		b = 0;

				cblas_dgemv(CblasRowMajor, CblasTrans, (int) k, fi, 1.0, in, fi, d, 1, 1.0,
							grad + woff[l], 1);
				for (int64_t i = 0; i < k; i++)
					b += d[i];
				grad[boff[l]] += b;
			}
			else
			{
				cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, fi, fo, (int) k,
							1.0, in, fi, d, fo, 1.0, grad + woff[l], fo);
				cblas_dgemv(CblasRowMajor, CblasTrans, (int) k, fo, 1.0, d, fo, w->ones, 1, 1.0,
							grad + boff[l], 1);
			}
			if (l == 0)
				break;
			/* the delta of the layer below: (d W') * f'(a) */
			if (fo == 1)		/* an outer product */
				for (int64_t i = 0; i < k; i++)
				{
					double		di = d[i];
					double	   *o = d2 + i * fi;

					for (int j = 0; j < fi; j++)
						o[j] = di * wl[j];
				}
			else
				cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int) k, fi, fo,
							1.0, d, fo, wl, fo, 0.0, d2, fi);
			switch (m->act)
			{
				case RK_MLP_RELU:
					/* relu's outputs are +0 or positive: the derivative is 0 where they are 0 */
					for (int64_t i = 0; i < k * fi; i++)
						d2[i] = in[i] > 0 ? d2[i] : 0.0;
					break;
				case RK_MLP_TANH:
					for (int64_t i = 0; i < k * fi; i++)
						d2[i] *= 1 - in[i] * in[i];
					break;
				default:
					for (int64_t i = 0; i < k * fi; i++)
						d2[i] *= in[i] * (1 - in[i]);
					break;
			}
			w->d = d2;
			w->d2 = d;
		}
	}
	for (int64_t i = 0; i < nw; i++)
		pen += theta[i] * theta[i];
	if (grad)
		for (int64_t i = 0; i < nw; i++)
			grad[i] += penalty_share * alpha / wsum * theta[i];
	return (ls + lc) / wsum + penalty_share * alpha / (2 * wsum) * pen;
}

static rk_status
check_rows(const rk_mlp *m, const double *y, const double *w, int64_t n, double *wsum)
{
	double		s = 0,
				c = 0;

	for (int64_t i = 0; i < n; i++)
	{
		if (!(y[i] == 0 || y[i] == 1))
			return RK_BADARG;
		if (w && !(w[i] > 0 && isfinite(w[i])))
			return RK_BADARG;
		rk_sum_add(&s, &c, w ? w[i] : 1.0);
	}
	*wsum = s + c;
	return isfinite(*wsum) ? RK_OK : RK_BADARG;
}

/*
 * The loss and gradient on rows z (the public entry points): sums true
 * gives the plain weighted sums (a denominator of 1, no penalty).
 */
static rk_status
evaluate(const rk_mlp *m, const double *z, const double *y, const double *w, int64_t n,
		 double alpha, bool sums, double *loss, double *grad)
{
	lg_work		work;
	double		wsum;
	rk_status	rc;

	if (!shape_ok(m) || m->theta == NULL || z == NULL || y == NULL || loss == NULL || n < 1
		|| !(alpha >= 0 && isfinite(alpha)))
		return RK_BADARG;
	if ((rc = check_rows(m, y, w, n, &wsum)) != RK_OK)
		return rc;
	if ((rc = lg_alloc(m, n < LG_BLOCK ? n : LG_BLOCK, &work)) != RK_OK)
		return rc;
	*loss = loss_grad(m, m->theta, z, y, w, NULL, n, sums ? 1.0 : wsum, alpha, sums ? 0.0 : 1.0,
					  grad, &work, NULL);
	lg_free(&work);
	return RK_OK;
}

rk_status
rk_mlp_loss_grad(const rk_mlp *m, const double *z, const double *y, const double *w, int64_t n,
				 double alpha, double *loss, double *grad)
{
	return evaluate(m, z, y, w, n, alpha, false, loss, grad);
}

rk_status
rk_mlp_sums(const rk_mlp *m, const double *z, const double *y, const double *w, int64_t n,
			double *loss_sum, double *grad_sum)
{
	return evaluate(m, z, y, w, n, 0.0, true, loss_sum, grad_sum);
}

/*
 * A uniform double on [0, 1) from two 32-bit MT19937 outputs, 53 bits (the
 * construction of NumPy's RandomState.random_sample).
 */
static double
uniform53(gsl_rng *rng)
{
	unsigned long a = gsl_rng_get(rng) >> 5,
				b = gsl_rng_get(rng) >> 6;

	return (a * 67108864.0 + b) / 9007199254740992.0;
}

/* The starting parameters from rng's stream (see rk_mlp_init). */
static void
init_draws(gsl_rng *rng, int nlayers, const int *sizes, rk_mlp_act act, double *theta)
{
	int64_t		nw,
				wo = 0,
				bo;

	rk_mlp_nparams(nlayers, sizes, &nw);
	bo = nw;
	for (int l = 0; l < nlayers; l++)
	{
		int			fi = sizes[l],
					fo = sizes[l + 1];
		double		b = sqrt((act == RK_MLP_LOGISTIC ? 2.0 : 6.0) / (fi + fo));

		for (int64_t i = 0; i < (int64_t) fi * fo; i++)
			theta[wo + i] = -b + 2 * b * uniform53(rng);
		for (int j = 0; j < fo; j++)
			theta[bo + j] = -b + 2 * b * uniform53(rng);
		wo += (int64_t) fi * fo;
		bo += fo;
	}
}

rk_status
rk_mlp_init(int nlayers, const int *sizes, rk_mlp_act act, uint64_t seed, double *theta)
{
	gsl_rng    *rng;

	if (rk_mlp_nparams(nlayers, sizes, NULL) < 0 || theta == NULL
		|| !(act == RK_MLP_RELU || act == RK_MLP_TANH || act == RK_MLP_LOGISTIC))
		return RK_BADARG;
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (rng == NULL)
		return RK_NOSPACE;
	gsl_rng_set(rng, (unsigned long) (seed & 0xFFFFFFFFUL));
	init_draws(rng, nlayers, sizes, act, theta);
	gsl_rng_free(rng);
	return RK_OK;
}

/* ---- training --------------------------------------------------------- */

typedef struct fit_ctx
{
	const rk_mlp *m;
	const rk_mlp_options *o;
	/* the validation rows then the training rows, in the split's order */
	const double *z,
			   *y,
			   *w;				/* NULL: every weight 1 */
	const double *ztr,
			   *ytr,
			   *wtr;			/* the training rows: from row nvalid */
	int64_t		ntrain,
				nvalid;
	double		wtrain,
				wvalid;
	lg_work		work;
	double	   *zbuf;
	rk_mlp_history *h;
	double	   *best;			/* parameters of the best epoch */
	double		best_loss;
	int			stale;			/* epochs without improvement */
	int			stop_early,
				cancelled;
} fit_ctx;

/* The validation log-loss (weighted, no penalty) of theta. */
static double
valid_loss(fit_ctx *c, const double *theta)
{
	return loss_grad(c->m, theta, c->z, c->y, c->w, NULL, c->nvalid, c->wvalid, 0, 0,
					 NULL, &c->work, c->zbuf);
}

/*
 * After an epoch: record it; keep its parameters when they are the best;
 * decide whether to stop (patience).  Returns nonzero to stop.
 */
static int
epoch_done(fit_ctx *c, const double *theta, double train_loss, int64_t np)
{
	rk_mlp_history *h = c->h;
	double		track;

	h->train_loss[h->epochs] = train_loss;
	h->valid_loss[h->epochs] = c->nvalid > 0 ? valid_loss(c, theta) : NAN;
	h->epochs++;
	track = c->nvalid > 0 ? h->valid_loss[h->epochs - 1] : train_loss;
	/* scikit-learn's rule: no improvement unless below the best by more than tol */
	if (h->epochs == 1 || !(track > c->best_loss - c->o->tol))
		c->stale = 0;
	else
		c->stale++;
	if (h->epochs == 1 || track < c->best_loss)
		c->best_loss = track;
	/* kept: the best validation epoch; without a split, the last */
	if (c->nvalid == 0 || track == c->best_loss)
	{
		memcpy(c->best, theta, sizeof(double) * (size_t) np);
		h->kept = h->epochs;
	}
	if (rk_should_stop())
	{
		c->cancelled = 1;
		return 1;
	}
	if (c->stale > c->o->patience && (c->nvalid > 0 || c->o->solver == RK_MLP_ADAM))
	{
		c->stop_early = 1;
		return 1;
	}
	return 0;
}

/* Every |g_i| <= tol (SciPy's gtol test, on the projected gradient it is the gradient). */
static int
gradient_small(const double *g, int64_t n, double tol)
{
	for (int64_t i = 0; i < n; i++)
		if (!(fabs(g[i]) <= tol))
			return 0;
	return 1;
}

static lbfgsfloatval_t
lb_evaluate(void *inst, const lbfgsfloatval_t *x, lbfgsfloatval_t *g, const int n,
			const lbfgsfloatval_t step)
{
	fit_ctx    *c = inst;

	return loss_grad(c->m, x, c->ztr, c->ytr, c->wtr, NULL, c->ntrain, c->wtrain, c->o->alpha, 1.0,
					 g, &c->work, c->zbuf);
}

static int
lb_progress(void *inst, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g,
			const lbfgsfloatval_t fx, const lbfgsfloatval_t xnorm,
			const lbfgsfloatval_t gnorm, const lbfgsfloatval_t step, int n, int k, int ls)
{
	fit_ctx    *c = inst;

	if (epoch_done(c, x, fx, n))
		return 1;
	if (gradient_small(g, n, c->o->tol))
	{
		c->stop_early = 1;
		return 1;
	}
	return 0;
}

static rk_status
fit_lbfgs(fit_ctx *c, double *theta, int64_t np)
{
	lbfgs_parameter_t param;
	lbfgsfloatval_t *x = lbfgs_malloc((int) np),
				fx;
	int			ret;

	if (x == NULL)
		return RK_NOSPACE;
	memcpy(x, theta, sizeof(double) * (size_t) np);
	lbfgs_parameter_init(&param);
	param.m = 10;
	param.ftol = 1e-3;
	param.max_iterations = c->o->max_epochs;
	/* the gradient test is lb_progress's (every |g_i| <= tol); the relative reduction libLBFGS's */
	param.epsilon = 0;
	param.past = c->o->ftol > 0 ? 1 : 0;
	param.delta = c->o->ftol;
	ret = lbfgs((int) np, x, &fx, lb_evaluate, lb_progress, c, &param);
	lbfgs_free(x);
	if (c->cancelled)
		return RK_CANCELLED;
	if (ret == LBFGSERR_OUTOFMEMORY)
		return RK_NOSPACE;
	c->h->converged = c->stop_early || ret == LBFGS_SUCCESS || ret == LBFGS_ALREADY_MINIMIZED
		|| ret == LBFGS_STOP || ret == LBFGSERR_ROUNDING_ERROR;
	if (c->h->epochs == 0)
	{
		/* already a minimum: no iteration was made */
		double		l = loss_grad(c->m, theta, c->ztr, c->ytr, c->wtr, NULL, c->ntrain, c->wtrain,
								  c->o->alpha, 1.0, NULL, &c->work, c->zbuf);

		epoch_done(c, theta, l, np);
	}
	return RK_OK;
}

/*
 * A uniform integer in [0, max] by rejection of masked 32-bit draws (64-bit
 * beyond 2^32), the draws of NumPy's RandomState for a shuffle.
 */
static uint64_t
random_interval(gsl_rng *rng, uint64_t max)
{
	uint64_t	mask = max,
				v;

	if (max == 0)
		return 0;
	mask |= mask >> 1;
	mask |= mask >> 2;
	mask |= mask >> 4;
	mask |= mask >> 8;
	mask |= mask >> 16;
	mask |= mask >> 32;
	if (max <= 0xFFFFFFFFULL)
		while ((v = ((uint64_t) gsl_rng_get(rng) & mask)) > max);
	else
		while ((v = ((((uint64_t) gsl_rng_get(rng) << 32) | (uint64_t) gsl_rng_get(rng)) & mask)) > max);
	return v;
}

/*
 * Fisher-Yates from the end, as NumPy's RandomState.shuffle does it (so a
 * seeded scikit-learn run reshuffles its rows alike).
 */
static void
shuffle(gsl_rng *rng, int64_t *idx, int64_t n)
{
	for (int64_t i = n - 1; i > 0; i--)
	{
		int64_t		j = (int64_t) random_interval(rng, (uint64_t) i);
		int64_t		t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
	}
}

static rk_status
fit_adam(fit_ctx *c, double *theta, int64_t np, gsl_rng *rng)
{
	const rk_mlp_options *o = c->o;
	int64_t		bs = o->batch_size > 0 ? o->batch_size : 200,
				t = 0;
	double	   *g = malloc(sizeof(double) * (size_t) np),
			   *mo = calloc((size_t) np, sizeof(double)),
			   *ve = calloc((size_t) np, sizeof(double));
	int64_t    *idx = malloc(sizeof(int64_t) * (size_t) c->ntrain);
	rk_status	rc = RK_OK;

	if (bs > c->ntrain)
		bs = c->ntrain;
	if (g == NULL || mo == NULL || ve == NULL || idx == NULL)
	{
		rc = RK_NOSPACE;
		goto done;
	}
	for (int64_t i = 0; i < c->ntrain; i++)
		idx[i] = i;
	for (int e = 0; e < o->max_epochs; e++)
	{
		double		bw,
					epoch_loss = 0,
					ec = 0;

		shuffle(rng, idx, c->ntrain);
		for (int64_t s = 0; s < c->ntrain; s += bs)
		{
			int64_t		k = c->ntrain - s < bs ? c->ntrain - s : bs;
			double		b1t,
						b2t;

			if (++t % 64 == 0 && rk_should_stop())
			{
				rc = RK_CANCELLED;
				goto done;
			}
			/* the batch's loss: its weights over their sum, the penalty by its share */
			bw = 0;
			for (int64_t i = 0; i < k; i++)
				bw += c->wtr ? c->wtr[idx[s + i]] : 1.0;
			/* the epoch's loss: its batches' losses (before their steps), weighted */
			rk_sum_add(&epoch_loss, &ec,
					   bw * loss_grad(c->m, theta, c->ztr, c->ytr, c->wtr, idx + s, k, bw, o->alpha,
									  1.0, g, &c->work, c->zbuf));
			b1t = 1 - pow(o->beta1, (double) t);
			b2t = 1 - pow(o->beta2, (double) t);
			for (int64_t i = 0; i < np; i++)
			{
				mo[i] = o->beta1 * mo[i] + (1 - o->beta1) * g[i];
				ve[i] = o->beta2 * ve[i] + (1 - o->beta2) * g[i] * g[i];
				theta[i] -= o->learning_rate * sqrt(b2t) / b1t * mo[i] / (sqrt(ve[i]) + o->epsilon);
			}
		}
		{
			double		l = (epoch_loss + ec) / c->wtrain;

			if (!isfinite(l))
			{
				rc = RK_NUMERIC;
				goto done;
			}
			if (epoch_done(c, theta, l, np))
				break;
		}
	}
	if (c->cancelled)
		rc = RK_CANCELLED;
	c->h->converged = c->stop_early;
done:
	free(g);
	free(mo);
	free(ve);
	free(idx);
	return rc;
}

rk_status
rk_mlp_fit(const rk_mlp *m, const rk_mlp_options *o, const double *x, const double *y,
		   const double *w, int64_t n, double *mean, double *scale, double *theta,
		   rk_mlp_history *h)
{
	fit_ctx		c;
	rk_mlp		shape;
	int64_t		np,
				nv;
	int			p;
	double		wsum,
				comp = 0,
				positives = 0;
	double	   *z = NULL,
			   *yp = NULL,
			   *wp = NULL;
	int64_t    *idx = NULL;
	gsl_rng    *rng = NULL;
	rk_status	rc;

	if (!shape_ok(m) || o == NULL || x == NULL || y == NULL || mean == NULL || scale == NULL
		|| theta == NULL || h == NULL || h->train_loss == NULL || h->valid_loss == NULL || n < 1)
		return RK_BADARG;
	if (!(o->solver == RK_MLP_LBFGS || o->solver == RK_MLP_ADAM) || !(o->alpha >= 0 && isfinite(o->alpha))
		|| o->max_epochs < 1 || !(o->tol >= 0 && isfinite(o->tol)) || o->patience < 1
		|| !(o->ftol >= 0 && o->ftol < 1)
		|| !(o->validation_fraction >= 0 && o->validation_fraction < 1)
		|| (o->solver == RK_MLP_ADAM && !(o->learning_rate > 0 && isfinite(o->learning_rate)
										  && o->beta1 >= 0 && o->beta1 < 1 && o->beta2 >= 0
										  && o->beta2 < 1 && o->epsilon > 0)))
		return RK_BADARG;
	if ((rc = check_rows(m, y, w, n, &wsum)) != RK_OK)
		return rc;
	p = m->sizes[0];
	np = rk_mlp_nparams(m->nlayers, m->sizes, NULL);
	for (int64_t i = 0; i < n * p; i++)
		if (!isfinite(x[i]))
			return RK_BADARG;
	if (o->init)
		for (int64_t i = 0; i < np; i++)
			if (!isfinite(o->init[i]))
				return RK_BADARG;
	nv = o->validation_fraction > 0 ? (int64_t) ceil(o->validation_fraction * n) : 0;
	if (o->validation_fraction > 0 && (nv < 1 || n - nv < 1))
		return RK_TOO_FEW;
	memset(&c, 0, sizeof(c));
	memset(h->train_loss, 0, sizeof(double) * o->max_epochs);
	h->epochs = h->kept = h->converged = 0;
	shape = *m;
	shape.mean = shape.scale = NULL;
	c.m = &shape;
	c.o = o;
	c.h = h;
	if ((rc = rk_mlp_standardize(x, w, n, p, mean, scale)) != RK_OK)
		return rc;
	z = malloc(sizeof(double) * (size_t) (n * p));
	yp = malloc(sizeof(double) * (size_t) n);
	wp = w ? malloc(sizeof(double) * (size_t) n) : NULL;
	idx = malloc(sizeof(int64_t) * (size_t) n);
	c.best = malloc(sizeof(double) * (size_t) np);
	c.zbuf = malloc(sizeof(double) * (size_t) (p * (n < LG_BLOCK ? n : LG_BLOCK)));
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (z == NULL || yp == NULL || (w && wp == NULL) || idx == NULL || c.best == NULL
		|| c.zbuf == NULL || rng == NULL
		|| lg_alloc(&shape, n < LG_BLOCK ? n : LG_BLOCK, &c.work) != RK_OK)
	{
		rc = RK_NOSPACE;
		goto done;
	}
	/* the split: a shuffle seeded apart from the start and the batches */
	gsl_rng_set(rng, (unsigned long) (((o->seed & 0xFFFFFFFFUL) + 0x9E3779B9UL) & 0xFFFFFFFFUL));
	for (int64_t i = 0; i < n; i++)
		idx[i] = i;
	if (nv > 0)
		shuffle(rng, idx, n);
	/* the rows copied in the split's order: every pass reads them in place */
	for (int64_t i = 0; i < n; i++)
	{
		int64_t		r = idx[i];

		for (int j = 0; j < p; j++)
		{
			z[i * p + j] = (x[r * p + j] - mean[j]) / scale[j];
			if (!isfinite(z[i * p + j]))
			{
				rc = RK_BADARG; /* values too far apart to standardize */
				goto done;
			}
		}
		yp[i] = y[r];
		if (w)
			wp[i] = w[r];
	}
	c.z = z;
	c.y = yp;
	c.w = wp;
	c.nvalid = nv;
	c.ntrain = n - nv;
	c.ztr = z + nv * p;
	c.ytr = yp + nv;
	c.wtr = wp ? wp + nv : NULL;
	for (int64_t i = 0; i < c.ntrain; i++)
	{
		rk_sum_add(&c.wtrain, &comp, c.wtr ? c.wtr[i] : 1.0);
		positives += c.ytr[i];
	}
	c.wtrain += comp;
	for (int64_t i = 0; i < nv; i++)
		c.wvalid += wp ? wp[i] : 1.0;
	if (positives == 0 || positives == c.ntrain)
	{
		rc = RK_DEGENERATE;
		goto done;
	}
	/* one stream for the start, then Adam's shuffles, as scikit-learn draws them */
	gsl_rng_set(rng, (unsigned long) (o->seed & 0xFFFFFFFFUL));
	if (o->init)
		memcpy(theta, o->init, sizeof(double) * (size_t) np);
	else
		init_draws(rng, m->nlayers, m->sizes, m->act, theta);
	rc = o->solver == RK_MLP_LBFGS ? fit_lbfgs(&c, theta, np) : fit_adam(&c, theta, np, rng);
	if (rc == RK_OK)
		memcpy(theta, c.best, sizeof(double) * (size_t) np);
done:
	free(idx);
	free(z);
	free(yp);
	free(wp);
	free(c.best);
	free(c.zbuf);
	lg_free(&c.work);
	if (rng)
		gsl_rng_free(rng);
	return rc;
}
