import { z } from 'zod';

/**
 * The `runbook:` block of a runbook page's frontmatter: what the header of the page shows and
 * what the home page's symptom index is built from. docs/authoring-runbooks.md explains each
 * field to authors; keep the two in step.
 */

export const SEVERITIES = ['routine', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `5 min`, `10-30 min`, `1 h`, `30 s`: a quantity the reader can plan with, not prose. */
const TIME_REQUIRED = /^\d+(\s*[-–]\s*\d+)?\s*(s|min|h)$/;
/**
 * A heading anchor on the same page, as the site generates it (`procedure`,
 * `2-find-the-stuck-transaction`, `fix-missing_table`: the slugger keeps underscores).
 */
const ANCHOR = /^[a-z0-9][a-z0-9_-]*$/;
const SCENARIO_NAME = /^[a-z0-9][a-z0-9_/-]*$/;

export const symptomSchema = z.strictObject({
  /** What the engineer sees, in their words: "A TVIEW shows old data". */
  text: z.string().min(8, 'describe the symptom in a few words, as the engineer would see it'),
  /** Heading anchor to start from; the Procedure section when left out. */
  step: z.string().regex(ANCHOR, 'a heading anchor on this page, e.g. procedure').optional(),
});

export const runbookFrontmatterSchema = z.strictObject({
  severity: z.enum(SEVERITIES),
  /** One sentence: the situation this runbook is for. The "When to use" section gives the detail. */
  whenToUse: z.string().min(10),
  /** How often: "Every 4 hours and after maintenance", "During an incident". */
  frequency: z.string().min(3),
  /** Time it takes: "5 min", "10-30 min". */
  timeRequired: z.string().regex(TIME_REQUIRED, 'a time such as 5 min, 10-30 min, 1 h or 30 s'),
  /** Access and tools needed before starting. The "Prerequisites" section gives the detail. */
  prerequisites: z.array(z.string().min(3)).min(1),
  /** Scenario names (from reports/verify.json) that prove this runbook works. */
  scenarios: z.array(z.string().regex(SCENARIO_NAME, 'a scenario name')).default([]),
  /** Symptoms for the home page's "I have an incident" index. */
  symptoms: z.array(symptomSchema).default([]),
});

export type RunbookFrontmatter = z.infer<typeof runbookFrontmatterSchema>;
export type Symptom = z.infer<typeof symptomSchema>;

/** Frontmatter fields the site adds to Starlight's own (title, description, sidebar…). */
export const pageFrontmatterExtension = z.object({
  runbook: runbookFrontmatterSchema.optional(),
  /** The page's task lists (`- [ ] …`) are a checklist to tick during an incident (see content/checklist.ts). */
  checklist: z.boolean().optional(),
});

/**
 * The level-2 headings every runbook has, in this order. Other level-2 headings may sit between
 * them; these may not be missing, renamed, repeated or reordered.
 */
export const REQUIRED_SECTIONS = [
  'Purpose',
  'When to use',
  'Prerequisites',
  'Procedure',
  'Verify',
  'Rollback / Restore',
  'Escalation / Next steps',
] as const;
