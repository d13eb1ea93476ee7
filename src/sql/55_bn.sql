-- Discrete Bayesian networks (docs/bn.md): a network as a value, built
-- from one row per node or read from JSON, learnt from events, queried
-- exactly (evidence, interventions), turned into scenarios, and read back
-- as rows and as Graphviz DOT.

CREATE TYPE risk.bn;

CREATE FUNCTION risk_internal._bn_in(cstring) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_out(risk.bn) RETURNS cstring
    AS 'MODULE_PATHNAME', 'risk_bn_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_in(cstring) IS 'Input function of type risk.bn: a JSON object {"nodes": [{"name", "states", "parents", "cpt", "counts", "prior"}], "estimator", "ess"}, checked';
COMMENT ON FUNCTION risk_internal._bn_out(risk.bn) IS 'Output function of type risk.bn: the JSON object its input function reads';

CREATE TYPE risk.bn (
    INPUT = risk_internal._bn_in,
    OUTPUT = risk_internal._bn_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE risk.bn IS
'A discrete Bayesian network: nodes with named states, the DAG (each node''s parents), one CPT per node (for each configuration of the parents, the first parent varying slowest, the probabilities of the node''s states), and, once learnt, the counts and the estimator; text form JSON';

-- building from rows

CREATE FUNCTION risk_internal._bn_define_accum(internal, text, text[], text[], float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_define_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_define_final(internal) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_define_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_define_accum(internal, text, text[], text[], float8[]) IS 'Support function of risk.bn_define: transition (keeps the node''s definition)';
COMMENT ON FUNCTION risk_internal._bn_define_final(internal) IS 'Support function of risk.bn_define: final (resolves the parents, checks the network)';

CREATE AGGREGATE risk.bn_define(node text, states text[], parents text[], cpt float8[]) (
    SFUNC = risk_internal._bn_define_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_define_final
);
COMMENT ON AGGREGATE risk.bn_define(text, text[], text[], float8[]) IS
'A Bayesian network from one row per node: its name, its states, its parents (NULL or empty for a root) and its CPT (for each configuration of the parents, the first parent varying slowest, the probabilities of its states; NULL for uniform, to be learnt by risk.bn_fit); checked: acyclic, rows summing to 1, names used once; errors name the node';

-- reading back

CREATE FUNCTION risk.bn_nodes(network risk.bn)
    RETURNS TABLE (node text, states text[], parents text[], parameters bigint)
    AS 'MODULE_PATHNAME', 'risk_bn_nodes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION risk.bn_nodes(risk.bn) IS
'The nodes of a network in its order (the order of an event for risk.bn_fit): states, parents, and the number of free parameters of its CPT';

CREATE FUNCTION risk.bn_edges(network risk.bn) RETURNS TABLE (parent text, child text)
    AS 'MODULE_PATHNAME', 'risk_bn_edges' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION risk.bn_edges(risk.bn) IS 'The edges of a network, parent to child';

CREATE FUNCTION risk.bn_cpt(network risk.bn)
    RETURNS TABLE (node text, parent_states text[], state text, probability float8, count float8)
    AS 'MODULE_PATHNAME', 'risk_bn_cpt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 200;
COMMENT ON FUNCTION risk.bn_cpt(risk.bn) IS
'Every CPT cell of a network: the node, the states of its parents (in the order of its parents), its state, the probability, and the count it was learnt from (NULL when the network was not learnt)';

CREATE FUNCTION risk.bn_dot(network risk.bn, evidence jsonb DEFAULT NULL, marginals boolean DEFAULT true)
    RETURNS text
    AS 'MODULE_PATHNAME', 'risk_bn_dot' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_dot(risk.bn, jsonb, boolean) IS
'The network as Graphviz DOT text: a box per node labelled with its name and, unless marginals is false, the probability of each state given the evidence (observed nodes shaded), an arrow per edge';

-- queries

CREATE FUNCTION risk.bn_query(network risk.bn, target text, evidence jsonb DEFAULT NULL,
                              intervention jsonb DEFAULT NULL)
    RETURNS TABLE (state text, probability float8)
    AS 'MODULE_PATHNAME', 'risk_bn_query' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION risk.bn_query(risk.bn, text, jsonb, jsonb) IS
'P(target = each state | evidence, do(intervention)), exactly (variable elimination): evidence and intervention are JSON objects of node names and states, e.g. ''{"smoke": "yes"}''; an intervention sets nodes by graph surgery (do), not by conditioning';

CREATE FUNCTION risk.bn_probability(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL,
                                    intervention jsonb DEFAULT NULL)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_bn_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_probability(risk.bn, text, text, jsonb, jsonb) IS
'P(target = state | evidence, do(intervention)), exactly; ERROR when the evidence has probability 0';

CREATE FUNCTION risk.bn_joint(network risk.bn, targets text[], evidence jsonb DEFAULT NULL,
                              intervention jsonb DEFAULT NULL)
    RETURNS TABLE (states text[], probability float8)
    AS 'MODULE_PATHNAME', 'risk_bn_joint' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION risk.bn_joint(risk.bn, text[], jsonb, jsonb) IS
'The joint distribution of 1 to 8 targets given the evidence and the intervention: one row per combination of their states (in the order of the targets)';

CREATE FUNCTION risk.bn_map(network risk.bn, target text, evidence jsonb DEFAULT NULL,
                            intervention jsonb DEFAULT NULL)
    RETURNS text
    AS 'MODULE_PATHNAME', 'risk_bn_map' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_map(risk.bn, text, jsonb, jsonb) IS
'The most probable state of the target given the evidence and the intervention (the first of equals)';

CREATE FUNCTION risk.bn_evidence_probability(network risk.bn, evidence jsonb,
                                             intervention jsonb DEFAULT NULL)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_bn_evidence_probability' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_evidence_probability(risk.bn, jsonb, jsonb) IS
'P(evidence | do(intervention)): the probability of the observations (1 for none, 0 for an impossible one)';

-- scenarios and sensitivities

CREATE FUNCTION risk.bn_scale(network risk.bn, node text, state text, factor float8) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_scale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_scale(risk.bn, text, text, float8) IS
'A soft scenario: the network with P(node = state | parents) multiplied by factor in every row of the node''s CPT, the other states sharing the rest in proportion to their probabilities (0.5: "half as likely"); ERROR when a probability would exceed 1';

CREATE FUNCTION risk.bn_set_cpt(network risk.bn, node text, cpt float8[]) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_set_cpt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_set_cpt(risk.bn, text, float8[]) IS
'A scenario: the network with the node''s CPT replaced (for a root, its marginal), checked as a definition is';

CREATE FUNCTION risk.bn_compare(baseline risk.bn, scenario risk.bn, target text, state text,
                                evidence jsonb DEFAULT NULL,
                                OUT baseline_probability float8, OUT scenario_probability float8,
                                OUT change float8)
    AS 'MODULE_PATHNAME', 'risk_bn_compare' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_compare(risk.bn, risk.bn, text, text, jsonb) IS
'P(target = state | evidence) in a baseline network and in a scenario network of the same nodes and states, and the change (scenario minus baseline)';

CREATE FUNCTION risk.bn_drivers(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL,
                                factor float8 DEFAULT 0.5)
    RETURNS TABLE (node text, node_state text, scenario text, probability float8, change float8)
    AS 'MODULE_PATHNAME', 'risk_bn_drivers' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION risk.bn_drivers(risk.bn, text, text, jsonb, float8) IS
'The drivers of P(target = state | evidence): for every other unobserved node and each of its states, the probability under do(node = state) and under the soft scenario that scales the state by factor (0.5 by default: half as likely), and the change from the baseline; order by change to rank them';

CREATE FUNCTION risk.bn_sensitivity(network risk.bn, target text, state text, evidence jsonb DEFAULT NULL)
    RETURNS TABLE (node text, parent_states text[], node_state text, parameter float8, derivative float8)
    AS 'MODULE_PATHNAME', 'risk_bn_sensitivity' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 200;
COMMENT ON FUNCTION risk.bn_sensitivity(risk.bn, text, text, jsonb) IS
'The exact derivative of P(target = state | evidence) with respect to every CPT parameter P(node = node_state | parents = parent_states), the other states of that row moving in proportion; 0 for parameters that cannot matter';

-- learning

CREATE FUNCTION risk.bn_set_prior(network risk.bn, node text, pseudo_counts float8[]) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_set_prior' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.bn_set_prior(risk.bn, text, float8[]) IS
'The network with Dirichlet pseudo-counts for the node''s CPT cells (the layout of its CPT: one value per state for each configuration of the parents), used by risk.bn_fit with estimator ''prior''; other nodes'' pseudo-counts are 0 until set';

CREATE FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[], text, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_bn_fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_bn_fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._bn_fit_final(internal) RETURNS risk.bn
    AS 'MODULE_PATHNAME', 'risk_bn_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[]) IS 'Support function of risk.bn_fit: transition (counts the event in each family it observes)';
COMMENT ON FUNCTION risk_internal._bn_fit_accum(internal, risk.bn, text[], text, float8) IS 'Support function of risk.bn_fit with an estimator: transition';
COMMENT ON FUNCTION risk_internal._bn_fit_combine(internal, internal) IS 'Support function of risk.bn_fit: combine (adds the counts)';
COMMENT ON FUNCTION risk_internal._bn_fit_serialize(internal) IS 'Support function of risk.bn_fit: serialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_fit_deserialize(bytea, internal) IS 'Support function of risk.bn_fit: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._bn_fit_final(internal) IS 'Support function of risk.bn_fit: final (the network''s counts plus the new ones, estimated)';

CREATE AGGREGATE risk.bn_fit(network risk.bn, event text[]) (
    SFUNC = risk_internal._bn_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_fit_final,
    COMBINEFUNC = risk_internal._bn_fit_combine,
    SERIALFUNC = risk_internal._bn_fit_serialize, DESERIALFUNC = risk_internal._bn_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_fit(risk.bn, text[]) IS
'The network with its CPTs learnt from events by maximum likelihood: an event is one state per node in the network''s order, NULL where not observed; a node''s family counts only the events that observe the node and all its parents; the network''s own counts are added, so a learnt network and new events give the fit on all events';

CREATE AGGREGATE risk.bn_fit(network risk.bn, event text[], estimator text, ess float8) (
    SFUNC = risk_internal._bn_fit_accum, STYPE = internal,
    FINALFUNC = risk_internal._bn_fit_final,
    COMBINEFUNC = risk_internal._bn_fit_combine,
    SERIALFUNC = risk_internal._bn_fit_serialize, DESERIALFUNC = risk_internal._bn_fit_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.bn_fit(risk.bn, text[], text, float8) IS
'risk.bn_fit with an estimator: ''ml'', ''bdeu'' (Dirichlet with equivalent sample size ess), ''k2'' (one pseudo-count per cell) or ''prior'' (the network''s pseudo-counts, risk.bn_set_prior); the same for every row';

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
