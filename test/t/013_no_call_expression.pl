# The support functions of every aggregate whose partial states leave the
# server (a combine function and a state of an ordinary type, which a
# distributed engine such as Citus ships between nodes and combines and
# finishes itself) give the same answer when called through fmgr alone,
# without the call expression a query would give them.
#
# A small C function, compiled here against the server's headers, calls a
# function by its OID with fmgr_info and FunctionCallInvoke: the path of an
# engine that combines partial states, where get_fn_expr_rettype and
# get_fn_expr_argtype find nothing.  From the catalog: for each such
# aggregate, its states over two halves of a table and over the whole;
# the combine function and the final function called that way must equal
# the same calls made from SQL, and the final function of the whole
# table's state the aggregate itself.  A new aggregate of that kind is
# covered by adding a test value for each argument name it introduces.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('noexpr');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION risk');

# ---------------------------------------------------------------------
# The caller without a call expression
# ---------------------------------------------------------------------
my $dir = $node->basedir;
my $c = "$dir/noexpr.c";
my $so = "$dir/noexpr.so";
open(my $fh, '>', $c) or die "$c: $!";
print $fh <<'EOC';
#include "postgres.h"
#include "fmgr.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(nx_step);

/*
 * nx_step(state, f regprocedure, x): the transition function of a helper
 * aggregate that calls f through fmgr alone, with no call expression, in
 * the aggregate's context (as an engine's own combining aggregate would):
 * a combine function as f(state, x) (a NULL state takes x, as for a
 * strict combine function), a final function as f(x).
 */
Datum
nx_step(PG_FUNCTION_ARGS)
{
	FmgrInfo	flinfo;
	LOCAL_FCINFO(inner, 2);
	Datum		result;

	if (PG_ARGISNULL(1))
		elog(ERROR, "nx_step: no function");
	fmgr_info(PG_GETARG_OID(1), &flinfo);
	if (flinfo.fn_expr != NULL)
		elog(ERROR, "nx_step: a call expression");
	if (flinfo.fn_nargs == 2)
	{
		if (PG_ARGISNULL(0) || PG_ARGISNULL(2))
		{
			if (PG_ARGISNULL(0) && PG_ARGISNULL(2))
				PG_RETURN_NULL();
			PG_RETURN_DATUM(PG_ARGISNULL(0) ? PG_GETARG_DATUM(2) : PG_GETARG_DATUM(0));
		}
		InitFunctionCallInfoData(*inner, &flinfo, 2, PG_GET_COLLATION(), fcinfo->context, NULL);
		inner->args[0] = fcinfo->args[0];
		inner->args[1] = fcinfo->args[2];
	}
	else if (flinfo.fn_nargs == 1)
	{
		if (PG_ARGISNULL(2) && flinfo.fn_strict)
			PG_RETURN_NULL();
		InitFunctionCallInfoData(*inner, &flinfo, 1, PG_GET_COLLATION(), fcinfo->context, NULL);
		inner->args[0] = fcinfo->args[2];
	}
	else
		elog(ERROR, "nx_step: a function of %d arguments", flinfo.fn_nargs);
	result = FunctionCallInvoke(inner);
	if (inner->isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}
EOC
close($fh);
my $inc = $node->config_data('--includedir-server');
my $cc = $ENV{CC} // 'cc';
my ($out, $err);
my $built = IPC::Run::run([ $cc, '-O1', '-fPIC', '-shared', "-I$inc", '-o', $so, $c ],
	'>', \$out, '2>', \$err);
ok($built, 'the caller without a call expression compiles') or diag($err);

# ---------------------------------------------------------------------
# Data, and a test value per argument name
# ---------------------------------------------------------------------
$node->safe_psql('postgres', q{
CREATE TABLE t AS
SELECT i, 0.02 * sin(i * 1.7) + 0.01 * cos(i * 0.31) AS r,
       0.5 + 0.45 * sin(i * 2.3) AS pd, sin(i * 1.3) + 0.6 * cos(i * 5.1) > 0.3 AS bad,
       sin(i * 0.7) AS x1, cos(i * 1.9) AS x2,
       jsonb_build_object('age', 20 + (i * 7) % 50, 'housing', (ARRAY['own', 'rent', 'other'])[1 + i % 3]) AS applicant
FROM generate_series(1, 997) i;
INSERT INTO risk.scorecard (scorecard) VALUES ('noexpr');
INSERT INTO risk.scorecard_characteristic (scorecard, characteristic, position, reason_code)
VALUES ('noexpr', 'age', 1, 'AGE'), ('noexpr', 'housing', 2, 'HOUS');
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, upper, category, points)
VALUES ('noexpr', 'age', 1, NULL, 30, NULL, 10), ('noexpr', 'age', 2, 30, 50, NULL, 25),
       ('noexpr', 'age', 3, 50, NULL, NULL, 40),
       ('noexpr', 'housing', 1, NULL, NULL, 'own', 30), ('noexpr', 'housing', 2, NULL, NULL, 'rent', 15),
       ('noexpr', 'housing', 3, NULL, NULL, 'other', 5);
});
my %value = (
	r => 'r', p => '0.99', loss => '(100 * abs(r))', thresholds => "'{0.5,1,1.5}'::float8[]",
	pd => 'pd', x => 'ARRAY[x1, x2]', beta => "'{-0.2,0.5,-0.3}'::float8[]", intercept => 'true',
	scorecard => "'noexpr'", applicant => 'applicant',
	# capital: IRB capital and concentration
	lgd => '0.45', ead => '(1000 + i)', asset_class => "(ARRAY['corporate', 'bank', 'mortgage'])[1 + i % 3]",
	maturity => '2.5', sales => 'NULL::float8', options => "'{}'::jsonb", amount => '(1000 + i)');
# outcomes: boolean or a 0/1 integer, by the argument's type
my %outcome = (bad => 1, y => 1);

my @aggs = split /\n/, $node->safe_psql('postgres', q{
SELECT a.aggfnoid::regprocedure || '|' || p.proname || '|' || array_to_string(p.proargnames, ',') || '|'
       || array_to_string(array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) t), ',') || '|'
       || a.aggtransfn::regproc || '|' || coalesce(quote_literal(a.agginitval), 'NULL') || '|'
       || a.aggcombinefn::regprocedure || '|'
       || CASE WHEN a.aggfinalfn = 0 THEN '' ELSE a.aggfinalfn::regprocedure::text END || '|'
       || format_type(a.aggtranstype, NULL) || '|'
       || CASE WHEN a.aggfinalfn = 0 THEN '' ELSE format_type(f.prorettype, NULL) END
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
LEFT JOIN pg_proc f ON f.oid = a.aggfinalfn
WHERE p.pronamespace = 'risk'::regnamespace AND a.aggcombinefn <> 0
  AND a.aggtranstype <> 'internal'::regtype
ORDER BY 1});
ok(@aggs >= 10, scalar(@aggs) . ' aggregates with partial states of an ordinary type');

my $k = 0;
for my $row (@aggs)
{
	my ($agg, $name, $argnames, $argtypes, $sfunc, $init, $combine, $final, $stype, $rettype) =
	  split /\|/, $row, -1;
	$k++;
	my @names = split /,/, $argnames;
	my @types = split /,/, $argtypes;
	my @args;
	for my $i (0 .. $#names)
	{
		my $n = $names[$i];
		if ($outcome{$n}) { push @args, $types[$i] eq 'boolean' ? 'bad' : 'bad::int'; next; }
		if (!defined $value{$n}) { fail("$agg: a test value for argument $n"); next; }
		push @args, $value{$n};
	}
	my $call = join(', ', @args);
	my ($combine_name) = $combine =~ /^([^(]+)/;
	my ($final_name) = $final =~ /^([^(]+)/;
	my $initcond = $init eq 'NULL' ? '' : ", INITCOND = $init";
	# the state alone: an aggregate of the same transition without final
	# function; the two halves' states and the whole table's
	$node->safe_psql('postgres', qq{
CREATE AGGREGATE state_$k(@{[ join(', ', @types) ]}) (SFUNC = $sfunc, STYPE = $stype$initcond);
CREATE TABLE st_$k AS
SELECT h AS part, (SELECT state_$k($call) FROM t WHERE i % 2 = h) AS s FROM generate_series(0, 1) h
UNION ALL
SELECT 2, (SELECT state_$k($call) FROM t);
-- the combine function called by the aggregate machinery (with its
-- expression), and through fmgr alone
CREATE AGGREGATE ex_combine_$k($stype) (SFUNC = $combine_name, STYPE = $stype);
CREATE FUNCTION nx_step_$k($stype, regprocedure, $stype) RETURNS $stype
    AS '$so', 'nx_step' LANGUAGE C;
CREATE AGGREGATE nx_combine_$k(regprocedure, $stype) (SFUNC = nx_step_$k, STYPE = $stype);
});
	my $same = $node->safe_psql('postgres', qq{
SELECT nx_combine_$k('$combine', s ORDER BY part)::text IS NOT DISTINCT FROM ex_combine_$k(s ORDER BY part)::text
       AND nx_combine_$k('$combine', s ORDER BY part) IS NOT NULL
FROM st_$k WHERE part < 2});
	is($same, 't', "$agg: its combine function without a call expression");
	next if $final eq '';
	# the final function through fmgr alone, of the combined halves and of
	# the whole table's state: as the same function called by the
	# aggregate machinery, and as the aggregate itself
	$node->safe_psql('postgres', qq{
CREATE FUNCTION nx_final_step_$k($rettype, regprocedure, $stype) RETURNS $rettype
    AS '$so', 'nx_step' LANGUAGE C;
CREATE AGGREGATE nx_final_$k(regprocedure, $stype) (SFUNC = nx_final_step_$k, STYPE = $rettype);
CREATE AGGREGATE ex_final_$k($stype) (SFUNC = $combine_name, STYPE = $stype, FINALFUNC = $final_name);
});
	my ($got, $stderr) = ('', '');
	$node->psql('postgres', qq{
SELECT (SELECT nx_final_$k('$final', c) FROM (SELECT ex_combine_$k(s ORDER BY part) AS c FROM st_$k WHERE part < 2) x)::text
           IS NOT DISTINCT FROM
       (SELECT ex_final_$k(s ORDER BY part) FROM st_$k WHERE part < 2)::text
       AND (SELECT nx_final_$k('$final', s) FROM st_$k WHERE part = 2)::text
           IS NOT DISTINCT FROM (SELECT risk.$name($call) FROM t)::text
       AND (SELECT nx_final_$k('$final', s) FROM st_$k WHERE part = 2) IS NOT NULL},
		stdout => \$got, stderr => \$stderr);
	is($got, 't', "$agg: its final function without a call expression")
	  or diag($stderr);
}

$node->stop;
done_testing();
