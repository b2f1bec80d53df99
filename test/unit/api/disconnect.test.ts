import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { InvokeApiServer } from '../../../src/core/api/server';
import { FakeInvoker } from './fakeInvoker';
import { raw } from './rawHttp';

describe('Invoke API: a client that goes away mid-stream', () => {
  it('lets the handler finish and keeps serving', async () => {
    let finished!: () => void;
    const handlerDone = new Promise<void>((resolve) => (finished = resolve));
    const invoker = new FakeInvoker()
      .add({ name: 'streamer' }, async (_payload, options) => {
        options.responseStream?.start('text/plain');
        options.responseStream?.write(Buffer.from('one'));
        await new Promise((resolve) => setTimeout(resolve, 100));
        for (let i = 0; i < 20; i++) options.responseStream?.write(Buffer.from('more'));
        finished();
        return { raw: Buffer.alloc(0) };
      })
      .add({ name: 'echo', functionUrl: { authType: 'NONE', invokeMode: 'RESPONSE_STREAM' } }, async (_payload, options) => {
        options.responseStream?.start('text/plain');
        options.responseStream?.write(Buffer.from('one'));
        await new Promise((resolve) => setTimeout(resolve, 100));
        options.responseStream?.write(Buffer.from('two'));
        return { raw: Buffer.alloc(0) };
      });
    const server = new InvokeApiServer({ invoker, port: 0 });
    const endpoint = await server.start();
    try {
      const aborted = (url: URL, method: string) =>
        new Promise<void>((resolve) => {
          const req = request(url, { method }, (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', () => resolve());
          req.end('{}');
        });
      await aborted(new URL('/2021-11-15/functions/streamer/response-streaming-invocations', endpoint), 'POST');
      await handlerDone;
      await aborted(new URL(server.functionUrls.urlOf('echo') ?? ''), 'POST');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await raw(endpoint, 'GET', '/2015-03-31/functions/');
      assert.equal(after.status, 200);
    } finally {
      await server.close();
    }
  });
});
