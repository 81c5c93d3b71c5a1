// Interruption: loop, gate and mutate on the demo workspace, killed with SIGINT, SIGTERM or SIGKILL at
// a random point (start-up, scope resolution, while eslint/tsc/vitest run, inside Stryker). Afterwards:
// the work tree is byte-identical (every file outside .git/ and .harness/, with its mode; untracked and
// ignored files too) and `git status` is unchanged; after SIGINT/SIGTERM the harness printed exactly one
// valid envelope (or nothing, when the signal landed before node ran any JS) and no process it started
// outlives it (1 s grace for SIGKILLed processes to vanish); and the next run works.
//
// SIGKILL is a known limitation: a SIGKILLed harness cannot stop its checks, which run detached in their
// own process groups, so they may outlive it. For SIGKILL only the tree and the next run are asserted,
// and the stragglers are killed here so they do not leak into other tests.
//
// Modes:
//   default                npx vitest run test/faults/interrupt.test.ts   one run per (verb, signal): 9 runs
//   HARNESS_FAULTS_LONG=1  the same command                                 three runs per (verb, signal): 27 runs,
//                                                                          their kill points spread over the verb's window
// The kill points come from a seeded PRNG; every failure message names the seed: replay a failure with
// HARNESS_FAULTS_SEED=<seed> (and the same mode).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, BIN, check, checkIds, git, GUARDS, harness, leafEdit, parseEnvelope, workspace } from '../helpers.js';
import { prng, reap, runAndSignal, snapshotTree, survivors, treeDiff, type Killed } from './interrupt-support.js';

const LONG = process.env.HARNESS_FAULTS_LONG === '1';
const RUNS = LONG ? 3 : 1;
const SEED = Number(process.env.HARNESS_FAULTS_SEED) || Math.floor(Math.random() * 2 ** 31);
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;
/** The harness waits for its checks' process groups before it exits: a process of the run still alive
 * this long after the harness ended has outlived it (the time only covers SIGKILLed processes vanishing
 * on a loaded machine; a short-lived orphan that ends by itself later is still caught). */
const GRACE_MS = 1000;
type Signal = (typeof SIGNALS)[number];

/** loop and gate run the repo's own vitest in place, and vitest keeps its cache in node_modules/.vite
 * (and bundles configs in node_modules/.vite-temp) whenever it runs, interrupted or not: the only paths
 * they may change. mutate works in its copy: for it nothing may change, caches included. */
const toolCache = (path: string) => /(^|\/)node_modules\/\.vite(-temp)?$/.test(path);

const DEPTH = "\nexport function describeDepth(depth: number): string {\n  if (depth > 3) return 'deep';\n  return depth === 0 ? 'flat' : 'shallow';\n}\n";
const DEPTH_TEST =
  "\nimport { describeDepth } from '../src/args';\n\nit('describes depth', () => {\n  expect(describeDepth(4)).toBe('deep');\n  expect(describeDepth(3)).toBe('shallow');\n  expect(describeDepth(1)).toBe('shallow');\n  expect(describeDepth(0)).toBe('flat');\n});\n";

const VITEST_CACHE = 'packages/cli/node_modules/.vite/vitest/da39a3ee5e6b4b0d3255bfef95601890afd80709';

function tmpEntries(ws: string): string[] {
  const tmp = join(ws, '.harness/tmp');
  return existsSync(tmp) ? readdirSync(tmp) : [];
}

interface VerbCase {
  verb: 'loop' | 'gate' | 'mutate';
  /** The change under test (and anything a user would have run before). */
  prepare(ws: string): void;
  /** The kill window in ms: from start-up to late in the verb's run on this machine. */
  window: [number, number];
  ignore?: (path: string) => boolean;
  /** The next run: it must work, and its checks must run and pass. Returns what that run may change (its tools' caches). */
  next(ws: string, ctx: string, signal: Signal): ((path: string) => boolean) | undefined;
}

/** A next loop: green, with exactly the change's checks, all passing (run now, or reused from the interrupted run's passes). */
function nextLoop(ws: string, ctx: string): typeof toolCache {
  const run = harness(['loop', '--cwd', ws]);
  expect(run.code, `${ctx}: next loop\n${run.stdout}`).toBe(0);
  expect(checkIds(run)).toEqual([...GUARDS, 'lint:cli', 'test:cli', 'typecheck:cli'].sort());
  expect(run.env.result.checks!.every((c) => c.status === 'pass')).toBe(true);
  return toolCache;
}

const CASES: VerbCase[] = [
  {
    verb: 'loop',
    prepare: (ws) => leafEdit(ws),
    window: [50, 3000],
    ignore: toolCache,
    next: nextLoop,
  },
  {
    verb: 'gate',
    prepare: (ws) => leafEdit(ws),
    window: [50, 6000],
    ignore: toolCache,
    next(ws, ctx) {
      const only = ['graph', 'lint:cli', 'test:cli', 'typecheck:cli'];
      const run = harness(['gate', '--cwd', ws, '--only', only.join(',')]);
      expect(run.code, `${ctx}: next gate\n${run.stdout}`).toBe(0);
      expect(checkIds(run)).toEqual(only);
      for (const id of only) expect(check(run, id), ctx).toMatchObject({ status: 'pass', log: expect.any(String) });
      return toolCache;
    },
  },
  {
    verb: 'mutate',
    prepare(ws) {
      append(ws, 'packages/cli/src/args.ts', DEPTH);
      append(ws, 'packages/cli/test/args.test.ts', DEPTH_TEST);
      // The rhythm is loop → mutate: the repo's vitest has run in the work tree before. Its leftovers,
      // exactly as a loop leaves them (cheaper than running one), must not be written through either.
      mkdirSync(join(ws, 'node_modules/.vite-temp'), { recursive: true });
      mkdirSync(join(ws, VITEST_CACHE), { recursive: true });
      writeFileSync(join(ws, VITEST_CACHE, 'results.json'), '{"version":"4.1.12","results":[[":test/args.test.ts",{"duration":7.8,"failed":false}]]}');
    },
    window: [200, 9000],
    next(ws, ctx, signal) {
      // After SIGINT/SIGTERM the sandbox is gone (asserted): a loop is the next run. After SIGKILL the
      // stale sandbox is still there: the next mutate must clear it and work.
      if (signal !== 'SIGKILL') return nextLoop(ws, ctx);
      const run = harness(['mutate', '--cwd', ws, '--max-mutants', '2']);
      expect(run.code, `${ctx}: next mutate\n${run.stdout}`).toBe(0);
      expect(check(run, 'mutation'), ctx).toMatchObject({ status: 'pass' });
      expect(check(run, 'untested_lines'), ctx).toMatchObject({ status: 'pass' });
      expect(tmpEntries(ws), `${ctx}: sandboxes left after the next mutate`).toEqual([]);
      return undefined; // mutate may change nothing at all
    },
  },
];

/** What an interrupted harness must print: one envelope saying so, or its normal answer if it finished first. */
function expectAnswer(k: Killed, verb: string, signal: Signal, ctx: string): void {
  const what = `${ctx}: exit ${k.code} signal ${k.signal}\nstdout: ${k.stdout}\nstderr: ${k.stderr.slice(-2000)}`;
  if (k.signal !== null) {
    // While node was still starting (no handler yet): nothing printed, nothing done. Or in the moment
    // after it printed its answer and dropped its handlers: then that answer stands.
    expect(k.signal, what).toBe(signal);
    if (k.stdout !== '') parseEnvelope(k.stdout);
    return;
  }
  const env = parseEnvelope(k.stdout); // exactly one document, valid against the schema
  expect([`harness ${verb}`, 'harness'], what).toContain(env.command);
  if (k.code === 0) {
    // It finished before the signal, or the signal came while its answer was being printed. An answer
    // that starts more than a moment after the signal means the signal was ignored.
    expect(env.ok, what).toBe(true);
    if (k.sentAt !== null) expect(k.outAt! - k.sentAt, `${what}\nthe harness ran on after the signal`).toBeLessThan(1500);
  } else {
    expect(k.code, what).toBe(2);
    expect(env, what).toMatchObject({ ok: false, result: { error: { code: 'environment', message: `interrupted by ${signal}` } } });
  }
}

async function scenario(c: VerbCase, signal: Signal, delay: number, ctx: string): Promise<void> {
  const ws = workspace('demo');
  c.prepare(ws);
  // The tree as it was, strictly and without the tools' caches (what a loop or gate may change).
  const before = new Map([undefined, toolCache].map((ignore) => [ignore, snapshotTree(ws, ignore)]));
  const status = git(ws, 'status', '--porcelain');

  const k = await runAndSignal([c.verb, '--cwd', ws], ws, signal, delay);
  const left = signal === 'SIGKILL' ? [] : await survivors(k, ws, GRACE_MS);
  // Before any assertion, so nothing leaks into other tests. After SIGKILL this is the known
  // limitation: the detached checks of a SIGKILLed harness may outlive it.
  await reap(k, ws);
  if (signal !== 'SIGKILL') {
    expectAnswer(k, c.verb, signal, ctx);
    expect(left.map((p) => `${p.pid} ${p.cmd.slice(0, 300)}`), `${ctx}: processes outlived the harness`).toEqual([]);
    if (c.verb === 'mutate') expect(tmpEntries(ws), `${ctx}: the mutate sandbox was left behind`).toEqual([]);
  }
  expect(treeDiff(before.get(c.ignore)!, snapshotTree(ws, c.ignore)), `${ctx}: the work tree changed`).toEqual([]);
  expect(git(ws, 'status', '--porcelain'), ctx).toBe(status);

  const mayChange = c.next(ws, ctx, signal);
  expect(treeDiff(before.get(mayChange)!, snapshotTree(ws, mayChange)), `${ctx}: the work tree changed after the next run`).toEqual([]);
}

const OUTCOME: Record<Signal, string> = {
  SIGINT: 'one "interrupted" envelope (exit 2), tree byte-identical, no child outlives it, next run works',
  SIGTERM: 'one "interrupted" envelope (exit 2), tree byte-identical, no child outlives it, next run works',
  SIGKILL: 'tree byte-identical, next run works (stragglers reaped: known limitation)',
};
const NEXT: Record<string, string> = { loop: 'next loop', gate: 'next gate --only', mutate: 'next loop', 'mutate/SIGKILL': 'next mutate (the stale sandbox no obstacle)' };

describe('interruption', () => {
  it('SIGINT/SIGTERM while the CLI is still loading (kill points swept over its start-up) → never ignored: "interrupted" (exit 2) every time, or death before node ran any JS', async () => {
    const ws = workspace('demo');
    leafEdit(ws);
    // The start-up time on this machine right now: `harness schema` loads the whole CLI and answers at once.
    const t0 = performance.now();
    expect(spawnSync(process.execPath, [BIN, 'schema']).status).toBe(0);
    const startup = performance.now() - t0;
    const rand = prng(SEED);
    const n = LONG ? 32 : 12;
    for (let i = 0; i < n; i++) {
      const signal = i % 2 === 0 ? 'SIGINT' : 'SIGTERM';
      const delay = Math.round(startup * (0.2 + (1.4 * (i + rand())) / n));
      const ctx = `HARNESS_FAULTS_SEED=${SEED}, start-up ${Math.round(startup)} ms, run ${i + 1}/${n}, loop + ${signal} after ${delay} ms`;
      // A whole loop takes seconds: any answer but "interrupted" means the signal was lost.
      const k = await runAndSignal(['loop', '--no-cache', '--cwd', ws], ws, signal, delay);
      const left = await survivors(k, ws, GRACE_MS);
      await reap(k, ws);
      const what = `${ctx}: exit ${k.code} signal ${k.signal}, answer ${k.outAt === null ? '-' : Math.round(k.outAt)} ms\n${k.stdout}`;
      expect(left.map((p) => p.cmd), `${ctx}: processes outlived the harness`).toEqual([]);
      if (k.signal !== null) expect({ signal: k.signal, stdout: k.stdout }, what).toEqual({ signal, stdout: '' });
      else {
        expect(k.code, what).toBe(2);
        expect(parseEnvelope(k.stdout).result.error?.message, what).toBe(`interrupted by ${signal}`);
      }
    }
  }, 300_000);

  for (const c of CASES) {
    for (const signal of SIGNALS) {
      const title = `${c.verb} killed with ${signal}${signal === 'SIGINT' ? ' (to its process group, like Ctrl-C)' : ''} at a random point → ${OUTCOME[signal].replace('next run', NEXT[`${c.verb}/${signal}`] ?? NEXT[c.verb]!)}`;
      it(title, async () => {
        const rand = prng(SEED ^ [...`${c.verb}/${signal}`].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7));
        const [lo, hi] = c.window;
        for (let i = 0; i < RUNS; i++) {
          // Stratified: run i lands in the i-th slice of the window, so long mode spans start-up to late.
          const delay = Math.round(lo + ((hi - lo) / RUNS) * (i + rand()));
          await scenario(c, signal, delay, `HARNESS_FAULTS_SEED=${SEED}${LONG ? ' HARNESS_FAULTS_LONG=1' : ''}, run ${i + 1}/${RUNS}, ${c.verb} + ${signal} after ${delay} ms`);
        }
      }, RUNS * 120_000);
    }
  }
});
