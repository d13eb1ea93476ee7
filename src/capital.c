/*
 * capital.c
 *     SQL face of Basel credit capital and portfolio credit risk: expected
 *     loss and IRB capital per exposure and by portfolio, concentration,
 *     the simulated and CreditRisk+ loss distributions of a loan book, the
 *     liquidity ratios from tagged positions and the configuration tables.
 *     The numerics are the core's (core/capital.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "risk.h"
#include "core/capital.h"

/* ---- IRB capital ------------------------------------------------------ */

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/float.h"
#include "utils/memutils.h"

static const char *const irb_class_names[RK_IRB_NCLASSES] = {
	"corporate", "sovereign", "bank", "mortgage", "qrre", "qrre_transactor",
	"other_retail"
};
static const char *const irb_regime_names[RK_IRB_NREGIMES] = {"basel3", "basel2"};

#define IRB_CLASS_HINT "Asset classes: corporate, sovereign, bank, mortgage, qrre, qrre_transactor, other_retail."

/*
 * The options of a query, decoded on its first row and kept in fn_extra
 * (in the function's memory context) with a copy of the jsonb's bytes:
 * decoded again only when a row brings other options.
 */
typedef struct IrbCache
{
	bool		valid;			/* decoded completely */
	bool		has_opt;		/* from an options argument */
	char	   *optdata;		/* its bytes (copy), optlen of them */
	Size		optlen;
	TupleDesc	td;				/* risk.irb_capital's result row, once blessed */
	rk_irb_params p;
	double		delta;			/* granularity adjustment */
	double		gamma;
} IrbCache;

static const char *const irb_keys[] = {"regime", "scaling", "pd_floor", "elbe"};
static const char *const ga_keys[] = {"regime", "scaling", "pd_floor", "elbe", "delta", "gamma"};

/* The value of key in options opt (NULL: no options, or key absent). */
static JsonbValue *
irb_option(Jsonb *opt, const char *key)
{
	return opt == NULL ? NULL : risk_option(opt, key);
}

/* Decode options of func into c (ga: the granularity adjustment's keys too). */
static void
irb_decode(Jsonb *opt, const char *func, bool ga, IrbCache *c)
{
	JsonbValue *v;
	rk_irb_regime regime = RK_IRB_BASEL3;
	int			i;

	if (opt == NULL)
		;
	else if (ga)
		risk_check_options(opt, func, ga_keys, lengthof(ga_keys));
	else
		risk_check_options(opt, func, irb_keys, lengthof(irb_keys));
	v = irb_option(opt, "regime");
	if (v != NULL)
	{
		if (v->type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"regime\" of %s must be a string, got %s",
							func, risk_option_shown(v)),
					 errhint("Regimes: basel3, basel2.")));
		regime = risk_choice_str(v->val.string.val, v->val.string.len,
								 irb_regime_names, RK_IRB_NREGIMES, "regime",
								 "Regimes: basel3, basel2.");
	}
	rk_irb_params_init(&c->p, regime);
	if ((v = irb_option(opt, "scaling")) != NULL)
	{
		double		s = risk_option_num(v, func, "scaling");

		if (!(s > 0.0 && s <= 10.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"scaling\" of %s must be above 0 and at most 10, got %s",
							func, float8out_internal(s))));
		c->p.scaling = s;
	}
	if ((v = irb_option(opt, "pd_floor")) != NULL)
	{
		double		f = risk_option_num(v, func, "pd_floor");

		if (!(f >= 0.0 && f < 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"pd_floor\" of %s must be at least 0 and below 1, got %s",
							func, float8out_internal(f))));
		for (i = 0; i < RK_IRB_NCLASSES; i++)
			c->p.pd_floor[i] = f;
	}
	if ((v = irb_option(opt, "elbe")) != NULL)
	{
		double		e = risk_option_num(v, func, "elbe");

		if (!(e >= 0.0 && e <= 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"elbe\" of %s must be between 0 and 1, got %s",
							func, float8out_internal(e))));
		c->p.elbe = e;
	}
	c->delta = 4.83;
	c->gamma = 0.25;
	if (ga && (v = irb_option(opt, "delta")) != NULL)
	{
		c->delta = risk_option_num(v, func, "delta");
		if (!(c->delta > 0.0 && c->delta <= 100.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"delta\" of %s must be above 0 and at most 100, got %s",
							func, float8out_internal(c->delta))));
	}
	if (ga && (v = irb_option(opt, "gamma")) != NULL)
	{
		c->gamma = risk_option_num(v, func, "gamma");
		if (!(c->gamma >= 0.0 && c->gamma <= 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"gamma\" of %s must be between 0 and 1, got %s",
							func, float8out_internal(c->gamma))));
	}
}

/*
 * The parameters for the options in argument argno (-1: none), from
 * fn_extra while the options' bytes stay those decoded last (compared in
 * place, without detoasting a short value into a copy per row).
 */
static IrbCache *
irb_cache(FunctionCallInfo fcinfo, int argno, const char *func, bool ga)
{
	IrbCache   *c = (IrbCache *) fcinfo->flinfo->fn_extra;
	struct varlena *raw = NULL;
	Size		len = 0;

	if (argno >= 0)
	{
		raw = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
		len = VARSIZE_ANY_EXHDR(raw);
	}
	if (c != NULL && c->valid && c->has_opt == (argno >= 0) &&
		(argno < 0 || (c->optlen == len && memcmp(c->optdata, VARDATA_ANY(raw), len) == 0)))
		return c;
	if (c == NULL)
		c = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(IrbCache));
	c->valid = false;
	if (c->optdata != NULL)
	{
		pfree(c->optdata);
		c->optdata = NULL;
	}
	irb_decode(argno >= 0 ? PG_GETARG_JSONB_P(argno) : NULL, func, ga, c);
	c->has_opt = argno >= 0;
	if (argno >= 0)
	{
		c->optdata = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len > 0 ? len : 1);
		memcpy(c->optdata, VARDATA_ANY(raw), len);
		c->optlen = len;
	}
	c->valid = true;
	return c;
}

/* ERROR unless x is finite and in [lo, hi] (hi may be INFINITY). */
static void
irb_check_range(double x, const char *argname, double lo, double hi)
{
	risk_check_finite(x, argname);
	if (!(x >= lo && x <= hi))
	{
		if (isinf(hi))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must not be negative, got %s", argname, float8out_internal(x))));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between %g and %g, got %s", argname, lo, hi,
						float8out_internal(x))));
	}
}

/*
 * IRB capital of the exposure in arguments 0..6 of the calling function
 * (pd, lgd, ead, asset class, maturity, sales, options; the ones past
 * PG_NARGS() at their defaults).  False when pd, lgd, ead or the class is
 * NULL: no result.  cls gets the class.
 */
static bool
irb_row(FunctionCallInfo fcinfo, int first, const char *func, bool ga,
		rk_irb_result *out, IrbCache **cache)
{
	int			n = PG_NARGS() - first;
	double		pd,
				lgd,
				ead,
				m = 2.5,
				sales = NAN;
	int			optarg = -1;
	IrbCache   *c;
	rk_irb_class cls;
	rk_status	st;
	int			i;

	for (i = 0; i < 4; i++)
		if (PG_ARGISNULL(first + i))
			return false;
	if (n > 4)
	{
		if (PG_ARGISNULL(first + 4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("maturity of %s must not be NULL", func),
					 errhint("Give 2.5 for the standard effective maturity.")));
		m = PG_GETARG_FLOAT8(first + 4);
	}
	if (n > 5 && !PG_ARGISNULL(first + 5))
	{
		sales = PG_GETARG_FLOAT8(first + 5);
		irb_check_range(sales, "sales", 0.0, INFINITY);
	}
	if (n > 6)
	{
		if (PG_ARGISNULL(first + 6))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("options of %s must not be NULL", func),
					 errhint("Give '{}' for the defaults.")));
		optarg = first + 6;
	}
	pd = PG_GETARG_FLOAT8(first);
	lgd = PG_GETARG_FLOAT8(first + 1);
	ead = PG_GETARG_FLOAT8(first + 2);
	risk_check_finite(pd, "pd");
	if (!(pd >= 0 && pd <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a PD must be between 0 and 1, got %s", float8out_internal(pd)),
				 risk_pd_hint(pd, true)));
	irb_check_range(lgd, "lgd", 0.0, 1.0);
	irb_check_range(ead, "ead", 0.0, INFINITY);
	risk_check_finite(m, "maturity");
	if (!(m >= 1.0 && m <= 5.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("maturity must be between 1 and 5 years, got %s", float8out_internal(m)),
				 errhint("The IRB effective maturity is floored at 1 year and capped at 5 years: clamp it before the call.")));
	cls = (rk_irb_class) risk_choice(PG_GETARG_TEXT_PP(first + 3), irb_class_names,
									 RK_IRB_NCLASSES, "asset class", IRB_CLASS_HINT);
	if (!isnan(sales) && cls != RK_IRB_CORPORATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sales are only for corporate exposures, got sales %s for asset class \"%s\"",
						float8out_internal(sales), irb_class_names[cls]),
				 errhint("Give NULL sales for other asset classes.")));
	c = irb_cache(fcinfo, optarg, func, ga);
	st = rk_irb_capital(&c->p, cls, pd, lgd, ead, m, sales, out);
	if (st == RK_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the maturity adjustment is undefined for pd %s",
						float8out_internal(fmax(pd, c->p.pd_floor[cls]))),
				 errdetail("1 - 1.5 b(pd) is not positive below a pd of about 2.9e-6."),
				 errhint("Floor the PD (option \"pd_floor\").")));
	if (st != RK_OK)
		risk_raise(st, func);
	if (cache)
		*cache = c;
	return true;
}

PG_FUNCTION_INFO_V1(risk_expected_loss);
Datum
risk_expected_loss(PG_FUNCTION_ARGS)
{
	double		pd = PG_GETARG_FLOAT8(0);
	double		lgd = PG_GETARG_FLOAT8(1);
	double		ead = PG_GETARG_FLOAT8(2);

	risk_check_finite(pd, "pd");
	if (!(pd >= 0 && pd <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a PD must be between 0 and 1, got %s", float8out_internal(pd)),
				 risk_pd_hint(pd, true)));
	irb_check_range(lgd, "lgd", 0.0, 1.0);
	irb_check_range(ead, "ead", 0.0, INFINITY);
	PG_RETURN_FLOAT8(pd * lgd * ead);
}

PG_FUNCTION_INFO_V1(risk_irb_capital);
Datum
risk_irb_capital(PG_FUNCTION_ARGS)
{
	rk_irb_result r;
	Datum		v[8];
	bool		nulls[8] = {false, false, false, false, false, false, false, false};
	IrbCache   *c;

	if (!irb_row(fcinfo, 0, "risk.irb_capital", false, &r, &c))
		PG_RETURN_NULL();
	if (c->td == NULL)
	{
		TupleDesc	td;
		MemoryContext old;

		if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE || td->natts != 8)
			elog(ERROR, "risk.irb_capital must return a row type of 8 columns");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		c->td = BlessTupleDesc(CreateTupleDescCopy(td));
		MemoryContextSwitchTo(old);
	}
	v[0] = Float8GetDatum(r.pd);
	v[1] = Float8GetDatum(r.correlation);
	v[2] = Float8GetDatum(r.maturity_adjustment);
	v[3] = Float8GetDatum(r.k);
	v[4] = Float8GetDatum(r.risk_weight);
	v[5] = Float8GetDatum(r.rwa);
	v[6] = Float8GetDatum(r.expected_loss);
	v[7] = Float8GetDatum(r.capital);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(c->td, v, nulls)));
}

/*
 * risk.irb_portfolio: state float8[9] = {n, ead, ead_c, el, el_c, rwa,
 * rwa_c, capital, capital_c}, each sum compensated (value + correction).
 */
#define IRBP_LEN 9

PG_FUNCTION_INFO_V1(risk_irb_portfolio_accum);
Datum
risk_irb_portfolio_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	double	   *v;
	rk_irb_result r;

	risk_agg_context(fcinfo, "risk_irb_portfolio_accum");
	a = PG_GETARG_ARRAYTYPE_P(0);
	v = risk_float8_values(a, "aggregate state", IRBP_LEN, NULL);
	if (!irb_row(fcinfo, 1, "risk.irb_portfolio", false, &r, NULL))
		PG_RETURN_ARRAYTYPE_P(a);
	v[0] += 1.0;
	rk_sum_add(&v[1], &v[2], PG_GETARG_FLOAT8(3));
	rk_sum_add(&v[3], &v[4], r.expected_loss);
	rk_sum_add(&v[5], &v[6], r.rwa);
	rk_sum_add(&v[7], &v[8], r.capital);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Combine of compensated-sum states: n added, then each (sum, correction) pair. */
PG_FUNCTION_INFO_V1(risk_capital_sums_combine);
Datum
risk_capital_sums_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	double	   *va,
			   *vb;
	int			na,
				nb,
				i;

	risk_agg_context(fcinfo, "risk_capital_sums_combine");
	va = risk_float8_values(a, "aggregate state", -1, &na);
	vb = risk_float8_values(b, "aggregate state", -1, &nb);
	if (na != nb || na < 3 || na % 2 != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("aggregate states of %d and %d values cannot be combined", na, nb)));
	va[0] += vb[0];
	for (i = 1; i < na; i += 2)
	{
		rk_sum_add(&va[i], &va[i + 1], vb[i]);
		rk_sum_add(&va[i], &va[i + 1], vb[i + 1]);
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_irb_portfolio_final);
Datum
risk_irb_portfolio_final(PG_FUNCTION_ARGS)
{
	double	   *v = risk_float8_values(PG_GETARG_ARRAYTYPE_P(0), "aggregate state", IRBP_LEN, NULL);
	Datum		d[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	double		ead = v[1] + v[2],
				rwa = v[5] + v[6];

	if (v[0] == 0)
		PG_RETURN_NULL();
	d[0] = Int64GetDatum((int64) v[0]);
	d[1] = Float8GetDatum(ead);
	d[2] = Float8GetDatum(v[3] + v[4]);
	d[3] = Float8GetDatum(rwa);
	d[4] = Float8GetDatum(v[7] + v[8]);
	if (ead > 0)
		d[5] = Float8GetDatum(rwa / ead);
	else
	{
		d[5] = (Datum) 0;
		nulls[5] = true;
	}
	PG_RETURN_DATUM(risk_result_row(fcinfo, d, nulls, 6));
}

/* ---- concentration ---------------------------------------------------- */

/* risk.hhi: state float8[5] = {n, sum, sum_c, sum of squares, its _c}. */
#define HHI_LEN 5

PG_FUNCTION_INFO_V1(risk_hhi_accum);
Datum
risk_hhi_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	double	   *v;
	double		x;

	risk_agg_context(fcinfo, "risk_hhi_accum");
	a = PG_GETARG_ARRAYTYPE_P(0);
	v = risk_float8_values(a, "aggregate state", HHI_LEN, NULL);
	x = PG_GETARG_FLOAT8(1);
	risk_check_finite(x, "amount");
	if (x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount of risk.hhi must not be negative, got %s", float8out_internal(x)),
				 errhint("Give exposures as positive amounts.")));
	if (!isfinite(x * x))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("amount of risk.hhi is too large to square, got %s", float8out_internal(x)),
				 errhint("Give the amounts in a larger unit (millions, say).")));
	v[0] += 1.0;
	rk_sum_add(&v[1], &v[2], x);
	rk_sum_add(&v[3], &v[4], x * x);
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_hhi_final);
Datum
risk_hhi_final(PG_FUNCTION_ARGS)
{
	double	   *v = risk_float8_values(PG_GETARG_ARRAYTYPE_P(0), "aggregate state", HHI_LEN, NULL);
	double		h;
	rk_status	st = rk_hhi(v[1] + v[2], v[3] + v[4], &h);

	if (st == RK_EMPTY)
		PG_RETURN_NULL();
	if (st != RK_OK)
		risk_raise(st, "risk.hhi");
	PG_RETURN_FLOAT8(h);
}

/*
 * risk.granularity_adjustment: state float8[7] = {n, sum EAD, _c,
 * sum EAD K_i, _c, sum EAD^2 t_i, _c}; defaulted exposures (pd = 1) are
 * left out.  Each row's options apply to that row (decoded again only when
 * they change).
 */
#define GA_LEN 7

PG_FUNCTION_INFO_V1(risk_ga_accum);
Datum
risk_ga_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	double	   *v;
	rk_irb_result r;
	IrbCache   *c;
	double		ead,
				lgd;

	risk_agg_context(fcinfo, "risk_ga_accum");
	a = PG_GETARG_ARRAYTYPE_P(0);
	v = risk_float8_values(a, "aggregate state", GA_LEN, NULL);
	if (!irb_row(fcinfo, 1, "risk.granularity_adjustment", true, &r, &c))
		PG_RETURN_ARRAYTYPE_P(a);
	if (PG_GETARG_FLOAT8(1) == 1.0)
		PG_RETURN_ARRAYTYPE_P(a);
	ead = PG_GETARG_FLOAT8(3);
	lgd = PG_GETARG_FLOAT8(2);
	v[0] += 1.0;
	rk_sum_add(&v[1], &v[2], ead);
	rk_sum_add(&v[3], &v[4], ead * r.k);
	rk_sum_add(&v[5], &v[6], ead * ead * rk_ga_term(r.k, r.pd, lgd, c->delta, c->gamma));
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_ga_final);
Datum
risk_ga_final(PG_FUNCTION_ARGS)
{
	double	   *v = risk_float8_values(PG_GETARG_ARRAYTYPE_P(0), "aggregate state", GA_LEN, NULL);
	double		ga;
	rk_status	st = rk_ga_final(v[1] + v[2], v[3] + v[4], v[5] + v[6], &ga);

	if (st == RK_EMPTY)
		PG_RETURN_NULL();
	if (st != RK_OK)
		risk_raise(st, "risk.granularity_adjustment");
	PG_RETURN_FLOAT8(ga);
}

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */
