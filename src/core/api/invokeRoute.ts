import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FunctionInvoker, MAX_SYNC_PAYLOAD_BYTES } from '../runtime/invoker';
import type { ArnScope } from './arn';
import type { AsyncInvocations } from './asyncInvocations';
import { toApiException } from './errors';
import { sendException } from './http';
import { readInvokeRequest } from './requestPayload';
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
    const { invocationType, tail, fn, payload, clientContext } = await readInvokeRequest(invoker, scope, req, rawName, query, {
      invocationTypes: INVOCATION_TYPES,
      body: (type) => (type === 'Event'
        ? { limit: MAX_ASYNC_PAYLOAD_BYTES, operation: 'InvokeAsync' }
        : { limit: MAX_SYNC_PAYLOAD_BYTES, operation: 'Invoke' }),
    });
    arn = fn.arn;

    if (invocationType === 'DryRun') {
      res.writeHead(204, { 'X-Amzn-RequestId': randomUUID(), 'X-Amz-Executed-Version': fn.executedVersion });
      res.end();
      return;
    }
    if (invocationType === 'Event') {
      const requestId = asyncInvocations.enqueue(fn.definition.name, payload, clientContext);
      res.writeHead(202, {
        'X-Amzn-RequestId': requestId,
        'X-Amz-Executed-Version': fn.executedVersion,
        'Content-Length': 0,
      });
      res.end();
      return;
    }

    const result = await invoker.invoke(fn.definition.name, payload, { clientContext, wantsLog: tail });
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
