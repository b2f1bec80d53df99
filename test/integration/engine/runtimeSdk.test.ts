import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runtimeSdkFor, runtimeSdkPaths } from '../../../src/core/engine/runtimeSdk';
import { withLambdaDefaults, type FunctionDefinition } from '../../../src/core/functions/definition';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { parse, startDockerHost } from '../support/engine';

const fixtures = path.join(__dirname, '../../fixtures/runtime/sdk');

function fn(name: string, dir: string, handler = 'app.handler', extra: Partial<FunctionDefinition> = {}): FunctionDefinition {
  const codeDir = path.join(fixtures, dir);
  return withLambdaDefaults({ name, runtime: 'nodejs20.x', handler, codeDir, source: { file: path.join(codeDir, 'template.yaml'), line: 1 }, ...extra });
}

/** Runs the suite with a cache folder of its own: the runtime's SDK is not installed there yet (first use). */
function freshCache(env: Record<string, string> = {}): void {
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const [key, value] of Object.entries({ LAMBDA_DOCK_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'ld-sdk-cache-')), ...env })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });
  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}

const invoke = async (host: FunctionHost, name: string) => {
  const result = await host.invoke(name, Buffer.from('{}'));
  return { ...result, body: parse(result.payload) as Record<string, unknown> };
};

describe("the runtime's AWS SDK in the local Node.js image", function () {
  this.timeout(300_000);

  describe('on first use, with the npm registry reachable', function () {
    freshCache();
    let host: FunctionHost;
    before(async () => {
      host = await startDockerHost();
      await host.deploy([
        fn('NoSdk', 'no-sdk'),
        fn('UsesSdkLater', 'uses-sdk'),
        fn('EsmSdkLater', 'esm-sdk'),
        fn('WritesSdk', 'writes-sdk'),
        fn('UsesSdk', 'uses-sdk'),
        fn('EsmSdk', 'esm-sdk'),
        fn('OwnAndLayer', 'own-sdk', 'app.handler', { layers: [{ name: 'SqsLayer', dir: path.join(fixtures, 'layer') }] }),
        fn('OtherClient', 'other-client'),
      ]);
    });
    after(async () => host?.dispose());

    it('starts a function that does not use the SDK without waiting for its install', async () => {
      const result = await invoke(host, 'NoSdk');
      assert.equal(result.body as unknown, 'no sdk needed');
      assert.doesNotMatch(result.logs, /waiting for the runtime's AWS SDK/);
    });

    it('gives functions that require or import it the SDK, waiting for the install it started', async () => {
      // Both launch while the install runs: require() and import each wait for it instead of failing.
      const [result, esm] = await Promise.all([invoke(host, 'UsesSdk'), invoke(host, 'EsmSdk')]);
      assert.equal(esm.status, 'ok', esm.logs);
      assert.deepEqual(esm.body, { s3: 'function', command: 'ListBucketsCommand', sqs: 'SQSClient' });
      assert.equal(result.status, 'ok', result.logs);
      assert.deepEqual(result.body.client, 'function');
      assert.equal(result.body.command, 'ListTablesCommand');
      assert.equal(result.body.document, 'function');
      // An instance launched while the install ran finds it in the store; see the next test for later ones.
      assert.match(String(result.body.resolvedFrom), /^\/var\/runtime\/(node_modules|sdk\/aws-sdk-[^/]+\/node_modules)\/@aws-sdk\/client-dynamodb\//);
      assert.match(String(result.body.version), /^3\.\d+\.\d+$/);
      assert.ok(fs.existsSync(runtimeSdkPaths(path.join(process.env.LAMBDA_DOCK_CACHE_DIR!, 'runtime-sdk'), runtimeSdkFor(20).id).nodeModules));
    });

    it('mounts it at /var/runtime/node_modules, read-only, in instances launched once it is installed', async () => {
      const result = await invoke(host, 'UsesSdkLater');
      assert.match(String(result.body.resolvedFrom), /^\/var\/runtime\/node_modules\/@aws-sdk\/client-dynamodb\/dist-cjs\//);
      assert.equal(result.body.version, fs.readFileSync(path.join(runtimeSdkPaths(path.join(process.env.LAMBDA_DOCK_CACHE_DIR!, 'runtime-sdk'), runtimeSdkFor(20).id).nodeModules, '@aws-sdk/client-dynamodb/package.json'), 'utf8').match(/"version": "([^"]+)"/)?.[1]);
      assert.deepEqual((await invoke(host, 'WritesSdk')).body, { node_modules: 'EROFS', store: 'EROFS' });
    });

    it('lets an ES module import it once installed (Lambda reads NODE_PATH for import too)', async () => {
      const result = await invoke(host, 'EsmSdkLater');
      assert.equal(result.status, 'ok', result.logs);
      assert.deepEqual(result.body, { s3: 'function', command: 'ListBucketsCommand', sqs: 'SQSClient' });
    });

    it("resolves the function's own node_modules first, then its layers, then the runtime's SDK", async () => {
      const result = await invoke(host, 'OwnAndLayer');
      assert.deepEqual(result.body, { dynamodb: "the function's own", sqs: "the layer's" });
    });

    it('names a client it does not provide, and the fix', async () => {
      const result = await invoke(host, 'OtherClient');
      assert.equal(result.error?.errorType, 'Runtime.ImportModuleError');
      assert.match(result.error?.errorMessage ?? '', /^Error: Cannot find module '@aws-sdk\/client-iot'/);
      assert.match(result.error?.errorMessage ?? '', /@aws-sdk\/client-iot is not one of them: add it to the function's dependencies \(npm install @aws-sdk\/client-iot\)/);
    });
  });

  describe('offline, with nothing cached', function () {
    freshCache({ npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' });
    let host: FunctionHost;
    before(async () => {
      host = await startDockerHost();
      await host.deploy([fn('UsesSdkOffline', 'uses-sdk'), fn('NoSdkOffline', 'no-sdk')]);
    });
    after(async () => host?.dispose());

    it('fails an import of it with one message naming the missing module and the fix, and runs the rest', async () => {
      const result = await invoke(host, 'UsesSdkOffline');
      assert.equal(result.error?.errorType, 'Runtime.ImportModuleError');
      const message = result.error?.errorMessage ?? '';
      assert.match(message, /^Error: Cannot find module '@aws-sdk\/client-dynamodb'/);
      assert.match(message, /Lambda Dock installs the same from the npm registry, but that install failed \(npm install .*\)\. Let npm reach its registry \(the SDK is installed once and cached\), or add @aws-sdk\/client-dynamodb to the function's dependencies\./s);
      assert.equal((await invoke(host, 'NoSdkOffline')).body as unknown, 'no sdk needed');
    });
  });
});
