/**
 * The backslash commands psql 15 accepts, transcribed from `psql --help=commands` (a test
 * checks the list against the installed psql). Letters in brackets in that help are optional
 * modifiers (S system objects, + more detail, x expanded), written here as character classes.
 * Anything else is not psql: a line like the plan's `TITLE '...'` fails when the snippet runs.
 */

const COMMAND_PATTERNS: readonly string[] = [
  // General
  'copyright', 'crosstabview', 'errverbose', 'gx?', 'gdesc', 'gexec', 'gset', 'q', 'quit', 'restrict', 'unrestrict', 'watch',
  // Help
  '\\?', 'h', 'help',
  // Query buffer
  'e', 'edit', 'ef', 'ev', 'p', 'print', 'r', 'reset', 's', 'w', 'write',
  // Input/Output
  'copy', 'echo', 'i', 'include', 'ir', 'include_relative', 'o', 'out', 'qecho', 'warn',
  // Conditional
  'if', 'elif', 'else', 'endif',
  // Informational: \d and its many variants
  'd[S+x]*', 'da[S+x]*', 'dA[+x]*', 'dA[cfop][+x]*', 'db[+x]*', 'dc[S+x]*', 'dconfig[+x]*', 'dC[+x]*', 'dd[S+x]*',
  'dD[S+x]*', 'ddp[x]*', 'dE[S+x]*', 'de[stuw][+x]*', 'df[anptw]*[S+x]*', 'dF[dpt]?[+x]*', 'dg[S+x]*',
  'di[S+x]*', 'dl[+x]*', 'dL[S+x]*', 'dm[S+x]*', 'dn[S+x]*', 'do[S+x]*', 'dO[S+x]*', 'dp[x]*', 'dP[itn+x]*',
  'drds[x]*', 'dR[ps][+x]*', 'ds[S+x]*', 'dt[S+x]*', 'dT[S+x]*', 'du[S+x]*', 'dv[S+x]*', 'dx[+x]*',
  'dX[x]*', 'dy[+x]*', 'l[+x]*', 'list[+x]*', 'sf[+]?', 'sv[+]?', 'z[x]*',
  // Combined relation kinds, e.g. \dtv or \dti+ (psql reads any mix of t, i, v, m, s, E)
  'd[tivmsE]+[S+x]*',
  // Large objects
  'lo_export', 'lo_import', 'lo_list[+x]*', 'lo_unlink',
  // Formatting
  'a', 'C', 'f', 'H', 'html', 'pset', 't', 'T', 'x',
  // Connection
  'c', 'connect', 'conninfo', 'encoding', 'password',
  // Operating system
  'cd', 'getenv', 'setenv', 'timing', '!',
  // Variables
  'prompt', 'set', 'unset',
];

const KNOWN_COMMAND = new RegExp(`^(?:${COMMAND_PATTERNS.join('|')})$`);

/** True when psql 15 has this meta-command (name without the backslash, e.g. `dt+`). */
export function isPsqlMetaCommand(name: string): boolean {
  return KNOWN_COMMAND.test(name);
}
