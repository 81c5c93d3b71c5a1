// Fault matrix, changes: unusual kinds of change. Each either runs everything with the reason named,
// scopes exactly, or fails a named check; where it ends green, every check really ran.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, commitAll, git, GUARDS, harness, workspace, write } from '../helpers.js';
import { expectNotOk, expectReallyGreen, scopeOf, singleChange } from './support.js';

const ALL_SINGLE = [...GUARDS, 'lint:.', 'typecheck:.', 'test:.'];
const loop = (dir: string) => harness(['loop', '--cwd', dir, '--no-cache']);

describe('changes', () => {
  it('lockfile-only change → scoped to the package whose entry changed (the root package: scope "."); every check really runs and passes', () => {
    const dir = workspace('single');
    write(dir, 'package-lock.json', JSON.stringify({ name: 'single-demo', lockfileVersion: 3, requires: true, packages: { '': { name: 'single-demo', version: '1.0.1' } } }, null, 2));
    const run = loop(dir);
    expect(run.env.result.scope).toMatchObject({ mode: 'scoped', full_reason: null, changed_files: ['package-lock.json'], changed_scopes: ['.'] });
    expectReallyGreen(run, ALL_SINGLE);
  });

  it('unreadable lockfile → mode full, reason names package-lock.json and why', () => {
    const dir = workspace('single');
    write(dir, 'package-lock.json', '{ "name": "single-demo", "lockfileVersion": 3,\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', full_reason: expect.stringMatching(/^lockfile package-lock\.json cannot be parsed \(work tree\): /) });
  });

  it('tsconfig-only change that breaks the build → mode full, reason names tsconfig.json; ok:false, typecheck:. fails', () => {
    const dir = workspace('single');
    write(dir, 'tsconfig.json', '{ "compilerOptions": { "strict": true, "noEmit": true, "types": ["no-such-types"] }, "include": ["src", "test"] }\n');
    const run = harness(['loop', '--cwd', dir, '--only', 'typecheck:.']);
    expect(run.env.result.scope).toMatchObject({ mode: 'full', full_reason: 'global file changed: "tsconfig.json" (a root tsconfig: compiler options every package may inherit)' });
    expect(expectNotOk(run, 'typecheck:.', 'fail').details.join('\n')).toMatch(/TS2688: Cannot find type definition file for 'no-such-types'/);
  });

  it('package tsconfig change → scoped to that package (cli), not a global change', () => {
    const dir = workspace();
    append(dir, 'packages/cli/tsconfig.json', '\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_files: ['packages/cli/tsconfig.json'], changed_scopes: ['cli'] });
  });

  it('file renamed across scopes (cli → text) → scoped to both sides and their dependents', () => {
    const dir = workspace();
    git(dir, 'mv', 'packages/cli/src/args.ts', 'packages/text/src/args.ts');
    expect(scopeOf(dir)).toMatchObject({
      mode: 'scoped',
      changed_files: ['packages/cli/src/args.ts', 'packages/text/src/args.ts'],
      changed_scopes: ['cli', 'text'],
      expanded_scopes: ['app', 'cli', 'text'],
    });
  });

  it('file deleted that others import → ok:false, typecheck:. fails on the importer', () => {
    const dir = workspace('single');
    write(dir, 'src/words.ts', 'export const split = (t: string): string[] => t.trim().split(/\\s+/);\n');
    write(dir, 'src/index.ts', "import { split } from './words';\n\nexport function wordCount(text: string): number {\n  const words = split(text);\n  return words[0] === '' ? 0 : words.length;\n}\n");
    commitAll(dir, 'split helper');
    rmSync(join(dir, 'src/words.ts'));
    const run = harness(['loop', '--cwd', dir]);
    expect(run.env.result.scope).toMatchObject({ mode: 'scoped', changed_files: ['src/words.ts'] });
    expect(expectNotOk(run, 'typecheck:.', 'fail').details).toEqual(["src/index.ts:1:23 TS2307: Cannot find module './words' or its corresponding type declarations."]);
    expect(expectNotOk(run, 'test:.', 'fail').details[0]).toMatch(/^test\/index\.test\.ts:1:1 test file failed: /);
  });

  it('binary file hiding an @ts-nocheck → ok:false, suppressions fail (a binary verdict hides nothing)', () => {
    const dir = workspace('single');
    writeFileSync(join(dir, 'src/blob.ts'), Buffer.concat([Buffer.from('// @ts-nocheck\nexport const b = 1;\n'), Buffer.from([0, 1, 2, 255, 0])]));
    commitAll(dir, 'a binary-looking file');
    git(dir, 'reset', '-q', '--soft', 'HEAD~1');
    const run = harness(['loop', '--cwd', dir, '--only', 'suppressions']);
    expect(run.env.result.scope).toMatchObject({ mode: 'scoped', changed_files: ['src/blob.ts'] });
    // A string, not a regex literal: the suppressions guard reads this very file when harness checks itself.
    expect(expectNotOk(run, 'suppressions', 'fail').details[0]).toMatch(new RegExp('^src/blob\\.ts:1:\\d+ .*@ts-nocheck'));
  });

  it('binary file (an image) → scoped to its package; every check really runs and passes', () => {
    const dir = workspace('single');
    writeFileSync(join(dir, 'src/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0]));
    const run = loop(dir);
    expect(run.env.result.scope).toMatchObject({ mode: 'scoped', changed_files: ['src/logo.png'], changed_scopes: ['.'] });
    expectReallyGreen(run, ALL_SINGLE);
  });

  it('a 1 MB single-line file → scoped; every check really runs and passes, the envelope stays small', () => {
    const dir = workspace('single');
    singleChange(dir);
    write(dir, 'src/big.ts', `export const big = '${'x'.repeat(1024 * 1024)}';\n`);
    const run = loop(dir);
    expect(run.env.result.scope).toMatchObject({ mode: 'scoped', changed_files: ['src/big.ts', 'src/index.ts', 'test/index.test.ts'] });
    expectReallyGreen(run, ALL_SINGLE);
    expect(run.stdout.length).toBeLessThan(8_000);
  });

  it('a 1 MB single-line file with a lint error at its end → ok:false, lint:. fail at its exact column', () => {
    const dir = workspace('single');
    const line = `export const big = '${'x'.repeat(1024 * 1024)}'; export const bad: any = 1;`;
    write(dir, 'src/big.ts', `${line}\n`);
    const c = expectNotOk(harness(['loop', '--cwd', dir, '--only', 'lint:.']), 'lint:.', 'fail');
    expect(c.details).toEqual([`src/big.ts:1:${line.indexOf('any') + 1} Unexpected any. Specify a different type. (@typescript-eslint/no-explicit-any)`]);
  });

  it('10,000 changed files → scoped to cli, changed_files bounded to 50 with the rest counted', () => {
    const dir = workspace();
    for (let d = 0; d < 10; d++) {
      mkdirSync(join(dir, `packages/cli/gen/${d}`), { recursive: true });
      for (let i = d * 1000; i < (d + 1) * 1000; i++) writeFileSync(join(dir, `packages/cli/gen/${d}/f${i}.ts`), `export const v${i} = ${i};\n`);
    }
    const scope = scopeOf(dir);
    expect(scope).toMatchObject({ mode: 'scoped', changed_scopes: ['cli'], expanded_scopes: ['cli'] });
    expect(scope.changed_files).toHaveLength(50);
    expect((scope as { omitted_changed_files?: number }).omitted_changed_files).toBe(9_950);
  });
});

