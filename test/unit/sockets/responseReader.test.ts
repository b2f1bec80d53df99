import * as assert from 'node:assert/strict';
import { EngineResponseError, ResponseReader, UpstreamResponseTooLarge } from '../../../src/core/sockets/responseReader';

function readAll(raw: string, method = 'GET', max = 1024) {
  const reader = new ResponseReader(method, max);
  return reader.feed(Buffer.from(raw, 'latin1'));
}

describe('ResponseReader', () => {
  it('reads a body framed by Content-Length, with lower-cased headers', () => {
    const res = readAll('HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n[]\n')!;
    assert.equal(res.status, 200);
    assert.equal(res.headers['api-version'], '1.41');
    assert.equal(res.body.toString(), '[]\n');
    assert.equal(res.reusable, true);
  });

  it('waits for the rest of a body that arrives in pieces', () => {
    const reader = new ResponseReader('GET', 1024);
    assert.equal(reader.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le')), undefined);
    assert.equal(reader.feed(Buffer.from('ngth: 5\r\n\r\nab')), undefined);
    assert.equal(reader.feed(Buffer.from('cde'))!.body.toString(), 'abcde');
  });

  it('decodes a chunked body, ignoring chunk extensions and trailers', () => {
    const res = readAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n')!;
    assert.equal(res.body.toString(), 'abcde');
    assert.equal(res.reusable, true);
  });

  it('has no body for 204, 304 and HEAD', () => {
    assert.equal(readAll('HTTP/1.1 204 No Content\r\n\r\n')!.body.length, 0);
    assert.equal(readAll('HTTP/1.1 304 Not Modified\r\n\r\n')!.body.length, 0);
    assert.equal(readAll('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 'HEAD')!.body.length, 0);
  });

  it('reads a body without framing until the connection ends, and does not reuse it', () => {
    const reader = new ResponseReader('GET', 1024);
    assert.equal(reader.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nhello')), undefined);
    const res = reader.end();
    assert.equal(res.body.toString(), 'hello');
    assert.equal(res.reusable, false);
  });

  it('does not reuse a connection the engine is closing or that has bytes past the response', () => {
    assert.equal(readAll('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')!.reusable, false);
    assert.equal(readAll('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')!.reusable, false);
    assert.equal(readAll('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab')!.reusable, false);
  });

  it('refuses a response larger than its bound', () => {
    assert.throws(() => readAll('HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n'), UpstreamResponseTooLarge);
    assert.throws(() => readAll(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n${'a'.repeat(2048)}\r\n0\r\n\r\n`), UpstreamResponseTooLarge);
  });

  it('says what is wrong with a response that is not HTTP', () => {
    assert.throws(() => readAll('SSH-2.0-OpenSSH\r\n\r\n'), /does not start with a status line/);
    assert.throws(() => readAll('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'), EngineResponseError);
    const reader = new ResponseReader('GET', 1024);
    reader.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab'));
    assert.throws(() => reader.end(), /closed the connection mid-response/);
  });
});
