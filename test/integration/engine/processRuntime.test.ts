import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadNodeBinary } from '../../../src/core/engine/nodeBinaries';
import { ProcessBackend } from '../../../src/core/engine/processBackend';
import { withLambdaDefaults, type FunctionDefinition } from '../../../src/core/functions/definition';
import type { Logger } from '../../../src/core/log';
import { FunctionHost } from '../../../src/core/runtime/functionHost';
import { parse } from '../support/engine';

const fixtures = path.join(__dirname, '../../fixtures/runtime');

function fn(name: string, runtime: string, dir: string, handler = 'app.handler'): FunctionDefinition {
  const codeDir = path.join(fixtures, dir);
  return withLambdaDefaults({ name, runtime, handler, codeDir, source: { file: path.join(codeDir, 'template.yaml'), line: 1 } });
}

// The process backend (no engine): the same runtime client as a child process, on the function's Node.js
// major when this machine has one, with the runtime's AWS SDK on NODE_PATH after the function's own modules.
describe('Node.js functions as local processes', function () {
  this.timeout(300_000);
  const saved = { ...process.env };
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
  let host: FunctionHost;

  before(async () => {
    // A Node.js 22 this machine has: the npm registry's, cached where Lambda Dock keeps them (as local images do).
    await downloadNodeBinary(22, log);
    // A cache of its own for the runtime's SDK: first use.
    process.env.LAMBDA_DOCK_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-process-cache-'));
    fs.symlinkSync(path.join(saved.LAMBDA_DOCK_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'lambda-dock'), 'node'), path.join(process.env.LAMBDA_DOCK_CACHE_DIR, 'node'));
    host = await FunctionHost.start({ workspace: fixtures, backend: new ProcessBackend(log) });
    await host.deploy([
      fn('Node22', 'nodejs22.x', 'versions'),
      fn('Node19', 'nodejs19.x', 'versions'),
      fn('UsesSdk', 'nodejs20.x', 'sdk/uses-sdk'),
      fn('OwnAndRuntime', 'nodejs20.x', 'sdk/own-sdk'),
    ]);
  });
  after(async () => {
    await host?.dispose();
    process.env = { ...saved };
  });

  it("runs a nodejs22.x function on Node.js 22, with the runtime's SDK, then the task root, on NODE_PATH", async () => {
    const result = await host.invoke('Node22', Buffer.from('{}'));
    const body = parse(result.payload) as { version: string; nodePath: string };
    assert.match(body.version, /^v22\./);
    const [sdk, taskRoot, ...rest] = body.nodePath.split(path.delimiter);
    assert.match(sdk, /\/runtime-sdk\/aws-sdk-[^/]+\/node_modules$/);
    assert.ok(fs.existsSync(path.join(taskRoot, 'app.mjs')));
    assert.deepEqual(rest, []);
  });

  it('says once which Node.js it runs a runtime on when this machine has none of its major', async () => {
    const first = await host.invoke('Node19', Buffer.from('{}'));
    await host.invoke('Node19', Buffer.from('{}'));
    assert.equal((parse(first.payload) as { version: string }).version, process.version);
    const notes = warnings.filter((w) => w.includes('nodejs19.x'));
    assert.equal(notes.length, 1, warnings.join('\n'));
    assert.match(notes[0], new RegExp(`nodejs19\\.x functions run as local processes on Node\\.js ${process.versions.node.replace(/\./g, '\\.')} .*no Node\\.js 19 was found on PATH or in nvm, fnm or volta`));
  });

  it("gives the runtime's AWS SDK after the function's own node_modules, waiting for its first install", async () => {
    const result = await host.invoke('UsesSdk', Buffer.from('{}'));
    assert.equal(result.status, 'ok', result.logs);
    const body = parse(result.payload) as { client: string; resolvedFrom: string };
    assert.equal(body.client, 'function');
    assert.ok(body.resolvedFrom.startsWith(path.join(process.env.LAMBDA_DOCK_CACHE_DIR!, 'runtime-sdk')), body.resolvedFrom);
    assert.deepEqual(parse((await host.invoke('OwnAndRuntime', Buffer.from('{}'))).payload), { dynamodb: "the function's own", sqs: 'runtime' });
  });
});
