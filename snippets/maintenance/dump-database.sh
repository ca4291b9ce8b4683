#!/usr/bin/env bash
# ---
# title: Back up one database with pg_dump before an upgrade
# description: >-
#   Writes a pg_dump of the database in custom format (-Fc: compressed, restorable table by
#   table) to --dir, named by database and time, then reads the file's table of contents back
#   to prove it is complete, and prints its path, size and how many TVIEW registrations and
#   tables it holds. The dump holds pg_tviews' registrations (its configuration tables), the
#   TVIEW tables with their rows and the source tables, and restores into a database of the
#   same pg_tviews release (maintenance/restore-database); it does not hold the audit log's
#   entries, roles, or server settings (pg_dumpall --globals-only keeps roles). Readers and
#   writers go on while it runs; it reads every table, so it takes minutes per gigabyte.
# safety: read-only
# privileges:
#   - SELECT on every table of the database (its owner, a superuser, or pg_read_all_data)
#   - write access to --dir on the host that runs it
# params:
#   dir:
#     kind: literal
#     description: directory for the dump, created if missing, with room for a compressed copy of the database (e.g. /var/backups/postgresql)
#     value: dumps
# expect:
#   output: ['dump written', 'TABLE DATA tviews pg_tview_meta']
# timeout: 60min
# ---
set -euo pipefail

dir="" dbname=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) dir=$2; shift 2 ;;
        --dbname) dbname=$2; shift 2 ;;
        *) echo "dump-database.sh: unknown option '$1'" >&2; exit 64 ;;
    esac
done
if [[ -z "$dir" ]]; then echo "dump-database.sh: --dir is required" >&2; exit 64; fi
if [[ -n "$dbname" ]]; then export PGDATABASE=$dbname; fi

mkdir -p "$dir"
database=$(psql -X -At -v ON_ERROR_STOP=1 -c 'SELECT current_database()')
version=$(psql -X -At -v ON_ERROR_STOP=1 -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_tviews'")
file="$dir/${database//[^A-Za-z0-9_.-]/_}-pg_tviews-${version:-none}-$(date -u +%Y%m%dT%H%M%SZ).dump"

pg_dump -Fc --file="$file"
contents=$(pg_restore --list "$file")
echo "dump written: $file ($(du -h "$file" | cut -f1)), pg_tviews $version"
grep -E 'TABLE DATA tviews pg_tview_meta' <<<"$contents" | sed 's/^[0-9; ]*//'
echo "tables with data: $(grep -c 'TABLE DATA' <<<"$contents")"
