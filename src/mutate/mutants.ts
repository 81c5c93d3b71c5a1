import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../tools/find.js';
import { instrument, type Span, type StrykerResult } from '../tools/stryker.js';

/** A mutant as harness reports it: 1-based lines and columns, end exclusive. */
export interface Candidate extends Span {
  id: string;
  mutator: string;
  original: string;
  replacement: string;
}

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

/** The id of the mutant a Stryker result is about (its file relative to `box`, where Stryker ran). */
export function resultId(box: string, r: Pick<StrykerResult, 'fileName' | 'location' | 'mutatorName' | 'replacement'>): string {
  const { start, end } = r.location;
  return mutantId({ file: repoPath(box, r.fileName), line: start.line, col: start.column, endLine: end.line, endCol: end.column, mutator: r.mutatorName, replacement: r.replacement });
}

/** Every mutant Stryker's own instrumenter would place wholly on the given lines of each file. */
export async function enumerate(root: string, lines: Map<string, number[]>): Promise<Candidate[]> {
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
    for (const m of await instrument(join(root, file), source, runs)) {
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
