-- Reason codes (area explain): the PMML Scorecard specification's sample
-- scorecard and its worked example, by hand; a scorecard 'loan' over a
-- constructed population against test/data/explain_reason_reference.py
-- (scores, reasons and points lost with the maximum, population-mean and
-- Regulation B baselines); the baseline aggregate in parallel; bad input.
\getenv abs_srcdir PG_ABS_SRCDIR
\set apps_csv :abs_srcdir '/test/data/explain_reason_applicants.csv'
\set VERBOSITY terse

-- The sample scorecard of the PMML Scorecard specification: three
-- characteristics with baselines 19, 18 and 10 (baselineMethod other),
-- pointsBelow, bins (lower, upper] as its predicates are (lessOrEqual,
-- greaterThan).
INSERT INTO risk.scorecard VALUES ('pmml_sample', 0, 'points_below', 'given', 'The PMML Scorecard specification''s sample');
INSERT INTO risk.scorecard_characteristic VALUES
    ('pmml_sample', 'department', 1, 'RC1', 19, false),
    ('pmml_sample', 'age', 2, 'RC2', 18, true),
    ('pmml_sample', 'income', 3, 'RC3', 10, true);
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, upper, category, missing, points) VALUES
    ('pmml_sample', 'department', 1, NULL, NULL, NULL, true, -9),
    ('pmml_sample', 'department', 2, NULL, NULL, 'marketing', false, 19),
    ('pmml_sample', 'department', 3, NULL, NULL, 'engineering', false, 3),
    ('pmml_sample', 'department', 4, NULL, NULL, 'business', false, 6),
    ('pmml_sample', 'age', 1, NULL, NULL, NULL, true, -1),
    ('pmml_sample', 'age', 2, NULL, 18, NULL, false, -3),
    ('pmml_sample', 'age', 3, 18, 29, NULL, false, 0),
    ('pmml_sample', 'age', 4, 29, 39, NULL, false, 12),
    ('pmml_sample', 'age', 5, 39, NULL, NULL, false, 18),
    ('pmml_sample', 'income', 1, NULL, NULL, NULL, true, 5),
    ('pmml_sample', 'income', 2, NULL, 1000, NULL, false, 26),
    ('pmml_sample', 'income', 3, 1000, 2500, NULL, false, 5),
    ('pmml_sample', 'income', 4, 2500, NULL, NULL, false, -3);

-- The specification's example: engineering, 25, 500 scores 3 + 0 + 26 =
-- 29; points lost RC1 19 - 3 = 16, RC2 18 - 0 = 18, RC3 10 - 26 = -16:
-- reasons RC2 then RC1, RC3 none
SELECT risk.scorecard_points('pmml_sample', '{"department": "engineering", "age": 25, "income": 500}');
SELECT * FROM risk.reason_codes('pmml_sample', '{"department": "engineering", "age": 25, "income": 500}');
SELECT risk.reason_code_array('pmml_sample', '{"department": "engineering", "age": 25, "income": 500}');
-- at most one reason
SELECT risk.reason_code_array('pmml_sample', '{"department": "engineering", "age": 25, "income": 500}', 1);
-- the boundaries: 18 is in (-inf, 18], 29 in (18, 29], 1000 in (-inf, 1000]
SELECT risk.scorecard_points('pmml_sample', '{"department": "marketing", "age": 18, "income": 1000}') AS "19 - 3 + 26",
       risk.scorecard_points('pmml_sample', '{"department": "business", "age": 29, "income": 2500}') AS "6 + 0 + 5",
       risk.scorecard_points('pmml_sample', '{"department": "business", "age": 29.5, "income": 2500.01}') AS "6 + 12 - 3";
-- missing values: JSON null or no key take the missing bins (-9, -1, 5)
SELECT risk.scorecard_points('pmml_sample', '{"department": null}') AS "-9 - 1 + 5";
SELECT * FROM risk.reason_codes('pmml_sample', '{"department": null}');
-- a bin's own reason code (PMML's attribute reasonCode): the 18 < age <= 29
-- bin reports RC2_3 instead of RC2
UPDATE risk.scorecard_bin SET reason_code = 'RC2_3' WHERE scorecard = 'pmml_sample' AND characteristic = 'age' AND bin = 3;
SELECT risk.reason_code_array('pmml_sample', '{"department": "engineering", "age": 25, "income": 500}');
-- pointsAbove: points above the baseline (for a score where high is bad)
UPDATE risk.scorecard SET reason_algorithm = 'points_above' WHERE scorecard = 'pmml_sample';
SELECT rank, reason_code, characteristic, value, points, baseline, points_lost
FROM risk.reason_codes('pmml_sample', '{"department": "engineering", "age": 25, "income": 500}');
-- every reason at most: a characteristic with no points lost gives none
UPDATE risk.scorecard SET reason_algorithm = 'points_below' WHERE scorecard = 'pmml_sample';
SELECT risk.reason_code_array('pmml_sample', '{"department": "marketing", "age": 45, "income": 900}') AS "none lost";

-- The scorecard 'loan' of the reference script: two characteristics share
-- the code DLQ, and one bin has its own code (DLQ_RECENT).
INSERT INTO risk.scorecard VALUES ('loan', 300, 'points_below', 'max', 'The reference script''s scorecard');
INSERT INTO risk.scorecard_characteristic (scorecard, characteristic, position, reason_code, right_closed) VALUES
    ('loan', 'age', 1, 'AGE', false), ('loan', 'income', 2, 'INC', true), ('loan', 'housing', 3, 'HOUS', false),
    ('loan', 'delinq', 4, 'DLQ', false), ('loan', 'inquiries', 5, 'DLQ', false);
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, upper, category, missing, points, reason_code) VALUES
    ('loan', 'age', 1, NULL, 25, NULL, false, 10, NULL), ('loan', 'age', 2, 25, 35, NULL, false, 25, NULL),
    ('loan', 'age', 3, 35, 50, NULL, false, 40, NULL), ('loan', 'age', 4, 50, NULL, NULL, false, 45, NULL),
    ('loan', 'age', 5, NULL, NULL, NULL, true, 15, NULL),
    ('loan', 'income', 1, NULL, 1500, NULL, false, 5, NULL), ('loan', 'income', 2, 1500, 3000, NULL, false, 20, NULL),
    ('loan', 'income', 3, 3000, 6000, NULL, false, 35, NULL), ('loan', 'income', 4, 6000, NULL, NULL, false, 50, NULL),
    ('loan', 'income', 5, NULL, NULL, NULL, true, 0, NULL),
    ('loan', 'housing', 1, NULL, NULL, 'own', false, 40, NULL), ('loan', 'housing', 2, NULL, NULL, 'rent', false, 15, NULL),
    ('loan', 'housing', 3, NULL, NULL, 'family', false, 25, NULL),
    ('loan', 'delinq', 1, 0, 1, NULL, false, 55, NULL), ('loan', 'delinq', 2, 1, 3, NULL, false, 20, 'DLQ_RECENT'),
    ('loan', 'delinq', 3, 3, NULL, NULL, false, -10, NULL),
    ('loan', 'inquiries', 1, 0, 2, NULL, false, 30, NULL), ('loan', 'inquiries', 2, 2, 5, NULL, false, 15, NULL),
    ('loan', 'inquiries', 3, 5, NULL, NULL, false, 5, NULL);
CREATE TABLE apps_ref (applicant int, data jsonb, score float8, codes_max text[], lost_max text,
                       codes_mean text[], lost_mean text, codes_regb text[], lost_regb text);
COPY apps_ref FROM :'apps_csv' (FORMAT csv, HEADER);
CREATE TABLE apps AS SELECT applicant, data FROM apps_ref WHERE applicant > 0;
-- float8[] from the reference's '|'-joined values
CREATE FUNCTION pipe(t text) RETURNS float8[] LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN t IS NULL OR t = '' THEN '{}'::float8[] ELSE string_to_array(t, '|')::float8[] END;
CREATE FUNCTION same(a float8[], b float8[], tol float8) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN cardinality(a) = cardinality(b)
           AND coalesce((SELECT bool_and(abs(x - y) <= tol * greatest(1, abs(y))) FROM unnest(a, b) u(x, y)), true);

-- the scores
SELECT count(*) AS applicants, count(*) FILTER (WHERE risk.scorecard_points('loan', a.data) = r.score) AS same_score
FROM apps a JOIN apps_ref r USING (applicant);
-- the baselines: population mean and Regulation B (score from 500 to 540)
CREATE TABLE baselines AS
SELECT risk.scorecard_baseline('loan', data) AS mean,
       risk.scorecard_baseline('loan', data) FILTER (WHERE risk.scorecard_points('loan', data) >= 500
                                                     AND risk.scorecard_points('loan', data) < 540) AS regb
FROM apps;
SELECT same(b.mean, pipe(r.lost_mean), 1e-12) AS mean_as_reference,
       same(b.regb, pipe(r.lost_regb), 1e-12) AS regb_as_reference, b.regb
FROM baselines b, apps_ref r WHERE r.applicant = 0;
-- the reasons and points lost, three baselines, every applicant
SELECT count(*) AS applicants,
       count(*) FILTER (WHERE risk.reason_code_array('loan', a.data) = r.codes_max) AS codes_max,
       count(*) FILTER (WHERE same(ARRAY(SELECT points_lost FROM risk.reason_codes('loan', a.data) ORDER BY rank),
                                   pipe(r.lost_max), 1e-12)) AS lost_max,
       count(*) FILTER (WHERE risk.reason_code_array('loan', a.data, 4, b.mean) = r.codes_mean) AS codes_mean,
       count(*) FILTER (WHERE same(ARRAY(SELECT points_lost FROM risk.reason_codes('loan', a.data, 4, b.mean) ORDER BY rank),
                                   pipe(r.lost_mean), 1e-12)) AS lost_mean,
       count(*) FILTER (WHERE risk.reason_code_array('loan', a.data, 4, b.regb) = r.codes_regb) AS codes_regb,
       count(*) FILTER (WHERE same(ARRAY(SELECT points_lost FROM risk.reason_codes('loan', a.data, 4, b.regb) ORDER BY rank),
                                   pipe(r.lost_regb), 1e-12)) AS lost_regb
FROM apps a JOIN apps_ref r USING (applicant), baselines b;
-- one declined applicant's notice, as a BI tool reads it
SELECT r.* FROM apps a, baselines b, risk.reason_codes('loan', a.data, 4, b.regb) r WHERE a.applicant = 4;
-- a reason's characteristic is the one that lost most under its code
SELECT r.reason_code, r.characteristic, r.points_lost
FROM apps a, risk.reason_codes('loan', a.data) r WHERE a.applicant = 1 ORDER BY r.rank;

-- the baseline aggregate: parallel = serial, by group
CREATE TABLE rc_many AS SELECT g, a.data FROM apps a, generate_series(1, 50) g;
ANALYZE rc_many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TABLE rc_par AS SELECT risk.scorecard_baseline('loan', data) AS b FROM rc_many;
EXPLAIN (COSTS OFF) SELECT risk.scorecard_baseline('loan', data) FROM rc_many;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT same(p.b, s.b, 1e-13) AS parallel_as_serial, same(p.b, b.mean, 1e-13) AS as_the_population
FROM rc_par p, (SELECT risk.scorecard_baseline('loan', data) AS b FROM rc_many) s, baselines b;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT g % 2 AS half, count(*) FILTER (WHERE same(b, (SELECT mean FROM baselines), 1e-13)) AS groups
FROM (SELECT g, risk.scorecard_baseline('loan', data) AS b FROM rc_many GROUP BY g) x GROUP BY 1 ORDER BY 1;
SELECT risk.scorecard_baseline('loan', data) IS NULL AS no_rows FROM apps WHERE false;
SELECT risk.scorecard_baseline('loan', NULL::jsonb) IS NULL AS null_rows_left_out FROM apps;

-- a change to the scorecard is read by the next statement
UPDATE risk.scorecard_bin SET points = 60 WHERE scorecard = 'loan' AND characteristic = 'age' AND bin = 4;
SELECT risk.scorecard_points('loan', '{"age": 55, "income": 7000, "housing": "own", "delinq": 0, "inquiries": 0}') AS "300 + 60 + 50 + 40 + 55 + 30";
UPDATE risk.scorecard_bin SET points = 45 WHERE scorecard = 'loan' AND characteristic = 'age' AND bin = 4;

-- equal points lost: the codes in the order they first appear, each
-- characteristic's code then its bins' own codes: a (A, its bin 2 with
-- A2), then b (B); every reason loses 10
INSERT INTO risk.scorecard VALUES ('ties', 0, 'points_below', 'max');
INSERT INTO risk.scorecard_characteristic (scorecard, characteristic, position, reason_code)
VALUES ('ties', 'a', 1, 'A'), ('ties', 'b', 2, 'B'), ('ties', 'c', 3, 'C');
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, upper, points, reason_code)
VALUES ('ties', 'a', 1, NULL, 1, 10, NULL), ('ties', 'a', 2, 1, NULL, 0, 'A2'),
       ('ties', 'b', 1, NULL, 1, 10, NULL), ('ties', 'b', 2, 1, NULL, 0, NULL),
       ('ties', 'c', 1, NULL, 1, 10, 'C1'), ('ties', 'c', 2, 1, NULL, 0, NULL);
SELECT risk.reason_code_array('ties', '{"a": 1, "b": 1, "c": 1}') AS "A2 B C",
       risk.reason_code_array('ties', '{"a": 0, "b": 1, "c": 1}') AS "B C",
       risk.reason_code_array('ties', '{"a": 1, "b": 1, "c": 1}', 2) AS "A2 B";
DELETE FROM risk.scorecard WHERE scorecard = 'ties';

-- NULL in, nothing out
SELECT risk.scorecard_points(NULL, '{}') IS NULL AS a, risk.reason_code_array('loan', NULL) IS NULL AS b,
       (SELECT count(*) FROM risk.reason_codes(NULL, '{}')) AS c;

-- bad input
\set VERBOSITY default
SELECT risk.scorecard_points('nonesuch', '{}');
SELECT risk.scorecard_points('loan', '{"agee": 30}');
SELECT risk.scorecard_points('loan', '{"age": 30, "income": 2000, "housing": "boat", "delinq": 0, "inquiries": 0}');
SELECT risk.scorecard_points('loan', '{"age": 30, "income": 2000, "housing": "own", "delinq": -1, "inquiries": 0}');
SELECT risk.scorecard_points('loan', '{"age": 30, "income": 2000, "delinq": 0, "inquiries": 0}');
SELECT risk.scorecard_points('loan', '{"age": true}');
SELECT risk.scorecard_points('loan', '{"age": [30]}');
SELECT risk.scorecard_points('loan', '[1, 2]');
SELECT risk.scorecard_points('loan', '3');
SELECT risk.reason_code_array('loan', '{}', 0);
SELECT risk.reason_code_array('loan', '{}', NULL);
SELECT risk.reason_code_array('loan', '{"housing": "own", "delinq": 0, "inquiries": 0}', 4, '{1, 2, 3}');
SELECT risk.reason_code_array('loan', '{"housing": "own", "delinq": 0, "inquiries": 0}', 4, '{1, 2, 3, NaN, 5}');
SELECT risk.reason_code_array('loan', '{"housing": "own", "delinq": 0, "inquiries": 0}', 4, '{1, 2, 3, NULL, 5}');
INSERT INTO risk.scorecard SELECT 'loan_copy', initial_score, reason_algorithm, baseline_method FROM risk.scorecard WHERE scorecard = 'loan';
INSERT INTO risk.scorecard_characteristic SELECT 'loan_copy', characteristic, position, reason_code, baseline, right_closed
FROM risk.scorecard_characteristic WHERE scorecard = 'loan';
INSERT INTO risk.scorecard_bin SELECT 'loan_copy', characteristic, bin, lower, upper, category, missing, points, reason_code
FROM risk.scorecard_bin WHERE scorecard = 'loan';
SELECT risk.scorecard_baseline(CASE WHEN applicant < 3 THEN 'loan' ELSE 'loan_copy' END, data) FROM apps;
INSERT INTO risk.scorecard VALUES ('empty');
SELECT risk.scorecard_points('empty', '{}');
INSERT INTO risk.scorecard_characteristic VALUES ('empty', 'x', 1, 'X', NULL, false);
SELECT risk.scorecard_points('empty', '{}');
UPDATE risk.scorecard SET baseline_method = 'given' WHERE scorecard = 'empty';
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, upper, points) VALUES ('empty', 'x', 1, NULL, NULL, 1);
SELECT risk.reason_code_array('empty', '{"x": 3}');
-- the tables' checks
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, upper, points) VALUES ('empty', 'x', 2, 5, 5, 1);
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, points) VALUES ('empty', 'x', 3, 'Infinity');
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, category, missing, points) VALUES ('empty', 'x', 4, 'a', true, 1);
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, points) VALUES ('empty', 'x', 5, 'NaN', 1);
INSERT INTO risk.scorecard VALUES ('bad', 0, 'points_sideways');
DELETE FROM risk.scorecard WHERE scorecard IN ('empty', 'pmml_sample', 'loan', 'loan_copy');
SELECT count(*) AS bins_left FROM risk.scorecard_bin;
