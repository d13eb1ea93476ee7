/*
 * mlp.c
 *     SQL face of multilayer-perceptron PD models: the type risk.mlp (text
 *     I/O as JSON, stored as flat arrays), training (risk.mlp_fit, an
 *     aggregate over the rows of a group, parallel: partial states join
 *     their rows), scoring (risk.mlp_predict), a model from the weights of
 *     another tool (risk.mlp_from_arrays), and reading a model back
 *     (layers, training history).  The numerics are the core's
 *     (core/mlp.c).
 *
 * A stored model is one varlena: a header, the layer sizes (int32, padded
 * to 8 bytes), then float8 arrays: the standardization (mean, scale), the
 * parameters (every layer's weights, then every layer's biases, as the core
 * lays them out), and the history (the training and validation loss of
 * each epoch).  Decoding checks the sizes, so that a damaged value cannot
 * make it read out of bounds.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "nodes/primnodes.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/regproc.h"

#include <lbfgs.h>

#include "risk.h"
#include "core/mlp.h"
#include "mlp_value.h"

#define MLP_VERSION 1
#define MLP_MAX_PARAMS 16000000	/* parameters of a network trained here (128 MB a copy) */

typedef struct MlpHeader
{
	int32		vl_len_;
	int32		version;
	int32		nlayers;
	int32		act;
	int32		p;
	int32		epochs;			/* history length (0: none) */
	int32		kept;
	int32		converged;		/* -1: not trained here */
	int64		nparams;
	/* how it was trained (shown in the text form) */
	int32		solver;			/* -1: not trained here */
	int32		max_epochs;
	int32		batch_size;
	int32		patience;
	double		alpha;
	double		learning_rate;
	double		tol;
	double		ftol;
	double		validation_fraction;
	double		class_weight[2];
	int64		seed;
	int64		rows;			/* rows trained on */
} MlpHeader;

/* A model decoded: pointers into the varlena (or palloc'd arrays). */
typedef struct Mlp
{
	MlpHeader  *h;
	int		   *sizes;
	double	   *mean,
			   *scale,
			   *theta,
			   *train_loss,
			   *valid_loss;
	rk_mlp		core;
} Mlp;

static const char *const act_names[] = {"relu", "tanh", "logistic"};
static const char *const solver_names[] = {"lbfgs", "adam"};

static Size
sizes_bytes(int nlayers)
{
	return MAXALIGN(sizeof(int32) * (nlayers + 1));
}

static Size
mlp_size(int nlayers, int p, int64 np, int epochs)
{
	return MAXALIGN(sizeof(MlpHeader)) + sizes_bytes(nlayers)
		+ sizeof(double) * (2 * (Size) p + (Size) np + 2 * (Size) epochs);
}

static void
mlp_damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("a risk.mlp value is damaged")));
}

static void
mlp_link(Mlp *m)
{
	m->core.nlayers = m->h->nlayers;
	m->core.sizes = m->sizes;
	m->core.act = (rk_mlp_act) m->h->act;
	m->core.mean = m->mean;
	m->core.scale = m->scale;
	m->core.theta = m->theta;
}

/* Point m into the varlena h, checking what the sizes imply. */
static void
mlp_decode(MlpHeader *h, Mlp *m)
{
	char	   *p;
	int64		np;

	if (VARSIZE(h) < sizeof(MlpHeader) || h->version != MLP_VERSION || h->nlayers < 1
		|| h->nlayers > RK_MLP_MAX_HIDDEN + 1 || h->act < 0 || h->act > RK_MLP_LOGISTIC
		|| h->epochs < 0 || h->p < 1)
		mlp_damaged();
	m->h = h;
	p = (char *) h + MAXALIGN(sizeof(MlpHeader));
	m->sizes = (int *) p;
	if (VARSIZE(h) < MAXALIGN(sizeof(MlpHeader)) + sizes_bytes(h->nlayers))
		mlp_damaged();
	np = rk_mlp_nparams(h->nlayers, m->sizes, NULL);
	if (np < 1 || np != h->nparams || m->sizes[0] != h->p
		|| VARSIZE(h) != mlp_size(h->nlayers, h->p, np, h->epochs))
		mlp_damaged();
	p += sizes_bytes(h->nlayers);
	m->mean = (double *) p;
	m->scale = m->mean + h->p;
	m->theta = m->scale + h->p;
	m->train_loss = m->theta + np;
	m->valid_loss = m->train_loss + h->epochs;
	mlp_link(m);
}

void
risk_mlp_core(struct varlena *v, rk_mlp *core)
{
	Mlp			m;

	mlp_decode((MlpHeader *) v, &m);
	*core = m.core;
}

static Mlp *
mlp_arg(FunctionCallInfo fcinfo, int argno)
{
	Mlp		   *m = palloc(sizeof(Mlp));

	mlp_decode((MlpHeader *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno)), m);
	return m;
}

/*
 * A new model of the shape, its arrays zeroed (scale 1); the caller fills
 * them.  The shape was checked (rk_mlp_nparams > 0).
 */
static Mlp *
mlp_new(int nlayers, const int *sizes, int act, int epochs)
{
	int64		np = rk_mlp_nparams(nlayers, sizes, NULL);
	Size		size = mlp_size(nlayers, sizes[0], np, epochs);
	MlpHeader  *h;
	Mlp		   *m = palloc(sizeof(Mlp));

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a model of " INT64_FORMAT " parameters is too large", np)));
	h = palloc0(size);
	SET_VARSIZE(h, size);
	h->version = MLP_VERSION;
	h->nlayers = nlayers;
	h->act = act;
	h->p = sizes[0];
	h->epochs = epochs;
	h->nparams = np;
	h->converged = -1;
	h->solver = -1;
	memcpy((char *) h + MAXALIGN(sizeof(MlpHeader)), sizes, sizeof(int32) * (nlayers + 1));
	mlp_decode(h, m);
	for (int j = 0; j < h->p; j++)
		m->scale[j] = 1;
	return m;
}

/* Check a shape given by a user; ERROR naming what is wrong. */
static void
check_shape(int nlayers, const int *sizes)
{
	if (nlayers < 1 || nlayers > RK_MLP_MAX_HIDDEN + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a model has 0 to %d hidden layers, got %d", RK_MLP_MAX_HIDDEN, nlayers - 1)));
	for (int l = 0; l <= nlayers; l++)
		if (sizes[l] < 1 || sizes[l] > RK_MLP_MAX_UNITS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("layer %d has %d units; a layer has 1 to %d", l, sizes[l], RK_MLP_MAX_UNITS)));
	if (sizes[nlayers] != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the output layer has %d units; a PD model has 1", sizes[nlayers])));
}

/* Check the values of a model built from text or arrays. */
static void
check_values(const Mlp *m)
{
	for (int j = 0; j < m->h->p; j++)
		if (!isfinite(m->mean[j]) || !(m->scale[j] > 0 && isfinite(m->scale[j])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("input %d has mean %s and scale %s; a scale must be positive and both finite",
							j + 1, float8out_internal(m->mean[j]), float8out_internal(m->scale[j]))));
	for (int64 i = 0; i < m->h->nparams; i++)
		if (!isfinite(m->theta[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("parameter " INT64_FORMAT " is %s; parameters must be finite", i + 1,
							float8out_internal(m->theta[i]))));
	if (m->h->epochs > 0 && !(m->h->kept >= 1 && m->h->kept <= m->h->epochs))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the epoch kept (%d) must be one of the %d of the history", m->h->kept,
						m->h->epochs)));
}

static int
activation_of(const char *s)
{
	return risk_choice_str(s, strlen(s), act_names, lengthof(act_names), "activation",
						   "Use 'relu', 'tanh' or 'logistic'.");
}

/* ---------------------------------------------------------------------
 * Text I/O: JSON
 * --------------------------------------------------------------------- */

static void
mlp_syntax(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type risk.mlp: %s", what),
			 errhint("A model is a JSON object {\"layers\": [p, ..., 1], \"activation\": ..., \"weights\": [[...], ...], \"biases\": [[...], ...], \"mean\": [...], \"scale\": [...]}.")));
}

static double
jnum(JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvNumeric)
		mlp_syntax(what);
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

static JsonbContainer *
jarr(JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		mlp_syntax(what);
	return v->val.binary.data;
}

/* n numbers of a JSON array into out (ERROR unless exactly n; a JSON null is NaN) */
static void
jnums(JsonbValue *v, const char *what, double *out, int64 n)
{
	JsonbContainer *a = jarr(v, what);

	if (JsonContainerSize(a) != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type risk.mlp: %s must have " INT64_FORMAT " numbers, got %d",
						what, n, (int) JsonContainerSize(a))));
	for (int64 i = 0; i < n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(a, (uint32) i);

		out[i] = e != NULL && e->type == jbvNull ? get_float8_nan() : jnum(e, what);
	}
}

PG_FUNCTION_INFO_V1(risk_mlp_in);
Datum
risk_mlp_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
	JsonbContainer *root,
			   *a,
			   *ws,
			   *bs;
	JsonbValue *v,
			   *hist;
	int			sizes[RK_MLP_MAX_HIDDEN + 2],
				nlayers,
				act = RK_MLP_RELU,
				epochs = 0;
	int64		wo = 0,
				bo,
				nw;
	Mlp		   *m;

	if (!JB_ROOT_IS_OBJECT(jb))
		mlp_syntax("not a JSON object");
	root = &jb->root;
	a = jarr(risk_json_key(root, "layers"), "\"layers\" must be an array of layer sizes");
	nlayers = (int) JsonContainerSize(a) - 1;
	if (nlayers < 1 || nlayers > RK_MLP_MAX_HIDDEN + 1)
		check_shape(nlayers, sizes);
	for (int l = 0; l <= nlayers; l++)
	{
		double		s = jnum(getIthJsonbValueFromContainer(a, l), "\"layers\" must be an array of layer sizes");

		sizes[l] = s == floor(s) && s >= 0 && s <= RK_MLP_MAX_UNITS ? (int) s : -1;
	}
	check_shape(nlayers, sizes);
	if ((v = risk_json_key(root, "activation")) != NULL)
	{
		if (v->type != jbvString)
			mlp_syntax("\"activation\" must be a string");
		act = activation_of(pnstrdup(v->val.string.val, v->val.string.len));
	}
	hist = risk_json_key(root, "history");
	if (hist != NULL && (hist->type != jbvBinary || !JsonContainerIsObject(hist->val.binary.data)))
		mlp_syntax("\"history\" must be an object");
	if (hist)
		epochs = (int) JsonContainerSize(jarr(risk_json_key(hist->val.binary.data, "train_loss"),
											  "\"history\" needs a \"train_loss\" array"));
	m = mlp_new(nlayers, sizes, act, epochs);
	rk_mlp_nparams(nlayers, sizes, &nw);
	if ((v = risk_json_key(root, "mean")) != NULL)
		jnums(v, "\"mean\"", m->mean, sizes[0]);
	if ((v = risk_json_key(root, "scale")) != NULL)
		jnums(v, "\"scale\"", m->scale, sizes[0]);
	ws = jarr(risk_json_key(root, "weights"), "\"weights\" must be an array with one array per layer");
	bs = jarr(risk_json_key(root, "biases"), "\"biases\" must be an array with one array per layer");
	if ((int) JsonContainerSize(ws) != nlayers || (int) JsonContainerSize(bs) != nlayers)
		mlp_syntax("\"weights\" and \"biases\" need one array per layer");
	bo = nw;
	for (int l = 0; l < nlayers; l++)
	{
		jnums(getIthJsonbValueFromContainer(ws, l), "a layer's weights", m->theta + wo,
			  (int64) sizes[l] * sizes[l + 1]);
		jnums(getIthJsonbValueFromContainer(bs, l), "a layer's biases", m->theta + bo, sizes[l + 1]);
		wo += (int64) sizes[l] * sizes[l + 1];
		bo += sizes[l + 1];
	}
	if (hist)
	{
		JsonbContainer *ho = hist->val.binary.data;

		jnums(risk_json_key(ho, "train_loss"), "\"train_loss\"", m->train_loss, epochs);
		jnums(risk_json_key(ho, "validation_loss"), "\"validation_loss\"", m->valid_loss, epochs);
		m->h->kept = (int) jnum(risk_json_key(ho, "epoch_kept"), "\"epoch_kept\" must be a number");
		v = risk_json_key(ho, "converged");
		m->h->converged = v && v->type == jbvBool ? v->val.boolean : 0;
	}
	if ((v = risk_json_key(root, "training")) != NULL && v->type == jbvBinary
		&& JsonContainerIsObject(v->val.binary.data))
	{
		JsonbContainer *t = v->val.binary.data;
		JsonbValue *s = risk_json_key(t, "solver");
		MlpHeader  *h = m->h;

		if (s && s->type == jbvString)
			h->solver = risk_choice_str(s->val.string.val, s->val.string.len, solver_names,
										lengthof(solver_names), "solver", "Use 'lbfgs' or 'adam'.");
#define TNUM(key, field) \
		if ((s = risk_json_key(t, key)) != NULL) h->field = jnum(s, "\"" key "\" must be a number")
		TNUM("alpha", alpha);
		TNUM("max_epochs", max_epochs);
		TNUM("batch_size", batch_size);
		TNUM("learning_rate", learning_rate);
		TNUM("tol", tol);
		TNUM("ftol", ftol);
		TNUM("patience", patience);
		TNUM("validation_fraction", validation_fraction);
		TNUM("seed", seed);
		TNUM("rows", rows);
#undef TNUM
		if ((s = risk_json_key(t, "class_weight")) != NULL)
			jnums(s, "\"class_weight\"", h->class_weight, 2);
	}
	check_values(m);
	PG_RETURN_POINTER(m->h);
}

static void
json_nums(StringInfo s, const double *x, int64 n)
{
	appendStringInfoChar(s, '[');
	for (int64 i = 0; i < n; i++)
	{
		if (i)
			appendStringInfoString(s, ", ");
		if (isnan(x[i]))
			appendStringInfoString(s, "null");
		else
			appendStringInfoString(s, float8out_internal(x[i]));
	}
	appendStringInfoChar(s, ']');
}

PG_FUNCTION_INFO_V1(risk_mlp_out);
Datum
risk_mlp_out(PG_FUNCTION_ARGS)
{
	Mlp		   *m = mlp_arg(fcinfo, 0);
	MlpHeader  *h = m->h;
	StringInfoData s;
	int64		wo = 0,
				bo,
				nw;

	rk_mlp_nparams(h->nlayers, m->sizes, &nw);
	initStringInfo(&s);
	appendStringInfoString(&s, "{\"layers\": [");
	for (int l = 0; l <= h->nlayers; l++)
		appendStringInfo(&s, l ? ", %d" : "%d", m->sizes[l]);
	appendStringInfo(&s, "], \"activation\": \"%s\", \"mean\": ", act_names[h->act]);
	json_nums(&s, m->mean, h->p);
	appendStringInfoString(&s, ", \"scale\": ");
	json_nums(&s, m->scale, h->p);
	appendStringInfoString(&s, ", \"weights\": [");
	for (int l = 0; l < h->nlayers; l++)
	{
		if (l)
			appendStringInfoString(&s, ", ");
		json_nums(&s, m->theta + wo, (int64) m->sizes[l] * m->sizes[l + 1]);
		wo += (int64) m->sizes[l] * m->sizes[l + 1];
	}
	appendStringInfoString(&s, "], \"biases\": [");
	bo = nw;
	for (int l = 0; l < h->nlayers; l++)
	{
		if (l)
			appendStringInfoString(&s, ", ");
		json_nums(&s, m->theta + bo, m->sizes[l + 1]);
		bo += m->sizes[l + 1];
	}
	appendStringInfoChar(&s, ']');
	if (h->epochs > 0)
	{
		appendStringInfoString(&s, ", \"history\": {\"train_loss\": ");
		json_nums(&s, m->train_loss, h->epochs);
		appendStringInfoString(&s, ", \"validation_loss\": ");
		json_nums(&s, m->valid_loss, h->epochs);
		appendStringInfo(&s, ", \"epoch_kept\": %d, \"converged\": %s}", h->kept,
						 h->converged > 0 ? "true" : "false");
	}
	if (h->solver >= 0)
	{
		appendStringInfo(&s, ", \"training\": {\"solver\": \"%s\", \"alpha\": %s, \"max_epochs\": %d",
						 solver_names[h->solver], float8out_internal(h->alpha), h->max_epochs);
		if (h->solver == RK_MLP_ADAM)
			appendStringInfo(&s, ", \"batch_size\": %d, \"learning_rate\": %s", h->batch_size,
							 float8out_internal(h->learning_rate));
		appendStringInfo(&s, ", \"tol\": %s", float8out_internal(h->tol));
		if (h->solver == RK_MLP_LBFGS)
			appendStringInfo(&s, ", \"ftol\": %s", float8out_internal(h->ftol));
		appendStringInfo(&s, ", \"patience\": %d, \"validation_fraction\": %s, \"class_weight\": ",
						 h->patience, float8out_internal(h->validation_fraction));
		json_nums(&s, h->class_weight, 2);
		appendStringInfo(&s, ", \"seed\": " INT64_FORMAT ", \"rows\": " INT64_FORMAT "}", h->seed,
						 h->rows);
	}
	appendStringInfoChar(&s, '}');
	PG_RETURN_CSTRING(s.data);
}

/* ---------------------------------------------------------------------
 * mlp_from_arrays: a model trained elsewhere
 * --------------------------------------------------------------------- */

static double *
float8s(FunctionCallInfo fcinfo, int argno, const char *what, int64 want)
{
	int			n;
	double	   *v;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what)));
	v = risk_float8_values(PG_GETARG_ARRAYTYPE_P(argno), what, -1, &n);
	if (n != want)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have " INT64_FORMAT " values for these layers, got %d", what, want, n),
				 errhint("Weights: each layer's matrix (inputs x units, row by row: the weight from input i to unit j at i * units + j), layer after layer; biases: each layer's units, layer after layer.")));
	return v;
}

PG_FUNCTION_INFO_V1(risk_mlp_from_arrays);
Datum
risk_mlp_from_arrays(PG_FUNCTION_ARGS)
{
	ArrayType  *la;
	Datum	   *d;
	bool	   *nulls;
	int			n,
				sizes[RK_MLP_MAX_HIDDEN + 2];
	int64		np,
				nw;
	Mlp		   *m;
	int			act;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("layers must not be NULL")));
	la = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(la) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("layers must be a one-dimensional array")));
	deconstruct_array(la, INT4OID, 4, true, TYPALIGN_INT, &d, &nulls, &n);
	if (n < 2 || n > RK_MLP_MAX_HIDDEN + 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("layers lists the inputs, 0 to %d hidden layers and the output: 2 to %d sizes, got %d",
						RK_MLP_MAX_HIDDEN, RK_MLP_MAX_HIDDEN + 2, n)));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("layer size %d is NULL", i + 1)));
		sizes[i] = DatumGetInt32(d[i]);
	}
	check_shape(n - 1, sizes);
	act = PG_ARGISNULL(3) ? RK_MLP_RELU : activation_of(text_to_cstring(PG_GETARG_TEXT_PP(3)));
	np = rk_mlp_nparams(n - 1, sizes, &nw);
	m = mlp_new(n - 1, sizes, act, 0);
	memcpy(m->theta, float8s(fcinfo, 1, "weights", nw), sizeof(double) * nw);
	memcpy(m->theta + nw, float8s(fcinfo, 2, "biases", np - nw), sizeof(double) * (np - nw));
	if (!PG_ARGISNULL(4))
		memcpy(m->mean, float8s(fcinfo, 4, "mean", sizes[0]), sizeof(double) * sizes[0]);
	if (!PG_ARGISNULL(5))
		memcpy(m->scale, float8s(fcinfo, 5, "scale", sizes[0]), sizeof(double) * sizes[0]);
	check_values(m);
	PG_RETURN_POINTER(m->h);
}

/* ---------------------------------------------------------------------
 * Scoring
 * --------------------------------------------------------------------- */

/*
 * The decoded model of argument 0, kept across rows: a model that is a
 * constant of the query is decoded once; another is compared with the
 * kept one as it comes, before detoasting (a model read from a table is
 * often compressed or stored out of line: its raw bytes, or its TOAST
 * pointer, are short), and decoded again only when it differs.
 */
typedef struct PredictCache
{
	struct varlena *raw;		/* a copy of the argument as it came */
	MlpHeader  *h;				/* its detoasted copy */
	Mlp			m;
	bool		stable;
	double	   *work;			/* rk_mlp_work_row doubles */
} PredictCache;

static PredictCache *
cached_model(FunctionCallInfo fcinfo)
{
	PredictCache *c = fcinfo->flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(0));
	MemoryContext mcxt = fcinfo->flinfo->fn_mcxt;
	MlpHeader  *h;

	if (c != NULL && (c->stable || (VARSIZE_ANY(raw) == VARSIZE_ANY(c->raw)
									&& memcmp(raw, c->raw, VARSIZE_ANY(raw)) == 0)))
		return c;
	if (c == NULL)
		c = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(mcxt, sizeof(PredictCache));
	else
	{
		pfree(c->raw);
		pfree(c->h);
		pfree(c->work);
	}
	c->raw = MemoryContextAlloc(mcxt, VARSIZE_ANY(raw));
	memcpy(c->raw, raw, VARSIZE_ANY(raw));
	h = (MlpHeader *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	c->h = MemoryContextAlloc(mcxt, VARSIZE(h));
	memcpy(c->h, h, VARSIZE(h));
	mlp_decode(c->h, &c->m);
	c->stable = get_fn_expr_arg_stable(fcinfo->flinfo, 0);
	c->work = MemoryContextAlloc(mcxt, sizeof(double) * rk_mlp_work_row(&c->m.core));
	return c;
}

PG_FUNCTION_INFO_V1(risk_mlp_predict);
Datum
risk_mlp_predict(PG_FUNCTION_ARGS)
{
	PredictCache *c = cached_model(fcinfo);
	int			k;
	double	   *x = risk_features(PG_GETARG_ARRAYTYPE_P(1), c->m.h->p, &k);

	/* the model's values were checked when it was made, x's by risk_features */
	PG_RETURN_FLOAT8(rk_mlp_predict_row(&c->m.core, x, c->work));
}

/* ---------------------------------------------------------------------
 * Reading back
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(risk_mlp_layers);
Datum
risk_mlp_layers(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Mlp		   *m = mlp_arg(fcinfo, 0);
	int64		wo = 0,
				bo,
				nw;

	InitMaterializedSRF(fcinfo, 0);
	rk_mlp_nparams(m->h->nlayers, m->sizes, &nw);
	bo = nw;
	for (int l = 0; l < m->h->nlayers; l++)
	{
		Datum		v[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		int64		cells = (int64) m->sizes[l] * m->sizes[l + 1];

		v[0] = Int32GetDatum(l + 1);
		v[1] = Int32GetDatum(m->sizes[l]);
		v[2] = Int32GetDatum(m->sizes[l + 1]);
		v[3] = CStringGetTextDatum(l + 1 == m->h->nlayers ? "logistic (output)" : act_names[m->h->act]);
		v[4] = risk_float8_array(m->theta + wo, (int) cells);
		v[5] = risk_float8_array(m->theta + bo, m->sizes[l + 1]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
		wo += cells;
		bo += m->sizes[l + 1];
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(risk_mlp_history);
Datum
risk_mlp_history(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Mlp		   *m = mlp_arg(fcinfo, 0);

	InitMaterializedSRF(fcinfo, 0);
	for (int e = 0; e < m->h->epochs; e++)
	{
		Datum		v[4];
		bool		nulls[4] = {false, false, isnan(m->valid_loss[e]), false};

		v[0] = Int32GetDatum(e + 1);
		v[1] = Float8GetDatum(m->train_loss[e]);
		v[2] = Float8GetDatum(m->valid_loss[e]);
		v[3] = BoolGetDatum(e + 1 == m->h->kept);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Training: mlp_fit(y, x [, weight], options)
 * --------------------------------------------------------------------- */

typedef struct FitState
{
	int			p;				/* features */
	Jsonb	   *options;		/* copied; NULL: none */
	bool		stable;			/* options are a constant */
	bool		ordered;		/* the call has ORDER BY: train in the rows' order */
	int64		nrows,
				cap;			/* rows of (y, w, x[p]) */
	double	   *rows;
} FitState;

static FitState *
fit_new(MemoryContext ctx, int p, Jsonb *options)
{
	FitState   *st = MemoryContextAllocZero(ctx, sizeof(FitState));

	st->p = p;
	if (options)
	{
		st->options = MemoryContextAlloc(ctx, VARSIZE(options));
		memcpy(st->options, options, VARSIZE(options));
	}
	return st;
}

static void
fit_same(FitState *st, int p, Jsonb *options)
{
	if (p != st->p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected %d features, got %d", st->p, p),
				 errhint("Every row must have the same features in the same order.")));
	risk_same_options(st->options, options);
}

static void
fit_reserve(FitState *st, MemoryContext ctx, int64 more)
{
	int64		w = st->p + 2;

	if (st->nrows + more <= st->cap)
		return;
	if ((uint64) (st->nrows + more) * w * sizeof(double) > MaxAllocHugeSize / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("risk.mlp_fit holds its rows in memory: " INT64_FORMAT " rows of %d features are too many",
						st->nrows + more, st->p)));
	st->cap = Max(st->nrows + more, Max(256, st->cap * 2));
	st->rows = st->rows == NULL
		? MemoryContextAllocHuge(ctx, sizeof(double) * (Size) (st->cap * w))
		: repalloc_huge(st->rows, sizeof(double) * (Size) (st->cap * w));
}

PG_FUNCTION_INFO_V1(risk_mlp_fit_accum);
Datum
risk_mlp_fit_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._mlp_fit_accum");
	FitState   *st = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	bool		weighted = PG_NARGS() > 4;
	int			optarg = weighted ? 4 : 3;
	Jsonb	   *options = PG_NARGS() > optarg && !PG_ARGISNULL(optarg) ? PG_GETARG_JSONB_P(optarg) : NULL;
	double		y,
				w = 1,
			   *x,
			   *row;
	int			p;

	/* a row without outcome, features or weight is left out */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (weighted && PG_ARGISNULL(3)))
		RISK_RETURN_STATE(st);
	y = risk_get_flag(fcinfo, 1, "outcome") ? 1.0 : 0.0;
	x = risk_features(PG_GETARG_ARRAYTYPE_P(2), st ? st->p : -1, &p);
	if (weighted)
	{
		w = PG_GETARG_FLOAT8(3);
		if (!(w > 0 && isfinite(w)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a row's weight must be positive and finite, got %s", float8out_internal(w))));
	}
	if (st == NULL)
	{
		if (p < 1 || p > RK_MLP_MAX_UNITS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a model has 1 to %d features, got %d", RK_MLP_MAX_UNITS, p)));
		st = fit_new(ctx, p, options);
		st->stable = PG_NARGS() <= optarg || get_fn_expr_arg_stable(fcinfo->flinfo, optarg);
		{
			Aggref	   *ar = AggGetAggref(fcinfo);

			st->ordered = ar != NULL && ar->aggorder != NIL;
		}
	}
	else if (!st->stable)
		fit_same(st, p, options);
	fit_reserve(st, ctx, 1);
	row = st->rows + st->nrows * (st->p + 2);
	row[0] = y;
	row[1] = w;
	memcpy(row + 2, x, sizeof(double) * p);
	st->nrows++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_mlp_fit_combine);
Datum
risk_mlp_fit_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._mlp_fit_combine");
	FitState   *a = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitState   *b = PG_ARGISNULL(1) ? NULL : (FitState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		RISK_RETURN_STATE(a);
	if (a == NULL)
		a = fit_new(ctx, b->p, b->options);
	else
		fit_same(a, b->p, b->options);
	fit_reserve(a, ctx, b->nrows);
	if (b->nrows > 0)
		memcpy(a->rows + a->nrows * (a->p + 2), b->rows, sizeof(double) * (Size) (b->nrows * (b->p + 2)));
	a->nrows += b->nrows;
	PG_RETURN_POINTER(a);
}

/* A partial state as bytea: p, nrows, the options' size, the options, the rows. */
PG_FUNCTION_INFO_V1(risk_mlp_fit_serialize);
Datum
risk_mlp_fit_serialize(PG_FUNCTION_ARGS)
{
	FitState   *st = (FitState *) PG_GETARG_POINTER(0);
	int64		head[3];
	Size		data = sizeof(double) * (Size) (st->nrows * (st->p + 2)),
				size;
	bytea	   *out;
	char	   *p;

	risk_agg_context(fcinfo, "risk_internal._mlp_fit_serialize");
	head[0] = st->p;
	head[1] = st->nrows;
	head[2] = st->options ? VARSIZE(st->options) : 0;
	size = VARHDRSZ + sizeof(head) + head[2] + data;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a partial state of risk.mlp_fit would hold " INT64_FORMAT " rows of %d features, more than 1 GB",
						st->nrows, st->p),
				 errhint("Run it without parallel workers (SET max_parallel_workers_per_gather = 0), or train over the table with risk.mlp_fit_table.")));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, head, sizeof(head));
	p += sizeof(head);
	if (head[2] > 0)
		memcpy(p, st->options, head[2]);
	p += head[2];
	if (data > 0)
		memcpy(p, st->rows, data);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_mlp_fit_deserialize);
Datum
risk_mlp_fit_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._mlp_fit_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	int64		head[3];
	Jsonb	   *options = NULL;
	FitState   *st;

	if (len < sizeof(head))
		mlp_damaged();
	memcpy(head, p, sizeof(head));
	p += sizeof(head);
	if (head[0] < 1 || head[0] > RK_MLP_MAX_UNITS || head[1] < 0 || head[2] < 0
		|| (Size) head[2] > len - sizeof(head)
		|| (Size) head[1] * (head[0] + 2) * sizeof(double) != len - sizeof(head) - head[2])
		mlp_damaged();
	if (head[2] > 0)
	{
		options = palloc(head[2]);
		memcpy(options, p, head[2]);
		if (VARSIZE(options) != head[2])
			mlp_damaged();
	}
	p += head[2];
	st = fit_new(ctx, (int) head[0], options);
	fit_reserve(st, ctx, head[1]);
	if (head[1] > 0)
		memcpy(st->rows, p, sizeof(double) * (Size) (head[1] * (head[0] + 2)));
	st->nrows = head[1];
	PG_RETURN_POINTER(st);
}

/* The options of mlp_fit, read and checked. */
typedef struct FitOptions
{
	int			sizes[RK_MLP_MAX_HIDDEN + 2];
	int			nlayers;
	int			act;
	rk_mlp_options o;
	double		class_weight[2];
} FitOptions;

static double
opt_num(JsonbValue *v, const char *key)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a number", key)));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

static int
opt_int(JsonbValue *v, const char *key, int lo, int hi)
{
	double		x = opt_num(v, key);

	if (!(x >= lo && x <= hi && x == floor(x)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be an integer from %d to %d, got %s", key, lo, hi,
						float8out_internal(x))));
	return (int) x;
}

static double
opt_range(JsonbValue *v, const char *key, double lo, double hi, bool open_lo, bool open_hi)
{
	double		x = opt_num(v, key);

	if (!(open_lo ? x > lo : x >= lo) || !(open_hi ? x < hi : x <= hi) || !isfinite(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must lie in %s%s, %s%s, got %s", key, open_lo ? "(" : "[",
						float8out_internal(lo), isinf(hi) ? "inf" : float8out_internal(hi),
						open_hi ? ")" : "]", float8out_internal(x))));
	return x;
}

static const char *
opt_string(JsonbValue *v, const char *key)
{
	if (v->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a string", key)));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * The starting parameters of option "init": an object with the "weights"
 * and "biases" of a model of the shape being trained (one array per
 * layer), such as the text of a risk.mlp cast to jsonb.
 */
static double *
init_of(JsonbValue *v, const FitOptions *f)
{
	int64		nw,
				np = rk_mlp_nparams(f->nlayers, f->sizes, &nw),
				wo = 0,
				bo = nw;
	double	   *theta = palloc(sizeof(double) * np);
	JsonbContainer *ws,
			   *bs;
	JsonbValue *a,
			   *b;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data)
		|| (a = risk_json_key(v->val.binary.data, "weights")) == NULL
		|| (b = risk_json_key(v->val.binary.data, "biases")) == NULL
		|| a->type != jbvBinary || !JsonContainerIsArray(a->val.binary.data)
		|| b->type != jbvBinary || !JsonContainerIsArray(b->val.binary.data)
		|| (int) JsonContainerSize((ws = a->val.binary.data)) != f->nlayers
		|| (int) JsonContainerSize((bs = b->val.binary.data)) != f->nlayers)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"init\" must be an object with the \"weights\" and \"biases\" of each of the %d layers",
						f->nlayers),
				 errhint("The text of a risk.mlp of the same shape, cast to jsonb, is one.")));
	for (int l = 0; l < f->nlayers; l++)
	{
		JsonbValue *lw = getIthJsonbValueFromContainer(ws, l),
				   *lb = getIthJsonbValueFromContainer(bs, l);
		int64		cells = (int64) f->sizes[l] * f->sizes[l + 1];

		if (lw == NULL || lw->type != jbvBinary || !JsonContainerIsArray(lw->val.binary.data)
			|| JsonContainerSize(lw->val.binary.data) != cells
			|| lb == NULL || lb->type != jbvBinary || !JsonContainerIsArray(lb->val.binary.data)
			|| JsonContainerSize(lb->val.binary.data) != (uint32) f->sizes[l + 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"init\": layer %d must have " INT64_FORMAT " weights and %d biases",
							l + 1, cells, f->sizes[l + 1])));
		for (int64 i = 0; i < cells; i++)
			theta[wo + i] = opt_num(getIthJsonbValueFromContainer(lw->val.binary.data, (uint32) i), "init");
		for (int j = 0; j < f->sizes[l + 1]; j++)
			theta[bo + j] = opt_num(getIthJsonbValueFromContainer(lb->val.binary.data, j), "init");
		wo += cells;
		bo += f->sizes[l + 1];
	}
	return theta;
}

static void
fit_options(Jsonb *opt, int p, FitOptions *f)
{
	static const char *const keys[] = {"hidden", "activation", "alpha", "solver", "max_epochs",
		"batch_size", "learning_rate", "beta1", "beta2", "epsilon", "tol", "ftol", "patience",
	"validation_fraction", "class_weight", "seed", "init"};
	JsonbValue *v;

	memset(f, 0, sizeof(*f));
	f->nlayers = 2;
	f->sizes[0] = p;
	f->sizes[1] = 16;
	f->sizes[2] = 1;
	f->act = RK_MLP_RELU;
	f->o.solver = RK_MLP_LBFGS;
	f->o.alpha = 1e-4;
	f->o.max_epochs = 200;
	f->o.batch_size = 200;
	f->o.learning_rate = 1e-3;
	f->o.beta1 = 0.9;
	f->o.beta2 = 0.999;
	f->o.epsilon = 1e-8;
	f->o.tol = 1e-4;
	f->o.ftol = 2.220446049250313e-09;	/* SciPy's L-BFGS-B default, as scikit-learn runs it */
	f->o.patience = 10;
	f->class_weight[0] = f->class_weight[1] = 1;
	if (opt == NULL)
		return;
	risk_check_options(opt, "risk.mlp_fit", keys, lengthof(keys));
	if ((v = risk_option(opt, "hidden")) != NULL)
	{
		JsonbContainer *a;
		int			nh;

		if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"hidden\" must be an array of layer sizes, e.g. [32, 16]")));
		a = v->val.binary.data;
		nh = (int) JsonContainerSize(a);
		if (nh > RK_MLP_MAX_HIDDEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("at most %d hidden layers, got %d", RK_MLP_MAX_HIDDEN, nh)));
		for (int l = 0; l < nh; l++)
			f->sizes[l + 1] = opt_int(getIthJsonbValueFromContainer(a, l), "hidden", 1, RK_MLP_MAX_UNITS);
		f->nlayers = nh + 1;
		f->sizes[nh + 1] = 1;
	}
	if ((v = risk_option(opt, "activation")) != NULL)
		f->act = activation_of(opt_string(v, "activation"));
	if ((v = risk_option(opt, "solver")) != NULL)
	{
		const char *solver = opt_string(v, "solver");

		f->o.solver = risk_choice_str(solver, strlen(solver), solver_names, lengthof(solver_names),
									  "solver", "Use 'lbfgs' (full batch) or 'adam' (mini-batches).");
	}
	if ((v = risk_option(opt, "alpha")) != NULL)
		f->o.alpha = opt_range(v, "alpha", 0, INFINITY, false, true);
	if ((v = risk_option(opt, "max_epochs")) != NULL)
		f->o.max_epochs = opt_int(v, "max_epochs", 1, 100000);
	if ((v = risk_option(opt, "batch_size")) != NULL)
		f->o.batch_size = opt_int(v, "batch_size", 1, INT_MAX);
	if ((v = risk_option(opt, "learning_rate")) != NULL)
		f->o.learning_rate = opt_range(v, "learning_rate", 0, INFINITY, true, true);
	if ((v = risk_option(opt, "beta1")) != NULL)
		f->o.beta1 = opt_range(v, "beta1", 0, 1, false, true);
	if ((v = risk_option(opt, "beta2")) != NULL)
		f->o.beta2 = opt_range(v, "beta2", 0, 1, false, true);
	if ((v = risk_option(opt, "epsilon")) != NULL)
		f->o.epsilon = opt_range(v, "epsilon", 0, INFINITY, true, true);
	if ((v = risk_option(opt, "tol")) != NULL)
		f->o.tol = opt_range(v, "tol", 0, INFINITY, false, true);
	if ((v = risk_option(opt, "ftol")) != NULL)
		f->o.ftol = opt_range(v, "ftol", 0, 1, false, true);
	if ((v = risk_option(opt, "patience")) != NULL)
		f->o.patience = opt_int(v, "patience", 1, 100000);
	if ((v = risk_option(opt, "validation_fraction")) != NULL)
		f->o.validation_fraction = opt_range(v, "validation_fraction", 0, 1, false, true);
	if ((v = risk_option(opt, "seed")) != NULL)
	{
		double		s = opt_num(v, "seed");

		if (!(s >= 0 && s <= 9007199254740992.0 && s == floor(s)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"seed\" must be an integer from 0 to 2^53, got %s",
							float8out_internal(s))));
		f->o.seed = (uint64) s;
	}
	{
		int64		np = rk_mlp_nparams(f->nlayers, f->sizes, NULL);

		if (np > MLP_MAX_PARAMS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a network of " INT64_FORMAT " parameters (" INT64_FORMAT " MB each copy) is too large; at most %d",
							np, np * (int64) sizeof(double) / (1024 * 1024), MLP_MAX_PARAMS)));
	}
	if ((v = risk_option(opt, "init")) != NULL)
		f->o.init = init_of(v, f);
	if ((v = risk_option(opt, "class_weight")) != NULL)
	{
		if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"class_weight\" must be an object {\"0\": weight, \"1\": weight}")));
		for (int c = 0; c < 2; c++)
		{
			JsonbValue *cw = risk_json_key(v->val.binary.data, c ? "1" : "0");

			if (cw != NULL)
				f->class_weight[c] = opt_range(cw, "class_weight", 0, INFINITY, true, true);
		}
	}
}

/* Rows in a canonical order (lexicographic on y, weight, x): any arrival order trains alike. */
static int
row_cmp(const void *a, const void *b, void *arg)
{
	const double *x = a,
			   *y = b;
	int			width = *(const int *) arg;

	for (int i = 0; i < width; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

PG_FUNCTION_INFO_V1(risk_mlp_fit_final);
Datum
risk_mlp_fit_final(PG_FUNCTION_ARGS)
{
	FitState   *st = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitOptions	f;
	rk_mlp		shape;
	rk_mlp_history hist;
	Mlp		   *m;
	double	   *x,
			   *y,
			   *w,
			   *mean,
			   *scale,
			   *theta;
	int64		n,
				np;
	int			p;
	bool		weighted = false;
	rk_status	rc;

	if (st == NULL || st->nrows == 0)
		PG_RETURN_NULL();
	p = st->p;
	n = st->nrows;
	fit_options(st->options, p, &f);
	/* without ORDER BY the rows arrive in any order (parallel workers too) */
	if (!st->ordered)
	{
		int			width = p + 2;

		qsort_arg(st->rows, (size_t) n, sizeof(double) * width, row_cmp, &width);
	}
	x = palloc_extended(sizeof(double) * (Size) (n * p), MCXT_ALLOC_HUGE);
	y = palloc_extended(sizeof(double) * (Size) n, MCXT_ALLOC_HUGE);
	w = palloc_extended(sizeof(double) * (Size) n, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < n; i++)
	{
		const double *r = st->rows + i * (p + 2);

		y[i] = r[0];
		w[i] = r[1] * f.class_weight[r[0] > 0];
		weighted |= w[i] != 1;
		memcpy(x + i * p, r + 2, sizeof(double) * p);
	}
	np = rk_mlp_nparams(f.nlayers, f.sizes, NULL);
	shape.nlayers = f.nlayers;
	shape.sizes = f.sizes;
	shape.act = (rk_mlp_act) f.act;
	shape.mean = shape.scale = shape.theta = NULL;
	mean = palloc(sizeof(double) * p);
	scale = palloc(sizeof(double) * p);
	theta = palloc(sizeof(double) * np);
	hist.train_loss = palloc(sizeof(double) * f.o.max_epochs);
	hist.valid_loss = palloc(sizeof(double) * f.o.max_epochs);
	rc = rk_mlp_fit(&shape, &f.o, x, y, weighted ? w : NULL, n, mean, scale, theta, &hist);
	if (rc == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the training rows have a single outcome; a PD model needs defaults and non-defaults")));
	if (rc == RK_TOO_FEW)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a validation split of " INT64_FORMAT " rows leaves no row on one side", n)));
	if (rc == RK_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the training diverged: the loss is not finite after epoch %d", hist.epochs + 1),
				 errhint("Lower the learning rate (now %s), or raise alpha.",
						 float8out_internal(f.o.learning_rate))));
	risk_raise(rc, "mlp_fit");
	for (int64 k = 0; k < np; k++)
		if (!isfinite(theta[k]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("the training diverged: parameter " INT64_FORMAT " is %s", k + 1,
							float8out_internal(theta[k])),
					 errhint("Lower the learning rate, or raise alpha.")));
	m = mlp_new(f.nlayers, f.sizes, f.act, hist.epochs);
	memcpy(m->mean, mean, sizeof(double) * p);
	memcpy(m->scale, scale, sizeof(double) * p);
	memcpy(m->theta, theta, sizeof(double) * np);
	memcpy(m->train_loss, hist.train_loss, sizeof(double) * hist.epochs);
	memcpy(m->valid_loss, hist.valid_loss, sizeof(double) * hist.epochs);
	m->h->kept = hist.kept;
	m->h->converged = hist.converged;
	m->h->solver = f.o.solver;
	m->h->alpha = f.o.alpha;
	m->h->max_epochs = f.o.max_epochs;
	m->h->batch_size = f.o.batch_size;
	m->h->learning_rate = f.o.learning_rate;
	m->h->tol = f.o.tol;
	m->h->ftol = f.o.ftol;
	m->h->patience = f.o.patience;
	m->h->validation_fraction = f.o.validation_fraction;
	m->h->class_weight[0] = f.class_weight[0];
	m->h->class_weight[1] = f.class_weight[1];
	m->h->seed = (int64) f.o.seed;
	m->h->rows = n;
	PG_RETURN_POINTER(m->h);
}

/* ---------------------------------------------------------------------
 * Over a table: _mlp_step(y, x, weight, model, gradient) adds up, in one
 * pass (parallel: partial sums add), the count, the weights, the
 * defaults, sum w l and, when asked, sum w dl/dtheta at the model's
 * parameters; risk.mlp_fit_table drives L-BFGS with one pass per
 * evaluation.
 * --------------------------------------------------------------------- */

#define STEP_BLOCK 256
#define STEP_HDR 4				/* count, weight, defaults, loss */

typedef struct StepState
{
	int64		np;				/* parameters; -1 until the first row */
	bool		want_grad;
	MlpHeader  *model;			/* a copy, decoded into m (NULL after deserialize) */
	Mlp			m;
	int			nb;				/* rows waiting in the block */
	double	   *z,
			   *y,
			   *w;				/* STEP_BLOCK rows, standardized */
	double	   *sum,
			   *comp;			/* STEP_HDR + np sums and their compensations */
	double	   *grad;			/* np: one block's gradient sums */
} StepState;

static StepState *
step_new(MemoryContext ctx, int64 np, bool want_grad)
{
	StepState  *st = MemoryContextAllocZero(ctx, sizeof(StepState));

	st->np = np;
	st->want_grad = want_grad;
	st->sum = MemoryContextAllocZero(ctx, sizeof(double) * (STEP_HDR + np));
	st->comp = MemoryContextAllocZero(ctx, sizeof(double) * (STEP_HDR + np));
	return st;
}

/* Add the waiting block to the sums. */
static void
step_flush(StepState *st)
{
	double		loss;
	rk_mlp		core;

	if (st->nb == 0)
		return;
	core = st->m.core;
	core.mean = core.scale = NULL;	/* the block is standardized */
	risk_raise(rk_mlp_sums(&core, st->z, st->y, st->w, st->nb, &loss,
						   st->want_grad ? st->grad : NULL), "mlp_fit_table");
	rk_sum_add(&st->sum[3], &st->comp[3], loss);
	if (st->want_grad)
		for (int64 k = 0; k < st->np; k++)
			rk_sum_add(&st->sum[STEP_HDR + k], &st->comp[STEP_HDR + k], st->grad[k]);
	st->nb = 0;
}

PG_FUNCTION_INFO_V1(risk_mlp_step_accum);
Datum
risk_mlp_step_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._mlp_step_accum");
	StepState  *st = PG_ARGISNULL(0) ? NULL : (StepState *) PG_GETARG_POINTER(0);
	double		y,
				w,
			   *x;
	int			p;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4) || PG_ARGISNULL(5))
		RISK_RETURN_STATE(st);
	if (st == NULL || st->model == NULL)
	{
		MlpHeader  *h = (MlpHeader *) PG_DETOAST_DATUM(PG_GETARG_DATUM(4));
		MemoryContext old = MemoryContextSwitchTo(ctx);

		if (st == NULL)
			st = step_new(ctx, h->nparams, PG_GETARG_BOOL(5));
		st->model = palloc(VARSIZE(h));
		memcpy(st->model, h, VARSIZE(h));
		mlp_decode(st->model, &st->m);
		if (st->m.h->nparams != st->np)
			risk_param_mismatch("model", "one model", "another", false);
		st->z = palloc(sizeof(double) * STEP_BLOCK * st->m.h->p);
		st->y = palloc(sizeof(double) * STEP_BLOCK);
		st->w = palloc(sizeof(double) * STEP_BLOCK);
		st->grad = palloc(sizeof(double) * st->np);
		MemoryContextSwitchTo(old);
	}
	y = risk_get_flag(fcinfo, 1, "outcome") ? 1.0 : 0.0;
	x = risk_features(PG_GETARG_ARRAYTYPE_P(2), st->m.h->p, &p);
	w = PG_GETARG_FLOAT8(3);
	if (!(w > 0 && isfinite(w)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a row's weight must be positive and finite, got %s", float8out_internal(w))));
	for (int j = 0; j < p; j++)
		st->z[st->nb * p + j] = (x[j] - st->m.mean[j]) / st->m.scale[j];
	st->y[st->nb] = y;
	st->w[st->nb] = w;
	rk_sum_add(&st->sum[0], &st->comp[0], 1);
	rk_sum_add(&st->sum[1], &st->comp[1], w);
	rk_sum_add(&st->sum[2], &st->comp[2], y * w);
	if (++st->nb == STEP_BLOCK)
		step_flush(st);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_mlp_step_combine);
Datum
risk_mlp_step_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._mlp_step_combine");
	StepState  *a = PG_ARGISNULL(0) ? NULL : (StepState *) PG_GETARG_POINTER(0);
	StepState  *b = PG_ARGISNULL(1) ? NULL : (StepState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		RISK_RETURN_STATE(a);
	step_flush(b);
	if (a == NULL)
		a = step_new(ctx, b->np, b->want_grad);
	else
	{
		step_flush(a);
		if (a->np != b->np)
			risk_param_mismatch("model", "one model", "another", false);
	}
	for (int64 k = 0; k < STEP_HDR + a->np; k++)
	{
		rk_sum_add(&a->sum[k], &a->comp[k], b->sum[k]);
		rk_sum_add(&a->sum[k], &a->comp[k], b->comp[k]);
	}
	PG_RETURN_POINTER(a);
}

/* A partial state: np, the gradient flag, the sums and their compensations. */
PG_FUNCTION_INFO_V1(risk_mlp_step_serialize);
Datum
risk_mlp_step_serialize(PG_FUNCTION_ARGS)
{
	StepState  *st = (StepState *) PG_GETARG_POINTER(0);
	Size		n = STEP_HDR + st->np,
				size = VARHDRSZ + 2 * sizeof(int64) + 2 * n * sizeof(double);
	bytea	   *out;
	int64		head[2];

	risk_agg_context(fcinfo, "risk_internal._mlp_step_serialize");
	step_flush(st);
	out = palloc(size);
	SET_VARSIZE(out, size);
	head[0] = st->np;
	head[1] = st->want_grad;
	memcpy(VARDATA(out), head, sizeof(head));
	memcpy(VARDATA(out) + sizeof(head), st->sum, n * sizeof(double));
	memcpy(VARDATA(out) + sizeof(head) + n * sizeof(double), st->comp, n * sizeof(double));
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_mlp_step_deserialize);
Datum
risk_mlp_step_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._mlp_step_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	Size		len = VARSIZE_ANY_EXHDR(in);
	int64		head[2];
	StepState  *st;

	if (len < sizeof(head))
		mlp_damaged();
	memcpy(head, VARDATA_ANY(in), sizeof(head));
	if (head[0] < 1 || head[0] > (int64) (MaxAllocSize / sizeof(double))
		|| len != sizeof(head) + 2 * (STEP_HDR + head[0]) * sizeof(double))
		mlp_damaged();
	st = step_new(ctx, head[0], head[1] != 0);
	memcpy(st->sum, VARDATA_ANY(in) + sizeof(head), (STEP_HDR + head[0]) * sizeof(double));
	memcpy(st->comp, VARDATA_ANY(in) + sizeof(head) + (STEP_HDR + head[0]) * sizeof(double),
		   (STEP_HDR + head[0]) * sizeof(double));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_mlp_step_final);
Datum
risk_mlp_step_final(PG_FUNCTION_ARGS)
{
	StepState  *st = PG_ARGISNULL(0) ? NULL : (StepState *) PG_GETARG_POINTER(0);
	double	   *v;
	int64		n;

	if (st == NULL)
		PG_RETURN_NULL();
	step_flush(st);
	n = STEP_HDR + (st->want_grad ? st->np : 0);
	v = palloc(sizeof(double) * n);
	for (int64 k = 0; k < n; k++)
		v[k] = st->sum[k] + st->comp[k];
	PG_RETURN_DATUM(risk_float8_array(v, (int) n));
}

/* The driver: passes over the table, L-BFGS between them. */
typedef struct TableFit
{
	SPIPlanPtr	train_q,
				valid_q;		/* _mlp_step over the training (validation) rows, prepared */
	Oid			argtypes[2];
	Mlp		   *m;				/* the model being trained (theta updated in place) */
	double		alpha;
	double		wtrain;
	int			patience;
	double		tol;
	int			max_epochs;
	int			epochs,
				kept,
				stale;
	double		best;
	double	   *best_theta,
			   *train_loss,
			   *valid_loss;
	ErrorData  *error;			/* an error raised inside a pass, raised again outside libLBFGS */
	bool		stop_early;
	MemoryContext ctx;
} TableFit;

/* One pass: the step's values at theta, or NULL (an error kept in t->error). */
static double *
table_pass(TableFit *t, SPIPlanPtr q, const double *theta, bool grad, int64 *n)
{
	MemoryContext old = CurrentMemoryContext;
	double	   *volatile out = NULL;

	if (t->error)
		return NULL;
	PG_TRY();
	{
		Datum		args[2];
		bool		isnull;
		int			k;
		double	   *v;

		memcpy(t->m->theta, theta, sizeof(double) * t->m->h->nparams);
		args[0] = PointerGetDatum(t->m->h);
		args[1] = BoolGetDatum(grad);
		/* no row limit: a limit would turn parallel query off */
		if (SPI_execute_plan(q, args, NULL, true, 0) != SPI_OK_SELECT
			|| SPI_processed != 1)
			elog(ERROR, "mlp_fit_table: a pass over the table failed");
		v = NULL;
		{
			Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

			if (!isnull)
			{
				MemoryContextSwitchTo(t->ctx);
				v = risk_float8_values(DatumGetArrayTypePCopy(d), "step", -1, &k);
				*n = k;
			}
		}
		SPI_freetuptable(SPI_tuptable);
		out = v;
		CHECK_FOR_INTERRUPTS();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(t->ctx);
		t->error = CopyErrorData();
		FlushErrorState();
		out = NULL;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	return out;
}

static lbfgsfloatval_t
table_evaluate(void *inst, const lbfgsfloatval_t *x, lbfgsfloatval_t *g, const int n,
			   const lbfgsfloatval_t step)
{
	TableFit   *t = inst;
	int64		k,
				nw;
	double	   *v = table_pass(t, t->train_q, x, true, &k),
				pen = 0;

	if (v == NULL || k != STEP_HDR + n)
		return get_float8_nan();	/* stops the line search; the error is raised after */
	rk_mlp_nparams(t->m->h->nlayers, t->m->sizes, &nw);
	for (int64 i = 0; i < nw; i++)
		pen += x[i] * x[i];
	for (int i = 0; i < n; i++)
		g[i] = (v[STEP_HDR + i] + (i < nw ? t->alpha * x[i] : 0)) / v[1];
	return v[3] / v[1] + t->alpha / (2 * v[1]) * pen;
}

static int
table_progress(void *inst, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g,
			   const lbfgsfloatval_t fx, const lbfgsfloatval_t xnorm,
			   const lbfgsfloatval_t gnorm, const lbfgsfloatval_t step, int n, int k, int ls)
{
	TableFit   *t = inst;
	double		track = fx;

	if (t->error)
		return 1;
	t->train_loss[t->epochs] = fx;
	t->valid_loss[t->epochs] = get_float8_nan();
	if (t->valid_q)
	{
		int64		nv;
		double	   *v = table_pass(t, t->valid_q, x, false, &nv);

		if (v == NULL)
			return 1;
		track = t->valid_loss[t->epochs] = v[3] / v[1];
	}
	t->epochs++;
	if (t->epochs == 1 || !(track > t->best - t->tol))
		t->stale = 0;
	else
		t->stale++;
	if (t->epochs == 1 || track < t->best)
		t->best = track;
	if (!t->valid_q || track == t->best)
	{
		t->kept = t->epochs;
		memcpy(t->best_theta, x, sizeof(double) * n);
	}
	if (t->valid_q && t->stale > t->patience)
	{
		t->stop_early = true;
		return 1;
	}
	/* every |g_i| <= tol: converged (SciPy's gtol test) */
	for (int i = 0; i < n; i++)
		if (!(fabs(g[i]) <= t->tol))
			return 0;
	t->stop_early = true;
	return 1;
}

static char *
quoted_columns(ArrayType *names, int *n)
{
	Datum	   *d;
	bool	   *nulls;
	StringInfoData s;

	deconstruct_array(names, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &d, &nulls, n);
	initStringInfo(&s);
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature column names must not be NULL")));
		appendStringInfo(&s, "%s%s", i ? ", " : "", quote_identifier(NameStr(*DatumGetName(d[i]))));
	}
	return s.data;
}

/* The type of column `col` of relation rel, or ERROR when it has none. */
static Oid
column_type(Oid rel, const char *col, const char *what)
{
	AttrNumber	a = get_attnum(rel, col);

	if (a == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("%s column \"%s\" of %s does not exist", what, col, get_rel_name(rel))));
	return get_atttype(rel, a);
}

PG_FUNCTION_INFO_V1(risk_mlp_fit_table);
Datum
risk_mlp_fit_table(PG_FUNCTION_ARGS)
{
	Oid			rel;
	char	   *relname,
			   *ycol,
			   *cols,
			   *wexpr,
			   *where,
			   *vwhere = NULL,
			   *stats_q;
	int			p;
	Oid			ytype;
	FitOptions	f;
	TableFit	t;
	Mlp		   *m;
	int64		np,
				nrows;
	lbfgs_parameter_t param;
	lbfgsfloatval_t *xv,
				fx;
	int			ret;
	StringInfoData q;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source, y and x must not be NULL")));
	rel = PG_GETARG_OID(0);
	if (get_rel_name(rel) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", rel)));
	relname = DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(rel)));
	ycol = NameStr(*PG_GETARG_NAME(1));
	ytype = column_type(rel, ycol, "the outcome");
	if (ytype != BOOLOID && ytype != INT2OID && ytype != INT4OID && ytype != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the outcome column %s of %s must be boolean or a 0/1 integer", ycol, relname)));
	cols = quoted_columns(PG_GETARG_ARRAYTYPE_P(2), &p);
	if (p < 1 || p > RK_MLP_MAX_UNITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a model has 1 to %d features, got %d", RK_MLP_MAX_UNITS, p)));
	fit_options(PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3), p, &f);
	if (f.o.solver != RK_MLP_LBFGS)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("risk.mlp_fit_table trains with L-BFGS only (one pass over the table per evaluation)"),
				 errhint("Train with Adam on rows that fit in memory with the aggregate risk.mlp_fit.")));
	if (f.o.validation_fraction > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("risk.mlp_fit_table takes its validation rows from a boolean column (argument validation), not validation_fraction")));
	wexpr = PG_ARGISNULL(4) ? pstrdup("1::float8")
		: psprintf("%s::float8", quote_identifier(NameStr(*PG_GETARG_NAME(4))));
	if (!PG_ARGISNULL(4))
		column_type(rel, NameStr(*PG_GETARG_NAME(4)), "the weight");
	/* the outcome's class weight goes into the row's weight */
	wexpr = psprintf("%s * CASE WHEN %s%s THEN %s ELSE %s END", wexpr, quote_identifier(ycol),
					 ytype == BOOLOID ? "" : " = 1", float8out_internal(f.class_weight[1]),
					 float8out_internal(f.class_weight[0]));
	where = psprintf("%s IS NOT NULL", quote_identifier(ycol));
	if (!PG_ARGISNULL(5))
	{
		char	   *vcol = NameStr(*PG_GETARG_NAME(5));

		if (column_type(rel, vcol, "the validation") != BOOLOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("the validation column %s of %s must be boolean", vcol, relname)));
		vwhere = psprintf("%s AND %s IS TRUE", where, quote_identifier(vcol));
		where = psprintf("%s AND %s IS NOT TRUE", where, quote_identifier(vcol));
	}

	memset(&t, 0, sizeof(t));
	t.ctx = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "mlp_fit_table: SPI_connect failed");
	/*
	 * The standardization: each feature's mean and population deviation,
	 * weighted as the rows are (a pass for the means, one for the
	 * deviations about them)
	 */
	{
		char	  **col = palloc(sizeof(char *) * p);
		char	   *c = pstrdup(cols),
				   *save = NULL;
		int			j = 0;
		bool		isnull;
		double		wsum;

		for (char *tok = strtok_r(c, ",", &save); tok && j < p; tok = strtok_r(NULL, ",", &save))
		{
			while (*tok == ' ')
				tok++;
			col[j++] = tok;
		}
		initStringInfo(&q);
		appendStringInfo(&q, "SELECT count(*), sum(%s)", wexpr);
		for (j = 0; j < p; j++)
			appendStringInfo(&q, ", sum((%s) * %s::float8)", wexpr, col[j]);
		appendStringInfo(&q, " FROM %s WHERE %s", relname, where);
		stats_q = q.data;
		if (SPI_execute(stats_q, true, 0) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "mlp_fit_table: the standardization pass failed");
		nrows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		if (nrows == 0)
		{
			SPI_finish();
			PG_RETURN_NULL();
		}
		wsum = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		if (isnull || !(wsum > 0 && isfinite(wsum)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the weights of %s sum to %s; they must be positive and finite", relname,
							isnull ? "NULL" : float8out_internal(wsum))));
		m = mlp_new(f.nlayers, f.sizes, f.act, f.o.max_epochs);
		for (j = 0; j < p; j++)
		{
			Datum		a = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3 + j, &isnull);

			m->mean[j] = isnull ? 0 : DatumGetFloat8(a) / wsum;
			if (!isfinite(m->mean[j]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("feature %d has a mean of %s over the table", j + 1,
								float8out_internal(m->mean[j]))));
		}
		SPI_freetuptable(SPI_tuptable);
		initStringInfo(&q);
		appendStringInfoString(&q, "SELECT 0");
		for (j = 0; j < p; j++)
			appendStringInfo(&q, ", sum((%s) * (%s::float8 - %s) ^ 2)", wexpr, col[j],
							 float8out_internal(m->mean[j]));
		appendStringInfo(&q, " FROM %s WHERE %s", relname, where);
		if (SPI_execute(q.data, true, 0) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "mlp_fit_table: the standardization pass failed");
		for (j = 0; j < p; j++)
		{
			Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2 + j, &isnull);
			double		sd = isnull ? 0 : sqrt(DatumGetFloat8(v) / wsum);

			m->scale[j] = sd > 0 && isfinite(sd) ? sd : 1;
		}
	}
	SPI_freetuptable(SPI_tuptable);
	t.m = m;
	np = m->h->nparams;
	t.argtypes[0] = get_func_rettype(fcinfo->flinfo->fn_oid);	/* risk.mlp */
	t.argtypes[1] = BOOLOID;
	/* prepared once; a parallel plan where the planner chooses one */
	t.train_q = SPI_prepare_cursor(psprintf("SELECT risk_internal._mlp_step(%s::int4, ARRAY[%s]::float8[], %s, $1, $2) FROM %s WHERE %s",
											quote_identifier(ycol), cols, wexpr, relname, where),
								   2, t.argtypes, CURSOR_OPT_PARALLEL_OK);
	if (t.train_q == NULL)
		elog(ERROR, "mlp_fit_table: preparing a pass failed: %s", SPI_result_code_string(SPI_result));
	if (vwhere)
	{
		t.valid_q = SPI_prepare_cursor(psprintf("SELECT risk_internal._mlp_step(%s::int4, ARRAY[%s]::float8[], %s, $1, $2) FROM %s WHERE %s",
												quote_identifier(ycol), cols, wexpr, relname, vwhere),
									   2, t.argtypes, CURSOR_OPT_PARALLEL_OK);
		if (t.valid_q == NULL)
			elog(ERROR, "mlp_fit_table: preparing a pass failed: %s", SPI_result_code_string(SPI_result));
	}
	t.alpha = f.o.alpha;
	t.patience = f.o.patience;
	t.tol = f.o.tol;
	t.max_epochs = f.o.max_epochs;
	t.best_theta = palloc(sizeof(double) * np);
	t.train_loss = m->train_loss;
	t.valid_loss = m->valid_loss;
	/* the start, checked on the table: both outcomes among the training rows */
	{
		int64		k;
		double	   *v;

		if (f.o.init)
			memcpy(m->theta, f.o.init, sizeof(double) * np);
		else
			risk_raise(rk_mlp_init(f.nlayers, f.sizes, (rk_mlp_act) f.act, f.o.seed, m->theta),
					   "mlp_fit_table");
		memcpy(t.best_theta, m->theta, sizeof(double) * np);
		v = table_pass(&t, t.train_q, t.best_theta, false, &k);
		if (t.error)
			ReThrowError(t.error);
		if (v == NULL || v[0] == 0)
		{
			SPI_finish();
			PG_RETURN_NULL();
		}
		if (v[2] == 0 || v[2] == v[1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the training rows have a single outcome; a PD model needs defaults and non-defaults")));
		if (t.valid_q)
		{
			double	   *vv = table_pass(&t, t.valid_q, t.best_theta, false, &k);

			if (t.error)
				ReThrowError(t.error);
			if (vv == NULL || vv[0] == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("no row of %s is marked for validation", relname)));
		}
	}
	xv = lbfgs_malloc((int) np);
	if (xv == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory for " INT64_FORMAT " parameters", np)));
	memcpy(xv, m->theta, sizeof(double) * np);
	lbfgs_parameter_init(&param);
	param.m = 10;
	param.max_iterations = f.o.max_epochs;
	param.epsilon = 0;			/* the gradient test is table_progress's */
	param.past = f.o.ftol > 0 ? 1 : 0;
	param.delta = f.o.ftol;
	ret = lbfgs((int) np, xv, &fx, table_evaluate, table_progress, &t, &param);
	lbfgs_free(xv);
	if (t.error)
		ReThrowError(t.error);
	if (t.epochs == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("L-BFGS made no step (status %d): the loss is not finite at the start", ret)));
	SPI_finish();
	memcpy(m->theta, t.best_theta, sizeof(double) * np);
	m->h->epochs = t.epochs;
	{
		/* the history shrinks to the epochs run: a new value of the right size */
		Mlp		   *r = mlp_new(f.nlayers, f.sizes, f.act, t.epochs);

		memcpy(r->mean, m->mean, sizeof(double) * p);
		memcpy(r->scale, m->scale, sizeof(double) * p);
		memcpy(r->theta, m->theta, sizeof(double) * np);
		memcpy(r->train_loss, t.train_loss, sizeof(double) * t.epochs);
		memcpy(r->valid_loss, t.valid_loss, sizeof(double) * t.epochs);
		r->h->kept = t.kept;
		r->h->converged = t.stop_early || ret == LBFGS_SUCCESS || ret == LBFGS_STOP
			|| ret == LBFGS_ALREADY_MINIMIZED || ret == LBFGSERR_ROUNDING_ERROR;
		r->h->solver = RK_MLP_LBFGS;
		r->h->alpha = f.o.alpha;
		r->h->max_epochs = f.o.max_epochs;
		r->h->tol = f.o.tol;
		r->h->ftol = f.o.ftol;
		r->h->patience = f.o.patience;
		r->h->class_weight[0] = f.class_weight[0];
		r->h->class_weight[1] = f.class_weight[1];
		r->h->seed = (int64) f.o.seed;
		r->h->rows = nrows;
		PG_RETURN_POINTER(r->h);
	}
}
