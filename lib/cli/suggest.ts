/**
 * "Did you mean …?" for a mistyped command or option.
 *
 * @module
 */

/** Edit distance (insert, delete, replace, swap of neighbours) between `a` and `b`. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a typo
 * (or `word` is the start of exactly one candidate); else `undefined`.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const starting = candidates.filter((candidate) => candidate.startsWith(word) && word.length > 2);
  if (starting.length === 1) return starting[0];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3));
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d <= bestDistance) [best, bestDistance] = [candidate, d - 1];
  }
  return best;
}
