#!/usr/bin/python3
# profile_customers_reference.py
#   Reference values of the risk profile (area profile): the profiles of
#   constructed customers under the shipped questionnaire 'standard' and
#   capacity policy 'standard', computed here from the rules as
#   docs/profile.md states them (not from the extension's code).  Run with
#   Debian's interpreter:
#   cd test/data && /usr/bin/python3 profile_customers_reference.py
#   (it writes next to itself; no randomness: every customer is written out
#   below or built from a fixed grid).
#
#   The rules (docs/profile.md, "Risk profile"):
#   willingness score = 100 x (points of the answers to the willingness
#     items) / (the most points those items give); an unanswered optional
#     item gives 0.  Class = 1 + #{b in class_bounds : b <= score}.
#   knowledge score = the same over the knowledge items (0 when none);
#     complex products allowed when knowledge score >= complex_min.
#   capacity: outgoings = monthly_expenses + monthly_debt_service;
#     reserve = outgoings x (reserve_months + per_dependant x dependants);
#     gap = max(0, reserve - emergency_reserve);
#     free = max(0, investable_wealth - gap);
#     surplus = max(0, annual_income - 12 outgoings) x share(stability)
#       (stable 0.5, variable 0.25, none 0);
#     band = #{b in horizon_bounds : b <= horizon}; share = horizon_share[band]
#       x (1 - dependant_reduction)^dependants;
#     max_loss = min(share x free + surplus, investable_wealth);
#     capacity score = 100 x max_loss / wealth (0 without wealth);
#     capacity class = 1 + #{b in loss_bounds : b <= max_loss / wealth};
#     debt service ratio = 12 x debt service / income (inf when debt and no
#       income, 0 when neither); above max_debt_service: class capped at
#       debt_cap_class and the flag debt_service_high.
#   profile class = min(willingness class, capacity class); binding =
#     willingness (lower), capacity (lower) or both; tolerated loss =
#     min(max_loss, top x wealth), top = loss_bounds[class - 1] (1 for 7).
#   flags, in this order: short_horizon_aggressive (willingness class >= 5
#     and horizon < 1), willingness_beyond_capacity (willingness class -
#     capacity class >= 2), reserve_not_covered (gap > wealth),
#     debt_service_high, aggressive_without_knowledge (willingness class >=
#     6 and knowledge score 0); then the questionnaire's conflicts whose two
#     answers were both given, by flag name.
#
#   profile_customers.csv: customer,answers,situation,willingness_score,
#     willingness_class,knowledge_score,complex_ok,capacity_score,
#     capacity_class,risk_class,binding,max_loss,tolerated_loss,
#     tolerated_share,debt_service_ratio,reserve,flags
#     answers and situation as the JSON text risk.risk_profile takes; flags
#     as a PostgreSQL text[] literal; floats written with repr.
#
#   profile_suitability.csv: customer,product,verdict,factors
#     every customer above against every product of PRODUCTS (risk class,
#     recommended holding period in years, complex) by the rules of
#     risk.suitability (docs/profile.md, "Suitability"): a class above the
#     profile's class, a holding period beyond the horizon, a complex
#     product without complex_ok each fail; the factors in the order
#     risk_class, holding_period, knowledge.
#   profile_portfolios.csv: customer,portfolio,classes,periods,complex,
#     weights,portfolio_loss,verdict,factors,reasons
#     proposed portfolios for a few customers, with weights (concentration:
#     a share above 0.4 warns when there are two holdings or more) and a
#     portfolio loss (above the tolerated loss fails, above 0.8 of it
#     warns); reasons as JSON text, in holding order then the portfolio's.
import csv
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
fmt = lambda v: "Infinity" if v == math.inf else repr(float(v) + 0.0)

# the shipped questionnaire 'standard' (src/sql/96_profile.sql)
ITEMS = {  # item: (kind, required, {answer: points})
    "objective": ("willingness", True, {"preserve": 0, "income": 3, "balanced": 6, "growth": 9,
                                        "max_growth": 12}),
    "fall": ("willingness", True, {"sell_all": 0, "sell_some": 4, "hold": 8, "buy_more": 12}),
    "loss": ("willingness", True, {"none": 0, "up_to_5": 3, "up_to_10": 6, "up_to_20": 9,
                                   "over_20": 12}),
    "priority": ("willingness", True, {"safety": 0, "mostly_safety": 3, "balance": 6,
                                       "mostly_return": 9, "return": 12}),
    "knowledge": ("knowledge", True, {"none": 0, "basic": 2, "good": 4}),
    "experience": ("knowledge", True, {"none": 0, "under_3": 2, "3_or_more": 4}),
    "complex": ("knowledge", False, {"never": 0, "occasionally": 2, "regularly": 4}),
}
CLASS_BOUNDS = [12.5, 25, 40, 55, 70, 85]
COMPLEX_MIN = 60
CONFLICTS = [("objective", "preserve", "loss", "over_20", "objective_contradicts_loss"),
             ("objective", "preserve", "priority", "return", "objective_contradicts_priority"),
             ("fall", "sell_all", "objective", "max_growth", "reaction_contradicts_objective"),
             ("knowledge", "none", "complex", "regularly", "experience_contradicts_knowledge")]
# the shipped policy 'standard'
POL = dict(reserve_months=6, per_dependant=1, max_debt_service=0.4, debt_cap_class=3,
           surplus={"stable": 0.5, "variable": 0.25, "none": 0.0},
           horizon_bounds=[1, 3, 5, 10], horizon_share=[0.05, 0.15, 0.3, 0.45, 0.6],
           dependant_reduction=0.1, loss_bounds=[0.0097, 0.094, 0.21, 0.33, 0.46, 0.84])


def klass(x, bounds):
    return 1 + sum(1 for b in bounds if b <= x)


def profile(answers, sit):
    got = {"willingness": 0.0, "knowledge": 0.0}
    most = {"willingness": 0.0, "knowledge": 0.0}
    for item, (kind, required, pts) in ITEMS.items():
        most[kind] += max(pts.values())
        a = answers.get(item)
        if a is not None:
            got[kind] += pts[a]
        else:
            assert not required
    ws = 100 * got["willingness"] / most["willingness"]
    wc = klass(ws, CLASS_BOUNDS)
    ks = 100 * got["knowledge"] / most["knowledge"] if most["knowledge"] > 0 else 0.0
    complex_ok = most["knowledge"] > 0 and ks >= COMPLEX_MIN
    h = sit["horizon_years"]
    income = sit["annual_income"]
    wealth = sit["investable_wealth"]
    debt = sit.get("monthly_debt_service", 0)
    deps = sit.get("dependants", 0)
    outgo = sit["monthly_expenses"] + debt
    reserve = outgo * (POL["reserve_months"] + POL["per_dependant"] * deps)
    gap = max(0.0, reserve - sit.get("emergency_reserve", 0))
    free = max(0.0, wealth - gap)
    surplus = income - 12 * outgo
    surplus = surplus * POL["surplus"][sit["income_stability"]] if surplus > 0 else 0.0
    band = sum(1 for b in POL["horizon_bounds"] if b <= h)
    share = POL["horizon_share"][band] * (1 - POL["dependant_reduction"]) ** deps
    max_loss = min(share * free + surplus, wealth)
    cs = 100 * max_loss / wealth if wealth > 0 else 0.0
    cc = klass(max_loss / wealth if wealth > 0 else 0.0, POL["loss_bounds"])
    dsr = 12 * debt / income if income > 0 else (math.inf if debt > 0 else 0.0)
    flags = []
    if wc >= 5 and h < 1:
        flags.append("short_horizon_aggressive")
    high_debt = dsr > POL["max_debt_service"]
    if high_debt:
        cc = min(cc, POL["debt_cap_class"])
    if wc - cc >= 2:
        flags.append("willingness_beyond_capacity")
    if gap > wealth:
        flags.append("reserve_not_covered")
    if high_debt:
        flags.append("debt_service_high")
    if wc >= 6 and ks == 0:
        flags.append("aggressive_without_knowledge")
    for ia, aa, ib, ab, flag in sorted(CONFLICTS, key=lambda c: c[4]):
        if answers.get(ia) == aa and answers.get(ib) == ab and flag not in flags:
            flags.append(flag)
    rc = min(wc, cc)
    binding = "willingness" if wc < cc else "capacity" if wc > cc else "both"
    top = POL["loss_bounds"][rc - 1] if rc < 7 else 1.0
    tol = min(max_loss, top * wealth)
    return [fmt(ws), wc, fmt(ks), "t" if complex_ok else "f", fmt(cs), cc, rc, binding,
            fmt(max_loss), fmt(tol), fmt(tol / wealth if wealth > 0 else 0.0), fmt(dsr),
            fmt(reserve), "{" + ",".join(flags) + "}"]


# products: risk class 1..7, recommended holding period (years), complex
PRODUCTS = {
    "money_market": (1, 0.25, False), "short_bond": (2, 1, False), "bond_fund": (3, 3, False),
    "balanced_fund": (4, 5, False), "equity_fund": (5, 5, False), "em_equity": (6, 7, False),
    "crypto_note": (7, 3, True), "capital_protected": (2, 6, True), "reverse_convertible": (5, 1, True),
}
# proposed portfolios: customer, id, holdings, weights, portfolio loss over a year
PORTFOLIOS = [
    ("willingness_2", "balanced", ["money_market", "bond_fund", "balanced_fund"], [30000, 40000, 30000], 8000.0),
    ("willingness_2", "concentrated", ["bond_fund", "money_market"], [90000, 10000], 5000.0),
    ("willingness_2", "near_limit", ["bond_fund", "money_market", "short_bond"], [40000, 30000, 30000], 300000.0),
    ("willingness_2", "over_limit", ["bond_fund", "money_market", "short_bond"], [40000, 30000, 30000], 330000.5),
    ("willingness_4", "bold", ["equity_fund", "em_equity", "crypto_note"], [400000, 400000, 200000], 300000.0),
    ("expert", "complex_ok", ["capital_protected", "short_bond"], [50000, 50000], 1000.0),
    ("willingness_0", "too_risky", ["equity_fund", "money_market"], [20000, 80000], 12000.0),
    ("horizon_0.5", "too_long", ["bond_fund"], [100000], 100.0),
]
BASE = dict(horizon_years=7, annual_income=60000, income_stability="stable",
            investable_wealth=100000, monthly_expenses=2000)
ANS = {"objective": "balanced", "fall": "hold", "loss": "up_to_10", "priority": "balance",
       "knowledge": "basic", "experience": "under_3", "complex": "never"}


def main():
    customers = []

    def add(name, answers, sit):
        customers.append((name, answers, sit))

    # willingness from the most cautious to the boldest answers
    order = {k: list(v[2]) for k, v in ITEMS.items()}
    for lvl in range(5):
        a = dict(ANS)
        for k in ("objective", "fall", "loss", "priority"):
            opts = order[k]
            a[k] = opts[min(lvl, len(opts) - 1)]
        add("willingness_%d" % lvl, a, dict(BASE, investable_wealth=1e6, horizon_years=15))
    # the willingness class bounds: scores 12.5 (class 2) and 11.36 (class 1)
    add("score_at_bound", dict(ANS, objective="preserve", fall="sell_some", loss="none",
                               priority="mostly_safety"), dict(BASE))     # 7/48 = 14.6
    add("score_below_bound", dict(ANS, objective="income", fall="sell_all", loss="up_to_5",
                                  priority="safety"), dict(BASE))        # 6/48 = 12.5
    add("score_under", dict(ANS, objective="income", fall="sell_all", loss="none",
                            priority="safety"), dict(BASE))              # 3/48
    # knowledge: optional item left out, JSON null, complex products
    a = dict(ANS)
    del a["complex"]
    add("complex_unanswered", a, dict(BASE))
    add("complex_null", dict(ANS, complex=None), dict(BASE))
    add("expert", dict(ANS, knowledge="good", experience="3_or_more", complex="occasionally"),
        dict(BASE))
    add("knowledge_at_min", dict(ANS, knowledge="good", experience="under_3", complex="never"),
        dict(BASE))                                                      # 6/12 = 50
    add("knowledge_60", dict(ANS, knowledge="good", experience="under_3", complex="occasionally"),
        dict(BASE))                                                      # 8/12 = 66.7
    # capacity: horizons across the bands, dependants, stability, reserve
    for h in (0.5, 1, 2.9, 3, 5, 9.99, 10, 30):
        add("horizon_%s" % h, dict(ANS), dict(BASE, horizon_years=h))
    for d in (0, 1, 3):
        add("dependants_%d" % d, dict(ANS), dict(BASE, dependants=d))
    for st in ("stable", "variable", "none"):
        add("income_" + st, dict(ANS), dict(BASE, income_stability=st))
    add("reserve_held", dict(ANS), dict(BASE, emergency_reserve=12000))
    add("reserve_not_covered", dict(ANS), dict(BASE, investable_wealth=5000))
    add("no_wealth", dict(ANS), dict(BASE, investable_wealth=0))
    add("no_income", dict(ANS), dict(BASE, annual_income=0, income_stability="none"))
    add("debt_no_income", dict(ANS), dict(BASE, annual_income=0, income_stability="none",
                                          monthly_debt_service=500))
    add("debt_high", dict(ANS, objective="max_growth", fall="buy_more", loss="over_20",
                          priority="return"),
        dict(BASE, horizon_years=20, investable_wealth=500000, monthly_debt_service=2100))
    add("debt_at_limit", dict(ANS), dict(BASE, monthly_debt_service=2000))  # 0.4 exactly
    add("rich_long", dict(ANS, objective="max_growth", fall="buy_more", loss="over_20",
                          priority="return", knowledge="good", experience="3_or_more"),
        dict(BASE, horizon_years=25, annual_income=400000, investable_wealth=200000,
             monthly_expenses=5000))
    # contradictions
    add("aggressive_short", dict(ANS, objective="max_growth", fall="buy_more", loss="over_20",
                                 priority="mostly_return"),
        dict(BASE, horizon_years=0.5))
    add("aggressive_no_knowledge", dict(ANS, objective="max_growth", fall="buy_more",
                                        loss="over_20", priority="return", knowledge="none",
                                        experience="none", complex="never"),
        dict(BASE, horizon_years=20, investable_wealth=1e6))
    add("conflicts", dict(ANS, objective="preserve", loss="over_20", priority="return",
                          knowledge="none", complex="regularly"), dict(BASE))
    add("sell_all_max_growth", dict(ANS, fall="sell_all", objective="max_growth"), dict(BASE))
    add("beyond_capacity", dict(ANS, objective="growth", fall="buy_more", loss="up_to_20",
                                priority="mostly_return"),
        dict(BASE, horizon_years=2, investable_wealth=40000, annual_income=30000,
             monthly_expenses=2200, dependants=2))
    # capacity classes either side of each loss bound: no income (no
    # surplus), horizon 30 (share 0.6), wealth 100,000 and monthly expenses
    # e, so that the reserve 6 e comes out of the wealth and max loss /
    # wealth = 0.6 (1 - 6 e / 100000); the last bound (0.84) from a surplus
    # instead: no expenses, a stable income I, ratio 0.6 + 0.5 I / 100000
    bold = dict(ANS, objective="max_growth", fall="buy_more", loss="over_20", priority="return")
    W = 100000.0
    for k, b in enumerate(POL["loss_bounds"]):
        for side, d in (("above", -1.0), ("below", 1.0)):
            if b < 0.6:
                e = W * (1 - b / 0.6) / 6 + d
                sit = dict(horizon_years=30, annual_income=0, income_stability="none",
                           investable_wealth=W, monthly_expenses=e)
            else:
                i = (b - 0.6) * W / 0.5 - 2 * d
                sit = dict(horizon_years=30, annual_income=i, income_stability="stable",
                           investable_wealth=W, monthly_expenses=0)
            add("capacity_bound_%d_%s" % (k + 1, side), dict(bold), sit)
    rows = []
    for name, answers, sit in customers:
        rows.append([name, json.dumps(answers, sort_keys=True), json.dumps(sit, sort_keys=True)]
                    + profile(answers, sit))
    with open(os.path.join(HERE, "profile_customers.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer", "answers", "situation", "willingness_score", "willingness_class",
                    "knowledge_score", "complex_ok", "capacity_score", "capacity_class",
                    "risk_class", "binding", "max_loss", "tolerated_loss", "tolerated_share",
                    "debt_service_ratio", "reserve", "flags"])
        w.writerows(rows)
    print("wrote profile_customers.csv: %d customers" % len(rows))
    profiles = {r[0]: r for r in rows}
    suit = []
    for name, answers, sit in customers:
        r = profiles[name]
        pclass, horizon, complex_ok = r[9], sit["horizon_years"], r[6] == "t"
        for pid, (cls, rhp, cx) in PRODUCTS.items():
            factors = []
            if cls > pclass:
                factors.append("risk_class")
            if rhp > horizon:
                factors.append("holding_period")
            if cx and not complex_ok:
                factors.append("knowledge")
            verdict = "not suitable" if factors else "suitable"
            suit.append([name, pid, verdict, "{" + ",".join(factors) + "}"])
    with open(os.path.join(HERE, "profile_suitability.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer", "product", "verdict", "factors"])
        w.writerows(suit)
    print("wrote profile_suitability.csv: %d checks, %d not suitable"
          % (len(suit), sum(1 for x in suit if x[2] != "suitable")))
    ports = []
    for name, pid, holdings, weights, loss in PORTFOLIOS:
        r = profiles[name]
        sit = dict(customers[[c[0] for c in customers].index(name)][2])
        pclass, horizon, complex_ok = r[9], sit["horizon_years"], r[6] == "t"
        tol = float(r[12])
        reasons, worst = [], 0
        wsum = sum(weights)
        for i, prod in enumerate(holdings):
            cls, rhp, cx = PRODUCTS[prod]
            if cls > pclass:
                reasons.append(("risk_class", i + 1, "fail", cls, pclass))
            if rhp > horizon:
                reasons.append(("holding_period", i + 1, "fail", rhp, horizon))
            if cx and not complex_ok:
                reasons.append(("knowledge", i + 1, "fail", 1, 0))
            if len(holdings) > 1 and weights[i] / wsum > 0.4:
                reasons.append(("concentration", i + 1, "warning", weights[i] / wsum, 0.4))
        if loss > tol:
            reasons.append(("loss_capacity", None, "fail", loss, tol))
        elif loss > 0.8 * tol:
            reasons.append(("loss_capacity", None, "warning", loss, 0.8 * tol))
        sev = [x[2] for x in reasons]
        verdict = ("not suitable" if "fail" in sev else
                   "suitable with warning" if "warning" in sev else "suitable")
        factors = []
        for x in reasons:
            if x[0] not in factors:
                factors.append(x[0])
        js = json.dumps([{"factor": f, "holding": h, "severity": sv, "value": v, "limit": l}
                         for f, h, sv, v, l in reasons])
        ports.append([name, pid, "{" + ",".join(str(PRODUCTS[p][0]) for p in holdings) + "}",
                      "{" + ",".join(repr(float(PRODUCTS[p][1])) for p in holdings) + "}",
                      "{" + ",".join("t" if PRODUCTS[p][2] else "f" for p in holdings) + "}",
                      "{" + ",".join(fmt(x) for x in weights) + "}", fmt(loss), verdict,
                      "{" + ",".join(factors) + "}", js])
    with open(os.path.join(HERE, "profile_portfolios.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer", "portfolio", "classes", "periods", "complex", "weights",
                    "portfolio_loss", "verdict", "factors", "reasons"])
        w.writerows(ports)
    print("wrote profile_portfolios.csv: %d portfolios" % len(ports))
    classes = sorted(set((r[4], r[8], r[9]) for r in rows))
    print("(willingness, capacity, profile) classes seen:", classes)


if __name__ == "__main__":
    main()
