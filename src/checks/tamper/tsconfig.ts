/**
 * tsconfig*.json for the tamper guard: the compiler options that make type checking strict, the ones
 * that skip it, and which files are compiled, compared through the configs a tsconfig `extends` (relative
 * ones, each read at its own side: the merge-base or the work tree).
 */
import { posix } from 'node:path';
import { at, isObj, noGain, noLoss, show, staysOff, staysOn, type Change, type Obj, type Sides, type Value } from './compare.js';

/** What `strict` turns on unless set otherwise. */
const STRICT_FAMILY = [
  'noImplicitAny',
  'strictNullChecks',
  'strictFunctionTypes',
  'strictBindCallApply',
  'strictPropertyInitialization',
  'strictBuiltinIteratorReturn',
  'noImplicitThis',
  'useUnknownInCatchVariables',
  'alwaysStrict',
];
/** Checks that are on when true (`forceConsistentCasingInFileNames` is on by default). */
const ON = [
  'strict',
  'noUncheckedIndexedAccess',
  'exactOptionalPropertyTypes',
  'noImplicitReturns',
  'noImplicitOverride',
  'noFallthroughCasesInSwitch',
  'noPropertyAccessFromIndexSignature',
  'noUnusedLocals',
  'noUnusedParameters',
  'noUncheckedSideEffectImports',
  'forceConsistentCasingInFileNames',
  'checkJs',
];
/** Options that skip or silence checking when true. */
const OFF = [
  'skipLibCheck',
  'skipDefaultLibCheck',
  'noCheck',
  'allowUnreachableCode',
  'allowUnusedLabels',
  'suppressExcessPropertyErrors',
  'suppressImplicitAnyIndexErrors',
  'noStrictGenericChecks',
  'keyofStringsOnly',
];

/** Reads a repo-relative file at one side (null: absent) and parses it as JSONC (null: unparsable). */
export type SideReader = (path: string) => Promise<Obj | null>;

interface Effective {
  doc: Obj;
  /** `extends` entries that could not be read (a package's config, a missing file): compared by name only. */
  unread: string[];
}

function extendsOf(doc: Obj): string[] {
  const e = doc.extends;
  return typeof e === 'string' ? [e] : Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : [];
}

/** The config with what it extends merged in (compilerOptions key by key; include/exclude/files inherited when absent). */
async function effective(file: string, doc: Obj, read: SideReader, depth = 0): Promise<Effective> {
  let options: Obj = {};
  const lists: Obj = {};
  const unread: string[] = [];
  for (const spec of extendsOf(doc)) {
    const path = posix.normalize(posix.join(posix.dirname(file), spec));
    const relative = spec.startsWith('.') && !path.startsWith('..');
    const parent = relative && depth < 8 ? ((await read(path)) ?? (path.endsWith('.json') ? null : await read(`${path}.json`))) : null;
    if (parent === null) {
      unread.push(spec);
      continue;
    }
    const base = await effective(path, parent, read, depth + 1);
    unread.push(...base.unread);
    options = { ...options, ...(isObj(base.doc.compilerOptions) ? base.doc.compilerOptions : {}) };
    for (const k of ['include', 'exclude', 'files']) if (base.doc[k] !== undefined) lists[k] = base.doc[k]!;
  }
  const own = isObj(doc.compilerOptions) ? doc.compilerOptions : {};
  return { doc: { ...lists, ...doc, compilerOptions: { ...options, ...own } }, unread };
}

/** A strict-family flag: weakened when it was on (itself or by `strict`) and is not now, unless `strict` explains it. */
function familyChange(flag: string, old: Obj, now: Obj): Change[] {
  const on = (co: Obj) => co[flag] === true || (co[flag] === undefined && co.strict === true);
  if (old[flag] === now[flag] || !on(old) || on(now)) return [];
  const shown = (co: Obj) => (co[flag] === undefined && co.strict === true ? 'true (by strict)' : show(co[flag]));
  return [{ key: `compilerOptions.${flag}`, how: `${shown(old)} → ${shown(now)}` }];
}

function optionChanges(old: Obj | undefined, now: Obj, created: boolean): Change[] {
  const co = (d: Obj | undefined): Obj => (d && isObj(d.compilerOptions) ? d.compilerOptions : {});
  const [a, b] = [co(old), co(now)];
  const key = (k: string) => `compilerOptions.${k}`;
  return [
    ...ON.flatMap((k) => staysOn(key(k), a[k], b[k], created, k === 'forceConsistentCasingInFileNames')),
    ...(created ? STRICT_FAMILY.flatMap((k) => staysOn(key(k), undefined, b[k], true)) : STRICT_FAMILY.flatMap((k) => familyChange(k, a, b))),
    // A new tsconfig's skipLibCheck is `tsc --init`'s own default (it skips only .d.ts files): its setup, not a weakening.
    ...OFF.filter((k) => !created || !k.startsWith('skip')).flatMap((k) => staysOff(key(k), a[k], b[k], created)),
  ];
}

/**
 * The weakenings of one tsconfig: strict options off, checking skipped, files excluded or no longer
 * included. A changed file is compared with what it extends merged in; a new one by its own settings.
 */
export async function tsconfigChanges(file: string, sides: Sides<Obj>, read: Sides<SideReader>): Promise<Change[]> {
  if (sides.old === undefined) return optionChanges(undefined, sides.now, true);
  const [old, now] = await Promise.all([effective(file, sides.old, read.old!), effective(file, sides.now, read.now)]);
  const out = optionChanges(old.doc, now.doc, false);
  if (old.unread.join('\0') !== now.unread.join('\0')) {
    out.push({ key: 'extends', how: `${show(old.unread)} → ${show(now.unread)}: cannot verify (a config outside the repository, or one that cannot be read)` });
  }
  const list = (d: Obj, k: string): Value | undefined => at(d, k);
  out.push(...noGain('exclude', list(old.doc, 'exclude'), list(now.doc, 'exclude')));
  out.push(...noLoss('include', list(old.doc, 'include'), list(now.doc, 'include'), true));
  out.push(...noLoss('files', list(old.doc, 'files'), list(now.doc, 'files'), true));
  return out;
}
