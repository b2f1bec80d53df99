// Where VS Code desktop can be downloaded (LAMBDA_DOCK_E2E_VSCODE=desktop): @vscode/test-electron starts
// it with the same suite. Not usable on machines without Microsoft's download servers.
import { runTests } from '@vscode/test-electron';

export interface DesktopRun {
  extensionDir: string;
  suiteIndex: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  env: Record<string, string>;
}

/**
 * Resolves when VS Code has exited, with the error @vscode/test-electron reported if any; the suite's
 * result file tells the outcome.
 */
export async function runInDesktop(run: DesktopRun): Promise<string | undefined> {
  try {
    await runTests({
      version: process.env.LAMBDA_DOCK_E2E_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: run.extensionDir,
      extensionTestsPath: run.suiteIndex,
      extensionTestsEnv: run.env,
      launchArgs: [
        run.workspace,
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${run.userDataDir}`,
        `--extensions-dir=${run.extensionsDir}`,
      ],
    });
    return undefined;
  } catch (error) {
    // A failing suite makes VS Code exit non-zero too; only a missing result file means it did not run.
    return error instanceof Error ? error.message : String(error);
  }
}
