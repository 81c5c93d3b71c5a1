// Support for interrupt.test.ts: a work-tree snapshot, a /proc census of the processes a harness run
// started, a seeded PRNG, and a harness run that receives a signal after a delay.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers.js';

/**
 * Every entry of the work tree outside `.git/` and `.harness/` (untracked and ignored files included,
 * node_modules too; symlinks are recorded, not followed): path → mode + sha256, link target, or dir.
 * `ignore` drops paths the caller accepts as changing (a tool's own cache), and so a directory that
 * holds nothing else (`packages/x/node_modules/` created for `.vite/` alone).
 */
export function snapshotTree(root: string, ignore: (path: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  /** Walks a directory; false when it had entries and every one was ignored. */
  const walk = (rel: string): boolean => {
    const names = readdirSync(join(root, rel));
    let kept = 0;
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      if (path === '.git' || path === '.harness' || ignore(path)) continue;
      const abs = join(root, path);
      const st = lstatSync(abs);
      kept++;
      if (st.isSymbolicLink()) out.set(path, `link → ${readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        if (walk(path)) out.set(`${path}/`, `dir ${st.mode.toString(8)}`);
        else kept--;
      } else out.set(path, `${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`);
    }
    return names.length === 0 || kept > 0;
  };
  walk('');
  return out;
}

/** The entries that differ between two snapshots, one line each (empty = byte-identical). */
export function treeDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [p, v] of before) if (after.get(p) !== v) lines.push(`${after.has(p) ? 'changed' : 'deleted'} ${p}`);
  for (const p of after.keys()) if (!before.has(p)) lines.push(`added ${p}`);
  return lines;
}

export interface Proc {
  pid: number;
  /** Start time in clock ticks since boot: with the pid, identifies the process (pids are reused). */
  start: string;
  ppid: number;
  cmd: string;
}

function stat(pid: number): { ppid: number; start: string; state: string } | null {
  try {
    const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]), start: rest[19]! };
  } catch {
    return null;
  }
}

function read(path: string, link: boolean): string {
  try {
    return link ? readlinkSync(path) : readFileSync(path, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Live (non-zombie) processes that descend from `root` (by parent pid) or whose cwd or argv is in `dir`. */
export function census(root: number | null, dir: string): Proc[] {
  const procs: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const s = stat(pid);
    if (s && s.state !== 'Z') procs.push({ pid, start: s.start, ppid: s.ppid, cmd: read(`/proc/${pid}/cmdline`, false) });
  }
  const inDir = (p: Proc) => {
    const cwd = read(`/proc/${p.pid}/cwd`, true);
    return cwd === dir || cwd.startsWith(`${dir}/`) || p.cmd.includes(dir);
  };
  const found = new Set(procs.filter(inDir));
  for (let grew = root !== null; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!found.has(p) && (p.ppid === root || [...found].some((f) => f.pid === p.ppid))) {
        found.add(p);
        grew = true;
      }
    }
  }
  return [...found];
}

/** Is this exact process (pid and start time) still running and not a zombie? */
export function stillAlive(p: Proc): boolean {
  const s = stat(p.pid);
  return s !== null && s.start === p.start && s.state !== 'Z';
}

/** mulberry32: a small seeded PRNG, so the random kill points of a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Killed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every process the run started that was seen while it ran (or right after it ended). */
  seen: Proc[];
  /** ms after spawn: when the signal was sent (null: the run had ended before), when stdout began (null: never). */
  sentAt: number | null;
  outAt: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Run the built CLI in its own process group and send it `signal` after `delayMs`: SIGINT to the whole
 * group, as a terminal's Ctrl-C does; SIGTERM and SIGKILL to the harness pid, as `kill`, a CI runner's
 * cancel or an OOM killer do. While it runs, /proc is sampled every 50 ms for its descendants.
 */
export async function runAndSignal(args: string[], ws: string, signal: NodeJS.Signals, delayMs: number): Promise<Killed> {
  const dir = realpathSync(ws);
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = child.pid!;
  const t0 = performance.now();
  let stdout = '';
  let stderr = '';
  let sentAt: number | null = null;
  let outAt: number | null = null;
  child.stdout.on('data', (c: Buffer) => {
    outAt ??= performance.now() - t0;
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const seen = new Map<string, Proc>();
  const sample = () => {
    for (const p of census(pid, dir)) seen.set(`${p.pid}:${p.start}`, p);
  };
  const sampler = setInterval(sample, 50);
  const timer = setTimeout(() => {
    try {
      process.kill(signal === 'SIGINT' ? -pid : pid, signal);
      sentAt = performance.now() - t0;
    } catch {
      // already gone (it finished before the signal)
    }
  }, delayMs);
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  clearInterval(sampler);
  sample();
  return { code, signal: sig, stdout, stderr, seen: [...seen.values()].filter((p) => p.pid !== pid), sentAt, outAt };
}

/** The processes of a run still alive after up to `graceMs` (re-scanning the work tree's dir for late ones). */
export async function survivors(killed: Killed, ws: string, graceMs: number): Promise<Proc[]> {
  const dir = realpathSync(ws);
  const deadline = Date.now() + graceMs;
  for (;;) {
    const late = census(null, dir).filter((p) => !killed.seen.some((s) => s.pid === p.pid && s.start === p.start));
    const left = [...killed.seen.filter(stillAlive), ...late];
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(100);
  }
}

/** Kill what a SIGKILLed harness left behind (its detached checks and their children), so nothing leaks into later tests. */
export async function reap(killed: Killed, ws: string): Promise<Proc[]> {
  const reaped: Proc[] = [];
  for (let round = 0; round < 10; round++) {
    const left = await survivors(killed, ws, 0);
    if (left.length === 0) break;
    for (const p of left) {
      reaped.push(p);
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await sleep(200);
  }
  return reaped;
}
