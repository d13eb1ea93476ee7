-- risk 0.3.0 -> 0.3.1
--
-- Bayesian networks (bn): learning the structure from events
-- (risk.bn_learn, hill climbing on BIC, BDeu or K2 with a whitelist, a
-- blacklist and a limit on parents) and the score of a learnt network's
-- structure (risk.bn_score).  New objects only.

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
