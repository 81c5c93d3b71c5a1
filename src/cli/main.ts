import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseShard } from '../plan/shard.js';
import type { Shard } from '../model.js';
import { HarnessError } from '../errors.js';
import { HARNESS_VERSION } from '../version.js';
import { errorEnvelope, plain, type Answer, type Envelope } from '../envelope/build.js';
import { VERBS, type CheckVerb } from '../model.js';
import { killAllGroups } from '../run/exec.js';
import { AGENTS, block, type Agent, type HookAnswer } from '../hooks/protocols.js';
import { DEFAULT_MAX_BLOCKS } from '../hooks/guard.js';
import { agentDetected, useColour } from './agent.js';
import { hookVerb } from './hook.js';
import { initVerb } from './init.js';
import { checkVerb, commandPrefix, mergeVerb, scopeVerb, type VerbOptions } from './verbs.js';

const VERSION = HARNESS_VERSION;

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError('expected a number of seconds in (0, 86400]');
  return n;
}

/** The hook payload on stdin (at most 1 MiB; hooks send a small JSON object). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('expected a whole number from 1 to 1000');
  return n;
}

function shardArg(value: string): Shard {
  const shard = parseShard(value);
  if (!shard) throw new InvalidArgumentError('expected k/n with 1 ≤ k ≤ n ≤ 1000 (this machine runs part k of n)');
  return shard;
}

function idList(value: string): string[] {
  const ids = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) throw new InvalidArgumentError('expected a comma-separated list of check ids');
  return ids;
}

function agentList(value: string): Agent[] {
  const names = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  const bad = names.filter((n) => !(AGENTS as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) throw new InvalidArgumentError(`expected a comma-separated list of ${AGENTS.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`);
  return names as Agent[];
}

type Format = 'json' | 'text' | 'github' | 'sarif';

/** The answer in the requested view; every view comes from the one envelope. */
async function render(answer: Answer, format: Format): Promise<string> {
  if (format === 'text') return (await import('../envelope/text.js')).renderText(answer.envelope, useColour(process.stdout));
  if (format === 'github') return (await import('../envelope/github.js')).renderGithub(answer, process.env.GITHUB_STEP_SUMMARY);
  if (format === 'sarif') return (await import('../envelope/sarif.js')).renderSarif(answer, VERSION);
  return `${JSON.stringify(answer.envelope)}\n`;
}

/**
 * How the CLI receives SIGINT/SIGTERM: `listen(handler)` routes them to handler, `listen(null)` stops.
 * bin/harness.js passes its relay, one listener kept for the whole life of the process: removing a
 * listener closes its libuv handle, and a signal that has arrived but is not yet dispatched to that
 * handle is dropped with it (the harness would run on, deaf to the SIGTERM). Direct callers get plain
 * process listeners.
 */
export type Listen = (handler: ((signal: NodeJS.Signals) => void) | null) => void;

function processListeners(): Listen {
  let current: ((signal: NodeJS.Signals) => void) | null = null;
  return (handler) => {
    if (current) for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, current);
    current = handler;
    if (handler) for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, handler);
  };
}

/** What one CLI call has decided so far: the verb it answers as, and its answer. */
interface Call {
  started: number;
  /** `harness <verb>`, known before parsing so a usage error in `harness loop --bad` answers as `harness loop`. */
  verb: string;
  format: Format;
  prefix: string;
  answer: Answer | null;
  /** Raw text for verbs that print something other than an envelope (schema, help). */
  raw: string | null;
  hook: HookAnswer | null;
  /** `harness hook <agent>`: the agent, whose protocol answers even an interrupted call. */
  hookAgent: Agent | null;
  interrupt: AbortController;
}

/** The global options of a verb's command, recorded on the call (format, next_actions prefix). */
function globals(call: Call, cmd: Command): VerbOptions {
  const o = cmd.optsWithGlobals() as VerbOptions & { format: Format };
  if (agentDetected() && !o.progress) o.progress = false;
  call.format = o.format;
  call.prefix = commandPrefix(o);
  return o;
}

/** loop, gate and mutate: the verbs that run checks. */
function addCheckVerbs(program: Command, call: Call): void {
  const runVerb = (name: CheckVerb) => async (_o: unknown, cmd: Command) => {
    call.verb = `harness ${name}`;
    call.answer = await checkVerb(name, globals(call, cmd), call.interrupt.signal, call.started);
  };
  program
    .command('loop')
    .description('after every edit: the checks of the changed scopes, under a time budget')
    .option('--budget <seconds>', 'time budget (default: [loop] budget_seconds, 180)', positiveSeconds)
    .option('--only <ids>', 'run exactly these checks (comma-separated ids)', idList)
    .option('--no-cache', 'run every check even when the same inputs passed before')
    .action(runVerb('loop'));
  program
    .command('gate')
    .description('in CI: every check of every scope, no budget')
    .option('--only <ids>', 'run exactly these checks (comma-separated ids)', idList)
    .option('--cache', 'reuse passing results whose inputs are unchanged (off by default in gate)')
    .option('--shard <k/n>', 'run part k of n of the checks (a CI matrix job); harness merge joins the parts', shardArg)
    .action(runVerb('gate'));
  program
    .command('mutate')
    .description('before a PR: mutate changed, test-executed lines; every mutant must be killed')
    .option('--max-mutants <n>', 'at most this many mutants (default: [mutate] max_mutants, 12)', positiveInt)
    .option('--mutant <ids>', 'run exactly these mutants (comma-separated ids, as printed for survivors)', idList)
    .option('--refactor', 'the change preserves behaviour: tests_fail_on_base is skipped')
    .option('--shard <k/n>', 'judge part k of n of the chosen mutants; harness merge joins the parts', shardArg)
    .action(runVerb('mutate'));
}

/** hook, init, scope and schema. */
function addOtherVerbs(program: Command, call: Call): void {
  const agents = AGENTS.join(', ');
  program
    .command('hook')
    .description(`stop hook for an agent (${agents}): loop, answered in the agent's contract`)
    .argument('<agent>', AGENTS.join(' | '))
    .option('--budget <seconds>', 'loop budget (default: [loop] budget_seconds)', positiveSeconds)
    .option('--max-blocks <n>', `let the agent stop after this many consecutive blocks on the same failure (default ${DEFAULT_MAX_BLOCKS})`, positiveInt)
    .option('--loop-limit <n>', "cursor: send no follow-up once the payload's loop_count reaches this (default 5, Cursor's loop_limit)", positiveInt)
    .action(async (agent: string, _o, cmd: Command) => {
      if (!(AGENTS as readonly string[]).includes(agent)) throw new HarnessError('usage', `hook: unknown agent "${agent}" (${agents})`, 'agent');
      call.verb = 'harness hook';
      call.hookAgent = agent as Agent;
      call.hook = await hookVerb(agent as Agent, globals(call, cmd), await readStdin(), call.interrupt.signal, call.started);
    });
  program
    .command('init')
    .description('once: write a harness.toml derived from the workspace; --agents also the stop-hook configs')
    .option('--force', 'overwrite an existing harness.toml')
    .option('--dry-run', 'print the config in the envelope instead of writing it')
    .option('--agents <list>', `also write (merge) these agents' stop-hook configs and an AGENTS.md section: ${AGENTS.join(',')}`, agentList)
    .option('--check', 'with --agents: write nothing, exit 1 when a hook config or the AGENTS.md section differs')
    .action(async (_o, cmd: Command) => {
      call.verb = 'harness init';
      call.answer = plain(await initVerb(globals(call, cmd), call.started));
    });
  program
    .command('merge')
    .description('CI: the shard envelopes of one gate/mutate --shard split as one answer (files, or - for stdin)')
    .argument('<files...>', 'shard envelopes (JSON files; - reads stdin)')
    .action(async (files: string[], _o, cmd: Command) => {
      call.verb = 'harness merge';
      const o = globals(call, cmd);
      const stdin = files.includes('-') ? await readStdin() : '';
      call.answer = await mergeVerb(files, o, () => stdin, call.started);
    });
  program
    .command('scope')
    .description('the scope resolution alone')
    .action(async (_o, cmd: Command) => {
      call.verb = 'harness scope';
      call.answer = plain(await scopeVerb(globals(call, cmd), call.started));
    });
  program
    .command('schema')
    .description("print the envelope's JSON Schema")
    .action(async () => {
      const { envelopeSchema } = await import('../envelope/schema.js');
      call.raw = `${JSON.stringify(envelopeSchema, null, 2)}\n`;
    });
}

function buildProgram(call: Call): Command {
  const program = new Command('harness')
    .description('Scoped verification for TypeScript repositories; every call answers with one JSON envelope.')
    .version(VERSION, '-V, --version')
    .option('--cwd <dir>', 'target repository root (default: current directory)')
    .option('--config <file>', 'config file (default: <cwd>/harness.toml)')
    .option('--base <ref>', 'base ref to diff against (default: config base, else origin/main, else main)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text', 'github', 'sarif']).default('json'))
    .option('--progress', 'progress on stderr even when it is not a TTY')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
  addCheckVerbs(program, call);
  addOtherVerbs(program, call);
  return program;
}

/** The envelope for an error that ended the call: a user's mistake (usage, config) or harness's own crash. */
function failureEnvelope(e: unknown, call: Call): Envelope {
  const info =
    e instanceof HarnessError
      ? { code: e.code, message: e.message, key: e.key }
      : e instanceof CommanderError
        ? { code: 'usage' as const, message: e.message.replace(/^error: /, ''), key: null }
        : { code: 'internal' as const, message: `internal error: ${(e as Error)?.stack ?? String(e)}`, key: null };
  const next =
    info.code === 'config'
      ? [{ command: `${call.prefix} scope`, description: `Fix ${info.key ?? 'the config'} and check it with this command.` }]
      : info.code === 'usage'
        ? [{ command: `${call.prefix} --help`, description: 'See the verbs and options.' }]
        : [];
  return errorEnvelope(call.verb, info, next, call.started);
}

/** Parse and run; resolves to the exit code, with the answer recorded on the call (null: print nothing). */
async function execute(program: Command, argv: string[], call: Call): Promise<number | null> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (!call.answer && !call.raw && !call.hook) call.raw = program.helpInformation();
    return call.interrupt.signal.aborted ? 2 : call.answer ? (call.answer.envelope.ok ? 0 : 1) : 0;
  } catch (caught) {
    let e = caught;
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version')) return null;
    if (e instanceof CommanderError && e.code === 'commander.help') {
      // No verb: the help goes to stderr for people, the envelope to stdout for agents.
      process.stderr.write(program.helpInformation());
      e = new HarnessError('usage', 'no verb given: use loop, mutate, gate, scope, init or schema');
    }
    call.answer = plain(failureEnvelope(e, call));
    return 2;
  }
}

/** The call in flight, and whether its answer was printed: what the process-level net needs. */
const net: { call: Call | null; printed: boolean } = { call: null, printed: false };

/**
 * The process-level net (bin/harness.js routes uncaught exceptions and unhandled rejections here): the
 * children are killed, and the internal-error envelope is the answer, unless one was printed already.
 * Returns the line to print, or null.
 */
export function crashAnswer(error: unknown): string | null {
  killAllGroups('SIGKILL');
  if (net.printed) return null;
  net.printed = true;
  const message = `internal error: ${(error as Error)?.stack ?? String(error)}`;
  const agent = net.call?.hookAgent;
  if (agent) {
    // A stop hook that crashed still blocks (bin/harness.js exits 2: Claude Code, Codex and Gemini CLI read stderr then).
    const reason = `harness hook ${agent} could not verify the change: ${message}`.slice(0, 600);
    process.stderr.write(`${reason}\n`);
    return block(agent, reason).stdout || null;
  }
  return `${JSON.stringify(errorEnvelope(net.call?.verb ?? 'harness', { code: 'internal', message, key: null }, [], net.call?.started ?? performance.now()))}\n`;
}

/** Write the answer (once: the net never prints a second one). */
function print(text: string): void {
  net.printed = true;
  process.stdout.write(text);
}

/** Run the CLI; resolves to the exit code. stdout gets exactly one document (DESIGN §1). */
export async function main(argv: string[], listen: Listen = processListeners()): Promise<number> {
  const named = argv.find((a) => (VERBS as readonly string[]).includes(a));
  const call: Call = { started: performance.now(), verb: `harness${named ? ` ${named}` : ''}`, format: 'json', prefix: commandPrefix({}), answer: null, raw: null, hook: null, hookAgent: null, interrupt: new AbortController() };
  net.call = call;
  let interruptedBy: NodeJS.Signals | null = null;
  listen((signal) => {
    interruptedBy = signal;
    call.interrupt.abort();
    killAllGroups('SIGTERM');
    setTimeout(() => killAllGroups('SIGKILL'), 1000).unref();
  });
  let code: number | null;
  try {
    code = await execute(buildProgram(call), argv, call);
  } finally {
    listen(null);
  }
  if (code === null) return 0;
  if (interruptedBy && call.hookAgent) {
    // A stop hook cut short (the agent's hook timeout) fails closed, in its agent's protocol.
    call.hook = block(call.hookAgent, `harness hook ${call.hookAgent} was interrupted by ${interruptedBy} before the loop finished: the change is not verified.`);
  } else if (interruptedBy) {
    // Whatever ran was cut short: the answer is "not verified", never a partial green.
    call.raw = null;
    call.answer = plain(errorEnvelope(call.verb, { code: 'environment', message: `interrupted by ${interruptedBy}`, key: null }, [], call.started));
  }
  if (call.hook) {
    print(call.hook.stdout);
    process.stderr.write(call.hook.stderr);
    return call.hook.code;
  }
  if (call.raw !== null) print(call.raw);
  else if (call.answer) print(await render(call.answer, call.format));
  return code;
}
