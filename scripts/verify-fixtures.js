#!/usr/bin/env node
// Verify the fixtures whose README has a "## Healthy" section against the raw tools.
//
//   node scripts/verify-fixtures.js [--keep] [fixture ...]
//
// For each fixture: materialize it into a temp git repo and run every `- passes:` command of
// "## Healthy" (each must exit 0; a `- fails:` there must not); then, for each "### fault" under "## Faults", materialize a
// fresh copy, run its `- before:` commands, write the fault, and run its checks in README order:
// a `- fails:` command must exit non-zero and name the recipe's `path:line` in its output, a
// `- passes:` command must exit 0. Commands run from the workspace root with argv[0] taken from
// the workspace's node_modules/.bin, which also leads PATH (as under `npm run`): a toolchain
// fixture's node_modules/.bin/node then runs its tools. Prints one markdown table; exits 1 on any mismatch.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyFault, gitInit, materialize, readFaults } from './fixture.js';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
const TIMEOUT_MS = 180_000;

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const wanted = args.filter((a) => !a.startsWith('--'));
const fixtures = (wanted.length > 0 ? wanted : fs.readdirSync(FIXTURES_DIR).sort()).filter((name) => {
  const readme = path.join(FIXTURES_DIR, name, 'README.md');
  return fs.existsSync(readme) && /^## Healthy\s*$/m.test(fs.readFileSync(readme, 'utf8'));
});

const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')));
Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' });

const stripAnsi = (s) => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/**
 * Every `path:line` a tool's output names: tsc `p(l,c)`, `p:l:c` (vitest, biome, oxlint),
 * ESLint's stylish blocks (a path line, then `  l:c  error ...`), and the uncovered-line column of
 * a v8/istanbul text coverage table (`file.ts | ... | 12-14,20`).
 * @param {string} output
 * @returns {{file: string, line: number}[]}
 */
function locations(output) {
  const found = [];
  const add = (file, line) => found.push({ file: file.replace(/^\.\//, ''), line: Number(line) });
  let eslintFile;
  for (const raw of stripAnsi(output).split('\n')) {
    const line = raw.replace(/\r$/, '');
    for (const m of line.matchAll(/([\w@./-]+\.[cm]?[jt]sx?)\((\d+),\d+\)/g)) add(m[1], m[2]);
    for (const m of line.matchAll(/([\w@./-]+\.[cm]?[jt]sx?|[\w@./-]+\.json[c]?):(\d+)(?::\d+)?/g)) add(m[1], m[2]);
    if (/^\/\S+$/.test(line) || /^[\w@.-][\w@./-]*\.[cm]?[jt]sx?$/.test(line)) eslintFile = line;
    else if (eslintFile && /^\s+(\d+):\d+\s+(error|warning)\s/.test(line)) add(eslintFile, /^\s+(\d+)/.exec(line)[1]);
    else if (line.trim() === '') eslintFile = undefined;
    const row = /^\s*([\w@./-]+\.[cm]?[jt]sx?)\s*\|(?:[^|]*\|){4}\s*([\d,\s-]+?)\s*\|?\s*$/.exec(line);
    if (row) {
      for (const part of row[2].split(',')) {
        const [from, to = from] = part.trim().split('-').map(Number);
        for (let l = from; l <= to && l - from < 1000; l++) add(row[1], l);
      }
    }
  }
  return found;
}

// `packages/core/test/x.ts` and `test/x.ts` (a vitest project-relative path) name the same file.
function sameFile(a, b) {
  const pa = a.split('/');
  const pb = b.split('/');
  const n = Math.min(pa.length, pb.length);
  return pa.slice(-n).join('/') === pb.slice(-n).join('/');
}

function named(output, at) {
  const m = /^(.*):(\d+)$/.exec(at);
  if (!m) throw new Error(`verify: bad location ${JSON.stringify(at)}`);
  const [, file, line] = m;
  return locations(output).some((loc) => loc.line === Number(line) && sameFile(loc.file, file));
}

function run(dir, argv) {
  const bin = path.join(dir, 'node_modules', '.bin', argv[0]);
  if (!fs.existsSync(bin)) return { code: 'no-bin', output: `no node_modules/.bin/${argv[0]}`, secs: 0 };
  const started = process.hrtime.bigint();
  const PATH = `${path.dirname(bin)}${path.delimiter}${env.PATH ?? ''}`;
  const r = spawnSync(bin, argv.slice(1), { cwd: dir, env: { ...env, PATH }, encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 << 20 });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  const code = r.error ? String(r.error.code ?? r.error.message) : (r.status ?? r.signal);
  return { code, output: `${r.stdout ?? ''}\n${r.stderr ?? ''}`, secs };
}

function fresh(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fixture-${name}-`));
  materialize(name, dir);
  gitInit(dir);
  return dir;
}

// The command as typed in the README (quotes around globs and spaced words).
const shown = (argv) => argv.map((a) => (/[\s*?']/.test(a) ? `'${a}'` : a)).join(' ');

const rows = [];
let mismatches = 0;

let last; // the previous check's command and result: consecutive identical commands run once

function check(fixture, kase, dir, c) {
  const key = `${dir}\0${c.argv.join('\0')}`;
  const r = last?.key === key ? last.r : run(dir, c.argv);
  last = { key, r };
  let ok = c.expect === 'pass' ? r.code === 0 : typeof r.code === 'number' && r.code !== 0;
  let at = '';
  if (c.expect === 'fail' && c.at) {
    const hit = named(r.output, c.at);
    at = `${c.at} ${hit ? 'named' : 'NOT named'}`;
    ok = ok && hit;
  }
  if (c.with) {
    const hit = stripAnsi(r.output).includes(c.with);
    at = `${at}${at ? '; ' : ''}${JSON.stringify(c.with)} ${hit ? 'shown' : 'NOT shown'}`;
    ok = ok && hit;
  }
  if (!ok) {
    mismatches++;
    process.stderr.write(`\n--- MISMATCH ${fixture} / ${kase}: ${shown(c.argv)} (exit ${r.code})\n${stripAnsi(r.output).slice(0, 4000)}\n`);
  }
  rows.push([fixture, kase, shown(c.argv), c.expect, String(r.code), at, ok ? 'ok' : 'MISMATCH', r.secs.toFixed(1)]);
}

for (const name of fixtures) {
  const { healthy, faults } = readFaults(name);
  const dirs = [];
  const dir = fresh(name);
  dirs.push(dir);
  for (const c of healthy) check(name, 'untouched', dir, c);
  for (const fault of faults) {
    const fdir = fresh(name);
    dirs.push(fdir);
    for (const c of fault.before) check(name, `${fault.id} (before)`, fdir, c);
    applyFault(fdir, fault);
    for (const c of fault.checks) check(name, fault.id, fdir, c);
  }
  if (keep) process.stderr.write(`${name}: kept ${dirs.join(' ')}\n`);
  else for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}

const header = ['fixture', 'case', 'command', 'expect', 'exit', 'location', 'verdict', 's'];
const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
process.stdout.write(`${lines.join('\n')}\n\n${rows.length - mismatches} ok, ${mismatches} mismatched\n`);
process.exitCode = mismatches > 0 ? 1 : 0;
