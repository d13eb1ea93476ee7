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

-- ---------------------------------------------------------------------
-- Risk profile: questionnaires, capacity policies, the profile
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Suitability and its audit trail
-- ---------------------------------------------------------------------
