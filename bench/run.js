// `npm run bench`: ratios measured side by side in one run on this machine (medians of RUNS runs).
// Not a test: it prints a table and writes bench/RESULTS.md.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitInit, materialize } from '../scripts/fixture.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BIN = fileURLToPath(new URL('../bin/harness.js', import.meta.url));
const temps = [];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms) => (ms / 1000).toFixed(2);

function time(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function harness(args) {
  const res = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return JSON.parse(res.stdout);
}

/** A demo copy with a runtime edit in `pkg` and a test edit beside it (so every guard passes). */
function demo(pkg) {
  const dir = mkdtempSync(join(tmpdir(), 'harness-bench-'));
  temps.push(dir);
  materialize('demo', dir);
  gitInit(dir);
  appendFileSync(join(dir, 'packages', pkg, 'src/index.ts'), '\nexport const benchEdit = 1;\n');
  writeFileSync(join(dir, 'packages', pkg, 'test/bench.test.ts'), "import { expect, it } from 'vitest';\nimport { benchEdit } from '../src/index';\n\nit('edits', () => {\n  expect(benchEdit).toBe(1);\n});\n");
  return dir;
}

/** Replay the exact tool invocations a harness run made (from its logs), with the same parallelism. */
async function direct(dir, runId) {
  const runDir = join(dir, '.harness/runs', runId);
  const cmds = readdirSync(runDir)
    .filter((f) => f.endsWith('.log'))
    .flatMap((f) => readFileSync(join(runDir, f), 'utf8').split('\n').filter((l) => l.startsWith('$ ')))
    .map((l) => {
      const m = /^\$ (\[.*\]) \(cwd (.*)\)$/.exec(l);
      return { argv: JSON.parse(m[1]), cwd: m[2] };
    });
  const t = performance.now();
  const queue = [...cmds];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      await new Promise((resolve) => spawn(c.argv[0], c.argv.slice(1), { cwd: c.cwd, stdio: 'ignore' }).on('close', resolve));
    }
  };
  await Promise.all(Array.from({ length: cpus().length }, worker));
  return performance.now() - t;
}

const rows = [];
const row = (name, value, target) => {
  rows.push({ name, value, target });
  process.stderr.write(`${name}: ${value}${target ? ` (target ${target})` : ''}\n`);
};

const leaf = [];
const core = [];
const gate = [];
const loopWall = [];
const directWall = [];
for (let i = 0; i < RUNS; i++) {
  const leafDir = demo('cli');
  let env;
  leaf.push(time(() => (env = harness(['loop', '--cwd', leafDir]))));
  loopWall.push(leaf.at(-1));
  directWall.push(await direct(leafDir, env.result.run_id));
  core.push(time(() => harness(['loop', '--cwd', demo('core')])));
  gate.push(time(() => harness(['gate', '--cwd', leafDir])));
}
row('loop after a leaf edit ÷ gate', (median(leaf) / median(gate)).toFixed(2), '≤ 0.20');
row('loop after a core edit ÷ gate', (median(core) / median(gate)).toFixed(2), '');
row('loop ÷ the same tool invocations run directly', (median(loopWall) / median(directWall)).toFixed(2), '≤ 1.10');
row('gate on the demo (s)', seconds(median(gate)), '');
row('loop after a leaf edit (s)', seconds(median(leaf)), '');

const dir = demo('cli');
const version = [];
const scope = [];
for (let i = 0; i < Math.max(RUNS, 5); i++) {
  version.push(time(() => spawnSync(process.execPath, [BIN, '--version'])));
  scope.push(time(() => spawnSync(process.execPath, [BIN, 'scope', '--cwd', dir])));
}
row('cold start: harness --version (s)', seconds(median(version)), '≤ 0.25');
row('cold start: harness scope (s)', seconds(median(scope)), '≤ 0.50');

// mutate: a ~20-line diff in a package of GEN_FILES generated modules (real branching code, real tests).
const GEN_FILES = Number(process.env.BENCH_GEN_FILES ?? 12);
function genModule(i) {
  const branches = Array.from({ length: 6 }, (_, k) => `  if (x > ${k * 3 + i}) return x * ${k + 2} - ${k};`).join('\n');
  return `export function f${i}(x: number): number {\n${branches}\n  return x === 0 ? ${i} : -x;\n}\n`;
}
function mutateWorkspace() {
  const dir = demo('cli');
  mkdirSync(join(dir, 'packages/cli/src/gen'));
  for (let i = 0; i < GEN_FILES; i++) writeFileSync(join(dir, `packages/cli/src/gen/f${i}.ts`), genModule(i));
  const imports = Array.from({ length: GEN_FILES }, (_, i) => `import { f${i} } from '../src/gen/f${i}';`).join('\n');
  const checks = Array.from({ length: GEN_FILES }, (_, i) => `  for (let x = -2; x < 24; x++) expect(f${i}(x)).toMatchSnapshot();`).join('\n');
  writeFileSync(join(dir, 'packages/cli/test/gen.test.ts'), `import { expect, it } from 'vitest';\n${imports}\n\nit('gen', () => {\n${checks}\n});\n`);
  // Record the snapshots and commit: the package exists before the change.
  spawnSync(process.execPath, [join(dir, 'node_modules/vitest/vitest.mjs'), 'run', '-u'], { cwd: join(dir, 'packages/cli'), stdio: 'ignore' });
  spawnSync('git', ['add', '-A'], { cwd: dir });
  spawnSync('git', ['commit', '-qm', 'gen'], { cwd: dir });
  // The ~20-line change: two new functions and a strong test.
  appendFileSync(join(dir, 'packages/cli/src/args.ts'), `\n${genModule(90).replace('f90', 'g1')}\n${genModule(91).replace('f91', 'g2')}`);
  appendFileSync(join(dir, 'packages/cli/test/args.test.ts'), "\nimport { g1, g2 } from '../src/args';\n\nit('g', () => {\n  for (let x = -2; x < 120; x++) expect([g1(x), g2(x)]).toMatchSnapshot();\n});\n");
  spawnSync(process.execPath, [join(dir, 'node_modules/vitest/vitest.mjs'), 'run', '-u'], { cwd: join(dir, 'packages/cli'), stdio: 'ignore' });
  return dir;
}
const child = fileURLToPath(new URL('../dist/mutate/stryker-child.js', import.meta.url));
function rawStryker(cwd, options) {
  const file = join(cwd, '..', '..', '.bench-stryker.json');
  writeFileSync(file, JSON.stringify({ ...options, reporters: [], plugins: options.plugins.slice(0, 1), jsonReporter: undefined }));
  return time(() => spawnSync(process.execPath, [child, file, `${file}.out`], { cwd, stdio: 'ignore' }));
}
const mdir = mutateWorkspace();
let menv;
const mutateMs = time(() => (menv = harness(['mutate', '--cwd', mdir])));
const runDir = join(mdir, '.harness/runs', menv.result.run_id);
const options = JSON.parse(readFileSync(join(runDir, readdirSync(runDir).find((f) => /^stryker-\d+\.options\.json$/.test(f))), 'utf8'));
const cliDir = join(mdir, 'packages/cli');
const sameRanges = rawStryker(cliDir, options);
const wholePackage = rawStryker(cliDir, { ...options, mutate: ['src/**/*.ts'] });
const tested = JSON.parse(readFileSync(join(runDir, 'mutants.json'), 'utf8')).length;
row(`mutate on a ~20-line diff ÷ Stryker on the whole package (${GEN_FILES + 2} files)`, (mutateMs / wholePackage).toFixed(2), '≤ 0.10');
row('mutate ÷ raw Stryker on the same ranges', (mutateMs / sameRanges).toFixed(2), '≤ 1.20');
row(`mutate, ${tested} mutants (s); ok=${menv.ok}`, seconds(mutateMs), '');
row('Stryker on the whole package (s)', seconds(wholePackage), '');

for (const t of temps) rmSync(t, { recursive: true, force: true });

const table = [
  '| measure | value | target |',
  '|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.target} |`),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
writeFileSync(
  new URL('./RESULTS.md', import.meta.url),
  `# Benchmark results\n\nLoop and start-up rows: medians of ${RUNS} runs; mutate rows: one run. Measured side by side in one run of \`npm run bench\` on ${machine}, ${new Date().toISOString().slice(0, 10)}.\n\n${table}\n`,
);
process.stdout.write(`${table}\n`);
