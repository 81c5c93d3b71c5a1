// Runs a program inside a private mount namespace (`unshare --user --map-root-user --mount`, no root
// needed) after a real mount: `tmpfs <dir> <size> <free bytes>` (a tiny, nearly full file system: disk full for real) or
// `ro <dir>` (a read-only bind mount: a read-only work tree, even for root). The mount dies with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [kind, dir, ...rest] = process.argv.slice(2);
if (kind === 'tmpfs') {
  const [size, free] = [rest.shift(), Number(rest.shift())];
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  // Fill it to the last byte, then give back `free` bytes: the run starts, and the disk fills under it.
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  let written = 0;
  try {
    for (;;) written += writeSync(fd, Buffer.alloc(4096));
  } catch (e) {
    if (e.code !== 'ENOSPC') throw e;
  }
  closeSync(fd);
  truncateSync(filler, Math.max(0, written - free));
} else if (kind === 'ro') {
  execFileSync('mount', ['--bind', dir, dir]);
  execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
} else {
  throw new Error(`mounted.js: unknown mount kind ${kind}`);
}
const res = spawnSync(rest[0], rest.slice(1), { stdio: 'inherit' });
process.exit(res.status ?? 1);
