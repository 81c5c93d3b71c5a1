import { join, resolve } from 'node:path';
import { ownerOf, prefixesOf } from '../scope/resolve.js';
import { toolError, type Check, type CheckContext, type CheckResult } from './check.js';
import { nearest, repoPath, toolArgv } from './tools.js';

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
 * typecheck:<scope> — the target's own tsc with the nearest tsconfig.json of each scope directory.
 * Findings in files of another scope whose typecheck is in this run are left to that check;
 * any other finding is reported here (a dependency's or unmapped file's error is still an error).
 */
export function typecheckCheck(scope: string): Check {
  return {
    id: `typecheck:${scope}`,
    cost: 3,
    async run(ctx: CheckContext): Promise<CheckResult> {
      const dirs = prefixesOf(ctx.config, scope).map((p) => join(ctx.root, p));
      const configs = [...new Set(dirs.map((d) => nearest(ctx.root, d, ['tsconfig.json'])))];
      if (configs.includes(null)) {
        return { status: 'error', details: [`no tsconfig.json in or above ${repoPath(ctx.root, dirs[0]!) || '.'}`] };
      }
      const tool = toolArgv(ctx.root, dirs[0]!, 'typescript', 'tsc');
      if ('missing' in tool) return { status: 'error', details: [tool.missing] };
      const details: string[] = [];
      for (const tsconfig of configs as string[]) {
        const res = await ctx.exec([...tool.argv, '--noEmit', '--pretty', 'false', '-p', tsconfig]);
        if (res.aborted) return { status: 'error', details: ['tsc was interrupted'] };
        const diags = parseTsc(res.stdout);
        if (res.code === 0 && diags.length === 0) continue;
        if (res.code === 0 || res.code === null || diags.length === 0) {
          return toolError('tsc', res, diags.length ? 'printed errors but exited 0' : 'failed without a parsable diagnostic');
        }
        for (const d of diags) {
          const path = d.path === null ? null : repoPath(ctx.root, resolve(ctx.root, d.path));
          const owner = path === null ? null : ownerOf(path, ctx.config.scope.path_map);
          if (owner !== null && owner !== scope && ctx.planned.has(`typecheck:${owner}`)) continue;
          details.push(path === null ? `${repoPath(ctx.root, tsconfig)}: ${d.text}` : `${path}:${d.line}:${d.col} ${d.text}`);
        }
      }
      return details.length > 0 ? { status: 'fail', details } : { status: 'pass', details: [] };
    },
  };
}
