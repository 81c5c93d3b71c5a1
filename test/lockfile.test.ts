import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffGraphs } from '../src/scope/lockfiles/graph.js';
import { npmGraph } from '../src/scope/lockfiles/npm.js';
import { pnpmGraph } from '../src/scope/lockfiles/pnpm.js';
import { parseYarnV1 } from '../src/scope/lockfiles/yarn-v1.js';
import { commitAll, harness, workspace, write, type Fixture } from './helpers.js';

// The lock-* fixtures are one workspace in four package managers: core ← api (debug → ms) ← web
// (picocolors), and cli on core; the root's own devDependency is typescript. Each edit below is what
// the package manager writes for the change.

function scopeOf(dir: string) {
  const run = harness(['scope', '--cwd', dir]);
  expect(run.code).toBe(0);
  return run.env.result.scope!;
}

/** Replaces text the fixture must hold (a missing one is a broken test, not a no-op). */
function edit(dir: string, rel: string, ...pairs: [string | RegExp, string | ((match: string) => string)][]): void {
  let text = readFileSync(join(dir, rel), 'utf8');
  for (const [from, to] of pairs) {
    const next = typeof to === 'string' ? text.replace(from, to) : text.replace(from, to);
    if (next === text) throw new Error(`${rel} has no ${String(from)}`);
    text = next;
  }
  writeFileSync(join(dir, rel), text);
}

type Manifest = Record<string, unknown>;
type PackageLock = { packages: Record<string, Record<string, unknown>> };

/** Rewrites a JSON file as npm does (two-space indent, a final newline). */
function editJson<T>(dir: string, rel: string, change: (doc: T) => void): void {
  const doc = JSON.parse(readFileSync(join(dir, rel), 'utf8')) as T;
  change(doc);
  writeFileSync(join(dir, rel), `${JSON.stringify(doc, null, 2)}\n`);
}

const DEBUG_437 = 'sha512-Er2nc/H7RrMXZBFCEim6TCmMk02Z8vLC2Rbi1KEBggpo0fS6l0S1nnapwmIi3yW/+GOJap1Krg4w0Hg80oCqgQ==';
const MS_213 = 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==';
const MS_212 = 'sha512-sGkPx+VjMtmA6MX27oA4FBFELFCZZ4S4XqeGOXCv68tT+jb3vk/RyaKWP0PTKyWtmLSM0b+adUTEvbs1PEaH2w==';
const DEBUG_436 = 'sha512-O/09Bd4Z1fBrU4VzkhFqVgpPzaGbw6Sm9FEkBT1A/YBXQFGuuSxa1dN2nxgxS34JmKXqYx8CZAwEVoJFImUXIg==';

interface Format {
  fixture: Fixture;
  lockfile: string;
  /** `debug` 4.3.6 → 4.3.7 within api's `^4.3.6` (and its `ms` 2.1.2 → 2.1.3): a lockfile-only update. */
  bumpDebug(dir: string): void;
  /** `ms` forced to 2.1.3 for the whole tree (npm `overrides`, pnpm `overrides`, yarn `resolutions`). */
  overrideMs(dir: string): void;
  overrideReason: string;
}

const npmMs213 = (doc: PackageLock) =>
  Object.assign(doc.packages['node_modules/ms']!, { version: '2.1.3', resolved: 'https://registry.npmjs.org/ms/-/ms-2.1.3.tgz', integrity: MS_213 });

const FORMATS: Format[] = [
  {
    fixture: 'lock-npm',
    lockfile: 'package-lock.json',
    bumpDebug: (dir) =>
      editJson<PackageLock>(dir, 'package-lock.json', (doc) => {
        Object.assign(doc.packages['node_modules/debug']!, { version: '4.3.7', resolved: 'https://registry.npmjs.org/debug/-/debug-4.3.7.tgz', integrity: DEBUG_437, dependencies: { ms: '^2.1.3' } });
        npmMs213(doc);
      }),
    overrideMs: (dir) => {
      editJson<Manifest>(dir, 'package.json', (doc) => (doc.overrides = { ms: '2.1.3' }));
      editJson(dir, 'package-lock.json', npmMs213);
    },
    overrideReason: 'package.json overrides',
  },
  {
    fixture: 'lock-pnpm',
    lockfile: 'pnpm-lock.yaml',
    bumpDebug: (dir) =>
      edit(
        dir,
        'pnpm-lock.yaml',
        ['specifier: ^4.3.6\n        version: 4.3.6', 'specifier: ^4.3.6\n        version: 4.3.7'],
        [`  debug@4.3.6:\n    resolution: {integrity: ${DEBUG_436}}`, `  debug@4.3.7:\n    resolution: {integrity: ${DEBUG_437}}`],
        [`  ms@2.1.2:\n    resolution: {integrity: ${MS_212}}`, `  ms@2.1.3:\n    resolution: {integrity: ${MS_213}}`],
        ['  debug@4.3.6:\n    dependencies:\n      ms: 2.1.2', '  debug@4.3.7:\n    dependencies:\n      ms: 2.1.3'],
        ['  ms@2.1.2: {}', '  ms@2.1.3: {}'],
      ),
    overrideMs: (dir) => {
      editJson<Manifest>(dir, 'package.json', (doc) => (doc.pnpm = { overrides: { ms: '2.1.3' } }));
      edit(
        dir,
        'pnpm-lock.yaml',
        ['\nimporters:', '\noverrides:\n  ms: 2.1.3\n\nimporters:'],
        [`  ms@2.1.2:\n    resolution: {integrity: ${MS_212}}`, `  ms@2.1.3:\n    resolution: {integrity: ${MS_213}}`],
        ['      ms: 2.1.2', '      ms: 2.1.3'],
        ['  ms@2.1.2: {}', '  ms@2.1.3: {}'],
      );
    },
    overrideReason: 'overrides, package.json pnpm.overrides',
  },
  {
    fixture: 'lock-yarn',
    lockfile: 'yarn.lock',
    bumpDebug: (dir) =>
      edit(
        dir,
        'yarn.lock',
        ['  version: 4.3.6\n  resolution: "debug@npm:4.3.6"\n  dependencies:\n    ms: "npm:2.1.2"', '  version: 4.3.7\n  resolution: "debug@npm:4.3.7"\n  dependencies:\n    ms: "npm:^2.1.3"'],
        [/checksum: 10c0\/042f5e\w+/, 'checksum: 10c0/5ea3c1a9d8c4b2e7f6a0918273645f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6'],
        ['"ms@npm:2.1.2":\n  version: 2.1.2\n  resolution: "ms@npm:2.1.2"', '"ms@npm:^2.1.3":\n  version: 2.1.3\n  resolution: "ms@npm:2.1.3"'],
      ),
    overrideMs: (dir) => {
      editJson<Manifest>(dir, 'package.json', (doc) => (doc.resolutions = { ms: '2.1.3' }));
      edit(dir, 'yarn.lock', ['"ms@npm:2.1.2":\n  version: 2.1.2\n  resolution: "ms@npm:2.1.2"', '"ms@npm:2.1.3":\n  version: 2.1.3\n  resolution: "ms@npm:2.1.3"'], ['ms: "npm:2.1.2"', 'ms: "npm:2.1.3"']);
    },
    overrideReason: 'package.json resolutions',
  },
  {
    fixture: 'lock-yarn1',
    lockfile: 'yarn.lock',
    bumpDebug: (dir) =>
      edit(
        dir,
        'yarn.lock',
        [/debug@\^4\.3\.6:\n(?:  .*\n)+    ms "2\.1\.2"\n/, `debug@^4.3.6:\n  version "4.3.7"\n  resolved "https://registry.yarnpkg.com/debug/-/debug-4.3.7.tgz#87945b4151a011d76d95a198d7111c865c360a52"\n  integrity ${DEBUG_437}\n  dependencies:\n    ms "^2.1.3"\n`],
        [/ms@2\.1\.2:\n(?:  .*\n)+/, `ms@^2.1.3:\n  version "2.1.3"\n  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz#574c8138ce1d2b5861f0b44579dbadd60c6615b2"\n  integrity ${MS_213}\n`],
      ),
    overrideMs: (dir) => {
      editJson<Manifest>(dir, 'package.json', (doc) => (doc.resolutions = { ms: '2.1.3' }));
      edit(dir, 'yarn.lock', [/ms@2\.1\.2:\n(?:  .*\n)+/, `ms@2.1.2:\n  version "2.1.3"\n  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz#574c8138ce1d2b5861f0b44579dbadd60c6615b2"\n  integrity ${MS_213}\n`]);
    },
    overrideReason: 'package.json resolutions',
  },
];

/** An unresolved merge conflict in the lockfile, as `git merge` leaves it. */
function conflict(dir: string, lockfile: string): void {
  edit(dir, lockfile, [/^.*4\.3\.6.*$/m, (line) => `<<<<<<< HEAD\n${line}\n=======\n${line.replace('4.3.6', '4.3.7')}\n>>>>>>> bump-debug`]);
}

describe.each(FORMATS)('lockfile-aware scoping: $fixture ($lockfile)', (f) => {
  it('a version bump of a dependency only api uses → api and its dependent web, the lockfile the changed file', () => {
    const dir = workspace(f.fixture);
    f.bumpDebug(dir);
    expect(scopeOf(dir)).toEqual(
      expect.objectContaining({ mode: 'scoped', full_reason: null, changed_files: [f.lockfile], changed_scopes: ['api'], expanded_scopes: ['api', 'web'] }),
    );
  });

  it('an override of a transitive dependency → full, naming the setting', () => {
    const dir = workspace(f.fixture);
    f.overrideMs(dir);
    const scope = scopeOf(dir);
    expect(scope.mode).toBe('full');
    expect(scope.full_reason).toBe(`lockfile ${f.lockfile}: root resolution settings changed (${f.overrideReason}): any package may resolve differently`);
    expect(scope.expanded_scopes).toEqual(['api', 'cli', 'core', 'web']);
  });

  it('a corrupt lockfile (an unresolved merge conflict) → full, naming the lockfile and the side', () => {
    const dir = workspace(f.fixture);
    conflict(dir, f.lockfile);
    const scope = scopeOf(dir);
    expect(scope.mode).toBe('full');
    expect(scope.full_reason).toMatch(new RegExp(`^lockfile ${f.lockfile.replace('.', '\\.')} cannot be parsed \\(work tree\\): .+`));
  });

  it('a tooling bump of the root package (typescript) → full: the root package’s dependencies reach every scope', () => {
    const dir = workspace(f.fixture);
    edit(dir, f.lockfile, [/(?<!\^)5\.6\.3/g, '5.7.2']);
    expect(scopeOf(dir).full_reason).toMatch(
      /^lockfile \S+: (?:the changed package "typescript@[^"]+"(?: \(and \d+ more\))? is a dependency of the root package|the root package's direct dependencies changed): it reaches every scope$/,
    );
  });

  it('…even when a scope owns the root directory: the root package’s dependencies are every package’s tooling', () => {
    const dir = workspace(f.fixture);
    write(dir, 'harness.toml', '[scope.path_map]\n"." = "root"\n"packages/core/" = "core"\n"packages/api/" = "api"\n"packages/web/" = "web"\n"packages/cli/" = "cli"\n\n[scope.dependencies]\napi = ["core"]\nweb = ["api"]\ncli = ["core"]\n');
    commitAll(dir, 'a root scope');
    edit(dir, f.lockfile, [/(?<!\^)5\.6\.3/g, '5.7.2']);
    expect(scopeOf(dir)).toMatchObject({ mode: 'full', full_reason: expect.stringMatching(/: it reaches every scope$/) });
  });
});

describe('lockfile-aware scoping: what else a lockfile change can be', () => {
  it('a lockfile rewritten with nothing resolved changed (re-indented) → scoped, nothing to check', () => {
    const dir = workspace('lock-npm');
    writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')), null, 4)}\n`);
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', full_reason: null, changed_files: ['package-lock.json'], changed_scopes: [], expanded_scopes: [] });
  });

  it('a leaf package gains a dependency (its manifest and its importer) → that package only', () => {
    const dir = workspace('lock-npm');
    editJson<Manifest>(dir, 'packages/cli/package.json', (doc) => ((doc.dependencies as Manifest).picocolors = '^1.1.0'));
    editJson<PackageLock>(dir, 'package-lock.json', (doc) => ((doc.packages['packages/cli']!.dependencies as Manifest).picocolors = '^1.1.0'));
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_scopes: ['cli'], expanded_scopes: ['cli'] });
  });

  it('a bump of a leaf package’s dependency (picocolors, web only) → web alone', () => {
    const dir = workspace('lock-yarn1');
    edit(dir, 'yarn.lock', [/picocolors@\^1\.1\.0:\n(?:  .*\n)+/, 'picocolors@^1.1.0:\n  version "1.1.1"\n  resolved "https://registry.yarnpkg.com/picocolors/-/picocolors-1.1.1.tgz#3d321af3eab939b083c8f929a1d12cda81c26b6b"\n  integrity sha512-xceH2snhtb5M9liqDsmEw56le376mTZkEX/jEb/RxNFyegNul7eNslCXP9FDj/Lcu0X8KEyMceP2ntpaHrDEVA==\n']);
    expect(scopeOf(dir)).toMatchObject({ mode: 'scoped', changed_scopes: ['web'], expanded_scopes: ['web'] });
  });

  it('a lockfile that was already corrupt at the merge-base → full, naming the merge-base side', () => {
    const dir = workspace('lock-pnpm');
    conflict(dir, 'pnpm-lock.yaml');
    commitAll(dir, 'a bad merge lands on main');
    edit(dir, 'pnpm-lock.yaml', [/<<<<<<< HEAD\n(.*)\n=======\n.*\n>>>>>>> bump-debug/, '$1']);
    expect(scopeOf(dir).full_reason).toMatch(/^lockfile pnpm-lock\.yaml cannot be parsed \(merge-base\): /);
  });

  it('a lockfile without the entry of a workspace package a scope owns → full, naming the package', () => {
    const dir = workspace('lock-npm');
    editJson<PackageLock>(dir, 'package-lock.json', (doc) => delete doc.packages['packages/cli']);
    expect(scopeOf(dir).full_reason).toBe('lockfile package-lock.json has no entry for packages/cli (scope "cli"): which packages it resolves cannot be told');
  });

  it('an unsupported or changed lockfile version → full, naming it', () => {
    const dir = workspace('lock-npm');
    editJson<Manifest>(dir, 'package-lock.json', (doc) => (doc.lockfileVersion = 2));
    expect(scopeOf(dir).full_reason).toBe('lockfile package-lock.json: root resolution settings changed (lockfileVersion): any package may resolve differently');
    editJson<Manifest>(dir, 'package-lock.json', (doc) => (doc.lockfileVersion = 1));
    expect(scopeOf(dir).full_reason).toBe('lockfile package-lock.json cannot be parsed (work tree): lockfileVersion 1 is not supported (2 and 3 are)');
  });

  it('a deleted lockfile → full: every resolved package is gone', () => {
    const dir = workspace('lock-npm');
    rmSync(join(dir, 'package-lock.json'));
    expect(scopeOf(dir).full_reason).toBe('lockfile package-lock.json was deleted since the merge-base: every resolved package is new or gone');
  });

  it('a lockfile listed in [scope] global stays global', () => {
    const dir = workspace('lock-npm');
    edit(dir, 'harness.toml', ['ignore = ["**/*.md"]', 'ignore = ["**/*.md"]\nglobal = ["package-lock.json"]']);
    commitAll(dir, 'the lockfile is global here');
    FORMATS[0]!.bumpDebug(dir);
    expect(scopeOf(dir).full_reason).toBe('global file changed: "package-lock.json" (listed in [scope] global)');
  });

  it.each([
    ['patchedDependencies', 'patchedDependencies:\n  ms@2.1.2:\n    hash: 3f2a9c01d4b8e7f6a5c4d3b2a1f0e9d8\n    path: patches/ms@2.1.2.patch\n'],
    ['catalogs', 'catalogs:\n  default:\n    debug:\n      specifier: ^4.3.6\n      version: 4.3.6\n'],
    ['settings', null],
  ])('pnpm: a change of %s → full, naming it', (key, block) => {
    const dir = workspace('lock-pnpm');
    if (block) edit(dir, 'pnpm-lock.yaml', ['\nimporters:', `\n${block}\nimporters:`]);
    else edit(dir, 'pnpm-lock.yaml', ['autoInstallPeers: true', 'autoInstallPeers: false']);
    expect(scopeOf(dir).full_reason).toBe(`lockfile pnpm-lock.yaml: root resolution settings changed (${key}): any package may resolve differently`);
  });

  it('yarn berry: a patch of one’s own (patch: with a patch file) → full, naming the patched package', () => {
    const dir = workspace('lock-yarn');
    edit(dir, 'yarn.lock', [
      'ms: "npm:2.1.2"',
      'ms: "patch:ms@npm%3A2.1.2#~/.yarn/patches/ms-npm-2.1.2-a1b2c3d4e5.patch"',
    ], [
      '"picocolors@npm:^1.1.0":',
      '"ms@patch:ms@npm%3A2.1.2#~/.yarn/patches/ms-npm-2.1.2-a1b2c3d4e5.patch":\n  version: 2.1.2\n  resolution: "ms@patch:ms@npm%3A2.1.2#~/.yarn/patches/ms-npm-2.1.2-a1b2c3d4e5.patch::version=2.1.2&hash=4f1d2e"\n  checksum: 10c0/9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f\n  languageName: node\n  linkType: hard\n\n"picocolors@npm:^1.1.0":',
    ]);
    expect(scopeOf(dir).full_reason).toBe('lockfile yarn.lock: root resolution settings changed (patch of ms): any package may resolve differently');
  });

  it('yarn: a move from v1 to berry → full, naming the format', () => {
    const dir = workspace('lock-yarn1');
    writeFileSync(join(dir, 'yarn.lock'), readFileSync(new URL('../fixtures/lock-yarn/yarn.lock', import.meta.url), 'utf8').replaceAll('lock-yarn@', 'lock-yarn1@'));
    expect(scopeOf(dir).full_reason).toBe('lockfile yarn.lock: root resolution settings changed (__metadata, format): any package may resolve differently');
  });
});

describe('lockfile readers', () => {
  const users = (diff: ReturnType<typeof diffGraphs>) => Object.fromEntries([...diff.packages].map(([label, dirs]) => [label, [...dirs].sort()]));

  it('npm: a dependency resolves from the nearest node_modules (a nested copy is the package’s own)', () => {
    const lock = (nestedMs: string) =>
      JSON.stringify({
        name: 'x',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'x', workspaces: ['packages/*'] },
          'node_modules/ms': { version: '2.1.3' },
          'packages/a': { name: 'a', dependencies: { ms: '^1.0.0' } },
          'packages/a/node_modules/ms': { version: nestedMs },
          'packages/b': { name: 'b', dependencies: { ms: '^2.1.3' } },
        },
      });
    expect(users(diffGraphs(npmGraph(lock('1.0.0')), npmGraph(lock('1.0.1'))))).toEqual({ 'ms@1.0.0': ['packages/a'], 'ms@1.0.1': ['packages/a'] });
  });

  it('pnpm v6: `/name@version` keys, peer suffixes and aliases resolve to the importers that reach them', async () => {
    const lock = (reactDom: string) => `lockfileVersion: '6.0'

importers:
  .: {}
  packages/a:
    dependencies:
      react-dom:
        specifier: ^18.2.0
        version: ${reactDom}(react@18.2.0)
      sw:
        specifier: npm:string-width@^4
        version: /string-width@4.2.3
  packages/b:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.2.0

packages:
  /react@18.2.0:
    resolution: {integrity: sha512-aaa}
  /react-dom@${reactDom}(react@18.2.0):
    resolution: {integrity: sha512-bbb}
    dependencies:
      react: 18.2.0
      scheduler: 0.23.0
  /scheduler@0.23.0:
    resolution: {integrity: sha512-ccc}
  /string-width@4.2.3:
    resolution: {integrity: sha512-ddd}
`;
    const before = await pnpmGraph(lock('18.2.0'));
    expect(before.importers.get('packages/a')!.deps.sort()).toEqual(['react-dom@18.2.0(react@18.2.0)', 'string-width@4.2.3']);
    expect(users(diffGraphs(before, await pnpmGraph(lock('18.3.1'))))).toEqual({ 'react-dom@18.2.0': ['packages/a'], 'react-dom@18.3.1': ['packages/a'] });
    await expect(pnpmGraph("lockfileVersion: '5.4'\n")).rejects.toThrow('lockfileVersion "5.4" is not supported (6.0 to 9.0 are)');
  });

  it('yarn v1: quoted multi-range keys, `key value` and `key: value`; anything else is refused', () => {
    const doc = parseYarnV1('# yarn lockfile v1\n\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.1.2"\n  optional true\n  dependencies:\n    "@babel/types" "^7.1.2"\n    ms: 2.1.3\n');
    expect(doc['@babel/core@^7.0.0']).toBe(doc['@babel/core@^7.1.0']);
    expect(doc['@babel/core@^7.0.0']).toEqual({ version: '7.1.2', optional: true, dependencies: { '@babel/types': '^7.1.2', ms: '2.1.3' } });
    expect(() => parseYarnV1('a@^1:\n   version "1.0.0"\n')).toThrow('line 2: unexpected indentation');
    expect(() => parseYarnV1('a@^1:\n  version "1.0.0\n')).toThrow('line 2: unterminated string');
    expect(() => parseYarnV1('a@^1:\n  version\n')).toThrow('line 2: cannot read this line');
    expect(() => parseYarnV1('a@^1, :\n  version "1"\n')).toThrow('line 1: cannot read the key list');
    expect(() => parseYarnV1('a@^1:\n    version "1"\n')).toThrow('line 2: unexpected indentation');
  });
});
