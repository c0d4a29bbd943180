#!/usr/bin/env bash
# delbench in any CI (or on your laptop): benchmark the base commit and the current one on the same
# machine, one after the other, and compare. Exit status: 0 no regression, 1 regression, 2 the
# results could not be compared.
#
#   examples/ci/compare-with-base.sh origin/main
#
# Set DELBENCH_DB to the databases to use (default: the embedded SQLite), e.g.
#   DELBENCH_DB="--db postgres://postgres@127.0.0.1:5432/postgres --db mysql://root@127.0.0.1:3306/"
set -euo pipefail

base_ref=${1:?usage: compare-with-base.sh BASE_REF (a branch, tag or commit)}
db_flags=${DELBENCH_DB:---db sqlite}
# Five iterations a side: the fewest with which a time change can be significant at 0.05.
matrix="--scenario bookstore,library --scale 0.01 --iterations 5 --timeout 60"
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add --detach "$work/base" "$base_ref" >/dev/null
(cd "$work/base" && npm ci --silent && npx delbench run $db_flags $matrix --out "$work/base-results")
npm ci --silent
npx delbench run $db_flags $matrix --out "$work/head-results"

set +e
npx delbench compare "$work/base-results/results.json" "$work/head-results/results.json" | tee delbench-delta.md
status=${PIPESTATUS[0]}
set -e
echo "delta table: delbench-delta.md"
exit "$status"
