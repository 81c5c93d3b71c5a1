import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, checkIds, git, GUARDS, harness, leafEdit, PREFIX, scopeCheckIds, workspace, write } from './helpers.js';

const CLI_CHECKS = ['lint:cli', 'test:cli', 'typecheck:cli'];

describe('harness loop on the demo workspace (real eslint, tsc, vitest)', () => {
  it('a leaf edit runs only that scope’s checks, green, and points to mutate', () => {
    const dir = workspace();
    leafEdit(dir);
    const run = harness(['loop', '--cwd', dir]);
    expect(run.code).toBe(0);
    expect(run.env.ok).toBe(true);
    expect(checkIds(run)).toEqual([...GUARDS, ...CLI_CHECKS].sort());
    expect(run.env.result.checks!.every((c) => c.status === 'pass')).toBe(true);
    expect(run.stderr).toBe(''); // not a TTY, no --progress: stderr stays quiet
    expect(run.env.next_actions[0]!.command).toBe(`${PREFIX} --cwd ${dir} mutate`);
    for (const c of run.env.result.checks!) expect(readFileSync(join(dir, c.log!), 'utf8')).toContain('STATUS pass');
    expect(git(dir, 'status', '--porcelain')).toBe(' M packages/cli/src/args.ts\n M packages/cli/test/args.test.ts\n');
  });

  it('a type error, a lint error and a failing test each fail with file:line; fixing them goes green', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\nexport const depth: number = "3";\nexport function id(v: any) {\n  return v;\n}\n');
    write(dir, 'packages/cli/test/depth.test.ts', "import { expect, it } from 'vitest';\nimport { formatArg } from '../src/index';\n\nit('formats depth', () => {\n  expect(formatArg('depth', 3)).toEqual(['--depth', '4']);\n});\n");
    const red = harness(['loop', '--cwd', dir]);
    expect(red.code).toBe(1);
    expect(red.env.ok).toBe(false);
    expect(check(red, 'typecheck:cli')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/cli\/src\/args\.ts:18:14 TS2322: /)] });
    expect(check(red, 'lint:cli')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/cli\/src\/args\.ts:19:23 .*no-explicit-any/)] });
    expect(check(red, 'test:cli')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/cli\/test\/depth\.test\.ts:5:\d+ formats depth: AssertionError/)] });
    expect(red.env.result.summary).toMatchObject({ total: 8, failed: 3, passed: 5 });
    expect(red.env.next_actions[0]!.command).toBe(`${PREFIX} --cwd ${dir} loop --only lint:cli,typecheck:cli,test:cli`);
    const log = readFileSync(join(dir, check(red, 'typecheck:cli').log!), 'utf8');
    expect(log).toMatch(/^ERROR packages\/cli\/src\/args\.ts:18:14 TS2322/m);

    git(dir, 'checkout', '--', 'packages/cli/src/args.ts');
    append(dir, 'packages/cli/src/args.ts', '\nexport const depth: number = 3;\nexport function id(v: unknown) {\n  return v;\n}\n');
    write(dir, 'packages/cli/test/depth.test.ts', "import { expect, it } from 'vitest';\nimport { formatArg } from '../src/index';\n\nit('formats depth', () => {\n  expect(formatArg('depth', 3)).toEqual(['--depth', '3']);\n});\n");
    const green = harness(['loop', '--cwd', dir, '--progress']);
    const lines = green.stderr.trim().split('\n');
    expect(lines).toHaveLength(9); // the budget plan, then one line per check
    expect(lines[0]).toMatch(/^harness loop: 8 checks, expected \d+\.\ds of the 180s budget$/);
    expect(green.stderr).toMatch(/^harness loop: \[8\/8\] pass \S+ \(\d+\.\ds\)$/m);
    expect(green.code).toBe(0);
    expect(green.env.result.summary).toMatchObject({ total: 8, passed: 8 });
  });

  it('a tool that is not installed is an error saying what to install, never a pass', () => {
    const dir = workspace();
    rmSync(join(dir, 'node_modules/vitest'));
    append(dir, 'packages/cli/src/args.ts', '\nexport const z = 0;\n');
    const run = harness(['loop', '--cwd', dir]);
    expect(run.code).toBe(1);
    expect(check(run, 'test:cli')).toMatchObject({ status: 'error', details: [expect.stringContaining('npm i -D vitest')] });
    expect(check(run, 'lint:cli').status).toBe('pass');
  });

  it('a test file that fails to load is a failure naming the file', () => {
    const dir = workspace();
    write(dir, 'packages/cli/test/broken.test.ts', "import { nothing } from './does-not-exist';\nnothing();\n");
    const run = harness(['loop', '--cwd', dir, '--only', 'test:cli']);
    expect(run.code).toBe(1);
    expect(check(run, 'test:cli').details[0]).toMatch(/^packages\/cli\/test\/broken\.test\.ts:1:1 test file failed: .*does-not-exist/);
  });
});

describe('root configs: one tsconfig, one vitest config with projects', () => {
  it('loop limits vitest to the scope and reports only its failures', () => {
    const dir = workspace('rootcfg');
    append(dir, 'packages/feature/test/scheduler.test.ts', "\nit('is wrong', () => {\n  expect(1).toBe(2);\n});\n");
    const run = harness(['loop', '--cwd', dir]);
    expect(scopeCheckIds(run)).toEqual(['lint:feature', 'test:feature', 'typecheck:feature']);
    expect(check(run, 'test:feature')).toMatchObject({
      status: 'fail',
      details: [expect.stringMatching(/^packages\/feature\/test\/scheduler\.test\.ts:\d+:\d+ is wrong: AssertionError: expected 1 to be 2/)],
    });
    expect(check(run, 'typecheck:feature').status).toBe('pass');
    const runDir = join(dir, '.harness/runs', run.env.result.run_id!);
    const report = JSON.parse(readFileSync(join(runDir, readdirSync(runDir).find((f) => f.endsWith('.vitest.json'))!), 'utf8')) as {
      testResults: { name: string }[];
    };
    expect(report.testResults.map((t) => t.name.slice(dir.length))).toEqual(['/packages/feature/test/scheduler.test.ts']);
  });

  it('a type error in one scope is reported by that scope only (root tsconfig shared)', () => {
    const dir = workspace('rootcfg');
    append(dir, 'packages/extra/src/batch.ts', '\nexport const n: number = "x";\n');
    const run = harness(['gate', '--cwd', dir, '--only', 'typecheck:extra,typecheck:feature']);
    expect(check(run, 'typecheck:extra')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/extra\/src\/batch\.ts:\d+:\d+ TS2322/)] });
    expect(check(run, 'typecheck:feature').status).toBe('pass');
  });
});
