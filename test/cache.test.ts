import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, commitAll, git, GUARDS, harness, harnessAsync, leafEdit, tempDir, workspace, write } from './helpers.js';

const CLI = ['lint:cli', 'typecheck:cli', 'test:cli'];
// In-process guards are cached too: their key is every file, the merge-base and the scopes they cover.
const ALL = [...CLI, ...GUARDS].sort();
const cachedIds = (run: ReturnType<typeof harness>) => (run.env.result.checks ?? []).filter((c) => c.cached).map((c) => c.id).sort();

describe('result cache', () => {
  it('a second loop reuses passes; a dependency or lockfile edit runs them again; --no-cache and gate run everything', () => {
    const dir = workspace();
    leafEdit(dir);
    const first = harness(['loop', '--cwd', dir]);
    expect(first.code).toBe(0);
    expect(cachedIds(first)).toEqual([]);
    const second = harness(['loop', '--cwd', dir]);
    expect(second.code).toBe(0);
    expect(cachedIds(second)).toEqual(ALL);
    expect(harness(['loop', '--cwd', dir, '--no-cache']).env.result.checks!.some((c) => c.cached)).toBe(false);
    expect(harness(['gate', '--cwd', dir, '--only', CLI.join(',')]).env.result.checks!.some((c) => c.cached)).toBe(false);
    expect(cachedIds(harness(['gate', '--cwd', dir, '--only', CLI.join(','), '--cache']))).toEqual([...CLI].sort());

    append(dir, 'packages/core/src/numbers.ts', '\nexport const touched = 1;\n');
    const dep = harness(['loop', '--cwd', dir, '--only', CLI.join(',')]);
    expect(cachedIds(dep)).toEqual([]); // core is cli's dependency: lint (type-aware rules), typecheck and test run again

    append(dir, 'package-lock.json', '\n');
    expect(cachedIds(harness(['loop', '--cwd', dir, '--only', CLI.join(',')]))).toEqual([]);
  });

  it('a file no scope owns is every check\'s input: changing it runs them again', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'shared'));
    write(dir, 'shared/depth.ts', 'export const DEPTH = 3;\n');
    leafEdit(dir);
    harness(['loop', '--cwd', dir, '--only', CLI.join(',')]);
    expect(cachedIds(harness(['loop', '--cwd', dir, '--only', CLI.join(',')]))).toEqual([...CLI].sort());
    write(dir, 'shared/depth.ts', 'export const DEPTH = 4;\n');
    expect(cachedIds(harness(['loop', '--cwd', dir, '--only', CLI.join(',')]))).toEqual([]);
  });

  it('a typecheck pass is not reused by a run that plans other typechecks (it leaves their diagnostics to them)', () => {
    const dir = workspace();
    leafEdit(dir);
    harness(['loop', '--cwd', dir, '--only', 'typecheck:cli,typecheck:core']);
    expect(cachedIds(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli']))).toEqual([]);
    expect(cachedIds(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli']))).toEqual(['typecheck:cli']);
  });

  it('a guard pass is reused only for the same merge-base and the same scopes', () => {
    const dir = workspace();
    leafEdit(dir);
    harness(['loop', '--cwd', dir]); // graph over the expanded scopes: cli
    expect(cachedIds(harness(['loop', '--cwd', dir]))).toContain('graph');
    expect(cachedIds(harness(['loop', '--cwd', dir, '--only', 'graph']))).toEqual([]); // --only: every scope
    expect(cachedIds(harness(['loop', '--cwd', dir, '--only', 'graph']))).toEqual(['graph']);
    commitAll(dir); // a new merge-base: nothing changed since it
    write(dir, 'packages/cli/src/extra.ts', 'export const extra = 1;\n');
    expect(cachedIds(harness(['loop', '--cwd', dir, '--only', 'graph']))).toEqual([]);
  });

  it('failures are never cached', () => {
    const dir = workspace();
    append(dir, 'packages/cli/test/args.test.ts', "\nit('fails', () => {\n  expect(1).toBe(2);\n});\n");
    for (let i = 0; i < 2; i++) {
      const run = harness(['loop', '--cwd', dir, '--only', 'test:cli']);
      expect(check(run, 'test:cli')).toMatchObject({ status: 'fail' });
      expect(check(run, 'test:cli').cached).toBeUndefined();
    }
  });

  it('two loops at once leave a readable cache', async () => {
    const dir = workspace();
    leafEdit(dir);
    const runs = await Promise.all([harnessAsync(['loop', '--cwd', dir]).done, harnessAsync(['loop', '--cwd', dir]).done]);
    for (const r of runs) expect(r.code).toBe(0);
    const cacheDir = join(dir, '.git/harness/cache');
    const entries = readdirSync(cacheDir);
    expect(entries.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    for (const n of entries.filter((e) => e.endsWith('.json'))) expect(JSON.parse(readFileSync(join(cacheDir, n), 'utf8'))).toHaveProperty('id');
    expect(cachedIds(harness(['loop', '--cwd', dir]))).toEqual(ALL);
  });

  it("two worktrees of one repository at the same commit: the second one's loop reuses the first one's passes (the cache is under git's common dir)", () => {
    const dir = workspace();
    git(dir, 'checkout', '-q', '-b', 'work');
    leafEdit(dir);
    commitAll(dir, 'the change');
    expect(harness(['loop', '--cwd', dir]).code).toBe(0);
    const other = join(tempDir('harness-wt-'), 'wt');
    git(dir, 'worktree', 'add', '-q', '--detach', other, 'work');
    // Its own install, as a worktree gets one: the same links (workspace packages point into the worktree).
    cpSync(join(dir, 'node_modules'), join(other, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    const second = harness(['loop', '--cwd', other]);
    expect(second.code).toBe(0);
    expect(cachedIds(second)).toEqual(ALL);
    // A different change in the second worktree is not the first one's pass.
    append(other, 'packages/cli/src/index.ts', '\nexport const other = 2;\n');
    expect(cachedIds(harness(['loop', '--cwd', other]))).not.toContain('test:cli');
  });
});
