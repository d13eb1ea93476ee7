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
