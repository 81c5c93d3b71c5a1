import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Write a file so that readers see the old content or the new, never a torn one: a private temp file
 * beside it, then a rename (atomic within one file system). Throws when it cannot be written.
 */
export function writeAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Keep only the `keep` newest `.json` files of a cache directory (by modification time). */
export function pruneJson(dir: string, keep: number): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length <= keep) return;
  const byAge = names.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => b.t - a.t);
  for (const { n } of byAge.slice(keep)) rmSync(join(dir, n), { force: true });
}
