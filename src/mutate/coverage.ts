import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ToolContext } from '../model.js';
import { findVitest, runVitest } from '../tools/vitest.js';

type Span = { start: { line: number }; end: { line: number } };

interface IstanbulFile {
  statementMap: Record<string, Span>;
  s: Record<string, number>;
  fnMap: Record<string, { decl: Span }>;
  f: Record<string, number>;
}

/**
 * Hit count per executable line. A line where statements start takes the best of those statements;
 * a line inside a statement takes its innermost enclosing statement (so a line in a branch that never
 * runs is not "executed" because its `if` was); a function's declaration line (a signature with default
 * values) takes the function's count. Lines with none of these are not executable.
 */
export function lineHits(cov: IstanbulFile): Map<number, number> {
  const hits = new Map<number, number>();
  const statements = Object.entries(cov.statementMap).map(([k, span]) => ({ span, n: cov.s[k] ?? 0 }));
  const starts = new Map<number, number>();
  for (const { span, n } of statements) starts.set(span.start.line, Math.max(starts.get(span.start.line) ?? 0, n));
  for (const [line, n] of starts) hits.set(line, n);
  for (const { span } of statements) {
    for (let l = span.start.line + 1; l <= span.end.line; l++) {
      if (starts.has(l) || hits.has(l)) continue;
      const inner = statements
        .filter((s) => s.span.start.line < l && s.span.end.line >= l)
        .sort((a, b) => a.span.end.line - a.span.start.line - (b.span.end.line - b.span.start.line))[0];
      if (inner) hits.set(l, inner.n);
    }
  }
  for (const [k, fn] of Object.entries(cov.fnMap ?? {})) {
    for (let l = fn.decl.start.line; l <= fn.decl.end.line; l++) if (!hits.has(l)) hits.set(l, cov.f[k] ?? 0);
  }
  return hits;
}

export interface LineCoverage {
  /** Changed lines some test executes, per repo-relative file. */
  executed: Map<string, number[]>;
  /** Changed executable lines (holding a statement) that no test executes. */
  untested: { file: string; line: number }[];
  /** Changed files the coverage report does not know at all (nothing can be said of their lines). */
  unknown: string[];
}

/**
 * Which changed lines the tests execute: one vitest run with V8 coverage (`@vitest/coverage-v8`) in the
 * sandbox, per vitest config. Chosen over Stryker's perTest coverage because it answers for every
 * changed statement, not only for the mutants selected to run.
 */
export async function lineCoverage(
  ctx: ToolContext,
  box: string,
  group: { cwd: string; config: string | null; files: Map<string, number[]> },
  n: number,
): Promise<LineCoverage | { error: string }> {
  const tool = findVitest(box, group.cwd);
  if ('missing' in tool) return { error: tool.missing };
  const reports = join(ctx.runDir, `coverage-${n}`);
  const include = [...group.files.keys()].flatMap((f) => ['--coverage.include', relative(group.cwd, join(box, f))]);
  const coverage = ['--coverage.enabled', '--coverage.provider=v8', '--coverage.reporter=json', `--coverage.reportsDirectory=${reports}`];
  const { res } = await runVitest(ctx, tool.argv, { cwd: group.cwd, config: group.config, args: [...coverage, ...include, '--reporter=default'] });
  if (res.aborted) return { error: 'the coverage run was interrupted' };
  if (/Cannot find (package|dependency) '@vitest\/coverage-v8'|MISSING DEPENDENCY/i.test(res.tail)) {
    return { error: '@vitest/coverage-v8 is not installed: harness mutate needs it to find changed lines no test executes (npm i -D @vitest/coverage-v8)' };
  }
  if (res.code !== 0) return { error: `the tests fail before any mutation (vitest exit ${res.code}): run harness loop first` };
  let data: Record<string, IstanbulFile>;
  try {
    data = JSON.parse(readFileSync(join(reports, 'coverage-final.json'), 'utf8')) as Record<string, IstanbulFile>;
  } catch {
    return { error: 'vitest wrote no coverage report' };
  }
  const executed = new Map<string, number[]>();
  const untested: LineCoverage['untested'] = [];
  const unknown: string[] = [];
  for (const [file, lines] of group.files) {
    const cov = data[join(box, file)];
    if (!cov) {
      unknown.push(file);
      continue;
    }
    const hits = lineHits(cov);
    const run = lines.filter((l) => (hits.get(l) ?? 0) > 0);
    if (run.length > 0) executed.set(file, run);
    for (const l of lines) if (hits.get(l) === 0) untested.push({ file, line: l });
  }
  return { executed, untested, unknown };
}
