# docs/tutorial.md, run as a reader runs it: every ```sql block in order,
# each with `psql -X -v ON_ERROR_STOP=1` against a node with
# shared_preload_libraries = 'risk', in the database `bank`.
#
# The conventions of the page that this test relies on:
#
# - A ```sql block is run by psql from standard input, in a session of its
#   own (a block that needs setseed, BEGIN ... COMMIT or LISTEN keeps them
#   in the block).  One test per block: it fails on any ERROR.
# - A ```sql block followed by a ```text block, with only blank lines
#   between them, documents its output: the test compares what psql
#   printed with the text block.  The comparison is exact except for white
#   space at the end of a line (psql pads its header lines, editors strip
#   them) and blank lines at the end.
# - A line `<!-- wait: SQL -->` before a ```sql block (an HTML comment: a
#   reader does not see it) makes the test poll SQL until it returns true
#   before running the block, for results the background workers produce.
# - Blocks in any other language (```sh, ```ini, ``` ...) are not run.
#
# The page must have at least one ```sql block.
use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# The page: relative to the working directory (the top of the tree under
# `make installcheck`), else to this file.
my $page;
for my $candidate ('docs/tutorial.md',
	(defined $ENV{PWD} ? "$ENV{PWD}/docs/tutorial.md" : ()),
	dirname(abs_path(__FILE__)) . '/../../docs/tutorial.md')
{
	if (-f $candidate) { $page = $candidate; last; }
}
unless (defined $page)
{
	fail('docs/tutorial.md is there');
	done_testing();
	exit;
}

# The blocks of the page, in order: language, line of the opening fence,
# text, and for sql blocks the wait condition and the documented output
# (with the line of its fence).
sub read_blocks
{
	my ($file) = @_;
	open my $fh, '<', $file or die "cannot open $file: $!";
	my @lines = <$fh>;
	close $fh;
	my (@blocks, $pending_wait);
	my $i = 0;
	while ($i < @lines)
	{
		my $line = $lines[$i];
		if ($line =~ /^<!--\s*wait:\s*(.*?)\s*-->\s*$/)
		{
			$pending_wait = $1;
			$i++;
			next;
		}
		if ($line =~ /^```\s*([\w-]*)\s*$/)
		{
			my $lang = $1;
			my $start = $i + 1;
			my $text = '';
			$i++;
			while ($i < @lines && $lines[$i] !~ /^```\s*$/)
			{
				$text .= $lines[$i];
				$i++;
			}
			die "$file:$start: a ``` block is not closed\n" if $i >= @lines;
			$i++;
			push @blocks, { lang => $lang, line => $start, text => $text,
				wait => ($lang eq 'sql' ? $pending_wait : undef) };
			$pending_wait = undef;
			# a text block right after a sql block is its output
			my $j = $i;
			$j++ while $j < @lines && $lines[$j] =~ /^\s*$/;
			if ($lang eq 'sql' && $j < @lines && $lines[$j] =~ /^```text\s*$/)
			{
				my $out = '';
				$blocks[-1]{output_line} = $j + 1;
				$j++;
				while ($j < @lines && $lines[$j] !~ /^```\s*$/)
				{
					$out .= $lines[$j];
					$j++;
				}
				die "$file:$j: a ```text block is not closed\n" if $j >= @lines;
				$blocks[-1]{output} = $out;
				$i = $j + 1;
			}
			next;
		}
		$pending_wait = undef if $line !~ /^\s*$/;
		$i++;
	}
	return @blocks;
}

sub normalize
{
	my ($s) = @_;
	$s =~ s/[ \t]+$//mg;
	$s =~ s/\n+\z//;
	return $s;
}

my @sql = grep { $_->{lang} eq 'sql' } read_blocks($page);
unless (ok(scalar(@sql) > 0, "$page has sql blocks (" . scalar(@sql) . ')'))
{
	done_testing();
	exit;
}

my $node = PostgreSQL::Test::Cluster->new('tutorial');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'risk'
risk.naptime = '200ms'
});
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE bank');

my $psql = $node->installed_command('psql');
my $connstr = $node->connstr('bank');

for my $block (@sql)
{
	(my $first = $block->{text}) =~ s/\n.*//s;
	my $name = "tutorial.md line $block->{line}: $first";

	if (defined $block->{wait}
		&& !$node->poll_query_until('bank', $block->{wait}))
	{
		fail($name);
		diag("waited in vain for: $block->{wait}");
		next;
	}

	my ($out, $err) = ('', '');
	my $sqltext = $block->{text};
	my $rc = eval {
		IPC::Run::run([ $psql, '-X', '-v', 'ON_ERROR_STOP=1', '-d', $connstr ],
			'<', \$sqltext, '>', \$out, '2>', \$err,
			IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
		$?;
	};
	$err .= $@ unless defined $rc;
	ok(defined $rc && $rc == 0 && $err !~ /\b(ERROR|FATAL|PANIC):/, $name)
	  or diag('psql exit code ' . (defined $rc ? $rc >> 8 : 'none') . "\n$err");

	if (defined $block->{output})
	{
		is(normalize($out), normalize($block->{output}),
			"tutorial.md line $block->{output_line}: the output of $first");
	}
}

done_testing();
