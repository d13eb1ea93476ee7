/*
 * profile.h
 *     Personalized risk (profile.c): the PRIIPs market risk measure of a
 *     product from its prices (moments of the log returns, Cornish-Fisher
 *     VaR, VaR-equivalent volatility, market risk class) and the summary
 *     risk indicator; the risk of a customer's portfolio from its holdings
 *     and the products' return histories (historical VaR and ES on aligned
 *     days, a seeded bootstrap of the loss over a horizon); the risk
 *     profile of a customer from scored answers and the customer's
 *     situation.
 */
#ifndef RK_PROFILE_H
#define RK_PROFILE_H

#include "core.h"

/* ---- product risk class (PRIIPs) ------------------------------------- */

/* ---- portfolio risk --------------------------------------------------- */

/* ---- risk profile ----------------------------------------------------- */

#endif							/* RK_PROFILE_H */
