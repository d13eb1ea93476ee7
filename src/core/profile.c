/*
 * profile.c
 *     Personalized risk: see profile.h.  Pure C, no PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

/* VEV boundaries of the MRM classes (Annex II Part 1, point 2) */
static const double priips_bounds[6] = {0.005, 0.05, 0.12, 0.20, 0.30, 0.80};

/* SRI by CRM (rows, 1..6) and MRM (columns, 1..7) (Annex II Part 3, point 52) */
static const int priips_sri_table[6][7] = {
	{1, 2, 3, 4, 5, 6, 7},
	{1, 2, 3, 4, 5, 6, 7},
	{3, 3, 3, 4, 5, 6, 7},
	{5, 5, 5, 5, 5, 6, 7},
	{5, 5, 5, 5, 5, 6, 7},
	{6, 6, 6, 6, 6, 6, 7}
};

int
rk_priips_periods(rk_priips_freq freq)
{
	switch (freq)
	{
		case RK_PRIIPS_DAILY:
			return 256;
		case RK_PRIIPS_WEEKLY:
			return 52;
		case RK_PRIIPS_MONTHLY:
			return 12;
	}
	return 0;
}

int64_t
rk_priips_min_prices(rk_priips_freq freq)
{
	switch (freq)
	{
		case RK_PRIIPS_DAILY:
			return 2 * 256 + 1;
		case RK_PRIIPS_WEEKLY:
			return 4 * 52 + 1;
		case RK_PRIIPS_MONTHLY:
			return 5 * 12 + 1;
	}
	return 0;
}

double
rk_priips_var(double sigma, double mu1, double mu2, double n)
{
	double		rn = sqrt(n);

	return sigma * rn * (-1.96 + 0.474 * mu1 / rn - 0.0687 * mu2 / n + 0.146 * mu1 * mu1 / n)
		- 0.5 * sigma * sigma * n;
}

double
rk_priips_vev(double var, double t)
{
	double		a = 3.842 - 2.0 * var;

	if (!(a >= 0))
		return NAN;
	return (sqrt(a) - 1.96) / sqrt(t);
}

int
rk_priips_mrm(double vev)
{
	int			k,
				mrm = 1;

	if (isnan(vev))
		return 0;
	for (k = 0; k < 6; k++)
		if (vev >= priips_bounds[k])
			mrm = k + 2;
	return mrm;
}

int
rk_priips_sri(int mrm, int crm)
{
	if (mrm < 1 || mrm > 7 || crm < 1 || crm > 6)
		return 0;
	return priips_sri_table[crm - 1][mrm - 1];
}

/*
 * Return i (1..n-1) of prices: the log of the quotient, or, where the
 * quotient is not a normal double (it overflowed, underflowed or went
 * subnormal), the difference of the logs.  Every pass computes the same
 * value.
 */
static inline double
priips_return(const double *prices, int64_t i)
{
	double		q = prices[i] / prices[i - 1];

	if (isnormal(q))
		return log(q);
	return log(prices[i]) - log(prices[i - 1]);
}

rk_status
rk_priips_measure(const double *prices, int64_t n, int periods_per_year,
				  double rhp_years, rk_priips *out)
{
	int64_t		m0 = n - 1,
				i;
	double		s = 0,
				c = 0,
				m1,
				m2,
				m3,
				m4,
				s2 = 0,
				c2 = 0,
				s3 = 0,
				c3 = 0,
				s4 = 0,
				c4 = 0,
				sigma,
				var,
				np;

	memset(out, 0, sizeof(*out));
	if (periods_per_year < 1 || !(rhp_years > 0) || !isfinite(rhp_years))
		return RK_BADARG;
	if (n < 3)
		return RK_TOO_FEW;
	np = (double) periods_per_year * rhp_years;

	/* the mean, corrected by the mean of the deviations from it */
	for (i = 1; i < n; i++)
		rk_sum_add(&s, &c, priips_return(prices, i));
	m1 = (s + c) / (double) m0;
	s = c = 0;
	for (i = 1; i < n; i++)
		rk_sum_add(&s, &c, priips_return(prices, i) - m1);
	m1 += (s + c) / (double) m0;

	/* the central moments */
	for (i = 1; i < n; i++)
	{
		double		d = priips_return(prices, i) - m1,
					d2 = d * d;

		rk_sum_add(&s2, &c2, d2);
		rk_sum_add(&s3, &c3, d2 * d);
		rk_sum_add(&s4, &c4, d2 * d2);
	}
	m2 = (s2 + c2) / (double) m0;
	m3 = (s3 + c3) / (double) m0;
	m4 = (s4 + c4) / (double) m0;

	out->returns = m0;
	out->mean = m1;
	sigma = sqrt(m2);
	out->volatility = sigma;
	if (m2 == 0)
	{
		out->skewness = NAN;
		out->excess_kurtosis = NAN;
		out->var_return_space = 0;
		out->vev = rk_priips_vev(0, rhp_years);
		out->mrm = rk_priips_mrm(out->vev);
		return RK_DEGENERATE;
	}
	out->skewness = m3 / (m2 * sigma);
	out->excess_kurtosis = m4 / (m2 * m2) - 3.0;
	if (!isfinite(out->skewness) || !isfinite(out->excess_kurtosis))
		return RK_UNDERFLOW;	/* sigma^3 or sigma^4 is 0 */
	var = rk_priips_var(sigma, out->skewness, out->excess_kurtosis, np);
	out->var_return_space = var;
	if (!isfinite(var))
		return RK_OVERFLOW;
	out->vev = rk_priips_vev(var, rhp_years);
	if (isinf(out->vev))
		return RK_OVERFLOW;
	out->mrm = rk_priips_mrm(out->vev);
	return RK_OK;
}

/* ---- portfolio risk --------------------------------------------------- */

/* ---- risk profile ----------------------------------------------------- */
