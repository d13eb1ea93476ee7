/*
 * fuzz_explain_shapley.c
 *     libFuzzer harness of the Shapley values of explain.c: rk_shap_prepare
 *     and rk_shap_values on small networks, backgrounds and applicants
 *     decoded from the input, and rk_shap_linear.
 *
 * The shape: 0 to 2 hidden layers of 1..5 units, 1..6 features (sometimes
 * 15: beyond the enumeration), an activation, standardization or none
 * (a scale sometimes 0).  Weights, background (1..20 rows, sometimes 0)
 * and applicant from the shared value reader (any double: NaN, Inf and
 * huge values included); the scale sometimes out of range.
 *
 * Invariants: a valid status; rk_shap_prepare's BADARG exactly when the
 * decoder made the model or background bad or a background value does not
 * standardize to a finite one, rk_shap_values' exactly when x or the
 * scale is bad or x does not standardize; when OK with values
 * of moderate size (at most 1e3): the values equal the definition
 * (every coalition from a plain forward pass of the mixed rows, factorial
 * weights) within 1e-9 of the largest output, add up to prediction - base,
 * the probability scale's base and prediction in [0, 1], and a second
 * call gives the same bits.  The linear closed form adds up likewise.
 */
#include "core/explain.h"
#include "fuzz_common.h"

#define MAXD 6
#define MAXB 20

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The output before the logistic function, plain loops. */
static double
plain_out(const rk_mlp *m, const double *x)
{
	double		in[16],
				out[16];
	int64_t		wo = 0,
				bo,
				nw;

	rk_mlp_nparams(m->nlayers, m->sizes, &nw);
	bo = nw;
	for (int j = 0; j < m->sizes[0]; j++)
		in[j] = m->mean ? (x[j] - m->mean[j]) / m->scale[j] : x[j];
	for (int l = 0; l < m->nlayers; l++)
	{
		int			fi = m->sizes[l],
					fo = m->sizes[l + 1];

		for (int j = 0; j < fo; j++)
		{
			double		t = m->theta[bo + j];

			for (int i = 0; i < fi; i++)
				t += in[i] * m->theta[wo + (int64_t) i * fo + j];
			out[j] = l + 1 == m->nlayers ? t
				: m->act == RK_MLP_RELU ? (t > 0 ? t : 0)
				: m->act == RK_MLP_TANH ? tanh(t) : 1 / (1 + exp(-t));
		}
		wo += (int64_t) fi * fo;
		bo += fo;
		memcpy(in, out, sizeof(double) * fo);
	}
	return in[0];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader	r;
	uint8_t		flags;
	int			sizes[4],
				nh,
				d,
				nb,
				bad_model = 0,
				bad_x = 0,
				huge = 0,
				huge_x = 0,
				moderate = 1;
	double		theta[256],
				mean[MAXD],
				scale[MAXD],
				bg[MAXB * MAXD],
				x[MAXD],
				vals[512],
				phi[16],
				phi2[16],
				want[16],
				row[16],
				v[1 << MAXD],
				base,
				pred,
				base2,
				pred2,
				big = 1,
				sum = 0,
				fact[8];
	int64_t		np;
	size_t		got,
				k = 0;
	rk_mlp		m;
	rk_shap    *s = NULL;
	rk_shap_scale sc;
	rk_status	rc;

	fz_init(&r, data, size);
	flags = fz_u8(&r);
	nh = (int) fz_range(&r, 0, 2);
	d = (int) fz_range(&r, 1, MAXD);
	sizes[0] = d;
	for (int l = 1; l <= nh; l++)
		sizes[l] = (int) fz_range(&r, 1, 5);
	sizes[nh + 1] = 1;
	m.nlayers = nh + 1;
	m.sizes = sizes;
	m.act = (rk_mlp_act) ((flags >> 1) % 3);
	m.mean = (flags & 1) ? mean : NULL;
	m.scale = (flags & 1) ? scale : NULL;
	m.theta = theta;
	nb = (int) fz_range(&r, 0, MAXB);
	sc = (rk_shap_scale) ((flags >> 3) & 1);
	if ((flags & 0xF0) == 0xF0)
		sc = (rk_shap_scale) 5;
	np = rk_mlp_nparams(m.nlayers, sizes, NULL);
	got = fz_values(&r, vals, 512);
	/* values in turn: weights, standardization, background, applicant */
#define NEXT(i) (k < got ? vals[k++] : (double) ((i) % 7) / 3 - 1)
	for (int64_t i = 0; i < np; i++)
		theta[i] = NEXT(i);
	for (int j = 0; j < d; j++)
	{
		mean[j] = NEXT(j);
		scale[j] = fabs(NEXT(j + 1));
	}
	for (int i = 0; i < nb * d; i++)
		bg[i] = NEXT(i);
	for (int j = 0; j < d; j++)
		x[j] = NEXT(j + 2);
#undef NEXT
	for (int64_t i = 0; i < np; i++)
		bad_model |= !isfinite(theta[i]);
	if (m.mean)
		for (int j = 0; j < d; j++)
			bad_model |= !isfinite(mean[j]) || !(scale[j] > 0) || !isfinite(scale[j]);
	for (int i = 0; i < nb * d; i++)
		bad_model |= !isfinite(bg[i]);
	bad_model |= nb < 1;
	for (int j = 0; j < d; j++)
		bad_x |= !isfinite(x[j]);
	bad_x |= sc != RK_SHAP_PROBABILITY && sc != RK_SHAP_LOG_ODDS;
	for (int64_t i = 0; i < np; i++)
		moderate &= fabs(theta[i]) <= 1e3;
	for (int j = 0; j < d; j++)
	{
		moderate &= fabs(x[j]) <= 1e3 && (!m.mean || (fabs(mean[j]) <= 1e3 && scale[j] >= 1e-3 && scale[j] <= 1e3));
		/* standardized beyond the doubles */
		if (m.mean && !bad_model && !bad_x)
			huge_x |= !isfinite((x[j] - mean[j]) / scale[j]);
	}
	for (int i = 0; i < nb * d; i++)
	{
		moderate &= fabs(bg[i]) <= 1e3;
		if (m.mean && !bad_model)
			huge |= !isfinite((bg[i] - mean[i % d]) / scale[i % d]);
	}

	/* the enumeration's limit */
	if (flags == 0x5A)
	{
		int			s15[2] = {15, 1};
		rk_mlp		m15 = {1, s15, RK_MLP_RELU, NULL, NULL, theta};
		double		bg15[15] = {0};

		for (int i = 0; i < 16; i++)
			theta[i] = 1;
		FZ_CHECK(rk_shap_prepare(&m15, bg15, 1, &s) == RK_BADARG && s == NULL, "15 features");
		return 0;
	}

	rc = rk_shap_prepare(&m, bg, nb, &s);
	FZ_CHECK(rc == RK_OK || rc == RK_BADARG, "prepare status %d", (int) rc);
	FZ_CHECK((rc == RK_BADARG) == (bad_model || huge),
			 "prepare: status %d, bad %d", (int) rc, bad_model);
	if (rc != RK_OK)
	{
		FZ_CHECK(s == NULL, "nothing held after a refusal");
		return 0;
	}
	rc = rk_shap_values(s, x, sc, phi, &base, &pred);
	FZ_CHECK(fz_status_valid(rc) || rc == RK_OVERFLOW, "values status %d", (int) rc);
	FZ_CHECK((rc == RK_BADARG) == (bad_x || huge_x),
			 "values: status %d, bad x %d", (int) rc, bad_x);
	if (rc == RK_OK)
	{
		FZ_CHECK(isfinite(base) && isfinite(pred), "base %g, prediction %g", base, pred);
		if (sc == RK_SHAP_PROBABILITY)
			FZ_CHECK(base >= 0 && base <= 1 && pred >= 0 && pred <= 1,
					 "base %g, prediction %g", base, pred);
		FZ_CHECK(rk_shap_values(s, x, sc, phi2, &base2, &pred2) == RK_OK
				 && memcmp(phi, phi2, sizeof(double) * d) == 0 && base == base2 && pred == pred2,
				 "a second call: the same bits");
	}
	if (rc == RK_OK && moderate)
	{
		fact[0] = 1;
		for (int i = 1; i < 8; i++)
			fact[i] = fact[i - 1] * i;
		for (int g = 0; g < (1 << d); g++)
		{
			double		a = 0;

			for (int b = 0; b < nb; b++)
			{
				double		o;

				for (int j = 0; j < d; j++)
					row[j] = (g >> j) & 1 ? x[j] : bg[b * d + j];
				o = plain_out(&m, row);
				a += sc == RK_SHAP_PROBABILITY ? 1 / (1 + exp(-o)) : o;
				big = fmax(big, fabs(o));
			}
			v[g] = a / nb;
		}
		for (int j = 0; j < d; j++)
		{
			want[j] = 0;
			for (int g = 0; g < (1 << d); g++)
				if (!((g >> j) & 1))
				{
					int			c = __builtin_popcount(g);

					want[j] += fact[c] * fact[d - c - 1] / fact[d] * (v[g | (1 << j)] - v[g]);
				}
			FZ_CHECK(fabs(phi[j] - want[j]) <= 1e-9 * big, "phi[%d] %.17g, by definition %.17g", j,
					 phi[j], want[j]);
			sum += phi[j];
		}
		FZ_CHECK(fabs(sum - (pred - base)) <= 1e-9 * big, "sum %.17g, prediction - base %.17g",
				 sum, pred - base);
		/* the linear closed form on the log-odds scale, a network without hidden layer */
		if (nh == 0 && !m.mean)
		{
			double		mu[MAXD],
						lphi[MAXD],
						lb,
						lp,
						ls = 0;

			FZ_CHECK(rk_shap_column_means(bg, nb, d, mu) == RK_OK, "means");
			FZ_CHECK(rk_shap_linear(theta, theta[d], d, x, mu, lphi, &lb, &lp) == RK_OK, "linear");
			for (int j = 0; j < d; j++)
				ls += lphi[j];
			FZ_CHECK(fabs(ls - (lp - lb)) <= 1e-9 * big, "linear: sum %.17g, %.17g", ls, lp - lb);
		}
	}
	rk_shap_free(s);
	return 0;
}
