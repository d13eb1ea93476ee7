/*
 * risk.h
 *     Shared helpers of the SQL face: argument checks that raise the
 *     project's errors, and the mapping of core status codes to ereport.
 */
#ifndef RISK_H
#define RISK_H

#include "postgres.h"
#include "fmgr.h"

#include "core/core.h"

/*
 * ERROR unless p is a confidence level: at least 0.5 and below 1.  A level
 * under 0.5 is almost always a tail probability (0.01 for 0.99), which
 * would give a sign-flipped measure without a word.
 */
extern void risk_check_level(double p, const char *argname);

/* ERROR unless p is a probability strictly between 0 and 1. */
extern void risk_check_probability(double p, const char *argname);

/*
 * ERROR unless the rows of this aggregate call come in a defined order: an
 * ORDER BY inside the aggregate, or the ORDER BY of its window.  For the
 * aggregates whose result depends on the order of the rows.
 */
extern void risk_require_order(FunctionCallInfo fcinfo, const char *args);

/*
 * A default flag given as boolean or as a 0/1 integer, read from argument
 * argno.  Support functions are declared for both types with the same C
 * symbol; a bool Datum is always 0 or 1, an int4 Datum holds its value, so
 * any other Datum is an integer other than 0 and 1: ERROR naming it.
 */
extern bool risk_get_flag(FunctionCallInfo fcinfo, int argno, const char *argname);

/*
 * Inside an ereport: the hint for a PD outside its range, "PDs are
 * fractions" when it looks like a percentage (above 1, at most 100); else,
 * when always, what a PD is, and no hint otherwise.
 */
extern int	risk_pd_hint(double pd, bool always);

/* ERROR unless x is finite (not NaN, not +-Infinity). */
extern void risk_check_finite(double x, const char *argname);

/* ERROR when a group's level changes from one row to the next. */
extern void risk_check_same(double was, double now, const char *argname);

/* ERROR for a status that the caller did not turn into a NULL result. */
extern void risk_raise(rk_status st, const char *func);

/*
 * The index of t among names[0..n-1], read in place (no copy per row);
 * ERROR "unknown <what> "<t>"" with the hint otherwise.
 */
extern int	risk_choice(text *t, const char *const *names, int n,
						const char *what, const char *hint);

/* True when any of arguments first..PG_NARGS()-1 is NULL: a row to skip. */
extern bool risk_row_has_null(FunctionCallInfo fcinfo, int first);

/* Return an internal aggregate state, which is NULL before the first row. */
#define RISK_RETURN_STATE(st) \
	do { if ((st) == NULL) PG_RETURN_NULL(); PG_RETURN_POINTER(st); } while (0)

/* A float8[] / int8[] Datum of v[0..n-1]. */
extern Datum risk_float8_array(const double *v, int n);
extern Datum risk_int8_array(const int64 *v, int n);

/* Memory context of the running aggregate; ERROR when not in one. */
extern MemoryContext risk_agg_context(FunctionCallInfo fcinfo, const char *func);

#endif							/* RISK_H */
