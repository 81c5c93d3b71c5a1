// Hostile input: names and config values written to break a shell. harness never uses one, so each is
// data: scoping is exact, and nothing was executed (no `pwned` file appears anywhere we look).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { append, commitAll, harness, workspace, write } from '../helpers.js';
import { expectReallyGreen, pwnedFiles, scopeOf, singleChange } from './support.js';

const NAMES = ['a b.ts', `q"uo'te.ts`, '$(touch pwned).ts', '`touch pwned`.ts', '-rf.ts', '--output-file=pwned.ts', 'new\nline.ts', 'ünï cødé ✓.ts'];
const dirs: string[] = [];

/** A workspace whose tree (and the suite's cwd) is checked for a `pwned` file after each scenario. */
function hostile(name: 'demo' | 'single'): string {
  const dir = workspace(name);
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  expect(pwnedFiles(...dirs.splice(0))).toEqual([]);
  expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
});

describe('hostile', () => {
  it('file names with spaces, quotes, $(…), backticks, leading dashes, a newline, unicode → scoped exactly to cli, nothing executed', () => {
    const dir = hostile('demo');
    for (const n of NAMES) writeFileSync(join(dir, 'packages/cli/src', n), 'export {};\n');
    expect(scopeOf(dir)).toMatchObject({
      mode: 'scoped',
      changed_files: NAMES.map((n) => `packages/cli/src/${n}`).sort(),
      changed_scopes: ['cli'],
      expanded_scopes: ['cli'],
    });
  });

  it('directory names with spaces, quotes, $(…), leading dashes, unicode → scoped exactly to cli, nothing executed', () => {
    const dir = hostile('demo');
    const paths = ['packages/cli/src/a b/"c"/x.ts', 'packages/cli/src/$(touch pwned)/x.ts', 'packages/cli/src/--help/x.ts', 'packages/cli/src/ü ✓/x.ts'];
    for (const p of paths) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      write(dir, p, 'export {};\n');
    }
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_files: [...paths].sort(), changed_scopes: ['cli'] });
  });

  it('hostile names as real source files → loop runs every check for real and passes, nothing executed', () => {
    const dir = hostile('single');
    singleChange(dir);
    NAMES.forEach((n, i) => writeFileSync(join(dir, 'src', n), `export const v${i} = ${i};\n`));
    const run = harness(['loop', '--cwd', dir, '--no-cache']);
    expect(run.env.result.scope).toMatchObject({ mode: 'scoped', changed_scopes: ['.'] });
    expect(run.env.result.scope!.changed_files).toEqual(expect.arrayContaining(NAMES.map((n) => `src/${n}`)));
    expectReallyGreen(run, ['boundaries', 'changed_tests', 'file_size', 'graph', 'suppressions', 'lint:.', 'typecheck:.', 'test:.']);
  });

  it('config base = "$(touch pwned)" → mode full, reason names the unknown ref verbatim, nothing executed', () => {
    const dir = hostile('demo');
    write(dir, 'harness.toml', readFileSync(join(dir, 'harness.toml'), 'utf8').replace('base = "main"', 'base = "$(touch pwned)`touch pwned`"'));
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', full_reason: 'base ref "$(touch pwned)`touch pwned`" is unknown (fetch it or pass --base)' });
  });

  it('[[checks.command]] argv with shell metacharacters → the program gets them verbatim, command passes, nothing executed', () => {
    const dir = hostile('single');
    const arg = '$(touch pwned); `touch pwned` | rm -rf . && echo "pwned" > pwned';
    write(dir, 'echo-argv.js', "import { writeFileSync } from 'node:fs';\nwriteFileSync('argv.json', JSON.stringify(process.argv.slice(2)));\n");
    write(dir, 'harness.toml', `[scope.path_map]\n"." = "."\n\n[[checks.command]]\nid = "echo"\nrun = ["node", "echo-argv.js", ${JSON.stringify(arg)}]\n`);
    commitAll(dir, 'a command check');
    const run = harness(['gate', '--cwd', dir, '--only', 'command:echo']);
    expectReallyGreen(run, ['command:echo']);
    expect(JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8'))).toEqual([arg]);
  });

  it('path_map key and ignore glob with spaces, quotes and $(…) → scoped to that scope, nothing executed', () => {
    const dir = hostile('demo');
    const pkg = 'packages/my "pkg" $(touch pwned)';
    mkdirSync(join(dir, pkg), { recursive: true });
    write(dir, `${pkg}/a.ts`, 'export {};\n');
    const toml = readFileSync(join(dir, 'harness.toml'), 'utf8')
      .replace('ignore = ["**/*.md"]', 'ignore = ["**/*.md", "$(touch pwned)/**", "`touch pwned`"]')
      .replace('[scope.path_map]\n', `[scope.path_map]\n${JSON.stringify(`${pkg}/`)} = "my"\n`);
    write(dir, 'harness.toml', toml);
    commitAll(dir, 'a hostile scope');
    append(dir, `${pkg}/a.ts`, 'export const x = 1;\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_files: [`${pkg}/a.ts`], changed_scopes: ['my'], expanded_scopes: ['my'] });
  });
});
