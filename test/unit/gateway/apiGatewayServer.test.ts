import * as assert from 'node:assert/strict';
import type { FunctionDefinition } from '../../../src/core/functions/definition';
import type { HttpApiDefinition, HttpRouteDefinition } from '../../../src/core/functions/routes';
import { ApiGatewayServer, type ServedRequest } from '../../../src/core/gateway/apiGatewayServer';
import { send } from '../../support/httpClient';
import { FakeInvoker } from '../api/fakeInvoker';

const REST: HttpApiDefinition = { id: 'Api', kind: 'rest', stage: 'Prod', binaryMediaTypes: [], source: { file: 't.yaml', line: 3 } };
const HTTP: HttpApiDefinition = { ...REST, id: 'Http', kind: 'http', stage: '$default' };

function route(api: HttpApiDefinition, method: string, path: string): HttpRouteDefinition {
  return { api, method, path, payloadFormat: api.kind === 'rest' ? '1.0' : '2.0', timeoutMs: 29_000, source: { file: 't.yaml', line: 9 } };
}

describe('ApiGatewayServer (fake functions, real HTTP)', () => {
  let invoker: FakeInvoker;
  let server: ApiGatewayServer;
  let url: string;

  const start = async (routes: Partial<FunctionDefinition>['routes']): Promise<void> => {
    invoker = new FakeInvoker().add({ name: 'Orders', routes }, () => ({ ok: { statusCode: 200, body: 'ok' } }));
    server = new ApiGatewayServer({ invoker, port: 0 });
    url = await server.start();
  };
  afterEach(async () => {
    await server.close();
  });

  it('a REST-only workspace answers an unknown path or method 403 Missing Authentication Token, as REST APIs do', async () => {
    await start([route(REST, 'GET', '/orders/{id}')]);
    for (const [method, path] of [['GET', '/nope'], ['POST', '/orders/1'], ['GET', '/orders']]) {
      const reply = await send(url, method, path);
      assert.equal(reply.status, 403, `${method} ${path}`);
      assert.deepEqual(reply.json(), { message: 'Missing Authentication Token' });
      assert.equal(reply.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    }
    assert.equal(invoker.calls.length, 0);
  });

  it('a workspace with HTTP APIs answers an unknown route 404 Not Found', async () => {
    await start([route(HTTP, 'GET', '/items')]);
    const reply = await send(url, 'GET', '/nope');
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.json(), { message: 'Not Found' });
  });

  it('lists its routes with their URLs; refresh follows a redeploy; each answer is reported with the function\'s log', async () => {
    await start([route(REST, 'GET', '/orders/{id}')]);
    assert.deepEqual(server.routes().map((r) => `${r.method} ${r.url} ${r.functionName}`), [`GET ${url}/orders/{id} Orders`]);
    invoker.add({ name: 'Items', routes: [route(HTTP, 'POST', '/items'), route(HTTP, 'ANY', '$default')] }, () => ({ ok: { made: true } }));
    assert.equal((await send(url, 'POST', '/items')).status, 403, 'not served before refresh');
    server.refresh();
    const served: ServedRequest[] = [];
    const subscription = server.onDidServe((request) => served.push(request));
    const reply = await send(url, 'POST', '/items', { body: '{}' });
    subscription.dispose();
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), { made: true });
    assert.equal(served.length, 1);
    assert.equal(served[0].functionName, 'Items');
    assert.equal(served[0].requestId, reply.headers['apigw-requestid']);
    assert.match(await served[0].logs, /^START RequestId/);
    assert.deepEqual(server.routes().map((r) => `${r.method} ${r.path}`), ['GET /orders/{id}', 'POST /items', 'ANY $default']);
  });
});
