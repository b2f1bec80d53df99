import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { send } from '../../support/httpClient';
import { writeFiles } from '../support/engine';
import { startServe, type ServeProcess } from '../support/serveProcess';

type Event = Record<string, unknown> & { requestContext: Record<string, unknown> };

const INVOCATIONS = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions';

/**
 * APIs whose routes live in OpenAPI files beside the template, as real projects keep them: DefinitionUri
 * (the file as it is, CloudFormation substitutes nothing in it) and DefinitionBody with AWS::Include (its
 * intrinsics resolved). Served, and followed when the file is saved.
 */
describe('lambda-dock serve: routes from OpenAPI files (DefinitionUri, AWS::Include)', function () {
  this.timeout(180_000);
  let workspace: string;
  let serve: ServeProcess;

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-openapi-'));
    writeFiles(workspace, {
      'template.yaml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Orders:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Runtime: nodejs20.x',
        '      Handler: app.handler',
        '      FunctionName: shop-orders',
        '  OrdersApi:',
        '    Type: AWS::Serverless::Api',
        '    Properties:',
        '      StageName: prod',
        '      DefinitionUri: ./api/rest.yaml',
        '  OrdersHttpApi:',
        '    Type: AWS::Serverless::HttpApi',
        '    Properties:',
        '      DefinitionBody:',
        '        Fn::Transform:',
        '          Name: AWS::Include',
        '          Parameters:',
        '            Location: ./api/http.json',
        '',
      ].join('\n'),
      'app.js': 'exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });\n',
      'api/rest.yaml': [
        "openapi: '3.0.1'",
        'info: { title: orders, version: "1" }',
        'paths:',
        '  /orders/{id}:',
        '    get:',
        '      x-amazon-apigateway-integration:',
        '        type: aws_proxy',
        '        httpMethod: POST',
        `        uri: ${INVOCATIONS}/arn:aws:lambda:us-east-1:123456789012:function:shop-orders/invocations`,
        '  /orders:',
        '    post:',
        '      x-amazon-apigateway-integration:',
        '        type: aws_proxy',
        '        httpMethod: POST',
        `        uri: ${INVOCATIONS}/\${Orders.Arn}/invocations`,
        '',
      ].join('\n'),
      'api/http.json': JSON.stringify({
        openapi: '3.0.1',
        info: { title: 'orders-http', version: '1' },
        paths: {
          '/v2/orders': {
            get: {
              'x-amazon-apigateway-integration': {
                type: 'aws_proxy',
                httpMethod: 'POST',
                payloadFormatVersion: '2.0',
                uri: { 'Fn::Sub': `arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Orders.Arn}/invocations` },
              },
            },
          },
        },
      }, null, 2),
    });
    serve = startServe(workspace);
  });

  after(async () => {
    await serve?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('serves the paths of both files, each integration mapped to the function it names', async () => {
    const state = await serve.nextLine((line) => line.apiUrl !== undefined, 'its state');
    const base = String(state.apiUrl);
    assert.deepEqual(state.routes?.map((r) => `${r.method} ${r.path} ${r.functionName}`).sort(), [
      'GET /orders/{id} Orders',
      'GET /v2/orders Orders',
      'POST /orders Orders',
    ]);
    const rest = (await send(base, 'GET', '/orders/7')).json<Event>();
    assert.equal(rest.resource, '/orders/{id}');
    assert.deepEqual(rest.pathParameters, { id: '7' });
    assert.equal(rest.requestContext.stage, 'prod');
    assert.equal((await send(base, 'POST', '/orders', { body: '{}', headers: [['content-type', 'application/json']] })).status, 200);
    const http = (await send(base, 'GET', '/v2/orders')).json<Event>();
    assert.equal(http.routeKey, 'GET /v2/orders');
    assert.equal(http.version, '2.0');
  });

  it('serves a path added to the DefinitionUri file once it is saved', async () => {
    const seen = serve.lines.length;
    const file = path.join(workspace, 'api/rest.yaml');
    fs.appendFileSync(file, [
      '  /orders/{id}/cancel:',
      '    post:',
      '      x-amazon-apigateway-integration:',
      '        type: aws_proxy',
      '        httpMethod: POST',
      `        uri: ${INVOCATIONS}/\${Orders.Arn}/invocations`,
      '',
    ].join('\n'));
    const after = await serve.nextLine((line, index) => index >= seen && line.apiUrl !== undefined, 'its state after the OpenAPI file was saved');
    assert.ok(after.routes?.some((r) => r.method === 'POST' && r.path === '/orders/{id}/cancel'), JSON.stringify(after.routes));
    const cancel = await send(String(after.apiUrl), 'POST', '/orders/7/cancel', { body: '{}', headers: [['content-type', 'application/json']] });
    assert.equal(cancel.status, 200);
    assert.equal(cancel.json<Event>().resource, '/orders/{id}/cancel');
  });
});
