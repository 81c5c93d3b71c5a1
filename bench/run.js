// `npm run bench`: ratios measured side by side in one run on this machine, medians of BENCH_RUNS
// (default 3) runs. Not a test: it prints one table and writes bench/RESULTS.md.
//   BENCH_RUNS=3  BENCH_PACKAGES=40  BENCH_SCOPE_SIZES=100,300,1000  BENCH_ONLY=demo,gen,tools,scope,start,shapes,mutate
//   BENCH_ROOT_PACKAGES=12  BENCH_BARREL_MODULES=150
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gitInit, materialize } from '../scripts/fixture.js';
import { barrelLibrary, rootConfigMonorepo, skeleton, workspace } from './generate.js';
import { cleanup, direct, harness, median, medianOf, peakRssMb, ratio, run, seconds, tempDir } from './measure.js';
import { barrelMutateRows, mutateRows } from './mutate.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 40);
const SCOPE_SIZES = (process.env.BENCH_SCOPE_SIZES ?? '100,300,1000').split(',').map(Number);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const section = (name) => ONLY === null || ONLY.has(name);

const rows = [];
const row = (name, value, target = '') => {
  rows.push({ name, value, target });
  process.stderr.write(`${name}: ${value}${target ? ` (target ${target})` : ''}\n`);
};

/** A demo copy with a runtime edit in `pkg` and a test edit beside it (so every guard passes). */
function demo(pkg) {
  const dir = tempDir();
  materialize('demo', dir);
  gitInit(dir);
  appendFileSync(join(dir, 'packages', pkg, 'src/index.ts'), '\nexport const benchEdit = 1;\n');
  writeFileSync(join(dir, 'packages', pkg, 'test/bench.test.ts'), "import { expect, it } from 'vitest';\nimport { benchEdit } from '../src/index';\n\nit('edits', () => {\n  expect(benchEdit).toBe(1);\n});\n");
  return dir;
}

/** The same kind of edit in a generated package: a new export and a test for it. */
function genEdit(dir, pkg) {
  appendFileSync(join(dir, 'packages', pkg, 'src/m0.ts'), '\nexport const benchEdit = 1;\n');
  writeFileSync(join(dir, 'packages', pkg, 'test/bench.test.ts'), "import { expect, it } from 'vitest';\nimport { benchEdit } from '../src/m0';\n\nit('edits', () => {\n  expect(benchEdit).toBe(1);\n});\n");
}

/** loop after a leaf edit, after a core edit, the cached second loop, the tools replayed directly, gate. */
async function loopRows(label, make) {
  const m = { leaf: [], core: [], gate: [], direct: [], cached: [], coreCached: [] };
  for (let i = 0; i < RUNS; i++) {
    const { dir, core } = make();
    const first = harness(['loop', '--cwd', dir]);
    m.leaf.push(first.ms);
    m.direct.push(await direct(dir, first.env.result.run_id));
    m.cached.push(harness(['loop', '--cwd', dir]).ms);
    const coreDir = make().dir;
    core(coreDir);
    m.core.push(harness(['loop', '--cwd', coreDir]).ms);
    m.coreCached.push(harness(['loop', '--cwd', coreDir]).ms);
    m.gate.push(harness(['gate', '--cwd', dir]).ms);
  }
  const med = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
  row(`${label}: loop after a leaf edit ÷ gate`, ratio(med.leaf, med.gate), '≤ 0.20');
  row(`${label}: loop after a core edit ÷ gate`, ratio(med.core, med.gate));
  row(`${label}: loop ÷ the same tool invocations run directly`, ratio(med.leaf, med.direct), '≤ 1.10');
  row(`${label}: second loop, no new edit ÷ first (leaf edit)`, ratio(med.cached, med.leaf), '≤ 0.10');
  row(`${label}: second loop, no new edit ÷ first (core edit)`, ratio(med.coreCached, med.core), '≤ 0.10');
  row(`${label}: gate / leaf loop / core loop / cached leaf loop (s)`, [med.gate, med.leaf, med.core, med.cached].map(seconds).join(' / '));
}

if (section('demo')) {
  await loopRows('demo (6 packages)', () => ({ dir: demo('cli'), core: (d) => appendFileSync(join(d, 'packages/core/src/index.ts'), '\nexport const coreEdit = 1;\n') }));
}

function generated() {
  const dir = tempDir();
  const { leaf, core } = workspace(dir, { packages: PACKAGES });
  genEdit(dir, leaf);
  return { dir, core: (d) => genEdit(d, core) };
}

if (section('gen')) await loopRows(`generated (${PACKAGES} packages)`, () => generated());

if (section('tools')) {
  // Which compiler, incremental or not, ESLint's cache or not: measured on the generated workspace.
  const dir = tempDir();
  workspace(dir, { packages: PACKAGES });
  const all = Array.from({ length: PACKAGES }, (_, i) => `typecheck:p${String(i).padStart(2, '0')}`).join(',');
  const typecheck = () => {
    rmSync(join(dir, '.harness/tsbuildinfo'), { recursive: true, force: true });
    const cold = harness(['gate', '--cwd', dir, '--only', all]).ms;
    return { cold, warm: harness(['gate', '--cwd', dir, '--only', all]).ms };
  };
  const go = [];
  for (let i = 0; i < RUNS; i++) go.push(typecheck());
  rmSync(join(dir, 'node_modules/@typescript'), { recursive: true }); // links only: tsc is what is left
  const tsc = [];
  for (let i = 0; i < RUNS; i++) tsc.push(typecheck());
  const cold = (xs) => median(xs.map((x) => x.cold));
  const warm = (xs) => median(xs.map((x) => x.warm));
  row(`typecheck of ${PACKAGES} packages (gate): tsgo ÷ tsc, cold`, ratio(cold(go), cold(tsc)));
  row('typecheck: warm buildinfo ÷ cold, tsgo', ratio(warm(go), cold(go)));
  row('typecheck: warm buildinfo ÷ cold, tsc', ratio(warm(tsc), cold(tsc)));
  row('typecheck tsgo cold / tsc cold (s)', `${seconds(cold(go))} / ${seconds(cold(tsc))}`);
  const eslint = (target, cache) => {
    const cacheFile = join(dir, '.harness', `eslint-${target.replace(/\W/g, '_')}`);
    const argv = [process.execPath, join(dir, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--output-file', join(dir, '.harness/eslint.json'), target];
    if (cache) run([...argv, '--cache', '--cache-strategy', 'content', '--cache-location', cacheFile], dir); // warm it
    return medianOf(RUNS, () => run(cache ? [...argv, '--cache', '--cache-strategy', 'content', '--cache-location', cacheFile] : argv, dir));
  };
  row('eslint --cache warm ÷ plain, one package', ratio(await eslint('packages/p20', true), await eslint('packages/p20', false)));
  row(`eslint --cache warm ÷ plain, all ${PACKAGES} packages`, ratio(await eslint('packages', true), await eslint('packages', false)));
}

if (section('scope')) {
  // Scope resolution alone (`harness scope`: git diff, path_map, expansion) with 10 changed files a package.
  const times = [];
  for (const n of SCOPE_SIZES) {
    const dir = tempDir();
    skeleton(dir, { packages: n, files: 10 });
    for (let p = 0; p < n; p++) for (let f = 0; f < 10; f++) appendFileSync(join(dir, `packages/p${String(p).padStart(p >= 100 ? 3 : 2, '0')}/src/f${f}.ts`), '// changed\n');
    let env;
    const ms = await medianOf(RUNS, () => {
      const r = harness(['scope', '--cwd', dir]);
      env = r.env;
      return r.ms;
    });
    const files = env.result.scope.changed_files.length + (env.result.scope.omitted_changed_files ?? 0);
    times.push({ n, ms, inside: env.duration_ms });
    row(`harness scope: ${n} packages, ${files} changed files (s; wall / inside the harness)`, `${seconds(ms)} / ${seconds(env.duration_ms)}`, n >= 1000 ? '≤ 1' : '');
  }
  if (times.length > 1) {
    const [a, b] = [times[0], times.at(-1)];
    row(`scope growth ${a.n} → ${b.n} packages (time ratio; ${b.n / a.n}× = linear)`, ratio(b.inside, a.inside));
  }
}

if (section('start')) {
  const dir = demo('cli');
  const version = await medianOf(Math.max(RUNS, 5), () => harness(['--version']).ms);
  const scope = await medianOf(Math.max(RUNS, 5), () => harness(['scope', '--cwd', dir]).ms);
  row('cold start: harness --version (s)', seconds(version), '≤ 0.25');
  row('cold start: harness scope (s)', seconds(scope), '≤ 0.50');
}

if (section('shapes')) {
  // Root-only configs: gate's shared runs against each tool run once by hand over the whole repo.
  const PKGS = Number(process.env.BENCH_ROOT_PACKAGES ?? 12);
  const rootGate = [];
  const rootRaw = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = tempDir();
    rootConfigMonorepo(dir, { packages: PKGS });
    const bin = (p) => join(dir, 'node_modules', p);
    rootGate.push(harness(['gate', '--cwd', dir]).ms);
    rootRaw.push(
      run([process.execPath, bin('eslint/bin/eslint.js'), '.'], dir) +
        run([process.execPath, bin('@typescript/native-preview/bin/tsgo'), '--noEmit', '-p', 'tsconfig.json'], dir) +
        run([process.execPath, bin('vitest/vitest.mjs'), 'run'], dir),
    );
  }
  row(`root-config monorepo (${PKGS} packages): gate ÷ raw eslint . + tsgo -p . + vitest run, once each`, ratio(median(rootGate), median(rootRaw)), '≤ 1.0');
  // A barrel library: the loop's answer on a change that breaks its own module's test, against the full suite.
  const MODS = Number(process.env.BENCH_BARREL_MODULES ?? 150);
  const first = [];
  const suite = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = tempDir();
    barrelLibrary(dir, { modules: MODS });
    suite.push(run([process.execPath, join(dir, 'node_modules/vitest/vitest.mjs'), 'run'], dir));
    const src = join(dir, 'src/m042.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace('return x * 44;', 'return x * 44 + 1;'));
    appendFileSync(join(dir, 'test/m042.test.ts'), "\nit('keeps zero', () => {\n  expect(m042Scale(0)).toBe(0);\n});\n");
    first.push(harness(['loop', '--cwd', dir, '--only', 'test:.']).ms);
  }
  row(`barrel library (${MODS} test files): loop to the first failure ÷ the full suite`, ratio(median(first), median(suite)), '≤ 0.10');
  row('barrel library: loop to the first failure / full suite (s)', `${seconds(median(first))} / ${seconds(median(suite))}`);
}

if (section('mutate')) {
  const runs = Number(process.env.BENCH_MUTATE_RUNS ?? RUNS);
  for (const r of await mutateRows(demo, runs)) row(...r);
  for (const r of await barrelMutateRows(runs, Number(process.env.BENCH_BARREL_MODULES ?? 150))) row(...r);
}

row('peak RSS of the harness process over all runs above (MB)', peakRssMb());
cleanup();

const table = ['| measure | value | target |', '|---|---|---|', ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.target} |`)].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
const header = [
  '# Benchmark results',
  '',
  `Medians of ${RUNS} runs, measured side by side in one run of \`npm run bench\` on ${machine}, ${new Date().toISOString().slice(0, 10)}.`,
  `Workloads: the demo fixture (6 packages); a generated npm workspace of ${PACKAGES} packages (layered graph, 6 modules and 6 vitest files each, tsgo installed); skeleton repos of ${SCOPE_SIZES.join(' / ')} packages with 10 changed files each (scope rows); a generated monorepo configured only at the root (one eslint config, tsconfig and vitest config; shapes rows) and a generated library of ${process.env.BENCH_BARREL_MODULES ?? 150} modules whose every test imports the barrel; the demo's cli package with generated modules (mutate rows). "loop" is the first loop after the edit (no cache); gate runs everything with no cache.`,
].join('\n');
if (ONLY === null) writeFileSync(new URL('./RESULTS.md', import.meta.url), `${header}\n\n${table}\n`);
process.stdout.write(`${table}\n`);
