import type * as vscode from 'vscode';
import { registerCommands } from './extension/commands';
import { LambdaDockContext } from './extension/context';
import { registerDebugging } from './extension/debug/registerDebugging';
import { registerStaleCleanupOnStart } from './extension/staleOnStart';
import { createTestApi, type LambdaDockApi } from './extension/testApi';
import { registerViews } from './extension/views/registerViews';

let context: LambdaDockContext | undefined;

/** Builds the one context that owns every service and hands it to the views and the commands. */
export function activate(extension: vscode.ExtensionContext): LambdaDockApi {
  const ctx = new LambdaDockContext(extension);
  context = ctx;
  const views = registerViews(ctx);
  registerCommands({ ctx, views });
  registerDebugging(ctx);
  registerStaleCleanupOnStart(ctx, views);
  ctx.log.info(`activated for ${ctx.workspace ?? 'a window without a folder'}`);
  return createTestApi(ctx, views);
}

/** Awaited by VS Code: the session's instances are terminated and its sockets removed. */
export async function deactivate(): Promise<void> {
  const ctx = context;
  context = undefined;
  await ctx?.disposeAsync();
}
