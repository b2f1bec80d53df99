import { registerCommandTable, type CommandEnv, type CommandSpec } from './command';
import { cleanupStale, hideOtherWorkspaces, removeContainer, showContainerLogs, showOtherWorkspaces, stopContainer } from './containers';
import { deployWorkspace } from './deploy';
import { refresh, retryEngine, selectEngine, showLog } from './engine';
import { savePayloadAsEvent } from './events';
import { openHandler, showFunctionLogs, stopInstance } from './functions';
import { editPayload, invokeAgain, invokeDraft, invokeFunction } from './invoke';
import { copyRouteUrl, openRouteInBrowser, sendRequest } from '../routes/routeCommands';
import { debugFunction, toggleDebugMode } from '../debug/debugCommands';

/** Every command of the extension; package.json's contributes.commands lists the same ids. */
export const COMMANDS: CommandSpec[] = [
  deployWorkspace,
  invokeFunction,
  invokeAgain,
  editPayload,
  invokeDraft,
  debugFunction,
  toggleDebugMode,
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
  showOtherWorkspaces,
  hideOtherWorkspaces,
  showLog,
  sendRequest,
  copyRouteUrl,
  openRouteInBrowser,
];

export function registerCommands(env: CommandEnv): void {
  registerCommandTable(env, COMMANDS);
}
