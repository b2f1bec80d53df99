import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineConnectionPool } from '../../../src/core/sockets/engineConnectionPool';

/** A stand-in engine for the pool's connection logic: answers each request by a script, counts connections. */
async function fakeEngine(answer: (request: string, connectionIndex: number, socket: net.Socket) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ldpool-'));
  const file = path.join(dir, 'engine.sock');
  let connections = 0;
  const server = net.createServer((socket) => {
    const index = connections++;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        const request = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        answer(request, index, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(file, resolve));
  return {
    file,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => (fs.rmSync(dir, { recursive: true, force: true }), resolve()))),
  };
}

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const get = (p: string) => Buffer.from(`GET ${p} HTTP/1.1\r\nHost: docker\r\n\r\n`);

describe('EngineConnectionPool', () => {
  it('keeps one connection alive across sequential requests', async () => {
    const engine = await fakeEngine((req, _i, socket) => socket.write(ok(req.split(' ')[1]!)));
    const pool = new EngineConnectionPool(engine.file, 1024);
    try {
      for (const p of ['/a', '/b', '/c']) assert.equal((await pool.send(get(p), 'GET')).body.toString(), p);
      assert.equal(engine.connections, 1);
    } finally {
      pool.dispose();
      await engine.close();
    }
  });

  it('opens a connection per concurrent request', async () => {
    const engine = await fakeEngine((req, _i, socket) => setTimeout(() => socket.write(ok(req.split(' ')[1]!)), 20));
    const pool = new EngineConnectionPool(engine.file, 1024);
    try {
      const bodies = await Promise.all(['/1', '/2', '/3'].map(async (p) => (await pool.send(get(p), 'GET')).body.toString()));
      assert.deepEqual(bodies, ['/1', '/2', '/3']);
      assert.equal(engine.connections, 3);
    } finally {
      pool.dispose();
      await engine.close();
    }
  });

  it('retries a GET once on a fresh connection when the engine closed the idle one', async () => {
    const engine = await fakeEngine((req, index, socket) => {
      if (req.startsWith('GET /second') && index === 0) socket.destroy();
      else socket.write(ok(`${index}`));
    });
    const pool = new EngineConnectionPool(engine.file, 1024);
    try {
      assert.equal((await pool.send(get('/first'), 'GET')).body.toString(), '0');
      assert.equal((await pool.send(get('/second'), 'GET')).body.toString(), '1');
    } finally {
      pool.dispose();
      await engine.close();
    }
  });

  it('does not resend a POST the engine may have received', async () => {
    const engine = await fakeEngine((req, index, socket) => {
      if (req.startsWith('POST') && index === 0) socket.destroy();
      else socket.write(ok('done'));
    });
    const pool = new EngineConnectionPool(engine.file, 1024);
    try {
      await pool.send(get('/warm'), 'GET');
      await assert.rejects(pool.send(Buffer.from('POST /containers/x/start HTTP/1.1\r\nHost: docker\r\n\r\n'), 'POST'));
      assert.equal(engine.connections, 1);
    } finally {
      pool.dispose();
      await engine.close();
    }
  });

  it('abandons a request whose signal aborts, and the next request still works', async () => {
    const engine = await fakeEngine((req, _i, socket) => {
      if (!req.startsWith('GET /slow')) socket.write(ok('fast'));
    });
    const pool = new EngineConnectionPool(engine.file, 1024);
    try {
      const abort = new AbortController();
      const slow = pool.send(get('/slow'), 'GET', abort.signal);
      setTimeout(() => abort.abort(), 10);
      await assert.rejects(slow, { name: 'AbortError' });
      assert.equal((await pool.send(get('/next'), 'GET')).body.toString(), 'fast');
    } finally {
      pool.dispose();
      await engine.close();
    }
  });

  it('fails a request when the engine is not there', async () => {
    const pool = new EngineConnectionPool(path.join(os.tmpdir(), 'no-such-engine.sock'), 1024);
    await assert.rejects(pool.send(get('/_ping'), 'GET'), { code: 'ENOENT' });
    pool.dispose();
  });
});
