import { createHash } from 'node:crypto';
import type { Envelope } from './build.js';
import { locate } from './github.js';

/**
 * `--format sarif`: SARIF 2.1.0. One rule per check id (stable across runs); one result per finding
 * of a failed or errored check, with a partial fingerprint that survives line moves (check, file and
 * message, not the line).
 */
/** A relative URI for a repo path: encodeURI leaves `#` and `?`, which a URI reader would cut at. */
const uriOf = (path: string) => encodeURI(path).replace(/#/g, '%23').replace(/\?/g, '%3F');

/**
 * Where a finding is: its `path:line:col`, else a leading `path: …` (line 1), else harness.toml — code
 * scanning rejects a result without a location.
 */
function whereOf(detail: string): { file: string; line: number; col: number; message: string } {
  const at = locate(detail);
  if (at) return { ...at, line: Math.max(1, at.line), col: Math.max(1, at.col) };
  const file = /^([^\s:][^:]*\.[A-Za-z0-9]+):\s/.exec(detail)?.[1];
  return file ? { file, line: 1, col: 1, message: detail.slice(file.length + 1).trim() } : { file: 'harness.toml', line: 1, col: 1, message: detail };
}

export function renderSarif(env: Envelope, version: string): string {
  const bad = (env.result.checks ?? []).filter((c) => c.status === 'fail' || c.status === 'error');
  const results = bad.flatMap((c) =>
    c.details.map((d) => {
      const at = whereOf(d);
      const message = at.message;
      const fingerprint = createHash('sha256').update(`${c.id}\0${at.file}\0${message}`).digest('hex').slice(0, 32);
      return {
        ruleId: c.id,
        level: c.status === 'fail' ? 'error' : 'warning',
        message: { text: message },
        locations: [
          { physicalLocation: { artifactLocation: { uri: uriOf(at.file), uriBaseId: '%SRCROOT%' }, region: { startLine: at.line, startColumn: at.col } } },
        ],
        partialFingerprints: { 'harnessFinding/v1': fingerprint },
      };
    }),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'harness',
            version,
            rules: bad.map((c) => ({ id: c.id, name: c.id.replace(/[^A-Za-z0-9]+/g, '_'), shortDescription: { text: `harness check ${c.id}` } })),
          },
        },
        invocations: [{ executionSuccessful: !env.result.error, exitCode: env.result.error ? 2 : env.ok ? 0 : 1 }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log)}\n`;
}
