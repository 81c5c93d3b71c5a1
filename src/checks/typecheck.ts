import { join, resolve } from 'node:path';
import { workTreeFiles } from '../diff/files.js';
import type { Finding } from '../model.js';
import { isCode } from '../scope/classify.js';
import { dependencyClosure, ownerOf, prefixesOf } from '../scope/resolve.js';
import { nearest, repoPath } from '../tools/find.js';
import { compile, compilers, unsupportedByTsgo } from '../tools/tsc.js';
import { projectsFor } from '../tools/tsconfig.js';
import { errorResult, toolError, verdict, type Check, type CheckContext } from './check.js';

/**
 * typecheck:<scope> — the target's own compiler (`--noEmit`; tsgo when installed and the tsconfig is one
 * it supports, else tsc) on each tsconfig project that compiles the scope's files. A finding in another
 * scope's file is left to that scope's typecheck only when it is in this run and compiles the very same
 * tsconfig (so it sees the same diagnostic); otherwise it is reported here. A non-zero exit is never a pass.
 */
export function typecheckCheck(scope: string): Check {
  return {
    id: `typecheck:${scope}`,
    cost: 3,
    // Which other typechecks run decides which diagnostics this one leaves to them: part of the key.
    cacheInputs: (config, planned) => ({
      // tsconfigs usually compile the tests too: the test dependencies are inputs.
      prefixes: dependencyClosure(config, scope, true).flatMap((s) => prefixesOf(config, s)),
      tools: ['typescript', '@typescript/native-preview'],
      ignored: true,
      variant: [...planned].filter((id) => id.startsWith('typecheck:')).sort().join(','),
    }),
    async run(ctx: CheckContext) {
      const map = ctx.config.scope.path_map;
      const dirs = prefixesOf(ctx.config, scope).map((p) => join(ctx.root, p));
      const files = (await workTreeFiles(ctx.root)).filter((f) => isCode(f) && /\.[cm]?tsx?$/.test(f) && ownerOf(f, map) === scope);
      if (files.length === 0) return { status: 'skipped', findings: [{ path: null, message: `scope ${scope} has no TypeScript file` }] };
      const { projects, uncovered } = projectsFor(ctx.root, dirs, files.map((f) => join(ctx.root, f)));
      if (projects.length === 0) {
        const where = uncovered.map((u) => repoPath(ctx.root, u) || '.').join(', ');
        return errorResult(`no tsconfig compiles the files of scope ${scope} (looked at ${where})`);
      }
      const found = compilers(ctx.root, dirs[0]!);
      if ('missing' in found) return errorResult(found.missing);
      const sameConfig = (owner: string, tsconfig: string) =>
        ctx.planned.has(`typecheck:${owner}`) && prefixesOf(ctx.config, owner).some((p) => nearest(ctx.root, join(ctx.root, p), ['tsconfig.json']) === tsconfig);
      const findings: Finding[] = [];
      for (const project of projects) {
        let compiler = found.tsgo ?? found.tsc!;
        let { res, diags } = await compile(ctx, compiler, project);
        const unsupported = compiler.name === 'tsgo' && found.tsc ? unsupportedByTsgo(diags) : undefined;
        if (unsupported && !res.aborted) {
          ctx.log.write(`tsgo does not support ${repoPath(ctx.root, project.tsconfig)} (${unsupported.text}): checking it with tsc\n`);
          compiler = found.tsc!;
          ({ res, diags } = await compile(ctx, compiler, project));
        }
        if (res.aborted) return errorResult(`${compiler.name} was interrupted`);
        if (res.code === 0 && diags.length === 0) continue;
        if (res.code === 0 || res.code === null || diags.length === 0) {
          return toolError(compiler.name, res, diags.length ? 'printed errors but exited 0' : 'failed without a parsable diagnostic');
        }
        for (const d of diags) {
          const path = d.path === null ? null : repoPath(ctx.root, resolve(ctx.root, d.path));
          const owner = path === null ? null : ownerOf(path, map);
          if (owner !== null && owner !== scope && sameConfig(owner, project.tsconfig)) continue;
          const rule = /^(TS\d+):/.exec(d.text)?.[1];
          findings.push({ path: path ?? repoPath(ctx.root, project.tsconfig), ...(path === null ? {} : { line: d.line, col: d.col }), message: d.text, ...(rule ? { rule } : {}) });
        }
      }
      return verdict(findings);
    },
  };
}
