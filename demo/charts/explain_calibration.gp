# Chart: calibration of the PD by region (demo/explain.sql): the 8,000
# loans in ten PD deciles; in each decile and region the mean PD against the
# observed default rate, with its 95% Wilson interval.  A region whose
# points lie on the diagonal gets the PD it shows; one below it is charged
# for more risk than it has.
load "style.gp"
load data("explain_calibration.gp")
eval png_size(700, 760)
set output out("explain_calibration.png")

set title "Calibration of the PD by region, in PD deciles"
set xlabel "mean PD of the region's loans in the decile (%)"
set ylabel "observed default rate (%)"
set size ratio -1
set xrange [0:max_pct]
set yrange [0:max_pct]
set xtics 5
set ytics 5
set key below left Left reverse
set bmargin 9
set label 1 "deciles of the PD over all 8,000 loans\nbars: 95% Wilson intervals of the default rate\nAUC of the PD within the region (risk.fairness)" \
    at graph 0.98, graph 0.12 right font "Sans,8" tc rgb "#555555" noenhanced

regions = "A B C"
colours = "#1f77b4 #ff7f0e #2ca02c"
bar_colours = "#701f77b4 #70ff7f0e #702ca02c"
region(i) = word(regions, i)
n(g)   = value("n_" . g)
pd(g)  = value("pd_" . g)
dr(g)  = value("dr_" . g)
auc(g) = value("auc_" . g)

plot x with lines dt 2 lc rgb c_grey title "observed = PD", \
     for [i = 1:3] data("explain_calibration_" . region(i) . ".csv") using 4:5:6:7 \
        with yerrorbars pt 7 ps 0.8 lw 1 lc rgb word(bar_colours, i) notitle, \
     for [i = 1:3] data("explain_calibration_" . region(i) . ".csv") using 4:5 \
        with linespoints pt 7 ps 0.8 lw 2 lc rgb word(colours, i) \
        title sprintf("region %s: %s loans, mean PD %.1f%%, defaults %.1f%%, AUC %.3f", region(i), \
                      thousands(n(region(i))), pd(region(i)), dr(region(i)), auc(region(i)))
