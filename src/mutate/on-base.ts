import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { Git } from '../diff/git.js';
import { classifier } from '../scope/classify.js';
import { nearest } from '../tools/find.js';
import { scriptProjects } from '../config/workspace.js';
import { findVitest, projectArgs, runVitest, VITEST_CONFIGS } from '../tools/vitest.js';
import type { Config } from '../config/types.js';
import type { FileDiff } from '../diff/lines.js';
import type { Scope, ToolContext } from '../model.js';
import { createSandbox, removeSandbox, type Sandbox } from './sandbox.js';

/** What the stage reads (mutate's context has it all). */
interface OnBaseContext extends ToolContext {
  config: Config;
  scope: Scope;
  diff(): Promise<Map<string, FileDiff> | null>;
}

/** Whether the changed tests show what the change changed: run against the merge-base's code, one must fail. */
export type OnBase =
  | { kind: 'bites'; failing: string[] }
  | { kind: 'blunt'; tests: string[] }
  | { kind: 'none'; why: string }
  | { kind: 'error'; why: string };

/** Put the merge-base's version of every changed runtime file into the copy (a file the change added is removed). */
async function revertRuntime(ctx: OnBaseContext, box: string, mergeBase: string, files: readonly string[]): Promise<void> {
  const git = new Git(ctx.root);
  for (const file of files) {
    const old = await git.tryRaw(['show', `${mergeBase}:${file}`]);
    if (old === null) rmSync(join(box, file), { force: true });
    else writeFileSync(join(box, file), old);
  }
}

/**
 * `tests_fail_on_base` (DESIGN §5): the changed test files run, in the copy, against the merge-base's
 * version of the changed runtime files. When none of their tests fails there, the tests do not show
 * what the change changed. It rewrites the copy's runtime files: the copy must be its own.
 */
export async function testsOnBase(ctx: OnBaseContext, box: string): Promise<OnBase> {
  const diff = await ctx.diff();
  const mergeBase = ctx.scope.merge_base;
  if (diff === null || mergeBase === null) return { kind: 'error', why: 'no merge-base to take the old code from' };
  const { isTest, isRuntimeCode } = classifier(ctx.config);
  const tests = [...diff.values()].filter((d) => isTest(d.path) && !d.deleted && d.added.length > 0).map((d) => d.path).sort();
  const runtime = [...diff.keys()].filter(isRuntimeCode);
  if (runtime.length === 0) return { kind: 'none', why: 'no runtime code changed' };
  if (tests.length === 0) return { kind: 'none', why: 'no test file changed (changed_tests says so)' };
  await revertRuntime(ctx, box, mergeBase, runtime);
  const byConfig = new Map<string, string[]>();
  for (const t of tests) {
    const config = nearest(box, dirname(join(box, t)), VITEST_CONFIGS) ?? '';
    byConfig.set(config, [...(byConfig.get(config) ?? []), t]);
  }
  const failing: string[] = [];
  for (const [i, [config, files]] of [...byConfig].entries()) {
    const cwd = config ? dirname(config) : box;
    const tool = findVitest(box, cwd);
    if ('missing' in tool) return { kind: 'error', why: tool.missing };
    // The projects loop's test runs, as every mutate run is limited.
    const projects = projectArgs(box, config || null, ctx.config.test.projects ?? scriptProjects(ctx.root));
    const { report } = await runVitest(ctx, tool.argv, { cwd, config: config || null, report: join(ctx.runDir, `on-base-${i}.vitest.json`), args: ['--passWithNoTests', ...projects, ...files.map((f) => join(box, f))] });
    if (!report) return { kind: 'error', why: 'vitest wrote no report for the changed tests on the old code' };
    for (const r of report.testResults) if (r.status === 'failed' || r.assertionResults.some((a) => a.status === 'failed')) failing.push(r.name);
  }
  return failing.length > 0 ? { kind: 'bites', failing } : { kind: 'blunt', tests };
}

/**
 * testsOnBase in a copy of its own beside the run's (which Stryker rewrites in place meanwhile), so it
 * runs while Stryker does. Its tool output is held and written to the log whole once it is done; an
 * internal error is its answer, never a rejection.
 */
export async function testsOnBaseBeside(ctx: OnBaseContext, runId: string): Promise<OnBase> {
  const held: unknown[] = [];
  const log = new Writable({
    write(chunk, _encoding, done) {
      held.push(chunk);
      done();
    },
  });
  let copy: Sandbox | null = null;
  try {
    // The copy is synchronous work: let the caller start Stryker first.
    await new Promise((started) => setImmediate(started));
    copy = await createSandbox(ctx.root, runId, 'base');
    return await testsOnBase({ ...ctx, exec: (argv, o) => ctx.exec(argv, { ...o, log }) }, copy.box);
  } catch (e) {
    return { kind: 'error', why: `harness error in tests_fail_on_base: ${(e as Error).message}` };
  } finally {
    if (copy) removeSandbox(copy.box);
    for (const chunk of held) ctx.log.write(chunk);
  }
}
