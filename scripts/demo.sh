#!/usr/bin/env bash
# The main job: build and install risk, start a throwaway cluster, load
# sample data (300 portfolios, 5 years of daily returns, 8,000 loans) and
# print a risk report: market, tail, operational and credit risk, then early
# warning: views watched by the background workers (the cluster preloads
# the library) and the alerts they raise.  As root on a fresh Debian 12 it
# first installs what is missing.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_packages
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
'" 2>&1 | grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster|Ver Cluster|[0-9]+ +regress )'
