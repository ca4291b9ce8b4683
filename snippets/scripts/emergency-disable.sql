-- ---
-- title: emergency-disable.sql, stop pg_tviews maintaining TVIEWs, with a record to undo it
-- description: >-
--   Disables the pg_tviews triggers (row, delta_i/u/d, flush, truncate) of the TVIEWs named
--   by only (* for every TVIEW of this database), one ALTER TABLE per table with all of that
--   table's triggers in it, each table in a transaction of its own. Writes to the source
--   tables then succeed without touching those TVIEWs, which fall behind silently until
--   emergency-restore.sql and a refresh. Every trigger it disables is recorded first in
--   pgtv_emergency.disabled_trigger (created on the first run) with its table, the TVIEW it
--   serves, its previous state (enabled, ENABLE ALWAYS or ENABLE REPLICA), who ran it, from
--   where, when and why; triggers that were already disabled are left alone and not
--   recorded, so the restore will not enable them. It first prints what it would disable and
--   which other TVIEWs that also stops; without -v confirm=yes it stops there, changes
--   nothing and exits with an error. A table whose lock is not granted within lock_timeout
--   is skipped and reported (the script then exits with an error): run it again, it carries
--   on where it stopped and never records a trigger twice.
-- safety: destructive
-- changes: >-
--   Disables the pg_tviews triggers of the chosen TVIEWs on their source tables, so that
--   writes stop reaching those TVIEWs (and the TVIEWs that read through them), and records
--   each one in pgtv_emergency.disabled_trigger.
-- undo: >-
--   Run scripts/emergency-restore.sql with the same only, which puts back the recorded state
--   of exactly these triggers, then refresh the TVIEWs it lists: the writes made meanwhile
--   are not replayed by the triggers.
-- privileges:
--   - owner of every source table whose triggers it disables, or a superuser
--   - CREATE on the database for the first run (it creates schema pgtv_emergency), then INSERT on its table
-- params:
--   confirm:
--     kind: literal
--     description: type yes to really disable; any other value only prints what would be disabled
--     value: "yes"
--   only:
--     kind: literal
--     description: "* for every TVIEW, or a comma-separated list of entity names (e.g. post,comment)"
--     value: "*"
--   reason:
--     kind: literal
--     description: why, recorded with each trigger for the review (e.g. INC-1234 write latency)
--     value: verification run
--   lock_timeout:
--     kind: literal
--     description: how long each ALTER TABLE may wait for its table (it blocks that table's writers while it waits), e.g. 3s
--     value: 5s
-- expect:
--   columns: [entity, source_table, trigger_name, kind, previous_state, state_now, disabled_by, disabled_at]
--   rows: { min: 1 }
--   output: ['== What this run would do', 'disabled trg_tview_row_post_on_public_tb_post']
-- timeout: 2min
-- ---
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
-- Every parameter may be left out: confirm then stays unset (nothing is done), only means
-- every TVIEW.
\if :{?confirm}
\else
  \set confirm ''
\endif
\if :{?only}
\else
  \set only '*'
\endif
\if :{?reason}
\else
  \set reason ''
\endif
\if :{?lock_timeout}
\else
  \set lock_timeout '5s'
\endif
-- pg_tviews' set-returning functions are planned at 1,000 rows a call: keep JIT out of it.
SET jit = off;
\echo '== emergency-disable.sql'
SELECT current_database() AS database,
       set_config('pgtv_emergency.only', :'only', false) AS only,
       set_config('pgtv_emergency.reason', :'reason', false) AS reason,
       set_config('pgtv_emergency.lock_timeout', :'lock_timeout', false) AS lock_timeout,
       date_trunc('second', clock_timestamp()) AS started_at;

-- Refuse names that are no TVIEW before anything else.
DO $check$
DECLARE
    unknown text;
BEGIN
    SELECT string_agg(n, ', ') INTO unknown
      FROM unnest(string_to_array(replace(current_setting('pgtv_emergency.only'), ' ', ''), ',')) AS n
     WHERE n <> '*' AND n <> ''
       AND NOT EXISTS (SELECT 1 FROM tviews.registry r WHERE n IN (r.entity, r.name, r.schema || '.' || r.name));
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'emergency-disable.sql: no TVIEW named %: nothing was changed', unknown
              USING HINT = 'SELECT entity FROM tviews.registry lists them; pass -v only=''*'' for every TVIEW or a comma-separated list of entities';
    END IF;
END
$check$;

-- Triggers an earlier run disabled and nobody restored yet (none before the first run).
SELECT to_regclass('pgtv_emergency.disabled_trigger') IS NOT NULL AS pgtv_has_record \gset
\if :pgtv_has_record
SELECT set_config('pgtv_emergency.pending',
                  coalesce(jsonb_agg(jsonb_build_array(d.source_table, d.trigger_name)), '[]')::text, false) AS pending
  FROM pgtv_emergency.disabled_trigger d
 WHERE d.restored_at IS NULL \gset
\else
SELECT set_config('pgtv_emergency.pending', '[]', false) AS pending \gset
\endif

\echo '== What this run would do, per trigger of the chosen TVIEWs'
WITH chosen AS (
    SELECT r.entity
      FROM tviews.registry r
     WHERE current_setting('pgtv_emergency.only') = '*'
        OR EXISTS (SELECT 1
                     FROM unnest(string_to_array(replace(current_setting('pgtv_emergency.only'), ' ', ''), ',')) AS n
                    WHERE n IN (r.entity, r.name, r.schema || '.' || r.name))
),
tview_trigger AS (
    SELECT convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) AS entity,
           tg.tgrelid::regclass::text AS source_table,
           tg.tgname AS trigger_name,
           CASE p.proname
               WHEN 'pg_tview_trigger_handler' THEN 'row'
               WHEN 'pg_tview_flush_trigger' THEN 'flush'
               WHEN 'pg_tview_truncate_trigger' THEN 'truncate'
               ELSE 'delta_' || CASE WHEN tg.tgtype & 4 <> 0 THEN 'i' WHEN tg.tgtype & 8 <> 0 THEN 'd' ELSE 'u' END
           END AS kind,
           tg.tgenabled,
           current_setting('pgtv_emergency.pending')::jsonb @> jsonb_build_array(jsonb_build_array(tg.tgrelid::regclass::text, tg.tgname::text)) AS pending
      FROM pg_trigger tg
      JOIN pg_proc p ON p.oid = tg.tgfoid
     WHERE p.pronamespace = 'tviews'::regnamespace
       AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
       AND tg.tgparentid = 0
       AND tg.tgnargs = 1
)
SELECT t.entity, t.source_table, t.trigger_name, t.kind,
       CASE WHEN t.tgenabled = 'D' AND t.pending THEN 'disabled by an earlier run'
            WHEN t.tgenabled = 'D' THEN 'disabled before, not by this script'
            WHEN t.pending THEN 'enabled again since an earlier run disabled it'
            WHEN t.tgenabled = 'A' THEN 'enabled (ALWAYS)'
            WHEN t.tgenabled = 'R' THEN 'enabled (REPLICA)'
            ELSE 'enabled' END AS state,
       CASE WHEN t.tgenabled = 'D' AND t.pending THEN 'none (emergency-restore.sql enables it)'
            WHEN t.tgenabled = 'D' THEN 'none (stays disabled after a restore)'
            WHEN t.pending THEN 'disable, keep the earlier record'
            ELSE 'disable and record' END AS action
  FROM tview_trigger t
  JOIN chosen c USING (entity)
 ORDER BY t.source_table, t.entity, t.kind;

\echo '== What else changes: TVIEWs that read a chosen TVIEW stop receiving its changes; a chosen TVIEW still receives what reaches it through a TVIEW left on'
WITH chosen AS (
    SELECT r.entity
      FROM tviews.registry r
     WHERE current_setting('pgtv_emergency.only') = '*'
        OR EXISTS (SELECT 1
                     FROM unnest(string_to_array(replace(current_setting('pgtv_emergency.only'), ' ', ''), ',')) AS n
                    WHERE n IN (r.entity, r.name, r.schema || '.' || r.name))
),
reads AS (
    -- reader reads upstream (directly or not): pg_tviews_show_cascade_path(upstream) lists it
    SELECT DISTINCT r.entity AS upstream, p.entity AS reader
      FROM tviews.registry r
     CROSS JOIN LATERAL tviews.pg_tviews_show_cascade_path(r.entity) p
     WHERE p.depth > 0
)
SELECT rd.reader AS entity,
       'stops receiving the changes that reach it through ' || rd.upstream
       || ' (' || coalesce((SELECT string_agg(k.key, ', ' ORDER BY k.key)
                              FROM tviews.registry r2
                             CROSS JOIN LATERAL jsonb_each_text(r2.cascade_kinds) k
                             WHERE r2.entity = rd.reader AND k.value = 'propagated'), '') || ')' AS effect
  FROM reads rd
 WHERE rd.upstream IN (SELECT entity FROM chosen)
   AND rd.reader NOT IN (SELECT entity FROM chosen)
UNION ALL
SELECT rd.reader,
       'keeps receiving the changes that reach it through ' || rd.upstream || ', which stays maintained'
  FROM reads rd
 WHERE rd.reader IN (SELECT entity FROM chosen)
   AND rd.upstream NOT IN (SELECT entity FROM chosen)
 ORDER BY 1, 2;

SELECT (:'confirm' = 'yes') AS pgtv_confirmed \gset
\if :pgtv_confirmed
\else
  \warn 'emergency-disable.sql changed nothing: it needs -v confirm=yes to disable the triggers listed above.'
  DO $refuse$
  BEGIN
      RAISE EXCEPTION 'emergency-disable.sql: not confirmed, nothing was changed'
            USING HINT = 'read the lists above, then run it again with -v confirm=yes';
  END
  $refuse$;
\endif

-- The record the restore works from. Created once; later runs reuse it.
SET client_min_messages = warning;
SET lock_timeout = :'lock_timeout';
CREATE SCHEMA IF NOT EXISTS pgtv_emergency;
CREATE TABLE IF NOT EXISTS pgtv_emergency.disabled_trigger (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity text NOT NULL,
    source_table text NOT NULL,
    trigger_name name NOT NULL,
    kind text NOT NULL,
    -- pg_trigger.tgenabled before the run: O enabled, A ENABLE ALWAYS, R ENABLE REPLICA
    previous_state "char" NOT NULL,
    reason text,
    disabled_by text NOT NULL,
    role_used text NOT NULL,
    client_addr inet,
    application_name text,
    disabled_at timestamptz NOT NULL,
    restored_at timestamptz,
    restored_by text,
    restore_result text
);
CREATE UNIQUE INDEX IF NOT EXISTS disabled_trigger_pending
    ON pgtv_emergency.disabled_trigger (source_table, trigger_name)
 WHERE restored_at IS NULL;
RESET lock_timeout;
RESET client_min_messages;

-- One table at a time, each committed on its own: a table whose lock is not granted in
-- time is skipped, the others stay done.
DO $disable$
DECLARE
    chosen text[] := ARRAY(
        SELECT r.entity
          FROM tviews.registry r
         WHERE current_setting('pgtv_emergency.only') = '*'
            OR EXISTS (SELECT 1
                         FROM unnest(string_to_array(replace(current_setting('pgtv_emergency.only'), ' ', ''), ',')) AS n
                        WHERE n IN (r.entity, r.name, r.schema || '.' || r.name)));
    tbl record;
    tr record;
    actions text;
    skipped text[] := '{}';
    done int := 0;
BEGIN
    FOR tbl IN
        SELECT DISTINCT tg.tgrelid::regclass::text AS source_table, tg.tgrelid
          FROM pg_trigger tg
          JOIN pg_proc p ON p.oid = tg.tgfoid
         WHERE p.pronamespace = 'tviews'::regnamespace
           AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
           AND tg.tgparentid = 0
           AND tg.tgnargs = 1
           AND tg.tgenabled <> 'D'
           AND convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) = ANY (chosen)
         ORDER BY 1
    LOOP
        BEGIN
            PERFORM set_config('lock_timeout', current_setting('pgtv_emergency.lock_timeout'), true);
            -- Take the table's lock first: the triggers are read again under it.
            EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', tbl.source_table);
            actions := NULL;
            FOR tr IN
                SELECT convert_from(substring(tg.tgargs FROM 1 FOR length(tg.tgargs) - 1), getdatabaseencoding()) AS entity,
                       tg.tgname,
                       CASE p.proname
                           WHEN 'pg_tview_trigger_handler' THEN 'row'
                           WHEN 'pg_tview_flush_trigger' THEN 'flush'
                           WHEN 'pg_tview_truncate_trigger' THEN 'truncate'
                           ELSE 'delta_' || CASE WHEN tg.tgtype & 4 <> 0 THEN 'i' WHEN tg.tgtype & 8 <> 0 THEN 'd' ELSE 'u' END
                       END AS kind,
                       tg.tgenabled,
                       EXISTS (SELECT 1 FROM pgtv_emergency.disabled_trigger d
                                WHERE d.source_table = tbl.source_table AND d.trigger_name = tg.tgname
                                  AND d.restored_at IS NULL) AS pending
                  FROM pg_trigger tg
                  JOIN pg_proc p ON p.oid = tg.tgfoid
                 WHERE tg.tgrelid = tbl.tgrelid
                   AND p.pronamespace = 'tviews'::regnamespace
                   AND p.proname IN ('pg_tview_trigger_handler', 'pg_tview_flush_trigger', 'pg_tview_truncate_trigger', 'pg_tview_delta_trigger')
                   AND tg.tgparentid = 0
                   AND tg.tgnargs = 1
                   AND tg.tgenabled <> 'D'
                 ORDER BY tg.tgname
            LOOP
                CONTINUE WHEN NOT tr.entity = ANY (chosen);
                IF tr.pending THEN
                    -- Enabled by hand after an earlier run: disable it again, and keep the
                    -- state recorded by that run, which is the one to restore.
                    RAISE NOTICE 'disabled % on % again (recorded by an earlier run, still to restore)', tr.tgname, tbl.source_table;
                ELSE
                    INSERT INTO pgtv_emergency.disabled_trigger
                           (entity, source_table, trigger_name, kind, previous_state, reason, disabled_by,
                            role_used, client_addr, application_name, disabled_at)
                    VALUES (tr.entity, tbl.source_table, tr.tgname, tr.kind, tr.tgenabled,
                            nullif(current_setting('pgtv_emergency.reason'), ''), session_user, current_user,
                            inet_client_addr(), current_setting('application_name'), clock_timestamp());
                    RAISE NOTICE 'disabled % on % (TVIEW %, kind %, was %)', tr.tgname, tbl.source_table, tr.entity, tr.kind,
                        CASE tr.tgenabled WHEN 'A' THEN 'ENABLE ALWAYS' WHEN 'R' THEN 'ENABLE REPLICA' ELSE 'enabled' END;
                END IF;
                actions := concat_ws(', ', actions, format('DISABLE TRIGGER %I', tr.tgname));
                done := done + 1;
            END LOOP;
            IF actions IS NOT NULL THEN
                EXECUTE format('ALTER TABLE %s %s', tbl.source_table, actions);
            END IF;
        EXCEPTION WHEN lock_not_available THEN
            skipped := skipped || tbl.source_table;
            RAISE WARNING 'skipped %: its lock was not granted within lock_timeout %; nothing changed there', tbl.source_table,
                current_setting('pgtv_emergency.lock_timeout');
        END;
        COMMIT;
    END LOOP;
    PERFORM set_config('pgtv_emergency.skipped', array_to_string(skipped, ', '), false);
    RAISE NOTICE 'emergency-disable.sql: % trigger(s) disabled in this run, % table(s) skipped', done, cardinality(skipped);
END
$disable$;

\echo '== Recorded, still to restore (every run so far); restore with emergency-restore.sql'
SELECT d.entity,
       d.source_table,
       d.trigger_name,
       d.kind,
       CASE d.previous_state WHEN 'A' THEN 'enabled (ALWAYS)' WHEN 'R' THEN 'enabled (REPLICA)' ELSE 'enabled' END AS previous_state,
       CASE WHEN tg.tgenabled IS NULL THEN 'trigger gone' WHEN tg.tgenabled = 'D' THEN 'disabled' ELSE 'ENABLED AGAIN by someone' END AS state_now,
       d.disabled_by,
       date_trunc('second', d.disabled_at) AS disabled_at
  FROM pgtv_emergency.disabled_trigger d
  LEFT JOIN pg_trigger tg ON tg.tgrelid = to_regclass(d.source_table) AND tg.tgname = d.trigger_name
 WHERE d.restored_at IS NULL
 ORDER BY d.source_table, d.entity, d.kind;

DO $skipped$
BEGIN
    IF current_setting('pgtv_emergency.skipped') <> '' THEN
        RAISE EXCEPTION 'emergency-disable.sql: tables skipped on lock timeout: %', current_setting('pgtv_emergency.skipped')
              USING HINT = 'the TVIEWs fed by them are still maintained; run the script again (or with a longer lock_timeout)';
    END IF;
END
$skipped$;
RESET jit;
