import type * as http from 'node:http';
import { Writable } from 'node:stream';
import { OUTPUT_TALLY_HEADER } from './protocol';
import type { RuntimeApiClient, SerializedError } from './runtimeApiClient';

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

export function isStreamingHandler(handler: unknown): boolean {
  return (handler as Record<symbol, unknown>)[HANDLER_STREAMING] === 'response';
}

/** The `awslambda` global that Lambda's Node.js runtime gives handlers. */
export function installAwsLambdaGlobal(): void {
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse<T extends object>(handler: T): T {
      (handler as Record<symbol, unknown>)[HANDLER_STREAMING] = 'response';
      return handler;
    },
    HttpResponseStream: {
      from(stream: ResponseStream, prelude: Record<string, unknown>): ResponseStream {
        stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
        stream.write(JSON.stringify(prelude));
        stream.write(new Uint8Array(8));
        return stream;
      },
    },
  };
}

/** The responseStream a streaming handler writes to: a chunked POST to the Runtime API, opened on first use. */
export class ResponseStream extends Writable {
  private contentType = 'application/octet-stream';
  private request?: http.ClientRequest;

  constructor(
    private readonly api: RuntimeApiClient,
    private readonly requestId: string,
    /** The output tally header (see protocol), sent as a trailer when the response ends. */
    private readonly tally: () => string,
  ) {
    super();
  }

  setContentType(contentType: string): void {
    if (this.request) throw new Error('setContentType must be called before the first write');
    this.contentType = contentType;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.open().write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const request = this.open();
    request.addTrailers({ [OUTPUT_TALLY_HEADER]: this.tally() });
    request.end(callback);
  }

  /** Ends the response with the error in trailers, as Lambda does for a handler that fails mid-stream. */
  fail(error: SerializedError): Promise<void> {
    return new Promise((resolve) => {
      const request = this.open();
      request.addTrailers({
        'Lambda-Runtime-Function-Error-Type': error.errorType,
        'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(error)).toString('base64'),
        [OUTPUT_TALLY_HEADER]: this.tally(),
      });
      request.end(() => resolve());
    });
  }

  private open(): http.ClientRequest {
    this.request ??= this.api.openResponseStream(this.requestId, this.contentType);
    return this.request;
  }
}
