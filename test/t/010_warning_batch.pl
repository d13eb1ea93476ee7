# Early warning for batch jobs and in bulk, with the background workers
# running (risk preloaded):
#  - risk.refresh_and_evaluate gives the same alerts as the workers: two
#    identical views of one table with identical rules, one refreshed by a
#    worker, the other by the call, through opening, updating and resolving;
#  - it waits for a refresh of the same view that a worker is running, and
#    its start counts for the schedule;
#  - NOTIFY: one event per alert up to risk.alert_notify_limit, one summary
#    per rule and refresh above it (from a worker and from the call), whose
#    counts and time find the alerts in risk.alerts; -1 keeps one per alert;
#  - a round of due views longer than 15 is one lane: one refresh worker.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('batch');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'risk'
max_worker_processes = 16
risk.naptime = '200ms'
risk.max_refresh_workers = 1
log_min_messages = debug1
});
$node->start;

sub sq { my ($sql) = @_; return $node->safe_psql('bank', $sql); }
sub wait_for
{
	my ($sql, $what) = @_;
	ok($node->poll_query_until('bank', $sql), $what);
}

$node->safe_psql('postgres', 'CREATE DATABASE bank');
sq(q{
CREATE EXTENSION risk;
CREATE TABLE lines (customer int PRIMARY KEY, lim float8, drawn float8);
INSERT INTO lines SELECT g, 100, 50 + (g % 50) FROM generate_series(1, 400) g;
CREATE MATERIALIZED VIEW by_worker AS SELECT customer, drawn / lim AS utilisation FROM lines;
CREATE UNIQUE INDEX ON by_worker (customer);
CREATE MATERIALIZED VIEW by_call AS SELECT customer, drawn / lim AS utilisation FROM lines;
CREATE UNIQUE INDEX ON by_call (customer);
});
wait_for(q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk scheduler' AND datname = 'bank'},
	'the scheduler runs');
sq(q{
BEGIN;
SELECT risk.watch('by_worker', '1 hour');
SELECT risk.watch('by_call', '1 hour');
-- by_call is refreshed by the call only: not due for an hour
UPDATE risk.watched SET next_run = now() + interval '1 hour' WHERE view = 'by_call'::regclass;
SELECT risk.add_rule(v, 'utilisation', '>', 0.9, 'warning', 'call', '{customer}', 'over 90%')
FROM unnest(ARRAY['by_worker', 'by_call']::regclass[]) v;
SELECT risk.add_rule(v, 'utilisation', '>', 0.97, 'critical', 'cut', '{customer}', 'over 97%')
FROM unnest(ARRAY['by_worker', 'by_call']::regclass[]) v;
SELECT risk.add_rule(v, 'utilisation', '>=', 0.99, 'info', NULL, '{}', 'any at 99%')
FROM unnest(ARRAY['by_worker', 'by_call']::regclass[]) v;
COMMIT;
});
wait_for(q{SELECT count(*) = 1 FROM risk.refresh_history WHERE view = 'by_worker'::regclass AND outcome = 'ok'},
	'the worker refreshes its view (watching makes it due)');

# the alerts of a view, comparable across the two views
sub alerts_of
{
	my ($v) = @_;
	return sq(qq{
SELECT string_agg(concat_ws(' ', r.rule_name, a.key, a.value, a.status, coalesce(a.resolution, '-'),
                            a.refreshes, a.severity), E'\n'
                  ORDER BY r.rule_name, a.key::text, a.opened_at, a.status)
FROM risk.alerts a JOIN risk.rules r ON r.id = a.rule_id
WHERE a.view = '$v'::regclass});
}
sub counts_of
{
	my ($v) = @_;
	return sq(qq{SELECT outcome || ' ' || rows || ' ' || alerts_opened || ' ' || alerts_updated || ' '
                        || alerts_resolved
                 FROM risk.refresh_history WHERE view = '$v'::regclass ORDER BY id DESC LIMIT 1});
}

my $call = sq(q{SELECT outcome || ' ' || rows || ' ' || alerts_opened || ' ' || alerts_updated || ' '
                       || alerts_resolved FROM risk.refresh_and_evaluate('by_call')});
is($call, counts_of('by_worker'), "first refresh: the call records what the worker did ($call)");
is(alerts_of('by_call'), alerts_of('by_worker'), 'and opens the same alerts');
my $expect = sq(q{SELECT count(*) FILTER (WHERE u > 0.9) + count(*) FILTER (WHERE u > 0.97)
                        + (max(u) >= 0.99)::int
                 FROM (SELECT drawn / lim AS u FROM lines) s});
like($call, qr/^ok 400 $expect 0 0$/, "($expect alerts: over 90%, over 97%, and one for the view)");

# the data change: some breaches go, some stay, some come
my $n_worker = sq(q{SELECT count(*) FROM risk.refresh_history WHERE view = 'by_worker'::regclass});
sq(q{
UPDATE lines SET drawn = 60 WHERE customer % 3 = 0;
UPDATE lines SET drawn = 98 WHERE customer % 7 = 0;
SELECT risk.refresh_now('by_worker');
});
wait_for(qq{SELECT count(*) > $n_worker FROM risk.refresh_history
            WHERE view = 'by_worker'::regclass AND outcome = 'ok'},
	'the worker refreshes again after refresh_now');
$call = sq(q{SELECT outcome || ' ' || rows || ' ' || alerts_opened || ' ' || alerts_updated || ' '
                    || alerts_resolved FROM risk.refresh_and_evaluate('by_call')});
is($call, counts_of('by_worker'), "second refresh: the same counts ($call)");
is(alerts_of('by_call'), alerts_of('by_worker'), 'the same alerts opened, updated and resolved');
my ($o, $u, $r) = (split / /, $call)[2, 3, 4];
ok($o > 0 && $u > 0 && $r > 0, "(opened $o, updated $u, resolved $r)");

# everything clears
$n_worker = sq(q{SELECT count(*) FROM risk.refresh_history WHERE view = 'by_worker'::regclass});
sq(q{UPDATE lines SET drawn = 10; SELECT risk.refresh_now('by_worker');});
wait_for(qq{SELECT count(*) > $n_worker FROM risk.refresh_history
            WHERE view = 'by_worker'::regclass AND outcome = 'ok'},
	'(the worker refreshes the cleared data)');
$call = sq(q{SELECT outcome || ' ' || rows || ' ' || alerts_opened || ' ' || alerts_updated || ' '
                    || alerts_resolved FROM risk.refresh_and_evaluate('by_call')});
is($call, counts_of('by_worker'), "third refresh, all clear: the same counts ($call)");
is(alerts_of('by_call'), alerts_of('by_worker'), 'every alert resolved alike');
is(sq(q{SELECT count(*) FROM risk.alerts WHERE status = 'open'}), '0', '(none open)');

# --- the call and a worker on the same view ----------------------------------
sq(q{
CREATE TABLE slow_src (x int);
INSERT INTO slow_src VALUES (1);
CREATE MATERIALIZED VIEW slow AS SELECT x, (SELECT 1 FROM pg_sleep(1.5)) AS pause FROM slow_src;
});
my $mark = sq(q{SELECT coalesce(max(id), 0) FROM risk.refresh_history});
sq(q{SELECT risk.watch('slow', '1 hour')});
wait_for(q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk refresh'
           AND query LIKE 'REFRESH MATERIALIZED VIEW%slow%'},
	'a worker is refreshing the slow view');
my $t0 = [Time::HiRes::gettimeofday()];
my $res = sq(q{SELECT outcome FROM risk.refresh_and_evaluate('slow')});
my $waited = Time::HiRes::tv_interval($t0);
is($res, 'ok', 'the call on a view a worker refreshes succeeds');
ok($waited > 1.5, "after the worker's refresh, then its own ($waited s)");
is(sq(qq{SELECT string_agg(outcome, ' ' ORDER BY id) FROM risk.refresh_history
         WHERE view = 'slow'::regclass AND id > $mark}), 'ok ok', 'both recorded');
is(sq(q{SELECT next_run = last_started + every AND last_started =
               (SELECT max(started_at) FROM risk.refresh_history WHERE view = 'slow'::regclass)
        FROM risk.watched WHERE view = 'slow'::regclass}),
	't', "the call's start counts for the schedule: next run one interval after it");
sleep 1;
is(sq(qq{SELECT count(*) FROM risk.refresh_history WHERE view = 'slow'::regclass AND id > $mark}),
	'2', 'and the scheduler does not refresh the view again');
sq(q{SELECT risk.unwatch('slow')});

# --- NOTIFY: per alert up to the limit, a summary above it -----------------
my $listener = $node->background_psql('bank');
$listener->query_safe('LISTEN risk_alerts');
sub events
{
	my $out = $listener->query_safe('SELECT 1');
	my @ev = ($out =~ /payload "(\{.*?\})" received/g);
	return @ev;
}
events();    # drop what came before

# a few alerts from the call: one event each
sq(q{UPDATE lines SET drawn = 95 WHERE customer <= 3});
sq(q{SELECT risk.refresh_and_evaluate('by_call')});
my @ev = events();
is(scalar(@ev), 3, 'three alerts opened by the call: three events');
ok(!(grep { !/"event" : "opened"/ } @ev), 'each an "opened" event');

# 300 alerts of one rule: one summary for that rule, per-alert events for
# the rule under the limit
sq(q{UPDATE lines SET drawn = 95 WHERE customer <= 300; UPDATE lines SET drawn = 98 WHERE customer = 1});
my $call_id = sq(q{SELECT id FROM risk.refresh_and_evaluate('by_call')});
@ev = events();
my @summary = grep { /"event" : "summary"/ } @ev;
is(scalar(@summary), 1, 'above risk.alert_notify_limit (100): one summary event for the rule');
like($summary[0] // '', qr/"rule" : "over 90%".*"refresh_id" : $call_id.*"opened" : 297, "resolved" : 0/,
	'naming the rule, the refresh and the counts');
is(scalar(grep { /"event" : "opened"/ } @ev), 1, 'the rule under the limit (one alert over 97%) sends its event');
my ($rule_id, $at) = ($summary[0] // '') =~ /"rule_id" : (\d+).*"at" : "([^"]+)"/;
is(sq(qq{SELECT count(*) FROM risk.alerts WHERE rule_id = $rule_id AND opened_at = '$at'}), '297',
	'the summary finds its alerts in risk.alerts: rule_id and opened_at = at');

# the workers send the same summary
sq(q{UPDATE lines SET drawn = 95 WHERE customer <= 300});
$n_worker = sq(q{SELECT count(*) FROM risk.refresh_history WHERE view = 'by_worker'::regclass});
sq(q{SELECT risk.refresh_now('by_worker')});
wait_for(qq{SELECT count(*) > $n_worker FROM risk.refresh_history
            WHERE view = 'by_worker'::regclass AND outcome = 'ok'},
	'(the worker refreshes its view)');
my $worker_id = sq(q{SELECT max(id) FROM risk.refresh_history WHERE view = 'by_worker'::regclass});
usleep(200_000);
@ev = events();
@summary = grep { /"event" : "summary"/ } @ev;
is(scalar(@summary), 1, 'a worker sends one summary for 300 alerts of a rule');
like($summary[0] // '', qr/"refresh_id" : $worker_id.*"opened" : 300, "resolved" : 0/, 'with its counts');

# resolving in bulk, and risk.alert_notify_limit = -1: one event per alert
sq(q{ALTER SYSTEM SET risk.alert_notify_limit = -1; SELECT pg_reload_conf()});
sq(q{UPDATE lines SET drawn = 10});
is(sq(q{SELECT alerts_resolved FROM risk.refresh_and_evaluate('by_call')}), '301',
	'the call resolves 301 alerts');
@ev = events();
is(scalar(grep { /"event" : "resolved"/ } @ev) . ' ' . scalar(grep { /"event" : "summary"/ } @ev), '301 0',
	'with risk.alert_notify_limit = -1: one "resolved" event each, no summary');
sq(q{ALTER SYSTEM RESET risk.alert_notify_limit; SELECT pg_reload_conf()});

# a dropped rule with many open alerts: one summary
$n_worker = sq(q{SELECT count(*) FROM risk.refresh_history WHERE view = 'by_worker'::regclass});
sq(q{SELECT risk.refresh_now('by_worker')});
wait_for(qq{SELECT count(*) > $n_worker FROM risk.refresh_history
            WHERE view = 'by_worker'::regclass AND outcome = 'ok'},
	'(the worker resolves its alerts too)');
sq(q{UPDATE lines SET drawn = 95 WHERE customer <= 200});
sq(q{SELECT risk.refresh_and_evaluate('by_call')});
events();
sq(q{SELECT risk.drop_rule(id) FROM risk.rules WHERE view = 'by_call'::regclass AND rule_name = 'over 90%'});
@ev = events();
is(scalar(@ev), 1, 'dropping a rule with 200 open alerts: one event');
like($ev[0] // '', qr/"event" : "summary".*"refresh_id" : null.*"opened" : 0, "resolved" : 200/,
	'a summary of the 200 resolved');
$listener->quit;

# --- a long round is one lane -----------------------------------------------
sq(q{
DO $$
BEGIN
    FOR i IN 1..40 LOOP
        EXECUTE format('CREATE MATERIALIZED VIEW lane_%s AS SELECT count(*) AS n FROM lines', lpad(i::text, 2, '0'));
    END LOOP;
END $$;
});
$mark = sq(q{SELECT coalesce(max(id), 0) FROM risk.refresh_history});
sq(q{SELECT risk.watch(c.oid::regclass, '1 hour') FROM pg_class c
     WHERE c.relkind = 'm' AND c.relname LIKE 'lane\_%'});
wait_for(qq{SELECT count(*) = 40 FROM risk.refresh_history
            WHERE view_name LIKE 'public.lane\\_%' AND outcome = 'ok' AND id > $mark},
	'forty views made due together are refreshed');
my $log = slurp_file($node->logfile);
my @lanes = ($log =~ /starting background worker process "risk refresh of lane_\d+ and (\d+) more"/g);
is(join(' ', @lanes), '39', 'by one refresh worker (a lane of 40; 15 at most before)');

done_testing();
