import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { deployFingerprint } from '../../../src/core/runtime/packaging';
import { discoverFunctions } from '../../../src/core/workspace/discovery';
import { WORKSPACE_ERROR_CODES } from '../../../src/core/workspace/errors';
import { lineOf, tempDir, useTempCache, writeFiles } from '../workspace/helpers';

const GATEWAY = path.resolve(__dirname, '../../fixtures/gateway');

describe('routes from the workspace', () => {
  useTempCache();

  it('SAM: Api and HttpApi events on the implicit and explicit APIs, with their stage, Cors, Auth and BinaryMediaTypes', async () => {
    const file = path.join(GATEWAY, 'sam', 'template.yaml');
    const { functions, problems } = await discoverFunctions(path.join(GATEWAY, 'sam'));
    assert.deepEqual(problems, []);
    const byName = new Map(functions.map((f) => [f.name, f]));
    const rest = byName.get('RestEcho')?.routes ?? [];
    assert.deepEqual(rest.map((r) => `${r.api.id}/${r.api.stage} ${r.method} ${r.path} ${r.payloadFormat}`), [
      'ServerlessRestApi/Prod GET /orders/{id} 1.0',
      'ServerlessRestApi/Prod POST /orders 1.0',
      'ServerlessRestApi/Prod ANY /files/{proxy+} 1.0',
      'DefinedApi/beta GET /defined/{name} 1.0',
    ]);
    assert.equal(rest[0].source.line, lineOf(file, 'GetOrder:'));
    assert.deepEqual(rest.map((r) => r.operationName), [undefined, undefined, undefined, 'getDefined'], "an OpenAPI operation's operationId names the method");
    const secure = byName.get('SecureEcho')?.routes ?? [];
    const api = secure[0].api;
    assert.equal(api.stage, 'v1');
    assert.deepEqual(api.binaryMediaTypes, ['image/png']);
    assert.deepEqual(api.cors?.allowOrigins, ['https://app.example']);
    assert.deepEqual(api.cors?.allowHeaders, ['content-type', 'authorization']);
    assert.equal(api.cors?.maxAge, 600);
    assert.deepEqual(secure.map((r) => r.authorizer?.name ?? 'none'), ['TokenAuth', 'RequestAuth', 'none', 'none']);
    assert.deepEqual(secure[0].authorizer, {
      kind: 'lambda', name: 'TokenAuth', functionName: 'Authorizers', type: 'TOKEN', payloadFormat: '1.0', simpleResponses: false,
      identitySources: [{ in: 'header', name: 'Authorization' }], ttlSeconds: 300,
    });
    const http = byName.get('HttpEcho')?.routes ?? [];
    assert.deepEqual(http.map((r) => `${r.api.id}/${r.api.stage} ${r.method} ${r.path} ${r.payloadFormat}`), [
      'ServerlessHttpApi/$default GET /v2/items/{id} 2.0',
      'ServerlessHttpApi/$default POST /v2/items 2.0',
      'ServerlessHttpApi/$default GET /v1format/{id} 1.0',
      'ServerlessHttpApi/$default ANY /v2/any/{proxy+} 2.0',
    ]);
    const slow = byName.get('HttpShaped')?.routes?.find((r) => r.path === '/v2/slow');
    assert.equal(slow?.timeoutMs, 300);
    const httpSecure = byName.get('HttpSecure')?.routes ?? [];
    assert.equal(httpSecure[0].authorizer?.kind === 'lambda' && httpSecure[0].authorizer.simpleResponses, true);
    assert.deepEqual(httpSecure[2].authorizer, { kind: 'unchecked', name: 'JwtAuth', type: 'JWT' });
  });

  it('serverless.yml: http (REST, the stage) and httpApi events, shorthand strings, the catch-all, authorizers', async () => {
    const file = path.join(GATEWAY, 'serverless', 'serverless.yml');
    const { functions, problems } = await discoverFunctions(path.join(GATEWAY, 'serverless'));
    assert.deepEqual(problems, []);
    const users = functions.find((f) => f.name === 'users')?.routes ?? [];
    assert.deepEqual(users.map((r) => `${r.api.kind}/${r.api.stage} ${r.method} ${r.path} ${r.payloadFormat}`), [
      'rest/dev GET /users/{id} 1.0',
      'rest/dev POST /users 1.0',
      'http/$default GET /v2/users/{id} 2.0',
      'http/$default GET /v2/private 2.0',
    ]);
    assert.equal(users[0].source.line, lineOf(file, 'http: GET users/{id}'));
    assert.deepEqual(users[0].api.binaryMediaTypes, ['application/octet-stream']);
    assert.deepEqual(users[1].api.cors?.allowOrigins, ['*']);
    assert.deepEqual(users.map((r) => r.operationName), [undefined, 'createUser', undefined, undefined], "an http event's operationId names the method");
    assert.equal(users[3].authorizer?.kind === 'lambda' ? users[3].authorizer.functionName : undefined, 'auth');
    const fallback = functions.find((f) => f.name === 'fallback')?.routes ?? [];
    assert.deepEqual(fallback.map((r) => `${r.method} ${r.path}`), ['ANY $default']);
  });

  it('two routes that collide are a problem at the second one\'s file and line, which is dropped', async () => {
    const dir = tempDir('routes');
    writeFiles(dir, {
      'template.yaml': [
        'Transform: AWS::Serverless-2016-10-31',
        'Globals:',
        '  Function:',
        '    Runtime: nodejs20.x',
        '    CodeUri: src/',
        'Resources:',
        '  First:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: index.handler',
        '      Events:',
        '        Get:',
        '          Type: Api',
        '          Properties: { Path: "/orders/{id}", Method: get }',
        '  Second:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: index.handler',
        '      Events:',
        '        Clash:',
        '          Type: Api',
        '          Properties: { Path: "/orders/{orderId}", Method: GET }',
        '        Fine:',
        '          Type: Api',
        '          Properties: { Path: "/orders/{orderId}", Method: post }',
        '        Broken:',
        '          Type: Api',
        '          Properties: { Path: /x }',
        '',
      ].join('\n'),
      'src/index.js': 'exports.handler = async () => ({});\n',
    });
    const file = path.join(dir, 'template.yaml');
    const { functions, problems } = await discoverFunctions(dir);
    const collision = problems.find((p) => p.code === WORKSPACE_ERROR_CODES.routeCollision);
    assert.ok(collision, JSON.stringify(problems));
    assert.equal(collision.file, file);
    assert.equal(collision.line, lineOf(file, 'Clash:'));
    assert.equal(collision.functionName, 'Second');
    assert.match(collision.message, /GET \/orders\/\{orderId\} collides with First's route at .*template\.yaml:12/);
    assert.deepEqual(functions.find((f) => f.name === 'Second')?.routes?.map((r) => `${r.method} ${r.path}`), ['POST /orders/{orderId}']);
    const missing = problems.find((p) => p.code === WORKSPACE_ERROR_CODES.missingProperty);
    assert.equal(missing?.line, lineOf(file, 'Broken:') + 2, 'the event\'s Properties');
  });

  it('a route change does not change the deploy fingerprint (instances stay warm)', async () => {
    const { functions } = await discoverFunctions(path.join(GATEWAY, 'serverless'));
    const users = functions.find((f) => f.name === 'users');
    assert.ok(users);
    const packaged = { codeHash: 'c', layersHash: 'l' } as Parameters<typeof deployFingerprint>[1];
    assert.equal(deployFingerprint({ ...users, routes: [] }, packaged), deployFingerprint(users, packaged));
  });
});
