import { classifier, isCode } from '../scope/classify.js';
import { ownerOf } from '../scope/resolve.js';
import { diffGuard, verdict, type Check } from './check.js';

/**
 * changed_tests (`[mutate] require_changed_tests`) — a scope whose runtime code changed (added, edited or
 * deleted) fails unless a test code file of that scope gained new lines: deleting or renaming tests,
 * touching a fixture, a `.keep` or a README does not count; lines moved between the scope's test files
 * (a rename) are not new.
 */
export function changedTestsCheck(): Check {
  return diffGuard('changed_tests', (ctx, diff) => {
    const { isTest, isRuntimeCode } = classifier(ctx.config);
    const runtime = new Map<string, string[]>();
    const testLines = new Map<string, Map<string, number>>(); // scope → added-minus-removed test lines
    const bump = (scope: string, text: string, by: number) => {
      const t = text.trim();
      if (t === '') return;
      const m = testLines.get(scope) ?? testLines.set(scope, new Map()).get(scope)!;
      m.set(t, (m.get(t) ?? 0) + by);
    };
    for (const [path, d] of diff) {
      const owner = ownerOf(path, ctx.config.scope.path_map);
      if (owner === null) continue;
      if (isTest(path) && isCode(path)) {
        for (const l of d.added) bump(owner, l.text, 1);
        for (const l of d.removed) bump(owner, l.text, -1);
      } else if (isRuntimeCode(path)) runtime.set(owner, [...(runtime.get(owner) ?? []), path]);
    }
    const tested = (scope: string) => [...(testLines.get(scope)?.values() ?? [])].some((n) => n > 0);
    const findings = [...runtime]
      .filter(([scope]) => !tested(scope))
      .flatMap(([scope, files]) => files.map((path) => ({ path, message: `runtime code of scope ${scope} changed, but no test file of ${scope} gained a line` })));
    return verdict(findings);
  });
}
