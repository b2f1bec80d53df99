import * as http from 'node:http';
import { ASSIGNMENT_PATH, CLIENT_USER_AGENT, OUTPUT_TALLY_HEADER, type StandbyAssignment } from './protocol';

// Taken when the client loads, before any handler does: tracers replace http.request to trace the function's
// calls (X-Ray's captureHTTPsGlobal, which Powertools' Tracer turns on; OpenTelemetry), and Lambda's own client
// (a native addon) is never traced. Through the replaced one, every poll for the next event ran outside an
// invocation, and X-Ray logged "Missing AWS Lambda trace data" into each invocation's log.
const httpRequest = http.request;

/** The Lambda Runtime API (2018-06-01) as seen from inside an instance. */
export interface NextInvocation {
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId?: string;
  clientContext?: string;
  cognitoIdentity?: string;
  event: unknown;
}

export class RuntimeApiClient {
  // Two connections: the next poll goes out while the previous answer's 202 is still on its way.
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private readonly host: string;
  private readonly port: number;
  /** A path before every route: the host's per-instance secret when it gives one (host:port/SECRET). */
  private readonly prefix: string;

  constructor(endpoint: string) {
    const slash = endpoint.indexOf('/');
    const hostPort = slash < 0 ? endpoint : endpoint.slice(0, slash);
    this.prefix = slash < 0 ? '' : endpoint.slice(slash).replace(/\/+$/, '');
    const separator = hostPort.lastIndexOf(':');
    this.host = hostPort.slice(0, separator);
    this.port = Number(hostPort.slice(separator + 1));
  }

  async next(): Promise<NextInvocation> {
    const { headers, body } = await this.request('GET', '/2018-06-01/runtime/invocation/next');
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    return {
      requestId: header('lambda-runtime-aws-request-id') ?? '',
      deadlineMs: Number(header('lambda-runtime-deadline-ms')),
      invokedFunctionArn: header('lambda-runtime-invoked-function-arn') ?? '',
      traceId: header('lambda-runtime-trace-id'),
      clientContext: header('lambda-runtime-client-context'),
      cognitoIdentity: header('lambda-runtime-cognito-identity'),
      event: JSON.parse(body.toString('utf8') || 'null'),
    };
  }

  /** A standby's function, when the host assigns it one (a long poll). */
  async assignment(): Promise<StandbyAssignment> {
    const { body } = await this.request('GET', ASSIGNMENT_PATH);
    return JSON.parse(body.toString('utf8')) as StandbyAssignment;
  }

  /** `tally`: the output tally header (see protocol), so the host knows how much output precedes the answer. */
  async postResponse(requestId: string, body: string, tally: string): Promise<void> {
    await this.request('POST', `/2018-06-01/runtime/invocation/${requestId}/response`, body, { [OUTPUT_TALLY_HEADER]: tally });
  }

  async postError(requestId: string, error: SerializedError, tally: string): Promise<void> {
    await this.request('POST', `/2018-06-01/runtime/invocation/${requestId}/error`, JSON.stringify(error), {
      'Lambda-Runtime-Function-Error-Type': error.errorType,
      [OUTPUT_TALLY_HEADER]: tally,
    });
  }

  async postInitError(error: SerializedError): Promise<void> {
    await this.request('POST', '/2018-06-01/runtime/init/error', JSON.stringify(error), {
      'Lambda-Runtime-Function-Error-Type': error.errorType,
    });
  }

  /** Opens a streamed response (streamifyResponse); the caller writes chunks and ends it. */
  openResponseStream(requestId: string, contentType: string): http.ClientRequest {
    const request = httpRequest({
      host: this.host,
      port: this.port,
      agent: this.agent,
      method: 'POST',
      path: `${this.prefix}/2018-06-01/runtime/invocation/${requestId}/response`,
      headers: {
        'User-Agent': CLIENT_USER_AGENT,
        'Content-Type': contentType,
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: `Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body, ${OUTPUT_TALLY_HEADER}`,
      },
    });
    request.on('response', (response) => response.resume());
    return request;
  }

  private request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: this.host,
          port: this.port,
          agent: this.agent,
          method,
          path: this.prefix + path,
          headers: {
            'User-Agent': CLIENT_USER_AGENT,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 400) reject(new Error(`Runtime API ${method} ${path} answered ${status}: ${Buffer.concat(chunks).toString('utf8')}`));
            else resolve({ headers: response.headers, body: Buffer.concat(chunks) });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

export interface SerializedError {
  errorType: string;
  errorMessage: string;
  /** Absent only where Lambda sends none (a value whose toString failed). */
  trace?: string[];
}
