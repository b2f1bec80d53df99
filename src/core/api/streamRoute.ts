import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FunctionInvoker, MAX_SYNC_PAYLOAD_BYTES } from '../runtime/invoker';
import type { InvokeResult, ResponseStreamSink } from '../runtime/invokeResult';
import type { ArnScope } from './arn';
import { toApiException } from './errors';
import { type InvokeCompleteFields, exceptionEvent, invokeCompleteEvent, payloadChunkEvent } from './eventStream';
import { sendException } from './http';
import { readInvokeRequest } from './requestPayload';
import { tailLogResult } from './tailLog';

const INVOCATION_TYPES = ['RequestResponse', 'DryRun'] as const;

/**
 * The HTTP side of one streamed invocation: sends 200 and the event-stream headers when the handler
 * starts its stream (or when the result comes, for a handler that does not stream), then one
 * PayloadChunk per write, flushed at once.
 */
class EventStreamResponse implements ResponseStreamSink {
  constructor(
    private readonly res: ServerResponse,
    private readonly executedVersion: string,
  ) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  start(contentType: string): void {
    if (this.res.headersSent) return;
    this.res.writeHead(200, {
      'Content-Type': contentType,
      'X-Amz-Executed-Version': this.executedVersion,
    });
  }

  write(chunk: Buffer): void {
    if (!this.res.headersSent) this.start('application/octet-stream');
    if (chunk.length > 0) this.res.write(payloadChunkEvent(chunk));
  }

  finish(result: InvokeResult, tail: boolean): void {
    // A handler that did not stream (or a function error before any write): its payload is one chunk.
    const streamed = this.res.headersSent;
    if (!streamed) this.start(result.status === 'error' ? 'application/json' : 'application/octet-stream');
    if (!streamed && result.status === 'ok' && result.payload.length > 0) this.res.write(payloadChunkEvent(result.payload));
    const complete: InvokeCompleteFields = {};
    if (result.status === 'error') {
      complete.ErrorCode = result.error?.errorType ?? 'Unhandled';
      complete.ErrorDetails = result.error?.errorMessage ?? result.payload.toString('utf8');
    }
    if (tail) complete.LogResult = tailLogResult(result.logs);
    this.res.end(invokeCompleteEvent(complete));
  }
}

/** POST /2021-11-15/functions/{name}/response-streaming-invocations: InvokeWithResponseStream. */
export async function handleInvokeWithResponseStream(
  invoker: FunctionInvoker,
  scope: ArnScope,
  req: IncomingMessage,
  res: ServerResponse,
  rawName: string,
  query: string,
): Promise<void> {
  let arn = rawName;
  let stream: EventStreamResponse | undefined;
  try {
    const { invocationType, tail, fn, payload, clientContext } = await readInvokeRequest(invoker, scope, req, rawName, query, {
      invocationTypes: INVOCATION_TYPES,
      body: () => ({ limit: MAX_SYNC_PAYLOAD_BYTES, operation: 'InvokeWithResponseStream' }),
    });
    arn = fn.arn;
    if (invocationType === 'DryRun') {
      res.writeHead(204, { 'X-Amz-Executed-Version': fn.executedVersion });
      res.end();
      return;
    }
    stream = new EventStreamResponse(res, fn.executedVersion);
    const result = await invoker.invoke(fn.definition.name, payload, { clientContext, responseStream: stream, wantsLog: tail });
    stream.finish(result, tail);
  } catch (error) {
    const exception = toApiException(error, arn);
    if (stream?.started) {
      res.end(exceptionEvent(exception.exception, exception.body()));
    } else {
      sendException(res, exception);
    }
  }
}
