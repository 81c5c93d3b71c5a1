#!/usr/bin/env node
// Install a pinned toolchain (toolchain/<name>/: package.json + package-lock.json, and any
// workspace package.json files beside them) into the git-ignored .toolchain/<name>/ with `npm ci`,
// (plus package.json "toolchainLinks"), and hand back its directory and Node binary. Tests materialize fixtures against its node_modules.
//
//   node scripts/toolchain.js [name]     installs (default name: current) and prints the dir
//
// Cached: .toolchain/<name>/.installed records the digest of toolchain/<name>/ (every file, plus
// the platform); a matching record means nothing is done. The install runs in a fresh temporary
// directory that is renamed into place only once `npm ci` succeeded, its Node answered with the
// pinned version and the record was written (last, atomically), so an interrupted install leaves
// nothing that passes for an install. Concurrent callers (vitest workers) serialize on a mkdir
// lock, .toolchain/<name>.lock, taken over when its owner process is gone or it is too old.
// npm runs as the system npm (any Node >= 20 can install it; the engine warnings are expected).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCES = path.join(ROOT, 'toolchain');
const INSTALLS = path.join(ROOT, '.toolchain');
const RECORD = '.installed';
const NPM_TIMEOUT_MS = 10 * 60_000;
const LOCK_WAIT_MS = 15 * 60_000;
const LOCK_MAX_AGE_MS = NPM_TIMEOUT_MS + 2 * 60_000;

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Every file of toolchain/<name>/ (relative, sorted), node_modules excluded. */
function sourceFiles(src, rel = '') {
  const files = [];
  for (const entry of fs.readdirSync(path.join(src, rel), { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const child = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(src, child));
    else if (entry.isFile()) files.push(child);
  }
  return files.sort();
}

function digestOf(src) {
  const hash = crypto.createHash('sha256').update(`${process.platform}-${process.arch}\0`);
  for (const file of sourceFiles(src)) hash.update(`${file}\0`).update(fs.readFileSync(path.join(src, file))).update('\0');
  return hash.digest('hex');
}

function readRecord(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, RECORD), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The pinned Node version (devDependencies.node) and where its binary lands. */
function pinnedNode(src, dir) {
  const { devDependencies = {}, dependencies = {} } = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
  const version = devDependencies.node ?? dependencies.node;
  if (typeof version !== 'string') throw new Error(`toolchain: ${src}/package.json pins no "node" package`);
  return { version, bin: path.join(dir, 'node_modules', '.bin', 'node') };
}

function installed(dir, digest) {
  const record = readRecord(dir);
  return record?.digest === digest && fs.existsSync(path.join(dir, 'node_modules', '.bin', 'node'));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

// A lock whose owner is gone (same host, dead pid), or that is older than any install can take.
function stale(lock) {
  let owner;
  try {
    owner = JSON.parse(fs.readFileSync(path.join(lock, 'owner.json'), 'utf8'));
  } catch {
    // Created, owner not written yet (or a crash in between): judge by age.
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > 30_000;
    } catch {
      return false; // gone already
    }
  }
  if (Date.now() - owner.started > LOCK_MAX_AGE_MS) return true;
  return owner.host === os.hostname() && !alive(owner.pid);
}

function acquire(lock) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: os.hostname(), started: Date.now() }));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    if (stale(lock)) {
      // Move it aside first, so that only one waiter removes it.
      const aside = `${lock}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
      try {
        fs.renameSync(lock, aside);
        fs.rmSync(aside, { recursive: true, force: true });
      } catch {
        // another waiter moved it first
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`toolchain: still locked after ${LOCK_WAIT_MS / 1000} s: ${lock}`);
    sleep(200);
  }
}

function npmCi(dir) {
  const args = ['ci', '--no-audit', '--no-fund', '--engine-strict=false', '--loglevel=error'];
  try {
    execFileSync('npm', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: NPM_TIMEOUT_MS, maxBuffer: 64 << 20 });
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`toolchain: \`npm ${args.join(' ')}\` failed in ${dir}: ${err.message.split('\n')[0]}\n${output}`);
  }
}

// package.json "toolchainLinks": {"name": "dir/inside/the/install"}: node_modules/<name> as a relative
// symlink to it (a package installed in a nested workspace, beside dependencies the root cannot have).
function linkExtras(src, dir) {
  const { toolchainLinks = {} } = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
  for (const [name, target] of Object.entries(toolchainLinks)) {
    const from = path.join(dir, 'node_modules', ...name.split('/'));
    if (!fs.existsSync(path.join(dir, target, 'package.json'))) throw new Error(`toolchain: toolchainLinks ${name}: no package at ${target}`);
    if (fs.existsSync(from)) throw new Error(`toolchain: toolchainLinks ${name}: node_modules/${name} exists already`);
    fs.mkdirSync(path.dirname(from), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(from), path.join(dir, target)), from, 'dir');
  }
}

/** npm ci into a temporary directory, check its Node, write the record last, and rename it into place. */
function install(src, dir, digest) {
  const tmp = `${dir}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    for (const file of sourceFiles(src)) {
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.copyFileSync(path.join(src, file), path.join(tmp, file));
    }
    npmCi(tmp);
    linkExtras(src, tmp);
    const node = pinnedNode(src, tmp);
    const version = execFileSync(node.bin, ['--version'], { encoding: 'utf8', timeout: 60_000 }).trim();
    if (version !== `v${node.version}`) throw new Error(`toolchain: ${node.bin} is ${version}, not the pinned v${node.version}`);
    const record = path.join(tmp, RECORD);
    fs.writeFileSync(`${record}.tmp`, `${JSON.stringify({ digest, node: version, installedAt: new Date().toISOString() }, null, 2)}\n`);
    fs.renameSync(`${record}.tmp`, record);
    if (fs.existsSync(dir)) fs.renameSync(dir, `${dir}.old-${process.pid}`);
    fs.renameSync(tmp, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(`${dir}.old-${process.pid}`, { recursive: true, force: true });
  }
}

// Leftovers of installs that were killed: temporary and replaced directories whose process is gone.
function sweep(name) {
  for (const entry of fs.readdirSync(INSTALLS)) {
    const m = /^(.+)\.(?:tmp|old|lock\.stale)-(\d+)(?:-[0-9a-f]+)?$/.exec(entry);
    if (m && m[1] === name && !alive(Number(m[2]))) fs.rmSync(path.join(INSTALLS, entry), { recursive: true, force: true });
  }
}

/**
 * Install toolchain/<name> into .toolchain/<name> unless an install of the same digest is there.
 * @param {string} [name] a directory under toolchain/ (default `current`)
 * @returns {{dir: string, node: string, installed: boolean}} absolute install dir and its Node
 *   binary (node_modules/.bin/node); installed is true when this call ran npm ci
 */
export function ensureToolchain(name = 'current') {
  const src = path.join(SOURCES, name);
  if (!fs.existsSync(path.join(src, 'package-lock.json'))) {
    throw new Error(`toolchain: unknown toolchain ${JSON.stringify(name)} (no ${src}/package-lock.json)`);
  }
  const dir = path.join(INSTALLS, name);
  const digest = digestOf(src);
  const result = (didInstall) => ({ dir, node: pinnedNode(src, dir).bin, installed: didInstall });
  if (installed(dir, digest)) return result(false);
  fs.mkdirSync(INSTALLS, { recursive: true });
  const lock = path.join(INSTALLS, `${name}.lock`);
  acquire(lock);
  try {
    if (installed(dir, digest)) return result(false); // another caller installed it meanwhile
    sweep(name);
    install(src, dir, digest);
    return result(true);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = process.hrtime.bigint();
  const { dir, node, installed: didInstall } = ensureToolchain(process.argv[2]);
  const secs = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
  process.stderr.write(`toolchain: ${didInstall ? 'installed' : 'up to date'} in ${secs} s (node: ${node})\n`);
  process.stdout.write(`${dir}\n`);
}
