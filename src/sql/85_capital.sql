-- Basel credit capital and portfolio credit risk (capital): expected loss
-- and the IRB risk weights per exposure and by portfolio, concentration,
-- the portfolio credit loss distribution (simulated Gaussian copula,
-- CreditRisk+), and the liquidity coverage and net stable funding ratios
-- from tagged positions.  docs/capital.md explains every object.

-- ---------------------------------------------------------------------
-- IRB capital: expected loss, risk weights, capital per exposure
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Concentration: Herfindahl-Hirschman index, granularity adjustment
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Portfolio credit VaR: simulated loss distribution, CreditRisk+
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Liquidity: LCR and NSFR, their factors as configuration tables
-- ---------------------------------------------------------------------
