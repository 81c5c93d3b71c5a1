import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<root>/.harness/<sub>`, created, with `.harness/` ignoring itself through its own .gitignore: the
 * harness's files never show up as changes and the user's ignore files are never edited. Throws when
 * the directory cannot be written (callers decide whether that matters).
 */
export function harnessDir(root: string, ...sub: string[]): string {
  const top = join(root, '.harness');
  const dir = join(top, ...sub);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(top, '.gitignore'))) writeFileSync(join(top, '.gitignore'), '*\n');
  return dir;
}
