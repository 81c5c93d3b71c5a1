import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, commitAll, git, harness, workspace, write } from './helpers.js';

// The check's own runs: a failing check holding the line runs again at the merge-base after the marker.
const argvOf = (dir: string, log: string) =>
  readFileSync(join(dir, log), 'utf8')
    .split('hold the line: ')[0]!
    .split('\n')
    .filter((l) => l.startsWith('$ '))
    .map((l) => (JSON.parse(/^\$ (\[.*\]) \(cwd/.exec(l)![1]!) as string[])[1]!);

describe('typecheck drives the fastest compiler the target has', () => {
  it('uses tsgo when @typescript/native-preview is installed, and its type errors fail the check', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\nexport const wrong: number = "text";\n');
    const run = harness(['loop', '--cwd', dir, '--only', 'typecheck:cli']);
    const c = check(run, 'typecheck:cli');
    expect(c).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/cli\/src\/args\.ts:\d+:14 TS2322/)] });
    expect(argvOf(dir, c.log!)).toEqual([expect.stringMatching(/native-preview\/bin\/tsgo$/)]);
  });

  it('falls back to tsc for a tsconfig tsgo does not support (an option TypeScript 7 removed)', () => {
    const dir = workspace();
    // baseUrl is deprecated in TypeScript 6 (accepted with ignoreDeprecations) and removed in tsgo.
    write(dir, 'packages/cli/tsconfig.json', '{ "extends": "../../tsconfig.base.json", "include": ["src", "test"], "compilerOptions": { "baseUrl": ".", "ignoreDeprecations": "6.0" } }\n');
    const pass = check(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli']), 'typecheck:cli');
    expect(pass.status).toBe('pass');
    expect(argvOf(dir, pass.log!)).toEqual([expect.stringMatching(/tsgo$/), expect.stringMatching(/typescript\/bin\/tsc$/)]);
    expect(readFileSync(join(dir, pass.log!), 'utf8')).toMatch(/tsgo does not support packages\/cli\/tsconfig\.json \(TS5102/);

    append(dir, 'packages/cli/src/args.ts', '\nexport const wrong: number = "text";\n');
    const fail = check(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli']), 'typecheck:cli');
    expect(fail).toMatchObject({ status: 'fail', details: [expect.stringMatching(/args\.ts:\d+:14 TS2322/)] });
  });

  it('uses tsc when tsgo is not installed; a tsconfig neither compiler accepts is a failure naming the option', () => {
    const dir = workspace();
    rmSync(join(dir, 'node_modules/@typescript'), { recursive: true }); // links only: the harness's copy stays
    append(dir, 'packages/cli/src/args.ts', '\nexport const wrong: number = "text";\n');
    const c = check(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli']), 'typecheck:cli');
    expect(c).toMatchObject({ status: 'fail', details: [expect.stringMatching(/TS2322/)] });
    expect(argvOf(dir, c.log!)).toEqual([expect.stringMatching(/typescript\/bin\/tsc$/)]);

    write(dir, 'packages/cli/tsconfig.json', '{ "extends": "../../tsconfig.base.json", "include": ["src", "test"], "compilerOptions": { "baseUrl": "." } }\n');
    const both = workspace();
    write(both, 'packages/cli/tsconfig.json', '{ "extends": "../../tsconfig.base.json", "include": ["src", "test"], "compilerOptions": { "baseUrl": "." } }\n');
    for (const d of [dir, both]) {
      expect(check(harness(['loop', '--cwd', d, '--only', 'typecheck:cli']), 'typecheck:cli')).toMatchObject({
        status: 'fail',
        details: expect.arrayContaining([expect.stringMatching(/baseUrl/)]),
      });
    }
  });

  it('tsc keeps one buildinfo per tsconfig under .harness/ and reuses it; tsgo keeps none; the work tree is untouched', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\nexport const more = 1;\n');
    for (let i = 0; i < 2; i++) {
      const c = check(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli', '--no-cache']), 'typecheck:cli');
      expect(c.status).toBe('pass');
    }
    // The native compiler's incremental check misses a global declaration's change: no buildinfo is reused.
    expect(existsSync(join(dir, '.harness/tsbuildinfo')) ? readdirSync(join(dir, '.harness/tsbuildinfo')) : []).toEqual([]);
    rmSync(join(dir, 'node_modules/@typescript'), { recursive: true }); // links only: tsc is what is left
    for (let i = 0; i < 2; i++) expect(check(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli', '--no-cache']), 'typecheck:cli').status).toBe('pass');
    expect(readdirSync(join(dir, '.harness/tsbuildinfo'))).toEqual([expect.stringMatching(/^tsc-[0-9a-f]{16}\.tsbuildinfo$/)]);
    expect(git(dir, 'status', '--porcelain')).toBe(' M packages/cli/src/args.ts\n');

    // An error introduced after a passing incremental build is still found.
    append(dir, 'packages/cli/src/args.ts', '\nexport const wrong: number = "text";\n');
    expect(check(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli', '--no-cache']), 'typecheck:cli').status).toBe('fail');
  });

  for (const compiler of ['tsgo', 'TypeScript 7'] as const) {
    it(`a global declaration changed after a green run (${compiler}) → the file that uses it fails (no stale incremental state)`, () => {
      const dir = compiler === 'tsgo' ? workspace('rootcfg') : workspace('oxlint');
      const [decl, use] = compiler === 'tsgo' ? ['packages/feature/src/meta.ts', 'packages/extra/src/meta-use.ts'] : ['src/g.ts', 'src/use.ts'];
      write(dir, decl, 'declare global {\n  interface JobMeta7 {\n    owner: string;\n  }\n}\nexport {};\n');
      write(dir, use, "export const meta: JobMeta7 = { owner: 'x' };\n");
      commitAll(dir);
      const all = compiler === 'tsgo' ? 'typecheck:base,typecheck:extra,typecheck:feature' : 'typecheck:.';
      expect(harness(['gate', '--cwd', dir, '--only', all]).code).toBe(0);
      write(dir, decl, 'declare global {\n  interface JobMeta7 {\n    owner: number;\n  }\n}\nexport {};\n');
      const run = harness(['gate', '--cwd', dir, '--only', all]);
      expect(run.code).toBe(1);
      expect(run.env.result.checks!.flatMap((c) => c.details)).toEqual([expect.stringMatching(new RegExp(`^${use.replace(/[./]/g, '\\$&')}:1:\\d+ TS2322`))]);
    });
  }
});
