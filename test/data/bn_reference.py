#!/usr/bin/python3
# bn_reference.py
#   Reference values of the discrete Bayesian network area (bn): exact
#   inference and CPT learning, by brute force over the joint distribution
#   (no Bayesian network library).  Run with Debian's interpreter:
#   cd test/data && /usr/bin/python3 bn_reference.py
#   (it writes next to itself, whatever the working directory, and writes
#   the same bytes on every run).
#
#   Network files (one row per node):
#     bn_asia_nodes.csv      node,states,parents,cpt
#     bn_random_nodes.csv    net_id,node,states,parents,cpt
#   states and parents are text[] literals, cpt a float8[] literal: for each
#   parent configuration u in mixed radix (the FIRST parent varies slowest,
#   states in the listed order), the probabilities of the node's states in
#   their listed order, concatenated; a root has one row.  The CPT values
#   are written with repr (shortest text that reads back as the same
#   double); all results below are computed from exactly those doubles.
#
#   Query files (one row per target state, or per cell of a joint):
#     bn_asia_queries.csv    query_id,kind,target,evidence,intervention,state,
#                            probability,p_evidence
#     bn_random_queries.csv  net_id, then the same columns
#   kind: marginal | posterior | do | joint.  target: a node, or 'a,b' for
#   the joint of two nodes (state 'x,y' = a in x and b in y; cells in the
#   order a slowest).  evidence and intervention: 'node=state;...' or empty.
#   probability = P(target = state | evidence, do(intervention)), empty when
#   p_evidence is 0; p_evidence = P(evidence | do(intervention)) (1 when
#   there is no evidence).  do() is the truncated factorization: the CPTs of
#   the intervened nodes are dropped and their values fixed.
#   ASIA results are exact rational arithmetic (fractions.Fraction) rounded
#   once to double; the random networks are NumPy float64 enumerations of
#   the joint (at most 2^20 cells), checked against a plain Python product
#   over the joint where it is small enough.
#
#   Sensitivity (bn_asia_sensitivity.csv: target,target_state,evidence,node,
#   row,state,derivative): d P(target = t | e) / d theta, theta = P(v = x | u)
#   (row u 0-based, mixed radix as above), the other states of row u
#   co-varying proportionally, P(v = x' | u) = (1 - theta) p(x'|u) / (1 - p(x|u)),
#   or equally, (1 - theta)/(card - 1), when p(x|u) = 1; for a binary node the
#   other state is 1 - theta in both cases.  P(t, e) and P(e) are linear in
#   theta, so the derivative of the ratio is exact from their values at
#   theta = 0 and 1 (rational arithmetic); it is asserted against central
#   finite differences (step 1e-6) of the float64 enumeration to 1e-6.
#
#   Learning (bn_events.csv: asia..dysp, empty = missing; bn_learnt.csv:
#   estimator,node,row,state,count,estimate): the ASIA structure; counts use
#   only the events where the node and all its parents are observed;
#   with n = the row total, r = card, q = number of parent configurations:
#     ml   = count / n              (1/r when n = 0)
#     bdeu = (count + ess/(q r)) / (n + ess/q), ess = 10
#     k2   = (count + 1) / (n + r)
#   each rounded once to double from the exact rational.
import csv
import itertools
import os
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
fmt = lambda v: "%.17g" % (float(v) + 0.0)        # + 0.0: never "-0"


def arr_lit(items):
    return "{" + ",".join(items) + "}"


def write_csv(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return len(rows)


# --------------------------------------------------------------------------
# A network: a list of nodes (name, states, parents, cpt), cpt a flat list
# of floats laid out as described above.

class Net:
    def __init__(self, nodes):
        self.nodes = nodes
        self.names = [n[0] for n in nodes]
        self.idx = {n[0]: i for i, n in enumerate(nodes)}
        self.card = [len(n[1]) for n in nodes]
        self.pa = [[self.idx[p] for p in n[2]] for n in nodes]
        self.cpt = [list(n[3]) for n in nodes]
        for i in range(len(nodes)):
            q = 1
            for p in self.pa[i]:
                q *= self.card[p]
            assert len(self.cpt[i]) == q * self.card[i], self.names[i]
            for u in range(q):
                row = self.cpt[i][u * self.card[i]:(u + 1) * self.card[i]]
                assert all(0.0 <= x <= 1.0 for x in row)
                assert abs(sum(row) - 1.0) < 1e-12, (self.names[i], u, row)
        self.topo = self._topo()

    def _topo(self):
        done, order = set(), []
        while len(order) < len(self.nodes):
            progress = False
            for i in range(len(self.nodes)):
                if i not in done and all(p in done for p in self.pa[i]):
                    done.add(i)
                    order.append(i)
                    progress = True
            assert progress, "cycle"
        return order

    def rows(self, i):
        q = 1
        for p in self.pa[i]:
            q *= self.card[p]
        return q

    def row_of(self, i, x):
        """Parent configuration index of node i in full assignment x."""
        u = 0
        for p in self.pa[i]:
            u = u * self.card[p] + x[p]
        return u

    def parse(self, text):
        """'a=yes;b=no' -> {node index: state index}"""
        out = {}
        if text:
            for item in text.split(";"):
                k, v = item.split("=")
                i = self.idx[k]
                out[i] = self.nodes[i][1].index(v)
        return out

    def text(self, assign):
        return ";".join("%s=%s" % (self.names[i], self.nodes[i][1][s])
                        for i, s in sorted(assign.items()))


# ----- exact rational enumeration (used for ASIA) -------------------------

def exact_cpt(net):
    """The CPTs as the exact decimals written in the node file (repr), so
    that ASIA's rows sum to exactly 1."""
    cpt = [[Fraction(repr(float(v))) for v in c] for c in net.cpt]
    for i, c in enumerate(cpt):
        r = net.card[i]
        assert all(sum(c[u * r:(u + 1) * r]) == 1 for u in range(net.rows(i)))
    return cpt


def joint_exact(net, do=None, cpt=None):
    """List of (assignment, probability) over the whole joint; do = {i: s}
    replaces the CPT of i by the indicator of s; cpt = per-node Fraction
    tables (to perturb a parameter)."""
    do = do or {}
    if cpt is None:
        cpt = exact_cpt(net)
    out = []
    for x in itertools.product(*[range(c) for c in net.card]):
        p = Fraction(1)
        for i in range(len(net.nodes)):
            if i in do:
                f = Fraction(1 if x[i] == do[i] else 0)
            else:
                f = cpt[i][net.row_of(i, x) * net.card[i] + x[i]]
            p *= f
            if p == 0:
                break
        out.append((x, p))
    return out


def query_exact(net, joint, targets, evidence):
    """(P(e), {target state tuple: P(t, e)})"""
    pe = Fraction(0)
    pt = {s: Fraction(0) for s in itertools.product(*[range(net.card[t]) for t in targets])}
    for x, p in joint:
        if all(x[i] == s for i, s in evidence.items()):
            pe += p
            pt[tuple(x[t] for t in targets)] += p
    return pe, pt


# ----- NumPy float64 enumeration (all networks) ----------------------------

def joint_np(net, do=None, cpt=None):
    do = do or {}
    cpt = cpt if cpt is not None else net.cpt
    n = len(net.nodes)
    J = np.ones(net.card)
    for i in range(n):
        if i in do:
            t = np.zeros(net.card[i])
            t[do[i]] = 1.0
            axes = [i]
        else:
            t = np.asarray(cpt[i], dtype=float).reshape([net.card[p] for p in net.pa[i]] + [net.card[i]])
            axes = net.pa[i] + [i]
        perm = np.argsort(axes)
        t = t.transpose(perm)
        shape = [1] * n
        for a in axes:
            shape[a] = net.card[a]
        J = J * t.reshape(shape)
    return J


def query_np(net, J, targets, evidence):
    assert not set(targets) & set(evidence) and len(set(targets)) == len(targets)
    idx = tuple(evidence.get(i, slice(None)) for i in range(len(net.nodes)))
    sub = J[idx]
    kept = [i for i in range(len(net.nodes)) if i not in evidence]
    pe = sub.sum()
    m = sub.sum(axis=tuple(k for k, i in enumerate(kept) if i not in targets))
    # m's axes are the targets in increasing node order; put them in target order
    order = sorted(targets)
    m = m.transpose([order.index(t) for t in targets])
    return pe, m


def joint_python(net):
    """Plain Python product over the joint, as a check of joint_np's axes."""
    out = np.empty(net.card)
    for x in itertools.product(*[range(c) for c in net.card]):
        p = 1.0
        for i in range(len(net.nodes)):
            p *= net.cpt[i][net.row_of(i, x) * net.card[i] + x[i]]
        out[x] = p
    return out


# --------------------------------------------------------------------------
# ASIA (Lauritzen & Spiegelhalter 1988; bnlearn's asia)

YN = ["yes", "no"]
ASIA = Net([
    ("asia", YN, [], [0.01, 0.99]),
    ("tub", YN, ["asia"], [0.05, 0.95, 0.01, 0.99]),
    ("smoke", YN, [], [0.5, 0.5]),
    ("lung", YN, ["smoke"], [0.1, 0.9, 0.01, 0.99]),
    ("bronc", YN, ["smoke"], [0.6, 0.4, 0.3, 0.7]),
    ("either", YN, ["lung", "tub"], [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0]),
    ("xray", YN, ["either"], [0.98, 0.02, 0.05, 0.95]),
    ("dysp", YN, ["bronc", "either"], [0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.1, 0.9]),
])


def node_rows(net, prefix=()):
    return [list(prefix) + [n[0], arr_lit(n[1]), arr_lit(n[2]), arr_lit(repr(float(v)) for v in n[3])]
            for n in net.nodes]


def state_text(net, targets, s):
    return ",".join(net.nodes[t][1][k] for t, k in zip(targets, s))


def asia_queries():
    net = ASIA
    names = net.names
    specs = []                                   # (kind, targets, evidence, intervention)
    for v in names:
        specs.append(("marginal", [v], "", ""))
    posterior_sets = [
        "xray=yes;dysp=yes",
        "smoke=no",
        "either=yes",
        "asia=yes;dysp=yes",
        "smoke=yes;xray=no;dysp=yes",
        "asia=yes;bronc=no;xray=yes;dysp=no",
        "tub=no;lung=no;dysp=yes",
        "tub=yes;either=no",                     # impossible: P(e) = 0
    ]
    for e in posterior_sets:
        ev = net.parse(e)
        for v in names:
            if net.idx[v] not in ev:
                specs.append(("posterior", [v], e, ""))
    do_specs = [
        ("", "smoke=yes", names),
        ("dysp=yes", "smoke=yes", names),
        ("", "either=yes", names),
        ("xray=yes", "either=yes", names),
        ("", "bronc=no", names),
        ("dysp=yes", "bronc=no", names),
        ("dysp=yes;xray=no", "bronc=no;smoke=yes", names),
        ("tub=yes", "either=no", names),         # impossible without do(), not with it
        ("either=no", "lung=yes", names),        # impossible under do(): P(e | do) = 0
    ]
    for e, d, ts in do_specs:
        ev, dv = net.parse(e), net.parse(d)
        for v in ts:
            if net.idx[v] not in ev and net.idx[v] not in dv:
                specs.append(("do", [v], e, d))
    for a, b, e in [("lung", "bronc", ""), ("tub", "lung", "either=yes"),
                    ("smoke", "dysp", "xray=yes"), ("asia", "xray", "dysp=yes"),
                    ("lung", "bronc", "tub=yes;either=no")]:
        specs.append(("joint", [a, b], e, ""))

    joints = {}
    rows, results = [], {}
    for q, (kind, ts, e, d) in enumerate(specs, start=1):
        ev, dv = net.parse(e), net.parse(d)
        key = tuple(sorted(dv.items()))
        if key not in joints:
            joints[key] = (joint_exact(net, dv), joint_np(net, dv))
        Jx, Jn = joints[key]
        tix = [net.idx[t] for t in ts]
        pe, pt = query_exact(net, Jx, tix, ev)
        pe_n, m = query_np(net, Jn, tix, ev)
        assert abs(float(pe) - pe_n) <= 1e-14 * max(1.0, float(pe))
        for s in itertools.product(*[range(net.card[t]) for t in tix]):
            if pe == 0:
                prob = None
            else:
                prob = pt[s] / pe
                assert abs(float(prob) - m[s] / pe_n) <= 1e-13
            results[(kind, ",".join(ts), e, d, state_text(net, tix, s))] = prob
            rows.append([q, kind, ",".join(ts), e, d, state_text(net, tix, s),
                         "" if prob is None else fmt(prob), fmt(pe)])
    return rows, results, len(specs)


def asia_checks(res):
    """Published values (bnlearn / gRain) and identities the answers must meet."""
    lit_marg = {"asia": 0.01, "tub": 0.0104, "smoke": 0.5, "lung": 0.055,
                "bronc": 0.45, "either": 0.064828, "xray": 0.11029004,
                "dysp": 0.4359706}
    for v, p in lit_marg.items():
        got = float(res[("marginal", v, "", "", "yes")])
        assert abs(got - p) < 5e-8, (v, got, p)
    assert round(float(res[("marginal", "dysp", "", "", "yes")]), 7) == 0.4359706
    # gRain's vignette: evidence asia=yes, dysp=yes
    for v, p in [("lung", 0.09952515), ("bronc", 0.8114021)]:
        got = float(res[("posterior", v, "asia=yes;dysp=yes", "", "yes")])
        assert abs(got - p) < 5e-8, (v, got, p)
    # do(smoke=yes) on descendants = conditioning on smoke=yes; on roots = marginal
    J = joint_exact(ASIA)
    for v in ["lung", "bronc", "either", "xray", "dysp"]:
        pe, pt = query_exact(ASIA, J, [ASIA.idx[v]], ASIA.parse("smoke=yes"))
        assert res[("do", v, "", "smoke=yes", "yes")] == pt[(0,)] / pe
    for v in ["asia", "tub"]:
        assert res[("do", v, "", "smoke=yes", "yes")] == res[("marginal", v, "", "", "yes")]
    # do(either=yes) leaves its ancestors at their marginals
    for v in ["asia", "tub", "smoke", "lung", "bronc"]:
        assert res[("do", v, "", "either=yes", "yes")] == res[("marginal", v, "", "", "yes")]
    assert res[("do", "xray", "", "either=yes", "yes")] == Fraction("0.98")
    # zero-probability evidence
    assert res[("posterior", "dysp", "tub=yes;either=no", "", "yes")] is None
    # tub=no, lung=no force either=no
    assert res[("posterior", "either", "tub=no;lung=no;dysp=yes", "", "yes")] == 0


# --------------------------------------------------------------------------
# Sensitivity of P(dysp = yes | e) to each CPT parameter of ASIA

def covary(row, x, theta):
    """Row with entry x set to theta, the others co-varying (see header)."""
    px = row[x]
    r = len(row)
    out = []
    for k, pk in enumerate(row):
        if k == x:
            out.append(theta)
        elif px == 1:
            out.append((1 - theta) / (r - 1))
        else:
            out.append((1 - theta) * pk / (1 - px))
    return out


def with_row(cpt, i, u, card, newrow):
    c = [list(t) for t in cpt]
    c[i][u * card:(u + 1) * card] = newrow
    return c


def asia_sensitivity():
    net = ASIA
    target, tstate = net.idx["dysp"], 0
    rows, maxdiff = [], 0.0
    xcpt = exact_cpt(net)
    h = 1e-6
    for e in ["smoke=yes", ""]:
        ev = net.parse(e)

        def ratio_exact(cpt):
            pe, pt = query_exact(net, joint_exact(net, cpt=cpt), [target], ev)
            return pt[(tstate,)], pe

        def ratio_float(cpt):
            pe, m = query_np(net, joint_np(net, cpt=cpt), [target], ev)
            return m[tstate] / pe

        tc, ec = ratio_exact(xcpt)
        for i in range(len(net.nodes)):
            r = net.card[i]
            for u in range(net.rows(i)):
                row = xcpt[i][u * r:(u + 1) * r]
                for x in range(r):
                    t0, e0 = ratio_exact(with_row(xcpt, i, u, r, covary(row, x, Fraction(0))))
                    t1, e1 = ratio_exact(with_row(xcpt, i, u, r, covary(row, x, Fraction(1))))
                    th = row[x]
                    # P(t,e) = t0 + (t1 - t0) theta, P(e) = e0 + (e1 - e0) theta
                    pte, pe = t0 + (t1 - t0) * th, e0 + (e1 - e0) * th
                    assert (pte, pe) == (tc, ec)
                    d = ((t1 - t0) * pe - pte * (e1 - e0)) / (pe * pe)
                    frow = [float(v) for v in net.cpt[i][u * r:(u + 1) * r]]
                    thf = frow[x]
                    plus = ratio_float(with_row(net.cpt, i, u, r, covary(frow, x, thf + h)))
                    minus = ratio_float(with_row(net.cpt, i, u, r, covary(frow, x, thf - h)))
                    fd = (plus - minus) / (2 * h)
                    maxdiff = max(maxdiff, abs(fd - float(d)))
                    assert abs(fd - float(d)) < 1e-6, (e, net.names[i], u, x, fd, float(d))
                    rows.append(["dysp", "yes", e, net.names[i], u, net.nodes[i][1][x], fmt(d)])
    # the probability of smoke cannot matter once smoke is observed
    for rw in rows:
        if rw[2] == "smoke=yes" and rw[3] == "smoke":
            assert float(rw[6]) == 0.0
    return rows, maxdiff


# --------------------------------------------------------------------------
# Learning: events sampled from ASIA with values missing at random

def asia_events(n=2000, p_missing=0.05, seed=20261201):
    net = ASIA
    rng = np.random.default_rng(seed)
    data = np.zeros((n, len(net.nodes)), dtype=int)
    for k in range(n):
        x = [0] * len(net.nodes)
        for i in net.topo:
            r = net.card[i]
            row = net.cpt[i][net.row_of(i, x) * r:(net.row_of(i, x) + 1) * r]
            x[i] = int(rng.choice(r, p=row))
        data[k] = x
    miss = rng.random(data.shape) < p_missing
    return data, miss


def learn(net, data, miss, ess=10):
    rows, zero_rows = [], []
    for est in ["ml", "bdeu", "k2"]:
        for i in range(len(net.nodes)):
            r, q = net.card[i], net.rows(i)
            cols = net.pa[i] + [i]
            ok = ~miss[:, cols].any(axis=1)
            counts = np.zeros((q, r), dtype=int)
            for x in data[ok]:
                counts[net.row_of(i, x), x[i]] += 1
            for u in range(q):
                nu = int(counts[u].sum())
                if est == "ml" and nu == 0:
                    zero_rows.append((net.names[i], u))
                for s in range(r):
                    c = int(counts[u, s])
                    if est == "ml":
                        v = Fraction(c, nu) if nu else Fraction(1, r)
                    elif est == "bdeu":
                        v = (c + Fraction(ess, q * r)) / (nu + Fraction(ess, q))
                    else:
                        v = Fraction(c + 1, nu + r)
                    rows.append([est, net.names[i], u, net.nodes[i][1][s], c, fmt(v)])
    # each row of each estimate sums to 1
    for est in ["ml", "bdeu", "k2"]:
        sums = {}
        for rw in rows:
            if rw[0] == est:
                sums[(rw[1], rw[2])] = sums.get((rw[1], rw[2]), 0.0) + float(rw[5])
        assert all(abs(v - 1) < 1e-15 for v in sums.values())
    return rows, zero_rows


# --------------------------------------------------------------------------
# Seeded random networks

RANDOM_NETS = [
    # net_id, nodes, cardinalities, rows listed in a topological order?
    (1, 8, "binary", True),
    (2, 12, "mixed", True),
    (3, 20, "binary", False),
    (4, 10, "ternary", True),
    (5, 12, "ternary", False),
    (6, 16, "mixed", False),
]


def random_net(net_id, n, mode, topo_listing, rng):
    if mode == "binary":
        card = [2] * n
    elif mode == "ternary":
        card = [3] * n
    else:
        card = [int(c) for c in rng.choice([2, 3], size=n, p=[0.65, 0.35])]
    assert int(np.prod(card)) <= 2 ** 21
    # order[k] = the listed node that is k-th in the hidden causal order
    order = list(range(n)) if topo_listing else [int(v) for v in rng.permutation(n)]
    parents = {}
    for k, v in enumerate(order):
        npar = int(rng.integers(0, min(3, k) + 1))
        chosen = rng.choice(k, size=npar, replace=False) if npar else []
        parents[v] = [order[int(j)] for j in chosen]        # in CPT order, unsorted
    nodes = []
    for v in range(n):
        states = ["s%d" % s for s in range(card[v])]
        q = 1
        for p in parents[v]:
            q *= card[p]
        cpt = rng.dirichlet(np.ones(card[v]), size=q).ravel()
        nodes.append(("n%d" % v, states, ["n%d" % p for p in parents[v]], [float(c) for c in cpt]))
    return Net(nodes)


def descendants(net, i):
    out, stack = set(), [i]
    while stack:
        v = stack.pop()
        for c in range(len(net.nodes)):
            if v in net.pa[c] and c not in out:
                out.add(c)
                stack.append(c)
    return out


def random_queries(net, rng):
    n = len(net.nodes)
    specs = []
    for v in range(n):
        specs.append(("marginal", [v], {}, {}))

    def rand_assign(nodes):
        return {int(i): int(rng.integers(net.card[int(i)])) for i in nodes}

    for _ in range(5):
        k = int(rng.integers(1, 4))
        ev = rand_assign(rng.choice(n, size=k, replace=False))
        free = [v for v in range(n) if v not in ev]
        for t in rng.choice(free, size=3, replace=False):
            specs.append(("posterior", [int(t)], ev, {}))
    # do(): one node without evidence, one node with evidence, two nodes with evidence;
    # the target a descendant of an intervened node when it has one
    for k_do, k_ev in [(1, 0), (1, 2), (2, 1)]:
        with_desc = [v for v in range(n) if descendants(net, v)]
        first = int(rng.choice(with_desc))
        others = [v for v in range(n) if v != first]
        dnodes = [first] + [int(v) for v in rng.choice(others, size=k_do - 1, replace=False)]
        dv = rand_assign(dnodes)
        cand = sorted(descendants(net, first) - set(dv))
        t = int(rng.choice(cand)) if cand else int(rng.choice([v for v in range(n) if v not in dv]))
        free = [v for v in range(n) if v not in dv and v != t]
        ev = rand_assign(rng.choice(free, size=k_ev, replace=False)) if k_ev else {}
        specs.append(("do", [t], ev, dv))
    # one joint of two nodes under one observed node
    a, b, c = [int(v) for v in rng.choice(n, size=3, replace=False)]
    specs.append(("joint", [a, b], rand_assign([c]), {}))
    return specs


def random_section():
    rng = np.random.default_rng(20261202)
    node_out, query_out, info = [], [], []
    qid = 0
    for net_id, n, mode, topo_listing in RANDOM_NETS:
        net = random_net(net_id, n, mode, topo_listing, rng)
        node_out += node_rows(net, prefix=(net_id,))
        J0 = joint_np(net)
        assert abs(J0.sum() - 1.0) < 1e-12
        if J0.size <= 60000:
            Jp = joint_python(net)
            assert np.allclose(J0, Jp, rtol=1e-13, atol=0.0)
        specs = random_queries(net, rng)
        joints = {(): J0}
        for kind, ts, ev, dv in specs:
            qid += 1
            key = tuple(sorted(dv.items()))
            if key not in joints:
                joints[key] = joint_np(net, dv)
            pe, m = query_np(net, joints[key], ts, ev)
            assert pe > 0
            probs = m / pe
            assert abs(probs.sum() - 1.0) < 1e-12
            if not ev:
                assert abs(pe - 1.0) < 1e-12     # written as 1: P(no evidence)
            for s in itertools.product(*[range(net.card[t]) for t in ts]):
                query_out.append([net_id, qid, kind, ",".join(net.names[t] for t in ts),
                                  net.text(ev), net.text(dv), state_text(net, ts, s),
                                  fmt(probs[s]), fmt(pe if ev else 1.0)])
        # do() on a root equals conditioning on it; check the engine on one root
        root = next(v for v in range(n) if not net.pa[v])
        kids = descendants(net, root)
        if kids:
            t = min(kids)
            pe, m = query_np(net, joint_np(net, {root: 0}), [t], {})
            pe2, m2 = query_np(net, J0, [t], {root: 0})
            assert np.allclose(m / pe, m2 / pe2, rtol=1e-12)
        info.append("net %d: %2d nodes (%s, %s), %7d joint cells, %d queries"
                    % (net_id, n, mode, "topological listing" if topo_listing else "shuffled listing",
                       J0.size, len(specs)))
    return node_out, query_out, info


# --------------------------------------------------------------------------

def main():
    out = []
    n = write_csv("bn_asia_nodes.csv", ["node", "states", "parents", "cpt"], node_rows(ASIA))
    out.append("bn_asia_nodes.csv: %d nodes" % n)

    qrows, res, nq = asia_queries()
    asia_checks(res)
    n = write_csv("bn_asia_queries.csv",
                  ["query_id", "kind", "target", "evidence", "intervention", "state",
                   "probability", "p_evidence"], qrows)
    out.append("bn_asia_queries.csv: %d queries, %d rows; P(dysp=yes) = %.7f"
               % (nq, n, float(res[("marginal", "dysp", "", "", "yes")])))

    srows, maxdiff = asia_sensitivity()
    n = write_csv("bn_asia_sensitivity.csv",
                  ["target", "target_state", "evidence", "node", "row", "state", "derivative"], srows)
    out.append("bn_asia_sensitivity.csv: %d rows; max |finite difference - exact| = %.2g"
               % (n, maxdiff))

    data, miss = asia_events()
    ev_rows = [["" if miss[k, i] else ASIA.nodes[i][1][data[k, i]] for i in range(len(ASIA.nodes))]
               for k in range(len(data))]
    n = write_csv("bn_events.csv", ASIA.names, ev_rows)
    out.append("bn_events.csv: %d events, %d of %d values missing"
               % (n, int(miss.sum()), miss.size))
    lrows, zero_rows = learn(ASIA, data, miss)
    n = write_csv("bn_learnt.csv", ["estimator", "node", "row", "state", "count", "estimate"], lrows)
    out.append("bn_learnt.csv: %d rows; CPT rows without a count: %s"
               % (n, ", ".join("%s row %d" % z for z in zero_rows) or "none"))

    nrows, rrows, info = random_section()
    n = write_csv("bn_random_nodes.csv", ["net_id", "node", "states", "parents", "cpt"], nrows)
    out.append("bn_random_nodes.csv: %d nodes in %d networks" % (n, len(RANDOM_NETS)))
    n = write_csv("bn_random_queries.csv",
                  ["net_id", "query_id", "kind", "target", "evidence", "intervention", "state",
                   "probability", "p_evidence"], rrows)
    out.append("bn_random_queries.csv: %d rows" % n)
    out += ["  " + s for s in info]
    print("\n".join(out))


if __name__ == "__main__":
    main()
