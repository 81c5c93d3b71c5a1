/**
 * Lint configs for the tamper guard: ESLint (flat config, eslintrc, `eslint-suppressions.json`), oxlint
 * and Biome. Their rules are read into one table (which files → rule → setting) and compared by severity.
 */
import { Opaque } from '../../tools/js-config.js';
import { at, how, isObj, noGain, noLoss, same, show, staysOn, type Change, type Obj, type Sides, type Value } from './compare.js';

/** Which files (the config entry's `files`, '' for all) → rule → its setting. */
type RuleTable = Map<string, Map<string, Value>>;

/** 0 off, 1 warn (does not fail a lint), 2 error; null when it is not a severity. */
function severity(v: Value | undefined): number | null {
  const s = Array.isArray(v) ? v[0] : isObj(v) ? v.level : v;
  if (typeof s === 'number') return s === 0 || s === 1 || s === 2 ? s : null;
  if (typeof s === 'boolean') return s ? 1 : 0;
  const levels: Record<string, number> = { off: 0, allow: 0, none: 0, info: 1, warn: 1, warning: 1, on: 2, error: 2, deny: 2 };
  return typeof s === 'string' && Object.hasOwn(levels, s) ? levels[s]! : null;
}

/** A rule's options: its setting without the severity. */
function optionsOf(v: Value | undefined): string {
  if (Array.isArray(v)) return JSON.stringify(v.slice(1));
  if (isObj(v)) return JSON.stringify({ ...v, level: null });
  return '';
}

function ruleChange(key: string, old: Value | undefined, now: Value | undefined, created: boolean): Change[] {
  if (old instanceof Opaque || now instanceof Opaque) return []; // opaqueChanges reports it
  const was = severity(old);
  const is = severity(now);
  if (now === undefined) return was !== null && was > 0 ? [{ key, how: `${show(old)} → (absent)` }] : [];
  if (old === undefined) return is === null || is < 2 ? [{ key, how: `${how(old, now, created)}${is === null ? ' (cannot verify: not a severity)' : ''}` }] : [];
  if (was === null || is === null) return same(old, now) ? [] : [{ key, how: `${show(old)} → ${show(now)} (cannot verify: not a severity)` }];
  if (is < was) return [{ key, how: `${show(old)} → ${show(now)}` }];
  if (is > 0 && optionsOf(old) !== optionsOf(now)) return [{ key, how: `${show(old)} → ${show(now)} (options changed: cannot verify they are no weaker)` }];
  return [];
}

/** Every rule turned off, downgraded, removed or re-optioned; a new entry that is not an error overrides what earlier configs enable. */
function ruleChanges(sides: Sides<RuleTable>, created: boolean, label: (files: string, rule: string) => string): Change[] {
  const old = sides.old ?? new Map<string, Map<string, Value>>();
  const out: Change[] = [];
  for (const files of new Set([...old.keys(), ...sides.now.keys()])) {
    const a = old.get(files) ?? new Map<string, Value>();
    const b = sides.now.get(files) ?? new Map<string, Value>();
    for (const rule of new Set([...a.keys(), ...b.keys()])) out.push(...ruleChange(label(files, rule), a.get(rule), b.get(rule), created));
  }
  return out;
}

function addRules(table: RuleTable, files: string, rules: Value | undefined, prefix = ''): void {
  if (!isObj(rules)) return;
  const row = table.get(files) ?? new Map<string, Value>();
  for (const [rule, setting] of Object.entries(rules)) row.set(`${prefix}${rule}`, setting);
  table.set(files, row);
}

const filesKey = (v: Value | undefined) => (v === undefined ? '' : show(v));
const scoped = (files: string, key: string) => (files === '' ? key : `${key} (files ${files})`);
const each = <A, T>(sides: Sides<A>, f: (v: A) => T): Sides<T> => ({ old: sides.old === undefined ? undefined : f(sides.old), now: f(sides.now) });

interface FlatView {
  rules: RuleTable;
  /** Global `ignores` (an entry with nothing else), and each entry's own, by its files. */
  ignores: Map<string, Value[]>;
  options: Map<string, Value>;
}

function flatView(v: Value): FlatView {
  const view: FlatView = { rules: new Map(), ignores: new Map(), options: new Map() };
  for (const entry of Array.isArray(v) ? v : [v]) {
    if (!isObj(entry)) continue;
    const keys = Object.keys(entry).filter((k) => k !== 'name');
    const files = keys.length === 1 && keys[0] === 'ignores' ? '(global)' : filesKey(entry.files);
    const ign = entry.ignores;
    if (ign !== undefined) view.ignores.set(files, [...(view.ignores.get(files) ?? []), ...(Array.isArray(ign) ? ign : [ign])]);
    addRules(view.rules, files, entry.rules);
    const lo = entry.linterOptions;
    if (isObj(lo)) for (const k of ['noInlineConfig', 'reportUnusedDisableDirectives']) if (lo[k] !== undefined) view.options.set(scoped(files, `linterOptions.${k}`), lo[k]);
  }
  return view;
}

/** An ESLint flat config (`eslint.config.*`): rules, `ignores`, `linterOptions`. */
export function eslintFlatChanges(sides: Sides, created: boolean): Change[] {
  const v = each(sides, flatView);
  const out = ruleChanges(each(v, (x) => x.rules), created, (files, rule) => scoped(files, `rules.${rule}`));
  if (!created) {
    for (const files of new Set([...v.old!.ignores.keys(), ...v.now.ignores.keys()])) {
      out.push(...noGain(files === '(global)' ? 'ignores' : scoped(files, 'ignores'), v.old!.ignores.get(files), v.now.ignores.get(files)));
    }
  }
  for (const key of new Set([...(v.old?.options.keys() ?? []), ...v.now.options.keys()])) {
    const [a, b] = [v.old?.options.get(key), v.now.options.get(key)];
    out.push(...(key.includes('noInlineConfig') ? staysOn(key, a, b, created) : ruleChange(key, a, b, created)));
  }
  return out;
}

function eslintrcView(v: Value): RuleTable {
  const table: RuleTable = new Map();
  addRules(table, '', at(v, 'rules'));
  const overrides = at(v, 'overrides');
  if (Array.isArray(overrides)) for (const o of overrides) if (isObj(o)) addRules(table, filesKey(o.files), o.rules);
  return table;
}

/** A legacy eslintrc (`.eslintrc.json`, `.eslintrc.js`, package.json `eslintConfig`): rules, overrides, `ignorePatterns`, `extends`. */
export function eslintrcChanges(sides: Sides, created: boolean, prefix = ''): Change[] {
  const out = ruleChanges(each(sides, eslintrcView), created, (files, rule) => `${prefix}${scoped(files, `rules.${rule}`)}`);
  if (!created) {
    out.push(...noGain(`${prefix}ignorePatterns`, at(sides.old, 'ignorePatterns'), at(sides.now, 'ignorePatterns')));
    out.push(...noLoss(`${prefix}extends`, at(sides.old, 'extends'), at(sides.now, 'extends'), false));
  }
  out.push(...staysOn(`${prefix}noInlineConfig`, at(sides.old, 'noInlineConfig'), at(sides.now, 'noInlineConfig'), created));
  return out;
}

function oxlintView(v: Value): RuleTable {
  const table = eslintrcView(v);
  addRules(table, '', at(v, 'categories'), 'category:');
  return table;
}

/** `.oxlintrc.json[c]`: rules, categories, overrides, `ignorePatterns`. */
export function oxlintChanges(sides: Sides, created: boolean): Change[] {
  const label = (files: string, rule: string) => (rule.startsWith('category:') ? `categories.${rule.slice(9)}` : scoped(files, `rules.${rule}`));
  const out = ruleChanges(each(sides, oxlintView), created, label);
  if (!created) out.push(...noGain('ignorePatterns', at(sides.old, 'ignorePatterns'), at(sides.now, 'ignorePatterns')));
  return out;
}

function biomeRules(table: RuleTable, files: string, rules: Value | undefined): void {
  if (!isObj(rules)) return;
  const row = table.get(files) ?? new Map<string, Value>();
  for (const [group, set] of Object.entries(rules)) {
    if (typeof set === 'string') row.set(group, set);
    if (isObj(set)) for (const [rule, setting] of Object.entries(set)) if (rule !== 'recommended' && rule !== 'all') row.set(`${group}.${rule}`, setting);
  }
  table.set(files, row);
}

function biomeView(v: Value): { rules: RuleTable; flags: Map<string, Value | undefined> } {
  const rules: RuleTable = new Map();
  const flags = new Map<string, Value | undefined>([['linter.enabled', at(v, 'linter.enabled')]]);
  const addFlags = (prefix: string, r: Value | undefined) => {
    flags.set(`${prefix}recommended`, at(r, 'recommended'));
    if (isObj(r)) for (const [group, set] of Object.entries(r)) if (isObj(set)) flags.set(`${prefix}${group}.recommended`, set.recommended);
  };
  biomeRules(rules, '', at(v, 'linter.rules'));
  addFlags('linter.rules.', at(v, 'linter.rules'));
  const overrides = at(v, 'overrides');
  if (Array.isArray(overrides)) {
    for (const o of overrides) {
      if (!isObj(o)) continue;
      const files = filesKey(o.includes ?? o.include);
      biomeRules(rules, files, at(o, 'linter.rules'));
      addFlags(`overrides (files ${files}) linter.rules.`, at(o, 'linter.rules'));
    }
  }
  return { rules, flags };
}

/** Biome 2's `includes`: the negated globs ignore, the others select. */
function includesChanges(key: string, old: Value | undefined, now: Value | undefined): Change[] {
  const split = (v: Value | undefined, neg: boolean) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string' && x.startsWith('!') === neg) : undefined);
  return [...noGain(key, split(old, true), split(now, true)), ...noLoss(key, split(old, false), split(now, false), true)];
}

/** `biome.json[c]`: the linter on, recommended sets, rule levels, ignored and included files. */
export function biomeChanges(sides: Sides, created: boolean): Change[] {
  const v = each(sides, biomeView);
  const out = ruleChanges(each(v, (x) => x.rules), created, (files, rule) => scoped(files, `linter.rules.${rule}`));
  for (const key of new Set([...(v.old?.flags.keys() ?? []), ...v.now.flags.keys()])) out.push(...staysOn(key, v.old?.flags.get(key), v.now.flags.get(key), created, true));
  if (created) return out;
  const [o, n] = [sides.old, sides.now];
  for (const key of ['files.ignore', 'linter.ignore']) out.push(...noGain(key, at(o, key), at(n, key)));
  for (const key of ['files.include', 'linter.include']) out.push(...noLoss(key, at(o, key), at(n, key), true));
  for (const key of ['files.includes', 'linter.includes']) out.push(...includesChanges(key, at(o, key), at(n, key)));
  return out;
}

/** `eslint-suppressions.json` (`eslint --suppress-all`): every file × rule whose suppressed count grew. */
export function suppressionFileChanges(sides: Sides<Obj>): Change[] {
  // File paths and rule names hold dots: looked up directly, never as dotted paths.
  const count = (doc: Obj | undefined, file: string, rule: string) => {
    const rules = doc && Object.hasOwn(doc, file) ? doc[file] : undefined;
    const entry = isObj(rules) && Object.hasOwn(rules, rule) ? rules[rule] : undefined;
    const n = isObj(entry) ? entry.count : undefined;
    return typeof n === 'number' ? n : 0;
  };
  const out: Change[] = [];
  for (const [file, rules] of Object.entries(sides.now)) {
    if (!isObj(rules)) {
      out.push({ key: JSON.stringify(file), how: `${show(rules)} (cannot verify: not a table of rules)` });
      continue;
    }
    for (const [rule, entry] of Object.entries(rules)) {
      const [was, is] = [count(sides.old, file, rule), count(sides.now, file, rule)];
      if (!isObj(entry) || typeof entry.count !== 'number') out.push({ key: `${JSON.stringify(file)} ${rule}`, how: `${show(entry)} (cannot verify: no count)` });
      else if (is > was) out.push({ key: `${JSON.stringify(file)} ${rule}`, how: `suppressed ${was} → ${is}${sides.old === undefined ? ' (a new file)' : ''}` });
    }
  }
  return out;
}
