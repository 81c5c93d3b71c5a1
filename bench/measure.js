// Measuring helpers for `npm run bench`: wall times, medians, tool replays and the harness's peak RSS.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/harness.js', import.meta.url));
const temps = [];

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const seconds = (ms) => (ms / 1000).toFixed(2);
export const ratio = (a, b) => (a / b).toFixed(2);

export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'harness-bench-'));
  temps.push(dir);
  return dir;
}

export function cleanup() {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
}

export function time(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

// The harness's own peak RSS (getrusage of its process, children excluded), printed as it exits.
const RSS_HOOK = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nBENCH_RSS "+process.resourceUsage().maxRSS+"\\n"))';
let peakRss = 0;

/** Run the built CLI and return { env, ms }; tracks the harness process's peak RSS. */
export function harness(args) {
  const t = performance.now();
  const res = spawnSync(process.execPath, ['--import', RSS_HOOK, BIN, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t;
  const rss = /BENCH_RSS (\d+)/.exec(res.stderr);
  if (rss) peakRss = Math.max(peakRss, Number(rss[1]));
  if (args[0] === '--version') return { env: null, ms };
  try {
    return { env: JSON.parse(res.stdout), ms };
  } catch {
    throw new Error(`harness ${args.join(' ')} printed no envelope:\n${res.stdout}\n${res.stderr}`);
  }
}

export const peakRssMb = () => (peakRss / 1024).toFixed(0);

/** Run fn `runs` times and return the median of the milliseconds it returns. */
export async function medianOf(runs, fn) {
  const xs = [];
  for (let i = 0; i < runs; i++) xs.push(await fn(i));
  return median(xs);
}

/** Replay the exact tool invocations a harness run made (from its logs), with the same parallelism. */
export async function direct(dir, runId) {
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

export function run(argv, cwd) {
  return time(() => spawnSync(argv[0], argv.slice(1), { cwd, stdio: 'ignore' }));
}
