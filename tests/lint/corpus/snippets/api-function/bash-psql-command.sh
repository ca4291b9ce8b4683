#!/usr/bin/env bash
# ---
# title: Corpus snippet
# description: Part of the lint corpus of good and broken snippets.
# safety: read-only
# privileges: [pg_read_all_stats]
# ---
# The SQL a script hands to psql is checked like a .sql snippet.
set -euo pipefail
# expect-next-line: api-function
psql -X -v ON_ERROR_STOP=1 -c 'SELECT * FROM tviews.pg_tviews_get_queue()'
