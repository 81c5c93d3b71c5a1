import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { DEFAULT_MAX_BLOCKS } from '../hooks/guard.js';
import type { Agent } from '../hooks/protocols.js';
import { writeAtomic } from '../util/atomic.js';
import { HOOK_CONFIGS, hookCommand, parseConfig } from './hook-configs.js';

/** One file `harness init --agents` manages, compared with what is on disk. */
export interface AgentFile {
  /** Repository-relative. */
  path: string;
  /** missing: no such file; drift: it differs from what init writes (`changes` says how); in_sync: nothing to do. */
  status: 'missing' | 'drift' | 'in_sync';
  written: boolean;
  changes: string[];
}

interface Planned {
  path: string;
  text: string | null;
  next: string;
  changes: string[];
}

const START = '<!-- harness:start: written by `harness init --agents`; running it again replaces this section -->';
const END = '<!-- harness:end -->';

/** The AGENTS.md section (markers included): how an agent works with harness, and what the stop hook does. */
export function agentsSection(run: string): string {
  return [
    START,
    '## Verification (harness)',
    '',
    `- After every edit: \`${run} loop\`. Act on \`ok\`, \`result.checks[].details\` (\`path:line:col message\`)`,
    '  and run the command in `next_actions`; `deferred` checks still need running before you finish.',
    `- Before a PR: \`${run} mutate\` (every mutant of your changed lines must be killed), then \`${run} gate\`.`,
    '- Never silence a check (`@ts-ignore`, `eslint-disable`, `.skip`): fix the cause.',
    '- When you stop, a stop hook runs `harness loop`: while it fails you are sent back with its first failure.',
    `  Fix that failure; after ${DEFAULT_MAX_BLOCKS} blocks on the same one harness lets you stop, but the change is still failing.`,
    END,
  ].join('\n');
}

function readText(abs: string): string | null {
  return existsSync(abs) ? readFileSync(abs, 'utf8') : null;
}

/** AGENTS.md with harness's section: replaced in place between its markers, else appended. */
function planAgentsMd(root: string, run: string): Planned {
  const path = 'AGENTS.md';
  const text = readText(join(root, path));
  const body = agentsSection(run);
  if (text === null) return { path, text, next: `${body}\n`, changes: ['AGENTS.md: missing (init creates it with the harness section)'] };
  const start = text.indexOf('<!-- harness:start');
  const end = text.indexOf(END, Math.max(start, 0));
  if (start < 0) {
    const sep = text === '' ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    return { path, text, next: `${text}${sep}${body}\n`, changes: ['AGENTS.md: no harness section (init appends one)'] };
  }
  if (end < 0) throw new HarnessError('usage', `${path}: "<!-- harness:start" has no "${END}" after it: fix the markers by hand`, path);
  const next = text.slice(0, start) + body + text.slice(end + END.length);
  return { path, text, next, changes: next === text ? [] : ['AGENTS.md: the harness section differs from what init writes (init replaces it in place)'] };
}

function planHookConfig(root: string, agent: Agent, base: string): Planned {
  const config = HOOK_CONFIGS[agent];
  const text = readText(join(root, config.path));
  const doc = parseConfig(config.path, text) ?? {};
  const changes: string[] = [];
  config.merge(doc, hookCommand(base, agent), changes);
  const described = text === null ? [`${config.path}: missing (init creates it)`] : changes.map((c) => `${config.path}: ${c}`);
  return { path: config.path, text, next: `${JSON.stringify(doc, null, 2)}\n`, changes: described };
}

/**
 * The stop-hook configs of `agents` and the AGENTS.md section, merged into what the repository has.
 * `base` runs harness in a hook command (`npx --no harness`), `run` in the AGENTS.md text. `write`:
 * write what differs (a file that already matches is left as it is, byte for byte); otherwise only
 * compare (`--check`, `--dry-run`).
 */
export function syncAgents(root: string, agents: readonly Agent[], base: string, run: string, write: boolean): AgentFile[] {
  const planned = [...agents.map((a) => planHookConfig(root, a, base)), planAgentsMd(root, run)];
  return planned.map((p) => {
    const status = p.text === null ? 'missing' : p.changes.length > 0 ? 'drift' : 'in_sync';
    const written = write && status !== 'in_sync';
    if (written) writeAtomic(join(root, p.path), p.next);
    return { path: p.path, status, written, changes: p.changes };
  });
}
