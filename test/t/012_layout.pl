# The layout by test: one area token, verbatim, in every layer, and a
# schema risk that holds only what users call.
#
# The areas are read from the tree: the install script's pieces
# src/sql/NN_<area>.sql (00_header and 99_privileges are no area).  For each
# area the test wants its regression test (sql/<area>.sql or
# sql/<area>_*.sql), its page docs/<area>.md and its row in the area table
# of docs/architecture.md; a SQL face src/<area>.c when its piece declares
# a C function; and, when it has a core (src/core/<area>.c), the core's
# header, a unit test test/unit/test_<area>.c and a fuzz harness
# test/fuzz/fuzz_<area>*.c.  The other way round, every file of those
# layers must carry an area's token or be one of the shared modules named
# below, and the core declares only rk_ symbols.  A new area, or a file
# named outside the convention, fails here with its name.
#
# From the catalog of a fresh install: no support function in schema risk
# (every function of risk_internal starts with an underscore, none of risk
# does), and every support function of every aggregate lives in
# risk_internal.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my ($top) = grep { -d "$_/src/sql" } ('.', $ENV{TESTDIR} // '.', '..', '../..');
ok(defined $top, 'source tree found') or BAIL_OUT('no src/sql');

sub files { my ($pat) = @_; return map { s{^\Q$top\E/}{}r } sort glob("$top/$pat"); }
sub base  { my ($f) = @_; $f =~ s{^.*/}{}; $f =~ s{\.[^.]+$}{}; return $f; }
sub text  { my ($f) = @_; open(my $fh, '<', "$top/$f") or die "$f: $!"; local $/; return <$fh>; }

# ---------------------------------------------------------------------
# The areas and what is shared
# ---------------------------------------------------------------------
my @areas;
for my $piece (files('src/sql/*.sql'))
{
	my ($n, $area) = base($piece) =~ /^(\d\d)_([a-z]+)$/
	  or do { fail("install piece $piece is named NN_<area>.sql"); next; };
	push @areas, $area unless $area eq 'header' || $area eq 'privileges';
}
ok(@areas >= 10, 'areas: ' . join(' ', @areas));
my %area = map { $_ => 1 } @areas;

# modules that serve several areas, and tests and pages across areas
my %shared = (
	face  => { map { $_ => 1 } qw(risk valbuf) },
	core  => { map { $_ => 1 } grep { !$area{$_} } map { base($_) } files('src/core/*.c') },
	sql   => { map { $_ => 1 } qw(fixtures bad_input hostile first_hour per_row daily_run) },
	docs  => { map { $_ => 1 } qw(architecture reference tutorial operations scale-out) },
	bench => { map { $_ => 1 } qw(parallel_bench daily_run) },
);
# the shared core modules are few and each is named in the area table
ok(keys %{ $shared{core} } <= 6,
	'shared core modules: ' . join(' ', sort keys %{ $shared{core} }));

# the token a file name starts with: an area's, or none
sub area_of
{
	my ($name) = @_;
	for my $a (sort { length($b) <=> length($a) } @areas)
	{
		return $a if $name eq $a || $name =~ /^\Q$a\E_/;
	}
	return undef;
}

# ---------------------------------------------------------------------
# Every area has its layers
# ---------------------------------------------------------------------
my $architecture = text('docs/architecture.md');
for my $a (@areas)
{
	my ($piece) = files("src/sql/[0-9][0-9]_$a.sql");
	my @missing;
	push @missing, "sql/$a*.sql" unless files("sql/$a.sql") || files("sql/${a}_*.sql");
	push @missing, "docs/$a.md" unless -f "$top/docs/$a.md";
	push @missing, 'its row in the area table of docs/architecture.md'
	  unless $architecture =~ /^\|\s*`?\Q$a\E`?\s*\|/m;
	push @missing, "src/$a.c (its piece declares C functions)"
	  if text($piece) =~ /LANGUAGE\s+C\b/i && !-f "$top/src/$a.c";
	if (-f "$top/src/core/$a.c")
	{
		push @missing, "src/core/$a.h"            unless -f "$top/src/core/$a.h";
		push @missing, "test/unit/test_$a.c"      unless -f "$top/test/unit/test_$a.c";
		push @missing, "test/fuzz/fuzz_$a*.c"
		  unless files("test/fuzz/fuzz_$a.c") || files("test/fuzz/fuzz_${a}_*.c");
	}
	is(join(', ', @missing), '', "area $a has its layers");
}

# ---------------------------------------------------------------------
# Every file of a layer carries an area's token or is shared
# ---------------------------------------------------------------------
my @stray;
for my $f (files('src/*.c'), files('src/*.h'))
{
	my $b = base($f);
	push @stray, $f unless area_of($b) || $shared{face}{$b};
}
for my $f (files('src/core/*.c'), files('src/core/*.h'))
{
	my $b = base($f);
	push @stray, $f unless $b eq 'core' || area_of($b) || $shared{core}{$b};
}
for my $f (files('sql/*.sql'))
{
	my $b = base($f);
	push @stray, $f unless area_of($b) || $shared{sql}{$b};
	my $out = "expected/$b.out";
	push @stray, "$f (no $out)" unless -f "$top/$out";
}
for my $f (files('docs/*.md'))
{
	my $b = base($f);
	push @stray, $f unless $area{$b} || $shared{docs}{$b};
}
for my $f (files('test/unit/test_*.c'))
{
	my $b = base($f) =~ s/^test_//r;
	push @stray, $f unless area_of($b) || $shared{core}{$b} || $b eq 'cancel' || $b eq 'window';
}
for my $f (files('test/fuzz/fuzz_*.c'))
{
	my $b = base($f) =~ s/^fuzz_//r;
	push @stray, $f unless area_of($b) || $shared{core}{$b};
}
for my $f (files('test/bench/*.sh'), files('test/bench/*.py'), files('test/bench/*.sql'))
{
	my $b = base($f);
	push @stray, $f unless (area_of($b) && $b =~ /_bench$/) || $shared{bench}{$b};
}
is(join(' ', @stray), '', 'every file of a layer is named by its area or is shared');

# no suffix that tells a face from its core
my @suffixed = grep { /_sql\.c$/ } files('src/*.c');
is(join(' ', @suffixed), '', 'no SQL face needs a suffix');

# the core declares only rk_ names (functions, types, constants)
my @foreign;
for my $h (files('src/core/*.h'))
{
	my $t = text($h);
	$t =~ s{/\*.*?\*/}{}gs;
	while ($t =~ /^(?:extern\s+|static\s+inline\s+)?[A-Za-z_][\w\s\*]*?\b(\w+)\s*\(/mg)
	{
		my $name = $1;
		# a function pointer's return type: the name is the one in "(*name)"
		next if $name =~ /^(?:void|int|double|float|char|long|short|unsigned|signed|bool|size_t|u?int\d+_t)$/;
		push @foreign, "$h:$name" unless $name =~ /^rk_/;
	}
	while ($t =~ /^(?:extern\s+)?\w+\s*\(\s*\*\s*(\w+)\s*\)\s*\(/mg)
	{
		push @foreign, "$h:$1" unless $1 =~ /^rk_/;
	}
	while ($t =~ /^\s*typedef\b[^;{]*?\b(\w+)\s*;/mg)
	{
		push @foreign, "$h:$1" unless $1 =~ /^rk_/;
	}
	while ($t =~ /^\}\s*(\w+)\s*;/mg)
	{
		push @foreign, "$h:$1" unless $1 =~ /^rk_/;
	}
	while ($t =~ /^#define\s+(\w+)/mg)
	{
		push @foreign, "$h:$1" unless $1 =~ /^(RK_|RISK_\w+_H$)/;
	}
}
is(join(' ', @foreign), '', 'the core declares only rk_ names');

# ---------------------------------------------------------------------
# The catalog: schema risk is the user's API
# ---------------------------------------------------------------------
my $node = PostgreSQL::Test::Cluster->new('layout');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION risk');

is($node->safe_psql('postgres', q{
SELECT string_agg(p.oid::regprocedure::text, ' ' ORDER BY 1)
FROM pg_proc p WHERE p.pronamespace = 'risk'::regnamespace AND p.proname LIKE '\_%'}),
	'', 'no function of schema risk is a support function (leading underscore)');
is($node->safe_psql('postgres', q{
SELECT string_agg(p.oid::regprocedure::text, ' ' ORDER BY 1)
FROM pg_proc p WHERE p.pronamespace = 'risk_internal'::regnamespace AND p.proname NOT LIKE '\_%'}),
	'', 'every function of schema risk_internal is a support function');
is($node->safe_psql('postgres', q{
SELECT string_agg(DISTINCT format('%s %s', a.aggfnoid::regprocedure, f::regprocedure), '; ')
FROM pg_aggregate a,
     unnest(ARRAY[a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                  a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn]::oid[]) f
JOIN pg_proc p ON p.oid = f
WHERE a.aggfnoid IN (SELECT oid FROM pg_proc WHERE pronamespace = 'risk'::regnamespace)
  AND f <> 0 AND p.pronamespace <> 'risk_internal'::regnamespace
  AND p.pronamespace <> 'pg_catalog'::regnamespace}),
	'', 'every support function of an aggregate lives in risk_internal');
my ($user, $internal) = split /\|/, $node->safe_psql('postgres', q{
SELECT count(*) FILTER (WHERE pronamespace = 'risk'::regnamespace),
       count(*) FILTER (WHERE pronamespace = 'risk_internal'::regnamespace)
FROM pg_proc});
ok($user > 50 && $internal > 100, "\\df risk.* lists $user functions; risk_internal holds $internal");

$node->stop;
done_testing();
