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

/** The editor never ran the suite: one failure, so no summary can read this run as a pass. */
export function printEditorFailure(what: string, error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.log('');
  console.log('  0 passing');
  console.log('  1 failing');
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
