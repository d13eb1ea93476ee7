/*
 * market.c
 *     SQL face of the market-risk aggregates: historical, Gaussian,
 *     Cornish-Fisher ("modified") and EWMA VaR/ES, and return moments.
 *
 * Each aggregate has two states:
 *   - the plain state, for GROUP BY and parallel query.  Historical: a
 *     value buffer of the returns (valbuf.c: serialized for parallel workers,
 *     merged by the combine function), selected in place by the final.
 *     Moments: a float8[] of central moment sums (a real type, so partial
 *     aggregation can be shipped as text).  EWMA: a float8[] too.
 *   - the moving state, for window frames whose head moves: an order-
 *     statistic tree (historical) or double-double power sums (moments),
 *     updated by the forward and the inverse transition in O(log W) or O(1),
 *     and read, never changed, by the final function.
 * NULL returns are skipped.  A confidence level (and EWMA's lambda) must be
 * the same on every row of a group; it is checked on each row.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "core/market.h"
#include "core/ostree.h"
#include "core/quantile.h"
#include "core/sortedvec.h"
#include "risk.h"
#include "valbuf.h"

/*
 * The row's return (argument 1) and level (argument 2, NaN when the
 * aggregate has none), checked; false for a row to skip: a NULL in it.
 */
static bool
row_values(FunctionCallInfo fcinfo, double *r, double *p)
{
	if (risk_row_has_null(fcinfo, 1))
		return false;
	*r = PG_GETARG_FLOAT8(1);
	risk_check_finite(*r, "return");
	*p = PG_NARGS() > 2 ? PG_GETARG_FLOAT8(2) : NAN;
	return true;
}

/* ---------------------------------------------------------------------
 * Historical: plain state, a value buffer (valbuf.c), param[0] the level
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(risk_hist_accum);
Datum
risk_hist_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_hist_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		r,
				p;

	if (!row_values(fcinfo, &r, &p))
		RISK_RETURN_STATE(st);
	if (st == NULL)
		st = valbuf_new(ctx);
	risk_param_bind(&st->param[0], "confidence level", p, NULL, risk_check_level);
	valbuf_add(st, ctx, r, true, r);
	PG_RETURN_POINTER(st);
}

/* Plain final: selection reorders the buffer but keeps its values. */
static Datum
hist_final(FunctionCallInfo fcinfo, bool want_es)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		var,
				es;
	rk_status rc;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	rc = rk_hist_var_es(st->x, st->n, 1.0 - st->param[0].value, &var, want_es ? &es : NULL);
	risk_raise(rc, want_es ? "es_historical" : "var_historical");
	PG_RETURN_FLOAT8(want_es ? es : var);
}

PG_FUNCTION_INFO_V1(risk_var_historical_final);
Datum
risk_var_historical_final(PG_FUNCTION_ARGS)
{
	return hist_final(fcinfo, false);
}

PG_FUNCTION_INFO_V1(risk_es_historical_final);
Datum
risk_es_historical_final(PG_FUNCTION_ARGS)
{
	return hist_final(fcinfo, true);
}

/* ---------------------------------------------------------------------
 * Historical: moving state.  A sorted array while the frame holds at most
 * HIST_VEC_MAX values (a 250-day frame: a binary search and a memmove per
 * row, the quantile by index), an order-statistic tree beyond, back to the
 * array below HIST_VEC_MIN.  Either way the cost per row is bounded by
 * O(log W) plus a constant, whatever the frame's length.
 * --------------------------------------------------------------------- */

#define HIST_VEC_MAX 512
#define HIST_VEC_MIN 128

typedef struct HistWinState
{
	RiskParam	level;
	int64		n;				/* values in the frame */
	bool		use_tree;
	double	   *vec;			/* sorted, capacity HIST_VEC_MAX + 1 */
	rk_ostree tree;
} HistWinState;

/* Ensure one free node; the nodes array lives in the aggregate context. */
static void
tree_reserve(rk_ostree *t, MemoryContext ctx)
{
	int32		cap;

	if (rk_ostree_room(t) > 0)
		return;
	if (t->capacity >= PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("window frame has too many distinct values: %d", t->capacity)));
	cap = t->capacity > 0 ? t->capacity * 2 : 256;
	if (t->nodes == NULL)
		t->nodes = MemoryContextAllocHuge(ctx, (Size) cap * sizeof(rk_osnode));
	else
		t->nodes = repalloc_huge(t->nodes, (Size) cap * sizeof(rk_osnode));
	t->capacity = cap;
}

/* Insert into the tree, growing its node array first when needed. */
static void
tree_insert(rk_ostree *t, MemoryContext ctx, double x)
{
	tree_reserve(t, ctx);
	risk_raise(rk_ostree_insert(t, x), "the historical window");
}

PG_FUNCTION_INFO_V1(risk_hist_madd);
Datum
risk_hist_madd(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_hist_madd");
	HistWinState *st = PG_ARGISNULL(0) ? NULL : (HistWinState *) PG_GETARG_POINTER(0);
	double		r,
				p;

	/*
	 * The state exists from the frame's first row, NULL or not: a moving
	 * transition must not return NULL, and a frame may start with NULLs.
	 */
	if (st == NULL)
	{
		st = MemoryContextAllocZero(ctx, sizeof(HistWinState));
		st->vec = MemoryContextAlloc(ctx, (HIST_VEC_MAX + 1) * sizeof(double));
		rk_ostree_init(&st->tree, NULL, 0);
	}
	if (!row_values(fcinfo, &r, &p))
		PG_RETURN_POINTER(st);
	risk_param_bind(&st->level, "confidence level", p, NULL, risk_check_level);

	if (!st->use_tree && st->n == HIST_VEC_MAX)
	{
		/* the frame outgrew the array: move its values into the tree */
		int64		i;

		for (i = 0; i < st->n; i++)
			tree_insert(&st->tree, ctx, st->vec[i]);
		st->use_tree = true;
	}
	if (st->use_tree)
		tree_insert(&st->tree, ctx, r);
	else
		rk_sv_insert(st->vec, st->n, r);
	st->n++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_hist_mremove);
Datum
risk_hist_mremove(PG_FUNCTION_ARGS)
{
	HistWinState *st = PG_ARGISNULL(0) ? NULL : (HistWinState *) PG_GETARG_POINTER(0);
	double		r,
				p;
	rk_status rc;

	risk_agg_context(fcinfo, "risk_hist_mremove");
	if (!row_values(fcinfo, &r, &p))
		RISK_RETURN_STATE(st);
	if (st == NULL)
		elog(ERROR, "risk_hist_mremove: no state to remove from");
	rc = st->use_tree ? rk_ostree_remove(&st->tree, r)
		: rk_sv_remove(st->vec, st->n, r);
	if (rc != RK_OK)
		elog(ERROR, "risk_hist_mremove: value leaving the frame was never added");
	st->n--;
	if (st->use_tree && st->n <= HIST_VEC_MIN)
	{
		/* small again: back to the array, and an empty tree */
		rk_ostree_export(&st->tree, st->vec);
		rk_ostree_init(&st->tree, st->tree.nodes, st->tree.capacity);
		st->use_tree = false;
	}
	PG_RETURN_POINTER(st);
}

static Datum
hist_mfinal(FunctionCallInfo fcinfo, bool want_es)
{
	HistWinState *st = PG_ARGISNULL(0) ? NULL : (HistWinState *) PG_GETARG_POINTER(0);
	double		var,
				es;
	double	   *esp = want_es ? &es : NULL;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	risk_raise(st->use_tree ? rk_ostree_var_es(&st->tree, 1.0 - st->level.value, &var, esp)
			   : rk_sv_var_es(st->vec, st->n, 1.0 - st->level.value, &var, esp),
			   want_es ? "es_historical" : "var_historical");
	PG_RETURN_FLOAT8(want_es ? es : var);
}

PG_FUNCTION_INFO_V1(risk_var_historical_mfinal);
Datum
risk_var_historical_mfinal(PG_FUNCTION_ARGS)
{
	return hist_mfinal(fcinfo, false);
}

PG_FUNCTION_INFO_V1(risk_es_historical_mfinal);
Datum
risk_es_historical_mfinal(PG_FUNCTION_ARGS)
{
	return hist_mfinal(fcinfo, true);
}

/* ---------------------------------------------------------------------
 * Moments: plain state, float8[8] = {n, mean, M2, M3, M4, min, max, p}
 * (p is NaN until the first row, and stays NaN for risk.moments)
 * --------------------------------------------------------------------- */

#define MOM_LEN 8

static void
mom_get(const double *v, rk_moments *m)
{
	m->n = v[0];
	m->mean = v[1];
	m->m2 = v[2];
	m->m3 = v[3];
	m->m4 = v[4];
	m->min = v[5];
	m->max = v[6];
}

static void
mom_put(double *v, const rk_moments *m)
{
	v[0] = m->n;
	v[1] = m->mean;
	v[2] = m->m2;
	v[3] = m->m3;
	v[4] = m->m4;
	v[5] = m->min;
	v[6] = m->max;
}

/*
 * A parameter slot of a float8[] state (NaN until the first row binds it)
 * as a RiskParam named name, and back: a float8[] state keeps no names.
 */
static RiskParam
slot_param(double v, const char *name)
{
	RiskParam	rp = {.value = v};

	if (!isnan(v))
		strlcpy(rp.name, name, sizeof(rp.name));
	return rp;
}

/* risk_param_bind for slot *v of a float8[] state. */
static void
slot_bind(double *v, const char *name, double value, RiskParamCheck check)
{
	RiskParam	rp;

	if (*v == value)
		return;					/* bound, and the same */
	rp = slot_param(*v, name);
	risk_param_bind(&rp, name, value, NULL, check);
	*v = rp.value;
}

/* Transition for moments(r) and the (r, p) aggregates: strict, in place. */
PG_FUNCTION_INFO_V1(risk_moments_accum);
Datum
risk_moments_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	double		r = PG_GETARG_FLOAT8(1);
	double	   *v;
	rk_moments m;

	risk_agg_context(fcinfo, "risk_moments_accum");
	v = risk_float8_values(a, "aggregate state", MOM_LEN, NULL);
	risk_check_finite(r, "return");
	if (PG_NARGS() > 2)
		slot_bind(&v[7], "confidence level", PG_GETARG_FLOAT8(2), risk_check_level);
	mom_get(v, &m);
	rk_moments_add(&m, r);
	mom_put(v, &m);
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_moments_combine);
Datum
risk_moments_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	double	   *va,
			   *vb;
	rk_moments ma,
				mb;
	RiskParam	la,
				lb;

	risk_agg_context(fcinfo, "risk_moments_combine");
	va = risk_float8_values(a, "aggregate state", MOM_LEN, NULL);
	vb = risk_float8_values(b, "aggregate state", MOM_LEN, NULL);
	la = slot_param(va[7], "confidence level");
	lb = slot_param(vb[7], "confidence level");
	risk_param_merge(&la, &lb);
	va[7] = la.value;
	mom_get(va, &ma);
	mom_get(vb, &mb);
	rk_moments_merge(&ma, &mb);
	mom_put(va, &ma);
	PG_RETURN_ARRAYTYPE_P(a);
}

typedef enum MomMeasure
{
	MOM_VAR_GAUSSIAN,
	MOM_ES_GAUSSIAN,
	MOM_VAR_MODIFIED,
	MOM_ES_MODIFIED
} MomMeasure;

static const char *const mom_names[] = {
	"var_gaussian", "es_gaussian", "var_modified", "es_modified"
};

/*
 * One measure from central moments.  Too few rows or zero variance (where
 * skewness is undefined) give NULL, as stddev_samp of one row does.
 */
static Datum
mom_measure(FunctionCallInfo fcinfo, const rk_moments *m, double p,
			MomMeasure which)
{
	double		out = 0;
	double		alpha = 1.0 - p;
	rk_status rc = RK_BADARG;

	switch (which)
	{
		case MOM_VAR_GAUSSIAN:
			rc = rk_var_gaussian(m, alpha, &out);
			break;
		case MOM_ES_GAUSSIAN:
			rc = rk_es_gaussian(m, alpha, &out);
			break;
		case MOM_VAR_MODIFIED:
			rc = rk_var_modified(m, alpha, &out);
			break;
		case MOM_ES_MODIFIED:
			rc = rk_es_modified(m, alpha, &out);
			break;
	}
	if (rc == RK_EMPTY || rc == RK_TOO_FEW || rc == RK_DEGENERATE)
		PG_RETURN_NULL();
	risk_raise(rc, mom_names[which]);
	PG_RETURN_FLOAT8(out);
}

static Datum
mom_final(FunctionCallInfo fcinfo, MomMeasure which)
{
	double	   *v = risk_float8_values(PG_GETARG_ARRAYTYPE_P(0), "aggregate state", MOM_LEN, NULL);
	rk_moments m;

	mom_get(v, &m);
	return mom_measure(fcinfo, &m, v[7], which);
}

PG_FUNCTION_INFO_V1(risk_var_gaussian_final);
Datum
risk_var_gaussian_final(PG_FUNCTION_ARGS)
{
	return mom_final(fcinfo, MOM_VAR_GAUSSIAN);
}

PG_FUNCTION_INFO_V1(risk_es_gaussian_final);
Datum
risk_es_gaussian_final(PG_FUNCTION_ARGS)
{
	return mom_final(fcinfo, MOM_ES_GAUSSIAN);
}

PG_FUNCTION_INFO_V1(risk_var_modified_final);
Datum
risk_var_modified_final(PG_FUNCTION_ARGS)
{
	return mom_final(fcinfo, MOM_VAR_MODIFIED);
}

PG_FUNCTION_INFO_V1(risk_es_modified_final);
Datum
risk_es_modified_final(PG_FUNCTION_ARGS)
{
	return mom_final(fcinfo, MOM_ES_MODIFIED);
}

/* The risk.moments_result composite from moments; NULL parts as documented. */
static Datum
moments_result(FunctionCallInfo fcinfo, const rk_moments *m)
{
	Datum		values[7];
	bool		nulls[7] = {false, false, true, true, true, false, false};
	double		sd,
				skew,
				exkurt;
	rk_status rc;

	if (m->n == 0)
		PG_RETURN_NULL();
	rc = rk_moments_stats(m, &sd, &skew, &exkurt);
	values[0] = Int64GetDatum((int64) m->n);
	values[1] = Float8GetDatum(m->mean);
	if (rc == RK_OK || rc == RK_DEGENERATE)
	{
		values[2] = Float8GetDatum(sd);
		nulls[2] = false;
	}
	if (rc == RK_OK)
	{
		values[3] = Float8GetDatum(skew);
		values[4] = Float8GetDatum(exkurt);
		nulls[3] = nulls[4] = false;
	}
	values[5] = Float8GetDatum(m->min);
	values[6] = Float8GetDatum(m->max);
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, nulls, lengthof(values)));
}

PG_FUNCTION_INFO_V1(risk_moments_final);
Datum
risk_moments_final(PG_FUNCTION_ARGS)
{
	double	   *v = risk_float8_values(PG_GETARG_ARRAYTYPE_P(0), "aggregate state", MOM_LEN, NULL);
	rk_moments m;

	mom_get(v, &m);
	return moments_result(fcinfo, &m);
}

/* ---------------------------------------------------------------------
 * Moments: moving state (double-double power sums, rebuilt from a ring of
 * the frame's values when a large value has left; a tree for min/max)
 * --------------------------------------------------------------------- */

typedef struct MomWinState
{
	RiskParam	level;			/* unbound for risk.moments */
	rk_msums	sums;
	bool		minmax;			/* keep the tree (risk.moments only) */
	rk_ostree tree;
	/* the frame's values in arrival order, to rebuild the sums from */
	double	   *ring;
	int64		cap;
	int64		head;
	int64		count;
} MomWinState;

/* Append x to the ring, doubling it (in arrival order) when full. */
static void
ring_push(MomWinState *st, MemoryContext ctx, double x)
{
	if (st->count == st->cap)
	{
		int64		cap = st->cap > 0 ? st->cap * 2 : 256;
		double	   *ring;
		int64		first;

		if ((Size) cap > MaxAllocHugeSize / sizeof(double))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("window frame too large: " INT64_FORMAT " rows", st->count)));
		ring = MemoryContextAllocHuge(ctx, cap * sizeof(double));
		first = Min(st->count, st->cap - st->head);
		if (st->count > 0)
		{
			memcpy(ring, st->ring + st->head, first * sizeof(double));
			memcpy(ring + first, st->ring, (st->count - first) * sizeof(double));
			pfree(st->ring);
		}
		st->ring = ring;
		st->cap = cap;
		st->head = 0;
	}
	st->ring[(st->head + st->count) % st->cap] = x;
	st->count++;
}

PG_FUNCTION_INFO_V1(risk_moments_madd);
Datum
risk_moments_madd(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_moments_madd");
	MomWinState *st = PG_ARGISNULL(0) ? NULL : (MomWinState *) PG_GETARG_POINTER(0);
	double		r,
				p;

	/* the state exists from the first row, NULL or not (see hist_madd) */
	if (st == NULL)
	{
		st = MemoryContextAllocZero(ctx, sizeof(MomWinState));
		st->minmax = (PG_NARGS() == 2);
		rk_msums_init(&st->sums);
		rk_ostree_init(&st->tree, NULL, 0);
	}
	if (!row_values(fcinfo, &r, &p))
		PG_RETURN_POINTER(st);
	if (PG_NARGS() > 2)
		risk_param_bind(&st->level, "confidence level", p, NULL, risk_check_level);
	ring_push(st, ctx, r);
	rk_msums_add(&st->sums, r);
	if (st->minmax)
		tree_insert(&st->tree, ctx, r);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_moments_mremove);
Datum
risk_moments_mremove(PG_FUNCTION_ARGS)
{
	MomWinState *st = PG_ARGISNULL(0) ? NULL : (MomWinState *) PG_GETARG_POINTER(0);
	double		r,
				p;

	risk_agg_context(fcinfo, "risk_moments_mremove");
	if (!row_values(fcinfo, &r, &p))
		RISK_RETURN_STATE(st);
	if (st == NULL)
		elog(ERROR, "risk_moments_mremove: no state to remove from");

	/*
	 * Rows leave a frame in the order they entered it.  Should that ever not
	 * hold, NULL tells the executor to rebuild the state from the frame.
	 */
	if (st->count == 0 || st->ring[st->head] != r)
		PG_RETURN_NULL();
	st->head = (st->head + 1) % st->cap;
	st->count--;
	rk_msums_remove(&st->sums, r);
	if (rk_msums_degraded(&st->sums))
	{
		int64		first = Min(st->count, st->cap - st->head);

		rk_msums_rebuild(&st->sums, st->ring + st->head, first,
						   st->ring, st->count - first);
	}
	if (st->minmax && rk_ostree_remove(&st->tree, r) != RK_OK)
		elog(ERROR, "risk_moments_mremove: value leaving the frame was never added");
	PG_RETURN_POINTER(st);
}

static void
mom_win_moments(const MomWinState *st, rk_moments *m)
{
	rk_moments_init(m);
	rk_msums_moments(&st->sums, m);
	if (st->minmax && m->n > 0)
	{
		m->min = rk_ostree_min(&st->tree);
		m->max = rk_ostree_max(&st->tree);
	}
}

static Datum
mom_mfinal(FunctionCallInfo fcinfo, MomMeasure which)
{
	MomWinState *st = PG_ARGISNULL(0) ? NULL : (MomWinState *) PG_GETARG_POINTER(0);
	rk_moments m;

	if (st == NULL || st->sums.n == 0)
		PG_RETURN_NULL();
	mom_win_moments(st, &m);
	return mom_measure(fcinfo, &m, st->level.value, which);
}

PG_FUNCTION_INFO_V1(risk_var_gaussian_mfinal);
Datum
risk_var_gaussian_mfinal(PG_FUNCTION_ARGS)
{
	return mom_mfinal(fcinfo, MOM_VAR_GAUSSIAN);
}

PG_FUNCTION_INFO_V1(risk_es_gaussian_mfinal);
Datum
risk_es_gaussian_mfinal(PG_FUNCTION_ARGS)
{
	return mom_mfinal(fcinfo, MOM_ES_GAUSSIAN);
}

PG_FUNCTION_INFO_V1(risk_var_modified_mfinal);
Datum
risk_var_modified_mfinal(PG_FUNCTION_ARGS)
{
	return mom_mfinal(fcinfo, MOM_VAR_MODIFIED);
}

PG_FUNCTION_INFO_V1(risk_es_modified_mfinal);
Datum
risk_es_modified_mfinal(PG_FUNCTION_ARGS)
{
	return mom_mfinal(fcinfo, MOM_ES_MODIFIED);
}

PG_FUNCTION_INFO_V1(risk_moments_mfinal);
Datum
risk_moments_mfinal(PG_FUNCTION_ARGS)
{
	MomWinState *st = PG_ARGISNULL(0) ? NULL : (MomWinState *) PG_GETARG_POINTER(0);
	rk_moments m;

	if (st == NULL || st->sums.n == 0)
		PG_RETURN_NULL();
	mom_win_moments(st, &m);
	return moments_result(fcinfo, &m);
}

/* ---------------------------------------------------------------------
 * EWMA: float8[5] = {n, s, w, lambda, p}, rows in the ORDER BY's order.
 * The same state serves GROUP BY and sliding windows: adding multiplies by
 * lambda, removing the oldest subtracts its weight lambda^(n-1).
 * --------------------------------------------------------------------- */

#define EWMA_LEN 5
#define EWMA_DEFAULT_LAMBDA 0.94

static void
check_lambda(double lambda, const char *name)
{
	if (!(lambda > 0.0 && lambda < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and 1 exclusive, got %s",
						name, float8out_internal(lambda)),
				 errhint("RiskMetrics uses 0.94 for daily and 0.97 for monthly data.")));
}

/* Bind (first row) or compare (later rows) p and lambda; return r. */
static double
ewma_row(FunctionCallInfo fcinfo, double *v)
{
	double		r = PG_GETARG_FLOAT8(1);
	double		p = PG_GETARG_FLOAT8(2);
	double		lambda = PG_NARGS() > 3 ? PG_GETARG_FLOAT8(3) : EWMA_DEFAULT_LAMBDA;

	risk_check_finite(r, "return");
	if (isnan(v[4]))
		risk_require_order(fcinfo, PG_NARGS() > 3 ? "r, 0.99, 0.94" : "r, 0.99");
	slot_bind(&v[4], "confidence level", p, risk_check_level);
	slot_bind(&v[3], "lambda", lambda, check_lambda);
	return r;
}

PG_FUNCTION_INFO_V1(risk_ewma_accum);
Datum
risk_ewma_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	double	   *v;
	double		r;
	rk_ewma	e;

	risk_agg_context(fcinfo, "risk_ewma_accum");
	v = risk_float8_values(a, "aggregate state", EWMA_LEN, NULL);
	r = ewma_row(fcinfo, v);
	e.n = (int64) v[0];
	e.s = v[1];
	e.w = v[2];
	rk_ewma_add(&e, v[3], r);
	v[0] = (double) e.n;
	v[1] = e.s;
	v[2] = e.w;
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_ewma_remove);
Datum
risk_ewma_remove(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	double	   *v;
	rk_ewma	e;

	risk_agg_context(fcinfo, "risk_ewma_remove");
	v = risk_float8_values(a, "aggregate state", EWMA_LEN, NULL);
	e.n = (int64) v[0];
	e.s = v[1];
	e.w = v[2];
	rk_ewma_remove_oldest(&e, v[3], PG_GETARG_FLOAT8(1));
	v[0] = (double) e.n;
	v[1] = e.s;
	v[2] = e.w;
	PG_RETURN_ARRAYTYPE_P(a);
}

static Datum
ewma_final(FunctionCallInfo fcinfo, bool want_es)
{
	double	   *v = risk_float8_values(PG_GETARG_ARRAYTYPE_P(0), "aggregate state", EWMA_LEN, NULL);
	rk_ewma	e;
	double		var,
				es;

	e.n = (int64) v[0];
	e.s = v[1];
	e.w = v[2];
	if (rk_ewma_var_es(&e, 1.0 - v[4], &var, &es) != RK_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(want_es ? es : var);
}

PG_FUNCTION_INFO_V1(risk_var_ewma_final);
Datum
risk_var_ewma_final(PG_FUNCTION_ARGS)
{
	return ewma_final(fcinfo, false);
}

PG_FUNCTION_INFO_V1(risk_es_ewma_final);
Datum
risk_es_ewma_final(PG_FUNCTION_ARGS)
{
	return ewma_final(fcinfo, true);
}
