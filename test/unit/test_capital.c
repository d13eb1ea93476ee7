/*
 * test_capital.c
 *     Unit tests of core/capital.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "core/capital.h"

/* ---- IRB capital ------------------------------------------------------ */

/* ---- concentration ---------------------------------------------------- */

/* ---- portfolio credit VaR --------------------------------------------- */

/* ---- liquidity -------------------------------------------------------- */
