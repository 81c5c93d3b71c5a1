/**
 * Child process entry for batched re-checks: one vitest (the target's own, through its Node API) runs
 * each job's test files with the job's file content written in, the original restored between jobs.
 * A canary first (the file made to throw on import) proves vitest sees each rewrite; a canary that
 * passes ends the batch unanswered. One JSON line per finished job on stdout; a job past the limit is
 * reported as timed out and ends the batch (the parent restores every file). argv: <job.json>.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BatchJob {
  cwd: string;
  config: string | null;
  /** A job running longer than this is a reproduced timeout: reported, and the batch ends. */
  limitMs: number;
  runs: { id: string; file: string; content: string; tests: string[] }[];
}

interface TestModuleLike {
  state(): string;
  children: { allTests(): Iterable<{ result(): { state: string } }> };
}
interface VitestLike {
  invalidateFile(file: string): void;
  getModuleSpecifications(file: string): unknown[];
  globTestSpecifications(): Promise<unknown[]>;
  runTestSpecifications(specs: unknown[], allTestsRun: boolean): Promise<{ testModules: TestModuleLike[]; unhandledErrors: unknown[] }>;
  close(): Promise<void>;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BatchJob;
const vitestDir = join(createRequire(join(job.cwd, 'noop.js')).resolve('vitest/package.json'), '..');
const nodeEntry = (JSON.parse(readFileSync(join(vitestDir, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> }).exports['./node']!.default;
const { createVitest } = (await import(pathToFileURL(join(vitestDir, nodeEntry)).href)) as {
  createVitest(mode: 'test', options: Record<string, unknown>): Promise<VitestLike>;
};
const quiet = {};
const vitest = await createVitest('test', { ...(job.config ? { config: job.config } : {}), root: job.cwd, watch: false, cache: false, fsModuleCache: false, coverage: { enabled: false }, reporters: [quiet], testTimeout: 10_000 });

/** Run `tests` (all of the config's when none) with `content` in `file`: counts of failed and passed tests. */
async function runWith(file: string, content: string, tests: readonly string[]) {
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, content);
  vitest.invalidateFile(file);
  try {
    const specs = tests.length > 0 ? tests.flatMap((t) => vitest.getModuleSpecifications(t)) : allSpecs;
    const { testModules, unhandledErrors } = await vitest.runTestSpecifications(specs, false);
    const states = testModules.flatMap((m) => [...m.children.allTests()].map((t) => t.result().state));
    const failedModules = testModules.filter((m) => m.state() === 'failed').length;
    return { failed: states.filter((s) => s === 'failed').length + failedModules + unhandledErrors.length, passed: states.filter((s) => s === 'passed').length };
  } finally {
    writeFileSync(file, original);
    vitest.invalidateFile(file);
  }
}

// The test files must be globbed once before getModuleSpecifications knows them.
const allSpecs = await vitest.globTestSpecifications();

/** runWith, or null past the job limit. */
async function timed(file: string, content: string, tests: readonly string[]) {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<null>((done) => (timer = setTimeout(() => done(null), job.limitMs)));
  const counts = await Promise.race([runWith(file, content, tests), limit]);
  clearTimeout(timer);
  return counts;
}

const first = job.runs[0]!;
const everyTest = job.runs.some((r) => r.tests.length === 0) ? [] : [...new Set(job.runs.flatMap((r) => r.tests))];
const canary = await timed(first.file, `${readFileSync(first.file, 'utf8')}\nthrow new Error('harness re-check canary');\n`, everyTest);
if (!canary || canary.failed === 0) {
  process.stdout.write(`${JSON.stringify({ canary: canary ? 'passed' : 'timeout' })}\n`);
} else {
  for (const r of job.runs) {
    const counts = await timed(r.file, r.content, r.tests);
    process.stdout.write(`${JSON.stringify({ id: r.id, ...(counts ?? { timeout: true }) })}\n`);
    if (!counts) process.exit(0);
  }
}
await vitest.close();
process.exit(0);
