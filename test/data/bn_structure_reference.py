#!/usr/bin/python3
# bn_structure_reference.py
#   Reference values of Bayesian network STRUCTURE learning (bn area):
#   family scores (BIC, BDeu, K2) of given DAGs and the DAGs found by a
#   greedy hill climbing, from scratch with NumPy/SciPy (no Bayesian network
#   library).  Run with Debian's interpreter:
#   cd test/data && /usr/bin/python3 bn_structure_reference.py
#   It writes next to itself, whatever the working directory, the same
#   bytes on every run (fixed seeds), and prints a summary.  It imports
#   write_csv and arr_lit from bn_reference.py (which runs nothing when
#   imported).
#
#   Data sets
#     asia    bn_events.csv (written by bn_reference.py): 2000 events of
#             asia,tub,smoke,lung,bronc,either,xray,dysp; empty cell = not
#             observed.  Node order and state indices from bn_asia_nodes.csv
#             (node = row order, state = position in its states list).
#     random  bn_random_events.csv (written here): 3000 events sampled with
#             numpy default_rng from the network in bn_random_structure.csv
#             (written here, node,states,parents,cpt as bn_asia_nodes.csv:
#             states and parents text[] literals, parents in node order, cpt
#             a float8[] literal, the FIRST parent varying slowest, values
#             by repr).  10 nodes n1..n10, states s0..s{r-1} with r drawn in
#             2..4, 15 edges (1.5 parents per node on average, at most 3),
#             CPT rows Dirichlet(0.5, ..., 0.5); then each cell is made
#             missing (empty) with probability 0.01.  Header = node names.
#
#   Family scores (higher is better) of node v with parent set P: the counts
#   n_jk (j = configuration of P, k = state of v) are taken over the events
#   that observe v AND every parent in P (an event with a missing value in
#   the family is left out of that family only); r = card(v), q = product of
#   card(p), p in P (1 without parents), n_j = sum_k n_jk, N = sum_j n_j.
#     bic   sum_jk n_jk ln(n_jk / n_j) (0 ln 0 = 0) - 1/2 ln(N) (r - 1) q
#           (no penalty when N = 0)
#     bdeu  sum_j [lnG(ess/q) - lnG(ess/q + n_j)
#                  + sum_k (lnG(ess/(r q) + n_jk) - lnG(ess/(r q)))]
#     k2    sum_j [lnG(r) - lnG(r + n_j) + sum_k lnG(1 + n_jk)]
#   lnG = scipy.special.gammaln.  The score of a network is the sum of its
#   family scores, added in node order.  The counts of a family are always
#   computed from the raw events (never updated incrementally); the hill
#   climbing only memoises the score of a (node, parent set) pair.
#   Checks: every BIC family of bn_scores.csv is recomputed a second way
#   (counts by a Python dict over the events, the maximised log-likelihood
#   as the sum over events of ln theta_hat(state | configuration), the
#   number of free parameters by enumerating the configurations); BDeu
#   (ess 1 and 10) and K2 of several families are recomputed as the
#   Dirichlet-multinomial marginal likelihood in sequential (Polya urn) form,
#   prod over events of (alpha_jk + c_jk) / (alpha_j + c_j), c = counts of
#   the earlier events, in exact rational arithmetic; and BIC and BDeu give
#   equal scores to two Markov-equivalent DAGs on the complete events.
#
#   Hill climbing (reproduced exactly by the SQL function): nodes indexed in
#   the data's column order; a graph is the parent sets.  Options: score,
#   ess (bdeu), max_parents (default unlimited), whitelist (edges that must
#   be present), blacklist (edges that must not be), start (edges of the
#   starting DAG, default none), max_iterations (default unlimited).
#   The start graph is start U whitelist.  One iteration:
#     score = sum of the family scores of the current graph, in node order;
#     tol = 1e-9 * max(1, |score|);
#     for u in 0..n-1, for v in 0..n-1, u != v:
#       if u->v is in the graph:
#         (a) delete u->v: valid unless u->v is whitelisted;
#             delta = local(v, P_v \ {u}) - local(v, P_v)
#         (b) reverse u->v: valid if v->u is not blacklisted, u->v is not
#             whitelisted, |P_u| + 1 <= max_parents, and there is no
#             directed path from u to v other than the edge u->v itself;
#             delta = [local(v, P_v \ {u}) - local(v, P_v)]
#                   + [local(u, P_u U {v}) - local(u, P_u)]
#       else if v->u is not in the graph:
#         (c) add u->v: valid if u->v is not blacklisted,
#             |P_v| + 1 <= max_parents, and there is no directed path from
#             v to u; delta = local(v, P_v U {u}) - local(v, P_v)
#       (when v->u is in the graph the pair gives nothing: it is (v, u)).
#     Visited in that order (for one pair, delete before reverse), an
#     operation becomes the best if (there is no best yet and delta > tol)
#     or delta > best_delta + tol: a later operation must beat the best by
#     more than tol, so near ties go to the first one visited.
#   The best operation, if any, is applied and the loop goes on; it stops
#   when there is none or after max_iterations applied operations.
#   Asserted afterwards by brute force (each candidate graph rescored as a
#   whole, from scratch, acyclicity checked by a topological sort rather
#   than by paths): no valid single add, delete or reverse improves the
#   final score by more than tol (except for a run stopped by
#   max_iterations, which is asserted to be the first steps of the
#   unlimited run); the final score equals the from-scratch sum.  Also
#   asserted: every comparison of a delta with its threshold (tol, or
#   best_delta + tol) is decided by more than 1e-6, so float differences
#   of another implementation (lgamma, order of sums: ~1e-12 here) cannot
#   change the path.
#   The search runs on the complete events only (those that observe every
#   node), as the SQL function's does: with missing values, families scored
#   over the events each observes (available cases) compare structures on
#   different events, so a parent that is itself missing now and then
#   removes events from its child's family and raises that family's
#   log-likelihood; on bn_events.csv (5% missing) that rule would make BIC
#   learn about 20 edges, where the 1326 complete events give 7 (the true
#   skeleton less asia-tub).  bn_scores.csv keeps the available-case rule:
#   it is the score of a network's counts as risk.bn_fit learns them.
#
#   Output files
#   bn_scores.csv      data,structure_id,edges,score,ess,value
#     data 'asia' or 'random'; edges 'parent>child;...' sorted by (parent
#     name, child name), '' for the empty graph.  asia: 1 = empty, 2 = the
#     true ASIA structure, 3..6 = seeded random DAGs (5 and 6 have a node
#     with 3 or more parents); random: 1 = empty, 2 = the true structure,
#     3..4 = seeded random DAGs.  score bic | bdeu | k2; ess 1 or 10 for
#     bdeu, empty otherwise; value = network score by repr (shortest text
#     that reads back as the same double).
#   bn_structures.csv  data,config_id,options,start,node,parents,score,iterations
#     one row per node of each learnt network.  options = the JSON object as
#     the SQL function receives it (compact, keys in this order and only
#     when not at their default): "score" ("bic"|"bdeu"|"k2"), "ess" (bdeu
#     only), "max_parents", "whitelist" and "blacklist" (arrays of
#     [parent, child] name pairs), "max_iterations".  start = the starting
#     DAG's edges as in bn_scores.csv ('' = none).  parents = text[] literal
#     of the learnt parents in node order; score = final network score
#     (repr), on the complete events the search used; iterations =
#     operations applied.
#     asia configs: 1 bic; 2 bdeu ess 1; 3 bdeu ess 10; 4 k2; 5 bic with
#     max_parents 1; 6 bic, blacklisting the first two edges (sorted as
#     above) that config 1 learnt, in their learnt direction, and
#     whitelisting one pair config 1 left unconnected (asia->tub if so,
#     else the first such pair of the true structure, else the first pair);
#     7 bic starting from the true ASIA structure; 8 bic, max_iterations 3.
#     random configs: 1 bic; 2 bdeu ess 10; 3 k2 with max_parents 2.
import csv
import itertools
import json
import math
import os
from fractions import Fraction

import numpy as np
from scipy.special import gammaln

from bn_reference import arr_lit, write_csv

HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------
# Reading files

def parse_lit(text):
    """'{a,b}' -> ['a', 'b'] (unquoted text[] / float8[] literals only)."""
    assert text[0] == "{" and text[-1] == "}" and '"' not in text
    body = text[1:-1]
    return body.split(",") if body else []


def read_nodes(name):
    with open(os.path.join(HERE, name), newline="") as f:
        rows = list(csv.DictReader(f))
    names = [r["node"] for r in rows]
    states = [parse_lit(r["states"]) for r in rows]
    parents = [[names.index(p) for p in parse_lit(r["parents"])] for r in rows]
    return names, states, parents


def read_events(name, names, states):
    with open(os.path.join(HERE, name), newline="") as f:
        rd = csv.reader(f)
        assert next(rd) == names
        data = [[-1 if cell == "" else states[i].index(cell) for i, cell in enumerate(row)]
                for row in rd]
    return np.array(data, dtype=np.int64)


# --------------------------------------------------------------------------
# Graph helpers.  A graph is a list of parent sets (sets of node indices).

def edges_of(pa):
    return [(u, v) for v in range(len(pa)) for u in sorted(pa[v])]


def edge_text(names, edges):
    return ";".join("%s>%s" % e for e in sorted((names[u], names[v]) for u, v in edges))


def graph_of(n, edges):
    pa = [set() for _ in range(n)]
    for u, v in edges:
        pa[v].add(u)
    return pa


def has_path(pa, a, b, skip=None):
    """Directed path a -> ... -> b, not using the edge `skip`."""
    n = len(pa)
    children = [[c for c in range(n) if x in pa[c] and (x, c) != skip] for x in range(n)]
    seen, stack = {a}, [a]
    while stack:
        x = stack.pop()
        for c in children[x]:
            if c == b:
                return True
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return False


def acyclic(pa):
    """Kahn's topological sort (independent of has_path)."""
    n = len(pa)
    indeg = [len(pa[v]) for v in range(n)]
    ready = [v for v in range(n) if indeg[v] == 0]
    done = 0
    while ready:
        x = ready.pop()
        done += 1
        for c in range(n):
            if x in pa[c]:
                indeg[c] -= 1
                if indeg[c] == 0:
                    ready.append(c)
    return done == n


# --------------------------------------------------------------------------
# Scores

def family_counts(data, card, v, P):
    """q x r counts over the events observing v and all of P; the
    configuration index is mixed radix over P in the given order."""
    P = list(P)
    r = card[v]
    q = 1
    for p in P:
        q *= card[p]
    cols = P + [v]
    sub = data[(data[:, cols] >= 0).all(axis=1)]
    j = np.zeros(len(sub), dtype=np.int64)
    for p in P:
        j = j * card[p] + sub[:, p]
    counts = np.bincount(j * r + sub[:, v], minlength=q * r).reshape(q, r)
    return counts, q, r


def local_score(data, card, v, P, kind, ess=None):
    counts, q, r = family_counts(data, card, v, sorted(P))
    s = 0.0
    if kind == "bic":
        N = 0
        for j in range(q):
            nj = int(counts[j].sum())
            N += nj
            for k in range(r):
                c = int(counts[j, k])
                if c > 0:
                    s += c * math.log(c / nj)
        if N > 0:
            s -= 0.5 * math.log(N) * ((r - 1) * q)
    elif kind == "bdeu":
        aj, ajk = ess / q, ess / (r * q)
        for j in range(q):
            nj = int(counts[j].sum())
            if nj == 0:
                continue                        # contributes exactly 0
            t = gammaln(aj) - gammaln(aj + nj)
            for k in range(r):
                t += gammaln(ajk + int(counts[j, k])) - gammaln(ajk)
            s += float(t)
    elif kind == "k2":
        for j in range(q):
            nj = int(counts[j].sum())
            if nj == 0:
                continue
            t = gammaln(r) - gammaln(r + nj)
            for k in range(r):
                t += gammaln(1 + int(counts[j, k]))
            s += float(t)
    else:
        raise ValueError(kind)
    return s


def network_score(data, card, pa, kind, ess=None, local=None):
    if local is None:
        local = lambda v, P: local_score(data, card, v, P, kind, ess)
    total = 0.0
    for v in range(len(pa)):
        total += local(v, tuple(sorted(pa[v])))
    return total


# ----- second computations (sanity checks of the score code) ---------------

def bic_second_way(data, card, v, P):
    P = sorted(P)
    counts = {}
    events = []
    for row in data.tolist():
        if row[v] < 0 or any(row[p] < 0 for p in P):
            continue
        cfg = tuple(row[p] for p in P)
        events.append((cfg, row[v]))
        counts[(cfg, row[v])] = counts.get((cfg, row[v]), 0) + 1
    totals = {}
    for (cfg, _), c in counts.items():
        totals[cfg] = totals.get(cfg, 0) + c
    ll = math.fsum(math.log(counts[(cfg, x)] / totals[cfg]) for cfg, x in events)
    n_cfg = len(list(itertools.product(*[range(card[p]) for p in P])))
    free = n_cfg * card[v] - n_cfg
    N = len(events)
    return ll - (free / 2.0 * math.log(N) if N else 0.0)


def dm_marginal_log(data, card, v, P, a_j, a_jk):
    """ln of the Dirichlet-multinomial marginal likelihood in sequential form,
    exact rationals: prod over events (a_jk + c_jk) / (a_j + c_j)."""
    P = sorted(P)
    c, cj = {}, {}
    num, den = 1, 1
    for row in data.tolist():
        if row[v] < 0 or any(row[p] < 0 for p in P):
            continue
        cfg = tuple(row[p] for p in P)
        t = (a_jk + c.get((cfg, row[v]), 0)) / (a_j + cj.get(cfg, 0))
        num *= t.numerator
        den *= t.denominator
        c[(cfg, row[v])] = c.get((cfg, row[v]), 0) + 1
        cj[cfg] = cj.get(cfg, 0) + 1
    return math.log(num) - math.log(den)


def check_dm(data, card, v, P):
    q = 1
    for p in P:
        q *= card[p]
    r = card[v]
    worst = 0.0
    for kind, ess, a_j, a_jk in [("bdeu", 1, Fraction(1, q), Fraction(1, q * r)),
                                 ("bdeu", 10, Fraction(10, q), Fraction(10, q * r)),
                                 ("k2", None, Fraction(r), Fraction(1))]:
        a = local_score(data, card, v, P, kind, ess)
        b = dm_marginal_log(data, card, v, P, a_j, a_jk)
        assert abs(a - b) <= 1e-10 * max(1.0, abs(b)), (kind, ess, v, P, a, b)
        worst = max(worst, abs(a - b) / max(1.0, abs(b)))
    return worst


# --------------------------------------------------------------------------
# Hill climbing

def hill_climb(data, card, kind, ess=None, max_parents=None, whitelist=(), blacklist=(),
               start=(), max_iterations=None):
    n = len(card)
    mp = n if max_parents is None else max_parents
    WL, BL = set(whitelist), set(blacklist)
    assert not WL & BL
    pa = graph_of(n, list(start) + list(whitelist))
    assert acyclic(pa)
    cache = {}

    def L(v, S):
        key = (v, tuple(sorted(S)))
        if key not in cache:
            cache[key] = local_score(data, card, v, key[1], kind, ess)
        return cache[key]

    def total():
        t = 0.0
        for v in range(n):
            t += L(v, pa[v])
        return t

    it, path = 0, []
    margin = math.inf                   # closest approach of a delta to its threshold
    while max_iterations is None or it < max_iterations:
        tol = 1e-9 * max(1.0, abs(total()))
        best, best_delta = None, None

        def consider(op, d):
            nonlocal best, best_delta, margin
            margin = min(margin, abs(d - (tol if best is None else best_delta + tol)))
            if (best is None and d > tol) or (best is not None and d > best_delta + tol):
                best, best_delta = op, d

        for u in range(n):
            for v in range(n):
                if u == v:
                    continue
                if u in pa[v]:
                    dv = L(v, pa[v] - {u}) - L(v, pa[v])
                    if (u, v) not in WL:
                        consider(("delete", u, v), dv)
                    if ((v, u) not in BL and (u, v) not in WL and len(pa[u]) + 1 <= mp
                            and not has_path(pa, u, v, skip=(u, v))):
                        consider(("reverse", u, v), dv + (L(u, pa[u] | {v}) - L(u, pa[u])))
                elif v not in pa[u]:
                    if (u, v) not in BL and len(pa[v]) + 1 <= mp and not has_path(pa, v, u):
                        consider(("add", u, v), L(v, pa[v] | {u}) - L(v, pa[v]))
        if best is None:
            break
        op, u, v = best
        if op == "delete":
            pa[v].discard(u)
        elif op == "reverse":
            pa[v].discard(u)
            pa[u].add(v)
        else:
            pa[v].add(u)
        assert acyclic(pa)
        it += 1
        path.append(best)
    return pa, total(), it, path, margin


def single_moves(pa, mp, WL, BL):
    """All valid single operations, validity by acyclicity of the result."""
    n = len(pa)
    out = []
    for u in range(n):
        for v in range(n):
            if u == v:
                continue
            if u in pa[v]:
                if (u, v) not in WL:
                    g = [set(s) for s in pa]
                    g[v].discard(u)
                    out.append((("delete", u, v), g))
                    if (v, u) not in BL and len(pa[u]) + 1 <= mp:
                        g = [set(s) for s in pa]
                        g[v].discard(u)
                        g[u].add(v)
                        if acyclic(g):
                            out.append((("reverse", u, v), g))
            elif v not in pa[u] and (u, v) not in BL and len(pa[v]) + 1 <= mp:
                g = [set(s) for s in pa]
                g[v].add(u)
                if acyclic(g):
                    out.append((("add", u, v), g))
    return out


def check_local_optimum(data, card, pa, score, kind, ess, max_parents, whitelist, blacklist):
    n = len(card)
    mp = n if max_parents is None else max_parents
    scratch = network_score(data, card, pa, kind, ess)
    assert scratch == score, (scratch, score)
    tol = 1e-9 * max(1.0, abs(score))
    best_gain = -math.inf
    moves = single_moves(pa, mp, set(whitelist), set(blacklist))
    for op, g in moves:
        gain = network_score(data, card, g, kind, ess) - score
        assert gain <= tol, (op, gain, tol)
        best_gain = max(best_gain, gain)
    return len(moves), best_gain


# --------------------------------------------------------------------------
# Random networks and DAGs

def random_dag(n, rng, p_edge, hub_parents=0):
    order = [int(x) for x in rng.permutation(n)]
    edges = set()
    for a in range(n):
        for b in range(a + 1, n):
            if rng.random() < p_edge:
                edges.add((order[a], order[b]))
    if hub_parents:
        child = order[-1]
        for k in rng.choice(n - 1, size=hub_parents, replace=False):
            edges.add((order[int(k)], child))
    pa = graph_of(n, edges)
    assert acyclic(pa)
    return pa


def make_random_network(rng, n=10, n_edges=15, max_par=3, conc=0.5):
    card = [int(c) for c in rng.integers(2, 5, size=n)]
    order = [int(x) for x in rng.permutation(n)]
    pa = [set() for _ in range(n)]
    count = 0
    while count < n_edges:
        a, b = sorted(int(x) for x in rng.choice(n, size=2, replace=False))
        u, v = order[a], order[b]                # u before v in the causal order
        if u not in pa[v] and len(pa[v]) < max_par:
            pa[v].add(u)
            count += 1
    cpt = []
    for v in range(n):
        q = 1
        for p in sorted(pa[v]):
            q *= card[p]
        t = rng.dirichlet(np.full(card[v], conc), size=q)
        cpt.append([float(x) for x in t.ravel()])
    return card, pa, cpt, order


def sample_events(rng, card, pa, cpt, order, n_events, p_missing):
    n = len(card)
    data = np.zeros((n_events, n), dtype=np.int64)
    for e in range(n_events):
        for v in order:
            j = 0
            for p in sorted(pa[v]):
                j = j * card[p] + int(data[e, p])
            row = cpt[v][j * card[v]:(j + 1) * card[v]]
            data[e, v] = int(rng.choice(card[v], p=row))
    miss = rng.random(data.shape) < p_missing
    data[miss] = -1
    return data


# --------------------------------------------------------------------------

SCORES = [("bic", None), ("bdeu", 1), ("bdeu", 10), ("k2", None)]


def options_json(kind, ess=None, max_parents=None, whitelist=(), blacklist=(),
                 max_iterations=None, names=None):
    o = {"score": kind}
    if ess is not None:
        o["ess"] = ess
    if max_parents is not None:
        o["max_parents"] = max_parents
    if whitelist:
        o["whitelist"] = [[names[u], names[v]] for u, v in whitelist]
    if blacklist:
        o["blacklist"] = [[names[u], names[v]] for u, v in blacklist]
    if max_iterations is not None:
        o["max_iterations"] = max_iterations
    return json.dumps(o, separators=(",", ":"))


def score_rows(tag, names, data, card, structures, bic_checked):
    rows = []
    for sid, pa in enumerate(structures, start=1):
        for v in range(len(pa)):
            key = (v, tuple(sorted(pa[v])))
            if key not in bic_checked:
                a = local_score(data, card, v, key[1], "bic")
                b = bic_second_way(data, card, v, key[1])
                assert abs(a - b) <= 1e-10 * max(1.0, abs(b)), (tag, key, a, b)
                bic_checked[key] = abs(a - b) / max(1.0, abs(b))
        for kind, ess in SCORES:
            val = network_score(data, card, pa, kind, ess)
            rows.append([tag, sid, edge_text(names, edges_of(pa)), kind,
                         "" if ess is None else ess, repr(val)])
    return rows


def skeleton(pa):
    return {frozenset(e) for e in edges_of(pa)}


def main():
    out = []

    # ----- data ----------------------------------------------------------
    a_names, a_states, a_true = read_nodes("bn_asia_nodes.csv")
    a_card = [len(s) for s in a_states]
    a_data = read_events("bn_events.csv", a_names, a_states)
    a_true = [set(p) for p in a_true]

    rng = np.random.default_rng(20261210)
    r_card, r_true, r_cpt, r_order = make_random_network(rng)
    r_names = ["n%d" % (i + 1) for i in range(len(r_card))]
    r_states = [["s%d" % s for s in range(c)] for c in r_card]
    r_data = sample_events(rng, r_card, r_true, r_cpt, r_order, 3000, 0.01)
    write_csv("bn_random_structure.csv", ["node", "states", "parents", "cpt"],
              [[r_names[v], arr_lit(r_states[v]), arr_lit(r_names[p] for p in sorted(r_true[v])),
                arr_lit(repr(x) for x in r_cpt[v])] for v in range(len(r_card))])
    write_csv("bn_random_events.csv", r_names,
              [["" if x < 0 else r_states[i][x] for i, x in enumerate(row)]
               for row in r_data.tolist()])
    # the files read back as the same network and events
    n2, s2, p2 = read_nodes("bn_random_structure.csv")
    assert (n2, s2) == (r_names, r_states) and [set(p) for p in p2] == r_true
    assert (read_events("bn_random_events.csv", r_names, r_states) == r_data).all()
    out.append("asia: %d events, %d of %d values missing"
               % (len(a_data), int((a_data < 0).sum()), a_data.size))
    out.append("random: %d events, %d of %d values missing; cards %s; %d edges, in-degrees %s"
               % (len(r_data), int((r_data < 0).sum()), r_data.size,
                  ",".join(map(str, r_card)), len(edges_of(r_true)),
                  ",".join(str(len(p)) for p in r_true)))

    # ----- second-formula checks --------------------------------------------
    worst_dm = 0.0
    for data, card, fams in [
            (a_data[:30], a_card, [(5, (3, 1)), (7, (4, 5)), (0, ())]),
            (a_data, a_card, [(5, (3, 1)), (7, (4, 5)), (1, (0,)), (6, (0, 2, 5))]),
            (r_data[:40], r_card, [(v, tuple(sorted(r_true[v]))) for v in range(3)]),
            (r_data, r_card, [(v, tuple(sorted(r_true[v]))) for v in range(len(r_card))])]:
        for v, P in fams:
            worst_dm = max(worst_dm, check_dm(data, card, v, P))
    # score equivalence on the complete events: reverse the covered edge asia->tub
    full = a_data[(a_data >= 0).all(axis=1)]
    eq = [set(s) for s in a_true]
    eq[1].discard(0)
    eq[0].add(1)
    assert acyclic(eq)
    for kind, ess in [("bic", None), ("bdeu", 1), ("bdeu", 10)]:
        s1 = network_score(full, a_card, a_true, kind, ess)
        s2 = network_score(full, a_card, eq, kind, ess)
        assert abs(s1 - s2) <= 1e-9 * abs(s1), (kind, s1, s2)

    # ----- bn_scores.csv ---------------------------------------------------
    srng = np.random.default_rng(20261211)
    a_structs = [[set() for _ in a_names], a_true,
                 random_dag(8, srng, 0.25), random_dag(8, srng, 0.35),
                 random_dag(8, srng, 0.2, hub_parents=3), random_dag(8, srng, 0.2, hub_parents=4)]
    assert max(len(p) for p in a_structs[4]) >= 3 and max(len(p) for p in a_structs[5]) >= 3
    r_structs = [[set() for _ in r_names], r_true,
                 random_dag(10, srng, 0.2), random_dag(10, srng, 0.3)]
    checked_a, checked_r = {}, {}
    rows = score_rows("asia", a_names, a_data, a_card, a_structs, checked_a)
    rows += score_rows("random", r_names, r_data, r_card, r_structs, checked_r)
    n = write_csv("bn_scores.csv", ["data", "structure_id", "edges", "score", "ess", "value"], rows)
    out.append("bn_scores.csv: %d rows; BIC second way on %d families (max rel diff %.1e), "
               "Dirichlet-multinomial product (max rel diff %.1e)"
               % (n, len(checked_a) + len(checked_r),
                  max(list(checked_a.values()) + list(checked_r.values())), worst_dm))

    # ----- bn_structures.csv -----------------------------------------------
    srows, summary, margins = [], [], []

    def run(tag, cid, names, data, card, truth, kind, ess=None, max_parents=None,
            whitelist=(), blacklist=(), start=(), max_iterations=None):
        data = data[(data >= 0).all(axis=1)]    # the search scores the complete events
        pa, score, it, path, margin = hill_climb(data, card, kind, ess, max_parents, whitelist,
                                         blacklist, start, max_iterations)
        opts = options_json(kind, ess, max_parents, whitelist, blacklist, max_iterations, names)
        st = edge_text(names, start)
        if max_iterations is not None and it == max_iterations:
            nmoves, gain = None, None
        else:
            nmoves, gain = check_local_optimum(data, card, pa, score, kind, ess, max_parents,
                                               whitelist, blacklist)
        for v in range(len(names)):
            srows.append([tag, cid, opts, st, names[v],
                          arr_lit(names[p] for p in sorted(pa[v])), repr(score), it])
        # no decision may hinge on the last bits of a delta
        assert margin > 1e-6, (tag, cid, margin)
        margins.append(margin)
        line = "%s %d %s%s: %d ops, score %r" % (tag, cid, opts,
                                                 " start=" + st if st else "", it, score)
        if nmoves is not None:
            line += "; local optimum over %d moves (best gain %.3g)" % (nmoves, gain)
        summary.append(line)
        summary.append("    " + (edge_text(names, edges_of(pa)) or "(no edge)"))
        if truth is not None:
            got, want = skeleton(pa), skeleton(truth)
            fmt_e = lambda s: " ".join("%s-%s" % (names[a], names[b])
                                       for a, b in sorted(tuple(sorted(e)) for e in s)) or "-"
            same_dir = sum(1 for e in edges_of(pa) if e in set(edges_of(truth)))
            summary.append("    skeleton vs true: %d of %d recovered (%d in the true direction); "
                           "missed: %s; extra: %s"
                           % (len(got & want), len(want), same_dir, fmt_e(want - got),
                              fmt_e(got - want)))
        return pa, path

    pa1, path1 = run("asia", 1, a_names, a_data, a_card, a_true, "bic")
    run("asia", 2, a_names, a_data, a_card, a_true, "bdeu", 1)
    run("asia", 3, a_names, a_data, a_card, a_true, "bdeu", 10)
    run("asia", 4, a_names, a_data, a_card, a_true, "k2")
    run("asia", 5, a_names, a_data, a_card, a_true, "bic", max_parents=1)
    learnt = sorted(edges_of(pa1), key=lambda e: (a_names[e[0]], a_names[e[1]]))
    black = learnt[:2]
    unconnected = lambda u, v: u not in pa1[v] and v not in pa1[u]
    if unconnected(0, 1):
        white = (0, 1)
    else:
        cand = [e for e in sorted(edges_of(a_true), key=lambda e: (a_names[e[0]], a_names[e[1]]))
                if unconnected(*e)]
        white = cand[0] if cand else next((u, v) for u in range(8) for v in range(8)
                                          if u != v and unconnected(u, v))
    run("asia", 6, a_names, a_data, a_card, a_true, "bic", whitelist=[white], blacklist=black)
    run("asia", 7, a_names, a_data, a_card, a_true, "bic", start=edges_of(a_true))
    pa8, path8 = run("asia", 8, a_names, a_data, a_card, a_true, "bic", max_iterations=3)
    assert path8 == path1[:3]
    run("random", 1, r_names, r_data, r_card, r_true, "bic")
    run("random", 2, r_names, r_data, r_card, r_true, "bdeu", 10)
    run("random", 3, r_names, r_data, r_card, r_true, "k2", max_parents=2)
    n = write_csv("bn_structures.csv",
                  ["data", "config_id", "options", "start", "node", "parents", "score",
                   "iterations"], srows)
    out.append("bn_structures.csv: %d rows; smallest |delta - threshold| of any comparison: %.3g"
               % (n, min(margins)))
    out.append("true asia: " + edge_text(a_names, edges_of(a_true)))
    out.append("true random: " + edge_text(r_names, edges_of(r_true)))
    print("\n".join(out + summary))


if __name__ == "__main__":
    main()
