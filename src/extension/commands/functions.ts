import * as vscode from 'vscode';
import { EXTENSION_ERRORS, extensionError } from '../errors';
import { handlerLocation } from '../invoke/handlerLocation';
import { instanceOf } from './args';
import { picked, type CommandSpec } from './command';
import { pickFunction } from './pickers';
import { plural } from '../views/treeNode';

/** Lambda Dock: Show Function Logs — the function's own output channel. */
export const showFunctionLogs: CommandSpec = {
  id: 'lambdaDock.showFunctionLogs',
  title: 'Show Function Logs',
  async run({ ctx }, arg) {
    const name = await pickFunction(ctx, arg, 'Show the output of');
    ctx.outputs.show(name);
    return name;
  },
};

/** Lambda Dock: Open Handler — the handler's source at its export. */
export const openHandler: CommandSpec = {
  id: 'lambdaDock.openHandler',
  title: 'Open Handler',
  async run({ ctx }, arg) {
    const name = await pickFunction(ctx, arg, 'Open the handler of');
    const definition = ctx.deploys.definition(name);
    if (!definition) throw extensionError(EXTENSION_ERRORS.notFound, `${name} is not a function of this workspace.`);
    const location = handlerLocation(definition);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
    const position = new vscode.Position(location.line, 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
    return location.file;
  },
};

/** Lambda Dock: Stop Instance — terminates one warm instance (the next invoke starts a new one). */
export const stopInstance: CommandSpec = {
  id: 'lambdaDock.stopInstance',
  title: 'Stop Instance',
  async run({ ctx }, arg) {
    const given = instanceOf(arg);
    let instanceId = typeof given === 'string' ? given : given?.instanceId;
    if (!instanceId) {
      const host = ctx.hosts.current;
      const instances = host?.instances().filter((i) => i.state !== 'stopped') ?? [];
      if (instances.length === 0) throw extensionError(EXTENSION_ERRORS.nothingToChoose, 'No warm instances are running in this window.');
      const choice = await vscode.window.showQuickPick(
        instances.map((i) => ({ label: i.instanceId, description: `${i.functionName} · ${i.state} · ${plural(i.invocations, 'invocation')}` })),
        { placeHolder: 'The instance to stop' },
      );
      instanceId = picked(choice).label;
    }
    const host = await ctx.ensureHost();
    // Through the pool, so it forgets the instance at once (the next invoke starts a new one).
    await host.stopInstance(instanceId);
    ctx.log.info(`[instances] stopped ${instanceId}`);
    return instanceId;
  },
};
