#!/usr/bin/env bash
# ---
# title: Corpus snippet
# description: Part of the lint corpus of good and broken snippets.
# safety: read-only
# privileges: [pg_read_all_stats]
# verifyArgs: ["--once"]
# ---
# Prints the refresh statistics of this database's TVIEWs every few seconds; --once prints them once.
set -euo pipefail
once=false
if [[ "${1:-}" == "--once" ]]; then once=true; fi
while true; do
  psql -X -v ON_ERROR_STOP=1 -c 'SELECT entity, refresh_ms, rows_written, full_refreshes FROM tviews.stats ORDER BY refresh_ms DESC'
  if "$once"; then break; fi
  sleep 5
done
