import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workTreeFiles } from '../diff/files.js';

const TMP = join('.harness', 'tmp');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Remove sandboxes left by runs that died (SIGKILL): their owning pid is in the directory name. */
export function removeStaleSandboxes(root: string): void {
  const dir = join(root, TMP);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = Number(/^mutate-(\d+)-/.exec(name)?.[1]);
    if (!pid || !pidAlive(pid) || pid === process.pid) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * An isolated copy of the work tree (tracked and untracked files, not ignored ones) under the ignored
 * `.harness/tmp/`, with every `node_modules` of the original linked in. Stryker, coverage runs and
 * survivor re-checks write only here: the user's files are never touched.
 */
export async function createSandbox(root: string, runId: string): Promise<string> {
  removeStaleSandboxes(root);
  const box = join(root, TMP, `mutate-${process.pid}-${runId}`);
  mkdirSync(box, { recursive: true });
  const dirs = new Set<string>(['']);
  for (const file of await workTreeFiles(root)) {
    mkdirSync(dirname(join(box, file)), { recursive: true });
    copyFileSync(join(root, file), join(box, file));
    for (let d = dirname(file); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);
  }
  for (const d of dirs) {
    const modules = join(root, d, 'node_modules');
    if (existsSync(modules) && !existsSync(join(box, d, 'node_modules'))) symlinkSync(modules, join(box, d, 'node_modules'));
  }
  return box;
}

export function removeSandbox(box: string): void {
  rmSync(box, { recursive: true, force: true });
}
