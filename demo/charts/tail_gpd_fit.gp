# Chart 2b: the tail of the equity desk's daily losses: the empirical
# survival probability of every loss above the threshold against the fitted
# GPD tail (risk.gpd_fit, risk.gpd_cdf), on a log scale, with the GPD's
# 99.9% VaR (risk.gpd_var).
load "style.gp"
load data("tail.gp")
set output out("tail_gpd_fit.png")

set title "Equity desk, daily losses of 60 portfolios: the tail above the 95% quantile and the fitted GPD"
set xlabel "daily loss x (% of value)"
set ylabel "P(loss > x)"
set logscale y
set format y "10^{%L}"
set xrange [u - 0.5 : max_loss * 1.08]
set yrange [0.5 / n : 0.08]
set key top right

set arrow 1 from graph 0, first 0.001 to var999, first 0.001 nohead dt 3 lc rgb c_grey lw 1.5
set arrow 2 from var999, graph 0 to var999, first 0.001 nohead dt 3 lc rgb c_grey lw 1.5
set label 1 sprintf("GPD 99.9%% VaR %.2f%%\n(ES %.2f%%)", var999, es999) \
    at var999, first 0.001 right offset -1, -1.6 font "Sans,9" tc rgb "#555555"

plot data("tail_empirical.csv") using 1:2 with points pt 6 ps 0.5 lc rgb c_blue \
        title sprintf("empirical: the %s losses above u = %.2f%% (of %s)", thousands(k), u, thousands(n)), \
     data("tail_gpd.csv") using 1:2 with lines lw 2.5 lc rgb c_red \
        title sprintf("GPD fit: ξ = %.3f, β = %.3f", xi, beta)
