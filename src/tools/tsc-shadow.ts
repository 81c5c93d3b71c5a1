/**
 * Shadow tsconfigs: how a scope is type-checked against its dependencies' CURRENT SOURCE without writing
 * into the user's tree. `tsc -p` on a project with references reads the references' emitted `.d.ts`, so
 * stale or missing outputs would decide the verdict. Instead every project is compiled through a shadow
 * under `.harness/refs/<compiler>/cfg/` that extends the user's tsconfig and sends every output to
 * `.harness/refs/<compiler>/out/`. Each rule below was found by experiment on TypeScript 5.2–7 and tsgo.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { workspacePackages } from '../config/workspace.js';
import { writeAtomic } from '../util/atomic.js';
import { harnessPath } from '../util/harness-dir.js';
import type { Project } from './tsconfig.js';

const posix = (p: string) => p.split('\\').join('/');
const rel = (from: string, to: string) => {
  const r = posix(relative(from, to));
  return r.startsWith('.') ? r : `./${r}`;
};

/** Where one compiler's shadows and outputs live (buildinfo formats differ between compilers and versions). */
export interface ShadowRoot {
  root: string;
  dir: string;
}

/** The shadow area of a compiler, keyed by its name, version and the lockfile (a changed @types must rebuild). */
export function shadowRoot(root: string, compilerId: string): ShadowRoot {
  const lock = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'].map((f) => join(root, f)).find(existsSync);
  const digest = createHash('sha256').update(compilerId).update(lock ? readFileSync(lock) : '').digest('hex').slice(0, 12);
  const dir = harnessPath(root, 'refs', `${compilerId.replace(/[^A-Za-z0-9._-]+/g, '-')}-${digest}`);
  // In use: touched, so that pruning (of areas untouched for an hour) never takes it.
  if (existsSync(dir)) utimesSync(dir, new Date(), new Date());
  else pruneAreas(dirname(dir));
  return { root, dir };
}

/** Old shadow areas (another lockfile, another compiler version) beyond the newest few, untouched for an hour. */
function pruneAreas(refs: string, keep = 4): void {
  try {
    const areas = readdirSync(refs, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => ({ path: join(refs, e.name), t: statSync(join(refs, e.name)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const a of areas.slice(keep)) if (Date.now() - a.t > 3_600_000) rmSync(a.path, { recursive: true, force: true });
  } catch {
    // nothing to prune yet
  }
}

/** The directory TypeScript takes as rootDir when none is set: the common directory of the project's source files. */
function commonDir(p: Project): string {
  const sources = [...p.files].filter((f) => !/\.d\.[cm]?ts$/.test(f)).map((f) => dirname(f).split('/'));
  if (sources.length === 0) return dirname(p.tsconfig);
  let common = sources[0]!;
  for (const parts of sources.slice(1)) {
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('/') || '/';
}

/**
 * Workspace packages whose `types` (or `exports["."].types`) point into a project's output directory,
 * mapped back to their source file: a shadow resolves them to source, never to a stale build.
 */
export function builtTypes(root: string, projects: readonly Project[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pkg of workspacePackages(root)) {
    const m = pkg.manifest as { types?: unknown; typings?: unknown; exports?: unknown };
    const dot = typeof m.exports === 'object' && m.exports !== null ? (m.exports as Record<string, unknown>)['.'] : undefined;
    const types = [m.types, m.typings, typeof dot === 'object' && dot !== null ? (dot as Record<string, unknown>).types : undefined].find((t) => typeof t === 'string');
    if (typeof types !== 'string' || !types.endsWith('.d.ts')) continue;
    const abs = resolve(root, pkg.dir, types);
    for (const p of projects) {
      for (const outDir of [p.options.declarationDir, p.options.outDir].filter((d): d is string => typeof d === 'string')) {
        const r = relative(outDir, abs);
        if (r.startsWith('..') || isAbsolute(r)) continue;
        const stem = join(p.options.rootDir ?? commonDir(p), r.replace(/\.d\.[cm]?ts$/, ''));
        const source = ['.ts', '.tsx', '.mts', '.cts'].map((e) => stem + e).find(existsSync);
        if (source) out[pkg.name] = posix(source);
      }
    }
  }
  return out;
}

/**
 * A shadow plays one of two roles: a dependency (built with `tsc -b`: it emits its declarations) or the
 * project being checked (`tsc -p`, nothing emitted: a declaration error is only the dependency's to
 * report, as in the user's own build). Each role has its own shadow, outputs and buildinfo.
 */
export type Role = 'dep' | 'leaf';

function outOf(area: ShadowRoot, tsconfig: string, role: Role): string {
  return join(area.dir, `out-${role}`, relative(area.root, tsconfig).replace(/\.json$/, ''));
}

export function leafBuildinfo(area: ShadowRoot, tsconfig: string): string {
  return `${outOf(area, tsconfig, 'leaf')}.tsbuildinfo`;
}

/** The shadow config of a user tsconfig in a role (absolute path). */
export function shadowPath(area: ShadowRoot, tsconfig: string, role: Role): string {
  return join(area.dir, `cfg-${role}`, relative(area.root, tsconfig));
}

/** Does a project need shadows: references, or a dependency (in its package's manifest) whose types are built output? */
export function needsShadow(project: Project, sources: Record<string, string>): boolean {
  if (project.references.length > 0) return true;
  const names = Object.keys(sources);
  if (names.length === 0) return false;
  for (let dir = dirname(project.tsconfig); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
      return names.some((n) => ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((f) => m[f]?.[n] !== undefined));
    }
    if (dirname(dir) === dir) return false;
  }
}

/** The transitive references of a project, as projects (solution configs are walked through, not built). */
export function referenceClosure(project: Project, byPath: ReadonlyMap<string, Project>): Project[] {
  const seen = new Map<string, Project>();
  const visit = (p: Project) => {
    for (const r of p.references) {
      const ref = byPath.get(r);
      if (!ref || seen.has(r) || r === project.tsconfig) continue;
      seen.set(r, ref);
      visit(ref);
    }
  };
  visit(project);
  return [...seen.values()].filter((p) => p.files.size > 0);
}

/**
 * Write (only when its text changes: `tsc -b` takes a newer config as out of date) the shadow of one
 * project in a role: it extends the user's tsconfig, lists exactly the files the user's config compiles
 * (so `extends`, `${configDir}` and default includes mean what they mean there), and writes only under
 * the shadow area (a dependency its declarations, the checked project nothing but its buildinfo).
 */
export function writeShadow(area: ShadowRoot, project: Project, byPath: ReadonlyMap<string, Project>, sources: Record<string, string>, role: Role): string {
  const path = shadowPath(area, project.tsconfig, role);
  const here = dirname(path);
  const out = outOf(area, project.tsconfig, role);
  const o = project.options;
  const paths = Object.fromEntries(Object.entries(o.paths ?? {}).map(([k, v]) => [k, v.map((x) => posix(resolve(project.pathsBase, x)))]));
  const compilerOptions: Record<string, unknown> = {
    outDir: rel(here, out),
    tsBuildInfoFile: rel(here, `${out}.tsbuildinfo`),
    // The repo root: a file outside rootDir would be emitted next to its source, into the user's tree.
    rootDir: rel(here, area.root),
    ...(o.declarationDir ? { declarationDir: rel(here, out) } : {}),
    ...(role === 'dep' ? { declaration: true, emitDeclarationOnly: true, noEmit: false } : { noEmit: true, emitDeclarationOnly: false }),
    declarationMap: false,
    sourceMap: false,
    inlineSourceMap: false,
    inlineSources: false,
    ...(o.composite ? {} : { incremental: true }),
    ...(o.typeRoots ? { typeRoots: o.typeRoots.map(posix) } : {}),
    // A shadow's paths replace the user's: restate theirs (absolute) beside the package → source entries.
    ...(Object.keys(paths).length + Object.keys(sources).length > 0 ? { paths: { ...paths, ...Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, [v]])) } } : {}),
  };
  // Transitive: TypeScript 5.x/6 `tsc -b` misses a change two references away when the middle's .d.ts stays the same.
  const references = referenceClosure(project, byPath).map((r) => ({ path: rel(here, shadowPath(area, r.tsconfig, 'dep')) }));
  const json = {
    extends: rel(here, project.tsconfig),
    compilerOptions,
    files: [...project.files].sort().map(posix),
    // Never an empty `references`: it hides TS18003 (a program with no input would pass).
    ...(references.length > 0 ? { references } : {}),
  };
  const text = `${JSON.stringify(json, null, 2)}\n`;
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeAtomic(path, text);
  return path;
}

/** A shadow config path in a diagnostic → the user's tsconfig it stands for; any other path unchanged. */
export function userPath(area: ShadowRoot, path: string): string {
  const abs = resolve(area.root, path);
  for (const role of ['dep', 'leaf'] as const) {
    const cfg = join(area.dir, `cfg-${role}`);
    if (abs.startsWith(`${cfg}/`)) return join(area.root, relative(cfg, abs));
  }
  return abs;
}
