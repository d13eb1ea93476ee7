# Faults: kill -9 of a backend in the middle of a long fit and of a long
# simulation, kill -9 of a refresh worker mid-refresh, an immediate
# shutdown (a crash) and restart.  After each: the registry, rules, alerts
# and history are intact, nothing is left "running", and the workers
# resume.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('faults');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'risk'
max_worker_processes = 16
risk.naptime = '200ms'
restart_after_crash = on
});
$node->start;

sub sq { return $node->safe_psql('bank', $_[0]); }

$node->safe_psql('postgres', 'CREATE DATABASE bank');
sq(q{
CREATE EXTENSION risk;
CREATE TABLE loans (customer int PRIMARY KEY, lim float8, drawn float8);
INSERT INTO loans SELECT g, 100, CASE WHEN g % 10 = 0 THEN 95 ELSE 50 END FROM generate_series(1, 1000) g;
CREATE MATERIALIZED VIEW util AS SELECT customer, drawn / lim AS utilisation FROM loans;
CREATE UNIQUE INDEX ON util (customer);
CREATE FUNCTION public.slow() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(30)';
CREATE MATERIALIZED VIEW slow_view AS SELECT public.slow() AS x WITH NO DATA;
INSERT INTO risk.master_scale VALUES ('two', 'A', 1, 0, 0.05), ('two', 'B', 2, 0.05, 1);
SELECT risk.watch('util', '1 second');
SELECT risk.add_rule('util', 'utilisation', '>', 0.9, 'warning', 'cut', '{customer}');
});
ok($node->poll_query_until('bank', q{SELECT count(*) = 100 FROM risk.open_alerts}), 'alerts open');

my $state_sql = q{
SELECT (SELECT string_agg(format('%s/%s/%s', view, every, paused), ' ' ORDER BY view::text) FROM risk.watched)
    || ' | ' || (SELECT string_agg(format('%s/%s', id, rule_name), ' ') FROM risk.rules)
    || ' | ' || (SELECT count(*) FROM risk.alerts) || '/' || (SELECT count(*) FROM risk.open_alerts)
    || ' | ' || (SELECT count(*) FROM risk.master_scale WHERE scale = 'two')
};
my $state = sq($state_sql);

# After a crash: same state, no refresh left running, the workers refresh again.
sub check_after
{
	my ($what) = @_;
	ok($node->poll_query_until('bank', q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'risk scheduler'}),
		"$what: the scheduler is back");
	my $mark = sq('SELECT coalesce(max(id), 0) FROM risk.refresh_history');
	ok($node->poll_query_until('bank', qq{SELECT count(*) >= 2 FROM risk.refresh_history
	                                       WHERE view = 'util'::regclass AND outcome = 'ok' AND id > $mark}),
		"$what: refreshes resume");
	is(sq($state_sql), $state, "$what: registry, rules, alerts and scales intact");
	is(sq(q{SELECT count(*) FROM risk.refresh_history WHERE outcome = 'running' AND id <= } . $mark), '0',
		"$what: no refresh left running");
	is(sq(q{SELECT count(*) FROM risk.alerts a JOIN risk.alerts b ON a.rule_id = b.rule_id AND a.key = b.key
	        AND a.id < b.id AND a.status = 'open' AND b.status = 'open'}), '0',
		"$what: no duplicate open alert");
}

# Start sql in a background session, wait until it runs, kill -9 its backend.
sub kill_during
{
	my ($sql, $pattern) = @_;
	my $bg = $node->background_psql('bank', on_error_stop => 0);
	$bg->query_until(qr/started/, "\\echo started\n$sql;\n");
	ok($node->poll_query_until('bank', qq{SELECT count(*) = 1 FROM pg_stat_activity
	                                      WHERE query LIKE '$pattern' AND pid <> pg_backend_pid()
	                                        AND backend_type IN ('client backend', 'risk refresh')}),
		"running: $pattern");
	my $pid = sq(qq{SELECT pid FROM pg_stat_activity WHERE query LIKE '$pattern' AND pid <> pg_backend_pid()
	                 AND backend_type IN ('client backend', 'risk refresh')});
	kill 'KILL', $pid;
	eval { $bg->quit; };
}

# 1. a backend in the middle of a long GPD fit over 3 million losses
sq(q{CREATE TABLE losses AS SELECT 1e4 * (random() ^ -0.5) AS x FROM generate_series(1, 3000000)});
kill_during(q{SELECT count(*) FROM (SELECT risk.gpd_fit(x, 1e4) FROM losses CROSS JOIN generate_series(1, 50) g GROUP BY g) s},
	'%gpd_fit%');
check_after('kill -9 during a fit');

# 2. a backend in the middle of a long loss-distribution simulation
kill_during(q{SELECT count(*) FROM generate_series(1, 200) g,
              LATERAL risk.lda_simulate('poisson', '{50}', 'lognormal', '{10, 2}', 1000000, g) s},
	'%lda_simulate%');
check_after('kill -9 during a simulation');

# 3. a refresh worker mid-refresh
sq(q{SELECT risk.watch('slow_view', '1 hour')});
$state = sq($state_sql);
ok($node->poll_query_until('bank', q{SELECT count(*) = 1 FROM pg_stat_activity
                                     WHERE backend_type = 'risk refresh' AND query LIKE '%slow_view%'}),
	'a refresh of a slow view runs');
my $rpid = sq(q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'risk refresh' AND query LIKE '%slow_view%'});
kill 'KILL', $rpid;
check_after('kill -9 of a refresh worker');
is(sq(q{SELECT outcome FROM risk.refresh_history WHERE view = 'slow_view'::regclass ORDER BY id LIMIT 1}),
	'lost', 'the killed refresh is recorded as lost');
sq(q{SELECT risk.unwatch('slow_view')});
$state = sq($state_sql);

# 4. a crash of the whole server (immediate shutdown) and a restart
sq(q{UPDATE loans SET drawn = 99 WHERE customer = 5});
ok($node->poll_query_until('bank', q{SELECT count(*) = 101 FROM risk.open_alerts}), 'one more alert');
$state = sq($state_sql);
$node->stop('immediate');
$node->start;
check_after('immediate shutdown and restart');
sq(q{UPDATE loans SET drawn = 10 WHERE customer = 5});
ok($node->poll_query_until('bank', q{SELECT count(*) = 100 FROM risk.open_alerts}),
	'and it resolves after the crash when the breach clears');

$node->stop;
done_testing();
