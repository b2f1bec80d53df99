import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { LaunchedInstance, RuntimeApiEndpoint } from '../engine/backend';
import type { Logger } from '../log';
import { ConnectionGate } from './connectionGate';
import { ASSIGNMENT_PATH, isOurClient, OUTPUT_TALLY_HEADER, parseOutputTally, type OutputTally, type StandbyAssignment } from './client/protocol';
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
/** `tally`: how much output precedes the answer (our client only; a stream's comes in its trailers). */
export type InvocationAnswer =
  | { kind: 'response'; body: Buffer; tally?: OutputTally }
  | { kind: 'error'; error: LambdaError; tally?: OutputTally }
  | { kind: 'stream'; contentType: string; body: http.IncomingMessage };

/** Who opens a channel, for its log lines. */
export interface ChannelOptions {
  /** The instance it serves: a relay (remote engines) hands over that instance's connections by it. */
  instanceId: string;
  /** Names the instance in log lines ("HelloFunction instance 1a2b3c"); a standby's changes when it is assigned. */
  owner: string;
  /** A standby's channel: it also answers the client's assignment poll (see assign). */
  standby?: boolean;
  log: Logger;
}

/** Endpoints whose unverified identity has been logged: once per backend, not per instance. */
const warnedUnverified = new WeakSet<RuntimeApiEndpoint>();

/**
 * The host side of the Lambda Runtime API (2018-06-01) for ONE instance: its own listener, which serves
 * that instance alone (see RuntimeApiIdentity), so an instance can only ever receive and answer its own
 * invocations. Emits 'ready' on the first poll of /invocation/next (the readiness signal), 'initError'
 * (LambdaError) and 'answer' (requestId, InvocationAnswer).
 */
export class RuntimeApiChannel extends EventEmitter {
  /** True once the instance identified itself as our runtime client (it writes end-of-invocation markers). */
  ourClient = false;
  /** Accepts connections paused, so the gate decides before a byte is read; HTTP is served by `server`. */
  private readonly listener: net.Server;
  private readonly server: http.Server;
  private readonly gate: ConnectionGate;
  private readonly connections = new Set<Duplex>();
  /** With a relay endpoint: stops the relay handing over this instance's connections. */
  private unregister?: () => void;
  /** With identity 'secretPath': "/SECRET", the prefix every request path must start with. */
  private readonly secretPrefix?: Buffer;
  private refusedSecret = false;
  private waitingNext?: http.ServerResponse;
  private queued?: DispatchedInvocation;
  private current?: string;
  /** Set on the first poll: the instance may poll before anyone listens for 'ready' (engine slow to answer start). */
  ready = false;
  /** Kept for the same reason: an init error can arrive before the instance is wired. */
  initError?: LambdaError;
  /** Set on a standby's first assignment poll: its runtime is up and waits for its function ('standbyReady'). */
  waitingForAssignment = false;
  /** A standby's assignment poll, held until assign() answers it. */
  private waitingAssignment?: http.ServerResponse;
  private assignment?: Buffer;

  private constructor(
    private readonly endpoint: RuntimeApiEndpoint,
    private readonly options: ChannelOptions,
  ) {
    super();
    this.server = http.createServer({ keepAliveTimeout: 0, requestTimeout: 0 }, (request, response) => this.route(request, response));
    this.server.headersTimeout = 0;
    this.gate = new ConnectionGate(
      (socket) => {
        this.serve(socket);
        socket.resume();
      },
      (address, why) => options.log.warn(`${options.owner}: refused a connection to its Runtime API from ${address} (${why}); further ones from there are closed silently`),
    );
    this.listener = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.gate.offer(socket));
    if (!endpoint.relay && endpoint.identity.kind === 'secretPath') this.secretPrefix = Buffer.from(`/${randomBytes(18).toString('base64url')}`);
  }

  static async open(endpoint: RuntimeApiEndpoint, options: ChannelOptions): Promise<RuntimeApiChannel> {
    const channel = new RuntimeApiChannel(endpoint, options);
    if (endpoint.relay) {
      // A remote engine's relay admits only the instance's address and hands over its connections: nothing listens here.
      channel.unregister = endpoint.relay.register(options.instanceId, (socket) => channel.serve(socket));
      return channel;
    }
    try {
      await listen(channel.listener, endpoint.bindAddress);
    } catch (error) {
      if (!endpoint.fallbackBindAddress || (error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw error;
      // Safe with identity 'address': every connection from anywhere else is closed unread.
      options.log.debug(`${options.owner}: ${endpoint.bindAddress} is not up yet, its Runtime API listens on ${endpoint.fallbackBindAddress}`);
      await listen(channel.listener, endpoint.fallbackBindAddress);
    }
    const { identity } = endpoint;
    if (identity.kind !== 'address') channel.gate.allow('all');
    if (identity.kind === 'unverified' && !warnedUnverified.has(endpoint)) {
      warnedUnverified.add(endpoint);
      options.log.warn(`Runtime APIs are not private to their instances here: ${identity.reason}. Any container or process that reaches ${endpoint.advertisedHost} can read and answer invocations.`);
    }
    return channel;
  }

  /** Connections that wait, unread, for the instance's address. */
  get waitingConnections(): number {
    return this.gate.waiting;
  }

  /** host:port (and with identity 'secretPath', /SECRET) for AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    if (this.endpoint.relay) return this.endpoint.relay.address;
    const hostPort = `${this.endpoint.advertisedHost}:${(this.listener.address() as AddressInfo).port}`;
    return this.secretPrefix ? `${hostPort}${this.secretPrefix.toString()}` : hostPort;
  }

  /**
   * From now on serves the launched instance and no one else: with identity 'address', connections from
   * its addresses only (those that waited for them are decided now); no address means no one is served.
   */
  admit(launched: LaunchedInstance): void {
    if (!this.endpoint.relay && this.endpoint.identity.kind === 'address') this.gate.allow(launched.addresses ?? []);
  }

  /**
   * Hands a standby its function: the assignment poll is answered now, or when it arrives. From then on the
   * channel is that function's instance's (its log lines name it `owner`).
   */
  assign(assignment: StandbyAssignment, owner: string): void {
    this.options.owner = owner;
    this.assignment = Buffer.from(JSON.stringify(assignment));
    const waiting = this.waitingAssignment;
    this.waitingAssignment = undefined;
    if (waiting) sendAssignment(waiting, this.assignment);
  }

  /** An admitted connection: the listener's, or one a relay handed over. */
  private serve(socket: Duplex): void {
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
    this.server.emit('connection', socket);
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
    this.unregister?.();
    this.listener.close();
    this.gate.close();
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
    this.removeAllListeners();
  }

  private route(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = this.withoutSecret(request.url ?? '');
    if (url === undefined) {
      request.resume();
      if (!this.refusedSecret) {
        this.refusedSecret = true;
        this.options.log.warn(`${this.options.owner}: refused a Runtime API request without the instance's secret path; further ones are refused silently`);
      }
      response.shouldKeepAlive = false;
      return reject(response, 403, 'Forbidden', "this Runtime API serves only its own instance: the path must begin with the one in the instance's AWS_LAMBDA_RUNTIME_API");
    }
    if (request.method === 'GET' && url === NEXT_PATH) return this.onNext(request, response);
    if (request.method === 'GET' && url === ASSIGNMENT_PATH && this.options.standby) return this.onAssignmentPoll(request, response);
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
        const tally = parseOutputTally(request.headers[OUTPUT_TALLY_HEADER.toLowerCase()]);
        const answer: InvocationAnswer = what === 'response' ? { kind: 'response', body, tally } : { kind: 'error', error: parseError(body, request), tally };
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

  /** The path after the secret prefix; undefined when it does not start with it. The path itself when there is no secret. */
  private withoutSecret(url: string): string | undefined {
    const prefix = this.secretPrefix;
    if (!prefix) return url;
    const head = Buffer.from(url.slice(0, prefix.length + 1));
    const matches = head.length > prefix.length && head[prefix.length] === 0x2f && timingSafeEqual(head.subarray(0, prefix.length), prefix);
    return matches ? url.slice(prefix.length) : undefined;
  }

  private onAssignmentPoll(request: http.IncomingMessage, response: http.ServerResponse): void {
    request.resume();
    if (!this.waitingForAssignment) {
      this.waitingForAssignment = true;
      this.emit('standbyReady');
    }
    if (this.assignment) return sendAssignment(response, this.assignment);
    this.waitingAssignment = response;
    response.once('close', () => {
      if (this.waitingAssignment === response) this.waitingAssignment = undefined;
    });
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

function sendAssignment(response: http.ServerResponse, body: Buffer): void {
  response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  response.end(body);
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
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    // The runtime's own fields in its own order, as Lambda passes them on (Python: errorMessage first).
    const error: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (key === 'errorType' || key === 'errorMessage') error[key] = String(value ?? '');
      else if ((key === 'trace' || key === 'stackTrace') && Array.isArray(value)) error[key] = value.map(String);
      else if (key === 'requestId' && typeof value === 'string') error[key] = value;
    }
    error.errorType ??= String(headerType ?? 'Unknown');
    error.errorMessage ??= '';
    return error as unknown as LambdaError;
  } catch {
    return { errorType: String(headerType ?? 'Unknown'), errorMessage: body.toString('utf8') };
  }
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
