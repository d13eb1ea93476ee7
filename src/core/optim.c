/*
 * optim.c
 *     Nelder-Mead over GSL's multimin: see optim.h.
 */
#include "optim.h"

rk_status
rk_nelder_mead(double (*f) (const gsl_vector *, void *), void *params,
				 int n, double *x, const double *step, double size_tol,
				 int max_iter, int check_every, int (*stop) (void *),
				 void *stop_arg, int *converged)
{
	gsl_multimin_function F;
	gsl_multimin_fminimizer *mz;
	gsl_vector *v,
			   *s;
	rk_status rc = RK_OK;
	int			it,
				j;

	*converged = 0;
	F.n = n;
	F.f = f;
	F.params = params;
	v = gsl_vector_alloc(n);
	s = gsl_vector_alloc(n);
	mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
	if (v == NULL || s == NULL || mz == NULL)
	{
		rc = RK_NUMERIC;
		goto done;
	}
	for (j = 0; j < n; j++)
	{
		gsl_vector_set(v, j, x[j]);
		gsl_vector_set(s, j, step[j]);
	}
	if (gsl_multimin_fminimizer_set(mz, &F, v, s) != GSL_SUCCESS)
	{
		rc = RK_BADARG;
		goto done;
	}
	for (it = 0; it < max_iter; it++)
	{
		if (check_every > 0 && it % check_every == 0 &&
			(stop != NULL ? stop(stop_arg) : rk_should_stop()))
		{
			rc = RK_CANCELLED;
			break;
		}
		if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS)
			break;
		if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), size_tol) == GSL_SUCCESS)
		{
			*converged = 1;
			break;
		}
	}
	for (j = 0; j < n; j++)
		x[j] = gsl_vector_get(mz->x, j);
done:
	if (mz)
		gsl_multimin_fminimizer_free(mz);
	if (v)
		gsl_vector_free(v);
	if (s)
		gsl_vector_free(s);
	return rc;
}
