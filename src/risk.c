/*
 * risk.c
 *     Module entry point and the helpers every area shares.
 *
 * _PG_init switches GSL's error handler off: its default calls abort(),
 * which would take the whole cluster down.  With it off, every GSL routine
 * returns a status that the core checks.
 */
#include "postgres.h"

#include <math.h>

#include <gsl/gsl_errno.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/array.h"
#include "utils/jsonb.h"
#include "utils/float.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "nodes/execnodes.h"
#include "nodes/plannodes.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "risk.h"
#include "warning_worker.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * The core's checkpoints stop only for what CHECK_FOR_INTERRUPTS will turn
 * into an error (a cancel, a statement or lock timeout, a termination), and
 * only where interrupts are not held off; anything else waits for the
 * executor's next CHECK_FOR_INTERRUPTS.
 */
static int
stop_hook(void)
{
	return unlikely(InterruptPending) && (QueryCancelPending || ProcDiePending) &&
		InterruptHoldoffCount == 0 && QueryCancelHoldoffCount == 0 && CritSectionCount == 0;
}

void
_PG_init(void)
{
	gsl_set_error_handler_off();
	rk_stop_hook = stop_hook;
	risk_worker_init();
}

/* Print a float8 the way PostgreSQL does, for error details. */
static const char *
show(double x)
{
	return float8out_internal(x);
}

void
risk_check_level(double p, const char *argname)
{
	if (p > 0.0 && p < 0.5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least 0.5 and below 1, got %s",
						argname, show(p)),
				 errdetail("A level below 0.5 reads as a tail probability and would give a measure of the wrong sign."),
				 errhint("A confidence level is written %s; %s is its tail probability.",
						 show(1.0 - p), show(p))));
	if (!(p >= 0.5 && p < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least 0.5 and below 1, got %s",
						argname, show(p)),
				 errhint("A confidence level is written 0.99; 0.01 is its tail probability.")));
}

void
risk_check_probability(double p, const char *argname)
{
	if (!(p > 0.0 && p < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and 1 exclusive, got %s",
						argname, show(p))));
}

/*
 * The name of the aggregate whose transition function is running in window
 * ws (the first window aggregate with that transition function), or NULL.
 */
static char *
window_agg_name(WindowAggState *ws, Oid transfn)
{
	ListCell   *lc;

	foreach(lc, ws->funcs)
	{
		WindowFuncExprState *wfs = (WindowFuncExprState *) lfirst(lc);
		Oid			fn = wfs->wfunc->winfnoid;
		HeapTuple	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(fn));
		bool		match = false;

		if (!HeapTupleIsValid(tup))
			continue;
		match = ((Form_pg_aggregate) GETSTRUCT(tup))->aggtransfn == transfn ||
			((Form_pg_aggregate) GETSTRUCT(tup))->aggmtransfn == transfn;
		ReleaseSysCache(tup);
		if (match)
			return get_func_name(fn);
	}
	return NULL;
}

void
risk_require_order(FunctionCallInfo fcinfo, const char *args)
{
	char	   *name = NULL;

	if (fcinfo->context == NULL)
		return;
	if (IsA(fcinfo->context, AggState))
	{
		Aggref	   *aggref = AggGetAggref(fcinfo);

		if (aggref == NULL || aggref->aggorder != NIL)
			return;
		name = get_func_name(aggref->aggfnoid);
	}
	else if (IsA(fcinfo->context, WindowAggState))
	{
		WindowAggState *ws = (WindowAggState *) fcinfo->context;

		if (((WindowAgg *) ws->ss.ps.plan)->ordNumCols > 0)
			return;
		name = window_agg_name(ws, fcinfo->flinfo->fn_oid);
	}
	else
		return;
	if (name == NULL)
		name = "this aggregate";
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("risk.%s needs its rows in order: ORDER BY is missing", name),
			 errdetail("Its result depends on the order of the rows, which without ORDER BY changes with the plan."),
			 errhint("Write risk.%s(%s ORDER BY day), or use it over a window with ORDER BY: risk.%s(%s) OVER (PARTITION BY ... ORDER BY day).",
					 name, args, name, args)));
}

bool
risk_get_flag(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	Datum		d = PG_GETARG_DATUM(argno);

	if (d == (Datum) 0 || d == (Datum) 1)
		return d == (Datum) 1;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be 0 or 1 (or a boolean), got " INT64_FORMAT, argname, (int64) d),
			 errhint("Pass 1 for a default (bad) and 0 for a good, or a boolean.")));
	return false;				/* not reached */
}

int
risk_pd_hint(double pd, bool always)
{
	if (pd > 1 && pd <= 100)
		return errhint("PDs are fractions, not percentages: %s%% is %s.",
					   show(pd), show(pd / 100));
	if (always)
		return errhint("A PD is a probability: 0.015 for 1.5%%.");
	return 0;
}

void
risk_check_between(double x, const char *argname, int lo, int hi)
{
	if (!(x >= lo && x <= hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between %d and %d, got %s", argname, lo, hi, show(x))));
}

void
risk_check_finite(double x, const char *argname)
{
	if (!isfinite(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, got %s", argname, show(x)),
				 errdetail("NaN and infinite values have no place in a risk measure."),
				 errhint("Filter them out or replace them with NULL, which is skipped.")));
}

void
risk_param_mismatch(const char *name, const char *first, const char *other, bool parts)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be the same for every row of a group", name),
			 first == NULL ? 0 : parts ?
			 errdetail("Two parts of the group, aggregated apart, had %s and %s.", first, other) :
			 errdetail("The first row had %s, this row %s.", first, other)));
	pg_unreachable();
}

/* A bound value as the messages show it; NULL when it has nothing to show. */
static const char *
param_shown(const RiskParam *p)
{
	if (!p->labelled)
		return show(p->value);
	return p->label[0] != '\0' ? p->label : NULL;
}

void
risk_param_bind(RiskParam *slot, const char *name, double value,
				const char *label, RiskParamCheck check)
{
	RiskParam	now;

	if (risk_param_bound(slot))
	{
		if (slot->value != value)
		{
			now = *slot;
			now.value = value;
			if (label != NULL)
				strlcpy(now.label, label, sizeof(now.label));
			risk_param_mismatch(slot->name, param_shown(slot), param_shown(&now), false);
		}
		return;
	}
	Assert(strlen(name) < sizeof(slot->name));
	if (check != NULL)
		check(value, name);
	memset(slot, 0, sizeof(*slot));
	slot->value = value;
	strlcpy(slot->name, name, sizeof(slot->name));
	slot->labelled = label != NULL;
	if (label != NULL)
		strlcpy(slot->label, label, sizeof(slot->label));
}

void
risk_param_merge(RiskParam *into, const RiskParam *from)
{
	if (!risk_param_bound(from))
		return;
	if (!risk_param_bound(into))
		*into = *from;
	else if (into->value != from->value)
		risk_param_mismatch(into->name, param_shown(into), param_shown(from), true);
}

void
risk_raise(rk_status st, const char *where)
{
	switch (st)
	{
		case RK_OK:
			return;
		case RK_BADARG:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument out of range"),
					 errcontext("in %s", where)));
			break;
		case RK_NUMERIC:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("a special function failed to evaluate"),
					 errcontext("in %s", where)));
			break;
		case RK_OVERFLOW:
			float_overflow_error();
			break;
		case RK_UNDERFLOW:
			float_underflow_error();
			break;
		case RK_NOSPACE:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("state too large"),
					 errcontext("in %s", where)));
			break;
		case RK_CANCELLED:
			/* the core has freed what it held: let PostgreSQL raise the cancel */
			CHECK_FOR_INTERRUPTS();
			ereport(ERROR,
					(errcode(ERRCODE_QUERY_CANCELED),
					 errmsg("canceling statement due to an interrupt")));
			break;
		default:
			elog(ERROR, "%s: unexpected status %d", where, (int) st);
	}
}

MemoryContext
risk_agg_context(FunctionCallInfo fcinfo, const char *func)
{
	MemoryContext ctx;
	Oid			fn;
	char	   *name;

	if (AggCheckCallContext(fcinfo, &ctx))
		return ctx;
	fn = fcinfo->flinfo ? fcinfo->flinfo->fn_oid : InvalidOid;
	name = OidIsValid(fn) ? get_func_name(fn) : NULL;
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s can only be called as part of an aggregate",
					name ? quote_qualified_identifier(get_namespace_name(get_func_namespace(fn)),
													  name) : func),
			 errhint("Call the aggregate it supports, not the support function.")));
	return NULL;				/* not reached */
}

double *
risk_float8_values(ArrayType *a, const char *what, int len, int *n)
{
	int			got = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];

	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		(len >= 0 && got != len))
	{
		if (len >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a one-dimensional float8 array of %d values without NULLs",
							what, len)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional float8 array without NULLs", what)));
	}
	if (n != NULL)
		*n = got;
	return got == 0 ? NULL : (double *) ARR_DATA_PTR(a);
}

Datum
risk_result_row(FunctionCallInfo fcinfo, Datum *values, bool *nulls, int n)
{
	TupleDesc	td;

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (td->natts != n)
		elog(ERROR, "the result row type has %d columns, the function fills %d",
			 td->natts, n);
	if (nulls == NULL)
		nulls = palloc0(sizeof(bool) * n);
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls));
}

Datum
risk_float8_array(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * (n > 0 ? n : 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return PointerGetDatum(construct_array(d, n, FLOAT8OID, sizeof(float8),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

Datum
risk_int8_array(const int64 *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * (n > 0 ? n : 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = Int64GetDatum(v[i]);
	return PointerGetDatum(construct_array(d, n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

int
risk_choice(text *t, const char *const *names, int n, const char *what,
			const char *hint)
{
	return risk_choice_str(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), names, n, what, hint);
}

int
risk_choice_str(const char *s, int len, const char *const *names, int n, const char *what,
				const char *hint)
{
	int			i;

	for (i = 0; i < n; i++)
		if ((int) strlen(names[i]) == len && memcmp(s, names[i], len) == 0)
			return i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\"", what, pnstrdup(s, len)),
			 errhint("%s", hint)));
	return 0;					/* not reached */
}

bool
risk_row_has_null(FunctionCallInfo fcinfo, int first)
{
	int			i;

	for (i = first; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
			return true;
	return false;
}

/* The float8 values of a feature array of exactly `want` (or any, -1) length: see risk.h. */
double *
risk_features(ArrayType *a, int want, int *len)
{
	int			n;
	double	   *v;
	int			i;

	if (ARR_NDIM(a) > 1 || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must be a one-dimensional float8 array")));
	n = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
	if (ARR_HASNULL(a))
	{
		bits8	   *nb = ARR_NULLBITMAP(a);

		for (i = 0; i < n; i++)
			if (!(nb[i / 8] & (1 << (i % 8))))
				break;
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("feature %d of the array is NULL", i + 1),
				 errdetail("A model needs every feature of every row; a NULL feature has no value to fit or score."),
				 errhint("Replace it (COALESCE(x, 0), or a WOE of the missing bin), or leave the row out: WHERE array_position(x, NULL) IS NULL.")));
	}
	if (want >= 0 && n != want)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected %d features, got %d", want, n),
				 errhint("Every row, and the model, must have the same features in the same order.")));
	v = (double *) ARR_DATA_PTR(a);
	for (i = 0; i < n; i++)
		risk_check_finite(v[i], "feature");
	*len = n;
	return v;
}

void
risk_check_options(Jsonb *opt, const char *func, const char *const *keys, int nkeys)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_OBJECT(opt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the options of %s must be a JSON object", func)));
	it = JsonbIteratorInit(&opt->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		int			i;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(k.val.string.val, k.val.string.len);
		for (i = 0; i < nkeys && strcmp(key, keys[i]) != 0; i++)
			;
		if (i == nkeys)
		{
			StringInfoData s;

			initStringInfo(&s);
			for (int j = 0; j < nkeys; j++)
				appendStringInfo(&s, "%s%s", j == 0 ? "" : j == nkeys - 1 ? " and " : ", ", keys[j]);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown option \"%s\" of %s", key, func),
					 errhint("The options are %s.", s.data)));
		}
	}
}

JsonbValue *
risk_json_key(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

JsonbValue *
risk_option(Jsonb *opt, const char *key)
{
	JsonbValue *v = risk_json_key(&opt->root, key);

	return v == NULL || v->type == jbvNull ? NULL : v;
}

char *
risk_option_shown(JsonbValue *v)
{
	Jsonb	   *j = JsonbValueToJsonb(v);

	return JsonbToCString(NULL, &j->root, VARSIZE(j));
}

double
risk_option_num(JsonbValue *v, const char *func, const char *key)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of %s must be a number, got %s",
						key, func, risk_option_shown(v))));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

int64
risk_option_int(JsonbValue *v, const char *func, const char *key, int64 lo, int64 hi)
{
	double		x = risk_option_num(v, func, key);

	if (!(x >= (double) lo && x <= (double) hi && x == floor(x)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" of %s must be an integer from " INT64_FORMAT " to " INT64_FORMAT ", got %s",
						key, func, lo, hi, risk_option_shown(v))));
	return (int64) x;
}

void
risk_same_options(const Jsonb *mine, const Jsonb *given)
{
	if ((given == NULL) != (mine == NULL)
		|| (given && (VARSIZE(given) != VARSIZE(mine)
					  || memcmp(given, mine, VARSIZE(given)) != 0)))
		risk_param_mismatch("options", "one set of options", "another", false);
}
