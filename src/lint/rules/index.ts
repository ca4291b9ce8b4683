import type { LintRule } from '../rule.ts';
import { apiColumnRule } from './api-column.ts';
import { apiFunctionRule } from './api-function.ts';
import { apiRelationRule } from './api-relation.ts';
import { apiSchemaQualifiedRule } from './api-schema-qualified.ts';
import { apiTriggerNameRule } from './api-trigger-name.ts';
import { bashSyntaxRule } from './bash-syntax.ts';
import { blockingLockRule } from './blocking-lock.ts';
import { createIndexConcurrentlyRule } from './create-index-concurrently.ts';
import { duplicateNameRule } from './duplicate-name.ts';
import { expectColumnsRule } from './expect-columns.ts';
import { hardCodedConnectionRule } from './hard-coded-connection.ts';
import { headerRule } from './header.ts';
import { missingWhereRule } from './missing-where.ts';
import { parameterDeclarationRule } from './parameter-declaration.ts';
import { psqlMetaCommandRule } from './psql-meta-command.ts';
import { safetyUnderstatedRule } from './safety-understated.ts';
import { shellcheckRule } from './shellcheck.ts';
import { snippetNameRule } from './snippet-name.ts';
import { squawkRule } from './squawk.ts';
import { sqlSyntaxRule } from './sql-syntax.ts';
import { targetClaimRule } from './target-claim.ts';
import { terminateBackendRule } from './terminate-backend.ts';
import { truncateOrDropRule } from './truncate-or-drop.ts';
import { unquotedParameterRule } from './unquoted-parameter.ts';
import { unresolvedReferenceRule } from './unresolved-reference.ts';
import { unusedSnippetRule } from './unused-snippet.ts';

/** Every lint rule, in the order `runbooks lint --rules` lists them. */
export const lintRules: readonly LintRule[] = [
  headerRule,
  targetClaimRule,
  expectColumnsRule,
  snippetNameRule,
  duplicateNameRule,
  unresolvedReferenceRule,
  unusedSnippetRule,
  sqlSyntaxRule,
  psqlMetaCommandRule,
  bashSyntaxRule,
  shellcheckRule,
  apiFunctionRule,
  apiRelationRule,
  apiColumnRule,
  apiSchemaQualifiedRule,
  apiTriggerNameRule,
  safetyUnderstatedRule,
  squawkRule,
  truncateOrDropRule,
  missingWhereRule,
  terminateBackendRule,
  createIndexConcurrentlyRule,
  blockingLockRule,
  hardCodedConnectionRule,
  unquotedParameterRule,
  parameterDeclarationRule,
];
