import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult, ToolContext } from '../model.js';
import { harnessPath } from '../util/harness-dir.js';
import { withLock } from '../util/lock.js';
import { findPackage, locate, packageVersion, type ToolSpec } from './find.js';
import { leafBuildinfo, needsShadow, referenceClosure, shadowRoot, userPath, writeShadow } from './tsc-shadow.js';
import type { Project } from './tsconfig.js';

export const TSC: ToolSpec = { pkg: 'typescript', bin: 'tsc' };
export const TSGO: ToolSpec = { pkg: '@typescript/native-preview', bin: 'tsgo' };

export interface Compiler {
  name: 'tsgo' | 'tsc';
  argv: string[];
  /** The native compiler (tsgo, or TypeScript 7's tsc): it rejects the options TypeScript 7 removed. */
  native: boolean;
  /** The major version of the TypeScript it is (7 for tsgo). */
  major: number;
  /** Its package's version (names its private build outputs). */
  version: string;
}

export interface Diagnostic {
  path: string | null;
  line: number;
  col: number;
  text: string;
}

/** Parse `tsc`/`tsgo --pretty false` output: `file(line,col): error TSnnnn: message`, indented continuation lines. */
export function parseTsc(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    const located = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
    const global = /^error (TS\d+: .*)$/.exec(line);
    if (located) out.push({ path: located[1]!, line: +located[2]!, col: +located[3]!, text: located[4]! });
    else if (global) out.push({ path: null, line: 0, col: 0, text: global[1]! });
    else if (/^\s+\S/.test(line) && out.length > 0) out[out.length - 1]!.text += ` ${line.trim()}`;
  }
  return out;
}

/**
 * The target's own compilers, fastest first: TypeScript 7's tsc (native: the release, nothing to fall
 * back to), else tsgo (`@typescript/native-preview`, ~5x faster than tsc 6 here) with the JS tsc behind
 * it for tsconfigs tsgo rejects, else tsc alone. With none, the answer says what to install.
 */
export function compilers(root: string, fromDir: string): Compiler[] | { missing: string } {
  const go = locate(root, fromDir, TSGO);
  const tsc = locate(root, fromDir, TSC);
  const versionOf = (pkg: string) => {
    const dir = findPackage(root, fromDir, pkg);
    return dir ? packageVersion(dir) : '0';
  };
  const version = versionOf(TSC.pkg);
  const major = Number(version.split('.')[0]);
  if ('argv' in tsc && major >= 7) return [{ name: 'tsc', argv: tsc.argv, native: true, major, version }];
  const list: Compiler[] = [];
  if ('argv' in go) list.push({ name: 'tsgo', argv: go.argv, native: true, major: 7, version: versionOf(TSGO.pkg) });
  if ('argv' in tsc) list.push({ name: 'tsc', argv: tsc.argv, native: false, major, version });
  if (list.length === 0 && 'missing' in tsc) return { missing: tsc.missing };
  return list;
}

/** A native compiler rejects the options TypeScript 7 removed (baseUrl, target ES5, node10 resolution…) with TS5xxx, and `target: ES3` / `module: none` with TS6046. */
export function unsupportedByNative(diags: readonly Diagnostic[]): Diagnostic | undefined {
  return diags.find((d) => /^TS(?:5\d{3}|6046):/.test(d.text));
}

/** A private buildinfo for one compile: the shared one copied in (reused), or none (a full check). */
function privateBuildinfo(ctx: ToolContext, compiler: Compiler, project: Project, reuse: boolean): { mine: string; shared: string } {
  const dir = harnessPath(ctx.root, 'tsbuildinfo');
  const id = createHash('sha256').update(project.tsconfig).digest('hex').slice(0, 16);
  const shared = join(dir, `${compiler.name}-${id}.tsbuildinfo`);
  const mine = join(dir, `${compiler.name}-${id}.${randomUUID()}.tmp`);
  mkdirSync(dir, { recursive: true });
  try {
    if (reuse) copyFileSync(shared, mine);
  } catch {
    // no previous build: a full check
  }
  return { mine, shared };
}

/**
 * One `--noEmit` compile of a project (`--emitDeclarationOnly false` beside it when the config sets it:
 * TypeScript < 5.6 rejects the pair, TS5053). The JS compiler keeps an incremental buildinfo under
 * `.harness/tsbuildinfo/` (one per tsconfig and compiler, never in the work tree; each run works on a
 * private copy that replaces the shared one atomically). The native compilers (tsgo, TypeScript 7) reuse
 * none: their incremental check misses a change to a global declaration (measured: a stale green). A
 * composite or incremental config still gets a private buildinfo path: its own would go to its outDir.
 */
export async function compilePlain(ctx: ToolContext, compiler: Compiler, project: Project): Promise<{ res: ExecResult; diags: Diagnostic[] }> {
  const args: string[] = project.options.emitDeclarationOnly ? ['--emitDeclarationOnly', 'false'] : [];
  const own = project.options.incremental === true || project.options.composite === true;
  const info = (project.incremental && !compiler.native) || own ? privateBuildinfo(ctx, compiler, project, !compiler.native) : null;
  if (info) args.push(...(compiler.native ? [] : ['--incremental']), '--tsBuildInfoFile', info.mine);
  const res = await ctx.exec([...compiler.argv, '--noEmit', '--pretty', 'false', '-p', project.tsconfig, ...args]);
  if (info) {
    try {
      if (res.aborted || res.code === null || compiler.native) rmSync(info.mine, { force: true });
      else renameSync(info.mine, info.shared);
    } catch {
      rmSync(info.mine, { force: true }); // a buildinfo that cannot be kept only costs time
    }
  }
  return { res, diags: parseTsc(res.stdout) };
}

/** What a shadowed compile needs to know of the repository: every project by path, and the package → source map. */
export interface CompileEnv {
  byPath: ReadonlyMap<string, Project>;
  sources: Record<string, string>;
}

/** Several runs as one result: the first failing exit, everything they printed. */
function combined(runs: readonly ExecResult[]): ExecResult {
  const failed = runs.find((r) => r.code !== 0) ?? runs.at(-1)!;
  return { ...failed, stdout: runs.map((r) => r.stdout).join('\n'), aborted: runs.some((r) => r.aborted), spawnError: runs.find((r) => r.spawnError)?.spawnError ?? null };
}

/**
 * A project whose dependencies are other projects' outputs (references) or built `types` entries,
 * checked against their current source: the dependencies' declarations are built (`tsc -b`) from their
 * shadows into `.harness/refs/`, then the project itself is checked from its shadow (`tsc -p`, which
 * re-verifies every file: a single `tsc -b` misses a change to a file a non-composite leaf only imports
 * on TypeScript 5 and 6). One build at a time per compiler, across processes: the outputs are shared.
 */
export async function compileShadowed(ctx: ToolContext, compiler: Compiler, project: Project, env: CompileEnv): Promise<{ res: ExecResult; diags: Diagnostic[] }> {
  const area = shadowRoot(ctx.root, `${compiler.name}-${compiler.version}`);
  const runs = await withLock(`${area.dir}.lock`, ctx.signal, async () => {
    const deps = referenceClosure(project, env.byPath).map((d) => writeShadow(area, d, env.byPath, env.sources, 'dep'));
    const leaf = writeShadow(area, project, env.byPath, env.sources, 'leaf');
    // The native compilers' incremental check misses a global declaration's change: re-check the project whole.
    if (compiler.native) rmSync(leafBuildinfo(area, project.tsconfig), { force: true });
    const out: ExecResult[] = [];
    if (deps.length > 0) out.push(await ctx.exec([...compiler.argv, '-b', '--pretty', 'false', ...deps]));
    if (!out.some((r) => r.aborted)) out.push(await ctx.exec([...compiler.argv, '-p', leaf, '--pretty', 'false']));
    return out;
  }).catch((e: unknown): ExecResult[] => {
    // Stopped while waiting for the lock (budget, interrupt): nothing ran. Anything else is harness's own error.
    if (!ctx.signal.aborted) throw e;
    return [{ code: null, signal: null, stdout: '', stdoutTruncated: false, tail: '', aborted: true, spawnError: null }];
  });
  const seen = new Set<string>();
  const own = outsideRootDir(project);
  const diags = [...own, ...parseTsc(runs.map((r) => r.stdout).join('\n'))]
    .map((d) => (d.path === null ? d : { ...d, path: userPath(area, d.path) }))
    .filter((d) => !seen.has(`${d.path}:${d.line}:${d.col}:${d.text}`) && seen.add(`${d.path}:${d.line}:${d.col}:${d.text}`));
  const res = combined(runs);
  // The rule harness checks for the compiler fails the compile as the compiler itself would.
  return { res: own.length > 0 && res.code === 0 ? { ...res, code: 2 } : res, diags };
}

/**
 * The shadow puts rootDir at the repository root (so no output can land in the user's tree), which would
 * hide the user's own TS6059: a root file outside the rootDir the user set is reported as tsc reports it.
 */
function outsideRootDir(project: Project): Diagnostic[] {
  const rootDir = project.options.rootDir;
  if (!rootDir) return [];
  const inside = (f: string) => f.startsWith(rootDir.endsWith('/') ? rootDir : `${rootDir}/`);
  return [...project.files]
    .filter((f) => !/\.d\.[cm]?ts$/.test(f) && !inside(f))
    .map((f) => ({ path: project.tsconfig, line: 1, col: 1, text: `TS6059: File '${f}' is not under 'rootDir' '${rootDir}'. 'rootDir' is expected to contain all source files.` }));
}

/** Compile a project the way its layout needs: plainly, or through shadows when it depends on built outputs. */
export function compile(ctx: ToolContext, compiler: Compiler, project: Project, env: CompileEnv): Promise<{ res: ExecResult; diags: Diagnostic[] }> {
  const shadowed = needsShadow(project, env.sources);
  return shadowed ? compileShadowed(ctx, compiler, project, env) : compilePlain(ctx, compiler, project);
}
