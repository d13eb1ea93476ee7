/*
 * explain.c
 *     Explainable and fair credit decisions: see explain.h.  Pure C, no
 *     PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

/* ---- reason codes ----------------------------------------------------- */

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "quantile.h"

/*
 * Definitions after fairlearn's (fairlearn.org, user guide "Common fairness
 * metrics", and the API pages of demographic_parity_difference / _ratio,
 * equalized_odds_difference / _ratio), with the decline as the positive
 * prediction and the default as the positive class.  Each rate is one
 * division of two exact counts, so it is the correctly rounded quotient.
 */
void
rk_fair_rates_of(const int64_t cells[RK_FAIR_CELLS], rk_fair_rates *r)
{
	int64_t		n = cells[0] + cells[1] + cells[2] + cells[3];
	int64_t		bad = cells[1] + cells[3];
	int64_t		good = cells[0] + cells[2];

	r->selection_rate = n > 0 ? (double) (cells[2] + cells[3]) / (double) n : NAN;
	r->default_rate = n > 0 ? (double) bad / (double) n : NAN;
	r->tpr = bad > 0 ? (double) cells[3] / (double) bad : NAN;
	r->fpr = good > 0 ? (double) cells[2] / (double) good : NAN;
}

/* Largest and smallest of the defined x[0..n-1]; false when none is. */
static int
fair_range(const double *x, int n, double *lo, double *hi)
{
	int			seen = 0;

	for (int g = 0; g < n; g++)
	{
		if (isnan(x[g]))
			continue;
		if (!seen || x[g] < *lo)
			*lo = x[g];
		if (!seen || x[g] > *hi)
			*hi = x[g];
		seen = 1;
	}
	return seen;
}

void
rk_fair_metrics_of(const double *sel, const double *tpr, const double *fpr,
				   int ngroups, rk_fair_metrics *m)
{
	double		slo = 0,
				shi = 0,
				tlo = 0,
				thi = 0,
				flo = 0,
				fhi = 0;
	int			has_s = fair_range(sel, ngroups, &slo, &shi);
	int			has_t = fair_range(tpr, ngroups, &tlo, &thi);
	int			has_f = fair_range(fpr, ngroups, &flo, &fhi);
	double		tdiff = has_t ? thi - tlo : NAN,
				fdiff = has_f ? fhi - flo : NAN,
				tratio = has_t && thi > 0 ? tlo / thi : NAN,
				fratio = has_f && fhi > 0 ? flo / fhi : NAN;

	m->dp_difference = has_s ? shi - slo : NAN;
	m->dp_ratio = has_s && shi > 0 ? slo / shi : NAN;
	m->eopp_difference = tdiff;
	/* both parts are needed: NaN when either is */
	m->eo_difference = isnan(tdiff) || isnan(fdiff) ? NAN : (tdiff > fdiff ? tdiff : fdiff);
	m->eo_ratio = isnan(tratio) || isnan(fratio) ? NAN : (tratio < fratio ? tratio : fratio);
	m->worst = -1;
	for (int g = 0; g < ngroups; g++)
		if (!isnan(sel[g]) && (m->worst < 0 || sel[g] > sel[m->worst]))
			m->worst = g;
}

void
rk_fair_metrics_cells(const int64_t *cells, int ngroups, rk_fair_metrics *m)
{
	double	   *rates = malloc(sizeof(double) * 3 * (size_t) (ngroups > 0 ? ngroups : 1));

	if (rates == NULL)
	{
		m->dp_difference = m->dp_ratio = m->eo_difference = m->eo_ratio = m->eopp_difference = NAN;
		m->worst = -1;
		return;
	}
	for (int g = 0; g < ngroups; g++)
	{
		rk_fair_rates r;

		rk_fair_rates_of(cells + (size_t) RK_FAIR_CELLS * g, &r);
		rates[g] = r.selection_rate;
		rates[ngroups + g] = r.tpr;
		rates[2 * ngroups + g] = r.fpr;
	}
	rk_fair_metrics_of(rates, rates + ngroups, rates + 2 * ngroups, ngroups, m);
	free(rates);
}

rk_status
rk_fair_bootstrap(const int64_t *cells, int ngroups, const rk_fair_boot *b,
				  double lo[RK_FAIR_NMETRICS], double hi[RK_FAIR_NMETRICS],
				  int64_t defined[RK_FAIR_NMETRICS])
{
	gsl_rng    *rng = NULL;
	double	   *p = NULL,
			   *rates = NULL,
			   *rep = NULL;
	int64_t		nrep[RK_FAIR_NMETRICS] = {0},
				since = 0;
	rk_status	rc = RK_OK;

	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
	{
		lo[k] = hi[k] = NAN;
		if (defined)
			defined[k] = 0;
	}
	if (ngroups < 1 || b->n_boot < 1 || !(b->level > 0 && b->level < 1))
		return RK_BADARG;
	for (int g = 0; g < ngroups; g++)
	{
		const int64_t *c = cells + (size_t) RK_FAIR_CELLS * g;
		int64_t		n = 0;

		for (int j = 0; j < RK_FAIR_CELLS; j++)
		{
			if (c[j] < 0)
				return RK_BADARG;
			n += c[j];
		}
		if (n < 1 || n > (int64_t) 0xffffffffU)
			return RK_BADARG;
	}
	p = malloc(sizeof(double) * RK_FAIR_CELLS * (size_t) ngroups);
	rates = malloc(sizeof(double) * 3 * (size_t) ngroups);
	rep = malloc(sizeof(double) * RK_FAIR_NMETRICS * (size_t) b->n_boot);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (p == NULL || rates == NULL || rep == NULL || rng == NULL)
	{
		rc = RK_NOSPACE;
		goto done;
	}
	gsl_rng_set(rng, b->seed);
	/* the cell probabilities: the counts (gsl_ran_multinomial normalizes) */
	for (size_t j = 0; j < RK_FAIR_CELLS * (size_t) ngroups; j++)
		p[j] = (double) cells[j];

	for (int64_t r = 0; r < b->n_boot; r++)
	{
		rk_fair_metrics m;
		double		v[RK_FAIR_NMETRICS];

		for (int g = 0; g < ngroups; g++)
		{
			const int64_t *c = cells + (size_t) RK_FAIR_CELLS * g;
			unsigned int d[RK_FAIR_CELLS];
			unsigned int n = (unsigned int) (c[0] + c[1] + c[2] + c[3]);
			unsigned int bad,
						good;

			gsl_ran_multinomial(rng, RK_FAIR_CELLS, n, p + (size_t) RK_FAIR_CELLS * g, d);
			bad = d[1] + d[3];
			good = d[0] + d[2];
			rates[g] = (double) (d[2] + d[3]) / (double) n;
			rates[ngroups + g] = bad > 0 ? (double) d[3] / (double) bad : NAN;
			rates[2 * ngroups + g] = good > 0 ? (double) d[2] / (double) good : NAN;
		}
		if ((since += ngroups) >= 65536)
		{
			since = 0;
			if (rk_should_stop())
			{
				rc = RK_CANCELLED;
				goto done;
			}
		}
		rk_fair_metrics_of(rates, rates + ngroups, rates + 2 * ngroups, ngroups, &m);
		v[0] = m.dp_difference;
		v[1] = m.dp_ratio;
		v[2] = m.eo_difference;
		v[3] = m.eo_ratio;
		v[4] = m.eopp_difference;
		/* metric k's defined values packed at the front of its column */
		for (int k = 0; k < RK_FAIR_NMETRICS; k++)
			if (!isnan(v[k]))
				rep[(size_t) k * (size_t) b->n_boot + (size_t) nrep[k]++] = v[k];
	}

	for (int k = 0; k < RK_FAIR_NMETRICS; k++)
	{
		double	   *x = rep + (size_t) k * (size_t) b->n_boot;
		int64_t		ilo,
					ihi;
		double		h;

		if (defined)
			defined[k] = nrep[k];
		if (nrep[k] == 0)
			continue;
		if (rk_sort_doubles(x, nrep[k]) == RK_CANCELLED)
		{
			rc = RK_CANCELLED;
			goto done;
		}
		rk_q7_position(nrep[k], (1.0 - b->level) / 2.0, &ilo, &ihi, &h);
		lo[k] = rk_q7_combine(x[ilo], x[ihi], h);
		rk_q7_position(nrep[k], (1.0 + b->level) / 2.0, &ilo, &ihi, &h);
		hi[k] = rk_q7_combine(x[ilo], x[ihi], h);
	}
done:
	if (rc != RK_OK)
		for (int k = 0; k < RK_FAIR_NMETRICS; k++)
			lo[k] = hi[k] = NAN;
	if (rng)
		gsl_rng_free(rng);
	free(p);
	free(rates);
	free(rep);
	return rc;
}
