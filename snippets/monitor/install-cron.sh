#!/usr/bin/env bash
# ---
# title: Run tview-monitor.sh from cron every few minutes
# description: >-
#   Adds one line to the current user's crontab that runs tview-monitor.sh --once on a
#   schedule, with the alert command of your choice, appending its output to
#   ~/tview-monitor.log; a line for tview-monitor.sh already there is replaced, so running it
#   again changes the schedule instead of adding a second one. cron starts with an almost
#   empty environment: the connection comes from --dbname and ~/.pgpass (or a PGSERVICE
#   in ~/.pg_service.conf), so check that a plain psql -d <dbname> works for this user first.
# safety: writes
# privileges:
#   - a shell account on a host that can reach the database, allowed to use crontab
# params:
#   script:
#     kind: literal
#     description: absolute path where you saved tview-monitor.sh (made executable)
#     value: /usr/local/bin/tview-monitor.sh
#   schedule:
#     kind: literal
#     description: cron schedule (five fields); every 5 minutes is a good start
#     value: "*/5 * * * *"
#   dbname:
#     kind: literal
#     description: the database to check, or a connection string without a password
#     value: app
#   alert_command:
#     kind: literal
#     description: command that receives the alert line on stdin (mail, a chat webhook via curl, your pager's CLI)
#     value: mail -s 'pg_tviews monitor' oncall@example.test
# expect:
#   output: ['tview-monitor.sh --once']
# timeout: 30s
# ---
set -euo pipefail

script="" schedule="" dbname="" alert_command=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --script) script=$2; shift 2 ;;
        --schedule) schedule=$2; shift 2 ;;
        --dbname) dbname=$2; shift 2 ;;
        --alert-command) alert_command=$2; shift 2 ;;
        *) echo "install-cron.sh: unknown option '$1'" >&2; exit 64 ;;
    esac
done
for name in script schedule dbname alert_command; do
    if [[ -z "${!name}" ]]; then
        echo "install-cron.sh: --${name//_/-} is required" >&2
        exit 64
    fi
done

# shellcheck disable=SC2016  # $HOME is left for cron's shell to expand
entry=$(printf '%s %q --once --dbname %q --alert-command %q >>"$HOME/tview-monitor.log" 2>&1' \
    "$schedule" "$script" "$dbname" "$alert_command")
# cron turns an unescaped % into a newline.
entry=${entry//%/\\%}
# Keep every other line of the crontab; replace an earlier tview-monitor.sh line.
{ crontab -l 2>/dev/null | grep -v -F 'tview-monitor.sh' || true; echo "$entry"; } | crontab -
echo "installed: $entry"
