/*
 * optim.h
 *     The core's one Nelder-Mead set-up over GSL's multimin (nmsimplex2),
 *     for the fits that need a derivative-free search: the GEV fit, and the
 *     GARCH fit's fallback and its search on the face alpha + beta = 1.
 *     It speaks GSL's types: only the files that search include it.
 */
#ifndef RK_OPTIM_H
#define RK_OPTIM_H

#include <gsl/gsl_multimin.h>

#include "core.h"

/*
 * Minimize f (GSL's signature, params its argument) over n variables by
 * Nelder-Mead from x with the initial steps step[], until the simplex size
 * is below size_tol (*converged = 1), an iteration fails, or max_iter
 * iterations.  At every check_every-th iteration (from the first) it asks
 * stop(stop_arg), or rk_should_stop() when stop is NULL, and on yes
 * returns RK_CANCELLED.  x receives the best point reached; RK_BADARG
 * (x unchanged) when GSL cannot start the simplex, RK_NUMERIC when it
 * cannot allocate.  Frees what it allocates on every path.
 */
rk_status rk_nelder_mead(double (*f) (const gsl_vector *, void *), void *params,
							 int n, double *x, const double *step, double size_tol,
							 int max_iter, int check_every, int (*stop) (void *),
							 void *stop_arg, int *converged);

#endif							/* RK_OPTIM_H */
