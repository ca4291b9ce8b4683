/**
 * Suggestions for a name that does not exist. Names here are snake_case, and what authors
 * get wrong is usually a word (`pg_tviews_get_queue` for `pg_tviews_queue_stats`,
 * `pg_tviews_metadata` for `pg_tview_meta`), so candidates sharing a meaningful word rank
 * first, then small edit distances.
 */

/** Words every pg_tviews name has; sharing them says nothing. */
const NOISE_WORDS = new Set(['pg', 'tview', 'tviews', 'trg', 'on']);

function meaningfulWords(name: string): string[] {
  return name.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1 && !NOISE_WORDS.has(w));
}

/** Two words match when equal or when one is a prefix (of at least 4 letters) of the other. */
function wordsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Up to `limit` candidates close to `name`, best first; empty when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = meaningfulWords(name);
  const scored: { candidate: string; shared: number; distance: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const words = meaningfulWords(candidate);
    const shared = wanted.filter((w) => words.some((c) => wordsMatch(w, c))).length;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    const close = distance <= Math.max(2, Math.floor(name.length / 4));
    if (shared > 0 || close) scored.push({ candidate, shared, distance });
  }
  // A candidate sharing fewer words than the best one is only worth showing if it is close.
  const bestShared = Math.max(0, ...scored.map((s) => s.shared));
  const worthShowing = scored.filter((s) => s.shared === bestShared || s.distance <= Math.max(2, Math.floor(name.length / 4)));
  worthShowing.sort((a, b) => b.shared - a.shared || a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  return worthShowing.slice(0, limit).map((s) => s.candidate);
}

/** ` (did you mean a, b?)` or nothing. */
export function suggestionText(suggestions: string[]): string {
  return suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '';
}
