import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { ExecResult } from '../model.js';

export interface ExecOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Receives every byte of stdout and stderr (the check's log). */
  log: Writable;
  /** Aborting kills the child's whole process group. */
  signal: AbortSignal;
  /** Bytes of stdout kept in memory for parsing; the log always gets everything. */
  captureLimit?: number;
  /** Sees stdout as it arrives (progress). */
  onStdout?: (chunk: string) => void;
}

const TAIL_BYTES = 16 * 1024;
const KILL_GRACE_MS = 1500;
const PIPE_GRACE_MS = 1000;

/** Process groups of children still running, so an interrupted harness can take them down. */
const liveGroups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function killAllGroups(signal: NodeJS.Signals): void {
  for (const pid of liveGroups) killGroup(pid, signal);
}

/**
 * Run argv (never through a shell) in its own process group. On abort the group gets SIGTERM, then
 * SIGKILL after a grace period; when the child exits, whatever it left in its group is killed too,
 * so no check can leave an orphan behind.
 */
/** stdout (up to the capture limit) and the tail of both streams; every byte also goes to the log. */
function collector(opts: ExecOptions) {
  const limit = opts.captureLimit ?? 32 * 1024 * 1024;
  const out: Buffer[] = [];
  let outBytes = 0;
  let truncated = false;
  let tail = Buffer.alloc(0);
  const keepTail = (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
  };
  return {
    stdout(chunk: Buffer): void {
      opts.log.write(chunk);
      opts.onStdout?.(chunk.toString('utf8'));
      keepTail(chunk);
      if (outBytes + chunk.length <= limit) {
        out.push(chunk);
        outBytes += chunk.length;
      } else truncated = true;
    },
    stderr(chunk: Buffer): void {
      opts.log.write(chunk);
      keepTail(chunk);
    },
    collected: () => ({ stdout: Buffer.concat(out).toString('utf8'), stdoutTruncated: truncated, tail: tail.toString('utf8') }),
  };
}

export function exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const output = collector(opts);
    let aborted = false;
    let spawnError: string | null = null;
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      aborted = true;
      if (pid === undefined) return;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', output.stdout);
    child.stderr.on('data', output.stderr);
    child.on('error', (e) => {
      spawnError = e.message;
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (pid !== undefined) liveGroups.delete(pid);
      clearTimeout(killTimer);
      opts.signal.removeEventListener('abort', onAbort);
      resolve({ ...exit, ...output.collected(), aborted, spawnError });
    };
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      if (pid !== undefined) killGroup(pid, 'SIGKILL');
      // A process that left the group (setsid) may hold the pipes open forever: stop waiting for them.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, PIPE_GRACE_MS).unref();
    });
    child.on('close', finish);
  });
}
