import * as vscode from 'vscode';
import type { LambdaDockContext } from '../context';
import { HandlerCodeLens } from './handlerCodeLens';
import { DEBUG_TYPE, LambdaDockConfigurationProvider } from './launchConfigurations';
import { registerSafeStop } from './safeStop';

/** The editor's debugging: launch.json's lambda-dock type, the handlers' code lenses, and safe Stop. */
export function registerDebugging(ctx: LambdaDockContext): void {
  const provider = new LambdaDockConfigurationProvider(ctx);
  ctx.own(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider));
  // Also listed in the Run and Debug view's dropdown without a launch.json.
  ctx.own(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations: () => provider.provideDebugConfigurations() }, vscode.DebugConfigurationProviderTriggerKind.Dynamic));
  const lenses = ctx.own(new HandlerCodeLens(ctx));
  ctx.own(vscode.languages.registerCodeLensProvider([{ scheme: 'file', language: 'javascript' }, { scheme: 'file', language: 'typescript' }], lenses));
  ctx.own(registerSafeStop((instanceId) => ctx.debugSessions.stopRequested(instanceId), (line) => ctx.log.info(line)));
}
