// Reference marginals and posteriors of larger Bayesian networks (50 and 60
// nodes, too many for enumeration) from an independent exact
// implementation: dlib's join tree (Debian package libdlib-dev).  Built and
// run by bn_dlib_reference.sh, which writes bn_large_nodes.csv and
// bn_large_queries.csv for sql/bn.sql.
//
// Each network: node i (n0, n1, ...) has 2 or 3 states s0.., 1 to 3
// parents among the 8 nodes before it (connected, as dlib's join tree
// needs; a band keeps the join tree small),
// CPT rows of uniforms in [0.05, 1.05) normalized; a seeded generator of
// our own (splitmix64), so the networks do not depend on the C++ library's
// distributions.  CSV layout as bn_reference.py's: the CPT lists, for each
// configuration of the parents (the first parent slowest), the
// probabilities of the node's states.
#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include <dlib/bayes_utils.h>
#include <dlib/directed_graph.h>
#include <dlib/graph.h>
#include <dlib/graph_utils.h>

using namespace dlib;
using namespace bayes_node_utils;

static uint64_t rng_state;
static double
uniform()
{
	uint64_t	z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return (z >> 11) * (1.0 / 9007199254740992.0);
}

struct Node
{
	int			card;
	std::vector<int> parents;
	std::vector<double> cpt;
};

typedef dlib::set<unsigned long>::compare_1b_c set_type;
typedef graph<set_type, set_type>::kernel_1a_c join_tree_type;

static void
marginals(directed_graph<bayes_node>::kernel_1a_c &bn, const std::vector<Node> &net, int net_id,
		  int &qid, const char *kind, const std::string &evidence, const std::vector<int> &targets,
		  FILE *out)
{
	join_tree_type join_tree;

	create_moral_graph(bn, join_tree);
	create_join_tree(join_tree, join_tree);
	bayesian_network_join_tree solution(bn, join_tree);
	for (int t : targets)
	{
		qid++;
		for (int s = 0; s < net[t].card; s++)
			fprintf(out, "%d,%d,%s,n%d,%s,,s%d,%.17g,\n", net_id, qid, kind, t, evidence.c_str(), s,
					solution.probability(t)(s));
	}
}

int
main(int argc, char **argv)
{
	FILE	   *nodes = fopen(argc > 1 ? argv[1] : "bn_large_nodes.csv", "w");
	FILE	   *queries = fopen(argc > 2 ? argv[2] : "bn_large_queries.csv", "w");
	const int	sizes[2] = {50, 60};

	fprintf(nodes, "net_id,node,states,parents,cpt\n");
	fprintf(queries, "net_id,query_id,kind,target,evidence,intervention,state,probability,p_evidence\n");
	for (int k = 0; k < 2; k++)
	{
		int			n = sizes[k],
					net_id = 101 + k,
					qid = 0;
		std::vector<Node> net(n);
		directed_graph<bayes_node>::kernel_1a_c bn;

		rng_state = 20261203 + k;
		for (int i = 0; i < n; i++)
		{
			net[i].card = uniform() < 0.6 ? 2 : 3;
			int			np = i == 0 ? 0 : 1 + (int) (uniform() * 3);

			for (int j = 0; j < np; j++)
			{
				int			p = i - 1 - (int) (uniform() * (i < 8 ? i : 8));
				bool		seen = false;

				for (int q : net[i].parents)
					seen |= q == p;
				if (!seen)
					net[i].parents.push_back(p);
			}
			long		rows = 1;

			for (int p : net[i].parents)
				rows *= net[p].card;
			for (long r = 0; r < rows; r++)
			{
				std::vector<double> row(net[i].card);
				double		sum = 0;

				for (auto &x : row)
					sum += (x = 0.05 + uniform());
				for (auto &x : row)
					net[i].cpt.push_back(x / sum);
			}
		}
		// the network for dlib
		bn.set_number_of_nodes(n);
		for (int i = 0; i < n; i++)
			for (int p : net[i].parents)
				bn.add_edge(p, i);
		for (int i = 0; i < n; i++)
			set_node_num_values(bn, i, net[i].card);
		for (int i = 0; i < n; i++)
		{
			long		rows = net[i].cpt.size() / net[i].card;

			for (long r = 0; r < rows; r++)
			{
				assignment	a;
				long		rest = r;

				for (int j = (int) net[i].parents.size() - 1; j >= 0; j--)
				{
					int			p = net[i].parents[j];

					a.add(p, rest % net[p].card);
					rest /= net[p].card;
				}
				for (int s = 0; s < net[i].card; s++)
					set_node_probability(bn, i, s, a, net[i].cpt[r * net[i].card + s]);
			}
		}
		// the CSV of the nodes
		for (int i = 0; i < n; i++)
		{
			fprintf(nodes, "%d,n%d,\"{", net_id, i);
			for (int s = 0; s < net[i].card; s++)
				fprintf(nodes, "%ss%d", s ? "," : "", s);
			fprintf(nodes, "}\",\"{");
			for (size_t j = 0; j < net[i].parents.size(); j++)
				fprintf(nodes, "%sn%d", j ? "," : "", net[i].parents[j]);
			fprintf(nodes, "}\",\"{");
			for (size_t c = 0; c < net[i].cpt.size(); c++)
				fprintf(nodes, "%s%.17g", c ? "," : "", net[i].cpt[c]);
			fprintf(nodes, "}\"\n");
		}
		// every marginal
		std::vector<int> all(n);

		for (int i = 0; i < n; i++)
			all[i] = i;
		marginals(bn, net, net_id, qid, "marginal", "", all, queries);
		// posteriors of every unobserved node under three evidence sets
		const int	ev_nodes[3][3] = {{n - 1, -1, -1}, {n - 1, n / 2, -1}, {n - 3, n / 3, 5}};

		for (int e = 0; e < 3; e++)
		{
			std::string ev;
			std::vector<int> targets;

			for (int j = 0; j < 3; j++)
				if (ev_nodes[e][j] >= 0)
				{
					set_node_value(bn, ev_nodes[e][j], 0);
					set_node_as_evidence(bn, ev_nodes[e][j]);
					ev += (ev.empty() ? "" : ";") + std::string("n") + std::to_string(ev_nodes[e][j]) + "=s0";
				}
			for (int i = 0; i < n; i++)
				if (!node_is_evidence(bn, i))
					targets.push_back(i);
			marginals(bn, net, net_id, qid, "posterior", ev, targets, queries);
			for (int i = 0; i < n; i++)
				set_node_as_nonevidence(bn, i);
		}
	}
	fclose(nodes);
	fclose(queries);
	return 0;
}
