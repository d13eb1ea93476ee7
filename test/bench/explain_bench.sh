#!/usr/bin/env bash
#
# explain_bench.sh - benchmark of the explainability and fairness area
# (docs/explain.md) against the same work in pandas and NumPy, measured in
# one run:
#
#   1. Reason codes: risk.reason_code_array of 1,000,000 applicants (JSON)
#      on a scorecard of 8 characteristics with 3 to 6 bins each (numeric
#      bins closed on either side, categories, missing values, two
#      characteristics sharing a code and a bin with its own code; the
#      baseline of each characteristic its best bin) vs NumPy: the bin of
#      every value by searchsorted over whole columns, the points lost per
#      code, and a stable sort of the codes for the top 4.
#   2. Fairness by group: risk.fairness(grp, declined, defaulted, pd,
#      '{"n_boot": 0}') over 10,000,000 decisions in 5 groups (some without
#      a PD, a few without a group) vs a pandas groupby of the 2x2 tables
#      and the mean PD, and per group the AUC by average ranks in NumPy.
#   3. Shapley values: risk.shapley of a network (10 features, one hidden
#      layer of 16 relu units, standardized inputs; fixed random weights
#      through risk.mlp_from_arrays) for 10,000 applicants against 100
#      background rows vs NumPy evaluating the network on every one of the
#      2^10 coalitions x 100 background rows of an applicant at once
#      (about a minute; BENCH_SHAP_PEER=1000: NumPy on the first 1,000
#      applicants only, its time extrapolated per applicant to all of
#      them, as the output then says).
#
# Every answer is compared: every applicant's codes (exactly), every
# group's counts and rates and the across-group metrics (exactly; the
# mean PD and the AUC within 1e-12), and the base, prediction and
# contributions of each applicant NumPy computed (within 1e-9); a mismatch
# fails the benchmark, after the timings are printed.  Ours is timed in
# SQL on a throwaway cluster (pg_virtualenv), serial and with 2 parallel
# workers, including the scan of its tables; the peers inside Python on
# data already in memory.  Best of 3 (of 2 for the large ones; NumPy's
# Shapley values once).  Prints timings and ratios (peer / ours: above 1
# means we are faster).  Exits 0 whatever the ratios, non-zero when a
# query, a peer or a comparison fails.
#
# Run from the repository root:  bash test/bench/explain_bench.sh
# As root on Debian 12 it installs what is missing (NumPy, pandas), builds
# and installs the extension and runs the cluster as the postgres user;
# BENCH_NO_BUILD=1 measures what is installed.  As an ordinary user it
# builds and installs nothing: the extension must be installed, and a peer
# that is not installed is skipped with a note.
# BENCH_SMOKE=1: tiny data, one run each (seconds; the ratios mean nothing),
# as scripts/test.sh runs it.
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

if [[ ${1:-} != --inner ]]; then
    bench_setup explain_bench python3-numpy python3-pandas
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    as_user "$dir" "BENCH_SMOKE='${BENCH_SMOKE:-}' BENCH_SHAP_PEER='${BENCH_SHAP_PEER:-}' pg_virtualenv -v $PG_MAJOR -o shared_buffers=2GB -o work_mem=1GB -o max_parallel_workers_per_gather=2 bash test/bench/explain_bench.sh --inner" 2>&1 |
        grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
    exit 0
fi

# ---- inside the throwaway cluster, as its owner, in a copy of the tree ----
if bench_smoke; then
    NA=2000 ND=20000 NS=40 REPS=1 REPS_BIG=1
else
    NA=1000000 ND=10000000 NS=10000 REPS=3 REPS_BIG=2
fi
NS_PY=${BENCH_SHAP_PEER:-$NS}
[[ $NS_PY =~ ^[0-9]+$ ]] && (( NS_PY >= 1 && NS_PY <= NS )) || NS_PY=$NS
NF=10 NH=16 NB=100
W=$(pwd)/bench-work
mkdir -p "$W"
PY=/usr/bin/python3
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
ms() {   # ms LABEL MS|"" PACKAGES: a timing row, or the note of a skipped peer
    if [[ -n $2 ]]; then printf '  %-46s %10.1f ms\n' "$1" "$2"; else bench_skip "$1" "$3"; fi
}
HAVE_PY=; bench_have_py numpy pandas && HAVE_PY=1

psql_q -c "CREATE EXTENSION risk" >/dev/null

# ---- data -----------------------------------------------------------------
echo "== making data: $(commas $NA) applicants, $(commas $ND) decisions, $(commas $NS) applicants x $NB background rows"
psql_q <<SQL
SELECT setseed(0.2026);
-- the scorecard: the baseline of each characteristic its best bin (max)
INSERT INTO risk.scorecard VALUES ('bench', 300, 'points_below', 'max', 'explain_bench');
INSERT INTO risk.scorecard_characteristic (scorecard, characteristic, position, reason_code, right_closed) VALUES
    ('bench', 'age', 1, 'AGE', false), ('bench', 'income', 2, 'INC', true),
    ('bench', 'housing', 3, 'HOUS', false), ('bench', 'employment_years', 4, 'EMP', false),
    ('bench', 'delinq', 5, 'DLQ', false), ('bench', 'inquiries', 6, 'DLQ', false),
    ('bench', 'utilization', 7, 'UTIL', false), ('bench', 'product', 8, 'PROD', false);
INSERT INTO risk.scorecard_bin (scorecard, characteristic, bin, lower, upper, category, missing, points, reason_code) VALUES
    ('bench', 'age', 1, NULL, 25, NULL, false, 10, NULL), ('bench', 'age', 2, 25, 35, NULL, false, 22, NULL),
    ('bench', 'age', 3, 35, 45, NULL, false, 30, NULL), ('bench', 'age', 4, 45, 60, NULL, false, 38, NULL),
    ('bench', 'age', 5, 60, NULL, NULL, false, 34, NULL), ('bench', 'age', 6, NULL, NULL, NULL, true, 12, NULL),
    ('bench', 'income', 1, NULL, 1500, NULL, false, 5, NULL), ('bench', 'income', 2, 1500, 3000, NULL, false, 18, NULL),
    ('bench', 'income', 3, 3000, 5000, NULL, false, 28, NULL), ('bench', 'income', 4, 5000, 8000, NULL, false, 38, NULL),
    ('bench', 'income', 5, 8000, NULL, NULL, false, 45, NULL), ('bench', 'income', 6, NULL, NULL, NULL, true, 0, NULL),
    ('bench', 'housing', 1, NULL, NULL, 'own', false, 40, NULL), ('bench', 'housing', 2, NULL, NULL, 'mortgage', false, 35, NULL),
    ('bench', 'housing', 3, NULL, NULL, 'rent', false, 15, NULL), ('bench', 'housing', 4, NULL, NULL, 'family', false, 25, NULL),
    ('bench', 'housing', 5, NULL, NULL, 'other', false, 10, NULL),
    ('bench', 'employment_years', 1, NULL, 1, NULL, false, 5, NULL), ('bench', 'employment_years', 2, 1, 3, NULL, false, 15, NULL),
    ('bench', 'employment_years', 3, 3, 7, NULL, false, 25, NULL), ('bench', 'employment_years', 4, 7, 15, NULL, false, 35, NULL),
    ('bench', 'employment_years', 5, 15, NULL, NULL, false, 40, NULL),
    ('bench', 'delinq', 1, 0, 1, NULL, false, 55, NULL), ('bench', 'delinq', 2, 1, 2, NULL, false, 25, 'DLQ_RECENT'),
    ('bench', 'delinq', 3, 2, 4, NULL, false, 10, NULL), ('bench', 'delinq', 4, 4, NULL, NULL, false, -10, NULL),
    ('bench', 'inquiries', 1, 0, 1, NULL, false, 30, NULL), ('bench', 'inquiries', 2, 1, 3, NULL, false, 22, NULL),
    ('bench', 'inquiries', 3, 3, 6, NULL, false, 12, NULL), ('bench', 'inquiries', 4, 6, NULL, NULL, false, 5, NULL),
    ('bench', 'utilization', 1, NULL, 0.3, NULL, false, 40, NULL), ('bench', 'utilization', 2, 0.3, 0.5, NULL, false, 30, NULL),
    ('bench', 'utilization', 3, 0.5, 0.7, NULL, false, 20, NULL), ('bench', 'utilization', 4, 0.7, 0.9, NULL, false, 10, NULL),
    ('bench', 'utilization', 5, 0.9, NULL, NULL, false, 0, NULL), ('bench', 'utilization', 6, NULL, NULL, NULL, true, 15, NULL),
    ('bench', 'product', 1, NULL, NULL, 'mortgage', false, 30, NULL), ('bench', 'product', 2, NULL, NULL, 'auto', false, 25, NULL),
    ('bench', 'product', 3, NULL, NULL, 'card', false, 15, NULL), ('bench', 'product', 4, NULL, NULL, 'personal', false, 10, NULL),
    ('bench', 'product', 5, NULL, NULL, 'other', false, 5, NULL);

-- the applicants: some values left out or null (the missing bins), a
-- tenth of the incomes and utilizations on a bin's edge
CREATE TABLE applicants WITH (parallel_workers = 2) AS
SELECT a AS applicant, jsonb_strip_nulls(jsonb_build_object(
           'age', CASE WHEN u1 < 0.03 THEN NULL ELSE 18 + floor(random() * 60)::int END,
           'income', CASE WHEN u2 < 0.04 THEN NULL
                          WHEN u2 < 0.14 THEN (ARRAY[1500, 3000, 5000, 8000])[1 + floor(random() * 4)::int]::numeric
                          ELSE round((400 + exp(7 + 2 * random()))::numeric, 2) END,
           'housing', (ARRAY['own', 'mortgage', 'rent', 'family', 'other'])[1 + floor(random() * 5)::int],
           'employment_years', round((random() * random() * 30)::numeric, 1),
           'delinq', (ARRAY[0, 0, 0, 0, 1, 1, 2, 3, 4, 6])[1 + floor(random() * 10)::int],
           'inquiries', floor(random() * random() * 10)::int,
           'utilization', CASE WHEN u3 < 0.05 THEN NULL
                               WHEN u3 < 0.15 THEN (ARRAY[0.3, 0.5, 0.7, 0.9])[1 + floor(random() * 4)::int]::numeric
                               ELSE round(random()::numeric, 3) END,
           'product', (ARRAY['mortgage', 'auto', 'card', 'personal', 'other'])[1 + floor(random() * 5)::int]))
       || CASE WHEN u1 >= 0.015 AND u1 < 0.03 THEN '{"age": null}'::jsonb ELSE '{}' END AS data
FROM (SELECT a, random() AS u1, random() AS u2, random() AS u3 FROM generate_series(1, $NA) a) s;
ALTER TABLE applicants ADD PRIMARY KEY (applicant);

-- the decisions: a PD per applicant (4 decimals: many ties), a default
-- drawn from a true PD that differs from it by noise, declined above a PD
-- of 8% or (without a PD) on a policy rule; a few rows without a group
CREATE TABLE decisions WITH (parallel_workers = 2) AS
SELECT CASE WHEN u < 0.0001 THEN NULL ELSE grp END AS grp,
       CASE WHEN u2 < 0.005 THEN true ELSE pd > 0.08 END AS declined,
       random() < 1 / (1 + exp(-lo)) AS defaulted,
       CASE WHEN u2 < 0.005 THEN NULL ELSE pd END AS pd
FROM (SELECT grp, lo, random() AS u, random() AS u2,
             round((1 / (1 + exp(-(lo + 0.7 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))))::numeric, 4)::float8 AS pd
      FROM (SELECT (ARRAY['18-25', '26-35', '36-50', '51-65', '66+'])[k] AS grp,
                   -3.2 + 0.25 * abs(k - 3) + 0.8 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS lo
            FROM (SELECT 1 + floor(random() * 5)::int AS k FROM generate_series(1, $ND)) g) s) t;

-- the network: 10 raw features standardized by mean and scale, 16 relu
-- units, fixed random weights (10 x 16 then 16 x 1, row by row) and biases
CREATE TABLE shap_net AS
SELECT '{$NF,$NH,1}'::int[] AS layers,
       ARRAY(SELECT 0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + 0 * i
             FROM generate_series(1, $NF * $NH + $NH) i) AS weights,
       ARRAY(SELECT CASE WHEN i <= $NH THEN 0.3 * (2 * random() - 1) ELSE -2.5 END + 0 * i
             FROM generate_series(1, $NH + 1) i) AS biases,
       ARRAY(SELECT round((10 * (2 * random() - 1))::numeric, 3)::float8 + 0 * i FROM generate_series(1, $NF) i) AS mean,
       ARRAY(SELECT round((0.5 + 4 * random())::numeric, 3)::float8 + 0 * i FROM generate_series(1, $NF) i) AS scale;
-- raw rows: mean + scale x a standard normal (x 1.5 for the applicants)
CREATE FUNCTION bench_row(spread float8) RETURNS float8[] LANGUAGE sql VOLATILE AS \$\$
    SELECT array_agg(n.mean[j] + n.scale[j] * spread * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) ORDER BY j)
    FROM shap_net n, generate_series(1, $NF) j
\$\$;
CREATE TABLE shap_background AS SELECT b AS row_id, bench_row(1.0) AS x FROM generate_series(1, $NB) b;
CREATE TABLE shap_apps WITH (parallel_workers = 2) AS SELECT a AS applicant, bench_row(1.5) AS x FROM generate_series(1, $NS) a;
ALTER TABLE shap_apps ADD PRIMARY KEY (applicant);
CREATE TABLE shap_setup AS
SELECT risk.mlp_from_arrays(n.layers, n.weights, n.biases, 'relu', n.mean, n.scale) AS model,
       (SELECT array_agg(x ORDER BY row_id) FROM shap_background) AS background
FROM shap_net n;
ANALYZE applicants; ANALYZE decisions; ANALYZE shap_apps; ANALYZE shap_setup;
SQL
psql_q -c "COPY (SELECT applicant, data->>'age' AS age, data->>'income' AS income, data->>'housing' AS housing,
                        data->>'employment_years' AS employment_years, data->>'delinq' AS delinq,
                        data->>'inquiries' AS inquiries, data->>'utilization' AS utilization,
                        data->>'product' AS product
                 FROM applicants ORDER BY applicant) TO STDOUT (FORMAT csv, HEADER)" > "$W/applicants.csv"
psql_q -c "COPY (SELECT grp, declined::int AS declined, defaulted::int AS defaulted, pd FROM decisions)
           TO STDOUT (FORMAT csv, HEADER)" > "$W/decisions.csv"
psql_q -c "COPY (SELECT array_to_string(weights, ' '), array_to_string(biases, ' '), array_to_string(mean, ' '),
                        array_to_string(scale, ' ') FROM shap_net) TO STDOUT (FORMAT csv)" > "$W/net.csv"
psql_q -c "COPY (SELECT array_to_string(x, ' ') FROM shap_background ORDER BY row_id) TO STDOUT (FORMAT csv)" > "$W/background.csv"
psql_q -c "COPY (SELECT applicant, array_to_string(x, ' ') FROM shap_apps ORDER BY applicant) TO STDOUT (FORMAT csv)" > "$W/shap_apps.csv"

# ---- 1. reason codes ------------------------------------------------------
echo "== 1. The 4 principal reason codes of $(commas $NA) applicants (8 characteristics)"
Q_RC="SELECT count(*), sum(cardinality(r))
      FROM (SELECT risk.reason_code_array('bench', data) AS r FROM applicants) s"
T_RC_S=$(bench_time_sql 0 $REPS "$Q_RC")
T_RC_P=$(bench_time_sql 2 $REPS "$Q_RC")
psql_q -c "COPY (SELECT applicant, array_to_string(risk.reason_code_array('bench', data), ' ')
                 FROM applicants ORDER BY applicant) TO STDOUT (FORMAT csv)" > "$W/ours_codes.csv"
psql_q -c "SELECT '  first reason: ' || string_agg(coalesce(c, '(none)') || ' ' || n, ', ' ORDER BY n DESC, c)
           FROM (SELECT (risk.reason_code_array('bench', data))[1] AS c, count(*) n FROM applicants GROUP BY 1) s"

# ---- 2. fairness ----------------------------------------------------------
echo "== 2. Fairness by group of $(commas $ND) decisions (5 groups; the AUC of the PD per group, no bootstrap)"
Q_FAIR="SELECT (r).worst_group, (r).rows, (r).demographic_parity_difference, (r).auc
        FROM (SELECT risk.fairness(grp, declined, defaulted, pd, '{\"n_boot\": 0}') AS r FROM decisions) s"
T_FAIR_S=$(bench_time_sql 0 $REPS_BIG "$Q_FAIR")
T_FAIR_P=$(bench_time_sql 2 $REPS_BIG "$Q_FAIR")
psql_q -c "CREATE TABLE ours_fair AS SELECT risk.fairness(grp, declined, defaulted, pd, '{\"n_boot\": 0}') AS r FROM decisions"
psql_q -c "COPY (SELECT f.grp, f.n, f.declined, f.defaults, f.selection_rate, f.tpr, f.fpr, f.default_rate,
                        f.n_pd, f.mean_pd, f.pd_default_rate, f.auc
                 FROM ours_fair, risk.fairness_groups(r) f) TO STDOUT (FORMAT csv)" > "$W/ours_fair_groups.csv"
psql_q -c "COPY (SELECT (r).rows, (r).rows_left_out, (r).worst_group, (r).demographic_parity_difference,
                        (r).demographic_parity_ratio, (r).equalized_odds_difference, (r).equalized_odds_ratio,
                        (r).equal_opportunity_difference
                 FROM ours_fair) TO STDOUT (FORMAT csv)" > "$W/ours_fair.csv"
psql_q -c "SELECT '  worst group ' || (r).worst_group || ', demographic parity difference '
                  || round((r).demographic_parity_difference::numeric, 4) || ', AUC by group '
                  || (SELECT string_agg(round(a::numeric, 4)::text, ' ') FROM unnest((r).auc) a)
           FROM ours_fair"

# ---- 3. Shapley values ----------------------------------------------------
echo "== 3. Exact Shapley values of $(commas $NS) applicants, $NF features (2^$NF coalitions) x $NB background rows, a $NF-$NH-1 relu network"
# the model and the background as subqueries (init plans, passed to the
# workers): joined to the applicants, the call ends up above the Gather, in
# the leader, as the planner costs risk.shapley as a cheap function
Q_SHAP="SELECT count(*), sum((risk.shapley((SELECT model FROM shap_setup), a.x,
                                           (SELECT background FROM shap_setup))).prediction)
        FROM shap_apps a"
T_SHAP_S=$(bench_time_sql 0 $REPS_BIG "$Q_SHAP")
T_SHAP_P=$(bench_time_sql 2 $REPS_BIG "$Q_SHAP")
psql_q -c "COPY (SELECT a.applicant, s.base, s.prediction, array_to_string(s.contributions, ' ')
                 FROM shap_apps a CROSS JOIN shap_setup m CROSS JOIN LATERAL risk.shapley(m.model, a.x, m.background) s
                 WHERE a.applicant <= $NS_PY ORDER BY a.applicant) TO STDOUT (FORMAT csv)" > "$W/ours_shap.csv"

# ---- the peers, and every answer compared -------------------------------
T_RC_PY= T_FAIR_PY= T_SHAP_PY= DIFFER= RC_FIRST=
if [[ -n $HAVE_PY ]]; then
    out=$($PY - "$W" "$REPS" "$REPS_BIG" "$NS" <<'PY'
import sys, time, numpy as np, pandas as pd
W, REPS, REPS_BIG, NS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

def read(path, **kw):   # floats exactly as written (pandas' default parser may be 1 ulp off)
    return pd.read_csv(W + path, float_precision="round_trip", **kw)

def best(reps, f):
    b, r = 1e99, None
    for _ in range(reps):
        t = time.perf_counter(); r = f(); b = min(b, time.perf_counter() - t)
    return 1000 * b, r

# 1. reason codes: the scorecard 'bench' as the SQL above makes it
#    (docs/explain.md, "Reason codes": points lost = baseline (the best
#    bin) - points, summed per code; the codes with a sum above 0, largest
#    first, equal ones in the order the codes first appear; at most 4)
INF = np.inf
CODES = ["AGE", "INC", "HOUS", "EMP", "DLQ", "DLQ_RECENT", "UTIL", "PROD"]   # first appearance
# characteristic: code, right closed, inner edges (numeric) or categories,
# points of the bins in order, the missing bin's points (None: none), the
# bins' own codes
CARD = [
    ("age", "AGE", False, [25, 35, 45, 60], [10, 22, 30, 38, 34], 12, {}),
    ("income", "INC", True, [1500, 3000, 5000, 8000], [5, 18, 28, 38, 45], 0, {}),
    ("housing", "HOUS", None, ["own", "mortgage", "rent", "family", "other"], [40, 35, 15, 25, 10], None, {}),
    ("employment_years", "EMP", False, [1, 3, 7, 15], [5, 15, 25, 35, 40], None, {}),
    ("delinq", "DLQ", False, [1, 2, 4], [55, 25, 10, -10], None, {1: "DLQ_RECENT"}),
    ("inquiries", "DLQ", False, [1, 3, 6], [30, 22, 12, 5], None, {}),
    ("utilization", "UTIL", False, [0.3, 0.5, 0.7, 0.9], [40, 30, 20, 10, 0], 15, {}),
    ("product", "PROD", None, ["mortgage", "auto", "card", "personal", "other"], [30, 25, 15, 10, 5], None, {}),
]
apps = read("/applicants.csv", keep_default_na=False, na_values=[""],
                   dtype={c[0]: (str if c[2] is None else float) for c in CARD})
n = len(apps)

def reason_codes(d):
    lost = np.zeros((len(d), len(CODES)))
    for name, code, right, edges, pts, miss, own in CARD:
        col = d[name]
        if right is None:                           # categories
            b = col.map({c: i for i, c in enumerate(edges)}).to_numpy(np.int64)
            allp = np.asarray(pts, float)
        else:                                       # [lo, hi) or (lo, hi]
            v = col.to_numpy(float)
            b = np.searchsorted(edges, v, side="left" if right else "right")
            allp = np.asarray(pts + ([miss] if miss is not None else []), float)
            if miss is not None:
                b = np.where(np.isnan(v), len(pts), b)
        l = allp.max() - allp[b]                    # baseline 'max': the best bin
        if own:
            bincode = np.array([CODES.index(own.get(i, code)) for i in range(len(allp))])
            c = bincode[b]
            for k in np.unique(bincode):
                lost[:, k] += np.where(c == k, l, 0.0)
        else:
            lost[:, CODES.index(code)] += l
    order = np.argsort(-lost, axis=1, kind="stable")[:, :4]
    top = np.take_along_axis(lost, order, axis=1)
    return np.where(top > 0, order, -1)

t_rc, R = best(REPS, lambda: reason_codes(apps))
names = np.array(CODES + [""])
theirs = [" ".join(names[r][r >= 0]) for r in R]
ours = read("/ours_codes.csv", header=None, keep_default_na=False, names=["applicant", "codes"])
print(f"T_RC_PY={t_rc:.1f}")
rc_bad = np.flatnonzero(ours["codes"].to_numpy() != np.array(theirs, dtype=object))
print(f"RC_BAD={len(rc_bad)}")
if len(rc_bad):
    i = rc_bad[0]
    print(f"RC_FIRST='applicant {ours['applicant'][i]}: ours {{{ours['codes'][i]}}}, NumPy {{{theirs[i]}}}'")
print(f"RC_N={len(ours)}")

# 2. fairness by group (docs/explain.md, "Fairness by group")
dec = read("/decisions.csv", keep_default_na=False, na_values=[""],
                  dtype={"grp": str, "declined": np.int8, "defaulted": np.int8, "pd": float})

def auc(p, y):
    """Mann-Whitney by average ranks, ties one half."""
    u, inv, cnt = np.unique(p, return_inverse=True, return_counts=True)
    avg = np.cumsum(cnt) - (cnt - 1) / 2.0
    n1 = int(y.sum()); n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return np.nan
    return (avg[inv][y].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0)

def fairness(d):
    left = int(d["grp"].isna().sum())
    d = d[d["grp"].notna()]
    y = d["defaulted"].to_numpy(bool); p = d["declined"].to_numpy(bool); has = d["pd"].notna().to_numpy()
    t = pd.DataFrame({"grp": d["grp"].to_numpy(), "tp": p & y, "fp": p & ~y, "fn": ~p & y, "tn": ~p & ~y,
                      "has": has, "ypd": y & has, "pd": d["pd"].to_numpy()})
    g = t.groupby("grp", sort=True).agg(tp=("tp", "sum"), fp=("fp", "sum"), fn=("fn", "sum"), tn=("tn", "sum"),
                                         n_pd=("has", "sum"), d_pd=("ypd", "sum"), mean_pd=("pd", "mean"))
    g["n"] = g.tp + g.fp + g.fn + g.tn
    g["declined"] = g.tp + g.fp
    g["defaults"] = g.tp + g.fn
    with np.errstate(invalid="ignore", divide="ignore"):
        g["selection_rate"] = g.declined / g.n
        g["tpr"] = g.tp / (g.tp + g.fn)
        g["fpr"] = g.fp / (g.fp + g.tn)
        g["default_rate"] = g.defaults / g.n
        g["pd_default_rate"] = g.d_pd / g.n_pd
    sub = t[has]
    g["auc"] = [auc(x["pd"].to_numpy(), x["ypd"].to_numpy()) for _, x in sub.groupby("grp", sort=True)]
    sr, tpr, fpr = g.selection_rate.to_numpy(), g.tpr.to_numpy(), g.fpr.to_numpy()
    across = {"rows": int(g.n.sum()), "rows_left_out": left, "worst_group": g.index[int(np.argmax(sr))],
              "dpd": sr.max() - sr.min(), "dpr": sr.min() / sr.max(),
              "eod": max(tpr.max() - tpr.min(), fpr.max() - fpr.min()),
              "eor": min(tpr.min() / tpr.max(), fpr.min() / fpr.max()),
              "eop": tpr.max() - tpr.min()}
    return g, across

t_fair, (G, A) = best(REPS_BIG, lambda: fairness(dec))
og = read("/ours_fair_groups.csv", header=None, keep_default_na=False, na_values=[""],
                 names=["grp", "n", "declined", "defaults", "selection_rate", "tpr", "fpr", "default_rate",
                        "n_pd", "mean_pd", "pd_default_rate", "auc"], dtype={"grp": str})
oa = read("/ours_fair.csv", header=None, keep_default_na=False,
                 names=["rows", "rows_left_out", "worst_group", "dpd", "dpr", "eod", "eor", "eop"]).iloc[0]
bad = []
if list(og["grp"]) != list(G.index):
    bad.append("groups")
else:
    for c in ["n", "declined", "defaults", "n_pd", "selection_rate", "tpr", "fpr", "default_rate", "pd_default_rate"]:
        if not np.array_equal(og[c].to_numpy(), G[c].to_numpy()):
            bad.append(c)
    for c in ["mean_pd", "auc"]:
        a, b = og[c].to_numpy(float), G[c].to_numpy(float)
        if not (np.abs(a - b) <= 1e-12 * np.maximum(1, np.abs(b))).all():
            bad.append(c)
for k in ["rows", "rows_left_out", "worst_group", "dpd", "dpr", "eod", "eor", "eop"]:
    if oa[k] != A[k]:
        bad.append(k)
auc_diff = np.abs(og["auc"].to_numpy(float) - G["auc"].to_numpy(float)).max() if len(og) == len(G) else np.nan
print(f"T_FAIR_PY={t_fair:.1f}")
print(f"FAIR_BAD='{' '.join(bad)}'")
print(f"FAIR_AUC_DIFF={auc_diff:.1e}")

# 3. Shapley values: the network's PD on every coalition S (the
#    applicant's features in S, a background row's elsewhere) for all
#    2^10 coalitions x 100 background rows of an applicant at once; v(S)
#    the mean over the background; phi_j = sum over S without j of |S|!(d-|S|-1)!/d! (v(S+j) - v(S))
net = read("/net.csv", header=None).iloc[0]
wts, bias, mean, scale = (np.array(s.split(), dtype=float) for s in net)
bg = np.array([np.array(s.split(), dtype=float) for s in read("/background.csv", header=None)[0]])
sx = read("/shap_apps.csv", header=None, names=["applicant", "x"])
ours_s = read("/ours_shap.csv", header=None, names=["applicant", "base", "prediction", "phi"])
npy = len(ours_s)
X = np.array([np.array(s.split(), dtype=float) for s in sx["x"][:npy]])
d = X.shape[1]; H = len(wts) // (d + 1)
W1 = wts[:d * H].reshape(d, H); w2 = wts[d * H:]; b1 = bias[:H]; b2 = bias[H]
Zb = (bg - mean) / scale
S = np.arange(2 ** d)
M = ((S[:, None] >> np.arange(d)) & 1).astype(bool)          # coalitions x features
size = M.sum(axis=1)
fact = [1.0]
for k in range(1, d + 1):
    fact.append(fact[-1] * k)
wgt = np.array([fact[k] * fact[d - k - 1] / fact[d] if k < d else 0.0 for k in range(d + 1)])
without = [S[~M[:, j]] for j in range(d)]

# the first layer is linear: the pre-activation of coalition S and row b is
# U[b] + sum over j in S of (z_j - zb_bj) W1[j,:], two matrix products
# (coalitions x features times features x units, and times features x
# (rows x units)); twice as fast as forming the 2^d x B mixed rows
Mf = M.astype(float)
U = Zb @ W1 + b1                                               # B x H
T = (Zb[:, :, None] * W1[None, :, :]).transpose(1, 0, 2).reshape(d, -1)   # d x (B H)
B = len(Zb)

def shap_one(x):
    z = (x - mean) / scale
    pre = (Mf @ (z[:, None] * W1))[:, None, :] - (Mf @ T).reshape(2 ** d, B, H) + U[None, :, :]
    np.maximum(pre, 0.0, out=pre)
    f = 1.0 / (1.0 + np.exp(-(pre.reshape(-1, H) @ w2 + b2)))
    v = f.reshape(2 ** d, B).mean(axis=1)
    phi = np.array([(wgt[size[s]] * (v[s | (1 << j)] - v[s])).sum() for j, s in enumerate(without)])
    return v[0], v[-1], phi

def shap_all():
    return [shap_one(x) for x in X]
t_shap, res = best(1, shap_all)
base = np.array([r[0] for r in res]); pred = np.array([r[1] for r in res]); phi = np.array([r[2] for r in res])
ophi = np.array([np.array(s.split(), dtype=float) for s in ours_s["phi"]])
diff = max(np.abs(ours_s["base"].to_numpy() - base).max(), np.abs(ours_s["prediction"].to_numpy() - pred).max(),
           np.abs(ophi - phi).max())
nbad = int(((np.abs(ophi - phi) > 1e-9).any(axis=1) | (np.abs(ours_s["base"].to_numpy() - base) > 1e-9)
            | (np.abs(ours_s["prediction"].to_numpy() - pred) > 1e-9)).sum())
print(f"T_SHAP_PY={t_shap / npy * NS:.1f}")
print(f"T_SHAP_PY_MEASURED={t_shap:.1f}")
print(f"SHAP_PY_N={npy}")
print(f"SHAP_BAD={nbad}")
print(f"SHAP_DIFF={diff:.1e}")
print(f"SHAP_ADD={np.abs(phi.sum(axis=1) - (pred - base)).max():.1e}")
PY
) || { echo "$out"; echo "explain_bench: the NumPy peer failed" >&2; exit 1; }
    eval "$out"
    echo "  reason codes: ours and NumPy's differ for $RC_BAD of $(commas $RC_N) applicants${RC_FIRST:+ (first: $RC_FIRST)}"
    echo "  fairness: ours and pandas/NumPy's differ in: ${FAIR_BAD:-nothing} (largest AUC difference $FAIR_AUC_DIFF)"
    echo "  Shapley values: ours and NumPy's differ (1e-9) for $SHAP_BAD of $(commas $SHAP_PY_N) applicants (largest difference $SHAP_DIFF; NumPy's sum less prediction - base: $SHAP_ADD)"
    [[ $RC_BAD == 0 && -z $FAIR_BAD && $SHAP_BAD == 0 ]] || DIFFER=1
fi

echo
echo "== Timings"
ms "risk.reason_code_array, serial" "$T_RC_S"
ms "risk.reason_code_array, 2 workers" "$T_RC_P"
ms "NumPy/pandas reason codes" "$T_RC_PY" "python3-numpy python3-pandas"
ms "risk.fairness, serial" "$T_FAIR_S"
ms "risk.fairness, 2 workers" "$T_FAIR_P"
ms "pandas groupby + NumPy AUC" "$T_FAIR_PY" "python3-numpy python3-pandas"
ms "risk.shapley, serial" "$T_SHAP_S"
ms "risk.shapley, 2 workers" "$T_SHAP_P"
if [[ -n $T_SHAP_PY && $SHAP_PY_N != "$NS" ]]; then
    ms "NumPy enumeration (extrapolated, see below)" "$T_SHAP_PY"
    printf '    (NumPy timed on the first %s applicants: %.1f ms, %.2f ms an applicant, x %s)\n' \
        "$(commas $SHAP_PY_N)" "$T_SHAP_PY_MEASURED" "$(awk -v a="$T_SHAP_PY_MEASURED" -v n="$SHAP_PY_N" 'BEGIN{print a/n}')" "$(commas $NS)"
else
    ms "NumPy enumeration" "$T_SHAP_PY" "python3-numpy python3-pandas"
fi

echo
echo "== Summary (peer time / our time; above 1: ours is faster)"
best_of() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<b)?a:b}'; }
printf '  %-52s %8s\n' "reason codes (best of serial/parallel) vs NumPy" "$(bench_ratio "$T_RC_PY" "$(best_of "$T_RC_S" "$T_RC_P")")"
printf '  %-52s %8s\n' "fairness (best of serial/parallel) vs pandas/NumPy" "$(bench_ratio "$T_FAIR_PY" "$(best_of "$T_FAIR_S" "$T_FAIR_P")")"
printf '  %-52s %8s\n' "Shapley (best of serial/parallel) vs NumPy" "$(bench_ratio "$T_SHAP_PY" "$(best_of "$T_SHAP_S" "$T_SHAP_P")")"
# the timings are printed first, then a difference fails the benchmark
if [[ -n $DIFFER ]]; then
    echo "explain_bench: ours and NumPy's answers differ" >&2
    exit 1
fi
