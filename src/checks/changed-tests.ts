import { classifier } from '../scope/classify.js';
import { ownerOf } from '../scope/resolve.js';
import { noDiff, type Check, type CheckContext, type CheckResult } from './check.js';

/**
 * changed_tests (`[mutate] require_changed_tests`) — a scope whose runtime code changed (added, edited or
 * deleted) with no test file of that scope changed fails, naming the runtime files.
 */
export function changedTestsCheck(): Check {
  return {
    id: 'changed_tests',
    cost: 0.5,
    inProcess: true,
    async run(ctx: CheckContext): Promise<CheckResult> {
      if (ctx.scope.merge_base === null) return noDiff(ctx.scope);
      const { isTest, isRuntimeCode } = classifier(ctx.config);
      const runtime = new Map<string, string[]>();
      const tested = new Set<string>();
      for (const path of ctx.scope.changed_files) {
        const owner = ownerOf(path, ctx.config.scope.path_map);
        if (owner === null) continue;
        if (isTest(path)) tested.add(owner);
        else if (isRuntimeCode(path)) runtime.set(owner, [...(runtime.get(owner) ?? []), path]);
      }
      const details = [...runtime]
        .filter(([scope]) => !tested.has(scope))
        .flatMap(([scope, files]) => files.map((f) => `${f}: runtime code of scope ${scope} changed, but no test file of ${scope} did`));
      return details.length > 0 ? { status: 'fail', details } : { status: 'pass', details: [] };
    },
  };
}
