import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { reportSchema } from '../../src/report/schema.ts';

/**
 * docs/report-schema.md describes src/report/schema.ts for people. These tests keep them
 * together: every field of the schema has a row in the doc, every row names a real field,
 * every enum value is mentioned, and the doc's example is a valid report.
 */

const doc = readFileSync(path.join(import.meta.dirname, '../../docs/report-schema.md'), 'utf8');

interface Field {
  path: string;
  enumValues: string[];
}

/**
 * Dotted paths of every field (`snippets[].derivedSafety.class`) with their enum values. The
 * values of a record (one run per target id) are written `.*`: `snippets[].targets.*.status`.
 */
function fields(schema: z.ZodType, prefix = ''): Field[] {
  const def = (schema as unknown as { def: Record<string, unknown> & { type: string } }).def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return fields(def.innerType as z.ZodType, prefix);
    case 'array':
      return fields(def.element as z.ZodType, `${prefix}[]`);
    case 'record':
      return fields(def.valueType as z.ZodType, `${prefix}.*`);
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      return Object.entries(shape).flatMap(([key, child]) => {
        const childPath = prefix ? `${prefix}.${key}` : key;
        return [{ path: childPath, enumValues: enumValues(child) }, ...fields(child, childPath)];
      });
    }
    default:
      return [];
  }
}

function enumValues(schema: z.ZodType): string[] {
  const def = (schema as unknown as { def: Record<string, unknown> & { type: string } }).def;
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') return enumValues(def.innerType as z.ZodType);
  if (def.type === 'enum') return Object.values(def.entries as Record<string, string>);
  return [];
}

/** The located error appears under several parents; the doc describes it once, as `error.message` and so on. */
const docPath = (field: string) => field.replace(/^(snippets\[\]\.targets\.\*\.error|scenarios\[\]\.targets\.\*\.error|problems\[\])\./, 'error.');
/** Counts objects (the report's and each target's) are described once, by their three keys. */
const COUNTS = /^(targets\[\]\.)?summary\.(snippets|scenarios)\.(passed|failed|skipped)$/;

const schemaFields = fields(reportSchema);
const documentedRows = [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]);

describe('docs/report-schema.md', () => {
  it('has a row for every field of the schema', () => {
    expect(schemaFields.length).toBeGreaterThan(40);
    const missing = schemaFields
      .map((field) => field.path)
      .filter((field) => !COUNTS.test(field))
      .filter((field) => !documentedRows.includes(docPath(field)));
    expect(missing).toEqual([]);
    for (const key of ['passed', 'failed', 'skipped']) expect(doc).toContain(`\`${key}\``);
  });

  it('documents no field the schema does not have', () => {
    const known = new Set(schemaFields.map((field) => docPath(field.path)));
    expect(documentedRows.filter((row) => !known.has(row))).toEqual([]);
  });

  it('mentions every allowed value of every enum', () => {
    const unmentioned = schemaFields.flatMap((field) => field.enumValues.filter((value) => !doc.includes(`\`${value}\``)).map((value) => `${field.path}: ${value}`));
    expect(unmentioned).toEqual([]);
  });

  it('gives an example that is a valid report', () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const parsed = reportSchema.safeParse(JSON.parse(example!));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
