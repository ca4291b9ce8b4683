#!/usr/bin/env bash
# ---
# title: Corpus snippet
# description: Part of the lint corpus of good and broken snippets.
# safety: read-only
# privileges: [pg_read_all_stats]
# verifyArgs: ["--once"]
# ---
# Prints this server's TVIEW queue view every few seconds; --once prints it once.
set -euo pipefail
once=false
if [[ "${1:-}" == "--once" ]]; then once=true; fi
while true; do
  psql -X -v ON_ERROR_STOP=1 -c 'SELECT * FROM tviews.pg_tviews_queue_realtime'
  if "$once"; then break; fi
  sleep 5
done
