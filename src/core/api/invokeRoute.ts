import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FunctionInvoker, MAX_SYNC_PAYLOAD_BYTES } from '../runtime/invoker';
import type { ArnScope } from './arn';
import type { AsyncInvocations } from './asyncInvocations';
import { toApiException } from './errors';
import { queryParam, readBody, sendException } from './http';
import { clientContextHeader, invocationTypeHeader, invokePayload, wantsTail } from './requestPayload';
import { resolveFunction } from './resolveFunction';
import { tailLogResult } from './tailLog';

export const MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024;

const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'] as const;

/** POST /2015-03-31/functions/{name}/invocations: Lambda's Invoke. */
export async function handleInvoke(
  invoker: FunctionInvoker,
  scope: ArnScope,
  asyncInvocations: AsyncInvocations,
  req: IncomingMessage,
  res: ServerResponse,
  rawName: string,
  query: string,
): Promise<void> {
  let arn = rawName;
  try {
    const headers = req.headers;
    const invocationType = invocationTypeHeader(headers['x-amz-invocation-type'], INVOCATION_TYPES);
    const tail = wantsTail(headers['x-amz-log-type']);
    const fn = resolveFunction(invoker, scope, rawName, queryParam(query, 'Qualifier'));
    arn = fn.arn;
    const isEvent = invocationType === 'Event';
    const body = await readBody(
      req,
      isEvent ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES,
      isEvent ? 'InvokeAsync' : 'Invoke',
    );
    const payload = invokePayload(body);
    const clientContext = clientContextHeader(headers['x-amz-client-context']);

    if (invocationType === 'DryRun') {
      res.writeHead(204, { 'X-Amzn-RequestId': randomUUID(), 'X-Amz-Executed-Version': fn.executedVersion });
      res.end();
      return;
    }
    if (isEvent) {
      const requestId = asyncInvocations.enqueue(fn.definition.name, payload, clientContext);
      res.writeHead(202, {
        'X-Amzn-RequestId': requestId,
        'X-Amz-Executed-Version': fn.executedVersion,
        'Content-Length': 0,
      });
      res.end();
      return;
    }

    const result = await invoker.invoke(fn.definition.name, payload, { clientContext });
    const responseHeaders: Record<string, string | number> = {
      'X-Amzn-RequestId': result.requestId,
      'X-Amz-Executed-Version': fn.executedVersion,
      'Content-Type': 'application/json',
      'Content-Length': result.payload.length,
    };
    if (result.status === 'error') responseHeaders['X-Amz-Function-Error'] = 'Unhandled';
    if (tail) responseHeaders['X-Amz-Log-Result'] = tailLogResult(result.logs);
    res.writeHead(200, responseHeaders);
    res.end(result.payload);
  } catch (error) {
    sendException(res, toApiException(error, arn));
  }
}
