--
-- Fixtures: returns and reference values made by test/data/market_reference.R
-- (R, base stats only; PerformanceAnalytics' definitions written out).
--
\getenv abs_srcdir PG_ABS_SRCDIR
\set returns_csv :abs_srcdir '/test/data/returns.csv'
\set market_csv :abs_srcdir '/test/data/market_expected.csv'
\set rolling_csv :abs_srcdir '/test/data/rolling_expected.csv'
\set backtest_csv :abs_srcdir '/test/data/backtest_expected.csv'
\set chris_seq_csv :abs_srcdir '/test/data/christoffersen_seq.csv'
\set chris_csv :abs_srcdir '/test/data/christoffersen_expected.csv'

CREATE TABLE returns (portfolio int, day int, r float8);
COPY returns FROM :'returns_csv' (FORMAT csv, HEADER);
CREATE TABLE market_expected (portfolio int, p float8, measure text, value float8);
COPY market_expected FROM :'market_csv' (FORMAT csv, HEADER);
CREATE TABLE rolling_expected (portfolio int, day int, measure text, value float8);
COPY rolling_expected FROM :'rolling_csv' (FORMAT csv, HEADER);
CREATE TABLE backtest_expected (test text, n int, x int, p float8, measure text, value float8);
COPY backtest_expected FROM :'backtest_csv' (FORMAT csv, HEADER);
CREATE TABLE christoffersen_seq (seq int, t int, exception boolean);
COPY christoffersen_seq FROM :'chris_seq_csv' (FORMAT csv, HEADER);
CREATE TABLE christoffersen_expected (seq int, p float8, measure text, value float8);
COPY christoffersen_expected FROM :'chris_csv' (FORMAT csv, HEADER);

SELECT portfolio, count(*) FROM returns GROUP BY portfolio ORDER BY portfolio;

-- relative error, with a floor so that values at zero compare absolutely
CREATE FUNCTION relerr(a float8, b float8) RETURNS float8
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN a = b THEN 0 ELSE abs(a - b) / greatest(abs(b), 1e-6) END;

-- closeness for unitless statistics (LR, p-values): tol * max(1, |b|)
CREATE FUNCTION near(a float8, b float8, tol float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    RETURN abs(a - b) <= tol * greatest(1.0, abs(b));

-- run a statement, return 'ok' or its SQLSTATE and message
CREATE FUNCTION try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
