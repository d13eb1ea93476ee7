# Chart 5: open alerts by severity over time, stacked (critical at the
# bottom), from the first refresh of the early-warning views to the end of
# the demo; each step is labelled with the view whose refresh opened (+) or
# resolved (-) the alerts.
load "style.gp"
load data("alerts.gp")
set output out("alerts_open.png")

stats data("alerts_open.csv") using ($2 + $3 + $4) nooutput
max_open = STATS_max
stats data("alerts_open.csv") using 2 nooutput
has_info = (STATS_max > 0)

# the title over the whole picture, not only the plot on the left
set label 3 "Open early-warning alerts by severity (risk.alerts), from the workers' first refresh" \
    at screen 0.5, screen 0.955 center font "Sans,12"
set tmargin at screen 0.88
set xlabel "seconds since the first refresh"
set ylabel "open alerts"
set xrange [-0.02 * t_end : t_end]
set yrange [0 : (max_open > 0 ? max_open * 1.15 : 1)]
set style fill solid 1.0 border

# the plot on the left, the key and the numbered list of steps on the right
set rmargin at screen 0.63
set key at screen 0.66, graph 1 left top Left reverse noopaque nobox samplen 2 spacing 1.3
set label 1 "steps: refreshes that opened (+) or\nresolved (-) alerts" at screen 0.66, graph 0.74 left font "Sans,9" tc rgb "#333333"
set label 2 events at screen 0.66, graph 0.62 left font "Sans Mono,8.5" tc rgb "#333333" noenhanced

plot data("alerts_open.csv") using 1:($2 + $3 + $4) with fillsteps lc rgb c_light \
        title (has_info ? "info" : ""), \
     "" using 1:($3 + $4) with fillsteps lc rgb "#fd8d3c" title "warning", \
     "" using 1:4 with fillsteps lc rgb c_red title "critical", \
     "" using 1:($2 + $3 + $4) with steps lc rgb "#333333" lw 1 notitle, \
     data("alerts_events.csv") using 1:2:3 with labels point pt 7 ps 0.5 lc rgb "#333333" \
        center offset 0, 0.8 font "Sans,9" tc rgb "#333333" notitle
