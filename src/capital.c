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
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

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

/*
 * risk.credit_var, risk.credit_var_contributions and risk.creditriskplus
 * share one state: the loan book (pd, lgd, ead, rho and, for the
 * contributions, the exposure id), gathered in parallel; the simulation or
 * the recursion runs in the final function.
 */
#define BOOK_MAX_LOANS 20000000

typedef struct BookState
{
	int64		n,
				cap;
	double	   *pd,
			   *lgd,
			   *ead,
			   *rho;
	int64	   *id;
	Jsonb	   *options;
} BookState;

static BookState *
book_new(MemoryContext ctx, int64 cap, Jsonb *options)
{
	BookState  *st = MemoryContextAllocZero(ctx, sizeof(BookState));

	if (cap < 16)
		cap = 16;
	st->cap = cap;
	st->pd = MemoryContextAlloc(ctx, sizeof(double) * cap);
	st->lgd = MemoryContextAlloc(ctx, sizeof(double) * cap);
	st->ead = MemoryContextAlloc(ctx, sizeof(double) * cap);
	st->rho = MemoryContextAlloc(ctx, sizeof(double) * cap);
	st->id = MemoryContextAlloc(ctx, sizeof(int64) * cap);
	if (options)
	{
		st->options = MemoryContextAlloc(ctx, VARSIZE(options));
		memcpy(st->options, options, VARSIZE(options));
	}
	return st;
}

static void
book_reserve(BookState *st, int64 more, const char *func)
{
	int64		want = st->n + more;

	if (want > BOOK_MAX_LOANS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s takes at most %d loans, got " INT64_FORMAT,
						func, BOOK_MAX_LOANS, want)));
	if (want > st->cap)
	{
		int64		cap = Max(want, st->cap * 2);

		cap = Min(cap, BOOK_MAX_LOANS);
		st->pd = repalloc(st->pd, sizeof(double) * cap);
		st->lgd = repalloc(st->lgd, sizeof(double) * cap);
		st->ead = repalloc(st->ead, sizeof(double) * cap);
		st->rho = repalloc(st->rho, sizeof(double) * cap);
		st->id = repalloc(st->id, sizeof(int64) * cap);
		st->cap = cap;
	}
}

static double
book_arg(FunctionCallInfo fcinfo, int argno, const char *name, const char *func,
		 double lo, double hi, bool hi_open)
{
	double		x;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s of %s must not be NULL", name, func)));
	x = PG_GETARG_FLOAT8(argno);
	if (!(x >= lo && (hi_open ? x < hi : x <= hi)) || isinf(x))
	{
		if (isinf(hi))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s of %s must be finite and at least %g, got %g",
							name, func, lo, x)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s of %s must be from %g to %g%s, got %g",
						name, func, lo, hi, hi_open ? " (exclusive)" : "", x),
				 strcmp(name, "pd") == 0 ? risk_pd_hint(x, false) : 0));
	}
	return x;
}

/* Append one loan to the book (made on the first row, in the aggregate context). */
static BookState *
book_push(BookState *st, MemoryContext ctx, Jsonb *options, const char *func,
		  double pd, double lgd, double ead, double rho, int64 id)
{
	if (st == NULL)
		st = book_new(ctx, 64, options);
	else
		risk_same_options(st->options, options);
	if (st->n == st->cap)
	{
		MemoryContext old = MemoryContextSwitchTo(ctx);

		book_reserve(st, 1, func);
		MemoryContextSwitchTo(old);
	}
	st->pd[st->n] = pd;
	st->lgd[st->n] = lgd;
	st->ead[st->n] = ead;
	st->rho[st->n] = rho;
	st->id[st->n] = id;
	st->n++;
	return st;
}

/*
 * Add one loan: arguments from `first` on are [id,] pd, lgd, ead[, rho][,
 * options]; with_id / with_rho say which are there.
 */
static Datum
book_accum(FunctionCallInfo fcinfo, const char *func, bool with_id, bool with_rho)
{
	MemoryContext ctx = risk_agg_context(fcinfo, func);
	BookState  *st = PG_ARGISNULL(0) ? NULL : (BookState *) PG_GETARG_POINTER(0);
	int			a = 1;
	int			optarg = 1 + (with_id ? 1 : 0) + 3 + (with_rho ? 1 : 0);
	Jsonb	   *options = PG_NARGS() > optarg && !PG_ARGISNULL(optarg) ? PG_GETARG_JSONB_P(optarg) : NULL;
	int64		id = 0;
	double		pd,
				lgd,
				ead,
				rho = 0.0;

	if (with_id)
	{
		if (PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("exposure_id of %s must not be NULL", func)));
		id = PG_GETARG_INT64(1);
		a = 2;
	}
	pd = book_arg(fcinfo, a, "pd", func, 0.0, 1.0, false);
	lgd = book_arg(fcinfo, a + 1, "lgd", func, 0.0, 1.0, false);
	ead = book_arg(fcinfo, a + 2, "ead", func, 0.0, INFINITY, false);
	if (with_rho)
		rho = book_arg(fcinfo, a + 3, "rho", func, 0.0, 1.0, true);
	PG_RETURN_POINTER(book_push(st, ctx, options, func, pd, lgd, ead, rho, id));
}

PG_FUNCTION_INFO_V1(risk_credit_var_accum);
Datum
risk_credit_var_accum(PG_FUNCTION_ARGS)
{
	return book_accum(fcinfo, "risk.credit_var", false, true);
}

PG_FUNCTION_INFO_V1(risk_credit_contrib_accum);
Datum
risk_credit_contrib_accum(PG_FUNCTION_ARGS)
{
	return book_accum(fcinfo, "risk.credit_var_contributions", true, true);
}

/* risk.credit_var_multifactor: pd, lgd, ead, sector (1..k), loading[, options] */
PG_FUNCTION_INFO_V1(risk_credit_multi_accum);
Datum
risk_credit_multi_accum(PG_FUNCTION_ARGS)
{
	const char *func = "risk.credit_var_multifactor";
	MemoryContext ctx = risk_agg_context(fcinfo, func);
	BookState  *st = PG_ARGISNULL(0) ? NULL : (BookState *) PG_GETARG_POINTER(0);
	Jsonb	   *options = PG_NARGS() > 6 && !PG_ARGISNULL(6) ? PG_GETARG_JSONB_P(6) : NULL;
	double		pd = book_arg(fcinfo, 1, "pd", func, 0.0, 1.0, false),
				lgd = book_arg(fcinfo, 2, "lgd", func, 0.0, 1.0, false),
				ead = book_arg(fcinfo, 3, "ead", func, 0.0, INFINITY, false),
				loading;
	int32		sector;

	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("sector of %s must not be NULL", func)));
	sector = PG_GETARG_INT32(4);
	if (sector < 1 || sector > RK_CSIM_MAX_SECTORS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sector of %s must be from 1 to %d, got %d", func, RK_CSIM_MAX_SECTORS, sector)));
	loading = book_arg(fcinfo, 5, "loading", func, 0.0, 1.0, true);
	st = book_push(st, ctx, options, func, pd, lgd, ead, loading, sector - 1);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_creditriskplus_accum);
Datum
risk_creditriskplus_accum(PG_FUNCTION_ARGS)
{
	return book_accum(fcinfo, "risk.creditriskplus", false, false);
}

PG_FUNCTION_INFO_V1(risk_credit_book_combine);
Datum
risk_credit_book_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._credit_book_combine");
	BookState  *a = PG_ARGISNULL(0) ? NULL : (BookState *) PG_GETARG_POINTER(0);
	BookState  *b = PG_ARGISNULL(1) ? NULL : (BookState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL)
		RISK_RETURN_STATE(a);
	if (a == NULL)
	{
		a = book_new(ctx, b->n, b->options);
	}
	else
		risk_same_options(a->options, b->options);
	old = MemoryContextSwitchTo(ctx);
	book_reserve(a, b->n, "a loan book aggregate");
	MemoryContextSwitchTo(old);
	memcpy(a->pd + a->n, b->pd, sizeof(double) * b->n);
	memcpy(a->lgd + a->n, b->lgd, sizeof(double) * b->n);
	memcpy(a->ead + a->n, b->ead, sizeof(double) * b->n);
	memcpy(a->rho + a->n, b->rho, sizeof(double) * b->n);
	memcpy(a->id + a->n, b->id, sizeof(int64) * b->n);
	a->n += b->n;
	PG_RETURN_POINTER(a);
}

static void
book_damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("a partial state of a loan book aggregate is damaged")));
}

PG_FUNCTION_INFO_V1(risk_credit_book_serialize);
Datum
risk_credit_book_serialize(PG_FUNCTION_ARGS)
{
	BookState  *st = (BookState *) PG_GETARG_POINTER(0);
	int64		hdr[2];
	Size		arr = sizeof(double) * (Size) st->n,
				size;
	bytea	   *out;
	char	   *p;

	risk_agg_context(fcinfo, "risk_internal._credit_book_serialize");
	hdr[0] = st->n;
	hdr[1] = st->options ? VARSIZE(st->options) : 0;
	size = VARHDRSZ + sizeof(hdr) + hdr[1] + 5 * arr;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a partial state of " INT64_FORMAT " loans is larger than 1 GB", st->n),
				 errhint("Run it without parallel workers (SET max_parallel_workers_per_gather = 0).")));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, hdr, sizeof(hdr));
	p += sizeof(hdr);
	if (hdr[1] > 0)
		memcpy(p, st->options, hdr[1]);
	p += hdr[1];
	memcpy(p, st->pd, arr);
	p += arr;
	memcpy(p, st->lgd, arr);
	p += arr;
	memcpy(p, st->ead, arr);
	p += arr;
	memcpy(p, st->rho, arr);
	p += arr;
	memcpy(p, st->id, arr);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(risk_credit_book_deserialize);
Datum
risk_credit_book_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._credit_book_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in),
				arr;
	int64		hdr[2];
	Jsonb	   *options = NULL;
	BookState  *st;

	if (len < sizeof(hdr))
		book_damaged();
	memcpy(hdr, p, sizeof(hdr));
	p += sizeof(hdr);
	len -= sizeof(hdr);
	if (hdr[0] < 0 || hdr[0] > BOOK_MAX_LOANS || hdr[1] < 0 || (Size) hdr[1] > len)
		book_damaged();
	arr = sizeof(double) * (Size) hdr[0];
	if (len - hdr[1] != 5 * arr)
		book_damaged();
	if (hdr[1] > 0)
	{
		options = palloc(hdr[1]);
		memcpy(options, p, hdr[1]);
		if (VARSIZE(options) != (Size) hdr[1])
			book_damaged();
	}
	p += hdr[1];
	st = book_new(ctx, hdr[0], options);
	memcpy(st->pd, p, arr);
	p += arr;
	memcpy(st->lgd, p, arr);
	p += arr;
	memcpy(st->ead, p, arr);
	p += arr;
	memcpy(st->rho, p, arr);
	p += arr;
	memcpy(st->id, p, arr);
	st->n = hdr[0];
	PG_RETURN_POINTER(st);
}

/* The options of the simulation, read and checked. */
static void
credit_var_options(Jsonb *opt, const char *func, rk_csim_opts *o)
{
	static const char *const keys[] = {"scenarios", "seed", "level", "shift", "lgd_sd"};
	static const char *const mkeys[] = {"scenarios", "seed", "level", "shift", "lgd_sd", "correlation"};
	bool		multi = strcmp(func, "risk.credit_var_multifactor") == 0;
	JsonbValue *v;

	o->scenarios = 100000;
	o->seed = 1;
	o->level = 0.999;
	o->shift = NAN;				/* automatic */
	o->lgd_sd = 0.0;
	if (opt == NULL)
		goto autoshift;
	if (multi)
		risk_check_options(opt, func, mkeys, lengthof(mkeys));
	else
		risk_check_options(opt, func, keys, lengthof(keys));
	if ((v = risk_option(opt, "scenarios")) != NULL)
		o->scenarios = (long) risk_option_int(v, func, "scenarios",
											  RK_CSIM_MIN_SCENARIOS, RK_CSIM_MAX_SCENARIOS);
	if ((v = risk_option(opt, "seed")) != NULL)
		o->seed = (unsigned long) risk_option_int(v, func, "seed", 1, 4294967295);
	if ((v = risk_option(opt, "level")) != NULL)
	{
		o->level = risk_option_num(v, func, "level");
		if (!(o->level >= 0.5 && o->level < 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"level\" of %s must be at least 0.5 and below 1, got %s",
							func, risk_option_shown(v))));
	}
	if ((v = risk_option(opt, "shift")) != NULL)
	{
		o->shift = risk_option_num(v, func, "shift");
		if (!(o->shift >= -10.0 && o->shift <= 10.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"shift\" of %s must be from -10 to 10, got %s",
							func, risk_option_shown(v))));
	}
	if ((v = risk_option(opt, "lgd_sd")) != NULL)
	{
		o->lgd_sd = risk_option_num(v, func, "lgd_sd");
		if (!(o->lgd_sd >= 0.0 && o->lgd_sd < 0.5))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"lgd_sd\" of %s must be at least 0 and below 0.5, got %s",
							func, risk_option_shown(v))));
	}
autoshift:
	if (isnan(o->shift))
		o->shift = rk_csim_auto_shift(o->level);
}

static void
credit_raise(rk_status st, const char *func)
{
	if (st == RK_CANCELLED)
		CHECK_FOR_INTERRUPTS();
	risk_raise(st, func);
}

/*
 * The correlation matrix of option "correlation": a JSON array of k arrays
 * of k numbers; *k gets k.
 */
static double *
credit_correlation(Jsonb *opt, const char *func, int *k)
{
	JsonbValue *v = opt ? risk_option(opt, "correlation") : NULL;
	JsonbContainer *a;
	double	   *c;
	int			n;

	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs option \"correlation\", the correlation matrix of the sector factors (an array of rows)", func)));
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data)
		|| (n = JsonContainerSize(v->val.binary.data)) < 1 || n > RK_CSIM_MAX_SECTORS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"correlation\" of %s must be an array of 1 to %d rows, got %s",
						func, RK_CSIM_MAX_SECTORS, risk_option_shown(v))));
	a = v->val.binary.data;
	c = palloc(sizeof(double) * n * n);
	for (int i = 0; i < n; i++)
	{
		JsonbValue *row = getIthJsonbValueFromContainer(a, i);

		if (row == NULL || row->type != jbvBinary || !JsonContainerIsArray(row->val.binary.data)
			|| (int) JsonContainerSize(row->val.binary.data) != n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("row %d of option \"correlation\" of %s must be an array of %d numbers, got %s",
							i + 1, func, n, row ? risk_option_shown(row) : "nothing")));
		for (int j = 0; j < n; j++)
		{
			JsonbValue *e = getIthJsonbValueFromContainer(row->val.binary.data, j);

			c[i * n + j] = risk_option_num(e, func, "correlation");
		}
	}
	*k = n;
	return c;
}

/* ERROR naming the first loan whose LGD cannot have the beta standard deviation. */
static void
credit_check_beta(const BookState *st, const rk_csim_opts *o, const char *func)
{
	for (int64 i = 0; i < st->n; i++)
		if (!rk_csim_beta_ok(st->lgd[i], o->lgd_sd))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("an LGD of %g cannot have the standard deviation %g of option \"lgd_sd\" of %s",
							st->lgd[i], o->lgd_sd, func),
					 errdetail("A beta LGD of mean m has a standard deviation below sqrt(m (1 - m)); m must be strictly between 0 and 1.")));
}

static Datum
credit_var_result(FunctionCallInfo fcinfo, BookState *st, const char *func)
{
	rk_csim_opts o;
	rk_csim_result r;
	rk_status	s;
	Datum		v[13];

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	credit_var_options(st->options, func, &o);
	credit_check_beta(st, &o, func);
	if (strcmp(func, "risk.credit_var_multifactor") == 0)
	{
		int			k;
		double	   *corr = credit_correlation(st->options, func, &k);
		int		   *sector = palloc(sizeof(int) * st->n);

		for (int64 i = 0; i < st->n; i++)
		{
			if (st->id[i] >= k)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("sector %d of %s is beyond the %d rows of the correlation matrix",
								(int) st->id[i] + 1, func, k)));
			sector[i] = (int) st->id[i];
		}
		s = rk_csim_multi(st->pd, st->lgd, st->ead, st->rho, sector, k, corr,
						  (size_t) st->n, &o, &r, NULL);
		if (s == RK_DEGENERATE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"correlation\" of %s is not positive definite: %s",
							func, risk_option_shown(risk_option(st->options, "correlation")))));
		if (s == RK_BADARG)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"correlation\" of %s is not a correlation matrix (symmetric, unit diagonal, entries in [-1, 1]): %s",
							func, risk_option_shown(risk_option(st->options, "correlation")))));
	}
	else
		s = rk_csim(st->pd, st->lgd, st->ead, st->rho, (size_t) st->n, &o, &r, NULL);
	if (s != RK_OK)
		credit_raise(s, func);
	v[0] = Int64GetDatum(st->n);
	v[1] = Int64GetDatum(r.groups);
	v[2] = Int64GetDatum(o.scenarios);
	v[3] = Float8GetDatum(o.level);
	v[4] = Float8GetDatum(o.shift);
	v[5] = Float8GetDatum(r.expected_loss);
	v[6] = Float8GetDatum(r.mean_loss);
	v[7] = Float8GetDatum(r.mean_loss_se);
	v[8] = Float8GetDatum(r.var);
	v[9] = Float8GetDatum(r.var_se);
	v[10] = Float8GetDatum(r.es);
	v[11] = Float8GetDatum(r.es_se);
	v[12] = Int64GetDatum(r.tail_scenarios);
	return risk_result_row(fcinfo, v, NULL, 13);
}

PG_FUNCTION_INFO_V1(risk_credit_var_final);
Datum
risk_credit_var_final(PG_FUNCTION_ARGS)
{
	risk_agg_context(fcinfo, "risk_internal._credit_var_final");
	return credit_var_result(fcinfo, PG_ARGISNULL(0) ? NULL : (BookState *) PG_GETARG_POINTER(0),
							 "risk.credit_var");
}

PG_FUNCTION_INFO_V1(risk_credit_multi_final);
Datum
risk_credit_multi_final(PG_FUNCTION_ARGS)
{
	risk_agg_context(fcinfo, "risk_internal._credit_multi_final");
	return credit_var_result(fcinfo, PG_ARGISNULL(0) ? NULL : (BookState *) PG_GETARG_POINTER(0),
							 "risk.credit_var_multifactor");
}

typedef struct IdContrib
{
	int64		id;
	double		c;
} IdContrib;

static int
idcontrib_cmp(const void *a, const void *b)
{
	const IdContrib *x = a,
			   *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->c > y->c) - (x->c < y->c);
}

PG_FUNCTION_INFO_V1(risk_credit_contrib_final);
Datum
risk_credit_contrib_final(PG_FUNCTION_ARGS)
{
	BookState  *st = PG_ARGISNULL(0) ? NULL : (BookState *) PG_GETARG_POINTER(0);
	rk_csim_opts o;
	rk_csim_result r;
	rk_status	s;
	double	   *c;
	IdContrib  *ic;
	int64	   *ids;
	Datum		v[4];

	risk_agg_context(fcinfo, "risk_internal._credit_contrib_final");
	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	credit_var_options(st->options, "risk.credit_var_contributions", &o);
	credit_check_beta(st, &o, "risk.credit_var_contributions");
	c = palloc(sizeof(double) * st->n);
	s = rk_csim(st->pd, st->lgd, st->ead, st->rho, (size_t) st->n, &o, &r, c);
	if (s != RK_OK)
		credit_raise(s, "risk.credit_var_contributions");
	ic = palloc(sizeof(IdContrib) * st->n);
	for (int64 i = 0; i < st->n; i++)
	{
		ic[i].id = st->id[i];
		ic[i].c = c[i];
	}
	qsort(ic, st->n, sizeof(IdContrib), idcontrib_cmp);
	ids = palloc(sizeof(int64) * st->n);
	for (int64 i = 0; i < st->n; i++)
	{
		ids[i] = ic[i].id;
		c[i] = ic[i].c;
	}
	v[0] = Float8GetDatum(r.var);
	v[1] = Float8GetDatum(r.es);
	v[2] = risk_int8_array(ids, (int) st->n);
	v[3] = risk_float8_array(c, (int) st->n);
	return risk_result_row(fcinfo, v, NULL, 4);
}

PG_FUNCTION_INFO_V1(risk_creditriskplus_final);
Datum
risk_creditriskplus_final(PG_FUNCTION_ARGS)
{
	static const char *const keys[] = {"unit", "sigma2", "level"};
	const char *func = "risk.creditriskplus";
	BookState  *st = PG_ARGISNULL(0) ? NULL : (BookState *) PG_GETARG_POINTER(0);
	double		unit = NAN,
				sigma2 = 0.0,
				level = 0.999;
	JsonbValue *v;
	rk_crp_result r;
	rk_status	s;
	Datum		d[7];

	risk_agg_context(fcinfo, "risk_internal._creditriskplus_final");
	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	if (st->options)
		risk_check_options(st->options, func, keys, lengthof(keys));
	if (st->options == NULL || (v = risk_option(st->options, "unit")) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs option \"unit\", the exposure unit (money, positive)", func)));
	unit = risk_option_num(v, func, "unit");
	if (!(unit > 0.0 && isfinite(unit)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"unit\" of %s must be positive, got %s", func, risk_option_shown(v))));
	if ((v = risk_option(st->options, "sigma2")) != NULL)
	{
		sigma2 = risk_option_num(v, func, "sigma2");
		if (!(sigma2 >= 0.0 && sigma2 <= 1e6))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"sigma2\" of %s must be from 0 to 1e6, got %s", func, risk_option_shown(v))));
	}
	if ((v = risk_option(st->options, "level")) != NULL)
	{
		level = risk_option_num(v, func, "level");
		if (!(level >= 0.5 && level < 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"level\" of %s must be at least 0.5 and below 1, got %s",
							func, risk_option_shown(v))));
	}
	s = rk_creditriskplus(st->pd, st->lgd, st->ead, (size_t) st->n, unit, sigma2, level,
						  &r, NULL, 0);
	if (s == RK_NOSPACE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the VaR of %s is beyond %d exposure units of %g", func, RK_CRP_MAX_BANDS, unit),
				 errhint("Take a larger unit.")));
	if (s != RK_OK)
		credit_raise(s, func);
	d[0] = Int64GetDatum(st->n);
	d[1] = Float8GetDatum(unit);
	d[2] = Float8GetDatum(sigma2);
	d[3] = Float8GetDatum(level);
	d[4] = Float8GetDatum(r.expected_loss);
	d[5] = Float8GetDatum(r.var);
	d[6] = Float8GetDatum(r.es);
	return risk_result_row(fcinfo, d, NULL, 7);
}

/* ---- liquidity -------------------------------------------------------- */

/*
 * The liquidity ratios are aggregates over positions tagged with their
 * category.  The state sums the amounts by category (no factor is read
 * per row); the final function reads the regime's factors (SPI) once per
 * query and regime, not once per group, and hands the sums with their
 * kinds and factors to the core.  The state is
 * internal (names of any length), serialized for parallel plans.
 */
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/float.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#define LIQ_DEFAULT_REGIME "basel3"
#define LIQ_MAX_CATEGORIES 100000

typedef struct LiqState
{
	int32		nsfr;			/* 0: risk.lcr, 1: risk.nsfr */
	int32		n,				/* categories seen */
				cap;
	char		regime[NAMEDATALEN];
	char	  **name;			/* n category names */
	double	   *sum;			/* n sums of amounts */
	int32		last;			/* index of the last category found */
} LiqState;

static const char *
liq_func(bool nsfr)
{
	return nsfr ? "risk.nsfr" : "risk.lcr";
}

static LiqState *
liq_new(MemoryContext ctx, bool nsfr, const char *regime, int cap)
{
	LiqState   *st = MemoryContextAllocZero(ctx, sizeof(LiqState));

	st->nsfr = nsfr;
	strlcpy(st->regime, regime, NAMEDATALEN);
	st->cap = Max(cap, 8);
	st->name = MemoryContextAlloc(ctx, sizeof(char *) * st->cap);
	st->sum = MemoryContextAlloc(ctx, sizeof(double) * st->cap);
	return st;
}

/* ERROR when a regime name cannot be one of the tables' (1 to 63 bytes) */
static void
liq_check_regime(bool nsfr, const char *regime)
{
	size_t		len = strlen(regime);

	if (len == 0 || len >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: regime \"%s\" must have 1 to %d bytes", liq_func(nsfr), regime, NAMEDATALEN - 1)));
}

/* adds amount to the sum of category (len bytes, not terminated) */
static void
liq_add(MemoryContext ctx, LiqState *st, const char *cat, int len, double amount)
{
	int			i = st->last;

	if (i >= st->n || strncmp(st->name[i], cat, len) != 0 || st->name[i][len] != '\0')
	{
		for (i = 0; i < st->n; i++)
			if (strncmp(st->name[i], cat, len) == 0 && st->name[i][len] == '\0')
				break;
	}
	if (i == st->n)
	{
		if (st->n >= LIQ_MAX_CATEGORIES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: more than %d categories in one group", liq_func(st->nsfr), LIQ_MAX_CATEGORIES)));
		if (st->n == st->cap)
		{
			st->cap *= 2;
			st->name = repalloc(st->name, sizeof(char *) * st->cap);
			st->sum = repalloc(st->sum, sizeof(double) * st->cap);
		}
		st->name[i] = MemoryContextAlloc(ctx, len + 1);
		memcpy(st->name[i], cat, len);
		st->name[i][len] = '\0';
		st->sum[i] = 0;
		st->n++;
	}
	st->sum[i] += amount;
	st->last = i;
}

/* ERROR when two parts of one aggregate name different regimes */
static void
liq_same_regime(bool nsfr, const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: regime changes within one aggregate: \"%s\" and \"%s\"", liq_func(nsfr), a, b),
				 errhint("Give one regime per aggregate, or GROUP BY the regime.")));
}

/* transition of risk.lcr / risk.nsfr: (category, amount [, regime]) */
static Datum
liq_accum(FunctionCallInfo fcinfo, bool nsfr)
{
	const char *func = liq_func(nsfr);
	MemoryContext ctx = risk_agg_context(fcinfo, func);
	LiqState   *st = PG_ARGISNULL(0) ? NULL : (LiqState *) PG_GETARG_POINTER(0);
	text	   *cat;
	double		amount;
	char	   *regime;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: category must not be NULL", func)));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: amount of category \"%s\" must not be NULL", func, text_to_cstring(PG_GETARG_TEXT_PP(1)))));
	if (PG_NARGS() > 3 && PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: regime must not be NULL", func)));
	cat = PG_GETARG_TEXT_PP(1);
	amount = PG_GETARG_FLOAT8(2);
	if (!isfinite(amount) || amount < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: amount %s of category \"%s\" must be finite and non-negative",
						func, float8out_internal(amount), text_to_cstring(cat)),
				 errhint("Amounts are positive balances; the factor gives the direction.")));
	if (st == NULL)
	{
		regime = PG_NARGS() > 3 ? text_to_cstring(PG_GETARG_TEXT_PP(3)) : pstrdup(LIQ_DEFAULT_REGIME);
		liq_check_regime(nsfr, regime);
		st = liq_new(ctx, nsfr, regime, 16);
	}
	else if (PG_NARGS() > 3)
	{
		text	   *r = PG_GETARG_TEXT_PP(3);
		int			len = VARSIZE_ANY_EXHDR(r);

		if (strncmp(st->regime, VARDATA_ANY(r), len) != 0 || st->regime[len] != '\0')
			liq_same_regime(nsfr, st->regime, text_to_cstring(r));
	}
	liq_add(ctx, st, VARDATA_ANY(cat), VARSIZE_ANY_EXHDR(cat), amount);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_lcr_accum);
Datum
risk_lcr_accum(PG_FUNCTION_ARGS)
{
	return liq_accum(fcinfo, false);
}

PG_FUNCTION_INFO_V1(risk_nsfr_accum);
Datum
risk_nsfr_accum(PG_FUNCTION_ARGS)
{
	return liq_accum(fcinfo, true);
}

/* combine: adds the sums of the second state to the first's */
PG_FUNCTION_INFO_V1(risk_liquidity_combine);
Datum
risk_liquidity_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._liquidity_combine");
	LiqState   *a = PG_ARGISNULL(0) ? NULL : (LiqState *) PG_GETARG_POINTER(0);
	LiqState   *b = PG_ARGISNULL(1) ? NULL : (LiqState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		RISK_RETURN_STATE(a);
	if (a == NULL)
		a = liq_new(ctx, b->nsfr, b->regime, b->n);
	else
	{
		if (a->nsfr != b->nsfr)
			elog(ERROR, "risk_internal._liquidity_combine: states of risk.lcr and risk.nsfr");
		liq_same_regime(a->nsfr, a->regime, b->regime);
	}
	for (int i = 0; i < b->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		liq_add(ctx, a, b->name[i], strlen(b->name[i]), b->sum[i]);
	}
	PG_RETURN_POINTER(a);
}

/* serialize: nsfr, n, the regime (NUL-terminated), then n (name NUL, sum) */
PG_FUNCTION_INFO_V1(risk_liquidity_serialize);
Datum
risk_liquidity_serialize(PG_FUNCTION_ARGS)
{
	LiqState   *st = (LiqState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	bytea	   *out;

	risk_agg_context(fcinfo, "risk_internal._liquidity_serialize");
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, (char *) &st->nsfr, sizeof(int32));
	appendBinaryStringInfo(&buf, (char *) &st->n, sizeof(int32));
	appendBinaryStringInfo(&buf, st->regime, strlen(st->regime) + 1);
	for (int i = 0; i < st->n; i++)
	{
		appendBinaryStringInfo(&buf, st->name[i], strlen(st->name[i]) + 1);
		appendBinaryStringInfo(&buf, (char *) &st->sum[i], sizeof(double));
	}
	out = palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(out, VARHDRSZ + buf.len);
	memcpy(VARDATA(out), buf.data, buf.len);
	pfree(buf.data);
	PG_RETURN_BYTEA_P(out);
}

static void
liq_damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("damaged partial state of risk.lcr or risk.nsfr")));
}

/* the length of the NUL-terminated string at p within end, or ERROR */
static size_t
liq_string(const char *p, const char *end)
{
	const char *z = memchr(p, '\0', end - p);

	if (z == NULL)
		liq_damaged();
	return z - p;
}

PG_FUNCTION_INFO_V1(risk_liquidity_deserialize);
Datum
risk_liquidity_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_internal._liquidity_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in),
			   *end = p + VARSIZE_ANY_EXHDR(in);
	int32		nsfr,
				n;
	size_t		len;
	LiqState   *st;

	if (end - p < 2 * (ptrdiff_t) sizeof(int32))
		liq_damaged();
	memcpy(&nsfr, p, sizeof(int32));
	memcpy(&n, p + sizeof(int32), sizeof(int32));
	p += 2 * sizeof(int32);
	if ((nsfr != 0 && nsfr != 1) || n < 0 || n > LIQ_MAX_CATEGORIES)
		liq_damaged();
	len = liq_string(p, end);
	if (len == 0 || len >= NAMEDATALEN)
		liq_damaged();
	st = liq_new(ctx, nsfr, p, n);
	p += len + 1;
	for (int i = 0; i < n; i++)
	{
		double		s;

		len = liq_string(p, end);
		if ((size_t) (end - p) < len + 1 + sizeof(double))
			liq_damaged();
		memcpy(&s, p + len + 1, sizeof(double));
		liq_add(ctx, st, p, len, s);
		p += len + 1 + sizeof(double);
	}
	if (p != end)
		liq_damaged();
	PG_RETURN_POINTER(st);
}

/* The rows of one regime of a factor table, kept for the query (fn_extra). */
typedef struct LiqFactors
{
	int32		nsfr;
	char		regime[NAMEDATALEN];
	int			n;
	char	  **category;
	int		   *kind;
	double	   *factor;
} LiqFactors;

/* reads the rows of st's regime into the query's cache, once per regime */
static LiqFactors *
liq_load(FunctionCallInfo fcinfo, LiqState *st)
{
	static const char *const kinds[] = {"level1", "level2a", "level2b", "outflow", "inflow", "asf", "rsf"};
	const char *func = liq_func(st->nsfr);
	const char *table = st->nsfr ? "risk.nsfr_factor" : "risk.lcr_factor";
	LiqFactors *c = (LiqFactors *) fcinfo->flinfo->fn_extra;
	MemoryContext mcxt = fcinfo->flinfo->fn_mcxt;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	char		sql[128];
	int			rows;

	if (c != NULL && c->nsfr == st->nsfr && strcmp(c->regime, st->regime) == 0)
		return c;
	if (c == NULL)
		c = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(mcxt, sizeof(LiqFactors));
	else
	{
		for (int i = 0; i < c->n; i++)
			pfree(c->category[i]);
		if (c->n > 0)
		{
			pfree(c->category);
			pfree(c->kind);
			pfree(c->factor);
		}
		c->n = 0;
	}
	c->regime[0] = '\0';		/* invalid until loaded */
	args[0] = CStringGetTextDatum(st->regime);
	snprintf(sql, sizeof(sql), "SELECT category, kind, factor FROM %s WHERE regime OPERATOR(pg_catalog.=) $1", table);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "%s: SPI_connect failed", func);
	if (SPI_execute_with_args(sql, 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "%s: reading %s failed", func, table);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s: unknown regime \"%s\"", func, st->regime),
				 errhint("The regimes are those of %s; risk.liquidity_regime_copy makes a new one.", table)));
	if (SPI_processed > LIQ_MAX_CATEGORIES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: regime \"%s\" has more than %d categories", func, st->regime, LIQ_MAX_CATEGORIES)));
	rows = (int) SPI_processed;
	c->category = MemoryContextAlloc(mcxt, sizeof(char *) * rows);
	c->kind = MemoryContextAlloc(mcxt, sizeof(int) * rows);
	c->factor = MemoryContextAlloc(mcxt, sizeof(double) * rows);
	for (int r = 0; r < rows; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		char	   *k = SPI_getvalue(t, td, 2);
		bool		isnull;
		double		f = DatumGetFloat8(SPI_getbinval(t, td, 3, &isnull));
		int			ki = -1;

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < (int) lengthof(kinds); j++)
			if (strcmp(k, kinds[j]) == 0)
				ki = j;
		if (ki < 0 || isnull)
			elog(ERROR, "%s: row of %s outside its constraints", func, table);
		c->category[r] = MemoryContextStrdup(mcxt, SPI_getvalue(t, td, 1));
		c->kind[r] = ki;
		c->factor[r] = f;
		c->n = r + 1;
	}
	SPI_finish();
	c->nsfr = st->nsfr;
	strlcpy(c->regime, st->regime, NAMEDATALEN);
	return c;
}

/*
 * The kind (rk_liq_kind) and factor of each category of st from the
 * regime's rows of risk.lcr_factor or risk.nsfr_factor, read once per
 * query and regime; ERROR for an unknown regime or category.
 */
static void
liq_factors(FunctionCallInfo fcinfo, LiqState *st, int *kind, double *factor)
{
	LiqFactors *c = liq_load(fcinfo, st);

	for (int i = 0; i < st->n; i++)
	{
		int			j;

		CHECK_FOR_INTERRUPTS();
		for (j = 0; j < c->n; j++)
			if (strcmp(st->name[i], c->category[j]) == 0)
				break;
		if (j == c->n)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("%s: unknown category \"%s\" in regime \"%s\"", liq_func(st->nsfr), st->name[i], st->regime),
					 errhint("The categories of a regime are its rows of %s.",
							 st->nsfr ? "risk.nsfr_factor" : "risk.lcr_factor")));
		kind[i] = c->kind[j];
		factor[i] = c->factor[j];
	}
}

/* final of risk.lcr: the composite risk.lcr_result; NULL for no row */
PG_FUNCTION_INFO_V1(risk_lcr_final);
Datum
risk_lcr_final(PG_FUNCTION_ARGS)
{
	LiqState   *st;
	int		   *kind;
	double	   *factor;
	rk_lcr_result r;
	rk_status	s;
	Datum		v[11];
	bool		nulls[11] = {false};

	risk_agg_context(fcinfo, "risk_internal._lcr_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (LiqState *) PG_GETARG_POINTER(0);
	kind = palloc(sizeof(int) * Max(st->n, 1));
	factor = palloc(sizeof(double) * Max(st->n, 1));
	liq_factors(fcinfo, st, kind, factor);
	s = rk_lcr(st->n, kind, factor, st->sum, &r);
	if (s == RK_BADARG)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("risk.lcr: regime \"%s\" has a category of the NSFR (asf or rsf)", st->regime)));
	if (s != RK_OK)
		risk_raise(s, "risk.lcr");
	v[0] = Float8GetDatum(r.level1);
	v[1] = Float8GetDatum(r.level2a);
	v[2] = Float8GetDatum(r.level2b);
	v[3] = Float8GetDatum(r.adj15);
	v[4] = Float8GetDatum(r.adj40);
	v[5] = Float8GetDatum(r.hqla);
	v[6] = Float8GetDatum(r.outflows);
	v[7] = Float8GetDatum(r.inflows);
	v[8] = Float8GetDatum(r.inflows_capped);
	v[9] = Float8GetDatum(r.net_outflows);
	v[10] = Float8GetDatum(r.lcr);
	nulls[10] = isnan(r.lcr);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, 11));
}

/* final of risk.nsfr: the composite risk.nsfr_result; NULL for no row */
PG_FUNCTION_INFO_V1(risk_nsfr_final);
Datum
risk_nsfr_final(PG_FUNCTION_ARGS)
{
	LiqState   *st;
	int		   *kind;
	double	   *factor;
	rk_nsfr_result r;
	rk_status	s;
	Datum		v[3];
	bool		nulls[3] = {false};

	risk_agg_context(fcinfo, "risk_internal._nsfr_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (LiqState *) PG_GETARG_POINTER(0);
	kind = palloc(sizeof(int) * Max(st->n, 1));
	factor = palloc(sizeof(double) * Max(st->n, 1));
	liq_factors(fcinfo, st, kind, factor);
	s = rk_nsfr(st->n, kind, factor, st->sum, &r);
	if (s != RK_OK)
		risk_raise(s, "risk.nsfr");
	v[0] = Float8GetDatum(r.asf);
	v[1] = Float8GetDatum(r.rsf);
	v[2] = Float8GetDatum(r.nsfr);
	nulls[2] = isnan(r.nsfr);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, nulls, 3));
}
