/*
 * test_mlp.c
 *     Multilayer perceptrons (mlp.c): the forward pass against a plain
 *     loop, the loss against its definition, the gradient against central
 *     finite differences for each activation (with weights and the
 *     penalty), training by L-BFGS and Adam (deterministic, a stationary
 *     point, early stopping on the validation loss), the BLAS build, and
 *     the refusals.  test_cancel.c stops training at each checkpoint.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mlp.h"
#include "unit.h"

/* OpenBLAS: 0 for its sequential build (no thread of its own) */
extern int	openblas_get_parallel(void);

static double
sig(double t)
{
	return 1 / (1 + exp(-t));
}

/* The forward pass as plain loops over units, for one row of z. */
static double
naive_pd(const rk_mlp *m, const double *z)
{
	double		in[64],
				out[64];
	int64_t		wo = 0,
				bo,
				nw;

	rk_mlp_nparams(m->nlayers, m->sizes, &nw);
	bo = nw;
	memcpy(in, z, sizeof(double) * m->sizes[0]);
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
				: m->act == RK_MLP_TANH ? tanh(t) : sig(t);
		}
		wo += (int64_t) fi * fo;
		bo += fo;
		memcpy(in, out, sizeof(double) * fo);
	}
	return sig(in[0]);
}

/* y from a non-linear PD of x (n x 4). */
static void
make_data(double *x, double *y, double *w, int n)
{
	for (int i = 0; i < n; i++)
	{
		double		a = nrand(),
					b = nrand(),
					c = urand() * 10,
					d = exp(nrand());
		double		f = -2 + 1.5 * a * b + (c > 7 ? 1.2 : 0) - 0.4 * d + 0.8 * a * a;

		x[i * 4] = a;
		x[i * 4 + 1] = b;
		x[i * 4 + 2] = c;
		x[i * 4 + 3] = d;
		y[i] = urand() < sig(f);
		w[i] = i % 3 == 0 ? 2 : i % 3 == 1 ? 0.5 : 1;
	}
}

UNIT_TEST(test_mlp_core)
{
	enum {N = 400};
	int			sizes[4] = {4, 5, 3, 1};
	double		x[N * 4],
				y[N],
				w[N],
				theta[64],
				grad[64],
				loss;
	rk_mlp		m = {3, sizes, RK_MLP_RELU, NULL, NULL, theta};
	int64_t		nw,
				np = rk_mlp_nparams(3, sizes, &nw);

	check(openblas_get_parallel() == 0, "OpenBLAS is the serial build", openblas_get_parallel(), 0);
	check(np == 4 * 5 + 5 * 3 + 3 * 1 + 5 + 3 + 1 && nw == 38, "parameters counted", (double) np, 47);
	make_data(x, y, w, N);

	for (int act = 0; act < 3; act++)
	{
		char		what[120];
		double		worst = 0,
					pd[N],
					s = 0;

		m.act = (rk_mlp_act) act;
		check(rk_mlp_init(3, sizes, m.act, 7 + act, theta) == RK_OK, "init", 0, 0);
		/* forward: BLAS blocks against the plain loop, on raw x without standardization */
		check(rk_mlp_predict(&m, x, N, pd) == RK_OK, "predict", 0, 0);
		for (int i = 0; i < N; i++)
			worst = fmax(worst, fabs(pd[i] - naive_pd(&m, x + i * 4)));
		snprintf(what, sizeof(what), "activation %d: predict = plain loops", act);
		check(worst < 1e-15, what, worst, 0);
		{
			double		work[64],
						w2 = 0;

			for (int i = 0; i < N; i++)
				w2 = fmax(w2, fabs(rk_mlp_predict_row(&m, x + i * 4, work) - pd[i]));
			snprintf(what, sizeof(what), "activation %d: predict_row (dgemv) = predict (dgemm)", act);
			check(w2 < 1e-15 && rk_mlp_work_row(&m) <= 64, what, w2, 0);
		}
		/* the loss against its definition (weights, penalty 0.3) */
		rk_mlp_loss_grad(&m, x, y, w, N, 0.3, &loss, grad);
		{
			double		ws = 0,
						pen = 0;

			for (int i = 0; i < N; i++)
			{
				double		p = naive_pd(&m, x + i * 4);

				s -= w[i] * (y[i] ? log(p) : log(1 - p));
				ws += w[i];
			}
			for (int64_t i = 0; i < nw; i++)
				pen += theta[i] * theta[i];
			snprintf(what, sizeof(what), "activation %d: loss = its definition", act);
			check_close(loss, s / ws + 0.3 / (2 * ws) * pen, 1e-12, what);
		}
		/* gradient against central differences */
		worst = 0;
		for (int64_t k = 0; k < np; k++)
		{
			double		keep = theta[k],
						h = 1e-6,
						lp,
						lm;

			theta[k] = keep + h;
			rk_mlp_loss_grad(&m, x, y, w, N, 0.3, &lp, NULL);
			theta[k] = keep - h;
			rk_mlp_loss_grad(&m, x, y, w, N, 0.3, &lm, NULL);
			theta[k] = keep;
			worst = fmax(worst, fabs(grad[k] - (lp - lm) / (2 * h)) / fmax(1e-3, fabs(grad[k])));
		}
		snprintf(what, sizeof(what), "activation %d: gradient = central differences", act);
		check(worst < 1e-5, what, worst, 0);
	}

	/* refusals */
	y[3] = 2;
	check(rk_mlp_loss_grad(&m, x, y, w, N, 0, &loss, NULL) == RK_BADARG, "y not 0/1", 0, 0);
	y[3] = 1;
	w[5] = 0;
	check(rk_mlp_loss_grad(&m, x, y, w, N, 0, &loss, NULL) == RK_BADARG, "a zero weight", 0, 0);
	w[5] = 1;
	check(rk_mlp_loss_grad(&m, x, y, w, N, -1, &loss, NULL) == RK_BADARG, "alpha < 0", 0, 0);
	sizes[3] = 2;
	check(rk_mlp_nparams(3, sizes, NULL) == -1 && rk_mlp_predict(&m, x, 1, &loss) == RK_BADARG,
		  "an output of 2 units", 0, 0);
	sizes[3] = 1;
	sizes[1] = 0;
	check(rk_mlp_nparams(3, sizes, NULL) == -1, "an empty layer", 0, 0);
	sizes[1] = 5;
	x[0] = NAN;
	check(rk_mlp_predict(&m, x, 2, grad) == RK_BADARG, "a NaN input", 0, 0);
	x[0] = 0.1;
}

UNIT_TEST(test_mlp_fit)
{
	enum {N = 300};
	int			sizes[3] = {4, 3, 1};
	static double x[N * 4],
				y[N],
				w[N];
	double		theta[64],
				theta2[64],
				init[64],
				mean[4],
				scale[4],
				grad[64],
				loss;
	rk_mlp		m = {2, sizes, RK_MLP_TANH, NULL, NULL, NULL};
	double	   *tl = malloc(sizeof(double) * 5000),
			   *vl = malloc(sizeof(double) * 5000);
	rk_mlp_history h = {0, 0, 0, tl, vl};
	rk_mlp_options o = {RK_MLP_LBFGS, 1e-2, 5000, 0, 1e-3, 0.9, 0.999, 1e-8, 1e-9, 0, 10, 0, 42, NULL};
	int64_t		np = rk_mlp_nparams(2, sizes, NULL);
	double	   *z = malloc(sizeof(double) * N * 4);

	make_data(x, y, w, N);
	/* L-BFGS: a stationary point of the penalized loss, deterministic */
	check(rk_mlp_fit(&m, &o, x, y, w, N, mean, scale, theta, &h) == RK_OK, "L-BFGS fit", 0, 0);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < 4; j++)
			z[i * 4 + j] = (x[i * 4 + j] - mean[j]) / scale[j];
	m.theta = theta;
	rk_mlp_loss_grad(&m, z, y, w, N, o.alpha, &loss, grad);
	{
		double		g2 = 0,
					t2 = 0;

		for (int64_t k = 0; k < np; k++)
		{
			g2 += grad[k] * grad[k];
			t2 += theta[k] * theta[k];
		}
		double		gmax = 0;

		for (int64_t k = 0; k < np; k++)
			gmax = fmax(gmax, fabs(grad[k]));
		check(gmax <= o.tol, "L-BFGS: every |gradient| <= tol at the result", gmax, o.tol);
		(void) t2;
		check(h.converged && h.kept == h.epochs && loss == tl[h.epochs - 1],
			  "L-BFGS: converged, the last iterate kept, its loss recorded", h.epochs, 0);
		check(tl[h.epochs - 1] < tl[0], "L-BFGS: the loss went down", tl[h.epochs - 1], tl[0]);
	}
	{
		double		mean2[4],
					scale2[4];

		rk_mlp_fit(&m, &o, x, y, w, N, mean2, scale2, theta2, &h);
		check(memcmp(theta, theta2, sizeof(double) * np) == 0, "L-BFGS: the same bits twice", 0, 0);
	}
	/* a model's standardization: predict on raw x = the sigmoid of the standardized pass */
	{
		double		pd[2];

		m.mean = mean;
		m.scale = scale;
		rk_mlp_predict(&m, x, 2, pd);
		m.mean = m.scale = NULL;
		check(fabs(pd[1] - naive_pd(&m, z + 4)) < 1e-15, "predict standardizes with the model's mean and scale",
			  pd[1], naive_pd(&m, z + 4));
	}

	/* Adam with a validation split: the kept epoch has the lowest validation loss */
	o.solver = RK_MLP_ADAM;
	o.max_epochs = 300;
	o.batch_size = 50;
	o.learning_rate = 0.01;
	o.tol = 1e-4;
	o.patience = 5;
	o.validation_fraction = 0.2;
	check(rk_mlp_fit(&m, &o, x, y, NULL, N, mean, scale, theta, &h) == RK_OK, "Adam fit", 0, 0);
	{
		int			best = 0;

		for (int e = 1; e < h.epochs; e++)
			if (vl[e] < vl[best])
				best = e;
		check(h.kept == best + 1 && h.converged && h.epochs < 300,
			  "Adam: stopped early, kept the epoch of least validation loss", h.kept, best + 1);
		/* the stop: `patience` epochs after the last that beat the best by more than tol */
		{
			int			last = 0;
			double		low = vl[0];

			for (int e = 1; e < h.epochs; e++)
			{
				if (vl[e] < low - o.tol)
					last = e;
				low = fmin(low, vl[e]);
			}
			check(h.epochs - 1 - last == o.patience + 1,
				  "Adam: stopped after more than patience epochs without a real improvement",
				  h.epochs - 1 - last, o.patience + 1);
		}
		rk_mlp_fit(&m, &o, x, y, NULL, N, mean, scale, theta2, &h);
		check(memcmp(theta, theta2, sizeof(double) * np) == 0, "Adam: the same bits twice", 0, 0);
	}
	/* a start given: L-BFGS from it, with no iteration allowed beyond one */
	o.solver = RK_MLP_LBFGS;
	o.validation_fraction = 0;
	memcpy(init, theta2, sizeof(init));
	o.init = init;
	o.max_epochs = 1;
	check(rk_mlp_fit(&m, &o, x, y, NULL, N, mean, scale, theta, &h) == RK_OK && h.epochs == 1
		  && !h.converged, "max_epochs 1: one iteration, not converged", h.epochs, 1);
	o.init = NULL;
	o.max_epochs = 300;
	o.tol = 1e-4;

	/* refusals */
	{
		double		one[N];

		for (int i = 0; i < N; i++)
			one[i] = 1;
		check(rk_mlp_fit(&m, &o, x, one, NULL, N, mean, scale, theta, &h) == RK_DEGENERATE,
			  "one outcome only", 0, 0);
		o.validation_fraction = 0.5;
		check(rk_mlp_fit(&m, &o, x, y, NULL, 1, mean, scale, theta, &h) == RK_TOO_FEW,
			  "no row left to train on", 0, 0);
		o.validation_fraction = 1;
		check(rk_mlp_fit(&m, &o, x, y, NULL, N, mean, scale, theta, &h) == RK_BADARG,
			  "validation_fraction 1", 0, 0);
		o.validation_fraction = 0;
		o.patience = 0;
		check(rk_mlp_fit(&m, &o, x, y, NULL, N, mean, scale, theta, &h) == RK_BADARG, "patience 0", 0, 0);
		o.patience = 10;
	}
	free(z);
	free(tl);
	free(vl);
}

/* ---- against scikit-learn (test/data/mlp_reference.py) ---------------- */

/* The fields of a CSV line, in place (quotes removed); the count. */
static int
csv_fields(char *line, char **f, int max)
{
	int			n = 0;
	char	   *p = line;

	while (*p && n < max)
	{
		if (*p == '"')
		{
			f[n++] = ++p;
			while (*p && *p != '"')
				p++;
			if (*p)
				*p++ = '\0';
		}
		else
		{
			f[n++] = p;
			while (*p && *p != ',' && *p != '\n')
				p++;
		}
		if (*p == ',' || *p == '\n')
			*p++ = '\0';
	}
	return n;
}

/* The numbers of "{a,b,...}" (or a single number). */
static int
numbers(const char *s, double *out, int max)
{
	int			n = 0;
	char	   *end;

	if (*s == '{')
		s++;
	while (*s && *s != '}' && n < max)
	{
		out[n++] = strtod(s, &end);
		s = end;
		if (*s == ',')
			s++;
	}
	return n;
}

typedef struct ref_model
{
	int			nlayers;
	int			sizes[8];
	rk_mlp_act	act;
	double		theta[512],
				mean[6],
				scale[6];
} ref_model;

UNIT_TEST(test_mlp_sklearn)
{
	enum {ROWS = 2000, P = 6};
	static char line[65536];
	static double x[ROWS * P],
				y[ROWS],
				w[ROWS],
				z[ROWS * P],
				grad[512],
				want[512];
	static ref_model models[10];
	char	   *f[16];
	FILE	   *in;
	int			nrows = 0,
				nmodels = 0,
				cases = 0;
	double		worst_loss = 0,
				worst_grad = 0;

	/* the data */
	in = fopen("test/data/mlp_data.csv", "r");
	check(in != NULL, "test/data/mlp_data.csv (run from the repository's root)", 0, 0);
	if (in == NULL)
		return;
	fgets(line, sizeof(line), in);
	while (fgets(line, sizeof(line), in) && nrows < ROWS)
	{
		csv_fields(line, f, 16);
		y[nrows] = strtod(f[1], NULL);
		w[nrows] = strtod(f[2], NULL);
		for (int j = 0; j < P; j++)
			x[nrows * P + j] = strtod(f[3 + j], NULL);
		nrows++;
	}
	fclose(in);
	/* the models: model_id,solver,activation,hidden,alpha,layers,weights,biases,mean,scale,train_loss */
	in = fopen("test/data/mlp_models.csv", "r");
	fgets(line, sizeof(line), in);
	while (fgets(line, sizeof(line), in) && nmodels < 10)
	{
		ref_model  *m = &models[nmodels++];
		double		l[8];
		int			nw,
					nb;

		csv_fields(line, f, 16);
		m->act = strcmp(f[2], "relu") == 0 ? RK_MLP_RELU : strcmp(f[2], "tanh") == 0 ? RK_MLP_TANH
			: RK_MLP_LOGISTIC;
		m->nlayers = numbers(f[5], l, 8) - 1;
		for (int i = 0; i <= m->nlayers; i++)
			m->sizes[i] = (int) l[i];
		nw = numbers(f[6], m->theta, 512);
		nb = numbers(f[7], m->theta + nw, 512 - nw);
		numbers(f[8], m->mean, 6);
		numbers(f[9], m->scale, 6);
		check(nw + nb == rk_mlp_nparams(m->nlayers, m->sizes, NULL), "a reference model's size", nw + nb, 0);
	}
	fclose(in);
	check(nrows == ROWS && nmodels == 6, "read the reference data and models", nrows, ROWS);
	/* loss and gradient: case_id,model_id,alpha,weighted,loss,grad */
	in = fopen("test/data/mlp_lossgrad.csv", "r");
	fgets(line, sizeof(line), in);
	while (fgets(line, sizeof(line), in))
	{
		ref_model  *m;
		rk_mlp		mm;
		double		loss,
					want_loss;
		int			np;

		csv_fields(line, f, 16);
		m = &models[atoi(f[1]) - 1];
		mm.nlayers = m->nlayers;
		mm.sizes = m->sizes;
		mm.act = m->act;
		mm.mean = mm.scale = NULL;
		mm.theta = m->theta;
		for (int i = 0; i < ROWS; i++)
			for (int j = 0; j < P; j++)
				z[i * P + j] = (x[i * P + j] - m->mean[j]) / m->scale[j];
		want_loss = strtod(f[4], NULL);
		np = numbers(f[5], want, 512);
		check(rk_mlp_loss_grad(&mm, z, y, strcmp(f[3], "true") == 0 ? w : NULL, ROWS,
							   strtod(f[2], NULL), &loss, grad) == RK_OK
			  && np == rk_mlp_nparams(m->nlayers, m->sizes, NULL), "loss and gradient", np, 0);
		worst_loss = fmax(worst_loss, fabs(loss - want_loss) / want_loss);
		for (int k = 0; k < np; k++)
			worst_grad = fmax(worst_grad, fabs(grad[k] - want[k]) / (fabs(want[k]) + 1e-4));
		cases++;
	}
	fclose(in);
	check(cases == 10 && worst_loss < 1e-12, "the loss at 10 points = scikit-learn's (and the weighted formula's)",
		  worst_loss, 0);
	check(worst_grad < 1e-10, "the gradient at 10 points = scikit-learn's (and the weighted formula's)",
		  worst_grad, 0);
}
