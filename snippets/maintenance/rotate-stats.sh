#!/usr/bin/env bash
# ---
# title: Save, then reset, tviews.stats and pg_stat_statements (for a weekly cron job)
# description: >-
#   Writes this database's tviews.stats (refresh counts and times per TVIEW) and, when
#   pg_stat_statements is installed in it, this database's statement statistics to two CSV
#   files named by database and time in --dir, each row stamped with the time it was saved;
#   only when both are written does it reset them (tviews.pg_tviews_stats_reset() and
#   pg_stat_statements_reset for this database only), so every file covers the period since
#   the previous run and nothing is lost between them. Then deletes files of this database
#   older than --keep-days. Prints one line per file and one for the reset. The connection
#   comes from the PG* variables or ~/.pgpass; --dbname overrides the database.
# safety: destructive
# changes: >-
#   Resets tviews.stats and pg_stat_statements for this database (after saving them) and deletes
#   its saved files older than --keep-days.
# undo: >-
#   None for the counters, which start again from zero; their values up to the reset are in the
#   files just written. Deleted old files are gone.
# privileges:
#   - superuser (pg_stat_statements_reset), or the extension's owner with --skip-statements
#   - write access to --dir on the host that runs it
# params:
#   dir:
#     kind: literal
#     description: directory for the CSV files, created if missing (e.g. /var/lib/postgresql/tviews-stats)
#     value: tviews-stats
#   keep_days:
#     kind: literal
#     description: delete saved files older than this many days (e.g. 90)
#     value: "90"
# expect:
#   output: ['saved tviews\.stats', 'reset tviews\.stats']
# timeout: 2min
# ---
set -euo pipefail

dir="" keep_days="" dbname="" statements=yes
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) dir=$2; shift 2 ;;
        --keep-days) keep_days=$2; shift 2 ;;
        --dbname) dbname=$2; shift 2 ;;
        --skip-statements) statements=no; shift ;;
        *) echo "rotate-stats.sh: unknown option '$1'" >&2; exit 64 ;;
    esac
done
if [[ -z "$dir" || ! "$keep_days" =~ ^[0-9]+$ ]]; then
    echo "rotate-stats.sh: --dir and --keep-days (a number of days) are required" >&2
    exit 64
fi
if [[ -n "$dbname" ]]; then export PGDATABASE=$dbname; fi

run() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

mkdir -p "$dir"
database=$(run -At -c 'SELECT current_database()')
stamp=$(date -u +%Y%m%dT%H%M%SZ)
safe_database=${database//[^A-Za-z0-9_.-]/_}

stats_file="$dir/tviews-stats-$safe_database-$stamp.csv"
run --csv -o "$stats_file" -c 'SELECT now() AS saved_at, s.* FROM tviews.stats s ORDER BY s.entity'
echo "saved tviews.stats: $(($(wc -l <"$stats_file") - 1)) rows to $stats_file"

if [[ "$statements" == yes ]]; then
    installed=$(run -At -c "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")
    if [[ "$installed" == 1 ]]; then
        statements_file="$dir/statements-$safe_database-$stamp.csv"
        run --csv -o "$statements_file" -c "SELECT now() AS saved_at, s.* FROM pg_stat_statements s WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY s.total_exec_time DESC"
        echo "saved pg_stat_statements: $(($(wc -l <"$statements_file") - 1)) statements to $statements_file"
    else
        echo "pg_stat_statements is not installed in $database: only tviews.stats saved" >&2
        statements=no
    fi
fi

# Both files are written: reset what they hold.
run -At -c 'SELECT tviews.pg_tviews_stats_reset()' >/dev/null
echo "reset tviews.stats of $database at $(date -u +%FT%TZ)"
if [[ "$statements" == yes ]]; then
    run -At -c 'SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)' >/dev/null
    echo "reset pg_stat_statements of $database"
fi

find "$dir" -maxdepth 1 -type f \( -name "tviews-stats-$safe_database-*.csv" -o -name "statements-$safe_database-*.csv" \) \
    -mtime +"$keep_days" -print -delete | sed 's/^/deleted old file: /'
