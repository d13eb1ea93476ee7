/*
 * bn.h
 *     Discrete Bayesian networks (bn.c): the checks of a network, exact
 *     inference by variable elimination (evidence, interventions), soft
 *     scenarios, the exact sensitivity of a posterior to every CPT
 *     parameter, and the counts and estimates of learning the CPTs.
 *
 * A network of n nodes: node v has card[v] states (0 .. card[v]-1) and the
 * parents par[par_off[v] .. par_off[v+1]-1] (node indices, in the order
 * the CPT uses).  Its CPT is cpt[cpt_off[v] .. cpt_off[v+1]-1]: for each
 * configuration of the parents (mixed radix, the first parent slowest, the
 * last fastest: configuration u of parents p1..pk is
 * ((x_p1 * card[p2] + x_p2) * card[p3] + ...) + x_pk), card[v]
 * probabilities P(v = s | u) at cpt[cpt_off[v] + u * card[v] + s].  So
 * cpt_off[v+1] - cpt_off[v] = card[v] * prod card[parents].  The arrays
 * belong to the caller; nothing here keeps a pointer after returning.
 */
#ifndef RK_BN_H
#define RK_BN_H

#include "core.h"

#define RK_BN_MAX_NODES 1000
#define RK_BN_MAX_STATES 100
#define RK_BN_MAX_PARENTS 20

typedef struct rk_bn
{
	int			n;
	const int  *card;			/* [n] */
	const int  *par_off;		/* [n + 1], par_off[0] = 0 */
	const int  *par;			/* [par_off[n]] */
	const int64_t *cpt_off;		/* [n + 1], cpt_off[0] = 0 */
	const double *cpt;			/* [cpt_off[n]] */
} rk_bn;

/* What rk_bn_check found wrong (with the node in *node). */
typedef enum rk_bn_fault
{
	RK_BN_FINE = 0,
	RK_BN_SHAPE,				/* a count out of range, a parent out of range, a node its own
								 * parent, a parent twice, or cpt_off not matching the sizes */
	RK_BN_CYCLE,				/* the node lies on a directed cycle */
	RK_BN_VALUE,				/* a probability negative, above 1, NaN or infinite */
	RK_BN_SUM					/* a row (configuration *row) does not sum to 1 within tol */
} rk_bn_fault;

/*
 * Check a network: RK_OK, or RK_BADARG with *fault, the node (*node) and,
 * for RK_BN_SUM and RK_BN_VALUE, the parent configuration (*row) at fault
 * (-1 otherwise; any of the three pointers may be NULL).  Limits: n in
 * 1..RK_BN_MAX_NODES, card in 1..RK_BN_MAX_STATES, at most
 * RK_BN_MAX_PARENTS parents, a CPT of at most 2^31 cells.  The shape of
 * every node is checked first (the first node at fault; node -1 when n,
 * tol, a NULL array or par_off[0] / cpt_off[0] is wrong), then the cycles
 * (*node on a cycle), then the values node by node.  A value must lie in
 * [0, 1]; a row's sum within tol (>= 0) of 1.  Used by the face on every
 * network it builds or reads from text; every other function here expects
 * a network that passed it.  RK_NOSPACE if its scratch cannot be
 * allocated.
 */
rk_status	rk_bn_check(const rk_bn *bn, double tol, rk_bn_fault *fault, int *node,
						int64_t *row);

/* Parent configurations of node v: prod card[parents] (1 for a root). */
int64_t		rk_bn_rows(const rk_bn *bn, int v);

/*
 * A topological order of the nodes (parents first: Kahn's algorithm, the
 * roots in index order); RK_BADARG on a cycle (order then partial).
 */
rk_status	rk_bn_order(const rk_bn *bn, int *order);

/*
 * A query.  evidence[v] is the observed state of v or -1; intervene[v] the
 * state v is set to by do(v = s) (graph surgery: v's CPT becomes a point
 * mass at s and its parents no longer matter to it) or -1; either array may
 * be NULL for none.  targets are ntargets (0..n) distinct nodes.  max_cells
 * bounds the largest table the elimination may build (a treewidth limit;
 * 0 or less: no limit): a CPT after the evidence, the table of an
 * elimination (the eliminated variable with its neighbours then) and the
 * targets' table.  The whole plan is made before any table: beyond the
 * limit the query stops with RK_NOSPACE before allocating one, *largest
 * the size of the plan's largest table.
 */
typedef struct rk_bn_query
{
	const int  *evidence;
	const int  *intervene;
	int			ntargets;
	const int  *targets;
	int64_t		max_cells;
} rk_bn_query;

/*
 * Exact inference by variable elimination (greedy min-fill order over the
 * nodes that matter: the targets, the evidence and their ancestors; barren
 * nodes are pruned).  joint[prod card[targets]] receives P(targets | e,
 * do), the first target slowest (1 cell, 1, without targets); *p_evidence
 * P(e | do) (1 without evidence; it may underflow to 0 while the posterior
 * is exact: the tables carry their powers of 2 apart).  A target that is
 * observed or intervened on gets its point mass.  RK_DEGENERATE when
 * P(e | do) = 0, also for an observation that contradicts an intervention
 * (joint untouched, *p_evidence 0), RK_NOSPACE as above (or when memory
 * runs out), RK_BADARG for a state or node out of range or a repeated
 * target, RK_CANCELLED at a checkpoint (rk_should_stop, before each
 * elimination).  *largest (may be NULL) the plan's largest table, 0 when
 * there was no plan.  p_evidence may be NULL.  Frees what it allocates on
 * every path.
 */
rk_status	rk_bn_infer(const rk_bn *bn, const rk_bn_query *q, double *joint,
						double *p_evidence, int64_t *largest);

/*
 * A soft scenario on node v's state s: every row u of v's CPT gets
 * P'(s | u) = factor * P(s | u) and the other states share 1 - P'(s | u) in
 * proportion to their old probabilities (equally when they were all 0).
 * cpt_out receives the whole cpt array (cpt_off[n] values) with v's rows
 * changed.  RK_BADARG (cpt_out untouched) when v or s is out of range,
 * factor is negative or not finite, factor * P(s | u) > 1 for some row
 * (beyond 4 ulps; within, it is 1), or v has a single state that the
 * factor would change.
 */
rk_status	rk_bn_scale(const rk_bn *bn, int v, int s, double factor, double *cpt_out);

/*
 * The sensitivity of P(target = t | e, do) to every CPT parameter: d (the
 * layout of cpt, cpt_off[n] values) receives, for the parameter theta =
 * P(v = x | u), the derivative when theta moves and the other states of the
 * row co-vary in proportion (as rk_bn_scale moves them; equally when they
 * are all 0).  Exact: P(t, e) and P(e) are multilinear in the parameters;
 * each node's derivatives come from one elimination with its CPT replaced
 * by ones and its family as target (two eliminations: with e, and with e
 * and target = t).  The nodes whose parameters cannot matter get exactly
 * 0: intervened nodes, a single-state node, every node when the target is
 * observed or intervened on, and the nodes that Bayes-ball (Shachter 1998)
 * finds d-separated or barren.  Statuses as rk_bn_infer (RK_BADARG also
 * for t out of range); q->ntargets must be 1.  d is meaningful only on
 * RK_OK.
 */
rk_status	rk_bn_sensitivity(const rk_bn *bn, const rk_bn_query *q, int t, double *d);

/*
 * Learning.  x[0..n-1] is one event: a state per node, or -1 for not
 * observed.  Each node v whose own state and all parents' states are
 * observed adds weight to counts[cpt_off[v] + u * card[v] + x[v]]
 * (counts has the layout of cpt); a node with a missing value in its
 * family is skipped for that family only.  RK_BADARG for a state out of
 * range or a weight not finite (counts untouched).  A negative weight
 * takes an event out again.
 */
rk_status	rk_bn_count(const rk_bn *bn, const int *x, double weight, double *counts);

typedef enum rk_bn_estimator
{
	RK_BN_ML = 0,				/* counts / row total; a row without counts: uniform */
	RK_BN_BDEU,					/* counts + ess / (rows(v) * card[v]) per cell */
	RK_BN_K2,					/* counts + 1 per cell */
	RK_BN_PRIOR					/* counts + the caller's pseudo-counts (prior) */
} rk_bn_estimator;

/*
 * The CPTs from counts: cpt_out[cell] = (counts + alpha) / (row total +
 * row alpha), the posterior mean under a Dirichlet prior (ML: alpha = 0).
 * prior (layout of cpt, values >= 0) only for RK_BN_PRIOR; ess > 0 only
 * for RK_BN_BDEU.  A row whose total with alpha is 0 is uniform.
 * RK_BADARG (cpt_out untouched) for a negative or non-finite count, alpha
 * or ess, an unknown estimator, or no prior with RK_BN_PRIOR.
 */
rk_status	rk_bn_estimate(const rk_bn *bn, const double *counts, rk_bn_estimator est,
						   double ess, const double *prior, double *cpt_out);

/*
 * Structure scores.  The local score of node v with a parent set, from the
 * family's counts (rows parent configurations x card states, the layout of
 * a CPT: counts[u * card + s]); n_u the row totals, N their sum (the events
 * counted for the family), r = card, q = rows:
 *   BIC:  sum n_us ln(n_us / n_u)  -  ln(N) (r - 1) q / 2   (0 ln 0 = 0;
 *         no penalty when N = 0)
 *   BDeu: sum_u [lnG(a_u) - lnG(a_u + n_u) + sum_s (lnG(a + n_us) - lnG(a))]
 *         with a = ess / (q r), a_u = ess / q
 *   K2:   the same with a = 1 (a_u = r)
 * Higher is better.  RK_BADARG for a negative or non-finite count, an
 * unknown kind, or ess not positive and finite with BDeu.
 */
typedef enum rk_bn_score_kind
{
	RK_BN_SCORE_BIC = 0,
	RK_BN_SCORE_BDEU,
	RK_BN_SCORE_K2
} rk_bn_score_kind;

rk_status	rk_bn_family_score(int card, int64_t rows, const double *counts,
							   rk_bn_score_kind kind, double ess, double *score);

/*
 * The score of a network's structure from its counts (the layout of cpt):
 * the sum of the nodes' local scores; node_scores[n] (may be NULL)
 * receives each node's.  Statuses as rk_bn_family_score.
 */
rk_status	rk_bn_score(const rk_bn *bn, const double *counts, rk_bn_score_kind kind,
						double ess, double *node_scores, double *total);

/*
 * Events for structure learning, one column per node: the state of node v
 * in event i is x[v * nrows + i], RK_BN_MISSING when not observed.  The
 * search scores the events that observe every node and skips the others:
 * scores counted family by family over the events each family observes
 * would compare structures on different events (a larger family, fewer
 * events, a higher score).
 */
#define RK_BN_MISSING 255

typedef struct rk_bn_data
{
	int			n;
	const int  *card;			/* [n], each 1 .. RK_BN_MAX_STATES */
	int64_t		nrows;
	const uint8_t *x;			/* [n * nrows] */
} rk_bn_data;

/*
 * Hill climbing over DAGs.  Edges are an n x n matrix: adj[u * n + v] = 1
 * for u -> v.  white and black (same layout; either may be NULL) are the
 * edges that must and must not be in the result; max_parents < 0 for no
 * limit; max_iterations <= 0 for no limit; max_cells bounds a family's
 * table (card of the node x configurations of its parents): a parent set
 * beyond it is not considered.
 */
typedef struct rk_bn_search
{
	rk_bn_score_kind score;
	double		ess;			/* BDeu's equivalent sample size */
	int			max_parents;
	const uint8_t *white;
	const uint8_t *black;
	int			max_iterations;
	int64_t		max_cells;
} rk_bn_search;

/*
 * Greedy hill climbing from the DAG in adj (with the whitelist added): at
 * each step the single edge addition, deletion or reversal that keeps the
 * graph acyclic and within the constraints and raises the score most, until
 * none raises it by more than tol = 1e-9 max(1, |score|).  The candidates
 * are visited for u = 0..n-1, v = 0..n-1: an edge u -> v can be deleted,
 * then reversed; a pair without an edge either way, added as u -> v; a
 * candidate replaces the best so far only when it is better by more than
 * tol (so near-ties go to the first visited, whatever the rounding).  adj
 * receives the result, *score its score, *iterations (may be NULL) the
 * number of changes made.  RK_BADARG (adj untouched) when an argument is
 * out of range (a state too), the start with the whitelist has a cycle or a blacklisted
 * edge or more parents than max_parents or a family beyond max_cells, or
 * an edge is both white and black; RK_NOSPACE when memory runs out;
 * RK_CANCELLED at a checkpoint (before each pass over the events).  Frees
 * what it allocates on every path.
 */
rk_status	rk_bn_hill_climb(const rk_bn_data *d, const rk_bn_search *s, uint8_t *adj,
							 double *score, int *iterations);

#endif							/* RK_BN_H */
