import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope } from '../envelope/build.js';
import { harnessPath } from '../util/harness-dir.js';

export const AGENTS = ['claude', 'codex', 'cursor'] as const;
export type Agent = (typeof AGENTS)[number];

/** What a stop hook answers: the process's stdout, stderr and exit code, in the agent's own contract. */
export interface HookAnswer {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Payload {
  cwd?: string;
  workspace_roots?: string[];
  stop_hook_active?: boolean;
}

/** The repository the agent works in, from the payload (Claude/Codex `cwd`, Cursor `workspace_roots`). */
export function payloadRoot(p: Payload): string | undefined {
  return p.cwd ?? p.workspace_roots?.[0];
}

/** A short reason for the agent: the first failing check and its first detail, and what to run next. */
export function reasonOf(env: Envelope): string {
  if (env.result.error) return `harness could not verify the change (${env.result.error.code}): ${env.result.error.message}`.slice(0, 600);
  const bad = (env.result.checks ?? []).filter((c) => c.status === 'fail' || c.status === 'error');
  if (bad.length === 0) {
    const deferred = (env.result.checks ?? []).filter((c) => c.status === 'deferred').map((c) => c.id);
    return `harness loop ran out of budget: ${deferred.join(', ')} did not run. Run: ${env.next_actions[0]?.command ?? 'harness loop'}`.slice(0, 600);
  }
  const first = bad[0]!;
  const more = bad.length > 1 ? ` (+${bad.length - 1} more failing check(s): ${bad.slice(1).map((c) => c.id).join(', ')})` : '';
  const next = env.next_actions[0] ? ` Then run: ${env.next_actions[0].command}` : '';
  return `harness loop failed: ${first.id}: ${first.details[0] ?? first.status}${more}.${next}`.slice(0, 600);
}

/**
 * Consecutive blocks on the same failure, kept under .harness/hooks/. After `max` blocks in a row for an
 * unchanged failure the hook lets the agent stop: repeating the same instruction forever helps no one.
 */
export function guard(root: string, agent: Agent, signature: string | null, max: number): boolean {
  const dir = harnessPath(root, 'hooks');
  const file = join(dir, `${agent}.json`);
  let state = { signature: '', count: 0 };
  try {
    if (existsSync(file)) state = JSON.parse(readFileSync(file, 'utf8')) as typeof state;
  } catch {
    // an unreadable state file starts the count again
  }
  const count = signature === null ? 0 : state.signature === signature ? state.count + 1 : 1;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify({ signature: signature ?? '', count }));
  } catch {
    // no state, no guard: blocking stays correct, only the repeat cap is lost
  }
  return signature !== null && count <= max;
}

/** The identity of a failure for the repeat guard: which checks fail and their first findings. */
export function signatureOf(env: Envelope): string | null {
  // Deferred checks did not run: stopping now would leave the change unverified.
  if (env.ok && (env.result.summary?.deferred ?? 0) === 0) return null;
  if (env.result.error) return `error:${env.result.error.message}`;
  return (env.result.checks ?? [])
    .filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'deferred')
    .map((c) => `${c.id}:${c.details[0] ?? ''}`)
    .join('\n');
}

/** Map a verdict to each agent's stop-hook contract. */
export function answer(agent: Agent, block: string | null): HookAnswer {
  if (agent === 'claude') return block ? { stdout: '', stderr: `${block}\n`, code: 2 } : { stdout: '', stderr: '', code: 0 };
  if (agent === 'codex') return { stdout: block ? `${JSON.stringify({ decision: 'block', reason: block })}\n` : '', stderr: '', code: 0 };
  return { stdout: `${JSON.stringify(block ? { followup_message: block } : {})}\n`, stderr: '', code: 0 };
}
