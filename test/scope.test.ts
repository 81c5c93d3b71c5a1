import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config/validate.js';
import { expand, expandScopes, ownerOf, resolveScope } from '../src/scope/resolve.js';
import { append, BIN, commitAll, git, harness, tempDir, workspace, write } from './helpers.js';

function scopeOf(dir: string, ...extra: string[]) {
  const run = harness(['scope', '--cwd', dir, ...extra]);
  expect(run.code).toBe(0);
  return run.env.result.scope!;
}

describe('path_map matching', () => {
  const map = new Map([
    ['packages/vue/', 'vue'],
    ['packages/vue/compat/', 'compat'],
    ['', 'root'],
  ]);
  it('longest prefix wins, and a prefix never matches a longer sibling name', () => {
    expect(ownerOf('packages/vue/src/a.ts', map)).toBe('vue');
    expect(ownerOf('packages/vue/compat/x.ts', map)).toBe('compat');
    expect(ownerOf('packages/vue-compat/x.ts', map)).toBe('root');
    expect(ownerOf('packages/vue', map)).toBe('vue'); // a submodule or symlink at the prefix itself
    expect(ownerOf('packages/vue-compat/x.ts', new Map([['packages/vue/', 'vue']]))).toBeNull();
  });

  it('expansion is transitive over runtime dependents; a test-only edge adds the importing scope and stops there (cycle-safe)', () => {
    const config = validateConfig(
      {
        scope: {
          path_map: { 'a/': 'a', 'b/': 'b', 'c/': 'c', 'd/': 'd' },
          dependencies: { b: ['a'], c: ['b'], d: [] },
          test_dependencies: { a: ['c'] },
        },
      },
      null,
    );
    expect(expandScopes(['a'], config)).toMatchObject({ expanded: ['a', 'b', 'c'], viaTests: [] });
    // a's tests import c: a change in c re-runs a's test and typecheck, and does not reach a's dependent b.
    expect(expandScopes(['c'], config)).toMatchObject({ expanded: ['a', 'c'], viaTests: ['a'] });
    expect(expand(['d'], config)).toEqual(['d']);
    const scope = resolveScope(config, { base: 'main', merge_base: 'x', files: ['top.ts'], full: null });
    expect(scope).toMatchObject({ mode: 'full', expanded_scopes: ['a', 'b', 'c', 'd'] });
    expect(scope.full).toEqual({ kind: 'unmapped', paths: ['top.ts'] });
  });
});

describe('harness scope on a real repo', () => {
  it('a leaf edit scopes to the leaf only', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\nexport const x = 1;\n');
    expect(scopeOf(dir)).toMatchObject({
      mode: 'scoped',
      full_reason: null,
      changed_files: ['packages/cli/src/args.ts'],
      changed_scopes: ['cli'],
      expanded_scopes: ['cli'],
    });
  });

  it('a core edit expands to every dependent, transitively (app via math and text)', () => {
    const dir = workspace();
    append(dir, 'packages/core/src/numbers.ts', '\nexport const y = 2;\n');
    expect(scopeOf(dir)).toMatchObject({ changed_scopes: ['core'], expanded_scopes: ['app', 'cli', 'core', 'math', 'text'] });
  });

  it('why each scope is in: the changed file and the chain of scopes (core → math → app, three levels), in the envelope and the text view', () => {
    const dir = workspace();
    append(dir, 'packages/core/src/index.ts', '\nexport const why = 1;\n');
    const scope = scopeOf(dir);
    expect(scope.why).toMatchObject({
      core: { file: 'packages/core/src/index.ts', via: ['core'], edge: 'changed' },
      math: { file: 'packages/core/src/index.ts', via: ['core', 'math'], edge: 'dependency' },
      app: { file: 'packages/core/src/index.ts', via: ['core', 'math', 'app'], edge: 'dependency' },
    });
    const leaf = workspace();
    append(leaf, 'packages/math/src/index.ts', '\nexport const why = 1;\n');
    // core's tests import math: a test edge, one step.
    expect(scopeOf(leaf).why.core).toEqual({ file: 'packages/math/src/index.ts', via: ['math', 'core'], edge: 'test' });
    const text = spawnSync(process.execPath, [BIN, 'scope', '--cwd', dir, '--format', 'text'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('    app: core → math → app (dependency; packages/core/src/index.ts changed)');
    expect(text).toContain('    core: packages/core/src/index.ts changed');
  });

  it('a README edit triggers nothing, and loop says so without running a check', () => {
    const dir = workspace();
    write(dir, 'packages/core/NOTES.md', 'docs\n');
    append(dir, 'README.md', 'more\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_scopes: [], expanded_scopes: [] });
    const loop = harness(['loop', '--cwd', dir]);
    expect(loop.code).toBe(0);
    expect(loop.env.result.checks).toEqual([]);
    expect(loop.env.next_actions[0]!.description).toMatch(/nothing to check/i);
  });

  it.each([
    ['package.json', 'root package.json'],
    ['bun.lock', 'a lockfile harness does not read'],
    ['harness.toml', 'harness.toml'],
    ['tsconfig.base.json', 'root tsconfig'],
    ['eslint.config.js', 'eslint config'],
    ['turbo.json', 'Turborepo pipeline'],
    ['nx.json', 'Nx workspace'],
    ['biome.json', 'Biome config'],
    ['.nvmrc', 'Node version'],
  ])('editing %s (%s) → full, naming the file', (file) => {
    const dir = workspace();
    if (existsSync(join(dir, file))) append(dir, file, '\n');
    else write(dir, file, '{}\n'); // added: a change too
    const scope = scopeOf(dir);
    expect(scope.mode).toBe('full');
    // Each global file says why it is global.
    expect(scope.full_reason).toMatch(new RegExp(`^global file changed: ${JSON.stringify(file).replace(/[.*]/g, '\\$&')} \\(.+\\)$`));
    expect(scope.expanded_scopes).toEqual(['app', 'cli', 'core', 'math', 'numpy-lite', 'text']);
  });

  it('an unmapped path → full, naming the path', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'scripts'));
    write(dir, 'scripts/release.ts', 'export {};\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', full_reason: 'path matches no scope in [scope.path_map]: "scripts/release.ts"' });
  });

  it('an unknown base ref → full with the reason', () => {
    const dir = workspace();
    const scope = scopeOf(dir, '--base', 'origin/nope');
    expect(scope).toMatchObject({ mode: 'full', merge_base: null, base: 'origin/nope' });
    expect(scope.full_reason).toMatch(/base ref "origin\/nope" is unknown/);
  });

  it('a base named like an option is data, not an option', () => {
    const dir = workspace();
    expect(scopeOf(dir, '--base=--output=/tmp/pwned').full_reason).toMatch(/is unknown/);
  });

  it('a shallow clone without the merge-base → full, naming the shallow clone', () => {
    const origin = workspace();
    git(origin, 'checkout', '-q', '-b', 'feature');
    for (let i = 0; i < 3; i++) {
      append(origin, 'packages/cli/src/args.ts', `\nexport const v${i} = ${i};\n`);
      commitAll(origin, `feature ${i}`);
    }
    git(origin, 'checkout', '-q', 'main');
    append(origin, 'packages/core/src/numbers.ts', '\nexport const m = 1;\n');
    commitAll(origin, 'main moves on');
    const clone = join(tempDir(), 'clone');
    git(origin, 'clone', '-q', '--depth', '1', '--no-single-branch', `file://${origin}`, clone);
    git(clone, 'checkout', '-q', 'feature');
    const scope = scopeOf(clone, '--base', 'origin/main');
    expect(scope.mode).toBe('full');
    expect(scope.full_reason).toMatch(/shallow clone: no merge-base/);
  });

  it('unrelated histories → full', () => {
    const dir = workspace();
    git(dir, 'checkout', '-q', '--orphan', 'other');
    commitAll(dir, 'orphan root');
    expect(scopeOf(dir).full_reason).toMatch(/no merge-base between "main" and HEAD \(unrelated histories\)/);
  });

  it('not a git repository → full with the reason', () => {
    const dir = tempDir();
    write(dir, 'harness.toml', '[scope.path_map]\n"." = "all"\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', merge_base: null, expanded_scopes: ['all'] });
    expect(scopeOf(dir).full_reason).toMatch(/is not a git work tree/);
  });

  it('an empty repository (no commit) → full', () => {
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    write(dir, 'harness.toml', '[scope.path_map]\n"." = "all"\n');
    expect(scopeOf(dir).full_reason).toMatch(/HEAD has no commit/);
  });

  it('committed, staged, unstaged, untracked, deleted and renamed-across-packages files all count', () => {
    const dir = workspace();
    git(dir, 'checkout', '-q', '-b', 'work');
    append(dir, 'packages/core/src/assert.ts', '\n// committed\n');
    commitAll(dir);
    append(dir, 'packages/math/src/round.ts', '\n// staged\n');
    git(dir, 'add', 'packages/math/src/round.ts');
    append(dir, 'packages/text/src/pad.ts', '\n// unstaged\n');
    write(dir, 'packages/app/src/new.ts', 'export {};\n');
    rmSync(join(dir, 'packages/cli/src/index.ts'));
    renameSync(join(dir, 'packages/core/src/numbers.ts'), join(dir, 'packages/math/src/numbers.ts'));
    git(dir, 'add', '-A', 'packages/core', 'packages/math');
    const scope = scopeOf(dir);
    expect(scope.changed_files).toEqual([
      'packages/app/src/new.ts',
      'packages/cli/src/index.ts',
      'packages/core/src/assert.ts',
      'packages/core/src/numbers.ts',
      'packages/math/src/numbers.ts',
      'packages/math/src/round.ts',
      'packages/text/src/pad.ts',
    ]);
    expect(scope.changed_scopes).toEqual(['app', 'cli', 'core', 'math', 'text']);
  });

  it('a rename from one package to another scopes both sides', () => {
    const dir = workspace();
    git(dir, 'mv', 'packages/cli/src/args.ts', 'packages/text/src/args.ts');
    expect(scopeOf(dir)).toMatchObject({ changed_scopes: ['cli', 'text'], expanded_scopes: ['app', 'cli', 'text'] });
  });

  it('file names with spaces, quotes, unicode, a newline and shell syntax are data', () => {
    const dir = workspace();
    const names = ['a b.ts', `q"uo'te.ts`, 'ünï cødé.ts', 'new\nline.ts', '$(touch pwned).ts', '-rf.ts', '`id`.ts'];
    for (const n of names) writeFileSync(join(dir, 'packages/cli/src', n), 'export {};\n');
    writeFileSync(join(dir, 'packages/text', 'we ird\ndir.md'), 'x');
    const scope = scopeOf(dir);
    expect(scope.changed_files).toEqual([...names.map((n) => `packages/cli/src/${n}`), 'packages/text/we ird\ndir.md'].sort());
    expect(scope).toMatchObject({ mode: 'scoped', changed_scopes: ['cli'], expanded_scopes: ['cli'] });
    expect(git(dir, 'ls-files', '--others', '--exclude-standard', '-z').includes('pwned\0')).toBe(false);
  });

  it('the harness never reports its own .harness/ logs as changes', () => {
    const dir = workspace();
    append(dir, 'README.md', 'x\n');
    harness(['loop', '--cwd', dir]);
    expect(scopeOf(dir).changed_files).toEqual(['README.md']);
  });

  it('bounds changed_files and counts the rest', () => {
    const dir = workspace();
    for (let i = 0; i < 60; i++) write(dir, `packages/cli/src/gen${String(i).padStart(2, '0')}.ts`, 'export {};\n');
    const scope = scopeOf(dir);
    expect(scope.changed_files).toHaveLength(50);
    expect((scope as { omitted_changed_files?: number }).omitted_changed_files).toBe(10);
  });
});
