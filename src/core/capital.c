/*
 * capital.c
 *     Basel credit capital and portfolio credit risk: see capital.h.  Pure
 *     C, no PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* ---- concentration ---------------------------------------------------- */

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */
