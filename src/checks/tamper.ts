import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import type * as Jsonc from 'jsonc-parser';
import type * as Toml from 'toml';
import type { Config } from '../config/types.js';
import { textAtCommit } from '../diff/blob.js';
import type { Finding } from '../model.js';
import { readJsConfig } from '../tools/js-config.js';
import { guard, noDiff, PASS, type Check, type CheckContext } from './check.js';
import { isObj, opaqueChanges, show, type Change, type Obj, type Sides, type Value } from './tamper/compare.js';
import { harnessChanges } from './tamper/harness-toml.js';
import { biomeChanges, eslintFlatChanges, eslintrcChanges, oxlintChanges, suppressionFileChanges } from './tamper/lint.js';
import { packageChanges, strykerChanges, vitestChanges } from './tamper/tests.js';
import { tsconfigChanges, type SideReader } from './tamper/tsconfig.js';

export type TamperKind = 'tsconfig' | 'package' | 'eslint-suppressions' | 'eslint' | 'eslintrc' | 'biome' | 'oxlint' | 'vitest' | 'stryker' | 'harness' | 'yaml';

/** The configs of checks, by file name (anywhere in the repo but node_modules/). */
const KINDS: [RegExp, TamperKind][] = [
  [/^tsconfig.*\.json$/, 'tsconfig'],
  [/^package\.json$/, 'package'],
  [/^eslint-suppressions\.json$/, 'eslint-suppressions'],
  [/^eslint\.config\.[cm]?[jt]s$/, 'eslint'],
  [/^\.eslintrc(?:\.json|\.[cm]?js)?$/, 'eslintrc'],
  [/^\.eslintrc\.ya?ml$/, 'yaml'],
  [/^biome\.jsonc?$/, 'biome'],
  [/^\.oxlintrc\.jsonc?$/, 'oxlint'],
  [/^(?:vitest|vite)\.config\.[cm]?[jt]s$|^vitest\.workspace\.(?:[cm]?[jt]s|json)$/, 'vitest'],
  [/^\.?stryker\.(?:conf|config)\.(?:json|[cm]?js)$/, 'stryker'],
];

/** A JSON file of another name that holds compiler options: a tsconfig base (`configs/base.json`, reached by `extends`). */
function holdsCompilerOptions(root: string, path: string): boolean {
  if (!/\.jsonc?$/.test(path)) return false;
  try {
    return /"compilerOptions"\s*:/.test(readFileSync(join(root, path), 'utf8'));
  } catch {
    return false;
  }
}

/** Which kind of check config a repo-relative path is, or null for any other file. */
export function tamperKind(path: string, config: Config, root: string): TamperKind | null {
  if (path.split('/').includes('node_modules') || path.startsWith('.harness/')) return null;
  if (path === 'harness.toml' || (config.source !== null && config.source.endsWith(`/${path}`))) return 'harness';
  const name = posix.basename(path);
  return KINDS.find(([re]) => re.test(name))?.[1] ?? (holdsCompilerOptions(root, path) ? 'tsconfig' : null);
}

const isJs = (path: string) => /\.[cm]?[jt]s$/.test(path);

type Parsed = { value: Value; rest: string[] | null } | { error: string };

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

function parseJsonc(text: string): Parsed {
  const jsonc = createRequire(import.meta.url)('jsonc-parser') as typeof Jsonc;
  const errors: Jsonc.ParseError[] = [];
  const value = jsonc.parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as Value;
  const e = errors[0];
  return e ? { error: `${jsonc.printParseErrorCode(e.error)} at line ${lineAt(text, e.offset)}` } : { value, rest: null };
}

function parseStrict(text: string, kind: TamperKind): Parsed {
  try {
    if (kind === 'harness') return { value: (createRequire(import.meta.url)('toml') as typeof Toml).parse(text) as Value, rest: null };
    return { value: JSON.parse(text) as Value, rest: null };
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    return { error: `${err.message}${err.line ? ` (line ${err.line}, column ${err.column ?? 0})` : ''}` };
  }
}

/** One version of a config, parsed with the parser of its kind (JSONC, JSON, TOML, or the JS reader). */
function parse(kind: TamperKind, path: string, text: string): Parsed {
  if (isJs(path)) return readJsConfig(text, path);
  const parsed = kind === 'package' || kind === 'eslint-suppressions' || kind === 'harness' ? parseStrict(text, kind) : parseJsonc(text);
  if ('error' in parsed) return parsed;
  const ok = isObj(parsed.value) || (kind === 'vitest' && Array.isArray(parsed.value));
  return ok ? parsed : { error: `not a JSON object: ${show(parsed.value)}` };
}

/** Both texts of one changed config (null: absent on that side), and where the merge-base one was. */
interface Versions {
  path: string;
  from: string;
  kind: TamperKind;
  old: string | null;
  now: string | null;
  /** Why a side could not be read (never taken for absence). */
  unreadable?: string;
}

function readNow(root: string, path: string): string | null {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** A config deleted in one place and created in the same directory with the same kind is a rename: compared as one. */
function pairRenames(all: Versions[]): Versions[] {
  const deleted = all.filter((v) => v.now === null && v.old !== null);
  const used = new Set<Versions>();
  const out: Versions[] = [];
  for (const v of all) {
    const gone = v.old === null ? deleted.find((d) => !used.has(d) && d.kind === v.kind && posix.dirname(d.path) === posix.dirname(v.path)) : undefined;
    if (gone) used.add(gone);
    out.push(gone ? { ...v, from: gone.path, old: gone.old } : v);
  }
  return out.filter((v) => !used.has(v));
}

/** Every changed check config with both its texts. */
async function versions(ctx: CheckContext, mergeBase: string): Promise<Versions[]> {
  const out: Versions[] = [];
  for (const path of ctx.scope.changed_files) {
    const kind = tamperKind(path, ctx.config, ctx.root);
    if (kind === null) continue;
    try {
      out.push({ path, from: path, kind, old: await textAtCommit(ctx.root, mergeBase, path), now: readNow(ctx.root, path) });
    } catch (e) {
      out.push({ path, from: path, kind, old: null, now: null, unreadable: (e as Error).message.trim() });
    }
  }
  return out;
}

/** The sides a tsconfig's `extends` are read from: the merge-base's files, and the work tree's. */
function extendsReaders(root: string, mergeBase: string): Sides<SideReader> {
  const asObj = (text: string | null): Obj | null => {
    const p = text === null ? null : parseJsonc(text);
    return p === null || 'error' in p || !isObj(p.value) ? null : p.value;
  };
  return {
    old: async (path) => asObj(await textAtCommit(root, mergeBase, path).catch(() => null)),
    now: async (path) => asObj((() => {
      try {
        return readNow(root, path);
      } catch {
        return null;
      }
    })()),
  };
}

function changesOf(ctx: CheckContext, mergeBase: string, v: Versions, sides: Sides, created: boolean): Change[] | Promise<Change[]> {
  switch (v.kind) {
    case 'tsconfig':
      return tsconfigChanges(v.path, sides as Sides<Obj>, extendsReaders(ctx.root, mergeBase));
    case 'package':
      return packageChanges(sides, created);
    case 'eslint-suppressions':
      return suppressionFileChanges(sides as Sides<Obj>);
    case 'eslint':
      return eslintFlatChanges(sides, created);
    case 'eslintrc':
      return eslintrcChanges(sides, created);
    case 'biome':
      return biomeChanges(sides, created);
    case 'oxlint':
      return oxlintChanges(sides, created);
    case 'vitest':
      return vitestChanges(sides, created);
    case 'stryker':
      return strykerChanges(sides, created);
    case 'harness':
      return harnessChanges(sides, created);
    case 'yaml':
      return [{ key: '', how: 'changed: cannot verify (a YAML config is not read)' }];
  }
}

/** A JS config's other top-level code (imports, helpers, statements that mutate the config): any change is unreadable. */
function restChanges(old: string[], now: string[]): Change[] {
  const first = now.find((x) => !old.includes(x)) ?? old.find((x) => !now.includes(x));
  return first === undefined ? [] : [{ key: '', how: `code beside the exported config changed (${show(first)}): cannot verify (a JS config)` }];
}

type Read = Exclude<Parsed, { error: string }>;

/** A deleted config: nothing, when its whole directory went with it; else what it enforced, now gone. */
function deletedChanges(ctx: CheckContext, mergeBase: string, v: Versions, old: Read): Change[] | Promise<Change[]> {
  const dir = posix.dirname(v.path);
  const dirGone = (() => {
    try {
      return !statSync(join(ctx.root, dir)).isDirectory();
    } catch {
      return true;
    }
  })();
  if (dirGone || v.kind === 'eslint-suppressions') return [];
  if (old.rest !== null) return [{ key: '', how: 'deleted: cannot verify (a JS config: what it enforced no longer applies)' }];
  return changesOf(ctx, mergeBase, v, { old: old.value, now: {} }, false);
}

async function judge(ctx: CheckContext, mergeBase: string, v: Versions): Promise<Change[]> {
  if (v.unreadable !== undefined) return [{ key: '', how: `cannot read: ${v.unreadable}` }];
  const old = v.old === null ? undefined : parse(v.kind, v.from, v.old);
  const now = v.now === null ? undefined : parse(v.kind, v.path, v.now);
  const broken = [
    old !== undefined && 'error' in old ? `cannot parse the merge-base version: ${old.error}` : null,
    now !== undefined && 'error' in now ? `cannot parse: ${now.error}` : null,
  ].filter((m): m is string => m !== null);
  if (broken.length > 0) return broken.map((how) => ({ key: '', how }));
  const [a, b] = [old as Read | undefined, now as Read | undefined];
  if (b === undefined) return a === undefined ? [] : deletedChanges(ctx, mergeBase, v, a);
  const sides: Sides = { old: a?.value, now: b.value };
  const out = await changesOf(ctx, mergeBase, v, sides, a === undefined);
  // A new JS config has no earlier version to weaken: its opaque parts (presets, computed values) are its setup.
  if (a !== undefined && (a.rest !== null || b.rest !== null)) out.push(...opaqueChanges(sides), ...restChanges(a.rest ?? [], b.rest ?? []));
  return out;
}

function render(c: Change, v: Versions): string {
  const text = c.key === '' ? c.how : `${c.key} ${c.how}`;
  return v.from === v.path ? text : `${text} (renamed from ${v.from})`;
}

/**
 * tamper — a change that weakens a check through its config (DESIGN §4): each changed config of a check
 * (tsconfig, ESLint, Biome, oxlint, Vitest, Stryker, package.json scripts, harness.toml) read with a real
 * parser at the merge-base and now, each weakening a finding naming the file, the key and the change. A
 * config that cannot be parsed, read or (a JS config computing it) evaluated is a finding, never a pass.
 */
export function tamperCheck(): Check {
  return guard('tamper', 0.5, [], async (ctx) => {
    const mergeBase = ctx.scope.merge_base;
    if (mergeBase === null) return noDiff(ctx.scope);
    const findings: Finding[] = [];
    const notes: Finding[] = [];
    for (const v of pairRenames(await versions(ctx, mergeBase))) {
      ctx.log.write(`compared ${v.from === v.path ? v.path : `${v.from} → ${v.path}`} (${v.kind})\n`);
      for (const c of await judge(ctx, mergeBase, v)) (c.note ? notes : findings).push({ path: v.path, message: render(c, v) });
    }
    if (findings.length > 0) return { status: 'fail', findings: [...findings, ...notes] };
    return notes.length > 0 ? { status: 'pass', findings: notes } : PASS;
  });
}
