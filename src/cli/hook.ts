import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { Git } from '../diff/git.js';
import { errorEnvelope, type Envelope } from '../envelope/build.js';
import { reasonOf, releaseNote, signatureOf } from '../hooks/adapters.js';
import { DEFAULT_MAX_BLOCKS, repeatGuard } from '../hooks/guard.js';
import { allow, block, CURSOR_LOOP_LIMIT, parsePayload, type Agent, type HookAnswer } from '../hooks/protocols.js';
import { checkVerb, type VerbOptions } from './verbs.js';

export interface HookOptions extends VerbOptions {
  maxBlocks?: number;
  loopLimit?: number;
}

/** The work tree's top directory containing `dir`, or null (not a directory, not in a repository). */
async function repoTop(dir: string): Promise<string | null> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return null;
  return (await new Git(dir).tryRaw(['rev-parse', '--show-toplevel']))?.trim() || null;
}

/** Block on `reason` unless the repeat guard says this same failure has been blocked on enough. */
function guarded(agent: Agent, root: string | null, session: string, signature: string | null, reason: string, max: number): HookAnswer {
  const verdict = repeatGuard(root, agent, session, signature, max);
  if (verdict.kind === 'block') return block(agent, reason);
  return allow(agent, verdict.kind === 'release' ? releaseNote(verdict.blocks, reason) : null);
}

async function loopEnvelope(cwd: string, opts: HookOptions, interrupt: AbortSignal, started: number): Promise<Envelope> {
  return checkVerb('loop', { ...opts, cwd }, interrupt, started).then(
    (a) => a.envelope,
    (e: unknown): Envelope => errorEnvelope('harness loop', { code: e instanceof HarnessError ? e.code : 'internal', message: (e as Error).message, key: null }, [], started),
  );
}

/**
 * `harness hook <agent>`: a stop hook. Reads the agent's hook JSON on stdin, runs `harness loop` in its
 * repository and answers in that agent's contract (not an envelope: the agent reads this output). It
 * fails closed: a payload it cannot use blocks with the reason, like a failing loop. The repeat guard
 * (per session, `--max-blocks`) alone decides when a failure that does not change stops being blocked on;
 * `stop_hook_active` does not. Cursor: a loop the user aborted or that errored is let stop, and no
 * follow-up is sent once `loop_count` has reached the loop limit.
 */
export async function hookVerb(agent: Agent, opts: HookOptions, stdin: string, interrupt: AbortSignal, started: number): Promise<HookAnswer> {
  const max = opts.maxBlocks ?? DEFAULT_MAX_BLOCKS;
  const parsed = parsePayload(agent, stdin);
  const unusable = `harness hook ${agent} could not verify the change:`;
  if (!parsed.ok) {
    // No payload directory: the hook's own working directory (agents run hooks in the project) keeps the count.
    const root = await repoTop(resolve(opts.cwd ?? '.'));
    return guarded(agent, root, 'unknown', `payload:${parsed.problem}`, `${unusable} ${parsed.problem}. Check the hook's configuration (harness init --agents ${agent} --check).`, max);
  }
  const p = parsed.payload;
  if (agent === 'cursor' && (p.status === 'aborted' || p.status === 'error')) return allow(agent); // the user stopped it, or it failed: no follow-up
  const limit = opts.loopLimit ?? CURSOR_LOOP_LIMIT;
  if (agent === 'cursor' && p.loopCount >= limit) return allow(agent, `harness: Cursor's loop limit (${limit} follow-ups) is reached; not sending another.`);
  const from = resolve(opts.cwd ?? p.dir);
  if (!existsSync(from)) {
    const root = await repoTop(resolve('.'));
    return guarded(agent, root, p.session, `missing:${from}`, `${unusable} the payload's directory ${from} does not exist.`, max);
  }
  // Agents report the session's current directory, often a package: verify the whole repository.
  const top = await repoTop(from);
  if (!top) return allow(agent); // not in a git repository: nothing harness can verify here
  const env = await loopEnvelope(top, opts, interrupt, started);
  return guarded(agent, top, p.session, signatureOf(env), reasonOf(env), max);
}
