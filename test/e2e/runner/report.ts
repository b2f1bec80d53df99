// Prints the suite's outcome the way mocha's spec reporter ends, so scripts/test.sh counts it.
import type { SuiteResult } from '../protocol';

export function printResult(result: SuiteResult): void {
  const seconds = Math.round(result.durationMs / 100) / 10;
  console.log('');
  console.log(`  ${result.passes} passing (${seconds}s)`);
  if (result.pending > 0) console.log(`  ${result.pending} pending`);
  if (result.failures > 0) {
    console.log(`  ${result.failures} failing`);
    console.log('');
    result.tests
      .filter((test) => test.state === 'failed')
      .forEach((test, index) => {
        console.log(`  ${index + 1}) ${test.fullTitle}:`);
        console.log(indent(test.error?.stack ?? test.error?.message ?? 'no error recorded', '     '));
        console.log('');
      });
  }
}

/**
 * The editor did not run the suite to its end: one more failure, so no summary can read this run as a
 * pass, beside what the suite had reported so far.
 */
export function printEditorFailure(what: string, error: unknown, sofar = { passes: 0, failures: 0 }): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.log('');
  console.log(`  ${sofar.passes} passing`);
  console.log(`  ${sofar.failures + 1} failing`);
  if (sofar.failures > 0) console.log(`  (${sofar.failures} of them reported above by the suite)`);
  console.log('');
  console.log(`  1) ${what}:`);
  console.log(indent(text, '     '));
  console.log('');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** Counts the tests the suite reported in its progress lines before it stopped. */
export function countProgress(progressText: string): { passes: number; failures: number } {
  const lines = progressText.split('\n');
  return {
    passes: lines.filter((line) => line.startsWith('    ✔')).length,
    failures: lines.filter((line) => line.startsWith('    ✗')).length,
  };
}
