import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../checks/check.js';
import type { Config } from '../config/types.js';
import type { Scope, Shard } from '../model.js';


/** `k/n` with 1 ≤ k ≤ n ≤ 1000, else null. */
export function parseShard(text: string): Shard | null {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text);
  if (!m) return null;
  const [index, count] = [Number(m[1]), Number(m[2])];
  return index >= 1 && count >= 1 && count <= 1000 && index <= count ? { index, count } : null;
}

/**
 * The checks of shard k of n: the same on every machine given the same checks and durations, and
 * together exactly the unsharded plan. A shared-config batch stays whole (one tool run, not n); the
 * in-process guards all go to shard 1; the rest is split longest-processing-time first (ties by id),
 * each unit to the shard with the least expected time so far (ties to the lower index).
 */
export function shardChecks(checks: readonly Check[], shard: Shard, expected: (c: Check) => number): Check[] {
  const units = new Map<string, Check[]>();
  for (const c of checks) {
    if (c.inProcess) continue;
    const key = c.batch ? `batch:${c.batch.key}` : `check:${c.id}`;
    units.set(key, [...(units.get(key) ?? []), c]);
  }
  const cost = (u: readonly Check[]) => u.reduce((n, c) => n + expected(c), 0);
  const ordered = [...units.entries()].sort(([ka, a], [kb, b]) => cost(b) - cost(a) || (ka < kb ? -1 : 1));
  const load = Array.from({ length: shard.count }, () => 0);
  const mine = new Set<string>();
  for (const [, unit] of ordered) {
    const to = load.indexOf(Math.min(...load));
    load[to]! += cost(unit);
    if (to === shard.index - 1) for (const c of unit) mine.add(c.id);
  }
  return checks.filter((c) => (c.inProcess ? shard.index === 1 : mine.has(c.id)));
}

/**
 * What every shard of one split must agree on: the merge-base, the changed files (names and content),
 * the config, n and the durations the split was computed from. `harness merge` refuses shards whose digests differ.
 */
export function shardDigest(root: string, scope: Scope, config: Config, shard: Shard, durations: Readonly<Record<string, number>>): string {
  const h = createHash('sha256').update(`${scope.merge_base ?? ''}\0${shard.count}\0`);
  // The changed files and what they hold: the same change, not only the same names.
  for (const f of scope.changed_files) h.update(`${f}\0`).update(existsSync(join(root, f)) && statSync(join(root, f)).isFile() ? readFileSync(join(root, f)) : 'absent').update('\0');
  h.update(config.source && existsSync(config.source) ? readFileSync(config.source) : '');
  h.update(JSON.stringify(Object.entries(durations).sort(([a], [b]) => (a < b ? -1 : 1))));
  return h.digest('hex').slice(0, 16);
}
