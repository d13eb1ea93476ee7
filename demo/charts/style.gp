# Shared settings of the demo's charts, loaded by each script in this
# directory.  Every script is called as
#     gnuplot -c demo/charts/NAME.gp DATADIR OUTDIR
# reads the CSV files demo/charts.sql wrote into DATADIR and writes its PNG
# into OUTDIR.

data(f) = ARG1 . "/" . f
out(f)  = ARG2 . "/" . f

# PNG through cairo (antialiased) where gnuplot has it, libgd otherwise;
# 900x500 unless a script asks for another size with  eval png_size(w, h)
png_terminal = (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) ? "pngcairo" : "png"
png_size(w, h) = sprintf("set terminal %s size %d,%d", png_terminal, w, h)
eval sprintf("set terminal %s size 900,500 enhanced font \"Sans,10\" background rgb \"white\"", png_terminal)
set encoding utf8

# the data files are CSV with a header line
set datafile separator comma
set datafile columnheaders

set border 3 lc rgb "#555555"
set tics nomirror out scale 0.6
set grid back lc rgb "#e0e0e0" lw 1 dt 1
set key opaque box lc rgb "#cccccc" samplen 2.5 spacing 1.2
set title font "Sans,12"
set decimalsign "."

# colours used across the charts
c_blue   = "#1f77b4"
c_light  = "#9ecae1"
c_orange = "#ff7f0e"
c_red    = "#d62728"
c_grey   = "#7f7f7f"

# 1234567 -> "1,234,567"
thousands(n) = (n >= 1000) ? thousands(int(n) / 1000) . sprintf(",%03d", int(n) % 1000) : sprintf("%d", int(n))
