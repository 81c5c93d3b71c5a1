import { existsSync, readdirSync } from 'node:fs';
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

/** Git-ignored files (not node_modules/ or .harness/), walking the directories git reports collapsed. */
export async function ignoredFiles(root: string): Promise<string[]> {
  const skip = (rel: string) => rel.startsWith(HARNESS_PREFIX) || rel.split('/').includes('node_modules');
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const child = `${rel}${e.name}`;
      if (skip(`${child}/`)) continue;
      if (e.isDirectory()) walk(`${child}/`);
      else out.push(child);
    }
  };
  const reported = Git.splitZ(await new Git(root).raw(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']));
  for (const rel of reported) {
    if (skip(rel)) continue;
    if (rel.endsWith('/')) walk(rel);
    else out.push(rel);
  }
  return out.sort();
}
