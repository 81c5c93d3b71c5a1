import { existsSync } from 'node:fs';
import { Git } from './git.js';

export interface Changes {
  /** The base ref as requested (after defaults). */
  base: string;
  merge_base: string | null;
  /** Repo-relative POSIX paths changed since the merge-base (committed, staged, unstaged, untracked). */
  files: string[];
  /** Why the changed set cannot be trusted, so everything must run; null when it can. */
  fullReason: string | null;
}

const HARNESS_DIR = '.harness/';

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
async function changedOutside(git: Git, root: string, mergeBase: string): Promise<string | null> {
  const prefix = (await git.raw(['rev-parse', '--show-prefix'])).trim();
  if (prefix === '') return null;
  const everywhere = [
    ...Git.splitZ(await git.raw(['diff', '-z', '--name-only', '--no-renames', mergeBase, '--', ':/'])),
    ...Git.splitZ(await git.raw(['ls-files', '-z', '--others', '--exclude-standard', '--full-name', '--', ':/'])),
  ];
  const outside = [...new Set(everywhere)].filter((p) => !p.startsWith(prefix) && !p.startsWith(HARNESS_DIR)).sort();
  if (outside.length === 0) return null;
  const more = outside.length > 1 ? ` (and ${outside.length - 1} more)` : '';
  return `changed outside ${root} (a subdirectory of its repository; run harness from the top level to scope them): ${JSON.stringify(outside[0])}${more}`;
}

/**
 * Changed files since merge-base(base, HEAD), DESIGN §3. Every case where the answer is unknowable
 * returns fullReason instead of a partial list: the caller runs everything.
 */
export async function resolveChanges(root: string, baseOption: string | null): Promise<Changes> {
  const full = (base: string, reason: string, merge_base: string | null = null): Changes => ({
    base,
    merge_base,
    files: [],
    fullReason: reason,
  });
  if (!existsSync(root)) return full(baseOption ?? 'main', `the directory ${root} does not exist`);
  const git = new Git(root);
  const inside = await git.tryRaw(['rev-parse', '--is-inside-work-tree']);
  if (inside?.trim() !== 'true') return full(baseOption ?? 'main', `${root} is not a git work tree`);
  const base = await chooseBase(git, baseOption);
  const [head, baseCommit] = await Promise.all([git.commitOf('HEAD'), git.commitOf(base)]);
  if (!head) return full(base, 'HEAD has no commit yet (empty repository)');
  if (!baseCommit) return full(base, `base ref "${base}" is unknown (fetch it or pass --base)`);
  const mb = await git.tryRaw(['merge-base', baseCommit, head]);
  if (!mb) {
    const shallow = (await git.tryRaw(['rev-parse', '--is-shallow-repository']))?.trim() === 'true';
    return full(
      base,
      shallow
        ? `shallow clone: no merge-base between "${base}" and HEAD (git fetch --unshallow)`
        : `no merge-base between "${base}" and HEAD (unrelated histories)`,
    );
  }
  const mergeBase = mb.trim();
  try {
    // Independent: run side by side (each walks the whole work tree).
    const [tracked, untracked, outside] = await Promise.all([
      git.raw(['diff', '-z', '--name-only', '--no-renames', '--relative', mergeBase, '--']),
      git.raw(['ls-files', '-z', '--others', '--exclude-standard']),
      changedOutside(git, root, mergeBase),
    ]);
    const files = [...new Set([...Git.splitZ(tracked), ...Git.splitZ(untracked)])].filter((p) => !p.startsWith(HARNESS_DIR)).sort();
    return { base, merge_base: mergeBase, files, fullReason: outside };
  } catch (e) {
    return full(base, `git failed: ${(e as Error).message.trim().split('\n')[0]}`, mergeBase);
  }
}
