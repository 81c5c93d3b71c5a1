import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { HarnessError } from '../errors.js';
import type { Answer, Envelope, EnvelopeCheck } from '../envelope/build.js';
import { envelopeSchema } from '../envelope/schema.js';
import type { Finding, Status } from '../model.js';

/** Shard envelopes from files, or from stdin (`-`): one document, a JSON array, or one per line. */
function readShards(files: readonly string[], stdin: () => string): { name: string; env: unknown }[] {
  const out: { name: string; env: unknown }[] = [];
  for (const file of files) {
    const name = file === '-' ? 'stdin' : file;
    let text: string;
    try {
      text = file === '-' ? stdin() : readFileSync(file, 'utf8');
    } catch (e) {
      throw new HarnessError('usage', `${name}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'files');
    }
    let docs: unknown[];
    try {
      const one = JSON.parse(text) as unknown;
      docs = Array.isArray(one) ? one : [one];
    } catch {
      try {
        docs = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
      } catch {
        throw new HarnessError('usage', `${name}: not JSON (expected a harness envelope)`, 'files');
      }
    }
    docs.forEach((env, i) => out.push({ name: docs.length > 1 ? `${name}#${i + 1}` : name, env }));
  }
  return out;
}

/** Every shard valid, from one split (same command, count and digest), each index exactly once. */
function checkSplit(shards: { name: string; env: unknown }[]): Envelope[] {
  const validate = new Ajv({ strict: true }).compile(envelopeSchema);
  const envs = shards.map(({ name, env }) => {
    if (!validate(env)) throw new HarnessError('usage', `${name}: not a valid harness envelope (${validate.errors?.[0]?.instancePath || '/'} ${validate.errors?.[0]?.message ?? ''})`, 'files');
    const e = env as Envelope;
    if (e.result.error) throw new HarnessError('environment', `${name}: that shard could not run: ${e.result.error.message}`, 'files');
    if (!e.result.shard) throw new HarnessError('usage', `${name}: not a shard (run gate or mutate with --shard k/n)`, 'files');
    return e;
  });
  if (envs.length === 0) throw new HarnessError('usage', 'no shard envelopes given', 'files');
  const first = envs[0]!;
  const { count, digest } = first.result.shard!;
  for (const [i, e] of envs.entries()) {
    const s = e.result.shard!;
    if (e.command !== first.command) throw new HarnessError('usage', `${shards[i]!.name}: a ${e.command} shard among ${first.command} shards`, 'files');
    if (s.count !== count) throw new HarnessError('usage', `${shards[i]!.name}: shard of ${s.count}, the others of ${count}`, 'files');
    if (s.digest !== digest) throw new HarnessError('usage', `${shards[i]!.name}: digest ${s.digest}, the others ${digest}: the shards ran on different trees, configs or durations`, 'files');
  }
  const seen = new Map<number, number>();
  for (const [i, e] of envs.entries()) {
    const at = seen.get(e.result.shard!.index);
    if (at !== undefined) throw new HarnessError('usage', `shard ${e.result.shard!.index}/${count} given twice (${shards[at]!.name} and ${shards[i]!.name})`, 'files');
    seen.set(e.result.shard!.index, i);
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !seen.has(k));
  if (missing.length > 0) throw new HarnessError('usage', `shard(s) ${missing.map((k) => `${k}/${count}`).join(', ')} missing: a merge needs every part`, 'files');
  return [...envs].sort((a, b) => a.result.shard!.index - b.result.shard!.index);
}

const WORST: Status[] = ['error', 'fail', 'deferred', 'pass', 'skipped'];

/** One check from its parts (mutate's `mutation` is judged in every shard): the worst status, every detail once. */
function joinChecks(parts: readonly EnvelopeCheck[]): EnvelopeCheck {
  const status = WORST.find((s) => parts.some((p) => p.status === s))!;
  const details = [...new Set(parts.flatMap((p) => p.details))];
  const preexisting = parts.reduce((n, p) => n + (p.preexisting ?? 0), 0);
  return {
    ...parts[0]!,
    status,
    duration_ms: Math.max(...parts.map((p) => p.duration_ms)),
    details,
    omitted_details: parts.reduce((n, p) => n + p.omitted_details, 0),
    ...(preexisting > 0 ? { preexisting } : {}),
  };
}

/** `path:line:col message` back into a finding (the envelope holds details rendered; the github and sarif views want them structured). */
function findingOf(detail: string): Finding {
  const m = /^(.+?):(\d+):(\d+) (.*)$/s.exec(detail);
  return m ? { path: m[1]!, line: Number(m[2]), col: Number(m[3]), message: m[4]! } : { path: null, message: detail };
}

/**
 * `harness merge`: the shards of one `gate --shard` or `mutate --shard` split as one answer. Fails closed
 * (exit 2, the reason named) on a missing or repeated shard, a count or digest that differs, an
 * unreadable or invalid envelope, or a shard that could not run. `record`: the merged checks' durations
 * (they feed the next split).
 */
export function mergeShards(files: readonly string[], stdin: () => string, opts: { started: number; maxChecks: number; record: (checks: readonly EnvelopeCheck[]) => void }): Answer {
  const envs = checkSplit(readShards(files, stdin));
  const byId = new Map<string, EnvelopeCheck[]>();
  for (const c of envs.flatMap((e) => e.result.checks ?? [])) byId.set(c.id, [...(byId.get(c.id) ?? []), c]);
  const gate = envs[0]!.command === 'harness gate';
  const twice = [...byId].find(([, parts]) => parts.length > 1);
  if (gate && twice) throw new HarnessError('usage', `check ${twice[0]} is in more than one shard: the shards are not one split`, 'files');
  const order = (c: EnvelopeCheck) => WORST.indexOf(c.status);
  const all = [...byId.values()].map(joinChecks).sort((a, b) => order(a) - order(b) || (a.id < b.id ? -1 : 1));
  opts.record(all);
  // Bounded as every envelope is: failures first, the rest counted.
  const checks = all.slice(0, opts.maxChecks);
  const omitted = envs.reduce((n, e) => n + (e.result.summary?.omitted_checks ?? 0), 0) + all.length - checks.length;
  const count = (s: Status) => all.filter((c) => c.status === s).length;
  const sum = (k: 'total' | 'passed' | 'failed' | 'errors' | 'deferred' | 'skipped') => envs.reduce((n, e) => n + (e.result.summary?.[k] ?? 0), 0);
  // gate's shards hold disjoint checks: their counts add up; mutate's share `mutation`: count the joined ones.
  const summary = gate
    ? { total: sum('total'), passed: sum('passed'), failed: sum('failed'), errors: sum('errors'), deferred: sum('deferred'), skipped: sum('skipped'), omitted_checks: omitted }
    : { total: all.length, passed: count('pass'), failed: count('fail'), errors: count('error'), deferred: count('deferred'), skipped: count('skipped'), omitted_checks: omitted };
  const next = [...new Map(envs.flatMap((e) => e.next_actions).map((a) => [a.command, a])).values()];
  const envelope: Envelope = {
    schema_version: 1,
    ok: envs.every((e) => e.ok),
    command: envs[0]!.command,
    result: { scope: envs[0]!.result.scope, checks, summary, merged: { shards: envs.length } },
    next_actions: next,
    duration_ms: Math.round(performance.now() - opts.started),
  };
  return { envelope, findings: new Map(checks.map((c) => [c.id, c.details.map(findingOf)])) };
}
