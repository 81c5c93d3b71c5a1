import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** harness's own directory in the target repository, as a repo-relative name and as a path prefix. */
export const HARNESS_DIR = '.harness';
export const HARNESS_PREFIX = `${HARNESS_DIR}/`;

/** `<root>/.harness/<sub…>` (not created). */
export function harnessPath(root: string, ...sub: string[]): string {
  return join(root, HARNESS_DIR, ...sub);
}

/**
 * `<root>/.harness/<sub>`, created, with `.harness/` ignoring itself through its own .gitignore: the
 * harness's files never show up as changes and the user's ignore files are never edited. Throws when
 * the directory cannot be written (callers decide whether that matters).
 */
export function harnessDir(root: string, ...sub: string[]): string {
  const top = harnessPath(root);
  const dir = join(top, ...sub);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(top, '.gitignore'))) writeFileSync(join(top, '.gitignore'), '*\n');
  return dir;
}
