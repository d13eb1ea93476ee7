/*
 * woe.c
 *     Weight-of-evidence binning of a characteristic for scorecards.
 *
 * From (x, bad) pairs: sort by x; start from at most WOE_FINE_BINS bins of
 * (about) equal count whose edges never split equal values; then merge
 * adjacent bins, one pair at a time, until (1) every bin holds at least
 * min_share of the (non-missing) rows, (2) the bad rate, and so the WOE, is
 * monotonic in the direction of the overall trend (the WOE can tie where
 * the 0.5 rule below applies) (the sign of the count-weighted covariance between bin
 * index and bad rate), and (3) there are at most max_bins bins.  At each
 * step the merged pair is the one with the closest bad rates among those
 * that break the rule being enforced (first rule first).
 *
 * WOE_i = ln(share of bads in bin i / share of goods in bin i): positive
 * means riskier than average.  A bin with no goods or no bads gets 0.5
 * added to both its counts in that formula.  IV_i = (bad share - good
 * share) * WOE_i; IV is their sum.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "risk_core.h"

#define WOE_FINE_BINS 50

typedef struct fine_bin
{
	double		lo;				/* smallest x in the bin */
	double		hi;				/* largest x in the bin */
	double		goods;
	double		bads;
} fine_bin;

static double
woe_of(double bads, double goods, double tb, double tg)
{
	if (bads == 0 || goods == 0)
	{
		bads += 0.5;
		goods += 0.5;
	}
	return log((bads / tb) / (goods / tg));
}

static double
rate(const fine_bin *b)
{
	return b->bads / (b->bads + b->goods);
}

/* Merge bin i with bin i+1 (m bins), in place. */
static void
merge(fine_bin *b, int *m, int i)
{
	b[i].hi = b[i + 1].hi;
	b[i].goods += b[i + 1].goods;
	b[i].bads += b[i + 1].bads;
	memmove(b + i + 1, b + i + 2, sizeof(fine_bin) * (*m - i - 2));
	(*m)--;
}

rk_status
rk_woe_binning(double *pairs, int64_t n, int max_bins, double min_share,
				 rk_woe_bin *out, int *nbins, double *iv)
{
	fine_bin   *b;
	int			m = 0,
				i;
	int64_t		r,
				start;
	double		tg = 0,
				tb = 0,
				total,
				dir,
				cov = 0,
				mean_i = 0,
				mean_r = 0;

	if (n < 2 || max_bins < 1)
		return RK_TOO_FEW;
	if (rk_sort_pairs(pairs, n) == RK_CANCELLED)
		return RK_CANCELLED;
	for (r = 0; r < n; r++)
	{
		tb += pairs[2 * r + 1];
		tg += 1 - pairs[2 * r + 1];
	}
	if (tb == 0 || tg == 0)
		return RK_DEGENERATE;
	total = tb + tg;
	b = malloc(sizeof(fine_bin) * WOE_FINE_BINS);
	if (b == NULL)
		return RK_NOSPACE;

	/* fine bins of about n / WOE_FINE_BINS rows, never splitting a value */
	for (start = 0; start < n && m < WOE_FINE_BINS;)
	{
		int64_t		end = (int64_t) ((double) n * (m + 1) / WOE_FINE_BINS);

		if (end <= start)
			end = start + 1;
		if (m == WOE_FINE_BINS - 1 || end > n)
			end = n;
		while (end < n && pairs[2 * end] == pairs[2 * (end - 1)])
			end++;
		b[m].lo = pairs[2 * start];
		b[m].hi = pairs[2 * (end - 1)];
		b[m].goods = b[m].bads = 0;
		for (r = start; r < end; r++)
		{
			b[m].bads += pairs[2 * r + 1];
			b[m].goods += 1 - pairs[2 * r + 1];
		}
		m++;
		start = end;
	}

	/* direction of the trend: covariance of bin index and bad rate */
	for (i = 0; i < m; i++)
	{
		double		w = (b[i].goods + b[i].bads) / total;

		mean_i += w * i;
		mean_r += w * rate(&b[i]);
	}
	for (i = 0; i < m; i++)
		cov += (b[i].goods + b[i].bads) / total * (i - mean_i) * (rate(&b[i]) - mean_r);
	dir = cov >= 0 ? 1.0 : -1.0;

	for (;;)
	{
		int			best = -1;
		double		bestd = INFINITY;

		/* rule 1: every bin holds at least min_share of the rows */
		for (i = 0; i < m && m > 1; i++)
			if ((b[i].goods + b[i].bads) / total < min_share)
			{
				/* merge with the neighbour whose bad rate is closest */
				int			j = (i == 0) ? 0 : (i == m - 1 ? m - 2 :
											(fabs(rate(&b[i]) - rate(&b[i - 1])) <=
											 fabs(rate(&b[i]) - rate(&b[i + 1])) ? i - 1 : i));
				double		d = fabs(rate(&b[j]) - rate(&b[j + 1]));

				if (d < bestd)
				{
					bestd = d;
					best = j;
				}
			}
		/* rule 2: WOE (i.e. bad rate) monotonic in the trend's direction */
		if (best < 0)
			for (i = 0; i + 1 < m; i++)
				if (dir * (rate(&b[i + 1]) - rate(&b[i])) < 0)
				{
					double		d = fabs(rate(&b[i]) - rate(&b[i + 1]));

					if (d < bestd)
					{
						bestd = d;
						best = i;
					}
				}
		/* rule 3: at most max_bins */
		if (best < 0 && m > max_bins)
			for (i = 0; i + 1 < m; i++)
			{
				double		d = fabs(rate(&b[i]) - rate(&b[i + 1]));

				if (d < bestd)
				{
					bestd = d;
					best = i;
				}
			}
		if (best < 0)
			break;
		merge(b, &m, best);
	}

	*iv = 0;
	for (i = 0; i < m; i++)
	{
		double		w = woe_of(b[i].bads, b[i].goods, tb, tg);

		out[i].lower = i == 0 ? -INFINITY : b[i].lo;
		out[i].upper = i == m - 1 ? INFINITY : b[i + 1].lo;
		out[i].goods = (int64_t) b[i].goods;
		out[i].bads = (int64_t) b[i].bads;
		out[i].share = (b[i].goods + b[i].bads) / total;
		out[i].woe = w;
		out[i].iv = (b[i].bads / tb - b[i].goods / tg) * w;
		*iv += out[i].iv;
	}
	*nbins = m;
	free(b);
	return RK_OK;
}

double
rk_woe_of_counts(double bads, double goods, double tb, double tg)
{
	return woe_of(bads, goods, tb, tg);
}
