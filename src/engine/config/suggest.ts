// "Did you mean …?" for misspelt names.

/** Edit distance counting a swap of two neighbouring letters as one edit (the commonest typo). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const width = y.length + 1;
  // One flat table; cells outside it read as 0 and are never used by the recurrence.
  const d = new Array<number>((x.length + 1) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= x.length; i++) d[i * width] = i;
  for (let j = 0; j <= y.length; j++) d[j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * width + j] = best;
    }
  }
  return at(x.length, y.length);
}

/** ` (did you mean "temperature"?)` when a candidate is a likely typo of `value`. */
export function suggestion(value: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(value, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.min(3, Math.floor(value.length / 3)))
    ? ` (did you mean "${best}"?)`
    : '';
}

/** The candidates ordered by likeness to `value` (nearest first; ties keep their order). */
export function byLikeness(value: string, candidates: readonly string[]): string[] {
  return candidates
    .map((candidate, index) => ({ candidate, index, distance: editDistance(value, candidate) }))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .map((c) => c.candidate);
}
