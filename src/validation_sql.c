/*
 * validation_sql.c
 *     SQL face of the credit validation metrics: auc, gini and ks over
 *     (score, bad); brier over (pd, bad); hosmer_lemeshow; the per-grade
 *     binomial and Jeffreys tests; the population stability index.
 *
 * A bad is the event (default); scores are oriented so that higher means
 * riskier (a PD, or minus a points score).  auc/gini/ks and hosmer_lemeshow
 * keep (value, label) pairs in a value buffer, so they run in parallel; a
 * group with no bad or no good has no AUC or KS: NULL (Hosmer-Lemeshow is
 * still defined there).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "risk.h"
#include "valbuf.h"

/* ERROR unless pd is a probability in [0, 1]. */
static void
check_pd(double pd)
{
	if (!(pd >= 0 && pd <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a PD must be between 0 and 1, got %s", float8out_internal(pd)),
				 (pd > 1 && pd <= 100) ? errhint("PDs are fractions, not percentages: %s%% is %s.",
												 float8out_internal(pd), float8out_internal(pd / 100)) : 0));
}

/* Transition of the pair aggregates: (value, bad [, groups]). */
static Datum
pairs_accum(FunctionCallInfo fcinfo, bool is_pd)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_pairs_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		v;
	double		param = 0;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	v = PG_GETARG_FLOAT8(1);
	risk_check_finite(v, is_pd ? "PD" : "score");
	if (PG_NARGS() > 3)
		param = (double) PG_GETARG_INT32(3);
	if (is_pd)
		check_pd(v);
	if (st == NULL)
	{
		if (PG_NARGS() > 3 && (param < 3 || param > 1000))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("groups must be between 3 and 1000, got %d", (int) param)));
		st = valbuf_new(ctx, param, 0);
	}
	else if (st->param != param)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("groups must be the same for every row of a group")));
	valbuf_reserve(st, ctx, 2);
	st->x[st->n++] = v;
	st->x[st->n++] = risk_get_flag(fcinfo, 2, "default flag") ? 1.0 : 0.0;
	if (st->nall == 0 || v > st->maxall)
		st->maxall = v;
	st->nall++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_score_pairs_accum);
Datum
risk_score_pairs_accum(PG_FUNCTION_ARGS)
{
	return pairs_accum(fcinfo, false);
}

PG_FUNCTION_INFO_V1(risk_pd_pairs_accum);
Datum
risk_pd_pairs_accum(PG_FUNCTION_ARGS)
{
	return pairs_accum(fcinfo, true);
}

static Datum
auc_ks_final(FunctionCallInfo fcinfo, int which)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		auc,
				ks;
	int64		nb,
				ng;
	risk_status rc;

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	rc = risk_auc_ks(st->x, st->nall, &auc, &ks, &nb, &ng);
	if (rc == RISK_DEGENERATE)
		PG_RETURN_NULL();		/* all good or all bad: no discrimination to measure */
	risk_raise(rc, "auc");
	PG_RETURN_FLOAT8(which == 0 ? auc : (which == 1 ? 2 * auc - 1 : ks));
}

PG_FUNCTION_INFO_V1(risk_auc_final);
Datum
risk_auc_final(PG_FUNCTION_ARGS)
{
	return auc_ks_final(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(risk_gini_final);
Datum
risk_gini_final(PG_FUNCTION_ARGS)
{
	return auc_ks_final(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(risk_ks_final);
Datum
risk_ks_final(PG_FUNCTION_ARGS)
{
	return auc_ks_final(fcinfo, 2);
}

PG_FUNCTION_INFO_V1(risk_hosmer_lemeshow_final);
Datum
risk_hosmer_lemeshow_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	int			groups;
	double	   *pairs,
				stat,
				pv;
	int			df;
	risk_status rc;
	TupleDesc	td;
	Datum		v[4];
	bool		nulls[4] = {false, false, false, false};

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	groups = st->param > 0 ? (int) st->param : 10;
	if (st->nall < groups)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Hosmer-Lemeshow with %d groups needs at least %d loans, got " INT64_FORMAT,
						groups, groups, st->nall)));
	pairs = palloc_extended(st->n * sizeof(double), MCXT_ALLOC_HUGE);
	memcpy(pairs, st->x, st->n * sizeof(double));
	rc = risk_hosmer_lemeshow(pairs, st->nall, groups, &stat, &df, &pv);
	pfree(pairs);
	if (rc == RISK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a Hosmer-Lemeshow group expects no default, or only defaults, and its outcomes differ"),
				 errdetail("PDs of exactly 0 or 1 meet outcomes that contradict them.")));
	risk_raise(rc, "hosmer_lemeshow");
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "hosmer_lemeshow: return type must be a row type");
	td = BlessTupleDesc(td);
	v[0] = Float8GetDatum(stat);
	v[1] = Int32GetDatum(df);
	v[2] = Float8GetDatum(pv);
	v[3] = Int64GetDatum(st->nall);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, v, nulls)));
}

/* brier: float8[3] = {n, sum, compensation} */
/* The (count, sum, compensation) of a Brier state, checked: never read past it. */
static double *
brier_state(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != 3 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("brier: state must be a float8 array of 3 values")));
	return (double *) ARR_DATA_PTR(a);
}

PG_FUNCTION_INFO_V1(risk_brier_accum);
Datum
risk_brier_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	double		pd = PG_GETARG_FLOAT8(1);
	double		y = risk_get_flag(fcinfo, 2, "default flag") ? 1.0 : 0.0;
	double	   *v,
				e,
				t;

	risk_agg_context(fcinfo, "risk_brier_accum");
	risk_check_finite(pd, "PD");
	v = brier_state(a);
	check_pd(pd);
	e = (pd - y) * (pd - y);		/* pd checked above */
	/* Neumaier's compensated sum */
	t = v[1] + e;
	v[2] += fabs(v[1]) >= e ? (v[1] - t) + e : (e - t) + v[1];
	v[1] = t;
	v[0] += 1;
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_brier_combine);
Datum
risk_brier_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	double	   *va,
			   *vb,
				t;

	risk_agg_context(fcinfo, "risk_brier_combine");
	va = brier_state(a);
	vb = brier_state(b);
	t = va[1] + vb[1];
	va[2] += (fabs(va[1]) >= fabs(vb[1]) ? (va[1] - t) + vb[1] : (vb[1] - t) + va[1]) + vb[2];
	va[1] = t;
	va[0] += vb[0];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_brier_final);
Datum
risk_brier_final(PG_FUNCTION_ARGS)
{
	double	   *v = brier_state(PG_GETARG_ARRAYTYPE_P(0));

	if (v[0] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((v[1] + v[2]) / v[0]);
}

/* The (n, defaults, pd) of a grade, checked. */
static void
grade_args(FunctionCallInfo fcinfo, int64 *n, int64 *d, double *pd)
{
	*n = PG_GETARG_INT64(0);
	*d = PG_GETARG_INT64(1);
	*pd = PG_GETARG_FLOAT8(2);
	if (*n <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of obligors must be positive, got " INT64_FORMAT, *n)));
	if (*d < 0 || *d > *n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of defaults must be between 0 and " INT64_FORMAT ", got " INT64_FORMAT, *n, *d)));
	if (!(*pd > 0 && *pd < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the grade's PD must be between 0 and 1 exclusive, got %s",
						float8out_internal(*pd)),
				 (*pd > 1 && *pd <= 100) ? errhint("PDs are fractions, not percentages: %s%% is %s.",
												   float8out_internal(*pd), float8out_internal(*pd / 100)) : 0));
}

PG_FUNCTION_INFO_V1(risk_jeffreys_test_sql);
Datum
risk_jeffreys_test_sql(PG_FUNCTION_ARGS)
{
	int64		n,
				d;
	double		pd;

	grade_args(fcinfo, &n, &d, &pd);
	PG_RETURN_FLOAT8(risk_jeffreys_test(n, d, pd));
}

PG_FUNCTION_INFO_V1(risk_binomial_test_sql);
Datum
risk_binomial_test_sql(PG_FUNCTION_ARGS)
{
	int64		n,
				d;
	double		pd;

	grade_args(fcinfo, &n, &d, &pd);
	if (n > (int64) UINT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many obligors for the binomial test: " INT64_FORMAT, n)));
	PG_RETURN_FLOAT8(risk_binomial_test(n, d, pd));
}

/* psi(development counts, current counts) -> (psi, band) */
PG_FUNCTION_INFO_V1(risk_psi_sql);
Datum
risk_psi_sql(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			m;
	double		psi;
	risk_status rc;
	TupleDesc	td;
	Datum		v[2];
	bool		nulls[2] = {false, false};

	if (ARR_NDIM(a) != 1 || ARR_NDIM(b) != 1 || ARR_HASNULL(a) || ARR_HASNULL(b) ||
		ARR_ELEMTYPE(a) != FLOAT8OID || ARR_ELEMTYPE(b) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi takes two one-dimensional float8 arrays of counts without NULLs")));
	m = ARR_DIMS(a)[0];
	if (m != ARR_DIMS(b)[0] || m < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi needs the same number of buckets (at least 2) in both distributions, got %d and %d",
						m, ARR_DIMS(b)[0])));
	rc = risk_psi((double *) ARR_DATA_PTR(a), (double *) ARR_DATA_PTR(b), m, &psi);
	if (rc == RISK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every bucket needs a positive, finite count in both distributions"),
				 errhint("Merge empty buckets with a neighbour.")));
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "psi: return type must be a row type");
	td = BlessTupleDesc(td);
	v[0] = Float8GetDatum(psi);
	v[1] = CStringGetTextDatum(psi < 0.1 ? "stable" : (psi < 0.25 ? "moderate shift" : "significant shift"));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, v, nulls)));
}
