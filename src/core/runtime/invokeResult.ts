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
  /** START ... END ... REPORT: exactly this invocation's log; '' when the caller did not want it (InvokeOptions.wantsLog). */
  logs: string;
  /**
   * Settles with the same log once all of it has arrived, whether the caller waited for it or not (for one
   * that did not: attributed as docs/ARCHITECTURE.md "Exactly this invocation's log" says). FunctionHost's
   * results always have it.
   */
  logComplete?: Promise<string>;
  report: InvokeReport;
  coldStart: boolean;
  instanceId: string;
  /** Ran on a debugged instance: its timeout was not enforced. */
  debugged?: boolean;
}

export interface InvokeOptions {
  signal?: AbortSignal;
  /**
   * Whether the caller reads this invocation's log (`logs`); true unless false. The result then comes once
   * the log has all arrived. false: it comes as soon as the function answers, and the log reaches the
   * host's 'log' events (and `logComplete`) as it arrives: for callers that show only the response (an Invoke
   * without LogType Tail, an HTTP route, a Function URL, an Event invocation).
   */
  wantsLog?: boolean;
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
