#!/usr/bin/env bash
# The main job: build and install risk, start a throwaway cluster, load
# sample data (300 portfolios, 5 years of daily returns) and print a risk
# report: rolling VaR/ES, exceptions, backtest verdicts.  As root on a fresh
# Debian 12 it first installs what is missing.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_packages
build_install

dir=$(user_copy)
trap 'rm -rf "$dir"' EXIT
log "starting a throwaway cluster and loading sample data"
as_user "$dir" "pg_virtualenv -v $PG_MAJOR bash -c '
    set -e
    psql -X -q -v ON_ERROR_STOP=1 -c \"CREATE EXTENSION risk\"
    psql -X -q -v ON_ERROR_STOP=1 -f demo/sample_data.sql
    psql -X -v ON_ERROR_STOP=1 -f demo/report.sql
'" 2>&1 | grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
