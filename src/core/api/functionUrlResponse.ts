import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type HttpAnswer, JSON_TYPE, payloadV2Answer, responseHeaders, sendAnswer } from '../gateway/httpAnswer';
import type { InvokeResult, ResponseStreamSink } from '../runtime/invokeResult';

export type { HttpAnswer };
export { sendAnswer };

export const BAD_GATEWAY: HttpAnswer = {
  statusCode: 502,
  headers: { 'content-type': JSON_TYPE },
  body: Buffer.from('{"Message":"Internal Server Error"}'),
};

/** A buffered Function URL response: payload format 2.0's rules, a function error being a 502. */
export function httpAnswerFor(result: InvokeResult): HttpAnswer {
  return payloadV2Answer(result, BAD_GATEWAY);
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
