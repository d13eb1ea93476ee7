# market_reference.R -- reference values for the risk extension's tests.
#
# Run:   cd test/data && Rscript market_reference.R
# Needs: base R only (stats).  Deterministic: set.seed(20261122) with R's
#        default RNGkind.  The random draws are taken in this order:
#        portfolios 1, 2, 3, 4, 6, then Christoffersen sequences 1 and 2.
#
# Writes, next to this script:
#   returns.csv                 portfolio,day,r           the input series
#   market_expected.csv         portfolio,p,measure,value whole-series measures
#   rolling_expected.csv        portfolio,day,measure,value trailing 60-day window
#   backtest_expected.csv       test,n,x,p,measure,value  Kupiec and traffic light
#   christoffersen_seq.csv      seq,t,exception           exception sequences
#   christoffersen_expected.csv seq,p,measure,value       Christoffersen tests
# Numbers are written with 17 significant digits; p = NA is written empty.
#
# Definitions (alpha = 1 - p, the tail probability, computed as 1 - p):
#   * Historical, Gaussian and modified (Cornish-Fisher) VaR and ES follow
#     PerformanceAnalytics: historical VaR = -quantile(r, alpha, type = 7),
#     historical ES = -mean(r[r < q]) (or VaR when nothing lies strictly
#     below q); Gaussian and Cornish-Fisher measures use the 1/n central
#     moments; modified ES is PerformanceAnalytics' operational ES
#     (operES.CornishFisher), floored at the Cornish-Fisher quantile.
#   * EWMA volatility is RiskMetrics with normalized weights:
#     sigma^2 = sum(lambda^(n-i) r_i^2) / sum(lambda^(n-i)), zero mean.
#   * Kupiec (1995) proportion-of-failures likelihood ratio.
#   * Christoffersen (1998) independence and conditional coverage tests.
#   * Basel Committee (1996) backtesting traffic light (green < 0.95,
#     yellow < 0.9999 cumulative binomial probability, red otherwise).

RNGkind("default", "default", "default")
set.seed(20261122)

ps <- c(0.95, 0.975, 0.99)

fmt <- function(x) {
    out <- sprintf("%.17g", x + 0)     # + 0 turns -0 into 0
    out[is.na(x)] <- ""
    out
}

write_rows <- function(file, header, cols) {
    lines <- do.call(paste, c(cols, sep = ","))
    writeLines(c(header, lines), file)
    invisible(length(lines))
}

# x*log(y) with 0*log(anything) = 0 (also when y is NaN or 0).
xlogy <- function(x, y) if (x == 0) 0 else x * log(y)

# ---------------------------------------------------------------- returns

r1 <- rnorm(500, mean = 0.0004, sd = 0.012)
r2 <- 0.01 * rt(500, df = 3) + 0.0002
r3 <- -0.01 * (exp(0.5 * rnorm(250)) - exp(0.125))
r4 <- rnorm(37, sd = 0.02)
r5 <- c(0.01, -0.02, 0.01, 0.03, -0.05, 0.0, 0.01)
garch <- function(n, omega, a, b) {
    s2 <- omega / (1 - a - b)
    z <- rnorm(n)
    r <- numeric(n)
    for (t in seq_len(n)) {
        r[t] <- sqrt(s2) * z[t]
        s2 <- omega + a * r[t]^2 + b * s2
    }
    r
}
r6 <- garch(120, omega = 1e-6, a = 0.08, b = 0.9)

port <- list(r1, r2, r3, r4, r5, r6)

write_rows("returns.csv", "portfolio,day,r",
           list(rep(seq_along(port), lengths(port)),
                unlist(lapply(port, seq_along)),
                fmt(unlist(port))))

# ---------------------------------------------------------------- measures

moments <- function(r) {
    mu <- mean(r)
    d <- r - mu
    m2 <- mean(d^2)
    m3 <- mean(d^3)
    m4 <- mean(d^4)
    list(n = length(r), mu = mu, m2 = m2, m3 = m3, m4 = m4,
         skew = m3 / m2^1.5, exkurt = m4 / m2^2 - 3)
}

hist_var_es <- function(r, alpha) {
    q <- unname(quantile(r, probs = alpha, type = 7))
    x <- r[r < q]
    c(var = -q, es = if (length(x) > 0) -mean(x) else -q)
}

var_gaussian <- function(m, alpha) -m$mu - qnorm(alpha) * sqrt(m$m2)

es_gaussian <- function(m, alpha) {
    z <- qnorm(alpha)
    -m$mu + sqrt(m$m2) * dnorm(z) / alpha
}

cf_quantile <- function(m, alpha) {
    z <- qnorm(alpha)
    s <- m$skew
    k <- m$exkurt
    z + (1/6) * (z^2 - 1) * s + (1/24) * (z^3 - 3 * z) * k -
        (1/36) * (2 * z^3 - 5 * z) * s^2
}

var_modified <- function(m, alpha) -m$mu - cf_quantile(m, alpha) * sqrt(m$m2)

# Closed form of -integral_{-Inf}^{h} x f(x) dx for the Edgeworth density
# f = dnorm(x) (1 + s He3/6 + k He4/24 + s^2 He6/72).
mes_closed <- function(h, s, k) {
    dnorm(h) * (1 + h^3 * s / 6 + (h^6 - 9 * h^4 + 9 * h^2 + 3) * s^2 / 72 +
                (h^4 - 2 * h^2 - 1) * k / 24)
}

es_modified <- function(m, alpha) {
    h <- cf_quantile(m, alpha)
    mes <- mes_closed(h, m$skew, m$exkurt)
    -m$mu - sqrt(m$m2) * min(-mes / alpha, h)
}

# Older PerformanceAnalytics form, with the partial moments Ipower by
# numerical integration.  Informational only.
#
# With Ipower(k, h) = integral_{-Inf}^{h} x^k dnorm(x) dx (the lower partial
# moment of order k) the two forms do NOT agree.  They agree when
#   Ipower(k, h) = -integral_{-Inf}^{h} x^(k+1) dnorm(x) dx,
# i.e. the negated lower partial moment of order k + 1 (so Ipower(0, h) =
# dnorm(h), matching the bare dnorm(h) terms).  Because every combination
# used (x He3, x He4, x He6) has zero mean under the normal, this is the same
# as the upper-tail form integral_{h}^{Inf} x^(k+1) dnorm(x) dx, which is what
# PerformanceAnalytics' closed-form Ipower evaluates.
ipower_lower <- function(k, h)
    integrate(function(x) x^k * dnorm(x), -Inf, h,
              rel.tol = 1e-12, abs.tol = 0)$value
ipower_shifted <- function(k, h) -ipower_lower(k + 1, h)

mes_ipower <- function(h, s, k, ip) {
    dnorm(h) +
        (1/24) * (ip(4, h) - 6 * ip(2, h) + 3 * dnorm(h)) * k +
        (1/6) * (ip(3, h) - 3 * ip(1, h)) * s +
        (1/72) * (ip(6, h) - 15 * ip(4, h) + 45 * ip(2, h) -
                  15 * dnorm(h)) * s^2
}

ewma_sigma2 <- function(r, lambda) {
    # recursion, oldest to newest
    S <- 0
    W <- 0
    for (x in r) {
        S <- lambda * S + x^2
        W <- lambda * W + 1
    }
    rec <- S / W
    # closed form: newest weight 1
    n <- length(r)
    w <- lambda^(n - seq_len(n))
    cf <- sum(w * r^2) / sum(w)
    if (abs(rec - cf) > 1e-13 * abs(cf))
        stop(sprintf("EWMA mismatch: recursion %.17g closed form %.17g", rec, cf))
    cf
}

# ---------------------------------------------------------------- market

mk <- list(portfolio = integer(), p = numeric(), measure = character(),
           value = numeric())
add_mk <- function(pf, p, measure, value) {
    mk$portfolio <<- c(mk$portfolio, pf)
    mk$p <<- c(mk$p, p)
    mk$measure <<- c(mk$measure, measure)
    mk$value <<- c(mk$value, value)
}

cat("Modified ES cross-check (closed form vs. Ipower by integrate):\n")
cat(sprintf("%-3s %-6s %-12s %-24s %-24s %s\n", "pf", "p", "h",
            "diff (lower x^k)", "diff (-lower x^(k+1))", "agree"))
max_diff_lower <- 0
max_diff_shift <- 0

for (pf in seq_along(port)) {
    r <- port[[pf]]
    m <- moments(r)
    if (m$m2 == 0) stop("degenerate portfolio ", pf)
    add_mk(pf, NA, "n", m$n)
    add_mk(pf, NA, "mean", m$mu)
    add_mk(pf, NA, "sd", sd(r))
    add_mk(pf, NA, "skewness", m$skew)
    add_mk(pf, NA, "kurtosis", m$exkurt)
    add_mk(pf, NA, "min", min(r))
    add_mk(pf, NA, "max", max(r))
    s2_94 <- ewma_sigma2(r, 0.94)
    s2_97 <- ewma_sigma2(r, 0.97)
    for (p in ps) {
        alpha <- 1 - p
        z <- qnorm(alpha)
        he <- hist_var_es(r, alpha)
        add_mk(pf, p, "var_historical", he[["var"]])
        add_mk(pf, p, "es_historical", he[["es"]])
        add_mk(pf, p, "var_gaussian", var_gaussian(m, alpha))
        add_mk(pf, p, "es_gaussian", es_gaussian(m, alpha))
        add_mk(pf, p, "var_modified", var_modified(m, alpha))
        add_mk(pf, p, "es_modified", es_modified(m, alpha))
        add_mk(pf, p, "var_ewma_0.94", -z * sqrt(s2_94))
        add_mk(pf, p, "var_ewma_0.97", -z * sqrt(s2_97))
        add_mk(pf, p, "es_ewma_0.94", sqrt(s2_94) * dnorm(z) / alpha)

        h <- cf_quantile(m, alpha)
        a <- mes_closed(h, m$skew, m$exkurt)
        d1 <- mes_ipower(h, m$skew, m$exkurt, ipower_lower) - a
        d2 <- mes_ipower(h, m$skew, m$exkurt, ipower_shifted) - a
        max_diff_lower <- max(max_diff_lower, abs(d1) / abs(a))
        max_diff_shift <- max(max_diff_shift, abs(d2) / abs(a))
        cat(sprintf("%-3d %-6s %-12.6f %-24.6e %-24.6e %s\n", pf, format(p), h,
                    d1, d2, if (abs(d2) <= 1e-9 * abs(a)) "yes" else "NO"))
    }
}
cat(sprintf(paste0("Ipower = integral_{-Inf}^h x^k dnorm: %s ",
                   "(max relative difference %.3e)\n"),
            if (max_diff_lower <= 1e-9) "agrees" else "does not agree",
            max_diff_lower))
cat(sprintf(paste0("Ipower = -integral_{-Inf}^h x^(k+1) dnorm: %s ",
                   "(max relative difference %.3e)\n\n"),
            if (max_diff_shift <= 1e-9) "agrees" else "does not agree",
            max_diff_shift))

stopifnot(all(is.finite(mk$value)))
write_rows("market_expected.csv", "portfolio,p,measure,value",
           list(mk$portfolio, ifelse(is.na(mk$p), "", as.character(mk$p)),
                mk$measure, fmt(mk$value)))

# ---------------------------------------------------------------- rolling
# Trailing window of min(d, 60) returns ending at day d, p = 0.99.
# var_gaussian needs >= 2 returns, var_modified >= 3 (and m2 > 0).

rl <- list(portfolio = integer(), day = integer(), measure = character(),
           value = numeric())
add_rl <- function(pf, d, measure, value) {
    rl$portfolio <<- c(rl$portfolio, pf)
    rl$day <<- c(rl$day, d)
    rl$measure <<- c(rl$measure, measure)
    rl$value <<- c(rl$value, value)
}
alpha <- 1 - 0.99
z <- qnorm(alpha)
for (pf in c(6L, 2L)) {
    r <- port[[pf]]
    for (d in seq_along(r)) {
        w <- r[max(1, d - 59):d]
        he <- hist_var_es(w, alpha)
        add_rl(pf, d, "var_historical", he[["var"]])
        add_rl(pf, d, "es_historical", he[["es"]])
        m <- moments(w)
        if (length(w) >= 2 && m$m2 > 0)
            add_rl(pf, d, "var_gaussian", var_gaussian(m, alpha))
        if (length(w) >= 3 && m$m2 > 0)
            add_rl(pf, d, "var_modified", var_modified(m, alpha))
        add_rl(pf, d, "var_ewma_0.94", -z * sqrt(ewma_sigma2(w, 0.94)))
    }
}
stopifnot(all(is.finite(rl$value)))
write_rows("rolling_expected.csv", "portfolio,day,measure,value",
           list(rl$portfolio, rl$day, rl$measure, fmt(rl$value)))

# ---------------------------------------------------------------- backtests

kupiec_lr <- function(n, x, alpha) {
    -2 * (xlogy(n - x, 1 - alpha) + xlogy(x, alpha)) +
        2 * (xlogy(n - x, 1 - x / n) + xlogy(x, x / n))
}

bt <- list(test = character(), n = integer(), x = integer(), p = numeric(),
           measure = character(), value = numeric())
add_bt <- function(test, n, x, p, measure, value) {
    bt$test <<- c(bt$test, test)
    bt$n <<- c(bt$n, n)
    bt$x <<- c(bt$x, x)
    bt$p <<- c(bt$p, p)
    bt$measure <<- c(bt$measure, measure)
    bt$value <<- c(bt$value, value)
}
kupiec_cases <- list(list(n = 250L, p = 0.99, x = 0:15),
                     list(n = 500L, p = 0.99, x = c(0L, 3L, 5L, 12L)),
                     list(n = 1000L, p = 0.975, x = c(10L, 25L, 40L)))
for (cs in kupiec_cases) {
    for (x in cs$x) {
        lr <- kupiec_lr(cs$n, x, 1 - cs$p)
        add_bt("kupiec", cs$n, x, cs$p, "lr", lr)
        add_bt("kupiec", cs$n, x, cs$p, "p_value",
               pchisq(lr, 1, lower.tail = FALSE))
    }
}

zone_code <- function(cp) if (cp < 0.95) 0L else if (cp < 0.9999) 1L else 2L
zone_name <- c("green", "yellow", "red")
cat("Basel traffic light, n = 250, alpha = 0.01:\n")
cat(sprintf("%3s  %-20s %s\n", "x", "cumprob", "zone"))
zones <- integer()
for (x in 0:15) {
    cp <- pbinom(x, 250, 1 - 0.99)
    zc <- zone_code(cp)
    zones <- c(zones, zc)
    add_bt("traffic_light", 250L, x, 0.99, "cumprob", cp)
    add_bt("traffic_light", 250L, x, 0.99, "zone_code", zc)
    cat(sprintf("%3d  %-20.15f %d %s\n", x, cp, zc, zone_name[zc + 1]))
}
if (!identical(zones, c(rep(0L, 5), rep(1L, 5), rep(2L, 6))))
    stop("traffic light zones are not green 0-4, yellow 5-9, red 10+")
cat("zones: green 0-4, yellow 5-9, red 10+ (as in Basel 1996)\n")

stopifnot(all(is.finite(bt$value)))
write_rows("backtest_expected.csv", "test,n,x,p,measure,value",
           list(bt$test, bt$n, bt$x, as.character(bt$p), bt$measure,
                fmt(bt$value)))

# ---------------------------------------------------------------- Christoffersen

seq1 <- runif(250) < 0.02
markov <- function(n, p01, p11) {
    u <- runif(n)
    e <- logical(n)
    e[1] <- u[1] < p01          # the chain starts from state 0
    for (t in seq_len(n)[-1])
        e[t] <- u[t] < (if (e[t - 1]) p11 else p01)
    e
}
seq2 <- markov(500, 0.01, 0.3)
seq3 <- rep(FALSE, 30)
seq4 <- rep(TRUE, 12)
# seq 5: written by hand, exceptions in clusters (the independence test
# must reject): 250 days, 4 clusters of 3 consecutive exceptions.
seq5 <- rep(FALSE, 250)
seq5[c(40:42, 100:102, 170:172, 230:232)] <- TRUE
seqs <- list(seq1, seq2, seq3, seq4, seq5)

write_rows("christoffersen_seq.csv", "seq,t,exception",
           list(rep(seq_along(seqs), lengths(seqs)),
                unlist(lapply(seqs, seq_along)),
                ifelse(unlist(seqs), "t", "f")))

ratio <- function(a, b) if (b == 0) 0 else a / b

ch <- list(seq = integer(), measure = character(), value = numeric())
for (i in seq_along(seqs)) {
    e <- seqs[[i]]
    prev <- e[-length(e)]
    cur <- e[-1]
    n00 <- sum(!prev & !cur)
    n01 <- sum(!prev & cur)
    n10 <- sum(prev & !cur)
    n11 <- sum(prev & cur)
    pi01 <- ratio(n01, n00 + n01)
    pi11 <- ratio(n11, n10 + n11)
    pi <- ratio(n01 + n11, n00 + n01 + n10 + n11)
    logL0 <- xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)
    logL1 <- xlogy(n00, 1 - pi01) + xlogy(n01, pi01) +
        xlogy(n10, 1 - pi11) + xlogy(n11, pi11)
    lr_ind <- -2 * (logL0 - logL1)
    lr_uc <- kupiec_lr(length(e), sum(e), 1 - 0.99)
    lr_cc <- lr_uc + lr_ind
    vals <- c(n00 = n00, n01 = n01, n10 = n10, n11 = n11,
              lr_ind = lr_ind,
              p_value_ind = pchisq(lr_ind, 1, lower.tail = FALSE),
              lr_uc = lr_uc, lr_cc = lr_cc,
              p_value_cc = pchisq(lr_cc, 2, lower.tail = FALSE))
    ch$seq <- c(ch$seq, rep(i, length(vals)))
    ch$measure <- c(ch$measure, names(vals))
    ch$value <- c(ch$value, unname(vals))
}
stopifnot(all(is.finite(ch$value)))
write_rows("christoffersen_expected.csv", "seq,p,measure,value",
           list(ch$seq, "0.99", ch$measure, fmt(ch$value)))

cat("\nfiles written:\n")
for (f in c("returns.csv", "market_expected.csv", "rolling_expected.csv",
            "backtest_expected.csv", "christoffersen_seq.csv",
            "christoffersen_expected.csv"))
    cat(sprintf("  %-28s %6d rows\n", f, length(readLines(f)) - 1))
