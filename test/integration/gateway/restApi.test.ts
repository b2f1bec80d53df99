import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { type GatewayHarness, send, startGateway } from './harness';

const SAM = path.resolve(__dirname, '../../fixtures/gateway/sam');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

type Event = Record<string, unknown> & { requestContext: Record<string, unknown> };

/** REST APIs (payload 1.0) from the SAM fixture, over real HTTP, against the real engine. */
describe('HTTP APIs: REST APIs from a SAM template (payload 1.0)', function () {
  this.timeout(120_000);
  let gateway: GatewayHarness;

  before(async () => {
    gateway = await startGateway(SAM);
  });
  after(async () => {
    await gateway?.dispose();
  });

  it('builds the 1.0 event: resource, path, method, headers and multiValueHeaders, query, path parameters, requestContext', async () => {
    const reply = await send(gateway.url, 'GET', '/orders/42?a=1&a=2&b=hello%20world&flag', {
      headers: [['X-Custom', 'one'], ['X-Custom', 'two'], ['User-Agent', 'gateway-test/1'], ['Cookie', 'c1=a; c2=b']],
    });
    assert.equal(reply.status, 200, reply.text);
    const event = reply.json<Event>();
    assert.equal(event.resource, '/orders/{id}');
    assert.equal(event.path, '/orders/42');
    assert.equal(event.httpMethod, 'GET');
    const headers = event.headers as Record<string, string>;
    assert.equal(headers['X-Custom'], 'two', 'headers keep the last value, names as sent');
    assert.equal(headers.Cookie, 'c1=a; c2=b');
    assert.deepEqual((event.multiValueHeaders as Record<string, string[]>)['X-Custom'], ['one', 'two']);
    assert.equal(headers['X-Forwarded-Proto'], 'http');
    assert.equal(headers['X-Forwarded-For'], '127.0.0.1');
    assert.deepEqual(event.queryStringParameters, { a: '2', b: 'hello world', flag: '' });
    assert.deepEqual(event.multiValueQueryStringParameters, { a: ['1', '2'], b: ['hello world'], flag: [''] });
    assert.deepEqual(event.pathParameters, { id: '42' });
    assert.equal(event.stageVariables, null);
    assert.equal(event.body, null);
    assert.equal(event.isBase64Encoded, false);
    const ctx = event.requestContext;
    assert.equal(ctx.resourcePath, '/orders/{id}');
    assert.equal(ctx.stage, 'Prod');
    assert.equal(ctx.path, '/Prod/orders/42');
    assert.equal(ctx.httpMethod, 'GET');
    assert.equal(ctx.apiId, 'ServerlessRestApi');
    assert.equal(ctx.protocol, 'HTTP/1.1');
    assert.equal(ctx.requestId, reply.headers['x-amzn-requestid']);
    assert.equal((ctx.identity as Record<string, unknown>).sourceIp, '127.0.0.1');
    assert.equal((ctx.identity as Record<string, unknown>).userAgent, 'gateway-test/1');
    assert.match(String(ctx.requestTime), /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    assert.ok(Math.abs(Number(ctx.requestTimeEpoch) - Date.now()) < 60_000);
    assert.equal(reply.headers['x-handler'], 'echo');
    assert.equal(reply.headers['x-multi'], 'a, b', 'multiValueHeaders are sent as repeated headers');
  });

  it('passes a body as text, and as base64 for BinaryMediaTypes; stage variables and the explicit API\'s stage', async () => {
    const text = await send(gateway.url, 'POST', '/orders', { headers: [['Content-Type', 'application/json']], body: '{"item":"tea"}' });
    const textEvent = text.json<Event>();
    assert.equal(textEvent.body, '{"item":"tea"}');
    assert.equal(textEvent.isBase64Encoded, false);
    const binary = await send(gateway.url, 'POST', '/upload', { headers: [['Content-Type', 'image/png']], body: PNG });
    const binaryEvent = binary.json<Event>();
    assert.equal(binaryEvent.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(String(binaryEvent.body), 'base64'), PNG);
    assert.equal(binaryEvent.requestContext.stage, 'v1');
    assert.equal(binaryEvent.requestContext.path, '/v1/upload');
    assert.deepEqual(binaryEvent.stageVariables, { color: 'blue' });
  });

  it('matches as API Gateway does: a literal beats a parameter, a parameter beats a greedy path; ANY; {proxy+}', async () => {
    const special = (await send(gateway.url, 'GET', '/orders/special')).json<Event>();
    assert.equal(special.resource, '/orders/special');
    const param = (await send(gateway.url, 'GET', '/orders/special-ish')).json<Event>();
    assert.equal(param.resource, '/orders/{id}');
    const greedy = (await send(gateway.url, 'DELETE', '/files/a/b/c.txt')).json<Event>();
    assert.equal(greedy.resource, '/files/{proxy+}');
    assert.deepEqual(greedy.pathParameters, { proxy: 'a/b/c.txt' });
    assert.equal(greedy.httpMethod, 'DELETE');
    const index = (await send(gateway.url, 'GET', '/files/index/readme')).json<Event>();
    assert.equal(index.resource, '/files/index/{name}', 'a deeper literal path wins over the greedy one');
    const defined = (await send(gateway.url, 'GET', '/defined/widget')).json<Event>();
    assert.equal(defined.resource, '/defined/{name}', 'OpenAPI DefinitionBody paths are served');
    assert.equal(defined.requestContext.stage, 'beta');
    assert.equal(defined.requestContext.operationName, 'getDefined', "the OpenAPI operation's operationId, as API Gateway imports it");
    assert.ok(!('operationName' in greedy.requestContext), 'a method without an operation name has none');
  });

  it('maps responses: status, headers, multiValueHeaders; binary bodies for BinaryMediaTypes', async () => {
    const created = await send(gateway.url, 'GET', '/shape/created');
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, '/orders/1');
    assert.deepEqual(created.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(created.text, 'made');
    const noTypes = await send(gateway.url, 'GET', '/shape/binary', { headers: [['Accept', 'image/png']] });
    assert.equal(noTypes.text, PNG.toString('base64'), 'an API without BinaryMediaTypes sends the base64 text, as API Gateway does');
    const asBytes = await send(gateway.url, 'GET', '/image/binary', { headers: [['Accept', 'image/png']] });
    assert.deepEqual(asBytes.body, PNG, 'BinaryMediaTypes: image/png is answered as bytes');
  });

  it('answers a malformed response and a function error with 502, an integration timeout with 504', async () => {
    for (const kind of ['extra-key', 'object-body', 'no-status', 'throw']) {
      const reply = await send(gateway.url, 'GET', `/shape/${kind}`);
      assert.equal(reply.status, 502, kind);
      assert.deepEqual(reply.json(), { message: 'Internal server error' });
      assert.equal(reply.headers['x-amzn-errortype'], 'InternalServerErrorException');
    }
    const slow = await send(gateway.url, 'GET', '/slow');
    assert.equal(slow.status, 504);
    assert.deepEqual(slow.json(), { message: 'Endpoint request timed out' });
    assert.ok(gateway.warnings.some((w) => w.includes('refuses')), 'the log says why a response was refused');
  });

  it('answers CORS preflights from the API\'s Cors, without invoking', async () => {
    const reply = await send(gateway.url, 'OPTIONS', '/secure', {
      headers: [['Origin', 'https://app.example'], ['Access-Control-Request-Method', 'GET']],
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(reply.headers['access-control-allow-headers'], 'content-type,authorization');
    assert.equal(reply.headers['access-control-allow-methods'], 'GET,OPTIONS');
    assert.equal(reply.headers['access-control-max-age'], '600');
  });

  it('TOKEN authorizer: allows with context in requestContext.authorizer, caches for its TTL, denies with 403, 401 without a token', async () => {
    const first = await send(gateway.url, 'GET', '/secure', { headers: [['Authorization', 'allow-cache']] });
    assert.equal(first.status, 200, first.text);
    const authorizer = first.json<Event>().requestContext.authorizer as Record<string, unknown>;
    assert.equal(authorizer.principalId, 'user-1');
    assert.equal(authorizer.user, 'allow-cache');
    assert.equal(authorizer.admin, 'true', 'REST APIs hand context values on as strings');
    const second = await send(gateway.url, 'GET', '/secure', { headers: [['Authorization', 'allow-cache']] });
    assert.equal((second.json<Event>().requestContext.authorizer as Record<string, unknown>).calls, authorizer.calls, 'the cached answer is used within the TTL');
    const other = await send(gateway.url, 'GET', '/secure', { headers: [['Authorization', 'allow-other']] });
    assert.notEqual((other.json<Event>().requestContext.authorizer as Record<string, unknown>).calls, authorizer.calls, 'another token runs the authorizer');

    const denied = await send(gateway.url, 'GET', '/secure', { headers: [['Authorization', 'deny']] });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.json(), { Message: 'User is not authorized to access this resource' });
    const missing = await send(gateway.url, 'GET', '/secure');
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.json(), { message: 'Unauthorized' });
    const unauthorized = await send(gateway.url, 'GET', '/secure', { headers: [['Authorization', 'unauthorized']] });
    assert.equal(unauthorized.status, 401);
    const broken = await send(gateway.url, 'GET', '/secure', { headers: [['Authorization', 'broken']] });
    assert.equal(broken.status, 500);
    assert.equal(broken.headers['x-amzn-errortype'], 'AuthorizerConfigurationException');
    const open = await send(gateway.url, 'GET', '/open');
    assert.equal(open.status, 200, 'Authorizer: NONE opts a route out of the default authorizer');
  });

  it('REQUEST authorizer: gets the request, allows alice, denies others, runs every time with ReauthorizeEvery 0', async () => {
    const allowed = await send(gateway.url, 'GET', '/secure-request', { headers: [['X-User', 'alice']] });
    assert.equal(allowed.status, 200, allowed.text);
    const context = allowed.json<Event>().requestContext.authorizer as Record<string, unknown>;
    assert.equal(context.type, 'REQUEST');
    assert.equal(context.resource, '/secure-request');
    const again = await send(gateway.url, 'GET', '/secure-request', { headers: [['X-User', 'alice']] });
    assert.notEqual((again.json<Event>().requestContext.authorizer as Record<string, unknown>).calls, context.calls);
    const denied = await send(gateway.url, 'GET', '/secure-request', { headers: [['X-User', 'mallory']] });
    assert.equal(denied.status, 403);
    const missing = await send(gateway.url, 'GET', '/secure-request');
    assert.equal(missing.status, 401);
  });
});
