/*
 * fuzz_market_window.c
 *     libFuzzer harness of the sliding-window state of the historical
 *     VaR/ES (sortedvec.c, ostree.c), driven as src/market.c's moving
 *     aggregate drives it.
 *
 * The state is a sorted array while the frame holds at most 512 values,
 * an order-statistic tree beyond (its node array grown by realloc, so the
 * tree must survive moving), back to the array at 128.  Rows enter at the
 * tail of the frame and leave from its head, in arrival order; returns are
 * finite.  Input: the level, the frame width, a short op script (add a row,
 * drop rows from the head, check), then the returns; when the script runs
 * out, every further return enters a frame of the given width.
 *
 * At each check, against a sorted copy of the frame: the array equals it,
 * or the tree exports it and is a valid AVL tree (balance, sizes, sums,
 * strict key order); count, min, max, select and below agree; VaR is
 * exact, ES within rounding, both finite, VaR <= ES.  Removing an absent
 * value gives NOTFOUND and NaN gives BADARG, changing nothing.  A tree with
 * a few fixed node slots refuses a new key with NOSPACE and keeps its
 * values.
 */
#include "core/ostree.h"
#include "core/sortedvec.h"
#include "fuzz_common.h"

#define MAX_VALUES 3000
#define MAX_CHECKS 200
#define HIST_VEC_MAX 512		/* as in market.c */
#define HIST_VEC_MIN 128

typedef struct hist_win
{
	int64_t		n;
	int			use_tree;
	double	   *vec;			/* sorted, room for HIST_VEC_MAX + 1 */
	rk_ostree tree;
} hist_win;

/* Ensure one free node, doubling the node array (market.c's tree_reserve). */
static void
tree_reserve(rk_ostree *t)
{
	int32_t		cap;

	if (rk_ostree_room(t) > 0)
		return;
	cap = t->capacity > 0 ? t->capacity * 2 : 256;
	t->nodes = realloc(t->nodes, sizeof(rk_osnode) * (size_t) cap);
	if (t->nodes == NULL)
		abort();
	t->capacity = cap;
}

/* Insert x, which must succeed once there is room. */
static void
tree_insert(rk_ostree *t, double x)
{
	rk_status st;

	tree_reserve(t);
	st = rk_ostree_insert(t, x);
	FZ_CHECK(st == RK_OK, "ostree insert %.17g with room: status %d", x, (int) st);
}

/* The forward transition: a row enters the frame. */
static void
win_add(hist_win *w, double r)
{
	if (!w->use_tree && w->n == HIST_VEC_MAX)
	{
		int64_t		i;

		for (i = 0; i < w->n; i++)
			tree_insert(&w->tree, w->vec[i]);
		w->use_tree = 1;
	}
	if (w->use_tree)
		tree_insert(&w->tree, r);
	else
		rk_sv_insert(w->vec, w->n, r);
	w->n++;
}

/* The inverse transition: the row r leaves the frame. */
static void
win_remove(hist_win *w, double r)
{
	rk_status st = w->use_tree ? rk_ostree_remove(&w->tree, r)
		: rk_sv_remove(w->vec, w->n, r);

	FZ_CHECK(st == RK_OK, "removing %.17g, a value in the frame: status %d (%s)",
			 r, (int) st, w->use_tree ? "tree" : "array");
	w->n--;
	if (w->use_tree && w->n <= HIST_VEC_MIN)
	{
		rk_ostree_export(&w->tree, w->vec);
		rk_ostree_init(&w->tree, w->tree.nodes, w->tree.capacity);
		w->use_tree = 0;
	}
}

/*
 * Walk subtree i: keys strictly inside (lo, hi), AVL balance, heights,
 * sizes and sums as update() computes them.  Returns the height.
 */
static int32_t
tree_walk(const rk_ostree *t, int32_t i, double lo, double hi, int64_t *nodes)
{
	const rk_osnode *nd;
	int32_t		hl,
				hr;
	int64_t		size;
	double		sum;

	if (i == -1)
		return 0;
	FZ_CHECK(i >= 0 && i < t->used, "node index %d outside [0, %d)", i, t->used);
	nd = &t->nodes[i];
	FZ_CHECK(nd->height > 0 && nd->mult >= 1, "node %d: height %d, mult %d", i, nd->height, nd->mult);
	FZ_CHECK(nd->key > lo && nd->key < hi, "node %d: key %.17g outside (%.17g, %.17g)",
			 i, nd->key, lo, hi);
	FZ_CHECK(++*nodes <= t->used, "the tree has more nodes than were handed out");
	hl = tree_walk(t, nd->left, lo, nd->key, nodes);
	hr = tree_walk(t, nd->right, nd->key, hi, nodes);
	size = (nd->left >= 0 ? t->nodes[nd->left].size : 0) + nd->mult +
		(nd->right >= 0 ? t->nodes[nd->right].size : 0);
	sum = (nd->left >= 0 ? t->nodes[nd->left].sum : 0.0) + nd->key * nd->mult +
		(nd->right >= 0 ? t->nodes[nd->right].sum : 0.0);
	FZ_CHECK(abs(hl - hr) <= 1, "node %d unbalanced: heights %d and %d", i, hl, hr);
	FZ_CHECK(nd->height == (hl > hr ? hl : hr) + 1, "node %d: height %d, children %d/%d",
			 i, nd->height, hl, hr);
	FZ_CHECK(nd->size == size, "node %d: size %ld, children give %ld", i, (long) nd->size, (long) size);
	FZ_CHECK(nd->sum == sum || (isnan(nd->sum) && isnan(sum)),
			 "node %d: sum %.17g, children give %.17g", i, nd->sum, sum);
	return nd->height;
}

/* Compare the state with the frame frame[0..n-1] (arrival order). */
static void
win_check(hist_win *w, const double *frame, int64_t n, double alpha, uint32_t pick)
{
	double	   *s = fz_sorted_copy(frame, n);
	double	   *out = malloc(sizeof(double) * (n > 0 ? n : 1));
	double		var = NAN,
				es = NAN,
				q,
				tailmean,
				maxabs = fz_maxabs(s, n);
	int64_t		nbelow;
	rk_status st;

	FZ_CHECK(w->n == n, "state holds %ld values, the frame %ld", (long) w->n, (long) n);
	if (w->use_tree)
	{
		int64_t		nodes = 0;

		FZ_CHECK(rk_ostree_count(&w->tree) == n, "tree count %ld, frame %ld",
				 (long) rk_ostree_count(&w->tree), (long) n);
		tree_walk(&w->tree, w->tree.root, -INFINITY, INFINITY, &nodes);
		rk_ostree_export(&w->tree, out);
		FZ_CHECK(fz_same_values(out, s, n), "tree export differs from the sorted frame (n = %ld)", (long) n);
		FZ_CHECK(rk_ostree_min(&w->tree) == s[0] && rk_ostree_max(&w->tree) == s[n - 1],
				 "tree min/max %.17g/%.17g, frame %.17g/%.17g",
				 rk_ostree_min(&w->tree), rk_ostree_max(&w->tree), s[0], s[n - 1]);
		{
			int64_t		k = (int64_t) (pick % (uint32_t) n),
						cnt,
						i;
			double		sum,
						key = s[(pick >> 16) % (uint32_t) n],
						ref = 0;

			FZ_CHECK(rk_ostree_select(&w->tree, k) == s[k], "select(%ld) %.17g, frame %.17g",
					 (long) k, rk_ostree_select(&w->tree, k), s[k]);
			FZ_CHECK(isnan(rk_ostree_select(&w->tree, n)), "select past the end is not NaN");
			rk_ostree_below(&w->tree, key, &cnt, &sum);
			for (i = 0; i < n && s[i] < key; i++)
				ref += s[i];
			FZ_CHECK(cnt == i, "below(%.17g): count %ld, frame %ld", key, (long) cnt, (long) i);
			/* a plain sum: it may overflow where the values are near DBL_MAX */
			if (maxabs * (i + 1) < DBL_MAX / 4)
				FZ_CHECK(fabs(sum - ref) <= 4 * (n + 2) * DBL_EPSILON * maxabs * (i + 1),
						 "below(%.17g): sum %.17g, frame %.17g", key, sum, ref);
		}
		st = rk_ostree_var_es(&w->tree, alpha, &var, &es);
	}
	else
	{
		FZ_CHECK(fz_same_values(w->vec, s, n), "sorted array differs from the sorted frame (n = %ld)", (long) n);
		st = rk_sv_var_es(w->vec, n, alpha, &var, &es);
	}
	FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
	if (n == 0)
		FZ_CHECK(st == RK_EMPTY, "empty frame: status %d", (int) st);
	else if (!(alpha > 0 && alpha < 1))
		FZ_CHECK(st == RK_BADARG, "alpha %.17g: status %d", alpha, (int) st);
	else
	{
		FZ_CHECK(st == RK_OK, "status %d", (int) st);
		q = fz_ref_quantile(s, n, alpha, &tailmean, &nbelow);
		FZ_CHECK(var == -q, "VaR %.17g, sorted frame %.17g (%s, n = %ld)", var, -q,
				 w->use_tree ? "tree" : "array", (long) n);
		FZ_CHECK(isfinite(var) && isfinite(es), "VaR %.17g ES %.17g of finite returns (%s)",
				 var, es, w->use_tree ? "tree" : "array");
		if (nbelow == 0)
			FZ_CHECK(es == var, "nothing below the quantile: ES %.17g, VaR %.17g", es, var);
		else
		{
			/* the tree sums plainly: rounding grows with the count */
			double		tol = 4 * (n + 16) * DBL_EPSILON * maxabs;

			FZ_CHECK(fabs(es + tailmean) <= tol, "ES %.17g, frame %.17g (%s, tol %.3g)",
					 es, -tailmean, w->use_tree ? "tree" : "array", tol);
			FZ_CHECK(es >= var - tol, "ES %.17g below VaR %.17g", es, var);
		}
	}

	/* an absent value is not found, NaN is refused: nothing changes */
	if (n > 0 && s[n - 1] < DBL_MAX)
	{
		double		absent = nextafter(s[n - 1], INFINITY);

		st = w->use_tree ? rk_ostree_remove(&w->tree, absent) : rk_sv_remove(w->vec, n, absent);
		FZ_CHECK(st == RK_NOTFOUND, "removing absent %.17g: status %d", absent, (int) st);
	}
	if (w->use_tree)
	{
		FZ_CHECK(rk_ostree_insert(&w->tree, NAN) == RK_BADARG, "tree took NaN");
		FZ_CHECK(rk_ostree_remove(&w->tree, NAN) == RK_BADARG, "tree removed NaN");
		FZ_CHECK(rk_ostree_count(&w->tree) == n, "NaN or an absent value changed the count");
	}
	else if (n > 0)
		FZ_CHECK(fz_same_values(w->vec, s, n), "removing an absent value changed the array");
	free(out);
	free(s);
}

/*
 * A tree of cap fixed node slots fed x[0..n-1]: a new key with no room is
 * refused with NOSPACE, a repeated key always fits, and what was taken is
 * exported.
 */
static void
check_nospace(const double *x, int64_t n, int32_t cap)
{
	rk_osnode *nodes = malloc(sizeof(rk_osnode) * (size_t) cap);
	double	   *kept = malloc(sizeof(double) * (n > 0 ? n : 1));
	double	   *out = malloc(sizeof(double) * (n > 0 ? n : 1));
	double	   *s;
	int64_t		nk = 0,
				i,
				j;
	rk_ostree t;

	rk_ostree_init(&t, nodes, cap);
	for (i = 0; i < n; i++)
	{
		int			present = 0;
		int32_t		room = rk_ostree_room(&t);
		rk_status st = rk_ostree_insert(&t, x[i]);

		for (j = 0; j < nk && !present; j++)
			present = kept[j] == x[i];
		if (present || room > 0)
			FZ_CHECK(st == RK_OK, "insert %.17g (present %d, room %d): status %d",
					 x[i], present, room, (int) st);
		else
			FZ_CHECK(st == RK_NOSPACE, "insert new %.17g with no room: status %d", x[i], (int) st);
		if (st == RK_OK)
			kept[nk++] = x[i];
		FZ_CHECK(rk_ostree_count(&t) == nk, "count %ld after %ld accepted",
				 (long) rk_ostree_count(&t), (long) nk);
	}
	s = fz_sorted_copy(kept, nk);
	rk_ostree_export(&t, out);
	FZ_CHECK(fz_same_values(out, s, nk), "the full tree lost values");
	free(s);
	free(out);
	free(kept);
	free(nodes);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a level, a frame width, a script and returns; slide the frame and check it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	double		p,
			   *vals,
			   *frame;
	int64_t		width,
				nv,
				next = 0,
				head = 0,
				tail = 0,
				rows = 0,
				every;
	uint8_t		ops[64];
	int			nops,
				i,
				checks = 0;
	uint32_t	pick;
	int32_t		cap;
	hist_win	w;

	fz_init(&r, data, size);
	p = fz_level(&r);
	width = fz_range(&r, 1, 1024);
	cap = (int32_t) fz_range(&r, 1, 8);
	pick = fz_u32(&r);
	nops = (int) fz_range(&r, 0, 64);
	for (i = 0; i < nops; i++)
		ops[i] = fz_u8(&r);
	if (!(p > 0.0 && p < 1.0))
		return 0;
	vals = malloc(sizeof(double) * MAX_VALUES);
	nv = (int64_t) fz_keep_finite(vals, fz_values(&r, vals, MAX_VALUES));
	frame = vals;				/* the frame is vals[head..tail) */

	w.n = 0;
	w.use_tree = 0;
	w.vec = malloc(sizeof(double) * (HIST_VEC_MAX + 1));
	rk_ostree_init(&w.tree, NULL, 0);

	/* the script: 0-1 add a row, 2 drop (b >> 2) + 1 rows, 3 check */
	for (i = 0; i < nops; i++)
	{
		int			op = ops[i] & 3;

		if (op <= 1 && next < nv)
		{
			win_add(&w, vals[next++]);
			tail = next;
		}
		else if (op == 2)
		{
			int			k = (ops[i] >> 2) + 1;

			while (k-- > 0 && head < tail)
				win_remove(&w, frame[head++]);
		}
		else if (op == 3 && checks < MAX_CHECKS)
		{
			win_check(&w, frame + head, tail - head, 1.0 - p, pick + (uint32_t) i);
			checks++;
		}
	}
	/* then a frame of `width` rows slides over the rest */
	every = (nv - next) / MAX_CHECKS + 1;
	while (next < nv)
	{
		win_add(&w, vals[next++]);
		tail = next;
		while (tail - head > width)
			win_remove(&w, frame[head++]);
		if (++rows % every == 0 && checks < MAX_CHECKS)
		{
			win_check(&w, frame + head, tail - head, 1.0 - p, pick + (uint32_t) rows);
			checks++;
		}
	}
	win_check(&w, frame + head, tail - head, 1.0 - p, pick);
	/* the frame empties */
	while (head < tail)
		win_remove(&w, frame[head++]);
	win_check(&w, frame + head, 0, 1.0 - p, pick);

	check_nospace(vals, nv < 64 ? nv : 64, cap);

	free(w.tree.nodes);
	free(w.vec);
	free(vals);
	return 0;
}
