import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckContext } from '../checks/check.js';
import { repoPath } from '../checks/tools.js';
import { mutantId, type Candidate } from './mutants.js';

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

const require = createRequire(import.meta.url);
const CHILD = fileURLToPath(new URL('./stryker-child.js', import.meta.url));
const PROGRESS = fileURLToPath(new URL('./stryker-progress.js', import.meta.url));

/**
 * Run Stryker (pinned @stryker-mutator/core + vitest-runner, through its API in a child process rooted
 * at `cwd` in the sandbox) on exactly the selected mutants: one mutate range per mutant (lines 1-based,
 * columns 0-based), so only those (and mutants nested inside them, which are dropped) are tested.
 */
export async function runStryker(
  ctx: CheckContext,
  box: string,
  group: { cwd: string; config: string | null },
  mutants: readonly Candidate[],
  n: number,
  onProgress: (done: number, total: number) => void,
): Promise<Map<string, StrykerResult> | { error: string }> {
  const ranges = mutants.map((m) => `${relative(group.cwd, join(box, m.file))}:${m.line}:${m.col - 1}-${m.endLine}:${m.endCol - 1}`);
  const optionsFile = join(ctx.runDir, `stryker-${n}.options.json`);
  const resultsFile = join(ctx.runDir, `stryker-${n}.results.json`);
  const options = {
    testRunner: 'vitest',
    plugins: [require.resolve('@stryker-mutator/vitest-runner'), PROGRESS],
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
    env: { ...process.env, CI: 'true' },
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
  const byId = new Map<string, StrykerResult>();
  for (const r of results) {
    const key = {
      file: repoPath(box, r.fileName),
      line: r.location.start.line,
      col: r.location.start.column,
      endLine: r.location.end.line,
      endCol: r.location.end.column,
      mutator: r.mutatorName,
      replacement: r.replacement,
    };
    byId.set(mutantId(key), r);
  }
  return byId;
}
