/*
 * fuzz_validation.c
 *     libFuzzer harness of validation.c: auc / gini / ks over (score, bad),
 *     hosmer_lemeshow over (pd, bad), psi over two count vectors, and the
 *     per-grade Jeffreys and binomial tests, with src/validation.c's
 *     checks.
 *
 * Scores are finite, PDs finite in [0, 1] (hosmer_lemeshow maps each value
 * into [0, 1] first, so that small and extreme PDs both occur), labels 0 or
 * 1; groups in 3..1000 and at most the number of rows; PSI counts are any
 * doubles (the SQL face passes NaN and Inf through to the core); a grade
 * has 0 <= d <= n and a PD strictly between 0 and 1.  Up to 4000 rows.
 *
 * Invariants: AUC and KS equal a direct count over all (bad, good) pairs
 * and all distinct scores, exactly; AUC in [0, 1], KS in [0, 1];
 * DEGENERATE exactly when a class is missing.  Hosmer-Lemeshow: TOO_FEW
 * only below 3 groups or fewer rows; when OK a statistic >= 0,
 * df = groups - 2 and a p-value in [0, 1].  PSI: OK exactly when every
 * count is positive and finite, then >= 0 (and finite when the sums are).
 * The tests' p-values lie in [0, 1].
 */
#include "core/validation.h"
#include "fuzz_common.h"

#define MAX_ROWS 4000

/* AUC and KS the slow way: every pair, every distinct score. */
static void
naive_auc_ks(const double *pairs, int64_t n, double *auc, double *ks)
{
	int64_t		i,
				j,
				nb = 0,
				ng = 0;
	double		num = 0,
				d = 0;

	for (i = 0; i < n; i++)
		if (pairs[2 * i + 1] != 0)
			nb++;
	ng = n - nb;
	for (i = 0; i < n; i++)
	{
		if (pairs[2 * i + 1] == 0)
			continue;
		for (j = 0; j < n; j++)
		{
			if (pairs[2 * j + 1] != 0)
				continue;
			if (pairs[2 * j] < pairs[2 * i])
				num += 1.0;
			else if (pairs[2 * j] == pairs[2 * i])
				num += 0.5;
		}
	}
	*auc = num / ((double) nb * (double) ng);
	for (i = 0; i < n; i++)
	{
		double		v = pairs[2 * i],
					gap;
		int64_t		cb = 0,
					cg = 0;

		for (j = 0; j < n; j++)
			if (pairs[2 * j] <= v)
			{
				if (pairs[2 * j + 1] != 0)
					cb++;
				else
					cg++;
			}
		gap = fabs((double) cb / (double) nb - (double) cg / (double) ng);
		if (gap > d)
			d = gap;
	}
	*ks = d;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode a label rule, groups, buckets, a grade and pairs; check every metric. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	int			mode,
				groups,
				m,
				i;
	double	   *v,
			   *pairs,
				auc = NAN,
				ks = NAN;
	int64_t		nv,
				n = 0,
				row,
				nb = -1,
				ng = -1,
				gn,
				gd;
	double		gpd;
	rk_status st;

	fz_init(&r, data, size);
	mode = fz_u8(&r) & 3;
	groups = fz_u8(&r) < 128 ? 10 : (int) fz_range(&r, 3, 1000);
	m = (int) fz_range(&r, 2, 20);
	gn = fz_range(&r, 1, 100000);
	gd = fz_range(&r, 0, 100000);
	gpd = fz_level(&r);
	v = malloc(sizeof(double) * 2 * MAX_ROWS);
	pairs = malloc(sizeof(double) * 2 * MAX_ROWS);
	nv = (int64_t) fz_values(&r, v, 2 * MAX_ROWS);

	/* the grade tests: 0 <= d <= n, PD in (0, 1) */
	if (gd <= gn && gpd > 0 && gpd < 1)
	{
		double		pj = rk_jeffreys_test(gn, gd, gpd),
					pb = rk_binomial_test(gn, gd, gpd);

		FZ_CHECK(pj >= 0 && pj <= 1, "jeffreys(%ld, %ld, %.17g) = %.17g", (long) gn, (long) gd, gpd, pj);
		FZ_CHECK(pb >= 0 && pb <= 1, "binomial(%ld, %ld, %.17g) = %.17g", (long) gn, (long) gd, gpd, pb);
	}

	/* psi: two vectors of m counts, any doubles */
	if (nv >= 2 * m)
	{
		double		psi = NAN,
					sd = 0,
					sc = 0;
		int			valid = 1;

		for (i = 0; i < 2 * m; i++)
			valid &= v[i] > 0 && isfinite(v[i]);
		st = rk_psi(v, v + m, m, &psi);
		FZ_CHECK(st == (valid ? RK_OK : RK_DEGENERATE), "psi status %d, counts valid %d", (int) st, valid);
		for (i = 0; i < m; i++)
		{
			sd += v[i];
			sc += v[m + i];
		}
		if (st == RK_OK && isfinite(sd) && isfinite(sc))
			FZ_CHECK(psi >= 0 && isfinite(psi), "psi %.17g", psi);
	}

	/* the (score, bad) pairs */
	for (row = 0; row + 1 < nv; row += 2)
	{
		double		x = v[row],
					w = v[row + 1];

		if (!isfinite(x))
			continue;			/* NULL skipped; +-Inf refused */
		pairs[2 * n] = x;
		switch (mode)
		{
			case 0:
				pairs[2 * n + 1] = w > 0;
				break;
			case 1:
				pairs[2 * n + 1] = x + w > 0;
				break;
			case 2:
				pairs[2 * n + 1] = x > w;
				break;
			default:
				pairs[2 * n + 1] = w != 0;
				break;
		}
		n++;
	}
	if (n == 0)
		goto done;

	st = rk_auc_ks(pairs, n, &auc, &ks, &nb, &ng);
	FZ_CHECK(nb >= 0 && ng >= 0 && nb + ng == n, "%ld bads + %ld goods != %ld", (long) nb, (long) ng, (long) n);
	FZ_CHECK(st == ((nb == 0 || ng == 0) ? RK_DEGENERATE : RK_OK), "auc status %d", (int) st);
	if (st == RK_OK)
	{
		FZ_CHECK(auc >= 0 && auc <= 1 && ks >= 0 && ks <= 1, "AUC %.17g KS %.17g", auc, ks);
		if (n <= 1500)
		{
			double		a2,
						k2;

			naive_auc_ks(pairs, n, &a2, &k2);
			FZ_CHECK(auc == a2, "AUC %.17g, pair count %.17g", auc, a2);
			FZ_CHECK(ks == k2, "KS %.17g, direct %.17g", ks, k2);
		}
	}

	/* hosmer_lemeshow: the scores mapped to PDs in [0, 1] */
	if (n >= groups)
	{
		double		stat = NAN,
					pv = NAN;
		int			df = -1;

		for (row = 0; row < n; row++)
		{
			double		x = fabs(pairs[2 * row]);

			pairs[2 * row] = x <= 1 ? x : 1.0 / x;
		}
		st = rk_hosmer_lemeshow(pairs, n, groups, &stat, &df, &pv);
		FZ_CHECK(st == RK_OK || st == RK_DEGENERATE, "hosmer_lemeshow status %d", (int) st);
		if (st == RK_OK)
		{
			/* +Inf is right when a tiny PD meets a default: 1 / 1e-320 */
			FZ_CHECK(stat >= 0, "HL statistic %.17g", stat);
			FZ_CHECK(df == groups - 2, "df %d with %d groups", df, groups);
			FZ_CHECK(pv >= 0 && pv <= 1, "HL p-value %.17g (statistic %.17g, df %d)", pv, stat, df);
		}
	}
done:
	free(pairs);
	free(v);
	return 0;
}
