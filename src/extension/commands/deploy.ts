import * as vscode from 'vscode';
import type { DeployOutcome } from '../workspace/deployService';
import { withProgress, type CommandSpec } from './command';

/** Lambda Dock: Deploy Workspace — discover, package and register every function; returns the outcome. */
export const deployWorkspace: CommandSpec = {
  id: 'lambdaDock.deployWorkspace',
  title: 'Deploy Workspace',
  async run({ ctx }) {
    ctx.requireWorkspace();
    const outcome: DeployOutcome = await withProgress('Lambda Dock: deploying the workspace', () => ctx.deploys.deployAll());
    if (outcome.failed.length > 0) {
      const summary = outcome.failed.map((f) => `${f.name}: ${f.error}`).join('; ');
      void vscode.window.showWarningMessage(`Deployed ${outcome.deployed.length}, ${outcome.failed.length} failed: ${summary}`, 'Show Log').then((choice) => {
        if (choice) ctx.showLog();
      });
    } else if (outcome.deployed.length === 0) {
      void vscode.window.showInformationMessage('This workspace defines no functions: add one to a template.yaml, serverless.yml or lambda-dock.json.');
    }
    return outcome;
  },
};
