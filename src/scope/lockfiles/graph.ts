/**
 * One shape for every lockfile format (npm, pnpm, yarn): the root-level settings, the workspace
 * importers and the resolved packages with their dependency edges, and the difference between two of
 * them (the merge-base's and the work tree's). Each format's reader (npm.ts, pnpm.ts, yarn.ts) throws
 * on anything it does not understand: the caller fails closed.
 */
import type { FullReason } from '../../model.js';
import { reachable } from '../../util/graph.js';

/** An importer (a workspace package) or a resolved package of a lockfile. */
export interface LockNode {
  /** How the change names it (`name@version`). */
  label: string;
  /** Everything the lockfile records for it (version, integrity, dependencies), as one comparable string. */
  fingerprint: string;
  /** The resolved packages it depends on (node ids; never an importer: workspace links stop here). */
  deps: string[];
}

export interface LockGraph {
  /** Root-level settings that change how every package resolves (overrides, lockfile version…): name → value (JSON). */
  settings: Map<string, string>;
  /** Workspace importers by repo-relative directory ('' = the root package). */
  importers: Map<string, LockNode>;
  /** Resolved packages by the format's own id (npm: install location; pnpm: dependency path; yarn: locator). */
  nodes: Map<string, LockNode>;
}

export function emptyGraph(): LockGraph {
  return { settings: new Map(), importers: new Map(), nodes: new Map() };
}

/** A JSON-like object, or an error naming what was expected. */
export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} is not an object`);
  return value as Record<string, unknown>;
}

/** The `name → range/version` entries of dependency fields (each must be an object of strings). */
export function depEntries(entry: Record<string, unknown>, fields: readonly string[], where: string): [string, string][] {
  const out: [string, string][] = [];
  for (const field of fields) {
    if (entry[field] === undefined) continue;
    for (const [name, value] of Object.entries(asObject(entry[field], `${where}.${field}`))) {
      if (typeof value !== 'string') throw new Error(`${where}.${field}.${name} is not a string`);
      out.push([name, value]);
    }
  }
  return out;
}

/** What changed between two readings of a lockfile. */
export interface LockDiff {
  /** Root-level settings whose value changed (added and removed ones included). */
  settings: string[];
  /** Importers whose own record changed (their direct dependencies or specifiers). */
  importers: string[];
  /** Each changed resolved package (label) → the importers whose dependency closure holds it, on either side. */
  packages: Map<string, Set<string>>;
}

function changedKeys<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>, same: (x: T, y: T) => boolean): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => !(a.has(k) && b.has(k) && same(a.get(k)!, b.get(k)!))).sort();
}

/** For each importer, every resolved package its dependencies reach (transitively). */
function closures(graph: LockGraph): Map<string, Set<string>> {
  const next = (id: string) => graph.nodes.get(id)?.deps ?? [];
  return new Map([...graph.importers].map(([dir, node]) => [dir, reachable(node.deps, next)]));
}

/** The changed settings, importers and resolved packages of `before` → `after`, each package with who reaches it. */
export function diffGraphs(before: LockGraph, after: LockGraph): LockDiff {
  const sameNode = (x: LockNode, y: LockNode) => x.fingerprint === y.fingerprint;
  const settings = changedKeys(before.settings, after.settings, (x, y) => x === y);
  const importers = changedKeys(before.importers, after.importers, sameNode);
  const changed = changedKeys(before.nodes, after.nodes, sameNode);
  const packages = new Map<string, Set<string>>();
  if (changed.length === 0) return { settings, importers, packages };
  const sides = [
    { graph: before, reach: closures(before) },
    { graph: after, reach: closures(after) },
  ];
  for (const id of changed) {
    for (const { graph, reach } of sides) {
      const node = graph.nodes.get(id);
      if (!node) continue;
      const users = packages.get(node.label) ?? new Set<string>();
      for (const [dir, closure] of reach) if (closure.has(id)) users.add(dir);
      packages.set(node.label, users);
    }
  }
  return { settings, importers, packages };
}

/** What a changed lockfile means for scoping: the scopes whose resolved dependencies changed, or why it cannot be told. */
export type LockfileVerdict = { scopes: string[]; full: null } | { scopes: []; full: FullReason };
