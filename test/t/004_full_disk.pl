# A full disk: a watched view lives in a tablespace on a tiny file system
# (RISK_TINY_FS, a directory on a small tmpfs that scripts/test.sh mounts
# when it runs as root).  When its refresh runs out of space the failure is
# recorded (53100 disk_full) and retried, the other views go on, and once
# space is back the refresh succeeds; nothing else is lost.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $tiny = $ENV{RISK_TINY_FS};
plan skip_all => 'RISK_TINY_FS is not set (scripts/test.sh sets it when it can mount a small tmpfs)'
	unless $tiny && -d $tiny && -w $tiny;

my $node = PostgreSQL::Test::Cluster->new('full');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'risk'
max_worker_processes = 16
risk.naptime = '200ms'
});
$node->start;

sub sq { return $node->safe_psql('bank', $_[0]); }

my $ts = "$tiny/ts";
mkdir $ts or die "cannot create $ts: $!";
$node->safe_psql('postgres', 'CREATE DATABASE bank');
$node->safe_psql('postgres', "CREATE TABLESPACE tiny LOCATION '$ts'");
sq(q{
CREATE EXTENSION risk;
CREATE TABLE big (id int, pad text);
INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 1000) g;
CREATE MATERIALIZED VIEW on_tiny TABLESPACE tiny AS SELECT * FROM big;
CREATE TABLE small (v float8);
INSERT INTO small VALUES (0.95);
CREATE MATERIALIZED VIEW elsewhere AS SELECT v FROM small;
SELECT risk.watch('on_tiny', '1 second');
SELECT risk.watch('elsewhere', '1 second');
SELECT risk.add_rule('elsewhere', 'v', '>', 0.9, 'warning', 'look');
});
ok($node->poll_query_until('bank', q{SELECT count(*) = 1 FROM risk.open_alerts}), 'the workers run');

# the base table grows past what the tablespace holds (the table itself is elsewhere)
sq(q{INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g});
my $mark = sq('SELECT max(id) FROM risk.refresh_history');
ok($node->poll_query_until('bank', qq{SELECT count(*) >= 2 FROM risk.refresh_history
                                      WHERE view = 'on_tiny'::regclass AND outcome = 'failed'
                                        AND sqlstate = '53100' AND id > $mark}),
	'a refresh that fills the disk fails with 53100 and is retried');
ok($node->poll_query_until('bank', qq{SELECT count(*) >= 3 FROM risk.refresh_history
                                      WHERE view = 'elsewhere'::regclass AND outcome = 'ok' AND id > $mark}),
	'the other view keeps refreshing');
is(sq(q{SELECT count(*) FROM on_tiny}), '1000', 'the view keeps its last contents');
sq(q{UPDATE small SET v = 0.5});
ok($node->poll_query_until('bank', q{SELECT count(*) = 0 FROM risk.open_alerts}),
	'and its alerts follow the data');

sq(q{DELETE FROM big WHERE id > 1000});
ok($node->poll_query_until('bank', q{SELECT failures = 0 AND last_outcome = 'ok' FROM risk.watched
                                     WHERE view = 'on_tiny'::regclass}),
	'once there is space again the refresh succeeds');
is(sq(q{SELECT count(*) FROM on_tiny}), '2000', 'with the new contents');
is(sq(q{SELECT count(*) FROM risk.watched}) . '/' . sq(q{SELECT count(*) FROM risk.rules}) . '/'
	. sq(q{SELECT count(*) FROM risk.alerts}), '2/1/1', 'registry, rules and alerts intact');

$node->stop;
done_testing();
