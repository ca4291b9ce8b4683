#!/usr/bin/env bash
# ---
# title: Which PostgreSQL processes hold the most private memory, and what they run
# description: >-
#   Run on the database server itself. Lists the server's processes (client sessions,
#   pg_tviews' rebuild launcher, autovacuum…) by their private memory, the RssAnon line of
#   /proc/<pid>/status (their own heap, without the shared buffers every process maps), with
#   what pg_stat_activity says each one is doing. pg_tviews keeps a writing session's refresh
#   queue and caches in that heap, mostly outside PostgreSQL's memory contexts, so this is where a
#   session growing during a bulk write shows up. Read-only; the connection comes from the
#   PG* variables. Processes whose /proc entry cannot be read (another host, a container) are
#   counted and skipped.
# safety: read-only
# privileges:
#   - a shell on the database server (any user may read /proc/<pid>/status)
#   - pg_read_all_stats (or superuser) to see other roles' queries
# params:
#   top:
#     kind: literal
#     description: how many processes to list, largest first (e.g. 10)
#     value: "10"
# expect:
#   exitCode: 0
#   output: ['private_mb', 'total private memory']
# timeout: 30s
# ---
set -euo pipefail

top=10
while [[ $# -gt 0 ]]; do
    case "$1" in
        --top) top=$2; shift 2 ;;
        -h | --help)
            echo "Usage: backend-memory.sh [--top N]   (connection from PGHOST, PGDATABASE, PGUSER…)"
            exit 0
            ;;
        *)
            echo "backend-memory.sh: unknown option $1 (try --help)" >&2
            exit 64
            ;;
    esac
done
if ! [[ $top =~ ^[0-9]+$ ]]; then
    echo "backend-memory.sh: --top needs a number, not '$top'" >&2
    exit 64
fi

# One line per server process: pid, type, database, user, state, transaction age, query.
activity=$(psql -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 -c "
    SELECT pid, backend_type, coalesce(datname, '-'), coalesce(usename, '-'), coalesce(state, '-'),
           coalesce(extract(epoch FROM now() - xact_start)::int::text, '-'),
           coalesce(nullif(left(regexp_replace(query, '\s+', ' ', 'g'), 60), ''), '-')
      FROM pg_stat_activity
     WHERE pid <> pg_backend_pid()")

rows="" unreadable=0 total_kb=0
while IFS=$'\t' read -r pid type db user state xact query; do
    [[ -n $pid ]] || continue
    kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    if [[ -z $kb ]]; then
        unreadable=$((unreadable + 1))
        continue
    fi
    total_kb=$((total_kb + kb))
    rows+=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$kb" "$pid" "$type" "$db" "$user" "$state" "$xact" "$query")$'\n'
done <<<"$activity"

printf '%-10s %-8s %-28s %-14s %-12s %-20s %-7s %s\n' private_mb pid backend_type database user state xact_s query
if [[ -n $rows ]]; then
    sort -t $'\t' -k1,1nr <<<"${rows%$'\n'}" | head -n "$top" |
        awk -F '\t' '{ printf "%-10.1f %-8s %-28s %-14s %-12s %-20s %-7s %s\n", $1 / 1024, $2, $3, $4, $5, $6, $7, $8 }'
fi
printf 'total private memory of the %d processes read: %.1f MB\n' "$(grep -c . <<<"$rows" || true)" "$(awk -v kb="$total_kb" 'BEGIN { print kb / 1024 }')"
if ((unreadable > 0)); then
    echo "$unreadable server processes could not be read in /proc: run this on the database server (as root or the postgres user)"
fi
