/*
 * bn.c
 *     Discrete Bayesian networks (bn.h): the checks of a network, exact
 *     inference by variable elimination with evidence and interventions,
 *     soft scenarios, the exact sensitivity of a posterior to every CPT
 *     parameter, and the counts and estimates of learning the CPTs.
 *
 * Variable elimination.  A query first keeps the nodes that matter: the
 * targets, the observed nodes and their ancestors (an intervened node's
 * parents do not matter to it); the other nodes are barren (their CPTs sum
 * out to 1) and are never touched.  Observed and intervened nodes are
 * clamped: every factor is sliced at their states, so they are no
 * variables at all; an intervened node's CPT, a point mass at its state, is
 * dropped.  Each remaining node's CPT becomes a factor (a list of
 * variables and a table, the last variable fastest).  The elimination
 * order is planned on the interaction graph before any table is built:
 * greedy min-fill (the variable whose elimination adds the fewest edges
 * between its neighbours), ties broken by the smaller table and then by
 * the node's index.  The plan gives the size of every table, so max_cells
 * is checked before anything is allocated.  Eliminating x multiplies the
 * factors that hold x and sums x out in one pass: an odometer over the
 * neighbours of x with, for each factor, the stride of each variable (0
 * when absent), x the innermost loop.  Every new table is scaled by a
 * power of 2 so that its largest entry lies in [0.5, 1) (exact: the
 * exponents are kept apart), so P(e) may be far below the smallest double
 * without the posterior losing digits.
 *
 * Sensitivity.  P(t, e) and P(e) are multilinear in the parameters: with
 * node v's CPT left out of the product (replaced by ones) and v's family
 * as targets, elimination gives F(x, u) = dP(e) / dtheta(x|u); with t added
 * to the evidence, dP(t, e) / dtheta(x|u).  The quotient rule gives the
 * derivative of P(t | e) in the independent parameter, and the
 * co-variation of the row (the other states move in proportion, as
 * rk_bn_scale moves them) the reported one.  Only the nodes whose CPTs the
 * query needs are visited: Shachter's Bayes-ball (1998) on the graph
 * after surgery finds them (the nodes marked on top); the others get 0.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bn.h"

#define BN_MAX_CPT ((int64_t) 1 << 31)	/* cells of one CPT */

/* a * b for counts >= 0, INT64_MAX when it would overflow */
static int64_t
mul_sat(int64_t a, int64_t b)
{
	if (a == 0 || b == 0)
		return 0;
	if (a > INT64_MAX / b)
		return INT64_MAX;
	return a * b;
}

int64_t
rk_bn_rows(const rk_bn *bn, int v)
{
	int64_t		r = 1;
	int			j;

	for (j = bn->par_off[v]; j < bn->par_off[v + 1]; j++)
		r = mul_sat(r, bn->card[bn->par[j]]);
	return r;
}

/* ---- checks and order ------------------------------------------------ */

/*
 * Kahn's algorithm on a network whose shape is valid: order[] receives the
 * nodes it could place (parents first), *placed how many.  When some are
 * left (a cycle), *on_cycle is a node that lies on a directed cycle: every
 * node left has a parent left, so walking up from one repeats a node.
 */
static rk_status
topo_sort(const rk_bn *bn, int *order, int *placed, int *on_cycle)
{
	int			n = bn->n,
				ne = bn->par_off[n],
				head = 0,
				tail = 0,
				v,
				j;
	int		   *indeg,
			   *coff,
			   *ch,
			   *seen;

	indeg = malloc(sizeof(int) * ((size_t) 3 * n + 1 + ne));
	if (indeg == NULL)
		return RK_NOSPACE;
	coff = indeg + n;
	seen = coff + n + 1;
	ch = seen + n;
	memset(coff, 0, sizeof(int) * (n + 1));
	for (j = 0; j < ne; j++)
		coff[bn->par[j] + 1]++;
	for (v = 0; v < n; v++)
		coff[v + 1] += coff[v];
	/* seen[] serves as the fill cursor of each child list first */
	memcpy(seen, coff, sizeof(int) * n);
	for (v = 0; v < n; v++)
	{
		indeg[v] = bn->par_off[v + 1] - bn->par_off[v];
		for (j = bn->par_off[v]; j < bn->par_off[v + 1]; j++)
			ch[seen[bn->par[j]]++] = v;
		if (indeg[v] == 0)
			order[tail++] = v;
	}
	while (head < tail)
	{
		int			u = order[head++];

		for (j = coff[u]; j < coff[u + 1]; j++)
			if (--indeg[ch[j]] == 0)
				order[tail++] = ch[j];
	}
	*placed = tail;
	*on_cycle = -1;
	if (tail < n)
	{
		int			cur = -1;

		for (v = 0; v < n; v++)
		{
			seen[v] = 0;
			if (indeg[v] > 0 && cur < 0)
				cur = v;
		}
		while (!seen[cur])
		{
			seen[cur] = 1;
			for (j = bn->par_off[cur]; j < bn->par_off[cur + 1]; j++)
				if (indeg[bn->par[j]] > 0)
					break;
			cur = bn->par[j];
		}
		*on_cycle = cur;
	}
	free(indeg);
	return RK_OK;
}

rk_status
rk_bn_order(const rk_bn *bn, int *order)
{
	int			placed,
				on_cycle;
	rk_status	st = topo_sort(bn, order, &placed, &on_cycle);

	if (st != RK_OK)
		return st;
	return placed == bn->n ? RK_OK : RK_BADARG;
}

rk_status
rk_bn_check(const rk_bn *bn, double tol, rk_bn_fault *fault, int *node, int64_t *row)
{
	rk_bn_fault f = RK_BN_FINE;
	int			at = -1,
				n,
				v,
				j,
				i;
	int64_t		r = -1;
	rk_status	st = RK_OK;

	if (bn == NULL || bn->n < 1 || bn->n > RK_BN_MAX_NODES || !(tol >= 0) ||
		bn->card == NULL || bn->par_off == NULL || bn->cpt_off == NULL || bn->cpt == NULL ||
		bn->par_off[0] != 0 || bn->cpt_off[0] != 0 ||
		(bn->par == NULL && bn->par_off[bn->n] != 0))
	{
		f = RK_BN_SHAPE;
		goto out;
	}
	n = bn->n;
	/* counts first: the parents' checks read the parents' cardinalities */
	for (v = 0; v < n && f == RK_BN_FINE; v++)
	{
		int			k = bn->par_off[v + 1] - bn->par_off[v];

		if (bn->card[v] < 1 || bn->card[v] > RK_BN_MAX_STATES ||
			bn->par_off[v + 1] < bn->par_off[v] || k > RK_BN_MAX_PARENTS)
		{
			f = RK_BN_SHAPE;
			at = v;
		}
	}
	for (v = 0; v < n && f == RK_BN_FINE; v++)
	{
		int64_t		cells = bn->card[v];

		for (j = bn->par_off[v]; j < bn->par_off[v + 1] && f == RK_BN_FINE; j++)
		{
			int			p = bn->par[j];

			if (p < 0 || p >= n || p == v)
				f = RK_BN_SHAPE;
			else
			{
				for (i = bn->par_off[v]; i < j; i++)
					if (bn->par[i] == p)
						f = RK_BN_SHAPE;
				cells = mul_sat(cells, bn->card[p]);
			}
		}
		/* cpt_off[v] is at most v * 2^31 here, so the sum cannot overflow */
		if (f == RK_BN_FINE &&
			(cells > BN_MAX_CPT || bn->cpt_off[v + 1] != bn->cpt_off[v] + cells))
			f = RK_BN_SHAPE;
		if (f != RK_BN_FINE)
			at = v;
	}
	if (f != RK_BN_FINE)
		goto out;

	/* cycles */
	{
		int		   *order = malloc(sizeof(int) * n);
		int			placed,
					on_cycle;

		if (order == NULL)
			return RK_NOSPACE;
		st = topo_sort(bn, order, &placed, &on_cycle);
		free(order);
		if (st != RK_OK)
			return st;
		if (placed < n)
		{
			f = RK_BN_CYCLE;
			at = on_cycle;
			goto out;
		}
	}

	/* values and row sums */
	for (v = 0; v < n && f == RK_BN_FINE; v++)
	{
		int			c = bn->card[v];
		int64_t		rows = rk_bn_rows(bn, v),
					u;
		const double *p = bn->cpt + bn->cpt_off[v];

		for (u = 0; u < rows && f == RK_BN_FINE; u++, p += c)
		{
			double		s = 0,
						comp = 0;

			for (i = 0; i < c; i++)
			{
				if (!(p[i] >= 0 && p[i] <= 1))
				{
					f = RK_BN_VALUE;
					break;
				}
				rk_sum_add(&s, &comp, p[i]);
			}
			if (f == RK_BN_FINE && !(fabs((s + comp) - 1.0) <= tol))
				f = RK_BN_SUM;
			if (f != RK_BN_FINE)
			{
				at = v;
				r = u;
			}
		}
	}

out:
	if (fault != NULL)
		*fault = f;
	if (node != NULL)
		*node = at;
	if (row != NULL)
		*row = r;
	return f == RK_BN_FINE ? RK_OK : RK_BADARG;
}

/* ---- variable elimination -------------------------------------------- */

/* A factor: a table over nv variables (local ids), the last fastest. */
typedef struct ve_factor
{
	int			nv;
	int64_t		size;
	int		   *vars;			/* in the same block as t */
	double	   *t;
} ve_factor;

/* What one elimination run computes. */
typedef struct ve_query
{
	const int  *clamp;			/* [n] the state a node is fixed at, or -1 */
	const char *cut;			/* [n] 1: intervened (no parents, no CPT) */
	int			omit;			/* a node whose CPT is left out, or -1 */
	const int  *targets;
	int			ntargets;
	int64_t		max_cells;
} ve_query;

/* The scratch of one run, released by ve_free. */
typedef struct ve_work
{
	void	   *block;			/* the arrays sized by the nodes */
	void	   *block2;			/* the arrays sized by the variables */
	ve_factor  *f;				/* [cap] */
	int			nf;
	int			cap;
	void	   *prod;			/* the product's scratch, grown as needed */
	size_t		prod_size;
} ve_work;

static void
ve_free(ve_work *w)
{
	int			i;

	for (i = 0; i < w->nf; i++)
		free(w->f[i].t);
	free(w->f);
	free(w->block);
	free(w->block2);
	free(w->prod);
}

/* A factor with room for nv variables and size cells; RK_NOSPACE if none. */
static rk_status
factor_alloc(ve_factor *f, int nv, int64_t size)
{
	f->nv = nv;
	f->size = size;
	f->t = malloc(sizeof(double) * (size_t) size + sizeof(int) * (size_t) (nv + 1));
	if (f->t == NULL)
		return RK_NOSPACE;
	f->vars = (int *) (f->t + size);
	return RK_OK;
}

/* Scale a table by 2^-e so that its largest entry is in [0.5, 1); add e. */
static void
rescale(double *t, int64_t size, double mx, int64_t *exp2)
{
	int			e;
	int64_t		i;

	if (!(mx > 0))
		return;
	(void) frexp(mx, &e);
	if (e == 0)
		return;
	for (i = 0; i < size; i++)
		t[i] = ldexp(t[i], -e);
	*exp2 += e;
}

/*
 * The product of the k factors in[] summed over variable x (-1: no sum)
 * into out, a new factor over outv[0..nu-1] (the last fastest).  stv is
 * zeroed scratch of one entry per local variable, returned zeroed.
 */
static rk_status
ve_product(ve_work *w, ve_factor **in, int k, const int *outv, int nu, int x,
		   const int *vcard, int64_t *stv, ve_factor *out, int64_t *exp2)
{
	size_t		need = sizeof(int64_t) * ((size_t) k * (nu + 2)) +
		sizeof(double *) * (size_t) k + sizeof(int) * (size_t) (nu + 1);
	int64_t    *str,
			   *idx,
			   *xs,
				size = 1,
				o;
	const double **tp;
	int		   *cnt;
	int			i,
				j,
				d,
				cx = x >= 0 ? vcard[x] : 1;
	double		mx = 0;
	rk_status	st;

	for (d = 0; d < nu; d++)
		size *= vcard[outv[d]];
	st = factor_alloc(out, nu, size);
	if (st != RK_OK)
		return st;
	memcpy(out->vars, outv, sizeof(int) * nu);
	if (need > w->prod_size)
	{
		free(w->prod);
		w->prod = malloc(need);
		w->prod_size = w->prod == NULL ? 0 : need;
		if (w->prod == NULL)
		{
			free(out->t);
			return RK_NOSPACE;
		}
	}
	str = w->prod;
	idx = str + (size_t) k * nu;
	xs = idx + k;
	tp = (const double **) (xs + k);
	cnt = (int *) (tp + k);

	for (i = 0; i < k; i++)
	{
		int64_t		s = 1;

		for (j = in[i]->nv - 1; j >= 0; j--)
		{
			stv[in[i]->vars[j]] = s;
			s *= vcard[in[i]->vars[j]];
		}
		for (d = 0; d < nu; d++)
			str[(size_t) i * nu + d] = stv[outv[d]];
		xs[i] = x >= 0 ? stv[x] : 0;
		for (j = 0; j < in[i]->nv; j++)
			stv[in[i]->vars[j]] = 0;
		idx[i] = 0;
		tp[i] = in[i]->t;
	}
	for (d = 0; d < nu; d++)
		cnt[d] = 0;

	for (o = 0; o < size; o++)
	{
		double		acc = 0;
		int			s;

		if (k == 1)
		{
			const double *a = tp[0] + idx[0];

			for (s = 0; s < cx; s++)
				acc += a[s * xs[0]];
		}
		else if (k == 2)
		{
			const double *a = tp[0] + idx[0],
					   *b = tp[1] + idx[1];

			for (s = 0; s < cx; s++)
				acc += a[s * xs[0]] * b[s * xs[1]];
		}
		else
		{
			for (s = 0; s < cx; s++)
			{
				double		p = 1;

				for (i = 0; i < k; i++)
					p *= tp[i][idx[i] + s * xs[i]];
				acc += p;
			}
		}
		out->t[o] = acc;
		if (acc > mx)
			mx = acc;
		/* next configuration of outv: the last digit fastest */
		for (d = nu - 1; d >= 0; d--)
		{
			const int64_t *sd = str + d;

			if (++cnt[d] < vcard[outv[d]])
			{
				for (i = 0; i < k; i++)
					idx[i] += sd[(size_t) i * nu];
				break;
			}
			cnt[d] = 0;
			for (i = 0; i < k; i++)
				idx[i] -= sd[(size_t) i * nu] * (vcard[outv[d]] - 1);
		}
	}
	rescale(out->t, size, mx, exp2);
	return RK_OK;
}

/* Min-fill score of x: fill edges, then log of the table size. */
static void
score(const uint64_t *adj, int words, int x, const double *lcard, int64_t *fill,
	  double *weight)
{
	const uint64_t *ax = adj + (size_t) x * words;
	int64_t		fl = 0;
	double		wt = lcard[x];
	int			wi;

	for (wi = 0; wi < words; wi++)
	{
		uint64_t	b = ax[wi];

		while (b)
		{
			int			a = wi * 64 + __builtin_ctzll(b);
			const uint64_t *aa = adj + (size_t) a * words;
			int			wj;

			b &= b - 1;
			wt += lcard[a];
			for (wj = 0; wj < words; wj++)
				fl += __builtin_popcountll(ax[wj] & ~aa[wj]);
			fl--;				/* a itself */
		}
	}
	*fill = fl / 2;
	*weight = wt;
}

/*
 * One elimination run.  On RK_OK *res (malloc'd; the caller frees it)
 * holds the unnormalized table over the targets that are not clamped, in
 * the order of the targets (the first slowest), to be multiplied by
 * 2^*exp2; *nres is its size.  *largest (if not NULL) receives the largest
 * table of the plan, also on RK_NOSPACE.  The network's shape is valid,
 * the query's states in range and its targets distinct.
 */
static rk_status
ve_run(const rk_bn *bn, const ve_query *q, double **res, int64_t *nres, int64_t *exp2,
	   int64_t *largest)
{
	int			n = bn->n,
				m = 0,
				nf0 = 0,
				nscope = 0,
				nft = 0,
				nelim,
				nlive,
				words,
				i,
				j,
				v,
				top = 0,
				step;
	int64_t		big = 1;
	ve_work		w = {0};
	rk_status	st = RK_OK;
	char	   *rel,
			   *is_tgt,
			   *alive,
			   *mk;
	int		   *stack,
			   *loc,
			   *ssz,
			   *vcard,
			   *fvar,
			   *foff,
			   *order,
			   *nb,
			   *ft;
	int64_t    *fill,
			   *stv;
	double	   *weight,
			   *lcard;
	uint64_t   *adj,
			   *dirty;
	ve_factor **live,
			  **in;
	ve_factor	fin = {0};

	*res = NULL;
	*nres = 0;
	*exp2 = 0;

	/* the nodes that matter: the targets, the clamped nodes not cut, and
	 * their ancestors (a cut node's parents do not matter to it) */
	w.block = malloc(sizeof(int) * (size_t) (3 * n) + (size_t) n);
	if (w.block == NULL)
		return RK_NOSPACE;
	stack = w.block;
	loc = stack + n;
	ssz = loc + n;
	rel = (char *) (ssz + n);
	memset(rel, 0, n);
	for (i = 0; i < q->ntargets; i++)
		if (!rel[q->targets[i]])
		{
			rel[q->targets[i]] = 1;
			stack[top++] = q->targets[i];
		}
	for (v = 0; v < n; v++)
		if (q->clamp[v] >= 0 && !q->cut[v] && !rel[v])
		{
			rel[v] = 1;
			stack[top++] = v;
		}
	while (top > 0)
	{
		int			u = stack[--top];

		if (q->cut[u])
			continue;
		for (j = bn->par_off[u]; j < bn->par_off[u + 1]; j++)
			if (!rel[bn->par[j]])
			{
				rel[bn->par[j]] = 1;
				stack[top++] = bn->par[j];
			}
	}
	/* variables: the relevant nodes not clamped; factors: their CPTs */
	for (v = 0; v < n; v++)
	{
		loc[v] = -1;
		if (rel[v] && q->clamp[v] < 0)
			loc[v] = m++;
	}
	for (v = 0; v < n; v++)
	{
		ssz[v] = -1;
		if (!rel[v] || q->cut[v] || v == q->omit)
			continue;
		ssz[v] = loc[v] >= 0;
		for (j = bn->par_off[v]; j < bn->par_off[v + 1]; j++)
			ssz[v] += loc[bn->par[j]] >= 0;
		nf0++;
		nscope += ssz[v];
	}

	words = (m + 63) / 64;
	w.block2 = calloc(1, sizeof(uint64_t) * ((size_t) m * words + (size_t) words) +
					  sizeof(int64_t) * (size_t) (2 * m) + sizeof(double) * (size_t) (2 * m) +
					  sizeof(ve_factor *) * (size_t) (2 * (nf0 + m + 1)) +
					  sizeof(int) * ((size_t) 3 * m + (size_t) nscope + (size_t) nf0 + 1 +
									 (size_t) q->ntargets) +
					  (size_t) (3 * m) + 8);
	if (w.block2 == NULL)
	{
		st = RK_NOSPACE;
		goto done;
	}
	adj = w.block2;
	dirty = adj + (size_t) m * words;
	fill = (int64_t *) (dirty + words);
	stv = fill + m;
	weight = (double *) (stv + m);
	lcard = weight + m;
	live = (ve_factor **) (lcard + m);
	in = live + nf0 + m + 1;
	vcard = (int *) (in + nf0 + m + 1);
	order = vcard + m;
	nb = order + m;
	foff = nb + m;
	fvar = foff + nf0 + 1;
	ft = fvar + nscope;
	is_tgt = (char *) (ft + q->ntargets);
	alive = is_tgt + m;
	mk = alive + m;

	for (v = 0; v < n; v++)
		if (loc[v] >= 0)
		{
			vcard[loc[v]] = bn->card[v];
			lcard[loc[v]] = log((double) bn->card[v]);
			alive[loc[v]] = 1;
		}
	for (i = 0; i < q->ntargets; i++)
		if (loc[q->targets[i]] >= 0)
		{
			ft[nft++] = loc[q->targets[i]];
			is_tgt[loc[q->targets[i]]] = 1;
		}
	/* the factors' scopes in family order (the node last), and the graph */
	i = 0;
	foff[0] = 0;
	for (v = 0; v < n; v++)
	{
		int64_t		cells = 1;
		int			a,
					b;

		if (ssz[v] < 0)
			continue;
		j = foff[i];
		for (a = bn->par_off[v]; a < bn->par_off[v + 1]; a++)
			if (loc[bn->par[a]] >= 0)
				fvar[j++] = loc[bn->par[a]];
		if (loc[v] >= 0)
			fvar[j++] = loc[v];
		foff[i + 1] = j;
		for (a = foff[i]; a < j; a++)
		{
			cells = mul_sat(cells, vcard[fvar[a]]);
			for (b = foff[i]; b < j; b++)
				if (a != b)
					adj[(size_t) fvar[a] * words + fvar[b] / 64] |= (uint64_t) 1 << (fvar[b] % 64);
		}
		if (cells > big)
			big = cells;
		i++;
	}

	/* the plan: greedy min-fill, ties by the smaller table, then the index */
	nelim = m - nft;
	for (i = 0; i < m; i++)
		if (!is_tgt[i])
			score(adj, words, i, lcard, &fill[i], &weight[i]);
	for (step = 0; step < nelim; step++)
	{
		int			x = -1,
					nn = 0,
					wi,
					a;
		int64_t		cells;
		const uint64_t *ax;

		for (i = 0; i < m; i++)
			if (alive[i] && !is_tgt[i] &&
				(x < 0 || fill[i] < fill[x] || (fill[i] == fill[x] && weight[i] < weight[x])))
				x = i;
		order[step] = x;
		alive[x] = 0;
		ax = adj + (size_t) x * words;
		cells = vcard[x];
		for (wi = 0; wi < words; wi++)
		{
			uint64_t	b = ax[wi];

			while (b)
			{
				nb[nn++] = wi * 64 + __builtin_ctzll(b);
				b &= b - 1;
			}
		}
		for (a = 0; a < nn; a++)
			cells = mul_sat(cells, vcard[nb[a]]);
		if (cells > big)
			big = cells;
		/* x's neighbours become a clique; x leaves the graph */
		memcpy(dirty, ax, sizeof(uint64_t) * words);
		for (a = 0; a < nn; a++)
		{
			uint64_t   *aa = adj + (size_t) nb[a] * words;

			for (wi = 0; wi < words; wi++)
				aa[wi] |= ax[wi];
			aa[nb[a] / 64] &= ~((uint64_t) 1 << (nb[a] % 64));
			aa[x / 64] &= ~((uint64_t) 1 << (x % 64));
		}
		for (a = 0; a < nn; a++)
		{
			const uint64_t *aa = adj + (size_t) nb[a] * words;

			for (wi = 0; wi < words; wi++)
				dirty[wi] |= aa[wi];
		}
		/* the scores that can have changed: x's neighbours and theirs */
		for (wi = 0; wi < words; wi++)
		{
			uint64_t	b = dirty[wi];

			while (b)
			{
				int			y = wi * 64 + __builtin_ctzll(b);

				b &= b - 1;
				if (alive[y] && !is_tgt[y])
					score(adj, words, y, lcard, &fill[y], &weight[y]);
			}
		}
	}
	{
		int64_t		cells = 1;

		for (i = 0; i < nft; i++)
			cells = mul_sat(cells, vcard[ft[i]]);
		if (cells > big)
			big = cells;
	}
	if (largest != NULL)
		*largest = big;
	/* without a limit, still no table whose byte count overflows */
	if (big > q->max_cells || (uint64_t) big > SIZE_MAX / (2 * sizeof(double)))
	{
		st = RK_NOSPACE;
		goto done;
	}

	/* the factors: each CPT sliced at the clamped states */
	w.cap = nf0 + nelim;
	w.f = calloc((size_t) w.cap + 1, sizeof(ve_factor));
	if (w.f == NULL)
	{
		st = RK_NOSPACE;
		goto done;
	}
	i = 0;
	for (v = 0; v < n; v++)
	{
		int			fam = bn->par_off[v + 1] - bn->par_off[v] + 1,
					nfree = 0,
					cnt[RK_BN_MAX_PARENTS + 1],
					fcard[RK_BN_MAX_PARENTS + 1],
					d,
					a;
		int64_t		cs = 1,
					fstr[RK_BN_MAX_PARENTS + 1],
					size = 1,
					idx = 0,
					o;
		const double *cpt = bn->cpt + bn->cpt_off[v];
		ve_factor  *f = &w.f[w.nf];
		double		mx = 0;

		if (ssz[v] < 0)
			continue;
		/* positions fam-1 (the node) down to 0 (the first parent) */
		for (a = fam - 1; a >= 0; a--)
		{
			int			u = a == fam - 1 ? v : bn->par[bn->par_off[v] + a];

			if (q->clamp[u] >= 0)
				idx += cs * q->clamp[u];
			cs *= bn->card[u];
		}
		cs = 1;
		for (a = fam - 1; a >= 0; a--)
		{
			int			u = a == fam - 1 ? v : bn->par[bn->par_off[v] + a];

			if (q->clamp[u] < 0)
			{
				fstr[nfree] = cs;
				fcard[nfree] = bn->card[u];
				cnt[nfree] = 0;
				size *= bn->card[u];
				nfree++;
			}
			cs *= bn->card[u];
		}
		/* fstr[] runs from the fastest; the factor lists the slowest first */
		st = factor_alloc(f, nfree, size);
		if (st != RK_OK)
			goto done;
		w.nf++;
		memcpy(f->vars, fvar + foff[i], sizeof(int) * nfree);
		for (o = 0; o < size; o++)
		{
			double		val = cpt[idx];

			f->t[o] = val;
			if (val > mx)
				mx = val;
			for (d = 0; d < nfree; d++)
			{
				if (++cnt[d] < fcard[d])
				{
					idx += fstr[d];
					break;
				}
				cnt[d] = 0;
				idx -= fstr[d] * (fcard[d] - 1);
			}
		}
		rescale(f->t, size, mx, exp2);
		live[i] = f;
		i++;
	}
	nlive = nf0;

	/* eliminate */
	for (step = 0; step < nelim; step++)
	{
		int			x = order[step],
					k = 0,
					nu = 0,
					a,
					b;

		if (rk_should_stop())
		{
			st = RK_CANCELLED;
			goto done;
		}
		/* take the factors holding x out of the live list */
		for (i = 0; i < nlive;)
		{
			ve_factor  *f = live[i];
			int			has = 0;

			for (a = 0; a < f->nv; a++)
				has |= f->vars[a] == x;
			if (!has)
			{
				i++;
				continue;
			}
			for (a = 0; a < f->nv; a++)
				if (f->vars[a] != x && !mk[f->vars[a]])
				{
					mk[f->vars[a]] = 1;
					nb[nu++] = f->vars[a];
				}
			in[k++] = f;
			live[i] = live[--nlive];
		}
		for (a = 0; a < nu; a++)
			mk[nb[a]] = 0;
		/* the neighbours in ascending order (few: insertion sort) */
		for (a = 1; a < nu; a++)
		{
			int			y = nb[a];

			for (b = a; b > 0 && nb[b - 1] > y; b--)
				nb[b] = nb[b - 1];
			nb[b] = y;
		}
		st = ve_product(&w, in, k, nb, nu, x, vcard, stv, &w.f[w.nf], exp2);
		if (st != RK_OK)
			goto done;
		for (a = 0; a < k; a++)
		{
			free(in[a]->t);
			in[a]->t = NULL;
		}
		live[nlive++] = &w.f[w.nf++];
	}

	/* what is left holds only targets: their product, in target order */
	st = ve_product(&w, live, nlive, ft, nft, -1, vcard, stv, &fin, exp2);
	if (st != RK_OK)
		goto done;
	*res = fin.t;
	*nres = fin.size;

done:
	ve_free(&w);
	return st;
}

/* ---- queries ---------------------------------------------------------- */

/*
 * The query's checks, and clamp[] (the state of an observed or intervened
 * node, else -1) and cut[] (1 for an intervened node) from it: RK_BADARG
 * for a target, state or size out of range or a repeated target,
 * RK_DEGENERATE for an observation that contradicts an intervention.
 */
static rk_status
query_setup(const rk_bn *bn, const rk_bn_query *q, int *clamp, char *cut)
{
	int			n = bn->n,
				v,
				i;
	rk_status	st = RK_OK;

	if (q->ntargets < 0 || q->ntargets > n || (q->ntargets > 0 && q->targets == NULL))
		return RK_BADARG;
	for (v = 0; v < n; v++)
	{
		int			e = q->evidence != NULL ? q->evidence[v] : -1,
					d = q->intervene != NULL ? q->intervene[v] : -1;

		if (e < -1 || e >= bn->card[v] || d < -1 || d >= bn->card[v])
			return RK_BADARG;
		clamp[v] = d >= 0 ? d : e;
		cut[v] = d >= 0;
		if (d >= 0 && e >= 0 && d != e)
			st = RK_DEGENERATE;
	}
	/* cut[] doubles as the mark of the targets seen */
	for (i = 0; i < q->ntargets; i++)
	{
		int			t = q->targets[i];

		if (t < 0 || t >= n || (cut[t] & 2))
			st = RK_BADARG;
		else
			cut[t] |= 2;
	}
	for (i = 0; i < q->ntargets; i++)
		if (q->targets[i] >= 0 && q->targets[i] < n)
			cut[q->targets[i]] &= 1;
	return st;
}

/*
 * Write tab (over the targets not clamped, in target order) into out (over
 * all the targets, the first slowest): a clamped target's other states get
 * 0.  RK_NOSPACE when the scratch cannot be allocated.
 */
static rk_status
scatter(const rk_bn *bn, const int *clamp, const int *targets, int nt, const double *tab,
		int64_t ntab, double *out)
{
	int64_t    *fs,
				total = 1,
				base = 0,
				idx,
				i;
	int		   *cnt,
			   *fp,
				nfree = 0,
				p;

	fs = malloc((sizeof(int64_t) + 2 * sizeof(int)) * (size_t) (nt + 1));
	if (fs == NULL)
		return RK_NOSPACE;
	cnt = (int *) (fs + nt + 1);
	fp = cnt + nt + 1;
	for (p = nt - 1; p >= 0; p--)
	{
		fs[p] = total;
		total *= bn->card[targets[p]];
	}
	for (p = 0; p < nt; p++)
	{
		if (clamp[targets[p]] >= 0)
			base += fs[p] * clamp[targets[p]];
		else
			fp[nfree++] = p;
		cnt[p] = 0;
	}
	memset(out, 0, sizeof(double) * (size_t) total);
	idx = base;
	for (i = 0; i < ntab; i++)
	{
		int			d;

		out[idx] = tab[i];
		for (d = nfree - 1; d >= 0; d--)
		{
			int			c = bn->card[targets[fp[d]]];

			if (++cnt[d] < c)
			{
				idx += fs[fp[d]];
				break;
			}
			cnt[d] = 0;
			idx -= fs[fp[d]] * (c - 1);
		}
	}
	free(fs);
	return RK_OK;
}

static double
table_sum(const double *t, int64_t size)
{
	double		s = 0,
				c = 0;
	int64_t		i;

	for (i = 0; i < size; i++)
		rk_sum_add(&s, &c, t[i]);
	return s + c;
}

/* 2^e as a factor, e clamped so that ldexp gets an int */
static double
scale2(double x, int64_t e)
{
	if (e > 100000)
		e = 100000;
	if (e < -100000)
		e = -100000;
	return ldexp(x, (int) e);
}

rk_status
rk_bn_infer(const rk_bn *bn, const rk_bn_query *q, double *joint, double *p_evidence,
			int64_t *largest)
{
	int		   *clamp;
	char	   *cut;
	double	   *res = NULL,
				sum;
	int64_t		nres,
				exp2,
				total = 1,
				i;
	ve_query	vq;
	rk_status	st;

	if (largest != NULL)
		*largest = 0;
	if (bn == NULL || q == NULL || joint == NULL)
		return RK_BADARG;
	clamp = malloc((sizeof(int) + 1) * (size_t) bn->n);
	if (clamp == NULL)
		return RK_NOSPACE;
	cut = (char *) (clamp + bn->n);
	st = query_setup(bn, q, clamp, cut);
	if (st == RK_OK)
	{
		vq.clamp = clamp;
		vq.cut = cut;
		vq.omit = -1;
		vq.targets = q->targets;
		vq.ntargets = q->ntargets;
		vq.max_cells = q->max_cells > 0 ? q->max_cells : INT64_MAX;
		st = ve_run(bn, &vq, &res, &nres, &exp2, largest);
	}
	if (st == RK_OK)
	{
		sum = table_sum(res, nres);
		if (!(sum > 0))
			st = RK_DEGENERATE;
		else
		{
			if (p_evidence != NULL)
				*p_evidence = scale2(sum, exp2);
			st = scatter(bn, clamp, q->targets, q->ntargets, res, nres, joint);
			for (i = 0; i < q->ntargets; i++)
				total *= bn->card[q->targets[i]];
			if (st == RK_OK)
				for (i = 0; i < total; i++)
					joint[i] /= sum;
		}
	}
	if (st == RK_DEGENERATE && p_evidence != NULL)
		*p_evidence = 0;
	free(res);
	free(clamp);
	return st;
}

rk_status
rk_bn_scale(const rk_bn *bn, int v, int s, double factor, double *cpt_out)
{
	int			c,
				x;
	int64_t		rows,
				u;
	const double *p;
	double	   *o;

	if (bn == NULL || cpt_out == NULL || v < 0 || v >= bn->n || s < 0 || s >= bn->card[v] ||
		!(factor >= 0 && isfinite(factor)))
		return RK_BADARG;
	c = bn->card[v];
	rows = rk_bn_rows(bn, v);
	p = bn->cpt + bn->cpt_off[v];
	/* every row first, so that a refusal leaves cpt_out untouched */
	for (u = 0; u < rows; u++)
	{
		double		t = factor * p[u * c + s];

		if (t > 1 + 4 * DBL_EPSILON || (c == 1 && t != p[u * c + s]))
			return RK_BADARG;
	}
	memcpy(cpt_out, bn->cpt, sizeof(double) * (size_t) bn->cpt_off[bn->n]);
	o = cpt_out + bn->cpt_off[v];
	for (u = 0; u < rows; u++)
	{
		const double *pr = p + u * c;
		double		t = factor * pr[s],
					rest,
					others = 0,
					comp = 0;

		if (t > 1)
			t = 1;
		rest = 1 - t;
		for (x = 0; x < c; x++)
			if (x != s)
				rk_sum_add(&others, &comp, pr[x]);
		others += comp;
		for (x = 0; x < c; x++)
			if (x != s)
				o[u * c + x] = others > 0 ? pr[x] * rest / others : rest / (c - 1);
		o[u * c + s] = t;
	}
	return RK_OK;
}

/*
 * Bayes-ball (Shachter 1998) on the graph after surgery (a cut node has no
 * parents): top[v] = 1 for the nodes whose CPTs P(target | clamped) needs.
 * The clamped nodes are the observations.
 */
static rk_status
requisite(const rk_bn *bn, const int *clamp, const char *cut, int target, char *top)
{
	int			n = bn->n,
				ne = bn->par_off[n],
				qh = 0,
				qt = 0,
				v,
				j;
	int		   *coff,
			   *ch,
			   *fill,
			   *qn;
	char	   *qc,
			   *bottom;

	coff = malloc(sizeof(int) * ((size_t) 2 * n + 1 + (size_t) ne + (size_t) (2 * ne + 1)) +
				  (size_t) (2 * ne + 1) + (size_t) n);
	if (coff == NULL)
		return RK_NOSPACE;
	fill = coff + n + 1;
	ch = fill + n;
	qn = ch + ne;
	qc = (char *) (qn + 2 * ne + 1);
	bottom = qc + 2 * ne + 1;
	memset(coff, 0, sizeof(int) * (n + 1));
	memset(bottom, 0, n);
	memset(top, 0, n);
	for (v = 0; v < n; v++)
		if (!cut[v])
			for (j = bn->par_off[v]; j < bn->par_off[v + 1]; j++)
				coff[bn->par[j] + 1]++;
	for (v = 0; v < n; v++)
		coff[v + 1] += coff[v];
	memcpy(fill, coff, sizeof(int) * n);
	for (v = 0; v < n; v++)
		if (!cut[v])
			for (j = bn->par_off[v]; j < bn->par_off[v + 1]; j++)
				ch[fill[bn->par[j]]++] = v;
	/* the schedule: (node, from a child?); each mark enqueues once */
	qn[qt] = target;
	qc[qt++] = 1;
	while (qh < qt)
	{
		int			u = qn[qh],
					from_child = qc[qh];
		int			obs = clamp[u] >= 0;

		qh++;
		if (from_child && !obs)
		{
			if (!top[u])
			{
				top[u] = 1;
				if (!cut[u])
					for (j = bn->par_off[u]; j < bn->par_off[u + 1]; j++)
					{
						qn[qt] = bn->par[j];
						qc[qt++] = 1;
					}
			}
			if (!bottom[u])
			{
				bottom[u] = 1;
				for (j = coff[u]; j < coff[u + 1]; j++)
				{
					qn[qt] = ch[j];
					qc[qt++] = 0;
				}
			}
		}
		else if (!from_child)
		{
			if (obs && !top[u])
			{
				top[u] = 1;
				if (!cut[u])
					for (j = bn->par_off[u]; j < bn->par_off[u + 1]; j++)
					{
						qn[qt] = bn->par[j];
						qc[qt++] = 1;
					}
			}
			if (!obs && !bottom[u])
			{
				bottom[u] = 1;
				for (j = coff[u]; j < coff[u + 1]; j++)
				{
					qn[qt] = ch[j];
					qc[qt++] = 0;
				}
			}
		}
	}
	free(coff);
	return RK_OK;
}

rk_status
rk_bn_sensitivity(const rk_bn *bn, const rk_bn_query *q, int t, double *d)
{
	int			n,
				T,
				v,
				j;
	int		   *clamp,
			   *clamp2,
			   *fam;
	char	   *cut,
			   *top;
	double	   *res = NULL,
			   *fa = NULL,
				pe,
				pt;
	int64_t		nres,
				e0,
				maxc = 1;
	ve_query	vq;
	rk_status	st;

	if (bn == NULL || q == NULL || d == NULL || q->ntargets != 1 || q->targets == NULL)
		return RK_BADARG;
	n = bn->n;
	T = q->targets[0];
	if (T < 0 || T >= n || t < 0 || t >= bn->card[T])
		return RK_BADARG;
	clamp = malloc((sizeof(int) * 2 + 2) * (size_t) n + sizeof(int) * (RK_BN_MAX_PARENTS + 1));
	if (clamp == NULL)
		return RK_NOSPACE;
	clamp2 = clamp + n;
	fam = clamp2 + n;
	cut = (char *) (fam + RK_BN_MAX_PARENTS + 1);
	top = cut + n;
	st = query_setup(bn, q, clamp, cut);
	if (st != RK_OK)
		goto done;

	/* P(e) and P(t, e) */
	vq.clamp = clamp;
	vq.cut = cut;
	vq.omit = -1;
	vq.targets = q->targets;
	vq.ntargets = 1;
	vq.max_cells = q->max_cells > 0 ? q->max_cells : INT64_MAX;
	st = ve_run(bn, &vq, &res, &nres, &e0, NULL);
	if (st != RK_OK)
		goto done;
	pe = table_sum(res, nres);
	if (!(pe > 0))
	{
		st = RK_DEGENERATE;
		goto done;
	}
	pt = clamp[T] >= 0 ? (clamp[T] == t ? pe : 0) : res[t];
	free(res);
	res = NULL;
	memset(d, 0, sizeof(double) * (size_t) bn->cpt_off[n]);
	if (clamp[T] >= 0)
		goto done;				/* P(t | e) is 0 or 1 whatever the parameters */

	st = requisite(bn, clamp, cut, T, top);
	if (st != RK_OK)
		goto done;
	for (v = 0; v < n; v++)
		if (top[v] && !cut[v] && bn->cpt_off[v + 1] - bn->cpt_off[v] > maxc)
			maxc = bn->cpt_off[v + 1] - bn->cpt_off[v];
	fa = malloc(sizeof(double) * 2 * (size_t) maxc);
	if (fa == NULL)
	{
		st = RK_NOSPACE;
		goto done;
	}
	memcpy(clamp2, clamp, sizeof(int) * n);
	clamp2[T] = t;
	for (v = 0; v < n; v++)
	{
		int			c = bn->card[v],
					nfam = 0,
					x,
					pass;
		int64_t		cells = bn->cpt_off[v + 1] - bn->cpt_off[v],
					rows = cells / c,
					u,
					ex[2];
		double	   *fb = fa + cells,
				   *dv = d + bn->cpt_off[v];
		const double *th = bn->cpt + bn->cpt_off[v];

		if (!top[v] || cut[v])
			continue;
		if (rk_should_stop())
		{
			st = RK_CANCELLED;
			goto done;
		}
		for (j = bn->par_off[v]; j < bn->par_off[v + 1]; j++)
			fam[nfam++] = bn->par[j];
		fam[nfam++] = v;
		/* F(x, u): dP(e)/dtheta, then dP(t, e)/dtheta */
		for (pass = 0; pass < 2; pass++)
		{
			vq.clamp = pass == 0 ? clamp : clamp2;
			vq.omit = v;
			vq.targets = fam;
			vq.ntargets = nfam;
			st = ve_run(bn, &vq, &res, &nres, &ex[pass], NULL);
			if (st == RK_OK)
				st = scatter(bn, vq.clamp, fam, nfam, res, nres, pass == 0 ? fa : fb);
			free(res);
			res = NULL;
			if (st != RK_OK)
				goto done;
		}
		/* the derivative of P(t | e) in each independent parameter */
		for (u = 0; u < cells; u++)
			dv[u] = scale2(fb[u], ex[1] - e0) / pe - pt / pe * scale2(fa[u], ex[0] - e0) / pe;
		/* co-variation: the other states of the row move in proportion */
		for (u = 0; u < rows; u++)
		{
			double	   *g = dv + u * c;
			const double *p = th + u * c;
			double		gsum = 0,
						gc = 0,
						tot = 0,
						tc = 0;

			if (c == 1)
			{
				g[0] = 0;
				continue;
			}
			/* fa's row serves as the scratch of the new row */
			for (x = 0; x < c; x++)
			{
				fa[x] = g[x];
				rk_sum_add(&tot, &tc, p[x]);
				rk_sum_add(&gsum, &gc, g[x] * p[x]);
			}
			tot += tc;
			gsum += gc;
			for (x = 0; x < c; x++)
			{
				double		others = tot - p[x];

				if (others > 0)
					g[x] = fa[x] - (gsum - fa[x] * p[x]) / others;
				else
				{
					double		s = 0;
					int			y;

					for (y = 0; y < c; y++)
						if (y != x)
							s += fa[y];
					g[x] = fa[x] - s / (c - 1);
				}
			}
		}
	}

done:
	free(res);
	free(fa);
	free(clamp);
	return st;
}

/* ---- learning --------------------------------------------------------- */

rk_status
rk_bn_count(const rk_bn *bn, const int *x, double weight, double *counts)
{
	int			v,
				j;

	if (bn == NULL || x == NULL || counts == NULL || !isfinite(weight))
		return RK_BADARG;
	for (v = 0; v < bn->n; v++)
		if (x[v] < -1 || x[v] >= bn->card[v])
			return RK_BADARG;
	for (v = 0; v < bn->n; v++)
	{
		int64_t		u = 0;

		if (x[v] < 0)
			continue;
		for (j = bn->par_off[v]; j < bn->par_off[v + 1]; j++)
		{
			int			p = bn->par[j];

			if (x[p] < 0)
				break;
			u = u * bn->card[p] + x[p];
		}
		if (j < bn->par_off[v + 1])
			continue;
		counts[bn->cpt_off[v] + u * bn->card[v] + x[v]] += weight;
	}
	return RK_OK;
}

rk_status
rk_bn_estimate(const rk_bn *bn, const double *counts, rk_bn_estimator est, double ess,
			   const double *prior, double *cpt_out)
{
	int64_t		ncell,
				i;
	int			v;

	if (bn == NULL || counts == NULL || cpt_out == NULL)
		return RK_BADARG;
	if (est != RK_BN_ML && est != RK_BN_BDEU && est != RK_BN_K2 && est != RK_BN_PRIOR)
		return RK_BADARG;
	if ((est == RK_BN_BDEU && !(ess > 0 && isfinite(ess))) || (est == RK_BN_PRIOR && prior == NULL))
		return RK_BADARG;
	ncell = bn->cpt_off[bn->n];
	for (i = 0; i < ncell; i++)
		if (!(counts[i] >= 0 && isfinite(counts[i])) ||
			(est == RK_BN_PRIOR && !(prior[i] >= 0 && isfinite(prior[i]))))
			return RK_BADARG;
	for (v = 0; v < bn->n; v++)
	{
		int			c = bn->card[v],
					x;
		int64_t		rows = rk_bn_rows(bn, v),
					u;
		double		a = est == RK_BN_K2 ? 1.0 :
			est == RK_BN_BDEU ? ess / ((double) rows * c) : 0.0;

		for (u = 0; u < rows; u++)
		{
			int64_t		b = bn->cpt_off[v] + u * c;
			double		tot = 0,
						comp = 0;
			int			sh = 0;

			for (x = 0; x < c; x++)
				rk_sum_add(&tot, &comp, counts[b + x] + (est == RK_BN_PRIOR ? prior[b + x] : a));
			tot += comp;
			if (isinf(tot))
			{
				/* huge counts: the same ratios from values scaled by 2^-64 */
				sh = -64;
				tot = comp = 0;
				for (x = 0; x < c; x++)
					rk_sum_add(&tot, &comp, ldexp(counts[b + x], sh) +
							   ldexp(est == RK_BN_PRIOR ? prior[b + x] : a, sh));
				tot += comp;
			}
			for (x = 0; x < c; x++)
				cpt_out[b + x] = tot > 0 ?
					(ldexp(counts[b + x], sh) + ldexp(est == RK_BN_PRIOR ? prior[b + x] : a, sh)) / tot :
					1.0 / c;
		}
	}
	return RK_OK;
}

/* ---------------------------------------------------------------------
 * Structure scores and hill climbing
 * --------------------------------------------------------------------- */

rk_status
rk_bn_family_score(int card, int64_t rows, const double *counts, rk_bn_score_kind kind,
				   double ess, double *score)
{
	double		s = 0,
				sc = 0,
				a = 0,
				au = 0,
				total = 0,
				tc = 0;
	int64_t		u;
	int			x;

	if (card < 1 || rows < 1 || counts == NULL || score == NULL)
		return RK_BADARG;
	if (kind != RK_BN_SCORE_BIC && kind != RK_BN_SCORE_BDEU && kind != RK_BN_SCORE_K2)
		return RK_BADARG;
	if (kind == RK_BN_SCORE_BDEU && !(ess > 0 && isfinite(ess)))
		return RK_BADARG;
	for (u = 0; u < rows * card; u++)
		if (!(counts[u] >= 0 && isfinite(counts[u])))
			return RK_BADARG;
	if (kind == RK_BN_SCORE_BDEU)
	{
		a = ess / ((double) rows * card);
		au = ess / (double) rows;
	}
	else if (kind == RK_BN_SCORE_K2)
	{
		a = 1;
		au = card;
	}
	for (u = 0; u < rows; u++)
	{
		const double *c = counts + u * card;
		double		nu = 0,
					nc = 0;

		for (x = 0; x < card; x++)
			rk_sum_add(&nu, &nc, c[x]);
		nu += nc;
		rk_sum_add(&total, &tc, nu);
		if (kind == RK_BN_SCORE_BIC)
		{
			for (x = 0; x < card; x++)
				if (c[x] > 0)
					rk_sum_add(&s, &sc, c[x] * log(c[x] / nu));
		}
		else if (nu > 0)
		{
			/* a row without counts adds lnG(a_u) - lnG(a_u) = 0 */
			rk_sum_add(&s, &sc, lgamma(au) - lgamma(au + nu));
			for (x = 0; x < card; x++)
				if (c[x] > 0)
					rk_sum_add(&s, &sc, lgamma(a + c[x]) - lgamma(a));
		}
	}
	total += tc;
	if (kind == RK_BN_SCORE_BIC && total > 0)
		rk_sum_add(&s, &sc, -0.5 * log(total) * (double) (card - 1) * (double) rows);
	*score = s + sc;
	return RK_OK;
}

rk_status
rk_bn_score(const rk_bn *bn, const double *counts, rk_bn_score_kind kind, double ess,
			double *node_scores, double *total)
{
	double		s = 0,
				c = 0;

	if (bn == NULL || counts == NULL || total == NULL)
		return RK_BADARG;
	for (int v = 0; v < bn->n; v++)
	{
		double		f;
		rk_status	rc = rk_bn_family_score(bn->card[v], rk_bn_rows(bn, v),
											counts + bn->cpt_off[v], kind, ess, &f);

		if (rc != RK_OK)
			return rc;
		if (node_scores)
			node_scores[v] = f;
		rk_sum_add(&s, &c, f);
	}
	*total = s + c;
	return RK_OK;
}

typedef struct hc_work
{
	const rk_bn_data *d;
	const rk_bn_search *s;
	int			n;
	uint8_t    *adj;			/* the current graph */
	double	   *local;			/* [n] local score of each node now */
	double	   *alt;			/* [n * n] v's score with parent z toggled */
	uint8_t    *alt_ok;			/* [n * n] whether alt[v * n + z] is a candidate */
	uint8_t    *reach;			/* [n * n] v reachable from u by a path */
	int		   *par;			/* [n] scratch: a parent list */
	int		   *stack;			/* [n] scratch */
	double	   *counts;			/* scratch: a family's table */
	int64_t		cap;			/* its size */
	uint8_t    *complete;		/* [nrows] the event observes every node */
} hc_work;

/*
 * The local score of v with parents par[0..np-1] (in index order), or
 * RK_BADARG when the family's table exceeds max_cells (not a candidate).
 */
static rk_status
hc_local(hc_work *w, int v, const int *par, int np, double *score)
{
	const rk_bn_data *d = w->d;
	int64_t		rows = 1,
				cells,
				i;
	const uint8_t *xv = d->x + (int64_t) v * d->nrows;

	for (int j = 0; j < np; j++)
	{
		rows *= d->card[par[j]];
		if (rows * d->card[v] > w->s->max_cells)
			return RK_BADARG;
	}
	cells = rows * d->card[v];
	if (cells > w->s->max_cells)
		return RK_BADARG;
	if (rk_should_stop())
		return RK_CANCELLED;
	if (cells > w->cap)
	{
		double	   *c = realloc(w->counts, sizeof(double) * (size_t) cells);

		if (c == NULL)
			return RK_NOSPACE;
		w->counts = c;
		w->cap = cells;
	}
	memset(w->counts, 0, sizeof(double) * (size_t) cells);
	for (i = 0; i < d->nrows; i++)
	{
		int64_t		u = 0;

		if (!w->complete[i])
			continue;
		for (int j = 0; j < np; j++)
			u = u * d->card[par[j]] + d->x[(int64_t) par[j] * d->nrows + i];
		w->counts[u * d->card[v] + xv[i]] += 1;
	}
	return rk_bn_family_score(d->card[v], rows, w->counts, w->s->score, w->s->ess, score);
}

/* The parents of v in the current graph, with z toggled when z >= 0. */
static int
hc_parents(const hc_work *w, int v, int z)
{
	int			np = 0;

	for (int p = 0; p < w->n; p++)
		if (p != v && (w->adj[p * w->n + v] != 0) != (p == z))
			w->par[np++] = p;
	return np;
}

/* local[v] and v's row of alt: v's parents changed (or the start). */
static rk_status
hc_node(hc_work *w, int v)
{
	int			n = w->n,
				np = hc_parents(w, v, -1);
	rk_status	rc = hc_local(w, v, w->par, np, &w->local[v]);

	if (rc != RK_OK)
		return rc;				/* the current graph is always within the limits */
	for (int z = 0; z < n; z++)
	{
		bool		adding = z != v && !w->adj[z * n + v];

		w->alt_ok[v * n + z] = 0;
		if (z == v || (adding && w->s->max_parents >= 0 && np + 1 > w->s->max_parents))
			continue;
		rc = hc_local(w, v, w->par, hc_parents(w, v, z), &w->alt[v * n + z]);
		if (rc == RK_BADARG)
			continue;			/* a table beyond max_cells: not a candidate */
		if (rc != RK_OK)
			return rc;
		w->alt_ok[v * n + z] = 1;
	}
	return RK_OK;
}

/* reach[u * n + v]: a directed path of one edge or more from u to v. */
static void
hc_reach(hc_work *w)
{
	int			n = w->n;

	memset(w->reach, 0, (size_t) n * n);
	for (int u = 0; u < n; u++)
	{
		uint8_t    *r = w->reach + (size_t) u * n;
		int			top = 0;

		w->stack[top++] = u;
		while (top > 0)
		{
			int			a = w->stack[--top];

			for (int b = 0; b < n; b++)
				if (w->adj[a * n + b] && !r[b])
				{
					r[b] = 1;
					w->stack[top++] = b;
				}
		}
	}
}

static double
hc_total(const hc_work *w)
{
	double		s = 0,
				c = 0;

	for (int v = 0; v < w->n; v++)
		rk_sum_add(&s, &c, w->local[v]);
	return s + c;
}

static void
hc_free(hc_work *w)
{
	free(w->adj);
	free(w->local);
	free(w->alt);
	free(w->alt_ok);
	free(w->reach);
	free(w->par);
	free(w->stack);
	free(w->counts);
	free(w->complete);
}

/* The start: acyclic, within the lists and limits (whitelist added). */
static rk_status
hc_start(hc_work *w)
{
	int			n = w->n;
	const rk_bn_search *s = w->s;

	for (int u = 0; u < n; u++)
		for (int v = 0; v < n; v++)
		{
			size_t		e = (size_t) u * n + v;

			if (s->white && s->white[e])
				w->adj[e] = 1;
			if (w->adj[e] && (u == v || (s->black && s->black[e])))
				return RK_BADARG;
		}
	for (int v = 0; v < n; v++)
		if (s->max_parents >= 0 && hc_parents(w, v, -1) > s->max_parents)
			return RK_BADARG;
	hc_reach(w);
	for (int v = 0; v < n; v++)
		if (w->reach[(size_t) v * n + v])
			return RK_BADARG;
	return RK_OK;
}

rk_status
rk_bn_hill_climb(const rk_bn_data *d, const rk_bn_search *s, uint8_t *adj, double *score,
				 int *iterations)
{
	hc_work		w;
	int			n,
				it = 0;
	rk_status	rc;

	if (d == NULL || s == NULL || adj == NULL || score == NULL || d->card == NULL
		|| d->n < 1 || d->n > RK_BN_MAX_NODES || d->nrows < 0 || (d->nrows > 0 && d->x == NULL)
		|| s->max_cells < 1)
		return RK_BADARG;
	if (s->score != RK_BN_SCORE_BIC && s->score != RK_BN_SCORE_BDEU && s->score != RK_BN_SCORE_K2)
		return RK_BADARG;
	if (s->score == RK_BN_SCORE_BDEU && !(s->ess > 0 && isfinite(s->ess)))
		return RK_BADARG;
	n = d->n;
	for (int v = 0; v < n; v++)
		if (d->card[v] < 1 || d->card[v] > RK_BN_MAX_STATES)
			return RK_BADARG;
	memset(&w, 0, sizeof(w));
	w.d = d;
	w.s = s;
	w.n = n;
	w.adj = malloc((size_t) n * n);
	w.local = malloc(sizeof(double) * n);
	w.alt = malloc(sizeof(double) * (size_t) n * n);
	w.alt_ok = malloc((size_t) n * n);
	w.reach = malloc((size_t) n * n);
	w.par = malloc(sizeof(int) * n);
	w.stack = malloc(sizeof(int) * ((size_t) n + 1));
	w.complete = malloc((size_t) d->nrows + 1);
	if (!w.adj || !w.local || !w.alt || !w.alt_ok || !w.reach || !w.par || !w.stack || !w.complete)
	{
		hc_free(&w);
		return RK_NOSPACE;
	}
	for (int64_t i = 0; i < d->nrows; i++)
	{
		w.complete[i] = 1;
		for (int v = 0; v < n; v++)
		{
			uint8_t		xv = d->x[(int64_t) v * d->nrows + i];

			if (xv == RK_BN_MISSING)
				w.complete[i] = 0;
			else if (xv >= d->card[v])
			{
				hc_free(&w);
				return RK_BADARG;
			}
		}
	}
	memcpy(w.adj, adj, (size_t) n * n);
	for (size_t e = 0; e < (size_t) n * n; e++)
		if ((s->white && s->white[e] > 1) || (s->black && s->black[e] > 1) || w.adj[e] > 1
			|| (s->white && s->black && s->white[e] && s->black[e]))
		{
			hc_free(&w);
			return RK_BADARG;
		}
	rc = hc_start(&w);
	for (int v = 0; rc == RK_OK && v < n; v++)
		rc = hc_node(&w, v);
	while (rc == RK_OK && (s->max_iterations <= 0 || it < s->max_iterations))
	{
		double		tol = 1e-9 * fmax(1.0, fabs(hc_total(&w))),
					best = 0;
		int			bu = -1,
					bv = -1,
					bop = 0;	/* 1 add, 2 delete, 3 reverse */

		hc_reach(&w);
		for (int u = 0; u < n; u++)
			for (int v = 0; v < n; v++)
			{
				size_t		uv = (size_t) u * n + v,
							vu = (size_t) v * n + u;
				double		delta;

				if (u == v)
					continue;
				if (w.adj[uv])
				{
					bool		white = s->white && s->white[uv];
					double		del = w.alt[vu] - w.local[v];	/* alt of v toggling u */

					if (!white && (bu < 0 ? del > tol : del > best + tol))
					{
						best = del;
						bu = u;
						bv = v;
						bop = 2;
					}
					if (white || (s->black && s->black[vu]) || !w.alt_ok[uv])
						continue;
					/* u -> v reversed: no other path from u to v */
					{
						bool		other = false;

						for (int c = 0; c < n && !other; c++)
							other = c != v && w.adj[(size_t) u * n + c] && w.reach[(size_t) c * n + v];
						if (other)
							continue;
					}
					delta = del + (w.alt[uv] - w.local[u]);	/* u gains parent v */
					if (bu < 0 ? delta > tol : delta > best + tol)
					{
						best = delta;
						bu = u;
						bv = v;
						bop = 3;
					}
				}
				else if (!w.adj[vu])
				{
					if ((s->black && s->black[uv]) || !w.alt_ok[vu] || w.reach[vu])
						continue;
					delta = w.alt[vu] - w.local[v];
					if (bu < 0 ? delta > tol : delta > best + tol)
					{
						best = delta;
						bu = u;
						bv = v;
						bop = 1;
					}
				}
			}
		if (bu < 0)
			break;
		if (bop == 1)
			w.adj[(size_t) bu * n + bv] = 1;
		else
		{
			w.adj[(size_t) bu * n + bv] = 0;
			if (bop == 3)
				w.adj[(size_t) bv * n + bu] = 1;
		}
		it++;
		rc = hc_node(&w, bv);
		if (rc == RK_OK && bop == 3)
			rc = hc_node(&w, bu);
	}
	if (rc == RK_OK)
	{
		memcpy(adj, w.adj, (size_t) n * n);
		*score = hc_total(&w);
		if (iterations)
			*iterations = it;
	}
	hc_free(&w);
	return rc;
}
