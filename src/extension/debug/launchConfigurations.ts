import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { payloadArgOf, type PayloadArg } from '../commands/args';
import { resolvePayload } from '../commands/invoke';
import { pickFunction } from '../commands/pickers';
import type { LambdaDockContext } from '../context';
import { handlerLocation } from '../invoke/handlerLocation';
import { debugInvoke } from './debugCommands';

/** The debug type of launch.json configurations that debug a Lambda Dock function. */
export const DEBUG_TYPE = 'lambda-dock';

interface LambdaDockLaunch extends vscode.DebugConfiguration {
  function?: unknown;
  payload?: unknown;
  payloadFile?: unknown;
  event?: unknown;
}

/** A launch configuration for one function: F5 debugs it with an empty event. */
export function launchConfigurationFor(functionName: string): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${functionName} (Lambda Dock)`, function: functionName, payload: {} };
}

/** The payload a configuration names: payloadFile, event (a saved event) or payload (any JSON); none is {}. */
export function launchPayload(config: LambdaDockLaunch): PayloadArg {
  const given = ['payload', 'payloadFile', 'event'].filter((key) => config[key] !== undefined);
  if (given.length > 1) throw new Error(`"${config.name}" gives ${given.join(' and ')}: give one of payload, payloadFile or event.`);
  if (config.payloadFile !== undefined) {
    if (typeof config.payloadFile !== 'string') throw new Error(`"${config.name}": payloadFile must be the path of a JSON file.`);
    return { kind: 'file', file: config.payloadFile };
  }
  if (config.event !== undefined) {
    if (typeof config.event !== 'string') throw new Error(`"${config.name}": event must be the name of a saved event (.lambda-dock/events/FUNCTION/NAME.json).`);
    return { kind: 'event', name: config.event };
  }
  return payloadArgOf(config.payload ?? {}) ?? { kind: 'text', text: '{}' };
}

/**
 * `"type": "lambda-dock"` in launch.json. Resolving a configuration runs Debug Function with its function
 * and payload, which starts the attach session itself (the same one the command starts, with the same
 * safe stop); VS Code is then told not to start another (undefined).
 */
export class LambdaDockConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly ctx: LambdaDockContext) {}

  async provideDebugConfigurations(): Promise<vscode.DebugConfiguration[]> {
    await this.ctx.deploys.ensureDiscovered();
    return this.ctx.deploys.definitions.filter((d) => !d.runtime || d.runtime.startsWith('nodejs')).map((d) => launchConfigurationFor(d.name));
  }

  /** F5 without a launch.json: the function whose handler is in the active editor, else the one picked. */
  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (config.type || config.request || config.name) return config;
    await this.ctx.deploys.ensureDiscovered();
    const active = vscode.window.activeTextEditor?.document.uri.fsPath;
    const here = this.ctx.deploys.definitions.find((d) => active !== undefined && handlerLocation(d).file === active);
    return launchConfigurationFor(here?.name ?? (await pickFunction(this.ctx, undefined, 'The function to debug')));
  }

  async resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: LambdaDockLaunch): Promise<undefined> {
    if (config.request !== 'launch') throw new Error(`"${config.name}": a lambda-dock configuration is "request": "launch".`);
    if (typeof config.function !== 'string' || !config.function) throw new Error(`"${config.name}" names no function: add "function": "NAME" (one of the workspace's functions).`);
    const functionName = config.function;
    const payload = await resolvePayload(this.ctx, functionName, launchPayload(config));
    debugInvoke(this.ctx, functionName, payload).then(
      (summary) => this.ctx.log.info(`[debug] ${config.name}: ${summary.status}`),
      (error: unknown) => {
        this.ctx.log.error(`[debug] ${config.name} failed: ${errorMessage(error)}`, error);
        void vscode.window.showErrorMessage(`Lambda Dock: ${config.name}: ${errorMessage(error)}`);
      },
    );
    return undefined;
  }
}
