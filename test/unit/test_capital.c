/*
 * test_capital.c
 *     Unit tests of core/capital.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* Basel II Annex 5 illustrative risk weights (12.5 K, no 1.06), to 0.01 pp. */
UNIT_TEST(test_irb_annex5)
{
	rk_irb_params p;
	rk_irb_result r;

	rk_irb_params_init(&p, RK_IRB_BASEL2);
	p.scaling = 1.0;
	check(rk_irb_capital(&p, RK_IRB_CORPORATE, 0.01, 0.45, 1, 2.5, NAN, &r) == RK_OK, "corporate ok", 0, 0);
	check(fabs(100 * r.risk_weight - 92.32) <= 0.01, "corporate 1% LGD 45%", 100 * r.risk_weight, 92.32);
	rk_irb_capital(&p, RK_IRB_CORPORATE, 0.01, 0.45, 1, 2.5, 5.0, &r);
	check(fabs(100 * r.risk_weight - 72.40) <= 0.01, "SME 5m 1% LGD 45%", 100 * r.risk_weight, 72.40);
	rk_irb_capital(&p, RK_IRB_MORTGAGE, 0.0025, 0.25, 1, 2.5, NAN, &r);
	check(fabs(100 * r.risk_weight - 11.83) <= 0.01, "mortgage 0.25% LGD 25%", 100 * r.risk_weight, 11.83);
	rk_irb_capital(&p, RK_IRB_OTHER_RETAIL, 0.02, 0.85, 1, 2.5, NAN, &r);
	check(fabs(100 * r.risk_weight - 109.53) <= 0.01, "other retail 2% LGD 85%", 100 * r.risk_weight, 109.53);
	rk_irb_capital(&p, RK_IRB_QRRE, 0.005, 0.45, 1, 2.5, NAN, &r);
	check(fabs(100 * r.risk_weight - 10.04) <= 0.01, "QRRE 0.5% LGD 45%", 100 * r.risk_weight, 10.04);
}

/* Correlation bounds, the SME clamp, the maturity adjustment at 1 year. */
UNIT_TEST(test_irb_parts)
{
	check_close(rk_irb_correlation(RK_IRB_BANK, 1e-12, NAN), 0.24, 1e-9, "R at PD 0");
	check_close(rk_irb_correlation(RK_IRB_BANK, 1.0, NAN), 0.12, 1e-15, "R at PD 1");
	check_close(rk_irb_correlation(RK_IRB_OTHER_RETAIL, 1.0, NAN), 0.03, 1e-15, "retail R at PD 1");
	check(rk_irb_correlation(RK_IRB_CORPORATE, 0.01, 1.0) == rk_irb_correlation(RK_IRB_CORPORATE, 0.01, 5.0),
		  "sales below 5 count as 5", 0, 0);
	check(rk_irb_correlation(RK_IRB_CORPORATE, 0.01, 80.0) == rk_irb_correlation(RK_IRB_CORPORATE, 0.01, NAN),
		  "sales above 50: no adjustment", 0, 0);
	check_close(rk_irb_correlation(RK_IRB_CORPORATE, 0.01, 5.0),
				rk_irb_correlation(RK_IRB_CORPORATE, 0.01, NAN) - 0.04, 1e-15, "SME at 5m: -0.04");
	check_close(rk_irb_maturity_adjustment(0.013, 1.0), 1.0, 1e-15, "MA at 1 year");
	check(rk_irb_maturity_adjustment(0.02, 5.0) > rk_irb_maturity_adjustment(0.02, 2.5), "MA grows with M", 0, 0);
	check(isnan(rk_irb_maturity_adjustment(1e-7, 2.5)), "MA undefined at tiny PD", 0, 0);
}

/* Floors, scaling, the defaulted exposure and every BADARG. */
UNIT_TEST(test_irb_capital_rules)
{
	rk_irb_params p2,
				p3;
	rk_irb_result r,
				s;

	rk_irb_params_init(&p2, RK_IRB_BASEL2);
	rk_irb_params_init(&p3, RK_IRB_BASEL3);
	rk_irb_capital(&p3, RK_IRB_QRRE, 0.0001, 0.8, 10, 2.5, NAN, &r);
	check(r.pd == 0.001, "basel3 QRRE floor", r.pd, 0.001);
	rk_irb_capital(&p2, RK_IRB_SOVEREIGN, 0.0001, 0.45, 10, 2.5, NAN, &r);
	check(r.pd == 0.0001, "no sovereign floor", r.pd, 0.0001);
	rk_irb_capital(&p2, RK_IRB_BANK, 0.01, 0.45, 10, 2.5, NAN, &r);
	rk_irb_capital(&p3, RK_IRB_BANK, 0.01, 0.45, 10, 2.5, NAN, &s);
	check_close(r.rwa, 1.06 * s.rwa, 1e-15, "1.06 scaling");
	check_close(r.capital, 0.08 * r.rwa, 1e-15, "capital 8% RWA");
	check_close(r.expected_loss, 0.01 * 0.45 * 10, 1e-15, "EL");
	check(rk_irb_capital(&p3, RK_IRB_CORPORATE, 1.0, 0.45, 10, 2.5, NAN, &r) == RK_OK && r.k == 0 && r.expected_loss == 4.5,
		  "defaulted, ELBE = LGD", r.k, 0);
	p3.elbe = 0.4;
	rk_irb_capital(&p3, RK_IRB_CORPORATE, 1.0, 0.45, 10, 2.5, NAN, &r);
	check_close(r.k, 0.05, 1e-14, "defaulted K = LGD - ELBE");
	p3.elbe = NAN;
	check(rk_irb_capital(&p3, RK_IRB_CORPORATE, 1.1, 0.45, 1, 2.5, NAN, &r) == RK_BADARG, "pd > 1", 0, 0);
	check(rk_irb_capital(&p3, RK_IRB_CORPORATE, NAN, 0.45, 1, 2.5, NAN, &r) == RK_BADARG, "pd NaN", 0, 0);
	check(rk_irb_capital(&p3, RK_IRB_CORPORATE, 0.1, -0.1, 1, 2.5, NAN, &r) == RK_BADARG, "lgd < 0", 0, 0);
	check(rk_irb_capital(&p3, RK_IRB_CORPORATE, 0.1, 0.4, INFINITY, 2.5, NAN, &r) == RK_BADARG, "ead inf", 0, 0);
	check(rk_irb_capital(&p3, RK_IRB_CORPORATE, 0.1, 0.4, 1, 5.5, NAN, &r) == RK_BADARG, "maturity 5.5", 0, 0);
	check(rk_irb_capital(&p3, RK_IRB_BANK, 0.1, 0.4, 1, 2.5, 10, &r) == RK_BADARG, "sales for a bank", 0, 0);
	check(rk_irb_capital(&p3, RK_IRB_NCLASSES, 0.1, 0.4, 1, 2.5, NAN, &r) == RK_BADARG, "class", 0, 0);
	check(rk_irb_capital(&p3, RK_IRB_SOVEREIGN, 0.0, 0.4, 1, 2.5, NAN, &r) == RK_NUMERIC, "sovereign PD 0", 0, 0);
}

/* ---- concentration ---------------------------------------------------- */

/* HHI of equal amounts is 1/n; GA of n equal exposures is (term / 2K) / n. */
UNIT_TEST(test_concentration)
{
	rk_irb_params p;
	rk_irb_result r;
	double		h,
				ga,
				t;
	int			n;

	check(rk_hhi(0, 0, &h) == RK_EMPTY, "hhi zero total", 0, 0);
	rk_hhi(4 * 2.5, 4 * 2.5 * 2.5, &h);
	check_close(h, 0.25, 1e-15, "hhi of 4 equal");
	rk_irb_params_init(&p, RK_IRB_BASEL3);
	rk_irb_capital(&p, RK_IRB_CORPORATE, 0.01, 0.45, 1, 2.5, NAN, &r);
	t = rk_ga_term(r.k, r.pd, 0.45, 4.83, 0.25);
	for (n = 1; n <= 10000; n *= 10)
	{
		rk_ga_final(n * 100.0, n * 100.0 * r.k, n * 100.0 * 100.0 * t, &ga);
		check_close(ga * n, t / (2 * r.k), 1e-14, "GA shrinks as 1/n");
	}
	check(rk_ga_term(0.0, 0.01, 0.0, 4.83, 0.25) == 0.0, "GA term at LGD 0", 0, 0);
	check(rk_ga_final(100, 0, 1, &ga) == RK_EMPTY, "GA without capital", 0, 0);
}

/* ---- portfolio credit VaR --------------------------------------------- */

/* Weighted VaR / ES by hand: losses 1..10, unit weights, level 0.8. */
UNIT_TEST(test_csim_weighted_var_es)
{
	double		l[10] = {7, 2, 9, 1, 10, 4, 3, 8, 6, 5},
				w[10],
				v,
				e;

	check(rk_weighted_var_es(l, NULL, 10, 0.8, &v, &e) == RK_OK, "weighted var es", 0, 0);
	/* 2 losses (9, 10) above 8: 2/10 <= 0.2; above 7 three: VaR 8, ES mean(8, 9, 10) */
	check_close(v, 8.0, 0, "VaR of 1..10 at 0.8");
	check_close(e, 9.0, 1e-15, "ES of 1..10 at 0.8");
	/* weight 2 on the losses 9 and 10, as if each were twice: tail 4/10 > 0.2 at 8 */
	for (int i = 0; i < 10; i++)
		w[i] = l[i] >= 9 ? 2.0 : 1.0;
	check(rk_weighted_var_es(l, w, 10, 0.8, &v, &e) == RK_OK, "weighted", 0, 0);
	check_close(v, 9.0, 0, "weighted VaR");
	check_close(e, (2 * 9.0 + 2 * 10.0) / 4.0, 1e-15, "weighted ES");
	check(rk_weighted_var_es(l, NULL, 0, 0.8, &v, &e) == RK_EMPTY, "no losses", 0, 0);
	check(rk_weighted_var_es(l, NULL, 10, 1.0, &v, &e) == RK_BADARG, "level 1", 0, 0);
}

/*
 * A homogeneous book: the mean loss is within 4 standard errors of the EL,
 * the same seed gives the same answer, plain and shifted sampling agree,
 * Euler contributions add up to ES and are equal for equal loans.
 */
UNIT_TEST(test_csim_homogeneous)
{
	enum {N = 200};
	double		pd[N],
				lgd[N],
				ead[N],
				rho[N],
				c[N],
				sum = 0.0;
	rk_csim_opts o = {.scenarios = 20000,.seed = 5,.level = 0.99,.shift = 0.0};
	rk_csim_result a,
				b,
				is;

	for (int i = 0; i < N; i++)
	{
		pd[i] = 0.02;
		lgd[i] = 0.5;
		ead[i] = 10.0;
		rho[i] = 0.2;
	}
	check(rk_csim(pd, lgd, ead, rho, N, &o, &a, NULL) == RK_OK, "plain", 0, 0);
	check(a.groups == 1, "one group", (double) a.groups, 1);
	check_close(a.expected_loss, N * 0.02 * 5.0, 1e-13, "EL");
	check(fabs(a.mean_loss - a.expected_loss) <= 4 * a.mean_loss_se, "mean within 4 se",
		  a.mean_loss, a.expected_loss);
	check(a.es >= a.var && a.var > a.expected_loss, "EL < VaR <= ES", a.var, a.es);
	check(rk_csim(pd, lgd, ead, rho, N, &o, &b, c) == RK_OK, "with contributions", 0, 0);
	check(a.var == b.var && a.es == b.es && a.var_se == b.var_se, "same seed, same answer", b.es, a.es);
	for (int i = 0; i < N; i++)
		sum += c[i];
	check_close(sum, a.es, 1e-12, "contributions add up to ES");
	check(c[0] == c[N - 1], "equal loans, equal contributions", c[0], c[N - 1]);
	o.shift = rk_csim_auto_shift(o.level);
	check_close(o.shift, -2.3263478740408408, 1e-12, "automatic shift N^-1(0.01)");
	check(rk_csim(pd, lgd, ead, rho, N, &o, &is, NULL) == RK_OK, "importance", 0, 0);
	check(fabs(is.es - a.es) <= 4 * sqrt(is.es_se * is.es_se + a.es_se * a.es_se),
		  "IS ES agrees with plain", is.es, a.es);
	check(is.es_se < a.es_se, "IS ES has the smaller se", is.es_se, a.es_se);
	check(fabs(is.mean_loss - a.expected_loss) <= 4 * is.mean_loss_se, "IS mean within 4 se",
		  is.mean_loss, a.expected_loss);
}

/* rho 0: independent defaults, the loss is binomial: check its VaR exactly. */
UNIT_TEST(test_csim_independent)
{
	enum {N = 50};
	double		pd[N],
				lgd[N],
				ead[N],
				rho[N];
	rk_csim_opts o = {.scenarios = 200000,.seed = 11,.level = 0.99,.shift = 0.0};
	rk_csim_result r;
	double		cdf = 0.0,
				pk;
	int			k;

	for (int i = 0; i < N; i++)
	{
		pd[i] = 0.1;
		lgd[i] = 1.0;
		ead[i] = 1.0;
		rho[i] = 0.0;
	}
	check(rk_csim(pd, lgd, ead, rho, N, &o, &r, NULL) == RK_OK, "independent", 0, 0);
	/* the binomial(50, 0.1) 0.99 quantile */
	pk = pow(0.9, N);
	for (k = 0;; k++)
	{
		cdf += pk;
		if (cdf >= 0.99)
			break;
		pk *= (double) (N - k) / (double) (k + 1) * 0.1 / 0.9;
	}
	check(fabs(r.var - k) <= 1.0, "binomial VaR within one default", r.var, k);
}

UNIT_TEST(test_csim_bad)
{
	double		pd[2] = {0.1, 0.2},
				lgd[2] = {0.5, 0.5},
				ead[2] = {1, 1},
				rho[2] = {0.1, 0.1};
	rk_csim_opts o = {.scenarios = 1000,.seed = 1,.level = 0.99,.shift = 0.0};
	rk_csim_result r;

	check(rk_csim(pd, lgd, ead, rho, 0, &o, &r, NULL) == RK_EMPTY, "empty book", 0, 0);
	o.scenarios = 10;
	check(rk_csim(pd, lgd, ead, rho, 2, &o, &r, NULL) == RK_BADARG, "too few scenarios", 0, 0);
	o.scenarios = 1000;
	rho[1] = 1.0;
	check(rk_csim(pd, lgd, ead, rho, 2, &o, &r, NULL) == RK_BADARG, "rho 1", 0, 0);
	rho[1] = 0.1;
	pd[0] = NAN;
	check(rk_csim(pd, lgd, ead, rho, 2, &o, &r, NULL) == RK_BADARG, "NaN pd", 0, 0);
	pd[0] = 0.1;
	o.shift = INFINITY;
	check(rk_csim(pd, lgd, ead, rho, 2, &o, &r, NULL) == RK_BADARG, "infinite shift", 0, 0);
}

static int	csim_stop_at,
			csim_stop_seen;

static int
csim_stop_counter(void)
{
	return ++csim_stop_seen == csim_stop_at;
}

/* The simulation and the recursion stop at each checkpoint in turn. */
UNIT_TEST(test_capital_cancel)
{
	enum {N = 20};
	double		pd[N],
				lgd[N],
				ead[N],
				rho[N],
				c[N];
	rk_csim_opts o = {.scenarios = 5000,.seed = 1,.level = 0.99,.shift = -2.0};
	rk_csim_result r;
	rk_crp_result cr;
	int			(*saved) (void) = rk_stop_hook;
	int			stopped = 0,
				finished = 0;

	for (int i = 0; i < N; i++)
	{
		pd[i] = 0.01 * (1 + i % 5);
		lgd[i] = 0.4;
		ead[i] = 100.0 * (1 + i);
		rho[i] = 0.1;
	}
	rk_stop_hook = csim_stop_counter;
	for (csim_stop_at = 1; csim_stop_at < 100; csim_stop_at++)
	{
		rk_status	st;

		csim_stop_seen = 0;
		st = rk_csim(pd, lgd, ead, rho, N, &o, &r, c);
		if (st == RK_CANCELLED)
			stopped++;
		else
		{
			check(st == RK_OK, "finished after the last checkpoint", st, RK_OK);
			finished = 1;
			break;
		}
	}
	check(stopped >= 20 && finished, "simulation stops at every checkpoint", stopped, 20);
	stopped = finished = 0;
	for (csim_stop_at = 1; csim_stop_at < 1000; csim_stop_at++)
	{
		rk_status	st;

		csim_stop_seen = 0;
		st = rk_creditriskplus(pd, lgd, ead, N, 1.0, 1.0, 0.999, &cr, NULL, 0);
		if (st == RK_CANCELLED)
			stopped++;
		else
		{
			check(st == RK_OK, "recursion finished", st, RK_OK);
			finished = 1;
			break;
		}
	}
	check(stopped >= 1 && finished, "recursion stops at its checkpoints", stopped, 1);
	rk_stop_hook = saved;
}

/*
 * CreditRisk+: two bands; the Poisson case against the compound Poisson
 * pmf by hand, the negative binomial P(L = 0) = (1 + sigma2 mu)^(-1/sigma2),
 * and the sum of a long distribution.
 */
UNIT_TEST(test_creditriskplus)
{
	double		pd[3] = {0.1, 0.2, 0.05},
				lgd[3] = {1.0, 1.0, 0.5},
				ead[3] = {100.0, 200.0, 100.0},
				dist[400];
	rk_crp_result r;
	double		l1,
				l2,
				mu,
				total = 0.0;

	/* unit 50: bands 2, 4, 1 */
	check(rk_creditriskplus(pd, lgd, ead, 3, 50.0, 0.0, 0.99, &r, dist, 6) == RK_OK, "poisson", 0, 0);
	mu = 0.35;
	check_close(dist[0], exp(-mu), 1e-15, "P(L = 0)");
	check_close(dist[1], exp(-mu) * 0.05, 1e-15, "P(L = 1): one default in band 1");
	l1 = 0.05;
	l2 = 0.1;
	check_close(dist[2], exp(-mu) * (l1 * l1 / 2 + l2), 1e-15, "P(L = 2)");
	check_close(dist[3], exp(-mu) * (l1 * l1 * l1 / 6 + l1 * l2), 1e-14, "P(L = 3)");
	check_close(r.expected_loss, 50.0 * (0.05 * 1 + 0.1 * 2 + 0.2 * 4), 1e-15, "EL");
	check(rk_creditriskplus(pd, lgd, ead, 3, 50.0, 2.0, 0.99, &r, dist, 400) == RK_OK, "gamma", 0, 0);
	check_close(dist[0], pow(1.0 + 2.0 * mu, -0.5), 1e-15, "negative binomial P(L = 0)");
	for (int k = 0; k < 400; k++)
		total += dist[k];
	check(total > 0.999 && total <= 1.0 + 1e-12, "the distribution sums to 1", total, 1);
	check(r.es >= r.var && r.var > 0, "ES >= VaR", r.es, r.var);
	check(rk_creditriskplus(pd, lgd, ead, 3, 0.0, 0.0, 0.99, &r, NULL, 0) == RK_BADARG, "unit 0", 0, 0);
	check(rk_creditriskplus(pd, lgd, ead, 3, 1e-9, 0.0, 0.99, &r, NULL, 0) == RK_NOSPACE, "tiny unit", 0, 0);
	check(rk_creditriskplus(pd, lgd, ead, 0, 1, 0.0, 0.99, &r, NULL, 0) == RK_EMPTY, "empty", 0, 0);
}

/*
 * The multi-factor model: the Cholesky factor of a 2 x 2 correlation, a
 * matrix that is not positive definite (RK_DEGENERATE, no GSL abort), and
 * one sector with loading sqrt(rho) drawing the one-factor scenarios.
 */
UNIT_TEST(test_csim_multi)
{
	double		corr[4] = {1, 0.6, 0.6, 1},
				chol[9],
				bad[9] = {1, 0.9, 0.9, 0.9, 1, 0, 0.9, 0, 1},
				asym[4] = {1, 0.2, 0.3, 1},
				one = 1.0;
	double		pd[30],
				lgd[30],
				ead[30],
				rho[30],
				ld[30];
	int			sec[30];
	rk_csim_opts o = {.scenarios = 5000,.seed = 2,.level = 0.99,.shift = -1.5};
	rk_csim_result a,
				b;

	check(rk_csim_cholesky(2, corr, chol) == RK_OK, "cholesky", 0, 0);
	check_close(chol[0], 1.0, 1e-15, "L11");
	check_close(chol[2], 0.6, 1e-15, "L21");
	check_close(chol[3], 0.8, 1e-15, "L22");
	check(chol[1] == 0.0, "upper triangle zero", chol[1], 0);
	check(rk_csim_cholesky(3, bad, chol) == RK_DEGENERATE, "not positive definite", 0, 0);
	check(rk_csim_cholesky(2, asym, chol) == RK_BADARG, "not symmetric", 0, 0);
	for (int i = 0; i < 30; i++)
	{
		pd[i] = 0.005 * (1 + i % 6);
		lgd[i] = 0.4;
		ead[i] = 10.0 + i;
		rho[i] = 0.1 + 0.01 * (i % 3);
		ld[i] = sqrt(rho[i]);
		sec[i] = 0;
	}
	check(rk_csim(pd, lgd, ead, rho, 30, &o, &a, NULL) == RK_OK, "one factor", 0, 0);
	check(rk_csim_multi(pd, lgd, ead, ld, sec, 1, &one, 30, &o, &b, NULL) == RK_OK, "one sector", 0, 0);
	check(a.var == b.var, "one sector = one factor: VaR", b.var, a.var);
	check_close(b.es, a.es, 1e-12, "one sector = one factor: ES");
	for (int i = 0; i < 30; i++)
		sec[i] = i % 2;
	check(rk_csim_multi(pd, lgd, ead, ld, sec, 2, corr, 30, &o, &b, NULL) == RK_OK, "two sectors", 0, 0);
	check(fabs(b.mean_loss - b.expected_loss) <= 4 * b.mean_loss_se, "two sectors: mean within 4 se",
		  b.mean_loss, b.expected_loss);
	sec[3] = 2;
	check(rk_csim_multi(pd, lgd, ead, ld, sec, 2, corr, 30, &o, &b, NULL) == RK_BADARG, "sector out of range", 0, 0);
	sec[3] = 1;
	check(rk_csim_multi(pd, lgd, ead, ld, sec, 3, bad, 30, &o, &b, NULL) == RK_DEGENERATE,
		  "simulation refuses a matrix that is not positive definite", 0, 0);
}

/* ---- liquidity -------------------------------------------------------- */

/* both caps and the inflow cap binding, by hand: HQLA = level 1 / 0.6 */
UNIT_TEST(test_lcr_caps_binding)
{
	int			kind[] = {RK_LIQ_LEVEL1, RK_LIQ_LEVEL2A, RK_LIQ_LEVEL2B, RK_LIQ_OUTFLOW, RK_LIQ_INFLOW};
	double		factor[] = {0, 0.15, 0.5, 0.5, 1},
				amount[] = {100, 100, 100, 200, 100};
	rk_lcr_result r;

	check(rk_lcr(5, kind, factor, amount, &r) == RK_OK, "lcr status", 0, 0);
	check_close(r.level2a, 85, 1e-15, "level 2A after haircut");
	check_close(r.adj15, 25, 1e-15, "15% cap: 50 - 100 x 15/60");
	check_close(r.adj40, 110 - 200.0 / 3, 1e-15, "40% cap: 85 + 50 - 25 - 2/3 x 100");
	check_close(r.hqla, 500.0 / 3, 1e-15, "HQLA = 100 / 0.6");
	check_close(r.inflows_capped, 75, 1e-15, "inflows capped at 75% of 100");
	check_close(r.net_outflows, 25, 1e-15, "net cash outflows");
	check_close(r.lcr, 20.0 / 3, 1e-15, "LCR");
}

/* no cap binding: the ratio is the plain sums */
UNIT_TEST(test_lcr_no_cap)
{
	int			kind[] = {RK_LIQ_LEVEL1, RK_LIQ_LEVEL2A, RK_LIQ_LEVEL2B, RK_LIQ_OUTFLOW, RK_LIQ_INFLOW};
	double		factor[] = {0, 0.15, 0.25, 0.1, 0.5},
				amount[] = {1000, 200, 40, 3000, 100};
	rk_lcr_result r;

	check(rk_lcr(5, kind, factor, amount, &r) == RK_OK, "lcr status", 0, 0);
	check(r.adj15 == 0 && r.adj40 == 0, "no cap adjustment", r.adj15, 0);
	check_close(r.hqla, 1000 + 170 + 30, 1e-15, "HQLA");
	check_close(r.net_outflows, 300 - 50, 1e-15, "net cash outflows");
	check_close(r.lcr, 1200.0 / 250, 1e-15, "LCR");
}

UNIT_TEST(test_liquidity_bad_input)
{
	int			kind[] = {RK_LIQ_LEVEL1, RK_LIQ_ASF},
				nk[] = {RK_LIQ_ASF, RK_LIQ_RSF};
	double		factor[] = {0, 1},
				amount[] = {1, 1},
				bad[] = {1, -1};
	rk_lcr_result r;
	rk_nsfr_result s;

	check(rk_lcr(2, kind, factor, amount, &r) == RK_BADARG, "an ASF kind in the LCR", 0, 0);
	check(rk_lcr(2, nk, factor, bad, &r) == RK_BADARG, "a negative amount", 0, 0);
	check(rk_nsfr(2, kind, factor, amount, &s) == RK_BADARG, "an HQLA kind in the NSFR", 0, 0);
	amount[1] = NAN;
	check(rk_nsfr(2, nk, factor, amount, &s) == RK_BADARG, "a NaN amount", 0, 0);
	amount[1] = 1;
	factor[1] = 1.5;
	check(rk_nsfr(2, nk, factor, amount, &s) == RK_BADARG, "a factor above 1", 0, 0);
	factor[0] = 0.9;
	factor[1] = 0.5;
	amount[0] = 300;
	amount[1] = 200;
	check(rk_nsfr(2, nk, factor, amount, &s) == RK_OK, "nsfr status", 0, 0);
	check_close(s.nsfr, 270.0 / 100, 1e-15, "NSFR");
	check(rk_lcr(0, NULL, NULL, NULL, &r) == RK_OK && isnan(r.lcr), "no outflow: LCR NaN", 0, 0);
	{
		int			k2[] = {RK_LIQ_INFLOW, RK_LIQ_INFLOW};
		double		f2[] = {1, 1},
					huge[] = {1.5e308, 1.5e308};

		check(rk_lcr(2, k2, f2, huge, &r) == RK_OVERFLOW, "inflows beyond the doubles", 0, 0);
	}
}
