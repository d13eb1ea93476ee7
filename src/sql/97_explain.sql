-- Explainable and fair credit decisions (explain): reason codes of a
-- scorecard, exact per-feature contributions (Shapley values) of logistic
-- and neural-network PD models, and fairness metrics by group.
-- docs/explain.md explains every object.

-- ---------------------------------------------------------------------
-- Reason codes
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Shapley values
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- Fairness by group
-- ---------------------------------------------------------------------
