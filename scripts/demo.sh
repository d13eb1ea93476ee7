#!/usr/bin/env bash
# The main job: build and install risk, start a throwaway cluster, load
# sample data (300 portfolios, 5 years of daily returns, 8,000 loans) and
# print a risk report: market, tail, operational and credit risk, then early
# warning: views watched by the background workers (the cluster preloads
# the library) and the alerts they raise.  Then it draws charts of the same
# data with gnuplot (demo/charts.sql writes their data, demo/charts/*.gp
# the PNGs) and the learnt Bayesian network of operational-risk drivers
# (demo/bn.sql, drawn by Graphviz) into demo/out/; customers' risk
# profiles, portfolios and suitability (demo/profile.sql); and explainable
# and fair credit decisions: reason codes of declined applicants, Shapley
# values, fairness of two decision rules by region and the calibration of
# the PD by region (demo/explain.sql).  As root on a fresh Debian 12 it
# first installs what is missing.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_packages gnuplot-nox graphviz
build_install

dir=$(user_copy)
trap 'rm -rf "$dir"' EXIT
log "starting a throwaway cluster and loading sample data"
as_user "$dir" "pg_virtualenv -v $PG_MAJOR -o shared_preload_libraries=risk -o risk.naptime=200ms bash -c '
    set -e
    psql -X -q -v ON_ERROR_STOP=1 -c \"CREATE EXTENSION risk\"
    psql -X -q -v ON_ERROR_STOP=1 -f demo/sample_data.sql
    psql -X -v ON_ERROR_STOP=1 -f demo/report.sql
    psql -X -v ON_ERROR_STOP=1 -f demo/early_warning.sql
    psql -X -v ON_ERROR_STOP=1 -f demo/bn.sql
    psql -X -v ON_ERROR_STOP=1 -f demo/profile.sql
    psql -X -v ON_ERROR_STOP=1 -f demo/explain.sql
    mkdir -p demo/out/data
    psql -X -q -v ON_ERROR_STOP=1 -v outdir=demo/out/data -f demo/charts.sql
    psql -X -q -At -v ON_ERROR_STOP=1 -c \"SELECT risk.bn_dot(network) FROM op_network\" > demo/out/data/bn.dot
'" 2>&1 | grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'

# The charts, from the data files the cluster wrote; then copied out of the
# throwaway tree into the checkout.
echo
log "drawing charts"
for gp in "$dir"/demo/charts/*.gp; do
    [ "$(basename "$gp")" = style.gp ] && continue
    GNUPLOT_LIB="$dir/demo/charts" gnuplot -c "$gp" "$dir/demo/out/data" "$dir/demo/out"
done
# the learnt network of operational-risk drivers, with its marginals
dot -Tpng "$dir/demo/out/data/bn.dot" -o "$dir/demo/out/bn_drivers.png"
out="$TOP/demo/out"
mkdir -p "$out"
rm -f "$out"/*.png
cp "$dir"/demo/out/*.png "$out"/
if [ "$(id -u)" -eq 0 ]; then
    chown -R --reference="$TOP" "$out"
fi
log "charts in $out:"
ls "$out"/*.png | sed 's|^.*/|   |'
