import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { LABELS } from '../../../src/core/engine/backend';
import { lambdaDock } from '../support/cli';
import { docker, makeFolder, requireEngine } from '../support/engine';

const EXAMPLES = path.join(__dirname, '../../../examples');

async function containersFor(workspace: string) {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.workspace}=${workspace}`] } });
}

describe('the lambda-dock command line', function () {
  before(requireEngine);

  it('lists the functions with their configuration and where they are defined', async () => {
    const run = await lambdaDock(['functions', '--workspace', EXAMPLES, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const functions = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    const hello = functions.find((f) => f.name === 'HelloFunction')!;
    assert.equal(hello.runtime, 'nodejs20.x');
    assert.equal(hello.handler, 'app.handler');
    assert.equal(hello.memorySizeMB, 256);
    assert.equal(hello.timeoutSeconds, 10);
    assert.deepEqual(hello.environment, { GREETING: 'hello' });
    assert.deepEqual(hello.source, { file: path.join(EXAMPLES, 'template.yaml'), line: 12 });
  });

  it('invokes a function and prints one JSON object, leaving no container behind', async () => {
    const run = await lambdaDock(['invoke', 'HelloFunction', '--workspace', EXAMPLES, '--payload', '{"name":"CLI"}', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.status, 'ok');
    assert.deepEqual(result.payload, { statusCode: 200, body: '{"message":"hello CLI"}' });
    assert.equal(result.error, null);
    assert.equal(result.coldStart, true);
    assert.match(result.logs, /INFO\thello from HelloFunction with \{"name":"CLI"\}/);
    assert.deepEqual(Object.keys(result.report), ['durationMs', 'billedDurationMs', 'initDurationMs', 'maxMemoryUsedMB']);
    assert.deepEqual(await containersFor(EXAMPLES), []);
  });

  it('exits 1 with the function error in Lambda\'s shape', async () => {
    const run = await lambdaDock(['invoke', 'ThrowsFunction', '--workspace', EXAMPLES, '--payload-file', path.join(EXAMPLES, 'events/ThrowsFunction.json'), '--json']);
    assert.equal(run.code, 1);
    const result = JSON.parse(run.stdout);
    assert.equal(result.status, 'error');
    assert.equal(result.error.errorType, 'ValidationError');
    assert.equal(result.error.errorMessage, 'orderId is required');
    assert.ok(Array.isArray(result.error.trace));
  });

  it('prints the response for people, the log on stderr', async () => {
    const run = await lambdaDock(['invoke', 'EsmFunction', '--workspace', EXAMPLES]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"module": "esm"/);
    assert.match(run.stderr, /^START RequestId: /m);
    assert.match(run.stderr, /^REPORT RequestId: .*Init Duration/m);
  });

  describe('bad input gets one message naming the problem and the fix, and leaves nothing running', () => {
    it('a payload that is not JSON', async () => {
      const run = await lambdaDock(['invoke', 'HelloFunction', '--workspace', EXAMPLES, '--payload', '{name:'], {});
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^lambda-dock: The payload is not valid JSON \(.+\): pass a JSON value/);
      assert.deepEqual(await containersFor(EXAMPLES), []);
    });

    it('a --standby that is not a number', async () => {
      const run = await lambdaDock(['invoke', 'HelloFunction', '--workspace', EXAMPLES, '--standby', 'many']);
      assert.equal(run.code, 2, 'a usage error');
      assert.match(run.stderr, /^lambda-dock: --standby many: give the number of standby containers to keep per runtime image \(0 for none\)\.\n$/);
      assert.deepEqual(await containersFor(EXAMPLES), []);
    });

    it('a function that does not exist', async () => {
      const run = await lambdaDock(['invoke', 'NoSuchFunction', '--workspace', EXAMPLES]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Function not found: NoSuchFunction \(the workspace has HelloFunction, ThrowsFunction, EsmFunction, HelperRunner\)/);
    });

    it('a template that does not parse', async () => {
      const workspace = makeFolder({ 'template.yaml': 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: [unclosed\n' });
      const run = await lambdaDock(['invoke', 'Fn', '--workspace', workspace]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^lambda-dock: Fn is not among the functions that loaded \(none\); the workspace has problems:\n  template\.yaml:\d+: /);
      assert.deepEqual(await containersFor(workspace), []);
    });

    it('a handler file that does not exist', async () => {
      const workspace = makeFolder({
        'template.yaml': 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: missing.handler\n      Runtime: nodejs20.x\n',
        'src/app.js': 'exports.handler = async () => 1;',
      });
      const run = await lambdaDock(['invoke', 'Fn', '--workspace', workspace, '--json']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^lambda-dock: Fn cannot run:\n  template\.yaml:\d+: Fn: handler missing\.handler needs missing\.js .*fix Handler or CodeUri/m);
      assert.deepEqual(await containersFor(workspace), []);
    });

    it('a function that does not build, named with the file and line esbuild stopped at', async () => {
      const workspace = makeFolder({
        'template.yaml': 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: nodejs20.x\n',
        'src/app.ts': 'export const handler = async (): Promise<number> => {\n  return 1 +;\n};\n',
      });
      const run = await lambdaDock(['invoke', 'Fn', '--workspace', workspace, '--json']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^lambda-dock: Fn does not build: app\.ts:2:\d+: Unexpected ";"; fix the source and save again\n$/);
      assert.deepEqual(await containersFor(workspace), []);
    });

    it('an engine that is not running', async () => {
      const run = await lambdaDock(['invoke', 'HelloFunction', '--workspace', EXAMPLES], { LAMBDA_DOCK_CONTAINER_CLI: 'podman', DOCKER_HOST: 'unix:///nonexistent/podman.sock' });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^lambda-dock: Podman is not running at unix:\/\/\/nonexistent\/podman\.sock: start it, or set LAMBDA_DOCK_CONTAINER_CLI/);
    });

    it('an unknown command', async () => {
      const run = await lambdaDock(['deploy-all']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /unknown command "deploy-all"/);
    });
  });
});
