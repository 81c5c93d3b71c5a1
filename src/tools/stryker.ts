import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecResult, ToolContext } from '../model.js';
import { findPackage, packageVersion } from './find.js';
import { strykerFor } from './stryker-install.js';

export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

export interface StrykerResult {
  status: MutantStatus;
  mutatorName: string;
  replacement: string;
  fileName: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  coveredBy?: string[];
  killedBy?: string[];
  testsCompleted?: number;
  statusReason?: string;
}

/** A source range (1-based lines and columns, end exclusive), as harness reports mutants. */
export interface Span {
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** A mutant Stryker's instrumenter places (0-based lines and columns, end exclusive). */
export interface InstrumenterMutant {
  mutatorName: string;
  replacement: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

const require = createRequire(import.meta.url);
const CHILD = fileURLToPath(new URL('./stryker-child.js', import.meta.url));
const PLAN = fileURLToPath(new URL('./stryker-plan.js', import.meta.url));
const CHOSEN = fileURLToPath(new URL('./stryker-chosen.js', import.meta.url));
const RUNNER = fileURLToPath(new URL('./stryker-runner.js', import.meta.url));

const quiet = new Proxy({}, { get: (_t, key) => (String(key).startsWith('is') ? () => false : () => undefined) });

/**
 * Every mutant Stryker's own instrumenter places wholly inside the given line runs of a file (1-based,
 * inclusive); the instrumenter is loaded only here, for `harness mutate`.
 */
export async function instrument(abs: string, source: string, runs: readonly [number, number][]): Promise<InstrumenterMutant[]> {
  const { Instrumenter } = (await import(require.resolve('@stryker-mutator/instrumenter'))) as {
    Instrumenter: new (logger: unknown) => { instrument(files: unknown[], options: unknown): Promise<{ mutants: InstrumenterMutant[] }> };
  };
  const ranges = runs.map(([a, b]) => ({ start: { line: a - 1, column: 0 }, end: { line: b - 1, column: Number.MAX_SAFE_INTEGER } }));
  const { mutants } = await new Instrumenter(quiet).instrument([{ name: abs, content: source, mutate: ranges }], {
    plugins: null,
    excludedMutations: [],
    ignorers: [],
  });
  return mutants;
}

/**
 * Stryker's options for one group's run: exactly the given spans, harness's plugins, in place. The test
 * runner is harness's wrapper of the target's vitest-runner (loaded too, for its options schema).
 */
function strykerOptions(ctx: ToolContext, box: string, group: { cwd: string; config: string | null }, runner: string, mutants: readonly Span[], n: number) {
  const ranges = mutants.map((m) => `${relative(group.cwd, join(box, m.file))}:${m.line}:${m.col - 1}-${m.endLine}:${m.endCol - 1}`);
  return {
    testRunner: 'harness-vitest',
    plugins: [runner, PLAN, CHOSEN, RUNNER],
    ignorers: ['harness-chosen'],
    reporters: ['json', 'harness-plan'],
    jsonReporter: { fileName: join(ctx.runDir, `mutation-report-${n}.json`) },
    mutate: [...new Set(ranges)],
    coverageAnalysis: 'perTest',
    concurrency: availableParallelism(),
    // In place: the sandbox is harness's own copy already, and Stryker's copy would rewrite tsconfigs
    // through the target's TypeScript, which from TypeScript 7 has no JS API.
    inPlace: true,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    logLevel: 'info',
    fileLogLevel: 'off',
    incremental: false,
    thresholds: { high: 100, low: 100, break: null },
    ...(group.config ? { vitest: { configFile: relative(group.cwd, group.config) } } : {}),
  };
}

/** Stryker's results, or why it wrote none (its first error lines). */
function readResults(resultsFile: string, res: ExecResult): StrykerResult[] | { error: string } {
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as StrykerResult[];
  } catch {
    const lines = res.tail.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim()).filter(Boolean);
    // An error line ending in ':' is followed by its reason (the dry run's test error).
    const errors = lines.flatMap((l, i) => (/\b(ERROR|Error)\b/.test(l) ? [l.endsWith(':') && lines[i + 1] ? `${l} ${lines[i + 1]}` : l] : []));
    const why = (errors.length > 0 ? errors.slice(0, 2) : lines.slice(-3)).join(' | ');
    return { error: `Stryker did not finish (exit ${res.code ?? res.signal}): ${why}` };
  }
}

/**
 * A mutant as Stryker planned it (positions from 1, as in its results), and what the dry run says of
 * it: a test ran its code (a static one counts), none did, or nothing (Stryker ignores it).
 */
export interface PlannedMutant extends Pick<StrykerResult, 'fileName' | 'location' | 'mutatorName' | 'replacement'> {
  id: string;
  coverage: 'covered' | 'uncovered' | 'unknown';
}

/** How one Stryker run goes: which files it numbers, progress, and (`choose`) which planned mutants it runs. */
export interface StrykerRunOptions {
  n: number;
  onProgress(done: number, total: number): void;
  /** After the dry run: the Stryker ids of the mutants to run (the rest are skipped, their results meaningless). Absent: all. */
  choose?: (planned: PlannedMutant[]) => string[];
}

/** What one Stryker run answers: each mutant's result, and how long its dry run's tests took (ms). */
export interface StrykerRun {
  results: StrykerResult[];
  dryRunMs: number;
}

/** Answer Stryker's plan (the file the harness-plan reporter named): the chosen ids, written whole by rename; none when choosing failed (why, returned). */
function answerPlan(file: string, choose: StrykerRunOptions['choose']): string | null {
  let ids: string[] = [];
  let failed: string | null = null;
  try {
    ids = choose ? choose(JSON.parse(readFileSync(file, 'utf8')) as PlannedMutant[]) : [];
  } catch (e) {
    failed = `harness could not choose among Stryker's planned mutants: ${(e as Error).message}`;
  }
  writeFileSync(`${file}.tmp`, JSON.stringify(ids));
  renameSync(`${file}.tmp`, `${file}.run.json`);
  return failed;
}

/** Stryker's stdout lines for harness: progress, the dry run's time, the plan to answer. */
function lineReader(o: StrykerRunOptions, seen: { dryRunMs: number; planError: string | null }) {
  let pending = '';
  return (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const l of lines) {
      const m = /^HARNESS_MUTANT (\d+) (\d+)$/.exec(l);
      if (m) o.onProgress(+m[1]!, +m[2]!);
      seen.dryRunMs = Number(/^HARNESS_DRYRUN (\d+)$/.exec(l)?.[1] ?? seen.dryRunMs);
      const plan = /^HARNESS_PLAN (.+)$/.exec(l)?.[1];
      if (plan) seen.planError ??= answerPlan(plan, o.choose);
    }
  };
}

/**
 * Run Stryker (the target's own @stryker-mutator/core + vitest-runner, else the bundled 9.6.1, through
 * its API in a child process rooted at `cwd` in the sandbox) on exactly the given mutant spans (`file`
 * relative to `box`): one mutate range per span (lines 1-based, columns 0-based), and the harness-chosen
 * ignorer, so the mutants nested inside a span are not run; the projects of `--project` in `extra`. In place, so the mutated files are restored
 * afterwards whatever became of Stryker. Returns Stryker's results, or why there are none.
 */
export async function runStryker(ctx: ToolContext, box: string, group: { cwd: string; config: string | null; extra?: readonly string[] }, mutants: readonly Span[], o: StrykerRunOptions): Promise<StrykerRun | { error: string }> {
  const vitest = findPackage(box, group.cwd, 'vitest');
  const install = vitest ? strykerFor(box, group.cwd, packageVersion(vitest)) : { error: 'vitest is not installed' };
  if ('error' in install) return install;
  const [optionsFile, resultsFile, chosenFile, planFile] = ['options', 'results', 'chosen', 'plan'].map((k) => join(ctx.runDir, `stryker-${o.n}.${k}.json`)) as [string, string, string, string];
  writeFileSync(chosenFile, JSON.stringify(mutants.map((m) => [m.line, m.col, m.endLine, m.endCol])));
  writeFileSync(optionsFile, JSON.stringify(strykerOptions(ctx, box, group, install.runner, mutants, o.n), null, 2));
  const originals = new Map([...new Set(mutants.map((m) => join(box, m.file)))].map((f) => [f, readFileSync(f)]));
  const seen = { dryRunMs: 0, planError: null as string | null };
  // The `--project` filters loop's test runs with, for the harness-vitest runner.
  const projects = (group.extra ?? []).flatMap((a, i, all) => (all[i - 1] === '--project' ? [a] : []));
  const env = {
    ...process.env,
    CI: 'true',
    HARNESS_STRYKER_CHOSEN: chosenFile,
    HARNESS_STRYKER_RUNNER: install.runner,
    ...(o.choose ? { HARNESS_STRYKER_PLAN: planFile } : {}),
    ...(projects.length > 0 ? { HARNESS_VITEST_PROJECTS: JSON.stringify(projects) } : {}),
  };
  try {
    const res = await ctx.exec([process.execPath, CHILD, optionsFile, resultsFile, install.core], { cwd: group.cwd, env, onStdout: lineReader(o, seen) });
    if (res.aborted) return { error: 'Stryker was interrupted' };
    if (seen.planError) return { error: seen.planError };
    const results = readResults(resultsFile, res);
    return 'error' in results ? results : { results, dryRunMs: seen.dryRunMs };
  } finally {
    for (const [file, text] of originals) if (!readFileSync(file).equals(text)) writeFileSync(file, text);
  }
}
