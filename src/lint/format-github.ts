import type { Diagnostic } from './diagnostic.ts';

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`): printed on
 * a job's output, each becomes an annotation on that line of the pull request's changed files.
 * Escaping follows GitHub's toolkit (@actions/core): in the message, `%`, CR and LF; in a
 * property, also `:` and `,`, which would otherwise end it.
 */

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface AnnotationProperties {
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
  title?: string;
}

export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

export function workflowCommand(level: AnnotationLevel, properties: AnnotationProperties, message: string): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** One lint diagnostic as an annotation: the rule as its title, the fix on the message's second line. */
export function formatDiagnosticGithub(diagnostic: Diagnostic): string {
  return workflowCommand(
    diagnostic.severity === 'warning' ? 'warning' : 'error',
    { file: diagnostic.file, line: diagnostic.line, col: diagnostic.column, title: diagnostic.rule },
    `${diagnostic.message}\nfix: ${diagnostic.hint}`,
  );
}
