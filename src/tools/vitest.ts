import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExecResult, Finding, ToolContext } from '../model.js';
import { locate, majorOfBin, repoPath, type Located, type ToolSpec } from './find.js';

export const VITEST: ToolSpec = { pkg: 'vitest', bin: 'vitest' };
export const VITEST_CONFIGS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].flatMap((e) => [`vitest.config.${e}`, `vite.config.${e}`]);

export interface VitestFile {
  name: string;
  status: string;
  message?: string;
  assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
}

/** vitest's JSON reporter output (Jest-compatible). */
export interface VitestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: VitestFile[];
}

export function findVitest(root: string, fromDir: string): Located {
  return locate(root, fromDir, VITEST);
}

/** `path:line:col` of the first stack frame inside `file`, else of the first frame in the repo. */
function frameOf(root: string, file: string, messages: readonly string[]): Pick<Finding, 'path' | 'line' | 'col'> {
  const frames = [...messages.join('\n').matchAll(/(\/[^\s():]+):(\d+):(\d+)/g)];
  const frame = frames.find((m) => m[1] === file) ?? frames.find((m) => m[1]!.startsWith(root) && !m[1]!.includes('/node_modules/'));
  return frame ? { path: repoPath(root, frame[1]!), line: +frame[2]!, col: +frame[3]! } : { path: repoPath(root, file) };
}

function firstLine(text: string | undefined): string {
  return (text ?? '').replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n')[0] ?? '';
}

/** Failures of vitest's per-file results as findings. */
export function vitestFindings(root: string, files: readonly VitestFile[]): Finding[] {
  return files.flatMap((file) => {
    const failed = file.assertionResults.filter((a) => a.status === 'failed');
    if (file.status === 'failed' && failed.length === 0) {
      return [{ path: repoPath(root, file.name), line: 1, col: 1, message: `test file failed: ${firstLine(file.message) || 'no test ran'}` }];
    }
    return failed.map((a) => {
      const msgs = a.failureMessages ?? [];
      const at = frameOf(root, file.name, msgs);
      // A failure located in its file but on no line is shown as `path message` (no colon), as before.
      return at.line === undefined ? { path: null, message: `${at.path} ${a.fullName}: ${firstLine(msgs[0])}` } : { ...at, message: `${a.fullName}: ${firstLine(msgs[0])}` };
    });
  });
}

/**
 * `--project` arguments for a run of the vitest config at `config`: the chosen projects belong to the
 * repository's root config (where `test.projects` is declared), so only a run of that config takes them.
 */
export function projectArgs(root: string, config: string | null, projects: readonly string[] | null): string[] {
  if (!projects || !config || dirname(config) !== root) return [];
  return projects.flatMap((p) => ['--project', p]);
}

export interface VitestRun {
  /** Where vitest runs (its config's directory, or the repo root). */
  cwd: string;
  config: string | null;
  /** Arguments after `run --config …` (reporters, filters, coverage options). */
  args: readonly string[];
  /** `vitest related <files> --run`: only the test files whose imports reach these source files. */
  related?: readonly string[];
  /** Where the JSON reporter writes, when the caller reads its report. */
  report?: string;
  timeoutMs?: number;
}

/**
 * One `vitest run` of the target's own vitest in CI mode (no snapshot writes, `.only` is an error) and
 * without its results cache (nothing written into the work tree), and
 * its JSON report when one was asked for (null when vitest wrote none or an unreadable one).
 */
export async function runVitest(ctx: ToolContext, argv: readonly string[], run: VitestRun): Promise<{ res: ExecResult; report: VitestReport | null }> {
  const reporting = run.report ? ['--reporter=json', `--outputFile.json=${run.report}`] : [];
  // --no-cache: vitest's results cache would be written into the user's tree (node_modules/.vite/ beside
  // the config); from Vitest 5 its module cache too (node_modules/.vitest-cache/), a flag Vitest 4 refuses.
  const caches = ['--no-cache', ...((majorOfBin(argv[1]!, 'vitest') ?? 0) >= 5 ? ['--no-fsModuleCache'] : [])];
  const verb = run.related ? ['related', ...run.related, '--run'] : ['run'];
  const res = await ctx.exec([...argv, ...verb, ...caches, ...(run.config ? ['--config', run.config] : []), ...reporting, ...run.args], {
    cwd: run.cwd,
    env: { ...process.env, CI: 'true' },
    ...(run.timeoutMs ? { timeoutMs: run.timeoutMs } : {}),
  });
  if (!run.report) return { res, report: null };
  try {
    return { res, report: JSON.parse(readFileSync(run.report, 'utf8')) as VitestReport };
  } catch {
    return { res, report: null };
  }
}
