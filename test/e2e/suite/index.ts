// Runs inside VS Code's extension host (extensionTestsPath points at the bundle of this file). Loads every
// compiled *.test.js beside it into mocha and writes the outcome where the runner waits for it, since the
// runner cannot see this process's console.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import {
  COMMANDS_FILE,
  GREP_ENV,
  HOLD_ENV,
  PROGRESS_FILE,
  RELEASE_FILE,
  RESULT_DIR_ENV,
  RESULT_FILE,
  SCENARIO_ENV,
  STARTED_FILE,
  type SuiteResult,
  type TestOutcome,
} from '../protocol';
import { scenarioFiles } from '../scenarios';

const HOLD_LIMIT_MS = 120_000;

export async function run(): Promise<void> {
  const resultDir = process.env[RESULT_DIR_ENV];
  if (!resultDir) throw new Error(`${RESULT_DIR_ENV} is not set: start the suite with test/e2e/run.ts`);
  fs.mkdirSync(resultDir, { recursive: true });
  fs.writeFileSync(path.join(resultDir, STARTED_FILE), JSON.stringify({ pid: process.pid, vscode: vscode.version }));

  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, slow: 5_000, color: false });
  const grep = process.env[GREP_ENV];
  if (grep) mocha.grep(new RegExp(grep));
  const tests: TestOutcome[] = [];
  mocha.reporter(recordingReporter(tests, path.join(resultDir, PROGRESS_FILE)));
  for (const file of testFiles(__dirname)) mocha.addFile(file);

  const started = Date.now();
  let loadError: Error | undefined;
  try {
    await new Promise<void>((resolve) => mocha.run(() => resolve()));
  } catch (error) {
    // A test file that throws while loading: report it as a failure rather than leaving the runner waiting.
    loadError = error instanceof Error ? error : new Error(String(error));
    tests.push({ fullTitle: 'loading the test files', state: 'failed', durationMs: 0, error: describeError(loadError) });
  }
  const result: SuiteResult = {
    passes: tests.filter((t) => t.state === 'passed').length,
    failures: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    durationMs: Date.now() - started,
    vscodeVersion: vscode.version,
    tests,
  };
  fs.writeFileSync(path.join(resultDir, COMMANDS_FILE), JSON.stringify(await vscode.commands.getCommands(false)));
  // Written to a temporary name first so the runner never reads half a file.
  const resultFile = path.join(resultDir, RESULT_FILE);
  fs.writeFileSync(`${resultFile}.tmp`, JSON.stringify(result, null, 2));
  fs.renameSync(`${resultFile}.tmp`, resultFile);

  if (process.env[HOLD_ENV]) await waitForFile(path.join(resultDir, RELEASE_FILE), HOLD_LIMIT_MS);
}

/** The compiled test files of this run's scenario (the default run: those outside scenarios/). */
function testFiles(dir: string): string[] {
  const all = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => name.split(path.sep).join('/'))
    .sort();
  return scenarioFiles(all, process.env[SCENARIO_ENV] ?? 'default').map((name) => path.join(dir, name));
}

type Reporter = new (runner: Mocha.Runner) => Mocha.reporters.Base;

// Records every test and appends a spec-like line per test to the progress file.
function recordingReporter(tests: TestOutcome[], progressFile: string): Reporter {
  const say = (line: string) => fs.appendFileSync(progressFile, `${line}\n`);
  return class RecordingReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner) {
      super(runner);
      runner.on(Mocha.Runner.constants.EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
        if (suite.title) say(`  ${suite.fullTitle()}`);
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test: Mocha.Test) => {
        tests.push({ fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
        say(`    ✔ ${test.title} (${test.duration ?? 0}ms)`);
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Test, error: unknown) => {
        const described = describeError(error);
        tests.push({ fullTitle: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: described });
        say(`    ✗ ${test.title}: ${described.message.split('\n')[0]}`);
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test: Mocha.Test) => {
        tests.push({ fullTitle: test.fullTitle(), state: 'pending', durationMs: 0 });
        say(`    - ${test.title}`);
      });
    }
  };
}

function describeError(error: unknown): { message: string; stack: string } {
  if (error instanceof Error) return { message: error.message, stack: error.stack ?? error.message };
  return { message: String(error), stack: String(error) };
}

async function waitForFile(file: string, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!fs.existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}
