# Background workers of the early-warning part, on real clusters:
# schedule, dependency order, failures, time limit, reload, restarts,
# standby, privileges, alerts and NOTIFY, several databases.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('primary');
$node->init(allows_streaming => 1);
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'risk'
max_worker_processes = 24
risk.naptime = '200ms'
risk.max_refresh_workers = 2
risk.refresh_timeout = '1500ms'
restart_after_crash = on
});
$node->start;

sub sq { my ($db, $sql) = @_; return $node->safe_psql($db, $sql); }
sub wait_for {
	my ($db, $sql, $what) = @_;
	ok($node->poll_query_until($db, $sql), $what);
}
sub last_id { my ($db) = @_; return sq($db, 'SELECT coalesce(max(id), 0) FROM risk.refresh_history'); }

# --- the launcher, and a scheduler once the extension is there ----------
wait_for('postgres', q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk launcher'},
	'launcher runs');
$node->safe_psql('postgres', 'CREATE DATABASE bank');
is(sq('postgres', q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'risk scheduler'}),
	'0', 'no scheduler without the extension');
sq('bank', 'CREATE EXTENSION risk');
wait_for('bank', q{SELECT count(*) = 1 FROM pg_stat_activity
                   WHERE backend_type = 'risk scheduler' AND datname = 'bank'},
	'CREATE EXTENSION starts a scheduler without a restart');

# --- on schedule ---------------------------------------------------------
my $mark0 = last_id('bank');
sq('bank', q{
CREATE TABLE loans (customer int PRIMARY KEY, lim float8, drawn float8);
INSERT INTO loans VALUES (1, 100, 50), (2, 100, 95), (3, 100, 20);
CREATE MATERIALIZED VIEW v_a AS SELECT customer, drawn / lim AS utilisation, (SELECT 1 FROM pg_sleep(0.1)) AS pause
  FROM loans;
CREATE UNIQUE INDEX ON v_a (customer);
CREATE MATERIALIZED VIEW v_b AS SELECT count(*) AS n, max(utilisation) AS top, (SELECT 1 FROM pg_sleep(0.2)) AS pause
  FROM v_a;
CREATE VIEW plain_b AS SELECT * FROM v_b;
CREATE MATERIALIZED VIEW v_c AS SELECT n, top FROM plain_b;
BEGIN;
SELECT risk.watch('v_c', '1 second');
SELECT risk.watch('v_b', '1 second');
SELECT risk.watch('v_a', '1 second');
COMMIT;
});
my $mark = last_id('bank');
sq('bank', 'INSERT INTO loans VALUES (4, 100, 10)');
wait_for('bank', q{SELECT count(*) = 4 FROM v_a}, 'a watched view is refreshed');
wait_for('bank', qq{SELECT count(*) >= 3 FROM risk.refresh_history
                    WHERE view_name = 'public.v_a' AND outcome = 'ok' AND id > $mark},
	'and refreshed again on schedule');
my $gaps = sq('bank', qq{
SELECT min(d), max(d) FROM (
  SELECT extract(epoch FROM started_at - lag(started_at) OVER (ORDER BY id)) AS d
  FROM risk.refresh_history WHERE view_name = 'public.v_a' AND id > $mark) s WHERE d IS NOT NULL});
my ($gmin, $gmax) = split /\|/, $gaps;
ok($gmin >= 1.0 && $gmax < 3.0, "one second or a little more between refreshes, never less ($gmin .. $gmax s)");
is(sq('bank', qq{SELECT bool_and(concurrent) FROM risk.refresh_history WHERE view_name = 'public.v_a' AND id > $mark}),
	't', 'a view with a unique index is refreshed CONCURRENTLY');
is(sq('bank', qq{SELECT bool_or(concurrent) FROM risk.refresh_history WHERE view_name = 'public.v_b' AND id > $mark}),
	'f', 'one without is refreshed plainly');
wait_for('bank', q{SELECT rows = 4 FROM risk.refresh_history WHERE view_name = 'public.v_a'
                   AND outcome = 'ok' ORDER BY id DESC LIMIT 1},
	'the history counts the rows');

# --- dependency order ----------------------------------------------------
wait_for('bank', qq{SELECT count(*) >= 4 FROM risk.refresh_history
                    WHERE view_name = 'public.v_c' AND outcome = 'ok' AND id > $mark},
	'dependent views are refreshed too');
my $overlaps = sq('bank', qq{
SELECT count(*) FROM risk.refresh_history p JOIN risk.refresh_history c
  ON (p.view_name, c.view_name) IN (('public.v_a', 'public.v_b'), ('public.v_b', 'public.v_c'), ('public.v_a', 'public.v_c'))
 AND p.started_at < c.finished_at AND c.started_at < p.finished_at
WHERE p.id > $mark AND c.id > $mark});
is($overlaps, '0', 'a view never refreshes while a watched view it reads does');
my $order = sq('bank', qq{
SELECT count(*) FROM risk.refresh_history c
WHERE c.view_name = 'public.v_b' AND c.id > $mark AND c.outcome = 'ok'
  AND (SELECT p.finished_at FROM risk.refresh_history p
       WHERE p.view_name = 'public.v_a' AND p.started_at < c.started_at ORDER BY p.id DESC LIMIT 1)
      > c.started_at});
is($order, '0', 'each refresh of v_b starts after the refresh of v_a before it finished');
is(sq('bank', qq{SELECT count(*) FROM risk.refresh_history
                WHERE id > $mark0 AND view_name IN ('public.v_b', 'public.v_c')
                  AND started_at < (SELECT min(started_at) FROM risk.refresh_history
                                    WHERE id > $mark0 AND view_name = 'public.v_a')}),
	'0', 'in the first round, registered dependents first, v_a still went first');

# --- a failing view is recorded, the others go on ------------------------
sq('bank', q{
CREATE TABLE divisors (x int);
INSERT INTO divisors VALUES (1);
CREATE MATERIALIZED VIEW v_bad AS SELECT 1 / x AS y FROM divisors;
SELECT risk.watch('v_bad', '1 second');
});
$mark = last_id('bank');
sq('bank', 'INSERT INTO divisors VALUES (0)');
wait_for('bank', qq{SELECT count(*) >= 2 FROM risk.refresh_history
                    WHERE view_name = 'public.v_bad' AND outcome = 'failed' AND id > $mark},
	'a failing refresh is recorded (and retried)');
is(sq('bank', qq{SELECT sqlstate || ': ' || message FROM risk.refresh_history
                WHERE view_name = 'public.v_bad' AND outcome = 'failed' AND id > $mark LIMIT 1}),
	'22012: division by zero', 'with its error');
ok(sq('bank', q{SELECT failures FROM risk.watched WHERE view = 'v_bad'::regclass}) >= 2,
	'failures in a row are counted');
my $fail_mark = last_id('bank');
wait_for('bank', qq{SELECT count(*) >= 2 FROM risk.refresh_history
                    WHERE view_name = 'public.v_a' AND outcome = 'ok' AND id > $fail_mark},
	'the other views still refresh');
sq('bank', 'DELETE FROM divisors WHERE x = 0');
wait_for('bank', q{SELECT failures = 0 AND last_outcome = 'ok' FROM risk.watched WHERE view = 'v_bad'::regclass},
	'the retry succeeds once the data is fixed');

# --- the time limit ------------------------------------------------------
sq('bank', q{
CREATE OR REPLACE FUNCTION slow_one() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(5)';
CREATE MATERIALIZED VIEW v_slow2 AS SELECT public.slow_one() AS x;
});
$mark = last_id('bank');
sq('bank', q{SELECT risk.watch('v_slow2', '1 hour')});
wait_for('bank', qq{SELECT count(*) = 1 FROM risk.refresh_history
                    WHERE view_name = 'public.v_slow2' AND outcome = 'timeout' AND id > $mark},
	'the time limit cancels a slow refresh');
my $dur = sq('bank', qq{SELECT extract(epoch FROM duration) FROM risk.refresh_history
                       WHERE view_name = 'public.v_slow2' AND id > $mark});
ok($dur >= 1.4 && $dur < 4.5, "after risk.refresh_timeout (1.5 s): took $dur s");
is(sq('bank', qq{SELECT sqlstate FROM risk.refresh_history WHERE view_name = 'public.v_slow2' AND id > $mark}),
	'57014', 'recorded as query_canceled');

# a refresh blocked by a lock is cancelled by the same limit
my $locker = $node->background_psql('bank');
$locker->query_safe('BEGIN; LOCK TABLE divisors IN ACCESS EXCLUSIVE MODE');
$mark = last_id('bank');
wait_for('bank', qq{SELECT count(*) >= 1 FROM risk.refresh_history
                    WHERE view_name = 'public.v_bad' AND outcome = 'timeout' AND id > $mark},
	'a refresh waiting on a lock is cancelled by the time limit and recorded');
wait_for('bank', qq{SELECT count(*) >= 2 FROM risk.refresh_history
                    WHERE view_name = 'public.v_a' AND outcome = 'ok' AND id > $mark},
	'while the other views refresh');
$locker->query_safe('ROLLBACK');
$locker->quit;

# a refresh worker killed mid-refresh is recorded as lost
$node->safe_psql('postgres', q{ALTER SYSTEM SET risk.refresh_timeout = 0});
$node->reload;
$mark = last_id('bank');
sq('bank', q{SELECT risk.refresh_now('v_slow2')});
wait_for('bank', q{SELECT count(*) = 1 FROM pg_stat_activity
                   WHERE backend_type = 'risk refresh' AND query LIKE '%v_slow2%'},
	'a refresh worker shows its statement in pg_stat_activity');
sq('bank', q{SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE backend_type = 'risk refresh' AND query LIKE '%v_slow2%'});
wait_for('bank', qq{SELECT count(*) = 1 FROM risk.refresh_history
                    WHERE view_name = 'public.v_slow2' AND outcome = 'lost' AND id > $mark},
	'a killed refresh worker is recorded as lost');
sq('bank', q{SELECT risk.unwatch('v_slow2')});
$node->safe_psql('postgres', q{ALTER SYSTEM RESET risk.refresh_timeout});
$node->reload;

# --- SIGHUP changes how often the scheduler looks ------------------------
$node->safe_psql('postgres', q{ALTER SYSTEM SET risk.naptime = '1h'});
$node->reload;
# wait for a quiet spell: nothing started for 3 s
my $quiet = 0;
for (my $i = 0; $i < 60 && !$quiet; $i++)
{
	my $before = last_id('bank');
	sleep 3;
	$quiet = (last_id('bank') == $before);
}
ok($quiet, 'with risk.naptime = 1h after a reload, the scheduler sleeps');
$mark = last_id('bank');
$node->safe_psql('postgres', q{ALTER SYSTEM RESET risk.naptime});
$node->reload;
wait_for('bank', qq{SELECT count(*) >= 2 FROM risk.refresh_history WHERE view_name = 'public.v_a' AND id > $mark},
	'after a reload to 200 ms it refreshes again');

# --- killing the scheduler brings it back ---------------------------------
my $pid = sq('bank', q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'risk scheduler' AND datname = 'bank'});
sq('bank', "SELECT pg_terminate_backend($pid)");
wait_for('bank', qq{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk scheduler'
                    AND datname = 'bank' AND pid <> $pid},
	'a terminated scheduler is started again by the launcher');
$pid = sq('bank', q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'risk scheduler' AND datname = 'bank'});
kill 'KILL', $pid;
wait_for('bank', qq{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk scheduler'
                    AND datname = 'bank' AND pid <> $pid},
	'after kill -9 of the scheduler (a crash restart) it is back');
$mark = last_id('bank');
wait_for('bank', qq{SELECT count(*) >= 2 FROM risk.refresh_history
                    WHERE view_name = 'public.v_a' AND outcome = 'ok' AND id > $mark},
	'and refreshing');
is(sq('bank', q{SELECT count(*) FROM risk.refresh_history WHERE outcome = 'running'
               AND started_at < now() - interval '30 s'}),
	'0', 'no refresh is left running by the crash');

# --- privileges ------------------------------------------------------------
sq('bank', q{
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
SELECT risk.grant_admin('alice');
SELECT risk.grant_admin('bob');
CREATE TABLE secret (v int);
INSERT INTO secret VALUES (42);
GRANT SELECT ON secret TO alice;
GRANT CREATE ON SCHEMA public TO alice;
SET ROLE alice;
CREATE MATERIALIZED VIEW v_alice AS SELECT v FROM secret;
RESET ROLE;
});
my ($rc, $out, $err) = $node->psql('bank', q{SET ROLE bob; SELECT risk.watch('v_alice', '1 second')});
like($err, qr/must be a member of role "alice"/, 'a non-owner cannot watch someone else\'s view');
($rc, $out, $err) = $node->psql('bank',
	q{SET ROLE bob; INSERT INTO risk.watched (view, every) VALUES ('v_alice', '1 second')});
like($err, qr/row-level security/, 'not even by writing the registry directly');
($rc, $out, $err) = $node->psql('bank', q{CREATE ROLE carol LOGIN; SET ROLE carol; SELECT risk.watch('v_alice', '1 second')});
like($err, qr/permission denied for function watch/, 'PUBLIC may not call risk.watch');
sq('bank', q{SET ROLE alice; SELECT risk.watch('v_alice', '1 second')});
$mark = last_id('bank');
wait_for('bank', qq{SELECT count(*) >= 1 FROM risk.refresh_history
                    WHERE view_name = 'public.v_alice' AND outcome = 'ok' AND id > $mark},
	'the owner may watch her view');
sq('bank', q{REVOKE SELECT ON secret FROM alice; UPDATE secret SET v = 43});
$mark = last_id('bank');
wait_for('bank', qq{SELECT count(*) >= 1 FROM risk.refresh_history
                    WHERE view_name = 'public.v_alice' AND outcome = 'failed' AND id > $mark},
	'once the owner loses SELECT, the refresh fails');
is(sq('bank', qq{SELECT sqlstate || ' ' || message FROM risk.refresh_history
                WHERE view_name = 'public.v_alice' AND outcome = 'failed' AND id > $mark LIMIT 1}),
	'42501 permission denied for table secret', 'the worker refreshed as the owner, not as superuser');
is(sq('bank', 'SELECT v FROM v_alice'), '42', 'and the view kept what the owner could read');
is(sq('bank', q{SET ROLE bob; SELECT count(*) FROM risk.refresh_history WHERE view_name = 'public.v_alice'}),
	'0', 'bob cannot see the history of a view he cannot read');
sq('bank', q{SELECT risk.unwatch('v_alice')});

# --- alerts: open, update, resolve, exactly once per breach ---------------
my $listener = $node->background_psql('bank');
$listener->query_safe('LISTEN risk_alerts');
sq('bank', q{SELECT risk.add_rule('v_a', 'utilisation', '>', 0.9, 'critical',
                                 'cut the limit', '{customer}', 'utilisation over 90%')});
wait_for('bank', q{SELECT count(*) = 1 FROM risk.open_alerts WHERE key = '{"customer": 2}'},
	'a breach opens an alert');
my $a1 = sq('bank', q{SELECT id FROM risk.alerts WHERE key = '{"customer": 2}'});
wait_for('bank', qq{SELECT refreshes >= 3 FROM risk.alerts WHERE id = $a1},
	'a continuing breach updates it');
is(sq('bank', q{SELECT count(*) FROM risk.alerts}), '1', 'and opens no duplicate');
sq('bank', 'UPDATE loans SET drawn = 80 WHERE customer = 2');
wait_for('bank', qq{SELECT status = 'resolved' FROM risk.alerts WHERE id = $a1},
	'a cleared breach resolves it');
sq('bank', 'UPDATE loans SET drawn = 99 WHERE customer = 2; UPDATE loans SET drawn = 97 WHERE customer = 3');
wait_for('bank', q{SELECT count(*) = 2 FROM risk.open_alerts}, 'a new breach opens a new alert');
my $mark2 = last_id('bank');
wait_for('bank', qq{SELECT count(*) >= 3 FROM risk.refresh_history WHERE view_name = 'public.v_a' AND id > $mark2},
	'(three more refreshes)');
is(sq('bank', q{SELECT count(*) || ' ' || count(*) FILTER (WHERE status = 'open') FROM risk.alerts}),
	'3 2', 'one row per breach: three alerts, two open');
is(sq('bank', q{SELECT value FROM risk.open_alerts WHERE key = '{"customer": 2}'}), '0.99',
	'the alert carries the current value');
is(sq('bank', q{SELECT open FROM risk.alert_summary WHERE severity = 'critical'}), '2', 'the summary view');
my $notes = $listener->query_safe('SELECT 1');
my @opened = ($notes =~ /"event" : "opened"/g);
my @resolved = ($notes =~ /"event" : "resolved"/g);
is(scalar(@opened) . ' ' . scalar(@resolved), '3 1', 'NOTIFY risk_alerts: three opened, one resolved');
like($notes, qr/"action" : "cut the limit"/, 'with the recommended action in the payload');
$listener->quit;

# --- a restart loses nothing ----------------------------------------------
my $before = sq('bank', q{SELECT (SELECT count(*) FROM risk.watched) || ' ' || (SELECT count(*) FROM risk.rules)
                          || ' ' || (SELECT count(*) FROM risk.alerts)});
$node->restart;
is(sq('bank', q{SELECT (SELECT count(*) FROM risk.watched) || ' ' || (SELECT count(*) FROM risk.rules)
               || ' ' || (SELECT count(*) FROM risk.alerts)}), $before,
	"a restart loses no registration, rule or alert ($before)");
wait_for('bank', q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk scheduler'},
	'the scheduler is back after the restart');
$mark = last_id('bank');
wait_for('bank', qq{SELECT count(*) >= 1 FROM risk.refresh_history WHERE view_name = 'public.v_a' AND outcome = 'ok' AND id > $mark},
	'and refreshing');
is(sq('bank', q{SELECT count(*) FROM risk.alerts}), (split / /, $before)[2], 'no alert duplicated by the restart');

# --- two databases, CREATE / DROP EXTENSION, DROP DATABASE -----------------
sq('postgres', 'CREATE DATABASE branch');
sq('branch', q{CREATE EXTENSION risk;
  CREATE MATERIALIZED VIEW m AS SELECT now() AS at;
  SELECT risk.watch('m', '1 second');});
wait_for('postgres', q{SELECT count(DISTINCT datname) = 2 FROM pg_stat_activity WHERE backend_type = 'risk scheduler'},
	'two databases get a scheduler each');
wait_for('branch', q{SELECT count(*) >= 2 FROM risk.refresh_history WHERE outcome = 'ok'},
	'the second one refreshes its own views');
sq('branch', 'DROP EXTENSION risk');
wait_for('postgres', q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'risk scheduler' AND datname = 'branch'},
	'DROP EXTENSION stops its scheduler');
sq('branch', 'CREATE EXTENSION risk');
wait_for('postgres', q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk scheduler' AND datname = 'branch'},
	'CREATE EXTENSION again starts it');
($rc, $out, $err) = $node->psql('postgres', 'DROP DATABASE branch');
is($rc, 0, 'DROP DATABASE succeeds while its scheduler runs') or diag($err);
wait_for('postgres', q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk scheduler'},
	'and only the other scheduler remains');

# --- a standby starts no worker until promoted ----------------------------
$node->backup('b1');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($node, 'b1', has_streaming => 1);
$standby->start;
$node->wait_for_catchup($standby);
sleep 2;
is($standby->safe_psql('postgres', q{SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'risk%'}),
	'0', 'a standby starts no worker');
$node->stop;
$standby->promote;
ok($standby->poll_query_until('bank', q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk scheduler'}),
	'after promotion the scheduler starts');
my $smark = $standby->safe_psql('bank', 'SELECT max(id) FROM risk.refresh_history');
ok($standby->poll_query_until('bank', qq{SELECT count(*) >= 1 FROM risk.refresh_history WHERE outcome = 'ok' AND id > $smark}),
	'and refreshes on the promoted node');
$standby->stop;

# --- nothing starts in binary-upgrade mode ---------------------------------
PostgreSQL::Test::Utils::system_or_bail('pg_ctl', '-D', $standby->data_dir, '-l', $standby->logfile,
	'-o', '-b', '-w', 'start');
sleep 2;
is($standby->safe_psql('postgres', q{SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'risk%'}),
	'0', 'a server in binary-upgrade mode starts no worker');
PostgreSQL::Test::Utils::system_or_bail('pg_ctl', '-D', $standby->data_dir, '-m', 'fast', '-w', 'stop');

done_testing();
