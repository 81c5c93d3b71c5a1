import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ignoredFiles, workTreeFiles } from '../diff/files.js';
import { harnessPath } from '../util/harness-dir.js';

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
  const dir = harnessPath(root, 'tmp');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = Number(/^mutate-(\d+)-/.exec(name)?.[1]);
    if (!pid || !pidAlive(pid) || pid === process.pid) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Tools' own caches inside node_modules (vitest's results in `.vite/`, vite's bundled configs in
 * `.vite-temp/`, …). Linked, the sandbox's runs would write through into the user's work tree; left
 * out, the tools make fresh ones in the sandbox.
 */
const TOOL_CACHES = new Set(['.vite', '.vite-temp', '.vitest', '.vitest-cache', '.cache']);

/**
 * Mirror a node_modules directory entry by entry. A link into the repository itself (a workspace
 * package: `node_modules/@demo/math → ../../packages/math`) is pointed at the sandbox's copy, so tests
 * that import their package by name run the copy, never the user's files; everything else links to
 * the original install, except the tools' caches.
 */
function mirrorModules(root: string, box: string, from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (TOOL_CACHES.has(name)) continue;
    const src = join(from, name);
    const stat = lstatSync(src);
    if (name.startsWith('@') && stat.isDirectory()) {
      mirrorModules(root, box, src, join(to, name));
      continue;
    }
    let target = src;
    if (stat.isSymbolicLink()) {
      const real = realpathSync(src);
      const rel = relative(root, real);
      if (!rel.startsWith('..') && !rel.split(sep).includes('node_modules')) target = join(box, rel);
    }
    symlinkSync(target, join(to, name));
  }
}

/**
 * Mirror into `box` every `node_modules` of `root` beside the directories of `files` (repo-relative):
 * a copy of the tree (a sandbox, the merge-base's files) runs on the original install, its own
 * workspace packages linked to the copy's.
 */
export function mirrorModulesOf(root: string, box: string, files: readonly string[]): void {
  const dirs = new Set<string>(['']);
  for (const file of files) for (let d = dirname(file); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);
  for (const d of dirs) {
    const modules = join(root, d, 'node_modules');
    if (existsSync(modules) && !existsSync(join(box, d, 'node_modules'))) mirrorModules(root, box, modules, join(box, d, 'node_modules'));
  }
}

/** A sandbox: where it is, and what went into it (said when the tests fail only there). */
export interface Sandbox {
  box: string;
  /** Files git knows (tracked, untracked not ignored) and git-ignored files outside node_modules. */
  copied: { known: number; ignored: number };
}

/** Copy one file (or the link it is) into the sandbox. */
function place(root: string, box: string, file: string): void {
  const src = join(root, file);
  mkdirSync(dirname(join(box, file)), { recursive: true });
  if (lstatSync(src).isSymbolicLink()) symlinkSync(readlinkSync(src), join(box, file));
  else copyFileSync(src, join(box, file));
}

/**
 * An isolated copy of the work tree under the ignored `.harness/tmp/`: the files git knows, and the
 * git-ignored ones outside node_modules too (a config package built at install time, generated code:
 * what the tests need), with every `node_modules` of the original mirrored in. Stryker, coverage runs
 * and survivor re-checks write only here: the user's files are never touched. Removed again if it
 * cannot be completed. `second`: a name for another copy beside the run's first (stale copies are
 * removed only when the first is made).
 */
export async function createSandbox(root: string, runId: string, second = ''): Promise<Sandbox> {
  if (!second) removeStaleSandboxes(root);
  const box = harnessPath(root, 'tmp', `mutate-${process.pid}-${runId}${second && `-${second}`}`);
  try {
    mkdirSync(box, { recursive: true });
    const [known, ignored] = await Promise.all([workTreeFiles(root), ignoredFiles(root)]);
    for (const file of [...known, ...ignored]) place(root, box, file);
    mirrorModulesOf(root, box, [...known, ...ignored]);
    return { box, copied: { known: known.length, ignored: ignored.length } };
  } catch (e) {
    removeSandbox(box);
    throw e;
  }
}

export function removeSandbox(box: string): void {
  rmSync(box, { recursive: true, force: true });
}
