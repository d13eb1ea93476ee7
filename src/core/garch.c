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
 * The fit works on r / sd(r) so that every parameter is of order one.
 * Newton's method in an unconstrained reparameterization (omega = e^a,
 * alpha and beta a softmax with 1 - alpha - beta, nu = 2 + e^c) with the
 * analytic gradient and Hessian, both computed in the pass that computes
 * log L (the first and second derivatives of h_t by recursion alongside
 * h_t), from the best of a few starting points; a second start at a low
 * persistence when the GARCH effect is weak.  Then Newton steps on the
 * parameters themselves polish the optimum, and the Hessian gives the
 * standard errors.  Converged means the gradient vanishes at an interior
 * point.  When Newton finds no interior optimum, or a weak one, Nelder-Mead
 * (the fit's earlier method, hundreds of passes) creeps towards a supremum
 * on the boundary and the higher result is kept; pressed against alpha +
 * beta = 1 it is followed by a fit on that face.  A t fit whose nu runs
 * off to infinity is the normal fit, nu infinite.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_psi.h>

#include "evt.h"
#include "garch.h"
#include "optim.h"
#include "quantile.h"

#define NP_MAX 5

typedef struct garch_data
{
	const double *x;			/* scaled returns */
	int64_t		n;
	rk_garch_dist dist;
	int			np;				/* 4 (normal) or 5 (t) */
	int			face;			/* on alpha + beta = 1 (IGARCH) */
	int		   *stop;			/* set at a checkpoint that says stop */
} garch_data;

/*
 * A checkpoint: once one has said stop, every later one does too, so that
 * each phase of the fit returns at once and the fit returns RK_CANCELLED.
 */
static int
garch_stop(const garch_data *d)
{
	if (!*d->stop && rk_should_stop())
		*d->stop = 1;
	return *d->stop;
}

/* garch_stop for rk_nelder_mead */
static int
garch_stop_cb(void *d)
{
	return garch_stop((const garch_data *) d);
}

/* Parameters in range: omega > 0, alpha, beta >= 0, alpha + beta < 1, nu > 2. */
static int
garch_feasible(const garch_data *d, const double *p)
{
	return p[1] > 0 && p[2] >= 0 && p[3] >= 0 &&
		(d->face ? p[2] + p[3] <= 1 : p[2] + p[3] < 1) &&
		(d->np < 5 || p[4] > 2.0) && isfinite(p[0]);
}

/*
 * What both likelihood passes start from: the presample mean square m and
 * mean zbar of z = x - mu (h_1 = omega + (alpha + beta) m), and the log of
 * the density's normalizing constant, which it returns.
 */
static double
garch_start(const garch_data *d, double mu, double nu, double *m, double *zbar)
{
	double		sq = 0,
				sum = 0;
	int64_t		t;

	for (t = 0; t < d->n; t++)
	{
		double		z = d->x[t] - mu;

		sq += z * z;
		sum += z;
	}
	*m = sq / (double) d->n;
	*zbar = sum / (double) d->n;
	if (d->dist == RK_GARCH_STD)
		return lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(M_PI * (nu - 2));
	return -0.5 * log(2 * M_PI);
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
	c0 = garch_start(d, mu, nu, &m, &zbar);
	if (g && d->dist == RK_GARCH_STD)
		dc0 = 0.5 * gsl_sf_psi((nu + 1) / 2) - 0.5 * gsl_sf_psi(nu / 2) - 0.5 / (nu - 2);
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
		if (d->dist == RK_GARCH_STD)
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

/*
 * The same log-likelihood with its gradient g and H, the Hessian of
 * -loglik, in one pass: the second derivatives of h_t by recursion
 * alongside the first.  -inf when infeasible.  log L comes from the same
 * expression as above, to the last bit (line searches compare the two);
 * the derivatives from fewer divisions, so that this pass costs about as
 * much as the one above with the gradient.
 */
static double
garch_loglik_hess(const garch_data *d, const double *p, double *g,
				  double H[NP_MAX][NP_MAX])
{
	double		mu = p[0],
				omega = p[1],
				alpha = p[2],
				beta = p[3],
				nu = d->np == 5 ? p[4] : 0;
	double		m = 0,
				zbar = 0,
				h,
				dh0,
				dh1,
				dh2,
				dh3,
				e_mm,			/* second derivatives of h_t: mu mu, */
				e_ma,			/* mu alpha, */
				e_mb,			/* mu beta, */
				e_wb,			/* omega beta, */
				e_ab,			/* alpha beta, */
				e_bb,			/* beta beta; the others are 0 */
				h00 = 0,
				h01 = 0,
				h02 = 0,
				h03 = 0,
				h11 = 0,
				h12 = 0,
				h13 = 0,
				h22 = 0,
				h23 = 0,
				h33 = 0,
				hn0 = 0,		/* and with nu */
				hn1 = 0,
				hn2 = 0,
				hn3 = 0,
				hnn = 0,
				gn = 0,
				s = nu - 2,
				is = d->np == 5 ? 1.0 / (nu - 2) : 0,
				ll = 0,
				c0 = 0,
				dc0 = 0,
				d2c0 = 0,
				zprev = 0,
				hprev = 0;
	int64_t		t;
	int			j;

	if (!garch_feasible(d, p))
		return -INFINITY;
	c0 = garch_start(d, mu, nu, &m, &zbar);
	if (d->dist == RK_GARCH_STD)
	{
		dc0 = 0.5 * gsl_sf_psi((nu + 1) / 2) - 0.5 * gsl_sf_psi(nu / 2) - 0.5 / (nu - 2);
		d2c0 = 0.25 * gsl_sf_psi_1((nu + 1) / 2) - 0.25 * gsl_sf_psi_1(nu / 2) +
			0.5 / ((nu - 2) * (nu - 2));
	}
	for (j = 0; j < d->np; j++)
		g[j] = 0;

	/* h_1 = omega + (alpha + beta) m(mu), m' = -2 zbar, m'' = 2 */
	h = omega + (alpha + beta) * m;
	dh0 = (alpha + beta) * (-2.0 * zbar);
	dh1 = 1;
	dh2 = m;
	dh3 = m;
	e_mm = 2.0 * (alpha + beta);
	e_ma = -2.0 * zbar;
	e_mb = -2.0 * zbar;
	e_wb = 0;
	e_ab = 0;
	e_bb = 0;
	for (t = 0; t < d->n; t++)
	{
		double		z = d->x[t] - mu;
		double		dl_dh,
					dl_dmu,
					l_hh,
					l_hz,
					l_zz,
					a0,
					a1,
					a2,
					a3;

		if (t > 0)
		{
			h = omega + alpha * zprev * zprev + beta * hprev;
			/* from the first derivatives of h_{t-1}, so before them */
			e_mm = 2.0 * alpha + beta * e_mm;
			e_ma = -2.0 * zprev + beta * e_ma;
			e_mb = dh0 + beta * e_mb;
			e_wb = dh1 + beta * e_wb;
			e_ab = dh2 + beta * e_ab;
			e_bb = 2.0 * dh3 + beta * e_bb;
			dh0 = -2.0 * alpha * zprev + beta * dh0;
			dh1 = 1 + beta * dh1;
			dh2 = zprev * zprev + beta * dh2;
			dh3 = hprev + beta * dh3;
		}
		if (!(h > 0))
			return -INFINITY;
		if (d->dist == RK_GARCH_STD)
		{
			/*
			 * In K = z^2/h and S = s + K = s (1 + q), s = nu - 2; log L
			 * itself by the expression above
			 */
			double		q = z * z / (h * (nu - 2)),
						lq = log1p(q),
						ih = 1.0 / h,
						K = z * z * ih,
						iS = 1.0 / (s + K),
						iS2 = iS * iS,
						l_hn;

			ll += c0 - 0.5 * log(h) - 0.5 * (nu + 1) * lq;
			dl_dh = 0.5 * ih * ((nu + 1) * K * iS - 1.0);
			dl_dmu = (nu + 1) * z * ih * iS;
			gn += -0.5 * lq + 0.5 * (nu + 1) * K * iS * is;
			l_hh = ih * ih * (0.5 - 0.5 * (nu + 1) * K * (2 * s + K) * iS2);
			l_hz = (nu + 1) * z * s * ih * ih * iS2;
			l_zz = -(nu + 1) * (s - K) * ih * iS2;
			l_hn = 0.5 * K * (K - 3) * ih * iS2;
			/* l_znu = -z (K - 3) / (h S^2), times dz/dmu = -1 */
			hn0 += l_hn * dh0 + z * ih * (K - 3) * iS2;
			hn1 += l_hn * dh1;
			hn2 += l_hn * dh2;
			hn3 += l_hn * dh3;
			hnn += 0.5 * K * iS * is +
				0.5 * K * (s * (s + K) - (nu + 1) * (2 * s + K)) * iS2 * is * is;
		}
		else
		{
			double		ih = 1.0 / h;

			ll += c0 - 0.5 * log(h) - 0.5 * z * z / h;
			dl_dh = 0.5 * ih * (z * z * ih - 1.0);
			dl_dmu = z * ih;
			l_hh = ih * ih * (0.5 - z * z * ih);
			l_hz = z * ih * ih;
			l_zz = -ih;
		}
		g[0] += dl_dmu + dl_dh * dh0;
		g[1] += dl_dh * dh1;
		g[2] += dl_dh * dh2;
		g[3] += dl_dh * dh3;

		/*
		 * l(h(theta), z(mu)[, nu]) with dz/dmu = -1: l_hh dh dh' + l_h d2h
		 * + l_hz (dh dz' + dz dh') + l_zz dz dz' (+ the nu terms above)
		 */
		a0 = l_hh * dh0;
		a1 = l_hh * dh1;
		a2 = l_hh * dh2;
		a3 = l_hh * dh3;
		h00 += a0 * dh0 + dl_dh * e_mm - 2.0 * l_hz * dh0 + l_zz;
		h01 += a0 * dh1 - l_hz * dh1;
		h02 += a0 * dh2 + dl_dh * e_ma - l_hz * dh2;
		h03 += a0 * dh3 + dl_dh * e_mb - l_hz * dh3;
		h11 += a1 * dh1;
		h12 += a1 * dh2;
		h13 += a1 * dh3 + dl_dh * e_wb;
		h22 += a2 * dh2;
		h23 += a2 * dh3 + dl_dh * e_ab;
		h33 += a3 * dh3 + dl_dh * e_bb;
		zprev = z;
		hprev = h;
	}
	H[0][0] = -h00;
	H[0][1] = H[1][0] = -h01;
	H[0][2] = H[2][0] = -h02;
	H[0][3] = H[3][0] = -h03;
	H[1][1] = -h11;
	H[1][2] = H[2][1] = -h12;
	H[1][3] = H[3][1] = -h13;
	H[2][2] = -h22;
	H[2][3] = H[3][2] = -h23;
	H[3][3] = -h33;
	if (d->np == 5)
	{
		g[4] = (double) d->n * dc0 + gn;
		H[0][4] = H[4][0] = -hn0;
		H[1][4] = H[4][1] = -hn1;
		H[2][4] = H[4][2] = -hn2;
		H[3][4] = H[4][3] = -hn3;
		H[4][4] = -((double) d->n * d2c0 + hnn);
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

/*
 * log L, its gradient and the Hessian H of -log L at p, where the Hessian
 * is taken to exist: false (H not formed) when a central-difference step
 * 1e-6 max(|p_j|, 1e-3) in some coordinate would leave the parameter space,
 * as at a boundary point.
 */
static int
garch_hessian(const garch_data *d, const double *p, double *ll, double *g,
			  double H[NP_MAX][NP_MAX])
{
	int			j;

	for (j = 0; j < d->np; j++)
	{
		double		a[NP_MAX],
					b[NP_MAX],
					h = 1e-6 * (fabs(p[j]) > 1e-3 ? fabs(p[j]) : 1e-3);

		memcpy(a, p, sizeof(a));
		memcpy(b, p, sizeof(b));
		a[j] += h;
		b[j] -= h;
		if (!garch_feasible(d, a) || !garch_feasible(d, b))
			return 0;
	}
	*ll = garch_loglik_hess(d, p, g, H);
	return isfinite(*ll);
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

/* Model parameters strictly inside -> unconstrained. */
static void
garch_to_u(const garch_data *d, const double *p, double *u)
{
	double		rest = 1.0 - p[2] - p[3];

	u[0] = p[0];
	u[1] = log(p[1]);
	u[2] = log(p[2] / rest);
	u[3] = log(p[3] / rest);
	if (d->np == 5)
		u[4] = log(p[4] - 2.0);
}

/*
 * The gradient gu of log L and Au, the Hessian of -log L, in the
 * unconstrained coordinates, from g and A in the model's (chain rule:
 * Au = J' A J - sum_k g_k d2p_k/du du', J = dp/du).
 */
static void
garch_chain_u(const garch_data *d, const double *p, const double *g,
			  double A[NP_MAX][NP_MAX], double *gu, double Au[NP_MAX][NP_MAX])
{
	double		J[NP_MAX][NP_MAX],
				JA[NP_MAX][NP_MAX],
				sm[2] = {p[2], p[3]};
	int			i,
				j,
				k,
				np = d->np;

	memset(J, 0, sizeof(J));
	J[0][0] = 1;
	J[1][1] = p[1];
	J[2][2] = p[2] * (1 - p[2]);
	J[2][3] = J[3][2] = -p[2] * p[3];
	J[3][3] = p[3] * (1 - p[3]);
	if (np == 5)
		J[4][4] = p[4] - 2.0;
	for (i = 0; i < np; i++)
	{
		gu[i] = 0;
		for (k = 0; k < np; k++)
			gu[i] += g[k] * J[k][i];
	}
	for (i = 0; i < np; i++)
		for (j = 0; j < np; j++)
		{
			JA[i][j] = 0;
			for (k = 0; k < np; k++)
				JA[i][j] += J[k][i] * A[k][j];
		}
	for (i = 0; i < np; i++)
		for (j = 0; j < np; j++)
		{
			Au[i][j] = 0;
			for (k = 0; k < np; k++)
				Au[i][j] += JA[i][k] * J[k][j];
		}
	Au[1][1] -= g[1] * p[1];
	if (np == 5)
		Au[4][4] -= g[4] * (p[4] - 2.0);
	/*
	 * softmax: d2p_i/du_j du_k = p_i ((i==j) - p_j)((i==k) - p_k)
	 * - p_i p_j ((j==k) - p_k)
	 */
	for (j = 0; j < 2; j++)
		for (k = 0; k < 2; k++)
			for (i = 0; i < 2; i++)
				Au[2 + j][2 + k] -= g[2 + i] * sm[i] *
					(((i == j) - sm[j]) * ((i == k) - sm[k]) - sm[j] * ((j == k) - sm[k]));
}

/*
 * Maximize log L over the unconstrained coordinates u by Newton's method
 * with the analytic Hessian: shifted by a multiple of the identity
 * (Levenberg-Marquardt) while it is not negative definite, each
 * coordinate of the step capped at 2, the step halved until log L rises by
 * a part of the predicted gain (Armijo; the full step is tried with the
 * derivatives, which the next step needs when it is taken).  Stops when
 * the predicted gain g'A^-1 g/2 is below 1e-10, when no step helps, or
 * after maxit steps.  u is replaced by the point reached; returns its log L.
 */
static double
garch_newton_u(const garch_data *d, double *u, int maxit)
{
	double		p[NP_MAX],
				g[NP_MAX],
				A[NP_MAX][NP_MAX],
				gn[NP_MAX],
				An[NP_MAX][NP_MAX],
				gu[NP_MAX],
				Au[NP_MAX][NP_MAX],
				M[NP_MAX][NP_MAX],
				Inv[NP_MAX][NP_MAX],
				du[NP_MAX],
				un[NP_MAX],
				l0,
				ln;
	int			it,
				i,
				j,
				np = d->np;

	garch_from_u(d, u, p);
	l0 = garch_loglik_hess(d, p, g, A);
	for (it = 0; it < maxit && isfinite(l0); it++)
	{
		double		lambda = 0,
					dmax = 0,
					dec = 0,
					big = 0,
					t = 1.0;

		if (garch_stop(d))
			return l0;
		garch_chain_u(d, p, g, A, gu, Au);
		for (i = 0; i < np; i++)
			if (fabs(Au[i][i]) > dmax)
				dmax = fabs(Au[i][i]);
		for (;;)
		{
			memcpy(M, Au, sizeof(M));
			for (i = 0; i < np; i++)
				M[i][i] += lambda;
			if (spd_inverse(np, M, Inv))
				break;
			lambda = lambda == 0 ? 1e-10 * dmax + DBL_MIN : 10 * lambda;
			if (!isfinite(lambda))
				return l0;
		}
		for (i = 0; i < np; i++)
		{
			du[i] = 0;
			for (j = 0; j < np; j++)
				du[i] += Inv[i][j] * gu[j];
			dec += gu[i] * du[i];
			if (fabs(du[i]) > big)
				big = fabs(du[i]);
		}
		if (!(dec > 2e-10))
			break;
		if (big > 2.0)
		{
			for (i = 0; i < np; i++)
				du[i] *= 2.0 / big;
			dec *= 2.0 / big;
		}
		for (i = 0; i < np; i++)
			un[i] = u[i] + du[i];
		garch_from_u(d, un, p);
		ln = garch_loglik_hess(d, p, gn, An);
		if (ln >= l0 + 1e-4 * dec)
		{
			memcpy(u, un, sizeof(double) * np);
			memcpy(g, gn, sizeof(g));
			memcpy(A, An, sizeof(A));
			l0 = ln;
			continue;
		}
		for (;;)
		{
			t *= 0.5;
			if (t < 1e-10)
			{
				garch_from_u(d, u, p);
				return l0;
			}
			for (i = 0; i < np; i++)
				un[i] = u[i] + t * du[i];
			garch_from_u(d, un, p);
			if (garch_loglik(d, p, NULL) >= l0 + 1e-4 * t * dec)
				break;
		}
		memcpy(u, un, sizeof(double) * np);
		l0 = garch_loglik_hess(d, p, g, A);
	}
	return l0;
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
				converged;
	double		q[4],
				x[4],
				st[4] = {0.02, 0.5, 0.5, 0.5},
				before = garch_loglik(d, p, NULL);

	d->face = 1;

	/*
	 * Start from the interior point's mean and alpha, but with omega at a
	 * few percent of the (scaled, unit) variance: the interior fit presses
	 * omega to 0 along this edge, where the likelihood is flat in log omega.
	 */
	x[0] = p[0];
	x[1] = log(0.02);
	x[2] = log(p[2] / (1.0 - p[2]));
	x[3] = nq == 4 ? log(p[4] - 2.0) : 0;
	if (rk_nelder_mead(face_nm_f, d, nq, x, st, 1e-11, 20000, 16, garch_stop_cb, d,
						 &converged) != RK_OK)
		return;
	q[0] = x[0];
	q[1] = exp(x[1]);
	q[2] = 1.0 / (1.0 + exp(-x[2]));
	q[3] = nq == 4 ? 2.0 + exp(x[3]) : 0;
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
}

/*
 * The best of the starting points starts[from..to) (alpha, beta) with
 * unconditional variance 1 (omega = 1 - alpha - beta), mu = m, nu 8: its
 * log L, and the point in u.
 */
static double
garch_best_start(const garch_data *d, double m, int from, int to, double *u)
{
	static const double starts[][2] = {
		{0.1, 0.8}, {0.05, 0.9}, {0.1, 0.85}, {0.05, 0.94}, {0.02, 0.97},
		{0.05, 0.45}, {0.1, 0.2}
	};
	double		best = -INFINITY,
				pb[NP_MAX] = {0, 0, 0, 0, 0};
	int			k;

	for (k = from; k < to; k++)
	{
		double		q[NP_MAX],
					l;

		q[0] = m;
		q[1] = 1.0 - starts[k][0] - starts[k][1];
		q[2] = starts[k][0];
		q[3] = starts[k][1];
		q[4] = 8.0;
		l = garch_loglik(d, q, NULL);
		if (l > best || k == from)
		{
			best = l;
			memcpy(pb, q, sizeof(q));
		}
	}
	garch_to_u(d, pb, u);
	return best;
}

/*
 * Newton from the best of a few persistent starting points (beta >= 0.5).
 * When the GARCH effect is weak the likelihood often has a second maximum
 * at a low persistence: then Newton again from the best start with beta <
 * 0.5, and the higher of the two maxima.  Weak: alpha below 0.025, alpha +
 * beta below 0.6, or the best low-persistence start not 10 below the
 * first maximum (on a series with clear volatility clustering it is tens
 * to hundreds below).  The result in p.
 */
static void
garch_fit_newton(const garch_data *d, double m, double *p)
{
	double		u[NP_MAX],
				l1,
				l2;

	garch_best_start(d, m, 0, 5, u);
	l1 = garch_newton_u(d, u, 200);
	garch_from_u(d, u, p);
	l2 = garch_best_start(d, m, 5, 7, u);
	if (p[2] >= 0.025 && p[2] + p[3] >= 0.6 && l1 - l2 > 10.0)
		return;
	if (garch_newton_u(d, u, 200) > l1)
		garch_from_u(d, u, p);
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

/*
 * Nelder-Mead in the unconstrained coordinates from alpha 0.1, beta 0.8,
 * omega 0.1 (unconditional variance 1), mu the mean m and nu 8, to a
 * simplex of size 1e-8 or 5,000 iterations: it creeps towards a maximum
 * on the boundary, which Newton's method does not reach.  The result in
 * p; false when GSL has no memory.
 */
static int
garch_fit_nm(garch_data *d, double m, double *p)
{
	double		u[NP_MAX],
				st[NP_MAX] = {0.05, 0.3, 0.3, 0.3, 0.3};
	int			converged;

	u[0] = m;
	u[1] = log(0.1);
	u[2] = log(0.1 / 0.1);		/* alpha = e^u2/(1+e^u2+e^u3) = 0.1 */
	u[3] = log(0.8 / 0.1);		/* beta = 0.8 */
	u[4] = log(8.0 - 2.0);
	if (rk_nelder_mead(garch_nm_f, d, d->np, u, st, 1e-8, 5000, 16, garch_stop_cb, d,
						 &converged) == RK_NUMERIC)
		return 0;
	garch_from_u(d, u, p);
	return 1;
}

/*
 * Newton polish on the model parameters themselves: step = H^-1 g (H of
 * -loglik), halved while it lowers log L or leaves the parameter space;
 * stops when every component of the step is below 1e-12 max(|p_j|, 1e-3),
 * when the Hessian is not formed or not positive definite, or when the step
 * has been halved below 1e-6.
 */
static void
garch_polish(const garch_data *d, double *p)
{
	double		g[NP_MAX],
				H[NP_MAX][NP_MAX],
				Inv[NP_MAX][NP_MAX];
	int			it,
				i,
				j;

	for (it = 0; it < 30; it++)
	{
		double		l0,
					dp[NP_MAX],
					tstep = 1.0,
					q[NP_MAX];
		int			small = 1;

		if (garch_stop(d))
			break;
		if (!garch_hessian(d, p, &l0, g, H) || !spd_inverse(d->np, H, Inv))
			break;
		for (i = 0; i < d->np; i++)
		{
			dp[i] = 0;
			for (j = 0; j < d->np; j++)
				dp[i] += Inv[i][j] * g[j];
		}
		for (;;)
		{
			for (i = 0; i < d->np; i++)
				q[i] = p[i] + tstep * dp[i];
			if (garch_loglik(d, q, NULL) >= l0 - 1e-13 * fabs(l0))
				break;
			tstep *= 0.5;
			if (tstep < 1e-6)
				break;
		}
		if (tstep < 1e-6)
			break;
		memcpy(p, q, sizeof(double) * d->np);
		for (i = 0; i < d->np; i++)
			if (fabs(tstep * dp[i]) > 1e-12 * (fabs(p[i]) > 1e-3 ? fabs(p[i]) : 1e-3))
				small = 0;
		if (small)
			break;
	}
}

/*
 * log L at p, its gradient in g, and whether p is an interior optimum: the
 * gradient vanishes (sum_j |g_j| max(|p_j|, 1e-3) < 1e-6 n), alpha and beta
 * are off 0, and for the t nu is not running off to infinity (the normal
 * fits as well there).
 */
static int
garch_interior(const garch_data *d, const double *p, double *ll, double *g)
{
	double		gnorm = 0;
	int			j;

	*ll = garch_loglik(d, p, g);
	for (j = 0; j < d->np; j++)
		gnorm += fabs(g[j]) * (fabs(p[j]) > 1e-3 ? fabs(p[j]) : 1e-3);
	return isfinite(*ll) && gnorm < 1e-6 * (double) d->n &&
		p[2] > 1e-8 && p[3] > 1e-8 && (d->np < 5 || p[4] < 1000.0);
}

rk_status
rk_garch_fit_mle(const double *r, int64_t n, rk_garch_dist dist,
				   double *work, rk_garch_fit *fit)
{
	garch_data	d;
	double		mean = 0,
				sd = 0,
				p[NP_MAX],
				g[NP_MAX],
				H[NP_MAX][NP_MAX],
				Inv[NP_MAX][NP_MAX],
				ll;
	int64_t		t;
	int			j,
				interior,
				stop = 0;

	memset(fit, 0, sizeof(*fit));
	fit->nu = NAN;
	for (j = 0; j < NP_MAX; j++)
		fit->se[j] = NAN;
	if (n < 10)
		return RK_TOO_FEW;
	for (t = 1; t < n && r[t] == r[0]; t++)
		;
	if (t == n)
		return RK_DEGENERATE;	/* a constant series has no volatility */
	for (t = 0; t < n; t++)
		mean += r[t];
	mean /= (double) n;
	for (t = 0; t < n; t++)
		sd += (r[t] - mean) * (r[t] - mean);
	sd = sqrt(sd / (double) (n - 1));
	if (!(sd > 0))
		return RK_DEGENERATE;
	for (t = 0; t < n; t++)
		work[t] = r[t] / sd;
	d.x = work;
	d.n = n;
	d.dist = dist;
	d.np = dist == RK_GARCH_STD ? 5 : 4;
	d.face = 0;
	d.stop = &stop;

	/*
	 * Newton's method finds an interior optimum in a few passes over the
	 * data.  Without one (the supremum on the boundary: alpha or beta at 0,
	 * nu at infinity, alpha + beta at 1), Nelder-Mead creeps towards the
	 * boundary instead, as it always did; and with a weak GARCH effect
	 * (alpha below 0.025 or alpha + beta below 0.6), where the supremum on
	 * the face alpha = 0 (a variance that drifts without responding to the
	 * returns) may be higher than that optimum, the higher of the two.
	 */
	garch_fit_newton(&d, mean / sd, p);
	garch_polish(&d, p);
	if (stop)
		return RK_CANCELLED;
	interior = garch_interior(&d, p, &ll, g);
	if (!interior || p[2] < 0.025 || p[2] + p[3] < 0.6)
	{
		double		pn[NP_MAX],
					gn[NP_MAX],
					lln = ll;
		int			newton = interior;

		memcpy(pn, p, sizeof(pn));
		memcpy(gn, g, sizeof(gn));
		if (!garch_fit_nm(&d, mean / sd, p))
			return RK_NUMERIC;
		garch_polish(&d, p);
		interior = garch_interior(&d, p, &ll, g);

		/*
		 * Pressed against alpha + beta = 1: the supremum may lie on that
		 * face, which the open region never reaches.  Take the face's
		 * maximum when it is higher (the fit still counts as not
		 * converged: a boundary).
		 */
		if (!interior && p[2] + p[3] > 0.999)
		{
			double		gnorm = 0;

			for (j = 0; j < d.np; j++)
				gnorm += fabs(g[j]) * (fabs(p[j]) > 1e-3 ? fabs(p[j]) : 1e-3);
			if (!(gnorm < 1e-6 * (double) n))
			{
				garch_face_fit(&d, p);
				interior = garch_interior(&d, p, &ll, g);
			}
		}
		if (stop)
			return RK_CANCELLED;
		if (newton && !(ll > lln))
		{
			memcpy(p, pn, sizeof(pn));
			memcpy(g, gn, sizeof(gn));
			ll = lln;
			interior = 1;
			d.face = 0;
		}
	}

	/*
	 * nu running off to infinity: the t likelihood rises towards its normal
	 * limit along a ridge flat in nu, and where Nelder-Mead stops on it
	 * depends on the last bits of its arithmetic (GSL's BLAS calls run on
	 * OpenBLAS, whose kernels differ by CPU).  The supremum is the normal
	 * model: its fit is the answer, with nu infinite, as a boundary (not
	 * converged, no standard errors).
	 */
	if (d.np == 5 && !interior && p[4] > 1000.0)
	{
		rk_status	st = rk_garch_fit_mle(r, n, RK_GARCH_NORM, work, fit);

		if (st != RK_OK)
			return st;
		fit->nu = INFINITY;
		fit->converged = 0;
		for (j = 0; j < NP_MAX; j++)
			fit->se[j] = NAN;
		return RK_OK;
	}
	fit->loglik = ll - (double) n * log(sd);
	fit->mu = p[0] * sd;
	fit->omega = p[1] * sd * sd;
	fit->alpha = p[2];
	fit->beta = p[3];
	fit->nu = d.np == 5 ? p[4] : NAN;
	fit->converged = !d.face && interior;
	if (!d.face && garch_hessian(&d, p, &ll, g, H) && spd_inverse(d.np, H, Inv))
	{
		double		scale[NP_MAX] = {sd, sd * sd, 1, 1, 1};

		for (j = 0; j < d.np; j++)
			fit->se[j] = scale[j] * sqrt(Inv[j][j]);
	}
	/* the next period's conditional sd: run the recursion to the end */
	{
		double		h,
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
	return RK_OK;
}

rk_status
rk_conditional_var_es(const rk_garch_fit *fit, double *e, int64_t n,
						double alpha, rk_cond_method method,
						double *var, double *es)
{
	double		s = fit->sigma_forecast,
				ve,
				ee;
	rk_status rc;

	if (!(alpha > 0 && alpha < 1))
		return RK_BADARG;
	switch (method)
	{
		case RK_COND_GARCH:
			{
				double		z = rk_qnorm(alpha);

				*var = -(fit->mu + s * z);
				*es = -fit->mu + s * rk_dnorm(z) / alpha;
				return RK_OK;
			}
		case RK_COND_FHS:
			rc = rk_hist_var_es(e, n, alpha, &ve, &ee);
			if (rc != RK_OK)
				return rc;
			*var = -fit->mu + s * ve;
			*es = -fit->mu + s * ee;
			return RK_OK;
		case RK_COND_EVT:
			{
				int64_t		k = (int64_t) floor(0.1 * (double) n),
							i,
							m = 0;
				double		u;
				rk_gpd_fit g;

				if (k < 3 || n < k + 1)
					return RK_TOO_FEW;
				/* residual losses L = -e; u = the (k+1)-th largest */
				for (i = 0; i < n; i++)
					e[i] = -e[i];
				if (rk_select_kth(e, n, n - k - 1) == RK_CANCELLED)
					return RK_CANCELLED;
				u = e[n - k - 1];
				for (i = n - k - 1; i < n; i++)
					if (e[i] > u)
						e[m++] = e[i] - u;
				if (m < 3)
					return RK_TOO_FEW;
				rc = rk_gpd_fit_mle(e, m, &g);
				if (rc != RK_OK)
					return rc;
				if (!isfinite(g.xi))
					return RK_NOTFOUND;	/* the residual tail has no ML fit */
				rc = rk_gpd_var_es(&g, u, n, m, 1.0 - alpha, &ve, NULL);
				if (rc != RK_OK)
					return rc;
				*var = -fit->mu + s * ve;
				/* a tail with xi >= 1 has no finite expected shortfall */
				if (rk_gpd_var_es(&g, u, n, m, 1.0 - alpha, &ve, &ee) == RK_OK)
					*es = -fit->mu + s * ee;
				else
					*es = INFINITY;
				return RK_OK;
			}
	}
	return RK_BADARG;
}
