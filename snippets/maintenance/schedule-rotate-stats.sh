#!/usr/bin/env bash
# ---
# title: Run rotate-stats.sh from cron (weekly)
# description: >-
#   Adds one line to the current user's crontab that runs rotate-stats.sh for one database
#   on a schedule, appending its output to ~/rotate-stats.log. A line for the same script and
#   database already there is replaced, so running this again changes the schedule instead of
#   adding a second line; other lines are kept. cron starts with an almost empty environment:
#   the connection comes from --dbname and ~/.pgpass (or a PGSERVICE), so check that a plain
#   psql -d <dbname> works for this user first.
# safety: writes
# privileges:
#   - a shell account on a host that reaches the database, allowed to use crontab
# params:
#   script:
#     kind: literal
#     description: absolute path where you saved rotate-stats.sh (made executable)
#     value: /usr/local/bin/rotate-stats.sh
#   schedule:
#     kind: literal
#     description: cron schedule (five fields); Monday 06:00 is a good start
#     value: "0 6 * * 1"
#   dbname:
#     kind: literal
#     description: the database whose statistics to rotate, or a connection string without a password
#     value: app
#   dir:
#     kind: literal
#     description: directory for the saved CSV files
#     value: /var/lib/postgresql/tviews-stats
#   keep_days:
#     kind: literal
#     description: delete saved files older than this many days
#     value: "180"
# expect:
#   output: ['rotate-stats\.sh --dbname']
# timeout: 30s
# ---
set -euo pipefail

script="" schedule="" dbname="" dir="" keep_days=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --script) script=$2; shift 2 ;;
        --schedule) schedule=$2; shift 2 ;;
        --dbname) dbname=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --keep-days) keep_days=$2; shift 2 ;;
        *) echo "schedule-rotate-stats.sh: unknown option '$1'" >&2; exit 64 ;;
    esac
done
for name in script schedule dbname dir keep_days; do
    if [[ -z "${!name}" ]]; then
        echo "schedule-rotate-stats.sh: --${name//_/-} is required" >&2
        exit 64
    fi
done

marker=$(printf '%q --dbname %q ' "$script" "$dbname")
# shellcheck disable=SC2016  # $HOME is left for cron's shell to expand
entry=$(printf '%s %s--dir %q --keep-days %q >>"$HOME/rotate-stats.log" 2>&1' "$schedule" "$marker" "$dir" "$keep_days")
# cron turns an unescaped % into a newline.
entry=${entry//%/\\%}
{ crontab -l 2>/dev/null | grep -v -F "${marker//%/\\%}" || true; echo "$entry"; } | crontab -
echo "installed: $entry"
