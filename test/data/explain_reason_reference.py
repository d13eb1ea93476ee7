#!/usr/bin/python3
"""Reference values of the reason codes (area explain, sql/explain_reason.sql).

Run with Debian's interpreter:
    cd test/data && /usr/bin/python3 explain_reason_reference.py
It writes explain_reason_applicants.csv next to itself.  No randomness
beyond a fixed linear congruential generator, so the file is the same on
every run.

The scorecard 'loan' (the SQL test creates it with the same bins):
  age       [lower, upper) bins: <25: 10, [25, 35): 25, [35, 50): 40,
            >=50: 45; missing: 15                              code AGE
  income    (lower, upper] bins (right closed): <=1500: 5,
            (1500, 3000]: 20, (3000, 6000]: 35, >6000: 50;
            missing: 0                                         code INC
  housing   categories own: 40, rent: 15, family: 25           code HOUS
  delinq    [lower, upper): [0, 1): 55, [1, 3): 20 (own code
            DLQ_RECENT), >=3: -10                              code DLQ
  inquiries [lower, upper): [0, 2): 30, [2, 5): 15, >=5: 5     code DLQ
            (shares its code with delinq: their points lost add up)
  initial score 300.

The rules, as docs/explain.md states them (PMML Scorecard,
reasonCodeAlgorithm pointsBelow):
  score = initial + sum of the points of the first bin holding each value;
  points lost by a characteristic = baseline - points;
  per reason code (a bin's own code, else its characteristic's), the sum
  of the points lost by its characteristics;
  reasons = the codes whose sum is above 0, largest first; equal sums in
  the order in which the codes first appear (characteristics in position
  order, each with its own code and then its bins' own codes); at most 4;
  each shows the characteristic that lost most under the code (the first
  on a tie).
Baselines, three ways:
  max:  the characteristic's highest points (baseline_method 'max');
  mean: the mean points of the characteristic over the whole population;
  regb: the mean points over the applicants whose score is at or above
        the cut-off 500 and below 500 + 40 (Regulation B, Official Staff
        Commentary 9(b)(2)-5: the average of applicants at or slightly
        above the minimum passing score).
Written per applicant: the applicant as JSON text, the score, and for
each baseline the codes (a PostgreSQL text[] literal) and the points lost
('|'-joined, repr floats); then the two baselines themselves as rows with
applicant 0: the mean in lost_mean, the Regulation B baseline in
lost_regb.
"""
import csv
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
INF = float("inf")

# characteristic: (code, right_closed, [(kind, lo, hi or category, points, own code)])
CARD = [
    ("age", "AGE", False, [("int", -INF, 25, 10, None), ("int", 25, 35, 25, None),
                           ("int", 35, 50, 40, None), ("int", 50, INF, 45, None),
                           ("missing", None, None, 15, None)]),
    ("income", "INC", True, [("int", -INF, 1500, 5, None), ("int", 1500, 3000, 20, None),
                             ("int", 3000, 6000, 35, None), ("int", 6000, INF, 50, None),
                             ("missing", None, None, 0, None)]),
    ("housing", "HOUS", False, [("cat", "own", None, 40, None), ("cat", "rent", None, 15, None),
                                ("cat", "family", None, 25, None)]),
    ("delinq", "DLQ", False, [("int", 0, 1, 55, None), ("int", 1, 3, 20, "DLQ_RECENT"),
                              ("int", 3, INF, -10, None)]),
    ("inquiries", "DLQ", False, [("int", 0, 2, 30, None), ("int", 2, 5, 15, None),
                                 ("int", 5, INF, 5, None)]),
]
INITIAL = 300.0
CUTOFF, BAND = 500.0, 40.0


def code_order():
    order = []
    for name, code, rc, bins in CARD:
        for c in [code] + [b[4] for b in bins if b[4]]:
            if c not in order:
                order.append(c)
    return order


def bin_of(char, value):
    name, code, right_closed, bins = char
    for i, (kind, a, b, pts, own) in enumerate(bins):
        if value is None:
            if kind == "missing":
                return i, pts, own or code
        elif isinstance(value, str):
            if kind == "cat" and a == value:
                return i, pts, own or code
        elif kind == "int":
            inside = (a < value <= b) if right_closed else (a <= value < b)
            if inside:
                return i, pts, own or code
    raise ValueError((name, value))


def evaluate(app):
    pts, codes = [], []
    for ch in CARD:
        _, p, c = bin_of(ch, app.get(ch[0]))
        pts.append(float(p))
        codes.append(c)
    return pts, codes


def reasons(pts, codes, base, top=4):
    order = code_order()
    lost = {}
    best = {}
    for j, (p, c, b) in enumerate(zip(pts, codes, base)):
        d = b - p
        lost[c] = lost.get(c, 0.0) + d
        if c not in best or d > base[best[c]] - pts[best[c]]:
            best[c] = j
    ranked = sorted((c for c in lost if lost[c] > 0), key=lambda c: (-lost[c], order.index(c)))
    return [(c, CARD[best[c]][0], lost[c]) for c in ranked[:top]]


def lcg(seed):
    x = seed
    while True:
        x = (1103515245 * x + 12345) % 2 ** 31
        yield x / 2 ** 31


def population(n=400):
    u = lcg(20261204)
    apps = []
    for i in range(n):
        app = {}
        r = next(u)
        if r > 0.05:
            app["age"] = 18 + int(next(u) * 55)
        elif r > 0.02:
            app["age"] = None
        r = next(u)
        if r > 0.05:
            app["income"] = [1500, 3000, 6000][int(next(u) * 3)] if next(u) < 0.1 else round(500 + next(u) * 9000, 2)
        app["housing"] = ["own", "rent", "family"][int(next(u) * 3)]
        app["delinq"] = [0, 0, 0, 1, 2, 3, 5][int(next(u) * 7)]
        app["inquiries"] = int(next(u) * 8)
        apps.append(app)
    return apps


def main():
    apps = population()
    evals = [evaluate(a) for a in apps]
    k = len(CARD)
    base_max = [float(max(b[3] for b in ch[3])) for ch in CARD]
    base_mean = [sum(e[0][j] for e in evals) / len(evals) for j in range(k)]
    scores = [INITIAL + sum(e[0]) for e in evals]
    near = [e for e, s in zip(evals, scores) if CUTOFF <= s < CUTOFF + BAND]
    base_regb = [sum(e[0][j] for e in near) / len(near) for j in range(k)]
    fmt = lambda v: repr(float(v))
    with open(os.path.join(HERE, "explain_reason_applicants.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["applicant", "data", "score", "codes_max", "lost_max", "codes_mean",
                    "lost_mean", "codes_regb", "lost_regb"])
        for i, (a, (pts, codes), s) in enumerate(zip(apps, evals, scores)):
            row = [i + 1, json.dumps(a, sort_keys=True), fmt(s)]
            for base in (base_max, base_mean, base_regb):
                rs = reasons(pts, codes, base)
                row += ["{" + ",".join(r[0] for r in rs) + "}", "|".join(fmt(r[2]) for r in rs)]
            w.writerow(row)
        w.writerow(["0", "{}", "", "", "", "", "|".join(fmt(x) for x in base_mean),
                    "", "|".join(fmt(x) for x in base_regb)])
    print("wrote explain_reason_applicants.csv: %d applicants, %d near the cut-off"
          % (len(apps), len(near)))
    print("mean baseline", base_mean)
    print("Regulation B baseline", base_regb)


if __name__ == "__main__":
    main()
