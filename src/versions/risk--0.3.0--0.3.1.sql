-- risk 0.3.0 -> 0.3.1
--
-- Bayesian networks (bn): learning the structure from events
-- (risk.bn_learn, hill climbing on BIC, BDeu or K2 with a whitelist, a
-- blacklist and a limit on parents) and the score of a learnt network's
-- structure (risk.bn_score).  The new area of multilayer-perceptron PD
-- models (mlp) comes in at the end.  New objects only.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.3.1'" to load this file. \quit
-- structure

CREATE FUNCTION risk.bn_score(network risk.bn, score text DEFAULT 'bic', ess float8 DEFAULT 1)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_bn_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_score(risk.bn, text, float8) IS
'The score of a learnt network''s structure from its counts (higher is better): ''bic'' (log-likelihood minus ln(N)/2 per free parameter), ''bdeu'' (log marginal likelihood with equivalent sample size ess) or ''k2''; the sum of its nodes'' scores, each from the events that observe the node''s family';

CREATE FUNCTION risk_internal._bn_learn_accum(internal, risk.bn, text[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_learn_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_accum(internal, risk.bn, text[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_learn_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_learn_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_bn_learn_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_learn_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_learn_final(internal) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_learn_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_learn_accum(internal, risk.bn, text[]) IS 'Support function of risk.bn_learn: transition (keeps the event)';
COMMENT ON FUNCTION risk_internal._bn_learn_accum(internal, risk.bn, text[], jsonb) IS 'Support function of risk.bn_learn with options: transition';
COMMENT ON FUNCTION risk_internal._bn_learn_combine(internal, internal) IS 'Support function of risk.bn_learn: combine (joins the events)';
COMMENT ON FUNCTION risk_internal._bn_learn_serialize(internal) IS 'Support function of risk.bn_learn: serialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_learn_deserialize(bytea, internal) IS 'Support function of risk.bn_learn: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_learn_final(internal) IS 'Support function of risk.bn_learn: final (hill climbing, then the CPTs of the structure found)';

CREATE AGGREGATE risk.bn_learn(network risk.bn, event text[]) (
    SFUNC = risk_internal._bn_learn_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_learn_final,
    COMBINEFUNC = risk_internal._bn_learn_combine,
    SERIALFUNC = risk_internal._bn_learn_serialize, DESERIALFUNC = risk_internal._bn_learn_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_learn(risk.bn, text[]) IS
'A network''s structure learnt from events by hill climbing on the BIC score, starting from the network''s edges (its nodes and states name the events'' values; its CPTs are not used), with its CPTs then learnt by maximum likelihood; an event is one state per node in the network''s order, NULL where not observed';

CREATE AGGREGATE risk.bn_learn(network risk.bn, event text[], options jsonb) (
    SFUNC = risk_internal._bn_learn_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_learn_final,
    COMBINEFUNC = risk_internal._bn_learn_combine,
    SERIALFUNC = risk_internal._bn_learn_serialize, DESERIALFUNC = risk_internal._bn_learn_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_learn(risk.bn, text[], jsonb) IS
'risk.bn_learn with options (a JSON object, the same for every row): score (''bic'', ''bdeu'', ''k2''), ess, max_parents, whitelist and blacklist ([[parent, child], ...]), max_iterations, estimator (of the CPTs: ''ml'', ''bdeu'', ''k2'')';

REVOKE EXECUTE ON ROUTINE risk.bn_score(risk.bn,text,double precision) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_learn(risk.bn,text[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.bn_learn(risk.bn,text[],jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_learn_accum(internal,risk.bn,text[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_learn_accum(internal,risk.bn,text[],jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_learn_combine(internal,internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_learn_serialize(internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_learn_deserialize(bytea,internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._bn_learn_final(internal) FROM PUBLIC;

-- ---------------------------------------------------------------------
-- multilayer-perceptron PD models (75_mlp.sql)
-- ---------------------------------------------------------------------

-- Multilayer-perceptron PD models (docs/mlp.md): a model as a value,
-- trained in the database (L-BFGS or Adam, a validation split and early
-- stopping, sample and class weights), scored row by row, built from the
-- weights of a model trained elsewhere, and read back as rows.

CREATE TYPE risk.mlp;

CREATE FUNCTION risk_internal._mlp_in(cstring) RETURNS risk.mlp
    AS 'MODULE_PATHNAME', 'risk_mlp_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_out(risk.mlp) RETURNS cstring
    AS 'MODULE_PATHNAME', 'risk_mlp_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._mlp_in(cstring) IS 'Input function of type risk.mlp: a JSON object {"layers", "activation", "mean", "scale", "weights", "biases", "history", "training"}, checked';
COMMENT ON FUNCTION risk_internal._mlp_out(risk.mlp) IS 'Output function of type risk.mlp: the JSON object its input function reads';

CREATE TYPE risk.mlp (
    INPUT = risk_internal._mlp_in,
    OUTPUT = risk_internal._mlp_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE risk.mlp IS
'A multilayer perceptron giving a PD: layer sizes (inputs, hidden layers, 1 output), the hidden activation, each layer''s weights (inputs x units, row by row) and biases, the inputs'' standardization (mean, scale), and the training history (loss per epoch on the training and validation rows, the epoch kept, whether it converged); text form JSON';

-- scoring and building

CREATE FUNCTION risk.mlp_predict(model risk.mlp, x float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_mlp_predict' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.mlp_predict(risk.mlp, float8[]) IS
'The probability of default of a model for features x (raw: the model standardizes them), the logistic function of its output';

CREATE FUNCTION risk.mlp_from_arrays(layers int[], weights float8[], biases float8[],
                                     activation text DEFAULT 'relu', mean float8[] DEFAULT NULL,
                                     scale float8[] DEFAULT NULL) RETURNS risk.mlp
    AS 'MODULE_PATHNAME', 'risk_mlp_from_arrays' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.mlp_from_arrays(int[], float8[], float8[], text, float8[], float8[]) IS
'A model trained elsewhere: layer sizes (inputs, hidden layers, 1), every layer''s weight matrix (inputs x units, row by row: scikit-learn''s coefs_[l].ravel()) one after another, every layer''s biases (intercepts_), the hidden activation, and the standardization the model expects (NULL: none)';

-- reading back

CREATE FUNCTION risk.mlp_layers(model risk.mlp)
    RETURNS TABLE (layer int, inputs int, units int, activation text, weights float8[], biases float8[])
    AS 'MODULE_PATHNAME', 'risk_mlp_layers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION risk.mlp_layers(risk.mlp) IS
'The layers of a model: sizes, activation, weights (inputs x units, row by row) and biases';

CREATE FUNCTION risk.mlp_history(model risk.mlp)
    RETURNS TABLE (epoch int, train_loss float8, validation_loss float8, kept boolean)
    AS 'MODULE_PATHNAME', 'risk_mlp_history' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION risk.mlp_history(risk.mlp) IS
'The training history of a model: the penalized loss on the training rows and the log-loss on the validation rows (NULL without a split) after each epoch (L-BFGS: iteration), and the epoch whose parameters the model kept';

-- training

CREATE FUNCTION risk_internal._mlp_fit_accum(internal, boolean, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_accum(internal, boolean, float8[], float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_accum(internal, int, float8[], jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_accum(internal, int, float8[], float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_fit_final(internal) RETURNS risk.mlp
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._mlp_fit_accum(internal, boolean, float8[], jsonb) IS 'Support function of risk.mlp_fit: transition (keeps the row)';
COMMENT ON FUNCTION risk_internal._mlp_fit_accum(internal, boolean, float8[], float8, jsonb) IS 'Support function of risk.mlp_fit with row weights: transition';
COMMENT ON FUNCTION risk_internal._mlp_fit_accum(internal, int, float8[], jsonb) IS 'Support function of risk.mlp_fit with a 0/1 outcome: transition';
COMMENT ON FUNCTION risk_internal._mlp_fit_accum(internal, int, float8[], float8, jsonb) IS 'Support function of risk.mlp_fit with a 0/1 outcome and row weights: transition';
COMMENT ON FUNCTION risk_internal._mlp_fit_combine(internal, internal) IS 'Support function of risk.mlp_fit: combine (joins the rows)';
COMMENT ON FUNCTION risk_internal._mlp_fit_serialize(internal) IS 'Support function of risk.mlp_fit: serialize a partial state';
COMMENT ON FUNCTION risk_internal._mlp_fit_deserialize(bytea, internal) IS 'Support function of risk.mlp_fit: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._mlp_fit_final(internal) IS 'Support function of risk.mlp_fit: final (the rows in a canonical order, then the training)';

CREATE AGGREGATE risk.mlp_fit(y boolean, x float8[], options jsonb) (
    SFUNC = risk_internal._mlp_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_fit_final,
    COMBINEFUNC = risk_internal._mlp_fit_combine,
    SERIALFUNC = risk_internal._mlp_fit_serialize, DESERIALFUNC = risk_internal._mlp_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mlp_fit(boolean, float8[], jsonb) IS
'A multilayer perceptron trained on the rows of the group (outcome y: default or not; features x), held in memory; options (a JSON object, the same for every row; NULL or {} for the defaults): hidden, activation, alpha, solver (''lbfgs'' or ''adam''), max_epochs, batch_size, learning_rate, beta1, beta2, epsilon, tol, ftol, patience, validation_fraction, class_weight, seed, init; a row with a NULL outcome or features is left out';

CREATE AGGREGATE risk.mlp_fit(y boolean, x float8[], weight float8, options jsonb) (
    SFUNC = risk_internal._mlp_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_fit_final,
    COMBINEFUNC = risk_internal._mlp_fit_combine,
    SERIALFUNC = risk_internal._mlp_fit_serialize, DESERIALFUNC = risk_internal._mlp_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mlp_fit(boolean, float8[], float8, jsonb) IS
'risk.mlp_fit with a positive weight per row (multiplied by the class weight of its outcome)';

CREATE AGGREGATE risk.mlp_fit(y int, x float8[], options jsonb) (
    SFUNC = risk_internal._mlp_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_fit_final,
    COMBINEFUNC = risk_internal._mlp_fit_combine,
    SERIALFUNC = risk_internal._mlp_fit_serialize, DESERIALFUNC = risk_internal._mlp_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mlp_fit(int, float8[], jsonb) IS
'risk.mlp_fit with the outcome as a 0/1 integer (the default flag of a loan table)';

CREATE AGGREGATE risk.mlp_fit(y int, x float8[], weight float8, options jsonb) (
    SFUNC = risk_internal._mlp_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_fit_final,
    COMBINEFUNC = risk_internal._mlp_fit_combine,
    SERIALFUNC = risk_internal._mlp_fit_serialize, DESERIALFUNC = risk_internal._mlp_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.mlp_fit(int, float8[], float8, jsonb) IS
'risk.mlp_fit with a 0/1 integer outcome and a positive weight per row';

-- training over a table larger than memory

CREATE FUNCTION risk_internal._mlp_step_accum(internal, int, float8[], float8, risk.mlp, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_step_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_step_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_step_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_step_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_mlp_step_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_step_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_mlp_step_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._mlp_step_final(internal) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_mlp_step_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._mlp_step_accum(internal, int, float8[], float8, risk.mlp, boolean) IS 'Support function of risk_internal._mlp_step: transition (standardizes the row into a block; a full block adds its loss and gradient)';
COMMENT ON FUNCTION risk_internal._mlp_step_combine(internal, internal) IS 'Support function of risk_internal._mlp_step: combine (adds the sums)';
COMMENT ON FUNCTION risk_internal._mlp_step_serialize(internal) IS 'Support function of risk_internal._mlp_step: serialize a partial state';
COMMENT ON FUNCTION risk_internal._mlp_step_deserialize(bytea, internal) IS 'Support function of risk_internal._mlp_step: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._mlp_step_final(internal) IS 'Support function of risk_internal._mlp_step: final (the sums as float8[])';

CREATE AGGREGATE risk_internal._mlp_step(y int, x float8[], weight float8, model risk.mlp, gradient boolean) (
    SFUNC = risk_internal._mlp_step_accum, STYPE = internal,
    FINALFUNC = risk_internal._mlp_step_final,
    COMBINEFUNC = risk_internal._mlp_step_combine,
    SERIALFUNC = risk_internal._mlp_step_serialize, DESERIALFUNC = risk_internal._mlp_step_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk_internal._mlp_step(int, float8[], float8, risk.mlp, boolean) IS
'Support aggregate of risk.mlp_fit_table: one pass at the model''s parameters, {rows, sum of weights, weighted defaults, sum w log-loss, sum w gradient (when asked)}; partial sums add up (parallel)';

CREATE FUNCTION risk.mlp_fit_table(source regclass, y name, x name[], options jsonb DEFAULT NULL,
                                   weight name DEFAULT NULL, validation name DEFAULT NULL)
    RETURNS risk.mlp
    AS 'MODULE_PATHNAME', 'risk_mlp_fit_table' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION risk.mlp_fit_table(regclass, name, name[], jsonb, name, name) IS
'A multilayer perceptron trained over a table of any size by L-BFGS, one pass of risk_internal._mlp_step per evaluation (parallel where the planner chooses): y a boolean or 0/1 integer column, x the feature columns, options as risk.mlp_fit''s (solver lbfgs), weight a positive weight column, validation a boolean column marking the rows held out for early stopping; names are quoted, and it runs with the caller''s privileges';

REVOKE EXECUTE ON ROUTINE risk_internal._mlp_in(cstring) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_out(risk.mlp) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_predict(model risk.mlp, x float8[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_from_arrays(layers int[], weights float8[], biases float8[], activation text, mean float8[], scale float8[]) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_layers(model risk.mlp) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_history(model risk.mlp) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_fit_accum(internal, boolean, float8[], jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_fit_accum(internal, boolean, float8[], float8, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_fit_accum(internal, int, float8[], jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_fit_accum(internal, int, float8[], float8, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_fit_combine(internal, internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_fit_serialize(internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_fit_deserialize(bytea, internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_fit_final(internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_fit(y boolean, x float8[], options jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_fit(y boolean, x float8[], weight float8, options jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_fit(y int, x float8[], options jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_fit(y int, x float8[], weight float8, options jsonb) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_step_accum(internal, int, float8[], float8, risk.mlp, boolean) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_step_combine(internal, internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_step_serialize(internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_step_deserialize(bytea, internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_step_final(internal) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk_internal._mlp_step(y int, x float8[], weight float8, model risk.mlp, gradient boolean) FROM PUBLIC;
REVOKE EXECUTE ON ROUTINE risk.mlp_fit_table(source regclass, y name, x name[], options jsonb, weight name, validation name) FROM PUBLIC;
