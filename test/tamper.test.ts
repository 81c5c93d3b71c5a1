// The tamper guard (DESIGN §4): a change that weakens a check through its config fails, naming the file,
// the key and the change; the same keys strengthened pass; what cannot be read or evaluated fails.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, checkIds, commitAll, git, harness, workspace, write } from './helpers.js';

const tamper = (dir: string, verb = 'loop') => check(harness([verb, '--cwd', dir, '--only', 'tamper']), 'tamper');

function put(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    write(dir, path, text);
  }
}

/** The demo workspace with `files` committed on main (the merge-base), every detail shown. */
function repo(files: Record<string, string> = {}): string {
  const dir = workspace('demo');
  append(dir, 'harness.toml', '\n[output]\nmax_details = 60\nmax_detail_chars = 400\n');
  put(dir, files);
  commitAll(dir, 'the configs before the change');
  return dir;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

describe('tamper: tsconfig', () => {
  const base = { compilerOptions: { strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noImplicitOverride: true, target: 'ES2022', noEmit: true } };
  const core = { extends: '../../tsconfig.base.json', include: ['src', 'test'], exclude: ['test/fixtures'] };

  it('each weakening fails naming the file, the key and the change', () => {
    const dir = repo({ 'tsconfig.base.json': json(base), 'packages/core/tsconfig.json': json(core) });
    // JSONC: comments and trailing commas are read as tsc reads them.
    write(dir, 'tsconfig.base.json', '{\n  // loosened\n  "compilerOptions": { "strict": false, "exactOptionalPropertyTypes": false, "noImplicitOverride": true, "skipLibCheck": true, "noCheck": true, },\n}\n');
    write(dir, 'packages/core/tsconfig.json', json({ ...core, include: ['src'], exclude: ['test/fixtures', 'src/legacy/**'] }));
    const c = tamper(dir);
    expect(c.status).toBe('fail');
    expect(c.details).toEqual([
      'packages/core/tsconfig.json: compilerOptions.strict true → false',
      'packages/core/tsconfig.json: compilerOptions.noUncheckedIndexedAccess true → (absent)',
      'packages/core/tsconfig.json: compilerOptions.exactOptionalPropertyTypes true → false',
      'packages/core/tsconfig.json: compilerOptions.skipLibCheck (absent) → true',
      'packages/core/tsconfig.json: compilerOptions.noCheck (absent) → true',
      'packages/core/tsconfig.json: exclude gains "src/legacy/**"',
      'packages/core/tsconfig.json: include loses "test"',
      'tsconfig.base.json: compilerOptions.strict true → false',
      'tsconfig.base.json: compilerOptions.noUncheckedIndexedAccess true → (absent)',
      'tsconfig.base.json: compilerOptions.exactOptionalPropertyTypes true → false',
      'tsconfig.base.json: compilerOptions.skipLibCheck (absent) → true',
      'tsconfig.base.json: compilerOptions.noCheck (absent) → true',
    ]);
  });

  it('a strict-family flag turned off under strict, and a switch of `extends` to a new loose config', () => {
    const dir = repo({ 'tsconfig.base.json': json(base), 'packages/core/tsconfig.json': json(core) });
    write(dir, 'tsconfig.base.json', json({ compilerOptions: { ...base.compilerOptions, noImplicitAny: false, strictNullChecks: false } }));
    // A new file is judged by its own explicit settings: strict off fails, skipLibCheck (tsc --init's default) does not.
    write(dir, 'tsconfig.loose.json', json({ compilerOptions: { strict: false, noEmit: true, skipLibCheck: true } }));
    write(dir, 'packages/core/tsconfig.json', json({ ...core, extends: '../../tsconfig.loose.json' }));
    expect(tamper(dir).details).toEqual([
      'packages/core/tsconfig.json: compilerOptions.strict true → false',
      'packages/core/tsconfig.json: compilerOptions.noUncheckedIndexedAccess true → (absent)',
      'packages/core/tsconfig.json: compilerOptions.exactOptionalPropertyTypes true → (absent)',
      'packages/core/tsconfig.json: compilerOptions.noImplicitOverride true → (absent)',
      'packages/core/tsconfig.json: compilerOptions.skipLibCheck (absent) → true',
      'tsconfig.base.json: compilerOptions.noImplicitAny true (by strict) → false',
      'tsconfig.base.json: compilerOptions.strictNullChecks true (by strict) → false',
      'tsconfig.loose.json: compilerOptions.strict false (a new file)',
    ]);
  });

  it('a tsconfig base of another name (configs/base.json, reached by extends) is read as a tsconfig: strict turned off there fails', () => {
    const dir = repo({ 'configs/base.json': json(base), 'packages/core/tsconfig.json': json({ ...core, extends: '../../configs/base.json' }) });
    write(dir, 'configs/base.json', json({ compilerOptions: { ...base.compilerOptions, strict: false } }));
    expect(tamper(dir)).toMatchObject({ status: 'fail', details: expect.arrayContaining([expect.stringMatching(/^configs\/base\.json: compilerOptions\.strict true → false/)]) });
  });

  it('the same keys strengthened pass (and options that check nothing may change)', () => {
    const dir = repo({ 'tsconfig.base.json': json({ compilerOptions: { strict: false, skipLibCheck: true, target: 'ES2020' } }), 'packages/core/tsconfig.json': json(core) });
    write(dir, 'tsconfig.base.json', json({ compilerOptions: { ...base.compilerOptions, noImplicitAny: true, noUnusedLocals: true, target: 'ES2024' } }));
    write(dir, 'packages/core/tsconfig.json', json({ ...core, include: ['src', 'test', 'bench'], exclude: [] }));
    write(dir, 'packages/math/tsconfig.json', json({ extends: '../../tsconfig.base.json', include: ['src', 'test'], compilerOptions: { noEmit: true } }));
    expect(tamper(dir, 'gate')).toMatchObject({ status: 'pass', details: [] });
  });

  it('an unparsable tsconfig fails "cannot parse", now or at the merge-base', () => {
    const dir = repo();
    write(dir, 'packages/core/tsconfig.json', '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "strict": false ');
    expect(tamper(dir)).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/core\/tsconfig\.json: cannot parse: \w+ at line 1$/)] });
    commitAll(dir, 'a broken tsconfig on main');
    write(dir, 'packages/core/tsconfig.json', json({ extends: '../../tsconfig.base.json', compilerOptions: { strict: false } }));
    expect(tamper(dir)).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/core\/tsconfig\.json: cannot parse the merge-base version: /)] });
  });
});

describe('tamper: ESLint', () => {
  const flat = (rules: string, ignores = "'**/node_modules/**'") =>
    `import tseslint from 'typescript-eslint';\n\nexport default [\n  { ignores: [${ignores}] },\n  ...tseslint.configs.recommended,\n  { files: ['packages/*/src/**'], rules: { ${rules} } },\n];\n`;
  const rules = "'no-console': 'error', eqeqeq: ['error', 'always'], 'no-debugger': 2, 'prefer-const': 'warn'";

  it('a JS config turning rules off or down, removing them, or ignoring files fails, each named', () => {
    const dir = repo({ 'eslint.config.js': flat(rules) });
    write(dir, 'eslint.config.js', flat("'no-console': 'off', eqeqeq: ['warn', 'always'], 'prefer-const': 'warn', 'no-var': 0", "'**/node_modules/**', 'packages/core/**'"));
    const files = '(files ["packages/*/src/**"])';
    expect(tamper(dir).details).toEqual([
      `eslint.config.js: rules.no-console ${files} "error" → "off"`,
      `eslint.config.js: rules.eqeqeq ${files} ["error","always"] → ["warn","always"]`,
      `eslint.config.js: rules.no-debugger ${files} 2 → (absent)`,
      `eslint.config.js: rules.no-var ${files} (absent) → 0`,
      'eslint.config.js: ignores gains "packages/core/**"',
    ]);
  });

  it('the same rules strengthened pass, and so does a change of comments and layout only', () => {
    const dir = repo({ 'eslint.config.js': flat(rules, "'**/node_modules/**', 'packages/core/legacy/**'") });
    write(dir, 'eslint.config.js', `// stricter\n${flat(`${rules.replace("'warn'", "'error'")}, 'no-var': 'error', curly: ['error', 'all']`)}`);
    expect(tamper(dir)).toMatchObject({ status: 'pass', details: [] });
  });

  it('Biome, oxlint and package.json strengthened pass', () => {
    const dir = repo({
      'biome.json': json({ linter: { rules: { recommended: false, suspicious: { noExplicitAny: 'warn' } } }, files: { includes: ['src/**', '!dist', '!tmp'] } }),
      '.oxlintrc.json': json({ categories: { correctness: 'warn' }, rules: { 'no-console': 'off' }, ignorePatterns: ['dist', 'tmp'] }),
      'packages/core/package.json': json({ name: '@demo/core', scripts: { test: 'vitest run --passWithNoTests' } }),
    });
    write(dir, 'biome.json', json({ linter: { rules: { recommended: true, suspicious: { noExplicitAny: 'error', noDebugger: 'error' } } }, files: { includes: ['**', '!dist'] } }));
    write(dir, '.oxlintrc.json', json({ categories: { correctness: 'error', suspicious: 'error' }, rules: { 'no-console': 'error' }, ignorePatterns: ['dist'] }));
    write(dir, 'packages/core/package.json', json({ name: '@demo/core', scripts: { test: 'vitest run' } }));
    expect(tamper(dir)).toMatchObject({ status: 'pass', details: [] });
  });

  it('a change it cannot evaluate (a preset swapped, code beside the config) fails "cannot verify"', () => {
    const dir = repo({ 'eslint.config.js': flat(rules) });
    write(dir, 'eslint.config.js', flat(rules).replace('configs.recommended', 'configs.disableTypeChecked').replace('export default', "const level = process.env.LEVEL ?? 'off';\nrules.level = level;\nexport default"));
    expect(tamper(dir).details).toEqual([
      'eslint.config.js: [0] ... tseslint . configs . recommended → ... tseslint . configs . disableTypeChecked: cannot verify (a JS config computes it)',
      'eslint.config.js: code beside the exported config changed ("rules . level = level ; where level = process . env . LEVEL ?? \'off\'"): cannot verify (a JS config)',
    ]);
  });

  it('eslint-suppressions.json created or grown fails per file and rule; shrunk passes', () => {
    const dir = repo();
    const any = '@typescript-eslint/no-explicit-any';
    write(dir, 'eslint-suppressions.json', json({ 'packages/core/src/a.ts': { [any]: { count: 3 } } }));
    expect(tamper(dir).details).toEqual([`eslint-suppressions.json: "packages/core/src/a.ts" ${any} suppressed 0 → 3 (a new file)`]);
    commitAll(dir, 'suppressed on main');
    write(dir, 'eslint-suppressions.json', json({ 'packages/core/src/a.ts': { [any]: { count: 4 }, 'no-console': { count: 1 } } }));
    expect(tamper(dir).details).toEqual([
      `eslint-suppressions.json: "packages/core/src/a.ts" ${any} suppressed 3 → 4`,
      'eslint-suppressions.json: "packages/core/src/a.ts" no-console suppressed 0 → 1',
    ]);
    write(dir, 'eslint-suppressions.json', json({ 'packages/core/src/a.ts': { [any]: { count: 1 } } }));
    expect(tamper(dir).status).toBe('pass');
    rmSync(join(dir, 'eslint-suppressions.json'));
    expect(tamper(dir).status).toBe('pass');
  });

  it('Biome and oxlint rules turned off, Biome switched off, package.json scripts passing without tests', () => {
    const biome = { linter: { enabled: true, rules: { recommended: true, suspicious: { noExplicitAny: 'error', noDebugger: { level: 'error' } } } }, files: { includes: ['**', '!dist'] } };
    const oxlint = { categories: { correctness: 'error' }, rules: { 'no-console': 'error' } };
    const dir = repo({ 'biome.json': json(biome), '.oxlintrc.json': json(oxlint), 'packages/core/package.json': json({ name: '@demo/core', scripts: { test: 'vitest run' } }) });
    write(dir, 'biome.json', json({ linter: { enabled: false, rules: { recommended: false, suspicious: { noExplicitAny: 'warn', noDebugger: { level: 'off' } } } }, files: { includes: ['**', '!dist', '!src/legacy'] } }));
    write(dir, '.oxlintrc.json', json({ categories: { correctness: 'warn' }, rules: { 'no-console': 'allow' }, ignorePatterns: ['src/**'] }));
    write(dir, 'packages/core/package.json', json({ name: '@demo/core', scripts: { test: 'vitest run --passWithNoTests' } }));
    expect(tamper(dir).details).toEqual([
      '.oxlintrc.json: rules.no-console "error" → "allow"',
      '.oxlintrc.json: categories.correctness "error" → "warn"',
      '.oxlintrc.json: ignorePatterns gains "src/**"',
      'biome.json: linter.rules.suspicious.noExplicitAny "error" → "warn"',
      'biome.json: linter.rules.suspicious.noDebugger {"level":"error"} → {"level":"off"}',
      'biome.json: linter.enabled true → false',
      'biome.json: linter.rules.recommended true → false',
      'biome.json: files.includes gains "!src/legacy"',
      'packages/core/package.json: scripts["test"] gains --passWithNoTests: "vitest run --passWithNoTests"',
    ]);
  });
});

describe('tamper: Vitest and Stryker', () => {
  const vitest = (test: string) => `import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({\n  test: {\n    ${test}\n  },\n});\n`;
  const strong = "include: ['test/**/*.test.ts'], exclude: ['test/fixtures/**'], coverage: { thresholds: { lines: 90, branches: 80 } }";
  const stryker = { mutate: ['src/**/*.ts'], ignorePatterns: ['dist'], mutator: { excludedMutations: [] }, thresholds: { high: 80, low: 60, break: 60 } };

  it('passWithNoTests, lower thresholds, wider exclude, narrower include and Stryker ignores fail, each named', () => {
    const dir = repo({ 'packages/core/vitest.config.ts': vitest(strong), 'stryker.config.json': json(stryker) });
    write(dir, 'packages/core/vitest.config.ts', vitest("include: ['test/unit/**/*.test.ts'], exclude: ['test/fixtures/**', 'test/slow/**'], passWithNoTests: true, coverage: { thresholds: { lines: 70 } }"));
    write(dir, 'stryker.config.json', json({ ...stryker, ignorePatterns: ['dist', 'src/legacy'], mutator: { excludedMutations: ['StringLiteral'] }, ignorers: ['console'], thresholds: { high: 80, low: 60, break: null } }));
    expect(tamper(dir).details).toEqual([
      'packages/core/vitest.config.ts: test.passWithNoTests (absent) → true',
      'packages/core/vitest.config.ts: test.include loses "test/**/*.test.ts"',
      'packages/core/vitest.config.ts: test.exclude gains "test/slow/**"',
      'packages/core/vitest.config.ts: test.coverage.thresholds.lines 90 → 70',
      'packages/core/vitest.config.ts: test.coverage.thresholds.branches 80 → (absent)',
      'stryker.config.json: mutator.excludedMutations gains "StringLiteral"',
      'stryker.config.json: ignorers gains "console"',
      'stryker.config.json: ignorePatterns gains "src/legacy"',
      'stryker.config.json: thresholds.break 60 → null',
    ]);
  });

  it('the same keys strengthened pass', () => {
    const dir = repo({ 'packages/core/vitest.config.ts': vitest(`${strong}, passWithNoTests: true`), 'stryker.config.json': json({ ...stryker, ignorePatterns: ['dist', 'tmp'] }) });
    write(dir, 'packages/core/vitest.config.ts', vitest("include: ['test/**/*.test.ts', 'src/**/*.test.ts'], exclude: [], passWithNoTests: false, coverage: { thresholds: { lines: 95, branches: 85, functions: 80 } }"));
    write(dir, 'stryker.config.json', json({ ...stryker, ignorePatterns: ['dist'], thresholds: { high: 90, low: 70, break: 70 } }));
    expect(tamper(dir)).toMatchObject({ status: 'pass', details: [] });
  });

  it('a vitest config whose test settings are computed cannot be verified', () => {
    const dir = repo({ 'packages/core/vitest.config.ts': vitest(strong) });
    write(dir, 'packages/core/vitest.config.ts', vitest(strong).replace('export default', "import { shared } from '../../vitest.shared';\n\nexport default").replace("include: ['test/**/*.test.ts']", "include: ['test/**/*.test.ts'], ...shared"));
    expect(tamper(dir).details).toEqual([
      'packages/core/vitest.config.ts: test....shared (absent) → ... shared: cannot verify (a JS config computes it)',
      'packages/core/vitest.config.ts: code beside the exported config changed ("import { shared } from \'../../vitest.shared\' ;"): cannot verify (a JS config)',
    ]);
  });
});

describe('tamper: moved and deleted configs', () => {
  it('a rename is compared as one file; a deleted config whose package remains fails, one deleted with its package does not', () => {
    const dir = repo();
    git(dir, 'mv', 'eslint.config.js', 'eslint.config.mjs');
    git(dir, 'mv', 'packages/core/tsconfig.json', 'packages/core/tsconfig.app.json');
    expect(tamper(dir)).toMatchObject({ status: 'pass', details: [] });
    rmSync(join(dir, 'packages/numpy-lite'), { recursive: true });
    rmSync(join(dir, 'packages/math/vitest.config.ts'));
    rmSync(join(dir, 'packages/text/tsconfig.json'));
    // skipLibCheck dropped: stricter, not a finding.
    write(dir, 'tsconfig.base.json', json({ compilerOptions: { strict: true, noEmit: true } }));
    expect(tamper(dir).details).toEqual([
      'packages/math/vitest.config.ts: deleted: cannot verify (a JS config: what it enforced no longer applies)',
      'packages/text/tsconfig.json: compilerOptions.strict true → (absent)',
    ]);
  });

  it('a Stryker JS config is read statically, through its consts', () => {
    const mjs = (mutator: string, brk: number) => `/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const mutator = { excludedMutations: [${mutator}] };
const config = { mutate: ['src/**/*.ts'], mutator, thresholds: { break: ${brk} } };

export default config;
`;
    const dir = repo({ 'packages/core/stryker.config.mjs': mjs("'Regex'", 50) });
    write(dir, 'packages/core/stryker.config.mjs', mjs('', 80));
    expect(tamper(dir)).toMatchObject({ status: 'pass', details: [] });
    write(dir, 'packages/core/stryker.config.mjs', mjs("'Regex', 'ArithmeticOperator'", 40));
    expect(tamper(dir).details).toEqual([
      'packages/core/stryker.config.mjs: mutator.excludedMutations gains "ArithmeticOperator"',
      'packages/core/stryker.config.mjs: thresholds.break 50 → 40',
    ]);
  });
});

describe('tamper: harness.toml', () => {
  const strict = '\n[scope.checks]\ncore = ["lint", "typecheck", "test"]\n\n[limits]\nmax_file_lines = 300\n\n[mutate]\nrequire_changed_tests = true\n';

  it('a check removed, changed tests not required, a higher limit, new ignores, a boundary rule removed: each fails', () => {
    const dir = repo();
    append(dir, 'harness.toml', strict);
    commitAll(dir, 'stricter harness.toml');
    const text = git(dir, 'show', 'HEAD:harness.toml')
      .replace('ignore = ["**/*.md"]', 'ignore = ["**/*.md", "packages/core/src/**"]')
      .replace('core = ["lint", "typecheck", "test"]', 'core = ["lint"]\ntext = ["lint", "test"]')
      .replace('max_file_lines = 300', 'max_file_lines = 800')
      .replace('require_changed_tests = true', 'require_changed_tests = false')
      .replace('forbid_strings = ["numpy"]\n', '');
    write(dir, 'harness.toml', `${text}\n[[mutate.accept]]\nid = "m-3f2a9c01d4"\nreason = "{1} quantifier is a no-op: the mutant is equivalent"\n`);
    expect(tamper(dir).details).toEqual([
      'harness.toml: mutate.require_changed_tests true → false',
      'harness.toml: limits.max_file_lines 300 → 800',
      'harness.toml: scope.ignore gains "packages/core/src/**"',
      'harness.toml: scope.checks.core loses "typecheck"',
      'harness.toml: scope.checks.core loses "test"',
      'harness.toml: scope.checks.text (absent: every check the scope has) → ["lint","test"]',
      'harness.toml: boundaries.rules[scope = "core"].forbid_strings loses "numpy"',
      'harness.toml: mutate.accept[id = "m-3f2a9c01d4"] added, reason "{1} quantifier is a no-op: the mutant is equivalent" (noted, not failing: a reviewer reads the reason)',
    ]);
  });

  it('the same keys strengthened pass; an accepted mutant alone is noted, not failing', () => {
    const dir = repo();
    append(dir, 'harness.toml', strict.replace('core = ["lint", "typecheck", "test"]', 'core = ["lint"]').replace('= true', '= false'));
    commitAll(dir, 'looser harness.toml');
    const text = git(dir, 'show', 'HEAD:harness.toml')
      .replace('ignore = ["**/*.md"]', 'ignore = []')
      .replace('core = ["lint"]', 'core = ["lint", "typecheck", "test"]')
      .replace('max_file_lines = 300', 'max_file_lines = 250')
      .replace('require_changed_tests = false', 'require_changed_tests = true')
      .replace('forbid_strings = ["numpy"]', 'forbid_strings = ["numpy", "ndarray"]');
    write(dir, 'harness.toml', `${text}\n[[mutate.accept]]\nid = "m-3f2a9c01d4"\nreason = "equivalent"\n`);
    expect(tamper(dir)).toMatchObject({ status: 'pass', details: [expect.stringMatching(/^harness\.toml: mutate\.accept\[id = "m-3f2a9c01d4"\] added/)] });
  });
});

describe('tamper: planning', () => {
  it('is planned when a check config changed, not for a source change', () => {
    const dir = repo();
    append(dir, 'packages/cli/src/args.ts', '\nexport const N = 1;\n');
    expect(checkIds(harness(['loop', '--cwd', dir, '--budget', '1']))).not.toContain('tamper');
    write(dir, 'packages/cli/vitest.config.ts', "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'], passWithNoTests: true } });\n");
    expect(checkIds(harness(['loop', '--cwd', dir, '--budget', '1']))).toContain('tamper');
  });
});
