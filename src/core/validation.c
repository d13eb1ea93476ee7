/*
 * validation.c
 *     Validation metrics of credit scores and PDs: AUC (Mann-Whitney, ties
 *     counted half), Kolmogorov-Smirnov distance, Hosmer-Lemeshow, the
 *     per-grade binomial and Jeffreys tests, and the population stability
 *     index.
 *
 * A "bad" is the event (default).  AUC is the probability that a bad has a
 * higher score than a good, ties counting one half (scikit-learn's
 * roc_auc_score with the bads as the positive class): pass a PD, or minus a
 * points score, so that higher means riskier.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "quantile.h"
#include "validation.h"

rk_status
rk_auc_ks(const double *pairs, int64_t n, double *auc, double *ks,
			int64_t *nbad_out, int64_t *ngood_out)
{
	double	   *b,
			   *g;
	int64_t		nb = 0,
				ng,
				i,
				j,
				k;
	rk_status rc;

	for (i = 0; i < n; i++)
		if (pairs[2 * i + 1] != 0)
			nb++;
	ng = n - nb;
	*nbad_out = nb;
	*ngood_out = ng;
	if (nb == 0 || ng == 0)
		return RK_DEGENERATE;
	b = malloc(sizeof(double) * nb);
	g = malloc(sizeof(double) * ng);
	if (b == NULL || g == NULL)
	{
		free(b);
		free(g);
		return RK_NOSPACE;
	}
	for (i = 0, j = 0, k = 0; i < n; i++)
	{
		if (pairs[2 * i + 1] != 0)
			b[j++] = pairs[2 * i];
		else
			g[k++] = pairs[2 * i];
	}
	rc = rk_auc_ks_split(g, ng, b, nb, auc, ks);
	free(b);
	free(g);
	return rc;
}

rk_status
rk_auc_ks_split(double *g, int64_t ng, double *b, int64_t nb,
				  double *auc, double *ks)
{
	int64_t		i,
				j,
				lt,
				le;
	double		num = 0,
				d = 0;

	if (nb == 0 || ng == 0)
		return RK_DEGENERATE;
	if (rk_sort_doubles(b, nb) == RK_CANCELLED ||
		rk_sort_doubles(g, ng) == RK_CANCELLED)
		return RK_CANCELLED;

	/* AUC: for each bad, the goods below it and half the goods level with it */
	lt = le = 0;
	for (i = 0; i < nb; i++)
	{
		while (lt < ng && g[lt] < b[i])
			lt++;
		if (le < lt)
			le = lt;
		while (le < ng && g[le] <= b[i])
			le++;
		num += (double) lt + 0.5 * (double) (le - lt);
	}
	*auc = num / ((double) nb * (double) ng);

	/* KS: largest gap between the two empirical cdfs, at every distinct value */
	i = j = 0;
	while (i < nb || j < ng)
	{
		double		v = (j >= ng || (i < nb && b[i] <= g[j])) ? b[i] : g[j];
		double		gap;

		while (i < nb && b[i] <= v)
			i++;
		while (j < ng && g[j] <= v)
			j++;
		gap = fabs((double) i / (double) nb - (double) j / (double) ng);
		if (gap > d)
			d = gap;
	}
	*ks = d;
	return RK_OK;
}

rk_status
rk_hosmer_lemeshow(double *pairs, int64_t n, int groups, double *stat,
					 int *df, double *pvalue)
{
	int64_t		i;
	int			k;
	double		h = 0;

	if (groups < 3 || (int64_t) groups > n)
		return RK_TOO_FEW;
	if (rk_sort_pairs(pairs, n) == RK_CANCELLED)	/* by pd, ties: goods first */
		return RK_CANCELLED;
	/* group k holds the ranks i with floor(i * groups / n) = k */
	for (k = 0, i = 0; k < groups; k++)
	{
		double		obs = 0,
					exp_ = 0,
					cnt = 0;

		for (; i < n && (i * groups) / n == k; i++)
		{
			obs += pairs[2 * i + 1];
			exp_ += pairs[2 * i];
			cnt += 1;
		}
		if (exp_ > 0 && exp_ < cnt)
			h += (obs - exp_) * (obs - exp_) / (exp_ * (1.0 - exp_ / cnt));
		else if (obs != exp_)
			return RK_DEGENERATE;	/* a group predicted all-or-nothing, wrongly */
	}
	*stat = h;
	*df = groups - 2;
	*pvalue = rk_pchisq_upper(h, (double) (groups - 2));
	return RK_OK;
}

double
rk_jeffreys_test(int64_t n, int64_t d, double pd)
{
	/* posterior Beta(D + 1/2, N - D + 1/2); p-value: its cdf at the PD */
	return gsl_cdf_beta_P(pd, (double) d + 0.5, (double) (n - d) + 0.5);
}

double
rk_binomial_test(int64_t n, int64_t d, double pd)
{
	/* one-sided: P(X >= D) for X ~ Binomial(N, PD) */
	if (d <= 0)
		return 1.0;
	return gsl_cdf_binomial_Q((unsigned int) (d - 1), pd, (unsigned int) n);
}

rk_status
rk_psi(const double *dev, const double *cur, int m, double *psi)
{
	double		sd = 0,
				sc = 0,
				s = 0;
	int			i;

	for (i = 0; i < m; i++)
	{
		if (!(dev[i] > 0) || !(cur[i] > 0) || !isfinite(dev[i]) || !isfinite(cur[i]))
			return RK_DEGENERATE;
		sd += dev[i];
		sc += cur[i];
	}
	for (i = 0; i < m; i++)
	{
		double		e = dev[i] / sd,
					a = cur[i] / sc;

		double		r = a / e;

		/* a share may underflow to 0: then the log of the ratio from logs */
		if (!(r > 0) || !isfinite(r))
			s += (a - e) * ((log(cur[i]) - log(sc)) - (log(dev[i]) - log(sd)));
		else
			s += (a - e) * log(r);
	}
	*psi = s;
	return RK_OK;
}
