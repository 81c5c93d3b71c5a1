import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { harnessDir, harnessPath } from '../util/harness-dir.js';

const KEEP_RUNS = 20;

function runId(): string {
  const iso = new Date().toISOString(); // 2026-11-21T05:13:00.123Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return `${stamp}-${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
}

/**
 * Create `.harness/runs/<id>/` and make git ignore all of `.harness/` through its own .gitignore, so the
 * harness never reports its logs as changes and never edits the user's ignore files. Old runs are pruned.
 */
export function createRunDir(root: string): { id: string; dir: string } {
  const id = runId();
  let dir: string;
  try {
    dir = harnessDir(root, 'runs', id);
  } catch (e) {
    throw new HarnessError('environment', `cannot write run logs under ${harnessPath(root)}: ${(e as Error).message}`);
  }
  const runsDir = harnessPath(root, 'runs');
  const runs = readdirSync(runsDir).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - KEEP_RUNS))) {
    rmSync(join(runsDir, old), { recursive: true, force: true });
  }
  return { id, dir };
}

/** A file name for a check id, unique within the run (`lint:@scope/a` → `lint-@scope-a`). */
export function fileStem(id: string, taken: Set<string>): string {
  const base = id.replace(/[^A-Za-z0-9@._-]+/g, '-');
  let stem = base;
  for (let i = 2; taken.has(stem); i++) stem = `${base}-${i}`;
  taken.add(stem);
  return stem;
}
