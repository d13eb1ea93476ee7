/*
 * test_cancel.c
 *     Cancellation of the long routines of every area through core.h's
 *     stop hook.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bn.h"
#include "core/evt.h"
#include "core/garch.h"
#include "core/mlp.h"
#include "core/oprisk.h"
#include "core/quantile.h"
#include "core/scorecard.h"
#include "core/validation.h"
#include "unit.h"

/*
 * Cancellation: each long routine is stopped at its first checkpoint, then
 * at its second, and so on until it finishes; every stop must return
 * RK_CANCELLED having freed what it held (valgrind and ASan runs of this
 * program find any leak), and the finishing run must give what a run
 * without the hook gives.
 */
static int	stop_at;			/* stop at this checkpoint (1-based); 0: never */
static int	stop_seen;

static int
stop_counter(void)
{
	return stop_at > 0 && ++stop_seen == stop_at;
}

typedef struct cancel_case
{
	const char *name;
	int64_t		n;				/* doubles of input */
	double	   *input;
	double	   *work;			/* a fresh copy of input for each run */
	double		out[8];			/* what the routine gives */
} cancel_case;

/* Run one routine on a fresh copy of its input; fills c->out. */
typedef rk_status (*cancel_fn) (cancel_case *c);

static rk_status
cancel_sort(cancel_case *c)
{
	rk_status rc = rk_sort_doubles(c->work, c->n);

	c->out[0] = c->work[0];
	c->out[1] = c->work[c->n / 2];
	c->out[2] = c->work[c->n - 1];
	return rc;
}

static rk_status
cancel_hist(cancel_case *c)
{
	return rk_hist_var_es(c->work, c->n, 0.01, &c->out[0], &c->out[1]);
}

static rk_status
cancel_auc(cancel_case *c)
{
	int64_t		nb,
				ng;

	return rk_auc_ks(c->work, c->n / 2, &c->out[0], &c->out[1], &nb, &ng);
}

static rk_status
cancel_hl(cancel_case *c)
{
	int			df;

	return rk_hosmer_lemeshow(c->work, c->n / 2, 10, &c->out[0], &df, &c->out[1]);
}

static rk_status
cancel_woe(cancel_case *c)
{
	rk_woe_bin bins[20];
	int			nb = 0;
	rk_status rc = rk_woe_binning(c->work, c->n / 2, 5, 0.05, bins, &nb, &c->out[0]);

	c->out[1] = nb;
	return rc;
}

static rk_status
cancel_logit(cancel_case *c)
{
	double		beta[3],
				se[3];
	rk_logit_result r = {beta, se};
	rk_status rc = rk_logit_fit(c->work, c->n / 3, 2, 1, 0, &r);

	c->out[0] = beta[0];
	c->out[1] = beta[1];
	c->out[2] = beta[2];
	c->out[3] = r.loglik;
	return rc;
}

static rk_status
cancel_gpd(cancel_case *c)
{
	rk_gpd_fit f;
	rk_status rc = rk_gpd_fit_mle(c->work, c->n, &f);

	c->out[0] = f.xi;
	c->out[1] = f.beta;
	return rc;
}

static rk_status
cancel_gev(cancel_case *c)
{
	rk_gev_fit f;
	double	   *w = malloc(sizeof(double) * c->n);
	rk_status rc = rk_gev_fit_mle(c->work, c->n, w, &f);

	free(w);
	c->out[0] = f.xi;
	c->out[1] = f.mu;
	c->out[2] = f.sigma;
	return rc;
}

static rk_status
cancel_hill(cancel_case *c)
{
	return rk_hill(c->work, c->n, 500, &c->out[0], &c->out[1]);
}

static rk_status
cancel_lda(cancel_case *c)
{
	static const double levels[] = {0.99, 0.999};
	rk_status rc = rk_lda_simulate(RK_FREQ_POISSON, 20, 0, RK_SEV_LOGNORMAL, 8, 1.5,
									   c->n, 7, c->work);

	if (rc == RK_OK)
		rc = rk_lda_sort_tail(c->work, c->n, levels, 2);
	c->out[0] = c->work[c->n - 1];
	c->out[1] = c->work[(int64_t) (0.999 * (double) (c->n - 1))];
	return rc;
}

/* a GARCH fit (normal, then t) and the EVT-conditional VaR on its residuals */
static rk_status
cancel_garch(cancel_case *c)
{
	rk_garch_fit f;
	double	   *w = malloc(sizeof(double) * c->n);
	rk_status rc = rk_garch_fit_mle(c->work, c->n, RK_GARCH_NORM, w, &f);

	c->out[0] = f.alpha;
	c->out[1] = f.beta;
	c->out[2] = f.loglik;
	if (rc == RK_OK)
		rc = rk_conditional_var_es(&f, w, c->n, 0.01, RK_COND_EVT, &c->out[3], &c->out[4]);
	if (rc == RK_OK)
		rc = rk_garch_fit_mle(c->work, c->n, RK_GARCH_STD, w, &f);
	c->out[5] = f.nu;
	free(w);
	return rc;
}

/*
 * A Bayesian network for inference and sensitivity: 14 binary nodes, node
 * i with the parents i-1 and i-3, random CPTs; node 0 is the target and
 * node 13 observed, so every node is eliminated in turn.
 */
enum {BN_N = 14};
static int	bn_card[BN_N],
			bn_par_off[BN_N + 1],
			bn_par[2 * BN_N],
			bn_ev[BN_N];
static int64_t bn_cpt_off[BN_N + 1];
static double bn_cpt[8 * BN_N];
static rk_bn cancel_net = {BN_N, bn_card, bn_par_off, bn_par, bn_cpt_off, bn_cpt};

static void
cancel_net_make(void)
{
	int			v;

	bn_par_off[0] = 0;
	bn_cpt_off[0] = 0;
	for (v = 0; v < BN_N; v++)
	{
		int64_t		u;

		bn_card[v] = 2;
		bn_par_off[v + 1] = bn_par_off[v];
		if (v >= 1)
			bn_par[bn_par_off[v + 1]++] = v - 1;
		if (v >= 3)
			bn_par[bn_par_off[v + 1]++] = v - 3;
		bn_cpt_off[v + 1] = bn_cpt_off[v] + ((int64_t) 2 << (bn_par_off[v + 1] - bn_par_off[v]));
		for (u = bn_cpt_off[v]; u < bn_cpt_off[v + 1]; u += 2)
		{
			bn_cpt[u] = 0.05 + 0.9 * urand();
			bn_cpt[u + 1] = 1 - bn_cpt[u];
		}
		bn_ev[v] = -1;
	}
	bn_ev[BN_N - 1] = 1;
}

static rk_status
cancel_bn_infer(cancel_case *c)
{
	int			target = 0;
	int64_t		largest;
	rk_bn_query q = {bn_ev, NULL, 1, &target, 0};

	return rk_bn_infer(&cancel_net, &q, &c->out[0], &c->out[2], &largest);
}

static rk_status
cancel_bn_sensitivity(cancel_case *c)
{
	int			target = 0,
				i;
	double		d[8 * BN_N];
	rk_bn_query q = {bn_ev, NULL, 1, &target, 0};
	rk_status	rc = rk_bn_sensitivity(&cancel_net, &q, 0, d);

	for (i = 0; i < 8; i++)
		c->out[i] = rc == RK_OK ? d[bn_cpt_off[i + 5]] : 0;
	return rc;
}

/*
 * Hill climbing over 6 binary nodes, 300 events sampled from the first six
 * nodes of the network above (the edges among them).
 */
enum {HC_N = 6, HC_ROWS = 300};
static uint8_t hc_x[HC_N * HC_ROWS];

static void
cancel_hc_make(void)
{
	for (int i = 0; i < HC_ROWS; i++)
	{
		int			x[HC_N];

		for (int v = 0; v < HC_N; v++)
		{
			int64_t		u = 0;

			for (int j = bn_par_off[v]; j < bn_par_off[v + 1]; j++)
				u = u * 2 + x[bn_par[j]];
			x[v] = urand() < bn_cpt[bn_cpt_off[v] + 2 * u] ? 0 : 1;
			hc_x[v * HC_ROWS + i] = (uint8_t) x[v];
		}
	}
}

static rk_status
cancel_bn_hill_climb(cancel_case *c)
{
	int			card[HC_N] = {2, 2, 2, 2, 2, 2},
				it = 0;
	uint8_t		adj[HC_N * HC_N] = {0};
	rk_bn_data	d = {HC_N, card, HC_ROWS, hc_x};
	rk_bn_search s = {RK_BN_SCORE_BDEU, 1, -1, NULL, NULL, 0, 1000};
	rk_status	rc = rk_bn_hill_climb(&d, &s, adj, &c->out[0], &it);

	c->out[1] = it;
	for (int i = 0; i < HC_N * HC_N; i++)
		c->out[2] += adj[i] * (i + 1);
	return rc;
}

/* MLP training on the (y, x1, x2) rows of the logistic case: 300 rows */
static rk_status
cancel_mlp(cancel_case *c, rk_mlp_solver solver)
{
	enum {ROWS = 300};
	int			sizes[3] = {2, 4, 1};
	rk_mlp		m = {2, sizes, RK_MLP_TANH, NULL, NULL, NULL};
	double		x[2 * ROWS],
				y[ROWS],
				theta[17],
				mean[2],
				scale[2],
				tl[40],
				vl[40];
	rk_mlp_history h = {0, 0, 0, tl, vl};
	rk_mlp_options o = {solver, 1e-4, 40, 32, 0.01, 0.9, 0.999, 1e-8, 0, 0, 40, 0.2, 3, NULL};
	rk_status	rc;

	for (int i = 0; i < ROWS; i++)
	{
		y[i] = c->input[3 * i];
		x[2 * i] = c->input[3 * i + 1];
		x[2 * i + 1] = c->input[3 * i + 2];
	}
	rc = rk_mlp_fit(&m, &o, x, y, NULL, ROWS, mean, scale, theta, &h);
	memcpy(c->out, theta, sizeof(double) * 8);
	return rc;
}

static rk_status
cancel_mlp_lbfgs(cancel_case *c)
{
	return cancel_mlp(c, RK_MLP_LBFGS);
}

static rk_status
cancel_mlp_adam(cancel_case *c)
{
	return cancel_mlp(c, RK_MLP_ADAM);
}

static void
cancel_each_checkpoint(cancel_case *c, cancel_fn fn)
{
	double		want[8];
	rk_status want_rc;
	int			at,
				reached = 0,
				ok = 1;
	char		what[120];

	memset(c->out, 0, sizeof(c->out));
	memcpy(c->work, c->input, sizeof(double) * c->n);
	stop_at = 0;
	want_rc = fn(c);
	memcpy(want, c->out, sizeof(want));
	for (at = 1; at < 100000; at++)
	{
		rk_status rc;

		stop_at = at;
		stop_seen = 0;
		memset(c->out, 0, sizeof(c->out));
		memcpy(c->work, c->input, sizeof(double) * c->n);
		rc = fn(c);
		if (rc == RK_CANCELLED)
		{
			reached++;
			if (stop_seen != at)
				ok = 0;
			continue;
		}
		/* ran past its last checkpoint: the uncancelled answer */
		if (rc != want_rc || memcmp(c->out, want, sizeof(want)) != 0)
			ok = 0;
		break;
	}
	stop_at = 0;
	snprintf(what, sizeof(what), "%s: cancelled at each of its %d checkpoints, then the same answer",
			 c->name, reached);
	check(ok && reached > 0 && want_rc == RK_OK, what, reached, 0);
}

UNIT_TEST(test_cancel)
{
	enum {N = 60000};
	double	   *in = malloc(sizeof(double) * 3 * N),
			   *work = malloc(sizeof(double) * 3 * N);
	cancel_case c = {NULL, 0, in, work, {0}};
	int			i;

	rk_stop_hook = stop_counter;

	for (i = 0; i < N; i++)
		in[i] = nrand() * (1 + (i % 13));
	c.name = "rk_sort_doubles";
	c.n = N;
	cancel_each_checkpoint(&c, cancel_sort);
	c.name = "rk_hist_var_es";
	cancel_each_checkpoint(&c, cancel_hist);

	/* (score, flag) pairs; then (pd, flag) */
	for (i = 0; i < N / 2; i++)
	{
		double		z = nrand();

		in[2 * i] = floor(z * 50) / 50;
		in[2 * i + 1] = urand() < 1 / (1 + exp(2 - z));
	}
	c.n = N;
	c.name = "rk_auc_ks";
	cancel_each_checkpoint(&c, cancel_auc);
	c.name = "rk_woe_binning";
	cancel_each_checkpoint(&c, cancel_woe);
	for (i = 0; i < N / 2; i++)
		in[2 * i] = 1 / (1 + exp(2 - in[2 * i]));
	c.name = "rk_hosmer_lemeshow";
	cancel_each_checkpoint(&c, cancel_hl);

	/* logistic rows (y, x1, x2) */
	for (i = 0; i < N; i++)
	{
		double		x1 = nrand(),
					x2 = nrand();

		in[3 * i + 1] = x1;
		in[3 * i + 2] = x2;
		in[3 * i] = urand() < 1 / (1 + exp(-(-1 + 0.8 * x1 - 0.5 * x2)));
	}
	c.n = 3 * N;
	c.name = "rk_logit_fit";
	cancel_each_checkpoint(&c, cancel_logit);
	c.name = "rk_mlp_fit (L-BFGS)";
	cancel_each_checkpoint(&c, cancel_mlp_lbfgs);
	c.name = "rk_mlp_fit (Adam)";
	cancel_each_checkpoint(&c, cancel_mlp_adam);

	/* GPD excesses, GEV maxima, Hill's losses */
	for (i = 0; i < N; i++)
		in[i] = 2.0 * (pow(1 - urand(), -0.3) - 1) / 0.3 + 1e-9;
	c.n = N;
	c.name = "rk_gpd_fit_mle";
	cancel_each_checkpoint(&c, cancel_gpd);
	c.name = "rk_hill";
	cancel_each_checkpoint(&c, cancel_hill);
	for (i = 0; i < 100; i++)
		in[i] = 10 - 2 * log(-log(urand() * 0.998 + 0.001));
	c.n = 100;
	c.name = "rk_gev_fit_mle";
	cancel_each_checkpoint(&c, cancel_gev);

	c.n = 10000;
	c.name = "rk_lda_simulate";
	cancel_each_checkpoint(&c, cancel_lda);

	/* GARCH(1,1) returns: omega 1e-6, alpha 0.08, beta 0.9 */
	{
		double		h = 1e-6 / (1 - 0.98),
					r = 0;

		for (i = 0; i < 1000; i++)
		{
			h = 1e-6 + 0.08 * r * r + 0.9 * h;
			r = sqrt(h) * nrand();
			in[i] = r;
		}
	}
	c.n = 1000;
	c.name = "rk_garch_fit_mle";
	cancel_each_checkpoint(&c, cancel_garch);

	/* Bayesian networks: the input is the network above */
	cancel_net_make();
	c.n = 1;
	c.name = "rk_bn_infer";
	cancel_each_checkpoint(&c, cancel_bn_infer);
	c.name = "rk_bn_sensitivity";
	cancel_each_checkpoint(&c, cancel_bn_sensitivity);
	cancel_hc_make();
	c.name = "rk_bn_hill_climb";
	cancel_each_checkpoint(&c, cancel_bn_hill_climb);

	rk_stop_hook = NULL;
	free(in);
	free(work);
}
