import { createHash } from 'node:crypto';
import type { Finding } from '../model.js';
import type { Answer } from './build.js';

/** A relative URI for a repo path: encodeURI leaves `#` and `?`, which a URI reader would cut at. */
const uriOf = (path: string) => encodeURI(path).replace(/#/g, '%23').replace(/\?/g, '%3F');

/** Where a finding is: its file and line, else its file (line 1), else harness.toml — code scanning rejects a result without a location. */
function whereOf(f: Finding): { file: string; line: number; col: number; message: string } {
  if (f.path === null) return { file: 'harness.toml', line: 1, col: 1, message: f.message };
  return { file: f.path, line: Math.max(1, f.line ?? 1), col: Math.max(1, f.col ?? 1), message: f.message };
}

/**
 * `--format sarif`: SARIF 2.1.0. One rule per check id (stable across runs); one result per finding
 * of a failed or errored check, with a partial fingerprint that survives line moves (check, file and
 * message, not the line).
 */
export function renderSarif(answer: Answer, version: string): string {
  const env = answer.envelope;
  const bad = (env.result.checks ?? []).filter((c) => c.status === 'fail' || c.status === 'error');
  const results = bad.flatMap((c) =>
    (answer.findings.get(c.id) ?? []).map((f) => {
      const at = whereOf(f);
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
