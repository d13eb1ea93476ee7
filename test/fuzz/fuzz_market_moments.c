/*
 * fuzz_market_moments.c
 *     libFuzzer harness of market.c, the moments and the parametric measures:
 *     the mergeable moments (GROUP BY and parallel query), the sliding
 *     double-double power sums (window frames), Gaussian and Cornish-Fisher
 *     VaR/ES, and EWMA, driven as src/market.c drives them.
 *
 * Returns are finite, the level strictly between 0 and 1, lambda too.
 * Input: the level, lambda, where to split the rows between two partial
 * states, the frame width, then the returns.
 *
 * Invariants:
 *   - merging the moments of two parts (either may be empty) gives those
 *     of the whole within rounding; n, min and max exactly;
 *   - every status is one the measure documents; when OK on data whose
 *     fourth powers are representable, the results are finite, ES >= VaR,
 *     kurtosis >= 1 + skewness^2 (Pearson) within rounding;
 *   - the sliding sums, with market.c's ring of the frame and its rebuild
 *     when rk_msums_degraded says so, give the sd, skewness and kurtosis
 *     of a fresh rk_msums_rebuild of the frame within 1e-9 (sd) and 1e-6
 *     (relative to 1 + |value|);
 *   - EWMA with its oldest rows removed matches the EWMA of the frame
 *     recomputed from scratch, within the rounding the removals can leave.
 */
#include "core/market.h"
#include "core/ostree.h"
#include "fuzz_common.h"

#define MAX_VALUES 2000
#define MAX_CHECKS 100

/* Long double sums of |x - c|^k, k = 1..4, and the mean c itself. */
typedef struct ref_sums
{
	long double mean;
	long double absdev[5];
	double		maxdev;
	double		maxabs;
} ref_sums;

/* The long double mean of x[0..n-1] and the sums of |x - mean|^k. */
static void
ref_compute(const double *x, int64_t n, ref_sums *r)
{
	long double s = 0;
	int64_t		i;
	int			k;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++)
		s += x[i];
	r->mean = n > 0 ? s / n : 0;
	for (i = 0; i < n; i++)
	{
		long double d = fabsl((long double) x[i] - r->mean),
					p = 1;

		for (k = 1; k <= 4; k++)
		{
			p *= d;
			r->absdev[k] += p;
		}
		if ((double) d > r->maxdev)
			r->maxdev = (double) d;
	}
	r->maxabs = fz_maxabs(x, n);
}

/*
 * Rounding allowed between two one-pass computations of the k-th central
 * moment sum: the deviations carry the mean's error (up to n ulps of the
 * largest value), and every update rounds.
 */
static double
moment_tol(const ref_sums *r, int64_t n, int k)
{
	long double em = 4.0L * n * DBL_EPSILON * r->maxabs;
	long double d = (long double) r->maxdev + em;
	long double dk1 = 1;
	int			j;

	for (j = 1; j < k; j++)
		dk1 *= d;
	return (double) (16.0L * k * n * em * dk1 + 32.0L * n * DBL_EPSILON * r->absdev[k]);
}

/* Moments a against b, the whole data's, within moment_tol. */
static void
check_same_moments(const rk_moments *a, const rk_moments *b, const ref_sums *r,
				   const char *what)
{
	int64_t		n = (int64_t) b->n;
	double		tm = 8.0 * n * DBL_EPSILON * r->maxabs;

	FZ_CHECK(a->n == b->n, "%s: n %.17g vs %.17g", what, a->n, b->n);
	FZ_CHECK(a->min == b->min && a->max == b->max, "%s: min/max %.17g/%.17g vs %.17g/%.17g",
			 what, a->min, a->max, b->min, b->max);
	FZ_CHECK(fabs(a->mean - b->mean) <= tm, "%s: mean %.17g vs %.17g (tol %.3g)",
			 what, a->mean, b->mean, tm);
	FZ_CHECK(fabs(a->m2 - b->m2) <= moment_tol(r, n, 2), "%s: m2 %.17g vs %.17g (tol %.3g)",
			 what, a->m2, b->m2, moment_tol(r, n, 2));
	FZ_CHECK(fabs(a->m3 - b->m3) <= moment_tol(r, n, 3), "%s: m3 %.17g vs %.17g (tol %.3g)",
			 what, a->m3, b->m3, moment_tol(r, n, 3));
	FZ_CHECK(fabs(a->m4 - b->m4) <= moment_tol(r, n, 4), "%s: m4 %.17g vs %.17g (tol %.3g)",
			 what, a->m4, b->m4, moment_tol(r, n, 4));
}

/*
 * The four measures and the statistics from moments m at tail alpha, as
 * mom_measure and moments_result call them; finite is set when the data
 * are such that finite results are due.
 */
static void
check_measures(const rk_moments *m, double alpha, int finite, const char *what)
{
	double		vg = NAN,
				eg = NAN,
				vm = NAN,
				em = NAN,
				sd = NAN,
				sk = NAN,
				ku = NAN;
	rk_status s1 = rk_var_gaussian(m, alpha, &vg),
				s2 = rk_es_gaussian(m, alpha, &eg),
				s3 = rk_var_modified(m, alpha, &vm),
				s4 = rk_es_modified(m, alpha, &em),
				s5 = rk_moments_stats(m, &sd, &sk, &ku);

	FZ_CHECK(fz_status_valid(s1) && fz_status_valid(s2) && fz_status_valid(s3) &&
			 fz_status_valid(s4) && fz_status_valid(s5), "%s: statuses %d %d %d %d %d",
			 what, s1, s2, s3, s4, s5);
	if (m->n == 0)
	{
		FZ_CHECK(s1 == RK_EMPTY && s2 == RK_EMPTY && s3 == RK_EMPTY &&
				 s4 == RK_EMPTY && s5 == RK_EMPTY, "%s: empty moments not EMPTY", what);
		return;
	}
	if (!(alpha > 0 && alpha < 1))
	{
		/* a level below 2^-53 leaves alpha = 1 */
		FZ_CHECK(s1 == RK_BADARG && s2 == RK_BADARG && s3 == RK_BADARG && s4 == RK_BADARG,
				 "%s: alpha %.17g: statuses %d %d %d %d", what, alpha, s1, s2, s3, s4);
		return;
	}
	FZ_CHECK(s1 == (m->n < 2 ? RK_TOO_FEW : RK_OK) && s2 == s1,
			 "%s: gaussian statuses %d %d at n = %.17g", what, s1, s2, m->n);
	FZ_CHECK(s3 == s4 && (m->n < 3 ? s3 == RK_TOO_FEW : (s3 == RK_OK || s3 == RK_DEGENERATE)),
			 "%s: modified statuses %d %d at n = %.17g", what, s3, s4, m->n);
	FZ_CHECK(s3 != RK_DEGENERATE || !(m->m2 / m->n > 0),
			 "%s: DEGENERATE with variance %.17g", what, m->m2 / m->n);
	if (!finite)
		return;
	if (s1 == RK_OK)
	{
		double		tol = 16 * DBL_EPSILON * (fabs(m->mean) + fabs(vg) + fabs(eg));

		FZ_CHECK(isfinite(vg) && isfinite(eg), "%s: gaussian VaR %.17g ES %.17g", what, vg, eg);
		FZ_CHECK(eg >= vg - tol, "%s: gaussian ES %.17g < VaR %.17g", what, eg, vg);
	}
	if (s3 == RK_OK)
	{
		FZ_CHECK(isfinite(vm) && isfinite(em), "%s: modified VaR %.17g ES %.17g (m2 %.17g m3 %.17g m4 %.17g)",
				 what, vm, em, m->m2, m->m3, m->m4);
		FZ_CHECK(em >= vm, "%s: modified ES %.17g < VaR %.17g", what, em, vm);
	}
	if (s5 == RK_OK || s5 == RK_DEGENERATE)
		FZ_CHECK(isfinite(sd) && sd >= 0, "%s: sd %.17g", what, sd);
	if (s5 == RK_OK)
	{
		FZ_CHECK(isfinite(sk) && isfinite(ku), "%s: skewness %.17g kurtosis %.17g", what, sk, ku);
		FZ_CHECK(ku + 3.0 >= (1.0 + sk * sk) * (1.0 - 1e-6) - 1e-6,
				 "%s: kurtosis %.17g below 1 + skewness^2 = %.17g", what, ku + 3.0, 1.0 + sk * sk);
	}
}

/* ---- the sliding state, as market.c's MomWinState -------------------- */

typedef struct mom_win
{
	rk_msums	sums;
	rk_ostree tree;			/* min and max (risk.moments) */
	double	   *ring;
	int64_t		cap;
	int64_t		head;
	int64_t		count;
	int			rebuilds;
} mom_win;

/* Append x to the ring, doubling it (in arrival order) when full. */
static void
ring_push(mom_win *w, double x)
{
	if (w->count == w->cap)
	{
		int64_t		cap = w->cap > 0 ? w->cap * 2 : 256;
		double	   *ring = malloc(sizeof(double) * cap);
		int64_t		first = w->count < w->cap - w->head ? w->count : w->cap - w->head;

		if (ring == NULL)
			abort();
		if (w->count > 0)
		{
			memcpy(ring, w->ring + w->head, first * sizeof(double));
			memcpy(ring + first, w->ring, (w->count - first) * sizeof(double));
		}
		free(w->ring);
		w->ring = ring;
		w->cap = cap;
		w->head = 0;
	}
	w->ring[(w->head + w->count) % w->cap] = x;
	w->count++;
}

/* The forward transition: ring, power sums and min/max tree. */
static void
mom_add(mom_win *w, double r)
{
	ring_push(w, r);
	rk_msums_add(&w->sums, r);
	if (rk_ostree_room(&w->tree) == 0)
	{
		int32_t		cap = w->tree.capacity > 0 ? w->tree.capacity * 2 : 256;

		w->tree.nodes = realloc(w->tree.nodes, sizeof(rk_osnode) * (size_t) cap);
		if (w->tree.nodes == NULL)
			abort();
		w->tree.capacity = cap;
	}
	FZ_CHECK(rk_ostree_insert(&w->tree, r) == RK_OK, "min/max tree insert");
}

/* The inverse transition, rebuilding the sums when they degraded. */
static void
mom_remove(mom_win *w, double r)
{
	FZ_CHECK(w->count > 0 && w->ring[w->head] == r, "the ring's head is not the leaving row");
	w->head = (w->head + 1) % w->cap;
	w->count--;
	rk_msums_remove(&w->sums, r);
	if (rk_msums_degraded(&w->sums))
	{
		int64_t		first = w->count < w->cap - w->head ? w->count : w->cap - w->head;

		rk_msums_rebuild(&w->sums, w->ring + w->head, first, w->ring, w->count - first);
		w->rebuilds++;
	}
	FZ_CHECK(rk_ostree_remove(&w->tree, r) == RK_OK, "min/max tree remove");
}

/* The frame's moments as mom_win_moments reads them. */
static void
mom_read(const mom_win *w, rk_moments *m)
{
	rk_moments_init(m);
	rk_msums_moments(&w->sums, m);
	if (m->n > 0)
	{
		m->min = rk_ostree_min(&w->tree);
		m->max = rk_ostree_max(&w->tree);
	}
}

/* Compare the sliding state with a fresh rebuild of frame[0..n-1]. */
static void
check_window(const mom_win *w, const double *frame, int64_t n, double alpha)
{
	rk_msums	fresh;
	rk_moments a,
				b;
	double		sd1,
				sk1,
				ku1,
				sd2,
				sk2,
				ku2;
	rk_status s1,
				s2;
	int			ok = fz_moderate(frame, n, 1e-60, 1e60);

	FZ_CHECK(w->sums.n == n, "sliding sums hold %ld rows, the frame %ld", (long) w->sums.n, (long) n);
	mom_read(w, &a);
	rk_msums_rebuild(&fresh, frame, n, NULL, 0);
	rk_moments_init(&b);
	rk_msums_moments(&fresh, &b);
	if (n > 0)
	{
		double		*s = fz_sorted_copy(frame, n);

		FZ_CHECK(a.min == s[0] && a.max == s[n - 1], "frame min/max %.17g/%.17g, tree %.17g/%.17g",
				 s[0], s[n - 1], a.min, a.max);
		free(s);
	}
	check_measures(&a, alpha, ok, "sliding moments");
	if (!ok || n < 2)
		return;
	s1 = rk_moments_stats(&a, &sd1, &sk1, &ku1);
	s2 = rk_moments_stats(&b, &sd2, &sk2, &ku2);
	FZ_CHECK(fabs(a.mean - b.mean) <= 4 * DBL_EPSILON * fz_maxabs(frame, n),
			 "sliding mean %.17g, fresh %.17g (n = %ld)", a.mean, b.mean, (long) n);
	if (s2 != RK_OK)
		return;
	FZ_CHECK(s1 == RK_OK, "sliding stats status %d where the fresh sums give OK", (int) s1);
	FZ_CHECK(fabs(sd1 - sd2) <= 1e-9 * sd2,
			 "sliding sd %.17g, fresh %.17g (n = %ld, shift %.17g, rebuilds %d)",
			 sd1, sd2, (long) n, w->sums.shift, w->rebuilds);
	FZ_CHECK(fabs(sk1 - sk2) <= 1e-6 * (1 + fabs(sk2)),
			 "sliding skewness %.17g, fresh %.17g (n = %ld, shift %.17g, mean %.17g, sd %.17g, rebuilds %d)",
			 sk1, sk2, (long) n, w->sums.shift, b.mean, sd2, w->rebuilds);
	FZ_CHECK(fabs(ku1 - ku2) <= 1e-6 * (1 + fabs(ku2)),
			 "sliding kurtosis %.17g, fresh %.17g (n = %ld, shift %.17g, mean %.17g, sd %.17g, rebuilds %d)",
			 ku1, ku2, (long) n, w->sums.shift, b.mean, sd2, w->rebuilds);
}

/* ---- EWMA ---------------------------------------------------------------- */

/* The EWMA of frame[0..n-1] from scratch. */
static rk_ewma
ewma_fresh(const double *frame, int64_t n, double lambda)
{
	rk_ewma	e = {0, 0, 0};
	int64_t		i;

	for (i = 0; i < n; i++)
		rk_ewma_add(&e, lambda, frame[i]);
	return e;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a level, lambda, a split and a frame width; check the moments every way they are kept. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double lambdas[8] = {0.94, 0.97, 0.9, 0.99, 0.5, 0.999, 1e-3, 0.9999};
	fz_reader	r;
	double		p,
				lambda,
				alpha,
			   *x;
	int64_t		n,
				split,
				width,
				i,
				head = 0,
				every,
				ops = 0;
	int			checks = 0,
				ok;
	uint8_t		lb;
	rk_moments whole,
				a,
				b,
				empty;
	ref_sums	ref;
	mom_win		w;
	rk_ewma	e = {0, 0, 0};
	long double ever_s = 0,
				ever_w = 0;

	fz_init(&r, data, size);
	p = fz_level(&r);
	lb = fz_u8(&r);
	lambda = lb < 0xF0 ? lambdas[lb % 8] : (double) fz_u32(&r) / 4294967296.0;
	split = fz_u16(&r);
	width = fz_range(&r, 1, 600);
	/* the SQL face: risk_check_level, and lambda in (0, 1) */
	if (!(p > 0.0 && p < 1.0) || !(lambda > 0.0 && lambda < 1.0))
		return 0;
	alpha = 1.0 - p;
	x = malloc(sizeof(double) * MAX_VALUES);
	n = (int64_t) fz_keep_finite(x, fz_values(&r, x, MAX_VALUES));
	split = n > 0 ? split % (n + 1) : 0;
	ok = fz_moderate(x, n, 1e-60, 1e60);

	/* GROUP BY: one state, and two partial states merged */
	rk_moments_init(&whole);
	rk_moments_init(&a);
	rk_moments_init(&b);
	rk_moments_init(&empty);
	for (i = 0; i < n; i++)
	{
		rk_moments_add(&whole, x[i]);
		rk_moments_add(i < split ? &a : &b, x[i]);
	}
	ref_compute(x, n, &ref);
	rk_moments_merge(&a, &b);
	rk_moments_merge(&a, &empty);
	{
		rk_moments c = empty;

		rk_moments_merge(&c, &whole);
		FZ_CHECK(memcmp(&c, &whole, sizeof(c)) == 0, "merging into an empty state changed the moments");
	}
	if (ok)
		check_same_moments(&a, &whole, &ref, "merged halves vs whole");
	check_measures(&whole, alpha, ok, "moments");
	check_measures(&a, alpha, ok, "merged moments");

	/* a frame of `width` rows sliding over the series */
	memset(&w, 0, sizeof(w));
	rk_msums_init(&w.sums);
	rk_ostree_init(&w.tree, NULL, 0);
	every = n / MAX_CHECKS + 1;
	for (i = 0; i < n; i++)
	{
		mom_add(&w, x[i]);
		rk_ewma_add(&e, lambda, x[i]);
		ever_s = lambda * ever_s + (long double) x[i] * x[i];
		ever_w = lambda * ever_w + 1;
		ops++;
		while (i + 1 - head > width)
		{
			mom_remove(&w, x[head]);
			rk_ewma_remove_oldest(&e, lambda, x[head]);
			head++;
			ops++;
		}
		if ((i % every == 0 || i == n - 1) && checks < MAX_CHECKS)
		{
			rk_ewma	f = ewma_fresh(x + head, i + 1 - head, lambda);
			double		sig = NAN;

			checks++;
			check_window(&w, x + head, i + 1 - head, alpha);
			FZ_CHECK(e.n == f.n, "EWMA counts %ld rows, the frame %ld", (long) e.n, (long) f.n);
			FZ_CHECK(rk_ewma_sigma(&e, &sig) == RK_OK, "EWMA of a non-empty frame not OK");
			if (fz_moderate(x, i + 1, 1e-100, 1e100))
			{
				/* what a removal leaves behind decays with lambda, like the sums */
				double		ts = (double) (8.0L * ops * DBL_EPSILON * ever_s),
							tw = (double) (8.0L * ops * DBL_EPSILON * ever_w);

				FZ_CHECK(isfinite(sig) && sig >= 0, "EWMA sigma %.17g", sig);
				FZ_CHECK(fabs(e.s - f.s) <= ts, "EWMA sum %.17g, fresh %.17g (tol %.3g, lambda %.17g)",
						 e.s, f.s, ts, lambda);
				FZ_CHECK(fabs(e.w - f.w) <= tw, "EWMA weight %.17g, fresh %.17g (tol %.3g, lambda %.17g)",
						 e.w, f.w, tw, lambda);
			}
		}
	}
	/* the frame empties */
	while (head < n)
	{
		mom_remove(&w, x[head]);
		rk_ewma_remove_oldest(&e, lambda, x[head]);
		head++;
	}
	FZ_CHECK(w.sums.n == 0 && e.n == 0, "an emptied frame holds %ld/%ld rows",
			 (long) w.sums.n, (long) e.n);
	{
		double		sig;

		FZ_CHECK(rk_ewma_sigma(&e, &sig) == RK_EMPTY, "EWMA of an empty frame not EMPTY");
	}
	check_window(&w, x, 0, alpha);

	free(w.ring);
	free(w.tree.nodes);
	free(x);
	return 0;
}
