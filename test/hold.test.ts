// Hold the line (DESIGN §4): findings that exist at the merge-base are `preexisting` — counted, not
// failing, in loop; anything the change causes, even in an untouched file, fails; gate stays strict.
// Real eslint (type-aware rules included) and tsc, the merge-base checked in a real git worktree.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, commitAll, git, harness, workspace, write } from './helpers.js';

const TOML = '[scope.path_map]\n"." = "."\n';

/** The single fixture with lint debt committed on main (an untouched file using `any`). */
function withDebt(): string {
  const dir = workspace('single');
  write(dir, 'harness.toml', TOML);
  write(dir, 'src/legacy.ts', 'export function legacy(x: any): number {\n  return Number(x);\n}\n');
  commitAll(dir, 'lint debt');
  // The change: a new function and its test, lint-clean.
  append(dir, 'src/index.ts', '\nexport function twice(n: number): number {\n  return n * 2;\n}\n');
  append(dir, 'test/index.test.ts', "\nimport { twice } from '../src/index';\n\nit('twice', () => {\n  expect(twice(2)).toBe(4);\n});\n");
  return dir;
}

describe('hold the line', { timeout: 180_000 }, () => {
  it('an old lint error in an untouched file → loop green with preexisting: 1; the base worktree is gone afterwards', () => {
    const dir = withDebt();
    const run = harness(['loop', '--cwd', dir, '--only', 'lint:.']);
    expect(run.code).toBe(0);
    expect(check(run, 'lint:.')).toMatchObject({ status: 'pass', preexisting: 1, details: [] });
    expect(git(dir, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, '.harness/base')) ? readdirSync(join(dir, '.harness/base')) : []).toEqual([]);
    // The second loop takes the merge-base's findings from the cache: no worktree is made.
    const again = harness(['loop', '--cwd', dir, '--only', 'lint:.']);
    expect(check(again, 'lint:.')).toMatchObject({ status: 'pass', preexisting: 1 });
  });

  it('a new lint error beside the old one → fail listing only the new one; the same tree under gate → both fail', () => {
    const dir = withDebt();
    append(dir, 'src/index.ts', '\nexport function loose(y: any): string {\n  return String(y);\n}\n');
    const loop = harness(['loop', '--cwd', dir, '--only', 'lint:.']);
    expect(loop.code).toBe(1);
    expect(check(loop, 'lint:.')).toMatchObject({ status: 'fail', preexisting: 1, details: [expect.stringMatching(/^src\/index\.ts:\d+:\d+ .*no-explicit-any/)] });
    const gate = harness(['gate', '--cwd', dir, '--only', 'lint:.']);
    expect(check(gate, 'lint:.').status).toBe('fail');
    expect(check(gate, 'lint:.').details).toHaveLength(2);
    expect(check(gate, 'lint:.').preexisting).toBeUndefined();
    // [gate] hold_the_line = true holds it there too.
    write(dir, 'harness.toml', `${TOML}\n[gate]\nhold_the_line = true\n`);
    commitAll(dir, 'gate holds the line');
    append(dir, 'src/index.ts', '\nexport const held = 1;\n');
    expect(check(harness(['gate', '--cwd', dir, '--only', 'lint:.']), 'lint:.')).toMatchObject({ status: 'pass', preexisting: 2 });
  });

  it("a change that makes an untouched file's lint fail (a type-aware rule reading the changed file) → fail", () => {
    const dir = workspace('single');
    write(dir, 'harness.toml', TOML);
    write(
      dir,
      'eslint.config.js',
      "import tseslint from 'typescript-eslint';\n\nexport default [\n  { ignores: ['**/node_modules/**'] },\n  ...tseslint.configs.recommended,\n  { languageOptions: { parserOptions: { projectService: true } }, rules: { '@typescript-eslint/no-floating-promises': 'error' } },\n];\n",
    );
    write(dir, 'src/job.ts', 'export function job(): number {\n  return 1;\n}\n');
    write(dir, 'src/use.ts', "import { job } from './job';\n\nexport function use(): void {\n  job();\n}\n");
    commitAll(dir, 'job and its user');
    write(dir, 'src/job.ts', 'export async function job(): Promise<number> {\n  return 1;\n}\n');
    const run = harness(['loop', '--cwd', dir, '--only', 'lint:.']);
    expect(run.code).toBe(1);
    expect(check(run, 'lint:.')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^src\/use\.ts:4:\d+ .*no-floating-promises/)] });
  });

  it('an old type error stays held while a new one the change causes in an untouched file fails typecheck', () => {
    const dir = workspace('single');
    write(dir, 'harness.toml', TOML);
    write(dir, 'src/old.ts', 'export const old: number = "not a number";\n');
    write(dir, 'src/user.ts', "import { wordCount } from './index';\n\nexport const n: number = wordCount('a b');\n");
    commitAll(dir, 'type debt');
    append(dir, 'src/index.ts', '\nexport const more = 1;\n');
    const held = harness(['loop', '--cwd', dir, '--only', 'typecheck:.']);
    expect(check(held, 'typecheck:.')).toMatchObject({ status: 'pass', preexisting: 1 });
    write(dir, 'src/index.ts', 'export function wordCount(text: string): string {\n  return text;\n}\n');
    const broken = harness(['loop', '--cwd', dir, '--only', 'typecheck:.']);
    expect(check(broken, 'typecheck:.')).toMatchObject({ status: 'fail', preexisting: 1, details: [expect.stringMatching(/^src\/user\.ts:3:\d+ TS2322/)] });
  });

  it('an old error fixed and the same line written into a new function → the new one fails (identity takes the line above too)', () => {
    for (const fixed of ['export function f(a: number): number {\n  const n: number = a;', 'export function f(a: string): number {\n  const n: number = Number(a);']) {
      const dir = workspace('single');
      write(dir, 'harness.toml', TOML);
      write(dir, 'src/old.ts', 'export function f(a: string): number {\n  const n: number = a;\n  return n;\n}\n');
      commitAll(dir, 'type debt');
      // git aligns the new function's body with the old one: the diff alone cannot tell which is new.
      write(dir, 'src/old.ts', `${fixed}\n  return n;\n}\n\nexport function g(a: string): number {\n  const n: number = a;\n  return n;\n}\n`);
      const run = harness(['loop', '--cwd', dir, '--only', 'typecheck:.']);
      expect(run.code).toBe(1);
      expect(check(run, 'typecheck:.')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^src\/old\.ts:7:\d+ TS2322/)] });
    }
  });
});
