import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../model.js';
import { repoPath } from './find.js';
import { lineHits, readCoverage } from './istanbul.js';

/**
 * Does a vitest config set coverage thresholds? Read as text: the config is code harness does not run.
 * A mention of `thresholds` is enough (a false yes only costs a coverage run); one set in a config the
 * file imports is not seen.
 */
export function declaresThresholds(config: string | null): boolean {
  if (!config) return false;
  try {
    return /\bthresholds\b/.test(readFileSync(config, 'utf8'));
  } catch {
    return false;
  }
}

/** What harness adds to a vitest run so that the repo's thresholds are evaluated and its coverage can be read. */
export function thresholdArgs(reportsDir: string): string[] {
  return ['--coverage.enabled=true', '--coverage.reporter=json', `--coverage.reportsDirectory=${reportsDir}`];
}

const MISSED = /ERROR: Coverage for (\w+) \(([\d.]+)%\) does not meet (global|"[^"]+") threshold \(([\d.]+)%\)/g;

/**
 * The repo's coverage thresholds a run missed, as findings: each threshold vitest reports, located at
 * the first uncovered line of each file below full coverage (for a per-file threshold, of that file).
 */
export function thresholdFindings(root: string, config: string, output: string, reportsDir: string): Finding[] {
  const missed = [...output.matchAll(MISSED)].map((m) => ({ metric: m[1]!, actual: m[2]!, scope: m[3]!, wanted: m[4]! }));
  if (missed.length === 0) return [];
  const cfg = repoPath(root, config);
  const figures = missed.map((m) => `${m.metric} ${m.actual}% < ${m.wanted}%`).join(', ');
  const uncovered: Finding[] = [];
  for (const [abs, file] of Object.entries(readCoverage(join(reportsDir, 'coverage-final.json')) ?? {})) {
    const line = [...lineHits(file)].filter(([, n]) => n === 0).map(([l]) => l).sort((a, b) => a - b)[0];
    if (line !== undefined) uncovered.push({ path: repoPath(root, abs), line, col: 1, message: `not covered by any test: below the coverage thresholds of ${cfg} (${figures})` });
  }
  return uncovered.length > 0 ? uncovered : [{ path: cfg, message: `coverage below its thresholds (${figures})` }];
}
