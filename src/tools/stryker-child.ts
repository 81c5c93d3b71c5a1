/**
 * Child process entry for `harness mutate`: runs Stryker through its API with the working directory
 * set by the parent (Stryker roots itself at process.cwd()) and writes the mutant results as JSON.
 * argv: <options.json> <results.json> <the core's entry file: the target's Stryker or harness's>.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [optionsFile, resultsFile, core] = process.argv.slice(2) as [string, string, string];
const options = JSON.parse(readFileSync(optionsFile, 'utf8')) as Record<string, unknown>;
const { Stryker } = (await import(pathToFileURL(core).href)) as {
  Stryker: new (o: unknown) => { runMutationTest(): Promise<unknown[]> };
};
const results = await new Stryker(options).runMutationTest();
writeFileSync(resultsFile, JSON.stringify(results));
