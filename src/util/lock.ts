import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Run `fn` holding an exclusive lock (a directory: `mkdir` is atomic), across processes. A lock whose
 * holder died is taken over; waiting stops when `signal` aborts (then the caller's work is not done).
 */
export async function withLock<T>(dir: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  const owner = join(dir, 'pid');
  mkdirSync(dirname(dir), { recursive: true });
  for (;;) {
    signal.throwIfAborted();
    try {
      mkdirSync(dir);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = NaN;
      try {
        pid = Number(readFileSync(owner, 'utf8'));
      } catch {
        // the holder is between mkdir and writing its pid (or died there: then the lock is old)
      }
      const orphan = Number.isNaN(pid) && Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 30_000;
      if (orphan || (Number.isInteger(pid) && pid > 0 && !alive(pid))) rmSync(dir, { recursive: true, force: true });
      else await sleep(100, undefined, { signal }).catch(() => undefined);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
