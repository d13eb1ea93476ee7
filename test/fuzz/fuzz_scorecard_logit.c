/*
 * fuzz_scorecard_logit.c
 *     libFuzzer harness of scorecard.c's logistic regression: the logit_fit
 *     aggregate's IRLS fit, and the Cholesky solve and inverse diagonal
 *     that risk_internal._logit_newton and risk_internal._logit_model apply
 *     to a logit_step state.
 *
 * As src/scorecard.c: features are finite, 0 to 6 of them (the SQL face
 * allows 500), a model without intercept has at least one; the penalty is
 * finite and >= 0; up to 400 rows; the coefficient arrays have exactly as
 * many slots as coefficients.  The label of a row is drawn from the values
 * in one of four ways: independent of the features, noisy in the first,
 * separated by it, or set by any non-zero value.  The step functions read
 * a float8[] state that a caller may fill with anything, NaN and Inf
 * included: the matrix there is the symmetric one step_system builds.
 *
 * Invariants: TOO_FEW with fewer rows than coefficients + 1, DEGENERATE
 * for one class without a usable penalty; BADARG names a column in range;
 * an OK fit took 1 to 100 iterations, converged unless penalized, has a
 * log-likelihood <= 0, max |eta| >= 0, standard errors NaN or positive,
 * finite coefficients when it converged, and on moderate data a finite
 * log-likelihood.  A Cholesky solve that
 * succeeds on moderate entries is backward stable: |A x - b| within
 * rounding of |A| |x|; its inverse diagonal is not NaN.
 */
#include "core/scorecard.h"
#include "fuzz_common.h"

#define MAX_ROWS 400
#define MAX_K 6
#define MAX_M 8

/* Check the solve and the inverse diagonal on the m x m matrix a. */
static void
check_cholesky(const double *a, int m, const double *b)
{
	double		l[MAX_M * MAX_M],
				x[MAX_M],
				d[MAX_M],
				amax = 0,
				xmax = 0,
				bmax = 0;
	int			bad,
				bad2,
				i,
				j,
				finite;

	/* denormal or huge entries: an inverse that no double holds */
	finite = fz_moderate(a, (size_t) m * m, 1e-100, 1e100) && fz_moderate(b, m, 1e-100, 1e100);
	amax = fz_maxabs(a, (size_t) m * m);
	memcpy(l, a, sizeof(double) * m * m);
	memcpy(x, b, sizeof(double) * m);
	bad = rk_cholesky_solve(l, m, x);
	FZ_CHECK(bad >= -1 && bad < m, "cholesky_solve returned %d for order %d", bad, m);
	memcpy(l, a, sizeof(double) * m * m);
	bad2 = rk_spd_inverse_diag(l, m, d);
	FZ_CHECK(bad2 == bad, "inverse_diag says %d, cholesky_solve %d", bad2, bad);
	if (bad >= 0 || !finite)
		return;
	for (i = 0; i < m; i++)
	{
		if (fabs(x[i]) > xmax)
			xmax = fabs(x[i]);
		if (fabs(b[i]) > bmax)
			bmax = fabs(b[i]);
	}
	if (!isfinite(xmax) || xmax > 1e150)
		return;
	for (i = 0; i < m; i++)
	{
		long double res = -(long double) b[i];

		for (j = 0; j < m; j++)
			res += (long double) a[i * m + j] * x[j];
		/* backward stability, plus what a denormal x (and A x) cannot hold */
		FZ_CHECK(fabsl(res) <= 64.0L * m * DBL_EPSILON * (m * amax * xmax + bmax) +
				 64.0L * m * (m * amax + 1) * 4.9406564584124654e-324L,
				 "cholesky_solve residual %.3Lg in row %d (|A| %.3g |x| %.3g)", res, i, amax, xmax);
		FZ_CHECK(!isnan(d[i]), "inverse diagonal %d = %.17g of an SPD matrix", i, d[i]);
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a design (features, intercept, labels, penalty) and rows; fit and solve. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double penalties[8] = {0, 0, 0, 0.01, 0.1, 1.0, 100.0, 1e-8};
	fz_reader	r;
	int			k,
				intercept,
				m,
				mode,
				i,
				j;
	uint8_t		lb;
	double		l2,
			   *raw,
			   *v,
			   *rows;
	int64_t		nraw,
				nv,
				n,
				row,
				ones = 0;
	rk_logit_result res;
	rk_status st;
	int			moderate;

	fz_init(&r, data, size);
	k = (int) fz_range(&r, 0, MAX_K);
	intercept = fz_u8(&r) & 1;
	mode = fz_u8(&r) & 3;
	lb = fz_u8(&r);
	l2 = lb < 0xF0 ? penalties[lb % 8] : fz_raw(&r);
	/* the SQL face: a finite penalty >= 0; a feature without intercept */
	if (!(l2 >= 0) || !isfinite(l2) || (k == 0 && !intercept))
		return 0;
	m = k + intercept;

	raw = malloc(sizeof(double) * MAX_ROWS * (MAX_K + 1));
	v = malloc(sizeof(double) * MAX_ROWS * (MAX_K + 1));
	nraw = (int64_t) fz_values(&r, raw, (size_t) MAX_ROWS * (k + 1));
	memcpy(v, raw, sizeof(double) * nraw);
	nv = (int64_t) fz_keep_finite(v, (size_t) nraw);
	n = nv / (k + 1);
	rows = malloc(sizeof(double) * (n > 0 ? n : 1) * (k + 1));
	for (row = 0; row < n; row++)
	{
		const double *src = v + row * (k + 1);
		double	   *dst = rows + row * (k + 1);
		double		y;

		memcpy(dst + 1, src + 1, sizeof(double) * k);
		switch (mode)
		{
			case 0:
				y = src[0] > 0;
				break;
			case 1:
				y = src[0] + (k > 0 ? src[1] : 0) > 0;
				break;
			case 2:
				y = k > 0 ? src[1] > 0 : src[0] > 0;
				break;
			default:
				y = src[0] != 0;
				break;
		}
		dst[0] = y;
		ones += y != 0;
	}
	moderate = fz_moderate(rows, (size_t) n * (k + 1), 1e-30, 1e30);

	/* logit_fit: the final function runs once there is a row */
	if (n > 0)
	{
		res.beta = malloc(sizeof(double) * m);
		res.se = malloc(sizeof(double) * m);
		st = rk_logit_fit(rows, n, k, intercept, l2, &res);
		FZ_CHECK(fz_status_valid(st), "status %d", (int) st);
		if (n < m + 1)
			FZ_CHECK(st == RK_TOO_FEW, "%ld rows for %d coefficients: status %d", (long) n, m, (int) st);
		else if ((ones == 0 || ones == n) && (l2 == 0 || intercept))
			FZ_CHECK(st == RK_DEGENERATE, "one class: status %d", (int) st);
		else
			FZ_CHECK(st == RK_OK || st == RK_BADARG || st == RK_DEGENERATE,
					 "status %d", (int) st);
		if (st == RK_BADARG)
			FZ_CHECK(res.bad_column >= 0 && res.bad_column < m, "bad column %d of %d",
					 res.bad_column, m);
		if (st == RK_OK)
		{
			FZ_CHECK(res.iterations >= 1 && res.iterations <= 100, "%d iterations", res.iterations);
			FZ_CHECK(l2 > 0 || res.converged, "unpenalized fit OK but not converged");
			FZ_CHECK(!(res.loglik > 0), "log-likelihood %.17g > 0", res.loglik);
			FZ_CHECK(res.max_eta >= 0, "max |eta| %.17g", res.max_eta);
			for (j = 0; j < m; j++)
			{
				FZ_CHECK(isnan(res.se[j]) || res.se[j] > 0, "se[%d] = %.17g", j, res.se[j]);
				FZ_CHECK(!res.converged || isfinite(res.beta[j]),
						 "converged with beta[%d] = %.17g (l2 %.17g)", j, res.beta[j], l2);
			}
			if (moderate)
			{
				FZ_CHECK(isfinite(res.loglik), "log-likelihood %.17g", res.loglik);
				for (j = 0; j < m; j++)
					FZ_CHECK(isfinite(res.beta[j]), "beta[%d] = %.17g", j, res.beta[j]);
			}
		}
		free(res.beta);
		free(res.se);
	}

	/*
	 * The step functions: the information X'WX at beta = 0 plus the
	 * penalty, as logit_step accumulates it; then the first values read,
	 * unfiltered, as a state a caller filled by hand.
	 */
	{
		double		h[MAX_M * MAX_M],
					g[MAX_M],
					xr[MAX_M];

		memset(h, 0, sizeof(h));
		memset(g, 0, sizeof(g));
		for (row = 0; row < n; row++)
		{
			const double *src = rows + row * (k + 1);

			if (intercept)
				xr[0] = 1.0;
			memcpy(xr + intercept, src + 1, sizeof(double) * k);
			for (i = 0; i < m; i++)
			{
				g[i] += (src[0] - 0.5) * xr[i];
				for (j = 0; j <= i; j++)
					h[i * m + j] += 0.25 * xr[i] * xr[j];
			}
		}
		for (i = 0; i < m; i++)
		{
			for (j = i + 1; j < m; j++)
				h[i * m + j] = h[j * m + i];
			if (i >= intercept)
				h[i * m + i] += l2;
		}
		check_cholesky(h, m, g);
	}
	{
		double		h[MAX_M * MAX_M],
					g[MAX_M];
		int			mm = 1 + (int) (nraw % MAX_M),
					next = 0;

		for (i = 0; i < mm; i++)
		{
			g[i] = next < nraw ? raw[next++] : 1.0;
			for (j = 0; j <= i; j++)
				h[i * mm + j] = h[j * mm + i] = next < nraw ? raw[next++] : (i == j);
		}
		check_cholesky(h, mm, g);
	}
	free(rows);
	free(raw);
	free(v);
	return 0;
}
