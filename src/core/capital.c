/*
 * capital.c
 *     Basel credit capital and portfolio credit risk: see capital.h.  Pure
 *     C, no PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* The maturity adjustment applies to these classes (corporate, sovereign, bank). */
static int
irb_wholesale(rk_irb_class c)
{
	return c == RK_IRB_CORPORATE || c == RK_IRB_SOVEREIGN || c == RK_IRB_BANK;
}

void
rk_irb_params_init(rk_irb_params *p, rk_irb_regime regime)
{
	int			i;

	p->regime = regime;
	p->elbe = NAN;
	if (regime == RK_IRB_BASEL2)
	{
		for (i = 0; i < RK_IRB_NCLASSES; i++)
			p->pd_floor[i] = 0.0003;
		p->pd_floor[RK_IRB_SOVEREIGN] = 0.0;
		p->scaling = 1.06;
	}
	else
	{
		for (i = 0; i < RK_IRB_NCLASSES; i++)
			p->pd_floor[i] = 0.0005;
		p->pd_floor[RK_IRB_SOVEREIGN] = 0.0;
		p->pd_floor[RK_IRB_QRRE] = 0.0010;
		p->scaling = 1.0;
	}
}

/* Weight of the low-PD correlation: (1 - e^{-a pd}) / (1 - e^{-a}). */
static double
irb_weight(double a, double pd)
{
	return expm1(-a * pd) / expm1(-a);
}

double
rk_irb_correlation(rk_irb_class c, double pd, double sales)
{
	double		k;
	double		r;

	switch (c)
	{
		case RK_IRB_MORTGAGE:
			return 0.15;
		case RK_IRB_QRRE:
		case RK_IRB_QRRE_TRANSACTOR:
			return 0.04;
		case RK_IRB_OTHER_RETAIL:
			k = irb_weight(35.0, pd);
			return 0.03 * k + 0.16 * (1.0 - k);
		default:
			k = irb_weight(50.0, pd);
			r = 0.12 * k + 0.24 * (1.0 - k);
			if (c == RK_IRB_CORPORATE && !isnan(sales))
			{
				double		s = sales < 5.0 ? 5.0 : (sales > 50.0 ? 50.0 : sales);

				r -= 0.04 * (1.0 - (s - 5.0) / 45.0);
			}
			return r;
	}
}

double
rk_irb_maturity_adjustment(double pd, double m)
{
	double		b = 0.11852 - 0.05478 * log(pd);
	double		den;

	b *= b;
	den = 1.0 - 1.5 * b;
	if (!(den > 0.0))
		return NAN;
	return (1.0 + (m - 2.5) * b) / den;
}

rk_status
rk_irb_capital(const rk_irb_params *p, rk_irb_class c, double pd, double lgd,
			   double ead, double maturity, double sales, rk_irb_result *out)
{
	double		r,
				ma = 1.0,
				k,
				el;

	if ((int) c < 0 || c >= RK_IRB_NCLASSES)
		return RK_BADARG;
	if (!(pd >= 0.0 && pd <= 1.0) || !(lgd >= 0.0 && lgd <= 1.0) ||
		!(ead >= 0.0 && isfinite(ead)) || !(maturity >= 1.0 && maturity <= 5.0))
		return RK_BADARG;
	if (!isnan(sales) && (!(sales >= 0.0 && isfinite(sales)) || c != RK_IRB_CORPORATE))
		return RK_BADARG;
	if (!isnan(p->elbe) && !(p->elbe >= 0.0 && p->elbe <= 1.0))
		return RK_BADARG;
	if (!(p->scaling > 0.0 && isfinite(p->scaling)))
		return RK_BADARG;
	if (pd < p->pd_floor[c])
		pd = p->pd_floor[c];
	r = rk_irb_correlation(c, pd, sales);
	if (pd == 1.0)
	{
		double		elbe = isnan(p->elbe) ? lgd : p->elbe;

		k = lgd - elbe > 0.0 ? lgd - elbe : 0.0;
		el = elbe * ead;
	}
	else
	{
		if (irb_wholesale(c))
		{
			ma = rk_irb_maturity_adjustment(pd, maturity);
			if (isnan(ma))
				return RK_NUMERIC;
		}
		if (pd == 0.0)
			k = 0.0;
		else
		{
			static double g999 = 0.0;	/* G(0.999), computed once */
			double		z;

			if (g999 == 0.0)
				g999 = rk_qnorm(0.999);
			z = (rk_qnorm(pd) + sqrt(r) * g999) / sqrt(1.0 - r);

			k = (lgd * gsl_cdf_ugaussian_P(z) - pd * lgd) * ma;
		}
		el = pd * lgd * ead;
	}
	out->pd = pd;
	out->correlation = r;
	out->maturity_adjustment = ma;
	out->k = k;
	out->risk_weight = 12.5 * k * p->scaling;
	out->rwa = out->risk_weight * ead;
	out->expected_loss = el;
	out->capital = 0.08 * out->rwa;
	return RK_OK;
}

/* ---- concentration ---------------------------------------------------- */

rk_status
rk_hhi(double s, double q, double *out)
{
	if (!(s > 0.0))
		return RK_EMPTY;
	*out = q / (s * s);
	if (!isfinite(*out))
		return RK_OVERFLOW;
	return RK_OK;
}

/*
 * Written with K and R divided by the LGD (both are proportional to it),
 * t = L [delta C (kappa + pd) + delta gamma (1 - L) (kappa + pd)^2
 *        - kappa (C + 2 gamma (1 - L) (kappa + pd))],  kappa = K / L,
 * C = L + gamma (1 - L): no L^2 that underflows for a tiny LGD.
 */
double
rk_ga_term(double k, double pd, double lgd, double delta, double gamma)
{
	double		kappa,
				kp,
				c,
				g;

	if (lgd == 0.0)
		return 0.0;
	kappa = k / lgd;
	kp = kappa + pd;
	g = gamma * (1.0 - lgd);
	c = lgd + g;
	return lgd * (delta * c * kp + delta * g * kp * kp - kappa * (c + 2.0 * g * kp));
}

rk_status
rk_ga_final(double sum_ead, double sum_ead_k, double sum_ead2_t, double *out)
{
	if (!(sum_ead > 0.0) || !(sum_ead_k > 0.0))
		return RK_EMPTY;
	*out = sum_ead2_t / (2.0 * sum_ead * sum_ead_k);
	if (!isfinite(*out))
		return RK_OVERFLOW;
	return RK_OK;
}

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */
