# Chart 4: grade migration matrix (risk.migration_matrix) as a heat map:
# each cell's colour and first number are its share of the from grade's
# customers, the second number the customers in the cell.
load "style.gp"
load data("migration.gp")
eval png_size(820, 640)
set output out("grade_migration.png")

set title sprintf("Grade migration of %s customers, 2026-09-30 to 2026-12-31 (default master scale)", thousands(n_customers))
set xlabel "grade on 2026-12-31 (customers)"
set ylabel "grade on 2026-09-30 (customers)"
set xrange [0.5 : n_grades + 0.5]
set yrange [n_grades + 0.5 : 0.5]
set tics scale 0
set grid noxtics noytics
set border 0
unset key
set size ratio -1

set cbrange [0:100]
set cblabel "share of the row's customers (%)"
set cbtics 20
set palette defined (0 "#ffffff", 10 "#deebf7", 30 "#9ecae1", 60 "#4292c6", 100 "#08306b")

cell(pct, n) = (n == 0) ? "" : (pct < 0.05 ? "<0.1%" : sprintf("%.1f%%", pct)) . "\n{/*0.85 (" . thousands(n) . ")}"

# the diagonal: customers who kept their grade
do for [i = 1 : n_grades] {
    set object i rect from i - 0.5, i - 0.5 to i + 0.5, i + 0.5 front fs empty border lc rgb "#333333" lw 1.2
}

plot data("migration.csv") using 1:2:6 with image, \
     "" using 1:2:($6 <  45 ? cell($6, $5) : "") with labels font "Sans,9" tc rgb "black", \
     "" using 1:2:($6 >= 45 ? cell($6, $5) : "") with labels font "Sans,9" tc rgb "white"
