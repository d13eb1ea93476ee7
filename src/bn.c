/*
 * bn.c
 *     SQL face of discrete Bayesian networks: the type risk.bn (text I/O as
 *     JSON, stored as flat arrays), building a network from rows
 *     (risk.bn_define), reading it back (nodes, edges, CPT cells, Graphviz
 *     DOT), learning its CPTs from events (risk.bn_fit, parallel), and the
 *     queries: probabilities under evidence and interventions, joints,
 *     scenarios, sensitivities and the ranking of drivers.  The numerics
 *     are the core's (core/bn.c).
 *
 * A stored network is one varlena: a header, then cpt_off (int64), the
 * CPTs, the counts and pseudo-counts when it has them (float8), card,
 * par_off and par (int32), and the names: each node's name and then its
 * states' names, NUL-terminated, in node order.  Everything is checked when
 * a network is built or read from text; decoding checks the sizes again so
 * that a damaged value cannot make it read out of bounds.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

#include "risk.h"
#include "core/bn.h"

#define BN_VERSION 1
#define BN_HAS_COUNTS 1
#define BN_HAS_PRIOR 2
#define BN_TOL 1e-6				/* how far a CPT row may sum from 1 */
#define BN_MAX_CELLS 10000000	/* the largest table one query may build */

typedef struct BnHeader
{
	int32		vl_len_;
	int32		version;
	int32		n;
	int32		npar;
	int64		ncells;
	int32		flags;
	int32		estimator;
	double		ess;
	int32		names_len;
	int32		pad;
} BnHeader;

/* A network decoded: the core's view and the names. */
typedef struct Bn
{
	rk_bn		core;
	int			n;
	int		   *card;
	int		   *par_off;
	int		   *par;
	int64	   *cpt_off;
	double	   *cpt;
	double	   *counts;			/* NULL: not learnt */
	double	   *prior;			/* NULL: no pseudo-counts */
	int			estimator;
	double		ess;
	char	  **names;
	char	 ***states;
} Bn;

static const char *const estimator_names[] = {"ml", "bdeu", "k2", "prior"};

static void
bn_link(Bn *b)
{
	b->core.n = b->n;
	b->core.card = b->card;
	b->core.par_off = b->par_off;
	b->core.par = b->par;
	b->core.cpt_off = b->cpt_off;
	b->core.cpt = b->cpt;
}

/* A "node=state, ..." label of parent configuration row of node v. */
static char *
row_label(const Bn *b, int v, int64 row)
{
	StringInfoData s;
	int			np = b->par_off[v + 1] - b->par_off[v];
	int64		div = 1;

	if (np == 0)
		return pstrdup("(no parents)");
	initStringInfo(&s);
	/* the mixed radix of the parents, the first slowest */
	for (int i = 0; i < np; i++)
		div *= b->card[b->par[b->par_off[v] + i]];
	for (int i = 0; i < np; i++)
	{
		int			p = b->par[b->par_off[v] + i];

		div /= b->card[p];
		appendStringInfo(&s, "%s%s=%s", i ? ", " : "", b->names[p],
						 b->states[p][(row / div) % b->card[p]]);
	}
	return s.data;
}

/* ERROR for what the core's check found. */
static void
bn_report(const Bn *b, rk_bn_fault fault, int node, int64 row)
{
	const char *name = (node >= 0 && node < b->n) ? b->names[node] : "?";

	switch (fault)
	{
		case RK_BN_CYCLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the network has a directed cycle through node \"%s\"", name),
					 errhint("A Bayesian network is acyclic: drop one edge of the cycle.")));
			break;
		case RK_BN_SUM:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the probabilities of node \"%s\" do not sum to 1 for %s", name,
							row_label(b, node, row)),
					 errdetail("Each row of a CPT (one configuration of the parents) sums to 1 within %g.",
							   BN_TOL)));
			break;
		case RK_BN_VALUE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" has a probability outside [0, 1] for %s", name,
							row_label(b, node, row))));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" is malformed", name),
					 errdetail("A network has 1 to %d nodes, each with 1 to %d states and at most %d distinct parents other than itself, and a CPT of at most 2^31 cells.",
							   RK_BN_MAX_NODES, RK_BN_MAX_STATES, RK_BN_MAX_PARENTS)));
	}
}

static void
bn_check(Bn *b)
{
	rk_bn_fault fault;
	int			node;
	int64		row;

	bn_link(b);
	if (rk_bn_check(&b->core, BN_TOL, &fault, &node, &row) != RK_OK)
		bn_report(b, fault, node, row);
}

/* The node called name, or -1. */
static int
bn_find(const Bn *b, const char *name, int len)
{
	for (int v = 0; v < b->n; v++)
		if ((int) strlen(b->names[v]) == len && memcmp(b->names[v], name, len) == 0)
			return v;
	return -1;
}

static int
bn_node(const Bn *b, const char *name, const char *what)
{
	int			v = bn_find(b, name, strlen(name));

	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown node \"%s\" in %s", name, what)));
	return v;
}

static int
bn_state(const Bn *b, int v, const char *s, int len)
{
	for (int i = 0; i < b->card[v]; i++)
		if ((int) strlen(b->states[v][i]) == len && memcmp(b->states[v][i], s, len) == 0)
			return i;
	return -1;
}

static char *
states_list(const Bn *b, int v)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int i = 0; i < b->card[v]; i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", b->states[v][i]);
	return s.data;
}

static int
bn_state_of(const Bn *b, int v, const char *s, const char *what)
{
	int			i = bn_state(b, v, s, strlen(s));

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" has no state \"%s\" (in %s)", b->names[v], s, what),
				 errhint("Its states are %s.", states_list(b, v))));
	return i;
}

/* ---------------------------------------------------------------------
 * Storage
 * --------------------------------------------------------------------- */

static BnHeader *
bn_flatten(const Bn *b)
{
	int64		ncells = b->cpt_off[b->n];
	int			npar = b->par_off[b->n];
	int			names_len = 0;
	Size		size;
	BnHeader   *h;
	char	   *p;

	for (int v = 0; v < b->n; v++)
	{
		names_len += strlen(b->names[v]) + 1;
		for (int s = 0; s < b->card[v]; s++)
			names_len += strlen(b->states[v][s]) + 1;
	}
	size = sizeof(BnHeader) + sizeof(int64) * (b->n + 1)
		+ sizeof(double) * ncells * (1 + (b->counts != NULL) + (b->prior != NULL))
		+ sizeof(int32) * (b->n + (b->n + 1) + npar) + names_len;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the network is too large to store: %zu bytes", size)));
	h = palloc0(size);
	SET_VARSIZE(h, size);
	h->version = BN_VERSION;
	h->n = b->n;
	h->npar = npar;
	h->ncells = ncells;
	h->flags = (b->counts ? BN_HAS_COUNTS : 0) | (b->prior ? BN_HAS_PRIOR : 0);
	h->estimator = b->estimator;
	h->ess = b->ess;
	h->names_len = names_len;
	p = (char *) (h + 1);
	memcpy(p, b->cpt_off, sizeof(int64) * (b->n + 1));
	p += sizeof(int64) * (b->n + 1);
	memcpy(p, b->cpt, sizeof(double) * ncells);
	p += sizeof(double) * ncells;
	if (b->counts)
	{
		memcpy(p, b->counts, sizeof(double) * ncells);
		p += sizeof(double) * ncells;
	}
	if (b->prior)
	{
		memcpy(p, b->prior, sizeof(double) * ncells);
		p += sizeof(double) * ncells;
	}
	memcpy(p, b->card, sizeof(int32) * b->n);
	p += sizeof(int32) * b->n;
	memcpy(p, b->par_off, sizeof(int32) * (b->n + 1));
	p += sizeof(int32) * (b->n + 1);
	memcpy(p, b->par, sizeof(int32) * npar);
	p += sizeof(int32) * npar;
	for (int v = 0; v < b->n; v++)
	{
		strcpy(p, b->names[v]);
		p += strlen(b->names[v]) + 1;
		for (int s = 0; s < b->card[v]; s++)
		{
			strcpy(p, b->states[v][s]);
			p += strlen(b->states[v][s]) + 1;
		}
	}
	return h;
}

static void
bn_damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("a risk.bn value is damaged")));
}

/* Decode a stored network (detoasted, aligned) into b; pointers into h. */
static void
bn_decode(BnHeader *h, Bn *b)
{
	Size		size = VARSIZE(h);
	char	   *p = (char *) (h + 1),
			   *end = (char *) h + size;
	int64		ncells;
	int			nd;

	if (size < sizeof(BnHeader) || h->version != BN_VERSION || h->n < 1 || h->n > RK_BN_MAX_NODES
		|| h->npar < 0 || h->ncells < 1 || h->names_len < 0)
		bn_damaged();
	memset(b, 0, sizeof(Bn));
	b->n = h->n;
	ncells = h->ncells;
	nd = 1 + ((h->flags & BN_HAS_COUNTS) != 0) + ((h->flags & BN_HAS_PRIOR) != 0);
	if ((Size) (end - p) != sizeof(int64) * (b->n + 1) + sizeof(double) * ncells * nd
		+ sizeof(int32) * (2 * b->n + 1 + h->npar) + h->names_len)
		bn_damaged();
	b->cpt_off = (int64 *) p;
	p += sizeof(int64) * (b->n + 1);
	b->cpt = (double *) p;
	p += sizeof(double) * ncells;
	if (h->flags & BN_HAS_COUNTS)
	{
		b->counts = (double *) p;
		p += sizeof(double) * ncells;
	}
	if (h->flags & BN_HAS_PRIOR)
	{
		b->prior = (double *) p;
		p += sizeof(double) * ncells;
	}
	b->card = (int *) p;
	p += sizeof(int32) * b->n;
	b->par_off = (int *) p;
	p += sizeof(int32) * (b->n + 1);
	b->par = (int *) p;
	p += sizeof(int32) * h->npar;
	b->estimator = h->estimator;
	b->ess = h->ess;
	if (b->cpt_off[0] != 0 || b->cpt_off[b->n] != ncells || b->par_off[0] != 0
		|| b->par_off[b->n] != h->npar || b->estimator < 0 || b->estimator > RK_BN_PRIOR)
		bn_damaged();
	for (int v = 0; v < b->n; v++)
		if (b->card[v] < 1 || b->card[v] > RK_BN_MAX_STATES
			|| b->par_off[v + 1] < b->par_off[v] || b->cpt_off[v + 1] <= b->cpt_off[v])
			bn_damaged();
	for (int i = 0; i < h->npar; i++)
		if (b->par[i] < 0 || b->par[i] >= b->n)
			bn_damaged();
	b->names = palloc(sizeof(char *) * b->n);
	b->states = palloc(sizeof(char **) * b->n);
	for (int v = 0; v < b->n; v++)
	{
		char	   *z;

		if (p >= end || (z = memchr(p, '\0', end - p)) == NULL)
			bn_damaged();
		b->names[v] = p;
		p = z + 1;
		b->states[v] = palloc(sizeof(char *) * b->card[v]);
		for (int s = 0; s < b->card[v]; s++)
		{
			if (p >= end || (z = memchr(p, '\0', end - p)) == NULL)
				bn_damaged();
			b->states[v][s] = p;
			p = z + 1;
		}
	}
	bn_link(b);
	/* sizes and structure, as when the network was built */
	{
		rk_bn_fault fault;
		int			node;
		int64		row;

		if (rk_bn_check(&b->core, BN_TOL, &fault, &node, &row) != RK_OK)
			bn_damaged();
	}
}

static Bn *
bn_arg(FunctionCallInfo fcinfo, int argno)
{
	Bn		   *b = palloc(sizeof(Bn));

	bn_decode((BnHeader *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno)), b);
	return b;
}

/* A modifiable copy (arrays palloc'd) of b. */
static Bn *
bn_copy(const Bn *b)
{
	Bn		   *c = palloc(sizeof(Bn));
	int64		ncells = b->cpt_off[b->n];

	*c = *b;
	c->cpt = palloc(sizeof(double) * ncells);
	memcpy(c->cpt, b->cpt, sizeof(double) * ncells);
	if (b->counts)
	{
		c->counts = palloc(sizeof(double) * ncells);
		memcpy(c->counts, b->counts, sizeof(double) * ncells);
	}
	if (b->prior)
	{
		c->prior = palloc(sizeof(double) * ncells);
		memcpy(c->prior, b->prior, sizeof(double) * ncells);
	}
	bn_link(c);
	return c;
}

/* ---------------------------------------------------------------------
 * Building: from the parts of each node
 * --------------------------------------------------------------------- */

typedef struct BnNodeDef
{
	char	   *name;
	int			nstates;
	char	  **states;
	int			nparents;
	char	  **parents;
	int			ncpt;			/* -1: uniform */
	double	   *cpt;
	int			ncounts;		/* -1: none */
	double	   *counts;
	int			nprior;			/* -1: none */
	double	   *prior;
} BnNodeDef;

/* The network of node definitions defs[0..n-1]: resolved, sized, checked. */
static Bn *
bn_build(BnNodeDef *defs, int n, int estimator, double ess)
{
	Bn		   *b = palloc0(sizeof(Bn));
	int			npar = 0;
	bool		counts = false,
				prior = false;

	if (n < 1 || n > RK_BN_MAX_NODES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a network has 1 to %d nodes, got %d", RK_BN_MAX_NODES, n)));
	b->n = n;
	b->names = palloc(sizeof(char *) * n);
	b->states = palloc(sizeof(char **) * n);
	b->card = palloc(sizeof(int) * n);
	b->par_off = palloc(sizeof(int) * (n + 1));
	b->cpt_off = palloc(sizeof(int64) * (n + 1));
	for (int v = 0; v < n; v++)
	{
		BnNodeDef  *d = &defs[v];

		if (d->name == NULL || d->name[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node %d has no name", v + 1)));
		for (int w = 0; w < v; w++)
			if (strcmp(b->names[w], d->name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" is defined twice", d->name)));
		if (d->nstates < 1 || d->nstates > RK_BN_MAX_STATES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" must have 1 to %d states, got %d", d->name,
							RK_BN_MAX_STATES, d->nstates)));
		for (int s = 0; s < d->nstates; s++)
		{
			if (d->states[s] == NULL || d->states[s][0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" has a state without a name", d->name)));
			for (int t = 0; t < s; t++)
				if (strcmp(d->states[s], d->states[t]) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("node \"%s\" names state \"%s\" twice", d->name, d->states[s])));
		}
		if (d->nparents > RK_BN_MAX_PARENTS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" has %d parents, at most %d are allowed", d->name,
							d->nparents, RK_BN_MAX_PARENTS)));
		b->names[v] = d->name;
		b->states[v] = d->states;
		b->card[v] = d->nstates;
		npar += d->nparents;
		counts |= d->ncounts >= 0;
		prior |= d->nprior >= 0;
	}
	b->par = palloc(sizeof(int) * Max(npar, 1));
	b->par_off[0] = 0;
	b->cpt_off[0] = 0;
	for (int v = 0; v < n; v++)
	{
		BnNodeDef  *d = &defs[v];
		int64		rows = 1;

		for (int i = 0; i < d->nparents; i++)
		{
			int			p = bn_find(b, d->parents[i], strlen(d->parents[i]));

			if (p < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" has an unknown parent \"%s\"", d->name, d->parents[i])));
			if (p == v)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" cannot be its own parent", d->name)));
			for (int j = 0; j < i; j++)
				if (b->par[b->par_off[v] + j] == p)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("node \"%s\" names parent \"%s\" twice", d->name, d->parents[i])));
			b->par[b->par_off[v] + i] = p;
			rows *= b->card[p];
		}
		b->par_off[v + 1] = b->par_off[v] + d->nparents;
		if (rows * b->card[v] > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the CPT of node \"%s\" would have " INT64_FORMAT " cells", d->name,
							rows * b->card[v])));
		b->cpt_off[v + 1] = b->cpt_off[v] + rows * b->card[v];
	}
	if (b->cpt_off[n] * sizeof(double) * 3 > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the network's CPTs would have " INT64_FORMAT " cells", b->cpt_off[n])));
	b->cpt = palloc(sizeof(double) * b->cpt_off[n]);
	b->counts = counts ? palloc0(sizeof(double) * b->cpt_off[n]) : NULL;
	b->prior = prior ? palloc0(sizeof(double) * b->cpt_off[n]) : NULL;
	for (int v = 0; v < n; v++)
	{
		BnNodeDef  *d = &defs[v];
		int64		len = b->cpt_off[v + 1] - b->cpt_off[v];

		if (d->ncpt < 0)
			for (int64 i = 0; i < len; i++)
				b->cpt[b->cpt_off[v] + i] = 1.0 / b->card[v];
		else if (d->ncpt != len)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the CPT of node \"%s\" must have " INT64_FORMAT " values, got %d",
							d->name, len, d->ncpt),
					 errdetail("%d states for each of the " INT64_FORMAT " configurations of its parents, the first parent varying slowest.",
							   b->card[v], len / b->card[v])));
		else
			memcpy(b->cpt + b->cpt_off[v], d->cpt, sizeof(double) * len);
		if (d->ncounts >= 0 && d->ncounts != len)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the counts of node \"%s\" must have " INT64_FORMAT " values, got %d",
							d->name, len, d->ncounts)));
		if (d->ncounts >= 0)
			memcpy(b->counts + b->cpt_off[v], d->counts, sizeof(double) * len);
		if (d->nprior >= 0 && d->nprior != len)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the pseudo-counts of node \"%s\" must have " INT64_FORMAT " values, got %d",
							d->name, len, d->nprior)));
		if (d->nprior >= 0)
			memcpy(b->prior + b->cpt_off[v], d->prior, sizeof(double) * len);
	}
	if (b->counts || b->prior)
		for (int64 i = 0; i < b->cpt_off[n]; i++)
			if ((b->counts && !(b->counts[i] >= 0 && isfinite(b->counts[i])))
				|| (b->prior && !(b->prior[i] >= 0 && isfinite(b->prior[i]))))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("counts and pseudo-counts must be finite and non-negative")));
	b->estimator = estimator;
	b->ess = ess;
	bn_check(b);
	return b;
}

/* ---------------------------------------------------------------------
 * Text I/O: JSON
 * --------------------------------------------------------------------- */

static void
bn_syntax(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type risk.bn: %s", what),
			 errhint("A network is a JSON object {\"nodes\": [{\"name\": ..., \"states\": [...], \"parents\": [...], \"cpt\": [...]}, ...]}.")));
}

static char *
jstring(JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvString)
		bn_syntax(what);
	return pnstrdup(v->val.string.val, v->val.string.len);
}

static JsonbContainer *
jarray(JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		bn_syntax(what);
	return v->val.binary.data;
}

static double
jnumber(JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvNumeric)
		bn_syntax(what);
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

static int
jstrings(JsonbValue *v, const char *what, char ***out)
{
	JsonbContainer *a = jarray(v, what);
	int			n = JsonContainerSize(a);

	*out = palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
		(*out)[i] = jstring(getIthJsonbValueFromContainer(a, i), what);
	return n;
}

static int
jnumbers(JsonbValue *v, const char *what, double **out)
{
	JsonbContainer *a;
	int			n;

	if (v == NULL || v->type == jbvNull)
		return -1;
	a = jarray(v, what);
	n = JsonContainerSize(a);
	*out = palloc(sizeof(double) * Max(n, 1));
	for (int i = 0; i < n; i++)
		(*out)[i] = jnumber(getIthJsonbValueFromContainer(a, i), what);
	return n;
}

static int
estimator_of(const char *s)
{
	return risk_choice_str(s, strlen(s), estimator_names, lengthof(estimator_names), "estimator",
						   "Use 'ml' (maximum likelihood), 'bdeu' (with an equivalent sample size), 'k2' or 'prior' (the network's pseudo-counts).");
}

PG_FUNCTION_INFO_V1(risk_bn_in);
Datum
risk_bn_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
	JsonbContainer *nodes;
	JsonbValue *v;
	BnNodeDef  *defs;
	int			n,
				estimator = RK_BN_ML;
	double		ess = 1;

	if (!JB_ROOT_IS_OBJECT(jb))
		bn_syntax("not a JSON object");
	nodes = jarray(risk_json_key(&jb->root, "nodes"), "\"nodes\" must be an array");
	if ((v = risk_json_key(&jb->root, "estimator")) != NULL)
		estimator = estimator_of(jstring(v, "\"estimator\" must be a string"));
	if ((v = risk_json_key(&jb->root, "ess")) != NULL)
		ess = jnumber(v, "\"ess\" must be a number");
	n = JsonContainerSize(nodes);
	defs = palloc0(sizeof(BnNodeDef) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(nodes, i);
		JsonbContainer *o;

		if (e == NULL || e->type != jbvBinary || !JsonContainerIsObject(e->val.binary.data))
			bn_syntax("each node must be an object");
		o = e->val.binary.data;
		defs[i].name = jstring(risk_json_key(o, "name"), "each node needs a \"name\" string");
		defs[i].nstates = jstrings(risk_json_key(o, "states"), "\"states\" must be an array of strings",
								   &defs[i].states);
		v = risk_json_key(o, "parents");
		defs[i].nparents = v ? jstrings(v, "\"parents\" must be an array of strings",
										&defs[i].parents) : 0;
		defs[i].ncpt = jnumbers(risk_json_key(o, "cpt"), "\"cpt\" must be an array of numbers", &defs[i].cpt);
		defs[i].ncounts = jnumbers(risk_json_key(o, "counts"), "\"counts\" must be an array of numbers",
								   &defs[i].counts);
		defs[i].nprior = jnumbers(risk_json_key(o, "prior"), "\"prior\" must be an array of numbers",
								  &defs[i].prior);
	}
	if (!(ess > 0 && isfinite(ess)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ess must be a positive number, got %s", float8out_internal(ess))));
	PG_RETURN_POINTER(bn_flatten(bn_build(defs, n, estimator, ess)));
}

static void
json_numbers(StringInfo s, const double *x, int64 n)
{
	appendStringInfoChar(s, '[');
	for (int64 i = 0; i < n; i++)
	{
		if (i)
			appendStringInfoString(s, ", ");
		appendStringInfoString(s, float8out_internal(x[i]));
	}
	appendStringInfoChar(s, ']');
}

PG_FUNCTION_INFO_V1(risk_bn_out);
Datum
risk_bn_out(PG_FUNCTION_ARGS)
{
	Bn		   *b = bn_arg(fcinfo, 0);
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfoString(&s, "{\"nodes\": [");
	for (int v = 0; v < b->n; v++)
	{
		int64		len = b->cpt_off[v + 1] - b->cpt_off[v];

		appendStringInfoString(&s, v ? ", {\"name\": " : "{\"name\": ");
		escape_json(&s, b->names[v]);
		appendStringInfoString(&s, ", \"states\": [");
		for (int i = 0; i < b->card[v]; i++)
		{
			if (i)
				appendStringInfoString(&s, ", ");
			escape_json(&s, b->states[v][i]);
		}
		appendStringInfoString(&s, "], \"parents\": [");
		for (int i = b->par_off[v]; i < b->par_off[v + 1]; i++)
		{
			if (i > b->par_off[v])
				appendStringInfoString(&s, ", ");
			escape_json(&s, b->names[b->par[i]]);
		}
		appendStringInfoString(&s, "], \"cpt\": ");
		json_numbers(&s, b->cpt + b->cpt_off[v], len);
		if (b->counts)
		{
			appendStringInfoString(&s, ", \"counts\": ");
			json_numbers(&s, b->counts + b->cpt_off[v], len);
		}
		if (b->prior)
		{
			appendStringInfoString(&s, ", \"prior\": ");
			json_numbers(&s, b->prior + b->cpt_off[v], len);
		}
		appendStringInfoChar(&s, '}');
	}
	appendStringInfo(&s, "], \"estimator\": \"%s\", \"ess\": %s}",
					 estimator_names[b->estimator], float8out_internal(b->ess));
	PG_RETURN_CSTRING(s.data);
}

/* ---------------------------------------------------------------------
 * bn_define: an aggregate over one row per node
 * --------------------------------------------------------------------- */

typedef struct DefineState
{
	int			n,
				cap;
	BnNodeDef  *defs;
} DefineState;

static int
text_array(ArrayType *a, const char *what, const char *node, char ***out)
{
	Datum	   *d;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the %s of node \"%s\" must be a one-dimensional array", what, node)));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &d, &nulls, &n);
	*out = palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the %s of node \"%s\" must not contain NULL", what, node)));
		(*out)[i] = TextDatumGetCString(d[i]);
	}
	return n;
}

PG_FUNCTION_INFO_V1(risk_bn_define_accum);
Datum
risk_bn_define_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._bn_define_accum");
	MemoryContext old;
	DefineState *st = PG_ARGISNULL(0) ? NULL : (DefineState *) PG_GETARG_POINTER(0);
	BnNodeDef  *d;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("node must not be NULL")));
	old = MemoryContextSwitchTo(ctx);
	if (st == NULL)
	{
		st = palloc0(sizeof(DefineState));
		st->cap = 16;
		st->defs = palloc(sizeof(BnNodeDef) * st->cap);
	}
	if (st->n == st->cap)
	{
		if (st->n >= RK_BN_MAX_NODES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a network has at most %d nodes", RK_BN_MAX_NODES)));
		st->cap *= 2;
		st->defs = repalloc(st->defs, sizeof(BnNodeDef) * st->cap);
	}
	d = &st->defs[st->n++];
	memset(d, 0, sizeof(BnNodeDef));
	d->name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the states of node \"%s\" must not be NULL", d->name)));
	d->nstates = text_array(PG_GETARG_ARRAYTYPE_P(2), "states", d->name, &d->states);
	d->nparents = PG_ARGISNULL(3) ? 0
		: text_array(PG_GETARG_ARRAYTYPE_P(3), "parents", d->name, &d->parents);
	d->ncpt = -1;
	d->ncounts = -1;
	d->nprior = -1;
	if (!PG_ARGISNULL(4))
	{
		int			n;

		double	   *x = risk_float8_values(PG_GETARG_ARRAYTYPE_P(4), "cpt", -1, &n);

		/* a copy: the values may lie in the row, which goes */
		d->cpt = palloc(sizeof(double) * Max(n, 1));
		memcpy(d->cpt, x, sizeof(double) * n);
		d->ncpt = n;
		for (int i = 0; i < n; i++)
			if (!isfinite(d->cpt[i]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" has a probability outside [0, 1]: %s", d->name,
								float8out_internal(d->cpt[i]))));
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_bn_define_final);
Datum
risk_bn_define_final(PG_FUNCTION_ARGS)
{
	DefineState *st = PG_ARGISNULL(0) ? NULL : (DefineState *) PG_GETARG_POINTER(0);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(bn_flatten(bn_build(st->defs, st->n, RK_BN_ML, 1)));
}

/* ---------------------------------------------------------------------
 * Reading back
 * --------------------------------------------------------------------- */

static Datum
cstrings_array(char **s, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(s[i]);
	return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum
parents_array(const Bn *b, int v)
{
	int			np = b->par_off[v + 1] - b->par_off[v];
	char	  **s = palloc(sizeof(char *) * Max(np, 1));

	for (int i = 0; i < np; i++)
		s[i] = b->names[b->par[b->par_off[v] + i]];
	return cstrings_array(s, np);
}

/* The parents' states of configuration row of v, first parent first. */
static Datum
row_states(const Bn *b, int v, int64 row)
{
	int			np = b->par_off[v + 1] - b->par_off[v];
	char	  **s = palloc(sizeof(char *) * Max(np, 1));

	for (int i = np - 1; i >= 0; i--)
	{
		int			p = b->par[b->par_off[v] + i];

		s[i] = b->states[p][row % b->card[p]];
		row /= b->card[p];
	}
	return cstrings_array(s, np);
}

PG_FUNCTION_INFO_V1(risk_bn_nodes);
Datum
risk_bn_nodes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Bn		   *b = bn_arg(fcinfo, 0);

	InitMaterializedSRF(fcinfo, 0);
	for (int v = 0; v < b->n; v++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum(b->names[v]);
		values[1] = cstrings_array(b->states[v], b->card[v]);
		values[2] = parents_array(b, v);
		values[3] = Int64GetDatum((b->cpt_off[v + 1] - b->cpt_off[v]) / b->card[v] * (b->card[v] - 1));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(risk_bn_edges);
Datum
risk_bn_edges(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Bn		   *b = bn_arg(fcinfo, 0);

	InitMaterializedSRF(fcinfo, 0);
	for (int v = 0; v < b->n; v++)
		for (int i = b->par_off[v]; i < b->par_off[v + 1]; i++)
		{
			Datum		values[2];
			bool		nulls[2] = {false, false};

			values[0] = CStringGetTextDatum(b->names[b->par[i]]);
			values[1] = CStringGetTextDatum(b->names[v]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	return (Datum) 0;
}

/*
 * One row per CPT cell: the node, its parents' states, its state, the
 * cell's probability and extra[cell] (NULL when extra is NULL).
 */
static void
put_cells(FunctionCallInfo fcinfo, const Bn *b, const double *extra)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int v = 0; v < b->n; v++)
	{
		int64		rows = (b->cpt_off[v + 1] - b->cpt_off[v]) / b->card[v];

		for (int64 r = 0; r < rows; r++)
		{
			Datum		ps = row_states(b, v, r);

			CHECK_FOR_INTERRUPTS();
			for (int s = 0; s < b->card[v]; s++)
			{
				int64		cell = b->cpt_off[v] + r * b->card[v] + s;
				Datum		values[5];
				bool		nulls[5] = {false, false, false, false, extra == NULL};

				values[0] = CStringGetTextDatum(b->names[v]);
				values[1] = ps;
				values[2] = CStringGetTextDatum(b->states[v][s]);
				values[3] = Float8GetDatum(b->cpt[cell]);
				values[4] = Float8GetDatum(extra ? extra[cell] : 0);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
	}
}

PG_FUNCTION_INFO_V1(risk_bn_cpt);
Datum
risk_bn_cpt(PG_FUNCTION_ARGS)
{
	Bn		   *b = bn_arg(fcinfo, 0);

	put_cells(fcinfo, b, b->counts);
	return (Datum) 0;
}

/* True when one of the first n arguments is NULL. */
static bool
bn_null_args(FunctionCallInfo fcinfo, int n)
{
	for (int i = 0; i < n; i++)
		if (PG_ARGISNULL(i))
			return true;
	return false;
}

/* The result of a call with a NULL where a value is needed: NULL, or no row. */
static Datum
bn_nothing(FunctionCallInfo fcinfo, bool set)
{
	if (set)
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	PG_RETURN_NULL();
}

/*
 * The entry point fn of a function that is not STRICT (its options may be
 * NULL): NULL, or no row, when one of its first n arguments is NULL; else
 * the body that follows the macro.
 */
#define BN_ENTRY(fn, n, set) \
static Datum fn##_body(FunctionCallInfo fcinfo); \
PG_FUNCTION_INFO_V1(fn); \
Datum \
fn(PG_FUNCTION_ARGS) \
{ \
	return bn_null_args(fcinfo, n) ? bn_nothing(fcinfo, set) : fn##_body(fcinfo); \
} \
static Datum \
fn##_body(FunctionCallInfo fcinfo)

/* ---------------------------------------------------------------------
 * Queries
 * --------------------------------------------------------------------- */

/* Node states from a JSON object {"node": "state", ...}; -1 elsewhere. */
static int *
bn_settings(const Bn *b, FunctionCallInfo fcinfo, int argno, const char *what)
{
	int		   *x = palloc(sizeof(int) * b->n);
	Jsonb	   *jb;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	for (int i = 0; i < b->n; i++)
		x[i] = -1;
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return x;
	jb = PG_GETARG_JSONB_P(argno);
	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object of node names and states", what),
				 errhint("For example '{\"smoke\": \"yes\"}'.")));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
		{
			int			node = bn_node(b, key, what);

			if (v.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the state of node \"%s\" in %s must be a string", key, what)));
			x[node] = bn_state_of(b, node, pnstrdup(v.val.string.val, v.val.string.len), what);
		}
	}
	return x;
}

/*
 * The joint of targets (ntargets nodes, 0 for none) under evidence and
 * intervention.  With pe, *pe receives P(evidence | do(intervention)), and
 * an impossible evidence gives NULL and *pe = 0; without, it is an error.
 */
static double *
bn_infer(Bn *b, const int *ev, const int *intv, int ntargets, const int *targets, double *pe)
{
	rk_bn_query q;
	int64		size = 1;
	double	   *joint;
	double		p;
	int64		largest = 0;
	rk_status	rc;

	for (int i = 0; i < ntargets; i++)
		size *= b->card[targets[i]];
	joint = palloc(sizeof(double) * size);
	q.evidence = ev;
	q.intervene = intv;
	q.ntargets = ntargets;
	q.targets = targets;
	q.max_cells = BN_MAX_CELLS;
	bn_link(b);
	rc = rk_bn_infer(&b->core, &q, joint, &p, &largest);
	if (rc == RK_DEGENERATE && pe != NULL)
	{
		*pe = 0;
		return NULL;
	}
	if (rc == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the evidence has probability 0 in this network"),
				 errhint("A posterior given an impossible observation is undefined; check the evidence, or learn the network with a prior (estimator 'bdeu' or 'k2') so that no combination has probability 0.")));
	if (rc == RK_NOSPACE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the network is too large for exact inference: a table of " INT64_FORMAT " cells is needed, the limit is %d",
						largest, BN_MAX_CELLS),
				 errhint("Query fewer targets at once, or reduce the number of parents of the densest nodes.")));
	risk_raise(rc, "bn inference");
	if (pe)
		*pe = p;
	return joint;
}

static int
target_arg(const Bn *b, FunctionCallInfo fcinfo, int argno)
{
	return bn_node(b, text_to_cstring(PG_GETARG_TEXT_PP(argno)), "the target");
}

BN_ENTRY(risk_bn_query, 2, true)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Bn		   *b = bn_arg(fcinfo, 0);
	int			t = target_arg(b, fcinfo, 1);
	int		   *ev = bn_settings(b, fcinfo, 2, "the evidence");
	int		   *intv = bn_settings(b, fcinfo, 3, "the intervention");
	double	   *p = bn_infer(b, ev, intv, 1, &t, NULL);

	InitMaterializedSRF(fcinfo, 0);
	for (int s = 0; s < b->card[t]; s++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(b->states[t][s]);
		values[1] = Float8GetDatum(p[s]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

BN_ENTRY(risk_bn_probability, 3, false)
{
	Bn		   *b = bn_arg(fcinfo, 0);
	int			t = target_arg(b, fcinfo, 1);
	int			s = bn_state_of(b, t, text_to_cstring(PG_GETARG_TEXT_PP(2)), "the target state");
	int		   *ev = bn_settings(b, fcinfo, 3, "the evidence");
	int		   *intv = bn_settings(b, fcinfo, 4, "the intervention");

	PG_RETURN_FLOAT8(bn_infer(b, ev, intv, 1, &t, NULL)[s]);
}

BN_ENTRY(risk_bn_map, 2, false)
{
	Bn		   *b = bn_arg(fcinfo, 0);
	int			t = target_arg(b, fcinfo, 1);
	int		   *ev = bn_settings(b, fcinfo, 2, "the evidence");
	int		   *intv = bn_settings(b, fcinfo, 3, "the intervention");
	double	   *p = bn_infer(b, ev, intv, 1, &t, NULL);
	int			best = 0;

	for (int s = 1; s < b->card[t]; s++)
		if (p[s] > p[best])
			best = s;
	PG_RETURN_TEXT_P(cstring_to_text(b->states[t][best]));
}

BN_ENTRY(risk_bn_evidence_probability, 2, false)
{
	Bn		   *b = bn_arg(fcinfo, 0);
	int		   *ev = bn_settings(b, fcinfo, 1, "the evidence");
	int		   *intv = bn_settings(b, fcinfo, 2, "the intervention");
	double		p;

	(void) bn_infer(b, ev, intv, 0, NULL, &p);
	PG_RETURN_FLOAT8(p);
}

BN_ENTRY(risk_bn_joint, 2, true)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Bn		   *b = bn_arg(fcinfo, 0);
	char	  **names;
	int			nt = text_array(PG_GETARG_ARRAYTYPE_P(1), "targets", "(the query)", &names);
	int		   *t = palloc(sizeof(int) * Max(nt, 1));
	int		   *ev = bn_settings(b, fcinfo, 2, "the evidence");
	int		   *intv = bn_settings(b, fcinfo, 3, "the intervention");
	int64		size = 1;
	double	   *p;

	if (nt < 1 || nt > 8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a joint query takes 1 to 8 targets, got %d", nt)));
	for (int i = 0; i < nt; i++)
	{
		t[i] = bn_node(b, names[i], "the targets");
		for (int j = 0; j < i; j++)
			if (t[j] == t[i])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("target \"%s\" is named twice", names[i])));
		size *= b->card[t[i]];
	}
	p = bn_infer(b, ev, intv, nt, t, NULL);
	InitMaterializedSRF(fcinfo, 0);
	for (int64 c = 0; c < size; c++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};
		char	  **s = palloc(sizeof(char *) * nt);
		int64		r = c;

		for (int i = nt - 1; i >= 0; i--)
		{
			s[i] = b->states[t[i]][r % b->card[t[i]]];
			r /= b->card[t[i]];
		}
		values[0] = cstrings_array(s, nt);
		values[1] = Float8GetDatum(p[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Scenarios and sensitivities
 * --------------------------------------------------------------------- */

static void
check_factor(double factor)
{
	if (!(factor >= 0 && isfinite(factor)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("factor must be a finite number >= 0, got %s", float8out_internal(factor))));
}

/* b's CPTs with node v's state s scaled by factor; false if it cannot be. */
static bool
bn_scaled(Bn *b, int v, int s, double factor, double *cpt_out)
{
	bn_link(b);
	return rk_bn_scale(&b->core, v, s, factor, cpt_out) == RK_OK;
}

PG_FUNCTION_INFO_V1(risk_bn_scale);
Datum
risk_bn_scale(PG_FUNCTION_ARGS)
{
	Bn		   *b = bn_copy(bn_arg(fcinfo, 0));
	int			v = bn_node(b, text_to_cstring(PG_GETARG_TEXT_PP(1)), "the scenario");
	int			s = bn_state_of(b, v, text_to_cstring(PG_GETARG_TEXT_PP(2)), "the scenario");
	double		factor = PG_GETARG_FLOAT8(3);
	double	   *cpt = palloc(sizeof(double) * b->cpt_off[b->n]);

	check_factor(factor);
	if (!bn_scaled(b, v, s, factor, cpt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scaling state \"%s\" of node \"%s\" by %s makes a probability above 1",
						b->states[v][s], b->names[v], float8out_internal(factor))));
	b->cpt = cpt;
	bn_check(b);
	PG_RETURN_POINTER(bn_flatten(b));
}

/*
 * The node named by argument 1 (*v) and the values of argument 2 (called
 * argname; "the <what> of node" in messages) for its CPT's cells: one per
 * state for each configuration of its parents, each finite.
 */
static double *
node_cells(Bn *b, FunctionCallInfo fcinfo, const char *what, const char *argname, int *v)
{
	int64		len;
	int			n;
	double	   *x;

	*v = bn_node(b, text_to_cstring(PG_GETARG_TEXT_PP(1)), what);
	len = b->cpt_off[*v + 1] - b->cpt_off[*v];
	x = risk_float8_values(PG_GETARG_ARRAYTYPE_P(2), argname, -1, &n);
	if (n != len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s of node \"%s\" must have " INT64_FORMAT " values, got %d",
						what, b->names[*v], len, n),
				 errdetail("%d states for each of the " INT64_FORMAT " configurations of its parents, the first parent varying slowest.",
						   b->card[*v], len / b->card[*v])));
	for (int i = 0; i < n; i++)
		if (!isfinite(x[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the %s of node \"%s\" must be finite, got %s", what, b->names[*v],
							float8out_internal(x[i]))));
	return x;
}

PG_FUNCTION_INFO_V1(risk_bn_set_cpt);
Datum
risk_bn_set_cpt(PG_FUNCTION_ARGS)
{
	Bn		   *b = bn_copy(bn_arg(fcinfo, 0));
	int			v;
	double	   *x = node_cells(b, fcinfo, "CPT", "cpt", &v);

	memcpy(b->cpt + b->cpt_off[v], x, sizeof(double) * (b->cpt_off[v + 1] - b->cpt_off[v]));
	bn_check(b);
	PG_RETURN_POINTER(bn_flatten(b));
}

BN_ENTRY(risk_bn_compare, 4, false)
{
	Bn		   *base = bn_arg(fcinfo, 0);
	Bn		   *scen = bn_arg(fcinfo, 1);
	int			t = target_arg(base, fcinfo, 2);
	int			s = bn_state_of(base, t, text_to_cstring(PG_GETARG_TEXT_PP(3)), "the target state");
	int		   *ev = bn_settings(base, fcinfo, 4, "the evidence");
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	double		p0,
				p1;

	if (scen->n != base->n || bn_find(scen, base->names[t], strlen(base->names[t])) != t
		|| memcmp(scen->card, base->card, sizeof(int) * base->n) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the scenario network must have the nodes and states of the baseline")));
	p0 = bn_infer(base, ev, NULL, 1, &t, NULL)[s];
	p1 = bn_infer(scen, ev, NULL, 1, &t, NULL)[s];
	values[0] = Float8GetDatum(p0);
	values[1] = Float8GetDatum(p1);
	values[2] = Float8GetDatum(p1 - p0);
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, nulls, 3));
}

BN_ENTRY(risk_bn_drivers, 3, true)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Bn		   *b = bn_copy(bn_arg(fcinfo, 0));
	int			t = target_arg(b, fcinfo, 1);
	int			ts = bn_state_of(b, t, text_to_cstring(PG_GETARG_TEXT_PP(2)), "the target state");
	int		   *ev = bn_settings(b, fcinfo, 3, "the evidence");
	double		factor = PG_ARGISNULL(4) ? 0.5 : PG_GETARG_FLOAT8(4);
	int		   *intv = palloc(sizeof(int) * b->n);
	double	   *cpt = palloc(sizeof(double) * b->cpt_off[b->n]);
	const double *orig = b->cpt;
	double		base = bn_infer(b, ev, NULL, 1, &t, NULL)[ts];

	check_factor(factor);
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < b->n; i++)
		intv[i] = -1;
	for (int v = 0; v < b->n; v++)
	{
		if (v == t || ev[v] >= 0)
			continue;
		for (int s = 0; s < b->card[v]; s++)
		{
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};
			double		p;

			CHECK_FOR_INTERRUPTS();
			intv[v] = s;
			p = bn_infer(b, ev, intv, 1, &t, NULL)[ts];
			intv[v] = -1;
			values[0] = CStringGetTextDatum(b->names[v]);
			values[1] = CStringGetTextDatum(b->states[v][s]);
			values[2] = CStringGetTextDatum("do");
			values[3] = Float8GetDatum(p);
			values[4] = Float8GetDatum(p - base);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			if (bn_scaled(b, v, s, factor, cpt))
			{
				b->cpt = cpt;
				p = bn_infer(b, ev, NULL, 1, &t, NULL)[ts];
				b->cpt = (double *) orig;
				values[2] = CStringGetTextDatum(psprintf("scale %s", float8out_internal(factor)));
				values[3] = Float8GetDatum(p);
				values[4] = Float8GetDatum(p - base);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
	}
	return (Datum) 0;
}

BN_ENTRY(risk_bn_sensitivity, 3, true)
{
	Bn		   *b = bn_arg(fcinfo, 0);
	int			t = target_arg(b, fcinfo, 1);
	int			ts = bn_state_of(b, t, text_to_cstring(PG_GETARG_TEXT_PP(2)), "the target state");
	int		   *ev = bn_settings(b, fcinfo, 3, "the evidence");
	double	   *d = palloc(sizeof(double) * b->cpt_off[b->n]);
	rk_bn_query q;
	rk_status	rc;

	/* the errors of an impossible evidence or a too large network first */
	(void) bn_infer(b, ev, NULL, 1, &t, NULL);
	q.evidence = ev;
	q.intervene = NULL;
	q.ntargets = 1;
	q.targets = &t;
	q.max_cells = BN_MAX_CELLS;
	rc = rk_bn_sensitivity(&b->core, &q, ts, d);
	risk_raise(rc, "bn sensitivity");
	put_cells(fcinfo, b, d);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Graphviz
 * --------------------------------------------------------------------- */

static void
dot_string(StringInfo s, const char *x)
{
	appendStringInfoChar(s, '"');
	for (; *x; x++)
	{
		if (*x == '"' || *x == '\\')
			appendStringInfoChar(s, '\\');
		if (*x == '\n')
		{
			appendStringInfoString(s, "\\n");
			continue;
		}
		appendStringInfoChar(s, *x);
	}
	appendStringInfoChar(s, '"');
}

BN_ENTRY(risk_bn_dot, 1, false)
{
	Bn		   *b = bn_arg(fcinfo, 0);
	int		   *ev = bn_settings(b, fcinfo, 1, "the evidence");
	bool		marginals = PG_ARGISNULL(2) ? true : PG_GETARG_BOOL(2);
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfoString(&s, "digraph bn {\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
	for (int v = 0; v < b->n; v++)
	{
		StringInfoData label;

		initStringInfo(&label);
		appendStringInfoString(&label, b->names[v]);
		if (marginals)
		{
			double	   *p = bn_infer(b, ev, NULL, 1, &v, NULL);

			for (int i = 0; i < b->card[v]; i++)
				appendStringInfo(&label, "\n%s %.3f", b->states[v][i], p[i]);
		}
		appendStringInfoString(&s, "  ");
		dot_string(&s, b->names[v]);
		appendStringInfoString(&s, " [label=");
		dot_string(&s, label.data);
		appendStringInfoString(&s, ev[v] >= 0 ? ", style=\"rounded,filled\", fillcolor=\"#dddddd\"];\n" : "];\n");
	}
	for (int v = 0; v < b->n; v++)
		for (int i = b->par_off[v]; i < b->par_off[v + 1]; i++)
		{
			appendStringInfoString(&s, "  ");
			dot_string(&s, b->names[b->par[i]]);
			appendStringInfoString(&s, " -> ");
			dot_string(&s, b->names[v]);
			appendStringInfoString(&s, ";\n");
		}
	appendStringInfoString(&s, "}\n");
	PG_RETURN_TEXT_P(cstring_to_text(s.data));
}

/* ---------------------------------------------------------------------
 * Learning: bn_fit(network, event text[] [, estimator, ess])
 * --------------------------------------------------------------------- */

/*
 * One event: x[v] the state of node v, -1 where the array has NULL.  The
 * elements are read in place, without a copy (this runs once per event).
 */
static void
event_read(const Bn *b, ArrayType *ev, int *x)
{
	int			n;
	const bits8 *bits;
	const char *p;

	if (ARR_NDIM(ev) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("an event must be a one-dimensional array of states")));
	n = ARR_NDIM(ev) == 0 ? 0 : ARR_DIMS(ev)[0];
	if (n != b->n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("an event has %d values, the network %d nodes", n, b->n),
				 errhint("Give one state per node, in the network's order (risk.bn_nodes), NULL where it was not observed.")));
	bits = ARR_NULLBITMAP(ev);
	p = ARR_DATA_PTR(ev);
	for (int v = 0; v < n; v++)
	{
		int			s;

		if (bits != NULL && !(bits[v / 8] & (1 << (v % 8))))
		{
			x[v] = -1;
			continue;
		}
		s = bn_state(b, v, VARDATA_ANY(p), VARSIZE_ANY_EXHDR(p));
		if (s < 0)
			bn_state_of(b, v, pnstrdup(VARDATA_ANY(p), VARSIZE_ANY_EXHDR(p)), "an event");
		x[v] = s;
		p = att_addlength_pointer(p, -1, p);
		p = (const char *) att_align_nominal(p, TYPALIGN_INT);
	}
}

typedef struct FitState
{
	BnHeader   *net;			/* the network, copied */
	Bn			b;				/* decoded from net */
	double	   *counts;			/* layout of the CPTs */
	int		   *x;				/* one event */
	int64		events;
	RiskParam	param[2];		/* estimator, ess */
	bool		stable;			/* the network argument is a constant */
} FitState;

static FitState *
fit_new(MemoryContext ctx, BnHeader *net)
{
	MemoryContext old = MemoryContextSwitchTo(ctx);
	FitState   *st = palloc0(sizeof(FitState));

	st->net = palloc(VARSIZE(net));
	memcpy(st->net, net, VARSIZE(net));
	bn_decode(st->net, &st->b);
	st->counts = palloc0(sizeof(double) * st->b.cpt_off[st->b.n]);
	st->x = palloc(sizeof(int) * st->b.n);
	MemoryContextSwitchTo(old);
	return st;
}

/* The same network on every row and in every partial state. */
static void
same_network(const BnHeader *mine, const BnHeader *net)
{
	if (VARSIZE(net) != VARSIZE(mine) || memcmp(net, mine, VARSIZE(net)) != 0)
		risk_param_mismatch("network", "one network", "another", false);
}

PG_FUNCTION_INFO_V1(risk_bn_fit_accum);
Datum
risk_bn_fit_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._bn_fit_accum");
	FitState   *st = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	rk_status	rc;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	if (st == NULL)
	{
		BnHeader   *net = (BnHeader *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));

		st = fit_new(ctx, net);
		/* a constant network needs no comparison on every row (an
		 * optimization only: without a call expression every row compares) */
		st->stable = get_fn_expr_arg_stable(fcinfo->flinfo, 1);
	}
	else if (!st->stable)
		same_network(st->net, (BnHeader *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1)));
	if (PG_NARGS() > 3)
	{
		int			est = PG_ARGISNULL(3) ? RK_BN_ML
			: estimator_of(text_to_cstring(PG_GETARG_TEXT_PP(3)));
		double		ess = PG_ARGISNULL(4) ? 1 : PG_GETARG_FLOAT8(4);

		if (!(ess > 0 && isfinite(ess)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ess must be a positive number, got %s", float8out_internal(ess))));
		risk_param_bind(&st->param[0], "estimator", est, estimator_names[est], NULL);
		risk_param_bind(&st->param[1], "ess", ess, NULL, NULL);
	}
	event_read(&st->b, PG_GETARG_ARRAYTYPE_P(2), st->x);
	rc = rk_bn_count(&st->b.core, st->x, 1.0, st->counts);
	risk_raise(rc, "bn_fit");
	st->events++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_bn_fit_combine);
Datum
risk_bn_fit_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._bn_fit_combine");
	FitState   *a = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitState   *b = PG_ARGISNULL(1) ? NULL : (FitState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = fit_new(ctx, b->net);
		a->param[0] = b->param[0];
		a->param[1] = b->param[1];
	}
	else
	{
		same_network(a->net, b->net);
		risk_param_merge(&a->param[0], &b->param[0]);
		risk_param_merge(&a->param[1], &b->param[1]);
	}
	for (int64 i = 0; i < a->b.cpt_off[a->b.n]; i++)
		a->counts[i] += b->counts[i];
	a->events += b->events;
	PG_RETURN_POINTER(a);
}

/*
 * A partial state as bytea: the events, the two parameters, the number of
 * cells, the counts, and the network.
 */
PG_FUNCTION_INFO_V1(risk_bn_fit_serialize);
Datum
risk_bn_fit_serialize(PG_FUNCTION_ARGS)
{
	FitState   *st = (FitState *) PG_GETARG_POINTER(0);
	int64		nc = st->b.cpt_off[st->b.n];
	Size		size = VARHDRSZ + 2 * sizeof(int64) + sizeof(st->param) + sizeof(double) * nc
		+ VARSIZE(st->net);
	bytea	   *out;
	char	   *p;

	risk_agg_context(fcinfo, "risk_internal._bn_fit_serialize");
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, &st->events, sizeof(int64));
	p += sizeof(int64);
	memcpy(p, st->param, sizeof(st->param));
	p += sizeof(st->param);
	memcpy(p, &nc, sizeof(int64));
	p += sizeof(int64);
	memcpy(p, st->counts, sizeof(double) * nc);
	p += sizeof(double) * nc;
	memcpy(p, st->net, VARSIZE(st->net));
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_bn_fit_deserialize);
Datum
risk_bn_fit_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._bn_fit_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	Size		head = 2 * sizeof(int64) + 2 * sizeof(RiskParam);
	BnHeader   *net;
	FitState   *st;
	int64		events,
				nc;
	RiskParam	param[2];

	if (len < head)
		bn_damaged();
	memcpy(&events, p, sizeof(int64));
	memcpy(param, p + sizeof(int64), sizeof(param));
	memcpy(&nc, p + sizeof(int64) + sizeof(param), sizeof(int64));
	if (nc < 1 || (Size) nc > (len - head) / sizeof(double)
		|| len - head - sizeof(double) * nc < sizeof(BnHeader))
		bn_damaged();
	net = palloc(len - head - sizeof(double) * nc);	/* aligned */
	memcpy(net, p + head + sizeof(double) * nc, len - head - sizeof(double) * nc);
	if (VARSIZE(net) != len - head - sizeof(double) * nc || net->ncells != nc)
		bn_damaged();
	st = fit_new(ctx, net);
	memcpy(st->counts, p + head, sizeof(double) * nc);
	st->events = events;
	st->param[0] = param[0];
	st->param[1] = param[1];
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_bn_fit_final);
Datum
risk_bn_fit_final(PG_FUNCTION_ARGS)
{
	FitState   *st = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	Bn		   *b;
	int64		nc;
	int			est;
	double		ess;
	rk_status	rc;

	if (st == NULL)
		PG_RETURN_NULL();
	b = bn_copy(&st->b);
	nc = b->cpt_off[b->n];
	est = risk_param_bound(&st->param[0]) ? (int) st->param[0].value : RK_BN_ML;
	ess = risk_param_bound(&st->param[1]) ? st->param[1].value : 1;
	if (b->counts == NULL)
		b->counts = palloc0(sizeof(double) * nc);
	for (int64 i = 0; i < nc; i++)
		b->counts[i] += st->counts[i];
	if (est == RK_BN_PRIOR && b->prior == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("estimator 'prior' needs a network with pseudo-counts"),
				 errhint("Set them with risk.bn_set_prior.")));
	b->cpt = palloc(sizeof(double) * nc);
	bn_link(b);
	rc = rk_bn_estimate(&b->core, b->counts, est, ess, b->prior, b->cpt);
	risk_raise(rc, "bn_fit");
	b->estimator = est;
	b->ess = ess;
	bn_check(b);
	PG_RETURN_POINTER(bn_flatten(b));
}

PG_FUNCTION_INFO_V1(risk_bn_set_prior);
Datum
risk_bn_set_prior(PG_FUNCTION_ARGS)
{
	Bn		   *b = bn_copy(bn_arg(fcinfo, 0));
	int			v;
	double	   *x = node_cells(b, fcinfo, "pseudo-counts", "pseudo_counts", &v);
	int64		len = b->cpt_off[v + 1] - b->cpt_off[v];

	for (int64 i = 0; i < len; i++)
		if (!(x[i] >= 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("pseudo-counts must be finite and non-negative, got %s",
							float8out_internal(x[i]))));
	if (b->prior == NULL)
		b->prior = palloc0(sizeof(double) * b->cpt_off[b->n]);
	memcpy(b->prior + b->cpt_off[v], x, sizeof(double) * len);
	PG_RETURN_POINTER(bn_flatten(b));
}

/* ---------------------------------------------------------------------
 * Structure: bn_score(network, score, ess), bn_learn(network, event
 * [, options])
 * --------------------------------------------------------------------- */

#define BN_LEARN_MAX_CELLS 1000000	/* the largest family table learning considers */

static const char *const score_names[] = {"bic", "bdeu", "k2"};

static int
score_of(const char *s)
{
	return risk_choice_str(s, strlen(s), score_names, lengthof(score_names), "score",
						   "Use 'bic', 'bdeu' (with an equivalent sample size) or 'k2'.");
}

static void
check_ess(double ess)
{
	if (!(ess > 0 && isfinite(ess)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ess must be a positive number, got %s", float8out_internal(ess))));
}

PG_FUNCTION_INFO_V1(risk_bn_score);
Datum
risk_bn_score(PG_FUNCTION_ARGS)
{
	Bn		   *b = bn_arg(fcinfo, 0);
	int			kind = score_of(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	double		ess = PG_GETARG_FLOAT8(2),
				total;

	check_ess(ess);
	if (b->counts == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the network has no counts to score"),
				 errhint("Learn its CPTs from events with risk.bn_fit (or its structure with risk.bn_learn) first.")));
	risk_raise(rk_bn_score(&b->core, b->counts, kind, ess, NULL, &total), "bn_score");
	PG_RETURN_FLOAT8(total);
}

typedef struct LearnState
{
	BnHeader   *net;			/* the network, copied */
	Bn			b;				/* decoded from net */
	Jsonb	   *options;		/* copied; NULL: none */
	int		   *x;				/* one event */
	uint8	   *events;			/* nrows x n states, RK_BN_MISSING where not observed */
	int64		nrows,
				cap;
	bool		stable;			/* network and options are constants */
} LearnState;

static LearnState *
learn_new(MemoryContext ctx, BnHeader *net, Jsonb *options)
{
	MemoryContext old = MemoryContextSwitchTo(ctx);
	LearnState *st = palloc0(sizeof(LearnState));

	st->net = palloc(VARSIZE(net));
	memcpy(st->net, net, VARSIZE(net));
	bn_decode(st->net, &st->b);
	if (options)
	{
		st->options = palloc(VARSIZE(options));
		memcpy(st->options, options, VARSIZE(options));
	}
	st->x = palloc(sizeof(int) * st->b.n);
	MemoryContextSwitchTo(old);
	return st;
}

/* The same network and options on every row and in every partial state. */
static void
learn_same(LearnState *st, BnHeader *net, Jsonb *options)
{
	same_network(st->net, net);
	risk_same_options(st->options, options);
}

/* Room for more events: n bytes each, in one huge block. */
static void
learn_reserve(LearnState *st, MemoryContext ctx, int64 more)
{
	int64		n = st->b.n;

	if (st->nrows + more <= st->cap)
		return;
	if ((uint64) (st->nrows + more) * n > MaxAllocHugeSize / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("risk.bn_learn holds its events in memory: " INT64_FORMAT " events of %d nodes are too many",
						st->nrows + more, (int) n)));
	st->cap = Max(st->nrows + more, Max(1024, st->cap * 2));
	st->events = st->events == NULL
		? MemoryContextAllocHuge(ctx, (Size) (st->cap * n))
		: repalloc_huge(st->events, (Size) (st->cap * n));
}

PG_FUNCTION_INFO_V1(risk_bn_learn_accum);
Datum
risk_bn_learn_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._bn_learn_accum");
	LearnState *st = PG_ARGISNULL(0) ? NULL : (LearnState *) PG_GETARG_POINTER(0);
	Jsonb	   *options = PG_NARGS() > 3 && !PG_ARGISNULL(3) ? PG_GETARG_JSONB_P(3) : NULL;
	uint8	   *row;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	if (st == NULL)
	{
		st = learn_new(ctx, (BnHeader *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1)), options);
		st->stable = get_fn_expr_arg_stable(fcinfo->flinfo, 1)
			&& (PG_NARGS() <= 3 || get_fn_expr_arg_stable(fcinfo->flinfo, 3));
	}
	else if (!st->stable)
		learn_same(st, (BnHeader *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1)), options);
	event_read(&st->b, PG_GETARG_ARRAYTYPE_P(2), st->x);
	learn_reserve(st, ctx, 1);
	row = st->events + st->nrows * st->b.n;
	for (int v = 0; v < st->b.n; v++)
		row[v] = st->x[v] < 0 ? RK_BN_MISSING : (uint8) st->x[v];
	st->nrows++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_bn_learn_combine);
Datum
risk_bn_learn_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._bn_learn_combine");
	LearnState *a = PG_ARGISNULL(0) ? NULL : (LearnState *) PG_GETARG_POINTER(0);
	LearnState *b = PG_ARGISNULL(1) ? NULL : (LearnState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = learn_new(ctx, b->net, b->options);
	else
		learn_same(a, b->net, b->options);
	learn_reserve(a, ctx, b->nrows);
	if (b->nrows > 0)
		memcpy(a->events + a->nrows * a->b.n, b->events, (Size) (b->nrows * b->b.n));
	a->nrows += b->nrows;
	PG_RETURN_POINTER(a);
}

/* A partial state as bytea: nrows, the options' size, the network's size, then each. */
PG_FUNCTION_INFO_V1(risk_bn_learn_serialize);
Datum
risk_bn_learn_serialize(PG_FUNCTION_ARGS)
{
	LearnState *st = (LearnState *) PG_GETARG_POINTER(0);
	int64		head[3];
	Size		data = (Size) (st->nrows * st->b.n),
				size;
	bytea	   *out;
	char	   *p;

	risk_agg_context(fcinfo, "risk_internal._bn_learn_serialize");
	head[0] = st->nrows;
	head[1] = st->options ? VARSIZE(st->options) : 0;
	head[2] = VARSIZE(st->net);
	size = VARHDRSZ + sizeof(head) + head[1] + head[2] + data;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a partial state of risk.bn_learn would hold " INT64_FORMAT " events of %d nodes, more than 1 GB",
						st->nrows, st->b.n),
				 errhint("Run it without parallel workers (SET max_parallel_workers_per_gather = 0).")));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, head, sizeof(head));
	p += sizeof(head);
	if (st->options)
		memcpy(p, st->options, head[1]);
	p += head[1];
	memcpy(p, st->net, head[2]);
	p += head[2];
	if (data > 0)
		memcpy(p, st->events, data);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_bn_learn_deserialize);
Datum
risk_bn_learn_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._bn_learn_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	int64		head[3];
	Jsonb	   *options = NULL;
	BnHeader   *net;
	LearnState *st;

	if (len < sizeof(head))
		bn_damaged();
	memcpy(head, p, sizeof(head));
	if (head[0] < 0 || head[1] < 0 || head[2] < (int64) sizeof(BnHeader)
		|| (Size) head[1] > len - sizeof(head) || (Size) head[2] > len - sizeof(head) - head[1])
		bn_damaged();
	p += sizeof(head);
	if (head[1] > 0)
	{
		options = palloc(head[1]);
		memcpy(options, p, head[1]);
		if (VARSIZE(options) != head[1])
			bn_damaged();
	}
	p += head[1];
	net = palloc(head[2]);
	memcpy(net, p, head[2]);
	if (VARSIZE(net) != head[2])
		bn_damaged();
	p += head[2];
	st = learn_new(ctx, net, options);
	if ((Size) head[0] * st->b.n != len - sizeof(head) - head[1] - head[2])
		bn_damaged();
	learn_reserve(st, ctx, head[0]);
	if (head[0] > 0)
		memcpy(st->events, p, (Size) (head[0] * st->b.n));
	st->nrows = head[0];
	for (int64 i = 0; i < st->nrows * st->b.n; i++)
		if (st->events[i] != RK_BN_MISSING && st->events[i] >= st->b.card[i % st->b.n])
			bn_damaged();
	PG_RETURN_POINTER(st);
}

/* An edge list [[parent, child], ...] into the matrix m (n x n). */
static void
learn_edges(const Bn *b, JsonbValue *v, const char *key, uint8 *m)
{
	JsonbContainer *a;
	int			ne;
	char		what[64];

	snprintf(what, sizeof(what), "\"%s\" must be an array of [parent, child] pairs", key);
	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", what)));
	a = v->val.binary.data;
	ne = JsonContainerSize(a);
	for (int i = 0; i < ne; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(a, i);
		char	  **pair;
		int			u,
					w;

		if (e == NULL || e->type != jbvBinary || !JsonContainerIsArray(e->val.binary.data)
			|| JsonContainerSize(e->val.binary.data) != 2)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", what)));
		for (int k = 0; k < 2; k++)
		{
			JsonbValue *s = getIthJsonbValueFromContainer(e->val.binary.data, k);

			if (s == NULL || s->type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s", what)));
		}
		jstrings(e, what, &pair);
		u = bn_node(b, pair[0], key);
		w = bn_node(b, pair[1], key);
		if (u == w)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the %s names an edge from \"%s\" to itself", key, pair[0])));
		m[u * b->n + w] = 1;
	}
}

static int
learn_int(JsonbValue *v, const char *key, int lo)
{
	double		x;

	if (v == NULL || v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" must be a number", key)));
	x = jnumber(v, key);
	if (!(x >= lo && x <= INT_MAX && x == floor(x)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" must be an integer of at least %d, got %s", key, lo,
						float8out_internal(x))));
	return (int) x;
}

/* The options of bn_learn, read and checked (names of nodes resolved). */
typedef struct LearnOptions
{
	rk_bn_search search;
	int			estimator;
	uint8	   *white,
			   *black;
} LearnOptions;

static void
learn_options(const Bn *b, Jsonb *opt, LearnOptions *o)
{
	static const char *const keys[] = {"score", "ess", "max_parents", "whitelist", "blacklist",
	"max_iterations", "estimator"};
	int			n = b->n;

	memset(o, 0, sizeof(*o));
	o->search.score = RK_BN_SCORE_BIC;
	o->search.ess = 1;
	o->search.max_parents = -1;
	o->search.max_cells = BN_LEARN_MAX_CELLS;
	o->estimator = RK_BN_ML;
	o->white = palloc0((Size) n * n);
	o->black = palloc0((Size) n * n);
	o->search.white = o->white;
	o->search.black = o->black;
	if (opt == NULL)
		return;
	risk_check_options(opt, "risk.bn_learn", keys, lengthof(keys));
	{
		JsonbValue *v;

		if ((v = risk_option(opt, "score")) != NULL)
		{
			if (v->type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"score\" must be a string")));
			o->search.score = score_of(pnstrdup(v->val.string.val, v->val.string.len));
		}
		if ((v = risk_option(opt, "estimator")) != NULL)
		{
			if (v->type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"estimator\" must be a string")));
			o->estimator = estimator_of(pnstrdup(v->val.string.val, v->val.string.len));
			if (o->estimator == RK_BN_PRIOR)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("estimator 'prior' needs pseudo-counts per cell of a known structure"),
						 errhint("Learn the structure, set the pseudo-counts with risk.bn_set_prior, then fit with risk.bn_fit.")));
		}
		if ((v = risk_option(opt, "ess")) != NULL)
		{
			if (v->type != jbvNumeric)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"ess\" must be a number")));
			o->search.ess = jnumber(v, "ess");
			check_ess(o->search.ess);
		}
		if ((v = risk_option(opt, "max_parents")) != NULL)
			o->search.max_parents = learn_int(v, "max_parents", 0);
		if ((v = risk_option(opt, "max_iterations")) != NULL)
			o->search.max_iterations = learn_int(v, "max_iterations", 1);
		if ((v = risk_option(opt, "whitelist")) != NULL)
			learn_edges(b, v, "whitelist", o->white);
		if ((v = risk_option(opt, "blacklist")) != NULL)
			learn_edges(b, v, "blacklist", o->black);
	}
}

/*
 * The start (the network's edges with the whitelist): checked with the
 * nodes named, so that the core's refusal of a start cannot be reached.
 */
static void
learn_start(const Bn *b, const LearnOptions *o, uint8 *adj)
{
	int			n = b->n;
	int		   *indeg = palloc0(sizeof(int) * n),
			   *queue = palloc(sizeof(int) * n),
				head = 0,
				tail = 0;

	for (int v = 0; v < n; v++)
		for (int j = b->par_off[v]; j < b->par_off[v + 1]; j++)
			adj[b->par[j] * n + v] = 1;
	for (int u = 0; u < n; u++)
		for (int v = 0; v < n; v++)
		{
			int			e = u * n + v;

			if (o->white[e] && o->black[e])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the edge from \"%s\" to \"%s\" is both in the whitelist and in the blacklist",
								b->names[u], b->names[v])));
			if (adj[e] && o->black[e])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the network's edge from \"%s\" to \"%s\" is in the blacklist",
								b->names[u], b->names[v]),
						 errhint("Learning starts from the network's edges: remove it from the start or from the blacklist.")));
			adj[e] |= o->white[e];
		}
	for (int v = 0; v < n; v++)
	{
		int64		cells = b->card[v];

		for (int u = 0; u < n; u++)
			if (adj[u * n + v])
			{
				indeg[v]++;
				cells *= b->card[u];
				if (cells > BN_LEARN_MAX_CELLS)
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("the start gives node \"%s\" a table of more than %d cells",
									b->names[v], BN_LEARN_MAX_CELLS)));
			}
		if (o->search.max_parents >= 0 && indeg[v] > o->search.max_parents)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" starts with %d parents (the network's and the whitelist's), more than max_parents %d",
							b->names[v], indeg[v], o->search.max_parents)));
	}
	for (int v = 0; v < n; v++)
		if (indeg[v] == 0)
			queue[tail++] = v;
	while (head < tail)
	{
		int			u = queue[head++];

		for (int v = 0; v < n; v++)
			if (adj[u * n + v] && --indeg[v] == 0)
				queue[tail++] = v;
	}
	for (int v = 0; v < n && tail < n; v++)
		if (indeg[v] > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the whitelist with the network's edges has a cycle through node \"%s\"",
							b->names[v])));
}

PG_FUNCTION_INFO_V1(risk_bn_learn_final);
Datum
risk_bn_learn_final(PG_FUNCTION_ARGS)
{
	LearnState *st = PG_ARGISNULL(0) ? NULL : (LearnState *) PG_GETARG_POINTER(0);
	const Bn   *in;
	int			n;
	LearnOptions o;
	uint8	   *adj,
			   *cols;
	rk_bn_data	data;
	BnNodeDef  *defs;
	Bn		   *b;
	double		score;
	int			iterations;
	rk_status	rc;

	if (st == NULL)
		PG_RETURN_NULL();
	in = &st->b;
	n = in->n;
	learn_options(in, st->options, &o);
	adj = palloc0((Size) n * n);
	learn_start(in, &o, adj);
	/* one column per node: a family's pass reads only its columns */
	cols = palloc_extended((Size) Max(st->nrows, 1) * n, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < st->nrows; i++)
		for (int v = 0; v < n; v++)
			cols[v * st->nrows + i] = st->events[i * n + v];
	data.n = n;
	data.card = in->card;
	data.nrows = st->nrows;
	data.x = cols;
	rc = rk_bn_hill_climb(&data, &o.search, adj, &score, &iterations);
	risk_raise(rc, "bn_learn");
	ereport(DEBUG1,
			(errmsg_internal("bn_learn: " INT64_FORMAT " events, %d changes, score %s",
							 st->nrows, iterations, float8out_internal(score))));
	pfree(cols);
	/* the learnt structure, its counts and CPTs */
	defs = palloc0(sizeof(BnNodeDef) * n);
	for (int v = 0; v < n; v++)
	{
		defs[v].name = in->names[v];
		defs[v].nstates = in->card[v];
		defs[v].states = in->states[v];
		defs[v].parents = palloc(sizeof(char *) * n);
		for (int u = 0; u < n; u++)
			if (adj[u * n + v])
				defs[v].parents[defs[v].nparents++] = in->names[u];
		defs[v].ncpt = -1;
		defs[v].ncounts = -1;
		defs[v].nprior = -1;
	}
	b = bn_build(defs, n, o.estimator, o.search.ess);
	b->counts = palloc0(sizeof(double) * b->cpt_off[n]);
	for (int64 i = 0; i < st->nrows; i++)
	{
		for (int v = 0; v < n; v++)
			st->x[v] = st->events[i * n + v] == RK_BN_MISSING ? -1 : st->events[i * n + v];
		risk_raise(rk_bn_count(&b->core, st->x, 1.0, b->counts), "bn_learn");
	}
	risk_raise(rk_bn_estimate(&b->core, b->counts, o.estimator, o.search.ess, NULL, b->cpt),
			   "bn_learn");
	bn_check(b);
	PG_RETURN_POINTER(bn_flatten(b));
}
