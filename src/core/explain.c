/*
 * explain.c
 *     Explainable and fair credit decisions: see explain.h.  Pure C, no
 *     PostgreSQL header.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

/* ---- reason codes ----------------------------------------------------- */

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */
