# Scale-out with PostgreSQL's own sharding: three servers on loopback, a
# coordinator and two shards.  The coordinator's tables "returns" (by
# portfolio) and "loans" (by customer segment) are partitioned tables whose
# partitions are postgres_fdw foreign tables on the shards; the foreign
# server carries the option extensions 'risk', which lets postgres_fdw ship
# this extension's functions and aggregates, and async_capable, which lets
# the coordinator wait on both shards at once.  With partitionwise
# aggregation, per-portfolio VaR/ES, GPD fits and per-segment logistic fits
# run on the shards (EXPLAIN VERBOSE shows the aggregate in the remote SQL)
# and equal the same queries over one local table holding the same rows.
# A group that spans shards (the whole book) is computed on the
# coordinator from the shipped rows, and without the extensions option
# nothing is pushed down: both are shown too, with equal answers.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @nodes;
for my $name (qw(coordinator shard1 shard2))
{
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	# listen on loopback TCP too: the foreign servers are reached by address
	$node->append_conf('postgresql.conf', q{
listen_addresses = '127.0.0.1'
max_parallel_workers_per_gather = 2
});
	$node->append_conf('pg_hba.conf', 'host all all 127.0.0.1/32 trust');
	$node->start;
	$node->safe_psql('postgres', 'CREATE DATABASE bank');
	$node->safe_psql('bank', 'CREATE EXTENSION risk');
	push @nodes, $node;
}
my ($coord, $shard1, $shard2) = @nodes;

# Each shard holds plain tables with the rows of its partitions.
for my $shard ($shard1, $shard2)
{
	$shard->safe_psql('bank', q{
CREATE TABLE returns_shard (portfolio text NOT NULL, day int NOT NULL, r float8 NOT NULL);
CREATE TABLE loans_shard (customer int NOT NULL, segment text NOT NULL, bad boolean NOT NULL,
                          x1 float8, x2 float8, x3 float8, score float8);
});
}

sub cq { return $coord->safe_psql('bank', $_[0]); }

my ($port1, $port2) = ($shard1->port, $shard2->port);
cq(qq{
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '$port1', dbname 'bank', extensions 'risk', async_capable 'true');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '$port2', dbname 'bank', extensions 'risk', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1;
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2;

CREATE TABLE returns (portfolio text NOT NULL, day int NOT NULL, r float8 NOT NULL)
    PARTITION BY LIST (portfolio);
CREATE FOREIGN TABLE returns_1 PARTITION OF returns FOR VALUES IN ('P1', 'P2', 'P3')
    SERVER shard1 OPTIONS (table_name 'returns_shard');
CREATE FOREIGN TABLE returns_2 PARTITION OF returns FOR VALUES IN ('P4', 'P5', 'P6')
    SERVER shard2 OPTIONS (table_name 'returns_shard');

CREATE TABLE loans (customer int NOT NULL, segment text NOT NULL, bad boolean NOT NULL,
                    x1 float8, x2 float8, x3 float8, score float8)
    PARTITION BY LIST (segment);
CREATE FOREIGN TABLE loans_1 PARTITION OF loans FOR VALUES IN ('retail', 'sme')
    SERVER shard1 OPTIONS (table_name 'loans_shard');
CREATE FOREIGN TABLE loans_2 PARTITION OF loans FOR VALUES IN ('corporate', 'mortgage')
    SERVER shard2 OPTIONS (table_name 'loans_shard');

-- The single-node reference: the same rows in ordinary local tables.
CREATE TABLE returns_local (LIKE returns);
CREATE TABLE loans_local (LIKE loans);

-- Heavy-tailed daily returns (Student t, 4 degrees of freedom) per portfolio.
CREATE FUNCTION gauss() RETURNS float8 LANGUAGE sql AS
  'SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())';
SELECT setseed(0.42);
INSERT INTO returns_local
SELECT p, d, 0.01 * (1 + right(p, 1)::int / 10.0) * gauss()
             / sqrt((gauss() ^ 2 + gauss() ^ 2 + gauss() ^ 2 + gauss() ^ 2) / 4)
FROM unnest(ARRAY['P1','P2','P3','P4','P5','P6']) p, generate_series(1, 2500) d
ORDER BY p, d;

-- Loans: three features, default drawn from a logistic model per segment.
INSERT INTO loans_local
SELECT c, s, random() < 1 / (1 + exp(-(b0 + 0.8 * x1 - 0.5 * x2 + 0.3 * x3))), x1, x2, x3,
       b0 + 0.8 * x1 - 0.5 * x2 + 0.3 * x3 + 0.5 * gauss()
FROM (SELECT c, s, b0, gauss() AS x1, gauss() AS x2, gauss() AS x3
      FROM (SELECT c, (ARRAY['retail','sme','corporate','mortgage'])[1 + c % 4] AS s,
                   (ARRAY[-2.0, -1.5, -2.5, -3.0])[1 + c % 4] AS b0
            FROM generate_series(1, 20000) c) k) f
ORDER BY c;

-- Tuple routing sends each row through postgres_fdw to its shard.
INSERT INTO returns SELECT * FROM returns_local ORDER BY portfolio, day;
INSERT INTO loans SELECT * FROM loans_local ORDER BY customer;
ANALYZE returns_local; ANALYZE loans_local;
});

is($shard1->safe_psql('bank', q{SELECT string_agg(DISTINCT portfolio, ',') || ' ' || count(*) FROM returns_shard}),
	'P1,P2,P3 7500', 'shard 1 holds portfolios P1-P3');
is($shard2->safe_psql('bank', q{SELECT string_agg(DISTINCT segment, ',') || ' ' || count(*) FROM loans_shard}),
	'corporate,mortgage 10000', 'shard 2 holds the corporate and mortgage loans');
$_->safe_psql('bank', 'ANALYZE') for ($shard1, $shard2);

my $setup = 'SET enable_partitionwise_aggregate = on;';

# Run a query over the sharded tables and over the local copies; return the
# plan of the sharded one and both answers.
sub sharded_and_local
{
	my ($sql) = @_;
	my $plan = cq("$setup EXPLAIN (VERBOSE, COSTS OFF) $sql");
	my $sharded = cq("$setup $sql");
	(my $local_sql = $sql) =~ s/\b(returns|loans)\b/$1_local/g;
	my $local = cq($local_sql);
	return ($plan, $sharded, $local);
}

# Every foreign scan of the plan is an aggregate run remotely, with the
# aggregate in its remote SQL, once per shard.
sub pushed_down
{
	my ($plan, $agg) = @_;
	my @remote = ($plan =~ /Remote SQL: (.*)/g);
	my @aggs = ($plan =~ /Relations: Aggregate on/g);
	return @remote == 2 && @aggs == 2 && !grep { !/\Q$agg\E\(.*GROUP BY/ } @remote;
}

my @cases = (
	[ 'historical VaR and ES per portfolio', 'risk.var_historical',
	  q{SELECT portfolio, risk.var_historical(r, 0.99), risk.es_historical(r, 0.975)
	    FROM returns GROUP BY portfolio ORDER BY portfolio} ],
	[ 'Gaussian and Cornish-Fisher VaR per portfolio', 'risk.var_modified',
	  q{SELECT portfolio, risk.var_gaussian(r, 0.99), risk.var_modified(r, 0.99)
	    FROM returns GROUP BY portfolio ORDER BY portfolio} ],
	[ 'GPD tail fit per portfolio', 'risk.gpd_fit',
	  q{SELECT portfolio, (f).xi, (f).beta, (f).n_exceed, (f).converged, (f).loglik
	    FROM (SELECT portfolio, risk.gpd_fit(-r, 0.02) AS f FROM returns GROUP BY portfolio) s
	    ORDER BY portfolio} ],
	[ 'logistic fit per segment', 'risk.logit_fit',
	  q{SELECT segment, (m).coefficients, (m).converged, (m).iterations
	    FROM (SELECT segment, risk.logit_fit(bad, ARRAY[x1, x2, x3]) AS m FROM loans GROUP BY segment) s
	    ORDER BY segment} ],
	[ 'AUC and KS per segment', 'risk.auc',
	  q{SELECT segment, risk.auc(score, bad), risk.ks(score, bad)
	    FROM loans GROUP BY segment ORDER BY segment} ],
);

for my $case (@cases)
{
	my ($what, $agg, $sql) = @$case;
	my ($plan, $sharded, $local) = sharded_and_local($sql);
	ok(pushed_down($plan, $agg), "$what: $agg runs on the shards")
	  or diag($plan);
	is(scalar(() = $plan =~ /Async Foreign Scan/g), 2, "$what: both shards work at once");
	is($sharded, $local, "$what: sharded = single node");
	my $rows = () = $sharded =~ /\n/g;
	ok($rows >= 3 && $sharded !~ /\|\|/, "$what: an answer per group")
	  or diag($sharded);
}

# The fits converge on this data (a test comparing two failures would prove little).
is(cq(q{SELECT count(*) FILTER (WHERE (f).converged) FROM
        (SELECT risk.gpd_fit(-r, 0.02) AS f FROM returns GROUP BY portfolio) s}), '6',
	'all six GPD fits converge');
is(cq(q{SELECT count(*) FILTER (WHERE (m).converged) FROM
        (SELECT risk.logit_fit(bad, ARRAY[x1, x2, x3]) AS m FROM loans GROUP BY segment) s}), '4',
	'all four logistic fits converge');

# A group that spans the shards: the rows come to the coordinator, which
# aggregates them (partial aggregates are not shipped by postgres_fdw).
{
	my ($plan, $sharded, $local) = sharded_and_local(
		q{SELECT risk.auc(score, bad), risk.var_historical(x1, 0.99) FROM loans});
	ok($plan !~ /Relations: Aggregate on/ && $plan =~ /Aggregate/ && $plan !~ /Remote SQL:.*risk\./,
		'whole book: aggregated on the coordinator') or diag($plan);
	is($sharded, $local, 'whole book: sharded = single node');
}

# The whole book's logistic fit by risk.logit_fit_table, one pass of
# risk.logit_step per iteration: each pass aggregates each shard's rows into
# a partial state and combines the two, so the sums are added in another
# order than on one node; the coefficients agree to rounding.
{
	my $cmp = cq(q{
SELECT max(abs(a - b) / greatest(abs(b), 1e-300)) < 1e-12, count(*), bool_and(a <> 0),
       max(abs(a - b) / greatest(abs(b), 1e-300))
FROM unnest((risk.logit_fit_table('loans', 'bad', ARRAY['x1', 'x2', 'x3'])).coefficients,
            (risk.logit_fit_table('loans_local', 'bad', ARRAY['x1', 'x2', 'x3'])).coefficients) AS c(a, b)});
	like($cmp, qr/^t\|4\|t\|/, 'logit_fit_table over the sharded book = single node (relative 1e-12)');
	note("logit_fit_table, sharded vs one node: largest relative difference " . (split /\|/, $cmp)[3]);
}

# docs/scale-out.md: its plans are this test's plans, and its table of
# aggregates (text state / internal state / whole group) is the catalog's.
{
	my ($doc) = grep { -f $_ } ('docs/scale-out.md', "$ENV{TESTDIR}/docs/scale-out.md");
	open(my $fh, '<', $doc) or die "docs/scale-out.md: $!";
	my $page = do { local $/; <$fh> };
	close $fh;
	my $plans = 0;
	while ($page =~ /^```sql\n(EXPLAIN \(VERBOSE, COSTS OFF\).*?)^```\n\s*^```text\n(.*?)^```/msg)
	{
		my ($sql, $shown) = ($1, $2);
		my $plan = cq("$setup $sql");
		s/^\s+|\s+$//mg for ($plan, $shown);
		is($plan, $shown, 'docs/scale-out.md shows the plan of: ' . (grep { /\S/ } split /\n/, $sql)[-1]);
		$plans++;
	}
	is($plans, 2, 'docs/scale-out.md: both plans checked');

	my %doc = ($page =~ /^\| `risk\.(\w+)` \| (text state|internal state|whole group) \|/mg);
	my %cat = split /[|\n]/, cq(q{
SELECT DISTINCT p.proname,
       CASE WHEN a.aggcombinefn = 0 THEN 'whole group'
            WHEN a.aggtranstype = 'internal'::regtype THEN 'internal state'
            ELSE 'text state' END
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'risk'::regnamespace});
	is(join(' ', map { "$_=$doc{$_}" } sort keys %doc), join(' ', map { "$_=$cat{$_}" } sort keys %cat),
		'docs/scale-out.md classifies every aggregate as the catalog does');
	my $bad = cq(q{
SELECT string_agg(p.proname, ' ') FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'risk'::regnamespace AND a.aggcombinefn <> 0
  AND (p.proparallel <> 's' OR p.provolatile <> 'i'
       OR (a.aggtranstype <> 'internal'::regtype
           AND NOT EXISTS (SELECT FROM pg_type t WHERE t.oid = a.aggtranstype AND t.typinput <> 0 AND t.typoutput <> 0)))});
	is($bad, '', 'splittable aggregates are parallel safe and immutable, text states have text I/O');
}

# Without the extensions option postgres_fdw ships no function of risk.
cq(q{ALTER SERVER shard1 OPTIONS (DROP extensions); ALTER SERVER shard2 OPTIONS (DROP extensions)});
{
	my ($plan, $sharded, $local) = sharded_and_local($cases[0][2]);
	ok(!pushed_down($plan, 'risk.var_historical') && $plan !~ /Remote SQL:.*risk\./,
		'without extensions = risk: nothing pushed down') or diag($plan);
	is($sharded, $local, 'without extensions = risk: same answer');
}

$_->stop for @nodes;
done_testing();
