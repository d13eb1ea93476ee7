/*
 * core.h
 *     What every file of the core shares: the status codes, the
 *     cancellation hook, the compensated sum, and the normal and
 *     chi-squared functions that several areas use (core.c).
 *
 * The core is pure numerics: no PostgreSQL header in src/core.  Every
 * function takes plain arrays or small structs and returns a status
 * code (RK_OK on success).  Nothing allocates except where a function says
 * so: callers own the memory.  The SQL face (src/\*.c) maps status codes to
 * ereport.  Each area has its header (market.h, backtest.h, evt.h, garch.h,
 * oprisk.h, validation.h, scorecard.h), and so has each module the areas
 * share (quantile.h, sortedvec.h, ostree.h, optim.h); every one of them
 * includes this one.
 *
 * Conventions: returns and P&L are "profit positive"; VaR and ES come back as
 * positive loss amounts; alpha = 1 - p is the tail probability (p = 0.99 ->
 * alpha = 0.01), computed by the caller as 1.0 - p so that the arithmetic is
 * the same as R's.
 */
#ifndef RK_CORE_H
#define RK_CORE_H

#include <stddef.h>
#include <stdint.h>

typedef enum rk_status
{
	RK_OK = 0,
	RK_EMPTY,					/* no observations */
	RK_TOO_FEW,				/* fewer observations than the method needs */
	RK_DEGENERATE,			/* zero variance where a ratio needs it */
	RK_NOSPACE,				/* caller-provided storage is full */
	RK_NOTFOUND,				/* value to remove is not present */
	RK_BADARG,				/* argument outside its domain */
	RK_NUMERIC,				/* a special function failed */
	RK_OVERFLOW,				/* a finite computation's result is infinite */
	RK_UNDERFLOW,			/* a product or quotient of non-zero values is 0 */
	RK_CANCELLED				/* stopped at a checkpoint: see rk_should_stop */
} rk_status;

/*
 * Cancellation.  Long routines ask rk_should_stop() at checkpoints between
 * passes over the data; on yes they free what they hold and return
 * RK_CANCELLED, and the caller (the SQL face) then lets PostgreSQL raise
 * the cancel (CHECK_FOR_INTERRUPTS).  The core never leaves a routine other
 * than by returning, so a cancelled statement leaks nothing.  The SQL face
 * points the hook at a test of a pending cancel or termination; NULL (never
 * stop) outside the server; the unit tests stop at every checkpoint in turn.
 */
extern int	(*rk_stop_hook) (void);

static inline int
rk_should_stop(void)
{
	return rk_stop_hook != NULL && rk_stop_hook();
}

/*
 * Add x to the compensated sum (*s, *c) (Neumaier's variant of Kahan's
 * summation): the sum is *s + *c, with the rounding error of every
 * addition kept in *c.  The one copy used by every compensated sum.
 */
static inline void
rk_sum_add(double *s, double *c, double x)
{
	double		t = *s + x;

	if ((*s >= 0 ? *s : -*s) >= (x >= 0 ? x : -x))
		*c += (*s - t) + x;
	else
		*c += (x - t) + *s;
	*s = t;
}

/* Normal quantile, density and chi-squared upper tail (GSL). */
double		rk_qnorm(double p);
double		rk_dnorm(double x);
double		rk_pchisq_upper(double x, double df);

#endif							/* RK_CORE_H */
