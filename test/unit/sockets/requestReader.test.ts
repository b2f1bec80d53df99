import * as assert from 'node:assert/strict';
import { ProxyRefusal } from '../../../src/core/sockets/errors';
import { RequestReader } from '../../../src/core/sockets/requestReader';

const LIMITS = { maxHeadBytes: 1024, maxHeaderCount: 16, maxBodyBytes: 64 };

function read(raw: string) {
  const reader = new RequestReader(LIMITS);
  reader.feed(Buffer.from(raw, 'latin1'));
  return reader.next();
}

function refusedStatus(raw: string): number {
  try {
    read(raw);
  } catch (error) {
    assert.ok(error instanceof ProxyRefusal);
    return error.status;
  }
  assert.fail(`accepted: ${JSON.stringify(raw)}`);
}

describe('RequestReader', () => {
  it('reads a request with a Content-Length body and leaves the next one buffered', () => {
    const reader = new RequestReader(LIMITS);
    reader.feed(Buffer.from('POST /a HTTP/1.1\r\nHost: docker\r\nContent-Length: 2\r\n\r\n{}GET /b HTTP/1.1\r\n\r\n'));
    const first = reader.next()!;
    assert.equal(first.method, 'POST');
    assert.equal(first.body.toString(), '{}');
    const second = reader.next()!;
    assert.equal(second.target, '/b');
    assert.equal(reader.next(), undefined);
  });

  it('waits for a body that has not fully arrived', () => {
    const reader = new RequestReader(LIMITS);
    reader.feed(Buffer.from('POST /a HTTP/1.1\r\nContent-Length: 4\r\n\r\n{}'));
    assert.equal(reader.next(), undefined);
    reader.feed(Buffer.from('{}'));
    assert.equal(reader.next()!.body.toString(), '{}{}');
  });

  it('decodes a strict chunked body', () => {
    const req = read('POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n')!;
    assert.equal(req.body.toString(), '{}');
  });

  it('refuses ambiguous framing', () => {
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 3\r\n\r\n{}'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nContent-Length:\r\n\r\n{}'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n{}'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2;ext=1\r\n{}\r\n0\r\n\r\n'), 400);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n'), 400);
  });

  it('refuses bad line endings, folding and malformed header names', () => {
    assert.equal(refusedStatus('GET /a HTTP/1.1\nHost: x\n\n'), 400);
    assert.equal(refusedStatus('GET /a HTTP/1.1\r\nHost: x\n\r\n'), 400);
    assert.equal(refusedStatus('GET /a HTTP/1.1\r\nHost: x\rY: z\r\n\r\n'), 400);
    assert.equal(refusedStatus('GET /a HTTP/1.1\r\nX: a\r\n  folded\r\n\r\n'), 400);
    assert.equal(refusedStatus('GET /a HTTP/1.1\r\nContent-Length : 5\r\n\r\n'), 400);
    assert.equal(refusedStatus('GET /a HTTP/1.1\r\nX\u0000: a\r\n\r\n'), 400);
    assert.equal(refusedStatus('GET  /a HTTP/1.1\r\n\r\n'), 400);
    assert.equal(refusedStatus('GET /a HTTP/2.0\r\n\r\n'), 400);
    assert.equal(refusedStatus('\r\nGET /a HTTP/1.1\r\n\r\n'), 400);
  });

  it('refuses oversized heads and bodies', () => {
    assert.equal(refusedStatus(`GET /a HTTP/1.1\r\nX: ${'a'.repeat(2000)}\r\n\r\n`), 431);
    assert.equal(refusedStatus(`GET /a HTTP/1.1\r\nX: ${'a'.repeat(2000)}`), 431);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nContent-Length: 65\r\n\r\n'), 413);
    assert.equal(refusedStatus('POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n'), 413);
    assert.equal(refusedStatus(`GET /a HTTP/1.1\r\n${'X: a\r\n'.repeat(20)}\r\n`), 431);
  });

  it('reads upgrade requests and connection close', () => {
    const req = read('POST /containers/a/attach HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n')!;
    assert.equal(req.wantsUpgrade, true);
    assert.equal(read('GET /a HTTP/1.1\r\nConnection: close\r\n\r\n')!.keepAlive, false);
    assert.equal(refusedStatus('GET /a HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'), 400);
  });
});
