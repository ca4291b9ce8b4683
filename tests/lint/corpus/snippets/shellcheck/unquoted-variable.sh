#!/usr/bin/env bash
# ---
# title: Corpus snippet
# description: Part of the lint corpus of good and broken snippets.
# safety: read-only
# privileges: [pg_read_all_stats]
# ---
set -euo pipefail
table="${1:?usage: unquoted-variable.sh <table>}"
# expect-next-line: shellcheck
psql -X -c "SELECT count(*) FROM $table" | grep -c $table
