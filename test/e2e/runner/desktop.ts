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

/** Resolves when VS Code has exited; the suite's result file tells the outcome. */
export async function runInDesktop(run: DesktopRun): Promise<void> {
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
  } catch (error) {
    // A failing suite makes VS Code exit non-zero; only a missing result file means VS Code did not run it.
    console.error(`VS Code desktop: ${(error as Error).message}`);
  }
}
