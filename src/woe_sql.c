/*
 * woe_sql.c
 *     SQL face of scorecard building: the woe_bins aggregate, risk.woe (the
 *     WOE of a value in a binning) and the points scaling.
 *
 * woe_bins keeps (x, bad) pairs in a value buffer (parallel); a NULL x is a
 * missing value and gets its own bin, kept out of the merging.  The result
 * is a risk.woe_binning composite with one array element per bin, the
 * missing bin last when there is one.
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
	{
		if (max_bins < 1 || max_bins > 50)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_bins must be between 1 and 50, got %d", max_bins)));
		if (!(min_share >= 0 && min_share < 0.5))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("min_share must be at least 0 and below 0.5, got %s", float8out_internal(min_share))));
		st = valbuf_new_flagged(ctx, (double) max_bins, 0);
		st->param2 = min_share;
	}
	else if (st->param != (double) max_bins || st->param2 != min_share)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_bins and min_share must be the same for every row of a group")));
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
	TupleDesc	td;
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
		rc = rk_woe_binning(pairs, n, (int) st->param, st->param2, bins, &nb, &iv);
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
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "woe_bins: return type must be a row type");
	td = BlessTupleDesc(td);
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
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, v, nulls)));
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
				pdo = PG_GETARG_FLOAT8(3);

	if (!(float8_gt(pd, 0) && float8_lt(pd, 1)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a PD must be between 0 and 1 exclusive, got %s", float8out_internal(pd)),
				 risk_pd_hint(pd, true)));
	check_odds(base_odds, pdo);
	/* base_points + pdo / ln(2) * (ln((1 - pd) / pd) - ln(base_odds)) */
	PG_RETURN_FLOAT8(float8_pl(base_points,
							   float8_mul(float8_div(pdo, log(2.0)),
										  float8_mi(log(float8_div(float8_mi(1, pd), pd)),
													log(base_odds)))));
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
				factor;

	if (nc < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_characteristics must be at least 1, got %d", nc)));
	check_odds(base_odds, pdo);
	/*
	 * (base_points - pdo / ln(2) * ln(base_odds)) / n
	 *     - pdo / ln(2) * (coefficient * woe + intercept / n)
	 */
	factor = float8_div(pdo, log(2.0));
	PG_RETURN_FLOAT8(float8_mi(float8_div(float8_mi(base_points, float8_mul(factor, log(base_odds))),
										  (double) nc),
							   float8_mul(factor,
										  float8_pl(float8_mul(coefficient, woe),
													float8_div(intercept, (double) nc)))));
}
