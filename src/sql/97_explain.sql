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

CREATE TYPE risk.shapley_values AS (
    base          float8,
    prediction    float8,
    contributions float8[]
);
COMMENT ON TYPE risk.shapley_values IS
'Exact interventional Shapley values of a model''s output f for one applicant: base = the mean of f over the background, prediction = f(x), contributions = one per feature in the model''s order, adding up to prediction - base';

CREATE FUNCTION risk.shapley(model risk.mlp, x float8[], background float8[],
                             scale text DEFAULT 'probability') RETURNS risk.shapley_values
    AS 'MODULE_PATHNAME', 'risk_shapley_mlp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
