/*
 * oprisk.c
 *     SQL face of the loss distribution approach: severity_fit and
 *     frequency_fit aggregates, lda_simulate (measures of the simulated
 *     annual loss distribution) and lda_simulate_losses (the annual losses
 *     themselves, for plotting), and sla_var.
 *
 * Families and their parameter arrays: 'poisson' {lambda}, 'negbin' {size,
 * mu}; 'lognormal' {meanlog, sdlog}, 'weibull' {shape, scale}, 'gamma'
 * {shape, rate}, 'gpd' {xi, beta}.  Losses are positive amounts.  A
 * simulation is bounded (LDA_MAX_YEARS years, LDA_MAX_DRAWS expected
 * severity draws) and checks for interrupts as it goes.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/tuplestore.h"

#include "core/oprisk.h"
#include "risk.h"
#include "valbuf.h"

#define LDA_MIN_YEARS 100
#define LDA_MAX_YEARS 10000000
#define LDA_MAX_DRAWS 2e9

static const char *const sev_names[] = {"lognormal", "weibull", "gamma", "gpd"};
static const char *const freq_names[] = {"poisson", "negbin"};

static int
family_code(text *t, const char *const *names, int nnames, const char *what)
{
	return risk_choice(t, names, nnames, psprintf("%s family", what),
					   nnames == 4 ? "Use 'lognormal', 'weibull', 'gamma' or 'gpd'."
					   : "Use 'poisson' or 'negbin'.");
}

/* The family's parameters from a float8[] of exactly `want` finite values. */
static void
get_params(ArrayType *a, int want, const char *family, double *p)
{
	int			n;
	int			i;
	double	   *v = risk_float8_values(a, "parameters", -1, &n);

	if (n != want)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("family %s takes %d parameter%s, got %d", family, want,
						want == 1 ? "" : "s", n)));
	for (i = 0; i < n; i++)
	{
		p[i] = v[i];
		risk_check_finite(p[i], "parameter");
	}
}

static rk_sev_family
get_severity(text *fam, ArrayType *params, double *s1, double *s2)
{
	rk_sev_family sf = (rk_sev_family) family_code(fam, sev_names, 4, "severity");
	double		p[2];

	get_params(params, 2, sev_names[sf], p);
	if (rk_severity_check(sf, p[0], p[1]) != RK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s parameters {%s,%s}", sev_names[sf],
						float8out_internal(p[0]), float8out_internal(p[1])),
				 errhint("lognormal {meanlog, sdlog > 0}; weibull {shape > 0, scale > 0}; gamma {shape > 0, rate > 0}; gpd {xi, beta > 0}.")));
	*s1 = p[0];
	*s2 = p[1];
	return sf;
}

static rk_freq_family
get_frequency(text *fam, ArrayType *params, double *f1, double *f2)
{
	rk_freq_family ff = (rk_freq_family) family_code(fam, freq_names, 2, "frequency");
	double		p[2] = {0, 0};

	get_params(params, ff == RK_FREQ_POISSON ? 1 : 2, freq_names[ff], p);
	if (!(p[0] > 0) || (ff == RK_FREQ_NEGBIN && !(p[1] > 0)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s parameters: they must be positive", freq_names[ff]),
				 errhint("poisson {lambda > 0}; negbin {size > 0, mu > 0}.")));
	*f1 = p[0];
	*f2 = p[1];
	return ff;
}

/* ---------------------------------------------------------------------
 * severity_fit and frequency_fit: value buffers, param[0] = the family
 * --------------------------------------------------------------------- */

static Datum
fit_accum(FunctionCallInfo fcinfo, bool severity)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_fit_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		x;
	int			fam;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	if (severity)
	{
		x = PG_GETARG_FLOAT8(1);
		risk_check_finite(x, "loss");
		if (!(x > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a severity fit needs positive losses, got %s", float8out_internal(x))));
		fam = family_code(PG_GETARG_TEXT_PP(2), sev_names, 4, "severity");
	}
	else
	{
		int64		c = PG_GETARG_INT64(1);

		if (c < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a loss count must not be negative, got " INT64_FORMAT, c)));
		x = (double) c;
		fam = family_code(PG_GETARG_TEXT_PP(2), freq_names, 2, "frequency");
	}
	if (st == NULL)
		st = valbuf_new(ctx);
	risk_param_bind(&st->param[0], "family", fam, severity ? sev_names[fam] : freq_names[fam], NULL);
	valbuf_add(st, ctx, x, true, x);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_severity_accum);
Datum
risk_severity_accum(PG_FUNCTION_ARGS)
{
	return fit_accum(fcinfo, true);
}

PG_FUNCTION_INFO_V1(risk_frequency_accum);
Datum
risk_frequency_accum(PG_FUNCTION_ARGS)
{
	return fit_accum(fcinfo, false);
}

static Datum
fit_result(FunctionCallInfo fcinfo, const char *family, const rk_dist_fit *fit,
		   int nparams, int64 n)
{
	Datum		v[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};

	v[0] = CStringGetTextDatum(family);
	v[1] = Float8GetDatum(fit->p1);
	nulls[1] = !isfinite(fit->p1);
	v[2] = Float8GetDatum(fit->p2);
	nulls[2] = nparams < 2 || !isfinite(fit->p2);
	v[3] = Float8GetDatum(fit->loglik);
	nulls[3] = !isfinite(fit->loglik);
	v[4] = Float8GetDatum(2.0 * nparams - 2.0 * fit->loglik);
	nulls[4] = !isfinite(fit->loglik);
	v[5] = Int64GetDatum(n);
	v[6] = BoolGetDatum(fit->converged != 0);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, lengthof(v)));
}

PG_FUNCTION_INFO_V1(risk_severity_fit_final);
Datum
risk_severity_fit_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	rk_dist_fit fit;
	double	   *x;
	rk_status rc;
	rk_sev_family sf;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	sf = (rk_sev_family) st->param[0].value;
	if (st->n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a severity fit needs at least 2 losses, got " INT64_FORMAT, st->n)));
	x = palloc_extended(st->n * sizeof(double), MCXT_ALLOC_HUGE);
	memcpy(x, st->x, st->n * sizeof(double));
	rc = rk_severity_fit(x, st->n, sf, &fit);
	pfree(x);
	if (rc == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a %s fit needs losses that are not all equal", sev_names[sf])));
	if (rc == RK_TOO_FEW)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a %s fit needs at least 3 losses, got " INT64_FORMAT,
						sev_names[sf], st->n)));
	risk_raise(rc, "severity_fit");
	return fit_result(fcinfo, sev_names[sf], &fit, 2, st->n);
}

PG_FUNCTION_INFO_V1(risk_frequency_fit_final);
Datum
risk_frequency_fit_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	rk_dist_fit fit;
	rk_freq_family ff;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	ff = (rk_freq_family) st->param[0].value;
	if (st->n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a frequency fit needs at least 2 periods, got " INT64_FORMAT, st->n)));
	risk_raise(rk_frequency_fit(st->x, st->n, ff, &fit), "frequency_fit");
	return fit_result(fcinfo, freq_names[ff], &fit, ff == RK_FREQ_POISSON ? 1 : 2, st->n);
}

/* ---------------------------------------------------------------------
 * Simulation
 * --------------------------------------------------------------------- */

/* Run the simulation the arguments 0..5 describe; the annual losses. */
static double *
simulate(FunctionCallInfo fcinfo, int64 *years_out)
{
	double		f1,
				f2,
				s1,
				s2,
			   *annual;
	rk_freq_family ff = get_frequency(PG_GETARG_TEXT_PP(0), PG_GETARG_ARRAYTYPE_P(1), &f1, &f2);
	rk_sev_family sf = get_severity(PG_GETARG_TEXT_PP(2), PG_GETARG_ARRAYTYPE_P(3), &s1, &s2);
	int64		years = PG_GETARG_INT32(4);
	int64		seed = PG_GETARG_INT64(5);

	if (years < LDA_MIN_YEARS || years > LDA_MAX_YEARS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the number of simulated years must be between %d and %d, got " INT64_FORMAT,
						LDA_MIN_YEARS, LDA_MAX_YEARS, years)));
	if ((double) years * rk_frequency_mean(ff, f1, f2) > LDA_MAX_DRAWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the simulation would draw about %.3g losses, above the limit of %.3g",
						(double) years * rk_frequency_mean(ff, f1, f2), LDA_MAX_DRAWS),
				 errhint("Simulate fewer years.")));
	annual = palloc_extended(years * sizeof(double), MCXT_ALLOC_HUGE);
	risk_raise(rk_lda_simulate(ff, f1, f2, sf, s1, s2, years, (uint64) seed, annual),
			   "lda_simulate");
	*years_out = years;
	return annual;
}

PG_FUNCTION_INFO_V1(risk_lda_simulate_sql);
Datum
risk_lda_simulate_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ArrayType  *levels = PG_GETARG_ARRAYTYPE_P(6);
	int64		years,
				i;
	int			nlev,
				j;
	double	   *annual,
			   *lv,
				mean = 0;

	if (ARR_NDIM(levels) != 1 || ARR_HASNULL(levels) || ARR_ELEMTYPE(levels) != FLOAT8OID ||
		ARR_DIMS(levels)[0] < 1 || ARR_DIMS(levels)[0] > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("levels must be a float8 array of 1 to 100 confidence levels without NULLs")));
	nlev = ARR_DIMS(levels)[0];
	lv = (double *) ARR_DATA_PTR(levels);
	for (j = 0; j < nlev; j++)
		risk_check_level(lv[j], "confidence level");
	annual = simulate(fcinfo, &years);
	for (i = 0; i < years; i++)
		mean += annual[i];
	mean /= (double) years;
	risk_raise(rk_lda_sort_tail(annual, years, lv, nlev), "lda_simulate");

	InitMaterializedSRF(fcinfo, 0);
	for (j = 0; j < nlev; j++)
	{
		Datum		v[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		double		var,
					es,
					se;

		risk_raise(rk_lda_measures(annual, years, lv[j], &var, &es, &se), "lda_simulate");
		v[0] = Float8GetDatum(lv[j]);
		v[1] = Float8GetDatum(var);
		v[2] = Float8GetDatum(es);
		v[3] = Float8GetDatum(se);
		v[4] = Float8GetDatum(mean);
		v[5] = Int32GetDatum((int32) years);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	pfree(annual);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(risk_lda_simulate_losses_sql);
Datum
risk_lda_simulate_losses_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		years,
				i;
	double	   *annual = simulate(fcinfo, &years);

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < years; i++)
	{
		Datum		v[2];
		bool		nulls[2] = {false, false};

		v[0] = Int32GetDatum((int32) (i + 1));
		v[1] = Float8GetDatum(annual[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	pfree(annual);
	return (Datum) 0;
}

/* severity_cdf/pdf/quantile(x or p, family, params) */
static Datum
severity_fn(FunctionCallInfo fcinfo, int which)
{
	double		x = PG_GETARG_FLOAT8(0),
				s1,
				s2;
	rk_sev_family sf = get_severity(PG_GETARG_TEXT_PP(1), PG_GETARG_ARRAYTYPE_P(2), &s1, &s2);

	if (which == 2)
	{
		risk_check_probability(x, "probability");
		PG_RETURN_FLOAT8(rk_severity_quantile(sf, s1, s2, x));
	}
	risk_check_finite(x, "x");
	PG_RETURN_FLOAT8(which == 0 ? rk_severity_cdf(sf, s1, s2, x)
					 : rk_severity_pdf(sf, s1, s2, x));
}

PG_FUNCTION_INFO_V1(risk_severity_cdf_sql);
Datum
risk_severity_cdf_sql(PG_FUNCTION_ARGS)
{
	return severity_fn(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(risk_severity_pdf_sql);
Datum
risk_severity_pdf_sql(PG_FUNCTION_ARGS)
{
	return severity_fn(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(risk_severity_quantile_sql);
Datum
risk_severity_quantile_sql(PG_FUNCTION_ARGS)
{
	return severity_fn(fcinfo, 2);
}

PG_FUNCTION_INFO_V1(risk_sla_var_sql);
Datum
risk_sla_var_sql(PG_FUNCTION_ARGS)
{
	double		lambda = PG_GETARG_FLOAT8(0);
	double		s1,
				s2;
	rk_sev_family sf = get_severity(PG_GETARG_TEXT_PP(1), PG_GETARG_ARRAYTYPE_P(2), &s1, &s2);
	double		p = PG_GETARG_FLOAT8(3);
	bool		corr = PG_GETARG_BOOL(4);

	if (!(lambda > 0) || !isfinite(lambda))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the expected number of losses must be positive, got %s",
						float8out_internal(lambda))));
	risk_check_level(p, "confidence level");
	if (!(1.0 - (1.0 - p) / lambda > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the single-loss approximation needs (1 - p) < lambda"),
				 errdetail("p = %s, lambda = %s.", float8out_internal(p), float8out_internal(lambda))));
	PG_RETURN_FLOAT8(rk_sla_var(lambda, sf, s1, s2, p, corr));
}
