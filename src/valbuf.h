/*
 * valbuf.h
 *     A buffer of float8 values as an aggregate state: what the exact
 *     quantile, the GPD fit and Hill's estimator need from their group.
 *     Shared combine, serialize and deserialize functions make every
 *     aggregate built on it parallel.
 */
#ifndef RISK_VALBUF_H
#define RISK_VALBUF_H

#include "postgres.h"

typedef struct ValBuf
{
	double		param;			/* confidence level, threshold or k */
	double		param2;			/* a second parameter (e.g. a penalty); 0 if unused */
	int32		tag;			/* e.g. the fitting method; 0 if unused */
	int64		nall;			/* non-NULL rows seen */
	double		maxall;			/* largest value seen */
	int64		n;				/* values kept */
	int64		cap;
	double	   *x;
} ValBuf;

extern ValBuf *valbuf_new(MemoryContext ctx, double param, int32 tag);

/* Make room for `more` further values. */
extern void valbuf_reserve(ValBuf *b, MemoryContext ctx, int64 more);

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

#endif							/* RISK_VALBUF_H */
