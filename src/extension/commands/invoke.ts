import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InvokeResult } from '../../core/runtime/invokeResult';
import type { LambdaDockContext } from '../context';
import { EVENT_TEMPLATES, eventTemplate } from '../invoke/eventTemplates';
import { formatResult } from '../invoke/resultFormat';
import { listSavedEvents, parsePayload, readPayloadFile } from '../invoke/savedEvents';
import { payloadArgOf, type PayloadArg } from './args';
import { picked, withProgress, type CommandSpec } from './command';
import { pickFunction } from './pickers';

/** What Invoke Function returns to a caller of the command (tests, other extensions). */
export interface InvokeSummary {
  functionName: string;
  requestId: string;
  status: InvokeResult['status'];
  payload: string;
  error?: InvokeResult['error'];
  coldStart: boolean;
  instanceId: string;
  /** The read-only result document. */
  document: string;
}

/** Lambda Dock: Invoke Function... (function, then payload: typed, a file, a saved event, a template). */
export const invokeFunction: CommandSpec = {
  id: 'lambdaDock.invokeFunction',
  title: 'Invoke Function',
  async run({ ctx }, functionArg, payloadArg) {
    ctx.requireWorkspace();
    const functionName = await pickFunction(ctx, functionArg, 'The function to invoke');
    const payload = await resolvePayload(ctx, functionName, payloadArgOf(payloadArg));
    return invoke(ctx, functionName, payload);
  },
};

/** Lambda Dock: Invoke Again — the last function with the last payload. */
export const invokeAgain: CommandSpec = {
  id: 'lambdaDock.invokeAgain',
  title: 'Invoke Again',
  async run({ ctx }) {
    const last = ctx.lastInvocation;
    if (!last) throw new Error('Nothing was invoked yet in this window: run Lambda Dock: Invoke Function... first.');
    return invoke(ctx, last.functionName, last.payload);
  },
};

export async function invoke(ctx: LambdaDockContext, functionName: string, payload: Buffer): Promise<InvokeSummary> {
  const host = await ctx.ensureHost();
  if (!host.functions().some((d) => d.name === functionName)) {
    const outcome = await ctx.deploys.deployFunctions([functionName]);
    const failed = outcome.failed.find((f) => f.name === functionName);
    if (failed) throw new Error(`${functionName} could not be deployed: ${failed.error}`);
    if (!outcome.deployed.includes(functionName)) throw new Error(`${functionName} is not a function of this workspace: check its name in the template.`);
  }
  ctx.lastInvocation = { functionName, payload };
  const invokedAt = new Date();
  const result = await withProgress(`Lambda Dock: invoking ${functionName}`, (signal) => host.invoke(functionName, payload, { signal }));
  ctx.outputs.append(functionName, result.logs);
  ctx.log.info(`[invoke] ${functionName} ${result.requestId}: ${result.status}${result.error ? ` (${result.error.errorType}: ${result.error.errorMessage})` : ''}, ${result.report.durationMs.toFixed(1)} ms${result.coldStart ? ', cold start' : ''}`);
  const editor = await ctx.results.open(`${functionName}-${result.requestId.slice(0, 8)}`, formatResult(result, payload, invokedAt));
  return {
    functionName,
    requestId: result.requestId,
    status: result.status,
    payload: result.payload.toString('utf8'),
    ...(result.error ? { error: result.error } : {}),
    coldStart: result.coldStart,
    instanceId: result.instanceId,
    document: editor.document.uri.toString(),
  };
}

async function resolvePayload(ctx: LambdaDockContext, functionName: string, given: PayloadArg | undefined): Promise<Buffer> {
  const workspace = ctx.requireWorkspace();
  const choice = given ?? (await askPayload(ctx, functionName));
  switch (choice.kind) {
    case 'text':
      return parsePayload(choice.text, 'the typed payload');
    case 'file':
      return readPayloadFile(path.resolve(workspace, choice.file));
    case 'event': {
      const saved = listSavedEvents(workspace, functionName).find((e) => e.name === choice.name);
      if (!saved) throw new Error(`${functionName} has no saved event "${choice.name}" in .lambda-dock/events/${functionName}/.`);
      return readPayloadFile(saved.file);
    }
    case 'template': {
      const template = eventTemplate(choice.id);
      if (!template) throw new Error(`No event template "${choice.id}": use one of ${EVENT_TEMPLATES.map((t) => t.id).join(', ')}.`);
      return Buffer.from(JSON.stringify(template.build(functionName, new Date()), null, 2));
    }
  }
}

type PayloadItem = vscode.QuickPickItem & { choice?: PayloadArg | 'type' | 'file' };

async function askPayload(ctx: LambdaDockContext, functionName: string): Promise<PayloadArg> {
  const workspace = ctx.requireWorkspace();
  const saved = listSavedEvents(workspace, functionName);
  const items: PayloadItem[] = [
    { label: '$(edit) Type JSON...', choice: 'type' },
    { label: '$(file) From a File...', choice: 'file' },
  ];
  if (saved.length > 0) {
    items.push({ label: 'Saved events', kind: vscode.QuickPickItemKind.Separator });
    items.push(...saved.map((e): PayloadItem => ({ label: `$(bookmark) ${e.name}`, description: vscode.workspace.asRelativePath(e.file), choice: { kind: 'event', name: e.name } })));
  }
  items.push({ label: 'Event templates', kind: vscode.QuickPickItemKind.Separator });
  items.push(...EVENT_TEMPLATES.map((t): PayloadItem => ({ label: `$(symbol-event) ${t.label}`, description: t.description, choice: { kind: 'template', id: t.id } })));
  const item = picked(await vscode.window.showQuickPick(items, { placeHolder: `The payload for ${functionName}` }));
  if (item.choice === 'type') {
    const previous = ctx.lastInvocation?.functionName === functionName ? ctx.lastInvocation.payload.toString('utf8') : '{}';
    const text = await vscode.window.showInputBox({
      prompt: `JSON payload for ${functionName}`,
      value: previous,
      validateInput: (value) => {
        try {
          JSON.parse(value);
          return undefined;
        } catch (error) {
          return `Not JSON: ${(error as Error).message}`;
        }
      },
    });
    return { kind: 'text', text: picked(text) };
  }
  if (item.choice === 'file') {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: false,
      defaultUri: vscode.Uri.file(workspace),
      filters: { JSON: ['json'] },
      openLabel: 'Invoke with this payload',
    });
    return { kind: 'file', file: picked(files?.[0]).fsPath };
  }
  return picked(item.choice);
}
