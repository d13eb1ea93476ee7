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

/*
 * A customer's portfolio on a calendar of ndays days that its products
 * share (day t is element t of every product's returns).  What the
 * aggregation keeps: pnl[t], the sum over the holdings of amount x return
 * on day t (of the holdings that have a return that day), and missing[t],
 * the number of holdings without a return on day t.  Partial states add
 * both up.  From them: the aligned days (rk_portfolio_align), their
 * historical VaR and ES (rk_portfolio_var: the market area's
 * rk_hist_var_es, type-7 quantile), and a seeded bootstrap of the loss
 * over a horizon (rk_portfolio_bootstrap).
 */

/* How a day on which a holding has no return counts. */
typedef enum rk_portfolio_missing
{
	RK_PORTFOLIO_DROP = 0,		/* the day is left out */
	RK_PORTFOLIO_ZERO			/* the missing return counts as 0 */
} rk_portfolio_missing;

/*
 * Add a holding of `amount` with returns r on the ndays days: pnl[t] +=
 * amount * r(t).  present NULL: every day has a return, and r holds ndays
 * values.  Else bit t % 8 of present[t / 8] says whether day t has one
 * (PostgreSQL's null bitmap), r holds only the present values, in order,
 * and missing[t] is incremented for every day without (missing must then
 * not be NULL).  RK_BADARG with nothing changed for an amount that is not
 * positive and finite (*bad = -1) or a return that is not finite (*bad =
 * its day, 0-based); RK_OK otherwise.
 */
rk_status	rk_portfolio_add(double *pnl, int32_t *missing, int64_t ndays,
							 double amount, const double *r,
							 const uint8_t *present, int64_t *bad);

/*
 * Add the partial state (pnl_b, missing_b) to (pnl, missing), both of
 * ndays days; a NULL missing_b has none missing, and missing may be NULL
 * only when missing_b is.
 */
void		rk_portfolio_merge(double *pnl, int32_t *missing, const double *pnl_b,
							   const int32_t *missing_b, int64_t ndays);

/*
 * The P&L of the aligned days into out[] (room for ndays), in calendar
 * order: with RK_PORTFOLIO_DROP the days on which no holding misses a
 * return (missing NULL: every day), with RK_PORTFOLIO_ZERO every day.
 * Returns their number.
 */
int64_t		rk_portfolio_align(const double *pnl, const int32_t *missing,
							   int64_t ndays, rk_portfolio_missing rule,
							   double *out);

/*
 * Historical VaR and ES of the aligned P&L x[0..days) at tail probability
 * alpha, as positive losses, exactly as the market area's historical
 * VaR/ES (rk_hist_var_es: var = -q7(alpha), es = -mean(x < q) or var), on
 * a copy (x unchanged).  RK_EMPTY (no day), RK_BADARG (alpha outside
 * (0, 1)), RK_OVERFLOW (a P&L that is not finite: the sums overflowed),
 * RK_NOSPACE (no memory for the copy), RK_CANCELLED.
 */
rk_status	rk_portfolio_var(const double *x, int64_t days, double alpha,
							 double *var, double *es);

/* The bootstrap's settings. */
typedef struct rk_portfolio_boot
{
	int			horizon;		/* days a path, >= 1 */
	int64_t		n_paths;		/* >= 1 */
	unsigned long seed;			/* of GSL's MT19937 (gsl_rng_set) */
	double		alpha;			/* tail probability of the VaR and ES */
	double		loss_limit;		/* NaN: no probability of loss */
} rk_portfolio_boot;

/* The bootstrap's figures: VaR and ES of the loss over the horizon, the
 * share of paths losing more than the limit and its standard error
 * (p_loss and p_loss_se NaN without a limit). */
typedef struct rk_portfolio_boot_result
{
	double		var,
				es,
				p_loss,
				p_loss_se;
} rk_portfolio_boot_result;

/*
 * The loss over a horizon by a seeded bootstrap: n_paths paths, each the
 * product of (1 + R) over `horizon` days drawn with replacement (the
 * draws of gsl_rng_uniform_int(r, days) on GSL's gsl_rng_mt19937 seeded
 * by gsl_rng_set(r, seed), one a day, path after path)
 * from the aligned days' portfolio returns R_t = x[t] /
 * value; a path's P&L is value * (product - 1), its loss the opposite.
 * VaR and ES of the paths' P&L as rk_portfolio_var takes them; p_loss the
 * share of paths whose loss exceeds loss_limit, p_loss_se = sqrt(p_loss
 * (1 - p_loss) / n_paths).  Deterministic for a seed.  RK_EMPTY (no day),
 * RK_BADARG (value not positive and finite, horizon or n_paths below 1,
 * alpha outside (0, 1), more days than the generator can draw from),
 * RK_OVERFLOW (a path's P&L is not finite), RK_NOSPACE, RK_CANCELLED
 * (checked every 65,536 draws).
 */
rk_status	rk_portfolio_bootstrap(const double *x, int64_t days, double value,
								   const rk_portfolio_boot *b,
								   rk_portfolio_boot_result *out);

/* ---- risk profile ----------------------------------------------------- */

/*
 * A customer's risk profile.  Willingness and knowledge come from scored
 * answers: the willingness score is 100 x the points of the answers to the
 * willingness items over the most points those items can give (an item
 * not answered gives 0), the class 1 + the number of class bounds at or
 * below the score; the knowledge score likewise over the knowledge items
 * (0 when there is none), complex products allowed from complex_min.
 *
 * Capacity comes from the situation by the policy (docs/profile.md):
 *   outgoings   = monthly expenses + monthly debt service
 *   reserve     = outgoings x (reserve_months + per_dependant x dependants)
 *   free wealth = investable wealth - (reserve - emergency reserve)+, >= 0
 *   surplus     = (annual income - 12 outgoings)+ x surplus share of the
 *                 income's stability (stable, variable, none)
 *   share       = horizon_share[band of the horizon]
 *                 x (1 - dependant_reduction)^dependants
 *   max loss    = min(share x free wealth + surplus, investable wealth)
 * the largest loss over a year the customer can bear; its share of the
 * investable wealth (0 without wealth) gives the capacity class by the
 * policy's loss bounds, capped at debt_cap_class when the debt service
 * takes more than max_debt_service of the income.  The profile's class is
 * the lower of the two classes (capacity caps willingness); the tolerated
 * loss the lower of the max loss and the top of that class's loss band
 * times the wealth (all of it in class 7).
 */
#define RK_PROFILE_CLASSES 7
#define RK_PROFILE_HORIZON_BANDS 5

typedef struct rk_capacity_policy
{
	double		reserve_months;
	double		reserve_months_per_dependant;
	double		max_debt_service;	/* debt service / income */
	int			debt_cap_class;
	double		surplus_share[3];	/* stable, variable, none */
	double		horizon_bounds[RK_PROFILE_HORIZON_BANDS - 1];	/* years, ascending */
	double		horizon_share[RK_PROFILE_HORIZON_BANDS];
	double		dependant_reduction;
	double		loss_bounds[RK_PROFILE_CLASSES - 1];	/* shares of wealth, ascending */
} rk_capacity_policy;

typedef enum rk_income_stability
{
	RK_INCOME_STABLE = 0,
	RK_INCOME_VARIABLE,
	RK_INCOME_NONE
} rk_income_stability;

typedef struct rk_situation
{
	double		horizon_years;	/* > 0 */
	double		annual_income;	/* >= 0, and the rest */
	rk_income_stability stability;
	double		investable_wealth;
	double		monthly_expenses;
	double		monthly_debt_service;
	double		emergency_reserve;
	int			dependants;
} rk_situation;

/* flags: answers or situation that contradict each other */
#define RK_FLAG_SHORT_HORIZON_AGGRESSIVE	0x01	/* willingness >= 5, horizon < 1 year */
#define RK_FLAG_WILLINGNESS_BEYOND_CAPACITY 0x02	/* by 2 classes or more */
#define RK_FLAG_RESERVE_NOT_COVERED			0x04	/* wealth below the reserve gap */
#define RK_FLAG_DEBT_SERVICE_HIGH			0x08	/* above max_debt_service */
#define RK_FLAG_AGGRESSIVE_WITHOUT_KNOWLEDGE 0x10	/* willingness >= 6, knowledge 0 */
#define RK_PROFILE_NFLAGS 5

typedef enum rk_binding
{
	RK_BIND_WILLINGNESS = 0,	/* willingness class below capacity class */
	RK_BIND_CAPACITY,
	RK_BIND_BOTH
} rk_binding;

typedef struct rk_profile
{
	double		willingness_score;	/* 0..100 */
	int			willingness_class;
	double		knowledge_score;	/* 0..100 */
	int			complex_ok;
	double		capacity_score;	/* 100 x max loss share */
	int			capacity_class;
	int			risk_class;
	rk_binding	binding;
	double		max_loss;		/* money over a year */
	double		tolerated_loss; /* money: min(max loss, the class's top) */
	double		tolerated_share;	/* of investable wealth (0 without) */
	double		debt_service_ratio; /* +Inf: debt without income */
	double		reserve;		/* the emergency reserve needed */
	unsigned	flags;
} rk_profile;

/* The flag's name (bit i of rk_profile.flags), for messages and results. */
const char *rk_profile_flag_name(int i);

/* The class of x: 1 + #{bounds[k] <= x}, k < nbounds. */
int			rk_profile_class(double x, const double *bounds, int nbounds);

/*
 * Check a policy: every field finite and in range, the bounds strictly
 * ascending, shares in [0, 1]: RK_OK or RK_BADARG.
 */
rk_status	rk_capacity_policy_check(const rk_capacity_policy *p);

/*
 * The profile from nitems scored items (kind[i]: 0 willingness, 1
 * knowledge; points[i]: the chosen answer's points, NaN when not
 * answered; max_points[i] the most the item gives), the questionnaire's
 * willingness class bounds (6, ascending, on 0..100) and complex_min, the
 * policy and the situation.  RK_BADARG: no willingness item or none that
 * can give points, a negative or non-finite number, a horizon not
 * positive, a bad policy.
 */
rk_status	rk_profile_eval(int nitems, const int *kind, const double *points,
							const double *max_points, const double *class_bounds,
							double complex_min, const rk_capacity_policy *policy,
							const rk_situation *s, rk_profile *out);

/*
 * Suitability of a product or a portfolio of n holdings for a profile
 * (its class, horizon in years, whether complex products are allowed, the
 * tolerated loss in money).  Each holding: its risk class (1..7), its
 * recommended holding period in years, whether it is complex, and its
 * weight (NULL: none given; the shares are weight / sum).  portfolio_loss:
 * the portfolio's loss over a year to set against the tolerated loss (NaN:
 * none given).  The reasons, in holding order then the portfolio's:
 *   risk_class       a holding's class above the profile's      fail
 *   holding_period   a holding period beyond the horizon        fail
 *   knowledge        a complex holding without the knowledge    fail
 *   concentration    a share above max_weight                   warning
 *   loss_capacity    portfolio_loss above the tolerated loss     fail
 *                    above loss_warning x the tolerated loss    warning
 * reasons must have room for 4 n + 1; the verdict is the worst severity
 * (0 suitable, 1 suitable with warning, 2 not suitable).  RK_BADARG: n < 1,
 * a class outside 1..7, a holding period not positive, a weight negative
 * or all zero, a non-finite figure, max_weight outside (0, 1],
 * loss_warning outside (0, 1].
 */
typedef enum rk_suit_factor
{
	RK_SUIT_RISK_CLASS = 0,
	RK_SUIT_HOLDING_PERIOD,
	RK_SUIT_KNOWLEDGE,
	RK_SUIT_CONCENTRATION,
	RK_SUIT_LOSS_CAPACITY
} rk_suit_factor;
#define RK_SUIT_NFACTORS 5

typedef struct rk_suit_reason
{
	rk_suit_factor factor;
	int			holding;		/* 0-based; -1: the portfolio */
	int			severity;		/* 1 warning, 2 fail */
	double		value;
	double		limit;
} rk_suit_reason;

const char *rk_suit_factor_name(rk_suit_factor f);

rk_status	rk_suitability(int profile_class, double horizon_years, int complex_ok,
						   double tolerated_loss, int n, const int *risk_class,
						   const double *holding_period, const int *complex,
						   const double *weight, double portfolio_loss, double max_weight,
						   double loss_warning, rk_suit_reason *reasons, int *nreasons,
						   int *verdict);

#endif							/* RK_PROFILE_H */
