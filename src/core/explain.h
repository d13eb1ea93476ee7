/*
 * explain.h
 *     Explainable and fair credit decisions: reason codes of a scorecard,
 *     exact Shapley values of logistic and neural-network PD models, and
 *     fairness metrics by group.  Pure C, no PostgreSQL header.
 */
#ifndef RK_EXPLAIN_H
#define RK_EXPLAIN_H

#include "core.h"

/* ---- reason codes ----------------------------------------------------- */

/* ---- Shapley values --------------------------------------------------- */

/* ---- fairness by group ------------------------------------------------ */

#endif							/* RK_EXPLAIN_H */
