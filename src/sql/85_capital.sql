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
