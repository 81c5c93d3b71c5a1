/** JSON Schema of harness.toml (DESIGN §7). Structure only; cross-references are checked in validate.ts. */
const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const scopeName = { type: 'string', pattern: '^[A-Za-z0-9@._/-]+$' } as const;
const scopeGraph = {
  type: 'object',
  propertyNames: scopeName,
  additionalProperties: { type: 'array', items: scopeName },
} as const;
const positiveInt = { type: 'integer', minimum: 1 } as const;
/** Up to a day: timers in Node overflow past 2^31 ms (~24.8 days) and would fire at once. */
const seconds = { type: 'number', exclusiveMinimum: 0, maximum: 86_400 } as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'harness.toml',
  type: 'object',
  additionalProperties: false,
  properties: {
    base: { type: 'string', minLength: 1 },
    scope: {
      type: 'object',
      additionalProperties: false,
      properties: {
        global: stringList,
        ignore: stringList,
        path_map: { type: 'object', additionalProperties: scopeName },
        dependencies: scopeGraph,
        test_dependencies: scopeGraph,
        test_globs: { ...stringList, minItems: 1 },
      },
    },
    boundaries: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rules: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['scope'],
            properties: { scope: scopeName, forbid: stringList, forbid_strings: stringList },
          },
        },
      },
    },
    limits: { type: 'object', additionalProperties: false, properties: { max_file_lines: positiveInt } },
    mutate: {
      type: 'object',
      additionalProperties: false,
      properties: { require_changed_tests: { type: 'boolean' }, max_mutants: { type: 'integer', minimum: 1, maximum: 1000 } },
    },
    suppressions: { type: 'object', additionalProperties: false, properties: { patterns: stringList } },
    loop: {
      type: 'object',
      additionalProperties: false,
      properties: { budget_seconds: seconds },
    },
    gate: {
      type: 'object',
      additionalProperties: false,
      properties: { check_timeout_seconds: seconds },
    },
    checks: {
      type: 'object',
      additionalProperties: false,
      properties: {
        command: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'run'],
            properties: {
              id: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' },
              run: { ...stringList, minItems: 1 },
              verbs: { type: 'array', items: { enum: ['loop', 'gate'] }, minItems: 1 },
              scopes: { type: 'array', items: scopeName },
            },
          },
        },
      },
    },
    output: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_checks: positiveInt,
        max_details: positiveInt,
        max_detail_chars: { type: 'integer', minimum: 20 },
        max_files: positiveInt,
      },
    },
  },
} as const;
