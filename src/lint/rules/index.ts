import type { LintRule } from '../rule.ts';
import { apiColumnRule } from './api-column.ts';
import { apiFunctionRule } from './api-function.ts';
import { apiRelationRule } from './api-relation.ts';
import { apiSchemaQualifiedRule } from './api-schema-qualified.ts';
import { apiTriggerNameRule } from './api-trigger-name.ts';
import { bashSyntaxRule, shellcheckRule } from './bash.ts';
import { createIndexConcurrentlyRule } from './create-index-concurrently.ts';
import { hardCodedConnectionRule } from './hard-coded-connection.ts';
import { headerRule } from './header.ts';
import { missingWhereRule } from './missing-where.ts';
import { duplicateNameRule, snippetNameRule } from './names.ts';
import { parameterDeclarationRule, unquotedParameterRule } from './parameters.ts';
import { psqlMetaCommandRule } from './psql-meta-command.ts';
import { unresolvedReferenceRule, unusedSnippetRule } from './references.ts';
import { safetyUnderstatedRule } from './safety-understated.ts';
import { sqlSyntaxRule } from './sql-syntax.ts';
import { terminateBackendRule } from './terminate-backend.ts';
import { truncateOrDropRule } from './truncate-or-drop.ts';

/** Every lint rule, in the order `runbooks lint --rules` lists them. */
export const lintRules: readonly LintRule[] = [
  headerRule,
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
  truncateOrDropRule,
  missingWhereRule,
  terminateBackendRule,
  createIndexConcurrentlyRule,
  hardCodedConnectionRule,
  unquotedParameterRule,
  parameterDeclarationRule,
];
