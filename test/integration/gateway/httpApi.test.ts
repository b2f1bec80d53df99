import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { type GatewayHarness, send, startGateway } from './harness';

const SAM = path.resolve(__dirname, '../../fixtures/gateway/sam');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

type Event = Record<string, unknown> & { requestContext: Record<string, unknown> };

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.signature`;
}

/** HTTP APIs (payload 2.0, and 1.0 where asked) from the SAM fixture, over real HTTP, against the real engine. */
describe('HTTP APIs: HTTP APIs from a SAM template (payload 2.0)', function () {
  this.timeout(120_000);
  let gateway: GatewayHarness;

  before(async () => {
    gateway = await startGateway(SAM);
  });
  after(async () => {
    await gateway?.dispose();
  });

  it('builds the 2.0 event: routeKey, rawPath, rawQueryString, cookies, lower-case joined headers, requestContext.http, times', async () => {
    const reply = await send(gateway.url, 'GET', '/v2/items/7?x=1&x=2&y=a%2Bb', {
      headers: [['X-Custom', 'one'], ['X-Custom', 'two'], ['Cookie', 'c1=a; c2=b'], ['User-Agent', 'gateway-test/2']],
    });
    assert.equal(reply.status, 200, reply.text);
    const event = reply.json<Event>();
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, 'GET /v2/items/{id}');
    assert.equal(event.rawPath, '/v2/items/7');
    assert.equal(event.rawQueryString, 'x=1&x=2&y=a%2Bb');
    assert.deepEqual(event.cookies, ['c1=a', 'c2=b']);
    const headers = event.headers as Record<string, string>;
    assert.equal(headers['x-custom'], 'one,two');
    assert.equal(headers.cookie, undefined, 'cookies move to their own list');
    assert.deepEqual(event.queryStringParameters, { x: '1,2', y: 'a+b' });
    assert.deepEqual(event.pathParameters, { id: '7' });
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.body, undefined);
    const ctx = event.requestContext;
    assert.deepEqual(ctx.http, { method: 'GET', path: '/v2/items/7', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'gateway-test/2' });
    assert.equal(ctx.routeKey, 'GET /v2/items/{id}');
    assert.equal(ctx.stage, '$default');
    assert.equal(ctx.requestId, reply.headers['apigw-requestid']);
    assert.match(String(ctx.time), /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    assert.equal(typeof ctx.timeEpoch, 'number');
  });

  it('bodies: text as text, anything else base64 with isBase64Encoded', async () => {
    const json = (await send(gateway.url, 'POST', '/v2/items', { headers: [['Content-Type', 'application/json']], body: '{"a":1}' })).json<Event>();
    assert.equal(json.body, '{"a":1}');
    assert.equal(json.isBase64Encoded, false);
    const binary = (await send(gateway.url, 'POST', '/v2/items', { headers: [['Content-Type', 'application/octet-stream']], body: PNG })).json<Event>();
    assert.equal(binary.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(String(binary.body), 'base64'), PNG);
  });

  it('PayloadFormatVersion 1.0 on an HTTP API gives the 1.0 event with version 1.0', async () => {
    const event = (await send(gateway.url, 'GET', '/v1format/3?q=1')).json<Event>();
    assert.equal(event.version, '1.0');
    assert.equal(event.resource, '/v1format/{id}');
    assert.deepEqual(event.pathParameters, { id: '3' });
    assert.deepEqual(event.multiValueQueryStringParameters, { q: ['1'] });
    assert.equal(event.requestContext.path, '/v1format/3');
  });

  it('greedy ANY route and the 404 of an unknown route', async () => {
    const event = (await send(gateway.url, 'PATCH', '/v2/any/deep/er')).json<Event>();
    assert.equal(event.routeKey, 'ANY /v2/any/{proxy+}');
    assert.deepEqual(event.pathParameters, { proxy: 'deep/er' });
    const missing = await send(gateway.url, 'GET', '/v2/nothing-here');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { message: 'Not Found' });
  });

  it('maps responses: the 2.0 shorthand, a string, cookies, binary; errors 500 and timeouts 503 as HTTP APIs answer', async () => {
    const shorthand = await send(gateway.url, 'GET', '/v2/shape/shorthand');
    assert.equal(shorthand.status, 200);
    assert.equal(shorthand.headers['content-type'], 'application/json');
    assert.deepEqual(shorthand.json(), { hello: 'world' });
    const plain = await send(gateway.url, 'GET', '/v2/shape/string');
    assert.equal(plain.status, 200);
    assert.equal(plain.text, 'plain words');
    const cookies = await send(gateway.url, 'GET', '/v2/shape/cookies');
    assert.equal(cookies.status, 201);
    assert.deepEqual(cookies.headers['set-cookie'], ['a=1; Path=/', 'b=2']);
    assert.equal(cookies.headers['x-kind'], 'cookies');
    const binary = await send(gateway.url, 'GET', '/v2/shape/binary');
    assert.deepEqual(binary.body, PNG);
    for (const kind of ['throw', 'bad-status']) {
      const failed = await send(gateway.url, 'GET', `/v2/shape/${kind}`);
      assert.equal(failed.status, 500, kind);
      assert.deepEqual(failed.json(), { message: 'Internal Server Error' });
    }
    const slow = await send(gateway.url, 'GET', '/v2/slow');
    assert.equal(slow.status, 503);
    assert.deepEqual(slow.json(), { message: 'Service Unavailable' });
  });

  it('CORS: preflight answered 204 for an allowed origin, headers on responses, nothing for other origins', async () => {
    const preflight = await send(gateway.url, 'OPTIONS', '/h/cors', {
      headers: [['Origin', 'https://app.example'], ['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', 'content-type']],
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET,POST');
    assert.equal(preflight.headers['access-control-allow-headers'], 'content-type');
    assert.equal(preflight.headers['access-control-max-age'], '600');
    const response = await send(gateway.url, 'POST', '/h/cors', { headers: [['Origin', 'https://app.example']], body: 'x' });
    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(response.headers['access-control-expose-headers'], 'x-trace');
    const stranger = await send(gateway.url, 'POST', '/h/cors', { headers: [['Origin', 'https://evil.example']], body: 'x' });
    assert.equal(stranger.headers['access-control-allow-origin'], undefined);
  });

  it('REQUEST authorizer with simple responses: allows with context in requestContext.authorizer.lambda, caches, 403 and 401', async () => {
    const first = await send(gateway.url, 'GET', '/h/simple', { headers: [['Authorization', 'yes-1']] });
    assert.equal(first.status, 200, first.text);
    const lambda = (first.json<Event>().requestContext.authorizer as { lambda: Record<string, unknown> }).lambda;
    assert.equal(lambda.token, 'yes-1');
    assert.deepEqual(lambda.identitySource, ['yes-1']);
    assert.match(String(lambda.routeArn), /^arn:aws:execute-api:[^:]+:\d+:AuthHttpApi\/live\/GET\/h\/simple$/);
    const second = await send(gateway.url, 'GET', '/h/simple', { headers: [['Authorization', 'yes-1']] });
    assert.equal((second.json<Event>().requestContext.authorizer as { lambda: Record<string, unknown> }).lambda.calls, lambda.calls, 'cached for the TTL');
    const no = await send(gateway.url, 'GET', '/h/simple', { headers: [['Authorization', 'no']] });
    assert.equal(no.status, 403);
    assert.deepEqual(no.json(), { message: 'Forbidden' });
    const missing = await send(gateway.url, 'GET', '/h/simple');
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.json(), { message: 'Unauthorized' });
  });

  it('REQUEST authorizer answering IAM policies: allow and deny', async () => {
    const allowed = await send(gateway.url, 'GET', '/h/policy', { headers: [['X-Key', 'good']] });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal((allowed.json<Event>().requestContext.authorizer as { lambda: Record<string, unknown> }).lambda.key, 'good');
    const denied = await send(gateway.url, 'GET', '/h/policy', { headers: [['X-Key', 'bad']] });
    assert.equal(denied.status, 403);
  });

  it('JWT authorizer: passes unverified, claims in requestContext.authorizer.jwt, one warning for the route', async () => {
    const token = jwt({ sub: 'u-1', scope: 'read write' });
    const first = await send(gateway.url, 'GET', '/h/jwt', { headers: [['Authorization', `Bearer ${token}`]] });
    assert.equal(first.status, 200, first.text);
    const jwtContext = (first.json<Event>().requestContext.authorizer as { jwt: { claims: Record<string, unknown>; scopes: string[] } }).jwt;
    assert.equal(jwtContext.claims.sub, 'u-1');
    assert.deepEqual(jwtContext.scopes, ['read', 'write']);
    await send(gateway.url, 'GET', '/h/jwt');
    assert.equal(gateway.warnings.filter((w) => w.includes('GET /h/jwt') && w.includes('cannot be checked offline')).length, 1);
  });
});
