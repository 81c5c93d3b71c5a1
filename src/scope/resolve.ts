import { GLOBAL_FILES, type Config } from '../config/types.js';
import type { Changes } from '../diff/changes.js';
import type { FullReason, Scope, Why } from '../model.js';
import { matcher } from '../util/glob.js';
import { chains, edgesOf, reachable } from '../util/graph.js';
import type { LockfileVerdict } from './lockfiles/graph.js';

/** The scope owning a repo-relative path: longest path_map prefix, found by walking up the path's directories. */
export function ownerOf(path: string, pathMap: Map<string, string>): string | null {
  // A path that is itself a mapped directory (a submodule pointer, a symlinked package) belongs to it.
  const self = pathMap.get(`${path}/`);
  if (self !== undefined) return self;
  let dir = path;
  for (;;) {
    const cut = dir.lastIndexOf('/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
    const hit = pathMap.get(dir === '' ? '' : `${dir}/`);
    if (hit !== undefined) return hit;
    if (dir === '') return null;
  }
}

/** The reverse of an edge table: scope → the scopes whose edges point at it. */
function reversed(table: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [from, tos] of table) for (const to of tos) out.set(to, [...(out.get(to) ?? []), from]);
  return out;
}

/**
 * The scopes to re-check when `changed` change (DESIGN §3): every runtime dependent, transitively; then,
 * one step only, every scope whose tests import one of those (`viaTests`: its test and typecheck run,
 * not its lint, and expansion does not go on from it — its own code did not change). `chain`: for each,
 * one shortest chain of scopes from a changed one to it.
 */
export function expandScopes(changed: Iterable<string>, config: Config): { expanded: string[]; viaTests: string[]; chain: Map<string, string[]> } {
  const chain = chains([...changed].sort(), (s) => [...(reversed(config.scope.dependencies).get(s) ?? [])].sort());
  const testUsers = reversed(config.scope.test_dependencies);
  const viaTests: string[] = [];
  for (const s of [...chain.keys()]) {
    for (const user of [...(testUsers.get(s) ?? [])].sort()) {
      if (chain.has(user)) continue;
      chain.set(user, [...chain.get(s)!, user]);
      viaTests.push(user);
    }
  }
  return { expanded: [...chain.keys()].sort(), viaTests: viaTests.sort(), chain };
}

/** Every scope that must be re-checked when `changed` change, whatever runs in it (see expandScopes). */
export function expand(changed: Iterable<string>, config: Config): string[] {
  return expandScopes(changed, config).expanded;
}

/**
 * The scopes whose code a file of `scope` may import, so that a change there re-checks `scope`: its
 * runtime dependencies (transitively) and, for a test file, also those of each scope its tests use.
 */
export function reachableFrom(config: Config, scope: string, test: boolean): Set<string> {
  const runtime = edgesOf([config.scope.dependencies]);
  const starts = test ? [scope, ...(config.scope.test_dependencies.get(scope) ?? [])] : [scope];
  return reachable(starts, runtime);
}

/** The path_map prefixes of a scope ('' = repo root), sorted. */
export function prefixesOf(config: Config, scope: string): string[] {
  return [...config.scope.path_map].filter(([, s]) => s === scope).map(([p]) => p).sort();
}

/** Prefixes of other scopes nested inside this scope's directories (theirs to check, not this scope's). */
export function nestedPrefixes(config: Config, scope: string): string[] {
  const own = prefixesOf(config, scope);
  return [...config.scope.path_map].filter(([p, s]) => s !== scope && own.some((o) => p.startsWith(o))).map(([p]) => p);
}

/** A scope and every scope it depends on, transitively (through test_dependencies too when asked). */
export function dependencyClosure(config: Config, scope: string, withTests: boolean): string[] {
  const tables = withTests ? [config.scope.dependencies, config.scope.test_dependencies] : [config.scope.dependencies];
  return [...reachable([scope], edgesOf(tables))].sort();
}

export function allScopes(config: Config): string[] {
  return [...new Set(config.scope.path_map.values())].sort();
}

/** The expanded scopes, and why each is in: the first changed file (in path order) of the chain's start. */
function expandedOf(changed: Map<string, string>, config: Config): Pick<Scope, 'expanded_scopes' | 'via_tests' | 'why'> {
  const { expanded, viaTests, chain } = expandScopes(changed.keys(), config);
  const why = Object.fromEntries(
    expanded.map((s) => {
      const via = chain.get(s)!;
      return [s, { file: changed.get(via[0]!)!, via, edge: via.length === 1 ? 'changed' : viaTests.includes(s) ? 'test' : 'dependency' } satisfies Why];
    }),
  );
  return { expanded_scopes: expanded, via_tests: viaTests, why };
}

/** Why a global file is global: the built-in reason, else the user's listing. */
function whyGlobal(path: string): string {
  return GLOBAL_FILES.find((g) => matcher([g.glob])(path))?.why ?? 'listed in [scope] global';
}

/**
 * DESIGN §3: map changed files to scopes, expand through dependents, and fail closed to full mode.
 * `lockfiles`: each changed root lockfile resolved (scope/lockfile.ts) to the scopes it reaches.
 */
export function resolveScope(config: Config, changes: Changes, lockfiles: ReadonlyMap<string, LockfileVerdict> = new Map()): Scope {
  const isIgnored = matcher(config.scope.ignore);
  const isGlobal = matcher(config.scope.global);
  // Each changed scope with its first changed file (changes.files is in path order).
  const changedScopes = new Map<string, string>();
  const globals: string[] = [];
  const unmapped: string[] = [];
  const lockReasons: FullReason[] = [];
  for (const path of changes.files) {
    if (isIgnored(path)) continue;
    const lock = lockfiles.get(path);
    if (lock) {
      if (lock.full) lockReasons.push(lock.full);
      for (const s of lock.scopes) if (!changedScopes.has(s)) changedScopes.set(s, path);
      continue;
    }
    if (isGlobal(path)) {
      globals.push(path);
      continue;
    }
    const owner = ownerOf(path, config.scope.path_map);
    if (owner === null) unmapped.push(path);
    else if (!changedScopes.has(owner)) changedScopes.set(owner, path);
  }
  const reason: FullReason | null =
    changes.full ?? lockReasons[0] ?? (globals.length > 0 ? { kind: 'global', paths: globals, why: whyGlobal(globals[0]!) } : null) ?? (unmapped.length > 0 ? { kind: 'unmapped', paths: unmapped } : null);
  return {
    base: changes.base,
    merge_base: changes.merge_base,
    mode: reason ? 'full' : 'scoped',
    full: reason,
    changed_files: changes.files,
    changed_scopes: [...changedScopes.keys()].sort(),
    ...(reason ? { expanded_scopes: allScopes(config), via_tests: [], why: {} } : expandedOf(changedScopes, config)),
  };
}
