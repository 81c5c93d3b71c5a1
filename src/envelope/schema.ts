/** JSON Schema of every envelope the CLI prints (DESIGN §6); published by `harness schema`. */
const count = { type: 'integer', minimum: 0 } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const envelopeSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://harness.dev/schema/envelope-v1.json',
  title: 'harness envelope',
  type: 'object',
  additionalProperties: false,
  required: ['schema_version', 'ok', 'command', 'result', 'next_actions', 'duration_ms'],
  properties: {
    schema_version: { const: 1 },
    ok: { type: 'boolean' },
    command: { type: 'string', pattern: '^harness( [a-z]+)?$' },
    result: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scope: {
          type: 'object',
          additionalProperties: false,
          required: ['base', 'merge_base', 'mode', 'full_reason', 'changed_files', 'changed_scopes', 'expanded_scopes'],
          properties: {
            base: { type: 'string' },
            merge_base: nullableString,
            mode: { enum: ['scoped', 'full'] },
            full_reason: nullableString,
            changed_files: { type: 'array', items: { type: 'string' } },
            omitted_changed_files: count,
            changed_scopes: { type: 'array', items: { type: 'string' } },
            expanded_scopes: { type: 'array', items: { type: 'string' } },
            why: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                additionalProperties: false,
                required: ['file', 'via', 'edge'],
                properties: { file: { type: 'string' }, via: { type: 'array', items: { type: 'string' } }, edge: { enum: ['changed', 'dependency', 'test'] } },
              },
            },
          },
        },
        checks: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'status', 'duration_ms', 'details', 'omitted_details', 'log'],
            properties: {
              id: { type: 'string', minLength: 1 },
              status: { enum: ['pass', 'fail', 'error', 'deferred', 'skipped'] },
              duration_ms: count,
              details: { type: 'array', items: { type: 'string' } },
              omitted_details: count,
              log: nullableString,
              cached: { type: 'boolean' },
              preexisting: count,
            },
          },
        },
        summary: {
          type: 'object',
          additionalProperties: false,
          required: ['total', 'passed', 'failed', 'errors', 'deferred', 'skipped', 'omitted_checks'],
          properties: {
            total: count,
            passed: count,
            failed: count,
            errors: count,
            deferred: count,
            skipped: count,
            omitted_checks: count,
          },
        },
        error: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'message', 'key'],
          properties: {
            code: { enum: ['usage', 'config', 'environment', 'internal'] },
            message: { type: 'string' },
            key: nullableString,
          },
        },
        run_id: { type: 'string' },
        shard: {
          type: 'object',
          additionalProperties: false,
          required: ['index', 'count', 'digest'],
          properties: { index: { type: 'integer', minimum: 1 }, count: { type: 'integer', minimum: 1 }, digest: { type: 'string' } },
        },
        merged: { type: 'object', additionalProperties: false, required: ['shards'], properties: { shards: { type: 'integer', minimum: 1 } } },
        budget: {
          type: 'object',
          additionalProperties: false,
          required: ['budget_ms', 'expected_ms', 'expected_deferred'],
          properties: { budget_ms: count, expected_ms: count, expected_deferred: count },
        },
        init: {
          type: 'object',
          additionalProperties: false,
          required: ['path', 'written', 'scopes', 'test_edges', 'config'],
          properties: {
            path: { type: 'string' },
            written: { type: 'boolean' },
            scopes: count,
            test_edges: count,
            /** The generated file's text with --dry-run; null once written (read the file). */
            config: nullableString,
            /** With --agents: each agent's hook config and AGENTS.md, compared with what init writes. */
            agents: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['path', 'status', 'written', 'changes'],
                properties: {
                  path: { type: 'string' },
                  /** missing: no such file; drift: it differs (changes say how); in_sync: as init writes it. */
                  status: { enum: ['missing', 'drift', 'in_sync'] },
                  written: { type: 'boolean' },
                  changes: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    next_actions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['command', 'description'],
        properties: { command: { type: 'string' }, description: { type: 'string' } },
      },
    },
    duration_ms: count,
  },
} as const;
