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
