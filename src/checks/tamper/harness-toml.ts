/**
 * harness.toml for the tamper guard: harness's own checks disabled or narrowed. Compared as parsed TOML
 * (absent keys at their defaults), so a setting is judged by what it does, not by how it is written.
 */
import { DEFAULT_TEST_GLOBS, DEFAULTS, SCOPE_CHECKS } from '../../config/types.js';
import { COMMAND_VERBS } from '../../model.js';
import { at, isObj, noGain, noHigher, noLoss, noLower, same, show, staysOff, staysOn, type Change, type Obj, type Sides, type Value } from './compare.js';

const tables = (v: Value | undefined): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const scopesOf = (c: Obj): Value[] => (Array.isArray(c.scopes) ? c.scopes : []);

/** `[scope.checks]`: a scope that loses a check, or gets a list where it ran every check it has. */
function scopeChecks(old: Value | undefined, now: Value | undefined): Change[] {
  const [a, b] = [isObj(old) ? old : {}, isObj(now) ? now : {}];
  const out: Change[] = [];
  for (const scope of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const key = `scope.checks.${scope}`;
    if (Object.hasOwn(a, scope)) out.push(...noLoss(key, a[scope], b[scope], true));
    else if (Array.isArray(b[scope]) && SCOPE_CHECKS.some((c) => !(b[scope] as Value[]).includes(c))) {
      out.push({ key, how: `(absent: every check the scope has) → ${show(b[scope])}` });
    }
  }
  return out;
}

/** `[[boundaries.rules]]`: every forbidden module and string of a scope that is no longer forbidden. */
function boundaryRules(old: Value | undefined, now: Value | undefined): Change[] {
  const byScope = (v: Value | undefined, key: string) => {
    const out = new Map<string, Value[]>();
    for (const r of tables(v)) out.set(String(r.scope), [...(out.get(String(r.scope)) ?? []), ...(Array.isArray(r[key]) ? r[key] : [])]);
    return out;
  };
  return ['forbid', 'forbid_strings'].flatMap((key) => {
    const [a, b] = [byScope(old, key), byScope(now, key)];
    return [...a.keys()].flatMap((scope) => noLoss(`boundaries.rules[scope = ${JSON.stringify(scope)}].${key}`, a.get(scope), b.get(scope) ?? [], false));
  });
}

/** `[[checks.command]]`: a command removed, run under fewer verbs or for fewer scopes, or running something else. */
function commands(old: Value | undefined, now: Value | undefined): Change[] {
  const byId = (v: Value | undefined) => new Map(tables(v).map((c) => [String(c.id), c]));
  const [a, b] = [byId(old), byId(now)];
  const out: Change[] = [];
  for (const [id, was] of a) {
    const key = `checks.command[id = ${JSON.stringify(id)}]`;
    const is = b.get(id);
    if (!is) {
      out.push({ key, how: 'removed' });
      continue;
    }
    out.push(...noLoss(`${key}.verbs`, was.verbs ?? [...COMMAND_VERBS], is.verbs ?? [...COMMAND_VERBS], false));
    // No scopes: it runs for every scope; a list: only when one of them is checked.
    const [ws, ns] = [scopesOf(was), scopesOf(is)];
    if (ws.length === 0 && ns.length > 0) out.push({ key: `${key}.scopes`, how: `(every scope) → ${show(ns)}` });
    else if (ns.length > 0) out.push(...noLoss(`${key}.scopes`, ws, ns, false));
    if (!same(was.run, is.run)) out.push({ key: `${key}.run`, how: `${show(was.run)} → ${show(is.run)}: cannot verify (another program)` });
  }
  return out;
}

/** A list that, when absent, means "all of them" (`[test] projects`, `[typecheck] tsconfigs`): set or narrowed. */
function selection(key: string, old: Value | undefined, now: Value | undefined): Change[] {
  if (now === undefined) return [];
  return old === undefined ? [{ key, how: `(absent: all of them) → ${show(now)}` }] : noLoss(key, old, now, false);
}

/** `[[mutate.accept]]` entries added: reported (each carries a reason for a reviewer), not failing. */
function accepted(old: Value | undefined, now: Value | undefined): Change[] {
  const ids = new Set(tables(old).map((m) => String(m.id)));
  return tables(now)
    .filter((m) => !ids.has(String(m.id)))
    .map((m) => ({ key: `mutate.accept[id = ${JSON.stringify(m.id)}]`, how: `added, reason ${show(m.reason)} (noted, not failing: a reviewer reads the reason)`, note: true }));
}

/** harness.toml, merge-base → now (a new harness.toml is compared with the defaults). */
export function harnessChanges(sides: Sides, created: boolean): Change[] {
  const [o, n] = [sides.old ?? {}, sides.now];
  const k = (key: string): [string, Value | undefined, Value | undefined] => [key, at(o, key), at(n, key)];
  const out: Change[] = [
    ...staysOn(...k('mutate.require_changed_tests'), created, true),
    ...noHigher(...k('limits.max_file_lines'), DEFAULTS.max_file_lines, created),
    ...staysOff(...k('gate.hold_the_line'), created),
    ...noLower('mutate.max_mutants', at(o, 'mutate.max_mutants') ?? 12, at(n, 'mutate.max_mutants') ?? 12),
    ...accepted(at(o, 'mutate.accept'), at(n, 'mutate.accept')),
  ];
  if (created) return out;
  return [
    ...out,
    ...noGain(...k('scope.ignore')),
    ...noGain('scope.test_globs', at(o, 'scope.test_globs') ?? DEFAULT_TEST_GLOBS, at(n, 'scope.test_globs') ?? DEFAULT_TEST_GLOBS),
    ...scopeChecks(at(o, 'scope.checks'), at(n, 'scope.checks')),
    ...boundaryRules(at(o, 'boundaries.rules'), at(n, 'boundaries.rules')),
    ...commands(at(o, 'checks.command'), at(n, 'checks.command')),
    ...noLoss(...k('suppressions.patterns'), false),
    ...selection(...k('test.projects')),
    ...selection(...k('typecheck.tsconfigs')),
  ];
}
