// What the runner and the suite (in the extension host) tell each other through files in one folder.
// The runner names the folder in LAMBDA_DOCK_E2E_RESULT_DIR; both sides import these names.

export const RESULT_DIR_ENV = 'LAMBDA_DOCK_E2E_RESULT_DIR';
/** The workspace folder the runner opened (a fresh copy of a fixture). */
export const WORKSPACE_ENV = 'LAMBDA_DOCK_E2E_WORKSPACE';
/** Only run tests whose full title matches this regular expression. */
export const GREP_ENV = 'LAMBDA_DOCK_E2E_GREP';
/** When set, run() keeps the extension host alive after the result until the runner writes RELEASE_FILE. */
export const HOLD_ENV = 'LAMBDA_DOCK_E2E_HOLD';

/** Written by the suite as soon as run() is called: the extension host loaded it. */
export const STARTED_FILE = 'started.json';
/** One line per finished test, appended as the suite goes, for the runner to echo. */
export const PROGRESS_FILE = 'progress.log';
/** Written once, when every test has run. */
export const RESULT_FILE = 'result.json';
/** Every command id VS Code knows once the suite has run, so the runner can tell a missing command apart. */
export const COMMANDS_FILE = 'commands.json';
/** Written by the runner once it has taken its screenshots. */
export const RELEASE_FILE = 'release';

export interface TestOutcome {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: { message: string; stack: string };
}

export interface SuiteResult {
  passes: number;
  failures: number;
  pending: number;
  durationMs: number;
  /** VS Code's version as the extension host reports it, to show what was tested. */
  vscodeVersion: string;
  tests: TestOutcome[];
}

/** The scenario (see scenarios.ts) whose suite files run. */
export const SCENARIO_ENV = 'LAMBDA_DOCK_E2E_SCENARIO';

/**
 * What the suite asks of the page (the runner drives it): a screenshot kept as an artifact, or the command
 * palette's entries for a query, as a user would see them. The suite writes `<id>.request.json` and waits
 * for `<id>.response.json`.
 */
export type PageRequest =
  | { kind: 'screenshot'; name: string }
  | { kind: 'palette'; query: string }
  /** The visible text of the elements a CSS selector finds (a view's welcome content, notifications). */
  | { kind: 'text'; selector: string }
  /** The codicons the elements a CSS selector finds draw: "name<TAB>glyph" each (the glyph '' when the font has none). */
  | { kind: 'glyphs'; selector: string };
export type PageResponse = { ok: true; file?: string; entries?: string[] } | { ok: false; error: string };
export const REQUEST_SUFFIX = '.request.json';
export const RESPONSE_SUFFIX = '.response.json';
