import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneJson, writeAtomic } from '../util/atomic.js';
import { harnessDir } from '../util/harness-dir.js';
import type { Agent } from './protocols.js';

/** Blocks harness makes in a row on the same failure before it lets the agent stop (`--max-blocks`). */
export const DEFAULT_MAX_BLOCKS = 3;
/** State files kept per directory: one per agent session, the newest ones. */
const KEEP = 50;

export type Verdict = { kind: 'pass' } | { kind: 'block' } | { kind: 'release'; blocks: number };

interface State {
  signature: string;
  count: number;
}

/**
 * Where a session's repeat-guard state lives: `<repo>/.harness/hooks/`, or, when no repository is known
 * (a payload harness could not read), a directory of the system's temp dir.
 */
function stateDir(root: string | null): string | null {
  try {
    if (root) return harnessDir(root, 'hooks');
    const dir = join(tmpdir(), 'harness-hooks');
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return null;
  }
}

function stateFile(root: string | null, agent: Agent, session: string): string | null {
  const dir = stateDir(root);
  const key = createHash('sha256').update(session).digest('hex').slice(0, 16);
  return dir ? join(dir, `${agent}-${key}.json`) : null;
}

function read(file: string): State | null {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<State>;
    return typeof s.signature === 'string' && typeof s.count === 'number' ? { signature: s.signature, count: s.count } : null;
  } catch {
    return null; // none yet, or unreadable: the count starts again
  }
}

/**
 * The repeat guard, per agent session. `signature` is the identity of the failure (null: nothing to
 * block on). harness blocks while the failure changes between blocks; after `max` blocks in a row on the
 * same failure it lets the agent stop (`release`: repeating the same instruction helps no one) and
 * forgets the count, so the session's next stop on it (a new turn) is blocked again.
 */
export function repeatGuard(root: string | null, agent: Agent, session: string, signature: string | null, max: number): Verdict {
  const file = stateFile(root, agent, session);
  if (signature === null) {
    if (file) rmSync(file, { force: true });
    return { kind: 'pass' };
  }
  const before = file ? read(file) : null;
  const count = before?.signature === signature ? before.count + 1 : 1;
  if (count > max) {
    if (file) rmSync(file, { force: true });
    return { kind: 'release', blocks: max };
  }
  if (file) {
    try {
      writeAtomic(file, JSON.stringify({ signature, count }));
      pruneJson(join(file, '..'), KEEP);
    } catch {
      // no state, no cap: blocking stays correct, only the repeat cap is lost
    }
  }
  return { kind: 'block' };
}
