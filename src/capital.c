/*
 * capital.c
 *     SQL face of Basel credit capital and portfolio credit risk: expected
 *     loss and IRB capital per exposure and by portfolio, concentration,
 *     the simulated and CreditRisk+ loss distributions of a loan book, the
 *     liquidity ratios from tagged positions and the configuration tables.
 *     The numerics are the core's (core/capital.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "risk.h"
#include "core/capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* ---- concentration ---------------------------------------------------- */

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */

/*
 * The liquidity ratios are aggregates over positions tagged with their
 * category.  The state sums the amounts by category (no factor is read
 * per row); the final function reads the regime's factors (SPI) once per
 * query and regime, not once per group, and hands the sums with their
 * kinds and factors to the core.  The state is
 * internal (names of any length), serialized for parallel plans.
 */
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/float.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#define LIQ_DEFAULT_REGIME "basel3"
#define LIQ_MAX_CATEGORIES 100000

typedef struct LiqState
{
	int32		nsfr;			/* 0: risk.lcr, 1: risk.nsfr */
	int32		n,				/* categories seen */
				cap;
	char		regime[NAMEDATALEN];
	char	  **name;			/* n category names */
	double	   *sum;			/* n sums of amounts */
	int32		last;			/* index of the last category found */
} LiqState;

static const char *
liq_func(bool nsfr)
{
	return nsfr ? "risk.nsfr" : "risk.lcr";
}

static LiqState *
liq_new(MemoryContext ctx, bool nsfr, const char *regime, int cap)
{
	LiqState   *st = MemoryContextAllocZero(ctx, sizeof(LiqState));

	st->nsfr = nsfr;
	strlcpy(st->regime, regime, NAMEDATALEN);
	st->cap = Max(cap, 8);
	st->name = MemoryContextAlloc(ctx, sizeof(char *) * st->cap);
	st->sum = MemoryContextAlloc(ctx, sizeof(double) * st->cap);
	return st;
}

/* ERROR when a regime name cannot be one of the tables' (1 to 63 bytes) */
static void
liq_check_regime(bool nsfr, const char *regime)
{
	size_t		len = strlen(regime);

	if (len == 0 || len >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: regime \"%s\" must have 1 to %d bytes", liq_func(nsfr), regime, NAMEDATALEN - 1)));
}

/* adds amount to the sum of category (len bytes, not terminated) */
static void
liq_add(MemoryContext ctx, LiqState *st, const char *cat, int len, double amount)
{
	int			i = st->last;

	if (i >= st->n || strncmp(st->name[i], cat, len) != 0 || st->name[i][len] != '\0')
	{
		for (i = 0; i < st->n; i++)
			if (strncmp(st->name[i], cat, len) == 0 && st->name[i][len] == '\0')
				break;
	}
	if (i == st->n)
	{
		if (st->n >= LIQ_MAX_CATEGORIES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: more than %d categories in one group", liq_func(st->nsfr), LIQ_MAX_CATEGORIES)));
		if (st->n == st->cap)
		{
			st->cap *= 2;
			st->name = repalloc(st->name, sizeof(char *) * st->cap);
			st->sum = repalloc(st->sum, sizeof(double) * st->cap);
		}
		st->name[i] = MemoryContextAlloc(ctx, len + 1);
		memcpy(st->name[i], cat, len);
		st->name[i][len] = '\0';
		st->sum[i] = 0;
		st->n++;
	}
	st->sum[i] += amount;
	st->last = i;
}

/* ERROR when two parts of one aggregate name different regimes */
static void
liq_same_regime(bool nsfr, const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: regime changes within one aggregate: \"%s\" and \"%s\"", liq_func(nsfr), a, b),
				 errhint("Give one regime per aggregate, or GROUP BY the regime.")));
}

/* transition of risk.lcr / risk.nsfr: (category, amount [, regime]) */
static Datum
liq_accum(FunctionCallInfo fcinfo, bool nsfr)
{
	const char *func = liq_func(nsfr);
	MemoryContext ctx = risk_agg_context(fcinfo, func);
	LiqState   *st = PG_ARGISNULL(0) ? NULL : (LiqState *) PG_GETARG_POINTER(0);
	text	   *cat;
	double		amount;
	char	   *regime;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: category must not be NULL", func)));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: amount of category \"%s\" must not be NULL", func, text_to_cstring(PG_GETARG_TEXT_PP(1)))));
	if (PG_NARGS() > 3 && PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: regime must not be NULL", func)));
	cat = PG_GETARG_TEXT_PP(1);
	amount = PG_GETARG_FLOAT8(2);
	if (!isfinite(amount) || amount < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: amount %s of category \"%s\" must be finite and non-negative",
						func, float8out_internal(amount), text_to_cstring(cat)),
				 errhint("Amounts are positive balances; the factor gives the direction.")));
	if (st == NULL)
	{
		regime = PG_NARGS() > 3 ? text_to_cstring(PG_GETARG_TEXT_PP(3)) : pstrdup(LIQ_DEFAULT_REGIME);
		liq_check_regime(nsfr, regime);
		st = liq_new(ctx, nsfr, regime, 16);
	}
	else if (PG_NARGS() > 3)
	{
		text	   *r = PG_GETARG_TEXT_PP(3);
		int			len = VARSIZE_ANY_EXHDR(r);

		if (strncmp(st->regime, VARDATA_ANY(r), len) != 0 || st->regime[len] != '\0')
			liq_same_regime(nsfr, st->regime, text_to_cstring(r));
	}
	liq_add(ctx, st, VARDATA_ANY(cat), VARSIZE_ANY_EXHDR(cat), amount);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_lcr_accum);
Datum
risk_lcr_accum(PG_FUNCTION_ARGS)
{
	return liq_accum(fcinfo, false);
}

PG_FUNCTION_INFO_V1(risk_nsfr_accum);
Datum
risk_nsfr_accum(PG_FUNCTION_ARGS)
{
	return liq_accum(fcinfo, true);
}

/* combine: adds the sums of the second state to the first's */
PG_FUNCTION_INFO_V1(risk_liquidity_combine);
Datum
risk_liquidity_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._liquidity_combine");
	LiqState   *a = PG_ARGISNULL(0) ? NULL : (LiqState *) PG_GETARG_POINTER(0);
	LiqState   *b = PG_ARGISNULL(1) ? NULL : (LiqState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		RISK_RETURN_STATE(a);
	if (a == NULL)
		a = liq_new(ctx, b->nsfr, b->regime, b->n);
	else
	{
		if (a->nsfr != b->nsfr)
			elog(ERROR, "risk_internal._liquidity_combine: states of risk.lcr and risk.nsfr");
		liq_same_regime(a->nsfr, a->regime, b->regime);
	}
	for (int i = 0; i < b->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		liq_add(ctx, a, b->name[i], strlen(b->name[i]), b->sum[i]);
	}
	PG_RETURN_POINTER(a);
}

/* serialize: nsfr, n, the regime (NUL-terminated), then n (name NUL, sum) */
PG_FUNCTION_INFO_V1(risk_liquidity_serialize);
Datum
risk_liquidity_serialize(PG_FUNCTION_ARGS)
{
	LiqState   *st = (LiqState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	bytea	   *out;

	risk_agg_context(fcinfo, "risk_internal._liquidity_serialize");
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, (char *) &st->nsfr, sizeof(int32));
	appendBinaryStringInfo(&buf, (char *) &st->n, sizeof(int32));
	appendBinaryStringInfo(&buf, st->regime, strlen(st->regime) + 1);
	for (int i = 0; i < st->n; i++)
	{
		appendBinaryStringInfo(&buf, st->name[i], strlen(st->name[i]) + 1);
		appendBinaryStringInfo(&buf, (char *) &st->sum[i], sizeof(double));
	}
	out = palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(out, VARHDRSZ + buf.len);
	memcpy(VARDATA(out), buf.data, buf.len);
	pfree(buf.data);
	PG_RETURN_BYTEA_P(out);
}

static void
liq_damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("damaged partial state of risk.lcr or risk.nsfr")));
}

/* the length of the NUL-terminated string at p within end, or ERROR */
static size_t
liq_string(const char *p, const char *end)
{
	const char *z = memchr(p, '\0', end - p);

	if (z == NULL)
		liq_damaged();
	return z - p;
}

PG_FUNCTION_INFO_V1(risk_liquidity_deserialize);
Datum
risk_liquidity_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._liquidity_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in),
			   *end = p + VARSIZE_ANY_EXHDR(in);
	int32		nsfr,
				n;
	size_t		len;
	LiqState   *st;

	if (end - p < 2 * (ptrdiff_t) sizeof(int32))
		liq_damaged();
	memcpy(&nsfr, p, sizeof(int32));
	memcpy(&n, p + sizeof(int32), sizeof(int32));
	p += 2 * sizeof(int32);
	if ((nsfr != 0 && nsfr != 1) || n < 0 || n > LIQ_MAX_CATEGORIES)
		liq_damaged();
	len = liq_string(p, end);
	if (len == 0 || len >= NAMEDATALEN)
		liq_damaged();
	st = liq_new(ctx, nsfr, p, n);
	p += len + 1;
	for (int i = 0; i < n; i++)
	{
		double		s;

		len = liq_string(p, end);
		if ((size_t) (end - p) < len + 1 + sizeof(double))
			liq_damaged();
		memcpy(&s, p + len + 1, sizeof(double));
		liq_add(ctx, st, p, len, s);
		p += len + 1 + sizeof(double);
	}
	if (p != end)
		liq_damaged();
	PG_RETURN_POINTER(st);
}

/* The rows of one regime of a factor table, kept for the query (fn_extra). */
typedef struct LiqFactors
{
	int32		nsfr;
	char		regime[NAMEDATALEN];
	int			n;
	char	  **category;
	int		   *kind;
	double	   *factor;
} LiqFactors;

/* reads the rows of st's regime into the query's cache, once per regime */
static LiqFactors *
liq_load(FunctionCallInfo fcinfo, LiqState *st)
{
	static const char *const kinds[] = {"level1", "level2a", "level2b", "outflow", "inflow", "asf", "rsf"};
	const char *func = liq_func(st->nsfr);
	const char *table = st->nsfr ? "risk.nsfr_factor" : "risk.lcr_factor";
	LiqFactors *c = (LiqFactors *) fcinfo->flinfo->fn_extra;
	MemoryContext mcxt = fcinfo->flinfo->fn_mcxt;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	char		sql[128];
	int			rows;

	if (c != NULL && c->nsfr == st->nsfr && strcmp(c->regime, st->regime) == 0)
		return c;
	if (c == NULL)
		c = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(mcxt, sizeof(LiqFactors));
	else
	{
		for (int i = 0; i < c->n; i++)
			pfree(c->category[i]);
		if (c->n > 0)
		{
			pfree(c->category);
			pfree(c->kind);
			pfree(c->factor);
		}
		c->n = 0;
	}
	c->regime[0] = '\0';		/* invalid until loaded */
	args[0] = CStringGetTextDatum(st->regime);
	snprintf(sql, sizeof(sql), "SELECT category, kind, factor FROM %s WHERE regime OPERATOR(pg_catalog.=) $1", table);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "%s: SPI_connect failed", func);
	if (SPI_execute_with_args(sql, 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "%s: reading %s failed", func, table);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s: unknown regime \"%s\"", func, st->regime),
				 errhint("The regimes are those of %s; risk.liquidity_regime_copy makes a new one.", table)));
	if (SPI_processed > LIQ_MAX_CATEGORIES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: regime \"%s\" has more than %d categories", func, st->regime, LIQ_MAX_CATEGORIES)));
	rows = (int) SPI_processed;
	c->category = MemoryContextAlloc(mcxt, sizeof(char *) * rows);
	c->kind = MemoryContextAlloc(mcxt, sizeof(int) * rows);
	c->factor = MemoryContextAlloc(mcxt, sizeof(double) * rows);
	for (int r = 0; r < rows; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		char	   *k = SPI_getvalue(t, td, 2);
		bool		isnull;
		double		f = DatumGetFloat8(SPI_getbinval(t, td, 3, &isnull));
		int			ki = -1;

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < (int) lengthof(kinds); j++)
			if (strcmp(k, kinds[j]) == 0)
				ki = j;
		if (ki < 0 || isnull)
			elog(ERROR, "%s: row of %s outside its constraints", func, table);
		c->category[r] = MemoryContextStrdup(mcxt, SPI_getvalue(t, td, 1));
		c->kind[r] = ki;
		c->factor[r] = f;
		c->n = r + 1;
	}
	SPI_finish();
	c->nsfr = st->nsfr;
	strlcpy(c->regime, st->regime, NAMEDATALEN);
	return c;
}

/*
 * The kind (rk_liq_kind) and factor of each category of st from the
 * regime's rows of risk.lcr_factor or risk.nsfr_factor, read once per
 * query and regime; ERROR for an unknown regime or category.
 */
static void
liq_factors(FunctionCallInfo fcinfo, LiqState *st, int *kind, double *factor)
{
	LiqFactors *c = liq_load(fcinfo, st);

	for (int i = 0; i < st->n; i++)
	{
		int			j;

		CHECK_FOR_INTERRUPTS();
		for (j = 0; j < c->n; j++)
			if (strcmp(st->name[i], c->category[j]) == 0)
				break;
		if (j == c->n)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("%s: unknown category \"%s\" in regime \"%s\"", liq_func(st->nsfr), st->name[i], st->regime),
					 errhint("The categories of a regime are its rows of %s.",
							 st->nsfr ? "risk.nsfr_factor" : "risk.lcr_factor")));
		kind[i] = c->kind[j];
		factor[i] = c->factor[j];
	}
}

/* final of risk.lcr: the composite risk.lcr_result; NULL for no row */
PG_FUNCTION_INFO_V1(risk_lcr_final);
Datum
risk_lcr_final(PG_FUNCTION_ARGS)
{
	LiqState   *st;
	int		   *kind;
	double	   *factor;
	rk_lcr_result r;
	rk_status	s;
	Datum		v[11];
	bool		nulls[11] = {false};

	risk_agg_context(fcinfo, "risk_internal._lcr_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (LiqState *) PG_GETARG_POINTER(0);
	kind = palloc(sizeof(int) * Max(st->n, 1));
	factor = palloc(sizeof(double) * Max(st->n, 1));
	liq_factors(fcinfo, st, kind, factor);
	s = rk_lcr(st->n, kind, factor, st->sum, &r);
	if (s == RK_BADARG)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("risk.lcr: regime \"%s\" has a category of the NSFR (asf or rsf)", st->regime)));
	if (s != RK_OK)
		risk_raise(s, "risk.lcr");
	v[0] = Float8GetDatum(r.level1);
	v[1] = Float8GetDatum(r.level2a);
	v[2] = Float8GetDatum(r.level2b);
	v[3] = Float8GetDatum(r.adj15);
	v[4] = Float8GetDatum(r.adj40);
	v[5] = Float8GetDatum(r.hqla);
	v[6] = Float8GetDatum(r.outflows);
	v[7] = Float8GetDatum(r.inflows);
	v[8] = Float8GetDatum(r.inflows_capped);
	v[9] = Float8GetDatum(r.net_outflows);
	v[10] = Float8GetDatum(r.lcr);
	nulls[10] = isnan(r.lcr);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, 11));
}

/* final of risk.nsfr: the composite risk.nsfr_result; NULL for no row */
PG_FUNCTION_INFO_V1(risk_nsfr_final);
Datum
risk_nsfr_final(PG_FUNCTION_ARGS)
{
	LiqState   *st;
	int		   *kind;
	double	   *factor;
	rk_nsfr_result r;
	rk_status	s;
	Datum		v[3];
	bool		nulls[3] = {false};

	risk_agg_context(fcinfo, "risk_internal._nsfr_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (LiqState *) PG_GETARG_POINTER(0);
	kind = palloc(sizeof(int) * Max(st->n, 1));
	factor = palloc(sizeof(double) * Max(st->n, 1));
	liq_factors(fcinfo, st, kind, factor);
	s = rk_nsfr(st->n, kind, factor, st->sum, &r);
	if (s != RK_OK)
		risk_raise(s, "risk.nsfr");
	v[0] = Float8GetDatum(r.asf);
	v[1] = Float8GetDatum(r.rsf);
	v[2] = Float8GetDatum(r.nsfr);
	nulls[2] = isnan(r.nsfr);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, 3));
}
