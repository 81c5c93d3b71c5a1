import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A mutant as harness reports it: 1-based lines and columns, end exclusive. */
export interface Candidate {
  id: string;
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  mutator: string;
  original: string;
  replacement: string;
}

interface InstrumenterMutant {
  mutatorName: string;
  replacement: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

const quiet = new Proxy({}, { get: (_t, key) => (String(key).startsWith('is') ? () => false : () => undefined) });

/** The source text a location spans (1-based lines and columns, end exclusive). */
export function textAt(source: string, c: Pick<Candidate, 'line' | 'col' | 'endLine' | 'endCol'>): string {
  const lines = source.split('\n');
  if (c.line === c.endLine) return lines[c.line - 1]!.slice(c.col - 1, c.endCol - 1);
  return [lines[c.line - 1]!.slice(c.col - 1), ...lines.slice(c.line, c.endLine - 1), lines[c.endLine - 1]!.slice(0, c.endCol - 1)].join('\n');
}

/** Stable identity of a mutant: the same diff yields the same ids, run after run. */
export function mutantId(c: Omit<Candidate, 'id' | 'original'>): string {
  const key = [c.file, c.line, c.col, c.endLine, c.endCol, c.mutator, c.replacement].join('\0');
  return `m-${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

/**
 * Every mutant Stryker's own instrumenter would place wholly on the given lines of each file
 * (the instrumenter is loaded only here, for `harness mutate`).
 */
export async function enumerate(root: string, lines: Map<string, number[]>): Promise<Candidate[]> {
  const require = createRequire(import.meta.url);
  const { Instrumenter } = (await import(require.resolve('@stryker-mutator/instrumenter'))) as {
    Instrumenter: new (logger: unknown) => { instrument(files: unknown[], options: unknown): Promise<{ mutants: InstrumenterMutant[] }> };
  };
  const out: Candidate[] = [];
  for (const [file, wanted] of [...lines].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const source = readFileSync(join(root, file), 'utf8');
    // Runs of consecutive lines form one range, so a mutant spanning them (a new function body) counts.
    const runs: [number, number][] = [];
    for (const l of [...wanted].sort((a, b) => a - b)) {
      const last = runs.at(-1);
      if (last && l === last[1] + 1) last[1] = l;
      else runs.push([l, l]);
    }
    const ranges = runs.map(([a, b]) => ({ start: { line: a - 1, column: 0 }, end: { line: b - 1, column: Number.MAX_SAFE_INTEGER } }));
    const { mutants } = await new Instrumenter(quiet).instrument([{ name: join(root, file), content: source, mutate: ranges }], {
      plugins: null,
      excludedMutations: [],
      ignorers: [],
    });
    for (const m of mutants) {
      const loc = { line: m.location.start.line + 1, col: m.location.start.column + 1, endLine: m.location.end.line + 1, endCol: m.location.end.column + 1 };
      const base = { file, ...loc, mutator: m.mutatorName, replacement: m.replacement };
      out.push({ ...base, id: mutantId(base), original: textAt(source, loc) });
    }
  }
  return out;
}

/**
 * At most `max` mutants, deterministically, with breadth: round-robin over files, within a file over
 * lines, within a line over mutator kinds — so 12 mutants of a 4-file diff cover all 4 files.
 */
export function select(candidates: readonly Candidate[], max: number): Candidate[] {
  const order = (a: Candidate, b: Candidate) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col || (a.mutator < b.mutator ? -1 : a.mutator > b.mutator ? 1 : 0) || (a.id < b.id ? -1 : 1);
  const byFile = new Map<string, Map<number, Candidate[]>>();
  for (const c of [...candidates].sort(order)) {
    const lines = byFile.get(c.file) ?? byFile.set(c.file, new Map()).get(c.file)!;
    (lines.get(c.line) ?? lines.set(c.line, []).get(c.line)!).push(c);
  }
  // Per line, spread over mutator kinds first: the first of each kind, then the second of each, …
  const perFile = [...byFile.values()].map((lines) => {
    const queues = [...lines.values()].map((list) => {
      const kinds = new Map<string, Candidate[]>();
      for (const c of list) (kinds.get(c.mutator) ?? kinds.set(c.mutator, []).get(c.mutator)!).push(c);
      return roundRobin([...kinds.values()]);
    });
    return roundRobin(queues);
  });
  return roundRobin(perFile).slice(0, max);
}

function roundRobin<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}
