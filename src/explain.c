/*
 * explain.c
 *     SQL face of explainable and fair credit decisions: reason codes of a
 *     scorecard, exact Shapley values of logistic and neural-network PD
 *     models, fairness metrics by group.  The numerics are the core's
 *     (core/explain.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "risk.h"
#include "core/explain.h"

/* ---- reason codes ----------------------------------------------------- */

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */

/*
 * risk.fairness(grp, declined, defaulted [, pd [, options]]): an aggregate
 * over credit decisions.  Its state: per group, the 2x2 table of counts
 * (declined x defaulted), the compensated sum of the PDs, and the PDs
 * themselves split by outcome (for the AUC); the groups are found by a
 * hash of their name's bytes (open addressing, group index + 1 per slot),
 * and the group of the previous row is tried first.  A row allocates
 * nothing: its text is read in place, its counts added, and its PD
 * appended to an array that doubles when full.  Everything lives in the
 * aggregate context.  Partial states add their tables and concatenate
 * their PDs; the final function orders the groups by their bytes (so that
 * the result does not depend on which rows a worker saw), computes the
 * AUC by the validation core and calls the explain core for the metrics
 * and the bootstrap.
 */
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "core/validation.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#define FAIR_MAX_GROUPS 1000000
#define FAIR_MAX_BOOT 1000000
#define FAIR_NCOLS 33

typedef struct FairOptions
{
	int64		n_boot;
	double		level;
	int64		seed;
} FairOptions;

typedef struct FairGroup
{
	int64		cells[RK_FAIR_CELLS];	/* cells[2 * declined + defaulted] */
	double		pd_sum,			/* compensated sum of the PDs: pd_sum + pd_c */
				pd_c;
	int64		npd[2];			/* PDs kept, of non-defaults [0], defaults [1] */
	int64		cap[2];
	double	   *pd[2];
	uint32		hash;
	int32		name_len;
	int64		name_off;		/* in FairState.names */
} FairGroup;

typedef struct FairState
{
	bool		with_pd;		/* called with a PD column */
	bool		stable;			/* the options are a constant */
	Jsonb	   *options;		/* as given, copied; NULL: none */
	FairOptions opt;
	int64		left_out;		/* rows with a NULL group, decision or outcome */
	int32		ngroups,
				capgroups;
	FairGroup  *groups;
	int32	   *slots;			/* nslots (a power of 2): group index + 1, 0 free */
	int32		nslots;
	int32		last;			/* the previous row's group; -1: none */
	char	   *names;
	int64		names_len,
				names_cap;
} FairState;

static const char *const fair_keys[] = {"n_boot", "level", "seed"};

/* An option's value as JSON text, for the messages. */
static char *
fair_shown(JsonbValue *v)
{
	Jsonb	   *j = JsonbValueToJsonb(v);

	return JsonbToCString(NULL, &j->root, VARSIZE(j));
}

static double
fair_opt_num(JsonbValue *v, const char *key)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of risk.fairness must be a number, got %s",
						key, fair_shown(v))));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

static int64
fair_opt_int(JsonbValue *v, const char *key, int64 lo, int64 hi)
{
	double		x = fair_opt_num(v, key);

	if (!(x >= (double) lo && x <= (double) hi && x == floor(x)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of risk.fairness must be an integer from " INT64_FORMAT " to " INT64_FORMAT ", got %s",
						key, lo, hi, fair_shown(v))));
	return (int64) x;
}

/* Read and check the options (NULL: the defaults). */
static void
fair_options(Jsonb *opt, FairOptions *o)
{
	JsonbValue *v;

	o->n_boot = 1000;
	o->level = 0.95;
	o->seed = 1;
	if (opt == NULL)
		return;
	risk_check_options(opt, "risk.fairness", fair_keys, lengthof(fair_keys));
	if ((v = risk_option(opt, "n_boot")) != NULL)
		o->n_boot = fair_opt_int(v, "n_boot", 0, FAIR_MAX_BOOT);
	if ((v = risk_option(opt, "level")) != NULL)
	{
		o->level = fair_opt_num(v, "level");
		risk_check_level(o->level, "option \"level\" of risk.fairness");
	}
	if ((v = risk_option(opt, "seed")) != NULL)
		o->seed = fair_opt_int(v, "seed", 1, 4294967295);
}

/* A new state (options checked). */
static FairState *
fair_new(MemoryContext ctx, bool with_pd, Jsonb *options)
{
	FairState  *st;
	FairOptions o;

	fair_options(options, &o);
	st = MemoryContextAllocZero(ctx, sizeof(FairState));
	st->with_pd = with_pd;
	st->opt = o;
	if (options != NULL)
	{
		st->options = MemoryContextAlloc(ctx, VARSIZE(options));
		memcpy(st->options, options, VARSIZE(options));
	}
	st->capgroups = 8;
	st->groups = MemoryContextAllocZero(ctx, sizeof(FairGroup) * st->capgroups);
	st->nslots = 32;
	st->slots = MemoryContextAllocZero(ctx, sizeof(int32) * st->nslots);
	st->names_cap = 256;
	st->names = MemoryContextAlloc(ctx, st->names_cap);
	st->last = -1;
	return st;
}

static void
fair_too_many(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("risk.fairness takes at most %d groups", FAIR_MAX_GROUPS),
			 errhint("The group column names a handful of groups (a sex, an age band, a region): not a customer.")));
}

/* Put group g in its slot (the table has a free one). */
static void
fair_slot(FairState *st, int32 g)
{
	uint32		mask = (uint32) st->nslots - 1;
	uint32		i = st->groups[g].hash & mask;

	while (st->slots[i] != 0)
		i = (i + 1) & mask;
	st->slots[i] = g + 1;
}

/* The index of the group named s[0..len), added when new. */
static int32
fair_group(FairState *st, MemoryContext ctx, const char *s, int32 len, uint32 hash)
{
	uint32		mask = (uint32) st->nslots - 1;
	uint32		i = hash & mask;
	FairGroup  *g;
	int32		k;

	for (; st->slots[i] != 0; i = (i + 1) & mask)
	{
		g = &st->groups[st->slots[i] - 1];
		if (g->hash == hash && g->name_len == len && memcmp(st->names + g->name_off, s, len) == 0)
			return st->slots[i] - 1;
	}
	if (st->ngroups >= FAIR_MAX_GROUPS)
		fair_too_many();
	if (st->ngroups == st->capgroups)
	{
		st->capgroups *= 2;
		st->groups = repalloc(st->groups, sizeof(FairGroup) * st->capgroups);
	}
	if (st->names_len + len > st->names_cap)
	{
		while (st->names_len + len > st->names_cap)
			st->names_cap *= 2;
		st->names = repalloc_huge(st->names, st->names_cap);
	}
	k = st->ngroups++;
	g = &st->groups[k];
	memset(g, 0, sizeof(FairGroup));
	g->hash = hash;
	g->name_len = len;
	g->name_off = st->names_len;
	memcpy(st->names + st->names_len, s, len);
	st->names_len += len;
	if ((int64) st->ngroups * 2 > st->nslots)
	{
		/* keep the table at most half full */
		pfree(st->slots);
		st->nslots *= 2;
		st->slots = MemoryContextAllocZero(ctx, sizeof(int32) * st->nslots);
		for (int32 j = 0; j < st->ngroups; j++)
			fair_slot(st, j);
	}
	else
		st->slots[i] = k + 1;
	return k;
}

/* Room for `more` further PDs of outcome y in group g. */
static void
fair_reserve(FairGroup *g, MemoryContext ctx, int y, int64 more)
{
	int64		want = g->npd[y] + more;
	int64		cap = g->cap[y] > 0 ? g->cap[y] : 16;

	if (want <= g->cap[y])
		return;
	while (cap < want)
		cap *= 2;
	if (g->pd[y] == NULL)
		g->pd[y] = MemoryContextAllocExtended(ctx, sizeof(double) * cap, MCXT_ALLOC_HUGE);
	else
		g->pd[y] = repalloc_huge(g->pd[y], sizeof(double) * cap);
	g->cap[y] = cap;
}

PG_FUNCTION_INFO_V1(risk_fairness_accum);
Datum
risk_fairness_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._fairness_accum");
	FairState  *st = PG_ARGISNULL(0) ? NULL : (FairState *) PG_GETARG_POINTER(0);
	bool		with_pd = PG_NARGS() >= 5;
	bool		with_options = PG_NARGS() >= 6 && !PG_ARGISNULL(5);
	text	   *t;
	const char *s;
	int32		len,
				k;
	FairGroup  *g;
	int			d,
				y;

	if (st == NULL)
	{
		st = fair_new(ctx, with_pd, with_options ? PG_GETARG_JSONB_P(5) : NULL);
		/* a constant needs no comparison on every row */
		st->stable = PG_NARGS() < 6 || get_fn_expr_arg_stable(fcinfo->flinfo, 5);
	}
	else if (!st->stable)
		risk_same_options(st->options, with_options ? PG_GETARG_JSONB_P(5) : NULL);
	/* a row without a group, a decision or an outcome is left out, and counted */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		st->left_out++;
		PG_RETURN_POINTER(st);
	}
	d = PG_GETARG_BOOL(2) ? 1 : 0;
	y = PG_GETARG_BOOL(3) ? 1 : 0;
	if (with_pd && !PG_ARGISNULL(4))
	{
		double		pd = PG_GETARG_FLOAT8(4);

		if (!(pd >= 0.0 && pd <= 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a PD must be a number from 0 to 1, got %s", float8out_internal(pd)),
					 risk_pd_hint(pd, true)));
	}
	t = PG_GETARG_TEXT_PP(1);
	s = VARDATA_ANY(t);
	len = VARSIZE_ANY_EXHDR(t);
	k = st->last;
	if (k < 0 || st->groups[k].name_len != len || memcmp(st->names + st->groups[k].name_off, s, len) != 0)
	{
		k = fair_group(st, ctx, s, len, hash_bytes((const unsigned char *) s, len));
		st->last = k;
	}
	g = &st->groups[k];
	g->cells[2 * d + y]++;
	if (with_pd && !PG_ARGISNULL(4))
	{
		double		pd = PG_GETARG_FLOAT8(4);

		if (g->npd[y] == g->cap[y])
			fair_reserve(g, ctx, y, 1);
		g->pd[y][g->npd[y]++] = pd;
		rk_sum_add(&g->pd_sum, &g->pd_c, pd);
	}
	PG_RETURN_POINTER(st);
}

/* ERROR: two partial states of a group disagree on their options. */
static void
fair_same_parts(const FairState *a, const FairState *b)
{
	if ((a->options == NULL) != (b->options == NULL)
		|| (a->options && (VARSIZE(a->options) != VARSIZE(b->options)
						   || memcmp(a->options, b->options, VARSIZE(a->options)) != 0)))
		risk_param_mismatch("options", "one set of options", "another", true);
}

/* Add group gb of state b (its name, table, PD sum and PDs) into a. */
static void
fair_add_group(FairState *a, MemoryContext ctx, const FairState *b, const FairGroup *gb)
{
	int32		k = fair_group(a, ctx, b->names + gb->name_off, gb->name_len, gb->hash);
	FairGroup  *ga = &a->groups[k];

	for (int j = 0; j < RK_FAIR_CELLS; j++)
		ga->cells[j] += gb->cells[j];
	rk_sum_add(&ga->pd_sum, &ga->pd_c, gb->pd_sum);
	rk_sum_add(&ga->pd_sum, &ga->pd_c, gb->pd_c);
	for (int y = 0; y < 2; y++)
		if (gb->npd[y] > 0)
		{
			fair_reserve(ga, ctx, y, gb->npd[y]);
			memcpy(ga->pd[y] + ga->npd[y], gb->pd[y], sizeof(double) * gb->npd[y]);
			ga->npd[y] += gb->npd[y];
		}
}

PG_FUNCTION_INFO_V1(risk_fairness_combine);
Datum
risk_fairness_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._fairness_combine");
	FairState  *a = PG_ARGISNULL(0) ? NULL : (FairState *) PG_GETARG_POINTER(0);
	FairState  *b = PG_ARGISNULL(1) ? NULL : (FairState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		RISK_RETURN_STATE(a);
	if (a == NULL)
	{
		a = fair_new(ctx, b->with_pd, b->options);
		a->stable = b->stable;
	}
	else
		fair_same_parts(a, b);
	a->left_out += b->left_out;
	for (int32 j = 0; j < b->ngroups; j++)
		fair_add_group(a, ctx, b, &b->groups[j]);
	a->last = -1;
	PG_RETURN_POINTER(a);
}

/*
 * A partial state as bytea: this header, the options, one FairWireGroup
 * per group, the names, then each group's PDs (non-defaults, defaults).
 */
typedef struct FairWire
{
	int32		with_pd;
	int32		ngroups;
	int64		left_out;
	int64		names_len;
	int64		options_size;	/* 0: none */
} FairWire;

typedef struct FairWireGroup
{
	int64		cells[RK_FAIR_CELLS];
	double		pd_sum,
				pd_c;
	int64		npd[2];
	uint32		hash;
	int32		name_len;
} FairWireGroup;

static void
fair_damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("a partial state of risk.fairness is damaged")));
}

PG_FUNCTION_INFO_V1(risk_fairness_serialize);
Datum
risk_fairness_serialize(PG_FUNCTION_ARGS)
{
	FairState  *st = (FairState *) PG_GETARG_POINTER(0);
	FairWire	w;
	Size		size,
				npd = 0;
	bytea	   *out;
	char	   *p;

	risk_agg_context(fcinfo, "risk_internal._fairness_serialize");
	memset(&w, 0, sizeof(w));
	w.with_pd = st->with_pd;
	w.ngroups = st->ngroups;
	w.left_out = st->left_out;
	w.names_len = st->names_len;
	w.options_size = st->options ? VARSIZE(st->options) : 0;
	for (int32 j = 0; j < st->ngroups; j++)
		npd += st->groups[j].npd[0] + st->groups[j].npd[1];
	size = VARHDRSZ + sizeof(w) + w.options_size + sizeof(FairWireGroup) * (Size) st->ngroups
		+ st->names_len + sizeof(double) * npd;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a partial state of risk.fairness of %zu PDs is larger than 1 GB", npd),
				 errhint("Run it without parallel workers (SET max_parallel_workers_per_gather = 0).")));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, &w, sizeof(w));
	p += sizeof(w);
	if (w.options_size > 0)
		memcpy(p, st->options, w.options_size);
	p += w.options_size;
	for (int32 j = 0; j < st->ngroups; j++)
	{
		const FairGroup *g = &st->groups[j];
		FairWireGroup wg;

		memset(&wg, 0, sizeof(wg));
		memcpy(wg.cells, g->cells, sizeof(wg.cells));
		wg.pd_sum = g->pd_sum;
		wg.pd_c = g->pd_c;
		wg.npd[0] = g->npd[0];
		wg.npd[1] = g->npd[1];
		wg.hash = g->hash;
		wg.name_len = g->name_len;
		memcpy(p, &wg, sizeof(wg));
		p += sizeof(wg);
	}
	memcpy(p, st->names, st->names_len);
	p += st->names_len;
	for (int32 j = 0; j < st->ngroups; j++)
		for (int y = 0; y < 2; y++)
			if (st->groups[j].npd[y] > 0)
			{
				memcpy(p, st->groups[j].pd[y], sizeof(double) * st->groups[j].npd[y]);
				p += sizeof(double) * st->groups[j].npd[y];
			}
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_fairness_deserialize);
Datum
risk_fairness_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._fairness_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	FairWire	w;
	Jsonb	   *options = NULL;
	FairState  *st;
	const char *names;
	const char *wgs;
	Size		npd = 0;
	int64		off = 0;

	if (len < sizeof(w))
		fair_damaged();
	memcpy(&w, p, sizeof(w));
	p += sizeof(w);
	len -= sizeof(w);
	if ((w.with_pd != 0 && w.with_pd != 1) || w.ngroups < 0 || w.ngroups > FAIR_MAX_GROUPS
		|| w.left_out < 0 || w.names_len < 0 || w.options_size < 0
		|| (Size) w.options_size > len
		|| sizeof(FairWireGroup) * (Size) w.ngroups > len - w.options_size
		|| (Size) w.names_len > len - w.options_size - sizeof(FairWireGroup) * (Size) w.ngroups)
		fair_damaged();
	if (w.options_size > 0)
	{
		options = palloc(w.options_size);
		memcpy(options, p, w.options_size);
		if (VARSIZE(options) != (Size) w.options_size)
			fair_damaged();
	}
	p += w.options_size;
	len -= w.options_size;
	wgs = p;
	names = p + sizeof(FairWireGroup) * (Size) w.ngroups;
	len -= sizeof(FairWireGroup) * (Size) w.ngroups + w.names_len;
	st = fair_new(ctx, w.with_pd != 0, options);
	st->left_out = w.left_out;
	p = names + w.names_len;
	for (int32 j = 0; j < w.ngroups; j++)
	{
		FairWireGroup wg;
		FairState	one;
		FairGroup	g;

		memcpy(&wg, wgs + sizeof(FairWireGroup) * (Size) j, sizeof(wg));
		if (wg.name_len < 0 || wg.name_len > w.names_len - off
			|| wg.npd[0] < 0 || wg.npd[1] < 0
			|| wg.npd[0] > wg.cells[0] + wg.cells[2] || wg.npd[1] > wg.cells[1] + wg.cells[3]
			|| (Size) (wg.npd[0] + wg.npd[1]) > (len - npd * sizeof(double)) / sizeof(double)
			|| wg.hash != hash_bytes((const unsigned char *) names + off, wg.name_len))
			fair_damaged();
		for (int c = 0; c < RK_FAIR_CELLS; c++)
			if (wg.cells[c] < 0)
				fair_damaged();
		/* the wire group seen as a group of a one-group state, then added */
		memset(&g, 0, sizeof(g));
		memcpy(g.cells, wg.cells, sizeof(g.cells));
		g.pd_sum = wg.pd_sum;
		g.pd_c = wg.pd_c;
		g.hash = wg.hash;
		g.name_len = wg.name_len;
		g.name_off = 0;
		for (int y = 0; y < 2; y++)
		{
			g.npd[y] = wg.npd[y];
			g.pd[y] = (double *) p;	/* read with memcpy only */
			p += sizeof(double) * wg.npd[y];
		}
		npd += wg.npd[0] + wg.npd[1];
		memset(&one, 0, sizeof(one));
		one.names = (char *) names + off;
		fair_add_group(st, ctx, &one, &g);
		off += wg.name_len;
	}
	if (off != w.names_len || npd * sizeof(double) != len)
		fair_damaged();
	PG_RETURN_POINTER(st);
}

/* The order of the groups: by their bytes, a prefix first (COLLATE "C"). */
static int
fair_cmp(const void *a, const void *b, void *arg)
{
	const FairState *st = (const FairState *) arg;
	const FairGroup *ga = &st->groups[*(const int32 *) a];
	const FairGroup *gb = &st->groups[*(const int32 *) b];
	int			c = memcmp(st->names + ga->name_off, st->names + gb->name_off,
						   Min(ga->name_len, gb->name_len));

	if (c != 0)
		return c;
	return (ga->name_len > gb->name_len) - (ga->name_len < gb->name_len);
}

/* A float8[] of v[0..n-1], a NaN (an undefined rate) as NULL. */
static Datum
fair_float8_array(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * (n > 0 ? n : 1));
	bool	   *nulls = palloc(sizeof(bool) * (n > 0 ? n : 1));
	int			dims[1] = {n},
				lbs[1] = {1};

	for (int i = 0; i < n; i++)
	{
		nulls[i] = isnan(v[i]);
		d[i] = Float8GetDatum(nulls[i] ? 0.0 : v[i]);
	}
	return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, FLOAT8OID, sizeof(float8),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

static inline Datum
fair_num(double x, bool *isnull)
{
	*isnull = isnan(x);
	return Float8GetDatum(*isnull ? 0.0 : x);
}

PG_FUNCTION_INFO_V1(risk_fairness_final);
Datum
risk_fairness_final(PG_FUNCTION_ARGS)
{
	FairState  *st = PG_ARGISNULL(0) ? NULL : (FairState *) PG_GETARG_POINTER(0);
	Datum		values[FAIR_NCOLS];
	bool		nulls[FAIR_NCOLS];
	int32		ng,
			   *order;
	int64	   *cells,
			   *n,
			   *declined,
			   *defaults,
			   *npd,
				rows = 0;
	double	   *sel,
			   *tpr,
			   *fpr,
			   *dr,
			   *mean_pd,
			   *pd_dr,
			   *auc,
				point[RK_FAIR_NMETRICS],
				lo[RK_FAIR_NMETRICS],
				hi[RK_FAIR_NMETRICS];
	Datum	   *names;
	rk_fair_metrics m;
	int			col;

	if (st == NULL || st->ngroups == 0)
		PG_RETURN_NULL();
	ng = st->ngroups;
	order = palloc(sizeof(int32) * ng);
	for (int32 i = 0; i < ng; i++)
		order[i] = i;
	qsort_arg(order, ng, sizeof(int32), fair_cmp, st);
	cells = palloc(sizeof(int64) * RK_FAIR_CELLS * ng);
	n = palloc(sizeof(int64) * ng);
	declined = palloc(sizeof(int64) * ng);
	defaults = palloc(sizeof(int64) * ng);
	npd = palloc(sizeof(int64) * ng);
	sel = palloc(sizeof(double) * ng);
	tpr = palloc(sizeof(double) * ng);
	fpr = palloc(sizeof(double) * ng);
	dr = palloc(sizeof(double) * ng);
	mean_pd = palloc(sizeof(double) * ng);
	pd_dr = palloc(sizeof(double) * ng);
	auc = palloc(sizeof(double) * ng);
	names = palloc(sizeof(Datum) * ng);
	for (int32 i = 0; i < ng; i++)
	{
		FairGroup  *g = &st->groups[order[i]];
		const int64 *c = g->cells;
		rk_fair_rates r;

		memcpy(cells + (Size) RK_FAIR_CELLS * i, c, sizeof(int64) * RK_FAIR_CELLS);
		names[i] = PointerGetDatum(cstring_to_text_with_len(st->names + g->name_off, g->name_len));
		rk_fair_rates_of(c, &r);
		n[i] = c[0] + c[1] + c[2] + c[3];
		declined[i] = c[2] + c[3];
		defaults[i] = c[1] + c[3];
		rows += n[i];
		sel[i] = r.selection_rate;
		tpr[i] = r.tpr;
		fpr[i] = r.fpr;
		dr[i] = r.default_rate;
		npd[i] = g->npd[0] + g->npd[1];
		mean_pd[i] = npd[i] > 0 ? (g->pd_sum + g->pd_c) / (double) npd[i] : NAN;
		pd_dr[i] = npd[i] > 0 ? (double) g->npd[1] / (double) npd[i] : NAN;
		auc[i] = NAN;
		if (g->npd[0] > 0 && g->npd[1] > 0)
		{
			double		ks;

			/* sorts the group's PDs in place: FINALFUNC_MODIFY = SHAREABLE */
			risk_raise(rk_auc_ks_split(g->pd[0], g->npd[0], g->pd[1], g->npd[1], &auc[i], &ks),
					   "fairness");
		}
		CHECK_FOR_INTERRUPTS();
	}
	rk_fair_metrics_cells(cells, ng, &m);
	point[0] = m.dp_difference;
	point[1] = m.dp_ratio;
	point[2] = m.eo_difference;
	point[3] = m.eo_ratio;
	point[4] = m.eopp_difference;
	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
		lo[k] = hi[k] = NAN;
	if (st->opt.n_boot > 0)
	{
		rk_fair_boot b;

		for (int32 i = 0; i < ng; i++)
			if (n[i] > (int64) 0xffffffffU)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("the bootstrap of risk.fairness takes at most 4294967295 rows in a group, group \"%s\" has " INT64_FORMAT,
								TextDatumGetCString(names[i]), n[i]),
						 errhint("Turn the bootstrap off with {\"n_boot\": 0}.")));
		b.n_boot = st->opt.n_boot;
		b.level = st->opt.level;
		b.seed = (unsigned long) st->opt.seed;
		risk_raise(rk_fair_bootstrap(cells, ng, &b, lo, hi, NULL), "fairness");
	}

	memset(nulls, 0, sizeof(nulls));
	col = 0;
	values[col++] = PointerGetDatum(construct_array(names, ng, TEXTOID, -1, false, TYPALIGN_INT));
	values[col++] = risk_int8_array(n, ng);
	values[col++] = risk_int8_array(declined, ng);
	values[col++] = risk_int8_array(defaults, ng);
	values[col++] = fair_float8_array(sel, ng);
	values[col++] = fair_float8_array(tpr, ng);
	values[col++] = fair_float8_array(fpr, ng);
	values[col++] = fair_float8_array(dr, ng);
	/* the PD's columns: NULL without a PD column */
	values[col++] = st->with_pd ? risk_int8_array(npd, ng) : (Datum) 0;
	values[col++] = st->with_pd ? fair_float8_array(mean_pd, ng) : (Datum) 0;
	values[col++] = st->with_pd ? fair_float8_array(pd_dr, ng) : (Datum) 0;
	values[col++] = st->with_pd ? fair_float8_array(auc, ng) : (Datum) 0;
	nulls[col - 4] = nulls[col - 3] = nulls[col - 2] = nulls[col - 1] = !st->with_pd;
	values[col++] = Int64GetDatum(rows);
	values[col++] = Int64GetDatum(st->left_out);
	values[col] = m.worst >= 0 ? names[m.worst] : (Datum) 0;
	nulls[col++] = m.worst < 0;
	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
	{
		values[col] = fair_num(point[k], &nulls[col]);
		col++;
		values[col] = fair_num(lo[k], &nulls[col]);
		col++;
		values[col] = fair_num(hi[k], &nulls[col]);
		col++;
	}
	values[col++] = Int32GetDatum((int32) st->opt.n_boot);
	values[col] = Float8GetDatum(st->opt.level);
	nulls[col++] = st->opt.n_boot == 0;
	values[col] = Int64GetDatum(st->opt.seed);
	nulls[col++] = st->opt.n_boot == 0;
	Assert(col == FAIR_NCOLS);
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, nulls, FAIR_NCOLS));
}
