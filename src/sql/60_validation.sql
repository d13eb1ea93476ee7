-- Credit validation metrics.  A bad is the default event; scores are
-- oriented so that higher means riskier (pass a PD, or minus a points score).

CREATE FUNCTION risk._score_pairs_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_score_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._pd_pairs_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._pd_pairs_accum(internal, float8, boolean, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._auc_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_auc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gini_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_gini_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._ks_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_ks_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._score_pairs_accum(internal, float8, boolean) IS 'Support function of risk.auc, risk.gini and risk.ks: transition';
COMMENT ON FUNCTION risk._pd_pairs_accum(internal, float8, boolean) IS 'Support function of risk.hosmer_lemeshow: transition';
COMMENT ON FUNCTION risk._pd_pairs_accum(internal, float8, boolean, int) IS 'Support function of risk.hosmer_lemeshow: transition';
COMMENT ON FUNCTION risk._auc_final(internal) IS 'Support function of risk.auc: final';
COMMENT ON FUNCTION risk._gini_final(internal) IS 'Support function of risk.gini: final';
COMMENT ON FUNCTION risk._ks_final(internal) IS 'Support function of risk.ks: final';

CREATE AGGREGATE risk.auc(score float8, bad boolean) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._auc_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.auc(float8, boolean) IS
'Area under the ROC curve: the probability that a bad scores higher than a good, ties counting one half (the Mann-Whitney statistic; scikit-learn roc_auc_score); NULL when the group has no bad or no good';
CREATE AGGREGATE risk.gini(score float8, bad boolean) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._gini_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gini(float8, boolean) IS
'Gini coefficient (accuracy ratio) of a score: 2 AUC - 1; NULL when the group has no bad or no good';
CREATE AGGREGATE risk.ks(score float8, bad boolean) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._ks_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.ks(float8, boolean) IS
'Kolmogorov-Smirnov distance between the score distributions of bads and goods (the two-sample KS statistic); NULL when the group has no bad or no good';

CREATE FUNCTION risk._brier_accum(float8[], float8, boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._brier_combine(float8[], float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION risk._brier_final(float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_brier_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._brier_accum(float8[], float8, boolean) IS 'Support function of risk.brier: transition';
COMMENT ON FUNCTION risk._brier_combine(float8[], float8[]) IS 'Support function of risk.brier: combine partial states';
COMMENT ON FUNCTION risk._brier_final(float8[]) IS 'Support function of risk.brier: final';
CREATE AGGREGATE risk.brier(pd float8, bad boolean) (
    SFUNC = risk._brier_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = risk._brier_final, COMBINEFUNC = risk._brier_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.brier(float8, boolean) IS
'Brier score of PDs: the mean of (pd - bad)^2, bad counting 1; a PD outside [0, 1] is an error';

CREATE TYPE risk.hosmer_lemeshow_result AS (statistic float8, df int, p_value float8, n bigint);
COMMENT ON TYPE risk.hosmer_lemeshow_result IS
'Result of risk.hosmer_lemeshow: the statistic, its degrees of freedom (groups - 2), the chi-squared p-value and the number of loans';
CREATE FUNCTION risk._hosmer_lemeshow_final(internal) RETURNS risk.hosmer_lemeshow_result
    AS 'MODULE_PATHNAME', 'risk_hosmer_lemeshow_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._hosmer_lemeshow_final(internal) IS 'Support function of risk.hosmer_lemeshow: final';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad boolean) (
    SFUNC = risk._pd_pairs_accum, STYPE = internal, FINALFUNC = risk._hosmer_lemeshow_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, boolean) IS
'Hosmer-Lemeshow calibration test of PDs in 10 groups of equal size by rank of PD: statistic, df, chi-squared p-value';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad boolean, groups int) (
    SFUNC = risk._pd_pairs_accum, STYPE = internal, FINALFUNC = risk._hosmer_lemeshow_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
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
