/*
 * garch.c
 *     SQL face of GARCH(1,1): the garch_fit aggregate and the conditional
 *     VaR/ES aggregates var/es_garch, var/es_fhs, var/es_evt_conditional.
 *
 * Returns are profit positive, VaR and ES positive losses.  Every one of
 * these is order-dependent: rows are taken in the aggregate's ORDER BY (or
 * the window's), kept in a value buffer, and the final function fits on a
 * copy, leaving the state as it was, so the aggregates also run over window
 * frames ("the last 500 days"), refitting each frame.  There is no combine
 * function: partial states of an ordered series cannot be merged.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "core/garch.h"
#include "risk.h"
#include "valbuf.h"

#define GARCH_MIN_ROWS 10
#define EVT_MIN_ROWS 30

static const char *const garch_dists[] = {"norm", "std"};	/* RK_GARCH_NORM, _STD */

/*
 * Transition of garch_fit(r [, dist]) (has_level false) and of the
 * conditional measures (r, p) (has_level true).  param[0] is the
 * distribution of garch_fit, the level of the conditional measures.
 */
static Datum
garch_accum(FunctionCallInfo fcinfo, bool has_level)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_garch_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		r;
	int32		dist = RK_GARCH_NORM;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	r = PG_GETARG_FLOAT8(1);
	risk_check_finite(r, "return");
	if (!has_level && PG_NARGS() > 2)
		dist = risk_choice(PG_GETARG_TEXT_PP(2), garch_dists, 2, "innovation distribution",
						   "Use 'norm' (normal) or 'std' (Student t with unit variance).");
	if (st == NULL)
	{
		risk_require_order(fcinfo, has_level ? "r, 0.99" : (PG_NARGS() > 2 ? "r, 'std'" : "r"));
		st = valbuf_new(ctx);
	}
	if (has_level)
		risk_param_bind(&st->param[0], "confidence level", PG_GETARG_FLOAT8(2), NULL,
						risk_check_level);
	else
		risk_param_bind(&st->param[0], "distribution", dist, garch_dists[dist], NULL);
	valbuf_add(st, ctx, r, true, r);
	PG_RETURN_POINTER(st);
}

/* (r) and (r, dist): garch_fit */
PG_FUNCTION_INFO_V1(risk_garch_accum_dist);
Datum
risk_garch_accum_dist(PG_FUNCTION_ARGS)
{
	return garch_accum(fcinfo, false);
}

/* (r, p): var/es_garch, var/es_fhs, var/es_evt_conditional */
PG_FUNCTION_INFO_V1(risk_garch_accum_level);
Datum
risk_garch_accum_level(PG_FUNCTION_ARGS)
{
	return garch_accum(fcinfo, true);
}

/*
 * The entry point of a 0.2.1 catalog not yet updated (ALTER EXTENSION risk
 * UPDATE): one C function for both forms, told apart by the call's
 * argument type.  0.2.2 points the SQL functions at the two above, which
 * need no call expression.
 */
PG_FUNCTION_INFO_V1(risk_garch_accum);
Datum
risk_garch_accum(PG_FUNCTION_ARGS)
{
	return garch_accum(fcinfo, get_fn_expr_argtype(fcinfo->flinfo, 2) == FLOAT8OID);
}

/* Fit the buffered series; false when it is too short or constant. */
static bool
fit_state(ValBuf *st, rk_garch_dist dist, rk_garch_fit *fit, double **resid)
{
	double	   *work;
	rk_status rc;

	if (st->n < GARCH_MIN_ROWS)
		return false;
	work = palloc_extended(st->n * sizeof(double), MCXT_ALLOC_HUGE);
	rc = rk_garch_fit_mle(st->x, st->n, dist, work, fit);
	if (rc == RK_DEGENERATE || rc == RK_TOO_FEW)
	{
		pfree(work);
		return false;
	}
	risk_raise(rc, "garch_fit");
	*resid = work;
	return true;
}

PG_FUNCTION_INFO_V1(risk_garch_fit_final);
Datum
risk_garch_fit_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	rk_garch_fit fit;
	double	   *resid;
	Datum		v[15];
	bool		nulls[15];
	int			j;

	if (st == NULL || !fit_state(st, (rk_garch_dist) st->param[0].value, &fit, &resid))
		PG_RETURN_NULL();
	pfree(resid);
	memset(nulls, 0, sizeof(nulls));
	v[0] = Float8GetDatum(fit.mu);
	v[1] = Float8GetDatum(fit.omega);
	v[2] = Float8GetDatum(fit.alpha);
	v[3] = Float8GetDatum(fit.beta);
	v[4] = Float8GetDatum(fit.nu);
	nulls[4] = isnan(fit.nu);
	for (j = 0; j < 5; j++)
	{
		v[5 + j] = Float8GetDatum(fit.se[j]);
		nulls[5 + j] = !isfinite(fit.se[j]);
	}
	v[10] = Float8GetDatum(fit.loglik);
	nulls[10] = !isfinite(fit.loglik);
	v[11] = Float8GetDatum(fit.sigma_forecast);
	v[12] = Int64GetDatum(st->n);
	v[13] = CStringGetTextDatum(garch_dists[(int) st->param[0].value]);
	v[14] = BoolGetDatum(fit.converged != 0);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, lengthof(v)));
}

static const char *const cond_names[3][2] = {
	{"var_garch", "es_garch"}, {"var_fhs", "es_fhs"},
	{"var_evt_conditional", "es_evt_conditional"}
};

/* One conditional measure from the state: NULL when too few rows. */
static Datum
cond_final(FunctionCallInfo fcinfo, rk_cond_method method, bool want_es)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	rk_garch_fit fit;
	double	   *resid,
				var,
				es;
	rk_status rc;

	if (st == NULL || (method == RK_COND_EVT && st->n < EVT_MIN_ROWS))
		PG_RETURN_NULL();
	if (!fit_state(st, RK_GARCH_NORM, &fit, &resid))
		PG_RETURN_NULL();
	rc = rk_conditional_var_es(&fit, resid, st->n, 1.0 - st->param[0].value, method, &var, &es);
	pfree(resid);
	/* too short a series, or a residual tail with no fit: NULL, as documented */
	if (rc == RK_TOO_FEW || rc == RK_NOTFOUND)
		PG_RETURN_NULL();
	risk_raise(rc, want_es ? cond_names[method][1] : cond_names[method][0]);
	if (want_es && !isfinite(es))
		PG_RETURN_NULL();		/* xi >= 1: no finite expected shortfall */
	PG_RETURN_FLOAT8(want_es ? es : var);
}

#define COND_FINAL(name, method, es) \
PG_FUNCTION_INFO_V1(name); \
Datum name(PG_FUNCTION_ARGS) { return cond_final(fcinfo, method, es); }

COND_FINAL(risk_var_garch_final, RK_COND_GARCH, false)
COND_FINAL(risk_es_garch_final, RK_COND_GARCH, true)
COND_FINAL(risk_var_fhs_final, RK_COND_FHS, false)
COND_FINAL(risk_es_fhs_final, RK_COND_FHS, true)
COND_FINAL(risk_var_evt_final, RK_COND_EVT, false)
COND_FINAL(risk_es_evt_final, RK_COND_EVT, true)
