# Upgrade, dump and restore:
#  - versions 0.1.0, 0.2.0, 0.2.1, 0.3.0, 0.3.1 and 0.3.2 upgraded to the current version have the same catalog
#    (every object of the extension, its definition, privileges and
#    comments) as a fresh install of the current version, and keeps the
#    data it had;
#  - pg_dump / pg_restore of a database that uses the extension keeps the
#    master scales, watched views, rules, classifications, alerts and
#    refresh history, and the workers pick the restored database up.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'risk'
max_worker_processes = 24
risk.naptime = '200ms'
});
$node->start;

my $current = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'risk'});

# Every object of the extension with what defines it, one line each.
my $snapshot = q{
WITH m AS (
    SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND x.extname = 'risk' AND d.deptype = 'e'
), lines AS (
    SELECT 'object ' || pg_describe_object(m.classid, m.objid, 0) || ' comment '
           || coalesce(obj_description(m.objid, m.classid::regclass::name), '-') AS l FROM m
    UNION ALL
    SELECT format('function %s kind %s vol %s strict %s par %s secdef %s config %s returns %s src %s bin %s acl %s',
                  p.oid::regprocedure, p.prokind, p.provolatile, p.proisstrict, p.proparallel,
                  p.prosecdef, p.proconfig, pg_get_function_result(p.oid), md5(p.prosrc),
                  p.probin, p.proacl)
    FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    UNION ALL
    SELECT format('aggregate %s %s', a.aggfnoid::regprocedure,
                  row(a.aggkind, a.aggnumdirectargs, a.aggtransfn, a.aggfinalfn, a.aggcombinefn,
                      a.aggserialfn, a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn,
                      a.aggmfinalfn, a.aggfinalextra, a.aggmfinalextra, a.aggfinalmodify,
                      a.aggmfinalmodify, a.aggtranstype::regtype, a.aggtransspace,
                      a.aggmtranstype::regtype, a.agginitval, a.aggminitval))
    FROM m JOIN pg_aggregate a ON m.classid = 'pg_proc'::regclass AND a.aggfnoid = m.objid
    UNION ALL
    SELECT format('relation %s kind %s rls %s/%s options %s acl %s', c.oid::regclass, c.relkind,
                  c.relrowsecurity, c.relforcerowsecurity, c.reloptions, c.relacl)
    FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    UNION ALL
    SELECT format('column %s.%s %s notnull %s default %s identity %s acl %s comment %s',
                  c.oid::regclass, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attacl,
                  col_description(c.oid, a.attnum))
    FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
    UNION ALL
    SELECT format('constraint %s.%s %s', co.conrelid::regclass, co.conname, pg_get_constraintdef(co.oid))
    FROM m JOIN pg_constraint co ON m.classid = 'pg_class'::regclass AND co.conrelid = m.objid
    UNION ALL
    SELECT format('index %s', pg_get_indexdef(i.indexrelid))
    FROM m JOIN pg_index i ON m.classid = 'pg_class'::regclass AND i.indrelid = m.objid
    UNION ALL
    SELECT format('trigger %s', pg_get_triggerdef(t.oid))
    FROM m JOIN pg_trigger t ON m.classid = 'pg_class'::regclass AND t.tgrelid = m.objid AND NOT t.tgisinternal
    UNION ALL
    SELECT format('policy %s.%s %s %s %s %s', po.polrelid::regclass, po.polname, po.polcmd,
                  po.polroles, pg_get_expr(po.polqual, po.polrelid), pg_get_expr(po.polwithcheck, po.polrelid))
    FROM m JOIN pg_policy po ON m.classid = 'pg_class'::regclass AND po.polrelid = m.objid
    UNION ALL
    SELECT format('view %s %s', c.oid::regclass, pg_get_viewdef(c.oid))
    FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid AND c.relkind = 'v'
    UNION ALL
    SELECT format('type %s %s %s', t.oid::regtype, t.typtype,
                  (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0))
    FROM m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    UNION ALL
    SELECT format('event trigger %s %s %s %s', e.evtname, e.evtevent, e.evtfoid::regproc, e.evttags)
    FROM m JOIN pg_event_trigger e ON m.classid = 'pg_event_trigger'::regclass AND e.oid = m.objid
    UNION ALL
    SELECT format('config %s %s', cfg::regclass, cond)
    FROM pg_extension x, unnest(x.extconfig, x.extcondition) u(cfg, cond) WHERE x.extname = 'risk'
    UNION ALL
    SELECT format('schema %s acl %s comment %s', n.nspname, n.nspacl, obj_description(n.oid, 'pg_namespace'))
    FROM pg_namespace n WHERE n.nspname IN ('risk', 'risk_internal')
)
SELECT l FROM lines ORDER BY l;
};

# --- upgrade from 0.1.0 ------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE upgraded');
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('upgraded', q{
CREATE EXTENSION risk VERSION '0.1.0';
INSERT INTO risk.master_scale VALUES ('two', 'A', 1, 0, 0.05), ('two', 'B', 2, 0.05, 1);
CREATE TABLE pd AS SELECT g / 100.0 AS pd FROM generate_series(1, 99) g;
});
is($node->safe_psql('upgraded', q{SELECT extversion FROM pg_extension WHERE extname = 'risk'}),
	'0.1.0', 'version 0.1.0 installs');
$node->safe_psql('upgraded', 'ALTER EXTENSION risk UPDATE');
is($node->safe_psql('upgraded', q{SELECT extversion FROM pg_extension WHERE extname = 'risk'}),
	$current, "and updates to $current");
$node->safe_psql('fresh', 'CREATE EXTENSION risk');

# The catalog of an upgraded database against the fresh install.
sub same_catalog
{
	my ($db, $what) = @_;
	my @up = split /\n/, $node->safe_psql($db, $snapshot);
	my @fr = split /\n/, $node->safe_psql('fresh', $snapshot);
	my %in_up = map { $_ => 1 } @up;
	my %in_fr = map { $_ => 1 } @fr;
	my @only_up = grep { !$in_fr{$_} } @up;
	my @only_fr = grep { !$in_up{$_} } @fr;
	ok(@fr > 500, "$what: the catalog snapshot covers the extension (" . scalar(@fr) . ' lines)');
	is(scalar(@only_up) + scalar(@only_fr), 0, "$what: upgraded catalog = fresh catalog")
		or diag("only after upgrade:\n  " . join("\n  ", @only_up[0 .. ($#only_up < 20 ? $#only_up : 20)])
			. "\nonly in a fresh install:\n  " . join("\n  ", @only_fr[0 .. ($#only_fr < 20 ? $#only_fr : 20)]));
}
same_catalog('upgraded', 'from 0.1.0');
is($node->safe_psql('upgraded', q{SELECT string_agg(grade, ',' ORDER BY grade_order) FROM risk.master_scale WHERE scale = 'two'}),
	'A,B', 'the upgrade keeps the data');
is($node->safe_psql('upgraded', q{SELECT count(DISTINCT risk.grade(pd, 'two')) FROM pd}), '2',
	'and the functions of 0.1.0 work on it');
wait_for_scheduler('upgraded');

# --- upgrade from 0.2.0 ------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE from020');
$node->safe_psql('from020', q{CREATE EXTENSION risk VERSION '0.2.0'});
$node->safe_psql('from020', 'ALTER EXTENSION risk UPDATE');
is($node->safe_psql('from020', q{SELECT extversion FROM pg_extension WHERE extname = 'risk'}),
	$current, "0.2.0 updates to $current");
same_catalog('from020', 'from 0.2.0');
$node->safe_psql('postgres', 'DROP DATABASE from020');

# --- upgrade from 0.2.1 ------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE from021');
$node->safe_psql('from021', q{CREATE EXTENSION risk VERSION '0.2.1'});
$node->safe_psql('from021', 'ALTER EXTENSION risk UPDATE');
is($node->safe_psql('from021', q{SELECT extversion FROM pg_extension WHERE extname = 'risk'}),
	$current, "0.2.1 updates to $current");
same_catalog('from021', 'from 0.2.1');
$node->safe_psql('postgres', 'DROP DATABASE from021');

# --- upgrade from 0.3.0 ------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE from030');
$node->safe_psql('from030', q{CREATE EXTENSION risk VERSION '0.3.0'});
$node->safe_psql('from030', 'ALTER EXTENSION risk UPDATE');
is($node->safe_psql('from030', q{SELECT extversion FROM pg_extension WHERE extname = 'risk'}),
	$current, "0.3.0 updates to $current");
same_catalog('from030', 'from 0.3.0');
$node->safe_psql('postgres', 'DROP DATABASE from030');

# --- upgrade from 0.3.1 ------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE from031');
$node->safe_psql('from031', q{CREATE EXTENSION risk VERSION '0.3.1'});
$node->safe_psql('from031', 'ALTER EXTENSION risk UPDATE');
is($node->safe_psql('from031', q{SELECT extversion FROM pg_extension WHERE extname = 'risk'}),
	$current, "0.3.1 updates to $current");
same_catalog('from031', 'from 0.3.1');
$node->safe_psql('postgres', 'DROP DATABASE from031');

# --- upgrade from 0.3.2 ------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE from032');
$node->safe_psql('from032', q{CREATE EXTENSION risk VERSION '0.3.2'});
$node->safe_psql('from032', 'ALTER EXTENSION risk UPDATE');
is($node->safe_psql('from032', q{SELECT extversion FROM pg_extension WHERE extname = 'risk'}),
	$current, "0.3.2 updates to $current");
same_catalog('from032', 'from 0.3.2');
$node->safe_psql('postgres', 'DROP DATABASE from032');

sub wait_for_scheduler
{
	my ($db) = @_;
	ok($node->poll_query_until('postgres', qq{SELECT count(*) = 1 FROM pg_stat_activity
	                                          WHERE backend_type = 'risk scheduler' AND datname = '$db'}),
		"a scheduler runs for database $db");
}

# --- dump and restore ---------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE bank');
$node->safe_psql('bank', q{
CREATE EXTENSION risk;
INSERT INTO risk.master_scale VALUES ('two', 'A', 1, 0, 0.05), ('two', 'B', 2, 0.05, 1);
CREATE TABLE loans (customer int PRIMARY KEY, name text, lim float8, drawn float8);
INSERT INTO loans VALUES (1, 'Ann', 100, 50), (2, 'Bob', 100, 95), (3, 'Cy', 100, 99);
CREATE MATERIALIZED VIEW util AS SELECT customer, drawn / lim AS utilisation FROM loans;
CREATE UNIQUE INDEX ON util (customer);
SELECT risk.watch('util', '1 second');
SELECT risk.add_rule('util', 'utilisation', '>', 0.9, 'critical', 'cut the limit', '{customer}');
SELECT risk.classify('loans', 'name', 'restricted');
SELECT risk.classify('loans', 'drawn', 'confidential');
CREATE ROLE analyst;
SELECT risk.grant_access('loans', 'analyst', 'internal');
});
wait_for_scheduler('bank');
ok($node->poll_query_until('bank', q{SELECT count(*) = 2 FROM risk.open_alerts}), 'alerts are open');
$node->safe_psql('bank', q{UPDATE loans SET drawn = 10 WHERE customer = 2});
ok($node->poll_query_until('bank', q{SELECT count(*) = 1 FROM risk.alerts WHERE status = 'resolved'}),
	'one is resolved');
$node->safe_psql('bank', q{SELECT risk.pause('util')});

my $state = q{
SELECT (SELECT string_agg(format('%s/%s/%s/%s', scale, grade, pd_lower, pd_upper), ' ' ORDER BY scale, grade_order) FROM risk.master_scale)
    || ' | ' || (SELECT string_agg(format('%s/%s/%s', view, every, paused), ' ') FROM risk.watched)
    || ' | ' || (SELECT string_agg(format('%s/%s/%s/%s/%s', view, rule_name, op, threshold, key_columns), ' ') FROM risk.rules)
    || ' | ' || (SELECT string_agg(format('%s/%s/%s/%s', tab, col, level, mask), ' ' ORDER BY col) FROM risk.classification)
    || ' | ' || (SELECT string_agg(format('%s/%s/%s/%s/%s', id, key, status, value, opened_at), ' ' ORDER BY id) FROM risk.alerts)
    || ' | ' || (SELECT count(*) || '/' || max(id) FROM risk.refresh_history)
    || ' | ' || (SELECT md5(secret) FROM risk.masking_key)
};
my $before = $node->safe_psql('bank', $state);
my $dump = $node->basedir . '/bank.dump';
$node->command_ok(['pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('bank')], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok(['pg_restore', '-d', $node->connstr('restored'), $dump], 'pg_restore');
is($node->safe_psql('restored', $state), $before,
	'scales, watched views, rules, classifications, alerts, history and the masking key survive');
is($node->safe_psql('restored', q{SELECT count(*) FROM util}), '3', 'the watched view is restored populated');

wait_for_scheduler('restored');
$node->safe_psql('restored', q{SELECT risk.resume('util'); UPDATE loans SET drawn = 97 WHERE customer = 1});
ok($node->poll_query_until('restored', q{SELECT count(*) = 2 FROM risk.open_alerts}),
	'the workers pick the restored database up and raise alerts there');
is($node->safe_psql('restored', q{SELECT count(*) FROM risk.alerts}), '3',
	'the open alert restored is updated, not duplicated, and new ids follow the restored ones');
is($node->safe_psql('restored', q{SELECT min(id) > 2 FROM risk.alerts WHERE key = '{"customer": 1}'}), 't',
	'(the new alert has a fresh id)');
is($node->safe_psql('restored', q{SET ROLE analyst; SELECT bool_and(name LIKE 'p%' AND length(name) = 17) FROM loans_internal}),
	't', 'the masked view is restored and still masks');

$node->stop;
done_testing();
