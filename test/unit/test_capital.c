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

/* ---- liquidity -------------------------------------------------------- */
