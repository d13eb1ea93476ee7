/*
 * test_explain.c
 *     Unit tests of core/explain.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/explain.h"
#include "core/mlp.h"

/* ---- reason codes ----------------------------------------------------- */

UNIT_TEST(test_scorecard_bin)
{
	int			kind[5] = {RK_BIN_MISSING, RK_BIN_INTERVAL, RK_BIN_INTERVAL, RK_BIN_CATEGORY, RK_BIN_INTERVAL};
	double		lo[5] = {NAN, NAN, 18, NAN, 29},
				hi[5] = {NAN, 18, 29, NAN, NAN};

	/* [lower, upper) */
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 17.99) == 1, "below 18: first interval", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 18) == 2, "18 opens [18, 29)", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 29) == 4, "29 opens [29, inf)", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 0, -1e300) == 1, "unbounded below", 0, 0);
	/* (lower, upper] */
	check(rk_scorecard_bin(5, kind, lo, hi, 1, 18) == 1, "18 closes (-inf, 18]", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 1, 29) == 2, "29 closes (18, 29]", 0, 0);
	check(rk_scorecard_bin(5, kind, lo, hi, 1, 1e300) == 4, "unbounded above", 0, 0);
	/* the first bin that holds it, and none */
	hi[4] = 40;
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 41) == -1, "above every bin", 0, 0);
	check(rk_scorecard_bin(3, kind, lo, hi, 0, 30) == -1, "only the first three bins", 0, 0);
	lo[4] = 0;
	check(rk_scorecard_bin(5, kind, lo, hi, 0, 10) == 1, "overlap: the first wins", 0, 0);
}

UNIT_TEST(test_reason_rank)
{
	/* the PMML sample: points 3, 0, 26 against 19, 18, 10 */
	double		p[5] = {3, 0, 26},
				b[5] = {19, 18, 10},
				work[5];
	int			code[5] = {0, 1, 2},
				iwork[5];
	rk_reason	r[5];
	int			n;

	n = rk_reason_rank(3, p, b, code, 3, 0, 4, r, work, iwork);
	check(n == 2 && r[0].code == 1 && r[0].lost == 18 && r[1].code == 0 && r[1].lost == 16,
		  "PMML sample: RC2 18, RC1 16, RC3 none", n, 2);
	n = rk_reason_rank(3, p, b, code, 3, 1, 4, r, work, iwork);
	check(n == 1 && r[0].code == 2 && r[0].lost == 16, "points above: RC3 16", n, 1);
	n = rk_reason_rank(3, p, b, code, 3, 0, 1, r, work, iwork);
	check(n == 1 && r[0].code == 1, "at most one", n, 1);
	/* a shared code sums; its characteristic is the one that lost most */
	{
		double		p2[4] = {10, 5, 0, 20},
					b2[4] = {20, 20, 10, 20};
		int			c2[4] = {0, 1, 1, 2};

		n = rk_reason_rank(4, p2, b2, c2, 3, 0, 4, r, work, iwork);
		check(n == 2 && r[0].code == 1 && r[0].lost == 25 && r[0].top == 1 && r[1].code == 0,
			  "shared code: 15 + 10", n, 2);
	}
	/* ties: by code number, whatever the order of the characteristics */
	{
		double		p3[3] = {0, 0, 0},
					b3[3] = {5, 5, 5};
		int			c3[3] = {2, 0, 1};

		n = rk_reason_rank(3, p3, b3, c3, 3, 0, 4, r, work, iwork);
		check(n == 3 && r[0].code == 0 && r[1].code == 1 && r[2].code == 2, "ties by code", n, 3);
	}
	/* a gain and a loss under one code cancel */
	{
		double		p4[2] = {0, 10},
					b4[2] = {5, 5};
		int			c4[2] = {0, 0};

		n = rk_reason_rank(2, p4, b4, c4, 1, 0, 4, r, work, iwork);
		check(n == 0, "5 lost, 5 gained: no reason", n, 0);
	}
	code[1] = 3;
	check(rk_reason_rank(3, p, b, code, 3, 0, 4, r, work, iwork) == -1, "a code out of range", 0, 0);
	code[1] = 1;
	p[0] = NAN;
	check(rk_reason_rank(3, p, b, code, 3, 0, 4, r, work, iwork) == -1, "NaN points", 0, 0);
}

/* ---- Shapley values --------------------------------------------------- */


/* The network's output before the logistic function, as plain loops over units. */
static double
shap_naive_out(const rk_mlp *m, const double *x)
{
	double		in[64],
				out[64];
	int64_t		wo = 0,
				bo,
				nw;

	rk_mlp_nparams(m->nlayers, m->sizes, &nw);
	bo = nw;
	for (int j = 0; j < m->sizes[0]; j++)
		in[j] = m->mean ? (x[j] - m->mean[j]) / m->scale[j] : x[j];
	for (int l = 0; l < m->nlayers; l++)
	{
		int			fi = m->sizes[l],
					fo = m->sizes[l + 1];

		for (int j = 0; j < fo; j++)
		{
			double		t = m->theta[bo + j];

			for (int i = 0; i < fi; i++)
				t += in[i] * m->theta[wo + (int64_t) i * fo + j];
			out[j] = l + 1 == m->nlayers ? t
				: m->act == RK_MLP_RELU ? (t > 0 ? t : 0)
				: m->act == RK_MLP_TANH ? tanh(t) : 1 / (1 + exp(-t));
		}
		wo += (int64_t) fi * fo;
		bo += fo;
		memcpy(in, out, sizeof(double) * fo);
	}
	return in[0];
}

/*
 * Shapley values by their definition: every coalition's value from a
 * forward pass of every mixed row, the factorial weights from factorials.
 */
static void
shap_naive(const rk_mlp *m, const double *x, const double *bg, int nb, rk_shap_scale scale,
		   double *phi, double *base, double *pred)
{
	int			d = m->sizes[0];
	double	   *v = malloc(sizeof(double) * ((size_t) 1 << d)),
				fact[16],
				row[16];

	fact[0] = 1;
	for (int i = 1; i < 16; i++)
		fact[i] = fact[i - 1] * i;
	for (int g = 0; g < (1 << d); g++)
	{
		ddacc		a = {0, 0};

		for (int b = 0; b < nb; b++)
		{
			double		o;

			for (int j = 0; j < d; j++)
				row[j] = (g >> j) & 1 ? x[j] : bg[b * d + j];
			o = shap_naive_out(m, row);
			dd_acc(&a, scale == RK_SHAP_PROBABILITY ? 1 / (1 + exp(-o)) : o);
		}
		v[g] = dd_val(&a) / nb;
	}
	for (int j = 0; j < d; j++)
	{
		ddacc		a = {0, 0};

		for (int g = 0; g < (1 << d); g++)
		{
			int			s = __builtin_popcount(g);

			if (!((g >> j) & 1))
				dd_acc(&a, fact[s] * fact[d - s - 1] / fact[d] * (v[g | (1 << j)] - v[g]));
		}
		phi[j] = dd_val(&a);
	}
	*base = v[0];
	*pred = v[(1 << d) - 1];
	free(v);
}

/* A random network of d inputs and the given hidden layers, standardized inputs. */
typedef struct shap_net
{
	int			sizes[5];
	double		theta[4096],
				mean[16],
				scale[16];
	rk_mlp		m;
} shap_net;

static void
shap_net_make(shap_net *n, int d, int nhidden, const int *hidden, rk_mlp_act act, int standardize)
{
	int64_t		np;

	n->sizes[0] = d;
	for (int l = 0; l < nhidden; l++)
		n->sizes[l + 1] = hidden[l];
	n->sizes[nhidden + 1] = 1;
	np = rk_mlp_nparams(nhidden + 1, n->sizes, NULL);
	for (int64_t i = 0; i < np; i++)
		n->theta[i] = nrand() * 0.8;
	for (int j = 0; j < d; j++)
	{
		n->mean[j] = nrand() * 3;
		n->scale[j] = 0.5 + urand() * 4;
	}
	n->m.nlayers = nhidden + 1;
	n->m.sizes = n->sizes;
	n->m.act = act;
	n->m.mean = standardize ? n->mean : NULL;
	n->m.scale = standardize ? n->scale : NULL;
	n->m.theta = n->theta;
}

static void
shap_data(const shap_net *n, double *x, double *bg, int nb)
{
	int			d = n->sizes[0];

	for (int j = 0; j < d; j++)
		x[j] = (n->m.mean ? n->mean[j] : 0) + nrand() * (n->m.mean ? n->scale[j] : 1) * 1.5;
	for (int b = 0; b < nb; b++)
		for (int j = 0; j < d; j++)
			bg[b * d + j] = (n->m.mean ? n->mean[j] : 0) + nrand() * (n->m.mean ? n->scale[j] : 1);
}

/* The Gray-code enumeration against the definition, every shape and activation. */
UNIT_TEST(test_shap_mlp_naive)
{
	static const struct
	{
		int			d,
					nhidden,
					hidden[3],
					nb;
		rk_mlp_act	act;
	}			cases[] = {
		{1, 1, {4}, 3, RK_MLP_RELU},
		{3, 1, {5}, 7, RK_MLP_TANH},
		{4, 0, {0}, 9, RK_MLP_RELU},
		{5, 2, {6, 3}, 130, RK_MLP_LOGISTIC},
		{6, 2, {8, 4}, 20, RK_MLP_RELU},
		{8, 3, {7, 5, 3}, 4, RK_MLP_TANH},
		{10, 1, {12}, 9, RK_MLP_RELU},
		{10, 2, {6, 1}, 5, RK_MLP_LOGISTIC},
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
	{
		shap_net	n;
		int			d = cases[c].d,
					nb = cases[c].nb;
		double		x[16],
				   *bg = malloc(sizeof(double) * nb * d),
					phi[16],
					want[16],
					base,
					pred,
					wbase,
					wpred;
		rk_shap    *s;

		shap_net_make(&n, d, cases[c].nhidden, cases[c].hidden, cases[c].act, c % 2 == 0);
		shap_data(&n, x, bg, nb);
		check(rk_shap_prepare(&n.m, bg, nb, &s) == RK_OK, "rk_shap_prepare", c, 0);
		for (int sc = 0; sc < 2; sc++)
		{
			double		err = 0,
						sum = 0,
						tol = sc == 0 ? 1e-13 : 1e-11;

			check(rk_shap_values(s, x, (rk_shap_scale) sc, phi, &base, &pred) == RK_OK,
				  "rk_shap_values", c, sc);
			shap_naive(&n.m, x, bg, nb, (rk_shap_scale) sc, want, &wbase, &wpred);
			for (int j = 0; j < d; j++)
			{
				err = fmax(err, fabs(phi[j] - want[j]));
				sum += phi[j];
			}
			check(err < tol, "Shapley values of a network by Gray code = by definition", err, tol);
			check_close(base, wbase, 1e-13, "Shapley base: the background's mean output");
			check_close(pred, wpred, 1e-13, "Shapley prediction: f(x)");
			check(fabs(sum - (pred - base)) < 1e-13, "Shapley values add up to f(x) - base",
				  sum - (pred - base), 0);
		}
		check_close(pred, shap_naive_out(&n.m, x), 1e-13, "Shapley log-odds prediction");
		rk_shap_free(s);
		free(bg);
	}
}

/* The logistic closed form on the log-odds scale = the enumeration of a network without hidden layer. */
UNIT_TEST(test_shap_linear)
{
	enum {D = 7, NB = 40};
	double		beta[D + 1],
				x[D],
				bg[NB * D],
				mean[D],
				phi[D],
				phi2[D],
				base,
				pred,
				base2,
				pred2,
				err = 0;
	int			sizes[2] = {D, 1};
	rk_mlp		m = {1, sizes, RK_MLP_RELU, NULL, NULL, beta};
	rk_shap    *s;

	for (int j = 0; j <= D; j++)
		beta[j] = nrand();		/* beta[D]: the intercept, the bias of the network */
	for (int j = 0; j < D; j++)
		x[j] = nrand() * 2;
	for (int i = 0; i < NB * D; i++)
		bg[i] = nrand() + 1;
	check(rk_shap_column_means(bg, NB, D, mean) == RK_OK, "rk_shap_column_means", 0, 0);
	check(rk_shap_linear(beta, beta[D], D, x, mean, phi, &base, &pred) == RK_OK, "rk_shap_linear", 0, 0);
	check(rk_shap_prepare(&m, bg, NB, &s) == RK_OK, "rk_shap_prepare (linear)", 0, 0);
	check(rk_shap_values(s, x, RK_SHAP_LOG_ODDS, phi2, &base2, &pred2) == RK_OK, "rk_shap_values", 0, 0);
	for (int j = 0; j < D; j++)
		err = fmax(err, fabs(phi[j] - phi2[j]));
	check(err < 1e-12, "logistic closed form = enumeration on the log-odds scale", err, 0);
	check_close(base, base2, 1e-13, "logistic closed form: base");
	check_close(pred, pred2, 1e-13, "logistic closed form: prediction");
	rk_shap_free(s);
}

/*
 * A feature without weight contributes nothing; two features the network
 * treats alike, with the same values, contribute alike.
 */
UNIT_TEST(test_shap_axioms)
{
	enum {D = 6, NB = 25, H = 5};
	int			hidden[1] = {H};
	shap_net	n;
	double		x[D],
				bg[NB * D],
				phi[D],
				base,
				pred;
	rk_shap    *s;

	shap_net_make(&n, D, 1, hidden, RK_MLP_TANH, 0);
	shap_data(&n, x, bg, NB);
	for (int t = 0; t < H; t++)
	{
		n.theta[2 * H + t] = 0;	/* feature 2: no weight */
		n.theta[4 * H + t] = n.theta[3 * H + t];	/* features 3 and 4 alike */
	}
	x[4] = x[3];
	for (int b = 0; b < NB; b++)
		bg[b * D + 4] = bg[b * D + 3];
	check(rk_shap_prepare(&n.m, bg, NB, &s) == RK_OK, "rk_shap_prepare", 0, 0);
	check(rk_shap_values(s, x, RK_SHAP_PROBABILITY, phi, &base, &pred) == RK_OK, "rk_shap_values", 0, 0);
	check(fabs(phi[2]) < 1e-16, "Shapley value of a feature without weight: 0", phi[2], 0);
	check(fabs(phi[3] - phi[4]) < 1e-15, "Shapley values of symmetric features: equal", phi[3], phi[4]);
	rk_shap_free(s);
}

/* 14 features: the enumeration's rounding after 2^14 steps. */
UNIT_TEST(test_shap_fourteen)
{
	enum {D = 14, NB = 3};
	int			hidden[1] = {6};
	shap_net	n;
	double		x[D],
				bg[NB * D],
				phi[D],
				want[D],
				base,
				pred,
				wbase,
				wpred,
				err = 0,
				sum = 0;
	rk_shap    *s;

	shap_net_make(&n, D, 1, hidden, RK_MLP_RELU, 1);
	shap_data(&n, x, bg, NB);
	check(rk_shap_prepare(&n.m, bg, NB, &s) == RK_OK, "rk_shap_prepare (14)", 0, 0);
	check(rk_shap_values(s, x, RK_SHAP_PROBABILITY, phi, &base, &pred) == RK_OK, "rk_shap_values (14)", 0, 0);
	shap_naive(&n.m, x, bg, NB, RK_SHAP_PROBABILITY, want, &wbase, &wpred);
	for (int j = 0; j < D; j++)
	{
		err = fmax(err, fabs(phi[j] - want[j]));
		sum += phi[j];
	}
	check(err < 1e-13, "Shapley values of 14 features = by definition", err, 0);
	check(fabs(sum - (pred - base)) < 1e-13, "14 features: additivity", sum - (pred - base), 0);
	rk_shap_free(s);
}

UNIT_TEST(test_shap_refusals)
{
	int			sizes15[3] = {15, 2, 1},
				sizes3[3] = {3, 2, 1};
	double		theta[64] = {0},
				bg[45] = {0},
				x[3] = {0, 0, 0},
				phi[3],
				base,
				pred,
				scale[3] = {1, 0, 1},
				mean[3] = {0, 0, 0};
	rk_mlp		m15 = {2, sizes15, RK_MLP_RELU, NULL, NULL, theta},
				m3 = {2, sizes3, RK_MLP_RELU, NULL, NULL, theta},
				mbad = {2, sizes3, RK_MLP_RELU, mean, scale, theta};
	rk_shap    *s;

	check(rk_shap_prepare(&m15, bg, 3, &s) == RK_BADARG && s == NULL, "15 features refused", 0, 0);
	check(rk_shap_prepare(&m3, bg, 0, &s) == RK_BADARG, "empty background refused", 0, 0);
	check(rk_shap_prepare(&mbad, bg, 2, &s) == RK_BADARG, "scale 0 refused", 0, 0);
	bg[4] = NAN;
	check(rk_shap_prepare(&m3, bg, 2, &s) == RK_BADARG, "NaN in the background refused", 0, 0);
	bg[4] = 0;
	theta[3] = INFINITY;
	check(rk_shap_prepare(&m3, bg, 2, &s) == RK_BADARG, "infinite weight refused", 0, 0);
	theta[3] = 0;
	check(rk_shap_prepare(&m3, bg, 2, &s) == RK_OK, "rk_shap_prepare", 0, 0);
	x[1] = -INFINITY;
	check(rk_shap_values(s, x, RK_SHAP_PROBABILITY, phi, &base, &pred) == RK_BADARG,
		  "infinite x refused", 0, 0);
	x[1] = 0;
	check(rk_shap_values(s, x, (rk_shap_scale) 7, phi, &base, &pred) == RK_BADARG,
		  "unknown scale refused", 0, 0);
	rk_shap_free(s);
	check(rk_shap_column_means(bg, 0, 3, phi) == RK_BADARG, "means of no row refused", 0, 0);
	check(rk_shap_linear(theta, NAN, 3, x, mean, phi, &base, &pred) == RK_BADARG,
		  "NaN intercept refused", 0, 0);
}

static int	shap_stop_at,
			shap_stop_calls;

static int
shap_stop(void)
{
	return ++shap_stop_calls == shap_stop_at;
}

/* Cancelled at each checkpoint, the prepared background still gives the uncancelled answer. */
UNIT_TEST(test_shap_cancel)
{
	enum {D = 12, NB = 200};
	int			hidden[1] = {3},
				reached = 0,
				ok = 1;
	shap_net	n;
	double		x[D],
			   *bg = malloc(sizeof(double) * NB * D),
				phi[D],
				want[D],
				base,
				pred;
	rk_shap    *s;
	int			(*saved) (void) = rk_stop_hook;

	shap_net_make(&n, D, 1, hidden, RK_MLP_RELU, 1);
	shap_data(&n, x, bg, NB);
	check(rk_shap_prepare(&n.m, bg, NB, &s) == RK_OK, "rk_shap_prepare", 0, 0);
	check(rk_shap_values(s, x, RK_SHAP_PROBABILITY, want, &base, &pred) == RK_OK, "rk_shap_values", 0, 0);
	rk_stop_hook = shap_stop;
	for (shap_stop_at = 1; shap_stop_at < 1000; shap_stop_at++)
	{
		rk_status	rc;

		shap_stop_calls = 0;
		rc = rk_shap_values(s, x, RK_SHAP_PROBABILITY, phi, &base, &pred);
		if (rc == RK_CANCELLED)
		{
			reached++;
			ok = ok && shap_stop_calls == shap_stop_at;
			continue;
		}
		ok = ok && rc == RK_OK && memcmp(phi, want, sizeof(want)) == 0;
		break;
	}
	rk_stop_hook = saved;
	/* 4096 coalitions, 2 blocks of rows: checkpoints at 1024, 2048, 3072 of each */
	check(ok && reached == 6, "Shapley values cancelled at each of its checkpoints, then the same",
		  reached, 6);
	rk_shap_free(s);
	free(bg);
}

/* ---- fairness by group ------------------------------------------------ */

/* cells[2 * declined + defaulted] of fairlearn's user-guide example */
static const int64_t fair_example[3][RK_FAIR_CELLS] = {
	{0, 1, 2, 1},				/* a: selection 3/4, TPR 1/2, FPR 2/2 */
	{1, 2, 0, 3},				/* b: 3/6, 3/5, 0/1 */
	{1, 3, 2, 2},				/* c: 4/8, 2/5, 2/3 */
};

UNIT_TEST(test_fair_rates)
{
	rk_fair_rates r;
	const int64_t one_class[RK_FAIR_CELLS] = {5, 0, 3, 0};
	const int64_t bad_only[RK_FAIR_CELLS] = {0, 4, 0, 6};
	const int64_t empty[RK_FAIR_CELLS] = {0, 0, 0, 0};

	rk_fair_rates_of(fair_example[2], &r);
	check(r.selection_rate == 0.5 && r.tpr == 0.4 && r.fpr == 2.0 / 3.0 && r.default_rate == 5.0 / 8.0,
		  "fair rates: group c by hand", r.fpr, 2.0 / 3.0);
	rk_fair_rates_of(one_class, &r);
	check(isnan(r.tpr) && r.fpr == 3.0 / 8.0 && r.default_rate == 0,
		  "fair rates: no default, TPR NaN", r.tpr, NAN);
	rk_fair_rates_of(bad_only, &r);
	check(isnan(r.fpr) && r.tpr == 0.6 && r.default_rate == 1, "fair rates: defaults only, FPR NaN", r.fpr, NAN);
	rk_fair_rates_of(empty, &r);
	check(isnan(r.selection_rate) && isnan(r.tpr) && isnan(r.fpr), "fair rates: empty table all NaN", 0, 0);
}

UNIT_TEST(test_fair_fairlearn_example)
{
	rk_fair_metrics m;

	rk_fair_metrics_cells(&fair_example[0][0], 3, &m);
	check(m.dp_difference == 0.25, "fairlearn example: DP difference 0.25", m.dp_difference, 0.25);
	check_close(m.dp_ratio, 2.0 / 3.0, 1e-15, "fairlearn example: DP ratio 2/3");
	check(m.eo_difference == 1.0, "fairlearn example: EO difference 1", m.eo_difference, 1.0);
	check(m.eo_ratio == 0.0, "fairlearn example: EO ratio 0", m.eo_ratio, 0.0);
	check_close(m.eopp_difference, 0.2, 1e-15, "fairlearn example: equal opportunity 0.6 - 0.4");
	check(m.worst == 0, "fairlearn example: worst-off group a", m.worst, 0);
}

UNIT_TEST(test_fair_undefined)
{
	rk_fair_metrics m;
	/* the second group has no default: its TPR is left out of the range */
	const int64_t c[2][RK_FAIR_CELLS] = {{10, 5, 10, 15}, {15, 0, 25, 0}};
	const int64_t none[2][RK_FAIR_CELLS] = {{10, 5, 0, 0}, {20, 1, 0, 0}};
	const int64_t tie[2][RK_FAIR_CELLS] = {{1, 1, 1, 1}, {2, 2, 2, 2}};

	rk_fair_metrics_cells(&c[0][0], 2, &m);
	check(m.eopp_difference == 0.0, "fair: one defined TPR, difference 0", m.eopp_difference, 0);
	/* FPR 10/20 and 25/40: EO difference 0.125 (FPR), ratio 0.8 (FPR) */
	check(m.eo_difference == 0.125 && m.eo_ratio == 0.8, "fair: EO from the defined rates", m.eo_ratio, 0.8);
	check(m.dp_difference == 0.0 && m.worst == 0, "fair: equal selection, the first is the worst", m.worst, 0);
	/* nobody declined: differences 0, ratios 0 / 0 NaN */
	rk_fair_metrics_cells(&none[0][0], 2, &m);
	check(m.dp_difference == 0 && isnan(m.dp_ratio) && isnan(m.eo_ratio) && m.eo_difference == 0,
		  "fair: no decline, ratios NaN", m.dp_ratio, NAN);
	rk_fair_metrics_cells(&tie[0][0], 2, &m);
	check(m.worst == 0 && m.dp_ratio == 1, "fair: a tie goes to the first group", m.worst, 0);
	rk_fair_metrics_cells(NULL, 0, &m);
	check(m.worst == -1 && isnan(m.dp_difference), "fair: no group, NaN", m.dp_difference, NAN);
}

static int
fair_stop_now(void)
{
	return 1;
}

UNIT_TEST(test_fair_bootstrap)
{
	const int64_t c[3][RK_FAIR_CELLS] = {{400, 50, 300, 150}, {600, 30, 200, 70}, {100, 0, 50, 0}};
	/* every group a single cell: every replicate equals the data */
	const int64_t fixed[2][RK_FAIR_CELLS] = {{7, 0, 0, 0}, {0, 0, 9, 0}};
	rk_fair_boot b = {2000, 0.95, 11};
	double		lo[RK_FAIR_NMETRICS],
				hi[RK_FAIR_NMETRICS],
				lo2[RK_FAIR_NMETRICS],
				hi2[RK_FAIR_NMETRICS];
	int64_t		def[RK_FAIR_NMETRICS];
	rk_fair_metrics m;
	double		point[RK_FAIR_NMETRICS];
	int			ok = 1;

	rk_fair_metrics_cells(&c[0][0], 3, &m);
	point[0] = m.dp_difference;
	point[1] = m.dp_ratio;
	point[2] = m.eo_difference;
	point[3] = m.eo_ratio;
	point[4] = m.eopp_difference;
	check(rk_fair_bootstrap(&c[0][0], 3, &b, lo, hi, def) == RK_OK, "fair bootstrap: OK", 0, 0);
	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
		ok &= lo[k] < point[k] && point[k] < hi[k] && def[k] == 2000 && hi[k] - lo[k] < 0.2;
	check(ok, "fair bootstrap: narrow intervals around the estimates", lo[0], point[0]);
	/*
	 * DP difference of groups 1 and 2: selection 0.5 (n 900) and 0.3
	 * (n 900); its standard error sqrt(.25/900 + .21/900) = 0.0226, so the
	 * 95% interval is about +-1.96 x 0.0226 = 0.0443 wide on each side
	 */
	check_close(hi[0] - lo[0], 2 * 1.96 * sqrt(0.25 / 900 + 0.21 / 900), 0.15,
				"fair bootstrap: DP interval as wide as the normal one");
	rk_fair_bootstrap(&c[0][0], 3, &b, lo2, hi2, NULL);
	check(memcmp(lo, lo2, sizeof(lo)) == 0 && memcmp(hi, hi2, sizeof(hi)) == 0,
		  "fair bootstrap: the seed repeats", lo2[0], lo[0]);
	b.seed = 12;
	rk_fair_bootstrap(&c[0][0], 3, &b, lo2, hi2, NULL);
	check(lo2[0] != lo[0] || hi2[0] != hi[0], "fair bootstrap: another seed, other draws", lo2[0], lo[0]);
	b.seed = 11;
	{
		/* the groups in another order (two of them with equal tables): the same intervals */
		const int64_t five[5][RK_FAIR_CELLS] = {{400, 50, 300, 150}, {600, 30, 200, 70}, {100, 0, 50, 0},
		{60, 10, 30, 5}, {60, 10, 30, 5}};
		const int64_t shuffled[5][RK_FAIR_CELLS] = {{60, 10, 30, 5}, {100, 0, 50, 0}, {60, 10, 30, 5},
		{600, 30, 200, 70}, {400, 50, 300, 150}};

		rk_fair_bootstrap(&five[0][0], 5, &b, lo, hi, NULL);
		rk_fair_bootstrap(&shuffled[0][0], 5, &b, lo2, hi2, NULL);
		check(memcmp(lo, lo2, sizeof(lo)) == 0 && memcmp(hi, hi2, sizeof(hi)) == 0 && !isnan(lo[0]),
			  "fair bootstrap: the order of the groups does not matter", lo2[0], lo[0]);
	}
	check(rk_fair_bootstrap(&fixed[0][0], 2, &b, lo, hi, def) == RK_OK
		  && lo[0] == 1 && hi[0] == 1 && lo[1] == 0 && hi[1] == 0
		  && isnan(lo[2]) && def[2] == 0 && isnan(lo[4]),
		  "fair bootstrap: single cells give the data's values; undefined NaN", lo[0], 1);
	b.n_boot = 0;
	check(rk_fair_bootstrap(&c[0][0], 3, &b, lo, hi, NULL) == RK_BADARG && isnan(lo[0]),
		  "fair bootstrap: n_boot 0 refused", 0, 0);
	b.n_boot = 10;
	b.level = 1;
	check(rk_fair_bootstrap(&c[0][0], 3, &b, lo, hi, NULL) == RK_BADARG, "fair bootstrap: level 1 refused", 0, 0);
	b.level = 0.9;
	{
		const int64_t empty_group[2][RK_FAIR_CELLS] = {{1, 2, 3, 4}, {0, 0, 0, 0}};

		check(rk_fair_bootstrap(&empty_group[0][0], 2, &b, lo, hi, NULL) == RK_BADARG,
			  "fair bootstrap: an empty group refused", 0, 0);
	}
	b.n_boot = 100000;
	rk_stop_hook = fair_stop_now;
	check(rk_fair_bootstrap(&c[0][0], 3, &b, lo, hi, NULL) == RK_CANCELLED && isnan(lo[0]) && isnan(hi[4]),
		  "fair bootstrap: cancelled, NaN out", 0, 0);
	rk_stop_hook = NULL;
}
