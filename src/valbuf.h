/*
 * valbuf.h
 *     A buffer of float8 values as an aggregate state: what the exact
 *     quantile, the GPD fit and Hill's estimator need from their group.
 *     Shared combine, serialize and deserialize functions make every
 *     aggregate built on it parallel.
 *
 *     A flagged buffer keeps values that come with a 0/1 flag (a score and
 *     its default flag, a score and its sample) as two plain buffers, one
 *     per flag: half the memory of (value, flag) pairs, and what AUC, KS,
 *     PSI and the binnings need, the values of each flag sorted.  Its
 *     serialization sorts both (in the parallel worker that built them) and
 *     the combine merges sorted runs, so the leader's final function finds
 *     them sorted instead of sorting all of them alone.
 */
#ifndef RISK_VALBUF_H
#define RISK_VALBUF_H

#include "postgres.h"

#include "risk.h"

#define VALBUF_NPARAMS 3

typedef struct ValBuf
{
	/*
	 * The group's parameters (a level, a threshold, k, a method...), each
	 * named by the transition function that binds it on the group's first
	 * row (risk_param_bind); a slot the aggregate does not use stays
	 * unbound.  The combine compares them slot by slot.
	 */
	RiskParam	param[VALBUF_NPARAMS];
	int64		nall;			/* non-NULL rows seen */
	double		maxall;			/* largest value seen */
	int64		n;				/* values kept (flagged: those of flag 0) */
	int64		cap;
	double	   *x;
	bool		flagged;		/* x holds flag 0, x1 flag 1 */
	bool		sorted;			/* x and x1 sorted (by serialize, combine) */
	int64		n1;				/* flagged: values of flag 1 */
	int64		cap1;
	double	   *x1;
} ValBuf;

/* An empty buffer, its parameters unbound. */
extern ValBuf *valbuf_new(MemoryContext ctx);

/* A flagged buffer (see above); nall counts the values of both flags. */
extern ValBuf *valbuf_new_flagged(MemoryContext ctx);

/* Make room for `more` further values. */
extern void valbuf_reserve(ValBuf *b, MemoryContext ctx, int64 more);

/* Make room for one more value of flag 1 in a flagged buffer. */
extern void valbuf_reserve1(ValBuf *b, MemoryContext ctx);

/* Count a row with value `seen`; keep `keep` when want is true. */
static inline void
valbuf_add(ValBuf *b, MemoryContext ctx, double seen, bool want, double keep)
{
	if (b->nall == 0 || seen > b->maxall)
		b->maxall = seen;
	b->nall++;
	if (want)
	{
		if (b->n == b->cap)
			valbuf_reserve(b, ctx, 1);
		b->x[b->n++] = keep;
	}
}

/* Keep v with its flag in a flagged buffer. */
static inline void
valbuf_add_flagged(ValBuf *b, MemoryContext ctx, double v, bool flag)
{
	if (flag)
	{
		if (b->n1 == b->cap1)
			valbuf_reserve1(b, ctx);
		b->x1[b->n1++] = v;
	}
	else
	{
		if (b->n == b->cap)
			valbuf_reserve(b, ctx, 1);
		b->x[b->n++] = v;
	}
	b->nall++;
	b->sorted = false;
}

/*
 * The (value, flag) pairs of a flagged buffer, in a new array ordered by
 * value then flag (NaN values left out when skip_nan; *npairs says how
 * many remain).  Sorts the buffer's two parts in place (order is no part
 * of a flagged buffer's meaning).
 */
extern double *valbuf_flag_pairs(ValBuf *b, bool skip_nan, int64 *npairs);

#endif							/* RISK_VALBUF_H */
