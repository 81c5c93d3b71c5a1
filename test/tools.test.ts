import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, commitAll, git, harness, workspace, write } from './helpers.js';

describe('typecheck fails closed', () => {
  it('an error only another scope’s stricter tsconfig sees is reported by that scope (never dropped)', () => {
    const dir = workspace();
    write(dir, 'packages/app/tsconfig.json', '{ "extends": "../../tsconfig.base.json", "include": ["src", "test"], "compilerOptions": { "noUncheckedIndexedAccess": true } }\n');
    write(dir, 'packages/app/src/first.ts', "import { first } from '@demo/core/src/first';\nexport const f = first([1]);\n");
    commitAll(dir);
    write(dir, 'packages/core/src/first.ts', 'export function first(v: readonly number[]): number {\n  return v[0];\n}\n');
    const run = harness(['gate', '--cwd', dir, '--only', 'typecheck:core,typecheck:app']);
    expect(check(run, 'typecheck:core').status).toBe('pass');
    expect(check(run, 'typecheck:app')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/core\/src\/first\.ts:2:3 TS2322/)] });
    expect(run.code).toBe(1);
  });

  it('a solution-style tsconfig (files: [] + references) checks the referenced project', () => {
    const dir = workspace();
    write(dir, 'packages/cli/tsconfig.json', '{ "files": [], "references": [{ "path": "./tsconfig.lib.json" }] }\n');
    write(dir, 'packages/cli/tsconfig.lib.json', '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "composite": true }, "include": ["src"] }\n');
    append(dir, 'packages/cli/src/args.ts', '\nexport const broken: number = "x";\n');
    const run = harness(['loop', '--cwd', dir, '--only', 'typecheck:cli']);
    expect(check(run, 'typecheck:cli')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/cli\/src\/args\.ts:\d+:14 TS2322/)] });
  });

  it('an incremental project writes its buildinfo under .harness/, never into the work tree', () => {
    const dir = workspace();
    write(dir, 'packages/cli/tsconfig.json', '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "incremental": true }, "include": ["src", "test"] }\n');
    commitAll(dir);
    const run = harness(['gate', '--cwd', dir, '--only', 'typecheck:cli']);
    expect(check(run, 'typecheck:cli').status).toBe('pass');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('a tsconfig that compiles none of the scope’s files is an error, not a pass', () => {
    const dir = workspace();
    write(dir, 'packages/cli/tsconfig.json', '{ "extends": "../../tsconfig.base.json", "include": ["nothing-here"] }\n');
    const run = harness(['loop', '--cwd', dir, '--only', 'typecheck:cli']);
    expect(check(run, 'typecheck:cli')).toMatchObject({ status: 'error', details: [expect.stringMatching(/no tsconfig compiles the files of scope cli/)] });
  });
});

describe('vitest fails closed', () => {
  it('.only is an error in CI mode, all-skipped is no pass, and no snapshot is written', () => {
    const only = workspace();
    append(only, 'packages/cli/test/args.test.ts', "\nit.only('focused', () => {\n  expect(1).toBe(1);\n});\n");
    expect(check(harness(['loop', '--cwd', only, '--only', 'test:cli']), 'test:cli').status).not.toBe('pass');

    const skipped = workspace();
    write(skipped, 'packages/numpy-lite/test/index.test.ts', "import { it } from 'vitest';\n\nit.skip('later', () => {});\n");
    expect(check(harness(['loop', '--cwd', skipped, '--only', 'test:numpy-lite']), 'test:numpy-lite')).toMatchObject({
      status: 'error',
      details: [expect.stringMatching(/ran no test of scope numpy-lite/)],
    });

    const snap = workspace();
    append(snap, 'packages/cli/test/args.test.ts', "\nit('snaps', () => {\n  expect({ a: 1 }).toMatchSnapshot();\n});\n");
    const run = harness(['loop', '--cwd', snap, '--only', 'test:cli']);
    expect(check(run, 'test:cli').status).toBe('fail');
    expect(git(snap, 'status', '--porcelain', '--untracked-files=all')).toBe(' M packages/cli/test/args.test.ts\n');
  });

  it('a scope with several directories runs the tests of all of them', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'tools/core-extra/test'), { recursive: true });
    write(dir, 'tools/core-extra/test/extra.test.ts', "import { expect, it } from 'vitest';\n\nit('extra', () => {\n  expect(1).toBe(2);\n});\n");
    append(dir, 'harness.toml', '');
    write(dir, 'harness.toml', git(dir, 'show', 'HEAD:harness.toml').replace('"packages/core/" = "core"', '"packages/core/" = "core"\n"tools/core-extra/" = "core"'));
    const run = harness(['loop', '--cwd', dir, '--only', 'test:core']);
    expect(check(run, 'test:core')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^tools\/core-extra\/test\/extra\.test\.ts:4:\d+ extra: AssertionError/)] });
  });

  it('a changed test file vitest does not run (outside its include) is an error', () => {
    const dir = workspace();
    write(dir, 'packages/text/src/pad.test.ts', "import { expect, it } from 'vitest';\n\nit('never runs', () => {\n  expect(1).toBe(2);\n});\n");
    const run = harness(['loop', '--cwd', dir, '--only', 'test:text']);
    expect(check(run, 'test:text')).toMatchObject({
      status: 'error',
      details: ['packages/text/src/pad.test.ts: changed test file was not run by vitest (outside its include patterns?)'],
    });
  });
});
