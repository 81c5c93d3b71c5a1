import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pruneJson, writeAtomic } from '../util/atomic.js';
import { harnessDir, harnessPath } from '../util/harness-dir.js';
import { HARNESS_VERSION } from '../version.js';
import type * as TsMorph from 'ts-morph';
import { loadTs } from './source.js';

/** A tsconfig as a project: what it compiles and the options that decide how harness runs it. */
export interface Project {
  /** Absolute path of the tsconfig. */
  tsconfig: string;
  /** Absolute paths of the files it compiles. */
  files: Set<string>;
  /** False when the tsconfig says `incremental: false`: then no buildinfo is kept for it. */
  incremental: boolean;
  /** A composite project, or one with references: its dependencies are other projects' outputs. */
  build: boolean;
  /** Absolute tsconfig paths of its project references. */
  references: string[];
  options: TsMorph.ts.CompilerOptions;
  /** The directory its `paths` are relative to (baseUrl, else the config that set them). */
  pathsBase: string;
}

interface Parsed {
  project: Project;
  /** The tsconfig itself says what it compiles (include, files or references), not only its bases. */
  ownInputs: boolean;
  /** The configs it extends by relative path, absolute. */
  extends: string[];
}

const TSCONFIG = /^tsconfig(?:\..+)?\.json$/;

/** Is a repo-relative path named like a tsconfig (`tsconfig.json`, `tsconfig.lib.json`, …)? */
export function isTsconfig(path: string): boolean {
  return TSCONFIG.test(basename(path));
}

const asConfig = (abs: string) => (abs.endsWith('.json') ? abs : join(abs, 'tsconfig.json'));

function parse(tsconfig: string): Parsed {
  const ts = loadTs();
  const read = ts.readConfigFile(tsconfig, (p) => ts.sys.readFile(p));
  const raw = (read.config ?? {}) as { include?: unknown; files?: unknown; references?: unknown; extends?: unknown };
  const parsed = ts.parseJsonConfigFileContent(raw, ts.sys, dirname(tsconfig), undefined, tsconfig);
  const references = (parsed.projectReferences ?? []).map((r) => asConfig(resolve(dirname(tsconfig), r.path)));
  const o = parsed.options;
  const project: Project = {
    tsconfig,
    files: new Set(parsed.fileNames.map((f) => resolve(f))),
    incremental: o.incremental !== false || o.composite === true,
    build: o.composite === true || references.length > 0,
    references,
    options: o,
    pathsBase: o.baseUrl ?? (o as { pathsBasePath?: string }).pathsBasePath ?? dirname(tsconfig),
  };
  const ext = (Array.isArray(raw.extends) ? raw.extends : [raw.extends]).filter((e): e is string => typeof e === 'string' && e.startsWith('.'));
  return { project, ownInputs: raw.include !== undefined || raw.files !== undefined || raw.references !== undefined, extends: ext.map((e) => resolve(dirname(tsconfig), e.endsWith('.json') ? e : `${e}.json`)) };
}

const memo = new Map<string, Project[]>();

/**
 * The parsed projects of a repository kept on disk (`.harness/cache/tsconfig/`), keyed by every
 * tsconfig's text and the list of files git knows: an edit inside existing files reuses them, so
 * TypeScript's API need not even load. A file added or removed, or a tsconfig edited, parses again.
 */
function diskKey(root: string, repoFiles: readonly string[]): string {
  const h = createHash('sha256').update(`${HARNESS_VERSION}\0${root}\0`);
  for (const f of repoFiles) h.update(`${f}\0`);
  for (const f of repoFiles.filter(isTsconfig)) h.update(readFileSync(join(root, f)));
  return h.digest('hex').slice(0, 32);
}

type Stored = { projects: (Omit<Project, 'files'> & { files: string[] })[]; inputs: Record<string, string> };

const sha = (path: string) => {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
};

/** A stored parse, if every config it read beyond the key (a base named otherwise, `configs/base.json`) is unchanged. */
function fromDisk(path: string): Project[] | null {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Stored;
    if (Object.entries(data.inputs).some(([f, h]) => sha(f) !== h)) return null;
    return data.projects.map((p) => ({ ...p, files: new Set(p.files) }));
  } catch {
    return null;
  }
}

function toDisk(root: string, path: string, projects: readonly Project[], read: readonly string[]): void {
  try {
    const dir = harnessDir(root, 'cache', 'tsconfig');
    const stored: Stored = { projects: projects.map((p) => ({ ...p, files: [...p.files] })), inputs: Object.fromEntries(read.map((f) => [f, sha(f)])) };
    writeAtomic(path, JSON.stringify(stored));
    pruneJson(dir, 8);
  } catch {
    // a cache that cannot be written only costs time
  }
}

/**
 * Every tsconfig project of the repository: the git-known files named `tsconfig*.json` and the configs
 * their references name, parsed once per process. A config that others extend and that lists no
 * files of its own (`tsconfig.base.json`) is a base, not a project: compiled alone it would take every
 * file under its directory.
 */
export function repoProjects(root: string, repoFiles: readonly string[]): Project[] {
  const key = diskKey(root, repoFiles);
  const stored = harnessPath(root, 'cache', 'tsconfig', `${key}.json`);
  const hit = memo.get(key) ?? fromDisk(stored);
  if (hit) return memo.set(key, hit).get(key)!;
  const parsed = new Map<string, Parsed>();
  const queue = repoFiles.filter(isTsconfig).map((f) => join(root, f));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (parsed.has(next)) continue;
    let p: Parsed;
    try {
      p = parse(next);
    } catch {
      continue; // a reference to a config that does not exist: the compiler reports it
    }
    parsed.set(next, p);
    queue.push(...p.project.references);
  }
  const extended = new Set([...parsed.values()].flatMap((p) => p.extends));
  const projects = [...parsed.values()].filter((p) => !(extended.has(p.project.tsconfig) && !p.ownInputs)).map((p) => p.project);
  memo.set(key, projects);
  toDisk(root, stored, projects, [...parsed.values()].flatMap((p) => p.extends));
  return projects;
}

/** The projects that compile at least one of `files` (absolute paths). */
export function projectsCovering(projects: readonly Project[], files: readonly string[]): Project[] {
  return projects.filter((p) => files.some((f) => p.files.has(f)));
}
