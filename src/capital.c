/*
 * capital.c
 *     SQL face of Basel credit capital and portfolio credit risk: expected
 *     loss and IRB capital per exposure and by portfolio, concentration,
 *     the simulated and CreditRisk+ loss distributions of a loan book, the
 *     liquidity ratios from tagged positions and the configuration tables.
 *     The numerics are the core's (core/capital.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "risk.h"
#include "core/capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* ---- concentration ---------------------------------------------------- */

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */
