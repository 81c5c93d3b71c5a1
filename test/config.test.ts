import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveRawConfig, pnpmWorkspaceGlobs } from '../src/config/workspace.js';
import { findCycle, normalisePrefix, validateConfig } from '../src/config/validate.js';
import { HarnessError } from '../src/errors.js';
import { append, commitAll, git, harness, tempDir, workspace, write } from './helpers.js';

const base = {
  scope: {
    path_map: { 'packages/core/': 'core', 'packages/grad/': 'grad' },
    dependencies: { core: [], grad: ['core'] },
  },
};

function keyOf(raw: Record<string, unknown>): string | null {
  try {
    validateConfig(raw, null);
  } catch (e) {
    expect(e).toBeInstanceOf(HarnessError);
    expect((e as HarnessError).code).toBe('config');
    expect((e as HarnessError).message).toContain((e as HarnessError).key ?? '');
    return (e as HarnessError).key;
  }
  return null;
}

describe('config validation names the key', () => {
  it('accepts the DESIGN example shape and fills defaults', () => {
    const c = validateConfig({ ...base, loop: { budget_seconds: 30 } }, null);
    expect(c.loop.budget_seconds).toBe(30);
    expect(c.output).toEqual({ max_checks: 20, max_details: 8, max_detail_chars: 240, max_files: 50 });
    expect(c.scope.global).toContain('package.json');
    expect(c.scope.global).not.toContain('package-lock.json'); // lockfiles are read, not global (DESIGN §3)
    expect([...c.scope.path_map.keys()]).toEqual(['packages/core/', 'packages/grad/']);
  });

  it('unknown keys, at top level and nested', () => {
    expect(keyOf({ ...base, colour: 'red' })).toBe('colour');
    expect(keyOf({ ...base, loop: { budget: 3 } })).toBe('loop.budget');
    expect(keyOf({ ...base, checks: { command: [{ id: 'x', run: ['a'], shell: 'sh' }] } })).toBe('checks.command.0.shell');
  });

  it('wrong types', () => {
    expect(keyOf({ ...base, loop: { budget_seconds: 'fast' } })).toBe('loop.budget_seconds');
    expect(keyOf({ ...base, base: 3 })).toBe('base');
    expect(keyOf({ ...base, checks: { command: [{ id: 'x', run: 'npm test' }] } })).toBe('checks.command.0.run');
    expect(keyOf({ ...base, output: { max_details: 0 } })).toBe('output.max_details');
    // Beyond a day, Node's timers overflow and would fire at once: every check deferred, ok:true.
    expect(keyOf({ ...base, loop: { budget_seconds: 3_000_000 } })).toBe('loop.budget_seconds');
    expect(keyOf({ ...base, gate: { check_timeout_seconds: 3_000_000 } })).toBe('gate.check_timeout_seconds');
  });

  it('unknown scopes in dependencies, test_dependencies and command scopes', () => {
    expect(keyOf({ scope: { ...base.scope, dependencies: { core: [], grad: ['cor'] } } })).toBe('scope.dependencies.grad.0');
    expect(keyOf({ scope: { ...base.scope, dependencies: { nope: [] } } })).toBe('scope.dependencies.nope');
    expect(keyOf({ scope: { ...base.scope, test_dependencies: { core: ['x'] } } })).toBe('scope.test_dependencies.core.0');
    expect(keyOf({ ...base, checks: { command: [{ id: 'x', run: ['a'], scopes: ['zz'] }] } })).toBe('checks.command.0.scopes.0');
  });

  it('cycles are legal in dependencies and test_dependencies (real monorepos have them); [scope.checks] names real scopes and checks', () => {
    expect(keyOf({ scope: { ...base.scope, dependencies: { core: ['grad'], grad: ['core'] } } })).toBeNull();
    expect(keyOf({ scope: { ...base.scope, test_dependencies: { core: ['grad'] } } })).toBeNull();
    expect(keyOf({ scope: { ...base.scope, checks: { core: ['lint', 'test'] } } })).toBeNull();
    expect(keyOf({ scope: { ...base.scope, checks: { nope: ['lint'] } } })).toBe('scope.checks.nope');
    expect(keyOf({ scope: { ...base.scope, checks: { core: ['lint', 'format'] } } })).toBe('scope.checks.core.1');
    expect(keyOf({ ...base, lint: { tool: 'jshint' } })).toBe('lint.tool');
  });

  it('duplicate and invalid path_map prefixes', () => {
    expect(keyOf({ scope: { path_map: { 'packages/vue': 'a', 'packages/vue/': 'b' } } })).toBe('scope.path_map."packages/vue/"');
    for (const bad of ['../up', '/abs', 'pkgs/*', 'a\\b', '', 'a//b']) {
      expect(keyOf({ scope: { path_map: { [bad]: 'x' } } })).toBe(`scope.path_map.${JSON.stringify(bad)}`);
    }
    expect(keyOf({ scope: { path_map: {} } })).toBe('scope.path_map');
  });

  it('duplicate command ids and bad scope names', () => {
    const cmd = { id: 'docs', run: ['node', 'x.js'] };
    expect(keyOf({ ...base, checks: { command: [cmd, cmd] } })).toBe('checks.command.1.id');
    expect(keyOf({ scope: { path_map: { 'a/': 'has space' } } })).toBe('scope.path_map."a/"');
  });

  it('normalises prefixes: trailing slash, ./, and . for the root', () => {
    expect(normalisePrefix('packages/vue')).toBe('packages/vue/');
    expect(normalisePrefix('./packages/vue/')).toBe('packages/vue/');
    expect(normalisePrefix('.')).toBe('');
    expect(normalisePrefix('packages/../x')).toBeNull();
  });

  it('findCycle finds only real cycles', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toBeNull();
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['b']]]))).toEqual(['b', 'c', 'b']);
  });
});

describe('config errors through the CLI', () => {
  it('invalid TOML → exit 2 with the position', () => {
    const dir = workspace();
    write(dir, 'harness.toml', '[scope\npath_map = 1\n');
    const run = harness(['scope', '--cwd', dir]);
    expect(run.code).toBe(2);
    expect(run.env.ok).toBe(false);
    expect(run.env.result.error?.code).toBe('config');
    expect(run.env.result.error?.message).toMatch(/invalid TOML at line 1/);
  });

  it('an unknown key → exit 2 naming it; loop runs nothing', () => {
    const dir = workspace();
    write(dir, 'harness.toml', '[scope.path_map]\n"packages/core/" = "core"\n[loop]\nbudget_secs = 3\n');
    const run = harness(['loop', '--cwd', dir]);
    expect(run.code).toBe(2);
    expect(run.env.result.error).toMatchObject({ code: 'config', key: 'loop.budget_secs' });
    expect(run.env.result.checks).toBeUndefined();
  });

  it('a missing --config file → exit 2 naming --config', () => {
    const dir = workspace();
    const run = harness(['scope', '--cwd', dir, '--config', join(dir, 'nope.toml')]);
    expect(run.code).toBe(2);
    expect(run.env.result.error).toMatchObject({ code: 'config', key: '--config' });
  });
});

describe('defaults derived from the workspace', () => {
  it('npm workspaces: one scope per package, dependencies from the manifests', () => {
    const dir = workspace();
    const raw = deriveRawConfig(dir) as { scope: { path_map: object; dependencies: Record<string, string[]> } };
    expect(raw.scope.path_map).toEqual({
      'packages/app/': 'app',
      'packages/cli/': 'cli',
      'packages/core/': 'core',
      'packages/math/': 'math',
      'packages/numpy-lite/': 'numpy-lite',
      'packages/text/': 'text',
    });
    expect(raw.scope.dependencies).toEqual({ app: ['math', 'text'], cli: ['core'], core: [], math: ['core'], 'numpy-lite': [], text: ['core'] });
  });

  it('no harness.toml → the derived config drives scope', () => {
    const dir = workspace('rootcfg');
    rmSync(join(dir, 'harness.toml'));
    commitAll(dir);
    append(dir, 'packages/base/src/id.ts', '\nexport const more = 1;\n');
    const run = harness(['scope', '--cwd', dir]);
    expect(run.code).toBe(0);
    expect(run.env.result.scope).toMatchObject({ mode: 'scoped', changed_scopes: ['base'], expanded_scopes: ['base', 'extra', 'feature'] });
  });

  it('pnpm-workspace.yaml packages list, quoted and commented', () => {
    expect(pnpmWorkspaceGlobs("packages:\n  - 'packages/*'\n  - \"tools/x\" # a tool\n  - '!**/test/**'\ncatalog:\n  - no\n")).toEqual([
      'packages/*',
      'tools/x',
      '!**/test/**',
    ]);
  });

  it('a single-package repo is one scope "."', () => {
    const dir = tempDir();
    write(dir, 'package.json', '{"name":"solo"}');
    mkdirSync(join(dir, 'src'));
    expect(deriveRawConfig(dir)).toEqual({ scope: { path_map: { '.': '.' }, dependencies: { '.': [] } } });
  });
});

describe('workspace globs as real repos write them', () => {
  it('pnpm lists: unindented items, inline arrays; npm brace alternations', async () => {
    expect(pnpmWorkspaceGlobs('packages:\n- "packages/*"\n- apps/*\n')).toEqual(['packages/*', 'apps/*']);
    expect(pnpmWorkspaceGlobs('packages: ["packages/*", \'tools/x\']\n')).toEqual(['packages/*', 'tools/x']);
    const { globToRegExp } = await import('../src/util/glob.js');
    expect(globToRegExp('packages/{core,math}').test('packages/math')).toBe(true);
    expect(globToRegExp('packages/{core,math}').test('packages/text')).toBe(false);
    expect(globToRegExp('odd/{brace').test('odd/{brace')).toBe(true);
  });
});

describe('the parsed config is cached by its text', () => {
  it('a second call reuses the validated config; any edit is parsed and validated again; nothing shows in git', () => {
    const dir = workspace();
    const cacheFiles = () => readdirSync(join(dir, '.harness/cache/config'));
    expect(harness(['scope', '--cwd', dir]).env.ok).toBe(true);
    expect(cacheFiles()).toHaveLength(1);
    const again = harness(['scope', '--cwd', dir]);
    expect(again.env.ok).toBe(true);
    expect(cacheFiles()).toHaveLength(1);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');

    append(dir, 'harness.toml', '\n[loop]\nbudget_secs = 5\n');
    const bad = harness(['scope', '--cwd', dir]);
    expect(bad.code).toBe(2);
    expect(bad.env.result.error).toMatchObject({ code: 'config', key: 'loop.budget_secs' });
    expect(cacheFiles()).toHaveLength(1); // an invalid config is never cached

    // Bounded: each distinct text adds an entry, the oldest go beyond 8.
    for (let i = 0; i < 10; i++) {
      write(dir, 'harness.toml', `${git(dir, 'show', 'HEAD:harness.toml')}\n[loop]\nbudget_seconds = ${i + 10}\n`);
      expect(harness(['scope', '--cwd', dir]).env.ok).toBe(true);
    }
    expect(cacheFiles()).toHaveLength(8);
  });
});
