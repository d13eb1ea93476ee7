/*
 * fuzz_profile_priips.c
 *     libFuzzer harness of the PRIIPs part of profile.c: rk_priips_measure
 *     on prices decoded from the input, rk_priips_mrm and rk_priips_sri on
 *     any value, the frequencies' periods and minimum histories.
 *
 * The prices: up to 3000, either the decoded values themselves (any
 * double; the positive finite ones kept, as the SQL face refuses the
 * others: 1e-300 next to 1e300, denormals, ties) or a path 100 exp(sum of
 * the decoded values as log returns) as long as it stays positive and
 * finite.  The periods a year: 256, 52, 12, or 0..1000 from a byte.  The
 * holding period: a common one, a tiny or huge one, or any double.
 *
 * Invariants: BADARG exactly for periods < 1 or a holding period not
 * positive and finite; otherwise TOO_FEW exactly below 3 prices;
 * DEGENERATE exactly when every return is the same (NaN skewness and
 * kurtosis, VaR 0, its VEV and class); UNDERFLOW only for a volatility
 * below 1e-100; OVERFLOW only when the VaR or the VEV is not finite; on
 * OK: M0 = n - 1, the mean within the returns' range, a finite positive
 * volatility, the skewness and kurtosis within their sample bounds
 * (|mu1| <= sqrt(M0), 1 <= mu2 + 3 <= M0, and Pearson's 1 + mu1^2 <=
 * mu2 + 3 where the mean's rounding is small beside sigma), the VaR, VEV and
 * class exactly those of rk_priips_var, rk_priips_vev and rk_priips_mrm of
 * the returned moments (VEV NaN and class 0 only for a VaR above 1.921),
 * moments within rounding of a long double two-pass computation of the
 * same returns, and a second run giving the same bits.  The class of any
 * double is 0 for NaN, else 1..7 and non-decreasing; the SRI 1..7 in
 * range (at least the MRM), 0 outside.
 */
#include "core/profile.h"
#include "fuzz_common.h"

#define MAXPRICES 3000

/* the return the core computes from prices i - 1 and i */
static double
ret(const double *p, int64_t i)
{
	double		q = p[i] / p[i - 1];

	return isnormal(q) ? log(q) : log(p[i]) - log(p[i - 1]);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double rhps[8] = {1, 3, 5, 0.5, 1.0 / 256, 10, 1e-300, 1e308};
	static double vals[MAXPRICES],
				p[MAXPRICES];
	fz_reader	r;
	uint8_t		flags,
				b;
	int			ppy,
				bad;
	double		rhp,
				v;
	int64_t		n = 0;
	size_t		got;
	rk_priips	m,
				m2;
	rk_status	rc;

	fz_init(&r, data, size);
	flags = fz_u8(&r);

	/* the class and the SRI of any value */
	v = fz_raw(&r);
	{
		int			c = rk_priips_mrm(v),
					c2 = rk_priips_mrm(nextafter(v, INFINITY)),
					mrm = (int) (int8_t) fz_u8(&r),
					crm = (int) (int8_t) fz_u8(&r),
					s = rk_priips_sri(mrm, crm);

		FZ_CHECK(isnan(v) ? c == 0 : c >= 1 && c <= 7, "mrm(%.17g) = %d", v, c);
		FZ_CHECK(isnan(v) || c2 >= c, "mrm not monotone at %.17g: %d then %d", v, c, c2);
		if (mrm >= 1 && mrm <= 7 && crm >= 1 && crm <= 6)
			FZ_CHECK(s >= mrm && s <= 7, "sri(%d, %d) = %d", mrm, crm, s);
		else
			FZ_CHECK(s == 0, "sri(%d, %d) = %d out of range", mrm, crm, s);
		FZ_CHECK(rk_priips_periods((rk_priips_freq) (mrm & 7)) == ((mrm & 7) == 0 ? 256 : (mrm & 7) == 1 ? 52 : (mrm & 7) == 2 ? 12 : 0)
				 && (rk_priips_min_prices((rk_priips_freq) (mrm & 7)) == 0) == ((mrm & 7) > 2),
				 "frequency %d", mrm & 7);
	}

	/* periods a year and holding period */
	b = fz_u8(&r);
	ppy = b < 0xC0 ? (b % 3 == 0 ? 256 : b % 3 == 1 ? 52 : 12) : (int) fz_range(&r, 0, 1000);
	b = fz_u8(&r);
	rhp = b < 0xE0 ? rhps[b % 8] : b < 0xF0 ? (double) fz_u16(&r) / 64.0 : fz_raw(&r);
	bad = ppy < 1 || !(rhp > 0) || !isfinite(rhp);

	/* the prices */
	got = fz_values(&r, vals, MAXPRICES);
	if (flags & 1)
	{
		double		lp = log(100.0);

		p[n++] = 100.0;
		for (size_t i = 0; i < got && n < MAXPRICES; i++)
		{
			double		x;

			if (!isfinite(vals[i]))
				continue;
			x = exp(lp + vals[i]);
			if (!(x > 0) || !isfinite(x))
				continue;
			lp += vals[i];
			p[n++] = x;
		}
	}
	else
	{
		memcpy(p, vals, sizeof(double) * got);
		n = (int64_t) fz_keep_positive(p, got);
	}
	if (flags & 2)
		n = n < 3 ? n : 3 + (n - 3) % 10;	/* often the shortest series */

	rc = rk_priips_measure(p, n, ppy, rhp, &m);
	FZ_CHECK(fz_status_valid(rc) || rc == RK_OVERFLOW || rc == RK_UNDERFLOW, "status %d", (int) rc);
	if (bad)
	{
		FZ_CHECK(rc == RK_BADARG, "ppy %d, rhp %.17g: status %d, not BADARG", ppy, rhp, (int) rc);
		return 0;
	}
	FZ_CHECK(rc != RK_BADARG, "BADARG for ppy %d, rhp %.17g", ppy, rhp);
	FZ_CHECK((rc == RK_TOO_FEW) == (n < 3), "%lld prices: status %d", (long long) n, (int) rc);
	if (rc == RK_TOO_FEW)
		return 0;

	{
		int			same = 1;
		double		r0 = ret(p, 1),
					rmin = r0,
					rmax = r0;
		long double s = 0,
					mean,
					s2 = 0,
					s3 = 0,
					s4 = 0,
					sd;
		int64_t		m0 = n - 1;

		for (int64_t i = 1; i < n; i++)
		{
			double		x = ret(p, i);

			same &= x == r0;
			rmin = x < rmin ? x : rmin;
			rmax = x > rmax ? x : rmax;
			s += x;
		}
		FZ_CHECK((rc == RK_DEGENERATE) == same, "constant returns %d, status %d", same, (int) rc);
		FZ_CHECK(m.returns == m0, "M0 %lld for %lld prices", (long long) m.returns, (long long) n);
		if (rc == RK_DEGENERATE)
		{
			FZ_CHECK(m.mean == r0 && m.volatility == 0 && isnan(m.skewness) && isnan(m.excess_kurtosis)
					 && m.var_return_space == 0, "degenerate: mean %.17g of %.17g, sigma %.17g",
					 m.mean, r0, m.volatility);
			FZ_CHECK(m.vev == rk_priips_vev(0, rhp) && m.mrm == rk_priips_mrm(m.vev),
					 "degenerate: VEV %.17g", m.vev);
			return 0;
		}
		if (rc == RK_UNDERFLOW)
		{
			FZ_CHECK(m.volatility < 1e-100, "UNDERFLOW with sigma %.17g", m.volatility);
			return 0;
		}
		FZ_CHECK(m.mean >= rmin && m.mean <= rmax, "mean %.17g outside [%.17g, %.17g]", m.mean, rmin, rmax);
		FZ_CHECK(m.volatility > 0 && isfinite(m.volatility), "sigma %.17g", m.volatility);
		FZ_CHECK(isfinite(m.skewness) && isfinite(m.excess_kurtosis), "skew %.17g, kurtosis %.17g",
				 m.skewness, m.excess_kurtosis);
		FZ_CHECK(fabs(m.skewness) <= sqrt((double) m0) * (1 + 1e-9), "skew %.17g, M0 %lld",
				 m.skewness, (long long) m0);
		/* any data: |sum d^3| <= (sum d^2)^1.5, (sum d^2)^2 / M0 <= sum d^4 <= (sum d^2)^2 */
		FZ_CHECK(m.excess_kurtosis + 3 >= 1 - 1e-9 && m.excess_kurtosis + 3 <= m0 * (1 + 1e-9),
				 "kurtosis %.17g, M0 %lld", m.excess_kurtosis, (long long) m0);

		/* the VaR, the VEV and the class from the returned moments */
		{
			double		var = rk_priips_var(m.volatility, m.skewness, m.excess_kurtosis, (double) ppy * rhp),
						vev = isfinite(var) ? rk_priips_vev(var, rhp) : NAN;

			if (rc == RK_OVERFLOW)
			{
				FZ_CHECK(!isfinite(var) || isinf(vev), "OVERFLOW with VaR %.17g, VEV %.17g", var, vev);
				return 0;
			}
			FZ_CHECK(rc == RK_OK, "status %d", (int) rc);
			FZ_CHECK(m.var_return_space == var, "VaR %.17g, expected %.17g", m.var_return_space, var);
			FZ_CHECK(isnan(vev) ? isnan(m.vev) && m.mrm == 0 && var > 1.921
					 : m.vev == vev && m.mrm == rk_priips_mrm(vev),
					 "VEV %.17g (expected %.17g), class %d, VaR %.17g", m.vev, vev, m.mrm, var);
		}

		/* moments against long double two passes over the same returns */
		mean = s / m0;
		for (int64_t i = 1; i < n; i++)
		{
			long double d = ret(p, i) - mean;

			s2 += d * d;
			s3 += d * d * d;
			s4 += d * d * d * d;
		}
		s2 /= m0;
		s3 /= m0;
		s4 /= m0;
		sd = sqrtl(s2);
		{
			/* a shift e of the mean moves the moments by about e / sigma */
			double		shift = (fabsl(mean) + fmax(fabs(rmin), fabs(rmax))) * 4e-16 / (double) sd,
						skew = (double) (s3 / (s2 * sd)),
						kurt = (double) (s4 / (s2 * s2)) - 3;

			FZ_CHECK(fabs(m.mean - (double) mean) <= 1e-12 * (fabsl(mean) + sd) + 4e-16 * fmax(fabs(rmin), fabs(rmax)),
					 "mean %.17g, long double %.17Lg", m.mean, mean);
			if (shift < 1e-6)
			{
				/* centred data: Pearson's 1 + mu1^2 <= mu2 + 3 */
				FZ_CHECK(m.excess_kurtosis + 3 >= (1 + m.skewness * m.skewness) * (1 - 1e-9) - 8 * shift,
						 "kurtosis %.17g, skew %.17g", m.excess_kurtosis, m.skewness);
				FZ_CHECK(fabs(m.volatility / (double) sd - 1) <= 1e-12 + shift * shift,
						 "sigma %.17g, long double %.17Lg", m.volatility, sd);
				FZ_CHECK(fabs(m.skewness - skew) <= 1e-9 * (1 + fabs(skew)) + 8 * shift * (1 + kurt + 3),
						 "skew %.17g, long double %.17g (shift %g)", m.skewness, skew, shift);
				FZ_CHECK(fabs(m.excess_kurtosis - kurt) <= 1e-9 * (4 + fabs(kurt)) + 16 * shift * (1 + fabs(skew)) * (4 + kurt),
						 "kurtosis %.17g, long double %.17g (shift %g)", m.excess_kurtosis, kurt, shift);
			}
		}
	}

	/* the same input, the same bits */
	rk_priips_measure(p, n, ppy, rhp, &m2);
	FZ_CHECK(memcmp(&m, &m2, sizeof(m)) == 0, "a second run differs");
	return 0;
}
