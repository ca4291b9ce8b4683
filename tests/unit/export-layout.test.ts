import { describe, expect, it } from 'vitest';
import { relativeLink, scriptFile } from '../../src/export/layout.ts';

describe('export layout', () => {
  it('names a snippet file after its area and name', () => {
    expect(scriptFile('health/tview-status', 'sql')).toBe('scripts/health-tview-status.sql');
    expect(scriptFile('monitor/loop', 'bash')).toBe('scripts/monitor-loop.sh');
  });

  it("keeps the plan's script names for the scripts area", () => {
    expect(scriptFile('scripts/health-check', 'sql')).toBe('scripts/health-check.sql');
    expect(scriptFile('scripts/tview-monitor', 'bash')).toBe('scripts/tview-monitor.sh');
  });

  it('links between exported files relatively', () => {
    expect(relativeLink('01-health-monitoring/tview-health-check.md', 'scripts/health-check.sql')).toBe('../scripts/health-check.sql');
    expect(relativeLink('README.md', '02-refresh-operations/manual-refresh.md')).toBe('02-refresh-operations/manual-refresh.md');
  });
});
