// The Pareto front of accuracy against cost: the points no other point beats, that is, none has a
// cost as low or lower and an accuracy as high or higher with at least one strictly better.

export interface ParetoInput {
  id: string;
  cost: number;
  accuracy: number;
}

/** Ids of the non-dominated points, from the cheapest to the most accurate. O(n log n). */
export function paretoFront(points: readonly ParetoInput[]): string[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.accuracy))
    .slice()
    .sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  const front: string[] = [];
  let best = -Infinity;
  let last: ParetoInput | undefined;
  for (const p of sorted) {
    if (p.accuracy > best) {
      front.push(p.id);
      best = p.accuracy;
      last = p;
    } else if (last && p.accuracy === last.accuracy && p.cost === last.cost) {
      // An exact twin of a front point is not beaten by it.
      front.push(p.id);
    }
  }
  return front;
}
