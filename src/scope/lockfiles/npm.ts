/**
 * npm's package-lock.json / npm-shrinkwrap.json, lockfileVersion 2 and 3: the `packages` map keyed by
 * install location. A location outside node_modules ('' = the root, `packages/app`) is an importer;
 * a dependency resolves as Node does, from the nearest node_modules up the location's ancestors.
 */
import { asObject, depEntries, emptyGraph, type LockGraph, type LockNode } from './graph.js';

const IMPORTER_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const PACKAGE_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];
/** Top-level keys that are not settings: the tree itself, the v1-compatible mirror of it, the root's name. */
const NOT_SETTINGS = new Set(['packages', 'dependencies', 'name', 'version']);

const isImporter = (location: string) => !/(?:^|\/)node_modules\//.test(location);

/** The location `name` resolves to from `from`: `<dir>/node_modules/<name>` for the nearest dir that has it. */
function resolveFrom(packages: Record<string, unknown>, from: string, name: string): string | null {
  for (let dir = from; ; dir = dir.replace(/\/?[^/]*$/, '')) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (Object.hasOwn(packages, candidate)) return candidate;
    if (dir === '') return null;
  }
}

function labelOf(location: string, entry: Record<string, unknown>): string {
  const name = typeof entry.name === 'string' ? entry.name : location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const version = typeof entry.version === 'string' ? entry.version : entry.link === true ? `link:${String(entry.resolved)}` : 'unversioned';
  return `${name}@${version}`;
}

function nodeOf(packages: Record<string, unknown>, location: string, entry: Record<string, unknown>): LockNode {
  const where = `packages[${JSON.stringify(location)}]`;
  const fields = isImporter(location) ? IMPORTER_FIELDS : PACKAGE_FIELDS;
  const deps =
    entry.link === true
      ? [] // a link's target is a directory of its own (a workspace package): its own entry, not this one
      : depEntries(entry, fields, where)
          .map(([name]) => resolveFrom(packages, location, name))
          .filter((l): l is string => l !== null && !isImporter(l));
  return { label: isImporter(location) ? location : labelOf(location, entry), fingerprint: JSON.stringify(entry), deps };
}

/** Reads a package-lock.json (v2/v3) into a LockGraph; throws on a lockfile it cannot read. */
export function npmGraph(text: string): LockGraph {
  const doc = asObject(JSON.parse(text), 'the lockfile');
  if (doc.lockfileVersion !== 2 && doc.lockfileVersion !== 3) {
    throw new Error(`lockfileVersion ${JSON.stringify(doc.lockfileVersion)} is not supported (2 and 3 are)`);
  }
  const packages = asObject(doc.packages, '"packages"');
  const graph = emptyGraph();
  for (const [key, value] of Object.entries(doc)) if (!NOT_SETTINGS.has(key)) graph.settings.set(key, JSON.stringify(value));
  for (const [location, raw] of Object.entries(packages)) {
    const node = nodeOf(packages, location, asObject(raw, `packages[${JSON.stringify(location)}]`));
    (isImporter(location) ? graph.importers : graph.nodes).set(location, node);
  }
  if (!graph.importers.has('')) throw new Error('"packages" has no root entry ("")');
  return graph;
}
