/*
 * scorecard.c
 *     SQL face of scorecard building: weight-of-evidence binning (the
 *     woe_bins aggregate, risk.woe, the points scaling) and logistic
 *     regression (the logit_fit aggregate, logit_step for tables larger than
 *     memory, risk.logit_predict and risk.logit_log_odds).
 *
 * woe_bins keeps (x, bad) pairs in a value buffer (parallel); a NULL x is a
 * missing value and gets its own bin, kept out of the merging.  The result
 * is a risk.woe_binning composite with one array element per bin, the
 * missing bin last when there is one.
 *
 * logit_fit keeps its rows in a value buffer too (so it runs in parallel)
 * and fits by IRLS in the final function.  A row is (y boolean, x float8[]);
 * every x has the same length, no NULL or non-finite element.  Rows with a
 * NULL y or x are skipped.  The model is a risk.logit_model composite whose
 * arrays start with the intercept when there is one.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "core/scorecard.h"
#include "risk.h"
#include "valbuf.h"

static void
check_max_bins(double max_bins, const char *name)
{
	risk_check_between(max_bins, name, 1, 50);
}

static void
check_min_share(double min_share, const char *name)
{
	if (!(min_share >= 0 && min_share < 0.5))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least 0 and below 0.5, got %s", name, float8out_internal(min_share))));
}

/* woe_bins: a flagged value buffer, param[0] max_bins, param[1] min_share */
PG_FUNCTION_INFO_V1(risk_woe_accum);
Datum
risk_woe_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_woe_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	int32		max_bins = 10;
	double		min_share = 0.05,
				x;

	if (PG_ARGISNULL(2))		/* no label: skipped */
		RISK_RETURN_STATE(st);
	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("max_bins and min_share must not be NULL")));
		max_bins = PG_GETARG_INT32(3);
		min_share = PG_GETARG_FLOAT8(4);
	}
	if (st == NULL)
		st = valbuf_new_flagged(ctx);
	risk_param_bind(&st->param[0], "max_bins", max_bins, NULL, check_max_bins);
	risk_param_bind(&st->param[1], "min_share", min_share, NULL, check_min_share);
	if (PG_ARGISNULL(1))
		x = NAN;				/* missing: its own bin */
	else
	{
		x = PG_GETARG_FLOAT8(1);
		risk_check_finite(x, "characteristic");
	}
	valbuf_add_flagged(st, ctx, x, risk_get_flag(fcinfo, 2, "default flag"));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_woe_bins_final);
Datum
risk_woe_bins_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double	   *pairs;
	int64		n = 0,
				mg = 0,
				mb = 0,
				r;
	rk_woe_bin bins[51];
	int			nb = 0,
				i;
	double		iv = 0,
				tb = 0,
				tg = 0,
				lo[51],
				hi[51],
				share[51],
				woe[51],
				ivc[51];
	int64		goods[51],
				bads[51];
	rk_status rc;
	Datum		v[9];
	bool		nulls[9];

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	/* the binned pairs, sorted, and the missing values (NaN) apart */
	tg = (double) st->n;
	tb = (double) st->n1;
	pairs = valbuf_flag_pairs(st, true, &n);
	mg = st->n;
	mb = st->n1;
	for (r = 0; r < n; r++)
	{
		mb -= pairs[2 * r + 1] != 0;
		mg -= pairs[2 * r + 1] == 0;
	}
	if (tb == 0 || tg == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("WOE needs both goods and bads, got %s", tb == 0 ? "no bad" : "no good")));
	if (n >= 2)
	{
		rc = rk_woe_binning(pairs, n, (int) st->param[0].value, st->param[1].value, bins, &nb, &iv);
		if (rc != RK_DEGENERATE)	/* binned rows of one class: one bin */
			risk_raise(rc, "woe_bins");
		else
			nb = 0;
	}
	if (nb == 0 && n > 0)
	{
		double		b = 0;

		for (r = 0; r < n; r++)
			b += pairs[2 * r + 1];
		bins[0].lower = -INFINITY;
		bins[0].upper = INFINITY;
		bins[0].bads = (int64) b;
		bins[0].goods = n - (int64) b;
		nb = 1;
	}
	/* WOE and IV against all rows, missing included */
	iv = 0;
	for (i = 0; i < nb; i++)
	{
		lo[i] = bins[i].lower;
		hi[i] = bins[i].upper;
		goods[i] = bins[i].goods;
		bads[i] = bins[i].bads;
		share[i] = (double) (bins[i].goods + bins[i].bads) / st->nall;
		woe[i] = rk_woe_of_counts((double) bads[i], (double) goods[i], tb, tg);
		ivc[i] = ((double) bads[i] / tb - (double) goods[i] / tg) * woe[i];
		iv += ivc[i];
	}
	if (mg + mb > 0)
	{
		lo[nb] = NAN;
		hi[nb] = NAN;
		goods[nb] = mg;
		bads[nb] = mb;
		share[nb] = (double) (mg + mb) / st->nall;
		woe[nb] = rk_woe_of_counts((double) mb, (double) mg, tb, tg);
		ivc[nb] = ((double) mb / tb - (double) mg / tg) * woe[nb];
		iv += ivc[nb];
		nb++;
	}
	pfree(pairs);
	memset(nulls, 0, sizeof(nulls));
	v[0] = risk_float8_array(lo, nb);
	v[1] = risk_float8_array(hi, nb);
	v[2] = risk_int8_array(goods, nb);
	v[3] = risk_int8_array(bads, nb);
	v[4] = risk_float8_array(share, nb);
	v[5] = risk_float8_array(woe, nb);
	v[6] = risk_float8_array(ivc, nb);
	v[7] = Float8GetDatum(iv);
	v[8] = BoolGetDatum(mg + mb > 0);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, lengthof(v)));
}

/* ---------------------------------------------------------------------
 * risk.woe: the WOE of a value in a binning, once per row.  The binning is
 * decoded once and kept in fn_extra with a copy of its bytes; a row whose
 * binning has the same bytes reuses it (the usual case: one binning per
 * characteristic for the whole query).  The result is the one the SQL
 * definition gives, NULLs and odd arrays included: the first bin i of
 * 1..k with lower[i] <= x and (x < upper[i] or i = k), compared as
 * PostgreSQL compares float8 (NaN above everything), k the number of bins
 * without the missing-value bin.
 * --------------------------------------------------------------------- */

/* the woe_binning fields risk.woe reads, by attribute number */
#define WOE_ATT_LOWER 1
#define WOE_ATT_UPPER 2
#define WOE_ATT_WOE 6
#define WOE_ATT_HAS_MISSING 9

typedef struct WoeArr
{
	int			n;				/* elements; -1 for a NULL array */
	int			lb;				/* first subscript */
	bool		flat;			/* one-dimensional: subscripts address it */
	double	   *v;
	bool	   *isnull;
} WoeArr;

typedef struct WoeCache
{
	Size		len;			/* the binning's bytes, to recognize it */
	char	   *raw;
	WoeArr		lower,
				upper,
				woe;
	int			has_missing;	/* 1, 0, or -1 for NULL */
	bool		all_null;		/* every field NULL: the row IS NULL */
} WoeCache;

static void
woe_arr(HeapTupleHeader rec, int att, WoeArr *a, MemoryContext mcxt)
{
	bool		isnull;
	Datum		d = GetAttributeByNum(rec, att, &isnull);
	ArrayType  *arr;
	Datum	   *vals;
	int			i;

	a->n = -1;
	a->lb = 1;
	a->flat = false;
	a->v = NULL;
	a->isnull = NULL;
	if (isnull)
		return;
	arr = DatumGetArrayTypeP(d);
	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		elog(ERROR, "woe_binning: bounds and woe must be float8 arrays");
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &vals, &a->isnull, &a->n);
	a->flat = ARR_NDIM(arr) == 1;
	a->lb = a->flat ? ARR_LBOUND(arr)[0] : 1;
	a->v = MemoryContextAlloc(mcxt, sizeof(double) * Max(a->n, 1));
	for (i = 0; i < a->n; i++)
		a->v[i] = a->isnull[i] ? 0 : DatumGetFloat8(vals[i]);
	if (a->n > 0)
	{
		bool	   *nulls = MemoryContextAlloc(mcxt, sizeof(bool) * a->n);

		memcpy(nulls, a->isnull, sizeof(bool) * a->n);
		a->isnull = nulls;
	}
}

/* a[i] with SQL's subscript rules; false when it is NULL */
static inline bool
woe_at(const WoeArr *a, int64 i, double *v)
{
	int64		j = i - a->lb;

	if (!a->flat || j < 0 || j >= a->n || a->isnull[j])
		return false;
	*v = a->v[j];
	return true;
}

static WoeCache *
woe_cache(FunctionCallInfo fcinfo, Datum d)
{
	WoeCache   *c = (WoeCache *) fcinfo->flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(d);
	Size		len;
	HeapTupleHeader rec = NULL;
	MemoryContext old;
	bool		isnull;
	Datum		hm;
	int			att;

	/*
	 * Recognized by its bytes as passed, before any detoasting: a binning
	 * stored compressed, or out of line (then the bytes are the TOAST
	 * pointer, which names the value), is decompressed once, not per row.
	 * An expanded record (PL/pgSQL) can change in place: its flat form is
	 * the key.
	 */
	if (VARATT_IS_EXTERNAL_EXPANDED(raw))
	{
		rec = DatumGetHeapTupleHeader(d);
		raw = (struct varlena *) rec;
	}
	len = VARSIZE_ANY(raw);
	if (c != NULL && c->len == len && memcmp(c->raw, raw, len) == 0)
		return c;
	if (rec == NULL)
		rec = DatumGetHeapTupleHeader(d);
	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(WoeCache));
		fcinfo->flinfo->fn_extra = c;
	}
	else
	{
		if (c->raw)
			pfree(c->raw);
		c->raw = NULL;
	}
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	woe_arr(rec, WOE_ATT_LOWER, &c->lower, fcinfo->flinfo->fn_mcxt);
	woe_arr(rec, WOE_ATT_UPPER, &c->upper, fcinfo->flinfo->fn_mcxt);
	woe_arr(rec, WOE_ATT_WOE, &c->woe, fcinfo->flinfo->fn_mcxt);
	hm = GetAttributeByNum(rec, WOE_ATT_HAS_MISSING, &isnull);
	c->has_missing = isnull ? -1 : DatumGetBool(hm) ? 1 : 0;
	c->all_null = true;
	for (att = 1; att <= (int) HeapTupleHeaderGetNatts(rec) && c->all_null; att++)
	{
		(void) GetAttributeByNum(rec, att, &isnull);
		c->all_null = isnull;
	}
	c->raw = palloc(len);
	memcpy(c->raw, raw, len);
	c->len = len;
	MemoryContextSwitchTo(old);
	return c;
}

PG_FUNCTION_INFO_V1(risk_woe);
Datum
risk_woe(PG_FUNCTION_ARGS)
{
	WoeCache   *c;
	int64		k,
				i;
	double		x,
				lo,
				up,
				w;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	c = woe_cache(fcinfo, PG_GETARG_DATUM(0));
	if (c->all_null)
		PG_RETURN_NULL();		/* a row of NULLs IS NULL */
	/* k = cardinality(lower) - (1 if has_missing), NULL with lower */
	k = c->lower.n < 0 ? -1 : c->lower.n - (c->has_missing == 1 ? 1 : 0);
	if (PG_ARGISNULL(1))
	{
		if (c->has_missing != 1)
			PG_RETURN_FLOAT8(0.0);
		if (k < 0 || !woe_at(&c->woe, k + 1, &w))
			PG_RETURN_NULL();
		PG_RETURN_FLOAT8(w);
	}
	x = PG_GETARG_FLOAT8(1);
	if (isnan(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("characteristic must be a number, got NaN")));
	for (i = 1; i <= k; i++)
	{
		if (!woe_at(&c->lower, i, &lo) || !float8_ge(x, lo))
			continue;
		if (i != k && !(woe_at(&c->upper, i, &up) && float8_lt(x, up)))
			continue;
		if (!woe_at(&c->woe, i, &w))
			PG_RETURN_NULL();
		PG_RETURN_FLOAT8(w);
	}
	PG_RETURN_NULL();
}

/* ---------------------------------------------------------------------
 * Points: the arithmetic of the SQL definitions, operation for operation
 * with PostgreSQL's float8 operators (the same bits, the same overflow
 * errors), comparisons as PostgreSQL compares float8.
 * --------------------------------------------------------------------- */

static void
check_odds(double base_odds, double pdo)
{
	if (!(float8_gt(base_odds, 0) && float8_gt(pdo, 0)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("base_odds and pdo must be positive, got %s and %s",
						float8out_internal(base_odds), float8out_internal(pdo))));
}

PG_FUNCTION_INFO_V1(risk_score_points);
Datum
risk_score_points(PG_FUNCTION_ARGS)
{
	double		pd = PG_GETARG_FLOAT8(0),
				base_points = PG_GETARG_FLOAT8(1),
				base_odds = PG_GETARG_FLOAT8(2),
				pdo = PG_GETARG_FLOAT8(3),
				points;

	if (!(float8_gt(pd, 0) && float8_lt(pd, 1)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a PD must be between 0 and 1 exclusive, got %s", float8out_internal(pd)),
				 risk_pd_hint(pd, true)));
	check_odds(base_odds, pdo);
	risk_raise(rk_score_points(pd, base_points, base_odds, pdo, &points), "score_points");
	PG_RETURN_FLOAT8(points);
}

PG_FUNCTION_INFO_V1(risk_characteristic_points);
Datum
risk_characteristic_points(PG_FUNCTION_ARGS)
{
	double		coefficient = PG_GETARG_FLOAT8(0),
				woe = PG_GETARG_FLOAT8(1),
				intercept = PG_GETARG_FLOAT8(2);
	int32		nc = PG_GETARG_INT32(3);
	double		base_points = PG_GETARG_FLOAT8(4),
				base_odds = PG_GETARG_FLOAT8(5),
				pdo = PG_GETARG_FLOAT8(6),
				points;

	if (nc < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_characteristics must be at least 1, got %d", nc)));
	check_odds(base_odds, pdo);
	risk_raise(rk_characteristic_points(coefficient, woe, intercept, nc, base_points,
										base_odds, pdo, &points), "characteristic_points");
	PG_RETURN_FLOAT8(points);
}

/* ---- logistic regression --------------------------------------------- */

/*
 * logit_fit: a value buffer of rows (y, x[k]); param[0] the number of
 * features k, param[1] the intercept flag, param[2] l2.
 */
PG_FUNCTION_INFO_V1(risk_logit_accum);
Datum
risk_logit_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_logit_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	bool		intercept = true;
	double		l2 = 0;
	double	   *x;
	int			k;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	if (PG_NARGS() > 3)
	{
		intercept = PG_GETARG_BOOL(3);
		l2 = PG_GETARG_FLOAT8(4);
		if (!(l2 >= 0) || !isfinite(l2))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the L2 penalty must be a finite number >= 0, got %s",
							float8out_internal(l2))));
	}
	x = risk_features(PG_GETARG_ARRAYTYPE_P(2), st ? (int) st->param[0].value : -1, &k);
	if (st == NULL)
	{
		if (k > RK_LOGIT_MAX_COLS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("at most %d features, got %d", RK_LOGIT_MAX_COLS, k)));
		if (k == 0 && !intercept)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a model without intercept needs at least one feature")));
		st = valbuf_new(ctx);
		/* later rows' lengths are checked by risk_features(), with a hint */
		risk_param_bind(&st->param[0], "number of features", k, NULL, NULL);
	}
	risk_param_bind(&st->param[1], "intercept", intercept, intercept ? "true" : "false", NULL);
	risk_param_bind(&st->param[2], "l2", l2, NULL, NULL);
	valbuf_reserve(st, ctx, k + 1);
	st->x[st->n++] = risk_get_flag(fcinfo, 1, "outcome") ? 1.0 : 0.0;
	memcpy(st->x + st->n, x, sizeof(double) * k);
	st->n += k;
	st->nall++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_logit_fit_final);
Datum
risk_logit_fit_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	int			k,
				m,
				intercept;
	rk_logit_result res;
	rk_status rc;
	double	   *z,
			   *pv;
	Datum		v[11];
	bool		nulls[11];

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	k = (int) st->param[0].value;
	intercept = st->param[1].value != 0 ? 1 : 0;
	m = k + intercept;
	res.beta = palloc(sizeof(double) * (m + 1));
	res.se = palloc(sizeof(double) * (m + 1));
	rc = rk_logit_fit(st->x, st->nall, k, intercept, st->param[2].value, &res);
	if (rc == RK_TOO_FEW)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a logistic fit with %d coefficients needs at least %d rows, got " INT64_FORMAT,
						m, m + 1, st->nall)));
	if (rc == RK_BADARG)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the features are collinear: %s is a combination of the columns before it",
						res.bad_column == 0 && intercept ? "the intercept" :
						psprintf("feature %d", res.bad_column + 1 - intercept)),
				 errhint("Drop the redundant feature, or fit with an L2 penalty.")));
	if (rc == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the classes are separated: the likelihood has no finite maximum"),
				 errdetail("Some combination of the features predicts every default (or every non-default) perfectly, or all rows have one class."),
				 errhint("Remove the separating feature, or fit with an L2 penalty.")));
	risk_raise(rc, "logit_fit");
	z = palloc(sizeof(double) * m);
	pv = palloc(sizeof(double) * m);
	rk_logit_wald(res.beta, res.se, m, z, pv);
	memset(nulls, 0, sizeof(nulls));
	v[0] = risk_float8_array(res.beta, m);
	v[1] = risk_float8_array(res.se, m);
	v[2] = risk_float8_array(z, m);
	v[3] = risk_float8_array(pv, m);
	v[4] = Float8GetDatum(res.loglik);
	v[5] = Float8GetDatum(2.0 * m - 2.0 * res.loglik);
	v[6] = Int64GetDatum(st->nall);
	v[7] = Int32GetDatum(res.iterations);
	v[8] = BoolGetDatum(res.converged != 0);
	v[9] = BoolGetDatum(intercept != 0);
	v[10] = Float8GetDatum(st->param[2].value);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, lengthof(v)));
}

/* The linear predictor of a model for features x. */
static double
log_odds(HeapTupleHeader model, ArrayType *xa)
{
	bool		isnull,
				inull;
	Datum		cd = GetAttributeByName(model, "coefficients", &isnull);
	Datum		id = GetAttributeByName(model, "intercept", &inull);
	ArrayType  *ca;
	double	   *c,
			   *x;
	int			nc,
				k,
				off;

	if (isnull || inull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model has no coefficients")));
	ca = DatumGetArrayTypeP(cd);
	if (ARR_NDIM(ca) != 1 || ARR_HASNULL(ca) || ARR_ELEMTYPE(ca) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model's coefficients must be a float8 array without NULLs")));
	nc = ARR_DIMS(ca)[0];
	c = (double *) ARR_DATA_PTR(ca);
	off = DatumGetBool(id) ? 1 : 0;
	x = risk_features(xa, nc - off, &k);
	return rk_logit_eta(c, off, x, k);
}

PG_FUNCTION_INFO_V1(risk_logit_log_odds);
Datum
risk_logit_log_odds(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(log_odds(PG_GETARG_HEAPTUPLEHEADER(0), PG_GETARG_ARRAYTYPE_P(1)));
}

PG_FUNCTION_INFO_V1(risk_logit_predict);
Datum
risk_logit_predict(PG_FUNCTION_ARGS)
{
	double		eta = log_odds(PG_GETARG_HEAPTUPLEHEADER(0), PG_GETARG_ARRAYTYPE_P(1));

	PG_RETURN_FLOAT8(rk_logistic(eta));
}

/* ---------------------------------------------------------------------
 * The multi-pass fit for tables of any size: each IRLS iteration is one
 * pass of risk.logit_step, whose state float8[] = {m, n, loglik, g[m],
 * H[m*m]} is a real type added up by its combine function (parallel, and
 * partial aggregation on a distributed system); risk_internal._logit_newton takes a
 * step, risk_internal._logit_model builds the model at the end.
 * --------------------------------------------------------------------- */

#define STEP_HDR 3

/* The state's values and m, checked; NULL (m = 0) before the first row. */
static double *
step_values(ArrayType *a, int *m)
{
	int			len;
	double	   *v = risk_float8_values(a, "aggregate state", -1, &len);

	*m = 0;
	if (v == NULL)
		return NULL;
	if (v[0] >= 1 && v[0] <= RK_LOGIT_MAX_COLS + 1)
		*m = (int) v[0];
	if (len != STEP_HDR + *m + *m * *m || *m == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("malformed aggregate state of %d values", len),
				 errdetail("A logit_step state is {m, n, loglik, g[m], H[m*m]} with m from 1 to %d.",
						   RK_LOGIT_MAX_COLS + 1)));
	return v;
}

PG_FUNCTION_INFO_V1(risk_logit_step_accum);
Datum
risk_logit_step_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	double	   *x,
			   *beta,
			   *v,
				xr[RK_LOGIT_MAX_COLS + 1],
				y;
	int			k,
				m,
				mb,
				i,
				j,
				off;
	bool		intercept;

	risk_agg_context(fcinfo, "risk_logit_step_accum");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", PG_ARGISNULL(3) ? "beta" : "intercept")));
	a = PG_GETARG_ARRAYTYPE_P(0);
	intercept = PG_GETARG_BOOL(4);
	off = intercept ? 1 : 0;
	{
		/*
		 * The coefficients are normally one value for the whole pass: checked
		 * once, then each row only compares its array with the checked copy.
		 */
		typedef struct BetaCache
		{
			int			mb;
			double		beta[RK_LOGIT_MAX_COLS + 1];
		}			BetaCache;
		BetaCache  *bc = (BetaCache *) fcinfo->flinfo->fn_extra;
		ArrayType  *ba = PG_GETARG_ARRAYTYPE_P(3);
		int			n = ARR_NDIM(ba) == 1 ? ARR_DIMS(ba)[0] : -1;

		if (bc == NULL)
		{
			bc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(BetaCache));
			fcinfo->flinfo->fn_extra = bc;
		}
		if (n != bc->mb || ARR_HASNULL(ba) || ARR_ELEMTYPE(ba) != FLOAT8OID ||
			memcmp(ARR_DATA_PTR(ba), bc->beta, sizeof(double) * n) != 0)
		{
			double	   *b = risk_features(ba, -1, &mb);

			if (mb > RK_LOGIT_MAX_COLS + 1)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("at most %d coefficients, got %d", RK_LOGIT_MAX_COLS + 1, mb)));
			memcpy(bc->beta, b, sizeof(double) * mb);
			bc->mb = mb;
		}
		beta = bc->beta;
		mb = bc->mb;
	}
	x = risk_features(PG_GETARG_ARRAYTYPE_P(2), mb - off, &k);
	m = k + off;
	if (m < 1 || m > RK_LOGIT_MAX_COLS + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("between 1 and %d coefficients are needed, got %d", RK_LOGIT_MAX_COLS + 1, m)));
	v = step_values(a, &i);
	if (v == NULL)
	{
		/* first row: lay out a zero state of the right size */
		MemoryContext ctx = risk_agg_context(fcinfo, "risk_logit_step_accum");
		MemoryContext old = MemoryContextSwitchTo(ctx);
		int			len = STEP_HDR + m + m * m;
		Datum	   *d = palloc(sizeof(Datum) * len);

		for (j = 0; j < len; j++)
			d[j] = Float8GetDatum(0.0);
		d[0] = Float8GetDatum((double) m);
		a = construct_array(d, len, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
		MemoryContextSwitchTo(old);
		v = step_values(a, &i);
	}
	else if (i != m)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected %d features, got %d", i - off, k)));
	y = risk_get_flag(fcinfo, 1, "outcome") ? 1.0 : 0.0;
	if (intercept)
		xr[0] = 1.0;
	memcpy(xr + off, x, sizeof(double) * k);
	v[1] += 1;
	rk_logit_add_row(xr, m, y, beta, &v[2], &v[STEP_HDR], &v[STEP_HDR + m]);
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_logit_step_combine);
Datum
risk_logit_step_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			ma,
				mb,
				i;
	double	   *va,
			   *vb;

	risk_agg_context(fcinfo, "risk_logit_step_combine");
	va = step_values(a, &ma);
	vb = step_values(b, &mb);
	if (vb == NULL)
		PG_RETURN_ARRAYTYPE_P(a);
	if (va == NULL)
		PG_RETURN_ARRAYTYPE_P(b);
	if (ma != mb)
		risk_param_mismatch("number of coefficients", psprintf("%d", ma), psprintf("%d", mb), true);
	for (i = 1; i < STEP_HDR + ma + ma * ma; i++)
		va[i] += vb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * The arguments (state, beta, intercept, l2) of _logit_newton and
 * _logit_model: the state's values, checked against beta's length m.
 */
static double *
step_args(FunctionCallInfo fcinfo, int *m, double **beta, bool *intercept, double *l2)
{
	int			mb;
	double	   *v = step_values(PG_GETARG_ARRAYTYPE_P(0), m);

	*beta = risk_features(PG_GETARG_ARRAYTYPE_P(1), -1, &mb);
	*intercept = PG_GETARG_BOOL(2);
	*l2 = PG_GETARG_FLOAT8(3);
	if (v == NULL || *m != mb)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("state and beta must have the same number of coefficients, got %d and %d",
						*m, mb)));
	return v;
}

PG_FUNCTION_INFO_V1(risk_logit_newton);
Datum
risk_logit_newton(PG_FUNCTION_ARGS)
{
	int			m,
				i;
	double	   *beta,
				l2;
	bool		intercept;
	double	   *v = step_args(fcinfo, &m, &beta, &intercept, &l2);
	double	   *h,
			   *g,
			   *nb;
	int			bad;

	h = palloc(sizeof(double) * m * m);
	g = palloc(sizeof(double) * m);
	nb = palloc(sizeof(double) * m);
	rk_logit_newton_system(v + STEP_HDR, v + STEP_HDR + m, m, beta, intercept, l2, h, g);
	bad = rk_cholesky_solve(h, m, g);
	if (bad >= 0 && PG_NARGS() > 4 && !PG_ARGISNULL(4))
	{
		/* name the column: the intercept, or names[bad - intercept] */
		ArrayType  *na = PG_GETARG_ARRAYTYPE_P(4);
		Datum	   *nd;
		bool	   *nn;
		int			nnames;
		int			j = bad - (intercept ? 1 : 0);
		char	   *col;

		deconstruct_array(na, TEXTOID, -1, false, TYPALIGN_INT, &nd, &nn, &nnames);
		col = j < 0 ? "the intercept"
			: (j < nnames && !nn[j]) ? psprintf("column \"%s\"", TextDatumGetCString(nd[j]))
			: psprintf("feature %d", j + 1);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the information matrix is singular at %s", col),
				 errdetail("%s is constant (a copy of the intercept) or a combination of the columns before it, or the classes are separated.",
						   j < 0 ? "The intercept" : col),
				 errhint("Drop the redundant column, or fit with an L2 penalty.")));
	}
	if (bad >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the information matrix is singular at column %d", bad + 1),
				 errdetail("The features are collinear, or the classes are separated."),
				 errhint("Drop the redundant feature, or fit with an L2 penalty.")));
	for (i = 0; i < m; i++)
		nb[i] = beta[i] + g[i];
	PG_RETURN_DATUM(risk_float8_array(nb, m));
}

PG_FUNCTION_INFO_V1(risk_logit_model_sql);
Datum
risk_logit_model_sql(PG_FUNCTION_ARGS)
{
	int			m;
	double	   *beta,
				l2;
	bool		intercept;
	double	   *v = step_args(fcinfo, &m, &beta, &intercept, &l2);
	int32		iterations = PG_GETARG_INT32(4);
	bool		converged = PG_GETARG_BOOL(5);
	double	   *h,
			   *g,
			   *se,
			   *z,
			   *pv,
				ll;
	Datum		d[11];
	bool		nulls[11];

	h = palloc(sizeof(double) * m * m);
	g = palloc(sizeof(double) * m);
	se = palloc(sizeof(double) * m);
	z = palloc(sizeof(double) * m);
	pv = palloc(sizeof(double) * m);
	rk_logit_newton_system(v + STEP_HDR, v + STEP_HDR + m, m, beta, intercept, l2, h, g);
	if (rk_logit_std_errors(h, m, se) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the information matrix is singular at the fit")));
	ll = v[2];
	rk_logit_wald(beta, se, m, z, pv);
	memset(nulls, 0, sizeof(nulls));
	d[0] = risk_float8_array(beta, m);
	d[1] = risk_float8_array(se, m);
	d[2] = risk_float8_array(z, m);
	d[3] = risk_float8_array(pv, m);
	d[4] = Float8GetDatum(ll);
	d[5] = Float8GetDatum(2.0 * m - 2.0 * ll);
	d[6] = Int64GetDatum((int64) v[1]);
	d[7] = Int32GetDatum(iterations);
	d[8] = BoolGetDatum(converged);
	d[9] = BoolGetDatum(intercept);
	d[10] = Float8GetDatum(l2);
	PG_RETURN_DATUM(risk_result_row(fcinfo, d, nulls, lengthof(d)));
}
