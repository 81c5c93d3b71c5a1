// Generated workspaces for `npm run bench`.
//   workspace(dir, { packages, files }): an npm-workspaces TypeScript monorepo with a layered dependency
//     graph (p00 is the core every package reaches; the last layer are leaves), real branching
//     sources that import their dependencies, a vitest test per source file, per-package tsconfig and
//     vitest config, eslint (typescript-eslint recommended) and a harness.toml. Committed on main.
//   skeleton(dir, { packages, files }): only the shape scope resolution sees (manifests, harness.toml,
//     `files` small files per package), committed; for the 100 → 1,000-package scope rows.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitInit, linkModules } from '../scripts/fixture.js';

const pad = (i) => String(i).padStart(i >= 100 ? 3 : 2, '0');
const name = (i) => `p${pad(i)}`;

/** Layers of `width` packages; p00 alone is layer 0. Each package depends on one or two of the layer below. */
function graph(packages) {
  const width = Math.max(2, Math.round(Math.sqrt(packages)));
  const layers = [[0]];
  for (let i = 1; i < packages; i += width) layers.push(Array.from({ length: Math.min(width, packages - i) }, (_, k) => i + k));
  const deps = new Map([[0, []]]);
  layers.forEach((layer, l) => {
    if (l === 0) return;
    const below = layers[l - 1];
    layer.forEach((p, k) => deps.set(p, [...new Set([below[k % below.length], below[(k + 1) % below.length]])]));
  });
  return { deps, leaf: layers.at(-1).at(-1) };
}

function write(dir, rel, text) {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

function harnessToml(packages, deps) {
  const map = Array.from({ length: packages }, (_, i) => `"packages/${name(i)}/" = "${name(i)}"`).join('\n');
  const edges = Array.from({ length: packages }, (_, i) => `${name(i)} = [${deps.get(i).map((d) => `"${name(d)}"`).join(', ')}]`).join('\n');
  return `base = "main"\n\n[scope]\nignore = ["**/*.md"]\n\n[scope.path_map]\n${map}\n\n[scope.dependencies]\n${edges}\n`;
}

/** One source module: three branching functions whose constants come from the package's dependencies. */
function source(p, f, depList) {
  const imports = depList.map((d) => `import { BASE as B${d} } from '@gen/${name(d)}';`).join('\n');
  const base = depList.length ? depList.map((d) => `B${d}`).join(' + ') : '0';
  const fn = (k, i) =>
    `export function ${name(p)}m${f}${k}(x: number): number {\n  const b = ${base};\n  if (x > ${i + 2}) return x * ${i + 2} + b;\n  if (x < -${i + 2}) return x - b;\n  return x === 0 ? ${i + 1} : -x;\n}\n`;
  return `${imports}${imports ? '\n\n' : ''}${['a', 'b', 'c'].map(fn).join('\n')}`;
}

function test(p, f, depList) {
  const b = depList.reduce((s, d) => s + d, 0);
  const cases = ['a', 'b', 'c']
    .map((k, i) => `  expect(${name(p)}m${f}${k}(10)).toBe(${10 * (i + 2) + b});\n  expect(${name(p)}m${f}${k}(-10)).toBe(${-10 - b});\n  expect(${name(p)}m${f}${k}(0)).toBe(${i + 1});\n  expect(${name(p)}m${f}${k}(1)).toBe(-1);`)
    .join('\n');
  return `import { expect, it } from 'vitest';\nimport { ${['a', 'b', 'c'].map((k) => `${name(p)}m${f}${k}`).join(', ')} } from '../src/m${f}';\n\nit('m${f}', () => {\n${cases}\n});\n`;
}

export function workspace(dir, { packages = 40, files = 6 } = {}) {
  const { deps, leaf } = graph(packages);
  write(dir, 'package.json', `${JSON.stringify({ name: 'gen', private: true, type: 'module', workspaces: ['packages/*'] }, null, 2)}\n`);
  write(dir, '.gitignore', 'node_modules/\n');
  write(dir, 'eslint.config.js', "import tseslint from 'typescript-eslint';\n\nexport default [{ ignores: ['**/node_modules/**'] }, ...tseslint.configs.recommended];\n");
  write(dir, 'tsconfig.base.json', `${JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', lib: ['ES2022'], module: 'ESNext', moduleResolution: 'Bundler', verbatimModuleSyntax: true, isolatedModules: true, noEmit: true, skipLibCheck: true, types: [] } }, null, 2)}\n`);
  write(dir, 'harness.toml', harnessToml(packages, deps));
  for (let p = 0; p < packages; p++) {
    const depList = deps.get(p);
    const pkg = `packages/${name(p)}`;
    const dependencies = Object.fromEntries(depList.map((d) => [`@gen/${name(d)}`, '*']));
    write(dir, `${pkg}/package.json`, `${JSON.stringify({ name: `@gen/${name(p)}`, private: true, type: 'module', main: 'src/index.ts', types: 'src/index.ts', dependencies }, null, 2)}\n`);
    write(dir, `${pkg}/tsconfig.json`, '{ "extends": "../../tsconfig.base.json", "include": ["src", "test"] }\n');
    write(dir, `${pkg}/vitest.config.ts`, "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'] } });\n");
    const exports = Array.from({ length: files }, (_, f) => `export * from './m${f}';`).join('\n');
    write(dir, `${pkg}/src/index.ts`, `export const BASE = ${p};\n${exports}\n`);
    for (let f = 0; f < files; f++) {
      write(dir, `${pkg}/src/m${f}.ts`, source(p, f, depList));
      write(dir, `${pkg}/test/m${f}.test.ts`, test(p, f, depList));
    }
  }
  linkModules(dir);
  gitInit(dir);
  return { core: name(0), leaf: name(leaf) };
}

export function skeleton(dir, { packages, files = 10 }) {
  const { deps } = graph(packages);
  write(dir, 'package.json', `${JSON.stringify({ name: 'skeleton', private: true, workspaces: ['packages/*'] }, null, 2)}\n`);
  write(dir, 'harness.toml', harnessToml(packages, deps));
  for (let p = 0; p < packages; p++) {
    write(dir, `packages/${name(p)}/package.json`, `${JSON.stringify({ name: `@sk/${name(p)}` })}\n`);
    for (let f = 0; f < files; f++) write(dir, `packages/${name(p)}/src/f${f}.ts`, `export const v${f} = ${f};\n`);
  }
  gitInit(dir);
  execFileSync('git', ['config', 'core.untrackedCache', 'true'], { cwd: dir });
}

/**
 * A single-package library whose every test imports the package's barrel (`src/index.ts` re-exports
 * every module): `vitest related` picks the whole suite for any change. `modules` source files, one
 * test file each. Committed on main.
 */
export function barrelLibrary(dir, { modules = 150 } = {}) {
  write(dir, 'package.json', `${JSON.stringify({ name: 'barrel', private: true, type: 'module', scripts: { test: 'vitest run' } }, null, 2)}\n`);
  write(dir, '.gitignore', 'node_modules/\n');
  write(dir, 'tsconfig.json', `${JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', lib: ['ES2022'], module: 'ESNext', moduleResolution: 'Bundler', noEmit: true, skipLibCheck: true, types: [] }, include: ['src', 'test'] }, null, 2)}\n`);
  write(dir, 'vitest.config.ts', "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'] } });\n");
  write(dir, 'harness.toml', '[scope.path_map]\n"." = "."\n\n[scope.checks]\n"." = ["typecheck", "test"]\n');
  const mod = (i) => `m${String(i).padStart(3, '0')}`;
  write(dir, 'src/index.ts', `${Array.from({ length: modules }, (_, i) => `export * from './${mod(i)}';`).join('\n')}\n`);
  for (let i = 0; i < modules; i++) {
    write(dir, `src/${mod(i)}.ts`, `export function ${mod(i)}Scale(x: number): number {\n  if (x < 0) return -x * ${i + 2};\n  return x * ${i + 2};\n}\n`);
    write(dir, `test/${mod(i)}.test.ts`, `import { expect, it } from 'vitest';\nimport { ${mod(i)}Scale } from '../src/index';\n\nit('${mod(i)} scales', () => {\n  expect(${mod(i)}Scale(2)).toBe(${2 * (i + 2)});\n  expect(${mod(i)}Scale(-1)).toBe(${i + 2});\n});\n`);
  }
  linkModules(dir);
  gitInit(dir);
  return { module: mod };
}

/**
 * A monorepo configured only at the root: one eslint.config.js, one tsconfig.json over every package's
 * src and test, one vitest.config.ts over every package's tests; `packages` packages in a chain of
 * dependencies on p00, `files` modules each. Committed on main.
 */
export function rootConfigMonorepo(dir, { packages = 12, files = 4 } = {}) {
  write(dir, 'package.json', `${JSON.stringify({ name: 'rootgen', private: true, type: 'module', workspaces: ['packages/*'] }, null, 2)}\n`);
  write(dir, '.gitignore', 'node_modules/\n');
  write(dir, 'eslint.config.js', "import tseslint from 'typescript-eslint';\n\nexport default [{ ignores: ['**/node_modules/**'] }, ...tseslint.configs.recommended];\n");
  write(dir, 'tsconfig.json', `${JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', lib: ['ES2022'], module: 'ESNext', moduleResolution: 'Bundler', noEmit: true, skipLibCheck: true, types: [] }, include: ['packages/*/src', 'packages/*/test'] }, null, 2)}\n`);
  write(dir, 'vitest.config.ts', "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ test: { include: ['packages/*/test/**/*.test.ts'] } });\n");
  const map = Array.from({ length: packages }, (_, i) => `"packages/${name(i)}/" = "${name(i)}"`).join('\n');
  const edges = Array.from({ length: packages }, (_, i) => `${name(i)} = [${i === 0 ? '' : '"p00"'}]`).join('\n');
  write(dir, 'harness.toml', `base = "main"\n\n[scope.path_map]\n${map}\n\n[scope.dependencies]\n${edges}\n`);
  for (let p = 0; p < packages; p++) {
    const pkg = `packages/${name(p)}`;
    const dependencies = p === 0 ? {} : { '@rg/p00': '*' };
    write(dir, `${pkg}/package.json`, `${JSON.stringify({ name: `@rg/${name(p)}`, private: true, type: 'module', main: 'src/index.ts', types: 'src/index.ts', dependencies }, null, 2)}\n`);
    write(dir, `${pkg}/src/index.ts`, `export const BASE = ${p};\n${Array.from({ length: files }, (_, f) => `export * from './m${f}';`).join('\n')}\n`);
    for (let f = 0; f < files; f++) {
      write(dir, `${pkg}/src/m${f}.ts`, source(p, f, []));
      write(dir, `${pkg}/test/m${f}.test.ts`, test(p, f, []));
    }
  }
  linkModules(dir);
  gitInit(dir);
}
