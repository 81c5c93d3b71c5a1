import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToolContext } from '../model.js';
import type { BatchJob } from '../tools/vitest-batch-child.js';
import { findVitest, runVitest } from '../tools/vitest.js';
import type { Candidate } from './mutants.js';

export type Recheck = { verdict: 'survives' | 'killed'; tests: number } | { verdict: 'error'; why: string };

/** Replace a 1-based, end-exclusive location of `source` with `replacement`. */
export function applyMutant(source: string, m: Pick<Candidate, 'line' | 'col' | 'endLine' | 'endCol' | 'replacement'>): string {
  const lines = source.split('\n');
  const offset = (line: number, col: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
  return source.slice(0, offset(m.line, m.col)) + m.replacement + source.slice(offset(m.endLine, m.endCol));
}

/**
 * Re-check a mutant with plain vitest (Stryker's vitest runner has reported false survivors): apply it
 * to the sandbox copy, run its covering test files (or all of the config's tests when Stryker named
 * none), and restore the file. A failing run kills it; a run with no test is an error, never a verdict.
 */
export async function recheck(
  ctx: ToolContext,
  box: string,
  group: { cwd: string; config: string | null },
  m: Candidate,
  testFiles: readonly string[],
  n: number,
  timeoutMs: number,
): Promise<Recheck> {
  const tool = findVitest(box, group.cwd);
  if ('missing' in tool) return { verdict: 'error', why: tool.missing };
  const file = join(box, m.file);
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, applyMutant(original, m));
  try {
    const { res, report: parsed } = await runVitest(ctx, tool.argv, {
      cwd: group.cwd,
      config: group.config,
      report: join(ctx.runDir, `recheck-${n}.vitest.json`),
      args: ['--testTimeout=10000', ...testFiles.map((t) => join(group.cwd, t))],
      timeoutMs,
    });
    if (res.aborted) return { verdict: 'killed', tests: 0 }; // hung under the mutant: a reproduced timeout
    if (!parsed) return { verdict: 'error', why: `plain vitest wrote no report (exit ${res.code})` };
    if (parsed.numFailedTests > 0 || parsed.testResults.some((t) => t.status === 'failed')) return { verdict: 'killed', tests: parsed.numTotalTests };
    if (parsed.numPassedTests === 0) return { verdict: 'error', why: 'the plain vitest re-run executed no test' };
    return { verdict: 'survives', tests: parsed.numPassedTests };
  } finally {
    writeFileSync(file, original);
  }
}

const BATCH_CHILD = fileURLToPath(new URL('../tools/vitest-batch-child.js', import.meta.url));

/** A survivor to re-check, with the test files Stryker says cover it (relative to the group's cwd). */
export interface RecheckItem {
  mutant: Candidate;
  tests: string[];
}

/**
 * The survivors' answers from one vitest process for the whole group (the target's vitest Node API,
 * one run per mutant, a canary first). "survives" is taken from it, and so is a hang (past the limit: a
 * reproduced timeout, as in a process of its own, which would only hang again); a kill, a run with no
 * test or a canary that passed is asked again of its own plain vitest process.
 */
async function batchSurvivors(ctx: ToolContext, box: string, group: { cwd: string; config: string | null }, items: readonly RecheckItem[], n: number, limitMs: number) {
  const originals = new Map(items.map(({ mutant }) => [join(box, mutant.file), readFileSync(join(box, mutant.file), 'utf8')]));
  const runs = items.map(({ mutant, tests }) => ({ id: mutant.id, file: join(box, mutant.file), content: applyMutant(originals.get(join(box, mutant.file))!, mutant), tests: tests.map((t) => join(group.cwd, t)) }));
  const job: BatchJob = { cwd: group.cwd, config: group.config, limitMs, runs };
  const jobFile = join(ctx.runDir, `recheck-batch-${n}.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  const answers = new Map<string, Recheck>();
  try {
    const res = await ctx.exec([process.execPath, BATCH_CHILD, jobFile], { cwd: group.cwd, env: { ...process.env, CI: 'true' }, timeoutMs: limitMs * (items.length + 2) });
    for (const line of res.stdout.split('\n')) {
      const r = /^\{.*\}$/.test(line) ? (JSON.parse(line) as { id?: string; failed?: number; passed?: number; timeout?: boolean }) : {};
      if (r.id && r.timeout) answers.set(r.id, { verdict: 'killed', tests: 0 });
      else if (r.id && r.failed === 0 && (r.passed ?? 0) > 0) answers.set(r.id, { verdict: 'survives', tests: r.passed! });
    }
  } finally {
    for (const [file, text] of originals) writeFileSync(file, text);
  }
  return answers;
}

/** Re-check every survivor of a group: batched in one vitest process when there are several. */
export async function recheckAll(ctx: ToolContext, box: string, group: { cwd: string; config: string | null }, items: readonly RecheckItem[], n: number, limitMs: number): Promise<Map<string, Recheck>> {
  const out = new Map<string, Recheck>();
  const batched = items.length > 1 ? await batchSurvivors(ctx, box, group, items, n, limitMs) : new Map<string, Recheck>();
  for (const [k, { mutant, tests }] of items.entries()) out.set(mutant.id, batched.get(mutant.id) ?? (await recheck(ctx, box, group, mutant, tests, n * 1000 + k, limitMs)));
  return out;
}
