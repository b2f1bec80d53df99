import type { IncomingMessage } from 'node:http';
import type { FunctionInvoker } from '../runtime/invoker';
import type { ArnScope } from './arn';
import { apiErrors, toApiException } from './errors';
import { queryParam, readBody } from './http';
import { type ResolvedFunction, resolveFunction } from './resolveFunction';

const EMPTY_EVENT = Buffer.from('{}');

/**
 * The event an Invoke request carries: its body, which must be JSON (an empty body is the event {}), as
 * Lambda requires before it runs anything.
 */
export function invokePayload(body: Buffer): Buffer {
  if (body.length === 0) return EMPTY_EVENT;
  try {
    JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw apiErrors.notJson(error instanceof Error ? error.message : String(error));
  }
  return body;
}

/** X-Amz-Client-Context: base64 of a JSON object; checked as Lambda does, then passed on as it came. */
export function clientContextHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    if (decoded === null || typeof decoded !== 'object') throw apiErrors.badClientContext();
  } catch {
    throw apiErrors.badClientContext();
  }
  return value;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export function invocationTypeHeader(value: string | string[] | undefined, allowed: readonly InvocationType[]): InvocationType {
  if (value === undefined) return 'RequestResponse';
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as InvocationType;
  throw apiErrors.badParameter(
    `X-Amz-Invocation-Type '${String(value)}' is not one of ${allowed.join(', ')}`,
  );
}

export function wantsTail(value: string | string[] | undefined): boolean {
  if (value === undefined || value === 'None') return false;
  if (value === 'Tail') return true;
  throw apiErrors.badParameter(`X-Amz-Log-Type '${String(value)}' is not one of None, Tail`);
}

/** What an Invoke or InvokeWithResponseStream request asks for, checked as Lambda checks it. */
export interface InvokeRequest {
  invocationType: InvocationType;
  tail: boolean;
  fn: ResolvedFunction;
  payload: Buffer;
  clientContext: string | undefined;
}

export interface InvokeRequestRules {
  invocationTypes: readonly InvocationType[];
  /** The body limit and the operation its RequestTooLargeException names, by invocation type. */
  body: (invocationType: InvocationType) => { limit: number; operation: string };
}

/**
 * The prologue both invoke routes share: the invocation type and log type headers, the function the
 * request names, then its body (the event) and client context. A failure once the function is known
 * names the function's ARN.
 */
export async function readInvokeRequest(
  invoker: FunctionInvoker,
  scope: ArnScope,
  req: IncomingMessage,
  rawName: string,
  query: string,
  rules: InvokeRequestRules,
): Promise<InvokeRequest> {
  const headers = req.headers;
  const invocationType = invocationTypeHeader(headers['x-amz-invocation-type'], rules.invocationTypes);
  const tail = wantsTail(headers['x-amz-log-type']);
  const fn = resolveFunction(invoker, scope, rawName, queryParam(query, 'Qualifier'));
  try {
    const { limit, operation } = rules.body(invocationType);
    const payload = invokePayload(await readBody(req, limit, operation));
    const clientContext = clientContextHeader(headers['x-amz-client-context']);
    return { invocationType, tail, fn, payload, clientContext };
  } catch (error) {
    throw toApiException(error, fn.arn);
  }
}
