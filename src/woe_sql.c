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
		st = valbuf_new(ctx, (double) max_bins, 0);
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
	valbuf_reserve(st, ctx, 2);
	st->x[st->n++] = x;
	st->x[st->n++] = risk_get_flag(fcinfo, 2, "default flag") ? 1.0 : 0.0;
	st->nall++;
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
	risk_woe_bin bins[51];
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
	risk_status rc;
	TupleDesc	td;
	Datum		v[9];
	bool		nulls[9];

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	/* the binned pairs, and the missing values apart */
	pairs = palloc_extended(st->n * sizeof(double), MCXT_ALLOC_HUGE);
	for (r = 0; r < st->nall; r++)
	{
		double		x = st->x[2 * r],
					y = st->x[2 * r + 1];

		tb += y;
		tg += 1 - y;
		if (isnan(x))
		{
			mb += y > 0;
			mg += y == 0;
			continue;
		}
		pairs[2 * n] = x;
		pairs[2 * n + 1] = y;
		n++;
	}
	if (tb == 0 || tg == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("WOE needs both goods and bads, got %s", tb == 0 ? "no bad" : "no good")));
	if (n >= 2)
	{
		rc = risk_woe_binning(pairs, n, (int) st->param, st->param2, bins, &nb, &iv);
		if (rc != RISK_DEGENERATE)	/* binned rows of one class: one bin */
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
		woe[i] = risk_woe_of_counts((double) bads[i], (double) goods[i], tb, tg);
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
		woe[nb] = risk_woe_of_counts((double) mb, (double) mg, tb, tg);
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
