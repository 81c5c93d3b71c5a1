import type { Config } from '../config/types.js';
import { workTreeFiles } from '../diff/files.js';
import type { Finding } from '../model.js';
import { classifier, isCode } from '../scope/classify.js';
import { ownerOf } from '../scope/resolve.js';
import { Resolver } from '../tools/source.js';
import { edgesOf, reachable } from '../util/graph.js';
import { guard, verdict, type Check } from './check.js';

function allowed(config: Config): { runtime: (s: string) => Set<string>; test: (s: string) => Set<string> } {
  const memo = new Map<string, Set<string>>();
  const get = (key: string, build: () => Set<string>) => memo.get(key) ?? memo.set(key, build()).get(key)!;
  return {
    runtime: (s) => get(`r:${s}`, () => reachable([s], edgesOf([config.scope.dependencies]))),
    test: (s) => get(`t:${s}`, () => reachable([s], edgesOf([config.scope.dependencies, config.scope.test_dependencies]))),
  };
}

/**
 * graph — every import from scope A into scope B must be declared: from A's runtime files in
 * `[scope.dependencies]`, from its test files there or in `[scope.test_dependencies]` (transitively).
 * An undeclared edge makes scoping unsafe: a change in B would not re-check A. Runs over `scopeList`'s files.
 */
export function graphCheck(scopeList: readonly string[]): Check {
  return guard('graph', 1, scopeList, async (ctx) => {
    const { config } = ctx;
    const { isTest } = classifier(config);
    const scopes = new Set(scopeList);
    const files = (await workTreeFiles(ctx.root)).filter((f) => isCode(f));
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
        if ((test ? reach.test(from) : reach.runtime(from)).has(to)) continue;
        const table = test ? 'test_dependencies' : 'dependencies';
        const current = (config.scope[table].get(from) ?? []).map((s) => JSON.stringify(s));
        const message =
          `${test ? 'test file' : 'runtime file'} of scope ${from} imports '${ref.specifier}' (scope ${to}), ` +
          `which harness.toml does not declare: a change in ${to} would not re-check ${from}. ` +
          `Fix: [scope.${table}] ${JSON.stringify(from)} = [${[...current, JSON.stringify(to)].join(', ')}]`;
        findings.push({ path, line: ref.line, col: ref.col, message });
      }
    }
    return verdict(findings);
  });
}
