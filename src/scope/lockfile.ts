/**
 * Lockfile-aware scoping (DESIGN §3), the cheap part: which changed files are root lockfiles to resolve.
 * The reading, diffing and parsers (`lockfiles/`, the `yaml` package) load only when one changed, so a
 * run without a lockfile change starts as fast as before.
 */
import { LOCKFILES, type Config } from '../config/types.js';
import type { Changes } from '../diff/changes.js';
import { matcher } from '../util/glob.js';
import type { LockfileVerdict } from './lockfiles/graph.js';

export type { LockfileVerdict } from './lockfiles/graph.js';

/** The changed root lockfiles scoping resolves: not ignored, and not made global by `[scope] global`. */
export function changedLockfiles(config: Config, files: readonly string[]): string[] {
  const isIgnored = matcher(config.scope.ignore);
  const isGlobal = matcher(config.scope.global);
  return files.filter((f) => Object.hasOwn(LOCKFILES, f) && !isIgnored(f) && !isGlobal(f));
}

/** Each changed root lockfile → the scopes it reaches, or why everything must run (empty when none changed). */
export async function resolveLockfiles(root: string, config: Config, changes: Changes): Promise<Map<string, LockfileVerdict>> {
  const paths = changedLockfiles(config, changes.files);
  const mergeBase = changes.merge_base;
  if (paths.length === 0 || mergeBase === null || changes.full !== null) return new Map();
  const { analyseLockfile } = await import('./lockfiles/analyse.js');
  const verdicts = await Promise.all(paths.map((p) => analyseLockfile(root, config, mergeBase, changes.files, p)));
  return new Map(paths.map((p, i) => [p, verdicts[i]!]));
}
