import { ProxyRefusal, malformed } from './errors';

/** One request as read off a client connection. Header names are lower-cased; each appears once. */
export interface ParsedRequest {
  method: string;
  target: string;
  httpVersion: '1.0' | '1.1';
  headers: Map<string, string>;
  body: Buffer;
  keepAlive: boolean;
  /** The client asked to take over the connection (`Connection: Upgrade`, `Upgrade: tcp`). */
  wantsUpgrade: boolean;
}

export interface ReaderLimits {
  maxHeadBytes: number;
  maxHeaderCount: number;
  maxBodyBytes: number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers that decide framing or routing: a second copy is ambiguous, so it is refused. */
const SINGLE_HEADERS = new Set(['content-length', 'transfer-encoding', 'host', 'connection', 'upgrade', 'content-type', 'expect']);
const CRLF = Buffer.from('\r\n');

/**
 * A strict, incremental HTTP/1.x request reader. It accepts only one unambiguous framing: CRLF line ends,
 * no obsolete folding, no whitespace before a colon, one Content-Length of digits or one
 * `Transfer-Encoding: chunked` (never both), chunks without extensions or trailers, bounded head and
 * body. Everything else throws a ProxyRefusal (the connection is then closed).
 */
export class RequestReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly limits: ReaderLimits) {}

  feed(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** Bytes received after the last complete request (for a hijacked stream, the first client bytes). */
  takeRemainder(): Buffer {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** The next complete request, or undefined when more bytes are needed. */
  next(): ParsedRequest | undefined {
    const headEnd = this.findHeadEnd();
    if (headEnd === -1) return undefined;
    const head = this.buffer.subarray(0, headEnd).toString('latin1');
    const request = parseHead(head, this.limits);
    const bodyStart = headEnd + 4;

    let body: Buffer;
    let consumed: number;
    const te = request.headers.get('transfer-encoding');
    const cl = request.headers.get('content-length');
    if (te !== undefined) {
      const chunked = readChunked(this.buffer, bodyStart, this.limits.maxBodyBytes);
      if (!chunked) return undefined;
      ({ body, consumed } = chunked);
    } else {
      const length = cl === undefined ? 0 : Number(cl);
      if (this.buffer.length < bodyStart + length) return undefined;
      body = Buffer.from(this.buffer.subarray(bodyStart, bodyStart + length));
      consumed = bodyStart + length;
    }
    this.buffer = this.buffer.subarray(consumed);
    return { ...request, body };
  }

  /** Index of the CRLFCRLF that ends the head; refuses a bare LF or CR, bytes outside ASCII, an oversized head. */
  private findHeadEnd(): number {
    const limit = Math.min(this.buffer.length, this.limits.maxHeadBytes + 4);
    for (let i = 0; i < limit; i++) {
      const b = this.buffer[i]!;
      if (b === 0x0a) {
        if (i === 0 || this.buffer[i - 1] !== 0x0d) throw malformed('request head has a line ending without CR');
        if (i >= 3 && this.buffer[i - 2] === 0x0a && this.buffer[i - 3] === 0x0d) return i - 3;
      } else if (b === 0x0d) {
        if (i + 1 < this.buffer.length && this.buffer[i + 1] !== 0x0a) throw malformed('request head has a CR without LF');
      } else if ((b < 0x20 && b !== 0x09) || b >= 0x7f) {
        throw malformed('request head has a control or non-ASCII byte');
      }
    }
    if (this.buffer.length > this.limits.maxHeadBytes) throw new ProxyRefusal(431, `request head is larger than ${this.limits.maxHeadBytes} bytes`);
    return -1;
  }
}

function parseHead(head: string, limits: ReaderLimits): Omit<ParsedRequest, 'body'> {
  const lines = head.split('\r\n');
  const requestLine = lines.shift()!;
  const m = /^([A-Z]+) (\/[^ ]*) HTTP\/(1\.[01])$/.exec(requestLine);
  if (!m) throw malformed('request line is not "METHOD /path HTTP/1.1"');
  if (lines.length > limits.maxHeaderCount) throw new ProxyRefusal(431, `request has more than ${limits.maxHeaderCount} headers`);

  const headers = new Map<string, string>();
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) throw malformed('request head has a folded header line');
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('request head has a line that is not a header');
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw malformed(`header name "${name}" is not a token (no spaces before the colon)`);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    const key = name.toLowerCase();
    if (headers.has(key)) {
      if (SINGLE_HEADERS.has(key)) throw malformed(`header ${name} appears twice`);
      headers.set(key, `${headers.get(key)}, ${value}`);
    } else {
      headers.set(key, value);
    }
  }

  const httpVersion = m[3] as '1.0' | '1.1';
  const te = headers.get('transfer-encoding');
  const cl = headers.get('content-length');
  if (te !== undefined && cl !== undefined) throw malformed('request has both Content-Length and Transfer-Encoding');
  if (te !== undefined && (te.toLowerCase() !== 'chunked' || httpVersion === '1.0')) throw malformed(`Transfer-Encoding "${te}" is not supported (only chunked, on HTTP/1.1)`);
  if (cl !== undefined) {
    if (!/^[0-9]{1,10}$/.test(cl)) throw malformed(`Content-Length "${cl}" is not a number`);
    if (Number(cl) > limits.maxBodyBytes) throw new ProxyRefusal(413, `request body is larger than ${limits.maxBodyBytes} bytes`);
  }
  if (headers.has('expect')) throw new ProxyRefusal(417, 'Expect is not supported; send the body with the request');

  const connection = (headers.get('connection') ?? '').toLowerCase().split(',').map((s) => s.trim());
  const upgrade = headers.get('upgrade');
  const wantsUpgrade = upgrade !== undefined;
  if (wantsUpgrade && (upgrade.toLowerCase() !== 'tcp' || !connection.includes('upgrade'))) throw malformed('only "Connection: Upgrade" with "Upgrade: tcp" is supported');
  const keepAlive = httpVersion === '1.1' ? !connection.includes('close') : connection.includes('keep-alive');
  return { method: m[1]!, target: m[2]!, httpVersion, headers, keepAlive, wantsUpgrade };
}

/** Decodes a chunked body that has fully arrived, or returns undefined to wait for more. */
function readChunked(buffer: Buffer, start: number, maxBody: number): { body: Buffer; consumed: number } | undefined {
  const parts: Buffer[] = [];
  let size = 0;
  let pos = start;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, pos);
    if (lineEnd === -1) {
      if (buffer.length - pos > 16) throw malformed('chunk size line is malformed');
      return undefined;
    }
    const line = buffer.subarray(pos, lineEnd).toString('latin1');
    if (!/^[0-9a-fA-F]{1,8}$/.test(line)) throw malformed('chunk size line is malformed (no extensions are accepted)');
    const chunkSize = parseInt(line, 16);
    size += chunkSize;
    if (size > maxBody) throw new ProxyRefusal(413, `request body is larger than ${maxBody} bytes`);
    const dataStart = lineEnd + 2;
    if (chunkSize === 0) {
      if (buffer.length < dataStart + 2) return undefined;
      if (buffer[dataStart] !== 0x0d || buffer[dataStart + 1] !== 0x0a) throw malformed('chunked body has trailers, which are not accepted');
      return { body: Buffer.concat(parts), consumed: dataStart + 2 };
    }
    if (buffer.length < dataStart + chunkSize + 2) return undefined;
    if (buffer[dataStart + chunkSize] !== 0x0d || buffer[dataStart + chunkSize + 1] !== 0x0a) throw malformed('chunk is not followed by CRLF');
    parts.push(buffer.subarray(dataStart, dataStart + chunkSize));
    pos = dataStart + chunkSize + 2;
  }
}
