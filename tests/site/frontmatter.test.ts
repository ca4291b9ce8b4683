import { describe, expect, it } from 'vitest';
import { symptomSchema } from '../../src/site/content/runbook-frontmatter.ts';

describe('symptom step', () => {
  it('accepts anchors as the slugger makes them, underscores included', () => {
    for (const step of ['procedure', '2-find-the-stuck-transaction', 'fix-missing_table-or-missing_view']) {
      expect(symptomSchema.safeParse({ text: 'A TVIEW shows old data', step }).success, step).toBe(true);
    }
  });

  it('refuses what no heading could produce', () => {
    for (const step of ['#procedure', 'Procedure', 'two words', '-leading-dash']) {
      expect(symptomSchema.safeParse({ text: 'A TVIEW shows old data', step }).success, step).toBe(false);
    }
  });
});
