// Materialize a fixture workspace (fixtures/<name>) into a directory, wiring up
// node_modules without running npm:
//   - every entry of the harness repo's own node_modules/ is symlinked in
//     (scoped @org dirs become real dirs of per-package symlinks);
//   - every workspace package of the fixture gets a relative symlink
//     node_modules/<name> -> ../packages/<dir> (../../ for scoped names).
// A fixture may hold fixture.json (never copied into dest) that swaps or drops
// harness modules, e.g. {"link": {"typescript": "typescript-5"}, "omit": ["@typescript/native-preview"]}:
// node_modules/typescript then points at the harness's node_modules/typescript-5, and
// node_modules/.bin becomes a real directory whose tsc/tsserver come from typescript-5 and
// which has no tsgo. The same shape passed to materialize() overrides it per call.
// {"toolchain": "current"} takes every module from the pinned toolchain that scripts/toolchain.js
// installs into .toolchain/current/ (installed on first use) instead of the harness's node_modules;
// a call's {"modules": "/abs/node_modules"} names any such directory. link/omit then apply to it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureToolchain } from './toolchain.js';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
const HARNESS_NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

// Tool caches that must never be shared with (and written into) the harness's (or a toolchain's)
// own node_modules through a symlink; .vitest-cache is Vitest 5's fsModuleCache.
const SKIP_ENTRIES = new Set(['.cache', '.vite', '.vite-temp', '.vitest', '.vitest-cache']);

/**
 * @typedef {object} ModuleOptions
 * @property {Record<string, string>} [link] node_modules/<name> -> the harness's node_modules/<target>
 *   (an npm alias such as typescript-5), with <name>'s bins taken from <target>
 * @property {string[]} [omit] harness modules (and their bins) left out of node_modules
 * @property {string} [toolchain] take the modules from this toolchain (toolchain/<name>) instead
 * @property {string} [modules] (per call only) an absolute node_modules directory to take them from
 */

function readFixtureOptions(src) {
  const file = path.join(src, 'fixture.json');
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Merge the fixture's fixture.json with per-call options; the call wins: its link entries are
 * merged over the file's, its omit list replaces the file's, and a name it links is no longer
 * omitted (a name it omits is no longer linked).
 * @param {ModuleOptions} file
 * @param {ModuleOptions} call
 * @returns {{link: Map<string, string>, omit: Set<string>, root: string}} root: the node_modules linked in
 */
function mergeOptions(file, call) {
  const toolchain = call.toolchain ?? file.toolchain;
  const root = call.modules ?? (toolchain ? path.join(ensureToolchain(toolchain).dir, 'node_modules') : HARNESS_NODE_MODULES);
  if (call.modules !== undefined && !(typeof root === 'string' && path.isAbsolute(root) && fs.existsSync(root))) {
    throw new Error(`fixture: options "modules" must be an absolute node_modules directory, not ${JSON.stringify(root)}`);
  }
  for (const [where, opts] of [['fixture.json', file], ['options', call]]) {
    if (opts.link !== undefined && (typeof opts.link !== 'object' || opts.link === null || Array.isArray(opts.link))) {
      throw new Error(`fixture: ${where} "link" must be an object of name -> harness module`);
    }
    if (opts.omit !== undefined && !Array.isArray(opts.omit)) {
      throw new Error(`fixture: ${where} "omit" must be an array of module names`);
    }
  }
  const link = new Map(Object.entries(file.link ?? {}));
  const omit = new Set(call.omit ?? file.omit ?? []);
  for (const [name, target] of Object.entries(call.link ?? {})) {
    if (call.omit?.includes(name)) throw new Error(`fixture: options both link and omit ${JSON.stringify(name)}`);
    link.set(name, target);
    omit.delete(name);
  }
  for (const name of omit) link.delete(name);
  for (const [name, target] of link) {
    if (typeof target !== 'string' || !fs.existsSync(path.join(root, target, 'package.json'))) {
      throw new Error(`fixture: link ${JSON.stringify(name)} -> ${JSON.stringify(target)}: no such module in ${root}`);
    }
  }
  return { link, omit, root };
}

/** @returns {Record<string, string>} bin name -> path relative to the package dir */
function declaredBins(pkgDir) {
  const { name, bin } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  if (typeof bin === 'string') return { [String(name).split('/').pop()]: bin };
  return bin ?? {};
}

// Top-level module name (typescript, @scope/pkg) of node_modules root that the real path p lies in, if any.
function owningModule(root, p) {
  const rel = path.relative(root, p).split(path.sep);
  if (rel[0] === '..' || rel[0] === '') return undefined;
  return rel[0].startsWith('@') ? `${rel[0]}/${rel[1]}` : rel[0];
}

// node_modules/.bin as a real directory: the harness's bins minus those of omitted or
// replaced modules, plus the bins of each link target under the replaced module's name.
function linkBins(destModules, { link, omit, root }) {
  const srcBin = path.join(root, '.bin');
  const dstBin = path.join(destModules, '.bin');
  fs.mkdirSync(dstBin, { recursive: true });
  if (fs.existsSync(srcBin)) {
    for (const bin of fs.readdirSync(srcBin)) {
      let real;
      try {
        real = fs.realpathSync(path.join(srcBin, bin));
      } catch {
        continue; // dangling bin link in the harness
      }
      const owner = owningModule(root, real);
      if (owner !== undefined && (omit.has(owner) || link.has(owner))) continue;
      fs.symlinkSync(real, path.join(dstBin, bin));
    }
  }
  for (const target of link.values()) {
    const targetDir = path.join(root, target);
    for (const [bin, file] of Object.entries(declaredBins(targetDir))) {
      fs.rmSync(path.join(dstBin, bin), { force: true });
      fs.symlinkSync(path.join(targetDir, file), path.join(dstBin, bin));
    }
  }
}

const binsChecked = new Set();

// An npm alias (typescript-5 = typescript@5.2.2) declares the same bins as the package it
// aliases, and an incremental `npm install` can let the alias win node_modules/.bin/tsc. Every
// fixture would then silently run the wrong compiler: refuse instead.
function checkHarnessBins(root) {
  if (binsChecked.has(root)) return;
  const srcBin = path.join(root, '.bin');
  for (const bin of fs.existsSync(srcBin) ? fs.readdirSync(srcBin) : []) {
    let owner;
    try {
      owner = owningModule(root, fs.realpathSync(path.join(srcBin, bin)));
    } catch {
      continue;
    }
    if (owner === undefined) continue;
    const manifest = path.join(root, owner, 'package.json');
    const { name } = fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, 'utf8')) : { name: owner };
    const real = path.join(root, name);
    if (name !== owner && fs.existsSync(path.join(real, 'package.json')) && Object.hasOwn(declaredBins(real), bin)) {
      throw new Error(
        `fixture: ${root}/.bin/${bin} belongs to the alias ${owner} (${name}), not ${name}; ` +
          `run \`npm ci\` (or \`npm rebuild ${name}\`) there`,
      );
    }
  }
  binsChecked.add(root);
}

/**
 * Symlink the entries of modules.root (the harness's node_modules, or a toolchain's) into destModules.
 * @param {string} destModules
 * @param {{link: Map<string, string>, omit: Set<string>, root: string}} modules swaps and omissions
 */
function linkHarnessModules(destModules, modules) {
  const { root } = modules;
  if (!fs.existsSync(root)) return;
  checkHarnessBins(root);
  const custom = modules.link.size > 0 || modules.omit.size > 0;
  const skipped = (name) => modules.omit.has(name) || modules.link.has(name);
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (SKIP_ENTRIES.has(entry.name)) continue;
    if (custom && entry.name === '.bin') continue;
    const src = path.join(root, entry.name);
    const dst = path.join(destModules, entry.name);
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      for (const sub of fs.readdirSync(src)) {
        if (skipped(`${entry.name}/${sub}`)) continue;
        fs.symlinkSync(path.join(src, sub), path.join(dst, sub));
      }
    } else if (!skipped(entry.name)) {
      fs.symlinkSync(src, dst);
    }
  }
  for (const [name, target] of modules.link) {
    const dst = path.join(destModules, ...name.split('/'));
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.symlinkSync(path.join(root, target), dst, 'dir');
  }
  if (custom) linkBins(destModules, modules);
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
 * fixtures/<name>/fixture.json, if present, is not copied: its toolchain/link/omit entries shape
 * dest/node_modules (see ModuleOptions), and options override them for this call.
 * @param {string} name fixture directory name under fixtures/
 * @param {string} dest destination directory (may already exist, empty)
 * @param {ModuleOptions} [options] per-call toolchain/modules/link/omit, winning over fixture.json
 * @returns {string} dest
 */
export function materialize(name, dest, options = {}) {
  const src = path.join(FIXTURES_DIR, name);
  if (!fs.existsSync(path.join(src, 'package.json'))) {
    throw new Error(`fixture: unknown fixture ${JSON.stringify(name)} (no ${src}/package.json)`);
  }
  const modules = mergeOptions(readFixtureOptions(src), options);
  const fixtureJson = path.join(src, 'fixture.json');
  fs.mkdirSync(dest, { recursive: true });
  fs.cpSync(src, dest, {
    recursive: true,
    filter: (from) => path.basename(from) !== 'node_modules' && from !== fixtureJson,
  });
  buildModules(dest, modules);
  return dest;
}

/**
 * Build dest/node_modules for a workspace already written in dest (the harness's own modules, plus
 * the workspace's packages).
 * @param {string} dest
 * @param {ModuleOptions} [options] link/omit for the harness's modules (none by default)
 */
export function linkModules(dest, options = {}) {
  buildModules(dest, mergeOptions({}, options));
}

function buildModules(dest, modules) {
  const destModules = path.join(dest, 'node_modules');
  fs.mkdirSync(destModules, { recursive: true });
  linkHarnessModules(destModules, modules);
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

/**
 * @typedef {object} FaultCheck
 * @property {'pass' | 'fail'} expect the command's verdict: exit 0, or not
 * @property {string[]} argv the command, run from the workspace root (argv[0] is a node_modules/.bin name)
 * @property {string} [at] `path:line` the failing tool must name (for `fail` checks)
 * @property {string} [with] text the tool's output must contain
 */

/**
 * @typedef {object} Fault
 * @property {string} id the `### id` heading in the fixture's README "Faults" section
 * @property {string} file workspace-relative path of the file to edit
 * @property {'replace' | 'insert'} mode replace line `line`, or insert `text` so that it becomes line `line`
 * @property {number} line 1-based
 * @property {string} text the line(s) to write (no trailing newline)
 * @property {FaultCheck[]} before commands to run (and pass) before the edit, e.g. a build
 * @property {FaultCheck[]} checks once the fault is in, in README order: commands that must fail
 *   (naming `at`) or still pass
 */

// `a b 'c d'` -> ['a', 'b', 'c d'] (single quotes only, as in the READMEs).
function splitCommand(command) {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function parseCheck(key, value) {
  const m = /^`([^`]+)`(?:\s+at\s+`([^`]+)`)?(?:\s+with\s+`([^`]+)`)?/.exec(value);
  if (!m) throw new Error(`fixture: unreadable check ${JSON.stringify(value)}`);
  return {
    expect: key === 'fails' ? 'fail' : 'pass',
    argv: splitCommand(m[1]),
    ...(m[2] ? { at: m[2] } : {}),
    ...(m[3] ? { with: m[3] } : {}),
  };
}

/**
 * The healthy checks and fault recipes written in fixtures/<name>/README.md. A "## Healthy"
 * section lists `- passes: \`cmd\`` lines (and `- fails:` lines for raw invocations known to fail
 * on the untouched fixture); each "### id" under "## Faults" has `- file:`,
 * `- replace line:` or `- insert at line:`, `- text:` (a backtick span, or a fenced block on the
 * lines after it), and any number of `- before:`, `- fails: \`cmd\` at \`path:line\`` and
 * `- passes:` lines. A check may end in `with \`text\`` (text the output must contain).
 * @param {string} name fixture directory name under fixtures/
 * @returns {{healthy: FaultCheck[], faults: Fault[]}}
 */
export function readFaults(name) {
  const lines = fs.readFileSync(path.join(FIXTURES_DIR, name, 'README.md'), 'utf8').split('\n');
  const healthy = [];
  const faults = [];
  let section = '';
  let fault;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^(#{2,3})\s+(.*?)\s*$/.exec(line);
    if (heading) {
      if (heading[1] === '##') section = heading[2];
      fault = undefined;
      if (heading[1] === '###' && section === 'Faults') {
        fault = { id: heading[2].replace(/`/g, ''), before: [], checks: [] };
        faults.push(fault);
      }
      continue;
    }
    const item = /^- (file|replace line|insert at line|text|before|fails|passes):\s*(.*)$/.exec(line);
    if (!item) continue;
    const [, key, value] = item;
    if (section === 'Healthy' && (key === 'passes' || key === 'fails')) healthy.push(parseCheck(key, value));
    if (!fault) continue;
    if (key === 'file') fault.file = value.replace(/`/g, '').trim();
    else if (key === 'replace line' || key === 'insert at line') {
      fault.mode = key === 'replace line' ? 'replace' : 'insert';
      fault.line = Number.parseInt(value, 10);
    } else if (key === 'text') {
      const span = /^`(.*)`$/.exec(value.trim());
      if (span) fault.text = span[1];
      else {
        // A fenced block on the following lines.
        let j = i + 1;
        while (j < lines.length && !/^\s*```/.test(lines[j])) j++;
        let k = j + 1;
        while (k < lines.length && !/^\s*```/.test(lines[k])) k++;
        const indent = /^(\s*)/.exec(lines[j] ?? '')[1].length;
        fault.text = lines.slice(j + 1, k).map((l) => l.slice(indent)).join('\n');
        i = k;
      }
    } else (key === 'before' ? fault.before : fault.checks).push(parseCheck(key, value));
  }
  for (const f of faults) {
    if (!f.file || !f.mode || !Number.isInteger(f.line) || f.text === undefined || !f.checks.some((c) => c.expect === 'fail')) {
      throw new Error(`fixture: ${name} README fault ${JSON.stringify(f.id)} is incomplete`);
    }
  }
  return { healthy, faults };
}

/**
 * Write a fault (from readFaults) into a materialized workspace.
 * @param {string} dir the workspace root
 * @param {Fault} fault
 */
export function applyFault(dir, fault) {
  const file = path.join(dir, fault.file);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = fault.line - 1;
  if (index < 0 || index > lines.length || (fault.mode === 'replace' && index >= lines.length)) {
    throw new Error(`fixture: fault ${fault.id}: ${fault.file} has no line ${fault.line}`);
  }
  lines.splice(index, fault.mode === 'replace' ? 1 : 0, ...fault.text.split('\n'));
  fs.writeFileSync(file, lines.join('\n'));
}
