# Chart 1: daily returns of one portfolio, the 99% historical VaR of the
# previous 250 days (drawn as a loss limit below zero) and the days whose
# loss exceeded it, with the Basel backtest window of the last 250 days
# shaded.
load "style.gp"
load data("var_backtest.gp")
set output out("var_backtest.png")

set xdata time
set timefmt "%Y-%m-%d"
set format x "%Y"
set xtics 365.25 * 86400
set mxtics 4

set title sprintf("%s (%s desk): daily returns against the rolling 250-day 99%% historical VaR", pf_name, pf_desk)
set xlabel "day"
set ylabel "daily return (% of value)"
set key top left

set object 1 rect from window_start, graph 0 to last_day, graph 1 behind fc rgb "#f2f2f2" fs solid 1.0 noborder
set label 1 sprintf("last 250 days:\n%d exceptions,\n%s zone", n_exc_250, zone) \
    at window_start, graph 0.97 left offset 1, 0 font "Sans,9" tc rgb "#555555"

plot data("var_backtest.csv") using 1:2 with impulses lc rgb c_light lw 1 title "daily return", \
     "" using 1:3 with lines lc rgb c_red lw 2 title "99% VaR of the 250 days up to the day before (as a return)", \
     "" using 1:($4 == 1 ? $2 : NaN) with points pt 7 ps 0.9 lc rgb "black" \
        title sprintf("exception: loss above that VaR (%d in %s days)", n_exc, thousands(n_days))
