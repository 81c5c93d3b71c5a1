import { classifier, isCode } from '../scope/classify.js';
import { ownerOf } from '../scope/resolve.js';
import { diffGuard, verdict, type Check } from './check.js';

/** Per scope, each non-blank line's count: added minus removed (a moved line nets to zero). */
class LineBalance {
  private readonly byScope = new Map<string, Map<string, number>>();

  bump(scope: string, text: string, by: number): void {
    const t = text.trim();
    if (t === '') return;
    const m = this.byScope.get(scope) ?? this.byScope.set(scope, new Map()).get(scope)!;
    m.set(t, (m.get(t) ?? 0) + by);
  }

  /** Some line was added that was not only moved. */
  gained(scope: string): boolean {
    return [...(this.byScope.get(scope)?.values() ?? [])].some((n) => n > 0);
  }

  /** Some line was removed that was not only moved. */
  lost(scope: string): boolean {
    return [...(this.byScope.get(scope)?.values() ?? [])].some((n) => n < 0);
  }
}

/**
 * changed_tests (`[mutate] require_changed_tests`) — a scope whose runtime code changed fails unless a
 * test code file of that scope gained new lines (touching a fixture, a `.keep` or a README does not
 * count). Lines moved within the scope (a rename, `dash.ts` → `kebab.ts`) are no change; runtime code
 * only removed is covered by its tests being removed with it.
 */
export function changedTestsCheck(): Check {
  return diffGuard('changed_tests', (ctx, diff) => {
    const { isTest, isRuntimeCode } = classifier(ctx.config);
    const runtime = new Map<string, string[]>();
    const code = new LineBalance();
    const tests = new LineBalance();
    for (const [path, d] of diff) {
      const owner = ownerOf(path, ctx.config.scope.path_map);
      if (owner === null) continue;
      const balance = isTest(path) && isCode(path) ? tests : isRuntimeCode(path) ? code : null;
      if (!balance) continue;
      for (const l of d.added) balance.bump(owner, l.text, 1);
      for (const l of d.removed) balance.bump(owner, l.text, -1);
      if (balance === code) runtime.set(owner, [...(runtime.get(owner) ?? []), path]);
    }
    const covered = (scope: string) => tests.gained(scope) || (!code.gained(scope) && (!code.lost(scope) || tests.lost(scope)));
    const findings = [...runtime]
      .filter(([scope]) => !covered(scope))
      .flatMap(([scope, files]) => files.map((path) => ({ path, message: `runtime code of scope ${scope} changed, but no test file of ${scope} gained a line` })));
    return verdict(findings);
  });
}
