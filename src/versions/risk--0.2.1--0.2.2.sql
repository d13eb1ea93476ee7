-- risk upgrade script 0.2.1 -> 0.2.2.  Built by the Makefile: this head,
-- then the pieces 0.2.2 added or changed (what a new analyst meets on the
-- first day: windows that start with NULLs, levels written as tail
-- probabilities, order-dependent aggregates called without an order,
-- integer default flags, the early-warning views BI tools join).
-- Test: test/t/002_upgrade_dump.pl compares the upgraded catalog with a
-- fresh install.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.2.2'" to load this file. \quit

-- risk.grade, risk.score_points, risk.woe and risk.characteristic_points move
-- to 98_first_hour.sql, which
-- replaces them (CREATE OR REPLACE keeps their privileges).  The tail,
-- 0.2.1--0.2.2.tail.sql, revokes from PUBLIC what the new pieces create.

-- ---------------------------------------------------------------------
-- Early warning: the watched view is a regclass column `view` in every
-- table and view (risk.alerts and risk.refresh_history had view_oid oid),
-- the history has its duration in seconds too, and the BI views are made
-- again by 98_warning_views.sql with columns of other types.  Their grants
-- are kept here and given back by 0.2.1--0.2.2.warning_grants.sql, which
-- the Makefile puts after that piece.  A view of the user's own that reads
-- one of the BI views stops the upgrade (DROP VIEW would need CASCADE):
-- drop it first and make it again afterwards.
-- ---------------------------------------------------------------------
CREATE TABLE risk._upgrade_view_grants AS
SELECT c.oid::regclass::text AS view, c.relowner, c.relacl
FROM pg_catalog.pg_class c
WHERE c.oid IN ('risk.open_alerts'::regclass, 'risk.alert_summary'::regclass,
                'risk.refresh_status'::regclass);
COMMENT ON TABLE risk._upgrade_view_grants IS
'Scratch table of the upgrade 0.2.1 -> 0.2.2: owner and grants of the BI views it makes again; dropped by the end of the same script';
DROP VIEW risk.refresh_status, risk.alert_summary, risk.open_alerts;

-- a column used by a policy cannot change type: the read policies go and
-- come back on the new column
DROP POLICY alerts_read ON risk.alerts;
DROP POLICY history_read ON risk.refresh_history;
ALTER TABLE risk.alerts RENAME COLUMN view_oid TO view;
ALTER TABLE risk.alerts ALTER COLUMN view TYPE regclass;
ALTER TABLE risk.refresh_history RENAME COLUMN view_oid TO view;
ALTER TABLE risk.refresh_history ALTER COLUMN view TYPE regclass;
ALTER TABLE risk.refresh_history
    ADD COLUMN duration_seconds float8 GENERATED ALWAYS AS (extract(epoch FROM duration)) STORED;
CREATE POLICY alerts_read ON risk.alerts FOR SELECT USING (risk._may_read(view));
CREATE POLICY history_read ON risk.refresh_history FOR SELECT USING (risk._may_read(view));
COMMENT ON TABLE risk.refresh_history IS
'One row per refresh: the view, start, end, duration (also in seconds), rows, outcome (running while it runs, then ok, failed, timeout, lost or rules_failed), error and the alerts it opened, updated and resolved; kept for risk.history_retention';

-- Operational risk: the comments spell out the loss distribution approach (LDA)
-- and the single-loss approximation (SLA).
COMMENT ON FUNCTION risk.lda_simulate(text, float8[], text, float8[], int, bigint, float8[]) IS
'Loss distribution approach (LDA, the operational-risk model; not linear discriminant analysis): Monte Carlo compound annual loss (positive = loss) for a frequency and a severity: per level the VaR (type-7 quantile), ES (mean at or above it), the standard error of the VaR from the 95% order-statistic interval, and the mean; reproducible for a seed; 100 to 10,000,000 years';
COMMENT ON FUNCTION risk.lda_simulate_losses(text, float8[], text, float8[], int, bigint) IS
'The simulated annual losses of risk.lda_simulate, the loss distribution approach (same seed, same years), one row per year, for plotting the loss distribution';
COMMENT ON FUNCTION risk.sla_var(float8, text, float8[], float8, boolean) IS
'Single-loss approximation (SLA) of the annual operational-risk VaR of the loss distribution approach at confidence p (Bocker & Kluppelberg): F^-1(1 - (1-p)/lambda), plus (lambda - 1) E[X] with the mean correction (Bocker & Sprittulla) when the severity mean is finite';

-- ---------------------------------------------------------------------
-- Early warning in bulk: a rule's breaching rows come as a relation
-- (risk._rule_breach_rows, made by 98_warning_batch.sql with the new
-- risk._evaluate_rules), not as a jsonb array expanded again for every
-- open alert; the array and its expansion go.  The library keeps the C
-- function of the array for a 0.2.1 schema not yet upgraded.
-- ---------------------------------------------------------------------
DROP FUNCTION risk._rule_breaches(regclass, name, text, float8, name[]);
DROP FUNCTION risk._breach_rows(jsonb, text);
-- The multi-pass logistic fit over a table.  A piece of its own because
-- 0.2.0 changed it (clear errors for a missing relation or a non-boolean
-- outcome) and 0.2.2 (an integer 0/1 outcome; a constant or collinear
-- feature named): the upgrade scripts to both include this piece.

CREATE OR REPLACE FUNCTION risk.logit_fit_table(source regclass, y name, x name[],
                                     intercept boolean DEFAULT true, l2 float8 DEFAULT 0,
                                     max_iter int DEFAULT 50)
    RETURNS risk.logit_model
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q         text;
    beta      float8[];
    nb        float8[];
    st        float8[];
    it        int := 0;
    delta     float8;
    converged boolean := false;
    ytype     regtype;
BEGIN
    IF source IS NULL OR y IS NULL OR x IS NULL OR intercept IS NULL OR l2 IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'source, y, x, intercept and l2 must not be NULL';
    END IF;
    IF NOT (l2 >= 0 AND l2 < 'Infinity') THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('the L2 penalty must be a finite number >= 0, got %s', l2);
    END IF;
    IF cardinality(x) = 0 AND NOT intercept THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'a model without intercept needs at least one feature';
    END IF;
    IF array_position(x, NULL) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'feature column names must not be NULL';
    END IF;
    IF max_iter IS NULL OR max_iter < 1 OR max_iter > 1000 THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('max_iter must be between 1 and 1000, got %s', max_iter);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = source) THEN
        RAISE EXCEPTION USING ERRCODE = '42P01', MESSAGE = format('relation with OID %s does not exist', source::oid);
    END IF;
    SELECT a.atttypid INTO ytype FROM pg_attribute a
    WHERE a.attrelid = source AND a.attname = y AND a.attnum > 0 AND NOT a.attisdropped;
    IF ytype IS NULL OR ytype NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
        RAISE EXCEPTION USING ERRCODE = '42804',
            MESSAGE = format('the outcome column %I of %s must exist and be boolean or a 0/1 integer', y, source);
    END IF;
    -- every name quoted as an identifier; the relation by its regclass; an
    -- integer outcome goes to the int4 logit_step, which rejects all but 0/1
    q := format('SELECT risk.logit_step(%s, ARRAY[%s]::float8[], $1, $2) FROM %s',
                CASE WHEN ytype = 'boolean'::regtype THEN format('%I', y)
                     ELSE format('%I::int4', y) END,
                (SELECT string_agg(format('%I', c), ', ' ORDER BY o)
                    FROM unnest(x) WITH ORDINALITY AS u(c, o)), source);
    beta := array_fill(0::float8, ARRAY[cardinality(x) + CASE WHEN intercept THEN 1 ELSE 0 END]);
    WHILE it < max_iter LOOP
        it := it + 1;
        EXECUTE q INTO st USING beta, intercept;
        IF st IS NULL OR cardinality(st) = 0 THEN
            RETURN NULL;        -- no rows
        END IF;
        nb := risk._logit_newton(st, beta, intercept, l2, x::text[]);
        SELECT max(abs(a - b)) INTO delta FROM unnest(nb, beta) AS u(a, b);
        beta := nb;
        IF delta <= 1e-10 * (1 + (SELECT max(abs(a)) FROM unnest(beta) a)) THEN
            converged := true;
            EXIT;
        END IF;
    END LOOP;
    EXECUTE q INTO st USING beta, intercept;
    IF NOT converged AND l2 = 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('the fit did not converge in %s iterations', it),
            HINT = 'The classes may be separated: remove the separating feature, or fit with an L2 penalty.';
    END IF;
    RETURN risk._logit_model(st, beta, intercept, l2, it, converged);
END $$;
COMMENT ON FUNCTION risk.logit_fit_table(regclass, name, name[], boolean, float8, int) IS
'Logistic regression of a table of any size: IRLS with one pass of risk.logit_step per iteration (parallel where the planner chooses), y a boolean or 0/1 integer column, x the feature columns (a constant or collinear one is named); names are quoted, and it runs with the caller''s privileges';
-- What the daily run needs in one pass (0.2.2), in a piece of its own that
-- the upgrade from 0.2.1 includes: the population stability index from raw
-- scores, and a GPD fit whose threshold is a quantile of the group's own
-- losses.

CREATE FUNCTION risk._psi_scores_accum(internal, float8, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._psi_scores_accum(internal, float8, boolean, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._psi_scores_accum(internal, float8, boolean, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_psi_scores_edges_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._psi_scores_final(internal) RETURNS risk.psi_result
    AS 'MODULE_PATHNAME', 'risk_psi_scores_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._psi_scores_accum(internal, float8, boolean) IS 'Support function of risk.psi_scores: transition (10 buckets)';
COMMENT ON FUNCTION risk._psi_scores_accum(internal, float8, boolean, int) IS 'Support function of risk.psi_scores: transition (buckets by the development quantiles)';
COMMENT ON FUNCTION risk._psi_scores_accum(internal, float8, boolean, float8[]) IS 'Support function of risk.psi_scores: transition (given breakpoints)';
COMMENT ON FUNCTION risk._psi_scores_final(internal) IS 'Support function of risk.psi_scores: final (bucket counts, then the PSI)';

CREATE AGGREGATE risk.psi_scores(score float8, current boolean) (
    SFUNC = risk._psi_scores_accum, STYPE = internal, FINALFUNC = risk._psi_scores_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean) IS
'Population stability index of raw scores, current = false for the development sample and true for the current one: 10 buckets [b(i-1), b(i)) at the development sample''s type-7 deciles (repeated edges merged), then as risk.psi; NULL when a sample is empty';
CREATE AGGREGATE risk.psi_scores(score float8, current boolean, buckets int) (
    SFUNC = risk._psi_scores_accum, STYPE = internal, FINALFUNC = risk._psi_scores_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean, int) IS
'Population stability index of raw scores in buckets (2 to 1000) at the development sample''s type-7 quantiles 1/buckets, ..., (buckets-1)/buckets; a bucket is [b(i-1), b(i))';
CREATE AGGREGATE risk.psi_scores(score float8, current boolean, breakpoints float8[]) (
    SFUNC = risk._psi_scores_accum, STYPE = internal, FINALFUNC = risk._psi_scores_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.psi_scores(float8, boolean, float8[]) IS
'Population stability index of raw scores in the buckets [b(i-1), b(i)) of increasing breakpoints b(1..k) (b(0) = -Infinity, b(k+1) = +Infinity), the same on every row';

CREATE FUNCTION risk._gpd_q_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_q_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gpd_q_accum(internal, float8, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_gpd_q_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._gpd_q_final(internal) RETURNS risk.gpd_model
    AS 'MODULE_PATHNAME', 'risk_gpd_q_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._gpd_q_accum(internal, float8, float8) IS 'Support function of risk.gpd_fit_quantile: transition';
COMMENT ON FUNCTION risk._gpd_q_accum(internal, float8, float8, text) IS 'Support function of risk.gpd_fit_quantile: transition';
COMMENT ON FUNCTION risk._gpd_q_final(internal) IS 'Support function of risk.gpd_fit_quantile: final (the threshold, then the fit)';

CREATE AGGREGATE risk.gpd_fit_quantile(loss float8, q float8) (
    SFUNC = risk._gpd_q_accum, STYPE = internal, FINALFUNC = risk._gpd_q_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit_quantile(float8, float8) IS
'Maximum-likelihood GPD fit to the excesses of losses (positive = loss) over the type-7 quantile at q of the group''s own losses (percentile_cont(q)), in one pass; the model''s threshold is that quantile';
CREATE AGGREGATE risk.gpd_fit_quantile(loss float8, q float8, method text) (
    SFUNC = risk._gpd_q_accum, STYPE = internal, FINALFUNC = risk._gpd_q_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gpd_fit_quantile(float8, float8, text) IS
'GPD fit by method ''mle'' or ''pwm'' to the excesses of losses over the type-7 quantile at q of the group''s own losses, in one pass';
-- What a new analyst meets on the first day (0.2.2), in a piece of its own
-- that the upgrade from 0.2.1 includes:
--   - default flags as 0/1 integers (scikit-learn and statsmodels users pass
--     integers): the validation aggregates, woe_bins, logit_fit and
--     logit_step take an int flag as well as a boolean.  The support
--     functions are the boolean ones' C symbols: a bool Datum is 0 or 1, an
--     int4 Datum its value, and risk_get_flag rejects anything but 0 and 1;
--   - the Newton step of risk.logit_fit_table with the feature names, so a
--     constant or collinear column is named;
--   - risk.grade, risk.woe, risk.score_points and risk.characteristic_points
--     in C (they run once per row), risk.grade and risk.score_points with a
--     hint that a PD is a fraction.

-- validation metrics with an integer flag

CREATE FUNCTION risk._score_pairs_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_score_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._pd_pairs_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._pd_pairs_accum(internal, float8, int, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_pd_pairs_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._brier_accum(float8[], float8, int) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_brier_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._score_pairs_accum(internal, float8, int) IS 'Support function of risk.auc, risk.gini and risk.ks with a 0/1 flag: transition';
COMMENT ON FUNCTION risk._pd_pairs_accum(internal, float8, int) IS 'Support function of risk.hosmer_lemeshow with a 0/1 flag: transition';
COMMENT ON FUNCTION risk._pd_pairs_accum(internal, float8, int, int) IS 'Support function of risk.hosmer_lemeshow with a 0/1 flag and a number of groups: transition';
COMMENT ON FUNCTION risk._brier_accum(float8[], float8, int) IS 'Support function of risk.brier with a 0/1 flag: transition';

CREATE AGGREGATE risk.auc(score float8, bad int) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._auc_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.auc(float8, int) IS
'risk.auc with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.gini(score float8, bad int) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._gini_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.gini(float8, int) IS
'risk.gini with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.ks(score float8, bad int) (
    SFUNC = risk._score_pairs_accum, STYPE = internal, FINALFUNC = risk._ks_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.ks(float8, int) IS
'risk.ks with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.brier(pd float8, bad int) (
    SFUNC = risk._brier_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = risk._brier_final, COMBINEFUNC = risk._brier_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.brier(float8, int) IS
'risk.brier with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad int) (
    SFUNC = risk._pd_pairs_accum, STYPE = internal, FINALFUNC = risk._hosmer_lemeshow_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, int) IS
'risk.hosmer_lemeshow with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.hosmer_lemeshow(pd float8, bad int, groups int) (
    SFUNC = risk._pd_pairs_accum, STYPE = internal, FINALFUNC = risk._hosmer_lemeshow_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.hosmer_lemeshow(float8, int, int) IS
'risk.hosmer_lemeshow with the default flag as an integer and a number of groups: 1 a bad, 0 a good, anything else an error';

-- WOE binning with an integer flag

CREATE FUNCTION risk._woe_accum(internal, float8, int) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._woe_accum(internal, float8, int, int, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_woe_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._woe_accum(internal, float8, int) IS 'Support function of risk.woe_bins with a 0/1 flag: transition';
COMMENT ON FUNCTION risk._woe_accum(internal, float8, int, int, float8) IS 'Support function of risk.woe_bins with a 0/1 flag and options: transition';

CREATE AGGREGATE risk.woe_bins(x float8, bad int) (
    SFUNC = risk._woe_accum, STYPE = internal, FINALFUNC = risk._woe_bins_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, int) IS
'risk.woe_bins with the default flag as an integer: 1 a bad, 0 a good, anything else an error';
CREATE AGGREGATE risk.woe_bins(x float8, bad int, max_bins int, min_share float8) (
    SFUNC = risk._woe_accum, STYPE = internal, FINALFUNC = risk._woe_bins_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.woe_bins(float8, int, int, float8) IS
'risk.woe_bins with the default flag as an integer, at most max_bins bins of at least min_share each: 1 a bad, 0 a good, anything else an error';

-- logistic regression with an integer outcome

CREATE FUNCTION risk._logit_accum(internal, int, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._logit_accum(internal, int, float8[], boolean, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_logit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION risk._logit_step_accum(float8[], int, float8[], float8[], boolean) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'risk_logit_step_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk._logit_accum(internal, int, float8[]) IS 'Support function of risk.logit_fit with a 0/1 outcome: transition';
COMMENT ON FUNCTION risk._logit_accum(internal, int, float8[], boolean, float8) IS 'Support function of risk.logit_fit with a 0/1 outcome and options: transition';
COMMENT ON FUNCTION risk._logit_step_accum(float8[], int, float8[], float8[], boolean) IS 'Support function of risk.logit_step with a 0/1 outcome: transition';

CREATE AGGREGATE risk.logit_fit(y int, x float8[]) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(int, float8[]) IS
'risk.logit_fit with the outcome as an integer: 1 a default, 0 not, anything else an error';
CREATE AGGREGATE risk.logit_fit(y int, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._buffer_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_fit(int, float8[], boolean, float8) IS
'risk.logit_fit with the outcome as an integer, with or without intercept and an L2 penalty: 1 a default, 0 not, anything else an error';
CREATE AGGREGATE risk.logit_step(y int, x float8[], beta float8[], intercept boolean) (
    SFUNC = risk._logit_step_accum, STYPE = float8[], INITCOND = '{}',
    COMBINEFUNC = risk._logit_step_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.logit_step(int, float8[], float8[], boolean) IS
'risk.logit_step with the outcome as an integer: 1 a default, 0 not, anything else an error';

CREATE FUNCTION risk._logit_newton(state float8[], beta float8[], intercept boolean, l2 float8,
                                   names text[])
    RETURNS float8[] AS 'MODULE_PATHNAME', 'risk_logit_newton' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk._logit_newton(float8[], float8[], boolean, float8, text[]) IS
'Support function of risk.logit_fit_table: the Newton step from a risk.logit_step state, naming the feature (names in order) at which the information matrix is singular';

-- the functions called once per row, in C (0.2.2): the same results as
-- the SQL definitions they replace, to the last digit, at the cost of a C
-- call; risk.grade reads its scale once per statement, risk.woe decodes a
-- binning once per query.  A PD given as a percentage gets a hint.

CREATE OR REPLACE FUNCTION risk.grade(pd float8, scale text DEFAULT 'default') RETURNS text
    AS 'MODULE_PATHNAME', 'risk_grade' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.grade(float8, text) IS
'The grade of a PD on a master scale (risk.master_scale): the band [pd_lower, pd_upper) holding it (the last band includes 1); a PD outside [0, 1] or an unknown scale is an error (a PD is a fraction: 0.015, not 1.5); the scale is read once per statement';

CREATE OR REPLACE FUNCTION risk.woe(binning risk.woe_binning, x float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'risk_woe' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk.woe(risk.woe_binning, float8) IS
'The WOE of a value in a binning: the bin [lower, upper) holding x; NULL x takes the missing-value bin, or 0 (no evidence) when the binning had no missing value';

-- points: score = offset + factor ln(good:bad odds), factor = pdo / ln 2,
-- offset = base_points - factor ln(base_odds)
CREATE OR REPLACE FUNCTION risk.score_points(pd float8, base_points float8 DEFAULT 600,
                                             base_odds float8 DEFAULT 50, pdo float8 DEFAULT 20)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_score_points' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.score_points(float8, float8, float8, float8) IS
'Scorecard points of a PD: base_points at good:bad odds base_odds, pdo more points for every doubling of the odds: base_points + pdo/ln 2 (ln((1-pd)/pd) - ln base_odds)';

CREATE OR REPLACE FUNCTION risk.characteristic_points(coefficient float8, woe float8, intercept float8,
                                                      n_characteristics int, base_points float8 DEFAULT 600,
                                                      base_odds float8 DEFAULT 50, pdo float8 DEFAULT 20)
    RETURNS float8 AS 'MODULE_PATHNAME', 'risk_characteristic_points' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.characteristic_points(float8, float8, float8, int, float8, float8, float8) IS
'Points of one characteristic''s bin in a scorecard from a logistic model of defaults on WOE columns (log-odds of default = intercept + sum coefficient_j woe_j): summed over the characteristics they give risk.score_points of the model''s PD';
-- 0.2.2: the GARCH transition functions need no call expression.
--
-- In 0.2.1 one C function served both forms and told a confidence level
-- (var_garch(r, 0.99)) from a distribution (garch_fit(r, 'std')) by the
-- argument type of the call expression, which a caller through fmgr
-- without an expression does not pass.  Each SQL signature now has its own
-- C entry point; the old one stays in the library for a catalog not yet
-- updated.
CREATE OR REPLACE FUNCTION risk._garch_accum(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_dist' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION risk._garch_accum(internal, float8, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_dist' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION risk._garch_accum(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_garch_accum_level' LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- 0.2.2: risk.logit_fit kept out of parallel plans by cost.
--
-- Its state is the rows themselves, and its final function, the IRLS fit,
-- runs in the leader whatever the plan: parallel workers save only part of
-- the scan and add the transfer of every row to the leader (1 M loans x 5
-- features: 0.70 s serial, 0.80 s with one worker).  Its deserialize
-- function is the value buffers' C function under a cost that makes any
-- plan that combines partial states dearer than the serial one, so the
-- planner does not choose it; the combine function stays, for the callers
-- that combine partial states themselves.
CREATE FUNCTION risk._logit_buffer_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_buffer_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    COST 10000000000;
COMMENT ON FUNCTION risk._logit_buffer_deserialize(bytea, internal) IS
'Support function of risk.logit_fit: deserialize a partial state; costed so that the planner keeps logit_fit out of parallel plans';

CREATE OR REPLACE AGGREGATE risk.logit_fit(y boolean, x float8[]) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y boolean, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y int, x float8[]) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._logit_buffer_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE risk.logit_fit(y int, x float8[], intercept boolean, l2 float8) (
    SFUNC = risk._logit_accum, STYPE = internal, FINALFUNC = risk._logit_fit_final,
    COMBINEFUNC = risk._buffer_combine,
    SERIALFUNC = risk._buffer_serialize, DESERIALFUNC = risk._logit_buffer_deserialize,
    PARALLEL = SAFE
);
-- Early warning, 0.2.2: what a batch job needs, and alerts in bulk.  One
-- piece that the fresh install and the upgrade from 0.2.1 share.
--
-- risk.refresh_and_evaluate refreshes a watched view in the calling session
-- and evaluates its rules, on the path of the refresh workers
-- (src/warning_sql.c: risk_refresh_start, risk_refresh_run), and returns the
-- history row it recorded: a nightly job needs neither the workers nor a
-- poll of risk.refresh_history.
--
-- Rule evaluation is set-based: a rule's breaching rows come as a relation
-- (risk._rule_breach_rows, one row per key, run as the view's owner), and
-- one statement per rule updates, opens and resolves its alerts, joining
-- them once.  Listeners get one NOTIFY per opened and resolved alert while
-- a rule's refresh opens and resolves at most risk.alert_notify_limit (100)
-- of them, one summary NOTIFY for the rule above that.

-- ---------------------------------------------------------------------
-- The synchronous refresh
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk.refresh_and_evaluate(view regclass) RETURNS risk.refresh_history
    AS 'MODULE_PATHNAME', 'risk_refresh_and_evaluate'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION risk.refresh_and_evaluate(regclass) IS
'Refresh a watched view now, in this session and transaction, as its owner, evaluate its rules and return the refresh as recorded in risk.refresh_history (id, rows, outcome, alerts opened, updated and resolved); a failed refresh or rule is recorded and returned, not raised; works without the background workers';

-- ---------------------------------------------------------------------
-- Queueing a lane of refreshes
-- ---------------------------------------------------------------------

-- The scheduler queues the views of a lane at once: a history row each
-- (running), in the order given; the views no longer watched, or paused,
-- are left out.  As risk._refresh_begin, for many views in one statement.
CREATE OR REPLACE FUNCTION risk._refresh_queue(views oid[])
    RETURNS TABLE (view oid, id bigint)
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO risk.refresh_history AS h (view, view_name, started_at, concurrent, outcome)
    SELECT w.view, w.view::text, clock_timestamp(), risk._refresh_concurrently(w.view), 'running'
    FROM unnest(views) WITH ORDINALITY AS u(v, o)
    JOIN risk.watched w ON w.view = u.v AND NOT w.paused
    ORDER BY u.o
    RETURNING h.view::oid, h.id
$$;
COMMENT ON FUNCTION risk._refresh_queue(oid[]) IS
'Worker: record the refreshes of a lane as queued (a running history row each, in the order given); returns each view with its history id, none for a view no longer watched or paused';

-- ---------------------------------------------------------------------
-- Rules in bulk
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk._rule_breach_rows(view regclass, metric name, op text,
                                                  threshold float8, keys name[])
    RETURNS TABLE (key jsonb, value float8)
    AS 'MODULE_PATHNAME', 'risk_rule_breach_rows'
    LANGUAGE C VOLATILE ROWS 1000;
COMMENT ON FUNCTION risk._rule_breach_rows(regclass, name, text, float8, name[]) IS
'Worker: as the view''s owner, the rows where metric op threshold holds, one per key (a jsonb object of the key columns) with the worst value';

CREATE OR REPLACE FUNCTION risk._alert_notify_limit() RETURNS integer
    AS 'MODULE_PATHNAME', 'risk_alert_notify_limit_sql'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION risk._alert_notify_limit() IS
'Worker: risk.alert_notify_limit, the most alerts a rule opens and resolves in one refresh with a NOTIFY each (-1: no limit)';

-- One NOTIFY for the alerts a rule opened and resolved in one refresh (or
-- resolved when it was dropped or disabled), instead of one per alert:
-- the detail is in risk.alerts (rule_id, and opened_at or resolved_at = at).
CREATE OR REPLACE FUNCTION risk._notify_summary(a risk.alerts, refresh_id bigint,
                                                opened bigint, resolved bigint)
    RETURNS bigint
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_notify('risk_alerts',
                     json_build_object('event', 'summary', 'view', left(a.view_name, 200),
                                       'rule', left(a.rule_name, 200), 'rule_id', a.rule_id,
                                       'refresh_id', refresh_id, 'severity', a.severity,
                                       'opened', opened, 'resolved', resolved,
                                       'at', now())::text);
    SELECT 1::bigint;
$$;
COMMENT ON FUNCTION risk._notify_summary(risk.alerts, bigint, bigint, bigint) IS
'Send one summary event on channel risk_alerts for the alerts a rule opened and resolved at once (event summary: view, rule, rule_id, refresh_id, severity, opened, resolved, at)';

-- After a successful refresh: evaluate every rule of the view, one
-- statement per rule.  The breaching rows are read once (as the owner) and
-- joined once: the continuing breaches update their open alerts, the new
-- ones open alerts, the open alerts without a breach are resolved.  Then
-- the NOTIFYs: one per alert up to risk.alert_notify_limit, else a summary.
-- Every join is a hash (or merge) join: a refresh may open thousands of
-- alerts before risk.alerts is analyzed again, and with the default
-- selectivities a nested loop over the open alerts of a rule, planned for
-- one row, would compare every alert with every breach.
CREATE OR REPLACE FUNCTION risk._evaluate_rules(hid bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET enable_nestloop = off
AS $$
DECLARE
    v regclass;
    vname text;
    r risk.rules;
    lim integer := risk._alert_notify_limit();
    n_upd integer;
    n_open integer;
    n_res integer;
    sent bigint;
    nrules integer := 0;
    opened integer := 0;
    updated integer := 0;
    resolved integer := 0;
BEGIN
    SELECT h.view, h.view_name INTO v, vname FROM risk.refresh_history h WHERE h.id = hid;
    FOR r IN SELECT * FROM risk.rules x WHERE x.view = v AND x.enabled ORDER BY x.id LOOP
        WITH br AS MATERIALIZED (
            SELECT b.key, b.value
            FROM risk._rule_breach_rows(v, r.metric, r.op, r.threshold, r.key_columns) b
        ), upd AS (
            UPDATE risk.alerts x
            SET value = br.value, updated_at = now(), refreshes = x.refreshes + 1
            FROM br
            WHERE x.rule_id = r.id AND x.status = 'open' AND x.key = br.key
            RETURNING 1
        ), ins AS (
            INSERT INTO risk.alerts AS x
                (rule_id, rule_name, view, view_name, key, metric, op, threshold,
                 value, severity, action, status, opened_at, updated_at)
            SELECT r.id, r.rule_name, v, vname, br.key, r.metric, r.op, r.threshold,
                   br.value, r.severity, r.action, 'open', now(), now()
            FROM br
            WHERE NOT EXISTS (SELECT 1 FROM risk.alerts o
                              WHERE o.rule_id = r.id AND o.status = 'open' AND o.key = br.key)
            RETURNING x
        ), res AS (
            UPDATE risk.alerts x
            SET status = 'resolved', resolved_at = now(), updated_at = now(),
                resolution = 'cleared'
            WHERE x.rule_id = r.id AND x.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM br WHERE br.key = x.key)
            RETURNING x
        )
        SELECT (SELECT count(*) FROM upd), c.o, c.s,
               CASE WHEN c.o + c.s = 0 THEN 0
                    WHEN lim < 0 OR c.o + c.s <= lim
                    THEN (SELECT count(*)
                          FROM (SELECT risk._notify(e.event, e.a)
                                FROM (SELECT 'opened' AS event, ins.x AS a FROM ins
                                      UNION ALL
                                      SELECT 'resolved', res.x FROM res) e
                                ORDER BY e.event, (e.a).id) q)
                    ELSE risk._notify_summary(coalesce((SELECT ins.x FROM ins LIMIT 1),
                                                       (SELECT res.x FROM res LIMIT 1)),
                                              hid, c.o, c.s)
               END
        INTO n_upd, n_open, n_res, sent
        FROM (SELECT (SELECT count(*) FROM ins) AS o, (SELECT count(*) FROM res) AS s) c;
        updated := updated + n_upd;
        opened := opened + n_open;
        resolved := resolved + n_res;
        nrules := nrules + 1;
    END LOOP;
    -- without rules the counts stay the zeros risk._refresh_end wrote
    IF nrules = 0 THEN
        RETURN;
    END IF;
    UPDATE risk.refresh_history
    SET alerts_opened = opened, alerts_updated = updated, alerts_resolved = resolved
    WHERE id = hid;
END
$$;
COMMENT ON FUNCTION risk._evaluate_rules(bigint) IS
'Worker: evaluate every rule of the refreshed view in one statement per rule: open, update and resolve alerts, and notify (one event per alert, or a summary above risk.alert_notify_limit)';

-- Resolve the open alerts of a dropped or disabled rule (the triggers of
-- 97_rule_disabled.sql): one statement, and the NOTIFYs as after a refresh.
CREATE OR REPLACE FUNCTION risk._resolve_rule_alerts(rule integer, why text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    lim integer := risk._alert_notify_limit();
    sent bigint;
BEGIN
    WITH res AS MATERIALIZED (
        UPDATE risk.alerts x
        SET status = 'resolved', resolved_at = now(), updated_at = now(), resolution = why
        WHERE x.rule_id = rule AND x.status = 'open'
        RETURNING x
    )
    SELECT CASE WHEN c.s = 0 THEN 0
                WHEN lim < 0 OR c.s <= lim
                THEN (SELECT count(*) FROM (SELECT risk._notify('resolved', res.x) FROM res
                                            ORDER BY (res.x).id) q)
                ELSE risk._notify_summary((SELECT res.x FROM res LIMIT 1), NULL, 0, c.s)
           END
    INTO sent
    FROM (SELECT count(*) AS s FROM res) c;
END
$$;
COMMENT ON FUNCTION risk._resolve_rule_alerts(integer, text) IS
'Resolve the open alerts of a rule with the given resolution in one statement, and notify (one event per alert, or a summary above risk.alert_notify_limit)';

-- ---------------------------------------------------------------------
-- The levels: refresh_and_evaluate is an admin function (like
-- refresh_now), the bulk support functions are the workers'
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk._admin_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk.watch(regclass, interval)', 'risk.unwatch(regclass)', 'risk.pause(regclass)',
        'risk.resume(regclass)', 'risk.refresh_now(regclass)',
        'risk.refresh_and_evaluate(regclass)',
        'risk.add_rule(regclass, name, text, float8, text, text, name[], text)',
        'risk.drop_rule(integer)',
        'risk.classify(regclass, name, text, text)', 'risk.grant_access(regclass, regrole, text)'
    ]::regprocedure[]
$$;

CREATE OR REPLACE FUNCTION risk._worker_functions() RETURNS regprocedure[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY[
        'risk._refresh_as_owner(regclass, boolean, integer)',
        'risk._rule_breach_rows(regclass, name, text, float8, name[])',
        'risk._refresh_concurrently(oid)', 'risk._scheduler_start()',
        'risk._due(oid[], integer)', 'risk._refresh_begin(oid)', 'risk._refresh_queue(oid[])',
        'risk._refresh_end(bigint, text, text, text, bigint)', 'risk._refresh_lost(bigint)',
        'risk._rules_failed(bigint, text, text)', 'risk._evaluate_rules(bigint)',
        'risk._notify(text, risk.alerts)', 'risk._notify_summary(risk.alerts, bigint, bigint, bigint)',
        'risk._alert_notify_limit()', 'risk._rule_deleted()', 'risk._rule_disabled()',
        'risk._resolve_rule_alerts(integer, text)', 'risk._on_sql_drop()'
    ]::regprocedure[]
$$;
COMMENT ON FUNCTION risk._worker_functions() IS
'The functions only the background workers (and superusers) call';
-- Early warning, 0.2.2: the objects that name the watched view and its
-- cadence, in one piece that the fresh install and the upgrade from 0.2.1
-- share (the tables are in 90_warning.sql).
--
-- One type for the view everywhere: risk.watched, risk.rules, risk.alerts,
-- risk.refresh_history and the BI views below all have a column `view` of
-- type regclass, so `a.view = s.view` joins any two of them, and pg_dump
-- writes the view's name (a restore maps it to the new OID).  view_name in
-- the alerts and the history keeps the name the view had at the time.
--
-- Columns a BI tool reads: intervals come with a companion in seconds
-- (float8), booleans stay boolean, times are timestamptz.
--
-- The cadence: the refresh worker sets a view's next run to the moment its
-- refresh actually starts plus the view's interval (src/worker.c), so two
-- refreshes of a view are never closer than its interval; a failed refresh
-- is retried sooner, with backoff (risk._refresh_end), and
-- risk.refresh_now makes a view due at once.  The scheduler looks for due
-- views once per risk.naptime: risk.watch says so when the interval asked
-- for is shorter.

-- ---------------------------------------------------------------------
-- Registering a view
-- ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION risk.watch(view regclass, every interval) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    naptime interval;
BEGIN
    PERFORM risk._check_view(view, 'watch');
    IF every IS NULL OR every <= interval '0' THEN
        RAISE EXCEPTION 'risk.watch: every must be a positive interval, got %',
                coalesce(every::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO risk.watched AS w (view, every) VALUES (watch.view, watch.every)
    ON CONFLICT ON CONSTRAINT watched_pkey
    DO UPDATE SET every = excluded.every, next_run = least(w.next_run, now() + excluded.every);
    IF NOT risk._wake() THEN
        RAISE NOTICE 'risk background workers are not running: add risk to shared_preload_libraries to refresh % every %',
            view, every;
    END IF;
    -- risk._wake() loaded the library, which defines risk.naptime (in ms)
    SELECT s.setting::float8 * interval '1 millisecond' INTO naptime
    FROM pg_settings s WHERE s.name = 'risk.naptime';
    IF every < naptime THEN
        RAISE NOTICE 'risk.watch: % will be refreshed about every % (risk.naptime), not every %',
                view, current_setting('risk.naptime'), every
            USING HINT = 'The scheduler looks for due views once per risk.naptime. For a shorter cadence lower it (ALTER SYSTEM SET risk.naptime, then SELECT pg_reload_conf()).';
    END IF;
END
$$;
COMMENT ON FUNCTION risk.watch(regclass, interval) IS
'Register (or re-time) a materialized view for refresh by the scheduler every interval, at most once per risk.naptime (a NOTICE says so when the interval is shorter); the caller must be a member of the view''s owning role';

-- (risk._evaluate_rules, which opens, updates and resolves alerts after a
-- refresh, is in 98_warning_batch.sql)

-- ---------------------------------------------------------------------
-- Bookkeeping of a refresh (run by the workers as superuser)
-- ---------------------------------------------------------------------

-- A due view is queued: a history row, running.  Its start time is set
-- again, with the view's next run, when the refresh worker begins it.
CREATE OR REPLACE FUNCTION risk._refresh_begin(v oid) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    hid bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM risk.watched w WHERE w.view = v AND NOT w.paused) THEN
        RETURN NULL;
    END IF;
    INSERT INTO risk.refresh_history (view, view_name, started_at, concurrent, outcome)
    VALUES (v, coalesce((SELECT c.oid::regclass::text FROM pg_class c WHERE c.oid = v), v::text),
            clock_timestamp(), risk._refresh_concurrently(v), 'running')
    RETURNING id INTO hid;
    RETURN hid;
END
$$;
COMMENT ON FUNCTION risk._refresh_begin(oid) IS
'Worker: record a refresh as queued (a running history row); the refresh worker sets its start and the view''s next run (start + interval) when it begins; NULL if no longer watched or paused';

-- End of a refresh.  A failure is retried with backoff: after 5 s, 10 s,
-- 20 s, ... but never later than the view's own interval.
CREATE OR REPLACE FUNCTION risk._refresh_end(hid bigint, outcome text, sqlstate text, message text,
                                             nrows bigint)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v regclass;
BEGIN
    -- a successful refresh has opened, updated and resolved no alert until
    -- its rules are evaluated (risk._evaluate_rules counts them, if any)
    UPDATE risk.refresh_history h
    SET finished_at = clock_timestamp(), duration = clock_timestamp() - h.started_at,
        outcome = _refresh_end.outcome, sqlstate = _refresh_end.sqlstate,
        message = _refresh_end.message, rows = nrows,
        alerts_opened = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END,
        alerts_updated = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END,
        alerts_resolved = CASE WHEN _refresh_end.outcome = 'ok' THEN 0 END
    WHERE h.id = hid AND h.outcome = 'running'
    RETURNING h.view INTO v;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF outcome = 'ok' THEN
        UPDATE risk.watched w
        SET failures = 0, last_finished = clock_timestamp(), last_outcome = 'ok',
            last_message = NULL
        WHERE w.view = v;
    ELSE
        UPDATE risk.watched w
        SET failures = w.failures + 1, last_finished = clock_timestamp(),
            last_outcome = _refresh_end.outcome, last_message = _refresh_end.message,
            next_run = clock_timestamp()
                       + least(w.every, interval '5 seconds' * power(2, least(w.failures, 20)))
        WHERE w.view = v;
    END IF;
END
$$;
COMMENT ON FUNCTION risk._refresh_end(bigint, text, text, text, bigint) IS
'Worker: record the outcome of a refresh; a failure is retried with backoff';

-- The worker of hid stopped: if it did not record an outcome, it was lost.
CREATE OR REPLACE FUNCTION risk._refresh_lost(hid bigint) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT risk._refresh_end(hid, 'lost', NULL,
                             'the refresh worker exited without recording an outcome', NULL)
$$;
COMMENT ON FUNCTION risk._refresh_lost(bigint) IS
'Worker: a refresh worker stopped without recording an outcome: record it as lost';

-- The refresh succeeded but a rule could not be evaluated.
CREATE OR REPLACE FUNCTION risk._rules_failed(hid bigint, sqlstate text, message text) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE risk.refresh_history h
    SET outcome = 'rules_failed', sqlstate = _rules_failed.sqlstate,
        message = _rules_failed.message,
        alerts_opened = NULL, alerts_updated = NULL, alerts_resolved = NULL
    WHERE h.id = hid;
    UPDATE risk.watched w
    SET last_outcome = 'rules_failed', last_message = _rules_failed.message
    WHERE w.view = (SELECT h.view FROM risk.refresh_history h WHERE h.id = hid);
$$;
COMMENT ON FUNCTION risk._rules_failed(bigint, text, text) IS
'Worker: the refresh succeeded but a rule could not be evaluated';

-- (EXECUTE on these functions is revoked from PUBLIC by 99_privileges.sql
-- on a fresh install; the upgrade replaces them and keeps their privileges)

-- ---------------------------------------------------------------------
-- BI views: they run with the reader's privileges, so the row checks apply
-- ---------------------------------------------------------------------

-- Each names the view twice: `view` (regclass) to join on, and view_name,
-- its schema-qualified name as text whatever the reader's search_path (the
-- name it had when the alert was recorded if it is gone), to show and to
-- filter on: a BI tool's `view_name = 'public.limit_utilisation'` works,
-- where `view = 'public.limit_utilisation'` needs a cast to regclass.

CREATE VIEW risk.open_alerts WITH (security_invoker = true) AS
SELECT a.id, a.severity, a.view,
       coalesce((SELECT format('%I.%I', n.nspname, c.relname)
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = a.view), a.view_name) AS view_name,
       a.rule_name AS rule, a.key, a.metric, a.op, a.threshold, a.value, a.action,
       a.opened_at, a.updated_at, a.refreshes
FROM risk.alerts a
WHERE a.status = 'open'
ORDER BY CASE a.severity WHEN 'critical' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,
         a.opened_at, a.id;
COMMENT ON VIEW risk.open_alerts IS
'Open alerts, most severe first: which view (regclass, and its qualified name) and rule, which row (key), the value against the threshold, the recommended action';

CREATE VIEW risk.alert_summary WITH (security_invoker = true) AS
SELECT a.severity, a.view,
       coalesce((SELECT format('%I.%I', n.nspname, c.relname)
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = a.view), max(a.view_name)) AS view_name,
       count(*) FILTER (WHERE a.status = 'open') AS open,
       count(*) FILTER (WHERE a.opened_at > now() - interval '1 day') AS opened_last_day,
       count(*) FILTER (WHERE a.resolved_at > now() - interval '1 day') AS resolved_last_day,
       min(a.opened_at) FILTER (WHERE a.status = 'open') AS oldest_open
FROM risk.alerts a
GROUP BY a.severity, a.view;
COMMENT ON VIEW risk.alert_summary IS
'Alerts by severity and view (regclass, and its qualified name): open now, opened and resolved in the last day, the oldest open one';

CREATE VIEW risk.refresh_status WITH (security_invoker = true) AS
SELECT w.view,
       (SELECT format('%I.%I', n.nspname, c.relname)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = w.view) AS view_name,
       w.every, extract(epoch FROM w.every)::float8 AS every_seconds,
       w.paused, w.next_run, w.failures, w.last_outcome,
       w.last_started, w.last_finished, w.last_message,
       (SELECT count(*) FROM risk.alerts a
        WHERE a.view = w.view AND a.status = 'open') AS open_alerts
FROM risk.watched w;
COMMENT ON VIEW risk.refresh_status IS
'Each watched view (regclass, and its qualified name): interval (also in seconds), schedule, last outcome and message, failures in a row, open alerts';

REVOKE ALL ON risk.open_alerts, risk.alert_summary, risk.refresh_status FROM PUBLIC;
-- Part of the upgrade 0.2.1 -> 0.2.2, after src/sql/98_warning_views.sql
-- (the Makefile's UPGRADE_0_2_2 puts it there).  The BI views of early
-- warning were dropped by the head and made again by that piece, because
-- their columns changed type; here they get back what they had:
--   - their owner (if another superuser runs the upgrade),
--   - the grants made since CREATE EXTENSION (risk.grant_reader and the
--     other levels, or by hand), each by the role that had made it, grant
--     options first,
--   - the initial privileges of the extension (pg_init_privs) of a fresh
--     install: a GRANT inside an extension script is recorded as one of
--     them, and pg_dump leaves those out; set back, the grants made after
--     CREATE EXTENSION stay in a dump.
DO $$
DECLARE
    saved record;
    g record;
    v regclass;
    progress boolean;
    me text := current_user;
BEGIN
    FOR saved IN SELECT * FROM risk._upgrade_view_grants LOOP
        v := saved.view::regclass;
        IF (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = v) <> saved.relowner THEN
            EXECUTE format('ALTER VIEW %s OWNER TO %s', v, saved.relowner::regrole);
        END IF;
        -- privileges the owner had given up
        FOR g IN SELECT d.privilege_type
                 FROM pg_catalog.aclexplode(pg_catalog.acldefault('r', saved.relowner)) d
                 WHERE saved.relacl IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(saved.relacl) a
                                   WHERE a.grantee = saved.relowner
                                     AND a.privilege_type = d.privilege_type)
        LOOP
            EXECUTE format('REVOKE %s ON %s FROM %s', g.privilege_type, v, saved.relowner::regrole);
        END LOOP;
    END LOOP;

    -- the grants to other roles (and PUBLIC): a grant made by a role that
    -- held a grant option waits until that option is back (a chain of
    -- grant options is at most as long as the list of grants)
    FOR pass IN 1 .. (SELECT count(*) + 1 FROM risk._upgrade_view_grants s,
                                              pg_catalog.aclexplode(s.relacl) a) LOOP
        progress := false;
        FOR g IN SELECT s.view::regclass AS v, s.relowner, a.grantor, a.grantee,
                        a.privilege_type, a.is_grantable
                 FROM risk._upgrade_view_grants s, pg_catalog.aclexplode(s.relacl) a
                 WHERE a.grantee <> s.relowner
                   AND NOT EXISTS (
                       SELECT 1 FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) b
                       WHERE c.oid = s.view::regclass AND b.grantor = a.grantor
                         AND b.grantee = a.grantee AND b.privilege_type = a.privilege_type
                         AND (b.is_grantable OR NOT a.is_grantable))
                 ORDER BY a.grantor = s.relowner DESC
        LOOP
            CONTINUE WHEN g.grantor <> g.relowner
                AND NOT pg_catalog.has_table_privilege(g.grantor, g.v,
                                                       g.privilege_type || ' WITH GRANT OPTION');
            IF g.grantor <> g.relowner THEN
                EXECUTE format('SET LOCAL ROLE %s', g.grantor::regrole);
            END IF;
            EXECUTE format('GRANT %s ON %s TO %s%s', g.privilege_type, g.v,
                           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
                           CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
            IF g.grantor <> g.relowner THEN
                EXECUTE format('SET LOCAL ROLE %I', me);
            END IF;
            progress := true;
        END LOOP;
        EXIT WHEN NOT progress;
    END LOOP;

    UPDATE pg_catalog.pg_init_privs p
    SET initprivs = pg_catalog.acldefault('r', s.relowner)
    FROM risk._upgrade_view_grants s
    WHERE p.objoid = s.view::regclass AND p.classoid = 'pg_catalog.pg_class'::regclass
      AND p.objsubid = 0;
END
$$;

DROP TABLE risk._upgrade_view_grants;
-- The end of the upgrade 0.2.1 -> 0.2.2 (the Makefile puts it last).  The
-- functions the pieces created have the default privileges, EXECUTE for
-- PUBLIC: revoked here, as 99_privileges.sql does in a fresh install.  Only
-- those: a REVOKE or GRANT on a function that already had privileges would
-- record its grants to the bank's roles as initial privileges of the
-- extension, which pg_dump leaves out.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'risk'::regnamespace AND p.proacl IS NULL
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
