# Chart 3b: ROC curves of the scorecard's PD on the training loans (the
# 6,000 older) and the validation loans (the 2,000 recent), with their AUC
# (risk.auc).
load "style.gp"
load data("score.gp")
eval png_size(640, 560)
set output out("score_roc.png")

set title "ROC of the scorecard PD"
set xlabel "false positive rate (share of goods at or above the PD)"
set ylabel "true positive rate (share of bads at or above the PD)"
set size ratio -1
set xrange [0:1]
set yrange [0:1]
set xtics 0.2
set ytics 0.2
set key bottom right

plot data("score_roc_training.csv") using 1:2 with lines lw 2 lc rgb c_blue \
        title sprintf("training: %s loans, %d bads, AUC %.3f", thousands(n_train), bads_train, auc_train), \
     data("score_roc_validation.csv") using 1:2 with lines lw 2 lc rgb c_orange \
        title sprintf("validation: %s loans, %d bads, AUC %.3f", thousands(n_valid), bads_valid, auc_valid), \
     x with lines dt 2 lc rgb c_grey title "no discrimination (AUC 0.5)"
