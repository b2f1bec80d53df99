/** One engine response, read whole. Header names are lower-cased; a repeated header's values are joined. */
export interface EngineResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The connection may carry another request (HTTP/1.1 without `Connection: close`, body framed by length). */
  reusable: boolean;
}

export class EngineResponseError extends Error {}
export class UpstreamResponseTooLarge extends EngineResponseError {}

const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'untilClose' };

interface Head {
  status: number;
  headers: Record<string, string>;
  bodyStart: number;
  framing: Framing;
  reusable: boolean;
}

/**
 * An incremental reader for the engine's answer to one request we sent: a status line, headers, and a body
 * framed by Content-Length, chunked encoding, or the end of the connection. The engine (Docker's or
 * Podman's Go HTTP server) is trusted to speak HTTP; the reader bounds what it buffers.
 */
export class ResponseReader {
  private buffer: Buffer = Buffer.alloc(0);
  private head: Head | undefined;

  constructor(
    private readonly method: string,
    private readonly maxBodyBytes: number,
  ) {}

  /** Adds bytes; returns the response once it is complete. */
  feed(chunk: Buffer): EngineResponse | undefined {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.head) {
      const end = this.buffer.indexOf(HEAD_END);
      if (end === -1) {
        if (this.buffer.length > MAX_HEAD_BYTES) throw new EngineResponseError(`the engine's response head is larger than ${MAX_HEAD_BYTES} bytes`);
        return undefined;
      }
      this.head = parseHead(this.buffer.subarray(0, end).toString('latin1'), end + 4, this.method);
    }
    const { framing, bodyStart } = this.head;
    if (this.buffer.length - bodyStart > this.maxBodyBytes + 64 * 1024) this.tooLarge();
    switch (framing.kind) {
      case 'none':
        return this.complete(Buffer.alloc(0), bodyStart);
      case 'length': {
        if (framing.length > this.maxBodyBytes) this.tooLarge();
        const end = bodyStart + framing.length;
        return this.buffer.length >= end ? this.complete(this.buffer.subarray(bodyStart, end), end) : undefined;
      }
      case 'chunked': {
        const decoded = decodeChunked(this.buffer, bodyStart);
        if (decoded && decoded.body.length > this.maxBodyBytes) this.tooLarge();
        return decoded ? this.complete(decoded.body, decoded.end) : undefined;
      }
      case 'untilClose':
        return undefined;
    }
  }

  /** The connection ended: a body framed by the close is complete now; any other is cut short. */
  end(): EngineResponse {
    if (this.head?.framing.kind === 'untilClose') return this.complete(this.buffer.subarray(this.head.bodyStart), this.buffer.length);
    throw new EngineResponseError('the engine closed the connection mid-response');
  }

  /** Whether any byte of a response has arrived (a request on a reused connection may be retried if not). */
  get started(): boolean {
    return this.buffer.length > 0;
  }

  /** Bytes after the response's end mean the connection is out of step: it is not reused. */
  private complete(body: Buffer, end: number): EngineResponse {
    const { status, headers, reusable } = this.head!;
    return { status, headers, body, reusable: reusable && this.buffer.length === end };
  }

  private tooLarge(): never {
    throw new UpstreamResponseTooLarge(`the engine's response is larger than ${this.maxBodyBytes} bytes`);
  }
}

function parseHead(text: string, bodyStart: number, method: string): Head {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) ([0-9]{3})/.exec(lines[0]!);
  if (!m) throw new EngineResponseError(`the engine's response does not start with a status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
  const status = Number(m[2]);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new EngineResponseError(`the engine's response has a malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const closes = m[1] === '0' ? !/keep-alive/i.test(headers.connection ?? '') : /close/i.test(headers.connection ?? '');
  const framing = framingOf(status, headers, method);
  return { status, headers, bodyStart, framing, reusable: !closes && framing.kind !== 'untilClose' };
}

function framingOf(status: number, headers: Record<string, string>, method: string): Framing {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return { kind: 'none' };
  const te = headers['transfer-encoding'];
  if (te !== undefined) {
    if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new EngineResponseError(`the engine answered with Transfer-Encoding "${te}"`);
    return { kind: 'chunked' };
  }
  const cl = headers['content-length'];
  if (cl !== undefined) {
    if (!/^[0-9]{1,15}$/.test(cl)) throw new EngineResponseError(`the engine answered with Content-Length "${cl}"`);
    return { kind: 'length', length: Number(cl) };
  }
  return { kind: 'untilClose' };
}

/** The decoded body and where it ends, once the last chunk (and any trailers) has arrived. */
function decodeChunked(buffer: Buffer, start: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let pos = start;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, pos);
    if (lineEnd === -1) return undefined;
    const sizeText = buffer.subarray(pos, lineEnd).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new EngineResponseError('the engine sent a malformed chunk size');
    const size = parseInt(sizeText, 16);
    const dataStart = lineEnd + 2;
    if (size === 0) {
      const end = trailersEnd(buffer, dataStart);
      return end === -1 ? undefined : { body: Buffer.concat(parts), end };
    }
    if (buffer.length < dataStart + size + 2) return undefined;
    parts.push(buffer.subarray(dataStart, dataStart + size));
    pos = dataStart + size + 2;
  }
}

/** Where the trailer section after the last chunk ends (after its empty line), or -1 while incomplete. */
function trailersEnd(buffer: Buffer, pos: number): number {
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, pos);
    if (lineEnd === -1) return -1;
    if (lineEnd === pos) return lineEnd + 2;
    pos = lineEnd + 2;
  }
}
