import * as vscode from 'vscode';
import { saveEvent, validEventName } from '../invoke/savedEvents';
import { picked, type CommandSpec } from './command';

/** Lambda Dock: Save Payload as Event — the last payload into .lambda-dock/events/<function>/<name>.json. */
export const savePayloadAsEvent: CommandSpec = {
  id: 'lambdaDock.savePayloadAsEvent',
  title: 'Save Payload as Event',
  async run({ ctx }, nameArg) {
    const workspace = ctx.requireWorkspace();
    const last = ctx.lastInvocation;
    if (!last) throw new Error('Invoke a function first: the payload of the last invocation is what gets saved.');
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
