# Early warning as an analyst and a DBA meet it in the first hour:
#  - risk.watch with an interval shorter than risk.naptime says so (NOTICE
#    naming the cadence it gets), and a view is never refreshed twice closer
#    than its interval: the next run counts from the actual start;
#  - the workers' log lines name the database, not its OID;
#  - the upgrade from 0.2.1 turns the view columns into regclass, keeps the
#    data, the grants on the BI views it makes again (grant options, PUBLIC,
#    the levels of risk.grant_reader and grant_admin) and the initial
#    privileges of a fresh install, so pg_dump keeps those grants; and
#    before the upgrade the new library refreshes the views of a 0.2.1
#    schema, and of a 0.2.2 schema before and after the support functions
#    move to risk_internal (0.3.0).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('cadence');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'risk'
max_worker_processes = 16
risk.naptime = '3s'
});
$node->start;

sub sq { my ($db, $sql) = @_; return $node->safe_psql($db, $sql); }
sub wait_for
{
	my ($db, $sql, $what) = @_;
	ok($node->poll_query_until($db, $sql), $what);
}

# --- an interval shorter than risk.naptime ---------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE bank');
sq('bank', q{
CREATE EXTENSION risk;
CREATE TABLE loans (customer int PRIMARY KEY, drawn float8);
INSERT INTO loans VALUES (1, 50), (2, 95);
CREATE MATERIALIZED VIEW fast AS SELECT customer, drawn / 100 AS utilisation FROM loans;
CREATE UNIQUE INDEX ON fast (customer);
});
my ($rc, $out, $err) = $node->psql('bank', q{SELECT risk.watch('fast', '1 second')});
is($rc, 0, 'risk.watch with 1 second under risk.naptime = 3s succeeds');
like($err, qr/NOTICE:  risk\.watch: public\.fast will be refreshed about every 3s \(risk\.naptime\), not every 00:00:01/,
	'and a NOTICE names the cadence it gets: once per risk.naptime');
($rc, $out, $err) = $node->psql('bank', q{SELECT risk.watch('fast', '1 second')});
like($err, qr/HINT:  The scheduler looks for due views once per risk\.naptime/, 'with a hint');
($rc, $out, $err) = $node->psql('bank', q{SELECT risk.watch('fast', '3 seconds'); SELECT risk.watch('fast', '1 second')});
is(scalar(() = $err =~ /NOTICE/g), 1, 'no NOTICE for an interval of risk.naptime itself');

wait_for('bank', q{SELECT count(*) >= 5 FROM risk.refresh_history WHERE view_name = 'public.fast' AND outcome = 'ok'},
	'the view is refreshed again and again');
# the gaps between the starts of the refreshes of the view (any outcome)
my $gaps = sq('bank', q{
SELECT string_agg(round(d::numeric, 2)::text, ' ' ORDER BY id)
FROM (SELECT id, extract(epoch FROM started_at - lag(started_at) OVER (ORDER BY started_at)) AS d
      FROM risk.refresh_history WHERE view_name = 'public.fast') s
WHERE d IS NOT NULL});
my @gaps = split / /, $gaps;
my @short = grep { $_ < 1.0 } @gaps;
is(scalar(@short), 0, "no two refreshes closer than the interval of 1 s (gaps: $gaps)");
my @nap = grep { $_ >= 2.5 } @gaps;
ok(2 * @nap > @gaps, "mostly one refresh per risk.naptime (3 s), as the NOTICE said: $gaps");
is(sq('bank', q{SELECT next_run = last_started + every FROM risk.refresh_status WHERE view = 'fast'::regclass}),
	't', 'the next run is the start of the last refresh plus the interval');
is(sq('bank', q{SELECT bool_and(h.started_at = w.last_started) FROM risk.watched w
               JOIN risk.refresh_history h ON h.view = w.view
               WHERE h.id = (SELECT max(id) FROM risk.refresh_history)}),
	't', 'last_started is the actual start recorded in the history');

# refresh_now is the exception: due at once
sq('bank', q{SELECT risk.watch('fast', '1 hour')});
wait_for('bank', q{SELECT w.next_run > now() + interval '50 minutes'
                          AND NOT EXISTS (SELECT 1 FROM risk.refresh_history h
                                          WHERE h.view = w.view AND h.outcome = 'running')
                   FROM risk.watched w WHERE w.view = 'fast'::regclass},
	'(re-timed to 1 hour, the view is refreshed once more, as it was due)');
my $n1 = sq('bank', q{SELECT count(*) FROM risk.refresh_history WHERE view_name = 'public.fast'});
sq('bank', q{SELECT risk.refresh_now('fast')});
wait_for('bank', qq{SELECT count(*) > $n1 FROM risk.refresh_history WHERE view_name = 'public.fast' AND outcome = 'ok'},
	'refresh_now refreshes a view of interval 1 hour at once');
sq('bank', q{SELECT risk.unwatch('fast')});

# --- the log names the database -------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE "Quiet Db"');
my $log_ok = 0;
for (my $i = 0; $i < 100 && !$log_ok; $i++)
{
	my $log = slurp_file($node->logfile);
	$log_ok = ($log =~ /risk scheduler: extension "risk" is not installed in database "Quiet Db"; exiting/
		  && $log =~ /risk scheduler: extension "risk" is not installed in database "postgres"; exiting/);
	usleep(100_000) unless $log_ok;
}
ok($log_ok, 'a scheduler without the extension logs the name of its database');
my $log = slurp_file($node->logfile);
unlike($log, qr/risk (?:launcher|scheduler|refresh)[^\n]*database \d+/, 'no log line of the workers names a database by OID');

# --- the upgrade from 0.2.1 -------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE from021');
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
sq('fresh', q{CREATE EXTENSION risk VERSION '0.2.2'});
sq('from021', q{
CREATE EXTENSION risk VERSION '0.2.1';
CREATE ROLE ew_bi;
CREATE ROLE ew_desk;
CREATE ROLE ew_lead;
CREATE ROLE ew_intern;
SELECT risk.grant_reader('ew_bi');
SELECT risk.grant_admin('ew_desk');
GRANT SELECT ON risk.refresh_status TO ew_lead WITH GRANT OPTION;
SET ROLE ew_lead;
GRANT SELECT ON risk.refresh_status TO ew_intern;
RESET ROLE;
GRANT SELECT ON risk.alert_summary TO PUBLIC;
CREATE TABLE loans (customer int PRIMARY KEY, drawn float8);
INSERT INTO loans VALUES (1, 50), (2, 95);
CREATE MATERIALIZED VIEW util AS SELECT customer, drawn / 100 AS utilisation FROM loans;
CREATE UNIQUE INDEX ON util (customer);
GRANT SELECT ON util TO ew_bi;
CREATE MATERIALIZED VIEW util_live AS SELECT customer, drawn / 100 AS utilisation FROM loans;
BEGIN;
SELECT risk.watch('util', '1 hour');
SELECT risk.pause('util');
COMMIT;
INSERT INTO risk.refresh_history (view_oid, view_name, started_at, finished_at, duration, outcome, rows)
VALUES ('util'::regclass, 'public.util', now() - interval '1.5 s', now(), interval '1.5 s', 'ok', 2);
INSERT INTO risk.alerts (rule_id, rule_name, view_oid, view_name, key, metric, op, threshold, value,
                         severity, status, opened_at, updated_at)
VALUES (1, 'utilisation over 90%', 'util'::regclass, 'public.util', '{"customer": 2}', 'utilisation',
        '>', 0.9, 0.95, 'critical', 'open', now(), now());
SELECT risk.watch('util_live', '1 hour');
});
wait_for('from021', q{SELECT count(*) = 1 FROM risk.refresh_history WHERE view_name = 'public.util_live' AND outcome = 'ok'},
	'before ALTER EXTENSION UPDATE the new library refreshes the views of a 0.2.1 schema');

my $acl = q{
SELECT string_agg(g, ', ' ORDER BY g) FROM (
    SELECT format('%s %s>%s %s%s', c.relname, a.grantor::regrole,
                  CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                  a.privilege_type, CASE WHEN a.is_grantable THEN '*' ELSE '' END) AS g
    FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid IN ('risk.open_alerts'::regclass, 'risk.alert_summary'::regclass,
                    'risk.refresh_status'::regclass)) s};
my $acl_before = sq('from021', $acl);
like($acl_before, qr/refresh_status ew_lead>ew_intern SELECT/, '(0.2.1: grants on the BI views, one made with a grant option)');
sq('from021', q{ALTER EXTENSION risk UPDATE TO '0.2.2'});
is(sq('from021', q{SELECT extversion FROM pg_extension WHERE extname = 'risk'}), '0.2.2', 'upgraded to 0.2.2');
is(sq('from021', $acl), $acl_before, 'the BI views keep their grants: levels, grant options, PUBLIC');
is(sq('from021', q{SELECT relowner::regrole FROM pg_class WHERE oid = 'risk.open_alerts'::regclass}),
	sq('fresh', q{SELECT relowner::regrole FROM pg_class WHERE oid = 'risk.open_alerts'::regclass}), 'and their owner');

my $init = q{
SELECT pg_describe_object(p.classoid, p.objoid, p.objsubid) || ' ' || p.initprivs::text AS l
FROM pg_init_privs p JOIN pg_depend d ON d.classid = p.classoid AND d.objid = p.objoid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'risk')
ORDER BY l};
my %up = map { $_ => 1 } split /\n/, sq('from021', $init);
my %fr = map { $_ => 1 } split /\n/, sq('fresh', $init);
my @diff = ((map { "only after the upgrade: $_" } grep { !$fr{$_} } sort keys %up),
			(map { "only in a fresh install: $_" } grep { !$up{$_} } sort keys %fr));
ok(keys(%fr) > 100 && @diff == 0,
	'the initial privileges of the extension (' . scalar(keys %fr) . ') are those of a fresh install')
  or diag(join("\n", @diff));
is(sq('from021', q{SELECT count(*) FROM pg_class WHERE relname = '_upgrade_view_grants'}), '0',
	'the upgrade leaves no table behind');

is(sq('from021', q{SELECT string_agg(format('%s %s %s', pg_typeof(view), view, view_name), ', ') FROM risk.alerts}),
	'regclass util public.util', 'alerts: view_oid became view, a regclass');
is(sq('from021', q{SELECT string_agg(format('%s %s %s %s', pg_typeof(view), view, outcome, duration_seconds), ', ' ORDER BY id)
                   FROM risk.refresh_history WHERE view_name = 'public.util'}),
	'regclass util ok 1.5', 'history: view a regclass, duration in seconds');
is(sq('from021', q{SET ROLE ew_bi;
                   SELECT string_agg(format('%s %s %s %s', a.view, a.rule, s.every_seconds, s.paused), ', ')
                   FROM risk.open_alerts a JOIN risk.refresh_status s ON s.view = a.view}),
	'util utilisation over 90% 3600 t', 'a reader joins open alerts to the refresh status on the view');

# --- a 0.2.2 schema, then 0.3.0: the support functions change schema --------
sq('from021', q{SELECT risk.refresh_now('util_live')});
wait_for('from021', q{SELECT count(*) = 2 FROM risk.refresh_history WHERE view_name = 'public.util_live' AND outcome = 'ok'},
	'the new library refreshes the views of a 0.2.2 schema (support functions in schema risk)');
# one session: refresh_and_evaluate keeps its statements prepared
is(sq('from021', q{SELECT (risk.refresh_and_evaluate('util_live')).outcome;
                   ALTER EXTENSION risk UPDATE;
                   SELECT (risk.refresh_and_evaluate('util_live')).outcome}), "ok\nok",
	'refresh_and_evaluate before and after ALTER EXTENSION UPDATE in one session');
is(sq('from021', q{SELECT format('%s %s %s', extversion = (SELECT default_version FROM pg_available_extensions
                                                      WHERE name = 'risk'),
                          (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'risk'::regnamespace
                             AND p.proname LIKE '\_%'),
                          (SELECT count(*) > 100 FROM pg_proc p WHERE p.pronamespace = 'risk_internal'::regnamespace))
                   FROM pg_extension WHERE extname = 'risk'}),
	't 0 t', 'upgraded (through 0.3.0): the support functions in risk_internal, none left in risk');
sq('from021', q{SELECT risk.refresh_now('util_live')});
wait_for('from021', q{SELECT count(*) = 5 FROM risk.refresh_history WHERE view_name = 'public.util_live' AND outcome = 'ok'},
	'and the same scheduler refreshes it after the move');

# pg_dump keeps the grants made after CREATE EXTENSION
my $dump = $node->basedir . '/from021.dump';
$node->command_ok(['pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('from021')], 'pg_dump of the upgraded database');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok(['pg_restore', '-d', $node->connstr('restored'), $dump], 'pg_restore');
is(sq('restored', $acl), $acl_before, 'the restored BI views have the same grants');
is(sq('restored', q{SELECT string_agg(format('%s %s', view, view_name), ', ') FROM risk.alerts}),
	'util public.util', 'the alert names the restored view');
is(sq('restored', q{SELECT count(*) FROM risk.open_alerts a JOIN risk.refresh_status s ON s.view = a.view}),
	'1', 'and joins its refresh status');

# --- no worker slot: the launcher names the database -------------------------
$node->append_conf('postgresql.conf', q{
max_worker_processes = 1
max_logical_replication_workers = 0
});
$node->restart;
$log_ok = 0;
for (my $i = 0; $i < 100 && !$log_ok; $i++)
{
	$log_ok = (slurp_file($node->logfile) =~
		  /risk launcher: no background worker slot for the scheduler of database "(?:postgres|bank|Quiet Db|from021|fresh|restored)"/);
	usleep(100_000) unless $log_ok;
}
ok($log_ok, 'without a worker slot, the launcher names the database it cannot serve');
$log = slurp_file($node->logfile);
unlike($log, qr/risk (?:launcher|scheduler|refresh)[^\n]*database \d+/, 'still no database OID in the log');

$node->stop;
done_testing();
