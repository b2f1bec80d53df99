import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ServedRoute } from '../../../src/core/gateway/apiGatewayServer';
import { send } from '../../support/httpClient';
import { CLI, startServe, type ServeLine, type ServeProcess } from '../support/serveProcess';

const SERVERLESS = path.resolve(__dirname, '../../fixtures/gateway/serverless');

type Event = Record<string, unknown> & { requestContext: Record<string, unknown> };

/** `lambda-dock serve` and `lambda-dock routes` on a serverless.yml, as a user runs them. */
describe('lambda-dock serve: HTTP APIs from serverless.yml, redeployed on save', function () {
  this.timeout(180_000);
  let workspace: string;
  let serve: ServeProcess;
  const nextLine = (predicate: (line: ServeLine, index: number) => boolean, what: string) => serve.nextLine(predicate, what);

  before(() => {
    workspace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-gateway-')), 'service');
    fs.cpSync(SERVERLESS, workspace, { recursive: true });
    serve = startServe(workspace);
  });

  after(async () => {
    await serve?.stop();
    fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  it('routes --json lists the routes and their URLs without serving', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'routes', '--json', '--api-port', '4567', '--workspace', SERVERLESS]);
    const listed = JSON.parse(stdout) as { routes: ServedRoute[] };
    assert.deepEqual(listed.routes.map((r) => `${r.method} ${r.url} ${r.functionName}`), [
      'GET http://127.0.0.1:4567/users/{id} users',
      'POST http://127.0.0.1:4567/users users',
      'GET http://127.0.0.1:4567/v2/users/{id} users',
      'GET http://127.0.0.1:4567/v2/private users',
      'ANY http://127.0.0.1:4567/ fallback',
    ]);
  });

  it('serves http (1.0, the stage) and httpApi (2.0, the catch-all) events, authorizer included, and follows saves', async () => {
    const state = await nextLine((line) => line.apiUrl !== undefined, 'its state');
    const base = String(state.apiUrl);
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(state.routes?.some((r) => r.method === 'GET' && r.path === '/users/{id}' && r.functionName === 'users'));

    const rest = (await send(base, 'GET', '/users/7')).json<Event>();
    assert.equal(rest.resource, '/users/{id}');
    assert.equal(rest.requestContext.stage, 'dev');
    assert.equal(rest.requestContext.path, '/dev/users/7');
    const http = (await send(base, 'GET', '/v2/users/7')).json<Event>();
    assert.equal(http.routeKey, 'GET /v2/users/{id}');
    const fallback = (await send(base, 'DELETE', '/anything/else')).json<Event>();
    assert.equal(fallback.routeKey, '$default');
    assert.equal((await send(base, 'GET', '/v2/private', { headers: [['x-key', 'wrong']] })).status, 403);
    const allowed = await send(base, 'GET', '/v2/private', { headers: [['x-key', 'open-sesame']] });
    assert.equal(allowed.status, 200);
    assert.deepEqual((allowed.json<Event>().requestContext.authorizer as { lambda: unknown }).lambda, { via: 'keyAuth' });
    const preflight = await send(base, 'OPTIONS', '/v2/users/1', { headers: [['Origin', 'https://x.example'], ['Access-Control-Request-Method', 'GET']] });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');

    // A saved handler: the same route runs the new code.
    const seen = serve.lines.length;
    fs.writeFileSync(path.join(workspace, 'handler.js'), fs.readFileSync(path.join(workspace, 'handler.js'), 'utf8').replace(
      "exports.echo = async (event) => ({ statusCode: 200,",
      "exports.echo = async (event) => ({ statusCode: 200, multiValueHeaders: { 'x-version': ['2'] },",
    ));
    await nextLine((line, index) => index >= seen && line.apiUrl !== undefined, 'its state after the handler was saved');
    assert.equal((await send(base, 'GET', '/users/7')).headers['x-version'], '2');

    // A saved serverless.yml: a new route is served, and listed.
    const seenAgain = serve.lines.length;
    fs.writeFileSync(path.join(workspace, 'serverless.yml'), fs.readFileSync(path.join(workspace, 'serverless.yml'), 'utf8').replace(
      "      - httpApi: 'GET /v2/users/{id}'",
      "      - httpApi: 'GET /v2/users/{id}'\n      - httpApi: 'PUT /v2/users/{id}'",
    ));
    const after = await nextLine((line, index) => index >= seenAgain && line.apiUrl !== undefined, 'its state after the template was saved');
    assert.ok(after.routes?.some((r) => r.method === 'PUT' && r.path === '/v2/users/{id}'));
    const put = await send(base, 'PUT', '/v2/users/9', { body: '{}', headers: [['content-type', 'application/json']] });
    assert.equal(put.status, 200);
    assert.equal(put.json<Event>().routeKey, 'PUT /v2/users/{id}');

    const code = await serve.interrupt();
    assert.equal(code, 0, `serve exits cleanly on Ctrl-C; stderr:\n${serve.stderr}`);
  });
});
