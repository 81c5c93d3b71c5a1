// Fault matrix, git: every repository state where the diff cannot be trusted must run everything
// (mode full, the reason named) or scope exactly what changed; never a silent green.
import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { materialize } from '../../scripts/fixture.js';
import { append, commitAll, git, harness, tempDir, workspace, write } from '../helpers.js';
import { expectNotOk, scopeOf } from './support.js';

/** The diff-based guard that must refuse to pass without a merge-base. */
function expectNoDiffError(run: ReturnType<typeof harness>, reason: RegExp): void {
  const c = expectNotOk(run, 'suppressions', 'error');
  expect(c.details[0]).toMatch(/^cannot tell which lines changed: /);
  expect(c.details[0]).toMatch(reason);
}

describe('git', () => {
  it('no git repository → harness could not run: exactly one envelope, exit 2, the reason; `scope` still says full mode', () => {
    const dir = join(tempDir(), 'plain');
    materialize('single', dir);
    const run = harness(['loop', '--cwd', dir, '--only', 'suppressions,changed_tests']);
    expect(run.code).toBe(2);
    expect(run.env.result.error).toMatchObject({ code: 'environment', message: expect.stringContaining(`${dir} is not a git work tree`) });
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', merge_base: null, full_reason: `${dir} is not a git work tree` });
  });

  for (const shape of ['an empty directory', 'a directory with only package.json']) {
    for (const verb of ['loop', 'gate'] as const) {
      it(`${verb} in ${shape} (not a git work tree) → exactly one envelope, exit 2, nothing on stderr`, () => {
        const dir = join(tempDir(), 'bare');
        mkdirSync(dir);
        if (shape.includes('package.json')) writeFileSync(join(dir, 'package.json'), '{"name":"bare","version":"1.0.0"}\n');
        const run = harness([verb, '--cwd', dir]);
        expect(run.stdout.trim().split('\n')).toHaveLength(1); // harness() also validates it against the schema
        expect({ code: run.code, command: run.env.command, error: run.env.result.error?.code }).toEqual({ code: 2, command: `harness ${verb}`, error: 'environment' });
        expect(run.env.result.error!.message).toMatch(/is not a git work tree/);
        expect(run.stderr).toBe('');
      });
    }
  }

  it('empty repository (no commit yet) → mode full, reason "HEAD has no commit yet"; loop ok:false', () => {
    const dir = join(tempDir(), 'empty');
    materialize('single', dir);
    git(dir, 'init', '-q', '-b', 'main');
    const run = harness(['loop', '--cwd', dir, '--only', 'suppressions']);
    expect(run.env.result.scope).toMatchObject({ mode: 'full', full_reason: 'HEAD has no commit yet (empty repository)' });
    expectNoDiffError(run, /empty repository/);
  });

  it('detached HEAD with a commit on it → scoped to that commit’s scope (cli)', () => {
    const dir = workspace();
    git(dir, 'checkout', '-q', '--detach');
    append(dir, 'packages/cli/src/args.ts', '\nexport const DETACHED = 1;\n');
    commitAll(dir, 'on a detached HEAD');
    expect(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_files: ['packages/cli/src/args.ts'], changed_scopes: ['cli'], expanded_scopes: ['cli'] });
  });

  it('shallow clone without the merge-base → mode full, reason names the shallow clone; loop ok:false', () => {
    const origin = workspace('single');
    git(origin, 'checkout', '-q', '-b', 'feature');
    for (let i = 0; i < 3; i++) {
      append(origin, 'src/index.ts', `\nexport const v${i} = ${i};\n`);
      commitAll(origin, `feature ${i}`);
    }
    git(origin, 'checkout', '-q', 'main');
    append(origin, 'test/index.test.ts', '\n');
    commitAll(origin, 'main moves on');
    const clone = join(tempDir(), 'clone');
    git(origin, 'clone', '-q', '--depth', '1', '--no-single-branch', `file://${origin}`, clone);
    git(clone, 'checkout', '-q', 'feature');
    const run = harness(['loop', '--cwd', clone, '--base', 'origin/main', '--only', 'suppressions']);
    expect(run.env.result.scope).toMatchObject({
      mode: 'full',
      full_reason: 'shallow clone: no merge-base between "origin/main" and HEAD (git fetch --unshallow)',
    });
    expectNoDiffError(run, /shallow clone/);
  });

  it('unknown base ref → mode full, reason names the ref; loop ok:false', () => {
    const dir = workspace('single');
    const run = harness(['loop', '--cwd', dir, '--base', 'origin/nope', '--only', 'suppressions']);
    expect(run.env.result.scope).toMatchObject({ mode: 'full', full_reason: 'base ref "origin/nope" is unknown (fetch it or pass --base)' });
    expectNoDiffError(run, /is unknown/);
  });

  it('unrelated history → mode full, reason "no merge-base … (unrelated histories)"', () => {
    const dir = workspace();
    git(dir, 'checkout', '-q', '--orphan', 'other');
    commitAll(dir, 'orphan root');
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', full_reason: 'no merge-base between "main" and HEAD (unrelated histories)' });
  });

  it('base ahead of HEAD → scoped to HEAD’s own change only (cli), not the base’s new commits', () => {
    const dir = workspace();
    git(dir, 'branch', 'behind');
    append(dir, 'packages/core/src/numbers.ts', '\nexport const AHEAD = 1;\n');
    commitAll(dir, 'main moves ahead');
    git(dir, 'checkout', '-q', 'behind');
    append(dir, 'packages/cli/src/args.ts', '\nexport const MINE = 1;\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_files: ['packages/cli/src/args.ts'], changed_scopes: ['cli'] });
  });

  it('merge in progress with a conflict → scoped to the conflicted file’s scope; ok:false, typecheck:. fails on the markers', () => {
    const dir = workspace('single');
    git(dir, 'checkout', '-q', '-b', 'feature');
    append(dir, 'src/index.ts', '\nexport const A = 1;\n');
    commitAll(dir, 'feature');
    git(dir, 'checkout', '-q', 'main');
    append(dir, 'src/index.ts', '\nexport const A = 2;\n');
    commitAll(dir, 'main');
    git(dir, 'checkout', '-q', 'feature');
    expect(() => git(dir, 'merge', 'main')).toThrow();
    expect(git(dir, 'status', '--porcelain')).toContain('UU src/index.ts');
    const run = harness(['loop', '--cwd', dir, '--only', 'typecheck:.']);
    expect(run.env.result.scope).toMatchObject({ mode: 'scoped', changed_files: ['src/index.ts'], changed_scopes: ['.'] });
    expect(expectNotOk(run, 'typecheck:.', 'fail').details.join('\n')).toMatch(/^src\/index\.ts:\d+:1 TS1185: Merge conflict marker encountered/m);
  });

  it('submodule pointer change → scoped to the scope that holds the submodule (cli)', () => {
    const lib = join(tempDir(), 'lib');
    mkdirSync(lib);
    git(lib, 'init', '-q', '-b', 'main');
    write(lib, 'a.txt', 'one\n');
    git(lib, 'add', '-A');
    git(lib, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'one');
    const dir = workspace();
    git(dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'packages/cli/vendor/lib');
    commitAll(dir, 'add submodule');
    const sub = join(dir, 'packages/cli/vendor/lib');
    write(sub, 'a.txt', 'two\n');
    git(sub, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-am', 'two');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_files: ['packages/cli/vendor/lib'], changed_scopes: ['cli'], expanded_scopes: ['cli'] });
  });

  it('edit through a symlinked package directory → scoped to the real directory’s scope (cli)', () => {
    const dir = workspace();
    symlinkSync('packages/cli', join(dir, 'cli-link'));
    write(dir, '.gitignore', `${readFileSync(join(dir, '.gitignore'), 'utf8')}cli-link\n`);
    commitAll(dir, 'a link to the cli package');
    append(dir, 'cli-link/src/args.ts', '\nexport const VIA_LINK = 1;\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_files: ['packages/cli/src/args.ts'], changed_scopes: ['cli'] });
  });

  it('symlinked package retargeted → mode full, reason names the unmapped link', () => {
    const dir = workspace();
    symlinkSync('cli', join(dir, 'packages/current'));
    commitAll(dir, 'packages/current → cli');
    rmSync(join(dir, 'packages/current'));
    symlinkSync('text', join(dir, 'packages/current'));
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', full_reason: 'path matches no scope in [scope.path_map]: "packages/current"' });
  });

  it('git worktree (.git is a file) → scoped to the worktree’s own change (cli)', () => {
    const dir = workspace();
    const wt = join(tempDir(), 'wt');
    git(dir, 'worktree', 'add', '-q', '-b', 'feature', wt);
    expect(lstatSync(join(wt, '.git')).isFile()).toBe(true);
    append(wt, 'packages/cli/src/args.ts', '\nexport const IN_WORKTREE = 1;\n');
    expect(scopeOf(wt)).toMatchObject({ mode: 'scoped', changed_files: ['packages/cli/src/args.ts'], changed_scopes: ['cli'] });
    expect(scopeOf(dir).changed_files).toEqual([]);
  });

  it('--cwd is a package subdirectory and a sibling it imports changed → mode full, reason names the change outside', () => {
    const dir = workspace();
    append(dir, 'packages/core/src/numbers.ts', '\nexport const broken: number = 1;\n');
    const cli = join(dir, 'packages/cli');
    expect(scopeOf(cli)).toMatchObject({
      mode: 'full',
      full_reason: `changed outside ${cli} (a subdirectory of its repository; run harness from the top level to scope them): "packages/core/src/numbers.ts"`,
    });
    git(dir, 'stash', '-q');
    expect(scopeOf(cli)).toMatchObject({ mode: 'scoped', changed_files: [], full_reason: null });
  });
});
