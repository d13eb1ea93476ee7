# evt_reference.R -- extreme-value reference values for the risk extension's
# tests (peaks over threshold, Hill, mean excess, block maxima, GPD/GEV
# distribution functions).
#
# Run:   cd test/data && Rscript evt_reference.R
# Needs: base R (stats) and the CRAN package evd.  Deterministic:
#        set.seed(20261123) with R's default RNGkind.  The random draws are
#        taken in this order: heavy, light, short, block.
#
# Writes, next to this script (numbers with 17 significant digits):
#   evt_losses.csv         dataset,id,loss                    input losses
#   evt_expected.csv       dataset,case,measure,value         fitted values
#   evt_dist_expected.csv  family,x,xi,scale,loc,cdf,pdf,p,quantile
# and prints diagnostics (optimizer agreement, Hessian checks) to stdout.
#
# Conventions: losses are positive numbers (positive = loss).
#   GPD for the excesses y = x - u over a threshold u, shape xi, scale beta:
#     F(y) = 1 - (1 + xi*y/beta)^(-1/xi)   (xi != 0)
#     F(y) = 1 - exp(-y/beta)              (xi == 0)
#     = evd::pgpd(x, loc = u, scale = beta, shape = xi).
#   GEV with location mu, scale sigma, shape xi:
#     F(x) = exp(-(1 + xi*(x - mu)/sigma)^(-1/xi))  (Gumbel for xi == 0)
#     = evd::pgev(x, loc = mu, scale = sigma, shape = xi).
#
# Data sets (evt_losses.csv):
#   heavy  2000 losses 1e4 * U^(-0.4), U ~ Uniform(0,1): Pareto, tail index
#          2.5 (xi = 0.4)
#   light  1500 losses Exp(mean 5000) + 100 (xi = 0)
#   short  1200 losses 1e5 * Beta(2, 3): bounded tail (xi = -1/3)
#   block  60 block maxima, each max(|1e3 * t_4|) over 250 draws (GEV,
#          limiting xi = 1/4)
#
# evt_expected.csv, data sets heavy, light, short:
#   case mle: threshold u = signif(quantile(x, 0.9, type = 7), 4), n, n_exceed
#     (k = #{x > u}); GPD maximum likelihood fit of the k excesses: beta, xi,
#     loglik, se_beta, se_xi.  The fit starts from evd::fpot and is refined
#     to a tight optimum (Nelder-Mead, then BFGS, reltol 1e-15, then Newton
#     steps with the closed-form gradient and Hessian); fpot's own BFGS,
#     run on unscaled parameters, can stop far from the optimum on these
#     data (the script prints how far).  Standard errors are
#     the square roots of the diagonal of the inverse of the closed-form
#     observed information (Hessian of the negative log-likelihood), checked
#     against a numerical Hessian (optimHess).
#     POT tail estimator (McNeil, Frey & Embrechts, "Quantitative Risk
#     Management", 2005, sec. 7.2; evir::riskmeasures), p = 0.99, 0.995, 0.999:
#       var_p = u + (beta/xi) * (((n/k) * (1 - p))^(-xi) - 1)
#       es_p  = var_p/(1 - xi) + (beta - xi*u)/(1 - xi)
#   case pwm: probability-weighted-moment GPD fit (Hosking & Wallis 1987,
#     Technometrics 29, 339-349) of the same excesses sorted ascending,
#     p_i = (i - 0.35)/k, a0 = mean(y), a1 = mean((1 - p_i) * y_(i)):
#       beta = 2*a0*a1/(a0 - 2*a1),  xi = 2 - a0/(a0 - 2*a1);
#     loglik = GPD log-likelihood of the excesses at these estimates.
#   case hill_<k>, k = 50, 100, 200 (Hill 1975, Ann. Statist. 3, 1163-1174):
#     with X_(1) >= X_(2) >= ... the descending order statistics,
#     xi = mean(log X_(1..k)) - log X_(k+1), threshold = X_(k+1).
#   case mean_excess, q = 0.5, 0.75, 0.9, 0.95: me_threshold_<q> =
#     quantile(x, q, type = 7) (not rounded), me_<q> = mean(x[x > u_q] - u_q),
#     me_n_<q> = #{x > u_q}.
# evt_expected.csv, data set block:
#   case gev: n, GEV maximum likelihood fit mu, sigma, xi, loglik, started
#     from evd::fgev and refined as above (with the closed-form gradient);
#     se_mu, se_sigma, se_xi from a numerical Hessian: optimHess on the
#     refined optimum, central differences of the closed-form gradient with
#     steps h * (sigma, sigma, 0.1), Richardson-extrapolated from h = 2e-4
#     and 1e-4, checked against other steps and against fgev's own standard
#     errors;
#     return_level_100 = qgev(1 - 1/100, mu, sigma, xi).
#
# evt_dist_expected.csv: cdf and pdf at x, and quantile at p (one p per row,
# cycling through 0.01, 0.5, 0.99, 0.9999), on a grid:
#   gpd: loc in {0, 1000}, scale in {1, 2500},
#        xi in {-0.5, -1e-9, 0, 1e-9, 0.3, 1.5}, x = loc + {0, 0.5, 3, 40};
#   gev: loc in {0, 100}, scale in {1, 30}, xi in {-0.3, 0, 0.2},
#        x = loc + scale * {-1, 0, 0.7, 5};
#   points outside the open support (1 + xi*(x - loc)/scale <= 0) are left
#   out.  The GPD density at x = loc is 1/scale (the right limit, as
#   dexp(0) = 1; evd's dgpd returns 0 there).  The values are the formulas
#   above written with log1p/expm1, so they are accurate also for
#   xi = +-1e-9; all rows with other xi are checked against evd's
#   pgpd/dgpd/qgpd and pgev/dgev/qgev to 1e-11 relative.  At |xi| = 1e-9 evd evaluates
#   (1 + xi*z)^(-1/xi) and p^(-xi) directly and loses about 7 digits (more
#   for a cdf near 0); the script prints that loss and the distance of the
#   accurate values to the xi = 0 (exponential/Gumbel) limit, which is at
#   most about xi*z^2/2 relative (8e-7 at z = 40).

suppressPackageStartupMessages(library(evd))

RNGkind("default", "default", "default")
set.seed(20261123)

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

reldiff <- function(a, b) max(abs(a - b) / pmax(abs(b), 1e-300))
# Hessian difference, element (i, j) relative to sqrt(|b_ii b_jj|).
hessdiff <- function(a, b) max(abs(a - b) / sqrt(abs(outer(diag(b), diag(b)))))

# ---------------------------------------------------------------- losses

losses <- list(
    heavy = 1e4 * runif(2000)^(-0.4),
    light = rexp(1500, 1 / 5000) + 100,
    short = 1e5 * rbeta(1200, 2, 3),
    block = vapply(1:60, function(i) max(abs(1e3 * rt(250, df = 4))), 0)
)

n_loss <- write_rows("evt_losses.csv", "dataset,id,loss", list(
    rep(names(losses), lengths(losses)),
    unlist(lapply(lengths(losses), seq_len)),
    fmt(unlist(losses, use.names = FALSE))))

# ---------------------------------------------------------------- GPD

# Negative log-likelihood of the excesses y, par = c(beta, xi).
gpd_nllh <- function(par, y) {
    beta <- par[1]; xi <- par[2]; k <- length(y)
    if (!is.finite(beta) || !is.finite(xi) || beta <= 0) return(Inf)
    if (abs(xi) < 1e-12) return(k * log(beta) + sum(y) / beta)
    t <- xi * y / beta
    if (any(t <= -1)) return(Inf)
    k * log(beta) + (1 + 1 / xi) * sum(log1p(t))
}

# Closed-form gradient and Hessian of gpd_nllh, with w = y/beta and
# t = 1 + xi*w.  Written for xi away from 0 (the fits here have |xi| > 1e-3;
# near 0 the xi-derivatives cancel and need a series).
gpd_terms <- function(par, y) {
    beta <- par[1]; xi <- par[2]
    stopifnot(abs(xi) > 1e-3)
    w <- y / beta
    t <- 1 + xi * w
    list(beta = beta, xi = xi, k = length(y),
         S1 = sum(log1p(xi * w)), S2 = sum(w / t), S3 = sum(w^2 / t^2))
}

gpd_grad <- function(par, y) {
    s <- gpd_terms(par, y)
    with(s, c((k - (1 + xi) * S2) / beta,
              -S1 / xi^2 + (1 + 1 / xi) * S2))
}

gpd_hess <- function(par, y) {
    s <- gpd_terms(par, y)
    with(s, {
        hbb <- (-k + 2 * (1 + xi) * S2 - xi * (1 + xi) * S3) / beta^2
        hbx <- (-S2 + (1 + xi) * S3) / beta
        hxx <- 2 * S1 / xi^3 - 2 * S2 / xi^2 - (1 + 1 / xi) * S3
        matrix(c(hbb, hbx, hbx, hxx), 2, 2)
    })
}

# Nelder-Mead, then BFGS (reltol 1e-15), then Newton steps when a Hessian
# function is given.  A Newton step is kept when it lowers the objective, or
# leaves it within rounding (4 ulp) while shrinking the scaled gradient.
refine <- function(par0, fn, gr, hess = NULL, parscale) {
    ctl <- list(reltol = 1e-15, maxit = 20000, parscale = parscale)
    o <- optim(par0, fn, method = "Nelder-Mead", control = ctl)
    o <- optim(o$par, fn, gr, method = "BFGS", control = ctl)
    par <- o$par
    gnorm <- function(p) sqrt(sum((gr(p) * parscale)^2))
    if (!is.null(hess)) {
        for (i in 1:50) {
            step <- solve(hess(par), gr(par))
            cand <- par - step
            f0 <- fn(par); f1 <- fn(cand)
            if (!is.finite(f1)) break
            if (!(f1 < f0 || (f1 <= f0 + 4 * .Machine$double.eps * abs(f0) &&
                              gnorm(cand) < gnorm(par)))) break
            par <- cand
            if (all(abs(step) <= 1e-15 * abs(par))) break
        }
    }
    par
}

mle_rows <- list()
add <- function(dataset, case, measure, value) {
    mle_rows[[length(mle_rows) + 1]] <<-
        data.frame(dataset = dataset, case = case, measure = measure,
                   value = value, stringsAsFactors = FALSE)
}

qlab <- function(q) format(q, scientific = FALSE)

for (ds in c("heavy", "light", "short")) {
    x <- losses[[ds]]
    n <- length(x)
    u <- signif(quantile(x, 0.9, type = 7, names = FALSE), 4)
    y <- x[x > u] - u
    k <- length(y)

    f <- suppressWarnings(
        fpot(x, threshold = u, model = "gpd", std.err = TRUE,
             control = list(reltol = 1e-15, maxit = 10000)))
    # Diagnostic only: the same fit with the parameters scaled for optim.
    f_ps <- suppressWarnings(
        fpot(x, threshold = u, model = "gpd", std.err = TRUE,
             control = list(reltol = 1e-15, maxit = 10000,
                            parscale = c(mean(x[x > u]) - u, 0.1))))
    stopifnot(f$nat == k)
    fp <- unname(f$estimate)               # c(scale, shape)

    fn <- function(p) gpd_nllh(p, y)
    gr <- function(p) gpd_grad(p, y)
    hs <- function(p) gpd_hess(p, y)
    par <- refine(fp, fn, gr, hs, parscale = c(fp[1], 0.1))
    beta <- par[1]; xi <- par[2]
    loglik <- -fn(par)

    H <- hs(par)
    # optimHess's ndeps are steps in the units of par (no parscale given).
    Hnum <- optimHess(par, fn, control = list(ndeps = 1e-4 * c(beta, 0.1)))
    Hg <- function(h) optimHess(par, fn, gr, control = list(ndeps = h * c(beta, 0.1)))
    Hnum_g <- Hg(1e-5)
    Hnum_r <- (4 * Hg(1e-4) - Hg(2e-4)) / 3          # Richardson
    se <- sqrt(diag(solve(H)))
    se_num <- sqrt(diag(solve(Hnum_r)))

    cat(sprintf("\n== %s: n = %d, u = %.10g, k = %d\n", ds, n, u, k))
    cat(sprintf("  fpot     beta = %.15g  xi = %.15g  loglik = %.15g (%s)\n",
                fp[1], fp[2], -f$deviance / 2, f$convergence))
    cat(sprintf("  refined  beta = %.15g  xi = %.15g  loglik = %.15g\n",
                beta, xi, loglik))
    cat(sprintf("  fpot vs refined rel. diff: beta %.3g  xi %.3g  loglik %.3g\n",
                abs(fp[1] / beta - 1), abs(fp[2] / xi - 1),
                abs(-f$deviance / 2 - loglik) / abs(loglik)))
    cat(sprintf("  gradient at optimum (scaled by par): %.3g %.3g\n",
                gr(par)[1] * beta, gr(par)[2]))
    cat(sprintf("  fpot with parscale: beta = %.15g  xi = %.15g (%s), rel. diff %.3g, %.3g\n",
                f_ps$estimate[1], f_ps$estimate[2], f_ps$convergence,
                abs(f_ps$estimate[1] / beta - 1), abs(f_ps$estimate[2] / xi - 1)))
    cat(sprintf("  analytic vs optimHess Hessian (scaled) diff: %.3g (fn only, steps 1e-4 * (beta, 0.1))  %.3g (analytic gradient, steps 1e-5 * (beta, 0.1))  %.3g (same, Richardson 2e-4/1e-4)\n",
                hessdiff(Hnum, H), hessdiff(Hnum_g, H), hessdiff(Hnum_r, H)))
    cat(sprintf("  se from optimHess (analytic gradient, Richardson) vs analytic: %.3g\n",
                reldiff(se_num, se)))
    cat(sprintf("  se analytic  beta = %.15g  xi = %.15g\n", se[1], se[2]))
    cat(sprintf("  se fpot      beta = %.15g  xi = %.15g  (rel. diff %.3g, %.3g)\n",
                f$std.err[1], f$std.err[2],
                abs(f$std.err[1] / se[1] - 1), abs(f$std.err[2] / se[2] - 1)))

    add(ds, "mle", "threshold", u)
    add(ds, "mle", "n", n)
    add(ds, "mle", "n_exceed", k)
    add(ds, "mle", "beta", beta)
    add(ds, "mle", "xi", xi)
    add(ds, "mle", "loglik", loglik)
    add(ds, "mle", "se_beta", se[1])
    add(ds, "mle", "se_xi", se[2])
    for (p in c(0.99, 0.995, 0.999)) {
        var_p <- u + (beta / xi) * (((n / k) * (1 - p))^(-xi) - 1)
        es_p <- var_p / (1 - xi) + (beta - xi * u) / (1 - xi)
        add(ds, "mle", paste0("var_", qlab(p)), var_p)
        add(ds, "mle", paste0("es_", qlab(p)), es_p)
    }

    # Probability-weighted moments (Hosking & Wallis 1987).
    ys <- sort(y)
    pp <- (seq_len(k) - 0.35) / k
    a0 <- mean(ys)
    a1 <- mean((1 - pp) * ys)
    stopifnot(a0 - 2 * a1 > 0)
    k_hw <- a0 / (a0 - 2 * a1) - 2
    beta_pwm <- 2 * a0 * a1 / (a0 - 2 * a1)
    xi_pwm <- -k_hw
    if (any(1 + xi_pwm * y / beta_pwm <= 0))
        stop(ds, ": an excess lies outside the PWM fit's support")
    ll_pwm <- -gpd_nllh(c(beta_pwm, xi_pwm), y)
    par2 <- refine(c(beta_pwm, xi_pwm), fn, gr, hs, parscale = c(beta_pwm, 0.1))
    cat(sprintf("  refined from the PWM start instead: rel. diff beta %.3g  xi %.3g\n",
                abs(par2[1] / beta - 1), abs(par2[2] / xi - 1)))
    cat(sprintf("  pwm      beta = %.15g  xi = %.15g  loglik = %.15g\n",
                beta_pwm, xi_pwm, ll_pwm))
    add(ds, "pwm", "beta", beta_pwm)
    add(ds, "pwm", "xi", xi_pwm)
    add(ds, "pwm", "loglik", ll_pwm)

    # Hill (1975).
    xd <- sort(x, decreasing = TRUE)
    for (kh in c(50, 100, 200)) {
        add(ds, paste0("hill_", kh), "xi",
            mean(log(xd[1:kh])) - log(xd[kh + 1]))
        add(ds, paste0("hill_", kh), "threshold", xd[kh + 1])
    }

    # Mean excess.
    for (q in c(0.5, 0.75, 0.9, 0.95)) {
        uq <- quantile(x, q, type = 7, names = FALSE)
        add(ds, "mean_excess", paste0("me_threshold_", qlab(q)), uq)
        add(ds, "mean_excess", paste0("me_", qlab(q)), mean(x[x > uq] - uq))
        add(ds, "mean_excess", paste0("me_n_", qlab(q)), sum(x > uq))
    }
}

# ---------------------------------------------------------------- GEV

gev_nllh <- function(par, x) {
    mu <- par[1]; sigma <- par[2]; xi <- par[3]; n <- length(x)
    if (!all(is.finite(par)) || sigma <= 0) return(Inf)
    z <- (x - mu) / sigma
    if (abs(xi) < 1e-12) return(n * log(sigma) + sum(z) + sum(exp(-z)))
    if (any(xi * z <= -1)) return(Inf)
    lt <- log1p(xi * z)
    n * log(sigma) + (1 + 1 / xi) * sum(lt) + sum(exp(-lt / xi))
}

# Closed-form gradient, with z = (x - mu)/sigma, t = 1 + xi*z,
# s = t^(-1/xi); for xi away from 0.
gev_grad <- function(par, x) {
    mu <- par[1]; sigma <- par[2]; xi <- par[3]; n <- length(x)
    stopifnot(abs(xi) > 1e-3)
    z <- (x - mu) / sigma
    t <- 1 + xi * z
    lt <- log1p(xi * z)
    s <- exp(-lt / xi)
    c(sum((s - 1 - xi) / t) / sigma,
      (n + sum(z * (s - 1 - xi) / t)) / sigma,
      sum(-(1 - s) * lt / xi^2 + (z / t) * (1 + (1 - s) / xi)))
}

xb <- losses$block
g <- fgev(xb, std.err = TRUE, control = list(reltol = 1e-15, maxit = 10000))
gp <- unname(g$estimate)                   # c(loc, scale, shape)
fn <- function(p) gev_nllh(p, xb)
gr <- function(p) gev_grad(p, xb)
ps <- c(gp[2], gp[2], 0.1)
# Newton polish with the numerical Hessian of the closed-form gradient;
# optimHess's ndeps are steps in the units of par (no parscale given).
hs <- function(p) optimHess(p, fn, gr, control = list(ndeps = 1e-5 * ps))
par <- refine(gp, fn, gr, hs, parscale = ps)
loglik <- -fn(par)
hess_at <- function(h) optimHess(par, fn, gr, control = list(ndeps = h * ps))
# Richardson extrapolation of the central differences (error O(h^4)).
hess_rich <- function(h) (4 * hess_at(h / 2) - hess_at(h)) / 3
H <- hess_rich(2e-4)
se <- sqrt(diag(solve(H)))
rl100 <- qgev(1 - 1 / 100, par[1], par[2], par[3])
rl100_chk <- par[1] + par[2] * expm1(-par[3] * log(-log1p(-1 / 100))) / par[3]

cat(sprintf("\n== block: n = %d\n", length(xb)))
cat(sprintf("  fgev     mu = %.15g  sigma = %.15g  xi = %.15g  loglik = %.15g (%s)\n",
            gp[1], gp[2], gp[3], -g$deviance / 2, g$convergence))
cat(sprintf("  refined  mu = %.15g  sigma = %.15g  xi = %.15g  loglik = %.15g\n",
            par[1], par[2], par[3], loglik))
cat(sprintf("  fgev vs refined rel. diff: mu %.3g  sigma %.3g  xi %.3g  loglik %.3g\n",
            abs(gp[1] / par[1] - 1), abs(gp[2] / par[2] - 1),
            abs(gp[3] / par[3] - 1), abs(-g$deviance / 2 - loglik) / abs(loglik)))
cat(sprintf("  gradient at optimum (scaled by parscale): %.3g %.3g %.3g\n",
            gr(par)[1] * ps[1], gr(par)[2] * ps[2], gr(par)[3] * ps[3]))
se_of <- function(H) sqrt(diag(solve(H)))
cat(sprintf("  Hessian (scaled) diff to the one used (Richardson, steps 2e-4/1e-4): Richardson 1e-3/5e-4 %.3g, 1e-4/5e-5 %.3g; plain 1e-4 %.3g, 1e-5 %.3g, 1e-6 %.3g; fn-only optimHess %.3g\n",
            hessdiff(hess_rich(1e-3), H), hessdiff(hess_rich(1e-4), H),
            hessdiff(hess_at(1e-4), H), hessdiff(hess_at(1e-5), H),
            hessdiff(hess_at(1e-6), H),
            hessdiff(optimHess(par, fn, control = list(ndeps = 1e-4 * ps)), H)))
cat(sprintf("  se rel. diff to the ones used: Richardson 1e-3/5e-4 %.3g, 1e-4/5e-5 %.3g; plain 1e-5 %.3g\n",
            reldiff(se_of(hess_rich(1e-3)), se), reldiff(se_of(hess_rich(1e-4)), se),
            reldiff(se_of(hess_at(1e-5)), se)))
cat(sprintf("  se       mu = %.15g  sigma = %.15g  xi = %.15g\n", se[1], se[2], se[3]))
cat(sprintf("  se fgev  mu = %.15g  sigma = %.15g  xi = %.15g  (max rel. diff %.3g)\n",
            g$std.err[1], g$std.err[2], g$std.err[3], reldiff(unname(g$std.err), se)))
cat(sprintf("  return level 100: %.15g  (expm1 form rel. diff %.3g)\n",
            rl100, abs(rl100_chk / rl100 - 1)))

add("block", "gev", "n", length(xb))
add("block", "gev", "mu", par[1])
add("block", "gev", "sigma", par[2])
add("block", "gev", "xi", par[3])
add("block", "gev", "loglik", loglik)
add("block", "gev", "se_mu", se[1])
add("block", "gev", "se_sigma", se[2])
add("block", "gev", "se_xi", se[3])
add("block", "gev", "return_level_100", rl100)

ex <- do.call(rbind, mle_rows)
n_exp <- write_rows("evt_expected.csv", "dataset,case,measure,value",
                    list(ex$dataset, ex$case, ex$measure, fmt(ex$value)))

# ---------------------------------------------------------------- distributions

# Accurate closed forms (log1p/expm1); z = (x - loc)/scale inside the support.
gpd_cdf <- function(z, xi) if (xi == 0) -expm1(-z) else -expm1(-log1p(xi * z) / xi)
gpd_pdf <- function(z, xi, scale)
    if (xi == 0) exp(-z) / scale else exp(-(1 + 1 / xi) * log1p(xi * z)) / scale
gpd_q <- function(p, xi)                   # in units of scale, above loc
    if (xi == 0) -log1p(-p) else expm1(-xi * log1p(-p)) / xi
gev_tz <- function(z, xi) if (xi == 0) exp(-z) else exp(-log1p(xi * z) / xi)
gev_cdf <- function(z, xi) exp(-gev_tz(z, xi))
gev_pdf <- function(z, xi, scale) {
    tz <- gev_tz(z, xi)
    tz^(xi + 1) * exp(-tz) / scale
}
gev_q <- function(p, xi)
    if (xi == 0) -log(-log(p)) else expm1(-xi * log(-log(p))) / xi

pcycle <- c(0.01, 0.5, 0.99, 0.9999)
rows <- list()
for (loc in c(0, 1000)) for (scale in c(1, 2500))
    for (xi in c(-0.5, -1e-9, 0, 1e-9, 0.3, 1.5)) for (yy in c(0, 0.5, 3, 40)) {
        if (1 + xi * yy / scale <= 0) next
        rows[[length(rows) + 1]] <- list(family = "gpd", x = loc + yy, xi = xi,
                                         scale = scale, loc = loc)
    }
for (loc in c(0, 100)) for (scale in c(1, 30))
    for (xi in c(-0.3, 0, 0.2)) for (zz in c(-1, 0, 0.7, 5)) {
        if (1 + xi * zz <= 0) next
        rows[[length(rows) + 1]] <- list(family = "gev", x = loc + scale * zz,
                                         xi = xi, scale = scale, loc = loc)
    }

dist <- do.call(rbind, lapply(seq_along(rows), function(i) {
    r <- rows[[i]]
    p <- pcycle[(i - 1) %% length(pcycle) + 1]
    z <- (r$x - r$loc) / r$scale
    if (r$family == "gpd") {
        v <- c(gpd_cdf(z, r$xi), gpd_pdf(z, r$xi, r$scale),
               r$loc + r$scale * gpd_q(p, r$xi))
        e <- c(pgpd(r$x, r$loc, r$scale, r$xi), dgpd(r$x, r$loc, r$scale, r$xi),
               qgpd(p, r$loc, r$scale, r$xi))
        l <- c(pgpd(r$x, r$loc, r$scale, 0), dgpd(r$x, r$loc, r$scale, 0),
               qgpd(p, r$loc, r$scale, 0))
    } else {
        v <- c(gev_cdf(z, r$xi), gev_pdf(z, r$xi, r$scale),
               r$loc + r$scale * gev_q(p, r$xi))
        e <- c(pgev(r$x, r$loc, r$scale, r$xi), dgev(r$x, r$loc, r$scale, r$xi),
               qgev(p, r$loc, r$scale, r$xi))
        l <- c(pgev(r$x, r$loc, r$scale, 0), dgev(r$x, r$loc, r$scale, 0),
               qgev(p, r$loc, r$scale, 0))
    }
    rel <- function(a, b) ifelse(a == b, 0, abs(a - b) / pmax(abs(b), 1e-300))
    data.frame(family = r$family, x = r$x, xi = r$xi, scale = r$scale,
               loc = r$loc, cdf = v[1], pdf = v[2], p = p, quantile = v[3],
               evd_cdf = rel(e[1], v[1]), evd_pdf = rel(e[2], v[2]),
               evd_q = rel(e[3], v[3]),
               lim_cdf = rel(l[1], v[1]), lim_pdf = rel(l[2], v[2]),
               lim_q = rel(l[3], v[3]), stringsAsFactors = FALSE)
}))

regular <- abs(dist$xi) != 1e-9
# evd's dgpd is 0 at x = loc (open support); the file has 1/scale there.
at_loc <- dist$family == "gpd" & dist$x == dist$loc
stopifnot(all(dist$pdf[at_loc] == 1 / dist$scale[at_loc]))
dist$evd_pdf[at_loc] <- 0
dist$lim_pdf[at_loc] <- 0
evd_dev <- pmax(dist$evd_cdf, dist$evd_pdf, dist$evd_q)
cat("\n== distribution functions\n")
cat(sprintf("  gpd rows at x = loc: %d; evd's dgpd gives %s there, the file 1/scale\n",
            sum(at_loc),
            paste(unique(mapply(dgpd, dist$x[at_loc], dist$loc[at_loc],
                                dist$scale[at_loc], dist$xi[at_loc])),
                  collapse = ", ")))
cat(sprintf("  rows with xi not +-1e-9: max rel. diff to evd %.3g\n",
            max(evd_dev[regular])))
if (max(evd_dev[regular]) > 1e-11)
    stop("closed forms disagree with evd")
cat("  xi = +-1e-9 rows: rel. diff of evd (direct powers) to the accurate values,\n",
    "  and of the accurate values to the xi = 0 limit (Gumbel/exponential):\n")
tiny <- dist[!regular, ]
print(data.frame(family = tiny$family, xi = tiny$xi, scale = tiny$scale,
                 loc = tiny$loc, x = tiny$x, p = tiny$p,
                 evd_cdf = signif(tiny$evd_cdf, 3), evd_pdf = signif(tiny$evd_pdf, 3),
                 evd_q = signif(tiny$evd_q, 3),
                 lim_cdf = signif(tiny$lim_cdf, 3), lim_pdf = signif(tiny$lim_pdf, 3),
                 lim_q = signif(tiny$lim_q, 3)), row.names = FALSE)
cat(sprintf("  max rel. diff to the xi = 0 limit: %.3g (accurate)  %.3g (evd)\n",
            max(tiny$lim_cdf, tiny$lim_pdf, tiny$lim_q),
            max(with(tiny, pmax(evd_cdf, evd_pdf, evd_q)))))
if (max(tiny$lim_cdf, tiny$lim_pdf, tiny$lim_q) > 1e-6)
    stop("xi = +-1e-9 values are not at the xi = 0 limit")

# GEV at xi = +-1e-9 (not in the file): evd against the Gumbel limit.
zg <- c(-1, 0, 0.7, 5); pg <- c(0.01, 0.5, 0.99, 0.9999)
for (xi in c(-1e-9, 1e-9))
    cat(sprintf("  gev xi = %g: evd rel. diff to Gumbel: cdf %.3g  pdf %.3g  quantile %.3g\n",
                xi, reldiff(pgev(zg, 0, 1, xi), pgev(zg, 0, 1, 0)),
                reldiff(dgev(zg, 0, 1, xi), dgev(zg, 0, 1, 0)),
                reldiff(qgev(pg, 0, 1, xi), qgev(pg, 0, 1, 0))))

n_dist <- write_rows("evt_dist_expected.csv",
                     "family,x,xi,scale,loc,cdf,pdf,p,quantile",
                     list(dist$family, fmt(dist$x), fmt(dist$xi), fmt(dist$scale),
                          fmt(dist$loc), fmt(dist$cdf), fmt(dist$pdf),
                          fmt(dist$p), fmt(dist$quantile)))

cat(sprintf("\nwrote evt_losses.csv (%d rows), evt_expected.csv (%d rows), evt_dist_expected.csv (%d rows)\n",
            n_loss, n_exp, n_dist))
