/*
 * garch.c
 *     GARCH(1,1) with a constant mean by maximum likelihood, normal or
 *     standardized Student-t innovations, and the conditional risk measures
 *     built on it: GARCH VaR/ES, filtered historical simulation (FHS) and
 *     the EVT-conditional VaR/ES of McNeil & Frey (2000).
 *
 * Model (the likelihood of R's fGarch with its default "mci" start):
 *   z_t = r_t - mu,  h_1 = omega + (alpha + beta) mean(z^2),
 *   h_t = omega + alpha z_{t-1}^2 + beta h_{t-1},
 *   log L = sum_t log f(z_t; h_t), f normal or unit-variance t with nu > 2.
 * The fit works on r / sd(r) so that every parameter is of order one, runs
 * Nelder-Mead in an unconstrained reparameterization (omega = e^a, alpha and
 * beta a softmax with 1 - alpha - beta, nu = 2 + e^c) and polishes with
 * Newton steps on the analytic gradient (derivatives of h_t by recursion)
 * and a Hessian from differences of it, which also gives the standard
 * errors.  Converged means the gradient vanishes at an interior point.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_psi.h>

#include "risk_core.h"

#define NP_MAX 5

typedef struct garch_data
{
	const double *x;			/* scaled returns */
	int64_t		n;
	risk_garch_dist dist;
	int			np;				/* 4 (normal) or 5 (t) */
	int			face;			/* on alpha + beta = 1 (IGARCH) */
} garch_data;

/* Parameters in range: omega > 0, alpha, beta >= 0, alpha + beta < 1, nu > 2. */
static int
garch_feasible(const garch_data *d, const double *p)
{
	return p[1] > 0 && p[2] >= 0 && p[3] >= 0 &&
		(d->face ? p[2] + p[3] <= 1 : p[2] + p[3] < 1) &&
		(d->np < 5 || p[4] > 2.0) && isfinite(p[0]);
}

/*
 * Log-likelihood at p = (mu, omega, alpha, beta[, nu]) and, when g is not
 * NULL, its gradient; -inf when infeasible.
 */
static double
garch_loglik(const garch_data *d, const double *p, double *g)
{
	double		mu = p[0],
				omega = p[1],
				alpha = p[2],
				beta = p[3],
				nu = d->np == 5 ? p[4] : 0;
	double		m = 0,
				zbar = 0,
				h,
				dh[NP_MAX],
				ll = 0,
				c0 = 0,
				dc0 = 0,
				zprev = 0,
				hprev = 0;
	int64_t		t;
	int			j;

	if (!garch_feasible(d, p))
		return -INFINITY;
	for (t = 0; t < d->n; t++)
	{
		double		z = d->x[t] - mu;

		m += z * z;
		zbar += z;
	}
	m /= (double) d->n;
	zbar /= (double) d->n;
	if (d->dist == RISK_GARCH_STD)
	{
		c0 = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(M_PI * (nu - 2));
		if (g)
			dc0 = 0.5 * gsl_sf_psi((nu + 1) / 2) - 0.5 * gsl_sf_psi(nu / 2) - 0.5 / (nu - 2);
	}
	else
		c0 = -0.5 * log(2 * M_PI);
	if (g)
		for (j = 0; j < d->np; j++)
			g[j] = 0;

	h = omega + (alpha + beta) * m;
	dh[0] = (alpha + beta) * (-2.0 * zbar);
	dh[1] = 1;
	dh[2] = m;
	dh[3] = m;
	dh[4] = 0;
	for (t = 0; t < d->n; t++)
	{
		double		z = d->x[t] - mu;
		double		dl_dh,
					dl_dmu;

		if (t > 0)
		{
			h = omega + alpha * zprev * zprev + beta * hprev;
			if (g)
			{
				dh[0] = -2.0 * alpha * zprev + beta * dh[0];
				dh[1] = 1 + beta * dh[1];
				dh[2] = zprev * zprev + beta * dh[2];
				dh[3] = hprev + beta * dh[3];
			}
		}
		if (!(h > 0))
			return -INFINITY;
		if (d->dist == RISK_GARCH_STD)
		{
			double		q = z * z / (h * (nu - 2));

			ll += c0 - 0.5 * log(h) - 0.5 * (nu + 1) * log1p(q);
			if (g)
			{
				dl_dh = -0.5 / h + 0.5 * (nu + 1) * q / (h * (1 + q));
				dl_dmu = (nu + 1) * z / (h * (nu - 2) * (1 + q));
				g[4] += dc0 - 0.5 * log1p(q) + 0.5 * (nu + 1) * q / ((nu - 2) * (1 + q));
			}
		}
		else
		{
			ll += c0 - 0.5 * log(h) - 0.5 * z * z / h;
			if (g)
			{
				dl_dh = -0.5 / h + 0.5 * z * z / (h * h);
				dl_dmu = z / h;
			}
		}
		if (g)
		{
			g[0] += dl_dmu + dl_dh * dh[0];
			for (j = 1; j < 4; j++)
				g[j] += dl_dh * dh[j];
		}
		zprev = z;
		hprev = h;
	}
	return ll;
}

/* Unconstrained -> model parameters. */
static void
garch_from_u(const garch_data *d, const double *u, double *p)
{
	double		ea = exp(u[2]),
				eb = exp(u[3]),
				den = 1.0 + ea + eb;

	p[0] = u[0];
	p[1] = exp(u[1]);
	p[2] = ea / den;
	p[3] = eb / den;
	if (d->np == 5)
		p[4] = 2.0 + exp(u[4]);
}

static double
garch_nm_f(const gsl_vector *v, void *arg)
{
	const garch_data *d = (const garch_data *) arg;
	double		u[NP_MAX],
				p[NP_MAX],
				ll;
	int			j;

	for (j = 0; j < d->np; j++)
		u[j] = gsl_vector_get(v, j);
	garch_from_u(d, u, p);
	ll = garch_loglik(d, p, NULL);
	return isfinite(ll) ? -ll : GSL_POSINF;
}

/* Hessian of -loglik by central differences of the analytic gradient. */
static int
garch_hessian(const garch_data *d, const double *p, double H[NP_MAX][NP_MAX])
{
	int			i,
				j;

	for (j = 0; j < d->np; j++)
	{
		double		a[NP_MAX],
					b[NP_MAX],
					ga[NP_MAX],
					gb[NP_MAX],
					h = 1e-6 * (fabs(p[j]) > 1e-3 ? fabs(p[j]) : 1e-3);

		memcpy(a, p, sizeof(a));
		memcpy(b, p, sizeof(b));
		a[j] += h;
		b[j] -= h;
		if (!isfinite(garch_loglik(d, a, ga)) || !isfinite(garch_loglik(d, b, gb)))
			return 0;
		for (i = 0; i < d->np; i++)
			H[i][j] = -(ga[i] - gb[i]) / (2 * h);
	}
	for (i = 0; i < d->np; i++)
		for (j = i + 1; j < d->np; j++)
			H[i][j] = H[j][i] = 0.5 * (H[i][j] + H[j][i]);
	return 1;
}

/* Cholesky inverse of an SPD matrix of order n <= NP_MAX; false if not SPD. */
static int
spd_inverse(int n, double A[NP_MAX][NP_MAX], double Inv[NP_MAX][NP_MAX])
{
	double		L[NP_MAX][NP_MAX],
				Y[NP_MAX][NP_MAX];
	int			i,
				j,
				k;

	memset(L, 0, sizeof(L));
	for (j = 0; j < n; j++)
	{
		double		s = A[j][j];

		for (k = 0; k < j; k++)
			s -= L[j][k] * L[j][k];
		if (!(s > 0))
			return 0;
		L[j][j] = sqrt(s);
		for (i = j + 1; i < n; i++)
		{
			double		t = A[i][j];

			for (k = 0; k < j; k++)
				t -= L[i][k] * L[j][k];
			L[i][j] = t / L[j][j];
		}
	}
	/* solve L Y = I, then L^T X = Y */
	for (k = 0; k < n; k++)
	{
		for (i = 0; i < n; i++)
		{
			double		s = (i == k) ? 1.0 : 0.0;

			for (j = 0; j < i; j++)
				s -= L[i][j] * Y[j][k];
			Y[i][k] = s / L[i][i];
		}
		for (i = n - 1; i >= 0; i--)
		{
			double		s = Y[i][k];

			for (j = i + 1; j < n; j++)
				s -= L[j][i] * Inv[j][k];
			Inv[i][k] = s / L[i][i];
		}
	}
	return 1;
}

/* Log-likelihood on the face beta = 1 - alpha at q = (mu, omega, alpha[, nu]). */
static double
face_loglik(const garch_data *d, const double *q)
{
	double		p[NP_MAX];

	if (!(q[2] > 0 && q[2] < 1))
		return -INFINITY;
	p[0] = q[0];
	p[1] = q[1];
	p[2] = q[2];
	p[3] = 1.0 - q[2];
	p[4] = q[3];
	return garch_loglik(d, p, NULL);
}

static double
face_nm_f(const gsl_vector *v, void *arg)
{
	const garch_data *d = (const garch_data *) arg;
	double		q[4],
				ll;

	q[0] = gsl_vector_get(v, 0);
	q[1] = exp(gsl_vector_get(v, 1));
	q[2] = 1.0 / (1.0 + exp(-gsl_vector_get(v, 2)));
	q[3] = d->np == 5 ? 2.0 + exp(gsl_vector_get(v, 3)) : 0;
	ll = face_loglik(d, q);
	return isfinite(ll) ? -ll : GSL_POSINF;
}

/*
 * The maximum on the face alpha + beta = 1 (IGARCH), from the interior
 * fit's point p (scaled units); p is replaced when the face is higher.
 * Nelder-Mead to a tight tolerance: the face has one dimension less and
 * the likelihood along it is smooth.
 */
static void
garch_face_fit(garch_data *d, double *p)
{
	int			nq = d->np - 1,
				j,
				it;
	gsl_multimin_function F;
	gsl_multimin_fminimizer *mz;
	gsl_vector *v,
			   *step;
	double		q[4],
				before = garch_loglik(d, p, NULL);

	d->face = 1;
	F.n = nq;
	F.f = face_nm_f;
	F.params = d;
	v = gsl_vector_alloc(nq);
	step = gsl_vector_alloc(nq);
	mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, nq);
	if (v == NULL || step == NULL || mz == NULL)
		goto done;
	/*
	 * Start from the interior point's mean and alpha, but with omega at a
	 * few percent of the (scaled, unit) variance: the interior fit presses
	 * omega to 0 along this edge, where the likelihood is flat in log omega.
	 */
	gsl_vector_set(v, 0, p[0]);
	gsl_vector_set(v, 1, log(0.02));
	gsl_vector_set(v, 2, log(p[2] / (1.0 - p[2])));
	if (nq == 4)
		gsl_vector_set(v, 3, log(p[4] - 2.0));
	gsl_vector_set_all(step, 0.5);
	gsl_vector_set(step, 0, 0.02);
	if (gsl_multimin_fminimizer_set(mz, &F, v, step) != GSL_SUCCESS)
		goto done;
	for (it = 0; it < 20000; it++)
	{
		if (it % 64 == 0)
			risk_check_interrupts();
		if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS)
			break;
		if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), 1e-11) == GSL_SUCCESS)
			break;
	}
	q[0] = gsl_vector_get(mz->x, 0);
	q[1] = exp(gsl_vector_get(mz->x, 1));
	q[2] = 1.0 / (1.0 + exp(-gsl_vector_get(mz->x, 2)));
	q[3] = nq == 4 ? 2.0 + exp(gsl_vector_get(mz->x, 3)) : 0;
	if (face_loglik(d, q) > before)
	{
		p[0] = q[0];
		p[1] = q[1];
		p[2] = q[2];
		p[3] = 1.0 - q[2];
		if (nq == 4)
			p[4] = q[3];
	}
	else
		d->face = 0;
done:
	if (mz)
		gsl_multimin_fminimizer_free(mz);
	if (v)
		gsl_vector_free(v);
	if (step)
		gsl_vector_free(step);
	(void) j;
}

risk_status
risk_garch_fit_mle(const double *r, int64_t n, risk_garch_dist dist,
				   double *work, risk_garch_fit *fit)
{
	garch_data	d;
	double		mean = 0,
				sd = 0,
				p[NP_MAX],
				u[NP_MAX],
				g[NP_MAX],
				H[NP_MAX][NP_MAX],
				Inv[NP_MAX][NP_MAX];
	gsl_multimin_function F;
	gsl_multimin_fminimizer *mz;
	gsl_vector *v,
			   *step;
	int64_t		t;
	int			j,
				it;

	memset(fit, 0, sizeof(*fit));
	fit->nu = NAN;
	for (j = 0; j < NP_MAX; j++)
		fit->se[j] = NAN;
	if (n < 10)
		return RISK_TOO_FEW;
	for (t = 1; t < n && r[t] == r[0]; t++)
		;
	if (t == n)
		return RISK_DEGENERATE;	/* a constant series has no volatility */
	for (t = 0; t < n; t++)
		mean += r[t];
	mean /= (double) n;
	for (t = 0; t < n; t++)
		sd += (r[t] - mean) * (r[t] - mean);
	sd = sqrt(sd / (double) (n - 1));
	if (!(sd > 0))
		return RISK_DEGENERATE;
	for (t = 0; t < n; t++)
		work[t] = r[t] / sd;
	d.x = work;
	d.n = n;
	d.dist = dist;
	d.np = dist == RISK_GARCH_STD ? 5 : 4;
	d.face = 0;

	/* Nelder-Mead from alpha 0.1, beta 0.8, unconditional variance 1 */
	u[0] = mean / sd;
	u[1] = log(0.1);
	u[2] = log(0.1 / 0.1);		/* alpha = e^u2/(1+e^u2+e^u3) = 0.1 */
	u[3] = log(0.8 / 0.1);		/* beta = 0.8 */
	u[4] = log(8.0 - 2.0);
	F.n = d.np;
	F.f = garch_nm_f;
	F.params = &d;
	v = gsl_vector_alloc(d.np);
	step = gsl_vector_alloc(d.np);
	mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, d.np);
	if (v == NULL || step == NULL || mz == NULL)
	{
		if (v)
			gsl_vector_free(v);
		if (step)
			gsl_vector_free(step);
		if (mz)
			gsl_multimin_fminimizer_free(mz);
		return RISK_NUMERIC;
	}
	for (j = 0; j < d.np; j++)
		gsl_vector_set(v, j, u[j]);
	gsl_vector_set_all(step, 0.3);
	gsl_vector_set(step, 0, 0.05);
	if (gsl_multimin_fminimizer_set(mz, &F, v, step) == GSL_SUCCESS)
	{
		for (it = 0; it < 5000; it++)
		{
			if (it % 64 == 0)
				risk_check_interrupts();
			if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS)
				break;
			if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), 1e-8) == GSL_SUCCESS)
				break;
		}
	}
	for (j = 0; j < d.np; j++)
		u[j] = gsl_vector_get(mz->x, j);
	gsl_multimin_fminimizer_free(mz);
	gsl_vector_free(v);
	gsl_vector_free(step);
	garch_from_u(&d, u, p);

	/* Newton polish: step = H^-1 g (H of -loglik), kept feasible */
	for (it = 0; it < 30; it++)
	{
		double		l0 = garch_loglik(&d, p, g),
					dp[NP_MAX],
					tstep = 1.0,
					q[NP_MAX];
		int			i,
					small = 1;

		risk_check_interrupts();
		if (!isfinite(l0) || !garch_hessian(&d, p, H) || !spd_inverse(d.np, H, Inv))
			break;
		for (i = 0; i < d.np; i++)
		{
			dp[i] = 0;
			for (j = 0; j < d.np; j++)
				dp[i] += Inv[i][j] * g[j];
		}
		for (;;)
		{
			for (i = 0; i < d.np; i++)
				q[i] = p[i] + tstep * dp[i];
			if (garch_loglik(&d, q, NULL) >= l0 - 1e-13 * fabs(l0))
				break;
			tstep *= 0.5;
			if (tstep < 1e-6)
				break;
		}
		if (tstep < 1e-6)
			break;
		memcpy(p, q, sizeof(double) * d.np);
		for (i = 0; i < d.np; i++)
			if (fabs(tstep * dp[i]) > 1e-12 * (fabs(p[i]) > 1e-3 ? fabs(p[i]) : 1e-3))
				small = 0;
		if (small)
			break;
	}

	/*
	 * Pressed against alpha + beta = 1: the supremum may lie on that face,
	 * which the open region never reaches.  Take the face's maximum when
	 * it is higher (the fit still counts as not converged: a boundary).
	 */
	{
		double		gg[NP_MAX],
					gn = 0;

		garch_loglik(&d, p, gg);
		for (j = 0; j < d.np; j++)
			gn += fabs(gg[j]) * (fabs(p[j]) > 1e-3 ? fabs(p[j]) : 1e-3);
		if (!(gn < 1e-6 * (double) n) && p[2] + p[3] > 0.999)
			garch_face_fit(&d, p);
	}
	fit->loglik = garch_loglik(&d, p, g) - (double) n * log(sd);
	fit->mu = p[0] * sd;
	fit->omega = p[1] * sd * sd;
	fit->alpha = p[2];
	fit->beta = p[3];
	fit->nu = d.np == 5 ? p[4] : NAN;
	{
		double		gnorm = 0;

		for (j = 0; j < d.np; j++)
			gnorm += fabs(g[j]) * (fabs(p[j]) > 1e-3 ? fabs(p[j]) : 1e-3);
		/*
		 * An interior optimum: not on alpha or beta = 0, and for the t not
		 * with nu running off to infinity (the normal fits as well there).
		 */
		fit->converged = !d.face && isfinite(fit->loglik) && gnorm < 1e-6 * (double) n &&
			p[2] > 1e-8 && p[3] > 1e-8 && (d.np < 5 || p[4] < 1000.0);
	}
	if (!d.face && garch_hessian(&d, p, H) && spd_inverse(d.np, H, Inv))
	{
		double		scale[NP_MAX] = {sd, sd * sd, 1, 1, 1};

		for (j = 0; j < d.np; j++)
			fit->se[j] = scale[j] * sqrt(Inv[j][j]);
	}
	/* the next period's conditional sd: run the recursion to the end */
	{
		double		h = p[1] + (p[2] + p[3]) * 0,
					m = 0,
					zprev = 0;

		for (t = 0; t < n; t++)
			m += (work[t] - p[0]) * (work[t] - p[0]);
		m /= (double) n;
		h = p[1] + (p[2] + p[3]) * m;
		for (t = 0; t < n; t++)
		{
			double		z = work[t] - p[0];

			if (t > 0)
				h = p[1] + p[2] * zprev * zprev + p[3] * h;
			work[t] = z / sqrt(h);	/* standardized residual */
			zprev = z;
		}
		h = p[1] + p[2] * zprev * zprev + p[3] * h;
		fit->sigma_forecast = sqrt(h) * sd;
	}
	return RISK_OK;
}

risk_status
risk_conditional_var_es(const risk_garch_fit *fit, double *e, int64_t n,
						double alpha, risk_cond_method method,
						double *var, double *es)
{
	double		s = fit->sigma_forecast,
				ve,
				ee;
	risk_status rc;

	if (!(alpha > 0 && alpha < 1))
		return RISK_BADARG;
	switch (method)
	{
		case RISK_COND_GARCH:
			{
				double		z = risk_qnorm(alpha);

				*var = -(fit->mu + s * z);
				*es = -fit->mu + s * risk_dnorm(z) / alpha;
				return RISK_OK;
			}
		case RISK_COND_FHS:
			rc = risk_hist_var_es(e, n, alpha, &ve, &ee);
			if (rc != RISK_OK)
				return rc;
			*var = -fit->mu + s * ve;
			*es = -fit->mu + s * ee;
			return RISK_OK;
		case RISK_COND_EVT:
			{
				int64_t		k = (int64_t) floor(0.1 * (double) n),
							i,
							m = 0;
				double		u;
				risk_gpd_fit g;

				if (k < 3 || n < k + 1)
					return RISK_TOO_FEW;
				/* residual losses L = -e; u = the (k+1)-th largest */
				for (i = 0; i < n; i++)
					e[i] = -e[i];
				risk_select_kth(e, n, n - k - 1);
				u = e[n - k - 1];
				for (i = n - k - 1; i < n; i++)
					if (e[i] > u)
						e[m++] = e[i] - u;
				if (m < 3)
					return RISK_TOO_FEW;
				rc = risk_gpd_fit_mle(e, m, &g);
				if (rc != RISK_OK)
					return rc;
				if (!isfinite(g.xi))
					return RISK_NOTFOUND;	/* the residual tail has no ML fit */
				rc = risk_gpd_var_es(&g, u, n, m, 1.0 - alpha, &ve, NULL);
				if (rc != RISK_OK)
					return rc;
				*var = -fit->mu + s * ve;
				/* a tail with xi >= 1 has no finite expected shortfall */
				if (risk_gpd_var_es(&g, u, n, m, 1.0 - alpha, &ve, &ee) == RISK_OK)
					*es = -fit->mu + s * ee;
				else
					*es = INFINITY;
				return RISK_OK;
			}
	}
	return RISK_BADARG;
}
