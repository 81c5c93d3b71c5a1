import type { FullReason } from '../model.js';

function firstOf(kind: string, paths: readonly string[]): string {
  const more = paths.length > 1 ? ` (and ${paths.length - 1} more)` : '';
  return `${kind}: ${JSON.stringify(paths[0])}${more}`;
}

/** The words for a reason to run everything, as the envelope's `full_reason` shows them. */
export function describeReason(r: FullReason): string {
  switch (r.kind) {
    case 'missing-dir':
      return `the directory ${r.root} does not exist`;
    case 'not-git':
      return `${r.root} is not a git work tree`;
    case 'no-commit':
      return 'HEAD has no commit yet (empty repository)';
    case 'unknown-base':
      return `base ref "${r.base}" is unknown (fetch it or pass --base)`;
    case 'shallow':
      return `shallow clone: no merge-base between "${r.base}" and HEAD (git fetch --unshallow)`;
    case 'unrelated':
      return `no merge-base between "${r.base}" and HEAD (unrelated histories)`;
    case 'git-failed':
      return `git failed: ${r.message}`;
    case 'outside-cwd':
      return firstOf(`changed outside ${r.root} (a subdirectory of its repository; run harness from the top level to scope them)`, r.paths);
    case 'global':
      return `${firstOf('global file changed', r.paths)} (${r.why})`;
    case 'unmapped':
      return firstOf('path matches no scope in [scope.path_map]', r.paths);
  }
}

/** Why a diff-based check cannot answer without a merge-base. */
export function noDiffReason(full: FullReason | null): string {
  return `cannot tell which lines changed: ${full ? describeReason(full) : 'no merge-base'}`;
}
