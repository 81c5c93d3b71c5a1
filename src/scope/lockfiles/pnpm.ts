/**
 * pnpm-lock.yaml, lockfileVersion 6.0 to 9.0, parsed with the `yaml` package (loaded only here, when
 * a pnpm lockfile changed). Importers are the workspace packages; resolved packages are v9's
 * `snapshots` (with their `packages` metadata) or v6's `packages`, keyed by dependency path
 * (`name@version(peers)`; v6's leading `/` dropped).
 */
import { asObject, depEntries, emptyGraph, type LockGraph, type LockNode } from './graph.js';

const IMPORTER_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];
const PACKAGE_FIELDS = ['dependencies', 'optionalDependencies'];
/** Top-level keys that are the tree, not settings (`time` is publication times; the rest a lockfile without importers). */
const NOT_SETTINGS = new Set(['importers', 'packages', 'snapshots', 'time', 'dependencies', 'devDependencies', 'optionalDependencies', 'dependenciesMeta', 'specifiers']);

const dropSlash = (id: string) => (id.startsWith('/') ? id.slice(1) : id);
/** A dependency path without its peer suffix: `react-dom@18.2.0(react@18.2.0)` → `react-dom@18.2.0`. */
const withoutPeers = (id: string) => (id.indexOf('(') > 0 ? id.slice(0, id.indexOf('(')) : id);

/**
 * The dependency path a `name: reference` entry points at (as pnpm's refToRelative): a version with
 * peers (`1.2.3(react@18.2.0)`) is `name@<ref>`; an alias (`string-width@4.2.3`, v6 `/string-width@4.2.3`)
 * is the reference itself. null for `link:` (a workspace package: another importer).
 */
function refToId(name: string, reference: string, nodes: ReadonlyMap<string, unknown>): string | null {
  if (reference.startsWith('link:')) return null;
  const ref = dropSlash(reference);
  const at = ref.indexOf('@', 1);
  const colon = ref.indexOf(':');
  const paren = ref.indexOf('(');
  const alias = ref.startsWith('@') || (at > 0 && (colon === -1 || at < colon) && (paren === -1 || at < paren));
  const id = alias ? ref : `${name}@${ref}`;
  // v6 keys a `file:` or tarball dependency by the reference alone.
  return [id, ref].find((c) => nodes.has(c)) ?? null;
}

function importerOf(dir: string, entry: Record<string, unknown>, nodes: ReadonlyMap<string, unknown>): LockNode {
  const where = `importers[${JSON.stringify(dir)}]`;
  const deps: string[] = [];
  for (const field of IMPORTER_FIELDS) {
    if (entry[field] === undefined) continue;
    for (const [name, raw] of Object.entries(asObject(entry[field], `${where}.${field}`))) {
      const version = asObject(raw, `${where}.${field}.${name}`).version;
      if (typeof version !== 'string') throw new Error(`${where}.${field}.${name}.version is not a string`);
      const id = refToId(name, version, nodes);
      if (id !== null) deps.push(id);
    }
  }
  return { label: dir, fingerprint: JSON.stringify(entry), deps };
}

/** The resolved packages: v9 snapshots (their metadata in `packages`), else v6 packages. */
function packageEntries(doc: Record<string, unknown>): Map<string, { entry: Record<string, unknown>; meta: unknown }> {
  const packages = doc.packages === undefined ? {} : asObject(doc.packages, '"packages"');
  const v9 = doc.snapshots !== undefined;
  const source = v9 ? asObject(doc.snapshots, '"snapshots"') : packages;
  const out = new Map<string, { entry: Record<string, unknown>; meta: unknown }>();
  for (const [key, raw] of Object.entries(source)) {
    const id = dropSlash(key);
    // An entry without fields is written as `key: {}` (v9 snapshots), or parsed as null from `key:`.
    const entry = raw === null ? {} : asObject(raw, `${v9 ? 'snapshots' : 'packages'}[${JSON.stringify(key)}]`);
    out.set(id, { entry, meta: v9 ? (packages[withoutPeers(id)] ?? null) : null });
  }
  return out;
}

/** Reads a pnpm-lock.yaml (v6 to v9) into a LockGraph; throws on a lockfile it cannot read. */
export async function pnpmGraph(text: string): Promise<LockGraph> {
  const { parse } = await import('yaml');
  const doc = asObject(parse(text, { uniqueKeys: true }), 'the lockfile');
  const version = Number.parseFloat(String(doc.lockfileVersion));
  if (!(version >= 6 && version < 10)) throw new Error(`lockfileVersion ${JSON.stringify(doc.lockfileVersion)} is not supported (6.0 to 9.0 are)`);
  const graph = emptyGraph();
  for (const [key, value] of Object.entries(doc)) if (!NOT_SETTINGS.has(key)) graph.settings.set(key, JSON.stringify(value));
  const entries = packageEntries(doc);
  for (const [id, { entry, meta }] of entries) {
    const deps = depEntries(entry, PACKAGE_FIELDS, id).flatMap(([name, ref]) => refToId(name, ref, entries) ?? []);
    graph.nodes.set(id, { label: withoutPeers(id), fingerprint: JSON.stringify([entry, meta]), deps });
  }
  // A single-project lockfile has no `importers`: its root's dependencies are at the top level.
  const importers = doc.importers === undefined ? { '.': pickImporterFields(doc) } : asObject(doc.importers, '"importers"');
  for (const [dir, raw] of Object.entries(importers)) {
    const key = dir === '.' ? '' : dir.replace(/\/+$/, '');
    graph.importers.set(key, importerOf(key, raw === null ? {} : asObject(raw, `importers[${JSON.stringify(dir)}]`), entries));
  }
  return graph;
}

function pickImporterFields(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => IMPORTER_FIELDS.includes(k) || k === 'dependenciesMeta'));
}
