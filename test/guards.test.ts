import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, commitAll, git, harness, workspace, write } from './helpers.js';

const guard = (dir: string, id: string, verb = 'loop') => check(harness([verb, '--cwd', dir, '--only', id]), id);

describe('boundaries: core must not reach @demo/numpy-lite (fixture rule)', () => {
  it('finds every module-reference form, with path:line:col', () => {
    const dir = workspace();
    write(
      dir,
      'packages/core/src/forms.ts',
      [
        "import np from '@demo/numpy-lite';",
        "import type { Vec } from '@demo/numpy-lite';",
        "export { zeros } from '@demo/numpy-lite';",
        "export * from '@demo/numpy-lite/src/index';",
        "const lazy = () => import('@demo/numpy-lite');",
        "const r = require('@demo/numpy-lite');",
        "const p = require.resolve('@demo/numpy-lite');",
        "import nl = require('@demo/numpy-lite');",
        "type T = typeof import('@demo/numpy-lite');",
        "import rel from '../../numpy-lite/src/index';",
        '',
      ].join('\n'),
    );
    append(dir, 'harness.toml', '\n[output]\nmax_details = 20\n');
    const c = guard(dir, 'boundaries');
    expect(c.status).toBe('fail');
    const kinds = ['import', 'import type', 'export from', 'export from', 'import()', 'require()', 'require.resolve()', 'import = require()', 'import type', 'import'];
    expect(c.details).toHaveLength(kinds.length);
    c.details.forEach((d, i) => expect(d).toMatch(new RegExp(`^packages/core/src/forms\\.ts:${i + 1}:\\d+ ${kinds[i]!.replace(/[()]/g, '\\$&')} '`)));
  });

  it('catches the proxy trap: a module re-exporting the backend under another name, imported as { np }', () => {
    const dir = workspace();
    write(dir, 'packages/core/src/runtime.ts', "export * as np from '@demo/numpy-lite';\n");
    write(dir, 'packages/core/src/vector.ts', "import { np } from './runtime';\n\nexport const origin = np.zeros(2);\n");
    const c = guard(dir, 'boundaries');
    expect(c.details).toContain("packages/core/src/runtime.ts:1:1 export from '@demo/numpy-lite': scope core forbids \"@demo/numpy-lite\"");
    expect(c.details).toContain(
      "packages/core/src/vector.ts:1:1 import './runtime' reaches a forbidden module: packages/core/src/runtime.ts → '@demo/numpy-lite'",
    );
  });

  it('follows chains through other scopes, tsconfig paths aliases, and forbidden strings', () => {
    const dir = workspace();
    write(dir, 'packages/text/src/backend.ts', "export { dot } from '@demo/numpy-lite';\n");
    write(dir, 'packages/core/src/via.ts', "export { dot } from '../../text/src/backend';\n");
    write(dir, 'packages/core/tsconfig.json', '{ "extends": "../../tsconfig.base.json", "include": ["src", "test"], "compilerOptions": { "paths": { "#np": ["../numpy-lite/src/index.ts"] } } }\n');
    write(dir, 'packages/core/src/alias.ts', "import * as b from '#np';\nexport const B = b;\n");
    write(dir, 'packages/core/src/name.ts', "export const backend = 'numpy';\nexport const label = `uses ${backend} numpy`;\n");
    const c = guard(dir, 'boundaries');
    expect(c.details).toEqual(
      expect.arrayContaining([
        "packages/core/src/alias.ts:1:1 import '#np': scope core forbids \"@demo/numpy-lite\"",
        "packages/core/src/via.ts:1:1 export from '../../text/src/backend' reaches a forbidden module: packages/text/src/backend.ts → '@demo/numpy-lite'",
        'packages/core/src/name.ts:1:24 string "numpy" contains "numpy", forbidden in scope core',
        'packages/core/src/name.ts:2:22 string "uses ${…} numpy" contains "numpy", forbidden in scope core',
      ]),
    );
  });

  it('a computed specifier is a finding ("cannot verify"), never skipped', () => {
    const dir = workspace();
    write(dir, 'packages/core/src/dyn.ts', "const name = ['a', 'b'].join('');\nexport const m = import(name);\nexport const r = require(name + '/x');\n");
    const c = guard(dir, 'boundaries');
    expect(c.details).toEqual([
      expect.stringMatching(/^packages\/core\/src\/dyn\.ts:2:18 import\(\) with a computed specifier: cannot verify/),
      expect.stringMatching(/^packages\/core\/src\/dyn\.ts:3:18 require\(\) with a computed specifier/),
    ]);
  });

  it('other scopes may use the backend, and the untouched fixture passes', () => {
    const dir = workspace();
    write(dir, 'packages/text/src/vec.ts', "export { dot } from '@demo/numpy-lite';\n");
    expect(guard(dir, 'boundaries', 'gate').status).toBe('pass');
  });
});

describe('graph: imports across scopes must be declared', () => {
  it('an undeclared runtime edge fails, names the fix, and the scoping shows what would be missed', () => {
    const dir = workspace();
    write(dir, 'packages/cli/src/slug.ts', "import { slugify } from '@demo/text';\n\nexport const flag = (s: string) => `--${slugify(s)}`;\n");
    commitAll(dir);
    const c = guard(dir, 'graph', 'gate');
    expect(c.status).toBe('fail');
    expect(c.details).toEqual([
      'packages/cli/src/slug.ts:1:1 undeclared import of scope text (\'@demo/text\') from a runtime file of scope cli. ' +
        'Fix: [scope.dependencies] "cli" = ["core", "text"] (else a change in text would not re-check cli)',
    ]);
    // Why it matters: a change in text does not reach cli, whose code now depends on it.
    append(dir, 'packages/text/src/slug.ts', '\n// changed\n');
    expect(harness(['scope', '--cwd', dir]).env.result.scope!.expanded_scopes).toEqual(['app', 'text']);
    append(dir, 'harness.toml', '\n');
    write(dir, 'harness.toml', harnessToml(dir).replace('cli = ["core"]', 'cli = ["core", "text"]'));
    commitAll(dir);
    append(dir, 'packages/text/src/slug.ts', '\n// changed again\n');
    expect(harness(['scope', '--cwd', dir]).env.result.scope!.expanded_scopes).toEqual(['app', 'cli', 'text']);
    expect(guard(dir, 'graph', 'gate').status).toBe('pass');
  });

  it('a test-only edge (core tests import math, a cycle) passes when declared and re-runs core on a math change', () => {
    const dir = workspace();
    expect(guard(dir, 'graph', 'gate').status).toBe('pass');
    append(dir, 'packages/math/src/round.ts', '\n// changed\n');
    expect(harness(['scope', '--cwd', dir]).env.result.scope!.expanded_scopes).toEqual(expect.arrayContaining(['app', 'core', 'math']));
    write(dir, 'harness.toml', harnessToml(dir).replace('core = ["math"]', 'core = []'));
    const c = guard(dir, 'graph', 'gate');
    expect(c.details).toEqual([
      expect.stringMatching(/^packages\/core\/test\/assert\.test\.ts:2:1 undeclared import of scope math \('@demo\/math'\) from a test file of scope core\. Fix: \[scope\.test_dependencies\] "core" = \["math"\] /),
    ]);
  });
});

function harnessToml(dir: string): string {
  return git(dir, 'show', 'HEAD:harness.toml');
}

describe('suppressions: only what the diff adds', () => {
  it('an added @ts-ignore fails; an old one in the same file does not', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\n// @ts-ignore\nexport const old: number = 1;\n');
    commitAll(dir);
    append(dir, 'packages/cli/src/args.ts', '\n// @ts-ignore\nexport const fresh: number = 2;\n');
    const c = guard(dir, 'suppressions');
    expect(c.details).toEqual(['packages/cli/src/args.ts:21:4 new suppression "// @ts-ignore": fix the cause instead']);
  });

  it('a suppression moved by a rename, or moved within the diff, is not new; one added while another is deleted is', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\n// eslint-disable-next-line no-console\nconsole.log(1);\n');
    commitAll(dir);
    mkdirSync(join(dir, 'packages/cli/src/io'));
    renameSync(join(dir, 'packages/cli/src/args.ts'), join(dir, 'packages/cli/src/io/args.ts'));
    expect(guard(dir, 'suppressions').status).toBe('pass');
    git(dir, 'add', '-A');
    const text = git(dir, 'show', 'HEAD:packages/cli/src/args.ts').replace('// eslint-disable-next-line no-console\nconsole.log(1);\n', '');
    write(dir, 'packages/cli/src/io/args.ts', `${text}\n// eslint-disable-next-line no-console\nconsole.log(2);\n`);
    expect(guard(dir, 'suppressions').details).toEqual([expect.stringMatching(/^packages\/cli\/src\/io\/args\.ts:\d+:4 new suppression "\/\/ eslint-disable-next-line no-console"/)]);
  });

  it('focus and skip in tests, Stryker and configured patterns', () => {
    const dir = workspace();
    append(dir, 'harness.toml', '\n[suppressions]\npatterns = ["NOLINT"]\n');
    commitAll(dir);
    append(dir, 'packages/cli/test/args.test.ts', "\nit.only('x', () => {});\ndescribe.skip('y', () => {});\nit.todo('z');\n// Stryker disable next-line all\n// NOLINT\n");
    append(dir, 'packages/cli/src/args.ts', "\nexport const focus = 'it.only(';\n");
    const c = guard(dir, 'suppressions');
    expect(c.details.map((d) => d.split(' ')[0])).toEqual([
      'packages/cli/test/args.test.ts:18:3',
      'packages/cli/test/args.test.ts:19:9',
      'packages/cli/test/args.test.ts:20:3',
      'packages/cli/test/args.test.ts:21:4',
      'packages/cli/test/args.test.ts:22:4',
    ]);
  });
});

describe('changed_tests and file_size', () => {
  it('a runtime change without a test change fails; with one it passes; docs-only changes need nothing', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\nexport const n = 1;\n');
    expect(guard(dir, 'changed_tests').details).toEqual(['packages/cli/src/args.ts: runtime code of scope cli changed, but no test file of cli gained a line']);
    append(dir, 'packages/cli/test/args.test.ts', "\nit('n', () => expect(1).toBe(1));\n");
    expect(guard(dir, 'changed_tests').status).toBe('pass');
    const docs = workspace();
    append(docs, 'README.md', 'more\n');
    write(docs, 'packages/cli/NOTES.md', 'n\n');
    expect(guard(docs, 'changed_tests').status).toBe('pass');
  });

  it('deleting runtime code still needs a test change', () => {
    const dir = workspace();
    git(dir, 'rm', '-q', 'packages/text/src/pad.ts');
    expect(guard(dir, 'changed_tests').details).toEqual(['packages/text/src/pad.ts: runtime code of scope text changed, but no test file of text gained a line']);
  });

  it('a changed file over max_file_lines fails with its count; an unchanged long file does not', () => {
    const dir = workspace();
    write(dir, 'packages/cli/src/long.ts', 'export const a = 1;\n'.repeat(501));
    write(dir, 'packages/cli/src/ok.ts', 'export const b = 1;\n'.repeat(500));
    expect(guard(dir, 'file_size').details).toEqual(['packages/cli/src/long.ts:501:1 501 lines, over the limit of 500 ([limits] max_file_lines): split it']);
    commitAll(dir);
    append(dir, 'packages/cli/src/args.ts', '\n');
    expect(guard(dir, 'file_size').status).toBe('pass');
  });

  it('a file already over the limit: edited without growing → reported, preexisting, not failing; grown → fail; one crossing the limit → fail', () => {
    const dir = workspace();
    write(dir, 'packages/cli/src/legacy.ts', 'export const a = 1;\n'.repeat(1400));
    commitAll(dir, 'a long legacy file');
    write(dir, 'packages/cli/src/legacy.ts', `export const b = 2;\n${'export const a = 1;\n'.repeat(1399)}`);
    const held = guard(dir, 'file_size');
    expect(held).toMatchObject({ status: 'pass', preexisting: 1, details: ['packages/cli/src/legacy.ts:501:1 1400 lines, already over the limit of 500 before this change (1400); not grown, so not failing'] });
    append(dir, 'packages/cli/src/legacy.ts', 'export const c = 3;\n');
    write(dir, 'packages/cli/src/ok.ts', 'export const b = 1;\n'.repeat(501));
    expect(guard(dir, 'file_size')).toMatchObject({
      status: 'fail',
      details: [
        'packages/cli/src/legacy.ts:501:1 1401 lines, grown from 1400 while over the limit of 500 ([limits] max_file_lines): split it',
        'packages/cli/src/ok.ts:501:1 501 lines, over the limit of 500 ([limits] max_file_lines): split it',
      ],
    });
  });
});

describe('evasions a reviewer tried', () => {
  it('binary-looking code (a NUL byte, or -diff in .gitattributes) cannot hide a suppression', () => {
    const dir = workspace();
    write(dir, 'packages/core/.gitattributes', '*.ts -diff\n');
    commitAll(dir);
    append(dir, 'packages/core/src/numbers.ts', '\n// @ts-ignore\nexport const q: number = 1;\n');
    write(dir, 'packages/text/src/nul.ts', 'export const z = "\0";\n// @TS-NOCHECK\n');
    const c = guard(dir, 'suppressions');
    expect(c.details.map((d) => d.split(' ')[0])).toEqual(expect.arrayContaining(['packages/text/src/nul.ts:2:4']));
    expect(c.details.some((d) => d.startsWith('packages/core/src/numbers.ts:') && d.includes('@ts-ignore'))).toBe(true);
  });

  it('inline eslint rule config, skipIf and fit count; an edited line keeping its inline disable does not; docs never do', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\nexport const k = Math.max(1, 2); // eslint-disable-line prefer-const\n');
    commitAll(dir);
    write(dir, 'packages/cli/src/args.ts', git(dir, 'show', 'HEAD:packages/cli/src/args.ts').replace('Math.max(1, 2)', 'Math.max(2, 1)'));
    append(dir, 'packages/cli/src/args.ts', '/* eslint @typescript-eslint/no-explicit-any: "off" */\n');
    append(dir, 'packages/cli/test/args.test.ts', "\nit.skipIf(true)('a', () => {});\nfit('b', () => {});\n");
    append(dir, 'README.md', 'Never write // @ts-ignore\n');
    const c = guard(dir, 'suppressions');
    expect(c.details.map((d) => d.split(' ')[0])).toEqual(['packages/cli/src/args.ts:19:1', 'packages/cli/test/args.test.ts:18:3', 'packages/cli/test/args.test.ts:19:1']);
  });

  it('a file-level disable moved to another file is new; a type change (file → symlink) does not crash', () => {
    const dir = workspace();
    write(dir, 'packages/core/test/numbers.test.ts', `/* eslint-disable */\n${git(dir, 'show', 'HEAD:packages/core/test/numbers.test.ts')}`);
    commitAll(dir);
    write(dir, 'packages/core/test/numbers.test.ts', git(dir, 'show', 'HEAD~1:packages/core/test/numbers.test.ts'));
    write(dir, 'packages/core/test/assert.test.ts', `/* eslint-disable */\n${git(dir, 'show', 'HEAD:packages/core/test/assert.test.ts')}`);
    expect(guard(dir, 'suppressions').details).toEqual([expect.stringMatching(/^packages\/core\/test\/assert\.test\.ts:1:4 new suppression/)]);
    rmSync(join(dir, 'packages/text/src/pad.ts'));
    symlinkSync('slug.ts', join(dir, 'packages/text/src/pad.ts'));
    expect(guard(dir, 'suppressions').status).toBe('fail'); // still the moved disable, and no crash
  });

  it('deleting, renaming or touching non-code test files is not a test change', () => {
    const dir = workspace();
    for (const p of ['core', 'math', 'text']) append(dir, `packages/${p}/src/index.ts`, '\nexport const k = 1;\n');
    git(dir, 'rm', '-q', 'packages/core/test/numbers.test.ts');
    git(dir, 'mv', 'packages/math/test/stats.test.ts', 'packages/math/test/stats2.test.ts');
    write(dir, 'packages/text/test/.keep', '');
    const c = guard(dir, 'changed_tests');
    expect(c.details.map((d) => d.split(':')[0])).toEqual(['packages/core/src/index.ts', 'packages/math/src/index.ts', 'packages/text/src/index.ts']);
  });

  it('graph and boundaries see createRequire, module.require, import.meta.resolve, node: prefixes and unlinked packages', () => {
    const dir = workspace();
    write(dir, 'packages/core/src/helpers.test.ts', "export { mean } from '@demo/math';\n");
    write(dir, 'packages/core/src/a.ts', "export { mean } from './helpers.test';\n");
    write(
      dir,
      'packages/core/src/b.ts',
      "import { createRequire } from 'node:module';\nconst r = createRequire(import.meta.url);\nexport const t = r('@demo/text');\nexport const m = module.require('@demo/numpy-lite');\nexport const u = import.meta.resolve('@demo/app');\nimport 'node:child_process';\n",
    );
    mkdirSync(join(dir, 'packages/wrap/src'), { recursive: true });
    write(dir, 'packages/wrap/package.json', '{ "name": "@demo/wrap", "main": "src/index.ts" }\n');
    write(dir, 'packages/wrap/src/index.ts', "export * from '@demo/numpy-lite';\n");
    write(dir, 'packages/core/src/c.ts', "export * from '@demo/wrap';\n");
    write(dir, 'harness.toml', `${git(dir, 'show', 'HEAD:harness.toml')}\n[[boundaries.rules]]\nscope = "core"\nforbid = ["child_process"]\n`.replace('"packages/cli/" = "cli"', '"packages/cli/" = "cli"\n"packages/wrap/" = "wrap"').replace('cli = ["core"]', 'cli = ["core"]\nwrap = []'));
    const graph = guard(dir, 'graph', 'gate');
    expect(graph.details.map((d) => d.split(' ').slice(0, 1)[0])).toEqual(
      expect.arrayContaining(['packages/core/src/a.ts:1:1', 'packages/core/src/b.ts:3:18', 'packages/core/src/b.ts:4:18', 'packages/core/src/b.ts:5:18']),
    );
    const b = guard(dir, 'boundaries', 'gate');
    expect(b.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^packages\/core\/src\/b\.ts:4:18 require\(\) '@demo\/numpy-lite': scope core forbids/),
        expect.stringMatching(/^packages\/core\/src\/b\.ts:6:1 import 'node:child_process': scope core forbids "child_process"/),
        expect.stringMatching(/^packages\/core\/src\/c\.ts:1:1 export from '@demo\/wrap' reaches a forbidden module: packages\/wrap\/src\/index\.ts → '@demo\/numpy-lite'/),
      ]),
    );
  });

  it('a suppression written inside a string literal is data; one after a closed string is not', () => {
    const dir = workspace();
    append(dir, 'packages/cli/test/args.test.ts', "\nconst sample = '// @ts-ignore';\nconst other = `eslint-disable`; // @ts-expect-error\nexport { sample, other };\n");
    expect(guard(dir, 'suppressions').details.map((d) => d.split(' ')[0])).toEqual(['packages/cli/test/args.test.ts:19:36']);
  });

  it('file_size leaves lockfiles alone', () => {
    const dir = workspace();
    write(dir, 'package-lock.json', `${'{}\n'.repeat(600)}`);
    expect(guard(dir, 'file_size', 'gate').status).toBe('pass');
  });
});
