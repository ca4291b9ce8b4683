/**
 * What an author writes in place of each placeholder of `runbooks new runbook`: every FILL IN
 * line replaced, nothing else touched. The Procedure embeds health/tview-status, which the site
 * fixture (tests/site/fixtures/verified) verifies. Shared by the unit test and the build test.
 */
export function fill(text: string): string {
  return text
    .replace(/^title: .*$/m, 'title: A TVIEW index is bloated')
    .replace(/^description: .*$/m, 'description: Rebuild a bloated TVIEW index without blocking its readers.')
    .replace(/^( {2}severity: \w+) # .*$/m, '$1')
    .replace(/^( {2}timeRequired: [^#]+?) # .*$/m, '$1')
    .replace(/^ {2}whenToUse: .*$/m, '  whenToUse: An index of a TVIEW is several times larger than its rows need.')
    .replace(/^ {2}frequency: .*$/m, '  frequency: Monthly, or when the bloat report says so')
    .replace(/^ {4}- "FILL IN: access.*$/m, '    - psql access as the owner of the TVIEW')
    .replace(/^ {4}- text: .*$/m, '    - text: A TVIEW index keeps growing')
    .replace(/^FILL IN: numbered steps[\s\S]*?(?=\n\n## Verify)/m, '### Check the TVIEW first\n\n::snippet{name="health/tview-status"}\n\nA row per TVIEW; go on when yours is healthy.')
    .replace(/^FILL IN: (.*)$/gm, (_, what: string) => `Written: ${what.replace(/[*`]/g, '')}`);
}

