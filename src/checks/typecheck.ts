import { join, resolve } from 'node:path';
import { workTreeFiles } from '../diff/files.js';
import { dependencyClosure, ownerOf, prefixesOf } from '../scope/resolve.js';
import { toolError, type Check, type CheckContext, type CheckResult } from './check.js';
import { isCode } from './imports.js';
import { nearest, repoPath, toolArgv } from './tools.js';
import { projectsFor } from './tsconfig.js';

interface Diagnostic {
  path: string | null;
  line: number;
  col: number;
  text: string;
}

/** Parse `tsc --pretty false` output: `file(line,col): error TSnnnn: message`, indented continuation lines. */
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
 * typecheck:<scope> — the target's own tsc (`--noEmit`) on each tsconfig project that compiles the
 * scope's files. A finding in another scope's file is left to that scope's typecheck only when it is
 * in this run and compiles the very same tsconfig (so it sees the same diagnostic); otherwise it is
 * reported here. A non-zero exit is never a pass.
 */
export function typecheckCheck(scope: string): Check {
  return {
    id: `typecheck:${scope}`,
    cost: 3,
    cacheInputs: (config) => ({ prefixes: dependencyClosure(config, scope, false).flatMap((s) => prefixesOf(config, s)), tool: 'typescript' }),
    async run(ctx: CheckContext): Promise<CheckResult> {
      const map = ctx.config.scope.path_map;
      const dirs = prefixesOf(ctx.config, scope).map((p) => join(ctx.root, p));
      const files = (await workTreeFiles(ctx.root)).filter((f) => isCode(f) && /\.[cm]?tsx?$/.test(f) && ownerOf(f, map) === scope);
      if (files.length === 0) return { status: 'skipped', details: [`scope ${scope} has no TypeScript file`] };
      const { projects, uncovered } = projectsFor(ctx.root, dirs, files.map((f) => join(ctx.root, f)));
      if (projects.length === 0) {
        const where = uncovered.map((u) => repoPath(ctx.root, u) || '.').join(', ');
        return { status: 'error', details: [`no tsconfig compiles the files of scope ${scope} (looked at ${where})`] };
      }
      const tool = toolArgv(ctx.root, dirs[0]!, 'typescript', 'tsc');
      if ('missing' in tool) return { status: 'error', details: [tool.missing] };
      const sameConfig = (owner: string, tsconfig: string) =>
        ctx.planned.has(`typecheck:${owner}`) && prefixesOf(ctx.config, owner).some((p) => nearest(ctx.root, join(ctx.root, p), ['tsconfig.json']) === tsconfig);
      const details: string[] = [];
      for (const project of projects) {
        const res = await ctx.exec([...tool.argv, '--noEmit', '--pretty', 'false', '-p', project.tsconfig, ...project.args]);
        if (res.aborted) return { status: 'error', details: ['tsc was interrupted'] };
        const diags = parseTsc(res.stdout);
        if (res.code === 0 && diags.length === 0) continue;
        if (res.code === 0 || res.code === null || diags.length === 0) {
          return toolError('tsc', res, diags.length ? 'printed errors but exited 0' : 'failed without a parsable diagnostic');
        }
        for (const d of diags) {
          const path = d.path === null ? null : repoPath(ctx.root, resolve(ctx.root, d.path));
          const owner = path === null ? null : ownerOf(path, map);
          if (owner !== null && owner !== scope && sameConfig(owner, project.tsconfig)) continue;
          details.push(path === null ? `${repoPath(ctx.root, project.tsconfig)}: ${d.text}` : `${path}:${d.line}:${d.col} ${d.text}`);
        }
      }
      return details.length > 0 ? { status: 'fail', details } : { status: 'pass', details: [] };
    },
  };
}
