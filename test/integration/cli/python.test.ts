import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { InvokeApiServer } from '../../../src/core/api/server';
import { sdkClient, parse, text } from '../api/harness';
import { lambdaDock } from '../support/cli';
import { requireEngine } from '../support/engine';
import { deployFixture, type DeployedWorkspace } from '../workspace/support';

const FIXTURE = path.resolve(__dirname, '../../fixtures/workspaces/sam-python');

// Python and custom-runtime functions through what users call: the CLI and the Invoke API (AWS SDK).
describe('Python and custom-runtime functions from the command line and the Invoke API', function () {
  before(requireEngine);

  it('functions --json lists them with their runtime, handler and source line', async () => {
    const run = await lambdaDock(['functions', '--workspace', FIXTURE, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const functions = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    const orders = functions.find((f) => f.name === 'OrdersFunction')!;
    assert.equal(orders.runtime, 'python3.12');
    assert.equal(orders.handler, 'app.handler');
    assert.equal(orders.timeoutSeconds, 10);
    const template = path.join(FIXTURE, 'template.yaml');
    assert.deepEqual(orders.source, { file: template, line: fs.readFileSync(template, 'utf8').split('\n').indexOf('  OrdersFunction:') + 1 });
    const shell = functions.find((f) => f.name === 'ShellFunction')!;
    assert.equal(shell.runtime, 'provided.al2023');
  });

  it('invoke --json runs the Python function with its requirements and prints the error shape of a failure', async () => {
    const ok = await lambdaDock(['invoke', 'OrdersFunction', '--workspace', FIXTURE, '--payload', '{"items":[{"price":5}]}', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const result = JSON.parse(ok.stdout) as { status: string; payload: { total: number; six: string }; logs: string };
    assert.equal(result.status, 'ok');
    assert.deepEqual([result.payload.total, result.payload.six], [5, 'six']);
    const failed = await lambdaDock(['invoke', 'OrdersFunction', '--workspace', FIXTURE, '--payload', '{"items":[{"cost":5}]}', '--json']);
    assert.equal(failed.code, 1, failed.stderr);
    const error = (JSON.parse(failed.stdout) as { error: { errorType: string; errorMessage: string; trace: string[] } }).error;
    assert.equal(error.errorType, 'KeyError');
    assert.equal(error.errorMessage, "'price'");
    assert.ok(error.trace.some((frame) => frame.startsWith('  File "/opt/python/pricing.py", line 2, in ')), error.trace.join('\n'));
  });

  describe('through the Invoke API with the AWS SDK', () => {
    let ws: DeployedWorkspace;
    let server: InvokeApiServer;
    let endpoint: string;
    before(async () => {
      ws = await deployFixture('sam-python');
      server = new InvokeApiServer({ invoker: ws.host, port: 0 });
      endpoint = await server.start();
    });
    after(async () => {
      await server?.close();
      await ws?.dispose();
    });

    it('returns the Python result, and a Python error with X-Amz-Function-Error and its payload as Lambda gives it', async () => {
      const client = sdkClient(endpoint);
      try {
        const ok = await client.send(new InvokeCommand({ FunctionName: 'OrdersFunction', Payload: Buffer.from('{"items":[{"price":2,"quantity":3}]}'), LogType: 'Tail' }));
        assert.equal(ok.StatusCode, 200);
        assert.equal(ok.FunctionError, undefined);
        assert.equal(parse<{ total: number }>(ok.Payload).total, 6);
        assert.match(Buffer.from(ok.LogResult ?? '', 'base64').toString('utf8'), /\[INFO\]\t\S+\t\S+\tpricing 1 items for orders\n/);

        const failed = await client.send(new InvokeCommand({ FunctionName: 'OrdersFunction', Payload: Buffer.from('{"items":[{}]}') }));
        assert.equal(failed.FunctionError, 'Unhandled');
        const payload = parse<Record<string, unknown>>(failed.Payload);
        assert.deepEqual(Object.keys(payload), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
        assert.equal(payload.errorType, 'KeyError');
        assert.match(text(failed.Payload), /"requestId":"[0-9a-f-]{36}"/);

        const shell = await client.send(new InvokeCommand({ FunctionName: 'ShellFunction', Payload: Buffer.from('{"via":"sdk"}') }));
        assert.deepEqual(parse<{ echo: unknown }>(shell.Payload).echo, { via: 'sdk' });
      } finally {
        client.destroy();
      }
    });
  });
});
