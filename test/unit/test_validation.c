/*
 * test_validation.c
 *     Credit score and PD validation (validation.c).
 */
#include "core/validation.h"
#include "unit.h"

UNIT_TEST(test_validation)
{
	/* bads 0.9, 0.5; goods 0.1, 0.5, 0.2: pairs won 2 + 1.5 of 6 */
	double		pairs[] = {0.9, 1, 0.1, 0, 0.5, 1, 0.5, 0, 0.2, 0};
	double		auc,
				ks,
				hl,
				pv;
	int64_t		nb,
				ng;
	int			df;

	check(rk_auc_ks(pairs, 5, &auc, &ks, &nb, &ng) == RK_OK && nb == 2 && ng == 3,
		  "auc status", 0, 0);
	check_close(auc, 5.5 / 6.0, 1e-15, "auc with a tie");
	/* cdfs: at 0.2 goods 2/3, bads 0 -> 2/3 */
	check_close(ks, 2.0 / 3.0, 1e-15, "ks");
	pairs[1] = pairs[5] = 0;
	check(rk_auc_ks(pairs, 5, &auc, &ks, &nb, &ng) == RK_DEGENERATE, "auc all good", 0, 0);
	check_close(rk_jeffreys_test(1000, 12, 0.01), 0.25238122615134778, 1e-12, "jeffreys");
	check_close(rk_binomial_test(10, 10, 0.5), 0.0009765625, 1e-14, "binomial all defaults");
	check(rk_binomial_test(250, 0, 0.004) == 1.0, "binomial no defaults", 0, 0);
	{
		double		pd[40];
		int			i;

		for (i = 0; i < 20; i++)
		{
			pd[2 * i] = 0.05 * (i % 10 + 1) / 2;
			pd[2 * i + 1] = (i % 4 == 0);
		}
		check(rk_hosmer_lemeshow(pd, 20, 4, &hl, &df, &pv) == RK_OK && df == 2 && hl >= 0 &&
			  pv > 0 && pv <= 1, "hosmer-lemeshow", hl, pv);
		check(rk_hosmer_lemeshow(pd, 20, 2, &hl, &df, &pv) == RK_TOO_FEW, "hl needs 3 groups", 0, 0);
	}
}
