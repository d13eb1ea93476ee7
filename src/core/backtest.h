/*
 * backtest.h
 *     Backtests of VaR (backtest.c): Kupiec, Christoffersen, Basel
 *     traffic light.
 */
#ifndef RK_BACKTEST_H
#define RK_BACKTEST_H

#include "core.h"

/* Binomial lower tail (GSL). */
double		rk_pbinom(int64_t x, int64_t n, double prob);

/* x*log(y) with 0*log(anything) = 0. */
double		rk_xlogy(double x, double y);

/* Kupiec proportion-of-failures LR for x exceptions in n at tail alpha. */
rk_status rk_kupiec_lr(int64_t n, int64_t x, double alpha, double *lr);

/* Christoffersen independence LR from the transition counts. */
double		rk_christoffersen_lr_ind(int64_t n00, int64_t n01, int64_t n10,
									   int64_t n11);

typedef enum rk_zone
{
	RK_ZONE_GREEN = 0,
	RK_ZONE_YELLOW = 1,
	RK_ZONE_RED = 2
} rk_zone;

/*
 * Basel traffic light: cumulative binomial probability of at most x
 * exceptions; green below 0.95, yellow below 0.9999, red from there.  The
 * plus factor is the Basel (1996) table, defined for n = 250 and alpha =
 * 0.01 only: *plus_defined is 0 elsewhere.
 */
rk_status rk_basel_zone(int64_t x, int64_t n, double alpha,
							   rk_zone *zone, double *cumprob,
							   double *plus, int *plus_defined);

#endif							/* RK_BACKTEST_H */
