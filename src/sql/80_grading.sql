-- Customer grading: master scales, PD to grade, migration matrices.

CREATE TABLE risk.master_scale (
    scale       text    NOT NULL,
    grade       text    NOT NULL,
    grade_order int     NOT NULL,
    pd_lower    float8  NOT NULL,
    pd_upper    float8  NOT NULL,
    PRIMARY KEY (scale, grade),
    UNIQUE (scale, grade_order),
    CHECK (pd_lower >= 0 AND pd_upper <= 1 AND pd_lower < pd_upper)
);
COMMENT ON TABLE risk.master_scale IS
'Master scales: per scale, grades in order with PD bands [pd_lower, pd_upper) (the last band includes 1); a scale must cover [0, 1] without gap or overlap, checked when a transaction that writes it commits; the default scale ships with the extension, other scales are kept by pg_dump';

-- the shipped scale: ten grades, PD bands growing geometrically
INSERT INTO risk.master_scale (scale, grade, grade_order, pd_lower, pd_upper) VALUES
    ('default', '1', 1, 0,      0.0003),
    ('default', '2', 2, 0.0003, 0.001),
    ('default', '3', 3, 0.001,  0.0025),
    ('default', '4', 4, 0.0025, 0.005),
    ('default', '5', 5, 0.005,  0.01),
    ('default', '6', 6, 0.01,   0.02),
    ('default', '7', 7, 0.02,   0.05),
    ('default', '8', 8, 0.05,   0.1),
    ('default', '9', 9, 0.1,    0.2),
    ('default', '10', 10, 0.2,  1);

SELECT pg_catalog.pg_extension_config_dump('risk.master_scale', 'WHERE scale <> ''default''');

-- Check one scale: bands in grade order, from 0 to 1, each starting where
-- the previous one ends.
CREATE FUNCTION risk_internal._check_scale(s text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    prev_upper float8 := 0;
    prev_grade text;
    n int := 0;
BEGIN
    FOR r IN SELECT grade, pd_lower, pd_upper FROM risk.master_scale WHERE scale = s ORDER BY grade_order LOOP
        n := n + 1;
        IF r.pd_lower <> prev_upper THEN
            RAISE EXCEPTION USING ERRCODE = '23514',
                MESSAGE = format('master scale %L has %s between grades %s and %s', s,
                                 CASE WHEN r.pd_lower > prev_upper THEN 'a gap' ELSE 'an overlap' END,
                                 coalesce(prev_grade, '(start)'), r.grade),
                DETAIL = format('Grade %s starts at %s where the previous band ends at %s.', r.grade, r.pd_lower, prev_upper);
        END IF;
        prev_upper := r.pd_upper;
        prev_grade := r.grade;
    END LOOP;
    IF n > 0 AND prev_upper <> 1 THEN
        RAISE EXCEPTION USING ERRCODE = '23514',
            MESSAGE = format('master scale %L ends at %s: the last band must reach 1', s, prev_upper);
    END IF;
END $$;
COMMENT ON FUNCTION risk_internal._check_scale(text) IS 'Support function of risk.master_scale: raise if a scale has a gap or an overlap, or its last band does not reach a PD of 1';

CREATE FUNCTION risk_internal._master_scale_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM risk_internal._check_scale(OLD.scale);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM risk_internal._check_scale(NEW.scale);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION risk_internal._master_scale_check() IS 'Support function of risk.master_scale: constraint trigger checking the scales a transaction wrote';

CREATE CONSTRAINT TRIGGER master_scale_complete
    AFTER INSERT OR UPDATE OR DELETE ON risk.master_scale
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION risk_internal._master_scale_check();

REVOKE ALL ON risk.master_scale FROM PUBLIC;
GRANT SELECT ON risk.master_scale TO PUBLIC;

-- risk.grade is at the end of this piece.

-- migration matrices

CREATE TYPE risk.migration_result AS (
    scale         text,
    grades        text[],
    counts        bigint[],
    probabilities float8[]
);
COMMENT ON TYPE risk.migration_result IS
'Result of risk.migration_matrix: the scale, its grades in order, and the transition counts and row-normalised probabilities as two-dimensional arrays [from grade][to grade] (a row with no customer has NULL probabilities)';

-- counts per distinct (from, to) pair: O(1) per row; the final reads the scale
CREATE FUNCTION risk_internal._migration_accum(internal, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_migration_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._migration_accum(internal, text, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'risk_migration_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION risk_internal._migration_final(internal) RETURNS risk.migration_result
    AS 'MODULE_PATHNAME', 'risk_migration_final' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION risk_internal._migration_accum(internal, text, text) IS 'Support function of risk.migration_matrix: transition';
COMMENT ON FUNCTION risk_internal._migration_accum(internal, text, text, text) IS 'Support function of risk.migration_matrix: transition';
COMMENT ON FUNCTION risk_internal._migration_final(internal) IS 'Support function of risk.migration_matrix: final (reads the scale, builds the matrices)';

CREATE AGGREGATE risk.migration_matrix(from_grade text, to_grade text) (
    SFUNC = risk_internal._migration_accum, STYPE = internal,
    FINALFUNC = risk_internal._migration_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.migration_matrix(text, text) IS
'Grade migration matrix on the default master scale: transition counts and row-normalised probabilities from the grades at one date to the grades at another, in the scale''s order; rows with a NULL grade are skipped';
CREATE AGGREGATE risk.migration_matrix(from_grade text, to_grade text, scale text) (
    SFUNC = risk_internal._migration_accum, STYPE = internal,
    FINALFUNC = risk_internal._migration_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE risk.migration_matrix(text, text, text) IS
'Grade migration matrix on the given master scale (the same on every row): transition counts and row-normalised probabilities in the scale''s order';

CREATE FUNCTION risk.migration_cells(m risk.migration_result)
    RETURNS TABLE (from_grade text, to_grade text, n bigint, probability float8)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT (m).grades[i], (m).grades[j], (m).counts[i][j], (m).probabilities[i][j]
    FROM generate_subscripts((m).grades, 1) i, generate_subscripts((m).grades, 1) j
    ORDER BY i, j
$$;
COMMENT ON FUNCTION risk.migration_cells(risk.migration_result) IS
'The cells of a migration matrix as rows (from grade, to grade, count, probability), in the scale''s order: what a BI tool reads';

-- risk.grade in C: it runs once per row and reads its scale once per
-- statement.  A PD given as a percentage gets a hint.

CREATE OR REPLACE FUNCTION risk.grade(pd float8, scale text DEFAULT 'default') RETURNS text
    AS 'MODULE_PATHNAME', 'risk_grade' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION risk.grade(float8, text) IS
'The grade of a PD on a master scale (risk.master_scale): the band [pd_lower, pd_upper) holding it (the last band includes 1); a PD outside [0, 1] or an unknown scale is an error (a PD is a fraction: 0.015, not 1.5); the scale is read once per statement';
