/*
 * profile.h
 *     Personalized risk (profile.c): the PRIIPs market risk measure of a
 *     product from its prices (moments of the log returns, Cornish-Fisher
 *     VaR, VaR-equivalent volatility, market risk class) and the summary
 *     risk indicator; the risk of a customer's portfolio from its holdings
 *     and the products' return histories (historical VaR and ES on aligned
 *     days, a seeded bootstrap of the loss over a horizon); the risk
 *     profile of a customer from scored answers and the customer's
 *     situation.
 */
#ifndef RK_PROFILE_H
#define RK_PROFILE_H

#include "core.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

/*
 * The market risk measure of a category 2 PRIIP (Delegated Regulation (EU)
 * 2017/653, Annex II Part 1, as amended by 2021/2268) from its prices
 * P_0..P_M0 in time order: the log returns r_i = ln(P_i / P_(i-1)), their
 * moments (M1 the mean; M2, M3, M4 central moments divided by M0), the
 * volatility sigma = sqrt(M2), skew mu1 = M3 / sigma^3, excess kurtosis
 * mu2 = M4 / sigma^4 - 3, the Cornish-Fisher VaR at 97.5 % in return space
 * over the recommended holding period of N trading periods,
 *   VaR = sigma sqrt(N) (-1.96 + 0.474 mu1 / sqrt(N) - 0.0687 mu2 / N
 *         + 0.146 mu1^2 / N) - 0.5 sigma^2 N,
 * the VaR-equivalent volatility VEV = (sqrt(3.842 - 2 VaR) - 1.96) / sqrt(T)
 * for a holding period of T years, and the market risk class MRM 1..7 by
 * VEV (each boundary 0.5 %, 5 %, 12 %, 20 %, 30 %, 80 % belongs to the
 * higher class).  The summary risk indicator combines MRM with the credit
 * risk class CRM 1..6 (Annex II Part 3, point 52).  docs/profile.md says
 * which points were checked against the regulation's text.
 */

/* Price frequencies, with the trading periods of a year each stands for. */
typedef enum rk_priips_freq
{
	RK_PRIIPS_DAILY = 0,		/* 256 periods a year, 2 years of history */
	RK_PRIIPS_WEEKLY,			/* 52, 4 years */
	RK_PRIIPS_MONTHLY			/* 12, 5 years */
} rk_priips_freq;

#define RK_PRIIPS_NFREQ 3

typedef struct rk_priips
{
	int64_t		returns;		/* M0: prices - 1 */
	double		mean;			/* M1 */
	double		volatility;		/* sigma */
	double		skewness;		/* mu1; NaN when sigma = 0 */
	double		excess_kurtosis;	/* mu2; NaN when sigma = 0 */
	double		var_return_space;	/* the Cornish-Fisher VaR (a log return) */
	double		vev;			/* NaN when 3.842 - 2 VaR < 0 */
	int			mrm;			/* 1..7; 0 when vev is NaN */
} rk_priips;

/* Trading periods a year of freq (256, 52, 12); 0 for an unknown one. */
int			rk_priips_periods(rk_priips_freq freq);

/*
 * The fewest prices the regulation accepts for a category 2 PRIIP at freq:
 * 2 years of daily, 4 of weekly, 5 of monthly prices, counted as that many
 * years of returns plus the first price (513, 209, 61); 0 for an unknown
 * frequency.
 */
int64_t		rk_priips_min_prices(rk_priips_freq freq);

/* The Cornish-Fisher VaR in return space over n trading periods. */
double		rk_priips_var(double sigma, double mu1, double mu2, double n);

/* The VEV of a VaR in return space over t years: NaN when 3.842 - 2 var < 0. */
double		rk_priips_vev(double var, double t);

/* The MRM class 1..7 of a VEV (below 0.5 %: 1); 0 for NaN. */
int			rk_priips_mrm(double vev);

/* The SRI 1..7 of an MRM class 1..7 and a CRM class 1..6; 0 out of range. */
int			rk_priips_sri(int mrm, int crm);

/*
 * The market risk measure of prices[0..n-1] (positive and finite: the
 * caller checks) sampled periods_per_year times a year, over a holding
 * period of rhp_years > 0, into *out.  The minimum history is the
 * caller's to enforce (rk_priips_min_prices).  Statuses: RK_TOO_FEW below
 * 3 prices (2 returns); RK_BADARG for periods_per_year < 1 or rhp_years
 * not positive and finite; RK_DEGENERATE when every return is the same
 * (sigma = 0): *out then holds M0, M1, sigma = 0, VaR = 0 (its limit as
 * sigma goes to 0 with the distribution's shape fixed), that VaR's VEV and
 * class, and NaN skewness and kurtosis; RK_UNDERFLOW when sigma^3 or
 * sigma^4 is 0 while sigma is not; RK_OVERFLOW when the VaR or the VEV is
 * not finite (an extreme holding period); else RK_OK, with vev NaN
 * and mrm 0 when the expansion gives a VaR above 1.921, which has no VEV.
 * Nothing is allocated.
 */
rk_status	rk_priips_measure(const double *prices, int64_t n, int periods_per_year,
							  double rhp_years, rk_priips *out);

/* ---- portfolio risk --------------------------------------------------- */

/* ---- risk profile ----------------------------------------------------- */

#endif							/* RK_PROFILE_H */
