import * as assert from 'node:assert/strict';
import { type FunctionDefinition, withLambdaDefaults } from '../../../src/core/functions/definition';
import type { HttpApiDefinition } from '../../../src/core/functions/routes';
import { RouteTable } from '../../../src/core/gateway/routeTable';

const REST: HttpApiDefinition = { id: 'Api', kind: 'rest', stage: 'Prod', binaryMediaTypes: [], source: { file: 't.yaml', line: 1 } };
const HTTP: HttpApiDefinition = { ...REST, id: 'Http', kind: 'http', stage: '$default' };

function fn(name: string, ...routes: [string, string, HttpApiDefinition?][]): FunctionDefinition {
  return withLambdaDefaults({
    name,
    source: { file: 't.yaml', line: 1 },
    routes: routes.map(([method, path, api]) => ({ api: api ?? REST, method, path, payloadFormat: '1.0', timeoutMs: 29_000, source: { file: 't.yaml', line: 1 } })),
  });
}

function matched(table: RouteTable, method: string, path: string): string | undefined {
  const match = table.match(method, path);
  return match && `${match.compiled.functionName} ${match.compiled.route.method} ${match.compiled.route.path} ${JSON.stringify(match.pathParameters ?? null)}`;
}

describe('RouteTable: API Gateway route matching', () => {
  const table = new RouteTable([
    fn('Param', ['GET', '/orders/{id}'], ['ANY', '/orders/{id}']),
    fn('Literal', ['GET', '/orders/special']),
    fn('Greedy', ['ANY', '/{proxy+}']),
    fn('DeepGreedy', ['GET', '/files/{path+}']),
    fn('Nested', ['GET', '/files/{dir}/index']),
    fn('Root', ['GET', '/']),
  ]);

  it('a literal segment beats a parameter, which beats a greedy path', () => {
    assert.equal(matched(table, 'GET', '/orders/special'), 'Literal GET /orders/special null');
    assert.equal(matched(table, 'GET', '/orders/7'), 'Param GET /orders/{id} {"id":"7"}');
    assert.equal(matched(table, 'GET', '/elsewhere/deep'), 'Greedy ANY /{proxy+} {"proxy":"elsewhere/deep"}');
    assert.equal(matched(table, 'GET', '/files/a/index'), 'Nested GET /files/{dir}/index {"dir":"a"}');
    assert.equal(matched(table, 'GET', '/files/a/b/c'), 'DeepGreedy GET /files/{path+} {"path":"a/b/c"}');
  });

  it('a method beats ANY on the same path; ANY takes the others', () => {
    assert.equal(matched(table, 'GET', '/orders/7'), 'Param GET /orders/{id} {"id":"7"}');
    assert.equal(matched(table, 'DELETE', '/orders/7'), 'Param ANY /orders/{id} {"id":"7"}');
  });

  it('decodes parameter values, ignores a trailing slash, and matches the root', () => {
    assert.equal(matched(table, 'GET', '/orders/a%20b/'), 'Param GET /orders/{id} {"id":"a b"}');
    assert.equal(matched(table, 'GET', '/'), 'Root GET / null');
  });

  it('a greedy parameter needs at least one segment; an empty segment is no parameter', () => {
    const small = new RouteTable([fn('G', ['GET', '/files/{p+}']), fn('P', ['GET', '/a/{id}/b'])]);
    assert.equal(small.match('GET', '/files'), undefined);
    assert.equal(small.match('GET', '/a//b'), undefined);
  });

  it('$default takes only what no other route matches', () => {
    const withDefault = new RouteTable([fn('Fallback', ['ANY', '$default', HTTP]), fn('Items', ['GET', '/items/{id}', HTTP])]);
    assert.equal(matched(withDefault, 'GET', '/items/1'), 'Items GET /items/{id} {"id":"1"}');
    assert.equal(matched(withDefault, 'POST', '/items/1'), 'Fallback ANY $default null');
    assert.equal(matched(withDefault, 'GET', '/x/y/z'), 'Fallback ANY $default null');
  });

  it('lists the methods of a path for a preflight', () => {
    const methods = new RouteTable([fn('A', ['GET', '/a']), fn('B', ['POST', '/a'])]);
    assert.deepEqual(methods.methodsOf('/a'), ['GET', 'OPTIONS', 'POST']);
  });
});
