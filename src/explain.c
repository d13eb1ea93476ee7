/*
 * explain.c
 *     SQL face of explainable and fair credit decisions: reason codes of a
 *     scorecard, exact Shapley values of logistic and neural-network PD
 *     models, fairness metrics by group.  The numerics are the core's
 *     (core/explain.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "risk.h"
#include "core/explain.h"

/* ---- reason codes ----------------------------------------------------- */

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */
