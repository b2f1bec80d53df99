import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { InvokeResult, ResponseStreamSink } from '../runtime/invokeResult';

/** An HTTP response a Function URL sends for a function's result. */
export interface HttpAnswer {
  statusCode: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

const JSON_TYPE = 'application/json';

function hasHeader(headers: OutgoingHttpHeaders, name: string): boolean {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return true;
  return false;
}

/** Copies a function's response headers and cookies into Node's header object. */
function responseHeaders(headers: unknown, cookies: unknown): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  if (headers !== null && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value !== undefined && value !== null) out[name] = String(value);
    }
  }
  if (Array.isArray(cookies) && cookies.length > 0) out['set-cookie'] = cookies.map(String);
  return out;
}

export const BAD_GATEWAY: HttpAnswer = {
  statusCode: 502,
  headers: { 'content-type': JSON_TYPE },
  body: Buffer.from('{"Message":"Internal Server Error"}'),
};

/**
 * Lambda's rules for a buffered Function URL response: an object with statusCode is the response
 * (headers, cookies, body, isBase64Encoded); any other JSON is a 200 application/json body (a string
 * result is the body itself); a function error is a 502.
 */
export function httpAnswerFor(result: InvokeResult): HttpAnswer {
  if (result.status === 'error') return BAD_GATEWAY;
  const text = result.payload.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { statusCode: 200, headers: { 'content-type': JSON_TYPE }, body: result.payload };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'statusCode' in value) {
    const response = value as Record<string, unknown>;
    const statusCode = Number(response.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return BAD_GATEWAY;
    const headers = responseHeaders(response.headers, response.cookies);
    const rawBody = response.body;
    let body: Buffer;
    if (rawBody === undefined || rawBody === null) body = Buffer.alloc(0);
    else if (typeof rawBody === 'string') body = Buffer.from(rawBody, response.isBase64Encoded === true ? 'base64' : 'utf8');
    else body = Buffer.from(JSON.stringify(rawBody));
    if (body.length > 0 && !hasHeader(headers, 'content-type')) headers['content-type'] = JSON_TYPE;
    return { statusCode, headers, body };
  }
  const body = typeof value === 'string' ? Buffer.from(value) : result.payload;
  return { statusCode: 200, headers: { 'content-type': JSON_TYPE }, body };
}

export function sendAnswer(res: ServerResponse, answer: HttpAnswer, extraHeaders: OutgoingHttpHeaders): void {
  res.writeHead(answer.statusCode, { ...answer.headers, ...extraHeaders, 'content-length': answer.body.length });
  res.end(answer.body);
}

/** awslambda.HttpResponseStream.from's content type: a JSON prelude, 8 NUL bytes, then the body. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_END = Buffer.alloc(8);

/**
 * The HTTP side of a RESPONSE_STREAM Function URL: reads the handler's prelude (status, headers,
 * cookies) when it wrote one, then forwards each chunk as it is written.
 */
export class FunctionUrlStream implements ResponseStreamSink {
  private mode: 'idle' | 'prelude' | 'body' = 'idle';
  private prelude: Buffer[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly extraHeaders: OutgoingHttpHeaders,
  ) {}

  get started(): boolean {
    return this.mode !== 'idle';
  }

  start(contentType: string): void {
    if (this.mode !== 'idle') return;
    if (contentType === HTTP_INTEGRATION_CONTENT_TYPE) {
      this.mode = 'prelude';
      return;
    }
    this.mode = 'body';
    this.res.writeHead(200, { 'content-type': contentType, ...this.extraHeaders });
  }

  write(chunk: Buffer): void {
    if (this.mode === 'idle') this.start('application/octet-stream');
    if (this.mode === 'body') {
      if (chunk.length > 0) this.res.write(chunk);
      return;
    }
    this.prelude.push(chunk);
    const buffered = Buffer.concat(this.prelude);
    const end = buffered.indexOf(PRELUDE_END);
    if (end === -1) return;
    this.prelude = [];
    this.mode = 'body';
    let prelude: Record<string, unknown> = {};
    try {
      prelude = JSON.parse(buffered.subarray(0, end).toString('utf8')) as Record<string, unknown>;
    } catch {
      // A prelude that is not JSON: answer 200 with what follows, as the body.
    }
    const statusCode = Number(prelude.statusCode ?? 200);
    const headers = responseHeaders(prelude.headers, prelude.cookies);
    this.res.writeHead(Number.isInteger(statusCode) ? statusCode : 200, { ...headers, ...this.extraHeaders });
    const rest = buffered.subarray(end + PRELUDE_END.length);
    if (rest.length > 0) this.res.write(rest);
  }

  /** Ends the response once the invocation is over; a handler that never streamed is answered buffered. */
  finish(result: InvokeResult): void {
    if (this.mode === 'idle') {
      sendAnswer(this.res, httpAnswerFor(result), this.extraHeaders);
      return;
    }
    if (this.mode === 'prelude' && result.status === 'error') {
      this.mode = 'body';
      sendAnswer(this.res, BAD_GATEWAY, this.extraHeaders);
      return;
    }
    if (this.mode === 'prelude') {
      // The prelude never ended: what was written is the body of a 200, as Lambda treats it.
      const body = Buffer.concat(this.prelude);
      this.mode = 'body';
      this.res.writeHead(200, { ...this.extraHeaders });
      this.res.end(body);
      return;
    }
    this.res.end();
  }
}
