import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ERRORS, extensionError } from '../errors';
import type { DebugOptions } from '../../core/debug/debugTarget';
import type { InvokeResult } from '../../core/runtime/invokeResult';
import type { LambdaDockContext } from '../context';
import { EVENT_TEMPLATES, eventTemplate } from '../invoke/eventTemplates';
import { findRouteTemplate, routeDomainName, routeTemplates, type RouteTemplate } from '../invoke/routeTemplates';
import { listSavedEvents, parsePayload, readPayloadFile } from '../invoke/savedEvents';
import { resultModel } from '../results/resultModel';
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
  /** The result panel that shows it: the function's (one per function, reused). */
  view: string;
  /** It ran under a debugger (Debug Function, or the function's debug mode): its timeout was not enforced. */
  debugged?: boolean;
}

/**
 * Lambda Dock: Invoke Function... — the function, then the payload. Given a payload (JSON text or value,
 * { file }, { event }, { template }) it invokes at once; asked from the palette or a view, a template, a
 * saved event, events/<Function>.json or typed JSON opens in an editor first, and its title's Invoke
 * button (Invoke Payload) sends it.
 */
export const invokeFunction: CommandSpec = {
  id: 'lambdaDock.invokeFunction',
  title: 'Invoke Function',
  async run({ ctx }, functionArg, payloadArg) {
    ctx.requireWorkspace();
    // Before asking anything: with no engine (or an untrusted workspace) the invoke could not run.
    await ctx.ensureHost();
    const functionName = await pickFunction(ctx, functionArg, 'The function to invoke');
    const given = payloadArgOf(payloadArg);
    if (given) return invoke(ctx, functionName, await resolvePayload(ctx, functionName, given));
    const choice = await askPayload(ctx, functionName);
    if ('send' in choice) return invoke(ctx, functionName, readPayloadFile(choice.send));
    await ctx.drafts.open(functionName, await draftSource(ctx, functionName, choice.edit));
    return undefined;
  },
};

/** Lambda Dock: Edit Payload... — opens a payload for a function in an editor, to change and then invoke. */
export const editPayload: CommandSpec = {
  id: 'lambdaDock.editPayload',
  title: 'Edit Payload',
  async run({ ctx }, functionArg, payloadArg) {
    ctx.requireWorkspace();
    const functionName = await pickFunction(ctx, functionArg, 'The function whose payload to edit');
    const given = payloadArgOf(payloadArg);
    const choice = given ? { edit: given } : await askPayload(ctx, functionName);
    const source = 'send' in choice ? { file: choice.send } : await draftSource(ctx, functionName, choice.edit);
    const editor = await ctx.drafts.open(functionName, source);
    return editor.document.uri.fsPath;
  },
};

/** Lambda Dock: Invoke Payload — the payload in the active editor (a draft), sent to its function. */
export const invokeDraft: CommandSpec = {
  id: 'lambdaDock.invokeDraft',
  title: 'Invoke with This Payload',
  async run({ ctx }, uriArg) {
    const document = uriArg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uriArg) : vscode.window.activeTextEditor?.document;
    const functionName = document && ctx.drafts.functionOf(document);
    if (!document || !functionName) throw extensionError(EXTENSION_ERRORS.notFound, 'Open a payload with Lambda Dock: Invoke Function... first: this editor holds none.');
    if (document.isDirty) await document.save();
    return invoke(ctx, functionName, parsePayload(document.getText(), path.basename(document.uri.fsPath)));
  },
};

/** Lambda Dock: Invoke Again — the last function with the last payload. */
export const invokeAgain: CommandSpec = {
  id: 'lambdaDock.invokeAgain',
  title: 'Invoke Again',
  async run({ ctx }) {
    const last = ctx.lastInvocation;
    if (!last) throw extensionError(EXTENSION_ERRORS.nothingInvoked, 'Nothing was invoked yet in this window: run Lambda Dock: Invoke Function... first.');
    return invoke(ctx, last.functionName, last.payload);
  },
};

/** Runs one invocation (with `debug`, on a debugged instance of its own) and shows its result. */
export async function invoke(ctx: LambdaDockContext, functionName: string, payload: Buffer, debug?: DebugOptions): Promise<InvokeSummary> {
  const host = await ctx.ensureHost();
  const invokedAt = new Date();
  const title = debug || host.debugMode(functionName) ? `Lambda Dock: debugging ${functionName}` : `Lambda Dock: invoking ${functionName}`;
  // One notification from the deploy a function not yet deployed needs to the result, ended by either's failure.
  const result = await withProgress(title, async (signal) => {
    if (!host.functions().some((d) => d.name === functionName)) {
      const outcome = await ctx.deploys.deployFunctions([functionName]);
      const failed = outcome.failed.find((f) => f.name === functionName);
      if (failed) throw extensionError(EXTENSION_ERRORS.deployFailed, `${functionName} could not be deployed: ${failed.error}`);
      if (!outcome.deployed.includes(functionName)) throw extensionError(EXTENSION_ERRORS.notFound, `${functionName} is not a function of this workspace: check its name in the template.`);
    }
    ctx.lastInvocation = { functionName, payload };
    return host.invoke(functionName, payload, { signal, ...(debug ? { debug } : {}) });
  });
  ctx.log.info(`[invoke] ${functionName} ${result.requestId}: ${result.status}${result.error ? ` (${result.error.errorType}: ${result.error.errorMessage})` : ''}, ${result.report.durationMs.toFixed(1)} ms${result.coldStart ? ', cold start' : ''}`);
  ctx.results.show(resultModel(result, payload, invokedAt, ctx.deploys.definition(functionName)));
  return {
    functionName,
    requestId: result.requestId,
    status: result.status,
    payload: result.payload.toString('utf8'),
    ...(result.error ? { error: result.error } : {}),
    coldStart: result.coldStart,
    instanceId: result.instanceId,
    view: functionName,
    ...(result.debugged ? { debugged: true } : {}),
  };
}

export async function resolvePayload(ctx: LambdaDockContext, functionName: string, given: PayloadArg): Promise<Buffer> {
  switch (given.kind) {
    case 'text':
      return parsePayload(given.text, 'the typed payload');
    case 'file':
      return readPayloadFile(path.resolve(ctx.requireWorkspace(), given.file));
    default: {
      const source = await draftSource(ctx, functionName, given);
      return 'file' in source ? readPayloadFile(source.file) : Buffer.from(source.text);
    }
  }
}

/** What a payload choice opens in the editor: the file itself (saved events, events/<F>.json), else its text. */
async function draftSource(ctx: LambdaDockContext, functionName: string, choice: PayloadArg): Promise<{ text: string } | { file: string }> {
  const workspace = ctx.requireWorkspace();
  switch (choice.kind) {
    case 'text':
      return { text: choice.text };
    case 'file':
      return { file: path.resolve(workspace, choice.file) };
    case 'event': {
      const saved = listSavedEvents(workspace, functionName).find((e) => e.name === choice.name);
      if (!saved) throw extensionError(EXTENSION_ERRORS.notFound, `${functionName} has no saved event "${choice.name}" in .lambda-dock/events/${functionName}/.`);
      return { file: saved.file };
    }
    case 'template': {
      const template = eventTemplate(choice.id);
      if (!template) throw extensionError(EXTENSION_ERRORS.notFound, `No event template "${choice.id}": use one of ${EVENT_TEMPLATES.map((t) => t.id).join(', ')}.`);
      return { text: JSON.stringify(template.build(functionName, new Date()), null, 2) };
    }
    case 'route': {
      const templates = functionRouteTemplates(ctx, functionName);
      const template = findRouteTemplate(templates, choice.route, choice.api);
      if (!template) {
        const routes = templates.map((t) => t.route);
        throw extensionError(EXTENSION_ERRORS.notFound, `${functionName} has no HTTP route "${choice.route}"${choice.api ? ` on ${choice.api}` : ''}: ${routes.length > 0 ? `use one of ${routes.join(', ')}` : 'its template gives it none'}.`);
      }
      return { text: JSON.stringify(template.build(new Date()), null, 2) };
    }
  }
}

function functionRouteTemplates(ctx: LambdaDockContext, functionName: string): RouteTemplate[] {
  return routeTemplates(ctx.deploys.definition(functionName), routeDomainName(ctx.apiGateway.url, ctx.settings.current.apiPort));
}

/** events/<Function>.json in the workspace: the payload the CLI's `invoke --all` uses. */
export function conventionalEventFile(workspace: string, functionName: string): string | undefined {
  const file = path.join(workspace, 'events', `${functionName}.json`);
  return fs.existsSync(file) ? file : undefined;
}

/** A payload to open in an editor first, or a file to send as it is. */
export type PayloadChoice = { edit: PayloadArg } | { send: string };
type PayloadItem = vscode.QuickPickItem & { choice?: PayloadChoice | 'type' | 'open' };

export async function askPayload(ctx: LambdaDockContext, functionName: string): Promise<PayloadChoice> {
  const workspace = ctx.requireWorkspace();
  const saved = listSavedEvents(workspace, functionName);
  const conventional = conventionalEventFile(workspace, functionName);
  const items: PayloadItem[] = [];
  if (conventional) items.push({ label: `$(file-code) events/${functionName}.json`, description: 'this function\'s event (as the CLI uses it)', choice: { edit: { kind: 'file', file: conventional } } });
  items.push({ label: '$(edit) Type JSON...', description: 'in an editor', choice: 'type' });
  items.push({ label: '$(file) From a File...', description: 'sent as it is', choice: 'open' });
  if (saved.length > 0) {
    items.push({ label: 'Saved events', kind: vscode.QuickPickItemKind.Separator });
    items.push(...saved.map((e): PayloadItem => ({ label: `$(bookmark) ${e.name}`, description: vscode.workspace.asRelativePath(e.file), choice: { edit: { kind: 'event', name: e.name } } })));
  }
  const routes = functionRouteTemplates(ctx, functionName);
  if (routes.length > 0) {
    items.push({ label: 'HTTP routes', kind: vscode.QuickPickItemKind.Separator });
    items.push(...routes.map((t): PayloadItem => ({ label: `$(globe) ${t.label}`, description: t.description, choice: { edit: { kind: 'route', route: t.route, api: t.apiId } } })));
  }
  items.push({ label: 'Event templates (open in an editor to change)', kind: vscode.QuickPickItemKind.Separator });
  items.push(...EVENT_TEMPLATES.map((t): PayloadItem => ({ label: `$(symbol-event) ${t.label}`, description: t.description, choice: { edit: { kind: 'template', id: t.id } } })));
  const item = picked(await vscode.window.showQuickPick(items, { placeHolder: `The payload for ${functionName}` }));
  if (item.choice === 'type') {
    const previous = ctx.lastInvocation?.functionName === functionName ? ctx.lastInvocation.payload.toString('utf8') : '{}';
    return { edit: { kind: 'text', text: previous } };
  }
  if (item.choice === 'open') {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: false,
      defaultUri: vscode.Uri.file(workspace),
      filters: { JSON: ['json'] },
      openLabel: 'Invoke with this payload',
    });
    return { send: picked(files?.[0]).fsPath };
  }
  return picked(item.choice);
}
