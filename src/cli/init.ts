import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { validateConfig } from '../config/validate.js';
import type { Envelope } from '../envelope/build.js';
import type { NextAction } from '../model.js';
import type { Agent } from '../hooks/protocols.js';
import type { AgentFile } from '../init/agents.js';
import { commandPrefix, invocation, targetRoot, type GlobalOptions } from './verbs.js';

export interface InitOptions extends GlobalOptions {
  force?: boolean;
  dryRun?: boolean;
  agents?: Agent[];
  check?: boolean;
}

/** Is harness a dependency installed in this repository (so `npx` finds it from any directory in it)? */
function installedIn(root: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', 'harness', 'package.json'), 'utf8')) as { name?: string }).name === 'harness';
  } catch {
    return false;
  }
}

/**
 * How a hook command and AGENTS.md run harness: through npx when the repository has it installed
 * (`--no`: never download a package of that name instead), else as this process was run.
 */
function runners(root: string): { hook: string; doc: string } {
  if (installedIn(root)) return { hook: 'npx --no harness', doc: 'npx harness' };
  const self = invocation();
  return self === 'npx harness' ? { hook: 'npx --no harness', doc: self } : { hook: self, doc: self };
}

async function generated(root: string, path: string) {
  const { generate } = await import('../init/generate.js');
  const out = await generate(root);
  // The generated file must load exactly like a hand-written one.
  const { parse } = (await import('toml')).default;
  validateConfig(parse(out.text) as Record<string, unknown>, path);
  return out;
}

function nextOf(opts: InitOptions, prefix: string, agents: AgentFile[] | undefined): NextAction {
  const list = opts.agents ? ` --agents ${opts.agents.join(',')}` : '';
  const drift = (agents ?? []).filter((a) => a.status !== 'in_sync');
  if (opts.check) {
    return drift.length > 0
      ? { command: `${prefix} init${list}`, description: `Write the hook configs again: ${drift.map((a) => a.path).join(', ')} differ from what init writes.` }
      : { command: `${prefix} loop`, description: 'The hook configs and the AGENTS.md section are as init writes them.' };
  }
  if (opts.dryRun) return { command: `${prefix} init${list}`, description: 'Write this config.' };
  return { command: `${prefix} gate --only graph`, description: 'Check that the declared graph matches the imports (it should, untouched).' };
}

/**
 * `harness init`: harness.toml (refused over an existing one without --force, unless --agents, which
 * keeps it), and with `--agents` the agents' stop-hook configs and the AGENTS.md section, merged into
 * what is there. `--check` writes nothing and answers ok:false (exit 1) when any of those differs.
 */
export async function initVerb(opts: InitOptions, started: number): Promise<Envelope> {
  const root = targetRoot(opts);
  if (opts.check && !opts.agents) throw new HarnessError('usage', '--check compares the agents\' hook configs with what init writes: give --agents too', '--check');
  const path = opts.config ? resolve(opts.config) : join(root, 'harness.toml');
  const exists = existsSync(path);
  if (exists && !opts.force && !opts.dryRun && !opts.agents) {
    throw new HarnessError('usage', `${path} exists: pass --force to overwrite it (or --dry-run to see the new one)`, '--force');
  }
  const out = await generated(root, path);
  const writeToml = !opts.dryRun && !opts.check && (!exists || opts.force === true);
  if (writeToml) writeFileSync(path, out.text);
  let agents: AgentFile[] | undefined;
  if (opts.agents) {
    const { syncAgents } = await import('../init/agents.js');
    const run = runners(root);
    agents = syncAgents(root, opts.agents, run.hook, run.doc, !opts.dryRun && !opts.check);
  }
  const ok = !opts.check || (agents ?? []).every((a) => a.status === 'in_sync');
  const init = { path, written: writeToml, scopes: out.scopes, test_edges: out.testEdges, config: opts.dryRun ? out.text : null, ...(agents ? { agents } : {}) };
  return {
    schema_version: 1,
    ok,
    command: 'harness init',
    result: { init },
    next_actions: [nextOf(opts, commandPrefix(opts), agents)],
    duration_ms: Math.round(performance.now() - started),
  };
}
