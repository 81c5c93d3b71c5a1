import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult, ToolContext } from '../model.js';
import { harnessPath } from '../util/harness-dir.js';
import { locate, type ToolSpec } from './find.js';
import type { Project } from './tsconfig.js';

export const TSC: ToolSpec = { pkg: 'typescript', bin: 'tsc' };
export const TSGO: ToolSpec = { pkg: '@typescript/native-preview', bin: 'tsgo' };

export interface Compiler {
  name: 'tsgo' | 'tsc';
  argv: string[];
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
 * The target's own compilers: tsgo (`@typescript/native-preview`, ~5x faster here) and tsc. Either
 * may be missing; with neither, the answer says what to install.
 */
export function compilers(root: string, fromDir: string): { tsgo: Compiler | null; tsc: Compiler | null } | { missing: string } {
  const go = locate(root, fromDir, TSGO);
  const tsc = locate(root, fromDir, TSC);
  if ('missing' in go && 'missing' in tsc) return { missing: tsc.missing };
  return { tsgo: 'argv' in go ? { name: 'tsgo', argv: go.argv } : null, tsc: 'argv' in tsc ? { name: 'tsc', argv: tsc.argv } : null };
}

/** tsgo rejects options TypeScript 7 removed (baseUrl, target ES5, node10 resolution…) with TS5xxx. */
export function unsupportedByTsgo(diags: readonly Diagnostic[]): Diagnostic | undefined {
  return diags.find((d) => /^TS5\d{3}:/.test(d.text));
}

/**
 * One `--noEmit` compile of a project. Incremental projects keep their buildinfo under
 * `.harness/tsbuildinfo/` (one per tsconfig and compiler, never in the work tree): each run works on a
 * private copy that replaces the shared one atomically, so concurrent runs never read a torn file.
 */
export async function compile(ctx: ToolContext, compiler: Compiler, project: Project): Promise<{ res: ExecResult; diags: Diagnostic[] }> {
  const args: string[] = [];
  let mine: string | null = null;
  let shared: string | null = null;
  if (project.incremental) {
    const dir = harnessPath(ctx.root, 'tsbuildinfo');
    const id = createHash('sha256').update(project.tsconfig).digest('hex').slice(0, 16);
    shared = join(dir, `${compiler.name}-${id}.tsbuildinfo`);
    mine = join(dir, `${compiler.name}-${id}.${randomUUID()}.tmp`);
    mkdirSync(dir, { recursive: true });
    try {
      copyFileSync(shared, mine);
    } catch {
      // no previous build: a full check
    }
    args.push('--incremental', '--tsBuildInfoFile', mine);
  }
  const res = await ctx.exec([...compiler.argv, '--noEmit', '--pretty', 'false', '-p', project.tsconfig, ...args]);
  if (mine !== null && shared !== null) {
    try {
      if (res.aborted || res.code === null) rmSync(mine, { force: true });
      else renameSync(mine, shared);
    } catch {
      rmSync(mine, { force: true }); // a buildinfo that cannot be kept only costs time
    }
  }
  return { res, diags: parseTsc(res.stdout) };
}
