-- Personalized risk (profile): customer risk profiles from a questionnaire
-- and the customer's situation, product risk classes (the PRIIPs market
-- risk measure and summary risk indicator), the risk of a customer's
-- portfolio, suitability checks with reasons and their audit trail.
-- docs/profile.md explains every object.

-- ---------------------------------------------------------------------
-- Product risk class: PRIIPs market risk measure and summary risk indicator
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Portfolio risk of a customer
-- ---------------------------------------------------------------------

-- risk.portfolio_risk: an aggregate over a customer's holdings (amount,
-- the product's daily returns on a calendar all products share).  The
-- state sums amount x return per day; parallel workers add their sums.
-- A partial state is as long as the calendar (500 days: 4 kB, and the
-- planner sorts and ships it as if it were a few bytes), so combining,
-- serializing and deserializing one is priced at COST 100: grouped by
-- customer, a customer's few holdings are then aggregated after the
-- Gather instead of in every worker (measured: 7.2 s instead of 2.5 s
-- for 100,000 customers of 10 holdings on 2 workers); one large group
-- still aggregates in the workers.

CREATE TYPE risk.portfolio_risk_result AS (
    holdings    int,
    value       float8,
    days        int,
    var         float8,
    es          float8,
    var_share   float8,
    es_share    float8,
    horizon_var float8,
    horizon_es  float8,
    p_loss      float8,
    p_loss_se   float8
);
COMMENT ON TYPE risk.portfolio_risk_result IS
'Result of risk.portfolio_risk: holdings used, their value (sum of the amounts), the aligned days used; historical 1-day VaR and ES of the portfolio P&L (positive losses, money) and both as shares of the wealth (NULL without option wealth); VaR and ES of the loss over horizon_days from the seeded bootstrap, and the share of bootstrap paths losing more than loss_limit with its standard error (NULL without a bootstrap or a limit)';

CREATE FUNCTION risk_internal._portfolio_risk_accum(internal, float8, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._portfolio_risk_accum(internal, float8, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._portfolio_risk_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100;
CREATE FUNCTION risk_internal._portfolio_risk_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
CREATE FUNCTION risk_internal._portfolio_risk_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
CREATE FUNCTION risk_internal._portfolio_risk_final(internal) RETURNS risk.portfolio_risk_result
    AS 'MODULE_PATHNAME', 'risk_portfolio_risk_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._portfolio_risk_accum(internal, float8, float8[]) IS 'Support function of risk.portfolio_risk: transition (adds amount x returns to the P&L of each day)';
COMMENT ON FUNCTION risk_internal._portfolio_risk_accum(internal, float8, float8[], jsonb) IS 'Support function of risk.portfolio_risk with options: transition';
COMMENT ON FUNCTION risk_internal._portfolio_risk_combine(internal, internal) IS 'Support function of risk.portfolio_risk: combine (adds the P&L and the missing counts of each day)';
COMMENT ON FUNCTION risk_internal._portfolio_risk_serialize(internal) IS 'Support function of risk.portfolio_risk: serialize a partial state';
COMMENT ON FUNCTION risk_internal._portfolio_risk_deserialize(bytea, internal) IS 'Support function of risk.portfolio_risk: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._portfolio_risk_final(internal) IS 'Support function of risk.portfolio_risk: final (the aligned days, their historical VaR and ES, the bootstrap)';

CREATE AGGREGATE risk.portfolio_risk(amount float8, returns float8[]) (
    SFUNC = risk_internal._portfolio_risk_accum, STYPE = internal, SSPACE = 4096,
    FINALFUNC = risk_internal._portfolio_risk_final,
    COMBINEFUNC = risk_internal._portfolio_risk_combine,
    SERIALFUNC = risk_internal._portfolio_risk_serialize,
    DESERIALFUNC = risk_internal._portfolio_risk_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.portfolio_risk(float8, float8[]) IS
'risk.portfolio_risk with the default options: 99% historical VaR and ES of the portfolio P&L over at least 250 days on which every holding has a return, and a bootstrap of 10,000 paths of 252 days (seed 1)';

CREATE AGGREGATE risk.portfolio_risk(amount float8, returns float8[], options jsonb) (
    SFUNC = risk_internal._portfolio_risk_accum, STYPE = internal, SSPACE = 4096,
    FINALFUNC = risk_internal._portfolio_risk_final,
    COMBINEFUNC = risk_internal._portfolio_risk_combine,
    SERIALFUNC = risk_internal._portfolio_risk_serialize,
    DESERIALFUNC = risk_internal._portfolio_risk_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.portfolio_risk(float8, float8[], jsonb) IS
'The risk of a customer''s portfolio, over its holdings (one row each: amount, the money held, positive; returns, the product''s daily simple returns on a calendar shared by every product, NULL on a day without a price): the 1-day historical VaR and ES of the P&L sum(amount x return) on the aligned days, as positive losses in money, at the confidence level of option level (as risk.var_historical and risk.es_historical), and the VaR, ES and probability of loss over a horizon from a seeded bootstrap of the portfolio returns; options (a JSON object, the same for every row; NULL or {} for the defaults): level (0.99), wealth, horizon_days (252), n_paths (10000; 0: no bootstrap), seed (1), loss_limit, min_days (250), missing (''drop'': only days on which every holding has a return; ''zero'': a missing return counts as 0); a row with a NULL amount or returns is left out';

-- ---------------------------------------------------------------------
-- Risk profile: questionnaires, capacity policies, the profile
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Suitability and its audit trail
-- ---------------------------------------------------------------------
