// Fault matrix, tools (vitest, and vitest under mutate): a test run that proves nothing is never a pass.
// Each fault is a real broken install in the temp repo (fakeTool) or a real vitest run that tests nothing.
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harness, workspace, write } from '../helpers.js';
import { ARG, expectNotOk, fakeTool, removeTool, singleChange } from './support.js';

const gate = (dir: string) => harness(['gate', '--cwd', dir, '--only', 'test:.']);

/** A fake vitest that writes `report` (a JS expression) as its JSON report, then exits with `code`. */
function reportingVitest(dir: string, report: string, code: number): void {
  fakeTool(dir, 'vitest', 'vitest', `import { writeFileSync } from 'node:fs';\n${ARG}writeFileSync(arg('--outputFile.json'), ${report});\nprocess.exitCode = ${code};\n`);
}

describe('tools', () => {
  it('vitest missing → ok:false, test:. error naming the package to install', () => {
    const dir = workspace('single');
    removeTool(dir, 'vitest');
    expect(expectNotOk(gate(dir), 'test:.', 'error').details).toEqual(['vitest is not installed in . or above (install it: npm i -D vitest)']);
  });

  it('vitest crashes (killed by SIGKILL, as by the OOM killer) → ok:false, test:. error "did not finish (killed by SIGKILL)"', () => {
    const dir = workspace('single');
    fakeTool(dir, 'vitest', 'vitest', "console.log('RUN v4');\nprocess.kill(process.pid, 'SIGKILL');\n");
    expect(expectNotOk(gate(dir), 'test:.', 'error').details[0]).toBe('vitest did not finish (killed by SIGKILL): RUN v4');
  });

  it('vitest writes an unparsable report and exits 0 → ok:false, test:. error "wrote no readable JSON report"', () => {
    const dir = workspace('single');
    reportingVitest(dir, "'{\"testResults\": [truncated'", 0);
    expect(expectNotOk(gate(dir), 'test:.', 'error').details[0]).toMatch(/^vitest wrote no readable JSON report \(exit code 0\)/);
  });

  it('vitest exits 0 with a failed test in its report → ok:false, test:. fail with the failure', () => {
    const dir = workspace('single');
    const file = `${dir}/test/index.test.ts`;
    const report = {
      testResults: [
        {
          name: file,
          status: 'failed',
          assertionResults: [{ fullName: 'counts words', status: 'failed', failureMessages: [`AssertionError: expected 1 to be 2\n    at ${file}:5:30`] }],
        },
      ],
    };
    reportingVitest(dir, JSON.stringify(JSON.stringify(report)), 0);
    expect(expectNotOk(gate(dir), 'test:.', 'fail').details).toEqual(['test/index.test.ts:5:30 counts words: AssertionError: expected 1 to be 2']);
  });

  it('vitest exits 1 with a report that lists no failure → ok:false, test:. error "failed but its report lists no failure"', () => {
    const dir = workspace('single');
    reportingVitest(dir, "'{\"testResults\": []}'", 1);
    expect(expectNotOk(gate(dir), 'test:.', 'error').details[0]).toMatch(/^vitest failed but its report lists no failure in this scope \(exit code 1\)/);
  });

  it('vitest runs no test (only it.todo) → ok:false, test:. error "ran no test of scope ."', () => {
    const dir = workspace('single');
    write(dir, 'test/index.test.ts', "import { it } from 'vitest';\n\nit.todo('counts words');\n");
    expect(expectNotOk(gate(dir), 'test:.', 'error').details).toEqual(['vitest ran no test of scope .: a run without a passing test is not a pass']);
  });

  // A vitest-runner in the repository that loads but is broken: the install is what fails, not the tests.
  const runners = {
    'whose dry run always errors': { dryRun: "({ status: 'error', errorMessage: 'this runner is broken' })", why: /^Stryker did not finish .*this runner is broken/ },
    // harness-vitest reads the files' results from the runner's vitest; a runner without one cannot prove a clean dry run.
    'that reports a passing dry run but exposes no vitest to read the files from': {
      dryRun: "({ status: 'complete', tests: [{ id: 'a#b', name: 'b', status: 'success', timeSpentMs: 1 }], mutantCoverage: { static: {}, perTest: {} } })",
      why: /^Stryker did not finish .*harness cannot read the test files’ results/,
    },
  };
  for (const [how, { dryRun, why }] of Object.entries(runners)) {
    it(`Stryker failing where the tests pass (a vitest-runner ${how}) → ok:false, mutation error, never a skip or a pass`, () => {
      const dir = workspace('single');
      // The fixture links harness's own Stryker into node_modules: the core stays, the runner is replaced.
      unlinkSync(join(dir, 'node_modules/@stryker-mutator/vitest-runner'));
      mkdirSync(join(dir, 'node_modules/@stryker-mutator/vitest-runner'));
      const runner = `const broken = { capabilities: () => ({ reloadEnvironment: true }), init: async () => {}, dryRun: async () => ${dryRun}, mutantRun: async () => ({ status: 'survived', nrOfTests: 0 }), dispose: async () => {} };\nexport const strykerPlugins = [{ kind: 'TestRunner', name: 'vitest', factory: Object.assign(() => broken, { inject: ['$injector'] }) }];\n`;
      writeFileSync(join(dir, 'node_modules/@stryker-mutator/vitest-runner/package.json'), JSON.stringify({ name: '@stryker-mutator/vitest-runner', version: '9.6.1', type: 'module', main: 'index.js' }));
      writeFileSync(join(dir, 'node_modules/@stryker-mutator/vitest-runner/index.js'), runner);
      singleChange(dir);
      const run = harness(['mutate', '--cwd', dir]);
      expect(expectNotOk(run, 'mutation', 'error').details[0]).toMatch(why);
      expect(run.env.result.checks!.find((c) => c.id === 'untested_lines')!.status).toBe('pass');
    });
  }

  it('vitest 5 under mutate with Stryker 9 in the repository → ok:false, mutation error: a known-bad pairing, naming @stryker-mutator/core@10', () => {
    const dir = workspace('single');
    fakeTool(dir, 'vitest', 'vitest', "console.log('vitest 5');\n", '5.0.0');
    singleChange(dir);
    const run = harness(['mutate', '--cwd', dir]);
    expect(expectNotOk(run, 'mutation', 'error').details).toEqual([
      "@stryker-mutator/core 9.6.1 with vitest 5.0.0 is a known-bad pairing (Stryker 9 never runs vitest 5's tests inside describe blocks, so their mutants read as survived): npm i -D @stryker-mutator/core@10 @stryker-mutator/vitest-runner@10",
    ]);
    expect(run.env.result.checks!.find((c) => c.id === 'untested_lines')!.status).toBe('error');
  });
});
