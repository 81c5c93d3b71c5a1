import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HARNESS_PREFIX } from '../util/harness-dir.js';
import { Git } from './git.js';

/** One listing per repository per run: every check of a run sees the same snapshot of the tree. */
const listed = new Map<string, Promise<string[]>>();

async function list(root: string): Promise<string[]> {
  const out = await new Git(root).raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']);
  return [...new Set(Git.splitZ(out))].filter((p) => !p.startsWith(HARNESS_PREFIX) && existsSync(join(root, p))).sort();
}

/**
 * Every file of the work tree git knows or would add (tracked + untracked, not ignored, not deleted),
 * listed once per process; `fresh` lists again (the result cache's snapshot after the checks ran).
 */
export function workTreeFiles(root: string, opts: { fresh?: boolean } = {}): Promise<string[]> {
  const hit = opts.fresh ? undefined : listed.get(root);
  if (hit) return hit;
  const files = list(root);
  listed.set(root, files);
  files.catch(() => listed.delete(root));
  return files;
}
