import type { Config } from '../config/types.js';
import { workTreeFiles } from '../diff/files.js';
import type { Finding } from '../model.js';
import { classifier, isCode } from '../scope/classify.js';
import { ownerOf, reachableFrom } from '../scope/resolve.js';
import { Resolver } from '../tools/source.js';
import { guard, verdict, type Check } from './check.js';

/** What a runtime or test file of each scope may import, exactly as far as expansion re-checks it (memoised). */
function allowed(config: Config): (s: string, test: boolean) => Set<string> {
  const memo = new Map<string, Set<string>>();
  return (s, test) => memo.get(`${test}:${s}`) ?? memo.set(`${test}:${s}`, reachableFrom(config, s, test)).get(`${test}:${s}`)!;
}

/**
 * graph — every import from scope A into scope B must be declared so that a change in B re-checks A:
 * from A's runtime files, B among A's `[scope.dependencies]` (transitively); from its test files, also
 * among the dependencies of a scope in A's `[scope.test_dependencies]`. Cycles are fine. A scoped loop
 * reads only the changed files.
 * An undeclared edge makes scoping unsafe: a change in B would not re-check A. Runs over `scopeList`'s files.
 */
export function graphCheck(scopeList: readonly string[]): Check {
  return guard('graph', 1, scopeList, async (ctx) => {
    const { config } = ctx;
    const { isTest } = classifier(config);
    const scopes = new Set(scopeList);
    // A scoped loop reads the changed files only: with harness.toml unchanged, an unchanged file's imports
    // are what they were (an old undeclared one is the gate's to find); gate and full runs read them all.
    const changed = new Set(ctx.scope.changed_files);
    const files = (await workTreeFiles(ctx.root)).filter((f) => isCode(f) && (ctx.verb !== 'loop' || ctx.scope.mode === 'full' || changed.has(f)));
    const resolver = new Resolver(ctx.root);
    const reach = allowed(config);
    const findings: Finding[] = [];
    for (const path of files) {
      const from = ownerOf(path, config.scope.path_map);
      if (from === null || !scopes.has(from)) continue;
      const test = isTest(path);
      for (const ref of resolver.scan(path).refs) {
        if (ref.specifier === null) continue;
        const target = resolver.resolve(path, ref.specifier);
        const to = target.path === null ? null : ownerOf(target.path, config.scope.path_map);
        if (!test && target.path !== null && isTest(target.path) && isCode(target.path)) {
          // Test files may use test_dependencies: runtime code reaching them would inherit those edges.
          const message = `runtime file of scope ${from} imports the test file ${target.path}: move the shared code out of the test files`;
          findings.push({ path, line: ref.line, col: ref.col, message });
          continue;
        }
        if (to === null || to === from) continue;
        if (reach(from, test).has(to)) continue;
        const table = test ? 'test_dependencies' : 'dependencies';
        const current = (config.scope[table].get(from) ?? []).map((s) => JSON.stringify(s));
        // The fix first: a detail is cut at 240 characters.
        const message =
          `undeclared import of scope ${to} ('${ref.specifier}') from a ${test ? 'test' : 'runtime'} file of scope ${from}. ` +
          `Fix: [scope.${table}] ${JSON.stringify(from)} = [${[...current, JSON.stringify(to)].join(', ')}] (else a change in ${to} would not re-check ${from})`;
        findings.push({ path, line: ref.line, col: ref.col, message });
      }
    }
    return verdict(findings);
  });
}
