import * as assert from 'node:assert/strict';
import type { HttpApiDefinition, HttpRouteDefinition } from '../../../src/core/functions/routes';
import { payloadArgOf } from '../../../src/extension/commands/args';
import { findRouteTemplate, routeDomainName, routeTemplates } from '../../../src/extension/invoke/routeTemplates';

const REST: HttpApiDefinition = { id: 'ServerlessRestApi', kind: 'rest', stage: 'Prod', binaryMediaTypes: [], source: { file: 't.yaml', line: 3 } };
const HTTP: HttpApiDefinition = { ...REST, id: 'ServerlessHttpApi', kind: 'http', stage: '$default' };
const route = (api: HttpApiDefinition, method: string, path: string): HttpRouteDefinition =>
  ({ api, method, path, payloadFormat: api.kind === 'rest' ? '1.0' : '2.0', timeoutMs: 29_000, source: { file: 't.yaml', line: 9 } });

describe('the invoke payload picker\'s route templates', () => {
  const definition = { name: 'Orders', routes: [route(REST, 'GET', '/orders/{id}'), route(HTTP, 'POST', '/orders'), route(HTTP, 'GET', '/orders/{id}')] };

  it('lists one template per route of the function, saying which API, stage and payload format', () => {
    const templates = routeTemplates(definition, '127.0.0.1:3000');
    assert.deepEqual(templates.map((t) => [t.label, t.description]), [
      ['GET /orders/{id}', 'REST API ServerlessRestApi, stage Prod, payload 1.0'],
      ['POST /orders', 'HTTP API ServerlessHttpApi, payload 2.0'],
      ['GET /orders/{id}', 'HTTP API ServerlessHttpApi, payload 2.0'],
    ]);
    assert.deepEqual(routeTemplates({ name: 'Plain', routes: undefined }, '127.0.0.1:3000'), []);
    assert.deepEqual(routeTemplates(undefined, '127.0.0.1:3000'), []);
  });

  it('finds a route by its key, and by its API when two APIs share the key', () => {
    const templates = routeTemplates(definition, '127.0.0.1:3000');
    assert.equal(findRouteTemplate(templates, 'GET /orders/{id}')?.apiId, 'ServerlessRestApi');
    const http = findRouteTemplate(templates, 'GET /orders/{id}', 'ServerlessHttpApi');
    assert.equal((http?.build(new Date()) as { version: string }).version, '2.0');
    assert.equal(findRouteTemplate(templates, 'DELETE /orders/{id}'), undefined);
  });

  it('addresses the sample requests to the running HTTP APIs, else the configured port', () => {
    assert.equal(routeDomainName('http://127.0.0.1:45678', 3000), '127.0.0.1:45678');
    assert.equal(routeDomainName(undefined, 3000), '127.0.0.1:3000');
    assert.equal(routeDomainName(undefined, 0), '127.0.0.1');
    const event = routeTemplates(definition, '127.0.0.1:3000')[1].build(new Date()) as { requestContext: { domainName: string }; headers: Record<string, string> };
    assert.equal(event.requestContext.domainName, '127.0.0.1:3000');
    assert.equal(event.headers.host, '127.0.0.1:3000');
  });

  it('takes { route } or { route, api } as Invoke Function\'s payload argument', () => {
    assert.deepEqual(payloadArgOf({ route: 'GET /orders/{id}' }), { kind: 'route', route: 'GET /orders/{id}' });
    assert.deepEqual(payloadArgOf({ route: 'GET /orders/{id}', api: 'ServerlessHttpApi' }), { kind: 'route', route: 'GET /orders/{id}', api: 'ServerlessHttpApi' });
    assert.deepEqual(payloadArgOf({ route: 'GET /x', extra: 1 }), { kind: 'text', text: '{"route":"GET /x","extra":1}' }, 'any other object is the payload itself');
  });
});
