// `npm run bench`: ratios measured side by side in one run on this machine (medians of RUNS runs).
// Not a test: it prints a table and writes bench/RESULTS.md.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

for (const t of temps) rmSync(t, { recursive: true, force: true });

const table = [
  '| measure | value | target |',
  '|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.target} |`),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
writeFileSync(
  new URL('./RESULTS.md', import.meta.url),
  `# Benchmark results\n\nMedians of ${RUNS} runs, measured side by side in one run of \`npm run bench\` on ${machine}, ${new Date().toISOString().slice(0, 10)}.\n\n${table}\n`,
);
process.stdout.write(`${table}\n`);
