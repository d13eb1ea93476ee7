-- risk upgrade script 0.2.1 -> 0.2.2.  Built by the Makefile: this head,
-- then the pieces 0.2.2 added or changed (what a new analyst meets on the
-- first day: windows that start with NULLs, levels written as tail
-- probabilities, order-dependent aggregates called without an order,
-- integer default flags, the early-warning views BI tools join).
-- Test: test/t/002_upgrade_dump.pl compares the upgraded catalog with a
-- fresh install.

\echo Use "ALTER EXTENSION risk UPDATE TO '0.2.2'" to load this file. \quit

-- Operational risk: the comments spell out the loss distribution approach (LDA)
-- and the single-loss approximation (SLA).
COMMENT ON FUNCTION risk.lda_simulate(text, float8[], text, float8[], int, bigint, float8[]) IS
'Loss distribution approach (LDA, the operational-risk model; not linear discriminant analysis): Monte Carlo compound annual loss (positive = loss) for a frequency and a severity: per level the VaR (type-7 quantile), ES (mean at or above it), the standard error of the VaR from the 95% order-statistic interval, and the mean; reproducible for a seed; 100 to 10,000,000 years';
COMMENT ON FUNCTION risk.lda_simulate_losses(text, float8[], text, float8[], int, bigint) IS
'The simulated annual losses of risk.lda_simulate, the loss distribution approach (same seed, same years), one row per year, for plotting the loss distribution';
COMMENT ON FUNCTION risk.sla_var(float8, text, float8[], float8, boolean) IS
'Single-loss approximation (SLA) of the annual operational-risk VaR of the loss distribution approach at confidence p (Bocker & Kluppelberg): F^-1(1 - (1-p)/lambda), plus (lambda - 1) E[X] with the mean correction (Bocker & Sprittulla) when the severity mean is finite';
