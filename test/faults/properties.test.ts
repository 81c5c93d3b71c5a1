// Property tests (fast-check): the envelope's bounds and schema for arbitrary check results, the scope
// expansion against a naive reference closure on random graphs, and path_map ownership against a
// reference longest-prefix-by-directory on random prefix maps and paths. The seed is fixed (SEED) so a
// failure reproduces; fast-check prints the counterexample and the path to replay it.
import fc from 'fast-check';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { checksEnvelope, errorEnvelope, type Limits } from '../../src/envelope/build.js';
import { nextActions } from '../../src/envelope/next-actions.js';
import { envelopeSchema } from '../../src/envelope/schema.js';
import type { CheckReport, Scope, Status } from '../../src/model.js';
import { dependencyClosure, expandScopes, nestedPrefixes, ownerOf, prefixesOf, resolveScope } from '../../src/scope/resolve.js';
import { validateConfig } from '../../src/config/validate.js';
import { closure, configFor, graphArb, pathMapArb, refNested, refOwner, withCycleArb } from './properties-support.js';

const SEED = 20_261_121;
const RUNS = 300;
const params = { seed: SEED, numRuns: RUNS };
const validate = new Ajv({ strict: true }).compile(envelopeSchema);

const STATUSES: Status[] = ['pass', 'fail', 'error', 'deferred', 'skipped'];
const RANK: Record<Status, number> = { fail: 0, error: 1, deferred: 2, pass: 3, skipped: 4 };

/** Strings of every kind a tool can print: unicode (lone surrogates too), control characters, newlines. */
const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength, unit: 'grapheme' }),
    fc.string({ maxLength, unit: 'binary' }),
    fc.string({ maxLength, unit: fc.constantFrom('a', ' ', '\n', '\r\n', '\t', '😀', 'é', '\u0000', '"', '\\') }),
  );
const details = fc.oneof(
  { weight: 3, arbitrary: fc.array(text(300), { maxLength: 12 }) },
  // very long lines (a random piece repeated: cheap to generate, cut at every kind of character)
  { weight: 1, arbitrary: fc.array(fc.tuple(text(60), fc.nat(5000)).map(([s, n]) => s.repeat(Math.ceil(n / Math.max(1, s.length)))), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(400), text(50)).map(([n, s]) => Array.from({ length: n }, (_, i) => `${s}${i}`)) }, // very many findings
);
const report: fc.Arbitrary<CheckReport> = fc.record(
  {
    id: fc.oneof(fc.constantFrom('lint:core', 'test:@s/a', 'graph', 'mutation'), text(80).filter((s) => s.length > 0)),
    status: fc.constantFrom(...STATUSES),
    duration_ms: fc.nat({ max: 10_000_000 }),
    findings: details.map((ds) => ds.map((message) => ({ path: null, message }))),
    log: fc.option(text(120), { nil: null }),
    cached: fc.boolean(),
  },
  { requiredKeys: ['id', 'status', 'duration_ms', 'findings', 'log'] },
);
const limits: fc.Arbitrary<Limits> = fc.record({
  max_checks: fc.integer({ min: 1, max: 25 }),
  max_details: fc.integer({ min: 1, max: 10 }),
  max_detail_chars: fc.integer({ min: 20, max: 300 }),
  max_files: fc.integer({ min: 1, max: 60 }),
});
const scope: fc.Arbitrary<Scope> = fc.record({
  base: text(40),
  merge_base: fc.option(fc.stringMatching(/^[0-9a-f]{40}$/), { nil: null }),
  mode: fc.constantFrom('scoped' as const, 'full' as const),
  full: fc.option(text(200).map((message) => ({ kind: 'git-failed' as const, message })), { nil: null }),
  changed_files: fc.array(text(100), { maxLength: 120 }),
  changed_scopes: fc.array(text(20), { maxLength: 5 }),
  expanded_scopes: fc.array(text(20), { maxLength: 8 }),
  via_tests: fc.constant([]),
  why: fc.constant({}),
});

const json = (v: unknown) => JSON.stringify(v).length;

describe('properties', () => {
  it('arbitrary check results and output bounds → the envelope validates, keeps ≤ max_checks checks failures first, bounded details, exact omitted counts and summary, never a false green', () => {
    fc.assert(
      fc.property(fc.array(report, { maxLength: 70, size: 'medium' }), limits, scope, fc.constantFrom('loop' as const, 'gate' as const, 'mutate' as const), (reports, lim, sc, verb) => {
        const next = nextActions(verb, 'harness', reports, { noChange: false, only: false });
        const env = checksEnvelope(verb, sc, reports, lim, { id: 'run-1', next, started: performance.now() }).envelope;
        expect(validate(env), JSON.stringify(validate.errors)).toBe(true);
        const kept = env.result.checks!;
        const count = (list: readonly { status: Status }[], s: Status) => list.filter((c) => c.status === s).length;

        // At most max_checks, and exactly the max_checks most urgent ones (fail, error, deferred, pass, skipped).
        expect(kept.length).toBe(Math.min(reports.length, lim.max_checks));
        const ranks = reports.map((r) => RANK[r.status]).sort((a, b) => a - b);
        expect(kept.map((c) => RANK[c.status])).toEqual(ranks.slice(0, kept.length));
        // Within a status, the plan's order: the kept ones are the first of that status, in input order.
        for (const s of STATUSES) {
          const ofStatus = reports.filter((r) => r.status === s);
          expect(kept.filter((c) => c.status === s).map((c) => [c.id, c.duration_ms])).toEqual(
            ofStatus.slice(0, count(kept, s)).map((r) => [r.id, r.duration_ms]),
          );
        }
        // Details: at most max_details, each at most max_detail_chars, one line, omitted counted exactly.
        const originals = STATUSES.flatMap((s) => reports.filter((r) => r.status === s).slice(0, count(kept, s)));
        const byRank = [...originals].sort((a, b) => RANK[a.status] - RANK[b.status]);
        kept.forEach((c, i) => {
          const src = byRank[i]!;
          expect(c.details.length).toBe(Math.min(src.findings.length, lim.max_details));
          expect(c.details.length + c.omitted_details).toBe(src.findings.length);
          c.details.forEach((d, j) => {
            expect(d.length).toBeLessThanOrEqual(lim.max_detail_chars);
            expect(d).not.toMatch(/\n/);
            const flat = src.findings[j]!.message.replace(/\s*\n\s*/g, ' ⏎ ');
            if (flat.length <= lim.max_detail_chars) expect(d).toBe(flat);
            else {
              // Clipped: a prefix of the detail and an ellipsis, never half of a surrogate pair.
              expect(d.endsWith('…')).toBe(true);
              const prefix = d.slice(0, -1);
              expect(flat.startsWith(prefix)).toBe(true);
              expect(/[\uD800-\uDBFF]$/.test(prefix) && /^[\uDC00-\uDFFF]/.test(flat.slice(prefix.length))).toBe(false);
            }
          });
        });

        // The summary counts every input check, kept or omitted.
        const summary = env.result.summary!;
        expect(summary).toEqual({
          total: reports.length,
          passed: count(reports, 'pass'),
          failed: count(reports, 'fail'),
          errors: count(reports, 'error'),
          deferred: count(reports, 'deferred'),
          skipped: count(reports, 'skipped'),
          omitted_checks: reports.length - kept.length,
        });

        // Never a false green: any failure or error anywhere → ok:false, and one is visible in the kept checks.
        const broken = reports.some((r) => r.status === 'fail' || r.status === 'error');
        expect(env.ok).toBe(!broken);
        if (broken) expect(kept.some((c) => c.status === 'fail' || c.status === 'error')).toBe(true);

        // Changed files bounded too.
        const files = env.result.scope!.changed_files;
        expect(files).toEqual(sc.changed_files.slice(0, lim.max_files));
        expect(files.length + (env.result.scope!.omitted_changed_files ?? 0)).toBe(sc.changed_files.length);

        // Size: bounded by the limits, whatever the tools printed (JSON escapes a character into ≤ 6).
        const perCheck = (c: { id: string; log: string | null }) => 160 + 6 * (c.id.length + (c.log?.length ?? 0)) + lim.max_details * (6 * lim.max_detail_chars + 3);
        const scopeSize = json({ ...sc, changed_files: [] }) + lim.max_files * 3 + 6 * files.reduce((n, f) => n + f.length, 0);
        const bound = 600 + scopeSize + json(next) + kept.reduce((n, c) => n + perCheck(c), 0);
        expect(json(env)).toBeLessThanOrEqual(bound);
      }),
      params,
    );
  });

  it('arbitrary error messages → an error envelope that validates, ok:false, message at most 2000 characters', () => {
    fc.assert(
      fc.property(text(6000), fc.constantFrom('usage' as const, 'config' as const, 'environment' as const, 'internal' as const), fc.option(text(50), { nil: null }), (message, code, key) => {
        const env = errorEnvelope('harness gate', { code, message, key }, [], performance.now());
        expect(validate(env), JSON.stringify(validate.errors)).toBe(true);
        expect(env.ok).toBe(false);
        expect(env.result.error!.message.length).toBeLessThanOrEqual(2000);
      }),
      params,
    );
  });

  it('random dependency graphs (cycles included) plus test_dependencies → expanded scopes = the reverse runtime closure plus one test edge, via_tests exactly those added by it', () => {
    fc.assert(
      fc.property(fc.oneof(graphArb, withCycleArb.chain((g) => graphArb.map((t) => ({ ...g, tests: t.tests.filter(([a, b]) => g.names.includes(a) && g.names.includes(b)), changed: g.names.slice(0, 2) })))), (g) => {
        const config = configFor(g);
        const runtime = closure(g.changed, g.deps, 'reverse');
        const testUsers = [...new Set(g.tests.filter(([, to]) => runtime.includes(to)).map(([from]) => from))].filter((s) => !runtime.includes(s));
        const reference = [...runtime, ...testUsers].sort();
        expect(expandScopes(g.changed, config)).toMatchObject({ expanded: reference, viaTests: testUsers.sort() });
        // The same through resolveScope, from one changed file per changed scope.
        const files = g.changed.map((s) => `packages/${s}/src/x.ts`);
        const sc = resolveScope(config, { base: 'main', merge_base: 'abc', files, full: null });
        expect(sc).toMatchObject({ mode: 'scoped', full: null, changed_scopes: [...g.changed].sort(), expanded_scopes: reference });
        // And the forward closure (what a scope's checks read), with and without test edges.
        for (const s of g.names) {
          expect(dependencyClosure(config, s, false)).toEqual(closure([s], g.deps, 'forward'));
          expect(dependencyClosure(config, s, true)).toEqual(closure([s], [...g.deps, ...g.tests], 'forward'));
        }
      }),
      params,
    );
  });

  it('random graphs in [scope.dependencies], cyclic or not → accepted (real monorepos have cycles), never a configuration error', () => {
    fc.assert(
      fc.property(withCycleArb, (g) => {
        expect(() => configFor(g)).not.toThrow();
      }),
      params,
    );
  });

  it('random path_map prefixes (any spelling, the root ".", prefix-like siblings) and random paths → owner is the longest matching directory prefix', () => {
    fc.assert(
      fc.property(pathMapArb, ({ entries, raw, paths }) => {
        const config = validateConfig({ scope: { path_map: raw } }, null);
        for (const path of paths) expect(ownerOf(path, config.scope.path_map), path).toBe(refOwner(entries, path));
        for (const s of new Set(entries.map((e) => e.scope))) {
          const own = entries.filter((e) => e.scope === s).map((e) => (e.dir === '' ? '' : `${e.dir}/`));
          expect(prefixesOf(config, s)).toEqual(own.sort());
          expect(nestedPrefixes(config, s).sort()).toEqual(refNested(entries, s).sort());
        }
      }),
      params,
    );
  });
});
