-- Protected data in the profile area, with real roles: a customer's
-- answers and situation are classified confidential and the name
-- restricted; the bank's admin computes profiles and suitability verdicts
-- from the data in clear (as the owner, by hand here, by the early-warning
-- workers in production) into a materialized view whose results are
-- internal and whose money amounts are confidential; an advisor cleared
-- to internal reads, through the masked views, its own customers'
-- profiles and verdicts (row-level security on the tables, forced, so that
-- it holds through the owner's masked views), never the answers, the
-- figures or the names.
CREATE ROLE regress_bank_admin;
CREATE ROLE regress_advisor_a;
CREATE ROLE regress_advisor_b;
SELECT risk.grant_admin('regress_bank_admin');
SELECT risk.grant_analyst('regress_advisor_a');
SELECT risk.grant_analyst('regress_advisor_b');
GRANT CREATE ON SCHEMA public TO regress_bank_admin;

SET ROLE regress_bank_admin;
CREATE TABLE clients (client int PRIMARY KEY, name text, advisor name, answers jsonb, situation jsonb);
INSERT INTO clients VALUES
    (1, 'Ada Brook', 'regress_advisor_a',
     '{"objective": "growth", "fall": "hold", "loss": "up_to_20", "priority": "balance", "knowledge": "good", "experience": "3_or_more"}',
     '{"horizon_years": 8, "annual_income": 80000, "income_stability": "stable", "investable_wealth": 250000, "monthly_expenses": 3000}'),
    (2, 'Ben Carr', 'regress_advisor_a',
     '{"objective": "preserve", "fall": "sell_all", "loss": "none", "priority": "safety", "knowledge": "basic", "experience": "none"}',
     '{"horizon_years": 2, "annual_income": 30000, "income_stability": "variable", "investable_wealth": 20000, "monthly_expenses": 2000}'),
    (3, 'Cleo Dane', 'regress_advisor_b',
     '{"objective": "max_growth", "fall": "buy_more", "loss": "over_20", "priority": "return", "knowledge": "good", "experience": "3_or_more", "complex": "regularly"}',
     '{"horizon_years": 20, "annual_income": 150000, "income_stability": "stable", "investable_wealth": 900000, "monthly_expenses": 5000}'),
    (4, 'Dev Ellis', 'regress_advisor_b',
     '{"objective": "balanced", "fall": "sell_some", "loss": "up_to_10", "priority": "mostly_safety", "knowledge": "basic", "experience": "under_3"}',
     '{"horizon_years": 5, "annual_income": 45000, "income_stability": "stable", "investable_wealth": 60000, "monthly_expenses": 2500, "monthly_debt_service": 900, "dependants": 2}');
SELECT risk.classify('clients', 'name', 'restricted');
SELECT risk.classify('clients', 'answers', 'confidential');
SELECT risk.classify('clients', 'situation', 'confidential');
-- each advisor its own customers; the owner every row
CREATE FUNCTION my_customer(a name) RETURNS boolean LANGUAGE sql STABLE
RETURN a = current_user OR pg_has_role(current_user, 'regress_bank_admin', 'MEMBER');
ALTER TABLE clients ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON clients USING (my_customer(advisor));
CREATE TABLE offer (product text PRIMARY KEY, risk_class int, holding_period float8, complex boolean);
INSERT INTO offer VALUES ('money_market', 1, 0.25, false), ('bond_fund', 3, 3, false),
                         ('equity_fund', 5, 5, false), ('structured_note', 4, 5, true);
-- the results: computed by the owner from the data in clear (again when
-- they change), kept under the same policy
CREATE TABLE client_profiles AS
SELECT c.client, c.advisor, p.risk_class, p.binding, p.complex_ok, p.horizon_years, p.flags,
       p.tolerated_loss, p.tolerated_share
FROM clients c, risk.risk_profile(c.answers, c.situation) p;
CREATE TABLE client_verdicts AS
SELECT c.client, c.advisor, o.product, (s).verdict, (s).factors
FROM clients c CROSS JOIN offer o,
     LATERAL (SELECT risk.suitability(risk.risk_profile(c.answers, c.situation), ARRAY[o.risk_class],
                                      ARRAY[o.holding_period], ARRAY[o.complex]) AS s) x;
ALTER TABLE client_profiles ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE client_verdicts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON client_profiles USING (my_customer(advisor));
CREATE POLICY own ON client_verdicts USING (my_customer(advisor));
GRANT EXECUTE ON FUNCTION my_customer(name) TO regress_advisor_a, regress_advisor_b;
-- amounts derived from the customer's wealth stay confidential (rounded)
SELECT risk.classify('client_profiles', 'tolerated_loss', 'confidential');
SELECT risk.classify('client_profiles', 'tolerated_share', 'confidential');
-- the advisors: cleared to internal, each reading its own customers
SELECT risk.grant_access('clients', r, 'internal'), risk.grant_access('client_profiles', r, 'internal'),
       risk.grant_access('client_verdicts', r, 'internal')
FROM unnest('{regress_advisor_a,regress_advisor_b}'::regrole[]) r;
RESET ROLE;

-- what an advisor sees
SET ROLE regress_advisor_a;
SELECT client, name <> '' AND name NOT LIKE '% %' AS name_pseudonymized, answers IS NULL AS no_answers,
       situation IS NULL AS no_situation
FROM clients_internal ORDER BY client;
SELECT client, risk_class, binding, complex_ok, horizon_years, flags, tolerated_loss, tolerated_share
FROM client_profiles_internal ORDER BY client;
SELECT client, product, verdict, factors FROM client_verdicts_internal ORDER BY client, product;
-- what it does not: the data in clear, the others' customers, a profile from the masked data
SELECT answers FROM clients;
SELECT situation FROM clients;
SELECT tolerated_loss FROM client_profiles;
SELECT count(*) AS others_customers FROM client_profiles WHERE advisor <> current_user;
SELECT count(*) AS others_customers FROM client_profiles_internal WHERE advisor <> current_user;
SELECT count(*) AS others_customers FROM clients_internal WHERE advisor <> current_user;
SELECT count(*) AS profiles_from_masked_data
FROM clients_internal WHERE risk.risk_profile(answers, situation) IS NOT NULL;
RESET ROLE;

-- the other advisor: its own two customers only
SET ROLE regress_advisor_b;
SELECT client, risk_class, flags FROM client_profiles_internal ORDER BY client;
SELECT count(*) FILTER (WHERE verdict = 'suitable') AS suitable, count(*) AS verdicts FROM client_verdicts_internal;
RESET ROLE;

-- the figures the advisors see are the owner's, masked as classified
SELECT p.client, p.risk_class, p.tolerated_loss AS in_clear, m.tolerated_loss AS masked,
       m.tolerated_loss = risk.round_significant(p.tolerated_loss) AS rounded
FROM client_profiles p JOIN client_profiles_internal m USING (client) ORDER BY p.client;

-- clean up
SET ROLE regress_bank_admin;
DROP TABLE client_verdicts, client_profiles, clients, offer CASCADE;
DROP FUNCTION my_customer(name);
RESET ROLE;
SELECT risk.revoke_levels(r) FROM unnest('{regress_bank_admin,regress_advisor_a,regress_advisor_b}'::regrole[]) r;
REVOKE CREATE ON SCHEMA public FROM regress_bank_admin;
DROP OWNED BY regress_bank_admin, regress_advisor_a, regress_advisor_b;
DROP ROLE regress_bank_admin, regress_advisor_a, regress_advisor_b;
