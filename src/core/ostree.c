/*
 * ostree.c
 *     Order-statistic AVL tree with multiplicities and subtree sums.
 *
 * The sliding-window state of the historical VaR/ES aggregates: a row entering
 * the frame is an insert, a row leaving it a remove, and the final function
 * reads the quantile (select) and the tail sum (below) without changing the
 * tree.  Every operation is O(log n) in the number of distinct values.
 *
 * Invariants: for every node, keys in the left subtree < key < keys in the
 * right subtree; size = left.size + mult + right.size; sum = left.sum +
 * key*mult + right.sum; |height(left) - height(right)| <= 1.  Free nodes are
 * chained through .left with height 0.
 */
#include <math.h>

#include "ostree.h"
#include "quantile.h"

#define NIL (-1)

static inline int32_t
h_of(const rk_ostree *t, int32_t i)
{
	return i == NIL ? 0 : t->nodes[i].height;
}

static inline int64_t
size_of(const rk_ostree *t, int32_t i)
{
	return i == NIL ? 0 : t->nodes[i].size;
}

static inline double
sum_of(const rk_ostree *t, int32_t i)
{
	return i == NIL ? 0.0 : t->nodes[i].sum;
}

static inline void
update(rk_ostree *t, int32_t i)
{
	rk_osnode *n = &t->nodes[i];
	int32_t		hl = h_of(t, n->left);
	int32_t		hr = h_of(t, n->right);

	n->height = (hl > hr ? hl : hr) + 1;
	n->size = size_of(t, n->left) + n->mult + size_of(t, n->right);
	n->sum = sum_of(t, n->left) + n->key * n->mult + sum_of(t, n->right);
}

static int32_t
rotate_right(rk_ostree *t, int32_t y)
{
	int32_t		x = t->nodes[y].left;

	t->nodes[y].left = t->nodes[x].right;
	t->nodes[x].right = y;
	update(t, y);
	update(t, x);
	return x;
}

static int32_t
rotate_left(rk_ostree *t, int32_t x)
{
	int32_t		y = t->nodes[x].right;

	t->nodes[x].right = t->nodes[y].left;
	t->nodes[y].left = x;
	update(t, x);
	update(t, y);
	return y;
}

/* Restore the AVL balance at i after one of its subtrees changed by one. */
static int32_t
rebalance(rk_ostree *t, int32_t i)
{
	int32_t		bal;

	update(t, i);
	bal = h_of(t, t->nodes[i].left) - h_of(t, t->nodes[i].right);
	if (bal > 1)
	{
		int32_t		l = t->nodes[i].left;

		if (h_of(t, t->nodes[l].left) < h_of(t, t->nodes[l].right))
			t->nodes[i].left = rotate_left(t, l);
		return rotate_right(t, i);
	}
	if (bal < -1)
	{
		int32_t		r = t->nodes[i].right;

		if (h_of(t, t->nodes[r].right) < h_of(t, t->nodes[r].left))
			t->nodes[i].right = rotate_right(t, r);
		return rotate_left(t, i);
	}
	return i;
}

void
rk_ostree_init(rk_ostree *t, rk_osnode *nodes, int32_t capacity)
{
	t->nodes = nodes;
	t->capacity = capacity;
	t->used = 0;
	t->root = NIL;
	t->freelist = NIL;
}

int32_t
rk_ostree_room(const rk_ostree *t)
{
	int32_t		room = t->capacity - t->used;

	/* a free-listed node counts as room as well; one is enough to know */
	return room > 0 ? room : (t->freelist != NIL ? 1 : 0);
}

static int32_t
new_node(rk_ostree *t, double key)
{
	int32_t		i;
	rk_osnode *n;

	if (t->freelist != NIL)
	{
		i = t->freelist;
		t->freelist = t->nodes[i].left;
	}
	else if (t->used < t->capacity)
		i = t->used++;
	else
		return NIL;
	n = &t->nodes[i];
	n->key = key;
	n->mult = 1;
	n->size = 1;
	n->sum = key;
	n->left = NIL;
	n->right = NIL;
	n->height = 1;
	return i;
}

static void
free_node(rk_ostree *t, int32_t i)
{
	t->nodes[i].height = 0;
	t->nodes[i].left = t->freelist;
	t->freelist = i;
}

static int32_t
insert_at(rk_ostree *t, int32_t i, double key, rk_status *st)
{
	if (i == NIL)
	{
		int32_t		n = new_node(t, key);

		if (n == NIL)
			*st = RK_NOSPACE;
		return n;
	}
	if (key < t->nodes[i].key)
	{
		int32_t		c = insert_at(t, t->nodes[i].left, key, st);

		if (*st != RK_OK)
			return i;
		t->nodes[i].left = c;
	}
	else if (key > t->nodes[i].key)
	{
		int32_t		c = insert_at(t, t->nodes[i].right, key, st);

		if (*st != RK_OK)
			return i;
		t->nodes[i].right = c;
	}
	else
	{
		t->nodes[i].mult++;
		update(t, i);
		return i;
	}
	return rebalance(t, i);
}

rk_status
rk_ostree_insert(rk_ostree *t, double key)
{
	rk_status st = RK_OK;
	int32_t		r;

	if (isnan(key))
		return RK_BADARG;
	r = insert_at(t, t->root, key, &st);
	if (st == RK_OK)
		t->root = r;
	return st;
}

/* Detach the minimum of subtree i; its index goes to *minnode. */
static int32_t
detach_min(rk_ostree *t, int32_t i, int32_t *minnode)
{
	if (t->nodes[i].left == NIL)
	{
		*minnode = i;
		return t->nodes[i].right;
	}
	t->nodes[i].left = detach_min(t, t->nodes[i].left, minnode);
	return rebalance(t, i);
}

static int32_t
remove_at(rk_ostree *t, int32_t i, double key, rk_status *st)
{
	if (i == NIL)
	{
		*st = RK_NOTFOUND;
		return NIL;
	}
	if (key < t->nodes[i].key)
		t->nodes[i].left = remove_at(t, t->nodes[i].left, key, st);
	else if (key > t->nodes[i].key)
		t->nodes[i].right = remove_at(t, t->nodes[i].right, key, st);
	else if (t->nodes[i].mult > 1)
		t->nodes[i].mult--;
	else
	{
		int32_t		l = t->nodes[i].left;
		int32_t		r = t->nodes[i].right;
		int32_t		m;

		free_node(t, i);
		if (l == NIL)
			return r;
		if (r == NIL)
			return l;
		r = detach_min(t, r, &m);
		t->nodes[m].left = l;
		t->nodes[m].right = r;
		return rebalance(t, m);
	}
	if (*st != RK_OK)
		return i;
	return rebalance(t, i);
}

rk_status
rk_ostree_remove(rk_ostree *t, double key)
{
	rk_status st = RK_OK;
	int32_t		r;

	if (isnan(key))
		return RK_BADARG;
	r = remove_at(t, t->root, key, &st);
	if (st == RK_OK)
		t->root = r;
	return st;
}

int64_t
rk_ostree_count(const rk_ostree *t)
{
	return size_of(t, t->root);
}

double
rk_ostree_select(const rk_ostree *t, int64_t k)
{
	int32_t		i = t->root;

	while (i != NIL)
	{
		const rk_osnode *n = &t->nodes[i];
		int64_t		ls = size_of(t, n->left);

		if (k < ls)
			i = n->left;
		else if (k < ls + n->mult)
			return n->key;
		else
		{
			k -= ls + n->mult;
			i = n->right;
		}
	}
	return NAN;
}

void
rk_ostree_below(const rk_ostree *t, double key, int64_t *count, double *sum)
{
	int32_t		i = t->root;
	int64_t		c = 0;
	double		s = 0.0;

	while (i != NIL)
	{
		const rk_osnode *n = &t->nodes[i];

		if (n->key < key)
		{
			c += size_of(t, n->left) + n->mult;
			s += sum_of(t, n->left) + n->key * n->mult;
			i = n->right;
		}
		else
			i = n->left;
	}
	*count = c;
	*sum = s;
}

static int64_t
export_at(const rk_ostree *t, int32_t i, double *out, int64_t pos)
{
	int32_t		m;

	if (i == NIL)
		return pos;
	pos = export_at(t, t->nodes[i].left, out, pos);
	for (m = 0; m < t->nodes[i].mult; m++)
		out[pos++] = t->nodes[i].key;
	return export_at(t, t->nodes[i].right, out, pos);
}

void
rk_ostree_export(const rk_ostree *t, double *out)
{
	export_at(t, t->root, out, 0);
}

double
rk_ostree_min(const rk_ostree *t)
{
	int32_t		i = t->root;

	if (i == NIL)
		return NAN;
	while (t->nodes[i].left != NIL)
		i = t->nodes[i].left;
	return t->nodes[i].key;
}

double
rk_ostree_max(const rk_ostree *t)
{
	int32_t		i = t->root;

	if (i == NIL)
		return NAN;
	while (t->nodes[i].right != NIL)
		i = t->nodes[i].right;
	return t->nodes[i].key;
}

/* Add key * mult * 2^-64 of every node of subtree i to (*s, *c) (Neumaier). */
static void
scaled_sum(const rk_ostree *t, int32_t i, double *s, double *c)
{
	while (i != NIL)
	{
		const rk_osnode *n = &t->nodes[i];
		double		x = n->key * 0x1p-64 * n->mult;

		scaled_sum(t, n->left, s, c);
		rk_sum_add(s, c, x);
		i = n->right;
	}
}

/* The mean of the values strictly below key when their plain sum overflows. */
static double
mean_below_scaled(const rk_ostree *t, double key, int64_t count)
{
	int32_t		i = t->root;
	double		s = 0,
				c = 0;

	while (i != NIL)
	{
		const rk_osnode *n = &t->nodes[i];

		if (n->key < key)
		{
			double		x = n->key * 0x1p-64 * n->mult,
						u;

			scaled_sum(t, n->left, &s, &c);
			u = s + x;
			c += fabs(s) >= fabs(x) ? (s - u) + x : (x - u) + s;
			s = u;
			i = n->right;
		}
		else
			i = n->left;
	}
	return (s + c) / (double) count * 0x1p64;
}

rk_status
rk_ostree_var_es(const rk_ostree *t, double alpha, double *var, double *es)
{
	int64_t		n = rk_ostree_count(t);
	int64_t		lo,
				hi,
				nbelow;
	double		h,
				q,
				sbelow;

	if (n <= 0)
		return RK_EMPTY;
	if (!(alpha > 0 && alpha < 1))
		return RK_BADARG;
	rk_q7_position(n, alpha, &lo, &hi, &h);
	q = rk_q7_combine(rk_ostree_select(t, lo),
						hi > lo ? rk_ostree_select(t, hi) : 0.0,
						hi > lo ? h : 0.0);
	if (var)
		*var = -q;
	if (es)
	{
		rk_ostree_below(t, q, &nbelow, &sbelow);
		if (nbelow > 0 && !isfinite(sbelow))
			*es = -mean_below_scaled(t, q, nbelow);
		else
			*es = nbelow > 0 ? -(sbelow / (double) nbelow) : -q;
	}
	return RK_OK;
}
