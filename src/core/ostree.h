/*
 * ostree.h
 *     Order-statistic tree for sliding windows (ostree.c).
 */
#ifndef RK_OSTREE_H
#define RK_OSTREE_H

#include "core.h"

/*
 * An AVL tree of distinct keys with multiplicities, every node augmented
 * with its subtree's count and sum.  Nodes live in a caller-owned array and
 * refer to each other by index, so the array may be moved (realloc) between
 * calls.  Insert/remove/select/rank are O(log n).  Subtree sums are
 * recomputed from the children on every update, so no rounding error
 * accumulates as values come and go.
 */
typedef struct rk_osnode
{
	double		key;
	double		sum;			/* sum of key*mult over the subtree */
	int64_t		size;			/* total multiplicity of the subtree */
	int32_t		mult;			/* multiplicity of key */
	int32_t		left;
	int32_t		right;
	int32_t		height;			/* 0 for a free node */
} rk_osnode;

typedef struct rk_ostree
{
	rk_osnode *nodes;
	int32_t		capacity;
	int32_t		used;			/* nodes handed out so far (high-water) */
	int32_t		root;			/* -1 when empty */
	int32_t		freelist;		/* chain through .left, -1 when none */
} rk_ostree;

void		rk_ostree_init(rk_ostree *t, rk_osnode *nodes, int32_t capacity);

/* Number of free node slots: insert can fail with RK_NOSPACE only if 0. */
int32_t		rk_ostree_room(const rk_ostree *t);
rk_status rk_ostree_insert(rk_ostree *t, double key);
rk_status rk_ostree_remove(rk_ostree *t, double key);
int64_t		rk_ostree_count(const rk_ostree *t);

/* k-th smallest (0-based), k < count. */
double		rk_ostree_select(const rk_ostree *t, int64_t k);

/* Count and sum of the values strictly below key. */
void		rk_ostree_below(const rk_ostree *t, double key,
							  int64_t *count, double *sum);
/* Write every value, in ascending order, to out[0..count-1]. */
void		rk_ostree_export(const rk_ostree *t, double *out);
double		rk_ostree_min(const rk_ostree *t);
double		rk_ostree_max(const rk_ostree *t);

/* Historical VaR/ES from the tree, same definitions as rk_hist_var_es. */
rk_status rk_ostree_var_es(const rk_ostree *t, double alpha,
							   double *var, double *es);

#endif							/* RK_OSTREE_H */
