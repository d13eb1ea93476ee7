# risk.grade reads a master scale once per statement and keeps it: a scale
# changed and committed in one session is seen by the next statement of
# every other session, including a prepared statement and a PL/pgSQL
# function that a long-lived session called before the change, and by
# parallel workers.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('grade_cache');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION risk;
INSERT INTO risk.master_scale VALUES ('two', 'A', 1, 0, 0.05), ('two', 'B', 2, 0.05, 1);
CREATE TABLE pds WITH (parallel_workers = 2) AS SELECT (g % 100) / 100.0 AS pd FROM generate_series(1, 20000) g;
ANALYZE pds;
CREATE FUNCTION grade_of(p float8) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN risk.grade(p, 'two'); END $$;
});

# a long-lived session: a prepared statement and a PL/pgSQL function used
# once before the change
my $a = $node->background_psql('postgres');
$a->query_safe(q{PREPARE g AS SELECT risk.grade(0.03, 'two')});
is($a->query_safe('EXECUTE g'), 'A', 'session A grades 0.03 as A');
is($a->query_safe(q{SELECT grade_of(0.03)}), 'A', 'and so does its PL/pgSQL function');
is($a->query_safe(q{SELECT string_agg(DISTINCT risk.grade(pd, 'two'), ',') FROM pds}), 'A,B',
	'and a whole-table query');

# another session moves the band edge from 0.05 to 0.02 and commits
$node->safe_psql('postgres', q{
BEGIN;
UPDATE risk.master_scale SET pd_upper = 0.02 WHERE scale = 'two' AND grade = 'A';
UPDATE risk.master_scale SET pd_lower = 0.02 WHERE scale = 'two' AND grade = 'B';
COMMIT;
});

is($a->query_safe('EXECUTE g'), 'B', 'the prepared statement of session A sees the new scale');
is($a->query_safe(q{SELECT grade_of(0.03)}), 'B', 'so does its PL/pgSQL function');
is($a->query_safe(q{
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT count(*) FILTER (WHERE risk.grade(pd, 'two') = 'A') FROM pds}), '400',
	'and so do parallel workers: 2 of 100 PDs below 0.02 in every 100 rows');
like($a->query_safe(q{EXPLAIN (COSTS OFF) SELECT count(*) FILTER (WHERE risk.grade(pd, 'two') = 'A') FROM pds}),
	qr/Partial Aggregate/, '(in a parallel plan)');

# a change that is not committed yet is not seen
my $b = $node->background_psql('postgres');
$b->query_safe(q{BEGIN; UPDATE risk.master_scale SET grade = 'A-' WHERE scale = 'two' AND grade = 'A'});
is($a->query_safe(q{SELECT risk.grade(0.01, 'two')}), 'A', 'an uncommitted change is not seen');
$b->query_safe('COMMIT');
is($a->query_safe(q{SELECT risk.grade(0.01, 'two')}), 'A-', 'and is seen once committed');

$a->quit;
$b->quit;
done_testing();
