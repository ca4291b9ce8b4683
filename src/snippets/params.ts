import { scanPsqlScript } from './psql-script.ts';

/**
 * Quoting exactly as psql does it for `:'name'` (PQescapeLiteral) and `:"name"`
 * (PQescapeIdentifier), so the text the site fills in is the text psql would send.
 * Browser-safe: no Node imports.
 */

export function quoteLiteral(value: string): string {
  const escaped = value.replaceAll("'", "''");
  if (!value.includes('\\')) return `'${escaped}'`;
  // libpq switches to an E'' literal (preceded by a space) when a backslash is present.
  return ` E'${escaped.replaceAll('\\', '\\\\')}'`;
}

export function quoteIdentifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/**
 * Replaces `:'name'` and `:"name"` references whose value is given; other references are
 * left as they are, so an unfilled page still shows the psql variable.
 */
export function fillSqlParameters(sql: string, values: Record<string, string>): string {
  const { variables } = scanPsqlScript(sql);
  let result = '';
  let cursor = 0;
  for (const reference of variables) {
    const value = values[reference.name];
    if (value === undefined || (reference.style !== 'literal' && reference.style !== 'identifier')) continue;
    result += sql.slice(cursor, reference.start.offset);
    result += reference.style === 'literal' ? quoteLiteral(value) : quoteIdentifier(value);
    cursor = reference.end;
  }
  return result + sql.slice(cursor);
}

/** Quotes a word for a POSIX shell so that it is passed through unchanged. */
export function quoteShell(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** How a bash snippet receives its parameters: `--name value`, underscores as dashes. */
export function scriptOptions(values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([name, value]) => [`--${name.replaceAll('_', '-')}`, value]);
}

/** The command line that runs a snippet file with the given parameter values. */
export function commandLine(language: 'sql' | 'bash', file: string, values: Record<string, string>): string {
  if (language === 'sql') {
    const variables = Object.entries(values).map(([name, value]) => `-v ${quoteShell(`${name}=${value}`)}`);
    return ['psql', '-X', '-v', 'ON_ERROR_STOP=1', ...variables, '-f', quoteShell(file)].join(' ');
  }
  return ['bash', quoteShell(file), ...scriptOptions(values).map(quoteShell)].join(' ');
}
