/*
 * validation.c
 *     SQL face of the credit validation metrics: auc, gini and ks over
 *     (score, bad); brier over (pd, bad); hosmer_lemeshow; the per-grade
 *     binomial and Jeffreys tests; the population stability index.
 *
 * A bad is the event (default); scores are oriented so that higher means
 * riskier (a PD, or minus a points score).  auc/gini/ks and hosmer_lemeshow
 * keep (value, label) pairs in a value buffer, so they run in parallel; a
 * group with no bad or no good has no AUC or KS: NULL (Hosmer-Lemeshow is
 * still defined there).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "core/quantile.h"
#include "core/validation.h"
#include "risk.h"
#include "valbuf.h"

/* ERROR unless pd is a probability in [0, 1]. */
static void
check_pd(double pd)
{
	if (!(pd >= 0 && pd <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a PD must be between 0 and 1, got %s", float8out_internal(pd)),
				 risk_pd_hint(pd, false)));
}

static void
check_groups(double groups, const char *name)
{
	risk_check_between(groups, name, 3, 1000);
}

/*
 * Transition of the pair aggregates: (value, bad [, groups]); param[0] the
 * number of Hosmer-Lemeshow groups when given.
 */
static Datum
pairs_accum(FunctionCallInfo fcinfo, bool is_pd)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_pairs_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		v;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	v = PG_GETARG_FLOAT8(1);
	risk_check_finite(v, is_pd ? "PD" : "score");
	if (is_pd)
		check_pd(v);
	if (st == NULL)
		st = valbuf_new_flagged(ctx);
	if (PG_NARGS() > 3)
		risk_param_bind(&st->param[0], "groups", PG_GETARG_INT32(3), NULL, check_groups);
	valbuf_add_flagged(st, ctx, v, risk_get_flag(fcinfo, 2, "default flag"));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(risk_score_pairs_accum);
Datum
risk_score_pairs_accum(PG_FUNCTION_ARGS)
{
	return pairs_accum(fcinfo, false);
}

PG_FUNCTION_INFO_V1(risk_pd_pairs_accum);
Datum
risk_pd_pairs_accum(PG_FUNCTION_ARGS)
{
	return pairs_accum(fcinfo, true);
}

static Datum
auc_ks_final(FunctionCallInfo fcinfo, int which)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		auc,
				ks;
	rk_status rc;

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	/* the goods' and the bads' scores, sorted in place (or found sorted) */
	rc = rk_auc_ks_split(st->x, st->n, st->x1, st->n1, &auc, &ks);
	if (rc == RK_DEGENERATE)
		PG_RETURN_NULL();		/* all good or all bad: no discrimination to measure */
	risk_raise(rc, "auc");
	PG_RETURN_FLOAT8(which == 0 ? auc : (which == 1 ? 2 * auc - 1 : ks));
}

PG_FUNCTION_INFO_V1(risk_auc_final);
Datum
risk_auc_final(PG_FUNCTION_ARGS)
{
	return auc_ks_final(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(risk_gini_final);
Datum
risk_gini_final(PG_FUNCTION_ARGS)
{
	return auc_ks_final(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(risk_ks_final);
Datum
risk_ks_final(PG_FUNCTION_ARGS)
{
	return auc_ks_final(fcinfo, 2);
}

PG_FUNCTION_INFO_V1(risk_hosmer_lemeshow_final);
Datum
risk_hosmer_lemeshow_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	int			groups;
	int64		npairs;
	double	   *pairs,
				stat,
				pv;
	int			df;
	rk_status rc;
	Datum		v[4];

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	groups = risk_param_bound(&st->param[0]) ? (int) st->param[0].value : 10;
	if (st->nall < groups)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Hosmer-Lemeshow with %d groups needs at least %d loans, got " INT64_FORMAT,
						groups, groups, st->nall)));
	pairs = valbuf_flag_pairs(st, false, &npairs);
	rc = rk_hosmer_lemeshow(pairs, npairs, groups, &stat, &df, &pv);
	pfree(pairs);
	if (rc == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a Hosmer-Lemeshow group expects no default, or only defaults, and its outcomes differ"),
				 errdetail("PDs of exactly 0 or 1 meet outcomes that contradict them.")));
	risk_raise(rc, "hosmer_lemeshow");
	v[0] = Float8GetDatum(stat);
	v[1] = Int32GetDatum(df);
	v[2] = Float8GetDatum(pv);
	v[3] = Int64GetDatum(st->nall);
	PG_RETURN_DATUM(risk_result_row(fcinfo, v, NULL, lengthof(v)));
}

/* brier: float8[3] = {n, sum, compensation}, checked before it is read */
#define BRIER_LEN 3

PG_FUNCTION_INFO_V1(risk_brier_accum);
Datum
risk_brier_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	double		pd = PG_GETARG_FLOAT8(1);
	double		y = risk_get_flag(fcinfo, 2, "default flag") ? 1.0 : 0.0;
	double	   *v,
				e;

	risk_agg_context(fcinfo, "risk_brier_accum");
	risk_check_finite(pd, "PD");
	v = risk_float8_values(a, "aggregate state", BRIER_LEN, NULL);
	check_pd(pd);
	e = (pd - y) * (pd - y);		/* pd checked above */
	rk_sum_add(&v[1], &v[2], e);
	v[0] += 1;
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_brier_combine);
Datum
risk_brier_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	double	   *va,
			   *vb,
				comp;

	risk_agg_context(fcinfo, "risk_brier_combine");
	va = risk_float8_values(a, "aggregate state", BRIER_LEN, NULL);
	vb = risk_float8_values(b, "aggregate state", BRIER_LEN, NULL);
	/* the rounding of adding b's sum, then b's compensation */
	comp = 0;
	rk_sum_add(&va[1], &comp, vb[1]);
	va[2] += comp + vb[2];
	va[0] += vb[0];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(risk_brier_final);
Datum
risk_brier_final(PG_FUNCTION_ARGS)
{
	double	   *v = risk_float8_values(PG_GETARG_ARRAYTYPE_P(0), "aggregate state", BRIER_LEN, NULL);

	if (v[0] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((v[1] + v[2]) / v[0]);
}

/* The (n, defaults, pd) of a grade, checked. */
static void
grade_args(FunctionCallInfo fcinfo, int64 *n, int64 *d, double *pd)
{
	*n = PG_GETARG_INT64(0);
	*d = PG_GETARG_INT64(1);
	*pd = PG_GETARG_FLOAT8(2);
	if (*n <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of obligors must be positive, got " INT64_FORMAT, *n)));
	if (*d < 0 || *d > *n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of defaults must be between 0 and " INT64_FORMAT ", got " INT64_FORMAT, *n, *d)));
	if (!(*pd > 0 && *pd < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the grade's PD must be between 0 and 1 exclusive, got %s",
						float8out_internal(*pd)),
				 risk_pd_hint(*pd, false)));
}

PG_FUNCTION_INFO_V1(risk_jeffreys_test_sql);
Datum
risk_jeffreys_test_sql(PG_FUNCTION_ARGS)
{
	int64		n,
				d;
	double		pd;

	grade_args(fcinfo, &n, &d, &pd);
	PG_RETURN_FLOAT8(rk_jeffreys_test(n, d, pd));
}

PG_FUNCTION_INFO_V1(risk_binomial_test_sql);
Datum
risk_binomial_test_sql(PG_FUNCTION_ARGS)
{
	int64		n,
				d;
	double		pd;

	grade_args(fcinfo, &n, &d, &pd);
	if (n > (int64) UINT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many obligors for the binomial test: " INT64_FORMAT, n)));
	PG_RETURN_FLOAT8(rk_binomial_test(n, d, pd));
}

/* A risk.psi_result: the index and its band. */
static Datum
psi_tuple(FunctionCallInfo fcinfo, double psi)
{
	Datum		v[2];

	v[0] = Float8GetDatum(psi);
	v[1] = CStringGetTextDatum(psi < 0.1 ? "stable" : (psi < 0.25 ? "moderate shift" : "significant shift"));
	return risk_result_row(fcinfo, v, NULL, lengthof(v));
}

/* psi(development counts, current counts) -> (psi, band) */
PG_FUNCTION_INFO_V1(risk_psi_sql);
Datum
risk_psi_sql(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			m;
	double		psi;
	rk_status rc;

	if (ARR_NDIM(a) != 1 || ARR_NDIM(b) != 1 || ARR_HASNULL(a) || ARR_HASNULL(b) ||
		ARR_ELEMTYPE(a) != FLOAT8OID || ARR_ELEMTYPE(b) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi takes two one-dimensional float8 arrays of counts without NULLs")));
	m = ARR_DIMS(a)[0];
	if (m != ARR_DIMS(b)[0] || m < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi needs the same number of buckets (at least 2) in both distributions, got %d and %d",
						m, ARR_DIMS(b)[0])));
	rc = rk_psi((double *) ARR_DATA_PTR(a), (double *) ARR_DATA_PTR(b), m, &psi);
	if (rc == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every bucket needs a positive, finite count in both distributions"),
				 errhint("Merge empty buckets with a neighbour.")));
	PG_RETURN_DATUM(psi_tuple(fcinfo, psi));
}

/* ---------------------------------------------------------------------
 * psi_scores: the population stability index from raw scores, the
 * development sample's and the current one's in one group, told apart by
 * a flag.  Buckets: [b(i-1), b(i)) with b(0) = -Infinity and b(B) =
 * +Infinity; the inner edges are either the development sample's type-7
 * quantiles at 1/B, ..., (B-1)/B (an edge repeated by ties counts once), or
 * given.  With given edges each row is bucketed at once and only its
 * bucket kept; with quantile edges every score is kept (value buffer, so
 * both forms run in parallel).
 * --------------------------------------------------------------------- */

/* the PSI of counts, as risk.psi returns it */
static Datum
psi_result(FunctionCallInfo fcinfo, double *dev, double *cur, int m)
{
	double		psi;

	if (rk_psi(dev, cur, m, &psi) == RK_DEGENERATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every bucket needs scores from both samples"),
				 errhint("Use fewer buckets, or breakpoints that leave no bucket empty.")));
	return psi_tuple(fcinfo, psi);
}

/* the bucket of x among sorted edges e[0..ne-1]: the number of edges <= x */
static int
psi_bucket(const double *e, int ne, double x)
{
	int			lo = 0,
				hi = ne;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (e[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

typedef struct PsiEdges
{
	Size		len;
	char	   *raw;			/* the array's bytes, to recognize it */
	int			ne;
	double	   *e;
	double		sig;			/* a signature of the edges for the state */
} PsiEdges;

/* The breakpoints argument, checked and decoded once per query. */
static PsiEdges *
psi_edges(FunctionCallInfo fcinfo, ArrayType *a)
{
	PsiEdges   *pe = (PsiEdges *) fcinfo->flinfo->fn_extra;
	Size		len = VARSIZE(a);
	double	   *v;
	int			n,
				i;

	if (pe != NULL && pe->len == len && memcmp(pe->raw, a, len) == 0)
		return pe;
	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < 1 || ARR_DIMS(a)[0] > 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("breakpoints must be a float8 array of 1 to 1000 values without NULLs")));
	n = ARR_DIMS(a)[0];
	v = (double *) ARR_DATA_PTR(a);
	for (i = 0; i < n; i++)
	{
		risk_check_finite(v[i], "breakpoint");
		if (i > 0 && !(v[i] > v[i - 1]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("breakpoints must be increasing, got %s after %s",
							float8out_internal(v[i]), float8out_internal(v[i - 1]))));
	}
	if (pe == NULL)
		pe = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PsiEdges));
	else
	{
		pfree(pe->raw);
		pfree(pe->e);
	}
	pe->raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len);
	memcpy(pe->raw, a, len);
	pe->len = len;
	pe->ne = n;
	pe->e = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(double) * n);
	memcpy(pe->e, v, sizeof(double) * n);
	pe->sig = (double) hash_bytes((const unsigned char *) v, (int) (sizeof(double) * n));
	fcinfo->flinfo->fn_extra = pe;
	return pe;
}

/*
 * Transition of psi_scores(score, current [, buckets | breakpoints]): keeps
 * (score or bucket, current) pairs.  param[0]: the number of buckets;
 * param[1], bound only with given edges: the edges' signature.
 */
static Datum
psi_scores_accum(FunctionCallInfo fcinfo, bool given)
{
	MemoryContext ctx = risk_agg_context(fcinfo, "risk_psi_scores_accum");
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	double		x;
	PsiEdges   *pe = NULL;

	if (risk_row_has_null(fcinfo, 1))
		RISK_RETURN_STATE(st);
	x = PG_GETARG_FLOAT8(1);
	risk_check_finite(x, "score");
	if (given)
		pe = psi_edges(fcinfo, PG_GETARG_ARRAYTYPE_P(3));
	if (st == NULL)
		st = valbuf_new_flagged(ctx);
	if (given)
	{
		/* the signature tells the arrays apart; it means nothing to show */
		risk_param_bind(&st->param[1], "breakpoints", pe->sig, "", NULL);
		risk_param_bind(&st->param[0], "buckets", pe->ne + 1, NULL, NULL);
	}
	else
	{
		int32		buckets = PG_NARGS() > 3 ? PG_GETARG_INT32(3) : 10;

		risk_check_between(buckets, "buckets", 2, 1000);	/* every row's, not only the first's */
		risk_param_bind(&st->param[0], "buckets", buckets, NULL, NULL);
	}
	valbuf_add_flagged(st, ctx, given ? (double) psi_bucket(pe->e, pe->ne, x) : x,
					   risk_get_flag(fcinfo, 2, "current flag"));
	PG_RETURN_POINTER(st);
}

/* (score, current [, buckets int]) */
PG_FUNCTION_INFO_V1(risk_psi_scores_accum);
Datum
risk_psi_scores_accum(PG_FUNCTION_ARGS)
{
	return psi_scores_accum(fcinfo, false);
}

/* (score, current, breakpoints float8[]) */
PG_FUNCTION_INFO_V1(risk_psi_scores_edges_accum);
Datum
risk_psi_scores_edges_accum(PG_FUNCTION_ARGS)
{
	return psi_scores_accum(fcinfo, true);
}

PG_FUNCTION_INFO_V1(risk_psi_scores_final);
Datum
risk_psi_scores_final(PG_FUNCTION_ARGS)
{
	ValBuf	   *st = PG_ARGISNULL(0) ? NULL : (ValBuf *) PG_GETARG_POINTER(0);
	int			m,
				ne = 0,
				j;
	int64		i,
				nd = 0,
				ncur = 0;
	double	   *dev,
			   *cur,
			   *e = NULL;
	bool		given;

	if (st == NULL || st->nall == 0)
		PG_RETURN_NULL();
	given = risk_param_bound(&st->param[1]);
	m = (int) st->param[0].value;
	nd = st->n;					/* flag 0: the development sample */
	ncur = st->n1;
	if (nd == 0 || ncur == 0)
		PG_RETURN_NULL();		/* one of the samples is empty: no PSI */
	if (!given)
	{
		/* the development sample's quantiles, sorted (in place), ties merged */
		double	   *d = st->x;

		risk_raise(rk_sort_doubles(d, nd), "psi_scores");
		e = palloc(sizeof(double) * m);
		for (j = 1; j < m; j++)
		{
			double		h = (double) j / m * (double) (nd - 1);
			int64		lo = (int64) floor(h);
			double		q = rk_q7_combine(d[lo], d[Min(lo + 1, nd - 1)], h - (double) lo);

			if (ne == 0 || q > e[ne - 1])
				e[ne++] = q;
		}
		m = ne + 1;
	}
	dev = palloc0(sizeof(double) * m);
	cur = palloc0(sizeof(double) * m);
	for (i = 0; i < st->n; i++)
		dev[given ? (int) st->x[i] : psi_bucket(e, ne, st->x[i])] += 1;
	for (i = 0; i < st->n1; i++)
		cur[given ? (int) st->x1[i] : psi_bucket(e, ne, st->x1[i])] += 1;
	if (m < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the development scores take a single value: no buckets to compare")));
	PG_RETURN_DATUM(psi_result(fcinfo, dev, cur, m));
}
