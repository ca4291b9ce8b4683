import type { ApiFunction, ApiRelation, ApiSnapshot } from '../../api/snapshot.ts';

/**
 * The API snapshot indexed for lookups by name. Which references are "pg_tviews objects":
 * anything qualified with the extension's schema (or a schema named like the extension, such
 * as the plan's pg_tviews_internal), and unqualified names starting pg_tview_ / pg_tviews_.
 */
export interface ApiCatalog {
  snapshot: ApiSnapshot;
  functions: Map<string, ApiFunction[]>;
  relations: Map<string, ApiRelation>;
  /** Every function and relation name, for suggestions. */
  allNames: string[];
}

export function indexSnapshot(snapshot: ApiSnapshot): ApiCatalog {
  const functions = new Map<string, ApiFunction[]>();
  for (const fn of snapshot.functions) functions.set(fn.name, [...(functions.get(fn.name) ?? []), fn]);
  const relations = new Map(snapshot.relations.filter((r) => r.kind !== 'type').map((r) => [r.name, r]));
  return { snapshot, functions, relations, allNames: [...functions.keys(), ...relations.keys()] };
}

const OWN_PREFIX = /^pg_tviews?_/i;

/** True when a (schema, name) reference is pg_tviews' business. */
export function isPgTviewsReference(catalog: ApiCatalog, schema: string | undefined, name: string): boolean {
  if (schema !== undefined) return schema === catalog.snapshot.schema || OWN_PREFIX.test(schema);
  return OWN_PREFIX.test(name);
}

/** `name(a text, b boolean DEFAULT …)`: how a message shows a signature. */
export function signature(fn: ApiFunction): string {
  const args = fn.arguments.map((a) => `${a.name ? `${a.name} ` : ''}${a.type}${a.hasDefault ? ' DEFAULT …' : ''}`);
  return `${fn.schema}.${fn.name}(${args.join(', ')})`;
}
