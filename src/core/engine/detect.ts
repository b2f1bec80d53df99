import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import { currentDockerContext } from './dockerContext';
import { describeAddress, parseEngineHost, type EngineAddress } from './engineAddress';
import { closeEngineClient, createEngineClient } from './engineClient';
import { badEngineChoice, engineMismatch, engineNotFound, engineNotRunning } from './errors';

export type EngineKind = 'docker' | 'podman';

export interface EngineSelection {
  kind: EngineKind;
  /** How it is shown: the socket path for a local socket (scoped sockets connect to it), else a tcp:// or ssh:// URL. */
  endpoint: string;
  address: EngineAddress;
  /**
   * The engine cannot see this machine's files or reach its addresses: code is uploaded and the Runtime API
   * goes through a relay. Every tcp:// and ssh:// engine, and a socket when LAMBDA_DOCK_REMOTE_ENGINE=1 says so
   * (a dev container given its host's socket: the engine is next door, but its bind mounts and bridge are the host's).
   */
  remote: boolean;
  /**
   * Why this one: 'setting' or 'LAMBDA_DOCK_CONTAINER_CLI' (an engine kind was chosen), 'lambdaDock.dockerHost',
   * 'DOCKER_HOST', 'Docker context "NAME" (from WHERE)', or 'socket' (the first default socket that answered).
   */
  reason: string;
  apiVersion: string;
}

export interface DetectOptions {
  /** The lambdaDock.engine setting: 'auto' (or unset) detects. */
  engine?: string;
  /** The lambdaDock.dockerHost setting; DOCKER_HOST otherwise. */
  dockerHost?: string;
  env?: NodeJS.ProcessEnv;
  /** How long an engine may take to answer /version; by default 2 s for a socket, 5 s over TCP, 20 s over SSH. */
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

/**
 * Picks the engine as the docker client does: lambdaDock.dockerHost (like -H), then DOCKER_HOST, then the
 * Docker context (DOCKER_CONTEXT, else the config's currentContext; not when Podman was chosen), then the
 * usual sockets. An engine kind chosen by setting or LAMBDA_DOCK_CONTAINER_CLI must match what answers.
 */
export async function detectEngine(options: DetectOptions = {}): Promise<EngineSelection> {
  const env = options.env ?? process.env;
  const settingChoice = options.engine && options.engine !== 'auto' ? options.engine : undefined;
  // An empty variable is unset, as shells and CI files often leave it.
  const choice = settingChoice ?? (env.LAMBDA_DOCK_CONTAINER_CLI || undefined);
  if (choice !== undefined && choice !== 'docker' && choice !== 'podman') throw badEngineChoice(choice);
  const choiceReason = settingChoice ? 'setting' : 'LAMBDA_DOCK_CONTAINER_CLI';
  const named = namedEngine(options, env, choice);
  // Only a search among every engine's sockets needs to give up quickly; an engine named explicitly is the one
  // we would use anyway, so a busy one is waited for rather than reported as not running.
  const timeoutMs = options.timeoutMs ?? (named || choice ? EXPLICIT_ENGINE_TIMEOUT_MS : undefined);
  const tried: string[] = [];

  // An engine named explicitly is the one to use: if it does not answer, say so rather than pick another.
  if (named) {
    const endpoint = describeAddress(named.address);
    let found: { kind: EngineKind; apiVersion: string };
    try {
      found = await identify(named.address, env, timeoutMs);
    } catch (error) {
      throw engineNotRunning(choice ?? 'docker', named.shown, error, named.reason);
    }
    if (choice && found.kind !== choice) throw engineMismatch(named.shown, found.kind, choice);
    const reason = choice && named.reason === 'DOCKER_HOST' ? choiceReason : named.reason;
    return { ...found, endpoint, address: named.address, remote: isRemote(named.address, env), reason };
  }

  const kinds: EngineKind[] = choice ? [choice as EngineKind] : ['docker', 'podman'];
  for (const kind of kinds) {
    for (const socket of defaultSockets(kind, env)) {
      if (!fs.existsSync(socket)) {
        tried.push(`${socket}: no such socket`);
        continue;
      }
      try {
        const address: EngineAddress = { transport: 'unix', socketPath: socket };
        const found = await identify(address, env, timeoutMs);
        return { ...found, endpoint: socket, address, remote: isRemote(address, env), reason: choice ? choiceReason : 'socket' };
      } catch (error) {
        tried.push(`${socket}: ${describe(error)}`);
      }
    }
  }
  if (choice) throw engineNotRunning(choice, defaultSockets(choice as EngineKind, env)[0], new Error(tried.join('; ')));
  throw engineNotFound(tried);
}

/** The engine the setting, DOCKER_HOST or a Docker context names, with what named it. */
function namedEngine(options: DetectOptions, env: NodeJS.ProcessEnv, choice: string | undefined): { address: EngineAddress; reason: string; shown: string } | undefined {
  if (options.dockerHost) return { address: parseEngineHost(options.dockerHost, env), reason: 'lambdaDock.dockerHost', shown: options.dockerHost };
  if (env.DOCKER_HOST) return { address: parseEngineHost(env.DOCKER_HOST, env), reason: 'DOCKER_HOST', shown: env.DOCKER_HOST };
  if (choice === 'podman') return undefined;
  const context = currentDockerContext(env);
  if (!context) return undefined;
  const reason = `Docker context "${context.name}" (from ${context.from})`;
  return { address: context.address, reason, shown: `${describeAddress(context.address)} (${reason})` };
}

function isRemote(address: EngineAddress, env: NodeJS.ProcessEnv): boolean {
  return address.transport !== 'unix' || env.LAMBDA_DOCK_REMOTE_ENGINE === '1';
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNREFUSED') return 'nothing listening (connection refused)';
  if (code === 'EACCES') return 'permission denied (is this user in the docker group?)';
  return errorMessage(error);
}

/** Asks an engine for /version and tells Docker from Podman by its components. */
async function identify(address: EngineAddress, env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<{ kind: EngineKind; apiVersion: string }> {
  const limit = timeoutMs ?? { unix: 2000, tcp: 5000, ssh: 20_000 }[address.transport];
  // A socket that accepts the connection is an engine, perhaps a busy one (Podman's service starts its work per
  // request): its answer gets longer than a connect does, so load does not read as "not running".
  if (address.transport !== 'ssh') await connects(address, limit).catch((error: unknown) => Promise.reject(new Error(describe(error), { cause: error })));
  const answerLimit = address.transport === 'ssh' ? limit : Math.max(limit, ANSWER_TIMEOUT_MS);
  const docker = createEngineClient(address, env);
  let timer: NodeJS.Timeout | undefined;
  try {
    const body = (await Promise.race([
      docker.version() as Promise<unknown>,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${answerLimit} ms`)), answerLimit);
      }),
    ])) as Record<string, unknown> | string;
    if (!body || typeof body !== 'object') throw new Error('not a Docker Engine API (its /version is not JSON)');
    const components = Array.isArray(body.Components) ? (body.Components as Array<{ Name?: string }>) : [];
    const podman = components.some((c) => /podman/i.test(c.Name ?? ''));
    return { kind: podman ? 'podman' : 'docker', apiVersion: String(body.ApiVersion ?? '') };
  } catch (error) {
    throw new Error(describe(error), { cause: error });
  } finally {
    clearTimeout(timer);
    closeEngineClient(docker);
  }
}

const ANSWER_TIMEOUT_MS = 15_000;
const EXPLICIT_ENGINE_TIMEOUT_MS = 20_000;

/** Whether the engine's socket or port takes a connection within the limit. */
function connects(address: Exclude<EngineAddress, { transport: 'ssh' }>, limitMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = address.transport === 'unix' ? net.connect(address.socketPath) : net.connect(address.port, address.host);
    socket.setTimeout(limitMs, () => socket.destroy(new Error(`no answer within ${limitMs} ms`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
