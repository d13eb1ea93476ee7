/*
 * mlp.h
 *     Multilayer perceptrons for probabilities of default (mlp.c): the
 *     forward pass, the penalized log-loss and its gradient by
 *     backpropagation, and training by L-BFGS (full batch, GSL) or Adam
 *     (mini-batches), with a validation split and early stopping on the
 *     validation log-loss.  Dense-layer arithmetic goes through CBLAS
 *     (OpenBLAS, serial build: no thread of its own).
 *
 * A model of L = nlayers weight layers has sizes[0..L]: sizes[0] = p
 * inputs, sizes[1..L-1] the hidden layers, sizes[L] = 1 output.  Hidden
 * units apply the activation; the output is the logistic function of its
 * pre-activation, the PD.  Parameters are one flat array: the weights of
 * every layer l (sizes[l] x sizes[l+1], row-major: entry i * sizes[l+1] + j
 * connects input unit i to unit j), layer after layer, then the biases of
 * every layer (sizes[l+1] each).  The inputs are standardized inside the
 * model: z = (x - mean) / scale.
 *
 * The loss of parameters theta on rows (z_i, y_i) with weights w_i > 0,
 * W = sum w_i:
 *   loss = sum w_i l_i / W + alpha / (2 W) sum ||weights||^2
 *   l_i  = -[y_i ln p_i + (1 - y_i) ln(1 - p_i)]
 * (L2 on the weights, not the biases; with unit weights, the binary
 * log-loss and penalty of scikit-learn's MLPClassifier).
 */
#ifndef RK_MLP_H
#define RK_MLP_H

#include "core.h"

#define RK_MLP_MAX_HIDDEN 8		/* hidden layers */
#define RK_MLP_MAX_UNITS 4096	/* units of a layer, inputs included */

typedef enum rk_mlp_act
{
	RK_MLP_RELU = 0,
	RK_MLP_TANH,
	RK_MLP_LOGISTIC
} rk_mlp_act;

typedef struct rk_mlp
{
	int			nlayers;		/* weight layers: hidden layers + 1 */
	const int  *sizes;			/* [nlayers + 1] */
	rk_mlp_act	act;
	const double *mean;			/* [sizes[0]]; NULL: inputs used as they are */
	const double *scale;		/* [sizes[0]] */
	const double *theta;		/* [rk_mlp_nparams] */
} rk_mlp;

/*
 * The number of parameters (weights and biases) of the shape, or -1 when
 * the shape is out of range: 1 .. RK_MLP_MAX_HIDDEN + 1 layers, every size
 * in 1 .. RK_MLP_MAX_UNITS, the last 1.  *nweights (may be NULL) the
 * weights alone.
 */
int64_t		rk_mlp_nparams(int nlayers, const int *sizes, int64_t *nweights);

/*
 * PD of n rows x (row-major, n x p, raw: standardized here with the
 * model's mean and scale).  RK_BADARG for a bad shape or activation, a
 * scale not positive, or a non-finite input (pd[i] untouched from there);
 * RK_NOSPACE when memory runs out.
 */
rk_status	rk_mlp_predict(const rk_mlp *m, const double *x, int64_t n, double *pd);

/*
 * The PD of one row x (raw, standardized here): the layers as matrix-vector
 * products (cblas_dgemv), in work, which needs rk_mlp_work_row(m) doubles;
 * nothing allocated (the scoring of a table row by row).  The model and x
 * are not checked: the caller checked the model once and x is finite.
 */
int64_t		rk_mlp_work_row(const rk_mlp *m);
double		rk_mlp_predict_row(const rk_mlp *m, const double *x, double *work);

/*
 * Mean and population standard deviation (divisor: the sum of the
 * weights) of each of the p columns of x (n x p), each row weighted by w
 * (NULL: 1; a weight counts as that many rows); a column whose deviation
 * is 0 (or not finite) gets scale 1.  RK_BADARG when n < 1 or a value is
 * not finite.  The sums are of values divided by the column's largest, so
 * that no finite input overflows them.
 */
rk_status	rk_mlp_standardize(const double *x, const double *w, int64_t n, int p, double *mean,
							   double *scale);

/*
 * The loss (above) of m->theta on n standardized rows z (n x p; m->mean
 * is not used), outcomes y (0 or 1) and weights w (NULL: all 1), and its
 * gradient (the layout of theta; NULL: not wanted).  RK_BADARG for a bad
 * shape, n < 1, alpha < 0, a weight not positive and finite, or y not 0
 * or 1; RK_NOSPACE when memory runs out.
 */
rk_status	rk_mlp_loss_grad(const rk_mlp *m, const double *z, const double *y, const double *w,
							 int64_t n, double alpha, double *loss, double *grad);

/*
 * The sums a pass over a table adds up: loss_sum = sum w_i l_i and
 * grad_sum = sum w_i d l_i / d theta (NULL: not wanted), no penalty, over
 * n standardized rows (m->mean is not used).  Statuses as
 * rk_mlp_loss_grad.
 */
rk_status	rk_mlp_sums(const rk_mlp *m, const double *z, const double *y, const double *w,
						int64_t n, double *loss_sum, double *grad_sum);

/*
 * Random starting parameters from a seed: each layer's weights (row by
 * row), then its biases, uniform on [-b, b), b = sqrt(6 / (fan_in +
 * fan_out)) (sqrt(2 / ...) with the logistic activation), drawn from GSL's
 * MT19937 seeded with the seed's low 32 bits, each double from two 32-bit
 * outputs as NumPy's RandomState builds them: the scheme and the draws of
 * scikit-learn's MLPClassifier(random_state = seed) for a seed from 1 to
 * 2^32 - 1 (GSL seeds MT19937 with 4357 for 0).  RK_BADARG for a bad
 * shape.
 */
rk_status	rk_mlp_init(int nlayers, const int *sizes, rk_mlp_act act, uint64_t seed,
						double *theta);

typedef enum rk_mlp_solver
{
	RK_MLP_LBFGS = 0,			/* full batch, GSL's vector BFGS2 (limited memory in effect) */
	RK_MLP_ADAM					/* mini-batches, reshuffled every epoch */
} rk_mlp_solver;

typedef struct rk_mlp_options
{
	rk_mlp_solver solver;
	double		alpha;			/* L2 penalty, >= 0 */
	int			max_epochs;		/* L-BFGS: iterations; Adam: passes over the data */
	int			batch_size;		/* Adam: rows a step (<= 0: min(200, rows)) */
	double		learning_rate;	/* Adam's step size */
	double		beta1,
				beta2,
				epsilon;		/* Adam's moment decays and denominator guard */
	double		tol;			/* L-BFGS: converged when every |gradient| <= tol; Adam and
								 * early stopping: an improvement of the loss by tol or
								 * less is none */
	double		ftol;			/* L-BFGS: converged when an iteration lowers the loss by
								 * less than ftol of it (0: never) */
	int			patience;		/* stop after more than this many epochs without improvement */
	double		validation_fraction;	/* rows held out, 0 <= f < 1 */
	uint64_t	seed;			/* the start (unless init), the split, the batches */
	const double *init;			/* starting parameters; NULL: rk_mlp_init(seed) */
} rk_mlp_options;

typedef struct rk_mlp_history
{
	int			epochs;			/* run */
	int			kept;			/* the epoch (1-based) whose parameters are returned */
	int			converged;		/* stopped by the tolerance or early stopping, not by max_epochs */
	double	   *train_loss;		/* [max_epochs]: loss on the training rows of each epoch */
	double	   *valid_loss;		/* [max_epochs]: log-loss on the validation rows (NaN: none) */
} rk_mlp_history;

/*
 * Train on n rows of raw inputs x (n x p), outcomes y (0/1), weights w
 * (NULL: 1).  The model's shape and activation come from m (m->theta and
 * m->mean are not read); mean and scale (p each) receive the
 * standardization (from all rows, weighted), theta the parameters kept:
 * with a validation split, those of the epoch with the lowest validation
 * log-loss (weighted, without the penalty); without, the last.  The
 * history records each epoch's training loss (L-BFGS: at the iterate;
 * Adam: the weighted mean of its mini-batches' losses, each before its
 * step, as scikit-learn's loss_curve_) and validation log-loss.
 *
 * Stopping: L-BFGS when every component of the gradient is at most tol in
 * absolute value, or an iteration lowers the loss by less than ftol of it,
 * or the line search can make no progress (the tests of SciPy's L-BFGS-B
 * as scikit-learn runs it: gtol = tol, ftol); with a validation split (both
 * solvers), and for Adam without one on the training loss, when more than
 * `patience` epochs in a row did not lower the best loss by more than tol
 * (scikit-learn's n_iter_no_change rule); always at max_epochs
 * (converged = 0).
 *
 * The draws: one MT19937 stream seeded with the seed's low 32 bits gives
 * the start (as rk_mlp_init) and then Adam's reshuffle of the training
 * rows at each epoch (Fisher-Yates from the end with NumPy's bounded
 * integers), the batches consecutive rows of it: with a seed from 1, the
 * start and the batches of scikit-learn's MLPClassifier(random_state =
 * seed) on the same rows in the same order.  The validation split: a
 * shuffle from a stream seeded apart, the first
 * ceil(validation_fraction n) rows held out (at least one row on each
 * side, or RK_TOO_FEW).  Deterministic: the same input and seed give the
 * same parameters, bit for bit.  RK_BADARG for a bad option, shape or
 * row, or inputs so far apart that a standardized value is not finite;
 * RK_DEGENERATE when the training rows have a single outcome; RK_NUMERIC
 * when Adam's loss stops being finite; RK_NOSPACE; RK_CANCELLED at a
 * checkpoint (every epoch, every 64 Adam steps).  Frees what it allocates
 * on every path.
 */
rk_status	rk_mlp_fit(const rk_mlp *m, const rk_mlp_options *o, const double *x, const double *y,
					   const double *w, int64_t n, double *mean, double *scale, double *theta,
					   rk_mlp_history *h);

#endif							/* RK_MLP_H */
