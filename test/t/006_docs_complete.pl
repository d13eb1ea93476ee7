# Documentation complete by test: every function, aggregate, type, table
# and view of schema risk, read from the catalog of a fresh install, must
# have a COMMENT and an entry in docs/*.md; every function and aggregate a
# user calls (a name without a leading underscore) must also be used in an
# example: a ```sql block of docs/ that calls risk.<name>(...).  Tables and
# views must appear in an example too.  A new object without all of these
# fails here, with its name.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# docs/ of the source tree the test runs from
my ($docdir) = grep { -d $_ } ('docs', "$ENV{TESTDIR}/docs", '../docs', '../../docs');
ok(defined $docdir, 'docs/ found') or BAIL_OUT('no docs directory');
my (@pages, $text, $examples);
for my $page (sort glob("$docdir/*.md"))
{
	open(my $fh, '<', $page) or die "$page: $!";
	local $/;
	my $body = <$fh>;
	close $fh;
	push @pages, $page;
	$text .= $body . "\n";
	$examples .= "$1\n" while $body =~ /^```sql[^\n]*\n(.*?)^```/msg;
}
ok(@pages >= 5, scalar(@pages) . ' pages in docs/');
ok(length($examples // '') > 1000, 'docs/ has SQL examples');

my $node = PostgreSQL::Test::Cluster->new('docs');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION risk');

# Audit the catalog against docs/: returns the counts per kind and, per
# kind, the names with no COMMENT, no entry in docs/ and no example.
sub audit
{
	my $objects = $node->safe_psql('postgres', q{
SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END,
       p.proname, obj_description(p.oid, 'pg_proc') IS NOT NULL
FROM pg_proc p WHERE p.pronamespace IN ('risk'::regnamespace, 'risk_internal'::regnamespace)
UNION ALL
SELECT CASE WHEN c.relkind IN ('r', 'p', 'f') THEN 'table' ELSE 'view' END,
       c.relname, obj_description(c.oid, 'pg_class') IS NOT NULL
FROM pg_class c WHERE c.relnamespace = 'risk'::regnamespace AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
UNION ALL
SELECT 'type', t.typname, obj_description(t.oid, 'pg_type') IS NOT NULL
FROM pg_type t
WHERE t.typnamespace = 'risk'::regnamespace
  -- not the array type that comes with every type, nor a table's row type
  AND NOT EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid)
  AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
ORDER BY 1, 2});

	my (%count, %seen, %missing);
	for my $line (split /\n/, $objects)
	{
		my ($kind, $name, $commented) = split /\|/, $line;
		next if $seen{"$kind $name"}++;    # overloads: one name, one entry
		$count{$kind}++;
		push @{ $missing{comment}{$kind} }, $name if $commented ne 't';
		my $q = quotemeta($name);
		push @{ $missing{entry}{$kind} }, $name
		  unless $text =~ /(?<![\w.])(?:risk(?:_internal)?\.)?$q(?!\w)/;
		if ($kind eq 'function' || $kind eq 'aggregate' || $kind eq 'procedure')
		{
			push @{ $missing{example}{$kind} }, $name
			  if $name !~ /^_/ && $examples !~ /\brisk\.$q\s*\(/;
		}
		elsif ($kind eq 'table' || $kind eq 'view')
		{
			push @{ $missing{example}{$kind} }, $name if $examples !~ /\brisk\.$q\b/;
		}
	}
	return (\%count, \%missing);
}

sub names { my ($m, $what, $kind) = @_; return join(' ', @{ $m->{$what}{$kind} // [] }); }

my ($count, $missing) = audit();
ok($count->{function} > 100 && $count->{aggregate} > 20 && $count->{type} > 5
	  && $count->{table} >= 5 && $count->{view} >= 3,
	join(', ', map { ($count->{$_} // 0) . " ${_}s" } qw(function aggregate type table view))
	  . ' in schemas risk and risk_internal');
for my $kind (qw(function aggregate procedure type table view))
{
	is(names($missing, 'comment', $kind), '', "every $kind has a COMMENT");
	is(names($missing, 'entry', $kind), '', "every $kind has an entry in docs/");
	is(names($missing, 'example', $kind), '',
		$kind =~ /table|view/ ? "every $kind is used in a docs/ example"
		  : "every $kind a user calls is used in a docs/ example")
	  unless $kind eq 'type';
}

# The audit can fail: a function added with nothing is reported three times.
$node->safe_psql('postgres',
	q{CREATE FUNCTION risk.not_documented_anywhere() RETURNS int LANGUAGE sql AS 'SELECT 1'});
(undef, $missing) = audit();
is(join(',', map { scalar grep { $_ eq 'not_documented_anywhere' } @{ $missing->{$_}{function} // [] } }
		  qw(comment entry example)),
	'1,1,1', 'a function added without COMMENT, entry or example is reported');

$node->stop;
done_testing();
