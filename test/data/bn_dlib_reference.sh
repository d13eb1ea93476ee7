#!/usr/bin/env bash
# Builds bn_dlib_reference.cpp against dlib (Debian: libdlib-dev) and writes
# bn_large_nodes.csv and bn_large_queries.csv next to this script: exact
# marginals and posteriors of a 50-node and a 60-node network from dlib's
# join tree, for sql/bn.sql.  Deterministic: the same files on every run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g++ -std=c++14 -O2 -o "$tmp/ref" "$here/bn_dlib_reference.cpp" -lpthread
"$tmp/ref" "$here/bn_large_nodes.csv" "$here/bn_large_queries.csv"
wc -l "$here/bn_large_nodes.csv" "$here/bn_large_queries.csv"
