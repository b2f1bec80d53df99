import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InvokeSummary } from '../../../src/extension/commands/invoke';
import type { SendRequestSummary } from '../../../src/extension/routes/routeCommands';
import type { LambdaDockApi } from '../../../src/extension/testApi';
import { WORKSPACE_ENV } from '../protocol';
import { screenshot, until, visibleText } from './support/page';

const EXTENSION_ID = 'lambda-dock.lambda-dock';

/** A function with a REST and an HTTP API route, added to the fixture's template by this suite and removed after. */
const ROUTED_FUNCTION = `
  RoutedFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: routed/
      Handler: index.handler
      Runtime: nodejs20.x
      Timeout: 10
      Events:
        GetOrder:
          Type: Api
          Properties:
            Path: /orders/{id}
            Method: get
        PostOrder:
          Type: HttpApi
          Properties:
            Path: /orders
            Method: post
`;


async function replaceTemplate(file: string, text: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(file);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.ok(await document.save());
}

describe('API routes in the Functions view: Send Request and Copy URL', function () {
  this.timeout(180_000);
  let api: LambdaDockApi;
  let template: string;
  let original: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<LambdaDockApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    const workspace = fs.realpathSync(process.env[WORKSPACE_ENV]!);
    // A free port: other editors and tests on this machine may hold 3000.
    await vscode.workspace.getConfiguration('lambdaDock').update('apiPort', 0, vscode.ConfigurationTarget.Global);
    fs.mkdirSync(path.join(workspace, 'routed'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'routed', 'index.js'), [
      "exports.handler = async (event) => {",
      "  console.log('routed', event.httpMethod || event.requestContext.http.method);",
      "  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };",
      '};',
      '',
    ].join('\n'));
    template = path.join(workspace, 'template.yaml');
    original = fs.readFileSync(template, 'utf8');
    await replaceTemplate(template, `${original.trimEnd()}\n${ROUTED_FUNCTION}`);
    await vscode.commands.executeCommand('workbench.view.extension.lambda-dock');
  });

  after(async () => {
    if (original !== undefined) await replaceTemplate(template, original);
    await vscode.workspace.getConfiguration('lambdaDock').update('apiPort', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows each route under its function, with method and path', async () => {
    const routed = await until('RoutedFunction with its routes in the Functions view', async () => {
      await api.refresh();
      const fn = api.functionItems().find((i) => i.label === 'RoutedFunction');
      return fn && fn.children.filter((c) => c.contextValue.startsWith('route.')).length === 2 ? fn : undefined;
    }, 60_000);
    const routes = routed.children.filter((c) => c.contextValue.startsWith('route.'));
    assert.deepEqual(routes.map((r) => [r.label, r.contextValue]), [['GET /orders/{id}', 'route.get'], ['POST /orders', 'route.other']]);
    assert.match(routes[0].description, /REST API ServerlessRestApi/);
  });

  it('offers the function\'s own routes in the payload picker, and invokes with the event a request to the route brings', async () => {
    const editing = vscode.commands.executeCommand('lambdaDock.editPayload', 'RoutedFunction');
    const rows = await until('the payload picker listing RoutedFunction\'s routes', async () => {
      const shown = await visibleText('.quick-input-widget .monaco-list-row');
      return shown.some((t) => t.includes('GET /orders/{id}')) ? shown : undefined;
    });
    assert.ok(rows.some((t) => t.includes('GET /orders/{id}') && t.includes('REST API ServerlessRestApi, stage Prod, payload 1.0')), rows.join(' | '));
    assert.ok(rows.some((t) => t.includes('POST /orders') && t.includes('HTTP API ServerlessHttpApi, payload 2.0')), rows.join(' | '));
    assert.ok(rows.some((t) => t.includes('API Gateway (REST API)')), 'beside the generic templates');
    await screenshot('route-payload-templates');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await editing;

    const rest = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'RoutedFunction', { route: 'GET /orders/{id}' });
    assert.ok(rest, 'Invoke Function returned its summary');
    const restEvent = JSON.parse((JSON.parse(rest.payload) as { body: string }).body) as Record<string, unknown> & { requestContext: Record<string, unknown> };
    assert.deepEqual([restEvent.httpMethod, restEvent.resource, restEvent.path], ['GET', '/orders/{id}', '/orders/sample-id']);
    assert.deepEqual(restEvent.pathParameters, { id: 'sample-id' });
    assert.deepEqual([restEvent.requestContext.stage, restEvent.requestContext.path], ['Prod', '/Prod/orders/sample-id']);

    const http = await vscode.commands.executeCommand<InvokeSummary>('lambdaDock.invokeFunction', 'RoutedFunction', { route: 'POST /orders' });
    assert.ok(http);
    const httpEvent = JSON.parse((JSON.parse(http.payload) as { body: string }).body) as Record<string, unknown> & { requestContext: { http: { method: string } } };
    assert.deepEqual([httpEvent.version, httpEvent.routeKey, httpEvent.rawPath, httpEvent.requestContext.http.method], ['2.0', 'POST /orders', '/orders', 'POST']);
  });

  it('Send Request starts the HTTP APIs, sends the request and shows the response with the function\'s log', async () => {
    const routed = api.functionItems().find((i) => i.label === 'RoutedFunction')!;
    assert.ok(routed.children.some((c) => c.label === 'GET /orders/{id}'));
    const get = { functionName: 'RoutedFunction', method: 'GET', path: '/orders/{id}' };
    const summary = await vscode.commands.executeCommand<SendRequestSummary>('lambdaDock.sendRequest', get, { pathParameters: { id: '42' }, query: 'expand=items' });
    assert.ok(summary, 'Send Request returned its summary');
    assert.equal(summary.status, 200);
    assert.match(summary.url, /^http:\/\/127\.0\.0\.1:\d+\/orders\/42\?expand=items$/);
    const event = JSON.parse(summary.body) as { resource: string; pathParameters: Record<string, string>; queryStringParameters: Record<string, string> };
    assert.equal(event.resource, '/orders/{id}');
    assert.deepEqual(event.pathParameters, { id: '42' });
    assert.deepEqual(event.queryStringParameters, { expand: 'items' });
    assert.equal(summary.functionName, 'RoutedFunction');
    assert.match(summary.logs, /START RequestId: [\w-]+/);
    assert.match(summary.logs, /routed GET/);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === summary.document);
    assert.ok(document, 'the response document is open');
    const text = document.getText();
    assert.match(text, /^# 200 OK · GET \/orders\/42/);
    assert.match(text, /"resource": "\/orders\/\{id\}"/, 'the body is pretty-printed');
    assert.match(text, /## Log\n\n```log\nSTART RequestId/);

    const post = { functionName: 'RoutedFunction', method: 'POST', path: '/orders' };
    const posted = await vscode.commands.executeCommand<SendRequestSummary>('lambdaDock.sendRequest', post, { body: '{"item":"tea"}' });
    assert.ok(posted);
    assert.equal(posted.status, 200);
    const postedEvent = JSON.parse(posted.body) as { routeKey: string; body: string };
    assert.equal(postedEvent.routeKey, 'POST /orders');
    assert.equal(postedEvent.body, '{"item":"tea"}');
  });

  it('Copy URL puts the route\'s local URL on the clipboard', async () => {
    const get = { functionName: 'RoutedFunction', method: 'GET', path: '/orders/{id}' };
    const url = await vscode.commands.executeCommand<string>('lambdaDock.copyRouteUrl', get);
    assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/orders\/\{id\}$/);
    assert.equal(await vscode.env.clipboard.readText(), url);
  });
});
