# Chart: each customer's portfolio risk against the loss the customer can
# bear (demo/profile.sql): the one-year 99% loss of the portfolio (a
# bootstrap of its returns) against the profile's tolerated loss, both in
# money, on log scales; above the diagonal the portfolio no longer fits.
load "style.gp"
load data("profile_risk.gp")
set output out("profile_risk.png")

set title sprintf("Portfolio risk against the tolerated loss: %d of %d customers above the line", n_beyond, n_customers)
set xlabel "tolerated loss over a year, money" noenhanced
set ylabel "one-year 99% loss of the portfolio, money" noenhanced
set logscale xy
set key left top
set palette defined (1 "#2c7bb6", 4 "#ffffbf", 7 "#d7191c")
set cbrange [1:7]
set cblabel "risk class of the profile"
set cbtics 1
set label 1 "a gain is drawn at 1; loss by risk.portfolio_risk, tolerated loss by risk.risk_profile" at graph 0.99, graph 0.03 right font "Sans,8" tc rgb "#555555" noenhanced
plot data("profile_risk.csv") using 3:4:2 with points pt 7 ps 0.5 lc palette notitle, \
     x with lines lc rgb "#555555" dt 2 title "loss = tolerated loss"
