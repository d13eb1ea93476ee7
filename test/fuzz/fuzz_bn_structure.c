/*
 * fuzz_bn_structure.c
 *     libFuzzer harness of bn.c's structure learning: rk_bn_family_score
 *     and rk_bn_hill_climb on small data decoded from the input.
 *
 * The data: 1..5 nodes of 1..4 states, 0..60 events, each value drawn
 * from a byte (sometimes missing; sometimes, rarely, a state out of range),
 * often copied from another node or its complement so that dependences
 * exist.  The search: a score (BIC, BDeu, K2), ess (sometimes 0), a start,
 * a whitelist and a blacklist (sparse, sometimes conflicting or cyclic),
 * max_parents (often none), max_iterations (often none), max_cells.
 *
 * Invariants: BADARG exactly when the decoder made the input bad (a state
 * out of range, ess not positive with BDeu, the start with the whitelist
 * cyclic or with a self-loop, a start edge blacklisted, an edge white and
 * black, a start beyond max_parents or max_cells), adj then untouched;
 * otherwise OK with an acyclic result that keeps the whitelist, avoids the
 * blacklist and max_parents, a score equal to a from-scratch sum of the
 * family scores over the complete events (within 1e-9), at most
 * max_iterations changes, and, when the search stopped by itself, no
 * single addition, deletion or reversal allowed by the constraints that
 * improves the score by more than its tolerance.  The family score is
 * finite for valid counts and BADARG for a negative or non-finite one.
 */
#include "core/bn.h"
#include "fuzz_common.h"

#define MAXN 5
#define MAXR 60

typedef struct fdata
{
	int			n;
	int			card[MAXN];
	int64_t		rows;
	uint8_t		x[MAXN * MAXR];
} fdata;

static int
acyclic(const uint8_t *adj, int n)
{
	int			indeg[MAXN] = {0},
				done = 0,
				changed = 1;
	char		gone[MAXN] = {0};

	for (int u = 0; u < n; u++)
		for (int v = 0; v < n; v++)
			indeg[v] += adj[u * n + v];
	while (changed)
	{
		changed = 0;
		for (int v = 0; v < n; v++)
			if (!gone[v] && indeg[v] == 0)
			{
				gone[v] = 1;
				done++;
				changed = 1;
				for (int w = 0; w < n; w++)
					indeg[w] -= adj[v * n + w];
			}
	}
	return done == n;
}

/* A family's score over the complete events, counted from scratch; 1 if its table is beyond cells. */
static int
local(const fdata *d, const uint8_t *adj, int v, const rk_bn_search *s, double *out)
{
	int64_t		rows = 1;
	double		counts[4096];

	for (int p = 0; p < d->n; p++)
		if (adj[p * d->n + v])
			rows *= d->card[p];
	if (rows * d->card[v] > s->max_cells || rows * d->card[v] > 4096)
		return 1;
	memset(counts, 0, sizeof(double) * rows * d->card[v]);
	for (int64_t i = 0; i < d->rows; i++)
	{
		int64_t		u = 0;
		int			k;

		for (k = 0; k < d->n && d->x[k * d->rows + i] != RK_BN_MISSING; k++)
			;
		if (k < d->n)
			continue;
		for (int p = 0; p < d->n; p++)
			if (adj[p * d->n + v])
				u = u * d->card[p] + d->x[p * d->rows + i];
		counts[u * d->card[v] + d->x[v * d->rows + i]]++;
	}
	FZ_CHECK(rk_bn_family_score(d->card[v], rows, counts, s->score, s->ess, out) == RK_OK
			 && isfinite(*out), "family score of node %d", v);
	return 0;
}

/* The graph's score, or NAN when a family is beyond max_cells. */
static double
total(const fdata *d, const uint8_t *adj, const rk_bn_search *s)
{
	double		t = 0;

	for (int v = 0; v < d->n; v++)
	{
		double		f;

		if (local(d, adj, v, s, &f))
			return NAN;
		t += f;
	}
	return t;
}

/* The constraints a result (or a neighbour) must keep; moved: the nodes whose parents grew. */
static int
allowed(const fdata *d, const uint8_t *g, const uint8_t *before, const rk_bn_search *s)
{
	int			n = d->n;

	if (!acyclic(g, n))
		return 0;
	for (int e = 0; e < n * n; e++)
		if ((s->white[e] && !g[e]) || (s->black[e] && g[e]))
			return 0;
	for (int v = 0; v < n; v++)
	{
		int			k = 0,
					k0 = 0;

		for (int p = 0; p < n; p++)
		{
			k += g[p * n + v];
			k0 += before[p * n + v];
		}
		if (s->max_parents >= 0 && k > s->max_parents && k > k0)
			return 0;
	}
	return 1;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double esses[4] = {1, 10, 0.5, 0};
	static const int64_t cells[4] = {1000000, 1000000, 8, 3};
	fz_reader	r;
	fdata		d;
	uint8_t		adj[MAXN * MAXN] = {0},
				start[MAXN * MAXN] = {0},
				white[MAXN * MAXN] = {0},
				black[MAXN * MAXN] = {0},
				flags;
	rk_bn_search s;
	rk_bn_data	bd;
	int			bad = 0,
				it = -1;
	double		score = 0;
	rk_status	rc;

	fz_init(&r, data, size);
	d.n = (int) fz_range(&r, 1, MAXN);
	for (int v = 0; v < d.n; v++)
		d.card[v] = (int) fz_range(&r, 1, 4);
	d.rows = fz_range(&r, 0, MAXR);
	flags = fz_u8(&r);
	memset(&s, 0, sizeof(s));
	s.score = (rk_bn_score_kind) (flags % 3);
	s.ess = esses[(flags >> 2) & 3];
	s.max_parents = (flags >> 4) & 1 ? (int) fz_range(&r, 0, 3) : -1;
	s.max_iterations = (flags >> 5) & 1 ? (int) fz_range(&r, 1, 4) : 0;
	s.max_cells = cells[(flags >> 6) & 3];
	s.white = white;
	s.black = black;
	if (s.score == RK_BN_SCORE_BDEU && !(s.ess > 0))
		bad = 1;
	/* the events, column by column: a value, a copy of an earlier column, or its complement */
	for (int v = 0; v < d.n; v++)
	{
		uint8_t		mode = fz_u8(&r);
		int			src = v > 0 ? mode % v : 0;

		for (int64_t i = 0; i < d.rows; i++)
		{
			uint8_t		b = fz_u8(&r),
						x;

			if (b < 12)
				x = RK_BN_MISSING;
			else if (b == 255 && (mode & 0x80))
			{
				x = (uint8_t) d.card[v];	/* out of range */
				bad = 1;
			}
			else if (v > 0 && (mode & 0x40) && b < 200 && d.x[src * d.rows + i] != RK_BN_MISSING)
				x = (uint8_t) ((d.x[src * d.rows + i] + ((mode & 0x20) ? 1 : 0)) % d.card[v]);
			else
				x = (uint8_t) (b % d.card[v]);
			d.x[v * d.rows + i] = x;
		}
	}
	/* start, white and black: a few edges each */
	for (int list = 0; list < 3; list++)
	{
		uint8_t    *m = list == 0 ? start : list == 1 ? white : black;
		int			k = (int) fz_range(&r, 0, 3);

		for (int j = 0; j < k; j++)
		{
			int			u = (int) fz_range(&r, 0, d.n - 1),
						v = (int) fz_range(&r, 0, d.n - 1);

			if (u == v && list != 0)
				continue;		/* the face refuses a self-loop in the lists */
			m[u * d.n + v] = 1;
		}
	}
	{
		uint8_t		g[MAXN * MAXN];

		for (int e = 0; e < d.n * d.n; e++)
		{
			g[e] = start[e] | white[e];
			if ((white[e] && black[e]) || (g[e] && black[e]) || (start[e] && e % (d.n + 1) == 0))
				bad = 1;
		}
		if (!acyclic(g, d.n))
			bad = 1;
		for (int v = 0; v < d.n && !bad; v++)
		{
			int			k = 0;
			int64_t		c = d.card[v];

			for (int p = 0; p < d.n; p++)
				if (g[p * d.n + v])
				{
					k++;
					c *= d.card[p];
				}
			if ((s.max_parents >= 0 && k > s.max_parents) || c > s.max_cells)
				bad = 1;
		}
	}
	memcpy(adj, start, sizeof(adj));
	bd.n = d.n;
	bd.card = d.card;
	bd.nrows = d.rows;
	bd.x = d.x;
	rc = rk_bn_hill_climb(&bd, &s, adj, &score, &it);
	if (bad)
	{
		FZ_CHECK(rc == RK_BADARG && memcmp(adj, start, sizeof(adj)) == 0,
				 "a bad input gives BADARG, adj untouched (status %d)", (int) rc);
		return 0;
	}
	FZ_CHECK(rc == RK_OK, "status %d on a valid input", (int) rc);
	{
		uint8_t		zero[MAXN * MAXN] = {0};
		double		want = total(&d, adj, &s),
					tol = 1e-9 * fmax(1, fabs(score));

		FZ_CHECK(allowed(&d, adj, zero, &s), "the result is acyclic, keeps the lists and max_parents");
		FZ_CHECK(acyclic(adj, d.n), "the result is acyclic");
		FZ_CHECK(fabs(want - score) <= 1e-9 * fmax(1, fabs(want)), "score %.17g, from scratch %.17g",
				 score, want);
		FZ_CHECK(s.max_iterations <= 0 || it <= s.max_iterations, "%d changes", it);
		if (s.max_iterations > 0 && it == s.max_iterations)
			return 0;
		for (int u = 0; u < d.n; u++)
			for (int v = 0; v < d.n; v++)
				for (int op = 0; op < 3 && u != v; op++)
				{
					uint8_t		g[MAXN * MAXN];
					double		t;

					memcpy(g, adj, sizeof(g));
					if (op == 0 && !adj[u * d.n + v] && !adj[v * d.n + u])
						g[u * d.n + v] = 1;
					else if (op == 1 && adj[u * d.n + v])
						g[u * d.n + v] = 0;
					else if (op == 2 && adj[u * d.n + v])
					{
						g[u * d.n + v] = 0;
						g[v * d.n + u] = 1;
					}
					else
						continue;
					if (!allowed(&d, g, adj, &s))
						continue;
					t = total(&d, g, &s);
					FZ_CHECK(isnan(t) || t <= score + tol,
							 "move %d on %d -> %d improves %.17g to %.17g", op, u, v, score, t);
				}
	}
	/* family score: a bad count refused */
	{
		double		c[2] = {1, -1},
					f;

		FZ_CHECK(rk_bn_family_score(2, 1, c, s.score, 1, &f) == RK_BADARG, "a negative count");
	}
	return 0;
}
