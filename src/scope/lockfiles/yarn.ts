/**
 * yarn.lock, both formats. Berry (yarn 2+, `__metadata:`) is YAML, parsed with the `yaml` package
 * (loaded only here): entries keyed by descriptors (`lodash@npm:^4.17.21, …`), each with its locator
 * (`resolution`); workspaces are `name@workspace:<dir>` entries. yarn v1 is not YAML (yarn-v1.ts reads
 * it) and does not list workspaces: their manifests are the importers.
 */
import { asObject, depEntries, emptyGraph, type LockGraph, type LockNode } from './graph.js';
import { parseYarnV1 } from './yarn-v1.js';

/** A workspace package's manifest, by repo-relative directory ('' = the root). */
export type Manifests = ReadonlyMap<string, Record<string, unknown>>;

const MANIFEST_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];
const ENTRY_FIELDS = ['dependencies', 'optionalDependencies'];

/** The package name of a descriptor or locator (`@scope/name@npm:^1.0.0` → `@scope/name`). */
function nameOf(descriptor: string): string {
  const at = descriptor.indexOf('@', 1);
  if (at < 1) throw new Error(`${JSON.stringify(descriptor)} names no package`);
  return descriptor.slice(0, at);
}

const keysOfEntry = (key: string) => key.split(',').map((d) => d.trim()).filter((d) => d !== '');

/** The workspace directory of a `name@workspace:<dir>` locator ('' for `.`), else null. */
function workspaceDir(locator: string): string | null {
  const cut = locator.indexOf('@workspace:', 1);
  if (cut < 0) return null;
  const dir = locator.slice(cut + '@workspace:'.length).replace(/\/+$/, '');
  return dir === '.' ? '' : dir;
}

/** A patch of one's own (`patch:` with a patch file), not one of yarn's built-in compatibility patches. */
const isOwnPatch = (locator: string) => locator.includes('@patch:') && !/#(?:optional!|~)builtin</.test(locator);

/** The locator a patch applies to (`ts@patch:ts@npm%3A5.6.3#…` → `ts@npm:5.6.3`), else null. */
function patchedLocator(locator: string): string | null {
  const m = /^.+?@patch:([^#]+)#/.exec(locator);
  return m ? decodeURIComponent(m[1]!) : null;
}

function berryEntries(doc: Record<string, unknown>): { descriptors: Map<string, string>; entries: Map<string, Record<string, unknown>> } {
  const descriptors = new Map<string, string>();
  const entries = new Map<string, Record<string, unknown>>();
  for (const [key, raw] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const entry = asObject(raw, JSON.stringify(key));
    if (typeof entry.resolution !== 'string') throw new Error(`${JSON.stringify(key)} has no resolution`);
    for (const d of keysOfEntry(key)) descriptors.set(d, entry.resolution);
    entries.set(entry.resolution, entry);
  }
  return { descriptors, entries };
}

/** Reads a yarn berry lockfile into a LockGraph; throws on a lockfile it cannot read. */
async function berryGraph(text: string): Promise<LockGraph> {
  const { parse } = await import('yaml');
  const doc = asObject(parse(text, { uniqueKeys: true }), 'the lockfile');
  const graph = emptyGraph();
  graph.settings.set('format', '"yarn berry"');
  graph.settings.set('__metadata', JSON.stringify(asObject(doc.__metadata, '__metadata')));
  const { descriptors, entries } = berryEntries(doc);
  // A `workspace:` range, or a range that resolved to a workspace, is a link to another importer.
  const resolve = (name: string, range: string) => {
    const locator = range.startsWith('workspace:') ? undefined : (descriptors.get(`${name}@${range}`) ?? descriptors.get(`${name}@npm:${range}`));
    return locator === undefined || workspaceDir(locator) !== null ? [] : [locator];
  };
  for (const [locator, entry] of entries) {
    const deps = depEntries(entry, ENTRY_FIELDS, JSON.stringify(locator)).flatMap(([name, range]) => resolve(name, range));
    // A patched package is the original one plus the patch: reaching it reaches the original entry.
    const original = patchedLocator(locator);
    if (original !== null && entries.has(original)) deps.push(original);
    const dir = workspaceDir(locator);
    const node: LockNode = { label: dir ?? locator.replace(/@npm:/, '@'), fingerprint: JSON.stringify(entry), deps };
    if (dir !== null) graph.importers.set(dir, node);
    else graph.nodes.set(locator, node);
    // A patch file changes what a package is: a root-level setting like overrides.
    if (isOwnPatch(locator)) graph.settings.set(`patch of ${nameOf(locator)}`, JSON.stringify([locator, entry.checksum ?? null]));
  }
  return graph;
}

/** Reads a yarn v1 lockfile (with the workspaces' manifests, its importers) into a LockGraph. */
function v1Graph(text: string, manifests: Manifests): LockGraph {
  const doc = parseYarnV1(text);
  const graph = emptyGraph();
  graph.settings.set('format', JSON.stringify(/^# yarn lockfile (v\d+)\s*$/m.exec(text)?.[1] ?? 'yarn v1'));
  // The reader gives each descriptor of an entry (`a@^1, a@^1.2:`) the same object: one entry, one resolution.
  const ids = new Map<object, string>();
  const descriptors = new Map<string, string>();
  for (const [descriptor, raw] of Object.entries(doc)) {
    const entry = asObject(raw, JSON.stringify(descriptor));
    let id = ids.get(entry);
    if (id === undefined) {
      if (typeof entry.version !== 'string') throw new Error(`${JSON.stringify(descriptor)} has no version`);
      id = `${nameOf(descriptor)}@${entry.version}`;
      // Two entries resolving to one version (from different sources) stay apart.
      if (graph.nodes.has(id)) id = `${id} (${String(entry.resolved)})`;
      ids.set(entry, id);
      graph.nodes.set(id, { label: id, fingerprint: JSON.stringify(entry), deps: [] });
    }
    descriptors.set(descriptor, id);
  }
  const resolve = ([name, range]: [string, string]) => descriptors.get(`${name}@${range}`) ?? [];
  for (const [entry, id] of ids) graph.nodes.get(id)!.deps = depEntries(entry as Record<string, unknown>, ENTRY_FIELDS, id).flatMap(resolve);
  for (const [dir, manifest] of manifests) {
    // A sibling workspace package is linked, not locked: it has no entry (its own importer is the edge's end).
    const deps = depEntries(manifest, MANIFEST_FIELDS, manifestName(dir)).flatMap(resolve);
    graph.importers.set(dir, { label: dir, fingerprint: JSON.stringify(MANIFEST_FIELDS.map((f) => manifest[f] ?? null)), deps });
  }
  return graph;
}

const manifestName = (dir: string) => (dir === '' ? 'package.json' : `${dir}/package.json`);

/** Reads either yarn format; `manifests` (the workspaces' package.json) is read only for yarn v1. */
export async function yarnGraph(text: string, manifests: () => Promise<Manifests>): Promise<LockGraph> {
  return /^__metadata:/m.test(text) ? berryGraph(text) : v1Graph(text, await manifests());
}
