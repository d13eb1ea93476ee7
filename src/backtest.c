/*
 * backtest.c
 *     SQL face of the VaR backtests: Kupiec's proportion of failures,
 *     Christoffersen's independence and conditional coverage (an ordered
 *     aggregate over the exception indicator), and the Basel traffic light.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "core/backtest.h"
#include "risk.h"

/* ERROR unless 0 <= exceptions <= n and n > 0. */
static void
check_counts(int64 n, int64 x)
{
	if (n <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of observations must be positive, got " INT64_FORMAT, n)));
	if (x < 0 || x > n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of exceptions must be between 0 and " INT64_FORMAT ", got " INT64_FORMAT,
						n, x)));
}

PG_FUNCTION_INFO_V1(risk_kupiec_pof);
Datum
risk_kupiec_pof(PG_FUNCTION_ARGS)
{
	int64		n = PG_GETARG_INT64(0);
	int64		x = PG_GETARG_INT64(1);
	double		p = PG_GETARG_FLOAT8(2);
	Datum		values[2];
	double		lr;

	check_counts(n, x);
	risk_check_level(p, "confidence level");
	risk_raise(rk_kupiec_lr(n, x, 1.0 - p, &lr), "kupiec_pof");
	values[0] = Float8GetDatum(lr);
	values[1] = Float8GetDatum(rk_pchisq_upper(lr, 1.0));
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, NULL, lengthof(values)));
}

PG_FUNCTION_INFO_V1(risk_traffic_light);
Datum
risk_traffic_light(PG_FUNCTION_ARGS)
{
	static const char *const zones[] = {"green", "yellow", "red"};
	int64		x = PG_GETARG_INT64(0);
	int64		n = PG_GETARG_INT64(1);
	double		p = PG_GETARG_FLOAT8(2);
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	rk_zone	zone;
	double		cp,
				plus;
	int			plus_defined;

	check_counts(n, x);
	risk_check_level(p, "confidence level");
	risk_raise(rk_basel_zone(x, n, 1.0 - p, &zone, &cp, &plus, &plus_defined),
			   "traffic_light");
	values[0] = CStringGetTextDatum(zones[zone]);
	values[1] = Float8GetDatum(cp);
	values[2] = Float8GetDatum(plus);
	nulls[2] = !plus_defined;
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, nulls, lengthof(values)));
}

/* ---------------------------------------------------------------------
 * Christoffersen: an ordered aggregate over the exception indicator.
 * --------------------------------------------------------------------- */

typedef struct ChrisState
{
	int64		n;				/* observations */
	int64		x;				/* exceptions */
	int64		t[2][2];		/* transitions prev -> cur */
	int			prev;			/* last indicator, -1 before the first */
	RiskParam	level;			/* unbound when no level was given */
} ChrisState;

PG_FUNCTION_INFO_V1(risk_christoffersen_accum);
Datum
risk_christoffersen_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_christoffersen_accum");
	ChrisState *st = PG_ARGISNULL(0) ? NULL : (ChrisState *) PG_GETARG_POINTER(0);
	bool		has_p = PG_NARGS() > 2;
	int			cur;

	if (PG_ARGISNULL(1) || (has_p && PG_ARGISNULL(2)))
		RISK_RETURN_STATE(st);
	if (st == NULL)
	{
		risk_require_order(fcinfo, has_p ? "exception, 0.99" : "exception");
		st = MemoryContextAllocZero(ctx, sizeof(ChrisState));
		st->prev = -1;
	}
	if (has_p)
		risk_param_bind(&st->level, "confidence level", PG_GETARG_FLOAT8(2), NULL,
						risk_check_level);
	cur = PG_GETARG_BOOL(1) ? 1 : 0;
	if (st->prev >= 0)
		st->t[st->prev][cur]++;
	st->prev = cur;
	st->n++;
	st->x += cur;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_christoffersen_final);
Datum
risk_christoffersen_final(PG_FUNCTION_ARGS)
{
	ChrisState *st = PG_ARGISNULL(0) ? NULL : (ChrisState *) PG_GETARG_POINTER(0);
	Datum		values[12];
	bool		nulls[12];
	double		lr_ind,
				lr_uc;
	int			i;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	memset(nulls, 0, sizeof(nulls));
	lr_ind = rk_christoffersen_lr_ind(st->t[0][0], st->t[0][1],
										st->t[1][0], st->t[1][1]);
	values[0] = Int64GetDatum(st->n);
	values[1] = Int64GetDatum(st->x);
	values[2] = Int64GetDatum(st->t[0][0]);
	values[3] = Int64GetDatum(st->t[0][1]);
	values[4] = Int64GetDatum(st->t[1][0]);
	values[5] = Int64GetDatum(st->t[1][1]);
	values[6] = Float8GetDatum(lr_ind);
	values[7] = Float8GetDatum(rk_pchisq_upper(lr_ind, 1.0));
	if (!risk_param_bound(&st->level))
	{
		for (i = 8; i < 12; i++)
			nulls[i] = true;
	}
	else
	{
		risk_raise(rk_kupiec_lr(st->n, st->x, 1.0 - st->level.value, &lr_uc),
				   "christoffersen");
		values[8] = Float8GetDatum(lr_uc);
		values[9] = Float8GetDatum(rk_pchisq_upper(lr_uc, 1.0));
		values[10] = Float8GetDatum(lr_uc + lr_ind);
		values[11] = Float8GetDatum(rk_pchisq_upper(lr_uc + lr_ind, 2.0));
	}
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, nulls, lengthof(values)));
}
