#!/usr/bin/env bash
# ---
# title: The server log lines of an incident that concern pg_tviews, counted and dated
# description: >-
#   Reads a PostgreSQL server log (plain or .gz, any log_line_prefix that starts with the
#   time, the default %m does) and counts, per kind, the lines an incident with pg_tviews
#   leaves there: pg_tviews' own errors and warnings (a commit refused with queued refreshes,
#   backpressure and max_refresh_rows, failed refreshes, unreadable plans, a commit made while
#   suspended, a refused PREPARE, the rebuild worker) and PostgreSQL's around them (lock and
#   statement timeouts, deadlocks, lock waits, memory, connection limits, sessions ended,
#   crashes and restarts, writes refused as read-only). For each kind it prints the first and
#   last time seen and up to --examples lines with their DETAIL, HINT, CONTEXT and STATEMENT
#   lines, for the review's timeline. Only lines at or after --since count. Read-only; it
#   does not connect to the database. Run it where the log is (Debian:
#   /var/log/postgresql/postgresql-<version>-main.log; with logging_collector on, the file
#   SELECT pg_current_logfile() names, under the data directory).
# safety: read-only
# privileges:
#   - read access to the server log file (root, the postgres user, or the adm group on Debian)
# params:
#   log_file:
#     kind: literal
#     description: path of the server log file (a .gz is read with zcat; - reads standard input)
#     value: /dev/null
#   since:
#     kind: literal
#     description: count only lines logged at or after this time, written as the log writes it (e.g. 2026-11-30 21:40)
#     value: 2000-01-01 00:00
# expect:
#   exitCode: 0
#   output: ['no line of these kinds']
# timeout: 2min
# ---
set -euo pipefail

log_file="" since="" examples=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --log-file) log_file=$2; shift 2 ;;
        --since) since=$2; shift 2 ;;
        --examples) examples=$2; shift 2 ;;
        -h | --help)
            echo "Usage: log-lines.sh --log-file FILE [--since 'YYYY-MM-DD HH:MM'] [--examples N]"
            exit 0
            ;;
        *)
            echo "log-lines.sh: unknown option $1 (try --help)" >&2
            exit 64
            ;;
    esac
done
if [[ -z $log_file ]]; then
    echo "log-lines.sh: --log-file is required (the server log; - for standard input)" >&2
    exit 64
fi
if [[ $log_file != - && ! -r $log_file ]]; then
    echo "log-lines.sh: cannot read $log_file" >&2
    exit 66
fi
if ! [[ $examples =~ ^[0-9]+$ ]]; then
    echo "log-lines.sh: --examples needs a number" >&2
    exit 64
fi

read_log() {
    if [[ $log_file == - ]]; then cat; elif [[ $log_file == *.gz ]]; then zcat -- "$log_file"; else cat -- "$log_file"; fi
}

# kind|regular expression (awk ERE, matched against the whole line)
kinds='commit refused: refreshes still queued (a flush trigger disabled or missing)|pg_tviews: cannot commit with [0-9]+ queued refreshes
statement refused: refresh queue backpressure (max_queue_size)|refresh queue backpressure
statement refused: max_refresh_rows|in one statement \(max_refresh_rows
refresh failed|TVIEW refresh failed
propagation plans unreadable|could not read the propagation plans
changed rows not mapped (registration lost)|could not map the changed rows
committed while suspended: TVIEWs left stale|transaction committed with refresh suspended
refresh refused while suspended|Cannot refresh: triggers are suspended
PREPARE refused (publish_changes)|cannot PREPARE TRANSACTION: it changed TVIEW rows
no such TVIEW|TVIEW [^ ]+ does not exist
not the owner of a TVIEW|must be owner of TVIEW
rebuild worker (UNLOGGED TVIEWs after a restart)|pg_tviews: (rebuilt tv_|rebuild in database|no TVIEW to rebuild|the rebuild worker|could not start the rebuild worker|database ".*" in pg_tviews.auto_rebuild)
lock timeout|canceling statement due to lock timeout
statement timeout|canceling statement due to statement timeout
statement cancelled by a user or an administrator|canceling statement due to user request
deadlock|deadlock detected
lock wait over deadlock_timeout (log_lock_waits)|still waiting for [A-Za-z]+Lock
out of memory|out of memory
lock table full (max_locks_per_transaction)|out of shared memory
connection slots exhausted|too many clients already|remaining connection slots are reserved
session ended by an administrator|terminating connection due to administrator command
session ended: idle in transaction too long|terminating connection due to idle-in-transaction timeout
server process crashed|was terminated by signal|terminating any other active server processes
server (re)started|database system is ready to accept (read-only )?connections
write refused: read-only|cannot execute [A-Z ]+ in a read-only transaction'

read_log | awk -v since="$since" -v examples="$examples" -v kinds="$kinds" '
BEGIN {
    n = split(kinds, lines, "\n")
    for (i = 1; i <= n; i++) { p = index(lines[i], "|"); label[i] = substr(lines[i], 1, p - 1); re[i] = substr(lines[i], p + 1) }
    keep = (since == "")
}
{
    ts = ""
    if (match($0, /[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9](:[0-9][0-9])?/)) {
        ts = substr($0, RSTART, RLENGTH)
        keep = (since == "" || ts >= since)
    }
    if (!keep) next
    # DETAIL, HINT, CONTEXT and STATEMENT lines (and continuation lines) of an example just printed
    if (follow > 0 && ($0 ~ /(DETAIL|HINT|CONTEXT|STATEMENT|QUERY):  / || $0 ~ /^[ \t]/)) {
        if (shown_lines[follow] < 8) { text[follow] = text[follow] "\n      " $0; shown_lines[follow]++ }
        next
    }
    follow = 0
    for (i = 1; i <= n; i++) {
        if ($0 ~ re[i]) {
            count[i]++
            if (ts != "") { if (first[i] == "") first[i] = ts; last[i] = ts }
            if (count[i] <= examples) { text[i] = text[i] "\n    " $0; follow = i }
            break
        }
    }
}
END {
    found = 0
    printf "%-7s %-19s %-19s %s\n", "lines", "first", "last", "kind"
    for (i = 1; i <= n; i++) if (count[i] > 0) { found = 1; printf "%-7d %-19s %-19s %s\n", count[i], first[i], last[i], label[i] }
    if (!found) { print "no line of these kinds" (since != "" ? " since " since : ""); exit 0 }
    for (i = 1; i <= n; i++) if (count[i] > 0) printf "\n== %s (%d lines; the first %d)%s\n", label[i], count[i], (count[i] < examples ? count[i] : examples), text[i]
}'
