import { join, resolve } from 'node:path';
import { workTreeFiles } from '../diff/files.js';
import { renderFinding, type CheckResult, type Finding } from '../model.js';
import { isToolConfig } from '../scope/classify.js';
import { allScopes, dependencyClosure, ownerOf, prefixesOf } from '../scope/resolve.js';
import { repoPath } from '../tools/find.js';
import { compile, compilers, unsupportedByNative, type CompileEnv, type Compiler, type Diagnostic } from '../tools/tsc.js';
import { builtTypes, referenceClosure } from '../tools/tsc-shadow.js';
import { isTsconfig, projectsCovering, repoProjects, type Project } from '../tools/tsconfig.js';
import { matcher } from '../util/glob.js';
import { errorResult, toolError, verdict, type Check, type CheckContext } from './check.js';

const TS_SOURCE = /\.[cm]?tsx?$/;
const isTsSource = (f: string) => TS_SOURCE.test(f) && !f.endsWith('.d.ts');

/** What the typechecks of some scopes compile: every project that compiles a file of each, found from all the repo's tsconfigs. */
async function planFor(ctx: CheckContext, scopes: readonly string[]) {
  const map = ctx.config.scope.path_map;
  const repoFiles = await workTreeFiles(ctx.root);
  const every = repoProjects(ctx.root, repoFiles);
  // [typecheck] tsconfigs narrows what is compiled; references still resolve through every project.
  const chosen = ctx.config.typecheck.tsconfigs ? matcher(ctx.config.typecheck.tsconfigs) : null;
  const all = chosen ? every.filter((p) => chosen(repoPath(ctx.root, p.tsconfig))) : every;
  const ownFiles = (s: string) => repoFiles.filter((f) => TS_SOURCE.test(f) && ownerOf(f, map) === s).map((f) => join(ctx.root, f));
  // A tsconfig that compiles only files no scope owns (scripts/, tools/) is nobody's: the first scope checks it.
  const unowned = new Set(repoFiles.filter((f) => TS_SOURCE.test(f) && ownerOf(f, map) === null).map((f) => join(ctx.root, f)));
  const orphans = all.filter((p) => [...p.files].some((f) => unowned.has(f)) && ![...p.files].some((f) => f.startsWith(ctx.root) && ownerOf(repoPath(ctx.root, f), map) !== null));
  const first = allScopes(ctx.config)[0];
  const of = new Map<string, { files: string[]; projects: Project[] }>();
  const scopeOf = (s: string) =>
    of.get(s) ?? of.set(s, { files: ownFiles(s), projects: [...projectsCovering(all, ownFiles(s)), ...(s === first ? orphans : [])] }).get(s)!;
  // A changed file no tsconfig compiles would pass unchecked: say so (tool configs run in their own tool).
  const uncompiled = (s: string) =>
    ctx.scope.changed_files.filter((f) => isTsSource(f) && !isToolConfig(f) && ownerOf(f, map) === s && scopeOf(s).files.includes(join(ctx.root, f)) && !scopeOf(s).projects.some((p) => p.files.has(join(ctx.root, f))));
  for (const s of scopes) scopeOf(s);
  const env: CompileEnv = { byPath: new Map(every.map((p) => [p.tsconfig, p])), sources: builtTypes(ctx.root, every) };
  return { scopeOf, uncompiled, env };
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

type Plan = Awaited<ReturnType<typeof planFor>>;

/** A diagnostic as a finding, and whether it is about a tsconfig itself (then one scope reports it, not each). */
function findingOf(ctx: CheckContext, project: Project, d: Diagnostic): { finding: Finding; config: boolean } {
  const abs = d.path === null ? null : resolve(ctx.root, d.path);
  const path = abs === null ? repoPath(ctx.root, project.tsconfig) : repoPath(ctx.root, abs);
  const rule = /^(TS\d+):/.exec(d.text)?.[1];
  const finding: Finding = { path, ...(abs === null ? {} : { line: d.line, col: d.col }), message: d.text, ...(rule ? { rule } : {}) };
  return { finding, config: abs === null || isTsconfig(path) };
}

/**
 * Whose is a diagnostic of `project`, among the members compiling it? The owner of its file when that is
 * a member; none when its owner's typecheck runs elsewhere in this run and compiles the same unit (it
 * reports it there); else every member (a tsconfig's own diagnostic: the first only).
 */
function recipients(ctx: CheckContext, plan: Plan, members: readonly string[], project: Project, d: Diagnostic): string[] {
  const compiling = members.filter((m) => plan.scopeOf(m).projects.includes(project));
  const { finding, config } = findingOf(ctx, project, d);
  const owner = d.path === null ? null : ownerOf(finding.path!, ctx.config.scope.path_map);
  if (owner !== null && compiling.includes(owner)) return [owner];
  // A dependency built for this project is its own unit: the owner's typecheck compiles it too.
  const abs = d.path === null ? null : resolve(ctx.root, d.path);
  const unit = (abs !== null && [project, ...referenceClosure(project, plan.env.byPath)].find((u) => u.files.has(abs))) || project;
  if (owner !== null && ctx.planned.has(`typecheck:${owner}`) && plan.scopeOf(owner).projects.some((p) => p.tsconfig === unit.tsconfig)) return [];
  return config ? compiling.slice(0, 1) : compiling;
}

/** Type-check `scopes` together: each project once, each diagnostic reported by the scope it belongs to. */
async function typecheckScopes(ctx: CheckContext, scopes: readonly string[]): Promise<Map<string, CheckResult>> {
  const plan = await planFor(ctx, scopes);
  const out = new Map<string, CheckResult>();
  const findings = new Map<string, Finding[]>();
  const members: string[] = [];
  for (const s of scopes) {
    const { files, projects } = plan.scopeOf(s);
    if (files.length === 0) out.set(s, { status: 'skipped', findings: [{ path: null, message: `scope ${s} has no TypeScript file` }] });
    else if (projects.length === 0) out.set(s, errorResult(`no tsconfig compiles the files of scope ${s} (none of the repository's tsconfig*.json files includes them)`));
    else {
      members.push(s);
      findings.set(s, plan.uncompiled(s).map((path) => ({ path, message: UNCOMPILED })));
    }
  }
  const found = members.length > 0 ? compilers(ctx.root, join(ctx.root, prefixesOf(ctx.config, members[0]!)[0]!)) : [];
  if ('missing' in found) return new Map([...out, ...members.map((m) => [m, errorResult(found.missing)] as const)].map(([s, r]) => [`typecheck:${s}`, r]));
  const projects = [...new Set(members.flatMap((m) => plan.scopeOf(m).projects))];
  for (const project of projects) {
    const diags = await check(ctx, found, project, plan.env);
    if (!Array.isArray(diags)) {
      for (const m of members.filter((x) => plan.scopeOf(x).projects.includes(project))) out.set(m, diags);
      continue;
    }
    for (const d of diags) for (const r of recipients(ctx, plan, members, project, d)) findings.get(r)!.push(findingOf(ctx, project, d).finding);
  }
  const seen = (list: Finding[]) => {
    const keys = new Set<string>();
    return list.filter((f) => !keys.has(renderFinding(f)) && keys.add(renderFinding(f)));
  };
  for (const m of members) if (!out.has(m)) out.set(m, verdict(seen(findings.get(m)!)));
  return new Map([...out].map(([s, r]) => [`typecheck:${s}`, r]));
}

const UNCOMPILED = 'changed, but no tsconfig compiles it: its types are not checked (add it to the include of a tsconfig, or see [typecheck] tsconfigs)';

/**
 * typecheck:<scope> — the target's own compiler (TypeScript 7's tsc, tsgo, or tsc) on every tsconfig
 * project that compiles a file of the scope; scopes that share a tsconfig (a root one) share one compile
 * of it (`batch`). A finding in another scope's file is left to that scope's typecheck only when it is in
 * this run and compiles the very same project (so it sees the same diagnostic); otherwise it is reported
 * here. A non-zero exit is never a pass.
 */
export function typecheckCheck(scope: string, cost = 3, shared: string | null = null): Check {
  const batch = { key: `typecheck:${shared}`, run: (ctx: CheckContext, ids: readonly string[]) => typecheckScopes(ctx, ids.map((id) => id.slice('typecheck:'.length))) };
  return {
    id: `typecheck:${scope}`,
    cost,
    ...(shared ? { batch } : {}),
    // Which other typechecks run decides which diagnostics this one leaves to them: part of the key.
    cacheInputs: (config, planned) => ({
      // tsconfigs usually compile the tests too: the test dependencies are inputs.
      // Every package's manifest too: a `types` entry pointing at built output changes how imports resolve.
      prefixes: [...dependencyClosure(config, scope, true).flatMap((s) => prefixesOf(config, s)), ...[...config.scope.path_map.keys()].map((p) => `${p}package.json`)],
      tools: ['typescript', '@typescript/native-preview'],
      ignored: true,
      variant: [...planned].filter((id) => id.startsWith('typecheck:')).sort().join(','),
    }),
    run: async (ctx) => (await batch.run(ctx, [`typecheck:${scope}`])).get(`typecheck:${scope}`)!,
  };
}
