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

-- ---------------------------------------------------------------------
-- Liquidity: LCR and NSFR, their factors as configuration tables
-- ---------------------------------------------------------------------
