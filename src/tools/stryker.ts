import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToolContext } from '../model.js';

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
const PROGRESS = fileURLToPath(new URL('./stryker-progress.js', import.meta.url));
const CHOSEN = fileURLToPath(new URL('./stryker-chosen.js', import.meta.url));

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
 * Run Stryker (pinned @stryker-mutator/core + vitest-runner, through its API in a child process rooted
 * at `cwd` in the sandbox) on exactly the given mutant spans (`file` relative to `box`): one mutate
 * range per span (lines 1-based, columns 0-based), and the harness-chosen ignorer, so the mutants
 * nested inside a span are not run. Returns Stryker's results, or why there are none.
 */
export async function runStryker(
  ctx: ToolContext,
  box: string,
  group: { cwd: string; config: string | null },
  mutants: readonly Span[],
  n: number,
  onProgress: (done: number, total: number) => void,
): Promise<StrykerResult[] | { error: string }> {
  const ranges = mutants.map((m) => `${relative(group.cwd, join(box, m.file))}:${m.line}:${m.col - 1}-${m.endLine}:${m.endCol - 1}`);
  const optionsFile = join(ctx.runDir, `stryker-${n}.options.json`);
  const resultsFile = join(ctx.runDir, `stryker-${n}.results.json`);
  const chosenFile = join(ctx.runDir, `stryker-${n}.chosen.json`);
  writeFileSync(chosenFile, JSON.stringify(mutants.map((m) => [m.line, m.col, m.endLine, m.endCol])));
  const options = {
    testRunner: 'vitest',
    plugins: [require.resolve('@stryker-mutator/vitest-runner'), PROGRESS, CHOSEN],
    ignorers: ['harness-chosen'],
    reporters: ['json', 'harness-progress'],
    jsonReporter: { fileName: join(ctx.runDir, `mutation-report-${n}.json`) },
    mutate: [...new Set(ranges)],
    coverageAnalysis: 'perTest',
    concurrency: availableParallelism(),
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    logLevel: 'info',
    fileLogLevel: 'off',
    incremental: false,
    thresholds: { high: 100, low: 100, break: null },
    ...(group.config ? { vitest: { configFile: relative(group.cwd, group.config) } } : {}),
  };
  writeFileSync(optionsFile, JSON.stringify(options, null, 2));
  let pending = '';
  const res = await ctx.exec([process.execPath, CHILD, optionsFile, resultsFile], {
    cwd: group.cwd,
    env: { ...process.env, CI: 'true', HARNESS_STRYKER_CHOSEN: chosenFile },
    onStdout: (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) {
        const m = /^HARNESS_MUTANT (\d+) (\d+)$/.exec(l);
        if (m) onProgress(+m[1]!, +m[2]!);
      }
    },
  });
  if (res.aborted) return { error: 'Stryker was interrupted' };
  let results: StrykerResult[];
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8')) as StrykerResult[];
  } catch {
    const lines = res.tail.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim()).filter(Boolean);
    const errors = lines.filter((l) => /\b(ERROR|Error)\b/.test(l));
    const why = (errors.length > 0 ? errors.slice(0, 2) : lines.slice(-3)).join(' | ');
    return { error: `Stryker did not finish (exit ${res.code ?? res.signal}): ${why}` };
  }
  return results;
}
