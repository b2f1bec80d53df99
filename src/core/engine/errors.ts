import { type ErrorCatalogue, errorMessage, LambdaDockError } from '../errors';

export const ENGINE_ERRORS = {
  notFound: 'ENGINE_NOT_FOUND',
  notRunning: 'ENGINE_NOT_RUNNING',
  badChoice: 'ENGINE_BAD_CHOICE',
  badAddress: 'ENGINE_BAD_ADDRESS',
  socketOnRemote: 'DOCKER_SOCKET_ON_REMOTE_ENGINE',
  imageUnavailable: 'IMAGE_UNAVAILABLE',
  launchFailed: 'LAUNCH_FAILED',
  nodeUnavailable: 'NODE_UNAVAILABLE',
  pythonNotFound: 'PYTHON_NOT_FOUND',
  bootstrapMissing: 'BOOTSTRAP_MISSING',
  /** A container operation on the process backend, which runs none. */
  noContainers: 'NO_CONTAINER_ENGINE',
} as const;

export type EngineErrorCode = (typeof ENGINE_ERRORS)[keyof typeof ENGINE_ERRORS];

declare module '../errors' {
  interface ErrorCodesByModule {
    engine: EngineErrorCode;
  }
}

export const ENGINE_ERROR_CATALOGUE: ErrorCatalogue<EngineErrorCode> = {
  ENGINE_NOT_FOUND: {
    message: 'No Docker or Podman engine answers at any address tried.',
    fix: 'Start Docker (or `podman system service`), or point DOCKER_HOST or lambdaDock.dockerHost at its socket.',
  },
  ENGINE_NOT_RUNNING: {
    message: 'The engine that was named (setting, DOCKER_HOST, context) does not answer.',
    fix: 'Start that engine, or choose another with lambdaDock.engine / LAMBDA_DOCK_CONTAINER_CLI.',
  },
  ENGINE_BAD_CHOICE: {
    message: 'The engine asked for is unknown, or the socket found belongs to the other engine.',
    fix: 'Use docker or podman, and point DOCKER_HOST at the socket of the engine you chose.',
  },
  ENGINE_BAD_ADDRESS: {
    message: 'An engine address or Docker context cannot be used (its scheme, host or certificates).',
    fix: 'Correct DOCKER_HOST or lambdaDock.dockerHost, or choose another context with `docker context use`.',
  },
  DOCKER_SOCKET_ON_REMOTE_ENGINE: {
    message: 'A function asks for a Docker socket, which is given only on an engine on this machine.',
    fix: 'Use a local engine for that function, or remove DockerSocket from its LambdaDock metadata.',
  },
  IMAGE_UNAVAILABLE: {
    message: 'A runtime image is not on this machine and could not be pulled.',
    fix: 'Check the network or registry login, pull the image yourself, or set lambdaDock.runtimeImages.',
  },
  LAUNCH_FAILED: {
    message: 'The engine could not start an instance (or the relay or network instances need).',
    fix: 'Read the engine\'s reason in the message; pull or build a missing image; debug on a local engine.',
  },
  NODE_UNAVAILABLE: {
    message: 'A Node.js runtime needs a Node.js binary that is neither in an image here nor fetchable.',
    fix: 'Pull the runtime\'s official image, let npm reach its registry once, or set lambdaDock.runtimeImages.',
  },
  PYTHON_NOT_FOUND: {
    message: 'A Python function needs Python 3 on this machine, and none was found.',
    fix: 'Install Python 3 (python3 on the PATH), or pull the runtime\'s official image.',
  },
  BOOTSTRAP_MISSING: {
    message: 'A custom runtime has no executable bootstrap at the root of its code or a layer.',
    fix: 'Build the executable as bootstrap there (for Go: GOOS=linux go build -o bootstrap).',
  },
  NO_CONTAINER_ENGINE: {
    message: 'A container operation was asked of the process backend, which runs no containers.',
    fix: 'Select a Docker or Podman engine.',
  },
};

export function noContainers(backend: string): LambdaDockError {
  return new LambdaDockError(ENGINE_ERRORS.noContainers, `The ${backend} backend runs functions as processes, not containers: select a Docker or Podman engine.`);
}

export function engineNotFound(tried: string[]): LambdaDockError {
  return new LambdaDockError(
    ENGINE_ERRORS.notFound,
    `No Docker or Podman engine answers. Tried:\n${tried.map((t) => `  - ${t}`).join('\n')}\n` +
      'Start Docker (or `podman system service`), or point DOCKER_HOST / the lambdaDock.dockerHost setting at its socket.',
  );
}

export function engineNotRunning(kind: string, endpoint: string, cause: unknown, namedBy?: string): LambdaDockError {
  if (namedBy && !/^(unix:\/\/)?\//.test(endpoint)) return remoteEngineUnreachable(kind, endpoint, cause, namedBy);
  return new LambdaDockError(
    ENGINE_ERRORS.notRunning,
    `${kind === 'podman' ? 'Podman' : 'Docker'} is not running at ${endpoint}: start it, or set LAMBDA_DOCK_CONTAINER_CLI / lambdaDock.engine to the engine you use.`,
    { cause },
  );
}

/** A remote engine (TCP, TLS, SSH, a Docker context) that does not answer: the cause is what to fix. */
function remoteEngineUnreachable(kind: string, endpoint: string, cause: unknown, namedBy: string): LambdaDockError {
  const hint = endpoint.startsWith('ssh://')
    ? 'check that `ssh HOST docker version` works without a prompt (key or agent, known_hosts)'
    : 'check the address, that the engine listens there, and for TLS DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem)';
  return new LambdaDockError(
    ENGINE_ERRORS.notRunning,
    `${kind === 'podman' ? 'Podman' : 'Docker'} does not answer at ${endpoint}${namedBy === 'DOCKER_HOST' || namedBy === 'lambdaDock.dockerHost' ? ` (${namedBy})` : ''}: ${errorMessage(cause).trim().replace(/\.$/, '')}. ${hint[0].toUpperCase()}${hint.slice(1)}.`,
    { cause },
  );
}

export function badEngineAddress(value: string, why: string): LambdaDockError {
  return new LambdaDockError(ENGINE_ERRORS.badAddress, `The engine address "${value}" cannot be used: ${why}.`);
}

export function badDockerContext(name: string, from: string, why: string): LambdaDockError {
  return new LambdaDockError(
    ENGINE_ERRORS.badAddress,
    `The Docker context "${name}" (from ${from}) cannot be used: ${why}. Choose another with \`docker context use\`, or set DOCKER_HOST.`,
  );
}

export function engineMismatch(host: string, found: string, wanted: string): LambdaDockError {
  return new LambdaDockError(
    ENGINE_ERRORS.badChoice,
    `${host} is a ${found} engine, but ${wanted} was asked for: point DOCKER_HOST (or lambdaDock.dockerHost) at ${wanted}'s socket, or choose ${found}.`,
  );
}

export function badEngineChoice(value: string): LambdaDockError {
  return new LambdaDockError(ENGINE_ERRORS.badChoice, `Unknown engine "${value}": use docker or podman (or leave it unset to detect).`);
}

/**
 * For .catch() on an engine call whose work may already be done: swallows 404 (it is gone) and 409 (it is
 * being removed already), and with notModified 304 (already stopped or started); rethrows anything else.
 */
export function ignoreMissing(error: unknown, options: { notModified?: boolean } = {}): void {
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  if (status === 404 || status === 409 || (options.notModified && status === 304)) return;
  throw error;
}

export function imageUnavailable(image: string, cause: unknown): LambdaDockError {
  return new LambdaDockError(
    ENGINE_ERRORS.imageUnavailable,
    `The image ${image} is not on this machine and could not be pulled (${errorMessage(cause)}): check your network or registry login, or pull it yourself.`,
    { cause },
  );
}

export function dockerSocketOnRemoteEngine(functionName: string, endpoint: string): LambdaDockError {
  return new LambdaDockError(
    ENGINE_ERRORS.socketOnRemote,
    `${functionName} asks for a Docker socket (LambdaDock DockerSocket: true), which Lambda Dock gives only with an engine on this machine, and ${endpoint} is remote: use a local engine for it, or remove DockerSocket from its metadata.`,
  );
}
