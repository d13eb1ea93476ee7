/*
 * mlp_value.h
 *     The core's view of a stored risk.mlp value (src/mlp.c), for the SQL
 *     faces of other areas that evaluate a network (explain.c).
 */
#ifndef RISK_MLP_VALUE_H
#define RISK_MLP_VALUE_H

#include "postgres.h"

#include "core/mlp.h"

/*
 * Point core at the model in v, a detoasted risk.mlp varlena that must
 * outlive it (its arrays are read in place); ERROR for a damaged value.
 */
extern void risk_mlp_core(struct varlena *v, rk_mlp *core);

#endif							/* RISK_MLP_VALUE_H */
