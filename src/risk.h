/*
 * risk.h
 *     Shared helpers of the SQL face: argument checks that raise the
 *     project's errors, and the mapping of core status codes to ereport.
 */
#ifndef RISK_H
#define RISK_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/jsonb.h"

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

/* ERROR unless x, a count, is from lo to hi. */
extern void risk_check_between(double x, const char *argname, int lo, int hi);

/* ERROR unless x is finite (not NaN, not +-Infinity). */
extern void risk_check_finite(double x, const char *argname);

/*
 * The float8 values of a feature array (in place, no copy) of exactly
 * `want` elements (-1: any): ERROR for a NULL element (naming its
 * position), a wrong length, or a value that is not finite.
 */
extern double *risk_features(ArrayType *a, int want, int *len);

/*
 * Options given as a JSON object (jsonb): ERROR unless opt is an object
 * whose keys are all among keys[0..nkeys-1] (the hint lists them);
 * risk_option: the value of one key, NULL when absent or JSON null.
 */
extern void risk_check_options(Jsonb *opt, const char *func, const char *const *keys, int nkeys);
extern JsonbValue *risk_option(Jsonb *opt, const char *key);

/*
 * An option's value (from risk_option) checked: a JSON number, or an
 * integer in [lo, hi]; ERROR naming the option, the function and the value
 * as JSON text otherwise.  risk_option_shown: a value as JSON text.
 */
extern double risk_option_num(JsonbValue *v, const char *func, const char *key);
extern int64 risk_option_int(JsonbValue *v, const char *func, const char *key, int64 lo, int64 hi);
extern char *risk_option_shown(JsonbValue *v);

/* The value of key in a JSON object (NULL: absent). */
extern JsonbValue *risk_json_key(JsonbContainer *obj, const char *key);

/* ERROR unless an aggregate's options are the same as the ones it kept (NULL: none). */
extern void risk_same_options(const Jsonb *mine, const Jsonb *given);

/*
 * A parameter of an aggregate's group (a confidence level, a threshold, k,
 * a fitting method, a family, an intercept flag...), bound by the group's
 * first row: its name as the user knows it, its value (a choice or a flag
 * as its code) and, when the value is no number to the user, its label
 * ("mle", "true"; "" for a value that means nothing to show, such as a
 * digest of breakpoints).  Unbound: name "".  Plain data without pointers,
 * so a state holding it is copied and serialized as it is.
 */
#define RISK_PARAM_NAMELEN 24
#define RISK_PARAM_LABELLEN 16

typedef struct RiskParam
{
	double		value;
	bool		labelled;		/* shown by label, not as a number */
	char		name[RISK_PARAM_NAMELEN];
	char		label[RISK_PARAM_LABELLEN];
} RiskParam;

/* A check of a parameter's first value: ERROR naming it when invalid. */
typedef void (*RiskParamCheck) (double value, const char *name);

static inline bool
risk_param_bound(const RiskParam *p)
{
	return p->name[0] != '\0';
}

/*
 * Bind parameter `name` of a group to this row's value: on the group's first
 * row (slot unbound) check it (check may be NULL) and store value, name and
 * label (NULL for a number); on a later row ERROR 22023 "<name> must be the
 * same for every row of a group", both values in the detail, unless value
 * equals the bound one.
 */
extern void risk_param_bind(RiskParam *slot, const char *name, double value,
							const char *label, RiskParamCheck check);

/*
 * The combine's counterpart: into takes from's binding when unbound; bound
 * both, ERROR as risk_param_bind does unless their values are equal.
 */
extern void risk_param_merge(RiskParam *into, const RiskParam *from);

/*
 * The ERROR of both, for a parameter compared otherwise (a text, an array):
 * first and other show the two values (NULL: no detail); parts says they
 * come from two partial states of the group, not from two rows.
 */
extern void risk_param_mismatch(const char *name, const char *first,
								const char *other, bool parts) pg_attribute_noreturn();

/*
 * ERROR for a status that the caller did not turn into a NULL result; where
 * (the SQL function, or the step) goes to the error's context.
 */
extern void risk_raise(rk_status st, const char *where);

/*
 * The index of t among names[0..n-1], read in place (no copy per row);
 * ERROR "unknown <what> "<t>"" with the hint otherwise.
 */
extern int	risk_choice_str(const char *s, int len, const char *const *names, int n,
							const char *what, const char *hint);
extern int	risk_choice(text *t, const char *const *names, int n,
						const char *what, const char *hint);

/* True when any of arguments first..PG_NARGS()-1 is NULL: a row to skip. */
extern bool risk_row_has_null(FunctionCallInfo fcinfo, int first);

/*
 * The values of a float8[], an aggregate state or an argument (what names
 * it in the message), checked: one dimension, no NULL, and exactly len
 * values, or any number when len is -1 (then an empty array gives NULL);
 * *n, when not NULL, gets the number.
 */
struct ArrayType;				/* utils/array.h */
extern double *risk_float8_values(struct ArrayType *a, const char *what, int len, int *n);

/*
 * The composite Datum of values[0..n-1] (nulls NULL: none is NULL) in the
 * calling function's result row type, which must have n columns.
 */
extern Datum risk_result_row(FunctionCallInfo fcinfo, Datum *values, bool *nulls, int n);

/* Return an internal aggregate state, which is NULL before the first row. */
#define RISK_RETURN_STATE(st) \
	do { if ((st) == NULL) PG_RETURN_NULL(); PG_RETURN_POINTER(st); } while (0)

/* A float8[] / int8[] Datum of v[0..n-1]. */
extern Datum risk_float8_array(const double *v, int n);
extern Datum risk_int8_array(const int64 *v, int n);

/*
 * Memory context of the running aggregate; ERROR naming the SQL function
 * (func, the C one, when it has no catalog entry) when not in one.
 */
extern MemoryContext risk_agg_context(FunctionCallInfo fcinfo, const char *func);

#endif							/* RISK_H */
