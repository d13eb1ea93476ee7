/*
 * profile.c
 *     Personalized risk: see profile.h.  Pure C, no PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

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

/*
 * The bootstrap's draws: those of gsl_rng_uniform_int(r, n) on GSL's
 * gsl_rng_mt19937 seeded by gsl_rng_set(r, seed), generated here without
 * a call per draw.  GSL's generator branches on a random bit for each
 * word it makes (half of them mispredicted), and gsl_rng_uniform_int
 * divides by the scale (range / n) in 64 bits for each: the default
 * bootstrap (2.52 million draws) took 39 ms of CPU that way, and takes
 * 12.6 ms with the same words made by the branch-free recurrence below, a
 * block at a time, and the division done as a multiplication by the
 * scale's reciprocal (exact for 32-bit numerators: Lemire, Kaser and
 * Kurz, "Faster remainder by direct computation", 2019).  The unit tests
 * and the fuzz harness compare every draw with GSL's.
 */
#define PF_MT_N 624
#define PF_MT_M 397

typedef struct portfolio_mt
{
	uint32_t	mt[PF_MT_N];
	uint32_t	n;				/* draws lie in [0, n) */
	uint32_t	scale;			/* gsl_rng_uniform_int's: 0xffffffff / n */
	uint64_t	recip;			/* ceil(2^64 / scale), scale > 1 */
} portfolio_mt;

/* gsl_rng_set's seeding of MT19937 (Knuth's multiplier; seed 0 is 4357). */
static void
portfolio_mt_seed(portfolio_mt *s, unsigned long seed, uint32_t n)
{
	int			i;

	if (seed == 0)
		seed = 4357;
	s->mt[0] = (uint32_t) (seed & 0xffffffffUL);
	for (i = 1; i < PF_MT_N; i++)
		s->mt[i] = 1812433253U * (s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) + (uint32_t) i;
	s->n = n;
	s->scale = 0xffffffffU / n;
	s->recip = s->scale > 1 ? UINT64_MAX / s->scale + 1 : 0;
}

/* The next PF_MT_N words of the recurrence. */
static void
portfolio_mt_fill(portfolio_mt *s)
{
	static const uint32_t mag[2] = {0, 0x9908b0dfU};
	uint32_t   *mt = s->mt;
	uint32_t	y;
	int			k;

	for (k = 0; k < PF_MT_N - PF_MT_M; k++)
	{
		y = (mt[k] & 0x80000000U) | (mt[k + 1] & 0x7fffffffU);
		mt[k] = mt[k + PF_MT_M] ^ (y >> 1) ^ mag[y & 1];
	}
	for (; k < PF_MT_N - 1; k++)
	{
		y = (mt[k] & 0x80000000U) | (mt[k + 1] & 0x7fffffffU);
		mt[k] = mt[k + (PF_MT_M - PF_MT_N)] ^ (y >> 1) ^ mag[y & 1];
	}
	y = (mt[PF_MT_N - 1] & 0x80000000U) | (mt[0] & 0x7fffffffU);
	mt[PF_MT_N - 1] = mt[PF_MT_M - 1] ^ (y >> 1) ^ mag[y & 1];
}

/*
 * gsl_rng_uniform_int(r, n) for the next PF_MT_N words: each word divided
 * by the scale, the quotients below n into k[], in order (the others are
 * the draws gsl_rng_uniform_int rejects).  Returns how many: about
 * PF_MT_N, at least half of it.
 */
static int
portfolio_mt_draws(portfolio_mt *s, uint32_t *k)
{
	int			i,
				m = 0;

	portfolio_mt_fill(s);
	for (i = 0; i < PF_MT_N; i++)
	{
		uint32_t	y = s->mt[i],
					q;

		y ^= y >> 11;
		y ^= (y << 7) & 0x9d2c5680U;
		y ^= (y << 15) & 0xefc60000U;
		y ^= y >> 18;
#ifdef __SIZEOF_INT128__
		q = s->scale > 1 ? (uint32_t) (((unsigned __int128) s->recip * y) >> 64) : y;
#else
		q = y / s->scale;
#endif
		k[m] = q;
		m += q < s->n;
	}
	return m;
}

rk_status
rk_portfolio_draws(unsigned long seed, uint32_t n, int64_t count, uint32_t *out)
{
	portfolio_mt *s;
	uint32_t	k[PF_MT_N];
	int64_t		i = 0;

	if (n < 1)
		return RK_BADARG;
	s = malloc(sizeof(portfolio_mt));
	if (s == NULL)
		return RK_NOSPACE;
	portfolio_mt_seed(s, seed, n);
	while (i < count)
	{
		int			m = portfolio_mt_draws(s, k);

		for (int j = 0; j < m && i < count; j++)
			out[i++] = k[j];
	}
	free(s);
	return RK_OK;
}

rk_status
rk_portfolio_bootstrap(const double *x, int64_t days, double value,
					   const rk_portfolio_boot *b, rk_portfolio_boot_result *out)
{
	portfolio_mt *mt;
	uint32_t	k[PF_MT_N];
	double	   *growth,
			   *paths;
	int64_t		p,
				above = 0,
				since = 0;
	int			have = 0,
				used = 0;
	rk_status	rc;

	out->var = out->es = out->p_loss = out->p_loss_se = NAN;
	if (days <= 0)
		return RK_EMPTY;
	if (!(value > 0 && isfinite(value)) || b->horizon < 1 || b->n_paths < 1
		|| !(b->alpha > 0 && b->alpha < 1) || days > (int64_t) 0xffffffffU)
		return RK_BADARG;
	growth = malloc(sizeof(double) * (size_t) days);
	paths = malloc(sizeof(double) * (size_t) b->n_paths);
	mt = malloc(sizeof(portfolio_mt));
	if (growth == NULL || paths == NULL || mt == NULL)
	{
		rc = RK_NOSPACE;
		goto done;
	}
	portfolio_mt_seed(mt, b->seed, (uint32_t) days);
	for (p = 0; p < days; p++)
		growth[p] = 1.0 + x[p] / value;
	for (p = 0; p < b->n_paths; p++)
	{
		double		prod = 1.0;
		int			left = b->horizon;

		/* the path's product, in the order of the draws */
		while (left > 0)
		{
			int			m;

			if (used == have)
			{
				if ((since += PF_MT_N) >= 65536)
				{
					since = 0;
					if (rk_should_stop())
					{
						rc = RK_CANCELLED;
						goto done;
					}
				}
				have = portfolio_mt_draws(mt, k);
				used = 0;
			}
			m = have - used < left ? have - used : left;
			for (int j = 0; j < m; j++)
				prod *= growth[k[used + j]];
			used += m;
			left -= m;
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
	free(mt);
	free(growth);
	free(paths);
	return rc;
}

/* ---- risk profile ----------------------------------------------------- */
