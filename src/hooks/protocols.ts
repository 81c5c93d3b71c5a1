/**
 * The stop-hook protocols of the agents harness answers: what each sends on stdin, and how each is told
 * "keep working" (a block) or "you may stop". Every function here is pure: the CLI reads stdin, runs the
 * loop and prints what these return.
 */

export const AGENTS = ['claude', 'codex', 'cursor', 'gemini'] as const;
export type Agent = (typeof AGENTS)[number];

/** The hook events each agent fires harness on (the names `harness init --agents` writes). */
export const EVENTS: Record<Agent, readonly string[]> = {
  claude: ['Stop', 'SubagentStop'],
  codex: ['Stop', 'SubagentStop'],
  cursor: ['stop'],
  gemini: ['AfterAgent'],
};

/** Cursor's own default `loop_limit` (follow-ups per conversation): `--loop-limit`'s default, and what init writes. */
export const CURSOR_LOOP_LIMIT = 5;

/** What a stop hook answers: the process's stdout, stderr and exit code, in the agent's own contract. */
export interface HookAnswer {
  stdout: string;
  stderr: string;
  code: number;
}

/** What harness reads from a payload. */
export interface Payload {
  /** The directory the agent works in (Claude/Codex/Gemini `cwd`, Cursor `workspace_roots[0]`). */
  dir: string;
  /** Whose repeat guard this is: the session (Cursor: the conversation), and a subagent's id after `/`. */
  session: string;
  event: string;
  /** Cursor: how the agent loop ended (`completed`, `aborted`, `error`). */
  status: string | null;
  /** Cursor: how many follow-ups it has sent in this conversation. */
  loopCount: number;
}

export type Parsed = { ok: true; payload: Payload } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The directory of the payload, or what is wrong with it. */
function dirOf(agent: Agent, p: Record<string, unknown>): string | { problem: string } {
  if (agent === 'cursor') {
    const roots = p.workspace_roots;
    const first = Array.isArray(roots) ? text(roots[0]) : null;
    if (first) return first;
    return text(p.cwd) ?? { problem: 'the payload has no "workspace_roots" (a non-empty array of directories)' };
  }
  return text(p.cwd) ?? { problem: 'the payload has no "cwd" (a non-empty string)' };
}

/** Read and validate a hook payload; a payload harness cannot use is a problem in words, never a guess. */
export function parsePayload(agent: Agent, stdin: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(stdin);
  } catch {
    return { ok: false, problem: stdin.trim() === '' ? 'the hook payload on stdin is empty' : 'the hook payload on stdin is not JSON (or is over 1 MiB)' };
  }
  if (!isObject(raw)) return { ok: false, problem: 'the hook payload on stdin is not a JSON object' };
  const event = raw.hook_event_name === undefined ? EVENTS[agent][0]! : raw.hook_event_name;
  if (typeof event !== 'string' || !EVENTS[agent].includes(event)) {
    return { ok: false, problem: `the payload is for the event ${JSON.stringify(event)}: harness hook ${agent} answers ${EVENTS[agent].join(' and ')} only` };
  }
  const dir = dirOf(agent, raw);
  if (typeof dir !== 'string') return { ok: false, problem: dir.problem };
  const id = text(agent === 'cursor' ? raw.conversation_id : raw.session_id) ?? 'unknown';
  const sub = text(raw.agent_id);
  const loops = raw.loop_count;
  return {
    ok: true,
    payload: {
      dir,
      session: sub ? `${id}/${sub}` : id,
      event,
      status: text(raw.status),
      loopCount: typeof loops === 'number' && Number.isFinite(loops) && loops > 0 ? loops : 0,
    },
  };
}

const json = (value: object) => `${JSON.stringify(value)}\n`;

/**
 * "Keep working, because <reason>", in each agent's contract: Claude Code exit 2 with the reason on
 * stderr; Codex `{"decision":"block"}`; Cursor a follow-up message; Gemini CLI `{"decision":"deny"}`.
 */
export function block(agent: Agent, reason: string): HookAnswer {
  if (agent === 'claude') return { stdout: '', stderr: `${reason}\n`, code: 2 };
  if (agent === 'codex') return { stdout: json({ decision: 'block', reason }), stderr: '', code: 0 };
  if (agent === 'cursor') return { stdout: json({ followup_message: reason }), stderr: '', code: 0 };
  return { stdout: json({ decision: 'deny', reason }), stderr: '', code: 0 };
}

/**
 * "You may stop", with an optional note for the person (why harness stopped insisting): `systemMessage`
 * where the protocol has one (Claude Code, Codex, Gemini CLI), stderr for Cursor, whose stop output has
 * only `followup_message`.
 */
export function allow(agent: Agent, note: string | null = null): HookAnswer {
  if (agent === 'cursor') return { stdout: json({}), stderr: note ? `${note}\n` : '', code: 0 };
  if (note) return { stdout: json({ systemMessage: note }), stderr: '', code: 0 };
  return { stdout: agent === 'claude' ? '' : json({}), stderr: '', code: 0 };
}
