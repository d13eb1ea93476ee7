# oprisk_reference.R -- operational-risk (loss distribution approach)
# reference values for the risk extension's tests: severity and frequency
# maximum likelihood fits, and the compound (annual loss) checks used for
# the simulation and the single-loss approximation.
#
# Run:   cd test/data && Rscript oprisk_reference.R
# Needs: base R (stats) and the recommended package MASS.  Deterministic:
#        set.seed(20261125) with R's default RNGkind.  The random draws are
#        taken in this order: losses lognormal, weibull, gamma, pareto;
#        counts poisson, negbin, under; then the Monte Carlo years
#        (rpois for all years, then rlnorm for all losses).
#
# Writes, next to this script (numbers with 17 significant digits):
#   oprisk_losses.csv    dataset,id,loss                 input losses
#   oprisk_counts.csv    dataset,period,n                input loss counts
#   oprisk_expected.csv  dataset,family,measure,value    fitted/derived values
# and prints diagnostics (fitdistr against the refined optimum, score at
# the optimum, Monte Carlo against the single-loss approximation) to stdout.
#
# Parameterizations (those of R's d* functions):
#   lognormal  dlnorm(x, meanlog, sdlog)
#   weibull    dweibull(x, shape, scale):  F(x) = 1 - exp(-(x/scale)^shape)
#   gamma      dgamma(x, shape, rate):     f(x) = rate^shape x^(shape-1)
#                                                 exp(-rate x) / Gamma(shape)
#   gpd        generalized Pareto with location (threshold) 0, shape xi,
#              scale beta:  F(x) = 1 - (1 + xi x/beta)^(-1/xi),
#              f(x) = (1/beta) (1 + xi x/beta)^(-1/xi - 1)
#   poisson    dpois(n, lambda)
#   negbin     dnbinom(n, size, mu = mu):  variance mu + mu^2/size
#
# Data sets (oprisk_losses.csv), losses positive:
#   lognormal  800 losses rlnorm(800, 9, 1.8)
#   weibull    600 losses rweibull(600, shape = 0.7, scale = 20000)
#   gamma      700 losses rgamma(700, shape = 1.6, rate = 1/15000)
#   pareto     500 losses 5000 * (U^(-1/1.6) - 1), U = runif(500): a GPD
#              with location 0, xi = 1/1.6 = 0.625, beta = 5000/1.6 = 3125
# Data sets (oprisk_counts.csv):
#   poisson    60 monthly counts rpois(60, 25)
#   negbin     80 counts rnbinom(80, size = 3, mu = 12)
#   under      40 counts 10 + rbinom(40, 4, 0.5): variance below the mean
#
# oprisk_expected.csv
#   Severity: every loss data set fitted with every family (family column
#   lognormal, weibull, gamma, gpd) by maximum likelihood; measures
#     param1, param2  lognormal meanlog, sdlog; weibull shape, scale;
#                     gamma shape, rate; gpd xi, beta
#     loglik          the exact log-likelihood at the fit
#                     (sum of log densities, no constant dropped)
#     aic             4 - 2 loglik
#     n               number of losses
#   The values are the optimum of the exact likelihood to (near) full double
#   precision:
#     lognormal  closed form: meanlog = mean(log x),
#                sdlog = sqrt(mean((log x - meanlog)^2))  (divisor n)
#     weibull    shape k solves the profile score equation
#                  sum(x^k log x)/sum(x^k) - 1/k - mean(log x) = 0
#                (uniroot, tol 1e-15; x^k evaluated as exp(k (log x - max
#                log x)), which leaves the ratio unchanged), and
#                scale = mean(x^k)^(1/k)
#     gamma      shape a solves log(a) - digamma(a) = log(mean x) - mean(log x)
#                (uniroot, tol 1e-15), rate = a / mean(x)
#     gpd        minimum of nllh(beta, xi) = n log beta
#                  + (1 + 1/xi) sum(log1p(xi x/beta)), by optim (Nelder-Mead
#                then BFGS, parscale (beta, 0.1), reltol 1e-15) from
#                beta = mean(x), xi = 0.1, then Newton steps with the
#                closed-form gradient and Hessian
#   MASS::fitdistr is run for lognormal, weibull and gamma as a cross-check
#   (its estimates are not written); the script prints how far it is from
#   the values above.  fitdistr's Weibull fit (optim on unscaled
#   parameters) stops short of the optimum here (shape off by 0.1-0.8%,
#   scale by 0.6-5%).  fitdistr cannot fit gamma to losses of this size at
#   all (optim with a rate of order 1e-5 fails: "non-finite
#   finite-difference value"); it is then rerun on x / 1000 and its rate
#   rescaled.
#
#   Frequency: every count data set; family poisson: param1 = lambda =
#   mean(n), loglik, aic = 2 - 2 loglik, n (number of periods).  Family
#   negbin: param1 = size, param2 = mu, loglik, aic = 4 - 2 loglik, n.  The
#   maximum likelihood mu is mean(n) for every size; size solves the
#   profile score equation
#     sum(digamma(n_i + size)) - N digamma(size) + N log(size/(size + mu)) = 0
#   (uniroot, tol 1e-15), checked against MASS::fitdistr(n, "negative
#   binomial").  The maximum likelihood size is finite (and unique) if and
#   only if the sample variance with divisor N exceeds the mean (Aragon,
#   Eberly & Eberly 1992, Statist. Probab. Lett. 15, 375-379); otherwise
#   the likelihood increases towards the Poisson limit (size -> Inf) and NO
#   negbin rows are written.  With this seed that is the case for under
#   and also for poisson (60 Poisson draws with variance 16.3 < mean 24.5);
#   the script prints the profile likelihood approaching the Poisson one.
#
#   Compound checks (dataset compound):
#   family poisson_lognormal, N ~ Poisson(lambda = 25), X ~ lognormal
#   (meanlog 10, sdlog 2), annual loss S = X_1 + ... + X_N:
#     mean = lambda exp(meanlog + sdlog^2/2)
#     sd   = sqrt(lambda exp(2 meanlog + 2 sdlog^2))   (= sqrt(lambda E[X^2]))
#     sla_nocorr_<p> = qlnorm(1 - (1 - p)/lambda, 10, 2): the single-loss
#       approximation of Böcker & Klüppelberg (2005, "Operational VaR: a
#       closed-form approximation", Risk 18(12), 90-93)
#     sla_<p> = sla_nocorr_<p> + (lambda - 1) exp(10 + 2): the same with a
#       mean correction for the other losses of the year (Böcker &
#       Sprittulla 2006, "Operational VAR: meaningful means", Risk 19(12),
#       96-98), here with lambda - 1 times the mean severity (Degen 2010,
#       J. Operational Risk 5(4), writes the Poisson correction as
#       lambda * E[X]; the two differ by one mean severity, exp(12))
#     for p = 0.999, 0.9995;
#     mc_var_0.999 = quantile(S, 0.999, type = 7) over 200000 simulated
#       years (rpois, then rlnorm for all losses, summed per year in order);
#     mc_se_0.999 = (S_(k) - S_(j)) / (2 * 1.96), the half-width of the
#       distribution-free order-statistic confidence interval for the
#       quantile (Hahn & Meeker 1991, "Statistical Intervals", Wiley) in
#       its normal approximation: with m years,
#       j = floor(m p - 1.96 sqrt(m p (1 - p))),
#       k = ceiling(m p + 1.96 sqrt(m p (1 - p))), S_(i) ascending.
#   family negbin_weibull, N ~ negative binomial (size 5, mu 25),
#   X ~ Weibull (shape 0.8, scale 10000):
#     mean = mu * scale * gamma(1 + 1/shape)

suppressPackageStartupMessages(library(MASS))

RNGkind("default", "default", "default")
set.seed(20261125)

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

rel <- function(a, b) abs(a - b) / abs(b)

# ---------------------------------------------------------------- data

losses <- list(
    lognormal = rlnorm(800, 9, 1.8),
    weibull   = rweibull(600, shape = 0.7, scale = 20000),
    gamma     = rgamma(700, shape = 1.6, rate = 1 / 15000),
    pareto    = 5000 * (runif(500)^(-1 / 1.6) - 1)
)
stopifnot(all(vapply(losses, function(x) all(is.finite(x) & x > 0), TRUE)))

counts <- list(
    poisson = rpois(60, 25),
    negbin  = rnbinom(80, size = 3, mu = 12),
    under   = 10 + rbinom(40, 4, 0.5)
)

n_loss <- write_rows("oprisk_losses.csv", "dataset,id,loss", list(
    rep(names(losses), lengths(losses)),
    unlist(lapply(lengths(losses), seq_len)),
    fmt(unlist(losses, use.names = FALSE))))

n_count <- write_rows("oprisk_counts.csv", "dataset,period,n", list(
    rep(names(counts), lengths(counts)),
    unlist(lapply(lengths(counts), seq_len)),
    fmt(as.numeric(unlist(counts, use.names = FALSE)))))

rows <- list()
add <- function(dataset, family, measure, value) {
    rows[[length(rows) + 1]] <<-
        data.frame(dataset = dataset, family = family, measure = measure,
                   value = value, stringsAsFactors = FALSE)
}

# ---------------------------------------------------------------- severity

# Weibull: profile score in the shape k; x^k as exp(k (lx - max lx)).
weibull_fit <- function(x) {
    lx <- log(x); m <- max(lx); mlx <- mean(lx)
    g <- function(k) {
        w <- exp(k * (lx - m))
        sum(w * lx) / sum(w) - 1 / k - mlx
    }
    r <- uniroot(g, c(1e-3, 1e3), tol = 1e-15, maxiter = 10000)
    k <- r$root
    scale <- exp(m + log(mean(exp(k * (lx - m)))) / k)
    list(par = c(k, scale), score = g(k), iter = r$iter)
}

# Gamma: profile score in the shape a.
gamma_fit <- function(x) {
    s <- log(mean(x)) - mean(log(x))
    g <- function(a) log(a) - digamma(a) - s
    r <- uniroot(g, c(1e-8, 1e8), tol = 1e-15, maxiter = 10000)
    a <- r$root
    list(par = c(a, a / mean(x)), score = g(a), iter = r$iter)
}

# GPD with location 0, par = c(beta, xi).
gpd_nllh <- function(par, x) {
    beta <- par[1]; xi <- par[2]; n <- length(x)
    if (!is.finite(beta) || !is.finite(xi) || beta <= 0) return(Inf)
    if (abs(xi) < 1e-12) return(n * log(beta) + sum(x) / beta)
    t <- xi * x / beta
    if (any(t <= -1)) return(Inf)
    n * log(beta) + (1 + 1 / xi) * sum(log1p(t))
}

# Closed-form gradient and Hessian of gpd_nllh, with w = x/beta and
# t = 1 + xi*w; for xi away from 0 (checked).
gpd_terms <- function(par, x) {
    beta <- par[1]; xi <- par[2]
    stopifnot(abs(xi) > 1e-3)
    w <- x / beta
    t <- 1 + xi * w
    list(beta = beta, xi = xi, n = length(x),
         S1 = sum(log1p(xi * w)), S2 = sum(w / t), S3 = sum(w^2 / t^2))
}
gpd_grad <- function(par, x) {
    s <- gpd_terms(par, x)
    with(s, c((n - (1 + xi) * S2) / beta,
              -S1 / xi^2 + (1 + 1 / xi) * S2))
}
gpd_hess <- function(par, x) {
    s <- gpd_terms(par, x)
    with(s, {
        hbb <- (-n + 2 * (1 + xi) * S2 - xi * (1 + xi) * S3) / beta^2
        hbx <- (-S2 + (1 + xi) * S3) / beta
        hxx <- 2 * S1 / xi^3 - 2 * S2 / xi^2 - (1 + 1 / xi) * S3
        matrix(c(hbb, hbx, hbx, hxx), 2, 2)
    })
}

# Nelder-Mead, then BFGS (reltol 1e-15, parscale), then Newton steps.  A
# Newton step is kept when it lowers the objective, or leaves it within
# rounding (4 ulp) while shrinking the scaled gradient.
gpd_fit <- function(x) {
    fn <- function(p) gpd_nllh(p, x)
    gr <- function(p) gpd_grad(p, x)
    par0 <- c(mean(x), 0.1)
    ps <- c(mean(x), 0.1)
    ctl <- list(reltol = 1e-15, maxit = 20000, parscale = ps)
    o1 <- optim(par0, fn, method = "Nelder-Mead", control = ctl)
    o2 <- optim(o1$par, fn, gr, method = "BFGS", control = ctl)
    par <- o2$par
    gnorm <- function(p) sqrt(sum((gr(p) * ps)^2))
    g_optim <- gnorm(par)
    nsteps <- 0
    for (i in 1:50) {
        step <- solve(gpd_hess(par, x), gr(par))
        cand <- par - step
        f0 <- fn(par); f1 <- fn(cand)
        if (!is.finite(f1)) break
        if (!(f1 < f0 || (f1 <= f0 + 4 * .Machine$double.eps * abs(f0) &&
                          gnorm(cand) < gnorm(par)))) break
        par <- cand
        nsteps <- nsteps + 1
        if (all(abs(step) <= 1e-15 * abs(par))) break
    }
    stopifnot(all(eigen(gpd_hess(par, x), symmetric = TRUE)$values > 0))
    list(par = par, optim_par = o2$par, optim_conv = c(o1$convergence, o2$convergence),
         g_optim = g_optim, g_final = gnorm(par), nsteps = nsteps)
}

families <- c("lognormal", "weibull", "gamma", "gpd")
fitted <- list()

for (ds in names(losses)) {
    x <- losses[[ds]]
    n <- length(x)
    lx <- log(x)
    cat(sprintf("\n== losses %s: n = %d, mean = %.10g, median = %.10g, max = %.10g\n",
                ds, n, mean(x), median(x), max(x)))
    for (fam in families) {
        if (fam == "lognormal") {
            ml <- mean(lx)
            sl <- sqrt(mean((lx - ml)^2))
            par <- c(ml, sl)
            loglik <- sum(dlnorm(x, ml, sl, log = TRUE))
            ll_closed <- -n / 2 * log(2 * pi) - n * log(sl) - n / 2 - sum(lx)
            f <- fitdistr(x, "lognormal")
            fpar <- unname(f$estimate)
            cat(sprintf("  lognormal  meanlog = %.17g  sdlog = %.17g  loglik = %.17g\n",
                        ml, sl, loglik))
            cat(sprintf("    closed-form loglik rel. diff %.3g; fitdistr rel. diff meanlog %.3g  sdlog %.3g  loglik %.3g\n",
                        rel(ll_closed, loglik), rel(fpar[1], ml), rel(fpar[2], sl),
                        rel(f$loglik, loglik)))
        } else if (fam == "weibull") {
            w <- weibull_fit(x)
            par <- w$par
            loglik <- sum(dweibull(x, par[1], par[2], log = TRUE))
            f <- suppressWarnings(fitdistr(x, "weibull"))
            fpar <- unname(f$estimate)
            # score of the full log-likelihood, scaled by the parameter
            k <- par[1]; sc <- par[2]; z <- x / sc
            sk <- c(n / k + sum(lx) - n * log(sc) - sum(z^k * log(z)),
                    (-n * k + k * sum(z^k)) / sc)
            cat(sprintf("  weibull    shape = %.17g  scale = %.17g  loglik = %.17g\n",
                        par[1], par[2], loglik))
            cat(sprintf("    profile score %.3g (%d iter), full score * par %.3g %.3g; fitdistr rel. diff shape %.3g  scale %.3g  loglik %.3g\n",
                        w$score, w$iter, sk[1] * k, sk[2] * sc,
                        rel(fpar[1], par[1]), rel(fpar[2], par[2]),
                        rel(f$loglik, loglik)))
        } else if (fam == "gamma") {
            g <- gamma_fit(x)
            par <- g$par
            loglik <- sum(dgamma(x, par[1], par[2], log = TRUE))
            f <- tryCatch(suppressWarnings(fitdistr(x, "gamma")),
                          error = function(e) e)
            if (inherits(f, "error")) {
                cat(sprintf("    fitdistr(x, \"gamma\") failed: %s\n",
                            trimws(conditionMessage(f))))
                f <- suppressWarnings(fitdistr(x / 1000, "gamma"))
                fpar <- unname(f$estimate) * c(1, 1 / 1000)
                fll <- sum(dgamma(x, fpar[1], fpar[2], log = TRUE))
                how <- "fitdistr on x/1000"
            } else {
                fpar <- unname(f$estimate)
                fll <- f$loglik
                how <- "fitdistr"
            }
            a <- par[1]; r <- par[2]
            sg <- c(n * log(r) - n * digamma(a) + sum(lx), n * a / r - sum(x))
            cat(sprintf("  gamma      shape = %.17g  rate = %.17g  loglik = %.17g\n",
                        par[1], par[2], loglik))
            cat(sprintf("    profile score %.3g (%d iter), full score * par %.3g %.3g; %s rel. diff shape %.3g  rate %.3g  loglik %.3g\n",
                        g$score, g$iter, sg[1] * a, sg[2] * r, how,
                        rel(fpar[1], par[1]), rel(fpar[2], par[2]),
                        rel(fll, loglik)))
        } else {
            g <- gpd_fit(x)
            beta <- g$par[1]; xi <- g$par[2]
            par <- c(xi, beta)
            loglik <- -gpd_nllh(g$par, x)
            ll_d <- sum(-log(beta) - (1 / xi + 1) * log1p(xi * x / beta))
            cat(sprintf("  gpd        xi = %.17g  beta = %.17g  loglik = %.17g\n",
                        xi, beta, loglik))
            cat(sprintf("    optim conv %d/%d, rel. diff optim vs refined xi %.3g  beta %.3g; scaled gradient %.3g -> %.3g after %d Newton steps; density-sum loglik rel. diff %.3g\n",
                        g$optim_conv[1], g$optim_conv[2],
                        rel(g$optim_par[2], xi), rel(g$optim_par[1], beta),
                        g$g_optim, g$g_final, g$nsteps, rel(ll_d, loglik)))
        }
        fitted[[ds]][[fam]] <- list(par = par, loglik = loglik)
        add(ds, fam, "param1", par[1])
        add(ds, fam, "param2", par[2])
        add(ds, fam, "loglik", loglik)
        add(ds, fam, "aic", 4 - 2 * loglik)
        add(ds, fam, "n", n)
    }
    aics <- vapply(families, function(fm) 4 - 2 * fitted[[ds]][[fm]]$loglik, 0)
    cat(sprintf("  AIC ranking: %s\n",
                paste(sprintf("%s %.2f", names(sort(aics)), sort(aics)),
                      collapse = " < ")))
}

# ---------------------------------------------------------------- frequency

nb_score <- function(size, y, mu) {
    N <- length(y)
    sum(digamma(y + size)) - N * digamma(size) + N * log(size / (size + mu))
}

for (ds in names(counts)) {
    y <- counts[[ds]]
    N <- length(y)
    lambda <- mean(y)
    ll_p <- sum(dpois(y, lambda, log = TRUE))
    v_N <- mean((y - lambda)^2)
    cat(sprintf("\n== counts %s: N = %d, mean = %.10g, variance (1/N) = %.10g\n",
                ds, N, lambda, v_N))
    cat(sprintf("  poisson  lambda = %.17g  loglik = %.17g\n", lambda, ll_p))
    add(ds, "poisson", "param1", lambda)
    add(ds, "poisson", "loglik", ll_p)
    add(ds, "poisson", "aic", 2 - 2 * ll_p)
    add(ds, "poisson", "n", N)

    f <- tryCatch(suppressWarnings(fitdistr(y, "negative binomial")),
                  error = function(e) e)
    if (v_N <= lambda) {
        prof <- function(s) sum(dnbinom(y, size = s, mu = lambda, log = TRUE))
        cat(sprintf("  negbin: variance <= mean, the maximum likelihood size is infinite (Poisson limit): no negbin rows\n"))
        cat(sprintf("    profile loglik at size 1e1 %.10g, 1e2 %.10g, 1e4 %.10g, 1e6 %.10g -> Poisson %.10g\n",
                    prof(1e1), prof(1e2), prof(1e4), prof(1e6), ll_p))
        cat(sprintf("    score at size 1e1 %.3g, 1e2 %.3g, 1e4 %.3g (positive: increasing)\n",
                    nb_score(1e1, y, lambda), nb_score(1e2, y, lambda),
                    nb_score(1e4, y, lambda)))
        if (inherits(f, "error")) {
            cat(sprintf("    fitdistr(y, \"negative binomial\") fails: %s\n",
                        trimws(conditionMessage(f))))
        } else {
            cat(sprintf("    fitdistr(y, \"negative binomial\") returns size = %.10g  mu = %.10g  loglik = %.10g\n",
                        f$estimate[["size"]], f$estimate[["mu"]], f$loglik))
        }
        next
    }
    # Bracket: score > 0 for small size, < 0 beyond the root.
    lo <- 1e-3
    hi <- max(1, lambda^2 / (v_N - lambda))
    while (nb_score(hi, y, lambda) > 0) hi <- 2 * hi
    stopifnot(nb_score(lo, y, lambda) > 0)
    r <- uniroot(nb_score, c(lo, hi), y = y, mu = lambda, tol = 1e-15,
                 maxiter = 10000)
    size <- r$root
    ll_nb <- sum(dnbinom(y, size = size, mu = lambda, log = TRUE))
    cat(sprintf("  negbin   size = %.17g  mu = %.17g  loglik = %.17g  (score %.3g, %d iter; moment size %.10g)\n",
                size, lambda, ll_nb, nb_score(size, y, lambda), r$iter,
                lambda^2 / (v_N - lambda)))
    if (inherits(f, "error")) {
        cat(sprintf("    fitdistr fails: %s\n", trimws(conditionMessage(f))))
    } else {
        cat(sprintf("    fitdistr size = %.17g  mu = %.17g  loglik = %.17g\n",
                    f$estimate[["size"]], f$estimate[["mu"]], f$loglik))
        cat(sprintf("    fitdistr rel. diff size %.3g  mu %.3g  loglik %.3g\n",
                    rel(f$estimate[["size"]], size), rel(f$estimate[["mu"]], lambda),
                    rel(f$loglik, ll_nb)))
    }
    cat(sprintf("  AIC poisson %.4f, negbin %.4f\n", 2 - 2 * ll_p, 4 - 2 * ll_nb))
    add(ds, "negbin", "param1", size)
    add(ds, "negbin", "param2", lambda)
    add(ds, "negbin", "loglik", ll_nb)
    add(ds, "negbin", "aic", 4 - 2 * ll_nb)
    add(ds, "negbin", "n", N)
}

# ---------------------------------------------------------------- compound

plab <- function(p) format(p, scientific = FALSE)

lambda <- 25; meanlog <- 10; sdlog <- 2
ex <- exp(meanlog + sdlog^2 / 2)                 # E[X] = exp(12)
c_mean <- lambda * ex
c_sd <- sqrt(lambda * exp(2 * meanlog + 2 * sdlog^2))
add("compound", "poisson_lognormal", "mean", c_mean)
add("compound", "poisson_lognormal", "sd", c_sd)
sla <- list()
cat(sprintf("\n== compound poisson_lognormal: lambda = %g, meanlog = %g, sdlog = %g\n",
            lambda, meanlog, sdlog))
cat(sprintf("  mean = %.17g  sd = %.17g\n", c_mean, c_sd))
for (p in c(0.999, 0.9995)) {
    q1 <- qlnorm(1 - (1 - p) / lambda, meanlog, sdlog)
    s <- q1 + (lambda - 1) * ex
    sla[[plab(p)]] <- c(nocorr = q1, corr = s, corr_lambda = q1 + lambda * ex)
    add("compound", "poisson_lognormal", paste0("sla_", plab(p)), s)
    add("compound", "poisson_lognormal", paste0("sla_nocorr_", plab(p)), q1)
    cat(sprintf("  p = %s: sla_nocorr = %.17g  sla = %.17g  (with lambda*E[X]: %.17g)\n",
                plab(p), q1, s, q1 + lambda * ex))
}

# Monte Carlo: m years; all counts first, then all losses, summed per year.
m <- 200000
nyear <- rpois(m, lambda)
xs <- rlnorm(sum(nyear), meanlog, sdlog)
annual <- numeric(m)
sums <- rowsum(xs, rep.int(seq_len(m), nyear))
annual[as.integer(rownames(sums))] <- sums[, 1]
srt <- sort(annual)

mc_q <- function(p) {
    v <- quantile(annual, p, type = 7, names = FALSE)
    h <- 1.96 * sqrt(m * p * (1 - p))
    j <- floor(m * p - h); k <- ceiling(m * p + h)
    c(var = v, se = (srt[k] - srt[j]) / (2 * 1.96), j = j, k = k)
}
mc <- mc_q(0.999)
add("compound", "poisson_lognormal", "mc_var_0.999", mc[["var"]])
add("compound", "poisson_lognormal", "mc_se_0.999", mc[["se"]])
cat(sprintf("  Monte Carlo, %d years, %.0f losses: mean %.10g (exact %.10g, rel. diff %.3g), sd %.10g (exact %.10g, rel. diff %.3g)\n",
            m, sum(nyear), mean(annual), c_mean, rel(mean(annual), c_mean),
            sd(annual), c_sd, rel(sd(annual), c_sd)))
for (p in c(0.999, 0.9995)) {
    q <- mc_q(p)
    s <- sla[[plab(p)]]
    cat(sprintf("  p = %s: mc_var = %.17g  mc_se = %.17g  (j = %d, k = %d, se/var = %.3g)\n",
                plab(p), q[["var"]], q[["se"]], q[["j"]], q[["k"]],
                q[["se"]] / q[["var"]]))
    for (nm in names(s)) {
        cat(sprintf("    vs sla %-11s %.10g: (mc - sla)/sla = %+.4f, (mc - sla)/se = %+.2f%s\n",
                    nm, s[[nm]], (q[["var"]] - s[[nm]]) / s[[nm]],
                    (q[["var"]] - s[[nm]]) / q[["se"]],
                    if (abs(q[["var"]] - s[[nm]]) <= 3 * q[["se"]]) "  (within 3 se)"
                    else "  (NOT within 3 se)"))
    }
}

nb_size <- 5; nb_mu <- 25; wb_shape <- 0.8; wb_scale <- 10000
nbw_mean <- nb_mu * wb_scale * gamma(1 + 1 / wb_shape)
add("compound", "negbin_weibull", "mean", nbw_mean)
cat(sprintf("\n== compound negbin_weibull: size %g, mu %g, shape %g, scale %g: mean = %.17g\n",
            nb_size, nb_mu, wb_shape, wb_scale, nbw_mean))

# ---------------------------------------------------------------- write

out <- do.call(rbind, rows)
n_exp <- write_rows("oprisk_expected.csv", "dataset,family,measure,value",
                    list(out$dataset, out$family, out$measure, fmt(out$value)))

cat(sprintf("\nwrote oprisk_losses.csv (%d rows), oprisk_counts.csv (%d rows), oprisk_expected.csv (%d rows)\n",
            n_loss, n_count, n_exp))
