-- Personalized risk (profile): customer risk profiles from a questionnaire
-- and the customer's situation, product risk classes (the PRIIPs market
-- risk measure and summary risk indicator), the risk of a customer's
-- portfolio, suitability checks with reasons and their audit trail.
-- docs/profile.md explains every object.

-- ---------------------------------------------------------------------
-- Product risk class: PRIIPs market risk measure and summary risk indicator
-- ---------------------------------------------------------------------

-- Category 2 PRIIPs (Delegated Regulation (EU) 2017/653, Annex II): the
-- market risk measure from the product's prices, the market risk class
-- from the VaR-equivalent volatility, the summary risk indicator from the
-- market and credit risk classes.  Rows with a NULL argument are skipped.

CREATE TYPE risk.priips_risk AS (
    returns           int,
    mean              float8,
    volatility        float8,
    skewness          float8,
    excess_kurtosis   float8,
    var_return_space  float8,
    vev               float8,
    mrm               int
);
COMMENT ON TYPE risk.priips_risk IS
'The PRIIPs market risk measure of a category 2 product (risk.priips_market_risk): the number of log returns M0, their mean, volatility, skewness and excess kurtosis (moments divided by M0), the Cornish-Fisher VaR at 97.5% in return space over the holding period (a log return, negative for a loss), the VaR-equivalent volatility and the market risk class 1..7';

CREATE FUNCTION risk_internal._priips_accum(internal, float8, text, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_priips_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._priips_final(internal) RETURNS risk.priips_risk
    AS 'MODULE_PATHNAME', 'risk_priips_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._priips_accum(internal, float8, text, float8) IS
'Support function of risk.priips_market_risk: transition (keeps the prices in order)';
COMMENT ON FUNCTION risk_internal._priips_final(internal) IS
'Support function of risk.priips_market_risk: final (the measure; leaves the state as it was)';

CREATE AGGREGATE risk.priips_market_risk(price float8, frequency text, holding_period float8) (
    SFUNC = risk_internal._priips_accum, STYPE = internal,
    FINALFUNC = risk_internal._priips_final, FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.priips_market_risk(float8, text, float8) IS
'PRIIPs category 2 market risk measure (Regulation (EU) 2017/653, Annex II) of a product''s prices (not returns; positive) taken in ORDER BY order, frequency ''daily'', ''weekly'' or ''monthly'' (256, 52, 12 periods a year), over a recommended holding period in years: moments of the log returns, Cornish-Fisher VaR at 97.5%, VaR-equivalent volatility and market risk class; needs 2 years of daily, 4 of weekly or 5 of monthly prices (fewer: an error, NULL in a window frame); no combine function: the order of the rows matters';

CREATE FUNCTION risk.priips_mrm(vev float8) RETURNS int
    AS 'MODULE_PATHNAME', 'risk_priips_mrm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.priips_mrm(float8) IS
'PRIIPs market risk class 1..7 of a VaR-equivalent volatility (a fraction: 0.12 for 12%): below 0.005 class 1, then from 0.005, 0.05, 0.12, 0.20, 0.30 and 0.80 (each boundary in the higher class) classes 2 to 7';

CREATE FUNCTION risk.priips_sri(mrm int, crm int) RETURNS int
    AS 'MODULE_PATHNAME', 'risk_priips_sri' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.priips_sri(int, int) IS
'PRIIPs summary risk indicator 1..7 from the market risk class mrm (1..7) and the credit risk class crm (1..6) by the aggregation table of Regulation (EU) 2017/653, Annex II Part 3 point 52';

-- ---------------------------------------------------------------------
-- Portfolio risk of a customer
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Risk profile: questionnaires, capacity policies, the profile
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Suitability and its audit trail
-- ---------------------------------------------------------------------
