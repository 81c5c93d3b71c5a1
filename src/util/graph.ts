/**
 * Every node reachable from `starts` (included) through `next`, in breadth-first order. Cycle-safe:
 * each node is visited once.
 */
export function reachable(starts: Iterable<string>, next: (node: string) => Iterable<string>): Set<string> {
  const seen = new Set(starts);
  const queue = [...seen];
  for (let i = 0; i < queue.length; i++) {
    for (const n of next(queue[i]!)) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

/** The successors of a node over several edge tables (scope → scopes). */
export function edgesOf(tables: readonly ReadonlyMap<string, readonly string[]>[]): (node: string) => string[] {
  return (node) => tables.flatMap((t) => t.get(node) ?? []);
}

/**
 * For every node reachable from `starts`, one shortest chain of nodes from a start to it (breadth-first,
 * starts and successors taken in the given order, so the chain is deterministic). Cycle-safe.
 */
export function chains(starts: Iterable<string>, next: (node: string) => Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>([...starts].map((s) => [s, [s]]));
  const queue = [...out.keys()];
  for (let i = 0; i < queue.length; i++) {
    const chain = out.get(queue[i]!)!;
    for (const n of next(queue[i]!)) {
      if (!out.has(n)) {
        out.set(n, [...chain, n]);
        queue.push(n);
      }
    }
  }
  return out;
}
