-- risk 0.3.2 -> 0.3.3
--
-- A new area, Basel credit capital and portfolio credit risk (capital):
-- expected loss and the IRB capital of each exposure and of a portfolio,
-- concentration (Herfindahl-Hirschman index, granularity adjustment), the
-- loss distribution of a loan book (simulated Gaussian copula with Euler
-- contributions and importance sampling, CreditRisk+), and the liquidity
-- coverage and net stable funding ratios with their factors as tables.
-- The area's piece of the install script as it stands in 0.3.3 (new
-- objects only), the grant functions and the list of admin functions that
-- now also cover its tables and functions, and the privileges of the
-- install script again (what PUBLIC may execute).

\echo Use "ALTER EXTENSION risk UPDATE TO '0.3.3'" to load this file. \quit

-- Basel credit capital and portfolio credit risk (capital): expected loss
-- and the IRB risk weights per exposure and by portfolio, concentration,
-- the portfolio credit loss distribution (simulated Gaussian copula,
-- CreditRisk+), and the liquidity coverage and net stable funding ratios
-- from tagged positions.  docs/capital.md explains every object.

-- ---------------------------------------------------------------------
-- IRB capital: expected loss, risk weights, capital per exposure
-- ---------------------------------------------------------------------

CREATE FUNCTION risk.expected_loss(pd float8, lgd float8, ead float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_expected_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.expected_loss(float8, float8, float8) IS
'Expected loss of an exposure: pd x lgd x ead (pd and lgd fractions in [0, 1], ead a non-negative amount)';

CREATE TYPE risk.irb_capital_result AS (
    pd float8,
    correlation float8,
    maturity_adjustment float8,
    k float8,
    risk_weight float8,
    rwa float8,
    expected_loss float8,
    capital float8
);
COMMENT ON TYPE risk.irb_capital_result IS
'IRB capital of one exposure: the PD after the floor, the asset correlation, the maturity adjustment (1 where none applies), K per unit of EAD, the risk weight (12.5 K x scaling, 1 = 100%), RWA, expected loss and capital (8% of RWA)';

CREATE FUNCTION risk.irb_capital(pd float8, lgd float8, ead float8, asset_class text,
                                 maturity float8 DEFAULT 2.5, sales float8 DEFAULT NULL,
                                 options jsonb DEFAULT '{}') RETURNS risk.irb_capital_result
    AS 'MODULE_PATHNAME', 'risk_irb_capital' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.irb_capital(float8, float8, float8, text, float8, float8, jsonb) IS
'Basel IRB capital of one exposure (asset class corporate, sovereign, bank, mortgage, qrre, qrre_transactor or other_retail; maturity in years, 1 to 5; sales in EUR million for the SME adjustment of a corporate; options regime basel3|basel2, scaling, pd_floor, elbe); NULL when pd, lgd, ead or the class is NULL';

CREATE TYPE risk.irb_portfolio_result AS (
    exposures bigint,
    ead float8,
    expected_loss float8,
    rwa float8,
    capital float8,
    risk_weight float8
);
COMMENT ON TYPE risk.irb_portfolio_result IS
'IRB capital of a portfolio: the number of exposures, the sums of EAD, expected loss, RWA and capital, and the average risk weight RWA / EAD';

CREATE FUNCTION risk_internal._irb_portfolio_accum(float8[], float8, float8, float8, text) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_irb_portfolio_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._irb_portfolio_accum(float8[], float8, float8, float8, text, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_irb_portfolio_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._irb_portfolio_accum(float8[], float8, float8, float8, text, float8, float8, jsonb) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_irb_portfolio_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._capital_sums_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_capital_sums_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._irb_portfolio_final(float8[]) RETURNS risk.irb_portfolio_result
    AS 'MODULE_PATHNAME', 'risk_irb_portfolio_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._irb_portfolio_accum(float8[], float8, float8, float8, text) IS
'Support function of risk.irb_portfolio: transition (adds the exposure''s EAD, EL, RWA and capital, maturity 2.5)';
COMMENT ON FUNCTION risk_internal._irb_portfolio_accum(float8[], float8, float8, float8, text, float8) IS
'Support function of risk.irb_portfolio with maturity: transition';
COMMENT ON FUNCTION risk_internal._irb_portfolio_accum(float8[], float8, float8, float8, text, float8, float8, jsonb) IS
'Support function of risk.irb_portfolio with maturity, sales and options: transition';
COMMENT ON FUNCTION risk_internal._capital_sums_combine(float8[], float8[]) IS
'Support function of risk.irb_portfolio, risk.hhi and risk.granularity_adjustment: combine (adds the counts and the compensated sums of two partial states)';
COMMENT ON FUNCTION risk_internal._irb_portfolio_final(float8[]) IS
'Support function of risk.irb_portfolio: final';

CREATE AGGREGATE risk.irb_portfolio(pd float8, lgd float8, ead float8, asset_class text) (
    SFUNC = risk_internal._irb_portfolio_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0,0,0}',
    FINALFUNC = risk_internal._irb_portfolio_final, COMBINEFUNC = risk_internal._capital_sums_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.irb_portfolio(float8, float8, float8, text) IS
'IRB capital of a portfolio, maturity 2.5 years and the default options: the sums of EAD, expected loss, RWA and capital of risk.irb_capital over the rows (rows with a NULL pd, lgd, ead or class skipped)';
CREATE AGGREGATE risk.irb_portfolio(pd float8, lgd float8, ead float8, asset_class text, maturity float8) (
    SFUNC = risk_internal._irb_portfolio_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0,0,0}',
    FINALFUNC = risk_internal._irb_portfolio_final, COMBINEFUNC = risk_internal._capital_sums_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.irb_portfolio(float8, float8, float8, text, float8) IS
'IRB capital of a portfolio with each exposure''s maturity (years, 1 to 5) and the default options: sums of EAD, expected loss, RWA and capital';
CREATE AGGREGATE risk.irb_portfolio(pd float8, lgd float8, ead float8, asset_class text, maturity float8,
                                    sales float8, options jsonb) (
    SFUNC = risk_internal._irb_portfolio_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0,0,0}',
    FINALFUNC = risk_internal._irb_portfolio_final, COMBINEFUNC = risk_internal._capital_sums_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.irb_portfolio(float8, float8, float8, text, float8, float8, jsonb) IS
'IRB capital of a portfolio with maturity, sales (EUR million, SME corporates; NULL: none) and the options of risk.irb_capital: sums of EAD, expected loss, RWA and capital';

-- ---------------------------------------------------------------------
-- Concentration: Herfindahl-Hirschman index, granularity adjustment
-- ---------------------------------------------------------------------

CREATE FUNCTION risk_internal._hhi_accum(float8[], float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_hhi_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._hhi_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_hhi_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._hhi_accum(float8[], float8) IS
'Support function of risk.hhi: transition (adds the amount and its square)';
COMMENT ON FUNCTION risk_internal._hhi_final(float8[]) IS
'Support function of risk.hhi: final (sum of squares / square of the sum)';

CREATE AGGREGATE risk.hhi(amount float8) (
    SFUNC = risk_internal._hhi_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0}',
    FINALFUNC = risk_internal._hhi_final, COMBINEFUNC = risk_internal._capital_sums_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hhi(float8) IS
'Herfindahl-Hirschman index of exposure amounts (non-negative): the sum of the squared shares, from 1/n (equal amounts) to 1 (one name); NULL rows skipped, NULL for a zero total. By name or sector: sum the amounts per key first (docs/capital.md)';

CREATE FUNCTION risk_internal._ga_accum(float8[], float8, float8, float8, text) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ga_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._ga_accum(float8[], float8, float8, float8, text, float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ga_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._ga_accum(float8[], float8, float8, float8, text, float8, float8, jsonb) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_ga_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._ga_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_ga_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._ga_accum(float8[], float8, float8, float8, text) IS
'Support function of risk.granularity_adjustment: transition (adds EAD, EAD x K and EAD^2 x the exposure''s term)';
COMMENT ON FUNCTION risk_internal._ga_accum(float8[], float8, float8, float8, text, float8) IS
'Support function of risk.granularity_adjustment with maturity: transition';
COMMENT ON FUNCTION risk_internal._ga_accum(float8[], float8, float8, float8, text, float8, float8, jsonb) IS
'Support function of risk.granularity_adjustment with maturity, sales and options: transition';
COMMENT ON FUNCTION risk_internal._ga_final(float8[]) IS
'Support function of risk.granularity_adjustment: final';

CREATE AGGREGATE risk.granularity_adjustment(pd float8, lgd float8, ead float8, asset_class text) (
    SFUNC = risk_internal._ga_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0}',
    FINALFUNC = risk_internal._ga_final, COMBINEFUNC = risk_internal._capital_sums_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.granularity_adjustment(float8, float8, float8, text) IS
'Granularity adjustment of a loan book (Gordy and Luetkebohmert 2013, simplified formula; delta 4.83, gamma 0.25), as a fraction of the total EAD to add to the IRB capital rate K*; maturity 2.5; defaulted exposures (pd 1) left out';
CREATE AGGREGATE risk.granularity_adjustment(pd float8, lgd float8, ead float8, asset_class text, maturity float8) (
    SFUNC = risk_internal._ga_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0}',
    FINALFUNC = risk_internal._ga_final, COMBINEFUNC = risk_internal._capital_sums_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.granularity_adjustment(float8, float8, float8, text, float8) IS
'Granularity adjustment of a loan book with each exposure''s maturity (years, 1 to 5), as a fraction of the total EAD';
CREATE AGGREGATE risk.granularity_adjustment(pd float8, lgd float8, ead float8, asset_class text, maturity float8,
                                             sales float8, options jsonb) (
    SFUNC = risk_internal._ga_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0}',
    FINALFUNC = risk_internal._ga_final, COMBINEFUNC = risk_internal._capital_sums_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.granularity_adjustment(float8, float8, float8, text, float8, float8, jsonb) IS
'Granularity adjustment of a loan book with maturity, sales and options (those of risk.irb_capital, and delta and gamma), as a fraction of the total EAD';

-- ---------------------------------------------------------------------
-- Portfolio credit VaR: simulated loss distribution, CreditRisk+
-- ---------------------------------------------------------------------

CREATE TYPE risk.credit_var_result AS (
    loans           bigint,
    groups          bigint,
    scenarios       bigint,
    level           float8,
    shift           float8,
    expected_loss   float8,
    mean_loss       float8,
    mean_loss_se    float8,
    var             float8,
    var_se          float8,
    es              float8,
    es_se           float8,
    tail_scenarios  bigint
);
COMMENT ON TYPE risk.credit_var_result IS
'Result of risk.credit_var: loans, groups of loans with equal (pd, lgd, ead, rho), scenarios, level, shift (the mean of the systematic factor under the sampling measure; 0: plain sampling), expected_loss (analytic: sum of PD x LGD x EAD), mean_loss (simulated, weighted) and its standard error, VaR, ES (the weighted mean loss of the scenarios at or beyond VaR) and their standard errors by batch means (20 batches), tail_scenarios (scenarios at or beyond VaR); losses positive, in the unit of EAD';

CREATE TYPE risk.credit_contributions AS (
    var              float8,
    es               float8,
    exposure_id      bigint[],
    es_contribution  float8[]
);
COMMENT ON TYPE risk.credit_contributions IS
'Result of risk.credit_var_contributions: VaR and ES of the book, and the ES (Euler) contribution of each exposure, es_contribution[i] that of exposure_id[i] (sorted by id): its mean loss in the scenarios at or beyond VaR; the contributions add up to es';

CREATE TYPE risk.creditriskplus_result AS (
    loans          bigint,
    unit           float8,
    sigma2         float8,
    level          float8,
    expected_loss  float8,
    var            float8,
    es             float8
);
COMMENT ON TYPE risk.creditriskplus_result IS
'Result of risk.creditriskplus: loans, the exposure unit, the variance sigma2 of the sector factor (0: Poisson), level, expected_loss (unit x sum of PD x band), VaR (a multiple of unit) and ES (the mean loss at or beyond VaR)';

CREATE FUNCTION risk_internal._credit_var_accum(internal, float8, float8, float8, float8, jsonb)
    RETURNS internal AS 'MODULE_PATHNAME', 'risk_credit_var_accum' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_var_accum(internal, float8, float8, float8, float8, jsonb) IS
'Transition function of risk.credit_var: adds one loan (pd, lgd, ead, rho) to the book; options the same for every row';

CREATE FUNCTION risk_internal._credit_var_accum(internal, float8, float8, float8, float8)
    RETURNS internal AS 'MODULE_PATHNAME', 'risk_credit_var_accum' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_var_accum(internal, float8, float8, float8, float8) IS
'Transition function of risk.credit_var without options: adds one loan (pd, lgd, ead, rho) to the book';

CREATE FUNCTION risk_internal._credit_contrib_accum(internal, bigint, float8, float8, float8, float8, jsonb)
    RETURNS internal AS 'MODULE_PATHNAME', 'risk_credit_contrib_accum' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_contrib_accum(internal, bigint, float8, float8, float8, float8, jsonb) IS
'Transition function of risk.credit_var_contributions: adds one loan (exposure_id, pd, lgd, ead, rho) to the book';

CREATE FUNCTION risk_internal._credit_multi_accum(internal, float8, float8, float8, int, float8, jsonb)
    RETURNS internal AS 'MODULE_PATHNAME', 'risk_credit_multi_accum' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_multi_accum(internal, float8, float8, float8, int, float8, jsonb) IS
'Transition function of risk.credit_var_multifactor: adds one loan (pd, lgd, ead, sector, loading) to the book';

CREATE FUNCTION risk_internal._creditriskplus_accum(internal, float8, float8, float8, jsonb)
    RETURNS internal AS 'MODULE_PATHNAME', 'risk_creditriskplus_accum' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._creditriskplus_accum(internal, float8, float8, float8, jsonb) IS
'Transition function of risk.creditriskplus: adds one loan (pd, lgd, ead) to the book';

CREATE FUNCTION risk_internal._credit_book_combine(internal, internal)
    RETURNS internal AS 'MODULE_PATHNAME', 'risk_credit_book_combine' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_book_combine(internal, internal) IS
'Combine function of the loan book aggregates (risk.credit_var, risk.credit_var_contributions, risk.creditriskplus): appends the loans of one partial state to the other';

CREATE FUNCTION risk_internal._credit_book_serialize(internal)
    RETURNS bytea AS 'MODULE_PATHNAME', 'risk_credit_book_serialize' LANGUAGE C STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_book_serialize(internal) IS
'Serialize function of the loan book aggregates: a partial state as bytea';

CREATE FUNCTION risk_internal._credit_book_deserialize(bytea, internal)
    RETURNS internal AS 'MODULE_PATHNAME', 'risk_credit_book_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_book_deserialize(bytea, internal) IS
'Deserialize function of the loan book aggregates: a partial state from bytea, checked';

CREATE FUNCTION risk_internal._credit_var_final(internal)
    RETURNS risk.credit_var_result AS 'MODULE_PATHNAME', 'risk_credit_var_final' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_var_final(internal) IS
'Final function of risk.credit_var: the seeded simulation of the one-factor Gaussian copula';

CREATE FUNCTION risk_internal._credit_contrib_final(internal)
    RETURNS risk.credit_contributions AS 'MODULE_PATHNAME', 'risk_credit_contrib_final' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_contrib_final(internal) IS
'Final function of risk.credit_var_contributions: the simulation, then the same scenarios again for the loss of each exposure in the tail';

CREATE FUNCTION risk_internal._credit_multi_final(internal)
    RETURNS risk.credit_var_result AS 'MODULE_PATHNAME', 'risk_credit_multi_final' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._credit_multi_final(internal) IS
'Final function of risk.credit_var_multifactor: the Cholesky factor of the sector correlation, then the seeded simulation';

CREATE FUNCTION risk_internal._creditriskplus_final(internal)
    RETURNS risk.creditriskplus_result AS 'MODULE_PATHNAME', 'risk_creditriskplus_final' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._creditriskplus_final(internal) IS
'Final function of risk.creditriskplus: Panjer''s recursion of the loss distribution up to the VaR';

CREATE AGGREGATE risk.credit_var(pd float8, lgd float8, ead float8, rho float8, options jsonb) (
    SFUNC = risk_internal._credit_var_accum, STYPE = internal, SSPACE = 65536,
    FINALFUNC = risk_internal._credit_var_final,
    COMBINEFUNC = risk_internal._credit_book_combine,
    SERIALFUNC = risk_internal._credit_book_serialize,
    DESERIALFUNC = risk_internal._credit_book_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.credit_var(float8, float8, float8, float8, jsonb) IS
'The loss distribution of a loan book (one row per loan: pd in [0,1], lgd in [0,1], ead >= 0, rho, the asset correlation, in [0,1); NULL is an error) by a seeded simulation of the one-factor Gaussian copula (Vasicek): loan i defaults when sqrt(rho) Z + sqrt(1 - rho) e_i < N^-1(pd); loans with equal parameters drawn as one binomial given Z; importance sampling by a shifted factor mean with likelihood-ratio weights; losses positive, in the unit of EAD; options (a JSON object, the same for every row; NULL or {} for the defaults): scenarios (100000, from 1000 to 20000000), seed (1), level (0.999), shift (the factor mean; default N^-1(1 - level); 0: plain sampling), lgd_sd (0: LGD fixed; else each defaulted loan''s LGD is beta with mean lgd and this standard deviation)';

CREATE AGGREGATE risk.credit_var(pd float8, lgd float8, ead float8, rho float8) (
    SFUNC = risk_internal._credit_var_accum, STYPE = internal, SSPACE = 65536,
    FINALFUNC = risk_internal._credit_var_final,
    COMBINEFUNC = risk_internal._credit_book_combine,
    SERIALFUNC = risk_internal._credit_book_serialize,
    DESERIALFUNC = risk_internal._credit_book_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.credit_var(float8, float8, float8, float8) IS
'risk.credit_var with the default options: 100,000 scenarios, seed 1, level 0.999, importance sampling with the factor mean N^-1(0.001)';

CREATE AGGREGATE risk.credit_var_contributions(exposure_id bigint, pd float8, lgd float8, ead float8, rho float8, options jsonb) (
    SFUNC = risk_internal._credit_contrib_accum, STYPE = internal, SSPACE = 65536,
    FINALFUNC = risk_internal._credit_contrib_final,
    COMBINEFUNC = risk_internal._credit_book_combine,
    SERIALFUNC = risk_internal._credit_book_serialize,
    DESERIALFUNC = risk_internal._credit_book_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.credit_var_contributions(bigint, float8, float8, float8, float8, jsonb) IS
'The ES (Euler) contribution of each exposure of a loan book, keyed by exposure_id (not NULL): the same simulation, options and answer as risk.credit_var, then each exposure''s weighted mean loss in the scenarios at or beyond VaR; the contributions add up to ES';

CREATE AGGREGATE risk.credit_var_multifactor(pd float8, lgd float8, ead float8, sector int, loading float8, options jsonb) (
    SFUNC = risk_internal._credit_multi_accum, STYPE = internal, SSPACE = 65536,
    FINALFUNC = risk_internal._credit_multi_final,
    COMBINEFUNC = risk_internal._credit_book_combine,
    SERIALFUNC = risk_internal._credit_book_serialize,
    DESERIALFUNC = risk_internal._credit_book_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.credit_var_multifactor(float8, float8, float8, int, float8, jsonb) IS
'The loss distribution of a loan book under a multi-factor Gaussian copula (one row per loan: pd, lgd, ead as in risk.credit_var; sector, 1 to k; loading in [0,1)): loan i defaults when loading Y_sector + sqrt(1 - loading^2) e_i < N^-1(pd), the sector factors Y standard normals correlated by option correlation (required: k rows of k numbers, symmetric, unit diagonal, positive definite; drawn through its Cholesky factor); the other options, the sampling and the result as risk.credit_var (the shift moves every sector factor''s mean)';

CREATE AGGREGATE risk.creditriskplus(pd float8, lgd float8, ead float8, options jsonb) (
    SFUNC = risk_internal._creditriskplus_accum, STYPE = internal, SSPACE = 65536,
    FINALFUNC = risk_internal._creditriskplus_final,
    COMBINEFUNC = risk_internal._credit_book_combine,
    SERIALFUNC = risk_internal._credit_book_serialize,
    DESERIALFUNC = risk_internal._credit_book_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.creditriskplus(float8, float8, float8, jsonb) IS
'CreditRisk+ loss distribution of a loan book with one sector (one row per loan: pd, the Poisson default intensity, in [0,1], lgd in [0,1], ead >= 0): exposure band round(lgd x ead / unit), a gamma sector factor of mean 1 and variance sigma2 (0: Poisson; else a negative binomial number of defaults), the distribution by Panjer''s recursion; VaR and ES at level; options (a JSON object, the same for every row): unit (required, positive, money), sigma2 (0), level (0.999)';

-- ---------------------------------------------------------------------
-- Liquidity: LCR and NSFR, their factors as configuration tables
-- ---------------------------------------------------------------------

-- The factors of the liquidity ratios, by regime and category.  The shipped
-- regime 'basel3' holds the Basel standard values; users add regimes of
-- their own (risk.liquidity_regime_copy), which pg_dump keeps.
CREATE TABLE risk.lcr_factor (
    regime      text NOT NULL CHECK (length(regime) BETWEEN 1 AND 63),
    category    text NOT NULL CHECK (length(category) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('level1', 'level2a', 'level2b', 'outflow', 'inflow')),
    factor      float8 NOT NULL CHECK (factor >= 0 AND factor <= 1),
    description text NOT NULL,
    PRIMARY KEY (regime, category)
);
COMMENT ON TABLE risk.lcr_factor IS
'Factors of risk.lcr by regime and category: kind level1, level2a, level2b (factor = haircut), outflow (run-off rate) or inflow (inflow rate); regime basel3 is the Basel standard (BCBS 238, LIQ30)';

CREATE TABLE risk.nsfr_factor (
    regime      text NOT NULL CHECK (length(regime) BETWEEN 1 AND 63),
    category    text NOT NULL CHECK (length(category) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('asf', 'rsf')),
    factor      float8 NOT NULL CHECK (factor >= 0 AND factor <= 1),
    description text NOT NULL,
    PRIMARY KEY (regime, category)
);
COMMENT ON TABLE risk.nsfr_factor IS
'Factors of risk.nsfr by regime and category: kind asf (available stable funding factor) or rsf (required stable funding factor); regime basel3 is the Basel standard (BCBS 295, LIQ40)';

INSERT INTO risk.lcr_factor (regime, category, kind, factor, description) VALUES
('basel3', 'cash', 'level1', 0, 'Coins and banknotes (BCBS 238 para 50(a))'),
('basel3', 'central_bank_reserves', 'level1', 0, 'Central bank reserves that can be drawn in times of stress (para 50(b))'),
('basel3', 'sovereign_0rw', 'level1', 0, 'Marketable securities of sovereigns, central banks, PSEs, BIS, IMF, MDBs with a 0% risk weight (para 50(c))'),
('basel3', 'sovereign_domestic_non0rw', 'level1', 0, 'Domestic sovereign or central bank debt in domestic currency, risk weight above 0% (para 50(d)-(e))'),
('basel3', 'sovereign_20rw', 'level2a', 0.15, 'Marketable securities of sovereigns, central banks, PSEs, MDBs with a 20% risk weight (para 52(a))'),
('basel3', 'corporate_debt_aa', 'level2a', 0.15, 'Corporate debt securities rated AA- or higher (para 52(b))'),
('basel3', 'covered_bond_aa', 'level2a', 0.15, 'Covered bonds rated AA- or higher (para 52(b))'),
('basel3', 'rmbs_aa', 'level2b', 0.25, 'Residential mortgage-backed securities rated AA or higher (para 54(a))'),
('basel3', 'corporate_debt_a_bbb', 'level2b', 0.50, 'Corporate debt securities rated A+ to BBB- (para 54(b))'),
('basel3', 'equity_major_index', 'level2b', 0.50, 'Common equity shares in a major stock index (para 54(c))'),
('basel3', 'retail_stable', 'outflow', 0.05, 'Stable retail deposits, fully insured (para 75)'),
('basel3', 'retail_less_stable', 'outflow', 0.10, 'Less stable retail deposits (para 79)'),
('basel3', 'small_business_stable', 'outflow', 0.05, 'Stable unsecured funding from small business customers (para 89-92)'),
('basel3', 'small_business_less_stable', 'outflow', 0.10, 'Less stable unsecured funding from small business customers (para 89-92)'),
('basel3', 'operational_deposits', 'outflow', 0.25, 'Operational deposits from clearing, custody or cash management (para 93)'),
('basel3', 'operational_deposits_insured', 'outflow', 0.05, 'The fully insured part of operational deposits (para 104)'),
('basel3', 'nonfinancial_corporate', 'outflow', 0.40, 'Non-operational deposits of non-financial corporates, sovereigns, central banks, PSEs, MDBs (para 107)'),
('basel3', 'nonfinancial_corporate_insured', 'outflow', 0.20, 'The same, fully insured (para 108)'),
('basel3', 'financial_wholesale', 'outflow', 1.00, 'Unsecured funding from other legal entities: banks, insurers, funds (para 109-111)'),
('basel3', 'secured_funding_level1', 'outflow', 0, 'Secured funding backed by level 1 assets or with the domestic central bank (para 115)'),
('basel3', 'secured_funding_level2a', 'outflow', 0.15, 'Secured funding backed by level 2A assets (para 115)'),
('basel3', 'secured_funding_rmbs', 'outflow', 0.25, 'Secured funding backed by level 2B RMBS (para 115)'),
('basel3', 'secured_funding_level2b', 'outflow', 0.50, 'Secured funding backed by other level 2B assets (para 115)'),
('basel3', 'secured_funding_other', 'outflow', 1.00, 'Secured funding backed by other assets (para 115)'),
('basel3', 'derivatives_net_outflow', 'outflow', 1.00, 'Net derivative cash outflows (para 116)'),
('basel3', 'facility_retail', 'outflow', 0.05, 'Undrawn committed credit and liquidity facilities to retail and small business customers (para 131(a))'),
('basel3', 'facility_credit_corporate', 'outflow', 0.10, 'Undrawn committed credit facilities to non-financial corporates, sovereigns, PSEs, MDBs (para 131(b))'),
('basel3', 'facility_liquidity_corporate', 'outflow', 0.30, 'Undrawn committed liquidity facilities to the same (para 131(c))'),
('basel3', 'facility_bank', 'outflow', 0.40, 'Undrawn committed credit and liquidity facilities to banks (para 131(d))'),
('basel3', 'facility_credit_financial', 'outflow', 0.40, 'Undrawn committed credit facilities to other financial institutions (para 131(e))'),
('basel3', 'facility_liquidity_financial', 'outflow', 1.00, 'Undrawn committed liquidity facilities to other financial institutions and other legal entities (para 131(f)-(g))'),
('basel3', 'reverse_repo_level1', 'inflow', 0, 'Secured lending backed by level 1 assets (para 145)'),
('basel3', 'reverse_repo_level2a', 'inflow', 0.15, 'Secured lending backed by level 2A assets (para 145)'),
('basel3', 'reverse_repo_rmbs', 'inflow', 0.25, 'Secured lending backed by level 2B RMBS (para 145)'),
('basel3', 'reverse_repo_level2b', 'inflow', 0.50, 'Secured lending backed by other level 2B assets (para 145)'),
('basel3', 'reverse_repo_other', 'inflow', 1.00, 'Secured lending backed by other collateral (para 145)'),
('basel3', 'retail_loans', 'inflow', 0.50, 'Contractual inflows from performing retail and small business loans (para 153)'),
('basel3', 'nonfinancial_wholesale_loans', 'inflow', 0.50, 'Contractual inflows from non-financial wholesale counterparties (para 154)'),
('basel3', 'financial_loans', 'inflow', 1.00, 'Contractual inflows from financial institutions and central banks (para 154)'),
('basel3', 'operational_deposits_held', 'inflow', 0, 'Operational deposits held at other institutions (para 156)'),
('basel3', 'derivatives_net_inflow', 'inflow', 1.00, 'Net derivative cash inflows (para 158)');

INSERT INTO risk.nsfr_factor (regime, category, kind, factor, description) VALUES
('basel3', 'capital', 'asf', 1.00, 'Regulatory capital and capital instruments of residual maturity of one year or more (BCBS 295 para 21)'),
('basel3', 'long_term_liabilities', 'asf', 1.00, 'Other liabilities with an effective residual maturity of one year or more (para 21(c))'),
('basel3', 'retail_stable', 'asf', 0.95, 'Stable non-maturity and term deposits of retail and small business customers under one year (para 22)'),
('basel3', 'retail_less_stable', 'asf', 0.90, 'Less stable deposits of retail and small business customers under one year (para 23)'),
('basel3', 'wholesale_nonfinancial', 'asf', 0.50, 'Funding under one year from non-financial corporates, sovereigns, PSEs, MDBs (para 24(a))'),
('basel3', 'operational_deposits', 'asf', 0.50, 'Operational deposits (para 24(b))'),
('basel3', 'wholesale_financial_6m_1y', 'asf', 0.50, 'Funding of residual maturity six months to one year from central banks and financial institutions (para 24(d))'),
('basel3', 'other_liabilities', 'asf', 0, 'Other liabilities and equity: financial funding under six months, liabilities without stated maturity, deferred tax (para 25)'),
('basel3', 'cash_reserves', 'rsf', 0, 'Coins, banknotes, central bank reserves, claims on central banks under six months (para 36)'),
('basel3', 'level1_unencumbered', 'rsf', 0.05, 'Unencumbered level 1 assets, excluding coins, banknotes and central bank reserves (para 37)'),
('basel3', 'loans_financial_level1_6m', 'rsf', 0.10, 'Loans to financial institutions under six months secured by level 1 assets (para 38)'),
('basel3', 'level2a_unencumbered', 'rsf', 0.15, 'Unencumbered level 2A assets; other loans to financial institutions under six months (para 39)'),
('basel3', 'level2b_unencumbered', 'rsf', 0.50, 'Unencumbered level 2B assets; HQLA encumbered six months to one year; loans to financial institutions six months to one year; operational deposits held; other loans under one year (para 40)'),
('basel3', 'mortgages_35rw', 'rsf', 0.65, 'Unencumbered residential mortgages of one year or more with a risk weight of 35% or less (para 41)'),
('basel3', 'loans_over_35rw', 'rsf', 0.85, 'Unencumbered performing loans of one year or more with a risk weight above 35%, non-HQLA securities, physical commodities, initial margin (para 42)'),
('basel3', 'other_assets', 'rsf', 1.00, 'Assets encumbered one year or more, NSFR derivative assets net of liabilities, non-performing loans, fixed and other assets (para 43)'),
('basel3', 'off_balance_facilities', 'rsf', 0.05, 'Undrawn committed credit and liquidity facilities (para 47)');

SELECT pg_catalog.pg_extension_config_dump('risk.lcr_factor', 'WHERE regime <> ''basel3''');
SELECT pg_catalog.pg_extension_config_dump('risk.nsfr_factor', 'WHERE regime <> ''basel3''');

-- A new regime, a copy of the rows of source in both tables; the number copied.
CREATE FUNCTION risk.liquidity_regime_copy(source text, target text) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n1 integer;
    n2 integer;
BEGIN
    IF source IS NULL OR target IS NULL THEN
        RAISE EXCEPTION 'risk.liquidity_regime_copy: source and target must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM risk.lcr_factor WHERE regime = source)
       AND NOT EXISTS (SELECT 1 FROM risk.nsfr_factor WHERE regime = source) THEN
        RAISE EXCEPTION 'risk.liquidity_regime_copy: unknown regime "%"', source
            USING ERRCODE = 'undefined_object';
    END IF;
    IF EXISTS (SELECT 1 FROM risk.lcr_factor WHERE regime = target)
       OR EXISTS (SELECT 1 FROM risk.nsfr_factor WHERE regime = target) THEN
        RAISE EXCEPTION 'risk.liquidity_regime_copy: regime "%" exists', target
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Delete its rows first, or choose another name.';
    END IF;
    INSERT INTO risk.lcr_factor (regime, category, kind, factor, description)
        SELECT target, category, kind, factor, description FROM risk.lcr_factor WHERE regime = source;
    GET DIAGNOSTICS n1 = ROW_COUNT;
    INSERT INTO risk.nsfr_factor (regime, category, kind, factor, description)
        SELECT target, category, kind, factor, description FROM risk.nsfr_factor WHERE regime = source;
    GET DIAGNOSTICS n2 = ROW_COUNT;
    RETURN n1 + n2;
END
$$;
COMMENT ON FUNCTION risk.liquidity_regime_copy(text, text) IS
'Copies the rows of regime source of risk.lcr_factor and risk.nsfr_factor to a new regime target, to be changed then; returns the number of rows copied';

CREATE TYPE risk.lcr_result AS (
    level1 float8, level2a float8, level2b float8,
    adjustment_15 float8, adjustment_40 float8, hqla float8,
    outflows float8, inflows float8, inflows_capped float8,
    net_outflows float8, lcr float8
);
COMMENT ON TYPE risk.lcr_result IS
'Result of risk.lcr: level 1, 2A, 2B after haircuts, the adjustments for the 15% and 40% caps, HQLA, outflows, inflows, inflows capped at 75% of outflows, net cash outflows and the LCR (NULL when net cash outflows are 0)';
CREATE TYPE risk.nsfr_result AS (asf float8, rsf float8, nsfr float8);
COMMENT ON TYPE risk.nsfr_result IS
'Result of risk.nsfr: available and required stable funding and the NSFR (NULL when required stable funding is 0)';

CREATE FUNCTION risk_internal._lcr_accum(internal, text, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_lcr_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION risk_internal._lcr_accum(internal, text, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_lcr_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION risk_internal._nsfr_accum(internal, text, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_nsfr_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION risk_internal._nsfr_accum(internal, text, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_nsfr_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION risk_internal._liquidity_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_liquidity_combine' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION risk_internal._liquidity_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_liquidity_serialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._liquidity_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_liquidity_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._lcr_final(internal) RETURNS risk.lcr_result
    AS 'MODULE_PATHNAME', 'risk_lcr_final' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._nsfr_final(internal) RETURNS risk.nsfr_result
    AS 'MODULE_PATHNAME', 'risk_nsfr_final' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._lcr_accum(internal, text, float8) IS 'Support function of risk.lcr: transition (adds the amount to its category''s sum, regime basel3)';
COMMENT ON FUNCTION risk_internal._lcr_accum(internal, text, float8, text) IS 'Support function of risk.lcr with a regime: transition (adds the amount to its category''s sum)';
COMMENT ON FUNCTION risk_internal._nsfr_accum(internal, text, float8) IS 'Support function of risk.nsfr: transition (adds the amount to its category''s sum, regime basel3)';
COMMENT ON FUNCTION risk_internal._nsfr_accum(internal, text, float8, text) IS 'Support function of risk.nsfr with a regime: transition (adds the amount to its category''s sum)';
COMMENT ON FUNCTION risk_internal._liquidity_combine(internal, internal) IS 'Support function of risk.lcr and risk.nsfr: combine (adds the sums by category)';
COMMENT ON FUNCTION risk_internal._liquidity_serialize(internal) IS 'Support function of risk.lcr and risk.nsfr: serialize a partial state';
COMMENT ON FUNCTION risk_internal._liquidity_deserialize(bytea, internal) IS 'Support function of risk.lcr and risk.nsfr: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._lcr_final(internal) IS 'Support function of risk.lcr: final (reads the regime''s factors once, applies haircuts, rates and the caps)';
COMMENT ON FUNCTION risk_internal._nsfr_final(internal) IS 'Support function of risk.nsfr: final (reads the regime''s factors once)';

CREATE AGGREGATE risk.lcr(category text, amount float8) (
    SFUNC = risk_internal._lcr_accum, STYPE = internal,
    FINALFUNC = risk_internal._lcr_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = risk_internal._liquidity_combine,
    SERIALFUNC = risk_internal._liquidity_serialize, DESERIALFUNC = risk_internal._liquidity_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE risk.lcr(category text, amount float8, regime text) (
    SFUNC = risk_internal._lcr_accum, STYPE = internal,
    FINALFUNC = risk_internal._lcr_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = risk_internal._liquidity_combine,
    SERIALFUNC = risk_internal._liquidity_serialize, DESERIALFUNC = risk_internal._liquidity_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE risk.nsfr(category text, amount float8) (
    SFUNC = risk_internal._nsfr_accum, STYPE = internal,
    FINALFUNC = risk_internal._nsfr_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = risk_internal._liquidity_combine,
    SERIALFUNC = risk_internal._liquidity_serialize, DESERIALFUNC = risk_internal._liquidity_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE risk.nsfr(category text, amount float8, regime text) (
    SFUNC = risk_internal._nsfr_accum, STYPE = internal,
    FINALFUNC = risk_internal._nsfr_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = risk_internal._liquidity_combine,
    SERIALFUNC = risk_internal._liquidity_serialize, DESERIALFUNC = risk_internal._liquidity_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.lcr(text, float8) IS
'Basel III liquidity coverage ratio (LIQ30) of positions (category of risk.lcr_factor, amount >= 0) under regime basel3: level 1, 2A, 2B after haircuts, the 15% and 40% cap adjustments, HQLA, outflows, inflows, inflows capped at 75%, net cash outflows, LCR';
COMMENT ON AGGREGATE risk.lcr(text, float8, text) IS
'Basel III liquidity coverage ratio (LIQ30) of positions under the given regime of risk.lcr_factor (one per aggregate)';
COMMENT ON AGGREGATE risk.nsfr(text, float8) IS
'Basel III net stable funding ratio (LIQ40) of positions (category of risk.nsfr_factor, amount >= 0) under regime basel3: ASF, RSF, NSFR';
COMMENT ON AGGREGATE risk.nsfr(text, float8, text) IS
'Basel III net stable funding ratio (LIQ40) of positions under the given regime of risk.nsfr_factor (one per aggregate)';

-- ---------------------------------------------------------------------
-- The levels cover the capital area
-- ---------------------------------------------------------------------
CREATE OR REPLACE FUNCTION risk_internal._admin_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk.watch(regclass, interval)', 'risk.unwatch(regclass)', 'risk.pause(regclass)',
        'risk.resume(regclass)', 'risk.refresh_now(regclass)',
        'risk.refresh_and_evaluate(regclass)',
        'risk.add_rule(regclass, name, text, float8, text, text, name[], text)',
        'risk.drop_rule(integer)',
        'risk.classify(regclass, name, text, text)', 'risk.grant_access(regclass, regrole, text)',
        'risk.liquidity_regime_copy(text, text)'
    ]::regprocedure[]
$$;

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
                   'risk.scorecard_bin, risk.lcr_factor, risk.nsfr_factor TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT (customer, inputs, verdict, factors, reasons) '
                   'ON risk.suitability_audit TO %s', r);
    EXECUTE format('GRANT USAGE ON SEQUENCE risk.suitability_audit_id_seq TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_analyst(regrole) IS
'Analyst level: run every risk function and aggregate, read master scales, classifications, questionnaires, capacity policies, scorecards, liquidity factors and the early-warning views, record suitability checks and read their record; no configuration';

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
                   'risk.scorecard, risk.scorecard_characteristic, risk.scorecard_bin, '
                   'risk.lcr_factor, risk.nsfr_factor TO %s', r);
    EXECUTE format('GRANT SELECT, INSERT ON risk.masking_key TO %s', r);
END
$$;
COMMENT ON FUNCTION risk.grant_admin(regrole) IS
'Admin level: analyst, plus watch views, manage rules, master scales, questionnaires, capacity policies, scorecards, liquidity factors and classifications, and grant access to the tables the role owns';

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
