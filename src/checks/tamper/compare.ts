/**
 * The comparisons the tamper guard makes between a config's merge-base version and its current one,
 * each naming the key and the change (`compilerOptions.strict true → false`). A value is JSON, or an
 * `Opaque` part of a JS config known only by its code.
 */
import { Opaque, type Value } from '../../tools/js-config.js';

export type { Value };
export type Obj = { [key: string]: Value };

/** One weakening: `key` and how it changed, shown as `<key> <how>`. */
export interface Change {
  key: string;
  how: string;
  /** Reported, not failing (an accepted mutant: its reason is for a reviewer). */
  note?: boolean;
}

/** Both versions of one config: `old` is undefined when the change creates the file. */
export interface Sides<T = Value> {
  old: T | undefined;
  now: T;
}

export function isObj(v: Value | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Opaque);
}

/** The value at a dotted path of plain objects, or undefined. */
export function at(v: Value | undefined, path: string): Value | undefined {
  let cur = v;
  for (const k of path.split('.')) {
    if (!isObj(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function show(v: Value | undefined): string {
  if (v === undefined) return '(absent)';
  return v instanceof Opaque ? clip(v.code) : clip(JSON.stringify(v, (_k, x: unknown) => (x instanceof Opaque ? `<${x.code}>` : x)));
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

export function same(a: Value | undefined, b: Value | undefined): boolean {
  if (a instanceof Opaque || b instanceof Opaque) return a instanceof Opaque && b instanceof Opaque && a.code === b.code;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `a → b`, or `b (a new file)` when there was no file before. */
export function how(old: Value | undefined, now: Value | undefined, created: boolean): string {
  return created ? `${show(now)} (a new file)` : `${show(old)} → ${show(now)}`;
}

const known = (v: Value | undefined) => v !== undefined && !(v instanceof Opaque);

/**
 * A check that is on when true (`strict`, `require_changed_tests`): weakened when it was on (explicitly,
 * or by `dflt`) and is not now, or when a new file turns it off explicitly.
 */
export function staysOn(key: string, old: Value | undefined, now: Value | undefined, created: boolean, dflt = false): Change[] {
  if (!known(now) && now !== undefined) return [];
  if (created) return now === false ? [{ key, how: how(old, now, true) }] : [];
  const was = old === undefined ? dflt : old === true;
  const is = now === undefined ? dflt : now === true;
  return was && !is ? [{ key, how: how(old, now, false) }] : [];
}

/** A weakening when true (`skipLibCheck`, `passWithNoTests`): weakened when it becomes true. */
export function staysOff(key: string, old: Value | undefined, now: Value | undefined, created: boolean, dflt = false): Change[] {
  const was = old === undefined ? dflt : old === true;
  return now === true && (created || !was) ? [{ key, how: how(old, now, created) }] : [];
}

/** A minimum (coverage thresholds, Stryker's break): weakened when it drops or goes away. */
export function noLower(key: string, old: Value | undefined, now: Value | undefined): Change[] {
  if (typeof old !== 'number' || (now !== undefined && !known(now))) return [];
  return typeof now !== 'number' || now < old ? [{ key, how: how(old, now, false) }] : [];
}

/** A maximum (`max_file_lines`, retries): weakened when it rises, absent meaning `dflt`. */
export function noHigher(key: string, old: Value | undefined, now: Value | undefined, dflt: number, created: boolean): Change[] {
  const was = typeof old === 'number' ? old : dflt;
  if (now === undefined || typeof now !== 'number') return typeof old === 'number' && dflt > old ? [{ key, how: how(old, now, created) }] : [];
  return now > was ? [{ key, how: how(old, now, created) }] : [];
}

/** The items of a list, each as its text (an opaque item by its code); null when the value is no list. */
function items(v: Value | undefined): string[] | null {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : show(x))) : null;
}

/** A list whose items excuse something (`exclude`, `ignore`, `excludedMutations`): weakened when it gains one. */
export function noGain(key: string, old: Value | undefined, now: Value | undefined): Change[] {
  const was = items(old);
  const is = items(now);
  if (was === null || is === null) return same(old, now) ? [] : [{ key, how: `${show(old)} → ${show(now)} (cannot verify: not a list)` }];
  return is.filter((x) => !was.includes(x)).map((x) => ({ key, how: `gains ${JSON.stringify(x)}` }));
}

const EVERYTHING = new Set(['**', '**/*', './**', './**/*']);

/**
 * A list whose items are checked (`include`, `forbid`, `[scope.checks]`): weakened when it loses one.
 * `absentIsAll`: no list means everything (tsconfig `include`), so dropping the list loses nothing.
 */
export function noLoss(key: string, old: Value | undefined, now: Value | undefined, absentIsAll: boolean): Change[] {
  if (now === undefined && absentIsAll) return [];
  const was = items(old);
  const is = items(now);
  if (was === null || is === null) return same(old, now) ? [] : [{ key, how: `${show(old)} → ${show(now)} (cannot verify: not a list)` }];
  // Glob containment is undecidable in general; a list that now includes everything has lost nothing.
  if (is.some((x) => EVERYTHING.has(x))) return [];
  return was.filter((x) => !is.includes(x)).map((x) => ({ key, how: `loses ${JSON.stringify(x)}` }));
}

/** Every numeric leaf under a path (coverage thresholds, globs included), as dotted keys. */
export function leaves(v: Value | undefined, prefix: string): Map<string, Value> {
  const out = new Map<string, Value>();
  const walk = (x: Value | undefined, key: string) => {
    if (isObj(x)) for (const [k, y] of Object.entries(x)) walk(y, `${key}.${k}`);
    else if (x !== undefined) out.set(key, x);
  };
  walk(v, prefix);
  return out;
}

/**
 * Where a JS config's opaque parts differ: each a "cannot verify" change. Opaque parts are matched by
 * their path, array positions left out (a static entry inserted before them moves nothing), except
 * among an array's opaque items themselves, whose order matters (a later preset overrides an earlier one).
 */
export function opaqueChanges(sides: Sides): Change[] {
  const collect = (v: Value | undefined) => {
    const out = new Map<string, string[]>();
    const put = (k: string, code: string) => out.set(k, [...(out.get(k) ?? []), code]);
    const walk = (x: Value | undefined, key: string) => {
      if (x instanceof Opaque) put(key, x.code);
      else if (Array.isArray(x)) {
        let nth = 0;
        for (const y of x) {
          if (y instanceof Opaque) put(`${key}[${nth++}]`, y.code);
          else walk(y, `${key}[]`);
        }
      } else if (isObj(x)) for (const [k, y] of Object.entries(x)) walk(y, key === '' ? k : `${key}.${k}`);
    };
    walk(v, '');
    return out;
  };
  const was = collect(sides.old);
  const is = collect(sides.now);
  const changes: Change[] = [];
  for (const key of new Set([...was.keys(), ...is.keys()])) {
    const a = was.get(key) ?? [];
    const b = is.get(key) ?? [];
    if (a.join('\0') === b.join('\0')) continue;
    const shown = (codes: string[]) => (codes.length === 0 ? '(absent)' : clip(codes.join(', ')));
    changes.push({ key: key === '' ? '(the exported config)' : key, how: `${shown(a)} → ${shown(b)}: cannot verify (a JS config computes it)` });
  }
  return changes;
}
