import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { Git } from '../diff/git.js';
import type { CheckResult, CheckVerb, Finding } from '../model.js';
import { mirrorModulesOf } from '../mutate/sandbox.js';
import { pruneJson, writeAtomic } from '../util/atomic.js';
import { harnessDir, harnessPath } from '../util/harness-dir.js';

/** Checks whose findings can be held by the line: static findings of the code as it is (DESIGN §4). */
export function holdable(id: string): boolean {
  return id.startsWith('lint:') || id.startsWith('typecheck:');
}

/** Whether this verb holds the line (`[loop] hold_the_line`, default on; `[gate] hold_the_line`, default off). */
export function holds(verb: CheckVerb, config: Config): boolean {
  return verb === 'loop' ? config.loop.hold_the_line : verb === 'gate' ? config.gate.hold_the_line : false;
}

/** The merge-base's tree, checked out once per run (a detached git worktree under .harness/), on the work tree's install. */
export class BaseTree {
  private dir: Promise<string> | null = null;

  constructor(
    private readonly root: string,
    private readonly mergeBase: string,
  ) {}

  get(): Promise<string> {
    this.dir ??= (async () => {
      const dir = harnessPath(this.root, 'base', `${this.mergeBase.slice(0, 12)}-${process.pid}`);
      harnessDir(this.root, 'base');
      const git = new Git(this.root);
      await git.raw(['worktree', 'add', '--detach', '--force', dir, this.mergeBase]);
      mirrorModulesOf(this.root, dir, Git.splitZ(await new Git(dir).raw(['ls-files', '-z'])));
      return dir;
    })();
    return this.dir;
  }

  /** Remove the worktree again (and git's record of it); a run that died leaves one `git worktree prune` clears. */
  async close(): Promise<void> {
    if (!this.dir) return;
    const dir = await this.dir.catch(() => null);
    if (!dir) return;
    rmSync(dir, { recursive: true, force: true });
    await new Git(this.root).tryRaw(['worktree', 'prune']);
  }
}

/**
 * A finding's identity across the change: file, rule, message, the text of its line (not its number)
 * and of the line above it — so the same line repeated under another heading (an old error fixed, the
 * same one written into a new function) is a new finding, and an old finding right below an edited line
 * counts as new too (fail closed).
 */
export function identities(root: string, findings: readonly Finding[]): string[] {
  const texts = new Map<string, string[]>();
  const lineOf = (path: string, line: number) => {
    if (!texts.has(path)) texts.set(path, existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8').split('\n') : []);
    return texts.get(path)![line - 1]?.trim() ?? '';
  };
  // A message naming a file names it under the tree it ran in: the same finding, whichever tree.
  return findings.map((f) => [f.path ?? '', f.rule ?? '', f.message.split(root).join('<root>'), ...(f.path && f.line ? [lineOf(f.path, f.line), lineOf(f.path, f.line - 1)] : [])].join('\0'));
}

function isLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The current result with the findings that exist at the merge-base too (`base`: their identities) taken
 * out and counted, as many times as they occur there: a fail whose every finding is old becomes a pass
 * with `preexisting`. `added`: `path:line` of every line the change added.
 */
export function subtract(root: string, now: CheckResult, base: readonly string[], added: ReadonlySet<string>): CheckResult {
  const left = new Map<string, number>();
  for (const id of base) left.set(id, (left.get(id) ?? 0) + 1);
  const fresh: Finding[] = [];
  const ids = identities(root, now.findings);
  for (const [i, f] of now.findings.entries()) {
    // Never held: a finding on a line the change added (fixing one copy and adding another is a new
    // finding), or in a linked file (what it reached at the merge-base cannot be known).
    const isNew = (f.path && f.line && added.has(`${f.path}:${f.line}`)) || (f.path && isLink(join(root, f.path)));
    const n = isNew ? 0 : (left.get(ids[i]!) ?? 0);
    if (n > 0) left.set(ids[i]!, n - 1);
    else fresh.push(f);
  }
  const preexisting = now.findings.length - fresh.length;
  if (preexisting === 0) return now;
  return { ...now, status: fresh.length > 0 ? 'fail' : 'pass', findings: fresh, preexisting };
}

/** Where a check's finding identities at a merge-base are kept: the base's tree never changes, so neither do they (for one config and install). */
export function baselineFile(root: string, mergeBase: string, checkId: string): string {
  const inputs = ['harness.toml', 'package.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock'].map((f) => (existsSync(join(root, f)) ? readFileSync(join(root, f)) : ''));
  const digest = createHash('sha256').update('identity v2\0').update(inputs.join('\0')).update(checkId).digest('hex').slice(0, 16);
  return join(harnessDir(root, 'baseline'), `${mergeBase.slice(0, 12)}-${digest}.json`);
}

export function readBaseline(file: string): string[] | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as string[];
  } catch {
    return null;
  }
}

/** Kept for the newest 64 (check, merge-base) pairs. */
export function writeBaseline(root: string, file: string, ids: readonly string[]): void {
  writeAtomic(file, JSON.stringify(ids));
  pruneJson(harnessPath(root, 'baseline'), 64);
}
