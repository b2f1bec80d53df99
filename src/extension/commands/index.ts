import { registerCommandTable, type CommandEnv, type CommandSpec } from './command';
import { cleanupStale, removeContainer, showContainerLogs, stopContainer } from './containers';
import { deployWorkspace } from './deploy';
import { refresh, retryEngine, selectEngine, showLog } from './engine';
import { savePayloadAsEvent } from './events';
import { openHandler, showFunctionLogs, stopInstance } from './functions';
import { invokeAgain, invokeFunction } from './invoke';

/** Every command of the extension; package.json's contributes.commands lists the same ids. */
export const COMMANDS: CommandSpec[] = [
  deployWorkspace,
  invokeFunction,
  invokeAgain,
  savePayloadAsEvent,
  showFunctionLogs,
  stopInstance,
  cleanupStale,
  selectEngine,
  openHandler,
  retryEngine,
  refresh,
  stopContainer,
  removeContainer,
  showContainerLogs,
  showLog,
];

export function registerCommands(env: CommandEnv): void {
  registerCommandTable(env, COMMANDS);
}
