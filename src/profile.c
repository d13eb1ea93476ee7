/*
 * profile.c
 *     SQL face of personalized risk: the PRIIPs market risk measure of a
 *     product (risk.priips_market_risk, an ordered aggregate over its
 *     prices) and summary risk indicator, the risk of a customer's
 *     portfolio (risk.portfolio_risk, an aggregate over its holdings), and
 *     the risk profile of a customer (risk.risk_profile, reading the
 *     questionnaires and capacity policies once per statement).  The
 *     numerics are the core's (core/profile.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "risk.h"
#include "core/profile.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

/* ---- portfolio risk --------------------------------------------------- */

/* ---- risk profile ----------------------------------------------------- */
