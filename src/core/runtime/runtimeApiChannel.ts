import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuntimeApiEndpoint } from '../engine/backend';
import { isOurClient } from './client/protocol';
import type { LambdaError } from './invokeResult';

const NEXT_PATH = '/2018-06-01/runtime/invocation/next';
const INIT_ERROR_PATH = '/2018-06-01/runtime/init/error';
const INVOCATION_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** What the host hands an instance through /invocation/next. */
export interface DispatchedInvocation {
  requestId: string;
  payload: Buffer;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
  clientContext?: string;
}

/** How the instance answered one invocation. */
export type InvocationAnswer =
  | { kind: 'response'; body: Buffer }
  | { kind: 'error'; error: LambdaError }
  | { kind: 'stream'; contentType: string; body: http.IncomingMessage };

/**
 * The host side of the Lambda Runtime API (2018-06-01) for ONE instance: its own listener, so an
 * instance can only ever receive and answer its own invocations. Emits 'ready' on the first poll of
 * /invocation/next (the readiness signal), 'initError' (LambdaError) and 'answer' (requestId,
 * InvocationAnswer).
 */
export class RuntimeApiChannel extends EventEmitter {
  /** True once the instance identified itself as our runtime client (it writes end-of-invocation markers). */
  ourClient = false;
  private readonly server: http.Server;
  private waitingNext?: http.ServerResponse;
  private queued?: DispatchedInvocation;
  private current?: string;
  /** Set on the first poll: the instance may poll before anyone listens for 'ready' (engine slow to answer start). */
  ready = false;
  /** Kept for the same reason: an init error can arrive before the instance is wired. */
  initError?: LambdaError;

  private constructor(private readonly advertisedHost: string) {
    super();
    this.server = http.createServer({ keepAliveTimeout: 0, requestTimeout: 0, noDelay: true }, (request, response) => this.route(request, response));
    this.server.headersTimeout = 0;
  }

  static async open(endpoint: RuntimeApiEndpoint): Promise<RuntimeApiChannel> {
    const channel = new RuntimeApiChannel(endpoint.advertisedHost);
    if (endpoint.allowedSubnet) {
      const allowed = subnetMatcher(endpoint.allowedSubnet);
      channel.server.on('connection', (socket) => {
        if (!allowed(socket.remoteAddress ?? '')) socket.destroy();
      });
    }
    await new Promise<void>((resolve, reject) => {
      channel.server.once('error', reject);
      channel.server.listen(0, endpoint.bindAddress, () => resolve());
    });
    return channel;
  }

  /** host:port for AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    return `${this.advertisedHost}:${(this.server.address() as AddressInfo).port}`;
  }

  /** Hands an invocation to the instance now if it is polling, or on its next poll. */
  dispatch(invocation: DispatchedInvocation): void {
    this.current = invocation.requestId;
    if (this.waitingNext) {
      const response = this.waitingNext;
      this.waitingNext = undefined;
      sendInvocation(response, invocation);
    } else {
      this.queued = invocation;
    }
  }

  close(): void {
    this.waitingNext?.destroy();
    this.waitingNext = undefined;
    this.server.close();
    this.server.closeAllConnections();
    this.removeAllListeners();
  }

  private route(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = request.url ?? '';
    if (request.method === 'GET' && url === NEXT_PATH) return this.onNext(request, response);
    if (request.method === 'POST' && url === INIT_ERROR_PATH) {
      return void readBody(request, MAX_RESPONSE_BYTES).then((body) => {
        accepted(response);
        this.initError = parseError(body, request);
        this.emit('initError', this.initError);
      }, () => reject(response, 413, 'RequestEntityTooLarge', 'init error body too large'));
    }
    const match = request.method === 'POST' ? INVOCATION_PATH.exec(url) : null;
    if (!match) return reject(response, 404, 'NotFound', `no such Runtime API route: ${request.method} ${url}`);
    const [, requestId, what] = match;
    if (requestId !== this.current) {
      request.resume();
      return reject(response, 400, 'InvalidRequestID', `request id ${requestId} is not this instance's current invocation`);
    }
    this.current = undefined;
    if (what === 'response' && request.headers['lambda-runtime-function-response-mode'] === 'streaming') {
          request.once('end', () => accepted(response));
      this.emit('answer', requestId, { kind: 'stream', contentType: request.headers['content-type'] ?? 'application/octet-stream', body: request });
      return;
    }
    readBody(request, MAX_RESPONSE_BYTES).then(
      (body) => {
        accepted(response);
        const answer: InvocationAnswer = what === 'response' ? { kind: 'response', body } : { kind: 'error', error: parseError(body, request) };
        this.emit('answer', requestId, answer);
      },
      () => {
        reject(response, 413, 'RequestEntityTooLarge', 'response payload too large');
        this.emit('answer', requestId, {
          kind: 'error',
          error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).` },
        });
      },
    );
  }

  private onNext(request: http.IncomingMessage, response: http.ServerResponse): void {
    request.resume();
    if (isOurClient(request.headers['user-agent'])) this.ourClient = true;
    if (!this.ready) {
      this.ready = true;
      this.emit('ready');
    }
    if (this.queued) {
      const invocation = this.queued;
      this.queued = undefined;
      sendInvocation(response, invocation);
      return;
    }
    this.waitingNext = response;
    response.once('close', () => {
      if (this.waitingNext === response) this.waitingNext = undefined;
    });
  }
}

function sendInvocation(response: http.ServerResponse, invocation: DispatchedInvocation): void {
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': 'application/json',
    'Content-Length': invocation.payload.length,
    'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
    'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
    'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedFunctionArn,
    'Lambda-Runtime-Trace-Id': invocation.traceId,
  };
  if (invocation.clientContext) headers['Lambda-Runtime-Client-Context'] = Buffer.from(invocation.clientContext, 'base64').toString('utf8');
  response.writeHead(200, headers);
  response.end(invocation.payload);
}

function accepted(response: http.ServerResponse): void {
  response.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': 15 });
  response.end('{"status":"OK"}');
}

function reject(response: http.ServerResponse, status: number, errorType: string, errorMessage: string): void {
  const body = JSON.stringify({ errorType, errorMessage });
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.destroy();
        rejectBody(new Error('too large'));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    request.on('error', rejectBody);
  });
}

function parseError(body: Buffer, request: http.IncomingMessage): LambdaError {
  const headerType = request.headers['lambda-runtime-function-error-type'];
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Partial<LambdaError>;
    return {
      errorType: String(parsed.errorType ?? headerType ?? 'Unknown'),
      errorMessage: String(parsed.errorMessage ?? ''),
      ...(Array.isArray(parsed.trace) ? { trace: parsed.trace.map(String) } : {}),
    };
  } catch {
    return { errorType: String(headerType ?? 'Unknown'), errorMessage: body.toString('utf8') };
  }
}

/** A test for IPv4 addresses (plain or IPv4-mapped IPv6) inside a CIDR subnet. */
export function subnetMatcher(cidr: string): (address: string) => boolean {
  const [base, bits] = cidr.split('/');
  const toNumber = (ip: string) => ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const network = toNumber(base) & mask;
  return (address) => {
    const ipv4 = address.startsWith('::ffff:') ? address.slice(7) : address;
    return /^\d+\.\d+\.\d+\.\d+$/.test(ipv4) && (toNumber(ipv4) & mask) >>> 0 === network;
  };
}
