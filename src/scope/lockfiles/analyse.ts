/**
 * A changed lockfile, resolved (DESIGN §3): read at the merge-base and in the work tree, diffed, and
 * each changed resolved package mapped to the scopes of the workspace packages whose dependency
 * closure holds it. Everything that cannot be told this way fails closed with a named reason.
 * Loaded only when a lockfile changed (scope/lockfile.ts), with the parsers it brings.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCKFILES, type Config } from '../../config/types.js';
import { workspacePackages } from '../../config/workspace.js';
import { Git } from '../../diff/git.js';
import type { FullReason, LockfileSide } from '../../model.js';
import { ownerOf } from '../resolve.js';
import { asObject, diffGraphs, type LockDiff, type LockfileVerdict, type LockGraph } from './graph.js';
import { npmGraph } from './npm.js';
import { pnpmGraph } from './pnpm.js';
import { yarnGraph, type Manifests } from './yarn.js';

/** One version of the repository's files: the merge-base's or the work tree's. */
interface Side {
  side: LockfileSide;
  read(path: string): Promise<string | null>;
}

/** Root package.json fields that change how packages resolve (npm and yarn keep them out of their lockfiles). */
const MANIFEST_SETTINGS = ['overrides', 'resolutions', 'pnpm.overrides', 'pnpm.patchedDependencies', 'pnpm.packageExtensions', 'pnpm.peerDependencyRules'];

const full = (reason: FullReason): LockfileVerdict => ({ scopes: [], full: reason });
const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).trim().split('\n')[0]!.replace(/:$/, '').slice(0, 200);
const manifestPath = (dir: string) => (dir === '' ? 'package.json' : `${dir}/package.json`);

/** The manifests of the root and the workspace packages that exist on a side (yarn v1's importers). */
async function readManifests(side: Side, dirs: readonly string[]): Promise<Manifests> {
  const out = new Map<string, Record<string, unknown>>();
  const texts = await Promise.all(dirs.map((dir) => side.read(manifestPath(dir))));
  dirs.forEach((dir, i) => {
    const text = texts[i];
    if (text === null || text === undefined) return;
    try {
      out.set(dir, asObject(JSON.parse(text), manifestPath(dir)));
    } catch (e) {
      throw new Error(`${manifestPath(dir)}: ${message(e)}`);
    }
  });
  return out;
}

function readGraph(path: string, text: string, side: Side, dirs: readonly string[]): Promise<LockGraph> | LockGraph {
  switch (LOCKFILES[path]) {
    case 'npm':
      return npmGraph(text);
    case 'pnpm':
      return pnpmGraph(text);
    default:
      return yarnGraph(text, () => readManifests(side, dirs));
  }
}

/** The resolution fields of the root package.json that differ between the sides (an unreadable one: none, it is global anyway). */
async function manifestSettings(sides: readonly Side[]): Promise<string[]> {
  const texts = await Promise.all(sides.map((s) => s.read('package.json')));
  const field = (doc: unknown, dotted: string) => dotted.split('.').reduce((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
  try {
    const [before, after] = texts.map((t) => JSON.parse(t ?? '{}') as unknown);
    return MANIFEST_SETTINGS.filter((k) => JSON.stringify(field(before, k)) !== JSON.stringify(field(after, k))).map((k) => `package.json ${k}`);
  } catch {
    return [];
  }
}

/**
 * The scopes the changes reach, or the first change no scope owns. In a workspace the root package's
 * own dependencies are every package's tooling (hoisted binaries, shared configs): no one scope owns them.
 */
function attribute(path: string, diff: LockDiff, config: Config, workspace: boolean): LockfileVerdict {
  const scopeOf = (dir: string) => (dir === '' && workspace ? null : ownerOf(manifestPath(dir), config.scope.path_map));
  const scopes = new Set<string>();
  for (const dir of diff.importers) {
    const scope = scopeOf(dir);
    if (scope === null) return full({ kind: 'lockfile-unattributed', path, importer: dir, packages: [] });
    scopes.add(scope);
  }
  const orphans: string[] = [];
  const unowned = new Map<string, string[]>();
  for (const [label, users] of [...diff.packages].sort(([a], [b]) => a.localeCompare(b))) {
    if (users.size === 0) orphans.push(label);
    for (const dir of users) {
      const scope = scopeOf(dir);
      if (scope === null) unowned.set(dir, [...(unowned.get(dir) ?? []), label]);
      else scopes.add(scope);
    }
  }
  if (orphans.length > 0) return full({ kind: 'lockfile-unattributed', path, importer: null, packages: orphans });
  const [first] = [...unowned].sort(([a], [b]) => a.localeCompare(b));
  if (first) return full({ kind: 'lockfile-unattributed', path, importer: first[0], packages: first[1] });
  return { scopes: [...scopes].sort(), full: null };
}

/** A workspace package a scope owns whose importer the lockfile lacks: its dependencies cannot be told. */
function missingImporter(path: string, config: Config, graph: LockGraph, dirs: readonly string[]): FullReason | null {
  for (const dir of dirs) {
    const scope = ownerOf(manifestPath(dir), config.scope.path_map);
    if (scope !== null && !graph.importers.has(dir)) return { kind: 'lockfile-importer', path, scope, dir };
  }
  return null;
}

/** Both readings of the lockfile as graphs, or the reason one cannot be read. */
async function readBoth(path: string, sides: readonly Side[], dirs: readonly string[]): Promise<LockGraph[] | FullReason> {
  const texts = await Promise.all(sides.map((s) => s.read(path)));
  if (texts[0] === null || texts[1] === null) return { kind: 'lockfile-presence', path, change: texts[0] === null ? 'added' : 'deleted' };
  const graphs: LockGraph[] = [];
  for (const [i, side] of sides.entries()) {
    try {
      graphs.push(await readGraph(path, texts[i]!, side, dirs));
    } catch (e) {
      return { kind: 'lockfile-unparsable', path, side: side.side, message: message(e) };
    }
  }
  return graphs;
}

/** DESIGN §3: the scopes a changed root lockfile reaches, or why everything must run. */
export async function analyseLockfile(root: string, config: Config, mergeBase: string, changedFiles: readonly string[], path: string): Promise<LockfileVerdict> {
  const git = new Git(root);
  const sides: Side[] = [
    { side: 'merge-base', read: (p) => git.showFile(mergeBase, p) },
    { side: 'work tree', read: (p) => readFile(join(root, p), 'utf8').catch(() => null) },
  ];
  let dirs: string[];
  try {
    dirs = ['', ...workspacePackages(root).map((p) => p.dir)];
  } catch (e) {
    return full({ kind: 'lockfile-unparsable', path, side: 'work tree', message: `its workspace packages cannot be listed: ${message(e)}` });
  }
  const graphs = await readBoth(path, sides, dirs);
  if (!Array.isArray(graphs)) return full(graphs);
  const diff = diffGraphs(graphs[0]!, graphs[1]!);
  const settings = [...diff.settings, ...(changedFiles.includes('package.json') ? await manifestSettings(sides) : [])];
  if (settings.length > 0) return full({ kind: 'lockfile-settings', path, settings });
  const missing = missingImporter(path, config, graphs[1]!, dirs.slice(1));
  const workspace = graphs.some((g) => [...g.importers.keys()].some((dir) => dir !== ''));
  return missing ? full(missing) : attribute(path, diff, config, workspace);
}
