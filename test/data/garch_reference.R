# garch_reference.R -- GARCH(1,1) reference values for the risk extension's
# tests: maximum likelihood fits (normal and standardized Student-t
# innovations) and the conditional VaR/ES built on them (normal GARCH,
# filtered historical simulation, EVT-conditional).
#
# Run:   cd test/data && Rscript garch_reference.R
# Needs: base R (stats) and the CRAN package fGarch.  Deterministic:
#        set.seed(20261124) with R's default RNGkind.  The random draws are
#        taken in this order: norm (2000 normal), std (2500 t), short (750
#        normal).
#
# Writes, next to this script (numbers with 17 significant digits):
#   garch_returns.csv    series,t,r                  input returns
#   garch_expected.csv   series,dist,measure,value   fitted values
# and prints diagnostics (likelihood check against fGarch, optimizer
# agreement, Hessian checks) to stdout.
#
# Returns (garch_returns.csv), simulated from GARCH(1,1) with constant mean
# (Bollerslev 1986, J. Econometrics 31, 307-327):
#   r_t = mu + z_t,  z_t = sqrt(h_t) e_t,  h_t = omega + alpha z_{t-1}^2 + beta h_{t-1},
#   started at the unconditional variance omega / (1 - alpha - beta), the
#   first 500 values discarded (burn-in):
#   norm   1500 returns, mu = 0.0005, omega = 2e-6, alpha = 0.08, beta = 0.9,
#          e_t ~ N(0, 1)
#   std    2000 returns, mu = 0.0003, omega = 1e-6, alpha = 0.06, beta = 0.92,
#          e_t = t_6 * sqrt(4/6) (Student t with 6 df scaled to unit variance)
#   short  250 returns from the norm process (fresh draws), a window-sized fit
#
# Likelihood (that of fGarch::garchFit, formula ~garch(1,1), include.mean =
# TRUE, default init.rec = "mci"; see fGarch's .aparchLLH.internal and the
# Fortran routine GARCHLLH in src/llhGarch.f), for t = 1..N:
#   z_t = r_t - mu
#   h_1 = omega + (alpha + beta) * mean(z^2)          ("mci" initialization)
#   h_t = omega + alpha z_{t-1}^2 + beta h_{t-1}      (t >= 2)
#   log L = sum over ALL t of log f(z_t; h_t) with
#     norm: f = dnorm(z, 0, sqrt(h))
#     std:  f = dt(z/s, nu)/s, s = sqrt(h (nu - 2)/nu)  (= fGarch::dstd(z, 0,
#           sqrt(h), nu), unit-variance t)
#   Parameter space: omega > 0, alpha >= 0, beta >= 0, alpha + beta < 1, nu > 2.
# The fit starts from fGarch::garchFit(~garch(1,1), data = r, cond.dist =
# dist, include.mean = TRUE, trace = FALSE) and is refined to a tight optimum
# of the same likelihood, written here in base R (Nelder-Mead, then BFGS
# with the analytic gradient, reltol 1e-15, parscale = |starting values|,
# then Newton steps with the analytic gradient and a Hessian from differences
# of it).  The script checks that this likelihood reproduces fGarch's value
# at fGarch's estimates and prints how far fGarch's estimates are from the
# refined optimum.  fGarch fits the series divided by sd(r) within box
# bounds (scaled: mu within +-10 |mean|, omega in [1e-6, 100], alpha and
# beta in [1e-8, 1 - 1e-8], nu in [1, 10]) and does not impose
# alpha + beta < 1; the refined fit has only the constraints above.
# If the likelihood increases towards alpha + beta = 1 (the refinement in
# the open region ends with 1 - alpha - beta < 1e-4), the fit is the
# maximum on the face alpha + beta = 1 (parameters mu, omega, alpha, nu;
# beta = 1 - alpha; h_1 = omega + mean(z^2)), found the same way; the
# script prints the gradient there and d log L / d beta > 0 (the
# constraint is active).  This happens for the short series, whose fGarch
# fit has alpha + beta > 1 and omega at fGarch's lower bound.
#
# garch_expected.csv, one block per (series, dist) in (norm, norm),
# (std, norm), (std, std), (short, norm):
#   interior    1 if the optimum is interior, 0 if on alpha + beta = 1
#   mu, omega, alpha, beta, nu (std only), loglik    refined ML estimates
#   se_mu, se_omega, se_alpha, se_beta, se_nu (std only; interior optima
#     only): square roots of the diagonal of the inverse of the Hessian of
#     -log L at the optimum (optimHess on the analytic gradient with steps
#     1e-5 * |parameter|, cross-checked against a Richardson-extrapolated
#     central-difference Hessian of -log L itself)
#   sigma_forecast = sqrt(omega + alpha z_N^2 + beta h_N)  (next-period sd)
# and, for dist = norm only, the conditional risk measures at p = 0.99 and
# 0.975 (a = 1 - p; losses positive), from the refined normal fit:
#   var_garch_<p> = -(mu + sigma_forecast * qnorm(a))
#   es_garch_<p>  = -mu + sigma_forecast * dnorm(qnorm(a)) / a
#   Filtered historical simulation (Barone-Adesi, Giannopoulos & Vosper 1999,
#   J. Futures Markets 19, 583-602), standardized residuals e_t = z_t/sqrt(h_t),
#   all t, q = quantile(e, a, type = 7):
#   var_fhs_<p>   = -(mu + sigma_forecast * q)
#   es_fhs_<p>    = -(mu + sigma_forecast * mean(e[e < q]))
#                   (-(mu + sigma_forecast * q) if no e_t < q)
#   EVT-conditional (McNeil & Frey 2000, J. Empirical Finance 7, 271-300):
#   residual losses L = -e, n = length(L), k = floor(0.1 n), threshold u =
#   the (k+1)-th largest L, excesses y = L[L > u] - u (k of them), GPD
#   maximum likelihood fit of y, -log L(beta, xi) = k log beta + (1 + 1/xi)
#   sum(log1p(xi y/beta)) (started from probability-weighted moments;
#   Nelder-Mead, BFGS with analytic gradient, Newton steps), then
#     z_q  = u + (beta/xi) (((n/k) a)^(-xi) - 1)
#     ES_z = z_q/(1 - xi) + (beta - xi u)/(1 - xi)
#   var_evt_<p>   = -mu + sigma_forecast * z_q
#   es_evt_<p>    = -mu + sigma_forecast * ES_z
#   evt_xi, evt_beta, evt_u, evt_k   the GPD fit and threshold behind them.

suppressPackageStartupMessages(library(fGarch))

RNGkind("default", "default", "default")
set.seed(20261124)

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

reldiff <- function(a, b) abs(a - b) / pmax(abs(b), 1e-300)
# Hessian difference, element (i, j) relative to sqrt(|b_ii b_jj|).
hessdiff <- function(a, b) max(abs(a - b) / sqrt(abs(outer(diag(b), diag(b)))))

# ---------------------------------------------------------------- returns

sim_garch <- function(n, burn, mu, omega, alpha, beta, e) {
    N <- n + burn
    stopifnot(length(e) == N)
    z <- numeric(N)
    h <- omega / (1 - alpha - beta)
    for (t in seq_len(N)) {
        z[t] <- sqrt(h) * e[t]
        h <- omega + alpha * z[t]^2 + beta * h
    }
    mu + z[(burn + 1):N]
}

burn <- 500
e_norm  <- rnorm(1500 + burn)
e_std   <- rt(2000 + burn, df = 6) * sqrt(4 / 6)
e_short <- rnorm(250 + burn)

returns <- list(
    norm  = sim_garch(1500, burn, 0.0005, 2e-6, 0.08, 0.90, e_norm),
    std   = sim_garch(2000, burn, 0.0003, 1e-6, 0.06, 0.92, e_std),
    short = sim_garch(250,  burn, 0.0005, 2e-6, 0.08, 0.90, e_short)
)

n_ret <- write_rows("garch_returns.csv", "series,t,r", list(
    rep(names(returns), lengths(returns)),
    unlist(lapply(lengths(returns), seq_len)),
    fmt(unlist(returns, use.names = FALSE))))

# ---------------------------------------------------------------- likelihood

# Conditional variances h_1..h_N (fGarch "mci" start) and residuals z.
garch_filter <- function(par, r) {
    mu <- par[1]; omega <- par[2]; alpha <- par[3]; beta <- par[4]
    z <- r - mu
    N <- length(z)
    h1 <- omega + (alpha + beta) * mean(z^2)
    h <- c(h1, as.vector(stats::filter(omega + alpha * z[-N]^2, beta,
                                       method = "recursive", init = h1)))
    list(z = z, h = h)
}

# closed = TRUE admits alpha + beta = 1 (the boundary of the parameter space).
feasible <- function(par, closed = FALSE) {
    P <- par[3] + par[4]
    all(is.finite(par)) && par[2] > 0 && par[3] >= 0 && par[4] >= 0 &&
        (P < 1 || (closed && P <= 1)) && (length(par) < 5 || par[5] > 2)
}

# Log-likelihood, par = c(mu, omega, alpha, beta[, nu]); -Inf if infeasible
# (constrained = FALSE: the bare formula, wherever all h_t > 0).
garch_loglik <- function(par, r, dist, closed = FALSE, constrained = TRUE) {
    if (constrained && !feasible(par, closed)) return(-Inf)
    f <- garch_filter(par, r)
    z <- f$z; h <- f$h
    if (any(!(h > 0))) return(-Inf)
    if (dist == "norm") {
        sum(dnorm(z, 0, sqrt(h), log = TRUE))
    } else {
        nu <- par[5]
        s <- sqrt(h * (nu - 2) / nu)
        sum(dt(z / s, nu, log = TRUE) - log(s))
    }
}

# Analytic gradient of the log-likelihood: derivatives of h_t by recursion,
#   dh_1 = d[omega + (alpha + beta) mean(z^2)],
#   dh_t = d[omega + alpha z_{t-1}^2] + beta dh_{t-1} + h_{t-1} d[beta].
garch_grad <- function(par, r, dist) {
    mu <- par[1]; omega <- par[2]; alpha <- par[3]; beta <- par[4]
    f <- garch_filter(par, r)
    z <- f$z; h <- f$h; N <- length(z)
    P <- alpha + beta
    rec <- function(x, init)
        c(init, as.vector(stats::filter(x, beta, method = "recursive",
                                        init = init)))
    dh_mu    <- rec(-2 * alpha * z[-N], P * mean(-2 * z))
    dh_omega <- rec(rep(1, N - 1), 1)
    dh_alpha <- rec(z[-N]^2, mean(z^2))
    dh_beta  <- rec(h[-N], mean(z^2))
    if (dist == "norm") {
        dl_dz <- -z / h
        dl_dh <- -0.5 / h + 0.5 * z^2 / h^2
        g_nu <- NULL
    } else {
        nu <- par[5]
        q <- z^2 / (h * (nu - 2))
        dl_dz <- -(nu + 1) * z / (h * (nu - 2) * (1 + q))
        dl_dh <- -0.5 / h + 0.5 * (nu + 1) * q / (h * (1 + q))
        g_nu <- sum(0.5 * digamma((nu + 1) / 2) - 0.5 * digamma(nu / 2) -
                    0.5 / (nu - 2) - 0.5 * log1p(q) +
                    0.5 * (nu + 1) * q / ((nu - 2) * (1 + q)))
    }
    c(sum(-dl_dz + dl_dh * dh_mu), sum(dl_dh * dh_omega),
      sum(dl_dh * dh_alpha), sum(dl_dh * dh_beta), g_nu)
}

# Hessian of fn by central differences of the function values, steps h and
# h/2, Richardson-extrapolated: (4 H(h/2) - H(h)) / 3.
hess_fd <- function(fn, par, h) {
    k <- length(par)
    H1 <- function(h) {
        H <- matrix(0, k, k)
        f0 <- fn(par)
        for (i in 1:k) {
            ei <- replace(numeric(k), i, h[i])
            H[i, i] <- (fn(par + ei) - 2 * f0 + fn(par - ei)) / h[i]^2
            if (i < k) for (j in (i + 1):k) {
                ej <- replace(numeric(k), j, h[j])
                H[i, j] <- H[j, i] <- (fn(par + ei + ej) - fn(par + ei - ej) -
                    fn(par - ei + ej) + fn(par - ei - ej)) / (4 * h[i] * h[j])
            }
        }
        H
    }
    (4 * H1(h / 2) - H1(h)) / 3
}

# Newton steps on -log L with the analytic gradient; a step is taken only if
# it does not increase -log L.
newton_polish <- function(par, nll, ngr, steps, maxit = 10) {
    for (it in 1:maxit) {
        H <- optimHess(par, nll, ngr, control = list(ndeps = steps(par)))
        H <- (H + t(H)) / 2
        new <- par - solve(H, ngr(par))
        if (!is.finite(nll(new)) || nll(new) > nll(par)) break
        done <- all(abs(new - par) <= 1e-13 * abs(par))
        par <- new
        if (done) break
    }
    par
}

# ---------------------------------------------------------------- GPD

gpd_nllh <- function(par, y) {
    beta <- par[1]; xi <- par[2]; k <- length(y)
    if (!is.finite(beta) || !is.finite(xi) || beta <= 0) return(Inf)
    if (abs(xi) < 1e-12) return(k * log(beta) + sum(y) / beta)
    t <- xi * y / beta
    if (any(t <= -1)) return(Inf)
    k * log(beta) + (1 + 1 / xi) * sum(log1p(t))
}

gpd_grad <- function(par, y) {
    beta <- par[1]; xi <- par[2]; k <- length(y)
    t <- xi * y / beta
    c(k / beta - (1 + xi) * sum(y / (1 + t)) / beta^2,
      -sum(log1p(t)) / xi^2 + (1 + 1 / xi) * sum((y / beta) / (1 + t)))
}

gpd_fit <- function(y) {
    # start: probability-weighted moments (Hosking & Wallis 1987)
    ys <- sort(y); k <- length(y)
    p <- (seq_len(k) - 0.35) / k
    a0 <- mean(ys); a1 <- mean((1 - p) * ys)
    start <- c(2 * a0 * a1 / (a0 - 2 * a1), 2 - a0 / (a0 - 2 * a1))
    if (!is.finite(gpd_nllh(start, y))) start <- c(mean(y), 0.01)
    fn <- function(par) gpd_nllh(par, y)
    gr <- function(par) gpd_grad(par, y)
    ps <- c(abs(start[1]), 0.1)
    o1 <- optim(start, fn, method = "Nelder-Mead",
                control = list(reltol = 1e-15, maxit = 20000, parscale = ps))
    o2 <- optim(o1$par, fn, gr, method = "BFGS",
                control = list(reltol = 1e-15, maxit = 10000, parscale = ps))
    par <- newton_polish(o2$par, fn, gr,
                         function(par) 1e-5 * pmax(abs(par), c(0, 1e-3)))
    list(beta = par[1], xi = par[2], nllh = fn(par), grad = gr(par),
         start = start)
}

# ---------------------------------------------------------------- fits

pnames <- c("mu", "omega", "alpha", "beta", "nu")
probs <- c(0.99, 0.975)
pname <- c("0.99", "0.975")
cases <- list(c("norm", "norm"), c("std", "norm"), c("std", "std"),
              c("short", "norm"))

rows <- list()
add <- function(series, dist, measure, value)
    rows[[length(rows) + 1]] <<- data.frame(series = series, dist = dist,
        measure = measure, value = fmt(value), stringsAsFactors = FALSE)

for (cs in cases) {
    series <- cs[1]; dist <- cs[2]
    r <- returns[[series]]
    N <- length(r)
    np <- if (dist == "std") 5 else 4
    nm <- pnames[1:np]
    cat(sprintf("\n== series %s (N = %d), cond.dist %s\n", series, N, dist))

    fit <- garchFit(~garch(1, 1), data = r, cond.dist = dist,
                    include.mean = TRUE, trace = FALSE)
    fg <- unname(fit@fit$par)                 # mu, omega, alpha1, beta1[, shape]
    stopifnot(identical(names(fit@fit$par),
                        c("mu", "omega", "alpha1", "beta1", "shape")[1:np]))
    fg_se <- unname(fit@fit$se.coef)
    fg_ll <- -fit@fit$llh

    ll <- function(par) garch_loglik(par, r, dist)
    nll <- function(par) { v <- -ll(par); if (is.finite(v)) v else 1e100 }
    ngr <- function(par) if (feasible(par)) -garch_grad(par, r, dist) else
        rep(0, np)

    # likelihood check at fGarch's estimates (bare formula: fGarch does not
    # impose alpha + beta < 1)
    llu <- function(par) garch_loglik(par, r, dist, constrained = FALSE)
    f_fg <- garch_filter(fg, r)
    cat(sprintf("  log L at fGarch's estimates: fGarch %.15g  base R %.15g  rel. diff %.3g\n",
                fg_ll, llu(fg), reldiff(llu(fg), fg_ll)))
    cat(sprintf("  h_t vs fGarch's h.t: max rel. diff %.3g\n",
                max(reldiff(f_fg$h, fit@h.t))))
    # analytic gradient vs central differences, away from the optimum
    pt <- c(mean(r), 0.05 * var(r), 0.1, 0.85, 6)[1:np]
    gnum <- sapply(1:np, function(i) {
        d <- replace(numeric(np), i, 1e-6 * abs(pt[i]))
        (llu(pt + d) - llu(pt - d)) / (2 * d[i])
    })
    cat(sprintf("  analytic vs numerical gradient (off the optimum): max rel. diff %.3g\n",
                max(reldiff(gnum, garch_grad(pt, r, dist)))))

    # refinement, started from fGarch's estimates moved into the parameter
    # space if needed (fGarch does not impose alpha + beta < 1)
    start <- fg
    if (start[3] + start[4] >= 0.999)
        start[3:4] <- start[3:4] * 0.999 / (start[3] + start[4])
    stopifnot(feasible(start))
    ps <- abs(start)
    o1 <- optim(start, nll, method = "Nelder-Mead",
                control = list(reltol = 1e-15, maxit = 50000, parscale = ps))
    o2 <- optim(o1$par, nll, ngr, method = "BFGS",
                control = list(reltol = 1e-15, maxit = 10000, parscale = ps))
    steps <- function(par) 1e-5 * abs(par)
    interior <- 1 - (o2$par[3] + o2$par[4]) > 1e-4
    if (interior) {
        par <- newton_polish(o2$par, nll, ngr, steps)
        stopifnot(feasible(par))
        cat(sprintf("  log L: fGarch %.15g  Nelder-Mead %.15g  BFGS %.15g  Newton %.15g\n",
                    fg_ll, -o1$value, -o2$value, ll(par)))
        cat(sprintf("  gradient at optimum (scaled by par): %s\n",
                    paste(sprintf("%.3g", -ngr(par) * par), collapse = " ")))
    } else {
        # The likelihood increases towards alpha + beta = 1: maximize it on
        # that face, par = (mu, omega, alpha[, nu]), beta = 1 - alpha.
        full <- function(q) c(q[1:3], 1 - q[3], q[-(1:3)])
        fnll <- function(q) {
            v <- -garch_loglik(full(q), r, dist, closed = TRUE)
            if (is.finite(v)) v else 1e100
        }
        fngr <- function(q) {
            p <- full(q)
            if (!feasible(p, closed = TRUE)) return(rep(0, np - 1))
            g <- -garch_grad(p, r, dist)
            c(g[1:2], g[3] - g[4], g[-(1:4)])
        }
        q0 <- o2$par[-4]
        q0[3] <- o2$par[3] / (o2$par[3] + o2$par[4])
        f1 <- optim(q0, fnll, method = "Nelder-Mead",
                    control = list(reltol = 1e-15, maxit = 50000, parscale = abs(q0)))
        f2 <- optim(f1$par, fnll, fngr, method = "BFGS",
                    control = list(reltol = 1e-15, maxit = 10000, parscale = abs(q0)))
        q <- newton_polish(f2$par, fnll, fngr, steps)
        par <- full(q)
        stopifnot(feasible(par, closed = TRUE))
        g_full <- garch_grad(par, r, dist)
        cat(sprintf("  log L: fGarch %.15g (alpha + beta = %.15g)  interior Nelder-Mead %.15g  BFGS %.15g (alpha + beta = %.15g)\n",
                    fg_ll, fg[3] + fg[4], -o1$value, -o2$value, o2$par[3] + o2$par[4]))
        cat(sprintf("  OPTIMUM ON THE BOUNDARY alpha + beta = 1: log L %.15g (Newton on the face)\n",
                    -fnll(q)))
        cat(sprintf("  gradient on the face (scaled by par): %s\n",
                    paste(sprintf("%.3g", -fngr(q) * q), collapse = " ")))
        cat(sprintf("  d log L / d beta at the face optimum: %.6g (> 0: the constraint is active)\n",
                    g_full[4]))
    }
    names(par) <- nm
    loglik <- garch_loglik(par, r, dist, closed = !interior)
    cat(sprintf("  %-6s %24s %24s %10s\n", "", "fGarch", "refined", "rel.diff"))
    for (i in 1:np)
        cat(sprintf("  %-6s %24.15g %24.15g %10.3g\n", nm[i], fg[i], par[i],
                    reldiff(fg[i], par[i])))
    cat(sprintf("  %-6s %24.15g %24.15g %10.3g\n", "loglik", fg_ll, loglik,
                reldiff(fg_ll, loglik)))
    cat(sprintf("  alpha + beta: fGarch %.15g  refined %.15g\n",
                fg[3] + fg[4], par[3] + par[4]))
    # fGarch's bounds (fit@fit$params$U, $V) apply to the parameters of the
    # series divided by sd(r): mu / sd, omega / sd^2.
    sc <- fit@fit$series$scale
    fg_s <- fg; fg_s[1] <- fg_s[1] / sc; fg_s[2] <- fg_s[2] / sc^2
    lo <- unname(fit@fit$params$U[fit@fit$params$index])
    hi <- unname(fit@fit$params$V[fit@fit$params$index])
    cat(sprintf("  fGarch bounds (scaled series): %s\n",
                paste(sprintf("%s [%.3g, %.3g]", nm, lo, hi), collapse = ", ")))
    at <- abs(fg_s - lo) <= 1e-10 * pmax(1, abs(lo)) |
        abs(fg_s - hi) <= 1e-10 * pmax(1, abs(hi))
    cat(sprintf("  fGarch estimates at a bound: %s\n",
                if (any(at)) paste(nm[at], collapse = " ") else "none"))
    if (dist == "std")
        cat(sprintf("  refined nu = %.6g is %s fGarch's range [%g, %g]\n", par[5],
                    if (par[5] > hi[5] || par[5] < lo[5]) "OUTSIDE" else "inside",
                    lo[5], hi[5]))

    # Hessian and standard errors (interior optimum only)
    if (interior) {
        H <- optimHess(par, nll, ngr, control = list(ndeps = steps(par)))
        H <- (H + t(H)) / 2
        Hr <- hess_fd(nll, par, 1e-3 * abs(par))
        H2 <- optimHess(par, nll, ngr, control = list(ndeps = 1e-4 * abs(par)))
        H2 <- (H2 + t(H2)) / 2
        se <- sqrt(diag(solve(H)))
        se_r <- sqrt(diag(solve(Hr)))
        cat(sprintf("  Hessian (analytic gradient, steps 1e-5*|par|) vs Richardson (fn only, steps 1e-3/5e-4*|par|): %.3g; vs steps 1e-4*|par|: %.3g\n",
                    hessdiff(Hr, H), hessdiff(H2, H)))
        cat(sprintf("  se rel. diff, optimHess vs Richardson: max %.3g\n",
                    max(reldiff(se_r, se))))
        cat(sprintf("  %-6s %24s %24s %10s\n", "se", "fGarch", "refined", "rel.diff"))
        for (i in 1:np)
            cat(sprintf("  %-6s %24.15g %24.15g %10.3g\n", nm[i], fg_se[i], se[i],
                        reldiff(fg_se[i], se[i])))
    } else {
        cat("  no standard errors: the optimum is on the boundary\n")
    }

    f <- garch_filter(par, r)
    sigma_fc <- sqrt(par[2] + par[3] * f$z[N]^2 + par[4] * f$h[N])
    cat(sprintf("  sigma_forecast = %.15g\n", sigma_fc))

    add(series, dist, "interior", as.numeric(interior))
    for (i in 1:np) add(series, dist, nm[i], par[i])
    add(series, dist, "loglik", loglik)
    if (interior)
        for (i in 1:np) add(series, dist, paste0("se_", nm[i]), se[i])
    add(series, dist, "sigma_forecast", sigma_fc)

    if (dist != "norm") next

    # conditional risk measures
    mu <- unname(par[1])
    e <- f$z / sqrt(f$h)
    L <- -e
    n <- length(L)
    k <- floor(0.1 * n)
    Ls <- sort(L, decreasing = TRUE)
    u <- Ls[k + 1]
    y <- L[L > u] - u
    stopifnot(length(y) == k)
    g <- gpd_fit(y)
    cat(sprintf("  EVT: n = %d, k = %d, u = %.15g, xi = %.15g, beta = %.15g, gradient %.3g %.3g\n",
                n, k, u, g$xi, g$beta, g$grad[1] * g$beta, g$grad[2]))
    for (j in seq_along(probs)) {
        a <- 1 - probs[j]
        qa <- qnorm(a)
        add(series, dist, paste0("var_garch_", pname[j]), -(mu + sigma_fc * qa))
        add(series, dist, paste0("es_garch_", pname[j]),
            -mu + sigma_fc * dnorm(qa) / a)
        q <- unname(quantile(e, a, type = 7))
        tail <- e[e < q]
        add(series, dist, paste0("var_fhs_", pname[j]), -(mu + sigma_fc * q))
        add(series, dist, paste0("es_fhs_", pname[j]),
            -(mu + sigma_fc * (if (length(tail)) mean(tail) else q)))
        zq <- u + (g$beta / g$xi) * (((n / k) * a)^(-g$xi) - 1)
        esz <- zq / (1 - g$xi) + (g$beta - g$xi * u) / (1 - g$xi)
        add(series, dist, paste0("var_evt_", pname[j]), -mu + sigma_fc * zq)
        add(series, dist, paste0("es_evt_", pname[j]), -mu + sigma_fc * esz)
    }
    add(series, dist, "evt_xi", g$xi)
    add(series, dist, "evt_beta", g$beta)
    add(series, dist, "evt_u", u)
    add(series, dist, "evt_k", k)
}

out <- do.call(rbind, rows)
n_exp <- write_rows("garch_expected.csv", "series,dist,measure,value",
                    as.list(out))
cat(sprintf("\nwrote garch_returns.csv (%d rows), garch_expected.csv (%d rows)\n",
            n_ret, n_exp))
