import { existsSync } from 'node:fs';
import type { FullReason } from '../model.js';
import { HARNESS_PREFIX } from '../util/harness-dir.js';
import { Git } from './git.js';

export interface Changes {
  /** The base ref as requested (after defaults). */
  base: string;
  merge_base: string | null;
  /** Repo-relative POSIX paths changed since the merge-base (committed, staged, unstaged, untracked). */
  files: string[];
  /** Why the changed set cannot be trusted, so everything must run; null when it can. */
  full: FullReason | null;
}

/** The base to compare against: --base, else config `base`, else origin/main when it exists, else main. */
async function chooseBase(git: Git, explicit: string | null): Promise<string> {
  if (explicit) return explicit;
  return (await git.commitOf('origin/main')) ? 'origin/main' : 'main';
}

/**
 * When root is a subdirectory of its repository (a package directory given as --cwd), changes outside it
 * are invisible to the scoped diff (`--relative`) yet may break it (a sibling package it imports): a
 * reason to run everything, or null when nothing changed outside.
 */
async function changedOutside(git: Git, root: string, prefix: string, mergeBase: string): Promise<FullReason | null> {
  if (prefix === '') return null;
  const everywhere = [
    ...Git.splitZ(await git.raw(['diff', '-z', '--name-only', '--no-renames', mergeBase, '--', ':/'])),
    ...Git.splitZ(await git.raw(['ls-files', '-z', '--others', '--exclude-standard', '--full-name', '--', ':/'])),
  ];
  const outside = [...new Set(everywhere)].filter((p) => !p.startsWith(prefix) && !p.startsWith(HARNESS_PREFIX)).sort();
  return outside.length === 0 ? null : { kind: 'outside-cwd', root, paths: outside };
}

/**
 * Changed files since merge-base(base, HEAD), DESIGN §3. Every case where the answer is unknowable
 * returns a reason to run everything instead of a partial list: the caller runs everything.
 */
export async function resolveChanges(root: string, baseOption: string | null): Promise<Changes> {
  const full = (base: string, reason: FullReason, merge_base: string | null = null): Changes => ({ base, merge_base, files: [], full: reason });
  if (!existsSync(root)) return full(baseOption ?? 'main', { kind: 'missing-dir', root });
  const git = new Git(root);
  // One probe for both: inside a work tree, and where in it (the prefix of a subdirectory --cwd).
  const [inside, prefix = ''] = ((await git.tryRaw(['rev-parse', '--is-inside-work-tree', '--show-prefix'])) ?? '').split('\n').map((l) => l.trim());
  if (inside !== 'true') return full(baseOption ?? 'main', { kind: 'not-git', root });
  const base = await chooseBase(git, baseOption);
  const [head, baseCommit] = await Promise.all([git.commitOf('HEAD'), git.commitOf(base)]);
  if (!head) return full(base, { kind: 'no-commit' });
  if (!baseCommit) return full(base, { kind: 'unknown-base', base });
  const mb = await git.tryRaw(['merge-base', baseCommit, head]);
  if (!mb) {
    const shallow = (await git.tryRaw(['rev-parse', '--is-shallow-repository']))?.trim() === 'true';
    return full(base, { kind: shallow ? 'shallow' : 'unrelated', base });
  }
  const mergeBase = mb.trim();
  try {
    // Independent: run side by side (each walks the whole work tree).
    const [tracked, untracked, outside] = await Promise.all([
      git.raw(['diff', '-z', '--name-only', '--no-renames', '--relative', mergeBase, '--']),
      git.raw(['ls-files', '-z', '--others', '--exclude-standard']),
      changedOutside(git, root, prefix, mergeBase),
    ]);
    const files = [...new Set([...Git.splitZ(tracked), ...Git.splitZ(untracked)])].filter((p) => !p.startsWith(HARNESS_PREFIX)).sort();
    return { base, merge_base: mergeBase, files, full: outside };
  } catch (e) {
    return full(base, { kind: 'git-failed', message: (e as Error).message.trim().split('\n')[0] ?? '' }, mergeBase);
  }
}
