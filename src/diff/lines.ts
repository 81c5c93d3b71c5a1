import { readFileSync } from 'node:fs';
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
  binary: boolean;
}

type Side = { kind: ' ' | '-' | '+'; text: string; oldNo: number; newNo: number };

function withNext(rows: Side[], keep: '-' | '+'): DiffLine[] {
  const side = rows.filter((r) => r.kind === ' ' || r.kind === keep);
  return side.flatMap((r, i) => {
    if (r.kind !== keep) return [];
    const next = side.slice(i + 1).find((s) => s.text.trim() !== '');
    return [{ line: keep === '+' ? r.newNo : r.oldNo, text: r.text, next: next ? next.text : null }];
  });
}

/** Parse one file's section of a unified diff into added and removed lines. */
export function parseSection(path: string, section: string): FileDiff {
  const rows: Side[] = [];
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  for (const raw of section.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      oldNo = +hunk[1]!;
      newNo = +hunk[2]!;
      inHunk = true;
      rows.push({ kind: ' ', text: '', oldNo: -1, newNo: -1 }); // hunk boundary: no "next" across hunks
      continue;
    }
    if (!inHunk || raw === '' || raw.startsWith('\\')) continue;
    const kind = raw[0] as Side['kind'];
    if (kind !== ' ' && kind !== '-' && kind !== '+') continue;
    rows.push({ kind, text: raw.slice(1), oldNo, newNo });
    if (kind !== '+') oldNo++;
    if (kind !== '-') newNo++;
  }
  const cut = (lines: DiffLine[]) => lines.map((l) => (l.next === '' ? { ...l, next: null } : l));
  return { path, added: cut(withNext(rows, '+')), removed: cut(withNext(rows, '-')), binary: /^Binary files /m.test(section) };
}

function untracked(root: string, path: string): FileDiff {
  let buf: Buffer;
  try {
    buf = readFileSync(join(root, path));
  } catch {
    return { path, added: [], removed: [], binary: false };
  }
  if (buf.includes(0)) return { path, added: [], removed: [], binary: true };
  const lines = buf.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const rows: Side[] = lines.map((text, i) => ({ kind: '+', text, oldNo: 0, newNo: i + 1 }));
  return { path, added: withNext(rows, '+'), removed: [], binary: false };
}

/**
 * Added and removed lines per changed file, merge-base → work tree (staged, unstaged and untracked files).
 * Names come from `-z` output; the patch is split into per-file sections, which git emits in the same
 * order, so names that git quotes in patch headers (newlines, unicode) are never parsed from the patch.
 */
export async function diffLines(root: string, mergeBase: string, files: readonly string[]): Promise<Map<string, FileDiff>> {
  const git = new Git(root);
  const base = ['diff', '--no-renames', '--relative', '--no-ext-diff', '--no-color', '--no-textconv', mergeBase];
  const tracked = Git.splitZ(await git.raw([...base, '-z', '--name-only', '--']));
  const patch = await git.raw([...base, '-U3', '--']);
  const sections = patch.split(/^(?=diff --git )/m).filter((s) => s.startsWith('diff --git '));
  if (sections.length !== tracked.length) {
    throw new Error(`git diff listed ${tracked.length} files but its patch has ${sections.length} sections`);
  }
  const out = new Map<string, FileDiff>();
  const wanted = new Set(files);
  tracked.forEach((path, i) => {
    if (wanted.has(path)) out.set(path, parseSection(path, sections[i]!));
  });
  for (const path of files) if (!out.has(path)) out.set(path, untracked(root, path));
  return out;
}
