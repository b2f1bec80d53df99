/** An error in the shape Lambda reports it: what the SDK shows as FunctionError's payload. */
export interface LambdaError {
  errorType: string;
  errorMessage: string;
  /** Node.js runtimes' stack. */
  trace?: string[];
  /** Python runtimes' stack (one entry per frame) and the request id they add. */
  stackTrace?: string[];
  requestId?: string;
}

/** An error's stack as lines, whichever runtime wrote it (Python's entries end with a newline each). */
export function errorStack(error: LambdaError): string[] {
  return error.trace ?? (error.stackTrace ?? []).map((frame) => frame.replace(/\n$/, ''));
}

/** The REPORT line's figures for one invocation. */
export interface InvokeReport {
  durationMs: number;
  billedDurationMs: number;
  /** Present on a cold start only. */
  initDurationMs?: number;
  /** Ran under a debugger: the REPORT says so, and no timeout applied. */
  debugged?: boolean;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
}

import type { DebugOptions } from '../debug/debugTarget';

export interface InvokeResult {
  requestId: string;
  functionName: string;
  status: 'ok' | 'error';
  /** The bytes Lambda would return: the function's response, or the error object as JSON. */
  payload: Buffer;
  error?: LambdaError;
  /** START ... END ... REPORT: exactly this invocation's log. */
  logs: string;
  report: InvokeReport;
  coldStart: boolean;
  instanceId: string;
  /** Ran on a debugged instance: its timeout was not enforced. */
  debugged?: boolean;
}

export interface InvokeOptions {
  signal?: AbortSignal;
  /** The invocation's request id, when the caller already gave one out (an Event invocation's 202). */
  requestId?: string;
  /** Base64 client context, as Lambda's X-Amz-Client-Context. */
  clientContext?: string;
  /**
   * Receives a streaming response (awslambda.streamifyResponse) as the handler writes it. Without it a
   * streamed response is buffered into the result's payload.
   */
  responseStream?: ResponseStreamSink;
  /**
   * Run on a debugged instance of its own (ended after the invocation), which waits for a debugger before
   * the handler runs; its timeout is not enforced.
   */
  debug?: DebugOptions;
}

export interface ResponseStreamSink {
  /** Called once, before the first chunk, with the response's content type. */
  start(contentType: string): void;
  write(chunk: Buffer): void;
}
