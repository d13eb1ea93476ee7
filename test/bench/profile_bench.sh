#!/usr/bin/env bash
#
# profile_bench.sh - benchmark of the personalized-risk area (docs/profile.md)
# against the same work in pandas and NumPy, measured in one run, for
# 1,000,000 customers with 10 holdings each (10,000,000 holdings) of a
# catalogue of 40 products with 500 days of returns:
#
#   1. Risk profiles: risk.risk_profile of every customer (answers and
#      situation as JSON; the shipped questionnaire and capacity policy) vs
#      the same rules in NumPy over a DataFrame with a column per answer and
#      per situation figure.
#   2. Portfolio VaR: risk.portfolio_risk(amount, returns, '{"n_paths": 0}')
#      GROUP BY customer (the daily P&L of each portfolio, its 99% historical
#      VaR and ES) vs NumPy: the customers x products amount matrix times the
#      products' returns (a BLAS product, in blocks), then a type-7 quantile
#      and the mean beyond it per row.
#   3. Suitability: risk.suitability of each customer's 10 holdings (risk
#      class, holding period, complexity, weights, a one-year loss) vs the
#      same rules in NumPy on (customers x 10) arrays.
#
# Every answer is compared: the profiles' classes and tolerated losses, each
# portfolio's VaR and ES (relative 1e-9) and each verdict with its factors;
# a mismatch fails the benchmark.  Ours is timed in SQL on a throwaway
# cluster (pg_virtualenv), serial and with 2 parallel workers, including the
# scan of its tables; the peers inside Python on data already in memory.
# Best of 3 (of 2 for the large ones).  Prints timings and ratios (peer /
# ours: above 1 means we are faster).  Exits 0 whatever the ratios, non-zero
# when a query, a peer or a comparison fails.
#
# Run from the repository root:  bash test/bench/profile_bench.sh
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
    bench_setup profile_bench python3-numpy python3-pandas
    dir=$(user_copy)
    trap 'rm -rf "$dir"' EXIT
    as_user "$dir" "BENCH_SMOKE='${BENCH_SMOKE:-}' pg_virtualenv -v $PG_MAJOR -o shared_buffers=2GB -o work_mem=1GB -o max_parallel_workers_per_gather=2 bash test/bench/profile_bench.sh --inner" 2>&1 |
        grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
    exit 0
fi

# ---- inside the throwaway cluster, as its owner, in a copy of the tree ----
if bench_smoke; then
    N=2000 REPS=1 REPS_BIG=1
else
    N=1000000 REPS=3 REPS_BIG=2
fi
NH=10 NP=40 DAYS=500
W=$(pwd)/bench-work
mkdir -p "$W"
PY=/usr/bin/python3
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
ms() {   # ms LABEL MS|"" PACKAGES: a timing row, or the note of a skipped peer
    if [[ -n $2 ]]; then printf '  %-46s %10.1f ms\n' "$1" "$2"; else bench_skip "$1" "$3"; fi
}
HAVE_PY=; bench_have_py numpy pandas && HAVE_PY=1

psql_q -c "CREATE EXTENSION risk" >/dev/null
echo "== making data: $(commas $N) customers, $NH holdings each, $NP products, $DAYS days"
psql_q <<SQL
SELECT setseed(0.4242);
-- the catalogue, by rising risk class 1..7 (about 6 products each): a
-- holding period growing with the class, every 9th product complex, and
-- 500 daily returns (Gaussian, a volatility growing with the class);
-- the arrays stay in the row (storage main: 4 kB, never out of line)
CREATE TABLE products (product int PRIMARY KEY, risk_class int, rhp float8, complex boolean,
                       returns float8[]);
ALTER TABLE products ALTER COLUMN returns SET STORAGE MAIN;
INSERT INTO products
SELECT p, c, (ARRAY[0.5, 1, 2, 3, 5, 5, 7])[c], p % 9 = 0,
       ARRAY(SELECT 0.0002 * c + 0.0025 * c * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + 0 * p
             FROM generate_series(1, $DAYS))
FROM (SELECT p, 1 + (p - 1) * 7 / $NP AS c FROM generate_series(1, $NP) p) x;
CREATE TABLE customers AS
SELECT c AS customer,
       jsonb_build_object(
           'objective', (ARRAY['preserve', 'income', 'balanced', 'growth', 'max_growth'])[1 + floor(random() * 5)::int],
           'fall', (ARRAY['sell_all', 'sell_some', 'hold', 'buy_more'])[1 + floor(random() * 4)::int],
           'loss', (ARRAY['none', 'up_to_5', 'up_to_10', 'up_to_20', 'over_20'])[1 + floor(random() * 5)::int],
           'priority', (ARRAY['safety', 'mostly_safety', 'balance', 'mostly_return', 'return'])[1 + floor(random() * 5)::int],
           'knowledge', (ARRAY['none', 'basic', 'good'])[1 + floor(random() * 3)::int],
           'experience', (ARRAY['none', 'under_3', '3_or_more'])[1 + floor(random() * 3)::int],
           'complex', (ARRAY['never', 'occasionally', 'regularly'])[1 + floor(random() * 3)::int]) AS answers,
       jsonb_build_object(
           'horizon_years', (ARRAY[0.5, 1, 2, 3, 5, 7, 10, 15, 25])[1 + floor(random() * 9)::int],
           'annual_income', round(exp(10.6 + 0.9 * random())::numeric, -2),
           'income_stability', (ARRAY['stable', 'stable', 'variable', 'none'])[1 + floor(random() * 4)::int],
           'investable_wealth', round(exp(9.5 + 3 * random())::numeric, -2),
           'monthly_expenses', round((1200 + 2500 * random())::numeric, -1),
           'monthly_debt_service', round((CASE WHEN random() < 0.4 THEN 1500 * random() ELSE 0 END)::numeric, -1),
           'dependants', floor(random() * 3.5)::int,
           'emergency_reserve', round((CASE WHEN random() < 0.3 THEN 20000 * random() ELSE 0 END)::numeric, -2)) AS situation
FROM generate_series(1, $N) c;
ALTER TABLE customers ADD PRIMARY KEY (customer);
-- 10 distinct products each, among the first m of the catalogue (m
-- random, 10 to 40: up to a random highest class), amounts of 1,000 to
-- 50,000
CREATE TABLE holdings AS
SELECT c.customer, 1 + (c.base + k) % c.m AS product,
       round((1000 + 49000 * random())::numeric, 2)::float8 AS amount
FROM (SELECT customer, m, floor(random() * m)::int AS base
      FROM (SELECT customer, $NH + floor(random() * ($NP - $NH + 1))::int AS m FROM customers) x) c,
     generate_series(0, $NH - 1) k;
ANALYZE products; ANALYZE customers; ANALYZE holdings;
SQL
psql_q -c "COPY (SELECT customer, answers->>'objective' AS objective, answers->>'fall' AS fall, answers->>'loss' AS loss,
                        answers->>'priority' AS priority, answers->>'knowledge' AS knowledge,
                        answers->>'experience' AS experience, answers->>'complex' AS complex,
                        situation->>'horizon_years' AS horizon_years, situation->>'annual_income' AS annual_income,
                        situation->>'income_stability' AS income_stability,
                        situation->>'investable_wealth' AS investable_wealth,
                        situation->>'monthly_expenses' AS monthly_expenses,
                        situation->>'monthly_debt_service' AS monthly_debt_service,
                        situation->>'dependants' AS dependants, situation->>'emergency_reserve' AS emergency_reserve
                 FROM customers ORDER BY customer) TO STDOUT (FORMAT csv, HEADER)" > "$W/customers.csv"
psql_q -c "COPY (SELECT customer, product, amount FROM holdings ORDER BY customer, product) TO STDOUT (FORMAT csv, HEADER)" > "$W/holdings.csv"
psql_q -c "COPY (SELECT product, risk_class, rhp, complex, array_to_string(returns, ' ') AS returns FROM products ORDER BY product)
           TO STDOUT (FORMAT csv, HEADER)" > "$W/products.csv"

# ---- 1. profiles --------------------------------------------------------
echo "== 1. Risk profiles of $(commas $N) customers"
Q_PROF="SELECT count(*), sum(p.risk_class), sum(p.tolerated_loss), sum(cardinality(p.flags))
        FROM customers c, risk.risk_profile(c.answers, c.situation) p"
T_PROF_S=$(bench_time_sql 0 $REPS "$Q_PROF")
T_PROF_P=$(bench_time_sql 2 $REPS "$Q_PROF")
psql_q -c "COPY (SELECT c.customer, p.willingness_class, p.capacity_class, p.risk_class, p.binding,
                        p.tolerated_loss, array_to_string(p.flags, ' ')
                 FROM customers c, risk.risk_profile(c.answers, c.situation) p ORDER BY c.customer)
           TO STDOUT (FORMAT csv)" > "$W/ours_profiles.csv"

# ---- 2. portfolio VaR ---------------------------------------------------
echo "== 2. 99% 1-day historical VaR and ES of $(commas $N) portfolios ($(commas $((N * NH))) holdings, $DAYS days)"
Q_VAR="SELECT count(*), sum((r).var), sum((r).es)
       FROM (SELECT h.customer, risk.portfolio_risk(h.amount, p.returns, '{\"n_paths\": 0}') r
             FROM holdings h JOIN products p USING (product) GROUP BY h.customer) s"
T_VAR_S=$(bench_time_sql 0 $REPS_BIG "$Q_VAR")
T_VAR_P=$(bench_time_sql 2 $REPS_BIG "$Q_VAR")
psql_q <<SQL
CREATE TABLE ours_var AS
SELECT h.customer, risk.portfolio_risk(h.amount, p.returns, '{"n_paths": 0}') r
FROM holdings h JOIN products p USING (product) GROUP BY h.customer;
SQL
psql_q -c "COPY (SELECT customer, (r).days, (r).value, (r).var, (r).es FROM ours_var ORDER BY customer)
           TO STDOUT (FORMAT csv)" > "$W/ours_var.csv"

# ---- 3. suitability -----------------------------------------------------
# each customer's holdings as arrays, the profile, and a one-year loss: the
# 1-day VaR scaled by the square root of 252 days
echo "== 3. Suitability of $(commas $N) portfolios of $NH holdings"
psql_q <<SQL
CREATE TABLE suit_in AS
SELECT c.customer, p AS profile, a.classes, a.periods, a.complex, a.amounts, (v.r).var * sqrt(252) AS loss
FROM customers c CROSS JOIN LATERAL risk.risk_profile(c.answers, c.situation) p
     JOIN (SELECT h.customer,
                  array_agg(pr.risk_class ORDER BY h.product) AS classes,
                  array_agg(pr.rhp ORDER BY h.product) AS periods,
                  array_agg(pr.complex ORDER BY h.product) AS complex,
                  array_agg(h.amount ORDER BY h.product) AS amounts
           FROM holdings h JOIN products pr USING (product) GROUP BY h.customer) a USING (customer)
     JOIN ours_var v USING (customer);
ANALYZE suit_in;
SQL
Q_SUIT="SELECT s.verdict, count(*), sum(cardinality(s.factors)), sum(jsonb_array_length(s.reasons))
        FROM suit_in i, risk.suitability(i.profile, i.classes, i.periods, i.complex, i.amounts, i.loss) s
        GROUP BY s.verdict"
T_SUIT_S=$(bench_time_sql 0 $REPS "$Q_SUIT")
T_SUIT_P=$(bench_time_sql 2 $REPS "$Q_SUIT")
psql_q -c "COPY (SELECT i.customer, s.verdict, array_to_string(s.factors, ' '), i.loss
                 FROM suit_in i, risk.suitability(i.profile, i.classes, i.periods, i.complex, i.amounts, i.loss) s
                 ORDER BY i.customer) TO STDOUT (FORMAT csv)" > "$W/ours_suit.csv"
psql_q -c "SELECT '  verdicts: ' || string_agg(verdict || ' ' || n, ', ' ORDER BY verdict)
           FROM (SELECT (risk.suitability(profile, classes, periods, complex, amounts, loss)).verdict, count(*) n
                 FROM suit_in GROUP BY 1) s"

# ---- the peers, and every answer compared -------------------------------
T_PROF_PY= T_VAR_PY= T_SUIT_PY=
if [[ -n $HAVE_PY ]]; then
    out=$($PY - "$W" "$REPS" "$REPS_BIG" <<'PY'
import sys, time, numpy as np, pandas as pd
W, REPS, REPS_BIG = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def best(reps, f):
    b, r = 1e99, None
    for _ in range(reps):
        t = time.perf_counter(); r = f(); b = min(b, time.perf_counter() - t)
    return 1000 * b, r

cust = pd.read_csv(W + "/customers.csv", keep_default_na=False, na_values=[""])
hold = pd.read_csv(W + "/holdings.csv")
prod = pd.read_csv(W + "/products.csv")
R = np.array([np.array(s.split(), dtype=float) for s in prod["returns"]])   # products x days
n = len(cust)

# 1. profiles: the shipped questionnaire 'standard' and policy 'standard'
#    (docs/profile.md, "Risk profile"; the rules as in
#    test/data/profile_customers_reference.py, here over whole columns)
PTS = {"objective": {"preserve": 0, "income": 3, "balanced": 6, "growth": 9, "max_growth": 12},
       "fall": {"sell_all": 0, "sell_some": 4, "hold": 8, "buy_more": 12},
       "loss": {"none": 0, "up_to_5": 3, "up_to_10": 6, "up_to_20": 9, "over_20": 12},
       "priority": {"safety": 0, "mostly_safety": 3, "balance": 6, "mostly_return": 9, "return": 12},
       "knowledge": {"none": 0, "basic": 2, "good": 4},
       "experience": {"none": 0, "under_3": 2, "3_or_more": 4},
       "complex": {"never": 0, "occasionally": 2, "regularly": 4}}
CONFLICTS = [("experience_contradicts_knowledge", "knowledge", "none", "complex", "regularly"),
             ("objective_contradicts_loss", "objective", "preserve", "loss", "over_20"),
             ("objective_contradicts_priority", "objective", "preserve", "priority", "return"),
             ("reaction_contradicts_objective", "fall", "sell_all", "objective", "max_growth")]
FLAGS = ["short_horizon_aggressive", "willingness_beyond_capacity", "reserve_not_covered",
         "debt_service_high", "aggressive_without_knowledge"] + [c[0] for c in CONFLICTS]
LOSS_BOUNDS = np.array([0.0097, 0.094, 0.21, 0.33, 0.46, 0.84])
TOP = np.append(LOSS_BOUNDS, 1.0)

def profiles(d):
    will = sum(d[k].map(PTS[k]).to_numpy(float) for k in ("objective", "fall", "loss", "priority"))
    know = sum(d[k].map(PTS[k]).fillna(0).to_numpy(float) for k in ("knowledge", "experience", "complex"))
    ws = 100 * will / 48
    wc = 1 + np.searchsorted([12.5, 25, 40, 55, 70, 85], ws, side="right")
    ks = 100 * know / 12
    complex_ok = ks >= 60
    h = d["horizon_years"].to_numpy(float)
    inc = d["annual_income"].to_numpy(float)
    wealth = d["investable_wealth"].to_numpy(float)
    debt = d["monthly_debt_service"].to_numpy(float)
    deps = d["dependants"].to_numpy(float)
    outgo = d["monthly_expenses"].to_numpy(float) + debt
    reserve = outgo * (6 + deps)
    gap = np.maximum(0, reserve - d["emergency_reserve"].to_numpy(float))
    free = np.maximum(0, wealth - gap)
    stab = d["income_stability"].map({"stable": 0.5, "variable": 0.25, "none": 0.0}).to_numpy(float)
    surplus = np.maximum(0, inc - 12 * outgo) * stab
    share = np.array([0.05, 0.15, 0.3, 0.45, 0.6])[np.searchsorted([1, 3, 5, 10], h, side="right")] * 0.9 ** deps
    max_loss = np.minimum(share * free + surplus, wealth)
    ratio = np.divide(max_loss, wealth, out=np.zeros(n), where=wealth > 0)
    cc = 1 + np.searchsorted(LOSS_BOUNDS, ratio, side="right")
    with np.errstate(divide="ignore", invalid="ignore"):
        dsr = np.where(inc > 0, 12 * debt / inc, np.where(debt > 0, np.inf, 0.0))
    high_debt = dsr > 0.4
    cc = np.where(high_debt, np.minimum(cc, 3), cc)
    rc = np.minimum(wc, cc)
    binding = np.where(wc < cc, "willingness", np.where(wc > cc, "capacity", "both"))
    tol = np.minimum(max_loss, TOP[rc - 1] * wealth)
    flags = np.column_stack([(wc >= 5) & (h < 1), wc - cc >= 2, gap > wealth, high_debt,
                             (wc >= 6) & (ks == 0)]
                            + [(d[a] == x).to_numpy() & (d[b] == y).to_numpy() for _, a, x, b, y in CONFLICTS])
    return wc, cc, rc, binding, tol, flags, complex_ok, h

t_prof, P = best(REPS, lambda: profiles(cust))
wc, cc, rc, binding, tol, flags, complex_ok, horizon = P
ours = pd.read_csv(W + "/ours_profiles.csv", header=None, keep_default_na=False,
                   names=["customer", "wc", "cc", "rc", "binding", "tol", "flags"])
theirs_flags = [" ".join(FLAGS[j] for j in np.flatnonzero(row)) for row in flags]
bad = ((ours["wc"].to_numpy() != wc) | (ours["cc"].to_numpy() != cc) | (ours["rc"].to_numpy() != rc)
       | (ours["binding"].to_numpy() != binding)
       | (np.abs(ours["tol"].to_numpy() - tol) > 1e-9 * np.maximum(1, np.abs(tol)))
       | (ours["flags"].to_numpy() != np.array(theirs_flags)))
print(f"T_PROF_PY={t_prof:.1f}")
print(f"PROF_BAD={int(bad.sum())}")
print(f"PROF_CLASSES='{' '.join(str(int((rc == k).sum())) for k in range(1, 8))}'")

# 2. portfolio VaR: amounts (customers x products) times returns, in blocks
cust_idx = hold["customer"].to_numpy() - 1
prod_idx = hold["product"].to_numpy() - 1
amt = hold["amount"].to_numpy(float)
def portfolio_var():
    A = np.zeros((n, R.shape[0]))
    A[cust_idx, prod_idx] = amt
    var = np.empty(n); es = np.empty(n)
    for s in range(0, n, 50000):
        pnl = A[s:s + 50000] @ R                      # customers x days
        q = np.quantile(pnl, 0.01, axis=1, method="linear")
        below = pnl < q[:, None]
        cnt = below.sum(axis=1)
        tail = np.where(below, pnl, 0).sum(axis=1)
        var[s:s + 50000] = -q
        es[s:s + 50000] = np.where(cnt > 0, -tail / np.maximum(cnt, 1), -q)
    return var, es
t_var, (var, es) = best(REPS_BIG, portfolio_var)
ov = pd.read_csv(W + "/ours_var.csv", header=None, names=["customer", "days", "value", "var", "es"])
rel = lambda a, b: np.abs(a - b) / np.maximum(np.abs(b), 1e-300)
var_rel = max(rel(ov["var"].to_numpy(), var).max(), rel(ov["es"].to_numpy(), es).max())
print(f"T_VAR_PY={t_var:.1f}")
print(f"VAR_BAD={int(((rel(ov['var'].to_numpy(), var) > 1e-9) | (rel(ov['es'].to_numpy(), es) > 1e-9) | (ov['days'].to_numpy() != R.shape[1])).sum())}")
print(f"VAR_REL={var_rel:.1e}")

# 3. suitability: the holdings of each customer as (customers x 10) arrays
#    by product, the one-year loss as ours (1-day VaR x sqrt 252)
order = np.lexsort((prod_idx, cust_idx))
k = np.bincount(cust_idx, minlength=n).max()
cls = prod["risk_class"].to_numpy()[prod_idx[order]].reshape(n, k)
rhp = prod["rhp"].to_numpy(float)[prod_idx[order]].reshape(n, k)
cx = (prod["complex"].to_numpy() == "t")[prod_idx[order]].reshape(n, k)
wt = amt[order].reshape(n, k)
loss = pd.read_csv(W + "/ours_suit.csv", header=None, keep_default_na=False,
                   names=["customer", "verdict", "factors", "loss"])
L = loss["loss"].to_numpy(float)
def suitability():
    f_class = (cls > rc[:, None]).any(axis=1)
    f_period = (rhp > horizon[:, None]).any(axis=1)
    f_know = (cx & ~complex_ok[:, None]).any(axis=1)
    w_conc = (wt / wt.sum(axis=1, keepdims=True) > 0.4).any(axis=1) & (k > 1)
    f_loss = L > tol
    w_loss = ~f_loss & (L > 0.8 * tol)
    fail = f_class | f_period | f_know | f_loss
    warn = w_conc | w_loss
    verdict = np.where(fail, "not suitable", np.where(warn, "suitable with warning", "suitable"))
    return verdict, f_class, f_period, f_know, w_conc, f_loss | w_loss
t_suit, S = best(REPS, suitability)
verdict, *facs = S
names = ["risk_class", "holding_period", "knowledge", "concentration", "loss_capacity"]
ours_f = loss["factors"].str.split()
theirs_f = [" ".join(sorted(names[j] for j in range(5) if facs[j][i])) for i in range(n)]
bad = (loss["verdict"].to_numpy() != verdict) | (np.array([" ".join(sorted(f)) for f in ours_f]) != np.array(theirs_f))
print(f"T_SUIT_PY={t_suit:.1f}")
print(f"SUIT_BAD={int(bad.sum())}")
PY
) || { echo "$out"; echo "profile_bench: the NumPy peer failed" >&2; exit 1; }
    eval "$out"
    echo "  profiles: classes 1..7: $PROF_CLASSES; ours and NumPy's differ for $PROF_BAD customers"
    echo "  portfolio VaR and ES: ours and NumPy's differ (relative 1e-9) for $VAR_BAD portfolios (largest relative difference $VAR_REL)"
    echo "  suitability: verdicts or factors differ for $SUIT_BAD portfolios"
    if [[ $PROF_BAD != 0 || $VAR_BAD != 0 || $SUIT_BAD != 0 ]]; then
        echo "profile_bench: ours and NumPy's answers differ" >&2
        exit 1
    fi
fi

echo
echo "== Timings"
ms "risk.risk_profile, serial" "$T_PROF_S"
ms "risk.risk_profile, 2 workers" "$T_PROF_P"
ms "NumPy/pandas profiles" "$T_PROF_PY" "python3-numpy python3-pandas"
ms "risk.portfolio_risk, serial" "$T_VAR_S"
ms "risk.portfolio_risk, 2 workers" "$T_VAR_P"
ms "NumPy portfolio VaR" "$T_VAR_PY" "python3-numpy python3-pandas"
ms "risk.suitability, serial" "$T_SUIT_S"
ms "risk.suitability, 2 workers" "$T_SUIT_P"
ms "NumPy suitability" "$T_SUIT_PY" "python3-numpy python3-pandas"

echo
echo "== Summary (peer time / our time; above 1: ours is faster)"
best_of() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<b)?a:b}'; }
printf '  %-52s %8s\n' "profiles (best of serial/parallel) vs NumPy/pandas" "$(bench_ratio "$T_PROF_PY" "$(best_of "$T_PROF_S" "$T_PROF_P")")"
printf '  %-52s %8s\n' "portfolio VaR (best of serial/parallel) vs NumPy" "$(bench_ratio "$T_VAR_PY" "$(best_of "$T_VAR_S" "$T_VAR_P")")"
printf '  %-52s %8s\n' "suitability (best of serial/parallel) vs NumPy" "$(bench_ratio "$T_SUIT_PY" "$(best_of "$T_SUIT_S" "$T_SUIT_P")")"
