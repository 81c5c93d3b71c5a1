import { HarnessError } from '../errors.js';
import { CURSOR_LOOP_LIMIT, type Agent } from '../hooks/protocols.js';

/**
 * The stop-hook entries `harness init --agents` merges into each agent's project config, in the formats
 * those agents read today (late 2026): Claude Code `.claude/settings.json` and Codex `.codex/hooks.json`
 * (event → matcher groups → command hooks; Codex refuses a hooks.json with root keys other than
 * `description` and `hooks`), Cursor `.cursor/hooks.json` (`version: 1`, flat `stop` entries with
 * `loop_limit`), Gemini CLI `.gemini/settings.json` (`AfterAgent` groups; timeout in milliseconds).
 * A merge touches only harness's own entries (found by their command): every other hook and setting stays.
 */

/** `--budget` of the hook's loop, and the agents' hook timeouts around it (room to report and exit). */
export const HOOK_BUDGET_SECONDS = 120;
export const HOOK_TIMEOUT_SECONDS = 180;

type Json = Record<string, unknown>;

export interface HookConfig {
  /** Repository-relative path of the agent's config file. */
  path: string;
  agent: Agent;
  /** Merge harness's entries into the parsed file (changed in place), saying what changed. */
  merge(doc: Json, command: string, changes: string[]): void;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v));

/** Is this hook entry harness's stop hook for `agent` (however harness is invoked)? */
function ours(agent: Agent): (h: unknown) => boolean {
  const re = new RegExp(`harness(?:\\.js)?['"]?\\s+hook\\s+${agent}(?:\\s|$)`);
  return (h) => isObject(h) && typeof h.command === 'string' && re.test(h.command);
}

/** The object at doc[key], created when missing; anything else there is refused, never overwritten. */
function objectAt(doc: Json, key: string, path: string): Json {
  if (doc[key] === undefined) doc[key] = {};
  const v = doc[key];
  if (!isObject(v)) throw new HarnessError('usage', `${path}: "${key}" is not an object: fix it by hand (init merges into it, never over it)`, path);
  return v;
}

function arrayAt(doc: Json, key: string, path: string, where: string): unknown[] {
  if (doc[key] === undefined) doc[key] = [];
  const v = doc[key];
  if (!Array.isArray(v)) throw new HarnessError('usage', `${path}: ${where} is not an array: fix it by hand (init merges into it, never over it)`, path);
  return v;
}

/** harness's entry, with the keys a person added to it kept, and each key init changes said. */
function updated(existing: Json, entry: Json, where: string, changes: string[]): Json {
  for (const [k, v] of Object.entries(entry)) {
    if (JSON.stringify(existing[k]) !== JSON.stringify(v)) changes.push(`${where}: ${k} is ${show(existing[k])}, init writes ${JSON.stringify(v)}`);
  }
  return { ...existing, ...entry };
}

/**
 * In a list of hook entries, update the first of harness's and drop any further one. Returns whether
 * one was found.
 */
function upsertIn(list: unknown[], entry: Json, mine: (h: unknown) => boolean, where: string, changes: string[], found: boolean): boolean {
  for (let i = 0; i < list.length; i++) {
    if (!mine(list[i])) continue;
    if (found) {
      changes.push(`${where}[${i}]: a second harness hook (init removes it)`);
      list.splice(i--, 1);
      continue;
    }
    list[i] = updated(list[i] as Json, entry, `${where}[${i}]`, changes);
    found = true;
  }
  return found;
}

/** Claude Code, Codex and Gemini CLI: hooks.<event> is a list of groups, each with its own `hooks` list. */
function upsertGrouped(doc: Json, event: string, entry: Json, mine: (h: unknown) => boolean, path: string, changes: string[]): void {
  const groups = arrayAt(objectAt(doc, 'hooks', path), event, path, `hooks.${event}`);
  let found = false;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    if (!isObject(group) || !Array.isArray(group.hooks)) continue;
    const before = group.hooks.length;
    found = upsertIn(group.hooks, entry, mine, `hooks.${event}[${g}].hooks`, changes, found);
    if (before > 0 && group.hooks.length === 0) groups.splice(g--, 1); // it held only a duplicate of harness's hook
  }
  if (!found) {
    groups.push({ hooks: [entry] });
    changes.push(`hooks.${event}: no harness hook (init adds one)`);
  }
}

export function hookCommand(base: string, agent: Agent): string {
  return `${base} hook ${agent} --budget ${HOOK_BUDGET_SECONDS}${agent === 'cursor' ? ` --loop-limit ${CURSOR_LOOP_LIMIT}` : ''}`;
}

const claude: HookConfig = {
  path: '.claude/settings.json',
  agent: 'claude',
  merge(doc, command, changes) {
    // onFailure "block": a hook that crashes or times out keeps the agent working instead of letting it stop.
    const entry = { type: 'command', command, timeout: HOOK_TIMEOUT_SECONDS, onFailure: 'block' };
    for (const event of ['Stop', 'SubagentStop']) upsertGrouped(doc, event, entry, ours('claude'), this.path, changes);
  },
};

const codex: HookConfig = {
  path: '.codex/hooks.json',
  agent: 'codex',
  merge(doc, command, changes) {
    for (const key of Object.keys(doc)) {
      if (key === 'description' || key === 'hooks') continue;
      changes.push(`root key ${JSON.stringify(key)}: Codex refuses a hooks.json with root keys other than "description" and "hooks" (init removes it)`);
      delete doc[key];
    }
    const entry = { type: 'command', command, timeout: HOOK_TIMEOUT_SECONDS };
    for (const event of ['Stop', 'SubagentStop']) upsertGrouped(doc, event, entry, ours('codex'), this.path, changes);
  },
};

const cursor: HookConfig = {
  path: '.cursor/hooks.json',
  agent: 'cursor',
  merge(doc, command, changes) {
    if (doc.version === undefined) {
      doc.version = 1;
      changes.push('version: missing, init writes 1');
    }
    const list = arrayAt(objectAt(doc, 'hooks', this.path), 'stop', this.path, 'hooks.stop');
    const entry = { command, loop_limit: CURSOR_LOOP_LIMIT };
    if (!upsertIn(list, entry, ours('cursor'), 'hooks.stop', changes, false)) {
      list.push(entry);
      changes.push('hooks.stop: no harness hook (init adds one)');
    }
  },
};

const gemini: HookConfig = {
  path: '.gemini/settings.json',
  agent: 'gemini',
  merge(doc, command, changes) {
    const entry = { name: 'harness', type: 'command', command, timeout: HOOK_TIMEOUT_SECONDS * 1000, description: 'harness loop: keep working while the change fails its checks' };
    upsertGrouped(doc, 'AfterAgent', entry, ours('gemini'), this.path, changes);
  },
};

export const HOOK_CONFIGS: Record<Agent, HookConfig> = { claude, codex, cursor, gemini };

/** A config file's text as a JSON object, or null when there is none; anything else is refused. */
export function parseConfig(path: string, text: string | null): Json | null {
  if (text === null) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new HarnessError('usage', `${path} is not valid JSON (${(e as Error).message}): fix it by hand (init merges into it, never over it)`, path);
  }
  if (!isObject(doc)) throw new HarnessError('usage', `${path} is not a JSON object: fix it by hand (init merges into it, never over it)`, path);
  return doc;
}
