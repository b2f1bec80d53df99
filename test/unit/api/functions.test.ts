import * as assert from 'node:assert/strict';
import { InvokeApiServer } from '../../../src/core/api/server';
import { FakeInvoker } from './fakeInvoker';
import { json, raw } from './rawHttp';

describe('Invoke API: ListFunctions, GetFunction, GetFunctionConfiguration (raw HTTP)', () => {
  let invoker: FakeInvoker;
  let server: InvokeApiServer;
  let url: string;

  before(async () => {
    invoker = new FakeInvoker();
    for (const name of ['delta', 'alpha', 'echo', 'charlie', 'bravo']) invoker.add({ name }, () => ({ ok: name }));
    invoker.add(
      {
        name: 'configured',
        memorySizeMB: 512,
        timeoutSeconds: 30,
        environment: { STAGE: 'local' },
        architecture: 'arm64',
        reservedConcurrency: 1,
        layers: [{ name: 'shared', dir: '/work/layers/shared' }],
      },
      () => ({ ok: 1 }),
    );
    server = new InvokeApiServer({ invoker, port: 0 });
    url = await server.start();
  });
  after(() => server.close());

  it('lists every function sorted by name, in pages of MaxItems linked by NextMarker', async () => {
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const query = `MaxItems=2${marker === undefined ? '' : `&Marker=${encodeURIComponent(marker)}`}`;
      const res = await raw(url, 'GET', `/2015-03-31/functions/?${query}`);
      assert.equal(res.status, 200);
      const body = json(res) as { Functions: { FunctionName: string }[]; NextMarker?: string };
      assert.ok(body.Functions.length <= 2);
      names.push(...body.Functions.map((fn) => fn.FunctionName));
      marker = body.NextMarker;
      pages++;
    } while (marker !== undefined);
    assert.deepEqual(names, ['alpha', 'bravo', 'charlie', 'configured', 'delta', 'echo']);
    assert.equal(pages, 3);
  });

  it('lists up to 50 by default, and refuses a MaxItems out of range', async () => {
    const all = json(await raw(url, 'GET', '/2015-03-31/functions/')) as { Functions: unknown[]; NextMarker?: string };
    assert.equal(all.Functions.length, 6);
    assert.equal(all.NextMarker, undefined);
    const bad = await raw(url, 'GET', '/2015-03-31/functions/?MaxItems=0');
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['x-amzn-errortype'], 'InvalidParameterValueException');
  });

  it('returns a function\'s configuration as Lambda shapes it', async () => {
    const res = await raw(url, 'GET', '/2015-03-31/functions/configured/configuration');
    assert.equal(res.status, 200);
    const config = json(res) as Record<string, unknown>;
    assert.equal(config.FunctionName, 'configured');
    assert.equal(config.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:configured');
    assert.equal(config.Runtime, 'nodejs20.x');
    assert.equal(config.Handler, 'index.handler');
    assert.equal(config.MemorySize, 512);
    assert.equal(config.Timeout, 30);
    assert.equal(config.Version, '$LATEST');
    assert.equal(config.State, 'Active');
    assert.equal(config.PackageType, 'Zip');
    assert.deepEqual(config.Architectures, ['arm64']);
    assert.deepEqual(config.Environment, { Variables: { STAGE: 'local' } });
    assert.deepEqual(config.Layers, [{ Arn: 'arn:aws:lambda:us-east-1:000000000000:layer:shared:1', CodeSize: 0 }]);
    assert.match(String(config.LastModified), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  });

  it('returns GetFunction with the configuration, the code location and the reserved concurrency', async () => {
    const res = await raw(url, 'GET', `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:configured')}`);
    assert.equal(res.status, 200);
    const body = json(res) as { Configuration: { FunctionName: string }; Code: Record<string, string>; Concurrency: unknown };
    assert.equal(body.Configuration.FunctionName, 'configured');
    assert.deepEqual(body.Code, { RepositoryType: 'S3', Location: 'file:///work/fns/configured' });
    assert.deepEqual(body.Concurrency, { ReservedConcurrentExecutions: 1 });
  });

  it('answers 404 ResourceNotFoundException for an unknown function', async () => {
    for (const path of ['/2015-03-31/functions/ghost', '/2015-03-31/functions/ghost/configuration']) {
      const res = await raw(url, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    }
  });
});
