/*
 * explain.c
 *     SQL face of explainable and fair credit decisions: reason codes of a
 *     scorecard, exact Shapley values of logistic and neural-network PD
 *     models, fairness metrics by group.  The numerics are the core's
 *     (core/explain.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "risk.h"
#include "core/explain.h"

/* ---- reason codes ----------------------------------------------------- */

/* ---- Shapley values --------------------------------------------------- */

#include "funcapi.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "mlp_value.h"

static const char *const shap_scale_names[] = {"probability", "log_odds"};

/*
 * What risk.shapley keeps across the rows of a query (fn_extra, in
 * fn_mcxt): the model and the background as they came (compared with
 * each row's, so that another model or background is prepared anew), and
 * what was prepared from them.  The core's prepared background is
 * malloc'd: a reset callback of fn_mcxt frees it, also when the query
 * fails.
 */
typedef struct ShapCache
{
	MemoryContext mcxt;
	MemoryContextCallback cb;
	struct varlena *model_raw;	/* risk.mlp: the argument as it came */
	struct varlena *model;		/* its detoasted copy, which core points into */
	double	   *coef;			/* logistic: the coefficients as they came */
	int			ncoef;
	bool		intercept;
	struct varlena *bg_raw;		/* the background as it came */
	int			d;				/* features */
	int64		nb;				/* background rows */
	int			sizes[2];		/* logistic as a network: d inputs, 1 output */
	double	   *theta;			/* logistic: beta_1..beta_d, intercept */
	double	   *mean;			/* logistic: the background's column means */
	rk_mlp		core;
	rk_shap    *shap;			/* NULL: not prepared (or the log-odds closed form) */
	double	   *phi;			/* d */
} ShapCache;

static void
shap_cache_release(void *arg)
{
	ShapCache  *c = arg;

	rk_shap_free(c->shap);
	c->shap = NULL;
}

static ShapCache *
shap_cache(FunctionCallInfo fcinfo)
{
	ShapCache  *c = fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ShapCache));
		c->mcxt = fcinfo->flinfo->fn_mcxt;
		c->cb.func = shap_cache_release;
		c->cb.arg = c;
		MemoryContextRegisterResetCallback(c->mcxt, &c->cb);
		fcinfo->flinfo->fn_extra = c;
	}
	return c;
}

/* Drop what was prepared for another model or background. */
static void
shap_cache_clear(ShapCache *c)
{
	rk_shap_free(c->shap);
	c->shap = NULL;
	if (c->model_raw)
		pfree(c->model_raw);
	if (c->model)
		pfree(c->model);
	if (c->coef)
		pfree(c->coef);
	if (c->bg_raw)
		pfree(c->bg_raw);
	if (c->theta)
		pfree(c->theta);
	if (c->mean)
		pfree(c->mean);
	if (c->phi)
		pfree(c->phi);
	c->model_raw = c->model = c->bg_raw = NULL;
	c->coef = c->theta = c->mean = c->phi = NULL;
	c->d = 0;
	c->nb = 0;
}

static bool
same_bytes(const struct varlena *kept, const struct varlena *now)
{
	return kept != NULL && VARSIZE_ANY(kept) == VARSIZE_ANY(now)
		&& memcmp(kept, now, VARSIZE_ANY(now)) == 0;
}

/*
 * Argument argno's bytes as they came, to compare with the kept ones; an
 * expanded array (a PL/pgSQL variable, changed in place) flattened first.
 */
static struct varlena *
arg_bytes(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));

	if (VARATT_IS_EXTERNAL_EXPANDED(raw))
		return PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	return raw;
}

static struct varlena *
copy_bytes(MemoryContext mcxt, const struct varlena *v)
{
	struct varlena *c = MemoryContextAlloc(mcxt, VARSIZE_ANY(v));

	memcpy(c, v, VARSIZE_ANY(v));
	return c;
}

static void
too_many_features(int d)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("exact Shapley values of %d features are out of reach: the limit is %d",
					d, RK_SHAP_MAX_FEATURES),
			 errdetail("The enumeration evaluates the model on all 2^%d coalitions of the features for every background row.", d),
			 errhint("Group features, or explain a logistic model on the log-odds scale, which needs no enumeration.")));
}

/*
 * The background (argument 2), a 2-D float8 array of rows x d raw feature
 * values, checked: its values (in place) and its rows.
 */
static double *
shap_background(ArrayType *a, int d, int64 *nb)
{
	double	   *v;
	int			rows,
				cols;

	if (ARR_ELEMTYPE(a) != FLOAT8OID || ARR_NDIM(a) != 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the background must be a two-dimensional array (rows x features), got %d dimension%s",
						ARR_NDIM(a), ARR_NDIM(a) == 1 ? "" : "s"),
				 errhint("Build it with array_agg(x) over rows of the features, which stacks one-dimensional arrays.")));
	rows = ARR_DIMS(a)[0];
	cols = ARR_DIMS(a)[1];
	if (cols != d)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the background has %d columns, the model %d features", cols, d),
				 errhint("The background's rows hold the model's features in the model's order.")));
	if (ARR_HASNULL(a))
	{
		bits8	   *bm = ARR_NULLBITMAP(a);
		int64		i;

		for (i = 0; i < (int64) rows * cols; i++)
			if (!(bm[i / 8] & (1 << (i % 8))))
				break;
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("feature %d of background row %d is NULL", (int) (i % cols) + 1, (int) (i / cols) + 1),
				 errhint("Leave out the rows with a missing feature: WHERE array_position(x, NULL) IS NULL.")));
	}
	v = (double *) ARR_DATA_PTR(a);
	for (int64 i = 0; i < (int64) rows * cols; i++)
		if (!isfinite(v[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("feature %d of background row %d is %s", (int) (i % cols) + 1,
							(int) (i / cols) + 1, isnan(v[i]) ? "NaN" : v[i] > 0 ? "Infinity" : "-Infinity"),
					 errhint("A background holds finite feature values.")));
	*nb = rows;
	return v;
}

static rk_shap_scale
shap_scale_arg(FunctionCallInfo fcinfo, int argno)
{
	return (rk_shap_scale) risk_choice(PG_GETARG_TEXT_PP(argno), shap_scale_names, 2, "scale",
									   "The scale is 'probability' (the PD) or 'log_odds' (before the logistic function).");
}

/* The row (base, prediction, contributions) of risk.shapley_values. */
static Datum
shap_result(FunctionCallInfo fcinfo, double base, double pred, const double *phi, int d)
{
	Datum		v[3];
	bool		nulls[3] = {false, false, false};

	v[0] = Float8GetDatum(base);
	v[1] = Float8GetDatum(pred);
	v[2] = risk_float8_array(phi, d);
	return risk_result_row(fcinfo, v, nulls, 3);
}

/* Prepare the network c->core against the background array (argument 2). */
static void
shap_prepare(ShapCache *c, FunctionCallInfo fcinfo)
{
	ArrayType  *bga = PG_GETARG_ARRAYTYPE_P(2);
	double	   *bg = shap_background(bga, c->d, &c->nb);
	rk_status	rc;

	rc = rk_shap_prepare(&c->core, bg, c->nb, &c->shap);
	if (rc == RK_BADARG)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a background row standardized by the model is not finite")));
	risk_raise(rc, "shapley");
}

static Datum
shap_run(ShapCache *c, FunctionCallInfo fcinfo, const double *x, rk_shap_scale scale)
{
	double		base,
				pred;
	rk_status	rc = rk_shap_values(c->shap, x, scale, c->phi, &base, &pred);

	if (rc == RK_BADARG)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the features standardized by the model are not finite")));
	risk_raise(rc, "shapley");
	return shap_result(fcinfo, base, pred, c->phi, c->d);
}

/* risk.shapley(risk.mlp, x, background, scale): exact, by enumeration. */
PG_FUNCTION_INFO_V1(risk_shapley_mlp);
Datum
risk_shapley_mlp(PG_FUNCTION_ARGS)
{
	ShapCache  *c = shap_cache(fcinfo);
	struct varlena *raw = arg_bytes(fcinfo, 0);
	struct varlena *bgraw = arg_bytes(fcinfo, 2);
	rk_shap_scale scale = shap_scale_arg(fcinfo, 3);
	int			k;
	double	   *x;

	if (c->shap == NULL || c->theta != NULL || !same_bytes(c->model_raw, raw)
		|| !same_bytes(c->bg_raw, bgraw))
	{
		struct varlena *v;
		rk_mlp		m;

		shap_cache_clear(c);
		v = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
		risk_mlp_core(v, &m);
		if (m.sizes[0] > RK_SHAP_MAX_FEATURES)
			too_many_features(m.sizes[0]);
		c->model = copy_bytes(c->mcxt, v);
		risk_mlp_core(c->model, &c->core);
		c->d = c->core.sizes[0];
		c->phi = MemoryContextAlloc(c->mcxt, sizeof(double) * c->d);
		shap_prepare(c, fcinfo);
		c->model_raw = copy_bytes(c->mcxt, raw);
		c->bg_raw = copy_bytes(c->mcxt, bgraw);
	}
	x = risk_features(PG_GETARG_ARRAYTYPE_P(1), c->d, &k);
	PG_RETURN_DATUM(shap_run(c, fcinfo, x, scale));
}

/*
 * risk.shapley(risk.logit_model, x, background, scale): on the log-odds
 * scale the closed form, on the probability scale the enumeration of the
 * model as a network without hidden layer.
 */
PG_FUNCTION_INFO_V1(risk_shapley_logit);
Datum
risk_shapley_logit(PG_FUNCTION_ARGS)
{
	ShapCache  *c = shap_cache(fcinfo);
	HeapTupleHeader model = PG_GETARG_HEAPTUPLEHEADER(0);
	struct varlena *bgraw = arg_bytes(fcinfo, 2);
	rk_shap_scale scale = shap_scale_arg(fcinfo, 3);
	bool		cnull,
				inull,
				intercept;
	Datum		cd = GetAttributeByName(model, "coefficients", &cnull);
	Datum		id = GetAttributeByName(model, "intercept", &inull);
	ArrayType  *ca;
	double	   *coef,
			   *x;
	int			nc,
				off,
				k;

	if (cnull || inull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model has no coefficients")));
	ca = DatumGetArrayTypeP(cd);
	intercept = DatumGetBool(id);
	off = intercept ? 1 : 0;
	coef = risk_float8_values(ca, "the model's coefficients", -1, &nc);
	if (coef == NULL || nc - off < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model has %d coefficients and no feature", coef ? nc : 0)));
	for (int j = 0; j < nc; j++)
		risk_check_finite(coef[j], "coefficient");

	if (c->coef == NULL || c->ncoef != nc || c->intercept != intercept
		|| memcmp(c->coef, coef, sizeof(double) * nc) != 0 || !same_bytes(c->bg_raw, bgraw)
		|| (scale == RK_SHAP_PROBABILITY && c->shap == NULL)
		|| (scale == RK_SHAP_LOG_ODDS && c->mean == NULL))
	{
		ArrayType  *bga;
		double	   *bg;

		shap_cache_clear(c);
		c->d = nc - off;
		c->ncoef = nc;
		c->intercept = intercept;
		c->coef = MemoryContextAlloc(c->mcxt, sizeof(double) * nc);
		memcpy(c->coef, coef, sizeof(double) * nc);
		c->phi = MemoryContextAlloc(c->mcxt, sizeof(double) * c->d);
		if (scale == RK_SHAP_PROBABILITY)
		{
			if (c->d > RK_SHAP_MAX_FEATURES)
				too_many_features(c->d);
			c->theta = MemoryContextAlloc(c->mcxt, sizeof(double) * (c->d + 1));
			memcpy(c->theta, coef + off, sizeof(double) * c->d);
			c->theta[c->d] = intercept ? coef[0] : 0;
			c->sizes[0] = c->d;
			c->sizes[1] = 1;
			c->core.nlayers = 1;
			c->core.sizes = c->sizes;
			c->core.act = RK_MLP_RELU;	/* no hidden layer: not used */
			c->core.mean = NULL;
			c->core.scale = NULL;
			c->core.theta = c->theta;
			shap_prepare(c, fcinfo);
		}
		else
		{
			bga = PG_GETARG_ARRAYTYPE_P(2);
			bg = shap_background(bga, c->d, &c->nb);
			c->mean = MemoryContextAlloc(c->mcxt, sizeof(double) * c->d);
			risk_raise(rk_shap_column_means(bg, c->nb, c->d, c->mean), "shapley");
		}
		c->bg_raw = copy_bytes(c->mcxt, bgraw);
	}
	x = risk_features(PG_GETARG_ARRAYTYPE_P(1), c->d, &k);
	if (scale == RK_SHAP_PROBABILITY)
		PG_RETURN_DATUM(shap_run(c, fcinfo, x, scale));
	else
	{
		double		base,
					pred;

		risk_raise(rk_shap_linear(c->coef + off, intercept ? c->coef[0] : 0, c->d, x, c->mean,
								  c->phi, &base, &pred), "shapley");
		PG_RETURN_DATUM(shap_result(fcinfo, base, pred, c->phi, c->d));
	}
}

/*
 * risk.shapley_table(risk.shapley_values, names): one row per feature,
 * its position, name, contribution and rank by absolute size (1 the
 * largest; ties in feature order).
 */
PG_FUNCTION_INFO_V1(risk_shapley_table);
Datum
risk_shapley_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HeapTupleHeader sv;
	bool		isnull;
	Datum		cd;
	double	   *phi;
	int			d,
				nnames = 0,
			   *order,
			   *rank;
	Datum	   *names = NULL;
	bool	   *name_nulls = NULL;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	sv = PG_GETARG_HEAPTUPLEHEADER(0);
	cd = GetAttributeByName(sv, "contributions", &isnull);
	if (isnull)
		return (Datum) 0;
	phi = risk_float8_values(DatumGetArrayTypeP(cd), "contributions", -1, &d);
	if (!PG_ARGISNULL(1))
	{
		ArrayType  *na = PG_GETARG_ARRAYTYPE_P(1);

		if (ARR_NDIM(na) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("names must be a one-dimensional array")));
		deconstruct_array(na, TEXTOID, -1, false, TYPALIGN_INT, &names, &name_nulls, &nnames);
		if (nnames != d)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%d names for %d contributions", nnames, d),
					 errhint("Give one name per feature, in the model's order, or NULL.")));
	}
	order = palloc(sizeof(int) * (d > 0 ? d : 1));
	rank = palloc(sizeof(int) * (d > 0 ? d : 1));
	/* insertion sort by |phi| descending, stable: d is small */
	for (int j = 0; j < d; j++)
	{
		int			i = j;

		while (i > 0 && fabs(phi[order[i - 1]]) < fabs(phi[j]))
		{
			order[i] = order[i - 1];
			i--;
		}
		order[i] = j;
	}
	for (int r = 0; r < d; r++)
		rank[order[r]] = r + 1;
	for (int j = 0; j < d; j++)
	{
		Datum		v[4];
		bool		nulls[4] = {false, false, false, false};

		v[0] = Int32GetDatum(j + 1);
		if (names && !name_nulls[j])
			v[1] = names[j];
		else
			nulls[1] = true;
		v[2] = Float8GetDatum(phi[j]);
		v[3] = Int32GetDatum(rank[j]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	return (Datum) 0;
}

/* ---- fairness by group ------------------------------------------------ */
