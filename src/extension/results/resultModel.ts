import type { FunctionDefinition } from '../../core/functions/definition';
import { errorStack, type InvokeResult } from '../../core/runtime/invokeResult';
import { traceLocations, type TraceLocation } from './traceLocations';

/** What the result view shows of one invocation: plain data, rendered by resultHtml. */
export interface ResultModel {
  functionName: string;
  requestId: string;
  status: 'ok' | 'error';
  invokedAt: string;
  coldStart: boolean;
  instanceId: string;
  /** The response, pretty-printed when it is JSON; an API Gateway-style `body` string that is JSON is parsed too. */
  response?: { text: string; json: boolean; bodyParsed: boolean };
  error?: { type: string; message: string; frames: Array<{ text: string; locations: TraceLocation[] }> };
  report: Array<[string, string]>;
  logs: string;
  payload: string;
}

export function resultModel(result: InvokeResult, payload: Buffer, invokedAt: Date, definition: FunctionDefinition | undefined): ResultModel {
  const model: ResultModel = {
    functionName: result.functionName,
    requestId: result.requestId,
    status: result.status,
    invokedAt: invokedAt.toLocaleString(),
    coldStart: result.coldStart,
    instanceId: result.instanceId,
    report: reportRows(result),
    logs: result.logs.trimEnd(),
    payload: prettyJsonText(payload.toString('utf8')).text,
  };
  if (result.status === 'ok') model.response = responseText(result.payload.toString('utf8'));
  else {
    const error = result.error;
    model.error = {
      type: error?.errorType ?? 'Error',
      message: error?.errorMessage ?? result.payload.toString('utf8'),
      frames: (error ? errorStack(error) : []).map((text) => ({ text, locations: traceLocations(text, definition) })),
    };
  }
  return model;
}

/** The response as shown: JSON pretty-printed, and a JSON `body` string (API Gateway, Function URLs) parsed in place. */
export function responseText(raw: string): { text: string; json: boolean; bodyParsed: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { text: raw, json: false, bodyParsed: false };
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { body?: unknown }).body === 'string') {
    const record = value as { body: string; isBase64Encoded?: boolean };
    if (!record.isBase64Encoded) {
      try {
        const body: unknown = JSON.parse(record.body);
        return { text: JSON.stringify({ ...record, body }, null, 2), json: true, bodyParsed: true };
      } catch {
        // A body that is not JSON (HTML, text) is shown as the string it is.
      }
    }
  }
  return { text: JSON.stringify(value, null, 2), json: true, bodyParsed: false };
}

function prettyJsonText(text: string): { text: string; json: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}

export function reportRows(result: InvokeResult): Array<[string, string]> {
  const r = result.report;
  return [
    ['Duration', `${r.durationMs.toFixed(2)} ms`],
    ['Billed Duration', `${r.billedDurationMs} ms`],
    ...(r.initDurationMs !== undefined ? [['Init Duration', `${r.initDurationMs.toFixed(2)} ms`] as [string, string]] : []),
    ['Memory Size', `${r.memorySizeMB} MB`],
    ['Max Memory Used', `${r.maxMemoryUsedMB} MB`],
  ];
}
