/*
 * test_bn.c
 *     Discrete Bayesian networks (bn.c): the checks, variable elimination
 *     against a brute-force enumeration of the joint (the ASIA network of
 *     Lauritzen and Spiegelhalter 1988 with its published marginals, and
 *     seeded random networks with evidence and interventions), the statuses,
 *     soft scenarios, the sensitivities against finite differences, and the
 *     counts and estimates of learning.  test_cancel.c stops inference and
 *     sensitivity at each checkpoint.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bn.h"
#include "unit.h"

/* ---- networks built by the tests -------------------------------------- */

#define TN_MAX 64				/* nodes */
#define TN_MAXC 4				/* states */

typedef struct tnet
{
	int			n;
	int			card[TN_MAX];
	int			par_off[TN_MAX + 1];
	int			par[TN_MAX * 4];
	int64_t		cpt_off[TN_MAX + 1];
	double	   *cpt;
	rk_bn		bn;
} tnet;

/* cpt_off from the cards and parents; a zeroed cpt; the rk_bn view. */
static void
tnet_finish(tnet *t)
{
	int			v,
				j;

	t->cpt_off[0] = 0;
	for (v = 0; v < t->n; v++)
	{
		int64_t		cells = t->card[v];

		for (j = t->par_off[v]; j < t->par_off[v + 1]; j++)
			cells *= t->card[t->par[j]];
		t->cpt_off[v + 1] = t->cpt_off[v] + cells;
	}
	t->cpt = calloc(t->cpt_off[t->n] + 1, sizeof(double));
	t->bn.n = t->n;
	t->bn.card = t->card;
	t->bn.par_off = t->par_off;
	t->bn.par = t->par;
	t->bn.cpt_off = t->cpt_off;
	t->bn.cpt = t->cpt;
}

static void
tnet_free(tnet *t)
{
	free(t->cpt);
	t->cpt = NULL;
}

/* A random row of c probabilities: sometimes with a 0, sometimes 0/1. */
static void
rand_row(double *p, int c)
{
	double		s = 0,
				r = urand();
	int			x;

	if (r < 0.05)
	{
		int			k = (int) (urand() * c);

		for (x = 0; x < c; x++)
			p[x] = x == k;
		return;
	}
	for (x = 0; x < c; x++)
	{
		p[x] = 0.05 + urand();
		if (r > 0.9 && x == 0)
			p[x] = 0;
		s += p[x];
	}
	for (x = 0; x < c; x++)
		p[x] /= s;
}

/*
 * A random network: nodes made in a topological order, each with up to
 * maxpar parents among the nodes made before (within the last window
 * ones, if window > 0), cards 2..maxcard, then the labels shuffled so that
 * a parent may have the larger index.
 */
static void
rand_net(tnet *t, int n, int maxpar, int maxcard, int window)
{
	int			perm[TN_MAX],
				inv[TN_MAX],
				npar[TN_MAX],
				pk[TN_MAX][4],
				k,
				i,
				j,
				v;
	int64_t		u;

	memset(t, 0, sizeof(*t));
	t->n = n;
	for (k = 0; k < n; k++)
		perm[k] = k;
	for (k = n - 1; k > 0; k--)
	{
		int			r = (int) (urand() * (k + 1)),
					tmp = perm[k];

		perm[k] = perm[r];
		perm[r] = tmp;
	}
	for (k = 0; k < n; k++)
		inv[perm[k]] = k;
	for (k = 0; k < n; k++)
	{
		int			want = (int) (urand() * (maxpar + 1)),
					lo = window > 0 && k > window ? k - window : 0;

		npar[k] = 0;
		for (i = 0; i < want && k - lo > npar[k]; i++)
		{
			int			p = lo + (int) (urand() * (k - lo)),
						dup = 0;

			for (j = 0; j < npar[k]; j++)
				dup |= pk[k][j] == p;
			if (!dup)
				pk[k][npar[k]++] = p;
		}
	}
	/* by label */
	t->par_off[0] = 0;
	for (v = 0; v < n; v++)
	{
		k = inv[v];
		t->card[v] = 2 + (int) (urand() * (maxcard - 1));
		t->par_off[v + 1] = t->par_off[v] + npar[k];
		for (j = 0; j < npar[k]; j++)
			t->par[t->par_off[v] + j] = perm[pk[k][j]];
	}
	tnet_finish(t);
	for (v = 0; v < n; v++)
		for (u = 0; u < (t->cpt_off[v + 1] - t->cpt_off[v]) / t->card[v]; u++)
			rand_row(t->cpt + t->cpt_off[v] + u * t->card[v], t->card[v]);
}

/* ASIA: asia, tub, smoke, lung, bronc, either, xray, dysp; state 0 = yes */
enum
{
	ASIA, TUB, SMOKE, LUNG, BRONC, EITHER, XRAY, DYSP
};

static void
asia_net(tnet *t)
{
	static const int par_off[9] = {0, 0, 1, 1, 2, 3, 5, 6, 8};
	static const int par[8] = {ASIA, SMOKE, SMOKE, TUB, LUNG, EITHER, BRONC, EITHER};
	static const double cpt[36] = {
		0.01, 0.99,				/* asia */
		0.05, 0.95, 0.01, 0.99, /* tub | asia */
		0.5, 0.5,				/* smoke */
		0.1, 0.9, 0.01, 0.99,	/* lung | smoke */
		0.6, 0.4, 0.3, 0.7,		/* bronc | smoke */
		1, 0, 1, 0, 1, 0, 0, 1, /* either | tub, lung: OR */
		0.98, 0.02, 0.05, 0.95, /* xray | either */
		0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.1, 0.9	/* dysp | bronc, either */
	};
	int			v;

	memset(t, 0, sizeof(*t));
	t->n = 8;
	for (v = 0; v < 8; v++)
		t->card[v] = 2;
	memcpy(t->par_off, par_off, sizeof(par_off));
	memcpy(t->par, par, sizeof(par));
	tnet_finish(t);
	memcpy(t->cpt, cpt, sizeof(cpt));
}

/*
 * Brute force: enumerate every joint state; the truncated factorization
 * for interventions (an intervened node's CPT is the point mass), the
 * evidence as a filter.  Returns P(e | do); marg[v * TN_MAXC + s] the
 * posterior marginals; pair[sa * card[b] + sb] the joint of a and b when
 * b >= 0.  All sums in double-double.
 */
static double
brute(const tnet *t, const int *ev, const int *iv, double *marg, int a, int b, double *pair)
{
	int			n = t->n,
				x[TN_MAX] = {0},
				v,
				j;
	ddacc		pe = {0, 0},
				m[TN_MAX * TN_MAXC],
				pr[TN_MAXC * TN_MAXC];
	double		z;

	memset(m, 0, sizeof(m));
	memset(pr, 0, sizeof(pr));
	for (;;)
	{
		double		w = 1;

		for (v = 0; v < n && w != 0; v++)
		{
			int64_t		u = 0;

			if (ev != NULL && ev[v] >= 0 && x[v] != ev[v])
				w = 0;
			else if (iv != NULL && iv[v] >= 0)
				w *= x[v] == iv[v];
			else
			{
				for (j = t->par_off[v]; j < t->par_off[v + 1]; j++)
					u = u * t->card[t->par[j]] + x[t->par[j]];
				w *= t->cpt[t->cpt_off[v] + u * t->card[v] + x[v]];
			}
		}
		if (w != 0)
		{
			dd_acc(&pe, w);
			for (v = 0; v < n; v++)
				dd_acc(&m[v * TN_MAXC + x[v]], w);
			if (b >= 0)
				dd_acc(&pr[x[a] * t->card[b] + x[b]], w);
		}
		for (v = 0; v < n; v++)
		{
			if (++x[v] < t->card[v])
				break;
			x[v] = 0;
		}
		if (v == n)
			break;
	}
	z = dd_val(&pe);
	for (v = 0; v < n * TN_MAXC; v++)
		marg[v] = z > 0 ? dd_val(&m[v]) / z : 0;
	if (b >= 0)
		for (v = 0; v < t->card[a] * t->card[b]; v++)
			pair[v] = z > 0 ? dd_val(&pr[v]) / z : 0;
	return z;
}

/* Every marginal and the joint of (a, b) by VE against brute force. */
static int
compare_all(const tnet *t, const int *ev, const int *iv, int a, int b, double tol, const char *what)
{
	double		marg[TN_MAX * TN_MAXC],
				pair[TN_MAXC * TN_MAXC],
				joint[TN_MAXC * TN_MAXC],
				pe,
				want_pe,
				worst = 0;
	int			v,
				s,
				ok = 1;
	rk_bn_query q = {ev, iv, 1, NULL, 0};
	char		msg[160];

	want_pe = brute(t, ev, iv, marg, a, b, pair);
	for (v = 0; v < t->n; v++)
	{
		q.targets = &v;
		if (rk_bn_infer(&t->bn, &q, joint, &pe, NULL) != RK_OK)
		{
			ok = 0;
			continue;
		}
		for (s = 0; s < t->card[v]; s++)
			if (fabs(joint[s] - marg[v * TN_MAXC + s]) > worst)
				worst = fabs(joint[s] - marg[v * TN_MAXC + s]);
		if (!(fabs(pe - want_pe) <= tol * want_pe))
			ok = 0;
	}
	if (b >= 0)
	{
		int			tg[2] = {a, b};

		q.targets = tg;
		q.ntargets = 2;
		if (rk_bn_infer(&t->bn, &q, joint, &pe, NULL) != RK_OK)
			ok = 0;
		else
			for (s = 0; s < t->card[a] * t->card[b]; s++)
				if (fabs(joint[s] - pair[s]) > worst)
					worst = fabs(joint[s] - pair[s]);
	}
	snprintf(msg, sizeof(msg), "%s: VE = brute force (largest difference)", what);
	check(ok && worst <= tol, msg, worst, 0);
	return ok && worst <= tol;
}

/* P(target = s | ev, do) by VE, NAN when not RK_OK. */
static double
post(const tnet *t, const int *ev, const int *iv, int target, int s)
{
	double		joint[TN_MAXC];
	rk_bn_query q = {ev, iv, 1, &target, 0};

	if (rk_bn_infer(&t->bn, &q, joint, NULL, NULL) != RK_OK)
		return NAN;
	return joint[s];
}

static void
no_evidence(int *e, int n)
{
	int			v;

	for (v = 0; v < n; v++)
		e[v] = -1;
}

/* ---- inference ---------------------------------------------------------- */

UNIT_TEST(test_bn_asia)
{
	tnet		t;
	int			ev[8],
				iv[8];

	asia_net(&t);
	check(rk_bn_check(&t.bn, 1e-12, NULL, NULL, NULL) == RK_OK, "asia passes the checks", 0, 0);
	/* the published marginals (bnlearn's asia; the first three exact) */
	check_close(post(&t, NULL, NULL, LUNG, 0), 0.055, 1e-14, "asia P(lung)");
	check_close(post(&t, NULL, NULL, EITHER, 0), 0.064828, 1e-14, "asia P(either)");
	check_close(post(&t, NULL, NULL, XRAY, 0), 0.11029004, 1e-14, "asia P(xray)");
	check_close(post(&t, NULL, NULL, DYSP, 0), 0.4359706, 1e-7, "asia P(dysp)");
	check_close(post(&t, NULL, NULL, TUB, 0), 0.0104, 1e-14, "asia P(tub)");
	check_close(post(&t, NULL, NULL, BRONC, 0), 0.45, 1e-14, "asia P(bronc)");

	no_evidence(ev, 8);
	no_evidence(iv, 8);
	compare_all(&t, ev, iv, LUNG, BRONC, 1e-12, "asia, no evidence");
	ev[XRAY] = 0;
	ev[DYSP] = 0;
	compare_all(&t, ev, iv, LUNG, TUB, 1e-12, "asia | xray, dysp");
	ev[ASIA] = 0;
	ev[SMOKE] = 1;
	compare_all(&t, ev, iv, EITHER, BRONC, 1e-12, "asia | asia, no smoke, xray, dysp");
	no_evidence(ev, 8);
	ev[EITHER] = 0;
	compare_all(&t, ev, iv, TUB, LUNG, 1e-12, "asia | either (explaining away)");
	/* explaining away: tub and lung are dependent given either */
	{
		double		j[4];
		int			tg[2] = {TUB, LUNG};
		rk_bn_query q = {ev, NULL, 2, tg, 0};

		rk_bn_infer(&t.bn, &q, j, NULL, NULL);
		check(fabs(j[0] - (j[0] + j[1]) * (j[0] + j[2])) > 1e-3, "asia: tub, lung dependent given either",
			  j[0], (j[0] + j[1]) * (j[0] + j[2]));
	}

	/* interventions */
	no_evidence(ev, 8);
	iv[DYSP] = 0;
	compare_all(&t, ev, iv, BRONC, DYSP, 1e-12, "asia do(dysp)");
	check(post(&t, NULL, iv, BRONC, 0) == post(&t, NULL, NULL, BRONC, 0),
		  "asia: P(bronc | do(dysp)) = P(bronc)", post(&t, NULL, iv, BRONC, 0), 0.45);
	ev[DYSP] = 0;
	check(fabs(post(&t, ev, NULL, BRONC, 0) - 0.45) > 0.1, "asia: P(bronc | dysp) differs",
		  post(&t, ev, NULL, BRONC, 0), 0.45);
	/* do(smoke) on a root is conditioning on it */
	no_evidence(ev, 8);
	no_evidence(iv, 8);
	iv[SMOKE] = 0;
	ev[SMOKE] = 0;
	check_close(post(&t, NULL, iv, DYSP, 0), post(&t, ev, NULL, DYSP, 0), 1e-15,
				"asia: P(dysp | do(smoke)) = P(dysp | smoke)");
	compare_all(&t, NULL, iv, DYSP, LUNG, 1e-12, "asia do(smoke)");
	/* do(bronc) is not conditioning: smoke -> lung -> either -> dysp */
	no_evidence(ev, 8);
	no_evidence(iv, 8);
	iv[BRONC] = 0;
	ev[BRONC] = 0;
	compare_all(&t, NULL, iv, DYSP, SMOKE, 1e-12, "asia do(bronc)");
	compare_all(&t, ev, NULL, DYSP, SMOKE, 1e-12, "asia | bronc");
	check(fabs(post(&t, NULL, iv, DYSP, 0) - post(&t, ev, NULL, DYSP, 0)) > 1e-4,
		  "asia: P(dysp | do(bronc)) differs from P(dysp | bronc) (back door via smoke)",
		  post(&t, NULL, iv, DYSP, 0), post(&t, ev, NULL, DYSP, 0));
	check(post(&t, NULL, iv, SMOKE, 0) == 0.5, "asia: P(smoke | do(bronc)) = P(smoke)",
		  post(&t, NULL, iv, SMOKE, 0), 0.5);
	/* evidence and intervention together, on different nodes */
	ev[BRONC] = -1;
	ev[XRAY] = 0;
	iv[LUNG] = 1;
	iv[BRONC] = -1;
	compare_all(&t, ev, iv, TUB, EITHER, 1e-12, "asia do(no lung) | xray");
	/* an intervened node observed in its own state, and as a target */
	ev[LUNG] = 1;
	compare_all(&t, ev, iv, LUNG, TUB, 1e-12, "asia do(no lung) | no lung, xray");
	check(post(&t, ev, iv, LUNG, 1) == 1, "asia: an intervened target is a point mass",
		  post(&t, ev, iv, LUNG, 1), 1);
	tnet_free(&t);
}

/* Seeded random networks against brute force: evidence, interventions. */
UNIT_TEST(test_bn_random)
{
	int			rep,
				fails = 0,
				queries = 0;

	for (rep = 0; rep < 40; rep++)
	{
		tnet		t;
		int			n = 6 + rep % 11,
					ev[TN_MAX],
					iv[TN_MAX],
					k,
					a,
					b;
		int64_t		states = 1;
		char		what[80];

		rand_net(&t, n, 3, rep % 3 == 0 ? 2 : 3, 0);
		for (k = 0; k < n; k++)
			states *= t.card[k];
		if (states > (1 << 16))
		{
			/* keep the enumeration small: binary nodes */
			tnet_free(&t);
			rand_net(&t, n, 3, 2, 0);
		}
		check(rk_bn_check(&t.bn, 1e-12, NULL, NULL, NULL) == RK_OK, "random network passes", rep, 0);
		for (k = 0; k < 3; k++)
		{
			int			j;

			no_evidence(ev, n);
			no_evidence(iv, n);
			for (j = 0; j < k + (rep & 1); j++)
			{
				int			v = (int) (urand() * n);

				ev[v] = (int) (urand() * t.card[v]);
			}
			for (j = 0; j < k - 1; j++)
			{
				int			v = (int) (urand() * n);

				iv[v] = (int) (urand() * t.card[v]);
				ev[v] = -1;
			}
			a = (int) (urand() * n);
			b = (a + 1 + (int) (urand() * (n - 1))) % n;
			{
				double		marg[TN_MAX * TN_MAXC],
							pair[TN_MAXC * TN_MAXC];

				if (brute(&t, ev, iv, marg, a, b, pair) == 0)
					continue;	/* impossible evidence: test_bn_status */
			}
			snprintf(what, sizeof(what), "random network %d (%d nodes), query %d", rep, n, k);
			fails += !compare_all(&t, ev, iv, a, b, 1e-12, what);
			queries++;
		}
		tnet_free(&t);
	}
	check(fails == 0 && queries >= 100, "random networks: queries compared", queries, 100);
}

/*
 * A 50-node network, no brute force of the whole: each marginal whose
 * ancestors are few is enumerated on its ancestral subnetwork (the other
 * nodes are barren), with evidence on a node whose ancestors are few too;
 * joints of two targets sum to their marginals; the chain rule holds.
 */
static void
ancestors(const tnet *t, int v, char *in)
{
	int			j;

	if (in[v])
		return;
	in[v] = 1;
	for (j = t->par_off[v]; j < t->par_off[v + 1]; j++)
		ancestors(t, t->par[j], in);
}

/* The subnetwork of the nodes in[] (closed under parents): map[old] = new. */
static void
subnet(const tnet *t, const char *in, tnet *s, int *map)
{
	int			v,
				j,
				k = 0;

	memset(s, 0, sizeof(*s));
	for (v = 0; v < t->n; v++)
		map[v] = in[v] ? k++ : -1;
	s->n = k;
	s->par_off[0] = 0;
	for (v = 0; v < t->n; v++)
		if (in[v])
		{
			int			nv = map[v];

			s->card[nv] = t->card[v];
			s->par_off[nv + 1] = s->par_off[nv];
			for (j = t->par_off[v]; j < t->par_off[v + 1]; j++)
				s->par[s->par_off[nv + 1]++] = map[t->par[j]];
		}
	tnet_finish(s);
	for (v = 0; v < t->n; v++)
		if (in[v])
			memcpy(s->cpt + s->cpt_off[map[v]], t->cpt + t->cpt_off[v],
				   sizeof(double) * (t->cpt_off[v + 1] - t->cpt_off[v]));
}

UNIT_TEST(test_bn_large)
{
	tnet		t;
	int			n = 50,
				v,
				w,
				tested = 0,
				ok = 1,
				ev[TN_MAX],
				sev[TN_MAX],
				map[TN_MAX];
	char		in[TN_MAX];
	double		worst = 0;

	rand_net(&t, n, 3, 3, 6);
	check(rk_bn_check(&t.bn, 1e-12, NULL, NULL, NULL) == RK_OK, "50 nodes pass", 0, 0);
	no_evidence(ev, n);
	for (v = 0; v < n; v++)
		for (w = -1; w < n; w += 7)
		{
			tnet		s;
			int64_t		states = 1;
			int			k,
						x;
			double		marg[TN_MAX * TN_MAXC],
						joint[TN_MAXC],
						pe,
						spe;
			rk_bn_query q = {ev, NULL, 1, &v, 0};

			memset(in, 0, sizeof(in));
			ancestors(&t, v, in);
			if (w >= 0)
				ancestors(&t, w, in);
			for (k = 0; k < n; k++)
				if (in[k])
					states *= t.card[k];
			if (states > 4096 || w == v)
				continue;
			subnet(&t, in, &s, map);
			no_evidence(sev, s.n);
			if (w >= 0)
			{
				ev[w] = v % t.card[w];
				sev[map[w]] = ev[w];
			}
			spe = brute(&s, sev, NULL, marg, 0, -1, NULL);
			if (spe > 0)
			{
				if (rk_bn_infer(&t.bn, &q, joint, &pe, NULL) != RK_OK || fabs(pe - spe) > 1e-12 * spe)
					ok = 0;
				for (x = 0; x < t.card[v]; x++)
					if (fabs(joint[x] - marg[map[v] * TN_MAXC + x]) > worst)
						worst = fabs(joint[x] - marg[map[v] * TN_MAXC + x]);
				tested++;
			}
			if (w >= 0)
				ev[w] = -1;
			tnet_free(&s);
		}
	check(ok && worst <= 1e-12 && tested >= 40, "50 nodes: VE = enumeration of the ancestors",
		  worst, tested);

	/* pairs sum to the marginals; P(a, b = s) = P(a | b = s) P(b = s) */
	worst = 0;
	ok = 1;
	no_evidence(ev, n);
	/* evidence that is possible: the likeliest state of 7, then of 31 */
	for (v = 7; v <= 31; v += 24)
	{
		double		j[TN_MAXC];
		int			x;
		rk_bn_query q = {ev, NULL, 1, &v, 0};

		rk_bn_infer(&t.bn, &q, j, NULL, NULL);
		for (x = 1, ev[v] = 0; x < t.card[v]; x++)
			if (j[x] > j[ev[v]])
				ev[v] = x;
	}
	for (v = 0; v < n; v += 3)
	{
		int			b = (v * 17 + 5) % n,
					tg[2] = {v, b},
					x,
					y;
		double		jab[TN_MAXC * TN_MAXC],
					ja[TN_MAXC],
					jb[TN_MAXC],
					pe;
		rk_bn_query q = {ev, NULL, 2, tg, 0};

		if (b == v || ev[v] >= 0 || ev[b] >= 0)
			continue;
		if (rk_bn_infer(&t.bn, &q, jab, &pe, NULL) != RK_OK)
		{
			ok = 0;
			continue;
		}
		q.ntargets = 1;
		rk_bn_infer(&t.bn, &q, ja, NULL, NULL);
		q.targets = &b;
		rk_bn_infer(&t.bn, &q, jb, NULL, NULL);
		for (x = 0; x < t.card[v]; x++)
		{
			double		s = 0;

			for (y = 0; y < t.card[b]; y++)
				s += jab[x * t.card[b] + y];
			worst = fmax(worst, fabs(s - ja[x]));
		}
		for (y = 0; y < t.card[b]; y++)
		{
			double		cond[TN_MAXC];

			ev[b] = y;
			q.targets = &v;
			rk_bn_infer(&t.bn, &q, cond, NULL, NULL);
			ev[b] = -1;
			for (x = 0; x < t.card[v]; x++)
				worst = fmax(worst, fabs(cond[x] * jb[y] - jab[x * t.card[b] + y]));
		}
	}
	check(ok && worst <= 1e-12, "50 nodes: pairs, marginals and the chain rule agree", worst, 0);
	tnet_free(&t);
}

/* ---- statuses and checks ---------------------------------------------- */

UNIT_TEST(test_bn_status)
{
	tnet		t;
	int			ev[8],
				iv[8],
				tg[2] = {XRAY, DYSP};
	double		joint[4] = {-7, -7, -7, -7},
				pe = -1;
	int64_t		largest = -1,
				need;
	rk_bn_query q = {NULL, NULL, 2, tg, 0};

	asia_net(&t);
	no_evidence(ev, 8);
	no_evidence(iv, 8);
	q.evidence = ev;
	q.intervene = iv;

	/* impossible evidence: tub but not either */
	ev[TUB] = 0;
	ev[EITHER] = 1;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, &largest) == RK_DEGENERATE && pe == 0 &&
		  joint[0] == -7 && joint[3] == -7, "P(e) = 0: DEGENERATE, joint untouched", pe, 0);
	/* an observation that contradicts an intervention */
	no_evidence(ev, 8);
	ev[SMOKE] = 0;
	iv[SMOKE] = 1;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_DEGENERATE && joint[0] == -7,
		  "observed against do(): DEGENERATE", 0, 0);
	iv[SMOKE] = -1;

	/* max_cells: the plan's largest table, before anything is built */
	q.max_cells = 0;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, &largest) == RK_OK && largest >= 4,
		  "no limit: OK with the plan's largest table", largest, 4);
	need = largest;
	q.max_cells = need - 1;
	joint[0] = -7;
	largest = -1;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, &largest) == RK_NOSPACE && largest == need &&
		  joint[0] == -7, "max_cells below the plan: NOSPACE, *largest the need", largest, need);
	q.max_cells = need;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, &largest) == RK_OK && largest == need,
		  "max_cells at the plan: OK", largest, need);
	q.max_cells = 0;

	/* no target: P(e) alone */
	q.ntargets = 0;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_OK && joint[0] == 1 &&
		  fabs(pe - 0.5) < 1e-15, "no target: joint 1, P(e) = P(smoke)", pe, 0.5);
	q.ntargets = 2;

	/* bad queries */
	ev[SMOKE] = 2;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_BADARG, "evidence state out of range", 0, 0);
	ev[SMOKE] = -2;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_BADARG, "evidence state -2", 0, 0);
	ev[SMOKE] = -1;
	iv[ASIA] = 5;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_BADARG, "intervention out of range", 0, 0);
	iv[ASIA] = -1;
	tg[1] = XRAY;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_BADARG, "repeated target", 0, 0);
	tg[1] = 8;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_BADARG, "target out of range", 0, 0);
	tg[1] = -1;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_BADARG, "target -1", 0, 0);
	tg[1] = DYSP;
	q.ntargets = -1;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_BADARG, "ntargets -1", 0, 0);
	q.ntargets = 9;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_BADARG, "ntargets > n", 0, 0);
	q.ntargets = 2;
	check(rk_bn_infer(&t.bn, &q, joint, &pe, NULL) == RK_OK, "the same query fixed", 0, 0);

	/* a tiny P(e): far below the smallest double, the posterior exact */
	{
		tnet		c;
		int			k,
					e[TN_MAX];
		double		j2[2],
					want;

		memset(&c, 0, sizeof(c));
		c.n = 60;
		for (k = 0; k < 60; k++)
		{
			c.card[k] = 2;
			c.par_off[k + 1] = c.par_off[k] + (k > 0);
			if (k > 0)
				c.par[k - 1] = k - 1;
		}
		/* node 0 uniform; the others copy their parent with prob 1e-6 off */
		c.n = 60;
		tnet_finish(&c);
		c.cpt[0] = c.cpt[1] = 0.5;
		for (k = 1; k < 60; k++)
		{
			double	   *p = c.cpt + c.cpt_off[k];

			p[0] = 1e-300;
			p[1] = 1 - 1e-300;
			p[2] = 1e-300;
			p[3] = 1 - 1e-300;
		}
		/* every node but 0 observed in its unlikely state 0 */
		for (k = 0; k < 60; k++)
			e[k] = k > 0 ? 0 : -1;
		k = 0;
		{
			rk_bn_query qq = {e, NULL, 1, &k, 0};
			rk_status	st = rk_bn_infer(&c.bn, &qq, j2, &pe, NULL);

			want = 0.5;
			check(st == RK_OK && fabs(j2[0] - want) < 1e-15 && pe == 0,
				  "P(e) = 1e-17700: posterior exact, P(e) underflows to 0", j2[0], want);
		}
		tnet_free(&c);
	}
	tnet_free(&t);
}

/* Does node v lie on a directed cycle? (Is v reachable from a parent?) */
static int
on_cycle(const tnet *t, int v)
{
	int			stack[TN_MAX],
				top = 0,
				j;
	char		seen[TN_MAX] = {0};

	for (j = t->par_off[v]; j < t->par_off[v + 1]; j++)
		stack[top++] = t->par[j];
	while (top > 0)
	{
		int			u = stack[--top];

		if (u == v)
			return 1;
		if (seen[u])
			continue;
		seen[u] = 1;
		for (j = t->par_off[u]; j < t->par_off[u + 1]; j++)
			stack[top++] = t->par[j];
	}
	return 0;
}

UNIT_TEST(test_bn_check)
{
	tnet		t;
	rk_bn_fault f;
	int			node,
				order[TN_MAX],
				pos[TN_MAX],
				v,
				j,
				ok;
	int64_t		row;
	double		keep;

	asia_net(&t);
	check(rk_bn_rows(&t.bn, DYSP) == 4 && rk_bn_rows(&t.bn, ASIA) == 1, "rows", 0, 0);
	/* order: parents first */
	check(rk_bn_order(&t.bn, order) == RK_OK, "asia order", 0, 0);
	for (v = 0; v < 8; v++)
		pos[order[v]] = v;
	ok = 1;
	for (v = 0; v < 8; v++)
		for (j = t.par_off[v]; j < t.par_off[v + 1]; j++)
			ok &= pos[t.par[j]] < pos[v];
	check(ok, "asia order puts parents first", 0, 0);

	/* values: a negative, NaN, above 1; a row that does not sum to 1 */
	keep = t.cpt[t.cpt_off[DYSP] + 2 * 2 + 1];
	t.cpt[t.cpt_off[DYSP] + 2 * 2 + 1] = -0.1;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_VALUE &&
		  node == DYSP && row == 2, "negative value: node and row", row, 2);
	t.cpt[t.cpt_off[DYSP] + 2 * 2 + 1] = NAN;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_VALUE &&
		  node == DYSP && row == 2, "NaN value", row, 2);
	t.cpt[t.cpt_off[DYSP] + 2 * 2 + 1] = 1.5;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_VALUE,
		  "value above 1", row, 2);
	t.cpt[t.cpt_off[DYSP] + 2 * 2 + 1] = 0.31;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SUM &&
		  node == DYSP && row == 2, "row sum 1.01: node and row", row, 2);
	check(rk_bn_check(&t.bn, 0.02, &f, &node, &row) == RK_OK && f == RK_BN_FINE && node == -1,
		  "row sum 1.01 within tol 0.02", row, -1);
	check(rk_bn_check(&t.bn, NAN, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == -1,
		  "tol NaN", 0, 0);
	t.cpt[t.cpt_off[DYSP] + 2 * 2 + 1] = keep;

	/* a cycle: either -> smoke closes smoke -> lung -> either */
	{
		tnet		c;

		memset(&c, 0, sizeof(c));
		c.n = 8;
		for (v = 0; v < 8; v++)
			c.card[v] = 2;
		for (v = 0; v < 8; v++)
		{
			c.par_off[v + 1] = c.par_off[v];
			for (j = t.par_off[v]; j < t.par_off[v + 1]; j++)
				c.par[c.par_off[v + 1]++] = t.par[j];
			if (v == SMOKE)
				c.par[c.par_off[v + 1]++] = EITHER;
		}
		tnet_finish(&c);
		for (v = 0; v < c.cpt_off[8]; v += 2)
			c.cpt[v] = c.cpt[v + 1] = 0.5;
		check(rk_bn_check(&c.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_CYCLE &&
			  node >= 0 && on_cycle(&c, node), "cycle: the node lies on it", node, 0);
		check(rk_bn_order(&c.bn, order) == RK_BADARG, "order of a cycle", 0, 0);
		tnet_free(&c);
	}
	/* random cycles: the node reported always lies on one */
	ok = 1;
	for (v = 0; v < 30; v++)
	{
		tnet		c;
		int			k,
					a,
					b;

		rand_net(&c, 12, 2, 2, 0);
		/* add the edge a -> b where b is an ancestor of a (b != a) */
		a = (int) (urand() * 12);
		b = -1;
		for (k = 0; k < 12 && b < 0; k++)
		{
			char		in[TN_MAX] = {0};

			ancestors(&c, a, in);
			if (k != a && in[k] && c.par_off[k + 1] - c.par_off[k] < 4)
				b = k;
		}
		if (b < 0)
		{
			tnet_free(&c);
			continue;
		}
		/* give b the new parent a: shift the later parent lists */
		memmove(c.par + c.par_off[b + 1] + 1, c.par + c.par_off[b + 1],
				sizeof(int) * (c.par_off[12] - c.par_off[b + 1]));
		c.par[c.par_off[b + 1]] = a;
		for (k = b + 1; k <= 12; k++)
			c.par_off[k]++;
		free(c.cpt);
		tnet_finish(&c);
		for (k = 0; k < c.cpt_off[12]; k += 2)
			c.cpt[k] = c.cpt[k + 1] = 0.5;
		ok &= rk_bn_check(&c.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_CYCLE &&
			on_cycle(&c, node);
		tnet_free(&c);
	}
	check(ok, "random cycles: the node reported lies on a cycle", 0, 0);

	/* shapes */
	t.card[TUB] = 0;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == TUB,
		  "card 0", node, TUB);
	t.card[TUB] = 101;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == TUB,
		  "card 101", node, TUB);
	t.card[TUB] = 2;
	t.par[t.par_off[DYSP]] = 8;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == DYSP,
		  "parent out of range", node, DYSP);
	t.par[t.par_off[DYSP]] = DYSP;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == DYSP,
		  "own parent", node, DYSP);
	t.par[t.par_off[DYSP]] = EITHER;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == DYSP,
		  "a parent twice", node, DYSP);
	t.par[t.par_off[DYSP]] = BRONC;
	t.cpt_off[5]++;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == BRONC,
		  "cpt_off not matching", node, BRONC);
	t.cpt_off[5]--;
	t.bn.n = 0;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == -1,
		  "n = 0", node, -1);
	t.bn.n = 8;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_OK, "asia restored", 0, 0);
	tnet_free(&t);

	/* too many parents; one state is allowed */
	memset(&t, 0, sizeof(t));
	t.n = 22;
	for (v = 0; v < 22; v++)
		t.card[v] = 1;
	for (v = 0; v < 22; v++)
		t.par_off[v + 1] = t.par_off[v] + (v == 21 ? 21 : 0);
	for (v = 0; v < 21; v++)
		t.par[v] = v;
	tnet_finish(&t);
	for (v = 0; v < t.cpt_off[22]; v++)
		t.cpt[v] = 1;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_BADARG && f == RK_BN_SHAPE && node == 21,
		  "21 parents", node, 21);
	t.par_off[22] = 20;
	check(rk_bn_check(&t.bn, 1e-9, &f, &node, &row) == RK_OK, "20 parents, one state each", node, -1);
	tnet_free(&t);
}

/* ---- soft scenarios and sensitivity ------------------------------------ */

UNIT_TEST(test_bn_scale)
{
	tnet		t;
	double	   *out;
	int64_t		i;
	int			ok = 1;

	asia_net(&t);
	out = malloc(sizeof(double) * 36);
	/* P(lung | smoke) x 3: 0.3 / 0.7, 0.03 / 0.97 */
	check(rk_bn_scale(&t.bn, LUNG, 0, 3.0, out) == RK_OK, "scale lung x3", 0, 0);
	check_close(out[t.cpt_off[LUNG] + 0], 0.3, 1e-15, "scaled P(lung | smoke)");
	check_close(out[t.cpt_off[LUNG] + 1], 0.7, 1e-15, "scaled P(no lung | smoke)");
	check_close(out[t.cpt_off[LUNG] + 2], 0.03, 1e-15, "scaled P(lung | no smoke)");
	check_close(out[t.cpt_off[LUNG] + 3], 0.97, 1e-15, "scaled P(no lung | no smoke)");
	for (i = 0; i < 36; i++)
		if ((i < t.cpt_off[LUNG] || i >= t.cpt_off[LUNG + 1]) && out[i] != t.cpt[i])
			ok = 0;
	check(ok, "scale leaves the other nodes", 0, 0);
	/* either's rows are 0/1: "yes" x 0.5 on the (no, no) row stays 0;
	 * "no" x 0.5 on rows with P(no) = 0 stays; (no, no): 0.5 / 0.5 */
	check(rk_bn_scale(&t.bn, EITHER, 1, 0.5, out) == RK_OK, "scale either=no x0.5", 0, 0);
	check(out[t.cpt_off[EITHER] + 6] == 0.5 && out[t.cpt_off[EITHER] + 7] == 0.5 &&
		  out[t.cpt_off[EITHER] + 0] == 1 && out[t.cpt_off[EITHER] + 1] == 0,
		  "scale a deterministic row", out[t.cpt_off[EITHER] + 6], 0.5);
	/* a three-state node whose other states are all 0: equal shares */
	{
		tnet		c;

		memset(&c, 0, sizeof(c));
		c.n = 1;
		c.card[0] = 3;
		tnet_finish(&c);
		c.cpt[0] = 0;
		c.cpt[1] = 1;
		c.cpt[2] = 0;
		check(rk_bn_scale(&c.bn, 0, 1, 0.4, out) == RK_OK && out[0] == 0.3 && out[1] == 0.4 &&
			  out[2] == 0.3, "equal shares when the others are 0", out[0], 0.3);
		check(rk_bn_scale(&c.bn, 0, 0, 0.4, out) == RK_OK && out[0] == 0 && out[1] == 1,
			  "scaling a 0 keeps the row", out[0], 0);
		tnet_free(&c);
	}
	/* rows still sum to 1 */
	check(rk_bn_scale(&t.bn, DYSP, 0, 1.1, out) == RK_OK, "scale dysp x1.1", 0, 0);
	{
		rk_bn		b = t.bn;

		b.cpt = out;
		check(rk_bn_check(&b, 1e-15, NULL, NULL, NULL) == RK_OK, "scaled rows sum to 1", 0, 0);
	}
	/* refusals leave cpt_out untouched */
	out[0] = -3;
	check(rk_bn_scale(&t.bn, DYSP, 0, 1.2, out) == RK_BADARG && out[0] == -3,
		  "0.9 x 1.2 > 1: BADARG, untouched", 0, 0);
	check(rk_bn_scale(&t.bn, DYSP, 0, -1, out) == RK_BADARG, "negative factor", 0, 0);
	check(rk_bn_scale(&t.bn, DYSP, 0, NAN, out) == RK_BADARG, "NaN factor", 0, 0);
	check(rk_bn_scale(&t.bn, DYSP, 0, INFINITY, out) == RK_BADARG, "infinite factor", 0, 0);
	check(rk_bn_scale(&t.bn, DYSP, 2, 1, out) == RK_BADARG, "state out of range", 0, 0);
	check(rk_bn_scale(&t.bn, 8, 0, 1, out) == RK_BADARG, "node out of range", 0, 0);
	check(rk_bn_scale(&t.bn, EITHER, 0, 1.0, out) == RK_OK, "factor 1 on a 1", 0, 0);
	free(out);
	tnet_free(&t);
}

/*
 * P(t | e, do) after moving theta = P(v = x | u) to nt, the other states of
 * the row in proportion (equally when they are all 0): the path along
 * which rk_bn_sensitivity differentiates.
 */
static double
moved(tnet *t, const rk_bn_query *q, int s, int v, int64_t u, int x, double nt)
{
	int			c = t->card[v],
				y;
	double	   *p = t->cpt + t->cpt_off[v] + u * c,
				keep[TN_MAXC],
				others = 0,
				joint[TN_MAXC],
				r;

	memcpy(keep, p, sizeof(double) * c);
	for (y = 0; y < c; y++)
		if (y != x)
			others += p[y];
	for (y = 0; y < c; y++)
		if (y != x)
			p[y] = others > 0 ? p[y] * (1 - nt) / others : (1 - nt) / (c - 1);
	p[x] = nt;
	r = rk_bn_infer(&t->bn, q, joint, NULL, NULL) == RK_OK ? joint[s] : NAN;
	memcpy(p, keep, sizeof(double) * c);
	return r;
}

/* Every co-varied derivative against finite differences (Richardson). */
static int
sens_vs_fd(tnet *t, const rk_bn_query *q, int s, double *worst, int *nonzero, int *zeros_ok)
{
	double	   *d = malloc(sizeof(double) * t->cpt_off[t->n]);
	int			v,
				x;
	int64_t		u;

	*worst = 0;
	*nonzero = 0;
	*zeros_ok = 1;
	if (rk_bn_sensitivity(&t->bn, q, s, d) != RK_OK)
	{
		free(d);
		return 0;
	}
	for (v = 0; v < t->n; v++)
	{
		int			c = t->card[v];

		for (u = 0; u < (t->cpt_off[v + 1] - t->cpt_off[v]) / c; u++)
			for (x = 0; x < c; x++)
			{
				double		th = t->cpt[t->cpt_off[v] + u * c + x],
							got = d[t->cpt_off[v] + u * c + x],
							h = 1e-4,
							fd,
							err;

				if (th >= 2 * h && th <= 1 - 2 * h)
				{
					double		d1 = (moved(t, q, s, v, u, x, th + h) - moved(t, q, s, v, u, x, th - h)) / (2 * h),
								d2 = (moved(t, q, s, v, u, x, th + h / 2) -
									  moved(t, q, s, v, u, x, th - h / 2)) / h;

					fd = (4 * d2 - d1) / 3;
				}
				else
				{
					/* one-sided, second order, into the interval */
					double		sg = th < 0.5 ? 1 : -1,
								f0 = moved(t, q, s, v, u, x, th),
								hh = 1e-6;

					fd = sg * (-3 * f0 + 4 * moved(t, q, s, v, u, x, th + sg * hh) -
							   moved(t, q, s, v, u, x, th + 2 * sg * hh)) / (2 * hh);
				}
				err = fabs(got - fd) / (fabs(fd) + 1e-3);
				if (!(err <= *worst))
					*worst = err;
				if (got != 0)
					(*nonzero)++;
				else if (fabs(fd) > 1e-9)
					*zeros_ok = 0;
			}
	}
	free(d);
	return 1;
}

UNIT_TEST(test_bn_sensitivity)
{
	tnet		t;
	int			ev[TN_MAX],
				iv[TN_MAX],
				target = LUNG,
				nonzero,
				zeros_ok,
				rep,
				ok;
	double		worst,
				all_worst = 0;
	double	   *d;
	rk_bn_query q = {NULL, NULL, 1, &target, 0};

	asia_net(&t);
	d = malloc(sizeof(double) * 36);
	no_evidence(ev, 8);
	no_evidence(iv, 8);
	q.evidence = ev;
	q.intervene = iv;
	ev[XRAY] = 0;
	ev[DYSP] = 0;
	ok = sens_vs_fd(&t, &q, 0, &worst, &nonzero, &zeros_ok);
	check(ok && worst < 1e-6 && zeros_ok && nonzero >= 20,
		  "asia d P(lung | xray, dysp): finite differences", worst, nonzero);
	/* P(bronc): only smoke and bronc matter, exactly 0 elsewhere */
	no_evidence(ev, 8);
	target = BRONC;
	ok = rk_bn_sensitivity(&t.bn, &q, 0, d) == RK_OK;
	{
		int64_t		i;

		for (i = 0; i < 36; i++)
			if ((i >= t.cpt_off[SMOKE] && i < t.cpt_off[SMOKE + 1]) ||
				(i >= t.cpt_off[BRONC] && i < t.cpt_off[BRONC + 1]))
				ok &= d[i] != 0;
			else
				ok &= d[i] == 0;
		/* P(bronc) = P(bronc | smoke) P(smoke) + P(bronc | no smoke)
		 * P(no smoke): d / dP(bronc | smoke) = P(smoke) = 0.5, and raising
		 * P(no bronc | smoke) lowers P(bronc | smoke) as much: -0.5;
		 * d / dP(smoke) = 0.6 - 0.3 */
		ok &= fabs(d[t.cpt_off[BRONC]] - 0.5) < 1e-15;
		ok &= fabs(d[t.cpt_off[BRONC] + 1] + 0.5) < 1e-15;
		ok &= fabs(d[t.cpt_off[BRONC] + 2] - 0.5) < 1e-15;
		ok &= fabs(d[t.cpt_off[BRONC] + 3] + 0.5) < 1e-15;
		ok &= fabs(d[t.cpt_off[SMOKE]] - (0.6 - 0.3)) < 1e-15;
		ok &= fabs(d[t.cpt_off[SMOKE] + 1] + (0.6 - 0.3)) < 1e-15;
	}
	check(ok, "asia d P(bronc): smoke and bronc only, the values", d[t.cpt_off[BRONC]], 0.5);
	/* do(smoke): smoke's parameters do not matter; the others' do */
	iv[SMOKE] = 0;
	ev[XRAY] = 0;
	target = LUNG;
	ok = sens_vs_fd(&t, &q, 0, &worst, &nonzero, &zeros_ok);
	ok &= rk_bn_sensitivity(&t.bn, &q, 0, d) == RK_OK &&
		d[t.cpt_off[SMOKE]] == 0 && d[t.cpt_off[SMOKE] + 1] == 0;
	check(ok && worst < 1e-6 && zeros_ok, "asia do(smoke) | xray: finite differences, smoke 0",
		  worst, 0);
	/* an observed target: all 0 */
	ev[LUNG] = 0;
	ok = rk_bn_sensitivity(&t.bn, &q, 0, d) == RK_OK;
	{
		int			i;

		for (i = 0; i < 36; i++)
			ok &= d[i] == 0;
	}
	check(ok, "observed target: every derivative 0", 0, 0);
	/* statuses */
	ev[LUNG] = -1;
	iv[SMOKE] = -1;
	check(rk_bn_sensitivity(&t.bn, &q, 2, d) == RK_BADARG, "sensitivity: state out of range", 0, 0);
	q.ntargets = 2;
	check(rk_bn_sensitivity(&t.bn, &q, 0, d) == RK_BADARG, "sensitivity: two targets", 0, 0);
	q.ntargets = 1;
	ev[TUB] = 0;
	ev[EITHER] = 1;
	check(rk_bn_sensitivity(&t.bn, &q, 0, d) == RK_DEGENERATE, "sensitivity: P(e) = 0", 0, 0);
	ev[TUB] = ev[EITHER] = -1;
	q.max_cells = 2;
	check(rk_bn_sensitivity(&t.bn, &q, 0, d) == RK_NOSPACE, "sensitivity: max_cells", 0, 0);
	q.max_cells = 0;
	free(d);
	tnet_free(&t);

	/* random networks, evidence and an intervention */
	ok = 1;
	for (rep = 0; rep < 12; rep++)
	{
		int			n = 5 + rep % 5,
					k;

		rand_net(&t, n, 3, 3, 0);
		no_evidence(ev, n);
		no_evidence(iv, n);
		target = (int) (urand() * n);
		for (k = 0; k < 1 + rep % 3; k++)
		{
			int			v = (int) (urand() * n);

			if (v != target)
				ev[v] = (int) (urand() * t.card[v]);
		}
		if (rep % 4 == 3)
		{
			int			v = (int) (urand() * n);

			if (v != target)
			{
				iv[v] = 0;
				ev[v] = -1;
			}
		}
		q.evidence = ev;
		q.intervene = iv;
		{
			double		j[TN_MAXC],
						pe;

			if (rk_bn_infer(&t.bn, &q, j, &pe, NULL) != RK_OK || pe < 1e-3)
			{
				tnet_free(&t);
				continue;
			}
		}
		if (!sens_vs_fd(&t, &q, (int) (urand() * t.card[target]), &worst, &nonzero, &zeros_ok) ||
			!zeros_ok)
			ok = 0;
		all_worst = fmax(all_worst, worst);
		tnet_free(&t);
	}
	check(ok && all_worst < 1e-6, "random networks: sensitivities = finite differences", all_worst, 0);
}

/* ---- learning ----------------------------------------------------------- */

UNIT_TEST(test_bn_learn)
{
	/* a -> c <- b; a 2 states, b 3, c 2 */
	tnet		t;
	double		counts[2 + 3 + 12],
				est[2 + 3 + 12],
				prior[2 + 3 + 12];
	int			x[3],
				i;

	memset(&t, 0, sizeof(t));
	t.n = 3;
	t.card[0] = 2;
	t.card[1] = 3;
	t.card[2] = 2;
	t.par_off[3] = 2;
	t.par[0] = 0;
	t.par[1] = 1;
	tnet_finish(&t);
	memset(counts, 0, sizeof(counts));

	/* (a, b, c): (0, 2, 1) x2, (1, 0, 0), (0, -1, 1), (-1, 1, 0) with weight 3 */
	x[0] = 0;
	x[1] = 2;
	x[2] = 1;
	check(rk_bn_count(&t.bn, x, 1, counts) == RK_OK, "count", 0, 0);
	rk_bn_count(&t.bn, x, 1, counts);
	x[0] = 1;
	x[1] = 0;
	x[2] = 0;
	rk_bn_count(&t.bn, x, 1, counts);
	x[0] = 0;
	x[1] = -1;
	x[2] = 1;
	rk_bn_count(&t.bn, x, 1, counts);
	x[0] = -1;
	x[1] = 1;
	x[2] = 0;
	rk_bn_count(&t.bn, x, 3, counts);
	{
		/* a: 3 zeros, 1 one; b: state 2 x2, 0 x1, 1 x3; c | (a, b) only the
		 * complete events: (0, 2) -> c = 1 twice, (1, 0) -> c = 0 once */
		static const double want[17] = {3, 1, 1, 3, 2,
			0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0};
		int			ok = 1;

		for (i = 0; i < 17; i++)
			ok &= counts[i] == want[i];
		check(ok, "counts: missing values skip only their families", 0, 0);
	}
	x[1] = 3;
	counts[0] = 99;
	check(rk_bn_count(&t.bn, x, 1, counts) == RK_BADARG && counts[0] == 99, "count: state out of range",
		  0, 0);
	x[1] = -2;
	check(rk_bn_count(&t.bn, x, 1, counts) == RK_BADARG, "count: state -2", 0, 0);
	x[1] = 0;
	check(rk_bn_count(&t.bn, x, NAN, counts) == RK_BADARG, "count: NaN weight", 0, 0);
	counts[0] = 3;

	/* ML: a 3/4 1/4; b 1/6 3/6 2/6; c | (0,2) = (0, 1), c | (1,0) = (1, 0);
	 * rows without counts uniform */
	check(rk_bn_estimate(&t.bn, counts, RK_BN_ML, 0, NULL, est) == RK_OK, "ML", 0, 0);
	check(est[0] == 0.75 && est[1] == 0.25 && est[2] == 1.0 / 6 && est[3] == 0.5 && est[4] == 2.0 / 6 &&
		  est[5 + 2 * 2] == 0 && est[5 + 2 * 2 + 1] == 1 && est[5 + 3 * 2] == 1 && est[5] == 0.5,
		  "ML values", est[2], 1.0 / 6);
	/* K2: +1 per cell: a 4/6 2/6; c | (0, 2): 1/4 3/4 */
	rk_bn_estimate(&t.bn, counts, RK_BN_K2, 0, NULL, est);
	check_close(est[0], 4.0 / 6, 1e-15, "K2 a");
	check_close(est[5 + 2 * 2 + 1], 3.0 / 4, 1e-15, "K2 c | a=0, b=2");
	check_close(est[5], 0.5, 1e-15, "K2 empty row uniform");
	/* BDeu ess 6: a alpha 3 (1 row x 2): (3+3)/(4+6) = 0.6; b alpha 2:
	 * (1+2)/(6+6) = 0.25; c alpha 6/12 = 0.5: (2+0.5)/(2+1) = 5/6 */
	rk_bn_estimate(&t.bn, counts, RK_BN_BDEU, 6, NULL, est);
	check_close(est[0], 0.6, 1e-15, "BDeu a");
	check_close(est[2], 0.25, 1e-15, "BDeu b");
	check_close(est[5 + 2 * 2 + 1], 5.0 / 6, 1e-15, "BDeu c | a=0, b=2");
	/* prior: pseudo-counts 1, 0, ... on a; 0 elsewhere but b's state 1 */
	memset(prior, 0, sizeof(prior));
	prior[0] = 1;
	prior[3] = 6;
	rk_bn_estimate(&t.bn, counts, RK_BN_PRIOR, 0, prior, est);
	check_close(est[0], 4.0 / 5, 1e-15, "prior a");
	check_close(est[3], 9.0 / 12, 1e-15, "prior b");
	check_close(est[5], 0.5, 1e-15, "prior: row total 0 uniform");
	{
		rk_bn		b = t.bn;

		b.cpt = est;
		check(rk_bn_check(&b, 1e-15, NULL, NULL, NULL) == RK_OK, "estimates pass the checks", 0, 0);
	}
	/* refusals */
	est[0] = -5;
	check(rk_bn_estimate(&t.bn, counts, RK_BN_BDEU, 0, NULL, est) == RK_BADARG && est[0] == -5,
		  "BDeu ess 0", 0, 0);
	check(rk_bn_estimate(&t.bn, counts, RK_BN_BDEU, NAN, NULL, est) == RK_BADARG, "BDeu ess NaN", 0, 0);
	check(rk_bn_estimate(&t.bn, counts, RK_BN_PRIOR, 0, NULL, est) == RK_BADARG, "no prior", 0, 0);
	check(rk_bn_estimate(&t.bn, counts, (rk_bn_estimator) 7, 0, NULL, est) == RK_BADARG,
		  "unknown estimator", 0, 0);
	prior[4] = -1;
	check(rk_bn_estimate(&t.bn, counts, RK_BN_PRIOR, 0, prior, est) == RK_BADARG, "negative prior", 0, 0);
	counts[4] = -1;
	check(rk_bn_estimate(&t.bn, counts, RK_BN_ML, 0, NULL, est) == RK_BADARG && est[0] == -5,
		  "negative count", 0, 0);
	counts[4] = INFINITY;
	check(rk_bn_estimate(&t.bn, counts, RK_BN_ML, 0, NULL, est) == RK_BADARG, "infinite count", 0, 0);
	/* huge counts keep their ratios */
	counts[2] = counts[3] = counts[4] = 1e308;
	check(rk_bn_estimate(&t.bn, counts, RK_BN_ML, 0, NULL, est) == RK_OK &&
		  fabs(est[2] - 1.0 / 3) < 1e-15, "counts near DBL_MAX", est[2], 1.0 / 3);
	tnet_free(&t);

	/* the counts of two halves add up to the counts of all, exactly */
	{
		tnet		r;
		double	   *all,
				   *h1,
				   *h2;
		int			e,
					v,
					ok = 1,
					ev[TN_MAX];
		int64_t		ncell;

		rand_net(&r, 12, 3, 3, 0);
		ncell = r.cpt_off[12];
		all = calloc(ncell, sizeof(double));
		h1 = calloc(ncell, sizeof(double));
		h2 = calloc(ncell, sizeof(double));
		for (e = 0; e < 1000; e++)
		{
			double		wgt = 1 + (e % 4);

			for (v = 0; v < 12; v++)
				ev[v] = urand() < 0.1 ? -1 : (int) (urand() * r.card[v]);
			rk_bn_count(&r.bn, ev, wgt, all);
			rk_bn_count(&r.bn, ev, wgt, e < 500 ? h1 : h2);
		}
		for (e = 0; e < ncell; e++)
			ok &= h1[e] + h2[e] == all[e];
		check(ok, "counts of two halves added = counts of all", 0, 0);
		/* a negative weight takes events out again */
		for (e = 0; e < 20; e++)
		{
			for (v = 0; v < 12; v++)
				ev[v] = (int) (urand() * r.card[v]);
			rk_bn_count(&r.bn, ev, 2, h1);
			rk_bn_count(&r.bn, ev, -2, h1);
		}
		for (e = 0; e < ncell; e++)
			ok &= h1[e] + h2[e] == all[e];
		check(ok, "negative weights remove", 0, 0);
		free(all);
		free(h1);
		free(h2);
		tnet_free(&r);
	}
}

/* ---- structure ------------------------------------------------------- */

/*
 * The log marginal likelihood of one row of a family in the sequential
 * (Polya urn) form: the product over the events, in any order, of
 * (a_k + c_k) / (a_u + c), c the counts of the earlier events.  A second
 * formula against rk_bn_family_score's lnGamma differences.
 */
static double
polya_row(const double *n, int card, double a)
{
	double		lp = 0,
				seen = 0,
				c[TN_MAXC * 4] = {0};

	for (int x = 0; x < card; x++)
		for (int i = 0; i < (int) n[x]; i++)
		{
			lp += log((a + c[x]) / (a * card + seen));
			c[x]++;
			seen++;
		}
	return lp;
}

/* Brute force: a family's score with every count from the raw columns (complete events). */
static double
brute_local(const uint8_t *x, int64_t nrows, const int *card, int v, const uint8_t *adj, int n,
			rk_bn_score_kind kind, double ess)
{
	int			par[16],
				np = 0;
	int64_t		rows = 1;
	double	   *counts,
				s;

	for (int p = 0; p < n; p++)
		if (adj[p * n + v])
		{
			par[np++] = p;
			rows *= card[p];
		}
	counts = calloc(rows * card[v], sizeof(double));
	for (int64_t i = 0; i < nrows; i++)
	{
		int64_t		u = 0;
		int			k;

		for (k = 0; k < n && x[k * nrows + i] != RK_BN_MISSING; k++)
			;
		if (k < n)
			continue;			/* the search scores the complete events only */
		for (int j = 0; j < np; j++)
			u = u * card[par[j]] + x[par[j] * nrows + i];
		counts[u * card[v] + x[v * nrows + i]]++;
	}
	rk_bn_family_score(card[v], rows, counts, kind, ess, &s);
	free(counts);
	return s;
}

static double
brute_total(const uint8_t *x, int64_t nrows, const int *card, const uint8_t *adj, int n,
			rk_bn_score_kind kind, double ess)
{
	double		s = 0;

	for (int v = 0; v < n; v++)
		s += brute_local(x, nrows, card, v, adj, n, kind, ess);
	return s;
}

static int
brute_acyclic(const uint8_t *adj, int n)
{
	int			indeg[16] = {0},
				done = 0,
				changed = 1;
	char		gone[16] = {0};

	for (int u = 0; u < n; u++)
		for (int v = 0; v < n; v++)
			indeg[v] += adj[u * n + v];
	while (changed)
	{
		changed = 0;
		for (int v = 0; v < n; v++)
			if (!gone[v] && indeg[v] == 0)
			{
				gone[v] = 1;
				done++;
				changed = 1;
				for (int w = 0; w < n; w++)
					indeg[w] -= adj[v * n + w];
			}
	}
	return done == n;
}

/*
 * Is adj a local optimum: no single addition, deletion or reversal that
 * keeps it acyclic and within the lists and max_parents scores more than
 * tol above it (each neighbour rescored from scratch)?
 */
static int
brute_local_optimum(const uint8_t *x, int64_t nrows, const int *card, const uint8_t *adj, int n,
					const rk_bn_search *s, double score)
{
	double		tol = 1e-9 * fmax(1, fabs(score));
	uint8_t		g[256];

	for (int u = 0; u < n; u++)
		for (int v = 0; v < n; v++)
		{
			for (int op = 0; op < 3 && u != v; op++)
			{
				int			np = 0;

				memcpy(g, adj, n * n);
				if (op == 0 && !adj[u * n + v] && !adj[v * n + u])
					g[u * n + v] = 1;	/* add */
				else if (op == 1 && adj[u * n + v])
					g[u * n + v] = 0;	/* delete */
				else if (op == 2 && adj[u * n + v])
				{
					g[u * n + v] = 0;	/* reverse */
					g[v * n + u] = 1;
				}
				else
					continue;
				if (!brute_acyclic(g, n))
					continue;
				for (int a = 0; a < n * n; a++)
					if ((s->white && s->white[a] && !g[a]) || (s->black && s->black[a] && g[a]))
						np = -1000;
				for (int w = 0; w < n && np >= 0; w++)
				{
					int			k = 0;

					for (int p = 0; p < n; p++)
						k += g[p * n + w];
					if (s->max_parents >= 0 && k > s->max_parents && k > 0)
					{
						/* only a node the move gave a parent is refused */
						int			k0 = 0;

						for (int p = 0; p < n; p++)
							k0 += adj[p * n + w];
						if (k > k0)
							np = -1000;
					}
				}
				if (np < 0)
					continue;
				if (brute_total(x, nrows, card, g, n, s->score, s->ess) > score + tol)
					return 0;
			}
		}
	return 1;
}

UNIT_TEST(test_bn_structure)
{
	enum {N = 6, ROWS = 4000};
	static uint8_t x[N * ROWS];
	int			card[N] = {2, 3, 2, 2, 4, 2};
	uint8_t		adj[N * N],
				white[N * N],
				black[N * N];
	double		score;
	int			it;
	rk_bn_data	d = {N, card, ROWS, x};
	rk_bn_search s = {RK_BN_SCORE_BIC, 1, -1, NULL, NULL, 0, 1000000};

	/* family scores: BDeu and K2 against the Polya-urn product, BIC by hand */
	{
		double		n[6] = {3, 1, 0, 0, 4, 2},	/* 2 parent rows x 3 states */
					f,
					want;

		rk_bn_family_score(3, 2, n, RK_BN_SCORE_K2, 0, &f);
		want = polya_row(n, 3, 1) + polya_row(n + 3, 3, 1);
		check_close(f, want, 1e-13, "K2 = the Polya-urn product");
		rk_bn_family_score(3, 2, n, RK_BN_SCORE_BDEU, 3, &f);
		want = polya_row(n, 3, 0.5) + polya_row(n + 3, 3, 0.5);
		check_close(f, want, 1e-13, "BDeu (ess 3: 1/2 per cell) = the Polya-urn product");
		rk_bn_family_score(3, 2, n, RK_BN_SCORE_BIC, 0, &f);
		want = 3 * log(3.0 / 4) + log(1.0 / 4) + 4 * log(4.0 / 6) + 2 * log(2.0 / 6)
			- 0.5 * log(10.0) * 2 * 2;
		check_close(f, want, 1e-14, "BIC by hand");
		memset(n, 0, sizeof(n));
		rk_bn_family_score(3, 2, n, RK_BN_SCORE_BIC, 0, &f);
		check(f == 0, "BIC of a family without events is 0", f, 0);
		n[0] = -1;
		check(rk_bn_family_score(3, 2, n, RK_BN_SCORE_BIC, 0, &f) == RK_BADARG,
			  "a negative count", 0, 0);
		n[0] = 1;
		check(rk_bn_family_score(3, 2, n, RK_BN_SCORE_BDEU, 0, &f) == RK_BADARG,
			  "BDeu without ess", 0, 0);
		check(rk_bn_family_score(3, 2, n, (rk_bn_score_kind) 7, 0, &f) == RK_BADARG,
			  "an unknown score", 0, 0);
	}

	/*
	 * Events from 0 -> 1 -> 2, 0 -> 3, 3 -> 4 <- 1, 5 independent; 2% of
	 * values missing.
	 */
	for (int i = 0; i < ROWS; i++)
	{
		int			a = urand() < 0.3,
					b = a ? (urand() < 0.7 ? 2 : (int) (urand() * 2)) : (int) (urand() * 3 * 0.999),
					c = urand() < (b == 2 ? 0.9 : 0.2),
					e = urand() < (a ? 0.8 : 0.1),
					f = (b + 2 * e + (urand() < 0.25)) % 4,
					g = urand() < 0.5;
		int			v[N] = {a, b, c, e, f, g};

		for (int k = 0; k < N; k++)
			x[k * ROWS + i] = urand() < 0.02 ? RK_BN_MISSING : (uint8_t) v[k];
	}
	for (int kind = 0; kind < 3; kind++)
	{
		char		what[96];

		s.score = (rk_bn_score_kind) kind;
		s.ess = 10;
		memset(adj, 0, sizeof(adj));
		check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_OK, "hill climbing", 0, 0);
		snprintf(what, sizeof(what), "score %d: the score is the graph's, from scratch", kind);
		check_close(score, brute_total(x, ROWS, card, adj, N, s.score, s.ess), 1e-12, what);
		snprintf(what, sizeof(what), "score %d: a local optimum (every neighbour rescored)", kind);
		check(brute_local_optimum(x, ROWS, card, adj, N, &s, score), what, kind, 0);
		snprintf(what, sizeof(what), "score %d: the skeleton has 0-1, 1-2, 0-3, 3-4, 1-4, nothing at 5", kind);
		check(adj[0 * N + 1] + adj[1 * N + 0] == 1 && adj[1 * N + 2] + adj[2 * N + 1] == 1
			  && adj[0 * N + 3] + adj[3 * N + 0] == 1 && adj[3 * N + 4] + adj[4 * N + 3] == 1
			  && adj[1 * N + 4] + adj[4 * N + 1] == 1
			  && adj[5 * N + 0] + adj[5 * N + 1] + adj[5 * N + 2] + adj[5 * N + 3] + adj[5 * N + 4] == 0
			  && adj[0 * N + 5] + adj[1 * N + 5] + adj[2 * N + 5] + adj[3 * N + 5] + adj[4 * N + 5] == 0,
			  what, it, 0);
	}
	/* the v-structure 3 -> 4 <- 1 is found in its direction with BIC */
	s.score = RK_BN_SCORE_BIC;
	memset(adj, 0, sizeof(adj));
	rk_bn_hill_climb(&d, &s, adj, &score, &it);
	check(adj[3 * N + 4] && adj[1 * N + 4], "BIC: the v-structure 3 -> 4 <- 1", 0, 0);

	/* lists and limits */
	memset(white, 0, sizeof(white));
	memset(black, 0, sizeof(black));
	black[0 * N + 1] = black[1 * N + 0] = 1;
	white[5 * N + 2] = 1;
	s.white = white;
	s.black = black;
	memset(adj, 0, sizeof(adj));
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_OK
		  && !adj[0 * N + 1] && !adj[1 * N + 0] && adj[5 * N + 2],
		  "the blacklist keeps 0-1 out, the whitelist keeps 5 -> 2 in", 0, 0);
	check(brute_local_optimum(x, ROWS, card, adj, N, &s, score),
		  "with the lists: a local optimum among the moves they allow", 0, 0);
	s.white = s.black = NULL;
	s.max_parents = 1;
	memset(adj, 0, sizeof(adj));
	rk_bn_hill_climb(&d, &s, adj, &score, &it);
	{
		int			most = 0;

		for (int v = 0; v < N; v++)
		{
			int			k = 0;

			for (int u = 0; u < N; u++)
				k += adj[u * N + v];
			most = k > most ? k : most;
		}
		check(most == 1 && brute_local_optimum(x, ROWS, card, adj, N, &s, score),
			  "max_parents 1: a forest, locally optimal", most, 1);
	}
	s.max_parents = 0;
	memset(adj, 0, sizeof(adj));
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_OK && it == 0,
		  "max_parents 0: the empty graph", it, 0);
	s.max_parents = -1;
	s.max_iterations = 2;
	memset(adj, 0, sizeof(adj));
	rk_bn_hill_climb(&d, &s, adj, &score, &it);
	check(it == 2, "max_iterations 2: two changes", it, 2);
	s.max_iterations = 0;
	/* max_cells: no family beyond 2 x 3 cells, so node 4 (4 states) stays a root */
	s.max_cells = 6;
	memset(adj, 0, sizeof(adj));
	rk_bn_hill_climb(&d, &s, adj, &score, &it);
	check(adj[0 * N + 4] + adj[1 * N + 4] + adj[2 * N + 4] + adj[3 * N + 4] + adj[5 * N + 4] == 0,
		  "max_cells: a family beyond it is not considered", 0, 0);
	s.max_cells = 1000000;

	/* refusals, adj untouched */
	memset(adj, 0, sizeof(adj));
	adj[0 * N + 1] = adj[1 * N + 2] = adj[2 * N + 0] = 1;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_BADARG && adj[2 * N + 0] == 1,
		  "a cyclic start", 0, 0);
	memset(adj, 0, sizeof(adj));
	adj[0 * N + 1] = 1;
	memset(black, 0, sizeof(black));
	black[0 * N + 1] = 1;
	s.black = black;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_BADARG, "a blacklisted start edge", 0, 0);
	memset(white, 0, sizeof(white));
	white[0 * N + 1] = 1;
	s.white = white;
	adj[0 * N + 1] = 0;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_BADARG, "an edge white and black", 0, 0);
	s.black = NULL;
	white[2 * N + 1] = 1;
	s.max_parents = 1;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_BADARG,
		  "a whitelist beyond max_parents", 0, 0);
	s.white = NULL;
	s.max_parents = -1;
	adj[0 * N + 0] = 1;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_BADARG, "a node its own parent", 0, 0);
	adj[0] = 0;
	card[2] = 0;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_BADARG, "a node without states", 0, 0);
	card[2] = 2;
	s.score = RK_BN_SCORE_BDEU;
	s.ess = 0;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_BADARG, "BDeu without ess", 0, 0);
	s.ess = 1;
	x[3 * ROWS + 7] = 2;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_BADARG, "a state out of range", 0, 0);
	d.nrows = 0;
	check(rk_bn_hill_climb(&d, &s, adj, &score, &it) == RK_OK && it == 0 && score == 0,
		  "no events: no change, score 0", score, 0);
}
