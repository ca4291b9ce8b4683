#!/usr/bin/env bash
# ---
# title: Corpus snippet
# description: Part of the lint corpus of good and broken snippets.
# safety: read-only
# privileges: [pg_read_all_stats]
# ---
set -euo pipefail
# expect-next-line: hard-coded-connection
psql -h db1.example.internal -X -c 'SELECT 1'
