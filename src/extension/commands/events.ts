import * as vscode from 'vscode';
import { EXTENSION_ERRORS, extensionError } from '../errors';
import { saveEvent, validEventName } from '../invoke/savedEvents';
import { picked, type CommandSpec } from './command';

/**
 * Lambda Dock: Save Payload as Event — a payload into .lambda-dock/events/<function>/<name>.json: the one a
 * result panel shows ({ functionName, payload }), else the last invocation's.
 */
export const savePayloadAsEvent: CommandSpec = {
  id: 'lambdaDock.savePayloadAsEvent',
  title: 'Save Payload as Event',
  async run({ ctx }, nameArg, invocationArg) {
    const workspace = ctx.requireWorkspace();
    const last = invocationOf(invocationArg) ?? ctx.lastInvocation;
    if (!last) throw extensionError(EXTENSION_ERRORS.nothingInvoked, 'Invoke a function first: the payload of the last invocation is what gets saved.');
    const name =
      typeof nameArg === 'string' && nameArg
        ? nameArg
        : picked(
            await vscode.window.showInputBox({
              prompt: `Save the last payload of ${last.functionName} as an event named`,
              placeHolder: 'my-event',
              validateInput: (value) => validEventName(value),
            }),
          );
    const file = saveEvent(workspace, last.functionName, name, last.payload);
    ctx.log.info(`[events] saved ${file}`);
    void vscode.window.showInformationMessage(`Saved as ${vscode.workspace.asRelativePath(file)}: pick it under "Saved events" when invoking ${last.functionName}.`);
    return file;
  },
};

function invocationOf(arg: unknown): { functionName: string; payload: Buffer } | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const { functionName, payload } = arg as { functionName?: unknown; payload?: unknown };
  if (typeof functionName !== 'string' || typeof payload !== 'string') return undefined;
  return { functionName, payload: Buffer.from(payload) };
}
