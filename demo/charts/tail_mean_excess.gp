# Chart 2a: mean-excess plot of the equity desk's daily losses at 100
# sample quantiles (risk.mean_excess), the GPD threshold (95% quantile) and
# the straight line the GPD fitted above it implies.
load "style.gp"
load data("tail.gp")
set output out("tail_mean_excess.png")

set title "Equity desk, daily losses of 60 portfolios: mean excess over the threshold"
set xlabel "threshold u (daily loss, % of value)"
set ylabel "mean excess e(u) = mean of (loss - u) over losses > u (%)"
set key top left

set arrow 1 from u, graph 0 to u, graph 1 nohead dt 2 lc rgb c_grey lw 1.5
set label 1 sprintf("GPD threshold u_0: 95%% quantile, %.2f%%\n(%s losses above it)", u, thousands(k)) \
    at u, graph 0.06 left offset 1, 0 font "Sans,9" tc rgb "#555555"

level_label(q) = (abs(q - 0.9) < 1e-9 || abs(q - 0.99) < 1e-9 || abs(q - 0.995) < 1e-9) \
                 ? sprintf("%g%%", 100 * q) : ""

plot data("tail_mean_excess.csv") using 2:4 with linespoints pt 7 ps 0.6 lc rgb c_blue lw 1 \
        title "empirical mean excess at the 50%, 50.5%, ..., 99.5% quantiles", \
     "" using 2:5 with lines lw 2.5 lc rgb c_red \
        title sprintf("fitted GPD: (β + ξ (u - u_0)) / (1 - ξ),  ξ = %.3f, β = %.3f", xi, beta), \
     "" using 2:4:(level_label($1)) with labels offset 0, 1.1 font "Sans,9" tc rgb c_blue notitle
