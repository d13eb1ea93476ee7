/*
 * fuzz_bn.c
 *     libFuzzer harness of bn.c: the checks of a network, rk_bn_order,
 *     rk_bn_infer, rk_bn_sensitivity, rk_bn_scale, rk_bn_count and
 *     rk_bn_estimate, on small networks decoded from the input.
 *
 * A network: 1..8 nodes of 1..3 states, each with up to 3 parents among
 * the nodes before it; sometimes an edge from a later node to an earlier
 * one (a cycle when the later node descends from the earlier), sometimes a
 * parent list broken (a node its own parent, a parent out of range or
 * twice).  CPT rows are bytes normalized (some rows 0/1), then sometimes a
 * value replaced by a bad one (NaN, Inf, negative, above 1, 0.5) or a row
 * scaled off 1 by 1e-5 or 1e-3; the tolerance is one of 1e-12, 1e-9, 1e-6,
 * 1e-4.  A query: evidence and interventions (sometimes out of range), 0..3
 * targets (sometimes repeated or out of range), a cell limit (often none).
 *
 * Invariants: rk_bn_check finds exactly the fault the decoder made, in its
 * order (shape, then a cycle, then the first bad value or row sum), with
 * the node (on the cycle) and the row; rk_bn_order agrees and orders
 * parents first.  On a valid network: the query's status is BADARG exactly
 * for a bad query, DEGENERATE exactly when an observation contradicts an
 * intervention or the brute-force enumeration of the joint (truncated
 * factorization) gives P(e) = 0, NOSPACE only when the plan's largest table
 * exceeds the limit (and then a run with that limit succeeds); when OK the
 * joint lies in [0, 1], sums to 1 within 1e-9 and equals the enumeration
 * within 1e-9, P(e) too (plus 4 n times the largest distance of a row sum
 * from 1: inference takes a pruned barren node's rows as summing to 1,
 * the enumeration multiplies them in).  The sensitivity has the same
 * statuses (NOSPACE possibly earlier: its tables hold whole families), is
 * finite, 0 for intervened nodes and for an observed target, and matches a
 * central difference of one co-varied parameter (when P(e) > 1e-3 and the
 * rows sum to 1 within 1e-12).  rk_bn_scale: BADARG exactly as documented,
 * else the scaled state's new value, rows summing to 1 (a one-state row
 * as it was) and the other nodes untouched.  Counts equal a direct count (missing values skip their families; a
 * state out of range or a NaN weight refuses the event, counts untouched);
 * estimates are BADARG exactly for a bad estimator, ess or prior, else
 * pass rk_bn_check, and ML rows are the counts' ratios.
 */
#include "core/bn.h"
#include "fuzz_common.h"

#define MAXN 8
#define MAXP 4					/* 3 parents, and one more closing a cycle */

typedef struct fnet
{
	int			n;
	int			card[MAXN];
	int			par_off[MAXN + 1];
	int			par[MAXN * MAXP];
	int64_t		cpt_off[MAXN + 1];
	double	   *cpt;
	rk_bn		bn;
} fnet;

static int64_t
rows_of(const fnet *f, int v)
{
	int64_t		r = 1;
	int			j;

	for (j = f->par_off[v]; j < f->par_off[v + 1]; j++)
		r *= f->card[f->par[j]];
	return r;
}

/* Is w an ancestor of u (a directed path w -> ... -> u)? */
static int
reaches(const fnet *f, int w, int u)
{
	int			stack[MAXN * MAXP + MAXN],
				top = 0,
				j;
	char		seen[MAXN] = {0};

	stack[top++] = u;
	while (top > 0)
	{
		int			x = stack[--top];

		if (x == w)
			return 1;
		if (seen[x])
			continue;
		seen[x] = 1;
		for (j = f->par_off[x]; j < f->par_off[x + 1]; j++)
			stack[top++] = f->par[j];
	}
	return 0;
}

/* Does node v lie on a directed cycle (a parent of v descends from v)? */
static int
on_cycle(const fnet *f, int v)
{
	int			j;

	for (j = f->par_off[v]; j < f->par_off[v + 1]; j++)
		if (reaches(f, v, f->par[j]))
			return 1;
	return 0;
}

/*
 * P(e | do) and the joint of the targets by enumeration; joint has
 * prod card[targets] cells.  The states and targets are valid.
 */
static double
brute(const fnet *f, const int *ev, const int *iv, const int *tg, int nt, double *joint)
{
	int			x[MAXN] = {0},
				v,
				j,
				i;
	int64_t		ncell = 1;
	long double acc[27],
				pe = 0;

	for (i = 0; i < nt; i++)
		ncell *= f->card[tg[i]];
	for (i = 0; i < ncell; i++)
		acc[i] = 0;
	for (;;)
	{
		long double w = 1;

		for (v = 0; v < f->n && w != 0; v++)
		{
			int64_t		u = 0;

			if (ev[v] >= 0 && x[v] != ev[v])
				w = 0;
			else if (iv[v] >= 0)
				w *= x[v] == iv[v];
			else
			{
				for (j = f->par_off[v]; j < f->par_off[v + 1]; j++)
					u = u * f->card[f->par[j]] + x[f->par[j]];
				w *= f->cpt[f->cpt_off[v] + u * f->card[v] + x[v]];
			}
		}
		if (w != 0)
		{
			int64_t		c = 0;

			for (i = 0; i < nt; i++)
				c = c * f->card[tg[i]] + x[tg[i]];
			acc[c] += w;
			pe += w;
		}
		for (v = 0; v < f->n; v++)
		{
			if (++x[v] < f->card[v])
				break;
			x[v] = 0;
		}
		if (v == f->n)
			break;
	}
	for (i = 0; i < ncell; i++)
		joint[i] = pe > 0 ? (double) (acc[i] / pe) : 0;
	return (double) pe;
}

/* Move P(v = x | u) to nt, the others of the row in proportion. */
static void
move_param(fnet *f, int v, int64_t u, int x, double nt)
{
	int			c = f->card[v],
				y;
	double	   *p = f->cpt + f->cpt_off[v] + u * c,
				others = 0;

	for (y = 0; y < c; y++)
		if (y != x)
			others += p[y];
	for (y = 0; y < c; y++)
		if (y != x)
			p[y] = others > 0 ? p[y] * (1 - nt) / others : (1 - nt) / (c - 1);
	p[x] = nt;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double tols[4] = {1e-12, 1e-9, 1e-6, 1e-4};
	static const double bad[8] = {NAN, INFINITY, -0.25, 1.5, 0.5, -0.0, 1e-300, -INFINITY};
	static const double skews[4] = {1e-5, -1e-5, 1e-3, -1e-3};
	fz_reader	r;
	fnet		f;
	int			v,
				j,
				i,
				vmode,
				shape_bad = -1,
				cyc_w = -1,
				cyc_u = -1,
				want_fault,
				want_node = -1,
				node,
				order[MAXN];
	int64_t		want_row = -1,
				row,
				ncell;
	double		tol,
				slack = 0;
	rk_bn_fault fault;
	rk_status	st;

	memset(&f, 0, sizeof(f));
	fz_init(&r, data, size);

	/* the graph */
	f.n = 1 + fz_u8(&r) % MAXN;
	for (v = 0; v < f.n; v++)
	{
		uint8_t		b = fz_u8(&r);

		f.card[v] = b < 16 ? 1 : 2 + b % 2;
	}
	f.par_off[0] = 0;
	for (v = 0; v < f.n; v++)
	{
		uint8_t		mask = fz_u8(&r);

		f.par_off[v + 1] = f.par_off[v];
		for (j = 0; j < v && f.par_off[v + 1] - f.par_off[v] < 3; j++)
			if (mask & (1 << j))
				f.par[f.par_off[v + 1]++] = j;
	}
	{
		uint8_t		b = fz_u8(&r);

		/* an edge u -> w from a later node to an earlier one */
		if ((b & 7) == 1 && f.n >= 2)
		{
			int			u = 1 + fz_u8(&r) % (f.n - 1),
						w = fz_u8(&r) % u;

			for (j = f.par_off[w]; j < f.par_off[w + 1]; j++)
				if (f.par[j] == u)
					break;
			if (j == f.par_off[w + 1])
			{
				memmove(f.par + f.par_off[w + 1] + 1, f.par + f.par_off[w + 1],
						sizeof(int) * (f.par_off[f.n] - f.par_off[w + 1]));
				f.par[f.par_off[w + 1]] = u;
				for (j = w + 1; j <= f.n; j++)
					f.par_off[j]++;
				cyc_w = w;
				cyc_u = u;
			}
		}
	}
	f.cpt_off[0] = 0;
	for (v = 0; v < f.n; v++)
		f.cpt_off[v + 1] = f.cpt_off[v] + f.card[v] * rows_of(&f, v);
	ncell = f.cpt_off[f.n];
	f.cpt = malloc(sizeof(double) * ncell);
	f.bn.n = f.n;
	f.bn.card = f.card;
	f.bn.par_off = f.par_off;
	f.bn.par = f.par;
	f.bn.cpt_off = f.cpt_off;
	f.bn.cpt = f.cpt;

	/* the values */
	vmode = fz_u8(&r);
	tol = tols[(vmode >> 2) & 3];
	for (v = 0; v < f.n; v++)
	{
		int			c = f.card[v];
		int64_t		u,
					rows = rows_of(&f, v);

		for (u = 0; u < rows; u++)
		{
			double	   *p = f.cpt + f.cpt_off[v] + u * c,
						s = 0;
			uint8_t		b0 = fz_u8(&r);

			if (b0 > 220 || c == 1)
			{
				for (i = 0; i < c; i++)
					p[i] = i == b0 % c;
				continue;
			}
			p[0] = b0;
			for (i = 1; i < c; i++)
				p[i] = fz_u8(&r);
			for (i = 0; i < c; i++)
				s += p[i];
			for (i = 0; i < c; i++)
				p[i] = s > 0 ? p[i] / s : 1.0 / c;
		}
	}
	if ((vmode & 3) == 2 && ncell > 0)
		f.cpt[fz_u16(&r) % ncell] = bad[fz_u8(&r) & 7];
	else if ((vmode & 3) == 3)
	{
		int			w = fz_u8(&r) % f.n;
		int64_t		u = fz_u8(&r) % rows_of(&f, w);
		double		k = 1 + skews[fz_u8(&r) & 3];

		for (i = 0; i < f.card[w]; i++)
			f.cpt[f.cpt_off[w] + u * f.card[w] + i] *= k;
	}
	/* a broken parent list */
	if ((vmode >> 4) == 1)
	{
		for (v = 0; v < f.n; v++)
			if (f.par_off[v + 1] > f.par_off[v])
				break;
		if (v < f.n)
		{
			int			how = fz_u8(&r) % 3;

			if (how == 0)
				f.par[f.par_off[v]] = v;
			else if (how == 1)
				f.par[f.par_off[v]] = f.n;
			else if (f.par_off[v + 1] - f.par_off[v] >= 2)
				f.par[f.par_off[v] + 1] = f.par[f.par_off[v]];
			else
				f.par[f.par_off[v]] = -1;
			shape_bad = v;
		}
	}

	/* the fault the decoder made, in rk_bn_check's order */
	if (shape_bad >= 0)
	{
		want_fault = RK_BN_SHAPE;
		want_node = shape_bad;
	}
	else if (cyc_w >= 0 && reaches(&f, cyc_w, cyc_u))
		want_fault = RK_BN_CYCLE;
	else
	{
		want_fault = RK_BN_FINE;
		for (v = 0; v < f.n && want_fault == RK_BN_FINE; v++)
		{
			int64_t		u,
						rows = rows_of(&f, v);

			for (u = 0; u < rows && want_fault == RK_BN_FINE; u++)
			{
				const double *p = f.cpt + f.cpt_off[v] + u * f.card[v];
				long double s = 0;

				for (i = 0; i < f.card[v]; i++)
				{
					if (!(p[i] >= 0 && p[i] <= 1))
						want_fault = RK_BN_VALUE;
					s += p[i];
				}
				if (want_fault == RK_BN_FINE && !(fabsl(s - 1) <= tol))
					want_fault = RK_BN_SUM;
				if (fabsl(s - 1) > slack)
					slack = (double) fabsl(s - 1);
				if (want_fault != RK_BN_FINE)
				{
					want_node = v;
					want_row = u;
				}
			}
		}
	}
	st = rk_bn_check(&f.bn, tol, &fault, &node, &row);
	FZ_CHECK(st == (want_fault == RK_BN_FINE ? RK_OK : RK_BADARG) && (int) fault == want_fault,
			 "check: status %d fault %d, want fault %d (node %d)", (int) st, (int) fault, want_fault,
			 want_node);
	if (want_fault == RK_BN_CYCLE)
		FZ_CHECK(node >= 0 && node < f.n && on_cycle(&f, node), "cycle: node %d is on none", node);
	else
		FZ_CHECK(node == want_node && row == want_row, "check: node %d row %ld, want %d row %ld",
				 node, (long) row, want_node, (long) want_row);
	if (want_fault == RK_BN_FINE || want_fault == RK_BN_CYCLE)
	{
		int			pos[MAXN];

		st = rk_bn_order(&f.bn, order);
		FZ_CHECK(st == (want_fault == RK_BN_FINE ? RK_OK : RK_BADARG), "order: status %d", (int) st);
		if (st == RK_OK)
		{
			for (v = 0; v < f.n; v++)
				pos[order[v]] = v;
			for (v = 0; v < f.n; v++)
				for (j = f.par_off[v]; j < f.par_off[v + 1]; j++)
					FZ_CHECK(pos[f.par[j]] < pos[v], "order puts %d after its child %d", f.par[j], v);
		}
	}
	if (want_fault != RK_BN_FINE)
		goto done;

	/* ---- a query ---- */
	{
		int			ev[MAXN],
					iv[MAXN],
					tg[3],
					nt = fz_u8(&r) % 4,
					qbad = 0,
					conflict = 0,
					ts;
		uint8_t		lim = fz_u8(&r);
		int64_t		max_cells = lim < 128 ? 0 : lim % 40,
					largest = -1,
					nj = 1;
		double		joint[27],
					want[27],
					pe = -1,
					want_pe,
					*d;
		rk_bn_query q = {ev, iv, nt, tg, max_cells};

		for (v = 0; v < f.n; v++)
		{
			uint8_t		a = fz_u8(&r),
						b = fz_u8(&r);

			ev[v] = a < 170 ? -1 : a >= 252 ? f.card[v] : a % f.card[v];
			iv[v] = b < 220 ? -1 : b >= 254 ? -2 : b % f.card[v];
			if (ev[v] >= f.card[v] || iv[v] == -2)
				qbad = 1;
			if (ev[v] >= 0 && iv[v] >= 0 && ev[v] != iv[v])
				conflict = 1;
		}
		for (i = 0; i < nt; i++)
		{
			uint8_t		b = fz_u8(&r);

			tg[i] = b == 255 ? f.n : b % f.n;
			for (j = 0; j < i; j++)
				qbad |= tg[j] == tg[i];
			if (tg[i] >= f.n)
				qbad = 1;
			else
				nj *= f.card[tg[i]];
		}
		st = rk_bn_infer(&f.bn, &q, joint, &pe, &largest);
		FZ_CHECK(fz_status_valid(st), "infer status %d", (int) st);
		if (qbad)
		{
			FZ_CHECK(st == RK_BADARG, "bad query: status %d", (int) st);
			goto learn;
		}
		if (conflict)
		{
			FZ_CHECK(st == RK_DEGENERATE && pe == 0, "observation against do(): status %d", (int) st);
			goto learn;
		}
		want_pe = brute(&f, ev, iv, tg, nt, want);
		if (st == RK_NOSPACE)
		{
			FZ_CHECK(max_cells > 0 && largest > max_cells, "NOSPACE with limit %ld, largest %ld",
					 (long) max_cells, (long) largest);
			q.max_cells = largest;
			st = rk_bn_infer(&f.bn, &q, joint, &pe, &largest);
			FZ_CHECK(st == RK_OK || st == RK_DEGENERATE, "at the limit %ld: status %d",
					 (long) q.max_cells, (int) st);
		}
		FZ_CHECK(st == (want_pe > 0 ? RK_OK : RK_DEGENERATE), "infer status %d, brute P(e) %.17g",
				 (int) st, want_pe);
		if (st == RK_OK)
		{
			long double s = 0;
			/* rows off 1 within tol: pruned barren nodes weigh 1, not
			 * their row sums, so the enumeration may differ by that much */
			double		close = 1e-9 + 4 * f.n * slack;

			FZ_CHECK(max_cells <= 0 || largest <= q.max_cells, "largest %ld over the limit %ld",
					 (long) largest, (long) q.max_cells);
			FZ_CHECK(fabs(pe - want_pe) <= close * want_pe, "P(e) %.17g, brute force %.17g", pe, want_pe);
			for (i = 0; i < nj; i++)
			{
				FZ_CHECK(joint[i] >= 0 && joint[i] <= 1, "joint[%d] = %.17g", i, joint[i]);
				FZ_CHECK(fabs(joint[i] - want[i]) <= close, "joint[%d] = %.17g, brute force %.17g", i,
						 joint[i], want[i]);
				s += joint[i];
			}
			FZ_CHECK(fabsl(s - 1) <= 1e-9, "joint sums to %.17Lg", s);
		}

		/* ---- the sensitivity of the first target's state ts ---- */
		if (nt == 0)
			goto learn;
		ts = fz_u8(&r) % f.card[tg[0]];
		q.ntargets = 1;
		q.max_cells = max_cells;
		d = malloc(sizeof(double) * ncell);
		st = rk_bn_sensitivity(&f.bn, &q, ts, d);
		want_pe = brute(&f, ev, iv, tg, 1, want);
		if (st == RK_NOSPACE)
		{
			FZ_CHECK(max_cells > 0, "sensitivity NOSPACE without a limit");
			q.max_cells = 0;
			st = rk_bn_sensitivity(&f.bn, &q, ts, d);
		}
		FZ_CHECK(st == (want_pe > 0 ? RK_OK : RK_DEGENERATE), "sensitivity status %d, P(e) %.17g",
				 (int) st, want_pe);
		if (st == RK_OK)
		{
			int64_t		k;

			for (k = 0; k < ncell; k++)
				FZ_CHECK(isfinite(d[k]), "sensitivity[%ld] = %.17g", (long) k, d[k]);
			for (v = 0; v < f.n; v++)
				if (iv[v] >= 0 || ev[tg[0]] >= 0 || iv[tg[0]] >= 0)
					for (k = f.cpt_off[v]; k < f.cpt_off[v + 1]; k++)
						FZ_CHECK(d[k] == 0, "sensitivity[%ld] = %.17g for an intervened node or an observed target",
								 (long) k, d[k]);
			/* one parameter against a central difference of the enumeration */
			if (want_pe > 1e-3 && slack < 1e-12)
			{
				int			pv = fz_u8(&r) % f.n,
							px = fz_u8(&r) % f.card[pv];
				int64_t		pu = fz_u8(&r) % rows_of(&f, pv);
				double	   *p = f.cpt + f.cpt_off[pv] + pu * f.card[pv],
						   *keep = malloc(sizeof(double) * f.card[pv]),
							th = p[px],
							h = 1e-6,
							lo,
							hi,
							fd,
							got = d[f.cpt_off[pv] + pu * f.card[pv] + px];

				memcpy(keep, p, sizeof(double) * f.card[pv]);
				if (f.card[pv] > 1 && th > 2 * h && th < 1 - 2 * h)
				{
					move_param(&f, pv, pu, px, th + h);
					brute(&f, ev, iv, tg, 1, want);
					hi = want[ts];
					memcpy(p, keep, sizeof(double) * f.card[pv]);
					move_param(&f, pv, pu, px, th - h);
					brute(&f, ev, iv, tg, 1, want);
					lo = want[ts];
					memcpy(p, keep, sizeof(double) * f.card[pv]);
					fd = (hi - lo) / (2 * h);
					FZ_CHECK(fabs(got - fd) <= 1e-4 * (fabs(fd) + 1),
							 "d P(%d = %d) / d P(%d = %d | row %ld) = %.17g, central difference %.17g",
							 tg[0], ts, pv, px, (long) pu, got, fd);
				}
				free(keep);
			}
		}
		free(d);
	}

learn:
	/* ---- a soft scenario ---- */
	{
		static const double factors[8] = {0, 0.5, 1, 2, 1.5, 10, -1, NAN};
		int			sv = fz_u8(&r) % f.n,
					ss = fz_u8(&r) % f.card[sv],
					refuse = 0;
		double		fac = factors[fz_u8(&r) & 7],
				   *out = malloc(sizeof(double) * ncell);
		int64_t		u,
					k;

		if (!(fac >= 0))
			refuse = 1;
		for (u = 0; u < rows_of(&f, sv) && !refuse; u++)
		{
			double		p0 = f.cpt[f.cpt_off[sv] + u * f.card[sv] + ss],
						t = fac * p0;

			if (t > 1 + 4 * DBL_EPSILON || (f.card[sv] == 1 && t != p0))
				refuse = 1;
		}
		for (k = 0; k < ncell; k++)
			out[k] = -7;
		st = rk_bn_scale(&f.bn, sv, ss, fac, out);
		FZ_CHECK(st == (refuse ? RK_BADARG : RK_OK), "scale node %d state %d by %.17g: status %d",
				 sv, ss, fac, (int) st);
		if (st == RK_OK)
		{
			rk_bn		b = f.bn;

			for (k = 0; k < ncell; k++)
				if (k < f.cpt_off[sv] || k >= f.cpt_off[sv + 1])
					FZ_CHECK(out[k] == f.cpt[k], "scale changed cell %ld of another node", (long) k);
			b.cpt = out;
			FZ_CHECK(rk_bn_check(&b, tol, NULL, NULL, NULL) == RK_OK, "the scaled network fails its checks");
			for (u = 0; u < rows_of(&f, sv); u++)
			{
				long double rs = 0;

				for (i = 0; i < f.card[sv]; i++)
					rs += out[f.cpt_off[sv] + u * f.card[sv] + i];
				/* a single state cannot move: its row stays as it was */
				FZ_CHECK(f.card[sv] == 1 || fabsl(rs - 1) <= 1e-12, "scaled row %ld sums to %.17Lg",
						 (long) u, rs);
				FZ_CHECK(out[f.cpt_off[sv] + u * f.card[sv] + ss] ==
						 fmin(1.0, fac * f.cpt[f.cpt_off[sv] + u * f.card[sv] + ss]),
						 "scaled row %ld: P'(s) = %.17g", (long) u, out[f.cpt_off[sv] + u * f.card[sv] + ss]);
			}
		}
		else
			FZ_CHECK(out[0] == -7, "a refused scale wrote cpt_out");
		free(out);
	}
	/* ---- counts and estimates ---- */
	{
		static const double weights[8] = {1, 2, 0.5, 3, 1, 0.25, 1, NAN};
		static const double esses[4] = {1, 10, 0.5, 0};
		double	   *counts = calloc(ncell, sizeof(double)),
				   *ref = calloc(ncell, sizeof(double)),
				   *prior = malloc(sizeof(double) * ncell),
				   *est = malloc(sizeof(double) * ncell);
		int			ne = fz_u8(&r) % 12,
					e,
					x[MAXN],
					estimator,
					bad_prior = 0;
		int64_t		k;
		double		ess;

		for (e = 0; e < ne; e++)
		{
			int			refuse = 0;
			double		w = weights[fz_u8(&r) & 7];

			for (v = 0; v < f.n; v++)
			{
				uint8_t		b = fz_u8(&r);

				x[v] = b < 40 ? -1 : b == 255 ? f.card[v] : b % f.card[v];
				refuse |= x[v] >= f.card[v];
			}
			refuse |= isnan(w);
			st = rk_bn_count(&f.bn, x, w, counts);
			FZ_CHECK(st == (refuse ? RK_BADARG : RK_OK), "count: status %d", (int) st);
			if (refuse)
				continue;
			for (v = 0; v < f.n; v++)
			{
				int64_t		u = 0;

				if (x[v] < 0)
					continue;
				for (j = f.par_off[v]; j < f.par_off[v + 1]; j++)
				{
					if (x[f.par[j]] < 0)
						break;
					u = u * f.card[f.par[j]] + x[f.par[j]];
				}
				if (j == f.par_off[v + 1])
					ref[f.cpt_off[v] + u * f.card[v] + x[v]] += w;
			}
		}
		for (k = 0; k < ncell; k++)
			FZ_CHECK(counts[k] == ref[k], "count[%ld] = %.17g, direct count %.17g", (long) k,
					 counts[k], ref[k]);
		estimator = fz_u8(&r) % 5;
		ess = esses[fz_u8(&r) & 3];
		for (k = 0; k < ncell; k++)
		{
			uint8_t		b = fz_u8(&r);

			prior[k] = b == 255 ? -1 : b / 16.0;
			bad_prior |= b == 255;
		}
		st = rk_bn_estimate(&f.bn, counts, (rk_bn_estimator) estimator, ess, prior, est);
		FZ_CHECK(st == ((estimator == 4 || (estimator == RK_BN_BDEU && ess <= 0) ||
						 (estimator == RK_BN_PRIOR && bad_prior)) ? RK_BADARG : RK_OK),
				 "estimate %d ess %g: status %d", estimator, ess, (int) st);
		if (st == RK_OK)
		{
			rk_bn		b = f.bn;

			b.cpt = est;
			FZ_CHECK(rk_bn_check(&b, 1e-12, NULL, NULL, NULL) == RK_OK, "estimates are not a network");
			if (estimator == RK_BN_ML)
				for (v = 0; v < f.n; v++)
				{
					int64_t		u;

					for (u = 0; u < rows_of(&f, v); u++)
					{
						const double *cr = counts + f.cpt_off[v] + u * f.card[v];
						double		tot = 0;

						for (i = 0; i < f.card[v]; i++)
							tot += cr[i];
						for (i = 0; i < f.card[v]; i++)
							FZ_CHECK(fabs(est[f.cpt_off[v] + u * f.card[v] + i] -
										  (tot > 0 ? cr[i] / tot : 1.0 / f.card[v])) <= 1e-15,
									 "ML node %d row %ld state %d", v, (long) u, i);
					}
				}
		}
		free(counts);
		free(ref);
		free(prior);
		free(est);
	}

done:
	free(f.cpt);
	return 0;
}
