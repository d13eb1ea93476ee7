# severity_dist_reference.R
#   Reference values of the severity distribution functions of the
#   operational-risk part (risk.severity_cdf, risk.severity_pdf,
#   risk.severity_quantile) from R's own plnorm/dlnorm/qlnorm, pweibull/
#   dweibull/qweibull, pgamma/dgamma/qgamma (shape, rate), and the GPD at
#   threshold 0 written out with log1p/expm1.
#   Run: cd test/data && Rscript severity_dist_reference.R
#   Writes severity_dist_expected.csv: family,p1,p2,x,cdf,pdf,p,quantile
fmt <- function(v) sprintf("%.17g", v)
params <- list(lognormal = list(c(9, 1.8), c(0, 0.5)),
               weibull = list(c(0.7, 20000), c(2.5, 3)),
               gamma = list(c(1.6, 1/15000), c(0.4, 2)),
               gpd = list(c(0.6, 5000), c(-0.2, 10)))
xs <- c(0.5, 1, 10, 1000, 30000)
ps <- c(0.001, 0.25, 0.5, 0.9, 0.999)
pgpd0 <- function(x, xi, b) -expm1(-log1p(xi * x / b) / xi)
dgpd0 <- function(x, xi, b) exp(-log1p(xi * x / b) / xi - log1p(xi * x / b)) / b
qgpd0 <- function(p, xi, b) b * expm1(-xi * log1p(-p)) / xi
rows <- c()
for (fam in names(params)) for (pp in params[[fam]]) for (i in seq_along(xs)) {
  x <- xs[i]; p <- ps[i]; a <- pp[1]; b <- pp[2]
  if (fam == "gpd" && a < 0 && x >= -b / a) next
  v <- switch(fam,
    lognormal = c(plnorm(x, a, b), dlnorm(x, a, b), qlnorm(p, a, b)),
    weibull = c(pweibull(x, a, b), dweibull(x, a, b), qweibull(p, a, b)),
    gamma = c(pgamma(x, a, b), dgamma(x, a, b), qgamma(p, a, b)),
    gpd = c(pgpd0(x, a, b), dgpd0(x, a, b), qgpd0(p, a, b)))
  rows <- c(rows, paste(fam, fmt(a), fmt(b), fmt(x), fmt(v[1]), fmt(v[2]), fmt(p), fmt(v[3]), sep = ","))
}
writeLines(c("family,p1,p2,x,cdf,pdf,p,quantile", rows), "severity_dist_expected.csv")
