-- risk 0.3.1 -> 0.3.2
--
-- Two new areas.  Personalized risk (profile): customer risk profiles from
-- a questionnaire and the customer's situation, product risk classes
-- (PRIIPs), the risk of a customer's portfolio, suitability checks and
-- their record.  Explainable and fair credit decisions (explain): reason
-- codes of a scorecard, exact Shapley values of logistic and network PD
-- models, fairness by group.  The areas' pieces of the install script as
-- they stand in 0.3.2 (new objects only), the grant functions that now
-- also cover their tables, and the privileges of the install script again
-- (what PUBLIC may execute), so that the new functions are not executable
-- by PUBLIC.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.3.2'" to load this file. \quit

-- ---------------------------------------------------------------------
-- The levels cover the profile and scorecard tables
-- ---------------------------------------------------------------------
CREATE OR REPLACE FUNCTION risk.grant_analyst(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_analyst');
    PERFORM risk.grant_reader(r);
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace)
          AND p.proname NOT LIKE 'grant\_%' AND p.proname <> 'revoke_levels'
          AND p.oid::regprocedure <> ALL (risk_internal._admin_functions())
          AND p.oid::regprocedure <> ALL (risk_internal._worker_functions())
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f, r);
    END LOOP;
    EXECUTE format('GRANT SELECT ON risk.master_scale, risk.classification, risk.questionnaire, '
                   'risk.questionnaire_item, risk.questionnaire_answer, risk.questionnaire_conflict, '
                   'risk.capacity_policy, risk.scorecard, risk.scorecard_characteristic, '
                   'risk.scorecard_bin TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT (customer, inputs, verdict, factors, reasons) '
                   'ON risk.suitability_audit TO %s', r);
    EXECUTE format('GRANT USAGE ON SEQUENCE risk.suitability_audit_id_seq TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_analyst(regrole) IS
'Analyst level: run every risk function and aggregate, read master scales, classifications, questionnaires, capacity policies, scorecards and the early-warning views, record suitability checks and read their record; no configuration';

CREATE OR REPLACE FUNCTION risk.grant_admin(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'grant_admin');
    PERFORM risk.grant_analyst(r);
    FOREACH f IN ARRAY risk_internal._admin_functions() LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f, r);
    END LOOP;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON risk.watched, risk.rules, '
                   'risk.classification, risk.master_scale, risk.questionnaire, risk.questionnaire_item, '
                   'risk.questionnaire_answer, risk.questionnaire_conflict, risk.capacity_policy, '
                   'risk.scorecard, risk.scorecard_characteristic, risk.scorecard_bin TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT ON risk.masking_key TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_admin(regrole) IS
'Admin level: analyst, plus watch views, manage rules, master scales, questionnaires, capacity policies, scorecards and classifications, and grant access to the tables the role owns';

CREATE OR REPLACE FUNCTION risk.revoke_levels(r regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    PERFORM risk_internal._check_role(r, 'revoke_levels');
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace) LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %s', f, r);
    END LOOP;
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA risk FROM %s', r);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA risk FROM %s', r);
END
$$;
COMMENT ON FUNCTION risk.revoke_levels(regrole) IS
'Take back every privilege on the extension''s functions, tables and views that the grant functions gave a role';

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

-- Checks of a configuration row: bounds strictly ascending within [lo, hi].
CREATE FUNCTION risk_internal._ascending(b float8[], n int, lo float8, hi float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN cardinality(b) = n AND array_ndims(b) = 1 AND array_position(b, NULL) IS NULL
       AND (SELECT bool_and(x >= lo AND x <= hi AND (p IS NULL OR x > p))
            FROM (SELECT x, lag(x) OVER (ORDER BY i) AS p FROM unnest(b) WITH ORDINALITY u(x, i)) v);
COMMENT ON FUNCTION risk_internal._ascending(float8[], int, float8, float8) IS
'Support function of the profile tables'' checks: b has n values, none NULL, strictly ascending within [lo, hi]';

CREATE TABLE risk.questionnaire (
    questionnaire text   PRIMARY KEY,
    description   text   NOT NULL,
    class_bounds  float8[] NOT NULL
        CHECK (risk_internal._ascending(class_bounds, 6, 0, 100)),
    complex_min   float8 NOT NULL CHECK (complex_min >= 0 AND complex_min <= 100)
);
COMMENT ON TABLE risk.questionnaire IS
'Risk questionnaires: the willingness score (0 to 100: the points of the answers to the willingness items over the most they can give) gives class 1 + the number of class_bounds (6, ascending) at or below it; complex products need a knowledge score (the same over the knowledge items) of complex_min or more; the questionnaire ''standard'' ships with the extension, others are kept by pg_dump';

CREATE TABLE risk.questionnaire_item (
    questionnaire text    NOT NULL REFERENCES risk.questionnaire ON UPDATE CASCADE ON DELETE CASCADE,
    item          text    NOT NULL CHECK (item <> ''),
    position      int     NOT NULL,
    kind          text    NOT NULL CHECK (kind IN ('willingness', 'knowledge')),
    required      boolean NOT NULL DEFAULT true,
    question      text    NOT NULL,
    PRIMARY KEY (questionnaire, item),
    UNIQUE (questionnaire, position)
);
COMMENT ON TABLE risk.questionnaire_item IS
'The items of a questionnaire, in position order: a willingness item scores the customer''s attitude to risk, a knowledge item the knowledge and experience of investment products; an item not required may be left unanswered (it then gives 0 points)';

CREATE TABLE risk.questionnaire_answer (
    questionnaire text   NOT NULL,
    item          text   NOT NULL,
    answer        text   NOT NULL CHECK (answer <> ''),
    points        float8 NOT NULL CHECK (points >= 0 AND points < 'infinity'),
    label         text   NOT NULL,
    PRIMARY KEY (questionnaire, item, answer),
    FOREIGN KEY (questionnaire, item) REFERENCES risk.questionnaire_item ON UPDATE CASCADE ON DELETE CASCADE
);
COMMENT ON TABLE risk.questionnaire_answer IS
'The answers an item accepts and the points each gives';

CREATE TABLE risk.questionnaire_conflict (
    questionnaire text NOT NULL,
    item_a        text NOT NULL,
    answer_a      text NOT NULL,
    item_b        text NOT NULL,
    answer_b      text NOT NULL,
    flag          text NOT NULL CHECK (flag ~ '^[a-z][a-z0-9_]*$'),
    PRIMARY KEY (questionnaire, item_a, answer_a, item_b, answer_b),
    FOREIGN KEY (questionnaire, item_a, answer_a) REFERENCES risk.questionnaire_answer ON UPDATE CASCADE ON DELETE CASCADE,
    FOREIGN KEY (questionnaire, item_b, answer_b) REFERENCES risk.questionnaire_answer ON UPDATE CASCADE ON DELETE CASCADE,
    CHECK (item_a <> item_b)
);
COMMENT ON TABLE risk.questionnaire_conflict IS
'Pairs of answers that contradict each other: a profile whose answers contain both carries the flag';

CREATE TABLE risk.capacity_policy (
    policy                       text    PRIMARY KEY,
    description                  text    NOT NULL,
    reserve_months               float8  NOT NULL DEFAULT 6 CHECK (reserve_months >= 0 AND reserve_months < 'infinity'),
    reserve_months_per_dependant float8  NOT NULL DEFAULT 1
        CHECK (reserve_months_per_dependant >= 0 AND reserve_months_per_dependant < 'infinity'),
    max_debt_service             float8  NOT NULL DEFAULT 0.4 CHECK (max_debt_service >= 0 AND max_debt_service < 'infinity'),
    debt_cap_class               int     NOT NULL DEFAULT 3 CHECK (debt_cap_class BETWEEN 1 AND 7),
    surplus_share_stable         float8  NOT NULL DEFAULT 0.5 CHECK (surplus_share_stable BETWEEN 0 AND 1),
    surplus_share_variable       float8  NOT NULL DEFAULT 0.25 CHECK (surplus_share_variable BETWEEN 0 AND 1),
    horizon_bounds               float8[] NOT NULL DEFAULT '{1,3,5,10}'
        CHECK (risk_internal._ascending(horizon_bounds, 4, 0, 1000)),
    horizon_share                float8[] NOT NULL DEFAULT '{0.05,0.15,0.3,0.45,0.6}'
        CHECK (cardinality(horizon_share) = 5 AND array_ndims(horizon_share) = 1
               AND array_position(horizon_share, NULL) IS NULL
               AND 0 <= ALL (horizon_share) AND 1 >= ALL (horizon_share)),
    dependant_reduction          float8  NOT NULL DEFAULT 0.1 CHECK (dependant_reduction BETWEEN 0 AND 1),
    loss_bounds                  float8[] NOT NULL DEFAULT '{0.0097,0.094,0.21,0.33,0.46,0.84}'
        CHECK (risk_internal._ascending(loss_bounds, 6, 0, 1))
);
COMMENT ON TABLE risk.capacity_policy IS
'Rules that turn a customer''s situation into a capacity to bear losses (docs/profile.md): an emergency reserve of reserve_months (+ reserve_months_per_dependant a dependant) of outgoings, a share of the free wealth by horizon band (horizon_bounds in years, horizon_share of each band, reduced by dependant_reduction a dependant), a share of the yearly surplus by income stability; the largest bearable loss as a share of investable wealth gives the class by loss_bounds (the one-year 97.5% loss of a product at the lower boundary of each PRIIPs market risk class), capped at debt_cap_class when debt service takes more than max_debt_service of the income; the policy ''standard'' ships with the extension, others are kept by pg_dump';

-- the shipped questionnaire and policy (docs/profile.md explains them)
INSERT INTO risk.questionnaire VALUES
    ('standard', 'The project''s sample questionnaire: four willingness items (objective, reaction to a fall, loss accepted, priority) and three knowledge and experience items',
     '{12.5,25,40,55,70,85}', 60);
INSERT INTO risk.questionnaire_item (questionnaire, item, position, kind, required, question) VALUES
    ('standard', 'objective',   1, 'willingness', true,  'What is the main objective of this investment?'),
    ('standard', 'fall',        2, 'willingness', true,  'Your investments lose 20% in a few months. What do you do?'),
    ('standard', 'loss',        3, 'willingness', true,  'What loss over one year would you accept in exchange for a higher expected return?'),
    ('standard', 'priority',    4, 'willingness', true,  'Which matters more to you, the safety of your capital or its return?'),
    ('standard', 'knowledge',   5, 'knowledge',   true,  'How well do you know how funds, shares and bonds work?'),
    ('standard', 'experience',  6, 'knowledge',   true,  'For how many years have you held investment products?'),
    ('standard', 'complex',     7, 'knowledge',   false, 'How often have you traded derivatives or structured products?');
INSERT INTO risk.questionnaire_answer (questionnaire, item, answer, points, label) VALUES
    ('standard', 'objective', 'preserve',   0,  'keep the capital intact'),
    ('standard', 'objective', 'income',     3,  'a regular income'),
    ('standard', 'objective', 'balanced',   6,  'income and growth'),
    ('standard', 'objective', 'growth',     9,  'growth of the capital'),
    ('standard', 'objective', 'max_growth', 12, 'the highest growth, whatever the swings'),
    ('standard', 'fall', 'sell_all',  0,  'sell everything'),
    ('standard', 'fall', 'sell_some', 4,  'sell part of it'),
    ('standard', 'fall', 'hold',      8,  'wait'),
    ('standard', 'fall', 'buy_more',  12, 'buy more'),
    ('standard', 'loss', 'none',     0,  'no loss'),
    ('standard', 'loss', 'up_to_5',  3,  'up to 5%'),
    ('standard', 'loss', 'up_to_10', 6,  'up to 10%'),
    ('standard', 'loss', 'up_to_20', 9,  'up to 20%'),
    ('standard', 'loss', 'over_20',  12, 'more than 20%'),
    ('standard', 'priority', 'safety',        0,  'safety only'),
    ('standard', 'priority', 'mostly_safety', 3,  'mostly safety'),
    ('standard', 'priority', 'balance',       6,  'both equally'),
    ('standard', 'priority', 'mostly_return', 9,  'mostly return'),
    ('standard', 'priority', 'return',        12, 'return only'),
    ('standard', 'knowledge', 'none',  0, 'not at all'),
    ('standard', 'knowledge', 'basic', 2, 'the basics'),
    ('standard', 'knowledge', 'good',  4, 'well'),
    ('standard', 'experience', 'none',      0, 'never'),
    ('standard', 'experience', 'under_3',   2, 'less than three years'),
    ('standard', 'experience', '3_or_more', 4, 'three years or more'),
    ('standard', 'complex', 'never',        0, 'never'),
    ('standard', 'complex', 'occasionally', 2, 'a few times'),
    ('standard', 'complex', 'regularly',    4, 'regularly');
INSERT INTO risk.questionnaire_conflict VALUES
    ('standard', 'objective', 'preserve', 'loss', 'over_20', 'objective_contradicts_loss'),
    ('standard', 'objective', 'preserve', 'priority', 'return', 'objective_contradicts_priority'),
    ('standard', 'fall', 'sell_all', 'objective', 'max_growth', 'reaction_contradicts_objective'),
    ('standard', 'knowledge', 'none', 'complex', 'regularly', 'experience_contradicts_knowledge');
INSERT INTO risk.capacity_policy (policy, description) VALUES
    ('standard', 'The project''s sample policy: the defaults of every rule');

SELECT pg_catalog.pg_extension_config_dump('risk.questionnaire', 'WHERE questionnaire <> ''standard''');
SELECT pg_catalog.pg_extension_config_dump('risk.questionnaire_item', 'WHERE questionnaire <> ''standard''');
SELECT pg_catalog.pg_extension_config_dump('risk.questionnaire_answer', 'WHERE questionnaire <> ''standard''');
SELECT pg_catalog.pg_extension_config_dump('risk.questionnaire_conflict', 'WHERE questionnaire <> ''standard''');
SELECT pg_catalog.pg_extension_config_dump('risk.capacity_policy', 'WHERE policy <> ''standard''');

CREATE TYPE risk.risk_profile AS (
    willingness_score  float8,
    willingness_class  int,
    knowledge_score    float8,
    complex_ok         boolean,
    capacity_score     float8,
    capacity_class     int,
    risk_class         int,
    binding            text,
    horizon_years      float8,
    max_loss           float8,
    tolerated_loss     float8,
    tolerated_share    float8,
    debt_service_ratio float8,
    reserve            float8,
    flags              text[]
);
COMMENT ON TYPE risk.risk_profile IS
'A customer''s risk profile (risk.risk_profile): willingness score (0 to 100) and class, knowledge score and whether complex products are allowed, capacity score (100 x the largest bearable loss over a year / investable wealth) and class, the profile''s class 1 to 7 (the lower of the two: capacity caps willingness), which constraint binds (willingness, capacity or both), the horizon, the largest loss the customer can bear over a year, the loss tolerated (that, capped at the top of the class''s band) in money and as a share of investable wealth, the debt service ratio, the emergency reserve needed, and flags for answers or a situation that contradict each other';

CREATE FUNCTION risk.risk_profile(answers jsonb, situation jsonb,
                                  questionnaire text DEFAULT 'standard', policy text DEFAULT 'standard')
    RETURNS risk.risk_profile
    AS 'MODULE_PATHNAME', 'risk_risk_profile' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.risk_profile(jsonb, jsonb, text, text) IS
'The risk profile of a customer from the answers to a questionnaire (a JSON object item -> answer id; a required item must be answered, JSON null or an absent key leaves an optional one unanswered) and the situation (a JSON object: horizon_years, annual_income, income_stability (stable, variable, none), investable_wealth, monthly_expenses, and optionally monthly_debt_service, dependants, emergency_reserve; amounts in one currency, none negative) by a capacity policy; an unknown item, answer or key is an error; the questionnaire and the policy are read once per statement';

-- ---------------------------------------------------------------------
-- Suitability and its audit trail
-- ---------------------------------------------------------------------

CREATE TYPE risk.suitability AS (
    verdict text,
    factors text[],
    reasons jsonb
);
COMMENT ON TYPE risk.suitability IS
'The result of a suitability check: the verdict (suitable, suitable with warning, not suitable), the factors that failed or warned (risk_class, holding_period, knowledge, concentration, loss_capacity), and the reasons as a JSON array of {factor, holding (1-based; null for the portfolio), severity (fail or warning), value, limit}';

CREATE FUNCTION risk.suitability(profile risk.risk_profile, risk_class int[], holding_period float8[],
                                 complex boolean[], weight float8[] DEFAULT NULL,
                                 portfolio_loss float8 DEFAULT NULL, options jsonb DEFAULT NULL)
    RETURNS risk.suitability
    AS 'MODULE_PATHNAME', 'risk_suitability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.suitability(risk.risk_profile, int[], float8[], boolean[], float8[], float8, jsonb) IS
'Suitability of a product (arrays of one) or a proposed portfolio for a customer''s profile: each holding''s risk class (1 to 7: the PRIIPs SRI or MRM) above the profile''s class, its recommended holding period (years) beyond the horizon, or a complex product without the knowledge fails; a holding''s share of the weights above max_weight (option, 0.4) warns; portfolio_loss (the portfolio''s loss over a year, money) above the tolerated loss fails, above loss_warning (option, 0.8) of it warns; NULL when the profile or a holding array is NULL; records nothing (risk.check_suitability records)';

CREATE TABLE risk.suitability_audit (
    id          bigserial   PRIMARY KEY,
    checked_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    checked_by  name        NOT NULL DEFAULT current_user,
    customer    text        NOT NULL,
    inputs      jsonb       NOT NULL,
    verdict     text        NOT NULL CHECK (verdict IN ('suitable', 'suitable with warning', 'not suitable')),
    factors     text[]      NOT NULL,
    reasons     jsonb       NOT NULL
);
COMMENT ON TABLE risk.suitability_audit IS
'The record of every suitability check made through risk.check_suitability: when and by whom (the role that ran it: the levels may insert every column but these two, which take their defaults), for which customer, the inputs (profile, holdings, options), the verdict and its reasons; append-only: updates, deletes and truncation are refused; kept by pg_dump as written';
SELECT pg_catalog.pg_extension_config_dump('risk.suitability_audit', '');
SELECT pg_catalog.pg_extension_config_dump('risk.suitability_audit_id_seq', '');
REVOKE ALL ON SEQUENCE risk.suitability_audit_id_seq FROM PUBLIC;

CREATE FUNCTION risk_internal._audit_refuse() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'risk.suitability_audit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'A suitability record is kept as it was written; record a new check instead.';
END
$$;
COMMENT ON FUNCTION risk_internal._audit_refuse() IS
'Support function of risk.suitability_audit: refuse UPDATE, DELETE and TRUNCATE';

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON risk.suitability_audit
    FOR EACH ROW EXECUTE FUNCTION risk_internal._audit_refuse();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON risk.suitability_audit
    FOR EACH STATEMENT EXECUTE FUNCTION risk_internal._audit_refuse();
REVOKE ALL ON risk.suitability_audit FROM PUBLIC;

CREATE FUNCTION risk.check_suitability(customer text, profile risk.risk_profile, risk_class int[],
                                       holding_period float8[], complex boolean[],
                                       weight float8[] DEFAULT NULL, portfolio_loss float8 DEFAULT NULL,
                                       options jsonb DEFAULT NULL)
    RETURNS risk.suitability
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r risk.suitability;
BEGIN
    IF customer IS NULL OR profile IS NULL OR risk_class IS NULL OR holding_period IS NULL OR complex IS NULL THEN
        RAISE EXCEPTION 'risk.check_suitability: the customer, the profile and the holdings must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    r := risk.suitability(profile, risk_class, holding_period, complex, weight, portfolio_loss, options);
    INSERT INTO risk.suitability_audit (customer, inputs, verdict, factors, reasons)
    VALUES (customer,
            jsonb_build_object('profile', to_jsonb(profile), 'risk_class', to_jsonb(risk_class),
                               'holding_period', to_jsonb(holding_period), 'complex', to_jsonb(complex),
                               'weight', to_jsonb(weight), 'portfolio_loss', to_jsonb(portfolio_loss),
                               'options', options),
            r.verdict, r.factors, r.reasons);
    RETURN r;
END
$$;
COMMENT ON FUNCTION risk.check_suitability(text, risk.risk_profile, int[], float8[], boolean[], float8[], float8, jsonb) IS
'risk.suitability, recorded: the check, its inputs, verdict and reasons are appended to risk.suitability_audit with the time and the role that made it; the caller needs INSERT on that table (risk.grant_analyst gives it)';

-- ---------------------------------------------------------------------
-- Recommendations
-- ---------------------------------------------------------------------

CREATE FUNCTION risk.recommend_products(profile risk.risk_profile, products text[], risk_classes int[],
                                        holding_periods float8[], complex boolean[],
                                        expected_returns float8[], volatilities float8[])
    RETURNS TABLE (rank int, product text, risk_class int, expected_return float8, volatility float8,
                   return_per_risk float8)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int := cardinality(products);
BEGIN
    IF profile IS NULL OR products IS NULL OR risk_classes IS NULL OR holding_periods IS NULL OR complex IS NULL
       OR expected_returns IS NULL OR volatilities IS NULL THEN
        RETURN;
    END IF;
    IF cardinality(risk_classes) <> n OR cardinality(holding_periods) <> n OR cardinality(complex) <> n
       OR cardinality(expected_returns) <> n OR cardinality(volatilities) <> n THEN
        RAISE EXCEPTION 'risk.recommend_products: the arrays must have one value per product (% products; risk_classes %, holding_periods %, complex %, expected_returns %, volatilities %)',
                n, cardinality(risk_classes), cardinality(holding_periods), cardinality(complex),
                cardinality(expected_returns), cardinality(volatilities)
            USING ERRCODE = 'array_subscript_error';
    END IF;
    IF array_position(products, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'risk.recommend_products: product % is NULL', array_position(products, NULL)
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    FOR i IN 1 .. n LOOP
        IF expected_returns[i] IS NULL OR NOT expected_returns[i] BETWEEN -1 AND 1e6 THEN
            RAISE EXCEPTION 'risk.recommend_products: expected return of product "%" must be a finite yearly return above -1, got %',
                    products[i], coalesce(expected_returns[i]::text, 'NULL')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF volatilities[i] IS NULL OR NOT (volatilities[i] > 0 AND volatilities[i] < 'infinity') THEN
            RAISE EXCEPTION 'risk.recommend_products: volatility of product "%" must be positive and finite, got %',
                    products[i], coalesce(volatilities[i]::text, 'NULL')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    RETURN QUERY
    SELECT (row_number() OVER (ORDER BY u.r / u.v DESC, u.p))::int, u.p, u.c, u.r, u.v, u.r / u.v
    FROM unnest(products, risk_classes, holding_periods, complex, expected_returns, volatilities) u(p, c, h, x, r, v)
    WHERE (risk.suitability(profile, ARRAY[u.c], ARRAY[u.h], ARRAY[u.x])).verdict <> 'not suitable'
    ORDER BY 1;
END
$$;
COMMENT ON FUNCTION risk.recommend_products(risk.risk_profile, text[], int[], float8[], boolean[], float8[], float8[]) IS
'The products suitable for a customer''s profile (risk.suitability of each alone: class, holding period, knowledge), ranked by expected yearly return per unit of volatilities (the PRIIPs VEV or the yearly volatilities), highest first, ties by name; one array element per product';

CREATE TYPE risk.rebalance_result AS (
    products       text[],
    before         float8[],
    after          float8[],
    loss_before    float8,
    loss_after     float8,
    verdict_before text,
    verdict_after  text,
    factors_after  text[]
);
COMMENT ON TYPE risk.rebalance_result IS
'The result of risk.rebalance: the products (the holdings, then the safe product if it was not held), their amounts before and after, the portfolio''s one-year loss (risk.portfolio_risk''s horizon_var) before and after, and the suitability verdict before and after with the factors left after';

-- The one-year loss of amounts a[] over the rows of rets (holdings x days).
CREATE FUNCTION risk_internal._rebalance_loss(a float8[], rets float8[], options jsonb) RETURNS float8
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (SELECT (risk.portfolio_risk(a[i], (SELECT array_agg(x ORDER BY k)
                                           FROM unnest(rets[i:i][:]) WITH ORDINALITY u(x, k)),
                                    options)).horizon_var
        FROM generate_subscripts(a, 1) i WHERE a[i] > 0);
COMMENT ON FUNCTION risk_internal._rebalance_loss(float8[], float8[], jsonb) IS
'Support function of risk.rebalance: the one-year loss (horizon_var of risk.portfolio_risk with the options) of the amounts a over the holdings'' returns, the rows of rets; holdings with nothing in them left out';

CREATE FUNCTION risk.rebalance(profile risk.risk_profile, products text[], amounts float8[], returns float8[],
                               risk_classes int[], holding_periods float8[], complex boolean[],
                               safe_product text, safe_returns float8[], safe_class int,
                               safe_holding_period float8, options jsonb DEFAULT NULL)
    RETURNS risk.rebalance_result
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int := cardinality(products);
    days int;
    opts jsonb := jsonb_build_object('horizon_days', 252, 'n_paths', 2000, 'seed', 1)
                  || coalesce(options, '{}'::jsonb);
    p text[];
    a float8[];
    rets float8[];
    cls int[];
    rhp float8[];
    cx boolean[];
    s int;
    res risk.rebalance_result;
    loss float8;
    unit float8[];
    tol float8;
    r int;
    lo float8;
    hi float8;
    moved float8;
    trial float8[];
    ok boolean;
BEGIN
    IF profile IS NULL OR products IS NULL OR amounts IS NULL OR returns IS NULL OR risk_classes IS NULL
       OR holding_periods IS NULL OR complex IS NULL OR safe_product IS NULL OR safe_returns IS NULL
       OR safe_class IS NULL OR safe_holding_period IS NULL THEN
        RAISE EXCEPTION 'risk.rebalance: no argument but options may be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF n = 0 OR cardinality(amounts) <> n OR cardinality(risk_classes) <> n OR cardinality(holding_periods) <> n
       OR cardinality(complex) <> n OR array_ndims(returns) <> 2 OR array_length(returns, 1) <> n THEN
        RAISE EXCEPTION 'risk.rebalance: one value per holding and one row of returns per holding (% products; amounts %, risk_classes %, holding_periods %, complex %, rows of returns %)',
                n, cardinality(amounts), cardinality(risk_classes), cardinality(holding_periods),
                cardinality(complex), coalesce(array_length(returns, 1), 0)
            USING ERRCODE = 'array_subscript_error';
    END IF;
    days := array_length(returns, 2);
    IF array_ndims(safe_returns) <> 1 OR cardinality(safe_returns) <> days THEN
        RAISE EXCEPTION 'risk.rebalance: the safe product''s returns have % days, the holdings'' %',
                cardinality(safe_returns), days
            USING ERRCODE = 'array_subscript_error';
    END IF;
    IF (risk.suitability(profile, ARRAY[safe_class], ARRAY[safe_holding_period], ARRAY[false])).verdict <> 'suitable' THEN
        RAISE EXCEPTION 'risk.rebalance: the safe product "%" is not suitable for the profile itself (class %, holding period %)',
                safe_product, safe_class, safe_holding_period
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Choose a product of a class at most the profile''s, held for no longer than the horizon.';
    END IF;
    -- the holdings, and the safe product as a holding (merged if held)
    p := products; a := amounts; rets := returns; cls := risk_classes; rhp := holding_periods; cx := complex;
    s := array_position(p, safe_product);
    IF s IS NULL THEN
        p := p || safe_product; a := a || 0::float8; cls := cls || safe_class;
        rhp := rhp || safe_holding_period; cx := cx || false;
        rets := rets || ARRAY[safe_returns];
        s := n + 1;
    END IF;
    res.products := p;
    res.before := a;
    tol := profile.tolerated_loss;
    loss := risk_internal._rebalance_loss(a, rets, opts);
    res.loss_before := loss;
    res.verdict_before := (risk.suitability(profile, risk_classes, holding_periods, complex, amounts, loss)).verdict;
    -- 1. what fails on its own goes to the safe product, all of it
    FOR i IN 1 .. cardinality(p) LOOP
        IF i <> s AND a[i] > 0
           AND (risk.suitability(profile, ARRAY[cls[i]], ARRAY[rhp[i]], ARRAY[cx[i]])).verdict = 'not suitable' THEN
            a[s] := a[s] + a[i];
            a[i] := 0;
        END IF;
    END LOOP;
    -- 2. then, while the one-year loss is beyond the tolerated loss, from
    --    the riskiest holding (the largest 1-day VaR per unit held) the
    --    least that brings it within, to a thousandth of the holding
    loss := risk_internal._rebalance_loss(a, rets, opts);
    unit := '{}';
    FOR i IN 1 .. cardinality(p) LOOP
        unit := unit || (SELECT (risk.portfolio_risk(1, (SELECT array_agg(x ORDER BY k)
                                                        FROM unnest(rets[i:i][:]) WITH ORDINALITY u(x, k)),
                                                     opts || '{"n_paths": 0}')).var);
    END LOOP;
    WHILE loss > tol LOOP
        SELECT i INTO r FROM generate_subscripts(a, 1) i
        WHERE i <> s AND a[i] > 0 ORDER BY unit[i] DESC, i LIMIT 1;
        EXIT WHEN r IS NULL;
        trial := a;
        trial[s] := a[s] + a[r];
        trial[r] := 0;
        IF risk_internal._rebalance_loss(trial, rets, opts) > tol THEN
            a := trial;
        ELSE
            lo := 0; hi := 1;
            WHILE hi - lo > 1e-3 LOOP
                moved := (lo + hi) / 2;
                trial := a;
                trial[s] := a[s] + moved * a[r];
                trial[r] := (1 - moved) * a[r];
                ok := risk_internal._rebalance_loss(trial, rets, opts) <= tol;
                IF ok THEN hi := moved; ELSE lo := moved; END IF;
            END LOOP;
            trial := a;
            trial[s] := a[s] + hi * a[r];
            trial[r] := (1 - hi) * a[r];
            a := trial;
        END IF;
        loss := risk_internal._rebalance_loss(a, rets, opts);
    END LOOP;
    res.after := a;
    res.loss_after := loss;
    -- the verdict after over what is still held
    SELECT x.verdict, x.factors INTO res.verdict_after, res.factors_after
    FROM (SELECT array_agg(cls[i] ORDER BY i) AS c, array_agg(rhp[i] ORDER BY i) AS h,
                 array_agg(cx[i] ORDER BY i) AS k, array_agg(a[i] ORDER BY i) AS w
          FROM generate_subscripts(a, 1) i WHERE a[i] > 0) held,
         risk.suitability(profile, held.c, held.h, held.k, held.w, loss) x;
    RETURN res;
END
$$;
COMMENT ON FUNCTION risk.rebalance(risk.risk_profile, text[], float8[], float8[], int[], float8[], boolean[], text, float8[], int, float8, jsonb) IS
'A small rebalancing that makes a portfolio fit its profile: every holding unsuitable on its own (class, holding period, knowledge) moves to the safe product; then, while the portfolio''s one-year loss (risk.portfolio_risk''s horizon_var with options: horizon_days 252, n_paths 2000, seed 1 unless given) is above the tolerated loss, the least share (to 1/1000) of the riskiest holding (largest 1-day VaR per unit) that brings it within moves to the safe product, holding after holding; returns the amounts and the loss before and after and the verdicts; returns is holdings x days (a row per holding, on one calendar), the safe product''s own returns on the same days';

-- Explainable and fair credit decisions (explain): reason codes of a
-- scorecard, exact per-feature contributions (Shapley values) of logistic
-- and neural-network PD models, and fairness metrics by group.
-- docs/explain.md explains every object.

-- ---------------------------------------------------------------------
-- Reason codes
-- ---------------------------------------------------------------------

-- A scorecard as configuration (the PMML Scorecard model's parts): each
-- characteristic with its reason code and baseline, each bin (PMML's
-- attribute) with its points and, optionally, a reason code of its own.
-- The functions read a scorecard once per statement, with the caller's
-- privileges, as risk.grade reads a master scale.

CREATE TABLE risk.scorecard (
    scorecard        text   PRIMARY KEY,
    initial_score    float8 NOT NULL DEFAULT 0,
    reason_algorithm text   NOT NULL DEFAULT 'points_below',
    baseline_method  text   NOT NULL DEFAULT 'max',
    description      text,
    CHECK (initial_score > '-Infinity' AND initial_score < 'Infinity'),
    CHECK (reason_algorithm IN ('points_below', 'points_above')),
    CHECK (baseline_method IN ('max', 'min', 'given'))
);
COMMENT ON TABLE risk.scorecard IS
'Scorecards (PMML Scorecard): the score is initial_score plus the points of the bin each characteristic''s value falls in; reason codes rank the characteristics by points below their baseline (points_below, for a low score that is bad) or above it (points_above, for a high score that is bad); the baseline of each characteristic is its highest bin''s points (max), its lowest (min) or its own baseline (given), unless a call gives baselines (the population mean, the Regulation B average: risk.scorecard_baseline); kept by pg_dump';

CREATE TABLE risk.scorecard_characteristic (
    scorecard      text    NOT NULL REFERENCES risk.scorecard ON UPDATE CASCADE ON DELETE CASCADE,
    characteristic text    NOT NULL,
    position       int     NOT NULL,
    reason_code    text    NOT NULL,
    baseline       float8,
    right_closed   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (scorecard, characteristic),
    UNIQUE (scorecard, position),
    CHECK (baseline > '-Infinity' AND baseline < 'Infinity')
);
COMMENT ON TABLE risk.scorecard_characteristic IS
'The characteristics of a scorecard, in position order (the order of the applicant''s values in risk.scorecard_baseline and of equal reasons), each with its reason code and, for baseline_method given, its baseline; its numeric bins are [lower, upper), or (lower, upper] when right_closed';

CREATE TABLE risk.scorecard_bin (
    scorecard      text    NOT NULL,
    characteristic text    NOT NULL,
    bin            int     NOT NULL,
    lower          float8,
    upper          float8,
    category       text,
    missing        boolean NOT NULL DEFAULT false,
    points         float8  NOT NULL,
    reason_code    text,
    PRIMARY KEY (scorecard, characteristic, bin),
    FOREIGN KEY (scorecard, characteristic) REFERENCES risk.scorecard_characteristic
        ON UPDATE CASCADE ON DELETE CASCADE,
    CHECK (points > '-Infinity' AND points < 'Infinity'),
    CHECK (lower > '-Infinity' AND lower < 'Infinity' AND upper > '-Infinity' AND upper < 'Infinity'),
    CHECK (NOT (lower >= upper)),
    -- a bin is one of: the missing value's, a category, an interval (NULL bounds: unbounded)
    CHECK (CASE WHEN missing THEN category IS NULL AND lower IS NULL AND upper IS NULL
                WHEN category IS NOT NULL THEN lower IS NULL AND upper IS NULL
                ELSE true END)
);
COMMENT ON TABLE risk.scorecard_bin IS
'The bins (PMML attributes) of a characteristic, tried in bin order: the first that holds the value gives its points: a missing bin holds a missing value (JSON null or no key), a category bin a JSON string equal to category, an interval bin a JSON number in [lower, upper) or (lower, upper] (a NULL bound is unbounded); reason_code, when set, is the reason code of the bin instead of the characteristic''s (PMML''s attribute reason code)';

SELECT pg_catalog.pg_extension_config_dump('risk.scorecard', '');
SELECT pg_catalog.pg_extension_config_dump('risk.scorecard_characteristic', '');
SELECT pg_catalog.pg_extension_config_dump('risk.scorecard_bin', '');

CREATE FUNCTION risk.scorecard_points(scorecard text, applicant jsonb) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_scorecard_points' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.scorecard_points(text, jsonb) IS
'The score of an applicant (a JSON object characteristic -> value: a number, a string, or null for missing; a characteristic left out is missing) by a scorecard: initial_score plus the points of the first bin of each characteristic that holds its value; a value no bin holds, or a key that is no characteristic of the scorecard, is an error';

CREATE FUNCTION risk.reason_codes(scorecard text, applicant jsonb, max_reasons int DEFAULT 4,
                                  baseline float8[] DEFAULT NULL)
    RETURNS TABLE (rank int, reason_code text, characteristic text, value text, bin int,
                   points float8, baseline float8, points_lost float8)
    AS 'MODULE_PATHNAME', 'risk_reason_codes' LANGUAGE C STABLE PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION risk.reason_codes(text, jsonb, int, float8[]) IS
'The principal reasons for an applicant''s score (PMML Scorecard reason codes): for each characteristic the points lost, baseline - points (points_below) or points - baseline (points_above), summed over the characteristics that share a reason code; the codes with points lost above 0, most first (equal ones in the order of the characteristics), at most max_reasons (4); each with the characteristic that lost most under it, its value (as text; NULL when missing), bin, points and baseline; baseline, when given, holds one baseline per characteristic in position order (the population mean or the Regulation B average of risk.scorecard_baseline) instead of the scorecard''s method';

CREATE FUNCTION risk.reason_code_array(scorecard text, applicant jsonb, max_reasons int DEFAULT 4,
                                       baseline float8[] DEFAULT NULL)
    RETURNS text[]
    AS 'MODULE_PATHNAME', 'risk_reason_code_array' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.reason_code_array(text, jsonb, int, float8[]) IS
'The reason codes of risk.reason_codes as an array, most points lost first (an empty array when no characteristic lost points), for a column of a BI view';

CREATE FUNCTION risk_internal._scorecard_baseline_accum(float8[], text, jsonb) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_scorecard_baseline_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._scorecard_baseline_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_scorecard_baseline_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._scorecard_baseline_final(float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_scorecard_baseline_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._scorecard_baseline_accum(float8[], text, jsonb) IS 'Support function of risk.scorecard_baseline: transition (adds the points of each characteristic)';
COMMENT ON FUNCTION risk_internal._scorecard_baseline_combine(float8[], float8[]) IS 'Support function of risk.scorecard_baseline: combine (adds the counts and the sums)';
COMMENT ON FUNCTION risk_internal._scorecard_baseline_final(float8[]) IS 'Support function of risk.scorecard_baseline: final (the means)';

CREATE AGGREGATE risk.scorecard_baseline(scorecard text, applicant jsonb) (
    SFUNC = risk_internal._scorecard_baseline_accum, STYPE = float8[],
    COMBINEFUNC = risk_internal._scorecard_baseline_combine,
    FINALFUNC = risk_internal._scorecard_baseline_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.scorecard_baseline(text, jsonb) IS
'The mean points of each characteristic of a scorecard (in position order) over the applicants aggregated: over the whole population, the mean baseline; over the applicants whose score is at or just above the cut-off (FILTER), the Regulation B baseline (12 CFR 1002, Supplement I, 9(b)(2)-5); a baseline for risk.reason_codes; rows with a NULL argument are left out; NULL without rows';

-- ---------------------------------------------------------------------
-- Shapley values
-- ---------------------------------------------------------------------

CREATE TYPE risk.shapley_values AS (
    base          float8,
    prediction    float8,
    contributions float8[]
);
COMMENT ON TYPE risk.shapley_values IS
'Exact interventional Shapley values of a model''s output f for one applicant: base = the mean of f over the background, prediction = f(x), contributions = one per feature in the model''s order, adding up to prediction - base';

-- COST 10000: an enumeration is milliseconds a call (10 features, 100
-- background rows: about 1.5 ms), so that the planner runs a query that
-- calls it row by row in parallel workers
CREATE FUNCTION risk.shapley(model risk.mlp, x float8[], background float8[],
                             scale text DEFAULT 'probability') RETURNS risk.shapley_values
    AS 'MODULE_PATHNAME', 'risk_shapley_mlp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION risk.shapley(risk.mlp, float8[], float8[], text) IS
'Exact interventional Shapley values of a network''s PD (scale ''probability'') or output before the logistic function (''log_odds'') for features x (raw) against background, a two-dimensional array of raw rows (rows x features): every coalition S of the features is valued as the mean over the background rows b of f(x on S, b elsewhere), all 2^d coalitions enumerated (at most 14 features); model and background are prepared once per query';

CREATE FUNCTION risk.shapley(model risk.logit_model, x float8[], background float8[],
                             scale text DEFAULT 'log_odds') RETURNS risk.shapley_values
    AS 'MODULE_PATHNAME', 'risk_shapley_logit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.shapley(risk.logit_model, float8[], float8[], text) IS
'Exact interventional Shapley values of a logistic model for features x against background (rows x features): on the log-odds scale (default) the closed form beta_j (x_j - background mean of x_j), any number of features; on the probability scale (''probability'') the enumeration of all 2^d coalitions (at most 14 features), which is not the log-odds values rescaled';

CREATE FUNCTION risk.shapley_table(s risk.shapley_values, names text[] DEFAULT NULL)
    RETURNS TABLE (feature int, name text, contribution float8, rank int)
    AS 'MODULE_PATHNAME', 'risk_shapley_table' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION risk.shapley_table(risk.shapley_values, text[]) IS
'The contributions of risk.shapley as rows: feature position (1-based), its name from names (in the model''s order; NULL: none), contribution, and rank by absolute contribution (1 the largest, ties in feature order); no row for a NULL value';

-- ---------------------------------------------------------------------
-- Fairness by group
-- ---------------------------------------------------------------------

-- risk.fairness: an aggregate over credit decisions, one row each: the
-- group (a sex, an age band...), the decision (true: declined), the
-- outcome (true: defaulted) and, in the longer forms, the PD.  The state
-- holds each group's 2x2 table of (declined, defaulted) counts, the sum of
-- its PDs and the PDs themselves (for the AUC); partial states add their
-- tables and concatenate their PDs.  The final function sorts each group's
-- PDs in place, which a second call of it finds as they were left
-- (SHAREABLE).

CREATE TYPE risk.fairness_report AS (
    groups                              text[],
    n                                   int8[],
    declined                            int8[],
    defaults                            int8[],
    selection_rate                      float8[],
    tpr                                 float8[],
    fpr                                 float8[],
    default_rate                        float8[],
    n_pd                                int8[],
    mean_pd                             float8[],
    pd_default_rate                     float8[],
    auc                                 float8[],
    rows                                int8,
    rows_left_out                       int8,
    worst_group                         text,
    demographic_parity_difference       float8,
    demographic_parity_difference_lo    float8,
    demographic_parity_difference_hi    float8,
    demographic_parity_ratio            float8,
    demographic_parity_ratio_lo         float8,
    demographic_parity_ratio_hi         float8,
    equalized_odds_difference           float8,
    equalized_odds_difference_lo        float8,
    equalized_odds_difference_hi        float8,
    equalized_odds_ratio                float8,
    equalized_odds_ratio_lo             float8,
    equalized_odds_ratio_hi             float8,
    equal_opportunity_difference        float8,
    equal_opportunity_difference_lo     float8,
    equal_opportunity_difference_hi     float8,
    n_boot                              int4,
    level                               float8,
    seed                                int8
);
COMMENT ON TYPE risk.fairness_report IS
'Result of risk.fairness.  Per group, arrays in the order of groups (byte order, COLLATE "C"): rows n, declines, defaults, selection_rate (decline rate), tpr (declined among defaults), fpr (declined among non-defaults), default_rate; with a PD column: n_pd (rows with a PD), mean_pd, pd_default_rate (default rate of those rows, to compare with mean_pd), auc (of the PD against the default, ties one half); an element is NULL where its denominator is 0 (tpr of a group without a default, fpr of a group without a non-default, the AUC of a group with one class).  Then the rows counted and left out (NULL group, decision or outcome), the worst-off group (highest decline rate), the across-group metrics demographic parity difference (max - min selection rate) and ratio (min / max), equalized odds difference (the larger of the TPR and FPR differences) and ratio (the smaller of the TPR and FPR ratios), equal opportunity difference (TPR max - min), each with its percentile bootstrap interval (_lo, _hi; NULL without a bootstrap), and the bootstrap''s n_boot, level and seed';

CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_fairness_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_final(internal) RETURNS risk.fairness_report
    AS 'MODULE_PATHNAME', 'risk_fairness_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean) IS 'Support function of risk.fairness: transition (counts the row in its group''s table of declined x defaulted)';
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8) IS 'Support function of risk.fairness with a PD: transition (the table, and the PD kept by outcome)';
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8, jsonb) IS 'Support function of risk.fairness with a PD and options: transition';
COMMENT ON FUNCTION risk_internal._fairness_combine(internal, internal) IS 'Support function of risk.fairness: combine (adds the tables, concatenates the PDs)';
COMMENT ON FUNCTION risk_internal._fairness_serialize(internal) IS 'Support function of risk.fairness: serialize a partial state';
COMMENT ON FUNCTION risk_internal._fairness_deserialize(bytea, internal) IS 'Support function of risk.fairness: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._fairness_final(internal) IS 'Support function of risk.fairness: final (rates, AUC, across-group metrics, the bootstrap)';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean) IS
'Fairness of credit decisions by group (fairlearn''s metrics), with the default options (a stratified bootstrap of 1000 replicates, level 0.95, seed 1): grp the group, declined true for a declined application (the positive prediction), defaulted true for a default (the positive class); a row with a NULL group, decision or outcome is left out and counted in rows_left_out; NULL without a counted row.  Cast a group of another type to text';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean, pd float8) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean, float8) IS
'risk.fairness with the PD of each decision (a fraction from 0 to 1), default options: also per group the AUC of the PD against the default (ties one half) and the mean PD against the default rate; a row with a NULL PD counts in the decision metrics and is left out of the PD''s (n_pd counts the rows with one)';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean, pd float8, options jsonb) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean, float8, jsonb) IS
'risk.fairness with a PD (NULL::float8 for none) and options, a JSON object the same for every row (NULL or {} for the defaults): n_boot (replicates of the stratified bootstrap, 0 to 1,000,000; default 1000; 0: no intervals), level (of the intervals, at least 0.5 and below 1; default 0.95), seed (1 to 4294967295; default 1)';

CREATE FUNCTION risk.fairness_groups(report risk.fairness_report)
RETURNS TABLE (grp text, n int8, declined int8, defaults int8, selection_rate float8, tpr float8,
               fpr float8, default_rate float8, n_pd int8, mean_pd float8, pd_default_rate float8,
               auc float8, worst boolean, note text)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
SELECT u.grp, u.n, u.declined, u.defaults, u.selection_rate, u.tpr, u.fpr, u.default_rate,
       u.n_pd, u.mean_pd, u.pd_default_rate, u.auc, u.grp = ($1).worst_group,
       CASE WHEN u.defaults = 0 THEN 'no default in the group: tpr'
                 || CASE WHEN ($1).auc IS NOT NULL THEN ' and auc' ELSE '' END || ' undefined'
            WHEN u.defaults = u.n THEN 'only defaults in the group: fpr'
                 || CASE WHEN ($1).auc IS NOT NULL THEN ' and auc' ELSE '' END || ' undefined'
            WHEN ($1).auc IS NOT NULL AND u.n_pd = 0 THEN 'no PD in the group: mean_pd and auc undefined'
            WHEN ($1).auc IS NOT NULL AND u.auc IS NULL THEN 'the rows with a PD have one outcome only: auc undefined'
       END
FROM unnest(($1).groups, ($1).n, ($1).declined, ($1).defaults, ($1).selection_rate, ($1).tpr,
            ($1).fpr, ($1).default_rate, ($1).n_pd, ($1).mean_pd, ($1).pd_default_rate, ($1).auc)
     WITH ORDINALITY AS u(grp, n, declined, defaults, selection_rate, tpr, fpr, default_rate,
                          n_pd, mean_pd, pd_default_rate, auc, i)
ORDER BY u.i
$$;
COMMENT ON FUNCTION risk.fairness_groups(risk.fairness_report) IS
'One row per group of a risk.fairness report, for BI tools: its counts and rates, worst (the group of the highest decline rate) and note, why a rate is NULL (no default: tpr; only defaults: fpr; and the AUC with them)';

-- ---------------------------------------------------------------------
-- Privileges (src/sql/99_privileges.sql)
-- ---------------------------------------------------------------------
-- Who may call what.  Nothing of the extension is executable by PUBLIC but
-- the few functions that row-level security and the SECURITY INVOKER
-- interface call on the caller's behalf: they check or wake, and reveal
-- nothing the caller may not see.  risk.grant_reader, grant_analyst and
-- grant_admin give the levels (docs/security.md).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA risk, risk_internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    risk_internal._may_manage(oid), risk_internal._may_read(oid),
    risk_internal._check_view(regclass, text), risk_internal._watched(regclass, text), risk_internal._wake(),
    risk_internal._check_table(regclass, text), risk_internal._check_role(regrole, text), risk_internal._masked(name, oid, text),
    risk_internal._check_digits(integer), risk_internal._admin_functions(), risk_internal._worker_functions(),
    risk.round_significant(float8, integer)
    TO PUBLIC;

-- the master scales are read by analysts and written by admins (grant_*)
REVOKE SELECT ON risk.master_scale FROM PUBLIC;
