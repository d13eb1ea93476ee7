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
 * The bootstrap's first `count` draws for a calendar of n days, into
 * out[]: the values gsl_rng_uniform_int(r, n) returns, one after the
 * other, on GSL's gsl_rng_mt19937 seeded by gsl_rng_set(r, seed) (seed 0
 * is GSL's default, 4357; only the low 32 bits count).  RK_BADARG for n = 0,
 * RK_NOSPACE.
 */
rk_status	rk_portfolio_draws(unsigned long seed, uint32_t n, int64_t count,
							   uint32_t *out);

/*
 * The loss over a horizon by a seeded bootstrap: n_paths paths, each the
 * product of (1 + R) over `horizon` days drawn with replacement (the
 * draws of rk_portfolio_draws for n = days, one a day, path after path)
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

#endif							/* RK_PROFILE_H */
