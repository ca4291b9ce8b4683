import type { SafetyClass } from '../snippets/header.ts';
import type { Position } from '../snippets/psql-script.ts';
import type { Snippet } from '../snippets/snippet.ts';
import { asNode, nameParts, walk } from './sql/ast.ts';
import { analyzeSql, loadSqlParser, type ParsedStatement, type SqlAnalysis } from './sql/parse.ts';

/**
 * What a snippet does to the database, derived from the parse tree: the verifier uses it to
 * pick how to run the snippet (read-only transaction, rolled-back transaction, disposable
 * clone) and lint compares it with the class the header declares.
 *
 * Functions whose body lint cannot see are classified by the tables below; a call of an
 * unknown function outside pg_tviews counts as read-only (it could do anything, but guessing
 * "writes" for every user function would make every SELECT a write).
 */

export interface SafetyReason {
  line: number;
  column: number;
  why: string;
  /** The class this finding alone implies. */
  class: SafetyClass;
  /** This finding cannot run inside a transaction block the verifier opens. */
  nonTransactional: boolean;
  /** A stable tag rules key on, e.g. `truncate`, `drop`, `delete-without-where`, `function`. */
  kind: string;
}

export interface DerivedSafety {
  class: SafetyClass;
  nonTransactional: boolean;
  reasons: SafetyReason[];
}

const RANK: Record<SafetyClass, number> = { 'read-only': 0, writes: 1, destructive: 2 };

export function safetyRank(safety: SafetyClass): number {
  return RANK[safety];
}

interface Effect {
  class: SafetyClass;
  why: string;
  /** Overrides the reason's kind (default `function` for calls). */
  kind?: string;
}

/**
 * pg_tviews 0.1.0-beta.34, every function of the API snapshots of every target (checked against
 * the crate's source; a test keeps this table equal to the snapshots' functions). Rebuilding a
 * TVIEW only rewrites derived data, so it is `writes`; what loses a definition, metadata,
 * state a rollback does not bring back, or the guarantee that TVIEWs follow their sources is
 * `destructive`.
 */
export const PG_TVIEWS_FUNCTION_EFFECTS: Record<string, Effect> = {
  contract_version: { class: 'read-only', why: 'reports the API contract version' },
  pg_tviews_version: { class: 'read-only', why: 'reports the version' },
  pg_tviews_check_jsonb_delta: { class: 'read-only', why: 'checks for jsonb_delta' },
  pg_tviews_health_check: { class: 'read-only', why: 'reports health' },
  pg_tviews_queue_stats: { class: 'read-only', why: "describes the session's own queue" },
  pg_tviews_debug_queue: { class: 'read-only', why: "describes the session's own queue" },
  pg_tviews_stats_rows: { class: 'read-only', why: 'reports refresh statistics (what tviews.stats shows)' },
  pg_tviews_feed_gaps: { class: 'read-only', why: 'reports the transactions committed without publishing their changes' },
  pg_tviews_show_cascade_path: { class: 'read-only', why: 'reports dependencies' },
  pg_tviews_entity_of: { class: 'read-only', why: 'names the entity of a TVIEW' },
  pg_tviews_mapping_query: { class: 'read-only', why: 'returns the text of a query it would run' },
  pg_tviews_read_set_queries: { class: 'read-only', why: 'returns the text of queries it would run' },
  pg_tviews_is_suspended: { class: 'read-only', why: 'reports suspension' },
  pg_tviews_suspended_entities: { class: 'read-only', why: 'reports suspension' },
  pg_tviews_replication_status: { class: 'read-only', why: 'reports replication status' },
  pg_tviews_profile: { class: 'read-only', why: 'reports statistics' },
  pg_tviews_catalog_revision: { class: 'read-only', why: 'reports the catalog revision' },
  pg_tviews_defines_view: { class: 'read-only', why: 'compares a definition' },
  pg_tviews_invalidate_caches: { class: 'read-only', why: "clears this backend's in-memory caches only" },

  pg_tviews_refresh: { class: 'writes', why: 'rebuilds a TVIEW from its view (TRUNCATE and INSERT of derived rows)' },
  pg_tviews_refresh_all: { class: 'writes', why: 'rebuilds every TVIEW' },
  pg_tviews_refresh_time_dependent: { class: 'writes', why: 'rebuilds the TVIEWs whose definitions read the current time' },
  pg_tviews_rebuild_all: { class: 'writes', why: 'rebuilds TVIEWs' },
  pg_tviews_flush_and_report: { class: 'writes', why: 'applies queued refreshes' },
  pg_tviews_create: { class: 'writes', why: 'creates a TVIEW' },
  pg_tviews_reregister: { class: 'writes', why: "rewrites a TVIEW's registration" },
  pg_tviews_reregister_all: { class: 'writes', why: "rewrites every TVIEW's registration" },
  pg_tviews_ensure_propagation_indexes: { class: 'writes', why: 'may create indexes' },
  pg_tviews_resume_triggers: { class: 'writes', why: 'resumes TVIEW maintenance' },
  pg_tviews_audit_write: { class: 'writes', why: 'writes the audit log' },
  pg_tview_trigger_handler: { class: 'writes', why: 'trigger function' },
  pg_tview_delta_trigger: { class: 'writes', why: 'trigger function' },
  pg_tview_truncate_trigger: { class: 'writes', why: 'trigger function' },
  pg_tview_flush_trigger: { class: 'writes', why: 'trigger function' },
  pg_tviews_meta_changed: { class: 'writes', why: 'trigger function' },
  pg_tviews_meta_rebind: { class: 'writes', why: 'trigger function' },
  pg_tviews_handle_ddl_event: { class: 'writes', why: 'event trigger function' },
  pg_tviews_handle_drop_event: { class: 'writes', why: 'event trigger function' },

  pg_tviews_drop: { class: 'destructive', why: 'drops a TVIEW and its metadata' },
  pg_tviews_create_or_replace: { class: 'destructive', why: "replaces a TVIEW's definition and options (an option not passed goes back to its default) and may rebuild it" },
  pg_tviews_suspend_triggers: { class: 'destructive', why: 'stops TVIEW maintenance until resumed: TVIEWs drift from their sources' },
  pg_tviews_handle_dropped: { class: 'destructive', why: "removes a TVIEW's metadata" },
  pg_tviews_stats_reset: { class: 'destructive', why: 'discards refresh statistics, in shared memory: a rollback does not bring them back' },
};

/** PostgreSQL's own functions with effects beyond reading. */
const BUILTIN_FUNCTION_EFFECTS: Record<string, Effect> = {
  pg_terminate_backend: { class: 'destructive', why: 'ends another session and rolls back its transaction' },
  pg_cancel_backend: { class: 'destructive', why: "cancels another session's query, aborting its transaction" },
  pg_drop_replication_slot: { class: 'destructive', why: 'drops a replication slot' },
  pg_stat_reset: { class: 'destructive', why: 'discards statistics' },
  pg_stat_reset_shared: { class: 'destructive', why: 'discards statistics' },
  pg_stat_reset_single_table_counters: { class: 'destructive', why: 'discards statistics' },
  pg_stat_reset_single_function_counters: { class: 'destructive', why: 'discards statistics' },
  pg_stat_reset_slru: { class: 'destructive', why: 'discards statistics' },
  pg_stat_reset_replication_slot: { class: 'destructive', why: 'discards statistics' },
  pg_stat_statements_reset: { class: 'destructive', why: 'discards statistics' },
  lo_unlink: { class: 'destructive', why: 'deletes a large object' },
  pg_reload_conf: { class: 'writes', why: 'reloads the server configuration' },
  pg_rotate_logfile: { class: 'writes', why: 'rotates the server log' },
  pg_switch_wal: { class: 'writes', why: 'forces a WAL switch' },
  pg_create_restore_point: { class: 'writes', why: 'writes a restore point' },
  pg_create_physical_replication_slot: { class: 'writes', why: 'creates a replication slot' },
  pg_create_logical_replication_slot: { class: 'writes', why: 'creates a replication slot' },
  pg_logical_slot_get_changes: { class: 'writes', why: 'consumes changes from a replication slot' },
  nextval: { class: 'writes', why: 'advances a sequence' },
  setval: { class: 'writes', why: 'sets a sequence' },
  lo_import: { class: 'writes', why: 'creates a large object' },
  lo_create: { class: 'writes', why: 'creates a large object' },
  dblink_exec: { class: 'writes', why: 'runs SQL on another connection' },
};

/** Statements that PostgreSQL refuses inside a transaction block (or that end one). */
function transactionStatementEffect(kind: string): (Effect & { nonTransactional: boolean; tag: string }) | undefined {
  switch (kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      return { class: 'read-only', why: 'explicit BEGIN: the snippet manages its own transaction', nonTransactional: true, tag: 'transaction-control' };
    case 'TRANS_STMT_COMMIT':
    case 'TRANS_STMT_ROLLBACK':
      return { class: 'read-only', why: 'explicit COMMIT/ROLLBACK ends the surrounding transaction', nonTransactional: true, tag: 'transaction-control' };
    case 'TRANS_STMT_PREPARE':
      return { class: 'writes', why: 'PREPARE TRANSACTION leaves a prepared transaction holding its locks', nonTransactional: true, tag: 'two-phase' };
    case 'TRANS_STMT_COMMIT_PREPARED':
      return { class: 'destructive', why: 'COMMIT PREPARED finishes a prepared transaction for good', nonTransactional: true, tag: 'two-phase' };
    case 'TRANS_STMT_ROLLBACK_PREPARED':
      return { class: 'destructive', why: 'ROLLBACK PREPARED discards a prepared transaction', nonTransactional: true, tag: 'two-phase' };
    default:
      return undefined; // SAVEPOINT, RELEASE, ROLLBACK TO: harmless inside the verifier's transaction
  }
}

/** Statements that only read or change session state. */
const READ_ONLY_STATEMENTS = new Set([
  'SelectStmt', 'VariableSetStmt', 'VariableShowStmt', 'DiscardStmt', 'DeclareCursorStmt', 'FetchStmt',
  'ClosePortalStmt', 'ListenStmt', 'UnlistenStmt', 'NotifyStmt', 'PrepareStmt', 'DeallocateStmt', 'DoStmt',
]);

const DROP_STATEMENTS = new Set(['DropStmt', 'DropdbStmt', 'DropRoleStmt', 'DropTableSpaceStmt', 'DropOwnedStmt', 'DropSubscriptionStmt', 'DropUserMappingStmt']);

function words(type: string): string {
  return type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** The findings of one statement (functions it calls included). */
export function statementReasons(statement: ParsedStatement): SafetyReason[] {
  const reasons: SafetyReason[] = [];
  const add = (location: number | undefined, effect: Effect, kind: string, nonTransactional = false) => {
    const { line, column } = statement.at(location);
    const origin = statement.origin === 'script' ? '' : statement.origin === 'do-block' ? ' (in a DO block)' : ' (in SQL a DO block builds)';
    reasons.push({ line, column, why: effect.why + origin, class: effect.class, nonTransactional, kind });
  };
  const { type, fields } = statement;
  // Statement-level findings point at the statement's first token (parser location 0).
  const here = undefined;

  if (type === 'SelectStmt') {
    if (fields.intoClause) add(here, { class: 'writes', why: 'SELECT INTO creates a table' }, 'ddl');
    if (fields.lockingClause) add(here, { class: 'writes', why: 'SELECT … FOR UPDATE/SHARE locks rows, which a read-only transaction refuses' }, 'lock');
  } else if (type === 'ExplainStmt') {
    const analyze = (fields.options ?? []).some((o: unknown) => asNode(o)?.fields.defname === 'analyze');
    if (analyze) {
      const inner = asNode(fields.query);
      if (inner) reasons.push(...statementReasons({ ...statement, node: fields.query, type: inner.type, fields: inner.fields }));
    }
    return reasons; // plain EXPLAIN runs nothing, not even the functions it names
  } else if (type === 'DeleteStmt') {
    if (fields.whereClause) add(here, { class: 'writes', why: 'DELETE removes rows' }, 'dml');
    else add(here, { class: 'destructive', why: 'DELETE without WHERE removes every row' }, 'delete-without-where');
  } else if (type === 'InsertStmt' || type === 'UpdateStmt' || type === 'MergeStmt') {
    add(here, { class: 'writes', why: `${words(type)} modifies rows` }, 'dml');
  } else if (type === 'TruncateStmt') {
    add(here, { class: 'destructive', why: 'TRUNCATE removes every row' }, 'truncate');
  } else if (DROP_STATEMENTS.has(type)) {
    const outsideTransaction = type === 'DropdbStmt' || type === 'DropTableSpaceStmt' || Boolean(fields.concurrent);
    const what = type === 'DropdbStmt' ? 'DROP DATABASE' : fields.concurrent ? 'DROP INDEX CONCURRENTLY (which cannot run in a transaction block)' : 'DROP';
    add(here, { class: 'destructive', why: `${what} removes objects and their data` }, 'drop', outsideTransaction);
  } else if (type === 'AlterTableStmt') {
    for (const command of fields.cmds ?? []) {
      const subtype: string = asNode(command)?.fields.subtype ?? '';
      if (subtype === 'AT_DropColumn' || subtype === 'AT_DropConstraint') add(here, { class: 'destructive', why: 'ALTER TABLE … DROP removes a column or constraint' }, 'drop');
      else if (subtype.startsWith('AT_DisableTrig')) add(here, { class: 'destructive', why: 'DISABLE TRIGGER switches off what the triggers maintain (for pg_tviews: its TVIEWs drift)' }, 'disable-trigger');
      else add(here, { class: 'writes', why: 'ALTER TABLE changes a table' }, 'ddl');
    }
  } else if (type === 'IndexStmt') {
    add(here, { class: 'writes', why: fields.concurrent ? 'CREATE INDEX CONCURRENTLY cannot run in a transaction block' : 'CREATE INDEX builds an index' }, 'ddl', Boolean(fields.concurrent));
  } else if (type === 'ReindexStmt') {
    const concurrently = (fields.params ?? []).some((p: unknown) => asNode(p)?.fields.defname === 'concurrently');
    const wide = ['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_DATABASE', 'REINDEX_OBJECT_SYSTEM'].includes(fields.kind);
    add(here, { class: 'writes', why: concurrently || wide ? 'REINDEX CONCURRENTLY / SCHEMA / DATABASE / SYSTEM cannot run in a transaction block' : 'REINDEX rebuilds indexes' }, 'maintenance', concurrently || wide);
  } else if (type === 'ClusterStmt') {
    add(here, { class: 'writes', why: fields.relation ? 'CLUSTER rewrites a table' : 'CLUSTER of every table cannot run in a transaction block' }, 'maintenance', !fields.relation);
  } else if (type === 'VacuumStmt') {
    add(here, { class: 'writes', why: fields.is_vacuumcmd ? 'VACUUM cannot run in a transaction block' : 'ANALYZE updates statistics' }, 'maintenance', Boolean(fields.is_vacuumcmd));
  } else if (type === 'CreatedbStmt' || type === 'AlterSystemStmt' || type === 'CreateTableSpaceStmt') {
    add(here, { class: 'writes', why: `${words(type)} cannot run in a transaction block` }, 'ddl', true);
  } else if (type === 'TransactionStmt') {
    const effect = transactionStatementEffect(fields.kind);
    if (effect) add(here, effect, effect.tag, effect.nonTransactional);
  } else if (type === 'CopyStmt') {
    if (fields.is_from) add(here, { class: 'writes', why: 'COPY FROM loads rows' }, 'dml');
    else if (fields.filename) add(here, { class: 'writes', why: 'COPY TO a server file writes on the server' }, 'server-file');
  } else if (type === 'CallStmt' || type === 'ExecuteStmt') {
    add(here, { class: 'writes', why: `${words(type)} runs code lint cannot see` }, 'opaque');
  } else if (type === 'LockStmt') {
    add(here, { class: 'writes', why: 'LOCK TABLE blocks other sessions' }, 'lock');
  } else if (!READ_ONLY_STATEMENTS.has(type)) {
    add(here, { class: 'writes', why: `${words(type)} changes the database` }, 'ddl');
  }

  walk(statement.node, ({ type: nodeType, fields: node }) => {
    if (nodeType !== 'FuncCall') return;
    const name = nameParts(node.funcname).at(-1) ?? '';
    const effect = functionEffect(nameParts(node.funcname));
    if (effect) add(node.location, { class: effect.class, why: `${name}(): ${effect.why}` }, effect.kind ?? 'function');
  });
  return reasons;
}

function functionEffect(parts: string[]): Effect | undefined {
  const name = parts.at(-1) ?? '';
  const schema = parts.length > 1 ? parts[0] : undefined;
  if (schema === undefined || schema === 'tviews') {
    const own = PG_TVIEWS_FUNCTION_EFFECTS[name];
    if (own) return own;
    if (schema === 'tviews' || name.startsWith('pg_tviews') || name.startsWith('pg_tview_')) {
      return { class: 'writes', why: 'a pg_tviews function lint has not classified', kind: 'unclassified-function' };
    }
  }
  return schema === undefined || schema === 'pg_catalog' ? BUILTIN_FUNCTION_EFFECTS[name] : undefined;
}

/** Meta-commands that do more than display things. */
function metaCommandReason(name: string, args: string, position: Position): SafetyReason | undefined {
  const at = { line: position.line, column: position.column };
  if (name === 'copy') {
    return /\bfrom\b/i.test(args) ? { ...at, why: '\\copy … FROM loads rows', class: 'writes', nonTransactional: false, kind: 'dml' } : undefined;
  }
  if (name === 'i' || name === 'ir' || name === 'include' || name === 'include_relative') {
    return { ...at, why: `\\${name} runs another file lint does not read`, class: 'writes', nonTransactional: false, kind: 'opaque' };
  }
  if (name === 'gexec') return { ...at, why: '\\gexec runs each value of the result as SQL', class: 'writes', nonTransactional: false, kind: 'opaque' };
  if (name === '!') return { ...at, why: '\\! runs a shell command', class: 'writes', nonTransactional: false, kind: 'opaque' };
  if (name === 'lo_unlink') return { ...at, why: '\\lo_unlink deletes a large object', class: 'destructive', nonTransactional: false, kind: 'function' };
  if (name === 'lo_import' || name === 'password') return { ...at, why: `\\${name} changes the database`, class: 'writes', nonTransactional: false, kind: 'opaque' };
  if (name === 'c' || name === 'connect') return { ...at, why: '\\connect opens a new session, leaving the current transaction', class: 'read-only', nonTransactional: true, kind: 'transaction-control' };
  return undefined;
}

export function deriveSafetyFromSql(analysis: SqlAnalysis): DerivedSafety {
  const reasons = analysis.statements.flatMap((statement) => statementReasons(statement));
  for (const meta of analysis.scan.units) {
    if (meta.kind === 'meta') {
      const reason = metaCommandReason(meta.name, meta.args, meta.start);
      if (reason) reasons.push(reason);
    } else if (meta.terminator?.name === 'gexec') {
      reasons.push(metaCommandReason('gexec', '', meta.terminator.start)!);
    }
  }
  for (const { position, why } of analysis.opaque) {
    reasons.push({ line: position.line, column: position.column, why: `${why}: counted as writes`, class: 'writes', nonTransactional: false, kind: 'opaque' });
  }
  reasons.sort((a, b) => a.line - b.line || a.column - b.column);
  return summarize(reasons);
}

function summarize(all: SafetyReason[]): DerivedSafety {
  // Calls of functions that only read explain nothing about the class: keep what raises it.
  const reasons = all.filter((r) => r.class !== 'read-only' || r.nonTransactional);
  const top = reasons.reduce<SafetyClass>((worst, r) => (RANK[r.class] > RANK[worst] ? r.class : worst), 'read-only');
  return { class: top, nonTransactional: reasons.some((r) => r.nonTransactional), reasons };
}

/**
 * The safety of a snippet as the verifier needs it. SQL is derived from its parse tree; bash
 * is not analysed (its effects depend on what it runs), so its declared class stands, with a
 * reason saying so. A snippet whose SQL does not parse gets what the parsable part shows.
 */
export async function deriveSafety(snippet: Snippet): Promise<DerivedSafety> {
  if (snippet.language === 'bash') {
    return {
      class: snippet.header?.safety ?? 'writes',
      nonTransactional: false,
      reasons: [{ line: snippet.bodyLine, column: 1, why: 'bash is not analysed: the declared class is used', class: snippet.header?.safety ?? 'writes', nonTransactional: false, kind: 'declared' }],
    };
  }
  await loadSqlParser();
  return deriveSafetyFromSql(analyzeSql(snippet.text));
}

