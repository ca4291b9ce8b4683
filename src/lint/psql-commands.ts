/**
 * The backslash commands psql accepts, from `psql --help=commands` of every target's psql (a
 * test checks the list against each of them): 16's and 17's, and what 18 added (the extended
 * query protocol and pipelines). A snippet using a command its target's psql lacks fails
 * verification on that target. Letters in brackets in that help are optional
 * modifiers (S system objects, + more detail, x expanded), written here as character classes.
 * Anything else is not psql: a line like the plan's `TITLE '...'` fails when the snippet runs.
 */

const COMMAND_PATTERNS: readonly string[] = [
  // General
  'bind', 'bind_named', 'close_prepared', 'copyright', 'crosstabview', 'errverbose', 'gx?', 'gdesc', 'gexec', 'gset', 'parse', 'q', 'quit', 'restrict', 'unrestrict', 'watch',
  // Pipelines (psql 18)
  'startpipeline', 'endpipeline', 'sendpipeline', 'syncpipeline', 'flush', 'flushrequest', 'getresults',
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
  'di[S+x]*', 'dl[+x]*', 'dL[S+x]*', 'dm[S+x]*', 'dn[S+x]*', 'do[S+x]*', 'dO[S+x]*', 'dp[Sx]*', 'dP[itn+x]*',
  'drds[x]*', 'drg[Sx]*', 'dR[ps][+x]*', 'ds[S+x]*', 'dt[S+x]*', 'dT[S+x]*', 'du[S+x]*', 'dv[S+x]*', 'dx[+x]*',
  'dX[x]*', 'dy[+x]*', 'l[+x]*', 'list[+x]*', 'sf[+]?', 'sv[+]?', 'z[Sx]*',
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

/** True when psql has this meta-command (name without the backslash, e.g. `dt+`). */
export function isPsqlMetaCommand(name: string): boolean {
  return KNOWN_COMMAND.test(name);
}
