/*
 * profile.c
 *     SQL face of personalized risk: the PRIIPs market risk measure of a
 *     product (risk.priips_market_risk, an ordered aggregate over its
 *     prices) and summary risk indicator, the risk of a customer's
 *     portfolio (risk.portfolio_risk, an aggregate over its holdings), and
 *     the risk profile of a customer (risk.risk_profile, reading the
 *     questionnaires and capacity policies once per statement).  The
 *     numerics are the core's (core/profile.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "risk.h"
#include "core/profile.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

/* ---- portfolio risk --------------------------------------------------- */

/*
 * risk.portfolio_risk(amount, returns [, options]): an aggregate over a
 * customer's holdings.  Its state: the options (read on the group's first
 * row, and kept as given to compare with later rows' and partial
 * states'), the number and value of the holdings, and per day of the
 * calendar the products share, the P&L (amount x return summed over the
 * holdings) and the number of holdings without a return (allocated at the
 * first missing one).  A row costs one pass over its array, read in
 * place: nothing is allocated per row but the array's detoasting.
 * Partial states add their vectors; the final function aligns the days,
 * then calls the core for the VaR, ES and bootstrap.
 */
#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

/* The options of risk.portfolio_risk, read and checked. */
typedef struct PortfolioOptions
{
	double		level;
	double		wealth;			/* NaN: not given */
	double		loss_limit;		/* NaN: not given */
	int64		n_paths;
	int64		seed;
	int32		horizon_days;
	int32		min_days;
	int32		missing;		/* rk_portfolio_missing */
} PortfolioOptions;

typedef struct PortfolioState
{
	int32		ndays;			/* length of every holding's returns */
	bool		stable;			/* the options are a constant: not compared row by row */
	int64		holdings;
	double		value,			/* compensated sum of the amounts: value + value_c */
				value_c;
	Jsonb	   *options;		/* as given, copied; NULL: none */
	PortfolioOptions opt;
	double	   *pnl;			/* ndays */
	int32	   *missing;		/* ndays; NULL while no holding misses a day */
} PortfolioState;

static const char *const portfolio_missing_names[] = {"drop", "zero"};

/* An option's value as JSON text, for the messages. */
static char *
portfolio_shown(JsonbValue *v)
{
	Jsonb	   *j = JsonbValueToJsonb(v);

	return JsonbToCString(NULL, &j->root, VARSIZE(j));
}

static double
portfolio_opt_num(JsonbValue *v, const char *key)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of risk.portfolio_risk must be a number, got %s",
						key, portfolio_shown(v))));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

static int64
portfolio_opt_int(JsonbValue *v, const char *key, int64 lo, int64 hi)
{
	double		x = portfolio_opt_num(v, key);

	if (!(x >= (double) lo && x <= (double) hi && x == floor(x)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of risk.portfolio_risk must be an integer from " INT64_FORMAT " to " INT64_FORMAT ", got %s",
						key, lo, hi, portfolio_shown(v))));
	return (int64) x;
}

/* A money amount: finite, and positive (or, when zero_ok, at least 0). */
static double
portfolio_opt_money(JsonbValue *v, const char *key, bool zero_ok)
{
	double		x = portfolio_opt_num(v, key);

	if (!isfinite(x) || !(zero_ok ? x >= 0 : x > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of risk.portfolio_risk must be a %s amount of money, got %s",
						key, zero_ok ? "non-negative" : "positive", portfolio_shown(v)),
				 zero_ok ? errhint("A loss is written as a positive amount: 10000 for a loss of 10,000.") : 0));
	return x;
}

/* Read and check the options (NULL: the defaults). */
static void
portfolio_options(Jsonb *opt, PortfolioOptions *o)
{
	static const char *const keys[] = {"level", "wealth", "horizon_days", "n_paths", "seed",
	"loss_limit", "min_days", "missing"};
	JsonbValue *v;

	o->level = 0.99;
	o->wealth = NAN;
	o->loss_limit = NAN;
	o->n_paths = 10000;
	o->seed = 1;
	o->horizon_days = 252;
	o->min_days = 250;
	o->missing = RK_PORTFOLIO_DROP;
	if (opt == NULL)
		return;
	risk_check_options(opt, "risk.portfolio_risk", keys, lengthof(keys));
	if ((v = risk_option(opt, "level")) != NULL)
	{
		o->level = portfolio_opt_num(v, "level");
		risk_check_level(o->level, "option \"level\"");
	}
	if ((v = risk_option(opt, "wealth")) != NULL)
		o->wealth = portfolio_opt_money(v, "wealth", false);
	if ((v = risk_option(opt, "horizon_days")) != NULL)
		o->horizon_days = (int32) portfolio_opt_int(v, "horizon_days", 1, 10000);
	if ((v = risk_option(opt, "n_paths")) != NULL)
		o->n_paths = portfolio_opt_int(v, "n_paths", 0, 10000000);
	if ((v = risk_option(opt, "seed")) != NULL)
		o->seed = portfolio_opt_int(v, "seed", 1, 4294967295);
	if ((v = risk_option(opt, "loss_limit")) != NULL)
		o->loss_limit = portfolio_opt_money(v, "loss_limit", true);
	if ((v = risk_option(opt, "min_days")) != NULL)
		o->min_days = (int32) portfolio_opt_int(v, "min_days", 1, PG_INT32_MAX);
	if ((v = risk_option(opt, "missing")) != NULL)
	{
		if (v->type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"missing\" of risk.portfolio_risk must be a string, got %s",
							portfolio_shown(v)),
					 errhint("Use 'drop' or 'zero'.")));
		o->missing = risk_choice_str(v->val.string.val, v->val.string.len,
									 portfolio_missing_names, lengthof(portfolio_missing_names),
									 "rule for missing returns",
									 "Use 'drop' (a day counts only when every holding has a return) or 'zero' (a missing return counts as 0).");
	}
}

/* A new state of ndays days with these options (checked). */
static PortfolioState *
portfolio_new(MemoryContext ctx, int32 ndays, Jsonb *options)
{
	PortfolioState *st;
	PortfolioOptions o;

	portfolio_options(options, &o);
	st = MemoryContextAllocZero(ctx, sizeof(PortfolioState));
	st->ndays = ndays;
	st->opt = o;
	if (options != NULL)
	{
		st->options = MemoryContextAlloc(ctx, VARSIZE(options));
		memcpy(st->options, options, VARSIZE(options));
	}
	st->pnl = MemoryContextAllocExtended(ctx, sizeof(double) * Max(ndays, 1),
										 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	return st;
}

static void
portfolio_need_missing(MemoryContext ctx, PortfolioState *st)
{
	if (st->missing == NULL)
		st->missing = MemoryContextAllocExtended(ctx, sizeof(int32) * Max(st->ndays, 1),
												 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

/* ERROR: two partial states of a group disagree. */
static void
portfolio_same_parts(const PortfolioState *a, const PortfolioState *b)
{
	if ((a->options == NULL) != (b->options == NULL)
		|| (a->options && (VARSIZE(a->options) != VARSIZE(b->options)
						   || memcmp(a->options, b->options, VARSIZE(a->options)) != 0)))
		risk_param_mismatch("options", "one set of options", "another", true);
	if (a->ndays != b->ndays)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("every holding's returns must have the same length: %d days in one part of the group, %d in another",
						a->ndays, b->ndays),
				 errhint("Element t of every product's returns is its return on day t of one calendar.")));
}

/* ERROR for the non-finite return of day t (0-based) of the row's array a. */
static void
portfolio_bad_return(ArrayType *a, int64 t, int64 holding)
{
	bits8	   *nulls = ARR_NULLBITMAP(a);
	const double *r = (const double *) ARR_DATA_PTR(a);
	int64		j = 0;

	for (int64 i = 0; i < t; i++)
		if (nulls == NULL || (nulls[i / 8] & (1 << (i % 8))))
			j++;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("a return must be a finite number, got %s on day " INT64_FORMAT " of holding " INT64_FORMAT,
					float8out_internal(r[j]), t + 1, holding),
			 errdetail("Day t is element t of the returns array, counted from 1; holding n the n-th row of the group."),
			 errhint("Leave a day without a price NULL: the rule of option \"missing\" decides how it counts.")));
}

/*
 * The products' returns are few and the holdings many: a query joins each
 * holding to its product's array, and every row would fetch the same
 * out-of-line (TOASTed) array again.  The arrays stored out of line are
 * kept once detoasted, by their TOAST pointer (TOAST relation and value
 * OID), for the rest of the statement in fn_extra, up to work_mem
 * (at least 1 MB) of them; beyond that they are detoasted row by row as
 * usual.  A value is never changed in place and its OID is not given to
 * another value while a snapshot can see it, so within a statement a
 * pointer names one array.  Inline arrays are read in place.
 */
typedef struct PortfolioToastKey
{
	Oid			rel;
	Oid			value;
} PortfolioToastKey;

typedef struct PortfolioToastEntry
{
	PortfolioToastKey key;
	ArrayType  *array;
} PortfolioToastEntry;

typedef struct PortfolioToastCache
{
	HTAB	   *arrays;
	MemoryContext cxt;
	Size		bytes,
				limit;
} PortfolioToastCache;

static ArrayType *
portfolio_array(FunctionCallInfo fcinfo, int argno)
{
	Datum		d = PG_GETARG_DATUM(argno);
	struct varlena *v = (struct varlena *) DatumGetPointer(d);
	PortfolioToastCache *c = (PortfolioToastCache *) fcinfo->flinfo->fn_extra;
	struct varatt_external ext;
	PortfolioToastKey key;
	PortfolioToastEntry *e;
	bool		found;

	if (!VARATT_IS_EXTERNAL_ONDISK(v))
		return DatumGetArrayTypeP(d);
	if (c == NULL)
	{
		HASHCTL		ctl;

		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PortfolioToastCache));
		c->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "risk.portfolio_risk arrays",
									   ALLOCSET_DEFAULT_SIZES);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(PortfolioToastKey);
		ctl.entrysize = sizeof(PortfolioToastEntry);
		ctl.hcxt = c->cxt;
		c->arrays = hash_create("risk.portfolio_risk arrays", 256, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		c->limit = Max((Size) work_mem * 1024, (Size) 1024 * 1024);
		fcinfo->flinfo->fn_extra = c;
	}
	VARATT_EXTERNAL_GET_POINTER(ext, v);
	memset(&key, 0, sizeof(key));
	key.rel = ext.va_toastrelid;
	key.value = ext.va_valueid;
	e = hash_search(c->arrays, &key, c->bytes < c->limit ? HASH_ENTER : HASH_FIND, &found);
	if (e == NULL)
		return DatumGetArrayTypeP(d);
	if (!found || e->array == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(c->cxt);

		e->array = NULL;		/* until detoasted, should that fail */
		e->array = (ArrayType *) detoast_attr(v);
		MemoryContextSwitchTo(old);
		c->bytes += VARSIZE(e->array) + sizeof(PortfolioToastEntry);
	}
	return e->array;
}

PG_FUNCTION_INFO_V1(risk_portfolio_risk_accum);
Datum
risk_portfolio_risk_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._portfolio_risk_accum");
	PortfolioState *st = PG_ARGISNULL(0) ? NULL : (PortfolioState *) PG_GETARG_POINTER(0);
	bool		with_options = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	ArrayType  *a;
	double		amount;
	int32		ndays;
	int64		bad;

	/* a holding without an amount or returns is left out */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		RISK_RETURN_STATE(st);
	amount = PG_GETARG_FLOAT8(1);
	if (!(amount > 0 && isfinite(amount)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the amount of a holding must be positive and finite, got %s",
						float8out_internal(amount)),
				 errhint("A holding is the money held in one product; leave out the products the customer does not hold.")));
	if (st != NULL && !st->stable)
		risk_same_options(st->options, with_options ? PG_GETARG_JSONB_P(3) : NULL);
	a = portfolio_array(fcinfo, 2);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("returns must be a one-dimensional array, got %d dimensions", ARR_NDIM(a))));
	ndays = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
	if (st == NULL)
	{
		st = portfolio_new(ctx, ndays, with_options ? PG_GETARG_JSONB_P(3) : NULL);
		/* a constant needs no comparison on every row (without a call
		 * expression every row compares) */
		st->stable = PG_NARGS() <= 3 || get_fn_expr_arg_stable(fcinfo->flinfo, 3);
	}
	else if (ndays != st->ndays)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("every holding's returns must have the same length: the first holding has %d days, holding " INT64_FORMAT " has %d",
						st->ndays, st->holdings + 1, ndays),
				 errdetail("Holding n is the n-th row of the group with an amount and returns."),
				 errhint("Element t of every product's returns is its return on day t of one calendar; a day without a price is NULL.")));
	if (st->holdings >= PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("risk.portfolio_risk takes at most %d holdings in a group", PG_INT32_MAX)));
	if (ARR_HASNULL(a))
		portfolio_need_missing(ctx, st);
	if (rk_portfolio_add(st->pnl, st->missing, ndays, amount, (const double *) ARR_DATA_PTR(a),
						 ARR_HASNULL(a) ? ARR_NULLBITMAP(a) : NULL, &bad) != RK_OK)
		portfolio_bad_return(a, bad, st->holdings + 1);
	st->holdings++;
	rk_sum_add(&st->value, &st->value_c, amount);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_portfolio_risk_combine);
Datum
risk_portfolio_risk_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._portfolio_risk_combine");
	PortfolioState *a = PG_ARGISNULL(0) ? NULL : (PortfolioState *) PG_GETARG_POINTER(0);
	PortfolioState *b = PG_ARGISNULL(1) ? NULL : (PortfolioState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		RISK_RETURN_STATE(a);
	if (a == NULL)
	{
		a = portfolio_new(ctx, b->ndays, b->options);
		a->stable = b->stable;
	}
	else
		portfolio_same_parts(a, b);
	if (a->holdings + b->holdings > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("risk.portfolio_risk takes at most %d holdings in a group", PG_INT32_MAX)));
	if (b->missing != NULL)
		portfolio_need_missing(ctx, a);
	rk_portfolio_merge(a->pnl, a->missing, b->pnl, b->missing, a->ndays);
	a->holdings += b->holdings;
	rk_sum_add(&a->value, &a->value_c, b->value);
	rk_sum_add(&a->value, &a->value_c, b->value_c);
	PG_RETURN_POINTER(a);
}

/* A partial state as bytea: this header, the options, the P&L, the missing counts. */
typedef struct PortfolioWire
{
	int32		ndays;
	int32		has_missing;
	int64		holdings;
	double		value,
				value_c;
	int64		options_size;	/* 0: none */
} PortfolioWire;

static void
portfolio_damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("a partial state of risk.portfolio_risk is damaged")));
}

PG_FUNCTION_INFO_V1(risk_portfolio_risk_serialize);
Datum
risk_portfolio_risk_serialize(PG_FUNCTION_ARGS)
{
	PortfolioState *st = (PortfolioState *) PG_GETARG_POINTER(0);
	PortfolioWire w;
	Size		pnl_size = sizeof(double) * (Size) st->ndays,
				miss_size = st->missing ? sizeof(int32) * (Size) st->ndays : 0,
				size;
	bytea	   *out;
	char	   *p;

	risk_agg_context(fcinfo, "risk_internal._portfolio_risk_serialize");
	memset(&w, 0, sizeof(w));
	w.ndays = st->ndays;
	w.has_missing = st->missing != NULL;
	w.holdings = st->holdings;
	w.value = st->value;
	w.value_c = st->value_c;
	w.options_size = st->options ? VARSIZE(st->options) : 0;
	size = VARHDRSZ + sizeof(w) + w.options_size + pnl_size + miss_size;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a partial state of risk.portfolio_risk of %d days is larger than 1 GB", st->ndays),
				 errhint("Run it without parallel workers (SET max_parallel_workers_per_gather = 0).")));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, &w, sizeof(w));
	p += sizeof(w);
	if (w.options_size > 0)
		memcpy(p, st->options, w.options_size);
	p += w.options_size;
	memcpy(p, st->pnl, pnl_size);
	p += pnl_size;
	if (miss_size > 0)
		memcpy(p, st->missing, miss_size);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_portfolio_risk_deserialize);
Datum
risk_portfolio_risk_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._portfolio_risk_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	PortfolioWire w;
	Jsonb	   *options = NULL;
	PortfolioState *st;
	Size		pnl_size;

	if (len < sizeof(w))
		portfolio_damaged();
	memcpy(&w, p, sizeof(w));
	p += sizeof(w);
	len -= sizeof(w);
	if (w.ndays < 0 || w.holdings < 1 || w.holdings > PG_INT32_MAX
		|| (w.has_missing != 0 && w.has_missing != 1)
		|| w.options_size < 0 || (Size) w.options_size > len)
		portfolio_damaged();
	pnl_size = sizeof(double) * (Size) w.ndays;
	if (len - w.options_size != pnl_size + (w.has_missing ? sizeof(int32) * (Size) w.ndays : 0))
		portfolio_damaged();
	if (w.options_size > 0)
	{
		options = palloc(w.options_size);
		memcpy(options, p, w.options_size);
		if (VARSIZE(options) != (Size) w.options_size)
			portfolio_damaged();
	}
	p += w.options_size;
	st = portfolio_new(ctx, w.ndays, options);
	memcpy(st->pnl, p, pnl_size);
	p += pnl_size;
	if (w.has_missing)
	{
		portfolio_need_missing(ctx, st);
		memcpy(st->missing, p, sizeof(int32) * (Size) w.ndays);
	}
	st->holdings = w.holdings;
	st->value = w.value;
	st->value_c = w.value_c;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_portfolio_risk_final);
Datum
risk_portfolio_risk_final(PG_FUNCTION_ARGS)
{
	PortfolioState *st = PG_ARGISNULL(0) ? NULL : (PortfolioState *) PG_GETARG_POINTER(0);
	const PortfolioOptions *o;
	Datum		values[11];
	bool		nulls[11];
	double	   *x,
				value,
				var,
				es;
	int64		days;
	rk_status	rc;

	if (st == NULL || st->holdings == 0)
		PG_RETURN_NULL();
	o = &st->opt;
	value = st->value + st->value_c;
	if (!isfinite(value))
		float_overflow_error();
	x = palloc_extended(sizeof(double) * Max(st->ndays, 1), MCXT_ALLOC_HUGE);
	days = rk_portfolio_align(st->pnl, st->missing, st->ndays, (rk_portfolio_missing) o->missing, x);
	if (days < o->min_days)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("risk.portfolio_risk needs at least %d aligned days, got " INT64_FORMAT,
						o->min_days, days),
				 o->missing == RK_PORTFOLIO_DROP
				 ? errdetail("With missing 'drop' a day counts only when each of the " INT64_FORMAT " holdings has a return that day; " INT64_FORMAT " of the %d days of the calendar do.",
							 st->holdings, days, st->ndays)
				 : errdetail("The calendar of the returns has %d days.", st->ndays),
				 errhint("Give a longer history, lower option \"min_days\"%s.",
						 o->missing == RK_PORTFOLIO_DROP ? ", or count a missing return as 0 with {\"missing\": \"zero\"}" : "")));
	rc = rk_portfolio_var(x, days, 1.0 - o->level, &var, &es);
	risk_raise(rc, "portfolio_risk");
	memset(nulls, 0, sizeof(nulls));
	values[0] = Int32GetDatum((int32) st->holdings);
	values[1] = Float8GetDatum(value);
	values[2] = Int32GetDatum((int32) days);
	values[3] = Float8GetDatum(var);
	values[4] = Float8GetDatum(es);
	nulls[5] = nulls[6] = isnan(o->wealth);
	values[5] = Float8GetDatum(var / o->wealth);
	values[6] = Float8GetDatum(es / o->wealth);
	nulls[7] = nulls[8] = nulls[9] = nulls[10] = true;
	values[7] = values[8] = values[9] = values[10] = (Datum) 0;
	if (o->n_paths > 0)
	{
		rk_portfolio_boot b;
		rk_portfolio_boot_result res;

		b.horizon = o->horizon_days;
		b.n_paths = o->n_paths;
		b.seed = (unsigned long) o->seed;
		b.alpha = 1.0 - o->level;
		b.loss_limit = o->loss_limit;
		rc = rk_portfolio_bootstrap(x, days, value, &b, &res);
		risk_raise(rc, "portfolio_risk");
		values[7] = Float8GetDatum(res.var);
		values[8] = Float8GetDatum(res.es);
		nulls[7] = nulls[8] = false;
		if (!isnan(o->loss_limit))
		{
			values[9] = Float8GetDatum(res.p_loss);
			values[10] = Float8GetDatum(res.p_loss_se);
			nulls[9] = nulls[10] = false;
		}
	}
	pfree(x);
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, nulls, 11));
}

/* ---- risk profile ----------------------------------------------------- */
