/*
 * capital.c
 *     Basel credit capital and portfolio credit risk: see capital.h.  Pure
 *     C, no PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* The maturity adjustment applies to these classes (corporate, sovereign, bank). */
static int
irb_wholesale(rk_irb_class c)
{
	return c == RK_IRB_CORPORATE || c == RK_IRB_SOVEREIGN || c == RK_IRB_BANK;
}

void
rk_irb_params_init(rk_irb_params *p, rk_irb_regime regime)
{
	int			i;

	p->regime = regime;
	p->elbe = NAN;
	if (regime == RK_IRB_BASEL2)
	{
		for (i = 0; i < RK_IRB_NCLASSES; i++)
			p->pd_floor[i] = 0.0003;
		p->pd_floor[RK_IRB_SOVEREIGN] = 0.0;
		p->scaling = 1.06;
	}
	else
	{
		for (i = 0; i < RK_IRB_NCLASSES; i++)
			p->pd_floor[i] = 0.0005;
		p->pd_floor[RK_IRB_SOVEREIGN] = 0.0;
		p->pd_floor[RK_IRB_QRRE] = 0.0010;
		p->scaling = 1.0;
	}
}

/* Weight of the low-PD correlation: (1 - e^{-a pd}) / (1 - e^{-a}). */
static double
irb_weight(double a, double pd)
{
	return expm1(-a * pd) / expm1(-a);
}

double
rk_irb_correlation(rk_irb_class c, double pd, double sales)
{
	double		k;
	double		r;

	switch (c)
	{
		case RK_IRB_MORTGAGE:
			return 0.15;
		case RK_IRB_QRRE:
		case RK_IRB_QRRE_TRANSACTOR:
			return 0.04;
		case RK_IRB_OTHER_RETAIL:
			k = irb_weight(35.0, pd);
			return 0.03 * k + 0.16 * (1.0 - k);
		default:
			k = irb_weight(50.0, pd);
			r = 0.12 * k + 0.24 * (1.0 - k);
			if (c == RK_IRB_CORPORATE && !isnan(sales))
			{
				double		s = sales < 5.0 ? 5.0 : (sales > 50.0 ? 50.0 : sales);

				r -= 0.04 * (1.0 - (s - 5.0) / 45.0);
			}
			return r;
	}
}

double
rk_irb_maturity_adjustment(double pd, double m)
{
	double		b = 0.11852 - 0.05478 * log(pd);
	double		den;

	b *= b;
	den = 1.0 - 1.5 * b;
	if (!(den > 0.0))
		return NAN;
	return (1.0 + (m - 2.5) * b) / den;
}

rk_status
rk_irb_capital(const rk_irb_params *p, rk_irb_class c, double pd, double lgd,
			   double ead, double maturity, double sales, rk_irb_result *out)
{
	double		r,
				ma = 1.0,
				k,
				el;

	if ((int) c < 0 || c >= RK_IRB_NCLASSES)
		return RK_BADARG;
	if (!(pd >= 0.0 && pd <= 1.0) || !(lgd >= 0.0 && lgd <= 1.0) ||
		!(ead >= 0.0 && isfinite(ead)) || !(maturity >= 1.0 && maturity <= 5.0))
		return RK_BADARG;
	if (!isnan(sales) && (!(sales >= 0.0 && isfinite(sales)) || c != RK_IRB_CORPORATE))
		return RK_BADARG;
	if (!isnan(p->elbe) && !(p->elbe >= 0.0 && p->elbe <= 1.0))
		return RK_BADARG;
	if (!(p->scaling > 0.0 && isfinite(p->scaling)))
		return RK_BADARG;
	if (pd < p->pd_floor[c])
		pd = p->pd_floor[c];
	r = rk_irb_correlation(c, pd, sales);
	if (pd == 1.0)
	{
		double		elbe = isnan(p->elbe) ? lgd : p->elbe;

		k = lgd - elbe > 0.0 ? lgd - elbe : 0.0;
		el = elbe * ead;
	}
	else
	{
		if (irb_wholesale(c))
		{
			ma = rk_irb_maturity_adjustment(pd, maturity);
			if (isnan(ma))
				return RK_NUMERIC;
		}
		if (pd == 0.0)
			k = 0.0;
		else
		{
			static double g999 = 0.0;	/* G(0.999), computed once */
			double		z;

			if (g999 == 0.0)
				g999 = rk_qnorm(0.999);
			z = (rk_qnorm(pd) + sqrt(r) * g999) / sqrt(1.0 - r);

			k = (lgd * gsl_cdf_ugaussian_P(z) - pd * lgd) * ma;
		}
		el = pd * lgd * ead;
	}
	out->pd = pd;
	out->correlation = r;
	out->maturity_adjustment = ma;
	out->k = k;
	out->risk_weight = 12.5 * k * p->scaling;
	out->rwa = out->risk_weight * ead;
	out->expected_loss = el;
	out->capital = 0.08 * out->rwa;
	return RK_OK;
}

/* ---- concentration ---------------------------------------------------- */

rk_status
rk_hhi(double s, double q, double *out)
{
	if (!(s > 0.0))
		return RK_EMPTY;
	*out = q / (s * s);
	if (!isfinite(*out))
		return RK_OVERFLOW;
	return RK_OK;
}

/*
 * Written with K and R divided by the LGD (both are proportional to it),
 * t = L [delta C (kappa + pd) + delta gamma (1 - L) (kappa + pd)^2
 *        - kappa (C + 2 gamma (1 - L) (kappa + pd))],  kappa = K / L,
 * C = L + gamma (1 - L): no L^2 that underflows for a tiny LGD.
 */
double
rk_ga_term(double k, double pd, double lgd, double delta, double gamma)
{
	double		kappa,
				kp,
				c,
				g;

	if (lgd == 0.0)
		return 0.0;
	kappa = k / lgd;
	kp = kappa + pd;
	g = gamma * (1.0 - lgd);
	c = lgd + g;
	return lgd * (delta * c * kp + delta * g * kp * kp - kappa * (c + 2.0 * g * kp));
}

rk_status
rk_ga_final(double sum_ead, double sum_ead_k, double sum_ead2_t, double *out)
{
	if (!(sum_ead > 0.0) || !(sum_ead_k > 0.0))
		return RK_EMPTY;
	*out = sum_ead2_t / (2.0 * sum_ead * sum_ead_k);
	if (!isfinite(*out))
		return RK_OVERFLOW;
	return RK_OK;
}

/* ---- portfolio credit VaR --------------------------------------------- */

/*
 * The simulation.  Given the factor Z, the loans of a group (equal pd, lgd,
 * ead, rho) default independently with the conditional probability
 * p(Z) = N((N^-1(pd) - sqrt(rho) Z) / sqrt(1 - rho)), so the group's number
 * of defaults is binomial(count, p(Z)): one draw per group and scenario
 * (a uniform when the group has one loan), exact, and as fast as the book
 * is homogeneous.  Importance sampling draws Z from N(shift, 1) and weighs
 * the scenario by the likelihood ratio exp(-shift Z + shift^2 / 2).
 */
typedef struct csim_group
{
	double		pd,
				lgd,
				ead,
				rho;
	double		thr,			/* N^-1(pd), +-inf at 1 and 0 */
				sr,				/* sqrt(rho) */
				s1,				/* sqrt(1 - rho) */
				amount;			/* lgd x ead */
	unsigned int count;
	size_t		first;			/* its first loan in the sorted order */
	int			sector;
	double		beta_a,			/* beta LGD parameters (0: fixed) */
				beta_b;
} csim_group;

typedef struct csim_key
{
	double		v[5];			/* pd, lgd, ead, rho or loading, sector */
	size_t		idx;
} csim_key;

static int
csim_key_cmp(const void *a, const void *b)
{
	const csim_key *x = a,
			   *y = b;

	for (int k = 0; k < 5; k++)
	{
		if (x->v[k] < y->v[k])
			return -1;
		if (x->v[k] > y->v[k])
			return 1;
	}
	return (x->idx > y->idx) - (x->idx < y->idx);
}

int
rk_csim_beta_ok(double lgd, double sd)
{
	return sd == 0.0 || (sd > 0.0 && isfinite(sd) && lgd > 0.0 && lgd < 1.0
						 && sd * sd < lgd * (1.0 - lgd));
}

double
rk_csim_auto_shift(double level)
{
	return gsl_cdf_ugaussian_Pinv(1.0 - level);
}

/* One scenario's loss given the sector factors y (and, when gl != NULL, each group's loss). */
static double
csim_scenario(gsl_rng *rng, const csim_group *g, size_t ng, const double *y, double *gl)
{
	double		loss = 0.0;

	for (size_t j = 0; j < ng; j++)
	{
		double		p,
					l;
		unsigned int d;

		if (g[j].pd <= 0.0)
			p = 0.0;
		else if (g[j].pd >= 1.0)
			p = 1.0;
		else
			p = gsl_cdf_ugaussian_P((g[j].thr - g[j].sr * y[g[j].sector]) / g[j].s1);
		if (g[j].count == 1)
			d = gsl_rng_uniform(rng) < p ? 1 : 0;
		else
			d = gsl_ran_binomial(rng, p, g[j].count);
		if (g[j].beta_a > 0.0 && d > 0)
		{
			double		sum = 0.0;

			for (unsigned int t = 0; t < d; t++)
				sum += gsl_ran_beta(rng, g[j].beta_a, g[j].beta_b);
			l = g[j].ead * sum;
		}
		else
			l = g[j].amount * (double) d;
		if (gl)
			gl[j] = l;
		loss += l;
	}
	return loss;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

typedef struct lw_pair
{
	double		l,
				w;
} lw_pair;

static int
lw_cmp(const void *a, const void *b)
{
	return dbl_cmp(a, b);
}

rk_status
rk_weighted_var_es(const double *loss, const double *w, size_t m,
				   double level, double *var, double *es)
{
	lw_pair    *p;
	double		alpha = 1.0 - level,
				tail = 0.0,
				v,
				num = 0.0,
				den = 0.0;
	size_t		i;

	if (m == 0)
		return RK_EMPTY;
	if (!(level > 0.0 && level < 1.0))
		return RK_BADARG;
	p = malloc(m * sizeof(lw_pair));
	if (p == NULL)
		return RK_NOSPACE;
	for (i = 0; i < m; i++)
	{
		p[i].l = loss[i];
		p[i].w = w ? w[i] : 1.0;
		if (isnan(p[i].l) || isnan(p[i].w))
		{
			/* the walk below needs losses that compare */
			free(p);
			return RK_NUMERIC;
		}
	}
	qsort(p, m, sizeof(lw_pair), lw_cmp);
	/* walk down the distinct losses while the weight above stays <= alpha m */
	i = m;
	v = p[m - 1].l;
	while (i > 0)
	{
		size_t		j = i;
		double		x = p[i - 1].l;

		/* a relative slack, so that k/m at alpha = 1 - level counts as at */
		if (tail > alpha * (double) m * (1.0 + 1e-12))
			break;
		v = x;
		while (j > 0 && p[j - 1].l == x)
		{
			tail += p[j - 1].w;
			j--;
		}
		i = j;
	}
	for (i = m; i > 0 && p[i - 1].l >= v; i--)
	{
		num += p[i - 1].w * p[i - 1].l;
		den += p[i - 1].w;
	}
	free(p);
	*var = v;
	*es = den > 0.0 ? num / den : v;
	return RK_OK;
}

rk_status
rk_csim_cholesky(int k, const double *corr, double *chol)
{
	gsl_matrix_view m;

	if (k < 1 || k > RK_CSIM_MAX_SECTORS)
		return RK_BADARG;
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
		{
			double		c = corr[i * k + j];

			if (!isfinite(c) || c < -1.0 || c > 1.0 || c != corr[j * k + i]
				|| (i == j && c != 1.0))
				return RK_BADARG;
		}
	memcpy(chol, corr, sizeof(double) * k * k);
	m = gsl_matrix_view_array(chol, k, k);
	if (gsl_linalg_cholesky_decomp1(&m.matrix) != GSL_SUCCESS)
		return RK_DEGENERATE;
	/* keep the lower triangle only */
	for (int i = 0; i < k; i++)
		for (int j = i + 1; j < k; j++)
			chol[i * k + j] = 0.0;
	return RK_OK;
}

static rk_status csim_run(const double *pd, const double *lgd, const double *ead,
						  const double *rho, const int *sector, int k, const double *corr,
						  int rho_is_corr, size_t n, const rk_csim_opts *o,
						  rk_csim_result *r, double *contrib);

rk_status
rk_csim(const double *pd, const double *lgd, const double *ead,
		const double *rho, size_t n, const rk_csim_opts *o,
		rk_csim_result *r, double *contrib)
{
	static const double one = 1.0;

	return csim_run(pd, lgd, ead, rho, NULL, 1, &one, 1, n, o, r, contrib);
}

rk_status
rk_csim_multi(const double *pd, const double *lgd, const double *ead,
			  const double *loading, const int *sector, int k, const double *corr,
			  size_t n, const rk_csim_opts *o, rk_csim_result *r, double *contrib)
{
	return csim_run(pd, lgd, ead, loading, sector, k, corr, 0, n, o, r, contrib);
}

/* Draw the independent normals x (mean nu) and the sector factors y = L x; the weight. */
static double
csim_factors(gsl_rng *rng, int k, const double *chol, const double *nu, double nu2,
			 double *x, double *y)
{
	double		dot = 0.0;

	for (int i = 0; i < k; i++)
	{
		x[i] = nu[i] + gsl_ran_gaussian_ziggurat(rng, 1.0);
		dot += nu[i] * x[i];
	}
	for (int i = 0; i < k; i++)
	{
		double		t = 0.0;

		for (int j = 0; j <= i; j++)
			t += chol[i * k + j] * x[j];
		y[i] = t;
	}
	return nu2 == 0.0 ? 1.0 : exp(-dot + 0.5 * nu2);
}

static rk_status
csim_run(const double *pd, const double *lgd, const double *ead,
		 const double *rho, const int *sector, int k, const double *corr,
		 int rho_is_corr, size_t n, const rk_csim_opts *o,
		 rk_csim_result *r, double *contrib)
{
	csim_key   *key = NULL;
	csim_group *g = NULL;
	double	   *loss = NULL,
			   *w = NULL,
			   *gl = NULL,
			   *gt = NULL;
	gsl_rng    *rng = NULL;
	double	   *chol = NULL,
			   *nu = NULL,
			   *xs = NULL,
			   *ys = NULL;
	size_t		ng = 0,
				m,
				i,
				b,
				bs;
	double		mu,
				nu2 = 0.0,
				s = 0.0,
				sc = 0.0,
				s2 = 0.0,
				el = 0.0,
				elc = 0.0,
				bv[RK_CSIM_BATCHES],
				be[RK_CSIM_BATCHES],
				mv = 0.0,
				me = 0.0,
				tw = 0.0;
	rk_status	st = RK_OK;

	memset(r, 0, sizeof(*r));
	if (n == 0)
		return RK_EMPTY;
	if (o->scenarios < RK_CSIM_MIN_SCENARIOS || o->scenarios > RK_CSIM_MAX_SCENARIOS
		|| !(o->level > 0.0 && o->level < 1.0) || !isfinite(o->shift)
		|| k < 1 || k > RK_CSIM_MAX_SECTORS || !(o->lgd_sd >= 0.0))
		return RK_BADARG;
	for (i = 0; i < n; i++)
		if (!(pd[i] >= 0.0 && pd[i] <= 1.0) || !(lgd[i] >= 0.0 && lgd[i] <= 1.0)
			|| !rk_csim_beta_ok(lgd[i], o->lgd_sd)
			|| !(ead[i] >= 0.0 && isfinite(ead[i])) || !(rho[i] >= 0.0 && rho[i] < 1.0)
			|| (sector && (sector[i] < 0 || sector[i] >= k)))
			return RK_BADARG;
	m = (size_t) o->scenarios;
	mu = o->shift;

	chol = malloc(sizeof(double) * k * k);
	nu = malloc(sizeof(double) * k);
	xs = malloc(sizeof(double) * k);
	ys = malloc(sizeof(double) * k);
	if (!chol || !nu || !xs || !ys)
	{
		st = RK_NOSPACE;
		goto done;
	}
	st = rk_csim_cholesky(k, corr, chol);
	if (st != RK_OK)
		goto done;

	/*
	 * The shift moves every sector factor's mean to mu: the independent
	 * normals get the mean nu solving L nu = mu (1, ..., 1).
	 */
	for (int a = 0; a < k; a++)
	{
		double		t = mu;

		for (int c = 0; c < a; c++)
			t -= chol[a * k + c] * nu[c];
		nu[a] = t / chol[a * k + a];
		nu2 += nu[a] * nu[a];
	}

	key = malloc(n * sizeof(csim_key));
	g = malloc(n * sizeof(csim_group));
	loss = malloc(m * sizeof(double));
	w = malloc(m * sizeof(double));
	rng = gsl_rng_alloc(gsl_rng_taus2);
	if (!key || !g || !loss || !w || !rng)
	{
		st = RK_NOSPACE;
		goto done;
	}
	for (i = 0; i < n; i++)
	{
		key[i].v[0] = pd[i];
		key[i].v[1] = lgd[i];
		key[i].v[2] = ead[i];
		key[i].v[3] = rho[i];
		key[i].v[4] = sector ? (double) sector[i] : 0.0;
		key[i].idx = i;
		rk_sum_add(&el, &elc, pd[i] * lgd[i] * ead[i]);
	}
	qsort(key, n, sizeof(csim_key), csim_key_cmp);
	for (i = 0; i < n; i++)
	{
		if (ng > 0 && memcmp(key[i].v, &g[ng - 1].pd, 4 * sizeof(double)) == 0
			&& key[i].v[4] == (double) g[ng - 1].sector
			&& g[ng - 1].count < 2000000000u)
		{
			g[ng - 1].count++;
			continue;
		}
		g[ng].pd = key[i].v[0];
		g[ng].lgd = key[i].v[1];
		g[ng].ead = key[i].v[2];
		g[ng].rho = key[i].v[3];
		g[ng].thr = g[ng].pd > 0.0 && g[ng].pd < 1.0 ? gsl_cdf_ugaussian_Pinv(g[ng].pd) : 0.0;
		if (rho_is_corr)
		{
			g[ng].sr = sqrt(g[ng].rho);
			g[ng].s1 = sqrt(1.0 - g[ng].rho);
		}
		else
		{
			g[ng].sr = g[ng].rho;
			g[ng].s1 = sqrt(1.0 - g[ng].rho * g[ng].rho);
		}
		g[ng].sector = (int) key[i].v[4];
		g[ng].beta_a = g[ng].beta_b = 0.0;
		if (o->lgd_sd > 0.0)
		{
			double		c = g[ng].lgd * (1.0 - g[ng].lgd) / (o->lgd_sd * o->lgd_sd) - 1.0;

			g[ng].beta_a = g[ng].lgd * c;
			g[ng].beta_b = (1.0 - g[ng].lgd) * c;
		}
		g[ng].amount = g[ng].lgd * g[ng].ead;
		g[ng].count = 1;
		g[ng].first = i;
		ng++;
	}

	gsl_rng_set(rng, o->seed);
	for (i = 0; i < m; i++)
	{
		if ((i & 1023) == 0 && rk_should_stop())
		{
			st = RK_CANCELLED;
			goto done;
		}
		w[i] = csim_factors(rng, k, chol, nu, nu2, xs, ys);
		loss[i] = csim_scenario(rng, g, ng, ys, NULL);
		rk_sum_add(&s, &sc, w[i] * loss[i]);
		s2 += w[i] * loss[i] * w[i] * loss[i];
	}
	r->expected_loss = el + elc;
	r->mean_loss = (s + sc) / (double) m;
	{
		double		var = (s2 / (double) m - r->mean_loss * r->mean_loss) * (double) m / (double) (m - 1);

		r->mean_loss_se = var > 0.0 ? sqrt(var / (double) m) : 0.0;
	}
	r->groups = (long) ng;
	st = rk_weighted_var_es(loss, w, m, o->level, &r->var, &r->es);
	if (st != RK_OK)
		goto done;

	/* batch means: the spread of the estimates of RK_CSIM_BATCHES blocks */
	bs = m / RK_CSIM_BATCHES;
	for (b = 0; b < RK_CSIM_BATCHES; b++)
	{
		if (rk_should_stop())
		{
			st = RK_CANCELLED;
			goto done;
		}
		st = rk_weighted_var_es(loss + b * bs, w + b * bs, bs, o->level, &bv[b], &be[b]);
		if (st != RK_OK)
			goto done;
		mv += bv[b];
		me += be[b];
	}
	mv /= RK_CSIM_BATCHES;
	me /= RK_CSIM_BATCHES;
	{
		double		dv = 0.0,
					de = 0.0;

		for (b = 0; b < RK_CSIM_BATCHES; b++)
		{
			dv += (bv[b] - mv) * (bv[b] - mv);
			de += (be[b] - me) * (be[b] - me);
		}
		r->var_se = sqrt(dv / (RK_CSIM_BATCHES - 1) / RK_CSIM_BATCHES);
		r->es_se = sqrt(de / (RK_CSIM_BATCHES - 1) / RK_CSIM_BATCHES);
	}
	for (i = 0; i < m; i++)
		if (loss[i] >= r->var)
			r->tail_scenarios++;

	if (contrib)
	{
		/* the same scenarios again, each group's loss in the tail ones */
		gl = malloc(ng * sizeof(double));
		gt = calloc(ng, sizeof(double));
		if (!gl || !gt)
		{
			st = RK_NOSPACE;
			goto done;
		}
		gsl_rng_set(rng, o->seed);
		for (i = 0; i < m; i++)
		{
			if ((i & 1023) == 0 && rk_should_stop())
			{
				st = RK_CANCELLED;
				goto done;
			}
			(void) csim_factors(rng, k, chol, nu, nu2, xs, ys);
			(void) csim_scenario(rng, g, ng, ys, gl);
			if (loss[i] >= r->var)
			{
				for (size_t j = 0; j < ng; j++)
					gt[j] += w[i] * gl[j];
				tw += w[i];
			}
		}
		for (size_t j = 0; j < ng; j++)
		{
			size_t		end = j + 1 < ng ? g[j + 1].first : n;
			double		each = tw > 0.0 ? gt[j] / tw / (double) g[j].count : 0.0;

			for (i = g[j].first; i < end; i++)
				contrib[key[i].idx] = each;
		}
	}

done:
	free(key);
	free(g);
	free(loss);
	free(w);
	free(gl);
	free(gt);
	free(chol);
	free(nu);
	free(xs);
	free(ys);
	if (rng)
		gsl_rng_free(rng);
	return st;
}

rk_status
rk_creditriskplus(const double *pd, const double *lgd, const double *ead,
				  size_t n, double unit, double sigma2, double level,
				  rk_crp_result *r, double *dist, size_t ndist)
{
	double	   *lam = NULL,
			   *gk = NULL;
	csim_key   *key = NULL;		/* the loans in one order, whatever theirs */
	size_t	   *bands = NULL,	/* the bands with an intensity, ascending */
				nb = 0;
	double		mu = 0.0,
				muc = 0.0,
				el = 0.0,
				elc = 0.0,
				cdf = 0.0,
				cdfc = 0.0,
				m1 = 0.0,
				m1c = 0.0,
				a,
				bb;
	size_t		maxb = 0,
				k,
				kmax;
	int			poisson = sigma2 == 0.0;
	rk_status	st = RK_OK;

	memset(r, 0, sizeof(*r));
	if (n == 0)
		return RK_EMPTY;
	if (!(unit > 0.0 && isfinite(unit)) || !(sigma2 >= 0.0 && isfinite(sigma2))
		|| !(level > 0.0 && level < 1.0) || ndist > RK_CRP_MAX_BANDS + 1)
		return RK_BADARG;
	lam = calloc(RK_CRP_MAX_BANDS + 1, sizeof(double));
	gk = malloc((RK_CRP_MAX_BANDS + 1) * sizeof(double));
	if (!lam || !gk)
	{
		st = RK_NOSPACE;
		goto done;
	}
	key = malloc(n * sizeof(csim_key));
	if (!key)
	{
		st = RK_NOSPACE;
		goto done;
	}
	for (size_t i = 0; i < n; i++)
	{
		if (!(pd[i] >= 0.0 && pd[i] <= 1.0) || !(lgd[i] >= 0.0 && lgd[i] <= 1.0)
			|| !(ead[i] >= 0.0 && isfinite(ead[i])))
		{
			st = RK_BADARG;
			goto done;
		}
		key[i].v[0] = pd[i];
		key[i].v[1] = lgd[i];
		key[i].v[2] = ead[i];
		key[i].v[3] = key[i].v[4] = 0.0;
		key[i].idx = i;
	}
	/* the sums below in the loans' sorted order: the same bits in any order */
	qsort(key, n, sizeof(csim_key), csim_key_cmp);
	for (size_t q = 0; q < n; q++)
	{
		size_t		i = key[q].idx;
		double		band;

		band = round(lgd[i] * ead[i] / unit);
		if (band <= 0.0 || pd[i] == 0.0)
			continue;
		rk_sum_add(&mu, &muc, pd[i]);
		rk_sum_add(&el, &elc, pd[i] * band);
		if (band <= (double) RK_CRP_MAX_BANDS)
		{
			lam[(size_t) band] += pd[i];
			if ((size_t) band > maxb)
				maxb = (size_t) band;
		}
	}
	mu += muc;
	el += elc;
	r->expected_loss = el * unit;
	bands = malloc(sizeof(size_t) * (maxb + 1));
	if (!bands)
	{
		st = RK_NOSPACE;
		goto done;
	}
	for (size_t j = 1; j <= maxb; j++)
		if (lam[j] != 0.0)
			bands[nb++] = j;

	/*
	 * Panjer: the number of defaults is Poisson(mu) (sigma2 = 0) or negative
	 * binomial with r = 1 / sigma2, beta = sigma2 mu (a gamma mixture), in
	 * Panjer's class with a = beta / (1 + beta), b = (r - 1) a; the band of a
	 * default is j with probability f_j = lam_j / mu.  g_0 = P(N = 0) and
	 * g_k = sum_{j=1..k} (a + b j / k) f_j g_{k-j}; for the Poisson a = 0,
	 * b = mu.
	 */
	if (poisson)
	{
		a = 0.0;
		bb = mu;
		gk[0] = exp(-mu);
	}
	else
	{
		double		beta = sigma2 * mu,
					rr = 1.0 / sigma2;

		a = beta / (1.0 + beta);
		bb = (rr - 1.0) * a;
		gk[0] = exp(-rr * log1p(beta));
	}
	if (mu > 0.0 && gk[0] == 0.0)
	{
		st = RK_UNDERFLOW;
		goto done;
	}
	r->prob_zero = gk[0];
	kmax = 0;
	for (k = 0;; k++)
	{
		if (k > 0)
		{
			double		sum = 0.0,
						top = k < maxb ? k : maxb;

			if ((k & 255) == 0 && rk_should_stop())
			{
				st = RK_CANCELLED;
				goto done;
			}
			for (size_t t = 0; t < nb && bands[t] <= (size_t) top; t++)
			{
				size_t		j = bands[t];

				sum += (a + bb * (double) j / (double) k) * (lam[j] / mu) * gk[k - j];
			}
			gk[k] = sum;
		}
		if (cdf + cdfc >= level && k + 1 >= ndist)
			break;
		if (cdf + cdfc < level)
		{
			rk_sum_add(&cdf, &cdfc, gk[k]);
			rk_sum_add(&m1, &m1c, (double) k * gk[k]);
			kmax = k;
		}
		if (k >= RK_CRP_MAX_BANDS)
		{
			st = RK_NOSPACE;
			goto done;
		}
	}
	/* kmax: the first k with P(L <= k) >= level; m1, cdf include it */
	r->var_bands = (long) kmax;
	r->var = (double) kmax * unit;
	{
		double		below = cdf + cdfc - gk[kmax],
					m1below = m1 + m1c - (double) kmax * gk[kmax];

		r->es = (el - m1below) / (1.0 - below) * unit;
	}
	if (dist)
		for (k = 0; k < ndist; k++)
			dist[k] = gk[k];

done:
	free(key);
	free(lam);
	free(gk);
	free(bands);
	return st;
}

/* ---- liquidity -------------------------------------------------------- */

/* true when a factor and an amount may enter a liquidity ratio */
static int
liq_ok(double factor, double amount)
{
	return isfinite(factor) && factor >= 0 && factor <= 1
		&& isfinite(amount) && amount >= 0;
}

/*
 * LCR (Annex 1 of BCBS 238, the 2013 text; LIQ30): the 15% cap on level 2B
 * and the 40% cap on level 2 as the two adjustments, then the 75% cap on
 * inflows.
 */
rk_status
rk_lcr(int n, const int *kind, const double *factor, const double *amount,
	   rk_lcr_result *out)
{
	double		l1 = 0,
				l2a = 0,
				l2b = 0,
				outf = 0,
				inf = 0;

	if (n < 0 || out == NULL || (n > 0 && (kind == NULL || factor == NULL || amount == NULL)))
		return RK_BADARG;
	for (int i = 0; i < n; i++)
	{
		double		a = amount[i],
					f = factor[i];

		if (!liq_ok(f, a))
			return RK_BADARG;
		switch (kind[i])
		{
			case RK_LIQ_LEVEL1:
				l1 += a * (1 - f);
				break;
			case RK_LIQ_LEVEL2A:
				l2a += a * (1 - f);
				break;
			case RK_LIQ_LEVEL2B:
				l2b += a * (1 - f);
				break;
			case RK_LIQ_OUTFLOW:
				outf += a * f;
				break;
			case RK_LIQ_INFLOW:
				inf += a * f;
				break;
			default:
				return RK_BADARG;
		}
	}
	out->level1 = l1;
	out->level2a = l2a;
	out->level2b = l2b;
	/* Adjustment for 15% cap = Max(Adjusted L2B - 15/85 x (Adjusted L1 + Adjusted L2A), Adjusted L2B - 15/60 x Adjusted L1, 0) */
	out->adj15 = fmax(fmax(l2b - 15.0 / 85.0 * (l1 + l2a), l2b - 15.0 / 60.0 * l1), 0.0);
	/* Adjustment for 40% cap = Max((Adjusted L2A + Adjusted L2B - Adjustment for 15% cap) - 2/3 x Adjusted L1, 0) */
	out->adj40 = fmax(l2a + l2b - out->adj15 - 2.0 / 3.0 * l1, 0.0);
	out->hqla = l1 + l2a + l2b - out->adj15 - out->adj40;
	out->outflows = outf;
	out->inflows = inf;
	out->inflows_capped = fmin(inf, 0.75 * outf);
	out->net_outflows = outf - out->inflows_capped;
	out->lcr = out->net_outflows > 0 ? out->hqla / out->net_outflows : NAN;
	if (!isfinite(l1) || !isfinite(l2a) || !isfinite(l2b) || !isfinite(outf) || !isfinite(inf)
		|| !isfinite(out->hqla) || (out->net_outflows > 0 && !isfinite(out->lcr)))
		return RK_OVERFLOW;
	return RK_OK;
}

/* NSFR (LIQ40): available over required stable funding. */
rk_status
rk_nsfr(int n, const int *kind, const double *factor, const double *amount,
		rk_nsfr_result *out)
{
	double		asf = 0,
				rsf = 0;

	if (n < 0 || out == NULL || (n > 0 && (kind == NULL || factor == NULL || amount == NULL)))
		return RK_BADARG;
	for (int i = 0; i < n; i++)
	{
		if (!liq_ok(factor[i], amount[i]))
			return RK_BADARG;
		if (kind[i] == RK_LIQ_ASF)
			asf += amount[i] * factor[i];
		else if (kind[i] == RK_LIQ_RSF)
			rsf += amount[i] * factor[i];
		else
			return RK_BADARG;
	}
	out->asf = asf;
	out->rsf = rsf;
	out->nsfr = rsf > 0 ? asf / rsf : NAN;
	if (!isfinite(asf) || !isfinite(rsf) || (rsf > 0 && !isfinite(out->nsfr)))
		return RK_OVERFLOW;
	return RK_OK;
}
