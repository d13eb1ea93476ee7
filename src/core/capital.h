/*
 * capital.h
 *     Basel credit capital and portfolio credit risk (capital.c): expected
 *     loss and the IRB risk-weight functions per exposure; concentration
 *     (Herfindahl-Hirschman index, granularity adjustment); the portfolio
 *     credit loss distribution by simulation of a one- or multi-factor
 *     Gaussian copula (VaR, ES, Euler contributions, importance sampling)
 *     and by CreditRisk+ (Panjer recursion); the liquidity coverage and
 *     net stable funding ratios.
 */
#ifndef RK_CAPITAL_H
#define RK_CAPITAL_H

#include "core.h"

/* ---- IRB capital ------------------------------------------------------ */

/* ---- concentration ---------------------------------------------------- */

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */

#endif							/* RK_CAPITAL_H */
