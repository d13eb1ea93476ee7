/*
 * evt.c
 *     SQL face of extreme value theory: GPD and GEV distribution functions,
 *     the gpd_fit aggregate (ML, PWM), the POT risk measures gpd_var and
 *     gpd_es, Hill's estimator and the mean-excess function.
 *
 * Inputs are loss amounts, positive = loss.  gpd_fit and hill keep their
 * group's values in a value buffer (valbuf.c), so they run in parallel like
 * the historical VaR; their final functions work on a copy and leave the
 * state as it was (READ_ONLY), which also lets them run over window frames.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "core/evt.h"
#include "core/quantile.h"
#include "risk.h"
#include "valbuf.h"

#define GPD_MLE 0
#define GPD_PWM 1
#define GPD_MIN_EXCEED 3

/* ERROR unless a scale parameter is finite and positive. */
static void
check_scale(double s, const char *name)
{
	if (!(s > 0) || !isfinite(s))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a positive finite number, got %s",
						name, float8out_internal(s))));
}

/* ---------------------------------------------------------------------
 * Distribution functions
 * --------------------------------------------------------------------- */

typedef enum DistFn
{
	GPD_CDF, GPD_PDF, GPD_QUANTILE, GEV_CDF, GEV_PDF, GEV_QUANTILE
} DistFn;

/*
 * The six distribution functions: argument 0 is x (or p for a quantile),
 * then xi and, for the GPD, beta and the threshold; for the GEV, mu and
 * sigma.  Every argument is checked before the core is called.
 */
static Datum
dist_fn(FunctionCallInfo fcinfo, DistFn fn)
{
	double		x = PG_GETARG_FLOAT8(0),
				xi = PG_GETARG_FLOAT8(1),
				a2 = PG_GETARG_FLOAT8(2),
				a3 = PG_GETARG_FLOAT8(3);
	bool		gpd = fn <= GPD_QUANTILE;

	if (fn == GPD_QUANTILE || fn == GEV_QUANTILE)
		risk_check_probability(x, "probability");
	else
		risk_check_finite(x, "x");
	risk_check_finite(xi, "xi");
	if (gpd)
	{
		check_scale(a2, "beta");
		risk_check_finite(a3, "threshold");
	}
	else
	{
		risk_check_finite(a2, "mu");
		check_scale(a3, "sigma");
	}
	switch (fn)
	{
		case GPD_CDF:
			PG_RETURN_FLOAT8(rk_gpd_cdf(x - a3, xi, a2));
		case GPD_PDF:
			PG_RETURN_FLOAT8(rk_gpd_pdf(x - a3, xi, a2));
		case GPD_QUANTILE:
			PG_RETURN_FLOAT8(a3 + rk_gpd_quantile(x, xi, a2));
		case GEV_CDF:
			PG_RETURN_FLOAT8(rk_gev_cdf(x, xi, a2, a3));
		case GEV_PDF:
			PG_RETURN_FLOAT8(rk_gev_pdf(x, xi, a2, a3));
		case GEV_QUANTILE:
			PG_RETURN_FLOAT8(rk_gev_quantile(x, xi, a2, a3));
	}
	PG_RETURN_NULL();
}

#define DIST_SQL(name, fn) \
PG_FUNCTION_INFO_V1(name); \
Datum name(PG_FUNCTION_ARGS) { return dist_fn(fcinfo, fn); }

DIST_SQL(risk_gpd_cdf_sql, GPD_CDF)
DIST_SQL(risk_gpd_pdf_sql, GPD_PDF)
DIST_SQL(risk_gpd_quantile_sql, GPD_QUANTILE)
DIST_SQL(risk_gev_cdf_sql, GEV_CDF)
DIST_SQL(risk_gev_pdf_sql, GEV_PDF)
DIST_SQL(risk_gev_quantile_sql, GEV_QUANTILE)

PG_FUNCTION_INFO_V1(risk_gev_return_level_sql);
Datum
risk_gev_return_level_sql(PG_FUNCTION_ARGS)
{
	double		period = PG_GETARG_FLOAT8(0),
				xi = PG_GETARG_FLOAT8(1),
				mu = PG_GETARG_FLOAT8(2),
				sigma = PG_GETARG_FLOAT8(3);

	if (!(period > 1) || !isfinite(period))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("return period must be a finite number above 1, got %s",
						float8out_internal(period)),
				 errhint("The period counts blocks: 100 for the 100-year level of yearly maxima.")));
	risk_check_finite(xi, "xi");
	risk_check_finite(mu, "mu");
	check_scale(sigma, "sigma");
	PG_RETURN_FLOAT8(rk_gev_quantile(1.0 - 1.0 / period, xi, mu, sigma));
}

/* ---------------------------------------------------------------------
 * gpd_fit: value buffer of the excesses over the threshold; param[0] the
 * threshold (gpd_fit_quantile: its quantile q), param[1] the method
 * --------------------------------------------------------------------- */

static const char *const gpd_methods[] = {"mle", "pwm"};	/* GPD_MLE, GPD_PWM */

/*
 * Transition of gpd_fit(loss, threshold [, method]) and, with quantile, of
 * gpd_fit_quantile(loss, q [, method]) (see below), whose state keeps
 * every loss.
 */
static Datum
gpd_accum(FunctionCallInfo fcinfo, bool quantile)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_gpd_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		x,
				u;
	int32		method = GPD_MLE;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	x = PG_GETARG_FLOAT8(1);
	u = PG_GETARG_FLOAT8(2);
	risk_check_finite(x, "loss");
	if (st == NULL)
		st = valbuf_new(ctx);
	if (quantile)
		risk_param_bind(&st->param[0], "threshold quantile", u, NULL, risk_check_probability);
	else
		risk_param_bind(&st->param[0], "threshold", u, NULL, risk_check_finite);
	if (PG_NARGS() > 3)
		method = risk_choice(PG_GETARG_TEXT_PP(3), gpd_methods, 2, "GPD fitting method",
							 "Use 'mle' (maximum likelihood) or 'pwm' (probability-weighted moments).");
	risk_param_bind(&st->param[1], "method", method, gpd_methods[method], NULL);
	if (quantile)
		valbuf_add(st, ctx, x, true, x);
	else
		valbuf_add(st, ctx, x, x > u, x - u);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_gpd_accum);
Datum
risk_gpd_accum(PG_FUNCTION_ARGS)
{
	return gpd_accum(fcinfo, false);
}

/* Fit the state's excesses; ERROR for what no fit can be made of. */
static void
gpd_fit_state(ValBuf *st, rk_gpd_fit *fit)
{
	double	   *y;

	if (st->n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold %s is not below any loss", float8out_internal(st->param[0].value)),
				 errdetail("The largest of " INT64_FORMAT " losses is %s.",
						   st->nall, float8out_internal(st->maxall)),
				 errhint("Choose a threshold from the mean-excess plot (risk.mean_excess), typically a high quantile.")));
	if (st->n < GPD_MIN_EXCEED)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a GPD fit needs at least %d losses above the threshold, got " INT64_FORMAT,
						GPD_MIN_EXCEED, st->n),
				 errhint("Lower the threshold %s.", float8out_internal(st->param[0].value))));
	/* the fits work on a copy: the state stays as it was */
	y = palloc_extended(st->n * sizeof(double), MCXT_ALLOC_HUGE);
	memcpy(y, st->x, st->n * sizeof(double));
	if (st->param[1].value == GPD_PWM)
	{
		rk_status rc = rk_gpd_fit_pwm(y, st->n, fit);

		if (rc == RK_DEGENERATE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("probability-weighted moments are undefined for these excesses"),
					 errdetail("The tail is too heavy (xi >= 1) for the estimator.")));
		risk_raise(rc, "gpd_fit");
	}
	else
		risk_raise(rk_gpd_fit_mle(y, st->n, fit), "gpd_fit");
	pfree(y);
}

/* The risk.gpd_model of a state of excesses over its threshold. */
static Datum
gpd_model_datum(FunctionCallInfo fcinfo, ValBuf *st)
{
	Datum		v[10];
	bool		nulls[10];
	rk_gpd_fit fit;

	gpd_fit_state(st, &fit);
	memset(nulls, 0, sizeof(nulls));
	v[0] = Float8GetDatum(fit.xi);
	nulls[0] = !isfinite(fit.xi);
	v[1] = Float8GetDatum(fit.beta);
	nulls[1] = !isfinite(fit.beta);
	v[2] = Float8GetDatum(st->param[0].value);
	v[3] = Int64GetDatum(st->nall);
	v[4] = Int64GetDatum(st->n);
	v[5] = Float8GetDatum(fit.se_xi);
	nulls[5] = !isfinite(fit.se_xi);
	v[6] = Float8GetDatum(fit.se_beta);
	nulls[6] = !isfinite(fit.se_beta);
	v[7] = Float8GetDatum(fit.loglik);
	nulls[7] = !isfinite(fit.loglik);
	v[8] = CStringGetTextDatum(gpd_methods[(int) st->param[1].value]);
	v[9] = BoolGetDatum(fit.converged != 0);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, lengthof(v)));
}

PG_FUNCTION_INFO_V1(risk_gpd_fit_final);
Datum
risk_gpd_fit_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	return gpd_model_datum(fcinfo, st);
}

/*
 * gpd_fit_quantile(loss, q [, method]): the threshold is the type-7
 * quantile at q of the group's own losses (percentile_cont(q)), found in
 * the final function, so one pass over the rows fits the tail.  The state
 * keeps every loss.
 */
PG_FUNCTION_INFO_V1(risk_gpd_q_accum);
Datum
risk_gpd_q_accum(PG_FUNCTION_ARGS)
{
	return gpd_accum(fcinfo, true);
}

PG_FUNCTION_INFO_V1(risk_gpd_q_final);
Datum
risk_gpd_q_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	ValBuf		tail;
	double	   *work,
				var,
				u;
	int64		i;

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	/* the threshold: -VaR at tail probability q is the q-quantile */
	work = palloc_extended(st->n * sizeof(double), MCXT_ALLOC_HUGE);
	memcpy(work, st->x, st->n * sizeof(double));
	risk_raise(rk_hist_var_es(work, st->n, st->param[0].value, &var, NULL), "gpd_fit_quantile");
	u = -var;
	memset(&tail, 0, sizeof(tail));
	risk_param_bind(&tail.param[0], "threshold", u, NULL, NULL);
	tail.param[1] = st->param[1];
	tail.nall = st->nall;
	tail.maxall = st->maxall;
	tail.x = work;
	for (i = 0; i < st->n; i++)
		if (st->x[i] > u)
			work[tail.n++] = st->x[i] - u;
	tail.cap = tail.n;
	return gpd_model_datum(fcinfo, &tail);
}

/* Read a risk.gpd_model: xi, beta, threshold, n, n_exceed; ERROR if unfit. */
static void
gpd_model_get(HeapTupleHeader rec, rk_gpd_fit *fit, double *u, int64 *n, int64 *k)
{
	bool		isnull[5];
	Datum		d[5];
	static const char *const names[] = {"xi", "beta", "threshold", "n", "n_exceed"};
	int			i;

	for (i = 0; i < 5; i++)
		d[i] = GetAttributeByName(rec, names[i], &isnull[i]);
	if (isnull[0] || isnull[1])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the GPD model has no estimates"),
				 errdetail("Its fit did not converge (xi <= -1 or no interior maximum)."),
				 errhint("Check the column converged of risk.gpd_fit, or fit with method 'pwm'.")));
	for (i = 2; i < 5; i++)
		if (isnull[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the GPD model lacks %s", names[i])));
	fit->xi = DatumGetFloat8(d[0]);
	fit->beta = DatumGetFloat8(d[1]);
	*u = DatumGetFloat8(d[2]);
	*n = DatumGetInt64(d[3]);
	*k = DatumGetInt64(d[4]);
	risk_check_finite(fit->xi, "xi");
	check_scale(fit->beta, "beta");
	risk_check_finite(*u, "threshold");
	if (*k <= 0 || *n < *k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the GPD model needs 0 < n_exceed <= n, got n_exceed " INT64_FORMAT " and n " INT64_FORMAT,
						*k, *n)));
}

static Datum
gpd_risk(FunctionCallInfo fcinfo, bool want_es)
{
	HeapTupleHeader rec = PG_GETARG_HEAPTUPLEHEADER(0);
	double		p = PG_GETARG_FLOAT8(1);
	rk_gpd_fit fit;
	double		u,
				var,
				es;
	int64		n,
				k;
	rk_status rc;

	risk_check_level(p, "confidence level");
	gpd_model_get(rec, &fit, &u, &n, &k);
	rc = rk_gpd_var_es(&fit, u, n, k, p, &var, want_es ? &es : NULL);
	if (rc == RK_TOO_FEW)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence level %s is not in the fitted tail", float8out_internal(p)),
				 errdetail("The threshold is exceeded by " INT64_FORMAT " of " INT64_FORMAT " losses, so the tail starts at %s.",
						   k, n, float8out_internal(1.0 - (double) k / (double) n)),
				 errhint("Ask for a higher level or fit with a lower threshold.")));
	if (rc == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected shortfall is infinite for xi >= 1, got xi = %s",
						float8out_internal(fit.xi))));
	risk_raise(rc, want_es ? "gpd_es" : "gpd_var");
	PG_RETURN_FLOAT8(want_es ? es : var);
}

PG_FUNCTION_INFO_V1(risk_gpd_var_sql);
Datum
risk_gpd_var_sql(PG_FUNCTION_ARGS)
{
	return gpd_risk(fcinfo, false);
}

PG_FUNCTION_INFO_V1(risk_gpd_es_sql);
Datum
risk_gpd_es_sql(PG_FUNCTION_ARGS)
{
	return gpd_risk(fcinfo, true);
}

/* ---------------------------------------------------------------------
 * gev_fit: value buffer of the block maxima
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(risk_gev_accum);
Datum
risk_gev_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_gev_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		x;

	if (PG_ARGISNULL(1))
		RISK_RETURN_STATE(st);
	x = PG_GETARG_FLOAT8(1);
	risk_check_finite(x, "block maximum");
	if (st == NULL)
		st = valbuf_new(ctx);
	valbuf_add(st, ctx, x, true, x);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_gev_fit_final);
Datum
risk_gev_fit_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	Datum		v[9];
	bool		nulls[9];
	rk_gev_fit fit;
	double	   *work;
	rk_status rc;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	work = palloc_extended(st->n * sizeof(double), MCXT_ALLOC_HUGE);
	rc = rk_gev_fit_mle(st->x, st->n, work, &fit);
	pfree(work);
	if (rc == RK_TOO_FEW)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a GEV fit needs at least 5 block maxima, got " INT64_FORMAT, st->n)));
	if (rc == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a GEV fit needs block maxima that are not all equal")));
	risk_raise(rc, "gev_fit");
	memset(nulls, 0, sizeof(nulls));
	v[0] = Float8GetDatum(fit.xi);
	v[1] = Float8GetDatum(fit.mu);
	v[2] = Float8GetDatum(fit.sigma);
	v[3] = Float8GetDatum(fit.se_xi);
	nulls[3] = !isfinite(fit.se_xi);
	v[4] = Float8GetDatum(fit.se_mu);
	nulls[4] = !isfinite(fit.se_mu);
	v[5] = Float8GetDatum(fit.se_sigma);
	nulls[5] = !isfinite(fit.se_sigma);
	v[6] = Float8GetDatum(fit.loglik);
	nulls[6] = !isfinite(fit.loglik);
	v[7] = Int64GetDatum(st->n);
	v[8] = BoolGetDatum(fit.converged != 0);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, lengthof(v)));
}

/* ---------------------------------------------------------------------
 * hill: value buffer of the losses, param[0] = k
 * --------------------------------------------------------------------- */

static void
check_k(double k, const char *name)
{
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least 1, got %d", name, (int) k)));
}

PG_FUNCTION_INFO_V1(risk_hill_accum);
Datum
risk_hill_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_hill_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		x;
	int32		k;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	x = PG_GETARG_FLOAT8(1);
	k = PG_GETARG_INT32(2);
	risk_check_finite(x, "loss");
	if (st == NULL)
		st = valbuf_new(ctx);
	risk_param_bind(&st->param[0], "k", (double) k, NULL, check_k);
	valbuf_add(st, ctx, x, true, x);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_hill_final);
Datum
risk_hill_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	Datum		v[5];
	bool		nulls[5] = {false, false, false, false, false};
	int64		k;
	double		xi,
				u,
			   *x;
	rk_status rc;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	k = (int64) st->param[0].value;
	if (st->n < k + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Hill's estimator with k = " INT64_FORMAT " needs at least " INT64_FORMAT " losses, got " INT64_FORMAT,
						k, k + 1, st->n)));
	x = palloc_extended(st->n * sizeof(double), MCXT_ALLOC_HUGE);
	memcpy(x, st->x, st->n * sizeof(double));
	rc = rk_hill(x, st->n, k, &xi, &u);
	pfree(x);
	if (rc == RK_BADARG)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Hill's estimator needs the " INT64_FORMAT " largest losses and the next one to be positive", k),
				 errdetail("The loss ranked " INT64_FORMAT " from the top is %s.",
						   k + 1, float8out_internal(u)),
				 errhint("Use a smaller k.")));
	risk_raise(rc, "hill");
	v[0] = Float8GetDatum(xi);
	v[1] = Float8GetDatum(1.0 / xi);
	nulls[1] = !(xi > 0);
	v[2] = Float8GetDatum(rk_hill_se(xi, k));
	v[3] = Int32GetDatum((int32) k);
	v[4] = Float8GetDatum(u);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, lengthof(v)));
}

/* ---------------------------------------------------------------------
 * mean_excess: float8[] = {m, u[m], n[m], s[m], c[m]} (c: compensation)
 * --------------------------------------------------------------------- */

#define ME_MAX_THRESHOLDS 10000

/* The state's values and m, checked; NULL (m = 0) before the first row. */
static double *
me_values(ArrayType *a, int *m)
{
	int			len;
	double	   *v = risk_float8_values(a, "aggregate state", -1, &len);

	*m = 0;
	if (v == NULL)
		return NULL;
	if (v[0] >= 1 && v[0] <= ME_MAX_THRESHOLDS)
		*m = (int) v[0];
	if (len != 1 + 4 * *m || *m == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("malformed aggregate state of %d values", len),
				 errdetail("A mean_excess state is {m, u[m], n[m], s[m], c[m]} with m from 1 to %d.",
						   ME_MAX_THRESHOLDS)));
	return v;
}

PG_FUNCTION_INFO_V1(risk_mean_excess_accum);
Datum
risk_mean_excess_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	double		x = PG_GETARG_FLOAT8(1);
	ArrayType  *th = PG_GETARG_ARRAYTYPE_P(2);
	int			m,
				nth,
				j;
	double	   *v,
			   *u;

	risk_agg_context(fcinfo, "risk_mean_excess_accum");
	risk_check_finite(x, "loss");
	if (ARR_NDIM(th) != 1 || ARR_HASNULL(th) || ARR_ELEMTYPE(th) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("thresholds must be a one-dimensional float8 array without NULLs")));
	nth = ARR_DIMS(th)[0];
	u = (double *) ARR_DATA_PTR(th);
	v = me_values(a, &m);
	if (v == NULL)
	{
		/* first row: lay out the state from the thresholds */
		MemoryContext ctx = risk_agg_context(fcinfo, "risk_mean_excess_accum");
		MemoryContext old;
		Datum	   *d;

		if (nth < 1 || nth > ME_MAX_THRESHOLDS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("between 1 and %d thresholds are needed, got %d",
							ME_MAX_THRESHOLDS, nth)));
		for (j = 0; j < nth; j++)
			risk_check_finite(u[j], "threshold");
		old = MemoryContextSwitchTo(ctx);
		d = palloc0((1 + 4 * nth) * sizeof(Datum));
		d[0] = Float8GetDatum((double) nth);
		for (j = 0; j < nth; j++)
		{
			d[1 + j] = Float8GetDatum(u[j]);
			d[1 + nth + j] = Float8GetDatum(0.0);
			d[1 + 2 * nth + j] = Float8GetDatum(0.0);
			d[1 + 3 * nth + j] = Float8GetDatum(0.0);
		}
		a = construct_array(d, 1 + 4 * nth, FLOAT8OID, sizeof(float8),
							FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
		MemoryContextSwitchTo(old);
		v = me_values(a, &m);
	}
	else if (nth != m || memcmp(u, v + 1, m * sizeof(double)) != 0)
		risk_param_mismatch("thresholds", NULL, NULL, false);
	for (j = 0; j < m; j++)
		if (x > v[1 + j])
		{
			v[1 + m + j] += 1.0;
			rk_sum_add(&v[1 + 2 * m + j], &v[1 + 3 * m + j], x - v[1 + j]);
		}
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_mean_excess_combine);
Datum
risk_mean_excess_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			ma,
				mb,
				j;
	double	   *va,
			   *vb;

	risk_agg_context(fcinfo, "risk_mean_excess_combine");
	va = me_values(a, &ma);
	vb = me_values(b, &mb);
	if (vb == NULL)
		PG_RETURN_ARRAYTYPE_P(a);
	if (va == NULL)
		PG_RETURN_ARRAYTYPE_P(b);
	if (ma != mb || memcmp(va + 1, vb + 1, ma * sizeof(double)) != 0)
		risk_param_mismatch("thresholds", NULL, NULL, true);
	for (j = 0; j < ma; j++)
	{
		va[1 + ma + j] += vb[1 + ma + j];
		rk_sum_add(&va[1 + 2 * ma + j], &va[1 + 3 * ma + j], vb[1 + 2 * ma + j]);
		va[1 + 3 * ma + j] += vb[1 + 3 * ma + j];
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_mean_excess_final);
Datum
risk_mean_excess_final(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	/*
	 * The result type from the catalog (the function's declared return
	 * type), not from the call expression: a caller through fmgr alone (a
	 * distributed engine combining partial states) passes none.
	 */
	Oid			arraytype = get_func_rettype(fcinfo->flinfo->fn_oid);
	Oid			elemtype = get_element_type(arraytype);
	TupleDesc	td;
	Datum	   *elems;
	double	   *v;
	int			m,
				j;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	v = me_values(a, &m);
	if (v == NULL)
		PG_RETURN_NULL();
	if (!OidIsValid(elemtype))
		elog(ERROR, "mean_excess: return type must be an array of a row type");
	td = lookup_rowtype_tupdesc_copy(elemtype, -1);
	td = BlessTupleDesc(td);
	elems = palloc(m * sizeof(Datum));
	for (j = 0; j < m; j++)
	{
		Datum		f[3];
		bool		nulls[3] = {false, false, false};
		double		cnt = v[1 + m + j];

		f[0] = Float8GetDatum(v[1 + j]);
		f[1] = Int64GetDatum((int64) cnt);
		f[2] = Float8GetDatum((v[1 + 2 * m + j] + v[1 + 3 * m + j]) / cnt);
		nulls[2] = !(cnt > 0);
		elems[j] = HeapTupleGetDatum(heap_form_tuple(td, f, nulls));
	}
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, m, elemtype, typlen, typbyval, typalign));
}
