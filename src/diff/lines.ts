import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from './git.js';

export interface DiffLine {
  /** 1-based line number on its side (new side for added, old side for removed). */
  line: number;
  text: string;
  /** The next non-blank line on the same side, when the patch shows it: what a suppression applies to. */
  next: string | null;
}

export interface FileDiff {
  path: string;
  added: DiffLine[];
  removed: DiffLine[];
  /** The work-tree file no longer exists. */
  deleted: boolean;
}

type Row = { kind: ' ' | '-' | '+' | '@'; text: string; no: number };

/** Rows of one side, with each row's next non-blank row on that side (O(n), never across a hunk). */
function withNext(rows: Row[], keep: '-' | '+'): DiffLine[] {
  const side = rows.filter((r) => r.kind === ' ' || r.kind === keep || r.kind === '@');
  const out: DiffLine[] = [];
  let next: string | null = null;
  for (let i = side.length - 1; i >= 0; i--) {
    const r = side[i]!;
    if (r.kind === '@') {
      next = null;
      continue;
    }
    if (r.kind === keep) out.push({ line: r.no, text: r.text, next });
    if (r.text.trim() !== '') next = r.text;
  }
  return out.reverse();
}

/** Parse one file's section of a unified diff into added and removed lines. */
export function parseSection(section: string): { added: DiffLine[]; removed: DiffLine[]; binary: boolean } {
  const oldRows: Row[] = [];
  const newRows: Row[] = [];
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  for (const raw of section.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      oldNo = +hunk[1]!;
      newNo = +hunk[2]!;
      inHunk = true;
      oldRows.push({ kind: '@', text: '', no: 0 });
      newRows.push({ kind: '@', text: '', no: 0 });
      continue;
    }
    if (!inHunk || raw === '' || raw.startsWith('\\')) continue;
    const kind = raw[0];
    if (kind === ' ' || kind === '-') oldRows.push({ kind, text: raw.slice(1), no: oldNo++ });
    if (kind === ' ' || kind === '+') newRows.push({ kind, text: raw.slice(1), no: newNo++ });
  }
  return { added: withNext(newRows, '+'), removed: withNext(oldRows, '-'), binary: /^Binary files /m.test(section) };
}

/** Every line of a work-tree file as added (untracked files, and files git calls binary). */
function allAdded(root: string, path: string): FileDiff {
  let text: string;
  try {
    text = readFileSync(join(root, path), 'utf8');
  } catch {
    return { path, added: [], removed: [], deleted: true };
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const rows: Row[] = lines.map((t, i) => ({ kind: '+', text: t, no: i + 1 }));
  return { path, added: withNext(rows, '+'), removed: [], deleted: false };
}

/**
 * Added and removed lines per changed file, merge-base → work tree (staged, unstaged and untracked files).
 * Names come from `--raw -z` output; the patch is split into per-file sections, which git emits in the
 * same order (two for a type change), so names git quotes in patch headers are never parsed from it.
 * A file git treats as binary (a NUL byte, `-diff` in .gitattributes) is read whole, every line added:
 * a suppression cannot hide behind a binary verdict.
 */
export async function diffLines(root: string, mergeBase: string, files: readonly string[]): Promise<Map<string, FileDiff>> {
  const git = new Git(root);
  const base = ['diff', '--no-renames', '--relative', '--no-ext-diff', '--no-color', '--no-textconv', mergeBase];
  const raw = (await git.raw([...base, '--raw', '-z', '--'])).split('\0');
  const entries: { path: string; typeChange: boolean }[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) entries.push({ path: raw[i + 1]!, typeChange: / T$/.test(raw[i]!) });
  const patch = await git.raw([...base, '-U3', '--']);
  const sections = patch.split(/^(?=diff --git )/m).filter((s) => s.startsWith('diff --git '));
  const expected = entries.reduce((n, e) => n + (e.typeChange ? 2 : 1), 0);
  if (sections.length !== expected) throw new Error(`git diff listed ${expected} patch sections but wrote ${sections.length}`);
  const out = new Map<string, FileDiff>();
  const wanted = new Set(files);
  let s = 0;
  for (const e of entries) {
    const parts = sections.slice(s, s + (e.typeChange ? 2 : 1));
    s += parts.length;
    if (!wanted.has(e.path)) continue;
    const parsed = parts.map(parseSection);
    if (parsed.some((p) => p.binary)) {
      out.set(e.path, allAdded(root, e.path));
      continue;
    }
    const deleted = !existsSync(join(root, e.path));
    out.set(e.path, { path: e.path, added: parsed.flatMap((p) => p.added), removed: parsed.flatMap((p) => p.removed), deleted });
  }
  for (const path of files) if (!out.has(path)) out.set(path, allAdded(root, path));
  return out;
}
