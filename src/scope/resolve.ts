import type { Config } from '../config/types.js';
import type { Changes } from '../diff/changes.js';
import type { FullReason, Scope } from '../model.js';
import { matcher } from '../util/glob.js';
import { edgesOf, reachable } from '../util/graph.js';

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

/** Every scope that must be re-checked when `changed` change: BFS over the reversed dependency edges. */
export function expand(changed: Iterable<string>, config: Config): string[] {
  const dependents = new Map<string, string[]>();
  for (const table of [config.scope.dependencies, config.scope.test_dependencies]) {
    for (const [from, tos] of table) {
      for (const to of tos) dependents.set(to, [...(dependents.get(to) ?? []), from]);
    }
  }
  return [...reachable(changed, edgesOf([dependents]))].sort();
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

/** DESIGN §3: map changed files to scopes, expand through dependents, and fail closed to full mode. */
export function resolveScope(config: Config, changes: Changes): Scope {
  const isIgnored = matcher(config.scope.ignore);
  const isGlobal = matcher(config.scope.global);
  const changedScopes = new Set<string>();
  const globals: string[] = [];
  const unmapped: string[] = [];
  for (const path of changes.files) {
    if (isIgnored(path)) continue;
    if (isGlobal(path)) {
      globals.push(path);
      continue;
    }
    const owner = ownerOf(path, config.scope.path_map);
    if (owner === null) unmapped.push(path);
    else changedScopes.add(owner);
  }
  const reason: FullReason | null =
    changes.full ?? (globals.length > 0 ? { kind: 'global', paths: globals } : null) ?? (unmapped.length > 0 ? { kind: 'unmapped', paths: unmapped } : null);
  return {
    base: changes.base,
    merge_base: changes.merge_base,
    mode: reason ? 'full' : 'scoped',
    full: reason,
    changed_files: changes.files,
    changed_scopes: [...changedScopes].sort(),
    expanded_scopes: reason ? allScopes(config) : expand(changedScopes, config),
  };
}
