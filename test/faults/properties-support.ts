// Generators and naive reference implementations for properties.test.ts. The references are written
// differently from the code under test on purpose: fixpoint iteration instead of BFS, segment lists
// instead of string prefixes, so a shared mistake is unlikely.
import fc from 'fast-check';
import type { Config } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';

export type Edge = [from: string, to: string];
export interface Graph {
  names: string[];
  deps: Edge[];
  tests: Edge[];
  changed: string[];
}

/** Scope names, including ones that are prefixes of each other and ones with @ / . - _. */
const NAMES = ['core', 'math', 'a', 'ab', 'a-b', '@s/x', '@s/xy', 'x.y', 'vue', 'vue-compat', 'b_c', 'z1', 'q'];

function pairs(names: string[], lowerOnly: boolean): Edge[] {
  const out: Edge[] = [];
  names.forEach((from, i) => names.forEach((to, j) => (!lowerOnly || j < i) && out.push([from, to])));
  return out;
}

/** A DAG in `dependencies` (edges only towards earlier names of a random order) and any graph, cycles and self-loops included, in `test_dependencies`. */
export const graphArb: fc.Arbitrary<Graph> = fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: NAMES.length }).chain((names) =>
  fc.record({
    names: fc.constant(names),
    deps: fc.subarray(pairs(names, true)),
    tests: fc.subarray(pairs(names, false), { maxLength: Math.min(names.length ** 2, names.length * 2) }),
    changed: fc.subarray(names),
  }),
);

/** Any directed graph in `dependencies` (sparse enough that acyclic ones are common). */
export const withCycleArb: fc.Arbitrary<Graph> = fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 8 }).chain((names) =>
  fc.record({
    names: fc.constant(names),
    deps: fc.subarray(pairs(names, false), { maxLength: Math.min(names.length ** 2, names.length + 1) }),
    tests: fc.constant([]),
    changed: fc.constant([]),
  }),
);

function table(edges: Edge[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [from, to] of edges) (out[from] ??= []).push(to);
  return out;
}

/** The graph as a harness.toml would declare it, through the real validation. */
export function configFor(g: Graph): Config {
  const pathMap = Object.fromEntries(g.names.map((n) => [`packages/${n}/`, n]));
  return validateConfig({ scope: { path_map: pathMap, dependencies: table(g.deps), test_dependencies: table(g.tests) } }, null);
}

/** Reachability by fixpoint: 'reverse' = every scope with a path of edges into `start` (dependents). */
export function closure(start: Iterable<string>, edges: Edge[], direction: 'forward' | 'reverse'): string[] {
  const set = new Set(start);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [from, to] of edges) {
      const [have, add] = direction === 'reverse' ? [to, from] : [from, to];
      if (set.has(have) && !set.has(add)) {
        set.add(add);
        grew = true;
      }
    }
  }
  return [...set].sort();
}


export interface Entry {
  /** Directory as segments joined by '/'; '' = the repo root. */
  dir: string;
  scope: string;
}

/** Directory segments that collide on purpose: `a` vs `ab` vs `a-b`, spaces, unicode. */
const SEG = fc.constantFrom('a', 'ab', 'a-b', 'b', 'packages', 'x.y', 'é', 'a b');
const FILE = fc.constantFrom('a', 'ab', 'index.ts', 'a.test.ts', 'README.md');

/** How a user may spell a directory key: `d`, `d/`, `./d`, `./d/`, `d//`; the root as `.` or `./`. */
function spell(dir: string, form: number): string {
  if (dir === '') return form % 2 === 0 ? '.' : './';
  return [dir, `${dir}/`, `./${dir}`, `./${dir}/`, `${dir}//`][form % 5]!;
}

export const pathMapArb = fc
  .uniqueArray(fc.array(SEG, { maxLength: 4 }), { minLength: 1, maxLength: 8, selector: (d) => d.join('/') })
  .chain((dirs) =>
    fc.record({
      entries: fc.tuple(...dirs.map((d) => fc.record({ dir: fc.constant(d.join('/')), scope: fc.constantFrom('s1', 's2', 's3', 's4') }))),
      forms: fc.array(fc.nat(), { minLength: dirs.length, maxLength: dirs.length }),
      random: fc.array(fc.tuple(fc.array(SEG, { maxLength: 5 }), FILE), { maxLength: 20 }),
      derived: fc.array(fc.tuple(fc.nat(dirs.length - 1), fc.constantFrom('self', 'child', 'sibling', 'deep'), FILE)),
    }),
  )
  .map(({ entries, forms, random, derived }) => {
    const raw = Object.fromEntries(entries.map((e, i) => [spell(e.dir, forms[i]!), e.scope]));
    const join = (...parts: string[]) => parts.filter(Boolean).join('/');
    const paths = [
      ...random.map(([segs, file]) => join(...segs, file)),
      ...derived.map(([i, kind, file]) => {
        const d = entries[i]!.dir;
        if (kind === 'self') return d === '' ? file : d; // a path that is itself a mapped directory
        if (kind === 'child') return join(d, file);
        if (kind === 'sibling') return d === '' ? join(`${file}b`, file) : `${d}b/${file}`; // `packages/a` vs `packages/ab/x`
        return join(d, 'a', 'b', 'a', 'b', 'a', file);
      }),
    ];
    return { entries: entries as Entry[], raw, paths };
  });

const segs = (dir: string) => (dir === '' ? [] : dir.split('/'));
const within = (dir: string, path: string) => {
  const d = segs(dir);
  const p = path.split('/');
  return d.length <= p.length && d.every((s, i) => p[i] === s);
};

/** The owner by directory segments: the longest mapped directory containing the path (or equal to it). */
export function refOwner(entries: Entry[], path: string): string | null {
  let best: Entry | null = null;
  for (const e of entries) if (within(e.dir, path) && (best === null || segs(e.dir).length > segs(best.dir).length)) best = e;
  return best?.scope ?? null;
}

/** Other scopes' prefixes inside one of this scope's directories, normalised (`dir/`). */
export function refNested(entries: Entry[], scope: string): string[] {
  const own = entries.filter((e) => e.scope === scope);
  return entries.filter((e) => e.scope !== scope && own.some((o) => within(o.dir, e.dir))).map((e) => (e.dir === '' ? '' : `${e.dir}/`));
}
