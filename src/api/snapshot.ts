import type pg from 'pg';

/**
 * What the installed pg_tviews owns, read from pg_depend (deptype 'e' rows point from each
 * member object to the extension), plus the triggers it installs on source tables of the
 * fixture. Lint checks snippets against the committed copy of each target (src/api/snapshots/<target>.json) without
 * a database; a test keeps that copy equal to the live extension.
 */

export interface ApiColumn {
  name: string;
  type: string;
}

export interface ApiArgument {
  name: string | null;
  type: string;
  mode: 'in' | 'out' | 'inout' | 'variadic' | 'table';
  hasDefault: boolean;
}

export interface ApiFunction {
  schema: string;
  name: string;
  kind: 'function' | 'procedure' | 'aggregate' | 'window';
  /** Input arguments in order; `minArity`..`maxArity` is what a call may pass. */
  arguments: ApiArgument[];
  minArity: number;
  /** null when the last argument is VARIADIC. */
  maxArity: number | null;
  returns: string;
  returnsSet: boolean;
  /** Columns of the result when it is a row type (OUT or TABLE arguments), else null. */
  resultColumns: ApiColumn[] | null;
}

export interface ApiRelation {
  schema: string;
  name: string;
  kind: 'table' | 'view' | 'sequence' | 'materialized view' | 'type';
  columns: ApiColumn[];
}

export interface ApiTrigger {
  table: string;
  name: string;
  function: string;
  level: 'row' | 'statement';
  timing: 'before' | 'after' | 'instead of';
  events: string[];
}

export interface ApiSnapshot {
  extension: string;
  version: string;
  schema: string;
  functions: ApiFunction[];
  relations: ApiRelation[];
  eventTriggers: { name: string; event: string; function: string }[];
  /** Triggers the extension's functions run as, on the fixture's source and TVIEW tables. */
  fixtureTriggers: ApiTrigger[];
}

const MEMBERS = `
  SELECT d.classid, d.objid
  FROM pg_depend d
  JOIN pg_extension e ON e.oid = d.refobjid
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = $1`;

const MODES: Record<string, ApiArgument['mode']> = { i: 'in', o: 'out', b: 'inout', v: 'variadic', t: 'table' };
const KINDS: Record<string, ApiFunction['kind']> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };
const RELATION_KINDS: Record<string, ApiRelation['kind']> = { r: 'table', v: 'view', S: 'sequence', m: 'materialized view', c: 'type', p: 'table' };

export async function readApiSnapshot(client: pg.ClientBase, extension = 'pg_tviews'): Promise<ApiSnapshot> {
  const { rows: [ext] } = await client.query<{ version: string; schema: string }>(
    `SELECT e.extversion AS version, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1`,
    [extension],
  );
  if (!ext) throw new Error(`extension ${extension} is not installed in this database`);

  const functions = await client.query<{
    schema: string; name: string; prokind: string; pronargs: number; pronargdefaults: number;
    modes: string[] | null; names: string[] | null; types: string[]; returns: string; retset: boolean;
  }>(`
    SELECT n.nspname AS schema, p.proname AS name, p.prokind, p.pronargs, p.pronargdefaults,
           p.proargmodes::text[] AS modes, p.proargnames AS names,
           ARRAY(SELECT format_type(t, NULL) FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY AS a(t, i) ORDER BY i) AS types,
           format_type(p.prorettype, NULL) AS returns, p.proretset AS retset
    FROM (${MEMBERS}) m
    JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    JOIN pg_namespace n ON n.oid = p.pronamespace
    ORDER BY p.proname, p.pronargs, pg_get_function_identity_arguments(p.oid)`, [extension]);

  const relations = await client.query<{ schema: string; name: string; relkind: string; columns: ApiColumn[] }>(`
    SELECT n.nspname AS schema, c.relname AS name, c.relkind,
           coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
                     FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns
    FROM (${MEMBERS}) m
    JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    UNION ALL
    SELECT n.nspname, t.typname, 'T', '[]'::json
    FROM (${MEMBERS}) m
    JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    ORDER BY 2, 3`, [extension]);

  const eventTriggers = await client.query<{ name: string; event: string; function: string }>(`
    SELECT t.evtname AS name, t.evtevent AS event, t.evtfoid::regproc::text AS function
    FROM (${MEMBERS}) m
    JOIN pg_event_trigger t ON m.classid = 'pg_event_trigger'::regclass AND t.oid = m.objid
    ORDER BY 1`, [extension]);

  const triggers = await client.query<{ table: string; name: string; function: string; tgtype: number }>(`
    SELECT tg.tgrelid::regclass::text AS table, tg.tgname AS name, tg.tgfoid::regproc::text AS function, tg.tgtype
    FROM pg_trigger tg
    JOIN (${MEMBERS}) m ON m.classid = 'pg_proc'::regclass AND m.objid = tg.tgfoid
    WHERE NOT tg.tgisinternal
    ORDER BY 1, 2`, [extension]);

  return {
    extension,
    version: ext.version,
    schema: ext.schema,
    functions: functions.rows.map((row) => describeFunction(row)),
    relations: relations.rows.map((row) => ({
      schema: row.schema,
      name: row.name,
      kind: row.relkind === 'T' ? 'type' : RELATION_KINDS[row.relkind] ?? 'table',
      columns: row.columns,
    })),
    eventTriggers: eventTriggers.rows,
    fixtureTriggers: triggers.rows.map((row) => describeTrigger(row)),
  };
}

function describeFunction(row: {
  schema: string; name: string; prokind: string; pronargs: number; pronargdefaults: number;
  modes: string[] | null; names: string[] | null; types: string[]; returns: string; retset: boolean;
}): ApiFunction {
  const modes = row.modes ?? row.types.map(() => 'i');
  const all = row.types.map((type, i): ApiArgument => ({
    name: row.names?.[i] || null,
    type,
    mode: MODES[modes[i]] ?? 'in',
    hasDefault: false,
  }));
  const inputs = all.filter((a) => a.mode === 'in' || a.mode === 'inout' || a.mode === 'variadic');
  inputs.forEach((argument, i) => (argument.hasDefault = i >= inputs.length - row.pronargdefaults));
  const outputs = all.filter((a) => a.mode === 'out' || a.mode === 'inout' || a.mode === 'table');
  return {
    schema: row.schema,
    name: row.name,
    kind: KINDS[row.prokind] ?? 'function',
    arguments: inputs,
    minArity: row.pronargs - row.pronargdefaults,
    maxArity: inputs.some((a) => a.mode === 'variadic') ? null : row.pronargs,
    returns: row.returns,
    returnsSet: row.retset,
    resultColumns: outputs.length > 0 ? outputs.map((a) => ({ name: a.name ?? '', type: a.type })) : null,
  };
}

function describeTrigger(row: { table: string; name: string; function: string; tgtype: number }): ApiTrigger {
  // pg_trigger.tgtype bits, from PostgreSQL's catalog/pg_trigger.h.
  const t = row.tgtype;
  const events = [[4, 'insert'], [8, 'delete'], [16, 'update'], [32, 'truncate']]
    .filter(([bit]) => (t & (bit as number)) !== 0)
    .map(([, name]) => name as string);
  return {
    table: row.table,
    name: row.name,
    function: row.function,
    level: t & 1 ? 'row' : 'statement',
    timing: t & 64 ? 'instead of' : t & 2 ? 'before' : 'after',
    events,
  };
}
