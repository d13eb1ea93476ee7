/*
 * valbuf.c
 *     The value-buffer aggregate state: growth in the aggregate context, and
 *     the combine/serialize/deserialize functions shared by every aggregate
 *     built on it (var_historical, es_historical, gpd_fit, hill).
 *
 * Serialized form: the parameters (each: value, labelled, name, label),
 * nall, maxall, n, flagged, n1, then the n values and the n1 values of flag
 * 1.  Two partial states combine only when their parameters agree (the
 * same level, threshold, method... on every row of a group); a mismatch
 * names the parameter.  A flagged state is sorted
 * by its serialization (in the worker that built it), and the combine
 * merges sorted states in one pass: the leader receives sorted runs, and
 * the sorts of its final function find their input sorted
 * (rk_sort_doubles checks first).
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "core/quantile.h"
#include "risk.h"
#include "valbuf.h"

/* one parameter: value, labelled (one byte), name, label */
#define PARAM_SIZE (sizeof(double) + 1 + RISK_PARAM_NAMELEN + RISK_PARAM_LABELLEN)
#define HDR_SIZE (VALBUF_NPARAMS * PARAM_SIZE + sizeof(int64) + \
				  sizeof(double) + sizeof(int64) + sizeof(int32) + sizeof(int64))

ValBuf *
valbuf_new(MemoryContext ctx)
{
	return MemoryContextAllocZero(ctx, sizeof(ValBuf));
}

ValBuf *
valbuf_new_flagged(MemoryContext ctx)
{
	ValBuf	   *b = valbuf_new(ctx);

	b->flagged = true;
	return b;
}

/* Room for `need` values in *x of capacity *capp: doubling, in ctx. */
static void
grow(double **x, int64 *capp, int64 need, MemoryContext ctx)
{
	int64		cap;

	if (need <= *capp)
		return;
	cap = *capp > 0 ? *capp : 64;
	while (cap < need)
		cap *= 2;
	if ((Size) cap > MaxAllocHugeSize / sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows in one group: " INT64_FORMAT, need)));
	if (*x == NULL)
		*x = MemoryContextAllocHuge(ctx, cap * sizeof(double));
	else
		*x = repalloc_huge(*x, cap * sizeof(double));
	*capp = cap;
}

void
valbuf_reserve(ValBuf *b, MemoryContext ctx, int64 more)
{
	grow(&b->x, &b->cap, b->n + more, ctx);
}

void
valbuf_reserve1(ValBuf *b, MemoryContext ctx)
{
	grow(&b->x1, &b->cap1, b->n1 + 1, ctx);
}

double *
valbuf_flag_pairs(ValBuf *b, bool skip_nan, int64 *npairs)
{
	double	   *pairs = palloc_extended(Max(b->n + b->n1, 1) * 2 * sizeof(double),
										MCXT_ALLOC_HUGE);

	Assert(b->flagged);
	risk_raise(rk_sort_doubles(b->x, b->n), "the sort of a group's values");
	risk_raise(rk_sort_doubles(b->x1, b->n1), "the sort of a group's values");
	*npairs = rk_merge_flags(b->x, b->n, b->x1, b->n1, pairs, skip_nan);
	return pairs;
}

/* Append (or, both sorted, merge) the n values of v to *x holding *nx. */
static void
absorb(double **x, int64 *nx, int64 *cap, const double *v, int64 n,
	   bool merge, MemoryContext ctx)
{
	grow(x, cap, *nx + n, ctx);
	if (merge)
		rk_merge_sorted(*x, *nx, v, n, 1);
	else if (n > 0)
		memcpy(*x + *nx, v, n * sizeof(double));
	*nx += n;
}

PG_FUNCTION_INFO_V1(risk_buffer_combine);
Datum
risk_buffer_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_buffer_combine");
	ValBuf	   *a = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	ValBuf	   *b = PG_ARGISNULL(1) ? NULL : (ValBuf *) PG_GETARG_POINTER(1);
	bool		merge;
	int			i;

	if (b == NULL || b->nall == 0)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = valbuf_new(ctx);
		a->flagged = b->flagged;
		a->sorted = true;		/* empty */
	}
	else if (a->flagged != b->flagged)
		elog(ERROR, "risk_buffer_combine: states of different shapes");
	for (i = 0; i < VALBUF_NPARAMS; i++)
		risk_param_merge(&a->param[i], &b->param[i]);
	merge = a->flagged && (a->sorted || a->n + a->n1 == 0) && b->sorted;
	absorb(&a->x, &a->n, &a->cap, b->x, b->n, merge, ctx);
	if (a->flagged)
		absorb(&a->x1, &a->n1, &a->cap1, b->x1, b->n1, merge, ctx);
	a->sorted = merge;
	if (a->nall == 0 || b->maxall > a->maxall)
		a->maxall = b->maxall;
	a->nall += b->nall;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(risk_buffer_serialize);
Datum
risk_buffer_serialize(PG_FUNCTION_ARGS)
{
	ValBuf	   *b = (ValBuf *) PG_GETARG_POINTER(0);
	Size		len = HDR_SIZE + (b->n + b->n1) * sizeof(double);
	bytea	   *out;
	char	   *p;
	int32		flagged = b->flagged ? 1 : 0;
	int			i;

	if (len + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partial state of " INT64_FORMAT " values is too large to pass between parallel workers",
						b->n + b->n1),
				 errhint("Set max_parallel_workers_per_gather = 0 for this query.")));
	if (b->flagged)
	{
		/* sorted here, in the worker, rather than in the leader's final */
		risk_raise(rk_sort_doubles(b->x, b->n), "the sort of a group's values");
		risk_raise(rk_sort_doubles(b->x1, b->n1), "the sort of a group's values");
	}
	out = palloc(len + VARHDRSZ);
	SET_VARSIZE(out, len + VARHDRSZ);
	p = VARDATA(out);
	for (i = 0; i < VALBUF_NPARAMS; i++)
	{
		const RiskParam *rp = &b->param[i];

		memcpy(p, &rp->value, sizeof(double));
		p += sizeof(double);
		*p++ = rp->labelled ? 1 : 0;
		memcpy(p, rp->name, RISK_PARAM_NAMELEN);
		p += RISK_PARAM_NAMELEN;
		memcpy(p, rp->label, RISK_PARAM_LABELLEN);
		p += RISK_PARAM_LABELLEN;
	}
	memcpy(p, &b->nall, sizeof(int64));
	p += sizeof(int64);
	memcpy(p, &b->maxall, sizeof(double));
	p += sizeof(double);
	memcpy(p, &b->n, sizeof(int64));
	p += sizeof(int64);
	memcpy(p, &flagged, sizeof(int32));
	p += sizeof(int32);
	memcpy(p, &b->n1, sizeof(int64));
	p += sizeof(int64);
	if (b->n > 0)
		memcpy(p, b->x, b->n * sizeof(double));
	p += b->n * sizeof(double);
	if (b->n1 > 0)
		memcpy(p, b->x1, b->n1 * sizeof(double));
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_buffer_deserialize);
Datum
risk_buffer_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	ValBuf	   *b;
	int32		flagged;
	int			i;

	risk_agg_context(fcinfo, "risk_buffer_deserialize");
	if (len < HDR_SIZE)
		elog(ERROR, "risk_buffer_deserialize: truncated state");
	b = palloc0(sizeof(ValBuf));
	for (i = 0; i < VALBUF_NPARAMS; i++)
	{
		RiskParam  *rp = &b->param[i];

		memcpy(&rp->value, p, sizeof(double));
		p += sizeof(double);
		if (*p != 0 && *p != 1)
			elog(ERROR, "risk_buffer_deserialize: corrupt state");
		rp->labelled = *p++ == 1;
		memcpy(rp->name, p, RISK_PARAM_NAMELEN);
		rp->name[RISK_PARAM_NAMELEN - 1] = '\0';
		p += RISK_PARAM_NAMELEN;
		memcpy(rp->label, p, RISK_PARAM_LABELLEN);
		rp->label[RISK_PARAM_LABELLEN - 1] = '\0';
		p += RISK_PARAM_LABELLEN;
	}
	memcpy(&b->nall, p, sizeof(int64));
	p += sizeof(int64);
	memcpy(&b->maxall, p, sizeof(double));
	p += sizeof(double);
	memcpy(&b->n, p, sizeof(int64));
	p += sizeof(int64);
	memcpy(&flagged, p, sizeof(int32));
	p += sizeof(int32);
	memcpy(&b->n1, p, sizeof(int64));
	p += sizeof(int64);
	if (b->n < 0 || b->n1 < 0 || (flagged != 0 && flagged != 1) ||
		(flagged == 0 && b->n1 != 0) ||
		b->n > (int64) (len / sizeof(double)) || b->n1 > (int64) (len / sizeof(double)) ||
		len != HDR_SIZE + (Size) (b->n + b->n1) * sizeof(double))
		elog(ERROR, "risk_buffer_deserialize: corrupt state");
	b->flagged = flagged == 1;
	b->sorted = b->flagged;		/* serialize sorted it */
	b->cap = b->n;
	if (b->n > 0)
	{
		b->x = palloc_extended(b->n * sizeof(double), MCXT_ALLOC_HUGE);
		memcpy(b->x, p, b->n * sizeof(double));
		p += b->n * sizeof(double);
	}
	b->cap1 = b->n1;
	if (b->n1 > 0)
	{
		b->x1 = palloc_extended(b->n1 * sizeof(double), MCXT_ALLOC_HUGE);
		memcpy(b->x1, p, b->n1 * sizeof(double));
	}
	PG_RETURN_POINTER(b);
}
