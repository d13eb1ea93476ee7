#!/usr/bin/python3
"""Reference values of risk.lcr and risk.nsfr (sql/capital_liquidity.sql).

Independent of the extension: the Basel factors written out again from
BCBS 238 (January 2013) and BCBS 295 (October 2014), the LCR by the
formula of Annex 1 of BCBS 238 with adjusted = unadjusted amounts, in
exact rational arithmetic (fractions.Fraction of the decimal amounts and
factors), rounded once to float at the end.

Writes capital_liquidity_lcr_positions.csv, capital_liquidity_lcr_expected.csv,
capital_liquidity_nsfr_positions.csv and capital_liquidity_nsfr_expected.csv.
Run: /usr/bin/python3 test/data/capital_liquidity_reference.py (from the tree).
"""
import csv
import os
import random
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))

# category: (kind, factor) -- haircut for HQLA, run-off / inflow rate
LCR = {
    'cash': ('level1', '0'), 'central_bank_reserves': ('level1', '0'),
    'sovereign_0rw': ('level1', '0'), 'sovereign_domestic_non0rw': ('level1', '0'),
    'sovereign_20rw': ('level2a', '0.15'), 'corporate_debt_aa': ('level2a', '0.15'),
    'covered_bond_aa': ('level2a', '0.15'),
    'rmbs_aa': ('level2b', '0.25'), 'corporate_debt_a_bbb': ('level2b', '0.5'),
    'equity_major_index': ('level2b', '0.5'),
    'retail_stable': ('outflow', '0.05'), 'retail_less_stable': ('outflow', '0.10'),
    'small_business_stable': ('outflow', '0.05'), 'small_business_less_stable': ('outflow', '0.10'),
    'operational_deposits': ('outflow', '0.25'), 'operational_deposits_insured': ('outflow', '0.05'),
    'nonfinancial_corporate': ('outflow', '0.40'), 'nonfinancial_corporate_insured': ('outflow', '0.20'),
    'financial_wholesale': ('outflow', '1'), 'secured_funding_level1': ('outflow', '0'),
    'secured_funding_level2a': ('outflow', '0.15'), 'secured_funding_rmbs': ('outflow', '0.25'),
    'secured_funding_level2b': ('outflow', '0.5'), 'secured_funding_other': ('outflow', '1'),
    'derivatives_net_outflow': ('outflow', '1'), 'facility_retail': ('outflow', '0.05'),
    'facility_credit_corporate': ('outflow', '0.10'), 'facility_liquidity_corporate': ('outflow', '0.30'),
    'facility_bank': ('outflow', '0.40'), 'facility_credit_financial': ('outflow', '0.40'),
    'facility_liquidity_financial': ('outflow', '1'),
    'reverse_repo_level1': ('inflow', '0'), 'reverse_repo_level2a': ('inflow', '0.15'),
    'reverse_repo_rmbs': ('inflow', '0.25'), 'reverse_repo_level2b': ('inflow', '0.5'),
    'reverse_repo_other': ('inflow', '1'), 'retail_loans': ('inflow', '0.5'),
    'nonfinancial_wholesale_loans': ('inflow', '0.5'), 'financial_loans': ('inflow', '1'),
    'operational_deposits_held': ('inflow', '0'), 'derivatives_net_inflow': ('inflow', '1'),
}
NSFR = {
    'capital': ('asf', '1'), 'long_term_liabilities': ('asf', '1'), 'retail_stable': ('asf', '0.95'),
    'retail_less_stable': ('asf', '0.90'), 'wholesale_nonfinancial': ('asf', '0.5'),
    'operational_deposits': ('asf', '0.5'), 'wholesale_financial_6m_1y': ('asf', '0.5'),
    'other_liabilities': ('asf', '0'),
    'cash_reserves': ('rsf', '0'), 'level1_unencumbered': ('rsf', '0.05'),
    'loans_financial_level1_6m': ('rsf', '0.10'), 'level2a_unencumbered': ('rsf', '0.15'),
    'level2b_unencumbered': ('rsf', '0.5'), 'mortgages_35rw': ('rsf', '0.65'),
    'loans_over_35rw': ('rsf', '0.85'), 'other_assets': ('rsf', '1'),
    'off_balance_facilities': ('rsf', '0.05'),
}


def lcr(positions):
    s = {k: F(0) for k in ('level1', 'level2a', 'level2b', 'outflow', 'inflow')}
    for cat, amount in positions:
        kind, f = LCR[cat]
        a, f = F(amount), F(f)
        s[kind] += a * (1 - f) if kind.startswith('level') else a * f
    l1, l2a, l2b = s['level1'], s['level2a'], s['level2b']
    adj15 = max(l2b - F(15, 85) * (l1 + l2a), l2b - F(15, 60) * l1, F(0))
    adj40 = max(l2a + l2b - adj15 - F(2, 3) * l1, F(0))
    hqla = l1 + l2a + l2b - adj15 - adj40
    out, inf = s['outflow'], s['inflow']
    capped = min(inf, F(3, 4) * out)
    nco = out - capped
    ratio = hqla / nco if nco > 0 else None
    return [l1, l2a, l2b, adj15, adj40, hqla, out, inf, capped, nco, ratio]


def nsfr(positions):
    asf = sum((F(a) * F(NSFR[c][1]) for c, a in positions if NSFR[c][0] == 'asf'), F(0))
    rsf = sum((F(a) * F(NSFR[c][1]) for c, a in positions if NSFR[c][0] == 'rsf'), F(0))
    return [asf, rsf, asf / rsf if rsf > 0 else None]


# book 1: the balance sheet of docs/capital.md: both HQLA caps and the
# inflow cap bind
BOOK1 = [('cash', '50'), ('central_bank_reserves', '100'), ('sovereign_0rw', '150'),
         ('sovereign_20rw', '200'), ('corporate_debt_aa', '100'),
         ('rmbs_aa', '80'), ('corporate_debt_a_bbb', '60'), ('equity_major_index', '40'),
         ('retail_stable', '2000'), ('retail_less_stable', '1000'), ('operational_deposits', '400'),
         ('nonfinancial_corporate', '500'), ('financial_wholesale', '150'),
         ('secured_funding_level2a', '200'), ('facility_credit_corporate', '300'),
         ('derivatives_net_outflow', '40'),
         ('retail_loans', '400'), ('financial_loans', '300'), ('reverse_repo_level2a', '100'),
         ('derivatives_net_inflow', '60')]
# book 2: no cap binds
BOOK2 = [('cash', '80'), ('central_bank_reserves', '900.5'), ('sovereign_0rw', '300'),
         ('covered_bond_aa', '200'), ('rmbs_aa', '40'), ('equity_major_index', '20'),
         ('retail_stable', '5000'), ('small_business_less_stable', '700'),
         ('nonfinancial_corporate_insured', '1000'), ('facility_retail', '2000'),
         ('retail_loans', '300'), ('operational_deposits_held', '100'), ('reverse_repo_level1', '250')]
# book 3: the 15% cap alone binds (level 2B large, level 2A none)
BOOK3 = [('sovereign_0rw', '300'), ('corporate_debt_a_bbb', '200'),
         ('retail_less_stable', '2000'), ('financial_loans', '50')]
# book 4: the 40% cap alone binds (level 2A large, no level 2B); inflows capped
BOOK4 = [('cash', '100'), ('sovereign_20rw', '235.3'),
         ('financial_wholesale', '100'), ('financial_loans', '90')]
# book 5: no outflow: net cash outflows 0, LCR NULL
BOOK5 = [('cash', '10'), ('retail_loans', '20')]
# book 6: one category in many rows, amounts with many digits
BOOK6 = [('cash', '0.1')] * 7 + [('retail_stable', '1.3')] * 11 + [('sovereign_20rw', '0.7')] * 3


def main():
    rnd = random.Random(20261204)
    books = {1: BOOK1, 2: BOOK2, 3: BOOK3, 4: BOOK4, 5: BOOK5, 6: BOOK6}
    cats = sorted(LCR)
    for b in range(10, 40):     # random books for GROUP BY and parallel
        books[b] = [(rnd.choice(cats), '%.2f' % rnd.uniform(0, 1000)) for _ in range(rnd.randint(1, 400))]
    nbooks = {1: [('capital', '300'), ('long_term_liabilities', '700'), ('retail_stable', '2000'),
                  ('retail_less_stable', '1000'), ('wholesale_nonfinancial', '500'),
                  ('operational_deposits', '400'), ('wholesale_financial_6m_1y', '100'),
                  ('other_liabilities', '250'),
                  ('cash_reserves', '150'), ('level1_unencumbered', '150'),
                  ('loans_financial_level1_6m', '100'), ('level2a_unencumbered', '300'),
                  ('level2b_unencumbered', '180'), ('mortgages_35rw', '2000'),
                  ('loans_over_35rw', '1500'), ('other_assets', '400'),
                  ('off_balance_facilities', '300')],
              2: [('capital', '10'), ('cash_reserves', '5')]}
    ncats = sorted(NSFR)
    for b in range(10, 40):
        nbooks[b] = [(rnd.choice(ncats), '%.2f' % rnd.uniform(0, 1000)) for _ in range(rnd.randint(1, 400))]

    def fl(x):
        return '' if x is None else repr(float(x))

    with open(os.path.join(HERE, 'capital_liquidity_lcr_positions.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['book', 'category', 'amount'])
        for b, ps in books.items():
            for c, a in ps:
                w.writerow([b, c, a])
    with open(os.path.join(HERE, 'capital_liquidity_lcr_expected.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['book', 'level1', 'level2a', 'level2b', 'adjustment_15', 'adjustment_40', 'hqla',
                    'outflows', 'inflows', 'inflows_capped', 'net_outflows', 'lcr'])
        for b, ps in books.items():
            w.writerow([b] + [fl(x) for x in lcr(ps)])
    with open(os.path.join(HERE, 'capital_liquidity_nsfr_positions.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['book', 'category', 'amount'])
        for b, ps in nbooks.items():
            for c, a in ps:
                w.writerow([b, c, a])
    with open(os.path.join(HERE, 'capital_liquidity_nsfr_expected.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['book', 'asf', 'rsf', 'nsfr'])
        for b, ps in nbooks.items():
            w.writerow([b] + [fl(x) for x in nsfr(ps)])
    for b in (1, 2, 3, 4, 5, 6):
        print('lcr book', b, [fl(x) for x in lcr(books[b])])
    print('nsfr book 1', [fl(x) for x in nsfr(nbooks[1])])


main()
