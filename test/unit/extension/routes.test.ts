import * as assert from 'node:assert/strict';
import { statusText } from '../../../src/extension/editor/statusText';
import type { RouteRecord } from '../../../src/extension/model/records';
import { formatExchange, prettyBody } from '../../../src/extension/routes/responseFormat';
import { routeNode } from '../../../src/extension/routes/routeNodes';
import { fillPath, pathParameterNames, routeKeyOf } from '../../../src/extension/routes/routeRecords';

const ROUTE: RouteRecord = { functionName: 'Orders', method: 'GET', path: '/orders/{id}', apiId: 'ServerlessRestApi', apiKind: 'rest', stage: 'Prod' };

describe('routes in the editor', () => {
  it('a route node shows method and path, and reads back as the route a command is about', () => {
    const node = routeNode(ROUTE);
    assert.equal(node.label, 'GET /orders/{id}');
    assert.equal(node.contextValue, 'route.get');
    assert.equal(routeNode({ ...ROUTE, method: 'POST' }).contextValue, 'route.other');
    assert.deepEqual(routeKeyOf(node), { functionName: 'Orders', apiId: 'ServerlessRestApi', method: 'GET', path: '/orders/{id}' });
    assert.equal(node.id, 'route:Orders|ServerlessRestApi|GET|/orders/{id}');
    assert.deepEqual(routeKeyOf({ functionName: 'Orders', method: 'get', path: '/orders/{id}' }), { functionName: 'Orders', method: 'GET', path: '/orders/{id}' });
    assert.equal(routeKeyOf('Orders'), undefined);
  });

  it('fills path parameters, greedy ones keeping their slashes', () => {
    assert.deepEqual(pathParameterNames('/files/{bucket}/{proxy+}'), ['bucket', 'proxy+']);
    assert.equal(fillPath('/files/{bucket}/{proxy+}', { bucket: 'a b', 'proxy+': 'x/y z' }), '/files/a%20b/x/y%20z');
    assert.equal(fillPath('$default', {}), '/');
  });

  it('the response document: status, headers, the JSON body indented, and the log', () => {
    const text = formatExchange({
      method: 'GET', url: 'http://127.0.0.1:3000/orders/1', requestHeaders: { 'user-agent': 'lambda-dock' }, requestBody: '',
      status: 200, statusText: 'OK', headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }, body: Buffer.from('{"id":"1"}'), durationMs: 3.2,
    }, 'Orders', 'START RequestId: x\nEND RequestId: x\n');
    assert.match(text, /^# 200 OK · GET \/orders\/1/);
    assert.match(text, /set-cookie: a=1\nset-cookie: b=2/);
    assert.match(text, /```json\n\{\n {2}"id": "1"\n\}\n```/);
    assert.match(text, /```log\nSTART RequestId: x\nEND RequestId: x\n```/);
    assert.deepEqual(prettyBody(Buffer.from([0, 1, 2]), 'image/png'), { language: 'text', text: '(3 bytes of image/png, base64)\nAAEC' });
  });

  it('the status bar tooltip names the HTTP APIs\' and the Invoke API\'s URLs', () => {
    const ready = { kind: 'ready' as const, engine: 'docker', endpoint: '/var/run/docker.sock', isolated: true };
    const tooltip = statusText({ engine: ready, deploying: false, deployOnSave: true, apiUrl: 'http://127.0.0.1:3000', invokeApiUrl: 'http://127.0.0.1:3001' }).tooltip;
    assert.match(tooltip, /HTTP APIs: http:\/\/127\.0\.0\.1:3000\nInvoke API: http:\/\/127\.0\.0\.1:3001$/);
    assert.match(statusText({ engine: ready, deploying: false, deployOnSave: true }).tooltip, /HTTP APIs: start on first Send Request/);
  });
});
