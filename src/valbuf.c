/*
 * valbuf.c
 *     The value-buffer aggregate state: growth in the aggregate context, and
 *     the combine/serialize/deserialize functions shared by every aggregate
 *     built on it (var_historical, es_historical, gpd_fit, hill).
 *
 * Serialized form: param, param2, tag, nall, maxall, n, then the n values.
 * Two partial states combine only when param, param2 and tag agree (the
 * same level, threshold, penalty or method on every row of a group).
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "risk.h"
#include "valbuf.h"

#define HDR_SIZE (2 * sizeof(double) + sizeof(int32) + sizeof(int64) + \
				  sizeof(double) + sizeof(int64))

ValBuf *
valbuf_new(MemoryContext ctx, double param, int32 tag)
{
	ValBuf	   *b = MemoryContextAllocZero(ctx, sizeof(ValBuf));

	b->param = param;
	b->tag = tag;
	return b;
}

void
valbuf_reserve(ValBuf *b, MemoryContext ctx, int64 more)
{
	int64		need = b->n + more;
	int64		cap;

	if (need <= b->cap)
		return;
	cap = b->cap > 0 ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if ((Size) cap > MaxAllocHugeSize / sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows in one group: " INT64_FORMAT, need)));
	if (b->x == NULL)
		b->x = MemoryContextAllocHuge(ctx, cap * sizeof(double));
	else
		b->x = repalloc_huge(b->x, cap * sizeof(double));
	b->cap = cap;
}

PG_FUNCTION_INFO_V1(risk_buffer_combine);
Datum
risk_buffer_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_buffer_combine");
	ValBuf	   *a = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	ValBuf	   *b = PG_ARGISNULL(1) ? NULL : (ValBuf *) PG_GETARG_POINTER(1);

	if (b == NULL || b->nall == 0)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = valbuf_new(ctx, b->param, b->tag);
		a->param2 = b->param2;
	}
	else
	{
		risk_check_same(a->param, b->param, "parameter");
		risk_check_same(a->param2, b->param2, "parameter");
		if (a->tag != b->tag)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("method must be the same for every row of a group")));
	}
	valbuf_reserve(a, ctx, b->n);
	memcpy(a->x + a->n, b->x, b->n * sizeof(double));
	a->n += b->n;
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
	Size		len = HDR_SIZE + b->n * sizeof(double);
	bytea	   *out;
	char	   *p;

	if (len + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partial state of " INT64_FORMAT " values is too large to pass between parallel workers",
						b->n),
				 errhint("Set max_parallel_workers_per_gather = 0 for this query.")));
	out = palloc(len + VARHDRSZ);
	SET_VARSIZE(out, len + VARHDRSZ);
	p = VARDATA(out);
	memcpy(p, &b->param, sizeof(double));
	p += sizeof(double);
	memcpy(p, &b->param2, sizeof(double));
	p += sizeof(double);
	memcpy(p, &b->tag, sizeof(int32));
	p += sizeof(int32);
	memcpy(p, &b->nall, sizeof(int64));
	p += sizeof(int64);
	memcpy(p, &b->maxall, sizeof(double));
	p += sizeof(double);
	memcpy(p, &b->n, sizeof(int64));
	p += sizeof(int64);
	memcpy(p, b->x, b->n * sizeof(double));
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

	risk_agg_context(fcinfo, "risk_buffer_deserialize");
	if (len < HDR_SIZE)
		elog(ERROR, "risk_buffer_deserialize: truncated state");
	b = palloc0(sizeof(ValBuf));
	memcpy(&b->param, p, sizeof(double));
	p += sizeof(double);
	memcpy(&b->param2, p, sizeof(double));
	p += sizeof(double);
	memcpy(&b->tag, p, sizeof(int32));
	p += sizeof(int32);
	memcpy(&b->nall, p, sizeof(int64));
	p += sizeof(int64);
	memcpy(&b->maxall, p, sizeof(double));
	p += sizeof(double);
	memcpy(&b->n, p, sizeof(int64));
	p += sizeof(int64);
	if (b->n < 0 || len != HDR_SIZE + (Size) b->n * sizeof(double))
		elog(ERROR, "risk_buffer_deserialize: corrupt state");
	b->cap = b->n;
	if (b->n > 0)
	{
		b->x = palloc_extended(b->n * sizeof(double), MCXT_ALLOC_HUGE);
		memcpy(b->x, p, b->n * sizeof(double));
	}
	PG_RETURN_POINTER(b);
}
