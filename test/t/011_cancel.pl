# A statement cancelled during a fit leaks nothing: the core returns at its
# next checkpoint having freed what it holds, and only then does the SQL
# face let PostgreSQL raise the cancel.  One backend runs a logistic fit
# with 300 features (three 300 x 300 matrices, about 2 MB, held by the
# core during the fit) under a statement_timeout that stops it in the
# middle, 200 times, and its resident memory must stay flat; a simulation
# and a GARCH fit stop within half a second of a timeout; and the session
# still gives the right answer afterwards.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('cancel');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION risk;
SELECT setseed(0.4);
CREATE TABLE wide AS
SELECT random() < 0.3 AS bad, ARRAY(SELECT random() - 0.5 + 0 * g FROM generate_series(1, 300)) AS x
FROM generate_series(1, 6000) g;
CREATE TABLE rets AS SELECT g AS day, 0.01 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS r
FROM generate_series(1, 150000) g;
});

my $s = $node->background_psql('postgres', on_error_stop => 0);
my $pid = $s->query_safe('SELECT pg_backend_pid()');
$pid =~ s/\s+//g;

# resident memory of the backend, in kB
sub rss
{
	open(my $fh, '<', "/proc/$pid/status") or die "cannot read /proc/$pid/status: $!";
	while (<$fh>)
	{
		return $1 if /^VmRSS:\s+(\d+)\s+kB/;
	}
	die "no VmRSS for $pid";
}

# the fit takes about two seconds here: a timeout of 150 ms stops it inside
my $fit = 'SELECT risk.logit_fit(bad, x) FROM wide';
$s->query_safe("SET statement_timeout = '150ms'");
my ($cancelled, $other) = (0, '');
my $cancel_fits = sub {
	my $times = shift;
	for (1 .. $times)
	{
		$s->{stderr} = '';
		my ($out, $ret) = $s->query($fit);
		if ($ret && $s->{stderr} =~ /canceling statement due to statement timeout/)
		{
			$cancelled++;
		}
		else
		{
			$other = $s->{stderr} || "finished: $out";
		}
		$s->{stderr} = '';
	}
};
$cancel_fits->(10);			# the allocator's high-water mark settles
my $before = rss();
$cancel_fits->(200);
my $after = rss();
is($cancelled, 210, 'every fit was cancelled by the timeout')
  or diag("otherwise: $other");
cmp_ok($after - $before, '<', 20 * 1024,
	"resident memory flat over 200 cancelled fits ($before kB, then $after kB)");

# a simulation and a GARCH fit stop at their next checkpoint: a timeout of
# 100 ms ends them within half a second, and well before they end when left
# alone (measured here: about 2 s each)
use Time::HiRes qw(time);
for my $q (q{SELECT count(*) FROM risk.lda_simulate('poisson', '{50}', 'lognormal', '{8,2}', 2000000, 1)},
	q{SELECT (risk.garch_fit(r ORDER BY day)).alpha FROM rets})
{
	$s->query_safe('SET statement_timeout = 0');
	my $t0 = time;
	$s->query_safe($q);
	my $full = time - $t0;
	$s->query_safe("SET statement_timeout = '100ms'");
	$t0 = time;
	my ($out, $ret) = $s->query($q);
	my $stopped = time - $t0;
	ok($ret && $s->{stderr} =~ /canceling statement due to statement timeout/, "cancelled: $q");
	$s->{stderr} = '';
	cmp_ok($stopped, '<', 0.5, sprintf('cancelled after %.2f s (%.2f s left alone)', $stopped, $full));
	# without checkpoints the cancel would wait for the end of the fit
	cmp_ok($full, '>', 2 * $stopped, 'cancelled well before the end');
}

# the session still works, and a fit without a timeout finishes
$s->query_safe('SET statement_timeout = 0');
like($s->query_safe(q{SELECT (risk.logit_fit(bad, x[1:5])).converged FROM wide}), qr/^t$/,
	'a fit after the cancellations converges');
$s->quit;
$node->stop;
done_testing();
