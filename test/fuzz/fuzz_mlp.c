/*
 * fuzz_mlp.c
 *     libFuzzer harness of mlp.c: rk_mlp_fit (L-BFGS and Adam, a
 *     validation split, weights, a start), rk_mlp_predict and
 *     rk_mlp_loss_grad on small networks and data decoded from the input.
 *
 * The shape: 1 or 2 hidden layers of 1..5 units (sometimes a bad size),
 * 1..4 features, an activation (sometimes out of range).  The rows:
 * 1..40, features from the shared value reader (any double: NaN, Inf and
 * huge values included), y from a byte (sometimes 2), weights (sometimes
 * 0 or negative).  The options: a solver, alpha (sometimes negative),
 * 1..12 epochs, a batch size, a learning rate from 1e-4 to 1e9, tol,
 * patience (sometimes 0), a validation fraction (sometimes 1), a seed, a
 * start (sometimes non-finite).
 *
 * Invariants: BADARG exactly when the decoder made the input bad, TOO_FEW
 * exactly when the split leaves no row on a side (or possibly when a
 * value is beyond 1e300 and does not standardize to a finite value), DEGENERATE exactly when
 * the training rows have one outcome, NUMERIC only when the loss became
 * non-finite (Adam); when OK: finite parameters, 1 <= kept <= epochs <=
 * max_epochs, every training loss finite, the kept epoch's loss recorded,
 * PDs in [0, 1] from rk_mlp_predict with the returned standardization,
 * and a second run giving the same bits.
 */
#include "core/mlp.h"
#include "fuzz_common.h"

#define MAXROWS 40
#define MAXP 4

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double rates[6] = {1e-4, 1e-3, 1e-2, 0.3, 1e3, 1e9};
	static const double fractions[5] = {0, 0, 0.2, 0.5, 1};
	fz_reader	r;
	int			sizes[4],
				nlayers,
				p,
				n,
				bad = 0,
				nv,
				ones = 0,
				zeros = 0;
	double		x[MAXROWS * MAXP],
				y[MAXROWS],
				w[MAXROWS],
				vals[MAXROWS * MAXP],
				init[64],
				theta[64],
				theta2[64],
				mean[MAXP],
				scale[MAXP],
				tl[12],
				vl[12],
				pd[MAXROWS];
	uint8_t		flags,
				flags2;
	rk_mlp		m;
	rk_mlp_options o;
	rk_mlp_history h = {0, 0, 0, tl, vl};
	rk_status	rc;
	int64_t		np;
	size_t		got;

	fz_init(&r, data, size);
	flags = fz_u8(&r);
	flags2 = fz_u8(&r);
	p = (int) fz_range(&r, 1, MAXP);
	nlayers = 2 + (flags & 1);
	sizes[0] = p;
	sizes[1] = (int) fz_range(&r, 1, 5);
	sizes[2] = nlayers == 3 ? (int) fz_range(&r, 1, 5) : 1;
	sizes[3] = 1;
	if ((flags & 0x0E) == 0x0E)
	{
		sizes[1] = 0;			/* an empty layer */
		bad = 1;
	}
	m.nlayers = nlayers;
	m.sizes = sizes;
	m.act = (rk_mlp_act) ((flags >> 4) % 3);
	m.mean = m.scale = m.theta = NULL;
	if ((flags & 0xC0) == 0xC0 && (flags2 & 3) == 3)
	{
		m.act = (rk_mlp_act) 7;
		bad = 1;
	}
	n = (int) fz_range(&r, 1, MAXROWS);
	memset(&o, 0, sizeof(o));
	o.solver = (rk_mlp_solver) (flags2 >> 7);
	o.alpha = (flags2 & 0x40) ? -1 : ((flags2 >> 2) & 3) * 0.01;
	if (o.alpha < 0)
		bad = 1;
	o.max_epochs = (int) fz_range(&r, 1, 12);
	o.batch_size = (int) fz_range(&r, 0, 8);
	o.learning_rate = rates[fz_range(&r, 0, 5)];
	o.beta1 = 0.9;
	o.beta2 = 0.999;
	o.epsilon = 1e-8;
	o.tol = fz_range(&r, 0, 1) ? 1e-4 : 0;
	o.ftol = fz_range(&r, 0, 1) ? 2.220446049250313e-09 : 0;
	o.patience = (int) fz_range(&r, 0, 3);
	if (o.patience < 1)
		bad = 1;
	o.validation_fraction = fractions[fz_range(&r, 0, 4)];
	if (o.validation_fraction >= 1)
		bad = 1;
	o.seed = fz_u8(&r);
	for (int i = 0; i < n; i++)
	{
		uint8_t		b = fz_u8(&r);

		y[i] = b == 255 ? 2 : b & 1;
		w[i] = b == 254 ? 0 : b == 253 ? -1 : 1 + (b % 3);
		bad |= y[i] == 2 || w[i] <= 0;
	}
	got = fz_values(&r, vals, (size_t) n * p);
	for (int i = 0; i < n * p; i++)
	{
		x[i] = (size_t) i < got ? vals[i] : (double) (i % 7) - 3;
		bad |= !isfinite(x[i]);
	}
	np = rk_mlp_nparams(m.nlayers, sizes, NULL);
	o.init = NULL;
	if (np > 0 && fz_range(&r, 0, 3) == 0)
	{
		for (int64_t k = 0; k < np; k++)
			init[k] = ((double) (k % 5) - 2) / 3;
		if (fz_range(&r, 0, 5) == 0)
		{
			init[np - 1] = NAN;
			bad = 1;
		}
		o.init = init;
	}
	rc = rk_mlp_fit(&m, &o, x, y, (flags2 & 0x20) ? w : NULL, n, mean, scale, theta, &h);
	/* weights not passed: a bad weight does not count */
	if (!(flags2 & 0x20))
	{
		int			still = (flags & 0x0E) == 0x0E || ((flags & 0xC0) == 0xC0 && (flags2 & 3) == 3)
			|| o.alpha < 0 || o.patience < 1 || o.validation_fraction >= 1
			|| (o.init && !isfinite(init[np - 1]));

		for (int i = 0; i < n; i++)
			still |= y[i] == 2;
		for (int i = 0; i < n * p; i++)
			still |= !isfinite(x[i]);
		bad = still;
	}
	if (bad)
	{
		FZ_CHECK(rc == RK_BADARG, "a bad input gives BADARG, got %d", (int) rc);
		return 0;
	}
	{
		/* values near the largest doubles: standardizing them may not be finite */
		int			huge = 0;

		for (int i = 0; i < n * p; i++)
			huge |= fabs(x[i]) > 1e300;
		if (huge && rc == RK_BADARG)
			return 0;
	}
	nv = o.validation_fraction > 0 ? (int) ceil(o.validation_fraction * n) : 0;
	if (o.validation_fraction > 0 && (nv < 1 || n - nv < 1))
	{
		FZ_CHECK(rc == RK_TOO_FEW, "a split leaving no row gives TOO_FEW, got %d", (int) rc);
		return 0;
	}
	if (nv == 0)
	{
		for (int i = 0; i < n; i++)
		{
			ones += y[i] == 1;
			zeros += y[i] == 0;
		}
		if (ones == 0 || zeros == 0)
		{
			FZ_CHECK(rc == RK_DEGENERATE, "one outcome gives DEGENERATE, got %d", (int) rc);
			return 0;
		}
	}
	if (rc == RK_DEGENERATE)
		return 0;				/* the training side of the split has one outcome */
	if (rc == RK_NUMERIC)
	{
		FZ_CHECK(o.solver == RK_MLP_ADAM, "NUMERIC only from Adam");
		return 0;
	}
	FZ_CHECK(rc == RK_OK, "status %d on a valid input", (int) rc);
	for (int64_t k = 0; k < np; k++)
		FZ_CHECK(isfinite(theta[k]), "parameter %d is %g", (int) k, theta[k]);
	FZ_CHECK(h.epochs >= 1 && h.epochs <= o.max_epochs && h.kept >= 1 && h.kept <= h.epochs,
			 "epochs %d, kept %d", h.epochs, h.kept);
	for (int e = 0; e < h.epochs; e++)
		FZ_CHECK(isfinite(tl[e]), "training loss of epoch %d is %g", e + 1, tl[e]);
	m.mean = mean;
	m.scale = scale;
	m.theta = theta;
	FZ_CHECK(rk_mlp_predict(&m, x, n, pd) == RK_OK, "predict");
	for (int i = 0; i < n; i++)
		FZ_CHECK(pd[i] >= 0 && pd[i] <= 1, "PD %g", pd[i]);
	m.mean = m.scale = m.theta = NULL;
	FZ_CHECK(rk_mlp_fit(&m, &o, x, y, (flags2 & 0x20) ? w : NULL, n, mean, scale, theta2, &h) == RK_OK
			 && memcmp(theta, theta2, sizeof(double) * np) == 0, "a second run gives the same bits");
	return 0;
}
