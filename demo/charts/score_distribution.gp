# Chart 3a: scorecard points of the loans that did not default (goods) and
# of those that did (bads), each as a share of its class, in 5-point bins.
load "style.gp"
load data("score.gp")
set output out("score_distribution.png")

set title "Scorecard points of goods and bads (all 8,000 loans; higher points, lower PD)"
set xlabel "scorecard points (600 at odds 50:1, 20 points to double the odds)"
set ylabel "share of the class (%)"
set key top left
set style fill transparent solid 0.45 border
set boxwidth 5 absolute
set yrange [0:*]

plot data("score_distribution.csv") using 1:2 with boxes lc rgb c_blue \
        title sprintf("goods (%s loans)", thousands(n_goods)), \
     "" using 1:3 with boxes lc rgb c_red \
        title sprintf("bads (%s defaults)", thousands(n_bads))
