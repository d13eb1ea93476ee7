/*
 * profile.c
 *     Personalized risk: see profile.h.  Pure C, no PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

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

/*
 * The P&L vector of a portfolio is built in one pass per holding (the SQL
 * face calls rk_portfolio_add once per row, on the array as it lies in
 * memory), in plain double sums: the P&L of a day is the sum of a few
 * products, and a plain sum in the rows' order is what SQL's
 * sum(amount * r) gives, so the portfolio's VaR equals risk.var_historical
 * over that P&L exactly (each product rounded before it is added, as SQL
 * does: a compiler that fused them into one multiply-add would change the
 * last bit; x86-64's baseline has no such instruction).  The VaR and ES
 * are the market area's (rk_hist_var_es); the bootstrap draws as GSL's
 * MT19937 does.
 */
#include "quantile.h"

static inline int
portfolio_present(const uint8_t *present, int64_t t)
{
	return (present[t / 8] >> (t % 8)) & 1;
}

rk_status
rk_portfolio_add(double *pnl, int32_t *missing, int64_t ndays, double amount,
				 const double *r, const uint8_t *present, int64_t *bad)
{
	int64_t		t,
				j;

	if (!(amount > 0 && isfinite(amount)))
	{
		*bad = -1;
		return RK_BADARG;
	}
	if (present == NULL)
	{
		int			ok = 1;

		for (t = 0; t < ndays; t++)
			ok &= isfinite(r[t]) != 0;
		if (!ok)
		{
			for (t = 0; isfinite(r[t]); t++)
				;
			*bad = t;
			return RK_BADARG;
		}
		for (t = 0; t < ndays; t++)
			pnl[t] += amount * r[t];
		return RK_OK;
	}
	if (missing == NULL)
	{
		*bad = -2;
		return RK_BADARG;
	}
	for (t = j = 0; t < ndays; t++)
		if (portfolio_present(present, t) && !isfinite(r[j++]))
		{
			*bad = t;
			return RK_BADARG;
		}
	for (t = j = 0; t < ndays; t++)
	{
		if (portfolio_present(present, t))
			pnl[t] += amount * r[j++];
		else
			missing[t]++;
	}
	return RK_OK;
}

void
rk_portfolio_merge(double *pnl, int32_t *missing, const double *pnl_b,
				   const int32_t *missing_b, int64_t ndays)
{
	int64_t		t;

	for (t = 0; t < ndays; t++)
		pnl[t] += pnl_b[t];
	if (missing_b != NULL)
		for (t = 0; t < ndays; t++)
			missing[t] += missing_b[t];
}

int64_t
rk_portfolio_align(const double *pnl, const int32_t *missing, int64_t ndays,
				   rk_portfolio_missing rule, double *out)
{
	int64_t		t,
				n = 0;

	for (t = 0; t < ndays; t++)
		if (rule == RK_PORTFOLIO_ZERO || missing == NULL || missing[t] == 0)
			out[n++] = pnl[t];
	return n;
}

rk_status
rk_portfolio_var(const double *x, int64_t days, double alpha, double *var,
				 double *es)
{
	double	   *work;
	int64_t		t;
	rk_status	rc;

	if (days <= 0)
		return RK_EMPTY;
	if (!(alpha > 0 && alpha < 1))
		return RK_BADARG;
	for (t = 0; t < days; t++)
		if (!isfinite(x[t]))
			return RK_OVERFLOW;
	work = malloc(sizeof(double) * (size_t) days);
	if (work == NULL)
		return RK_NOSPACE;
	memcpy(work, x, sizeof(double) * (size_t) days);
	rc = rk_hist_var_es(work, days, alpha, var, es);
	free(work);
	return rc;
}

rk_status
rk_portfolio_bootstrap(const double *x, int64_t days, double value,
					   const rk_portfolio_boot *b, rk_portfolio_boot_result *out)
{
	gsl_rng    *rng;
	double	   *growth,
			   *paths;
	int64_t		p,
				above = 0,
				since = 0;
	rk_status	rc;

	out->var = out->es = out->p_loss = out->p_loss_se = NAN;
	if (days <= 0)
		return RK_EMPTY;
	if (!(value > 0 && isfinite(value)) || b->horizon < 1 || b->n_paths < 1
		|| !(b->alpha > 0 && b->alpha < 1) || days > (int64_t) 0xffffffffU)
		return RK_BADARG;
	growth = malloc(sizeof(double) * (size_t) days);
	paths = malloc(sizeof(double) * (size_t) b->n_paths);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (growth == NULL || paths == NULL || rng == NULL)
	{
		rc = RK_NOSPACE;
		goto done;
	}
	gsl_rng_set(rng, b->seed);
	for (p = 0; p < days; p++)
		growth[p] = 1.0 + x[p] / value;
	for (p = 0; p < b->n_paths; p++)
	{
		double		prod = 1.0;

		/* the path's product, in the order of the draws */
		for (int d = 0; d < b->horizon; d++)
			prod *= growth[gsl_rng_uniform_int(rng, (unsigned long) days)];
		if ((since += b->horizon) >= 65536)
		{
			since = 0;
			if (rk_should_stop())
			{
				rc = RK_CANCELLED;
				goto done;
			}
		}
		paths[p] = value * (prod - 1.0);
		if (!isfinite(paths[p]))
		{
			rc = RK_OVERFLOW;
			goto done;
		}
		/* a loss above the limit: -P&L > limit (false for a NaN limit) */
		above += -paths[p] > b->loss_limit;
	}
	if (!isnan(b->loss_limit))
	{
		out->p_loss = (double) above / (double) b->n_paths;
		out->p_loss_se = sqrt(out->p_loss * (1.0 - out->p_loss) / (double) b->n_paths);
	}
	rc = rk_hist_var_es(paths, b->n_paths, b->alpha, &out->var, &out->es);
done:
	if (rng)
		gsl_rng_free(rng);
	free(growth);
	free(paths);
	return rc;
}

/* ---- risk profile ----------------------------------------------------- */

static const char *const profile_flags[RK_PROFILE_NFLAGS] = {
	"short_horizon_aggressive", "willingness_beyond_capacity", "reserve_not_covered",
	"debt_service_high", "aggressive_without_knowledge"
};

const char *
rk_profile_flag_name(int i)
{
	return i >= 0 && i < RK_PROFILE_NFLAGS ? profile_flags[i] : NULL;
}

int
rk_profile_class(double x, const double *bounds, int nbounds)
{
	int			c = 1;

	for (int k = 0; k < nbounds; k++)
		c += bounds[k] <= x;
	return c;
}

static int
ascending(const double *b, int n, double lo, double hi)
{
	for (int k = 0; k < n; k++)
		if (!(b[k] >= lo && b[k] <= hi) || (k > 0 && !(b[k] > b[k - 1])))
			return 0;
	return 1;
}

static int
nonneg(double x)
{
	return x >= 0 && isfinite(x);
}

rk_status
rk_capacity_policy_check(const rk_capacity_policy *p)
{
	if (p == NULL || !nonneg(p->reserve_months) || !nonneg(p->reserve_months_per_dependant)
		|| !nonneg(p->max_debt_service) || p->debt_cap_class < 1
		|| p->debt_cap_class > RK_PROFILE_CLASSES
		|| !(p->dependant_reduction >= 0 && p->dependant_reduction <= 1)
		|| !ascending(p->horizon_bounds, RK_PROFILE_HORIZON_BANDS - 1, 0, INFINITY)
		|| !isfinite(p->horizon_bounds[RK_PROFILE_HORIZON_BANDS - 2])
		|| !ascending(p->loss_bounds, RK_PROFILE_CLASSES - 1, 0, 1))
		return RK_BADARG;
	for (int k = 0; k < 3; k++)
		if (!(p->surplus_share[k] >= 0 && p->surplus_share[k] <= 1))
			return RK_BADARG;
	for (int k = 0; k < RK_PROFILE_HORIZON_BANDS; k++)
		if (!(p->horizon_share[k] >= 0 && p->horizon_share[k] <= 1))
			return RK_BADARG;
	return RK_OK;
}

rk_status
rk_profile_eval(int nitems, const int *kind, const double *points, const double *max_points,
				const double *class_bounds, double complex_min,
				const rk_capacity_policy *policy, const rk_situation *s, rk_profile *out)
{
	double		got[2] = {0, 0},
				most[2] = {0, 0},
				outgoings,
				gap,
				free_wealth,
				surplus,
				share,
				top;
	int			band;

	if (nitems < 1 || kind == NULL || points == NULL || max_points == NULL || class_bounds == NULL
		|| s == NULL || out == NULL || !isfinite(complex_min)
		|| !ascending(class_bounds, RK_PROFILE_CLASSES - 1, -INFINITY, INFINITY)
		|| rk_capacity_policy_check(policy) != RK_OK)
		return RK_BADARG;
	if (!(s->horizon_years > 0 && isfinite(s->horizon_years)) || !nonneg(s->annual_income)
		|| !nonneg(s->investable_wealth) || !nonneg(s->monthly_expenses)
		|| !nonneg(s->monthly_debt_service) || !nonneg(s->emergency_reserve)
		|| s->dependants < 0 || s->stability < RK_INCOME_STABLE || s->stability > RK_INCOME_NONE)
		return RK_BADARG;
	for (int i = 0; i < nitems; i++)
	{
		if ((kind[i] != 0 && kind[i] != 1) || !nonneg(max_points[i])
			|| !(isnan(points[i]) || (nonneg(points[i]) && points[i] <= max_points[i])))
			return RK_BADARG;
		most[kind[i]] += max_points[i];
		if (!isnan(points[i]))
			got[kind[i]] += points[i];
	}
	if (!(most[0] > 0))
		return RK_BADARG;
	memset(out, 0, sizeof(*out));
	out->willingness_score = 100 * got[0] / most[0];
	out->willingness_class = rk_profile_class(out->willingness_score, class_bounds,
											  RK_PROFILE_CLASSES - 1);
	out->knowledge_score = most[1] > 0 ? 100 * got[1] / most[1] : 0;
	out->complex_ok = most[1] > 0 && out->knowledge_score >= complex_min;

	/* capacity */
	outgoings = s->monthly_expenses + s->monthly_debt_service;
	out->reserve = outgoings * (policy->reserve_months
								+ policy->reserve_months_per_dependant * s->dependants);
	gap = out->reserve > s->emergency_reserve ? out->reserve - s->emergency_reserve : 0;
	free_wealth = s->investable_wealth > gap ? s->investable_wealth - gap : 0;
	surplus = s->annual_income - 12 * outgoings;
	surplus = surplus > 0 ? surplus * policy->surplus_share[s->stability] : 0;
	band = 0;
	while (band < RK_PROFILE_HORIZON_BANDS - 1 && policy->horizon_bounds[band] <= s->horizon_years)
		band++;
	share = policy->horizon_share[band] * pow(1 - policy->dependant_reduction, s->dependants);
	out->max_loss = share * free_wealth + surplus;
	if (out->max_loss > s->investable_wealth)
		out->max_loss = s->investable_wealth;
	if (!isfinite(out->max_loss) || !isfinite(out->reserve))
		return RK_BADARG;
	out->capacity_score = s->investable_wealth > 0 ? 100 * out->max_loss / s->investable_wealth : 0;
	out->capacity_class = rk_profile_class(s->investable_wealth > 0 ? out->max_loss / s->investable_wealth
										   : 0, policy->loss_bounds, RK_PROFILE_CLASSES - 1);
	out->debt_service_ratio = s->annual_income > 0 ? 12 * s->monthly_debt_service / s->annual_income
		: s->monthly_debt_service > 0 ? INFINITY : 0;
	if (out->debt_service_ratio > policy->max_debt_service)
	{
		out->flags |= RK_FLAG_DEBT_SERVICE_HIGH;
		if (out->capacity_class > policy->debt_cap_class)
			out->capacity_class = policy->debt_cap_class;
	}

	/* the profile: capacity caps willingness */
	out->risk_class = out->willingness_class < out->capacity_class ? out->willingness_class
		: out->capacity_class;
	out->binding = out->willingness_class < out->capacity_class ? RK_BIND_WILLINGNESS
		: out->willingness_class > out->capacity_class ? RK_BIND_CAPACITY : RK_BIND_BOTH;
	top = out->risk_class < RK_PROFILE_CLASSES ? policy->loss_bounds[out->risk_class - 1] : 1;
	out->tolerated_loss = out->max_loss < top * s->investable_wealth ? out->max_loss
		: top * s->investable_wealth;
	out->tolerated_share = s->investable_wealth > 0 ? out->tolerated_loss / s->investable_wealth : 0;

	if (out->willingness_class >= 5 && s->horizon_years < 1)
		out->flags |= RK_FLAG_SHORT_HORIZON_AGGRESSIVE;
	if (out->willingness_class - out->capacity_class >= 2)
		out->flags |= RK_FLAG_WILLINGNESS_BEYOND_CAPACITY;
	if (gap > s->investable_wealth)
		out->flags |= RK_FLAG_RESERVE_NOT_COVERED;
	if (out->willingness_class >= 6 && out->knowledge_score == 0)
		out->flags |= RK_FLAG_AGGRESSIVE_WITHOUT_KNOWLEDGE;
	return RK_OK;
}

static const char *const suit_factors[RK_SUIT_NFACTORS] = {
	"risk_class", "holding_period", "knowledge", "concentration", "loss_capacity"
};

const char *
rk_suit_factor_name(rk_suit_factor f)
{
	return (int) f >= 0 && f < RK_SUIT_NFACTORS ? suit_factors[f] : NULL;
}

static void
suit_add(rk_suit_reason *r, int *k, rk_suit_factor f, int holding, int severity, double value,
		 double limit, int *verdict)
{
	r[*k].factor = f;
	r[*k].holding = holding;
	r[*k].severity = severity;
	r[*k].value = value;
	r[*k].limit = limit;
	(*k)++;
	if (severity > *verdict)
		*verdict = severity;
}

rk_status
rk_suitability(int profile_class, double horizon_years, int complex_ok, double tolerated_loss,
			   int n, const int *risk_class, const double *holding_period, const int *complex,
			   const double *weight, double portfolio_loss, double max_weight,
			   double loss_warning, rk_suit_reason *reasons, int *nreasons, int *verdict)
{
	double		wsum = 0;
	int			k = 0;

	if (n < 1 || risk_class == NULL || holding_period == NULL || complex == NULL
		|| reasons == NULL || nreasons == NULL || verdict == NULL
		|| profile_class < 1 || profile_class > RK_PROFILE_CLASSES
		|| !(horizon_years > 0 && isfinite(horizon_years)) || !nonneg(tolerated_loss)
		|| !(max_weight > 0 && max_weight <= 1) || !(loss_warning > 0 && loss_warning <= 1)
		|| !(isnan(portfolio_loss) || isfinite(portfolio_loss)))
		return RK_BADARG;
	for (int i = 0; i < n; i++)
	{
		if (risk_class[i] < 1 || risk_class[i] > RK_PROFILE_CLASSES
			|| !(holding_period[i] > 0 && isfinite(holding_period[i]))
			|| (weight && !nonneg(weight[i])))
			return RK_BADARG;
		if (weight)
			wsum += weight[i];
	}
	if (weight && !(wsum > 0 && isfinite(wsum)))
		return RK_BADARG;
	*verdict = 0;
	for (int i = 0; i < n; i++)
	{
		if (risk_class[i] > profile_class)
			suit_add(reasons, &k, RK_SUIT_RISK_CLASS, i, 2, risk_class[i], profile_class, verdict);
		if (holding_period[i] > horizon_years)
			suit_add(reasons, &k, RK_SUIT_HOLDING_PERIOD, i, 2, holding_period[i], horizon_years,
					 verdict);
		if (complex[i] && !complex_ok)
			suit_add(reasons, &k, RK_SUIT_KNOWLEDGE, i, 2, 1, 0, verdict);
		if (weight && n > 1 && weight[i] / wsum > max_weight)
			suit_add(reasons, &k, RK_SUIT_CONCENTRATION, i, 1, weight[i] / wsum, max_weight, verdict);
	}
	if (!isnan(portfolio_loss))
	{
		if (portfolio_loss > tolerated_loss)
			suit_add(reasons, &k, RK_SUIT_LOSS_CAPACITY, -1, 2, portfolio_loss, tolerated_loss, verdict);
		else if (portfolio_loss > loss_warning * tolerated_loss)
			suit_add(reasons, &k, RK_SUIT_LOSS_CAPACITY, -1, 1, portfolio_loss,
					 loss_warning * tolerated_loss, verdict);
	}
	*nreasons = k;
	return RK_OK;
}
