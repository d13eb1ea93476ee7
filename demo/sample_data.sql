-- Sample data for the demo: 300 portfolios, 5 years (1,260 business days)
-- of daily returns with volatility clustering and fat tails: GARCH(1,1)
-- variance with a mixture of normals for the shocks.  Deterministic (setseed).
SELECT setseed(0.20261122);

CREATE TABLE portfolio (
    portfolio int PRIMARY KEY,
    name      text NOT NULL,
    desk      text NOT NULL
);
INSERT INTO portfolio
SELECT p, format('PF-%s', lpad(p::text, 3, '0')),
       (ARRAY['rates', 'credit', 'equity', 'fx', 'commodities'])[1 + p % 5]
FROM generate_series(1, 300) p;

-- per-portfolio GARCH parameters: long-run daily vol between 0.5% and 2.5%
CREATE TEMP TABLE params AS
SELECT portfolio,
       0.0002 * (random() - 0.3)        AS mu,
       0.04 + 0.08 * random()           AS alpha,
       0.0                              AS beta,
       (0.005 + 0.02 * random()) ^ 2    AS longrun
FROM portfolio;
UPDATE params SET beta = 0.97 - alpha;

-- standard normal shocks by Box-Muller, one in twenty scaled up (fat tails)
CREATE TEMP TABLE shocks AS
SELECT p.portfolio, d AS day,
       sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
         * CASE WHEN random() < 0.05 THEN 2.5 ELSE 0.92 END AS z
FROM portfolio p, generate_series(1, 1260) d;
CREATE INDEX ON shocks (portfolio, day);

CREATE TABLE returns (
    portfolio int  NOT NULL REFERENCES portfolio,
    day       date NOT NULL,
    r         float8 NOT NULL,
    PRIMARY KEY (portfolio, day)
);

-- the variance recursion along one portfolio's shocks
CREATE FUNCTION pg_temp.garch_path(mu float8, alpha float8, beta float8,
                                   longrun float8, z float8[])
RETURNS float8[] LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    out float8[] := array_fill(0::float8, ARRAY[cardinality(z)]);
    s2 float8 := longrun;
    r float8;
BEGIN
    FOR t IN 1 .. cardinality(z) LOOP
        r := mu + sqrt(s2) * z[t];
        out[t] := r;
        s2 := longrun * (1 - alpha - beta) + alpha * (r - mu) ^ 2 + beta * s2;
    END LOOP;
    RETURN out;
END $$;

INSERT INTO returns
SELECT pr.portfolio, b.day, x.r
FROM params pr
CROSS JOIN LATERAL unnest(pg_temp.garch_path(pr.mu, pr.alpha, pr.beta, pr.longrun,
        (SELECT array_agg(z ORDER BY day) FROM shocks s WHERE s.portfolio = pr.portfolio)))
        WITH ORDINALITY AS x(r, d)
JOIN (SELECT row_number() OVER (ORDER BY day)::int AS d, day::date
      FROM generate_series(date '2021-01-04', date '2026-12-31', interval '1 day') day
      WHERE extract(isodow FROM day) < 6) b ON b.d = x.d;

ANALYZE portfolio;
ANALYZE returns;
