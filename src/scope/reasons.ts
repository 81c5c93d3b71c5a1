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
    default:
      return describeLockfileReason(r);
  }
}

type LockfileReason = Extract<FullReason, { kind: `lockfile-${string}` }>;

/** The words for a changed lockfile that cannot be resolved to scopes (DESIGN §3). */
function describeLockfileReason(r: LockfileReason): string {
  const listed = (items: readonly string[]) => `${JSON.stringify(items[0])}${items.length > 1 ? ` (and ${items.length - 1} more)` : ''}`;
  switch (r.kind) {
    case 'lockfile-unparsable':
      return `lockfile ${r.path} cannot be parsed (${r.side}): ${r.message}`;
    case 'lockfile-presence':
      return `lockfile ${r.path} was ${r.change} since the merge-base: every resolved package is new or gone`;
    case 'lockfile-settings':
      return `lockfile ${r.path}: root resolution settings changed (${r.settings.join(', ')}): any package may resolve differently`;
    case 'lockfile-importer':
      return `lockfile ${r.path} has no entry for ${r.dir} (scope "${r.scope}"): which packages it resolves cannot be told`;
    case 'lockfile-unattributed':
      if (r.importer === null) return `lockfile ${r.path}: no workspace package depends on the changed package ${listed(r.packages)}`;
      // The root package's dependencies are the workspace's shared tooling (or what no one scope owns).
      if (r.importer === '') {
        const what = r.packages.length === 0 ? "the root package's direct dependencies changed" : `the changed package ${listed(r.packages)} is a dependency of the root package`;
        return `lockfile ${r.path}: ${what}: it reaches every scope`;
      }
      if (r.packages.length === 0) return `lockfile ${r.path}: the direct dependencies of ${r.importer} changed, and no scope owns it`;
      return `lockfile ${r.path}: the changed package ${listed(r.packages)} is a dependency of ${r.importer}, which no scope owns`;
  }
}

/** Why a diff-based check cannot answer without a merge-base. */
export function noDiffReason(full: FullReason | null): string {
  return `cannot tell which lines changed: ${full ? describeReason(full) : 'no merge-base'}`;
}
