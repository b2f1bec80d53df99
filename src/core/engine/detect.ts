import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import { badEngineChoice, engineMismatch, engineNotFound, engineNotRunning } from './errors';

export type EngineKind = 'docker' | 'podman';

export interface EngineSelection {
  kind: EngineKind;
  /** A unix socket path, or an http(s)/tcp URL. */
  endpoint: string;
  /** Why this one: 'setting', 'LAMBDA_DOCK_CONTAINER_CLI', 'DOCKER_HOST' or 'socket'. */
  reason: string;
  apiVersion: string;
}

export interface DetectOptions {
  /** The lambdaDock.engine setting: 'auto' (or unset) detects. */
  engine?: string;
  /** The lambdaDock.dockerHost setting; DOCKER_HOST otherwise. */
  dockerHost?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The sockets Docker and Podman listen on by default, rootful and rootless. */
export function defaultSockets(kind: EngineKind, env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? os.homedir();
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const runtimeDir = env.XDG_RUNTIME_DIR ?? `/run/user/${uid}`;
  if (kind === 'docker') {
    return [
      '/var/run/docker.sock',
      path.join(runtimeDir, 'docker.sock'),
      path.join(home, '.docker/run/docker.sock'),
      path.join(home, '.docker/desktop/docker.sock'),
      path.join(home, '.colima/default/docker.sock'),
      path.join(home, '.rd/docker.sock'),
    ];
  }
  return [
    '/run/podman/podman.sock',
    path.join(runtimeDir, 'podman/podman.sock'),
    path.join(home, '.local/share/containers/podman/machine/podman.sock'),
    path.join(home, '.local/share/containers/podman/machine/qemu/podman.sock'),
  ];
}

/** Picks the engine: an explicit choice wins, then DOCKER_HOST, then the usual sockets. */
export async function detectEngine(options: DetectOptions = {}): Promise<EngineSelection> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 2000;
  const settingChoice = options.engine && options.engine !== 'auto' ? options.engine : undefined;
  // An empty variable is unset, as shells and CI files often leave it.
  const choice = settingChoice ?? (env.LAMBDA_DOCK_CONTAINER_CLI || undefined);
  if (choice !== undefined && choice !== 'docker' && choice !== 'podman') throw badEngineChoice(choice);
  const choiceReason = settingChoice ? 'setting' : 'LAMBDA_DOCK_CONTAINER_CLI';
  const host = options.dockerHost || env.DOCKER_HOST;
  const tried: string[] = [];

  // An engine named explicitly is the one to use: if it does not answer, say so rather than pick another.
  if (host) {
    const endpoint = endpointFromHost(host);
    let found: { kind: EngineKind; apiVersion: string };
    try {
      found = await identify(endpoint, timeoutMs);
    } catch (error) {
      throw engineNotRunning(choice ?? 'docker', host, error);
    }
    if (choice && found.kind !== choice) throw engineMismatch(host, found.kind, choice);
    return { ...found, endpoint, reason: choice ? choiceReason : 'DOCKER_HOST' };
  }

  const kinds: EngineKind[] = choice ? [choice as EngineKind] : ['docker', 'podman'];
  for (const kind of kinds) {
    for (const socket of defaultSockets(kind, env)) {
      if (!fs.existsSync(socket)) {
        tried.push(`${socket}: no such socket`);
        continue;
      }
      try {
        const found = await identify(socket, timeoutMs);
        return { ...found, endpoint: socket, reason: choice ? choiceReason : 'socket' };
      } catch (error) {
        tried.push(`${socket}: ${describe(error)}`);
      }
    }
  }
  if (choice) throw engineNotRunning(choice, defaultSockets(choice as EngineKind, env)[0], new Error(tried.join('; ')));
  throw engineNotFound(tried);
}

function endpointFromHost(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('tcp://')) return `http://${host.slice('tcp://'.length)}`;
  return host;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNREFUSED') return 'nothing listening (connection refused)';
  if (code === 'EACCES') return 'permission denied (is this user in the docker group?)';
  return errorMessage(error);
}

/** Asks an endpoint for /version and tells Docker from Podman by its components. */
async function identify(endpoint: string, timeoutMs: number): Promise<{ kind: EngineKind; apiVersion: string }> {
  const body = await getJson(endpoint, '/version', timeoutMs);
  const components = Array.isArray(body.Components) ? (body.Components as Array<{ Name?: string }>) : [];
  const podman = components.some((c) => /podman/i.test(c.Name ?? ''));
  return { kind: podman ? 'podman' : 'docker', apiVersion: String(body.ApiVersion ?? '') };
}

const ANSWER_TIMEOUT_MS = 15_000;

function getJson(endpoint: string, requestPath: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const target = endpoint.startsWith('/') ? { socketPath: endpoint, path: requestPath } : { ...urlParts(endpoint), path: requestPath };
    const request = http.get({ ...target, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        if ((response.statusCode ?? 500) >= 400) return reject(new Error(`answered ${response.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        } catch (error) {
          reject(new Error(`not a Docker Engine API (${describe(error)})`));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // A socket that accepted the connection is an engine, perhaps a busy one (Podman's service starts its
    // work per request): give its answer longer than a connect gets, so load does not read as "not running".
    request.on('socket', (socket) => socket.once('connect', () => request.setTimeout(Math.max(timeoutMs, ANSWER_TIMEOUT_MS))));
    request.on('error', reject);
  });
}

function urlParts(endpoint: string): { host: string; port: number } {
  const url = new URL(endpoint);
  return { host: url.hostname, port: Number(url.port || 2375) };
}
