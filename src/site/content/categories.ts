/**
 * Runbooks live in numbered category folders directly under content/ (`01-health-monitoring/`).
 * The number orders the sidebar and the home page; the rest becomes the label.
 */

export const CATEGORY_FOLDER = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

const LABELS: Record<string, string> = {
  'health-monitoring': 'Health and monitoring',
  'refresh-operations': 'Refresh operations',
  maintenance: 'Maintenance',
  'incident-response': 'Incident response',
};

export function isCategoryFolder(name: string): boolean {
  return CATEGORY_FOLDER.test(name);
}

export function categoryLabel(folder: string): string {
  const match = CATEGORY_FOLDER.exec(folder);
  if (!match) return folder;
  const words = match[2];
  return LABELS[words] ?? words.charAt(0).toUpperCase() + words.slice(1).replaceAll('-', ' ');
}

/** The category of a content id (`01-health-monitoring/tview-health-check`), if it is in one. */
export function categoryOf(contentId: string): string | undefined {
  const [first, ...rest] = contentId.split('/');
  return rest.length > 0 && isCategoryFolder(first) ? first : undefined;
}
