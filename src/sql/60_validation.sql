-- Credit validation metrics.  A bad is the default event; scores are
-- oriented so that higher means riskier (pass a PD, or minus a points score).

CREATE FUNCTION risk_internal._score_pairs_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_score_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._pd_pairs_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._pd_pairs_accum(internal, float8, boolean, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._auc_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_auc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._gini_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_gini_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._ks_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_ks_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._score_pairs_accum(internal, float8, boolean) IS 'Support function of risk.auc, risk.gini and risk.ks: transition';
COMMENT ON FUNCTION risk_internal._pd_pairs_accum(internal, float8, boolean) IS 'Support function of risk.hosmer_lemeshow: transition';
COMMENT ON FUNCTION risk_internal._pd_pairs_accum(internal, float8, boolean, int) IS 'Support function of risk.hosmer_lemeshow: transition';
COMMENT ON FUNCTION risk_internal._auc_final(internal) IS 'Support function of risk.auc: final';
COMMENT ON FUNCTION risk_internal._gini_final(internal) IS 'Support function of risk.gini: final';
COMMENT ON FUNCTION risk_internal._ks_final(internal) IS 'Support function of risk.ks: final';

CREATE AGGREGATE risk.auc(score float8, bad boolean) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._auc_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.auc(float8, boolean) IS
'Area under the ROC curve: the probability that a bad scores higher than a good, ties counting one half (the Mann-Whitney statistic; scikit-learn roc_auc_score); NULL when the group has no bad or no good';
CREATE AGGREGATE risk.gini(score float8, bad boolean) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._gini_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gini(float8, boolean) IS
'Gini coefficient (accuracy ratio) of a score: 2 AUC - 1; NULL when the group has no bad or no good';
CREATE AGGREGATE risk.ks(score float8, bad boolean) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._ks_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.ks(float8, boolean) IS
'Kolmogorov-Smirnov distance between the score distributions of bads and goods (the two-sample KS statistic); NULL when the group has no bad or no good';

CREATE FUNCTION risk_internal._brier_accum(float8[], float8, boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._brier_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk_internal._brier_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_brier_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._brier_accum(float8[], float8, boolean) IS 'Support function of risk.brier: transition';
COMMENT ON FUNCTION risk_internal._brier_combine(float8[], float8[]) IS 'Support function of risk.brier: combine partial states';
COMMENT ON FUNCTION risk_internal._brier_final(float8[]) IS 'Support function of risk.brier: final';
CREATE AGGREGATE risk.brier(pd float8, bad boolean) (
    SFUNC = risk_internal._brier_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = risk_internal._brier_final, COMBINEFUNC = risk_internal._brier_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.brier(float8, boolean) IS
'Brier score of PDs: the mean of (pd - bad)^2, bad counting 1; a PD outside [0, 1] is an error';

CREATE TYPE risk.hosmer_lemeshow_result AS (statistic float8, df int, p_value float8, n bigint);
COMMENT ON TYPE risk.hosmer_lemeshow_result IS
'Result of risk.hosmer_lemeshow: the statistic, its degrees of freedom (groups - 2), the chi-squared p-value and the number of loans';
CREATE FUNCTION risk_internal._hosmer_lemeshow_final(internal) RETURNS risk.hosmer_lemeshow_result
    AS 'MODULE_PATHNAME', 'risk_hosmer_lemeshow_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._hosmer_lemeshow_final(internal) IS 'Support function of risk.hosmer_lemeshow: final';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad boolean) (
    SFUNC = risk_internal._pd_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._hosmer_lemeshow_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, boolean) IS
'Hosmer-Lemeshow calibration test of PDs in 10 groups of equal size by rank of PD: statistic, df, chi-squared p-value';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad boolean, groups int) (
    SFUNC = risk_internal._pd_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._hosmer_lemeshow_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, boolean, int) IS
'Hosmer-Lemeshow calibration test of PDs in the given number of groups (3 to 1000) of equal size by rank of PD';

CREATE FUNCTION risk.jeffreys_test(n bigint, defaults bigint, pd float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_jeffreys_test_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.jeffreys_test(bigint, bigint, float8) IS
'Jeffreys test of a grade''s PD (ECB IRB validation): p-value = cdf at the PD of Beta(defaults + 1/2, n - defaults + 1/2); small means the PD is too low';
CREATE FUNCTION risk.binomial_test(n bigint, defaults bigint, pd float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_binomial_test_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.binomial_test(bigint, bigint, float8) IS
'One-sided binomial test of a grade''s PD: p-value = P(X >= defaults), X ~ Binomial(n, pd); small means the PD is too low';

CREATE TYPE risk.psi_result AS (psi float8, band text);
COMMENT ON TYPE risk.psi_result IS
'Result of risk.psi: the population stability index and its band (stable below 0.1, moderate shift below 0.25, significant shift)';
CREATE FUNCTION risk.psi(development float8[], current float8[]) RETURNS risk.psi_result
    AS 'MODULE_PATHNAME', 'risk_psi_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.psi(float8[], float8[]) IS
'Population stability index between a development and a current distribution given as counts per bucket (same buckets, all counts positive): sum (a - e) ln(a / e) over the shares';

-- The validation aggregates with the default flag as a 0/1 integer
-- (scikit-learn and statsmodels users pass integers).  The support
-- functions are the boolean ones' C symbols: a bool Datum is 0 or 1, an
-- int4 Datum its value, and risk_get_flag rejects anything but 0 and 1.

CREATE FUNCTION risk_internal._score_pairs_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_score_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._pd_pairs_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._pd_pairs_accum(internal, float8, int, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._brier_accum(float8[], float8, int) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._score_pairs_accum(internal, float8, int) IS 'Support function of risk.auc, risk.gini and risk.ks with a 0/1 flag: transition';
COMMENT ON FUNCTION risk_internal._pd_pairs_accum(internal, float8, int) IS 'Support function of risk.hosmer_lemeshow with a 0/1 flag: transition';
COMMENT ON FUNCTION risk_internal._pd_pairs_accum(internal, float8, int, int) IS 'Support function of risk.hosmer_lemeshow with a 0/1 flag and a number of groups: transition';
COMMENT ON FUNCTION risk_internal._brier_accum(float8[], float8, int) IS 'Support function of risk.brier with a 0/1 flag: transition';

CREATE AGGREGATE risk.auc(score float8, bad int) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._auc_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.auc(float8, int) IS
'risk.auc with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.gini(score float8, bad int) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._gini_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gini(float8, int) IS
'risk.gini with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.ks(score float8, bad int) (
    SFUNC = risk_internal._score_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._ks_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.ks(float8, int) IS
'risk.ks with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.brier(pd float8, bad int) (
    SFUNC = risk_internal._brier_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = risk_internal._brier_final, COMBINEFUNC = risk_internal._brier_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.brier(float8, int) IS
'risk.brier with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad int) (
    SFUNC = risk_internal._pd_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._hosmer_lemeshow_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, int) IS
'risk.hosmer_lemeshow with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad int, groups int) (
    SFUNC = risk_internal._pd_pairs_accum, STYPE = internal, FINALFUNC = risk_internal._hosmer_lemeshow_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, int, int) IS
'risk.hosmer_lemeshow with the default flag as an integer and a number of groups: 1 a bad, 0 a good, anything else an error';

-- The population stability index from raw scores, in one pass.

CREATE FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_edges_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._psi_scores_final(internal) RETURNS risk.psi_result
    AS 'MODULE_PATHNAME', 'risk_psi_scores_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean) IS 'Support function of risk.psi_scores: transition (10 buckets)';
COMMENT ON FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean, int) IS 'Support function of risk.psi_scores: transition (buckets by the development quantiles)';
COMMENT ON FUNCTION risk_internal._psi_scores_accum(internal, float8, boolean, float8[]) IS 'Support function of risk.psi_scores: transition (given breakpoints)';
COMMENT ON FUNCTION risk_internal._psi_scores_final(internal) IS 'Support function of risk.psi_scores: final (bucket counts, then the PSI)';

CREATE AGGREGATE risk.psi_scores(score float8, current boolean) (
    SFUNC = risk_internal._psi_scores_accum, STYPE = internal, FINALFUNC = risk_internal._psi_scores_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean) IS
'Population stability index of raw scores, current = false for the development sample and true for the current one: 10 buckets [b(i-1), b(i)) at the development sample''s type-7 deciles (repeated edges merged), then as risk.psi; NULL when a sample is empty';
CREATE AGGREGATE risk.psi_scores(score float8, current boolean, buckets int) (
    SFUNC = risk_internal._psi_scores_accum, STYPE = internal, FINALFUNC = risk_internal._psi_scores_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean, int) IS
'Population stability index of raw scores in buckets (2 to 1000) at the development sample''s type-7 quantiles 1/buckets, ..., (buckets-1)/buckets; a bucket is [b(i-1), b(i))';
CREATE AGGREGATE risk.psi_scores(score float8, current boolean, breakpoints float8[]) (
    SFUNC = risk_internal._psi_scores_accum, STYPE = internal, FINALFUNC = risk_internal._psi_scores_final,
    COMBINEFUNC = risk_internal._buffer_combine,
    SERIALFUNC = risk_internal._buffer_serialize, DESERIALFUNC = risk_internal._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean, float8[]) IS
'Population stability index of raw scores in the buckets [b(i-1), b(i)) of increasing breakpoints b(1..k) (b(0) = -Infinity, b(k+1) = +Infinity), the same on every row';
