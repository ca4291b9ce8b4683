#!/usr/bin/env bash
# ---
# title: Restore a pg_dump into an empty database (the way back from an upgrade)
# description: >-
#   Restores a dump written by maintenance/dump-database into the database the connection
#   points at, which must be empty (no table, no pg_tviews): create it first with createdb, on
#   a server running the pg_tviews release the dump was taken with (its name is in the file
#   name). It refuses, changing nothing, when the database already holds tables (exit 65) or
#   the file is missing (exit 66). pg_restore stops at the first error. Then it runs pg_tviews'
#   health check and counts the TVIEWs: the restored TVIEWs are registered again and follow
#   their source tables. Everything written after the dump was taken is not in it.
# safety: writes
# privileges:
#   - a superuser (the restore creates pg_tviews and gives every object back to its owner, whose roles must exist on the server)
# params:
#   file:
#     kind: literal
#     description: the dump file maintenance/dump-database wrote
#     value: dumps/app-pg_tviews-0.1.0-beta.33-20260101T000000Z.dump
# expect:
#   exitCode: 65
#   output: ['is not empty']
# timeout: 120min
# ---
set -euo pipefail

file="" dbname=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --file) file=$2; shift 2 ;;
        --dbname) dbname=$2; shift 2 ;;
        *) echo "restore-database.sh: unknown option '$1'" >&2; exit 64 ;;
    esac
done
if [[ -z "$file" ]]; then echo "restore-database.sh: --file is required" >&2; exit 64; fi
if [[ -n "$dbname" ]]; then export PGDATABASE=$dbname; fi

database=$(psql -X -At -v ON_ERROR_STOP=1 -c 'SELECT current_database()')
tables=$(psql -X -At -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')")
if [[ "$tables" != 0 ]]; then
    echo "restore-database.sh: database $database is not empty ($tables tables): restore into a new database (createdb)" >&2
    exit 65
fi
if [[ ! -r "$file" ]]; then
    echo "restore-database.sh: no dump file $file" >&2
    exit 66
fi

pg_restore --exit-on-error -d "$database" "$file"
echo "restored $file into $database"
psql -X -v ON_ERROR_STOP=1 -c "SELECT status, component, message FROM tviews.pg_tviews_health_check() WHERE status <> 'OK'" \
     -c "SELECT count(*) AS tviews, (SELECT extversion FROM pg_extension WHERE extname = 'pg_tviews') AS pg_tviews FROM tviews.registry"
