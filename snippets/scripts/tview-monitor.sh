#!/usr/bin/env bash
# ---
# title: tview-monitor.sh, the pg_tviews queue and health monitor for cron or an agent
# description: >-
#   Checks, once or in a loop, what can go wrong with pg_tviews from outside the writing
#   sessions: prepared transactions left open (their TVIEW changes and locks wait with
#   them), open transactions holding TVIEW writes, pg_tviews' own health check (catalog,
#   plans, re-registration, missing or disabled triggers), TVIEWs whose table or view is gone
#   or whose table is empty while its view is not, and disabled or orphaned pg_tviews
#   triggers. Prints one key=value line per round, with tviews.stats' refresh totals for
#   graphing, runs the alert command when the status is not OK, and exits 0 OK, 1 WARNING,
#   2 CRITICAL, 3 UNKNOWN (cannot connect or query, or a standby), 64 bad option. Connection
#   settings come from the PG* variables and ~/.pgpass. Run --help for options.
# safety: read-only
# privileges:
#   - a role that can connect and read tviews.registry (any role)
#   - pg_read_all_stats, to see other roles' transactions
# expect:
#   exitCode: 0
#   output: ['status=OK', 'prepared=0']
# timeout: 60s
# verifyArgs: [--once]
# ---
set -euo pipefail

readonly OK=0 WARNING=1 CRITICAL=2 UNKNOWN=3 USAGE=64
readonly NAMES=(OK WARNING CRITICAL UNKNOWN)

usage() {
    cat <<'USAGE'
Usage: tview-monitor.sh [options]

Checks pg_tviews in the database given by the PG* variables (or --dbname) and prints
one line per round: a UTC time, status=OK|WARNING|CRITICAL|UNKNOWN and the figures.

  --once                 one round, then exit (for cron); the default
  --iterations N         N rounds, then exit; 0 = run until stopped
  --interval SECONDS     pause between rounds (default 60)
  --dbname NAME          database to check (default: PGDATABASE)
  --prepared-warn SEC    prepared transaction older than this: WARNING (default 300)
  --prepared-crit SEC    ... CRITICAL (default 3600)
  --xact-warn SEC        open transaction holding TVIEW writes older than this: WARNING (default 300)
  --xact-crit SEC        ... CRITICAL (default 1800)
  --alert-command CMD    run with bash -c when a round is not OK (in a loop: when the
                         status changes, recovery included). It gets the line on stdin
                         and TVIEW_MONITOR_STATUS / TVIEW_MONITOR_LINE in its environment.
  --help                 this text

Always CRITICAL: pg_tviews' health check reports an ERROR (a missing or disabled
trigger, an unreadable plan, a catalog out of step with the library, orphaned metadata);
a registered TVIEW lost its table or view; a TVIEW table is empty while its view has rows.
Always WARNING: the health check reports a WARNING other than jsonb_delta (a TVIEW to
re-register, an orphaned trigger); a pg_tviews trigger is disabled or orphaned.
The figures refresh_ms and rows_refreshed are tviews.stats totals for this database since
its last reset: graph their differences between rounds, they raise no status.

Exit status: the worst status of all rounds: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN (cannot connect, the query failed, or the server is a standby, where
pg_tviews cannot be checked: point it at the primary), 64 bad option.
USAGE
}

iterations=1
interval=60
dbname=""
prepared_warn=300
prepared_crit=3600
xact_warn=300
xact_crit=1800
alert_command=""

die_usage() {
    echo "tview-monitor.sh: $1 (see --help)" >&2
    exit "$USAGE"
}

need_number() {
    [[ "$2" =~ ^[0-9]+$ ]] || die_usage "$1 needs a whole number, not '$2'"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --once) iterations=1; shift ;;
        --iterations|--interval|--dbname|--prepared-warn|--prepared-crit|--xact-warn|--xact-crit|--alert-command)
            [[ $# -ge 2 ]] || die_usage "$1 needs a value"
            case "$1" in
                --iterations) need_number "$1" "$2"; iterations=$2 ;;
                --interval) need_number "$1" "$2"; interval=$2 ;;
                --dbname) dbname=$2 ;;
                --prepared-warn) need_number "$1" "$2"; prepared_warn=$2 ;;
                --prepared-crit) need_number "$1" "$2"; prepared_crit=$2 ;;
                --xact-warn) need_number "$1" "$2"; xact_warn=$2 ;;
                --xact-crit) need_number "$1" "$2"; xact_crit=$2 ;;
                --alert-command) alert_command=$2 ;;
            esac
            shift 2 ;;
        --help|-h) usage; exit "$OK" ;;
        *) die_usage "unknown option '$1'" ;;
    esac
done

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT

psql_args=(-X -q -A -t -F '|' -v ON_ERROR_STOP=1)
if [[ -n "$dbname" ]]; then
    psql_args+=(-d "$dbname")
fi
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
export PGOPTIONS="${PGOPTIONS:-} -c statement_timeout=30000"
export PGAPPNAME="${PGAPPNAME:-tview-monitor}"

# One row: prepared|oldest_prepared_s|writers|oldest_write_xact_s|health_errors|
#          health_warnings|missing_tviews|empty_tviews|trigger_problems|refresh_ms|rows_refreshed
collect() {
    psql "${psql_args[@]}" 2>"$errors" <<'SQL'
-- pg_tviews_health_check() cannot run on a standby: say so instead of failing on it.
SELECT pg_is_in_recovery() AS on_standby \gset
\if :on_standby
SELECT 'standby';
\else
WITH tview AS (
    SELECT r.entity, r.name, r.schema, r.view FROM tviews.registry r
),
health AS (
    SELECT count(*) FILTER (WHERE h.status = 'ERROR') AS errors,
           count(*) FILTER (WHERE h.status = 'WARNING' AND h.component <> 'jsonb_delta') AS warnings
      FROM tviews.pg_tviews_health_check() h
),
writer AS (
    SELECT count(DISTINCT a.pid) AS sessions, min(a.xact_start) AS oldest
      FROM pg_locks l
      JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'relation' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()
       AND l.relation IN (SELECT CASE WHEN t.schema IS NOT NULL THEN to_regclass(format('%I.%I', t.schema, t.name)) END FROM tview t WHERE t.schema IS NOT NULL)
),
ours AS (
    SELECT tg.tgenabled,
           convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) AS entity
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger',
                         'pg_tview_delta_trigger', 'pg_tview_truncate_trigger')
       AND tg.tgparentid = 0 AND tg.tgnargs = 1
)
SELECT (SELECT count(*) FROM pg_prepared_xacts),
       coalesce((SELECT extract(epoch FROM now() - min(prepared))::bigint FROM pg_prepared_xacts), 0),
       (SELECT sessions FROM writer),
       coalesce((SELECT extract(epoch FROM now() - oldest)::bigint FROM writer), 0),
       (SELECT errors FROM health),
       (SELECT warnings FROM health),
       (SELECT count(*) FROM tview t WHERE t.schema IS NULL OR t.view IS NULL),
       (SELECT count(*) FROM tview t
         WHERE t.schema IS NOT NULL AND t.view IS NOT NULL
           AND (xpath('/row/e/text()', query_to_xml(format(
                   'SELECT NOT EXISTS (SELECT 1 FROM %I.%I) AND EXISTS (SELECT 1 FROM %s) AS e',
                   t.schema, t.name, t.view), false, true, '')))[1]::text::boolean),
       -- D: disabled; R: fires only under session_replication_role = replica, never here.
       (SELECT count(*) FROM ours o
         WHERE o.tgenabled IN ('D', 'R') OR NOT EXISTS (SELECT 1 FROM tview t WHERE t.entity = o.entity)),
       (SELECT coalesce(round(sum(s.refresh_ms))::bigint, 0) FROM tviews.stats s),
       (SELECT coalesce(sum(s.rows_written + s.rows_deleted), 0) FROM tviews.stats s);
\endif
SQL
}

alert() {
    local status_name=$1 line=$2
    [[ -n "$alert_command" ]] || return 0
    if ! printf '%s\n' "$line" | TVIEW_MONITOR_STATUS="$status_name" TVIEW_MONITOR_LINE="$line" bash -c "$alert_command"; then
        echo "tview-monitor.sh: the alert command failed" >&2
    fi
}

worst=$OK
previous=""
round=0
while :; do
    round=$((round + 1))
    reasons=()
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    collected=true
    row=$(collect) || collected=false
    if $collected && [[ "$row" == standby ]]; then
        status=$UNKNOWN
        reasons=("this server is a standby (in recovery): pg_tviews can be checked on the primary only; point the monitor there")
        line="$now status=UNKNOWN"
    elif $collected && [[ -n "$row" ]]; then
        IFS='|' read -r prepared oldest_prepared writers oldest_write health_errors health_warnings missing empty trigger_problems refresh_ms rows_refreshed <<<"$row"
        status=$OK
        raise() { if (( $1 > status )); then status=$1; fi; reasons+=("$2"); }
        (( health_errors > 0 )) && raise "$CRITICAL" "pg_tviews_health_check reports $health_errors ERROR(s)"
        (( missing > 0 )) && raise "$CRITICAL" "$missing TVIEW(s) lost their table or view"
        (( empty > 0 )) && raise "$CRITICAL" "$empty TVIEW(s) empty while their view has rows"
        if (( prepared > 0 && oldest_prepared >= prepared_crit )); then
            raise "$CRITICAL" "prepared transaction open ${oldest_prepared}s >= ${prepared_crit}s"
        elif (( prepared > 0 && oldest_prepared >= prepared_warn )); then
            raise "$WARNING" "prepared transaction open ${oldest_prepared}s >= ${prepared_warn}s"
        fi
        if (( writers > 0 && oldest_write >= xact_crit )); then
            raise "$CRITICAL" "transaction holding TVIEW writes open ${oldest_write}s >= ${xact_crit}s"
        elif (( writers > 0 && oldest_write >= xact_warn )); then
            raise "$WARNING" "transaction holding TVIEW writes open ${oldest_write}s >= ${xact_warn}s"
        fi
        (( health_warnings > 0 )) && raise "$WARNING" "pg_tviews_health_check reports $health_warnings WARNING(s)"
        (( trigger_problems > 0 )) && raise "$WARNING" "$trigger_problems pg_tviews trigger(s) disabled or orphaned"
        line="$now status=${NAMES[$status]} prepared=$prepared oldest_prepared_s=$oldest_prepared open_writers=$writers oldest_write_xact_s=$oldest_write health_errors=$health_errors health_warnings=$health_warnings missing_tviews=$missing empty_tviews=$empty trigger_problems=$trigger_problems refresh_ms=$refresh_ms rows_refreshed=$rows_refreshed"
    else
        status=$UNKNOWN
        reasons=("cannot check: $(tr '\n' ' ' <"$errors" | sed 's/ *$//')")
        line="$now status=UNKNOWN"
    fi
    if (( ${#reasons[@]} > 0 )); then
        line="$line reasons=\"$(IFS=';'; echo "${reasons[*]}")\""
    fi
    echo "$line"
    if (( status > worst )); then worst=$status; fi
    # Alert on a problem, and in a loop only when the status changes (recovery included).
    if [[ -z "$previous" && $status -ne $OK ]] || [[ -n "$previous" && "$previous" != "$status" ]]; then
        alert "${NAMES[$status]}" "$line"
    fi
    previous=$status
    if (( iterations > 0 && round >= iterations )); then
        break
    fi
    sleep "$interval"
done
exit "$worst"
