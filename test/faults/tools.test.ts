// Fault matrix, tools (eslint, tsc): the repo's own tool broken in every way an install can break.
// Each fault is a real broken install in the temp repo (fakeTool), run for real; none may read as a pass.
import { describe, expect, it } from 'vitest';
import { harness, workspace, write } from '../helpers.js';
import { ARG, expectNotOk, fakeTool, noTsgo, removeTool } from './support.js';

const gate = (dir: string, id: string) => harness(['gate', '--cwd', dir, '--only', id]);

/** The single fixture with a per-check timeout of 1 s (a hanging tool must not hang the suite). */
function singleWithTimeout(): string {
  const dir = workspace('single');
  write(dir, 'harness.toml', '[scope.path_map]\n"." = "."\n\n[gate]\ncheck_timeout_seconds = 1\n');
  return dir;
}

const HANG = "process.on('SIGTERM', () => {});\nsetInterval(() => {}, 1000);\n";

describe('tools', () => {
  it('eslint missing → ok:false, lint:. error naming the package to install', () => {
    const dir = workspace('single');
    removeTool(dir, 'eslint');
    expect(expectNotOk(gate(dir, 'lint:.'), 'lint:.', 'error').details).toEqual([
      'eslint.config.js is in reach of scope ., but eslint is not installed in . or above (install it: npm i -D eslint)',
    ]);
  });

  it('eslint crashes (SIGSEGV) → ok:false, lint:. error "did not finish linting (killed by SIGSEGV)"', () => {
    const dir = workspace('single');
    fakeTool(dir, 'eslint', 'eslint', "console.error('eslint: internal crash');\nprocess.kill(process.pid, 'SIGSEGV');\n");
    const c = expectNotOk(gate(dir, 'lint:.'), 'lint:.', 'error');
    expect(c.details[0]).toBe('eslint did not finish linting (killed by SIGSEGV): eslint: internal crash');
  });

  it('eslint writes an unparsable report and exits 0 → ok:false, lint:. error "wrote no readable JSON report"', () => {
    const dir = workspace('single');
    fakeTool(dir, 'eslint', 'eslint', `import { writeFileSync } from 'node:fs';\n${ARG}writeFileSync(arg('--output-file'), '<html>not json');\n`);
    expect(expectNotOk(gate(dir, 'lint:.'), 'lint:.', 'error').details[0]).toMatch(/^eslint wrote no readable JSON report \(exit code 0\)/);
  });

  it('eslint exits 0 with an error in its report → ok:false, lint:. fail with the finding', () => {
    const dir = workspace('single');
    const report = JSON.stringify([{ filePath: `${dir}/src/index.ts`, messages: [{ ruleId: 'no-var', severity: 2, message: 'Unexpected var.', line: 2, column: 3 }] }]);
    fakeTool(dir, 'eslint', 'eslint', `import { writeFileSync } from 'node:fs';\n${ARG}writeFileSync(arg('--output-file'), ${JSON.stringify(report)});\n`);
    expect(expectNotOk(gate(dir, 'lint:.'), 'lint:.', 'fail').details).toEqual(['src/index.ts:2:3 Unexpected var. (no-var)']);
  });

  it('eslint exits 1 with a clean report → ok:false, lint:. error "failed but its report lists no error"', () => {
    const dir = workspace('single');
    fakeTool(dir, 'eslint', 'eslint', `import { writeFileSync } from 'node:fs';\n${ARG}writeFileSync(arg('--output-file'), '[]');\nprocess.exitCode = 1;\n`);
    expect(expectNotOk(gate(dir, 'lint:.'), 'lint:.', 'error').details[0]).toMatch(/^eslint failed but its report lists no error \(exit code 1\)/);
  });

  it('eslint hangs (ignores SIGTERM) under gate → ok:false, lint:. fail "timed out" at check_timeout_seconds', () => {
    const dir = singleWithTimeout();
    fakeTool(dir, 'eslint', 'eslint', HANG);
    const started = Date.now();
    const c = expectNotOk(gate(dir, 'lint:.'), 'lint:.', 'fail');
    expect(c.details[0]).toMatch(/^timed out after \d+\.\ds \(per-check limit of 1s\)$/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('eslint hangs under loop → lint:. deferred at the budget, next_actions re-runs exactly it', () => {
    const dir = workspace('single');
    fakeTool(dir, 'eslint', 'eslint', HANG);
    const run = harness(['loop', '--cwd', dir, '--budget', '1', '--only', 'lint:.']);
    expect(run.env.result.checks).toMatchObject([{ id: 'lint:.', status: 'deferred' }]);
    expect(run.env.result.summary).toMatchObject({ total: 1, passed: 0, deferred: 1 });
    expect(run.env.next_actions[0]!.command).toMatch(/ loop --only lint:\.$/);
  });

  it('tsc and tsgo both missing → ok:false, typecheck:. error naming the package to install', () => {
    const dir = noTsgo(workspace('single'));
    removeTool(dir, 'typescript');
    expect(expectNotOk(gate(dir, 'typecheck:.'), 'typecheck:.', 'error').details).toEqual([
      'typescript is not installed in . or above (install it: npm i -D typescript)',
    ]);
  });

  it('tsgo crashes (a broken native binary) → ok:false, typecheck:. error "tsgo failed without a parsable diagnostic"', () => {
    const dir = workspace('single');
    fakeTool(dir, '@typescript/native-preview', 'tsgo', "process.stderr.write('fatal error: unexpected signal during runtime execution\\n');\nprocess.exitCode = 2;\n");
    expect(expectNotOk(gate(dir, 'typecheck:.'), 'typecheck:.', 'error').details[0]).toMatch(/^tsgo failed without a parsable diagnostic \(exit code 2\): fatal error/);
  });

  it('tsgo exits 0 while printing a type error → ok:false, typecheck:. error "printed errors but exited 0"', () => {
    const dir = workspace('single');
    fakeTool(dir, '@typescript/native-preview', 'tsgo', "console.log(\"src/index.ts(1,1): error TS2322: Type 'string' is not assignable to type 'number'.\");\n");
    expect(expectNotOk(gate(dir, 'typecheck:.'), 'typecheck:.', 'error').details[0]).toMatch(/^tsgo printed errors but exited 0/);
  });

  it('tsc crashes (uncaught exception) → ok:false, typecheck:. error "failed without a parsable diagnostic"', () => {
    const dir = noTsgo(workspace('single'));
    fakeTool(dir, 'typescript', 'tsc', "throw new Error('tsc: out of memory');\n");
    const c = expectNotOk(gate(dir, 'typecheck:.'), 'typecheck:.', 'error');
    expect(c.details[0]).toMatch(/^tsc failed without a parsable diagnostic \(exit code 1\): .*Node\.js v\d+/);
  });

  it('tsc prints unparsable output and exits 2 → ok:false, typecheck:. error "failed without a parsable diagnostic"', () => {
    const dir = noTsgo(workspace('single'));
    fakeTool(dir, 'typescript', 'tsc', "console.log('\\u0000\\u0001 garbage ((( not a diagnostic');\nprocess.exitCode = 2;\n");
    expect(expectNotOk(gate(dir, 'typecheck:.'), 'typecheck:.', 'error').details[0]).toMatch(/^tsc failed without a parsable diagnostic \(exit code 2\)/);
  });

  it('tsc exits 0 while printing a type error → ok:false, typecheck:. error "printed errors but exited 0"', () => {
    const dir = noTsgo(workspace('single'));
    fakeTool(dir, 'typescript', 'tsc', "console.log(\"src/index.ts(1,1): error TS2322: Type 'string' is not assignable to type 'number'.\");\n");
    expect(expectNotOk(gate(dir, 'typecheck:.'), 'typecheck:.', 'error').details[0]).toMatch(/^tsc printed errors but exited 0 \(exit code 0\)/);
  });

  it('tsc prints 100 MB of diagnostics → ok:false, typecheck:. fail bounded to 8 details, the envelope stays small', () => {
    const dir = noTsgo(workspace('single'));
    // Distinct diagnostics (identical ones are reported once): 100,000 lines, repeated to 100 MB.
    const line = "src/index.ts(' + i + ',1): error TS2322: Type string is not assignable to type number.\\n";
    fakeTool(
      dir,
      'typescript',
      'tsc',
      `import { writeSync } from 'node:fs';\nlet text = ''; for (let i = 1; i <= 100_000; i++) text += '${line}';\nconst chunk = Buffer.from(text);\n` +
        'for (let n = 0; n < 100 * 1024 * 1024; n += chunk.length) writeSync(1, chunk);\nprocess.exitCode = 2;\n',
    );
    const run = gate(dir, 'typecheck:.');
    const c = expectNotOk(run, 'typecheck:.', 'fail');
    expect(c.details).toHaveLength(8);
    expect(c.omitted_details).toBeGreaterThanOrEqual(100_000 - 8); // + the line cut at the 32 MB capture limit
    expect(run.stdout.length).toBeLessThan(8_000);
  });
});
