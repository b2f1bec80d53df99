// Runs the editor test suite (test/e2e/suite) inside a real VS Code: code-server opened in Chromium by
// default, VS Code desktop through @vscode/test-electron when LAMBDA_DOCK_E2E_VSCODE=desktop. Builds
// nothing: `npm run build` and scripts/build-e2e.mjs have run (npm run test:e2e does both).
//
//   tsx test/e2e/run.ts [--vsix=FILE] [--sidebar[=COMMAND_ID]|--sidebar=0] [--grep=REGEX] [--fixture=NAME]
//                       [--timeout=SECONDS] [--scenario=NAME]
//
// The sidebar screenshot runs by default once package.json contributes an activity-bar container.
//
// Exits non-zero when a test fails, when the suite does not finish in time, and when the editor could
// not be started at all. Screenshots and logs go to test/e2e/.artifacts/<scenario>/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
  WORKSPACE_ENV,
  type SuiteResult,
} from './protocol';
import { PageRequests } from './runner/pageRequests';
import { scenarioNamed, type Scenario } from './scenarios';
import { openWorkbench, runCommandFromPalette, screenshot, sideBarShows, waitForWorkbench, type Workbench } from './runner/browser';
import { defaultCodeServerDir, startCodeServer, type RunningCodeServer } from './runner/codeServer';
import { runInDesktop } from './runner/desktop';
import { zipEntries } from '../support/zip';
import { countProgress, printEditorFailure, printResult } from './runner/report';

const DEFAULT_SIDEBAR_COMMAND = 'workbench.view.extension.lambda-dock';
const WORKBENCH_TIMEOUT_MS = 90_000;

interface Options {
  mode: 'code-server' | 'desktop';
  sidebarCommand: string | undefined;
  grep: string | undefined;
  fixture: string;
  scenario: Scenario;
  timeoutMs: number;
  keep: boolean;
  /** Run the extension unpacked from this .vsix instead of the repository folder. */
  vsix: string | undefined;
}

interface Paths {
  repoRoot: string;
  /** The folder VS Code loads the extension from: the repository, or the unpacked .vsix. */
  extensionDir: string;
  suiteIndex: string;
  artifacts: string;
  runDir: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  resultDir: string;
}

function parseOptions(argv: string[]): Options {
  const flag = (name: string): string | undefined => {
    const hit = argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
    if (hit === undefined) return undefined;
    return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : '';
  };
  const sidebar = flag('sidebar') ?? process.env.LAMBDA_DOCK_E2E_SIDEBAR ?? contributedSidebarCommand();
  const mode = process.env.LAMBDA_DOCK_E2E_VSCODE ?? 'code-server';
  if (mode !== 'code-server' && mode !== 'desktop') {
    throw new Error(`LAMBDA_DOCK_E2E_VSCODE must be code-server or desktop, not ${mode}`);
  }
  const scenario = scenarioNamed(flag('scenario') ?? process.env[SCENARIO_ENV] ?? 'default');
  return {
    fixture: flag('fixture') ?? process.env.LAMBDA_DOCK_E2E_FIXTURE ?? scenario.fixture ?? 'hello',
    mode,
    sidebarCommand: sidebar === undefined || sidebar === '0' ? undefined : sidebar === '' || sidebar === '1' ? DEFAULT_SIDEBAR_COMMAND : sidebar,
    grep: flag('grep') ?? process.env[GREP_ENV],
    scenario,
    timeoutMs: Number(flag('timeout') ?? process.env.LAMBDA_DOCK_E2E_TIMEOUT ?? 600) * 1000,
    keep: Boolean(process.env.LAMBDA_DOCK_E2E_KEEP),
    vsix: flag('vsix') || process.env.LAMBDA_DOCK_E2E_VSIX || undefined,
  };
}

/** The extension's own activity-bar container, once its manifest contributes one: screenshot it by default. */
function contributedSidebarCommand(): string | undefined {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes?: { viewsContainers?: { activitybar?: { id: string }[] } };
  };
  const id = manifest.contributes?.viewsContainers?.activitybar?.[0]?.id;
  return id ? `workbench.view.extension.${id}` : undefined;
}

function preparePaths(options: Options): Paths {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const need = (file: string, how: string) => {
    if (!fs.existsSync(path.join(repoRoot, file))) throw new Error(`${file} is missing: ${how}`);
  };
  need('dist/extension.js', 'run npm run build first');
  need('out/e2e/suite/index.js', 'run node scripts/build-e2e.mjs first');
  const fixture = path.join(repoRoot, 'test', 'e2e', 'fixtures', options.fixture);
  if (!fs.existsSync(fixture)) throw new Error(`no fixture workspace ${fixture}`);

  const artifacts = path.join(repoRoot, 'test', 'e2e', '.artifacts', options.scenario.name);
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });

  // Everything the editor writes lives in one fresh folder; the fixture is copied so tests may edit it.
  const runDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-e2e-')));
  const workspace = path.join(runDir, 'workspace', options.fixture);
  fs.cpSync(fixture, workspace, { recursive: true });
  const userDataDir = path.join(runDir, 'user-data');
  writeUserSettings(userDataDir, options.scenario.userSettings ?? {});
  const extensionsDir = path.join(runDir, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const resultDir = path.join(runDir, 'result');
  fs.mkdirSync(resultDir, { recursive: true });
  return {
    repoRoot,
    extensionDir: options.vsix ? unpackVsix(path.resolve(options.vsix), path.join(runDir, 'vsix')) : repoRoot,
    suiteIndex: path.join(repoRoot, 'out', 'e2e', 'suite', 'index.js'),
    artifacts,
    runDir,
    workspace,
    userDataDir,
    extensionsDir,
    resultDir,
  };
}

/** Unpacks the extension/ folder of a .vsix, as VS Code does when it installs one. */
function unpackVsix(vsix: string, into: string): string {
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}: run npm run build:e2e (or npm run package)`);
  const prefix = 'extension/';
  for (const entry of zipEntries(fs.readFileSync(vsix))) {
    if (!entry.name.startsWith(prefix) || entry.name.endsWith('/')) continue;
    const target = path.join(into, entry.name.slice(prefix.length));
    if (!target.startsWith(into + path.sep)) throw new Error(`${vsix} has an entry outside its folder: ${entry.name}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // With the recorded permissions, as VS Code installs a .vsix: esbuild's binary must stay executable.
    fs.writeFileSync(target, entry.read(), entry.mode ? { mode: entry.mode } : {});
  }
  return into;
}

function writeUserSettings(userDataDir: string, scenarioSettings: Record<string, unknown>): void {
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'chat.commandCenter.enabled': false,
    ...scenarioSettings,
  };
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

function suiteEnv(options: Options, paths: Paths): Record<string, string> {
  const env: Record<string, string> = { [RESULT_DIR_ENV]: paths.resultDir, [WORKSPACE_ENV]: paths.workspace, [SCENARIO_ENV]: options.scenario.name, ...options.scenario.env };
  if (options.grep) env[GREP_ENV] = options.grep;
  return env;
}

function readResult(resultDir: string): SuiteResult | undefined {
  const file = path.join(resultDir, RESULT_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResult) : undefined;
}

/** Echoes the suite's progress lines as they arrive. */
class ProgressEcho {
  private printed = 0;
  constructor(private readonly file: string) {}
  flush(): void {
    if (!fs.existsSync(this.file)) return;
    const text = fs.readFileSync(this.file, 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    if (complete.length > this.printed) {
      process.stdout.write(complete.slice(this.printed));
      this.printed = complete.length;
    }
  }
}

async function waitFor(what: string, done: () => boolean, timeoutMs: number, alive: () => string | undefined, tick?: () => void | Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await tick?.();
    if (done()) return;
    const dead = alive();
    if (dead) throw new Error(`${dead} while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function runInCodeServer(options: Options, paths: Paths): Promise<SuiteResult> {
  const server: RunningCodeServer = await startCodeServer({
    installDir: defaultCodeServerDir(),
    userDataDir: paths.userDataDir,
    extensionsDir: paths.extensionsDir,
    stateDir: path.join(paths.runDir, 'code-server'),
    logFile: path.join(paths.artifacts, 'code-server.log'),
    env: { ...suiteEnv(options, paths), [HOLD_ENV]: '1' },
    startTimeoutMs: 60_000,
    workspaceTrust: options.scenario.untrusted === true,
  });
  let workbench: Workbench | undefined;
  try {
    const remote = (file: string) => `vscode-remote://${server.authority}${file}`;
    const payload = [
      ['extensionDevelopmentPath', remote(paths.extensionDir)],
      ['extensionTestsPath', remote(paths.suiteIndex)],
    ];
    const url = `${server.origin}/?folder=${encodeURIComponent(paths.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    console.log(`e2e: scenario ${options.scenario.name} (${options.scenario.about})`);
    console.log(`e2e: code-server at ${server.origin}, extension from ${paths.extensionDir}, workspace ${paths.workspace}`);
    workbench = await openWorkbench(url, path.join(paths.artifacts, 'browser-console.log'));
    const page = workbench.page;
    const alive = () => {
      if (server.process.exitCode !== null || server.process.signalCode !== null) return 'code-server exited';
      if (page.isClosed()) return 'the page closed';
      return undefined;
    };
    try {
      await waitForWorkbench(page, WORKBENCH_TIMEOUT_MS);
      const exists = (name: string) => () => fs.existsSync(path.join(paths.resultDir, name));
      await waitFor('the extension host to start the suite', exists(STARTED_FILE), WORKBENCH_TIMEOUT_MS, alive);
      const progress = new ProgressEcho(path.join(paths.resultDir, PROGRESS_FILE));
      const requests = new PageRequests(page, paths.resultDir, paths.artifacts);
      await waitFor('the suite to finish', exists(RESULT_FILE), options.timeoutMs, alive, async () => {
        progress.flush();
        await requests.serve();
      });
      progress.flush();
      await screenshot(page, path.join(paths.artifacts, 'workbench.png'));
    } catch (error) {
      await screenshot(page, path.join(paths.artifacts, 'failure.png')).catch(() => undefined);
      throw error;
    }
    const result = readResult(paths.resultDir);
    if (!result) throw new Error('the suite wrote no result');
    if (options.sidebarCommand) await sidebarStep(page, options.sidebarCommand, paths, result);
    return result;
  } finally {
    fs.writeFileSync(path.join(paths.resultDir, RELEASE_FILE), '');
    await workbench?.close();
    await server.stop();
    copyLogs(paths);
  }
}

/**
 * Opens a view container through the command palette and screenshots it. Asked for but not possible
 * (no such command, the side bar does not show it) counts as one more failed test.
 */
async function sidebarStep(page: Workbench['page'], commandId: string, paths: Paths, result: SuiteResult): Promise<void> {
  const started = Date.now();
  const file = path.join(paths.artifacts, 'sidebar.png');
  try {
    const commands = JSON.parse(fs.readFileSync(path.join(paths.resultDir, COMMANDS_FILE), 'utf8')) as string[];
    if (!commands.includes(commandId)) throw new Error(`VS Code has no command ${commandId}: does the extension contribute that view container?`);
    await runCommandFromPalette(page, commandId);
    if (commandId.startsWith('workbench.view.') && !(await sideBarShows(page, commandId))) {
      throw new Error(`the side bar does not show ${commandId} after running it`);
    }
    // Give the views a moment to ask the extension for their items after the container opens.
    await page.waitForTimeout(2_000);
    await screenshot(page, file);
    console.log(`    ✔ sidebar screenshot: ${commandId} -> ${path.relative(paths.repoRoot, file)}`);
    result.passes += 1;
    result.tests.push({ fullTitle: `sidebar screenshot ${commandId}`, state: 'passed', durationMs: Date.now() - started });
  } catch (error) {
    await screenshot(page, file).catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    console.log(`    ✗ sidebar screenshot: ${message}`);
    result.failures += 1;
    result.tests.push({
      fullTitle: `sidebar screenshot ${commandId}`,
      state: 'failed',
      durationMs: Date.now() - started,
      error: { message, stack: error instanceof Error ? (error.stack ?? message) : message },
    });
  }
}

function copyLogs(paths: Paths): void {
  const logs = path.join(paths.userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(paths.artifacts, 'vscode-logs'), { recursive: true });
}

async function runDesktop(options: Options, paths: Paths): Promise<SuiteResult> {
  if (options.sidebarCommand) console.log('e2e: the sidebar screenshot needs code-server; skipped with VS Code desktop');
  const failure = await runInDesktop({ ...paths, env: suiteEnv(options, paths) });
  const result = readResult(paths.resultDir);
  if (!result) throw new Error(`VS Code desktop did not run the suite: ${failure ?? 'it exited without a result'}`);
  return result;
}

async function main(): Promise<number> {
  const started = Date.now();
  let options: Options;
  let paths: Paths;
  try {
    options = parseOptions(process.argv.slice(2));
    paths = preparePaths(options);
  } catch (error) {
    printEditorFailure('preparing the editor run', error);
    return 1;
  }
  try {
    const result = options.mode === 'desktop' ? await runDesktop(options, paths) : await runInCodeServer(options, paths);
    printResult(result);
    console.log(`e2e: VS Code ${result.vscodeVersion} (${options.mode}), ${Math.round((Date.now() - started) / 1000)} s in all; artifacts in ${path.relative(process.cwd(), paths.artifacts) || '.'}`);
    if (result.passes + result.failures === 0) {
      console.log('e2e: no test ran; a run without tests does not pass');
      return 1;
    }
    return result.failures === 0 ? 0 : 1;
  } catch (error) {
    const progress = path.join(paths.resultDir, PROGRESS_FILE);
    const sofar = countProgress(fs.existsSync(progress) ? fs.readFileSync(progress, 'utf8') : '');
    printEditorFailure(`running the suite in VS Code (${options.mode})`, error, sofar);
    console.log(`e2e: logs and screenshots in ${paths.artifacts}`);
    return 1;
  } finally {
    if (!options.keep) fs.rmSync(paths.runDir, { recursive: true, force: true });
    else console.log(`e2e: kept ${paths.runDir}`);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // process.exit runs the 'exit' hooks that kill code-server's process group.
  process.on(signal, () => process.exit(130));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    printEditorFailure('the e2e runner', error);
    process.exit(1);
  },
);
