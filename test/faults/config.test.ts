// Fault matrix, config: a broken harness.toml is exit 2 naming the key, before anything runs; a config
// that is valid but surprising (overlaps, no file at all) scopes exactly as documented.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, commitAll, harness, workspace, write } from '../helpers.js';
import { expectConfigError, scopeOf } from './support.js';

/** The demo workspace with its harness.toml replaced by `edit(original)` (not committed: exit 2 comes first). */
function withConfig(edit: (toml: string) => string): string {
  const dir = workspace();
  write(dir, 'harness.toml', edit(readFileSync(join(dir, 'harness.toml'), 'utf8')));
  return dir;
}

const loop = (dir: string) => harness(['loop', '--cwd', dir]);

describe('config', () => {
  it('no harness.toml → scopes derived from the workspace manifests (a cli edit scopes to cli)', () => {
    const dir = workspace();
    rmSync(join(dir, 'harness.toml'));
    commitAll(dir, 'no config');
    append(dir, 'packages/cli/src/args.ts', '\nexport const X = 1;\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_scopes: ['cli'], expanded_scopes: ['cli'] });
  });

  it('--config names a missing file → exit 2 naming --config', () => {
    const dir = workspace();
    expectConfigError(harness(['loop', '--cwd', dir, '--config', join(dir, 'nope.toml')]), '--config', /^config file not found: .*nope\.toml$/);
  });

  it('invalid TOML → exit 2 with the line and column', () => {
    const dir = withConfig((t) => `${t}\n[loop\nbudget_seconds = 3\n`);
    expectConfigError(loop(dir), null, /harness\.toml: invalid TOML at line \d+, column \d+/);
  });

  it('unknown key → exit 2 naming loop.budget_secs', () => {
    const dir = withConfig((t) => `${t}\n[loop]\nbudget_secs = 30\n`);
    expectConfigError(loop(dir), 'loop.budget_secs', /loop\.budget_secs: unknown key$/);
  });

  it('wrong type → exit 2 naming loop.budget_seconds', () => {
    const dir = withConfig((t) => `${t}\n[loop]\nbudget_seconds = "fast"\n`);
    expectConfigError(loop(dir), 'loop.budget_seconds', /loop\.budget_seconds: must be number$/);
  });

  it('dependency cycle (core → app → math → core) → accepted: a change in app re-checks the whole cycle, and expansion ends', () => {
    const dir = withConfig((t) => t.replace('core = []', 'core = ["app"]'));
    commitAll(dir, 'a cycle');
    append(dir, 'packages/app/src/report.ts', '\n// changed\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_scopes: ['app'], expanded_scopes: ['app', 'cli', 'core', 'math', 'text'] });
  });

  it('dependency on an undeclared scope → exit 2 naming scope.dependencies.cli.0', () => {
    const dir = withConfig((t) => t.replace('cli = ["core"]', 'cli = ["ghost"]'));
    expectConfigError(loop(dir), 'scope.dependencies.cli.0', /unknown scope "ghost"$/);
  });

  it('overlapping prefixes (packages/ and packages/cli/) → the longest prefix wins: cli alone, core’s file to the outer scope', () => {
    const dir = withConfig((t) => t.replace('[scope.path_map]\n', '[scope.path_map]\n"packages/" = "outer"\n'));
    commitAll(dir, 'outer scope');
    append(dir, 'packages/cli/src/args.ts', '\nexport const X = 1;\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_scopes: ['cli'], expanded_scopes: ['cli'] });
    write(dir, 'packages/README.txt', 'x\n');
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_scopes: ['cli', 'outer'] });
  });

  it('the same prefix twice (packages/cli and packages/cli/) → exit 2 naming scope.path_map."packages/cli/"', () => {
    const dir = withConfig((t) => t.replace('"packages/cli/" = "cli"', '"packages/cli" = "cli"\n"packages/cli/" = "cli2"'));
    expectConfigError(loop(dir), 'scope.path_map."packages/cli/"', /duplicates the prefix "packages\/cli\/"$/);
  });

  it('empty path_map → exit 2 naming scope.path_map', () => {
    const dir = workspace();
    write(dir, 'harness.toml', '[scope.path_map]\n');
    expectConfigError(loop(dir), 'scope.path_map', /maps no directory to a scope/);
  });

  it('path_map prefix escaping the repository ("../x/") → exit 2 naming it', () => {
    const dir = withConfig((t) => t.replace('"packages/cli/" = "cli"', '"../cli/" = "cli"'));
    expectConfigError(loop(dir), 'scope.path_map."../cli/"', /is not a directory prefix/);
  });

  it('harness.toml itself edited → mode full, reason names harness.toml', () => {
    const dir = withConfig((t) => `${t}\n[loop]\nbudget_seconds = 60\n`);
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', full_reason: 'global file changed: "harness.toml" (harness\'s own config: the scopes and checks themselves)' });
  });
});
