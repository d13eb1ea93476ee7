/*
 * test_window.c
 *     The sliding-window states of the historical VaR/ES: the
 *     order-statistic tree (ostree.c) and the sorted array (sortedvec.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ostree.h"
#include "core/sortedvec.h"
#include "unit.h"

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

UNIT_TEST(test_ostree)
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
UNIT_TEST(test_sortedvec)
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
