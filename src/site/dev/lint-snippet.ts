import type { Diagnostic } from '../../lint/index.ts';
import type { ProjectPaths } from '../project.ts';

/**
 * `npm run dev` only: lints one saved snippet file exactly as `runbooks lint <file>` does
 * (every rule, squawk included; references checked against every runbook of content/). The
 * lint modules load the SQL parsers, so they are imported on the first save, not when Astro
 * reads its configuration; V8 compiles them with `--liftoff-only`, which `npm run dev` passes
 * (see scripts/runbooks.ts).
 */

export interface SnippetLint {
  errors: Diagnostic[];
  warnings: Diagnostic[];
  ms: number;
}

export async function lintSnippet(file: string, paths: ProjectPaths): Promise<SnippetLint> {
  const started = performance.now();
  const [{ lintPaths }, { projectSnapshots }] = await Promise.all([import('../../lint/index.ts'), import('../../api/live.ts')]);
  const layout = { projectRoot: paths.root, snippetsRoot: paths.snippetsDir, contentRoot: paths.contentDir, snapshots: projectSnapshots() };
  const { diagnostics } = await lintPaths([file], layout);
  return {
    errors: diagnostics.filter((d) => d.severity === 'error'),
    warnings: diagnostics.filter((d) => d.severity === 'warning'),
    ms: performance.now() - started,
  };
}
