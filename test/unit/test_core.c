/*
 * test_core.c
 *     Unit tests of src/core, run without a server: `make unit`.
 *
 * Each check compares a core routine with a slow, obvious implementation
 * (sorting, two-pass double-double sums, direct weighted sums) on seeded
 * pseudo-random data, or with a published value.  Prints one line per
 * failure and closes with "unit: N passed, M failed".
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "core/backtest.h"
#include "core/core.h"
#include "core/evt.h"
#include "core/garch.h"
#include "core/market.h"
#include "core/oprisk.h"
#include "core/ostree.h"
#include "core/quantile.h"
#include "core/scorecard.h"
#include "core/sortedvec.h"
#include "core/validation.h"

static int	passed;
static int	failed;

static void
check(int ok, const char *what, double got, double want)
{
	if (ok)
		passed++;
	else
	{
		failed++;
		printf("FAIL %s: got %.17g want %.17g\n", what, got, want);
	}
}

static void
check_close(double got, double want, double tol, const char *what)
{
	double		scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;

	check(fabs(got - want) <= tol * scale || (got == want), what, got, want);
}

static uint64_t rng_state = 88172645463325252ULL;

static double
urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double) (rng_state >> 11) / 9007199254740992.0;
}

static double
nrand(void)
{
	double		u = urand(),
				v = urand();

	return sqrt(-2.0 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

/* Double-double accumulator for the references: (hi, lo) = hi + lo. */
typedef struct
{
	double		hi,
				lo;
} ddacc;

static void
dd_acc(ddacc *a, double x)
{
	double		s = a->hi + x;
	double		bb = s - a->hi;
	double		err = (a->hi - (s - bb)) + (x - bb);

	a->hi = s;
	a->lo += err;
}

static double
dd_val(const ddacc *a)
{
	return a->hi + a->lo;
}


/* Historical VaR/ES the obvious way: sort, interpolate, average the tail. */
static void
naive_hist(const double *x, int64_t n, double alpha, double *var, double *es)
{
	double	   *s = malloc(n * sizeof(double));
	int64_t		lo,
				hi,
				i,
				k = 0;
	double		h,
				q;
	ddacc		sum = {0, 0};

	memcpy(s, x, n * sizeof(double));
	qsort(s, n, sizeof(double), rk_cmp_double);
	rk_q7_position(n, alpha, &lo, &hi, &h);
	q = rk_q7_combine(s[lo], s[hi], h);
	for (i = 0; i < n; i++)
		if (s[i] < q)
		{
			dd_acc(&sum, s[i]);
			k++;
		}
	*var = -q;
	*es = k ? -(dd_val(&sum) / k) : -q;
	free(s);
}

static void
test_quantile(void)
{
	static const int64_t sizes[] = {1, 2, 3, 7, 10, 99, 100, 101, 250, 1000, 12345};
	static const double alphas[] = {0.01, 0.025, 0.05, 0.5, 0.99};
	size_t		si,
				ai;
	int			ties;

	for (ties = 0; ties < 2; ties++)
		for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
			for (ai = 0; ai < sizeof(alphas) / sizeof(alphas[0]); ai++)
			{
				int64_t		n = sizes[si],
							i;
				double	   *x = malloc(n * sizeof(double));
				double		v1,
							e1,
							v2,
							e2;
				char		what[80];

				for (i = 0; i < n; i++)
					x[i] = ties ? floor(nrand() * 3) / 100 : nrand() / 100;
				naive_hist(x, n, alphas[ai], &v2, &e2);
				check(rk_hist_var_es(x, n, alphas[ai], &v1, &e1) == RK_OK,
					  "hist status", 0, 0);
				snprintf(what, sizeof(what), "hist var n=%ld a=%g ties=%d", (long) n, alphas[ai], ties);
				check(v1 == v2, what, v1, v2);
				snprintf(what, sizeof(what), "hist es n=%ld a=%g ties=%d", (long) n, alphas[ai], ties);
				check_close(e1, e2, 1e-14, what);
				free(x);
			}

	/* R: quantile(c(0.01,-0.02,0.01,0.03,-0.05,0,0.01), 0.01) = -0.0482 */
	{
		double		x[] = {0.01, -0.02, 0.01, 0.03, -0.05, 0.0, 0.01};
		double		v,
					e;

		rk_hist_var_es(x, 7, 1.0 - 0.99, &v, &e);
		check_close(v, 0.0482, 1e-15, "hist var small");
		check_close(e, 0.05, 1e-15, "hist es small");
	}
	check(rk_hist_var_es(NULL, 0, 0.01, NULL, NULL) == RK_EMPTY, "hist empty", 0, 0);
}

/* Walk the tree: AVL balance, sizes, sums, order; returns the height. */
static int
tree_check(const rk_ostree *t, int32_t i, double lo, double hi, int *ok)
{
	const rk_osnode *n;
	int			hl,
				hr;
	int64_t		size;
	double		sum;

	if (i < 0)
		return 0;
	n = &t->nodes[i];
	hl = tree_check(t, n->left, lo, n->key, ok);
	hr = tree_check(t, n->right, n->key, hi, ok);
	size = (n->left >= 0 ? t->nodes[n->left].size : 0) + n->mult +
		(n->right >= 0 ? t->nodes[n->right].size : 0);
	sum = (n->left >= 0 ? t->nodes[n->left].sum : 0) + n->key * n->mult +
		(n->right >= 0 ? t->nodes[n->right].sum : 0);
	if (!(n->key > lo && n->key < hi) || abs(hl - hr) > 1 ||
		n->height != (hl > hr ? hl : hr) + 1 || n->size != size ||
		n->sum != sum || n->mult < 1)
		*ok = 0;
	return n->height;
}

static void
test_ostree(void)
{
	enum {W = 250, N = 20000};
	rk_osnode *nodes = malloc(sizeof(rk_osnode) * 4 * W);
	rk_ostree t;
	double	   *ring = malloc(sizeof(double) * N);
	int			i,
				ok = 1,
				exact = 1,
				esok = 1;

	rk_ostree_init(&t, nodes, 4 * W);
	for (i = 0; i < N; i++)
	{
		ring[i] = (i % 3 == 0) ? floor(nrand() * 5) : nrand();
		if (rk_ostree_insert(&t, ring[i]) != RK_OK)
			ok = 0;
		if (i >= W && rk_ostree_remove(&t, ring[i - W]) != RK_OK)
			ok = 0;
		if (i % 97 == 0)
		{
			int64_t		n = rk_ostree_count(&t);
			int			start = i >= W ? i - W + 1 : 0;
			double		v1,
						e1,
						v2,
						e2;

			tree_check(&t, t.root, -INFINITY, INFINITY, &ok);
			if (n != i - start + 1)
				ok = 0;
			naive_hist(ring + start, n, 0.05, &v2, &e2);
			rk_ostree_var_es(&t, 0.05, &v1, &e1);
			if (v1 != v2)
				exact = 0;
			if (fabs(e1 - e2) > 1e-13 * fabs(e2))
				esok = 0;
		}
	}
	check(ok, "ostree invariants", 0, 0);
	check(exact, "ostree var equals sorted window", 0, 0);
	check(esok, "ostree es equals sorted window", 0, 0);
	check(rk_ostree_remove(&t, 12345.0) == RK_NOTFOUND, "ostree remove absent", 0, 0);
	check(rk_ostree_insert(&t, NAN) == RK_BADARG, "ostree rejects NaN", 0, 0);
	/* fill to capacity, then one more must say NOSPACE and change nothing */
	{
		rk_osnode small[3];
		rk_ostree s;

		rk_ostree_init(&s, small, 3);
		rk_ostree_insert(&s, 1);
		rk_ostree_insert(&s, 2);
		rk_ostree_insert(&s, 3);
		check(rk_ostree_room(&s) == 0, "ostree room 0", 0, 0);
		check(rk_ostree_insert(&s, 4) == RK_NOSPACE, "ostree nospace", 0, 0);
		check(rk_ostree_insert(&s, 2) == RK_OK, "ostree dup needs no node", 0, 0);
		check(rk_ostree_count(&s) == 4, "ostree count after nospace", 0, 0);
		check(rk_ostree_min(&s) == 1 && rk_ostree_max(&s) == 3, "ostree min/max", 0, 0);
	}
	free(nodes);
	free(ring);
}

/* Sorted array against a sort of the same window, and the tree's export. */
static void
test_sortedvec(void)
{
	enum {W = 300, N = 5000};
	double	   *v = malloc(sizeof(double) * (W + 1));
	double	   *ring = malloc(sizeof(double) * N);
	double	   *out = malloc(sizeof(double) * W);
	rk_osnode *nodes = malloc(sizeof(rk_osnode) * 2 * W);
	rk_ostree t;
	int64_t		n = 0;
	int			i,
				ok = 1,
				sorted = 1,
				exported = 1;

	rk_ostree_init(&t, nodes, 2 * W);
	for (i = 0; i < N; i++)
	{
		ring[i] = (i % 4 == 0) ? floor(nrand() * 4) / 100 : nrand() / 100;
		rk_sv_insert(v, n, ring[i]);
		rk_ostree_insert(&t, ring[i]);
		n++;
		if (i >= W)
		{
			if (rk_sv_remove(v, n, ring[i - W]) != RK_OK)
				ok = 0;
			rk_ostree_remove(&t, ring[i - W]);
			n--;
		}
		if (i % 53 == 0)
		{
			int64_t		j,
						start = i >= W ? i - W + 1 : 0;
			double		v1,
						e1,
						v2,
						e2;

			for (j = 1; j < n; j++)
				if (v[j - 1] > v[j])
					sorted = 0;
			naive_hist(ring + start, n, 0.01, &v2, &e2);
			rk_sv_var_es(v, n, 0.01, &v1, &e1);
			if (v1 != v2 || fabs(e1 - e2) > 1e-15 * fabs(e2))
				ok = 0;
			rk_ostree_export(&t, out);
			if (memcmp(out, v, n * sizeof(double)) != 0)
				exported = 0;
		}
	}
	check(sorted, "sortedvec stays sorted", 0, 0);
	check(ok, "sortedvec var/es equal sorted window", 0, 0);
	check(exported, "ostree export equals sorted array", 0, 0);
	check(rk_sv_remove(v, n, 1234.5) == RK_NOTFOUND, "sortedvec remove absent", 0, 0);
	check(rk_sv_var_es(v, 0, 0.01, NULL, NULL) == RK_EMPTY, "sortedvec empty", 0, 0);
	free(v);
	free(ring);
	free(out);
	free(nodes);
}

/* Two-pass central moments with double-double sums. */
static void
naive_moments(const double *x, int n, rk_moments *m)
{
	ddacc		sum = {0, 0},
				c2 = {0, 0},
				c3 = {0, 0},
				c4 = {0, 0};
	ddacc		t = {0, 0};
	double		mean,
				corr;
	int			i;

	/*
	 * A double mean of values near 1e6 is off by up to half an ulp (6e-11),
	 * enough to move the skewness of a 1e-4 spread by 1e-6: take deviations
	 * from the mean plus its correction instead.
	 */
	for (i = 0; i < n; i++)
		dd_acc(&sum, x[i]);
	mean = dd_val(&sum) / n;
	for (i = 0; i < n; i++)
		dd_acc(&t, x[i] - mean);
	corr = dd_val(&t) / n;
	for (i = 0; i < n; i++)
	{
		double		d = (x[i] - mean) - corr;

		dd_acc(&c2, d * d);
		dd_acc(&c3, d * d * d);
		dd_acc(&c4, d * d * d * d);
	}
	m->n = n;
	m->mean = mean + corr;
	m->m2 = dd_val(&c2);
	m->m3 = dd_val(&c3);
	m->m4 = dd_val(&c4);
}

static void
test_moments(void)
{
	enum {N = 5000, W = 100};
	double	   *x = malloc(sizeof(double) * N);
	rk_moments a,
				b,
				all,
				ref;
	rk_msums	s;
	int			i,
				ok = 1,
				rebuilds = 0;

	for (i = 0; i < N; i++)
		x[i] = 0.0004 + 0.012 * nrand();
	rk_moments_init(&all);
	rk_moments_init(&a);
	rk_moments_init(&b);
	for (i = 0; i < N; i++)
	{
		rk_moments_add(&all, x[i]);
		rk_moments_add(i < 1234 ? &a : &b, x[i]);
	}
	naive_moments(x, N, &ref);
	check_close(all.mean, ref.mean, 1e-13, "moments mean");
	check_close(all.m2, ref.m2, 1e-13, "moments m2");
	check_close(all.m3, ref.m3, 1e-10, "moments m3");
	check_close(all.m4, ref.m4, 1e-12, "moments m4");
	rk_moments_merge(&a, &b);
	check_close(a.mean, ref.mean, 1e-13, "merge mean");
	check_close(a.m2, ref.m2, 1e-13, "merge m2");
	check_close(a.m3, ref.m3, 1e-10, "merge m3");
	check_close(a.m4, ref.m4, 1e-12, "merge m4");

	/*
	 * Sliding window over values near 1e6 with a tiny spread, and a spike of
	 * 1e9 that comes and goes: the window's moments must match a fresh
	 * two-pass computation after the spike has left.
	 */
	for (i = 0; i < N; i++)
		x[i] = 1e6 + 1e-4 * nrand() + (i == 700 ? 1e9 : 0);
	rk_msums_init(&s);
	for (i = 0; i < N; i++)
	{
		rk_msums_add(&s, x[i]);
		if (i >= W)
		{
			rk_msums_remove(&s, x[i - W]);
			if (rk_msums_degraded(&s))
			{
				rk_msums_rebuild(&s, x + i - W + 1, W, NULL, 0);
				rebuilds++;
			}
		}
		if (i >= W && i % 37 == 0 && (i < 700 || i >= 700 + W))
		{
			rk_moments m;
			double		sd1,
						sk1,
						ku1,
						sd2,
						sk2,
						ku2;

			rk_msums_moments(&s, &m);
			naive_moments(x + i - W + 1, W, &ref);
			rk_moments_stats(&m, &sd1, &sk1, &ku1);
			rk_moments_stats(&ref, &sd2, &sk2, &ku2);
			if (fabs(m.mean - ref.mean) > 1e-15 * ref.mean ||
				fabs(sd1 - sd2) > 1e-9 * sd2 ||
				fabs(sk1 - sk2) > 1e-7 || fabs(ku1 - ku2) > 1e-7)
			{
				ok = 0;
				printf("window at %d: sd %.17g vs %.17g skew %.17g vs %.17g\n",
					   i, sd1, sd2, sk1, sk2);
			}
		}
	}
	check(ok, "sliding moments stable around 1e6 after a 1e9 spike", 0, 0);
	/* the spike forces a rebuild when it leaves; quiet data never does */
	check(rebuilds >= 1 && rebuilds <= 3, "sliding moments rebuilds", rebuilds, 1);
	free(x);
}

static void
test_parametric(void)
{
	rk_moments m;
	double		v,
				e,
				sd,
				sk,
				ku;

	/* Gaussian VaR with mean 0, sigma 1: -qnorm(0.01) = 2.3263478740408408 */
	m.n = 4;
	m.mean = 0;
	m.m2 = 4;
	m.m3 = 0;
	m.m4 = 4;
	rk_var_gaussian(&m, 0.01, &v);
	check_close(v, 2.3263478740408408, 1e-15, "gaussian var");
	rk_es_gaussian(&m, 0.01, &e);
	check_close(e, 2.6652142203458063, 1e-14, "gaussian es");
	/* zero skew, excess kurtosis -2 (m4/n / (m2/n)^2 = 1) */
	rk_moments_stats(&m, &sd, &sk, &ku);
	check_close(ku, -2.0, 1e-15, "excess kurtosis");
	/* ES never below VaR for the modified measures */
	m.m3 = -20;
	m.m4 = 400;
	rk_var_modified(&m, 0.01, &v);
	rk_es_modified(&m, 0.01, &e);
	check(e >= v, "modified es >= var", e, v);
	m.n = 2;
	check(rk_var_modified(&m, 0.01, &v) == RK_TOO_FEW, "modified needs 3", 0, 0);
	/* an empty group has never seen a level: empty, not a bad argument */
	m.n = 0;
	check(rk_var_gaussian(&m, NAN, &v) == RK_EMPTY, "empty before level", 0, 0);
	check(rk_es_modified(&m, NAN, &v) == RK_EMPTY, "empty before level (modified)", 0, 0);
	m.n = 3;
	m.m2 = 0;
	check(rk_var_modified(&m, 0.01, &v) == RK_DEGENERATE, "modified zero var", 0, 0);
}

static void
test_ewma(void)
{
	enum {N = 600, W = 250};
	double		r[N];
	rk_ewma	e = {0, 0, 0};
	double		lambda = 0.94;
	int			i,
				ok = 1;

	for (i = 0; i < N; i++)
		r[i] = 0.01 * nrand();
	for (i = 0; i < N; i++)
	{
		rk_ewma_add(&e, lambda, r[i]);
		if (i >= W)
			rk_ewma_remove_oldest(&e, lambda, r[i - W]);
		if (i >= W)
		{
			long double s = 0,
						w = 0,
						wt = 1;
			int			j;
			double		sigma;

			for (j = i; j > i - W; j--)
			{
				s += wt * r[j] * r[j];
				w += wt;
				wt *= lambda;
			}
			rk_ewma_sigma(&e, &sigma);
			if (fabs(sigma - (double) sqrtl(s / w)) > 1e-13 * sigma)
				ok = 0;
		}
	}
	check(ok, "ewma sliding equals direct weighted sum", 0, 0);
	/* VaR and ES at 1%: SciPy, norm.ppf(0.01) = -2.3263478740408408 and
	 * norm.pdf(norm.ppf(0.01)) / 0.01 = 2.665214220345808 */
	{
		rk_ewma	u = {1, 4e-4, 1};	/* sigma 0.02 */
		double		var,
					es;

		check(rk_ewma_var_es(&u, 0.01, &var, &es) == RK_OK &&
			  fabs(var - 0.02 * 2.3263478740408408) < 1e-15 &&
			  fabs(es - 0.02 * 2.665214220345808) < 1e-15, "ewma VaR and ES at 1%", var, es);
		u.n = 0;
		check(rk_ewma_var_es(&u, 0.01, &var, &es) == RK_EMPTY, "ewma VaR of no rows", 0, 0);
	}
}

static void
test_backtests(void)
{
	double		lr,
				cp,
				plus;
	rk_zone	zone;
	int			defined,
				x;

	/* values quoted in the Kupiec literature for n = 250, p = 0.99 */
	rk_kupiec_lr(250, 4, 0.01, &lr);
	check(fabs(lr - 0.7691) < 5e-5, "kupiec 4 of 250", lr, 0.7691);
	rk_kupiec_lr(250, 10, 0.01, &lr);
	check(fabs(lr - 12.9555) < 5e-5, "kupiec 10 of 250", lr, 12.9555);
	rk_kupiec_lr(100, 1, 0.01, &lr);
	check(lr == 0, "kupiec at the expected rate", lr, 0);
	check(rk_kupiec_lr(10, 11, 0.01, &lr) == RK_BADARG, "kupiec x > n", 0, 0);
	check_close(rk_pchisq_upper(3.841458820694124, 1), 0.05, 1e-12, "chisq 1df 95%");
	check_close(rk_pchisq_upper(5.991464547107979, 2), 0.05, 1e-12, "chisq 2df 95%");

	/* Basel (1996): green 0-4, yellow 5-9 with plus factors, red 10+ */
	for (x = 0; x <= 15; x++)
	{
		static const double plus_want[] = {0, 0, 0, 0, 0, 0.40, 0.50, 0.65,
		0.75, 0.85, 1, 1, 1, 1, 1, 1};
		rk_zone	want = x <= 4 ? RK_ZONE_GREEN : (x <= 9 ? RK_ZONE_YELLOW : RK_ZONE_RED);

		rk_basel_zone(x, 250, 1.0 - 0.99, &zone, &cp, &plus, &defined);
		check(zone == want && defined && plus == plus_want[x], "basel table", x, plus);
	}
	rk_basel_zone(4, 250, 0.01, &zone, &cp, &plus, &defined);
	check_close(cp, 0.892187626903625, 1e-13, "basel cumprob at 4");
	rk_basel_zone(4, 500, 0.01, &zone, &cp, &plus, &defined);
	check(!defined, "plus factor only for 250 at 99%", 0, 0);

	check(rk_christoffersen_lr_ind(10, 0, 0, 0) == 0, "christoffersen no exceptions", 0, 0);
	check(rk_christoffersen_lr_ind(0, 0, 0, 10) == 0, "christoffersen all exceptions", 0, 0);
	check(rk_christoffersen_lr_ind(80, 10, 10, 0) > 0, "christoffersen positive", 0, 0);
	check(rk_xlogy(0, 0) == 0, "0 log 0", 0, 0);
}

static void
test_evt(void)
{
	static const double xis[] = {-0.7, -0.2, -1e-9, 0.0, 1e-9, 0.3, 1.2};
	size_t		i;
	int			ok = 1,
				okq = 1;
	enum {K = 400};
	double		y[K];
	rk_gpd_fit fit,
				pw;

	/* quantile and cdf invert each other, continuously through xi = 0 */
	for (i = 0; i < sizeof(xis) / sizeof(xis[0]); i++)
	{
		double		p;

		for (p = 0.01; p < 1; p += 0.07)
		{
			double		q = rk_gpd_quantile(p, xis[i], 2.0);
			double		g = rk_gev_quantile(p, xis[i], 1.0, 3.0);

			if (fabs(rk_gpd_cdf(q, xis[i], 2.0) - p) > 1e-13)
				ok = 0;
			if (fabs(rk_gev_cdf(g, xis[i], 1.0, 3.0) - p) > 1e-13)
				okq = 0;
		}
	}
	check(ok, "gpd cdf(quantile(p)) = p", 0, 0);
	check(okq, "gev cdf(quantile(p)) = p", 0, 0);
	check_close(rk_gpd_cdf(1.0, 1e-12, 1.0), 1.0 - exp(-1.0), 1e-11, "gpd cdf near xi 0");
	check_close(rk_gev_cdf(0.5, -1e-12, 0, 1), exp(-exp(-0.5)), 1e-11, "gev cdf near xi 0");
	check(rk_gpd_pdf(-1, 0.2, 1) == 0 && rk_gpd_cdf(-1, 0.2, 1) == 0, "gpd below support", 0, 0);
	check(rk_gpd_cdf(3, -0.5, 1) == 1 && rk_gpd_pdf(3, -0.5, 1) == 0, "gpd above bounded support", 0, 0);

	/* ML fit: a stationary point of the likelihood, better than PWM */
	for (i = 0; i < K; i++)
		y[i] = rk_gpd_quantile((i + 0.5) / K * 0.999 + 0.0004 * urand(), 0.25, 1000.0);
	check(rk_gpd_fit_mle(y, K, &fit) == RK_OK && fit.converged, "gpd mle status", 0, 0);
	check(fabs(fit.xi - 0.25) < 0.1 && fabs(fit.beta / 1000.0 - 1) < 0.2, "gpd mle near truth", fit.xi, 0.25);
	{
		double		h = 1e-6,
					l0 = rk_gpd_loglik(y, K, fit.xi, fit.beta);
		double		dx = (rk_gpd_loglik(y, K, fit.xi + h, fit.beta) -
						  rk_gpd_loglik(y, K, fit.xi - h, fit.beta)) / (2 * h);
		double		db = (rk_gpd_loglik(y, K, fit.xi, fit.beta * (1 + h)) -
						  rk_gpd_loglik(y, K, fit.xi, fit.beta * (1 - h))) / (2 * h);

		check(fabs(dx) < 1e-3 && fabs(db) < 1e-3, "gpd mle gradient zero", dx, db);
		check(fabs(fit.loglik - l0) < 1e-9 * fabs(l0), "gpd mle loglik", fit.loglik, l0);
		check(rk_gpd_fit_pwm(y, K, &pw) == RK_OK, "gpd pwm status", 0, 0);
		check(fit.loglik >= pw.loglik, "mle likelihood >= pwm likelihood", fit.loglik, pw.loglik);
	}
	check(fit.se_xi > 0 && fit.se_beta > 0, "gpd standard errors", fit.se_xi, fit.se_beta);
	check(rk_gpd_fit_mle(y, 2, &fit) == RK_TOO_FEW, "gpd needs 3", 0, 0);

	/* exponential excesses: xi near 0 goes through the series branches */
	for (i = 0; i < K; i++)
		y[i] = -500.0 * log1p(-((i + 0.5) / K));
	rk_gpd_fit_mle(y, K, &fit);
	check(fabs(fit.xi) < 0.05 && fit.se_xi > 0, "gpd mle exponential data", fit.xi, 0);

	/* GEV fit on GEV quantiles: near the truth, converged, not for n < 5 */
	{
		double		x[300],
					work[300];
		rk_gev_fit gf;
		int			j;

		for (j = 0; j < 300; j++)
			x[j] = rk_gev_quantile((j + 0.5) / 300.0, 0.2, 100.0, 15.0);
		check(rk_gev_fit_mle(x, 300, work, &gf) == RK_OK && gf.converged, "gev fit converged", 0, 0);
		check(fabs(gf.xi - 0.2) < 0.05 && fabs(gf.mu - 100) < 2 && fabs(gf.sigma - 15) < 2,
			  "gev fit near truth", gf.xi, 0.2);
		check(gf.se_xi > 0 && gf.se_mu > 0 && gf.se_sigma > 0, "gev standard errors", 0, 0);
		check(rk_gev_fit_mle(x, 4, work, &gf) == RK_TOO_FEW, "gev needs 5", 0, 0);
	}

	/* Hill on exact Pareto order statistics: xi = 1/alpha */
	{
		double		x[1000],
					xi,
					u;
		int			j;

		for (j = 0; j < 1000; j++)
			x[j] = pow(1.0 - (j + 0.5) / 1000.0, -0.5);
		check(rk_hill(x, 1000, 100, &xi, &u) == RK_OK, "hill status", 0, 0);
		check(fabs(xi - 0.5) < 0.03, "hill near 1/alpha", xi, 0.5);
		check(rk_hill(x, 10, 10, &xi, &u) == RK_TOO_FEW, "hill needs k+1", 0, 0);
	}
}

static void
test_garch(void)
{
	enum {N = 3000};
	double	   *r = malloc(sizeof(double) * N),
			   *w = malloc(sizeof(double) * N);
	double		h = 2e-6 / (1 - 0.08 - 0.9),
				zp = 0,
				v1,
				e1,
				v2,
				e2,
				v3,
				e3;
	rk_garch_fit f;
	int			t;

	/* simulate mu 5e-4, omega 2e-6, alpha 0.08, beta 0.9 */
	for (t = 0; t < N; t++)
	{
		h = 2e-6 + 0.08 * zp * zp + 0.9 * h;
		zp = sqrt(h) * nrand();
		r[t] = 5e-4 + zp;
	}
	check(rk_garch_fit_mle(r, N, RK_GARCH_NORM, w, &f) == RK_OK && f.converged,
		  "garch fit converged", 0, 0);
	check(fabs(f.alpha - 0.08) < 0.03 && fabs(f.beta - 0.9) < 0.04,
		  "garch fit near truth", f.alpha, f.beta);
	check(f.se[2] > 0 && f.se[3] > 0 && f.sigma_forecast > 0, "garch se and forecast", 0, 0);
	/* residuals are standardized: mean ~0, variance ~1 */
	{
		double		m = 0,
					v = 0;

		for (t = 0; t < N; t++)
			m += w[t];
		m /= N;
		for (t = 0; t < N; t++)
			v += (w[t] - m) * (w[t] - m);
		v /= N - 1;
		check(fabs(m) < 0.1 && fabs(v - 1) < 0.1, "garch residuals standardized", m, v);
	}
	{
		double	   *e = malloc(sizeof(double) * N);

		memcpy(e, w, sizeof(double) * N);
		rk_conditional_var_es(&f, e, N, 0.01, RK_COND_GARCH, &v1, &e1);
		memcpy(e, w, sizeof(double) * N);
		rk_conditional_var_es(&f, e, N, 0.01, RK_COND_FHS, &v2, &e2);
		memcpy(e, w, sizeof(double) * N);
		check(rk_conditional_var_es(&f, e, N, 0.01, RK_COND_EVT, &v3, &e3) == RK_OK,
			  "evt conditional status", 0, 0);
		check(e1 > v1 && e2 > v2 && e3 > v3, "conditional es > var", 0, 0);
		check(fabs(v2 / v1 - 1) < 0.15 && fabs(v3 / v1 - 1) < 0.15,
			  "conditional VaRs agree on normal data", v2, v3);
		memcpy(e, w, sizeof(double) * N);
		check(rk_conditional_var_es(&f, e, 20, 0.01, RK_COND_EVT, &v3, &e3) == RK_TOO_FEW,
			  "evt conditional needs 30", 0, 0);
		free(e);
	}
	check(rk_garch_fit_mle(r, 5, RK_GARCH_NORM, w, &f) == RK_TOO_FEW, "garch needs 10", 0, 0);
	free(r);
	free(w);
}

static void
test_oprisk(void)
{
	enum {N = 2000};
	double	   *x = malloc(sizeof(double) * N),
			   *a = malloc(sizeof(double) * 20000);
	rk_dist_fit f;
	double		c[6] = {3, 5, 4, 6, 2, 5},
				var,
				es,
				se;
	int			i;

	/* each severity fit recovers its family from its own quantiles */
	for (i = 0; i < N; i++)
		x[i] = rk_severity_quantile(RK_SEV_WEIBULL, 0.7, 2e4, (i + 0.5) / N);
	check(rk_severity_fit(x, N, RK_SEV_WEIBULL, &f) == RK_OK &&
		  fabs(f.p1 - 0.7) < 0.02 && fabs(f.p2 / 2e4 - 1) < 0.02, "weibull fit", f.p1, 0.7);
	for (i = 0; i < N; i++)
		x[i] = rk_severity_quantile(RK_SEV_GAMMA, 1.6, 1e-4, (i + 0.5) / N);
	check(rk_severity_fit(x, N, RK_SEV_GAMMA, &f) == RK_OK &&
		  fabs(f.p1 - 1.6) < 0.05 && fabs(f.p2 / 1e-4 - 1) < 0.05, "gamma fit", f.p1, 1.6);
	for (i = 0; i < N; i++)
		x[i] = rk_severity_quantile(RK_SEV_LOGNORMAL, 9, 1.8, (i + 0.5) / N);
	check(rk_severity_fit(x, N, RK_SEV_LOGNORMAL, &f) == RK_OK &&
		  fabs(f.p1 - 9) < 0.01 && fabs(f.p2 - 1.8) < 0.02, "lognormal fit", f.p1, 9);
	x[0] = -1;
	check(rk_severity_fit(x, N, RK_SEV_LOGNORMAL, &f) == RK_BADARG, "severity needs positive", 0, 0);

	/* underdispersed counts: no negative binomial */
	check(rk_frequency_fit(c, 6, RK_FREQ_NEGBIN, &f) == RK_OK && !f.converged,
		  "negbin needs overdispersion", 0, 0);
	check(rk_frequency_fit(c, 6, RK_FREQ_POISSON, &f) == RK_OK && f.p1 == 25.0 / 6,
		  "poisson mean", f.p1, 25.0 / 6);

	/* simulation: reproducible, mean near lambda E[X] */
	rk_lda_simulate(RK_FREQ_POISSON, 10, 0, RK_SEV_GAMMA, 2, 0.001, 20000, 5, a);
	{
		double		m = 0,
					b0 = a[0];

		for (i = 0; i < 20000; i++)
			m += a[i];
		m /= 20000;
		/* compound sd = sqrt(lambda E[X^2]) = sqrt(10 * 6e6) */
		check(fabs(m - 20000) < 4 * sqrt(10 * 6e6 / 20000), "lda mean", m, 20000);
		rk_lda_simulate(RK_FREQ_POISSON, 10, 0, RK_SEV_GAMMA, 2, 0.001, 20000, 5, a);
		check(a[0] == b0, "lda reproducible", a[0], b0);
	}
	{
		double	   *b = malloc(sizeof(double) * 20000);
		double		lv[2] = {0.99, 0.999},
					v2,
					e2,
					s2;

		memcpy(b, a, sizeof(double) * 20000);
		qsort(a, 20000, sizeof(double), rk_cmp_double);
		check(rk_lda_measures(a, 20000, 0.999, &var, &es, &se) == RK_OK &&
			  es >= var && se > 0, "lda measures", var, es);
		/* sorting only the tail gives the same measures */
		rk_lda_sort_tail(b, 20000, lv, 2);
		rk_lda_measures(b, 20000, 0.999, &v2, &e2, &s2);
		check(v2 == var && s2 == se && fabs(e2 - es) <= 1e-12 * es, "lda tail sort", v2, var);
		rk_lda_measures(b, 20000, 0.99, &v2, &e2, &s2);
		rk_lda_measures(a, 20000, 0.99, &var, &es, &se);
		check(v2 == var && s2 == se, "lda tail sort, lower level", v2, var);
		free(b);
	}
	check(rk_sla_var(25, RK_SEV_GPD, 1.2, 1, 0.999, 1) ==
		  rk_sla_var(25, RK_SEV_GPD, 1.2, 1, 0.999, 0), "sla: no correction for infinite mean", 0, 0);
	free(x);
	free(a);
}

static void
test_sort(void)
{
	enum {N = 100000};
	double	   *x = malloc(sizeof(double) * N),
			   *y = malloc(sizeof(double) * N);
	int			i,
				same = 1;

	for (i = 0; i < N; i++)
		x[i] = (i % 7 == 0) ? floor(nrand() * 3) : nrand() * pow(10, (i % 11) - 5);
	x[0] = -0.0;
	x[1] = 0.0;
	x[2] = -INFINITY;
	x[3] = INFINITY;
	x[4] = -1e-310;				/* subnormal */
	memcpy(y, x, sizeof(double) * N);
	rk_sort_doubles(x, N);
	qsort(y, N, sizeof(double), rk_cmp_double);
	for (i = 0; i < N; i++)
		if (!(x[i] == y[i]))
			same = 0;
	check(same, "radix sort equals qsort", 0, 0);
	check(rk_is_sorted(x, N, 1), "sorted check of a sorted array", 0, 0);
	x[N / 2] = x[N / 2 - 1] - 1;
	check(!rk_is_sorted(x, N, 1), "sorted check sees one value out of place", 0, 0);
	free(x);
	free(y);
}

/* pairs by (first, second), the order of the radix pair sort and the merge */
static int
cmp_pair_ref(const void *a, const void *b)
{
	const double *x = (const double *) a,
			   *y = (const double *) b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

static void
test_sort_pairs(void)
{
	static const int sizes[] = {1, 7, 4095, 4096, 50000};
	int			s;

	for (s = 0; s < 5; s++)
	{
		int			n = sizes[s],
					i,
					cut = n / 3,
					same = 1,
					merged = 1;
		double	   *x = malloc(sizeof(double) * 2 * n),
				   *y = malloc(sizeof(double) * 2 * n),
				   *m = malloc(sizeof(double) * 2 * n);
		char		what[80];

		/* scores with many ties, labels 0/1 */
		for (i = 0; i < n; i++)
		{
			x[2 * i] = (i % 5 == 0) ? floor(nrand() * 4) / 4 : nrand();
			x[2 * i + 1] = urand() < 0.3 ? 1.0 : 0.0;
		}
		memcpy(y, x, sizeof(double) * 2 * n);
		memcpy(m, x, sizeof(double) * 2 * n);
		rk_sort_pairs(x, n);
		qsort(y, n, 2 * sizeof(double), cmp_pair_ref);
		for (i = 0; i < 2 * n; i++)
			if (x[i] != y[i])
				same = 0;
		snprintf(what, sizeof(what), "pair sort equals qsort, n = %d", n);
		check(same && rk_is_sorted(x, n, 2), what, n, 0);

		/* two runs sorted apart, merged: the sorted whole */
		rk_sort_pairs(m, cut);
		rk_sort_pairs(m + 2 * cut, n - cut);
		{
			double	   *b = malloc(sizeof(double) * 2 * (n - cut));

			memcpy(b, m + 2 * cut, sizeof(double) * 2 * (n - cut));
			rk_merge_sorted(m, cut, b, n - cut, 2);
			free(b);
		}
		for (i = 0; i < 2 * n; i++)
			if (m[i] != y[i])
				merged = 0;
		snprintf(what, sizeof(what), "merge of sorted pair runs, n = %d", n);
		check(merged, what, n, 0);
		free(x);
		free(y);
		free(m);
	}

	/* values: merge of sorted runs equals the sort of the whole */
	{
		enum {N = 30000};
		double	   *a = malloc(sizeof(double) * N),
				   *b = malloc(sizeof(double) * N),
				   *w = malloc(sizeof(double) * N);
		int			i,
					na = 12345,
					ok = 1;

		for (i = 0; i < N; i++)
			w[i] = floor(nrand() * 50) / 10;
		memcpy(a, w, sizeof(double) * na);
		memcpy(b, w + na, sizeof(double) * (N - na));
		rk_sort_doubles(a, na);
		rk_sort_doubles(b, N - na);
		rk_merge_sorted(a, na, b, N - na, 1);
		rk_sort_doubles(w, N);
		for (i = 0; i < N; i++)
			if (a[i] != w[i])
				ok = 0;
		check(ok, "merge of sorted value runs", 0, 0);
		free(a);
		free(b);
		free(w);
	}
}

static void
test_validation(void)
{
	/* bads 0.9, 0.5; goods 0.1, 0.5, 0.2: pairs won 2 + 1.5 of 6 */
	double		pairs[] = {0.9, 1, 0.1, 0, 0.5, 1, 0.5, 0, 0.2, 0};
	double		auc,
				ks,
				hl,
				pv;
	int64_t		nb,
				ng;
	int			df;

	check(rk_auc_ks(pairs, 5, &auc, &ks, &nb, &ng) == RK_OK && nb == 2 && ng == 3,
		  "auc status", 0, 0);
	check_close(auc, 5.5 / 6.0, 1e-15, "auc with a tie");
	/* cdfs: at 0.2 goods 2/3, bads 0 -> 2/3 */
	check_close(ks, 2.0 / 3.0, 1e-15, "ks");
	pairs[1] = pairs[5] = 0;
	check(rk_auc_ks(pairs, 5, &auc, &ks, &nb, &ng) == RK_DEGENERATE, "auc all good", 0, 0);
	check_close(rk_jeffreys_test(1000, 12, 0.01), 0.25238122615134778, 1e-12, "jeffreys");
	check_close(rk_binomial_test(10, 10, 0.5), 0.0009765625, 1e-14, "binomial all defaults");
	check(rk_binomial_test(250, 0, 0.004) == 1.0, "binomial no defaults", 0, 0);
	{
		double		pd[40];
		int			i;

		for (i = 0; i < 20; i++)
		{
			pd[2 * i] = 0.05 * (i % 10 + 1) / 2;
			pd[2 * i + 1] = (i % 4 == 0);
		}
		check(rk_hosmer_lemeshow(pd, 20, 4, &hl, &df, &pv) == RK_OK && df == 2 && hl >= 0 &&
			  pv > 0 && pv <= 1, "hosmer-lemeshow", hl, pv);
		check(rk_hosmer_lemeshow(pd, 20, 2, &hl, &df, &pv) == RK_TOO_FEW, "hl needs 3 groups", 0, 0);
	}
}

static void
test_logit(void)
{
	enum {N = 4000, K = 2};
	double	   *rows = malloc(sizeof(double) * N * (K + 1));
	double		beta[K + 1],
				se[K + 1];
	rk_logit_result r = {beta, se};
	int			i;

	/* y ~ Bernoulli(logistic(-1 + 0.8 x1 - 0.5 x2)) */
	for (i = 0; i < N; i++)
	{
		double		x1 = nrand(),
					x2 = nrand(),
					p = 1 / (1 + exp(-(-1 + 0.8 * x1 - 0.5 * x2)));

		rows[i * 3] = urand() < p;
		rows[i * 3 + 1] = x1;
		rows[i * 3 + 2] = x2;
	}
	check(rk_logit_fit(rows, N, K, 1, 0, &r) == RK_OK && r.converged, "logit converged", 0, 0);
	check(fabs(beta[0] + 1) < 0.15 && fabs(beta[1] - 0.8) < 0.15 && fabs(beta[2] + 0.5) < 0.15,
		  "logit near truth", beta[1], 0.8);
	/* the score vanishes at the optimum: check by finite differences of loglik */
	{
		double		l0 = r.loglik,
					b1 = beta[1];
		double		bb[K + 1],
					ss[K + 1];
		rk_logit_result q = {bb, ss};

		check(se[1] > 0 && se[1] < 0.1, "logit standard error", se[1], 0);
		/* a penalty shrinks the slopes */
		rk_logit_fit(rows, N, K, 1, 100.0, &q);
		check(fabs(bb[1]) < fabs(b1) && q.loglik < l0, "l2 shrinks", bb[1], b1);
	}
	/* collinear columns are found at the first iteration */
	for (i = 0; i < N; i++)
		rows[i * 3 + 2] = 2 * rows[i * 3 + 1];
	check(rk_logit_fit(rows, N, K, 1, 0, &r) == RK_BADARG && r.bad_column == 2,
		  "logit collinear", r.bad_column, 2);
	/* separation: y = x1 > 0, rows of (y, x1) */
	for (i = 0; i < N; i++)
	{
		double		x1 = rows[i * 3 + 1];

		rows[i * 2] = x1 > 0;
		rows[i * 2 + 1] = x1;
	}
	check(rk_logit_fit(rows, N, 1, 1, 0, &r) == RK_DEGENERATE, "logit separation", 0, 0);
	/* the same rows with a penalty have a finite optimum */
	check(rk_logit_fit(rows, N, 1, 1, 1.0, &r) == RK_OK, "logit separation with l2", 0, 0);
	free(rows);
}

/* Extreme but finite inputs: no NaN where the answer is a number. */
static void
test_extremes(void)
{
	double		big[4] = {1.7e308, 1.7e308, 1.6e308, 1.5e308};
	double		mixed[3] = {1.7e308, -1.7e308, 3.0};
	double		withinf[2] = {1.0, INFINITY};

	check_close(rk_mean(big, 4), 1.625e308, 1e-15, "mean of values whose sum overflows");
	check_close(rk_mean(mixed, 3), 1.0, 1e-12, "mean of huge values of both signs");
	{
		double		far[3] = {1.7e308, -1.7e308, -1.6e308};

		check(isfinite(rk_mean(far, 3)), "mean whose deviations overflow is finite",
			  rk_mean(far, 3), -5.3333333333333333e307);
	}
	check(isinf(rk_mean(withinf, 2)), "mean with an infinity is infinite", rk_mean(withinf, 2), INFINITY);
	check(rk_gpd_pdf(1.7976888488148072e+308, 0, 0.01) == 0.0, "GPD pdf where y/beta overflows",
		  rk_gpd_pdf(1.7976888488148072e+308, 0, 0.01), 0);
	check(rk_gpd_cdf(1.7976888488148072e+308, 0.2, 0.01) == 1.0, "GPD cdf where y/beta overflows",
		  rk_gpd_cdf(1.7976888488148072e+308, 0.2, 0.01), 1);
	check(rk_gev_pdf(-5.2561055068751001e+304, -16.1915, 3, 1e-12) == 0.0,
		  "GEV pdf where (x - mu)/sigma overflows",
		  rk_gev_pdf(-5.2561055068751001e+304, -16.1915, 3, 1e-12), 0);
	check(rk_gev_cdf(-5.2561055068751001e+304, -16.1915, 3, 1e-12) == 0.0,
		  "GEV cdf where (x - mu)/sigma overflows",
		  rk_gev_cdf(-5.2561055068751001e+304, -16.1915, 3, 1e-12), 0);
	check(rk_gev_pdf(1e300, 1e10, 0, 1) == 0.0, "GEV pdf where xi z overflows",
		  rk_gev_pdf(1e300, 1e10, 0, 1), 0);
	{
		double		all_min[9];

		for (int i = 0; i < 9; i++)
			all_min[i] = -DBL_MAX;
		check(rk_mean(all_min, 9) == -DBL_MAX, "mean of nine -DBL_MAX", rk_mean(all_min, 9), -DBL_MAX);
	}
	check(rk_severity_pdf(RK_SEV_WEIBULL, 10.62890625, 1.390794793043109e-320, 1) == 0.0,
		  "Weibull pdf where x/scale overflows",
		  rk_severity_pdf(RK_SEV_WEIBULL, 10.62890625, 1.390794793043109e-320, 1), 0);
	check_close(rk_gpd_cdf(rk_gpd_quantile(0.75, -4.9406564584124654e-324, 0.005),
							 -4.9406564584124654e-324, 0.005), 0.75, 1e-12,
				"GPD quantile and cdf at a denormal xi");
	check(rk_pchisq_upper(INFINITY, 8) == 0.0, "chi-square upper tail at infinity",
		  rk_pchisq_upper(INFINITY, 8), 0);
}

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

static void
test_cancel(void)
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

	rk_stop_hook = NULL;
	free(in);
	free(work);
}

int
main(void)
{
	gsl_set_error_handler_off();
	test_cancel();
	test_quantile();
	test_ostree();
	test_sortedvec();
	test_moments();
	test_parametric();
	test_ewma();
	test_backtests();
	test_evt();
	test_garch();
	test_oprisk();
	test_sort();
	test_sort_pairs();
	test_validation();
	test_logit();
	test_extremes();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
