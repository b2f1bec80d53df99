import { createHash, randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { errorMessage } from '../errors';
import type { FunctionDefinition } from '../functions/definition';
import { type FunctionInvoker, MAX_SYNC_PAYLOAD_BYTES } from '../runtime/invoker';
import { type ArnScope, functionArn } from './arn';
import { toApiException } from './errors';
import { corsHeaders, isPreflight } from './functionUrlCors';
import { functionUrlEvent } from './functionUrlEvent';
import { FunctionUrlStream, httpAnswerFor, sendAnswer } from './functionUrlResponse';
import { readBody } from './http';
import { listen } from './listen';

/** One function's local URL: its own listener, so rawPath is the request's path as the client sent it. */
interface UrlListener {
  functionName: string;
  server: Server;
  port: number;
  url: string;
  urlId: string;
  createdAt: string;
}

export interface FunctionUrlsOptions {
  host: string;
  /** 0: each URL gets an ephemeral port. N: URLs get N, N+1, ... in the order functions appear. */
  basePort: number;
  log?: (message: string) => void;
}

/** A stable id per function name, in the shape of a Function URL's url-id (32 lowercase characters). */
function urlIdOf(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 32);
}

/**
 * The local Function URLs: one HTTP listener on 127.0.0.1 per function whose definition has
 * FunctionUrlConfig, turning each request into the payload format 2.0 event and the result back into an
 * HTTP response (streamed as the handler writes when InvokeMode is RESPONSE_STREAM).
 */
export class FunctionUrls {
  private readonly listeners = new Map<string, UrlListener>();
  private syncing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly invoker: FunctionInvoker,
    private readonly scope: ArnScope,
    private readonly options: FunctionUrlsOptions,
  ) {}

  /** Opens a listener for each new URL function and closes those whose function or URL has gone. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow());
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    if (this.closed) return;
    const wanted = this.invoker.functions().filter((fn) => fn.functionUrl !== undefined);
    const names = new Set(wanted.map((fn) => fn.name));
    for (const [name, listener] of this.listeners) {
      if (!names.has(name)) {
        this.listeners.delete(name);
        await closeServer(listener.server);
      }
    }
    for (const fn of wanted) {
      if (!this.listeners.has(fn.name)) await this.open(fn);
    }
  }

  private nextPort(): number {
    if (this.options.basePort === 0) return 0;
    const used = new Set([...this.listeners.values()].map((l) => l.port));
    let port = this.options.basePort;
    while (used.has(port)) port++;
    return port;
  }

  private async open(fn: FunctionDefinition): Promise<void> {
    const urlId = urlIdOf(fn.name);
    const functionName = fn.name;
    const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      void this.serve(functionName, urlId, req, res);
    });
    const port = await listen(server, this.options.host, this.nextPort(), `the Function URL of ${fn.name}`);
    const url = `http://${this.options.host}:${port}/`;
    this.listeners.set(fn.name, { functionName, server, port, url, urlId, createdAt: new Date().toISOString() });
  }

  /** The local URL of a function, if it has one. */
  urlOf(name: string): string | undefined {
    return this.listeners.get(name)?.url;
  }

  /** Every function's local URL, by function name. */
  all(): { functionName: string; url: string }[] {
    return [...this.listeners.values()].map(({ functionName, url }) => ({ functionName, url }));
  }

  /** GetFunctionUrlConfig's answer for a function, if it has a URL. */
  configOf(name: string): Record<string, unknown> | undefined {
    const listener = this.listeners.get(name);
    const definition = this.invoker.getFunction(name);
    const config = definition?.functionUrl;
    if (listener === undefined || config === undefined) return undefined;
    const output: Record<string, unknown> = {
      FunctionUrl: listener.url,
      FunctionArn: functionArn(this.scope, name),
      AuthType: config.authType,
      CreationTime: listener.createdAt,
      LastModifiedTime: listener.createdAt,
      InvokeMode: config.invokeMode,
    };
    if (config.cors !== undefined) output.Cors = config.cors;
    return output;
  }

  private async serve(name: string, urlId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const definition = this.invoker.getFunction(name);
    const config = definition?.functionUrl;
    if (definition === undefined || config === undefined) {
      plain(res, 404, `No function ${name} with a Function URL is deployed now`);
      return;
    }
    const cors = corsHeaders(config.cors, req);
    if (isPreflight(config.cors, req)) {
      res.writeHead(200, { ...cors, 'content-length': 0 });
      res.end();
      return;
    }
    if (config.authType === 'AWS_IAM' && !(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      // Locally a signature is required but not verified: a client that forgets to sign fails here too.
      plain(res, 403, 'Forbidden: this Function URL has AuthType AWS_IAM; sign the request with SigV4');
      return;
    }
    const extraHeaders = { ...cors, 'x-amzn-requestid': requestId };
    let stream: FunctionUrlStream | undefined;
    try {
      const body = await readBody(req, MAX_SYNC_PAYLOAD_BYTES, 'Function URL');
      const event = functionUrlEvent(req, body, {
        urlId,
        domainName: req.headers.host ?? `${this.options.host}`,
        requestId,
        authType: config.authType,
      });
      const payload = Buffer.from(JSON.stringify(event));
      if (config.invokeMode === 'RESPONSE_STREAM') {
        stream = new FunctionUrlStream(res, extraHeaders);
        const result = await this.invoker.invoke(name, payload, { responseStream: stream, wantsLog: false });
        stream.finish(result);
      } else {
        const result = await this.invoker.invoke(name, payload, { wantsLog: false });
        sendAnswer(res, httpAnswerFor(result), extraHeaders);
      }
      // Function errors show up in the function's own log; the caller sees Lambda's 502.
    } catch (error) {
      if (res.headersSent) {
        this.options.log?.(`Function URL of ${name}: the stream broke off: ${errorMessage(error)}`);
        res.destroy();
        return;
      }
      const exception = toApiException(error, functionArn(this.scope, name));
      res.writeHead(exception.status, {
        ...extraHeaders,
        'x-amzn-errortype': exception.exception,
        'content-type': 'application/json',
      });
      res.end(exception.body());
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.syncing;
    const servers = [...this.listeners.values()].map((l) => l.server);
    this.listeners.clear();
    await Promise.all(servers.map(closeServer));
  }
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ Message: message }));
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
