#!/usr/bin/env bash
# ---
# title: Corpus snippet
# description: Part of the lint corpus of good and broken snippets.
# safety: read-only
# privileges: [pg_read_all_stats]
# ---
set -euo pipefail
if [[ -n "${PGHOST:-}" ]]; then
  echo "host set"
# expect: bash-syntax
