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
#include "utils/float.h"

#include "valbuf.h"

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

/* ---- risk profile ----------------------------------------------------- */
