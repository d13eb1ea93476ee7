# Chart 3c: ROC curves of the scorecard's PD and of the neural network's
# (demo/report.sql) on the same 2,000 recent loans, with their AUC
# (risk.auc).
load "style.gp"
load data("mlp_roc.gp")
eval png_size(640, 560)
set output out("mlp_roc.png")

set title "ROC of the scorecard and of the neural network (recent loans)"
set xlabel "false positive rate (share of goods at or above the PD)"
set ylabel "true positive rate (share of bads at or above the PD)"
set size ratio -1
set xrange [0:1]
set yrange [0:1]
set xtics 0.2
set ytics 0.2
set key bottom right

plot data("score_roc_validation.csv") using 1:2 with lines lw 2 lc rgb c_blue \
        title sprintf("scorecard (logistic on WOE): AUC %.3f", auc_scorecard), \
     data("mlp_roc_mlp.csv") using 1:2 with lines lw 2 lc rgb c_orange \
        title sprintf("MLP, 4 tanh units: AUC %.3f", auc_mlp), \
     x with lines dt 2 lc rgb c_grey title sprintf("no discrimination (%s loans, %d bads)", thousands(n_valid), bads_valid)
