import path from 'node:path';

/**
 * Where a runbook project keeps its parts. The real project and every test fixture site share
 * this layout, so the site, the build check and the export all take a root and derive the rest.
 */
export interface ProjectPaths {
  root: string;
  /** MDX runbooks by category, plus the site's other pages. */
  contentDir: string;
  /** Snippet files: snippets/<area>/<name>.sql|.sh. */
  snippetsDir: string;
  /** What `runbooks verify` wrote; the only source of verification results. */
  reportFile: string;
  /** The targets every snippet must be verified on, unless its header claims fewer. */
  targetsFile: string;
}

export function projectPaths(root: string): ProjectPaths {
  const absolute = path.resolve(root);
  return {
    root: absolute,
    contentDir: path.join(absolute, 'content'),
    snippetsDir: path.join(absolute, 'snippets'),
    reportFile: path.join(absolute, 'reports', 'verify.json'),
    targetsFile: path.join(absolute, 'targets.env'),
  };
}

/** A path as messages print it: relative to the project root, with forward slashes. */
export function displayPath(paths: ProjectPaths, file: string): string {
  const relative = path.relative(paths.root, file);
  return (relative.startsWith('..') ? file : relative).split(path.sep).join('/');
}
