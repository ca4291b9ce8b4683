/**
 * libpg_query's JSON parse tree: a node of type T is `{ "T": { ...fields } }`. Fields declared
 * with a concrete struct type (a statement's `relation`, a cast's `typeName`) hold the struct
 * bare, without the wrapper; the walker recognises the ones lint needs (RangeVar by its
 * `relname`) so rules see every relation reference, wherever it sits.
 */

// The tree comes from JSON and is read defensively by each rule; `any` keeps that reading short.
export type Fields = any;

export interface AstVisit {
  type: string;
  fields: Fields;
  /** Enclosing typed nodes, outermost first. */
  ancestors: readonly { type: string; fields: Fields }[];
}

const TYPED_KEY = /^[A-Z][A-Za-z0-9_]*$/;

/** The type and fields of a wrapped node, or undefined for anything else. */
export function asNode(value: unknown): { type: string; fields: Fields } | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !TYPED_KEY.test(keys[0])) return undefined;
  const fields = (value as Record<string, unknown>)[keys[0]];
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return undefined;
  return { type: keys[0], fields };
}

/**
 * Visits every node under root, depth first, parents before children. Returning false from
 * visit skips that node's children (a rule that handles a subtree itself).
 */
export function walk(root: unknown, visit: (node: AstVisit) => void | false): void {
  const ancestors: { type: string; fields: Fields }[] = [];
  const descend = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) descend(item);
      return;
    }
    const node = asNode(value) ?? (typeof (value as Fields).relname === 'string' ? { type: 'RangeVar', fields: value } : undefined);
    if (node) {
      if (visit({ ...node, ancestors: [...ancestors] }) === false) return;
      ancestors.push(node);
      for (const child of Object.values(node.fields)) descend(child);
      ancestors.pop();
      return;
    }
    for (const child of Object.values(value)) descend(child);
  };
  descend(root);
}

/** The names in a list of `{ String: { sval } }` nodes, e.g. a qualified function name. */
export function nameParts(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => (item as Fields)?.String?.sval).filter((s): s is string => typeof s === 'string');
}

/** The text of a string constant node (`A_Const` with `sval`), or undefined. */
export function stringConstant(value: unknown): string | undefined {
  const node = asNode(value);
  if (node?.type !== 'A_Const') return undefined;
  const text = node.fields.sval?.sval;
  return typeof text === 'string' ? text : undefined;
}
