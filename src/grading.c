/*
 * grading.c
 *     The migration-matrix aggregate: counts per distinct (from grade, to
 *     grade) pair in the aggregate context (a few hundred pairs at most, so
 *     a linear search), and a final function that reads the scale's grades
 *     in order and builds the matrices.  O(1) per row.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/proc.h"
#include "utils/float.h"
#include "utils/snapmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "risk.h"

typedef struct MigPair
{
	char	   *from;
	char	   *to;
	int64		n;
} MigPair;

typedef struct MigState
{
	char	   *scale;
	int			npairs;
	int			cap;
	MigPair    *pairs;
} MigState;

PG_FUNCTION_INFO_V1(risk_migration_accum);
Datum
risk_migration_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_migration_accum");
	MigState   *st = PG_ARGISNULL(0) ? NULL : (MigState *) PG_GETARG_POINTER(0);
	char	   *from,
			   *to,
			   *scale;
	int			i;
	MemoryContext old;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	from = text_to_cstring(PG_GETARG_TEXT_PP(1));
	to = text_to_cstring(PG_GETARG_TEXT_PP(2));
	scale = PG_NARGS() > 3 && !PG_ARGISNULL(3) ? text_to_cstring(PG_GETARG_TEXT_PP(3)) : "default";
	if (st == NULL)
	{
		st = MemoryContextAllocZero(ctx, sizeof(MigState));
		st->scale = MemoryContextStrdup(ctx, scale);
	}
	else if (strcmp(st->scale, scale) != 0)
		risk_param_mismatch("scale", quote_literal_cstr(st->scale),
							quote_literal_cstr(scale), false);
	for (i = 0; i < st->npairs; i++)
		if (strcmp(st->pairs[i].from, from) == 0 && strcmp(st->pairs[i].to, to) == 0)
		{
			st->pairs[i].n++;
			PG_RETURN_POINTER(st);
		}
	if (st->npairs >= 100000)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct grade pairs")));
	old = MemoryContextSwitchTo(ctx);
	if (st->npairs == st->cap)
	{
		st->cap = st->cap ? st->cap * 2 : 64;
		st->pairs = st->pairs ? repalloc(st->pairs, sizeof(MigPair) * st->cap)
			: palloc(sizeof(MigPair) * st->cap);
	}
	st->pairs[st->npairs].from = pstrdup(from);
	st->pairs[st->npairs].to = pstrdup(to);
	st->pairs[st->npairs].n = 1;
	st->npairs++;
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_migration_final);
Datum
risk_migration_final(PG_FUNCTION_ARGS)
{
	MigState   *st = PG_ARGISNULL(0) ? NULL : (MigState *) PG_GETARG_POINTER(0);
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	int			m,
				i,
				j,
				k;
	char	  **grades;
	int64	   *cnt;
	Datum	   *gd,
			   *cd,
			   *pd;
	bool	   *pnull;
	int			dims[2],
				lbs[2] = {1, 1};
	Datum		v[4];
	MemoryContext caller = CurrentMemoryContext;

	if (st == NULL || st->npairs == 0)
		PG_RETURN_NULL();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "migration_matrix: SPI_connect failed");
	args[0] = CStringGetTextDatum(st->scale);
	if (SPI_execute_with_args("SELECT grade FROM risk.master_scale WHERE scale = $1 ORDER BY grade_order",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "migration_matrix: reading the master scale failed");
	m = (int) SPI_processed;
	if (m == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown master scale '%s'", st->scale)));
	grades = MemoryContextAlloc(caller, sizeof(char *) * m);
	for (i = 0; i < m; i++)
		grades[i] = MemoryContextStrdup(caller,
										SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
	SPI_finish();

	cnt = palloc0(sizeof(int64) * m * m);
	for (k = 0; k < st->npairs; k++)
	{
		int			a = -1,
					b = -1;

		for (i = 0; i < m; i++)
		{
			if (strcmp(grades[i], st->pairs[k].from) == 0)
				a = i;
			if (strcmp(grades[i], st->pairs[k].to) == 0)
				b = i;
		}
		if (a < 0 || b < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("grade '%s' is not on master scale '%s'",
							a < 0 ? st->pairs[k].from : st->pairs[k].to, st->scale)));
		cnt[a * m + b] += st->pairs[k].n;
	}
	gd = palloc(sizeof(Datum) * m);
	cd = palloc(sizeof(Datum) * m * m);
	pd = palloc(sizeof(Datum) * m * m);
	pnull = palloc(sizeof(bool) * m * m);
	for (i = 0; i < m; i++)
	{
		int64		rowsum = 0;

		gd[i] = CStringGetTextDatum(grades[i]);
		for (j = 0; j < m; j++)
			rowsum += cnt[i * m + j];
		for (j = 0; j < m; j++)
		{
			cd[i * m + j] = Int64GetDatum(cnt[i * m + j]);
			pnull[i * m + j] = rowsum == 0;
			pd[i * m + j] = Float8GetDatum(rowsum ? (double) cnt[i * m + j] / (double) rowsum : 0);
		}
	}
	dims[0] = dims[1] = m;
	v[0] = CStringGetTextDatum(st->scale);
	v[1] = PointerGetDatum(construct_array(gd, m, TEXTOID, -1, false, TYPALIGN_INT));
	v[2] = PointerGetDatum(construct_md_array(cd, NULL, 2, dims, lbs, INT8OID, sizeof(int64),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	v[3] = PointerGetDatum(construct_md_array(pd, pnull, 2, dims, lbs, FLOAT8OID, sizeof(float8),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, NULL, lengthof(v)));
}

/* ---------------------------------------------------------------------
 * risk.grade: the grade of a PD on a master scale, once per row.  The
 * scale's bands are read once (SPI, with the caller's privileges and
 * snapshot) and kept in fn_extra for the rest of the statement: they are
 * read again when the scale named changes, or when the command or the
 * transaction does (a PL/pgSQL loop that changes a scale and grades again
 * sees the change), so a scale written in one session is seen by the next
 * query in any session.
 * --------------------------------------------------------------------- */

typedef struct GradeBand
{
	double		lower;
	double		upper;
	text	   *grade;
} GradeBand;

typedef struct GradeCache
{
	LocalTransactionId lxid;
	CommandId	cid;
	text	   *scale;
	int			n;
	GradeBand  *bands;			/* by pd_lower */
} GradeCache;

static void
grade_load(GradeCache *c, text *scale, MemoryContext mcxt)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	uint64		i;
	int			rc;

	args[0] = PointerGetDatum(scale);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "grade: SPI_connect failed");
	rc = SPI_execute_with_args("SELECT grade, pd_lower, pd_upper FROM risk.master_scale "
							   "WHERE scale = $1 ORDER BY pd_lower, grade_order",
							   1, argtypes, args, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "grade: reading risk.master_scale failed: %d", rc);
	c->n = (int) SPI_processed;
	c->bands = MemoryContextAlloc(mcxt, sizeof(GradeBand) * Max(c->n, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull;
		struct varlena *g = pg_detoast_datum_packed((struct varlena *)
													DatumGetPointer(SPI_getbinval(t, td, 1, &isnull)));

		c->bands[i].grade = (text *) MemoryContextAlloc(mcxt, VARSIZE_ANY(g));
		memcpy(c->bands[i].grade, g, VARSIZE_ANY(g));
		c->bands[i].lower = DatumGetFloat8(SPI_getbinval(t, td, 2, &isnull));
		c->bands[i].upper = DatumGetFloat8(SPI_getbinval(t, td, 3, &isnull));
	}
	SPI_finish();
}

PG_FUNCTION_INFO_V1(risk_grade);
Datum
risk_grade(PG_FUNCTION_ARGS)
{
	double		pd = PG_GETARG_FLOAT8(0);
	text	   *scale = PG_GETARG_TEXT_PP(1);
	GradeCache *c = (GradeCache *) fcinfo->flinfo->fn_extra;
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	CommandId	cid = snap ? snap->curcid : InvalidCommandId;
	int			lo,
				hi;

	if (!(pd >= 0 && pd <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a PD must be between 0 and 1, got %s", float8out_internal(pd)),
				 risk_pd_hint(pd, true)));
	if (c == NULL || c->lxid != MyProc->lxid || c->cid != cid ||
		VARSIZE_ANY_EXHDR(c->scale) != VARSIZE_ANY_EXHDR(scale) ||
		memcmp(VARDATA_ANY(c->scale), VARDATA_ANY(scale), VARSIZE_ANY_EXHDR(scale)) != 0)
	{
		MemoryContext mcxt = fcinfo->flinfo->fn_mcxt;

		if (c == NULL)
		{
			c = MemoryContextAllocZero(mcxt, sizeof(GradeCache));
			fcinfo->flinfo->fn_extra = c;
		}
		else
		{
			int			i;

			for (i = 0; i < c->n; i++)
				pfree(c->bands[i].grade);
			if (c->bands)
				pfree(c->bands);
			if (c->scale)
				pfree(c->scale);
		}
		c->n = 0;
		c->bands = NULL;
		c->scale = (text *) MemoryContextAlloc(mcxt, VARSIZE_ANY(scale));
		memcpy(c->scale, scale, VARSIZE_ANY(scale));
		grade_load(c, scale, mcxt);
		c->lxid = MyProc->lxid;
		c->cid = cid;
	}

	/* the last band with pd_lower <= pd, then its upper bound */
	lo = 0;
	hi = c->n;
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (c->bands[mid].lower <= pd)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
	{
		GradeBand  *b = &c->bands[lo - 1];

		if (pd < b->upper || (pd == 1 && b->upper == 1))
		{
			text	   *g = (text *) palloc(VARSIZE_ANY(b->grade));

			memcpy(g, b->grade, VARSIZE_ANY(b->grade));
			PG_RETURN_TEXT_P(g);
		}
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown master scale %s", quote_literal_cstr(text_to_cstring(scale))),
			 errhint("The scales are in risk.master_scale.")));
	PG_RETURN_NULL();			/* not reached */
}
