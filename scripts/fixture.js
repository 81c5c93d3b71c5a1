// Materialize a fixture workspace (fixtures/<name>) into a directory, wiring up
// node_modules without running npm:
//   - every entry of the harness repo's own node_modules/ is symlinked in
//     (scoped @org dirs become real dirs of per-package symlinks);
//   - every workspace package of the fixture gets a relative symlink
//     node_modules/<name> -> ../packages/<dir> (../../ for scoped names).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
const HARNESS_NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

// Tool caches that must never be shared with (and written into) the harness's
// own node_modules through a symlink.
const SKIP_ENTRIES = new Set(['.cache', '.vite', '.vite-temp', '.vitest']);

function linkHarnessModules(destModules) {
  if (!fs.existsSync(HARNESS_NODE_MODULES)) return;
  for (const entry of fs.readdirSync(HARNESS_NODE_MODULES, { withFileTypes: true })) {
    if (SKIP_ENTRIES.has(entry.name)) continue;
    const src = path.join(HARNESS_NODE_MODULES, entry.name);
    const dst = path.join(destModules, entry.name);
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      for (const sub of fs.readdirSync(src)) {
        fs.symlinkSync(path.join(src, sub), path.join(dst, sub));
      }
    } else {
      fs.symlinkSync(src, dst);
    }
  }
}

function workspacePackageDirs(root) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const pnpm = path.join(root, 'pnpm-workspace.yaml');
  // pnpm fixtures list their packages in pnpm-workspace.yaml (`  - 'dir/*'` lines under `packages:`).
  const patterns = fs.existsSync(pnpm)
    ? [...fs.readFileSync(pnpm, 'utf8').matchAll(/^\s+-\s*['"]?([^'"\s]+)['"]?\s*$/gm)].map((m) => m[1])
    : Array.isArray(manifest.workspaces)
      ? manifest.workspaces
      : (manifest.workspaces?.packages ?? []);
  const dirs = [];
  for (const pattern of patterns) {
    const clean = pattern.replace(/\/+$/, '');
    if (clean.endsWith('/*')) {
      const parent = clean.slice(0, -2);
      const abs = path.join(root, parent);
      if (!fs.existsSync(abs)) continue;
      for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isDirectory() && fs.existsSync(path.join(abs, entry.name, 'package.json'))) {
          dirs.push(path.posix.join(parent, entry.name));
        }
      }
    } else if (!/[*?[{]/.test(clean)) {
      if (fs.existsSync(path.join(root, clean, 'package.json'))) dirs.push(clean);
    } else {
      throw new Error(`fixture: unsupported workspaces pattern ${JSON.stringify(pattern)} (only "dir/*" is supported)`);
    }
  }
  return dirs;
}

function linkWorkspacePackages(root, destModules) {
  for (const dir of workspacePackageDirs(root)) {
    const { name } = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    if (typeof name !== 'string' || name === '') continue;
    const linkPath = path.join(destModules, ...name.split('/'));
    fs.mkdirSync(path.dirname(linkPath), { recursive: true });
    // A workspace package shadows any same-named harness dependency.
    fs.rmSync(linkPath, { recursive: true, force: true });
    const target = path.relative(path.dirname(linkPath), path.join(root, dir));
    fs.symlinkSync(target, linkPath, 'dir');
  }
}

/**
 * Copy fixtures/<name> into dest (created if missing) and build dest/node_modules.
 * @param {string} name fixture directory name under fixtures/
 * @param {string} dest destination directory (may already exist, empty)
 * @returns {string} dest
 */
export function materialize(name, dest) {
  const src = path.join(FIXTURES_DIR, name);
  if (!fs.existsSync(path.join(src, 'package.json'))) {
    throw new Error(`fixture: unknown fixture ${JSON.stringify(name)} (no ${src}/package.json)`);
  }
  fs.mkdirSync(dest, { recursive: true });
  fs.cpSync(src, dest, {
    recursive: true,
    filter: (from) => path.basename(from) !== 'node_modules',
  });
  linkModules(dest);
  return dest;
}

/**
 * Build dest/node_modules for a workspace already written in dest (the harness's own modules, plus
 * the workspace's packages).
 * @param {string} dest
 */
export function linkModules(dest) {
  const destModules = path.join(dest, 'node_modules');
  fs.mkdirSync(destModules, { recursive: true });
  linkHarnessModules(destModules);
  linkWorkspacePackages(dest, destModules);
}

/**
 * Turn dir into a git repository with one commit on branch main.
 * @param {string} dir
 */
export function gitInit(dir) {
  // Drop inherited GIT_* variables (e.g. GIT_DIR when run from a git hook) so
  // the commands act on dir and nothing else.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')));
  const git = (...args) => execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Harness Fixture');
  git('config', 'user.email', 'fixture@harness.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
}
