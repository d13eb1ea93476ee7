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

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "risk.h"
#include "valbuf.h"
#include "core/profile.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

/*
 * risk.priips_market_risk(price, frequency, holding_period ORDER BY day):
 * the prices of the group, in the aggregate's (or the window's) order, go
 * into a value buffer with the frequency (param[0]) and the holding period
 * (param[1]) bound by the first row; the final function measures the
 * buffer without changing it (READ_ONLY), so the aggregate also runs over
 * window frames.  No combine: partial states of an ordered series cannot
 * be merged.  Rows with a NULL argument are skipped.  A history shorter
 * than the regulation's minimum is an error, but in a window it gives NULL
 * (the first frames of a rolling window are short; an error would end the
 * query).
 */

static const char *const priips_freqs[RK_PRIIPS_NFREQ] = {"daily", "weekly", "monthly"};
static const char *const priips_years[RK_PRIIPS_NFREQ] = {"2 years", "4 years", "5 years"};

/* ERROR unless a holding period is a positive finite number of years. */
static void
priips_check_rhp(double t, const char *name)
{
	if (!(t > 0) || !isfinite(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a positive finite number of years, got %s",
						name, float8out_internal(t)),
				 errhint("Pass the recommended holding period in years: 5 for five years, 0.5 for six months.")));
}

PG_FUNCTION_INFO_V1(risk_priips_accum);
Datum
risk_priips_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_priips_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		price;
	int			freq;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	price = PG_GETARG_FLOAT8(1);
	if (!(price > 0) || !isfinite(price))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("price must be a positive finite number, got %s", float8out_internal(price)),
				 errhint("risk.priips_market_risk takes the product's prices (or net asset values) in time order, not its returns; a NULL price is skipped.")));
	freq = risk_choice(PG_GETARG_TEXT_PP(2), priips_freqs, RK_PRIIPS_NFREQ, "frequency",
					   "Use 'daily', 'weekly' or 'monthly': how often the prices were taken.");
	if (st == NULL)
	{
		risk_require_order(fcinfo, "price, 'daily', 5");
		st = valbuf_new(ctx);
	}
	risk_param_bind(&st->param[0], "frequency", freq, priips_freqs[freq], NULL);
	risk_param_bind(&st->param[1], "holding period", PG_GETARG_FLOAT8(3), NULL, priips_check_rhp);
	valbuf_add(st, ctx, price, true, price);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_priips_final);
Datum
risk_priips_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st;
	rk_priips_freq freq;
	double		rhp;
	int64		need;
	rk_priips	m;
	rk_status	rc;
	Datum		v[8];
	bool		nulls[8];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (ValBuf *) PG_GETARG_POINTER(0);
	freq = (rk_priips_freq) st->param[0].value;
	rhp = st->param[1].value;
	need = rk_priips_min_prices(freq);
	if (st->n < need)
	{
		if (AggCheckCallContext(fcinfo, NULL) == AGG_CONTEXT_WINDOW)
			PG_RETURN_NULL();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("risk.priips_market_risk needs at least " INT64_FORMAT " %s prices, got " INT64_FORMAT,
						need, priips_freqs[freq], st->n),
				 errdetail("A category 2 PRIIP needs %s of %s prices (" INT64_FORMAT " returns of %d periods a year) under Annex II point 5 of Regulation (EU) 2017/653.",
						   priips_years[freq], priips_freqs[freq], need - 1, rk_priips_periods(freq)),
				 errhint("Use a longer price history, or that of an appropriate benchmark or proxy.")));
	}
	if (st->n - 1 > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("risk.priips_market_risk takes at most %d prices, got " INT64_FORMAT,
						PG_INT32_MAX, st->n)));
	rc = rk_priips_measure(st->x, st->n, rk_priips_periods(freq), rhp, &m);
	if (rc == RK_OVERFLOW)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the VaR of these prices over a holding period of %s years is not finite",
						float8out_internal(rhp)),
				 errdetail("%s trading periods overflow the Cornish-Fisher expansion.",
						   float8out_internal(rhp * rk_priips_periods(freq)))));
	if (rc != RK_DEGENERATE)
		risk_raise(rc, "priips_market_risk");
	memset(nulls, 0, sizeof(nulls));
	v[0] = Int32GetDatum((int32) m.returns);
	v[1] = Float8GetDatum(m.mean);
	v[2] = Float8GetDatum(m.volatility);
	v[3] = Float8GetDatum(m.skewness);
	v[4] = Float8GetDatum(m.excess_kurtosis);
	v[5] = Float8GetDatum(m.var_return_space);
	v[6] = Float8GetDatum(m.vev);
	v[7] = Int32GetDatum(m.mrm);
	nulls[3] = nulls[4] = rc == RK_DEGENERATE;	/* constant returns: no skew, no kurtosis */
	nulls[6] = nulls[7] = isnan(m.vev);	/* the expansion broke down: no VEV */
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, 8));
}

PG_FUNCTION_INFO_V1(risk_priips_mrm);
Datum
risk_priips_mrm(PG_FUNCTION_ARGS)
{
	double		vev = PG_GETARG_FLOAT8(0);

	risk_check_finite(vev, "vev");
	PG_RETURN_INT32(rk_priips_mrm(vev));
}

PG_FUNCTION_INFO_V1(risk_priips_sri);
Datum
risk_priips_sri(PG_FUNCTION_ARGS)
{
	int32		mrm = PG_GETARG_INT32(0),
				crm = PG_GETARG_INT32(1);

	risk_check_between(mrm, "mrm", 1, 7);
	risk_check_between(crm, "crm", 1, 6);
	PG_RETURN_INT32(rk_priips_sri(mrm, crm));
}

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

/* A money amount: finite, and positive (or, when zero_ok, at least 0). */
static double
portfolio_opt_money(JsonbValue *v, const char *key, bool zero_ok)
{
	double		x = risk_option_num(v, "risk.portfolio_risk", key);

	if (!isfinite(x) || !(zero_ok ? x >= 0 : x > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of risk.portfolio_risk must be a %s amount of money, got %s",
						key, zero_ok ? "non-negative" : "positive", risk_option_shown(v)),
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
		o->level = risk_option_num(v, "risk.portfolio_risk", "level");
		risk_check_level(o->level, "option \"level\"");
	}
	if ((v = risk_option(opt, "wealth")) != NULL)
		o->wealth = portfolio_opt_money(v, "wealth", false);
	if ((v = risk_option(opt, "horizon_days")) != NULL)
		o->horizon_days = (int32) risk_option_int(v, "risk.portfolio_risk", "horizon_days", 1, 10000);
	if ((v = risk_option(opt, "n_paths")) != NULL)
		o->n_paths = risk_option_int(v, "risk.portfolio_risk", "n_paths", 0, 10000000);
	if ((v = risk_option(opt, "seed")) != NULL)
		o->seed = risk_option_int(v, "risk.portfolio_risk", "seed", 1, 4294967295);
	if ((v = risk_option(opt, "loss_limit")) != NULL)
		o->loss_limit = portfolio_opt_money(v, "loss_limit", true);
	if ((v = risk_option(opt, "min_days")) != NULL)
		o->min_days = (int32) risk_option_int(v, "risk.portfolio_risk", "min_days", 1, PG_INT32_MAX);
	if ((v = risk_option(opt, "missing")) != NULL)
	{
		if (v->type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"missing\" of risk.portfolio_risk must be a string, got %s",
							risk_option_shown(v)),
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

/*
 * risk.risk_profile reads a questionnaire and a capacity policy once per
 * statement (SPI, with the caller's privileges and snapshot), as
 * risk.grade reads a master scale: again when their names change, or the
 * command or the transaction does.  Items and answers are kept sorted by
 * their bytes, so an answer is found by two binary searches.
 */
typedef struct ProfAnswer
{
	char	   *name;
	double		points;
} ProfAnswer;

typedef struct ProfItem
{
	char	   *name;
	int			kind;			/* 0 willingness, 1 knowledge */
	bool		required;
	double		max_points;
	int			nanswers;
	ProfAnswer *answers;		/* by name */
} ProfItem;

typedef struct ProfConflict
{
	int			item_a,
				answer_a,
				item_b,
				answer_b;
	char	   *flag;
} ProfConflict;

typedef struct ProfCache
{
	LocalTransactionId lxid;
	CommandId	cid;
	MemoryContext cxt;
	char	   *questionnaire;
	char	   *policy;
	int			nitems;
	ProfItem   *items;			/* by name */
	double		class_bounds[RK_PROFILE_CLASSES - 1];
	double		complex_min;
	int			nconflicts;
	ProfConflict *conflicts;
	rk_capacity_policy pol;
	/* per call */
	int		   *chosen;
	int		   *kinds;
	double	   *points;
	double	   *max_points;
} ProfCache;

static int
prof_cmp(const char *a, const char *b, int blen)
{
	int			alen = strlen(a),
				c = memcmp(a, b, Min(alen, blen));

	return c != 0 ? c : alen - blen;
}

/*
 * The index of the name s (len bytes) among n structs of `stride` bytes
 * sorted by their name, a char * that each struct starts with; -1 when
 * absent.
 */
static int
prof_find(const void *base, size_t stride, int n, const char *s, int len)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2,
					r = prof_cmp(*(char *const *) ((const char *) base + mid * stride), s, len);

		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

#define prof_item(c, s, len) prof_find((c)->items, sizeof(ProfItem), (c)->nitems, s, len)
#define prof_answer(it, s, len) prof_find((it)->answers, sizeof(ProfAnswer), (it)->nanswers, s, len)

static double
prof_float(HeapTuple t, TupleDesc td, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(t, td, col, &isnull);

	return isnull ? NAN : DatumGetFloat8(d);
}

static void
prof_array(HeapTuple t, TupleDesc td, int col, double *out, int n)
{
	bool		isnull;
	Datum		d = SPI_getbinval(t, td, col, &isnull);
	double	   *v;

	if (isnull)
		elog(ERROR, "risk_profile: a NULL array in the configuration");
	v = risk_float8_values(DatumGetArrayTypeP(d), "a profile bound", n, NULL);
	memcpy(out, v, sizeof(double) * n);
}

static void
prof_load(ProfCache *c)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	MemoryContext old;
	HeapTuple	t;
	TupleDesc	td;
	int			nrows,
				k;
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "risk_profile: SPI_connect failed");

	/* the questionnaire */
	args[0] = CStringGetTextDatum(c->questionnaire);
	if (SPI_execute_with_args("SELECT class_bounds, complex_min FROM risk.questionnaire WHERE questionnaire = $1",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "risk_profile: reading risk.questionnaire failed");
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown questionnaire \"%s\"", c->questionnaire),
				 errhint("The questionnaires are the rows of risk.questionnaire; \"standard\" ships with the extension.")));
	t = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	prof_array(t, td, 1, c->class_bounds, RK_PROFILE_CLASSES - 1);
	c->complex_min = prof_float(t, td, 2);

	/* its items and their answers, by name */
	if (SPI_execute_with_args("SELECT i.item, i.kind = 'knowledge', i.required, a.answer, a.points "
							  "FROM risk.questionnaire_item i LEFT JOIN risk.questionnaire_answer a "
							  "ON a.questionnaire = i.questionnaire AND a.item = i.item "
							  "WHERE i.questionnaire = $1 "
							  "ORDER BY i.item COLLATE \"C\", a.answer COLLATE \"C\"",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "risk_profile: reading risk.questionnaire_item failed");
	nrows = (int) SPI_processed;
	old = MemoryContextSwitchTo(c->cxt);
	c->items = palloc0(sizeof(ProfItem) * Max(nrows, 1));
	c->nitems = 0;
	for (k = 0; k < nrows; k++)
	{
		char	   *item,
				   *answer;
		ProfItem   *it;

		t = SPI_tuptable->vals[k];
		td = SPI_tuptable->tupdesc;
		item = SPI_getvalue(t, td, 1);
		it = c->nitems > 0 ? &c->items[c->nitems - 1] : NULL;
		if (it == NULL || strcmp(it->name, item) != 0)
		{
			it = &c->items[c->nitems++];
			it->name = item;
			it->kind = DatumGetBool(SPI_getbinval(t, td, 2, &isnull)) ? 1 : 0;
			it->required = DatumGetBool(SPI_getbinval(t, td, 3, &isnull));
			it->answers = palloc0(sizeof(ProfAnswer) * nrows);
		}
		answer = SPI_getvalue(t, td, 4);
		if (answer != NULL)
		{
			ProfAnswer *a = &it->answers[it->nanswers++];

			a->name = answer;
			a->points = prof_float(t, td, 5);
			if (a->points > it->max_points)
				it->max_points = a->points;
		}
	}
	MemoryContextSwitchTo(old);
	for (k = 0; k < c->nitems; k++)
		if (c->items[k].nanswers == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("item \"%s\" of questionnaire \"%s\" has no answers", c->items[k].name,
							c->questionnaire),
					 errhint("Add its answers to risk.questionnaire_answer.")));

	/* the pairs of answers that contradict each other */
	if (SPI_execute_with_args("SELECT item_a, answer_a, item_b, answer_b, flag FROM risk.questionnaire_conflict "
							  "WHERE questionnaire = $1 ORDER BY flag COLLATE \"C\", 1, 2, 3, 4",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "risk_profile: reading risk.questionnaire_conflict failed");
	old = MemoryContextSwitchTo(c->cxt);
	c->nconflicts = (int) SPI_processed;
	c->conflicts = palloc0(sizeof(ProfConflict) * Max(c->nconflicts, 1));
	for (k = 0; k < c->nconflicts; k++)
	{
		ProfConflict *x = &c->conflicts[k];
		char	   *ia,
				   *aa,
				   *ib,
				   *ab;

		t = SPI_tuptable->vals[k];
		td = SPI_tuptable->tupdesc;
		ia = SPI_getvalue(t, td, 1);
		aa = SPI_getvalue(t, td, 2);
		ib = SPI_getvalue(t, td, 3);
		ab = SPI_getvalue(t, td, 4);
		x->flag = SPI_getvalue(t, td, 5);
		x->item_a = prof_item(c, ia, strlen(ia));
		x->item_b = prof_item(c, ib, strlen(ib));
		if (x->item_a < 0 || x->item_b < 0)
			elog(ERROR, "risk_profile: a conflict names an unknown item");
		x->answer_a = prof_answer(&c->items[x->item_a], aa, strlen(aa));
		x->answer_b = prof_answer(&c->items[x->item_b], ab, strlen(ab));
	}
	c->chosen = palloc(sizeof(int) * Max(c->nitems, 1));
	c->kinds = palloc(sizeof(int) * Max(c->nitems, 1));
	c->points = palloc(sizeof(double) * Max(c->nitems, 1));
	c->max_points = palloc(sizeof(double) * Max(c->nitems, 1));
	for (k = 0; k < c->nitems; k++)
	{
		c->kinds[k] = c->items[k].kind;
		c->max_points[k] = c->items[k].max_points;
	}
	MemoryContextSwitchTo(old);
	{
		double		most = 0;

		for (k = 0; k < c->nitems; k++)
			if (c->items[k].kind == 0)
				most += c->items[k].max_points;
		if (!(most > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("questionnaire \"%s\" has no willingness item that gives points", c->questionnaire),
					 errhint("A willingness score needs at least one willingness item with an answer worth points.")));
	}

	/* the capacity policy */
	args[0] = CStringGetTextDatum(c->policy);
	if (SPI_execute_with_args("SELECT reserve_months, reserve_months_per_dependant, max_debt_service, "
							  "debt_cap_class, surplus_share_stable, surplus_share_variable, horizon_bounds, "
							  "horizon_share, dependant_reduction, loss_bounds "
							  "FROM risk.capacity_policy WHERE policy = $1",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "risk_profile: reading risk.capacity_policy failed");
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown capacity policy \"%s\"", c->policy),
				 errhint("The policies are the rows of risk.capacity_policy; \"standard\" ships with the extension.")));
	t = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	c->pol.reserve_months = prof_float(t, td, 1);
	c->pol.reserve_months_per_dependant = prof_float(t, td, 2);
	c->pol.max_debt_service = prof_float(t, td, 3);
	c->pol.debt_cap_class = DatumGetInt32(SPI_getbinval(t, td, 4, &isnull));
	c->pol.surplus_share[RK_INCOME_STABLE] = prof_float(t, td, 5);
	c->pol.surplus_share[RK_INCOME_VARIABLE] = prof_float(t, td, 6);
	c->pol.surplus_share[RK_INCOME_NONE] = 0;
	prof_array(t, td, 7, c->pol.horizon_bounds, RK_PROFILE_HORIZON_BANDS - 1);
	prof_array(t, td, 8, c->pol.horizon_share, RK_PROFILE_HORIZON_BANDS);
	c->pol.dependant_reduction = prof_float(t, td, 9);
	prof_array(t, td, 10, c->pol.loss_bounds, RK_PROFILE_CLASSES - 1);
	if (rk_capacity_policy_check(&c->pol) != RK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("capacity policy \"%s\" is not valid", c->policy)));
	SPI_finish();
}

static ProfCache *
prof_cache(FunctionCallInfo fcinfo, text *questionnaire, text *policy)
{
	ProfCache  *c = (ProfCache *) fcinfo->flinfo->fn_extra;
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	CommandId	cid = snap ? snap->curcid : InvalidCommandId;
	char	   *q = text_to_cstring(questionnaire),
			   *p = text_to_cstring(policy);

	if (c != NULL && c->lxid == MyProc->lxid && c->cid == cid
		&& strcmp(c->questionnaire, q) == 0 && strcmp(c->policy, p) == 0)
	{
		pfree(q);
		pfree(p);
		return c;
	}
	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ProfCache));
		c->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "risk_profile cache",
									   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = c;
	}
	else
		MemoryContextReset(c->cxt);
	c->lxid = InvalidLocalTransactionId;	/* until loaded */
	c->questionnaire = MemoryContextStrdup(c->cxt, q);
	c->policy = MemoryContextStrdup(c->cxt, p);
	prof_load(c);
	c->lxid = MyProc->lxid;
	c->cid = cid;
	return c;
}

static const char *const prof_situation_keys[] = {
	"horizon_years", "annual_income", "income_stability", "investable_wealth",
	"monthly_expenses", "monthly_debt_service", "dependants", "emergency_reserve"
};

static const char *const prof_stability[] = {"stable", "variable", "none"};

/* A situation's amount: a JSON number, finite and not negative (required or 0). */
static double
prof_amount(Jsonb *s, const char *key, bool required)
{
	JsonbValue *v = risk_option(s, key);
	double		x;

	if (v == NULL)
	{
		if (required)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the situation has no \"%s\"", key),
					 errhint("A situation gives horizon_years, annual_income, income_stability, investable_wealth and monthly_expenses.")));
		return 0;
	}
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" of the situation must be a number", key)));
	x = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!(x >= 0 && isfinite(x)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" of the situation must not be negative, got %s", key,
						float8out_internal(x))));
	return x;
}

PG_FUNCTION_INFO_V1(risk_risk_profile);
Datum
risk_risk_profile(PG_FUNCTION_ARGS)
{
	Jsonb	   *answers = PG_GETARG_JSONB_P(0),
			   *sit = PG_GETARG_JSONB_P(1);
	ProfCache  *c = prof_cache(fcinfo, PG_GETARG_TEXT_PP(2), PG_GETARG_TEXT_PP(3));
	rk_situation s;
	rk_profile	r;
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	JsonbValue *sv;
	Datum		values[15];
	Datum	   *flags;
	int			nflags = 0;
	rk_status	st;

	/* the answers */
	if (!JB_ROOT_IS_OBJECT(answers))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the answers must be a JSON object of item -> answer id")));
	for (int i = 0; i < c->nitems; i++)
		c->chosen[i] = -1;
	it = JsonbIteratorInit(&answers->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		int			i,
					a;

		if (tok != WJB_KEY)
			continue;
		i = prof_item(c, k.val.string.val, k.val.string.len);
		if (i < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown item \"%.*s\" of questionnaire \"%s\"", k.val.string.len,
							k.val.string.val, c->questionnaire),
					 errhint("The items are the rows of risk.questionnaire_item.")));
		tok = JsonbIteratorNext(&it, &v, true);
		if (v.type == jbvNull)
			continue;
		if (v.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the answer to item \"%s\" must be an answer id (a JSON string)",
							c->items[i].name)));
		a = prof_answer(&c->items[i], v.val.string.val, v.val.string.len);
		if (a < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown answer \"%.*s\" to item \"%s\" of questionnaire \"%s\"",
							v.val.string.len, v.val.string.val, c->items[i].name, c->questionnaire),
					 errhint("The answers are the rows of risk.questionnaire_answer.")));
		c->chosen[i] = a;
	}
	for (int i = 0; i < c->nitems; i++)
	{
		if (c->chosen[i] < 0 && c->items[i].required)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("item \"%s\" of questionnaire \"%s\" is not answered", c->items[i].name,
							c->questionnaire),
					 errhint("Every required item needs an answer; only an item not required may be left out.")));
		c->points[i] = c->chosen[i] < 0 ? NAN : c->items[i].answers[c->chosen[i]].points;
	}

	/* the situation */
	risk_check_options(sit, "the situation", prof_situation_keys, lengthof(prof_situation_keys));
	s.horizon_years = prof_amount(sit, "horizon_years", true);
	if (!(s.horizon_years > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the horizon must be positive, got %s", float8out_internal(s.horizon_years)),
				 errhint("horizon_years is the time the customer means to stay invested, in years.")));
	s.annual_income = prof_amount(sit, "annual_income", true);
	s.investable_wealth = prof_amount(sit, "investable_wealth", true);
	s.monthly_expenses = prof_amount(sit, "monthly_expenses", true);
	s.monthly_debt_service = prof_amount(sit, "monthly_debt_service", false);
	s.emergency_reserve = prof_amount(sit, "emergency_reserve", false);
	{
		double		d = prof_amount(sit, "dependants", false);

		if (d != floor(d) || d > 100)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"dependants\" of the situation must be a whole number up to 100, got %s",
							float8out_internal(d))));
		s.dependants = (int) d;
	}
	sv = risk_option(sit, "income_stability");
	if (sv == NULL || sv->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the situation needs \"income_stability\": stable, variable or none")));
	s.stability = (rk_income_stability) risk_choice_str(sv->val.string.val, sv->val.string.len,
														prof_stability, lengthof(prof_stability),
														"income stability",
														"Use stable, variable or none.");

	st = rk_profile_eval(c->nitems, c->kinds, c->points, c->max_points, c->class_bounds,
						 c->complex_min, &c->pol, &s, &r);
	if (st != RK_OK)
		risk_raise(st, "risk_profile");

	flags = palloc(sizeof(Datum) * (RK_PROFILE_NFLAGS + c->nconflicts));
	for (int i = 0; i < RK_PROFILE_NFLAGS; i++)
		if (r.flags & (1u << i))
			flags[nflags++] = CStringGetTextDatum(rk_profile_flag_name(i));
	for (int i = 0; i < c->nconflicts; i++)
	{
		ProfConflict *x = &c->conflicts[i];

		if (c->chosen[x->item_a] == x->answer_a && c->chosen[x->item_b] == x->answer_b
			&& (nflags == 0 || strcmp(TextDatumGetCString(flags[nflags - 1]), x->flag) != 0))
			flags[nflags++] = CStringGetTextDatum(x->flag);
	}
	values[0] = Float8GetDatum(r.willingness_score);
	values[1] = Int32GetDatum(r.willingness_class);
	values[2] = Float8GetDatum(r.knowledge_score);
	values[3] = BoolGetDatum(r.complex_ok != 0);
	values[4] = Float8GetDatum(r.capacity_score);
	values[5] = Int32GetDatum(r.capacity_class);
	values[6] = Int32GetDatum(r.risk_class);
	values[7] = CStringGetTextDatum(r.binding == RK_BIND_WILLINGNESS ? "willingness"
									: r.binding == RK_BIND_CAPACITY ? "capacity" : "both");
	values[8] = Float8GetDatum(s.horizon_years);
	values[9] = Float8GetDatum(r.max_loss);
	values[10] = Float8GetDatum(r.tolerated_loss);
	values[11] = Float8GetDatum(r.tolerated_share);
	values[12] = Float8GetDatum(r.debt_service_ratio);
	values[13] = Float8GetDatum(r.reserve);
	values[14] = PointerGetDatum(construct_array(flags, nflags, TEXTOID, -1, false, TYPALIGN_INT));
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, NULL, lengthof(values)));
}

/*
 * risk.suitability: a product (arrays of one) or a portfolio against a
 * profile.  Returns the verdict, the factors that failed or warned, and
 * the reasons as JSON; NULL when the profile or a holding array is NULL.
 */
static const char *const suit_options[] = {"max_weight", "loss_warning"};

static Datum
prof_field(HeapTupleHeader t, int attno, const char *name)
{
	bool		isnull;
	Datum		d = GetAttributeByNum(t, attno, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the profile has no %s", name),
				 errhint("Pass the result of risk.risk_profile.")));
	return d;
}

static void *
suit_array(ArrayType *a, Oid elemtype, const char *what, int *n)
{
	int			nelems = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	if (array_contains_nulls(a))
	{
		bits8	   *bm = ARR_NULLBITMAP(a);

		for (int i = 0; i < nelems; i++)
			if (!(bm[i / 8] & (1 << (i % 8))))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("%s has a NULL at position %d", what, i + 1)));
	}
	if (ARR_ELEMTYPE(a) != elemtype)
		elog(ERROR, "%s: unexpected element type", what);
	*n = nelems;
	return ARR_DATA_PTR(a);
}

PG_FUNCTION_INFO_V1(risk_suitability);
Datum
risk_suitability(PG_FUNCTION_ARGS)
{
	HeapTupleHeader prof;
	int			n,
				n2,
				nreasons,
				verdict,
				profile_class;
	int32	   *cls;
	double	   *rhp,
			   *weight = NULL,
				portfolio_loss = NAN,
				horizon,
				tolerated,
				max_weight = 0.4,
				loss_warning = 0.8;
	bool	   *cx;
	int		   *complex;
	int		   *classes;
	bool		complex_ok;
	rk_suit_reason *reasons;
	rk_status	st;
	StringInfoData js;
	Datum		values[3];
	Datum	   *factors;
	int			nfactors = 0;
	unsigned	seen = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	prof = PG_GETARG_HEAPTUPLEHEADER(0);
	complex_ok = DatumGetBool(prof_field(prof, 4, "complex_ok"));
	profile_class = DatumGetInt32(prof_field(prof, 7, "risk_class"));
	horizon = DatumGetFloat8(prof_field(prof, 9, "horizon_years"));
	tolerated = DatumGetFloat8(prof_field(prof, 11, "tolerated_loss"));

	cls = suit_array(PG_GETARG_ARRAYTYPE_P(1), INT4OID, "risk_class", &n);
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a suitability check needs at least one holding")));
	rhp = suit_array(PG_GETARG_ARRAYTYPE_P(2), FLOAT8OID, "holding_period", &n2);
	if (n2 != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("holding_period has %d values and risk_class %d", n2, n)));
	cx = suit_array(PG_GETARG_ARRAYTYPE_P(3), BOOLOID, "complex", &n2);
	if (n2 != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("complex has %d values and risk_class %d", n2, n)));
	if (!PG_ARGISNULL(4))
	{
		weight = suit_array(PG_GETARG_ARRAYTYPE_P(4), FLOAT8OID, "weight", &n2);
		if (n2 != n)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("weight has %d values and risk_class %d", n2, n)));
	}
	if (!PG_ARGISNULL(5))
	{
		/* a VaR can be negative: a gain, below any limit */
		portfolio_loss = PG_GETARG_FLOAT8(5);
		if (!isfinite(portfolio_loss))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("portfolio_loss must be a finite amount, got %s",
							float8out_internal(portfolio_loss))));
	}
	if (!PG_ARGISNULL(6))
	{
		Jsonb	   *opt = PG_GETARG_JSONB_P(6);
		JsonbValue *v;

		risk_check_options(opt, "risk.suitability", suit_options, lengthof(suit_options));
		if ((v = risk_option(opt, "max_weight")) != NULL)
		{
			if (v->type != jbvNumeric)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("option \"max_weight\" must be a number")));
			max_weight = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
			if (!(max_weight > 0 && max_weight <= 1))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("option \"max_weight\" must be in (0, 1], got %s",
									   float8out_internal(max_weight))));
		}
		if ((v = risk_option(opt, "loss_warning")) != NULL)
		{
			if (v->type != jbvNumeric)
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("option \"loss_warning\" must be a number")));
			loss_warning = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
			if (!(loss_warning > 0 && loss_warning <= 1))
				ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								errmsg("option \"loss_warning\" must be in (0, 1], got %s",
									   float8out_internal(loss_warning))));
		}
	}
	classes = palloc(sizeof(int) * n);
	complex = palloc(sizeof(int) * n);
	for (int i = 0; i < n; i++)
	{
		classes[i] = cls[i];
		complex[i] = cx[i];
		if (cls[i] < 1 || cls[i] > RK_PROFILE_CLASSES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("risk_class %d of holding %d is not a class from 1 to 7", cls[i], i + 1)));
		if (!(rhp[i] > 0 && isfinite(rhp[i])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("holding_period of holding %d must be a positive number of years, got %s",
							i + 1, float8out_internal(rhp[i]))));
		if (weight && !(weight[i] >= 0 && isfinite(weight[i])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight of holding %d must be a finite amount, not negative, got %s",
							i + 1, float8out_internal(weight[i]))));
	}
	reasons = palloc(sizeof(rk_suit_reason) * (4 * n + 1));
	st = rk_suitability(profile_class, horizon, complex_ok, tolerated, n, classes, rhp, complex,
						weight, portfolio_loss, max_weight, loss_warning, reasons, &nreasons,
						&verdict);
	if (st == RK_BADARG && weight)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the weights of a portfolio must not all be 0")));
	if (st != RK_OK)
		risk_raise(st, "suitability");

	initStringInfo(&js);
	appendStringInfoChar(&js, '[');
	factors = palloc(sizeof(Datum) * RK_SUIT_NFACTORS);
	for (int i = 0; i < nreasons; i++)
	{
		rk_suit_reason *r = &reasons[i];

		appendStringInfo(&js, "%s{\"factor\": \"%s\", \"holding\": ", i ? ", " : "",
						 rk_suit_factor_name(r->factor));
		if (r->holding < 0)
			appendStringInfoString(&js, "null");
		else
			appendStringInfo(&js, "%d", r->holding + 1);
		appendStringInfo(&js, ", \"severity\": \"%s\", \"value\": %s, \"limit\": %s}",
						 r->severity == 2 ? "fail" : "warning", float8out_internal(r->value),
						 float8out_internal(r->limit));
		if (!(seen & (1u << r->factor)))
		{
			seen |= 1u << r->factor;
			factors[nfactors++] = CStringGetTextDatum(rk_suit_factor_name(r->factor));
		}
	}
	appendStringInfoChar(&js, ']');
	values[0] = CStringGetTextDatum(verdict == 2 ? "not suitable"
									: verdict == 1 ? "suitable with warning" : "suitable");
	values[1] = PointerGetDatum(construct_array(factors, nfactors, TEXTOID, -1, false, TYPALIGN_INT));
	values[2] = DirectFunctionCall1(jsonb_in, CStringGetDatum(js.data));
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, NULL, lengthof(values)));
}
