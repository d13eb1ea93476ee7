/*
 * evt.c
 *     Extreme value theory: GPD and GEV distribution functions, the GPD fit
 *     by maximum likelihood and by probability-weighted moments, the POT
 *     risk measures, and Hill's estimator.
 *
 * Losses are positive.  The GPD of the excesses y = x - u over a threshold u
 * has F(y) = 1 - (1 + xi y / beta)^(-1/xi), the exponential when xi = 0; the
 * GEV has F(x) = exp(-(1 + xi (x - mu) / sigma)^(-1/xi)), Gumbel when xi = 0
 * (the parameterizations of R's evd).  Every formula is written with log1p
 * and expm1 so that it is continuous and accurate as xi goes through 0.
 *
 * The ML fit maximizes the profile likelihood in theta = xi / beta
 * (Grimshaw 1993): for a fixed theta the likelihood is maximized by
 * xi(theta) = mean(log1p(theta y)), beta = xi / theta, so a one-dimensional
 * search suffices.  The search scans theta on a grid that covers
 * (-1/max(y), +inf), takes the best interior local maximum (for xi < -1 the
 * likelihood is unbounded at theta -> -1/max(y), the non-regular case, and
 * is reported as not converged), polishes it with Brent's method and then
 * with Newton steps on (beta, xi) using the analytic observed information.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multimin.h>

#include "evt.h"
#include "optim.h"
#include "quantile.h"

#define GRID_SAMPLE 10000

/* log1p(xi z) / xi, z as xi -> 0 */
static inline double
log1p_over(double xi, double z)
{
	double		w = xi * z;

	if (fabs(w) < 1e-300 || xi == 0)
		return z;
	return log1p(w) / xi;
}

/* expm1(xi a) / xi, a as xi -> 0 */
static inline double
expm1_over(double xi, double a)
{
	if (xi == 0 || fabs(xi * a) < 1e-300)
		return a;
	return expm1(xi * a) / xi;
}

/* ---- GPD distribution functions (excess y over the threshold) ------- */

rk_status
rk_gpd_check(double xi, double beta)
{
	if (!isfinite(xi) || !isfinite(beta) || !(beta > 0))
		return RK_BADARG;
	return RK_OK;
}

double
rk_gpd_cdf(double y, double xi, double beta)
{
	double		z = y / beta;

	if (y <= 0)
		return 0.0;
	if ((xi < 0 && z >= -1.0 / xi) || isinf(z))
		return 1.0;
	return -expm1(-log1p_over(xi, z));
}

double
rk_gpd_pdf(double y, double xi, double beta)
{
	double		z = y / beta;

	if (y < 0)
		return 0.0;
	if (xi < 0 && z > -1.0 / xi)
		return 0.0;
	if (xi < 0 && z == -1.0 / xi)
		return xi > -1 ? 0.0 : (xi == -1 ? 1.0 / beta : INFINITY);
	if (isinf(z))
		return 0.0;				/* y/beta overflowed: far in the tail */
	/* (1/beta) (1 + xi z)^(-1/xi - 1) */
	return exp(-log1p_over(xi, z) - (xi == 0 ? 0.0 : log1p(xi * z))) / beta;
}

double
rk_gpd_quantile(double p, double xi, double beta)
{
	/* beta/xi ((1-p)^(-xi) - 1) */
	return beta * expm1_over(xi, -log1p(-p));
}

/* ---- GEV distribution functions ------------------------------------- */

double
rk_gev_cdf(double x, double xi, double mu, double sigma)
{
	double		z = (x - mu) / sigma;
	double		t = 1.0 + xi * z;

	if (isinf(z))
		return z > 0 ? 1.0 : 0.0;	/* (x - mu)/sigma overflowed */
	if (isinf(t))
		return xi > 0 ? 1.0 : 0.0;	/* xi z overflowed */
	if (xi != 0 && t <= 0)
		return xi > 0 ? 0.0 : 1.0;
	return exp(-exp(-log1p_over(xi, z)));
}

double
rk_gev_pdf(double x, double xi, double mu, double sigma)
{
	double		z = (x - mu) / sigma;
	double		t = 1.0 + xi * z;
	double		a;

	if (isinf(z) || isinf(t) || (xi != 0 && t <= 0))
		return 0.0;
	a = log1p_over(xi, z);		/* -log of t^(-1/xi) */
	/* (1/sigma) t^(-1/xi - 1) exp(-t^(-1/xi)) */
	return exp(-a - log1p(xi * z) - exp(-a)) / sigma;
}

double
rk_gev_quantile(double p, double xi, double mu, double sigma)
{
	/* mu + sigma/xi ((-log p)^(-xi) - 1) */
	return mu + sigma * expm1_over(xi, -log(-log(p)));
}

/* ---- GPD likelihood ------------------------------------------------- */

/* Log-likelihood of the excesses y[0..k-1]; -inf outside the support. */
double
rk_gpd_loglik(const double *y, int64_t k, double xi, double beta)
{
	double		s = 0;
	int64_t		i;

	if (!(beta > 0))
		return -INFINITY;
	for (i = 0; i < k; i++)
	{
		double		z = y[i] / beta;

		if (1.0 + xi * z <= 0)
			return -INFINITY;
		/* log f = -log beta - (1/xi + 1) log1p(xi z) */
		s += log1p_over(xi, z) + log1p(xi * z);
	}
	return -(double) k * log(beta) - s;
}

/*
 * phi(w) = 2 log(1+w)/w^3 - 2/(w^2 (1+w)) - 1/(w (1+w)^2), whose terms cancel
 * for small w: there its series sum_j (-1)^j (j + 2/(j+3)) w^j.
 */
static double
phi_series(double w)
{
	double		s = 0,
				p = 1;
	int			j;

	if (fabs(w) >= 0.05)
		return 2.0 * log1p(w) / (w * w * w) - 2.0 / (w * w * (1.0 + w))
			- 1.0 / (w * (1.0 + w) * (1.0 + w));
	for (j = 0; j < 24; j++)
	{
		s += (j % 2 ? -1.0 : 1.0) * (j + 2.0 / (j + 3.0)) * p;
		p *= w;
	}
	return s;
}

/*
 * psi(w) = -log(1+w)/w^2 + 1/(w (1+w)); series -sum_j (-1)^j (j+1)/(j+2) w^j.
 */
static double
psi_series(double w)
{
	double		s = 0,
				p = 1;
	int			j;

	if (fabs(w) >= 0.05)
		return -log1p(w) / (w * w) + 1.0 / (w * (1.0 + w));
	for (j = 0; j < 24; j++)
	{
		s -= (j % 2 ? -1.0 : 1.0) * (j + 1.0) / (j + 2.0) * p;
		p *= w;
	}
	return s;
}

/*
 * Gradient g and Hessian h (h[0]=bb, h[1]=bx, h[2]=xx) of the negative
 * log-likelihood in (beta, xi).  False outside the support.
 */
static int
gpd_derivs(const double *y, int64_t k, double xi, double beta,
		   double g[2], double h[3])
{
	double		A = 0,
				B = 0,
				C = 0,
				gx = 0,
				hxx = 0;
	int64_t		i;

	for (i = 0; i < k; i++)
	{
		double		z = y[i] / beta;
		double		t = 1.0 + xi * z;
		double		w = xi * z;

		if (t <= 0)
			return 0;
		A += z / t;
		B += z * z / (t * t);
		C += z / (t * t);
		gx += z * z * psi_series(w) + z / t;
		hxx += z * z * z * phi_series(w) - z * z / (t * t);
	}
	g[0] = ((double) k - (1.0 + xi) * A) / beta;
	g[1] = gx;
	h[0] = (-(double) k + (1.0 + xi) * (A + C)) / (beta * beta);
	h[1] = (-A + (1.0 + xi) * B) / beta;
	h[2] = hxx;
	return 1;
}

/* Profile log-likelihood at theta (beta = xi/theta); also returns xi. */
static double
gpd_profile(const double *y, int64_t k, double theta, double *xi_out)
{
	double		s = 0,
				xi,
				beta;
	int64_t		i;

	for (i = 0; i < k; i++)
	{
		double		t = theta * y[i];

		if (1.0 + t <= 0)
			return -INFINITY;
		s += log1p_over(theta, y[i]);	/* log1p(theta y)/theta */
	}
	/* xi = theta * mean(log1p(theta y)/theta); beta = mean(log1p(theta y)/theta) */
	beta = s / (double) k;
	xi = theta * beta;
	if (xi_out)
		*xi_out = xi;
	if (!(beta > 0))
		return -INFINITY;
	return -(double) k * log(beta) - (double) k * (1.0 + xi);
}

typedef struct profile_arg
{
	const double *y;
	int64_t		k;
	double		scale;			/* theta = u / scale */
} profile_arg;

static double
neg_profile(double u, void *arg)
{
	profile_arg *a = (profile_arg *) arg;
	double		v = gpd_profile(a->y, a->k, u / a->scale, NULL);

	return isfinite(v) ? -v : DBL_MAX;
}

rk_status
rk_gpd_fit_mle(const double *y, int64_t k, rk_gpd_fit *fit)
{
	double		ymax = 0,
				ymean = 0,
				best = -INFINITY,
				theta_best = 0;
	double		grid[160],
				val[160];
	int			ng = 0,
				i,
				ibest = -1;
	profile_arg arg;
	int64_t		j;

	fit->converged = 0;
	fit->se_xi = NAN;
	fit->se_beta = NAN;
	if (k < 3)
		return RK_TOO_FEW;
	for (j = 0; j < k; j++)
	{
		if (!(y[j] > 0) || !isfinite(y[j]))
			return RK_BADARG;
		if (y[j] > ymax)
			ymax = y[j];
		ymean += y[j];
	}
	ymean /= (double) k;

	/*
	 * Grid in theta * ymean: negative side approaching -ymean/ymax, zero,
	 * positive side up to 1e8 (xi around 18: beyond any loss data).
	 */
	for (i = 1; i <= 40; i++)
	{
		grid[ng++] = -(ymean / ymax) * (1.0 - pow(2.0, -0.5 * i));
		grid[ng++] = -(ymean / ymax) * pow(2.0, -0.5 * i);
	}
	grid[ng++] = 0.0;
	for (i = -24; i <= 32; i++)
		grid[ng++] = pow(10.0, 0.25 * i);
	qsort(grid, ng, sizeof(double), rk_cmp_double);
	/* both runs reach -ymean/(2 ymax): keep every point once */
	{
		int			m = 1;

		for (i = 1; i < ng; i++)
			if (grid[i] != grid[m - 1])
				grid[m++] = grid[i];
		ng = m;
	}

	/*
	 * Scan the grid on at most GRID_SAMPLE excesses (a deterministic stride
	 * through them): enough to locate the maximum, cheap for large k.
	 */
	{
		int64_t		stride = k > GRID_SAMPLE ? k / GRID_SAMPLE : 1;
		int64_t		ks = 0;
		double	   *sub = NULL;
		const double *ys = y;

		if (stride > 1)
		{
			sub = malloc(sizeof(double) * (k / stride + 1));
			if (sub == NULL)
				return RK_NOSPACE;
			for (j = 0; j < k; j += stride)
				sub[ks++] = y[j];
			ys = sub;
		}
		else
			ks = k;
		for (i = 0; i < ng; i++)
		{
			/* a grid point costs a pass over at most GRID_SAMPLE excesses */
			if (i % 16 == 0 && rk_should_stop())
			{
				free(sub);
				return RK_CANCELLED;
			}
			val[i] = gpd_profile(ys, ks, grid[i] / ymean, NULL);
		}
		free(sub);
	}
	/* best interior local maximum; the left edge is the non-regular case */
	for (i = 1; i < ng - 1; i++)
		if (val[i] > val[i - 1] && val[i] >= val[i + 1] && val[i] > best)
		{
			best = val[i];
			ibest = i;
		}
	if (ibest < 0 && k > GRID_SAMPLE)
	{
		/* the sample shows none: make sure on every excess */
		for (i = 0; i < ng; i++)
		{
			if (i % 8 == 0 && rk_should_stop())
				return RK_CANCELLED;
			val[i] = gpd_profile(y, k, grid[i] / ymean, NULL);
		}
		for (i = 1; i < ng - 1; i++)
			if (val[i] > val[i - 1] && val[i] >= val[i + 1] && val[i] > best)
			{
				best = val[i];
				ibest = i;
			}
	}
	if (ibest < 0)
	{
		/* no interior maximum: xi <= -1 or a monotone profile */
		fit->xi = NAN;
		fit->beta = NAN;
		fit->loglik = NAN;
		return RK_OK;
	}
	/*
	 * On every excess, walk strictly uphill along the grid to a bracket.
	 * Each step raises the profile, so the walk ends; reaching the edge of
	 * the grid means there is no interior maximum after all.
	 */
	if (k > GRID_SAMPLE)
	{
		int			steps;

		for (i = ibest - 1; i <= ibest + 1; i++)
			val[i] = gpd_profile(y, k, grid[i] / ymean, NULL);
		for (steps = 0; steps < ng; steps++)
		{
			if (rk_should_stop())
				return RK_CANCELLED;
			if (val[ibest] > val[ibest - 1] && val[ibest] >= val[ibest + 1])
				break;
			if (val[ibest - 1] > val[ibest] && ibest - 1 >= 1)
			{
				ibest--;
				val[ibest - 1] = gpd_profile(y, k, grid[ibest - 1] / ymean, NULL);
			}
			else if (val[ibest + 1] > val[ibest] && ibest + 1 <= ng - 2)
			{
				ibest++;
				val[ibest + 1] = gpd_profile(y, k, grid[ibest + 1] / ymean, NULL);
			}
			else
			{
				ibest = -1;		/* at the edge, or on a plateau */
				break;
			}
		}
		if (ibest < 0 || steps == ng)
		{
			fit->xi = NAN;
			fit->beta = NAN;
			fit->loglik = NAN;
			return RK_OK;
		}
	}
	theta_best = grid[ibest];

	/* Brent on (grid[ibest-1], grid[ibest+1]) in units of 1/ymean */
	arg.y = y;
	arg.k = k;
	arg.scale = ymean;
	if (val[ibest] > val[ibest - 1] && val[ibest] > val[ibest + 1])
	{
		gsl_function F;
		gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);

		F.function = neg_profile;
		F.params = &arg;
		if (s != NULL &&
			gsl_min_fminimizer_set(s, &F, grid[ibest], grid[ibest - 1],
								   grid[ibest + 1]) == GSL_SUCCESS)
		{
			int			it;

			for (it = 0; it < 200; it++)
			{
				double		lo,
							hi;

				if (it % 8 == 0 && rk_should_stop())
				{
					gsl_min_fminimizer_free(s);
					return RK_CANCELLED;
				}
				if (gsl_min_fminimizer_iterate(s) != GSL_SUCCESS)
					break;
				lo = gsl_min_fminimizer_x_lower(s);
				hi = gsl_min_fminimizer_x_upper(s);
				/* close is enough: the Newton steps below converge quadratically */
				if (gsl_min_test_interval(lo, hi, 1e-12, 1e-6) == GSL_SUCCESS)
					break;
			}
			theta_best = gsl_min_fminimizer_x_minimum(s);
		}
		if (s != NULL)
			gsl_min_fminimizer_free(s);
	}
	gpd_profile(y, k, theta_best / ymean, &fit->xi);
	fit->beta = fabs(theta_best) > 0 ? fit->xi / (theta_best / ymean) : ymean;

	/* Newton polish on (beta, xi) with the analytic information */
	for (i = 0; i < 8; i++)
	{
		double		g[2],
					h[3],
					det,
					db,
					dx,
					step = 1.0,
					l0 = rk_gpd_loglik(y, k, fit->xi, fit->beta);

		if (!gpd_derivs(y, k, fit->xi, fit->beta, g, h))
			break;
		det = h[0] * h[2] - h[1] * h[1];
		if (!(det > 0) || !(h[0] > 0))
			break;
		db = -(h[2] * g[0] - h[1] * g[1]) / det;
		dx = -(-h[1] * g[0] + h[0] * g[1]) / det;
		while (step > 1e-4 &&
			   !(rk_gpd_loglik(y, k, fit->xi + step * dx, fit->beta + step * db) >=
				 l0 - 1e-13 * fabs(l0)))
			step *= 0.5;
		if (step <= 1e-4)
			break;
		fit->beta += step * db;
		fit->xi += step * dx;
		if (fabs(db) < 1e-15 * fit->beta && fabs(dx) < 1e-15 * (fabs(fit->xi) + 1e-3))
			break;
	}
	fit->loglik = rk_gpd_loglik(y, k, fit->xi, fit->beta);
	fit->converged = isfinite(fit->loglik) && fit->xi > -1.0;
	rk_gpd_stderr(y, k, fit);
	return RK_OK;
}

void
rk_gpd_stderr(const double *y, int64_t k, rk_gpd_fit *fit)
{
	double		g[2],
				h[3],
				det;

	fit->se_xi = NAN;
	fit->se_beta = NAN;
	/* the information is finite only for xi > -1/2 */
	if (!isfinite(fit->xi) || !(fit->xi > -0.5) ||
		!gpd_derivs(y, k, fit->xi, fit->beta, g, h))
		return;
	det = h[0] * h[2] - h[1] * h[1];
	if (!(det > 0) || !(h[0] > 0))
		return;
	fit->se_beta = sqrt(h[2] / det);
	fit->se_xi = sqrt(h[0] / det);
}

rk_status
rk_gpd_fit_pwm(double *y, int64_t k, rk_gpd_fit *fit)
{
	double		a0 = 0,
				a1 = 0,
				d;
	int64_t		i;

	fit->converged = 0;
	if (k < 3)
		return RK_TOO_FEW;
	qsort(y, k, sizeof(double), rk_cmp_double);
	for (i = 0; i < k; i++)
	{
		double		pp = ((double) (i + 1) - 0.35) / (double) k;

		a0 += y[i];
		a1 += (1.0 - pp) * y[i];
	}
	a0 /= (double) k;
	a1 /= (double) k;
	d = a0 - 2.0 * a1;
	if (!(d > 0))
		return RK_DEGENERATE;
	fit->xi = -(a0 / d - 2.0);
	fit->beta = 2.0 * a0 * a1 / d;
	fit->loglik = rk_gpd_loglik(y, k, fit->xi, fit->beta);
	fit->converged = isfinite(fit->loglik);
	/* the observed information is the ML one: no standard errors here */
	fit->se_xi = NAN;
	fit->se_beta = NAN;
	return RK_OK;
}

/*
 * POT tail estimators (McNeil & Frey; evir's riskmeasures): with n losses of
 * which k exceed u, VaR_p = u + beta/xi (((n/k)(1-p))^(-xi) - 1) and
 * ES_p = VaR_p/(1-xi) + (beta - xi u)/(1-xi), the latter for xi < 1.
 */
rk_status
rk_gpd_var_es(const rk_gpd_fit *fit, double u, int64_t n, int64_t k,
				double p, double *var, double *es)
{
	double		r;

	if (k <= 0 || n < k || !(p > 0 && p < 1) || !(fit->beta > 0) || !isfinite(fit->xi))
		return RK_BADARG;
	r = ((double) n / (double) k) * (1.0 - p);
	if (r > 1.0)
		return RK_TOO_FEW;	/* p is inside the body: below the threshold */
	*var = u + fit->beta * expm1_over(fit->xi, -log(r));
	if (es)
	{
		if (!(fit->xi < 1))
			return RK_DEGENERATE;
		*es = *var / (1.0 - fit->xi) + (fit->beta - fit->xi * u) / (1.0 - fit->xi);
	}
	return RK_OK;
}

/*
 * Hill's estimator of xi from the k largest of x[0..n-1] (reorders x):
 * mean(log X_(i), i = 1..k) - log X_(k+1), X_(1) the largest.
 */
rk_status
rk_hill(double *x, int64_t n, int64_t k, double *xi, double *threshold)
{
	int64_t		i;
	double		s = 0,
				u;

	if (k < 1 || n < k + 1)
		return RK_TOO_FEW;
	if (rk_select_kth(x, n, n - k - 1) == RK_CANCELLED)
		return RK_CANCELLED;
	u = x[n - k - 1];
	*threshold = u;
	if (!(u > 0))
		return RK_BADARG;
	for (i = n - k; i < n; i++)
		s += log(x[i]);
	*xi = s / (double) k - log(u);
	*threshold = u;
	return RK_OK;
}

/* ---- GEV fit -------------------------------------------------------- */

typedef struct gev_data
{
	const double *z;			/* standardized block maxima */
	int64_t		n;
} gev_data;

/* Negative log-likelihood at (mu, sigma, xi) of standardized data. */
static double
gev_nllh(const gev_data *d, double mu, double sigma, double xi)
{
	double		s = 0;
	int64_t		i;

	if (!(sigma > 0) || !isfinite(xi))
		return INFINITY;
	for (i = 0; i < d->n; i++)
	{
		double		z = (d->z[i] - mu) / sigma;
		double		a;

		if (1.0 + xi * z <= 0)
			return INFINITY;
		a = log1p_over(xi, z);	/* log(t)/xi, z at xi = 0 */
		s += log1p(xi * z) + a + exp(-a);
	}
	return (double) d->n * log(sigma) + s;
}

static double
gev_nm_f(const gsl_vector *v, void *arg)
{
	double		r = gev_nllh((const gev_data *) arg, gsl_vector_get(v, 0),
							 exp(gsl_vector_get(v, 1)), gsl_vector_get(v, 2));

	return isfinite(r) ? r : GSL_POSINF;
}

/*
 * Analytic gradient of the nllh in (mu, sigma, xi).  Per block maximum, with
 * t = 1 + xi z and a = log(t)/xi: d/dz = (1 + xi - e^-a)/t, and
 * d/dxi = z/t + (1 - e^-a) z^2 psi(xi z), psi as above, exact through xi = 0.
 */
static int
gev_grad(const gev_data *d, const double p[3], double g[3])
{
	double		mu = p[0],
				sigma = p[1],
				xi = p[2],
				s1 = 0,
				s2 = 0,
				s3 = 0;
	int64_t		i;

	if (!(sigma > 0))
		return 0;
	for (i = 0; i < d->n; i++)
	{
		double		z = (d->z[i] - mu) / sigma;
		double		t = 1.0 + xi * z;
		double		a,
					ea,
					dz;

		if (t <= 0)
			return 0;
		a = log1p_over(xi, z);
		ea = exp(-a);
		dz = (1.0 + xi - ea) / t;
		s1 += dz;
		s2 += z * dz;
		s3 += z / t + (1.0 - ea) * z * z * psi_series(xi * z);
	}
	g[0] = -s1 / sigma;
	g[1] = ((double) d->n - s2) / sigma;
	g[2] = s3;
	return 1;
}

/* Gradient, and the Hessian by central differences of the gradient. */
static int
gev_derivs(const gev_data *d, const double p[3], double g[3], double H[3][3])
{
	double		h[3] = {1e-6 * p[1], 1e-6 * p[1], 1e-6};
	int			i,
				j;

	if (!gev_grad(d, p, g))
		return 0;
	for (j = 0; j < 3; j++)
	{
		double		a[3] = {p[0], p[1], p[2]},
					b[3] = {p[0], p[1], p[2]},
					ga[3],
					gb[3];

		a[j] += h[j];
		b[j] -= h[j];
		if (!gev_grad(d, a, ga) || !gev_grad(d, b, gb))
			return 0;
		for (i = 0; i < 3; i++)
			H[i][j] = (ga[i] - gb[i]) / (2 * h[j]);
	}
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			H[i][j] = H[j][i] = 0.5 * (H[i][j] + H[j][i]);
	return 1;
}

/* Inverse of a symmetric 3x3 matrix; false unless positive definite. */
static int
inv3_spd(double H[3][3], double I[3][3])
{
	double		a = H[0][0],
				b = H[0][1],
				c = H[0][2],
				d = H[1][1],
				e = H[1][2],
				f = H[2][2];
	double		A = d * f - e * e,
				B = -(b * f - c * e),
				C = b * e - c * d,
				det = a * A + b * B + c * C;

	if (!(a > 0) || !(a * d - b * b > 0) || !(det > 0))
		return 0;
	I[0][0] = A / det;
	I[0][1] = I[1][0] = B / det;
	I[0][2] = I[2][0] = C / det;
	I[1][1] = (a * f - c * c) / det;
	I[1][2] = I[2][1] = -(a * e - b * c) / det;
	I[2][2] = (a * d - b * b) / det;
	return 1;
}

rk_status
rk_gev_fit_mle(const double *x, int64_t n, double *work, rk_gev_fit *fit)
{
	double		m = 0,
				s = 0,
				p[3],
				g[3],
				H[3][3],
				I[3][3];
	gev_data	d;
	int64_t		i;
	int			it,
				nm_ok = 0,
				newton_ok = 0;

	fit->converged = 0;
	fit->se_mu = fit->se_sigma = fit->se_xi = NAN;
	if (n < 5)
		return RK_TOO_FEW;
	for (i = 1; i < n && x[i] == x[0]; i++)
		;
	if (i == n)
		return RK_DEGENERATE;	/* equal maxima: their mean may round off them */
	for (i = 0; i < n; i++)
		m += x[i];
	m /= (double) n;
	for (i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	s = sqrt(s / (double) (n - 1));
	if (!(s > 0))
		return RK_DEGENERATE;
	for (i = 0; i < n; i++)
		work[i] = (x[i] - m) / s;
	d.z = work;
	d.n = n;

	/* Nelder-Mead from the Gumbel moment estimates, in (mu, log sigma, xi) */
	{
		double		x0[3] = {-0.5772 * 0.7797, log(0.7797), 0.1},
					st[3] = {0.2, 0.2, 0.2};
		rk_status rc = rk_nelder_mead(gev_nm_f, &d, 3, x0, st, 1e-12, 20000, 1024,
										  NULL, NULL, &nm_ok);

		if (rc == RK_NUMERIC || rc == RK_CANCELLED)
			return rc;
		p[0] = x0[0];
		p[1] = exp(x0[1]);
		p[2] = x0[2];
	}

	/* Newton polish on (mu, sigma, xi) */
	for (it = 0; it < 10; it++)
	{
		double		dp[3],
					f0 = gev_nllh(&d, p[0], p[1], p[2]),
					t = 1.0;
		int			a,
					b;

		if (!gev_derivs(&d, p, g, H) || !inv3_spd(H, I))
			break;
		for (a = 0; a < 3; a++)
		{
			dp[a] = 0;
			for (b = 0; b < 3; b++)
				dp[a] -= I[a][b] * g[b];
		}
		/* near the optimum the nllh moves less than its rounding */
		while (t > 1e-4 && !(gev_nllh(&d, p[0] + t * dp[0], p[1] + t * dp[1],
									   p[2] + t * dp[2]) <= f0 + 1e-13 * fabs(f0)))
			t *= 0.5;
		if (t <= 1e-4)
			break;
		for (a = 0; a < 3; a++)
			p[a] += t * dp[a];
		if (fabs(dp[0]) < 1e-13 && fabs(dp[1]) < 1e-13 * p[1] && fabs(dp[2]) < 1e-13)
			break;
	}
	/* converged: the gradient vanishes (relative to the sample size) */
	if (gev_grad(&d, p, g))
		newton_ok = fabs(g[0]) + fabs(g[1]) + fabs(g[2]) < 1e-8 * (double) n;
	(void) nm_ok;

	fit->mu = m + s * p[0];
	fit->sigma = s * p[1];
	fit->xi = p[2];
	fit->loglik = -gev_nllh(&d, p[0], p[1], p[2]) - (double) n * log(s);
	if (gev_derivs(&d, p, g, H) && inv3_spd(H, I))
	{
		fit->se_mu = s * sqrt(I[0][0]);
		fit->se_sigma = s * sqrt(I[1][1]);
		fit->se_xi = sqrt(I[2][2]);
		fit->converged = newton_ok && isfinite(fit->loglik) && fit->xi > -1.0;
	}
	return RK_OK;
}

double
rk_hill_se(double xi, int64_t k)
{
	return xi / sqrt((double) k);
}
