/**
 * Is a coding agent driving this process? Agents read JSON, not colour or progress bars. Detected from
 * the variables agents set: CLAUDECODE (Claude Code), CODEX_* (Codex), CURSOR_AGENT (Cursor), GEMINI_CLI
 * (Gemini CLI), and the generic AI_AGENT.
 */
export function agentDetected(env: NodeJS.ProcessEnv = process.env): boolean {
  // CODEX_HOME is a user setting (where Codex keeps its config), not a sign that Codex is running.
  return Boolean(env.CLAUDECODE || env.AI_AGENT || env.CURSOR_AGENT || env.GEMINI_CLI || Object.keys(env).some((k) => k.startsWith('CODEX_') && k !== 'CODEX_HOME'));
}

/** Colour only for a person at a terminal: a TTY, no NO_COLOR, no agent. */
export function useColour(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && !agentDetected(env); // NO_COLOR counts when non-empty (no-color.org)
}
