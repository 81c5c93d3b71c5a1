import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HARNESS_PREFIX } from '../util/harness-dir.js';
import { Git } from './git.js';

/** Every file of the work tree git knows or would add (tracked + untracked, not ignored, not deleted). */
export async function workTreeFiles(root: string): Promise<string[]> {
  const git = new Git(root);
  const out = await git.raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']);
  return [...new Set(Git.splitZ(out))].filter((p) => !p.startsWith(HARNESS_PREFIX) && existsSync(join(root, p))).sort();
}
