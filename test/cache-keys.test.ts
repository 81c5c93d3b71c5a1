import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, commitAll, harness, leafEdit, tempDir, workspace, write } from './helpers.js';

type Run = ReturnType<typeof harness>;
const cachedIds = (run: Run) => (run.env.result.checks ?? []).filter((c) => c.cached).map((c) => c.id).sort();
const loop = (dir: string, ...args: string[]) => harness(['loop', '--cwd', dir, ...args]);

// Each test: what a passing run's key must cover, shown by changing only that input afterwards.
describe('a cached pass is reused only when everything the check read is unchanged', () => {
  it('typecheck covers the test dependencies its tsconfig compiles (core’s tests import math)', () => {
    const dir = workspace();
    loop(dir, '--only', 'typecheck:core');
    expect(cachedIds(loop(dir, '--only', 'typecheck:core'))).toEqual(['typecheck:core']);
    write(dir, 'packages/math/src/index.ts', "export { median } from './stats';\nexport { roundTo } from './round';\n");
    const run = loop(dir, '--only', 'typecheck:core');
    expect(check(run, 'typecheck:core')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/core\/test\/.*TS2305/)] });
  });

  it('lint covers the scopes it imports (type-aware rules read their types)', () => {
    const dir = workspace();
    loop(dir, '--only', 'lint:math');
    expect(cachedIds(loop(dir, '--only', 'lint:math'))).toEqual(['lint:math']);
    append(dir, 'packages/core/src/index.ts', '\nexport const touched = 1;\n');
    expect(cachedIds(loop(dir, '--only', 'lint:math'))).toEqual([]);
  });

  it('a file edited while the check ran is not recorded as checked', () => {
    const dir = workspace();
    leafEdit(dir);
    write(dir, 'packages/cli/src/flag.ts', 'export const flag = 1;\n');
    // The test rewrites a source file of its own scope mid-run, as an agent editing during a loop would.
    write(
      dir,
      'packages/cli/test/flag.test.ts',
      "import { writeFileSync } from 'node:fs';\nimport { expect, it } from 'vitest';\n\nit('flips', async () => {\n  writeFileSync(new URL('../src/flag.ts', import.meta.url), 'export const flag = 2;\\n');\n  expect((await import('../src/flag')).flag).toBe(2);\n});\n",
    );
    expect(check(loop(dir, '--only', 'test:cli'), 'test:cli').status).toBe('pass');
    write(dir, 'packages/cli/src/flag.ts', 'export const flag = 1;\n'); // the state the run started from
    expect(cachedIds(loop(dir, '--only', 'test:cli'))).toEqual([]);
  });

  it('git-ignored files inside a scope (generated code) are inputs', () => {
    const dir = workspace();
    append(dir, '.gitignore', 'packages/cli/src/generated.ts\n');
    write(dir, 'packages/cli/src/generated.ts', 'export const gen: number = 1;\n');
    append(dir, 'packages/cli/src/index.ts', "\nexport { gen } from './generated';\n");
    commitAll(dir);
    loop(dir, '--only', 'typecheck:cli');
    expect(cachedIds(loop(dir, '--only', 'typecheck:cli'))).toEqual(['typecheck:cli']);
    write(dir, 'packages/cli/src/generated.ts', 'export const gen: number = "not a number";\n');
    const after = check(loop(dir, '--only', 'typecheck:cli'), 'typecheck:cli');
    expect(after.cached).toBeUndefined();
    expect(after.status, JSON.stringify(after)).toBe('fail');
  });

  it('a symlinked file is hashed by the content it reaches', () => {
    const dir = workspace();
    const outside = join(tempDir(), 'ext.ts');
    writeFileSync(outside, 'export const ext: number = 1;\n');
    symlinkSync(outside, join(dir, 'packages/cli/src/ext.ts'));
    append(dir, 'packages/cli/src/index.ts', "\nexport { ext } from './ext';\n");
    commitAll(dir);
    loop(dir, '--only', 'typecheck:cli');
    expect(cachedIds(loop(dir, '--only', 'typecheck:cli'))).toEqual(['typecheck:cli']);
    writeFileSync(outside, 'export const ext: number = "text";\n');
    const after = check(loop(dir, '--only', 'typecheck:cli'), 'typecheck:cli');
    expect(after.cached).toBeUndefined();
    expect(after.status, JSON.stringify(after)).toBe('fail');
  });
});

describe('the budget plan', () => {
  it('counts a cached check as taking no time', () => {
    const dir = workspace();
    leafEdit(dir);
    loop(dir);
    const run = loop(dir, '--budget', '1');
    expect(run.env.result.summary).toMatchObject({ deferred: 0 });
    expect(run.env.result.budget).toEqual({ budget_ms: 1000, expected_ms: 0, expected_deferred: 0 });
  });

  it('ignores durations no check can have (infinite, negative, beyond a day); the envelope stays valid', () => {
    const dir = workspace();
    leafEdit(dir);
    mkdirSync(join(dir, '.harness'), { recursive: true });
    writeFileSync(join(dir, '.harness/durations.json'), '{"test:cli":1e999,"lint:cli":-5,"typecheck:cli":1e308,"graph":"x"}');
    const run = loop(dir, '--no-cache'); // harness() validates the envelope against its schema
    expect(run.env.result.budget).toMatchObject({ budget_ms: 180000, expected_deferred: 0 });
    expect(run.env.result.budget!.expected_ms).toBeLessThan(60_000);
  });
});
