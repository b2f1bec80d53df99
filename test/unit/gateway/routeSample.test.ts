import * as assert from 'node:assert/strict';
import type { HttpApiDefinition, HttpRouteDefinition } from '../../../src/core/functions/routes';
import { ApiGatewayServer } from '../../../src/core/gateway/apiGatewayServer';
import { sampleRouteEvent, sampleRouteRequest } from '../../../src/core/gateway/routeSample';
import { send } from '../../support/httpClient';
import { FakeInvoker } from '../api/fakeInvoker';

const REST: HttpApiDefinition = { id: 'ServerlessRestApi', kind: 'rest', stage: 'Prod', stageVariables: { table: 'orders' }, binaryMediaTypes: [], source: { file: 't.yaml', line: 3 } };
const HTTP: HttpApiDefinition = { id: 'ServerlessHttpApi', kind: 'http', stage: '$default', binaryMediaTypes: [], source: { file: 't.yaml', line: 3 } };

function route(api: HttpApiDefinition, method: string, path: string, payloadFormat: '1.0' | '2.0' = api.kind === 'rest' ? '1.0' : '2.0'): HttpRouteDefinition {
  return { api, method, path, payloadFormat, timeoutMs: 29_000, source: { file: 't.yaml', line: 9 } };
}

type Event = Record<string, unknown> & { requestContext: Record<string, unknown> };
const NOW = new Date('2026-03-12T19:03:58Z');
const sample = (r: HttpRouteDefinition): Event => sampleRouteEvent('Orders', r, { domainName: '127.0.0.1:3000', now: NOW }) as Event;

/** The fields that differ between any two requests: their ids and times. */
function withoutRequestIdentity(event: Event): Event {
  const context = { ...event.requestContext };
  for (const key of ['requestId', 'extendedRequestId', 'time', 'timeEpoch', 'requestTime', 'requestTimeEpoch']) delete context[key];
  return { ...event, requestContext: context };
}

describe('payload templates built from a function\'s own HTTP route', () => {
  it('REST API (payload 1.0): the route\'s method, resource and path with parameters filled, the stage in the path, no version', () => {
    const event = sample(route(REST, 'GET', '/orders/{id}'));
    assert.equal(event.version, undefined);
    assert.equal(event.httpMethod, 'GET');
    assert.equal(event.resource, '/orders/{id}');
    assert.equal(event.path, '/orders/sample-id');
    assert.deepEqual(event.pathParameters, { id: 'sample-id' });
    assert.deepEqual(event.stageVariables, { table: 'orders' });
    assert.equal(event.body, null);
    assert.equal(event.requestContext.stage, 'Prod');
    assert.equal(event.requestContext.path, '/Prod/orders/sample-id');
    assert.equal(event.requestContext.resourcePath, '/orders/{id}');
    assert.equal(event.requestContext.httpMethod, 'GET');
    assert.equal(event.requestContext.requestTime, '12/Mar/2026:19:03:58 +0000');
  });

  it('HTTP API (payload 2.0): version 2.0, the route key, a greedy parameter, a JSON body for POST', () => {
    const event = sample(route(HTTP, 'POST', '/files/{proxy+}'));
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, 'POST /files/{proxy+}');
    assert.equal(event.rawPath, '/files/sample-proxy/path');
    assert.deepEqual(event.pathParameters, { proxy: 'sample-proxy/path' });
    assert.equal(event.body, '{}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.requestContext.stage, '$default');
    assert.equal(event.requestContext.routeKey, 'POST /files/{proxy+}');
    assert.deepEqual(event.requestContext.http, { method: 'POST', path: '/files/sample-proxy/path', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'lambda-dock' });
    assert.equal((event.headers as Record<string, string>)['content-type'], 'application/json');
  });

  it('HTTP API asking for payload 1.0: version 1.0 and the route key in the request context', () => {
    const event = sample(route(HTTP, 'DELETE', '/orders/{id}', '1.0'));
    assert.equal(event.version, '1.0');
    assert.equal(event.httpMethod, 'DELETE');
    assert.equal(event.path, '/orders/sample-id');
    assert.equal(event.requestContext.routeKey, 'DELETE /orders/{id}');
    assert.equal(event.requestContext.path, '/orders/sample-id', 'HTTP APIs report the path as requested');
  });

  it('ANY as a GET, and an HTTP API\'s $default route at /', () => {
    assert.equal(sample(route(REST, 'ANY', '/health')).httpMethod, 'GET');
    const event = sample(route(HTTP, 'ANY', '$default'));
    assert.equal(event.routeKey, '$default');
    assert.equal(event.rawPath, '/');
    assert.equal(event.pathParameters, undefined);
  });

  describe('is the event the gateway builds for the same request to the route', () => {
    const routes = [route(REST, 'GET', '/orders/{id}'), route(REST, 'PUT', '/orders/{id}/items/{item}'), route(HTTP, 'POST', '/files/{proxy+}'), route(HTTP, 'DELETE', '/orders/{id}', '1.0'), route(HTTP, 'ANY', '$default')];
    let server: ApiGatewayServer;
    let invoker: FakeInvoker;
    let url: string;

    before(async () => {
      invoker = new FakeInvoker().add({ name: 'Orders', routes }, () => ({ ok: { statusCode: 200, body: 'ok' } }));
      server = new ApiGatewayServer({ invoker, port: 0 });
      url = await server.start();
    });
    after(() => server.close());

    for (const r of routes) {
      it(`${r.api.kind === 'rest' ? 'REST' : 'HTTP'} API ${r.method} ${r.path} (payload ${r.payloadFormat})`, async () => {
        const domainName = new URL(url).host;
        const request = sampleRouteRequest(r, { domainName });
        const headers: [string, string][] = [];
        for (let i = 0; i < request.rawHeaders.length; i += 2) headers.push([request.rawHeaders[i], request.rawHeaders[i + 1]]);
        // The client's connection management is not part of the route's event.
        headers.push(['Connection', 'keep-alive']);
        const calls = invoker.calls.length;
        const reply = await send(url, request.method, request.rawPath, { headers, body: request.body });
        assert.equal(reply.status, 200, reply.text);
        const real = JSON.parse(invoker.calls[calls].payload.toString('utf8')) as Event;
        for (const field of ['headers', 'multiValueHeaders'] as const) {
          const values = real[field] as Record<string, unknown> | undefined;
          if (values) for (const name of Object.keys(values)) if (name.toLowerCase() === 'connection') delete values[name];
        }
        const template = sampleRouteEvent('Orders', r, { domainName });
        assert.deepEqual(withoutRequestIdentity(template as Event), withoutRequestIdentity(real));
      });
    }
  });
});
