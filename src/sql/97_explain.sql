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

-- risk.fairness: an aggregate over credit decisions, one row each: the
-- group (a sex, an age band...), the decision (true: declined), the
-- outcome (true: defaulted) and, in the longer forms, the PD.  The state
-- holds each group's 2x2 table of (declined, defaulted) counts, the sum of
-- its PDs and the PDs themselves (for the AUC); partial states add their
-- tables and concatenate their PDs.  The final function sorts each group's
-- PDs in place, which a second call of it finds as they were left
-- (SHAREABLE).

CREATE TYPE risk.fairness_report AS (
    groups                              text[],
    n                                   int8[],
    declined                            int8[],
    defaults                            int8[],
    selection_rate                      float8[],
    tpr                                 float8[],
    fpr                                 float8[],
    default_rate                        float8[],
    n_pd                                int8[],
    mean_pd                             float8[],
    pd_default_rate                     float8[],
    auc                                 float8[],
    rows                                int8,
    rows_left_out                       int8,
    worst_group                         text,
    demographic_parity_difference       float8,
    demographic_parity_difference_lo    float8,
    demographic_parity_difference_hi    float8,
    demographic_parity_ratio            float8,
    demographic_parity_ratio_lo         float8,
    demographic_parity_ratio_hi         float8,
    equalized_odds_difference           float8,
    equalized_odds_difference_lo        float8,
    equalized_odds_difference_hi        float8,
    equalized_odds_ratio                float8,
    equalized_odds_ratio_lo             float8,
    equalized_odds_ratio_hi             float8,
    equal_opportunity_difference        float8,
    equal_opportunity_difference_lo     float8,
    equal_opportunity_difference_hi     float8,
    n_boot                              int4,
    level                               float8,
    seed                                int8
);
COMMENT ON TYPE risk.fairness_report IS
'Result of risk.fairness.  Per group, arrays in the order of groups (byte order, COLLATE "C"): rows n, declines, defaults, selection_rate (decline rate), tpr (declined among defaults), fpr (declined among non-defaults), default_rate; with a PD column: n_pd (rows with a PD), mean_pd, pd_default_rate (default rate of those rows, to compare with mean_pd), auc (of the PD against the default, ties one half); an element is NULL where its denominator is 0 (tpr of a group without a default, fpr of a group without a non-default, the AUC of a group with one class).  Then the rows counted and left out (NULL group, decision or outcome), the worst-off group (highest decline rate), the across-group metrics demographic parity difference (max - min selection rate) and ratio (min / max), equalized odds difference (the larger of the TPR and FPR differences) and ratio (the smaller of the TPR and FPR ratios), equal opportunity difference (TPR max - min), each with its percentile bootstrap interval (_lo, _hi; NULL without a bootstrap), and the bootstrap''s n_boot, level and seed';

CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'risk_fairness_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_fairness_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._fairness_final(internal) RETURNS risk.fairness_report
    AS 'MODULE_PATHNAME', 'risk_fairness_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean) IS 'Support function of risk.fairness: transition (counts the row in its group''s table of declined x defaulted)';
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8) IS 'Support function of risk.fairness with a PD: transition (the table, and the PD kept by outcome)';
COMMENT ON FUNCTION risk_internal._fairness_accum(internal, text, boolean, boolean, float8, jsonb) IS 'Support function of risk.fairness with a PD and options: transition';
COMMENT ON FUNCTION risk_internal._fairness_combine(internal, internal) IS 'Support function of risk.fairness: combine (adds the tables, concatenates the PDs)';
COMMENT ON FUNCTION risk_internal._fairness_serialize(internal) IS 'Support function of risk.fairness: serialize a partial state';
COMMENT ON FUNCTION risk_internal._fairness_deserialize(bytea, internal) IS 'Support function of risk.fairness: deserialize a partial state';
COMMENT ON FUNCTION risk_internal._fairness_final(internal) IS 'Support function of risk.fairness: final (rates, AUC, across-group metrics, the bootstrap)';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean) IS
'Fairness of credit decisions by group (fairlearn''s metrics), with the default options (a stratified bootstrap of 1000 replicates, level 0.95, seed 1): grp the group, declined true for a declined application (the positive prediction), defaulted true for a default (the positive class); a row with a NULL group, decision or outcome is left out and counted in rows_left_out; NULL without a counted row.  Cast a group of another type to text';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean, pd float8) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean, float8) IS
'risk.fairness with the PD of each decision (a fraction from 0 to 1), default options: also per group the AUC of the PD against the default (ties one half) and the mean PD against the default rate; a row with a NULL PD counts in the decision metrics and is left out of the PD''s (n_pd counts the rows with one)';

CREATE AGGREGATE risk.fairness(grp text, declined boolean, defaulted boolean, pd float8, options jsonb) (
    SFUNC = risk_internal._fairness_accum, STYPE = internal, SSPACE = 1024,
    FINALFUNC = risk_internal._fairness_final, FINALFUNC_MODIFY = SHAREABLE,
    COMBINEFUNC = risk_internal._fairness_combine,
    SERIALFUNC = risk_internal._fairness_serialize,
    DESERIALFUNC = risk_internal._fairness_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.fairness(text, boolean, boolean, float8, jsonb) IS
'risk.fairness with a PD (NULL::float8 for none) and options, a JSON object the same for every row (NULL or {} for the defaults): n_boot (replicates of the stratified bootstrap, 0 to 1,000,000; default 1000; 0: no intervals), level (of the intervals, at least 0.5 and below 1; default 0.95), seed (1 to 4294967295; default 1)';

CREATE FUNCTION risk.fairness_groups(report risk.fairness_report)
RETURNS TABLE (grp text, n int8, declined int8, defaults int8, selection_rate float8, tpr float8,
               fpr float8, default_rate float8, n_pd int8, mean_pd float8, pd_default_rate float8,
               auc float8, worst boolean, note text)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
SELECT u.grp, u.n, u.declined, u.defaults, u.selection_rate, u.tpr, u.fpr, u.default_rate,
       u.n_pd, u.mean_pd, u.pd_default_rate, u.auc, u.grp = ($1).worst_group,
       CASE WHEN u.defaults = 0 THEN 'no default in the group: tpr'
                 || CASE WHEN ($1).auc IS NOT NULL THEN ' and auc' ELSE '' END || ' undefined'
            WHEN u.defaults = u.n THEN 'only defaults in the group: fpr'
                 || CASE WHEN ($1).auc IS NOT NULL THEN ' and auc' ELSE '' END || ' undefined'
            WHEN ($1).auc IS NOT NULL AND u.n_pd = 0 THEN 'no PD in the group: mean_pd and auc undefined'
            WHEN ($1).auc IS NOT NULL AND u.auc IS NULL THEN 'the rows with a PD have one outcome only: auc undefined'
       END
FROM unnest(($1).groups, ($1).n, ($1).declined, ($1).defaults, ($1).selection_rate, ($1).tpr,
            ($1).fpr, ($1).default_rate, ($1).n_pd, ($1).mean_pd, ($1).pd_default_rate, ($1).auc)
     WITH ORDINALITY AS u(grp, n, declined, defaults, selection_rate, tpr, fpr, default_rate,
                          n_pd, mean_pd, pd_default_rate, auc, i)
ORDER BY u.i
$$;
COMMENT ON FUNCTION risk.fairness_groups(risk.fairness_report) IS
'One row per group of a risk.fairness report, for BI tools: its counts and rates, worst (the group of the highest decline rate) and note, why a rate is NULL (no default: tpr; only defaults: fpr; and the AUC with them)';
