import { join, resolve } from 'node:path';
import { workTreeFiles } from '../diff/files.js';
import type { CheckResult, Finding } from '../model.js';
import { isToolConfig } from '../scope/classify.js';
import { dependencyClosure, ownerOf, prefixesOf } from '../scope/resolve.js';
import { repoPath } from '../tools/find.js';
import { compile, compilers, unsupportedByNative, type CompileEnv, type Compiler, type Diagnostic } from '../tools/tsc.js';
import { builtTypes, referenceClosure } from '../tools/tsc-shadow.js';
import { projectsCovering, repoProjects, type Project } from '../tools/tsconfig.js';
import { matcher } from '../util/glob.js';
import { errorResult, toolError, verdict, type Check, type CheckContext } from './check.js';

const TS_SOURCE = /\.[cm]?tsx?$/;
const isTsSource = (f: string) => TS_SOURCE.test(f) && !f.endsWith('.d.ts');

/** What a scope's typecheck compiles: every project that compiles one of its files, found from all the repo's tsconfigs. */
async function planFor(ctx: CheckContext, scope: string) {
  const map = ctx.config.scope.path_map;
  const repoFiles = await workTreeFiles(ctx.root);
  const every = repoProjects(ctx.root, repoFiles);
  // [typecheck] tsconfigs narrows what is compiled; references still resolve through every project.
  const chosen = ctx.config.typecheck.tsconfigs ? matcher(ctx.config.typecheck.tsconfigs) : null;
  const all = chosen ? every.filter((p) => chosen(repoPath(ctx.root, p.tsconfig))) : every;
  const ownFiles = (s: string) => repoFiles.filter((f) => TS_SOURCE.test(f) && ownerOf(f, map) === s).map((f) => join(ctx.root, f));
  const files = ownFiles(scope);
  const projects = projectsCovering(all, files);
  const compiled = (f: string) => projects.some((p) => p.files.has(join(ctx.root, f)));
  // A changed file no tsconfig compiles would pass unchecked: say so (tool configs run in their own tool).
  const uncompiled = ctx.scope.changed_files.filter(
    (f) => isTsSource(f) && !isToolConfig(f) && ownerOf(f, map) === scope && files.includes(join(ctx.root, f)) && !compiled(f),
  );
  const owners = new Map<string, Set<string>>();
  const ownerConfigs = (s: string) => owners.get(s) ?? owners.set(s, new Set(projectsCovering(all, ownFiles(s)).map((p) => p.tsconfig))).get(s)!;
  const env: CompileEnv = { byPath: new Map(every.map((p) => [p.tsconfig, p])), sources: builtTypes(ctx.root, every) };
  return { files, projects, uncompiled, ownerConfigs, env };
}

/** One project with the fastest compiler that accepts it: tsgo, else tsc for a tsconfig tsgo rejects. */
async function check(ctx: CheckContext, found: readonly Compiler[], project: Project, env: CompileEnv): Promise<Diagnostic[] | CheckResult> {
  let compiler = found[0]!;
  let { res, diags } = await compile(ctx, compiler, project, env);
  const fallback = found[1];
  const unsupported = compiler.native && fallback ? unsupportedByNative(diags) : undefined;
  if (unsupported && fallback && !res.aborted) {
    ctx.log.write(`${compiler.name} does not support ${repoPath(ctx.root, project.tsconfig)} (${unsupported.text}): checking it with ${fallback.name}\n`);
    compiler = fallback;
    ({ res, diags } = await compile(ctx, compiler, project, env));
  }
  if (res.aborted) return errorResult(`${compiler.name} was interrupted`);
  if (res.code === 0 && diags.length === 0) return [];
  if (res.code === 0 || res.code === null || diags.length === 0) {
    return toolError(compiler.name, res, diags.length ? 'printed errors but exited 0' : 'failed without a parsable diagnostic');
  }
  return diags;
}

/**
 * typecheck:<scope> — the target's own compiler (tsgo when installed and the tsconfig is one it
 * supports, else tsc) on every tsconfig project that compiles a file of the scope. A finding in another
 * scope's file is left to that scope's typecheck only when it is in this run and compiles the very same
 * tsconfig (so it sees the same diagnostic); otherwise it is reported here. A non-zero exit is never a pass.
 */
export function typecheckCheck(scope: string, cost = 3): Check {
  return {
    id: `typecheck:${scope}`,
    cost,
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
      const plan = await planFor(ctx, scope);
      if (plan.files.length === 0) return { status: 'skipped', findings: [{ path: null, message: `scope ${scope} has no TypeScript file` }] };
      if (plan.projects.length === 0) return errorResult(`no tsconfig compiles the files of scope ${scope} (none of the repository's tsconfig*.json files includes them)`);
      const found = compilers(ctx.root, join(ctx.root, prefixesOf(ctx.config, scope)[0]!));
      if ('missing' in found) return errorResult(found.missing);
      const findings: Finding[] = plan.uncompiled.map((path) => ({ path, message: 'changed, but no tsconfig compiles it: its types are not checked (add it to the include of a tsconfig, or see [typecheck] tsconfigs)' }));
      const seen = new Set<string>();
      for (const project of plan.projects) {
        const diags = await check(ctx, found, project, plan.env);
        if (!Array.isArray(diags)) return diags;
        // A diagnostic belongs to the project that compiles its file: a dependency built for this one is its own unit.
        const units = [project, ...referenceClosure(project, plan.env.byPath)];
        for (const d of diags) {
          const abs = d.path === null ? null : resolve(ctx.root, d.path);
          const path = abs === null ? null : repoPath(ctx.root, abs);
          const owner = path === null ? null : ownerOf(path, map);
          const unit = (abs !== null && units.find((u) => u.files.has(abs))) || project;
          if (owner !== null && owner !== scope && ctx.planned.has(`typecheck:${owner}`) && plan.ownerConfigs(owner).has(unit.tsconfig)) continue;
          const rule = /^(TS\d+):/.exec(d.text)?.[1];
          const f: Finding = { path: path ?? repoPath(ctx.root, project.tsconfig), ...(path === null ? {} : { line: d.line, col: d.col }), message: d.text, ...(rule ? { rule } : {}) };
          const key = `${f.path}:${f.line}:${f.col}:${f.message}`;
          if (!seen.has(key) && seen.add(key)) findings.push(f);
        }
      }
      return verdict(findings);
    },
  };
}
