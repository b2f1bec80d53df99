import * as vscode from 'vscode';
import { Cancelled, picked } from '../commands/command';
import type { RouteRecord } from '../model/records';
import { pathParameterNames } from './routeRecords';

/** What Send Request sends: asked of the user, or given by a caller ({ pathParameters, query, body, headers, method }). */
export interface RequestInput {
  pathParameters: Record<string, string>;
  query: string;
  body: string;
  headers: Record<string, string>;
  /** For ANY routes: the method to send. */
  method?: string;
}

export function requestInputOf(arg: unknown): RequestInput | undefined {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg)) return undefined;
  const record = arg as Record<string, unknown>;
  const strings = (value: unknown): Record<string, string> =>
    value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};
  return {
    pathParameters: strings(record.pathParameters),
    query: typeof record.query === 'string' ? record.query : '',
    body: typeof record.body === 'string' ? record.body : record.body === undefined ? '' : JSON.stringify(record.body),
    headers: strings(record.headers),
    ...(typeof record.method === 'string' ? { method: record.method.toUpperCase() } : {}),
  };
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Asks for each path parameter, the query string, and (for methods with a body) the body in an editor. */
export async function askRequest(route: RouteRecord): Promise<RequestInput> {
  const input: RequestInput = { pathParameters: {}, query: '', body: '', headers: {} };
  if (route.method === 'ANY') {
    input.method = picked(await vscode.window.showQuickPick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'], { placeHolder: `${route.path} accepts any method: which one to send` }));
  }
  const method = input.method ?? route.method;
  for (const name of pathParameterNames(route.path)) {
    input.pathParameters[name] = picked(await vscode.window.showInputBox({
      prompt: `${method} ${route.path}: the value of {${name}}${name.endsWith('+') ? ' (may contain /)' : ''}`,
      ignoreFocusOut: true,
      validateInput: (value) => (value.length === 0 ? 'A path parameter cannot be empty' : undefined),
    }));
  }
  input.query = picked(await vscode.window.showInputBox({ prompt: `${method} ${route.path}: query string (a=1&b=2), or empty`, ignoreFocusOut: true }));
  if (BODY_METHODS.has(method)) input.body = await askBody(method, route.path);
  return input;
}

/** The body is written in an editor (a JSON document), sent when the user says so. */
async function askBody(method: string, path: string): Promise<string> {
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: '{\n  \n}\n' });
  await vscode.window.showTextDocument(document, { preview: false });
  const choice = await vscode.window.showInformationMessage(`Write the body of ${method} ${path} in the editor, then Send.`, 'Send', 'Send Without Body');
  if (choice === undefined) throw new Cancelled();
  return choice === 'Send' ? document.getText() : '';
}
