// Raw Engine API helpers for the scoped socket tests: plain node:http over any unix socket, raw bytes, the docker CLI.
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';

/** The real engine's socket: DOCKER_HOST when it is a unix:// address, else Docker's default. */
export function engineSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

export interface EngineResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = unknown>(): T;
}

/** One Engine API call over a unix socket (the real engine's by default). */
export function engineRequest(method: string, path: string, body?: unknown, socketPath = engineSocketPath()): Promise<EngineResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(
      {
        socketPath,
        method,
        path,
        agent: false,
        headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Fails (never skips) when no engine answers: integration tests need a real one. */
export async function requireEngine(): Promise<void> {
  let res: EngineResponse;
  try {
    res = await engineRequest('GET', '/_ping');
  } catch (error) {
    throw new Error(`no Docker engine answers at ${engineSocketPath()} (${String(error)}); run scripts/ensure-engine.sh`);
  }
  if (res.status !== 200) throw new Error(`the Docker engine at ${engineSocketPath()} answered /_ping with ${res.status}`);
}

/** Sends raw bytes on a fresh connection and collects everything until the server closes or goes quiet. */
export function rawExchange(socketPath: string, data: string | Buffer, quietMs = 1500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    };
    socket.on('connect', () => {
      socket.write(data);
      arm();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arm();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (e) => (chunks.length ? finish() : reject(e)));
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real docker client pointed at a socket. */
export function dockerCli(socketPath: string, args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      ['-H', `unix://${socketPath}`, ...args],
      { timeout: timeoutMs, env: { ...process.env, DOCKER_CONFIG: '/nonexistent-lambda-dock-docker-config', DOCKER_CLI_HINTS: 'false' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      },
    );
  });
}

/** Whether the real engine knows a container (by full id or name). */
export async function containerExists(ref: string): Promise<boolean> {
  const res = await engineRequest('GET', `/containers/${encodeURIComponent(ref)}/json`);
  return res.status === 200;
}
