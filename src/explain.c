/*
 * explain.c
 *     SQL face of explainable and fair credit decisions: reason codes of a
 *     scorecard, exact Shapley values of logistic and neural-network PD
 *     models, fairness metrics by group.  The numerics are the core's
 *     (core/explain.c).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "risk.h"
#include "core/explain.h"
#include "core/validation.h"
#include "mlp_value.h"

/* ---- reason codes ----------------------------------------------------- */

/*
 * A scorecard is read once per statement (SPI, with the caller's
 * privileges and snapshot), as risk.risk_profile reads a questionnaire:
 * again when its name changes, or the command or the transaction does.
 * The characteristics are kept in position order, with their names sorted
 * apart for the lookup of an applicant's keys; reason codes are numbered
 * in the order of their first characteristic (the characteristic's code,
 * then its bins' own codes).
 */
typedef struct ScBin
{
	int			number;			/* the bin's number in risk.scorecard_bin */
	double		points;
	int			code;			/* index of its reason code */
	char	   *category;		/* RK_BIN_CATEGORY */
	int			catlen;
} ScBin;

typedef struct ScChar
{
	char	   *name;
	int			nbins;
	ScBin	   *bins;			/* in bin order */
	int		   *kinds;			/* rk_bin_kind of each bin */
	double	   *lowers;			/* NaN: unbounded */
	double	   *uppers;
	bool		right_closed;
	double		baseline;		/* by the scorecard's method */
} ScChar;

typedef struct ScCache
{
	LocalTransactionId lxid;
	CommandId	cid;
	MemoryContext cxt;
	char	   *scorecard;
	double		hash;			/* of the name, for the aggregate's state */
	double		initial;
	bool		above;			/* points_above */
	int			nchars;
	ScChar	   *chars;			/* position order */
	char	  **sorted;			/* the names, by their bytes */
	int		   *sorted_index;	/* position of sorted[i] */
	int			ncodes;
	char	  **codes;
	/* per call */
	int		   *chosen;			/* bin of each characteristic */
	JsonbValue *values;			/* each characteristic's value (jbvNull: missing) */
	double	   *points;
	double	   *baselines;
	int		   *code;
	rk_reason  *reasons;
	double	   *work;
	int		   *iwork;
} ScCache;

static int
sc_code(ScCache *c, const char *s, int *cap)
{
	for (int i = 0; i < c->ncodes; i++)
		if (strcmp(c->codes[i], s) == 0)
			return i;
	if (c->ncodes == *cap)
	{
		*cap *= 2;
		c->codes = repalloc(c->codes, sizeof(char *) * *cap);
	}
	c->codes[c->ncodes] = MemoryContextStrdup(c->cxt, s);
	return c->ncodes++;
}

static int
sc_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The position of characteristic s (len bytes), or -1. */
static int
sc_find(ScCache *c, const char *s, int len)
{
	int			lo = 0,
				hi = c->nchars - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2,
					alen = strlen(c->sorted[mid]),
					r = memcmp(c->sorted[mid], s, Min(alen, len));

		if (r == 0)
			r = alen - len;
		if (r == 0)
			return c->sorted_index[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static void
sc_load(ScCache *c)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(c->scorecard)};
	MemoryContext old;
	HeapTuple	t;
	TupleDesc	td;
	bool		isnull;
	char	   *method;
	int			cap = 8;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "reason codes: SPI_connect failed");
	if (SPI_execute_with_args("SELECT initial_score, reason_algorithm, baseline_method FROM risk.scorecard "
							  "WHERE scorecard = $1", 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reason codes: reading risk.scorecard failed");
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("scorecard \"%s\" does not exist", c->scorecard),
				 errhint("The scorecards are the rows of risk.scorecard.")));
	t = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	c->initial = DatumGetFloat8(SPI_getbinval(t, td, 1, &isnull));
	c->above = strcmp(SPI_getvalue(t, td, 2), "points_above") == 0;
	method = SPI_getvalue(t, td, 3);

	if (SPI_execute_with_args("SELECT characteristic, reason_code, baseline, right_closed "
							  "FROM risk.scorecard_characteristic WHERE scorecard = $1 ORDER BY position",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reason codes: reading risk.scorecard_characteristic failed");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scorecard \"%s\" has no characteristics", c->scorecard),
				 errhint("The characteristics are the rows of risk.scorecard_characteristic.")));
	old = MemoryContextSwitchTo(c->cxt);
	c->nchars = (int) SPI_processed;
	c->chars = palloc0(sizeof(ScChar) * c->nchars);
	c->sorted = palloc(sizeof(char *) * c->nchars);
	c->sorted_index = palloc(sizeof(int) * c->nchars);
	c->codes = palloc(sizeof(char *) * cap);
	{
		char	  **charcode = palloc(sizeof(char *) * c->nchars);
		double	   *given = palloc(sizeof(double) * c->nchars);
		int			nbins;

		for (int i = 0; i < c->nchars; i++)
		{
			ScChar	   *ch = &c->chars[i];
			Datum		b;

			t = SPI_tuptable->vals[i];
			td = SPI_tuptable->tupdesc;
			ch->name = SPI_getvalue(t, td, 1);
			charcode[i] = SPI_getvalue(t, td, 2);
			b = SPI_getbinval(t, td, 3, &isnull);
			given[i] = isnull ? NAN : DatumGetFloat8(b);
			ch->right_closed = DatumGetBool(SPI_getbinval(t, td, 4, &isnull));
			c->sorted[i] = ch->name;
		}
		qsort(c->sorted, c->nchars, sizeof(char *), sc_name_cmp);
		for (int i = 0; i < c->nchars; i++)
			for (int j = 0; j < c->nchars; j++)
				if (c->sorted[i] == c->chars[j].name)
					c->sorted_index[i] = j;
		MemoryContextSwitchTo(old);

		if (SPI_execute_with_args("SELECT characteristic, bin, lower, upper, category, missing, points, "
								  "reason_code FROM risk.scorecard_bin WHERE scorecard = $1 "
								  "ORDER BY bin", 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "reason codes: reading risk.scorecard_bin failed");
		nbins = (int) SPI_processed;
		old = MemoryContextSwitchTo(c->cxt);
		for (int i = 0; i < c->nchars; i++)
		{
			ScChar	   *ch = &c->chars[i];

			ch->bins = palloc(sizeof(ScBin) * Max(nbins, 1));
			ch->kinds = palloc(sizeof(int) * Max(nbins, 1));
			ch->lowers = palloc(sizeof(double) * Max(nbins, 1));
			ch->uppers = palloc(sizeof(double) * Max(nbins, 1));
		}
		for (int r = 0; r < nbins; r++)
		{
			char	   *name,
					   *cat;
			int			j;
			ScChar	   *ch;
			ScBin	   *bin;
			Datum		d;

			t = SPI_tuptable->vals[r];
			td = SPI_tuptable->tupdesc;
			name = SPI_getvalue(t, td, 1);
			j = sc_find(c, name, strlen(name));
			if (j < 0)
				continue;		/* cannot happen: a foreign key */
			ch = &c->chars[j];
			bin = &ch->bins[ch->nbins];
			bin->number = DatumGetInt32(SPI_getbinval(t, td, 2, &isnull));
			d = SPI_getbinval(t, td, 3, &isnull);
			ch->lowers[ch->nbins] = isnull ? NAN : DatumGetFloat8(d);
			d = SPI_getbinval(t, td, 4, &isnull);
			ch->uppers[ch->nbins] = isnull ? NAN : DatumGetFloat8(d);
			cat = SPI_getvalue(t, td, 5);
			bin->category = cat;
			bin->catlen = cat ? strlen(cat) : 0;
			ch->kinds[ch->nbins] = DatumGetBool(SPI_getbinval(t, td, 6, &isnull)) ? RK_BIN_MISSING
				: cat != NULL ? RK_BIN_CATEGORY : RK_BIN_INTERVAL;
			bin->points = DatumGetFloat8(SPI_getbinval(t, td, 7, &isnull));
			ch->nbins++;
		}
		for (int i = 0; i < c->nchars; i++)
		{
			ScChar	   *ch = &c->chars[i];

			if (ch->nbins == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("characteristic \"%s\" of scorecard \"%s\" has no bins", ch->name,
								c->scorecard),
						 errhint("The bins are the rows of risk.scorecard_bin.")));
		}

		/*
		 * The codes numbered in the order they first appear: each
		 * characteristic's code, then its bins' own codes (equal losses
		 * are ranked in that order)
		 */
		for (int i = 0; i < c->nchars; i++)
		{
			ScChar	   *ch = &c->chars[i];
			int			own = sc_code(c, charcode[i], &cap),
						b = 0;

			for (int k = 0; k < ch->nbins; k++)
				ch->bins[k].code = own;
			for (int r = 0; r < nbins; r++)
			{
				char	   *name,
						   *code;

				t = SPI_tuptable->vals[r];
				td = SPI_tuptable->tupdesc;
				name = SPI_getvalue(t, td, 1);
				if (strcmp(name, ch->name) != 0)
					continue;
				code = SPI_getvalue(t, td, 8);
				if (code != NULL)
					ch->bins[b].code = sc_code(c, code, &cap);
				b++;
			}
		}
		/* baselines by the method */
		for (int i = 0; i < c->nchars; i++)
		{
			ScChar	   *ch = &c->chars[i];

			if (strcmp(method, "given") == 0)
			{
				if (isnan(given[i]))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("characteristic \"%s\" of scorecard \"%s\" has no baseline", ch->name,
									c->scorecard),
							 errhint("With baseline_method given, every characteristic needs its baseline.")));
				ch->baseline = given[i];
			}
			else
			{
				ch->baseline = ch->bins[0].points;
				for (int b = 1; b < ch->nbins; b++)
					ch->baseline = strcmp(method, "max") == 0 ? Max(ch->baseline, ch->bins[b].points)
						: Min(ch->baseline, ch->bins[b].points);
			}
		}
	}
	c->hash = (double) hash_bytes((const unsigned char *) c->scorecard, strlen(c->scorecard));
	c->chosen = palloc(sizeof(int) * c->nchars);
	c->values = palloc(sizeof(JsonbValue) * c->nchars);
	c->points = palloc(sizeof(double) * c->nchars);
	c->baselines = palloc(sizeof(double) * c->nchars);
	c->code = palloc(sizeof(int) * c->nchars);
	c->reasons = palloc(sizeof(rk_reason) * c->ncodes);
	c->work = palloc(sizeof(double) * c->ncodes);
	c->iwork = palloc(sizeof(int) * c->ncodes);
	MemoryContextSwitchTo(old);
	SPI_finish();
}

static ScCache *
sc_cache(FunctionCallInfo fcinfo, text *scorecard)
{
	ScCache    *c = (ScCache *) fcinfo->flinfo->fn_extra;
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	CommandId	cid = snap ? snap->curcid : InvalidCommandId;
	int			len = VARSIZE_ANY_EXHDR(scorecard);
	const char *s = VARDATA_ANY(scorecard);

	if (c != NULL && c->lxid == MyProc->lxid && c->cid == cid
		&& (int) strlen(c->scorecard) == len && memcmp(c->scorecard, s, len) == 0)
		return c;
	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ScCache));
		c->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "scorecard cache",
									   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = c;
	}
	else
		MemoryContextReset(c->cxt);
	c->lxid = InvalidLocalTransactionId;	/* until loaded */
	c->ncodes = 0;
	c->scorecard = MemoryContextAlloc(c->cxt, len + 1);
	memcpy(c->scorecard, s, len);
	c->scorecard[len] = '\0';
	sc_load(c);
	c->lxid = MyProc->lxid;
	c->cid = cid;
	return c;
}

/* The text of a characteristic's value (NULL when missing), for a message or a reason. */
static char *
sc_value_text(const JsonbValue *v)
{
	if (v->type == jbvString)
		return pnstrdup(v->val.string.val, v->val.string.len);
	if (v->type == jbvNumeric)
		return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	return NULL;
}

/*
 * The bin of each characteristic for an applicant (a JSON object), its
 * points into c->points and its reason code into c->code.
 */
static void
sc_eval(ScCache *c, Jsonb *applicant)
{
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_OBJECT(applicant) || JB_ROOT_IS_SCALAR(applicant))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an applicant must be a JSON object of characteristic -> value")));
	for (int i = 0; i < c->nchars; i++)
		c->values[i].type = jbvNull;
	it = JsonbIteratorInit(&applicant->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		int			i;

		if (tok != WJB_KEY)
			continue;
		i = sc_find(c, k.val.string.val, k.val.string.len);
		if (i < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown characteristic \"%.*s\" of scorecard \"%s\"", k.val.string.len,
							k.val.string.val, c->scorecard),
					 errhint("The characteristics are the rows of risk.scorecard_characteristic.")));
		JsonbIteratorNext(&it, &v, true);
		if (v.type != jbvNull && v.type != jbvNumeric && v.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the value of characteristic \"%s\" must be a number, a string or null",
							c->chars[i].name)));
		c->values[i] = v;
	}
	for (int i = 0; i < c->nchars; i++)
	{
		ScChar	   *ch = &c->chars[i];
		JsonbValue *x = &c->values[i];
		int			b = -1;

		if (x->type == jbvNull)
		{
			for (int j = 0; j < ch->nbins && b < 0; j++)
				if (ch->kinds[j] == RK_BIN_MISSING)
					b = j;
			if (b < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("characteristic \"%s\" is missing and scorecard \"%s\" has no bin for a missing value",
								ch->name, c->scorecard),
						 errhint("Give its value, or add a bin with missing = true.")));
		}
		else if (x->type == jbvString)
		{
			for (int j = 0; j < ch->nbins && b < 0; j++)
				if (ch->kinds[j] == RK_BIN_CATEGORY && ch->bins[j].catlen == x->val.string.len
					&& memcmp(ch->bins[j].category, x->val.string.val, x->val.string.len) == 0)
					b = j;
		}
		else
		{
			double		d = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
															   NumericGetDatum(x->val.numeric)));

			if (isfinite(d))
				b = rk_scorecard_bin(ch->nbins, ch->kinds, ch->lowers, ch->uppers, ch->right_closed, d);
		}
		if (b < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("value %s%s%s of characteristic \"%s\" falls in no bin of scorecard \"%s\"",
							x->type == jbvString ? "\"" : "", sc_value_text(x),
							x->type == jbvString ? "\"" : "", ch->name, c->scorecard),
					 errhint("Add a bin that holds it (an interval with a NULL bound is unbounded).")));
		c->chosen[i] = b;
		c->points[i] = ch->bins[b].points;
		c->code[i] = ch->bins[b].code;
	}
}

PG_FUNCTION_INFO_V1(risk_scorecard_points);
Datum
risk_scorecard_points(PG_FUNCTION_ARGS)
{
	ScCache    *c = sc_cache(fcinfo, PG_GETARG_TEXT_PP(0));
	double		s;

	sc_eval(c, PG_GETARG_JSONB_P(1));
	s = c->initial;
	for (int i = 0; i < c->nchars; i++)
		s += c->points[i];
	PG_RETURN_FLOAT8(s);
}

/*
 * The reasons of an applicant, into c->reasons; their number.  Arguments:
 * (scorecard, applicant, max_reasons, baseline), the first two not NULL.
 */
static int
sc_reasons(FunctionCallInfo fcinfo, ScCache *c)
{
	int			max,
				n;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("max_reasons must not be NULL")));
	max = PG_GETARG_INT32(2);
	if (max < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_reasons must be at least 1, got %d", max)));
	sc_eval(c, PG_GETARG_JSONB_P(1));
	if (PG_ARGISNULL(3))
		for (int i = 0; i < c->nchars; i++)
			c->baselines[i] = c->chars[i].baseline;
	else
	{
		double	   *b = risk_float8_values(PG_GETARG_ARRAYTYPE_P(3), "baseline", c->nchars, NULL);

		for (int i = 0; i < c->nchars; i++)
		{
			if (!isfinite(b[i]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the baseline of characteristic \"%s\" is not finite: %s",
								c->chars[i].name, float8out_internal(b[i]))));
			c->baselines[i] = b[i];
		}
	}
	n = rk_reason_rank(c->nchars, c->points, c->baselines, c->code, c->ncodes, c->above,
					   Min(max, c->ncodes), c->reasons, c->work, c->iwork);
	if (n < 0)
		elog(ERROR, "reason codes: a reason code out of range");
	return n;
}

PG_FUNCTION_INFO_V1(risk_reason_codes);
Datum
risk_reason_codes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;
	ScCache    *c;
	int			n;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	c = sc_cache(fcinfo, PG_GETARG_TEXT_PP(0));
	n = sc_reasons(fcinfo, c);
	for (int r = 0; r < n; r++)
	{
		int			j = c->reasons[r].top,
					b = c->chosen[j];
		Datum		values[8];
		bool		nulls[8] = {false};
		char	   *v = sc_value_text(&c->values[j]);

		values[0] = Int32GetDatum(r + 1);
		values[1] = CStringGetTextDatum(c->codes[c->reasons[r].code]);
		values[2] = CStringGetTextDatum(c->chars[j].name);
		if (v == NULL)
			nulls[3] = true;
		else
			values[3] = CStringGetTextDatum(v);
		values[4] = Int32GetDatum(c->chars[j].bins[b].number);
		values[5] = Float8GetDatum(c->points[j]);
		values[6] = Float8GetDatum(c->baselines[j]);
		values[7] = Float8GetDatum(c->reasons[r].lost);
		tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(risk_reason_code_array);
Datum
risk_reason_code_array(PG_FUNCTION_ARGS)
{
	ScCache    *c;
	Datum	   *d;
	int			n;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	c = sc_cache(fcinfo, PG_GETARG_TEXT_PP(0));
	n = sc_reasons(fcinfo, c);
	d = palloc(sizeof(Datum) * Max(n, 1));
	for (int r = 0; r < n; r++)
		d[r] = CStringGetTextDatum(c->codes[c->reasons[r].code]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * risk.scorecard_baseline: a float8[] state {hash of the scorecard's name,
 * rows, sum of each characteristic's points}, made on the group's first
 * row in the aggregate's context and changed in place.
 */
PG_FUNCTION_INFO_V1(risk_scorecard_baseline_accum);
Datum
risk_scorecard_baseline_accum(PG_FUNCTION_ARGS)
{
	MemoryContext agg = risk_agg_context(fcinfo, "risk.scorecard_baseline");
	ScCache    *c;
	ArrayType  *a;
	double	   *v;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	c = sc_cache(fcinfo, PG_GETARG_TEXT_PP(1));
	sc_eval(c, PG_GETARG_JSONB_P(2));
	if (PG_ARGISNULL(0))
	{
		MemoryContext old = MemoryContextSwitchTo(agg);
		double	   *z = palloc0(sizeof(double) * (c->nchars + 2));

		z[0] = c->hash;
		a = DatumGetArrayTypeP(risk_float8_array(z, c->nchars + 2));
		MemoryContextSwitchTo(old);
	}
	else
		a = PG_GETARG_ARRAYTYPE_P(0);
	v = risk_float8_values(a, "aggregate state", -1, NULL);
	if (ARR_DIMS(a)[0] != c->nchars + 2 || v[0] != c->hash)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scorecard must be the same for every row of a group")));
	v[1] += 1;
	for (int i = 0; i < c->nchars; i++)
		v[2 + i] += c->points[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_scorecard_baseline_combine);
Datum
risk_scorecard_baseline_combine(PG_FUNCTION_ARGS)
{
	MemoryContext agg = risk_agg_context(fcinfo, "risk.scorecard_baseline");
	ArrayType  *a,
			   *b;
	double	   *va,
			   *vb;
	int			na,
				nb;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	if (PG_ARGISNULL(0))
	{
		MemoryContext old = MemoryContextSwitchTo(agg);

		a = DatumGetArrayTypePCopy(PointerGetDatum(b));
		MemoryContextSwitchTo(old);
		PG_RETURN_ARRAYTYPE_P(a);
	}
	a = PG_GETARG_ARRAYTYPE_P(0);
	va = risk_float8_values(a, "aggregate state", -1, &na);
	vb = risk_float8_values(b, "aggregate state", -1, &nb);
	if (na != nb || na < 3 || va[0] != vb[0])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scorecard must be the same for every row of a group"),
				 errdetail("Two partial states of the group come from different scorecards.")));
	for (int i = 1; i < na; i++)
		va[i] += vb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_scorecard_baseline_final);
Datum
risk_scorecard_baseline_final(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	int			n;
	double	   *v = risk_float8_values(a, "aggregate state", -1, &n),
			   *m;

	if (n < 3 || !(v[1] > 0))
		PG_RETURN_NULL();
	m = palloc(sizeof(double) * (n - 2));
	for (int i = 0; i < n - 2; i++)
		m[i] = v[2 + i] / v[1];
	PG_RETURN_DATUM(risk_float8_array(m, n - 2));
}

/* ---- Shapley values --------------------------------------------------- */

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

/*
 * risk.fairness(grp, declined, defaulted [, pd [, options]]): an aggregate
 * over credit decisions.  Its state: per group, the 2x2 table of counts
 * (declined x defaulted), the compensated sum of the PDs, and the PDs
 * themselves split by outcome (for the AUC); the groups are found by a
 * hash of their name's bytes (open addressing, group index + 1 per slot),
 * and the group of the previous row is tried first.  A row allocates
 * nothing: its text is read in place, its counts added, and its PD
 * appended to an array that doubles when full.  Everything lives in the
 * aggregate context.  Partial states add their tables and concatenate
 * their PDs; the final function orders the groups by their bytes (so that
 * the result does not depend on which rows a worker saw), computes the
 * AUC by the validation core and calls the explain core for the metrics
 * and the bootstrap.
 */

#define FAIR_MAX_GROUPS 1000000
#define FAIR_MAX_BOOT 1000000
#define FAIR_NCOLS 33

typedef struct FairOptions
{
	int64		n_boot;
	double		level;
	int64		seed;
} FairOptions;

typedef struct FairGroup
{
	int64		cells[RK_FAIR_CELLS];	/* cells[2 * declined + defaulted] */
	double		pd_sum,			/* compensated sum of the PDs: pd_sum + pd_c */
				pd_c;
	int64		npd[2];			/* PDs kept, of non-defaults [0], defaults [1] */
	int64		cap[2];
	double	   *pd[2];
	uint32		hash;
	int32		name_len;
	int64		name_off;		/* in FairState.names */
} FairGroup;

typedef struct FairState
{
	bool		with_pd;		/* called with a PD column */
	bool		stable;			/* the options are a constant */
	Jsonb	   *options;		/* as given, copied; NULL: none */
	FairOptions opt;
	int64		left_out;		/* rows with a NULL group, decision or outcome */
	int32		ngroups,
				capgroups;
	FairGroup  *groups;
	int32	   *slots;			/* nslots (a power of 2): group index + 1, 0 free */
	int32		nslots;
	int32		last;			/* the previous row's group; -1: none */
	char	   *names;
	int64		names_len,
				names_cap;
} FairState;

static const char *const fair_keys[] = {"n_boot", "level", "seed"};

/* Read and check the options (NULL: the defaults). */
static void
fair_options(Jsonb *opt, FairOptions *o)
{
	JsonbValue *v;

	o->n_boot = 1000;
	o->level = 0.95;
	o->seed = 1;
	if (opt == NULL)
		return;
	risk_check_options(opt, "risk.fairness", fair_keys, lengthof(fair_keys));
	if ((v = risk_option(opt, "n_boot")) != NULL)
		o->n_boot = risk_option_int(v, "risk.fairness", "n_boot", 0, FAIR_MAX_BOOT);
	if ((v = risk_option(opt, "level")) != NULL)
	{
		o->level = risk_option_num(v, "risk.fairness", "level");
		risk_check_level(o->level, "option \"level\" of risk.fairness");
	}
	if ((v = risk_option(opt, "seed")) != NULL)
		o->seed = risk_option_int(v, "risk.fairness", "seed", 1, 4294967295);
}

/* A new state (options checked). */
static FairState *
fair_new(MemoryContext ctx, bool with_pd, Jsonb *options)
{
	FairState  *st;
	FairOptions o;

	fair_options(options, &o);
	st = MemoryContextAllocZero(ctx, sizeof(FairState));
	st->with_pd = with_pd;
	st->opt = o;
	if (options != NULL)
	{
		st->options = MemoryContextAlloc(ctx, VARSIZE(options));
		memcpy(st->options, options, VARSIZE(options));
	}
	st->capgroups = 8;
	st->groups = MemoryContextAllocZero(ctx, sizeof(FairGroup) * st->capgroups);
	st->nslots = 32;
	st->slots = MemoryContextAllocZero(ctx, sizeof(int32) * st->nslots);
	st->names_cap = 256;
	st->names = MemoryContextAlloc(ctx, st->names_cap);
	st->last = -1;
	return st;
}

static void
fair_too_many(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("risk.fairness takes at most %d groups", FAIR_MAX_GROUPS),
			 errhint("The group column names a handful of groups (a sex, an age band, a region): not a customer.")));
}

/* Put group g in its slot (the table has a free one). */
static void
fair_slot(FairState *st, int32 g)
{
	uint32		mask = (uint32) st->nslots - 1;
	uint32		i = st->groups[g].hash & mask;

	while (st->slots[i] != 0)
		i = (i + 1) & mask;
	st->slots[i] = g + 1;
}

/* The index of the group named s[0..len), added when new. */
static int32
fair_group(FairState *st, MemoryContext ctx, const char *s, int32 len, uint32 hash)
{
	uint32		mask = (uint32) st->nslots - 1;
	uint32		i = hash & mask;
	FairGroup  *g;
	int32		k;

	for (; st->slots[i] != 0; i = (i + 1) & mask)
	{
		g = &st->groups[st->slots[i] - 1];
		if (g->hash == hash && g->name_len == len && memcmp(st->names + g->name_off, s, len) == 0)
			return st->slots[i] - 1;
	}
	if (st->ngroups >= FAIR_MAX_GROUPS)
		fair_too_many();
	if (st->ngroups == st->capgroups)
	{
		st->capgroups *= 2;
		st->groups = repalloc(st->groups, sizeof(FairGroup) * st->capgroups);
	}
	if (st->names_len + len > st->names_cap)
	{
		while (st->names_len + len > st->names_cap)
			st->names_cap *= 2;
		st->names = repalloc_huge(st->names, st->names_cap);
	}
	k = st->ngroups++;
	g = &st->groups[k];
	memset(g, 0, sizeof(FairGroup));
	g->hash = hash;
	g->name_len = len;
	g->name_off = st->names_len;
	memcpy(st->names + st->names_len, s, len);
	st->names_len += len;
	if ((int64) st->ngroups * 2 > st->nslots)
	{
		/* keep the table at most half full */
		pfree(st->slots);
		st->nslots *= 2;
		st->slots = MemoryContextAllocZero(ctx, sizeof(int32) * st->nslots);
		for (int32 j = 0; j < st->ngroups; j++)
			fair_slot(st, j);
	}
	else
		st->slots[i] = k + 1;
	return k;
}

/* Room for `more` further PDs of outcome y in group g. */
static void
fair_reserve(FairGroup *g, MemoryContext ctx, int y, int64 more)
{
	int64		want = g->npd[y] + more;
	int64		cap = g->cap[y] > 0 ? g->cap[y] : 16;

	if (want <= g->cap[y])
		return;
	while (cap < want)
		cap *= 2;
	if (g->pd[y] == NULL)
		g->pd[y] = MemoryContextAllocExtended(ctx, sizeof(double) * cap, MCXT_ALLOC_HUGE);
	else
		g->pd[y] = repalloc_huge(g->pd[y], sizeof(double) * cap);
	g->cap[y] = cap;
}

PG_FUNCTION_INFO_V1(risk_fairness_accum);
Datum
risk_fairness_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._fairness_accum");
	FairState  *st = PG_ARGISNULL(0) ? NULL : (FairState *) PG_GETARG_POINTER(0);
	bool		with_pd = PG_NARGS() >= 5;
	bool		with_options = PG_NARGS() >= 6 && !PG_ARGISNULL(5);
	text	   *t;
	const char *s;
	int32		len,
				k;
	FairGroup  *g;
	int			d,
				y;

	if (st == NULL)
	{
		st = fair_new(ctx, with_pd, with_options ? PG_GETARG_JSONB_P(5) : NULL);
		/* a constant needs no comparison on every row */
		st->stable = PG_NARGS() < 6 || get_fn_expr_arg_stable(fcinfo->flinfo, 5);
	}
	else if (!st->stable)
		risk_same_options(st->options, with_options ? PG_GETARG_JSONB_P(5) : NULL);
	/* a row without a group, a decision or an outcome is left out, and counted */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		st->left_out++;
		PG_RETURN_POINTER(st);
	}
	d = PG_GETARG_BOOL(2) ? 1 : 0;
	y = PG_GETARG_BOOL(3) ? 1 : 0;
	if (with_pd && !PG_ARGISNULL(4))
	{
		double		pd = PG_GETARG_FLOAT8(4);

		if (!(pd >= 0.0 && pd <= 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a PD must be a number from 0 to 1, got %s", float8out_internal(pd)),
					 risk_pd_hint(pd, true)));
	}
	t = PG_GETARG_TEXT_PP(1);
	s = VARDATA_ANY(t);
	len = VARSIZE_ANY_EXHDR(t);
	k = st->last;
	if (k < 0 || st->groups[k].name_len != len || memcmp(st->names + st->groups[k].name_off, s, len) != 0)
	{
		k = fair_group(st, ctx, s, len, hash_bytes((const unsigned char *) s, len));
		st->last = k;
	}
	g = &st->groups[k];
	g->cells[2 * d + y]++;
	if (with_pd && !PG_ARGISNULL(4))
	{
		double		pd = PG_GETARG_FLOAT8(4);

		if (g->npd[y] == g->cap[y])
			fair_reserve(g, ctx, y, 1);
		g->pd[y][g->npd[y]++] = pd;
		rk_sum_add(&g->pd_sum, &g->pd_c, pd);
	}
	PG_RETURN_POINTER(st);
}

/* ERROR: two partial states of a group disagree on their options. */
static void
fair_same_parts(const FairState *a, const FairState *b)
{
	if ((a->options == NULL) != (b->options == NULL)
		|| (a->options && (VARSIZE(a->options) != VARSIZE(b->options)
						   || memcmp(a->options, b->options, VARSIZE(a->options)) != 0)))
		risk_param_mismatch("options", "one set of options", "another", true);
}

/* Add group gb of state b (its name, table, PD sum and PDs) into a. */
static void
fair_add_group(FairState *a, MemoryContext ctx, const FairState *b, const FairGroup *gb)
{
	int32		k = fair_group(a, ctx, b->names + gb->name_off, gb->name_len, gb->hash);
	FairGroup  *ga = &a->groups[k];

	for (int j = 0; j < RK_FAIR_CELLS; j++)
		ga->cells[j] += gb->cells[j];
	rk_sum_add(&ga->pd_sum, &ga->pd_c, gb->pd_sum);
	rk_sum_add(&ga->pd_sum, &ga->pd_c, gb->pd_c);
	for (int y = 0; y < 2; y++)
		if (gb->npd[y] > 0)
		{
			fair_reserve(ga, ctx, y, gb->npd[y]);
			memcpy(ga->pd[y] + ga->npd[y], gb->pd[y], sizeof(double) * gb->npd[y]);
			ga->npd[y] += gb->npd[y];
		}
}

PG_FUNCTION_INFO_V1(risk_fairness_combine);
Datum
risk_fairness_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._fairness_combine");
	FairState  *a = PG_ARGISNULL(0) ? NULL : (FairState *) PG_GETARG_POINTER(0);
	FairState  *b = PG_ARGISNULL(1) ? NULL : (FairState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		RISK_RETURN_STATE(a);
	if (a == NULL)
	{
		a = fair_new(ctx, b->with_pd, b->options);
		a->stable = b->stable;
	}
	else
		fair_same_parts(a, b);
	a->left_out += b->left_out;
	for (int32 j = 0; j < b->ngroups; j++)
		fair_add_group(a, ctx, b, &b->groups[j]);
	a->last = -1;
	PG_RETURN_POINTER(a);
}

/*
 * A partial state as bytea: this header, the options, one FairWireGroup
 * per group, the names, then each group's PDs (non-defaults, defaults).
 */
typedef struct FairWire
{
	int32		with_pd;
	int32		ngroups;
	int64		left_out;
	int64		names_len;
	int64		options_size;	/* 0: none */
} FairWire;

typedef struct FairWireGroup
{
	int64		cells[RK_FAIR_CELLS];
	double		pd_sum,
				pd_c;
	int64		npd[2];
	uint32		hash;
	int32		name_len;
} FairWireGroup;

static void
fair_damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("a partial state of risk.fairness is damaged")));
}

PG_FUNCTION_INFO_V1(risk_fairness_serialize);
Datum
risk_fairness_serialize(PG_FUNCTION_ARGS)
{
	FairState  *st = (FairState *) PG_GETARG_POINTER(0);
	FairWire	w;
	Size		size,
				npd = 0;
	bytea	   *out;
	char	   *p;

	risk_agg_context(fcinfo, "risk_internal._fairness_serialize");
	memset(&w, 0, sizeof(w));
	w.with_pd = st->with_pd;
	w.ngroups = st->ngroups;
	w.left_out = st->left_out;
	w.names_len = st->names_len;
	w.options_size = st->options ? VARSIZE(st->options) : 0;
	for (int32 j = 0; j < st->ngroups; j++)
		npd += st->groups[j].npd[0] + st->groups[j].npd[1];
	size = VARHDRSZ + sizeof(w) + w.options_size + sizeof(FairWireGroup) * (Size) st->ngroups
		+ st->names_len + sizeof(double) * npd;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a partial state of risk.fairness of %zu PDs is larger than 1 GB", npd),
				 errhint("Run it without parallel workers (SET max_parallel_workers_per_gather = 0).")));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, &w, sizeof(w));
	p += sizeof(w);
	if (w.options_size > 0)
		memcpy(p, st->options, w.options_size);
	p += w.options_size;
	for (int32 j = 0; j < st->ngroups; j++)
	{
		const FairGroup *g = &st->groups[j];
		FairWireGroup wg;

		memset(&wg, 0, sizeof(wg));
		memcpy(wg.cells, g->cells, sizeof(wg.cells));
		wg.pd_sum = g->pd_sum;
		wg.pd_c = g->pd_c;
		wg.npd[0] = g->npd[0];
		wg.npd[1] = g->npd[1];
		wg.hash = g->hash;
		wg.name_len = g->name_len;
		memcpy(p, &wg, sizeof(wg));
		p += sizeof(wg);
	}
	memcpy(p, st->names, st->names_len);
	p += st->names_len;
	for (int32 j = 0; j < st->ngroups; j++)
		for (int y = 0; y < 2; y++)
			if (st->groups[j].npd[y] > 0)
			{
				memcpy(p, st->groups[j].pd[y], sizeof(double) * st->groups[j].npd[y]);
				p += sizeof(double) * st->groups[j].npd[y];
			}
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_fairness_deserialize);
Datum
risk_fairness_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._fairness_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	FairWire	w;
	Jsonb	   *options = NULL;
	FairState  *st;
	const char *names;
	const char *wgs;
	Size		npd = 0;
	int64		off = 0;

	if (len < sizeof(w))
		fair_damaged();
	memcpy(&w, p, sizeof(w));
	p += sizeof(w);
	len -= sizeof(w);
	if ((w.with_pd != 0 && w.with_pd != 1) || w.ngroups < 0 || w.ngroups > FAIR_MAX_GROUPS
		|| w.left_out < 0 || w.names_len < 0 || w.options_size < 0
		|| (Size) w.options_size > len
		|| sizeof(FairWireGroup) * (Size) w.ngroups > len - w.options_size
		|| (Size) w.names_len > len - w.options_size - sizeof(FairWireGroup) * (Size) w.ngroups)
		fair_damaged();
	if (w.options_size > 0)
	{
		options = palloc(w.options_size);
		memcpy(options, p, w.options_size);
		if (VARSIZE(options) != (Size) w.options_size)
			fair_damaged();
	}
	p += w.options_size;
	len -= w.options_size;
	wgs = p;
	names = p + sizeof(FairWireGroup) * (Size) w.ngroups;
	len -= sizeof(FairWireGroup) * (Size) w.ngroups + w.names_len;
	st = fair_new(ctx, w.with_pd != 0, options);
	st->left_out = w.left_out;
	p = names + w.names_len;
	for (int32 j = 0; j < w.ngroups; j++)
	{
		FairWireGroup wg;
		FairState	one;
		FairGroup	g;

		memcpy(&wg, wgs + sizeof(FairWireGroup) * (Size) j, sizeof(wg));
		if (wg.name_len < 0 || wg.name_len > w.names_len - off
			|| wg.npd[0] < 0 || wg.npd[1] < 0
			|| wg.npd[0] > wg.cells[0] + wg.cells[2] || wg.npd[1] > wg.cells[1] + wg.cells[3]
			|| (Size) (wg.npd[0] + wg.npd[1]) > (len - npd * sizeof(double)) / sizeof(double)
			|| wg.hash != hash_bytes((const unsigned char *) names + off, wg.name_len))
			fair_damaged();
		for (int c = 0; c < RK_FAIR_CELLS; c++)
			if (wg.cells[c] < 0)
				fair_damaged();
		/* the wire group seen as a group of a one-group state, then added */
		memset(&g, 0, sizeof(g));
		memcpy(g.cells, wg.cells, sizeof(g.cells));
		g.pd_sum = wg.pd_sum;
		g.pd_c = wg.pd_c;
		g.hash = wg.hash;
		g.name_len = wg.name_len;
		g.name_off = 0;
		for (int y = 0; y < 2; y++)
		{
			g.npd[y] = wg.npd[y];
			g.pd[y] = (double *) p;	/* read with memcpy only */
			p += sizeof(double) * wg.npd[y];
		}
		npd += wg.npd[0] + wg.npd[1];
		memset(&one, 0, sizeof(one));
		one.names = (char *) names + off;
		fair_add_group(st, ctx, &one, &g);
		off += wg.name_len;
	}
	if (off != w.names_len || npd * sizeof(double) != len)
		fair_damaged();
	PG_RETURN_POINTER(st);
}

/* The order of the groups: by their bytes, a prefix first (COLLATE "C"). */
static int
fair_cmp(const void *a, const void *b, void *arg)
{
	const FairState *st = (const FairState *) arg;
	const FairGroup *ga = &st->groups[*(const int32 *) a];
	const FairGroup *gb = &st->groups[*(const int32 *) b];
	int			c = memcmp(st->names + ga->name_off, st->names + gb->name_off,
						   Min(ga->name_len, gb->name_len));

	if (c != 0)
		return c;
	return (ga->name_len > gb->name_len) - (ga->name_len < gb->name_len);
}

/* A float8[] of v[0..n-1], a NaN (an undefined rate) as NULL. */
static Datum
fair_float8_array(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * (n > 0 ? n : 1));
	bool	   *nulls = palloc(sizeof(bool) * (n > 0 ? n : 1));
	int			dims[1] = {n},
				lbs[1] = {1};

	for (int i = 0; i < n; i++)
	{
		nulls[i] = isnan(v[i]);
		d[i] = Float8GetDatum(nulls[i] ? 0.0 : v[i]);
	}
	return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, FLOAT8OID, sizeof(float8),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

static inline Datum
fair_num(double x, bool *isnull)
{
	*isnull = isnan(x);
	return Float8GetDatum(*isnull ? 0.0 : x);
}

PG_FUNCTION_INFO_V1(risk_fairness_final);
Datum
risk_fairness_final(PG_FUNCTION_ARGS)
{
	FairState  *st = PG_ARGISNULL(0) ? NULL : (FairState *) PG_GETARG_POINTER(0);
	Datum		values[FAIR_NCOLS];
	bool		nulls[FAIR_NCOLS];
	int32		ng,
			   *order;
	int64	   *cells,
			   *n,
			   *declined,
			   *defaults,
			   *npd,
				rows = 0;
	double	   *sel,
			   *tpr,
			   *fpr,
			   *dr,
			   *mean_pd,
			   *pd_dr,
			   *auc,
				point[RK_FAIR_NMETRICS],
				lo[RK_FAIR_NMETRICS],
				hi[RK_FAIR_NMETRICS];
	Datum	   *names;
	rk_fair_metrics m;
	int			col;

	if (st == NULL || st->ngroups == 0)
		PG_RETURN_NULL();
	ng = st->ngroups;
	order = palloc(sizeof(int32) * ng);
	for (int32 i = 0; i < ng; i++)
		order[i] = i;
	qsort_arg(order, ng, sizeof(int32), fair_cmp, st);
	cells = palloc(sizeof(int64) * RK_FAIR_CELLS * ng);
	n = palloc(sizeof(int64) * ng);
	declined = palloc(sizeof(int64) * ng);
	defaults = palloc(sizeof(int64) * ng);
	npd = palloc(sizeof(int64) * ng);
	sel = palloc(sizeof(double) * ng);
	tpr = palloc(sizeof(double) * ng);
	fpr = palloc(sizeof(double) * ng);
	dr = palloc(sizeof(double) * ng);
	mean_pd = palloc(sizeof(double) * ng);
	pd_dr = palloc(sizeof(double) * ng);
	auc = palloc(sizeof(double) * ng);
	names = palloc(sizeof(Datum) * ng);
	for (int32 i = 0; i < ng; i++)
	{
		FairGroup  *g = &st->groups[order[i]];
		const int64 *c = g->cells;
		rk_fair_rates r;

		memcpy(cells + (Size) RK_FAIR_CELLS * i, c, sizeof(int64) * RK_FAIR_CELLS);
		names[i] = PointerGetDatum(cstring_to_text_with_len(st->names + g->name_off, g->name_len));
		rk_fair_rates_of(c, &r);
		n[i] = c[0] + c[1] + c[2] + c[3];
		declined[i] = c[2] + c[3];
		defaults[i] = c[1] + c[3];
		rows += n[i];
		sel[i] = r.selection_rate;
		tpr[i] = r.tpr;
		fpr[i] = r.fpr;
		dr[i] = r.default_rate;
		npd[i] = g->npd[0] + g->npd[1];
		mean_pd[i] = npd[i] > 0 ? (g->pd_sum + g->pd_c) / (double) npd[i] : NAN;
		pd_dr[i] = npd[i] > 0 ? (double) g->npd[1] / (double) npd[i] : NAN;
		auc[i] = NAN;
		if (g->npd[0] > 0 && g->npd[1] > 0)
		{
			double		ks;

			/* sorts the group's PDs in place: FINALFUNC_MODIFY = SHAREABLE */
			risk_raise(rk_auc_ks_split(g->pd[0], g->npd[0], g->pd[1], g->npd[1], &auc[i], &ks),
					   "fairness");
		}
		CHECK_FOR_INTERRUPTS();
	}
	rk_fair_metrics_cells(cells, ng, &m);
	point[0] = m.dp_difference;
	point[1] = m.dp_ratio;
	point[2] = m.eo_difference;
	point[3] = m.eo_ratio;
	point[4] = m.eopp_difference;
	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
		lo[k] = hi[k] = NAN;
	if (st->opt.n_boot > 0)
	{
		rk_fair_boot b;

		for (int32 i = 0; i < ng; i++)
			if (n[i] > (int64) 0xffffffffU)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("the bootstrap of risk.fairness takes at most 4294967295 rows in a group, group \"%s\" has " INT64_FORMAT,
								TextDatumGetCString(names[i]), n[i]),
						 errhint("Turn the bootstrap off with {\"n_boot\": 0}.")));
		b.n_boot = st->opt.n_boot;
		b.level = st->opt.level;
		b.seed = (unsigned long) st->opt.seed;
		risk_raise(rk_fair_bootstrap(cells, ng, &b, lo, hi, NULL), "fairness");
	}

	memset(nulls, 0, sizeof(nulls));
	col = 0;
	values[col++] = PointerGetDatum(construct_array(names, ng, TEXTOID, -1, false, TYPALIGN_INT));
	values[col++] = risk_int8_array(n, ng);
	values[col++] = risk_int8_array(declined, ng);
	values[col++] = risk_int8_array(defaults, ng);
	values[col++] = fair_float8_array(sel, ng);
	values[col++] = fair_float8_array(tpr, ng);
	values[col++] = fair_float8_array(fpr, ng);
	values[col++] = fair_float8_array(dr, ng);
	/* the PD's columns: NULL without a PD column */
	values[col++] = st->with_pd ? risk_int8_array(npd, ng) : (Datum) 0;
	values[col++] = st->with_pd ? fair_float8_array(mean_pd, ng) : (Datum) 0;
	values[col++] = st->with_pd ? fair_float8_array(pd_dr, ng) : (Datum) 0;
	values[col++] = st->with_pd ? fair_float8_array(auc, ng) : (Datum) 0;
	nulls[col - 4] = nulls[col - 3] = nulls[col - 2] = nulls[col - 1] = !st->with_pd;
	values[col++] = Int64GetDatum(rows);
	values[col++] = Int64GetDatum(st->left_out);
	values[col] = m.worst >= 0 ? names[m.worst] : (Datum) 0;
	nulls[col++] = m.worst < 0;
	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
	{
		values[col] = fair_num(point[k], &nulls[col]);
		col++;
		values[col] = fair_num(lo[k], &nulls[col]);
		col++;
		values[col] = fair_num(hi[k], &nulls[col]);
		col++;
	}
	values[col++] = Int32GetDatum((int32) st->opt.n_boot);
	values[col] = Float8GetDatum(st->opt.level);
	nulls[col++] = st->opt.n_boot == 0;
	values[col] = Int64GetDatum(st->opt.seed);
	nulls[col++] = st->opt.n_boot == 0;
	Assert(col == FAIR_NCOLS);
	PG_RETURN_DATUM(risk_result_row(fcinfo, values, nulls, FAIR_NCOLS));
}
